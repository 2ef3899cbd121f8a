"""Waits and engine checks shared by the segments-page tests."""

from __future__ import annotations


def engine_count(ctx, rule) -> int:
    """What the segment engine counts for ``rule`` on the page's database (the truth the page must show)."""
    from loyalty_desktop.segments import runner

    with ctx.db.connect() as conn:
        return runner.count(conn, rule)


def wait_counted(qtbot, page) -> None:
    """Until the page shows the count of the rule now in the builder (debounce over, no worker running)."""
    qtbot.waitUntil(lambda: not page._debounce.isActive() and page.shown_rule == page.counted_rule()
                    and page.ctx.tasks.running_count == 0, timeout=20000)
