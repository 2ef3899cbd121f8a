"""Customer card: edit with validation, purchases (paged), tags, points/tier, opt-out history, segments.

Also the "record a purchase" dialog and the merge dialog (the user picks each field's value).
Reads and writes run in workers; a phone used by another customer is refused, or offered as a merge.
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFontMetrics
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from loyalty_desktop import customers as cu
from loyalty_desktop.ui import style
from loyalty_desktop.ui.format import display_phone, format_count, format_date, format_datetime, format_vnd

PURCHASES_PAGE = 50


def _load_card(state, db, customer_id):
    with db.connect() as conn:
        card = cu.get_customer(conn, customer_id)
        card["purchases"] = cu.purchases_page(conn, customer_id, 0, PURCHASES_PAGE)
        card["segments"] = cu.customer_segments(conn, customer_id)
        from loyalty_desktop.tags import list_tags

        card["all_tags"] = [(t["id"], t["name"]) for t in list_tags(conn, with_stats=False)]
        return card


def _load_purchases(state, db, customer_id, offset):
    with db.connect() as conn:
        return cu.purchases_page(conn, customer_id, offset, PURCHASES_PAGE)


def _save(state, db, customer_id, values):
    with db.begin() as conn:
        if customer_id is None:
            return cu.add_customer(conn, values)
        cu.update_customer(conn, customer_id, values)
        return customer_id


def _tag_one(state, db, customer_id, name, add):
    from loyalty_desktop import tags

    with db.begin() as conn:
        if add:
            tags.apply_tag(conn, name, ids=[customer_id], create=True, description="customer card")
        else:
            tags.remove_tag(conn, name, ids=[customer_id], description="customer card")


def _record(state, db, customer_id, amount, when, category, channel):
    with db.begin() as conn:
        return cu.record_purchase(conn, customer_id, amount, when, category=category, channel=channel)


def _merge(state, db, keep, other, choose):
    with db.begin() as conn:
        return cu.merge_customers(conn, keep, other, choose)


def _load_pair(state, db, a, b):
    with db.connect() as conn:
        return cu.get_customer(conn, a), cu.get_customer(conn, b)


def _chip(name: str, color: str, tooltip: str = "") -> QLabel:
    label = QLabel(name)
    q = QColor(color)
    # a light tint of the tag colour ("#RRGGBB22" would be read by Qt as #AARRGGBB: a dark red)
    label.setStyleSheet(
        f"QLabel {{ background: rgba({q.red()}, {q.green()}, {q.blue()}, 36); color: {q.darker(135).name()};"
        f" border: 1px solid {q.name()}; border-radius: 10px; padding: 2px 10px; font-weight: 600; }}")
    if tooltip:
        label.setToolTip(tooltip)
    return label



class CustomerCardDialog(QDialog):
    saved = Signal(int)

    def __init__(self, ctx, customer_id: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.customer_id = customer_id
        self.card: dict | None = None
        self._purchase_offset = 0
        self.setWindowTitle(self.tr("New customer") if customer_id is None else self.tr("Customer card"))
        self.resize(880, 620)
        self._build()
        if customer_id is not None:
            self.reload()
        else:
            self.tabs.setTabEnabled(1, False)
            self.tabs.setTabEnabled(2, False)

    # ----- layout
    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(18, 16, 18, 14)
        head = QHBoxLayout()
        self.title = QLabel(self.tr("New customer"), objectName="PageTitle")
        head.addWidget(self.title)
        head.addStretch(1)
        self.summary = QLabel("", objectName="Muted")
        head.addWidget(self.summary)
        root.addLayout(head)

        stats = QHBoxLayout()
        self.stat_labels = {}
        for key, label in (("points", self.tr("Points")), ("tier", self.tr("Tier")),
                           ("orders", self.tr("Orders")), ("spent", self.tr("Total spent")),
                           ("last", self.tr("Last purchase"))):
            box = QFrame(objectName="Card")
            bl = QVBoxLayout(box)
            bl.setContentsMargins(12, 8, 12, 8)
            bl.addWidget(QLabel(label, objectName="Muted"))
            value = QLabel("—")
            value.setStyleSheet("font-size: 13pt; font-weight: 600;")
            bl.addWidget(value)
            self.stat_labels[key] = value
            stats.addWidget(box)
        root.addLayout(stats)

        self.tabs = QTabWidget()
        root.addWidget(self.tabs, 1)

        # details
        details = QWidget()
        form = QFormLayout(details)
        form.setContentsMargins(14, 14, 14, 14)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.name_edit = QLineEdit()
        self.phone_edit = QLineEdit()
        self.phone_edit.setPlaceholderText("0912 345 678")
        self.gender_box = QComboBox()
        self.gender_box.addItem(self.tr("Unknown"), "unknown")
        self.gender_box.addItem(self.tr("Male"), "male")
        self.gender_box.addItem(self.tr("Female"), "female")
        self.birth_edit = QLineEdit()
        self.birth_edit.setPlaceholderText(self.tr("dd/mm/yyyy"))
        self.email_edit = QLineEdit()
        self.address_edit = QLineEdit()
        self.province_box = QComboBox()
        self.province_box.setEditable(True)
        from loyalty_desktop.vn.provinces import PROVINCES

        self.province_box.addItem("")
        self.province_box.addItems(sorted(PROVINCES))
        self.note_edit = QPlainTextEdit()
        self.note_edit.setFixedHeight(70)
        self.errors: dict[str, QLabel] = {}
        for key, label, widget in (
            ("full_name", self.tr("Name"), self.name_edit), ("phone", self.tr("Phone"), self.phone_edit),
            ("gender", self.tr("Gender"), self.gender_box), ("birth_date", self.tr("Birth date"), self.birth_edit),
            ("email", self.tr("E-mail"), self.email_edit), ("address", self.tr("Address"), self.address_edit),
            ("province", self.tr("Province"), self.province_box), ("note", self.tr("Note"), self.note_edit),
        ):
            cell = QWidget()
            cl = QVBoxLayout(cell)
            cl.setContentsMargins(0, 0, 0, 0)
            cl.setSpacing(2)
            cl.addWidget(widget)
            err = QLabel("", objectName="ErrorLabel")
            err.setVisible(False)
            cl.addWidget(err)
            self.errors[key] = err
            form.addRow(label, cell)
        self.opt_label = QLabel("")
        self.opt_button = QPushButton()
        self.opt_button.clicked.connect(self.toggle_opt_out)
        row = QHBoxLayout()
        row.addWidget(self.opt_label)
        row.addWidget(self.opt_button)
        row.addStretch(1)
        form.addRow(self.tr("SMS"), row)
        self.tabs.addTab(details, self.tr("Details"))

        # purchases
        purchases = QWidget()
        pl = QVBoxLayout(purchases)
        bar = QHBoxLayout()
        self.purchase_info = QLabel("", objectName="Muted")
        bar.addWidget(self.purchase_info)
        bar.addStretch(1)
        self.prev_button = QPushButton(self.tr("‹ Newer"))
        self.next_button = QPushButton(self.tr("Older ›"))
        self.prev_button.clicked.connect(lambda: self._page_purchases(-1))
        self.next_button.clicked.connect(lambda: self._page_purchases(1))
        bar.addWidget(self.prev_button)
        bar.addWidget(self.next_button)
        self.record_button = QPushButton(self.tr("Record a purchase…"))
        self.record_button.setProperty("primary", True)
        self.record_button.clicked.connect(self.record_purchase)
        bar.addWidget(self.record_button)
        pl.addLayout(bar)
        self.purchase_table = QTableWidget(0, 6)
        self.purchase_table.setHorizontalHeaderLabels([self.tr("Date"), self.tr("Invoice"), self.tr("Amount"),
                                                       self.tr("Category"), self.tr("Channel"), self.tr("Branch")])
        self.purchase_table.verticalHeader().setVisible(False)
        self.purchase_table.verticalHeader().setDefaultSectionSize(style.ROW_HEIGHT)
        ph = self.purchase_table.horizontalHeader()
        ph.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for col in (0, 1, 2):  # date, invoice, amount (with "(cancelled)"): never clipped
            ph.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.purchase_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        pl.addWidget(self.purchase_table)
        self.tabs.addTab(purchases, self.tr("Purchases"))

        # tags, segments and consent
        more = QWidget()
        ml = QVBoxLayout(more)
        ml.addWidget(QLabel(self.tr("Tags"), objectName="Muted"))
        self.tags_row = QHBoxLayout()
        ml.addLayout(self.tags_row)
        buttons = QHBoxLayout()
        self.add_tag_button = QPushButton(self.tr("Add tag…"))
        self.add_tag_button.clicked.connect(lambda: self._edit_tag(True))
        self.remove_tag_button = QPushButton(self.tr("Remove tag…"))
        self.remove_tag_button.clicked.connect(lambda: self._edit_tag(False))
        buttons.addWidget(self.add_tag_button)
        buttons.addWidget(self.remove_tag_button)
        buttons.addStretch(1)
        ml.addLayout(buttons)
        ml.addWidget(QLabel(self.tr("Saved segments this customer is in"), objectName="Muted"))
        self.segments_label = QLabel("—")
        self.segments_label.setWordWrap(True)
        ml.addWidget(self.segments_label)
        ml.addWidget(QLabel(self.tr("SMS consent history"), objectName="Muted"))
        self.consent_label = QLabel("—")
        self.consent_label.setWordWrap(True)
        ml.addWidget(self.consent_label)
        ml.addStretch(1)
        self.tabs.addTab(more, self.tr("Tags && history"))

        self.message = QLabel("", objectName="ErrorLabel")
        self.message.setWordWrap(True)
        root.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setProperty("primary", True)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        root.addWidget(self.buttons)
        self._set_opt(False)

    # ----- data
    def reload(self) -> None:
        self.ctx.tasks.run(f"card-{id(self)}", _load_card, self.ctx.db, self.customer_id,
                           on_result=self._show, on_error=self._load_failed)

    def _load_failed(self, exc) -> None:
        self.message.setText(self.ctx.error_text(exc))

    def _show(self, card: dict) -> None:
        self.card = card
        self.title.setText(card["full_name"] or self.tr("(no name)"))
        self.summary.setText(self.tr("Customer since {date}").format(date=format_date(card["created_at"].date())))
        self.name_edit.setText(card["full_name"] or "")
        self.phone_edit.setText(display_phone(card["phone"]) if card["phone"] else "")
        self.gender_box.setCurrentIndex(max(0, self.gender_box.findData(card["gender"])))
        self.birth_edit.setText(format_date(card["birth_date"]) if card["birth_date"] else "")
        self.email_edit.setText(card["email"] or "")
        self.address_edit.setText(card["address"] or "")
        self.province_box.setCurrentText(card["province"] or "")
        self.note_edit.setPlainText(card["note"] or "")
        self.stat_labels["points"].setText(f"{card['points'] or 0:,}".replace(",", "."))
        self.stat_labels["tier"].setText(card["tier"] or "—")
        self.stat_labels["orders"].setText(str(card.get("order_count") or 0))
        self.stat_labels["spent"].setText(format_vnd(card.get("total_spent") or 0))
        lp = card.get("last_purchase_at")
        self.stat_labels["last"].setText(format_date(lp.date()) if lp else self.tr("never"))
        self._set_opt(bool(card["sms_opt_out"]))
        self._show_purchases(card["purchases"])
        while self.tags_row.count():
            item = self.tags_row.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        for t in card["tags"]:
            group = t.get("group")
            self.tags_row.addWidget(_chip(t["name"], t["color"], self.tr("Group: {0}").format(group) if group else ""))
        if not card["tags"]:
            self.tags_row.addWidget(QLabel(self.tr("No tags"), objectName="Muted"))
        self.tags_row.addStretch(1)
        self.segments_label.setText(", ".join(card["segments"]) or self.tr("None"))
        lines = []
        for ev in card["consent"]:
            what = self.tr("opted out") if ev["opted_out"] else self.tr("opted back in")
            line = f"{format_datetime(ev['created_at'])} — {what} ({ev['method']})"
            if ev["note"]:
                line += f": {ev['note']}"
            lines.append(line)
        self.consent_label.setText("\n".join(lines) or self.tr("No changes recorded"))

    def _set_opt(self, opted_out: bool) -> None:
        self._opted_out = opted_out
        self.opt_label.setText(self.tr("Opted out of SMS") if opted_out else self.tr("Receives SMS"))
        self.opt_label.setStyleSheet(f"color: {style.DANGER if opted_out else style.SUCCESS}; font-weight: 600;")
        self.opt_button.setText(self.tr("Allow SMS again") if opted_out else self.tr("Opt out of SMS"))
        self.opt_button.setEnabled(self.customer_id is not None)

    def _show_purchases(self, rows: list[dict]) -> None:
        self.purchase_table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            amount = format_vnd(r["amount"])
            if r["cancelled"]:
                amount += " " + self.tr("(cancelled)")
            values = [format_datetime(r["purchased_at"]), r["invoice_code"], amount, r["category"] or "",
                      r["channel"] or "", r["branch"] or ""]
            for j, v in enumerate(values):
                item = QTableWidgetItem(v)
                if j == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if r["cancelled"]:
                    item.setForeground(QColor(style.MUTED))
                    item.setToolTip(self.tr("Cancelled purchase: not counted in the totals"))
                self.purchase_table.setItem(i, j, item)
        total = (self.card or {}).get("purchase_count", 0)
        first = self._purchase_offset + 1 if rows else 0
        self.purchase_info.setText(self.tr("{a}–{b} of {n} purchases").format(
            a=first, b=self._purchase_offset + len(rows), n=total))
        self.prev_button.setEnabled(self._purchase_offset > 0)
        self.next_button.setEnabled(self._purchase_offset + len(rows) < total)

    def _page_purchases(self, step: int) -> None:
        self._purchase_offset = max(0, self._purchase_offset + step * PURCHASES_PAGE)
        self.ctx.tasks.run(f"card-purchases-{id(self)}", _load_purchases, self.ctx.db, self.customer_id,
                           self._purchase_offset, on_result=self._show_purchases, on_error=self._load_failed)

    # ----- edits
    def values(self) -> dict:
        return {
            "full_name": self.name_edit.text(), "phone": self.phone_edit.text(),
            "gender": self.gender_box.currentData(), "birth_date": self.birth_edit.text().strip() or None,
            "email": self.email_edit.text(), "address": self.address_edit.text(),
            "province": self.province_box.currentText(), "note": self.note_edit.toPlainText(),
        }

    def _clear_errors(self) -> None:
        self.message.setText("")
        for key, label in self.errors.items():
            label.setVisible(False)
        for w in (self.name_edit, self.phone_edit, self.birth_edit, self.email_edit):
            w.setProperty("invalid", False)
            w.style().polish(w)

    def save(self) -> None:
        self._clear_errors()
        self.buttons.setEnabled(False)
        self.ctx.tasks.run(f"card-save-{id(self)}", _save, self.ctx.db, self.customer_id, self.values(), write=True,
                           on_result=self._saved, on_error=self._save_failed)

    def _saved(self, customer_id: int) -> None:
        self.buttons.setEnabled(True)
        created = self.customer_id is None
        self.customer_id = customer_id
        self.ctx.notify_changed("customers")
        self.saved.emit(customer_id)
        if created:
            self.setWindowTitle(self.tr("Customer card"))
            self.tabs.setTabEnabled(1, True)
            self.tabs.setTabEnabled(2, True)
            self._set_opt(False)
        self.message.setStyleSheet(f"color: {style.SUCCESS};")
        self.message.setText(self.tr("Saved."))
        self.reload()

    def _save_failed(self, exc) -> None:
        self.buttons.setEnabled(True)
        self.message.setStyleSheet("")
        if isinstance(exc, cu.ValidationError):
            widgets = {"full_name": self.name_edit, "phone": self.phone_edit, "birth_date": self.birth_edit,
                       "email": self.email_edit}
            vi = self._vietnamese()
            for key, msg in exc.errors.items():
                label = self.errors.get(key)
                if label is not None:
                    label.setText(exc.errors_vi.get(key, msg) if vi else msg)
                    label.setVisible(True)
                w = widgets.get(key)
                if w is not None:
                    w.setProperty("invalid", True)
                    w.style().polish(w)
            self.message.setText(self.tr("Please correct the highlighted fields."))
            return
        if isinstance(exc, cu.PhoneConflict):
            self.errors["phone"].setText(self.tr("This phone number belongs to {name}.").format(
                name=exc.other_name or f"#{exc.other_id}"))
            self.errors["phone"].setVisible(True)
            if self.customer_id is None:
                self.message.setText(self.tr("A customer with this phone number already exists."))
                return
            answer = QMessageBox.question(
                self, self.tr("Phone number already used"),
                self.tr("The phone number belongs to {name}. Are they the same person? You can merge the two "
                        "customers: purchases and tags are kept.").format(name=exc.other_name or f"#{exc.other_id}"),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
            if answer == QMessageBox.StandardButton.Yes:
                self.open_merge(exc.other_id)
            return
        self.message.setText(self.ctx.error_text(exc))

    def _vietnamese(self) -> bool:
        return self.tr("Save") != "Save"

    def open_merge(self, other_id: int):
        dialog = MergeDialog(self.ctx, self.customer_id, other_id, self)
        dialog.merged.connect(lambda keep: (setattr(self, "customer_id", keep), self.reload()))
        dialog.open()
        return dialog

    def toggle_opt_out(self) -> None:
        want = not self._opted_out

        def work(state, db, cid, want):
            with db.begin() as conn:
                return cu.set_opt_out(conn, [cid], want, method="manual")

        self.ctx.tasks.run(f"card-opt-{id(self)}", work, self.ctx.db, self.customer_id, want, write=True,
                           on_result=lambda _n: (self.ctx.notify_changed("customers"), self.reload()),
                           on_error=self._load_failed)

    def _edit_tag(self, add: bool) -> None:
        if self.card is None:
            return
        names = [n for _i, n in self.card["all_tags"]] if add else [t["name"] for t in self.card["tags"]]
        if not add and not names:
            return
        name, ok = QInputDialog.getItem(self, self.tr("Add tag") if add else self.tr("Remove tag"),
                                        self.tr("Tag:"), names, 0, add)
        if ok and name.strip():
            self.ctx.tasks.run(f"card-tag-{id(self)}", _tag_one, self.ctx.db, self.customer_id, name.strip(), add,
                               write=True, on_result=lambda _r: (self.ctx.notify_changed("tags"), self.reload()),
                               on_error=self._load_failed)

    def record_purchase(self):
        dialog = PurchaseDialog(self, (self.card or {}).get("full_name"))
        dialog.accepted.connect(lambda: self._record(dialog.result_values()))
        dialog.open()
        return dialog

    def _record(self, values: dict) -> None:
        self.ctx.tasks.run(f"card-record-{id(self)}", _record, self.ctx.db, self.customer_id, values["amount"],
                           values["when"], values["category"], values["channel"], write=True,
                           on_result=lambda _pid: (self.ctx.notify_changed("purchases"), self.reload()),
                           on_error=self._load_failed)


class PurchaseDialog(QDialog):
    """Amount ("1.500.000", "1,5tr", "500k", shown back as 1.500.000 ₫ while typing), date/time, category,
    channel."""

    CHANNELS = ("Cửa hàng", "Facebook", "Zalo", "Shopee", "TikTok Shop", "Website")

    def __init__(self, parent=None, customer_name: str | None = None) -> None:
        super().__init__(parent)
        self._amount: int | None = None
        self.setWindowTitle(self.tr("Record a purchase"))
        self.setMinimumWidth(460)
        root = QVBoxLayout(self)
        root.setContentsMargins(18, 16, 18, 14)
        title = QLabel(self.tr("Record a purchase"), objectName="SectionTitle")
        title.setStyleSheet("font-size: 13pt; font-weight: 600;")
        root.addWidget(title)
        self.customer_label = QLabel(self.tr("For {name}. Points, tier and totals are updated.").format(
            name=customer_name) if customer_name else self.tr("Points, tier and totals are updated."),
            objectName="Muted")
        self.customer_label.setWordWrap(True)
        root.addWidget(self.customer_label)
        form = QFormLayout()
        form.setContentsMargins(0, 8, 0, 0)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount = QLineEdit()
        self.amount.setPlaceholderText(self.tr("e.g. 1.500.000 or 1,5tr"))
        self.amount.textChanged.connect(self._preview)
        self.amount_preview = QLabel(" ", objectName="Muted")
        amount_cell = QWidget()
        al = QVBoxLayout(amount_cell)
        al.setContentsMargins(0, 0, 0, 0)
        al.setSpacing(2)
        al.addWidget(self.amount)
        al.addWidget(self.amount_preview)
        self.when = QDateTimeEdit(datetime.now())
        self.when.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.when.setCalendarPopup(True)
        self.when.setMaximumDate(QDate.currentDate())
        self.category = QLineEdit()
        self.category.setPlaceholderText(self.tr("optional, e.g. Mỹ phẩm"))
        self.channel = QComboBox()
        self.channel.setEditable(True)
        self.channel.addItem("")
        self.channel.addItems(list(self.CHANNELS))
        self.channel.lineEdit().setPlaceholderText(self.tr("optional"))
        form.addRow(self.tr("Amount"), amount_cell)
        form.addRow(self.tr("Date"), self.when)
        form.addRow(self.tr("Category"), self.category)
        form.addRow(self.tr("Channel"), self.channel)
        root.addLayout(form)
        self.error = QLabel("", objectName="ErrorLabel")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        root.addWidget(self.error)
        root.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("Record"))
        self.ok.setProperty("primary", True)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        root.addWidget(buttons)

    @staticmethod
    def _parse(text: str) -> int | None:
        from loyalty_desktop.vn.money import parse_vnd

        try:
            value = parse_vnd(text)
        except ValueError:
            return None
        return value if value and value > 0 else None

    def _preview(self, text: str) -> None:
        self.error.setVisible(False)
        if not text.strip():
            self.amount_preview.setText(" ")
            return
        value = self._parse(text)
        self.amount_preview.setText("= " + format_vnd(value) if value else self.tr("not an amount yet"))

    def _check(self) -> None:
        value = self._parse(self.amount.text())
        if value is None:
            self.error.setText(self.tr("Enter an amount greater than 0, e.g. 250.000 or 1,5tr."))
            self.error.setVisible(True)
            self.amount.setFocus()
            return
        self._amount = value
        self.accept()

    def result_values(self) -> dict:
        return {"amount": self._amount, "when": self.when.dateTime().toPython().replace(second=0, microsecond=0),
                "category": self.category.text().strip() or None, "channel": self.channel.currentText().strip() or None}


class MergeDialog(QDialog):
    """Merge two customers: pick, field by field, which value to keep; shows what the merged customer gets."""

    merged = Signal(int)
    VALUE_WIDTH = 250  # longer values are elided (full text in the tooltip)

    def __init__(self, ctx, keep_id: int, other_id: int, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.keep_id, self.other_id = keep_id, other_id
        self.groups: dict[str, QButtonGroup] = {}
        self.pair: tuple[dict, dict] | None = None
        self.setWindowTitle(self.tr("Merge customers"))
        self.setMinimumWidth(720)
        root = QVBoxLayout(self)
        root.setContentsMargins(18, 16, 18, 14)
        root.setSpacing(10)
        intro = QLabel(self.tr("Choose the value to keep for each field. All purchases, tags and history of both "
                               "customers are kept; points are added up. The second customer is then removed."),
                       objectName="Muted")
        intro.setWordWrap(True)
        root.addWidget(intro)
        box = QFrame(objectName="Card")
        self.grid = QGridLayout(box)
        self.grid.setContentsMargins(14, 10, 14, 10)
        self.grid.setHorizontalSpacing(18)
        self.grid.setVerticalSpacing(4)
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(2, 1)
        self.loading = QLabel(self.tr("Loading…"), objectName="Muted")
        self.grid.addWidget(self.loading, 0, 0)
        root.addWidget(box)
        self.result_label = QLabel("", objectName="Muted")
        self.result_label.setWordWrap(True)
        root.addWidget(self.result_label)
        self.error = QLabel("", objectName="ErrorLabel")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        root.addWidget(self.error)
        root.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("Merge"))
        self.ok.setProperty("primary", True)
        self.ok.setEnabled(False)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.merge)
        buttons.rejected.connect(self.reject)
        root.addWidget(buttons)
        ctx.tasks.run(f"merge-load-{id(self)}", _load_pair, ctx.db, keep_id, other_id, on_result=self._show,
                      on_error=self._failed)

    def _failed(self, exc) -> None:
        self.error.setText(self.ctx.error_text(exc))
        self.error.setVisible(True)

    def display(self, field: str, value) -> str:
        """A field value as users read it: 0912 345 678, dd/mm/yyyy, Nam/Nữ; "—" when empty."""
        if value is None or value == "":
            return "—"
        if field == "phone":
            return display_phone(value)
        if field == "birth_date":
            return format_date(value)
        if field == "gender":
            return {"male": self.tr("Male"), "female": self.tr("Female")}.get(value, "—")
        return " ".join(str(value).split())

    def _header(self, c: dict, role: str, color: str) -> QWidget:
        """Name in bold; below: kept/removed, orders, total spent and points (muted)."""
        cell = QWidget()
        layout = QVBoxLayout(cell)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.setSpacing(0)
        name = QLabel(c.get("full_name") or self.tr("(no name)"))
        name.setStyleSheet("font-weight: 600; font-size: 11pt;")
        layout.addWidget(name)
        facts = self.tr("{n} orders · {spent} · {points} points").format(
            n=format_count(c.get("order_count") or 0), spent=format_vnd(c.get("total_spent") or 0),
            points=format_count(c.get("points") or 0))
        layout.addWidget(QLabel(facts, objectName="Muted"))
        role_label = QLabel(role)
        role_label.setStyleSheet(f"color: {color}; font-weight: 600;")
        layout.addWidget(role_label)
        return cell

    def _show(self, pair) -> None:
        self.pair = pair
        a, b = pair
        self.loading.deleteLater()
        labels = {"full_name": self.tr("Name"), "phone": self.tr("Phone"), "gender": self.tr("Gender"),
                  "birth_date": self.tr("Birth date"), "email": self.tr("E-mail"), "address": self.tr("Address"),
                  "province": self.tr("Province"), "note": self.tr("Note"), "code": self.tr("Code")}
        self.grid.addWidget(self._header(a, self.tr("kept"), style.SUCCESS), 0, 1)
        self.grid.addWidget(self._header(b, self.tr("removed after merging"), style.DANGER), 0, 2)
        metrics = QFontMetrics(self.font())
        row = 1
        for field in cu.MERGE_FIELDS:
            left_text, right_text = self.display(field, a.get(field)), self.display(field, b.get(field))
            self.grid.addWidget(QLabel(labels[field], objectName="Muted"), row, 0)
            group = QButtonGroup(self)
            for col, text in ((1, left_text), (2, right_text)):
                button = QRadioButton(metrics.elidedText(text, Qt.TextElideMode.ElideRight, self.VALUE_WIDTH))
                if button.text() != text:
                    button.setToolTip(text)
                group.addButton(button, col - 1)
                self.grid.addWidget(button, row, col)
            # the kept customer's value by default; an empty one is filled from the other customer
            empty_left = a.get(field) in (None, "") and b.get(field) not in (None, "")
            group.button(1 if empty_left else 0).setChecked(True)
            if left_text == right_text:
                for button in group.buttons():
                    button.setEnabled(False)
                    button.setToolTip(self.tr("Same value for both customers"))
            group.idToggled.connect(lambda *_a: self._update_result())
            self.groups[field] = group
            row += 1
        self.grid.addWidget(QLabel(self.tr("Tags"), objectName="Muted"), row, 0)
        for col, c in ((1, a), (2, b)):
            text = ", ".join(t["name"] for t in c.get("tags") or []) or "—"
            value = QLabel(metrics.elidedText(text, Qt.TextElideMode.ElideRight, self.VALUE_WIDTH + 20))
            value.setToolTip(text)
            value.setContentsMargins(22, 0, 0, 0)  # line up with the radio buttons' text
            self.grid.addWidget(value, row, col)
        self._update_result()
        self.ok.setEnabled(True)
        # the new rows are shown by a queued call: fit the dialog once they are
        QTimer.singleShot(0, self._fit)

    def _fit(self) -> None:
        """Grow to show every row (word-wrapped labels make the plain minimum size too small)."""
        layout = self.layout()
        layout.activate()
        width = max(self.width(), self.minimumWidth(), self.sizeHint().width())
        height = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else -1
        self.resize(width, max(height, self.sizeHint().height()))

    def _update_result(self) -> None:
        if self.pair is None:
            return
        a, b = self.pair
        name = a.get("full_name") if self.choices().get("full_name") == "keep" else b.get("full_name")
        tags = sorted({t["name"] for t in (a.get("tags") or []) + (b.get("tags") or [])}, key=str.lower)
        orders = (a.get("order_count") or 0) + (b.get("order_count") or 0)
        text = self.tr("After merging, {name} has {n} orders ({spent}) and {points} points.").format(
            name=name or self.tr("(no name)"), n=format_count(orders),
            spent=format_vnd((a.get("total_spent") or 0) + (b.get("total_spent") or 0)),
            points=format_count((a.get("points") or 0) + (b.get("points") or 0)))
        if tags:
            text += " " + self.tr("Tags: {tags}.").format(tags=", ".join(tags))
        if a.get("sms_opt_out") or b.get("sms_opt_out"):
            text += " " + self.tr("One of them opted out of SMS, so the merged customer stays opted out.")
        self.result_label.setText(text)

    def choices(self) -> dict[str, str]:
        return {f: ("other" if g.checkedId() == 1 else "keep") for f, g in self.groups.items()}

    def merge(self) -> None:
        self.ok.setEnabled(False)
        self.error.setVisible(False)
        self.ctx.tasks.run(f"merge-{id(self)}", _merge, self.ctx.db, self.keep_id, self.other_id, self.choices(),
                           write=True, on_result=self._done,
                           on_error=lambda exc: (self.ok.setEnabled(True), self._failed(exc)))

    def _done(self, result: dict) -> None:
        self.ctx.notify_changed("customers")
        self.merged.emit(result["kept"])
        self.accept()

