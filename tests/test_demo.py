"""Demo data: realistic, deterministic, consistent with the stats module, refuses non-empty dbs."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections import Counter
from datetime import date

import pytest

from loyalty_desktop import demo
from loyalty_desktop.errors import Cancelled, UserError

TODAY = date(2026, 6, 15)


def _dump(path) -> dict:
    con = sqlite3.connect(path)
    try:
        return {
            t: con.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()
            for t in ("customer", "purchase", "customer_stats", "customer_tag", "tag", "tag_group", "consent_event")
        }
    finally:
        con.close()


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    calls = []
    result = demo.generate_demo(str(path), 2000, 20000, seed=7, today=TODAY,
                                progress=lambda f, t: calls.append((f, t)))
    return path, result, calls


def test_counts_and_progress(small):
    path, result, calls = small
    con = sqlite3.connect(path)
    assert con.execute("SELECT count(*) FROM customer").fetchone()[0] == 2000
    assert con.execute("SELECT count(*) FROM purchase").fetchone()[0] == 20000
    assert con.execute("SELECT count(*) FROM customer_stats").fetchone()[0] == 2000
    assert result.customers == 2000 and result.purchases == 20000
    fractions = [f for f, _ in calls]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []


def test_same_seed_same_data(small, tmp_path):
    path, _, _ = small
    again = tmp_path / "again.db"
    demo.generate_demo(str(again), 2000, 20000, seed=7, today=TODAY)
    a, b = _dump(path), _dump(again)
    # created_at of tag rows etc. are derived from the data, so everything must be equal
    for table in a:
        assert a[table] == b[table], table
    other = tmp_path / "other.db"
    demo.generate_demo(str(other), 2000, 20000, seed=8, today=TODAY)
    assert _dump(other)["customer"] != a["customer"]


def test_indexes_recreated_with_model_names(small, db_path):
    from loyalty_desktop.db import open_database

    fresh = open_database(str(db_path))
    fresh.dispose()
    q = "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') ORDER BY name"
    expected = sqlite3.connect(db_path).execute(q).fetchall()
    got = sqlite3.connect(small[0]).execute(q).fetchall()
    assert got == expected
    con = sqlite3.connect(small[0])
    if con.execute("SELECT 1 FROM sqlite_master WHERE name = 'customer_search'").fetchone():
        # the index holds every customer's name and phone (FTS5 compares it with its content; raises if not)
        con.execute("INSERT INTO customer_search(customer_search, rank) VALUES ('integrity-check', 1)")
        hit = con.execute("SELECT full_name, phone FROM customer WHERE id = 5").fetchone()
        found = con.execute("SELECT rowid FROM customer_search WHERE customer_search MATCH ?",
                            ('"' + hit[1][-7:] + '"',)).fetchall()
        assert (5,) in found


def test_realistic_distributions(small):
    path, _, _ = small
    con = sqlite3.connect(path)
    names = [r[0] for r in con.execute("SELECT full_name FROM customer")]
    surnames = Counter(n.split()[0] for n in names)
    assert 0.30 < surnames["Nguyễn"] / len(names) < 0.46
    assert surnames.most_common(1)[0][0] == "Nguyễn"
    assert all(n == n.strip() and "  " not in n for n in names)
    assert any(ch in "ăâđêôơưáàảãạ" for n in names for ch in n.lower())
    genders = Counter(r[0] for r in con.execute("SELECT gender FROM customer"))
    assert set(genders) <= {"male", "female", "unknown"} and genders["female"] > genders["male"]
    # names match their folded form, as vn.text.fold would produce
    for full, folded in con.execute("SELECT full_name, name_folded FROM customer LIMIT 200"):
        assert folded == demo._fold_fallback(full)
    # phones: unique E.164, current mobile prefixes, a few fixed lines
    phones = con.execute("SELECT phone, phone_type FROM customer").fetchall()
    assert len({p for p, _ in phones}) == len(phones)
    prefixes = tuple(p[1:] for p, _ in demo.MOBILE_PREFIXES)
    for phone, kind in phones:
        assert phone.startswith("+84") and phone[3:].isdigit()
        if kind == "mobile":
            assert phone[3:].startswith(prefixes) and len(phone) == 12
        else:  # fixed line: area code + subscriber number = 10 national digits
            assert kind == "fixed" and len(phone) == 13
    assert 0 < sum(k == "fixed" for _, k in phones) < len(phones) * 0.05
    # provinces: 34 current names, weighted by population, with regions
    provinces = Counter(r[0] for r in con.execute("SELECT province FROM customer WHERE province IS NOT NULL"))
    assert set(provinces) <= {p[0] for p in demo._provinces()}
    top2 = {p for p, _ in provinces.most_common(2)}
    assert top2 == {"Hồ Chí Minh", "Hà Nội"}
    regions = {r for (r,) in con.execute("SELECT DISTINCT region FROM customer")}
    assert regions == {"north", "central", "south", None}
    # birth_md agrees with birth_date; ages 16–75
    for bd, md in con.execute("SELECT birth_date, birth_md FROM customer WHERE birth_date IS NOT NULL"):
        d = date.fromisoformat(bd)
        assert md == d.month * 100 + d.day
        assert 15 <= (TODAY - d).days // 365 <= 75
    assert con.execute("SELECT count(*) FROM customer WHERE birth_date IS NULL").fetchone()[0] > 0
    # opt-outs have a consent event
    opted = {r[0] for r in con.execute("SELECT id FROM customer WHERE sms_opt_out")}
    events = {r[0] for r in con.execute("SELECT customer_id FROM consent_event WHERE opted_out")}
    assert opted and opted == events
    # about 1.5 tags per customer, member tiers in their group
    tags_per_customer = con.execute("SELECT count(*) FROM customer_tag").fetchone()[0] / 2000
    assert 1.0 < tags_per_customer < 2.2
    tier_tags = con.execute(
        "SELECT count(*) FROM customer c JOIN customer_tag ct ON ct.customer_id = c.id JOIN tag t ON t.id = ct.tag_id "
        "JOIN tag_group g ON g.id = t.group_id WHERE g.name = 'Hạng thành viên' AND t.name = 'Thành viên ' || c.tier"
    ).fetchone()[0]
    assert tier_tags == con.execute("SELECT count(*) FROM customer WHERE tier IS NOT NULL").fetchone()[0] > 0


def test_purchases_realistic(small):
    path, _, _ = small
    con = sqlite3.connect(path)
    rows = con.execute(
        "SELECT customer_id, purchased_at, amount, discount, category, channel, cancelled FROM purchase ORDER BY id"
    ).fetchall()
    times = [r[1] for r in rows]
    assert times == sorted(times)  # ids follow time
    assert times[0] >= "2023-06" and times[-1] < TODAY.isoformat()
    assert all(r[2] % 1000 == 0 and r[2] > 0 and r[3] >= 0 for r in rows)
    amounts = sorted(r[2] for r in rows)
    median = amounts[len(amounts) // 2]
    assert 150_000 <= median <= 800_000
    cancelled = sum(r[6] for r in rows) / len(rows)
    assert 0.01 < cancelled < 0.035
    walk_in = sum(r[0] is None for r in rows) / len(rows)
    assert 0.01 < walk_in < 0.08
    assert {r[4] for r in rows} <= {c[0] for c in demo.CATEGORIES}
    assert {r[5] for r in rows} == {c for c, _ in demo.CHANNELS}
    # purchases never before the customer joined
    bad = con.execute(
        "SELECT count(*) FROM purchase p JOIN customer c ON c.id = p.customer_id WHERE p.purchased_at < c.created_at"
    ).fetchone()[0]
    assert bad == 0
    # long tail: the top 10 % of customers bring far more than 10 % of revenue
    spent = sorted((r[0] for r in con.execute("SELECT total_spent FROM customer_stats")), reverse=True)
    assert sum(spent[: len(spent) // 10]) > 0.3 * sum(spent)


def test_phones_are_what_the_importer_accepts(small):
    """A demo customer's phone, as written (raw), normalises to exactly the stored number and type."""
    from loyalty_desktop.vn.phones import normalize_phone

    con = sqlite3.connect(small[0])
    rows = con.execute("SELECT phone_raw, phone, phone_type FROM customer").fetchall()
    rejected = [(raw, e164) for raw, e164, kind in rows
                if (r := normalize_phone(raw)).e164 != e164 or r.phone_type != kind]
    assert rejected == []


def test_stats_match_the_stats_module(small, tmp_path):
    """The bulk path ends with the same stats the normal write paths keep."""
    import shutil

    from loyalty_desktop import stats
    from loyalty_desktop.db import open_database

    copy = tmp_path / "copy.db"
    shutil.copy(small[0], copy)
    con = sqlite3.connect(small[0])
    before = con.execute("SELECT * FROM customer_stats ORDER BY customer_id").fetchall()
    tiers = con.execute("SELECT id, tier FROM customer ORDER BY id").fetchall()
    db = open_database(str(copy))
    with db.begin() as conn:
        stats.refresh_stats(conn, None, today=TODAY)
        stats.refresh_rfm(conn)
    db.dispose()
    con2 = sqlite3.connect(copy)
    after = con2.execute("SELECT * FROM customer_stats ORDER BY customer_id").fetchall()
    assert [r[:-3] for r in after] == [r[:-3] for r in before]
    assert con2.execute("SELECT id, tier FROM customer ORDER BY id").fetchall() == tiers


def test_refuses_non_empty_database(small):
    with pytest.raises(UserError, match="already has 2,000 customers"):
        demo.generate_demo(str(small[0]), 10, 10, seed=1, today=TODAY)


def test_bad_counts(db_path):
    with pytest.raises(UserError):
        demo.generate_demo(str(db_path), -1, 10)
    with pytest.raises(UserError):
        demo.generate_demo(str(db_path), 10, -5)


def test_zero_and_tiny(tmp_path):
    demo.generate_demo(str(tmp_path / "zero.db"), 0, 0, today=TODAY)
    r = demo.generate_demo(str(tmp_path / "tiny.db"), 3, 5, today=TODAY)
    assert r.purchases == 5
    r = demo.generate_demo(str(tmp_path / "walkins.db"), 0, 50, today=TODAY)
    con = sqlite3.connect(tmp_path / "walkins.db")
    assert con.execute("SELECT count(*) FROM purchase WHERE customer_id IS NULL").fetchone()[0] == 50


def test_cancel_rolls_back(tmp_path):
    path = tmp_path / "cancel.db"
    seen = []

    def cancelled():
        return len(seen) > 2

    with pytest.raises(Cancelled):
        demo.generate_demo(str(path), 3000, 30000, seed=1, today=TODAY,
                           progress=lambda f, t: seen.append(f), cancelled=cancelled)
    con = sqlite3.connect(path)
    assert con.execute("SELECT count(*) FROM customer").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM purchase").fetchone()[0] == 0
    # indexes are still there and the database can take the demo afterwards
    n_idx = con.execute("SELECT count(*) FROM sqlite_master WHERE type='index' AND sql IS NOT NULL").fetchone()[0]
    assert n_idx > 10
    con.close()
    demo.generate_demo(str(path), 50, 100, seed=1, today=TODAY)


def test_cli_demo_and_errors(tmp_path):
    path = tmp_path / "cli.db"
    cmd = [sys.executable, "-m", "loyalty_desktop", "--db", str(path), "demo", "--customers", "300",
           "--purchases", "1500", "--seed", "3", "--json"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    assert summary["customers"] == 300 and summary["purchases"] == 1500
    raw = subprocess.run(cmd[:4] + [str(tmp_path / "cli2.db")] + cmd[5:], capture_output=True, timeout=120)
    assert b"\r" in raw.stderr  # a progress line rewritten in place
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert again.returncode == 1
    assert "already has 300 customers" in again.stderr and "Traceback" not in again.stderr
    bad = subprocess.run(cmd[:5] + ["--customers", "lots"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_fills_the_open_app_database_while_others_read(db):
    """The "Try with demo data" button: the app's own Database, other connections open (WAL kept)."""
    from sqlalchemy import text

    with db.connect() as reader:
        reader.execute(text("SELECT count(*) FROM customer")).scalar()
        result = demo.generate_demo(db, 200, 1000, seed=2, today=TODAY)
        assert reader.execute(text("SELECT count(*) FROM customer")).scalar() == 200
    assert result.customers == 200
    with db.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("SELECT count(*) FROM customer_stats")).scalar() == 200
