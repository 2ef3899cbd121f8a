"""`loyalty-desktop tag group …`: tag groups ("nhóm lớn") from the command line."""

from __future__ import annotations

import json

import pytest

from loyalty_desktop import tags
from loyalty_desktop.cli import main


@pytest.fixture
def run(db, capsys):
    with db.begin() as conn:
        tags.create_tag(conn, "Vàng")
        tags.create_tag(conn, "Bạc")
        tags.create_tag(conn, "Zalo", group="Kênh liên hệ")
    location = db.location
    db.dispose()

    def run(*argv):
        code = main(["--db", location, "tag", *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def groups(run) -> dict:
    code, out, _ = run("group", "list", "--json")
    assert code == 0
    return {g["name"]: g["tag_names"] for g in json.loads(out)["groups"]}


def test_group_create_rename_delete(run):
    code, out, _ = run("group", "create", "Hạng thành viên", "--json")
    assert code == 0 and json.loads(out)["name"] == "Hạng thành viên"
    code, _, err = run("group", "create", "HANG thanh vien")
    assert code == 1 and "already exists" in err and "Hạng thành viên" in err
    code, _, err = run("group", "create", "   ")
    assert code == 2 and "Tag group name cannot be empty" in err
    code, out, _ = run("group", "rename", "hang thanh vien", "Hạng", "--json")
    assert code == 0 and json.loads(out)["name"] == "Hạng"
    code, _, err = run("group", "rename", "Hạng", "kênh liên hệ")
    assert code == 1 and "already exists" in err
    code, _, err = run("group", "rename", "Không có", "X")
    assert code == 1 and 'No tag group named "Không có"' in err
    assert groups(run) == {"Hạng": [], "Kênh liên hệ": ["Zalo"]}
    code, out, _ = run("group", "list")
    assert code == 0 and "Kênh liên hệ  (1 tags): Zalo" in out

    code, out, _ = run("group", "delete", "kenh lien he")
    assert code == 0 and "kept, without a group" in out
    code, out, _ = run("list", "--json")
    zalo = next(t for t in json.loads(out)["tags"] if t["name"] == "Zalo")
    assert zalo["group"] is None  # the tag survives the group
    code, _, err = run("group", "delete", "Kênh liên hệ")
    assert code == 1 and "No tag group" in err
    assert groups(run) == {"Hạng": []}


def test_move_a_tag_into_and_out_of_a_group(run):
    code, _, err = run("group", "set", "Vàng", "Hạng")
    assert code == 1 and 'No tag group named "Hạng"' in err and "--create" in err
    code, out, _ = run("group", "set", "vang", "Hạng", "--create", "--json")
    assert code == 0 and json.loads(out) == {"tag": "Vàng", "group": "Hạng", "group_id": json.loads(out)["group_id"]}
    code, out, _ = run("group", "set", "Bạc", "HẠNG")
    assert code == 0 and 'is now in group "Hạng"' in out
    code, _, err = run("group", "set", "Không có", "Hạng")
    assert code == 1 and 'No tag named "Không có"' in err
    code, _, err = run("group", "set", "Bạc", "  ")
    assert code == 1 and "unset" in err
    assert groups(run) == {"Hạng": ["Bạc", "Vàng"], "Kênh liên hệ": ["Zalo"]}
    code, out, _ = run("group", "unset", "Vàng", "--json")
    assert code == 0 and json.loads(out)["group"] is None
    # the older spelling still works: tag edit --group / --group ""
    assert run("edit", "Zalo", "--group", "")[0] == 0
    assert run("edit", "Bạc", "--group", "Kênh liên hệ")[0] == 0
    assert groups(run) == {"Hạng": [], "Kênh liên hệ": ["Bạc"]}
    code, out, _ = run("groups", "--json")
    assert code == 0 and {g["name"] for g in json.loads(out)["groups"]} == {"Hạng", "Kênh liên hệ"}
