"""Import wizard: pick a file → sheet → column mapping with the first rows normalised (problems
highlighted) → run in a worker with a progress bar and cancel → report (counts, rejected rows, save .xlsx).

``ImportWizard(ctx, parent, kind="customers")``; the core work is ``loyalty_desktop.importing``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLocale, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView, QButtonGroup, QCheckBox, QComboBox, QDialog, QFileDialog, QFrame, QGridLayout,
    QHBoxLayout, QHeaderView, QLabel, QLineEdit, QProgressBar, QPushButton, QRadioButton, QStackedWidget,
    QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from loyalty_desktop.ui import style

PREVIEW_ROWS = 12
FILE_FILTER_EXTS = "*.xlsx *.xlsm *.xls *.ods *.csv *.txt"


def _vietnamese() -> bool:
    return QLocale().language() == QLocale.Language.Vietnamese


def _count(n: int) -> str:
    return f"{n:,}".replace(",", "." if _vietnamese() else ",")


# ---- worker functions (run on a worker thread; return plain data) --------------------------------

def _preview_task(state, db, path: str, kind: str, sheet, mapping):
    from loyalty_desktop.importing import preview

    with db.connect() as conn:
        return preview(path, kind, sheet=sheet, mapping=mapping, rows=PREVIEW_ROWS, conn=conn)


def _import_task(state, db, path: str, kind: str, options):
    from loyalty_desktop.importing import run_import

    return run_import(db, path, kind, options, progress=state.progress, cancelled=lambda: state.cancelled)


def _checkpoint_task(state, db):
    db.checkpoint()


class ImportWizard(QDialog):
    """Four steps in a stack; Back/Next at the bottom."""

    imported = Signal(object)  # the ImportReport of a finished (non dry-run) import

    PAGE_FILE, PAGE_MAPPING, PAGE_RUN, PAGE_REPORT = range(4)

    def __init__(self, ctx, parent: QWidget | None = None, kind: str = "customers", path: str | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.kind = kind
        self.preview = None
        self.report = None
        self._mapping: dict[int, str] | None = None  # user's choice (column -> field); None = proposed
        self._task = None
        self.setWindowTitle(self.tr("Import from Excel"))
        self.setMinimumSize(980, 640)
        self.setStyleSheet(style.QSS + (
            f'QPushButton[primary="true"]:disabled {{ background: #9CC9C3; border-color: #9CC9C3; color: white; }}'))

        outer = QVBoxLayout(self)
        outer.setContentsMargins(20, 16, 20, 16)
        self.title = QLabel(objectName="PageTitle")
        self.subtitle = QLabel(objectName="PageSubtitle")
        self.subtitle.setWordWrap(True)
        outer.addWidget(self.title)
        outer.addWidget(self.subtitle)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack, 1)
        self.stack.addWidget(self._build_file_page())
        self.stack.addWidget(self._build_mapping_page())
        self.stack.addWidget(self._build_run_page())
        self.stack.addWidget(self._build_report_page())

        buttons = QHBoxLayout()
        self.back_button = QPushButton(self.tr("Back"))
        self.next_button = QPushButton(self.tr("Next"))
        self.next_button.setProperty("primary", True)
        self.close_button = QPushButton(self.tr("Close"))
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.close_button)
        outer.addLayout(buttons)
        self.back_button.clicked.connect(self._back)
        self.next_button.clicked.connect(self._next)
        self.close_button.clicked.connect(self.reject)
        self._set_kind(kind)
        self._go(self.PAGE_FILE)
        if path:
            self.set_file(path)

    # ---- step 1: file and sheet --------------------------------------------------------------
    def _build_file_page(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setSpacing(12)
        card = QFrame(objectName="Card")
        grid = QGridLayout(card)
        grid.setContentsMargins(20, 18, 20, 18)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(12)
        grid.addWidget(QLabel(self.tr("What does the file hold?")), 0, 0)
        kinds = QHBoxLayout()
        self.kind_customers = QRadioButton(self.tr("Customers"))
        self.kind_purchases = QRadioButton(self.tr("Sales / invoices"))
        self.kind_group = QButtonGroup(self)
        self.kind_group.addButton(self.kind_customers)
        self.kind_group.addButton(self.kind_purchases)
        kinds.addWidget(self.kind_customers)
        kinds.addWidget(self.kind_purchases)
        kinds.addStretch(1)
        grid.addLayout(kinds, 0, 1, 1, 2)
        grid.addWidget(QLabel(self.tr("File")), 1, 0)
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText(self.tr("Choose an Excel or CSV file…"))
        self.browse_button = QPushButton(self.tr("Browse…"))
        grid.addWidget(self.path_edit, 1, 1)
        grid.addWidget(self.browse_button, 1, 2)
        grid.addWidget(QLabel(self.tr("Sheet")), 2, 0)
        self.sheet_combo = QComboBox()
        self.sheet_combo.setMinimumWidth(260)
        grid.addWidget(self.sheet_combo, 2, 1)
        grid.setColumnStretch(1, 1)
        lay.addWidget(card)
        self.file_status = QLabel(objectName="Muted")
        self.file_status.setWordWrap(True)
        lay.addWidget(self.file_status)
        # Busy while the file is read: calamine parses a whole sheet in one call (~28 s for 1M rows),
        # with no progress to report.
        self.file_busy = QProgressBar()
        self.file_busy.setRange(0, 0)
        self.file_busy.setTextVisible(False)
        self.file_busy.setFixedHeight(6)
        self.file_busy.hide()
        lay.addWidget(self.file_busy)
        hint = QLabel(self.tr(
            "Excel (.xlsx, .xls), OpenDocument (.ods) and CSV files. Exports from KiotViet and Sapo are "
            "recognised; for your own sheet the columns are matched by their titles and you can correct them "
            "in the next step. One customer per phone number: repeated phone numbers are merged."
        ), objectName="Muted")
        hint.setWordWrap(True)
        lay.addWidget(hint)
        lay.addStretch(1)
        self.browse_button.clicked.connect(self._browse)
        self.path_edit.editingFinished.connect(lambda: self.set_file(self.path_edit.text().strip()))
        self.sheet_combo.activated.connect(lambda _i: self._load_preview())
        self.kind_customers.toggled.connect(lambda on: on and self._set_kind("customers"))
        self.kind_purchases.toggled.connect(lambda on: on and self._set_kind("purchases"))
        return page

    def _set_kind(self, kind: str) -> None:
        changed = kind != self.kind
        self.kind = kind
        (self.kind_customers if kind == "customers" else self.kind_purchases).setChecked(True)
        self.award_points.setVisible(kind == "purchases")
        self.to_note.setVisible(kind == "customers")
        if changed and self.path_edit.text().strip():
            self._mapping = None
            self._load_preview()

    def _browse(self) -> None:
        start = str(Path(self.path_edit.text()).parent) if self.path_edit.text() else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose the file to import"), start,
            self.tr("Spreadsheets") + f" ({FILE_FILTER_EXTS});;" + self.tr("All files") + " (*)")
        if path:
            self.set_file(path)

    def set_file(self, path: str) -> None:
        if not path:
            return
        self.path_edit.setText(path)
        self.sheet_combo.clear()
        self._mapping = None
        self._load_preview()

    def _load_preview(self) -> None:
        path = self.path_edit.text().strip()
        if not path:
            return
        sheet = self.sheet_combo.currentText() or None
        self.preview = None
        self.file_status.setObjectName("Muted")
        self.file_status.setText(self.tr("Reading the file…"))
        self.file_busy.show()
        self._refresh_buttons()
        self.ctx.tasks.run("import-preview", _preview_task, self.ctx.db, path, self.kind, sheet, self._mapping,
                           on_result=self._on_preview, on_error=self._on_preview_error)

    def _on_preview(self, pv) -> None:
        self.preview = pv
        self.file_busy.hide()
        current = self.sheet_combo.currentText()
        if [self.sheet_combo.itemText(i) for i in range(self.sheet_combo.count())] != pv.sheets:
            self.sheet_combo.clear()
            self.sheet_combo.addItems(pv.sheets)
        if current != pv.sheet:
            self.sheet_combo.setCurrentText(pv.sheet)
        source = pv.preset_label or self.tr("columns matched by their titles")
        self.file_status.setObjectName("Muted")
        self.file_status.setText(
            self.tr("Sheet “{sheet}”: header on row {row}, about {rows} rows ({source}).").format(
                sheet=pv.sheet, row=pv.header_row, rows=_count(pv.estimated_rows), source=source))
        self.file_status.setStyleSheet("")
        self._fill_mapping(pv)
        self._refresh_buttons()

    def _on_preview_error(self, exc) -> None:
        self.preview = None
        self.file_busy.hide()
        self.file_status.setText(self.ctx.error_text(exc))
        self.file_status.setStyleSheet(f"color: {style.DANGER};")
        self._refresh_buttons()

    # ---- step 2: mapping and normalised preview --------------------------------------------------
    def _build_mapping_page(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setSpacing(8)
        self.mapping_info = QLabel(objectName="Muted")
        self.mapping_info.setWordWrap(True)
        lay.addWidget(self.mapping_info)
        lay.addWidget(QLabel(self.tr("Columns in the file — choose what each one holds:")))
        self.columns_table = QTableWidget()
        self.columns_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.columns_table.verticalHeader().setDefaultSectionSize(style.ROW_HEIGHT)
        self.columns_table.horizontalHeader().setDefaultSectionSize(150)
        lay.addWidget(self.columns_table, 1)
        lay.addWidget(QLabel(self.tr("How the first rows will be imported (problems in red):")))
        self.result_table = QTableWidget()
        self.result_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.result_table.verticalHeader().setDefaultSectionSize(style.ROW_HEIGHT)
        self.result_table.setAlternatingRowColors(True)
        lay.addWidget(self.result_table, 1)
        options = QHBoxLayout()
        self.update_existing = QCheckBox(self.tr("The file wins when a customer's details differ"))
        self.update_existing.setToolTip(self.tr(
            "Off: customers already in the app only get their empty fields filled. On: values from the file "
            "replace different ones. Tags are only ever added."))
        self.to_note = QCheckBox(self.tr("Put other columns into the note"))
        self.award_points = QCheckBox(self.tr("Award points for these sales"))
        self.award_points.setToolTip(self.tr(
            "A POS export's points already include past sales: tick only if these sales earned no points yet."))
        self.remember = QCheckBox(self.tr("Remember this mapping"))
        self.dry_run = QCheckBox(self.tr("Dry run (write nothing)"))
        for box in (self.update_existing, self.to_note, self.award_points, self.remember, self.dry_run):
            options.addWidget(box)
        self.dry_run.toggled.connect(lambda _on: self._refresh_buttons())
        options.addStretch(1)
        lay.addLayout(options)
        return page

    def _field_label(self, field_id: str) -> str:
        if not self.preview or field_id not in self.preview.fields:
            return field_id
        vi, en = self.preview.fields[field_id]
        return vi if _vietnamese() else en

    def _fill_mapping(self, pv) -> None:
        headers = pv.headers
        table = self.columns_table
        table.clear()
        table.setColumnCount(len(headers))
        table.setRowCount(1 + len(pv.raw_rows))
        table.setHorizontalHeaderLabels([h or self.tr("(no title)") for h in headers])
        numbers = [str(r.row) for r in pv.rows] if len(pv.rows) == len(pv.raw_rows) else [""] * len(pv.raw_rows)
        table.setVerticalHeaderLabels([self.tr("Import as")] + numbers)
        self._combos: list[QComboBox] = []
        fields = list(pv.fields)
        for col in range(len(headers)):
            combo = QComboBox()
            combo.addItem(self.tr("— ignore —"), None)
            for fid in fields:
                if fid == "stt":
                    continue
                combo.addItem(self._field_label(fid), fid)
            chosen = pv.mapping.get(col)
            index = combo.findData(chosen) if chosen and chosen != "stt" else 0
            combo.setCurrentIndex(max(0, index))
            combo.activated.connect(self._mapping_changed)
            table.setCellWidget(0, col, combo)
            self._combos.append(combo)
        for r, row in enumerate(pv.raw_rows, start=1):
            for col, value in enumerate(row[: len(headers)]):
                item = QTableWidgetItem(value)
                if col not in pv.mapping:
                    item.setForeground(QBrush(QColor(style.MUTED)))
                table.setItem(r, col, item)
        table.setRowHeight(0, 34)
        self._fill_result(pv)
        info = []
        if pv.preset_label:
            info.append(self.tr("Recognised: {name}.").format(name=pv.preset_label))
        info.append(self.tr("Header on row {row}; about {rows} rows to import.").format(
            row=pv.header_row, rows=_count(pv.estimated_rows)))
        bad = sum(1 for r in pv.rows if r.problems)
        if bad and not pv.missing_required:
            info.append(self.tr("{count} of the rows below have problems (in red).").format(count=bad))
        if pv.missing_required:
            names = ", ".join(self._field_label(f) for f in pv.missing_required if f in pv.fields) or \
                ", ".join(pv.missing_required)
            info.append(self.tr("Choose the column for: {fields}.").format(fields=names))
            self.mapping_info.setStyleSheet(f"color: {style.DANGER};")
        else:
            self.mapping_info.setStyleSheet("")
        self.mapping_info.setText(" ".join(info))

    def _fill_result(self, pv) -> None:
        table = self.result_table
        table.clear()
        order = [f for f in pv.fields if f != "stt"]
        shown: list[str] = []
        keys = {k for r in pv.rows for k in r.values}
        aliases = {"name": "full_name", "birth_date": "birth_date"}
        for fid in order:
            key = aliases.get(fid, fid)
            if key in keys or fid in pv.mapping.values():
                shown.append(fid)
        extra = [k for k in ("old_province", "region") if k in keys and self.kind == "customers"]
        columns = shown + extra + [self.tr("Problems")]
        table.setColumnCount(len(columns))
        table.setRowCount(len(pv.rows))
        labels = [self._field_label(f) for f in shown] + [
            {"old_province": self.tr("Province as written"), "region": self.tr("Region")}[k] for k in extra]
        table.setHorizontalHeaderLabels(labels + [self.tr("Problems")])
        table.setVerticalHeaderLabels([str(r.row) for r in pv.rows])
        vi = _vietnamese()
        bad = QColor("#FDE8E1")
        for r, row in enumerate(pv.rows):
            problem_cols = {p.column for p in row.problems}
            for c, fid in enumerate(shown + extra):
                key = aliases.get(fid, fid)
                value = row.values.get(key, "")
                item = QTableWidgetItem(self._value_text(key, value))
                header = pv.headers[[i for i, f in pv.mapping.items() if f == fid][0]] if fid in pv.mapping.values() else None
                if header is not None and header in problem_cols:
                    item.setBackground(QBrush(bad))
                    item.setToolTip("\n".join((p.reason_vi if vi else p.reason) for p in row.problems if p.column == header))
                table.setItem(r, c, item)
            text = "; ".join((p.reason_vi if vi else p.reason) for p in row.problems)
            item = QTableWidgetItem((self.tr("Rejected: ") if row.rejected else "") + text)
            if row.problems:
                item.setForeground(QBrush(QColor(style.DANGER if row.rejected else style.WARNING)))
            table.setItem(r, len(columns) - 1, item)
            if row.rejected:
                for c in range(len(columns)):
                    it = table.item(r, c)
                    if it is not None:
                        it.setBackground(QBrush(bad))
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table.horizontalHeader().setStretchLastSection(True)
        for c in range(len(columns) - 1):
            table.setColumnWidth(c, 130)
        table.setColumnWidth(len(columns) - 1, 320)

    def _value_text(self, key: str, value: str) -> str:
        """Enumerations in the interface language (the core keeps ids: male, north, …)."""
        if key == "gender":
            return {"male": self.tr("Male"), "female": self.tr("Female"), "unknown": self.tr("Unknown")}.get(value, value)
        if key == "region":
            return {"north": self.tr("North"), "central": self.tr("Central"), "south": self.tr("South")}.get(value, value)
        if key == "cancelled":
            return self.tr("Cancelled") if value else ""
        if key in ("amount", "line_amount", "goods_total", "discount", "paid", "points") and value.lstrip("-").isdigit():
            return _count(int(value))
        return value

    def _mapping_changed(self, _index: int = 0) -> None:
        mapping: dict[int, str] = {}
        for col, combo in enumerate(self._combos):
            fid = combo.currentData()
            if fid:
                # One column per field: choosing a field elsewhere releases it here.
                for other, f in list(mapping.items()):
                    if f == fid:
                        del mapping[other]
                mapping[col] = fid
        self._mapping = mapping
        self._load_preview()

    def current_mapping(self) -> dict[int, str]:
        if self._mapping is not None:
            return dict(self._mapping)
        return dict(self.preview.mapping) if self.preview else {}

    # ---- step 3: run --------------------------------------------------------------------------
    def _build_run_page(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.addStretch(1)
        card = QFrame(objectName="Card")
        inner = QVBoxLayout(card)
        inner.setContentsMargins(30, 26, 30, 26)
        self.run_label = QLabel(self.tr("Importing…"))
        self.run_label.setObjectName("PageTitle")
        self.run_step = QLabel(objectName="Muted")
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.cancel_button = QPushButton(self.tr("Cancel import"))
        self.cancel_button.setProperty("danger", True)
        note = QLabel(self.tr("Nothing is saved until the import finishes: cancelling leaves your data as it was."),
                      objectName="Muted")
        note.setWordWrap(True)
        inner.addWidget(self.run_label)
        inner.addWidget(self.run_step)
        inner.addWidget(self.progress)
        row = QHBoxLayout()
        row.addWidget(note, 1)
        row.addWidget(self.cancel_button)
        inner.addLayout(row)
        lay.addWidget(card)
        lay.addStretch(2)
        self.cancel_button.clicked.connect(self.cancel_import)
        return page

    def start_import(self) -> None:
        from loyalty_desktop.importing import ImportOptions
        from loyalty_desktop.importing.mapping import mapping_to_json

        pv = self.preview
        if pv is None:
            return
        mapping = mapping_to_json(pv.headers, self.current_mapping(), self.kind)
        if self._mapping is None and pv.preset:
            mapping = None  # keep the preset (and its invoice source)
        options = ImportOptions(
            sheet=pv.sheet, mapping=mapping, dry_run=self.dry_run.isChecked(),
            update_existing=self.update_existing.isChecked(),
            award_points=self.kind == "purchases" and self.award_points.isChecked(),
            unknown_to_note=self.kind == "customers" and self.to_note.isChecked(),
            save_mapping=self.remember.isChecked(),
        )
        self.report = None
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.run_step.setText(self.tr("Reading the file"))
        self.cancel_button.setEnabled(True)
        self._go(self.PAGE_RUN)
        self._task = self.ctx.tasks.run(
            "import-run", _import_task, self.ctx.db, self.path_edit.text().strip(), self.kind, options,
            on_result=self._on_imported, on_error=self._on_import_error, on_progress=self._on_progress,
            on_finished=self._on_finished, write=True)

    def _on_progress(self, fraction: float, text: str) -> None:
        if text == "Reading the file":  # one long call with nothing to count: a busy bar
            self.progress.setRange(0, 0)
        elif fraction >= 0:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(fraction * 1000))
        self.run_step.setText(self.phase_names().get(text, text))

    def phase_names(self) -> dict[str, str]:
        """The importer's progress texts (``importing.engine.PHASES``) as shown to the user."""
        return {
            "Reading the file": self.tr("Reading the file"),
            "Reading rows": self.tr("Reading rows"),
            "Matching existing customers": self.tr("Matching existing customers"),
            "Writing customers": self.tr("Writing customers"),
            "Indexing customers": self.tr("Indexing customers"),
            "Indexing for search": self.tr("Indexing for search"),
            "Creating statistics rows": self.tr("Creating statistics rows"),
            "Writing tags": self.tr("Writing tags"),
            "Looking for invoices already imported": self.tr("Looking for invoices already imported"),
            "Matching customers": self.tr("Matching customers"),
            "Writing purchases": self.tr("Writing purchases"),
            "Indexing purchases": self.tr("Indexing purchases"),
            "Updating the sales rollup": self.tr("Updating the sales rollup"),
            "Updating statistics": self.tr("Updating statistics"),
            "Saving": self.tr("Saving"),
        }

    def cancel_import(self) -> None:
        if self._task is not None:
            self.ctx.tasks.cancel("import-run")
            self._task = None
            self.cancel_button.setEnabled(False)
            self.run_step.setText(self.tr("Cancelled: nothing was changed."))
            self._go(self.PAGE_MAPPING)
            self.mapping_info.setText(self.tr("Import cancelled: nothing was changed."))

    def _on_imported(self, report) -> None:
        self._task = None
        self.report = report
        self._go(self.PAGE_REPORT)
        self._fill_report(report)
        if not report.dry_run:
            # The import's commit left copying its log into the database file for afterwards.
            self.ctx.tasks.run("checkpoint", _checkpoint_task, self.ctx.db)
            self.ctx.notify_changed(self.kind)
            if self.kind == "purchases" and report.created:
                self.ctx.notify_changed("customers")
            self.imported.emit(report)

    def _on_import_error(self, exc) -> None:
        self._task = None
        self._go(self.PAGE_MAPPING)
        self.ctx.show_error(self, self.tr("Import failed"), exc)

    def _on_finished(self) -> None:
        self._refresh_buttons()

    # ---- step 4: report -----------------------------------------------------------------------
    def _build_report_page(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setSpacing(10)
        self.counts_box = QFrame(objectName="Card")
        self.counts_grid = QGridLayout(self.counts_box)
        self.counts_grid.setContentsMargins(18, 14, 18, 14)
        self.counts_grid.setHorizontalSpacing(28)
        lay.addWidget(self.counts_box)
        self.rejects_label = QLabel()
        lay.addWidget(self.rejects_label)
        self.rejects_table = QTableWidget(0, 4)
        self.rejects_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rejects_table.verticalHeader().setVisible(False)
        self.rejects_table.verticalHeader().setDefaultSectionSize(style.ROW_HEIGHT)
        self.rejects_table.setHorizontalHeaderLabels([self.tr("Row"), self.tr("Column"), self.tr("Value"),
                                                      self.tr("Reason")])
        self.rejects_table.horizontalHeader().setStretchLastSection(True)
        self.rejects_table.setAlternatingRowColors(True)
        lay.addWidget(self.rejects_table, 100)
        lay.addStretch(1)  # keeps the counts at the top when there is no table
        row = QHBoxLayout()
        self.save_report_button = QPushButton(self.tr("Save report…"))
        row.addWidget(self.save_report_button)
        row.addStretch(1)
        lay.addLayout(row)
        self.save_report_button.clicked.connect(self.save_report)
        return page

    def _count_labels(self) -> list[tuple[str, str]]:
        labels = [
            ("rows", self.tr("Rows read")), ("created", self.tr("New customers")),
            ("updated", self.tr("Customers updated")), ("merged", self.tr("Duplicate rows merged")),
            ("rejected", self.tr("Rows rejected")),
        ]
        if self.kind == "purchases":
            labels += [("purchases_added", self.tr("Purchases added")),
                       ("duplicates_skipped", self.tr("Already imported (skipped)")),
                       ("walk_in", self.tr("Walk-in sales")), ("cancelled", self.tr("Cancelled invoices"))]
        else:
            labels.insert(3, ("unchanged", self.tr("Already up to date")))
        return labels

    def _fill_report(self, report) -> None:
        if report.dry_run:
            self.title.setText(self.tr("Dry run: nothing was written"))
            self.subtitle.setText(self.tr("This is what importing the file would do."))
        else:
            self.title.setText(self.tr("Import finished"))
            self.subtitle.setText(self.tr("{file}, sheet “{sheet}”.").format(file=report.file_name, sheet=report.sheet))
        while self.counts_grid.count():
            item = self.counts_grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        labels = self._count_labels()
        per_row = 6 if len(labels) <= 6 else 5
        for i, (key, label) in enumerate(labels):
            number = QLabel(_count(getattr(report, key)), objectName="BigNumber")
            if key == "rejected" and report.rejected:
                number.setStyleSheet(f"color: {style.DANGER};")
            text = QLabel(label, objectName="Muted")
            self.counts_grid.addWidget(number, (i // per_row) * 2, i % per_row)
            self.counts_grid.addWidget(text, (i // per_row) * 2 + 1, i % per_row)
        vi = _vietnamese()
        problems = [(p, True) for p in report.rejects] + [(p, False) for p in report.warnings]
        if report.rejects or report.warnings:
            self.rejects_label.setText(self.tr("Rows rejected ({rejected}) and warnings ({warnings}):").format(
                rejected=_count(len(report.rejects)), warnings=_count(len(report.warnings))))
        else:
            self.rejects_label.setText(self.tr("Every row was imported."))
        shown = problems[:5000]
        self.rejects_table.setRowCount(len(shown))
        for r, (p, rejected) in enumerate(shown):
            values = [str(p.row), p.column, p.value, p.reason_vi if vi else p.reason]
            for c, v in enumerate(values):
                item = QTableWidgetItem(v)
                if c == 3:
                    item.setForeground(QBrush(QColor(style.DANGER if rejected else style.WARNING)))
                self.rejects_table.setItem(r, c, item)
        self.rejects_table.setColumnWidth(0, 70)
        self.rejects_table.setColumnWidth(1, 160)
        self.rejects_table.setColumnWidth(2, 200)
        self.rejects_table.setVisible(bool(shown))

    def save_report(self, path: str | None = None) -> str | None:
        if self.report is None:
            return None
        if not path:
            default = str(Path(self.path_edit.text()).with_name(Path(self.path_edit.text()).stem + " - bao cao nhap.xlsx"))
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Save report"), default, self.tr("Excel") + " (*.xlsx)")
        if not path:
            return None
        try:
            saved = self.report.save_xlsx(path)
        except Exception as exc:  # noqa: BLE001 - shown in plain words
            self.ctx.show_error(self, self.tr("Save report"), exc)
            return None
        self.rejects_label.setText(self.tr("Report saved: {path}").format(path=str(saved)))
        return str(saved)

    # ---- navigation ---------------------------------------------------------------------------
    def _go(self, page: int) -> None:
        self.stack.setCurrentIndex(page)
        titles = {
            self.PAGE_FILE: (self.tr("Import from Excel"),
                             self.tr("Step 1 of 3: choose the file and the sheet.")),
            self.PAGE_MAPPING: (self.tr("Check the columns"),
                                self.tr("Step 2 of 3: correct what a column holds if needed, and look at the first rows.")),
            self.PAGE_RUN: (self.tr("Importing"), self.tr("Step 3 of 3.")),
            self.PAGE_REPORT: (self.tr("Import report"), self.tr("What was imported, and the rows that were not.")),
        }
        title, subtitle = titles[page]
        self.title.setText(title)
        self.subtitle.setText(subtitle)
        self._refresh_buttons()

    def _refresh_buttons(self) -> None:
        page = self.stack.currentIndex()
        ready = self.preview is not None
        self.back_button.setVisible(page in (self.PAGE_MAPPING, self.PAGE_REPORT))
        self.next_button.setVisible(page in (self.PAGE_FILE, self.PAGE_MAPPING))
        if page == self.PAGE_FILE:
            self.next_button.setText(self.tr("Next"))
            self.next_button.setEnabled(ready)
        elif page == self.PAGE_MAPPING:
            self.next_button.setText(self.tr("Import") if not self.dry_run.isChecked() else self.tr("Dry run"))
            self.next_button.setEnabled(ready and not self.preview.missing_required)
        self.close_button.setEnabled(page != self.PAGE_RUN)
        self.close_button.setText(self.tr("Close") if page == self.PAGE_REPORT else self.tr("Cancel"))

    def _back(self) -> None:
        page = self.stack.currentIndex()
        if page == self.PAGE_MAPPING:
            self._go(self.PAGE_FILE)
        elif page == self.PAGE_REPORT:
            self._go(self.PAGE_MAPPING)

    def _next(self) -> None:
        page = self.stack.currentIndex()
        if page == self.PAGE_FILE and self.preview is not None:
            self._go(self.PAGE_MAPPING)
        elif page == self.PAGE_MAPPING and self.preview is not None and not self.preview.missing_required:
            self.start_import()

    def reject(self) -> None:
        if self._task is not None:
            return  # cancel the import first
        self.ctx.tasks.cancel("import-preview")
        from loyalty_desktop.importing.readers import forget_parsed

        forget_parsed()  # the parsed sheet kept from the preview for the import is not needed any more
        super().reject()

