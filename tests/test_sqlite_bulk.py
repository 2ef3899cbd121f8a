"""sqlite_bulk: multi-row inserts and index suspension on a real SQLite file."""

from __future__ import annotations

import sqlite3

import pytest

from loyalty_desktop import sqlite_bulk


@pytest.fixture()
def raw(tmp_path):
    conn = sqlite3.connect(tmp_path / "bulk.db", isolation_level=None)
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, amount INTEGER, note TEXT)")
    conn.execute("CREATE INDEX ix_t_amount ON t (amount)")
    yield conn
    conn.close()


@pytest.mark.parametrize("n", [0, 1, 6, 7, 20, 23])
def test_insert_rows_writes_every_row_in_order(raw, monkeypatch, n):
    monkeypatch.setattr(sqlite_bulk, "ROWS_PER_STATEMENT", 7)  # full statements and a remainder
    rows = [(f"C{i}", i * 10 if i % 3 else None, "ghi chú" if i % 2 else None) for i in range(n)]
    sqlite_bulk.insert_rows(raw, "t", ("code", "amount", "note"), rows)
    assert raw.execute("SELECT code, amount, note FROM t ORDER BY id").fetchall() == rows


def test_insert_rows_respects_the_variable_limit(raw, monkeypatch):
    raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 10)  # 3 rows of 3 values per statement at most
    rows = [(f"C{i}", i, None) for i in range(11)]
    sqlite_bulk.insert_rows(raw, "t", ("code", "amount", "note"), rows)
    assert raw.execute("SELECT count(*), sum(amount) FROM t").fetchone() == (11, 55)


def test_insert_rows_raises_on_a_constraint_and_a_rollback_leaves_nothing(raw):
    raw.execute("BEGIN")
    with pytest.raises(sqlite3.IntegrityError):
        sqlite_bulk.insert_rows(raw, "t", ("code", "amount", "note"), [("A", 1, None)] * 3 + [("B", 2, None)])
    raw.execute("ROLLBACK")
    assert raw.execute("SELECT count(*) FROM t").fetchone() == (0,)


def test_suspended_indexes_come_back_with_their_statistics(raw):
    raw.executemany("INSERT INTO t (code, amount) VALUES (?, ?)", [(f"C{i}", i % 5) for i in range(50)])
    raw.execute("ANALYZE")
    stat = raw.execute("SELECT stat FROM sqlite_stat1 WHERE idx = 'ix_t_amount'").fetchone()
    raw.execute("BEGIN")
    suspended = sqlite_bulk.suspend_indexes(raw, "t")
    assert raw.execute("SELECT count(*) FROM sqlite_master WHERE name = 'ix_t_amount'").fetchone() == (0,)
    sqlite_bulk.restore_indexes(raw, suspended)
    raw.execute("COMMIT")
    assert raw.execute("SELECT stat FROM sqlite_stat1 WHERE idx = 'ix_t_amount'").fetchone() == stat
    plan = raw.execute("EXPLAIN QUERY PLAN SELECT id FROM t WHERE amount = 3").fetchall()
    assert any("ix_t_amount" in str(r) for r in plan)


def _sort_settings(conn) -> tuple[int, int]:
    return conn.execute("PRAGMA temp_store").fetchone()[0], conn.execute("PRAGMA threads").fetchone()[0]


def test_parallel_sorts_sets_up_temp_files_and_threads_then_puts_the_settings_back(raw):
    raw.execute("PRAGMA temp_store=MEMORY")  # what the app's connections use
    with sqlite_bulk.parallel_sorts(raw):
        # SQLite's sorter uses worker threads only with temp files
        assert _sort_settings(raw) == (1, sqlite_bulk.SORT_THREADS)
        raw.execute("BEGIN")
        sqlite_bulk.insert_rows(raw, "t", ("code", "amount", "note"), [(f"C{i}", i, None) for i in range(50)])
        raw.execute("COMMIT")
    assert _sort_settings(raw) == (2, 0)


def test_parallel_sorts_changes_nothing_inside_an_open_transaction(raw):
    raw.execute("PRAGMA temp_store=MEMORY")
    raw.execute("BEGIN")
    raw.execute("INSERT INTO t (code) VALUES ('A')")
    with sqlite_bulk.parallel_sorts(raw):
        assert _sort_settings(raw) == (2, 0)
    raw.execute("ROLLBACK")
    with sqlite_bulk.parallel_sorts(None):  # not SQLite: nothing to set up
        pass


def test_indexes_are_built_with_a_small_cache_and_the_cache_comes_back(raw):
    raw.execute("PRAGMA cache_size=-65536")
    raw.execute("BEGIN")
    sqlite_bulk.insert_rows(raw, "t", ("code", "amount", "note"), [(f"C{i}", i % 7, None) for i in range(500)])
    suspended = sqlite_bulk.suspend_indexes(raw, "t")
    sizes = []
    original = raw.execute

    class Spy:  # sqlite3.Connection.execute cannot be patched: wrap the connection instead
        def __getattr__(self, name):
            return getattr(raw, name)

        def execute(self, sql, *args):
            if sql.startswith("CREATE INDEX"):
                sizes.append(original("PRAGMA cache_size").fetchone()[0])
            return original(sql, *args)

    sqlite_bulk.restore_indexes(Spy(), suspended)
    raw.execute("COMMIT")
    assert sizes == [-sqlite_bulk.SORT_CACHE_KIB]
    assert raw.execute("PRAGMA cache_size").fetchone()[0] == -65536
    assert raw.execute("SELECT count(*) FROM t INDEXED BY ix_t_amount WHERE amount = 3").fetchone()[0] == 71
    raw.execute("PRAGMA cache_size=-2000")  # already small: left as it is
    with sqlite_bulk.sort_cache(raw):
        assert raw.execute("PRAGMA cache_size").fetchone()[0] == -2000


def test_checkpoint_later_leaves_the_log_for_afterwards_and_restores_the_setting(tmp_path):
    main = tmp_path / "wal.db"
    conn = sqlite3.connect(main, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA wal_autocheckpoint=10")  # pages
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT)")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = main.stat().st_size
    with sqlite_bulk.checkpoint_later(conn):
        assert conn.execute("PRAGMA wal_autocheckpoint").fetchone() == (0,)
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO t (note) VALUES (?)", [("x" * 500,) for _ in range(2000)])
        conn.execute("COMMIT")
    assert conn.execute("PRAGMA wal_autocheckpoint").fetchone() == (10,)
    assert main.stat().st_size == size  # ~250 pages committed, none copied yet
    busy, log, done = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert busy == 0 and log == done > 200 and main.stat().st_size > size
    # Without it the same commit checkpoints by itself.
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO t (note) VALUES (?)", [("y" * 500,) for _ in range(2000)])
    conn.execute("COMMIT")
    assert main.stat().st_size > size + 2000 * 500
    conn.close()
