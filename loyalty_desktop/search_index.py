"""Customer search index: an FTS5 trigram table over the folded name and the national phone digits.

``customer_search(rowid = customer.id, name = customer.name_folded, phone = '0912345678')`` is kept in
sync by triggers on ``customer`` (created by migration 0003), so every write path — imports, the demo
generator, merges, edits — updates it without knowing about it. SQLite only; on other databases the
search falls back to ``LIKE`` over ``name_folded`` (see ``loyalty_desktop.customers``).

The table holds only the index (migration 0009): its text is read, when FTS5 needs it, from the view
``customer_search_source`` over ``customer`` (an external-content table), and it keeps no per-row
column sizes (``columnsize=0``: they serve only ranking, which the search does not use). Indexing 200k
customers took 1.7 s with its own copy of every name and phone and takes 0.8 s this way (measured alone). The triggers
therefore delete an entry with the values it was indexed with (FTS5's ``'delete'`` command).

Trigram matching needs at least 3 characters per phrase; shorter queries use prefix ranges.
SQLite 3.40's trigram tokenizer has no ``remove_diacritics``, hence the folded column.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.engine import Connection

TABLE = "customer_search"

# National digits of an E.164 phone: +84912345678 -> 0912345678 (others: digits without '+').
_NATIONAL = "CASE WHEN {p} LIKE '+84%' THEN '0' || substr({p}, 4) ELSE replace({p}, '+', '') END"

SOURCE_VIEW = f"{TABLE}_source"
CREATE_SOURCE = (
    f"CREATE VIEW IF NOT EXISTS {SOURCE_VIEW} AS "
    f"SELECT id, name_folded AS name, {_NATIONAL.format(p='phone')} AS phone FROM customer"
)
CREATE_TABLE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(name, phone, tokenize='trigram', "
    f"content='{SOURCE_VIEW}', content_rowid='id', columnsize=0)"
)

_ADD_NEW = (f"INSERT INTO {TABLE}(rowid, name, phone) "
            f"VALUES (new.id, new.name_folded, {_NATIONAL.format(p='new.phone')}); ")
_DELETE_OLD = (f"INSERT INTO {TABLE}({TABLE}, rowid, name, phone) "
               f"VALUES ('delete', old.id, old.name_folded, {_NATIONAL.format(p='old.phone')}); ")

TRIGGERS = {
    f"{TABLE}_ai": f"CREATE TRIGGER IF NOT EXISTS {TABLE}_ai AFTER INSERT ON customer BEGIN {_ADD_NEW}END",
    f"{TABLE}_ad": f"CREATE TRIGGER IF NOT EXISTS {TABLE}_ad AFTER DELETE ON customer BEGIN {_DELETE_OLD}END",
    f"{TABLE}_au": (
        f"CREATE TRIGGER IF NOT EXISTS {TABLE}_au AFTER UPDATE OF name_folded, phone ON customer BEGIN "
        f"{_DELETE_OLD}{_ADD_NEW}END"
    ),
}

FILL = (
    f"INSERT INTO {TABLE}(rowid, name, phone) "
    f"SELECT id, name_folded, {_NATIONAL.format(p='phone')} FROM customer"
)


# FTS5 gathers new entries in memory and writes them out as a segment whenever they pass its hash size
# (1 MiB by default), merging segments as they pile up. A bulk fill gathers up to 32 MiB instead: 200k
# customers were indexed and committed in 0.93 s with 1 MiB and in 0.67 s with 32 MiB (medians of 5),
# with the same search times afterwards.
HASH_SETTING = "hashsize"
BULK_HASH_BYTES = 32 * 2**20
DEFAULT_HASH_BYTES = 2**20  # FTS5_DEFAULT_HASHSIZE


@contextmanager
def bulk_writes(conn: Connection) -> Iterator[None]:
    """A bigger FTS5 hash size while many entries are written inside, the default again afterwards
    (it is stored with the table, so set back in the same transaction). An SQLite whose FTS5 does not
    know the setting writes with its default."""
    try:  # (a refused statement is undone alone: the transaction goes on)
        conn.execute(text(f"INSERT INTO {TABLE}({TABLE}, rank) VALUES ('{HASH_SETTING}', {BULK_HASH_BYTES})"))
    except DatabaseError:
        yield
        return
    try:
        yield
    finally:
        conn.execute(text(f"INSERT INTO {TABLE}({TABLE}, rank) VALUES ('{HASH_SETTING}', {DEFAULT_HASH_BYTES})"))


def fill(conn: Connection, where: str = "", params: dict | None = None) -> None:
    """Index the customers ``FILL`` selects (``where``: e.g. ``"WHERE id > :m"``) with ``bulk_writes``."""
    with bulk_writes(conn):
        conn.execute(text(f"{FILL} {where}"), params or {})


def install(conn: Connection) -> None:
    """Create the table, its source view and triggers (idempotent); a table created here is filled. SQLite only."""
    if conn.dialect.name != "sqlite":
        return
    created = not available(conn)
    conn.execute(text(CREATE_SOURCE))
    conn.execute(text(CREATE_TABLE))
    for sql in TRIGGERS.values():
        conn.execute(text(sql))
    if created:  # an existing index is kept in sync by its triggers
        fill(conn)


def uninstall(conn: Connection) -> None:
    if conn.dialect.name != "sqlite":
        return
    for name in TRIGGERS:
        conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
    conn.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))
    conn.execute(text(f"DROP VIEW IF EXISTS {SOURCE_VIEW}"))


def available(conn: Connection) -> bool:
    if conn.dialect.name != "sqlite":
        return False
    return conn.execute(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :n"), {"n": TABLE}
    ).first() is not None


def rebuild(conn: Connection) -> int:
    """Refill the index from ``customer`` (maintenance: after raw bulk loads with triggers dropped)."""
    if not available(conn):
        install(conn)  # (creates and fills it)
    else:
        with bulk_writes(conn):
            conn.execute(text(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')"))
    conn.execute(text(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')"))
    return int(conn.execute(text("SELECT count(*) FROM customer")).scalar() or 0)


def in_sync(conn: Connection) -> bool:
    """Whether the index holds exactly the customers' current names and phones (FTS5's integrity check
    against its content; reads the whole index: for tests and maintenance)."""
    if not available(conn):
        return False
    try:
        conn.execute(text(f"INSERT INTO {TABLE}({TABLE}, rank) VALUES ('integrity-check', 1)"))
    except DatabaseError:
        return False
    return True
