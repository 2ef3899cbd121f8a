"""Application context shared by the main window and every page."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from loyalty_desktop.db import Database
from loyalty_desktop.errors import UserError
from loyalty_desktop.ui.workers import TaskRunner

log = logging.getLogger(__name__)


class AppContext(QObject):
    """The open database, the task runner, app-wide signals and navigation."""

    data_changed = Signal(str)  # "customers", "tags", "segments", "campaigns", "purchases"
    navigate_requested = Signal(str, dict)

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.tasks = TaskRunner(self)
        self.settings = QSettings("LoyaltyDesktop", "LoyaltyDesktop")

    def navigate(self, page: str, args: dict | None = None) -> None:
        self.navigate_requested.emit(page, dict(args or {}))

    def notify_changed(self, area: str) -> None:
        self.data_changed.emit(area)

    def error_text(self, exc: BaseException) -> str:
        if isinstance(exc, UserError):
            from loyalty_desktop.ui.i18n import current_language

            return exc.text(current_language())
        from loyalty_desktop.logging_setup import log_path

        return self.tr("Something went wrong: {error}\n\nDetails were written to the log: {log}").format(
            error=str(exc) or type(exc).__name__, log=log_path()
        )

    def show_error(self, parent: QWidget | None, title: str, exc: BaseException) -> None:
        log.warning("%s: %s", title, exc, exc_info=not isinstance(exc, UserError))
        QMessageBox.warning(parent, title, self.error_text(exc))

    def shutdown(self) -> None:
        self.tasks.shutdown()
        self.db.dispose()
