"""Import customers or purchases from a spreadsheet: plan → read + normalise → merge → write → report.

Everything is written in ONE transaction: a cancel (``cancelled()`` returns True → ``Cancelled``) or
any error rolls it all back; a dry run does the same work and rolls back at the end, so its counts
are exact.

Speed (``benchmarks/import_bench.py``): rows are read and normalised 10,000 at a time, a column at a
time (``normalize.customer_columns`` / ``purchase_rows``; new customers go from those columns to rows
without record dicts, see ``_import_customers``); on SQLite the big writes are positional
``executemany`` on the driver connection under ``conn`` (same transaction), not Core dicts. A load at
least as big as the table it goes into drops that table's secondary indexes (and, for purchases, the
day-rollup trigger) and re-creates them after, sorted, inside the same transaction; the search-index
triggers likewise (``_insert_customers``). Other databases take the plain Core path.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import itertools
import json
import operator
import time as _time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import DateTime, bindparam, func, insert, literal, select, text, update

from loyalty_desktop import rollups, sqlite_bulk
from loyalty_desktop.db import sqlite_has
from loyalty_desktop.errors import Cancelled, InvalidInput, UserError
from loyalty_desktop.importing import mapping as mp
from loyalty_desktop.importing.normalize import (
    P_AMOUNT, P_BRANCH, P_CANCELLED, P_CATEGORY, P_CCODE, P_CHANNEL, P_CNAME, P_CODE, P_DISCOUNT, P_E164,
    P_GOODS, P_LINE, P_PAID, P_PALT, P_PPROBLEM, P_PRAW, P_PTYPE, P_ROWNO, P_WHEN, WALK_IN_NAMES, Normalizer,
    CustomerChunk, cell_text, customer_columns, customer_record, is_empty, looks_like_footer, problem, purchase_records, purchase_rows,
)
from loyalty_desktop.importing.readers import SheetData, Workbook, open_workbook
from loyalty_desktop.importing.report import ImportReport, RowProblem
from loyalty_desktop.models import Customer, CustomerTag, ImportRecord, Purchase, Tag

c = Customer.__table__
p = Purchase.__table__
t = Tag.__table__
ct = CustomerTag.__table__
ir = ImportRecord.__table__

CHUNK = 500  # ids per IN (…) list: well under SQLite's parameter limit
RAW_CHUNK = 900  # values per IN (…) list on the raw SQLite connection (limit 999 in old SQLite builds)
WRITE_BATCH = 20_000

ProgressFn = Callable[[float | None, str], None]
CancelFn = Callable[[], bool]


@dataclass
class ImportOptions:
    sheet: str | int | None = None
    mapping: dict | None = None  # a mapping JSON object ({"columns": {header: field}}), see mapping.py
    dry_run: bool = False
    update_existing: bool = False  # "incoming file wins" for differing non-empty values
    award_points: bool = False  # purchases: add points per settings points_per_vnd
    unknown_to_note: bool = False  # unmapped columns go to the customer note
    save_mapping: bool = False  # remember this mapping for files with the same headers
    source: str | None = None  # purchase.source (default: the preset's POS, else "import")
    today: date | None = None


@dataclass
class PreviewRow:
    row: int
    values: dict[str, str]  # field -> normalised value as text
    problems: list[RowProblem]
    rejected: bool


@dataclass
class Preview:
    kind: str
    file_name: str
    format: str
    sheets: list[str]
    sheet: str
    header_row: int  # 1-based spreadsheet row
    headers: list[str]
    mapping: dict[int, str]
    preset: str | None
    preset_label: str | None
    raw_rows: list[list[str]]  # the first data rows as text, as in the file
    rows: list[PreviewRow] = field(default_factory=list)
    missing_required: list[str] = field(default_factory=list)
    fields: dict[str, tuple[str, str]] = field(default_factory=dict)  # field -> (label_vi, label_en)
    estimated_rows: int = 0


# ---------------------------------------------------------------------------------------------
# Planning: sheet, header row, mapping

def _plan(wb: Workbook, kind: str, sheet: str | int | None, mapping_obj: dict | None, conn=None):
    if kind not in mp.KINDS:
        raise InvalidInput(f"Unknown import kind {kind!r}: use customers or purchases.",
                           vi=f"Loại dữ liệu nhập {kind!r} không hợp lệ: dùng customers (khách hàng) "
                           "hoặc purchases (đơn mua hàng).")
    name = wb.resolve_sheet(sheet)
    data = wb.read(name)
    if not any(not is_empty(v) for row in data.head for v in row):
        raise UserError(f"The sheet {name!r} is empty.", vi=f"Trang tính {name!r} trống.")
    # Headers of the user's mapping (or of saved mappings) also identify the header row.
    extra: set[str] = set()
    candidates = [mapping_obj] if mapping_obj is not None else (
        [m for k, m in mp.saved_mappings(conn).items() if k.startswith(kind + ":")] if conn is not None else [])
    for obj in candidates:
        columns = obj.get("columns", obj) if isinstance(obj, dict) else None
        if isinstance(columns, dict):
            extra |= {mp.header_key(h) for h in columns if not str(h).isdigit() and len(str(h)) > 2}
    hi = mp.find_header_row(data.head, kind, extra=extra)
    headers = [cell_text(v) for v in data.head[hi]]
    preset = mp.detect_preset(headers, kind)
    if mapping_obj is not None:
        mapping = mp.mapping_from_json(mapping_obj, headers, kind)
    else:
        saved = mp.find_saved_mapping(conn, headers, kind) if conn is not None else None
        if saved is not None:
            mapping = mp.mapping_from_json(saved, headers, kind)
        else:
            mapping = mp.propose_mapping(headers, kind, preset)
    source = preset.source if preset else "import"
    plan = mp.ColumnPlan(hi, headers, mapping, preset, source)
    plan.ignored = [h for i, h in enumerate(headers) if i not in mapping and h]
    return name, data, plan


def _missing(kind: str, plan: mp.ColumnPlan) -> list[str]:
    fields = set(plan.mapping.values())
    missing = [f for f in mp.REQUIRED[kind] if f not in fields]
    if kind == "purchases" and not fields & {"amount", "line_amount", "goods_total", "paid"}:
        missing.append("amount")
    return missing


def _require(kind: str, plan: mp.ColumnPlan, file_name: str) -> None:
    missing = _missing(kind, plan)
    if not missing:
        return
    labels = mp.FIELDS_BY_KIND[kind]
    if "phone" in missing:
        raise UserError(
            f"No phone number column found in {file_name} (columns: {', '.join(h for h in plan.headers if h) or 'none'}). "
            "Name the column \"Số điện thoại\" or \"Phone\", or give a mapping (--mapping).",
            vi=f"Không tìm thấy cột số điện thoại trong {file_name} "
            f"(các cột: {', '.join(h for h in plan.headers if h) or 'không có'}). "
            "Hãy đặt tên cột là \"Số điện thoại\" hoặc \"Phone\", hoặc chọn cách ghép cột.",
        )
    names = ", ".join(f"{labels[m][1]} ({labels[m][0]})" for m in missing)
    raise UserError(
        f"Column(s) needed for importing {kind} not found in {file_name}: {names}. "
        f"Columns found: {', '.join(h for h in plan.headers if h)}. Give a mapping (--mapping).",
        vi=f"Không tìm thấy cột cần để nhập "
        f"{ {'customers': 'khách hàng', 'purchases': 'đơn mua hàng'}.get(kind, kind)} trong {file_name}: "
        f"{', '.join(labels[m][0] for m in missing)}. "
        f"Các cột có trong tệp: {', '.join(h for h in plan.headers if h)}. Hãy chọn cách ghép cột.",
    )


def preview(path: str | Path, kind: str, sheet: str | int | None = None, mapping: dict | None = None,
            rows: int = 20, conn=None) -> Preview:
    """What an import would read: sheets, header row, proposed mapping, the first rows normalised with
    their problems. ``mapping`` may be a mapping JSON object or ``{column index: field}``."""
    wb = open_workbook(path)
    try:
        index_mapping = None
        if mapping is not None and mapping and all(isinstance(k, int) for k in mapping):
            index_mapping, mapping = dict(mapping), None
        name, data, plan = _plan(wb, kind, sheet, mapping, conn)
        if index_mapping is not None:
            plan.mapping = {i: f for i, f in index_mapping.items() if f}
        fields = {f: (v[0], v[1]) for f, v in mp.FIELDS_BY_KIND[kind].items()}
        pv = Preview(kind, Path(path).name, wb.format, wb.sheet_names, name, data.first_row + plan.header_index,
                     plan.headers, dict(plan.mapping), plan.preset.id if plan.preset else None,
                     plan.preset.label if plan.preset else None, [], fields=fields,
                     estimated_rows=max(0, data.height - plan.header_index - 1))
        pv.missing_required = _missing(kind, plan)
        body = []
        for i in range(plan.header_index + 1, len(data.head)):
            row = data.head[i]
            if all(is_empty(v) for v in row):
                continue
            body.append((data.first_row + i, row))
        if pv.missing_required:
            pv.raw_rows = [[cell_text(v) for v in row] for _, row in body[:rows]]
            return pv
        try:
            norm = Normalizer(plan)
        except ImportError:  # vn not available: preview without normalisation
            return pv
        if kind == "purchases":
            converted = [(rec, reject, []) for _, rec, reject in purchase_records(norm, body, [])]
        else:
            converted = []
            for rowno, row in body:
                warnings: list[RowProblem] = []
                rec, reject = customer_record(norm, rowno, row, warnings)
                converted.append((rec, reject, warnings))
        shown: list[tuple[list, PreviewRow]] = []
        for (rowno, row), (rec, reject, warnings) in zip(body, converted):
            if reject is not None and looks_like_footer(row):
                continue
            problems = ([reject] if reject else []) + warnings
            if rec and rec.get("phone_problem"):
                problems.append(rec["phone_problem"])
            item = PreviewRow(rowno, _display(rec) if rec else {}, problems, reject is not None)
            # The first rows, then (further down the first screenful of the file) rows with problems.
            if len(shown) < rows or (problems and len(shown) < 2 * rows):
                shown.append((row, item))
        pv.rows = [item for _, item in shown]
        pv.raw_rows = [[cell_text(v) for v in row] for row, _ in shown]
        return pv
    finally:
        wb.close()


def _display(rec: dict) -> dict[str, str]:
    out = {}
    for k, v in rec.items():
        if k in ("rowno", "phone_problem") or v is None:
            continue
        if k == "e164":
            k = "phone"
        if isinstance(v, datetime):
            v = v.strftime("%d/%m/%Y %H:%M") if (v.hour or v.minute) else v.strftime("%d/%m/%Y")
        elif isinstance(v, date):
            v = v.strftime("%d/%m/%Y")
        elif isinstance(v, (list, tuple)):
            v = ", ".join(v)
        elif isinstance(v, bool):
            v = "✓" if v else ""
        out[k] = str(v)
    return out


# ---------------------------------------------------------------------------------------------
# Running

# Every progress text run_import reports (the import wizard translates each one). The fractions passed with
# them follow a big import's time: reading and normalising ~45%, writing, indexes, then derived data.
PHASES = ("Reading the file", "Reading rows", "Matching existing customers", "Writing customers",
          "Indexing customers", "Indexing for search", "Creating statistics rows", "Writing tags",
          "Looking for invoices already imported", "Matching customers", "Writing purchases",
          "Indexing purchases", "Updating the sales rollup", "Updating statistics", "Saving")


class _Progress:
    """Progress + cancel check; also times each phase (``report.timings``, printed by the benchmark)."""

    def __init__(self, progress: ProgressFn | None, cancelled: CancelFn | None) -> None:
        self._progress = progress
        self._cancelled = cancelled
        self.timings: dict[str, float] = {}
        self.cpu_timings: dict[str, float] = {}  # process CPU seconds: robust on a shared machine
        self._phase = ""
        self._since = _time.perf_counter()
        self._cpu_since = _time.process_time()

    def close_phase(self) -> None:
        now, cpu = _time.perf_counter(), _time.process_time()
        key = self._phase or "start"
        self.timings[key] = self.timings.get(key, 0.0) + now - self._since
        self.cpu_timings[key] = self.cpu_timings.get(key, 0.0) + cpu - self._cpu_since
        self._since, self._cpu_since = now, cpu

    def __call__(self, fraction: float | None, text: str = "") -> None:
        if text != self._phase:
            self.close_phase()
            self._phase = text
        if self._cancelled is not None and self._cancelled():
            raise Cancelled()
        if self._progress is not None:
            self._progress(fraction, text)


def run_import(db, path: str | Path, kind: str, options: ImportOptions | None = None,
               progress: ProgressFn | None = None, cancelled: CancelFn | None = None) -> ImportReport:
    """Import ``path`` into ``db`` (a ``Database``) in one transaction and return the report.

    Raises ``UserError`` for files that cannot be imported (nothing is written), ``Cancelled`` when
    ``cancelled()`` turns true (everything rolled back)."""
    options = options or ImportOptions()
    started = _time.perf_counter()
    tick = _Progress(progress, cancelled)
    tick(0.0, "Reading the file")
    wb = open_workbook(path)
    # Millions of small dicts/tuples and no reference cycles: the cyclic GC would rescan them again and
    # again (a 1M-row sales file spent more time in gc than in normalising). Paused for the import.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        # Index builds and big sorts may use worker threads (set up outside the transaction, see
        # parallel_sorts); the commit leaves the checkpoint for afterwards (checkpoint_later).
        with db.connect() as conn, sqlite_bulk.parallel_sorts(_sqlite(conn)), sqlite_bulk.checkpoint_later(_sqlite(conn)):
            trans = conn.begin()
            raw = conn.connection.driver_connection
            try:
                name, data, plan = _plan(wb, kind, options.sheet, options.mapping, conn)
                _require(kind, plan, Path(path).name)
                report = ImportReport(
                    kind=kind, file_name=Path(path).name, sheet=name,
                    preset=(plan.preset.id if plan.preset else ("mapping" if options.mapping else None)),
                    header_row=data.first_row + plan.header_index,
                    columns={plan.headers[i]: f for i, f in sorted(plan.mapping.items())},
                    ignored_columns=list(plan.ignored), dry_run=options.dry_run)
                if options.source:
                    plan.source = options.source
                if cancelled is not None and hasattr(raw, "set_progress_handler"):
                    # Lets a cancel interrupt a long statement too.
                    raw.set_progress_handler(lambda: 1 if cancelled() else 0, 100_000)
                today = options.today or date.today()
                import_id = conn.execute(
                    insert(ir).values(kind=kind, file_name=report.file_name[:300], sheet=(name or "")[:100],
                                      preset=report.preset, created_at=datetime.now().replace(microsecond=0))
                ).inserted_primary_key[0]
                report.import_id = import_id
                if kind == "customers":
                    _import_customers(conn, data, plan, options, report, tick, today)
                else:
                    _import_purchases(conn, data, plan, options, report, tick, today, import_id)
                if options.save_mapping:
                    mp.save_mapping(conn, plan.headers, plan.mapping, kind)
                report.seconds = _time.perf_counter() - started
                conn.execute(update(ir).where(ir.c.id == import_id).values(
                    rows=report.rows, created=report.created, updated=report.updated, merged=report.merged,
                    rejected=report.rejected, purchases_added=report.purchases_added,
                    duplicates_skipped=report.duplicates_skipped, walk_in=report.walk_in,
                    cancelled=report.cancelled, report_json=json.dumps(report.to_json(max_rows=2000), ensure_ascii=False, default=str),
                ))
                tick(1.0, "Saving")
                if options.dry_run:
                    trans.rollback()
                    report.import_id = None
                else:
                    trans.commit()
            except BaseException as exc:
                if trans.is_active:
                    trans.rollback()
                if isinstance(exc, Exception) and "interrupted" in str(exc).lower() and cancelled is not None and cancelled():
                    raise Cancelled() from exc
                raise
            finally:
                if cancelled is not None and hasattr(raw, "set_progress_handler"):
                    raw.set_progress_handler(None, 0)
    finally:
        wb.close()
        if gc_was_enabled:
            gc.enable()
    report.seconds = _time.perf_counter() - started
    tick.close_phase()
    report.timings = {k: round(v, 3) for k, v in tick.timings.items()}
    report.cpu_timings = {k: round(v, 3) for k, v in tick.cpu_timings.items()}
    return report


def _data_chunks(data: SheetData, plan: mp.ColumnPlan, tick: _Progress, share: float, size: int = 10_000):
    """Lists of (spreadsheet row number, row) for the non-blank rows below the header, ``size`` at a
    time (the normalisers work a chunk at a time), with progress (and a cancel check) every 5,000 rows."""
    total = max(1, data.height)
    start = plan.header_index + 1  # the header and what is above it are not data
    i, first = 0, data.first_row
    chunk: list[tuple[int, list]] = []
    for block in data.iter_blocks(5000):
        base = i
        i += len(block)
        if i <= start:
            continue
        if base < start:
            block, base = block[start - base:], start
        tick(share * base / total, "Reading rows")
        chunk += [(first + k, row) for k, row in enumerate(block, base) if any(row)]  # None, "" (and 0.0) only: blank
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _blank(row) -> bool:
    return all(is_empty(v) for v in row)


def _chunks(seq, size=CHUNK):
    seq = list(seq)
    for i in range(0, len(seq), size):
        yield seq[i:i + size]


# ---------------------------------------------------------------------------------------------
# SQLite fast path. The hot writes/lookups go through the sqlite3 connection under ``conn`` (the same
# connection, so the same transaction) with positional tuples: SQLAlchemy's per-row parameter handling
# (dicts, bind processors) cost more than SQLite itself. Other databases take the Core path.

def _sqlite(conn):
    """The sqlite3 connection under ``conn``, or None on other databases."""
    if conn.dialect.name != "sqlite":
        return None
    return conn.connection.driver_connection


def _formatter(conn, column) -> Callable[[Any], Any]:
    """Value → what SQLAlchemy would bind for ``column`` (a Date/DateTime) on this connection.

    On SQLite that is text; ``isoformat`` gives the same text ~10× faster than the bind processor,
    which is checked here on sample values (any difference: the processor is used)."""
    if _sqlite(conn) is None:  # Core binds the Python values itself
        return lambda v: v
    proc = column.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
    if proc is None:
        return lambda v: v
    if isinstance(column.type, DateTime):
        samples = (datetime(2024, 1, 2, 3, 4, 5), datetime(1999, 12, 31, 23, 59, 59, 120), datetime(2024, 1, 2))

        def fast(v):
            if type(v) is datetime:
                s = v.isoformat(" ")
                return s if v.microsecond else s + ".000000"
            return proc(v)
    else:
        samples = (date(2024, 1, 2), date(1960, 12, 31))

        def fast(v):
            return v.isoformat() if type(v) is date else proc(v)
    if all(fast(v) == proc(v) for v in samples) and fast(None) == proc(None):
        fast.isoformat = isinstance(column.type, DateTime)  # callers may inline it for datetimes
        return fast
    return proc


def _insert_rows(conn, raw, table, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """INSERT of positional rows (values already as the database stores them on SQLite)."""
    if not rows:
        return
    if raw is not None:
        sqlite_bulk.insert_rows(raw, table.name, columns, rows)
    else:
        conn.execute(insert(table), [dict(zip(columns, r)) for r in rows])


def _ids_by(conn, raw, key: str, values: set) -> dict[Any, int]:
    """customer id per ``phone`` or ``code`` (the lowest id when a code is shared) for these values."""
    found: dict[Any, int] = {}
    if not values:
        return found
    if raw is None:
        col = c.c[key]
        for chunk in _chunks(values):
            if key == "code":
                q = select(col, func.min(c.c.id).label("id")).where(col.in_(chunk)).group_by(col)
            else:
                q = select(col, c.c.id).where(col.in_(chunk))
            found.update((r[0], r[1]) for r in conn.execute(q))
        return found
    total = raw.execute("SELECT count(*) FROM customer").fetchone()[0]
    if len(values) * 4 >= total:  # a good part of all customers: one scan beats thousands of look-ups
        rows = raw.execute(f"SELECT {key}, id FROM customer WHERE {key} IS NOT NULL ORDER BY id DESC")
        found = {k: i for k, i in rows if k in values}  # descending: the lowest id wins
        return found
    for chunk in _chunks(values, RAW_CHUNK):
        marks = ",".join("?" * len(chunk))
        if key == "code":
            sql = f"SELECT code, min(id) FROM customer WHERE code IN ({marks}) GROUP BY code"
        else:
            sql = f"SELECT phone, id FROM customer WHERE phone IN ({marks})"
        found.update(raw.execute(sql, chunk))
    return found


SUSPEND_MIN_ROWS = 20_000


def _suspend_indexes(raw, table: str, new_rows: int):
    """Before a bulk load at least as big as what ``table`` holds: drop its secondary indexes
    (``sqlite_bulk.suspend_indexes``; the import runs in one transaction) for ``_restore_indexes``."""
    if raw is None or new_rows < SUSPEND_MIN_ROWS:
        return None
    # Counting stops after new_rows rows: cheap on a big table.
    have = raw.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT ?)", (new_rows + 1,)).fetchone()[0]
    if have > new_rows:
        return None
    return sqlite_bulk.suspend_indexes(raw, table)


def _restore_indexes(raw, suspended, tick=None, start: float = 0.0, end: float = 0.0, text: str = "") -> None:
    """``sqlite_bulk.restore_indexes``; with ``tick``, progress from ``start`` to ``end`` index by index."""
    step = None if tick is None else (lambda done, total: tick(start + (end - start) * done / total, text))
    sqlite_bulk.restore_indexes(raw, suspended, step)


_DAY_TRIGGER = "rollup_purchase_ai"


def _suspend_day_rollup(conn, raw, new_rows: int) -> rollups.SalesDayCounter | None:
    """Before a bulk purchase load: drop the per-row trigger that keeps the dashboard's day rollup (its
    upsert per purchase tripled the insert cost) and return a counter for the new purchases;
    ``_resume_day_rollup`` adds what it counted and re-creates the trigger (same transaction)."""
    if raw is None or new_rows < SUSPEND_MIN_ROWS or not sqlite_has(conn, _DAY_TRIGGER, kind="trigger"):
        return None
    raw.execute(f"DROP TRIGGER {_DAY_TRIGGER}")
    return rollups.SalesDayCounter(_PURCHASE_COLUMNS)


def _resume_day_rollup(conn, raw, counter: rollups.SalesDayCounter) -> None:
    counter.add_to(conn)
    raw.execute(rollups.TRIGGERS[_DAY_TRIGGER])


FILLABLE = ("code", "full_name", "email", "birth_date", "gender", "address", "ward", "province", "note",
            "phone_alt", "points")
# Columns that move together with the one before them.
COMPANIONS = {"full_name": ("name_folded",), "birth_date": ("birth_md",), "province": ("old_province", "region")}
_EMPTY_VALUES = (None, "", "unknown", 0)


def _merge_into(base: dict, rec: dict) -> bool:
    """Fill ``base``'s empty fields from ``rec`` (same phone later in the file); tags are united."""
    changed = False
    for key in FILLABLE:
        if base.get(key) in _EMPTY_VALUES and rec.get(key) not in _EMPTY_VALUES:
            base[key] = rec[key]
            for comp in COMPANIONS.get(key, ()):
                base[comp] = rec.get(comp)
            changed = True
    if rec.get("created_at") and (not base.get("created_at") or rec["created_at"] < base["created_at"]):
        base["created_at"] = rec["created_at"]
    if rec.get("tags"):
        have = {t.casefold() for t in base.get("tags", [])}
        base.setdefault("tags", [])
        for tag in rec["tags"]:
            if tag.casefold() not in have:
                base["tags"].append(tag)
                have.add(tag.casefold())
    return changed


_CUSTOMER_COLS = ("id", "phone", "code", "full_name", "name_folded", "email", "birth_date", "birth_md", "gender",
                  "address", "ward", "province", "old_province", "region", "note", "phone_alt", "points",
                  "created_at")


def _existing_customers(conn, phones) -> dict[str, dict]:
    cols = [c.c[k] for k in _CUSTOMER_COLS]
    found: dict[str, dict] = {}
    if not phones:
        return found
    total = conn.execute(select(func.count()).select_from(c)).scalar() or 0
    if not total:  # an empty database (the first import): nothing to look up
        return found
    if len(phones) * 4 >= total:  # a good part of all customers: one scan beats thousands of look-ups
        wanted = phones if isinstance(phones, (set, dict)) else set(phones)
        for row in conn.execute(select(*cols)):
            if row.phone in wanted:
                found[row.phone] = dict(row._mapping)
        return found
    for chunk in _chunks(sorted(phones)):
        for row in conn.execute(select(*cols).where(c.c.phone.in_(chunk))):
            found[row.phone] = dict(row._mapping)
    return found


def _update_for(existing: dict, rec: dict, incoming_wins: bool) -> dict:
    """The columns to change on an existing customer."""
    changes: dict[str, Any] = {}
    for key in FILLABLE:
        new = rec.get(key)
        if new in _EMPTY_VALUES or key not in rec:
            continue
        old = existing.get(key)
        if old in _EMPTY_VALUES or (incoming_wins and old != new):
            if old != new:
                changes[key] = new
                for comp in COMPANIONS.get(key, ()):
                    changes[comp] = rec.get(comp)
    if rec.get("created_at") and existing.get("created_at") and rec["created_at"] < existing["created_at"]:
        changes["created_at"] = rec["created_at"]
    return changes


def _tag_ids(conn, names: set[str]) -> dict[str, int]:
    """Tag id per tag name (folded), creating the missing tags."""
    from loyalty_desktop.vn.text import fold

    wanted = {}
    for name in names:
        wanted.setdefault(fold(name), name)
    have = {r.name_folded: r.id for r in conn.execute(select(t.c.id, t.c.name_folded))}
    missing = [{"name": wanted[k][:100], "name_folded": k[:100], "created_at": datetime.now().replace(microsecond=0)}
               for k in wanted if k not in have]
    if missing:
        conn.execute(insert(t), missing)
        have = {r.name_folded: r.id for r in conn.execute(select(t.c.id, t.c.name_folded))}
    return have


def _add_tags(conn, customer_tags: dict[int, list[str]], new_ids: set[int] | None = None) -> set[int]:
    """Link customers to tags (never removes). Returns the ids of customers that got a new tag.
    ``new_ids``: customers created by this import (they have no links yet: no lookup needed)."""
    from loyalty_desktop.vn.text import fold

    if not customer_tags:
        return set()
    new_ids = new_ids or set()
    names_used = {n for names in customer_tags.values() for n in names}
    ids = _tag_ids(conn, names_used)
    tag_of = {n: ids[fold(n)] for n in names_used}  # a few distinct names, many customers
    existing: dict[int, set[int]] = {}
    for chunk in _chunks(sorted(cid for cid, names in customer_tags.items() if names and cid not in new_ids)):
        for row in conn.execute(select(ct.c.customer_id, ct.c.tag_id).where(ct.c.customer_id.in_(chunk))):
            existing.setdefault(row.customer_id, set()).add(row.tag_id)
    links = []
    touched = set()
    raw = _sqlite(conn)
    now = datetime.now().replace(microsecond=0)
    now_value = _formatter(conn, ct.c.created_at)(now) if raw is not None else now
    combos: dict[tuple[str, ...], tuple[int, ...]] = {}  # the same few combinations of names, again and again
    for cid in sorted(customer_tags):  # primary-key order: the b-tree is appended to
        names = customer_tags[cid]
        if not names:
            continue
        key = tuple(names)
        tids = combos.get(key)
        if tids is None:
            tids = combos[key] = tuple(sorted({tag_of[n] for n in names}))
        if cid in existing:
            have = existing[cid]
            tids = tuple(tid for tid in tids if tid not in have)
        if tids:
            touched.add(cid)
            links += [(cid, tid, now_value) for tid in tids]
    suspended = _suspend_indexes(raw, "customer_tag", len(links))
    with _tag_masks_suspended(conn, raw, len(links), touched):
        for batch in _chunks(links, WRITE_BATCH):
            _insert_rows(conn, raw, ct, ("customer_id", "tag_id", "created_at"), batch)
    _restore_indexes(raw, suspended)
    return touched


def _tag_masks_suspended(conn, raw, new_rows: int, touched: set[int]):
    """Many links: the tag combinations' per-row triggers off while they are written, the touched
    customers' masks recomputed set-based afterwards (``tag_masks.suspended``)."""
    from loyalty_desktop import tag_masks

    if raw is None or new_rows < SUSPEND_MIN_ROWS:
        return contextlib.nullcontext()
    return tag_masks.suspended(conn, lambda: touched)


_CUSTOMER_INSERT = ("code", "full_name", "name_folded", "phone", "phone_raw", "phone_alt", "phone_type", "gender",
                    "birth_date", "birth_md", "email", "address", "ward", "province", "old_province", "region",
                    "note", "points", "tier", "sms_opt_out", "created_at", "updated_at")


# sms_opt_out 0, not False, and purchases' cancelled 0/1: an int binds ~12× faster than a bool (see db.py).
_CUSTOMER_DEFAULTS = {"code": None, "full_name": "", "name_folded": "", "phone_raw": None, "phone_alt": None,
                      "phone_type": "mobile", "gender": "unknown", "birth_date": None, "birth_md": None, "email": None,
                      "address": None, "ward": None, "province": None, "old_province": None, "region": None,
                      "note": None, "points": 0, "tier": None, "sms_opt_out": 0, "created_at": None}


_CUSTOMER_EMPTY = (("full_name", ""), ("name_folded", ""), ("phone_type", "mobile"), ("gender", "unknown"), ("points", 0))
_CUSTOMER_EMPTY_OF = dict(_CUSTOMER_EMPTY)


def _customer_rows(conn, records: list[dict], now: datetime) -> list[tuple]:
    """New customers (record dicts) as positional rows (``_CUSTOMER_INSERT``)."""
    when_text, day_text = _formatter(conn, c.c.created_at), _formatter(conn, c.c.birth_date)
    now_text = when_text(now)
    defaults = dict(_CUSTOMER_DEFAULTS, updated_at=now_text)
    row_of = operator.itemgetter(*_CUSTOMER_INSERT)
    rows = []
    append = rows.append
    for rec in records:
        d = {**defaults, **rec}
        if not (d["phone_type"] and d["gender"] and d["full_name"] is not None and d["name_folded"] is not None
                and d["points"] is not None):  # a value given as None (or ""): the column's default
            for key, empty in _CUSTOMER_EMPTY:
                if not d[key]:
                    d[key] = empty
        if d["birth_date"] is not None:
            d["birth_date"] = day_text(d["birth_date"])
        d["created_at"] = when_text(d["created_at"]) if d["created_at"] else now_text
        append(row_of(d))
    return rows


def _formatted(values: list, fmt: Callable[[Any], Any], empty: Any = None) -> list:
    """``[fmt(v) if v else empty for v in values]``, each distinct value formatted once (dates repeat)."""
    texts = {v: fmt(v) if v else empty for v in set(values)}
    return list(map(texts.__getitem__, values))


def _column_rows(conn, columns: dict[str, list], now: datetime) -> list[tuple]:
    """New customers given a column per field (``CustomerChunk.columns``; None where a record would have
    no such key) as the same positional rows ``_customer_rows`` makes of their record dicts, zipped in C."""
    when_text, day_text = _formatter(conn, c.c.created_at), _formatter(conn, c.c.birth_date)
    now_text = when_text(now)
    n = len(columns["phone"])
    out = []
    for key in _CUSTOMER_INSERT:
        values = columns.get(key)
        if key == "updated_at" or (key == "created_at" and values is None):
            out.append(itertools.repeat(now_text, n))
        elif values is None:
            out.append(itertools.repeat(_CUSTOMER_DEFAULTS[key], n))
        elif key == "birth_date":
            out.append(_formatted(values, day_text))
        elif key == "created_at":
            out.append(_formatted(values, when_text, now_text))
        elif key in _CUSTOMER_EMPTY_OF:  # None (or "") → the column's default, as in _customer_rows
            empty = _CUSTOMER_EMPTY_OF[key]
            out.append([v or empty for v in values])
        else:
            out.append(values)
    return list(zip(*out))


BULK_THRESHOLD = 2000  # new customers from which the search-index triggers are suspended


def _insert_customers(conn, records: list[dict], now: datetime, today: date, tick=None,
                      rows: list[tuple] | None = None) -> dict[str, int]:
    """Insert new customers (and their zero stats rows): ``records`` (dicts) and ``rows`` (already
    positional, ``_column_rows``); returns phone -> id.

    Big batches suspend the FTS search-index triggers (``loyalty_desktop.search_index``) and index the
    new rows with one INSERT … SELECT: per-row trigger work was 2/3 of a 100k-customer import. The
    triggers are dropped and re-created inside this transaction, so other connections never see
    them missing and a rollback restores them. A load at least as big as the table also suspends its
    secondary indexes (``_suspend_indexes``)."""
    from loyalty_desktop import search_index
    from loyalty_desktop.models import CustomerStats

    ids: dict[str, int] = {}
    rows = (rows or []) + _customer_rows(conn, records, now)
    records = []
    if not rows:
        return ids
    raw = _sqlite(conn)
    phone_at = _CUSTOMER_INSERT.index("phone")
    rows.sort(key=operator.itemgetter(phone_at))  # the phone's unique index is appended to
    max_before = conn.execute(select(func.coalesce(func.max(c.c.id), 0))).scalar()
    columns = _CUSTOMER_INSERT
    if raw is not None:
        # On SQLite the new rows carry their ids, the ones SQLite would give them (max + 1, + 2…: the table
        # has no AUTOINCREMENT), so phone -> id needs no query afterwards. Other databases use their sequence.
        first = max_before + 1
        ids = dict(zip(map(operator.itemgetter(phone_at), rows), range(first, first + len(rows))))
        rows = list(map(operator.add, rows, zip(range(first, first + len(rows)))))
        columns = _CUSTOMER_INSERT + ("id",)
    bulk = len(rows) >= BULK_THRESHOLD and raw is not None and search_index.available(conn)
    if bulk:
        for name in search_index.TRIGGERS:
            conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
    suspended = _suspend_indexes(raw, "customer", len(rows))
    total = max(1, len(rows))
    for i, batch in enumerate(_chunks(rows, WRITE_BATCH)):
        if tick is not None:
            tick(0.46 + 0.14 * (i * WRITE_BATCH) / total, "Writing customers")
        _insert_rows(conn, raw, c, columns, batch)
    rows = []
    if suspended:
        _restore_indexes(raw, suspended, tick, 0.6, 0.76, "Indexing customers")
    if tick is not None:
        tick(0.76, "Indexing for search")
    if bulk:
        search_index.fill(conn, "WHERE id > :m", {"m": max_before})
        for sql in search_index.TRIGGERS.values():
            conn.execute(text(sql))
    if raw is None:
        for row in conn.execute(select(c.c.id, c.c.phone).where(c.c.id > max_before)):
            ids[row.phone] = row.id
    # Every customer has one stats row: the new ones start at zero (set-based: they are exactly id > max).
    s = CustomerStats.__table__
    if tick is not None:
        tick(0.85, "Creating statistics rows")
    conn.execute(insert(s).from_select(
        ["customer_id", "as_of", "province", "region"],
        select(c.c.id, literal(today, type_=s.c.as_of.type), c.c.province, c.c.region).where(c.c.id > max_before)))
    return ids


def _apply_updates(conn, updates: list[tuple[int, dict]], now: datetime) -> None:
    """executemany UPDATEs grouped by the set of columns they change."""
    groups: dict[tuple[str, ...], list[dict]] = {}
    for cid, changes in updates:
        keys = tuple(sorted(changes))
        params = {f"v_{k}": v for k, v in changes.items()}
        params["v_id"] = cid
        groups.setdefault(keys, []).append(params)
    for keys, params in groups.items():
        stmt = update(c).where(c.c.id == bindparam("v_id")).values(
            {**{k: bindparam(f"v_{k}") for k in keys}, "updated_at": now}
        )
        for batch in _chunks(params, WRITE_BATCH):
            conn.execute(stmt, batch)


def _import_customers(conn, data, plan, options: ImportOptions, report: ImportReport, tick, today) -> None:
    """Rows whose phone is new and appears once in the file (nearly all, in a first import) go from the
    normaliser's columns to the database without a record dict; the others (a phone seen again, or
    already a customer) become dicts that are merged and compared (``_merge_into``, ``_update_for``)."""
    norm = Normalizer(plan, unknown_to_note=options.unknown_to_note)
    rejects = report.rejects
    warnings = report.warnings
    rows_read = merged_rows = 0
    chunks: list[CustomerChunk] = []
    seen: set[str] = set()  # the phones so far
    repeated: set[str] = set()  # those seen on more than one row
    for chunk in _data_chunks(data, plan, tick, 0.45):
        part = customer_columns(norm, chunk, warnings)
        if part.rejects.count(None) < len(part.rejects):
            for k, reject in enumerate(part.rejects):
                if reject is not None:
                    row = chunk[k][1]
                    if not (looks_like_footer(row) or _blank(row)):
                        rows_read += 1
                        rejects.append(reject)
        chunks.append(part)
        phones = [head[0] for head in part.heads if head is not None]
        distinct = set(phones)
        rows_read += len(phones)
        merged_rows += len(phones) - len(distinct - seen)  # every row but a new phone's first
        repeated |= distinct & seen
        if len(distinct) < len(phones):
            repeated.update(ph for ph, times in collections.Counter(phones).items() if times > 1)
        seen |= distinct
    report.rows += rows_read
    report.merged += merged_rows
    data.release()
    report.rejected = len(rejects)
    tick(0.45, "Matching existing customers")
    existing = _existing_customers(conn, seen)
    slow = repeated | existing.keys()
    # Record dicts for the slow phones, merged in file order (the first row of a phone is the base).
    merged: dict[str, dict] = {}
    columns: dict[str, list] = {}
    for part in chunks:
        picked = part.accepted
        if slow:
            at = [k for k, head in enumerate(part.heads) if head is not None and head[0] in slow]
            for k in at:
                picked[k] = False
            for rec, _reject in part.records(at):
                base = merged.get(rec["phone"])
                if base is None:
                    merged[rec["phone"]] = rec
                else:
                    _merge_into(base, rec)
        for key, values in part.columns(picked).items():
            columns.setdefault(key, []).extend(values)
    chunks = []
    now = datetime.now().replace(microsecond=0)
    new_records = [r for ph, r in merged.items() if ph not in existing]
    updates: list[tuple[int, dict]] = []
    for ph, ex in existing.items():
        changes = _update_for(ex, merged[ph], options.update_existing)
        if changes:
            updates.append((ex["id"], changes))
    tick(0.46, "Writing customers")
    fast_rows = _column_rows(conn, columns, now) if columns.get("phone") else []
    new_ids = _insert_customers(conn, new_records, now, today, tick, rows=fast_rows)
    fast_rows = []
    _apply_updates(conn, updates, now)
    tick(0.9, "Writing tags")
    tagged: dict[int, list[str]] = {}
    for ph, names in zip(columns.get("phone", ()), columns.get("tags", ())):
        if names:
            tagged[new_ids[ph]] = names
    for ph, rec in merged.items():
        if rec.get("tags"):
            cid = new_ids.get(ph) or existing[ph]["id"]
            tagged[cid] = rec["tags"]
    tag_touched = _add_tags(conn, tagged, set(new_ids.values()))
    existing_ids = {ex["id"] for ex in existing.values()}
    report.created = len(new_ids)
    report.updated = len({cid for cid, _ in updates} | (tag_touched & existing_ids))
    report.unchanged = len(existing) - report.updated
    tick(0.97, "Updating statistics")
    # New customers got their zero stats row in _insert_customers; a customer import adds no purchase,
    # so nobody's stats or tier change.


def _invoice_amount(inv: list) -> int | None:
    """The amount of an invoice (``purchase_rows`` slots): amount, else lines, else goods − discount, else paid."""
    if inv[P_AMOUNT] is not None:
        return inv[P_AMOUNT]
    if inv[P_LINE] is not None:
        return inv[P_LINE]
    if inv[P_GOODS] is not None:
        return inv[P_GOODS] - (inv[P_DISCOUNT] or 0)
    return inv[P_PAID]


# Filled from a later line of the same invoice when the first left them empty.
_INVOICE_FILL = (P_CATEGORY, P_CHANNEL, P_BRANCH, P_E164, P_CCODE, P_CNAME, P_PTYPE, P_PRAW, P_PALT)


def _import_purchases(conn, data, plan, options: ImportOptions, report: ImportReport, tick, today, import_id) -> None:
    from loyalty_desktop.settings import get_setting
    from loyalty_desktop.stats import refresh_stats

    norm = Normalizer(plan)
    fields = set(plan.mapping.values())
    line_mode = "line_amount" in fields and "amount" not in fields
    invoices: dict[str, list] = {}
    setdefault = invoices.setdefault
    rows_read = merged = 0
    for chunk in _data_chunks(data, plan, tick, 0.45):
        for (_rowno, row), rec in zip(chunk, purchase_rows(norm, chunk, report.warnings)):
            if type(rec) is not list:  # a reject
                if looks_like_footer(row) or _blank(row):
                    continue
                rows_read += 1
                report.rejects.append(rec)
                continue
            rows_read += 1
            inv = setdefault(rec[P_CODE], rec)
            if inv is rec:
                continue
            # Another line of the same invoice (line-item export) or a repeated row.
            merged += 1
            if line_mode and rec[P_LINE] is not None:
                inv[P_LINE] = (inv[P_LINE] or 0) + rec[P_LINE]
            for k in _INVOICE_FILL:
                if not inv[k] and rec[k]:
                    inv[k] = rec[k]
            inv[P_CANCELLED] = inv[P_CANCELLED] or rec[P_CANCELLED]
    report.rows += rows_read
    report.merged += merged
    data.release()
    report.rejected = len(report.rejects)
    source = plan.source or "import"
    raw = _sqlite(conn)

    tick(0.45, "Looking for invoices already imported")
    known: set[str] = set()
    if raw is not None:
        if raw.execute("SELECT 1 FROM purchase WHERE source = ? LIMIT 1", (source,)).fetchone() is not None:
            for chunk in _chunks(invoices.keys(), RAW_CHUNK):
                sql = f"SELECT invoice_code FROM purchase WHERE source = ? AND invoice_code IN ({','.join('?' * len(chunk))})"
                known.update(r[0] for r in raw.execute(sql, [source, *chunk]))
    else:
        for chunk in _chunks(invoices.keys()):
            known.update(conn.execute(select(p.c.invoice_code).where(p.c.source == source, p.c.invoice_code.in_(chunk))).scalars())
    report.duplicates_skipped = len(known)
    new_invoices = [inv for code, inv in invoices.items() if code not in known] if known else list(invoices.values())
    invoices.clear()

    tick(0.47, "Matching customers")
    phones = {inv[P_E164] for inv in new_invoices if inv[P_E164]}
    by_phone = _ids_by(conn, raw, "phone", phones)
    existing_ids = set(by_phone.values())
    codes = {inv[P_CCODE] for inv in new_invoices if not inv[P_E164] and inv[P_CCODE]}
    by_code = _ids_by(conn, raw, "code", codes)
    existing_ids |= set(by_code.values())
    # Unknown phones create customers (name and code from the sales file).
    now = datetime.now().replace(microsecond=0)
    to_create: dict[str, dict] = {}
    for inv in new_invoices:
        ph = inv[P_E164]
        if not ph or ph in by_phone:
            continue
        known_new = to_create.get(ph)
        if known_new is not None:
            # A customer known only from sales joined with their first purchase.
            if not inv[P_CANCELLED] and inv[P_WHEN] < known_new["created_at"]:
                known_new["created_at"] = inv[P_WHEN]
        else:
            name = inv[P_CNAME] or ""
            if norm.fold(name) in WALK_IN_NAMES:
                name = ""
            to_create[ph] = {"phone": ph, "phone_raw": inv[P_PRAW], "phone_alt": inv[P_PALT],
                             "phone_type": inv[P_PTYPE], "full_name": name[:200],
                             "name_folded": norm.fold(name)[:200] if name else "", "code": inv[P_CCODE],
                             "created_at": inv[P_WHEN]}
    new_ids = _insert_customers(conn, list(to_create.values()), now, today)
    to_create.clear()
    by_phone.update(new_ids)
    report.created = len(new_ids)

    tick(0.5, "Writing purchases")
    rows = []
    append = rows.append
    ppv = int(get_setting(conn, "points_per_vnd") or 0) if options.award_points else 0
    points: dict[int, int] = {}
    when_text = _formatter(conn, p.c.purchased_at)
    iso = getattr(when_text, "isoformat", False)  # the SQLite text is datetime.isoformat(" ") (+ ".000000")
    walk_in = 0
    phone_get, code_get = by_phone.get, by_code.get
    new_invoices.reverse()
    pop = new_invoices.pop
    while new_invoices:  # popped in file order: each invoice is freed once its row is built
        inv = pop()
        if inv[P_E164]:
            cid = phone_get(inv[P_E164])
        elif inv[P_CCODE]:
            cid = code_get(inv[P_CCODE])
            if cid is None:
                report.warnings.append(problem(inv[P_ROWNO], norm.header("customer_code"), inv[P_CCODE],
                                               "customer code not found; recorded as a walk-in sale",
                                               "không tìm thấy mã khách hàng; ghi là khách lẻ"))
        else:
            cid = None
        if cid is None:
            walk_in += 1
            if inv[P_PPROBLEM] is not None:
                pr = inv[P_PPROBLEM]
                report.warnings.append(RowProblem(pr.row, pr.column, pr.value, pr.reason + "; recorded as a walk-in sale",
                                                  pr.reason_vi + "; ghi là khách lẻ"))
        amount = inv[P_AMOUNT]
        if amount is None:
            amount = _invoice_amount(inv)
            if amount is None:
                amount = 0
                report.warnings.append(problem(inv[P_ROWNO], norm.header("amount"), "", "no amount; recorded as 0",
                                               "thiếu số tiền; ghi là 0"))
        if ppv > 0 and cid is not None and not inv[P_CANCELLED] and amount > 0:
            points[cid] = points.get(cid, 0) + amount // ppv
        when = inv[P_WHEN]
        if iso:
            stored = when.isoformat(" ")
            if not when.microsecond:
                stored += ".000000"
        else:
            stored = when_text(when)
        append((cid, source, inv[P_CODE], stored, amount, inv[P_DISCOUNT] or 0, inv[P_CATEGORY],
                inv[P_CHANNEL], inv[P_BRANCH], 1 if inv[P_CANCELLED] else 0, import_id))
    report.walk_in += walk_in
    report.cancelled += sum(map(bool, map(operator.itemgetter(9), rows)))
    touched = set(map(operator.itemgetter(0), rows))
    touched.discard(None)
    new_invoices.clear()
    suspended = _suspend_indexes(raw, "purchase", len(rows))
    day_counter = _suspend_day_rollup(conn, raw, len(rows))
    if day_counter is not None:
        day_counter.add(rows)
    if not suspended:
        # Customer/time order: the (customer_id, purchased_at) index and its neighbours are written in order.
        # (With the indexes suspended, file order keeps the unique invoice index appended to instead.)
        rows.sort(key=lambda r: (r[0] or 0, r[3]))
    total = max(1, len(rows))
    for i, batch in enumerate(_chunks(rows, WRITE_BATCH)):
        tick(0.5 + 0.12 * (i * WRITE_BATCH) / total, "Writing purchases")
        _insert_rows(conn, raw, p, _PURCHASE_COLUMNS, batch)
    report.purchases_added = len(rows)
    rows.clear()
    if suspended:
        _restore_indexes(raw, suspended, tick, 0.62, 0.76, "Indexing purchases")
    if day_counter is not None:
        tick(0.76, "Updating the sales rollup")
        _resume_day_rollup(conn, raw, day_counter)
    if points:
        stmt = update(c).where(c.c.id == bindparam("v_id")).values(points=c.c.points + bindparam("v_add"), updated_at=now)
        for batch in _chunks([{"v_id": k, "v_add": v} for k, v in points.items()], WRITE_BATCH):
            conn.execute(stmt, batch)
        report.points_awarded = sum(points.values())
    report.updated = len(touched & existing_ids)

    tick(0.77, "Updating statistics")
    if touched:
        total_customers = conn.execute(select(func.count()).select_from(c)).scalar() or 1

        def stats_progress(done: float) -> None:
            tick(0.77 + 0.21 * done, "Updating statistics")

        # Most customers touched: one full refresh is cheaper than going customer by customer.
        everyone = len(touched) > total_customers // 2
        refresh_stats(conn, None if everyone else touched, today=today, progress=stats_progress)


_PURCHASE_COLUMNS = ("customer_id", "source", "invoice_code", "purchased_at", "amount", "discount", "category",
                     "channel", "branch", "cancelled", "import_id")
