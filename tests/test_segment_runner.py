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


@pytest.mark.parametrize("warm", [False, True])
def test_cancel_from_another_thread_interrupts_a_running_query(db, warm):
    """warm=True: the rule ran before, so its SQL is replayed on the driver connection (cached)."""
    _big_shop(db)
    # many windows without precomputed columns: one GROUP BY over purchases each (slow on purpose)
    slow = {"any": [{"field": "total_spent", "op": "lt", "value": 1 + k, "window": {"days": 701 + k}}
                    for k in range(150)]}
    runner.clear_cache()
    if warm:
        with db.connect() as conn:
            full = runner.count(conn, slow, today=TODAY)
            assert runner._driver_sql
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
        if warm:
            assert runner.count(conn, slow, today=TODAY) == full
    runner.clear_cache()


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


def test_cached_rules_follow_data_tag_and_segment_changes(shop):
    """The runner keeps compiled rules (and their SQL) per (rule, today): results still follow the data."""
    import json

    from sqlalchemy import insert, select, update

    from loyalty_desktop.models import CustomerTag, Tag
    from loyalty_desktop.segments import store
    from loyalty_desktop.segments.rules import parse_rule

    ct, t = CustomerTag.__table__, Tag.__table__
    rule = {"all": [{"field": "tag", "op": "has", "value": "Khách sỉ"}, {"field": "gender", "op": "ne", "value": "male"}]}
    runner.clear_cache()
    with shop.connect() as conn:
        trans = conn.begin()
        try:
            def truth(r):
                return matching_ids(load_dataset(conn), parse_rule(r), TODAY)

            expected = truth(rule)
            assert expected
            # dict, model and JSON text of the same rule: same answer, first (compile) and later (cached) runs
            for form in (rule, parse_rule(rule), json.dumps(rule, ensure_ascii=False)):
                for _ in range(2):
                    assert runner.count(conn, form, today=TODAY) == len(expected)
                    assert runner.ids(conn, form, today=TODAY) == expected
            assert runner._driver_sql  # the replayable statements were captured
            # new data: tag every customer with the tag -> the cached statement sees them
            tag_id = conn.execute(select(t.c.id).where(t.c.name == "Khách sỉ")).scalar()
            have = set(conn.execute(select(ct.c.customer_id).where(ct.c.tag_id == tag_id)).scalars())
            missing = [{"customer_id": i, "tag_id": tag_id} for i in range(1, 91) if i not in have]
            conn.execute(insert(ct), missing)
            expected2 = truth(rule)
            assert len(expected2) > len(expected)
            assert runner.count(conn, rule, today=TODAY) == len(expected2)
            assert runner.ids(conn, rule, today=TODAY) == expected2
            # tag renamed: the rule names the old tag, which no longer exists -> nobody
            conn.execute(update(t).where(t.c.id == tag_id).values(name="Sỉ", name_folded="si"))
            assert runner.count(conn, rule, today=TODAY) == 0 == len(truth(rule))
            # a saved segment's rule changes: rules referring to it follow (never served from the cache)
            women = {"field": "gender", "op": "eq", "value": "female"}
            men = {"field": "gender", "op": "eq", "value": "male"}
            store.save_segment(conn, "Cache test", women)
            ref = {"all": [{"field": "segment", "op": "in", "value": ["Cache test"]}]}
            assert runner.count(conn, ref, today=TODAY) == len(truth(women))
            store.update_segment(conn, "Cache test", men)
            assert runner.count(conn, ref, today=TODAY) == len(truth(men)) != len(truth(women))
            assert runner.ids(conn, ref, today=TODAY) == truth(men)
            # another day is another key (windows, ages): still right
            later = TODAY + timedelta(days=400)
            aged = {"field": "age", "op": "gte", "value": 30}
            assert runner.count(conn, aged, today=later) == len(
                matching_ids(load_dataset(conn), parse_rule(aged), later))
            # invalid rules fail every time, cached or not — also when a valid twin is cached
            between = {"field": "age", "op": "between", "value": [20, 40]}
            assert runner.count(conn, between, today=TODAY) == len(truth(between))
            for _ in range(2):
                with pytest.raises(InvalidInput):
                    runner.count(conn, {"field": "age", "op": "between", "value": (20, 40)}, today=TODAY)
                with pytest.raises(InvalidInput):
                    runner.count(conn, {"field": "age", "op": "between", "value": [30]}, today=TODAY)
                with pytest.raises(InvalidInput):
                    runner.count(conn, {"field": "province", "op": "in", "value": ["Atlantis"]}, today=TODAY)
        finally:
            trans.rollback()
            runner.clear_cache()


def test_cache_is_bounded():
    runner.clear_cache()
    try:
        for i in range(runner.PREPARED_MAX + 50):
            runner._lru_put(runner._prepared, ("k", i), None)
        assert len(runner._prepared) == runner.PREPARED_MAX
        assert ("k", 0) not in runner._prepared and ("k", runner.PREPARED_MAX + 49) in runner._prepared
    finally:
        runner.clear_cache()
