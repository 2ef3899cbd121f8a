"""Segment rule trees (JSON version 1) as pydantic models, with precise validation messages.

A node is a group or a condition::

    {"all": [node, …]}   {"any": [node, …]}   {"not": node}
    {"field": "<id>", "op": "<op>", "value": <json>, "window": {"days": N}}

Saved as ``{"version": 1, "rule": node}``. ``parse_rule`` accepts that, a bare node, or JSON text,
and raises ``InvalidInput`` whose message names the bad node, e.g.
``age: between needs two numbers, got [30] (at all[1])``.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from typing import Any, Iterator, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from loyalty_desktop.errors import InvalidInput
from loyalty_desktop.segments.catalog import DAY_OPS, FIELDS, MAX_WINDOW_DAYS, NO_VALUE_OPS, FieldSpec

RULE_VERSION = 1


class Window(BaseModel):
    model_config = ConfigDict(extra="forbid")
    days: int


class Condition(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field: str
    op: str
    value: Any = None
    window: Window | None = None

    @model_validator(mode="after")
    def _check(self) -> "Condition":
        self.value = check_condition(self.field, self.op, self.value, self.window)
        return self

    @property
    def spec(self) -> FieldSpec:
        return FIELDS[self.field]

    @property
    def window_days(self) -> int | None:
        return self.window.days if self.window else None


class All(BaseModel):
    model_config = ConfigDict(extra="forbid")
    all: list["Node"] = Field(default_factory=list)


class AnyOf(BaseModel):
    model_config = ConfigDict(extra="forbid")
    any: list["Node"] = Field(default_factory=list)


class Not(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    not_: "Node" = Field(alias="not")


Node = Union[All, AnyOf, Not, Condition]
All.model_rebuild()
AnyOf.model_rebuild()
Not.model_rebuild()


# ----------------------------------------------------------------------------------------------------
# value checks (raise ValueError with a message that starts with the field id)


def _show(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _as_int(field: str, v: Any, what: str = "a whole number") -> int:
    if isinstance(v, bool) or not _is_number(v) or (isinstance(v, float) and not v.is_integer()):
        raise ValueError(f"{field}: needs {what}, got {_show(v)}")
    return int(v)


def _in_range(spec: FieldSpec, v: int) -> int:
    lo, hi = spec.minimum, spec.maximum
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        if hi is None:
            raise ValueError(f"{spec.id}: must be at least {lo}, got {v}")
        raise ValueError(f"{spec.id}: must be between {lo} and {hi}, got {v}")
    return v


def parse_iso_date(field: str, v: Any) -> date:
    if isinstance(v, date) and not isinstance(v, datetime):
        return v
    if isinstance(v, str):
        s = v.strip()
        try:
            return date.fromisoformat(s)
        except ValueError:
            pass
        try:
            return datetime.strptime(s, "%d/%m/%Y").date()
        except ValueError:
            pass
    raise ValueError(f"{field}: needs a date like \"2026-01-31\", got {_show(v)}")


def _days(field: str, op: str, v: Any, maximum: int = MAX_WINDOW_DAYS) -> dict:
    days = v.get("days") if isinstance(v, dict) and set(v) == {"days"} else v
    if isinstance(days, bool) or not _is_number(days) or (isinstance(days, float) and not days.is_integer()):
        raise ValueError(f"{field}: {op} needs {{\"days\": N}} with a whole number N, got {_show(v)}")
    days = int(days)
    if days < 0 or days > maximum:
        raise ValueError(f"{field}: {op} needs 0–{maximum} days, got {days}")
    return {"days": days}


def _str_list(field: str, op: str, v: Any, what: str = "names") -> list[str]:
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list) or not v:
        raise ValueError(f"{field}: {op} needs a non-empty list of {what}, got {_show(v)}")
    out = []
    for item in v:
        if not isinstance(item, str) or not item.strip():
            raise ValueError(f"{field}: {op} needs a non-empty list of {what}, got {_show(v)}")
        out.append(item.strip())
    return out


def _one_str(field: str, op: str, v: Any) -> str:
    if not isinstance(v, str) or not v.strip():
        raise ValueError(f"{field}: {op} needs a non-empty text, got {_show(v)}")
    return v.strip()


def _choice(spec: FieldSpec, op: str, v: Any) -> Any:
    allowed = spec.choice_values()
    if v not in allowed or isinstance(v, bool) != isinstance(allowed[0], bool):
        raise ValueError(f"{spec.id}: {op} needs one of {_show(allowed)}, got {_show(v)}")
    return v


def check_condition(field: str, op: str, value: Any, window: Window | None) -> Any:
    """Validate one condition; returns the normalised value. Raises ValueError naming the field."""
    spec = FIELDS.get(field)
    if spec is None:
        raise ValueError(f"unknown field {_show(field)}")
    if op not in spec.ops:
        raise ValueError(f"{field}: unknown operator {_show(op)} (use one of {', '.join(spec.ops)})")
    if window is not None:
        if not spec.windowed:
            raise ValueError(f"{field}: does not take a window")
        if window.days < 1 or window.days > MAX_WINDOW_DAYS:
            raise ValueError(f"{field}: window needs 1–{MAX_WINDOW_DAYS} days, got {window.days}")
    if op in NO_VALUE_OPS:
        if value is not None:
            raise ValueError(f"{field}: {op} takes no value, got {_show(value)}")
        return None
    if op in DAY_OPS:
        return _days(field, op, value, 366 if op == "within_next" else MAX_WINDOW_DAYS)
    if value is None:
        raise ValueError(f"{field}: {op} needs a value")

    if spec.type == "date":
        if op == "between":
            if not isinstance(value, list) or len(value) != 2:
                raise ValueError(f"{field}: between needs two dates, got {_show(value)}")
            a, b = parse_iso_date(field, value[0]), parse_iso_date(field, value[1])
            if a > b:
                raise ValueError(f"{field}: between needs the earlier date first, got {_show(value)}")
            return [a.isoformat(), b.isoformat()]
        return parse_iso_date(field, value).isoformat()

    if spec.type in ("int", "money") and op in ("eq", "ne", "lt", "lte", "gt", "gte", "between"):
        what = "a whole number" if spec.type == "int" else "an amount in đồng (whole number)"
        if op == "between":
            if not isinstance(value, list) or len(value) != 2 or not all(_is_number(x) for x in value):
                raise ValueError(f"{field}: between needs two numbers, got {_show(value)}")
            a = _in_range(spec, _as_int(field, value[0], what))
            b = _in_range(spec, _as_int(field, value[1], what))
            if a > b:
                raise ValueError(f"{field}: between needs the smaller number first, got {_show(value)}")
            return [a, b]
        if field == "birth_month":
            pass
        return _in_range(spec, _as_int(field, value, what))

    if field in ("birth_month", "rfm_r", "rfm_f", "rfm_m"):  # eq / in over small integers
        if op == "in":
            if not isinstance(value, list) or not value:
                raise ValueError(f"{field}: in needs a non-empty list of numbers, got {_show(value)}")
            return sorted({_in_range(spec, _as_int(field, x)) for x in value})
        return _in_range(spec, _as_int(field, value))

    if spec.type == "enum":
        if op == "in":
            if not isinstance(value, list) or not value:
                raise ValueError(f"{field}: in needs a non-empty list, got {_show(value)}")
            return [_choice(spec, op, x) for x in value]
        return _choice(spec, op, value)

    if spec.type == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"{field}: {op} needs true or false, got {_show(value)}")
        return value

    if field == "province":
        names = _str_list(field, op, value, "provinces")
        from loyalty_desktop.vn.provinces import resolve_province_strict

        for name in names:
            try:
                resolve_province_strict(name)
            except InvalidInput:
                raise ValueError(f"province: unknown province {_show(name)}") from None
        return names

    if field == "name":
        from loyalty_desktop.vn.text import fold

        text = _one_str(field, op, value)
        if not fold(text):
            raise ValueError(f"{field}: {op} needs letters or digits, got {_show(value)}")
        return text

    if field == "tier":
        return _str_list(field, op, value, "tiers") if op == "in" else _one_str(field, op, value)

    if op == "has":
        return _one_str(field, op, value)
    # bought / not_bought / has_* / segment in|not_in
    return _str_list(field, op, value)


# ----------------------------------------------------------------------------------------------------
# parsing


def _where(path: str) -> str:
    return f" (at {path})" if path else ""


def _error_message(exc: ValidationError) -> str:
    err = exc.errors()[0]
    msg = str(err.get("msg", exc))
    return msg.removeprefix("Value error, ")


def _parse_node(obj: Any, path: str) -> Node:
    if not isinstance(obj, dict):
        raise InvalidInput(f"rule node must be an object, got {_show(obj)}{_where(path)}")
    keys = set(obj)
    groups = keys & {"all", "any", "not"}
    if groups:
        if len(keys) != 1:
            raise InvalidInput(f"a group node has exactly one key (all, any or not), got {sorted(keys)}{_where(path)}")
        (kind,) = groups
        body = obj[kind]
        here = f"{path} → {kind}" if path else kind
        if kind == "not":
            return Not(**{"not": _parse_node(body, here)})
        if not isinstance(body, list):
            raise InvalidInput(f"{kind} needs a list of nodes, got {_show(body)}{_where(path or kind)}")
        children = [_parse_node(child, f"{here}[{i}]") for i, child in enumerate(body)]
        return All(all=children) if kind == "all" else AnyOf(any=children)
    if "field" not in keys:
        raise InvalidInput(f"rule node needs \"all\", \"any\", \"not\" or \"field\", got {sorted(keys)}{_where(path)}")
    field = obj.get("field")
    label = field if isinstance(field, str) else "condition"
    extra = keys - {"field", "op", "value", "window"}
    if extra:
        raise InvalidInput(f"{label}: unknown key {_show(sorted(extra)[0])}{_where(path)}")
    if not isinstance(field, str):
        raise InvalidInput(f"condition: field must be a text, got {_show(field)}{_where(path)}")
    if "op" not in obj or not isinstance(obj["op"], str):
        raise InvalidInput(f"{field}: needs an operator (\"op\"){_where(path)}")
    window = obj.get("window")
    if window is not None:
        if not isinstance(window, dict) or set(window) != {"days"} or isinstance(window["days"], bool) \
                or not isinstance(window["days"], int):
            raise InvalidInput(f"{field}: window needs {{\"days\": N}}, got {_show(window)}{_where(path)}")
    try:
        return Condition(field=field, op=obj["op"], value=obj.get("value"), window=window)
    except ValidationError as exc:
        raise InvalidInput(_error_message(exc) + _where(path)) from None


def parse_rule(obj: Any) -> Node:
    """Rule from ``{"version": 1, "rule": node}``, a bare node, a model, or JSON text."""
    if isinstance(obj, (All, AnyOf, Not, Condition)):
        return obj
    if isinstance(obj, (str, bytes)):
        try:
            obj = json.loads(obj)
        except ValueError as exc:
            raise InvalidInput(f"rule is not valid JSON: {exc}") from None
    if isinstance(obj, dict) and ("version" in obj or "rule" in obj):
        if obj.get("version", RULE_VERSION) != RULE_VERSION:
            raise InvalidInput(f"unsupported rule version {_show(obj.get('version'))} (this app reads version 1)")
        if "rule" not in obj:
            raise InvalidInput("rule document has no \"rule\"")
        extra = set(obj) - {"version", "rule", "name", "description"}
        if extra:
            raise InvalidInput(f"rule document has unknown key {_show(sorted(extra)[0])}")
        obj = obj["rule"]
    return _parse_node(obj, "")


def node_to_json(node: Node) -> dict:
    if isinstance(node, All):
        return {"all": [node_to_json(c) for c in node.all]}
    if isinstance(node, AnyOf):
        return {"any": [node_to_json(c) for c in node.any]}
    if isinstance(node, Not):
        return {"not": node_to_json(node.not_)}
    out: dict = {"field": node.field, "op": node.op}
    if node.value is not None:
        out["value"] = node.value
    if node.window is not None:
        out["window"] = {"days": node.window.days}
    return out


def rule_to_json(node: Node | Any) -> dict:
    """``{"version": 1, "rule": node}`` (plain JSON-able dict)."""
    return {"version": RULE_VERSION, "rule": node_to_json(parse_rule(node))}


def rule_to_text(node: Node | Any) -> str:
    return json.dumps(rule_to_json(node), ensure_ascii=False)


def iter_conditions(node: Node) -> Iterator[Condition]:
    if isinstance(node, All):
        for c in node.all:
            yield from iter_conditions(c)
    elif isinstance(node, AnyOf):
        for c in node.any:
            yield from iter_conditions(c)
    elif isinstance(node, Not):
        yield from iter_conditions(node.not_)
    else:
        yield node


def referenced_segments(node: Node) -> set[str]:
    """Names of saved segments this rule refers to (directly)."""
    return {name for c in iter_conditions(node) if c.field == "segment" for name in c.value}
