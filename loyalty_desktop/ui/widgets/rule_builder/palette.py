"""The field palette: every field of the segment catalogue, grouped, with a filter box.

Drag a field onto the canvas, or double-click / press Enter to add it to the selected group.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QDrag, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QLabel, QLineEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from loyalty_desktop.ui.widgets.rule_builder.labels import field_label, group_label
from loyalty_desktop.ui.widgets.rule_builder.mime import field_mime

FIELD_ROLE = Qt.ItemDataRole.UserRole


class _FieldTree(QTreeWidget):
    activated_field = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setIndentation(10)
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.itemDoubleClicked.connect(self._activate)

    def _activate(self, item: QTreeWidgetItem | None, _column: int = 0) -> None:
        field_id = item.data(0, FIELD_ROLE) if item is not None else None
        if field_id:
            self.activated_field.emit(field_id)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._activate(self.currentItem())
            return
        super().keyPressEvent(event)

    def mimeData(self, items):  # noqa: N802 (Qt API)
        fields = [i.data(0, FIELD_ROLE) for i in items if i.data(0, FIELD_ROLE)]
        return field_mime(fields[0]) if fields else None

    def mimeTypes(self):  # noqa: N802
        from loyalty_desktop.ui.widgets.rule_builder.mime import MIME_TYPE

        return [MIME_TYPE]

    def startDrag(self, actions) -> None:  # noqa: N802
        item = self.currentItem()
        field_id = item.data(0, FIELD_ROLE) if item else None
        if not field_id:
            return
        drag = QDrag(self)
        drag.setMimeData(field_mime(field_id))
        pix = self.viewport().grab(self.visualItemRect(item))
        drag.setPixmap(pix)
        drag.setHotSpot(QPoint(12, pix.height() // 2))
        drag.exec(Qt.DropAction.CopyAction)


class FieldPalette(QWidget):
    """Grouped list of fields; ``field_activated(field_id)`` on double-click or Enter."""

    field_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(6)
        title = QLabel(self.tr("Conditions"))
        title.setObjectName("SectionTitle")
        hint = QLabel(self.tr("Drag onto the rule, or double-click"))
        hint.setObjectName("Muted")
        hint.setWordWrap(True)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("Find a condition…"))
        self.filter.setClearButtonEnabled(True)
        self.tree = _FieldTree()
        lay.addWidget(title)
        lay.addWidget(hint)
        lay.addWidget(self.filter)
        lay.addWidget(self.tree, 1)
        self.tree.activated_field.connect(self.field_activated)
        self.filter.textChanged.connect(self.apply_filter)
        self.filter.returnPressed.connect(self._enter_in_filter)
        self.populate()

    def populate(self) -> None:
        from loyalty_desktop.segments.catalog import FIELDS, GROUPS

        self.tree.clear()
        self._items: dict[str, QTreeWidgetItem] = {}
        for group in GROUPS:
            gid = group[0]
            fields = [spec for spec in FIELDS.values() if spec.group == gid]
            if not fields:
                continue
            head = QTreeWidgetItem([group_label(group)])
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = head.font(0)
            font.setBold(True)
            head.setFont(0, font)
            self.tree.addTopLevelItem(head)
            for spec in fields:
                item = QTreeWidgetItem([field_label(spec)])
                item.setData(0, FIELD_ROLE, spec.id)
                item.setToolTip(0, self.tr("Drag into a group, or double-click to add it to the selected group"))
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled)
                head.addChild(item)
                self._items[spec.id] = item
            head.setExpanded(True)

    def item_for(self, field_id: str) -> QTreeWidgetItem:
        return self._items[field_id]

    def apply_filter(self, text: str) -> None:
        from loyalty_desktop.vn.text import fold

        needle = fold(text)
        for i in range(self.tree.topLevelItemCount()):
            head = self.tree.topLevelItem(i)
            head_match = bool(needle) and needle in fold(head.text(0))
            any_visible = False
            for j in range(head.childCount()):
                child = head.child(j)
                visible = (not needle or head_match or needle in fold(child.text(0))
                           or needle in child.data(0, FIELD_ROLE))
                child.setHidden(not visible)
                any_visible |= visible
            head.setHidden(not any_visible)

    def visible_fields(self) -> list[str]:
        return [fid for fid, item in self._items.items() if not item.isHidden() and not item.parent().isHidden()]

    def _enter_in_filter(self) -> None:
        visible = self.visible_fields()
        if len(visible) == 1:
            self.field_activated.emit(visible[0])
        elif visible:
            self.tree.setCurrentItem(self._items[visible[0]])
            self.tree.setFocus()
