"""Dashboard aggregates equal a plain-Python computation over the same generated rows."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import insert, select

from loyalty_desktop import stats
from loyalty_desktop.analytics import aggregates as A
from loyalty_desktop.models import Customer, CustomerStats, Purchase

TODAY = date(2026, 3, 15)
PROVINCES = {
    "Hà Nội": "north", "Hồ Chí Minh": "south", "Đà Nẵng": "central", "Hải Phòng": "north", "Cần Thơ": "south",
    "Huế": "central", "Khánh Hòa": "central", "Lâm Đồng": "central", "Đồng Nai": "south", "An Giang": "south",
    "Nghệ An": "central", "Thanh Hóa": "north", "Quảng Ninh": "north", "Bắc Ninh": "north", "Gia Lai": "central",
    "Đắk Lắk": "central", "Tây Ninh": "south", "Vĩnh Long": "south",
}
CATEGORIES = ["Mỹ phẩm", "Thời trang", "Giày dép", None]
CHANNELS = ["Cửa hàng", "Shopee", "Facebook", None]


def _start(d: date) -> datetime:
    return datetime.combine(d, time.min)


def make_data(db, n_customers=240, n_purchases=2600, seed=3):
    """Customers and purchases with the awkward cases: walk-ins, cancellations, no birth date, a birth date
    in the future, 29 February, unknown gender and province, purchases on month and window boundaries."""
    rnd = random.Random(seed)
    names = list(PROVINCES)
    customers, purchases = [], []
    for i in range(1, n_customers + 1):
        prov = rnd.choice(names + [None])
        birth = None
        if rnd.random() < 0.8:
            birth = TODAY - timedelta(days=rnd.randint(10 * 365, 75 * 365))
        if i == 1:
            birth = date(2000, 2, 29)
        if i == 2:
            birth = TODAY + timedelta(days=30)  # bad data: a future birth date
        if i == 3:
            birth = TODAY.replace(year=TODAY.year - 25)  # turns 25 today
        if i == 4:
            birth = TODAY.replace(year=TODAY.year - 25) + timedelta(days=1)  # still 24
        customers.append({
            "id": i, "full_name": f"Khách {i}", "name_folded": f"khach {i}", "phone": f"+8490{i:07d}",
            "gender": rnd.choice(["male", "female", "female", "unknown"]),
            "birth_date": birth, "province": prov, "region": PROVINCES.get(prov),
            "sms_opt_out": rnd.random() < 0.1,
            "created_at": _start(TODAY - timedelta(days=rnd.randint(0, 900))),
            "updated_at": _start(TODAY),
        })
    edges = [TODAY.replace(day=1), TODAY - timedelta(days=90), TODAY - timedelta(days=91),
             date(TODAY.year, TODAY.month - 1, 1), TODAY]
    for k in range(n_purchases):
        if k < 40:
            day = edges[k % len(edges)]
        else:
            day = TODAY - timedelta(days=rnd.randint(0, 900))
        at = _start(day) + timedelta(seconds=rnd.randint(0, 86399) if day != TODAY else 0)
        purchases.append({
            "customer_id": None if rnd.random() < 0.07 else rnd.randint(1, n_customers - 10),  # last 10 never buy
            "source": "test", "invoice_code": f"HD{k}", "purchased_at": at,
            "amount": rnd.randint(1, 400) * 5_000, "discount": 0,
            "category": rnd.choice(CATEGORIES), "channel": rnd.choice(CHANNELS),
            "cancelled": rnd.random() < 0.06,
        })
    with db.begin() as conn:
        conn.execute(insert(Customer.__table__), customers)
        conn.execute(insert(Purchase.__table__), purchases)
        stats.refresh_stats(conn, None, today=TODAY)
        stats.refresh_rfm(conn)
    return customers, purchases


@pytest.fixture
def data(db):
    customers, purchases = make_data(db)
    return db, customers, purchases


def counted(purchases, start=None, end=None, who=None):
    out = []
    for p in purchases:
        if p["cancelled"]:
            continue
        if start is not None and p["purchased_at"] < start:
            continue
        if end is not None and p["purchased_at"] >= end:
            continue
        if who is not None and p["customer_id"] not in who:
            continue
        out.append(p)
    return out


def per_customer(purchases):
    by = defaultdict(list)
    for p in counted(purchases):
        if p["customer_id"] is not None:
            by[p["customer_id"]].append(p)
    return by


def age(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def run(db, fn, scope):
    with db.connect() as conn:
        return fn(conn, scope)


# ------------------------------------------------------------------------------------------- headline
def test_headline_matches_python(data):
    db, customers, purchases = data
    got = run(db, A.headline, A.Scope(today=TODAY))
    by = per_customer(purchases)
    month0 = _start(TODAY.replace(day=1))
    last0 = _start(date(TODAY.year, TODAY.month - 1, 1))
    next0 = _start(date(TODAY.year, TODAY.month + 1, 1))
    since90 = _start(TODAY - timedelta(days=90))
    buyers = [cid for cid, ps in by.items() if ps]
    assert got["customers"] == len(customers)
    assert got["active_90d"] == sum(1 for ps in by.values() if max(p["purchased_at"] for p in ps) >= since90)
    assert got["new_this_month"] == sum(1 for ps in by.values() if min(p["purchased_at"] for p in ps) >= month0)
    assert got["buyers"] == len(buyers)
    assert got["repeat_buyers"] == sum(1 for ps in by.values() if len(ps) >= 2)
    assert got["repeat_rate"] == pytest.approx(got["repeat_buyers"] / len(buyers))
    assert got["opted_out"] == sum(1 for c in customers if c["sms_opt_out"])
    assert got["opted_out_share"] == pytest.approx(got["opted_out"] / len(customers))
    assert got["revenue_this_month"] == sum(p["amount"] for p in counted(purchases, month0, next0))
    assert got["revenue_last_month"] == sum(p["amount"] for p in counted(purchases, last0, month0))
    same_day = _start(date(TODAY.year, TODAY.month - 1, TODAY.day + 1))  # up to 15 Feb inclusive
    assert got["revenue_last_month_to_date"] == sum(p["amount"] for p in counted(purchases, last0, same_day))
    assert 0 < got["revenue_last_month_to_date"] < got["revenue_last_month"]
    orders = sum(len(ps) for ps in by.values())
    spent = sum(p["amount"] for ps in by.values() for p in ps)
    assert got["aov"] == pytest.approx(spent / orders)
    assert got["frequency"] == pytest.approx(orders / len(buyers))
    assert got["revenue_this_month"] > 0 and got["revenue_last_month"] > 0  # the data really covers it


def test_headline_restricted_to_a_segment(data):
    db, customers, purchases = data
    women = {c["id"] for c in customers if c["gender"] == "female"}
    members = select(Customer.__table__.c.id).where(Customer.__table__.c.gender == "female")
    got = run(db, A.headline, A.Scope(members=members, today=TODAY))
    assert got["customers"] == len(women)
    month0 = _start(TODAY.replace(day=1))
    next0 = _start(date(TODAY.year, TODAY.month + 1, 1))
    assert got["revenue_this_month"] == sum(p["amount"] for p in counted(purchases, month0, next0, who=women))
    everyone = run(db, A.headline, A.Scope(today=TODAY))
    comp = A.comparison(got, everyone)
    assert comp["customer_share"] == pytest.approx(len(women) / len(customers))
    assert 0 < comp["revenue_share"] < 1


# ------------------------------------------------------------------------------------------------ RFM
def test_rfm_grid_matches_stats_rows(data):
    db, _customers, _purchases = data
    s = CustomerStats.__table__
    with db.connect() as conn:
        rows = conn.execute(select(s.c.rfm_r, s.c.rfm_f, s.c.total_spent)).all()
    counts = Counter((r, f) for r, f, _t in rows if r is not None)
    revenue = Counter()
    for r, f, spent in rows:
        if r is not None:
            revenue[(r, f)] += spent
    got = run(db, A.rfm_grid, A.Scope(today=TODAY))
    for r in range(1, 6):
        for f in range(1, 6):
            assert got["counts"][r - 1][f - 1] == counts[(r, f)]
            assert got["revenue"][r - 1][f - 1] == revenue[(r, f)]
    assert sum(map(sum, got["counts"])) == sum(counts.values()) > 0


# ------------------------------------------------------------------------------------------ geography
@pytest.mark.parametrize("period", [None, "3m", "this_month", "custom"])
def test_geography_matches_python(data, period):
    db, customers, purchases = data
    if period is None:
        start = end = None
    elif period == "custom":
        start, end = TODAY - timedelta(days=200), TODAY - timedelta(days=20)
    else:
        start, end = A.preset_period(period, TODAY)
    scope = A.Scope(start=start, end=end, today=TODAY)
    got = run(db, A.geography, scope)
    lo = _start(start) if start else None
    hi = _start(end + timedelta(days=1)) if end else None
    prov_of = {c["id"]: c["province"] for c in customers}
    cust = Counter(c["province"] for c in customers)
    rev = Counter()
    for p in counted(purchases, lo, hi):
        if p["customer_id"] is not None:
            rev[prov_of[p["customer_id"]]] += p["amount"]
    ranked = sorted((k for k in cust if k), key=lambda k: (-cust[k], -rev[k], k))
    assert [r["province"] for r in got["provinces"]] == ranked[:15]
    for r in got["provinces"]:
        assert r["customers"] == cust[r["province"]]
        assert r["revenue"] == rev[r["province"]]
    assert got["other"]["provinces"] == max(0, len(ranked) - 15)
    assert got["other"]["customers"] == sum(cust[k] for k in ranked[15:])
    assert got["unknown"] == {"customers": cust[None], "revenue": rev[None]}
    for reg in got["regions"]:
        names = [k for k, v in PROVINCES.items() if v == reg["region"]]
        assert reg["customers"] == sum(cust[k] for k in names)
        assert reg["revenue"] == sum(rev[k] for k in names)


@pytest.mark.parametrize("period", [None, "3m", "custom"])
def test_geography_and_templates_of_an_everyone_segment_equal_the_shop_wide_figures(data, period):
    """The shop-wide path (stats copies of province/region, one query per template) and the segment path
    (members IN-list, one SUM(CASE) pass; the customer join for geography without a stats window) agree."""
    db, _customers, _purchases = data
    start, end = (None, None) if period is None else (
        (TODAY - timedelta(days=200), TODAY - timedelta(days=20)) if period == "custom" else A.preset_period(period, TODAY))
    everyone = select(Customer.__table__.c.id)
    shop = A.Scope(start=start, end=end, today=TODAY)
    seg = A.Scope(members=everyone, start=start, end=end, today=TODAY)
    assert run(db, A.geography, seg) == run(db, A.geography, shop)
    assert run(db, A.by_template, seg) == run(db, A.by_template, shop)


def test_geography_window_period_falls_back_when_stats_are_stale(data):
    """A 90-day period read from stale stats windows would be wrong: it must aggregate purchases instead."""
    db, customers, purchases = data
    later = TODAY + timedelta(days=10)
    start, end = A.preset_period("3m", later)
    got = run(db, A.geography, A.Scope(start=start, end=end, today=later))
    prov_of = {c["id"]: c["province"] for c in customers}
    rev = Counter()
    for p in counted(purchases, _start(start), _start(end + timedelta(days=1))):
        if p["customer_id"] is not None:
            rev[prov_of[p["customer_id"]]] += p["amount"]
    assert sum(r["revenue"] for r in got["regions"]) == sum(v for k, v in rev.items() if k)


# ----------------------------------------------------------------------------------------- age/gender
def test_age_gender_matches_python(data):
    db, customers, _purchases = data
    got = run(db, A.age_gender, A.Scope(today=TODAY))
    expected = defaultdict(Counter)
    future = 0
    for c in customers:
        if c["birth_date"] is None:
            continue
        a = age(c["birth_date"], TODAY)
        if a < 0:
            future += 1
            continue
        band = next(label for label, lo, hi in A.AGE_BANDS if a >= lo and (hi is None or a <= hi))
        expected[band][c["gender"]] += 1
    for row in got["bands"]:
        for g in A.GENDERS:
            assert row[g] == expected[row["band"]][g], (row["band"], g)
    assert got["no_birth_date"] == sum(1 for c in customers if c["birth_date"] is None) + future
    assert future == 1


# -------------------------------------------------------------------------------------------- monthly
def test_monthly_matches_python(data):
    db, _customers, purchases = data
    got = run(db, A.monthly, A.Scope(today=TODAY))["months"]
    assert len(got) == 24
    assert got[-1]["month"] == TODAY.strftime("%Y-%m")
    assert got[0]["month"] == "2024-04"
    by = per_customer(purchases)
    first_month = {cid: min(p["purchased_at"] for p in ps).strftime("%Y-%m") for cid, ps in by.items()}
    lo = _start(date(2024, 4, 1))
    exp = defaultdict(lambda: {"revenue_new": 0, "revenue_returning": 0, "revenue_walk_in": 0,
                               "new": set(), "ret": set(), "orders": 0})
    for p in counted(purchases, lo):
        m = p["purchased_at"].strftime("%Y-%m")
        e = exp[m]
        e["orders"] += 1
        cid = p["customer_id"]
        if cid is None:
            e["revenue_walk_in"] += p["amount"]
        elif first_month[cid] == m:
            e["revenue_new"] += p["amount"]
            e["new"].add(cid)
        else:
            e["revenue_returning"] += p["amount"]
            e["ret"].add(cid)
    for row in got:
        e = exp[row["month"]]
        assert row["revenue_new"] == e["revenue_new"]
        assert row["revenue_returning"] == e["revenue_returning"]
        assert row["revenue_walk_in"] == e["revenue_walk_in"]
        assert row["active_new"] == len(e["new"])
        assert row["active_returning"] == len(e["ret"])
        assert row["orders"] == e["orders"]
    assert sum(r["active_new"] for r in got) > 0


# -------------------------------------------------------------------------------- category / channel
@pytest.mark.parametrize("field,fn", [("category", A.categories), ("channel", A.channels)])
def test_category_and_channel_revenue(data, field, fn):
    db, customers, purchases = data
    start, end = A.preset_period("6m", TODAY)
    women = {c["id"] for c in customers if c["gender"] == "female"}
    members = select(Customer.__table__.c.id).where(Customer.__table__.c.gender == "female")
    for who, scope in ((None, A.Scope(start=start, end=end, today=TODAY)),
                       (women, A.Scope(members=members, start=start, end=end, today=TODAY))):
        got = run(db, fn, scope)
        rows = next(iter(got.values()))
        rev, n = Counter(), Counter()
        for p in counted(purchases, _start(start), _start(end + timedelta(days=1)), who=who):
            rev[p[field] or ""] += p["amount"]
            n[p[field] or ""] += 1
        assert {r["name"]: (r["revenue"], r["orders"]) for r in rows} == {k: (rev[k], n[k]) for k in rev}
        assert [r["revenue"] for r in rows] == sorted((r["revenue"] for r in rows), reverse=True)


# --------------------------------------------------------------------------------- segments & overlap
def test_template_counts_equal_the_segment_engine(data):
    db, _customers, _purchases = data
    got = run(db, A.by_template, A.Scope(today=TODAY))["segments"]
    assert [r["key"] for r in got] == ["loyal", "potential", "low_value", "at_risk", "new"]
    from loyalty_desktop.segments import runner
    from loyalty_desktop.segments.templates import TEMPLATES

    s = CustomerStats.__table__
    with db.connect() as conn:
        spent = dict(conn.execute(select(s.c.customer_id, s.c.total_spent)).all())
        for row in got:
            ids = set(runner.ids(conn, TEMPLATES[row["key"]].rule, today=TODAY))
            assert row["customers"] == len(ids)
            assert row["revenue"] == sum(spent[i] for i in ids)
            assert row["label_vi"] == TEMPLATES[row["key"]].name_vi


def test_overlap_matrix(data):
    db, customers, _purchases = data
    cu = Customer.__table__
    defs = [
        ("Nữ", select(cu.c.id).where(cu.c.gender == "female")),
        ("Hà Nội", select(cu.c.id).where(cu.c.province == "Hà Nội")),
        ("Từ chối SMS", select(cu.c.id).where(cu.c.sms_opt_out.is_(True))),
    ]
    sets = [
        {c["id"] for c in customers if c["gender"] == "female"},
        {c["id"] for c in customers if c["province"] == "Hà Nội"},
        {c["id"] for c in customers if c["sms_opt_out"]},
    ]
    with db.connect() as conn:
        got = A.overlap(conn, defs)
        assert got["names"] == ["Nữ", "Hà Nội", "Từ chối SMS"]
        for i in range(3):
            for j in range(3):
                assert got["matrix"][i][j] == len(sets[i] & sets[j])
        many = A.overlap(conn, defs * 3)  # more than 6: only the first 6 are compared
        assert len(many["names"]) == 6


def test_rule_members_restricts_every_aggregate(data):
    db, customers, purchases = data
    rule = {"field": "gender", "op": "eq", "value": "male"}
    men = {c["id"] for c in customers if c["gender"] == "male"}
    with db.connect() as conn:
        scope = A.Scope(members=A.rule_members(conn, rule, TODAY), today=TODAY)
        out = A.compute_all(conn, scope)
    assert out["headline"]["customers"] == len(men)
    assert sum(r["male"] for r in out["age_gender"]["bands"]) + sum(r["female"] for r in out["age_gender"]["bands"]) \
        == sum(1 for c in customers if c["gender"] == "male" and c["birth_date"] and c["birth_date"] <= TODAY)
    assert all(r["female"] == 0 for r in out["age_gender"]["bands"])
    assert all(r["revenue_walk_in"] == 0 for r in out["monthly"]["months"])
    by = per_customer(purchases)
    assert sum(r["revenue_new"] + r["revenue_returning"] for r in out["monthly"]["months"]) == sum(
        p["amount"] for cid, ps in by.items() if cid in men for p in ps
        if p["purchased_at"] >= _start(date(2024, 4, 1)))


# ------------------------------------------------------------------------------------- empty & inputs
def test_empty_database_gives_empty_aggregates(db):
    with db.connect() as conn:
        out = A.compute_all(conn, A.Scope(start=TODAY - timedelta(days=90), end=TODAY, today=TODAY))
    assert out["headline"]["customers"] == 0
    assert out["headline"]["repeat_rate"] is None and out["headline"]["aov"] is None
    for key in ("segments", "rfm", "geography", "age_gender", "monthly", "sales"):
        assert A.is_empty(out[key]), key


def test_presets_and_bad_input():
    assert A.preset_period("this_month", TODAY) == (date(2026, 3, 1), TODAY)
    assert A.preset_period("3m", TODAY) == (TODAY - timedelta(days=90), TODAY)
    assert A.preset_period("all", TODAY) == (None, None)
    assert A.Scope(start=TODAY - timedelta(days=180), end=TODAY, today=TODAY).window_days == 180
    assert A.Scope(start=TODAY - timedelta(days=100), end=TODAY, today=TODAY).window_days is None
    with pytest.raises(ValueError):
        A.preset_period("fortnight", TODAY)
    assert A.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert A.add_months(date(2026, 1, 15), -13) == date(2024, 12, 15)


def test_age_gender_counts_odd_genders_as_unknown_in_both_scopes(data):
    """The all-customer path derives "unknown" as band total − men − women; a segment groups its rows.
    Both must put a gender outside male/female/unknown (bad data) into "unknown"."""
    db, customers, _purchases = data
    cu = Customer.__table__
    with db.begin() as conn:
        conn.execute(cu.update().where(cu.c.id.in_([5, 6, 7])).values(gender="khác", birth_date=date(1990, 6, 1)))
    everyone = run(db, A.age_gender, A.Scope(today=TODAY))
    members = select(cu.c.id).where(cu.c.id <= 50)
    segment = run(db, A.age_gender, A.Scope(members=members, today=TODAY))
    band = next(r for r in everyone["bands"] if r["band"] == "35–44")
    expected = sum(1 for c in customers if c["id"] not in (5, 6, 7) and c["birth_date"] and c["gender"] == "unknown"
                   and 35 <= age(c["birth_date"], TODAY) <= 44) + 3
    assert band["unknown"] == expected
    seg_band = next(r for r in segment["bands"] if r["band"] == "35–44")
    assert seg_band["unknown"] == sum(1 for c in customers if c["id"] <= 50 and c["id"] not in (5, 6, 7)
                                      and c["birth_date"] and c["gender"] == "unknown"
                                      and 35 <= age(c["birth_date"], TODAY) <= 44) + 3
    assert sum(r[g] for r in everyone["bands"] for g in A.GENDERS) + everyone["no_birth_date"] == len(customers)
