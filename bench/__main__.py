"""`python -m bench` (what `make bench` runs): every SPEC §7 bar in one run, then one table.

    python -m bench [--merge-sizes 200,2000] [--merge-args ARGS] [--gui-args ARGS] [--ingest-args ARGS]
                    [--pdf-args ARGS] [--province-args ARGS] [--only merge,gui,ingest,pdf,province]

It runs the scripts one after the other, each in a process of its own and a work folder of its
own, their output shown as it comes: bench.merge at each size of evidence (200 MB, then the SPEC
row's 2 GB, this one without its PostgreSQL part), bench.gui, bench.ingest, bench.pdf and bench.province. Each
script measures its bars against baselines of its own run (a ratio's two sides in the same
process, or started from it); every row it prints with a bar and a verdict is also kept
(bench.merge.keep_rows), and at the end one table gives each SPEC §7 row with what was measured,
its bar and its verdict, in SPEC's order, then the other rows that have a bar. A row a script did
not reach (it failed, or PostgreSQL was not at hand) says so. Exit status 1 when a script's own
checks failed (its table says which); a bar missed is only reported.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.merge import ROWS_ENV, RUN_ENV, log, machine, print_table

SCRIPTS = ("merge", "gui", "ingest", "pdf", "province")


@dataclass(frozen=True)
class SpecRow:
    """A row of SPEC §7's table and how its figures are found among the runs' rows: the run's
    name starts with `run`, the row's text contains `what`."""

    name: str
    run: str
    what: str


SPEC = (
    SpecRow("cold start to a working main window, 5,000 photos (≤ 1.5 × a bare PySide6 window)", "gui", "cold start: ratio"),
    SpecRow("merge of 10 laptop files, 10,000 versions (≤ 1.5 × raw ATTACH + INSERT … SELECT)", "merge", "ratio ours / baseline"),
    SpecRow("re-merge of an already merged file (≤ 0.5 s)", "merge", "re-merge of one merged file"),
    SpecRow("ingest of 100 camera photos, committed (≤ 2 × cp and fsync)", "ingest", "ratio ours / the durable copy"),
    SpecRow("signed 检查记录表, 34 items, 50 photos (≤ 2 s)", "pdf", "signed 检查记录表"),
    SpecRow("moving between items in the GUI (≤ 50 ms)", "gui", "moving between items"),
    SpecRow("peak memory with 5,000 photos (≤ 400 MB)", "gui", "peak memory"),
    SpecRow("the lead's desk, a province: no GUI-thread stall over 50 ms (the worst of all, then each step)", "province",
            "GUI-thread stall, worst"),
    SpecRow("the lead's desk, a province: results of 112 counties (≤ 1 s)", "province", "results of"),
)


@dataclass
class Run:
    name: str  # merge-200, merge-2000, gui, pdf, province
    argv: list[str]
    status: int | None = None
    seconds: float = 0.0


def runs(args: argparse.Namespace) -> list[Run]:
    only = set(args.only.split(",")) if args.only else set(SCRIPTS)
    planned: list[Run] = []
    if "merge" in only:
        for size in [s for s in args.merge_sizes.split(",") if s]:
            extra = ["--no-postgres"] if int(size) >= 2000 else []  # PostgreSQL's merge: once, at the smaller size
            planned.append(Run(f"merge-{size}", ["bench.merge", "--evidence-mb", size, *extra, *shlex.split(args.merge_args)]))
        for size in [s for s in args.merge_encrypted_sizes.split(",") if s]:  # the same rows, encrypted at rest (issue 21)
            planned.append(Run(f"merge-{size}-encrypted", [
                "bench.merge", "--evidence-mb", size, "--encrypted", "--no-postgres", *shlex.split(args.merge_args),
            ]))
    for name, extra in (("gui", args.gui_args), ("ingest", args.ingest_args), ("pdf", args.pdf_args), ("province", args.province_args)):
        if name in only and (Path(__file__).with_name(f"{name}.py")).exists():
            planned.append(Run(name, [f"bench.{name}", *shlex.split(extra)]))
    return planned


def run_all(planned: Sequence[Run], rows_file: Path) -> None:
    env = dict(os.environ, **{ROWS_ENV: str(rows_file)})
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    for run in planned:
        log(f"\n=== python -m {' '.join(run.argv)}")
        sys.stdout.flush()
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", *run.argv], env={**env, RUN_ENV: run.name}, check=False)
        run.status, run.seconds = done.returncode, time.perf_counter() - started


def summary(planned: Sequence[Run], rows_file: Path) -> list[tuple[str, str, str, str]]:
    kept = [json.loads(line) for line in rows_file.read_text(encoding="utf-8").splitlines()] if rows_file.exists() else []
    used: set[int] = set()
    table: list[tuple[str, str, str, str]] = []
    for spec in SPEC:
        found = [(i, r) for i, r in enumerate(kept) if r["run"].startswith(spec.run) and spec.what in r["what"]]
        found.sort(key=lambda f: "worst of all" not in f[1]["what"])  # the desk's verdict first, then each step's
        if not found:
            reached = [r for r in planned if r.name.startswith(spec.run)]
            why = "not run" if not reached else "not measured: " + ", ".join(
                f"{r.name} exited {r.status}" if r.status else f"{r.name} did not measure it (its output says why)" for r in reached
            )
            table.append((spec.name, why, "", "—"))
            continue
        table.append((spec.name, "", "", ""))
        for i, row in found:
            used.add(i)
            table.append((f"  {row['run']}: {row['what']}", row["measured"], row["bar"], row["verdict"]))
    others = [r for i, r in enumerate(kept) if i not in used]
    if others:
        table.append(("other rows with a bar", "", "", ""))
        table += [(f"  {r['run']}: {r['what']}", r["measured"], r["bar"], r["verdict"]) for r in others]
    return table


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--merge-sizes", default="200,2000", help="MB of evidence, one bench.merge run each (default 200,2000)")
    parser.add_argument("--merge-args", default="", help="more arguments for every bench.merge run")
    parser.add_argument("--merge-encrypted-sizes", default="200,2000",
                        help="MB of evidence, one bench.merge --encrypted run each: the merge rows encrypted at rest (default 200,2000)")
    parser.add_argument("--gui-args", default="", help="arguments for bench.gui (e.g. --photos 500)")
    parser.add_argument("--ingest-args", default="", help="arguments for bench.ingest (e.g. --camera 50)")
    parser.add_argument("--pdf-args", default="", help="arguments for bench.pdf")
    parser.add_argument("--province-args", default="", help="arguments for bench.province (e.g. --quick)")
    parser.add_argument("--only", default="", help=f"a comma-separated choice of {', '.join(SCRIPTS)}")
    args = parser.parse_args(argv)
    planned = runs(args)
    with tempfile.TemporaryDirectory(prefix="yanshou-bench-rows-") as work:
        rows_file = Path(work) / "rows.jsonl"
        started = time.perf_counter()
        run_all(planned, rows_file)
        table = summary(planned, rows_file)
    print()
    print(f"SPEC §7, every row, from this run ({machine()}; {(time.perf_counter() - started) / 60:.0f} min): each bar a ratio against a "
          "baseline measured in the same script's run, or a time or size against SPEC's figure")
    print()
    print_table(("SPEC §7 row, and what was measured", "measured", "bar", "verdict"), table)
    print()
    print("runs: " + "; ".join(f"{r.name} exit {r.status} ({r.seconds / 60:.1f} min)" for r in planned))
    failed = [r.name for r in planned if r.status]
    if failed:
        print(f"CHECKS FAILED in {', '.join(failed)} (see their output above)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
