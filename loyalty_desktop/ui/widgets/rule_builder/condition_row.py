"""One condition of the rule: field name, "not" toggle, operator, value editor, time window, delete."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QDrag, QMouseEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from loyalty_desktop.segments.editing import DAY_OPS, LIST_OPS, NO_VALUE_OPS, NUMERIC_EDITORS, Condition
from loyalty_desktop.ui.widgets.rule_builder import editors as ed
from loyalty_desktop.ui.widgets.rule_builder.labels import field_label, op_label, value_labels
from loyalty_desktop.ui.widgets.rule_builder.drop_target import DropTargetMixin
from loyalty_desktop.ui.widgets.rule_builder.mime import node_mime

if TYPE_CHECKING:
    from loyalty_desktop.ui.widgets.rule_builder.canvas import RuleCanvas

WINDOW_CHOICES = (30, 90, 180, 365)


def editor_kind(spec: Any, op: str) -> str:
    """Which value editor a (field, operator) needs."""
    editor = getattr(spec, "editor", "text")
    if op in DAY_OPS:
        return "days"
    if op in NO_VALUE_OPS or editor == "none":
        return "none"
    if editor == "date":
        return "date_range" if op == "between" else "date"
    if op == "between":
        return "money_range" if editor == "money" else "number_range"
    if editor in NUMERIC_EDITORS:
        return "money" if editor == "money" else "number"
    if editor == "bool":
        return "bool"
    if op in LIST_OPS or (editor == "multi" and op not in ("has", "eq", "ne")):
        return "multi"
    if getattr(spec, "choices", None) and op in ("eq", "ne", "has"):
        return "choice"
    if getattr(spec, "choices", None) and isinstance(spec.choices, (list, tuple)):
        return "choice"
    return "text"


class ConditionRow(DropTargetMixin, QFrame):
    def __init__(self, canvas: "RuleCanvas", cond: Condition, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = canvas
        self.node_id = cond.id
        self.field_id = cond.field
        self.setObjectName("ConditionRow")
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._drag_start: QPoint | None = None
        self._syncing = False
        self._kind = ""
        self.spec = canvas.spec(cond.field)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 2, 6, 2)
        outer.setSpacing(2)
        row = QHBoxLayout()
        row.setSpacing(6)
        outer.addLayout(row)
        self.handle = QLabel("⠿")
        self.handle.setObjectName("DragHandle")
        self.handle.setToolTip(self.tr("Drag to move this condition"))
        self.handle.setCursor(Qt.CursorShape.OpenHandCursor)
        row.addWidget(self.handle)
        self.field_label = QLabel(field_label(self.spec) if self.spec else cond.field)
        self.field_label.setObjectName("FieldName")
        self.field_label.setMinimumWidth(110)
        row.addWidget(self.field_label)
        self.not_button = QToolButton()
        self.not_button.setObjectName("NotToggle")
        self.not_button.setText(self.tr("not"))
        self.not_button.setCheckable(True)
        self.not_button.setToolTip(self.tr("Customers who do NOT match this condition"))
        self.not_button.toggled.connect(lambda on: self.canvas.tree.set_negated(self.node_id, on))
        row.addWidget(self.not_button)
        self.op_combo = QComboBox()
        self.op_combo.setObjectName("OpCombo")
        for op in (self.spec.ops if self.spec else [cond.op]):
            self.op_combo.addItem(op_label(op), op)
        self.op_combo.activated.connect(self._op_chosen)
        row.addWidget(self.op_combo)
        self.editor_slot = QHBoxLayout()
        self.editor_slot.setSpacing(6)
        row.addLayout(self.editor_slot)
        self.editor: ed.ValueEditor = ed.NoValueEditor()
        self.window_combo = QComboBox()
        self.window_combo.setObjectName("WindowCombo")
        self.window_combo.setToolTip(self.tr("Only count purchases in this period"))
        self.window_combo.activated.connect(self._window_chosen)
        row.addWidget(self.window_combo)
        row.addStretch(1)
        self.delete_button = QToolButton()
        self.delete_button.setObjectName("DeleteButton")
        self.delete_button.setText("✕")
        self.delete_button.setToolTip(self.tr("Delete this condition"))
        self.delete_button.clicked.connect(lambda: self.canvas.delete_node(self.node_id))
        row.addWidget(self.delete_button)
        self.error_label = QLabel()
        self.error_label.setObjectName("ErrorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(False)
        self.error_label.setContentsMargins(24, 0, 0, 0)
        outer.addWidget(self.error_label)
        self.sync()

    # ----- model → widgets
    def condition(self) -> Condition:
        node = self.canvas.tree.node(self.node_id)
        assert isinstance(node, Condition)
        return node

    def sync(self) -> None:
        cond = self.condition()
        self._syncing = True
        try:
            self.not_button.setChecked(cond.negated)
            index = self.op_combo.findData(cond.op)
            if index < 0:
                self.op_combo.addItem(op_label(cond.op), cond.op)
                index = self.op_combo.count() - 1
            self.op_combo.setCurrentIndex(index)
            kind = editor_kind(self.spec, cond.op) if self.spec else "text"
            if kind != self._kind:
                self._make_editor(kind)
                self.editor.set_value(cond.value)
            elif not self.editor.isAncestorOf(QApplication.focusWidget()) and self.editor.value() != cond.value:
                self.editor.set_value(cond.value)
            self._sync_window(cond)
        finally:
            self._syncing = False
        self.canvas.validate_row(self)

    def _sync_window(self, cond: Condition) -> None:
        windowed = bool(self.spec and getattr(self.spec, "windowed", False)) and cond.op not in DAY_OPS
        self.window_combo.setVisible(windowed)
        if not windowed:
            return
        self.window_combo.clear()
        self.window_combo.addItem(self.tr("any time"), None)
        days = list(WINDOW_CHOICES)
        if cond.window_days and cond.window_days not in days:
            days = sorted(days + [cond.window_days])
        for n in days:
            self.window_combo.addItem(self.tr("last {n} days").format(n=n), n)
        self.window_combo.setCurrentIndex(max(0, self.window_combo.findData(cond.window_days)))

    def _make_editor(self, kind: str) -> None:
        old = self.editor
        self.editor_slot.removeWidget(old)
        old.deleteLater()
        spec = self.spec
        field_id = spec.id if spec else ""
        choices = getattr(spec, "choices", None)
        if kind == "none":
            editor: ed.ValueEditor = ed.NoValueEditor()
        elif kind == "days":
            editor = ed.DaysEditor()
        elif kind == "date":
            editor = ed.DateEditor()
        elif kind == "date_range":
            editor = ed.RangeEditor(ed.DateEditor)
        elif kind in ("money", "number"):
            editor = ed.NumberEditor(money=kind == "money")
        elif kind in ("money_range", "number_range"):
            editor = ed.RangeEditor(lambda: ed.NumberEditor(money=kind == "money_range"))
        elif kind in ("bool", "choice", "multi"):
            labels = value_labels(spec)
            if kind == "multi":
                editor = ed.MultiChoiceEditor(labels)
                if isinstance(choices, str):
                    editor.set_loader(lambda cb, f=field_id: self.canvas.load_choices(f, cb))
            else:
                editor = ed.ChoiceEditor(list(labels.items()))
                if isinstance(choices, str):
                    self.canvas.load_choices(field_id, lambda values, e=editor: e.set_choices(
                        [(v, str(v)) for v in values]))
        else:
            editor = ed.TextEditor()
        self.editor = editor
        self._kind = kind
        self.editor_slot.addWidget(editor)
        editor.edited.connect(self._value_edited)

    # ----- widgets → model
    def _op_chosen(self, _index: int) -> None:
        from loyalty_desktop.segments.editing import default_value

        if self.canvas.rows.get(self.node_id) is not self:
            return
        op = self.op_combo.currentData()
        cond = self.condition()
        if op == cond.op:
            return
        changes: dict = {"op": op, "value": default_value(self.spec, op, cond.value)}
        if op in DAY_OPS:
            changes["window_days"] = None
        self.canvas.tree.update_condition(self.node_id, **changes)

    def _window_chosen(self, _index: int) -> None:
        self.canvas.tree.update_condition(self.node_id, window_days=self.window_combo.currentData())

    def _value_edited(self, final: bool) -> None:
        if self._syncing or self.canvas.rows.get(self.node_id) is not self:
            return  # a row being replaced (e.g. focus left it during a rebuild) no longer edits
        error = self.editor.error()
        if error is None:
            self.canvas.tree.update_condition(self.node_id, value=self.editor.value(), merge=True)
            if final:
                self.canvas.tree.break_merge()
        self.canvas.validate_row(self, typing_error=error)

    def set_error(self, reason: str | None) -> None:
        self.editor.show_error(reason)
        self.error_label.setText(reason or "")
        self.error_label.setVisible(bool(reason))
        ed.set_style_property(self, "invalid", "true" if reason else "false")

    def contextMenuEvent(self, event) -> None:  # noqa: N802
        self.canvas.node_menu(self.node_id, self).exec(event.globalPos())

    def focusInEvent(self, event) -> None:  # noqa: N802
        self.canvas.select(self.node_id)
        super().focusInEvent(event)

    # ----- selection and drag
    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.canvas.select(self.node_id)
        if event.button() == Qt.MouseButton.LeftButton:
            self._drag_start = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if (self._drag_start is not None and event.buttons() & Qt.MouseButton.LeftButton
                and (event.position().toPoint() - self._drag_start).manhattanLength()
                >= QApplication.startDragDistance()):
            self._drag_start = None
            drag = QDrag(self)
            drag.setMimeData(node_mime(self.node_id, self.canvas.token))
            drag.setPixmap(self.grab().scaledToWidth(min(self.width(), 420),
                                                     Qt.TransformationMode.SmoothTransformation))
            drag.exec(Qt.DropAction.MoveAction)
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._drag_start = None
        super().mouseReleaseEvent(event)

    # ----- drop: above / below this condition, or onto it (new sub-group)
    def drop_target(self, pos: QPoint, payload: dict) -> tuple | None:
        parent, index = self.canvas.tree.position(self.node_id)
        if payload.get("kind") == "node":
            moving = payload["node"]
            if moving == self.node_id or not self.canvas.tree.can_move(moving, parent.id):
                return None
        h = max(1, self.height())
        if pos.y() < h * 0.3:
            return ("insert", parent.id, index)
        if pos.y() > h * 0.7:
            return ("insert", parent.id, index + 1)
        return ("onto", self.node_id)

