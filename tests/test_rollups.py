"""The dashboard rollups stay equal to a recomputation from purchases after every kind of write."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select, text, update

from loyalty_desktop import customers as cu
from loyalty_desktop import rollups, stats, tag_masks
from loyalty_desktop.analytics import aggregates as A
from loyalty_desktop.db import make_engine, open_database, upgrade
from loyalty_desktop.importing import ImportOptions, run_import
from loyalty_desktop.models import (Customer, CustomerCategory, CustomerChannel, CustomerMonth, MonthTotal, Purchase,
                                   SalesDay)

from test_analytics import TODAY, make_data
from test_import_merge import xlsx

c = Customer.__table__
p = Purchase.__table__
INV_HEAD = ["Mã hóa đơn", "Thời gian", "Điện thoại", "Tên khách hàng", "Khách cần trả", "Trạng thái", "Kênh bán",
            "Nhóm hàng"]
CATS = ["Mỹ phẩm", "Thời trang", "", "Mẹ và bé"]
CHANS = ["Zalo", "Shopee", "", "Cửa hàng"]


def assert_exact(db):
    with db.connect() as conn:
        diff = rollups.differences(conn)
        geo = stats.geo_copy_differences(conn)
        masks = tag_masks.differences(conn)
    assert masks == {tag_masks.MASKS: [], tag_masks.COUNTS: []}  # the tag combinations, too
    assert diff == {rollups.CM: [], rollups.MONTH: [], rollups.DAY: [],
                    "rollup_customer_category": [], "rollup_customer_channel": []}
    assert geo == []  # customer_stats.province/region == the customer's


def counts(db):
    with db.connect() as conn:
        return {t.__tablename__: conn.execute(select(func.count()).select_from(t.__table__)).scalar()
                for t in (CustomerMonth, MonthTotal, SalesDay, CustomerCategory, CustomerChannel)}


def phones(db):
    with db.connect() as conn:
        return list(conn.execute(select(c.c.phone).order_by(c.c.id)).scalars())


def national(e164: str) -> str:
    return "0" + e164[3:]


# ----------------------------------------------------------------------------------------- maintenance
def test_fresh_database_has_the_rollups_and_triggers(db):
    with db.connect() as conn:
        assert rollups.available(conn) and rollups.bought_available(conn)
        assert {*rollups.TRIGGERS, rollups.BOUGHT_TRIGGER_NAME} <= set(conn.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())
    assert counts(db) == {"rollup_customer_month": 0, "rollup_month": 0, "rollup_sales_day": 0,
                          "rollup_customer_category": 0, "rollup_customer_channel": 0}
    assert_exact(db)


def test_bulk_insert_then_full_refresh_is_exact(db):
    make_data(db)  # inserts purchases directly, then refresh_stats(None)
    assert all(n > 0 for n in counts(db).values())
    assert_exact(db)


def _invoice_rows(rnd, step, n, known, known_share=0.5):
    """An invoice sheet of ``n`` sales: known phones (``known_share``), new phones, walk-ins; some cancelled."""
    rows = [INV_HEAD]
    for k in range(n):
        kind = rnd.random()
        phone = (national(rnd.choice(known)) if kind < known_share else
                 f"09{rnd.randint(10_000_000, 99_999_999)}" if kind < known_share + (1 - known_share) * 0.6 else "")
        when = datetime.combine(TODAY - timedelta(days=rnd.randint(0, 800)), datetime.min.time()) \
            + timedelta(hours=rnd.randint(8, 21))
        rows.append([f"IMP{step}-{k}", when, phone, "Khách lẻ" if not phone else f"Khách {k}",
                     rnd.randint(1, 300) * 10_000, "Đã hủy" if rnd.random() < 0.2 else "Hoàn thành",
                     rnd.choice(CHANS), rnd.choice(CATS)])
    return rows


def test_random_writes_keep_rollups_exact(db, tmp_path, monkeypatch):
    """Imports (new and known phones, walk-ins, cancelled rows), manual sales, cancelling and un-cancelling,
    a walk-in sale deleted, merges and deletions, in random order: after each, rollups == recomputation.
    "bulk" imports take the big-file path (indexes rebuilt, the day rollup counted in memory and added),
    "bulk_most" touches most customers, so the stats refresh is a full one."""
    import loyalty_desktop.importing.engine as engine

    make_data(db, n_customers=80, n_purchases=700, seed=11)
    rnd = random.Random(5)
    ops = ["import", "manual", "cancel", "uncancel", "merge", "delete", "walk_in_delete", "move_date", "add",
           "relocate", "import_customers", "bulk", "bulk_most"] * 3
    rnd.shuffle(ops)
    done = set()
    for step, op in enumerate(ops):
        known = phones(db)
        with db.connect() as conn:
            ids = list(conn.execute(select(c.c.id).order_by(c.c.id)).scalars())
        if op in ("import", "bulk", "bulk_most"):
            n = rnd.randint(3, 12) if op != "bulk_most" else 3 * len(known)
            rows = _invoice_rows(rnd, step, n, known, 0.97 if op == "bulk_most" else 0.5)
            with monkeypatch.context() as m:
                if op != "import":
                    m.setattr(engine, "SUSPEND_MIN_ROWS", 1)
                report = run_import(db, xlsx(tmp_path / f"inv{step}.xlsx", rows), "purchases")
            assert report.purchases_added == len(rows) - 1
        elif op == "manual":
            with db.begin() as conn:
                cu.record_purchase(conn, rnd.choice(ids), rnd.randint(1, 90) * 10_000,
                                   datetime.combine(TODAY - timedelta(days=rnd.randint(0, 400)), datetime.min.time()),
                                   category=rnd.choice(CATS) or None, channel=rnd.choice(CHANS) or None)
        elif op in ("cancel", "uncancel"):
            with db.begin() as conn:
                row = conn.execute(select(p.c.id, p.c.customer_id).where(p.c.cancelled.is_(op == "uncancel"))
                                   .order_by(func.random()).limit(1)).first()
                if row is not None:
                    conn.execute(update(p).where(p.c.id == row.id).values(cancelled=op == "cancel"))
                    if row.customer_id is not None:
                        stats.refresh_stats(conn, [row.customer_id], today=TODAY)
        elif op == "move_date":  # an edited sale: another day and channel (e.g. a corrected invoice)
            with db.begin() as conn:
                row = conn.execute(select(p.c.id, p.c.customer_id, p.c.purchased_at).where(p.c.cancelled.is_(False))
                                   .order_by(func.random()).limit(1)).first()
                conn.execute(update(p).where(p.c.id == row.id).values(
                    purchased_at=row.purchased_at - timedelta(days=40), channel="Sửa", amount=123_000))
                if row.customer_id is not None:
                    stats.refresh_stats(conn, [row.customer_id], today=TODAY)
        elif op == "merge":
            keep, other = rnd.sample(ids, 2)
            with db.begin() as conn:
                cu.merge_customers(conn, keep, other)
        elif op == "delete":
            with db.begin() as conn:
                assert cu.delete_customers(conn, rnd.sample(ids, 3)) == 3
        elif op == "walk_in_delete":
            with db.begin() as conn:
                pid = conn.execute(select(p.c.id).where(p.c.customer_id.is_(None)).limit(1)).scalar()
                conn.execute(p.delete().where(p.c.id == pid))
        elif op == "add":
            with db.begin() as conn:
                cu.add_customer(conn, {"full_name": "Chị Mới", "phone": f"09{rnd.randint(10_000_000, 99_999_999)}",
                                       "province": rnd.choice(["Hà Nội", None])})
        elif op == "relocate":  # an edit moves a customer to another province (or clears it)
            with db.begin() as conn:
                cu.update_customer(conn, rnd.choice(ids), {"province": rnd.choice(["Đà Nẵng", "Cần Thơ", None])})
        elif op == "import_customers":  # known phones with a new province (incoming file wins), and new ones
            rows = [["Điện thoại", "Tên khách hàng", "Tỉnh/Thành phố"]]
            for k in range(rnd.randint(2, 6)):
                phone = national(rnd.choice(known)) if k % 2 else f"09{rnd.randint(10_000_000, 99_999_999)}"
                rows.append([phone, f"Khách nhập {step}-{k}", rnd.choice(["Bình Dương", "Huế", "Sài Gòn"])])
            run_import(db, xlsx(tmp_path / f"cus{step}.xlsx", rows), "customers", ImportOptions(update_existing=True))
        assert_exact(db), (step, op)
        done.add(op)
    assert done == set(ops)
    assert all(n > 0 for n in counts(db).values())


def test_deleting_a_customer_in_plain_sql_cascades_into_the_rollups(db):
    """Even a write path that knows nothing (a bare DELETE, foreign keys cascading) keeps them exact."""
    make_data(db, n_customers=30, n_purchases=300, seed=2)
    with db.begin() as conn:
        conn.execute(text("DELETE FROM customer WHERE id IN (1, 2, 3)"))
    with db.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM purchase WHERE customer_id IN (1, 2, 3)")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM rollup_customer_month WHERE customer_id IN (1, 2, 3)")).scalar() == 0
    assert_exact(db)


def test_is_first_marks_exactly_one_month_per_buyer(db):
    make_data(db, n_customers=50, n_purchases=500, seed=4)
    with db.connect() as conn:
        firsts = conn.execute(text("SELECT customer_id, sum(is_first) FROM rollup_customer_month GROUP BY customer_id")).all()
        s = stats.CustomerStats.__table__
        first_month = {cid: at.strftime("%Y-%m") for cid, at in conn.execute(
            select(s.c.customer_id, s.c.first_purchase_at).where(s.c.first_purchase_at.is_not(None)))}
        marked = dict(conn.execute(text("SELECT customer_id, month FROM rollup_customer_month WHERE is_first")).all())
    assert firsts and all(n == 1 for _cid, n in firsts)
    assert marked == first_month


def test_a_refresh_for_missing_or_no_customers_changes_nothing(db):
    make_data(db, n_customers=20, n_purchases=200, seed=6)
    before = counts(db)
    with db.begin() as conn:
        rollups.refresh_customers(conn, [])
        rollups.refresh_customers(conn, [10_000, 10_001])  # no such customers
    assert counts(db) == before
    assert_exact(db)


def test_differences_reports_a_tampered_rollup(db):
    make_data(db, n_customers=20, n_purchases=200, seed=8)
    with db.begin() as conn:
        conn.execute(text("UPDATE rollup_month SET buyers = buyers + 1 WHERE month = (SELECT max(month) FROM rollup_month)"))
        conn.execute(text("DELETE FROM rollup_sales_day WHERE day = (SELECT min(day) FROM rollup_sales_day)"))
    with db.connect() as conn:
        diff = rollups.differences(conn)
    assert len(diff[rollups.MONTH]) == 1 and diff[rollups.DAY] and not diff[rollups.CM]
    key, stored, expected = diff[rollups.MONTH][0]
    assert stored[0] == expected[0] + 1
    with db.begin() as conn:  # a stale "last bought" day and a missing channel row are found too
        conn.execute(text("UPDATE rollup_customer_category SET last_day = '2001-01-01' WHERE (customer_id, category) "
                          "IN (SELECT customer_id, category FROM rollup_customer_category LIMIT 1)"))
        conn.execute(text("DELETE FROM rollup_customer_channel WHERE (customer_id, channel) IN "
                          "(SELECT customer_id, channel FROM rollup_customer_channel LIMIT 1)"))
    with db.connect() as conn:
        diff = rollups.differences(conn)
    assert [d[1] for d in diff["rollup_customer_category"]] == [("2001-01-01",)]
    assert len(diff["rollup_customer_channel"]) == 1 and diff["rollup_customer_channel"][0][1] is None
    with db.begin() as conn:
        rollups.rebuild(conn)
    assert_exact(db)


# -------------------------------------------------------------------------------------------- migration
def old_customers(n: int, places=None) -> list[dict]:
    """Customer rows written straight into a database at an older schema (ids 1..n)."""
    return [{"id": i, "full_name": f"K{i}", "name_folded": f"k{i}", "phone": f"+8491{i:07d}", "phone_type": "mobile",
             "gender": "unknown", "points": 0, "sms_opt_out": False, "created_at": datetime(2024, 1, 1),
             "updated_at": datetime(2024, 1, 1),
             **({"province": places[i % len(places)][0], "region": places[i % len(places)][1]} if places else {})}
            for i in range(1, n + 1)]


def old_purchases(rnd, n: int, n_customers: int, start: datetime, hours: int, categories, channels,
                  cancelled: float) -> list[dict]:
    """Purchase rows written straight into a database at an older schema (walk-ins included)."""
    return [{"customer_id": rnd.choice([None] + list(range(1, n_customers + 1))), "source": "pos",
             "invoice_code": f"HD{k}", "amount": rnd.randint(1, 99) * 10_000, "discount": 0,
             "purchased_at": start + timedelta(hours=rnd.randint(0, hours)),
             "category": rnd.choice(categories), "channel": rnd.choice(channels),
             "cancelled": rnd.random() < cancelled} for k in range(n)]


def test_upgrade_from_0004_backfills_the_rollups(tmp_path):
    path = tmp_path / "old.db"
    engine = make_engine(str(path))
    upgrade(engine, "0004")
    rnd = random.Random(9)
    with engine.begin() as conn:
        conn.execute(insert(c), old_customers(40))
        conn.execute(insert(p), old_purchases(rnd, 600, 40, datetime(2024, 1, 1), 20_000, [None, "A", "B"],
                                              [None, "X"], cancelled=0.1))
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0004"
    engine.dispose()
    db = open_database(str(path))
    try:
        assert db.schema_revision() >= "0005"
        n = counts(db)
        assert n["rollup_customer_month"] > 40 and n["rollup_month"] > 12 and n["rollup_sales_day"] > 100
        assert_exact(db)
        with db.connect() as conn:
            total = conn.execute(text("SELECT sum(amount) FROM purchase WHERE NOT cancelled")).scalar()
            assert conn.execute(text("SELECT sum(amount) FROM rollup_sales_day")).scalar() == total
        with db.begin() as conn:  # and the triggers work on the upgraded file
            conn.execute(insert(p).values(customer_id=None, source="pos", invoice_code="NEW", amount=5,
                                          purchased_at=datetime(2025, 5, 5, 9), cancelled=False))
        assert_exact(db)
    finally:
        db.dispose()


def test_upgrade_from_0005_copies_province_and_region_into_stats(tmp_path):
    path = tmp_path / "old5.db"
    engine = make_engine(str(path))
    upgrade(engine, "0005")
    places = [("Hà Nội", "north"), ("Đà Nẵng", "central"), (None, None), ("Cần Thơ", "south")]
    with engine.begin() as conn:
        conn.execute(insert(c), old_customers(20, places))
        conn.execute(text("INSERT INTO customer_stats (customer_id, order_count, total_spent, orders_30d, spent_30d, "
                          "orders_90d, spent_90d, orders_180d, spent_180d, orders_365d, spent_365d) "
                          "SELECT id, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 FROM customer"))
    engine.dispose()
    db = open_database(str(path))
    try:
        assert db.schema_revision() >= "0006"
        with db.connect() as conn:
            assert stats.geo_copy_kept(conn)
            assert stats.geo_copy_differences(conn) == []
            got = dict(conn.execute(text("SELECT customer_id, province FROM customer_stats")).all())
        assert got[1] == "Đà Nẵng" and got[2] is None and got[4] == "Hà Nội"
        with db.begin() as conn:  # the trigger follows later edits on the upgraded file
            cu.update_customer(conn, 2, {"province": "Huế"})
            assert stats.geo_copy_differences(conn) == []
            assert conn.execute(text("SELECT province FROM customer_stats WHERE customer_id = 2")).scalar() == "Huế"
    finally:
        db.dispose()


def test_downgrade_to_0004_removes_rollups(tmp_path):
    path = tmp_path / "d.db"
    engine = make_engine(str(path))
    upgrade(engine, "head")
    from alembic import command

    from loyalty_desktop.db import _alembic_config

    command.downgrade(_alembic_config(engine), "0004")
    with engine.connect() as conn:
        names = set(conn.execute(text("SELECT name FROM sqlite_master")).scalars())
        assert not any(n.startswith("rollup_") for n in names)
        assert not rollups.available(conn)
    engine.dispose()


# ------------------------------------------------------------------------------------ aggregates agree
@pytest.mark.parametrize("period", ["this_month", "3m", "12m", "custom", "all"])
def test_rollup_aggregates_equal_purchase_scans(db, period):
    make_data(db)
    if period == "custom":
        start, end = date(2025, 2, 10), date(2025, 11, 3)
    else:
        start, end = A.preset_period(period, TODAY)
    women = select(c.c.id).where(c.c.gender == "female")
    with db.connect() as conn:
        assert rollups.available(conn)
        for members in (None, women):
            scope = A.Scope(members=members, start=start, end=end, today=TODAY)
            assert A.monthly(conn, scope) == A.monthly_from_purchases(conn, scope)
            assert A.sales(conn, scope) == A.sales_from_purchases(conn, scope)
            assert A.headline(conn, scope) == A.headline_from_purchases(conn, scope)


def test_demo_bulk_load_builds_exact_rollups(tmp_path):
    """The demo generator drops the triggers while it loads; it counts the day rollup as it writes and the
    customer months come with its full stats refresh. Afterwards the triggers are back and working."""
    from loyalty_desktop import demo

    path = tmp_path / "demo.db"
    demo.generate_demo(str(path), 300, 3000, seed=3, today=TODAY)
    db = open_database(str(path))
    try:
        n = counts(db)
        assert n["rollup_customer_month"] > 300 and n["rollup_month"] >= 24 and n["rollup_sales_day"] > 500
        assert_exact(db)
        with db.connect() as conn:
            assert rollups.available(conn)
        with db.begin() as conn:
            cu.record_purchase(conn, 1, 250_000, datetime(2026, 3, 1, 10), category="Mỹ phẩm", channel="Zalo")
            assert cu.delete_customers(conn, [2, 3]) == 2
        assert_exact(db)
    finally:
        db.dispose()


def test_sales_day_counter_equals_the_trigger_maintained_table(db):
    make_data(db, n_customers=40, n_purchases=500, seed=12)
    cols = ("customer_id", "purchased_at", "amount", "category", "channel", "cancelled")
    with db.connect() as conn:
        rows = conn.execute(select(*(p.c[k] for k in cols))).all()
        stored = conn.execute(text("SELECT * FROM rollup_sales_day ORDER BY 1, 2, 3")).all()
    counter = rollups.SalesDayCounter(cols)
    counter.add(rows)
    with db.begin() as conn:
        assert counter.write(conn) == len(stored)
    with db.connect() as conn:
        assert conn.execute(text("SELECT * FROM rollup_sales_day ORDER BY 1, 2, 3")).all() == stored


def test_sales_day_counter_add_day_equals_add():
    cols = ("customer_id", "purchased_at", "amount", "category", "channel", "cancelled")
    rnd = random.Random(3)
    days = {}
    for k in range(400):
        day = f"2026-0{rnd.randint(1, 3)}-1{rnd.randint(0, 9)}"
        days.setdefault(day, []).append((rnd.choice([None, 1, 2, 3]), f"{day} 10:00:0{k % 10}", rnd.randint(1, 9) * 1000,
                                         rnd.choice([None, "", "A"]), rnd.choice([None, "X"]), rnd.random() < 0.1))
    one, two = rollups.SalesDayCounter(cols), rollups.SalesDayCounter(cols)
    for day, rows in days.items():
        one.add(rows)
        two.add_day(day, rows)
    assert one.cells == two.cells and len(one.cells) > 20
    assert sum(v[0] for v in one.cells.values()) == sum(1 for rows in days.values() for r in rows if not r[-1])


def test_upgrade_from_0006_backfills_the_bought_rollups(tmp_path):
    path = tmp_path / "old6.db"
    engine = make_engine(str(path))
    upgrade(engine, "0006")
    rnd = random.Random(4)
    with engine.begin() as conn:
        conn.execute(insert(c), old_customers(30))
        conn.execute(insert(p), old_purchases(rnd, 400, 30, datetime(2025, 1, 1), 9_000, [None, "A", "B", ""],
                                              [None, "X", "Y"], cancelled=0.2))
        conn.execute(text("UPDATE purchase SET cancelled = 1 WHERE customer_id = 7"))  # only cancelled: no rows
        stats.refresh_stats(conn, None, today=TODAY)  # the 0006 rollups (the new tables do not exist yet)
    engine.dispose()
    db = open_database(str(path))
    try:
        assert db.schema_revision() >= "0007"
        n = counts(db)
        assert n["rollup_customer_category"] > 40 and n["rollup_customer_channel"] > 30
        assert_exact(db)
        with db.connect() as conn:
            assert rollups.bought_available(conn)
            assert conn.execute(text("SELECT count(*) FROM rollup_customer_category WHERE customer_id = 7")).scalar() == 0
            last = conn.execute(text("SELECT max(purchased_at) FROM purchase WHERE customer_id = 3 AND category = 'A' "
                                     "AND NOT cancelled")).scalar()
            got = conn.execute(text("SELECT last_day FROM rollup_customer_category WHERE customer_id = 3 "
                                    "AND category = 'A'")).scalar()
        assert got == (last[:10] if last else None)
        with db.begin() as conn:  # the trigger removes a deleted customer's rows
            conn.execute(text("DELETE FROM purchase WHERE customer_id = 3"))
            conn.execute(text("DELETE FROM customer_stats WHERE customer_id = 3"))
            conn.execute(text("DELETE FROM customer WHERE id = 3"))
        assert_exact(db)
    finally:
        db.dispose()
