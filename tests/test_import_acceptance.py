"""Issue 3 acceptance: the six sample files give exactly what truth.json says; importing again changes nothing."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date

import pytest
from sqlalchemy import func, select

from loyalty_desktop.importing import ImportOptions, run_import
from loyalty_desktop.models import Customer, CustomerStats, CustomerTag, ImportRecord, Purchase, Tag

SEQUENCE = [
    ("kiotviet_customers.xlsx", "customers"),
    ("handmade_customers.xlsx", "customers"),
    ("customers_semicolon.csv", "customers"),
    ("customers_cp1258.csv", "customers"),
    ("customers_old.xls", "customers"),
    ("kiotviet_invoices.xlsx", "purchases"),
]

c = Customer.__table__
p = Purchase.__table__
s = CustomerStats.__table__


def import_all(db, samples):
    return {name: run_import(db, samples / name, kind, ImportOptions(today=date(2026, 11, 22)))
            for name, kind in SEQUENCE}


def snapshot(db):
    """Everything an import may change, as plain data."""
    with db.connect() as conn:
        customers = {r.phone: dict(r._mapping) for r in conn.execute(select(c))}
        tags = defaultdict(set)
        q = select(c.c.phone, Tag.__table__.c.name).select_from(
            CustomerTag.__table__.join(c, c.c.id == CustomerTag.__table__.c.customer_id)
            .join(Tag.__table__, Tag.__table__.c.id == CustomerTag.__table__.c.tag_id))
        for phone, name in conn.execute(q):
            tags[phone].add(name)
        purchases = sorted(tuple(r) for r in conn.execute(
            select(p.c.source, p.c.invoice_code, p.c.customer_id, p.c.purchased_at, p.c.amount, p.c.category,
                   p.c.channel, p.c.cancelled)))
        stats = {r.customer_id: dict(r._mapping) for r in conn.execute(select(s))}
    return customers, dict(tags), purchases, stats


def check_against_truth(db, truth):
    customers, tags, purchases, stats = snapshot(db)
    expected = truth["customers"]
    kiot_rows = truth["kiotviet"]["rows"]
    assert len(customers) == len(expected) == 400
    for i, exp in enumerate(expected):
        got = customers.get(exp["e164"])
        assert got is not None, f"missing customer {exp['e164']} {exp['name']}"
        assert got["full_name"] == exp["name"], exp
        assert got["gender"] == exp["gender"], exp
        assert (got["birth_date"].isoformat() if got["birth_date"] else None) == exp["birth"], exp
        if exp["birth"]:
            b = date.fromisoformat(exp["birth"])
            assert got["birth_md"] == b.month * 100 + b.day
        assert got["province"] == exp["province"], exp
        assert got["old_province"] == exp["old_province"], exp
        assert got["region"] == exp["region"], exp
        if i < kiot_rows:  # only the KiotViet file carries tags, points and the joining date
            assert tags.get(exp["e164"], set()) == set(exp["tags"]), exp
            assert got["points"] == exp["points"], exp
            assert got["created_at"].date().isoformat() == exp["created"], exp
        else:
            assert tags.get(exp["e164"], set()) == set(), exp
            assert got["points"] == 0, exp
    # purchases: every invoice, amount, time, category, channel, cancelled, owner
    id_to_phone = {row["id"]: phone for phone, row in customers.items()}
    got_inv = {code: (id_to_phone.get(cid), at, amount, cat, ch, bool(canc))
               for _src, code, cid, at, amount, cat, ch, canc in purchases}
    assert len(got_inv) == len(truth["invoices"]) == len(purchases)
    totals = defaultdict(int)
    counts = defaultdict(int)
    for inv in truth["invoices"]:
        got = got_inv[inv["code"]]
        assert got[0] == inv["e164"], inv
        assert got[1].isoformat(timespec="minutes") == inv["at"][:16], inv
        assert (got[2], got[3], got[4], got[5]) == (inv["amount"], inv["category"], inv["channel"], inv["cancelled"]), inv
        if inv["e164"] and not inv["cancelled"]:
            totals[inv["e164"]] += inv["amount"]
            counts[inv["e164"]] += 1
    for phone, row in customers.items():
        st = stats[row["id"]]
        assert st["total_spent"] == totals.get(phone, 0), phone
        assert st["order_count"] == counts.get(phone, 0), phone
    # Every customer has exactly one stats row.
    assert set(stats) == {row["id"] for row in customers.values()}


def test_samples_match_truth_and_reimport_changes_nothing(db, samples):
    truth = json.loads((samples / "truth.json").read_text(encoding="utf-8"))
    reports = import_all(db, samples)

    hm = reports["handmade_customers.xlsx"]
    assert hm.rows == truth["handmade"]["data_rows"] == 217
    assert hm.rejected == truth["handmade"]["rejects"] == 7
    assert len(hm.rejects) == 7 and all(r.row > 4 and r.reason and r.reason_vi for r in hm.rejects)
    assert hm.rows - hm.rejected - hm.merged == truth["handmade"]["distinct"]
    assert reports["kiotviet_customers.xlsx"].created == truth["kiotviet"]["rows"]
    for name in ("customers_semicolon.csv", "customers_cp1258.csv", "customers_old.xls"):
        assert reports[name].created == 0, name
        assert reports[name].rejected == 0, name
    inv = reports["kiotviet_invoices.xlsx"]
    assert inv.purchases_added == len(truth["invoices"])
    assert inv.cancelled == sum(1 for i in truth["invoices"] if i["cancelled"])
    assert inv.walk_in == sum(1 for i in truth["invoices"] if i["e164"] is None)
    assert inv.created == 0 and inv.duplicates_skipped == 0
    check_against_truth(db, truth)

    before = snapshot(db)
    again = import_all(db, samples)
    after = snapshot(db)
    assert after[0] == before[0]  # customers, every column (updated_at included)
    assert after[1:] == before[1:]
    for name, report in again.items():
        assert report.created == 0 and report.updated == 0, (name, report.counts())
    assert again["kiotviet_invoices.xlsx"].purchases_added == 0
    assert again["kiotviet_invoices.xlsx"].duplicates_skipped == len(truth["invoices"])
    with db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ImportRecord.__table__)).scalar() == 12


@pytest.mark.parametrize("name,kind", SEQUENCE)
def test_dry_run_writes_nothing(db, samples, name, kind):
    report = run_import(db, samples / name, kind, ImportOptions(dry_run=True))
    assert report.rows > 0 and report.dry_run
    with db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(c)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(p)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(ImportRecord.__table__)).scalar() == 0
