"""The first start: who am I, which campaign, which database file.

An inspector's laptop (field) is the usual answer; the team lead may create the master
database here too, for the built-in campaign or another city's campaign file (its
indicator set inside it or beside it), without the command line."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from db.errors import KnownDatabaseError, NotInitialised
from db.location import location
from desktop import paths
from desktop.core.errors import InputError
from desktop.services.workspace import create, open_workspace
from desktop.ui import files
from desktop.ui.messages import explain
from desktop.ui.operations import Operations
from desktop.ui.preferences import Preferences


class SetupDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        # Long on purpose: it builds the three questions' widgets in the order they are asked.
        super().__init__(parent)
        self.setWindowTitle(self.tr("Welcome to Yanshou"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("Three questions before the first inspection. The answers can be seen later in the status bar."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        role = QVBoxLayout()
        self.as_field = QRadioButton(self.tr("An inspector's laptop"))
        self.as_field.setObjectName("role-field")
        self.as_field.setChecked(True)
        self.as_master = QRadioButton(self.tr("The team lead's master database"))
        self.as_master.setObjectName("role-master")
        role.addWidget(self.as_field)
        role.addWidget(self.as_master)
        roles = QButtonGroup(self)  # two groups of radio buttons in one dialog: each exclusive on its own
        roles.addButton(self.as_field)
        roles.addButton(self.as_master)
        form.addRow(self.tr("Role"), role)
        self.inspector = QLineEdit()
        self.inspector.setObjectName("inspector")
        self.inspector.setPlaceholderText(self.tr("Your name, as it will appear on the signed record"))
        form.addRow(self.tr("Inspector"), self.inspector)
        self.as_field.toggled.connect(self.inspector.setEnabled)
        campaign = QVBoxLayout()
        self.builtin = QRadioButton(self.tr("The built-in campaign: Lu'an 2018 (六政办秘〔2018〕177号)"))
        self.builtin.setChecked(True)
        self.from_file = QRadioButton(self.tr("A campaign file from the team lead:"))
        self.campaign_file = QLineEdit()
        self.campaign_file.setEnabled(False)
        browse_campaign = QPushButton(self.tr("Choose…"))
        browse_campaign.clicked.connect(self._choose_campaign)
        self.from_file.toggled.connect(self.campaign_file.setEnabled)
        row = QHBoxLayout()
        row.addWidget(self.campaign_file, 1)
        row.addWidget(browse_campaign)
        campaign.addWidget(self.builtin)
        campaign.addWidget(self.from_file)
        sources = QButtonGroup(self)
        sources.addButton(self.builtin)
        sources.addButton(self.from_file)
        campaign.addLayout(row)
        form.addRow(self.tr("Campaign"), campaign)
        self.database = QLineEdit(str(paths.default_database()))
        self.database.setObjectName("database")
        browse = QPushButton(self.tr("Choose…"))
        browse.clicked.connect(self._choose_database)
        row = QHBoxLayout()
        row.addWidget(self.database, 1)
        row.addWidget(browse)
        form.addRow(self.tr("Database file"), row)
        server = QLabel(
            self.tr("For a province-wide round, the lead's master may live on a PostgreSQL server: "
                    "enter its address instead, e.g. postgresql://user@host/database (the password in ~/.pgpass).")
        )
        server.setWordWrap(True)
        server.setStyleSheet("color: #666;")
        form.addRow("", server)
        layout.addLayout(form)
        self.status = QLabel()
        self.status.setObjectName("setup-status")
        layout.addWidget(self.status)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.created: Path | str | None = None
        # Making the database (its keys, its schema; on a server, a round trip or several) runs
        # on a writer of the dialog's own: there is no window yet.
        self.ops = Operations(self)

    def _choose_campaign(self) -> None:
        name = files.open_file(self, "campaign", self.tr("Campaign file"), self.tr("Campaign (*.toml)"))
        if name is not None:
            self.campaign_file.setText(str(name))
            self.from_file.setChecked(True)

    def _choose_database(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Database file"), self.database.text(), self.tr("Yanshou database (*.db)"))
        if name:
            self.database.setText(name)

    def _accept(self) -> None:
        role = "field" if self.as_field.isChecked() else "master"
        inspector = self.inspector.text().strip() if role == "field" else ""
        if role == "field" and not inspector:
            QMessageBox.warning(self, self.windowTitle(), self.tr("Please enter your name."))
            self.inspector.setFocus()
            return
        campaign = Path(self.campaign_file.text()) if self.from_file.isChecked() else None
        if self.from_file.isChecked() and not self.campaign_file.text().strip():
            QMessageBox.warning(self, self.windowTitle(), self.tr("Please choose the campaign file."))
            return
        try:
            path = location(self.database.text())
        except KnownDatabaseError as exc:  # an address of a kind we do not know (its password never shown)
            QMessageBox.warning(self, self.windowTitle(), explain(exc))
            return
        if isinstance(path, str) and role != "master":
            QMessageBox.warning(
                self, self.windowTitle(), self.tr("Only the lead's master can live on a server; an inspector's laptop keeps a file.")
            )
            return

        def make() -> None:
            if isinstance(path, str):
                _connect_or_create(path, campaign)
            else:
                create(path, role=role, campaign_file=campaign, inspector=inspector or None).close()

        def made(_result: None) -> None:
            self.created = path
            self.accept()

        def refused(exc: BaseException) -> None:
            self._busy(False)
            if not isinstance(exc, KnownDatabaseError | InputError | OSError):
                paths.log_error(exc)
            QMessageBox.critical(self, self.windowTitle(), explain(exc))

        self._busy(True)
        self.ops.write(make, done=made, failed=refused)

    def _busy(self, busy: bool) -> None:
        """While the database is being made: nothing to click twice, and a word on what happens."""
        self.buttons.setEnabled(not busy)
        self.status.setText(self.tr("Creating the database…") if busy else "")

    def settled(self) -> bool:
        """Nothing is being made (the tests wait for this)."""
        return not self.ops.busy


def _connect_or_create(url: str, campaign: Path | None) -> None:
    """A master on a server: another lead may have made it already (then this desk joins
    it, and needs the master's key: see the README); else it is made here."""
    try:
        open_workspace(url).close()
    except NotInitialised:
        create(url, role="master", campaign_file=campaign).close()


def first_run(prefs: Preferences) -> Path | str | None:
    """The first start: the set-up dialog; the database it made is remembered."""
    dialog = SetupDialog()
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.created is None:
        return None
    prefs.remember_database(dialog.created)
    return dialog.created
