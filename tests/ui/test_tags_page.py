"""Tags page on the real main window: CRUD, colour, group, merge, delete, bulk apply to a segment and undo."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog, QInputDialog, QMessageBox

from loyalty_desktop import tags as tag_core


@pytest.fixture
def window(main_window, demo_data):
    from loyalty_desktop.segments.store import save_segment

    db = demo_data(400, 2000, seed=4)
    with db.begin() as conn:
        save_segment(conn, "Khách nữ", {"field": "gender", "op": "eq", "value": "female"})
    return main_window(db)


@pytest.fixture
def page(qtbot, window):
    window.navigate("tags")
    qtbot.waitUntil(lambda: "tags" in window.pages, timeout=10000)
    p = window.pages["tags"]
    qtbot.waitUntil(lambda: p.table.rowCount() > 0, timeout=10000)
    return p


def tag(page, name):
    with page.ctx.db.connect() as conn:
        return tag_core.find_tag(conn, name)


def count(page, name):
    with page.ctx.db.connect() as conn:
        t = tag_core.find_tag(conn, name)
        return None if t is None else tag_core.tag_count(conn, t["id"])


def women(page):
    from loyalty_desktop import customers as cu

    with page.ctx.db.connect() as conn:
        return cu.count_customers(conn, cu.CustomerQuery(gender="female"))


def test_list_shows_counts_share_and_spend(page):
    names = [page.table.item(i, 0).text() for i in range(page.table.rowCount())]
    assert "VIP" in names
    i = names.index("VIP")
    n = count(page, "VIP")
    assert page.table.item(i, 2).text() == f"{n:,}".replace(",", ".")
    assert page.table.item(i, 3).text().endswith("%") and page.table.item(i, 4).text().endswith("₫")


def test_create_edit_merge_delete(qtbot, page, monkeypatch):
    dialog = page.new_tag()
    qtbot.addWidget(dialog)
    dialog._check()  # empty name refused
    assert dialog.error.text() and dialog.isVisible()
    monkeypatch.setattr(QColorDialog, "getColor", staticmethod(lambda *a, **k: QColor("#123456")))
    dialog.name.setText("Khách Tết")
    dialog.pick_color()
    dialog.description.setText("mua dịp Tết")
    dialog.group.setCurrentText("Mùa vụ")
    dialog._check()
    qtbot.waitUntil(lambda: page.select_tag("Khách Tết"), timeout=10000)
    t = tag(page, "khach tet")
    assert t["color"] == "#123456" and t["description"] == "mua dịp Tết" and t["group_id"] is not None

    # a duplicate name (other case/accents) is refused with a message
    shown = []
    monkeypatch.setattr(page.ctx, "show_error", lambda parent, title, exc: shown.append(str(exc)))
    dup = page.new_tag()
    qtbot.addWidget(dup)
    dup.name.setText("KHACH TET")
    dup._check()
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert "already exists" in shown[0]

    page.select_tag("Khách Tết")
    edit = page.edit_tag()
    qtbot.addWidget(edit)
    edit.name.setText("Tết 2027")
    edit._check()
    qtbot.waitUntil(lambda: tag(page, "Tết 2027") is not None, timeout=10000)

    # merge VIP into the renamed tag
    vip = count(page, "VIP")
    page.select_tag("VIP")
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(lambda *a, **k: ("Tết 2027", True)))
    page.merge_tag()
    qtbot.waitUntil(lambda: tag(page, "VIP") is None, timeout=10000)
    assert count(page, "Tết 2027") == vip

    asked = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(
        lambda parent, title, text, *a, **k: (asked.append(text), QMessageBox.StandardButton.Yes)[1]))
    # the list reloads after the merge; delete must state the merged count, so wait for that reload
    qtbot.waitUntil(lambda: any(x["name"] == "Tết 2027" and x["customers"] == vip for x in page.data["tags"]),
                    timeout=10000)
    assert page.select_tag("Tết 2027")
    page.delete_tag()
    qtbot.waitUntil(lambda: tag(page, "Tết 2027") is None, timeout=10000)
    assert f"{vip:,}".replace(",", ".") in asked[0]


def test_bulk_apply_to_segment_and_undo(qtbot, page):
    qtbot.waitUntil(lambda: page.bulk_segment.count() > 0, timeout=10000)
    page.bulk_tag.setCurrentIndex(page.bulk_tag.findText("Khiếu nại"))
    before = count(page, "Khiếu nại")
    page.bulk_segment.setCurrentText("Khách nữ")
    page.apply_button.click()
    qtbot.waitUntil(lambda: page.ops.count() > 0, timeout=10000)
    with page.ctx.db.connect() as conn:
        from sqlalchemy import text

        overlap = conn.execute(text(
            "SELECT count(*) FROM customer c JOIN customer_tag ct ON ct.customer_id = c.id "
            "JOIN tag t ON t.id = ct.tag_id WHERE t.name = 'Khiếu nại' AND c.gender = 'female'")).scalar()
    assert overlap == women(page)
    after = count(page, "Khiếu nại")
    assert after > before and "Khách nữ" not in page.bulk_result.text()
    page.ops.setCurrentRow(0)
    page.undo_selected()
    qtbot.waitUntil(lambda: count(page, "Khiếu nại") == before, timeout=10000)
    qtbot.waitUntil(lambda: page.ops.count() and "(" in page.ops.item(0).text(), timeout=10000)


def test_show_customers_navigates_with_tag_filter(qtbot, window, page):
    page.select_tag("VIP")
    page.show_customers()
    qtbot.waitUntil(lambda: "customers" in window.pages, timeout=10000)
    cp = window.pages["customers"]
    qtbot.waitUntil(lambda: cp.model.query.tag_id == tag(page, "VIP")["id"] and cp.model.count == count(page, "VIP"),
                    timeout=15000)


def group_of(page, tag_name):
    with page.ctx.db.connect() as conn:
        t = tag_core.find_tag(conn, tag_name)
        g = None if t["group_id"] is None else tag_core.find_group(conn, t["group_id"])
        return None if g is None else g["name"]


def group_names(page):
    with page.ctx.db.connect() as conn:
        return [g["name"] for g in tag_core.list_groups(conn)]


def answers(monkeypatch, cls, method, values):
    """Make a static QInputDialog/QMessageBox method return ``values`` in turn (and record its arguments)."""
    seen = []
    it = iter(values)
    monkeypatch.setattr(cls, method, staticmethod(lambda *a, **k: (seen.append(a), next(it))[1]))
    return seen


def test_tag_groups_create_rename_delete(qtbot, page, monkeypatch):
    dialog = page.manage_groups()
    qtbot.addWidget(dialog)
    assert dialog.list.topLevelItemCount() == len(group_names(page)) > 0
    assert not dialog.rename_button.isEnabled() and not dialog.delete_button.isEnabled()

    answers(monkeypatch, QInputDialog, "getText", [("  Mùa   vụ ", True)])
    dialog.new_group()
    qtbot.waitUntil(lambda: dialog.select_group("Mùa vụ"), timeout=10000)
    assert "Mùa vụ" in group_names(page) and dialog.rename_button.isEnabled()

    # a duplicate (other case/accents) is refused before anything is written, and asked again
    warned = answers(monkeypatch, QMessageBox, "warning", [QMessageBox.StandardButton.Ok])
    asked = answers(monkeypatch, QInputDialog, "getText", [("MUA VU", True), ("", False)])
    dialog.new_group()
    assert len(asked) == 2 and "already exists" in warned[0][2] and "Mùa vụ" in warned[0][2]
    assert sorted(group_names(page)).count("Mùa vụ") == 1 and "MUA VU" not in group_names(page)

    # rename; renaming onto another group's name is refused
    before = group_names(page)
    answers(monkeypatch, QMessageBox, "warning", [QMessageBox.StandardButton.Ok])
    answers(monkeypatch, QInputDialog, "getText", [("kênh liên hệ", True), ("", False)])
    dialog.select_group("Mùa vụ")
    dialog.rename_group()
    assert group_names(page) == before
    answers(monkeypatch, QInputDialog, "getText", [("Dịp lễ", True)])
    dialog.select_group("Mùa vụ")
    dialog.rename_group()
    qtbot.waitUntil(lambda: dialog.select_group("Dịp lễ"), timeout=10000)
    assert "Mùa vụ" not in group_names(page) and "Dịp lễ" in group_names(page)

    # delete a group with tags: the confirmation says the tags are kept; they end up ungrouped
    members = [t["name"] for t in page.data["tags"] if t["group"] == "Loại khách"]
    assert len(members) >= 2
    customers_before = count(page, members[0])
    confirm = answers(monkeypatch, QMessageBox, "question", [QMessageBox.StandardButton.Cancel])
    assert dialog.select_group("Loại khách")
    dialog.delete_group()
    assert "Loại khách" in group_names(page)  # cancelled: nothing happened
    assert f"Its {len(members)} tag(s) are kept, without a group" in confirm[0][2]
    answers(monkeypatch, QMessageBox, "question", [QMessageBox.StandardButton.Yes])
    dialog.delete_group()
    qtbot.waitUntil(lambda: not dialog.select_group("Loại khách"), timeout=10000)
    assert "Loại khách" not in group_names(page)
    assert all(tag(page, name) is not None and group_of(page, name) is None for name in members)
    assert count(page, members[0]) == customers_before
    qtbot.waitUntil(lambda: all(t["group"] is None for t in page.data["tags"] if t["name"] in members),
                    timeout=10000)
    row = next(i for i in range(page.table.rowCount()) if page.table.item(i, 0).text() == members[0])
    assert page.table.item(row, 1).text() == ""


def test_move_tag_into_and_out_of_a_group(qtbot, page, monkeypatch):
    assert group_of(page, "VIP") == "Loại khách"
    assert not page.move_button.isEnabled()
    page.select_tag("VIP")
    assert page.move_button.isEnabled()
    seen = answers(monkeypatch, QInputDialog, "getItem", [("Kênh liên hệ", True)])
    page.move_to_group()
    items = seen[0][3]
    assert items[0] == page.tr("(no group)") and "Kênh liên hệ" in items
    assert seen[0][4] == items.index("Loại khách")  # the current group is preselected
    qtbot.waitUntil(lambda: group_of(page, "VIP") == "Kênh liên hệ", timeout=10000)
    qtbot.waitUntil(lambda: page.select_tag("VIP") and page.current_tag()["group"] == "Kênh liên hệ", timeout=10000)

    # a new name creates the group
    answers(monkeypatch, QInputDialog, "getItem", [("  Khách   đặc biệt ", True)])
    page.move_to_group()
    qtbot.waitUntil(lambda: group_of(page, "VIP") == "Khách đặc biệt", timeout=10000)
    qtbot.waitUntil(lambda: page.select_tag("VIP") and page.current_tag()["group"] == "Khách đặc biệt",
                    timeout=10000)

    # cancelling changes nothing
    answers(monkeypatch, QInputDialog, "getItem", [("Chăm sóc", False)])
    page.move_to_group()
    assert group_of(page, "VIP") == "Khách đặc biệt"

    # out of any group
    answers(monkeypatch, QInputDialog, "getItem", [(page.tr("(no group)"), True)])
    page.move_to_group()
    qtbot.waitUntil(lambda: group_of(page, "VIP") is None, timeout=10000)
    assert tag(page, "VIP") is not None and count(page, "VIP") > 0
