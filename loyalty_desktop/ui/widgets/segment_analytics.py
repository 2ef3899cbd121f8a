"""Segment analytics: the dashboard's charts restricted to one segment, compared with all customers.

Embed it anywhere (the segments page does): ``w = SegmentAnalyticsWidget(ctx, parent)`` then
``w.set_rule(node_or_None, name)`` whenever the current rule or saved segment changes. Work starts only
while the widget is visible, a quick succession of rules is debounced, and a newer rule cancels the
queries of the older one (same task keys), so a stale chart never appears.
"""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from loyalty_desktop.errors import UserError
from loyalty_desktop.ui.widgets.charts import ChartCard, PeriodSelector, StatCard, figure_language

log = logging.getLogger(__name__)

SEGMENT_AGGREGATES = ["headline", "monthly", "segments", "rfm", "sales", "geography", "age_gender"]
CHART_SOURCES = {
    "monthly": "monthly", "segments": "segments", "rfm": "rfm", "categories": "sales",
    "channels": "sales", "provinces": "geography", "regions": "geography", "age_gender": "age_gender",
}
PERIOD_DEPENDENT = {"geography", "sales"}
MAX_OVERLAP = 6


def _rule_json(node):
    if node is None:
        return None
    if hasattr(node, "model_dump"):
        return node.model_dump(mode="json", exclude_none=True)
    return node


def compute_segment_aggregate(state, db, key, rule, start, end, today):
    from loyalty_desktop.analytics import aggregates as A

    with db.connect() as conn:
        state.interrupt_connection(conn)
        scope = A.Scope(members=A.rule_members(conn, rule, today), start=start, end=end, today=today)
        return A.AGGREGATES[key](conn, scope)


def compute_everyone_headline(state, db, today):
    from loyalty_desktop.analytics import aggregates as A
    from loyalty_desktop.analytics.cache import AnalyticsCache

    with db.connect() as conn:
        state.interrupt_connection(conn)
        return A.compute(conn, "headline", A.Scope(today=today), AnalyticsCache.for_location(db.location))


def compute_overlap(state, db, rule, name, today, limit=MAX_OVERLAP):
    """This segment (first) and saved segments, up to ``limit``: the shared-customer matrix."""
    from loyalty_desktop.analytics import aggregates as A

    with db.connect() as conn:
        state.interrupt_connection(conn)
        try:
            from loyalty_desktop.segments.store import list_segments

            saved = [row["name"] for row in list_segments(conn)]
        except ImportError:
            saved = []
        items = []
        if rule is not None:
            items.append((name, A.rule_members(conn, rule, today)))
        for other in saved:
            if len(items) >= limit:
                break
            if other == name:
                continue
            try:
                items.append((other, A.rule_members(conn, other, today)))
            except Exception:  # a broken saved segment is skipped, not fatal
                log.info("segment %s skipped in overlap", other, exc_info=True)
        state.check()
        return A.overlap(conn, items)


class SegmentAnalyticsWidget(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rule = None
        self.name = ""
        self.data: dict[str, dict] = {}
        self.everyone: dict | None = None
        self.lang = figure_language()
        self._pending = False
        self._generation = 0
        self._debounce = QTimer(self, singleShot=True, interval=400)
        self._debounce.timeout.connect(self._start)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(8)
        head = QHBoxLayout()
        self.title = QLabel(self.tr("Segment analytics"))
        self.title.setStyleSheet("font-size: 13pt; font-weight: 600;")
        head.addWidget(self.title, 1)
        self.period = PeriodSelector(self)
        self.period.changed.connect(self._on_period)
        head.addWidget(self.period)
        outer.addLayout(head)
        self.placeholder = QLabel(self.tr("Build or choose a segment to see its customers, revenue and charts."))
        self.placeholder.setObjectName("Muted")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        outer.addWidget(self.placeholder)

        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(10)
        row = QHBoxLayout()
        row.setSpacing(10)
        self.cards = {
            "customers": StatCard(self.tr("Customers in this segment")),
            "revenue": StatCard(self.tr("Their total spending")),
            "aov": StatCard(self.tr("Average order value")),
            "frequency": StatCard(self.tr("Orders per buying customer")),
            "repeat": StatCard(self.tr("Repeat-purchase rate")),
        }
        for card in self.cards.values():
            row.addWidget(card, 1)
        body.addLayout(row)
        self.charts = {
            "monthly": ChartCard(self.tr("Revenue and buying customers by month (last 24 months)"), min_height=320),
            "segments": ChartCard(self.tr("Ready-made segments within it")),
            "rfm": ChartCard(self.tr("RFM grid: recency × frequency")),
            "categories": ChartCard(self.tr("Revenue by category")),
            "channels": ChartCard(self.tr("Revenue by sales channel")),
            "provinces": ChartCard(self.tr("Customers and revenue by province (top 15)"), min_height=420),
            "regions": ChartCard(self.tr("By region")),
            "age_gender": ChartCard(self.tr("Age and gender")),
            "overlap": ChartCard(self.tr("Customers shared with saved segments"), min_height=340),
        }
        grid = QGridLayout()
        grid.setSpacing(12)
        grid.addWidget(self.charts["monthly"], 0, 0, 1, 2)
        grid.addWidget(self.charts["segments"], 1, 0)
        grid.addWidget(self.charts["rfm"], 1, 1)
        grid.addWidget(self.charts["categories"], 2, 0)
        grid.addWidget(self.charts["channels"], 2, 1)
        grid.addWidget(self.charts["provinces"], 3, 0, 2, 1)
        grid.addWidget(self.charts["regions"], 3, 1)
        grid.addWidget(self.charts["age_gender"], 4, 1)
        grid.addWidget(self.charts["overlap"], 5, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        body.addLayout(grid)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(self.body)
        outer.addWidget(self.scroll, 1)
        self.scroll.setVisible(False)
        ctx.data_changed.connect(self._on_data_changed)

    # ----- public API
    def set_rule(self, node_or_none, name: str = "") -> None:
        """Show analytics for this rule (a Node or its JSON dict), or the placeholder for None."""
        self.rule = _rule_json(node_or_none)
        self.name = name or self.tr("This segment")
        self._generation += 1
        if self.rule is None:
            self._debounce.stop()
            self._cancel_all()
            self.title.setText(self.tr("Segment analytics"))
            self.placeholder.setVisible(True)
            self.scroll.setVisible(False)
            return
        self.title.setText(self.tr("Segment analytics: {name}").format(name=self.name))
        self.placeholder.setVisible(False)
        self.scroll.setVisible(True)
        self.data.clear()
        for card in self.cards.values():
            card.set("…")
        for card in self.charts.values():
            card.set_loading()
        if self.isVisible():
            self._debounce.start()
        else:
            self._pending = True

    def is_complete(self) -> bool:
        return self.rule is not None and all(k in self.data for k in SEGMENT_AGGREGATES) \
            and "overlap" in self.data and self.everyone is not None

    # ----- work
    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self._pending and self.rule is not None:
            self._pending = False
            self._debounce.start()

    def _cancel_all(self) -> None:
        for key in SEGMENT_AGGREGATES + ["overlap", "everyone"]:
            self.ctx.tasks.cancel(f"segment-analytics:{key}")

    def _start(self, keys=None) -> None:
        if self.rule is None:
            return
        today = date.today()
        start, end = self.period.period(today)
        gen = self._generation
        tasks = self.ctx.tasks
        if keys is None:
            tasks.run("segment-analytics:everyone", compute_everyone_headline, self.ctx.db, today,
                      on_result=lambda v, g=gen: self._on_everyone(g, v))
            tasks.run("segment-analytics:overlap", compute_overlap, self.ctx.db, self.rule, self.name, today,
                      on_result=lambda v, g=gen: self._on_result(g, "overlap", v),
                      on_error=lambda e, g=gen: self._on_error(g, "overlap", e))
        for key in keys or SEGMENT_AGGREGATES:
            tasks.run(f"segment-analytics:{key}", compute_segment_aggregate, self.ctx.db, key, self.rule,
                      start, end, today,
                      on_result=lambda v, k=key, g=gen: self._on_result(g, k, v),
                      on_error=lambda e, k=key, g=gen: self._on_error(g, k, e))

    def _on_period(self, _start, _end) -> None:
        if self.rule is None:
            return
        for key in PERIOD_DEPENDENT:
            self.data.pop(key, None)
        for chart, source in CHART_SOURCES.items():
            if source in PERIOD_DEPENDENT:
                self.charts[chart].set_loading()
        self._start(sorted(PERIOD_DEPENDENT))

    def _on_data_changed(self, area: str) -> None:
        if self.rule is not None and area in ("customers", "purchases", "segments", "tags", "import"):
            self.set_rule(self.rule, self.name)

    # ----- results
    def _on_everyone(self, gen: int, value: dict) -> None:
        if gen != self._generation:
            return
        self.everyone = value
        self._show_comparison()

    def _on_result(self, gen: int, key: str, value: dict) -> None:
        if gen != self._generation:
            return
        self.data[key] = value
        if key == "headline":
            self._show_comparison()
        elif key == "overlap":
            self._show_chart("overlap", value)
        else:
            for chart, source in CHART_SOURCES.items():
                if source == key:
                    self._show_chart(chart, value)

    def _on_error(self, gen: int, key: str, exc: BaseException) -> None:
        if gen != self._generation:
            return
        text = self.ctx.error_text(exc) if isinstance(exc, UserError) else str(exc) or type(exc).__name__
        charts = ["overlap"] if key == "overlap" else [c for c, s in CHART_SOURCES.items() if s == key]
        for chart in charts:
            self.charts[chart].set_error(text)
        if key == "headline":
            for card in self.cards.values():
                card.set("—", text)

    def _show_chart(self, chart: str, value: dict) -> None:
        from loyalty_desktop.analytics import figures as F  # lazy: matplotlib

        lang = self.lang
        if chart == "overlap":
            build = lambda titled=False, size=None: F.overlap_figure(  # noqa: E731
                value, lang, size or (6.4, 4.4), titled=titled)
        else:
            build = lambda titled=False, size=None: F.build(chart, value, lang, size, titled=titled)  # noqa: E731
        try:
            self.charts[chart].set_figure(build(), export=lambda: build(True, (9.6, 5.4)))
        except Exception as exc:
            log.exception("segment chart %s failed", chart)
            self.charts[chart].set_error(str(exc))

    def _show_comparison(self) -> None:
        from loyalty_desktop.analytics.aggregates import comparison
        from loyalty_desktop.analytics.formatting import _decimal, format_count, format_money, format_percent

        seg = self.data.get("headline")
        if seg is None:
            return
        lang = self.lang
        everyone = self.everyone
        comp = comparison(seg, everyone) if everyone else None

        def vs(text):
            return self.tr("all customers: {value}").format(value=text)

        self.cards["customers"].set(
            format_count(seg["customers"], lang),
            self.tr("{share} of all customers").format(share=format_percent(comp["customer_share"], lang))
            if comp else "")
        self.cards["revenue"].set(
            format_money(seg["total_spent"], lang),
            self.tr("{share} of all revenue").format(share=format_percent(comp["revenue_share"], lang))
            if comp else "")
        self.cards["aov"].set(format_money(seg["aov"], lang) if seg["aov"] is not None else "—",
                              vs(format_money(everyone["aov"], lang)) if everyone and everyone["aov"] else "",
                              self._tone(seg["aov"], everyone and everyone["aov"]))
        self.cards["frequency"].set(_decimal(seg["frequency"], lang) if seg["frequency"] is not None else "—",
                                    vs(_decimal(everyone["frequency"], lang))
                                    if everyone and everyone["frequency"] else "",
                                    self._tone(seg["frequency"], everyone and everyone["frequency"]))
        self.cards["repeat"].set(format_percent(seg["repeat_rate"], lang, 0),
                                 vs(format_percent(everyone["repeat_rate"], lang, 0))
                                 if everyone and everyone["repeat_rate"] is not None else "",
                                 self._tone(seg["repeat_rate"], everyone and everyone["repeat_rate"]))

    @staticmethod
    def _tone(mine, theirs):
        if mine is None or not theirs:
            return None
        return "up" if mine >= theirs else "down"
