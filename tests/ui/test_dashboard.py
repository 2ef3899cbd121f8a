"""DashboardPage and SegmentAnalyticsWidget on a small generated database (pytest-qt, offscreen)."""

from __future__ import annotations

import pytest
from test_analytics import make_data

pytestmark = pytest.mark.filterwarnings("error::UserWarning")


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("LOYALTY_ANALYTICS_CACHE", str(tmp_path / "cache"))


@pytest.fixture
def ctx(qtbot, db):
    from loyalty_desktop.ui.context import AppContext

    context = AppContext(db)
    yield context
    context.tasks.shutdown()


@pytest.fixture
def filled(db):
    customers, purchases = make_data(db, 120, 1500)
    return customers, purchases


def _page(qtbot, ctx):
    from loyalty_desktop.ui.pages.dashboard import DashboardPage

    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    page.resize(1156, 700)
    page.show()
    page.activate({})
    return page


def test_dashboard_shows_numbers_then_every_chart(qtbot, ctx, filled):
    customers, _purchases = filled
    page = _page(qtbot, ctx)
    qtbot.waitUntil(lambda: page.cards["customers"].value.text() != "…", timeout=20000)
    assert page.cards["customers"].value.text() == str(len(customers))
    qtbot.waitUntil(page.is_complete, timeout=30000)
    qtbot.waitUntil(lambda: ctx.tasks.running_count == 0, timeout=10000)
    for key, card in page.charts.items():
        assert card.is_showing_chart() or "No data" in card.message.text(), key
    assert page.charts["rfm"].is_showing_chart()
    assert page.charts["age_gender"].is_showing_chart()
    assert page.charts["provinces"].is_showing_chart()
    assert page.cards["opted_out"].value.text().endswith("%")


def test_period_change_reloads_only_period_figures(qtbot, ctx, filled):
    page = _page(qtbot, ctx)
    qtbot.waitUntil(page.is_complete, timeout=30000)
    rfm_before = page.data["rfm"]
    page.period.set_key("this_month")
    assert "categories" not in page.data and page.data["rfm"] is rfm_before
    qtbot.waitUntil(page.is_complete, timeout=30000)
    page.period.set_key("custom")
    assert page.period.date_from.isVisible()
    qtbot.waitUntil(page.is_complete, timeout=30000)


def test_save_chart_png_and_export(qtbot, ctx, filled, tmp_path):
    page = _page(qtbot, ctx)
    qtbot.waitUntil(page.is_complete, timeout=30000)
    qtbot.waitUntil(lambda: ctx.tasks.running_count == 0, timeout=10000)
    png = page.charts["monthly"].save_png(str(tmp_path / "monthly.png"))
    assert (tmp_path / "monthly.png").read_bytes()[:4] == b"\x89PNG"
    assert png.endswith("monthly.png")
    page.export("pdf", str(tmp_path / "d.pdf"))
    qtbot.waitUntil(lambda: (tmp_path / "d.pdf").exists() and not ctx.tasks.is_running("dashboard:export"),
                    timeout=30000)
    assert (tmp_path / "d.pdf").read_bytes()[:4] == b"%PDF"
    page.export("xlsx", str(tmp_path / "d.xlsx"))
    qtbot.waitUntil(lambda: (tmp_path / "d.xlsx").exists() and not ctx.tasks.is_running("dashboard:export"),
                    timeout=30000)
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "d.xlsx", read_only=True)
    assert "RFM" in wb.sheetnames and len(wb.sheetnames) >= 8


def test_empty_database_shows_friendly_states(qtbot, ctx):
    page = _page(qtbot, ctx)
    qtbot.waitUntil(page.is_complete, timeout=30000)
    assert page.cards["customers"].value.text() == "0"
    for key, card in page.charts.items():
        assert not card.is_showing_chart(), key
        assert "No data" in card.message.text() or "Chưa có" in card.message.text()
        assert not card.save_button.isEnabled()


def test_refresh_after_data_change(qtbot, ctx, filled, db):
    page = _page(qtbot, ctx)
    qtbot.waitUntil(page.is_complete, timeout=30000)
    from datetime import datetime

    from sqlalchemy import insert

    from loyalty_desktop import stats
    from loyalty_desktop.models import Customer

    with db.begin() as conn:
        conn.execute(insert(Customer.__table__).values(id=9999, full_name="Mới", name_folded="moi",
                                                       phone="+84999999999", created_at=datetime.now(),
                                                       updated_at=datetime.now()))
        stats.ensure_stats_rows(conn, [9999])
    ctx.notify_changed("customers")
    qtbot.waitUntil(lambda: page.cards["customers"].value.text() == "121", timeout=20000)


# ------------------------------------------------------------------------------------ segment analytics
def _widget(qtbot, ctx):
    from loyalty_desktop.ui.widgets.segment_analytics import SegmentAnalyticsWidget

    w = SegmentAnalyticsWidget(ctx, None)
    qtbot.addWidget(w)
    w.resize(1100, 700)
    w.show()
    return w


def test_segment_analytics_restricts_and_compares(qtbot, ctx, filled, db):
    customers, _purchases = filled
    from loyalty_desktop.segments.store import save_segment

    with db.begin() as conn:
        save_segment(conn, "Hà Nội", {"field": "province", "op": "in", "value": ["Hà Nội"]})
    w = _widget(qtbot, ctx)
    assert w.placeholder.isVisible()
    rule = {"field": "gender", "op": "eq", "value": "female"}
    w.set_rule(rule, "Khách nữ")
    qtbot.waitUntil(w.is_complete, timeout=30000)
    qtbot.waitUntil(lambda: ctx.tasks.running_count == 0, timeout=10000)
    women = sum(1 for c in customers if c["gender"] == "female")
    assert w.cards["customers"].value.text() == str(women)
    assert "%" in w.cards["customers"].note.text()
    assert w.charts["overlap"].is_showing_chart()
    assert w.data["overlap"]["names"] == ["Khách nữ", "Hà Nội"]
    hanoi_women = sum(1 for c in customers if c["gender"] == "female" and c["province"] == "Hà Nội")
    assert w.data["overlap"]["matrix"][0][1] == hanoi_women
    assert all(b["male"] == 0 for b in w.data["age_gender"]["bands"])


def test_segment_analytics_newer_rule_wins_and_none_clears(qtbot, ctx, filled):
    customers, _purchases = filled
    w = _widget(qtbot, ctx)
    w.set_rule({"field": "gender", "op": "eq", "value": "female"}, "A")
    w.set_rule({"field": "gender", "op": "eq", "value": "male"}, "B")
    qtbot.waitUntil(w.is_complete, timeout=30000)
    assert w.data["headline"]["customers"] == sum(1 for c in customers if c["gender"] == "male")
    assert not w.charts["overlap"].is_showing_chart()  # nothing saved to compare with: a sentence instead
    assert w.charts["overlap"].message.text()
    w.set_rule(None, "")
    assert w.placeholder.isVisible() and not w.scroll.isVisible()


def test_segment_analytics_bad_rule_shows_error(qtbot, ctx, filled):
    w = _widget(qtbot, ctx)
    w.set_rule({"field": "no_such_field", "op": "eq", "value": 1}, "Sai")
    qtbot.waitUntil(lambda: "Could not" in w.charts["rfm"].message.text()
                    or "Không" in w.charts["rfm"].message.text(), timeout=20000)
    assert not w.charts["rfm"].is_showing_chart()


def test_opening_the_page_module_does_not_import_matplotlib():
    """Start-up stays fast: matplotlib (and its Qt canvas) load only when the first chart is shown."""
    import subprocess
    import sys

    code = ("import sys; import loyalty_desktop.ui.pages.dashboard, loyalty_desktop.ui.widgets.segment_analytics; "
            "bad = [m for m in sys.modules if m.startswith('matplotlib')]; print(bad); assert not bad")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
