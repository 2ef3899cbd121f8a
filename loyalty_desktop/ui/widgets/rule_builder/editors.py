"""Value editors of a condition row: money/number boxes, ranges, dates, day windows, choices.

Every editor has ``value()``/``set_value(v)`` (JSON values as in the rule), ``error()`` (a reason
when what is typed cannot be a value, else None) and the signal ``edited(bool final)`` — ``final``
is False while typing (the builder merges those into one undo step) and True when the edit is done.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Callable

from PySide6.QtCore import QDate, QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

ChoicesProvider = Callable[[str, Callable[[list[str]], None]], None]


def set_style_property(widget: QWidget, name: str, value: str) -> None:
    """Set a property the style sheet selects on; re-polish only when it changed on a widget already
    polished (re-polishing every widget of every new row made opening a rule slow)."""
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    if widget.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
        widget.style().unpolish(widget)
        widget.style().polish(widget)


def _set_invalid(widget: QWidget, reason: str | None) -> None:
    set_style_property(widget, "invalid", "true" if reason else "false")
    if widget.toolTip() != (reason or ""):
        widget.setToolTip(reason or "")


class ValueEditor(QWidget):
    edited = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)

    def value(self) -> Any:
        return None

    def set_value(self, value: Any) -> None:
        pass

    def error(self) -> str | None:
        return None

    def show_error(self, reason: str | None) -> None:
        """Outline the editor in red with ``reason`` as tooltip (engine validation or parse error)."""
        for child in self.findChildren(QWidget):
            if isinstance(child, (QLineEdit, QComboBox, QSpinBox, QDateEdit, QPushButton)):
                _set_invalid(child, reason)


class NoValueEditor(ValueEditor):
    pass


class NumberEditor(ValueEditor):
    """A number; with ``money`` it accepts "2tr", "2m", "500k", "2.000.000" and shows "2.000.000 ₫"."""

    def __init__(self, money: bool = False, parent: QWidget | None = None, placeholder: str = "") -> None:
        super().__init__(parent)
        self.money = money
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(placeholder or (self.tr("e.g. 2tr") if money else self.tr("number")))
        self.edit.setMinimumWidth(115 if money else 64)
        self.edit.setMaximumWidth(140 if money else 100)
        self.edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._layout.addWidget(self.edit)
        self.edit.textEdited.connect(lambda _t: self.edited.emit(False))
        self.edit.editingFinished.connect(self._finish)

    def _parse(self) -> tuple[Any, str | None]:
        text = self.edit.text().strip()
        if not text:
            return None, self.tr("Enter a value")
        if self.money:
            from loyalty_desktop.vn.money import parse_vnd

            bare = text.rstrip("₫đĐ ").strip() or text
            if bare.lower().endswith("vnd"):
                bare = bare[:-3].strip()
            try:
                return parse_vnd(bare), None
            except ValueError:
                return None, self.tr("Not an amount of money: {text} (try 2tr, 500k or 2.000.000)").format(text=text)
        cleaned = text.replace(" ", "").replace(".", "")
        try:
            return int(cleaned), None
        except ValueError:
            try:
                return float(cleaned.replace(",", ".")), None
            except ValueError:
                return None, self.tr("Not a number: {text}").format(text=text)

    def value(self) -> Any:
        return self._parse()[0]

    def error(self) -> str | None:
        return self._parse()[1]

    def set_value(self, value: Any) -> None:
        if value is None or isinstance(value, (list, dict)):
            self.edit.setText("")
        elif self.money and isinstance(value, (int, float)):
            from loyalty_desktop.vn.money import format_vnd

            self.edit.setText(format_vnd(int(value)))
        elif isinstance(value, (int, float)):
            self.edit.setText(f"{value:,}".replace(",", "."))
        else:
            self.edit.setText(str(value))

    def _finish(self) -> None:
        value, err = self._parse()
        if err is None:
            self.set_value(value)  # normalise "2tr" → "2.000.000 ₫"
        self.edited.emit(True)


class RangeEditor(ValueEditor):
    """``between``: [low, high], inclusive."""

    def __init__(self, make: Callable[[], ValueEditor], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.low, self.high = make(), make()
        self._layout.addWidget(self.low)
        self._layout.addWidget(QLabel(self.tr("and")))
        self._layout.addWidget(self.high)
        for part in (self.low, self.high):
            part.edited.connect(self.edited)

    def value(self) -> Any:
        return [self.low.value(), self.high.value()]

    def set_value(self, value: Any) -> None:
        lo, hi = (value if isinstance(value, list) and len(value) == 2 else (None, None))
        self.low.set_value(lo)
        self.high.set_value(hi)

    def error(self) -> str | None:
        err = self.low.error() or self.high.error()
        if err:
            return err
        lo, hi = self.value()
        try:
            if lo is not None and hi is not None and lo > hi:
                return self.tr("The first value must not be larger than the second")
        except TypeError:
            pass
        return None


class DateEditor(ValueEditor):
    """A calendar date shown dd/MM/yyyy; the value is ISO "yyyy-mm-dd"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QDateEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("dd/MM/yyyy")
        self.edit.setMinimumWidth(120)
        self.edit.setDate(QDate.currentDate())
        self._layout.addWidget(self.edit)
        self.edit.dateChanged.connect(lambda _d: self.edited.emit(True))

    def value(self) -> Any:
        return self.edit.date().toString("yyyy-MM-dd")

    def set_value(self, value: Any) -> None:
        self.edit.blockSignals(True)
        if isinstance(value, str):
            parsed = QDate.fromString(value[:10], "yyyy-MM-dd")
            self.edit.setDate(parsed if parsed.isValid() else QDate.currentDate())
        elif isinstance(value, date):
            self.edit.setDate(QDate(value.year, value.month, value.day))
        else:
            self.edit.setDate(QDate.currentDate())
        self.edit.blockSignals(False)


class DaysEditor(ValueEditor):
    """Relative windows: ``{"days": N}`` ("trong N ngày gần đây")."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spin = QSpinBox()
        self.spin.setRange(1, 3650)
        self.spin.setValue(30)
        self.spin.setSuffix(self.tr(" days"))
        self.spin.setMinimumWidth(100)
        self._layout.addWidget(self.spin)
        self.spin.valueChanged.connect(lambda _v: self.edited.emit(False))
        self.spin.editingFinished.connect(lambda: self.edited.emit(True))

    def value(self) -> Any:
        return {"days": self.spin.value()}

    def set_value(self, value: Any) -> None:
        self.spin.blockSignals(True)
        if isinstance(value, dict) and isinstance(value.get("days"), int):
            self.spin.setValue(value["days"])
        self.spin.blockSignals(False)


class TextEditor(ValueEditor):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setMinimumWidth(160)
        self.edit.setPlaceholderText(self.tr("text"))
        self._layout.addWidget(self.edit)
        self.edit.textEdited.connect(lambda _t: self.edited.emit(False))
        self.edit.editingFinished.connect(lambda: self.edited.emit(True))

    def value(self) -> Any:
        return self.edit.text().strip()

    def error(self) -> str | None:
        return None if self.value() else self.tr("Enter a value")

    def set_value(self, value: Any) -> None:
        self.edit.setText("" if value is None else str(value))


class ChoiceEditor(ValueEditor):
    """One value from a list (enum fields, tier, tag, bool)."""

    def __init__(self, choices: list[tuple[Any, str]] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo = QComboBox()
        self.combo.setMinimumWidth(150)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._layout.addWidget(self.combo)
        self._pending: Any = None
        self.set_choices(choices or [])
        self.combo.activated.connect(lambda _i: self.edited.emit(True))

    def set_choices(self, choices: list[tuple[Any, str]]) -> None:
        current = self.value() if self.combo.count() else self._pending
        self.combo.blockSignals(True)
        self.combo.clear()
        for value, label in choices:
            self.combo.addItem(label, value)
        self.combo.blockSignals(False)
        self.set_value(current)

    def value(self) -> Any:
        if self.combo.currentIndex() < 0:
            return self._pending
        return self.combo.currentData()

    def error(self) -> str | None:
        return None if self.value() is not None else self.tr("Choose a value")

    def set_value(self, value: Any) -> None:
        self._pending = value
        index = self.combo.findData(value)
        if index < 0 and value is not None and isinstance(value, str):
            self.combo.addItem(value, value)  # a value not (yet) in the list: keep it
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)


class _ChoicePopup(QFrame):
    """The drop-down of ``MultiChoiceEditor``: a search box over a checkable list."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("Card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 8, 8)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search…"))
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setMinimumSize(QSize(240, 260))
        lay.addWidget(self.search)
        lay.addWidget(self.list)
        self.search.textChanged.connect(self._filter)
        self.list.itemChanged.connect(lambda _i: self.changed.emit())
        self.search.installEventFilter(self)

    def _filter(self, text: str) -> None:
        from loyalty_desktop.vn.text import fold

        needle = fold(text)
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setHidden(bool(needle) and needle not in fold(item.text()))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.search and event.type() == QEvent.Type.KeyPress:
            key = QKeyEvent(event).key() if not isinstance(event, QKeyEvent) else event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                visible = [self.list.item(i) for i in range(self.list.count()) if not self.list.item(i).isHidden()]
                if len(visible) == 1:
                    item = visible[0]
                    item.setCheckState(Qt.CheckState.Unchecked if item.checkState() == Qt.CheckState.Checked
                                       else Qt.CheckState.Checked)
                return True
            if key == Qt.Key.Key_Down:
                self.list.setFocus()
                return True
        return super().eventFilter(obj, event)


class MultiChoiceEditor(ValueEditor):
    """Several values (provinces, categories, channels, tags) picked from a searchable list."""

    def __init__(self, labels: dict[Any, str] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.button = QPushButton()
        self.button.setMinimumWidth(170)
        self.button.setMaximumWidth(300)
        self.button.setStyleSheet("text-align: left;")
        self._layout.addWidget(self.button)
        self._labels = dict(labels or {})
        self._choices: list[Any] = list(self._labels)
        self._selected: list[Any] = []
        self._loader: Callable[[Callable[[list[str]], None]], None] | None = None
        self._loaded = bool(self._choices)
        self.popup: _ChoicePopup | None = None
        self.button.clicked.connect(self.open_popup)
        self._refresh_text()

    def set_loader(self, loader: Callable[[Callable[[list[str]], None]], None]) -> None:
        """``loader(callback)`` fetches the choices in a worker and calls back on the UI thread."""
        self._loader = loader

    def set_choices(self, choices: list[Any]) -> None:
        self._choices = list(choices)
        self._loaded = True
        if self.popup is not None:
            self._fill_popup()

    def label(self, value: Any) -> str:
        return self._labels.get(value, str(value))

    def value(self) -> Any:
        return list(self._selected)

    def set_value(self, value: Any) -> None:
        if isinstance(value, list):
            self._selected = list(value)
        elif value in (None, ""):
            self._selected = []
        else:
            self._selected = [value]
        self._refresh_text()

    def error(self) -> str | None:
        return None if self._selected else self.tr("Choose at least one value")

    def _refresh_text(self) -> None:
        if not self._selected:
            self.button.setText(self.tr("Choose…"))
        else:
            shown = ", ".join(self.label(v) for v in self._selected[:2])
            more = len(self._selected) - 2
            self.button.setText(shown + (self.tr(" (+{n})").format(n=more) if more > 0 else "") + "  ▾")
        self.button.setToolTip("\n".join(self.label(v) for v in self._selected))

    def open_popup(self) -> None:
        if self.popup is None:
            self.popup = _ChoicePopup(self)
            self.popup.changed.connect(self._popup_changed)
        if not self._loaded and self._loader is not None:
            self.popup.list.clear()
            self.popup.list.addItem(self.tr("Loading…"))
            self._loader(self.set_choices)
        else:
            self._fill_popup()
        self.popup.move(self.button.mapToGlobal(self.button.rect().bottomLeft()))
        self.popup.search.clear()
        self.popup.show()
        self.popup.search.setFocus()

    def _fill_popup(self) -> None:
        popup = self.popup
        assert popup is not None
        popup.list.blockSignals(True)
        popup.list.clear()
        values = list(self._choices) + [v for v in self._selected if v not in self._choices]
        for value in values:
            item = QListWidgetItem(self.label(value))
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if value in self._selected else Qt.CheckState.Unchecked)
            popup.list.addItem(item)
        popup.list.blockSignals(False)

    def _popup_changed(self) -> None:
        assert self.popup is not None
        chosen = []
        for i in range(self.popup.list.count()):
            item = self.popup.list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                chosen.append(item.data(Qt.ItemDataRole.UserRole))
        self._selected = chosen
        self._refresh_text()
        self.edited.emit(True)
