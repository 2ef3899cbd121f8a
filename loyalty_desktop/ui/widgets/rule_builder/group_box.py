"""A group of the rule: AND/OR switch, "không thỏa", live count, its children, drop target."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import (
    QColor,
    QDrag,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from loyalty_desktop.segments.editing import Group
from loyalty_desktop.ui import style
from loyalty_desktop.ui.widgets.rule_builder.labels import field_label, group_label
from loyalty_desktop.ui.widgets.rule_builder.drop_target import DropTargetMixin
from loyalty_desktop.ui.widgets.rule_builder.editors import set_style_property
from loyalty_desktop.ui.widgets.rule_builder.mime import node_mime

if TYPE_CHECKING:
    from loyalty_desktop.ui.widgets.rule_builder.canvas import RuleCanvas


class GroupBox(DropTargetMixin, QFrame):
    def __init__(self, canvas: "RuleCanvas", group: Group, depth: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = canvas
        self.node_id = group.id
        self.depth = depth
        self.is_root = canvas.tree.root.id == group.id
        self.setObjectName("RuleGroup")
        self.setProperty("depth", str(min(depth, 3)))
        self.setProperty("root", "true" if self.is_root else "false")
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._drag_start: QPoint | None = None
        self._indicator_y: int | None = None
        self.child_widgets: list[QWidget] = []

        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 4, 8, 6)
        lay.setSpacing(4)
        header = QHBoxLayout()
        header.setSpacing(6)
        self.header_layout = header
        lay.addLayout(header)
        if not self.is_root:
            handle = QLabel("⠿")
            handle.setObjectName("DragHandle")
            handle.setToolTip(self.tr("Drag to move this group"))
            handle.setCursor(Qt.CursorShape.OpenHandCursor)
            header.addWidget(handle)
        # sub-groups have no title: their AND/OR switch says it (narrow canvas at 1366×768, deep nesting)
        self.title: QLabel | None = None
        if self.is_root:
            self.title = QLabel(self.tr("Customers who match"))
            self.title.setObjectName("GroupTitle")
            header.addWidget(self.title)
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("KindCombo")
        self.kind_combo.addItem(self.tr("All conditions (AND)"), "all")
        self.kind_combo.addItem(self.tr("Any condition (OR)"), "any")
        self.kind_combo.activated.connect(
            lambda _i: self.canvas.tree.set_group_kind(self.node_id, self.kind_combo.currentData()))
        header.addWidget(self.kind_combo)
        self.negate = QCheckBox(self.tr("does not match"))
        self.negate.setObjectName("NegateCheck")
        self.negate.setToolTip(self.tr("Customers who do NOT match this group"))
        self.negate.toggled.connect(lambda on: self.canvas.tree.set_negated(self.node_id, on))
        header.addWidget(self.negate)
        header.addStretch(1)
        self.count_label = QLabel("")
        self.count_label.setObjectName("GroupCount")
        header.addWidget(self.count_label)
        self.add_condition_button = QToolButton()
        self.add_condition_button.setObjectName("AddButton")
        self.add_condition_button.setText(self.tr("+ Condition"))
        self.add_condition_button.setToolTip(self.tr("Add a condition to this group"))
        self.add_condition_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.add_condition_button.setMenu(self._fields_menu())
        header.addWidget(self.add_condition_button)
        self.add_group_button = QToolButton()
        self.add_group_button.setObjectName("AddButton")
        self.add_group_button.setText(self.tr("+ Group"))
        self.add_group_button.setToolTip(self.tr("Add a sub-group (to mix AND and OR)"))
        self.add_group_button.clicked.connect(lambda: self.canvas.add_group(self.node_id))
        header.addWidget(self.add_group_button)
        if not self.is_root:
            self.delete_button = QToolButton()
            self.delete_button.setObjectName("DeleteButton")
            self.delete_button.setText("✕")
            self.delete_button.setToolTip(self.tr("Delete this group and its conditions"))
            self.delete_button.clicked.connect(lambda: self.canvas.delete_node(self.node_id))
            header.addWidget(self.delete_button)

        self.body = QVBoxLayout()
        self.body.setSpacing(4)
        self.body.setContentsMargins(6 if not self.is_root else 0, 0, 0, 0)
        lay.addLayout(self.body)
        self.placeholder = QLabel(self.tr("Drag a condition here from the list on the left, or use “+ Condition”"))
        self.placeholder.setObjectName("DropHint")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setMinimumHeight(44)
        self.placeholder.setVisible(not group.children)
        self.body.addWidget(self.placeholder)
        self.sync()

    def set_children(self, widgets: list[QWidget]) -> None:
        """Show exactly ``widgets`` (rows and group boxes, reused or new) in this order."""
        for w in self.child_widgets:
            if w not in widgets:
                self.body.removeWidget(w)
        for i, w in enumerate(widgets):
            if self.body.indexOf(w) != i:
                if self.body.indexOf(w) >= 0:
                    self.body.removeWidget(w)
                self.body.insertWidget(i, w)
            if w.isHidden() and self.isVisible():
                w.show()
        self.child_widgets = list(widgets)
        self.placeholder.setVisible(not widgets)

    def set_depth(self, depth: int) -> None:
        if depth != self.depth:
            self.depth = depth
            set_style_property(self, "depth", str(min(depth, 3)))

    def _fields_menu(self) -> QMenu:
        """Filled when first opened (building ~25 actions for every group box would slow edits)."""
        menu = QMenu(self)
        menu.aboutToShow.connect(lambda: self._fill_fields_menu(menu))
        return menu

    def _fill_fields_menu(self, menu: QMenu) -> None:
        from loyalty_desktop.segments.catalog import FIELDS, GROUPS

        if not menu.isEmpty():
            return
        for group in GROUPS:
            specs = [s for s in FIELDS.values() if s.group == group[0]]
            if not specs:
                continue
            sub = menu.addMenu(group_label(group))
            for spec in specs:
                act = sub.addAction(field_label(spec))
                act.triggered.connect(lambda _=False, f=spec.id: self.canvas.add_field(f, self.node_id))

    def group(self) -> Group:
        node = self.canvas.tree.node(self.node_id)
        assert isinstance(node, Group)
        return node

    def sync(self) -> None:
        group = self.group()
        self.kind_combo.blockSignals(True)
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(group.kind)))
        self.kind_combo.blockSignals(False)
        self.negate.blockSignals(True)
        self.negate.setChecked(group.negated)
        self.negate.blockSignals(False)
        set_style_property(self, "negated", "true" if group.negated else "false")
        set_style_property(self, "kind", group.kind)

    def set_count(self, text: str, tooltip: str = "") -> None:
        self.count_label.setText(text)
        self.count_label.setToolTip(tooltip)

    def set_count_stale(self, stale: bool) -> None:
        set_style_property(self.count_label, "stale", "true" if stale else "false")

    def contextMenuEvent(self, event) -> None:  # noqa: N802
        self.canvas.node_menu(self.node_id, self).exec(event.globalPos())

    def focusInEvent(self, event) -> None:  # noqa: N802
        self.canvas.select(self.node_id)
        super().focusInEvent(event)

    # ----- selection and drag of the whole group
    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.canvas.select(self.node_id)
        if event.button() == Qt.MouseButton.LeftButton and not self.is_root:
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

    # ----- drops: into this group at the position under the cursor
    def insert_index(self, pos: QPoint) -> int:
        for i, child in enumerate(self.child_widgets):
            if pos.y() < child.geometry().center().y():
                return i
        return len(self.child_widgets)

    def indicator_y(self, index: int) -> int:
        spacing = self.body.spacing()
        if not self.child_widgets:
            return self.placeholder.geometry().center().y()
        if index < len(self.child_widgets):
            return self.child_widgets[index].geometry().top() - spacing // 2 - 1
        return self.child_widgets[-1].geometry().bottom() + spacing // 2 + 1

    def drop_target(self, pos: QPoint, payload: dict) -> tuple | None:
        tree = self.canvas.tree
        if payload.get("kind") == "node":
            if not tree.can_move(payload["node"], self.node_id):
                return None
        header_bottom = self.kind_combo.geometry().bottom()
        if not self.is_root and pos.y() <= header_bottom // 2:
            # upper half of the header: before this group in its parent
            parent, index = tree.position(self.node_id)
            if payload.get("kind") == "node" and not tree.can_move(payload["node"], parent.id):
                return None
            return ("insert", parent.id, index)
        return ("insert", self.node_id, self.insert_index(pos))

    def set_indicator(self, y: int | None) -> None:
        if y != self._indicator_y:
            self._indicator_y = y
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._indicator_y is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(QColor(style.ACCENT), 3)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        left = self.body.contentsMargins().left() + 10
        y = self._indicator_y
        painter.drawLine(left, y, self.width() - 12, y)
        painter.setBrush(QColor(style.ACCENT))
        painter.drawEllipse(QPoint(left, y), 4, 4)
        painter.end()

