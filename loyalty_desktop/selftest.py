"""``loyalty-desktop --self-test``: a smoke test of an installed or bundled app.

Opens a database at a temporary path (running every migration), fills it with a little demo data,
imports a small customer file through the real import path, counts a segment, renders the main
window offscreen, and exits 0 when every step passed (1 otherwise). It never touches the user's
database. Used by ``installer/build.py --self-test`` and CI on the PyInstaller bundle, so packaging
cannot silently rot (a missing module, data file, Qt plugin or migration fails here).

The core stays Qt-free: Qt is imported only inside the window step.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Callable, TextIO

SAMPLE_CSV = (
    "Họ và tên,Điện thoại,Giới tính,Ngày sinh,Tỉnh/Thành phố,Ghi chú\n"
    "Nguyễn Thị Lan,0912 345 678,Nữ,12/03/1990,TP.HCM,\n"
    "Trần Văn Hùng,0987.654.321,Nam,01/01/1985,Hà Nội,Khách quen\n"
    "Lê Ngọc Anh,+84 903 111 222,Nữ,25/12/1999,Đà Nẵng,\n"
    "Phạm Minh Khoa,0356123456,Nam,,Cần Thơ,\n"
    "Hoàng Thu Trang,84818765432,Nữ,5/7/2001,Huế,\n"
)
SAMPLE_ROWS = 5


class _Steps:
    def __init__(self, out: TextIO | None):
        self.out = out
        self.failed: list[str] = []
        self.lines: list[str] = []

    def write(self, line: str) -> None:
        self.lines.append(line)
        if self.out is not None:
            try:
                self.out.write(line + "\n")
                self.out.flush()
            except (OSError, ValueError):
                self.out = None

    def run(self, name: str, fn: Callable[[], str | None]) -> bool:
        t0 = time.perf_counter()
        try:
            detail = fn() or ""
        except Exception as exc:  # noqa: BLE001 - every failure is reported, then exit 1
            ms = (time.perf_counter() - t0) * 1000
            self.failed.append(name)
            self.write(f"FAIL {name} ({ms:.0f} ms): {type(exc).__name__}: {exc}")
            for line in traceback.format_exc().rstrip().splitlines():
                self.write("     " + line)
            return False
        ms = (time.perf_counter() - t0) * 1000
        self.write(f"ok   {name} ({ms:.0f} ms){': ' + detail if detail else ''}")
        return True


def run_self_test(report: str | None = "-", keep: bool = False) -> int:
    """Run every step; write the report to stdout (``"-"``) or to the file ``report``. Returns 0/1."""
    from loyalty_desktop import __version__

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("MPLBACKEND", "Agg")
    out: TextIO | None
    if report in (None, "-"):
        out = sys.stdout  # None in a windowed Windows build: the report then goes to the log only
        fh = None
    else:
        fh = open(report, "w", encoding="utf-8")
        out = fh
    steps = _Steps(out)
    frozen = bool(getattr(sys, "frozen", False))
    steps.write(f"Loyalty Desktop {__version__} self-test (python {sys.version.split()[0]}, "
                f"{'bundle' if frozen else 'source'}, {sys.platform})")
    tmp = Path(tempfile.mkdtemp(prefix="loyalty-selftest-"))
    state: dict = {}
    t_start = time.perf_counter()
    try:
        steps.run("open database and run migrations", lambda: _open(tmp, state))
        steps.run("demo data", lambda: _demo(state))
        steps.run("import a small customer file", lambda: _import(tmp, state))
        steps.run("count a segment", lambda: _segment(state))
        steps.run("render the main window offscreen", lambda: _window(tmp, state))
    finally:
        db = state.get("db")
        if db is not None:
            db.dispose()
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)
    total = time.perf_counter() - t_start
    if steps.failed:
        steps.write(f"self-test FAILED: {', '.join(steps.failed)} ({total:.1f} s)")
    else:
        steps.write(f"self-test passed ({total:.1f} s)")
    try:
        import logging

        logging.getLogger(__name__).info("self-test\n%s", "\n".join(steps.lines))
    finally:
        if fh is not None:
            fh.close()
    return 1 if steps.failed else 0


def _open(tmp: Path, state: dict) -> str:
    from loyalty_desktop.db import head_revision, open_database

    db = open_database(str(tmp / "selftest.db"))
    state["db"] = db
    rev = db.schema_revision()
    if rev != head_revision():
        raise RuntimeError(f"schema {rev}, expected {head_revision()}")
    return f"schema {rev}"


def _demo(state: dict) -> str:
    from loyalty_desktop.demo import generate_demo

    res = generate_demo(state["db"], 300, 2000, seed=1)
    return f"{res.customers} customers, {res.purchases} purchases"


def _count(db, table: str) -> int:
    from sqlalchemy import func, select

    from loyalty_desktop.models import metadata

    with db.connect() as conn:
        return conn.execute(select(func.count()).select_from(metadata.tables[table])).scalar_one()


def _import(tmp: Path, state: dict) -> str:
    db = state["db"]
    before = _count(db, "customer")
    sample = tmp / "khach_hang.csv"
    sample.write_text(SAMPLE_CSV, encoding="utf-8-sig")
    try:
        from loyalty_desktop.importing import run_import
    except ImportError as exc:  # importing not part of this build yet
        return f"skipped (importing unavailable: {exc})"
    report = run_import(db, sample, "customers")
    after = _count(db, "customer")
    if after - before != SAMPLE_ROWS:
        raise RuntimeError(f"imported {after - before} new customers, expected {SAMPLE_ROWS}: {report}")
    return f"{after - before} customers imported"


def _segment(state: dict) -> str:
    from sqlalchemy import func, select

    from loyalty_desktop.models import Customer

    db = state["db"]
    c = Customer.__table__
    with db.connect() as conn:
        expected = conn.execute(select(func.count()).select_from(c).where(c.c.gender == "female")).scalar_one()
    rule = {"version": 1, "rule": {"all": [{"field": "gender", "op": "eq", "value": "female"}]}}
    try:
        from loyalty_desktop.segments.rules import parse_rule
        from loyalty_desktop.segments.runner import count
    except ImportError as exc:
        return f"segment engine unavailable ({exc}); {expected} women counted directly"
    node = parse_rule(rule)
    with db.connect() as conn:
        got = count(conn, node)
    if got != expected or expected == 0:
        raise RuntimeError(f"segment counted {got}, expected {expected}")
    return f"women: {got}"


def _window(tmp: Path, state: dict) -> str:
    from loyalty_desktop.ui.app import create_application, open_main_window

    app = create_application("vi", [sys.argv[0] if sys.argv else "loyalty-desktop"])
    db = state.pop("db")
    db.dispose()
    window = open_main_window(db.location)
    try:
        window.resize(1366, 768)
        window.show()
        deadline = time.perf_counter() + 0.5
        while time.perf_counter() < deadline:
            app.processEvents()
            time.sleep(0.01)
        pixmap = window.grab()
        if pixmap.isNull() or pixmap.width() < 400:
            raise RuntimeError("the main window rendered nothing")
        png = tmp / "main_window.png"
        if not pixmap.save(str(png)):
            raise RuntimeError("could not save the screenshot (image plugins missing?)")
        return f"{pixmap.width()}×{pixmap.height()}, {window.windowTitle()!r}"
    finally:
        window.close()
        ctx = getattr(window, "ctx", None)
        if ctx is not None and hasattr(ctx, "shutdown"):
            ctx.shutdown()
        app.processEvents()
