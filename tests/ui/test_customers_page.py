"""Customers page on the real main window (offscreen, real SQLite file with generated data)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QInputDialog, QLabel, QMessageBox
from sqlalchemy import func, select

from loyalty_desktop import customers as cu
from loyalty_desktop import tags as tag_core
from loyalty_desktop.models import Customer, CustomerTag

N = 600


@pytest.fixture
def demo_db(demo_data):
    return demo_data(N, 3000, seed=11)


@pytest.fixture
def window(main_window, demo_db):
    return main_window(demo_db)


@pytest.fixture
def page(qtbot, window):
    window.navigate("customers")
    qtbot.waitUntil(lambda: "customers" in window.pages, timeout=10000)
    p = window.pages["customers"]
    wait_loaded(qtbot, p)
    return p


def wait_loaded(qtbot, page, count=None):
    qtbot.waitUntil(lambda: page.model.count is not None and (count is None or page.model.count == count)
                    and page.model.row_data(0) is not None or page.model.count == 0, timeout=15000)
    qtbot.waitUntil(lambda: not page.ctx.tasks.is_running("customers-pages"), timeout=15000)


def type_text(qtbot, edit, text):
    """Type like a user (QTest cannot synthesise non-ASCII keys: those are inserted one by one)."""
    for ch in text:
        if ch.isascii():
            qtbot.keyClick(edit, ch)
        else:
            edit.insert(ch)


def core_count(page, **kw):
    with page.ctx.db.connect() as conn:
        return cu.count_customers(conn, cu.CustomerQuery(**kw))


def shown_rows(page, limit=50):
    return [page.model.row_data(r) for r in range(min(limit, page.model.rowCount()))]


def test_list_shows_count_and_formatted_rows(page):
    assert page.model.count == N
    assert page.model.rowCount() == N
    row = page.model.row_data(0)
    assert row["phone"].startswith("0") and row["phone"].count(" ") == 2
    assert row["total_spent"].endswith("₫")
    col = page.model.columns.index("total_spent")
    assert page.model.data(page.model.index(0, col)) == row["total_spent"]
    assert page.model.rowCount() == N and page.count_label.text()


@pytest.mark.parametrize("text", ["nguyen van", "Nguyễn Văn", "NGUYEN"])
def test_search_accent_insensitive(qtbot, page, text):
    type_text(qtbot, page.search, text)
    expected = core_count(page, search=text)
    assert 0 < expected < N
    wait_loaded(qtbot, page, expected)
    for r in shown_rows(page):
        assert "nguyen" in cu._fold(r["name"])


def test_search_phone_fragment_and_stale_queries(qtbot, page):
    target = page.model.row_data(3)
    digits = target["phone"].replace(" ", "")
    # type quickly: intermediate queries are superseded; only the last one is shown
    qtbot.keyClicks(page.search, digits[1:4] + " " + digits[4:7])
    expected = core_count(page, search=digits[1:7])
    wait_loaded(qtbot, page, expected)
    assert page.model.query.search == digits[1:4] + " " + digits[4:7]
    assert target["id"] in [r["id"] for r in shown_rows(page, 500)]
    page.search.clear()
    wait_loaded(qtbot, page, N)


def test_sort_by_header_click_in_sql(qtbot, page):
    col = page.model.columns.index("total_spent")
    header = page.table.horizontalHeader()
    header.sectionClicked.emit(col)  # same path as a click (sortIndicatorChanged → model.sort)
    page.table.sortByColumn(col, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: page.model.query.sort == "total_spent" and page.model.query.descending, timeout=5000)
    wait_loaded(qtbot, page)
    with page.ctx.db.connect() as conn:
        best = cu.fetch_page(conn, cu.CustomerQuery(sort="total_spent", descending=True), limit=1).rows[0]
    assert page.model.row_data(0)["id"] == best["id"]


def test_scroll_to_end_loads_last_rows(qtbot, page):
    page.table.scrollToBottom()
    qtbot.waitUntil(lambda: page.model.row_data(N - 1) is not None, timeout=10000)
    with page.ctx.db.connect() as conn:
        last = cu.fetch_page(conn, cu.CustomerQuery(), offset=N - 1, limit=1).rows[0]
    assert page.model.row_data(N - 1)["id"] == last["id"]


def test_quick_filters(qtbot, page):
    page.gender.setCurrentIndex(page.gender.findData("female"))
    wait_loaded(qtbot, page, core_count(page, gender="female"))
    page.purchases.setCurrentIndex(page.purchases.findData(True))
    wait_loaded(qtbot, page, core_count(page, gender="female", has_purchases=True))
    qtbot.waitUntil(lambda: page.tag.count() > 1, timeout=5000)
    page.clear_filters()
    wait_loaded(qtbot, page, N)


def n_tag(page, name):
    with page.ctx.db.connect() as conn:
        t = tag_core.find_tag(conn, name)
        return 0 if t is None else tag_core.tag_count(conn, t["id"])


def test_select_rows_tag_and_undo(qtbot, page, monkeypatch):
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(lambda *a, **k: ("Khách Tết", True)))
    page.table.selectRow(0)
    for r in (1, 2, 3, 4):
        page.table.selectionModel().select(page.model.index(r, 0), page.table.selectionModel().SelectionFlag.Select
                                           | page.table.selectionModel().SelectionFlag.Rows)
    assert page.table.selected_row_count() == 5
    assert page.tag_button.isEnabled()
    page.tag_button.click()
    qtbot.waitUntil(lambda: n_tag(page, "Khách Tết") == 5, timeout=10000)
    qtbot.waitUntil(lambda: page.undo_button.isVisible(), timeout=5000)
    page.undo_button.click()
    qtbot.waitUntil(lambda: n_tag(page, "Khách Tết") == 0, timeout=10000)


def test_select_all_matching_and_delete_with_confirmation(qtbot, page, monkeypatch):
    page.gender.setCurrentIndex(page.gender.findData("male"))
    men = core_count(page, gender="male")
    wait_loaded(qtbot, page, men)
    page.table.selectRow(0)
    assert page.select_all_button.isVisible()
    page.select_all_button.click()
    assert page.all_matching
    asked = []

    def warning(parent, title, text, *a, **k):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "warning", staticmethod(warning))
    page.delete_selection()
    assert asked and f"{men:,}".replace(",", ".") in asked[0]
    qtbot.waitUntil(lambda: core_count(page) == N - men, timeout=15000)
    wait_loaded(qtbot, page, 0)


def test_bulk_tag_unloaded_shift_selection(qtbot, page, monkeypatch):
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(lambda *a, **k: ("Dải", True)))
    sm = page.table.selectionModel()
    from PySide6.QtCore import QItemSelection

    sel = QItemSelection(page.model.index(10, 0), page.model.index(N - 1, 0))
    sm.select(sel, sm.SelectionFlag.ClearAndSelect | sm.SelectionFlag.Rows)
    page.tag_button.click()
    qtbot.waitUntil(lambda: n_tag(page, "Dải") == N - 10, timeout=15000)


def test_export_selection_to_excel(qtbot, page, tmp_path):
    from openpyxl import load_workbook

    page.table.selectRow(0)
    path = tmp_path / "kh.xlsx"
    page.selection(lambda sel: page.export_to(sel, str(path)))
    qtbot.waitUntil(lambda: path.exists() and not page.ctx.tasks.is_running("customers-export"), timeout=15000)
    ws = load_workbook(path, read_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == page.model.row_data(0)["name"]


def test_columns_chooser_and_order_are_remembered(qtbot, window, page):
    from loyalty_desktop.ui.widgets.customer_table import CustomerTableModel, CustomerTableView

    cols = page.model.columns
    page.table.setColumnHidden(cols.index("tier"), True)
    page.table.horizontalHeader().moveSection(page.table.horizontalHeader().visualIndex(cols.index("phone")), 0)
    page.table._save_header()
    model2 = CustomerTableModel(window.ctx)
    view2 = CustomerTableView(window.ctx, model2, "customers/header")
    assert view2.isColumnHidden(cols.index("tier"))
    assert view2.horizontalHeader().logicalIndex(0) == cols.index("phone")
    view2.reset_columns()
    assert not view2.isColumnHidden(cols.index("tier"))


def test_card_edit_validation_and_save(qtbot, page):
    cid = page.model.row_data(0)["id"]
    dialog = page.open_customer(cid)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.card is not None, timeout=10000)
    assert dialog.name_edit.text() == page.model.row_data(0)["name"]
    # every demo tag is in a group: each chip names its group in the tooltip
    chips = {w.text(): w.toolTip() for i in range(dialog.tags_row.count())
             if isinstance(w := dialog.tags_row.itemAt(i).widget(), QLabel)}
    expected = {t["name"]: t["group"] for t in dialog.card["tags"]}
    assert set(chips) == set(expected) and expected
    for name, group in expected.items():
        assert group and chips[name] == dialog.tr("Group: {0}").format(group)
    dialog.phone_edit.setText("0912")
    dialog.email_edit.setText("not-an-email")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.errors["phone"].isVisible(), timeout=10000)
    assert dialog.errors["email"].isVisible() and not dialog.errors["full_name"].isVisible()
    dialog.phone_edit.setText("0977 123 456")
    dialog.email_edit.setText("khach@example.vn")
    dialog.birth_edit.setText("15/08/1990")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.message.text() == dialog.tr("Saved."), timeout=10000)
    with page.ctx.db.connect() as conn:
        card = cu.get_customer(conn, cid)
    assert card["phone"] == "+84977123456" and card["email"] == "khach@example.vn"
    assert card["birth_date"].isoformat() == "1990-08-15"
    dialog.close()


def test_card_phone_conflict_offers_merge(qtbot, page, monkeypatch):
    a, b = page.model.row_data(0), page.model.row_data(1)
    dialog = page.open_customer(a["id"])
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.card is not None, timeout=10000)
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a_, **k: QMessageBox.StandardButton.Yes))
    opened = []
    monkeypatch.setattr(type(dialog), "open_merge", lambda self, other: opened.append(other))
    dialog.phone_edit.setText(b["phone"])
    dialog.save()
    qtbot.waitUntil(lambda: opened == [b["id"]], timeout=10000)
    assert dialog.errors["phone"].isVisible()
    dialog.close()


def test_merge_dialog(qtbot, page):
    from loyalty_desktop.ui.widgets.customer_card import MergeDialog

    a, b = page.model.row_data(0), page.model.row_data(1)
    with page.ctx.db.connect() as conn:
        orders = cu.get_customer(conn, a["id"])["order_count"] + cu.get_customer(conn, b["id"])["order_count"]
    dialog = MergeDialog(page.ctx, a["id"], b["id"], page)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.ok.isEnabled(), timeout=10000)
    dialog.groups["phone"].button(1).setChecked(True)
    dialog.merge()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=10000)
    with page.ctx.db.connect() as conn:
        card = cu.get_customer(conn, a["id"])
        assert conn.execute(select(func.count()).select_from(Customer.__table__)).scalar() == N - 1
    assert card["order_count"] == orders
    assert card["phone"].replace("+84", "0") == b["phone"].replace(" ", "")
    wait_loaded(qtbot, page, N - 1)


def test_add_customer_and_record_purchase(qtbot, page):
    dialog = page.add_customer()
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("  trần   văn   mới ")
    dialog.phone_edit.setText("")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.errors["phone"].isVisible(), timeout=10000)
    dialog.phone_edit.setText("+84 966 000 111")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.customer_id is not None and dialog.card is not None, timeout=10000)
    assert dialog.card["full_name"] == "Trần Văn Mới"
    dialog._record({"amount": 1_500_000, "when": None, "category": "Mỹ phẩm", "channel": None})
    qtbot.waitUntil(lambda: dialog.card.get("order_count") == 1, timeout=10000)
    assert dialog.stat_labels["spent"].text() == "1.500.000 ₫"
    assert dialog.purchase_table.rowCount() == 1
    wait_loaded(qtbot, page, N + 1)
    dialog.close()


def test_new_customer_with_a_used_phone_is_refused(qtbot, page, monkeypatch):
    other = page.model.row_data(2)
    asked = []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: asked.append(a) or
                                                              QMessageBox.StandardButton.Yes))
    dialog = page.add_customer()
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("Khách Trùng Số")
    dialog.phone_edit.setText(other["phone"].replace(" ", ""))
    dialog.save()
    qtbot.waitUntil(lambda: dialog.errors["phone"].isVisible(), timeout=10000)
    assert other["name"] in dialog.errors["phone"].text()
    assert dialog.message.text() == dialog.tr("A customer with this phone number already exists.")
    assert dialog.customer_id is None and not asked  # a new customer is refused, not offered a merge
    assert core_count(page) == N
    with page.ctx.db.connect() as conn:
        assert cu.count_customers(conn, cu.CustomerQuery(search="Khách Trùng Số")) == 0
    dialog.close()


def test_card_declined_merge_keeps_the_old_phone(qtbot, page, monkeypatch):
    a, b = page.model.row_data(0), page.model.row_data(1)
    dialog = page.open_customer(a["id"])
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.card is not None, timeout=10000)
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a_, **k: QMessageBox.StandardButton.No))
    opened = []
    monkeypatch.setattr(type(dialog), "open_merge", lambda self, other: opened.append(other))
    dialog.phone_edit.setText(b["phone"])
    dialog.save()
    qtbot.waitUntil(lambda: dialog.errors["phone"].isVisible() and dialog.buttons.isEnabled(), timeout=10000)
    assert opened == []
    with page.ctx.db.connect() as conn:
        assert cu.get_customer(conn, a["id"])["phone"].replace("+84", "0") == a["phone"].replace(" ", "")
    dialog.close()


def test_purchase_dialog_validates_and_records(qtbot, page):
    cid = page.model.row_data(0)["id"]
    with page.ctx.db.connect() as conn:
        before = cu.get_customer(conn, cid)
    card = page.open_customer(cid)
    qtbot.addWidget(card)
    qtbot.waitUntil(lambda: card.card is not None, timeout=10000)
    dialog = card.record_purchase()
    qtbot.addWidget(dialog)
    assert before["full_name"] in dialog.customer_label.text()
    for bad in ("", "abc", "0", "-5", "1,5x"):
        dialog.amount.setText(bad)
        dialog._check()
        assert dialog.error.isVisible() and dialog.result() != QDialog.DialogCode.Accepted, bad
    dialog.amount.setText("1,5tr")
    assert dialog.amount_preview.text() == "= 1.500.000 ₫" and not dialog.error.isVisible()
    dialog.category.setText("Mỹ phẩm")
    dialog._check()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.result_values()["amount"] == 1_500_000
    qtbot.waitUntil(lambda: card.card.get("order_count") == (before["order_count"] or 0) + 1, timeout=10000)
    assert card.card["total_spent"] == (before["total_spent"] or 0) + 1_500_000
    assert card.stat_labels["spent"].text() == f"{card.card['total_spent']:,}".replace(",", ".") + " ₫"
    assert card.purchase_table.item(0, 2).text() == "1.500.000 ₫"
    card.close()


def test_merge_dialog_shows_values_as_users_read_them(qtbot, page):
    from loyalty_desktop.ui.widgets.customer_card import MergeDialog

    a, b = page.model.row_data(0), page.model.row_data(1)
    with page.ctx.db.begin() as conn:  # a: no address; b: a long one and a birth date
        cu.update_customer(conn, a["id"], {"address": "", "gender": "female"})
        long_address = "Số 294 đường Ngô Quyền, Phường An Hòa, Quận Ninh Kiều, Thành phố Cần Thơ"
        cu.update_customer(conn, b["id"], {"address": long_address, "birth_date": "05/03/1990", "gender": "male"})
        ca, cb = cu.get_customer(conn, a["id"]), cu.get_customer(conn, b["id"])
    dialog = MergeDialog(page.ctx, a["id"], b["id"], page)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.ok.isEnabled(), timeout=10000)
    texts = {f: (g.button(0).text(), g.button(1).text()) for f, g in dialog.groups.items()}
    assert texts["phone"] == (a["phone"], b["phone"])  # 0912 345 678, not +84…
    assert texts["gender"] == (dialog.tr("Female"), dialog.tr("Male"))
    assert texts["birth_date"][1] == "05/03/1990"
    assert texts["address"][0] == "—" and texts["address"][1].endswith("…")  # long values are elided…
    assert dialog.groups["address"].button(1).toolTip().endswith("Thành phố Cần Thơ")  # …in full in the tooltip
    assert dialog.groups["address"].checkedId() == 1  # an empty value is filled from the other customer
    assert dialog.groups["full_name"].checkedId() == 0
    orders = (ca["order_count"] or 0) + (cb["order_count"] or 0)
    assert f"{orders} orders" in dialog.result_label.text() and a["name"] in dialog.result_label.text()
    dialog.groups["full_name"].button(1).setChecked(True)
    assert b["name"] in dialog.result_label.text()
    dialog.merge()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=10000)
    with page.ctx.db.connect() as conn:
        merged = cu.get_customer(conn, a["id"])
    assert merged["full_name"] == b["name"] and merged["address"].endswith("Thành phố Cần Thơ")
    assert merged["order_count"] == orders


def test_card_phone_conflict_merge_end_to_end(qtbot, page, monkeypatch):
    """Typing another customer's phone on the card, accepting the offered merge, merging in the real dialog."""
    from loyalty_desktop.ui.widgets.customer_card import MergeDialog

    a, b = page.model.row_data(0), page.model.row_data(1)
    with page.ctx.db.connect() as conn:
        orders = cu.get_customer(conn, a["id"])["order_count"] + cu.get_customer(conn, b["id"])["order_count"]
    card = page.open_customer(a["id"])
    qtbot.addWidget(card)
    qtbot.waitUntil(lambda: card.card is not None, timeout=10000)
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a_, **k: QMessageBox.StandardButton.Yes))
    card.phone_edit.setText(b["phone"].replace(" ", "."))  # 0912.345.678: normalised like the import
    card.save()
    qtbot.waitUntil(lambda: bool(card.findChildren(MergeDialog)), timeout=10000)
    merge = card.findChildren(MergeDialog)[0]
    qtbot.waitUntil(lambda: merge.ok.isEnabled(), timeout=10000)
    assert (merge.keep_id, merge.other_id) == (a["id"], b["id"])
    merge.groups["phone"].button(1).setChecked(True)
    merge.ok.click()
    qtbot.waitUntil(lambda: merge.result() == QDialog.DialogCode.Accepted, timeout=10000)
    qtbot.waitUntil(lambda: card.card is not None and card.card["order_count"] == orders, timeout=10000)
    assert card.phone_edit.text() == b["phone"] and card.customer_id == a["id"]
    with page.ctx.db.connect() as conn:
        assert core_count(page) == N - 1
        assert cu.get_customer(conn, a["id"])["phone"] == "+84" + b["phone"].replace(" ", "")[1:]
    wait_loaded(qtbot, page, N - 1)
    card.close()
