"""Bulk writes on SQLite: drop a table's secondary indexes, write, build them again sorted; insert
many rows per statement (:func:`insert_rows`).

Building an index once, sorted, costs a fraction of keeping several b-trees up to date row by row
(1M purchases: 17 s → 7 s + 6 s; a full stats refresh of 200k customers: the DELETE alone took 4.3 s
with its 8 indexes). The caller must be inside a transaction: DDL is transactional in SQLite, so a
rollback (cancel, crash) restores the indexes and other connections never see them missing. Unique
constraints (automatic indexes) stay. ``DROP INDEX`` also deletes the index's ``sqlite_stat1`` row; it is
put back with the index so the planner keeps its statistics.

Index builds sort every entry. SQLite's sorter can sort and merge on worker threads, but only when its
runs go to temporary *files* (``temp_store=FILE``, which the app's connections do not use by default:
they keep small temporary tables in memory) and when a sort is split into several runs, whose size
follows the page cache. :func:`parallel_sorts` sets up a connection for that around a bulk job and
:func:`restore_indexes` builds with a small cache (1M purchases, 4 covering indexes: 12.4 s → 6.8 s on 2
cores). The temporary files sit in the OS temp folder and are deleted as the sort ends.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterator, Sequence

# Worker threads a sort may use besides the connection's own (SQLite starts them only for big sorts).
SORT_THREADS = min(4, os.cpu_count() or 1)
# Page cache while indexes are built: the sorter's runs are about this size, so a big sort is split
# into runs that worker threads sort and merge. 1M purchases' 4 indexes: 10.9 s with the app's 64 MiB
# (few runs, barely threaded), 7.6 s with 16 MiB; 2 MiB was faster again in a 2M-row test (1.4 vs 1.9 s).
SORT_CACHE_KIB = 2 * 1024


@dataclass
class Suspended:
    table: str
    sqls: list[str] = field(default_factory=list)
    stat1: list[tuple] = field(default_factory=list)


def suspend_indexes(raw: sqlite3.Connection, table: str) -> Suspended | None:
    """Drop ``table``'s secondary indexes (their SQL and statistics kept); None if it has none."""
    found = raw.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                        "AND sql IS NOT NULL", (table,)).fetchall()
    if not found:
        return None
    names = [name for name, _sql in found]
    stat1 = []
    if raw.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'").fetchone():
        stat1 = raw.execute(f"SELECT tbl, idx, stat FROM sqlite_stat1 WHERE tbl = ? "
                            f"AND idx IN ({','.join('?' * len(names))})", (table, *names)).fetchall()
    for name in names:
        raw.execute(f'DROP INDEX "{name}"')
    return Suspended(table, [sql for _name, sql in found], stat1)


def suspend_in_transaction(conn, table: str) -> Suspended | None:
    """:func:`suspend_indexes` for a SQLAlchemy connection: on SQLite and inside a transaction only (DDL
    outside one would not be part of the caller's work); None otherwise, and nothing is dropped."""
    if conn.dialect.name != "sqlite":
        return None
    raw = conn.connection.driver_connection
    if not getattr(raw, "in_transaction", False):
        return None
    return suspend_indexes(raw, table)


def restore_in_transaction(conn, suspended: Suspended | None) -> None:
    """:func:`restore_indexes` for what :func:`suspend_in_transaction` dropped."""
    if suspended:
        restore_indexes(conn.connection.driver_connection, suspended)


def restore_indexes(raw: sqlite3.Connection, suspended: Suspended | None,
                    progress: Callable[[int, int], None] | None = None) -> None:
    """Build the dropped indexes again and put their statistics back; ``progress(done, total)`` is called
    before each index and after the last (one index of 1M rows takes seconds)."""
    if not suspended:
        return
    total = len(suspended.sqls)
    with sort_cache(raw):
        for done, sql in enumerate(suspended.sqls):
            if progress is not None:
                progress(done, total)
            raw.execute(sql)
    if progress is not None:
        progress(total, total)
    if suspended.stat1:
        raw.executemany("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)", suspended.stat1)


def use_parallel_sorts(raw: sqlite3.Connection) -> None:
    """Temp files and worker threads for this connection's sorts from now on (a connection of its own,
    like the demo generator's; :func:`parallel_sorts` does it for a while and puts the settings back).
    Outside a transaction: see :func:`parallel_sorts`."""
    raw.execute("PRAGMA temp_store=FILE")
    raw.execute(f"PRAGMA threads={SORT_THREADS}")


@contextmanager
def parallel_sorts(raw: sqlite3.Connection | None) -> Iterator[None]:
    """Let the big sorts of a bulk job run on worker threads: ``temp_store=FILE`` and ``threads`` on
    ``raw`` while inside, the connection's own settings back afterwards. Changing ``temp_store`` drops the
    connection's temporary tables, and SQLite refuses it inside a transaction that has some, so enter and
    leave this outside one (the job's transaction goes inside); when a transaction is already open (or
    ``raw`` is None) nothing changes."""
    if raw is None or raw.in_transaction:
        yield
        return
    store = raw.execute("PRAGMA temp_store").fetchone()[0]
    threads = raw.execute("PRAGMA threads").fetchone()[0]
    use_parallel_sorts(raw)
    try:
        yield
    finally:
        raw.execute(f"PRAGMA threads={int(threads)}")
        if not raw.in_transaction:
            raw.execute(f"PRAGMA temp_store={int(store)}")


@contextmanager
def checkpoint_later(raw: sqlite3.Connection | None) -> Iterator[None]:
    """No automatic checkpoint at this connection's commits while inside. A bulk job's commit then returns
    once its pages are in the write-ahead log; copying them into the database file (a 200k-customer
    import: ~156 MB, 0.5–0.6 s; 1M sales: 1.4–1.8 s) is left to ``Database.checkpoint``, which the app runs in
    the background after an import (else the next commit past SQLite's threshold, or the last
    connection's close, does it). The connection's own setting comes back afterwards."""
    if raw is None:
        yield
        return
    pages = raw.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
    raw.execute("PRAGMA wal_autocheckpoint=0")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA wal_autocheckpoint={int(pages)}")


@contextmanager
def sort_cache(raw: sqlite3.Connection) -> Iterator[None]:
    """A page cache of at most ``SORT_CACHE_KIB`` for the index builds inside (see the module's text);
    a smaller one is left as it is. The connection's size comes back afterwards."""
    size = raw.execute("PRAGMA cache_size").fetchone()[0]
    kib = -size if size < 0 else size * raw.execute("PRAGMA page_size").fetchone()[0] // 1024
    if kib <= SORT_CACHE_KIB:
        yield
        return
    raw.execute(f"PRAGMA cache_size=-{SORT_CACHE_KIB}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA cache_size={int(size)}")


ROWS_PER_STATEMENT = 200


def insert_rows(raw: sqlite3.Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence]) -> None:
    """INSERT positional rows, up to ``ROWS_PER_STATEMENT`` rows per statement (a multi-row ``VALUES``
    list): executemany runs the statement once per row, which cost ~1.8× as much (300k purchases:
    1.5 s → 0.8 s). Same rows, same constraint errors."""
    if not rows:
        return
    width = len(columns)
    limit = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) if hasattr(raw, "getlimit") else 999
    per = max(1, min(ROWS_PER_STATEMENT, limit // width))
    head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
    one = "(" + ", ".join("?" * width) + ")"
    full = head + ", ".join([one] * per)
    flat = itertools.chain.from_iterable
    whole = len(rows) - len(rows) % per
    for i in range(0, whole, per):
        raw.execute(full, list(flat(rows[i:i + per])))
    if whole < len(rows):
        raw.executemany(head + one, rows[whole:])
