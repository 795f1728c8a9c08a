"""The user's preferences: one typed module; a window opens as it was left."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel, QMainWindow, QSplitter

from desktop.ui.preferences import Preferences

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform's, on show()


def prefs(tmp_path: Path) -> Preferences:
    return Preferences(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


def test_values_read_as_their_type_and_a_bad_one_as_the_default(tmp_path: Path) -> None:
    p = prefs(tmp_path)
    assert p.language == "zh_CN" and p.last_database == ""
    p.language = "en"
    p.remember_database("postgresql://lead:secret@server/master")
    again = prefs(tmp_path)
    assert again.language == "en"
    assert "secret" not in again.last_database and again.last_database.endswith("@server/master")
    again.settings.setValue("language", "klingon")  # an INI edited by hand
    assert again.language == "zh_CN"


def test_the_inspectors_place_is_remembered_per_database(tmp_path: Path) -> None:
    p = prefs(tmp_path)
    p.remember_place(tmp_path / "a.db", "341502", "2.3.2")
    assert p.last_place(tmp_path / "a.db") == ("341502", "2.3.2")
    assert p.last_place(tmp_path / "b.db") is None


def test_a_window_opens_as_it_was_left(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    class Window(QMainWindow):
        def kept_splitters(self) -> list[QSplitter]:  # which splitters it keeps, as the program's windows say
            return [self.centralWidget()]  # type: ignore[list-item]

    def window() -> tuple[QMainWindow, QSplitter]:
        w = Window()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("tree-split")
        splitter.addWidget(QLabel("tree"))
        splitter.addWidget(QLabel("item"))
        w.setCentralWidget(splitter)
        qtbot.addWidget(w)
        return w, splitter

    first, split = window()
    assert not prefs(tmp_path).keep_window(first, "field")  # nothing kept yet: the caller maximizes
    first.resize(700, 500)  # within the offscreen test screen (800 wide)
    first.show()
    split.setSizes([200, 500])
    sizes = split.sizes()
    first.close()
    second, split2 = window()
    assert prefs(tmp_path).keep_window(second, "field")
    second.show()
    assert (second.width(), second.height()) == (700, 500)
    assert split2.sizes() == sizes


def test_each_kind_of_file_dialog_opens_where_the_last_one_was_chosen(qtbot, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QFileDialog

    from desktop.ui import files

    stick = tmp_path / "U盘"
    stick.mkdir()
    started: list[str] = []

    def save_as(_parent, _title, start, _filters):  # type: ignore[no-untyped-def]
        started.append(start)
        return str(stick / "张三-导出"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda _p, _t, start: started.append(start) or "")
    assert files.save_file(None, "export", "t", "a:b.yanshou", "", extension=".yanshou") == stick / "张三-导出.yanshou"
    assert Path(started[0]) == Path.home() / "a_b.yanshou"  # the first time: home, the name made safe
    files.save_file(None, "export", "t", "c.yanshou", "")
    assert Path(started[1]) == stick / "c.yanshou"  # then where the last export went
    assert files.folder(None, "merge", "t") is None and Path(started[2]) == Path.home()  # another kind: its own folder
    stick.rmdir()  # the stick taken out
    files.save_file(None, "export", "t", "d.yanshou", "")
    assert Path(started[3]) == Path.home() / "d.yanshou"
    with pytest.raises(ValueError, match="nonsense"):
        Preferences().folder("nonsense")


class _Volume:
    def __init__(self, root: str, *, ready: bool = True, read_only: bool = False, valid: bool = True) -> None:
        self.root, self.ready, self.read_only, self.valid = root, ready, read_only, valid

    def rootPath(self) -> str:  # QStorageInfo's names
        return self.root

    def isValid(self) -> bool:
        return self.valid

    def isReady(self) -> bool:
        return self.ready

    def isReadOnly(self) -> bool:
        return self.read_only


def test_an_export_with_no_folder_yet_starts_on_the_usb_stick(qtbot, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The sticks the system has mounted, as QStorageInfo lists them: on Linux under /media, /run/media
    or /mnt, writable and ready; on Windows every ready, writable drive but the system's."""
    import sys

    from PySide6.QtWidgets import QFileDialog

    from desktop.ui import files

    volumes = [
        _Volume("/"), _Volume("/boot"), _Volume("/media/zhang/KINGSTON"), _Volume("/run/media/li/CARD", ready=False),
        _Volume("/mnt/cdrom", read_only=True), _Volume("/mnt/usb"), _Volume("/media/broken", valid=False),
    ]
    monkeypatch.setattr(files.QStorageInfo, "mountedVolumes", staticmethod(lambda: volumes))
    monkeypatch.setattr(sys, "platform", "linux")
    assert files.removable_drives() == [Path("/media/zhang/KINGSTON"), Path("/mnt/usb")]
    started: list[str] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda _p, _t, start, _f: started.append(start) or ("", ""))
    assert files.save_file(None, "export", "t", "张三.yanshou", "") is None  # cancelled: nothing remembered
    assert Path(started[0]) == Path("/media/zhang/KINGSTON/张三.yanshou")
    assert Preferences().folder("export") == Path.home()

    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("SYSTEMDRIVE", "C:")
    volumes[:] = [_Volume("C:\\"), _Volume("D:\\", read_only=True), _Volume("E:\\"), _Volume("F:\\", ready=False)]
    assert files.removable_drives() == [Path("E:\\")]


def test_the_inspectors_window_opens_with_its_panes_as_they_were_left(qtbot, tmp_path: Path, window) -> None:  # type: ignore[no-untyped-def]
    from desktop.ui.main_window import MainWindow

    kept = prefs(tmp_path)
    kept.keep_window(window, "field")
    (split,) = window.kept_splitters()
    sizes = [300, split.width() - 300 - 200 - 2 * split.handleWidth(), 200]
    split.setSizes(sizes)
    left = split.sizes()
    window.close()  # saved as it closes
    again = MainWindow(window.ws)
    qtbot.addWidget(again)
    assert prefs(tmp_path).keep_window(again, "field")
    again.resize(window.size())  # (the offscreen screen's size may differ from the one saved)
    again.show()
    split_again = again.kept_splitters()[0]
    qtbot.waitUntil(lambda: split_again.width() == split.width())
    assert split_again.sizes() == left  # the tree and the side panel as wide as they were left
    assert left != [390, left[1], 336]  # (not what a window that keeps nothing starts with)
    again.close()


def test_the_desk_opens_with_its_panes_as_they_were_left(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The lead's desk keeps its tabs' splitters between starts, as the inspector's window does."""
    from desktop.services.workspace import create
    from desktop.ui.lead.window import LeadWindow

    with create(tmp_path / "master.db", role="master") as ws:
        desk = LeadWindow(ws)
        qtbot.addWidget(desk)
        prefs(tmp_path).keep_window(desk, "desk")
        desk.resize(1366, 768)
        desk.show()
        splits = desk.kept_splitters()
        assert [s.objectName() for s in splits] == ["results-view", "agreement-split", "conflicts-split", "history-split"]
        for index, split in enumerate(splits):
            desk.tabs.setCurrentWidget(split if split is desk.results_view else split.parentWidget())
            qtbot.waitUntil(lambda split=split: split.height() > 300)
            total = sum(split.sizes())
            split.setSizes([120 + 40 * index, total - 120 - 40 * index])
        left = [s.sizes() for s in splits]
        desk.close()  # saved as it closes
        qtbot.waitUntil(lambda: not desk.ops.busy, timeout=20_000)
        again = LeadWindow(ws)
        qtbot.addWidget(again)
        assert prefs(tmp_path).keep_window(again, "desk")
        again.resize(desk.size())
        again.show()
        for split, was in zip(again.kept_splitters(), left, strict=True):
            again.tabs.setCurrentWidget(split if split is again.results_view else split.parentWidget())
            qtbot.waitUntil(lambda split=split, was=was: split.sizes() == was)
        again.close()
        qtbot.waitUntil(lambda: not again.ops.busy, timeout=20_000)
