"""The user's preferences: every key declared once, here, with its type and default (the
model: Picard's `config.py` and its declared options). The rest of the window reads and
writes them through `Preferences`, never by a key's spelling.

They live in an INI file in the config folder (tests get their own, see desktop.paths).
A value that is not what the key holds (an INI edited by hand, an older program's) reads as
the default.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings
from PySide6.QtWidgets import QMainWindow, QSplitter

from desktop import paths

T = TypeVar("T")
LANGUAGES = ("zh_CN", "en")


@dataclass(frozen=True)
class Option(Generic[T]):
    key: str
    default: T
    choices: tuple[T, ...] = ()

    def read(self, store: QSettings) -> T:
        value = store.value(self.key, self.default)
        if isinstance(self.default, str):
            value = str(value) if value is not None else self.default
        if self.choices and value not in self.choices:
            return self.default
        return value if isinstance(value, type(self.default)) else self.default


LANGUAGE = Option("language", "zh_CN", LANGUAGES)
# The file dialogs' folders, one per kind of file: each opens where the last of its kind went.
FOLDERS = ("export", "merge", "documents", "tables", "sheets", "evidence", "photos", "campaign", "database", "recovery")
LAST_DATABASE = Option("last_database", "")  # a path, or a server's URL without its password


def store() -> QSettings:
    return QSettings(str(paths.config_dir() / "settings.ini"), QSettings.Format.IniFormat)


def remembered(database: Path | str) -> str:
    """What the preferences keep of the database opened: a path, or a URL without its password."""
    if isinstance(database, Path):
        return str(database)
    from db.postgres import without_password

    return without_password(database)


class Preferences:
    """The user's preferences, typed."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self.settings = settings if settings is not None else store()

    @property
    def language(self) -> str:
        return LANGUAGE.read(self.settings)

    @language.setter
    def language(self, value: str) -> None:
        if value not in LANGUAGES:
            raise ValueError(value)
        self.settings.setValue(LANGUAGE.key, value)

    @property
    def last_database(self) -> str:
        return LAST_DATABASE.read(self.settings)

    def remember_database(self, database: Path | str) -> None:
        self.settings.setValue(LAST_DATABASE.key, remembered(database))

    # --- how the windows were left -------------------------------------------------------

    def keep_window(self, window: QMainWindow, name: str) -> bool:
        """Give the window back its size, place and splitters as the user left them, and keep
        them when it closes. False when there was nothing kept (the caller then opens it
        maximized: on a 1366×768 laptop anything smaller cuts the tree's titles)."""
        geometry = self.settings.value(f"window/{name}/geometry")
        restored = isinstance(geometry, QByteArray) and window.restoreGeometry(geometry)
        for splitter in _named_splitters(window):
            state = self.settings.value(f"window/{name}/splitter/{splitter.objectName()}")
            if isinstance(state, QByteArray):
                splitter.restoreState(state)
        keeper = _Keeper(self, name, window)
        window.installEventFilter(keeper)
        return bool(restored)

    def save_window(self, window: QMainWindow, name: str) -> None:
        self.settings.setValue(f"window/{name}/geometry", window.saveGeometry())
        for splitter in _named_splitters(window):
            self.settings.setValue(f"window/{name}/splitter/{splitter.objectName()}", splitter.saveState())
        self.settings.sync()

    def folder(self, kind: str) -> Path:
        """Where the file dialog for this kind of file opens: the folder the last one was
        chosen in, while it is still there (a USB stick taken out: the home folder)."""
        if kind not in FOLDERS:
            raise ValueError(kind)
        value = self.settings.value(f"folder/{kind}")
        if isinstance(value, str) and value and Path(value).is_dir():
            return Path(value)
        return Path.home()

    def remember_folder(self, kind: str, chosen: Path) -> None:
        """Keep the folder of a file (or the folder itself) just chosen for this kind."""
        if kind not in FOLDERS:
            raise ValueError(kind)
        self.settings.setValue(f"folder/{kind}", str(chosen if chosen.is_dir() else chosen.parent))

    def liaison(self, database: Path | str, county: str) -> tuple[str, str]:
        """The name and post (职务) of the county's liaison who signed last on this database."""
        value = self.settings.value(f"liaison/{_key(database)}/{county}")
        if isinstance(value, str) and value.count("|") == 1:
            name, post = value.split("|")
            return name, post
        return "", ""

    def remember_liaison(self, database: Path | str, county: str, name: str, post: str) -> None:
        self.settings.setValue(f"liaison/{_key(database)}/{county}", f"{name.replace('|', ' ')}|{post.replace('|', ' ')}")

    def last_place(self, database: Path | str) -> tuple[str, str] | None:
        """The county and item the inspector had open in this database last time."""
        value = self.settings.value(f"place/{_key(database)}")
        if isinstance(value, str) and value.count("|") == 1:
            county, item = value.split("|")
            return county, item
        return None

    def remember_place(self, database: Path | str, county: str, item: str) -> None:
        self.settings.setValue(f"place/{_key(database)}", f"{county}|{item}")


def _key(database: Path | str) -> str:
    """A database as a settings key: QSettings groups on '/', so a path is hashed."""
    import hashlib

    return hashlib.sha256(remembered(database).encode()).hexdigest()[:16]


def _named_splitters(window: QMainWindow) -> list[QSplitter]:
    """The splitters whose sizes are kept: the named ones among those the window lists
    (`kept_splitters()`: no search through every one of its widgets, which makes a Python
    object of each, some 8 ms of a cold start); a window that lists none keeps none."""
    listed = getattr(window, "kept_splitters", None)
    return [s for s in (listed() if callable(listed) else ()) if s.objectName()]


class _Keeper(QObject):
    """Saves a window's geometry and splitters as it closes."""

    def __init__(self, prefs: Preferences, name: str, window: QMainWindow) -> None:
        super().__init__(window)
        self.prefs, self.name, self.window = prefs, name, window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.prefs.save_window(self.window, self.name)
        return False
