"""Main window: sidebar navigation, lazily created pages, status bar with database and count."""

from __future__ import annotations

import importlib
import logging

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QProgressDialog,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from loyalty_desktop import __version__
from loyalty_desktop.ui.format import format_count
from loyalty_desktop.ui.i18n import LANGUAGES, preferred_language, save_language
from loyalty_desktop.ui.pages.welcome import WelcomePage
from loyalty_desktop.ui.resources import icon

log = logging.getLogger(__name__)

# (key, module, class). Labels are translated in _page_label so lupdate sees them.
PAGES = [
    ("customers", "loyalty_desktop.ui.pages.customers", "CustomersPage"),
    ("segments", "loyalty_desktop.ui.pages.segments", "SegmentsPage"),
    ("tags", "loyalty_desktop.ui.pages.tags", "TagsPage"),
    ("campaigns", "loyalty_desktop.ui.pages.campaigns", "CampaignsPage"),
    ("dashboard", "loyalty_desktop.ui.pages.dashboard", "DashboardPage"),
]
DEMO_SIZE = (2_000, 20_000)  # customers, purchases for "Try with demo data"


def _count_customers(state, db) -> int:
    from loyalty_desktop.info import count_rows
    from loyalty_desktop.models import Customer

    with db.connect() as conn:
        return count_rows(conn, Customer.__table__)


def _daily_maintenance(state, db) -> int:
    """Slide the 30/90/180/365-day stats to today (first start of the day) and refresh RFM."""
    from loyalty_desktop import stats

    with db.begin() as conn:
        changed = stats.slide_windows(conn)
        if changed:
            stats.refresh_rfm(conn)
    return changed


class MainWindow(QMainWindow):
    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.pages: dict[str, QWidget] = {}
        self.customer_count: int | None = None
        self.setWindowTitle(self.tr("Loyalty Desktop — {name}").format(name=ctx.db.display_name))
        self.setWindowIcon(icon("app"))
        self.resize(1366, 768)
        self.setMinimumSize(1024, 640)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._build_sidebar())
        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.welcome = WelcomePage(ctx)
        self.welcome.import_requested.connect(lambda: self.open_import("customers"))
        self.welcome.demo_requested.connect(self.load_demo_data)
        self.stack.addWidget(self.welcome)

        self._build_menus()
        self._build_status_bar()
        ctx.navigate_requested.connect(self.navigate)
        ctx.data_changed.connect(self._on_data_changed)
        ctx.tasks.busy_changed.connect(self.busy.setVisible)

        self.nav.setCurrentRow(0)
        # the customer list's first page goes first (see CustomersPage.after_first_rows)
        later = getattr(self.pages.get("customers"), "after_first_rows", None)
        (later or (lambda fn: fn()))(self._start_background)

    def _start_background(self) -> None:
        ctx = self.ctx
        self.refresh_count()
        ctx.tasks.run("daily-maintenance", _daily_maintenance, ctx.db, write=True,
                      on_result=lambda n: n and ctx.notify_changed("customers"))

    # ----- layout
    def _page_label(self, key: str) -> str:
        return {
            "customers": self.tr("Customers"),
            "segments": self.tr("Segments"),
            "tags": self.tr("Tags"),
            "campaigns": self.tr("Campaigns"),
            "dashboard": self.tr("Dashboard"),
        }[key]

    def _build_sidebar(self) -> QWidget:
        side = QFrame(objectName="Sidebar")
        side.setFixedWidth(210)
        lay = QVBoxLayout(side)
        lay.setContentsMargins(0, 0, 0, 12)
        lay.addWidget(QLabel("Loyalty Desktop", objectName="AppTitle"))
        lay.addWidget(QLabel(self.tr("Customers & campaigns"), objectName="AppSubtitle"))
        self.nav = QListWidget()
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for key, _module, _cls in PAGES:
            item = QListWidgetItem(icon(key), self._page_label(key))
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self._on_nav_row)
        lay.addWidget(self.nav, 1)
        version = QLabel(self.tr("Version {v}").format(v=__version__), objectName="AppSubtitle")
        lay.addWidget(version)
        return side

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        act = QAction(icon("import"), self.tr("Import customers from Excel…"), self)
        act.setShortcut(QKeySequence("Ctrl+I"))
        act.triggered.connect(lambda: self.open_import("customers"))
        file_menu.addAction(act)
        act = QAction(self.tr("Import sales / invoices…"), self)
        act.triggered.connect(lambda: self.open_import("purchases"))
        file_menu.addAction(act)
        file_menu.addSeparator()
        act = QAction(self.tr("Open another database…"), self)
        act.triggered.connect(self.open_other_database)
        file_menu.addAction(act)
        file_menu.addSeparator()
        act = QAction(self.tr("Quit"), self)
        act.setShortcut(QKeySequence("Ctrl+Q"))
        act.triggered.connect(self.close)
        file_menu.addAction(act)

        settings_menu = self.menuBar().addMenu(self.tr("&Settings"))
        lang_menu = settings_menu.addMenu(self.tr("Language"))
        group = QActionGroup(self)
        current = preferred_language()
        for code, label in LANGUAGES.items():
            act = QAction(label, self, checkable=True, checked=code == current)
            act.triggered.connect(lambda _=False, c=code: self._set_language(c))
            group.addAction(act)
            lang_menu.addAction(act)

        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        act = QAction(self.tr("About Loyalty Desktop"), self)
        act.triggered.connect(self._about)
        help_menu.addAction(act)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.db_label = QLabel(self.tr("Database: {name}").format(name=self.ctx.db.display_name))
        self.db_label.setToolTip(self.ctx.db.location)
        self.count_label = QLabel(self.tr("Counting customers…"))
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setFixedWidth(120)
        self.busy.setVisible(False)
        bar.addWidget(self.db_label)
        bar.addWidget(QLabel("·"))
        bar.addWidget(self.count_label)
        bar.addPermanentWidget(self.busy)

    # ----- pages
    def page(self, key: str) -> QWidget | None:
        """The page for ``key``, created on first use (keeps start-up fast)."""
        if key in self.pages:
            return self.pages[key]
        module_name, cls_name = next((m, c) for k, m, c in PAGES if k == key)
        try:
            cls = getattr(importlib.import_module(module_name), cls_name)
        except ImportError:
            log.exception("page %s is not available", key)
            return None
        widget = cls(self.ctx)
        self.pages[key] = widget
        self.stack.addWidget(widget)
        return widget

    def navigate(self, key: str, args: dict | None = None) -> None:
        row = next(i for i, (k, _m, _c) in enumerate(PAGES) if k == key)
        self._pending_args = dict(args or {})
        if self.nav.currentRow() == row:
            self._on_nav_row(row)
        else:
            self.nav.setCurrentRow(row)

    def _on_nav_row(self, row: int) -> None:
        if row < 0:
            return
        key = PAGES[row][0]
        args, self._pending_args = getattr(self, "_pending_args", {}), {}
        if key == "customers" and self.customer_count == 0 and not args:
            self.stack.setCurrentWidget(self.welcome)
            return
        widget = self.page(key)
        if widget is None:
            return
        self.stack.setCurrentWidget(widget)
        if hasattr(widget, "activate"):
            widget.activate(args)

    # ----- data
    def refresh_count(self) -> None:
        self.ctx.tasks.run("status-count", _count_customers, self.ctx.db, on_result=self._on_count)

    def _on_count(self, n: int) -> None:
        first = self.customer_count is None
        self.customer_count = n
        self.count_label.setText(self.tr("%n customer(s)", "", n).replace(str(n), format_count(n)))
        on_customers = self.nav.currentRow() == 0
        if n == 0 and on_customers:
            self.stack.setCurrentWidget(self.welcome)
        elif n > 0 and (self.stack.currentWidget() is self.welcome or (first and on_customers)):
            self._on_nav_row(self.nav.currentRow())

    def _on_data_changed(self, area: str) -> None:
        if area in ("customers", "purchases", "import"):
            self.refresh_count()

    # ----- actions
    def open_import(self, kind: str) -> None:
        try:
            from loyalty_desktop.ui.pages.import_wizard import ImportWizard
        except ImportError as exc:
            self.ctx.show_error(self, self.tr("Import"), exc)
            return
        wizard = ImportWizard(self.ctx, self, kind=kind)
        wizard.exec()

    def load_demo_data(self) -> None:
        from loyalty_desktop.demo import generate_demo

        customers, purchases = DEMO_SIZE
        dialog = QProgressDialog(self.tr("Creating demo customers…"), self.tr("Cancel"), 0, 100, self)
        dialog.setWindowTitle(self.tr("Demo data"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)

        def work(state):
            return generate_demo(
                self.ctx.db, customers, purchases, seed=1,
                progress=lambda f, text="": state.progress(f, text), cancelled=lambda: state.cancelled,
            )

        def progress(fraction, _text):
            dialog.setValue(int(max(0.0, fraction) * 100))

        def finished():
            dialog.reset()
            self.ctx.notify_changed("customers")
            self.ctx.notify_changed("purchases")
            self.ctx.notify_changed("tags")

        task = self.ctx.tasks.run(
            "demo-data", work, write=True, on_progress=progress, on_finished=finished,
            on_error=lambda exc: (dialog.reset(), self.ctx.show_error(self, self.tr("Demo data"), exc)),
        )
        dialog.canceled.connect(task.cancel)

    def open_other_database(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Open or create a database"), "", self.tr("Loyalty database (*.db)"),
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if not path:
            return
        from loyalty_desktop.ui.app import open_main_window

        try:
            window = open_main_window(path)
        except Exception as exc:
            self.ctx.show_error(self, self.tr("Cannot open the database"), exc)
            return
        window.show()
        self.close()

    def _set_language(self, code: str) -> None:
        save_language(code)
        QMessageBox.information(
            self, self.tr("Language"), self.tr("The new language is used the next time you open the app.")
        )

    def _about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About Loyalty Desktop"),
            self.tr("Loyalty Desktop {v}\nCustomers, segments, tags and SMS campaigns for shops.\n\nDatabase: {db}").format(
                v=__version__, db=self.ctx.db.location
            ),
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        for widget in self.pages.values():
            can_close = getattr(widget, "can_close", None)
            if can_close and not can_close():
                event.ignore()
                return
        self.ctx.shutdown()
        super().closeEvent(event)
