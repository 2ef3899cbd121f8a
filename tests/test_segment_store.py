"""Saved segments: save/rename/duplicate/delete, references between segments, cycles, freeze; templates."""

import random
from datetime import date

import pytest

from loyalty_desktop.errors import InvalidInput, UserError
from loyalty_desktop.segments import runner, store, templates
from loyalty_desktop.segments.rules import parse_rule
from loyalty_desktop.segments.testing import fill_random_shop

TODAY = date(2026, 11, 23)
WOMEN = {"field": "gender", "op": "eq", "value": "female"}


@pytest.fixture
def shop(db):
    with db.begin() as conn:
        fill_random_shop(conn, random.Random(5), TODAY, n_customers=40)
    return db


def test_save_get_list_and_unique_names(shop):
    with shop.begin() as conn:
        sid = store.save_segment(conn, "  Khách   nữ ", WOMEN, description="phụ nữ")
        row = store.get_segment(conn, "khach nu")
        assert row["id"] == sid and row["name"] == "Khách nữ" and not row["frozen"]
        assert parse_rule(row["rule_json"]) == parse_rule(WOMEN)
        assert store.rule_for_segment(conn, "KHÁCH NỮ") == parse_rule(WOMEN)
        with pytest.raises(InvalidInput, match="already exists"):
            store.save_segment(conn, "KHACH NU", WOMEN)
        store.save_segment(conn, "Khach nu", {"field": "gender", "op": "eq", "value": "male"}, replace=True)
        assert store.rule_for_segment(conn, "Khách nữ").value == "male"
        with pytest.raises(InvalidInput, match="must not be empty"):
            store.save_segment(conn, "  ", WOMEN)
        with pytest.raises(InvalidInput, match="between needs two numbers"):
            store.save_segment(conn, "Tuổi", {"field": "age", "op": "between", "value": [1]})
        names = [r["name"] for r in store.list_segments(conn)]
        assert "Khách nữ" in names and names == sorted(names, key=lambda n: store._fold(n))
        assert store.get_segment(conn, "không có") is None
        with pytest.raises(UserError):
            store.rule_for_segment(conn, "không có")


def test_references_cycles_rename_and_delete(shop):
    with shop.begin() as conn:
        store.save_segment(conn, "A", WOMEN)
        store.save_segment(conn, "B", {"all": [{"field": "segment", "op": "in", "value": ["a"]},
                                              {"field": "age", "op": "gte", "value": 18}]})
        store.save_segment(conn, "C", {"field": "segment", "op": "not_in", "value": ["B"]})
        with pytest.raises(InvalidInput, match="cycle"):
            store.update_segment(conn, "A", {"field": "segment", "op": "in", "value": ["C"]})
        with pytest.raises(InvalidInput, match="refer to itself"):
            store.update_segment(conn, "A", {"field": "segment", "op": "in", "value": ["A"]})
        with pytest.raises(InvalidInput, match="unknown saved segment"):
            store.save_segment(conn, "D", {"field": "segment", "op": "in", "value": ["Nope"]})
        with pytest.raises(InvalidInput, match="unknown saved segment"):
            runner.count(conn, {"field": "segment", "op": "in", "value": ["Nope"]}, today=TODAY)
        women = set(runner.ids(conn, WOMEN, today=TODAY))
        adults = set(runner.ids(conn, {"field": "age", "op": "gte", "value": 18}, today=TODAY))
        everyone = set(runner.ids(conn, {"all": []}, today=TODAY))
        b = set(runner.ids(conn, {"field": "segment", "op": "in", "value": ["B"]}, today=TODAY))
        assert b == women & adults
        assert set(runner.ids(conn, {"field": "segment", "op": "in", "value": ["C"]}, today=TODAY)) == everyone - b
        # rename rewrites references
        store.rename_segment(conn, "A", "Phụ nữ (mới)")
        assert store.rule_for_segment(conn, "B").all[0].value == ["Phụ nữ (mới)"]
        assert set(runner.ids(conn, {"field": "segment", "op": "in", "value": ["B"]}, today=TODAY)) == b
        with pytest.raises(InvalidInput, match="already exists"):
            store.rename_segment(conn, "B", "c")
        # delete refuses while used
        with pytest.raises(UserError, match="used by: B"):
            store.delete_segment(conn, "Phụ nữ (mới)")
        store.delete_segment(conn, "C")
        store.delete_segment(conn, "B")
        store.delete_segment(conn, "Phụ nữ (mới)")
        assert store.get_segment(conn, "B") is None


def test_duplicate_and_freeze(shop):
    with shop.begin() as conn:
        store.save_segment(conn, "Nữ", WOMEN)
        copy_name = store.duplicate_segment(conn, "Nữ")
        assert copy_name == "Nữ (bản sao)"
        assert store.duplicate_segment(conn, "Nữ") == "Nữ (bản sao) 2"
        before = set(runner.ids(conn, WOMEN, today=TODAY))
        n = store.freeze_segment(conn, "Nữ", today=TODAY)
        assert n == len(before)
        row = store.get_segment(conn, "Nữ")
        assert row["frozen"] and row["cached_count"] == n and row["frozen_at"] is not None
        with pytest.raises(UserError, match="already frozen"):
            store.freeze_segment(conn, "Nữ")
        # the snapshot no longer follows the data
        from sqlalchemy import update

        from loyalty_desktop.models import Customer

        c = Customer.__table__
        conn.execute(update(c).values(gender="female"))
        ref = {"field": "segment", "op": "in", "value": ["Nữ"]}
        assert set(runner.ids(conn, ref, today=TODAY)) == before
        assert len(runner.ids(conn, {"field": "segment", "op": "in", "value": ["Nữ (bản sao)"]}, today=TODAY)) == 40
        frozen_copy = store.duplicate_segment(conn, "Nữ", "Nữ đông lạnh")
        assert set(runner.ids(conn, {"field": "segment", "op": "in", "value": [frozen_copy]}, today=TODAY)) == before
        store.unfreeze_segment(conn, "Nữ")
        assert len(runner.ids(conn, ref, today=TODAY)) == 40


def test_templates_are_valid_editable_rules(shop):
    ids = [t.id for t in templates.list_templates()]
    assert {"loyal", "potential", "low_value", "at_risk", "new", "birthday_this_month", "vip"} <= set(ids)
    with shop.begin() as conn:
        for tid in ids:
            rule = templates.template_rule(tid)
            assert runner.count(conn, rule, today=TODAY) >= 0
        templates.save_template(conn, "vip")
        row = store.get_segment(conn, "Khách hàng VIP")
        assert row["template"] == "vip"
        assert "20000000" in row["rule_json"]  # the threshold is visible and editable
    with pytest.raises(UserError):
        templates.template_rule("nope")
