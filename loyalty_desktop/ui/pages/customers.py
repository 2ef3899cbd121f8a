"""Customers page: search as you type, quick filters, the big table, bulk actions, the customer card."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from loyalty_desktop import customers as cu
from loyalty_desktop.ui.format import format_count
from loyalty_desktop.ui.resources import icon
from loyalty_desktop.ui.widgets.customer_table import CustomerTableModel, CustomerTableView, Selection

log = logging.getLogger(__name__)

SEARCH_DELAY_MS = 250
STARTUP_FALLBACK_MS = 3000  # start the deferred start-up work even if the first rows never show


# ----- worker functions (run in the task runner; plain data in and out)


def _load_filter_choices(state, db):
    from loyalty_desktop.tags import list_tags
    from loyalty_desktop.vn.provinces import PROVINCES

    with db.connect() as conn:  # (segment names without importing the segment engine: 50 ms of GIL)
        return {
            "provinces": sorted(PROVINCES),
            "tags": [(t["id"], t["name"], t["color"]) for t in list_tags(conn, with_stats=False)],
            "segments": cu.segment_names(conn),
        }


def _resolve_selection(state, db, query, ranges, known_ids):
    """Ids of the selected rows: cached ones as given, the rest read by offset ranges."""
    ids = list(known_ids)
    with db.connect() as conn:
        for top, bottom in ranges:
            state.check()
            ids.extend(cu.ids_in_range(conn, query, top, bottom - top + 1))
    return list(dict.fromkeys(ids))


def _bulk(state, db, action, selection: Selection, arg=None):
    from loyalty_desktop import tags

    def progress(f, text=""):
        state.progress(f, text)

    with db.begin() as conn:
        state.interrupt_connection(conn)
        source = cu.ids_select(conn, selection.query) if selection.query is not None else None
        ids = selection.ids
        if action == "tag":
            res = tags.apply_tag(conn, arg, ids=ids, source=source, create=True, progress=progress,
                                 description="customer list")
            return {"action": action, "count": res.count, "operation": res.operation_id, "tag": res.tag}
        if action == "untag":
            res = tags.remove_tag(conn, arg, ids=ids, source=source, progress=progress, description="customer list")
            return {"action": action, "count": res.count, "operation": res.operation_id, "tag": res.tag}
        if action in ("opt_out", "opt_in"):
            n = cu.set_opt_out(conn, ids, action == "opt_out", q=selection.query, method="bulk")
            return {"action": action, "count": n}
        if action == "delete":
            n = cu.delete_customers(conn, ids, q=selection.query)
            return {"action": action, "count": n}
    raise ValueError(action)


def _undo_tag_op(state, db, op_id):
    from loyalty_desktop.tags import undo_operation

    with db.begin() as conn:
        return undo_operation(conn, op_id)


def _export(state, db, selection: Selection, path: str, headers: dict):
    import xlsxwriter

    with db.connect() as conn:
        palette = cu.tag_palette(conn)
        rows = cu.export_rows(conn, q=selection.query, ids=selection.ids)
        wb = xlsxwriter.Workbook(path, {"constant_memory": True})
        ws = wb.add_worksheet("Khách hàng")
        bold = wb.add_format({"bold": True, "bg_color": "#CCFBF1", "border": 1})
        money = wb.add_format({"num_format": "#,##0"})
        datef = wb.add_format({"num_format": "dd/mm/yyyy"})
        keys = ["full_name", "phone", "gender", "birth_date", "province", "tags", "points", "tier",
                "order_count", "total_spent", "last_purchase_at", "email", "address", "sms_opt_out", "note"]
        for col, k in enumerate(keys):
            ws.write(0, col, headers.get(k, k), bold)
        widths = [24, 14, 10, 12, 16, 28, 10, 12, 10, 16, 14, 24, 30, 10, 30]
        for col, w in enumerate(widths):
            ws.set_column(col, col, w)
        total = max(1, selection.count)
        r = 0
        for r, row in enumerate(rows, start=1):
            if r % 2000 == 0:
                state.check()
                state.progress(min(0.99, r / total), "")
            phone = row["phone"] or ""
            ws.write_string(r, 0, row["full_name"] or "")
            ws.write_string(r, 1, ("0" + phone[3:]) if phone.startswith("+84") else phone)
            ws.write_string(r, 2, headers.get("g_" + (row["gender"] or "unknown"), ""))
            if row["birth_date"]:
                ws.write_datetime(r, 3, _as_dt(row["birth_date"]), datef)
            ws.write_string(r, 4, row["province"] or "")
            ws.write_string(r, 5, ", ".join(palette[t][0] for t in row["tags"] if t in palette))
            ws.write_number(r, 6, row["points"] or 0)
            ws.write_string(r, 7, row["tier"] or "")
            ws.write_number(r, 8, row["order_count"] or 0)
            ws.write_number(r, 9, row["total_spent"] or 0, money)
            if row["last_purchase_at"]:
                ws.write_datetime(r, 10, row["last_purchase_at"], datef)
            ws.write_string(r, 11, row.get("email") or "")
            ws.write_string(r, 12, row.get("address") or "")
            ws.write_string(r, 13, headers["yes"] if row["sms_opt_out"] else "")
            ws.write_string(r, 14, row.get("note") or "")
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(r, 1), len(keys) - 1)
        wb.close()
    return r


def _as_dt(d):
    from datetime import datetime

    return d if isinstance(d, datetime) else datetime(d.year, d.month, d.day)


class CustomersPage(QWidget):
    """The customer list."""

    status_message = Signal(str)

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.all_matching = False
        self._last_op: dict | None = None
        self.model = CustomerTableModel(ctx, self, key="customers")
        self._build()
        from loyalty_desktop.ui.pages.tags import DISABLED_PRIMARY

        self.setStyleSheet(DISABLED_PRIMARY)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filters)
        self.model.count_changed.connect(self._on_count)
        self.model.failed.connect(lambda exc: ctx.show_error(self, self.tr("Customers"), exc))
        ctx.data_changed.connect(self._on_data_changed)
        # Opening: the first page (and the list's count), then, once its rows are painted, the rest:
        # the filter choices here, the status-bar count and daily maintenance in the main window.
        # Workers busy in Python meanwhile take the GIL from the UI thread's first paints (4x slower).
        self._startup_done = False
        self._after_startup: list = []
        self.model.first_rows.connect(self._on_first_rows)
        self.model.failed.connect(lambda _exc: self._finish_startup())
        self.table.rows_painted.connect(self._finish_startup)
        self._startup_timer = QTimer(self, singleShot=True, interval=STARTUP_FALLBACK_MS)
        self._startup_timer.timeout.connect(self._finish_startup)
        self._startup_timer.start()
        self.after_first_rows(self._load_choices)
        self.model.set_query(self._query())

    # ----- layout
    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(20, 16, 20, 12)
        root.setSpacing(10)

        head = QHBoxLayout()
        head.setSpacing(12)
        title = QLabel(self.tr("Customers"), objectName="PageTitle")
        head.addWidget(title)
        self.count_label = QLabel("", objectName="PageSubtitle")
        head.addWidget(self.count_label)
        head.addStretch(1)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search name or phone: nguyen van a, 0912…"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(380)
        self.search.setMinimumHeight(34)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self.apply_filters)
        head.addWidget(self.search)
        self.add_button = QPushButton(self.tr("Add customer"))
        self.add_button.setProperty("primary", True)
        self.add_button.clicked.connect(self.add_customer)
        head.addWidget(self.add_button)
        root.addLayout(head)

        bar = QFrame(objectName="Card")
        bl = QHBoxLayout(bar)
        bl.setContentsMargins(12, 8, 12, 8)
        bl.setSpacing(8)
        bl.addWidget(QLabel(self.tr("Filter:"), objectName="Muted"))
        self.province = self._combo(self.tr("All provinces"))
        self.gender = self._combo(self.tr("Any gender"))
        self.gender.addItem(self.tr("Male"), "male")
        self.gender.addItem(self.tr("Female"), "female")
        self.gender.addItem(self.tr("Unknown"), "unknown")
        self.tag = self._combo(self.tr("Any tag"))
        self.purchases = self._combo(self.tr("Any purchases"))
        self.purchases.setMinimumWidth(176)  # "Mua hàng: tất cả" in full at 1366 px
        self.purchases.addItem(self.tr("Has purchases"), True)
        self.purchases.addItem(self.tr("No purchases"), False)
        self.opt = self._combo(self.tr("Any SMS status"))
        self.opt.addItem(self.tr("Opted out"), True)
        self.opt.addItem(self.tr("Not opted out"), False)
        self.segment = self._combo(self.tr("All customers"))
        self.segment.setToolTip(self.tr("Show only the customers of a saved segment"))
        self.segment.setMinimumWidth(160)
        for w in (self.province, self.gender, self.tag, self.purchases, self.opt, self.segment):
            bl.addWidget(w, 1)
        self.rule_chip = QToolButton()
        self.rule_chip.setToolTip(self.tr("Remove this filter"))
        self.rule_chip.setStyleSheet("QToolButton { background: #CCFBF1; color: #115E59; border: 1px solid #0F766E;"
                                     " border-radius: 10px; padding: 2px 10px; font-weight: 600; }")
        self.rule_chip.clicked.connect(self.clear_rule)
        self.rule_chip.setVisible(False)
        self._rule = None
        bl.addWidget(self.rule_chip)
        self.clear_button = QToolButton(text=self.tr("Clear"))
        self.clear_button.clicked.connect(self.clear_filters)
        bl.addWidget(self.clear_button)
        root.addWidget(bar)

        actions = QHBoxLayout()
        self.selection_label = QLabel("", objectName="Muted")
        actions.addWidget(self.selection_label)
        self.select_all_button = QPushButton()
        self.select_all_button.setFlat(True)
        self.select_all_button.setStyleSheet("QPushButton { color: #0F766E; border: none; text-decoration: underline; }")
        self.select_all_button.clicked.connect(self.select_all_matching)
        self.select_all_button.setVisible(False)
        actions.addWidget(self.select_all_button)
        actions.addStretch(1)
        self.progress = QProgressBar()
        self.progress.setFixedWidth(160)
        self.progress.setVisible(False)
        actions.addWidget(self.progress)
        self.undo_button = QPushButton(self.tr("Undo"))
        self.undo_button.setVisible(False)
        self.undo_button.clicked.connect(self.undo_last)
        actions.addWidget(self.undo_button)
        self.tag_button = QPushButton(icon("tags"), self.tr("Add tag…"))
        self.tag_button.setProperty("primary", True)
        self.tag_button.clicked.connect(self.tag_selection)
        actions.addWidget(self.tag_button)
        self.more_button = QPushButton(self.tr("More actions"))
        more = QMenu(self)
        more.addAction(self.tr("Remove tag…"), self.untag_selection)
        more.addAction(self.tr("Set SMS opt-out"), lambda: self.bulk("opt_out"))
        more.addAction(self.tr("Allow SMS again"), lambda: self.bulk("opt_in"))
        more.addAction(self.tr("Export to Excel…"), self.export_selection)
        more.addSeparator()
        more.addAction(self.tr("Open customer card"), self.open_current)
        more.addAction(self.tr("Merge two customers…"), self.merge_selected)
        more.addSeparator()
        more.addAction(self.tr("Delete…"), self.delete_selection)
        self.more_button.setMenu(more)
        actions.addWidget(self.more_button)
        self.columns_button = QPushButton(self.tr("Columns"))
        actions.addWidget(self.columns_button)
        root.addLayout(actions)

        self.table = CustomerTableView(self.ctx, self.model, "customers/header")
        self.columns_button.setMenu(self.table.column_chooser_menu())
        self.table.open_customer.connect(self.open_customer)
        self.table.selection_count_changed.connect(self._on_selection)
        root.addWidget(self.table, 1)
        self._on_selection(0)

    def _combo(self, any_label: str) -> QComboBox:
        box = QComboBox()
        box.addItem(any_label, None)
        box.setMinimumWidth(120)
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.setMinimumContentsLength(12)
        box.currentIndexChanged.connect(lambda _i: self.apply_filters())
        return box

    # ----- start-up
    def after_first_rows(self, fn) -> None:
        """Call ``fn`` once the first rows are on screen (now if they already are)."""
        if self._startup_done:
            fn()
        else:
            self._after_startup.append(fn)

    def _on_first_rows(self, _seconds: float) -> None:
        if not self.table.isVisible() or self.model.rowCount() == 0:  # nothing to paint first
            self._finish_startup()

    def _finish_startup(self) -> None:
        if self._startup_done:
            return
        self._startup_done = True
        self._startup_timer.stop()
        pending, self._after_startup = self._after_startup, []
        for fn in pending:
            fn()

    # ----- filters
    def _load_choices(self) -> None:
        self.ctx.tasks.run("customers-choices", _load_filter_choices, self.ctx.db, on_result=self._fill_choices)

    def _fill_choices(self, choices: dict) -> None:
        def refill(box: QComboBox, items):
            current = box.currentData()
            box.blockSignals(True)
            while box.count() > 1:
                box.removeItem(1)
            for label, data in items:
                box.addItem(label, data)
            i = box.findData(current)
            box.setCurrentIndex(i if i >= 0 else 0)
            box.blockSignals(False)

        refill(self.province, [(p, p) for p in choices["provinces"]])
        refill(self.tag, [(name, tid) for tid, name, _c in choices["tags"]])
        refill(self.segment, [(name, name) for name in choices["segments"]])
        pending, self._pending_tag = getattr(self, "_pending_tag", None), None
        if pending is not None and self.tag.findData(pending) >= 0:
            self.tag.setCurrentIndex(self.tag.findData(pending))

    def _query(self) -> cu.CustomerQuery:
        q = self.model.query
        return cu.CustomerQuery(
            search=self.search.text().strip(), province=self.province.currentData(),
            gender=self.gender.currentData(), tag_id=self.tag.currentData(),
            has_purchases=self.purchases.currentData(), opted_out=self.opt.currentData(),
            segment=self.segment.currentData(), rule=self._rule, sort=q.sort, descending=q.descending)

    def apply_filters(self) -> None:
        self._search_timer.stop()
        q = self._query()
        if q == self.model.query and self.model.count is not None:
            return
        self.all_matching = False
        self.model.set_query(q)

    def set_rule(self, rule, label: str | None = None) -> None:
        """Filter the list by a rule (e.g. from the rule builder: "show these customers")."""
        self._rule = rule
        self.rule_chip.setText((label or self.tr("Rule filter")) + "  ×")
        self.rule_chip.setVisible(rule is not None)
        self.apply_filters()

    def clear_rule(self) -> None:
        self._rule = None
        self.rule_chip.setVisible(False)
        self.apply_filters()

    def clear_filters(self) -> None:
        self._rule = None
        self.rule_chip.setVisible(False)
        for box in (self.province, self.gender, self.tag, self.purchases, self.opt, self.segment):
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.apply_filters()

    def activate(self, args: dict) -> None:
        """Navigation: {"segment": name} shows that segment; {"rule": node, "label": text} filters by a rule;
        {"tag_id": id} by a tag; {"customer": id} opens the card."""
        if "rule" in args:
            self.set_rule(args["rule"], args.get("label"))
        if "segment" in args:
            self._load_choices()
            i = self.segment.findData(args["segment"])
            if i < 0:
                self.segment.addItem(args["segment"], args["segment"])
                i = self.segment.count() - 1
            self.segment.setCurrentIndex(i)
        if "tag_id" in args:
            i = self.tag.findData(args["tag_id"])
            if i >= 0:
                self.tag.setCurrentIndex(i)
            else:  # the tag list is still loading (or the tag is new): apply when it arrives
                self._pending_tag = args["tag_id"]
                self._load_choices()
        if args.get("customer"):
            self.open_customer(int(args["customer"]))

    def _on_count(self, n: int) -> None:
        if n < 0:
            self.count_label.setText(self.tr("counting…"))
        else:
            self.count_label.setText(self.tr("%n customer(s)", "", n).replace(str(n), format_count(n)))
        self._on_selection(self.table.selected_row_count())

    def _on_data_changed(self, area: str) -> None:
        if area in ("customers", "purchases", "import"):
            self.model.refresh()
        elif area == "tags":
            self.model.tags_changed()
            self._load_choices()
            self.model.refresh(keep_count=True)
        elif area == "segments":
            self._load_choices()

    # ----- selection
    def _on_selection(self, n: int) -> None:
        if self.all_matching and n != (self.model.count or 0):
            self.all_matching = False
        total = self.model.count or 0
        if self.all_matching:
            text = self.tr("All {n} matching customers selected").format(n=format_count(total))
        elif n:
            text = self.tr("{n} selected").format(n=format_count(n))
        else:
            text = self.tr("Select rows with Click, Shift+Click or Ctrl+Click; double-click opens the card")
        self.selection_label.setText(text)
        self.select_all_button.setVisible(bool(n) and not self.all_matching and total > n)
        self.select_all_button.setText(self.tr("Select all {n} matching").format(n=format_count(total)))
        has = n > 0 or self.all_matching
        for w in (self.tag_button, self.more_button):
            w.setEnabled(has)

    def select_all_matching(self) -> None:
        self.all_matching = True
        self.table.selectAll()
        self._on_selection(self.table.selected_row_count())

    def selection(self, callback) -> None:
        """Resolve the current selection (ids of unloaded rows are read in a worker) and call back."""
        total = self.model.count or 0
        if self.all_matching:
            callback(Selection(count=total, query=self.model.query))
            return
        ranges = self.table.selected_ranges()
        if not ranges:
            return
        known, missing_ranges = [], []
        for top, bottom in ranges:
            ids, missing = self.model.loaded_ids(list(range(top, bottom + 1))) if bottom - top < 5000 else ([], [top])
            if missing:
                missing_ranges.append((top, bottom))
            else:
                known.extend(ids)
        if not missing_ranges:
            callback(Selection(count=len(set(known)), ids=list(dict.fromkeys(known))))
            return
        self.ctx.tasks.run("customers-selection", _resolve_selection, self.ctx.db, self.model.query,
                           missing_ranges, known,
                           on_result=lambda ids: callback(Selection(count=len(ids), ids=ids)),
                           on_error=lambda exc: self.ctx.show_error(self, self.tr("Customers"), exc))

    # ----- actions
    def _choose_tag(self, title: str, allow_new: bool) -> str | None:
        names = [self.tag.itemText(i) for i in range(1, self.tag.count())]
        name, ok = QInputDialog.getItem(self, title, self.tr("Tag (type a new name to create it):") if allow_new
                                        else self.tr("Tag:"), names, 0, allow_new)
        name = (name or "").strip()
        return name if ok and name else None

    def tag_selection(self) -> None:
        name = self._choose_tag(self.tr("Add tag"), True)
        if name:
            self.selection(lambda sel: self._run_bulk("tag", sel, name))

    def untag_selection(self) -> None:
        name = self._choose_tag(self.tr("Remove tag"), False)
        if name:
            self.selection(lambda sel: self._run_bulk("untag", sel, name))

    def bulk(self, action: str) -> None:
        self.selection(lambda sel: self._run_bulk(action, sel))

    def delete_selection(self) -> None:
        def confirm(sel: Selection) -> None:
            answer = QMessageBox.warning(
                self, self.tr("Delete customers"),
                self.tr("Delete {n} customers with their purchases and history? This cannot be undone.").format(
                    n=format_count(sel.count)),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
            if answer == QMessageBox.StandardButton.Yes:
                self._run_bulk("delete", sel)

        self.selection(confirm)

    def _run_bulk(self, action: str, sel: Selection, arg=None) -> None:
        if sel.count == 0:
            return
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.undo_button.setVisible(False)

        def progress(f, _text):
            if f >= 0:
                self.progress.setRange(0, 100)
                self.progress.setValue(int(f * 100))

        def done(result: dict) -> None:
            self.progress.setVisible(False)
            n = format_count(result["count"])
            messages = {
                "tag": self.tr("Tagged {n} customers “{tag}”."),
                "untag": self.tr("Removed “{tag}” from {n} customers."),
                "opt_out": self.tr("{n} customers opted out of SMS."),
                "opt_in": self.tr("{n} customers accept SMS again."),
                "delete": self.tr("Deleted {n} customers."),
            }
            self.selection_label.setText(messages[result["action"]].format(n=n, tag=result.get("tag", "")))
            if result.get("operation"):
                self._last_op = result
                self.undo_button.setVisible(True)
            self.all_matching = False
            self.table.clearSelection()
            self.ctx.notify_changed("tags" if action in ("tag", "untag") else "customers")

        def failed(exc) -> None:
            self.progress.setVisible(False)
            self.ctx.show_error(self, self.tr("Customers"), exc)

        self.ctx.tasks.run("customers-bulk", _bulk, self.ctx.db, action, sel, arg, write=True,
                           on_result=done, on_error=failed, on_progress=progress)

    def undo_last(self) -> None:
        op = self._last_op
        if not op:
            return
        self.undo_button.setVisible(False)
        self._last_op = None

        def done(n: int) -> None:
            self.selection_label.setText(self.tr("Undone: {n} customers changed back.").format(n=format_count(n)))
            self.ctx.notify_changed("tags")

        self.ctx.tasks.run("customers-undo", _undo_tag_op, self.ctx.db, op["operation"], write=True,
                           on_result=done, on_error=lambda exc: self.ctx.show_error(self, self.tr("Undo"), exc))

    def export_selection(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export customers to Excel"), "khach-hang.xlsx",
                                              self.tr("Excel workbook (*.xlsx)"))
        if path:
            self.selection(lambda sel: self.export_to(sel, path))

    def export_to(self, sel: Selection, path: str) -> None:
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        headers = {
            "full_name": self.tr("Name"), "phone": self.tr("Phone"), "gender": self.tr("Gender"),
            "birth_date": self.tr("Birth date"), "province": self.tr("Province"), "tags": self.tr("Tags"),
            "points": self.tr("Points"), "tier": self.tr("Tier"), "order_count": self.tr("Orders"),
            "total_spent": self.tr("Total spent"), "last_purchase_at": self.tr("Last purchase"),
            "email": self.tr("E-mail"), "address": self.tr("Address"), "sms_opt_out": self.tr("SMS opt-out"),
            "note": self.tr("Note"), "g_male": self.tr("Male"), "g_female": self.tr("Female"), "g_unknown": "",
            "yes": self.tr("Yes"),
        }
        self.progress.setVisible(True)
        self.progress.setRange(0, 100)
        self.progress.setValue(0)

        def done(n: int) -> None:
            self.progress.setVisible(False)
            self.selection_label.setText(self.tr("Exported {n} customers to {file}.").format(
                n=format_count(n), file=Path(path).name))

        def failed(exc) -> None:
            self.progress.setVisible(False)
            self.ctx.show_error(self, self.tr("Export"), exc)

        self.ctx.tasks.run("customers-export", _export, self.ctx.db, sel, path, headers, on_result=done,
                           on_error=failed, on_progress=lambda f, _t: self.progress.setValue(int(max(0, f) * 100)))

    def open_current(self) -> None:
        idx = self.table.currentIndex()
        if idx.isValid():
            data = self.model.row_data(idx.row())
            if data:
                self.open_customer(data["id"])

    def open_customer(self, customer_id: int):
        from loyalty_desktop.ui.widgets.customer_card import CustomerCardDialog

        dialog = CustomerCardDialog(self.ctx, customer_id, self)
        dialog.open()
        return dialog

    def add_customer(self):
        from loyalty_desktop.ui.widgets.customer_card import CustomerCardDialog

        dialog = CustomerCardDialog(self.ctx, None, self)
        dialog.open()
        return dialog

    def merge_selected(self) -> None:
        rows = self.table.selected_rows()[:3]
        ids, _ = self.model.loaded_ids(rows)
        if len(ids) != 2:
            QMessageBox.information(self, self.tr("Merge customers"),
                                    self.tr("Select exactly two customers to merge."))
            return
        from loyalty_desktop.ui.widgets.customer_card import MergeDialog

        MergeDialog(self.ctx, ids[0], ids[1], self).open()


def screenshots(ctx, window, out_dir):
    """Extra states for the README: a search, the customer card, the record-a-purchase dialog (with an
    amount typed) and the merge dialog (two customers side by side; nothing is merged)."""
    from loyalty_desktop.ui.screenshots import _settle
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    page = window.page("customers")
    written = []

    def shot(widget, name: str, seconds: float) -> None:
        _settle(app, widget, seconds, ctx.tasks)
        path = out_dir / name
        widget.grab().save(str(path))
        written.append(path)

    window.navigate("customers")
    page.search.setText("nguyen van")
    page.apply_filters()
    shot(window, "customers-search.png", 0.8)
    page.clear_filters()
    _settle(app, window, 0.8, ctx.tasks)
    data = page.model.row_data(0)
    if data:
        dialog = page.open_customer(data["id"])
        shot(dialog, "customer-card.png", 1.0)
        purchase = dialog.record_purchase()
        purchase.amount.setText("1,5tr")
        purchase.category.setText("Mỹ phẩm")
        shot(purchase, "purchase-dialog.png", 0.3)
        purchase.reject()
        dialog.close()
    other = page.model.row_data(1)
    if data and other:
        from loyalty_desktop.ui.widgets.customer_card import MergeDialog

        merge = MergeDialog(ctx, data["id"], other["id"], page)
        merge.open()
        shot(merge, "customer-merge.png", 1.0)
        merge.reject()
    return written
