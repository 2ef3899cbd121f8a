"""Tag core (loyalty_desktop.tags) and the `tag` CLI."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from loyalty_desktop import tags
from loyalty_desktop.cli import main
from loyalty_desktop.errors import InvalidInput, UserError
from loyalty_desktop.models import CustomerTag


@pytest.fixture
def demo_db(db):
    from loyalty_desktop.demo import generate_demo

    generate_demo(db, 400, 2000, seed=2)
    return db


def n_tagged(conn, tag_id):
    ct = CustomerTag.__table__
    return conn.execute(select(func.count()).select_from(ct).where(ct.c.tag_id == tag_id)).scalar()


def test_names_unique_regardless_of_case_and_accents(db):
    with db.begin() as conn:
        tid = tags.create_tag(conn, "Khách VIP", color="#ff0000", description="mua nhiều")
        for dup in ("khach vip", "KHÁCH VIP", "  Khách   Vip "):
            with pytest.raises(UserError):
                tags.create_tag(conn, dup)
        assert tags.find_tag(conn, "khach vip")["id"] == tid
        assert tags.find_tag(conn, tid)["color"] == "#FF0000"
        other = tags.create_tag(conn, "Sỉ")
        with pytest.raises(UserError):
            tags.rename_tag(conn, other, "KHACH VIP")
        tags.rename_tag(conn, tid, "khách VIP")  # same tag, new spelling: fine
        assert tags.require_tag(conn, tid)["name"] == "khách VIP"
        for bad in ("", "   ", "x" * 101):
            with pytest.raises(InvalidInput):
                tags.create_tag(conn, bad)
        for bad in ("red", "#12345", "#GGGGGG"):
            with pytest.raises(InvalidInput):
                tags.recolor_tag(conn, tid, bad)
        tags.recolor_tag(conn, tid, "#00aa00")
        tags.describe_tag(conn, tid, "  ")
        assert tags.require_tag(conn, tid)["description"] is None
        with pytest.raises(UserError):
            tags.rename_tag(conn, "không có", "x")


def test_groups(db):
    with db.begin() as conn:
        tid = tags.create_tag(conn, "Vàng", group="Hạng thành viên")
        tags.create_tag(conn, "Bạc", group="hang thanh vien")  # same group
        groups = tags.list_groups(conn)
        assert [(g["name"], g["tags"]) for g in groups] == [("Hạng thành viên", 2)]
        with pytest.raises(UserError):
            tags.create_group(conn, "HẠNG THÀNH VIÊN")
        tags.rename_group(conn, "Hạng thành viên", "Hạng")
        tags.set_tag_group(conn, tid, None)
        assert tags.require_tag(conn, tid)["group_id"] is None
        tags.delete_group(conn, "Hạng")
        assert tags.list_groups(conn) == []
        assert tags.find_tag(conn, "Bạc")["group_id"] is None



def test_group_crud_unique_names_and_clear_errors(db):
    with db.begin() as conn:
        gid = tags.create_group(conn, "  Hạng   thành viên ")
        assert tags.require_group(conn, gid)["name"] == "Hạng thành viên"
        for dup in ("hang thanh vien", "HẠNG THÀNH VIÊN", "Hạng Thành Viên"):
            with pytest.raises(UserError, match="already exists"):
                tags.create_group(conn, dup)
        for bad in ("", "   ", None, "x" * 101):
            with pytest.raises(InvalidInput, match="Tag group name"):
                tags.create_group(conn, bad)
        other = tags.create_group(conn, "Kênh liên hệ")
        with pytest.raises(UserError, match="already exists"):
            tags.rename_group(conn, other, "hạng THÀNH viên")
        with pytest.raises(InvalidInput):
            tags.rename_group(conn, other, " ")
        tags.rename_group(conn, other, "kênh LIÊN HỆ")  # same group, new spelling: fine
        assert tags.require_group(conn, other)["name"] == "kênh LIÊN HỆ"
        with pytest.raises(UserError, match='No tag group named "Không có"'):
            tags.rename_group(conn, "Không có", "x")
        with pytest.raises(UserError, match="No tag group"):
            tags.delete_group(conn, "Không có")
        with pytest.raises(UserError, match="does not exist"):
            tags.require_group(conn, 999)
        # a group and a tag may share a name
        tags.create_tag(conn, "Hạng thành viên")


def test_move_tags_into_and_out_of_groups(db):
    with db.begin() as conn:
        gold, silver, vip = tags.create_tag(conn, "Vàng"), tags.create_tag(conn, "Bạc"), tags.create_tag(conn, "VIP")
        gid = tags.create_group(conn, "Hạng")
        assert tags.set_tag_group(conn, gold, "hang") == gid  # by name, ignoring case and accents
        assert tags.set_tag_group(conn, silver, gid) == gid  # by id
        assert tags.group_tags(conn, "Hạng") == ["Bạc", "Vàng"]
        with pytest.raises(UserError, match="No tag group"):
            tags.set_tag_group(conn, vip, "Loại khách", create=False)
        with pytest.raises(UserError, match="does not exist"):
            tags.set_tag_group(conn, vip, 999)
        assert tags.require_tag(conn, vip)["group_id"] is None
        new = tags.set_tag_group(conn, vip, "Loại khách")  # create=True makes the group
        assert tags.require_group(conn, "loai khach")["id"] == new
        with pytest.raises(UserError, match="No tag"):
            tags.set_tag_group(conn, "Không có", gid)
        assert tags.set_tag_group(conn, gold, None) is None  # out of the group
        assert tags.set_tag_group(conn, silver, "  ") is None
        assert tags.group_tags(conn, gid) == []
        assert {g["name"]: g["tags"] for g in tags.list_groups(conn)} == {"Hạng": 0, "Loại khách": 1}


def test_delete_group_keeps_its_tags_ungrouped(db):
    with db.begin() as conn:
        a = tags.create_tag(conn, "Bạc", group="Hạng")
        b = tags.create_tag(conn, "Vàng", group="Hạng")
        c = tags.create_tag(conn, "Zalo", group="Kênh")
        assert tags.delete_group(conn, "hạng") == 2
        assert tags.find_group(conn, "Hạng") is None
        assert tags.require_tag(conn, a)["group_id"] is None and tags.require_tag(conn, b)["group_id"] is None
        assert tags.require_tag(conn, c)["group_id"] == tags.require_group(conn, "Kênh")["id"]
        assert tags.delete_group(conn, "Kênh") == 1
        assert len(tags.list_tags(conn, with_stats=False)) == 3 and tags.list_groups(conn) == []
        tags.create_group(conn, "Hạng")  # the name is free again

def test_list_counts_share_and_spend(demo_db):
    with demo_db.connect() as conn:
        rows = tags.list_tags(conn)
        assert rows and all(0 <= r["share"] <= 1 for r in rows)
        vip = next(r for r in rows if r["name"] == "VIP")
        assert vip["customers"] == n_tagged(conn, vip["id"])
        assert vip["share"] == pytest.approx(vip["customers"] / 400)


def test_bulk_apply_undo_by_segment(demo_db):
    from loyalty_desktop.segments.store import save_segment

    with demo_db.begin() as conn:
        save_segment(conn, "Nữ", {"field": "gender", "op": "eq", "value": "female"})
        tid = tags.create_tag(conn, "Chiến dịch 8/3")
        women = conn.execute(select(func.count()).select_from(tags.source_for_segment(conn, "Nữ").subquery())).scalar()
        steps = []
        res = tags.apply_tag(conn, tid, source=tags.source_for_segment(conn, "Nữ"),
                             progress=lambda f, text="": steps.append(f))
        assert res.count == res.matched == women > 0
        assert steps[-1] == 1.0 and steps == sorted(steps)
        again = tags.apply_tag(conn, tid, source=tags.source_for_segment(conn, "Nữ"))
        assert again.count == 0 and again.matched == women
        assert n_tagged(conn, tid) == women
        assert tags.undo_operation(conn, res.operation_id) == women
        assert n_tagged(conn, tid) == 0
        with pytest.raises(UserError):
            tags.undo_operation(conn, res.operation_id)
        with pytest.raises(UserError):
            tags.undo_operation(conn, 9999)


def test_bulk_apply_keeps_existing_and_undo_only_removes_added(demo_db):
    with demo_db.begin() as conn:
        tid = tags.create_tag(conn, "X")
        tags.apply_tag(conn, tid, ids=[1, 2, 3])
        res = tags.apply_tag(conn, tid, ids=list(range(1, 11)) + [3, 3])
        assert res.count == 7 and res.matched == 10
        tags.undo_operation(conn, res.operation_id)
        assert n_tagged(conn, tid) == 3


def test_bulk_remove_and_undo(demo_db):
    with demo_db.begin() as conn:
        vip = tags.require_tag(conn, "VIP")["id"]
        before = n_tagged(conn, vip)
        res = tags.remove_tag(conn, "vip", source=tags.source_for_rule(conn, {"all": []}))
        assert res.count == before and n_tagged(conn, vip) == 0
        assert tags.undo_operation(conn, res.operation_id) == before
        assert n_tagged(conn, vip) == before
        with pytest.raises(InvalidInput):
            tags.apply_tag(conn, vip)
        with pytest.raises(UserError):
            tags.apply_tag(conn, "không có", ids=[1])
        made = tags.apply_tag(conn, "Mới", ids=[1], create=True)
        assert made.count == 1


def test_merge_and_delete(demo_db):
    with demo_db.begin() as conn:
        a, b = tags.create_tag(conn, "A"), tags.create_tag(conn, "B")
        tags.apply_tag(conn, a, ids=[1, 2, 3])
        op = tags.apply_tag(conn, b, ids=[3, 4])
        assert tags.merge_tags(conn, "a", "b") == 2
        assert tags.find_tag(conn, "A") is None and n_tagged(conn, b) == 4
        with pytest.raises(InvalidInput):
            tags.merge_tags(conn, b, b)
        assert tags.delete_tag(conn, b) == 4
        with pytest.raises(UserError):
            tags.undo_operation(conn, op.operation_id)  # its tag is gone
        assert tags.list_operations(conn)[0]["tag"] is None


def test_cli(demo_db, tmp_path, capsys):
    dbp = demo_db.location
    demo_db.dispose()

    def run(*argv):
        code = main(["--db", dbp, "tag", *argv])
        out, err = capsys.readouterr()
        return code, out, err

    code, out, _ = run("create", "Khách Tết", "--color", "#123456", "--group", "Mùa vụ", "--json")
    assert code == 0 and json.loads(out)["name"] == "Khách Tết"
    code, _, err = run("create", "khach tet")
    assert code == 1 and "already exists" in err
    rules = tmp_path / "r.json"
    rules.write_text(json.dumps({"version": 1, "rule": {"field": "gender", "op": "eq", "value": "female"}}))
    code, out, _ = run("apply", "Khách Tết", "--rules", str(rules), "--json")
    res = json.loads(out)
    assert code == 0 and res["changed"] == res["matched"] > 0
    code, out, _ = run("list", "--json")
    tet = next(t for t in json.loads(out)["tags"] if t["name"] == "Khách Tết")
    assert tet["customers"] == res["changed"] and tet["group"] == "Mùa vụ"
    code, out, _ = run("undo", str(res["operation"]), "--json")
    assert code == 0 and json.loads(out)["changed"] == res["changed"]
    code, _, err = run("undo", str(res["operation"]))
    assert code == 1 and "already undone" in err
    code, _, err = run("apply", "Khách Tết", "--segment", "không có")
    assert code != 0 and err
    code, _, err = run("apply", "Không có", "--rules", str(rules))
    assert code == 1
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    code, _, err = run("apply", "Khách Tết", "--rules", str(bad))
    assert code == 2
    assert run("rename", "Khách Tết", "Tết")[0] == 0
    assert run("edit", "Tết", "--color", "#abcdef", "--description", "x")[0] == 0
    assert run("merge", "Tết", "VIP", "--json")[0] == 0
    code, out, _ = run("delete", "VIP", "--json")
    assert code == 0 and json.loads(out)["customers"] > 0
    code, out, _ = run("list")
    assert code == 0 and "VIP" not in out
    assert run("history")[0] == 0 and run("groups", "--json")[0] == 0
