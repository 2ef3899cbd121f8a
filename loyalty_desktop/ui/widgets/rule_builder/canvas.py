"""The rule canvas: renders a ``RuleTree`` as nested group boxes and turns drops/clicks into edits.

The tree (``loyalty_desktop.segments.editing``) is the only state; after a structural change the
canvas rebuilds its widgets from it (keeping selection and scroll position), after a value change it
only refreshes the one row or group.
"""

from __future__ import annotations

import re
import time
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, QMimeData, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QMenu, QScrollArea, QVBoxLayout, QWidget

from loyalty_desktop.errors import InvalidInput
from loyalty_desktop.segments.editing import Change, Condition, RuleTree, default_op, default_value
from loyalty_desktop.ui.widgets.rule_builder.condition_row import ConditionRow
from loyalty_desktop.ui.widgets.rule_builder.editors import set_style_property
from loyalty_desktop.ui.widgets.rule_builder.group_box import GroupBox
from loyalty_desktop.ui.widgets.rule_builder.labels import field_label, is_vietnamese
from loyalty_desktop.ui.widgets.rule_builder.mime import decode

ChoicesLoader = Callable[[str, Callable[[list], None]], None]

# Building a condition row costs ~5–15 ms (a dozen styled widgets). A rebuild creates rows for this
# long, then light placeholders that become rows in the next event-loop turns (same budget each):
# loading a 10-condition rule never freezes the window for 100+ ms.
BUILD_BUDGET_S = 0.020


class _Rows(dict):
    """``{condition id: ConditionRow}``; a condition still shown by a placeholder gets its row built on
    first access (``rows[id]``, ``rows.get(id)``), so callers never see a placeholder. ``in`` counts
    placeholders too; ``items()``/``values()``/``len()`` only the rows already built."""

    def __init__(self, canvas: "RuleCanvas") -> None:
        super().__init__()
        self._canvas = canvas

    def __getitem__(self, node_id):
        if not dict.__contains__(self, node_id) and node_id in self._canvas.pending:
            self._canvas.materialize(node_id)
        return dict.__getitem__(self, node_id)

    def get(self, node_id, default=None):
        if not dict.__contains__(self, node_id) and node_id in self._canvas.pending:
            self._canvas.materialize(node_id)
        return dict.get(self, node_id, default)

    def __contains__(self, node_id) -> bool:
        return dict.__contains__(self, node_id) or node_id in self._canvas.pending


class _PendingRow(QLabel):
    """Stands in for a condition row for one or two event-loop turns (about the row's height)."""

    def __init__(self, text: str, parent: QWidget) -> None:
        super().__init__("⠿  " + text, parent)
        self.setObjectName("PendingRow")
        self.setFixedHeight(33)
        self.setContentsMargins(10, 0, 0, 0)


class RuleCanvas(QScrollArea):
    selection_changed = Signal(int)
    validity_changed = Signal()
    rebuilt = Signal()

    def __init__(self, tree: RuleTree | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("RuleCanvas")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # deep nesting in a narrow window scrolls sideways rather than clipping the buttons
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.token = id(self)
        self.tree = tree or RuleTree()
        self.pending: dict[int, _PendingRow] = {}  # conditions whose row is built in a later turn
        self.rows: dict[int, ConditionRow] = _Rows(self)
        self.groups: dict[int, GroupBox] = {}
        self._deadline = 0.0
        self._old_pending: dict[int, _PendingRow] = {}
        self.invalid: dict[int, str] = {}
        self.selected_id: int | None = None
        self.choices_loader: ChoicesLoader | None = None
        self._counts: dict[int, tuple[str, str]] = {}
        self._indicator: tuple | None = None
        self._holder: QWidget | None = None
        self._root_box: GroupBox | None = None
        self.tree.subscribe(self._on_change)
        QApplication.instance().focusChanged.connect(self._focus_changed)
        self.rebuild()

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        """Typing in a condition's editor selects that condition (so Enter in the list adds next to it)."""
        import shiboken6

        if new is None or not shiboken6.isValid(self) or not self.isAncestorOf(new):
            return
        widget = new
        while widget is not None and widget is not self:
            node_id = getattr(widget, "node_id", None)
            if node_id is not None and (self.rows.get(node_id) is widget or self.groups.get(node_id) is widget):
                self.select(node_id)
                return
            widget = widget.parentWidget()

    def set_tree(self, tree: RuleTree) -> None:
        self.tree.unsubscribe(self._on_change)
        self.tree = tree
        tree.subscribe(self._on_change)
        self.selected_id = None
        self.rebuild(full=True)  # ids of another tree mean nothing here

    # ----- catalogue / choices
    def spec(self, field_id: str):
        from loyalty_desktop.segments.catalog import FIELDS

        return FIELDS.get(field_id)

    def load_choices(self, field_id: str, callback: Callable[[list], None]) -> None:
        if self.choices_loader is not None:
            self.choices_loader(field_id, callback)

    # ----- rendering
    def rebuild(self, full: bool = False) -> None:
        """Make the widgets match the tree. Widgets of nodes that still exist are kept (moved to
        their new place, refreshed); only new nodes get new widgets. ``full``: build everything anew
        (also when the top group changed, e.g. after ``load``)."""
        scroll = self.verticalScrollBar().value()
        focus = QApplication.focusWidget()
        had_focus = focus is not None and (focus is self or self.isAncestorOf(focus))
        self._indicator = None
        root_node = self.tree.root
        self._deadline = time.perf_counter() + BUILD_BUDGET_S
        old_rows, old_groups, old_pending = dict(self.rows), self.groups, self.pending
        self.rows, self.groups, self.pending = _Rows(self), {}, {}
        reuse = not full and self._holder is not None and self._root_box is not None
        if reuse:
            root = self._root_box
            if root.node_id != root_node.id:  # a new rule was loaded: keep the top box, new children
                old_groups.pop(root.node_id, None)
                root.node_id = root_node.id
            root.sync()
        else:
            holder = QWidget()
            holder.setObjectName("CanvasHolder")
            lay = QVBoxLayout(holder)
            lay.setContentsMargins(2, 2, 8, 8)
            root = GroupBox(self, root_node, 0)
            lay.addWidget(root)
            lay.addStretch(1)
            old_rows, old_groups, old_pending = {}, {}, {}
            self._root_box = root
        self.groups[root_node.id] = root
        reused_rows: list[ConditionRow] = []
        new_rows: list[ConditionRow] = []
        self._old_pending = old_pending
        self._fill(root_node, root, 0, old_rows, old_groups, reused_rows, new_rows)
        self._old_pending = {}
        for node_id, widget in list(old_rows.items()) + list(old_groups.items()) + list(old_pending.items()):
            if (dict.get(self.rows, node_id) is not widget and self.groups.get(node_id) is not widget
                    and self.pending.get(node_id) is not widget):
                widget.hide()
                widget.deleteLater()
        if not reuse:
            old = self.takeWidget()
            if old is not None:
                old.hide()
                old.deleteLater()
            self._holder = holder
            self.setWidget(holder)
        self.invalid = {k: v for k, v in self.invalid.items() if k in self.rows}
        for row in reused_rows:
            row.sync()
        for row in new_rows:
            self.validate_row(row)
        for node_id in self.pending:  # validated without their widgets (a loaded value has no typing error)
            error = self.engine_error(self.tree.node(node_id))
            if error:
                self.invalid[node_id] = error
            else:
                self.invalid.pop(node_id, None)
        if self.pending:
            QTimer.singleShot(1, self._materialize_some)  # a real timer: input and painting go first
        if self.selected_id not in self.tree:
            self.selected_id = None
        self._apply_selection()
        for node_id, (text, tip) in self._counts.items():
            if node_id in self.groups:
                self.groups[node_id].set_count(text, tip)
        QTimer.singleShot(0, lambda: self.verticalScrollBar().setValue(scroll))
        if had_focus:  # keep the keyboard user on the node they were moving
            if self.selected_id is not None:
                self.focus_selected()
            else:
                self.setFocus()
        self.validity_changed.emit()
        self.rebuilt.emit()

    def _fill(self, group, box: GroupBox, depth: int, old_rows: dict, old_groups: dict,
              reused_rows: list, new_rows: list) -> None:
        widgets: list[QWidget] = []
        for child in group.children:
            if child.is_group:
                sub = old_groups.get(child.id)
                if sub is None:
                    sub = GroupBox(self, child, depth + 1, box)  # created in place: no re-polish on insert
                    if box.isVisible():
                        sub.show()
                else:
                    sub.set_depth(depth + 1)
                    sub.sync()
                self.groups[child.id] = sub
                self._fill(child, sub, depth + 1, old_rows, old_groups, reused_rows, new_rows)
                widgets.append(sub)
            else:
                row = old_rows.get(child.id)
                if row is None or row.field_id != child.field:
                    if time.perf_counter() > self._deadline:  # over budget: a placeholder for now
                        holder = self._old_pending.get(child.id)
                        if holder is None or holder.parentWidget() is not box:
                            spec = self.spec(child.field)
                            holder = _PendingRow(field_label(spec) if spec else child.field, box)
                        self.pending[child.id] = holder
                        widgets.append(holder)
                        continue
                    row = ConditionRow(self, child, box)
                    if box.isVisible():
                        row.show()  # polished now, inside the time budget
                    new_rows.append(row)
                else:
                    reused_rows.append(row)
                dict.__setitem__(self.rows, child.id, row)
                widgets.append(row)
        box.set_children(widgets)

    def _materialize_some(self) -> None:
        """Next event-loop turn: turn placeholders into rows, for ``BUILD_BUDGET_S`` at a time."""
        import shiboken6

        if not shiboken6.isValid(self) or not self.pending:
            return
        deadline = time.perf_counter() + BUILD_BUDGET_S
        while self.pending:
            self.materialize(next(iter(self.pending)))
            if time.perf_counter() > deadline:
                break
        if self.pending:
            QTimer.singleShot(1, self._materialize_some)  # a real timer: input and painting go first
        else:
            self.rebuilt.emit()

    def materialize(self, node_id: int) -> None:
        """Build the real row of a condition shown by a placeholder, in the placeholder's place."""
        holder = self.pending.pop(node_id, None)
        if holder is None:
            return
        box = holder.parentWidget()
        node = self.tree.node(node_id) if node_id in self.tree else None
        if node is None or node.is_group or not isinstance(box, GroupBox) or holder not in box.child_widgets:
            holder.hide()
            holder.deleteLater()
            return
        row = ConditionRow(self, node, box)
        dict.__setitem__(self.rows, node_id, row)
        box.child_widgets[box.child_widgets.index(holder)] = row
        box.body.replaceWidget(holder, row)
        holder.hide()
        holder.deleteLater()
        if box.isVisible():
            row.show()
        self.validate_row(row)
        set_style_property(row, "selected", "true" if node_id == self.selected_id else "false")

    def _on_change(self, change: Change) -> None:
        if change.kind == "structure":
            if change.node_id is not None and change.node_id in self.tree:
                self.selected_id = change.node_id
            self.rebuild()
            if change.node_id in self.rows:
                QTimer.singleShot(0, lambda nid=change.node_id: self.ensure_visible(nid))
            return
        widget = self.rows.get(change.node_id) or self.groups.get(change.node_id)
        if widget is not None:
            widget.sync()

    def ensure_visible(self, node_id: int) -> None:
        widget = self.rows.get(node_id) or self.groups.get(node_id)
        if widget is not None:
            self.ensureWidgetVisible(widget, 20, 20)

    def set_counts(self, counts: dict[int, tuple[str, str]]) -> None:
        """``{group id: (text, tooltip)}`` shown in each group's header."""
        self._counts = dict(counts)
        for node_id, widget in self.groups.items():
            text, tip = self._counts.get(node_id, ("", ""))
            widget.set_count(text, tip)
            widget.set_count_stale(False)

    def set_group_count(self, node_id: int, text: str, tooltip: str = "") -> None:
        self._counts[node_id] = (text, tooltip)
        widget = self.groups.get(node_id)
        if widget is not None:
            widget.set_count(text, tooltip)
            widget.set_count_stale(False)

    def set_counts_stale(self, stale: bool = True) -> None:
        """Grey the group counts while they are being recounted."""
        for widget in self.groups.values():
            widget.set_count_stale(stale)

    # ----- validation
    def validate_row(self, row: ConditionRow, typing_error: str | None = None) -> None:
        if self.rows.get(row.node_id) is not row:
            return
        error = typing_error or row.editor.error() or self.engine_error(row.condition())
        before = self.invalid.get(row.node_id)
        if error:
            self.invalid[row.node_id] = error
        else:
            self.invalid.pop(row.node_id, None)
        row.set_error(error)
        if before != error:
            self.validity_changed.emit()

    def engine_error(self, cond: Condition) -> str | None:
        from loyalty_desktop.segments.rules import parse_rule

        if self.spec(cond.field) is None:
            return self.tr("Unknown field: {field}").format(field=cond.field)
        node: dict[str, Any] = {"field": cond.field, "op": cond.op}
        if cond.value is not None:
            node["value"] = cond.value
        if cond.window_days is not None:
            node["window"] = {"days": cond.window_days}
        try:
            parse_rule(node)
        except InvalidInput as exc:
            return friendly_error(cond, str(exc), exc.text("vi" if is_vietnamese() else "en"))
        return None

    # ----- selection
    def select(self, node_id: int | None) -> None:
        if node_id == self.selected_id:
            return
        self.selected_id = node_id
        self._apply_selection()
        self.selection_changed.emit(node_id or 0)

    def _apply_selection(self) -> None:
        for node_id, widget in list(self.rows.items()) + list(self.groups.items()):
            selected = "true" if node_id == self.selected_id else "false"
            set_style_property(widget, "selected", selected)

    def selected_group_id(self) -> int:
        """The group new conditions go into: the selected group, or the selected condition's group."""
        sid = self.selected_id
        if sid is None or sid not in self.tree:
            return self.tree.root.id
        node = self.tree.node(sid)
        if node.is_group:
            return sid
        parent = self.tree.parent(sid)
        return parent.id if parent is not None else self.tree.root.id

    # ----- edits (buttons, keyboard, palette)
    def add_field(self, field_id: str, group_id: int | None = None, index: int | None = None) -> int | None:
        spec = self.spec(field_id)
        if spec is None:
            return None
        op = default_op(spec)
        gid = self.selected_group_id() if group_id is None else group_id
        new_id = self.tree.add_condition(gid, field_id, op, default_value(spec, op), index=index)
        self.focus_editor(new_id)
        return new_id

    def add_group(self, group_id: int | None = None, kind: str = "any") -> int:
        gid = self.selected_group_id() if group_id is None else group_id
        return self.tree.add_group(gid, kind)

    def delete_node(self, node_id: int | None = None) -> bool:
        node_id = self.selected_id if node_id is None else node_id
        if node_id is None or node_id == self.tree.root.id or node_id not in self.tree:
            return False
        parent = self.tree.parent(node_id)
        self.tree.remove(node_id)
        self.select(parent.id if parent is not None else None)
        return True

    def focus_editor(self, node_id: int) -> None:
        def focus() -> None:
            row = self.rows.get(node_id)
            if row is None:
                return
            from PySide6.QtWidgets import QComboBox, QDateEdit, QLineEdit, QPushButton, QSpinBox

            for child in row.editor.findChildren(QWidget):
                if isinstance(child, (QLineEdit, QSpinBox, QDateEdit, QComboBox, QPushButton)):
                    child.setFocus()
                    return
            row.op_combo.setFocus()

        QTimer.singleShot(0, focus)

    # ----- keyboard: the alternatives to dragging
    def move_selected(self, how: str) -> bool:
        """"up"/"down" (one place, leaving the group at its ends), "out" (after its group),
        "in" (into the group above), "group" (into a new sub-group). False when not possible."""
        sid = self.selected_id
        if sid is None or sid == self.tree.root.id or sid not in self.tree:
            return False
        if how == "up":
            return self.tree.shift(sid, -1)
        if how == "down":
            return self.tree.shift(sid, +1)
        if how == "out":
            return self.tree.outdent(sid)
        if how == "in":
            return self.tree.indent(sid)
        if how == "group":
            self.select(self.tree.wrap_in_group(sid))
            return True
        return False

    def select_step(self, delta: int) -> None:
        order = [n.id for n in self.tree.walk()]
        if not order:
            return
        index = order.index(self.selected_id) if self.selected_id in order else (-1 if delta > 0 else len(order))
        self.select(order[max(0, min(len(order) - 1, index + delta))])
        self.focus_selected()

    def focus_selected(self) -> None:
        widget = self.rows.get(self.selected_id) or self.groups.get(self.selected_id)
        if widget is not None:
            widget.setFocus()
            self.ensureWidgetVisible(widget, 10, 10)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        moves = {Qt.Key.Key_Up: "up", Qt.Key.Key_Down: "down", Qt.Key.Key_Left: "out", Qt.Key.Key_Right: "in",
                 Qt.Key.Key_G: "group"}
        if key == Qt.Key.Key_Delete and self.selected_id is not None:
            self.delete_node()
        elif ctrl and key in moves:
            self.move_selected(moves[key])
        elif not ctrl and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.select_step(-1 if key == Qt.Key.Key_Up else 1)
        else:
            super().keyPressEvent(event)

    def node_menu(self, node_id: int, parent: QWidget) -> QMenu:
        """Right-click menu of a condition or group: the same moves as the keyboard."""
        self.select(node_id)
        menu = QMenu(parent)
        is_root = node_id == self.tree.root.id
        entries = [
            (self.tr("Move up"), "Ctrl+Up", lambda: self.move_selected("up")),
            (self.tr("Move down"), "Ctrl+Down", lambda: self.move_selected("down")),
            (self.tr("Move out of the group"), "Ctrl+Left", lambda: self.move_selected("out")),
            (self.tr("Move into the group above"), "Ctrl+Right", lambda: self.move_selected("in")),
            (self.tr("Put into a new sub-group"), "Ctrl+G", lambda: self.move_selected("group")),
        ]
        if not is_root:
            for text, keys, fn in entries:
                act = menu.addAction(f"{text}\t{keys}")
                act.triggered.connect(fn)
            menu.addSeparator()
            act = menu.addAction(self.tr("Delete") + "\tDel")
            act.triggered.connect(lambda: self.delete_node(node_id))
        if self.tree.node(node_id).is_group:
            act = menu.addAction(self.tr("Add a sub-group"))
            act.triggered.connect(lambda: self.add_group(node_id))
        return menu

    # ----- drag and drop
    def accept_payload(self, mime: QMimeData | None) -> dict | None:
        payload = decode(mime)
        if payload is None:
            return None
        if payload["kind"] == "field":
            return payload if self.spec(payload["field"]) is not None else None
        if payload.get("tree") != self.token or payload["node"] not in self.tree:
            return None
        return payload

    def show_indicator(self, target: tuple | None) -> None:
        if target == self._indicator:
            return
        old = self._indicator
        self._indicator = target
        if old is not None:
            if old[0] == "insert" and old[1] in self.groups:
                self.groups[old[1]].set_indicator(None)
            elif old[0] == "onto" and old[1] in self.rows:
                self._mark_drop_target(self.rows[old[1]], False)
        if target is None:
            return
        if target[0] == "insert" and target[1] in self.groups:
            box = self.groups[target[1]]
            box.set_indicator(box.indicator_y(target[2]))
        elif target[0] == "onto" and target[1] in self.rows:
            self._mark_drop_target(self.rows[target[1]], True)

    @staticmethod
    def _mark_drop_target(widget: QWidget, on: bool) -> None:
        set_style_property(widget, "dropTarget", "true" if on else "false")

    def drop(self, payload: dict | None, target: tuple) -> bool:
        """Apply a drop: ``("insert", group id, index)`` or ``("onto", condition id)``."""
        payload = payload if payload is None else self.accept_payload_dict(payload)
        if payload is None:
            return False
        try:
            if target[0] == "insert":
                _kind, gid, index = target
                if payload["kind"] == "field":
                    self.add_field(payload["field"], gid, index)
                else:
                    self.tree.move(payload["node"], gid, index)
                    self.select(payload["node"])
                return True
            if target[0] == "onto":
                if payload["kind"] == "field":
                    spec = self.spec(payload["field"])
                    op = default_op(spec)
                    new_group = self.tree.group_with(target[1], field_id=spec.id, op=op,
                                                     value=default_value(spec, op))
                    new_cond = self.tree.node(new_group).children[-1].id  # type: ignore[union-attr]
                    self.select(new_cond)
                    self.focus_editor(new_cond)
                else:
                    self.tree.group_with(target[1], payload["node"])
                return True
        except InvalidInput:
            return False
        return False

    def accept_payload_dict(self, payload: dict) -> dict | None:
        if payload.get("kind") == "field":
            return payload if self.spec(payload.get("field", "")) is not None else None
        if payload.get("kind") == "node" and payload.get("tree") == self.token and payload.get("node") in self.tree:
            return payload
        return None


_PATTERNS = [
    (re.compile(r"must be between (-?\d+) and (-?\d+), got"), "must be between {0} and {1}"),
    (re.compile(r"must be at least (-?\d+), got"), "must be at least {0}"),
    (re.compile(r"unknown province \"(.+)\""), "Unknown province: {0}"),
    (re.compile(r"window needs 1.(\d+) days"), "The period must be 1 to {0} days"),
    (re.compile(r"needs 0.(\d+) days"), "The number of days must be 0 to {0}"),
    (re.compile(r"needs a non-empty"), "Choose at least one value"),
    (re.compile(r"needs a value"), "Enter a value"),
    (re.compile(r"needs a date"), "Enter a date"),
    (re.compile(r"earlier date first"), "The first date must not be after the second"),
    (re.compile(r"smaller number first"), "The first value must not be larger than the second"),
    (re.compile(r"needs (a whole number|an amount)"), "Enter a whole number"),
]


def friendly_error(cond: Condition, message: str, translated: str | None = None) -> str:
    """The engine's (English, technical) message in the interface language; unknown ones as they are
    (``translated``: the engine's own text in the interface language) without the field id prefix
    (the row already names the field)."""
    for pattern, text in _PATTERNS:
        m = pattern.search(message)
        if m:
            return QCoreApplication.translate("RuleCanvas", text).format(*m.groups())
    message = translated or message
    from loyalty_desktop.segments.catalog import FIELDS

    spec = FIELDS.get(cond.field)
    for prefix in (f"{cond.field}: ", f"{spec.label_vi}: " if spec is not None else None):
        if prefix and message.startswith(prefix):
            return message[len(prefix):]
    return message


# lupdate does not see the table above: list its texts for translation here.
def _strings_for_translation() -> None:  # pragma: no cover
    QCoreApplication.translate("RuleCanvas", "must be between {0} and {1}")
    QCoreApplication.translate("RuleCanvas", "must be at least {0}")
    QCoreApplication.translate("RuleCanvas", "Unknown province: {0}")
    QCoreApplication.translate("RuleCanvas", "The period must be 1 to {0} days")
    QCoreApplication.translate("RuleCanvas", "The number of days must be 0 to {0}")
    QCoreApplication.translate("RuleCanvas", "Choose at least one value")
    QCoreApplication.translate("RuleCanvas", "Enter a value")
    QCoreApplication.translate("RuleCanvas", "Enter a date")
    QCoreApplication.translate("RuleCanvas", "The first date must not be after the second")
    QCoreApplication.translate("RuleCanvas", "The first value must not be larger than the second")
    QCoreApplication.translate("RuleCanvas", "Enter a whole number")
