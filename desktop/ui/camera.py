"""拍照: a photo taken with the computer's camera, as evidence of the item and mode being
edited. The viewfinder stays open for several photos; each one goes to the window, which
stores it through the same service as an attached file.

QtMultimedia is loaded only when the window asks whether a camera is there (after its first
paint, and on Linux only when a camera device exists) or opens the viewfinder: it costs
start-up time and a moment of the GUI thread, and its FFmpeg back end says on
loading which optional libraries it did not find (PipeWire, VA-API). Those messages, and
only those, are silenced; every other warning still shows (and fails a test).
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QFileSystemWatcher, QIODevice, QLoggingCategory, QObject, Signal, Slot
from PySide6.QtGui import QCloseEvent, QImage, QKeySequence
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

# Not errors: the camera works without PipeWire and without hardware video decoding.
QUIET_RULES = "qt.multimedia.symbolsresolver.warning=false\nqt.multimedia.ffmpeg.info=false"
JPEG_QUALITY = 90
DEVICES = Path("/dev")


@functools.cache
def _load_multimedia() -> None:
    """Silence QtMultimedia's messages about missing optional libraries, then load its module
    (some 30 ms), once. Safe on a worker thread: no QObject is made. QT_LOGGING_RULES in the
    environment still overrides these rules (for debugging)."""
    QLoggingCategory.setFilterRules(QUIET_RULES)
    import PySide6.QtMultimedia  # noqa: F401


def may_have_camera() -> bool:
    """Whether asking QtMultimedia is worth its start (some 20-40 ms of the GUI thread, once).
    On Linux a camera is a V4L2 device, /dev/video*: with none, QtMultimedia stays unloaded
    and device_watcher tells when one is plugged in. Elsewhere, ask."""
    return sys.platform != "linux" or any(DEVICES.glob("video*"))


def device_watcher(parent: QObject) -> QFileSystemWatcher:
    """Tells (directoryChanged) when a device comes or goes on Linux, a camera among them."""
    return QFileSystemWatcher([str(DEVICES)], parent)


def load() -> None:
    """QtMultimedia loaded ahead, off the GUI thread, so that CameraWatch then costs it only
    the back end's start (some 20 ms, once)."""
    _load_multimedia()


def jpeg(image: QImage) -> bytes:
    """A captured picture as JPEG bytes; safe off the GUI thread (QImage, not QPixmap)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "JPG", JPEG_QUALITY):
        raise ValueError("the captured picture could not be encoded as JPEG")
    buffer.close()
    return bytes(data.data())


class CameraWatch(QObject):
    """Whether the computer has a camera, now and whenever one is plugged in or out."""

    changed = Signal(bool)
    """A camera appeared (True) or the last one went (False)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        _load_multimedia()
        from PySide6.QtMultimedia import QMediaDevices

        self._devices = QMediaDevices(self)
        self._devices.videoInputsChanged.connect(self._on_devices_video_inputs_changed)

    def available(self) -> bool:
        return bool(self._devices.videoInputs())

    @Slot()
    def _on_devices_video_inputs_changed(self) -> None:
        self.changed.emit(self.available())


class CameraDialog(QDialog):
    """The viewfinder (the default camera), a button that takes a photo, and what became of
    each photo taken."""

    captured = Signal(QImage)
    """A photo taken, for the item and mode the dialog was opened for."""

    def __init__(self, parent: QWidget, where: str) -> None:
        super().__init__(parent)
        _load_multimedia()
        from PySide6.QtMultimedia import QCamera, QImageCapture, QMediaCaptureSession, QMediaDevices
        from PySide6.QtMultimediaWidgets import QVideoWidget

        self.setWindowTitle(self.tr("Take a photo"))
        self.setObjectName("camera-dialog")
        self.taken = 0
        layout = QVBoxLayout(self)
        heading = QLabel(self.tr("Photo for: {0}").format(where))
        heading.setObjectName("camera-where")
        heading.setWordWrap(True)
        heading.setStyleSheet("font-weight: bold;")
        layout.addWidget(heading)
        self.viewfinder = QVideoWidget()
        self.viewfinder.setMinimumSize(640, 360)
        layout.addWidget(self.viewfinder, 1)
        self.status = QLabel(self.tr("Starting the camera…"))
        self.status.setObjectName("camera-status")
        layout.addWidget(self.status)
        buttons = QHBoxLayout()
        self.shoot = QPushButton(self.tr("Take photo"))
        self.shoot.setObjectName("shoot")
        self.shoot.setShortcut(QKeySequence("Space"))
        self.shoot.setToolTip(self.tr("Take a photo (Space); it is attached to the item at once"))
        self.shoot.setEnabled(False)
        close = QPushButton(self.tr("Close"))
        buttons.addStretch(1)
        buttons.addWidget(self.shoot)
        buttons.addWidget(close)
        layout.addLayout(buttons)

        self.camera = QCamera(QMediaDevices.defaultVideoInput(), self)
        self.capture = QImageCapture(self)
        self.session = QMediaCaptureSession(self)
        self.session.setCamera(self.camera)
        self.session.setImageCapture(self.capture)
        self.session.setVideoOutput(self.viewfinder)

        self.shoot.clicked.connect(self._on_shoot_clicked)
        close.clicked.connect(self.accept)
        self.capture.readyForCaptureChanged.connect(self._on_capture_ready_for_capture_changed)
        self.capture.imageCaptured.connect(self._on_capture_image_captured)
        self.capture.errorOccurred.connect(self._on_capture_error_occurred)
        self.camera.errorOccurred.connect(self._on_camera_error_occurred)
        self.camera.start()

    @Slot()
    def _on_shoot_clicked(self) -> None:
        self.capture.capture()

    @Slot(bool)
    def _on_capture_ready_for_capture_changed(self, ready: bool) -> None:
        self.shoot.setEnabled(ready)
        if ready and self.taken == 0:
            self.status.setText(self.tr("Ready"))

    @Slot(int, QImage)
    def _on_capture_image_captured(self, _request: int, image: QImage) -> None:
        self.taken += 1
        self.status.setText(self.tr("{0} photos taken").format(self.taken))
        self.captured.emit(image)

    @Slot(int, object, str)
    def _on_capture_error_occurred(self, _request: int, _error: object, message: str) -> None:
        self.status.setText(self.tr("The photo could not be taken: {0}").format(message))

    @Slot(object, str)
    def _on_camera_error_occurred(self, _error: object, message: str) -> None:
        self.shoot.setEnabled(False)
        self.status.setText(self.tr("The camera cannot be used: {0}").format(message))

    def done(self, result: int) -> None:
        self.camera.stop()  # the camera's light goes off with the dialog
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.camera.stop()
        super().closeEvent(event)


__all__ = ["CameraDialog", "CameraWatch", "device_watcher", "jpeg", "load", "may_have_camera"]
