"""Segments over the imported sample shop files; expected counts computed straight from truth.json."""

import json
import shutil
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from loyalty_desktop.segments import runner

SAMPLES = Path(__file__).parent / "data" / "samples"
TODAY = date(2026, 11, 22)  # truth.json built_on
SEQUENCE = [
    ("kiotviet_customers.xlsx", "customers"), ("handmade_customers.xlsx", "customers"),
    ("customers_semicolon.csv", "customers"), ("customers_cp1258.csv", "customers"),
    ("customers_old.xls", "customers"), ("kiotviet_invoices.xlsx", "purchases"),
]


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    from loyalty_desktop.db import open_database
    from loyalty_desktop.importing import ImportOptions, run_import

    tmp = tmp_path_factory.mktemp("samples")
    shutil.copytree(SAMPLES, tmp / "samples")
    db = open_database(str(tmp / "shop.db"))
    for name, kind in SEQUENCE:
        run_import(db, tmp / "samples" / name, kind, ImportOptions(today=TODAY))
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def truth():
    data = json.loads((SAMPLES / "truth.json").read_text(encoding="utf-8"))
    assert data["built_on"] == TODAY.isoformat()
    bought = defaultdict(list)
    for inv in data["invoices"]:
        if inv["e164"] and not inv["cancelled"]:
            bought[inv["e164"]].append((datetime.fromisoformat(inv["at"]), inv["amount"], inv["category"],
                                        inv["channel"]))
    people = []
    kiot_rows = data["kiotviet"]["rows"]  # only the KiotViet file carries tags and points
    for i, c in enumerate(data["customers"]):
        if i >= kiot_rows:
            c = {**c, "tags": [], "points": 0}
        born = date.fromisoformat(c["birth"]) if c["birth"] else None
        age = None if born is None else TODAY.year - born.year - ((TODAY.month, TODAY.day) < (born.month, born.day))
        people.append({**c, "born": born, "age": age, "bought": bought.get(c["e164"], [])})
    return people


def since(days):
    return datetime.combine(TODAY - timedelta(days=days), datetime.min.time())


CASES = [
    ("women 26–45", {"all": [{"field": "gender", "op": "eq", "value": "female"},
                             {"field": "age", "op": "between", "value": [26, 45]}]},
     lambda c: c["gender"] == "female" and c["age"] is not None and 26 <= c["age"] <= 45),
    ("NOT age ≥ 30 (unknown birth counts)", {"not": {"field": "age", "op": "gte", "value": 30}},
     lambda c: not (c["age"] is not None and c["age"] >= 30)),
    ("age unknown", {"field": "age", "op": "is_empty"}, lambda c: c["born"] is None),
    ("HCM by alias", {"field": "province", "op": "in", "value": ["TP.HCM"]}, lambda c: c["province"] == "Hồ Chí Minh"),
    ("not Hà Nội", {"field": "province", "op": "not_in", "value": ["Ha Noi"]},
     lambda c: c["province"] is not None and c["province"] != "Hà Nội"),
    ("north", {"field": "region", "op": "eq", "value": "north"}, lambda c: c["region"] == "north"),
    ("tag Đại lý", {"field": "tag", "op": "has", "value": "dai ly"}, lambda c: "Đại lý" in c["tags"]),
    ("no VIP/Khách sỉ tag", {"field": "tag", "op": "has_none", "value": ["VIP", "Khách sỉ"]},
     lambda c: not {"VIP", "Khách sỉ"} & set(c["tags"])),
    ("spent ≥ 2.000.000", {"field": "total_spent", "op": "gte", "value": 2_000_000},
     lambda c: sum(a for _, a, _, _ in c["bought"]) >= 2_000_000),
    ("spent ≥ 1.000.000 in 90 days", {"field": "total_spent", "op": "gte", "value": 1_000_000, "window": {"days": 90}},
     lambda c: sum(a for t, a, _, _ in c["bought"] if t >= since(90)) >= 1_000_000),
    ("spent ≥ 500.000 in 45 days", {"field": "total_spent", "op": "gte", "value": 500_000, "window": {"days": 45}},
     lambda c: sum(a for t, a, _, _ in c["bought"] if t >= since(45)) >= 500_000),
    ("never bought", {"field": "order_count", "op": "eq", "value": 0}, lambda c: not c["bought"]),
    ("bought Mỹ phẩm, not in 180 days",
     {"all": [{"field": "category", "op": "bought", "value": ["Mỹ phẩm"]},
              {"field": "category", "op": "not_bought", "value": ["Mỹ phẩm"], "window": {"days": 180}}]},
     lambda c: any(cat == "Mỹ phẩm" for _, _, cat, _ in c["bought"])
     and not any(cat == "Mỹ phẩm" and t >= since(180) for t, _, cat, _ in c["bought"])),
    ("Facebook in 30 days", {"field": "channel", "op": "bought", "value": ["Facebook"], "window": {"days": 30}},
     lambda c: any(ch == "Facebook" and t >= since(30) for t, _, _, ch in c["bought"])),
    ("lapsed > 180 days", {"field": "last_purchase_at", "op": "more_than_ago", "value": {"days": 180}},
     lambda c: bool(c["bought"]) and max(t for t, *_ in c["bought"]).date() < TODAY - timedelta(days=180)),
    ("birthday this month", {"field": "birthday", "op": "this_month"},
     lambda c: c["born"] is not None and c["born"].month == TODAY.month),
    ("points ≥ 100", {"field": "points", "op": "gte", "value": 100}, lambda c: c["points"] >= 100),
    ("name contains nguyễn", {"field": "name", "op": "contains", "value": "NGUYEN"},
     lambda c: "nguyen" in __import__("loyalty_desktop.vn.text", fromlist=["fold"]).fold(c["name"])),
]


@pytest.mark.parametrize("name, rule, expect", CASES, ids=[c[0] for c in CASES])
def test_counts_match_truth(shop, truth, name, rule, expect):
    wanted = sum(1 for c in truth if expect(c))
    with shop.connect() as conn:
        got = runner.count(conn, rule, today=TODAY)
    assert got == wanted, name


def test_some_cases_are_not_trivial(truth):
    sizes = [sum(1 for c in truth if expect(c)) for _, _, expect in CASES]
    assert all(0 < n < len(truth) for n in sizes), sizes
