"""Import customers or purchases from a spreadsheet: plan → read + normalise → merge → write → report.

Everything is written in ONE transaction with SQLAlchemy Core ``executemany`` (no ORM objects):
a cancel (``cancelled()`` returns True → ``Cancelled``) or any error rolls it all back; a dry run
does the same work and rolls back at the end, so its counts are exact.
"""

from __future__ import annotations

import gc
import json
import time as _time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import bindparam, func, insert, literal, select, text, update

from loyalty_desktop.errors import Cancelled, InvalidInput, UserError
from loyalty_desktop.importing import mapping as mp
from loyalty_desktop.importing.normalize import (
    WALK_IN_NAMES, Normalizer, cell_text, customer_record, is_empty, looks_like_footer, problem,
    purchase_records,
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
        raise InvalidInput(f"Unknown import kind {kind!r}: use customers or purchases.")
    name = wb.resolve_sheet(sheet)
    data = wb.read(name)
    if not any(not is_empty(v) for row in data.head for v in row):
        raise UserError(f"The sheet {name!r} is empty.")
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
            "Name the column \"Số điện thoại\" or \"Phone\", or give a mapping (--mapping)."
        )
    names = ", ".join(f"{labels[m][1]} ({labels[m][0]})" for m in missing)
    raise UserError(
        f"Column(s) needed for importing {kind} not found in {file_name}: {names}. "
        f"Columns found: {', '.join(h for h in plan.headers if h)}. Give a mapping (--mapping)."
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

class _Progress:
    """Progress + cancel check; also times each phase (``report.timings``, printed by the benchmark)."""

    def __init__(self, progress: ProgressFn | None, cancelled: CancelFn | None) -> None:
        self._progress = progress
        self._cancelled = cancelled
        self.timings: dict[str, float] = {}
        self._phase = ""
        self._since = _time.perf_counter()

    def __call__(self, fraction: float | None, text: str = "") -> None:
        if text != self._phase:
            now = _time.perf_counter()
            self.timings[self._phase or "start"] = self.timings.get(self._phase or "start", 0.0) + now - self._since
            self._phase, self._since = text, now
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
        with db.connect() as conn:
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
    now = _time.perf_counter()
    tick.timings[tick._phase] = tick.timings.get(tick._phase, 0.0) + now - tick._since
    report.timings = {k: round(v, 3) for k, v in tick.timings.items()}
    return report


def _data_rows(data: SheetData, plan: mp.ColumnPlan, tick: _Progress, share: float):
    """(spreadsheet row number, row) for non-blank rows below the header, with progress."""
    total = max(1, data.height)
    every = 5000
    for i, row in enumerate(data.iter_rows()):
        if i <= plan.header_index:
            continue
        if i % every == 0 or i == plan.header_index + 1:
            tick(share * i / total, "Reading rows")
        if not any(row):  # None, "" (and 0.0) only
            continue
        yield data.first_row + i, row


def _blank(row) -> bool:
    return all(is_empty(v) for v in row)


def _chunks(seq, size=CHUNK):
    seq = list(seq)
    for i in range(0, len(seq), size):
        yield seq[i:i + size]


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
    ids = _tag_ids(conn, {n for names in customer_tags.values() for n in names})
    wanted = {cid: {ids[fold(n)] for n in names} for cid, names in customer_tags.items() if names}
    existing: dict[int, set[int]] = {}
    for chunk in _chunks(sorted(cid for cid in wanted if cid not in new_ids)):
        for row in conn.execute(select(ct.c.customer_id, ct.c.tag_id).where(ct.c.customer_id.in_(chunk))):
            existing.setdefault(row.customer_id, set()).add(row.tag_id)
    links = []
    touched = set()
    now = datetime.now().replace(microsecond=0)
    empty: set[int] = set()
    for cid in sorted(wanted):  # primary-key order: the b-tree is appended to
        new = wanted[cid] - existing.get(cid, empty)
        if new:
            touched.add(cid)
            for tid in sorted(new):
                links.append({"customer_id": cid, "tag_id": tid, "created_at": now})
    for batch in _chunks(links, WRITE_BATCH):
        conn.execute(insert(ct), batch)
    return touched


def _customer_row(rec: dict, now: datetime) -> dict:
    return {
        "code": rec.get("code"), "full_name": rec.get("full_name") or "", "name_folded": rec.get("name_folded") or "",
        "phone": rec["phone"], "phone_raw": rec.get("phone_raw"), "phone_alt": rec.get("phone_alt"),
        "phone_type": rec.get("phone_type") or "mobile", "gender": rec.get("gender") or "unknown",
        "birth_date": rec.get("birth_date"), "birth_md": rec.get("birth_md"), "email": rec.get("email"),
        "address": rec.get("address"), "ward": rec.get("ward"), "province": rec.get("province"),
        "old_province": rec.get("old_province"), "region": rec.get("region"), "note": rec.get("note"),
        "points": rec.get("points") or 0, "tier": None, "sms_opt_out": False,
        "created_at": rec.get("created_at") or now, "updated_at": now,
    }


BULK_THRESHOLD = 2000  # new customers from which the search-index triggers are suspended


def _insert_customers(conn, records: list[dict], now: datetime, today: date, tick=None) -> dict[str, int]:
    """Insert new customers (and their zero stats rows); returns phone -> id.

    Big batches suspend the FTS search-index triggers (``loyalty_desktop.search_index``) and index the
    new rows with one INSERT … SELECT: per-row trigger work was 2/3 of a 100k-customer import. The
    triggers are dropped and re-created inside this transaction, so other connections never see
    them missing and a rollback restores them."""
    from loyalty_desktop import search_index
    from loyalty_desktop.models import CustomerStats

    ids: dict[str, int] = {}
    if not records:
        return ids
    rows = sorted((_customer_row(r, now) for r in records), key=lambda r: r["phone"])
    max_before = conn.execute(select(func.coalesce(func.max(c.c.id), 0))).scalar()
    bulk = len(rows) >= BULK_THRESHOLD and conn.dialect.name == "sqlite" and search_index.available(conn)
    if bulk:
        for name in search_index.TRIGGERS:
            conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
    for batch in _chunks(rows, WRITE_BATCH):
        conn.execute(insert(c), batch)
    if tick is not None:
        tick(0.76, "Indexing for search")
    if bulk:
        conn.execute(text(search_index.FILL + " WHERE id > :m"), {"m": max_before})
        for sql in search_index.TRIGGERS.values():
            conn.execute(text(sql))
    for row in conn.execute(select(c.c.id, c.c.phone).where(c.c.id > max_before)):
        ids[row.phone] = row.id
    # Every customer has one stats row: the new ones start at zero (set-based: they are exactly id > max).
    s = CustomerStats.__table__
    if tick is not None:
        tick(0.8, "Creating statistics rows")
    conn.execute(insert(s).from_select(["customer_id", "as_of"],
                                       select(c.c.id, literal(today, type_=s.c.as_of.type)).where(c.c.id > max_before)))
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
    norm = Normalizer(plan, unknown_to_note=options.unknown_to_note)
    merged: dict[str, dict] = {}
    rejects = report.rejects
    warnings = report.warnings
    for rowno, row in _data_rows(data, plan, tick, 0.6):
        rec, reject = customer_record(norm, rowno, row, warnings)
        if reject is not None:
            if looks_like_footer(row) or _blank(row):
                continue
            report.rows += 1
            rejects.append(reject)
            continue
        report.rows += 1
        base = merged.get(rec["phone"])
        if base is None:
            merged[rec["phone"]] = rec
        else:
            _merge_into(base, rec)
            report.merged += 1
    report.rejected = len(rejects)
    tick(0.6, "Matching existing customers")
    existing = _existing_customers(conn, merged.keys())
    now = datetime.now().replace(microsecond=0)
    new_records = [r for ph, r in merged.items() if ph not in existing]
    updates: list[tuple[int, dict]] = []
    for ph, ex in existing.items():
        changes = _update_for(ex, merged[ph], options.update_existing)
        if changes:
            updates.append((ex["id"], changes))
    tick(0.7, "Writing customers")
    new_ids = _insert_customers(conn, new_records, now, today, tick)
    _apply_updates(conn, updates, now)
    tick(0.85, "Writing tags")
    tagged: dict[int, list[str]] = {}
    for ph, rec in merged.items():
        if rec.get("tags"):
            cid = new_ids.get(ph) or existing[ph]["id"]
            tagged[cid] = rec["tags"]
    tag_touched = _add_tags(conn, tagged, set(new_ids.values()))
    existing_ids = {ex["id"] for ex in existing.values()}
    report.created = len(new_ids)
    report.updated = len({cid for cid, _ in updates} | (tag_touched & existing_ids))
    report.unchanged = len(existing) - report.updated
    tick(0.95, "Updating statistics")
    # New customers got their zero stats row in _insert_customers; a customer import adds no purchase,
    # so nobody's stats or tier change.


def _invoice_amount(inv: dict) -> int | None:
    for key in ("amount", "line_amount", "goods_total", "paid"):
        value = inv.get(key)
        if value is not None:
            if key == "goods_total":
                return value - (inv.get("discount") or 0)
            return value
    return None


def _purchase_stream(norm, data, plan, tick, report, size: int = 10_000):
    """(row number, row, record, reject) for every data row, normalised a chunk at a time."""
    chunk: list[tuple[int, list]] = []
    for item in _data_rows(data, plan, tick, 0.55):
        chunk.append(item)
        if len(chunk) >= size:
            for (rowno, rec, reject), (_, row) in zip(purchase_records(norm, chunk, report.warnings), chunk):
                yield rowno, row, rec, reject
            chunk = []
    for (rowno, rec, reject), (_, row) in zip(purchase_records(norm, chunk, report.warnings), chunk):
        yield rowno, row, rec, reject


def _import_purchases(conn, data, plan, options: ImportOptions, report: ImportReport, tick, today, import_id) -> None:
    from loyalty_desktop.settings import get_setting
    from loyalty_desktop.stats import refresh_stats

    norm = Normalizer(plan)
    fields = set(plan.mapping.values())
    line_mode = "line_amount" in fields and "amount" not in fields
    invoices: dict[str, dict] = {}
    for rowno, row, rec, reject in _purchase_stream(norm, data, plan, tick, report):
        if reject is not None:
            if looks_like_footer(row) or _blank(row):
                continue
            report.rows += 1
            report.rejects.append(reject)
            continue
        report.rows += 1
        inv = invoices.get(rec["invoice_code"])
        if inv is None:
            invoices[rec["invoice_code"]] = rec
            continue
        # Another line of the same invoice (line-item export) or a repeated row.
        report.merged += 1
        if line_mode and rec.get("line_amount") is not None:
            inv["line_amount"] = (inv.get("line_amount") or 0) + rec["line_amount"]
        for key in ("category", "channel", "branch", "e164", "customer_code", "customer_name", "phone_type",
                    "phone_raw", "phone_alt"):
            if not inv.get(key) and rec.get(key):
                inv[key] = rec[key]
        inv["cancelled"] = inv["cancelled"] or rec["cancelled"]
    report.rejected = len(report.rejects)
    source = plan.source or "import"

    tick(0.55, "Looking for invoices already imported")
    known: set[str] = set()
    for chunk in _chunks(invoices.keys()):
        known.update(conn.execute(select(p.c.invoice_code).where(p.c.source == source, p.c.invoice_code.in_(chunk))).scalars())
    report.duplicates_skipped = len(known)
    new_invoices = [inv for code, inv in invoices.items() if code not in known]
    invoices.clear()

    tick(0.6, "Matching customers")
    phones = {inv["e164"] for inv in new_invoices if inv.get("e164")}
    by_phone: dict[str, int] = {}
    for chunk in _chunks(phones):
        for row in conn.execute(select(c.c.id, c.c.phone).where(c.c.phone.in_(chunk))):
            by_phone[row.phone] = row.id
    existing_ids = set(by_phone.values())
    codes = {inv["customer_code"] for inv in new_invoices if not inv.get("e164") and inv.get("customer_code")}
    by_code: dict[str, int] = {}
    for chunk in _chunks(codes):
        for row in conn.execute(select(c.c.code, func.min(c.c.id).label("id")).where(c.c.code.in_(chunk)).group_by(c.c.code)):
            by_code[row.code] = row.id
    existing_ids |= set(by_code.values())
    # Unknown phones create customers (name and code from the sales file).
    now = datetime.now().replace(microsecond=0)
    to_create: dict[str, dict] = {}
    for inv in new_invoices:
        ph = inv.get("e164")
        if ph and ph in to_create:
            # A customer known only from sales joined with their first purchase.
            if not inv["cancelled"] and inv["purchased_at"] < to_create[ph]["created_at"]:
                to_create[ph]["created_at"] = inv["purchased_at"]
        elif ph and ph not in by_phone:
            name = inv.get("customer_name") or ""
            if norm.fold(name) in WALK_IN_NAMES:
                name = ""
            to_create[ph] = {"phone": ph, "phone_raw": inv.get("phone_raw"), "phone_alt": inv.get("phone_alt"),
                             "phone_type": inv.get("phone_type"), "full_name": name[:200],
                             "name_folded": norm.fold(name)[:200] if name else "", "code": inv.get("customer_code"),
                             "created_at": inv["purchased_at"]}
    new_ids = _insert_customers(conn, list(to_create.values()), now, today)
    by_phone.update(new_ids)
    report.created = len(new_ids)

    tick(0.7, "Writing purchases")
    rows = []
    touched: set[int] = set()
    ppv = int(get_setting(conn, "points_per_vnd") or 0) if options.award_points else 0
    points: dict[int, int] = {}
    for inv in new_invoices:
        cid = None
        if inv.get("e164"):
            cid = by_phone.get(inv["e164"])
        elif inv.get("customer_code"):
            cid = by_code.get(inv["customer_code"])
            if cid is None:
                report.warnings.append(problem(inv["rowno"], norm.header("customer_code"), inv["customer_code"],
                                               "customer code not found; recorded as a walk-in sale",
                                               "không tìm thấy mã khách hàng; ghi là khách lẻ"))
        if cid is None and inv.get("phone_problem") is not None:
            pr = inv["phone_problem"]
            report.warnings.append(RowProblem(pr.row, pr.column, pr.value, pr.reason + "; recorded as a walk-in sale",
                                              pr.reason_vi + "; ghi là khách lẻ"))
        amount = _invoice_amount(inv)
        if amount is None:
            amount = 0
            report.warnings.append(problem(inv["rowno"], norm.header("amount"), "", "no amount; recorded as 0",
                                           "thiếu số tiền; ghi là 0"))
        if cid is None:
            report.walk_in += 1
        else:
            touched.add(cid)
            if ppv > 0 and not inv["cancelled"] and amount > 0:
                points[cid] = points.get(cid, 0) + amount // ppv
        if inv["cancelled"]:
            report.cancelled += 1
        rows.append({
            "customer_id": cid, "source": source, "invoice_code": inv["invoice_code"],
            "purchased_at": inv["purchased_at"], "amount": amount, "discount": inv.get("discount") or 0,
            "category": inv.get("category"), "channel": inv.get("channel"), "branch": inv.get("branch"),
            "cancelled": inv["cancelled"], "import_id": import_id,
        })
    new_invoices.clear()
    # Customer/time order: the (customer_id, purchased_at) index and its neighbours are written in order.
    rows.sort(key=lambda r: (r["customer_id"] or 0, r["purchased_at"]))
    total = max(1, len(rows))
    stmt = insert(p)
    for i, batch in enumerate(_chunks(rows, WRITE_BATCH)):
        tick(0.7 + 0.2 * (i * WRITE_BATCH) / total, "Writing purchases")
        conn.execute(stmt, batch)
    report.purchases_added = len(rows)
    rows.clear()
    if points:
        stmt = update(c).where(c.c.id == bindparam("v_id")).values(points=c.c.points + bindparam("v_add"), updated_at=now)
        for batch in _chunks([{"v_id": k, "v_add": v} for k, v in points.items()], WRITE_BATCH):
            conn.execute(stmt, batch)
        report.points_awarded = sum(points.values())
    report.updated = len(touched & existing_ids)

    tick(0.92, "Updating statistics")
    if touched:
        total_customers = conn.execute(select(func.count()).select_from(c)).scalar() or 1
        if len(touched) > total_customers // 2:
            refresh_stats(conn, None, today=today)
        else:
            refresh_stats(conn, touched, today=today)
