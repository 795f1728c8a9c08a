"""Starting the GUI: the application object, its font and language, which database to
open (the one given, the last one, or a first-run set-up), and one window per file.

The CJK font ships with the program (resources/fonts) and is loaded before any widget
exists, so the window looks the same on every machine, whatever fonts it has.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QLockFile, QObject, QSettings, QTimer, QTranslator, Signal, Slot
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from db.location import is_url, location
from desktop import paths
from desktop.ui import preferences
from desktop.ui.preferences import Preferences

SCREENSHOT_SIZE = (1366, 768)
LANGUAGES = preferences.LANGUAGES


def settings() -> QSettings:
    """The preferences' store (kept for callers that need the QSettings itself)."""
    return preferences.store()


# Windows' own UI font for Chinese, hinted for small screens; the bundled one elsewhere (PDFs
# always embed the bundled font, desktop.reports).
SYSTEM_FONT = "Microsoft YaHei UI"


def _font_family() -> str | None:
    if SYSTEM_FONT in QFontDatabase.families():
        return SYSTEM_FONT
    font_file = paths.resources() / "fonts" / "wqy-microhei.ttc"
    font_id = QFontDatabase.addApplicationFont(str(font_file))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    return families[0] if families else None


def _unexpected(kind: type[BaseException], exc: BaseException, tb: object) -> None:
    """A bug reached the event loop: log it, tell the user in their language, carry on."""
    paths.log_error(exc)
    if QApplication.instance() is not None and QApplication.platformName() != "offscreen":
        from desktop.ui.messages import explain

        QMessageBox.critical(None, QApplication.translate("App", "Yanshou"), explain(exc))
    else:
        sys.__excepthook__(kind, exc, tb)  # type: ignore[arg-type]


def _install_translators(app: QApplication, language: str) -> list[QTranslator]:
    """Our strings and Qt's own (its dialogs' buttons), in the chosen language."""
    installed: list[QTranslator] = []
    if language == "en":
        return installed
    ours = QTranslator(app)
    if ours.load(str(paths.resources() / "translations" / f"yanshou_{language}.qm")):
        app.installTranslator(ours)
        installed.append(ours)
    # Qt's own words (file dialogs' "Look in:", buttons) and its calendar's month and day
    # names follow the same language: the date picker said "September 2018" without this.
    QLocale.setDefault(QLocale(language))
    qt = QTranslator(app)
    if any(qt.load(QLocale(language), "qtbase", "_", str(folder)) for folder in _qt_translations()):
        app.installTranslator(qt)
        installed.append(qt)
    if language == "zh_CN":  # installed last, asked first: only for what Qt's own file lacks
        gaps = _QtGaps(app)
        app.installTranslator(gaps)
        installed.append(gaps)
    return installed


# Qt's own words that its Chinese file lacks: the file dialog's labels with their accelerators
# ("&Look in:" — the dialog showed "Look in:" and "Files of type:" in English).
_QT_GAPS = {
    ("QFileDialog", "&Look in:"): "查找范围(&L)：",
    ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
    ("QFileDialog", "Computer"): "计算机",
}


class _QtGaps(QTranslator):
    """_QT_GAPS, asked before Qt's own translation."""

    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:
        return _QT_GAPS.get((context, source))  # type: ignore[return-value]  # None: not ours, the next translator answers

    def isEmpty(self) -> bool:
        return False


def _qt_translations() -> list[Path]:
    """Where Qt's own .qm files are: where Qt says, and in a bundle where PyInstaller put them."""
    folders = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))]
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        folders += [Path(frozen) / "PySide6" / "Qt" / "translations", Path(frozen) / "PySide6" / "translations"]
    return [f for f in folders if f.is_dir()]


GIL_SWITCH_S = 0.0005


def application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with font and translations; reused when one exists (tests)."""
    app = QApplication.instance()
    if app is None:  # Qt 6 scales for high DPI by itself, with fractional factors
        app = QApplication(argv or sys.argv[:1])
    assert isinstance(app, QApplication)
    if not app.property("yanshou_ready"):
        app.setApplicationName("Yanshou")
        app.setApplicationDisplayName("验收")
        app.setOrganizationName("Yanshou")
        icon = paths.resources() / "icons" / "yanshou.png"
        if icon.exists():
            app.setWindowIcon(QIcon(str(icon)))
        family = _font_family()
        if family:
            font = QFont(family, 10)
            app.setFont(font)
        sys.excepthook = _unexpected
        # A job's Python holds the GIL for up to this long once the GUI thread asks for it
        # (Python's default is 5 ms): each of Qt's calls into Python (a timer, a slot, an event
        # of a widget written in Python) may wait that long while a read runs Python. A paint of
        # a table whose model was Python, two threads running Python beside it: 46–378 ms at
        # 5 ms, 17–34 ms at 0.2 ms; the province desk's worst stall, 366 ms at 5 ms, 194 at 1 ms.
        sys.setswitchinterval(GIL_SWITCH_S)
        _install_translators(app, Preferences().language)
        app.setProperty("yanshou_ready", True)
    return app


def _offer_merge(window: Any, export: Path) -> None:
    if hasattr(window, "merge"):  # the lead's desk
        window.merge([export])
        return
    QMessageBox.information(
        window, QCoreApplication.translate("App", "Yanshou"),
        QCoreApplication.translate(
            "App", "{0} is an export. The team lead merges exports on the master's desk; on a laptop, use "
            "'yanshou merge' with the master's export."
        ).format(export.name),
    )


class DatabaseLock:
    """One window per database file: a lock file beside it, released on close or when the
    process dies (QLockFile notices stale locks)."""

    def __init__(self, database: Path) -> None:
        self._lock = QLockFile(str(database) + ".lock")
        self._lock.setStaleLockTime(0)

    def acquire(self) -> bool:
        return self._lock.tryLock(100)

    def release(self) -> None:
        self._lock.unlock()


STARTUP_PROBE = "YANSHOU_STARTUP_PROBE"  # a file: report the first frame into it, then end (_probe_start)
HANDOVER_AFTER_MS = 300  # the window listens for later starts on its file this long after its own start's event loop begins
HANDOVER_RETRY_MS = 50  # a later start asks again this often while that window is not listening yet
EXPORT_SUFFIX = ".yanshou"  # what an export is called on the USB stick (the installer opens it with us)


def handover_name(database: Path) -> str:
    """The local socket a window on `database` listens on: one per user and file."""
    import getpass
    import hashlib

    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # pragma: no cover - no user name to be had
        user = "?"
    return "yanshou-" + hashlib.sha256(f"{user}\n{database.resolve()}".encode()).hexdigest()[:24]


class Handover(QObject):
    """One program, one window per database: the window on a file listens (QLocalServer), and
    a second start on the same file (a double-clicked .yanshou export, a second shortcut click)
    hands it what it was asked for and ends, instead of finding the lock and giving up."""

    received = Signal(str)  # an export to merge into this window's database, or "" to be shown

    def __init__(self, database: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtNetwork import QLocalServer

        self.server = QLocalServer(self)
        name = handover_name(database)
        QLocalServer.removeServer(name)  # a name left by a window that crashed (POSIX keeps its socket file)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)  # this user's own starts only
        self.listening = self.server.listen(name)
        self.server.newConnection.connect(self._on_server_connection)

    @Slot()
    def _on_server_connection(self) -> None:
        while (socket := self.server.nextPendingConnection()) is not None:
            socket.readyRead.connect(lambda s=socket: self._on_socket_ready(s))

    def _on_socket_ready(self, socket: Any) -> None:
        if not socket.canReadLine():
            return
        try:
            message = json.loads(bytes(socket.readLine()).decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            socket.disconnectFromServer()
            return
        socket.write(b"ok\n")
        socket.flush()
        socket.disconnectFromServer()
        export = message.get("merge") if isinstance(message, dict) else None
        self.received.emit(str(export) if isinstance(export, str) else "")


def hand_over(database: Path, merge: Path | None, timeout_ms: int = 3000) -> bool:
    """Give the window already open on `database` the export to merge (or just bring it to the
    front); True when that window took it."""
    from PySide6.QtNetwork import QLocalSocket

    socket = QLocalSocket()
    deadline = time.monotonic() + timeout_ms / 1000
    while True:  # a window still starting listens once its first frame is up (HANDOVER_AFTER_MS): wait for it
        socket.connectToServer(handover_name(database))
        left_ms = int((deadline - time.monotonic()) * 1000)
        if socket.waitForConnected(max(left_ms, 0)):
            break
        socket.abort()
        if left_ms <= HANDOVER_RETRY_MS:
            return False
        time.sleep(HANDOVER_RETRY_MS / 1000)
    socket.write((json.dumps({"merge": str(merge.resolve()) if merge else None}) + "\n").encode("utf-8"))
    socket.flush()
    taken = socket.waitForReadyRead(timeout_ms) and bytes(socket.readLine()).strip() == b"ok"
    socket.disconnectFromServer()
    return taken


def run(database: Path | str | None, screenshot: Path | None = None, *, merge: Path | None = None) -> int:
    """`yanshou gui [DB] [--screenshot PNG]`; with `merge`, an export to merge into the
    database opened (the lead's merge dialog, which shows what it would bring first).
    DB may be a PostgreSQL master's URL: several leads' desks open it at once (no lock
    file; the server orders their writes)."""
    # Long (and branchy) on purpose: the start, in the order it happens — which database, its lock
    # or a hand-over, the open off the GUI thread, the window, a screenshot run, the hand-over
    # server, the event loop — and the clean-up that must follow whatever happened.
    from desktop.ui.main_window import MainWindow, open_database
    from desktop.ui.operations import after_first_frame

    app = application()
    prefs = Preferences()

    def unlocked_for(where: Path | str | None) -> bool:
        # where this computer's files are protected by a passphrase (no system store), it is asked
        # once, before a database is opened or made (a server's master needs none); cancelled, nothing opens
        if screenshot is not None or (where is not None and is_url(str(where))):
            return True
        from desktop.services.protection import to_ask

        ask = to_ask(new=where is None)
        if ask is None:  # (the dialog's module loads only when it is shown)
            return True
        from desktop.ui.unlock import unlocked

        return unlocked(None, "" if where is None else str(where), new=where is None, ask=ask)  # None: a laptop about to be made

    if database is None:
        last = prefs.last_database
        if last and (is_url(last) or Path(last).exists()):
            database = location(last)
        elif paths.default_database().exists():
            database = paths.default_database()
        else:
            if not unlocked_for(None):
                return 0
            from desktop.ui.setup import first_run  # (its dialog, only on a computer with no database yet)

            database = first_run(prefs)
            if database is None:
                return 0
    lock = DatabaseLock(database) if isinstance(database, Path) else None
    if lock is not None and screenshot is None and not lock.acquire():
        if isinstance(database, Path) and hand_over(database, merge):
            return 0  # the window open on it has the file now
        QMessageBox.warning(
            None, app.translate("App", "Yanshou"),
            app.translate("App", "{0} is already open in another Yanshou window. Switch to that window.").format(database),
        )
        return 2
    if not unlocked_for(database):
        if lock is not None:
            lock.release()
        return 0
    if screenshot is not None:  # headless: a database that cannot be opened ends with a message, not a dialog
        from desktop.services.workspace import open_workspace
        from desktop.ui.operations import before_window

        screened = database
        ws = before_window(lambda: open_workspace(screened), "")
    else:
        opened = open_database(database)
        if opened is None:
            if lock is not None:
                lock.release()
            return 2
        ws = opened
    prefs.remember_database(database)
    if ws.identity.role == "master":  # the lead's desk (and its charts) loads only for a master
        from desktop.ui.lead import desk_or_field

        window = desk_or_field(ws)
    else:
        window = MainWindow(ws)
    try:
        if screenshot is not None:
            window.resize(*SCREENSHOT_SIZE)
            window.show_first()
            window.show()
            for _ in range(5):
                app.processEvents()
            window.wait_for_thumbnails(3000)
            app.processEvents()
            ok = window.grab().save(str(screenshot))
            window.close()
            return 0 if ok else 1
        if prefs.keep_window(window, "desk" if ws.identity.role == "master" else "field"):
            window.show()
        else:  # the first time: maximized, and as large when restored down (Qt's default size squeezes the tree's titles)
            window.resize(window.screen().availableGeometry().size())
            window.showMaximized()
        if not (isinstance(window, MainWindow) and window.show_last(prefs)):  # where the inspector left off
            window.show_first()
        QTimer.singleShot(0, window.raise_)
        if isinstance(database, Path):
            handed_to = database

            def _on_handed(export: str) -> None:
                window.showNormal()
                window.raise_()
                window.activateWindow()
                if export:
                    _offer_merge(window, Path(export))

            def _listen() -> None:  # once the first frame is up and its first reads under way: QtNetwork is no part of them
                Handover(handed_to, window).received.connect(_on_handed)

            QTimer.singleShot(HANDOVER_AFTER_MS, _listen)
        QTimer.singleShot(1000, _sweep_handed_off)
        if merge is not None:
            QTimer.singleShot(0, lambda: _offer_merge(window, merge))
        if hasattr(window, "check_in_background"):
            QTimer.singleShot(200, window.check_in_background)
        after_first_frame(window, _collections_again)
        if probe := os.environ.get(STARTUP_PROBE):
            _probe_start(window, Path(probe))
        code = app.exec()
    finally:
        from desktop.services import handoff

        if window.isVisible():  # (closed already when the event loop ended) before its database: its late reads say nothing
            window.close()
        handoff.SESSION.clear()  # the copies handed to other programs go with the window
        _finish_writing(window, ws)
        ws.close()
        if lock is not None:
            lock.release()
    _end_if_abandoned(window, code)
    return code


def _end_if_abandoned(window: QWidget, code: int) -> None:
    """The lead closed the window without waiting for a write that still runs (Operations.
    holds_close: a server out of reach): the program ends now, its lock released and its
    database closed, instead of lingering unseen until that write gives up, which Qt's thread
    pool and Python's exit would both wait for. What the write had not committed is undone, as
    the lead was told: SQLite discards a log's frames that no commit closes at the next
    opening, and a server rolls back the transaction of a connection that is gone."""
    ops = getattr(window, "ops", None)
    if ops is None or not ops.abandoned or not ops.pending_writes:
        return
    import logging

    logging.shutdown()  # (the error log's last lines)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):  # closed, or none (the windowed bundle)
            pass
    os._exit(code)


FINISH_SAY_MS = 300  # the end waits for the last write's copy into the file: said after this long


def _finish_writing(window: QWidget, ws: Any) -> None:
    """The end of the program, while the log of its last merge or import is still being copied
    into the database file (db.wal; 2 GB of evidence: some seconds): the program waits for it
    before it closes the file (then the file alone holds everything), and a small window says
    so, instead of a process lingering unseen with the file locked. No hand-over is taken
    meanwhile: the window is gone."""
    wal = sys.modules.get("db.wal")  # nothing of the kind was written in a run that never loaded it
    if wal is None or not ws.opened or ws.database.on_server or not wal.pending(ws.database.engine):
        return
    from PySide6.QtCore import QEventLoop

    from desktop.ui.operations import busy_window

    for handover in window.findChildren(Handover):
        handover.blockSignals(True)  # (a start handed over just before is not shown a window that is gone)
        handover.server.close()
    engine = ws.database.engine
    said = busy_window(  # (no button: the file must be whole before it closes)
        QCoreApplication.translate("App", "Writing the last merge into the database file; Yanshou closes by itself when it is done…"),
    )
    said.setWindowTitle(QCoreApplication.translate("App", "Yanshou"))
    began = time.monotonic()
    while wal.pending(engine):  # (the application's event loop has ended: its events are turned here)
        if time.monotonic() - began >= FINISH_SAY_MS / 1000 and not said.isVisible():
            said.show()  # (again, if Escape hid it: the program is still there)
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.02)
    said.close()


def _collections_again() -> None:
    """Once the first frame is done: Python's garbage collection, which the command line paused
    for the window's start (desktop.cli.main: some 60 collections of the objects the start's
    imports make, 20 ms of it), resumes; what the start made is left out of later full
    collections (gc.freeze: the program's modules, the campaign, the window's wrappers, some
    34,000 objects, of which about 370 were garbage in a cycle, now kept for good)."""
    gc.freeze()
    gc.enable()


def _probe_start(window: QWidget, report: Path) -> None:
    """For bench.gui, which times whole starts from outside (the program run from source, or
    the bundle users run): once the window's first frame is painted and the event loop is
    idle, write when that was (time.monotonic(), the system's clock: the caller compares it
    with its own) and the process's peak memory to `report` as JSON, and end."""
    from desktop.ui.operations import after_first_frame

    def done() -> None:
        idle = time.monotonic()
        report.write_text(json.dumps({"idle": idle, "rss_mb": _peak_mb()}), encoding="utf-8")
        window.close()

    after_first_frame(window, done)


def _peak_mb() -> float:
    try:
        import resource
    except ImportError:  # Windows: no resource module
        return 0.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _sweep_handed_off() -> None:
    """Copies left for other programs by a window that did not close (a crash)."""
    from desktop.services import handoff

    handoff.sweep()


remembered = preferences.remembered
