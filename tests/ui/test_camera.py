"""拍照 in the inspector's window, as far as it can be tried without a camera: the button is
there only while a camera is, and a photo the viewfinder delivers becomes evidence of the
item and mode the viewfinder was opened for, like an attached file. QtMultimedia loads here
too, and must say nothing that fails a test (its messages on missing optional libraries
are silenced; everything else still counts)."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QLabel

from desktop.core.inspection import InspectionMode
from desktop.services import inspection
from desktop.ui import camera
from desktop.ui.camera import CameraDialog, CameraWatch, jpeg
from desktop.ui.main_window import MainWindow

# the offscreen platform says so whenever a window is shown; it is not the program's warning
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

COUNTY = "341502"


def picture(width: int = 640, height: int = 480) -> QImage:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor(30, 120, 200))
    return image


def test_take_photo_is_hidden_without_a_camera(qtbot, window: MainWindow) -> None:
    button = window.evidence.camera
    assert not button.isVisible()  # not before the window has looked (after its first paint)
    qtbot.waitUntil(lambda: window.camera_checked, timeout=5000)
    if camera.may_have_camera():  # QtMultimedia asked: the button follows what it sees
        qtbot.waitUntil(lambda: window.cameras is not None, timeout=5000)
        assert button.isVisible() == window.cameras.available()
    else:  # Linux without /dev/video* (the test machines): QtMultimedia not even loaded
        assert window.cameras is None
        assert not button.isVisible()


def test_take_photo_follows_the_cameras_qtmultimedia_sees(qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(camera, "may_have_camera", lambda: True)  # ask QtMultimedia, as on Windows or with /dev/video0
    window.look_for_cameras()
    qtbot.waitUntil(lambda: window.cameras is not None, timeout=5000)
    assert isinstance(window.cameras, CameraWatch)
    assert window.evidence.camera.isVisible() == window.cameras.available()  # none on the test machines: hidden
    window.cameras.changed.emit(True)  # a camera plugged in
    assert window.evidence.camera.isVisible()
    window.cameras.changed.emit(False)  # and out again
    assert not window.evidence.camera.isVisible()


def test_a_camera_device_appearing_makes_the_window_ask_again(qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(camera, "may_have_camera", lambda: False)
    window.look_for_cameras()
    assert window.cameras is None
    monkeypatch.setattr(camera, "may_have_camera", lambda: True)  # /dev/video0 appeared
    window._on_devices_directory_changed("/dev")
    qtbot.waitUntil(lambda: window.cameras is not None, timeout=5000)


def test_a_photo_taken_is_evidence_of_the_item_and_mode(qtbot, window: MainWindow) -> None:
    window.select_item("1.1.2")
    window.editor.set_mode(InspectionMode.MATERIALS)
    window.evidence.set_camera_available(True)  # as when a camera is there
    window.evidence.camera.click()
    dialog = window.findChild(CameraDialog)
    assert dialog is not None and dialog.isVisible()
    assert "1.1.2" in dialog.findChild(QLabel, "camera-where").text()

    # what the camera's imageCaptured signal calls, given a picture
    dialog._on_capture_image_captured(1, picture())
    window.editor.set_mode(InspectionMode.FIELD)  # changing the tab meanwhile does not move the photo
    qtbot.waitUntil(window.settled, timeout=10000)  # stored, and the item's evidence read again
    (evidence,) = inspection.item_record(window.ws, COUNTY, "1.1.2").evidence
    assert evidence.mode is InspectionMode.MATERIALS
    assert evidence.mime == "image/jpeg"
    assert evidence.taken_at is not None
    with Image.open(io.BytesIO(inspection.blob_bytes(window.ws, evidence.sha256))) as stored:
        assert stored.size == (640, 480)
    assert inspection.thumbnail(window.ws, evidence.sha256) is not None
    assert window.evidence.list.count() == 1
    assert dialog.taken == 1
    dialog.accept()


def test_a_photo_is_stored_as_jpeg_bytes() -> None:
    data = jpeg(picture(32, 24))
    with Image.open(io.BytesIO(data)) as image:
        assert (image.format, image.size) == ("JPEG", (32, 24))
    with pytest.raises(ValueError, match="JPEG"):
        jpeg(QImage())
