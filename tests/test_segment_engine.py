"""Compiled SQL == plain-Python reference, on random rules over random small shops (hypothesis)."""

import random
from contextlib import contextmanager
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loyalty_desktop.segments import runner
from loyalty_desktop.segments.reference import load_dataset, matching_ids
from loyalty_desktop.segments.rules import parse_rule
from loyalty_desktop.segments.testing import fill_random_shop, random_rule

TODAYS = [date(2026, 11, 23), date(2028, 2, 29), date(2027, 2, 28), date(2026, 12, 31), date(2027, 1, 1),
          date(2026, 3, 1)]


@contextmanager
def random_shop(database, rng, today, **kw):
    """A connection on a freshly filled random shop (``fill_random_shop``), rolled back afterwards."""
    with database.connect() as conn:
        trans = conn.begin()
        try:
            fill_random_shop(conn, rng, today, **kw)
            yield conn
        finally:
            trans.rollback()


@pytest.fixture(scope="module")
def shop_db(tmp_path_factory):
    from loyalty_desktop.db import open_database

    database = open_database(str(tmp_path_factory.mktemp("seg") / "shop.db"))
    yield database
    database.dispose()


def _schema_feature_path(monkeypatch, feature: int, kept: bool):
    """With ``kept`` false, compile as on a database without feature ``feature`` of
    ``runner._schema_features`` (0: the "bought X" rollups, 1: the tag combinations)."""
    if not kept:
        features = runner._schema_features
        monkeypatch.setattr(runner, "_schema_features",
                            lambda conn: tuple(f and i != feature for i, f in enumerate(features(conn))))
    runner.clear_cache()
    yield
    runner.clear_cache()


@pytest.fixture(params=["rollup", "purchases"])
def bought_path(request, monkeypatch):
    """Run "bought category/channel X" conditions from the last-purchase rollups (the default on SQLite)
    and, again, from the purchases (databases without them)."""
    yield from _schema_feature_path(monkeypatch, 0, request.param == "rollup")


@pytest.fixture(params=["masks", "customer_tag"])
def tag_count_path(request, monkeypatch):
    """Count pure-tag rules from the tag combinations (the default on SQLite) and, again, from
    customer_tag (shops with tag ids above tag_masks.MAX_TAG_ID, other databases)."""
    yield from _schema_feature_path(monkeypatch, 1, request.param == "masks")


def _check(conn, today, rng, n_rules):
    ds = load_dataset(conn)
    for _ in range(n_rules):
        rule = parse_rule(random_rule(rng, today))
        expected = matching_ids(ds, rule, today)
        got = runner.ids(conn, rule, today=today)
        assert got == expected, rule
        assert runner.count(conn, rule, today=today) == len(expected)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rng=st.randoms(use_true_random=False), today=st.sampled_from(TODAYS), stale=st.booleans())
def test_sql_matches_reference(shop_db, bought_path, rng, today, stale):
    """stale=True: stats as of another day, so windowed conditions aggregate purchases instead."""
    stats_today = date.fromordinal(today.toordinal() - 1) if stale else today
    with random_shop(shop_db, rng, today, stats_today=stats_today) as conn:
        assert runner.windows_current(conn, today) is (not stale)
        _check(conn, today, rng, 25)


def test_bigger_shop_many_rules(shop_db, bought_path):
    rng = random.Random(7)
    today = date(2026, 11, 23)
    with random_shop(shop_db, rng, today, n_customers=120) as conn:
        _check(conn, today, rng, 300)


def test_lapsed_category_and_channel_pairs_match_reference(shop_db, bought_path):
    """"Bought X [in M days] and not bought X in N days" compiles to one range of the last-purchase rollup
    (or one grouped pass over purchases without it; compiler._lapsed): same ids as the reference for every
    window pairing, value order, extra conditions and negation."""
    from loyalty_desktop.segments.compiler import _lapsed_pairs
    from loyalty_desktop.segments.testing import CATEGORIES, CHANNELS

    rng = random.Random(21)
    today = date(2026, 11, 23)
    cats = [x for x in CATEGORIES if x][:2]
    chans = [x for x in CHANNELS if x][:2]
    with random_shop(shop_db, rng, today, n_customers=150) as conn:
        ds = load_dataset(conn)
        rewritten = 0
        for field, values in (("category", cats), ("channel", chans), ("category", cats[:1])):
            for m in (None, 30, 90, 180, 365, 60):
                for n in (30, 90, 60):
                    bought = {"field": field, "op": "bought", "value": values}
                    if m is not None:
                        bought["window"] = {"days": m}
                    lapsed = {"field": field, "op": "not_bought", "value": list(reversed(values)),
                              "window": {"days": n}}
                    for node in ({"all": [bought, lapsed]},
                                 {"all": [lapsed, {"field": "gender", "op": "eq", "value": "female"}, bought]},
                                 {"not": {"all": [bought, lapsed]}},
                                 {"any": [{"all": [bought, lapsed]}, {"field": "sms_opt_out", "op": "eq",
                                                                      "value": True}]}):
                        rule = parse_rule(node)
                        expected = matching_ids(ds, rule, today)
                        assert runner.ids(conn, rule, today=today) == expected, node
                        assert runner.count(conn, rule, today=today) == len(expected), node
                    rewritten += bool(_lapsed_pairs(parse_rule({"all": [bought, lapsed]}).all))
        pairable = sum(1 for m in (None, 30, 90, 180, 365, 60) for n in (30, 90, 60) if m is None or m > n)
        assert rewritten == 3 * pairable == 36  # the others (M ≤ N: contradictory) stay two IN-lists


def test_stats_equal_recomputation_from_purchases(shop_db):
    """customer_stats (as written by refresh_stats / slide_windows) == aggregation of raw purchases."""
    from datetime import timedelta

    from sqlalchemy import select

    from loyalty_desktop import stats
    from loyalty_desktop.models import CustomerStats
    from loyalty_desktop.segments.reference import _counted

    rng = random.Random(3)
    today = date(2026, 11, 23)
    with random_shop(shop_db, rng, today - timedelta(days=5), n_customers=60) as conn:
        stats.slide_windows(conn, today)  # slide five days forward
        ds = load_dataset(conn)
        rows = {r.customer_id: r for r in conn.execute(select(CustomerStats.__table__))}
        assert set(rows) == set(ds.customers)
        for cid in ds.customers:
            r = rows[cid]
            allp = _counted(ds, cid, today, None)
            assert r.order_count == len(allp)
            assert r.total_spent == sum(x["amount"] for x in allp)
            assert r.last_purchase_at == (max(x["purchased_at"] for x in allp) if allp else None)
            assert r.first_purchase_at == (min(x["purchased_at"] for x in allp) if allp else None)
            for d in stats.WINDOWS:
                inside = _counted(ds, cid, today, d)
                assert getattr(r, f"orders_{d}d") == len(inside)
                assert getattr(r, f"spent_{d}d") == sum(x["amount"] for x in inside)
        assert runner.windows_current(conn, today)


def test_rfm_scores_are_quintiles(shop_db):
    from sqlalchemy import select

    from loyalty_desktop.models import CustomerStats

    rng = random.Random(11)
    today = date(2026, 11, 23)
    s = CustomerStats.__table__
    with random_shop(shop_db, rng, today, n_customers=100) as conn:
        rows = list(conn.execute(select(s.c.order_count, s.c.total_spent, s.c.rfm_r, s.c.rfm_f, s.c.rfm_m)))
        buyers = [r for r in rows if r.order_count > 0]
        assert all(r.rfm_r is None and r.rfm_m is None for r in rows if r.order_count == 0)
        assert buyers and all(1 <= r.rfm_m <= 5 and 1 <= r.rfm_f <= 5 and 1 <= r.rfm_r <= 5 for r in buyers)
        # monetary score never decreases with spend
        ordered = sorted(buyers, key=lambda r: r.total_spent)
        for a, b in zip(ordered, ordered[1:]):
            if a.total_spent < b.total_spent:
                assert a.rfm_m <= b.rfm_m
            else:
                assert a.rfm_m == b.rfm_m  # ties share a score: deterministic segments
        assert min(r.rfm_m for r in buyers) == 1 and max(r.rfm_m for r in buyers) >= 4


def test_tag_driven_rules_match_reference(shop_db):
    """Rules made only of id tests with a top-level "has tag X" are read from customer_tag: same result."""
    from loyalty_desktop.customers import CustomerQuery, count_customers
    from loyalty_desktop.segments.testing import random_condition

    rng = random.Random(21)
    today = date(2026, 11, 23)
    id_only = {"tag", "tag_group", "category", "channel"}
    with random_shop(shop_db, rng, today, n_customers=80) as conn:
        ds = load_dataset(conn)
        for _ in range(150):
            conds = []
            while len(conds) < rng.randint(0, 3):
                cand = random_condition(rng, today)
                if cand["field"] in id_only and "window" not in cand:
                    conds.append(rng.choice([cand, {"not": cand}, {"any": [cand]}]))
            tag = rng.choice(["Bạc", "vang", "Khách sỉ", "Không tồn tại"])
            rule = {"all": conds[:1] + [{"field": "tag", "op": "has", "value": tag}] + conds[1:]}
            parts = runner.compile_for(conn, rule, today)
            assert parts.from_clause.name == "drv"
            expected = matching_ids(ds, rule, today)
            assert runner.ids(conn, rule, today=today) == expected, rule
            assert runner.count(conn, rule, today=today) == len(expected)
            page = runner.page(conn, rule, sort="name", limit=1000, today=today)
            assert sorted(r["id"] for r in page.rows) == expected
            # Compiled.where stays a predicate over customer (used by the customer list's rule filter)
            assert count_customers(conn, CustomerQuery(rule=rule), today) == len(expected), rule


def _name(from_clause):
    return getattr(from_clause, "name", None)


def _check_tag_rules(conn, rng, today, n_rules):
    from loyalty_desktop.customers import CustomerQuery, count_customers
    from loyalty_desktop.segments.compiler import compile_parts
    from loyalty_desktop.segments.testing import random_tag_rule

    ds = load_dataset(conn)
    used = 0
    for _ in range(n_rules):
        rule = parse_rule(random_tag_rule(rng, today))
        expected = matching_ids(ds, rule, today)
        parts = runner.compile_for(conn, rule, today)
        used += _name(parts.from_clause) == "tagset"
        assert runner.ids(conn, rule, today=today) == expected, rule
        assert runner.count(conn, rule, today=today) == len(expected), rule
        assert runner.count(conn, rule, today=today) == len(expected), rule  # the cached statement
        page = runner.page(conn, rule, sort="name", limit=1000, today=today)
        assert sorted(r["id"] for r in page.rows) == expected, rule
        # Compiled.where is a predicate over customer, whatever the form (the rule builder's preview list)
        assert count_customers(conn, CustomerQuery(rule=rule), today) == len(expected), rule
        # the per-customer probe form (set algebra off) gives the same ids
        probe = compile_parts(rule, today, tag_set_algebra=False)
        assert _name(probe.from_clause) != "tagset"
        assert sorted(conn.execute(probe.ids_select()).scalars()) == expected, rule
    return used


@pytest.fixture
def set_algebra_always(monkeypatch):
    """No tag counts as "small": pure-tag rules always take the set-algebra form."""
    from loyalty_desktop.segments import compiler

    runner.clear_cache()
    monkeypatch.setattr(compiler, "SMALL_TAG_SET", 0)
    yield
    runner.clear_cache()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rng=st.randoms(use_true_random=False))
def test_pure_tag_rules_as_set_algebra_match_reference(shop_db, set_algebra_always, tag_count_path, rng):
    """Rules made only of tag / tag_group conditions compile to INTERSECT / EXCEPT / UNION over
    customer_tag: the same ids as the reference (count, ids, page) and as the probe form."""
    today = date(2026, 11, 23)
    with random_shop(shop_db, rng, today, n_customers=rng.choice([0, 5, 40])) as conn:
        _check_tag_rules(conn, rng, today, 12)


def test_many_pure_tag_rules_take_the_set_form(shop_db, set_algebra_always, tag_count_path):
    rng = random.Random(31)
    today = date(2026, 11, 23)
    with random_shop(shop_db, rng, today, n_customers=80) as conn:
        used = _check_tag_rules(conn, rng, today, 200)
        assert used >= 50  # the set form is really exercised (the rest: complements, single lists)


def test_small_top_level_tag_drives_a_pure_tag_rule(shop_db):
    """Below SMALL_TAG_SET customers, a top-level "has tag X" drives (probes); otherwise set algebra."""
    from loyalty_desktop.segments import compiler

    rng = random.Random(5)
    today = date(2026, 11, 23)
    rule = {"all": [{"field": "tag", "op": "has", "value": "Vàng"},
                    {"any": [{"field": "tag", "op": "has", "value": "Bạc"},
                             {"not": {"field": "tag", "op": "has", "value": "Khách sỉ"}}]}]}
    with random_shop(shop_db, rng, today, n_customers=60) as conn:
        expected = matching_ids(load_dataset(conn), parse_rule(rule), today)
        assert expected  # a real test: somebody matches
        runner.clear_cache()
        small = runner.compile_for(conn, rule, today)
        assert _name(small.from_clause) == "drv"
        assert runner.ids(conn, rule, today=today) == expected
        try:
            compiler.SMALL_TAG_SET, saved = 0, compiler.SMALL_TAG_SET
            runner.clear_cache()
            big = runner.compile_for(conn, rule, today)
            assert _name(big.from_clause) == "tagset"
            assert runner.ids(conn, rule, today=today) == expected
            assert runner.count(conn, rule, today=today) == len(expected)
            # the shape the benchmark relies on: Zalo EXCEPT (KM AND NOT Facebook), merged by SQLite (the
            # ids; the count comes from the tag combinations)
            assert "tag_mask_count" in str(big.count_select().compile(conn))
            sql = str(big.ids_select().compile(conn))
            assert sql.count(" EXCEPT ") == 1 and "NOT (EXISTS" in sql and "ORDER BY" in sql
            raw = conn.connection.driver_connection
            params = big.ids_select().compile(conn).params
            plan = " | ".join(r[3] for r in raw.execute(
                "EXPLAIN QUERY PLAN " + str(big.ids_select().compile(conn, compile_kwargs={"literal_binds": True}))))
            assert "MERGE (EXCEPT)" in plan, plan
            assert params  # values are bound parameters
        finally:
            compiler.SMALL_TAG_SET = saved
            runner.clear_cache()
