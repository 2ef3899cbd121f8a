"""Saved segments: create, update, rename, duplicate, delete, freeze/unfreeze.

Names are unique regardless of case and accents (``segment.name_folded``). A segment may refer to
other saved segments (field ``segment``, by name); cycles are rejected when saving, and renaming a
segment rewrites the references to it. Segments are dynamic (the rule is re-evaluated every time);
``freeze_segment`` stores a static snapshot of the current members in ``segment_member``.
All functions take a Connection; writers expect the caller's transaction (``db.begin()``).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import DateTime, delete, func, insert, literal, select, type_coerce, update
from sqlalchemy.engine import Connection

from loyalty_desktop.errors import InvalidInput, UserError
from loyalty_desktop.models import Segment, SegmentMember
from loyalty_desktop.segments.compiler import SegmentRef
from loyalty_desktop.segments.rules import (
    All,
    AnyOf,
    Condition,
    Node,
    Not,
    node_to_json,
    parse_rule,
    referenced_segments,
    rule_to_json,
)

sg = Segment.__table__
sm = SegmentMember.__table__
NAME_MAX = 150


def _fold(name: str) -> str:
    from loyalty_desktop.vn.text import fold

    return fold(name)


def _now() -> Any:
    return literal(datetime.now().replace(microsecond=0), DateTime())


def _clean_name(name: Any) -> str:
    from loyalty_desktop.vn.text import nfc

    if not isinstance(name, str) or not name.strip():
        raise InvalidInput("segment name must not be empty", vi="Tên phân khúc không được để trống")
    name = " ".join(nfc(name).split())
    if len(name) > NAME_MAX:
        raise InvalidInput(f"segment name is too long ({len(name)} characters, at most {NAME_MAX})",
                           vi=f"Tên phân khúc quá dài ({len(name)} ký tự, tối đa {NAME_MAX})")
    if not _fold(name):
        raise InvalidInput(f"segment name needs letters or digits, got {name!r}",
                           vi=f"Tên phân khúc cần có chữ hoặc số, nhận được {name!r}")
    return name


_COLUMNS = [
    sg.c.id, sg.c.name, sg.c.name_folded, sg.c.description, sg.c.rule_json, sg.c.template, sg.c.frozen,
    type_coerce(sg.c.frozen_at, DateTime()).label("frozen_at"), sg.c.cached_count,
    type_coerce(sg.c.cached_at, DateTime()).label("cached_at"),
    type_coerce(sg.c.created_at, DateTime()).label("created_at"),
    type_coerce(sg.c.updated_at, DateTime()).label("updated_at"),
]


def get_segment(conn: Connection, name: str) -> dict | None:
    """The saved segment as a dict (id, name, description, rule_json, template, frozen, …) or None."""
    row = conn.execute(select(*_COLUMNS).where(sg.c.name_folded == _fold(name))).first()
    return dict(row._mapping) if row else None


def require_segment(conn: Connection, name: str) -> dict:
    row = get_segment(conn, name)
    if row is None:
        raise UserError(f"No saved segment named \"{name}\".", vi=f"Không có phân khúc đã lưu nào tên “{name}”.")
    return row


def get_segment_by_id(conn: Connection, segment_id: int) -> dict | None:
    row = conn.execute(select(*_COLUMNS).where(sg.c.id == segment_id)).first()
    return dict(row._mapping) if row else None


def list_segments(conn: Connection) -> list[dict]:
    """Every saved segment (sorted by name, accent-insensitively), with member counts if frozen."""
    members = (select(sm.c.segment_id, func.count().label("members")).group_by(sm.c.segment_id).subquery())
    stmt = (select(*_COLUMNS, members.c.members).select_from(sg.outerjoin(members, members.c.segment_id == sg.c.id))
            .order_by(sg.c.name_folded))
    return [dict(r._mapping) for r in conn.execute(stmt)]


def rule_for_segment(conn: Connection, name: str) -> Node:
    row = require_segment(conn, name)
    return parse_rule(row["rule_json"])


def segment_ref(conn: Connection, name: str) -> SegmentRef | None:
    row = get_segment(conn, name)
    if row is None:
        return None
    rule = None if row["frozen"] else parse_rule(row["rule_json"])
    return SegmentRef(id=row["id"], name=row["name"], frozen=bool(row["frozen"]), rule=rule)


# ----------------------------------------------------------------------------------------------------
# references and cycles


def _graph(conn: Connection) -> dict[str, set[str]]:
    """folded name -> folded names its rule refers to (frozen ones too: they may be unfrozen)."""
    out: dict[str, set[str]] = {}
    for name_folded, rule_json in conn.execute(select(sg.c.name_folded, sg.c.rule_json)):
        try:
            out[name_folded] = {_fold(n) for n in referenced_segments(parse_rule(rule_json))}
        except InvalidInput:
            out[name_folded] = set()
    return out


def check_references(conn: Connection, name: str, rule: Node) -> None:
    """Referenced segments exist, and saving ``rule`` under ``name`` makes no cycle."""
    me = _fold(name)
    graph = _graph(conn)
    refs = referenced_segments(rule)
    for ref in refs:
        if _fold(ref) == me:
            raise InvalidInput(f"segment: \"{name}\" cannot refer to itself",
                               vi=f"Phân khúc: “{name}” không thể tham chiếu đến chính nó")
        if _fold(ref) not in graph:
            raise InvalidInput(f"segment: unknown saved segment \"{ref}\"",
                               vi=f"Phân khúc: không có phân khúc đã lưu nào tên “{ref}”")
    graph[me] = {_fold(r) for r in refs}
    # DFS from me looking for me
    stack = [(r, [me, r]) for r in graph[me]]
    seen = set()
    while stack:
        node, path = stack.pop()
        if node == me:
            raise InvalidInput(f"segment: referring to {sorted(refs)} makes a cycle ({' → '.join(path)})",
                               vi=f"Phân khúc: tham chiếu đến {sorted(refs)} tạo thành vòng lặp ({' → '.join(path)})")
        if node in seen:
            continue
        seen.add(node)
        stack.extend((n, path + [n]) for n in graph.get(node, ()))


def referencing_segments(conn: Connection, name: str) -> list[str]:
    """Names of saved segments whose rules refer directly to ``name``."""
    me = _fold(name)
    out = []
    for seg_name, rule_json in conn.execute(select(sg.c.name, sg.c.rule_json).order_by(sg.c.name_folded)):
        try:
            refs = {_fold(n) for n in referenced_segments(parse_rule(rule_json))}
        except InvalidInput:
            continue
        if me in refs:
            out.append(seg_name)
    return out


# ----------------------------------------------------------------------------------------------------
# writes


def save_segment(conn: Connection, name: str, rule, *, description: str | None = None,
                 template: str | None = None, replace: bool = False) -> int:
    """Create a dynamic segment (or replace the rule of an existing one when ``replace``). Returns its id."""
    name = _clean_name(name)
    node = parse_rule(rule)
    check_references(conn, name, node)
    rule_json = json.dumps(rule_to_json(node), ensure_ascii=False)
    existing = get_segment(conn, name)
    if existing is not None:
        if not replace:
            raise InvalidInput(f"a segment named \"{existing['name']}\" already exists",
                               vi=f"Đã có phân khúc tên “{existing['name']}”")
        values = {"rule_json": rule_json, "updated_at": _now(), "cached_count": None, "cached_at": None}
        if description is not None:
            values["description"] = description
        conn.execute(update(sg).where(sg.c.id == existing["id"]).values(**values))
        return existing["id"]
    result = conn.execute(insert(sg).values(
        name=name, name_folded=_fold(name), description=description, rule_json=rule_json, template=template,
        frozen=False, created_at=_now(), updated_at=_now(),
    ))
    return int(result.inserted_primary_key[0])


def update_segment(conn: Connection, name: str, rule=None, *, description: str | None = None) -> None:
    row = require_segment(conn, name)
    values: dict[str, Any] = {"updated_at": _now()}
    if rule is not None:
        node = parse_rule(rule)
        check_references(conn, row["name"], node)
        values.update(rule_json=json.dumps(rule_to_json(node), ensure_ascii=False), cached_count=None, cached_at=None)
    if description is not None:
        values["description"] = description
    conn.execute(update(sg).where(sg.c.id == row["id"]).values(**values))


def _rename_refs(node: Node, old: str, new: str) -> Node:
    if isinstance(node, All):
        return All(all=[_rename_refs(n, old, new) for n in node.all])
    if isinstance(node, AnyOf):
        return AnyOf(any=[_rename_refs(n, old, new) for n in node.any])
    if isinstance(node, Not):
        return Not(**{"not": _rename_refs(node.not_, old, new)})
    if node.field == "segment":
        value = [new if _fold(v) == old else v for v in node.value]
        return Condition(field="segment", op=node.op, value=value)
    return node


def rename_segment(conn: Connection, name: str, new_name: str) -> None:
    row = require_segment(conn, name)
    new_name = _clean_name(new_name)
    other = get_segment(conn, new_name)
    if other is not None and other["id"] != row["id"]:
        raise InvalidInput(f"a segment named \"{other['name']}\" already exists",
                           vi=f"Đã có phân khúc tên “{other['name']}”")
    conn.execute(update(sg).where(sg.c.id == row["id"]).values(
        name=new_name, name_folded=_fold(new_name), updated_at=_now()))
    old = row["name_folded"]
    for ref_name in referencing_segments(conn, row["name"]):
        ref = require_segment(conn, ref_name)
        node = _rename_refs(parse_rule(ref["rule_json"]), old, new_name)
        conn.execute(update(sg).where(sg.c.id == ref["id"]).values(
            rule_json=json.dumps(rule_to_json(node), ensure_ascii=False)))


def duplicate_segment(conn: Connection, name: str, new_name: str | None = None) -> str:
    """Copy a segment (rule, description; a frozen one stays frozen with the same members)."""
    row = require_segment(conn, name)
    if new_name is None:
        base = f"{row['name']} (bản sao)"
        new_name, n = base, 2
        while get_segment(conn, new_name) is not None:
            new_name, n = f"{base} {n}", n + 1
    new_name = _clean_name(new_name)
    if get_segment(conn, new_name) is not None:
        raise InvalidInput(f"a segment named \"{new_name}\" already exists", vi=f"Đã có phân khúc tên “{new_name}”")
    result = conn.execute(insert(sg).values(
        name=new_name, name_folded=_fold(new_name), description=row["description"], rule_json=row["rule_json"],
        template=row["template"], frozen=row["frozen"],
        frozen_at=literal(row["frozen_at"], DateTime()) if row["frozen_at"] else None,
        created_at=_now(), updated_at=_now(),
    ))
    new_id = int(result.inserted_primary_key[0])
    if row["frozen"]:
        conn.execute(insert(sm).from_select(
            ["segment_id", "customer_id"],
            select(literal(new_id), sm.c.customer_id).where(sm.c.segment_id == row["id"])))
    return new_name


def delete_segment(conn: Connection, name: str, *, force: bool = False) -> None:
    """Delete a segment. Refused while other segments refer to it (unless ``force``)."""
    row = require_segment(conn, name)
    users = [n for n in referencing_segments(conn, row["name"]) if _fold(n) != row["name_folded"]]
    if users and not force:
        raise UserError(f"Segment \"{row['name']}\" is used by: {', '.join(users)}. Change those first.",
                        vi=f"Phân khúc “{row['name']}” đang được dùng bởi: {', '.join(users)}. Hãy sửa các mục đó trước.")
    conn.execute(delete(sm).where(sm.c.segment_id == row["id"]))
    conn.execute(delete(sg).where(sg.c.id == row["id"]))


def freeze_segment(conn: Connection, name: str, *, today: date | None = None) -> int:
    """Snapshot the current members into ``segment_member``; the segment becomes static. Returns count."""
    from loyalty_desktop.segments import runner

    row = require_segment(conn, name)
    if row["frozen"]:
        raise UserError(f"Segment \"{row['name']}\" is already frozen.", vi=f"Phân khúc “{row['name']}” đã được chốt danh sách rồi.")
    stmt = runner.ids_statement(conn, row["rule_json"], today)
    conn.execute(delete(sm).where(sm.c.segment_id == row["id"]))
    sub = stmt.subquery()
    conn.execute(insert(sm).from_select(["segment_id", "customer_id"], select(literal(row["id"]), sub.c.id)))
    n = conn.execute(select(func.count()).select_from(sm).where(sm.c.segment_id == row["id"])).scalar()
    conn.execute(update(sg).where(sg.c.id == row["id"]).values(
        frozen=True, frozen_at=_now(), cached_count=n, cached_at=_now(), updated_at=_now()))
    return int(n)


def unfreeze_segment(conn: Connection, name: str) -> None:
    """Back to dynamic: the rule is evaluated again; the snapshot is dropped."""
    row = require_segment(conn, name)
    conn.execute(delete(sm).where(sm.c.segment_id == row["id"]))
    conn.execute(update(sg).where(sg.c.id == row["id"]).values(frozen=False, frozen_at=None, updated_at=_now()))


def set_cached_count(conn: Connection, name: str, count: int) -> None:
    row = require_segment(conn, name)
    conn.execute(update(sg).where(sg.c.id == row["id"]).values(cached_count=count, cached_at=_now()))


__all__ = [
    "save_segment", "update_segment", "get_segment", "get_segment_by_id", "require_segment", "list_segments",
    "rule_for_segment", "rename_segment", "duplicate_segment", "delete_segment", "freeze_segment",
    "unfreeze_segment", "segment_ref", "check_references", "referencing_segments", "set_cached_count",
    "node_to_json",
]
