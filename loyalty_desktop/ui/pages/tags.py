"""Tags page: tags with customers, share and total spent; create/edit/merge/delete; tag groups ("nhóm lớn":
create, rename, delete, move a tag into/out of a group); bulk apply to a saved segment (with progress and
undo); recent operations."""

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
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
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
        if action == "set_group":
            return tag_core.set_tag_group(conn, args[0], args[1])
        if action == "group_create":
            return tag_core.create_group(conn, args[0])
        if action == "group_rename":
            return tag_core.rename_group(conn, args[0], args[1])
        if action == "group_delete":
            return tag_core.delete_group(conn, args[0])
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
        self.setMinimumWidth(440)
        form = QFormLayout(self)
        form.setContentsMargins(18, 16, 18, 14)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.name = QLineEdit((tag or {}).get("name", ""))
        self.name.setPlaceholderText(self.tr("e.g. VIP, Khách sỉ"))
        self.color_button = QPushButton()
        self.color_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
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
        buttons.button(QDialogButtonBox.StandardButton.Ok).setProperty("primary", True)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._show_color()

    def _show_color(self) -> None:
        self.color_button.setText(self.tr("Change colour…"))
        self.color_button.setIcon(_swatch(self.color, 16))
        self.color_button.setToolTip(self.color)

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


class GroupsDialog(QDialog):
    """Tag groups ("nhóm lớn"): the list with their tags; create, rename, delete.
    Writes go through the page (worker + reload); the dialog refreshes when the page reloads."""

    def __init__(self, page: "TagsPage") -> None:
        super().__init__(page)
        self.page = page
        self.setWindowTitle(self.tr("Tag groups"))
        self.resize(560, 480)
        root = QVBoxLayout(self)
        root.setContentsMargins(16, 14, 16, 12)
        hint = QLabel(self.tr("A group gathers related tags, e.g. “Hạng thành viên”: Bạc, Vàng, Kim cương. "
                              "Segments can then ask for “has any tag of the group”. To put a tag into a group, "
                              "use “Move to group…” on the Tags page."), objectName="Muted")
        hint.setWordWrap(True)
        root.addWidget(hint)
        body = QHBoxLayout()
        self.list = QTreeWidget()
        self.list.setColumnCount(2)
        self.list.setHeaderLabels([self.tr("Group and its tags"), self.tr("Tags")])
        self.list.header().setStretchLastSection(False)
        self.list.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.list.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.list.setRootIsDecorated(True)
        self.list.currentItemChanged.connect(lambda *_a: self._on_selection())
        self.list.itemDoubleClicked.connect(lambda *_a: self.rename_group())
        body.addWidget(self.list, 1)
        side = QVBoxLayout()
        self.new_button = QPushButton(self.tr("New group…"))
        self.new_button.setProperty("primary", True)
        self.new_button.clicked.connect(self.new_group)
        self.rename_button = QPushButton(self.tr("Rename…"))
        self.rename_button.clicked.connect(self.rename_group)
        self.delete_button = QPushButton(self.tr("Delete…"))
        self.delete_button.setProperty("danger", True)
        self.delete_button.clicked.connect(self.delete_group)
        for b in (self.new_button, self.rename_button, self.delete_button):
            side.addWidget(b)
        side.addStretch(1)
        body.addLayout(side)
        root.addLayout(body, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        buttons.rejected.connect(self.reject)
        root.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        current = self.current_group()
        members: dict[int, list[dict]] = {}
        for t in self.page.data["tags"]:
            if t["group_id"] is not None:
                members.setdefault(t["group_id"], []).append(t)
        self.list.clear()
        for g in self.page.data["groups"]:
            item = QTreeWidgetItem([g["name"], format_count(g["tags"])])
            item.setData(0, Qt.ItemDataRole.UserRole, g["id"])
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            font = item.font(0)
            font.setBold(True)
            item.setFont(0, font)
            for t in members.get(g["id"], []):
                child = QTreeWidgetItem([t["name"], ""])
                child.setIcon(0, _swatch(t["color"]))
                child.setData(0, Qt.ItemDataRole.UserRole, g["id"])
                item.addChild(child)
            if not members.get(g["id"]):
                child = QTreeWidgetItem([self.tr("no tags yet"), ""])
                child.setForeground(0, QColor(style.MUTED))
                child.setData(0, Qt.ItemDataRole.UserRole, g["id"])
                item.addChild(child)
            self.list.addTopLevelItem(item)
            item.setExpanded(True)
            if current and current["id"] == g["id"]:
                self.list.setCurrentItem(item)
        if not self.page.data["groups"]:
            item = QTreeWidgetItem([self.tr("No groups yet. Create one with “New group…”."), ""])
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addTopLevelItem(item)
        self._on_selection()

    def current_group(self) -> dict | None:
        item = self.list.currentItem()
        gid = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        return next((g for g in self.page.data["groups"] if g["id"] == gid), None)

    def select_group(self, name: str) -> bool:
        for i in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(i)
            if item.text(0) == name:
                self.list.setCurrentItem(item)
                return True
        return False

    def _on_selection(self) -> None:
        has = self.current_group() is not None
        self.rename_button.setEnabled(has)
        self.delete_button.setEnabled(has)

    def _taken(self, name: str, exclude: int | None = None) -> str | None:
        folded = tag_core.fold(name)
        return next((g["name"] for g in self.page.data["groups"]
                     if tag_core.fold(g["name"]) == folded and g["id"] != exclude), None)

    def _ask_name(self, title: str, text: str = "", exclude: int | None = None) -> str | None:
        label = self.tr("Group name:")
        while True:
            name, ok = QInputDialog.getText(self, title, label, QLineEdit.EchoMode.Normal, text)
            name = " ".join((name or "").split())
            if not ok or not name:
                return None
            taken = self._taken(name, exclude)
            if taken is None:
                return name
            QMessageBox.warning(self, title, self.tr("A group named “{name}” already exists (names ignore case "
                                                     "and accents).").format(name=taken))
            text = name

    def new_group(self) -> None:
        name = self._ask_name(self.tr("New tag group"))
        if name:
            self.page._run("group_create", name)

    def rename_group(self) -> None:
        g = self.current_group()
        if g is None:
            return
        name = self._ask_name(self.tr("Rename tag group"), g["name"], exclude=g["id"])
        if name and name != g["name"]:
            self.page._run("group_rename", g["id"], name)

    def delete_group(self) -> None:
        g = self.current_group()
        if g is None:
            return
        if g["tags"]:
            text = self.tr("Delete the group “{name}”? Its {n} tag(s) are kept, without a group; "
                           "customers keep their tags.").format(name=g["name"], n=g["tags"])
        else:
            text = self.tr("Delete the empty group “{name}”?").format(name=g["name"])
        answer = QMessageBox.question(self, self.tr("Delete tag group"), text,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                                      QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Yes:
            self.page._run("group_delete", g["id"])


class TagsPage(QWidget):
    COLS = ("name", "group", "customers", "share", "spent", "description")

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.data: dict = {"tags": [], "groups": [], "operations": [], "segments": []}
        self.groups_dialog: GroupsDialog | None = None
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
        self.move_button = QPushButton(self.tr("Move to group…"))
        self.move_button.setToolTip(self.tr("Put the tag into a group, or take it out of its group"))
        self.move_button.clicked.connect(self.move_to_group)
        self.merge_button = QPushButton(self.tr("Merge into…"))
        self.merge_button.clicked.connect(self.merge_tag)
        self.delete_button = QPushButton(self.tr("Delete…"))
        self.delete_button.setProperty("danger", True)
        self.delete_button.clicked.connect(self.delete_tag)
        self.show_button = QPushButton(self.tr("Show customers"))
        self.show_button.clicked.connect(self.show_customers)
        for b in (self.edit_button, self.move_button, self.merge_button, self.delete_button, self.show_button):
            bar.addWidget(b)
        bar.addStretch(1)
        self.groups_button = QPushButton(self.tr("Tag groups…"))
        self.groups_button.setToolTip(self.tr("Create, rename or delete tag groups"))
        self.groups_button.clicked.connect(self.manage_groups)
        bar.addWidget(self.groups_button)
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
        for i, w in enumerate((195, 130, 95, 70, 140)):
            self.table.setColumnWidth(i, w)
        self.table.itemSelectionChanged.connect(self._on_selection)
        self.table.doubleClicked.connect(lambda _i: self.edit_tag())
        body.addWidget(self.table, 3)

        side = QFrame(objectName="Card")
        side.setFixedWidth(372)
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
        self.ops_empty = QLabel(self.tr("None yet. Bulk tagging here or on the Customers page shows up here, "
                                        "ready to undo."), objectName="Muted")
        self.ops_empty.setWordWrap(True)
        sl.addWidget(self.ops_empty)
        self.ops = QListWidget()
        self.ops.setWordWrap(True)
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
        self.ops_empty.setVisible(not data["operations"])
        self._on_selection()
        if self.groups_dialog is not None:
            self.groups_dialog.refresh()

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
        for b in (self.edit_button, self.move_button, self.merge_button, self.delete_button, self.show_button):
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

    def move_to_group(self) -> None:
        """Move the selected tag into a group (an existing one, or a new name), or out of its group."""
        t = self.current_tag()
        if t is None:
            return
        none = self.tr("(no group)")
        names = [none] + [g["name"] for g in self.data["groups"]]
        current = names.index(t["group"]) if t["group"] in names else 0
        choice, ok = QInputDialog.getItem(
            self, self.tr("Move to group"),
            self.tr("Group for “{name}” (type a new name to create a group):").format(name=t["name"]),
            names, current, True)
        choice = " ".join((choice or "").split())
        if not ok or not choice:
            return
        group = None if choice == none else choice
        if tag_core.fold(group or "") == tag_core.fold(t["group"] or ""):
            return
        self._run("set_group", t["id"], group)

    def manage_groups(self) -> GroupsDialog:
        if self.groups_dialog is None:
            self.groups_dialog = GroupsDialog(self)
            self.groups_dialog.finished.connect(lambda _r: setattr(self, "groups_dialog", None))
        self.groups_dialog.refresh()
        self.groups_dialog.open()
        return self.groups_dialog

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


def screenshots(ctx, window, out_dir):
    """Extra state for the README: the tag groups dialog."""
    from PySide6.QtWidgets import QApplication

    from loyalty_desktop.ui.screenshots import _settle

    app = QApplication.instance()
    page = window.page("tags")
    dialog = page.manage_groups()
    if page.data["groups"]:
        dialog.select_group(page.data["groups"][0]["name"])
    _settle(app, dialog, 0.5, ctx.tasks)
    path = out_dir / "tag-groups.png"
    dialog.grab().save(str(path))
    dialog.reject()
    return [path]
