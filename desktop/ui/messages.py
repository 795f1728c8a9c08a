"""What the GUI says when something cannot be done: the error's code turned into a
sentence in the user's language, naming the file or field; never a traceback."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from db.errors import KnownDatabaseError
from desktop.core.errors import InputError


def _database(code: str) -> str:
    return {
        "not_yanshou": QCoreApplication.translate("Messages", "This file is not a Yanshou database."),
        "too_new": QCoreApplication.translate(
            "Messages", "This database was made by a newer version of Yanshou. Please update the program."
        ),
        "corrupt": QCoreApplication.translate("Messages", "This database file is damaged. Use the latest export or backup."),
        "busy": QCoreApplication.translate("Messages", "The database is being used by another program. Close it and try again."),
        "disk_full": QCoreApplication.translate("Messages", "The disk is full; nothing was written. Free some space and try again."),
        "key_missing": QCoreApplication.translate(
            "Messages",
            "This computer does not hold the key of this database (was it copied from another laptop?). "
            "Create a new database for this laptop.",
        ),
        "not_initialised": QCoreApplication.translate("Messages", "This database was never set up."),
    }.get(code, QCoreApplication.translate("Messages", "The database cannot be used."))


def _input(code: str) -> str:
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
    }.get(code, QCoreApplication.translate("Messages", "the input is not valid"))


def explain(exc: BaseException) -> str:
    """One or two sentences for a dialog."""
    if isinstance(exc, InputError):
        lines = []
        for problem in exc.problems[:5]:
            where = exc.source
            lines.append(QCoreApplication.translate("Messages", "{0}: {1}").format(where, _input(problem.code)))
        return "\n".join(lines)
    if isinstance(exc, KnownDatabaseError):
        return QCoreApplication.translate("Messages", "{0}\n\n{1}").format(exc.path, _database(exc.code))
    if isinstance(exc, OSError):
        return QCoreApplication.translate("Messages", "{0}: the file cannot be read or written ({1})").format(
            getattr(exc, "filename", "") or "", exc.strerror or ""
        )
    return QCoreApplication.translate("Messages", "Something went wrong; the details were written to the error log.")
