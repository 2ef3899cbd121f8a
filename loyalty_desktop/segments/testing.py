"""Small random shops for tests of the segment engine (and random rules over them).

``fill_random_shop(conn, rng, today)`` wipes customers/purchases/tags/segments and writes a small
random shop through Core (then refreshes stats and RFM). ``random_rule(rng, today)`` draws a random
rule tree touching every field and operator, with values near the data's boundaries.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, bindparam, delete, insert, select

from loyalty_desktop.models import (
    Customer,
    CustomerStats,
    CustomerTag,
    Purchase,
    Segment,
    SegmentMember,
    Tag,
    TagGroup,
)
from loyalty_desktop.segments.catalog import FIELDS

c, p, s = Customer.__table__, Purchase.__table__, CustomerStats.__table__
ct, t, tg = CustomerTag.__table__, Tag.__table__, TagGroup.__table__
sg, sm = Segment.__table__, SegmentMember.__table__

NAMES = ["Nguyễn Thị Lan", "Trần Văn Đức", "Lê Hoàng Anh", "Phạm Minh Châu", "Đặng Thu Hà", "Võ Quốc Bảo",
         "Bùi Ngọc Ánh", "Hồ Thị Đào", "nguyen van an", "Ngô Thanh Tùng", "Dương Mỹ Linh", "Lý Gia Hân"]
PROVINCES = ["Hà Nội", "Hồ Chí Minh", "Đà Nẵng", "Khánh Hòa", "Cần Thơ", "Hải Phòng", None]
PROVINCE_VALUES = ["Hà Nội", "TP.HCM", "Hồ Chí Minh", "Sài Gòn", "Bình Dương", "Đà Nẵng", "Quảng Nam",
                   "Khánh Hoà", "Cần Thơ", "Hải Phòng", "HN"]
REGIONS = {"Hà Nội": "north", "Hải Phòng": "north", "Hồ Chí Minh": "south", "Cần Thơ": "south",
           "Đà Nẵng": "central", "Khánh Hòa": "central"}
CATEGORIES = ["Mỹ phẩm", "Thời trang", "Giày dép", None]
CHANNELS = ["Cửa hàng", "Online", None]
TAGS = [("Bạc", "Hạng thẻ"), ("Vàng", "Hạng thẻ"), ("Khách sỉ", None), ("Đã nhắn", "Chăm sóc")]
TIERS = ["Bạc", "Vàng", "Kim cương"]
SEGMENTS = ["Phụ nữ", "Đông lạnh", "Lồng nhau"]
WINDOWS = [7, 30, 45, 90, 180, 365]


def _dt(d: date, rng: random.Random) -> datetime:
    return datetime(d.year, d.month, d.day, rng.choice([0, 9, 13, 23]), rng.choice([0, 30, 59]),
                    rng.choice([0, 59]))


def _random_birth(rng: random.Random, today: date) -> date | None:
    r = rng.random()
    if r < 0.2:
        return None
    if r < 0.3:
        return date(rng.choice([1996, 2000, 2004, 1988]), 2, 29)
    if r < 0.55:  # birthday near today, age near a round number
        years = rng.choice([17, 18, 25, 26, 30, 45, 46, 60])
        d = today + timedelta(days=rng.randint(-3, 3))
        try:
            return date(d.year - years, d.month, d.day)
        except ValueError:
            return date(d.year - years, 2, 28)
    return date(rng.randint(1940, 2020), rng.randint(1, 12), rng.randint(1, 28))


def fill_random_shop(conn, rng: random.Random, today: date, n_customers: int | None = None,
                     stats_today: date | None = None) -> list[int]:
    """Replace the shop's data with a small random one; returns customer ids."""
    from loyalty_desktop import stats
    from loyalty_desktop.vn.text import fold

    for table in (sm, sg, ct, t, tg, p, s, c):
        conn.execute(delete(table))
    n = n_customers if n_customers is not None else rng.randint(0, 25)
    rows = []
    for i in range(n):
        name = rng.choice(NAMES)
        born = _random_birth(rng, today)
        prov = rng.choice(PROVINCES)
        created = _dt(today - timedelta(days=rng.choice([0, 1, 29, 30, 31, 90, 400, rng.randint(0, 800)])), rng)
        rows.append({
            "id": i + 1, "full_name": name, "name_folded": fold(name), "phone": f"+849{10000000 + i:08d}",
            "phone_type": rng.choice(["mobile", "mobile", "fixed"]), "gender": rng.choice(["male", "female", "unknown"]),
            "birth_date": born, "birth_md": None if born is None else born.month * 100 + born.day,
            "province": prov, "region": REGIONS.get(prov) if prov else None,
            "points": rng.choice([0, 0, 10, 100, 500, rng.randint(0, 1000)]),
            "tier": rng.choice(TIERS + [None]), "sms_opt_out": rng.random() < 0.25,
            "v_created": created, "v_updated": created,
        })
    if rows:
        conn.execute(insert(c).values(created_at=bindparam("v_created", type_=DateTime()),
                                      updated_at=bindparam("v_updated", type_=DateTime())), rows)
    purchases = []
    inv = 0
    for i in range(1, n + 1):
        for _ in range(rng.choice([0, 0, 1, 2, 3, 5])):
            inv += 1
            day = today - timedelta(days=rng.choice([0, 1, 6, 7, 8, 29, 30, 31, 44, 45, 46, 89, 90, 91, 179, 180,
                                                     181, 364, 365, 366, 500, -1]))
            purchases.append({
                "customer_id": i, "source": "test", "invoice_code": f"HD{inv:05d}", "purchased_at": _dt(day, rng),
                "amount": rng.choice([0, 100_000, 250_000, 500_000, 1_000_000, 2_000_000, 5_000_000]),
                "discount": 0, "category": rng.choice(CATEGORIES), "channel": rng.choice(CHANNELS),
                "cancelled": rng.random() < 0.2,
            })
    if n and rng.random() < 0.5:  # a walk-in sale belongs to no customer
        purchases.append({"customer_id": None, "source": "test", "invoice_code": "WALKIN", "amount": 9_000_000,
                          "purchased_at": _dt(today, rng), "discount": 0, "category": "Mỹ phẩm", "channel": "Online",
                          "cancelled": False})
    if purchases:
        conn.execute(insert(p), purchases)
    # tags and groups
    group_ids: dict[str, int] = {}
    now = datetime(2026, 1, 1)
    for gname in sorted({g for _, g in TAGS if g}):
        group_ids[gname] = conn.execute(insert(tg).values(name=gname, name_folded=fold(gname))).inserted_primary_key[0]
    tag_ids = []
    for tname, gname in TAGS:
        tag_ids.append(conn.execute(insert(t).values(
            name=tname, name_folded=fold(tname), group_id=group_ids.get(gname),
            created_at=bindparam("x", value=now, type_=DateTime()))).inserted_primary_key[0])
    links = [{"customer_id": i, "tag_id": tid, "v_created": now} for i in range(1, n + 1) for tid in tag_ids
             if rng.random() < 0.3]
    if links:
        conn.execute(insert(ct).values(created_at=bindparam("v_created", type_=DateTime())), links)
    # saved segments: a dynamic one, a frozen one, one referring to the first
    from loyalty_desktop.segments.store import save_segment

    save_segment(conn, SEGMENTS[0], {"field": "gender", "op": "eq", "value": "female"})
    frozen_id = save_segment(conn, SEGMENTS[1], {"field": "points", "op": "gte", "value": 100})
    from sqlalchemy import update

    conn.execute(update(sg).where(sg.c.id == frozen_id).values(frozen=True))
    members = [{"segment_id": frozen_id, "customer_id": i} for i in range(1, n + 1) if rng.random() < 0.4]
    if members:
        conn.execute(insert(sm), members)
    save_segment(conn, SEGMENTS[2], {"any": [{"field": "segment", "op": "in", "value": [SEGMENTS[0]]},
                                             {"field": "age", "op": "lt", "value": 30}]})
    stats.ensure_stats_rows(conn, list(range(1, n + 1)), today=stats_today or today)
    stats.refresh_stats(conn, None, today=stats_today or today)
    stats.refresh_rfm(conn)
    return list(range(1, n + 1))


# ----------------------------------------------------------------------------------------------------


def _day_value(rng: random.Random, op: str) -> dict:
    days = [0, 1, 7, 29, 30, 31, 60, 90, 180, 365, 366]
    return {"days": rng.choice(days if op == "within_next" else days + [400])}


def _iso(today: date, rng: random.Random) -> str:
    return (today - timedelta(days=rng.choice([0, 1, 30, 31, 90, 365, 500]))).isoformat()


def random_condition(rng: random.Random, today: date, field: str | None = None) -> dict:
    field = field or rng.choice(sorted(FIELDS))
    spec = FIELDS[field]
    op = rng.choice(spec.ops)
    out: dict[str, Any] = {"field": field, "op": op}
    value: Any = None
    if op in ("is_empty", "never", "this_month"):
        value = None
    elif op in ("within_last", "more_than_ago", "within_next"):
        value = _day_value(rng, op)
    elif spec.type == "date":
        if op == "between":
            a, b = sorted([_iso(today, rng), _iso(today, rng)])
            value = [a, b]
        else:
            value = _iso(today, rng)
    elif field == "age":
        pick = lambda: rng.choice([0, 17, 18, 25, 26, 30, 45, 46, 60, 100])  # noqa: E731
        value = sorted([pick(), pick()]) if op == "between" else pick()
    elif field in ("total_spent", "avg_order_value"):
        pick = lambda: rng.choice([0, 100_000, 250_000, 500_000, 1_000_000, 2_000_000, 5_000_000, 7_000_000])  # noqa
        value = sorted([pick(), pick()]) if op == "between" else pick()
    elif field == "order_count":
        pick = lambda: rng.choice([0, 1, 2, 3, 5])  # noqa: E731
        value = sorted([pick(), pick()]) if op == "between" else pick()
    elif field == "points":
        pick = lambda: rng.choice([0, 10, 100, 500, 999])  # noqa: E731
        value = sorted([pick(), pick()]) if op == "between" else pick()
    elif field in ("rfm_r", "rfm_f", "rfm_m"):
        pick = lambda: rng.randint(1, 5)  # noqa: E731
        if op == "in":
            value = rng.sample(range(1, 6), rng.randint(1, 3))
        else:
            value = sorted([pick(), pick()]) if op == "between" else pick()
    elif field == "birth_month":
        months = [today.month, (today.month % 12) + 1, 2, 12]
        value = rng.choice(months) if op == "eq" else rng.sample(months, 2)
    elif field == "gender":
        g = ["male", "female", "unknown"]
        value = rng.sample(g, rng.randint(1, 2)) if op == "in" else rng.choice(g)
    elif field == "region":
        r = ["north", "central", "south"]
        value = rng.sample(r, rng.randint(1, 2)) if op == "in" else rng.choice(r)
    elif field == "phone_type":
        value = rng.choice(["mobile", "fixed"])
    elif field == "sms_opt_out":
        value = rng.random() < 0.5
    elif field == "tier":
        value = rng.sample(TIERS, 2) if op == "in" else rng.choice(TIERS)
    elif field == "province":
        value = rng.sample(PROVINCE_VALUES, rng.randint(1, 3))
    elif field == "name":
        value = rng.choice(["nguyen", "Nguyễn", "THỊ", "an", "đức", "Lê", "z", "100%", "_"])
    elif field == "category":
        value = rng.sample([x for x in CATEGORIES if x] + ["Không có"], rng.randint(1, 2))
    elif field == "channel":
        value = rng.sample([x for x in CHANNELS if x], rng.randint(1, 2))
    elif field == "tag":
        names = [n for n, _ in TAGS] + ["vang", "Không tồn tại"]
        value = rng.choice(names) if op == "has" else rng.sample(names, rng.randint(1, 3))
    elif field == "tag_group":
        names = ["Hạng thẻ", "Chăm sóc", "hang the", "Không có"]
        value = rng.choice(names) if op == "has" else rng.sample(names, rng.randint(1, 2))
    elif field == "segment":
        value = rng.sample(SEGMENTS, rng.randint(1, 2))
    if value is not None:
        out["value"] = value
    if spec.windowed and rng.random() < 0.6:
        out["window"] = {"days": rng.choice(WINDOWS)}
    return out


def random_rule(rng: random.Random, today: date, depth: int = 3) -> dict:
    r = rng.random()
    if depth <= 0 or r < 0.45:
        return random_condition(rng, today)
    if r < 0.6:
        return {"not": random_rule(rng, today, depth - 1)}
    kind = "all" if r < 0.8 else "any"
    return {kind: [random_rule(rng, today, depth - 1) for _ in range(rng.randint(0, 3))]}


def random_tag_rule(rng: random.Random, today: date, depth: int = 3) -> dict:
    """A random rule made only of tag / tag_group conditions (the set-algebra form of the compiler)."""
    r = rng.random()
    if depth <= 0 or r < 0.35:
        return random_condition(rng, today, field=rng.choice(["tag", "tag", "tag", "tag_group"]))
    if r < 0.5:
        return {"not": random_tag_rule(rng, today, depth - 1)}
    kind = "all" if r < 0.8 else "any"
    return {kind: [random_tag_rule(rng, today, depth - 1) for _ in range(rng.randint(1, 3))]}
