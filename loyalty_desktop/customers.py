"""Customers: list queries (filters, search, sort, keyset pages), the customer card, and edits.

Qt-free. Everything takes the caller's own SQLAlchemy ``Connection`` and returns plain dicts/tuples.

List paging: a page is fetched either after a known key (keyset, ~1 ms at any depth) or, for a jump
(scrollbar dragged to the end), from an offset — the offset is resolved on the sort index alone and
then read by keyset. Nullable sort columns (birth date, province, tier, last purchase) follow
SQLite's order (NULL first ascending, last descending) and are read in two parts so every query is a
plain index range.

Search: digits (spaces, dots and dashes ignored: "912 345") match the national phone number;
anything else matches the accent-folded name ("Nguyễn Văn A" = "nguyen van a"). Three or more
characters use the FTS5 trigram index (``search_index``); shorter queries are prefixes.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Iterable, Sequence

from sqlalchemy import (
    and_,
    delete,
    exists,
    false,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.engine import Connection

from loyalty_desktop import search_index
from loyalty_desktop.errors import InvalidInput, UserError
from loyalty_desktop.models import (
    AuditLog,
    CampaignRecipient,
    ConsentEvent,
    Customer,
    CustomerStats,
    CustomerTag,
    Purchase,
    SegmentMember,
    Tag,
    TagGroup,
)

c = Customer.__table__
s = CustomerStats.__table__
p = Purchase.__table__
ct = CustomerTag.__table__
t = Tag.__table__
tg = TagGroup.__table__
ce = ConsentEvent.__table__
cr = CampaignRecipient.__table__
sm = SegmentMember.__table__
al = AuditLog.__table__

PAGE_SIZE = 200
SHORT_QUERY = 3  # below this many characters: prefix search instead of trigram


def _fold(value: str) -> str:
    from loyalty_desktop.vn.text import fold

    return fold(value)


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


# ----------------------------------------------------------------------------------------------------
# columns


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    label_en: str
    label_vi: str
    sort: Any | None  # column to ORDER BY (None: not sortable)
    tiebreak: Any = None  # id column of the same table as ``sort``
    nullable: bool = False
    invert: bool = False  # age ascending = birth date descending
    align_right: bool = False


COLUMNS: dict[str, ColumnSpec] = {
    spec.key: spec
    for spec in [
        ColumnSpec("name", "Name", "Họ tên", c.c.name_folded, c.c.id),
        ColumnSpec("phone", "Phone", "Điện thoại", c.c.phone, c.c.id),
        ColumnSpec("gender", "Gender", "Giới tính", c.c.gender, c.c.id),
        ColumnSpec("age", "Age", "Tuổi", c.c.birth_date, c.c.id, nullable=True, invert=True, align_right=True),
        ColumnSpec("province", "Province", "Tỉnh/Thành", c.c.province, c.c.id, nullable=True),
        ColumnSpec("tags", "Tags", "Thẻ", None),
        ColumnSpec("points", "Points", "Điểm", c.c.points, c.c.id, align_right=True),
        ColumnSpec("tier", "Tier", "Hạng", c.c.tier, c.c.id, nullable=True),
        ColumnSpec("orders", "Orders", "Số đơn", s.c.order_count, s.c.customer_id, align_right=True),
        ColumnSpec("total_spent", "Total spent", "Tổng chi tiêu", s.c.total_spent, s.c.customer_id, align_right=True),
        ColumnSpec("last_purchase", "Last purchase", "Mua gần nhất", s.c.last_purchase_at, s.c.customer_id,
                   nullable=True),
        ColumnSpec("created", "Joined", "Ngày tham gia", c.c.created_at, c.c.id),
        ColumnSpec("opt_out", "SMS opt-out", "Từ chối SMS", c.c.sms_opt_out, c.c.id),
    ]
}
DEFAULT_COLUMNS = ["name", "phone", "gender", "age", "province", "tags", "points", "tier", "orders",
                   "total_spent", "last_purchase"]

ROW_COLUMNS = [
    c.c.id, c.c.full_name, c.c.phone, c.c.gender, c.c.birth_date, c.c.province, c.c.points, c.c.tier,
    c.c.sms_opt_out, c.c.created_at, s.c.order_count, s.c.total_spent, s.c.last_purchase_at,
]


# ----------------------------------------------------------------------------------------------------
# query


@dataclass(frozen=True)
class CustomerQuery:
    """What the list shows: search text, quick filters, an optional rule, and the sort."""

    search: str = ""
    province: str | None = None
    gender: str | None = None
    tag_id: int | None = None
    has_purchases: bool | None = None
    opted_out: bool | None = None
    segment: str | None = None  # saved segment name
    rule: Any = None  # a rule node/dict (rule builder preview)
    sort: str = "name"
    descending: bool = False

    def with_(self, **kw) -> "CustomerQuery":
        return replace(self, **kw)

    @property
    def filtered(self) -> bool:
        return bool(self.search.strip()) or any(
            v is not None for v in (self.province, self.gender, self.tag_id, self.has_purchases,
                                    self.opted_out, self.segment, self.rule)
        )


_DIGITS_ONLY = re.compile(r"^[\d\s.\-()+]+$")


@dataclass
class SearchPlan:
    kind: str  # "none" | "phone" | "name"
    digits: str = ""
    words: list[str] = field(default_factory=list)


def plan_search(value: str) -> SearchPlan:
    """How a search box text is matched: phone digits, or folded name words."""
    raw = (value or "").strip()
    if not raw:
        return SearchPlan("none")
    if _DIGITS_ONLY.match(raw) and any(ch.isdigit() for ch in raw):
        digits = re.sub(r"\D", "", raw)
        if raw.lstrip().startswith("+84") or (digits.startswith("84") and len(digits) >= 11):
            digits = "0" + digits[2:]
        return SearchPlan("phone", digits=digits)
    folded = _fold(raw)
    words = [w for w in folded.split() if w]
    return SearchPlan("name", words=words) if words else SearchPlan("none")


def _fts_phrase(text_value: str) -> str:
    return '"' + text_value.replace('"', '""') + '"'


DENSE_HITS = 5_000  # more FTS hits than this: filter row by row while walking the sort index instead
_density_cache: dict[tuple, bool] = {}


def _national():
    """SQL expression: national phone digits ('0912345678') of customer.phone (+84…)."""
    return literal("0").concat(func.substr(c.c.phone, 4))


def _is_dense(conn: Connection, match_expr: str) -> bool:
    """Whether an FTS query matches many customers (cheap: stops counting at DENSE_HITS + 1)."""
    key = (str(conn.engine.url), match_expr)
    if key not in _density_cache:
        if len(_density_cache) > 500:
            _density_cache.clear()
        n = conn.execute(
            text(f"SELECT count(*) FROM (SELECT rowid FROM {search_index.TABLE} WHERE {search_index.TABLE} "
                 "MATCH :q LIMIT :n)").bindparams(q=match_expr, n=DENSE_HITS + 1)).scalar()
        _density_cache[key] = int(n or 0) > DENSE_HITS
    return _density_cache[key]


def _escape(value: str) -> str:
    return value.replace("/", "//").replace("%", "/%").replace("_", "/_")


def _search_where(conn: Connection, value: str):
    """WHERE clause for the search box.

    Few hits: ``id IN (FTS match)`` drives the query (matches read from the trigram index, then
    sorted). Many hits ("nguyen", "09"): per-row LIKE tests the planner cannot serve from an index, so
    it walks the sort index and stops after one page. Both take milliseconds at 1M customers.
    """
    plan = plan_search(value)
    if plan.kind == "none":
        return None
    use_fts = search_index.available(conn)
    if plan.kind == "phone":
        d = plan.digits
        if use_fts and len(d) >= SHORT_QUERY:
            expr = "phone : " + _fts_phrase(d)
            if not _is_dense(conn, expr):
                return _fts_in(expr)
        if len(d) < SHORT_QUERY and d.startswith("0"):
            return c.c.phone.like("+84" + _escape(d[1:]) + "%", escape="/")
        return _national().contains(d, autoescape=True)
    phrase = " ".join(plan.words)
    if len(phrase) < SHORT_QUERY:
        # a name prefix ("ng", "a b")
        return c.c.name_folded.like(_escape(phrase) + "%", escape="/")
    terms = name_terms(plan.words)
    parts = [c.c.name_folded.contains(term, autoescape=True) for term in terms]
    if use_fts:
        expr = "name : (" + " AND ".join(_fts_phrase(term) for term in terms) + ")"
        if not _is_dense(conn, expr):
            parts = [_fts_in(expr)]
    return and_(*parts) if len(parts) > 1 else parts[0]


def name_terms(words: list[str]) -> list[str]:
    """Substrings that must all occur in the folded name. Words shorter than 3 characters stick to
    their neighbour ("nguyen van a" -> ["nguyen", "van a"]) so every term is trigram-searchable."""
    terms: list[str] = []
    pending = ""
    for w in words:
        if pending:
            w = pending + " " + w
            pending = ""
        if len(w) >= SHORT_QUERY:
            terms.append(w)
        elif terms:
            terms[-1] = terms[-1] + " " + w
        else:
            pending = w
    if pending:
        terms.append(pending)
    return terms


def _fts_in(match_expr: str):
    fts = text(f"SELECT rowid FROM {search_index.TABLE} WHERE {search_index.TABLE} MATCH :q").bindparams(q=match_expr)
    return c.c.id.in_(fts.columns(literal_column("rowid")))


def filter_clauses(conn: Connection, q: CustomerQuery, today: date | None = None) -> tuple[list, bool]:
    """WHERE clauses for the query, and whether they need ``customer_stats`` joined."""
    where: list = []
    needs_stats = False
    sw = _search_where(conn, q.search)
    if sw is not None:
        where.append(sw)
    if q.province:
        where.append(c.c.province == q.province)
    if q.gender:
        where.append(c.c.gender == q.gender)
    if q.tag_id is not None:
        where.append(c.c.id.in_(select(ct.c.customer_id).where(ct.c.tag_id == q.tag_id)))
    if q.has_purchases is not None:
        needs_stats = True
        where.append(s.c.order_count > 0 if q.has_purchases else s.c.order_count == 0)
    if q.opted_out is not None:
        where.append(c.c.sms_opt_out.is_(True) if q.opted_out else c.c.sms_opt_out.is_not(True))
    for node in _rules(conn, q):
        from loyalty_desktop.segments.runner import compile_for

        parts = compile_for(conn, node, today)
        needs_stats = needs_stats or parts.uses_stats
        where.append(parts.where)
    return where, needs_stats


def _rules(conn: Connection, q: CustomerQuery) -> list:
    nodes = []
    if q.segment:
        from loyalty_desktop.segments.store import rule_for_segment

        nodes.append({"field": "segment", "op": "in", "value": [q.segment]})
        rule_for_segment(conn, q.segment)  # raises a clear error for an unknown segment
    if q.rule is not None:
        nodes.append(q.rule)
    return nodes


def ids_select(conn: Connection, q: CustomerQuery, today: date | None = None):
    """``SELECT customer.id`` of everyone the query matches (for bulk actions on "all matching")."""
    where, needs_stats = filter_clauses(conn, q, today)
    from_ = c.join(s, s.c.customer_id == c.c.id) if needs_stats else c
    return select(c.c.id).select_from(from_).where(*where)


def count_customers(conn: Connection, q: CustomerQuery = CustomerQuery(), today: date | None = None) -> int:
    where, needs_stats = filter_clauses(conn, q, today)
    from_ = c.join(s, s.c.customer_id == c.c.id) if needs_stats else c
    return int(conn.execute(select(func.count()).select_from(from_).where(*where)).scalar() or 0)


# ----------------------------------------------------------------------------------------------------
# pages


@dataclass
class PageResult:
    rows: list[dict]
    first_key: tuple | None  # (sort value, id) of the first row
    last_key: tuple | None  # (sort value, id) of the last row; pass as ``after`` for the next page


def _spec(q: CustomerQuery) -> ColumnSpec:
    spec = COLUMNS.get(q.sort)
    if spec is None or spec.sort is None:
        raise InvalidInput(f"cannot sort by {q.sort!r}", vi=f"Không sắp xếp được theo {q.sort!r}.")
    return spec


def _direction(q: CustomerQuery, spec: ColumnSpec) -> bool:
    """True when the SQL order is descending."""
    return q.descending != spec.invert


def _base(conn: Connection, q: CustomerQuery, today: date | None):
    spec = _spec(q)
    where, _ = filter_clauses(conn, q, today)
    if spec.sort.table is s:
        from_ = s.join(c, c.c.id == s.c.customer_id)
    else:
        from_ = c.join(s, s.c.customer_id == c.c.id)
    return spec, from_, where


def _order(spec: ColumnSpec, desc: bool):
    col, tb = spec.sort, spec.tiebreak
    return [col.desc(), tb.desc()] if desc else [col.asc(), tb.asc()]


def _after(spec: ColumnSpec, desc: bool, key: tuple, inclusive: bool):
    col, tb = spec.sort, spec.tiebreak
    value, last_id = key
    if desc:
        cmp = tuple_(col, tb) <= tuple_(value, last_id) if inclusive else tuple_(col, tb) < tuple_(value, last_id)
    else:
        cmp = tuple_(col, tb) >= tuple_(value, last_id) if inclusive else tuple_(col, tb) > tuple_(value, last_id)
    return cmp


def _segments_in_order(spec: ColumnSpec, desc: bool, key: tuple | None, inclusive: bool) -> list[list]:
    """Lists of WHERE clauses whose concatenated results continue the order after ``key``.

    Each part is a plain index range. Non-nullable columns have one part.
    """
    col, tb = spec.sort, spec.tiebreak
    if not spec.nullable:
        return [[] if key is None else [_after(spec, desc, key, inclusive)]]
    null_part = [col.is_(None)]
    value_part = [col.is_not(None)]
    # SQLite: NULL sorts first ascending, last descending.
    order = [("value", value_part), ("null", null_part)] if desc else [("null", null_part), ("value", value_part)]
    if key is None:
        return [clauses for _n, clauses in order]
    value, last_id = key
    parts = []
    started = False
    for name, clauses in order:
        if started:
            parts.append(clauses)
            continue
        if name == "null" and value is None:
            idc = (tb <= last_id if inclusive else tb < last_id) if desc else (tb >= last_id if inclusive else tb > last_id)
            parts.append(clauses + [idc])
            started = True
        elif name == "value" and value is not None:
            parts.append([_after(spec, desc, key, inclusive)])
            started = True
    return parts


def fetch_page(conn: Connection, q: CustomerQuery, *, after: tuple | None = None, offset: int = 0,
               limit: int = PAGE_SIZE, today: date | None = None, token=None) -> PageResult:
    """One page of rows. ``after`` (a ``last_key``) continues a previous page; otherwise ``offset``."""
    if limit < 1:
        raise InvalidInput("limit must be at least 1", vi="Số dòng mỗi trang phải từ 1 trở lên.")
    spec, from_, where = _base(conn, q, today)
    desc = _direction(q, spec)
    key, inclusive = after, False
    if after is None and offset > 0:
        key = _key_at_offset(conn, q, spec, offset, today)
        if key is None:
            return PageResult([], None, None)
        inclusive = True
    rows: list[dict] = []
    cols = ROW_COLUMNS + [spec.sort.label("_sort")]
    if conn.dialect.name == "sqlite":  # tag ids in the same statement: one SQLite step per row, not per tag
        cols.append(select(func.group_concat(ct.c.tag_id)).where(ct.c.customer_id == c.c.id)
                    .scalar_subquery().label("_tag_ids"))
    for part in _segments_in_order(spec, desc, key, inclusive):
        stmt = select(*cols).select_from(from_).where(*where, *part).order_by(*_order(spec, desc))
        stmt = stmt.limit(limit - len(rows))
        if token is not None:
            with token.bound(conn):
                rows.extend(dict(r._mapping) for r in conn.execute(stmt))
        else:
            rows.extend(dict(r._mapping) for r in conn.execute(stmt))
        if len(rows) >= limit:
            break
    _decorate(conn, rows, today)
    if not rows:
        return PageResult([], None, None)
    return PageResult(rows, (rows[0]["_sort"], rows[0]["id"]), (rows[-1]["_sort"], rows[-1]["id"]))


def _key_at_offset(conn: Connection, q: CustomerQuery, spec: ColumnSpec, offset: int, today) -> tuple | None:
    """(sort value, id) of the row at ``offset``: read from the sort index (no row is built)."""
    where, needs_stats = filter_clauses(conn, q, today)
    desc = _direction(q, spec)
    on_stats = spec.sort.table is s
    if on_stats:
        from_ = s.join(c, c.c.id == s.c.customer_id) if where else s
    else:
        from_ = c.join(s, s.c.customer_id == c.c.id) if needs_stats else c
    stmt = (select(spec.sort, spec.tiebreak).select_from(from_).where(*where)
            .order_by(*_order(spec, desc)).offset(offset).limit(1))
    row = conn.execute(stmt).first()
    return None if row is None else (row[0], row[1])


def _decorate(conn: Connection, rows: list[dict], today: date | None) -> None:
    """Tags (id list) and age for a page of rows."""
    if not rows:
        return
    today = today or date.today()
    by_id = {r["id"]: r for r in rows}
    aggregated = "_tag_ids" in rows[0]
    for r in rows:
        r["tags"] = sorted(int(x) for x in str(r.pop("_tag_ids") or "").split(",") if x) if aggregated else []
        bd = r.get("birth_date")
        r["age"] = _age(bd, today) if bd else None
    if aggregated:
        return
    ids = list(by_id)
    for cid, tid in conn.execute(select(ct.c.customer_id, ct.c.tag_id).where(ct.c.customer_id.in_(ids))
                                 .order_by(ct.c.customer_id, ct.c.tag_id)):
        by_id[cid]["tags"].append(tid)


def _age(birth: date, today: date) -> int:
    if isinstance(birth, str):
        birth = date.fromisoformat(birth[:10])
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def segment_names(conn: Connection) -> list[str]:
    """Names of the saved segments in ``segments.store.list_segments`` order (accent-insensitive name),
    without loading the segment engine: the list's "show segment" filter reads this while it opens."""
    from loyalty_desktop.models import Segment

    sg = Segment.__table__
    return [r.name for r in conn.execute(select(sg.c.name).order_by(sg.c.name_folded))]


def tag_palette(conn: Connection) -> dict[int, tuple[str, str]]:
    """tag id -> (name, colour) for drawing chips."""
    return {row.id: (row.name, row.color) for row in conn.execute(select(t.c.id, t.c.name, t.c.color))}


def export_rows(conn: Connection, q: CustomerQuery | None = None, ids: Sequence[int] | None = None,
                today: date | None = None, token=None) -> Iterable[dict]:
    """Every selected customer as a row dict (ids, or all matching ``q``), in list order."""
    if ids is not None:
        for i in range(0, len(ids), 500):
            chunk = list(ids[i:i + 500])
            stmt = (select(*ROW_COLUMNS, c.c.email, c.c.address, c.c.note)
                    .select_from(c.join(s, s.c.customer_id == c.c.id)).where(c.c.id.in_(chunk)))
            rows = [dict(r._mapping) for r in conn.execute(stmt)]
            order = {cid: k for k, cid in enumerate(chunk)}
            rows.sort(key=lambda r: order[r["id"]])
            _decorate(conn, rows, today)
            yield from rows
        return
    q = q or CustomerQuery()
    after = None
    while True:
        page = fetch_page(conn, q, after=after, limit=2000, today=today, token=token)
        yield from page.rows
        if len(page.rows) < 2000:
            return
        after = page.last_key


# ----------------------------------------------------------------------------------------------------
# customer card


CARD_FIELDS = ("full_name", "phone", "gender", "birth_date", "email", "address", "province", "note", "code")


def get_customer(conn: Connection, customer_id: int) -> dict:
    row = conn.execute(
        select(c, *[col for col in s.c if col.key not in ("customer_id", "province", "region")])  # no copies
        .select_from(c.outerjoin(s, s.c.customer_id == c.c.id)).where(c.c.id == customer_id)
    ).first()
    if row is None:
        raise UserError(f"Customer {customer_id} does not exist (it may have been deleted or merged).",
                        vi=f"Khách hàng {customer_id} không tồn tại (có thể đã bị xóa hoặc gộp).")
    data = dict(row._mapping)
    data["tags"] = [dict(r._mapping) for r in conn.execute(
        select(t.c.id, t.c.name, t.c.color, tg.c.name.label("group"))
        .select_from(ct.join(t, t.c.id == ct.c.tag_id).outerjoin(tg, tg.c.id == t.c.group_id))
        .where(ct.c.customer_id == customer_id).order_by(t.c.name_folded))]
    data["consent"] = [dict(r._mapping) for r in conn.execute(
        select(ce.c.opted_out, ce.c.channel, ce.c.method, ce.c.note, ce.c.created_at)
        .where(ce.c.customer_id == customer_id).order_by(ce.c.created_at.desc(), ce.c.id.desc()))]
    data["purchase_count"] = int(conn.execute(
        select(func.count()).select_from(p).where(p.c.customer_id == customer_id)).scalar() or 0)
    bd = data.get("birth_date")
    data["age"] = _age(bd, date.today()) if bd else None
    return data


def customer_segments(conn: Connection, customer_id: int, token=None) -> list[str]:
    """Names of the saved segments this customer is in."""
    from loyalty_desktop.segments.runner import compile_for
    from loyalty_desktop.segments.store import list_segments

    names = []
    for seg in list_segments(conn):
        try:
            if seg.get("frozen"):
                hit = conn.execute(select(sm.c.customer_id).where(
                    sm.c.segment_id == seg["id"], sm.c.customer_id == customer_id)).first()
            else:
                parts = compile_for(conn, {"field": "segment", "op": "in", "value": [seg["name"]]})
                from_ = c.join(s, s.c.customer_id == c.c.id) if parts.uses_stats else c
                hit = conn.execute(select(c.c.id).select_from(from_).where(parts.where, c.c.id == customer_id)).first()
        except (InvalidInput, UserError):
            continue
        if hit is not None:
            names.append(seg["name"])
    return names


def purchases_page(conn: Connection, customer_id: int, offset: int = 0, limit: int = 50) -> list[dict]:
    stmt = (select(p.c.id, p.c.purchased_at, p.c.invoice_code, p.c.amount, p.c.discount, p.c.category,
                   p.c.channel, p.c.branch, p.c.cancelled, p.c.source)
            .where(p.c.customer_id == customer_id)
            .order_by(p.c.purchased_at.desc(), p.c.id.desc()).offset(offset).limit(limit))
    return [dict(r._mapping) for r in conn.execute(stmt)]


# ----------------------------------------------------------------------------------------------------
# validation and edits


class PhoneConflict(UserError):
    """The phone belongs to another customer; the UI offers to merge."""

    def __init__(self, phone: str, other_id: int, other_name: str) -> None:
        super().__init__(f"The phone number {phone} already belongs to {other_name or 'another customer'} "
                         f"(#{other_id}).",
                         vi=f"Số điện thoại {phone} đã thuộc về {other_name or 'một khách hàng khác'} "
                         f"(#{other_id}).")
        self.phone = phone
        self.other_id = other_id
        self.other_name = other_name


class ValidationError(InvalidInput):
    """Bad fields: ``errors`` (English) and ``errors_vi`` (Vietnamese), field -> message."""

    def __init__(self, errors: dict[str, str], errors_vi: dict[str, str] | None = None) -> None:
        vi = {k: (errors_vi or {}).get(k) or _VI.get(v, v) for k, v in errors.items()}
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()),
                         vi="; ".join(vi.values()))
        self.errors = errors
        self.errors_vi = vi


_VI = {
    "Name is required.": "Cần nhập họ tên.",
    "Name is too long (200 characters at most).": "Họ tên quá dài (tối đa 200 ký tự).",
    "Invalid phone number.": "Số điện thoại không hợp lệ.",
    "Birth date must be between 1900 and today.": "Ngày sinh phải từ năm 1900 đến hôm nay.",
    "Invalid e-mail address.": "Địa chỉ e-mail không hợp lệ.",
    "Points must be a whole number.": "Điểm phải là số nguyên.",
    "Points cannot be negative.": "Điểm không được âm.",
}


def validate_fields(values: dict, *, require_phone: bool = True) -> dict:
    """Clean user-entered fields; raises ``ValidationError`` with a message per bad field."""
    from loyalty_desktop.vn.text import clean_name

    out: dict[str, Any] = {}
    errors: dict[str, str] = {}
    errors_vi: dict[str, str] = {}
    if "full_name" in values:
        name = clean_name(values.get("full_name") or "")
        if not name:
            errors["full_name"] = "Name is required."
        elif len(name) > 200:
            errors["full_name"] = "Name is too long (200 characters at most)."
        out["full_name"] = name
        out["name_folded"] = _fold(name)
    if "phone" in values or require_phone:
        from loyalty_desktop.vn.phones import normalize_phone

        raw = values.get("phone")
        res = normalize_phone(raw)
        if not res.ok or not res.e164:
            errors["phone"] = res.message or "Invalid phone number."
            if getattr(res, "message_vi", None):
                errors_vi["phone"] = res.message_vi
        else:
            out["phone"] = res.e164
            out["phone_type"] = res.phone_type or "mobile"
            if "phone_raw" not in values:
                out["phone_raw"] = str(raw)
    if "gender" in values:
        g = values.get("gender") or "unknown"
        if g not in ("male", "female", "unknown"):
            from loyalty_desktop.vn.values import parse_gender

            g = parse_gender(g)
        out["gender"] = g
    if "birth_date" in values:
        bd = values.get("birth_date")
        if isinstance(bd, str) and bd.strip():
            from loyalty_desktop.vn.dates import parse_date

            try:
                bd = parse_date(bd)
            except ValueError as exc:
                errors["birth_date"] = str(exc)
                errors_vi["birth_date"] = f"Ngày sinh không hợp lệ: {bd}"
                bd = None
        elif isinstance(bd, datetime):
            bd = bd.date()
        elif not bd:
            bd = None
        if bd is not None and (bd > date.today() or bd.year < 1900):
            errors["birth_date"] = "Birth date must be between 1900 and today."
        out["birth_date"] = bd
        out["birth_md"] = bd.month * 100 + bd.day if bd else None
    if "email" in values:
        email = (values.get("email") or "").strip() or None
        if email and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email):
            errors["email"] = "Invalid e-mail address."
        out["email"] = email
    if "province" in values:
        prov = (values.get("province") or "").strip()
        if prov:
            from loyalty_desktop.vn.provinces import resolve_province

            m = resolve_province(prov)
            if m is None:
                errors["province"] = f"Unknown province: {prov}"
                errors_vi["province"] = f"Không rõ tỉnh/thành: {prov}"
            else:
                out["province"], out["region"] = m.province, m.region
                out["old_province"] = m.old_province
        else:
            out["province"] = out["region"] = out["old_province"] = None
    for key in ("address", "note", "code", "ward"):
        if key in values:
            v = values.get(key)
            out[key] = (str(v).strip() or None) if v is not None else None
    if "points" in values:
        try:
            pts = int(values.get("points") or 0)
        except (TypeError, ValueError):
            errors["points"] = "Points must be a whole number."
            pts = 0
        if pts < 0:
            errors["points"] = "Points cannot be negative."
        out["points"] = pts
    if errors:
        raise ValidationError(errors, errors_vi)
    return out


def _phone_owner(conn: Connection, phone: str, exclude: int | None = None):
    stmt = select(c.c.id, c.c.full_name).where(c.c.phone == phone)
    if exclude is not None:
        stmt = stmt.where(c.c.id != exclude)
    return conn.execute(stmt).first()


def _audit(conn: Connection, action: str, entity_id: int | None, detail: dict | None = None) -> None:
    conn.execute(insert(al).values(action=action, entity="customer", entity_id=entity_id,
                                   detail=json.dumps(detail or {}, ensure_ascii=False, default=str),
                                   created_at=_now()))


def add_customer(conn: Connection, values: dict) -> int:
    """Add a customer by hand. Raises ``ValidationError`` or ``PhoneConflict``."""
    clean = validate_fields({"full_name": values.get("full_name"), **values}, require_phone=True)
    other = _phone_owner(conn, clean["phone"])
    if other is not None:
        raise PhoneConflict(clean["phone"], other.id, other.full_name)
    now = _now()
    clean.setdefault("gender", "unknown")
    cid = conn.execute(insert(c).values(**clean, created_at=now, updated_at=now)).inserted_primary_key[0]
    from loyalty_desktop.stats import ensure_stats_rows, refresh_stats

    ensure_stats_rows(conn, [cid])
    refresh_stats(conn, [cid])
    _audit(conn, "customer.add", cid)
    return int(cid)


def update_customer(conn: Connection, customer_id: int, values: dict) -> dict:
    """Edit fields (only those given). Returns the cleaned values written."""
    exists_row = conn.execute(select(c.c.id).where(c.c.id == customer_id)).first()
    if exists_row is None:
        raise UserError(f"Customer {customer_id} does not exist (it may have been deleted or merged).",
                        vi=f"Khách hàng {customer_id} không tồn tại (có thể đã bị xóa hoặc gộp).")
    clean = validate_fields(values, require_phone=False)
    if "phone" in clean:
        other = _phone_owner(conn, clean["phone"], exclude=customer_id)
        if other is not None:
            raise PhoneConflict(clean["phone"], other.id, other.full_name)
    if "sms_opt_out" in values:
        set_opt_out(conn, [customer_id], bool(values["sms_opt_out"]), method="manual")
    if clean:
        conn.execute(update(c).where(c.c.id == customer_id).values(**clean, updated_at=_now()))
        _audit(conn, "customer.edit", customer_id, {k: v for k, v in clean.items() if k != "name_folded"})
    return clean


def _ids_source(conn: Connection, ids: Sequence[int] | None, q: CustomerQuery | None):
    if q is not None:
        return ids_select(conn, q)
    if ids is None:
        raise InvalidInput("nothing selected", vi="Chưa chọn khách hàng nào.")
    return None


def _chunks(ids: Sequence[int], size: int = 500):
    ids = list(ids)
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def delete_customers(conn: Connection, ids: Sequence[int] | None = None, q: CustomerQuery | None = None) -> int:
    """Delete customers (their purchases, tags and history go with them). Returns how many."""
    src = _ids_source(conn, ids, q)
    n = 0
    if src is not None:
        id_list = [r[0] for r in conn.execute(src)]
    else:
        id_list = list(ids)
    for chunk in _chunks(id_list):
        # explicit deletes: the SQLite schema cascades too, but PostgreSQL/old files may not.
        for table, col in ((p, p.c.customer_id), (ct, ct.c.customer_id), (s, s.c.customer_id),
                           (ce, ce.c.customer_id), (cr, cr.c.customer_id), (sm, sm.c.customer_id)):
            conn.execute(delete(table).where(col.in_(chunk)))
        n += conn.execute(delete(c).where(c.c.id.in_(chunk))).rowcount or 0
    _audit(conn, "customer.delete", None, {"count": n, "ids": id_list[:1000]})
    return n


def set_opt_out(conn: Connection, ids: Sequence[int] | None = None, opted_out: bool = True, *,
                q: CustomerQuery | None = None, method: str = "manual", note: str | None = None) -> int:
    """Set SMS opt-out (or opt back in) and record a consent event per changed customer."""
    src = _ids_source(conn, ids, q)
    now = _now()
    changed = 0
    want = c.c.sms_opt_out.is_not(True) if opted_out else c.c.sms_opt_out.is_(True)

    def run(where):
        nonlocal changed
        targets = select(c.c.id).where(where, want)
        conn.execute(insert(ce).from_select(
            ["customer_id", "opted_out", "channel", "method", "note", "created_at"],
            select(c.c.id, literal(opted_out), literal("sms"), literal(method), literal(note), literal(now))
            .where(c.c.id.in_(targets))))
        changed += conn.execute(update(c).where(where, want).values(sms_opt_out=opted_out, updated_at=now)).rowcount or 0

    if src is not None:
        run(c.c.id.in_(src))
    else:
        for chunk in _chunks(ids):
            run(c.c.id.in_(chunk))
    return changed


def _points_per_vnd(conn: Connection) -> int:
    from loyalty_desktop.settings import get_setting

    try:
        return max(1, int(get_setting(conn, "points_per_vnd") or 10_000))
    except (TypeError, ValueError):
        return 10_000


def record_purchase(conn: Connection, customer_id: int, amount: Any, purchased_at: datetime | None = None, *,
                    category: str | None = None, channel: str | None = None, branch: str | None = None,
                    invoice_code: str | None = None, discount: int = 0) -> int:
    """Record a sale by hand: adds the purchase, earns points, refreshes stats and tier."""
    if isinstance(amount, str):
        from loyalty_desktop.vn.money import parse_vnd

        try:
            amount = parse_vnd(amount)
        except ValueError as exc:
            raise InvalidInput(f"amount: {exc}", vi=f"Số tiền không hợp lệ: “{amount}”.") from None
    try:
        amount = int(amount)
    except (TypeError, ValueError):
        raise InvalidInput("amount: must be a whole number of đồng",
                           vi="Số tiền phải là số nguyên (đồng).") from None
    if amount <= 0:
        raise InvalidInput("amount: must be more than 0 đồng", vi="Số tiền phải lớn hơn 0 ₫.")
    if conn.execute(select(c.c.id).where(c.c.id == customer_id)).first() is None:
        raise UserError(f"Customer {customer_id} does not exist.", vi=f"Khách hàng {customer_id} không tồn tại.")
    when = purchased_at or _now()
    if isinstance(when, date) and not isinstance(when, datetime):
        when = datetime.combine(when, datetime.min.time())
    if when.date() > date.today():
        raise InvalidInput("date: a purchase cannot be in the future",
                           vi="Ngày mua không được ở tương lai.")
    code = (invoice_code or "").strip() or f"TAY-{when:%Y%m%d%H%M%S}-{secrets.token_hex(3).upper()}"
    dup = conn.execute(select(p.c.id).where(p.c.source == "manual", p.c.invoice_code == code)).first()
    if dup is not None:
        raise UserError(f"Invoice {code} was already recorded.", vi=f"Hóa đơn {code} đã được ghi trước đó.")
    pid = conn.execute(insert(p).values(
        customer_id=customer_id, source="manual", invoice_code=code, purchased_at=when, amount=amount,
        discount=int(discount or 0), category=(category or None), channel=(channel or None),
        branch=(branch or None), cancelled=False)).inserted_primary_key[0]
    earned = amount // _points_per_vnd(conn)
    if earned:
        conn.execute(update(c).where(c.c.id == customer_id).values(points=c.c.points + earned))
    from loyalty_desktop.stats import refresh_stats

    refresh_stats(conn, [customer_id])
    _audit(conn, "purchase.add", customer_id, {"purchase_id": pid, "amount": amount})
    return int(pid)


MERGE_FIELDS = ("full_name", "phone", "gender", "birth_date", "email", "address", "province", "note", "code")


def merge_customers(conn: Connection, keep_id: int, other_id: int, choose: dict[str, str] | None = None) -> dict:
    """Merge ``other_id`` into ``keep_id``: purchases, tags, consent history and campaign history move;
    for each field in ``choose`` (``"keep"`` | ``"other"``) the chosen value is kept. Points add up;
    opt-out wins (someone who said no once stays opted out). The other customer is deleted.
    """
    if keep_id == other_id:
        raise InvalidInput("cannot merge a customer with itself", vi="Không thể gộp một khách hàng với chính họ.")
    rows = {r.id: dict(r._mapping) for r in conn.execute(select(c).where(c.c.id.in_([keep_id, other_id])))}
    if keep_id not in rows or other_id not in rows:
        raise UserError("One of the two customers no longer exists.", vi="Một trong hai khách hàng không còn tồn tại.")
    keep, other = rows[keep_id], rows[other_id]
    choose = choose or {}
    values: dict[str, Any] = {}
    for f in MERGE_FIELDS:
        pick = choose.get(f, "keep")
        if pick not in ("keep", "other"):
            raise InvalidInput(f"{f}: choose 'keep' or 'other'", vi=f"{f}: chọn 'keep' (giữ bản này) hoặc 'other' (lấy của khách kia).")
        src = other if pick == "other" else keep
        val = src.get(f)
        if pick == "keep" and (val is None or val == "") and other.get(f) not in (None, ""):
            val = other.get(f)  # fill gaps from the other record
        values[f] = val
    if values["phone"] != keep["phone"]:
        values["phone_raw"] = other.get("phone_raw")
        values["phone_type"] = other.get("phone_type")
    if values["province"] == other.get("province"):
        values["region"] = other.get("region")
        values["old_province"] = other.get("old_province")
    values["name_folded"] = _fold(values["full_name"] or "")
    bd = values.get("birth_date")
    values["birth_md"] = (bd.month * 100 + bd.day) if bd else None
    values["points"] = int(keep.get("points") or 0) + int(other.get("points") or 0)
    values["sms_opt_out"] = bool(keep.get("sms_opt_out") or other.get("sms_opt_out"))
    values["created_at"] = min(keep["created_at"], other["created_at"])
    values["updated_at"] = _now()
    moved_purchases = conn.execute(update(p).where(p.c.customer_id == other_id).values(customer_id=keep_id)).rowcount
    # tags: move those the kept customer does not have yet
    kt = ct.alias("kt")
    conn.execute(insert(ct).from_select(
        ["customer_id", "tag_id", "operation_id", "created_at"],
        select(literal(keep_id), ct.c.tag_id, ct.c.operation_id, ct.c.created_at).where(
            ct.c.customer_id == other_id,
            ~exists(select(1).select_from(kt).where(kt.c.customer_id == keep_id, kt.c.tag_id == ct.c.tag_id)))))
    conn.execute(update(ce).where(ce.c.customer_id == other_id).values(customer_id=keep_id))
    k = cr.alias("k")
    conn.execute(update(cr).where(cr.c.customer_id == other_id, ~exists(
        select(1).select_from(k).where(k.c.customer_id == keep_id, k.c.campaign_id == cr.c.campaign_id)))
        .values(customer_id=keep_id))
    k2 = sm.alias("k2")
    conn.execute(update(sm).where(sm.c.customer_id == other_id, ~exists(
        select(1).select_from(k2).where(k2.c.customer_id == keep_id, k2.c.segment_id == sm.c.segment_id)))
        .values(customer_id=keep_id))
    for table, col in ((ct, ct.c.customer_id), (cr, cr.c.customer_id), (sm, sm.c.customer_id), (s, s.c.customer_id)):
        conn.execute(delete(table).where(col == other_id))
    # the phone is unique: free it before giving it to the kept customer
    conn.execute(delete(c).where(c.c.id == other_id))
    conn.execute(update(c).where(c.c.id == keep_id).values(**values))
    from loyalty_desktop.stats import ensure_stats_rows, refresh_stats

    ensure_stats_rows(conn, [keep_id])
    refresh_stats(conn, [keep_id])
    _audit(conn, "customer.merge", keep_id, {"merged": other_id, "purchases": moved_purchases,
                                             "fields": {f: choose.get(f, "keep") for f in MERGE_FIELDS}})
    return {"kept": keep_id, "removed": other_id, "purchases_moved": int(moved_purchases or 0)}


def find_by_phone(conn: Connection, value: str) -> int | None:
    from loyalty_desktop.vn.phones import normalize_phone

    res = normalize_phone(value)
    if not res.e164:
        return None
    return conn.execute(select(c.c.id).where(c.c.phone == res.e164)).scalar()


__all__ = [
    "COLUMNS", "DEFAULT_COLUMNS", "CustomerQuery", "PageResult", "PhoneConflict", "ValidationError",
    "add_customer", "count_customers", "customer_segments", "delete_customers", "export_rows", "fetch_page",
    "filter_clauses", "get_customer", "ids_select", "merge_customers", "plan_search", "purchases_page",
    "record_purchase", "set_opt_out", "tag_palette", "update_customer", "validate_fields", "find_by_phone",
]


def ids_in_range(conn: Connection, q: CustomerQuery, offset: int, limit: int, today: date | None = None) -> list[int]:
    """Customer ids of rows ``offset … offset+limit-1`` in list order (Shift-selections of unloaded rows)."""
    if limit <= 0:
        return []
    spec, from_, where = _base(conn, q, today)
    desc = _direction(q, spec)
    key = _key_at_offset(conn, q, spec, offset, today) if offset > 0 else None
    if offset > 0 and key is None:
        return []
    out: list[int] = []
    for part in _segments_in_order(spec, desc, key, True):
        stmt = (select(c.c.id).select_from(from_).where(*where, *part).order_by(*_order(spec, desc))
                .limit(limit - len(out)))
        out.extend(conn.execute(stmt).scalars())
        if len(out) >= limit:
            break
    return out
