"""Campaigns page with real widgets (offscreen) on a small hand-made database."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import insert

from loyalty_desktop.campaigns.recipients import fold
from loyalty_desktop.campaigns.writers import read_back
from loyalty_desktop.models import Customer, CustomerTag, Tag
from loyalty_desktop.settings import set_setting
from loyalty_desktop.stats import ensure_stats_rows

C, T, CT = Customer.__table__, Tag.__table__, CustomerTag.__table__

PEOPLE = [
    ("Nguyễn Thị Thu Hà", "female", ["VIP"], False, False),
    ("Trần Văn An", "male", ["VIP", "Mới"], False, False),
    ("Lê Hoa", "female", ["VIP"], True, False),  # opted out
    ("Phạm Bình", "male", ["VIP"], False, True),  # fixed line
    ("Đỗ Nhân Viên", "unknown", ["VIP", "Nhân viên"], False, False),
    ("Võ Thị Mai", "female", ["Mới"], False, False),
]


@pytest.fixture
def shop_db(db):
    with db.begin() as conn:
        set_setting(conn, "shop_name", "Mộc Spa")
        set_setting(conn, "frequency_cap_days", 0)
        tags = {}
        ids = []
        for i, (name, gender, tag_names, opt_out, fixed) in enumerate(PEOPLE, 1):
            cid = conn.execute(insert(C).values(full_name=name, name_folded=fold(name), phone=f"+8491000000{i}",
                                                gender=gender, sms_opt_out=opt_out,
                                                phone_type="fixed" if fixed else "mobile", points=i * 100)
                               ).inserted_primary_key[0]
            ids.append(cid)
            for t in tag_names:
                if t not in tags:
                    tags[t] = conn.execute(insert(T).values(name=t, name_folded=fold(t))).inserted_primary_key[0]
                conn.execute(insert(CT).values(customer_id=cid, tag_id=tags[t]))
        ensure_stats_rows(conn, ids)
    return db


@pytest.fixture
def ctx(qapp, shop_db):
    from loyalty_desktop.ui.context import AppContext

    context = AppContext(shop_db)
    yield context
    context.tasks.shutdown()


@pytest.fixture
def page(qtbot, ctx, monkeypatch):
    from loyalty_desktop.ui.pages.campaigns import CampaignsPage

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a) or QMessageBox.StandardButton.Ok)
    widget = CampaignsPage(ctx)
    widget.dialogs = shown
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.waitUntil(lambda: widget.include_list.count() > 0 and widget._choices_loaded, timeout=5000)
    yield widget
    ctx.tasks.shutdown()


def check(page, lst, name, on=True):
    for i in range(lst.count()):
        item = lst.item(i)
        if item.data(Qt.ItemDataRole.UserRole + 1) == name:
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            return
    raise AssertionError(f"{name} not in the list")


def preview_messages(page):
    t = page.preview_table
    return [t.item(i, 2).text() for i in range(t.rowCount())]


def test_choose_tags_counts_and_exclusions(qtbot, page):
    page.control_spin.setValue(0)
    page.ads_check.setChecked(False)
    check(page, page.include_list, "VIP")
    check(page, page.include_list, "Mới")
    check(page, page.exclude_list, "Nhân viên")
    qtbot.waitUntil(lambda: page.count_label.text() == "3", timeout=5000)
    labels = {k: v.text() for k, v in page.exclusion_labels.items()}
    assert labels == {"excluded_opt_out": "1", "excluded_not_mobile": "1", "excluded_recent": "0",
                      "excluded_ads_cap": "0", "excluded_manual": "1", "duplicates": "1"}
    assert page.exclusion_buttons["excluded_opt_out"].isEnabled()
    assert not page.exclusion_buttons["excluded_recent"].isEnabled()
    page.template_edit.setPlainText("Chào {xung_ho} {ten}")
    assert preview_messages(page) == ["Chào chị Hà", "Chào anh An", "Chào chị Mai"]
    qtbot.waitUntil(lambda: page.length is not None and page.length["messages"] == 3, timeout=5000)
    assert "UCS-2" in page.length_label.text()
    page.accents_check.setChecked(True)
    assert preview_messages(page) == ["Chao chi Ha", "Chao anh An", "Chao chi Mai"]
    qtbot.waitUntil(lambda: page.length["encoding"] == "GSM-7", timeout=5000)
    assert "GSM-7" in page.length_label.text()


def test_placeholder_button_and_template_error(qtbot, page):
    check(page, page.include_list, "VIP")
    qtbot.waitUntil(lambda: bool(page.rows), timeout=5000)
    page.template_edit.setPlainText("Chào ")
    page.template_edit.moveCursor(page.template_edit.textCursor().MoveOperation.End)
    qtbot.mouseClick(page.placeholder_buttons["ten"], Qt.MouseButton.LeftButton)
    assert page.template_edit.toPlainText() == "Chào {ten}"
    page.template_edit.setPlainText("Chào {ten_kh}")
    assert "{ten_kh}" in page.error_label.text() and page.error_label.isVisibleTo(page)
    page.template_edit.setPlainText("Chào {ten}")
    assert page.error_label.text() == ""


def test_decree_warnings_shown(qtbot, page):
    check(page, page.include_list, "VIP")
    page.ads_check.setChecked(True)
    page.label_check.setChecked(False)
    page.template_edit.setPlainText("Sale 50%")
    assert "QC" in page.warning_label.text()
    page.label_check.setChecked(True)
    assert "QC" not in page.warning_label.text().split("\n")[0] or "07:00" in page.warning_label.text()
    assert page.final_template().startswith("QC Sale 50%")


def test_export_reads_back_equal_to_preview_and_history(qtbot, page, tmp_path):
    from loyalty_desktop.campaigns.writers import PRESETS

    page.control_spin.setValue(0)
    page.ads_check.setChecked(False)
    check(page, page.include_list, "VIP")
    qtbot.waitUntil(lambda: page.count_label.text() == "3", timeout=5000)
    page.template_edit.setPlainText("{Xung_ho} {ten} ơi, {cua_hang} tặng {diem} điểm")
    page.preset_combo.setCurrentIndex(list(PRESETS).index("phone_message"))
    page.format_combo.setCurrentIndex(page.format_combo.findData("0"))
    expected = preview_messages(page)
    assert expected[0] == "Chị Hà ơi, Mộc Spa tặng 100 điểm"
    out = tmp_path / "list.xlsx"
    page.export_to(str(out))
    qtbot.waitUntil(lambda: page.last_export is not None, timeout=10000)
    rows = read_back(out)
    assert [r[1] for r in rows[1:]] == expected
    assert rows[1][0] == "0910000001"
    assert "campaign #1" in page.export_status.text()
    page.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: page.history_table.rowCount() == 1 and page.results is not None, timeout=5000)
    assert page.results["results"]["recipients"]["size"] == 3
    assert page._canvas is not None
    out2 = tmp_path / "again.csv"
    page.reexport_to(page.selected_campaign(), str(out2))
    qtbot.waitUntil(lambda: out2.exists() and "again.csv" in page.reexport_label.text(), timeout=5000)
    page.results = None
    page.refresh_results()  # a results refresh (as after new sales) keeps the re-export note
    qtbot.waitUntil(lambda: page.results is not None, timeout=5000)
    assert "again.csv" in page.reexport_label.text() and not page.reexport_label.isHidden()
    assert read_back(out2)[1:] == rows[1:]


def test_activate_with_segment_preselects_it(qtbot, page, ctx):
    from loyalty_desktop.segments.store import save_segment

    with ctx.db.begin() as conn:
        save_segment(conn, "Khách nữ", {"field": "gender", "op": "eq", "value": "female"})
    ctx.notify_changed("segments")
    page.activate({"segment": "Khách nữ"})
    qtbot.waitUntil(lambda: ("segment", "Khách nữ") in page.checked(page.include_list), timeout=5000)
    assert page.checked(page.include_list) == [("segment", "Khách nữ")]
    page.control_spin.setValue(0)
    qtbot.waitUntil(lambda: page.count_label.text() == "2", timeout=5000)  # Hà, Mai (Hoa opted out)


def test_no_sources_disables_export(qtbot, page):
    qtbot.wait(DEBOUNCE_WAIT)
    assert page.count_label.text() == "—"
    assert not page.export_button.isEnabled()


DEBOUNCE_WAIT = 500


def test_excluded_customers_are_listable(qtbot, page, monkeypatch):
    from loyalty_desktop.ui.pages import campaigns

    opened = []
    monkeypatch.setattr(campaigns.CustomerListDialog, "exec", lambda self: opened.append(self) or 0)
    check(page, page.include_list, "VIP")
    qtbot.waitUntil(lambda: page.exclusion_buttons["excluded_opt_out"].isEnabled(), timeout=5000)
    qtbot.mouseClick(page.exclusion_buttons["excluded_not_mobile"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(opened), timeout=5000)
    table = opened[0].table
    assert table.rowCount() == 1 and table.item(0, 0).text() == "Phạm Bình"


def test_delivery_report_and_days_in_results(qtbot, page, tmp_path):
    page.control_spin.setValue(0)
    page.ads_check.setChecked(False)
    check(page, page.include_list, "VIP")
    qtbot.waitUntil(lambda: page.count_label.text() == "3", timeout=5000)
    page.export_to(str(tmp_path / "l.csv"))
    qtbot.waitUntil(lambda: page.last_export is not None, timeout=10000)
    page.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: page.results is not None, timeout=5000)
    report = tmp_path / "dlr.csv"
    report.write_text("SĐT,Trạng thái\n0910000001,Thành công\n0910000002,Thất bại\n", encoding="utf-8")
    page.import_delivery(page.selected_campaign(), str(report))
    qtbot.waitUntil(lambda: "1" in page.delivery_label.text() and page.results["results"]["delivered"] == 1,
                    timeout=5000)
    page.days_spin.setValue(30)
    qtbot.waitUntil(lambda: page.results["results"]["days"] == 30, timeout=5000)
