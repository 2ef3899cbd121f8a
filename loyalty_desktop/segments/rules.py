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


class RuleValueError(ValueError):
    """A bad condition: the English message (``str(exc)``) and ``vi``, the same facts in Vietnamese."""

    def __init__(self, message: str, vi: str | None = None) -> None:
        super().__init__(message)
        self.vi = vi


def _vf(field: Any) -> str:
    """The field's Vietnamese label (for Vietnamese messages); the id when unknown."""
    spec = FIELDS.get(field) if isinstance(field, str) else None
    return spec.label_vi if spec is not None and spec.label_vi else str(field)


def _vo(op: Any) -> str:
    """The operator's Vietnamese label, quoted; the id when unknown."""
    from loyalty_desktop.segments.catalog import OPS

    labels = OPS.get(op) if isinstance(op, str) else None
    return f"“{labels[0]}”" if labels else str(op)


def _show(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


_WHAT_VI = {"a whole number": "một số nguyên", "an amount in đồng (whole number)": "số tiền bằng đồng (số nguyên)",
            "names": "tên", "provinces": "tỉnh/thành", "tiers": "hạng"}


def _as_int(field: str, v: Any, what: str = "a whole number") -> int:
    if isinstance(v, bool) or not _is_number(v) or (isinstance(v, float) and not v.is_integer()):
        raise RuleValueError(f"{field}: needs {what}, got {_show(v)}", vi=f"{_vf(field)}: cần {_WHAT_VI.get(what, what)}, nhận được {_show(v)}")
    return int(v)


def _in_range(spec: FieldSpec, v: int) -> int:
    lo, hi = spec.minimum, spec.maximum
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        if hi is None:
            raise RuleValueError(f"{spec.id}: must be at least {lo}, got {v}", vi=f"{_vf(spec.id)}: phải từ {lo} trở lên, nhận được {v}")
        raise RuleValueError(f"{spec.id}: must be between {lo} and {hi}, got {v}", vi=f"{_vf(spec.id)}: phải từ {lo} đến {hi}, nhận được {v}")
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
    raise RuleValueError(f"{field}: needs a date like \"2026-01-31\", got {_show(v)}", vi=f"{_vf(field)}: cần một ngày dạng \"31/01/2026\" hoặc \"2026-01-31\", nhận được {_show(v)}")


def _days(field: str, op: str, v: Any, maximum: int = MAX_WINDOW_DAYS) -> dict:
    days = v.get("days") if isinstance(v, dict) and set(v) == {"days"} else v
    if isinstance(days, bool) or not _is_number(days) or (isinstance(days, float) and not days.is_integer()):
        raise RuleValueError(f"{field}: {op} needs {{\"days\": N}} with a whole number N, got {_show(v)}", vi=f"{_vf(field)}: {_vo(op)} cần {{\"days\": N}} với N là số nguyên, nhận được {_show(v)}")
    days = int(days)
    if days < 0 or days > maximum:
        raise RuleValueError(f"{field}: {op} needs 0–{maximum} days, got {days}", vi=f"{_vf(field)}: {_vo(op)} cần từ 0 đến {maximum} ngày, nhận được {days}")
    return {"days": days}


def _str_list(field: str, op: str, v: Any, what: str = "names") -> list[str]:
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list) or not v:
        raise RuleValueError(f"{field}: {op} needs a non-empty list of {what}, got {_show(v)}",
                             vi=f"{_vf(field)}: {_vo(op)} cần ít nhất một {_WHAT_VI.get(what, what)}, "
                             f"nhận được {_show(v)}")
    out = []
    for item in v:
        if not isinstance(item, str) or not item.strip():
            raise RuleValueError(f"{field}: {op} needs a non-empty list of {what}, got {_show(v)}",
                                 vi=f"{_vf(field)}: {_vo(op)} cần ít nhất một {_WHAT_VI.get(what, what)}, "
                                 f"nhận được {_show(v)}")
        out.append(item.strip())
    return out


def _one_str(field: str, op: str, v: Any) -> str:
    if not isinstance(v, str) or not v.strip():
        raise RuleValueError(f"{field}: {op} needs a non-empty text, got {_show(v)}", vi=f"{_vf(field)}: {_vo(op)} cần một nội dung không trống, nhận được {_show(v)}")
    return v.strip()


def _choice(spec: FieldSpec, op: str, v: Any) -> Any:
    allowed = spec.choice_values()
    if v not in allowed or isinstance(v, bool) != isinstance(allowed[0], bool):
        raise RuleValueError(f"{spec.id}: {op} needs one of {_show(allowed)}, got {_show(v)}", vi=f"{_vf(spec.id)}: {_vo(op)} cần một trong {_show(allowed)}, nhận được {_show(v)}")
    return v


def check_condition(field: str, op: str, value: Any, window: Window | None) -> Any:
    """Validate one condition; returns the normalised value. Raises ValueError naming the field."""
    spec = FIELDS.get(field)
    if spec is None:
        raise RuleValueError(f"unknown field {_show(field)}", vi=f"Không có trường điều kiện {_show(field)}")
    if op not in spec.ops:
        raise RuleValueError(f"{field}: unknown operator {_show(op)} (use one of {', '.join(spec.ops)})", vi=f"{_vf(field)}: phép so sánh {_show(op)} không hợp lệ (dùng một trong {', '.join(spec.ops)})")
    if window is not None:
        if not spec.windowed:
            raise RuleValueError(f"{field}: does not take a window", vi=f"{_vf(field)}: điều kiện này không có khoảng thời gian")
        if window.days < 1 or window.days > MAX_WINDOW_DAYS:
            raise RuleValueError(f"{field}: window needs 1–{MAX_WINDOW_DAYS} days, got {window.days}", vi=f"{_vf(field)}: khoảng thời gian phải từ 1 đến {MAX_WINDOW_DAYS} ngày, nhận được {window.days}")
    if op in NO_VALUE_OPS:
        if value is not None:
            raise RuleValueError(f"{field}: {op} takes no value, got {_show(value)}", vi=f"{_vf(field)}: {_vo(op)} không cần giá trị, nhận được {_show(value)}")
        return None
    if op in DAY_OPS:
        return _days(field, op, value, 366 if op == "within_next" else MAX_WINDOW_DAYS)
    if value is None:
        raise RuleValueError(f"{field}: {op} needs a value", vi=f"{_vf(field)}: {_vo(op)} cần một giá trị")

    if spec.type == "date":
        if op == "between":
            if not isinstance(value, list) or len(value) != 2:
                raise RuleValueError(f"{field}: between needs two dates, got {_show(value)}", vi=f"{_vf(field)}: {_vo('between')} cần hai ngày, nhận được {_show(value)}")
            a, b = parse_iso_date(field, value[0]), parse_iso_date(field, value[1])
            if a > b:
                raise RuleValueError(f"{field}: between needs the earlier date first, got {_show(value)}", vi=f"{_vf(field)}: {_vo('between')} cần ngày sớm hơn đứng trước, nhận được {_show(value)}")
            return [a.isoformat(), b.isoformat()]
        return parse_iso_date(field, value).isoformat()

    if spec.type in ("int", "money") and op in ("eq", "ne", "lt", "lte", "gt", "gte", "between"):
        what = "a whole number" if spec.type == "int" else "an amount in đồng (whole number)"
        if op == "between":
            if not isinstance(value, list) or len(value) != 2 or not all(_is_number(x) for x in value):
                raise RuleValueError(f"{field}: between needs two numbers, got {_show(value)}", vi=f"{_vf(field)}: {_vo('between')} cần hai số, nhận được {_show(value)}")
            a = _in_range(spec, _as_int(field, value[0], what))
            b = _in_range(spec, _as_int(field, value[1], what))
            if a > b:
                raise RuleValueError(f"{field}: between needs the smaller number first, got {_show(value)}", vi=f"{_vf(field)}: {_vo('between')} cần số nhỏ hơn đứng trước, nhận được {_show(value)}")
            return [a, b]
        if field == "birth_month":
            pass
        return _in_range(spec, _as_int(field, value, what))

    if field in ("birth_month", "rfm_r", "rfm_f", "rfm_m"):  # eq / in over small integers
        if op == "in":
            if not isinstance(value, list) or not value:
                raise RuleValueError(f"{field}: in needs a non-empty list of numbers, got {_show(value)}", vi=f"{_vf(field)}: {_vo('in')} cần ít nhất một số, nhận được {_show(value)}")
            return sorted({_in_range(spec, _as_int(field, x)) for x in value})
        return _in_range(spec, _as_int(field, value))

    if spec.type == "enum":
        if op == "in":
            if not isinstance(value, list) or not value:
                raise RuleValueError(f"{field}: in needs a non-empty list, got {_show(value)}", vi=f"{_vf(field)}: {_vo('in')} cần ít nhất một giá trị, nhận được {_show(value)}")
            return [_choice(spec, op, x) for x in value]
        return _choice(spec, op, value)

    if spec.type == "bool":
        if not isinstance(value, bool):
            raise RuleValueError(f"{field}: {op} needs true or false, got {_show(value)}", vi=f"{_vf(field)}: {_vo(op)} cần true (có) hoặc false (không), nhận được {_show(value)}")
        return value

    if field == "province":
        names = _str_list(field, op, value, "provinces")
        from loyalty_desktop.vn.provinces import resolve_province_strict

        for name in names:
            try:
                resolve_province_strict(name)
            except InvalidInput:
                raise RuleValueError(f"province: unknown province {_show(name)}", vi=f"{_vf('province')}: không rõ tỉnh/thành {_show(name)}") from None
        return names

    if field == "name":
        from loyalty_desktop.vn.text import fold

        text = _one_str(field, op, value)
        if not fold(text):
            raise RuleValueError(f"{field}: {op} needs letters or digits, got {_show(value)}", vi=f"{_vf(field)}: {_vo(op)} cần có chữ hoặc số, nhận được {_show(value)}")
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


def _where_vi(path: str) -> str:
    return f" (tại {path})" if path else ""


def _error_message(exc: ValidationError) -> str:
    err = exc.errors()[0]
    msg = str(err.get("msg", exc))
    return msg.removeprefix("Value error, ")


def _error_message_vi(exc: ValidationError) -> str:
    err = exc.errors()[0]
    original = (err.get("ctx") or {}).get("error")
    return getattr(original, "vi", None) or f"Điều kiện không hợp lệ: {_error_message(exc)}"


def _parse_node(obj: Any, path: str) -> Node:
    if not isinstance(obj, dict):
        raise InvalidInput(f"rule node must be an object, got {_show(obj)}{_where(path)}",
                           vi=f"Mỗi phần của điều kiện phải là một đối tượng, nhận được {_show(obj)}{_where_vi(path)}")
    keys = set(obj)
    groups = keys & {"all", "any", "not"}
    if groups:
        if len(keys) != 1:
            raise InvalidInput(f"a group node has exactly one key (all, any or not), got {sorted(keys)}{_where(path)}",
                               vi=f"Một nhóm chỉ có đúng một khóa (all, any hoặc not), nhận được {sorted(keys)}"
                               f"{_where_vi(path)}")
        (kind,) = groups
        body = obj[kind]
        here = f"{path} → {kind}" if path else kind
        if kind == "not":
            return Not(**{"not": _parse_node(body, here)})
        if not isinstance(body, list):
            raise InvalidInput(f"{kind} needs a list of nodes, got {_show(body)}{_where(path or kind)}",
                               vi=f"{kind} cần một danh sách điều kiện, nhận được {_show(body)}{_where_vi(path or kind)}")
        children = [_parse_node(child, f"{here}[{i}]") for i, child in enumerate(body)]
        return All(all=children) if kind == "all" else AnyOf(any=children)
    if "field" not in keys:
        raise InvalidInput(f"rule node needs \"all\", \"any\", \"not\" or \"field\", got {sorted(keys)}{_where(path)}",
                           vi=f"Mỗi phần của điều kiện cần \"all\", \"any\", \"not\" hoặc \"field\", "
                           f"nhận được {sorted(keys)}{_where_vi(path)}")
    field = obj.get("field")
    label = field if isinstance(field, str) else "condition"
    extra = keys - {"field", "op", "value", "window"}
    if extra:
        raise InvalidInput(f"{label}: unknown key {_show(sorted(extra)[0])}{_where(path)}",
                           vi=f"{_vf(label)}: khóa không hợp lệ {_show(sorted(extra)[0])}{_where_vi(path)}")
    if not isinstance(field, str):
        raise InvalidInput(f"condition: field must be a text, got {_show(field)}{_where(path)}",
                           vi=f"Điều kiện: trường phải là một chuỗi chữ, nhận được {_show(field)}{_where_vi(path)}")
    if "op" not in obj or not isinstance(obj["op"], str):
        raise InvalidInput(f"{field}: needs an operator (\"op\"){_where(path)}",
                           vi=f"{_vf(field)}: cần một phép so sánh (\"op\"){_where_vi(path)}")
    window = obj.get("window")
    if window is not None:
        if not isinstance(window, dict) or set(window) != {"days"} or isinstance(window["days"], bool) \
                or not isinstance(window["days"], int):
            raise InvalidInput(f"{field}: window needs {{\"days\": N}}, got {_show(window)}{_where(path)}",
                               vi=f"{_vf(field)}: khoảng thời gian cần {{\"days\": N}}, nhận được {_show(window)}"
                               f"{_where_vi(path)}")
    try:
        return Condition(field=field, op=obj["op"], value=obj.get("value"), window=window)
    except ValidationError as exc:
        raise InvalidInput(_error_message(exc) + _where(path), vi=_error_message_vi(exc) + _where_vi(path)) from None


def parse_rule(obj: Any) -> Node:
    """Rule from ``{"version": 1, "rule": node}``, a bare node, a model, or JSON text."""
    if isinstance(obj, (All, AnyOf, Not, Condition)):
        return obj
    if isinstance(obj, (str, bytes)):
        try:
            obj = json.loads(obj)
        except ValueError as exc:
            raise InvalidInput(f"rule is not valid JSON: {exc}", vi=f"Điều kiện không phải JSON hợp lệ: {exc}") from None
    if isinstance(obj, dict) and ("version" in obj or "rule" in obj):
        if obj.get("version", RULE_VERSION) != RULE_VERSION:
            raise InvalidInput(f"unsupported rule version {_show(obj.get('version'))} (this app reads version 1)",
                               vi=f"Phiên bản điều kiện {_show(obj.get('version'))} không được hỗ trợ "
                               "(ứng dụng này đọc phiên bản 1)")
        if "rule" not in obj:
            raise InvalidInput("rule document has no \"rule\"", vi="Tài liệu điều kiện không có mục \"rule\"")
        extra = set(obj) - {"version", "rule", "name", "description"}
        if extra:
            raise InvalidInput(f"rule document has unknown key {_show(sorted(extra)[0])}",
                               vi=f"Tài liệu điều kiện có khóa không hợp lệ {_show(sorted(extra)[0])}")
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
