"""The rule builder's Qt-free editing model: JSON round-trip, stable ids, edits, undo/redo."""

import json
from types import SimpleNamespace

import pytest

from loyalty_desktop.errors import InvalidInput
from loyalty_desktop.segments.editing import Change, Condition, Group, RuleTree, default_op, default_value

RULE = {
    "all": [
        {"field": "gender", "op": "eq", "value": "female"},
        {"field": "age", "op": "between", "value": [26, 45]},
        {"any": [
            {"field": "province", "op": "in", "value": ["Hà Nội"]},
            {"all": [
                {"field": "total_spent", "op": "gte", "value": 2000000, "window": {"days": 90}},
                {"not": {"field": "tag", "op": "has", "value": "Khách sỉ"}},
            ]},
        ]},
        {"not": {"any": [{"field": "sms_opt_out", "op": "eq", "value": True}]}},
    ]
}


def test_round_trip_keeps_the_rule():
    tree = RuleTree(RULE)
    assert tree.to_json() == RULE
    assert RuleTree({"version": 1, "rule": RULE}).to_json() == RULE
    assert RuleTree(json.dumps({"version": 1, "rule": RULE})).document() == {"version": 1, "rule": RULE}


def test_bare_condition_and_double_not():
    tree = RuleTree({"field": "age", "op": "gt", "value": 30})
    assert tree.to_json() == {"all": [{"field": "age", "op": "gt", "value": 30}]}
    tree = RuleTree({"not": {"not": {"field": "age", "op": "gt", "value": 30}}})
    assert tree.to_json() == {"all": [{"field": "age", "op": "gt", "value": 30}]}
    tree = RuleTree({"not": {"all": [{"field": "age", "op": "gt", "value": 30}]}})
    assert tree.root.negated and tree.to_json() == {"not": {"all": [{"field": "age", "op": "gt", "value": 30}]}}


@pytest.mark.parametrize("bad", [
    [1, 2], {"all": 3}, {"all": [], "any": []}, {"foo": 1}, {"field": "age"}, {"not": 1},
    {"field": "age", "op": "gt", "value": 1, "window": {"days": "x"}}, "{not json", {"version": 2, "rule": {}},
    {"field": "age", "op": "gt", "colour": 1},
])
def test_bad_json_is_rejected_with_a_reason(bad):
    with pytest.raises(InvalidInput) as err:
        RuleTree(bad)
    assert str(err.value)


def test_ids_are_stable_and_unique():
    tree = RuleTree(RULE)
    ids = [n.id for n in tree.walk()]
    assert len(ids) == len(set(ids)) == 10
    before = {n.id: n.field for n in tree.conditions()}
    tree.add_group(None)
    after = {n.id: n.field for n in tree.conditions()}
    assert before == after
    with pytest.raises(KeyError):
        tree.node(9999)


def test_build_three_levels_and_undo_everything():
    tree = RuleTree()
    events: list[Change] = []
    tree.subscribe(events.append)
    c1 = tree.add_condition(None, "gender", "eq", "female")
    g1 = tree.add_group(None, "any")
    tree.add_condition(g1, "province", "in", ["Hà Nội"])
    g2 = tree.add_group(g1)
    tree.add_condition(g2, "total_spent", "gte", 2_000_000, window_days=90)
    tree.set_negated(tree.add_condition(g2, "tag", "has", "Khách sỉ"), True)
    assert tree.to_json() == {"all": [
        {"field": "gender", "op": "eq", "value": "female"},
        {"any": [{"field": "province", "op": "in", "value": ["Hà Nội"]},
                 {"all": [{"field": "total_spent", "op": "gte", "value": 2000000, "window": {"days": 90}},
                          {"not": {"field": "tag", "op": "has", "value": "Khách sỉ"}}]}]}]}
    assert tree.depth(g2) == 2 and tree.parent(c1) is tree.root
    assert len(events) == 7 and tree.is_dirty
    while tree.undo():
        pass
    assert tree.to_json() == {"all": []} and not tree.is_dirty
    for _ in range(7):
        assert tree.redo()
    assert not tree.redo()
    assert tree.to_json()["all"][1]["any"][1]["all"][1] == {"not": {"field": "tag", "op": "has", "value": "Khách sỉ"}}
    assert tree.node(g2).is_group  # ids survive undo/redo


def test_move_reorders_and_moves_between_groups():
    tree = RuleTree({"all": [{"field": "a", "op": "eq", "value": 1}, {"field": "b", "op": "eq", "value": 2},
                             {"any": [{"field": "c", "op": "eq", "value": 3}]}]})
    a, b, g = (n.id for n in tree.root.children)
    tree.move(a, None, 2)  # after b (index counted before the move)
    assert [n.id for n in tree.root.children] == [b, a, g]
    tree.move(a, None, 1)  # same place: no step
    assert [n.id for n in tree.root.children] == [b, a, g]
    tree.move(b, g, 0)
    assert [getattr(n, "field", None) for n in tree.node(g).children] == ["b", "c"]
    with pytest.raises(InvalidInput):
        tree.move(g, g)
    with pytest.raises(InvalidInput):
        tree.move(tree.root.id, g)
    tree.undo()
    assert [n.id for n in tree.root.children] == [b, a, g]


def test_group_with_makes_a_sub_group():
    tree = RuleTree({"all": [{"field": "a", "op": "eq", "value": 1}, {"field": "b", "op": "eq", "value": 2}]})
    a, b = (n.id for n in tree.root.children)
    gid = tree.group_with(b, a, kind="any")
    assert tree.to_json() == {"all": [{"any": [{"field": "b", "op": "eq", "value": 2},
                                               {"field": "a", "op": "eq", "value": 1}]}]}
    gid2 = tree.group_with(a, field_id="age", op="gt", value=30)
    assert tree.parent(gid2).id == gid and tree.depth(a) == 3
    with pytest.raises(InvalidInput):
        tree.group_with(a, a)
    with pytest.raises(InvalidInput):
        tree.group_with(a, gid)  # a group with its own descendant
    with pytest.raises(InvalidInput):
        tree.group_with(b)


def test_wrap_remove_and_kinds():
    tree = RuleTree({"all": [{"field": "a", "op": "eq", "value": 1}]})
    a = tree.root.children[0].id
    g = tree.wrap_in_group(a, "any")
    assert tree.to_json() == {"all": [{"any": [{"field": "a", "op": "eq", "value": 1}]}]}
    tree.set_group_kind(g, "all")
    with pytest.raises(InvalidInput):
        tree.set_group_kind(g, "xor")
    with pytest.raises(InvalidInput):
        tree.remove(tree.root.id)
    tree.remove(g)
    assert tree.to_json() == {"all": []}
    with pytest.raises(InvalidInput):
        tree.add_group(None, "nope")
    with pytest.raises(InvalidInput):
        tree.add_condition(tree.add_condition(None, "x", "eq"), "y", "eq")  # into a condition


def test_typing_merges_into_one_undo_step():
    tree = RuleTree({"all": [{"field": "total_spent", "op": "gte", "value": 1}]})
    c = tree.root.children[0].id
    for v in (2, 20, 200):
        tree.update_condition(c, value=v, merge=True)
    tree.break_merge()
    tree.update_condition(c, value=300, merge=True)
    tree.update_condition(c, op="lte")
    assert tree.to_json() == {"all": [{"field": "total_spent", "op": "lte", "value": 300}]}
    tree.undo()
    tree.undo()
    assert tree.node(c).value == 200
    tree.undo()
    assert tree.node(c).value == 1 and not tree.can_undo
    with pytest.raises(TypeError):
        tree.update_condition(c, colour=1)
    with pytest.raises(InvalidInput):
        tree.update_condition(tree.root.id, value=1)


def test_skip_leaves_out_invalid_conditions():
    tree = RuleTree(RULE)
    age = next(n for n in tree.conditions() if n.field == "age")
    assert tree.to_json(skip={age.id})["all"][1] == RULE["all"][2]
    assert isinstance(tree.root, Group) and isinstance(age, Condition)


def test_load_replaces_and_is_undoable_or_clean():
    tree = RuleTree(RULE)
    tree.load({"all": []})
    assert tree.is_dirty and tree.undo() and tree.to_json() == RULE
    tree.load({"any": []}, undoable=False)
    assert not tree.is_dirty and not tree.can_undo
    with pytest.raises(InvalidInput):
        tree.load([])


def test_defaults_follow_the_field_kind():
    money = SimpleNamespace(editor="money", ops=["eq", "lt", "gte", "between"])
    multi = SimpleNamespace(editor="multi", ops=["in", "not_in"])
    date = SimpleNamespace(editor="date", ops=["before", "after", "between", "within_last"])
    assert default_op(money) == "gte" and default_op(multi) == "in" and default_op(date) == "within_last"
    assert default_value(money, "gte") is None
    assert default_value(money, "between", 5) == [5, None]
    assert default_value(money, "lt", [5, 7]) == 5
    assert default_value(multi, "in", "Hà Nội") == ["Hà Nội"]
    assert default_value(date, "within_last") == {"days": 30}
    assert default_value(date, "between") == [None, None]
    assert default_value(SimpleNamespace(editor="bool", ops=["eq"]), "eq") is True
    assert default_value(SimpleNamespace(editor="none", ops=["this_month"]), "this_month") is None


def test_keyboard_moves_shift_outdent_indent():
    tree = RuleTree({"all": [{"field": "a", "op": "eq", "value": 1},
                             {"any": [{"field": "b", "op": "eq", "value": 2}]},
                             {"field": "c", "op": "eq", "value": 3}]})
    a, g, c = (n.id for n in tree.root.children)
    b = tree.node(g).children[0].id
    names = lambda: json.dumps(tree.to_json())  # noqa: E731
    assert not tree.shift(a, -1)  # first in the top group
    assert tree.shift(a, +1) and [n.id for n in tree.root.children] == [g, a, c]
    assert tree.shift(b, -1) and [n.id for n in tree.root.children] == [b, g, a, c]  # left its group upwards
    assert tree.node(g).children == []
    assert tree.indent(c) is False  # the node above c is a condition
    assert tree.shift(a, +1) and [n.id for n in tree.root.children] == [b, g, c, a]
    tree.move(c, g)
    assert [n.id for n in tree.root.children] == [b, g, a]
    assert tree.indent(a) and [n.id for n in tree.node(g).children] == [c, a]
    assert tree.shift(c, -1) and [n.id for n in tree.root.children] == [b, c, g]
    assert tree.outdent(a) and [n.id for n in tree.root.children] == [b, c, g, a]
    assert not tree.outdent(a)
    before = names()
    assert tree.undo() and names() != before
