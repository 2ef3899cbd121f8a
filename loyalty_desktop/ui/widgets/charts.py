"""Chart widgets shared by the dashboard and the segment analytics: a chart card and a period selector.

``ChartCard(title)``: a card with the title, a "save as PNG" button, and either a busy/empty message or a
matplotlib canvas. matplotlib and its Qt canvas are imported only when the first figure is shown, so
opening the app (or a page without charts) never pays for them.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Callable

from PySide6.QtCore import QDate, QLocale, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger(__name__)


def figure_language() -> str:
    """Chart labels follow the interface language."""
    return "vi" if QLocale().language() == QLocale.Language.Vietnamese else "en"


def _canvas_class():
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg  # lazy: matplotlib's Qt canvas

    return FigureCanvasQTAgg


class ChartCard(QFrame):
    """Title + canvas + save button + busy/empty/error states. Reusable by any page."""

    saved = Signal(str)

    def __init__(self, title: str, parent: QWidget | None = None, min_height: int = 280) -> None:
        super().__init__(parent)
        self.setObjectName("Card")
        self.setMinimumHeight(min_height)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.figure = None
        self.canvas = None
        self._export: Callable[[], object] | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 8, 8, 8)
        lay.setSpacing(4)
        head = QHBoxLayout()
        self.title_label = QLabel(title)
        self.title_label.setStyleSheet("font-weight: 600; font-size: 11pt;")
        head.addWidget(self.title_label, 1)
        self.save_button = QToolButton()
        self.save_button.setText(self.tr("Save PNG"))
        self.save_button.setToolTip(self.tr("Save this chart as a PNG picture"))
        self.save_button.setAutoRaise(True)
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.ask_save)
        head.addWidget(self.save_button)
        lay.addLayout(head)
        self.stack = QStackedWidget()
        self.message = QLabel()
        self.message.setObjectName("Muted")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.stack.addWidget(self.message)
        lay.addWidget(self.stack, 1)
        self.set_loading()

    # ----- states
    def set_title(self, title: str) -> None:
        self.title_label.setText(title)

    def set_loading(self) -> None:
        self._show_message(self.tr("Calculating…"))

    def set_empty(self, text: str | None = None) -> None:
        self._show_message(text or self.tr(
            "No data for this chart yet.\nImport your customers and sales to see it."))

    def set_error(self, text: str) -> None:
        self._show_message(self.tr("Could not calculate this chart: {error}").format(error=text))

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.stack.setCurrentWidget(self.message)
        self.save_button.setEnabled(False)
        self._export = None

    def is_showing_chart(self) -> bool:
        return self.canvas is not None and self.stack.currentWidget() is self.canvas

    def set_figure(self, figure, export: Callable[[], object] | None = None) -> None:
        """Show ``figure``; ``export()`` builds the (titled) figure that "Save PNG" writes."""
        if getattr(figure, "empty_state", False):
            self.set_empty(getattr(figure, "empty_message", None))
            return
        canvas_cls = _canvas_class()
        old = self.canvas
        self.figure = figure
        self.canvas = canvas_cls(figure)
        self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.canvas.setMinimumHeight(120)
        self.stack.addWidget(self.canvas)
        self.stack.setCurrentWidget(self.canvas)
        if old is not None:
            self.stack.removeWidget(old)
            old.deleteLater()
        self._export = export
        self.save_button.setEnabled(True)

    # ----- saving
    def ask_save(self) -> None:
        name = self.title_label.text().replace("/", "-").replace(":", "") or "chart"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save chart"), f"{name}.png", self.tr("PNG image (*.png)"))
        if path:
            if not path.lower().endswith(".png"):
                path += ".png"
            self.save_png(path)

    def save_png(self, path: str, dpi: int = 150) -> str:
        fig = self._export() if self._export else self.figure
        if fig is None:
            raise ValueError("no chart to save")
        fig.savefig(path, dpi=dpi, facecolor="white")
        self.saved.emit(path)
        return path


PERIOD_KEYS = ["this_month", "3m", "6m", "12m", "custom"]


class PeriodSelector(QWidget):
    """This month / last 3, 6, 12 months / custom range. ``changed(start, end)`` (inclusive dates)."""

    changed = Signal(object, object)

    def __init__(self, parent: QWidget | None = None, default: str = "12m") -> None:
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(6)
        lay.addWidget(QLabel(self.tr("Period:")))
        self.combo = QComboBox()
        labels = {
            "this_month": self.tr("This month"),
            "3m": self.tr("Last 3 months"),
            "6m": self.tr("Last 6 months"),
            "12m": self.tr("Last 12 months"),
            "custom": self.tr("Custom…"),
        }
        for key in PERIOD_KEYS:
            self.combo.addItem(labels[key], key)
        self.combo.setCurrentIndex(PERIOD_KEYS.index(default))
        lay.addWidget(self.combo)
        self.date_from = QDateEdit(calendarPopup=True)
        self.date_to = QDateEdit(calendarPopup=True)
        for edit in (self.date_from, self.date_to):
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setVisible(False)
        today = date.today()
        self.date_from.setDate(QDate(today - timedelta(days=30)))
        self.date_to.setDate(QDate(today))
        self.dash = QLabel("–")
        self.dash.setVisible(False)
        lay.addWidget(self.date_from)
        lay.addWidget(self.dash)
        lay.addWidget(self.date_to)
        self.combo.currentIndexChanged.connect(self._on_combo)
        self.date_from.dateChanged.connect(self._on_dates)
        self.date_to.dateChanged.connect(self._on_dates)

    def key(self) -> str:
        return self.combo.currentData()

    def set_key(self, key: str) -> None:
        self.combo.setCurrentIndex(PERIOD_KEYS.index(key))

    def period(self, today: date | None = None) -> tuple[date | None, date | None]:
        from loyalty_desktop.analytics.aggregates import preset_period

        key = self.key()
        if key == "custom":
            a, b = self.date_from.date().toPython(), self.date_to.date().toPython()
            return (a, b) if a <= b else (b, a)
        return preset_period(key, today)

    def _on_combo(self) -> None:
        custom = self.key() == "custom"
        for w in (self.date_from, self.dash, self.date_to):
            w.setVisible(custom)
        self.changed.emit(*self.period())

    def _on_dates(self) -> None:
        if self.key() == "custom":
            self.changed.emit(*self.period())


class StatCard(QFrame):
    """A headline number: big value, caption, and an optional small note (e.g. "+12 % vs last month")."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Card")
        self.setMinimumWidth(140)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(14, 10, 14, 10)
        lay.setSpacing(2)
        self.value = QLabel("…")
        self.value.setObjectName("BigNumber")
        self.value.setStyleSheet("font-size: 17pt;")  # "1.000.000" fits a sixth of a 1366-pixel window
        self.caption = QLabel(caption)
        self.caption.setObjectName("Muted")
        self.caption.setWordWrap(True)
        self.note = QLabel("")
        self.note.setObjectName("Muted")
        self.note.setStyleSheet("font-size: 9pt;")
        self.note.setWordWrap(True)
        lay.addWidget(self.value)
        lay.addWidget(self.caption)
        lay.addWidget(self.note)

    def set(self, value: str, note: str = "", tone: str | None = None) -> None:
        self.value.setText(value)
        self.note.setText(note)
        colors = {"up": "#15803D", "down": "#C2410C"}
        self.note.setStyleSheet(f"font-size: 9pt; color: {colors[tone]};" if tone in colors else "font-size: 9pt;")
