"""Customer search index: an FTS5 trigram table over the folded name and the national phone digits.

``customer_search(rowid = customer.id, name = customer.name_folded, phone = '0912345678')`` is kept in
sync by triggers on ``customer`` (created by migration 0003), so every write path — imports, the demo
generator, merges, edits — updates it without knowing about it. SQLite only; on other databases the
search falls back to ``LIKE`` over ``name_folded`` (see ``loyalty_desktop.customers``).

Trigram matching needs at least 3 characters per phrase; shorter queries use prefix ranges.
SQLite 3.40's trigram tokenizer has no ``remove_diacritics``, hence the folded column.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

TABLE = "customer_search"

# National digits of an E.164 phone: +84912345678 -> 0912345678 (others: digits without '+').
_NATIONAL = "CASE WHEN {p} LIKE '+84%' THEN '0' || substr({p}, 4) ELSE replace({p}, '+', '') END"

CREATE_TABLE = f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(name, phone, tokenize='trigram')"

TRIGGERS = {
    f"{TABLE}_ai": (
        f"CREATE TRIGGER IF NOT EXISTS {TABLE}_ai AFTER INSERT ON customer BEGIN "
        f"INSERT INTO {TABLE}(rowid, name, phone) VALUES (new.id, new.name_folded, {_NATIONAL.format(p='new.phone')}); "
        "END"
    ),
    f"{TABLE}_ad": (
        f"CREATE TRIGGER IF NOT EXISTS {TABLE}_ad AFTER DELETE ON customer BEGIN "
        f"DELETE FROM {TABLE} WHERE rowid = old.id; "
        "END"
    ),
    f"{TABLE}_au": (
        f"CREATE TRIGGER IF NOT EXISTS {TABLE}_au AFTER UPDATE OF name_folded, phone ON customer BEGIN "
        f"UPDATE {TABLE} SET name = new.name_folded, phone = {_NATIONAL.format(p='new.phone')} WHERE rowid = old.id; "
        "END"
    ),
}

FILL = (
    f"INSERT INTO {TABLE}(rowid, name, phone) "
    f"SELECT id, name_folded, {_NATIONAL.format(p='phone')} FROM customer"
)


def install(conn: Connection) -> None:
    """Create the table and triggers (idempotent) and fill it if it is empty. SQLite only."""
    if conn.dialect.name != "sqlite":
        return
    conn.execute(text(CREATE_TABLE))
    for sql in TRIGGERS.values():
        conn.execute(text(sql))
    has_rows = conn.execute(text(f"SELECT 1 FROM {TABLE} LIMIT 1")).first()
    if not has_rows:
        conn.execute(text(FILL))


def uninstall(conn: Connection) -> None:
    if conn.dialect.name != "sqlite":
        return
    for name in TRIGGERS:
        conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
    conn.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))


def available(conn: Connection) -> bool:
    if conn.dialect.name != "sqlite":
        return False
    return conn.execute(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :n"), {"n": TABLE}
    ).first() is not None


def rebuild(conn: Connection) -> int:
    """Refill the index from ``customer`` (maintenance: after raw bulk loads with triggers dropped)."""
    if not available(conn):
        install(conn)
    conn.execute(text(f"DELETE FROM {TABLE}"))
    conn.execute(text(FILL))
    conn.execute(text(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')"))
    return int(conn.execute(text(f"SELECT count(*) FROM {TABLE}")).scalar() or 0)


def in_sync(conn: Connection) -> bool:
    """Cheap check: same number of rows as customers."""
    if not available(conn):
        return False
    n_idx = conn.execute(text(f"SELECT count(*) FROM {TABLE}")).scalar()
    n_cus = conn.execute(text("SELECT count(*) FROM customer")).scalar()
    return n_idx == n_cus
