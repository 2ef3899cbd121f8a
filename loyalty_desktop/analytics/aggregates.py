"""Dashboard aggregates, computed in SQL (SQLAlchemy Core) and returned as plain data.

Every aggregate is ``fn(conn, scope) -> dict``: JSON-able plain data (no ORM objects), so a worker thread
can hand it to the UI and the report writers can store it. ``Scope`` restricts the figures to a segment
(its compiled ``select`` of customer ids) and gives the period for the revenue figures.

Where the numbers come from (1M customers / 10M purchases must stay interactive):
- per-customer figures read ``customer_stats`` (order count, total spent, first/last purchase, RFM scores,
  and the 30/90/180/365-day windows, which the "last 3/6/12 months" presets use directly);
- customer demographics read the covering index on (province, gender, birth_date);
- revenue by month/category/channel read the rollups of ``loyalty_desktop.rollups`` (kept exact by every
  write path): ``rollup_month`` (24 rows) and ``rollup_sales_day`` (day × category × channel) for the shop,
  ``rollup_customer_month`` for a segment's monthly series. Without rollups (another database engine)
  the ``*_from_purchases`` versions read ``purchase`` through its covering indexes, for the period only.
Cancelled purchases never count. Walk-in sales (no customer) count in shop revenue, never in customer figures.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any, Callable

from sqlalchemy import and_, case, func, literal, literal_column, select, text
from sqlalchemy.engine import Connection

from loyalty_desktop import rollups
from loyalty_desktop.stats import geo_copy_kept
from loyalty_desktop.models import Customer, CustomerMonth, CustomerStats, MonthTotal, Purchase, SalesDay

c = Customer.__table__
p = Purchase.__table__
s = CustomerStats.__table__
cm = CustomerMonth.__table__  # customer × month rollup (counted purchases)
mt = MonthTotal.__table__  # its per-month sums
sd = SalesDay.__table__  # day × category × channel rollup (walk-ins included)

WINDOWS = (30, 90, 180, 365)
AGE_BANDS: list[tuple[str, int, int | None]] = [
    ("<18", 0, 17), ("18–24", 18, 24), ("25–34", 25, 34), ("35–44", 35, 44),
    ("45–54", 45, 54), ("55–64", 55, 64), ("65+", 65, None),
]
GENDERS = ("male", "female", "unknown")
REGIONS = ("north", "central", "south")
MONTHS = 24
TOP_PROVINCES = 15


# ----------------------------------------------------------------------------------------------- scope
@dataclass(frozen=True)
class Scope:
    """What the figures cover.

    ``members``: a ``select`` of customer ids (a compiled segment rule) or None for every customer.
    ``start``/``end``: the period for revenue figures, inclusive local dates (None = all time).
    ``today``: the reference day (headline "this month", ages, the 24-month series).
    """

    members: Any = None
    start: date | None = None
    end: date | None = None
    today: date = field(default_factory=date.today)

    @property
    def window_days(self) -> int | None:
        """The stats window (30/90/180/365) equal to this period, when there is one."""
        if self.start is None or self.end != self.today:
            return None
        days = (self.today - self.start).days
        return days if days in WINDOWS else None

    def period_bounds(self) -> tuple[datetime | None, datetime | None]:
        start = datetime.combine(self.start, time.min) if self.start else None
        end = datetime.combine(self.end + timedelta(days=1), time.min) if self.end else None
        return start, end

    def with_members(self, members) -> "Scope":
        return replace(self, members=members)


def preset_period(key: str, today: date | None = None) -> tuple[date | None, date | None]:
    """Date-range presets of the dashboard: this_month, 3m/6m/12m (= last 90/180/365 days), all."""
    today = today or date.today()
    if key == "this_month":
        return today.replace(day=1), today
    days = {"1m": 30, "3m": 90, "6m": 180, "12m": 365}.get(key)
    if days:
        return today - timedelta(days=days), today
    if key == "all":
        return None, None
    raise ValueError(f"Unknown period: {key!r}")


def month_start(d: date) -> date:
    return d.replace(day=1)


def add_months(d: date, n: int) -> date:
    y, m = divmod(d.year * 12 + d.month - 1 + n, 12)
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def _day_start(d: date) -> datetime:
    return datetime.combine(d, time.min)


def _in_scope(col, scope: Scope):
    return col.in_(scope.members) if scope.members is not None else None


def _where(*conds):
    conds = [x for x in conds if x is not None]
    return and_(*conds) if conds else literal(True)


def _month_expr(col, conn: Connection):
    if conn.dialect.name == "sqlite":
        return func.strftime("%Y-%m", col)
    return func.to_char(col, "YYYY-MM")


def _years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February in a non-leap year
        return d.replace(year=d.year - years, day=28)


def _counted(scope: Scope, start: datetime | None, end: datetime | None, customers_only: bool = False):
    """Counted purchases in [start, end) within the scope."""
    conds = [p.c.cancelled.is_(False)]
    if start is not None:
        conds.append(p.c.purchased_at >= start)
    if end is not None:
        conds.append(p.c.purchased_at < end)
    if scope.members is not None:
        conds.append(p.c.customer_id.in_(scope.members))
    elif customers_only:
        conds.append(p.c.customer_id.is_not(None))
    return and_(*conds)


def _windows_current(conn: Connection, today: date) -> bool:
    try:
        from loyalty_desktop.stats import windows_as_of
    except ImportError:
        return False
    return windows_as_of(conn) == today


def _period_revenue_column(scope: Scope, conn: Connection):
    """Per-customer revenue in the period as a stats column, when the stats hold it (else None)."""
    if scope.start is None and scope.end is None:
        return s.c.total_spent
    days = scope.window_days
    if days and _windows_current(conn, scope.today):
        return s.c[f"spent_{days}d"]
    return None


# -------------------------------------------------------------------------------------------- headline
def _use_rollups(conn: Connection, scope: Scope) -> bool:
    """Shop-wide figures read the rollups when this database keeps them."""
    return scope.members is None and rollups.available(conn)


def headline(conn: Connection, scope: Scope) -> dict:
    """The numbers at the top of the dashboard (and the segment's own numbers).

    Per-customer figures from ``customer_stats``; the shop's monthly revenue from the day rollup.

    ``active_90d``: bought in the last 90 days. ``new_this_month``: first purchase this calendar month.
    ``repeat_rate``: of the customers who bought, the share who bought at least twice.
    ``revenue_this_month``/``revenue_last_month``: calendar months (walk-in sales included for the shop);
    ``revenue_last_month_to_date``: last month up to the same day, the fair comparison for a month in progress.
    """
    return _headline(conn, scope, _use_rollups(conn, scope))


def headline_from_purchases(conn: Connection, scope: Scope) -> dict:
    """``headline`` with the monthly revenue summed from ``purchase`` (no rollups)."""
    return _headline(conn, scope, False)


def _headline(conn: Connection, scope: Scope, from_rollups: bool) -> dict:
    today = scope.today
    since90 = _day_start(today - timedelta(days=90))
    this_month = _day_start(month_start(today))
    last_month = _day_start(add_months(month_start(today), -1))
    next_month = _day_start(add_months(month_start(today), 1))
    same_day_last_month = _day_start(add_months(today, -1) + timedelta(days=1))
    if same_day_last_month > this_month:
        same_day_last_month = this_month
    member = _in_scope(s.c.customer_id, scope)
    if scope.members is None:
        # Everyone: each figure is a range count or sum over one narrow customer_stats index (~3× less
        # work than one pass over the stats rows).
        def one(expr, *conds):
            return select(expr).select_from(s).where(*conds).scalar_subquery()

        row = conn.execute(select(
            one(func.count()), one(func.count(), s.c.last_purchase_at >= since90),
            one(func.count(), s.c.order_count >= 1), one(func.count(), s.c.order_count >= 2),
            one(func.count(), s.c.first_purchase_at >= this_month), one(func.sum(s.c.order_count)),
            one(func.sum(s.c.total_spent)),
        )).one()
    else:
        row = conn.execute(select(
            func.count(),
            func.coalesce(func.sum(case((s.c.last_purchase_at >= since90, 1), else_=0)), 0),
            func.coalesce(func.sum(case((s.c.order_count >= 1, 1), else_=0)), 0),
            func.coalesce(func.sum(case((s.c.order_count >= 2, 1), else_=0)), 0),
            func.coalesce(func.sum(case((s.c.first_purchase_at >= this_month, 1), else_=0)), 0),
            func.coalesce(func.sum(s.c.order_count), 0),
            func.coalesce(func.sum(s.c.total_spent), 0),
        ).where(_where(member))).one()
    customers, active, buyers, repeaters, new, orders, spent = (int(x or 0) for x in row)
    opted_out = conn.execute(
        select(func.count()).select_from(c).where(_where(c.c.sms_opt_out.is_(True), _in_scope(c.c.id, scope)))
    ).scalar_one()
    if from_rollups:  # ~60 days × categories × channels of the day rollup
        day, amount = sd.c.day, sd.c.amount
        months = conn.execute(
            select(
                func.coalesce(func.sum(case((day >= this_month.date(), amount), else_=0)), 0),
                func.coalesce(func.sum(case((day < this_month.date(), amount), else_=0)), 0),
                func.coalesce(func.sum(case((day < same_day_last_month.date(), amount), else_=0)), 0),
            ).where(day >= last_month.date(), day < next_month.date())
        ).one()
    else:
        months = conn.execute(
            select(
                func.coalesce(func.sum(case((p.c.purchased_at >= this_month, p.c.amount), else_=0)), 0),
                func.coalesce(func.sum(case((p.c.purchased_at < this_month, p.c.amount), else_=0)), 0),
                func.coalesce(func.sum(case((p.c.purchased_at < same_day_last_month, p.c.amount), else_=0)), 0),
            ).where(_counted(scope, last_month, next_month))
        ).one()
    return {
        "customers": customers,
        "active_90d": active,
        "new_this_month": new,
        "buyers": buyers,
        "repeat_buyers": repeaters,
        "repeat_rate": (repeaters / buyers) if buyers else None,
        "opted_out": int(opted_out),
        "opted_out_share": (opted_out / customers) if customers else None,
        "orders": orders,
        "total_spent": spent,
        "aov": (spent / orders) if orders else None,  # average order value, đồng
        "frequency": (orders / buyers) if buyers else None,  # orders per customer who bought
        "revenue_this_month": int(months[0] or 0),
        "revenue_last_month": int(months[1] or 0),
        "revenue_last_month_to_date": int(months[2] or 0),
        "month": month_start(today).isoformat(),
    }


# -------------------------------------------------------------------------------- ready-made segments
@dataclass
class SegmentDef:
    key: str
    label_vi: str
    label_en: str
    select: Any  # select of customer ids


def _fallback_templates(today: date) -> list[SegmentDef]:
    """Used only when the segment templates are not available (stats-based, same spirit)."""
    d = lambda n: _day_start(today - timedelta(days=n))  # noqa: E731
    ids = lambda *w: select(s.c.customer_id).where(*w)  # noqa: E731
    return [
        SegmentDef("loyal", "Khách trung thành", "Loyal", ids(s.c.order_count >= 5, s.c.last_purchase_at >= d(90))),
        SegmentDef("potential", "Khách tiềm năng", "Potential",
                   ids(s.c.order_count.between(2, 4), s.c.last_purchase_at >= d(90))),
        SegmentDef("low_value", "Khách giá trị thấp", "Low value",
                   ids(s.c.order_count >= 1, s.c.total_spent < 500_000)),
        SegmentDef("at_risk", "Khách có nguy cơ rời bỏ", "At risk",
                   ids(s.c.order_count >= 2, s.c.last_purchase_at < d(180))),
        SegmentDef("new", "Khách mới", "New", ids(s.c.first_purchase_at >= d(30))),
    ]


TEMPLATE_KEYS = ("loyal", "potential", "low_value", "at_risk", "new")


def template_segments(conn: Connection, today: date | None = None) -> list[SegmentDef]:
    """The ready-made segments (loyal, potential, low value, at risk, new) as compiled selects.

    Read from ``loyalty_desktop.segments.templates`` (the same definitions the segments page offers) and
    compiled by the segment runner; falls back to built-in stats-based definitions if unavailable.
    """
    today = today or date.today()
    try:
        from loyalty_desktop.segments import templates as tmod
        from loyalty_desktop.segments.runner import ids_statement
    except ImportError:
        return _fallback_templates(today)
    found = _read_templates(tmod)
    out = []
    for key in TEMPLATE_KEYS:
        t = found.get(key)
        if t is None:
            continue
        try:
            sel = ids_statement(conn, t["rule"], today)
        except Exception:  # a template that cannot compile must not break the dashboard
            continue
        out.append(SegmentDef(key, t.get("label_vi") or key, t.get("label_en") or key, sel))
    return out or _fallback_templates(today)


def rule_members(conn: Connection, node, today: date | None = None):
    """The ``select`` of customer ids for a rule node (or a saved segment's name), for ``Scope.members``."""
    from loyalty_desktop.segments.runner import ids_statement

    if isinstance(node, str):
        node = {"field": "segment", "op": "in", "value": [node]}
    return ids_statement(conn, node, today or date.today())


def _read_templates(tmod) -> dict[str, dict]:
    """Normalise whatever shape the templates module exposes into {key: {rule, label_vi, label_en}}."""
    raw = None
    for name in ("TEMPLATES", "templates", "list_templates", "all_templates"):
        raw = getattr(tmod, name, None)
        if raw is not None:
            break
    if callable(raw):
        raw = raw()
    if raw is None:
        return {}
    items = raw.items() if isinstance(raw, dict) else [(None, t) for t in raw]
    out: dict[str, dict] = {}
    for key, t in items:
        get = (lambda k, t=t: t.get(k)) if isinstance(t, dict) else (lambda k, t=t: getattr(t, k, None))
        key = key or get("key") or get("id") or get("name")
        if not key:
            continue
        norm = str(key).replace("-", "_").replace(" ", "_").lower()
        norm = {"lowvalue": "low_value", "atrisk": "at_risk", "low": "low_value", "risk": "at_risk"}.get(norm, norm)
        rule = get("rule")
        if rule is None:
            continue
        out[norm] = {
            "rule": rule,
            "label_vi": get("label_vi") or get("name_vi") or get("title_vi"),
            "label_en": get("label_en") or get("name_en") or get("title_en"),
        }
    return out


def by_template(conn: Connection, scope: Scope, segments: list[SegmentDef] | None = None) -> dict:
    """How many customers (of the scope) are in each ready-made segment, and their total spent."""
    segments = segments if segments is not None else template_segments(conn, scope.today)
    # Segments whose rule reads only customer_stats (loyal, potential, low value, at risk) need no IN-list.
    flat = {seg.key: cond for seg in segments if (cond := _stats_only_condition(seg.select)) is not None}
    found: dict[str, tuple[int, int]] = {}
    if flat and scope.members is None:
        # Everyone: one count + sum per segment, each answered from an index range (the recency ones from
        # the covering ix_stats_recency): ~0.2 s in all at 1M, where one SUM(CASE …) pass over every
        # stats row evaluating all the rules took ~0.9 s.
        for key, cond in flat.items():
            q = select(func.count(), func.coalesce(func.sum(s.c.total_spent), 0)).select_from(s)
            if _columns_of(cond) <= RECENCY_INDEX_COLUMNS:
                q = q.where(_steer_to_recency_index(cond))
            else:
                q = q.where(cond)
            found[key] = tuple(conn.execute(q).one())
    elif flat:
        # A segment: one pass over its members, SUM(CASE WHEN rule …) for all the rules together.
        cols = []
        for cond in flat.values():
            cols.append(func.coalesce(func.sum(case((cond, 1), else_=0)), 0))
            cols.append(func.coalesce(func.sum(case((cond, s.c.total_spent), else_=0)), 0))
        got = conn.execute(select(*cols).select_from(s).where(_where(_in_scope(s.c.customer_id, scope)))).one()
        found = {key: (got[2 * i], got[2 * i + 1]) for i, key in enumerate(flat)}
    rows = []
    for seg in segments:
        if seg.key in found:
            n, spent = found[seg.key]
            rows.append({"key": seg.key, "label_vi": seg.label_vi, "label_en": seg.label_en,
                         "customers": int(n), "revenue": int(spent or 0)})
            continue
        sub = seg.select.subquery()
        ids = select(sub.c[list(sub.c.keys())[0]])
        q = select(func.count(), func.coalesce(func.sum(s.c.total_spent), 0)).where(
            _where(s.c.customer_id.in_(ids), _in_scope(s.c.customer_id, scope))
        )
        n, spent = conn.execute(q).one()
        rows.append({"key": seg.key, "label_vi": seg.label_vi, "label_en": seg.label_en,
                     "customers": int(n), "revenue": int(spent or 0)})
    return {"segments": rows}


RECENCY_INDEX_COLUMNS = frozenset({"last_purchase_at", "order_count", "total_spent"})  # ix_stats_recency


def _columns_of(clause) -> set[str]:
    """Names of the customer_stats columns a WHERE clause reads (anything else: a non-column marker)."""
    from sqlalchemy.sql.visitors import iterate

    names = set()
    for el in iterate(clause):
        table = getattr(el, "table", None)
        if table is not None and hasattr(el, "name") and hasattr(el, "key"):
            names.add(el.name if table is s else f"<{getattr(table, 'name', '?')}>")
    return names


def _steer_to_recency_index(cond):
    """The same condition with order_count/total_spent written as ``col + 0``, which no index serves.

    Without range statistics (SQLite has no STAT4 here) the planner often drives "order_count between 1
    and 2 AND last_purchase_at >= …" by the order_count index and reads a stats row per entry (4–10×
    slower at 1M); left with last_purchase_at alone it picks the covering ix_stats_recency (a range, or a
    scan of the narrow index), which answers count and sum without reading a row."""
    from sqlalchemy.sql.visitors import replacement_traverse

    hidden = {s.c.order_count, s.c.total_spent}

    def swap(el):
        if el in hidden:
            return el + literal_column("0")
        return None

    return replacement_traverse(cond, {}, swap)


def _stats_only_condition(sel):
    """The WHERE clause of ``SELECT customer_stats.customer_id FROM customer_stats WHERE …`` (one row per
    customer, nothing else joined), or None for any other shape of select."""
    try:
        froms = sel.get_final_froms()
        cols = list(sel.selected_columns)
    except AttributeError:
        return None
    if len(froms) != 1 or froms[0] is not s or len(cols) != 1:
        return None
    col = cols[0]
    col = getattr(col, "element", col)  # unwrap a label
    if col is not s.c.customer_id or sel._group_by_clauses or sel._having_criteria or sel._distinct:
        return None
    if getattr(sel, "_limit_clause", None) is not None or getattr(sel, "_offset_clause", None) is not None:
        return None
    return sel.whereclause if sel.whereclause is not None else literal(True)


# ------------------------------------------------------------------------------------------------ RFM
def rfm_grid(conn: Connection, scope: Scope) -> dict:
    """Recency × frequency scores (1–5, 5 = best) with customer count and total spent per cell."""
    q = (
        select(s.c.rfm_r, s.c.rfm_f, func.count(), func.coalesce(func.sum(s.c.total_spent), 0))
        .where(_where(s.c.rfm_r.is_not(None), s.c.rfm_f.is_not(None), _in_scope(s.c.customer_id, scope)))
        .group_by(s.c.rfm_r, s.c.rfm_f)
    )
    counts = [[0] * 5 for _ in range(5)]
    revenue = [[0] * 5 for _ in range(5)]
    for r, f, n, spent in conn.execute(q):
        if 1 <= r <= 5 and 1 <= f <= 5:
            counts[r - 1][f - 1] += int(n)
            revenue[r - 1][f - 1] += int(spent)
    return {"counts": counts, "revenue": revenue}  # [r-1][f-1]


# ------------------------------------------------------------------------------------------ geography
def geography(conn: Connection, scope: Scope, top: int = TOP_PROVINCES) -> dict:
    """Customers and period revenue by province (top N by customers) and by region."""
    col = _period_revenue_column(scope, conn)
    if col is not None and geo_copy_kept(conn):
        # customer_stats carries the customer's province/region (migration 0006): counts and revenue in
        # one pass over one table, no 1M-row join with customer (1.5–2.9 s at 1M customers).
        q = (
            select(s.c.province, s.c.region, func.count(), func.coalesce(func.sum(col), 0))
            .where(_where(_in_scope(s.c.customer_id, scope)))
            .group_by(s.c.province, s.c.region)
        )
        rows = conn.execute(q).all()
        by_province = [(prov, n) for prov, _reg, n, _amount in rows]
        by_region = [(reg, n) for _prov, reg, n, _amount in rows]
        revenue = [(prov, reg, amount) for prov, reg, _n, amount in rows]
        return _geography_result(by_province, by_region, revenue, top)
    member = _in_scope(c.c.id, scope)
    # Two narrow index scans (province; region) instead of reading every customer row.
    by_province = conn.execute(select(c.c.province, func.count()).where(_where(member)).group_by(c.c.province)).all()
    by_region = conn.execute(select(c.c.region, func.count()).where(_where(member)).group_by(c.c.region)).all()
    if col is not None:
        # Everyone: scan customer_stats in key order and look customers up by id in the same order
        # ("+ 0" keeps SQLite from driving by the province index instead, which reads both tables in
        # random order: ~40 % slower at 1M customers). A segment drives by its members.
        key = s.c.customer_id if member is not None else s.c.customer_id + literal_column("0")
        rev_q = (
            select(c.c.province, c.c.region, func.coalesce(func.sum(col), 0))
            .select_from(c.join(s, key == c.c.id))
            .where(_where(member, col > 0))
            .group_by(c.c.province, c.c.region)
        )
    else:
        start, end = scope.period_bounds()
        rev_q = (
            select(c.c.province, c.c.region, func.coalesce(func.sum(p.c.amount), 0))
            .select_from(p.join(c, c.c.id == p.c.customer_id))
            .where(_counted(scope, start, end, customers_only=True))
            .group_by(c.c.province, c.c.region)
        )
    revenue = conn.execute(rev_q).all()
    return _geography_result(by_province, by_region, revenue, top)


def _geography_result(by_province, by_region, revenue, top: int) -> dict:
    """Ranked provinces, the rest summed, unknown province and the regions from (key, count/amount) rows."""
    provinces: dict[str, dict] = {}
    regions = {r: {"region": r, "customers": 0, "revenue": 0} for r in REGIONS}
    unknown = {"customers": 0, "revenue": 0}
    for prov, n in by_province:
        if prov:
            provinces.setdefault(prov, {"province": prov, "customers": 0, "revenue": 0})["customers"] += int(n)
        else:
            unknown["customers"] += int(n)
    for reg, n in by_region:
        if reg in regions:
            regions[reg]["customers"] += int(n)
    for prov, reg, amount in revenue:
        if prov:
            provinces.setdefault(prov, {"province": prov, "customers": 0, "revenue": 0})["revenue"] += int(amount)
        else:
            unknown["revenue"] += int(amount)
        if reg in regions:
            regions[reg]["revenue"] += int(amount)
    ranked = sorted(provinces.values(), key=lambda r: (-r["customers"], -r["revenue"], r["province"]))
    rest = ranked[top:]
    return {
        "provinces": ranked[:top],
        "other": {"provinces": len(rest), "customers": sum(r["customers"] for r in rest),
                  "revenue": sum(r["revenue"] for r in rest)},
        "unknown": unknown,
        "regions": [regions[r] for r in REGIONS],
    }


# ----------------------------------------------------------------------------------------- age/gender
def age_gender(conn: Connection, scope: Scope) -> dict:
    """Customers by age band (full years today) and gender; those without a birth date counted apart.

    Everyone: index range counts only — per band all customers (birth-date index) and men and women (the
    (province, gender, birth_date) index, skip-scanning the ~35 provinces); "unknown" is the rest. No row is
    read and nothing sorted. A segment: one grouped pass over its members."""
    if scope.members is None:
        return _age_gender_counts(conn, scope.today)
    today = scope.today
    whens = []
    for label, lo, hi in AGE_BANDS:
        # age >= lo  <=>  birth_date <= today - lo years;  age <= hi  <=>  birth_date > today - (hi+1) years
        conds = [c.c.birth_date <= _years_before(today, lo)]
        if hi is not None:
            conds.append(c.c.birth_date > _years_before(today, hi + 1))
        whens.append((and_(*conds), label))
    band = case(*whens, else_=None).label("band")
    q = (
        select(band, c.c.gender, func.count())
        .where(_where(c.c.birth_date.is_not(None), _in_scope(c.c.id, scope)))
        .group_by(band, c.c.gender)
    )
    table = {label: {g: 0 for g in GENDERS} for label, _lo, _hi in AGE_BANDS}
    future = 0
    for label, gender, n in conn.execute(q):
        if label is None:  # a birth date in the future: bad data, not an age
            future += int(n)
            continue
        table[label][gender if gender in GENDERS else "unknown"] += int(n)
    no_birth = conn.execute(
        select(func.count()).select_from(c).where(_where(c.c.birth_date.is_(None), _in_scope(c.c.id, scope)))
    ).scalar_one()
    return {
        "bands": [{"band": label, **table[label]} for label, _lo, _hi in AGE_BANDS],
        "no_birth_date": int(no_birth) + future,
    }


def _age_gender_counts(conn: Connection, today: date) -> dict:
    def count(*conds):
        return select(func.count()).select_from(c).where(*conds).scalar_subquery()

    cols = []
    for _label, lo, hi in AGE_BANDS:
        span = [c.c.birth_date <= _years_before(today, lo)]
        if hi is not None:
            span.append(c.c.birth_date > _years_before(today, hi + 1))
        cols += [count(*span), count(c.c.gender == "male", *span), count(c.c.gender == "female", *span)]
    cols += [count(c.c.birth_date > today), count(c.c.birth_date.is_(None))]
    got = [int(x or 0) for x in conn.execute(select(*cols)).one()]
    bands = []
    for i, (label, _lo, _hi) in enumerate(AGE_BANDS):
        total, male, female = got[3 * i : 3 * i + 3]
        bands.append({"band": label, "male": male, "female": female, "unknown": total - male - female})
    future, no_birth = got[-2:]
    return {"bands": bands, "no_birth_date": no_birth + future}


# -------------------------------------------------------------------------------------------- monthly
def monthly(conn: Connection, scope: Scope, months: int = MONTHS) -> dict:
    """Revenue and active customers per calendar month over the last ``months`` months (this one included).

    Split by who bought: **new** (the customer's first purchase ever was in that month), **returning**
    (bought before), and walk-in sales (no customer; revenue only, all-customer scope only).

    From the rollups: the shop reads 24 rows of ``rollup_month`` (buyers, new buyers, their revenue) and
    the day rollup for walk-in revenue and all orders; a segment reads its members' rows of
    ``rollup_customer_month`` (primary key order, ~10 rows per member).
    """
    if not rollups.available(conn):
        return monthly_from_purchases(conn, scope, months)
    first = add_months(month_start(scope.today), -(months - 1))
    after = add_months(month_start(scope.today), 1)
    keys = [add_months(first, i).strftime("%Y-%m") for i in range(months)]
    walk_in: dict[str, tuple[int, int]] = {}
    if scope.members is None:
        got = {r[0]: r[1:] for r in conn.execute(
            select(mt.c.month, mt.c.buyers, mt.c.new_buyers, mt.c.orders, mt.c.amount, mt.c.new_amount)
            .where(mt.c.month >= keys[0], mt.c.month <= keys[-1]))}
        m = func.substr(sd.c.day, 1, 7).label("m")
        walk_in = {r[0]: (int(r[1] or 0), int(r[2] or 0)) for r in conn.execute(
            select(m, func.sum(sd.c.orders), func.sum(sd.c.walk_in_amount))
            .where(sd.c.day >= first, sd.c.day < after).group_by(m))}
    else:
        got = {r[0]: r[1:] for r in conn.execute(
            select(cm.c.month, func.count(), func.sum(case((cm.c.is_first, 1), else_=0)), func.sum(cm.c.orders),
                   func.sum(cm.c.amount), func.sum(case((cm.c.is_first, cm.c.amount), else_=0)))
            .where(cm.c.customer_id.in_(scope.members), cm.c.month >= keys[0], cm.c.month <= keys[-1])
            .group_by(cm.c.month))}
    rows = []
    for key in keys:
        buyers, new, orders, amount, new_amount = (int(x or 0) for x in got.get(key, (0, 0, 0, 0, 0)))
        if scope.members is None:
            orders, walk = walk_in.get(key, (0, 0))  # all counted orders, walk-ins included
        else:
            walk = 0
        rows.append({"month": key, "revenue_new": new_amount, "revenue_returning": amount - new_amount,
                     "revenue_walk_in": walk, "active_new": new, "active_returning": buyers - new,
                     "orders": orders})
    return {"months": rows}


def monthly_from_purchases(conn: Connection, scope: Scope, months: int = MONTHS) -> dict:
    """``monthly`` computed from ``purchase`` (no rollups).

    No statement joins every purchase to its customer: (1) per month, one range of the covering time
    index: revenue, walk-in revenue, orders, distinct buyers; (2) new buyers per month
    straight from ``customer_stats.first_purchase_at``; (3) the new buyers' spending in their first month,
    reading only their purchases through the (customer, time) index. Returning = all − new.
    """
    first = add_months(month_start(scope.today), -(months - 1))
    lo = _day_start(first)
    hi = _day_start(add_months(month_start(scope.today), 1))
    # One statement per month, each a range of the covering index (purchased_at, cancelled, customer_id,
    # amount): small DISTINCT b-trees and no per-row date formatting (3.7 s vs 5–8 s for one GROUP BY).
    found = {}
    for i in range(months):
        a, b = _day_start(add_months(first, i)), _day_start(add_months(first, i + 1))
        counted = [p.c.cancelled.is_(False), p.c.purchased_at >= a, p.c.purchased_at < b]
        if scope.members is not None:
            counted.append(p.c.customer_id.in_(scope.members))
        found[a.strftime("%Y-%m")] = conn.execute(
            select(
                func.coalesce(func.sum(case((p.c.customer_id.is_not(None), p.c.amount), else_=0)), 0),
                func.coalesce(func.sum(case((p.c.customer_id.is_(None), p.c.amount), else_=0)), 0),
                func.count(),
                func.count(func.distinct(p.c.customer_id)),
            ).where(and_(*counted))
        ).one()
    fm = _month_expr(s.c.first_purchase_at, conn).label("fm")
    newcomers = [s.c.first_purchase_at >= lo, s.c.first_purchase_at < hi]
    if scope.members is not None:
        newcomers.append(s.c.customer_id.in_(scope.members))
    new_counts = dict(conn.execute(select(fm, func.count()).where(and_(*newcomers)).group_by(fm)).all())
    pm = _month_expr(p.c.purchased_at, conn).label("pm")
    new_revenue = dict(conn.execute(
        select(pm, func.coalesce(func.sum(p.c.amount), 0))
        .select_from(s.join(p, and_(p.c.customer_id == s.c.customer_id,
                                    p.c.purchased_at >= s.c.first_purchase_at,
                                    p.c.purchased_at < _next_month_start(s.c.first_purchase_at, conn))))
        .where(and_(*newcomers, p.c.cancelled.is_(False)))
        .group_by(pm)
    ).all())
    rows = []
    for i in range(months):
        key = add_months(first, i).strftime("%Y-%m")
        customer_rev, walk_in, orders, buyers = (int(x or 0) for x in found.get(key, (0, 0, 0, 0)))
        rn = int(new_revenue.get(key) or 0)
        an = int(new_counts.get(key) or 0)
        rows.append({"month": key, "revenue_new": rn, "revenue_returning": customer_rev - rn,
                     "revenue_walk_in": walk_in, "active_new": an, "active_returning": buyers - an,
                     "orders": orders})
    return {"months": rows}


def _next_month_start(col, conn: Connection):
    """First instant of the month after ``col`` (per row)."""
    if conn.dialect.name == "sqlite":
        return func.datetime(col, "start of month", "+1 month")
    return func.date_trunc("month", col) + text("interval '1 month'")


# ------------------------------------------------------------------------------- category / channel
def sales(conn: Connection, scope: Scope) -> dict:
    """Period revenue and orders by product category and by sales channel ("" = not recorded).

    The shop reads the day × category × channel rollup for the period's days (exact for any period: the
    periods are whole local days); a segment reads its members' purchases."""
    if not _use_rollups(conn, scope):
        return sales_from_purchases(conn, scope)
    conds = []
    if scope.start is not None:
        conds.append(sd.c.day >= scope.start)
    if scope.end is not None:
        conds.append(sd.c.day <= scope.end)
    out = {}
    for key, col in (("categories", sd.c.category), ("channels", sd.c.channel)):
        q = select(col, func.sum(sd.c.amount), func.sum(sd.c.orders)).where(_where(*conds)).group_by(col)
        out[key] = _ranked(conn.execute(q))
    return out


def sales_from_purchases(conn: Connection, scope: Scope) -> dict:
    """``sales`` computed from ``purchase`` (no rollups, or a segment)."""
    return {"categories": _by_column(conn, scope, p.c.category), "channels": _by_column(conn, scope, p.c.channel)}


def _by_column(conn: Connection, scope: Scope, col) -> list[dict]:
    """Grouped by ``col`` reading only its covering index (col, cancelled, customer_id, purchased_at,
    amount), in index order. The time bounds are written so SQLite does not pick the time index instead:
    that one would need a table lookup per purchase for the category (10× slower at 10M purchases)."""
    start, end = scope.period_bounds()
    when = p.c.purchased_at
    if conn.dialect.name == "sqlite" and scope.members is None:
        # (For a segment, the planner drives by its members through the (customer, time) index instead.)
        when = func.coalesce(p.c.purchased_at, p.c.purchased_at)
    conds = [p.c.cancelled.is_(False)]
    if start is not None:
        conds.append(when >= start)
    if end is not None:
        conds.append(when < end)
    if scope.members is not None:
        conds.append(p.c.customer_id.in_(scope.members))
    q = select(col, func.coalesce(func.sum(p.c.amount), 0), func.count()).where(and_(*conds)).group_by(col)
    return _ranked(conn.execute(q))


def _ranked(result) -> list[dict]:
    """(name, revenue, orders) rows → list sorted by revenue; NULL and '' are the same "not recorded"."""
    table: dict[str, list[int]] = {}
    for name, amount, n in result:
        acc = table.setdefault(name or "", [0, 0])
        acc[0] += int(amount or 0)
        acc[1] += int(n or 0)
    rows = [{"name": k, "revenue": v[0], "orders": v[1]} for k, v in table.items()]
    return sorted(rows, key=lambda r: (-r["revenue"], r["name"]))


def categories(conn: Connection, scope: Scope) -> dict:
    """Period revenue and orders by product category ("" = not recorded)."""
    return {"categories": sales(conn, scope)["categories"]}


def channels(conn: Connection, scope: Scope) -> dict:
    """Period revenue and orders by sales channel ("" = not recorded)."""
    return {"channels": sales(conn, scope)["channels"]}


# ------------------------------------------------------------------------------------------- overlap
def overlap(conn: Connection, segments: list[tuple[str, Any]]) -> dict:
    """Customers in each pair of (up to 6) segments: ``matrix[i][j]``; the diagonal is each size."""
    segments = list(segments)[:6]
    n = len(segments)
    matrix = [[0] * n for _ in range(n)]
    sets = []
    for _name, sel in segments:
        sets.append(sel.subquery())
    for i in range(n):
        for j in range(i, n):
            a, b = sets[i], sets[j]
            ca, cb = list(a.c)[0], list(b.c)[0]
            if i == j:
                q = select(func.count(func.distinct(ca)))
            else:
                q = select(func.count(func.distinct(ca))).where(ca.in_(select(cb)))
            matrix[i][j] = matrix[j][i] = int(conn.execute(q).scalar_one())
    return {"names": [name for name, _sel in segments], "matrix": matrix}


# ---------------------------------------------------------------------------------------------- all
AGGREGATES: dict[str, Callable[[Connection, Scope], dict]] = {
    "headline": headline,
    "segments": by_template,
    "rfm": rfm_grid,
    "geography": geography,
    "age_gender": age_gender,
    "monthly": monthly,
    "sales": sales,  # revenue by category and by channel
}


PERIOD_DEPENDENT = frozenset({"geography", "sales"})


def scope_key(key: str, scope: Scope) -> str:
    """Cache key of an all-customer aggregate (period-independent ones ignore the period)."""
    if key in PERIOD_DEPENDENT:
        return f"{key}|{scope.start}|{scope.end}|{scope.today}"
    return f"{key}|{scope.today}"


def compute(conn: Connection, key: str, scope: Scope, cache=None, refresh: bool = False, fp: str | None = None):
    """One aggregate, through the cache (``analytics.cache``) for the all-customer scope."""
    fn = AGGREGATES[key]
    if cache is None or scope.members is not None:
        return fn(conn, scope)
    from loyalty_desktop.analytics.cache import cached

    value, _hit = cached(cache, conn, scope_key(key, scope), lambda: fn(conn, scope), fp=fp, refresh=refresh)
    return value


def compute_all(conn: Connection, scope: Scope, keys=None, on_each=None, cache=None, refresh: bool = False) -> dict:
    """Every aggregate (or ``keys``); ``on_each(key, value)`` is called as each one is ready."""
    fp = None
    if cache is not None and scope.members is None:
        from loyalty_desktop.analytics.cache import fingerprint

        fp = fingerprint(conn)
    out = {}
    for key in keys or AGGREGATES:
        out[key] = compute(conn, key, scope, cache, refresh, fp)
        if on_each:
            on_each(key, out[key])
    return out


def comparison(seg_head: dict, all_head: dict) -> dict:
    """A segment against everyone: share of customers and revenue, AOV and frequency side by side."""
    def share(a, b):
        return (a / b) if b else None

    return {
        "customer_share": share(seg_head["customers"], all_head["customers"]),
        "revenue_share": share(seg_head["total_spent"], all_head["total_spent"]),
        "aov": (seg_head["aov"], all_head["aov"]),
        "frequency": (seg_head["frequency"], all_head["frequency"]),
        "repeat_rate": (seg_head["repeat_rate"], all_head["repeat_rate"]),
    }


def is_empty(data: dict) -> bool:
    """True when an aggregate has nothing to show (the figure shows its friendly empty state)."""
    if "counts" in data:
        return not any(any(row) for row in data["counts"])
    if "months" in data:
        return not any(r["orders"] for r in data["months"])
    if "bands" in data:
        return not any(r[g] for r in data["bands"] for g in GENDERS)
    if "provinces" in data:
        return not data["provinces"] and not any(r["customers"] for r in data["regions"])
    for key in ("categories", "channels", "segments"):
        if key in data:
            return not any(r.get("revenue") or r.get("customers") for r in data[key])
    if "matrix" in data:
        return not data["names"]
    if "customers" in data:
        return not data["customers"]
    return False


__all__ = [
    "AGGREGATES", "AGE_BANDS", "PERIOD_DEPENDENT", "Scope", "compute", "scope_key", "SegmentDef", "age_gender", "by_template", "categories", "channels",
    "comparison", "compute_all", "geography", "headline", "headline_from_purchases", "is_empty", "monthly",
    "monthly_from_purchases", "overlap", "preset_period", "rfm_grid", "sales", "sales_from_purchases",
    "template_segments",
]
