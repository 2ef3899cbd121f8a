"""Campaigns page: build an SMS recipient list (segments/tags, exclusions, control group), write the
message with placeholders and see it for real recipients with its length and cost, export it for the
gateway, and follow every campaign afterwards (re-export, delivery report, results vs control group).

Every database read and the export itself run in workers (``ctx.tasks``); the recipient list is
recomputed ~300 ms after the last change of the sources/options, the length over all recipients
~300 ms after the last keystroke. A newer request cancels the older one.
"""

from __future__ import annotations

import logging
import random
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QDateTime, QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from loyalty_desktop.campaigns import decree
from loyalty_desktop.campaigns.sms import GSM7, LengthCounter, remove_diacritics, sms_info
from loyalty_desktop.campaigns.templates import PLACEHOLDERS, parse_template
from loyalty_desktop.errors import UserError
from loyalty_desktop.ui import style
from loyalty_desktop.ui.format import format_count, format_percent, format_vnd, format_vnd_short
from loyalty_desktop.ui.resources import icon

log = logging.getLogger(__name__)

DEBOUNCE_MS = 300
PREVIEW_ROWS = 50
KIND_ROLE = Qt.ItemDataRole.UserRole
NAME_ROLE = Qt.ItemDataRole.UserRole + 1
DEFAULT_TEMPLATE = "{Xung_ho} {ten} ơi, {cua_hang} tặng {xung_ho} ưu đãi 20% đến hết tuần này."

PAGE_QSS = f"""
#SectionTitle {{ font-weight: 600; font-size: 11pt; }}
#CountBig {{ font-size: 20pt; font-weight: 600; color: {style.ACCENT}; }}
#Bubble {{ background: #E7F6F4; border: 1px solid #BFE6E0; border-radius: 14px; padding: 10px 14px; }}
#LengthLine {{ color: {style.TEXT}; font-weight: 600; }}
#ExclusionCount {{ font-weight: 600; }}
QPushButton#LinkButton {{ border: none; background: transparent; color: {style.ACCENT}; padding: 0 4px;
    text-decoration: underline; }}
QPushButton#Chip {{ border: 1px solid {style.BORDER}; border-radius: 11px; padding: 3px 10px; background: #F0F7F6;
    color: {style.ACCENT}; }}
QPushButton#Chip:hover {{ border-color: {style.ACCENT}; }}
QListWidget#SourceList {{ border: 1px solid {style.BORDER}; border-radius: 6px; background: white; }}
QListWidget#SourceList::item {{ padding: 3px 2px; }}
"""


# ----- worker functions (worker thread; plain data in, plain data out)

def load_choices(state, db) -> dict:
    from sqlalchemy import func, select

    from loyalty_desktop.models import CustomerTag, Tag
    from loyalty_desktop.settings import get_setting

    t, ct = Tag.__table__, CustomerTag.__table__
    with db.connect() as conn:
        try:
            from loyalty_desktop.segments.store import list_segments

            segments = [r["name"] for r in list_segments(conn)]
        except ImportError:  # pragma: no cover
            segments = []
        counts = select(ct.c.tag_id, func.count().label("n")).group_by(ct.c.tag_id).subquery()
        tags = [(r.name, int(r.n or 0)) for r in conn.execute(
            select(t.c.name, counts.c.n).select_from(t.outerjoin(counts, counts.c.tag_id == t.c.id))
            .order_by(t.c.name_folded))]
        settings = {k: get_setting(conn, k) for k in
                    ("shop_name", "sms_price_per_part", "frequency_cap_days", "opt_out_text", "ads_per_phone_per_24h")}
    return {"segments": segments, "tags": tags, "settings": settings}


def compute_recipients(state, db, spec_json: dict) -> dict:
    from loyalty_desktop.campaigns.recipients import build_recipients, spec_from_json

    spec = spec_from_json(spec_json)
    spec.send_at = spec_json.get("send_at")
    with db.connect() as conn:
        state.interrupt_connection(conn)
        rs = build_recipients(conn, spec, check=state.check)
    return {"rows": rs.recipients, "control": len(rs.control), "counts": rs.counts(), "excluded": rs.excluded,
            "source_counts": rs.source_counts}


def compute_length(state, rows: list[dict], template_text: str, shop_name: str, no_accents: bool,
                   price: int) -> dict:
    tpl = parse_template(template_text, shop_name)
    counter = LengthCounter(price)
    for i, row in enumerate(rows):
        msg = tpl.render(row)
        counter.add(remove_diacritics(msg) if no_accents else msg)
        if i % 2000 == 1999:
            state.check()
    t = counter.totals()
    return {"messages": t.messages, "encoding": t.encoding, "max_chars": t.max_chars, "max_parts": t.max_parts,
            "total_parts": t.total_parts, "cost": t.estimated_cost, "ucs2": t.ucs2_messages}


def run_export(state, db, plan, path: str) -> dict:
    from loyalty_desktop.campaigns.export import export_campaign

    return export_campaign(db, plan, path, check=state.check, progress=state.progress)


def list_customers(state, db, ids: list[int]) -> list[dict]:
    from loyalty_desktop.campaigns.recipients import customer_rows

    with db.connect() as conn:
        return customer_rows(conn, ids, limit=2000)


def load_history(state, db) -> list[dict]:
    from loyalty_desktop.campaigns.records import list_campaigns

    with db.connect() as conn:
        return list_campaigns(conn)


def load_results(state, db, campaign_id: int, days: int) -> dict:
    from loyalty_desktop.campaigns.records import get_campaign, results, stored_rows

    with db.connect() as conn:
        camp = get_campaign(conn, campaign_id)
        res = results(conn, campaign_id, days)
        sample = stored_rows(conn, campaign_id, limit=1)
    camp["sample"] = sample[0]["message"] if sample else ""
    return {"campaign": camp, "results": res}


def run_reexport(state, db, campaign_id: int, path: str, preset: str | None, fmt: str | None,
                 split: int | None) -> list[str]:
    from loyalty_desktop.campaigns.records import reexport

    with db.connect() as conn:
        return [str(p) for p in reexport(conn, campaign_id, path, preset, fmt, split)]


def run_delivery(state, db, campaign_id: int, path: str) -> dict:
    from loyalty_desktop.campaigns.records import import_delivery_report

    with db.begin() as conn:
        return import_delivery_report(conn, campaign_id, path)


# ----- small widgets

class FlowLayout(QLayout):
    """Lays out widgets left to right, wrapping to the next line (the Qt "flow layout" example)."""

    def __init__(self, parent=None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int):
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int):
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self):
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._place(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect) -> None:
        super().setGeometry(rect)
        self._place(rect, apply=True)

    def sizeHint(self):
        return self.minimumSize()

    def minimumSize(self):
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _place(self, rect, apply: bool) -> int:
        x, y, line = rect.x(), rect.y(), 0
        for item in self._items:
            hint = item.sizeHint()
            if x + hint.width() > rect.right() + 1 and line > 0:
                x = rect.x()
                y += line + self._spacing
                line = 0
            if apply:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            line = max(line, hint.height())
        return y + line - rect.y()


def card(title: str | None = None) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame(objectName="Card")
    lay = QVBoxLayout(frame)
    lay.setContentsMargins(16, 14, 16, 14)
    lay.setSpacing(8)
    if title:
        lay.addWidget(QLabel(title, objectName="SectionTitle"))
    return frame, lay


class CustomerListDialog(QDialog):
    """The customers left out for one reason (name, phone)."""

    def __init__(self, title: str, rows: list[dict], total: int, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(520, 480)
        lay = QVBoxLayout(self)
        shown = len(rows)
        note = self.tr("{n} customers").format(n=format_count(total))
        if shown < total:
            note += " · " + self.tr("showing the first {n}").format(n=format_count(shown))
        lay.addWidget(QLabel(note, objectName="Muted"))
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels([self.tr("Customer"), self.tr("Phone")])
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(style.ROW_HEIGHT)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        from loyalty_desktop.ui.format import display_phone

        for i, r in enumerate(rows):
            self.table.setItem(i, 0, QTableWidgetItem(r.get("full_name") or self.tr("(no name)")))
            self.table.setItem(i, 1, QTableWidgetItem(display_phone(r["phone"]) if r.get("phone") else ""))
        lay.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)


# ----- the page

class CampaignsPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setStyleSheet(PAGE_QSS)
        self.settings: dict = {}
        self.rows: list[dict] = []  # current recipients (plain dicts)
        self.excluded: dict[str, list[int]] = {}
        self.counts: dict = {}
        self.length: dict | None = None
        self.template_error: str | None = None
        self.pending_segment: str | None = None
        self.last_export: dict | None = None
        self.history: list[dict] = []
        self.results: dict | None = None
        self._canvas = None
        self._choices_loaded = False
        self.seed = random.randrange(1, 2**31)  # a new control group draw after each export

        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 18, 24, 12)
        outer.setSpacing(10)
        head = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(QLabel(self.tr("SMS campaigns"), objectName="PageTitle"))
        titles.addWidget(QLabel(self.tr("Export recipient lists for your SMS gateway and measure the results."),
                                objectName="PageSubtitle"))
        head.addLayout(titles, 1)
        outer.addLayout(head)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_new_tab(), icon("campaigns"), self.tr("New campaign"))
        self.tabs.addTab(self._build_history_tab(), self.tr("History and results"))
        self.tabs.currentChanged.connect(self._on_tab)
        outer.addWidget(self.tabs, 1)

        self.recipients_timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self.recipients_timer.timeout.connect(self.refresh_recipients)
        self.length_timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self.length_timer.timeout.connect(self.refresh_length)
        ctx.data_changed.connect(self._on_data_changed)
        self.load_choices()

    # ================================================================ new campaign tab
    def _build_new_tab(self) -> QWidget:
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)

        left = QWidget()
        left_lay = QVBoxLayout(left)
        left_lay.setContentsMargins(10, 10, 6, 10)
        left_lay.setSpacing(10)
        left_lay.addWidget(self._build_recipients_card())
        left_lay.addWidget(self._build_message_card())
        left_lay.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(left)
        scroll.setMinimumWidth(480)
        split.addWidget(scroll)

        right = QWidget()
        right_lay = QVBoxLayout(right)
        right_lay.setContentsMargins(6, 10, 10, 10)
        right_lay.setSpacing(10)
        right_lay.addWidget(self._build_preview_card(), 1)
        right_lay.addWidget(self._build_export_card())
        right.setMinimumWidth(440)
        split.addWidget(right)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setSizes([540, 580])
        return split

    def _build_recipients_card(self) -> QFrame:
        frame, lay = card(self.tr("1. Recipients"))
        lists = QGridLayout()
        lists.setHorizontalSpacing(10)
        lists.addWidget(QLabel(self.tr("Send to (segments and tags)")), 0, 0)
        lists.addWidget(QLabel(self.tr("Leave out")), 0, 1)
        self.include_list = QListWidget(objectName="SourceList")
        self.exclude_list = QListWidget(objectName="SourceList")
        for w in (self.include_list, self.exclude_list):
            w.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            w.setTextElideMode(Qt.TextElideMode.ElideRight)
            w.setMinimumHeight(100)
            w.setMaximumHeight(118)
            w.itemChanged.connect(self._on_sources_changed)
        lists.addWidget(self.include_list, 1, 0)
        lists.addWidget(self.exclude_list, 1, 1)
        lists.setColumnStretch(0, 3)
        lists.setColumnStretch(1, 2)
        lay.addLayout(lists)

        counts = QHBoxLayout()
        big = QVBoxLayout()
        self.count_label = QLabel("—", objectName="CountBig")
        self.count_caption = QLabel(self.tr("Choose at least one segment or tag"), objectName="Muted")
        self.count_caption.setWordWrap(True)
        self.count_caption.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # room for three wrapped lines, so a longer caption never overlaps what follows
        self.count_caption.setMinimumHeight(self.count_caption.fontMetrics().lineSpacing() * 3 + 4)
        big.addWidget(self.count_label)
        big.addWidget(self.count_caption)
        big.addStretch(1)
        counts.addLayout(big, 2)
        grid = QGridLayout()
        grid.setVerticalSpacing(2)
        self.exclusion_labels: dict[str, QLabel] = {}
        self.exclusion_buttons: dict[str, QPushButton] = {}
        reasons = [
            ("excluded_opt_out", self.tr("Opted out of SMS")),
            ("excluded_not_mobile", self.tr("No mobile number")),
            ("excluded_recent", self.tr("Messaged recently")),
            ("excluded_ads_cap", self.tr("Advertising cap (24 h)")),
            ("excluded_manual", self.tr("Left out by you")),
            ("duplicates", self.tr("In several groups (sent once)")),
        ]
        self.reason_titles = dict(reasons)
        for i, (key, text) in enumerate(reasons):
            grid.addWidget(QLabel(text, objectName="Muted"), i, 0)
            num = QLabel("0", objectName="ExclusionCount")
            num.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            num.setMinimumWidth(num.fontMetrics().horizontalAdvance("0.000.000") + 4)
            grid.addWidget(num, i, 1)
            self.exclusion_labels[key] = num
            if key != "duplicates":
                btn = QPushButton(self.tr("View"), objectName="LinkButton")
                btn.setCursor(Qt.CursorShape.PointingHandCursor)
                btn.setEnabled(False)
                btn.clicked.connect(lambda _=False, k=key: self.show_excluded(k))
                grid.addWidget(btn, i, 2)
                self.exclusion_buttons[key] = btn
        counts.addLayout(grid, 3)
        lay.addLayout(counts)

        opts = QGridLayout()
        opts.setHorizontalSpacing(10)
        self.control_spin = QSpinBox(suffix=" %")
        self.control_spin.setRange(0, 50)
        self.control_spin.setValue(10)
        self.control_spin.setToolTip(self.tr("A random share of the recipients gets no message, so the results "
                                             "show what the campaign really added."))
        self.cap_spin = QSpinBox()
        self.cap_spin.setRange(0, 90)
        self.cap_spin.setSuffix(self.tr(" days"))
        self.cap_spin.setSpecialValueText(self.tr("off"))
        self.cap_spin.setToolTip(self.tr("Leave out customers who got a message from another campaign in the last N days."))
        self.ads_check = QCheckBox(self.tr("Advertising"))
        self.ads_check.setToolTip(self.tr('Decree 91/2020: advertising SMS start with "QC", end with opt-out '
                                          "instructions, go out between 07:00 and 22:00, at most one per phone per 24 h."))
        self.ads_check.setChecked(True)
        self.send_check = QCheckBox(self.tr("Send at"))
        self.send_edit = QDateTimeEdit(QDateTime.currentDateTime().addSecs(3600))
        self.send_edit.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.send_edit.setCalendarPopup(True)
        self.send_edit.setEnabled(False)
        opts.addWidget(QLabel(self.tr("Control group")), 0, 0)
        opts.addWidget(self.control_spin, 0, 1)
        opts.addWidget(QLabel(self.tr("Skip if messaged within")), 1, 0)
        opts.addWidget(self.cap_spin, 1, 1)
        opts.addWidget(self.send_check, 2, 0)
        opts.addWidget(self.send_edit, 2, 1)
        for w in (self.control_spin, self.cap_spin, self.send_edit):
            w.setMinimumWidth(160)
        opts.setColumnStretch(2, 1)
        lay.addLayout(opts)
        self.control_spin.valueChanged.connect(self._schedule_recipients)
        self.cap_spin.valueChanged.connect(self._schedule_recipients)
        self.ads_check.toggled.connect(self._on_ads_toggled)
        self.send_check.toggled.connect(self.send_edit.setEnabled)
        self.send_check.toggled.connect(self._schedule_recipients)
        self.send_edit.dateTimeChanged.connect(self._schedule_recipients)
        return frame

    def placeholder_labels(self) -> dict[str, str]:
        return {
            "ten": self.tr("Given name"),
            "ho_ten": self.tr("Full name"),
            "xung_ho": self.tr("Anh/Chị"),
            "diem": self.tr("Points"),
            "hang": self.tr("Tier"),
            "tong_chi": self.tr("Total spent"),
            "ngay_mua_cuoi": self.tr("Last purchase"),
            "ma_kh": self.tr("Customer code"),
            "cua_hang": self.tr("Shop name"),
        }

    def _build_message_card(self) -> QFrame:
        frame, lay = card(self.tr("2. Message"))
        chips = FlowLayout(spacing=6)
        labels = self.placeholder_labels()
        self.placeholder_buttons: dict[str, QPushButton] = {}
        for i, key in enumerate(PLACEHOLDERS):
            btn = QPushButton(labels[key], objectName="Chip")
            btn.setCursor(Qt.CursorShape.PointingHandCursor)
            btn.setToolTip("{" + key + "}")
            btn.clicked.connect(lambda _=False, k=key: self.insert_placeholder(k))
            chips.addWidget(btn)
            self.placeholder_buttons[key] = btn
        lay.addLayout(chips)
        self.template_edit = QPlainTextEdit()
        self.template_edit.setPlaceholderText(self.tr("Write the message; click a button above to insert a placeholder."))
        self.template_edit.setPlainText(DEFAULT_TEMPLATE)
        self.template_edit.setMinimumHeight(72)
        self.template_edit.setMaximumHeight(96)
        self.template_edit.textChanged.connect(self._on_template_changed)
        lay.addWidget(self.template_edit)

        row = QHBoxLayout()
        row.addWidget(self.ads_check)
        self.label_check = QCheckBox(self.tr('Add "QC" at the start'))
        self.label_check.setChecked(True)
        self.accents_check = QCheckBox(self.tr("Remove diacritics (bỏ dấu)"))
        self.accents_check.setToolTip(self.tr("Without Vietnamese accents one SMS holds 160 characters instead of 70."))
        row.addWidget(self.label_check)
        row.addWidget(self.accents_check)
        row.addStretch(1)
        lay.addLayout(row)
        opt = QHBoxLayout()
        opt.addWidget(QLabel(self.tr("Opt-out text")))
        self.opt_out_edit = QLineEdit()
        self.opt_out_edit.setPlaceholderText(decree.DEFAULT_OPT_OUT)
        opt.addWidget(self.opt_out_edit, 1)
        lay.addLayout(opt)
        self.length_label = QLabel("", objectName="LengthLine")
        self.length_label.setWordWrap(True)
        self.cost_label = QLabel("", objectName="Muted")
        self.cost_label.setWordWrap(True)
        self.warning_label = QLabel("", objectName="WarningLabel")
        self.warning_label.setWordWrap(True)
        self.error_label = QLabel("", objectName="ErrorLabel")
        self.error_label.setWordWrap(True)
        lay.addWidget(self.error_label)
        self.label_check.toggled.connect(self._on_template_changed)
        self.accents_check.toggled.connect(self._on_template_changed)
        self.opt_out_edit.textChanged.connect(self._on_template_changed)
        return frame

    def _build_preview_card(self) -> QFrame:
        frame, lay = card(self.tr("3. Preview for real recipients"))
        self.preview_table = QTableWidget(0, 4)
        self.preview_table.setHorizontalHeaderLabels([self.tr("Customer"), self.tr("Phone"), self.tr("Message"),
                                                      self.tr("SMS")])
        self.preview_table.verticalHeader().setVisible(False)
        self.preview_table.verticalHeader().setDefaultSectionSize(style.ROW_HEIGHT)
        hh = self.preview_table.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        hh.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.preview_table.setColumnWidth(0, 150)
        self.preview_table.setColumnWidth(1, 110)
        self.preview_table.setColumnWidth(3, 50)
        self.preview_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.preview_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.preview_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview_table.setAlternatingRowColors(True)
        self.preview_table.setWordWrap(False)
        self.preview_table.itemSelectionChanged.connect(self._show_bubble)
        self.preview_table.setMinimumHeight(style.ROW_HEIGHT * 4 + 34)
        lay.addWidget(self.preview_table, 1)
        self.bubble_caption = QLabel("", objectName="Muted")  # shown as the bubble's tooltip
        self.bubble = QLabel("", objectName="Bubble")
        self.bubble.setWordWrap(True)
        self.bubble.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.bubble.setMinimumHeight(56)
        lay.addWidget(self.bubble)
        lay.addWidget(self.length_label)
        lay.addWidget(self.cost_label)
        lay.addWidget(self.warning_label)
        return frame

    def _build_export_card(self) -> QFrame:
        from loyalty_desktop.campaigns.writers import PRESETS

        frame, lay = card(self.tr("4. Export"))
        form = QGridLayout()
        form.setHorizontalSpacing(10)
        self.preset_combo = QComboBox()
        preset_labels = {
            "phone_message": self.tr("Phone + message"),
            "phone_only": self.tr("Phone only"),
            "name_phone_message": self.tr("Name + phone + message"),
            "zns": self.tr("ZNS-style: phone + template parameters"),
        }
        for pid in PRESETS:
            self.preset_combo.addItem(preset_labels.get(pid, pid), pid)
        self.format_combo = QComboBox()
        for fmt, sample in (("0", "0912345678"), ("84", "84912345678"), ("+84", "+84912345678")):
            self.format_combo.addItem(sample, fmt)
        self.file_combo = QComboBox()
        self.file_combo.addItem(self.tr("Excel (.xlsx)"), "xlsx")
        self.file_combo.addItem(self.tr("CSV, UTF-8 (.csv)"), "csv")
        self.split_check = QCheckBox(self.tr("Split every"))
        self.split_spin = QSpinBox()
        self.split_spin.setRange(100, 1_000_000)
        self.split_spin.setSingleStep(1000)
        self.split_spin.setValue(10_000)
        self.split_spin.setSuffix(self.tr(" rows"))
        self.split_spin.setEnabled(False)
        self.split_check.toggled.connect(self.split_spin.setEnabled)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(self.tr("Campaign name, e.g. Birthday November"))
        self.name_edit.setToolTip(self.tr("Campaign name"))
        for combo in (self.preset_combo, self.format_combo, self.file_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(11 if combo is self.format_combo else 6)
        form.setVerticalSpacing(3)
        for col, text in enumerate((self.tr("Gateway columns"), self.tr("Phone format"), self.tr("File"))):
            form.addWidget(QLabel(text, objectName="Muted"), 0, col)
        form.addWidget(self.preset_combo, 1, 0)
        form.addWidget(self.format_combo, 1, 1)
        form.addWidget(self.file_combo, 1, 2)
        form.setRowMinimumHeight(2, 6)
        form.addWidget(self.name_edit, 3, 0, 1, 3)
        # Its own row: beside the name at 1366 px the label and the spin box were both clipped.
        split_row = QHBoxLayout()
        split_row.addWidget(self.split_check)
        self.split_spin.setMinimumWidth(self.split_spin.fontMetrics().horizontalAdvance("1.000.000 dòng") + 40)
        split_row.addWidget(self.split_spin)
        split_row.addStretch(1)
        form.addLayout(split_row, 4, 0, 1, 3)
        form.setColumnStretch(0, 4)
        form.setColumnStretch(1, 0)
        form.setColumnStretch(2, 3)
        lay.addLayout(form)
        self.preset_combo.currentIndexChanged.connect(self._on_preset_changed)
        self._on_preset_changed()

        row = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        self.export_status = QLabel("", objectName="Muted")
        self.export_status.setWordWrap(True)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel_export)
        self.export_button = QPushButton(icon("import"), self.tr("Export list…"))
        self.export_button.setProperty("primary", True)
        self.export_button.setMinimumHeight(32)
        self.export_button.setMinimumWidth(self.export_button.sizeHint().width() + 12)
        self.export_button.clicked.connect(self.choose_and_export)
        self.open_folder_button = QPushButton(self.tr("Open folder"), objectName="LinkButton")
        self.open_folder_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.open_folder_button.setVisible(False)
        self.open_folder_button.clicked.connect(self.open_export_folder)
        row.addWidget(self.export_status, 1)
        row.addWidget(self.open_folder_button)
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        row.addWidget(self.export_button)
        lay.addLayout(row)
        return frame

    # ----- choices
    def load_choices(self) -> None:
        self.ctx.tasks.run("campaign-choices", load_choices, self.ctx.db, on_result=self._on_choices,
                           on_error=lambda exc: self.ctx.show_error(self, self.tr("Campaigns"), exc))

    def _on_choices(self, data: dict) -> None:
        self.settings = data["settings"]
        keep_in = set(self.checked(self.include_list))
        keep_out = set(self.checked(self.exclude_list))
        if self.pending_segment:
            keep_in = {("segment", self.pending_segment)}
            self.pending_segment = None
        for lst, keep in ((self.include_list, keep_in), (self.exclude_list, keep_out)):
            lst.blockSignals(True)
            lst.clear()
            for name in data["segments"]:
                self._add_choice(lst, "segment", name, name, keep)
            for name, n in data["tags"]:
                self._add_choice(lst, "tag", name, self.tr("{tag} ({n})").format(tag=name, n=format_count(n)), keep)
            if lst.count() == 0:
                item = QListWidgetItem(self.tr("No segments or tags yet"))
                item.setFlags(Qt.ItemFlag.NoItemFlags)
                lst.addItem(item)
            lst.blockSignals(False)
        if not self._choices_loaded:
            self._choices_loaded = True
            cap = self.settings.get("frequency_cap_days")
            self.cap_spin.blockSignals(True)
            self.cap_spin.setValue(int(cap or 0))
            self.cap_spin.blockSignals(False)
            if not self.opt_out_edit.text():
                self.opt_out_edit.setText(self.settings.get("opt_out_text") or decree.DEFAULT_OPT_OUT)
        self._scroll_to_checked()
        self._schedule_recipients()
        self._on_template_changed()

    def _add_choice(self, lst: QListWidget, kind: str, name: str, text: str, keep: set) -> None:
        item = QListWidgetItem(icon("segments" if kind == "segment" else "tags"), text)
        item.setData(KIND_ROLE, kind)
        item.setData(NAME_ROLE, name)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if (kind, name) in keep else Qt.CheckState.Unchecked)
        item.setToolTip(self.tr("Segment") if kind == "segment" else self.tr("Tag"))
        lst.addItem(item)

    def _scroll_to_checked(self) -> None:
        for i in range(self.include_list.count()):
            if self.include_list.item(i).checkState() == Qt.CheckState.Checked:
                self.include_list.scrollToItem(self.include_list.item(i))
                break

    @staticmethod
    def checked(lst: QListWidget) -> list[tuple[str, str]]:
        out = []
        for i in range(lst.count()):
            item = lst.item(i)
            if item.data(KIND_ROLE) and item.checkState() == Qt.CheckState.Checked:
                out.append((item.data(KIND_ROLE), item.data(NAME_ROLE)))
        return out

    def set_checked(self, lst: QListWidget, wanted: set[tuple[str, str]]) -> None:
        lst.blockSignals(True)
        for i in range(lst.count()):
            item = lst.item(i)
            if item.data(KIND_ROLE):
                on = (item.data(KIND_ROLE), item.data(NAME_ROLE)) in wanted
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        lst.blockSignals(False)
        self._schedule_recipients()

    def activate(self, args: dict | None = None) -> None:
        args = args or {}
        if args.get("segment"):
            self.tabs.setCurrentIndex(0)
            name = args["segment"]
            if self._choices_loaded and any(
                    self.include_list.item(i).data(NAME_ROLE) == name for i in range(self.include_list.count())):
                self.set_checked(self.include_list, {("segment", name)})
                self._scroll_to_checked()
            else:
                self.pending_segment = name
                self.load_choices()
        elif args.get("tag"):
            self.tabs.setCurrentIndex(0)
            self.set_checked(self.include_list, {("tag", args["tag"])})
        if self.tabs.currentIndex() == 1:
            self.refresh_history()

    def _on_data_changed(self, area: str) -> None:
        if area in ("segments", "tags"):
            self.load_choices()
        elif area in ("customers", "purchases", "import"):
            self._schedule_recipients()
            if self.tabs.currentIndex() == 1:
                self.refresh_history()
        elif area == "campaigns":
            self.refresh_history()

    # ----- recipients
    def _on_sources_changed(self, _item=None) -> None:
        self._schedule_recipients()

    def _on_ads_toggled(self, on: bool) -> None:
        self.label_check.setEnabled(on)
        self.opt_out_edit.setEnabled(on)
        self._schedule_recipients()
        self._on_template_changed()

    def _schedule_recipients(self, *_args) -> None:
        self.recipients_timer.start()

    def spec_json(self) -> dict:
        from loyalty_desktop.campaigns.recipients import Source

        return {
            "sources": [Source(k, n).to_json() for k, n in self.checked(self.include_list)],
            "excludes": [Source(k, n).to_json() for k, n in self.checked(self.exclude_list)],
            "advertising": self.ads_check.isChecked(),
            "frequency_cap_days": self.cap_spin.value(),
            "ads_cap": None,
            "control_percent": float(self.control_spin.value()),
            "seed": self.seed,  # the preview and the export draw the same control group
            "send_at": self.send_at(),
        }

    def send_at(self) -> datetime | None:
        if not self.send_check.isChecked():
            return None
        return self.send_edit.dateTime().toPython().replace(second=0, microsecond=0)

    def refresh_recipients(self) -> None:
        spec = self.spec_json()
        if not spec["sources"]:
            self.ctx.tasks.cancel("campaign-recipients")
            self._on_recipients({"rows": [], "control": 0, "counts": {}, "excluded": {}, "source_counts": []})
            self.count_caption.setText(self.tr("Choose at least one segment or tag"))
            return
        self.count_caption.setText(self.tr("Counting…"))
        self.ctx.tasks.run("campaign-recipients", compute_recipients, self.ctx.db, spec,
                           on_result=self._on_recipients, on_error=self._on_recipients_error)

    def _on_recipients_error(self, exc: BaseException) -> None:
        self.count_label.setText("—")
        self.count_caption.setText(self.ctx.error_text(exc) if isinstance(exc, UserError) else self.tr("Could not count"))
        if not isinstance(exc, UserError):
            self.ctx.show_error(self, self.tr("Recipients"), exc)

    def _on_recipients(self, data: dict) -> None:
        self.rows = data["rows"]
        self.excluded = data["excluded"]
        self.counts = data["counts"]
        n = len(self.rows)
        has_sources = bool(self.checked(self.include_list))
        self.count_label.setText(format_count(n) if has_sources else "—")
        if has_sources:
            self.count_caption.setText(self.tr("recipients · {c} in the control group (no message)").format(
                c=format_count(data["control"])))
        for key, label in self.exclusion_labels.items():
            label.setText(format_count(self.counts.get(key, 0)))
        for key, btn in self.exclusion_buttons.items():
            btn.setEnabled(bool(self.excluded.get(key)))
        self.update_preview()
        self.length_timer.start()
        self._update_export_enabled()

    def show_excluded(self, reason: str) -> None:
        ids = self.excluded.get(reason) or []
        if not ids:
            return
        title = self.reason_titles.get(reason, reason)
        self.ctx.tasks.run("campaign-excluded", list_customers, self.ctx.db, ids,
                           on_result=lambda rows: CustomerListDialog(title, rows, len(ids), self).exec(),
                           on_error=lambda exc: self.ctx.show_error(self, title, exc))

    # ----- message
    def insert_placeholder(self, key: str) -> None:
        cursor = self.template_edit.textCursor()
        cursor.insertText("{" + key + "}")
        self.template_edit.setFocus()

    def final_template(self) -> str:
        opt_out = self.opt_out_edit.text().strip() or decree.DEFAULT_OPT_OUT
        return decree.apply_decree(self.template_edit.toPlainText(), self.ads_check.isChecked(),
                                   self.label_check.isChecked(), opt_out)

    def _on_template_changed(self, *_args) -> None:
        self.update_preview()
        self.length_timer.start()

    def _parsed(self):
        try:
            tpl = parse_template(self.final_template(), self.settings.get("shop_name") or "")
        except UserError as exc:
            self.template_error = self.ctx.error_text(exc)
            return None
        self.template_error = None
        return tpl

    def render(self, tpl, row: dict) -> str:
        msg = tpl.render(row)
        return remove_diacritics(msg) if self.accents_check.isChecked() else msg

    def update_preview(self) -> None:
        from loyalty_desktop.ui.format import display_phone

        tpl = self._parsed()
        self.error_label.setText(self.tr("Template error: {error}").format(error=self.template_error)
                                 if self.template_error else "")
        self.error_label.setVisible(bool(self.template_error))
        self.template_edit.setProperty("invalid", bool(self.template_error))
        self.template_edit.style().polish(self.template_edit)
        rows = self.rows[:PREVIEW_ROWS]
        selected = self.preview_table.currentRow()
        self.preview_table.setRowCount(len(rows))
        for i, row in enumerate(rows):
            msg = self.render(tpl, row) if tpl else ""
            info = sms_info(msg)
            name = row.get("full_name") or self.tr("(no name)")
            values = [name, display_phone(row["phone"]), msg, str(info.parts)]
            for col, value in enumerate(values):
                item = self.preview_table.item(i, col)
                if item is None:
                    item = QTableWidgetItem()
                    self.preview_table.setItem(i, col, item)
                item.setText(value)
                if col == 2:
                    item.setToolTip(msg)
                if col == 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
        if rows:
            self.preview_table.selectRow(min(max(selected, 0), len(rows) - 1))
        self._show_bubble()
        self._update_warnings()
        self._update_length_line()

    def _show_bubble(self) -> None:
        row = self.preview_table.currentRow()
        if row < 0 or row >= min(len(self.rows), PREVIEW_ROWS):
            self.bubble.setText(self.tr("The message for the selected recipient appears here."))
            self.bubble_caption.setText("")
            return
        tpl = self._parsed()
        msg = self.render(tpl, self.rows[row]) if tpl else ""
        info = sms_info(msg)
        self.bubble.setText(msg)
        enc = self.tr("GSM-7 (no accents)") if info.encoding == GSM7 else self.tr("Unicode (UCS-2)")
        self.bubble_caption.setText(self.tr("{name}: {chars} characters · {enc} · {parts} SMS").format(
            name=self.rows[row].get("full_name") or self.tr("(no name)"), chars=info.chars, enc=enc, parts=info.parts))
        self.bubble.setToolTip(self.bubble_caption.text())

    def _update_warnings(self) -> None:
        warnings = []
        final = self.final_template()
        opt_out = self.opt_out_edit.text().strip() or decree.DEFAULT_OPT_OUT
        texts = {
            "missing_label": self.tr('Advertising messages must start with "QC" (Decree 91/2020).'),
            "missing_opt_out": self.tr("The message has no opt-out instructions at the end (Decree 91/2020)."),
            "send_time": self.tr("The planned send time is outside 07:00–22:00, when advertising SMS are allowed."),
        }
        for w in decree.check_message(final, self.ads_check.isChecked(), self.send_at(), opt_out):
            warnings.append(texts.get(w.code, w.message))
        if self.length and self.length.get("encoding") == "UCS-2" and not self.accents_check.isChecked():
            warnings.append(self.tr("Vietnamese accents make the SMS Unicode: 70 characters per SMS instead of 160. "
                                    "Remove diacritics to send fewer parts."))
        self.warning_label.setText("\n".join("⚠ " + w for w in warnings))
        self.warning_label.setVisible(bool(warnings))

    def refresh_length(self) -> None:
        tpl = self._parsed()
        if tpl is None or not self.rows:
            self.length = None
            self.ctx.tasks.cancel("campaign-length")
            self._update_length_line()
            return
        price = int(self.settings.get("sms_price_per_part") or 0)
        self.ctx.tasks.run("campaign-length", compute_length, self.rows, self.final_template(),
                           self.settings.get("shop_name") or "", self.accents_check.isChecked(), price,
                           on_result=self._on_length)

    def _on_length(self, data: dict) -> None:
        self.length = data
        self._update_length_line()
        self._update_warnings()

    def _update_length_line(self) -> None:
        d = self.length
        if not d or not self.rows:
            tpl = self._parsed()
            if tpl is None:
                self.length_label.setText("")
                self.cost_label.setText("")
                return
            info = sms_info(self.render(tpl, {}))
            self.length_label.setText(self.tr("{chars} characters · {enc} · {parts} SMS per message").format(
                chars=info.chars, enc=self._enc(info.encoding), parts=info.parts))
            self.cost_label.setText(self.tr("Choose recipients to see the total cost."))
            return
        self.length_label.setText(self.tr("Longest message: {chars} characters · {enc} · {parts} SMS").format(
            chars=d["max_chars"], enc=self._enc(d["encoding"]), parts=d["max_parts"]))
        price = int(self.settings.get("sms_price_per_part") or 0)
        self.cost_label.setText(self.tr("Total {parts} SMS parts × {price} ≈ {cost}").format(
            parts=format_count(d["total_parts"]), price=format_vnd(price), cost=format_vnd(d["cost"])))

    def _enc(self, enc: str | None) -> str:
        return self.tr("GSM-7 (no accents)") if enc == GSM7 else self.tr("Unicode (UCS-2)")

    # ----- export
    def _on_preset_changed(self, *_args) -> None:
        from loyalty_desktop.campaigns.writers import PRESETS

        preset = PRESETS[self.preset_combo.currentData()]
        self.format_combo.setCurrentIndex(self.format_combo.findData(preset.phone_format))

    def _update_export_enabled(self) -> None:
        busy = not self.cancel_button.isHidden()
        self.export_button.setEnabled(bool(self.rows) and not busy)

    def build_plan(self):
        from loyalty_desktop.campaigns.export import CampaignPlan
        from loyalty_desktop.campaigns.recipients import spec_from_json

        spec_obj = self.spec_json()
        spec = spec_from_json(spec_obj)
        spec.send_at = spec_obj["send_at"]
        return CampaignPlan(
            spec=spec, template=self.template_edit.toPlainText(), name=self.name_edit.text().strip(),
            add_label=self.label_check.isChecked(),
            opt_out_text=self.opt_out_edit.text().strip() or decree.DEFAULT_OPT_OUT,
            no_accents=self.accents_check.isChecked(), preset=self.preset_combo.currentData(),
            phone_format=self.format_combo.currentData(),
            split_rows=self.split_spin.value() if self.split_check.isChecked() else None,
        )

    def choose_and_export(self) -> None:
        ext = self.file_combo.currentData()
        name = self.name_edit.text().strip() or datetime.now().strftime("sms-%Y%m%d-%H%M")
        safe = "".join(ch if ch.isalnum() or ch in "-_ " else "_" for ch in name).strip() or "sms"
        start = str(Path(self.ctx.settings.value("campaigns/last_dir", str(Path.home()))) / f"{safe}.{ext}")
        filters = self.tr("Excel (*.xlsx)") if ext == "xlsx" else self.tr("CSV (*.csv)")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export SMS list"), start, filters)
        if not path:
            return
        if not path.lower().endswith("." + ext):
            path += "." + ext
        self.ctx.settings.setValue("campaigns/last_dir", str(Path(path).parent))
        self.export_to(path)

    def export_to(self, path: str):
        if self.template_error:
            self.export_status.setText(self.tr("Fix the template first."))
            self.export_status.setVisible(True)
            return None
        plan = self.build_plan()
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.open_folder_button.setVisible(False)
        self.cancel_button.setVisible(True)
        self.export_button.setEnabled(False)
        self.export_status.setText(self.tr("Exporting…"))
        self.export_status.setVisible(True)
        return self.ctx.tasks.run("campaign-export", run_export, self.ctx.db, plan, path, write=True,
                                  on_result=self._on_exported, on_error=self._on_export_error,
                                  on_progress=lambda f, _t: self.progress.setValue(int(max(0.0, f) * 100)),
                                  on_finished=self._export_done)

    def cancel_export(self) -> None:
        self.ctx.tasks.cancel("campaign-export")
        self._export_done()
        self.export_status.setText(self.tr("Export cancelled: no file and no campaign were kept."))

    def _export_done(self) -> None:
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        self._update_export_enabled()

    def _on_export_error(self, exc: BaseException) -> None:
        self._export_done()
        self.export_status.setText(self.tr("Export failed."))
        self.ctx.show_error(self, self.tr("Export SMS list"), exc)

    def open_export_folder(self) -> None:
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        if self.last_export and self.last_export["files"]:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(self.last_export["files"][0]).parent)))

    def _on_exported(self, result: dict) -> None:
        self.last_export = result
        self.open_folder_button.setVisible(True)
        files = result["files"]
        where = Path(files[0]).name if len(files) == 1 else self.tr("{n} files").format(n=len(files))
        self.export_status.setText(self.tr("Exported {n} recipients to {where} (campaign #{id}).").format(
            n=format_count(result["recipients"]), where=where, id=result["campaign_id"]))
        self.seed = random.randrange(1, 2**31)
        self.ctx.notify_changed("campaigns")
        self._schedule_recipients()  # the frequency cap now counts this campaign

    # ================================================================ history tab
    def _build_history_tab(self) -> QWidget:
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(10, 10, 6, 10)
        self.history_table = QTableWidget(0, 3)
        self.history_table.setHorizontalHeaderLabels([self.tr("Sent"), self.tr("Campaign"), self.tr("Recipients")])
        self.history_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.history_table.verticalHeader().setVisible(False)
        self.history_table.verticalHeader().setDefaultSectionSize(style.ROW_HEIGHT)
        hh = self.history_table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.history_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.history_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history_table.setAlternatingRowColors(True)
        self.history_table.itemSelectionChanged.connect(self.refresh_results)
        ll.addWidget(self.history_table, 1)
        self.history_empty = QLabel(self.tr("No campaigns yet: export a list on the New campaign tab."),
                                    objectName="Muted")
        ll.addWidget(self.history_empty)
        split.addWidget(left)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(6, 10, 10, 10)
        frame, lay = card()
        self.result_title = QLabel(self.tr("Select a campaign"), objectName="SectionTitle")
        self.result_sub = QLabel("", objectName="Muted")
        self.result_sub.setWordWrap(True)
        # Its own label: a results refresh rewrites result_sub and must not wipe "Re-exported to …".
        self.reexport_label = QLabel("", objectName="Muted")
        self.reexport_label.setVisible(False)
        self._reexported_campaign: int | None = None
        lay.addWidget(self.result_title)
        lay.addWidget(self.result_sub)
        lay.addWidget(self.reexport_label)
        controls = QHBoxLayout()
        controls.addWidget(QLabel(self.tr("Purchases within")))
        self.days_spin = QSpinBox()
        self.days_spin.setRange(1, 180)
        self.days_spin.setValue(7)
        self.days_spin.setSuffix(self.tr(" days after sending"))
        self.days_spin.valueChanged.connect(self.refresh_results)
        controls.addWidget(self.days_spin)
        controls.addStretch(1)
        self.reexport_button = QPushButton(self.tr("Re-export…"))
        self.reexport_button.clicked.connect(self.choose_reexport)
        self.delivery_button = QPushButton(self.tr("Import delivery report…"))
        self.delivery_button.clicked.connect(self.choose_delivery_report)
        controls.addWidget(self.reexport_button)
        controls.addWidget(self.delivery_button)
        lay.addLayout(controls)
        self.results_table = QTableWidget(2, 5)
        self.results_table.setHorizontalHeaderLabels([self.tr("Customers"), self.tr("Buyers"), self.tr("Conversion"),
                                                      self.tr("Revenue"), self.tr("Per customer")])
        self.results_table.setVerticalHeaderLabels([self.tr("Got the SMS"), self.tr("Control group")])
        self.results_table.verticalHeader().setDefaultSectionSize(style.ROW_HEIGHT)
        self.results_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.results_table.horizontalHeader().setMinimumSectionSize(90)
        self.results_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results_table.setFixedHeight(style.ROW_HEIGHT * 3 + 8)
        lay.addWidget(self.results_table)
        self.uplift_label = QLabel("", objectName="LengthLine")
        self.uplift_label.setWordWrap(True)
        self.delivery_label = QLabel("", objectName="Muted")
        lay.addWidget(self.uplift_label)
        lay.addWidget(self.delivery_label)
        self.chart_holder = QVBoxLayout()
        lay.addLayout(self.chart_holder, 1)
        rl.addWidget(frame, 1)
        split.addWidget(right)
        split.setSizes([480, 720])
        self._set_result_buttons(False)
        return split

    def _set_result_buttons(self, on: bool) -> None:
        self.reexport_button.setEnabled(on)
        self.delivery_button.setEnabled(on)
        self.days_spin.setEnabled(on)

    def _on_tab(self, index: int) -> None:
        if index == 1:
            self.refresh_history()

    def refresh_history(self) -> None:
        self.ctx.tasks.run("campaign-history", load_history, self.ctx.db, on_result=self._on_history,
                           on_error=lambda exc: self.ctx.show_error(self, self.tr("Campaigns"), exc))

    def _on_history(self, rows: list[dict]) -> None:
        selected = self.selected_campaign()
        self.history = rows
        self.history_table.blockSignals(True)
        self.history_table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            values = [(r["send_at"] or r["created_at"]).strftime("%d/%m/%Y %H:%M"), r["name"],
                      format_count(r["recipients"])]
            for col, v in enumerate(values):
                item = QTableWidgetItem(v)
                if col == 1:
                    item.setToolTip(v)
                if col >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.history_table.setItem(i, col, item)
        self.history_table.blockSignals(False)
        self.history_empty.setVisible(not rows)
        ids = [r["id"] for r in rows]
        if rows:
            self.history_table.selectRow(ids.index(selected) if selected in ids else 0)
            self.refresh_results()

    def selected_campaign(self) -> int | None:
        row = self.history_table.currentRow()
        if 0 <= row < len(self.history):
            return self.history[row]["id"]
        return None

    def refresh_results(self, *_args) -> None:
        cid = self.selected_campaign()
        self._set_result_buttons(cid is not None)
        if cid != self._reexported_campaign:
            self.reexport_label.setVisible(False)
        if cid is None:
            return
        self.ctx.tasks.run("campaign-results", load_results, self.ctx.db, cid, self.days_spin.value(),
                           on_result=self._on_results,
                           on_error=lambda exc: self.ctx.show_error(self, self.tr("Results"), exc))

    def _on_results(self, data: dict) -> None:
        self.results = data
        camp, res = data["campaign"], data["results"]
        self.result_title.setText(camp["name"])
        kind = self.tr("advertising") if camp["advertising"] else self.tr("customer care")
        sent = datetime.fromisoformat(res["send_time"]).strftime("%d/%m/%Y %H:%M")
        self.result_sub.setText(self.tr("Sent {when} · {kind} · {parts} SMS parts, {cost} · file {file}").format(
            when=sent, kind=kind, parts=format_count(camp["sms_parts"]), cost=format_vnd(camp["estimated_cost"]),
            file=Path(camp["file_path"] or "").name))
        for i, key in enumerate(("recipients", "control")):
            g = res[key]
            values = [format_count(g["size"]), format_count(g["buyers"]), format_percent(g["conversion"]),
                      format_vnd_short(g["revenue"]),
                      "—" if g["revenue_per_customer"] is None else format_vnd(int(round(g["revenue_per_customer"])))]
            for col, v in enumerate(values):
                item = QTableWidgetItem(v)
                if col == 3:
                    item.setToolTip(format_vnd(g["revenue"]))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.results_table.setItem(i, col, item)
        if res["uplift_pp"] is None:
            text = self.tr("No control group: the uplift cannot be measured for this campaign.")
        else:
            pp = f"{res['uplift_pp']:+.1f}".replace(".", ",")
            text = self.tr("Uplift: {pp} percentage points of conversion; extra revenue ≈ {rev}.").format(
                pp=pp, rev=format_vnd(res["incremental_revenue"] or 0))
        if not res["complete"]:
            text += " " + self.tr("(the {days}-day window is not over yet)").format(days=res["days"])
        self.uplift_label.setText(text)
        if res["delivered"] or res["failed"]:
            self.delivery_label.setText(self.tr("Delivery report: {d} delivered, {f} failed, {u} unknown").format(
                d=format_count(res["delivered"]), f=format_count(res["failed"]), u=format_count(res["delivery_unknown"])))
        else:
            self.delivery_label.setText(self.tr("No delivery report imported."))
        self.draw_chart(res)

    def draw_chart(self, res: dict) -> None:
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
        from matplotlib.figure import Figure

        if self._canvas is None:
            self._figure = Figure(figsize=(6, 2.6), dpi=100, facecolor="white")
            self._canvas = FigureCanvasQTAgg(self._figure)
            self._canvas.setMinimumHeight(220)
            self.chart_holder.addWidget(self._canvas)
        fig = self._figure
        fig.clear()
        groups = [self.tr("Got the SMS"), self.tr("Control group")]
        colors = [style.ACCENT, "#94A3B8"]
        conv = [(res[k]["conversion"] or 0) * 100 for k in ("recipients", "control")]
        rev = [(res[k]["revenue_per_customer"] or 0) for k in ("recipients", "control")]
        ax1 = fig.add_subplot(1, 2, 1)
        ax2 = fig.add_subplot(1, 2, 2)
        for ax, values, title, fmt in (
            (ax1, conv, self.tr("Conversion (%)"), lambda v: f"{v:.1f} %".replace(".", ",")),
            (ax2, rev, self.tr("Revenue per customer (₫)"), lambda v: f"{v:,.0f}".replace(",", ".")),
        ):
            bars = ax.bar(groups, values, color=colors, width=0.55)
            ax.set_title(title, fontsize=9, color=style.TEXT)
            ax.spines[["top", "right", "left"]].set_visible(False)
            ax.tick_params(axis="both", labelsize=8, colors="#44515B")
            ax.set_yticks([])
            top = max(values) if max(values) > 0 else 1
            ax.set_ylim(0, top * 1.25)
            for bar, v in zip(bars, values):
                ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height() + top * 0.03, fmt(v),
                        ha="center", va="bottom", fontsize=8, color=style.TEXT)
        if not any(conv) and not any(rev):
            fig.text(0.5, 0.55, self.tr("No purchases in this window yet."), ha="center", va="center",
                     fontsize=10, color=style.MUTED)
        fig.tight_layout()
        self._canvas.draw_idle()

    def choose_reexport(self) -> None:
        cid = self.selected_campaign()
        if cid is None:
            return
        camp = next(r for r in self.history if r["id"] == cid)
        start = camp["file_path"] or str(Path.home() / "sms.xlsx")
        stem = Path(start)
        suggestion = str(stem.with_name(f"{stem.stem}-again{stem.suffix or '.xlsx'}"))
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Re-export SMS list"), suggestion,
                                              self.tr("Excel (*.xlsx);;CSV (*.csv)"))
        if path:
            self.reexport_to(cid, path)

    def reexport_to(self, campaign_id: int, path: str):
        return self.ctx.tasks.run(
            "campaign-reexport", run_reexport, self.ctx.db, campaign_id, path, None, None, None,
            on_result=lambda files: self._show_reexported(campaign_id, files),
            on_error=lambda exc: self.ctx.show_error(self, self.tr("Re-export SMS list"), exc))

    def _show_reexported(self, campaign_id: int, files: list) -> None:
        self._reexported_campaign = campaign_id
        self.reexport_label.setText(self.tr("Re-exported to {file}").format(file=", ".join(Path(f).name for f in files)))
        self.reexport_label.setVisible(True)

    def choose_delivery_report(self) -> None:
        cid = self.selected_campaign()
        if cid is None:
            return
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Import delivery report"), str(Path.home()),
                                              self.tr("Spreadsheets (*.xlsx *.xls *.csv)"))
        if path:
            self.import_delivery(cid, path)

    def import_delivery(self, campaign_id: int, path: str):
        def done(counts: dict) -> None:
            self.ctx.notify_changed("campaigns")
            self.delivery_label.setText(self.tr("Imported: {d} delivered, {f} failed, {n} phones not in this "
                                                "campaign").format(d=format_count(counts["delivered"]),
                                                                   f=format_count(counts["failed"]),
                                                                   n=format_count(counts["not_in_campaign"])))

        return self.ctx.tasks.run("campaign-delivery", run_delivery, self.ctx.db, campaign_id, path, write=True,
                                  on_result=done,
                                  on_error=lambda exc: self.ctx.show_error(self, self.tr("Import delivery report"),
                                                                           exc))

    def can_close(self) -> bool:
        return True


def screenshots(ctx, window, out_dir) -> list:
    """Extra states for the README: a filled-in campaign and the results of an exported one."""
    import tempfile
    import time

    from PySide6.QtWidgets import QApplication

    page = window.page("campaigns")
    written = []

    def settle(seconds=1.0):
        end = time.monotonic() + seconds
        while time.monotonic() < end or ctx.tasks.running_count:
            QApplication.processEvents()
            time.sleep(0.02)
            if time.monotonic() > end + 30:
                break

    window.navigate("campaigns")
    settle()
    lst = page.include_list
    items = [lst.item(i) for i in range(lst.count()) if lst.item(i).data(KIND_ROLE)]
    if items:  # loyal customers buy often: a telling results chart
        from loyalty_desktop.vn.text import fold

        pick = next((it for it in items if "than thiet" in fold(it.data(NAME_ROLE))), items[0])
        page.set_checked(lst, {(pick.data(KIND_ROLE), pick.data(NAME_ROLE))})
        page._scroll_to_checked()
    now = QDateTime.currentDateTime()
    nine = now.addSecs(9 * 3600 - now.time().msecsSinceStartOfDay() // 1000)  # today 09:00
    page.send_check.setChecked(True)
    page.send_edit.setDateTime(nine.addDays(1))
    settle(1.5)
    path = Path(out_dir) / "campaigns-new.png"
    window.grab().save(str(path))
    written.append(path)
    # Export a sample campaign only into a throw-away demo database, never into a real shop's data.
    location = str(ctx.db.location)
    if page.rows and location.startswith(tempfile.gettempdir()):
        page.name_edit.setText("Ưu đãi cuối tuần")
        page.send_edit.setDateTime(nine.addDays(-10))  # sent 10 days ago: its 7-day results are complete
        settle(1.0)
        page.export_to(str(Path(tempfile.mkdtemp()) / "sms.xlsx"))
        settle(2.0)
        page.tabs.setCurrentIndex(1)
        settle(1.5)
        path = Path(out_dir) / "campaigns-history.png"
        window.grab().save(str(path))
        written.append(path)
        page.tabs.setCurrentIndex(0)
    return written
