"""The command line (SPEC §6): a thin layer over desktop.services.

Output formats are a contract. Bad input — an unknown county or item, a score out of
range, a malformed file, a database that is not ours — ends with a message naming the
file, the row and the reason, exit status 2, and nothing written.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gc
import io
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from db.errors import KnownDatabaseError
from db.location import location as _parse_location
from desktop import paths, textwidth
from desktop.core.campaign import Campaign
from desktop.core.errors import InputError
from desktop.core.indicators import Level
from desktop.core.numbers import canonical, parse_decimal, show, signed
from desktop.core.scoring import CountyResult, Standing

if TYPE_CHECKING:
    from db.merge import Enrolment
    from desktop.services.agreement import Agreement
    from desktop.services.devices import DeviceStatus
    from desktop.services.sync import Exported, FileReport
    from desktop.services.workspace import Workspace

EXIT_BAD_INPUT = 2


def location(argument: str) -> Path | str:
    """A database argument for argparse: its refusal printed without the argument (an address
    may hold a password)."""
    try:
        return _parse_location(argument)
    except KnownDatabaseError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


class UsageError(Exception):
    """A command used wrongly (a missing database, a role that does not fit)."""


def _console() -> None:
    """A console or redirection in another code page than UTF-8 (cp936, cp1252 on Windows):
    what it cannot show is replaced, never a UnicodeEncodeError after the work is done."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


def main(argv: Sequence[str] | None = None) -> int:
    _console()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and not argv[0].startswith("-") and argv[0] not in _COMMANDS:
        argv.insert(0, "gui")  # `yanshou DB` opens DB
    quick = _window_start(argv)
    if quick is not None:  # no garbage collection until the window's first frame (desktop.ui.app.run resumes it)
        gc.disable()
    args = quick or _parser().parse_args(argv)
    command = args.command or "start"
    try:
        code = _with_passphrase(lambda: int(_COMMANDS[command](args) or 0))
        sys.stdout.flush()  # here, not at exit: a closed pipe is then seen below
        return code
    except (InputError, KnownDatabaseError, UsageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `yanshou indicators | head`: the reader has what it wanted
        _quiet_stdout()
        return 0
    except OSError as exc:  # what the environment did (a read-only or full disk, a folder gone): no bug of ours
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:
        log = paths.log_error(exc)
        where = f"; details in {log}" if log else ""
        print(f"internal error ({type(exc).__name__}: {exc}){where}", file=sys.stderr)
        return 1
    finally:
        gc.enable()  # (a start that ended before its first frame: collections as ever for whoever called main)


def _window_start(argv: list[str]) -> argparse.Namespace | None:
    """The arguments of the window's start as users start it — none (the shortcut), or `gui`
    and one database or export (a double-clicked file) — read without building every command's
    parser (argparse's formatters and message lookups: some 10-30 ms of a cold start). None for
    anything else, or a database argument that will not do: the parser reads it and says why."""
    if argv == []:
        return argparse.Namespace(command=None, db=None, screenshot=None)
    if argv[0] != "gui" or len(argv) > 2 or any(a.startswith("-") for a in argv[1:]):
        return None
    try:
        db = location(argv[1]) if len(argv) == 2 else None
    except argparse.ArgumentTypeError:
        return None
    return argparse.Namespace(command="gui", db=db, screenshot=None)


def _with_passphrase(command: Callable[[], int]) -> int:
    """Run a command; where it needs this computer's Yanshou passphrase (db.vault) and a person
    is at the terminal, ask for it (three tries) and run it again. A script sets
    YANSHOU_PASSPHRASE instead; without either the command ends saying what is needed."""
    from db.errors import KeyNeeded

    tries = 0
    while True:
        try:
            return command()
        except KeyNeeded as exc:
            if exc.code not in ("passphrase_needed", "wrong_passphrase") or tries >= 3 or not sys.stdin.isatty():
                raise
            tries += 1
            _ask_passphrase(str(exc) if exc.code == "wrong_passphrase" else "")


def _ask_passphrase(said: str) -> None:
    import getpass

    from desktop.services import protection

    if said:
        print(f"error: {said}", file=sys.stderr)
    if protection.must_choose_passphrase():
        print("This computer has no protected store: choose a passphrase for Yanshou's files (asked at each start).", file=sys.stderr)
        while True:
            chosen = getpass.getpass("new passphrase: ")
            if (why := protection.passphrase_problem(chosen)) is not None:
                print(f"error: {why}", file=sys.stderr)
            elif getpass.getpass("again: ") != chosen:
                print("error: the two differ", file=sys.stderr)
            else:
                protection.unlock(chosen)
                return
    try:
        protection.unlock(getpass.getpass("Yanshou passphrase: "))
    except KnownDatabaseError as exc:
        print(f"error: {exc}", file=sys.stderr)


def _quiet_stdout() -> None:
    """Point stdout at the null device, so that the interpreter's last flush at exit does not
    fail on the closed pipe again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _parser() -> argparse.ArgumentParser:
    # Long on purpose: one parser per command of SPEC §6, in its order, so the help and the contract
    # read side by side.
    parser = argparse.ArgumentParser(prog="yanshou", description="验收 Yanshou — acceptance inspection of the government-openness pilot")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("gui", help="open the window (the default command)")
    p.add_argument("db", type=location, nargs="?", help="a database (default: the last one opened)")
    p.add_argument("--screenshot", type=Path, metavar="PNG", help="render the window offscreen at 1366×768 to PNG and exit")

    p = sub.add_parser("init", help="create a database for a laptop (field) or the team lead (master)")
    p.add_argument("db", type=location)
    p.add_argument("--role", choices=("field", "master"), required=True)
    p.add_argument("--campaign", type=Path, help="a campaign file (default: the built-in Lu'an 2018 campaign)")
    p.add_argument("--inspector", help="the inspector who works on this laptop")
    p.add_argument(
        "--encrypt", action="store_true",
        help="encrypt the file at rest (a laptop's is whenever this computer can protect it; a master's only when asked)",
    )

    p = sub.add_parser("encrypt", help="encrypt a database file at rest in its place (a master by choice; nothing is lost)")
    p.add_argument("db", type=Path)

    p = sub.add_parser("indicators", help="print the indicator table")
    p.add_argument("db", type=location, nargs="?", help="a database (default: the built-in campaign)")
    p.add_argument("--format", choices=("table", "json"), default="table")

    p = sub.add_parser("import-sheet", help="import a CSV or XLSX score sheet")
    p.add_argument("db", type=location)
    p.add_argument("sheet", type=Path)
    # the kinds are the campaign's (inspection, and every imported method it names): checked against it
    p.add_argument("--kind", required=True, metavar="inspection|METHOD", help="inspection, or an imported method of the campaign "
                   "(self-check, third-party in the built-in one)")
    p.add_argument("--inspector", help="whose inspection sheet it is (default: the laptop's inspector)")

    p = sub.add_parser(
        "export", help="a consistent snapshot of a database, for the USB stick: sealed for its receivers whose keys it knows",
    )
    p.add_argument("db", type=location)
    p.add_argument("out", type=Path)
    p.add_argument(
        "--unsealed", action="store_true",
        help="write it in the clear, for a receiver whose key this database does not know yet (a new laptop, another lead's desk)",
    )

    p = sub.add_parser(
        "renew", help="a new database for this laptop carrying its inspector's work, written anew (after its clock was wrong)",
    )
    p.add_argument("db", type=Path, metavar="LAPTOP")
    p.add_argument("out", type=Path, metavar="NEW")

    p = sub.add_parser("merge", help="merge laptops' exports into the master (or the master's export into a laptop)")
    p.add_argument("db", type=location, metavar="MASTER")
    p.add_argument("files", type=Path, nargs="+", metavar="FILE")
    p.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    p.add_argument(
        "--enroll", nargs="?", const=True, action="append", metavar="DEVICE",
        help="accept new field laptops (check their key fingerprints first); with DEVICE (an id prefix), that one only — "
        "the way to accept a second laptop of an inspector who has one; on a laptop: accept the lead's master",
    )
    p.add_argument(
        "--enroll-lead", nargs="?", const=True, action="append", metavar="DEVICE",
        help="accept another master (a second lead's desk, with the lead's powers): a separate, explicit choice",
    )

    p = sub.add_parser("conflicts", help="the open conflicts, with their competing versions")
    p.add_argument("db", type=location, metavar="MASTER")
    p.add_argument("--format", choices=("table", "json"), default="table")

    p = sub.add_parser("resolve", help="settle a conflict by keeping one of its versions")
    p.add_argument("db", type=location, metavar="MASTER")
    p.add_argument("conflict", help="the conflict's id (or its first characters)")
    p.add_argument("--keep", required=True, metavar="VERSION", help="the version to keep (its id or first characters)")

    p = sub.add_parser("verify", help="check a signed PDF, or every signature in a database")
    p.add_argument("file", type=location, help="a PDF the program printed, or a database (a file, or a master's URL)")
    p.add_argument("--db", type=location, metavar="MASTER", help="with a PDF: also check that its key is an enrolled device's")

    p = sub.add_parser("record", help="print a county's inspection record (检查记录表) to PDF")
    p.add_argument("db", type=location)
    p.add_argument("--county", required=True, metavar="NAME", help="the county's name as in the campaign (e.g. 金安区)")
    p.add_argument("--inspector", metavar="NAME", help="only this inspector's record (default: every inspector's)")
    p.add_argument("--out", required=True, type=Path, metavar="PDF")
    p.add_argument("--sign", action="store_true", help="sign the PDF with this computer's device key (PAdES)")

    p = sub.add_parser("report", help="print the results summary (验收结果汇总表) to PDF")
    p.add_argument("db", type=location)
    p.add_argument("--out", required=True, type=Path, metavar="PDF")
    p.add_argument("--sign", action="store_true", help="sign the PDF with this computer's device key (PAdES)")

    p = sub.add_parser("problems", help="print a county's problem list (问题整改清单) to PDF")
    p.add_argument("db", type=location)
    p.add_argument("--county", required=True, metavar="NAME")
    p.add_argument("--out", required=True, type=Path, metavar="PDF")
    p.add_argument("--sign", action="store_true", help="sign the PDF with this computer's device key (PAdES)")

    p = sub.add_parser("scorecard", help="print a county's scorecard (验收成绩单, one page) to PDF")
    p.add_argument("db", type=location)
    p.add_argument("--county", required=True, metavar="NAME", help="the county's name as in the campaign (e.g. 金安区)")
    p.add_argument("--out", required=True, type=Path, metavar="PDF")
    p.add_argument("--sign", action="store_true", help="sign the PDF with this computer's device key (PAdES)")

    p = sub.add_parser("demo", help="a whole campaign end to end, headless: laptops, merge, results, signed PDFs")
    p.add_argument("dir", type=Path, nargs="?", default=Path("yanshou-demo"), help="an empty or new folder (default: ./yanshou-demo)")

    p = sub.add_parser("results", help="weighted totals, ranks and grades")
    p.add_argument("db", type=location)
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")

    p = sub.add_parser(
        "devices", help="every enrolled device: its exports merged, the last one's number and time, gaps, the counties it brought",
    )
    p.add_argument("db", type=location, metavar="MASTER")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument(
        "--revoke", metavar="DEVICE",
        help="revoke a lost or stolen device (its id, or its first 4 or more characters): its later files are refused, "
        "its work merged before stays",
    )

    p = sub.add_parser("spread", help="where inspectors disagree: per county and item scored by two or more, the scores and the spread")
    p.add_argument("db", type=location, metavar="MASTER")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--min", metavar="POINTS", help="flag a spread that reaches this many points (default: a third of the item's points)")

    # beyond SPEC §6: a laptop's recovery by the lead (T2-8)
    p = sub.add_parser(
        "recovery-code", help="the lead: open a laptop's recovery file with the master's key and print the code that opens its files",
    )
    p.add_argument("db", type=location, metavar="MASTER")
    p.add_argument("file", type=Path, metavar="RECOVERY_FILE", help="the laptop's keys/recovery-….bin")

    p = sub.add_parser(
        "recover", help="a laptop whose protected store lost its key: put it back with the lead's recovery code",
    )
    p.add_argument("--code", help="the recovery code (default: asked, not shown as it is typed)")
    return parser


def _open(path: Path) -> Workspace:
    from desktop.services.workspace import open_workspace

    return open_workspace(path)


def _init(args: argparse.Namespace) -> int:
    from desktop.services.workspace import create

    with create(args.db, role=args.role, campaign_file=args.campaign, inspector=args.inspector, encrypt=args.encrypt or None) as ws:
        who = f", inspector {ws.identity.inspector}" if ws.identity.inspector else ""
        print(f"created {ws.path}: {ws.identity.role} database for {ws.campaign.name}{who}")
        print(f"device {ws.identity.device_id}; its private key is in {paths.keys_dir()}")
        print(_protection_line(ws))
    return 0


def _protection_line(ws: Workspace) -> str:
    """How the database and its key file are protected at rest, or that they are not and why."""
    from db import keys
    from desktop.services import protection

    held = protection.state()
    how = {
        protection.Method.STORE: "a key in the system's protected store",
        protection.Method.PASSPHRASE: "this computer's Yanshou passphrase",
    }.get(held.method, "")
    key_file = keys.is_protected(keys.key_path(paths.keys_dir(), ws.identity.device_id))
    if ws.database.on_server:
        return ("on the server: its storage is the server's business; the master's key file is kept bare, owner-only, "
                "to be copied to every lead's desk")
    if ws.database.encrypted and key_file:
        return f"encrypted at rest, and its key file too, with {how}"
    if ws.identity.role == "master" and key_file:
        return (f"the database in the clear (a master is encrypted when asked: --encrypt, or 'yanshou encrypt'); "
                f"its key file encrypted with {how}")
    return ("NOT ENCRYPTED: this computer has no protected store and no passphrase was given; give one with --encrypt "
            "(asked in a terminal) or YANSHOU_PASSPHRASE")


def _encrypt(args: argparse.Namespace) -> int:
    from desktop.services.workspace import encrypt_workspace

    encrypt_workspace(args.db)
    print(f"encrypted {args.db} at rest in its place (verified row for row; its backups beside it too)")
    return 0


def _recovery_code(args: argparse.Namespace) -> int:
    from db.keys import show_fingerprint
    from desktop.services import protection

    with _open(args.db) as ws:
        about, code = protection.recovery_code(ws, args.file)
        laptop = protection.recovery_laptop(ws, about.laptop)
    whose = f"{laptop.inspector}'s laptop" if laptop.inspector else "laptop"
    print(f"recovery code of {whose} {about.laptop[:8]} (its files' protection {about.protection}; sealed for this master, "
          f"key {show_fingerprint(about.fingerprint)}, on {about.written[:10]}):")
    print(f"  {code}")
    if not laptop.enrolled:
        print("WARNING: this master has merged nothing from that laptop: make sure the one asking is its inspector.")
    elif laptop.revoked:
        print("WARNING: you revoked that laptop (lost or stolen): give the code only if it is back in its inspector's hands.")
    print("This code is the key that opens that laptop's encrypted Yanshou files (its database and key files). Give it to its "
          "inspector only, in person or by telephone, to type in 'yanshou recover' on that laptop; do not write it down or keep it.")
    return 0


def _recover(args: argparse.Namespace) -> int:
    import getpass

    from desktop.services import protection

    typed = args.code if args.code is not None else getpass.getpass("recovery code: ")
    moved = protection.recover(typed)
    print("recovered: the key of this computer's Yanshou files is back in the system's protected store; its database and key "
          "files open again" + ("; no passphrase is asked from now on" if moved else ""))
    return 0


def _indicators(args: argparse.Namespace) -> int:
    if args.db is not None:
        with _open(args.db) as ws:
            campaign = ws.campaign
    else:
        from desktop.services.workspace import load_campaign_file

        campaign = load_campaign_file(None)
    print(_indicator_json(campaign) if args.format == "json" else _indicator_table(campaign))
    return 0


def _indicator_json(campaign: Campaign) -> str:
    nodes = [
        {"code": n.code, "level": int(n.level), "name": n.name, "points": canonical(n.points)}
        for n in campaign.indicator_set.nodes
    ]
    return json.dumps(nodes, ensure_ascii=False, indent=2)


def _indicator_table(campaign: Campaign) -> str:
    rows = []
    for node in campaign.indicator_set.nodes:
        indent = "  " * (int(node.level) - 1)
        name = node.name if node.level is not Level.ITEM else textwidth.clip(node.name, 60)
        rows.append([node.code, indent + name, canonical(node.points)])
    total = canonical(campaign.indicator_set.total_points)
    head = f"{campaign.indicator_set.name} ({campaign.indicator_set.source}), {total} points"
    return head + "\n\n" + textwidth.table(["code", "indicator", "points"], rows, right=[2])


def _import_sheet(args: argparse.Namespace) -> int:
    from desktop.services.imports import import_sheet

    with _open(args.db) as ws:
        summary = import_sheet(ws, args.sheet, args.kind, args.inspector)
    note = "" if summary.changed else " (nothing new: the database had all of it)"
    print(f"imported {args.sheet}: {summary.kind}, {summary.rows} rows, {summary.counties} counties, "
          f"{summary.changed} records changed{note}")
    return 0


def _results(args: argparse.Namespace) -> int:
    from desktop.services.results import results

    with _open(args.db) as ws:
        rows = results(ws)
        campaign = ws.campaign
    if args.format == "json":
        print(json.dumps([_result_object(campaign, r) for r in rows], ensure_ascii=False, indent=2))
    elif args.format == "csv":
        objects = [_result_object(campaign, r) for r in rows]
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(objects[0]) if objects else ["county"], lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: _csv_value(v) for k, v in o.items()} for o in objects)
        sys.stdout.write(out.getvalue())
    else:
        print(_results_table(campaign, rows))
    return 0


def _method_field(key: str) -> str:
    return key.replace("-", "_")


def _result_object(campaign: Campaign, r: CountyResult) -> dict[str, object]:
    """SPEC §6's keys: a missing method score is null, a county not started has no rank or grade."""
    obj: dict[str, object] = {"county": campaign.county(r.county).name}
    for method in campaign.methods:
        value = r.score_of(method.key)
        obj[_method_field(method.key)] = None if value is None else show(value)
    obj.update({
        "adjustment": show(r.adjustment), "total": show(r.total), "rank": r.rank, "grade": r.grade.value if r.grade else None,
        "complete": r.complete, "provisional": r.provisional, "missing": r.missing.codes(),
    })
    return obj


def _csv_value(value: object) -> object:
    """JSON's words in a CSV cell: true/false, an empty cell for null, a list joined by ';';
    text a spreadsheet would take for a formula marked as text, as in every table the window
    exports (tables.formula_safe): the CSV is opened in Excel."""
    from desktop.services.tables import formula_safe

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return formula_safe(";".join(map(str, value)))
    return "" if value is None else formula_safe(value)


def _missing_text(campaign: Campaign, r: CountyResult) -> str:
    if r.standing is Standing.NOT_STARTED:
        return "not started"
    if r.complete:
        return "complete"
    names = {m.key: m.name for m in campaign.methods}
    missing = [names[m] for m in r.missing.methods]
    if r.missing.items:
        missing.append(f"{r.missing.items} items unscored")
    return "provisional, missing: " + ", ".join(missing)


def _results_table(campaign: Campaign, rows: list[CountyResult]) -> str:
    header = ["rank", "county", *[f"{m.name} {canonical(m.weight * 100)}%" for m in campaign.methods], "adjustment", "total",
              "grade", "data"]
    body = []
    for r in rows:
        scores = [show(v) if (v := r.score_of(m.key)) is not None else "-" for m in campaign.methods]
        grade = "-" if r.grade is None else r.grade.value + (" (provisional)" if r.provisional else "")
        body.append([
            str(r.rank) if r.rank is not None else "-", campaign.county(r.county).name, *scores,
            signed(r.adjustment) if r.adjustments else "-", show(r.total) if r.started else "-", grade, _missing_text(campaign, r),
        ])
    numbers = list(range(2, 5 + len(campaign.methods)))
    return f"{campaign.name}\n\n" + textwidth.table(header, body, right=[0, *numbers])


def _spread(args: argparse.Namespace) -> int:
    """`yanshou spread MASTER`: SPEC §6's list in JSON; the table adds each inspector's distance from the others."""
    from desktop.core.agreement import check_minimum
    from desktop.services.agreement import agreement_of

    minimum = None
    if args.min is not None:
        minimum = parse_decimal(args.min)
        if minimum is None:
            raise UsageError(f"--min: {args.min!r} is not a number of points (e.g. 1 or 0.5)")
        check_minimum(minimum)  # before the database is opened
    with _open(args.db) as ws:
        found = agreement_of(ws, minimum)
        title = ws.campaign.name
    if args.format == "json":
        print(json.dumps([
            {
                "county": r.county_name, "item": r.spread.item, "points": canonical(r.spread.points),
                "scores": {who: canonical(score) for who, score in r.spread.scores.items()},
                "spread": canonical(r.spread.spread), "flagged": r.flagged,
            }
            for r in found.rows
        ], ensure_ascii=False, indent=2))
    else:
        print(_spread_table(title, found))
    return 0


def _spread_table(title: str, found: Agreement) -> str:
    rule = "a third of each item's points" if found.minimum is None else f"{canonical(found.minimum)} points"
    head = f"{title}\n\nwhere inspectors disagree: flagged when the spread reaches {rule}"
    if not found.rows:
        return head + "\n\nno item of any county is scored by two or more inspectors"
    body = [
        [
            r.county_name, r.spread.item, canonical(r.spread.points),
            ", ".join(f"{who} {canonical(score)}" for who, score in r.spread.scores.items()),
            canonical(r.spread.spread), show(r.spread.threshold), "FLAGGED" if r.flagged else "",
            "-" if r.adjudicated is None else canonical(r.adjudicated),
        ]
        for r in found.rows
    ]
    rows = textwidth.table(
        ["county", "item", "points", "scores", "spread", "flag at", "", "adjudicated"], body, right=[2, 4, 5, 7],
    )
    summary = f"{len(found.rows)} county items scored by two or more inspectors, {len(found.flagged)} flagged"
    people = textwidth.table(
        ["inspector", "items", "mean distance", "mean difference", "flagged"],
        [[d.inspector, str(d.compared), show(d.mean_deviation), signed(d.mean_difference), str(d.flagged)] for d in found.inspectors],
        right=[1, 2, 3, 4],
    )
    return (
        f"{head}\n\n{rows}\n\n{summary}\n\n"
        "how far each inspector sits from the others, over the items they scored with others: the mean distance of their\n"
        "score from the others' mean, and the mean difference (above 0: they score higher than the others)\n\n" + people
    )


def _devices(args: argparse.Namespace) -> int:
    """`yanshou devices MASTER`: SPEC §6's keys in JSON, and `gaps` (its command line names them); the table adds the time since."""
    from desktop.services.devices import device_statuses

    if args.revoke is not None:
        return _revoke(args)
    with _open(args.db) as ws:
        found = device_statuses(ws)
    if args.format == "json":
        print(json.dumps([
            {
                "device": d.device_id, "inspector": d.inspector, "role": d.role.value, "fingerprint": d.fingerprint,
                "exports": d.exports, "last_export": d.last_export,
                "last_merged_at": None if d.last_merged_at is None else d.last_merged_at.isoformat(timespec="seconds"),
                "counties": [c.name for c in d.counties], "gaps": list(d.gaps),
                "revoked": d.revoked, "revoked_at": None if d.revoked_at is None else d.revoked_at.isoformat(timespec="seconds"),
            }
            for d in found
        ], ensure_ascii=False, indent=2))
    else:
        print(_devices_table(found))
    return 0


def _revoke(args: argparse.Namespace) -> int:
    """`yanshou devices MASTER --revoke DEVICE`: the lead's revocation of a lost device."""
    from db.keys import show_fingerprint
    from desktop.services.sync import revoke

    with _open(args.db) as ws:
        done = revoke(ws, args.revoke)
        fingerprint = next((d.fingerprint for d in _statuses(ws) if d.device_id == done.device_id), "")
    r = done.revocation
    who = done.inspector or "another lead's master"
    if not done.new:
        print(f"device {done.device_id[:8]} ({who}) was revoked already, on {r.at}; nothing changed")
        return 0
    last = f"export #{r.last_export}" if r.last_export else "no export"
    print(f"revoked device {done.device_id} ({who}, {done.role}, key {show_fingerprint(fingerprint)}): its files exported after "
          f"{last} are refused, and so is any file carrying its versions numbered after {r.last_seq}; the {r.last_seq} versions "
          "it brought before stay. A new laptop for the inspector is a new database (yanshou init), enrolled anew.")
    return 0


def _statuses(ws: Workspace) -> list[DeviceStatus]:
    from desktop.services.devices import device_statuses

    return device_statuses(ws)


def _ago(since: dt.timedelta) -> str:
    minutes = max(int(since.total_seconds() // 60), 0)
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} min ago"
    if minutes < 48 * 60:
        return f"{minutes // 60} h ago"
    return f"{minutes // (24 * 60)} days ago"


def _devices_table(found: list[DeviceStatus]) -> str:
    from db.keys import show_fingerprint

    now = dt.datetime.now(dt.UTC)
    body = []
    for d in found:
        merged = "-" if d.last_merged_at is None else d.last_merged_at.strftime("%Y-%m-%d %H:%M %z")
        since = d.since(now)
        exports = str(d.exports) + (f" + {d.database_files} as file" if d.database_files else "")
        body.append([
            d.device_id[:8] + (" (this)" if d.this_device else ""), d.inspector or "-", d.role.value, show_fingerprint(d.fingerprint),
            exports, "-" if d.last_export is None else f"#{d.last_export}", merged, "never" if since is None else _ago(since),
            "GAP: " + ", ".join(f"#{n}" for n in d.gaps) if d.gaps else "", str(d.items),
            textwidth.clip("、".join(c.name for c in d.counties), 40) or "-",
            "REVOKED" + (d.revoked_at.strftime(" %Y-%m-%d") if d.revoked_at else "") if d.revoked else "",
        ])
    gaps = sum(bool(d.gaps) for d in found)
    note = f"; {gaps} with exports never merged (GAP: the numbers missing)" if gaps else ""
    revoked = sum(d.revoked for d in found)
    note += f"; {revoked} revoked (their later files are refused)" if revoked else ""
    return textwidth.table(
        ["device", "inspector", "role", "fingerprint", "exports", "last", "last merged", "since", "gaps", "items", "counties", "revoked"],
        body, right=[4, 5, 9],
    ) + f"\n\n{len(found)} enrolled devices{note}"


def _export(args: argparse.Namespace) -> int:
    from desktop.services.sync import export

    with _open(args.db) as ws:
        snap = export(ws, args.out, sealed=not args.unsealed)
        source = ws.path
    m = snap.manifest
    print(f"exported {source} to {snap.path}: export #{m.number} of device {m.device_id[:8]}, {snap.versions} versions, "
          f"{snap.blobs} evidence files, {snap.size} bytes, sha256 {snap.sha256[:16]}… (signed manifest; read back and verified)")
    print("\n".join(_sealing_lines(snap)))
    return 0


def _sealing_lines(snap: Exported) -> list[str]:
    """Whom an export was sealed for, or that it is in the clear and why."""
    from db.keys import show_fingerprint

    if snap.sealed:
        lines = ["sealed for " + ", ".join(
            f"{r.name} (device {r.device_id[:8]}, key {show_fingerprint(r.fingerprint)})" for r in snap.snapshot.sealed_for
        ) + ": nobody else can read it"]
    else:
        why = {
            "no_master_key": "this laptop has no key of the lead's master yet: merge the lead's export for the laptops, "
            "and the next export is sealed",
            "no_laptop_key": "no enrolled laptop has sent its key yet: each one's next export merged here brings it",
            "asked": "written in the clear as asked (--unsealed)",
        }.get(snap.unsealed, snap.unsealed)
        lines = [f"NOT SEALED: anyone holding the file can read it; {why}"]
    if snap.without_key:
        lines.append("cannot be opened by " + ", ".join(snap.without_key) + " (their key is not known here yet: merge an export "
                     "of each, then export again)")
    if snap.revoked:
        lines.append("not sealed for the revoked " + ", ".join(snap.revoked))
    return lines


def _renew(args: argparse.Namespace) -> int:
    from desktop.services.sync import device_fingerprint, renew, version_count

    with _open(args.db) as ws, renew(ws, args.out) as new:
        count = version_count(new)
        print(f"renewed {args.db} as {args.out}: {count} versions of {new.identity.inspector}'s work, written anew by device "
              f"{new.identity.device_id[:8]} (key fingerprint {device_fingerprint(new)}); export it and merge it on the master")
    return 0


def _merge_line(r: FileReport) -> list[str]:
    from db.keys import show_fingerprint

    who = r.inspector or ("the master" if r.role == "master" else "?")
    kind = f"export #{r.export_number}" if r.export_number else "a database file, not an export: no manifest to show missing rows"
    source = f"{who} (device {r.device_id[:8]}, {kind})" if r.device_id else ""
    if r.status == "refused":
        return [f"{r.file}: REFUSED — {r.reason}"]
    seal = " (sealed)" if r.sealed else " (NOT sealed: it was readable by anyone on the way)" if r.sealed is False else ""
    if r.status == "nothing-new":
        later = f"; export #{r.older_than} of this device was merged already" if r.older_than else ""
        return [f"{r.file}: nothing new{' from ' + source if source else ''}{later}{seal}"]
    verb = "would merge" if r.status == "dry-run" else "merged"
    lines = [
        f"{r.file}: {verb} {source}{seal}: {r.versions_added} versions added, {r.versions_present} already here, "
        f"{r.blobs_added} evidence files ({r.blob_bytes} bytes), {r.conflicts} records in conflict"
    ]
    lines += [
        f"  {'would enroll' if r.status == 'dry-run' else 'enrolled'} device {d.id[:8]} ({d.role}, {d.inspector or 'no inspector'}), "
        f"key fingerprint {show_fingerprint(d.fingerprint)}"
        for d in r.enrolled
    ]
    if r.clock_ahead_ms:
        lines.append(f"  note: the clock of {who} runs {r.clock_ahead_ms / 3_600_000:.1f} hours ahead of this computer's; correct it")
    lines += [f"  note: device {d[:8]} is a second laptop of {who}, accepted by name" for d in r.second_laptops]
    return lines


def _enrolment(field: list[str | bool] | None, lead: list[str | bool] | None) -> Enrolment:
    """--enroll and --enroll-lead as the lead's decision: bare, every new device of the kind;
    with ids, those devices only."""
    from db.merge import Enrolment

    def choice(given: list[str | bool] | None) -> bool | frozenset[str]:
        if not given:
            return False
        if True in given:
            return True
        prefixes = frozenset(str(g).strip().lower() for g in given)
        if any(len(p) < 4 for p in prefixes):
            raise UsageError("a device is named by at least the first 4 characters of its id")
        return prefixes

    return Enrolment(field=choice(field), lead=choice(lead))


def _merge(args: argparse.Namespace) -> int:
    from desktop.services.sync import merge

    with _open(args.db) as ws:
        reports = merge(ws, args.files, enroll=_enrolment(args.enroll, args.enroll_lead), dry_run=args.dry_run)
    for report in reports:
        print("\n".join(_merge_line(report)))
    refused = sum(r.status == "refused" for r in reports)
    added = sum(r.versions_added for r in reports)
    print(f"{len(reports)} files: {added} versions {'would be ' if args.dry_run else ''}added, {refused} refused"
          + ("; nothing was written (dry run)" if args.dry_run else ""))
    return EXIT_BAD_INPUT if refused else 0


def _payload_text(payload: dict[str, object], deleted: bool) -> str:
    if deleted:
        return "(deleted)"
    shown = {k: v for k, v in payload.items() if k not in {"county", "item", "inspector", "mode", "method"}}
    return ", ".join(f"{k}={v}" for k, v in sorted(shown.items())) or "(empty)"


def _conflicts(args: argparse.Namespace) -> int:
    from desktop.core.devices import shown_time
    from desktop.services.sync import conflicts

    with _open(args.db) as ws:
        found = conflicts(ws)
        names = {c.code: c.name for c in ws.campaign.counties}
    if args.format == "json":
        print(json.dumps([
            {
                "conflict": c.id, "record": c.record_id, "entity": c.entity, "kind": c.kind, "fields": list(c.fields),
                "county": names.get(c.county, c.county), "item": c.item,
                "versions": [
                    {"version": v.version_id, "device": v.device_id, "inspector": v.inspector, "role": v.device_role,
                     "written": v.written.isoformat(timespec="seconds"), "deleted": v.deleted, "payload": v.payload}
                    for v in c.versions
                ],
            }
            for c in found
        ], ensure_ascii=False, indent=2))
        return 0
    if not found:
        print("no open conflicts")
        return 0
    for c in found:
        print(f"conflict {c.id} ({c.kind}): {c.entity} of {names.get(c.county, c.county)} item {c.item}, "
              f"record {c.record_id[:8]}, fields in question: {', '.join(c.fields) or '-'}")
        for i, v in enumerate(c.versions):
            mark = "*" if i == 0 else " "
            who = v.inspector or ("master" if v.device_role == "master" else "?")
            print(f"  {mark} version {v.version_id[:12]}  {who} (device {v.device_id[:8]})  "
                  f"{shown_time(v.written.isoformat(), seconds=True)}  {_payload_text(v.payload, v.deleted)}")  # (local time)
    print(f"{len(found)} open conflicts; * = shown for now. Settle one with: yanshou resolve MASTER CONFLICT --keep VERSION")
    return 0


def _resolve(args: argparse.Namespace) -> int:
    from desktop.services.sync import resolve

    with _open(args.db) as ws:
        written = resolve(ws, args.conflict, args.keep)
    print(f"resolved: new version {written.version_id[:12]} (signed by this master) keeps {args.keep}; the others stay in the history")
    return 0


def _verify(args: argparse.Namespace) -> int:
    """`yanshou verify FILE`: a signed PDF (signer, time, intact or not), or a database (a
    file, or a master on a server)."""
    from db.integrity import check_projection, check_schema, check_signatures

    if isinstance(args.file, Path):
        try:
            with open(args.file, "rb") as f:
                head = f.read(1024)
        except OSError as exc:
            raise UsageError(f"{args.file}: cannot be read ({exc.strerror or exc})") from None
        if b"%PDF-" in head:
            return _verify_pdf(args.file, args.db)
    with _open(args.file) as ws:
        with ws.read() as conn:
            report = check_signatures(conn)
        planted = check_schema(ws.database)  # first: a planted trigger would fire in the rebuild below (rolled back)
        derived = check_projection(ws.database)
    print(f"{ws.database.path}: {report.checked} versions from {report.devices} devices checked")
    for vid in report.bad:
        print(f"  BAD   version {vid}: its content does not match its id or signature")
    for vid in report.unknown_device:
        print(f"  BAD   version {vid}: signed by a device this file does not know")
    for table, side, row in derived.differences:
        held = "stored, not in a rebuild" if side == "stored" else "in a rebuild, not stored"
        print(f"  BAD   {table} row {', '.join(str(v) for v in row)[:200]}: {held}")
    print("intact: every signature verifies" if report.intact else "NOT INTACT: the file was altered after signing")
    print(
        f"current state: equal to a rebuild from the versions ({derived.tables} tables)" if derived.equal
        else "CURRENT STATE ALTERED: the derived tables differ from a rebuild from the versions (edited outside Yanshou)"
    )
    if planted is not None:
        print(f"SCHEMA ALTERED: the database's tables differ from Yanshou's ({planted}); edited outside Yanshou")
    return 0 if report.intact and derived.equal and planted is None else 1


def _verify_pdf(path: Path, db: Path | None) -> int:
    """A signed PDF: intact, valid, covering the whole file; with --db, signed by the key of
    a device that database enrolled (a certificate's names are whatever its maker typed)."""
    from desktop.reports.signing import verify_pdf

    try:
        checks = verify_pdf(path)
    except ValueError as exc:
        raise UsageError(f"{path}: {exc}") from None
    if not checks:
        print(f"{path}: NOT SIGNED: the PDF carries no digital signature")
        return 1
    enrolled: dict[str, tuple[str, str, str | None] | None] | None = None
    if db is not None:
        from desktop.services.sync import enrolled_device

        with _open(db) as ws:
            enrolled = {c.key_fingerprint: enrolled_device(ws, c.key_fingerprint) for c in checks}
    known = True
    for c in checks:
        print(f"{path}: signature {c.field}")
        print(f"  signer:   {c.signer} (as the certificate names it; device {c.device or '?'})")
        print(f"  key:      {c.key_fingerprint}")
        if enrolled is None:
            print("  identity: not checked (give --db MASTER to check the key against the enrolled devices)")
        elif (found := enrolled[c.key_fingerprint]) is not None:
            device, role, who = found
            print(f"  identity: the key of enrolled device {device} ({role}{', ' + who if who else ''})")
        else:
            known = False
            print(f"  identity: NOT an enrolled device's key: {db} does not know who signed")
        print(f"  signed:   {c.signed_at or 'time not stated'}")
        print(f"  intact:   {'yes' if c.intact else 'NO: the signed bytes were changed'}")
        print(f"  valid:    {'yes' if c.valid else 'NO: the signature does not match the key'}")
        print(f"  coverage: {'the whole file' if c.covers_whole_file else 'NOT the whole file: something was added after signing'}")
        if c.problem:
            print(f"  problem:  {c.problem}")
    ok = all(c.ok for c in checks)
    print("intact: every signature verifies" if ok else "NOT INTACT: the document was altered after signing")
    return 0 if ok and known else 1


def _print(args: argparse.Namespace) -> int:
    """`record`, `report`, `problems`, `scorecard`: a PDF written whole (signed with --sign)."""
    from desktop.services import documents

    kind = {
        "record": documents.RECORD, "problems": documents.PROBLEMS, "report": documents.SUMMARY, "scorecard": documents.SCORECARD,
    }[args.command]
    with _open(args.db) as ws:
        county = documents.county_by_name(ws, args.county) if kind != documents.SUMMARY else None
        document = documents.build(ws, kind, county, getattr(args, "inspector", None))
        written = documents.write(ws, document, args.out, signed=args.sign)
    signed = ", signed" if written.signed else ""
    print(f"wrote {written.path}: {written.pages} pages{signed}; record {document.record_id}, data SHA-256 {written.digest}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from desktop.services import demo

    demo.run(args.dir)
    return 0


def _gui(args: argparse.Namespace) -> int:
    """`yanshou [gui] [DB] [--screenshot PNG]`: the window (offscreen with --screenshot)."""
    import os

    screenshot = getattr(args, "screenshot", None)
    if screenshot is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    db = getattr(args, "db", None)
    if isinstance(db, Path) and not db.exists():
        raise UsageError(f"{db}: no such database file (create one with 'yanshou init' or start 'yanshou' without a file)")
    from desktop.ui.app import EXPORT_SUFFIX, run

    if isinstance(db, Path) and db.suffix.lower() == EXPORT_SUFFIX:
        # A laptop's export double-clicked (the installer associates .yanshou with us): the
        # last database opens and the file goes to its merge dialog.
        return run(None, screenshot, merge=db)
    return run(db, screenshot)


_COMMANDS = {
    "start": _gui,
    "gui": _gui,
    "init": _init,
    "encrypt": _encrypt,
    "recovery-code": _recovery_code,
    "recover": _recover,
    "indicators": _indicators,
    "import-sheet": _import_sheet,
    "results": _results,
    "devices": _devices,
    "spread": _spread,
    "export": _export,
    "renew": _renew,
    "merge": _merge,
    "conflicts": _conflicts,
    "resolve": _resolve,
    "verify": _verify,
    "record": _print,
    "report": _print,
    "problems": _print,
    "scorecard": _print,
    "demo": _demo,
}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
