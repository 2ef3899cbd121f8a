"""Plain-Python evaluation of segment rules: the documented semantics, written the obvious way.

Used by the property tests (compiled SQL must agree with it on random rules and databases) and by
``explain`` (why is this customer in or out). It reads raw purchases, never customer_stats, except the
stored RFM scores (``rfm_r/f/m``), which are a ranking computed by ``stats.refresh_rfm``.

Semantics (see also compiler.py / docs/segments.md):
* a condition on a missing value is False (also ``ne``/``not_in``); ``not`` of it is True;
  ``is_empty``/``never`` test for the missing value;
* "within_last N days" ⇔ local date >= today − N; "more_than_ago N" ⇔ date < today − N;
* cancelled purchases never count; windows count only purchases within the last N days;
* age in full years today; born 29 Feb → birthday on 28 Feb in non-leap years.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import Any, Iterable

from sqlalchemy import DateTime, select, type_coerce
from sqlalchemy.engine import Connection

from loyalty_desktop.models import Customer, CustomerStats, CustomerTag, Purchase, Segment, SegmentMember, Tag, TagGroup
from loyalty_desktop.segments.rules import All, AnyOf, Condition, Node, Not, parse_rule

_CMP = {
    "eq": lambda a, b: a == b, "ne": lambda a, b: a != b, "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b, "gt": lambda a, b: a > b, "gte": lambda a, b: a >= b,
}


def _numeric(op: str, x, value) -> bool:
    if op == "between":
        return value[0] <= x <= value[1]
    if op == "in":
        return x in value
    return _CMP[op](x, value)


@dataclass
class SavedSegment:
    name: str
    frozen: bool
    rule: Node | None
    members: set[int] = field(default_factory=set)


@dataclass
class Dataset:
    customers: dict[int, dict]
    purchases: dict[int, list[dict]]  # customer id -> purchases (all, including cancelled)
    tags: dict[int, set[str]]  # customer id -> folded tag names
    tag_names: dict[int, list[str]]  # customer id -> tag names as shown
    groups: dict[int, set[str]]  # customer id -> folded tag group names
    rfm: dict[int, tuple]  # customer id -> (r, f, m)
    segments: dict[str, SavedSegment]  # folded name -> segment


def load_dataset(conn: Connection, customer_ids: Iterable[int] | None = None) -> Dataset:
    c, p, s = Customer.__table__, Purchase.__table__, CustomerStats.__table__
    ct, t, tg = CustomerTag.__table__, Tag.__table__, TagGroup.__table__
    sg, sm = Segment.__table__, SegmentMember.__table__
    ids = None if customer_ids is None else sorted(set(customer_ids))

    def only(q, col):
        return q if ids is None else q.where(col.in_(ids))

    cols = [col for col in c.c if col.name != "created_at"] + [type_coerce(c.c.created_at, DateTime()).label("created_at")]
    customers = {r.id: dict(r._mapping) for r in conn.execute(only(select(*cols), c.c.id))}
    purchases: dict[int, list[dict]] = {i: [] for i in customers}
    for r in conn.execute(only(select(p).where(p.c.customer_id.is_not(None)), p.c.customer_id)):
        purchases.setdefault(r.customer_id, []).append(dict(r._mapping))
    tags: dict[int, set[str]] = {i: set() for i in customers}
    tag_names: dict[int, list[str]] = {i: [] for i in customers}
    groups: dict[int, set[str]] = {i: set() for i in customers}
    q = select(ct.c.customer_id, t.c.name, t.c.name_folded, tg.c.name_folded.label("group_folded")).select_from(
        ct.join(t, t.c.id == ct.c.tag_id).outerjoin(tg, tg.c.id == t.c.group_id))
    for r in conn.execute(only(q, ct.c.customer_id)):
        tags.setdefault(r.customer_id, set()).add(r.name_folded)
        tag_names.setdefault(r.customer_id, []).append(r.name)
        if r.group_folded is not None:
            groups.setdefault(r.customer_id, set()).add(r.group_folded)
    rfm = {r.customer_id: (r.rfm_r, r.rfm_f, r.rfm_m)
           for r in conn.execute(only(select(s.c.customer_id, s.c.rfm_r, s.c.rfm_f, s.c.rfm_m), s.c.customer_id))}
    segments: dict[str, SavedSegment] = {}
    for r in conn.execute(select(sg.c.id, sg.c.name, sg.c.name_folded, sg.c.frozen, sg.c.rule_json)):
        members = set()
        if r.frozen:
            members = set(conn.execute(only(select(sm.c.customer_id).where(sm.c.segment_id == r.id), sm.c.customer_id)).scalars())
        segments[r.name_folded] = SavedSegment(
            name=r.name, frozen=bool(r.frozen), rule=None if r.frozen else parse_rule(r.rule_json), members=members)
    return Dataset(customers, purchases, tags, tag_names, groups, rfm, segments)


# ----------------------------------------------------------------------------------------------------


def full_years(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _day(value) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return datetime.fromisoformat(str(value)).date()


def _counted(ds: Dataset, cid: int, today: date, days: int | None) -> list[dict]:
    out = []
    for pr in ds.purchases.get(cid, ()):
        if pr["cancelled"]:
            continue
        if days is not None and _day(pr["purchased_at"]) < today - timedelta(days=days):
            continue
        out.append(pr)
    return out


def _date_test(d: date | None, op: str, value, today: date) -> bool:
    if op == "never":
        return d is None
    if d is None:
        return False
    if op == "before":
        return d < date.fromisoformat(value)
    if op == "after":
        return d > date.fromisoformat(value)
    if op == "between":
        return date.fromisoformat(value[0]) <= d <= date.fromisoformat(value[1])
    if op == "within_last":
        return d >= today - timedelta(days=value["days"])
    if op == "more_than_ago":
        return d < today - timedelta(days=value["days"])
    raise ValueError(op)


def _birthday_within(md: int, today: date, days: int) -> bool:
    for k in range(days + 1):
        d = today + timedelta(days=k)
        if d.month * 100 + d.day == md:
            return True
        if md == 229 and d.month == 2 and d.day == 28 and not calendar.isleap(d.year):
            return True
    return False


def actual_value(ds: Dataset, cid: int, cond: Condition, today: date) -> Any:
    """The customer's value for the condition's field (what ``explain`` shows)."""
    from loyalty_desktop.vn.text import fold

    cust = ds.customers[cid]
    f = cond.field
    if f == "age":
        return None if cust["birth_date"] is None else full_years(cust["birth_date"], today)
    if f == "birth_month":
        return None if cust["birth_md"] is None else cust["birth_md"] // 100
    if f == "birthday":
        md = cust["birth_md"]
        return None if md is None else f"{md % 100:02d}/{md // 100:02d}"
    if f == "name":
        return cust["full_name"]
    if f in ("gender", "province", "region", "tier", "points", "phone_type"):
        return cust[f]
    if f == "sms_opt_out":
        return bool(cust["sms_opt_out"])
    if f == "created_at":
        return _day(cust["created_at"])
    if f in ("last_purchase_at", "first_purchase_at"):
        days = [_day(pr["purchased_at"]) for pr in _counted(ds, cid, today, None)]
        if not days:
            return None
        return max(days) if f == "last_purchase_at" else min(days)
    if f in ("total_spent", "order_count", "avg_order_value"):
        bought = _counted(ds, cid, today, cond.window_days)
        total, n = sum(pr["amount"] for pr in bought), len(bought)
        if f == "total_spent":
            return total
        if f == "order_count":
            return n
        return None if n == 0 else Fraction(total, n)
    if f in ("category", "channel"):
        return sorted({pr[f] for pr in _counted(ds, cid, today, cond.window_days) if pr[f] is not None})
    if f in ("rfm_r", "rfm_f", "rfm_m"):
        return ds.rfm.get(cid, (None, None, None))[("rfm_r", "rfm_f", "rfm_m").index(f)]
    if f == "tag":
        return sorted(ds.tag_names.get(cid, []))
    if f == "tag_group":
        return sorted(ds.groups.get(cid, set()))
    if f == "segment":
        return sorted(ds.segments[fold(n)].name for n in cond.value
                      if fold(n) in ds.segments and in_segment(ds, cid, fold(n), today, ()))
    raise KeyError(f)


def in_segment(ds: Dataset, cid: int, key: str, today: date, stack: tuple) -> bool:
    seg = ds.segments[key]
    if seg.frozen:
        return cid in seg.members
    if key in stack:
        raise ValueError(f"cycle through segment {seg.name}")
    return evaluate(ds, seg.rule, cid, today, stack + (key,))


def evaluate_condition(ds: Dataset, cond: Condition, cid: int, today: date, stack: tuple = ()) -> bool:
    from loyalty_desktop.vn.text import fold

    cust = ds.customers[cid]
    f, op, v = cond.field, cond.op, cond.value
    if f == "segment":
        hit = any(in_segment(ds, cid, fold(n), today, stack) for n in v)
        return hit if op == "in" else not hit
    if f in ("tag", "tag_group"):
        have = ds.tags.get(cid, set()) if f == "tag" else ds.groups.get(cid, set())
        wanted = [fold(v)] if op == "has" else [fold(x) for x in v]
        if op in ("has", "has_any"):
            return any(w in have for w in wanted)
        if op == "has_all":
            return all(w in have for w in wanted)
        return not any(w in have for w in wanted)
    if f in ("category", "channel"):
        bought = set(actual_value(ds, cid, cond, today))
        hit = any(x in bought for x in v)
        return hit if op == "bought" else not hit
    if f == "birthday":
        md = cust["birth_md"]
        if md is None:
            return False
        if op == "this_month":
            return md // 100 == today.month
        return _birthday_within(md, today, v["days"])
    if f == "name":
        name = cust["name_folded"]
        if name is None:
            return False
        needle = fold(v)
        return needle in name if op == "contains" else name.startswith(needle)
    if f == "province":
        from loyalty_desktop.vn.provinces import resolve_province_strict

        prov = cust["province"]
        if prov is None:
            return False
        names = {resolve_province_strict(x) for x in v}
        return (prov in names) if op == "in" else (prov not in names)
    value = actual_value(ds, cid, cond, today)
    if f in ("created_at", "last_purchase_at", "first_purchase_at"):
        return _date_test(value, op, v, today)
    if op == "is_empty":
        return value is None
    if value is None:
        return False
    if f == "sms_opt_out":
        return value == v
    if f == "birth_month" and op == "eq":
        return value == v
    if op == "in":
        return value in v
    return _numeric(op, value, v)


def evaluate(ds: Dataset, node: Node, cid: int, today: date, stack: tuple = ()) -> bool:
    if isinstance(node, All):
        return all(evaluate(ds, n, cid, today, stack) for n in node.all)
    if isinstance(node, AnyOf):
        return any(evaluate(ds, n, cid, today, stack) for n in node.any)
    if isinstance(node, Not):
        return not evaluate(ds, node.not_, cid, today, stack)
    return evaluate_condition(ds, node, cid, today, stack)


def matching_ids(ds: Dataset, node, today: date) -> list[int]:
    node = parse_rule(node)
    return sorted(cid for cid in ds.customers if evaluate(ds, node, cid, today))
