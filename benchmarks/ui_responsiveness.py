"""UI responsiveness on a big database: does the UI thread ever stall?

Opens the REAL main window (offscreen) on a demo database and, while a 10 ms QTimer ticks on the UI
thread, runs a list of phases that act like a user. The longest gap between two ticks is the longest
time the UI was frozen. Prints one line per phase, then the final line

    max stall: X ms, p99: Y ms, first rows: Z ms

Usage:
    python benchmarks/ui_responsiveness.py --db bench-data/demo_1m.db
    python benchmarks/ui_responsiveness.py --customers 50000            # builds bench-data/demo_50k.db
    python benchmarks/ui_responsiveness.py --db … --phases open,scroll   # a subset

Phases (``PHASES``, in order; each is ``fn(bench) -> None`` and must leave the database as it found it):
    open      main window + customers page until the first rows are on screen ("first rows")
    scroll    drag the scrollbar to the end in steps, wait for the last rows
    sort      sort by total spent (descending) by the header, wait for the first rows
    search    type "nguyen van a", then "0912 345", key by key (120 ms apart), wait for results
    bulk_tag  filter a ~200k-customer rule, "select all matching", add a tag; then undo it
Other engineers add phases with ``@phase("name")`` (e.g. the rule builder's "rule_edit").

Aim (issue 5): no stall above 100 ms; first rows within 1 s. Figures only, no assertions.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PHASES: dict[str, Callable[["Bench"], None]] = {}
BULK_RULE = {"all": [{"field": "region", "op": "eq", "value": "north"},
                     {"field": "gender", "op": "eq", "value": "female"}]}
BULK_TAG = "Benchmark tạm"


def phase(name: str):
    def register(fn):
        PHASES[name] = fn
        return fn
    return register


class Bench:
    """The running app plus the tick recorder."""

    def __init__(self, app, window, ctx) -> None:
        from PySide6.QtCore import QTimer

        self.app, self.window, self.ctx = app, window, ctx
        self.ticks: list[float] = []
        self.gaps: list[tuple[str, float]] = []
        self.phase = "start"
        self.first_rows_ms: float | None = None
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self._last = time.perf_counter()
        self.timer.start()
        if os.environ.get("BENCH_STALLS"):  # debugging: print what the UI thread does during a stall
            self._watch()

    def _watch(self) -> None:
        import threading
        import traceback

        main_id = threading.main_thread().ident
        others_ms = float(os.environ.get("BENCH_STALLS_OTHERS_MS", "1000"))  # also print the other threads

        def run():
            seen = set()
            while True:
                time.sleep(0.02)
                late = (time.perf_counter() - self._last) * 1000
                if late > 60:
                    frame = sys._current_frames().get(main_id)
                    stack = "".join(traceback.format_stack(frame, limit=6)) if frame else "?"
                    key = stack[-300:]
                    if key not in seen:
                        seen.add(key)
                        print(f"--- stall {late:.0f} ms in {self.phase}:\n{stack}", file=sys.stderr, flush=True)
                    if late > others_ms and ("others", key) not in seen:
                        seen.add(("others", key))
                        for tid, fr in sys._current_frames().items():
                            if tid != main_id and tid != threading.get_ident():
                                print(f"--- thread {tid}:\n" + "".join(traceback.format_stack(fr, limit=8)),
                                      file=sys.stderr, flush=True)

        threading.Thread(target=run, daemon=True).start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append((self.phase, (now - self._last) * 1000))
        self._last = now

    def wait(self, ms: float) -> None:
        """Run the event loop for ``ms`` the way the app's own ``exec()`` does.

        Not ``QTest.qWait``: PySide keeps the GIL while qWait sleeps, so worker threads advance only between
        its 5 ms naps (a 8 ms page fetch took 1.2-1.6 s under a qWait loop), which the real app never does."""
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        QTimer.singleShot(max(1, round(ms)), loop.quit)
        loop.exec()

    def wait_until(self, cond: Callable[[], bool], timeout_s: float = 120.0) -> float:
        start = time.perf_counter()
        while not cond():
            if time.perf_counter() - start > timeout_s:
                raise TimeoutError(f"phase {self.phase}: condition not met within {timeout_s:.0f} s")
            self.wait(5)
        return time.perf_counter() - start

    @property
    def page(self):
        return self.window.page("customers")

    def wait_rows(self, timeout_s: float = 120.0) -> float:
        page = self.page
        return self.wait_until(lambda: page.model.count is not None
                               and (page.model.count == 0 or page.model.row_data(0) is not None)
                               and not self.ctx.tasks.is_running("customers-pages"), timeout_s)


@phase("open")
def _open(b: Bench) -> None:
    """From creating the main window (which opens the customer list) to its first rows on screen."""
    b.wait_until(lambda: "customers" in b.window.pages and b.page.model.row_data(0) is not None)
    b.first_rows_ms = (time.perf_counter() - b.started) * 1000
    b.window.navigate("customers")
    b.wait_rows()
    b.wait(300)


def _customer_list(b: Bench):
    """The customer list, shown: a phase before may have left another page on screen."""
    b.window.navigate("customers")
    return b.page


@phase("scroll")
def _scroll(b: Bench) -> None:
    page = _customer_list(b)
    bar = page.table.verticalScrollBar()
    steps = 40
    for i in range(1, steps + 1):  # a user dragging the thumb down to the end
        bar.setValue(bar.maximum() * i // steps)
        b.wait(40)
    last = page.model.rowCount() - 1
    b.wait_until(lambda: page.model.row_data(last) is not None)
    for _ in range(10):  # and a few wheel-sized steps back up
        bar.setValue(bar.value() - 3 * page.table.verticalHeader().defaultSectionSize())
        b.wait(30)
    bar.setValue(0)
    b.wait_until(lambda: page.model.row_data(0) is not None)


@phase("sort")
def _sort(b: Bench) -> None:
    from PySide6.QtCore import Qt

    page = _customer_list(b)
    col = page.model.columns.index("total_spent")
    page.table.sortByColumn(col, Qt.SortOrder.DescendingOrder)
    b.wait_until(lambda: page.model.query.sort == "total_spent")
    b.wait_rows()
    page.table.verticalScrollBar().setValue(page.table.verticalScrollBar().maximum() // 2)
    b.wait(200)
    b.wait_rows()
    page.table.sortByColumn(page.model.columns.index("name"), Qt.SortOrder.AscendingOrder)
    b.wait_rows()


@phase("search")
def _search(b: Bench) -> None:
    from PySide6.QtTest import QTest

    page = _customer_list(b)
    for text in ("nguyen van a", "0912 345"):
        page.search.clear()
        page.search.setFocus()
        for ch in text:
            QTest.keyClick(page.search, ch)
            b.wait(120)
        b.wait_until(lambda: page.model.query.search == text)
        b.wait_rows()
        b.wait(200)
    page.search.clear()
    b.wait_until(lambda: page.model.query.search == "")
    b.wait_rows()


@phase("bulk_tag")
def _bulk_tag(b: Bench) -> None:
    page = _customer_list(b)
    page.set_rule(BULK_RULE, "benchmark")
    b.wait_rows()
    n = page.model.count
    page.table.selectRow(0)
    page.select_all_matching()
    from loyalty_desktop.ui.widgets.customer_table import Selection

    start = time.perf_counter()
    page._run_bulk("tag", Selection(count=n, query=page.model.query), BULK_TAG)
    if os.environ.get("BENCH_STALLS"):
        print("bulk started", flush=True)
    b.wait_until(lambda: page.undo_button.isVisible(), timeout_s=600)
    tag_s = time.perf_counter() - start
    op = page._last_op
    start = time.perf_counter()
    page.undo_last()
    b.wait_until(lambda: not b.ctx.tasks.is_running("customers-undo"), timeout_s=600)
    undo_s = time.perf_counter() - start
    print(f"  bulk tag: {op['count']:,} of {n:,} customers in {tag_s:.2f} s, undo {undo_s:.2f} s", flush=True)
    page.clear_filters()
    b.wait_rows()
    b.phase = "cleanup"  # not measured
    _drop_tag(b.ctx.db)


def _drop_tag(db) -> None:
    from loyalty_desktop import tags

    with db.begin() as conn:
        t = tags.find_tag(conn, BULK_TAG)
        if t is not None and tags.tag_count(conn, t["id"]) == 0:
            tags.delete_tag(conn, t["id"])


try:  # the rule builder's phase (issue 6) lives in benchmarks/_rule_phase.py
    from _rule_phase import bench_phase as _rule_edit
    from _rule_phase import open_phase as _rule_open

    phase("rule_open")(_rule_open)
    phase("rule_edit")(_rule_edit)
except ImportError:
    pass


def ensure_db(path: Path, customers: int, purchases: int | None, seed: int) -> None:
    if path.exists() and path.stat().st_size > 0:
        return
    from loyalty_desktop.demo import generate_demo

    print(f"building {path} with {customers:,} customers…", flush=True)
    start = time.perf_counter()
    generate_demo(str(path), customers, purchases, seed=seed,
                  progress=lambda f, text="": None)
    print(f"built in {time.perf_counter() - start:.0f} s", flush=True)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    k = min(len(values) - 1, max(0, int(round(q * (len(values) - 1)))))
    return values[k]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=1_000_000, help="size of the demo database (default 1,000,000)")
    parser.add_argument("--purchases", type=int, default=None, help="purchases (default 10 per customer)")
    parser.add_argument("--db", type=Path, help="database to use (built if missing); default bench-data/demo_<N>.db")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--phases", default=",".join(PHASES), help=f"comma-separated subset of: {', '.join(PHASES)}")
    args = parser.parse_args(argv)
    aliases = {"rule_edits": "rule_edit"}
    phases = [aliases.get(p.strip(), p.strip()) for p in args.phases.split(",") if p.strip()]
    unknown = [p for p in phases if p not in PHASES]
    if unknown:
        parser.error(f"unknown phase(s): {', '.join(unknown)}")
    if args.db is None:
        n = args.customers
        label = f"{n // 1_000_000}m" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)
        args.db = ROOT / "bench-data" / f"demo_{label}.db"
    args.db.parent.mkdir(parents=True, exist_ok=True)
    ensure_db(args.db, args.customers, args.purchases, args.seed)

    import tempfile

    from PySide6.QtCore import QSettings

    from loyalty_desktop.db import open_database
    from loyalty_desktop.ui.app import create_application
    from loyalty_desktop.ui.context import AppContext
    from loyalty_desktop.ui.main_window import MainWindow

    if os.environ.get("BENCH_SWITCH"):
        sys.setswitchinterval(float(os.environ["BENCH_SWITCH"]))
    app = create_application("vi")
    # Never upgrade (= write, and back up) a shared benchmark database: a database at an older schema
    # is refused; copy it and run on the copy (the copy is upgraded when the app opens it).
    from loyalty_desktop.db import current_revision, head_revision

    db = open_database(str(args.db), create=False, migrate=False)
    with db.connect() as conn:
        rev = current_revision(conn)
    if rev != head_revision():
        db.dispose()
        print(f"{args.db} is at schema {rev}, this code needs {head_revision()}: not upgrading a shared "
              f"benchmark database. Copy it (cp {args.db} bench-data/my_copy.db), open the copy once "
              f"(.venv/bin/loyalty-desktop --db bench-data/my_copy.db init) and use --db on the copy.",
              file=sys.stderr)
        return 2
    ctx = AppContext(db)
    ctx.settings = QSettings(str(Path(tempfile.mkdtemp()) / "bench.ini"), QSettings.Format.IniFormat)
    t0 = time.perf_counter()
    window = MainWindow(ctx)
    window.resize(1366, 768)
    window.show()
    print(f"database: {args.db} · main window in {(time.perf_counter() - t0) * 1000:.0f} ms", flush=True)
    bench = Bench(app, window, ctx)
    bench.started = t0
    for name in phases:
        bench.phase = name
        start = time.perf_counter()
        PHASES[name](bench)
        gaps = [g for p, g in bench.gaps if p == name]
        print(f"{name:>9}: {time.perf_counter() - start:6.2f} s  max gap {max(gaps, default=0):6.1f} ms  "
              f"p99 {percentile(gaps, 0.99):6.1f} ms  ticks {len(gaps)}", flush=True)
    bench.timer.stop()
    all_gaps = [g for p, g in bench.gaps if p in phases]
    window.close()
    ctx.shutdown()
    first = bench.first_rows_ms
    print(f"max stall: {max(all_gaps, default=0):.0f} ms, p99: {percentile(all_gaps, 0.99):.0f} ms, "
          f"first rows: {'n/a' if first is None else f'{first:.0f}'} ms", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
