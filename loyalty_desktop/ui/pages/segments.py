"""Segments page: saved segments and templates on the left, the drag-and-drop rule builder with live
counts on the right, a preview of matching customers, "why not this customer?" and analytics below.

Every count runs in a worker (``ctx.tasks``) ~250 ms after the last edit; a newer edit cancels the
running query (sqlite interrupt through the runner's ``CancelToken``) and its result is dropped.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from loyalty_desktop.errors import UserError
from loyalty_desktop.segments.editing import Change, RuleTree
from loyalty_desktop.ui import style
from loyalty_desktop.ui.format import (  # noqa: F401 (imported here: first use must not stall the UI)
    display_phone,
    format_count,
    format_date,
    format_datetime,
    format_percent,
    format_vnd,
)
from loyalty_desktop.ui.widgets.rule_builder.canvas import RuleCanvas

if TYPE_CHECKING:
    from loyalty_desktop.ui.widgets.rule_builder.palette import FieldPalette

log = logging.getLogger(__name__)

DEBOUNCE_MS = 250
SAVED_COUNT_MAX_AGE = timedelta(hours=1)  # older cached counts of saved segments are recomputed
WRITE_COUNT_CACHE = True  # benchmarks switch it off so they leave the database as they found it
PREVIEW_LIMIT = 50
# the preview's columns, most useful first: it shows as many as fit its width
PREVIEW_COLUMNS = ("name", "phone", "province", "total_spent", "tags", "age", "last_purchase", "orders", "tier",
                   "gender", "points")
NAME_ROLE = Qt.ItemDataRole.UserRole
KIND_ROLE = Qt.ItemDataRole.UserRole + 1

PAGE_QSS = f"""
#RuleGroup {{ background: #FFFFFF; border: 1px solid {style.BORDER}; border-left: 4px solid {style.ACCENT};
    border-radius: 8px; }}
#RuleGroup[depth="1"] {{ background: #F7FAFA; border-left-color: #F59E0B; }}
#RuleGroup[depth="2"] {{ background: #FFFFFF; border-left-color: #3B82F6; }}
#RuleGroup[depth="3"] {{ background: #F7FAFA; border-left-color: #8B5CF6; }}
#RuleGroup[negated="true"] {{ border-left-color: {style.DANGER}; }}
#RuleGroup[selected="true"] {{ border-top: 1px solid {style.ACCENT}; border-right: 1px solid {style.ACCENT};
    border-bottom: 1px solid {style.ACCENT}; }}
#ConditionRow {{ background: #FFFFFF; border: 1px solid #E6EBED; border-radius: 6px; }}
#PendingRow {{ background: #FFFFFF; border: 1px solid #E6EBED; border-radius: 6px; color: #9AA5AD; }}
#ConditionRow[selected="true"] {{ border: 1px solid {style.ACCENT}; background: #F0FDFA; }}
#ConditionRow[invalid="true"] {{ border: 1px solid {style.DANGER}; }}
#ConditionRow[dropTarget="true"] {{ border: 2px dashed {style.ACCENT}; background: {style.ACCENT_LIGHT}; }}
#DragHandle {{ color: #9AA5AD; font-size: 12pt; }}
#FieldName {{ font-weight: 600; }}
#GroupTitle {{ color: {style.MUTED}; }}
#GroupCount {{ color: {style.ACCENT}; font-weight: 600; padding: 0 6px; }}
#GroupCount[stale="true"], #CountBig[stale="true"] {{ color: #9AA5AD; }}
#DropHint {{ color: {style.MUTED}; border: 1px dashed #C5CED3; border-radius: 6px; background: #FBFCFC; }}
QToolButton#NotToggle {{ border: 1px solid {style.BORDER}; border-radius: 5px; padding: 3px 8px; color: {style.MUTED};
    background: white; }}
QToolButton#NotToggle:checked {{ background: #FFEDD5; color: {style.DANGER}; border-color: {style.DANGER};
    font-weight: 600; }}
QToolButton#AddButton {{ border: 1px solid {style.BORDER}; border-radius: 5px; padding: 3px 7px; background: white;
    color: {style.ACCENT}; font-weight: 600; }}
QToolButton#AddButton:hover {{ border-color: {style.ACCENT}; }}
QToolButton#AddButton::menu-indicator {{ image: none; width: 0; }}
QToolButton#DeleteButton {{ border: none; color: #9AA5AD; padding: 3px 6px; }}
QToolButton#DeleteButton:hover {{ color: {style.DANGER}; }}
QPushButton#SmallButton {{ padding: 5px 10px; }}
QPushButton[invalid="true"], QDateEdit[invalid="true"] {{ border: 1px solid {style.DANGER}; }}
#RuleCanvas, #CanvasHolder {{ background: transparent; }}
#RuleCanvas QComboBox, #RuleCanvas QLineEdit, #RuleCanvas QDateEdit, #RuleCanvas QSpinBox {{ padding: 2px 6px; }}
#RuleCanvas QPushButton {{ padding: 3px 10px; }}
#SectionTitle {{ font-weight: 600; font-size: 11pt; }}
#CountBig {{ font-size: 17pt; font-weight: 600; color: {style.ACCENT}; }}
#SegmentName {{ font-size: 15pt; font-weight: 600; }}
#DirtyMark {{ color: {style.WARNING}; }}
QListWidget#SegmentList {{ border: none; background: white; outline: 0; }}
QListWidget#SegmentList::item {{ padding: 6px 6px; border-radius: 6px; }}
QListWidget#SegmentList::item:selected {{ background: {style.ACCENT_LIGHT}; color: {style.TEXT}; }}
QTreeWidget {{ border: none; background: white; outline: 0; }}
QTreeWidget::item {{ padding: 3px 2px; }}
QTreeWidget::item:selected {{ background: {style.ACCENT_LIGHT}; color: {style.TEXT}; border-radius: 4px; }}
"""


# ----- worker functions (run on a worker thread, return plain data)

@contextmanager
def _interruptible(state, conn):
    """While the block runs, cancelling the task interrupts this connection's statement
    (``sqlite3 interrupt``: thread-safe, needs no GIL); outside it, never — the pooled connection may
    already serve another task. Deliberately not the runner's ``CancelToken``: its progress handler
    calls Python every 2,000 SQLite steps and each call waits for the GIL, so while the UI thread is
    busy (typing, scrolling) a 0.6 s count took 10 s (benchmarks/_rule_phase.py, 1M customers)."""
    raw = getattr(conn.connection, "driver_connection", None)
    lock = threading.Lock()
    live = [True]

    def interrupt() -> None:
        with lock:
            if live[0] and raw is not None and hasattr(raw, "interrupt"):
                raw.interrupt()

    state.check()
    state.set_interrupt(interrupt)
    try:
        yield
    finally:
        with lock:
            live[0] = False
        state.set_interrupt(None)
    state.check()


def count_rule(state, db, rule: dict, need_total: bool = True) -> dict:
    """The rule's count (and the number of all customers, for the share, when asked)."""
    from sqlalchemy import func, select

    from loyalty_desktop.models import Customer
    from loyalty_desktop.segments import runner

    started = time.perf_counter()
    total = None
    with db.connect() as conn:
        with _interruptible(state, conn):
            n = runner.count(conn, rule)
        seconds = time.perf_counter() - started
        if need_total:
            with _interruptible(state, conn):
                total = int(conn.execute(select(func.count()).select_from(Customer.__table__)).scalar() or 0)
    return {"rule": rule, "count": n, "total": total, "seconds": seconds}


def group_counts(state, db, rule: dict, groups: dict[int, dict]) -> dict:
    """After the total: each group's own count."""
    from loyalty_desktop.segments import runner

    out: dict[int, int] = {}
    with db.connect() as conn:
        for node_id, sub in groups.items():
            with _interruptible(state, conn):
                out[node_id] = runner.count(conn, sub)
    return {"rule": rule, "groups": out}


def preview_rows(state, db, rule: dict, limit: int = PREVIEW_LIMIT) -> list[dict]:
    """First matching customers (only when the customer list's table widget is not available)."""
    from loyalty_desktop.segments import runner

    with db.connect() as conn:
        with _interruptible(state, conn):
            return runner.page(conn, rule, sort="total_spent", descending=True, limit=limit).rows


def load_choices(state, db, field_id: str) -> list:
    from loyalty_desktop.segments.catalog import choices_for

    with db.connect() as conn:
        return list(choices_for(conn, field_id))


def list_saved(state, db) -> list[dict]:
    from loyalty_desktop.segments import store

    with db.connect() as conn:
        rows = store.list_segments(conn)
    return [_plain(r) for r in rows]


def count_saved_segment(state, db, name: str) -> tuple[str, int | None, str]:
    """One saved segment's count now (None if it cannot be counted, e.g. a broken reference)."""
    from loyalty_desktop.segments import runner, store

    with db.connect() as conn:
        try:
            with _interruptible(state, conn):
                n: int | None = runner.count(conn, store.rule_for_segment(conn, name))
        except UserError:
            n = None
    return name, n, datetime.now().replace(microsecond=0).isoformat()


def cache_saved_count(state, db, name: str, n: int) -> None:
    """Remember a saved segment's count with its time (the list shows it next time at once)."""
    from loyalty_desktop.segments import store

    try:
        with db.begin() as conn:
            store.set_cached_count(conn, name, n)
    except UserError:  # renamed or deleted meanwhile
        pass


def explain_phone(state, db, phone: str, rule: dict):
    from sqlalchemy import select

    from loyalty_desktop.models import Customer
    from loyalty_desktop.segments.explain import customer_id_for_phone, explain

    t = Customer.__table__
    with db.connect() as conn:
        try:
            cid = customer_id_for_phone(conn, phone)
        except UserError:
            return {"missing": True, "phone": phone}
        row = conn.execute(select(t.c.full_name, t.c.phone).where(t.c.id == cid)).first()
        tree = explain(conn, cid, rule)
    return {"id": cid, "name": row.full_name, "phone": row.phone, "tree": tree.to_dict()}


def _plain(obj: Any) -> Any:
    """Rows/dataclasses/pydantic → dicts and lists (the UI thread never sees ORM or rows)."""
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if hasattr(obj, "_mapping"):
        return {k: _plain(v) for k, v in obj._mapping.items()}
    if hasattr(obj, "model_dump"):
        return obj.model_dump()
    if hasattr(obj, "__dataclass_fields__"):
        return {k: _plain(getattr(obj, k)) for k in obj.__dataclass_fields__}
    return obj


def group_rules(tree: RuleTree, skip: set[int]) -> dict[int, dict]:
    """The sub-rule of every non-root group (its own count is shown beside it)."""
    return {n.id: tree.node_json(n.id, skip=skip) for n in tree.walk() if n.is_group and n.id != tree.root.id}


class PreviewModel(QAbstractTableModel):
    """The first matching customers, as display strings computed once (``data`` does no work)."""

    RIGHT = (3, 4)

    def __init__(self, headers: list[str], parent=None) -> None:
        super().__init__(parent)
        self.headers = headers
        self.rows: list[tuple] = []

    def set_rows(self, rows: list[tuple]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole:
            return self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self.RIGHT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None


class _ElidedLabel(QLabel):
    """A one-line label that shows "…" when narrower than its text (the full text is the tooltip)."""

    def setText(self, text: str) -> None:  # noqa: N802 (Qt API)
        super().setText(text)
        self.setToolTip(text)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(min(80, super().sizeHint().width()), super().minimumSizeHint().height())

    def paintEvent(self, event) -> None:  # noqa: N802
        from PySide6.QtGui import QPainter

        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        painter = QPainter(self)
        painter.setPen(self.palette().windowText().color())
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text)
        painter.end()


class SegmentsPage(QWidget):
    count_shown = Signal(int)  # emitted when a fresh count of the current rule reaches the screen

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("SegmentsPage")
        self.setStyleSheet(PAGE_QSS)
        self.tree = RuleTree()
        self.segment_name: str | None = None  # the saved segment being edited (None = new)
        self.saved: list[dict] = []
        self.total_customers: int | None = None
        self.shown_count: int | None = None
        self.shown_rule: dict | None = None  # the rule whose count is on screen
        self.group_counts: dict[int, int] = {}
        self._choices_cache: dict[str, list] = {}
        self._saved_counts: dict[str, tuple[int, str]] = {}
        self._saved_queue: list[str] = []
        self._preview_dirty = False  # its loading was cancelled by a newer edit: load again
        self._counts_stale = False  # data changed: every saved count is recomputed
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self.recount)
        self._build()
        self.tree.subscribe(self._on_tree_change)
        ctx.data_changed.connect(self._safe(self._on_data_changed))
        # When the page goes, its pending work goes too (results would reach deleted widgets).
        keys = ["segments:count", "segments:details", "segments:preview", "segments:list", "segments:saved-count",
                "segments:explain", "segments-preview-count", "segments-preview-pages"]
        self.destroyed.connect(lambda *_a, tasks=ctx.tasks, keys=keys: [tasks.cancel(k) for k in keys])
        self._update_title()
        # show the page first, build the rest in the next turns, then start the counts (_build_later)
        QTimer.singleShot(15, self._build_later)

    def _first_load(self) -> None:
        self.refresh_list()
        if self.shown_rule is None and not self.ctx.tasks.is_running("segments:count"):
            self.recount()

    # ----- layout
    def _build(self) -> None:
        outer = QHBoxLayout(self)
        outer.setContentsMargins(16, 14, 16, 12)
        outer.setSpacing(12)
        self._build_toolbar()  # its buttons live in the header and under the field list
        outer.addWidget(self._build_left())
        right = QVBoxLayout()
        right.setSpacing(10)
        outer.addLayout(right, 1)
        right.addLayout(self._build_header())
        right.addWidget(self._build_count_card())
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        self.canvas = RuleCanvas(self.tree)
        self.canvas.choices_loader = self.load_choices
        self.canvas.validity_changed.connect(self._schedule_count)
        self.canvas.selection_changed.connect(lambda _id: self._update_actions())
        split.addWidget(self.canvas)
        split.addWidget(self._build_bottom_tabs())
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([700, 220])
        self.splitter = split
        self._splitter_by_user = False
        split.splitterMoved.connect(lambda *_a: setattr(self, "_splitter_by_user", True))
        self.canvas.rebuilt.connect(lambda: QTimer.singleShot(0, self._fit_splitter))
        right.addWidget(split, 1)
        bindings: dict[str, Callable] = {}
        for std, fn, extra in ((QKeySequence.StandardKey.Undo, self.undo, ["Ctrl+Z"]),
                               (QKeySequence.StandardKey.Redo, self.redo, ["Ctrl+Y", "Ctrl+Shift+Z"]),
                               (QKeySequence.StandardKey.Save, self.save, ["Ctrl+S"])):
            for seq in [k.toString() for k in QKeySequence.keyBindings(std)] + extra:
                bindings.setdefault(seq, fn)  # one shortcut per key: duplicates would be ambiguous
        for seq, fn in bindings.items():
            shortcut = QShortcut(QKeySequence(seq), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(fn)

    def _build_left(self) -> QWidget:
        card = QFrame(objectName="Card")
        card.setFixedWidth(266)
        lay = QVBoxLayout(card)
        lay.setContentsMargins(12, 12, 12, 12)
        lay.setSpacing(8)
        head = QHBoxLayout()
        title = QLabel(self.tr("Saved segments"))
        title.setObjectName("SectionTitle")
        head.addWidget(title, 1)
        self.new_button = QToolButton()
        self.new_button.setObjectName("AddButton")
        self.new_button.setText(self.tr("+ New"))
        self.new_button.setToolTip(self.tr("Start a new segment, empty or from a template"))
        self.new_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.new_button.setMenu(self._templates_menu())
        head.addWidget(self.new_button)
        lay.addLayout(head)
        self.segment_list = QListWidget()
        self.segment_list.setObjectName("SegmentList")
        self.segment_list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.segment_list.customContextMenuRequested.connect(self._list_menu)
        self.segment_list.itemActivated.connect(self._open_item)
        self.segment_list.itemClicked.connect(self._open_item)
        lay.addWidget(self.segment_list, 1)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setStyleSheet(f"color: {style.BORDER};")
        lay.addWidget(line)
        self._palette: FieldPalette | None = None  # built just after the page is on screen
        self._palette_slot = QVBoxLayout()
        self._palette_slot.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(self._palette_slot, 2)
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        buttons.addWidget(self.add_condition_button, 1)
        buttons.addWidget(self.add_group_button, 1)
        buttons.addWidget(self.delete_button)
        lay.addLayout(buttons)
        return card

    def _templates_menu(self) -> QMenu:
        """Filled just after the first paint (``_build_later``) or when first opened."""
        menu = QMenu(self)
        menu.setToolTipsVisible(True)
        menu.aboutToShow.connect(lambda: self._fill_templates_menu(menu))
        return menu

    def _fill_templates_menu(self, menu: QMenu) -> None:
        if not menu.isEmpty():
            return
        act = menu.addAction(self.tr("Empty segment"))
        act.triggered.connect(self.new_segment)
        menu.addSeparator()
        try:
            from loyalty_desktop.segments import templates

            for tpl in _template_list(templates):
                act = menu.addAction(tpl["label"])
                act.setToolTip(tpl.get("description", ""))
                act.triggered.connect(lambda _=False, t=tpl: self.new_segment(t))
        except ImportError:
            log.info("segment templates not available")

    def _build_header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(8)
        self.name_label = _ElidedLabel()  # a long name gives way to the buttons ("…", full name as tooltip)
        self.name_label.setObjectName("SegmentName")
        self.dirty_label = QLabel()
        self.dirty_label.setObjectName("DirtyMark")
        row.addWidget(self.name_label)
        row.addWidget(self.dirty_label)
        row.addStretch(1)
        for b in (self.undo_button, self.redo_button):
            row.addWidget(b)
        row.addSpacing(10)
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setProperty("primary", True)
        self.save_button.setToolTip(self.tr("Save the segment (Ctrl+S)"))
        self.save_button.clicked.connect(self.save)
        self.save_as_button = QPushButton(self.tr("Save as…"))
        self.save_as_button.clicked.connect(lambda: self.save_as())
        self.more_button = QPushButton(self.tr("More"))
        more = QMenu(self)
        self.rename_action = more.addAction(self.tr("Rename…"), lambda: self.rename())
        self.duplicate_action = more.addAction(self.tr("Duplicate"), lambda: self.duplicate())
        self.delete_action = more.addAction(self.tr("Delete segment…"), lambda: self.delete_segment())
        more.addSeparator()
        more.addAction(self.tr("Export rule as JSON…"), lambda: self.export_json())
        more.addAction(self.tr("Import rule from JSON…"), lambda: self.import_json())
        self.more_button.setMenu(more)
        row.addWidget(self.save_as_button)
        row.addWidget(self.more_button)
        row.addWidget(self.save_button)
        return row

    def _build_count_card(self) -> QWidget:
        card = QFrame(objectName="Card")
        lay = QHBoxLayout(card)
        lay.setContentsMargins(16, 8, 16, 8)
        lay.setSpacing(12)
        col = QVBoxLayout()
        col.setSpacing(0)
        self.count_label = QLabel("—")
        self.count_label.setObjectName("CountBig")
        self.share_label = QLabel()
        col.addWidget(self.count_label)
        col.addWidget(self.share_label)
        self.invalid_label = QLabel()
        self.invalid_label.setObjectName("ErrorLabel")
        self.invalid_label.setVisible(False)
        col.addWidget(self.invalid_label)
        lay.addLayout(col, 1)
        self.tag_button = QPushButton(self.tr("Tag all…"))
        self.tag_button.setToolTip(self.tr("Add a tag to every customer in this segment"))
        self.tag_button.clicked.connect(lambda: self.tag_all())
        self.sms_button = QPushButton(self.tr("Export for SMS"))
        self.sms_button.setToolTip(self.tr("Open the campaign export with this segment"))
        self.sms_button.clicked.connect(self.export_for_sms)
        self.list_button = QPushButton(self.tr("Show in customer list"))
        self.list_button.clicked.connect(self.show_in_customers)
        actions = QVBoxLayout()
        actions.setSpacing(2)
        buttons = QHBoxLayout()
        buttons.setSpacing(12)
        for b in (self.tag_button, self.sms_button, self.list_button):
            buttons.addWidget(b)
        actions.addLayout(buttons)
        # "Counted in 0,03 s", "Tag … added to 1.234 customers": under the buttons, as wide as they are
        self.status_label = _ElidedLabel()
        self.status_label.setObjectName("Muted")
        actions.addWidget(self.status_label)
        lay.addLayout(actions)
        return card

    def _build_toolbar(self) -> None:
        self.undo_button = QPushButton(self.tr("Undo"))
        self.undo_button.setToolTip(self.tr("Undo (Ctrl+Z)"))
        self.undo_button.clicked.connect(self.undo)
        self.redo_button = QPushButton(self.tr("Redo"))
        self.redo_button.setToolTip(self.tr("Redo (Ctrl+Y)"))
        self.redo_button.clicked.connect(self.redo)
        self.add_condition_button = QPushButton(self.tr("+ Condition"))
        self.add_condition_button.setToolTip(self.tr("Add the condition chosen in the list to the selected group"))
        self.add_condition_button.clicked.connect(self._add_selected_field)
        self.add_group_button = QPushButton(self.tr("+ Group"))
        self.add_group_button.setToolTip(self.tr("Add a sub-group to the selected group"))
        self.add_group_button.clicked.connect(lambda: self.canvas.add_group())
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.setProperty("danger", True)
        self.delete_button.setToolTip(self.tr("Delete the selected condition or group (Del)"))
        self.delete_button.clicked.connect(lambda: self.canvas.delete_node())
        for b in (self.undo_button, self.redo_button, self.delete_button, self.add_condition_button,
                  self.add_group_button):
            b.setObjectName("SmallButton")

    def _make_preview(self):
        """The customer list's own model and view (pages fetched in workers, same columns and
        formatting), showing the rule's customers; our small table if that widget is missing."""
        try:
            from loyalty_desktop.ui.widgets.customer_table import CustomerTableModel, CustomerTableView
        except ImportError:
            CustomerTableModel = None  # noqa: N806
        if CustomerTableModel is not None:
            model = CustomerTableModel(self.ctx, self, key="segments-preview")
            # no remembered header: the preview picks its columns to fit its width (_fit_preview_columns)
            view = CustomerTableView(self.ctx, model, settings_key="")
            view.open_customer.connect(lambda cid: self.ctx.navigate("customers", {"customer": cid}))
            self._preview_widths = {key: view.columnWidth(i) for i, key in enumerate(model.columns)
                                    if not view.isColumnHidden(i)}
            return model, view
        model = PreviewModel([self.tr("Name"), self.tr("Phone"), self.tr("Province"), self.tr("Total spent"),
                              self.tr("Orders"), self.tr("Last purchase")], self)
        view = QTableView()
        view.setModel(model)
        view.verticalHeader().setVisible(False)
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        view.verticalHeader().setDefaultSectionSize(style.ROW_HEIGHT)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setAlternatingRowColors(True)
        view.setShowGrid(False)
        view.setWordWrap(False)
        header = view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        for col, width in ((1, 125), (2, 140), (3, 130), (4, 70), (5, 150)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            view.setColumnWidth(col, width)
        return model, view

    def _fit_preview_columns(self) -> None:
        """The preview shows the most useful columns that fit its width (name, phone, province, total
        spent, tags, age, last purchase, orders, tier, gender, points), widened to fill it: no
        horizontal scrolling at 1366×768, no empty strip at 1920×1080."""
        import shiboken6

        if self._preview_parts is None:  # not built yet: it fits itself when it is
            return
        model, view = self._preview_parts
        widths = getattr(self, "_preview_widths", None)
        if not widths or not shiboken6.isValid(view) or not hasattr(model, "columns"):
            return
        from PySide6.QtWidgets import QStyle

        avail = (view.width() - 2 * view.frameWidth()
                 - view.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, view) - 2)
        if avail < 200:
            return
        shown: list[str] = []
        used = 0
        for key in PREVIEW_COLUMNS:
            w = widths.get(key)
            if w and key in model.columns and (used + w <= avail or not shown):
                shown.append(key)
                used += w
        for i, key in enumerate(model.columns):
            hidden = key not in shown
            if view.isColumnHidden(i) != hidden:
                view.setColumnHidden(i, hidden)
        spare = max(0, avail - used)
        for n, key in enumerate(shown):
            extra = spare - sum(spare * widths[k] // used for k in shown[:-1]) if n == len(shown) - 1 \
                else spare * widths[key] // used
            i = model.columns.index(key)
            if view.columnWidth(i) != widths[key] + extra:
                view.setColumnWidth(i, widths[key] + extra)

    def _show_preview(self, rule: dict) -> None:
        if isinstance(self.preview_model, PreviewModel):
            self.ctx.tasks.run("segments:preview", preview_rows, self.ctx.db, rule,
                               on_result=self._safe(self._on_preview), on_error=lambda exc: None)
            return
        from loyalty_desktop.customers import CustomerQuery

        old = self.preview_model.query
        sort = old.sort if old.rule is not None else "total_spent"
        descending = old.descending if old.rule is not None else True
        if old.rule == rule and self.preview_model.count is not None and not self._preview_dirty:
            return
        self._preview_dirty = False
        self.preview_model.set_query(CustomerQuery(rule=rule, sort=sort, descending=descending))
        header = self.preview.horizontalHeader()
        if sort in self.preview_model.columns:
            header.blockSignals(True)
            header.setSortIndicator(self.preview_model.columns.index(sort),
                                    Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder)
            header.blockSignals(False)

    def _build_bottom_tabs(self) -> QWidget:
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(False)
        # the preview and "why not?" are built just after the page is on screen (_build_later)
        self._preview_parts: tuple | None = None
        self.tabs.addTab(QWidget(), self.tr("Preview"))
        self.tabs.addTab(QWidget(), self.tr("Why (not) this customer?"))
        self.analytics = None
        self.tabs.currentChanged.connect(self._tab_changed)
        self.tabs.addTab(QWidget(), self.tr("Analysis"))
        return self.tabs

    # ----- built after the first paint (opening the page must not freeze the window)
    @property
    def is_built(self) -> bool:
        """The field list, the preview and "why not?" exist (they are built just after the first paint)."""
        return self._palette is not None and self._preview_parts is not None and not self.new_button.menu().isEmpty()

    def _build_later(self) -> None:
        """One part per event-loop turn (a real timer between them, so input and painting go first)."""
        import shiboken6

        if not shiboken6.isValid(self):
            return
        if self._palette is None:
            self._build_palette()
        elif self._preview_parts is None:
            self._build_preview_tabs()
        else:
            self._fill_templates_menu(self.new_button.menu())
        if not self.is_built:
            QTimer.singleShot(15, self._build_later)
        else:
            self._first_load()

    @property
    def palette(self) -> FieldPalette:  # noqa: D401 (shadows QWidget.palette(), as before)
        if self._palette is None:
            self._build_palette()
        return self._palette

    @property
    def preview_model(self):
        if self._preview_parts is None:
            self._build_preview_tabs()
        return self._preview_parts[0]

    @property
    def preview(self):
        if self._preview_parts is None:
            self._build_preview_tabs()
        return self._preview_parts[1]

    def _build_palette(self) -> None:
        from loyalty_desktop.ui.widgets.rule_builder.palette import FieldPalette

        self._palette = FieldPalette()
        self._palette.field_activated.connect(lambda f: self.canvas.add_field(f))
        self._palette_slot.addWidget(self._palette)

    def _build_preview_tabs(self) -> None:
        model, view = self._make_preview()
        self._preview_parts = (model, view)
        current = self.tabs.currentIndex()
        self.tabs.blockSignals(True)
        for index, widget, label in ((0, view, self.tr("Preview")),
                                     (1, self._build_why(), self.tr("Why (not) this customer?"))):
            old = self.tabs.widget(index)
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, widget, label)
            old.deleteLater()
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(False)
        QTimer.singleShot(0, self._safe(self._fit_preview_columns))

    def _build_why(self) -> QWidget:
        why = QWidget()
        wl = QVBoxLayout(why)
        wl.setContentsMargins(10, 10, 10, 10)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Phone number:")))
        self.why_phone = QLineEdit()
        self.why_phone.setPlaceholderText(self.tr("e.g. 0912 345 678"))
        self.why_phone.setMaximumWidth(220)
        self.why_phone.returnPressed.connect(self.explain)
        row.addWidget(self.why_phone)
        self.why_button = QPushButton(self.tr("Check"))
        self.why_button.clicked.connect(self.explain)
        row.addWidget(self.why_button)
        self.why_summary = QLabel()
        self.why_summary.setWordWrap(True)
        row.addWidget(self.why_summary, 1)
        wl.addLayout(row)
        self.why_tree = QTreeWidget()
        self.why_tree.setHeaderHidden(True)
        wl.addWidget(self.why_tree, 1)
        return why

    def _safe(self, fn: Callable) -> Callable:
        """A task callback that does nothing once this page is gone (results arrive through the
        event loop, possibly after the widget was deleted)."""
        import shiboken6

        def call(*args):
            if shiboken6.isValid(self):
                fn(*args)

        return call

    # ----- rule edits → counts
    def _on_tree_change(self, change: Change) -> None:
        self._update_title()
        self._update_actions()
        self._schedule_count()

    def _schedule_count(self) -> None:
        n = len(self.canvas.invalid)
        self.invalid_label.setText(
            ("⚠ " + self.tr("Incomplete conditions (not counted): {n}").format(n=n)) if n else "")
        self.invalid_label.setVisible(bool(n))
        self.status_label.setText(self.tr("Counting…"))
        self._set_stale(True)
        self._debounce.start()

    def _set_stale(self, stale: bool) -> None:
        """Numbers of a rule that has changed since are shown grey until the new ones arrive (the
        groups' own counts turn back when theirs arrive)."""
        if stale:
            self.canvas.set_counts_stale(True)
        value = "true" if stale else "false"
        if self.count_label.property("stale") != value:
            self.count_label.setProperty("stale", value)
            self.count_label.style().unpolish(self.count_label)
            self.count_label.style().polish(self.count_label)

    def counted_rule(self) -> dict:
        """The rule as counted: conditions still being fixed (invalid) are left out."""
        return self.tree.to_json(skip=set(self.canvas.invalid))

    def recount(self) -> None:
        """Count the current rule in a worker. One worker at a time per page: the total first, then
        (chained) the group counts and the preview, so a burst of edits never piles up Python work
        in several threads (that would take the GIL from the UI thread)."""
        self._debounce.stop()
        rule = self.counted_rule()
        self.status_label.setText(self.tr("Counting…"))
        self.ctx.tasks.cancel("segments:details")
        self.ctx.tasks.cancel("segments:saved-count")  # resumed when the live count is done
        for key in ("segments-preview-count", "segments-preview-pages"):  # the old rule's preview
            if self.ctx.tasks.is_running(key):
                self.ctx.tasks.cancel(key)
                self._preview_dirty = True
        self.ctx.tasks.run("segments:count", count_rule, self.ctx.db, rule, self.total_customers is None,
                           on_result=self._safe(self._on_count), on_error=self._safe(self._on_count_error),
                           on_finished=self._safe(self._pump_saved))

    def _start_details(self, rule: dict) -> None:
        """Chained after the total: the group counts, then the preview (its own paging model)."""
        groups = group_rules(self.tree, set(self.canvas.invalid))
        if not groups:
            self._on_group_counts({})
            self._show_preview(rule)
            QTimer.singleShot(0, self._safe(self._pump_saved))
            return
        self.ctx.tasks.run("segments:details", group_counts, self.ctx.db, rule, groups,
                           on_result=self._safe(self._on_details), on_error=lambda exc: None,
                           on_finished=self._safe(self._pump_saved))  # after it left the running set

    def _on_details(self, result: dict) -> None:
        if result["rule"] != self.counted_rule():
            return
        self._on_group_counts(result["groups"])
        self._show_preview(result["rule"])

    def _on_count(self, result: dict) -> None:
        if result["rule"] != self.counted_rule():
            return  # a stale answer (the rule changed meanwhile); the newer count is on its way
        from loyalty_desktop.ui.format import format_count, format_percent

        n = result["count"]
        self._set_stale(False)
        if result["total"] is not None:
            self.total_customers = result["total"]
        total = self.total_customers or 0
        self.shown_count, self.shown_rule = n, result["rule"]
        self.count_label.setText(self.tr("{n} customers").format(n=format_count(n)))
        share = n / total if total else None
        self.share_label.setText(self.tr("{share} of all {total} customers").format(
            share=format_percent(share), total=format_count(total)))
        self.status_label.setText(self.tr("Counted in {s} s").format(s=f"{result['seconds']:.2f}".replace(".", ",")))
        self.group_counts[self.tree.root.id] = n
        self.canvas.set_group_count(self.tree.root.id, *self._count_text(n))  # sub-groups follow
        self.count_shown.emit(n)
        self._start_details(result["rule"])
        self._update_analytics()

    def _on_count_error(self, exc: BaseException) -> None:
        self.status_label.setText(self.tr("Could not count: {error}").format(
            error=self.ctx.error_text(exc) if isinstance(exc, UserError) else str(exc)))
        self.count_label.setText("—")

    def _on_group_counts(self, counts: dict[int, int]) -> None:
        root = self.group_counts.get(self.tree.root.id)
        self.group_counts = dict(counts)
        if root is not None:
            self.group_counts[self.tree.root.id] = root
        self._show_group_counts()

    def _count_text(self, n: int) -> tuple[str, str]:
        from loyalty_desktop.ui.format import format_count, format_percent

        total = self.total_customers
        share = format_percent(n / total) if total else "—"
        return (self.tr("{n} cust. · {share}").format(n=format_count(n), share=share),
                self.tr("{n} customers, {share} of all customers").format(n=format_count(n), share=share))

    def _show_group_counts(self) -> None:
        self.canvas.set_counts({gid: self._count_text(n) for gid, n in self.group_counts.items()
                                if gid in self.tree})

    def _on_preview(self, rows: list[dict]) -> None:
        from loyalty_desktop.ui.format import display_phone, format_date, format_vnd

        table = []
        for row in rows:
            last = row.get("last_purchase_at")
            table.append((row.get("full_name") or "", display_phone(row["phone"]) if row.get("phone") else "",
                          row.get("province") or "", format_vnd(row.get("total_spent") or 0),
                          str(row.get("order_count") or 0), format_date(last) if last else "—"))
        self.preview_model.set_rows(table)

    def load_choices(self, field_id: str, callback: Callable[[list], None]) -> None:
        if field_id in self._choices_cache:
            callback(self._choices_cache[field_id])
            return

        def done(values: list, f=field_id) -> None:
            self._choices_cache[f] = values
            callback(values)

        self.ctx.tasks.run(f"segments:choices:{field_id}:{id(callback)}", load_choices, self.ctx.db, field_id,
                           on_result=self._safe(done), on_error=lambda exc: None)

    # ----- undo / keyboard
    def undo(self) -> None:
        self.tree.undo()

    def redo(self) -> None:
        self.tree.redo()

    def _add_selected_field(self) -> None:
        item = self.palette.tree.currentItem()
        field_id = item.data(0, NAME_ROLE) if item else None
        if field_id:
            self.canvas.add_field(field_id)
            return
        # nothing chosen in the list: offer the fields as a menu, for the selected group
        menu = self.canvas.groups[self.canvas.selected_group_id()].add_condition_button.menu()
        menu.popup(self.add_condition_button.mapToGlobal(self.add_condition_button.rect().bottomLeft()))

    def _update_actions(self) -> None:
        self.undo_button.setEnabled(self.tree.can_undo)
        self.redo_button.setEnabled(self.tree.can_redo)
        sel = self.canvas.selected_id
        self.delete_button.setEnabled(sel is not None and sel != self.tree.root.id and sel in self.tree)
        saved = self.segment_name is not None
        for act in (self.rename_action, self.duplicate_action, self.delete_action):
            act.setEnabled(saved)

    def _update_title(self) -> None:
        self.name_label.setText(self.segment_name or self.tr("New segment"))
        dirty = self.tree.is_dirty
        self.dirty_label.setText(self.tr("● unsaved changes") if dirty else "")
        self.save_button.setEnabled(dirty or self.segment_name is None)

    # ----- saved segments
    def refresh_list(self) -> None:
        self.ctx.tasks.run("segments:list", list_saved, self.ctx.db, on_result=self._safe(self._on_list),
                           on_error=lambda exc: log.warning("cannot list segments: %s", exc))

    def _on_list(self, rows: list[dict]) -> None:
        self.saved = rows
        self._fill_list()
        fresh_after = datetime.now() - SAVED_COUNT_MAX_AGE
        queue = []
        for row in rows:
            name = row["name"]
            if name in self._saved_counts:
                continue
            at = row.get("cached_at")
            if isinstance(at, str):
                try:
                    at = datetime.fromisoformat(at)
                except ValueError:
                    at = None
            if row.get("cached_count") is None or at is None or at < fresh_after or self._counts_stale:
                queue.append(name)
        self._saved_queue = queue
        self._pump_saved()

    def _live_busy(self) -> bool:
        tasks = self.ctx.tasks
        return self._debounce.isActive() or tasks.is_running("segments:count") or tasks.is_running("segments:details")

    def _pump_saved(self) -> None:
        """Count saved segments one at a time, only while the live count is idle (it has priority:
        a new edit cancels the running one, which is counted again later)."""
        if not self._saved_queue or self._live_busy() or self.ctx.tasks.is_running("segments:saved-count"):
            return
        self.ctx.tasks.run("segments:saved-count", count_saved_segment, self.ctx.db, self._saved_queue[0],
                           on_result=self._safe(self._on_saved_count),
                           on_error=self._safe(self._saved_count_failed))

    def _saved_count_failed(self, exc: BaseException) -> None:
        log.warning("cannot count a saved segment: %s", exc)
        if self._saved_queue:
            self._saved_queue.pop(0)
        QTimer.singleShot(0, self._safe(self._pump_saved))

    def _on_saved_count(self, result: tuple) -> None:
        name, n, at = result
        if name in self._saved_queue:
            self._saved_queue.remove(name)
        if n is not None:
            self._saved_counts[name] = (n, at)
            if WRITE_COUNT_CACHE:
                self.ctx.tasks.run(f"segments:cache:{name}", cache_saved_count, self.ctx.db, name, n, write=True,
                                   on_error=lambda exc: None)
        self._fill_list()
        if not self._saved_queue:
            self._counts_stale = False
        QTimer.singleShot(0, self._safe(self._pump_saved))

    def _fill_list(self) -> None:
        from loyalty_desktop.ui.format import format_count, format_datetime

        current = self.segment_name
        self.segment_list.blockSignals(True)
        self.segment_list.clear()
        if not self.saved:
            item = QListWidgetItem(self.tr("No saved segments yet.\nBuild a rule and press Save."))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.segment_list.addItem(item)
        for row in self.saved:
            name = row["name"]
            n, at = self._saved_counts.get(name, (row.get("cached_count"), row.get("cached_at")))
            count_text = self.tr("{n} customers").format(n=format_count(n)) if n is not None else self.tr("counting…")
            when_short = _short_time(at)
            if n is not None and when_short:
                count_text = self.tr("{count} · at {time}").format(count=count_text, time=when_short)
            item = QListWidgetItem(f"{name}\n{count_text}")
            item.setData(NAME_ROLE, name)
            when = at
            if isinstance(when, str):
                try:
                    when = datetime.fromisoformat(when)
                except ValueError:
                    when = None
            if when is not None:
                item.setToolTip(self.tr("Counted at {time}").format(time=format_datetime(when)))
            item.setSizeHint(QSize(200, 46))
            self.segment_list.addItem(item)
            if name == current:
                item.setSelected(True)
                self.segment_list.setCurrentItem(item)
        self.segment_list.blockSignals(False)

    def _list_menu(self, pos) -> None:
        item = self.segment_list.itemAt(pos)
        name = item.data(NAME_ROLE) if item else None
        if not name:
            return
        if name != self.segment_name and not self.open_segment(name):
            return
        menu = QMenu(self)
        menu.addAction(self.tr("Rename…"), lambda: self.rename())
        menu.addAction(self.tr("Duplicate"), lambda: self.duplicate())
        menu.addAction(self.tr("Export rule as JSON…"), lambda: self.export_json())
        menu.addSeparator()
        menu.addAction(self.tr("Delete segment…"), lambda: self.delete_segment())
        menu.exec(self.segment_list.viewport().mapToGlobal(pos))

    def _open_item(self, item: QListWidgetItem) -> None:
        name = item.data(NAME_ROLE)
        if name and name != self.segment_name:
            self.open_segment(name)

    def confirm_discard(self) -> bool:
        """Unsaved-changes guard: Save / Discard / Cancel. Returns True when it is fine to go on."""
        if not self.tree.is_dirty or (self.segment_name is None and not self.tree.root.children):
            return True
        answer = QMessageBox.question(
            self, self.tr("Unsaved changes"),
            self.tr("The segment “{name}” has unsaved changes. Save them?").format(
                name=self.segment_name or self.tr("New segment")),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def can_close(self) -> bool:
        return self.confirm_discard()

    def open_segment(self, name: str, *, guard: bool = True) -> bool:
        if guard and not self.confirm_discard():
            self._fill_list()
            return False
        from loyalty_desktop.segments import store

        try:
            with self.ctx.db.connect() as conn:  # one small row: fine on the UI thread
                rule = store.rule_for_segment(conn, name)
        except UserError as exc:
            self.ctx.show_error(self, self.tr("Open segment"), exc)
            return False
        self.set_rule(rule, name)
        return True

    def set_rule(self, rule: Any, name: str | None = None) -> None:
        rule = _rule_json(rule)
        self.segment_name = name
        self.tree.load(rule, undoable=False)
        self._update_title()
        self._update_actions()
        self._fill_list()
        self.recount()

    def new_segment(self, template: dict | None = None) -> None:
        if not self.confirm_discard():
            return
        self.segment_name = None
        rule = template["rule"] if template else {"all": []}
        self.tree.load(rule, undoable=False)
        if template:
            self.tree._clean_state = None  # a template is not saved yet  # noqa: SLF001
            self._suggested_name = template["label"]
        else:
            self._suggested_name = ""
        self._update_title()
        self._update_actions()
        self._fill_list()
        self.recount()

    def _ask_name(self, title: str, text: str = "") -> str | None:
        name, ok = QInputDialog.getText(self, title, self.tr("Segment name:"), QLineEdit.EchoMode.Normal, text)
        name = (name or "").strip()
        return name if ok and name else None

    def _write(self, fn: Callable, *args) -> Any:
        """A small write on the UI thread (one row): errors shown in plain words."""
        with self.ctx.db.begin() as conn:
            return fn(conn, *args)

    def save(self) -> bool:
        if self.segment_name is None:
            return self.save_as()
        return self._save_under(self.segment_name, replace=True)

    def save_as(self, name: str | None = None) -> bool:
        if name is None:
            name = self._ask_name(self.tr("Save segment as"), getattr(self, "_suggested_name", "") or "")
        if not name:
            return False
        from loyalty_desktop.segments import store

        with self.ctx.db.connect() as conn:
            existing = store.get_segment(conn, name)
        if existing is not None:
            if existing["name"] == self.segment_name:
                return self._save_under(existing["name"], replace=True)
            answer = QMessageBox.question(
                self, self.tr("Save segment as"),
                self.tr("A segment named “{name}” already exists. Replace its rule with this one?").format(
                    name=existing["name"]))
            if answer != QMessageBox.StandardButton.Yes:
                return False
            return self._save_under(existing["name"], replace=True)
        return self._save_under(name)

    def _save_under(self, name: str, replace: bool = False) -> bool:
        from loyalty_desktop.segments import store

        if self.canvas.invalid:
            QMessageBox.warning(self, self.tr("Save segment"), self.tr(
                "Some conditions are not complete (outlined in red). Fix or delete them before saving."))
            return False
        try:
            self._write(lambda conn: store.save_segment(conn, name, self.tree.document(), replace=replace))
        except UserError as exc:
            self.ctx.show_error(self, self.tr("Save segment"), exc)
            return False
        self.segment_name = name
        self.tree.mark_clean()
        self._update_title()
        self._update_actions()
        self.ctx.notify_changed("segments")
        return True

    def rename(self, new_name: str | None = None) -> bool:
        from loyalty_desktop.segments import store

        if self.segment_name is None:
            return False
        new_name = new_name or self._ask_name(self.tr("Rename segment"), self.segment_name)
        if not new_name or new_name == self.segment_name:
            return False
        try:
            self._write(store.rename_segment, self.segment_name, new_name)
        except UserError as exc:
            self.ctx.show_error(self, self.tr("Rename segment"), exc)
            return False
        self.segment_name = new_name
        self._update_title()
        self.ctx.notify_changed("segments")
        return True

    def duplicate(self, new_name: str | None = None) -> bool:
        from loyalty_desktop.segments import store

        if self.segment_name is None:
            return False
        new_name = new_name or self._ask_name(self.tr("Duplicate segment"),
                                              self.tr("{name} (copy)").format(name=self.segment_name))
        if not new_name:
            return False
        try:
            self._write(store.duplicate_segment, self.segment_name, new_name)
        except UserError as exc:
            self.ctx.show_error(self, self.tr("Duplicate segment"), exc)
            return False
        self.ctx.notify_changed("segments")
        return self.open_segment(new_name, guard=False)

    def delete_segment(self, confirm: bool = True) -> bool:
        from loyalty_desktop.segments import store

        if self.segment_name is None:
            return False
        if confirm and QMessageBox.question(
                self, self.tr("Delete segment"),
                self.tr("Delete the segment “{name}”? Customers are not deleted.").format(name=self.segment_name)
        ) != QMessageBox.StandardButton.Yes:
            return False
        try:
            self._write(store.delete_segment, self.segment_name)
        except UserError as exc:
            self.ctx.show_error(self, self.tr("Delete segment"), exc)
            return False
        self.segment_name = None
        self.tree.load({"all": []}, undoable=False)
        self._update_title()
        self.ctx.notify_changed("segments")
        return True

    def export_json(self, path: str | None = None) -> bool:
        if path is None:
            suggested = (self.segment_name or "segment") + ".json"
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Export rule"), suggested, self.tr("Rule (*.json)"))
        if not path:
            return False
        doc = self.tree.document()
        if self.segment_name:
            doc["name"] = self.segment_name
        try:
            Path(path).write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
        except OSError as exc:
            self.ctx.show_error(self, self.tr("Export rule"), UserError(str(exc)))
            return False
        return True

    def import_json(self, path: str | None = None) -> bool:
        from loyalty_desktop.segments.rules import parse_rule

        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, self.tr("Import rule"), "", self.tr("Rule (*.json)"))
        if not path:
            return False
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
            parse_rule(text)  # the engine's precise message names the bad node
            self.tree.load(text, label="import")
        except (OSError, UserError) as exc:
            error = exc if isinstance(exc, UserError) else UserError(str(exc))
            self.ctx.show_error(self, self.tr("Import rule"), error)
            return False
        return True

    # ----- actions on the segment's customers
    def _require_saved(self, title: str) -> str | None:
        if self.segment_name is not None and not self.tree.is_dirty:
            return self.segment_name
        QMessageBox.information(self, title, self.tr("Save the segment first."))
        if not self.save():
            return None
        return self.segment_name

    def export_for_sms(self) -> None:
        name = self._require_saved(self.tr("Export for SMS"))
        if name:
            self.ctx.navigate("campaigns", {"segment": name})

    def show_in_customers(self) -> None:
        name = self._require_saved(self.tr("Show in customer list"))
        if name:
            self.ctx.navigate("customers", {"segment": name})

    def tag_all(self, tag: str | None = None) -> None:
        from loyalty_desktop.ui.format import format_count

        if tag is None:
            n = format_count(self.shown_count) if self.shown_count is not None else "…"
            tag, ok = QInputDialog.getItem(
                self, self.tr("Tag all"), self.tr("Tag to add to the {n} customers of this segment:").format(n=n),
                self._choices_cache.get("tag", []), 0, True)
            tag = (tag or "").strip()
            if not ok or not tag:
                return
        rule = self.counted_rule()
        description = self.tr("Segment: {name}").format(name=self.segment_name or self.tr("New segment"))
        self.status_label.setText(self.tr("Tagging…"))
        self.tag_button.setEnabled(False)
        self.ctx.tasks.run("segments:tag-all", tag_segment, self.ctx.db, rule, tag, description, write=True,
                           on_result=self._safe(self._tagged),
                           on_error=self._safe(self._tag_failed))

    def _tag_failed(self, exc: BaseException) -> None:
        self.tag_button.setEnabled(True)
        self.status_label.setText("")
        self.ctx.show_error(self, self.tr("Tag all"), exc)

    def _tagged(self, result: dict) -> None:
        from loyalty_desktop.ui.format import format_count

        self.tag_button.setEnabled(True)
        self.status_label.setText(self.tr("Tag “{tag}” added to {n} customers").format(
            tag=result["tag"], n=format_count(result["changed"])))
        self.last_tag_result = result
        self._choices_cache.pop("tag", None)
        self.ctx.notify_changed("tags")

    # ----- why (not) this customer
    def explain(self) -> None:
        phone = self.why_phone.text().strip()
        if not phone:
            return
        self.why_summary.setText(self.tr("Checking…"))
        self.ctx.tasks.run("segments:explain", explain_phone, self.ctx.db, phone, self.counted_rule(),
                           on_result=self._safe(self._show_explain),
                           on_error=self._safe(lambda exc: self.why_summary.setText(self.ctx.error_text(exc))))

    def _show_explain(self, result: dict) -> None:
        self.why_tree.clear()
        if result.get("missing"):
            self.why_summary.setText(self.tr("No customer has the phone number {phone}.").format(phone=result["phone"]))
            return
        tree = result["tree"]
        passed = bool(tree.get("sql_passed", tree.get("passed")))
        self.why_summary.setText(
            (self.tr("{name} IS in this segment.") if passed else self.tr("{name} is NOT in this segment."))
            .format(name=result["name"] or result["phone"]))
        self.why_tree.clear()
        self._add_explain_item(None, tree)
        self.why_tree.expandAll()

    def _add_explain_item(self, parent: QTreeWidgetItem | None, node: dict) -> None:
        from loyalty_desktop.ui.widgets.rule_builder.labels import is_vietnamese

        from loyalty_desktop.segments.catalog import FIELDS

        passed = bool(node.get("passed"))
        engine_label = node.get("label") if is_vietnamese() else node.get("label_en")
        if node.get("kind") == "condition" and node.get("rule"):
            rule = node["rule"]
            text = _describe(rule) or engine_label
            inner = rule.get("not", rule)
            actual = node.get("actual")
            spec = FIELDS.get(inner.get("field", ""))
            shown = _show_value(spec, actual) if actual not in (None, "", []) else (node.get("actual_text") or "—")
            text = self.tr("{condition} — this customer: {value}").format(condition=text, value=shown)
        else:
            text = engine_label or node.get("kind", "")
        item = QTreeWidgetItem([("✔ " if passed else "✘ ") + str(text)])
        item.setForeground(0, Qt.GlobalColor.darkGreen if passed else Qt.GlobalColor.darkRed)
        if parent is None:
            self.why_tree.addTopLevelItem(item)
        else:
            parent.addChild(item)
        for child in node.get("children") or []:
            self._add_explain_item(item, child)

    # ----- analytics tab (the dashboard engineer's widget, embedded when available)
    def _fit_splitter(self) -> None:
        """The rule gets the height it needs (up to 70 %; 40 % with "why not?", 30 % with the charts),
        the tabs the rest — until the user moves the splitter."""
        import shiboken6

        if not shiboken6.isValid(self) or self._splitter_by_user:
            return
        total = sum(self.splitter.sizes())
        if total <= 0:
            return
        holder = self.canvas.widget()
        need = (holder.sizeHint().height() + 6) if holder is not None else total // 2
        # at most 30 % with the charts, 40 % with "why not?" (the explanation needs the room), else 70 %
        share = {2: 0.3, 1: 0.4}.get(self.tabs.currentIndex(), 0.7)
        top = max(min(int(total * 0.2), 140), min(need, int(total * share)))  # no empty strip
        self.splitter.setSizes([top, total - top])

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        QTimer.singleShot(0, self._fit_splitter)
        QTimer.singleShot(0, self._safe(self._fit_preview_columns))

    def _tab_changed(self, index: int) -> None:
        self._fit_splitter()
        if index != 2 or self.analytics is not None:
            return
        try:
            from loyalty_desktop.ui.widgets.segment_analytics import SegmentAnalyticsWidget
        except ImportError:
            label = QLabel(self.tr("Analysis is not available in this version."))
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.analytics = label
        else:
            self.analytics = SegmentAnalyticsWidget(self.ctx)
            self.analytics.setContentsMargins(10, 10, 10, 10)
        self.tabs.blockSignals(True)
        self.tabs.removeTab(2)
        self.tabs.insertTab(2, self.analytics, self.tr("Analysis"))
        self.tabs.setCurrentIndex(2)
        self.tabs.blockSignals(False)
        self._update_analytics()

    def _update_analytics(self) -> None:
        """Give the analytics tab the rule on screen (it only works while visible, and debounces)."""
        widget = self.analytics
        if widget is None or not hasattr(widget, "set_rule"):
            return
        rule = self.shown_rule if self.shown_rule is not None else self.counted_rule()
        widget.set_rule(rule, self.segment_name or self.tr("New segment"))

    # ----- navigation and app events
    def activate(self, args: dict | None = None) -> None:
        args = args or {}
        name = args.get("segment")
        if name and name != self.segment_name:
            self.open_segment(name)

    def _on_data_changed(self, area: str) -> None:
        if area == "segments":
            self.refresh_list()
        if area in ("customers", "purchases", "tags", "import"):
            if area in ("customers", "import"):
                self.total_customers = None
            self._choices_cache.clear()
            self._saved_counts.clear()
            self._counts_stale = True
            self.refresh_list()
            self._schedule_count()


def tag_segment(state, db, rule: dict, tag: str, description: str) -> dict:
    """Tag every customer of the rule (one undoable tag operation; the tag is created if new)."""
    from loyalty_desktop import tags

    with db.begin() as conn:
        state.interrupt_connection(conn)
        result = tags.apply_tag(conn, tag, source=tags.source_for_rule(conn, rule), create=True,
                                description=description, progress=lambda f, text="": state.progress(f, text))
    return result.as_dict()


def _rule_json(rule: Any) -> Any:
    if hasattr(rule, "model_dump"):
        from loyalty_desktop.segments.rules import node_to_json

        return node_to_json(rule)
    return rule


def _template_list(module) -> list[dict]:
    """Ready-made templates as dicts: label, description, rule (interface language)."""
    from loyalty_desktop.ui.widgets.rule_builder.labels import is_vietnamese

    vi = is_vietnamese()
    return [{"id": t.id, "label": t.name_vi if vi else t.name_en,
             "description": t.description_vi if vi else t.description_en, "rule": _rule_json(t.rule)}
            for t in module.list_templates()]


def _short_time(value: Any) -> str:
    """"14:05" for today, "21/11 14:05" otherwise (when a cached count was computed)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return ""
    if not isinstance(value, datetime):
        return ""
    if value.date() == datetime.now().date():
        return value.strftime("%H:%M")
    return value.strftime("%d/%m %H:%M")


def _show_value(spec, value: Any) -> str:
    """A condition's value as people read it: labels for choices, đồng, dd/mm/yyyy, days."""
    from loyalty_desktop.ui.widgets.rule_builder.labels import value_labels

    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_show_value(spec, v) for v in value)
    if isinstance(value, dict) and "days" in value:
        return QCoreApplication.translate("SegmentsPage", "{n} days").format(n=value["days"])
    labels = value_labels(spec) if spec is not None else {}
    if value in labels and not (isinstance(value, bool) != isinstance(next(iter(labels)), bool)):
        return labels[value]
    if spec is not None and spec.editor == "money" and isinstance(value, (int, float)):
        return format_vnd(int(value))
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return format_date(datetime.fromisoformat(value).date())
        except ValueError:
            return value
    return str(value)


def _describe(node: dict) -> str:
    """One condition in words (field, operator, value), in the interface language."""
    from loyalty_desktop.segments.catalog import FIELDS
    from loyalty_desktop.ui.widgets.rule_builder.labels import field_label, op_label

    if "not" in node:
        return QCoreApplication.translate("SegmentsPage", "not: {rule}").format(rule=_describe(node["not"]))
    if "field" not in node:
        return ""
    spec = FIELDS.get(node["field"])
    value = node.get("value")
    if node.get("op") == "between" and isinstance(value, list) and len(value) == 2:
        shown = QCoreApplication.translate("SegmentsPage", "{a} to {b}").format(
            a=_show_value(spec, value[0]), b=_show_value(spec, value[1]))
    else:
        shown = _show_value(spec, value)
    parts = [field_label(spec) if spec else node["field"], op_label(node.get("op", "")), shown]
    window = node.get("window")
    if window:
        parts.append(QCoreApplication.translate("SegmentsPage", "(last {n} days)").format(n=window.get("days")))
    return " ".join(p for p in parts if p)


def screenshots(ctx, window, out_dir) -> list:
    """Screenshot hook: the builder with a real 3-level rule at 1366×768 (``segments-builder.png``) and
    1920×1080 (``segments-builder-1920x1080.png``), and "why not this customer?" (``segments-explain.png``)."""
    from PySide6.QtWidgets import QApplication

    page = window.page("segments")
    _demo_segments(ctx)
    window.navigate("segments")
    page.refresh_list()
    page.tree.load(SCREENSHOT_RULE, undoable=False)
    page.segment_name = None
    page._update_title()  # noqa: SLF001
    page.recount()
    written = []
    app = QApplication.instance()

    def settle() -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            app.processEvents()
            if ctx.tasks.running_count == 0 and not page._debounce.isActive():  # noqa: SLF001
                break
            time.sleep(0.02)
        for _ in range(5):
            app.processEvents()
            time.sleep(0.02)

    for (w, h) in ((1366, 768), (1920, 1080)):
        window.resize(w, h)
        settle()
        path = Path(out_dir) / ("segments-builder.png" if w == 1366 else f"segments-builder-{w}x{h}.png")
        window.grab().save(str(path))
        written.append(path)
    window.resize(1366, 768)
    phone = _screenshot_phone(ctx)
    if phone:
        page.tabs.setCurrentIndex(1)
        page.why_phone.setText(phone)
        page.explain()
        settle()
        path = Path(out_dir) / "segments-explain.png"
        window.grab().save(str(path))
        written.append(path)
        page.tabs.setCurrentIndex(0)
    return written


def _screenshot_phone(ctx) -> str | None:
    """A customer who almost matches the screenshot rule (the interesting "why not?")."""
    from loyalty_desktop.segments import runner
    from loyalty_desktop.ui.format import display_phone

    near = {"all": SCREENSHOT_RULE["all"][:3] + [{"not": SCREENSHOT_RULE}]}
    with ctx.db.connect() as conn:
        rows = runner.page(conn, near, sort="total_spent", descending=True, limit=1).rows
    return display_phone(rows[0]["phone"]) if rows and rows[0].get("phone") else None


def _demo_segments(ctx) -> None:
    """Saved segments for the screenshot, only in a throw-away database (the temp demo one)."""
    import tempfile

    from loyalty_desktop.segments import store, templates

    if not str(ctx.db.location).startswith(tempfile.gettempdir()):
        return
    with ctx.db.begin() as conn:
        if store.list_segments(conn):
            return
        for tpl in templates.list_templates()[:4]:
            store.save_segment(conn, tpl.name_vi, tpl.rule, template=tpl.id)


SCREENSHOT_RULE = {"all": [  # women 26–45 in Hà Nội or TP.HCM, good recent buyers or VIP, not wholesale
    {"field": "gender", "op": "eq", "value": "female"},
    {"field": "age", "op": "between", "value": [26, 45]},
    {"field": "province", "op": "in", "value": ["Hà Nội", "Hồ Chí Minh"]},
    {"any": [
        {"all": [
            {"field": "total_spent", "op": "gte", "value": 2000000, "window": {"days": 90}},
            {"field": "order_count", "op": "gte", "value": 2, "window": {"days": 90}},
        ]},
        {"field": "tag", "op": "has", "value": "VIP"},
    ]},
    {"not": {"field": "tag", "op": "has", "value": "Khách sỉ"}},
]}
