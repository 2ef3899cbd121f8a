"""Rule model: validation with precise messages naming the node, JSON round trip, catalogue."""

import json

import pytest

from loyalty_desktop.errors import InvalidInput
from loyalty_desktop.segments.catalog import FIELDS, GROUPS, OPS, FieldSpec
from loyalty_desktop.segments.rules import (
    All,
    Condition,
    Not,
    parse_rule,
    referenced_segments,
    rule_to_json,
)

GOOD = {"all": [
    {"field": "gender", "op": "eq", "value": "female"},
    {"field": "age", "op": "between", "value": [26, 45]},
    {"any": [
        {"field": "province", "op": "in", "value": ["Hà Nội", "TP.HCM"]},
        {"all": [
            {"field": "total_spent", "op": "gte", "value": 2000000, "window": {"days": 90}},
            {"not": {"field": "tag", "op": "has", "value": "Khách sỉ"}},
        ]},
    ]},
    {"field": "category", "op": "bought", "value": ["Mỹ phẩm"]},
    {"not": {"field": "category", "op": "bought", "value": ["Mỹ phẩm"], "window": {"days": 180}}},
    {"field": "birthday", "op": "this_month"},
    {"field": "last_purchase_at", "op": "within_last", "value": {"days": 30}},
    {"field": "created_at", "op": "between", "value": ["2025-01-01", "2025-12-31"]},
    {"field": "sms_opt_out", "op": "eq", "value": False},
    {"field": "rfm_r", "op": "gte", "value": 4},
    {"field": "tag_group", "op": "has", "value": "Hạng thẻ"},
    {"field": "segment", "op": "not_in", "value": ["Đã nhắn tháng 10"]},
]}


def test_round_trip_and_versions():
    node = parse_rule(GOOD)
    assert rule_to_json(node) == {"version": 1, "rule": GOOD}
    assert parse_rule({"version": 1, "rule": GOOD}) == node
    assert parse_rule(json.dumps({"version": 1, "rule": GOOD})) == node
    assert rule_to_json(rule_to_json(node)) == rule_to_json(node)
    assert referenced_segments(node) == {"Đã nhắn tháng 10"}
    assert isinstance(node, All) and isinstance(node.all[4], Not)
    assert isinstance(node.all[0], Condition) and node.all[0].spec.label_vi == "Giới tính"


def test_values_are_normalised():
    assert parse_rule({"field": "last_purchase_at", "op": "within_last", "value": 30}).value == {"days": 30}
    assert parse_rule({"field": "category", "op": "bought", "value": "Mỹ phẩm"}).value == ["Mỹ phẩm"]
    assert parse_rule({"field": "created_at", "op": "before", "value": "31/01/2026"}).value == "2026-01-31"
    assert parse_rule({"field": "points", "op": "gte", "value": 100.0}).value == 100
    assert parse_rule({"all": []}) == All(all=[])


@pytest.mark.parametrize("bad, message", [
    ({"field": "age", "op": "between", "value": [30]}, "age: between needs two numbers, got [30]"),
    ({"field": "age", "op": "between", "value": [45, 26]}, "age: between needs the smaller number first"),
    ({"field": "age", "op": "gt", "value": "ba mươi"}, "age: needs a whole number, got \"ba mươi\""),
    ({"field": "age", "op": "gt", "value": 30.5}, "age: needs a whole number, got 30.5"),
    ({"field": "age", "op": "gt", "value": True}, "age: needs a whole number, got true"),
    ({"field": "age", "op": "gt", "value": 400}, "age: must be between 0 and 150, got 400"),
    ({"field": "age", "op": "contains", "value": 3}, "age: unknown operator \"contains\""),
    ({"field": "age", "op": "is_empty", "value": 3}, "age: is_empty takes no value, got 3"),
    ({"field": "age", "op": "gt"}, "age: gt needs a value"),
    ({"field": "agee", "op": "gt", "value": 3}, "unknown field \"agee\""),
    ({"field": "gender", "op": "eq", "value": "nam"}, "gender: eq needs one of [\"male\", \"female\", \"unknown\"], got \"nam\""),
    ({"field": "gender", "op": "in", "value": []}, "gender: in needs a non-empty list"),
    ({"field": "total_spent", "op": "gte", "value": -5}, "total_spent: must be at least 0, got -5"),
    ({"field": "total_spent", "op": "gte", "value": 5, "window": {"days": 0}}, "total_spent: window needs 1–3650 days"),
    ({"field": "total_spent", "op": "gte", "value": 5, "window": {"weeks": 2}}, "total_spent: window needs {\"days\": N}"),
    ({"field": "points", "op": "gte", "value": 5, "window": {"days": 30}}, "points: does not take a window"),
    ({"field": "birth_month", "op": "eq", "value": 13}, "birth_month: must be between 1 and 12, got 13"),
    ({"field": "birthday", "op": "within_next", "value": {"days": 400}}, "birthday: within_next needs 0–366 days"),
    ({"field": "birthday", "op": "within_next", "value": "soon"}, "birthday: within_next needs {\"days\": N}"),
    ({"field": "created_at", "op": "before", "value": "hôm qua"}, "created_at: needs a date like"),
    ({"field": "created_at", "op": "between", "value": ["2026-02-01", "2026-01-01"]}, "earlier date first"),
    ({"field": "category", "op": "bought", "value": []}, "category: bought needs a non-empty list of names"),
    ({"field": "category", "op": "bought", "value": [""]}, "category: bought needs a non-empty list"),
    ({"field": "tag", "op": "has", "value": ["a"]}, "tag: has needs a non-empty text"),
    ({"field": "name", "op": "contains", "value": "  "}, "name: contains needs a non-empty text"),
    ({"field": "sms_opt_out", "op": "eq", "value": "yes"}, "sms_opt_out: eq needs true or false"),
    ({"field": "age", "op": "gt", "value": 3, "colour": 1}, "age: unknown key \"colour\""),
    ({"field": "age", "value": 3}, "age: needs an operator"),
    ({"foo": 1}, "rule node needs \"all\", \"any\", \"not\" or \"field\""),
    ({"all": 3}, "all needs a list of nodes"),
    ({"all": [], "any": []}, "a group node has exactly one key"),
    ([1, 2], "rule node must be an object"),
    ("{not json", "rule is not valid JSON"),
    ({"version": 2, "rule": {}}, "unsupported rule version 2"),
])
def test_invalid_rules_name_the_bad_node(bad, message):
    with pytest.raises(InvalidInput) as err:
        parse_rule(bad)
    assert message in str(err.value)


def test_nested_errors_say_where():
    bad = {"all": [{"field": "gender", "op": "eq", "value": "female"},
                   {"any": [{"not": {"field": "age", "op": "between", "value": [30]}}]}]}
    with pytest.raises(InvalidInput) as err:
        parse_rule(bad)
    assert str(err.value) == "age: between needs two numbers, got [30] (at all[1] → any[0] → not)"
    assert InvalidInput.exit_code == 2


def test_province_names_are_resolved_or_refused():
    parse_rule({"field": "province", "op": "in", "value": ["TP.HCM", "Hồ Chí Minh", "ha noi"]})
    with pytest.raises(InvalidInput) as err:
        parse_rule({"field": "province", "op": "in", "value": ["Hà Nội", "Atlantis"]})
    assert "province: unknown province \"Atlantis\"" in str(err.value)


def test_catalogue_is_complete_and_consistent():
    required = {"gender", "age", "birth_month", "birthday", "province", "region", "created_at", "total_spent",
                "order_count", "avg_order_value", "last_purchase_at", "first_purchase_at", "category", "channel",
                "points", "tier", "tag", "sms_opt_out", "phone_type", "name", "segment", "rfm_r", "rfm_f",
                "rfm_m", "tag_group"}
    assert required <= set(FIELDS)
    group_ids = [g[0] for g in GROUPS]
    assert group_ids == ["demographics", "geography", "behaviour", "tags", "loyalty", "contact"]
    assert GROUPS[0][1] == "Nhân khẩu học" and GROUPS[2][1] == "Hành vi mua hàng"
    editors = {"number", "money", "int", "date", "enum", "multi", "text", "bool", "none"}
    dynamic = {"provinces", "categories", "channels", "tags", "tag_groups", "tiers", "segments"}
    for fid, spec in FIELDS.items():
        assert isinstance(spec, FieldSpec) and spec.id == fid
        assert spec.group in group_ids and spec.editor in editors
        assert spec.label_vi and spec.label_en and spec.ops
        assert all(op in OPS for op in spec.ops), fid
        assert spec.choices is None or isinstance(spec.choices, list) or spec.choices in dynamic
    assert {f for f, s in FIELDS.items() if s.windowed} == {"total_spent", "order_count", "avg_order_value",
                                                             "category", "channel"}
    assert OPS["eq"][0] == "bằng" and OPS["bought"][0] == "đã mua" and OPS["not_bought"][0] == "chưa mua"
    assert OPS["between"][0] == "trong khoảng" and OPS["has"][0] == "có thẻ"
