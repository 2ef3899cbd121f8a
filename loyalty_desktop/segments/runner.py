"""Run rules: count, ids, and keyset-paginated pages of rows — cancellable from another thread.

Every function takes an open SQLAlchemy ``Connection`` (the caller's own, per thread) and a rule
(node, dict or JSON). Pass a ``CancelToken`` and call ``token.cancel()`` from any thread: the running
SQLite statement is interrupted (``sqlite3.Connection.interrupt`` plus a progress handler for the
gap before the statement starts) and the call raises ``Cancelled``. In the UI:
``state.set_interrupt(token.cancel)``.

The runner never writes. Windowed stats columns are used only when ``stats.windows_as_of`` is
today; the app slides them once a day on open (``stats.slide_windows``), ``segment maintain`` on
the command line.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterator

from sqlalchemy import DateTime, and_, func, or_, select, type_coerce
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

from loyalty_desktop.errors import Cancelled, InvalidInput
from loyalty_desktop.segments.compiler import Compiled, SegmentRef, c, compile_parts, s
from loyalty_desktop.segments.rules import parse_rule


class CancelToken:
    """Thread-safe cancel flag that also interrupts the SQLite statement running for it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cancelled = False
        self._raw: Any = None

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def cancel(self) -> None:
        with self._lock:
            self._cancelled = True
            raw = self._raw
        if raw is not None and hasattr(raw, "interrupt"):
            try:
                raw.interrupt()
            except Exception:  # connection already closed
                pass

    def check(self) -> None:
        if self._cancelled:
            raise Cancelled()

    @contextmanager
    def bound(self, conn: Connection) -> Iterator[None]:
        """Attach to the connection's raw sqlite3 connection while a statement runs."""
        raw = None
        try:
            raw = conn.connection.driver_connection
        except Exception:
            raw = None
        is_sqlite = isinstance(raw, sqlite3.Connection)
        if is_sqlite:
            raw.set_progress_handler(lambda: 1 if self._cancelled else 0, 2000)
        with self._lock:
            self._raw = raw if is_sqlite else None
        try:
            self.check()
            yield
        except OperationalError as exc:
            if self._cancelled or "interrupt" in str(exc).lower():
                raise Cancelled() from None
            raise
        except sqlite3.OperationalError as exc:
            if self._cancelled or "interrupt" in str(exc).lower():
                raise Cancelled() from None
            raise
        finally:
            with self._lock:
                self._raw = None
            if is_sqlite:
                raw.set_progress_handler(None, 0)
        self.check()


@contextmanager
def _maybe(token: CancelToken | None, conn: Connection):
    if token is None:
        yield
    else:
        with token.bound(conn):
            yield


# ----------------------------------------------------------------------------------------------------
# context


def windows_current(conn: Connection, today: date) -> bool:
    from loyalty_desktop.stats import windows_as_of

    return windows_as_of(conn) == today


def segment_resolver(conn: Connection):
    from loyalty_desktop.segments.store import segment_ref

    cache: dict[str, SegmentRef | None] = {}

    def resolve(name: str) -> SegmentRef | None:
        if name not in cache:
            cache[name] = segment_ref(conn, name)
        return cache[name]

    return resolve


def compile_for(conn: Connection, node, today: date | None = None) -> Compiled:
    today = today or date.today()
    return compile_parts(parse_rule(node), today, windows_current=windows_current(conn, today),
                         resolve_segment=segment_resolver(conn))


def count_statement(conn: Connection, node, today: date | None = None):
    return compile_for(conn, node, today).count_select()


def ids_statement(conn: Connection, node, today: date | None = None, ordered: bool = False):
    """``SELECT id …`` of the matching customers (column named ``id``)."""
    parts = compile_for(conn, node, today)
    stmt = parts.ids_select()
    return stmt.order_by(parts.id_col) if ordered else stmt


# ----------------------------------------------------------------------------------------------------
# running


def count(conn: Connection, node, *, today: date | None = None, token: CancelToken | None = None) -> int:
    stmt = count_statement(conn, node, today)
    with _maybe(token, conn):
        return int(conn.execute(stmt).scalar() or 0)


def timed_count(conn: Connection, node, **kw) -> tuple[int, float]:
    start = time.perf_counter()
    n = count(conn, node, **kw)
    return n, time.perf_counter() - start


def ids(conn: Connection, node, *, today: date | None = None, token: CancelToken | None = None,
        ordered: bool = True) -> list[int]:
    """Customer ids matching the rule (ascending by id when ``ordered``).

    Sorted in Python: ``ORDER BY id`` in SQL tempts SQLite into walking the whole table in rowid
    order instead of using the rule's index (600 ms instead of 30 ms for 90k of 1M customers)."""
    stmt = ids_statement(conn, node, today)
    with _maybe(token, conn):
        result = conn.execute(stmt)
        cursor = getattr(result, "cursor", None)
        if cursor is not None:  # plain DBAPI tuples: 3–10× cheaper than Row objects for big id lists
            out = [row[0] for row in cursor.fetchall()]
            result.close()
        else:  # pragma: no cover
            out = result.scalars().all()
    if ordered:
        out.sort()
    return out


# sort key -> (column, needs stats). Nulls (no purchase yet) always sort last.
SORTS: dict[str, tuple[Any, bool]] = {
    "name": (c.c.name_folded, False),
    "phone": (c.c.phone, False),
    "points": (c.c.points, False),
    "created": (type_coerce(c.c.created_at, DateTime()).label("created_at"), False),
    "total_spent": (s.c.total_spent, True),
    "order_count": (s.c.order_count, True),
    "last_purchase": (s.c.last_purchase_at, True),
    "id": (c.c.id, False),
}

PAGE_COLUMNS = [
    c.c.id, c.c.full_name, c.c.name_folded, c.c.phone, c.c.gender, c.c.birth_date, c.c.province, c.c.region,
    c.c.points, c.c.tier, c.c.sms_opt_out, c.c.phone_type, SORTS["created"][0],
    s.c.order_count, s.c.total_spent, s.c.first_purchase_at, s.c.last_purchase_at,
]


@dataclass
class Page:
    rows: list[dict]
    after: tuple | None  # pass back as ``after`` for the next page; None when this was the last page
    sort: str
    descending: bool
    extra: dict = field(default_factory=dict)


def _keyset(col, descending: bool, after: tuple):
    value, last_id = after
    if col is c.c.id:
        return c.c.id < last_id if descending else c.c.id > last_id
    same_id = (c.c.id < last_id) if descending else (c.c.id > last_id)
    if value is None:  # already in the NULL tail
        return and_(col.is_(None), same_id)
    beyond = (col < value) if descending else (col > value)
    return or_(and_(col.is_not(None), or_(beyond, and_(col == value, same_id))), col.is_(None))


def page(conn: Connection, node, sort: str = "name", after: tuple | None = None, limit: int = 200, *,
         descending: bool = False, today: date | None = None, token: CancelToken | None = None) -> Page:
    """One page of matching customers as dicts, sorted by ``sort`` then id (keyset pagination)."""
    if sort not in SORTS:
        raise InvalidInput(f"unknown sort {sort!r} (use one of {', '.join(SORTS)})")
    if limit < 1:
        raise InvalidInput("limit must be at least 1")
    col, _ = SORTS[sort]
    parts = compile_for(conn, node, today)
    # page rows always show stats, so always join (every customer has exactly one stats row)
    if parts.id_col is c.c.id or parts.from_clause is s:
        from_clause = c.join(s, s.c.customer_id == c.c.id)
    else:  # the rule is driven by another table (customer_tag for "has tag X")
        from_clause = parts.from_clause.join(c, c.c.id == parts.id_col).join(s, s.c.customer_id == c.c.id)
    stmt = select(*PAGE_COLUMNS).select_from(from_clause).where(parts.where)
    if after is not None:
        stmt = stmt.where(_keyset(col, descending, tuple(after)))
    if col is c.c.id:
        order = [c.c.id.desc() if descending else c.c.id]
    else:
        order = [col.is_(None), col.desc() if descending else col, c.c.id.desc() if descending else c.c.id]
    stmt = stmt.order_by(*order).limit(limit + 1)
    with _maybe(token, conn):
        rows = [dict(r._mapping) for r in conn.execute(stmt)]
    more = len(rows) > limit
    rows = rows[:limit]
    next_after = None
    if more and rows:
        last = rows[-1]
        next_after = (last[col.key], last["id"])
    return Page(rows=rows, after=next_after, sort=sort, descending=descending)
