"""Why is (or isn't) this customer in the segment? A pass/fail tree with the customer's actual values.

``explain(conn, customer_id, rule)`` evaluates every node for one customer with the reference
evaluator (plain Python over that customer's rows) and cross-checks the whole rule with the
compiled SQL (``sql_passed``; the two always agree — property tests make sure).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from loyalty_desktop.errors import UserError
from loyalty_desktop.segments.catalog import FIELDS, OPS
from loyalty_desktop.segments.rules import All, AnyOf, Condition, Node, Not, node_to_json, parse_rule


@dataclass
class ExplainNode:
    kind: str  # "all" | "any" | "not" | "condition"
    passed: bool
    label: str  # Vietnamese description of the node
    label_en: str
    actual: Any = None  # the customer's value (conditions only)
    actual_text: str = ""
    rule: dict | None = None  # the node as JSON
    children: list["ExplainNode"] = field(default_factory=list)
    sql_passed: bool | None = None  # whole-rule check by the compiled SQL (root only)

    def to_dict(self) -> dict:
        out = {"kind": self.kind, "passed": self.passed, "label": self.label, "label_en": self.label_en}
        if self.kind == "condition":
            out["actual"] = _jsonable(self.actual)
            out["actual_text"] = self.actual_text
            out["rule"] = self.rule
        if self.children:
            out["children"] = [c.to_dict() for c in self.children]
        if self.sql_passed is not None:
            out["sql_passed"] = self.sql_passed
        return out

    def lines(self, indent: int = 0, lang: str = "vi") -> list[str]:
        mark = "✓" if self.passed else "✗"
        label = self.label if lang == "vi" else self.label_en
        text = f"{'  ' * indent}{mark} {label}"
        if self.kind == "condition":
            text += f"  [{'giá trị' if lang == 'vi' else 'value'}: {self.actual_text}]"
        out = [text]
        for child in self.children:
            out.extend(child.lines(indent + 1, lang))
        return out


def _jsonable(v: Any) -> Any:
    if isinstance(v, Fraction):
        return float(v)
    if isinstance(v, date):
        return v.isoformat()
    return v


def _fmt_value(field_id: str, v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, dict) and "days" in v:
        return f"{v['days']} ngày"
    if isinstance(v, list):
        return ", ".join(_fmt_value(field_id, x) for x in v) if v else "(không có)"
    if isinstance(v, bool):
        return "có" if v else "không"
    if isinstance(v, Fraction):
        v = round(float(v))
    if isinstance(v, date):
        return v.strftime("%d/%m/%Y")
    spec = FIELDS.get(field_id)
    if spec is not None and isinstance(spec.choices, list) and not isinstance(v, bool):
        for value, label_vi, _label_en in spec.choices:
            if value == v and not isinstance(value, bool):
                return label_vi
    if spec is not None and spec.type == "money" and isinstance(v, (int, float)):
        return f"{int(v):,}".replace(",", ".") + " ₫"
    return str(v)


def describe(cond: Condition, lang: str = "vi") -> str:
    spec = FIELDS[cond.field]
    op_vi, op_en = OPS[cond.op]
    label = spec.label_vi if lang == "vi" else spec.label_en
    op = op_vi if lang == "vi" else op_en
    value = cond.value
    if cond.op == "between" and isinstance(value, list):
        text = f"{label} {op} {_fmt_value(cond.field, value[0])} – {_fmt_value(cond.field, value[1])}"
    elif value is None:
        text = f"{label} {op}"
    elif isinstance(value, dict) and "days" in value:
        n = value["days"]
        text = f"{label} {op.replace('N', str(n))}"
    else:
        text = f"{label} {op} {_fmt_value(cond.field, value)}"
    if cond.window is not None:
        n = cond.window.days
        text += f" (trong {n} ngày gần đây)" if lang == "vi" else f" (last {n} days)"
    return text


_GROUP_LABELS = {
    "all": ("Thoả TẤT CẢ điều kiện", "ALL of"),
    "any": ("Thoả MỘT TRONG các điều kiện", "ANY of"),
    "not": ("KHÔNG thoả", "NOT"),
}


def _explain(ds, node: Node, cid: int, today: date) -> ExplainNode:
    from loyalty_desktop.segments.reference import actual_value, evaluate_condition

    if isinstance(node, (All, AnyOf)):
        kind = "all" if isinstance(node, All) else "any"
        children = [_explain(ds, n, cid, today) for n in (node.all if kind == "all" else node.any)]
        passed = all(ch.passed for ch in children) if kind == "all" else any(ch.passed for ch in children)
        vi, en = _GROUP_LABELS[kind]
        return ExplainNode(kind, passed, vi, en, children=children)
    if isinstance(node, Not):
        child = _explain(ds, node.not_, cid, today)
        vi, en = _GROUP_LABELS["not"]
        return ExplainNode("not", not child.passed, vi, en, children=[child])
    actual = actual_value(ds, cid, node, today)
    passed = evaluate_condition(ds, node, cid, today)
    return ExplainNode("condition", passed, describe(node, "vi"), describe(node, "en"), actual=actual,
                       actual_text=_fmt_value(node.field, actual), rule=node_to_json(node))


def explain(conn: Connection, customer_id: int, node, *, today: date | None = None) -> ExplainNode:
    """Pass/fail tree for one customer. Raises UserError when the customer does not exist."""
    from loyalty_desktop.segments import runner
    from loyalty_desktop.segments.compiler import c
    from loyalty_desktop.segments.reference import load_dataset

    today = today or date.today()
    node = parse_rule(node)
    parts = runner.compile_for(conn, node, today)  # validates segment references first
    ds = load_dataset(conn, [customer_id])
    if customer_id not in ds.customers:
        raise UserError(f"No customer with id {customer_id}.", vi=f"Không có khách hàng nào có mã {customer_id}.")
    tree = _explain(ds, node, customer_id, today)
    stmt = parts.ids_select().where(parts.id_col == customer_id)
    tree.sql_passed = conn.execute(stmt).first() is not None
    return tree


def customer_id_for_phone(conn: Connection, phone: str) -> int:
    from loyalty_desktop.segments.compiler import c

    e164 = phone.strip()
    try:
        from loyalty_desktop.vn.phones import normalize_phone

        res = normalize_phone(phone)
        if res.e164:
            e164 = res.e164
    except ImportError:  # pragma: no cover
        pass
    cid = conn.execute(select(c.c.id).where(c.c.phone == e164)).scalar()
    if cid is None:
        raise UserError(f"No customer with phone {phone}.", vi=f"Không có khách hàng nào có số điện thoại {phone}.")
    return int(cid)
