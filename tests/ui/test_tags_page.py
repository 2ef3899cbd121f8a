"""Tags page on the real main window: CRUD, colour, group, merge, delete, bulk apply to a segment and undo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog, QInputDialog, QMessageBox

from loyalty_desktop import tags as tag_core


@pytest.fixture
def window(qtbot, qapp, db, tmp_path):
    from loyalty_desktop.demo import generate_demo
    from loyalty_desktop.segments.store import save_segment
    from loyalty_desktop.ui.context import AppContext
    from loyalty_desktop.ui.main_window import MainWindow

    generate_demo(db, 400, 2000, seed=4)
    with db.begin() as conn:
        save_segment(conn, "Khách nữ", {"field": "gender", "op": "eq", "value": "female"})
    ctx = AppContext(db)
    ctx.settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    yield win
    ctx.tasks.shutdown()


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
