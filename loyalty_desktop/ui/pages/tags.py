"""Tags page: tags with customers, share and total spent; create/edit/merge/delete; groups;
bulk apply to a saved segment (with progress and undo); recent operations."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from loyalty_desktop import tags as tag_core
from loyalty_desktop.ui import style
from loyalty_desktop.ui.format import format_count, format_percent, format_vnd, format_vnd_short


def _load(state, db):
    from loyalty_desktop.segments.store import list_segments

    with db.connect() as conn:
        state.interrupt_connection(conn)
        return {
            "tags": tag_core.list_tags(conn),
            "groups": tag_core.list_groups(conn),
            "operations": tag_core.list_operations(conn, 20),
            "segments": [s["name"] for s in list_segments(conn)],
        }


def _write(state, db, action, *args):
    with db.begin() as conn:
        if action == "create":
            name, color, description, group = args
            return tag_core.create_tag(conn, name, color=color, description=description, group=group)
        if action == "edit":
            tag_id, name, color, description, group = args
            tag_core.rename_tag(conn, tag_id, name)
            tag_core.recolor_tag(conn, tag_id, color)
            tag_core.describe_tag(conn, tag_id, description)
            tag_core.set_tag_group(conn, tag_id, group)
            return tag_id
        if action == "delete":
            return tag_core.delete_tag(conn, args[0])
        if action == "merge":
            return tag_core.merge_tags(conn, args[0], args[1])
        if action == "undo":
            return tag_core.undo_operation(conn, args[0])
    raise ValueError(action)


def _bulk(state, db, kind, tag_id, segment):
    def progress(f, text=""):
        state.progress(f, text)

    with db.begin() as conn:
        state.interrupt_connection(conn)
        source = tag_core.source_for_segment(conn, segment)
        if kind == "add":
            res = tag_core.apply_tag(conn, tag_id, source=source, description=f"segment {segment}", progress=progress)
        else:
            res = tag_core.remove_tag(conn, tag_id, source=source, description=f"segment {segment}", progress=progress)
        return res.as_dict()


DISABLED_PRIMARY = ('QPushButton[primary="true"]:disabled { background: #A7CFCB; border-color: #A7CFCB; color: white; }')


def _swatch(color: str, size: int = 14) -> QIcon:
    pix = QPixmap(size, size)
    pix.fill(QColor(color))
    return QIcon(pix)


class TagDialog(QDialog):
    """Create or edit a tag: name, colour, description, group."""

    def __init__(self, groups: list[str], tag: dict | None = None, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Edit tag") if tag else self.tr("New tag"))
        self.color = (tag or {}).get("color") or tag_core.PALETTE[len(groups) % len(tag_core.PALETTE)]
        form = QFormLayout(self)
        self.name = QLineEdit((tag or {}).get("name", ""))
        self.name.setPlaceholderText(self.tr("e.g. VIP, Khách sỉ"))
        self.color_button = QPushButton()
        self.color_button.clicked.connect(self.pick_color)
        self.description = QLineEdit((tag or {}).get("description") or "")
        self.group = QComboBox()
        self.group.setEditable(True)
        self.group.addItem("")
        self.group.addItems(groups)
        self.group.setCurrentText((tag or {}).get("group") or "")
        self.group.lineEdit().setPlaceholderText(self.tr("none (type a new group name to create it)"))
        self.error = QLabel("", objectName="ErrorLabel")
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Colour"), self.color_button)
        form.addRow(self.tr("Description"), self.description)
        form.addRow(self.tr("Group"), self.group)
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._show_color()

    def _show_color(self) -> None:
        self.color_button.setText(self.color)
        self.color_button.setIcon(_swatch(self.color))

    def pick_color(self) -> None:
        color = QColorDialog.getColor(QColor(self.color), self, self.tr("Tag colour"))
        if color.isValid():
            self.color = color.name().upper()
            self._show_color()

    def _check(self) -> None:
        if not self.name.text().strip():
            self.error.setText(self.tr("Enter a name for the tag."))
            return
        self.accept()

    def values(self) -> tuple:
        return (self.name.text().strip(), self.color, self.description.text().strip() or None,
                self.group.currentText().strip() or None)


class TagsPage(QWidget):
    COLS = ("name", "group", "customers", "share", "spent", "description")

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.data: dict = {"tags": [], "groups": [], "operations": [], "segments": []}
        self._build()
        self.setStyleSheet(DISABLED_PRIMARY)
        ctx.data_changed.connect(self._on_data_changed)
        self.reload()

    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(20, 16, 20, 12)
        root.setSpacing(10)
        head = QHBoxLayout()
        head.addWidget(QLabel(self.tr("Tags"), objectName="PageTitle"))
        self.summary = QLabel("", objectName="PageSubtitle")
        head.addWidget(self.summary)
        head.addStretch(1)
        self.new_button = QPushButton(self.tr("New tag"))
        self.new_button.setProperty("primary", True)
        self.new_button.clicked.connect(self.new_tag)
        head.addWidget(self.new_button)
        root.addLayout(head)

        bar = QHBoxLayout()
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.edit_button.clicked.connect(self.edit_tag)
        self.merge_button = QPushButton(self.tr("Merge into…"))
        self.merge_button.clicked.connect(self.merge_tag)
        self.delete_button = QPushButton(self.tr("Delete…"))
        self.delete_button.setProperty("danger", True)
        self.delete_button.clicked.connect(self.delete_tag)
        self.show_button = QPushButton(self.tr("Show customers"))
        self.show_button.clicked.connect(self.show_customers)
        for b in (self.edit_button, self.merge_button, self.delete_button, self.show_button):
            bar.addWidget(b)
        bar.addStretch(1)
        root.addLayout(bar)

        body = QHBoxLayout()
        self.table = QTableWidget(0, len(self.COLS))
        self.table.setHorizontalHeaderLabels([self.tr("Tag"), self.tr("Group"), self.tr("Customers"),
                                              self.tr("Share"), self.tr("Total spent"), self.tr("Description")])
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(style.ROW_HEIGHT + 4)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setStretchLastSection(True)
        for i, w in enumerate((200, 140, 100, 80, 150)):
            self.table.setColumnWidth(i, w)
        self.table.itemSelectionChanged.connect(self._on_selection)
        self.table.doubleClicked.connect(lambda _i: self.edit_tag())
        body.addWidget(self.table, 3)

        side = QFrame(objectName="Card")
        side.setFixedWidth(330)
        sl = QVBoxLayout(side)
        sl.setContentsMargins(14, 12, 14, 12)
        sl.addWidget(QLabel("<b>" + self.tr("Bulk tagging") + "</b>"))
        hint = QLabel(self.tr("Tag or untag everyone in a saved segment. You can undo it afterwards."),
                      objectName="Muted")
        hint.setWordWrap(True)
        sl.addWidget(hint)
        form = QFormLayout()
        self.bulk_tag = QComboBox()
        self.bulk_segment = QComboBox()
        form.addRow(self.tr("Tag"), self.bulk_tag)
        form.addRow(self.tr("Segment"), self.bulk_segment)
        sl.addLayout(form)
        row = QHBoxLayout()
        self.apply_button = QPushButton(self.tr("Tag segment"))
        self.apply_button.setProperty("primary", True)
        self.apply_button.clicked.connect(lambda: self.bulk("add"))
        self.untag_button = QPushButton(self.tr("Untag segment"))
        self.untag_button.clicked.connect(lambda: self.bulk("remove"))
        row.addWidget(self.apply_button)
        row.addWidget(self.untag_button)
        sl.addLayout(row)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        sl.addWidget(self.progress)
        self.bulk_result = QLabel("", objectName="Muted")
        self.bulk_result.setWordWrap(True)
        sl.addWidget(self.bulk_result)
        sl.addSpacing(8)
        sl.addWidget(QLabel("<b>" + self.tr("Recent bulk operations") + "</b>"))
        self.ops = QListWidget()
        sl.addWidget(self.ops, 1)
        self.undo_button = QPushButton(self.tr("Undo selected operation"))
        self.undo_button.clicked.connect(self.undo_selected)
        sl.addWidget(self.undo_button)
        body.addWidget(side)
        root.addLayout(body, 1)
        self._on_selection()

    # ----- data
    def reload(self) -> None:
        self.ctx.tasks.run("tags-load", _load, self.ctx.db, on_result=self._show,
                           on_error=lambda exc: self.ctx.show_error(self, self.tr("Tags"), exc))

    def activate(self, args: dict) -> None:
        self.reload()

    def _on_data_changed(self, area: str) -> None:
        if area in ("tags", "customers", "purchases", "segments", "import"):
            self.reload()

    def _show(self, data: dict) -> None:
        current = self.current_tag()
        self.data = data
        tags = data["tags"]
        self.table.setRowCount(len(tags))
        for i, t in enumerate(tags):
            name = QTableWidgetItem(_swatch(t["color"]), t["name"])
            name.setData(Qt.ItemDataRole.UserRole, t["id"])
            name.setForeground(QColor(t["color"]).darker(130))
            font = name.font()
            font.setBold(True)
            name.setFont(font)
            cells = [name, QTableWidgetItem(t["group"] or ""), QTableWidgetItem(format_count(t["customers"])),
                     QTableWidgetItem(format_percent(t["share"])), QTableWidgetItem(format_vnd(t["total_spent"])),
                     QTableWidgetItem(t["description"] or "")]
            for j in (2, 3, 4):
                cells[j].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            cells[4].setToolTip(format_vnd_short(t["total_spent"]))
            for j, item in enumerate(cells):
                self.table.setItem(i, j, item)
            if current and t["id"] == current["id"]:
                self.table.selectRow(i)
        self.summary.setText(self.tr("{n} tags in {g} groups").format(n=len(tags), g=len(data["groups"])))
        self.bulk_tag.clear()
        for t in tags:
            self.bulk_tag.addItem(_swatch(t["color"]), t["name"], t["id"])
        seg = self.bulk_segment.currentText()
        self.bulk_segment.clear()
        self.bulk_segment.addItems(data["segments"])
        if seg:
            self.bulk_segment.setCurrentText(seg)
        has_segments = bool(data["segments"]) and bool(tags)
        self.apply_button.setEnabled(has_segments)
        self.untag_button.setEnabled(has_segments)
        if not data["segments"]:
            self.bulk_result.setText(self.tr("Save a segment first (Segments page) to tag its customers."))
        self.ops.clear()
        for op in data["operations"]:
            verb = self.tr("Tagged") if op["kind"] == "add" else self.tr("Untagged")
            text = f"{verb} “{op['tag'] or '?'}”: {format_count(op['count'])} — {op['created_at']:%d/%m %H:%M}"
            if op["undone"]:
                text += " " + self.tr("(undone)")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, op["id"])
            if op["undone"] or op["tag_id"] is None:
                item.setForeground(QColor(style.MUTED))
                item.setData(Qt.ItemDataRole.UserRole + 1, False)
            else:
                item.setData(Qt.ItemDataRole.UserRole + 1, True)
            self.ops.addItem(item)
        self._on_selection()

    def current_tag(self) -> dict | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        tid = self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        return next((t for t in self.data["tags"] if t["id"] == tid), None)

    def select_tag(self, name: str) -> bool:
        for i in range(self.table.rowCount()):
            if self.table.item(i, 0).text() == name:
                self.table.selectRow(i)
                return True
        return False

    def _on_selection(self) -> None:
        has = self.current_tag() is not None
        for b in (self.edit_button, self.merge_button, self.delete_button, self.show_button):
            b.setEnabled(has)
        t = self.current_tag()
        if t is not None:
            i = self.bulk_tag.findData(t["id"])
            if i >= 0:
                self.bulk_tag.setCurrentIndex(i)

    # ----- actions
    def _run(self, action, *args, done=None):
        self.ctx.tasks.run(f"tags-{action}", _write, self.ctx.db, action, *args, write=True,
                           on_result=lambda r: (done and done(r), self.ctx.notify_changed("tags")),
                           on_error=lambda exc: self.ctx.show_error(self, self.tr("Tags"), exc))

    def new_tag(self):
        dialog = TagDialog([g["name"] for g in self.data["groups"]], None, self)
        dialog.accepted.connect(lambda: self._run("create", *dialog.values()))
        dialog.open()
        return dialog

    def edit_tag(self):
        t = self.current_tag()
        if t is None:
            return None
        dialog = TagDialog([g["name"] for g in self.data["groups"]], t, self)
        dialog.accepted.connect(lambda: self._run("edit", t["id"], *dialog.values()))
        dialog.open()
        return dialog

    def delete_tag(self) -> None:
        t = self.current_tag()
        if t is None:
            return
        answer = QMessageBox.warning(
            self, self.tr("Delete tag"),
            self.tr("Delete the tag “{name}”? {n} customers carry it and will lose it.").format(
                name=t["name"], n=format_count(t["customers"])),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Yes:
            self._run("delete", t["id"])

    def merge_tag(self) -> None:
        t = self.current_tag()
        if t is None:
            return
        others = [x["name"] for x in self.data["tags"] if x["id"] != t["id"]]
        if not others:
            return
        target, ok = QInputDialog.getItem(
            self, self.tr("Merge tag"),
            self.tr("Merge “{name}” into (its customers get this tag; “{name}” is deleted):").format(name=t["name"]),
            others, 0, False)
        if ok and target:
            self._run("merge", t["id"], target)

    def show_customers(self) -> None:
        t = self.current_tag()
        if t is not None:
            self.ctx.navigate("customers", {"tag_id": t["id"]})

    def bulk(self, kind: str) -> None:
        tag_id = self.bulk_tag.currentData()
        segment = self.bulk_segment.currentText()
        if tag_id is None or not segment:
            return
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.apply_button.setEnabled(False)
        self.untag_button.setEnabled(False)
        self.bulk_result.setText(self.tr("Working…"))

        def progress(f, _t):
            if f >= 0:
                self.progress.setRange(0, 100)
                self.progress.setValue(int(f * 100))

        def done(res: dict) -> None:
            self.progress.setVisible(False)
            self.apply_button.setEnabled(True)
            self.untag_button.setEnabled(True)
            if res["kind"] == "add":
                text = self.tr("Tagged {n} customers “{tag}” ({m} in the segment).")
            else:
                text = self.tr("Removed “{tag}” from {n} customers ({m} in the segment).")
            self.bulk_result.setText(text.format(n=format_count(res["changed"]), tag=res["tag"],
                                                 m=format_count(res["matched"] or 0)))
            self.ctx.notify_changed("tags")

        def failed(exc) -> None:
            self.progress.setVisible(False)
            self.apply_button.setEnabled(True)
            self.untag_button.setEnabled(True)
            self.bulk_result.setText("")
            self.ctx.show_error(self, self.tr("Tags"), exc)

        self.ctx.tasks.run("tags-bulk", _bulk, self.ctx.db, kind, tag_id, segment, write=True,
                           on_result=done, on_error=failed, on_progress=progress)

    def undo_selected(self) -> None:
        item = self.ops.currentItem()
        if item is None or not item.data(Qt.ItemDataRole.UserRole + 1):
            return
        op_id = item.data(Qt.ItemDataRole.UserRole)
        self._run("undo", op_id, done=lambda n: self.bulk_result.setText(
            self.tr("Undone: {n} customers changed back.").format(n=format_count(n))))
