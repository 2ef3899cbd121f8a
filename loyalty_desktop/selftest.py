"""``loyalty-desktop --self-test``: a smoke test of an installed or bundled app.

Opens a database at a temporary path (running every migration), fills it with a little demo data,
imports a small customer file (.csv and .xlsx) through the real import path, counts a segment,
writes the dashboard report (matplotlib charts to PDF, tables to Excel), renders the main window
offscreen, draws the dashboard's charts in it, and exits 0 when every step passed (1 otherwise).
It never touches the user's database. Used by ``installer/build.py --self-test`` and CI on the PyInstaller bundle, so packaging
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
# The same kind of list as an Excel workbook (other people: an import never duplicates a phone).
SAMPLE_XLSX = [
    ("Họ và tên", "Điện thoại", "Giới tính", "Ngày sinh", "Tỉnh/Thành phố"),
    ("Vũ Thị Mai", "0905 222 333", "Nữ", "03/04/1992", "Đà Nẵng"),
    ("Đặng Quốc Bảo", "0971234567", "Nam", "", "Hải Phòng"),
    ("Bùi Thanh Hà", "84 389 876 543", "Nữ", "20/10/1988", "Hà Nội"),
]


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
    keep = keep or bool(os.environ.get("LOYALTY_SELFTEST_KEEP"))  # look at the screenshots/PDF afterwards
    if keep:
        steps.write(f"files kept in {tmp}")
    state: dict = {}
    t_start = time.perf_counter()
    try:
        steps.run("open database and run migrations", lambda: _open(tmp, state))
        steps.run("demo data", lambda: _demo(state))
        steps.run("import a small customer file", lambda: _import(tmp, state))
        steps.run("import a small Excel workbook", lambda: _import_xlsx(tmp, state))
        steps.run("count a segment", lambda: _segment(state))
        steps.run("dashboard report: charts to PDF, tables to Excel", lambda: _report(tmp, state))
        steps.run("render the main window offscreen", lambda: _window(tmp, state))
        steps.run("draw the dashboard charts in the window", lambda: _dashboard(tmp, state))
    finally:
        _close_window(state)
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


def _import_xlsx(tmp: Path, state: dict) -> str:
    db = state["db"]
    import xlsxwriter

    from loyalty_desktop.importing import run_import

    sample = tmp / "khach_hang.xlsx"
    wb = xlsxwriter.Workbook(str(sample))
    ws = wb.add_worksheet("Khách hàng")
    for i, row in enumerate(SAMPLE_XLSX):
        ws.write_row(i, 0, row)
    wb.close()
    before = _count(db, "customer")
    report = run_import(db, sample, "customers")
    added = _count(db, "customer") - before
    if added != len(SAMPLE_XLSX) - 1:
        raise RuntimeError(f"imported {added} new customers from the workbook, expected {len(SAMPLE_XLSX) - 1}: "
                           f"{report}")
    return f"{added} customers imported"


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


def _report(tmp: Path, state: dict) -> str:
    """The headless dashboard report: every chart through matplotlib (Agg + PDF), the tables via XlsxWriter."""
    from loyalty_desktop.analytics import report as R  # an ImportError here is a broken bundle: fail

    with state["db"].connect() as conn:
        report = R.compute_report(conn, R.default_scope("all"), lang="vi", title="Self-test")
    pdf = R.write_pdf(report, tmp / "dashboard.pdf")
    xlsx = R.write_xlsx(report, tmp / "dashboard.xlsx")
    png = R.save_png(R.headline_figure(report), tmp / "headline.png", dpi=60)
    for path, magic in ((pdf, b"%PDF"), (xlsx, b"PK"), (png, b"\x89PNG")):
        head = Path(path).read_bytes()[:4]
        if not head.startswith(magic):
            raise RuntimeError(f"{Path(path).name} is not a {magic!r} file")
    pages = Path(pdf).read_bytes().count(b"/Type /Page\n") or Path(pdf).read_bytes().count(b"/Type /Page")
    return f"PDF {Path(pdf).stat().st_size // 1024} KB ({pages} pages), Excel {Path(xlsx).stat().st_size // 1024} KB"


def _close_window(state: dict) -> None:
    window = state.pop("window", None)
    if window is None:
        return
    from PySide6.QtWidgets import QApplication

    window.close()
    ctx = getattr(window, "ctx", None)
    if ctx is not None and hasattr(ctx, "shutdown"):
        ctx.shutdown()
    QApplication.processEvents()


def _dashboard(tmp: Path, state: dict) -> str:
    """Open the dashboard page in the window: its charts go through matplotlib's Qt canvas."""
    window = state.get("window")
    if window is None:
        return "skipped (no window)"
    if not hasattr(window, "navigate") or not hasattr(window, "pages"):
        return "skipped (no dashboard in this build)"
    from PySide6.QtWidgets import QApplication

    window.navigate("dashboard")
    page = window.pages.get("dashboard")
    if page is None or not hasattr(page, "is_complete"):
        return "skipped (no dashboard in this build)"
    deadline = time.perf_counter() + 60
    while not page.is_complete() and time.perf_counter() < deadline:
        QApplication.processEvents()
        time.sleep(0.01)
    for _ in range(20):
        QApplication.processEvents()
        time.sleep(0.005)
    if not page.is_complete():
        raise RuntimeError("the dashboard figures were not computed within 60 s")
    charts = getattr(page, "charts", {})
    drawn = [k for k, card in charts.items() if card.is_showing_chart()]
    # A card that is not drawing shows a message: "no data for this period" is fine, an error is not.
    failed = {}
    for key, card in charts.items():
        if key in drawn:
            continue
        error_prefix = card.tr("Could not calculate this chart: {error}").split("{error}")[0]
        text = card.message.text() if hasattr(card, "message") else ""
        if not text or text.startswith(error_prefix):
            failed[key] = text or "nothing shown"
    if failed or (charts and not drawn):
        raise RuntimeError(f"dashboard charts failed: {failed or 'none drawn'}")
    pixmap = window.grab()
    if pixmap.isNull() or not pixmap.save(str(tmp / "dashboard.png")):
        raise RuntimeError("could not grab the dashboard")
    empty = sorted(set(charts) - set(drawn))
    return f"{len(drawn)} of {len(charts)} charts drawn" + (f" (no data: {', '.join(empty)})" if empty else "")


def _window(tmp: Path, state: dict) -> str:
    from loyalty_desktop.ui.app import create_application, open_main_window

    app = create_application("vi", [sys.argv[0] if sys.argv else "loyalty-desktop"])
    db = state.pop("db")
    db.dispose()
    window = open_main_window(db.location)
    state["window"] = window  # closed by run_self_test, after the dashboard step
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
