"""refresh_stats / apply_tiers: the fast paths (indexes suspended during a full rebuild, tiers written
only when they change) give exactly what a plain recomputation gives, and leave the schema as it was."""

from __future__ import annotations

from collections import defaultdict

import pytest
from sqlalchemy import select, text

from loyalty_desktop import rollups, stats
from loyalty_desktop.models import Customer, CustomerStats
from loyalty_desktop.settings import get_setting, set_setting, tier_for

from test_analytics import TODAY, make_data

c = Customer.__table__
s = CustomerStats.__table__


def _schema(conn):
    return sorted(conn.exec_driver_sql(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE tbl_name IN ('customer', 'customer_stats')").all())


def _stat1(conn):
    return sorted(conn.exec_driver_sql("SELECT tbl, idx, stat FROM sqlite_stat1 WHERE tbl = 'customer_stats'").all())


def _expected(purchases, customers):
    """Order count and total spent per customer from the generated rows (cancelled ones never count)."""
    got = defaultdict(lambda: [0, 0])
    for p in purchases:
        if p["customer_id"] is not None and not p["cancelled"]:
            got[p["customer_id"]][0] += 1
            got[p["customer_id"]][1] += p["amount"]
    return {cu["id"]: tuple(got[cu["id"]]) for cu in customers}


def _tiers(conn):
    return dict(conn.execute(select(c.c.id, c.c.tier)).all())


def _spent(conn):
    return dict(conn.execute(select(s.c.customer_id, s.c.total_spent)).all())


def test_full_refresh_is_exact_and_keeps_indexes_and_planner_statistics(db):
    customers, purchases = make_data(db)
    with db.begin() as conn:
        conn.exec_driver_sql("ANALYZE customer_stats")
        schema, stat1 = _schema(conn), _stat1(conn)
        before = sorted(conn.execute(select(s)).all())
        assert stat1  # the test means something: there are statistics to keep
    with db.begin() as conn:
        conn.execute(text("UPDATE customer SET tier = 'wrong'"))  # every tier is recomputed
        stats.refresh_stats(conn, None, today=TODAY)
        stats.refresh_rfm(conn)  # (a full refresh leaves the RFM scores to refresh_rfm, as make_data does)
    with db.connect() as conn:
        assert sorted(conn.execute(select(s)).all()) == before
        assert _schema(conn) == schema and _stat1(conn) == stat1
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        rows = {r.customer_id: (r.order_count, r.total_spent) for r in conn.execute(select(s))}
        assert rows == _expected(purchases, customers)
        tiers = get_setting(conn, "tiers")
        assert _tiers(conn) == {cid: tier_for(spent, tiers) for cid, spent in _spent(conn).items()}
        assert stats.windows_as_of(conn) == TODAY
        diff = rollups.differences(conn)
        assert set(diff) == {*rollups.TABLES, *(t for t, _col in rollups.BOUGHT.values())}
        assert all(rows == [] for rows in diff.values()), diff
        # the planner still uses the indexes
        plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN SELECT count(*) FROM customer_stats WHERE total_spent > 5").all()
        assert any("ix_stats_total_spent" in str(r) or "COVERING INDEX" in str(r) for r in plan)


def test_full_refresh_rolled_back_restores_rows_and_indexes(db):
    make_data(db)
    with db.connect() as conn:
        schema = _schema(conn)
        before = sorted(conn.execute(select(s)).all())
    with pytest.raises(RuntimeError):
        with db.begin() as conn:
            conn.execute(text("DELETE FROM purchase"))
            stats.refresh_stats(conn, None, today=TODAY)
            assert conn.execute(select(s.c.total_spent).where(s.c.total_spent > 0)).first() is None
            raise RuntimeError("cancel")
    with db.connect() as conn:
        assert _schema(conn) == schema
        assert sorted(conn.execute(select(s)).all()) == before


def test_full_refresh_outside_an_explicit_transaction(db):
    """Called on a connection with nothing written yet: still exact, indexes still there after commit."""
    customers, purchases = make_data(db)
    with db.connect() as conn:
        schema = _schema(conn)
        stats.refresh_stats(conn, None, today=TODAY)
        conn.commit()
    with db.connect() as conn:
        assert _schema(conn) == schema
        rows = {r.customer_id: (r.order_count, r.total_spent) for r in conn.execute(select(s))}
        assert rows == _expected(purchases, customers)


@pytest.mark.parametrize("ids", [None, "some"])
def test_tiers_follow_a_threshold_change_up_and_down(db, ids):
    customers, _ = make_data(db)
    with db.connect() as conn:
        spent = _spent(conn)
    high = max(spent.values())
    chosen = None if ids is None else sorted(spent)[::3]
    for tiers in (
        [["Kim cương", 3_000_000], ["Vàng", 1_000_000], ["Bạc", 200_000]],  # lower: many go up
        [["Bạc", high + 1]],  # nobody qualifies: everyone back to no tier
        [["Vàng", 0]],  # everyone, even those who never bought
        [],  # no tiers at all
        [["Kim cương", 30_000_000], ["Vàng", 10_000_000], ["Bạc", 2_000_000]],
    ):
        with db.begin() as conn:
            old = _tiers(conn)
            set_setting(conn, "tiers", tiers)
            if ids is None:
                stats.refresh_stats(conn, None, today=TODAY)
            else:
                stats.refresh_stats(conn, chosen, today=TODAY)
        with db.connect() as conn:
            got = _tiers(conn)
        for cid, total in spent.items():
            if ids is None or cid in chosen:
                assert got[cid] == tier_for(total, tiers), (tiers, cid, total)
            else:
                assert got[cid] == old[cid]  # not refreshed: unchanged


def test_apply_tiers_for_customers_without_a_stats_row(db):
    """A customer whose stats row is missing (should not happen) gets no tier, as before."""
    make_data(db, n_customers=20, n_purchases=200)
    with db.begin() as conn:
        set_setting(conn, "tiers", [["Vàng", 0]])
        stats.apply_tiers(conn, None)
        conn.execute(s.delete().where(s.c.customer_id == 1))
        stats.apply_tiers(conn, [1, 2])
        tiers = _tiers(conn)
    assert tiers[1] is None and tiers[2] == "Vàng" and tiers[3] == "Vàng"
