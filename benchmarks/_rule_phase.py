"""Rule-builder phase of the UI responsiveness benchmark (issue 6): prints figures, never asserts.

    .venv/bin/python benchmarks/_rule_phase.py --db bench-data/demo_1m.db [--edits 20] [--interval-ms 40]

A real ``SegmentsPage`` (offscreen) edits a rule ``--edits`` times in quick succession through its
widgets (typing an amount in the money editor, switching AND/OR), ``--interval-ms`` apart, while a
5 ms heartbeat timer measures the longest stall of the UI thread. Then it waits for the final count
and compares the count on screen with the engine's count of the final rule (separate connection).

``benchmarks/ui_responsiveness.py`` runs ``bench_phase`` as its phase "rule_edit" (inside the real main
window); ``rule_edit_phase(db)`` is the same on a bare page with its own heartbeat. The database is only
read (the page's saved-segment count cache is switched off here).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

BASE_RULE = {"all": [
    {"field": "gender", "op": "eq", "value": "female"},
    {"field": "age", "op": "between", "value": [26, 45]},
    {"any": [
        {"field": "province", "op": "in", "value": ["Hà Nội", "Hồ Chí Minh"]},
        {"all": [
            {"field": "total_spent", "op": "gte", "value": 2_000_000, "window": {"days": 90}},
            {"field": "order_count", "op": "gte", "value": 2},
        ]},
    ]},
]}


def _typed_amounts(n: int) -> list[str]:
    """What a user types: "1tr", "1,5tr", "500k", … (money editor input)."""
    samples = ["1tr", "1,5tr", "2tr", "500k", "3tr", "2,5tr", "800k", "4tr", "1,2tr", "5tr"]
    return [samples[i % len(samples)] for i in range(n)]


def _edit(page, spent_id: int, group_id: int, i: int, amount: str) -> None:
    """One user edit through the widgets: type an amount, or (every 5th) flip AND/OR of a group."""
    if i % 5 == 4:
        box = page.canvas.groups[group_id]
        box.kind_combo.setCurrentIndex(1 - box.kind_combo.currentIndex())
        box.kind_combo.activated.emit(box.kind_combo.currentIndex())
    else:
        row = page.canvas.rows[spent_id]
        row.editor.edit.setText(amount)
        row.editor.edit.textEdited.emit(amount)
        row.editor.edit.editingFinished.emit()


def _settled(page) -> bool:
    return (not page._debounce.isActive() and page.shown_rule == page.counted_rule()  # noqa: SLF001
            and not page.ctx.tasks.is_running("segments:count"))


def open_phase(b) -> None:
    """Phase "rule_open": first visit of the Segments page (built on first use) until it is complete
    and idle, then — a second user action — a 3-level rule loaded and counted. Prints the longest
    UI-thread stall of each of the two steps."""
    from loyalty_desktop.ui.pages import segments as seg_page

    seg_page.WRITE_COUNT_CACHE = False  # leave the database as it was
    if "segments" not in b.window.pages:  # run alone: the window's own start-up is the "open" phase's
        measured, b.phase = b.phase, "start-up"
        b.wait_until(lambda: "customers" in b.window.pages and b.page.model.row_data(0) is not None
                     and b.ctx.tasks.running_count == 0)
        b.wait(300)
        b.phase = measured
    start = time.perf_counter()
    first = len(b.gaps)
    b.window.navigate("segments")  # the user clicks "Phân khúc"
    page = b.window.page("segments")
    b.wait_until(lambda: getattr(page, "is_built", True) and _settled(page))
    opened = time.perf_counter() - start
    middle = len(b.gaps)
    b.wait(100)
    start = time.perf_counter()
    page.tree.load(BASE_RULE, undoable=False)  # then opens a 3-level rule
    b.wait_until(lambda: _settled(page))
    open_gap = max((g for _p, g in b.gaps[first:middle]), default=0)
    load_gap = max((g for _p, g in b.gaps[middle:]), default=0)
    print(f"  rule open: page complete and counted in {opened:.2f} s (longest stall {open_gap:.0f} ms) · "
          f"3-level rule loaded and counted in {time.perf_counter() - start:.2f} s (longest stall "
          f"{load_gap:.0f} ms, {page.shown_count:,} customers)", flush=True)


def bench_phase(b, edits: int = 20, interval_ms: int = 40) -> None:
    """Phase "rule_edit" of ``benchmarks/ui_responsiveness.py`` (``b`` is its ``Bench``): on the real
    main window's Segments page, ``edits`` quick edits, then the final count is checked."""
    from loyalty_desktop.segments import runner
    from loyalty_desktop.ui.pages import segments as seg_page

    page = b.window.page("segments") if "segments" in b.window.pages else None
    if page is None:
        open_phase(b)
        page = b.window.page("segments")
    b.window.navigate("segments")
    seg_page.WRITE_COUNT_CACHE = False
    spent = next(c for c in page.tree.conditions() if c.field == "total_spent")
    group_id = page.tree.parent(spent.id).id
    for i, amount in enumerate(_typed_amounts(edits)):
        _edit(page, spent.id, group_id, i, amount)
        b.wait(interval_ms)
    start = time.perf_counter()
    b.wait_until(lambda: _settled(page))
    after = time.perf_counter() - start
    final = page.counted_rule()
    with b.ctx.db.connect() as conn:
        engine = runner.count(conn, final)
    ok = page.shown_count == engine and page.shown_rule == final
    print(f"  rule edit: {edits} edits {interval_ms} ms apart · final count on screen {after:.2f} s after the "
          f"last edit · shown {page.shown_count:,} · engine {engine:,} · {'MATCH' if ok else 'MISMATCH'}",
          flush=True)
    page.tree.mark_clean()  # nothing to save: closing the window must not ask


def rule_edit_phase(db, edits: int = 20, interval_ms: int = 40, timeout_s: float = 300.0, out=print) -> dict:
    """Run the phase on an open ``Database``; returns the figures (also printed through ``out``)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from loyalty_desktop.segments import runner
    from loyalty_desktop.ui.app import create_application
    from loyalty_desktop.ui.context import AppContext
    from loyalty_desktop.ui.pages.segments import SegmentsPage

    app = QApplication.instance() or create_application("vi")

    from loyalty_desktop.ui.pages import segments as seg_page

    seg_page.WRITE_COUNT_CACHE = False  # read-only run: the saved-segment count cache is not written
    ctx = AppContext(db)
    page = SegmentsPage(ctx)
    page.resize(1366, 768)
    page.show()
    page.tree.load(BASE_RULE, undoable=False)
    app.processEvents()

    # heartbeat: the longest gap between 5 ms ticks is the longest UI-thread stall
    clock = QElapsedTimer()
    clock.start()
    state = {"last": 0, "max_gap": 0, "ticks": 0, "gaps": []}

    def tick() -> None:
        now = clock.elapsed()
        if state["ticks"]:
            gap = now - state["last"]
            state["max_gap"] = max(state["max_gap"], gap)
            if gap > 50:
                state["gaps"].append((now, gap, done["n"]))
        state["last"] = now
        state["ticks"] += 1

    heart = QTimer()
    heart.setInterval(5)
    heart.timeout.connect(tick)
    heart.start()

    spent = next(c for c in page.tree.conditions() if c.field == "total_spent")
    group_id = page.tree.parent(spent.id).id
    amounts = _typed_amounts(edits)
    done = {"n": 0}
    edit_times: list[float] = []

    def edit() -> None:
        i = done["n"]
        t0 = time.perf_counter()
        _edit(page, spent.id, group_id, i, amounts[i])
        edit_times.append(time.perf_counter() - t0)
        done["n"] += 1
        if done["n"] < edits:
            QTimer.singleShot(interval_ms, edit)

    start = time.perf_counter()
    QTimer.singleShot(0, edit)
    deadline = start + timeout_s
    last_edit_at = None
    while time.perf_counter() < deadline:
        app.processEvents()
        if done["n"] >= edits:
            if last_edit_at is None:
                last_edit_at = time.perf_counter()
            if _settled(page):
                break
        time.sleep(0.001)
    shown_at = time.perf_counter()
    heart.stop()
    final_rule = page.counted_rule()
    with db.connect() as conn:
        t = time.perf_counter()
        engine = runner.count(conn, final_rule)
        engine_s = time.perf_counter() - t
    result = {
        "edits": edits,
        "interval_ms": interval_ms,
        "longest_stall_ms": state["max_gap"],
        "longest_edit_handler_ms": max(edit_times) * 1000 if edit_times else 0.0,
        "final_count_after_last_edit_s": (shown_at - last_edit_at) if last_edit_at else None,
        "shown_count": page.shown_count,
        "engine_count": engine,
        "engine_count_s": engine_s,
        "final_count_matches": page.shown_count == engine and page.shown_rule == final_rule,
        "timed_out": time.perf_counter() >= deadline,
    }
    out(f"rule builder: {edits} edits every {interval_ms} ms · longest UI stall {result['longest_stall_ms']} ms "
        f"(longest edit handler {result['longest_edit_handler_ms']:.1f} ms) · final count on screen "
        f"{result['final_count_after_last_edit_s'] or float('nan'):.2f} s after the last edit")
    out(f"rule builder: count shown {page.shown_count:,} · engine count of the final rule {engine:,} "
        f"({engine_s:.2f} s) · {'MATCH' if result['final_count_matches'] else 'MISMATCH'}"
        + (" · TIMED OUT" if result["timed_out"] else ""))
    if os.environ.get("RULE_PHASE_DEBUG"):
        out(f"gaps > 50 ms (at ms, gap ms, edits done): {state['gaps']}")
    ctx.tasks.shutdown()
    page.close()
    page.deleteLater()
    app.processEvents()
    return result


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", default="bench-data/demo_1m.db")
    ap.add_argument("--customers", type=int, default=20_000, help="only when building a missing --db")
    ap.add_argument("--purchases", type=int, default=200_000, help="only when building a missing --db")
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--interval-ms", type=int, default=40)
    args = ap.parse_args(argv)

    from loyalty_desktop.db import open_database

    path = Path(args.db)
    if not path.exists():
        from loyalty_desktop.demo import generate_demo

        print(f"building {path} with {args.customers:,} customers / {args.purchases:,} purchases…", flush=True)
        db = open_database(str(path))
        generate_demo(db, args.customers, args.purchases, seed=1)
    else:
        db = open_database(str(path), create=False, migrate=False)  # read only: never migrate a shared file
    with db.connect() as conn:
        n = conn.exec_driver_sql("SELECT count(*) FROM customer").scalar()
    print(f"db {path} · {n:,} customers")
    rule_edit_phase(db, edits=args.edits, interval_ms=args.interval_ms)
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
