"""Runner: keyset pages, cancellation from another thread, explain."""

import random
import threading
import time
from datetime import date, datetime, timedelta

import pytest

from loyalty_desktop.errors import Cancelled, InvalidInput, UserError
from loyalty_desktop.segments import runner
from loyalty_desktop.segments.explain import customer_id_for_phone, explain
from loyalty_desktop.segments.reference import load_dataset, matching_ids
from loyalty_desktop.segments.testing import fill_random_shop

TODAY = date(2026, 11, 23)


@pytest.fixture
def shop(db):
    with db.begin() as conn:
        fill_random_shop(conn, random.Random(9), TODAY, n_customers=90)
    return db


@pytest.mark.parametrize("sort", ["name", "total_spent", "last_purchase", "points", "created", "order_count",
                                  "phone", "id"])
@pytest.mark.parametrize("descending", [False, True])
def test_keyset_pages_walk_the_whole_segment_in_order(shop, sort, descending):
    rule = {"not": {"field": "gender", "op": "eq", "value": "male"}}
    with shop.connect() as conn:
        expected = runner.ids(conn, rule, today=TODAY)
        seen, after, pages = [], None, 0
        while True:
            pg = runner.page(conn, rule, sort=sort, after=after, limit=7, descending=descending, today=TODAY)
            seen.extend(pg.rows)
            pages += 1
            if pg.after is None:
                break
            after = pg.after
    assert sorted(r["id"] for r in seen) == expected  # every member once
    assert len(seen) == len(expected) and pages == len(expected) // 7 + (1 if len(expected) % 7 else 0) or \
        len(expected) % 7 == 0
    key = {"name": "name_folded", "last_purchase": "last_purchase_at", "created": "created_at"}.get(sort, sort)
    values = [r[key] for r in seen]
    present = [v for v in values if v is not None]
    assert present == sorted(present, reverse=descending)
    assert values[len(present):] == [None] * (len(values) - len(present))  # missing values last


def test_page_rejects_bad_arguments(shop):
    with shop.connect() as conn:
        with pytest.raises(InvalidInput):
            runner.page(conn, {"all": []}, sort="colour")
        with pytest.raises(InvalidInput):
            runner.page(conn, {"all": []}, limit=0)


def _big_shop(db, customers=6000, purchases=60000):
    rng = random.Random(1)
    with db.begin() as conn:
        raw = conn.connection.driver_connection
        raw.executemany(
            "INSERT INTO customer (id, full_name, name_folded, phone, phone_type, gender, points, sms_opt_out, "
            "created_at, updated_at) VALUES (?, 'A', 'a', ?, 'mobile', 'female', 0, 0, "
            "'2026-01-01 00:00:00.000000', '2026-01-01 00:00:00.000000')",
            [(i, f"+8490{i:07d}") for i in range(1, customers + 1)])
        raw.executemany(
            "INSERT INTO purchase (customer_id, source, invoice_code, purchased_at, amount, discount, cancelled) "
            "VALUES (?, 't', ?, ?, ?, 0, 0)",
            [(rng.randint(1, customers), f"I{i}",
              (datetime(2026, 11, 1) - timedelta(days=rng.randint(0, 700))).strftime("%Y-%m-%d 10:00:00.000000"),
              rng.randint(1, 100) * 10000) for i in range(purchases)])


def test_cancel_from_another_thread_interrupts_a_running_query(db):
    _big_shop(db)
    # many windows without precomputed columns: one GROUP BY over purchases each (slow on purpose)
    slow = {"any": [{"field": "total_spent", "op": "lt", "value": 1 + k, "window": {"days": 701 + k}}
                    for k in range(150)]}
    token = runner.CancelToken()
    outcome = {}

    def work():
        with db.connect() as conn:
            try:
                outcome["count"] = runner.count(conn, slow, today=TODAY, token=token)
            except Cancelled:
                outcome["cancelled_at"] = time.perf_counter()

    thread = threading.Thread(target=work)
    thread.start()
    deadline = time.perf_counter() + 10
    while token._raw is None and thread.is_alive() and time.perf_counter() < deadline:
        time.sleep(0.005)
    time.sleep(0.3)  # past statement compilation, well inside the query (~2 s uncancelled)
    asked = time.perf_counter()
    token.cancel()
    thread.join(10)
    assert not thread.is_alive()
    assert "count" not in outcome, "the query finished before it could be cancelled"
    stop = outcome["cancelled_at"] - asked
    print(f"stopped {stop * 1000:.1f} ms after cancel")
    assert stop < 1.0  # generous bound; typical is a few ms
    # the connection is usable again, and a cancelled token refuses new work at once
    with db.connect() as conn:
        assert runner.count(conn, {"all": []}, today=TODAY) == 6000
        with pytest.raises(Cancelled):
            runner.count(conn, {"all": []}, today=TODAY, token=token)


def test_explain_tree_agrees_with_sql(shop):
    rule = {"all": [
        {"field": "age", "op": "gte", "value": 18},
        {"any": [{"field": "total_spent", "op": "gte", "value": 1_000_000, "window": {"days": 90}},
                 {"not": {"field": "tag", "op": "has", "value": "Khách sỉ"}}]},
        {"field": "category", "op": "bought", "value": ["Mỹ phẩm"]},
    ]}
    with shop.connect() as conn:
        members = set(runner.ids(conn, rule, today=TODAY))
        ds = load_dataset(conn)
        assert set(matching_ids(ds, rule, TODAY)) == members
        for cid in range(1, 91):
            tree = explain(conn, cid, rule, today=TODAY)
            assert tree.passed == tree.sql_passed == (cid in members)
            assert tree.kind == "all" and len(tree.children) == 3
            age = tree.children[0]
            born = ds.customers[cid]["birth_date"]
            assert age.kind == "condition" and (age.actual is None) == (born is None)
            assert age.label == "Tuổi lớn hơn hoặc bằng 18"
            assert tree.to_dict()["children"][2]["rule"]["field"] == "category"
        phone = ds.customers[5]["phone"]
        assert customer_id_for_phone(conn, phone) == 5
        with pytest.raises(UserError):
            customer_id_for_phone(conn, "+84999999999")
        with pytest.raises(UserError):
            explain(conn, 99999, rule, today=TODAY)
