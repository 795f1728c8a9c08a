"""The one place that knows folders: resources, user data, user config (keys).

Environment overrides keep tests and the demo out of the real home folder:
YANSHOU_DATA_DIR, YANSHOU_CONFIG_DIR. A frozen bundle finds resources under
sys._MEIPASS.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP = "yanshou"


def resources() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    base = Path(frozen) if frozen else Path(__file__).resolve().parent.parent
    return base / "resources"


def builtin_campaign(key: str = "luan-2018") -> Path:
    return resources() / "campaigns" / f"{key}.toml"


def indicator_set_file(name: str) -> Path:
    return resources() / "indicator_sets" / f"{name}.toml"


def _platform_dir(windows_var: str, mac: str, xdg_var: str, xdg_default: str) -> Path:
    if sys.platform == "win32":
        return Path(os.environ.get(windows_var) or Path.home() / "AppData" / "Local") / "Yanshou"
    if sys.platform == "darwin":
        return Path.home() / "Library" / mac / "Yanshou"
    return Path(os.environ.get(xdg_var) or Path.home() / xdg_default) / APP


def data_dir() -> Path:
    override = os.environ.get("YANSHOU_DATA_DIR")
    return Path(override) if override else _platform_dir("LOCALAPPDATA", "Application Support", "XDG_DATA_HOME", ".local/share")


def config_dir() -> Path:
    override = os.environ.get("YANSHOU_CONFIG_DIR")
    return Path(override) if override else _platform_dir("APPDATA", "Preferences", "XDG_CONFIG_HOME", ".config")


def keys_dir() -> Path:
    """Device private keys: owner-only, never inside a database file. On Windows in the
    local, non-roaming profile (%LOCALAPPDATA%: a domain PC copies the roaming one, %APPDATA%,
    to its profile server), moved there once from the old place; elsewhere in the config
    folder. YANSHOU_CONFIG_DIR (tests, the demo) keeps them in its own folder."""
    if sys.platform != "win32" or os.environ.get("YANSHOU_CONFIG_DIR"):
        return config_dir() / "keys"
    keys = data_dir() / "keys"
    _move_keys(config_dir() / "keys", keys)
    return keys


_MOVED: set[Path] = set()


def _move_keys(old: Path, new: Path) -> None:
    """Keys of an earlier version, moved from `old` to `new` once (a key already at `new` is
    kept; the old copy goes only once the new one is in place)."""
    if old in _MOVED:
        return
    _MOVED.add(old)
    if not old.is_dir():
        return
    new.mkdir(parents=True, exist_ok=True)
    for key in old.glob("*.pem"):
        target = new / key.name
        try:
            if not target.exists():
                target.write_bytes(key.read_bytes())
                from db.keys import protect

                protect(target)
            key.unlink()
        except OSError:  # left where it was: still found there by the next start's move
            continue
    try:
        old.rmdir()
    except OSError:
        pass


def default_database() -> Path:
    return data_dir() / "luan-2018.db"


def log_error(exc: BaseException) -> Path | None:
    """Append an error's traceback to the error log in the data folder; the log's path, or
    None when even that cannot be written (the user is told in one line either way)."""
    import datetime as dt
    import traceback

    log = data_dir() / "yanshou-error.log"
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as f:
            f.write(f"--- {dt.datetime.now().isoformat(timespec='seconds')}\n")
            f.write("".join(traceback.format_exception(exc)))
    except OSError:
        return None
    return log
