"""Compile a rule tree to ONE SQLAlchemy Core ``select`` of ``customer.id`` (bound parameters only).

Semantics (the same in ``reference.py``; see docs/segments.md):

* Two-valued logic: a condition on a missing value (no birth date, no province, no purchase for
  first/last purchase dates or the average order value, no RFM score) is FALSE — also for ``ne`` and
  ``not_in`` — so ``not`` of it is TRUE. ``is_empty`` / ``never`` test for the missing value.
  Every compiled leaf is guarded with ``col IS NOT NULL AND …`` so SQL NULLs never leak into NOT.
* "within_last N days": local calendar date >= today − N days; "more_than_ago N": date < today − N.
  A window on a behaviour field counts only purchases within the last N days. Cancelled purchases
  never count. No purchase ⇒ order_count 0 and total_spent 0.
* Age in full years today, via birth-date bounds (index friendly): age >= a ⇔ birth_date <= today − a
  years (29 Feb → 28 Feb in non-leap years).
* Birthdays: ``birth_md`` (month*100+day); someone born 29 Feb has their birthday on 28 Feb in
  non-leap years.
* Windowed behaviour conditions read the precomputed 30/90/180/365-day columns of customer_stats
  when the window is one of those AND the stats are current for today (``windows_current``,
  see ``stats.WINDOWS_MARKER``); otherwise they aggregate purchases (index on purchased_at).
* "Bought category / channel X [in the last N days]" reads the last-purchase-day rollups
  (``rollups.BOUGHT``) when the database keeps them (``bought_rollup``): "bought X in the last N days"
  ⇔ the last counted purchase of X is on or after today − N; otherwise it reads purchases.
"""

from __future__ import annotations

import calendar
import operator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Callable

from sqlalchemy import (
    BigInteger,
    DateTime,
    Select,
    and_,
    case,
    except_,
    false,
    func,
    intersect,
    literal,
    not_,
    or_,
    select,
    true,
    type_coerce,
    union,
)
from sqlalchemy.sql.elements import ColumnElement

from loyalty_desktop.errors import InvalidInput
from loyalty_desktop.models import (
    Customer,
    CustomerCategory,
    CustomerChannel,
    CustomerStats,
    CustomerTag,
    Purchase,
    SegmentMember,
    Tag,
    TagGroup,
    TagMaskCount,
)
from loyalty_desktop.segments.rules import All, AnyOf, Condition, Node, Not, parse_rule
from loyalty_desktop.stats import WINDOWS
from loyalty_desktop.tag_masks import MAX_TAG_ID

c = Customer.__table__
s = CustomerStats.__table__
p = Purchase.__table__
ct = CustomerTag.__table__
t = Tag.__table__
tg = TagGroup.__table__
sm = SegmentMember.__table__
# the "bought X" rollups: field -> (table, its category/channel column)
BOUGHT = {"category": (CustomerCategory.__table__, CustomerCategory.__table__.c.category),
          "channel": (CustomerChannel.__table__, CustomerChannel.__table__.c.channel)}

# The windows customer_stats precomputes: one definition, in stats.py.
STATS_WINDOWS = WINDOWS


@dataclass
class SegmentRef:
    """A saved segment as the compiler needs it."""

    id: int
    name: str
    frozen: bool
    rule: Node | None  # None for frozen segments


@dataclass
class CompileContext:
    today: date
    windows_current: bool = False
    bought_rollup: bool = False  # the database keeps rollups.BOUGHT (SQLite, schema 0007+)
    # name -> SegmentRef (None when unknown); needed only for the "segment" field
    resolve_segment: Callable[[str], SegmentRef | None] | None = None
    uses_stats: bool = False
    uses_customer: bool = False
    negated: bool = False  # inside an odd number of NOTs
    stack: list[str] = field(default_factory=list)  # folded names of segments being expanded
    # the customer id column conditions test membership with: customer.id, or customer_stats.customer_id
    # when the rule reads only stats (then the query need not touch the customer table at all)
    id_col: object = None
    # test tags with EXISTS probes on customer_tag's primary key (customer_id, tag_id) instead of
    # ``id IN (list)``: when rows are driven by a tag's entries, so few are tested (no list to build)
    probe_tags: bool = False

    def __post_init__(self) -> None:
        if self.id_col is None:
            self.id_col = c.c.id


CUSTOMER_FIELDS = {"gender", "phone_type", "region", "tier", "age", "birth_month", "birthday", "name", "province",
                   "created_at", "points", "sms_opt_out"}


# ----------------------------------------------------------------------------------------------------
# helpers shared with reference.py


def years_back(today: date, years: int) -> date:
    """today − N years; 29 Feb becomes 28 Feb in a non-leap target year."""
    y = today.year - years
    if y < 1:
        return date.min
    if today.month == 2 and today.day == 29 and not calendar.isleap(y):
        return date(y, 2, 28)
    return date(y, today.month, today.day)


def window_start(today: date, days: int) -> datetime:
    return datetime.combine(today - timedelta(days=days), time.min)


def day_start(d: date) -> datetime:
    return datetime.combine(d, time.min)


def birthday_ranges(today: date, days: int) -> list[tuple[int, int]]:
    """``birth_md`` ranges (inclusive) whose birthday falls in [today, today + days]."""
    ranges: list[list[int]] = []
    end = today + timedelta(days=days)
    d = today
    while d <= end:
        last_day = calendar.monthrange(d.year, d.month)[1]
        seg_end = min(end, date(d.year, d.month, last_day))
        lo, hi = d.month * 100 + d.day, seg_end.month * 100 + seg_end.day
        if d.month == 2 and seg_end.day == 28 and not calendar.isleap(d.year):
            hi = 229  # born 29 Feb: celebrated on 28 Feb in non-leap years
        ranges.append([lo, hi])
        d = seg_end + timedelta(days=1)
    # merge overlapping/adjacent (a window longer than a year wraps onto itself)
    ranges.sort()
    merged: list[list[int]] = []
    for lo, hi in ranges:
        if merged and lo <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return [(lo, hi) for lo, hi in merged]


_CMP = {
    "eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "lte": operator.le,
    "gt": operator.gt, "gte": operator.ge,
}


def numeric_pred(op: str, value) -> Callable[[float], bool]:
    """Python predicate for a numeric op (used for zero-handling and by the reference)."""
    if op == "between":
        lo, hi = value
        return lambda x: lo <= x <= hi
    if op == "in":
        vals = set(value)
        return lambda x: x in vals
    fn = _CMP[op]
    return lambda x: fn(x, value)


def _cmp(col, op: str, value) -> ColumnElement:
    if op == "between":
        return and_(col >= value[0], col <= value[1])
    if op == "in":
        return col.in_(list(value))
    return _CMP[op](col, value)


def _nn(ctx: "CompileContext", col, expr) -> ColumnElement:
    """Guard against SQL NULL: FALSE when the column is missing (two-valued logic).

    Needed only under an odd number of NOTs: a NOT-free formula in SQL's three-valued (Kleene) logic
    is TRUE exactly when it is TRUE with every NULL read as FALSE, and WHERE keeps only TRUE rows.
    Leaving the guard out elsewhere keeps the SQL as lean as a hand-written query."""
    return and_(col.is_not(None), expr) if ctx.negated else expr


def _ratio_cmp(total, count, op: str, value) -> ColumnElement:
    """total/count op value without division (exact): count > 0 AND total op value*count."""
    if op == "between":
        body = and_(total >= count * value[0], total <= count * value[1])
    else:
        body = _CMP[op](total, count * value)
    return and_(count > 0, body)


# ----------------------------------------------------------------------------------------------------


def _counted_purchases(days: int | None, ctx: CompileContext):
    # "cancelled = 0" (an equality, not IS): the purchase indexes lead with (category|channel, cancelled, …)
    # and (purchased_at, cancelled, …) so these subqueries read only the index.
    conds = [p.c.cancelled == false(), p.c.customer_id.is_not(None)]
    if days is not None:
        conds.append(p.c.purchased_at >= window_start(ctx.today, days))
    return conds


def _behaviour(cond: Condition, ctx: CompileContext) -> ColumnElement:
    days = cond.window_days
    op, value = cond.op, cond.value
    if days is None or (ctx.windows_current and days in STATS_WINDOWS):
        ctx.uses_stats = True
        total = s.c.total_spent if days is None else s.c[f"spent_{days}d"]
        count = s.c.order_count if days is None else s.c[f"orders_{days}d"]
        if cond.field == "total_spent":
            return _cmp(total, op, value)
        if cond.field == "order_count":
            return _cmp(count, op, value)
        return _ratio_cmp(total, count, op, value)
    lower = _lower_bound(op, value)
    if lower is not None:
        return _window_candidates(cond, ctx, lower)
    # aggregate purchases in the window
    total, count = func.sum(p.c.amount), func.count()
    if cond.field == "total_spent":
        having, zero_passes = _cmp(total, op, value), numeric_pred(op, value)(0)
    elif cond.field == "order_count":
        having, zero_passes = _cmp(count, op, value), numeric_pred(op, value)(0)
    else:
        having, zero_passes = _ratio_cmp(total, count, op, value), False  # no purchase: no average
    # GROUP BY customer_id + 0: stops SQLite from walking ix_purchase_customer_time (all purchases, to get
    # the groups in order) instead of the purchased_at range of ix_purchase_time plus a small sort.
    key = (p.c.customer_id + 0).label("customer_id")
    base = select(key).where(*_counted_purchases(days, ctx)).group_by(p.c.customer_id + 0)
    if zero_passes:
        return ctx.id_col.not_in(base.having(not_(having)))
    return ctx.id_col.in_(base.having(having))


def _lower_bound(op: str, value) -> int | None:
    """Smallest integer x > 0 such that op(x, value) may hold and op(y) ⇒ y >= x; None if 0 may pass."""
    if op == "eq":
        low = value
    elif op == "gt":
        low = value + 1
    elif op == "gte":
        low = value
    elif op == "between":
        low = value[0]
    else:
        return None
    return low if low > 0 else None


def _window_candidates(cond: Condition, ctx: CompileContext, lower: int) -> ColumnElement:
    """A window without usable precomputed columns, for a condition that needs at least ``lower``.

    Amounts are >= 0, so a window's spend/orders never exceed those of a longer window: the smallest
    precomputed window that contains it (or all time) bounds it. Candidates come from customer_stats;
    only they get the exact per-customer sum (index ix_purchase_customer_time, covering)."""
    days = cond.window_days
    ctx.uses_stats = True
    w = next((d for d in STATS_WINDOWS if d >= days), None) if ctx.windows_current else None
    bound_total = s.c[f"spent_{w}d"] if w else s.c.total_spent
    bound_count = s.c[f"orders_{w}d"] if w else s.c.order_count
    inside = and_(p.c.customer_id == ctx.id_col, p.c.cancelled == false(),
                  p.c.purchased_at >= window_start(ctx.today, days))
    total = select(func.coalesce(func.sum(p.c.amount), 0)).where(inside).scalar_subquery()
    count = select(func.count()).where(inside).scalar_subquery()
    if cond.field == "total_spent":
        return and_(bound_total >= lower, _cmp(total, cond.op, cond.value))
    if cond.field == "order_count":
        return and_(bound_count >= lower, _cmp(count, cond.op, cond.value))
    # avg >= lower > 0 needs an order in the window and a spend of at least ``lower`` there
    return and_(bound_total >= lower, bound_count > 0, _ratio_cmp(total, count, cond.op, cond.value))


def _date_cond(col, op: str, value, ctx: CompileContext) -> ColumnElement:
    if op == "never":
        return col.is_(None)
    if op == "before":
        expr = col < day_start(date.fromisoformat(value))
    elif op == "after":
        expr = col >= day_start(date.fromisoformat(value) + timedelta(days=1))
    elif op == "between":
        a, b = date.fromisoformat(value[0]), date.fromisoformat(value[1])
        expr = and_(col >= day_start(a), col < day_start(b + timedelta(days=1)))
    elif op == "within_last":
        expr = col >= window_start(ctx.today, value["days"])
    elif op == "more_than_ago":
        expr = col < window_start(ctx.today, value["days"])
    else:  # pragma: no cover - validated earlier
        raise InvalidInput(f"{op}: not a date operator", vi=f"{op}: không phải phép so sánh ngày")
    return _nn(ctx, col, expr)


def _age(op: str, value, ctx: CompileContext) -> ColumnElement:
    bd = c.c.birth_date
    if op == "is_empty":
        return bd.is_(None)

    def at_least(a: int):  # age >= a
        return bd <= years_back(ctx.today, a)

    def at_most(a: int):  # age <= a  ⇔ not age >= a+1
        return bd > years_back(ctx.today, a + 1)

    if op == "eq":
        expr = and_(at_least(value), at_most(value))
    elif op == "ne":
        expr = or_(not_(at_least(value)), not_(at_most(value)))
    elif op == "gte":
        expr = at_least(value)
    elif op == "gt":
        expr = at_least(value + 1)
    elif op == "lte":
        expr = at_most(value)
    elif op == "lt":
        expr = at_most(value - 1) if value > 0 else false()
    elif op == "between":
        expr = and_(at_least(value[0]), at_most(value[1]))
    else:  # pragma: no cover
        raise InvalidInput(f"age: unknown operator {op}", vi=f"Tuổi: phép so sánh {op} không hợp lệ")
    return _nn(ctx, bd, expr)


def _md_month(m: int) -> ColumnElement:
    return and_(c.c.birth_md >= m * 100 + 1, c.c.birth_md <= m * 100 + 31)


def _folded(names: list[str]) -> list[str]:
    """Tag / tag-group names as their ``name_folded`` column holds them (case- and accent-insensitive)."""
    from loyalty_desktop.vn.text import fold

    return sorted({fold(n) for n in names})


def _named(names: list[str]) -> ColumnElement:
    """The tags with these names (case- and accent-insensitive), as a predicate over ``tag``."""
    return t.c.name_folded.in_(_folded(names))


def _in_groups(names: list[str]) -> ColumnElement:
    """The tags of the tag groups with these names, as a predicate over ``tag``."""
    return t.c.group_id.in_(select(tg.c.id).where(tg.c.name_folded.in_(_folded(names))))


def _cond_names(cond: Condition) -> list[str]:
    """The names a tag / tag_group condition lists ("has" takes one)."""
    return [cond.value] if cond.op == "has" else list(cond.value)


def _tag_ids(names: list[str]):
    return select(t.c.id).where(_named(names))


def _tagged(tag_ids_select, ctx: CompileContext) -> ColumnElement:
    if ctx.probe_tags:
        x = ct.alias()
        return select(x.c.customer_id).where(x.c.customer_id == ctx.id_col, x.c.tag_id.in_(tag_ids_select)).exists()
    return ctx.id_col.in_(select(ct.c.customer_id).where(ct.c.tag_id.in_(tag_ids_select)))


def _tag_cond(cond: Condition, ctx: CompileContext) -> ColumnElement:
    if cond.field == "tag":
        if cond.op == "has":
            return _tagged(_tag_ids([cond.value]), ctx)
        if cond.op == "has_any":
            return _tagged(_tag_ids(cond.value), ctx)
        if cond.op == "has_all":
            return and_(*[_tagged(_tag_ids([n]), ctx) for n in dict.fromkeys(cond.value)])
        return not_(_tagged(_tag_ids(cond.value), ctx))
    expr = _tagged(select(t.c.id).where(_in_groups(_cond_names(cond))), ctx)
    return not_(expr) if cond.op == "has_none" else expr


def _since(ctx: CompileContext, days: int) -> date:
    """First day counted by "within the last N days" (the rollups' ``last_day`` is a date)."""
    return ctx.today - timedelta(days=days)


def _bought(cond: Condition, ctx: CompileContext) -> ColumnElement:
    if ctx.bought_rollup:
        table, col = BOUGHT[cond.field]
        sub = select(table.c.customer_id).where(col.in_(list(cond.value)))
        if cond.window_days is not None:
            sub = sub.where(table.c.last_day >= _since(ctx, cond.window_days))
    else:
        col = p.c.category if cond.field == "category" else p.c.channel
        sub = select(p.c.customer_id).where(col.in_(list(cond.value)), *_counted_purchases(cond.window_days, ctx))
    expr = ctx.id_col.in_(sub)
    return expr if cond.op == "bought" else not_(expr)


def _segment_cond(cond: Condition, ctx: CompileContext) -> ColumnElement:
    from loyalty_desktop.vn.text import fold

    if ctx.resolve_segment is None:
        raise InvalidInput("segment: saved segments need a database to be resolved",
                           vi="Phân khúc: cần có cơ sở dữ liệu để dùng phân khúc đã lưu")
    parts = []
    flip = cond.op == "not_in"  # the referenced rules end up under a NOT
    if flip:
        ctx.negated = not ctx.negated
    try:
        _segment_parts(cond, ctx, parts)
    finally:
        if flip:
            ctx.negated = not ctx.negated
    expr = or_(*parts) if len(parts) > 1 else parts[0]
    return expr if cond.op == "in" else not_(expr)


def _segment_parts(cond: Condition, ctx: CompileContext, parts: list) -> None:
    from loyalty_desktop.vn.text import fold

    for name in cond.value:
        key = fold(name)
        if key in ctx.stack:
            chain = " → ".join(ctx.stack + [key])
            raise InvalidInput(f"segment: \"{name}\" refers back to itself ({chain})",
                               vi=f"Phân khúc: “{name}” tham chiếu ngược lại chính nó ({chain})")
        ref = ctx.resolve_segment(name)
        if ref is None:
            raise InvalidInput(f"segment: unknown saved segment \"{name}\"",
                               vi=f"Phân khúc: không có phân khúc đã lưu nào tên “{name}”")
        if ref.frozen:
            parts.append(ctx.id_col.in_(select(sm.c.customer_id).where(sm.c.segment_id == ref.id)))
        else:
            ctx.stack.append(key)
            try:
                parts.append(compile_where(ref.rule, ctx))
            finally:
                ctx.stack.pop()


def _condition(cond: Condition, ctx: CompileContext) -> ColumnElement:
    f, op, v = cond.field, cond.op, cond.value
    if f in CUSTOMER_FIELDS:
        ctx.uses_customer = True
    if f == "gender":
        return _nn(ctx, c.c.gender, _cmp(c.c.gender, op, v))
    if f == "phone_type":
        return _nn(ctx, c.c.phone_type, _cmp(c.c.phone_type, op, v))
    if f == "region":
        return _nn(ctx, c.c.region, _cmp(c.c.region, op, v))
    if f == "tier":
        return _nn(ctx, c.c.tier, _cmp(c.c.tier, op, v))
    if f == "age":
        return _age(op, v, ctx)
    if f == "birth_month":
        months = [v] if op == "eq" else v
        return _nn(ctx, c.c.birth_md, or_(*[_md_month(m) for m in months]))
    if f == "birthday":
        if op == "this_month":
            return _nn(ctx, c.c.birth_md, _md_month(ctx.today.month))
        ranges = birthday_ranges(ctx.today, v["days"])
        return _nn(ctx, c.c.birth_md, or_(*[and_(c.c.birth_md >= lo, c.c.birth_md <= hi) for lo, hi in ranges]))
    if f == "name":
        from loyalty_desktop.vn.text import fold

        needle = fold(v)
        col = c.c.name_folded
        if op == "contains":
            # instr: an exact substring test on the folded (lower-case) text, ~30% cheaper than LIKE '%…%'
            expr = func.instr(col, needle) > 0
        elif ord(needle[-1]) < 0x10FFFF:
            # "starts with" as a range of the (name_folded, id) index: needle <= name < needle with its
            # last character incremented (binary collation: code point order)
            expr = and_(col >= needle, col < needle[:-1] + chr(ord(needle[-1]) + 1))
        else:
            expr = col.startswith(needle, autoescape=True)
        return _nn(ctx, col, expr)
    if f == "province":
        from loyalty_desktop.vn.provinces import resolve_province_strict

        names = sorted({resolve_province_strict(n) for n in v})
        expr = c.c.province.in_(names)
        return _nn(ctx, c.c.province, expr if op == "in" else not_(expr))
    if f == "created_at":
        return _date_cond(type_coerce(c.c.created_at, DateTime()), op, v, ctx)
    if f in ("last_purchase_at", "first_purchase_at"):
        ctx.uses_stats = True
        return _date_cond(s.c[f], op, v, ctx)
    if f in ("total_spent", "order_count", "avg_order_value"):
        return _behaviour(cond, ctx)
    if f in ("category", "channel"):
        return _bought(cond, ctx)
    if f in ("rfm_r", "rfm_f", "rfm_m"):
        ctx.uses_stats = True
        return _nn(ctx, s.c[f], _cmp(s.c[f], op, v))
    if f == "points":
        return _nn(ctx, c.c.points, _cmp(c.c.points, op, v))
    if f == "sms_opt_out":
        # NOT NULL column: a plain equality, which the (sms_opt_out, birth_md) index serves as a range
        # ("IS NOT 1" made SQLite skip-scan both values).
        return c.c.sms_opt_out == (true() if v else false())
    if f in ("tag", "tag_group"):
        return _tag_cond(cond, ctx)
    if f == "segment":
        return _segment_cond(cond, ctx)
    raise InvalidInput(f"{f}: field not supported by the compiler",  # pragma: no cover
                       vi=f"{f}: trường này chưa được hỗ trợ khi lọc")


def _lapsed_pairs(items: list) -> list[tuple[Condition, Condition]]:
    """(bought, not_bought) pairs of one AND group on the same categories (or channels): "bought X [in the
    last M days] and not bought X in the last N days" (M > N, or M absent)."""
    conds = [n for n in items if isinstance(n, Condition) and n.field in ("category", "channel")]
    pairs, used = [], set()
    for lapsed in conds:
        if lapsed.op != "not_bought" or lapsed.window_days is None or id(lapsed) in used:
            continue
        for bought in conds:
            m = bought.window_days
            if (bought.op == "bought" and id(bought) not in used and bought.field == lapsed.field
                    and set(bought.value) == set(lapsed.value) and (m is None or m > lapsed.window_days)):
                pairs.append((bought, lapsed))
                used |= {id(bought), id(lapsed)}
                break
    return pairs


def _lapsed(bought: Condition, lapsed: Condition, ctx: CompileContext) -> ColumnElement:
    """Bought X (in the last M days) but not in the last N days, as one grouped pass over X's purchases:
    the last counted purchase of X (within M days) is before the N-day window. Two IN-lists read the
    category's index twice and build two id sets (~1.5× slower at 10M purchases)."""
    if ctx.bought_rollup:
        return ctx.id_col.in_(_lapsed_from_rollup(bought, lapsed, ctx))
    col = p.c.category if bought.field == "category" else p.c.channel
    sub = (
        select(p.c.customer_id)
        .where(col.in_(list(bought.value)), *_counted_purchases(bought.window_days, ctx))
        .group_by(p.c.customer_id)
        .having(func.max(p.c.purchased_at) < window_start(ctx.today, lapsed.window_days))
    )
    return ctx.id_col.in_(sub)


def _lapsed_from_rollup(bought: Condition, lapsed: Condition, ctx: CompileContext) -> Select:
    """The same from the last-purchase days: one range of the (category, last_day) index per value; for
    several values the latest day over them is what must fall before the N-day window."""
    table, col = BOUGHT[bought.field]
    values = sorted(set(bought.value))
    before = _since(ctx, lapsed.window_days)
    if len(values) == 1:
        return select(table.c.customer_id).where(_bought_rows(table, bought, lapsed, ctx))
    last = func.max(table.c.last_day)
    having = [last < before] + ([last >= _since(ctx, bought.window_days)] if bought.window_days is not None else [])
    return select(table.c.customer_id).where(col.in_(values)).group_by(table.c.customer_id).having(and_(*having))


def _bought_rows(table, bought: Condition, lapsed: Condition | None, ctx: CompileContext) -> ColumnElement:
    """Rows of a "bought X" rollup (or an alias of it) for ONE value X — one row per customer: bought X
    [in the last M days] [and not in the last N days]."""
    conds = [table.c[bought.field] == sorted(set(bought.value))[0]]
    if bought.window_days is not None:
        conds.append(table.c.last_day >= _since(ctx, bought.window_days))
    if lapsed is not None:
        conds.append(table.c.last_day < _since(ctx, lapsed.window_days))
    return and_(*conds)


def _is_single_bought(n) -> bool:
    return isinstance(n, Condition) and n.field in BOUGHT and n.op == "bought" and len(set(n.value)) == 1


def _bought_driver(node: Node):
    """(bought, lapsed or None, the rest of the rule) when the rule is — or is an AND group holding —
    "bought X [in the last M days]" for one value X, maybe paired with "not bought X in the last N days".
    X's rollup rows are one per customer, so they can drive the rule like a tag's rows."""
    if _is_single_bought(node):
        return node, None, All(all=[])
    if isinstance(node, All):
        for bought, lapsed in _lapsed_pairs(node.all):
            if _is_single_bought(bought):
                return bought, lapsed, All(all=[n for n in node.all if n is not bought and n is not lapsed])
        for child in node.all:
            if _is_single_bought(child):
                return child, None, All(all=[n for n in node.all if n is not child])
    return None


def compile_where(node: Node, ctx: CompileContext) -> ColumnElement:
    """Boolean expression over ``customer`` (and ``customer_stats`` when ``ctx.uses_stats``)."""
    if isinstance(node, All):
        if not node.all:
            return true()
        pairs = _lapsed_pairs(node.all)
        paired = {id(n): (b, l) for b, l in pairs for n in (b, l)}
        parts, done = [], set()
        for n in node.all:
            if id(n) not in paired:
                parts.append(compile_where(n, ctx))
            elif id(paired[id(n)][0]) not in done:
                bought, lapsed = paired[id(n)]
                done.add(id(bought))
                parts.append(_lapsed(bought, lapsed, ctx))
        return parts[0] if len(parts) == 1 else and_(*parts)
    if isinstance(node, AnyOf):
        if not node.any:
            return false()
        parts = [compile_where(n, ctx) for n in node.any]
        return parts[0] if len(parts) == 1 else or_(*parts)
    if isinstance(node, Not):
        ctx.negated = not ctx.negated
        try:
            return not_(compile_where(node.not_, ctx))
        finally:
            ctx.negated = not ctx.negated
    return _condition(node, ctx)


@dataclass
class Compiled:
    """A compiled rule. ``where`` is always a predicate over ``customer`` (joined with ``customer_stats``
    when ``uses_stats``): callers may add it to their own ``SELECT … FROM customer`` queries.
    ``from_clause`` / ``source_where`` / ``id_col`` are the fastest form for this rule's own ids, count
    and pages: customer [JOIN customer_stats], customer_stats alone, a customer_tag driver ("drv") or
    a compound of tag sets ("tagset")."""

    where: ColumnElement
    from_clause: object
    uses_stats: bool
    id_col: object  # customer.id, customer_stats.customer_id, drv.customer_id or tagset.customer_id
    source_where: ColumnElement | None = None  # predicate over from_clause (None: the same as where)
    count_stmt: Select | None = None  # a cheaper count than counting the ids (pure-tag rules: tag masks)

    def __post_init__(self) -> None:
        if self.source_where is None:
            self.source_where = self.where

    @classmethod
    def driven(cls, source_where: ColumnElement, from_clause, id_col) -> "Compiled":
        """A form read from another table than customer; ``where`` becomes ``customer.id IN (…)``."""
        ids = select(id_col).select_from(from_clause).where(source_where)
        return cls(where=c.c.id.in_(ids), from_clause=from_clause, uses_stats=False, id_col=id_col,
                   source_where=source_where)

    def ids_select(self) -> Select:
        return select(self.id_col.label("id")).select_from(self.from_clause).where(self.source_where)

    def count_select(self) -> Select:
        if self.count_stmt is not None:
            return self.count_stmt
        return select(func.count()).select_from(self.from_clause).where(self.source_where)


def _is_has(n) -> bool:
    return isinstance(n, Condition) and n.field == "tag" and n.op == "has"


def _tag_driver(node: Node, prefer: Condition | None = None):
    """(the top-level positive "tag has X" condition — ``prefer`` if given —, the rest of the rule) or None."""
    if _is_has(node):
        return node, All(all=[])
    if isinstance(node, All):
        for i, child in enumerate(node.all):
            if _is_has(child) and (prefer is None or child is prefer):
                return child, All(all=node.all[:i] + node.all[i + 1:])
    return None


# ----------------------------------------------------------------------------------------------------
# Pure-tag rules (every leaf a tag / tag_group condition) as set algebra over customer_tag.
#
# Each tag's entries are one range of ix_customer_tag_tag (tag_id, customer_id), already sorted by
# customer id, so SQLite combines them with a streaming merge (``MERGE (EXCEPT)`` in the plan: compound
# SELECT + ORDER BY) instead of probing the other tags once per driver row: "Zalo AND (Facebook OR NOT
# Quan tâm khuyến mãi)" = Zalo EXCEPT (KM AND NOT Facebook) reads Zalo once and probes Facebook only
# for KM's entries (0.55× the CPU of the per-row probes at 1M customers). A compound has one operator
# (SQLite allows no parenthesised compounds), so nested operands become one tag's rows filtered by
# EXISTS probes on the primary key (customer_id, tag_id), or a sorted subquery.
# When a top-level "has tag X" is a small tag, driving from its rows and probing (the "drv" form) is
# cheaper than merging long lists; ``tag_size`` (a bounded count, from the runner) decides.

SMALL_TAG_SET = 50_000  # customers; below this a top-level "has tag X" drives the rule (probes)


# Counting a pure-tag rule from the tag combinations (``loyalty_desktop.tag_masks``): the rule as a
# predicate over a mask (bit = tag id), summed over ``tag_mask_count``; customers with no tagged bit
# (mask 0, no row) count when the rule holds for 0. Tag names are resolved inside the SQL, as elsewhere.

def _bits(which_tags) -> ColumnElement:
    """The mask bits of the tags matching ``which_tags`` (a predicate over ``tag``); 0 when none."""
    one = literal(1, BigInteger)
    return func.coalesce(
        select(func.sum(one.op("<<", return_type=BigInteger)(t.c.id))).where(which_tags).scalar_subquery(), 0)


def _has_bits(mask, which_tags) -> ColumnElement:
    return mask.op("&", return_type=BigInteger)(_bits(which_tags)) != 0


def _mask_pred(node: Node, mask) -> ColumnElement:
    if isinstance(node, All):
        return and_(*[_mask_pred(n, mask) for n in node.all])
    if isinstance(node, AnyOf):
        return or_(*[_mask_pred(n, mask) for n in node.any])
    if isinstance(node, Not):
        return not_(_mask_pred(node.not_, mask))
    names = _cond_names(node)
    if node.field == "tag":
        if node.op == "has_all":
            return and_(*[_has_bits(mask, _named([n])) for n in dict.fromkeys(names)])
        expr = _has_bits(mask, _named(names))
    else:
        expr = _has_bits(mask, _in_groups(names))
    return not_(expr) if node.op == "has_none" else expr


def _mask_count(node: Node) -> ColumnElement:
    tm = TagMaskCount.__table__
    matched = select(func.coalesce(func.sum(tm.c.customers), 0)).where(_mask_pred(node, tm.c.mask)).scalar_subquery()
    if not _holds_without_tags(node):
        return matched
    masked = select(func.coalesce(func.sum(tm.c.customers), 0)).scalar_subquery()
    return matched + select(func.count()).select_from(c).scalar_subquery() - masked


def _holds_without_tags(node: Node) -> bool:
    """The rule's value for a customer with no tag at all (mask 0): every "has …" is false, "has none of"
    true, whatever the names resolve to."""
    if isinstance(node, All):
        return all(_holds_without_tags(n) for n in node.all)
    if isinstance(node, AnyOf):
        return any(_holds_without_tags(n) for n in node.any)
    if isinstance(node, Not):
        return not _holds_without_tags(node.not_)
    return node.op == "has_none"


@dataclass
class _Atom:
    """Customers having any tag of ``tag_ids`` (selects of tag ids, or a scalar subquery for one tag)."""

    tag_ids: list
    single: object = None  # scalar tag-id subquery when the atom is exactly one tag name

    def pred(self, col_tag_id) -> ColumnElement:
        if self.single is not None and len(self.tag_ids) == 1:
            return col_tag_id == self.single  # an equality: the index range comes out in customer order
        return or_(*[col_tag_id.in_(s) for s in self.tag_ids])


@dataclass
class _SetOp:
    op: str  # "intersect" | "except" | "union" (except: items[0] minus every other item)
    items: list


def _one_tag(name: str) -> _Atom:
    from loyalty_desktop.vn.text import fold

    ids = _tag_ids([name])
    return _Atom([ids], single=select(t.c.id).where(t.c.name_folded == fold(name)).scalar_subquery())


def is_pure_tag(node: Node) -> bool:
    """Every leaf is a tag or tag_group condition (and no group is empty)."""
    if isinstance(node, All):
        return bool(node.all) and all(is_pure_tag(n) for n in node.all)
    if isinstance(node, AnyOf):
        return bool(node.any) and all(is_pure_tag(n) for n in node.any)
    if isinstance(node, Not):
        return is_pure_tag(node.not_)
    return isinstance(node, Condition) and node.field in ("tag", "tag_group")


def _leaf_set(cond: Condition) -> tuple[bool, object]:
    if cond.field == "tag":
        if cond.op == "has":
            return True, _one_tag(cond.value)
        items = [_one_tag(n) for n in dict.fromkeys(cond.value)]
        if cond.op == "has_all":
            return True, items[0] if len(items) == 1 else _SetOp("intersect", items)
        return cond.op != "has_none", _union_of(items)  # has_any / has_none
    return cond.op != "has_none", _Atom([select(t.c.id).where(_in_groups(_cond_names(cond)))])


def _flat(op: str, items: list) -> list:
    out = []
    for it in items:
        if isinstance(it, _SetOp) and it.op == op and op != "except":
            out.extend(it.items)
        else:
            out.append(it)
    return out


def _union_of(items: list):
    items = _flat("union", items)
    return items[0] if len(items) == 1 else _SetOp("union", items)


def _conj(parts: list[tuple[bool, object]]) -> tuple[bool, object]:
    """AND of (positive, set) parts; a non-positive part stands for the complement of its set."""
    sets = [s for pos, s in parts if pos]
    cosets = [s for pos, s in parts if not pos]
    if not sets:  # NOT a AND NOT b = NOT (a OR b)
        return False, _union_of(cosets)
    base = sets[0] if len(sets) == 1 else _SetOp("intersect", _flat("intersect", sets))
    if not cosets:
        return True, base
    if isinstance(base, _SetOp) and base.op == "except":
        return True, _SetOp("except", base.items + cosets)
    return True, _SetOp("except", [base] + cosets)


def tag_sets(node: Node) -> tuple[bool, object]:
    """(positive, set expression) for a pure-tag rule: positive=False means the complement."""
    if isinstance(node, Condition):
        return _leaf_set(node)
    if isinstance(node, Not):
        pos, s_ = tag_sets(node.not_)
        return not pos, s_
    if isinstance(node, All):
        return _conj([tag_sets(n) for n in node.all])
    # a OR b = NOT (NOT a AND NOT b)
    pos, s_ = _conj([(not p_, s2) for p_, s2 in (tag_sets(n) for n in node.any)])
    return not pos, s_


def _operand(item) -> Select:
    """A plain SELECT customer_id (one operand of a compound) for a set expression."""
    a = ct.alias()
    if isinstance(item, _Atom):
        return select(a.c.customer_id).where(item.pred(a.c.tag_id))
    if item.op == "union" and all(isinstance(i, _Atom) for i in item.items):  # one read of several tags
        return select(a.c.customer_id).where(or_(*[i.pred(a.c.tag_id) for i in item.items]))
    if item.op in ("intersect", "except") and all(isinstance(i, _Atom) for i in item.items):
        conds = [item.items[0].pred(a.c.tag_id)]
        for other in item.items[1:]:
            x = ct.alias()
            # SELECT customer_id, not *: the probe reads only the (covering) primary-key index
            probe = select(x.c.customer_id).where(x.c.customer_id == a.c.customer_id, other.pred(x.c.tag_id)).exists()
            conds.append(probe if item.op == "intersect" else not_(probe))
        return select(a.c.customer_id).where(*conds)
    sub = _compound(item).subquery()
    return select(sub.c.customer_id)


def _compound(item: _SetOp):
    fn = {"intersect": intersect, "except": except_, "union": union}[item.op]
    comp = fn(*[_operand(i) for i in item.items])
    return comp.order_by(comp.selected_columns.customer_id)  # ORDER BY: SQLite merges the sorted lists


def _tag_set_compiled(node: Node) -> "Compiled | None":
    """The set-algebra form of a pure-tag rule, or None when another form is better."""
    if not is_pure_tag(node):
        return None
    pos, expr = tag_sets(node)
    if not pos or (isinstance(expr, _Atom) and expr.single is not None):
        return None  # a complement (scan customers) or one tag's list (the drv form reads it as well)
    if isinstance(expr, _Atom):  # the tags of tag groups: one read, made distinct
        a = ct.alias()
        sub = select(a.c.customer_id).where(expr.pred(a.c.tag_id)).distinct().subquery("tagset")
    else:
        sub = _compound(expr).subquery("tagset")
    return Compiled.driven(true(), sub, sub.c.customer_id)


def _small_driver(node: Node, tag_size: Callable[[object], int] | None) -> Condition | None:
    """A top-level "has tag X" with fewer than SMALL_TAG_SET customers (the smallest), if any."""
    if tag_size is None:
        return None
    tops = [node] if _is_has(node) else [n for n in node.all if _is_has(n)] if isinstance(node, All) else []
    best = None
    for cond in tops:
        n = tag_size(select(ct.c.customer_id).where(_one_tag(cond.value).pred(ct.c.tag_id)))
        if n < SMALL_TAG_SET and (best is None or n < best[0]):
            best = (n, cond)
    return best[1] if best else None


def compile_parts(node, today: date | None = None, *, windows_current: bool = False,
                  resolve_segment: Callable[[str], SegmentRef | None] | None = None,
                  tag_size: Callable[[object], int] | None = None,
                  tag_set_algebra: bool = True, bought_rollup: bool = False, tag_masks: bool = False) -> Compiled:
    """Where-clause and FROM for the rule (:func:`_compile_forms`). ``tag_masks``: the database keeps
    ``tag_masks`` usable for every tag, so a pure-tag rule's count is read from the tag combinations."""
    node = parse_rule(node)
    compiled = _compile_forms(node, today, windows_current=windows_current, resolve_segment=resolve_segment,
                              tag_size=tag_size, tag_set_algebra=tag_set_algebra, bought_rollup=bought_rollup)
    if tag_masks and is_pure_tag(node):
        # from the masks when every tag has a bit (decided inside the SQL, so a new tag is seen at once);
        # otherwise the form's own count (SQLite runs only the CASE branch taken)
        every_tag_has_a_bit = func.coalesce(select(func.max(t.c.id)).scalar_subquery(), 0) <= MAX_TAG_ID
        compiled.count_stmt = select(case((every_tag_has_a_bit, _mask_count(node)),
                                          else_=compiled.count_select().scalar_subquery()))
    return compiled


def _compile_forms(node: Node, today: date | None, *, windows_current: bool,
                   resolve_segment: Callable[[str], SegmentRef | None] | None,
                   tag_size: Callable[[object], int] | None, tag_set_algebra: bool,
                   bought_rollup: bool) -> Compiled:
    """Where-clause and FROM for the rule. A rule that reads only customer_stats (and ids) runs on
    customer_stats alone (one row per customer, so the same ids), saving a join on 1M rows.

    ``tag_size(select_of_customer_ids) -> int`` (optional, a count capped at SMALL_TAG_SET) lets a small
    top-level tag drive a pure-tag rule instead of the set algebra; ``tag_set_algebra=False`` turns that
    form off (tests compare both forms)."""
    kw = dict(today=today or date.today(), windows_current=windows_current, resolve_segment=resolve_segment,
              bought_rollup=bought_rollup)
    ctx = CompileContext(**kw)
    where = compile_where(node, ctx)
    if not ctx.uses_stats and not ctx.uses_customer:
        small = _small_driver(node, tag_size) if tag_set_algebra and is_pure_tag(node) else None
        if tag_set_algebra and small is None:
            compiled = _tag_set_compiled(node)
            if compiled is not None:
                return compiled
        driver = _tag_driver(node, prefer=small)
        if driver is not None:
            # Rules made only of id tests (tags, purchases, segments) with a top-level "has tag X": read
            # that tag's customer_tag entries instead of looking up every member in the customer table.
            tag_cond, rest = driver
            drv = ct.alias("drv")
            ctx = CompileContext(**kw, id_col=drv.c.customer_id, probe_tags=True)
            where = and_(drv.c.tag_id.in_(_tag_ids([tag_cond.value])), compile_where(rest, ctx))
            return Compiled.driven(where, drv, drv.c.customer_id)
        driver = _bought_driver(node) if bought_rollup else None
        if driver is not None:
            # The same with a top-level "bought X [in M days] [but not in N days]": one range of X's
            # (category, last_day) index instead of an id list probed against 1M customer rows (4–15×).
            bought, lapsed, rest = driver
            drv = BOUGHT[bought.field][0].alias("drv")
            ctx = CompileContext(**kw, id_col=drv.c.customer_id, probe_tags=True)
            where = and_(_bought_rows(drv, bought, lapsed, ctx), compile_where(rest, ctx))
            return Compiled.driven(where, drv, drv.c.customer_id)
    if ctx.uses_stats and not ctx.uses_customer:
        ctx = CompileContext(**kw, id_col=s.c.customer_id)
        where = compile_where(node, ctx)
        return Compiled(where=where, from_clause=s, uses_stats=True, id_col=s.c.customer_id)
    from_clause = c.join(s, s.c.customer_id == c.c.id) if ctx.uses_stats else c
    return Compiled(where=where, from_clause=from_clause, uses_stats=ctx.uses_stats, id_col=c.c.id)


def compile_rule(node, today: date | None = None, *, windows_current: bool = False,
                 resolve_segment: Callable[[str], SegmentRef | None] | None = None) -> Select:
    """``SELECT id FROM customer [JOIN customer_stats] WHERE …`` (one column ``id``) for the rule."""
    return compile_parts(node, today, windows_current=windows_current, resolve_segment=resolve_segment).ids_select()


def compile_count(node, today: date | None = None, **kw) -> Select:
    return compile_parts(node, today, **kw).count_select()


__all__ = ["compile_rule", "compile_count", "compile_parts", "compile_where", "CompileContext", "SegmentRef",
           "years_back", "window_start", "birthday_ranges", "numeric_pred", "literal"]
