"""Application start-up: QApplication, style, language, database, main window."""

from __future__ import annotations

import logging
import sys

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QMessageBox

from loyalty_desktop import __version__
from loyalty_desktop.ui import style
from loyalty_desktop.ui.i18n import install_translations, preferred_language
from loyalty_desktop.ui.resources import icon

log = logging.getLogger(__name__)


def create_application(lang: str | None = None, argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("Loyalty Desktop")
    app.setOrganizationName("LoyaltyDesktop")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(icon("app"))
    font = QFont("Segoe UI" if sys.platform == "win32" else app.font().family(), 10)
    app.setFont(font)
    app.setStyle("Fusion")
    app.setStyleSheet(style.QSS)
    install_translations(app, preferred_language(lang))
    return app


def open_main_window(db_location: str | None):
    """Open the database and build the main window; raises DatabaseError in plain words."""
    from loyalty_desktop.db import open_database
    from loyalty_desktop.ui.context import AppContext
    from loyalty_desktop.ui.main_window import MainWindow

    db = open_database(db_location)
    ctx = AppContext(db)
    return MainWindow(ctx)


def run_app(db_location: str | None = None, lang: str | None = None) -> int:
    from loyalty_desktop.errors import UserError
    from loyalty_desktop.logging_setup import setup_logging

    setup_logging()
    app = create_application(lang)
    try:
        from loyalty_desktop.ui import crash

        crash.install()
    except ImportError:
        pass
    from loyalty_desktop.ui.single_instance import acquire_instance

    # Before the database is opened: a second launch must not migrate it or become a second writer.
    guard = acquire_instance(db_location)
    if guard is None:  # another window already serves this database; it was raised
        return 0
    try:
        window = open_main_window(db_location)
    except UserError as exc:
        guard.release()
        from loyalty_desktop.ui.i18n import current_language

        QMessageBox.critical(None, app.translate("App", "Cannot open the database"), exc.text(current_language()))
        return 1
    guard.attach(window)
    window.show()
    code = app.exec()
    # Also when the app quit without a close event (log-off, start-up probe): stop the workers before
    # Python tears down, or a running task dies mid-query ("Error calling Python override of QRunnable::run").
    window.ctx.shutdown()
    guard.release()
    return code
