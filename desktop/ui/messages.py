"""What the GUI says when something cannot be done: the error's code turned into a
sentence in the user's language, naming the file or field; never a traceback."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from db.errors import KnownDatabaseError, NotAdmitted, RecoveryError
from desktop.core import visits
from desktop.core.errors import InputError

if TYPE_CHECKING:
    from desktop.services import sync
    from desktop.services.protection import RecoveryLaptop


def _database(code: str) -> str:
    return {
        "not_yanshou": QCoreApplication.translate("Messages", "This file is not a Yanshou database."),
        "too_new": QCoreApplication.translate(
            "Messages", "This database was made by a newer version of Yanshou. Please update the program."
        ),
        "corrupt": QCoreApplication.translate("Messages", "This database file is damaged. Use the latest export or backup."),
        "busy": QCoreApplication.translate("Messages", "The database is being used by another program. Close it and try again."),
        "disk_full": QCoreApplication.translate("Messages", "The disk is full; nothing was written. Free some space and try again."),
        "would_overwrite": QCoreApplication.translate(
            "Messages",
            "A file is there that must not be written over: a laptop's or the master's own database (in the clear or encrypted), "
            "a folder, or a device. Nothing was written; choose another name for the export.",
        ),
        "key_missing": QCoreApplication.translate(
            "Messages",
            "This computer does not hold the key of this database (was it copied from another laptop?). "
            "Create a new database for this laptop.",
        ),
        "not_initialised": QCoreApplication.translate("Messages", "This database was never set up."),
        "passphrase_needed": QCoreApplication.translate(
            "Messages", "This database is encrypted: it opens with this computer's Yanshou passphrase."
        ),
        "wrong_passphrase": QCoreApplication.translate("Messages", "That is not this computer's Yanshou passphrase."),
        "key_not_here": QCoreApplication.translate(
            "Messages",
            "This database is encrypted with another computer's key (or is not a database): open it on the computer that "
            "made it, and bring its work here as an export.",
        ),
        "store_lost": QCoreApplication.translate(
            "Messages",
            "The key that protects this computer's Yanshou files is no longer in the system's protected store "
            "(Credential Manager): the encrypted databases cannot be opened. The lead can read a recovery code from this "
            "laptop's recovery file (in its keys folder); without one, use an export.",
        ),
        "wrong_recovery_code": QCoreApplication.translate(
            "Messages", "That recovery code does not open this computer's files: it was read from another laptop's recovery file.",
        ),
        "mistyped": QCoreApplication.translate("Messages", "That recovery code has a typing mistake. Check it and type it again."),
        "store_unavailable": QCoreApplication.translate(
            "Messages", "The system's protected store (Credential Manager) cannot be reached now. Log in again and try again."
        ),
        "network_share": QCoreApplication.translate(
            "Messages",
            "This database is on a network share, where it cannot be kept safe. Keep it on this computer's disk; "
            "a master that several leads share belongs on a PostgreSQL server.",
        ),
        "bad_address": QCoreApplication.translate(
            "Messages", "This is not a database address Yanshou knows. A master on a server is postgresql://user@host/database."
        ),
        "not_admitted": QCoreApplication.translate(
            "Messages", "This change breaks a rule of the inspection's records; nothing was written."
        ),
        "unknown": QCoreApplication.translate("Messages", "That conflict or version is no longer there; look at the list again."),
        "ambiguous": QCoreApplication.translate("Messages", "More than one conflict or version starts like that."),
        "not_master": QCoreApplication.translate("Messages", "Only the lead's master database resolves conflicts."),
        "conflict_changed": QCoreApplication.translate(
            "Messages", "The conflict changed while you were deciding (a merge came in). Look at its versions again."
        ),
        "nothing": QCoreApplication.translate("Messages", "There is nothing to resolve."),
        "server_unreachable": QCoreApplication.translate(
            "Messages", "The database server cannot be reached. Check the network cable or Wi-Fi and the server address."
        ),
        "server_auth": QCoreApplication.translate(
            "Messages", "The server refused the user name or password. Check the address, and the password in the .pgpass file."
        ),
        "server_no_database": QCoreApplication.translate(
            "Messages", "The server has no database of that name. Ask the server's administrator to create it."
        ),
        "server_rights": QCoreApplication.translate(
            "Messages", "The database user lacks the rights this needs. Ask the server's administrator."
        ),
        "server_read_only": QCoreApplication.translate("Messages", "The database server accepts no changes just now (read-only)."),
        "server_key_missing": QCoreApplication.translate(
            "Messages",
            "This desk does not hold the master's signing key, so it cannot sign changes. Copy the key file from the desk "
            "that created the master into this computer's keys folder (see the README).",
        ),
    }.get(code, QCoreApplication.translate("Messages", "The database cannot be used."))


def input_problem(code: str) -> str:
    """What is wrong with an input, by the problem's code."""
    return {
        "missing": QCoreApplication.translate("Messages", "the file is not there (moved or removed?)"),
        "folder": QCoreApplication.translate("Messages", "this is a folder, not a file"),
        "unreadable": QCoreApplication.translate("Messages", "the file cannot be read"),
        "too_big": QCoreApplication.translate("Messages", "the file is larger than the limit for evidence"),
        "empty": QCoreApplication.translate("Messages", "a problem needs a description"),
        "severity": QCoreApplication.translate("Messages", "unknown severity"),
        "not_a_number": QCoreApplication.translate("Messages", "not a number"),
        "out_of_range": QCoreApplication.translate("Messages", "outside the item's points"),
        "not_half_step": QCoreApplication.translate("Messages", "scores go in steps of 0.5"),
        "no_inspector": QCoreApplication.translate("Messages", "this database has no inspector"),
        "bad_name": QCoreApplication.translate("Messages", "the name holds invisible characters, line breaks or is too long"),
        "reserved_name": QCoreApplication.translate("Messages", "the lead's master writes in this name; give the inspector's own"),
        "no_reason": QCoreApplication.translate("Messages", "a reason is required"),
        "not_master": QCoreApplication.translate("Messages", "only the lead's master database may do this"),
        "no_evidence": QCoreApplication.translate("Messages", "marking a problem rectified needs evidence of the rectification"),
        "not_picture": QCoreApplication.translate("Messages", "not a readable picture (kept as a document)"),
        "already_filed": QCoreApplication.translate("Messages", "already filed under an item (imported before)"),
        "already_in_inbox": QCoreApplication.translate("Messages", "already in the inbox (imported before)"),
        "unwritable": QCoreApplication.translate("Messages", "the file cannot be written there"),
        "not_openable": QCoreApplication.translate("Messages", "this kind of file is not opened from Yanshou; save it and check it first"),
        "in_use": QCoreApplication.translate("Messages", "the file is open in another program: close it there, then try again"),
        "is_database": QCoreApplication.translate(
            "Messages",
            "that file is a database or an export (in the clear or encrypted): writing over it would lose it; choose another name",
        ),
        "not_a_file": QCoreApplication.translate("Messages", "this is a device or a pipe, not a file; choose a file"),
        "state_altered": QCoreApplication.translate(
            "Messages", "the stored results differ from the signed versions (edited outside Yanshou); nothing was signed"
        ),
        "schema_altered": QCoreApplication.translate(
            "Messages", "the database holds what Yanshou did not make (edited outside Yanshou); nothing was signed: run yanshou verify"
        ),
    }.get(code, QCoreApplication.translate("Messages", "the input is not valid"))


def reason(exc: KnownDatabaseError) -> str:
    """What a known database error says, without the file it names (a dialog that shows the
    file already, or whose file is not the user's concern: the keys folder's)."""
    if isinstance(exc, RecoveryError) and (why := _recovery_file(exc.code)) is not None:
        return why
    return _database(exc.code)


def _recovery_file(code: str) -> str | None:
    """Why a laptop's recovery file gives the lead no code (db.recovery); None: a code's own reason."""
    return {
        "not_recovery": QCoreApplication.translate(
            "Messages", "This is not a Yanshou recovery file (a laptop keeps one as keys\\recovery-….bin)."),
        "not_for_us": QCoreApplication.translate(
            "Messages", "This recovery file is sealed for another master: open it on the desk of the master that laptop merges into."),
        "altered": QCoreApplication.translate(
            "Messages", "This recovery file was changed, cut short or damaged: copy it from the laptop again."),
        "no_key": QCoreApplication.translate(
            "Messages", "This computer does not hold the master's private encryption key: open the recovery file on the desk "
            "that made the master."),
    }.get(code)


def recovery_laptop_warning(laptop: RecoveryLaptop) -> str | None:
    """What the lead is warned of before giving a laptop's recovery code (None: nothing)."""
    if not laptop.enrolled:
        return QCoreApplication.translate(
            "Messages", "This master has merged nothing from that laptop: make sure the one asking is its inspector.")
    if laptop.revoked:
        return QCoreApplication.translate(
            "Messages", "You revoked that laptop (lost or stolen): give the code only if it is back in its inspector's hands.")
    return None


def explain(exc: BaseException) -> str:
    """One or two sentences for a dialog."""
    if isinstance(exc, InputError):
        lines = []
        for problem in exc.problems[:5]:
            where = field_name(exc.source)
            lines.append(QCoreApplication.translate("Messages", "{0}: {1}").format(where, input_problem(problem.code)))
        return "\n".join(lines)
    if isinstance(exc, NotAdmitted):
        return QCoreApplication.translate("Messages", "{0}\n\n{1}").format(exc.path, not_admitted(exc.rule))
    if isinstance(exc, KnownDatabaseError):
        return QCoreApplication.translate("Messages", "{0}\n\n{1}").format(exc.path, reason(exc))
    if isinstance(exc, OSError):
        return QCoreApplication.translate("Messages", "{0}: the file cannot be read or written ({1})").format(
            getattr(exc, "filename", "") or "", exc.strerror or ""
        )
    return QCoreApplication.translate("Messages", "Something went wrong; the details were written to the error log.")


def not_admitted(rule: str) -> str:
    """Why a write on this computer was refused by the admission check (db.admission.RULES),
    and what to do instead. Nothing was written."""
    return {
        "lead_only": QCoreApplication.translate(
            "Messages", "This change is not allowed on this computer; nothing was written. Lead's records are entered on the master."
        ),
        "owner": QCoreApplication.translate(
            "Messages", "Another inspector's records cannot be changed or deleted here; nothing was written."
        ),
        "value": QCoreApplication.translate(
            "Messages",
            "The value is not valid: a score goes from 0 to the item's points in steps of 0.5, and a status, county or item "
            "must be one of the campaign's. Nothing was written.",
        ),
        "text": QCoreApplication.translate(
            "Messages", "The text is too long (at most 5,000 characters) or holds control characters; nothing was written."
        ),
        "name": QCoreApplication.translate(
            "Messages", "The name holds invisible characters or line breaks, or is too long; nothing was written."
        ),
        "clock": QCoreApplication.translate(
            "Messages", "This computer's clock looks wrong; correct the date and time, then try again. Nothing was written."
        ),
        "step": QCoreApplication.translate(
            "Messages", "A problem's status moves one step at a time, by rule; this step is not allowed. Nothing was written."
        ),
    }.get(rule, _database("not_admitted"))


def refusal(code: str) -> str:
    """Why a file offered to merge was refused, for the lead."""
    reasons = {
        "unreadable": QCoreApplication.translate("Messages", "the file cannot be read (removed, a folder, or no permission)"),
        "not_yanshou": QCoreApplication.translate("Messages", "not a Yanshou file (empty, truncated or another program's)"),
        "too_new": QCoreApplication.translate("Messages", "made by a newer Yanshou; update this program"),
        "too_old": QCoreApplication.translate("Messages", "made by an older Yanshou; update that laptop and export again"),
        "corrupt": QCoreApplication.translate("Messages", "the file is damaged or was altered"),
        "schema": QCoreApplication.translate("Messages", "its tables were changed outside Yanshou"),
        "campaign": QCoreApplication.translate("Messages", "it belongs to another campaign"),
        "not_export": QCoreApplication.translate("Messages", "not an export: export it from the laptop first"),
        "manifest": QCoreApplication.translate("Messages", "its signed manifest does not match: altered after export"),
        "chain": QCoreApplication.translate("Messages", "the chain of its exports is broken"),
        "fork": QCoreApplication.translate("Messages", "the laptop's database was restored from an old copy; it needs a new one"),
        "contents": QCoreApplication.translate("Messages", "records were removed, added or changed after export"),
        "device_key": QCoreApplication.translate("Messages", "the device's key does not match the one enrolled"),
        "not_enrolled": QCoreApplication.translate("Messages", "from a device not yet accepted"),
        "signature": QCoreApplication.translate("Messages", "a record does not match its signature: edited outside Yanshou"),
        "history": QCoreApplication.translate("Messages", "earlier versions of a record are missing"),
        "sequence": QCoreApplication.translate("Messages", "the laptop reused record numbers (restored from an old copy?)"),
        "permission": QCoreApplication.translate("Messages", "a laptop signed a record it may not write"),
        "blob": QCoreApplication.translate("Messages", "a photo or document does not match its fingerprint"),
        "disk_full": QCoreApplication.translate("Messages", "the disk is full; nothing was written"),
        "altered": QCoreApplication.translate("Messages", "records merged before were altered in this copy"),
        # the admission check's rules (db.admission.RULES)
        "entity": QCoreApplication.translate("Messages", "a kind of record Yanshou does not write"),
        "owner": QCoreApplication.translate("Messages", "a laptop wrote or deleted another inspector's record"),
        "lead_only": QCoreApplication.translate("Messages", "a laptop wrote a record only the lead may write"),
        "record": QCoreApplication.translate("Messages", "a record's number does not match its contents"),
        "parents": QCoreApplication.translate("Messages", "a version names another record's history"),
        "canonical": QCoreApplication.translate("Messages", "a record is spelled in a way Yanshou never writes"),
        "text": QCoreApplication.translate("Messages", "a text is too long or holds control characters"),
        "name": QCoreApplication.translate("Messages", "a name holds invisible characters or is too long"),
        "value": QCoreApplication.translate("Messages", "a value is not valid (score, status, county or item)"),
        "clock": QCoreApplication.translate("Messages", "a laptop's clock is far ahead; correct it and export again"),
        "step": QCoreApplication.translate("Messages", "a problem's status took a step its rules do not allow"),
        # a device the lead revoked (db.revocation), and sealed files (db.seal)
        "revoked": QCoreApplication.translate("Messages", "from a device the lead revoked (lost or stolen): its later files are refused"),
        "not_for_us": QCoreApplication.translate("Messages", "sealed for other devices: this database cannot open it"),
        "sealed_damaged": QCoreApplication.translate("Messages", "a sealed file whose header is damaged"),
        "sealed_altered": QCoreApplication.translate("Messages", "the sealed file was changed, cut short or damaged"),
        "sealed_truncated": QCoreApplication.translate("Messages", "the sealed file is cut short: copy it again"),
        "sealed_too_new": QCoreApplication.translate("Messages", "sealed by a newer Yanshou; update this program"),
    }
    return reasons.get(code, QCoreApplication.translate("Messages", "refused"))


def receiver_name(name: str) -> str:
    """A receiver of a sealed export as the window names it: an inspector, or the lead's master."""
    from db import receivers  # (with the export's modules, loaded by then: not at the window's start)

    return QCoreApplication.translate("Messages", "the lead's master") if name == receivers.MASTER_NAME else name


def sealing(exported: sync.Exported) -> str:
    """Whom an export was sealed for, or that it is in the clear and why: what both windows
    add to the message of an export written."""
    if exported.sealed:
        said = QCoreApplication.translate("Messages", "Sealed for {0}: nobody else can read it.").format(
            "、".join(receiver_name(n) for n in exported.sealed_for)
        )
    else:
        said = {
            "no_master_key": QCoreApplication.translate(
                "Messages",
                "NOT SEALED: this laptop has no key of the lead's master yet, so anyone holding the file can read it. "
                "Merge the lead's export for the laptops once, and the next exports are sealed.",
            ),
            "no_laptop_key": QCoreApplication.translate(
                "Messages",
                "NOT SEALED: no enrolled laptop has sent its key yet, so anyone holding the file can read it. "
                "Each laptop's next export merged here brings its key.",
            ),
        }.get(exported.unsealed, QCoreApplication.translate("Messages", "NOT SEALED, as asked: anyone holding the file can read it."))
    if exported.without_key:
        said += " " + QCoreApplication.translate(
            "Messages", "{0} cannot open it yet: merge an export of each, then export again."
        ).format("、".join(receiver_name(n) for n in exported.without_key))
    if exported.revoked:
        said += " " + QCoreApplication.translate("Messages", "Not sealed for the revoked {0}.").format("、".join(exported.revoked))
    return said


def sealed_state(sealed: bool | None) -> str:
    """A merged file's seal, for its row in a merge's report: sealed, not sealed, or not known."""
    if sealed is None:
        return ""
    return QCoreApplication.translate("Messages", "sealed") if sealed else QCoreApplication.translate("Messages", "NOT sealed")


def field_name(key: str) -> str:
    """A record's field as the lead reads it."""
    return {
        "score": QCoreApplication.translate("Vocabulary", "Score"),
        "comment": QCoreApplication.translate("Vocabulary", "Reasoning"),
        "county": QCoreApplication.translate("Vocabulary", "County"),
        "item": QCoreApplication.translate("Vocabulary", "Item"),
        "inspector": QCoreApplication.translate("Vocabulary", "Inspector"),
        "deleted": QCoreApplication.translate("Vocabulary", "Deleted"),
        "text": QCoreApplication.translate("Vocabulary", "Findings"),
        "status": QCoreApplication.translate("Vocabulary", "Result"),
        "area": QCoreApplication.translate("Vocabulary", "Pilot area"),
        "mode": QCoreApplication.translate("Vocabulary", "Mode"),
        "description": QCoreApplication.translate("Vocabulary", "Description"),
        "severity": QCoreApplication.translate("Vocabulary", "Severity"),
        "deadline": QCoreApplication.translate("Vocabulary", "Rectify by"),
        "caption": QCoreApplication.translate("Vocabulary", "Caption"),
        "name": QCoreApplication.translate("Vocabulary", "File"),
        "delta": QCoreApplication.translate("Vocabulary", "Change of the total"),
        "reason": QCoreApplication.translate("Vocabulary", "Reason"),
        "account": QCoreApplication.translate("Vocabulary", "Written account"),
        "evidence": QCoreApplication.translate("Vocabulary", "Rectification evidence"),
        "created_at": QCoreApplication.translate("Vocabulary", "Found at"),
        "taken_at": QCoreApplication.translate("Vocabulary", "Taken at"),
        "attached_at": QCoreApplication.translate("Vocabulary", "Attached at"),
        "gps": QCoreApplication.translate("Vocabulary", "Place (GPS)"),
        "total": QCoreApplication.translate("Vocabulary", "Total"),
        "method": QCoreApplication.translate("Vocabulary", "Method"),
        "problem": QCoreApplication.translate("Vocabulary", "Problem"),
        "signature": QCoreApplication.translate("Vocabulary", "Signature"),
        "place": QCoreApplication.translate("Vocabulary", "Place of inspection"),
        "first_day": QCoreApplication.translate("Vocabulary", "First day of inspection"),
        "last_day": QCoreApplication.translate("Vocabulary", "Last day of inspection"),
    }.get(key, key)


def visit_problem(code: str) -> str:
    """Why a place and dates of inspection cannot be saved, by desktop.core.visits' code."""
    return {
        "no_place": QCoreApplication.translate("Messages", "Enter the place of inspection."),
        "place_line": QCoreApplication.translate("Messages", "The place of inspection must be one line."),
        "place_long": QCoreApplication.translate("Messages", "The place of inspection is too long (at most {0} characters).").format(
            visits.MAX_PLACE
        ),
        "bad_day": QCoreApplication.translate("Messages", "A date of inspection is not a valid date."),
        "day_order": QCoreApplication.translate("Messages", "The last day of inspection is before the first."),
        "too_long": QCoreApplication.translate("Messages", "An inspection of one county spans at most {0} days.").format(visits.MAX_DAYS),
    }.get(code, code)


def entity_name(entity: str) -> str:
    """A kind of record as the lead reads it."""
    return {
        "score": QCoreApplication.translate("Vocabulary", "Score"),
        "finding": QCoreApplication.translate("Vocabulary", "Findings"),
        "evidence": QCoreApplication.translate("Vocabulary", "Evidence"),
        "problem": QCoreApplication.translate("Vocabulary", "Problem"),
        "signature": QCoreApplication.translate("Vocabulary", "Signature"),
        "visit": QCoreApplication.translate("Vocabulary", "Place and dates of inspection"),
        "method_score": QCoreApplication.translate("Vocabulary", "Method score"),
        "adjudication": QCoreApplication.translate("Vocabulary", "Adjudication"),
        "adjustment": QCoreApplication.translate("Vocabulary", "Adjustment"),
        "campaign_settings": QCoreApplication.translate("Vocabulary", "Campaign settings"),
    }.get(entity, entity)


def sheet_problem(code: str) -> str:
    """What is wrong with a score sheet or one of its rows, by the code it was refused with:
    one entry for every code of desktop.core.sheets.CODES (a test keeps them in step), and
    the import's own refusals."""
    return {
        "not_found": QCoreApplication.translate("Messages", "the file is not there (moved or removed?)"),
        "unreadable": QCoreApplication.translate("Messages", "the file cannot be read"),
        "unknown_encoding": QCoreApplication.translate(
            "Messages", "the file is neither UTF-8, GB18030/GBK nor UTF-16 text; save it from Excel as CSV or as Unicode text"
        ),
        "damaged_text": QCoreApplication.translate(
            "Messages", "the file's text is damaged (its encoding mark does not match its contents)"
        ),
        "unknown_result": QCoreApplication.translate("Messages", "the result must be 符合, 基本符合, 不符合 or 未检查"),
        "unknown_kind": QCoreApplication.translate("Messages", "the campaign has no such method"),
        "no_inspector": QCoreApplication.translate("Messages", "this database has no inspector"),
        "not_own_inspector": QCoreApplication.translate("Messages", "this laptop belongs to another inspector"),
        "unknown_county": QCoreApplication.translate("Messages", "unknown county"),
        "unknown_item": QCoreApplication.translate("Messages", "unknown item"),
        "not_a_number": QCoreApplication.translate("Messages", "the score is not a number"),
        "score_range": QCoreApplication.translate("Messages", "the score is out of range"),
        "score_grid": QCoreApplication.translate("Messages", "the score is not a multiple of 0.5"),
        "score_places": QCoreApplication.translate("Messages", "the score has more than 2 decimal places"),
        "missing_score": QCoreApplication.translate("Messages", "the score is empty"),
        "control_character": QCoreApplication.translate("Messages", "the cell holds an invisible control character"),
        "too_many_columns": QCoreApplication.translate("Messages", "the row has too many columns"),
        "too_large": QCoreApplication.translate("Messages", "the file is too large to be read"),
        "not_a_file": QCoreApplication.translate("Messages", "this is a device or a pipe, not a file"),
        "text_too_long": QCoreApplication.translate("Messages", "the text is too long"),
        "missing_column": QCoreApplication.translate("Messages", "the header lacks a column"),
        "wrong_column": QCoreApplication.translate("Messages", "a column that does not belong in this sheet"),
        "unknown_column": QCoreApplication.translate("Messages", "an unknown column"),
        "duplicate_column": QCoreApplication.translate("Messages", "a column appears twice"),
        "duplicate_row": QCoreApplication.translate("Messages", "the same county (and item) appears twice"),
        "empty_row": QCoreApplication.translate("Messages", "the row is empty"),
        "no_rows": QCoreApplication.translate("Messages", "the sheet has no rows"),
        "too_many_rows": QCoreApplication.translate("Messages", "the sheet has too many rows"),
        "bad_csv": QCoreApplication.translate("Messages", "the file is not a well-formed CSV (a quotation mark left open?)"),
        "bad_xlsx": QCoreApplication.translate("Messages", "the file cannot be read as XLSX"),
        "hidden_sheet": QCoreApplication.translate(
            "Messages", "the workbook opens on a hidden sheet: open the sheet to import in Excel or WPS, save, then import again"
        ),
        "hidden_row": QCoreApplication.translate(
            "Messages", "the row is hidden (or filtered out) in the sheet: show it or delete it in Excel or WPS, save, then import again"
        ),
        "hidden_column": QCoreApplication.translate(
            "Messages", "the column is hidden in the sheet: show it or delete it in Excel or WPS, save, then import again"
        ),
        "formula_uncomputed": QCoreApplication.translate(
            "Messages", "a formula whose value was never computed (the file was written by a program that does not calculate): "
            "open it in Excel or WPS, save, then import again"
        ),
        "cell_without_column": QCoreApplication.translate(
            "Messages", "a value under no column of the header: a decimal comma (write 86.9, not 86,9) or a cell out of place"
        ),
        "empty": QCoreApplication.translate("Messages", "the file is empty"),
    }.get(code, QCoreApplication.translate("Messages", "the input is not valid"))


def problem_status(status: str) -> str:
    """A problem's status as shown (desktop.core.problems.shown_status: a ProblemStatus, or
    "overdue" for an open one past its deadline) in the user's language; in Chinese the
    documents' words (problems.LABELS_ZH and OVERDUE_ZH; a test keeps them equal)."""
    return {
        "open": QCoreApplication.translate("Vocabulary", "open"),
        "overdue": QCoreApplication.translate("Vocabulary", "overdue"),
        "rectified": QCoreApplication.translate("Vocabulary", "rectified"),
        "verified": QCoreApplication.translate("Vocabulary", "verified"),
    }.get(status, status)


def step_refusal(code: str) -> str:
    """Why a problem may not take a step (desktop.core.problems.Refusal), for a disabled
    button's tooltip and a refused step's message."""
    return {
        "same_status": QCoreApplication.translate("Messages", "The problem is in this status already."),
        "not_from_open": QCoreApplication.translate(
            "Messages", "Only an open problem is marked rectified; reopen it first, with a reason."
        ),
        "not_rectified": QCoreApplication.translate(
            "Messages", "Only a rectified problem is verified: it must be marked rectified first, with evidence or a written account."
        ),
        "needs_evidence": QCoreApplication.translate(
            "Messages", "Marking a problem rectified needs evidence of the rectification (a file) or a written account."
        ),
        "lead_only": QCoreApplication.translate(
            "Messages", "Only the lead does this, on the master: verifying a rectification, and reopening a verified problem."
        ),
        "needs_reason": QCoreApplication.translate("Messages", "Reopening a problem needs a reason."),
        "starts_open": QCoreApplication.translate("Messages", "A new problem is open."),
        "unknown_status": QCoreApplication.translate("Messages", "This status is unknown to this program."),
    }.get(code, QCoreApplication.translate("Messages", "This step is not allowed."))
