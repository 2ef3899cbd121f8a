"""The aggregate cache is used while the data is unchanged, and never after a write that changes it."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert, select, update
from test_analytics import TODAY, make_data

from loyalty_desktop import stats
from loyalty_desktop.analytics import aggregates as A
from loyalty_desktop.analytics.cache import AnalyticsCache, cached, fingerprint
from loyalty_desktop.models import Customer, Purchase


def test_cache_hits_until_data_changes(db, tmp_path):
    make_data(db, 60, 500)
    cache = AnalyticsCache(db.location, tmp_path)
    scope = A.Scope(start=TODAY - timedelta(days=90), end=TODAY, today=TODAY)
    calls = []

    def compute(conn):
        calls.append(1)
        return A.categories(conn, scope)

    with db.connect() as conn:
        first, hit1 = cached(cache, conn, "k", lambda: compute(conn))
        second, hit2 = cached(cache, conn, "k", lambda: compute(conn))
    assert (hit1, hit2) == (False, True) and first == second and len(calls) == 1

    # A new purchase (with its stats refresh, as every write path does) invalidates the entry.
    with db.begin() as conn:
        conn.execute(insert(Purchase.__table__).values(
            customer_id=1, source="t", invoice_code="NEW1", purchased_at=datetime.combine(TODAY, datetime.min.time()),
            amount=777_000, category="Mỹ phẩm", channel="Shopee"))
        stats.refresh_stats(conn, [1], today=TODAY)
    with db.connect() as conn:
        third, hit3 = cached(cache, conn, "k", lambda: compute(conn))
    assert not hit3 and third != first

    # Cancelling a customer's purchase changes their stats, so the fingerprint too.
    with db.connect() as conn:
        before = fingerprint(conn)
    with db.begin() as conn:
        conn.execute(update(Purchase.__table__).where(Purchase.__table__.c.invoice_code == "NEW1").values(cancelled=True))
        stats.refresh_stats(conn, [1], today=TODAY)
    with db.connect() as conn:
        assert fingerprint(conn) != before


def test_cache_file_survives_a_restart_and_ignores_garbage(db, tmp_path):
    make_data(db, 40, 300)
    scope = A.Scope(today=TODAY)
    with db.connect() as conn:
        fresh = A.compute_all(conn, scope, cache=AnalyticsCache(db.location, tmp_path))
    files = list(tmp_path.glob("*.json"))
    assert len(files) == 1
    reopened = AnalyticsCache(db.location, tmp_path)
    with db.connect() as conn:
        fp = fingerprint(conn)
    assert reopened.get(A.scope_key("monthly", scope), fp) == fresh["monthly"]
    assert reopened.get(A.scope_key("monthly", scope), "other-fingerprint") is None
    files[0].write_text("{not json", encoding="utf-8")
    broken = AnalyticsCache(db.location, tmp_path)
    assert broken.get(A.scope_key("monthly", scope), fp) is None  # unreadable: recomputed, no crash
    with db.connect() as conn:
        again = A.compute_all(conn, scope, cache=broken)
    assert again == fresh


def test_segment_scope_is_never_cached(db, tmp_path):
    make_data(db, 40, 300)
    cache = AnalyticsCache(db.location, tmp_path)
    cu = Customer.__table__
    with db.connect() as conn:
        A.compute_all(conn, A.Scope(members=select(cu.c.id).where(cu.c.gender == "male"), today=TODAY), cache=cache)
    assert not list(tmp_path.glob("*.json"))


def test_refresh_recomputes(db, tmp_path):
    make_data(db, 40, 300)
    cache = AnalyticsCache(db.location, None)  # memory only
    with db.connect() as conn:
        cached(cache, conn, "x", lambda: 1)
        assert cached(cache, conn, "x", lambda: 2) == (1, True)
        assert cached(cache, conn, "x", lambda: 3, refresh=True) == (3, False)


def test_walk_in_edits_invalidate_through_the_rollups(db, tmp_path):
    """A walk-in sale touches no customer stats; the day rollup's stamp still changes the fingerprint."""
    make_data(db, 40, 300)
    p = Purchase.__table__
    with db.connect() as conn:
        before = fingerprint(conn)
        walk_in = conn.execute(select(p.c.id).where(p.c.customer_id.is_(None), p.c.cancelled.is_(False))
                               .order_by(p.c.id).limit(1)).scalar()
    assert walk_in is not None
    with db.begin() as conn:
        conn.execute(update(p).where(p.c.id == walk_in).values(cancelled=True))
    with db.connect() as conn:
        after = fingerprint(conn)
    assert after != before
    with db.begin() as conn:
        conn.execute(update(p).where(p.c.id == walk_in).values(cancelled=False))
    with db.connect() as conn:
        assert fingerprint(conn) == before  # the same data again: the same stamp
