"""Dashboard: what a shop owner looks at on Monday morning.

Headline numbers come first (one cheap query on the per-customer stats), then each chart is filled as
its aggregate arrives from a worker (``ctx.tasks``): the page never waits for the slowest one. matplotlib
is imported only when the first chart is shown. The period selector re-runs only the figures that depend
on it (revenue by province/region, category, channel).
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from loyalty_desktop.errors import UserError
from loyalty_desktop.ui.widgets.charts import ChartCard, PeriodSelector, StatCard, figure_language

log = logging.getLogger(__name__)

# aggregate key -> does it depend on the period?
AGGREGATE_KEYS = ["headline", "monthly", "segments", "rfm", "sales", "geography", "age_gender"]
PERIOD_DEPENDENT = {"geography", "sales"}
# chart key -> aggregate key (same as analytics.figures.CHARTS, without importing matplotlib here)
CHART_SOURCES = {
    "monthly": "monthly", "segments": "segments", "rfm": "rfm", "categories": "sales",
    "channels": "sales", "provinces": "geography", "regions": "geography", "age_gender": "age_gender",
}


def compute_aggregate(state, db, key: str, start, end, today, members_rule=None, refresh: bool = False):
    """Worker: one aggregate as plain data (its own connection; cancel interrupts the query).

    All-customer figures go through the aggregate cache (valid while the data is unchanged)."""
    from loyalty_desktop.analytics import aggregates as A
    from loyalty_desktop.analytics.cache import AnalyticsCache

    with db.connect() as conn:
        state.interrupt_connection(conn)
        members = A.rule_members(conn, members_rule, today) if members_rule is not None else None
        scope = A.Scope(members=members, start=start, end=end, today=today)
        return A.compute(conn, key, scope, AnalyticsCache.for_location(db.location), refresh=refresh)


def write_report(state, db, kind: str, path: str, data: dict, start, end, today, lang: str, title: str):
    """Worker: compute whatever is missing, then write the PDF or XLSX report."""
    from loyalty_desktop.analytics import aggregates as A
    from loyalty_desktop.analytics import report as R

    scope = A.Scope(start=start, end=end, today=today)
    data = dict(data)
    missing = [k for k in A.AGGREGATES if k not in data]
    if missing:
        with db.connect() as conn:
            state.interrupt_connection(conn)
            for i, key in enumerate(missing):
                state.check()
                state.progress(i / (len(missing) + 1), key)
                data[key] = A.AGGREGATES[key](conn, scope)
    state.check()
    report = R.Report(scope=scope, data=data, lang=lang, title=title)
    if kind == "pdf":
        R.write_pdf(report, Path(path))
    else:
        R.write_xlsx(report, Path(path))
    return path


class DashboardPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.data: dict[str, dict] = {}
        self.loaded = False
        self.stale = False
        self.today = date.today()
        self.lang = figure_language()

        outer = QVBoxLayout(self)
        outer.setContentsMargins(20, 16, 20, 8)
        outer.setSpacing(10)

        head = QHBoxLayout()
        title_box = QVBoxLayout()
        title_box.setSpacing(0)
        title_box.addWidget(QLabel(self.tr("Dashboard"), objectName="PageTitle"))
        self.subtitle = QLabel(self.tr("Your customers and sales at a glance"), objectName="PageSubtitle")
        title_box.addWidget(self.subtitle)
        head.addLayout(title_box, 1)
        self.period = PeriodSelector(self)
        self.period.changed.connect(self._on_period)
        head.addWidget(self.period)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.setToolTip(self.tr("Recalculate every figure from the data"))
        self.refresh_button.clicked.connect(lambda: self.reload(refresh=True))
        self.pdf_button = QPushButton(self.tr("Export PDF…"))
        self.pdf_button.clicked.connect(lambda: self.ask_export("pdf"))
        self.xlsx_button = QPushButton(self.tr("Export Excel…"))
        self.xlsx_button.clicked.connect(lambda: self.ask_export("xlsx"))
        for b in (self.refresh_button, self.pdf_button, self.xlsx_button):
            head.addWidget(b)
        outer.addLayout(head)
        self.status = QLabel("", objectName="Muted")
        self.status.setVisible(False)
        outer.addWidget(self.status)

        # Headline numbers.
        stats = QHBoxLayout()
        stats.setSpacing(10)
        self.cards = {
            "customers": StatCard(self.tr("Customers")),
            "active_90d": StatCard(self.tr("Bought in the last 90 days")),
            "new_this_month": StatCard(self.tr("New this month (first purchase)")),
            "revenue": StatCard(self.tr("Revenue this month")),
            "repeat_rate": StatCard(self.tr("Repeat-purchase rate")),
            "opted_out": StatCard(self.tr("Opted out of SMS")),
        }
        for card in self.cards.values():
            stats.addWidget(card, 1)
        outer.addLayout(stats)

        # Charts, filled as their data arrives.
        self.charts = {
            "monthly": ChartCard(self.tr("Revenue and buying customers by month (last 24 months)"), min_height=330),
            "segments": ChartCard(self.tr("Customers by segment")),
            "rfm": ChartCard(self.tr("RFM grid: recency × frequency")),
            "categories": ChartCard(self.tr("Revenue by category")),
            "channels": ChartCard(self.tr("Revenue by sales channel")),
            "provinces": ChartCard(self.tr("Customers and revenue by province (top 15)"), min_height=420),
            "regions": ChartCard(self.tr("By region")),
            "age_gender": ChartCard(self.tr("Age and gender")),
        }
        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        grid.setContentsMargins(0, 0, 6, 0)
        grid.setSpacing(12)
        grid.addWidget(self.charts["monthly"], 0, 0, 1, 2)
        grid.addWidget(self.charts["segments"], 1, 0)
        grid.addWidget(self.charts["rfm"], 1, 1)
        grid.addWidget(self.charts["categories"], 2, 0)
        grid.addWidget(self.charts["channels"], 2, 1)
        grid.addWidget(self.charts["provinces"], 3, 0, 2, 1)
        grid.addWidget(self.charts["regions"], 3, 1)
        grid.addWidget(self.charts["age_gender"], 4, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setWidget(grid_host)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(self.scroll, 1)

        ctx.data_changed.connect(self._on_data_changed)

    # ----- loading
    def activate(self, args: dict | None = None) -> None:
        if not self.loaded or self.stale or self.today != date.today():
            self.reload()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if not self.loaded:
            self.reload()

    def reload(self, refresh: bool = False) -> None:
        self.loaded = True
        self.stale = False
        self.today = date.today()
        self.data.clear()
        for card in self.cards.values():
            card.set("…")
        for card in self.charts.values():
            card.set_loading()
        self._run(AGGREGATE_KEYS, refresh)

    def _run(self, keys, refresh: bool = False) -> None:
        start, end = self.period.period(self.today)
        for key in keys:
            self.ctx.tasks.run(
                f"dashboard:{key}", compute_aggregate, self.ctx.db, key, start, end, self.today, None, refresh,
                on_result=lambda value, key=key: self._on_aggregate(key, value),
                on_error=lambda exc, key=key: self._on_error(key, exc),
            )

    def _on_period(self, _start, _end) -> None:
        if not self.loaded:
            return
        keys = [k for k in AGGREGATE_KEYS if k in PERIOD_DEPENDENT]
        for k in keys:
            self.data.pop(k, None)
        for chart, source in CHART_SOURCES.items():
            if source in PERIOD_DEPENDENT:
                self.charts[chart].set_loading()
        self._run(keys)

    def _on_data_changed(self, area: str) -> None:
        if area in ("customers", "purchases", "import", "segments"):
            self.stale = True
            if self.isVisible():
                self.reload()

    def is_complete(self) -> bool:
        return all(k in self.data for k in AGGREGATE_KEYS)

    # ----- results
    def _on_aggregate(self, key: str, value: dict) -> None:
        self.data[key] = value
        if key == "headline":
            self._show_headline(value)
            return
        for chart, source in CHART_SOURCES.items():
            if source == key:
                self._show_chart(chart, value)

    def _on_error(self, key: str, exc: BaseException) -> None:
        log.warning("dashboard aggregate %s failed: %s", key, exc)
        for chart, source in CHART_SOURCES.items():
            if source == key:
                self.charts[chart].set_error(self.ctx.error_text(exc) if isinstance(exc, UserError)
                                             else str(exc) or type(exc).__name__)

    def _show_chart(self, chart: str, value: dict) -> None:
        from loyalty_desktop.analytics import figures as F  # lazy: matplotlib

        lang = self.lang
        card = self.charts[chart]
        try:
            fig = F.build(chart, value, lang, titled=False)
            card.set_figure(fig, export=lambda: F.build(chart, value, lang, size=(9.6, 5.4)))
        except Exception as exc:  # a drawing bug must not take the page down
            log.exception("chart %s failed", chart)
            card.set_error(str(exc))

    def _show_headline(self, h: dict) -> None:
        from loyalty_desktop.analytics.formatting import format_count, format_money, format_percent

        lang = self.lang
        n = h["customers"]
        self.cards["customers"].set(format_count(n, lang))
        share = (h["active_90d"] / n) if n else None
        self.cards["active_90d"].set(format_count(h["active_90d"], lang),
                                     self.tr("{share} of customers").format(share=format_percent(share, lang, 0))
                                     if n else "")
        self.cards["new_this_month"].set(format_count(h["new_this_month"], lang))
        # A month in progress is compared with the same days of last month, not the whole month.
        this, last = h["revenue_this_month"], h.get("revenue_last_month_to_date", h["revenue_last_month"])
        note, tone = "", None
        self.cards["revenue"].setToolTip(self.tr("Last month: {value}").format(
            value=format_money(h["revenue_last_month"], lang)))
        if last:
            change = (this - last) / last
            sign = "+" if change >= 0 else "−"
            note = self.tr("{change} vs same days last month").format(
                change=sign + format_percent(abs(change), lang, 1 if abs(change) < 0.1 else 0))
            tone = "up" if change >= 0 else "down"
        elif this:
            note = self.tr("No sales last month")
        self.cards["revenue"].set(format_money(this, lang), note, tone)
        self.cards["repeat_rate"].set(
            format_percent(h["repeat_rate"], lang, 0),
            self.tr("of {n} buyers").format(n=format_count(h["buyers"], lang)) if h["buyers"] else "")
        self.cards["opted_out"].set(
            format_percent(h["opted_out_share"], lang, 1),
            self.tr("{n} customers").format(n=format_count(h["opted_out"], lang)) if n else "")
        if n == 0:
            self.subtitle.setText(self.tr("No customers yet: import your list or try the demo data."))
        else:
            self.subtitle.setText(self.tr("Your customers and sales at a glance"))

    # ----- export
    def ask_export(self, kind: str) -> None:
        if kind == "pdf":
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Export dashboard"), "dashboard.pdf",
                                                  self.tr("PDF document (*.pdf)"))
            suffix = ".pdf"
        else:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Export dashboard"), "dashboard.xlsx",
                                                  self.tr("Excel workbook (*.xlsx)"))
            suffix = ".xlsx"
        if not path:
            return
        if not path.lower().endswith(suffix):
            path += suffix
        self.export(kind, path)

    def export(self, kind: str, path: str):
        start, end = self.period.period(self.today)
        self._set_status(self.tr("Writing {file}…").format(file=Path(path).name))
        return self.ctx.tasks.run(
            "dashboard:export", write_report, self.ctx.db, kind, path, dict(self.data), start, end, self.today,
            self.lang, self.tr("Customer report"),
            on_result=lambda p: self._set_status(self.tr("Saved {file}").format(file=p)),
            on_error=lambda exc: (self._set_status(""), self.ctx.show_error(self, self.tr("Export dashboard"), exc)),
        )

    def _set_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))


def _wait(predicate, seconds: float = 120) -> None:
    import time

    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + seconds
    while not predicate() and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.02)
    for _ in range(10):
        QApplication.processEvents()
        time.sleep(0.01)


def screenshots(ctx, window, out_dir):
    """Extra README pictures: the lower dashboard charts, and a segment's analytics (at-risk template)."""
    page = window.pages.get("dashboard")
    written = []
    if page is not None:
        _wait(page.is_complete)
        bar = page.scroll.verticalScrollBar()
        bar.setValue(bar.maximum())
        _wait(lambda: True, 0)
        path = Path(out_dir) / "dashboard-charts.png"
        window.grab().save(str(path))
        written.append(path)
        bar.setValue(0)
    try:
        from loyalty_desktop.segments.templates import TEMPLATES
    except ImportError:
        return written
    from loyalty_desktop.ui.widgets.segment_analytics import SegmentAnalyticsWidget

    tpl = TEMPLATES["at_risk"]
    widget = SegmentAnalyticsWidget(ctx)
    widget.setObjectName("SegmentAnalyticsShot")
    widget.setStyleSheet("#SegmentAnalyticsShot { background: #F5F7F8; }")
    widget.resize(window.width() - 210, window.height() - 50)
    widget.show()
    widget.set_rule(tpl.rule, tpl.name_vi if figure_language() == "vi" else tpl.name_en)
    _wait(widget.is_complete)
    path = Path(out_dir) / "segment-analytics.png"
    widget.grab().save(str(path))
    written.append(path)
    widget.close()
    widget.deleteLater()
    return written
