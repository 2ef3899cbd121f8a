"""The real main window on real SQLite files, offscreen."""

import pytest
from sqlalchemy import insert

from loyalty_desktop.models import Customer
from loyalty_desktop.stats import ensure_stats_rows
from loyalty_desktop.ui.context import AppContext
from loyalty_desktop.ui.main_window import PAGES, MainWindow
from loyalty_desktop.ui.workers import TaskRunner


@pytest.fixture
def window(qtbot, db):
    ctx = AppContext(db)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    yield win
    ctx.tasks.shutdown()


def _add_customers(db, n):
    with db.begin() as conn:
        conn.execute(insert(Customer.__table__), [
            {"full_name": f"Khách {i}", "name_folded": f"khach {i}", "phone": f"+8491200{i:04d}",
             "phone_type": "mobile", "gender": "unknown", "points": 0, "sms_opt_out": False}
            for i in range(n)])
        ensure_stats_rows(conn, list(range(1, n + 1)))


def test_empty_database_offers_import_and_demo(window, qtbot):
    qtbot.waitUntil(lambda: window.customer_count == 0)
    assert window.stack.currentWidget() is window.welcome
    assert window.welcome.import_button.isVisible() and window.welcome.demo_button.isVisible()
    assert window.ctx.db.display_name in window.db_label.text()


def test_status_bar_counts_customers_and_follows_changes(window, qtbot, db):
    qtbot.waitUntil(lambda: window.customer_count == 0)
    _add_customers(db, 1234)
    window.ctx.notify_changed("customers")
    qtbot.waitUntil(lambda: window.customer_count == 1234)
    assert "1.234" in window.count_label.text()
    assert window.stack.currentWidget() is not window.welcome


def test_every_sidebar_page_opens(window, qtbot, db):
    _add_customers(db, 5)
    window.refresh_count()
    qtbot.waitUntil(lambda: window.customer_count == 5)
    for key, _module, cls_name in PAGES:
        window.navigate(key)
        widget = window.stack.currentWidget()
        assert type(widget).__name__ == cls_name
    qtbot.wait(200)


def test_demo_data_button_fills_the_database(window, qtbot, monkeypatch):
    import loyalty_desktop.ui.main_window as mw

    monkeypatch.setattr(mw, "DEMO_SIZE", (150, 600))
    qtbot.waitUntil(lambda: window.customer_count == 0)
    window.welcome.demo_button.click()
    qtbot.waitUntil(lambda: window.customer_count == 150, timeout=30000)
    assert window.stack.currentWidget() is not window.welcome


def test_stale_task_results_are_dropped(qtbot):
    import threading

    runner = TaskRunner()
    release = threading.Event()
    seen = []

    def slow(state, value):
        release.wait(5)
        return value

    runner.run("count", slow, "old", on_result=seen.append)
    runner.run("count", lambda state, v: v, "new", on_result=seen.append)
    qtbot.waitUntil(lambda: seen == ["new"])
    release.set()
    assert runner.wait_idle(5000)
    qtbot.wait(50)
    assert seen == ["new"]


def test_worker_errors_reach_the_ui(qtbot):
    runner = TaskRunner()
    errors = []

    def boom(state):
        raise ValueError("bad file")

    runner.run("x", boom, on_error=errors.append)
    qtbot.waitUntil(lambda: len(errors) == 1)
    assert str(errors[0]) == "bad file"
