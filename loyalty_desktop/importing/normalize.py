"""Turn one spreadsheet row into a clean customer or purchase record, using ``loyalty_desktop.vn``.

Converters cache by raw value: a sales file repeats the same phones, dates and statuses thousands
of times, and phonenumbers parsing is the expensive part.
"""

from __future__ import annotations

import functools
import itertools
import math
import operator
import unicodedata
from datetime import date, datetime, time
from typing import Any, Callable

from loyalty_desktop.importing.mapping import ColumnPlan, header_key
from loyalty_desktop.importing.report import RowProblem

FOOTER_WORDS = ("tong cong", "tong so", "tong", "cong", "total", "grand total", "sum", "subtotal", "tong ket")
WALK_IN_NAMES = {"khach le", "khach vang lai le", "walk in", "walk in customer", "khach", "khach le khong ten"}
CANCELLED_WORDS = ("huy", "cancel", "void", "da xoa")


def _vn():
    from loyalty_desktop.vn import dates, money, phones, provinces, text, values

    return phones, provinces, dates, values, text, money


def cell_text(v: Any) -> str:
    """A cell as the user would read it: whole floats without ".0", dates as dd/mm/yyyy."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v.strip()
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        return str(int(v)) if v.is_integer() and abs(v) < 1e16 else repr(v)
    if isinstance(v, datetime):
        return v.strftime("%d/%m/%Y %H:%M") if (v.hour or v.minute) else v.strftime("%d/%m/%Y")
    if isinstance(v, date):
        return v.strftime("%d/%m/%Y")
    return str(v).strip()


def is_empty(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


# Folded cells of the rows looked at as possible footers (rejected rows): their first cells repeat
# ("Cá nhân", a branch name…), and folding costs ~20 µs.
_footer_key = functools.lru_cache(maxsize=65536)(header_key)


def looks_like_footer(row: list[Any]) -> bool:
    """A "Tổng cộng"/"Total" row: one of its first text cells is a total word."""
    seen = 0
    for v in row:
        if is_empty(v):
            continue
        seen += 1
        if isinstance(v, str):
            key = _footer_key(v)
            if key in FOOTER_WORDS or key.startswith("tong cong") or key.startswith("total "):
                return True
        if seen >= 3:
            break
    return False


def _cached(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Cache by (type, value): cells are str/float/int/bool/date/datetime/None, all hashable."""
    return functools.lru_cache(maxsize=None, typed=True)(fn)


def _split_tags(value: Any) -> list[str]:
    text = cell_text(value)
    if not text:
        return []
    for sep in (";", ",", "\n"):
        text = text.replace(sep, "|")
    out: list[str] = []
    seen: set[str] = set()
    _p, _pr, _d, _v, vtext, _m = _vn()
    for part in text.split("|"):
        name = " ".join(vtext.nfc(part).split())[:100]  # as written: "VIP" stays "VIP"
        if not name:
            continue
        key = vtext.fold(name)
        if key not in seen:
            seen.add(key)
            out.append(name)
    return out


def _to_int_number(v: Any) -> int:
    """Points and other plain counts: floats, "1.500", "1,500", "1500.0"."""
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, (int, float)):
        if isinstance(v, float) and math.isnan(v):
            return 0
        return int(round(v))
    s = cell_text(v).replace(" ", "")
    if not s:
        return 0
    try:
        return int(round(float(s)))
    except ValueError:
        pass
    s2 = s.replace(".", "").replace(",", "")
    if s2.lstrip("-").isdigit():
        return int(s2)
    raise ValueError(f"not a number: {s!r}")


class Normalizer:
    """Shared per-import caches and problem collection."""

    def __init__(self, plan: ColumnPlan, unknown_to_note: bool = False) -> None:
        self.plan = plan
        self.phones, self.provinces, self.dates, self.values, self.text, self.money = _vn()
        self.col = {f: i for i, f in plan.mapping.items()}
        self.unknown_to_note = unknown_to_note
        self.note_columns = [
            (i, h) for i, h in enumerate(plan.headers) if i not in plan.mapping and str(h).strip()
            and header_key(h) not in ("stt",)
        ] if unknown_to_note else []
        self.phone = _cached(self.phones.normalize_phone)
        self.gender = _cached(self.values.parse_gender)
        self.birth = _cached(self._birth)
        self.datetime = _cached(self._datetime)
        self.province = _cached(self._province)
        self.from_address = _cached(self._from_address)
        self.name = _cached(lambda v: self.text.clean_name(cell_text(v)))
        self.fold = _cached(self.text.fold)
        self.tags = _cached(lambda v: tuple(_split_tags(v)))
        self.money_value = _cached(self._money)
        self.status_cancelled = _cached(self._cancelled)
        self.plain = _cached(lambda v: self.text.nfc(cell_text(v)) if not is_empty(v) else "")

    def header(self, field_id: str) -> str:
        i = self.col.get(field_id)
        return str(self.plan.headers[i]) if i is not None and i < len(self.plan.headers) else field_id

    def get(self, row: list[Any], field_id: str) -> Any:
        i = self.col.get(field_id)
        if i is None or i >= len(row):
            return None
        return row[i]

    # -- converters (each raises ValueError with a reason, or returns a value) --
    def _birth(self, v):
        try:
            return self.dates.parse_birth(v), None
        except ValueError as exc:
            return (None, False), str(exc) or "not a date"

    def _datetime(self, v):
        try:
            return self.dates.parse_datetime(v), None
        except ValueError as exc:
            return None, str(exc) or "not a date"

    def _province(self, v):
        text = cell_text(v)
        if not text:
            return None
        return self.provinces.resolve_province(text)

    def _from_address(self, v):
        text = cell_text(v)
        if not text:
            return None
        return self.provinces.province_from_address(text)

    def _money(self, v):
        if is_empty(v):
            return None, None
        if isinstance(v, bool):
            return None, "not an amount"
        if isinstance(v, (int, float)):
            if isinstance(v, float) and math.isnan(v):
                return None, None
            return int(round(v)), None
        try:
            return self.money.parse_vnd(cell_text(v)), None
        except ValueError as exc:
            return None, str(exc) or "not an amount"

    def _cancelled(self, v) -> bool:
        key = header_key(cell_text(v))
        return any(w in key.split() or key.startswith(w) for w in CANCELLED_WORDS) or "da huy" in key

    def note_extra(self, row: list[Any]) -> str:
        parts = []
        for i, h in self.note_columns:
            if i < len(row) and not is_empty(row[i]):
                parts.append(f"{h}: {cell_text(row[i])}")
        return "; ".join(parts)


def problem(rowno: int, column: str, value: Any, reason: str, reason_vi: str) -> RowProblem:
    return RowProblem(rowno, column, cell_text(value), reason, reason_vi)


def phone_problem(norm: Normalizer, rowno: int, value: Any, result) -> RowProblem:
    reason = getattr(result, "message", "") or "unusable phone number"
    reason_vi = getattr(result, "message_vi", "") or "số điện thoại không dùng được"
    return problem(rowno, norm.header("phone"), value, reason, reason_vi)


def customer_record(norm: Normalizer, rowno: int, row: list[Any], warnings: list[RowProblem]) -> tuple[dict | None, RowProblem | None]:
    """A customer dict (keys are ``customer`` columns + ``tags``), or a reject."""
    raw_phone = norm.get(row, "phone")
    res = norm.phone(raw_phone)
    if not res.e164:
        return None, phone_problem(norm, rowno, raw_phone, res)
    rec: dict[str, Any] = {
        "phone": res.e164,
        "phone_raw": cell_text(raw_phone)[:100] or None,
        "phone_alt": (res.alt or None),
        "phone_type": res.phone_type or "mobile",
    }
    name = norm.name(norm.get(row, "name")) if "name" in norm.col else ""
    if "family_name" in norm.col:
        family = norm.name(norm.get(row, "family_name"))
        if family and not name.startswith(family):
            name = f"{family} {name}".strip()
    rec["full_name"] = name[:200]
    rec["name_folded"] = norm.fold(name)[:200] if name else ""
    for fid in ("code", "email", "address", "ward", "note"):
        if fid in norm.col:
            value = norm.plain(norm.get(row, fid))
            rec[fid] = value or None
    _finish_email_and_note(rec, norm, row)
    if "gender" in norm.col:
        rec["gender"] = norm.gender(norm.get(row, "gender"))
    if "birth_date" in norm.col:
        raw = norm.get(row, "birth_date")
        (birth, year_only), err = norm.birth(raw)
        if err:
            warnings.append(problem(rowno, norm.header("birth_date"), raw,
                                    f"birth date not understood ({err}); left empty",
                                    "không hiểu ngày sinh; để trống"))
        elif birth is not None:
            rec["birth_date"] = birth
            rec["birth_md"] = None if year_only else birth.month * 100 + birth.day
    match = None
    raw_prov = norm.get(row, "province") if "province" in norm.col else None
    if not is_empty(raw_prov):
        match = norm.province(raw_prov)
        if match is None:
            match = norm.from_address(raw_prov)
        if match is None:
            warnings.append(problem(rowno, norm.header("province"), raw_prov, "unknown province; left empty",
                                    "không nhận ra tỉnh/thành; để trống"))
    for fid in ("area", "district", "address"):
        if match is None and fid in norm.col:
            raw = norm.get(row, fid)
            if not is_empty(raw):
                match = norm.from_address(raw)
    if match is not None:
        rec["province"] = match.province
        rec["old_province"] = match.old_province
        rec["region"] = match.region
    if "tags" in norm.col:
        rec["tags"] = list(norm.tags(norm.get(row, "tags")))
    if "points" in norm.col:
        raw = norm.get(row, "points")
        try:
            rec["points"] = _to_int_number(raw)
        except ValueError:
            warnings.append(problem(rowno, norm.header("points"), raw, "points not a number; ignored",
                                    "điểm không phải là số; bỏ qua"))
    if "created_at" in norm.col:
        raw = norm.get(row, "created_at")
        when, err = norm.datetime(raw)
        if when is not None:
            rec["created_at"] = when
    return rec, None


def purchase_record(norm: Normalizer, rowno: int, row: list[Any], warnings: list[RowProblem]) -> tuple[dict | None, RowProblem | None]:
    """A purchase dict (invoice_code, purchased_at, amount…, phone/e164, customer_code, customer_name)."""
    raw_code = norm.get(row, "invoice_code")
    code = cell_text(raw_code)
    if not code:
        return None, problem(rowno, norm.header("invoice_code"), raw_code, "no invoice code", "thiếu mã hóa đơn")
    raw_time = norm.get(row, "purchased_at")
    when, err = norm.datetime(raw_time)
    if when is None:
        reason = f"date/time not understood ({err})" if err else "no date/time"
        return None, problem(rowno, norm.header("purchased_at"), raw_time, reason,
                             "không hiểu ngày giờ" if err else "thiếu ngày giờ")
    if not isinstance(when, datetime):
        when = datetime.combine(when, time.min)
    rec: dict[str, Any] = {"invoice_code": code[:64], "purchased_at": when, "rowno": rowno}
    for fid in ("amount", "line_amount", "goods_total", "discount", "paid"):
        if fid in norm.col:
            raw = norm.get(row, fid)
            value, err = norm.money_value(raw)
            if err:
                return None, problem(rowno, norm.header(fid), raw, f"amount not understood ({err})",
                                     "không hiểu số tiền")
            rec[fid] = value
    for fid in ("category", "channel", "branch"):
        if fid in norm.col:
            rec[fid] = norm.plain(norm.get(row, fid))[:100] or None
    rec["cancelled"] = bool("status" in norm.col and norm.status_cancelled(norm.get(row, "status")))
    raw_phone = norm.get(row, "phone")
    rec["e164"] = None
    if not is_empty(raw_phone):
        res = norm.phone(raw_phone)
        if res.e164:
            rec["e164"] = res.e164
            rec["phone_type"] = res.phone_type or "mobile"
            rec["phone_raw"] = cell_text(raw_phone)[:100]
            rec["phone_alt"] = res.alt or None
        else:
            rec["phone_problem"] = phone_problem(norm, rowno, raw_phone, res)
    rec["customer_code"] = norm.plain(norm.get(row, "customer_code")) or None if "customer_code" in norm.col else None
    name = norm.name(norm.get(row, "customer_name")) if "customer_name" in norm.col else ""
    rec["customer_name"] = name
    return rec, None


# Slots of a purchase row from ``purchase_rows``: a list, not a dict (a 1M-row sales file keeps one
# per invoice until it is written; a 19-key dict is ~3× the memory and slower to build).
(P_CODE, P_WHEN, P_ROWNO, P_AMOUNT, P_LINE, P_GOODS, P_DISCOUNT, P_PAID, P_CATEGORY, P_CHANNEL, P_BRANCH,
 P_CANCELLED, P_E164, P_PTYPE, P_PRAW, P_PALT, P_PPROBLEM, P_CCODE, P_CNAME) = range(19)
MONEY_FIELDS = ("amount", "line_amount", "goods_total", "discount", "paid")
TEXT_FIELDS = ("category", "channel", "branch")
SLOT = {"invoice_code": P_CODE, "purchased_at": P_WHEN, "rowno": P_ROWNO, "amount": P_AMOUNT,
        "line_amount": P_LINE, "goods_total": P_GOODS, "discount": P_DISCOUNT, "paid": P_PAID,
        "category": P_CATEGORY, "channel": P_CHANNEL, "branch": P_BRANCH, "cancelled": P_CANCELLED,
        "e164": P_E164, "phone_type": P_PTYPE, "phone_raw": P_PRAW, "phone_alt": P_PALT,
        "phone_problem": P_PPROBLEM, "customer_code": P_CCODE, "customer_name": P_CNAME}
_NO_PAIR = (None, None)


def _transpose(rows: list[tuple[int, list[Any]]]) -> list[tuple]:
    """The chunk's columns (short CSV lines padded with None), transposed in C."""
    return list(itertools.zip_longest(*[r for _, r in rows]))


def _finish_email_and_note(rec: dict, norm, row) -> None:
    """E-mail in lower case; the columns mapped to "note" appended to the note (row-wise path)."""
    if rec.get("email"):
        rec["email"] = rec["email"].lower()
    if norm.note_columns:
        extra = norm.note_extra(row)
        if extra:
            rec["note"] = _joined_note(rec.get("note"), extra)


def _joined_note(note: str | None, extra: str) -> str:
    """The note column's text, then the text of the other columns mapped to "note" (``extra``, not empty)."""
    return f"{note}; {extra}" if note else extra


def _chunk_columns(col: dict[str, int], rows: list[tuple[int, list[Any]]]):
    """``(column, n, nones)``: ``column(field_id)`` gives that field's values in the chunk (a column of None
    when the file lacks the field), ``n`` the chunk's row count, ``nones`` such an all-None column."""
    n = len(rows)
    columns = _transpose(rows)
    width = len(columns)
    nones = (None,) * n

    def column(fid):
        i = col.get(fid)
        return columns[i] if i is not None and i < width else nones

    return column, n, nones


def _convert_column(cache: dict, convert: Callable[[Any], Any], values) -> list[Any]:
    """``[convert(v) for v in values]`` through a cache, at C speed for the repeated values.

    Dict keys confuse True/1/1.0 and False/0/0.0: a column holding a bool converts without the cache."""
    distinct = set(values)
    # (a value equal to True/False: 1, 0, 1.0, 0.0 or a bool; only then are the types looked at)
    if (True in distinct or False in distinct) and bool in set(map(type, values)):
        return [convert(v) for v in values]
    for v in distinct.difference(cache):  # in C: only the values not converted yet come back
        cache[v] = convert(v)
    try:
        return list(map(cache.__getitem__, values))
    except KeyError:  # NaN is never equal to itself
        return [cache[v] if v in cache else convert(v) for v in values]


def _stripped_column(values) -> list[str] | None:
    """``[v.strip() for v in values]`` when every value is ASCII text (codes as POS systems write them),
    in C; None otherwise."""
    if set(map(type, values)) != {str}:
        return None
    out = list(map(str.strip, values))
    return out if "".join(out).isascii() else None


def _plain_column(norm: Normalizer, values) -> list[str]:
    """``[norm.plain(v) for v in values]`` for mostly-distinct text (codes, addresses): a stripped string
    already in NFC is its own result, so only the others go through ``norm.plain``."""
    fast = _stripped_column(values)
    if fast is not None:
        return fast
    out = []
    append = out.append
    is_nfc = unicodedata.is_normalized
    plain = norm.plain
    for v in values:
        if type(v) is str:
            s = v.strip()
            if s.isascii() or is_nfc("NFC", s):
                append(s)
                continue
        append(plain(v))
    return out


def purchase_rows(norm: Normalizer, rows: list[tuple[int, list[Any]]],
                  warnings: list[RowProblem]) -> list[list | RowProblem]:
    """Column-at-a-time ``purchase_record`` for a chunk of rows: for each row its slots (a list indexed by
    ``P_*``; a field not in the file is None) or the reject (a ``RowProblem``). Each column goes through
    a cache (values repeat a lot in sales files); spreadsheet datetimes take a fast path."""
    if not rows:
        return []
    caches = norm.__dict__.setdefault("_chunk_caches", {})
    col = norm.col
    column, n, nones = _chunk_columns(col, rows)

    def cache(name):
        return caches.setdefault(name, {})

    codes = _stripped_column(column("invoice_code"))
    if codes is None:
        codes = [v.strip() if type(v) is str else cell_text(v) for v in column("invoice_code")]
    raw_times = column("purchased_at")
    money = []
    money_error = False
    for fid in MONEY_FIELDS:
        if fid in col:
            pairs = _convert_column(cache("money"), norm.money_value, column(fid))
            money_error = money_error or any(p[1] for p in set(pairs))
            money.append(pairs)
        else:
            money.append(itertools.repeat(_NO_PAIR, n))
    texts = [_convert_column(cache(fid), lambda v: (norm.plain(v)[:100] or None), column(fid))
             if fid in col else nones for fid in TEXT_FIELDS]
    cancelled = (_convert_column(cache("status"), lambda v: bool(norm.status_cancelled(v)), column("status"))
                 if "status" in col else (False,) * n)

    normalize_phone = norm.phones.normalize_phone  # (through this import's cache, not a second one)

    def phone_slots(v):
        if is_empty(v):
            return None
        res = normalize_phone(v)
        if res.e164:
            return (res.e164, res.phone_type or "mobile", cell_text(v)[:100], res.alt or None, None)
        return (None, None, None, None, res)

    raw_phones = column("phone")
    phones = _convert_column(cache("phone"), phone_slots, raw_phones)
    ccodes = ([v or None for v in _plain_column(norm, column("customer_code"))]
              if "customer_code" in col else nones)
    names = (_convert_column(cache("customer_name"), norm.name, column("customer_name"))
             if "customer_name" in col else ("",) * n)

    out: list[list | RowProblem] = []
    append = out.append
    h_code, h_time = norm.header("invoice_code"), norm.header("purchased_at")
    no_phone = (None, None, None, None, None)
    combine, tmin = datetime.combine, time.min
    for (rowno, row), code, raw_time, (amount, e1), (line, e2), (goods, e3), (discount, e4), (paid, e5), \
            category, channel, branch, cancel, raw_phone, ph, ccode, name in zip(
            rows, codes, raw_times, *money, *texts, cancelled, raw_phones, phones, ccodes, names):
        if not code:
            i = col.get("invoice_code")
            append(problem(rowno, h_code, row[i] if i is not None and i < len(row) else None,
                           "no invoice code", "thiếu mã hóa đơn"))
            continue
        if type(raw_time) is datetime:
            when = raw_time
        else:
            when, err = norm.datetime(raw_time)
            if when is None:
                reason = f"date/time not understood ({err})" if err else "no date/time"
                append(problem(rowno, h_time, raw_time, reason, "không hiểu ngày giờ" if err else "thiếu ngày giờ"))
                continue
            if type(when) is not datetime:
                when = combine(when, tmin)
        if money_error and (e1 or e2 or e3 or e4 or e5):
            k = next(i for i, e in enumerate((e1, e2, e3, e4, e5)) if e)
            fid = MONEY_FIELDS[k]
            i = col[fid]
            append(problem(rowno, norm.header(fid), row[i] if i < len(row) else None,
                           f"amount not understood ({(e1, e2, e3, e4, e5)[k]})", "không hiểu số tiền"))
            continue
        e164, ptype, praw, palt, bad = ph or no_phone
        append([code[:64], when, rowno, amount, line, goods, discount, paid, category, channel, branch, cancel,
                e164, ptype, praw, palt,
                None if bad is None else phone_problem(norm, rowno, raw_phone, bad),
                ccode, name])
    return out


def purchase_dict(slots: list, col: dict) -> dict:
    """A ``purchase_rows`` row as the dict ``purchase_record`` returns (same keys present)."""
    rec: dict[str, Any] = {"invoice_code": slots[P_CODE], "purchased_at": slots[P_WHEN], "rowno": slots[P_ROWNO]}
    for fid in MONEY_FIELDS + TEXT_FIELDS:
        if fid in col:
            rec[fid] = slots[SLOT[fid]]
    rec["cancelled"] = slots[P_CANCELLED]
    rec["e164"] = slots[P_E164]
    if slots[P_E164]:
        rec["phone_type"] = slots[P_PTYPE]
        rec["phone_raw"] = slots[P_PRAW]
        rec["phone_alt"] = slots[P_PALT]
    elif slots[P_PPROBLEM] is not None:
        rec["phone_problem"] = slots[P_PPROBLEM]
    rec["customer_code"] = slots[P_CCODE]
    rec["customer_name"] = slots[P_CNAME]
    return rec


def purchase_records(norm: Normalizer, rows: list[tuple[int, list[Any]]],
                     warnings: list[RowProblem]) -> list[tuple[int, dict | None, RowProblem | None]]:
    """``purchase_record`` for a chunk of rows (same results): ``purchase_rows`` as dicts."""
    out = []
    for (rowno, _row), item in zip(rows, purchase_rows(norm, rows, warnings)):
        if type(item) is list:
            out.append((rowno, purchase_dict(item, norm.col), None))
        else:
            out.append((rowno, None, item))
    return out


def _points_or_error(v):
    try:
        return _to_int_number(v), True
    except ValueError:
        return None, False


_HEAD_KEYS = ("phone", "phone_raw", "phone_alt", "phone_type")
_FIRST, _SECOND = operator.itemgetter(0), operator.itemgetter(1)


class CustomerChunk:
    """A chunk of customer rows normalised a column at a time (``customer_columns``). Per row (in the
    chunk's order): ``rejects[k]`` is its reject (a ``RowProblem``) or None, and its fields sit in
    columns. ``records()`` gives the rows as ``customer_record`` dicts; ``columns(selected)`` gives the
    fields of the picked rows as one list per field, for an import that writes them without dicts."""

    __slots__ = ("rownos", "rejects", "heads", "keys", "base", "extras", "births", "places", "tags", "points",
                 "created")

    def __init__(self, rownos, rejects, heads, keys, base, extras, births, places, tags, points, created):
        self.rownos = rownos
        self.rejects = rejects
        self.heads = heads  # (phone, phone_raw, phone_alt, phone_type); None for a rejected row
        self.keys = keys  # the phone's four (``heads``), then ``base``'s: full_name, name_folded, the plain
        # text fields in the file, gender
        self.base = base
        self.extras = extras  # text of the columns mapped to "note", or None when there are none
        self.births = births  # (birth_date, birth_md) or (None, None); None: no birth-date column
        self.places = places  # province match or None; None: no column to find a province in
        self.tags = tags
        self.points = points  # (value, understood)
        self.created = created  # (when, error)

    @property
    def accepted(self) -> list[bool]:
        return [r is None for r in self.rejects]

    def records(self, only: list[int] | None = None) -> list[tuple[dict | None, RowProblem | None]]:
        """Each row (or the rows at the indexes ``only``) as ``customer_record`` returns it: the record
        dict, or the reject."""
        keys, extras, births, places, tags, points, created = (
            self.keys, self.extras, self.births, self.places, self.tags, self.points, self.created)
        out: list[tuple[dict | None, RowProblem | None]] = []
        append = out.append
        rows = enumerate(zip(self.rejects, self.heads, zip(*self.base)))
        if only is not None:
            rows = ((k, (self.rejects[k], self.heads[k], tuple(column[k] for column in self.base))) for k in only)
        for k, (reject, head, base) in rows:
            if reject is not None:
                append((None, reject))
                continue
            rec: dict[str, Any] = dict(zip(keys, head + base))
            if extras is not None and extras[k]:
                rec["note"] = _joined_note(rec.get("note"), extras[k])
            if births is not None:
                birth, md = births[k]
                if birth is not None:
                    rec["birth_date"] = birth
                    rec["birth_md"] = md
            if places is not None:
                match = places[k]
                if match is not None:
                    rec["province"] = match.province
                    rec["old_province"] = match.old_province
                    rec["region"] = match.region
            if tags is not None:
                rec["tags"] = list(tags[k])
            if points is not None:
                value, ok = points[k]
                if ok:
                    rec["points"] = value
            if created is not None:
                when = created[k][0]
                if when is not None:
                    rec["created_at"] = when
            append((rec, None))
        return out

    def columns(self, selected: list[bool]) -> dict[str, list]:
        """The picked rows' fields (accepted rows only), one list per field: what ``records()`` would put
        under that key, None where it would leave the key out; ``tags`` holds each row's tag names."""
        everyone = selected.count(False) == 0  # (the usual case: no copies)

        def pick(values):
            return values if everyone else list(itertools.compress(values, selected))

        heads = pick(self.heads)
        out = {key: list(map(operator.itemgetter(i), heads)) for i, key in enumerate(_HEAD_KEYS)}
        n = len(heads)
        for key, values in zip(self.keys[len(_HEAD_KEYS):], self.base):
            out[key] = pick(values)
        if self.extras is not None:
            notes = out.get("note") or itertools.repeat(None, n)
            out["note"] = [_joined_note(note, extra) if extra else note for note, extra in zip(notes, pick(self.extras))]
        if self.births is not None:
            births = pick(self.births)
            out["birth_date"], out["birth_md"] = list(map(_FIRST, births)), list(map(_SECOND, births))
        if self.places is not None:
            places = pick(self.places)
            # A few distinct match objects (cached), keyed by identity: hashing the dataclass costs ~1 µs.
            fields = {key: (None, None, None) if m is None else (m.province, m.old_province, m.region)
                      for key, m in dict(zip(map(id, places), places)).items()}
            triples = list(map(fields.__getitem__, map(id, places)))
            for i, key in enumerate(("province", "old_province", "region")):
                out[key] = list(map(operator.itemgetter(i), triples))
        if self.tags is not None:
            out["tags"] = pick(self.tags)
        if self.points is not None:
            out["points"] = [value if ok else None for value, ok in pick(self.points)]
        if self.created is not None:
            out["created_at"] = list(map(_FIRST, pick(self.created)))
        return out


def _birth_pair(converted) -> tuple[date | None, int | None]:
    """``Normalizer.birth``'s ``((birth, year only), error)`` → the record's (birth_date, birth_md)."""
    (birth, year_only), err = converted
    if err or birth is None:
        return None, None
    return birth, None if year_only else birth.month * 100 + birth.day


def customer_records(norm: Normalizer, rows: list[tuple[int, list[Any]]],
                     warnings: list[RowProblem]) -> list[tuple[dict | None, RowProblem | None]]:
    """``customer_record`` for a chunk of rows (same dicts, same warnings in the same order)."""
    if not rows:
        return []
    return customer_columns(norm, rows, warnings).records()


def customer_columns(norm: Normalizer, rows: list[tuple[int, list[Any]]],
                     warnings: list[RowProblem]) -> CustomerChunk:
    """A chunk of rows normalised a column at a time, with ``customer_record``'s rejects and warnings (the
    warnings appended to ``warnings`` in the same order): repeated values (names, areas, dates, genders,
    tags, points) are converted once through a cache, phones (mostly distinct) through a cache for this
    chunk only, codes and addresses by a fast path for text that is already clean (``_plain_column``)."""
    keep = norm.__dict__.setdefault("_customer_caches", {})
    col = norm.col
    column, n, nones = _chunk_columns(col, rows)

    def conv(fid, convert):
        if fid not in col:
            return nones
        return _convert_column(keep.setdefault(fid, {}), convert, column(fid))

    raw_phones = column("phone")
    normalize_phone, clean_mobile = norm.phones.normalize_phone, norm.phones.clean_mobile

    def phone_head(v):
        """The record's first four values (a tuple), or the ``PhoneResult`` saying why the phone is refused."""
        if type(v) is str:
            e164 = clean_mobile(v)
            if e164 is not None:  # most cells: no PhoneResult to build
                return e164, v, None, "mobile"
        res = normalize_phone(v)
        if not res.e164:
            return res
        return res.e164, cell_text(v)[:100] or None, res.alt or None, res.phone_type or "mobile"

    heads: list[tuple | None] = _convert_column({}, phone_head, raw_phones)  # once per distinct cell
    rownos = [rowno for rowno, _row in rows]
    rejects: list[RowProblem | None] = [None] * n
    refused = itertools.compress(range(n), map(operator.is_not, map(type, heads), itertools.repeat(tuple)))
    for k in list(refused):  # the rows whose phone came back as a PhoneResult (a subclass of tuple)
        rejects[k] = phone_problem(norm, rownos[k], raw_phones[k], heads[k])
        heads[k] = None
    names = conv("name", norm.name)
    families = conv("family_name", norm.name)
    plain_fields = [fid for fid in ("code", "email", "address", "ward", "note") if fid in col]
    plains = [conv(fid, norm.plain) if fid == "ward" else _plain_column(norm, column(fid)) for fid in plain_fields]
    has = col.__contains__
    has_name, has_family, has_gender = has("name"), has("family_name"), has("gender")
    # full_name/name_folded, the plain text fields (e-mail in lower case), gender: what every accepted
    # record has after its phone's four values, a column each.
    if has_family:
        fulls = []
        for name, family in zip(names if has_name else ("",) * n, families):
            if family and not name.startswith(family):
                name = f"{family} {name}".strip()
            fulls.append(name)
    else:
        fulls = names if has_name else ("",) * n
    fold = norm.fold
    pairs = _convert_column(keep.setdefault("_name_pair", {}),
                            lambda name: (name[:200], fold(name)[:200] if name else ""), fulls)
    base = [list(map(_FIRST, pairs)), list(map(_SECOND, pairs))]
    for fid, values in zip(plain_fields, plains):
        values = [v or None for v in values]
        if fid == "email":
            values = [v.lower() if v else v for v in values]
        base.append(values)
    if has_gender:
        base.append(conv("gender", norm.gender))
    keys = _HEAD_KEYS + ("full_name", "name_folded") + tuple(plain_fields) + (("gender",) if has_gender else ())
    extras = [norm.note_extra(row) for _rowno, row in rows] if norm.note_columns else None

    births = None
    if has("birth_date"):
        converted = conv("birth_date", norm.birth)  # ((birth, year only), error)
        raw_births, h_birth = column("birth_date"), norm.header("birth_date")
        births = _convert_column(keep.setdefault("_birth_pair", {}), _birth_pair, converted)
        birth_errors = list(map(_SECOND, converted))
    else:
        birth_errors = nones

    provs = None
    places = None
    if has("province"):
        def province_of(v):
            if is_empty(v):
                return None, False
            match = norm.province(v)
            if match is None:
                match = norm.from_address(v)
            return match, match is None

        provs = conv("province", province_of)
        places = list(map(_FIRST, provs))
    for fid in ("area", "district"):  # then the first of these that names a province
        if has(fid):
            found = conv(fid, lambda v: None if is_empty(v) else norm.from_address(v))
            places = found if places is None else [m if m is not None else f for m, f in zip(places, found)]
    if has("address"):
        from_address = norm.from_address
        places = places if places is not None else [None] * n
        for k, raw in enumerate(column("address")):
            if places[k] is None and not is_empty(raw):
                places[k] = from_address(raw)

    tags = conv("tags", norm.tags) if has("tags") else None
    points = conv("points", _points_or_error) if has("points") else None
    created = conv("created_at", norm.datetime) if has("created_at") else None

    # Warnings, row by row in customer_record's order (birth date, province, points), accepted rows only.
    h_prov, h_points = norm.header("province"), norm.header("points")
    bad_points = points is not None and not all(ok for _v, ok in set(points))
    bad_provs = provs is not None and any(map(_SECOND, provs))
    if any(birth_errors) or bad_provs or bad_points:
        raw_provs, raw_points = column("province"), column("points")
        for k in range(n):
            if rejects[k] is not None:
                continue
            if birth_errors[k]:
                warnings.append(problem(rownos[k], h_birth, raw_births[k],
                                        f"birth date not understood ({birth_errors[k]}); left empty",
                                        "không hiểu ngày sinh; để trống"))
            if bad_provs and provs[k][1]:
                warnings.append(problem(rownos[k], h_prov, raw_provs[k], "unknown province; left empty",
                                        "không nhận ra tỉnh/thành; để trống"))
            if bad_points and not points[k][1]:
                warnings.append(problem(rownos[k], h_points, raw_points[k], "points not a number; ignored",
                                        "điểm không phải là số; bỏ qua"))
    return CustomerChunk(rownos, rejects, heads, keys, base, extras, births, places, tags, points, created)
