"""The big customer table: a model that never loads the whole table, and its view.

``CustomerTableModel`` holds the row count and a cache of pages (200 rows each) fetched in worker
threads (keyset after a cached neighbour page, or an offset jump for the scrollbar). ``data()`` only
reads pre-formatted strings from the cache. A newer request cancels the older one (same task key),
so a fast scroll or a new search never waits for stale results (a request that still needs the page
in flight waits for it instead of restarting it). The Anki browser-table pattern.

The first page is asked for before the count: the table shows the first rows with a provisional row
count and the scrollbar grows when the count lands; a count that lands first never restarts page 0.
A page that lands outside the rows on screen repaints nothing (Qt repaints the whole viewport for
any multi-row ``dataChanged``).

Reused by the rule builder preview: give it a ``CustomerQuery`` with ``rule=…``.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from loyalty_desktop import customers as cu
from loyalty_desktop.ui import style

log = logging.getLogger(__name__)

PAGE = 200
TagsRole = Qt.ItemDataRole.UserRole + 1
IdRole = Qt.ItemDataRole.UserRole + 2
MAX_CACHED_PAGES = 60


@dataclass
class Selection:
    """What bulk actions act on: explicit ids, or everyone matching ``query``."""

    count: int
    ids: list[int] | None = None
    query: cu.CustomerQuery | None = None


def _fetch_pages(state, db, query, wanted, anchors, palette_needed):
    """Worker: fetch pages (index -> rows formatted for display)."""
    from loyalty_desktop.ui.format import display_phone, format_date, format_vnd

    out = {}
    palette = None
    with db.connect() as conn:
        state.interrupt_connection(conn)
        if palette_needed:
            palette = cu.tag_palette(conn)
        for page in wanted:
            state.check()
            after = anchors.get(page)
            res = cu.fetch_page(conn, query, after=after, offset=0 if after else page * PAGE, limit=PAGE)
            rows = []
            for r in res.rows:
                lp = r["last_purchase_at"]
                rows.append({
                    "id": r["id"],
                    "name": r["full_name"],
                    "phone": display_phone(r["phone"]) if r["phone"] else "",
                    "gender": r["gender"],
                    "age": "" if r["age"] is None else str(r["age"]),
                    "province": r["province"] or "",
                    "tags": r["tags"],
                    "points": f"{r['points'] or 0:,}".replace(",", "."),
                    "tier": r["tier"] or "",
                    "orders": f"{r['order_count'] or 0:,}".replace(",", "."),
                    "total_spent": format_vnd(r["total_spent"] or 0),
                    "last_purchase": format_date(lp.date() if hasattr(lp, "date") else lp) if lp else "",
                    "created": format_date(r["created_at"].date()) if r["created_at"] else "",
                    "opt_out": bool(r["sms_opt_out"]),
                })
            out[page] = (rows, res.first_key, res.last_key)
    return out, palette


def _count(state, db, query):
    with db.connect() as conn:
        state.interrupt_connection(conn)
        return cu.count_customers(conn, query)


class CustomerTableModel(QAbstractTableModel):
    count_changed = Signal(int)  # -1 while counting
    first_rows = Signal(float)  # seconds from the query change to the first page on screen
    failed = Signal(object)

    def __init__(self, ctx, parent=None, key: str = "customers") -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.key = key
        self.columns = list(cu.COLUMNS)
        self.query = cu.CustomerQuery()
        self._count: int | None = None
        self._rows_shown = 0
        self._pages: dict[int, list[dict]] = {}
        self._keys: dict[int, tuple] = {}  # page -> (first_key, last_key)
        self._used: dict[int, float] = {}
        self._missing: set[int] = set()
        self._inflight: set[int] = set()
        self._palette: dict[int, tuple[str, str]] = {}
        self._palette_stale = True
        self._generation = 0
        self._visible: tuple[int, int] | None = None  # rows on screen (from the view's want_rows)
        self._started = 0.0
        self._first_reported = True
        self._timer = QTimer(self, singleShot=True, interval=15)
        self._timer.timeout.connect(self._request_missing)
        self._labels = self._header_labels()
        self._genders = {"male": self.tr("Male"), "female": self.tr("Female"), "unknown": "—"}
        self._active = False

    # ----- labels
    def _header_labels(self) -> dict[str, str]:
        return {
            "name": self.tr("Name"), "phone": self.tr("Phone"), "gender": self.tr("Gender"),
            "age": self.tr("Age"), "province": self.tr("Province"), "tags": self.tr("Tags"),
            "points": self.tr("Points"), "tier": self.tr("Tier"), "orders": self.tr("Orders"),
            "total_spent": self.tr("Total spent"), "last_purchase": self.tr("Last purchase"),
            "created": self.tr("Joined"), "opt_out": self.tr("SMS opt-out"),
        }

    # ----- query
    def set_query(self, query: cu.CustomerQuery) -> None:
        self.query = query
        self.refresh()

    def refresh(self, keep_count: bool = False) -> None:
        """Drop the cache and fetch again (after a query change or a write)."""
        self._active = True
        self._generation += 1
        self.ctx.tasks.cancel(f"{self.key}-pages")
        self.beginResetModel()
        self._pages.clear()
        self._keys.clear()
        self._used.clear()
        self._missing.clear()
        self._inflight.clear()
        if not keep_count:
            self._count = None
            self._rows_shown = 0
        self.endResetModel()
        self._started = time.perf_counter()
        self._first_reported = False
        self._palette_stale = True
        if not keep_count:
            self.count_changed.emit(-1)
        gen = self._generation
        # the first page first, then the count (a full scan at 1M rows); when the count lands while
        # page 0 is still on its way, page 0 is not restarted (see _request_missing)
        self._missing.add(0)
        self._request_missing()
        self.ctx.tasks.run(f"{self.key}-count", _count, self.ctx.db, self.query,
                           on_result=lambda n, gen=gen: self._on_count(gen, n), on_error=self.failed.emit)

    def tags_changed(self) -> None:
        self._palette_stale = True

    @property
    def count(self) -> int | None:
        return self._count

    def _on_count(self, gen: int, n: int) -> None:
        if gen != self._generation:
            return
        self._count = n
        self._set_rows(n)
        self.count_changed.emit(n)

    def _set_rows(self, n: int) -> None:
        if n > self._rows_shown:
            self.beginInsertRows(QModelIndex(), self._rows_shown, n - 1)
            self._rows_shown = n
            self.endInsertRows()
        elif n < self._rows_shown:
            self.beginRemoveRows(QModelIndex(), n, self._rows_shown - 1)
            self._rows_shown = n
            self.endRemoveRows()

    # ----- paging
    def want_rows(self, first: int, last: int) -> None:
        """The view shows rows first..last: make sure their pages (and one ahead) are loaded."""
        self._visible = (max(0, first), max(0, last))
        if self._rows_shown == 0:
            return
        last = min(last, self._rows_shown - 1)
        pages = set(range(max(0, first) // PAGE, max(0, last) // PAGE + 1))
        pages.add(last // PAGE + 1)
        pages = {p for p in pages if p * PAGE < max(self._rows_shown, 1)}
        missing = {p for p in pages if p not in self._pages}
        if missing:
            self._missing = missing
            self._timer.start()

    def _request_missing(self) -> None:
        wanted = sorted(p for p in self._missing if p not in self._pages)
        self._missing.clear()
        if not wanted or set(wanted) <= self._inflight:
            return
        if self._inflight & set(wanted):
            # part of it is on its way (e.g. page 0 when the count lands): restarting would throw that
            # work away; the rest is asked for when it arrives
            self._missing = set(wanted) - self._inflight
            return
        anchors = {}
        for p in wanted:
            if p - 1 in self._keys and self._keys[p - 1][1] is not None:
                anchors[p] = self._keys[p - 1][1]
        self._inflight = set(wanted)
        gen = self._generation
        self.ctx.tasks.run(f"{self.key}-pages", _fetch_pages, self.ctx.db, self.query, wanted, anchors,
                           self._palette_stale,
                           on_result=lambda res, gen=gen: self._on_pages(gen, res),
                           on_error=self._on_pages_error)

    def _on_pages_error(self, exc) -> None:
        self._inflight.clear()
        self._missing.clear()
        self.failed.emit(exc)

    def _on_pages(self, gen: int, result) -> None:
        if gen != self._generation:
            return
        pages, palette = result
        self._inflight.clear()
        if palette is not None:
            self._palette = palette
            self._palette_stale = False
        now = time.perf_counter()
        for page, (rows, first_key, last_key) in pages.items():
            for r in rows:
                r["gender_label"] = self._genders.get(r["gender"], "—")
                r["chips"] = [self._palette[t] for t in r["tags"] if t in self._palette]
            self._pages[page] = rows
            self._keys[page] = (first_key, last_key)
            self._used[page] = now
            if self._count is None:
                self._set_rows(page * PAGE + len(rows) + (1 if len(rows) == PAGE else 0))
            if rows:
                top = page * PAGE
                bottom = min(top + len(rows), self._rows_shown) - 1
                if self._visible is not None:  # only the rows on screen need repainting
                    top, bottom = max(top, self._visible[0]), min(bottom, self._visible[1])
                if bottom >= top:
                    self.dataChanged.emit(self.index(top, 0), self.index(bottom, len(self.columns) - 1))
        if not self._first_reported and 0 in pages:
            self._first_reported = True
            self.first_rows.emit(now - self._started)
        self._evict()
        if self._missing and not self._timer.isActive():  # asked for while this fetch was in flight
            self._timer.start()

    def _evict(self) -> None:
        if len(self._pages) <= MAX_CACHED_PAGES:
            return
        for page, _t in sorted(self._used.items(), key=lambda kv: kv[1])[: len(self._pages) - MAX_CACHED_PAGES]:
            self._pages.pop(page, None)
            self._used.pop(page, None)  # keep its keys: they still anchor keyset fetches

    def row_data(self, row: int) -> dict | None:
        page = self._pages.get(row // PAGE)
        if page is None:
            return None
        i = row % PAGE
        return page[i] if i < len(page) else None

    def loaded_ids(self, rows: list[int]) -> tuple[list[int], list[int]]:
        """(ids of loaded rows, rows not loaded)."""
        ids, missing = [], []
        for r in rows:
            d = self.row_data(r)
            if d is None:
                missing.append(r)
            else:
                ids.append(d["id"])
        return ids, missing

    # ----- Qt model API
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else self._rows_shown

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal:
            key = self.columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return self._labels.get(key, key)
            if role == Qt.ItemDataRole.TextAlignmentRole and cu.COLUMNS[key].align_right:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole) -> Any:
        row = index.row()
        page = self._pages.get(row // PAGE)
        if page is None:
            if role == Qt.ItemDataRole.DisplayRole:
                p = row // PAGE
                if p not in self._inflight and p not in self._missing:
                    self._missing.add(p)
                    if not self._timer.isActive():
                        self._timer.start()
                return "…" if index.column() == 0 else ""
            return None
        i = row % PAGE
        if i >= len(page):
            return None
        r = page[i]
        key = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "gender":
                return r["gender_label"]
            if key == "tags":
                return None
            if key == "opt_out":
                return self.tr("Opted out") if r["opt_out"] else ""
            return r[key]
        if role == TagsRole:
            return r["chips"]
        if role == IdRole:
            return r["id"]
        if role == Qt.ItemDataRole.TextAlignmentRole and cu.COLUMNS[key].align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and key == "opt_out" and r["opt_out"]:
            return QColor(style.DANGER)
        if role == Qt.ItemDataRole.ToolTipRole and key == "tags" and r["chips"]:
            return ", ".join(name for name, _c in r["chips"])
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        key = self.columns[column]
        if cu.COLUMNS[key].sort is None:
            return
        desc = order == Qt.SortOrder.DescendingOrder
        if self.query.sort == key and self.query.descending == desc:
            return
        self.query = self.query.with_(sort=key, descending=desc)
        if self._active:
            self.refresh(keep_count=self._count is not None)
            if self._count is not None:
                self._set_rows(self._count)


class TagChipsDelegate(QStyledItemDelegate):
    """Draws a row's tags as small coloured chips (no widgets per cell)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = option.widget
        (widget.style() if widget else None) and widget.style().drawControl(
            QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        chips = index.data(TagsRole) or []
        if not chips:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = painter.font()
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        painter.setFont(font)
        fm = QFontMetrics(font)
        rect = option.rect.adjusted(4, 5, -4, -5)
        x = rect.left()
        for k, (name, color) in enumerate(chips):
            w = fm.horizontalAdvance(name) + 14
            if x + w > rect.right() and k == 0:
                # the first chip does not fit: elide its name (leaving room for "+N") rather than show only "+N"
                more_w = fm.horizontalAdvance(f"+{len(chips) - 1}") + 6 if len(chips) > 1 else 0
                room = rect.right() - x - more_w - 14
                if room > fm.horizontalAdvance("…") * 3:
                    name = fm.elidedText(name, Qt.TextElideMode.ElideRight, room)
                    w = fm.horizontalAdvance(name) + 14
            if x + w > rect.right():
                more = f"+{len(chips) - k}"
                painter.setPen(QColor(style.MUTED))
                painter.drawText(QRect(x, rect.top(), rect.right() - x, rect.height()),
                                 Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, more)
                break
            base = QColor(color or "#4C8BF5")
            bg = QColor(base)
            bg.setAlpha(38)
            painter.setPen(QPen(base.darker(115), 1))
            painter.setBrush(bg)
            chip = QRectF(x, rect.top(), w, rect.height())
            painter.drawRoundedRect(chip, chip.height() / 2, chip.height() / 2)
            painter.setPen(base.darker(150))
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, name)
            x += w + 4
        painter.restore()

    def sizeHint(self, option, index) -> QSize:
        return QSize(160, style.ROW_HEIGHT)


class CustomerTableView(QTableView):
    """Fixed row height, movable/hideable columns remembered in QSettings, SQL sorting."""

    open_customer = Signal(int)
    selection_count_changed = Signal(int)
    rows_painted = Signal()  # once: just after the first paint that shows loaded rows

    def __init__(self, ctx, model: CustomerTableModel, settings_key: str = "customers/header",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.settings_key = settings_key
        self._watch_paint = True
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        vh = self.verticalHeader()
        vh.setVisible(False)
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(style.ROW_HEIGHT)
        vh.setMinimumSectionSize(style.ROW_HEIGHT)
        hh = self.horizontalHeader()
        hh.setSectionsMovable(True)
        hh.setHighlightSections(False)
        hh.setStretchLastSection(False)
        hh.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        hh.setSortIndicatorShown(True)
        # The header gets its own (always empty) selection model: with the view's, painting a header
        # section asks isColumnSelected(), which walks EVERY row — seconds once 200k rows are selected.
        self._header_selection = QItemSelectionModel(model, self)
        hh.setSelectionModel(self._header_selection)
        hh.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        hh.customContextMenuRequested.connect(self._header_menu)
        self.setItemDelegateForColumn(model.columns.index("tags"), TagChipsDelegate(self))
        # the default columns fit 1366×768 (Vietnamese headers, "Kim cương", "024 2778 5684", "15.411.000 ₫")
        widths = {"name": 164, "phone": 112, "gender": 70, "age": 44, "province": 106, "tags": 140, "points": 60,
                  "tier": 86, "orders": 60, "total_spent": 118, "last_purchase": 108, "created": 100, "opt_out": 100}
        header_font = QFont(hh.font())
        header_font.setBold(True)  # the QSS draws header sections in bold with 6 px padding
        header_fm = QFontMetrics(header_font)
        for i, key in enumerate(model.columns):  # never narrower than the (translated) header text
            text = str(model.headerData(i, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or "")
            self.setColumnWidth(i, max(widths.get(key, 100), header_fm.horizontalAdvance(text) + 16))
            self.setColumnHidden(i, key not in cu.DEFAULT_COLUMNS)
        self._restore_header()
        hh.setSortIndicator(model.columns.index(model.query.sort),
                            Qt.SortOrder.DescendingOrder if model.query.descending else Qt.SortOrder.AscendingOrder)
        self.setSortingEnabled(True)
        hh.sectionMoved.connect(self._save_header)
        hh.sectionResized.connect(self._save_header_later)
        self._save_timer = QTimer(self, singleShot=True, interval=500)
        self._save_timer.timeout.connect(self._save_header)
        self.verticalScrollBar().valueChanged.connect(self._viewport_changed)
        model.rowsInserted.connect(self._viewport_changed)
        model.modelReset.connect(self._viewport_changed)
        self.doubleClicked.connect(self._double_clicked)

    # ----- viewport paging
    def _viewport_changed(self, *_args) -> None:
        model = self.model()
        first = self.rowAt(0)
        if first < 0:
            first = self.verticalScrollBar().value()
        last = self.rowAt(self.viewport().height() - 1)
        if last < 0:
            last = first + self.viewport().height() // style.ROW_HEIGHT + 1
        model.want_rows(first, last)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._viewport_changed()

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self._watch_paint:
            if self.model().row_data(max(0, self.rowAt(0))) is not None:
                self._watch_paint = False
                QTimer.singleShot(0, self.rows_painted.emit)  # after this paint has reached the screen

    def selectionChanged(self, selected, deselected) -> None:
        super().selectionChanged(selected, deselected)
        self.selection_count_changed.emit(self.selected_row_count())

    def selected_row_count(self) -> int:
        sm = self.selectionModel()
        if sm is None:
            return 0
        return sum(r.bottom() - r.top() + 1 for r in sm.selection())

    def selected_rows(self) -> list[int]:
        rows: set[int] = set()
        for r in self.selectionModel().selection():
            rows.update(range(r.top(), r.bottom() + 1))
        return sorted(rows)

    def selected_ranges(self) -> list[tuple[int, int]]:
        return sorted((r.top(), r.bottom()) for r in self.selectionModel().selection())

    def _double_clicked(self, index) -> None:
        cid = index.data(IdRole)
        if cid is not None:
            self.open_customer.emit(int(cid))

    # ----- columns
    def _header_menu(self, pos) -> None:
        menu = QMenu(self)
        model = self.model()
        menu.addSection(self.tr("Columns"))
        for i, key in enumerate(model.columns):
            act = QAction(model.headerData(i, Qt.Orientation.Horizontal), menu)
            act.setCheckable(True)
            act.setChecked(not self.isColumnHidden(i))
            act.setEnabled(key != "name")
            act.toggled.connect(lambda on, i=i: (self.setColumnHidden(i, not on), self._save_header()))
            menu.addAction(act)
        menu.addSeparator()
        reset = menu.addAction(self.tr("Reset columns"))
        reset.triggered.connect(self.reset_columns)
        menu.exec(self.horizontalHeader().mapToGlobal(pos))

    def column_chooser_menu(self) -> QMenu:
        """Same menu, for a toolbar button."""
        menu = QMenu(self)
        model = self.model()
        for i, key in enumerate(model.columns):
            act = QAction(model.headerData(i, Qt.Orientation.Horizontal), menu)
            act.setCheckable(True)
            act.setChecked(not self.isColumnHidden(i))
            act.setEnabled(key != "name")
            act.toggled.connect(lambda on, i=i: (self.setColumnHidden(i, not on), self._save_header()))
            menu.addAction(act)
        menu.addSeparator()
        menu.addAction(self.tr("Reset columns")).triggered.connect(self.reset_columns)
        menu.aboutToShow.connect(lambda: [a.setChecked(not self.isColumnHidden(i))
                                          for i, a in enumerate(menu.actions()[: len(model.columns)])])
        return menu

    def reset_columns(self) -> None:
        hh = self.horizontalHeader()
        model = self.model()
        for i, key in enumerate(model.columns):
            hh.moveSection(hh.visualIndex(i), i)
            self.setColumnHidden(i, key not in cu.DEFAULT_COLUMNS)
        self._save_header()

    def _save_header_later(self, *_a) -> None:
        self._save_timer.start()

    def _save_header(self, *_a) -> None:
        if self.settings_key:
            self.ctx.settings.setValue(self.settings_key, self.horizontalHeader().saveState())

    def _restore_header(self) -> None:
        if not self.settings_key:
            return
        state = self.ctx.settings.value(self.settings_key)
        if state is not None:
            try:
                self.horizontalHeader().restoreState(state)
            except Exception:  # a state from another version: ignore
                log.debug("header state not restored", exc_info=True)
