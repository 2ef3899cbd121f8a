"""Packaging-side behaviour: --version, --self-test, single instance per database, crash hook."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from loyalty_desktop import __version__, selftest

ROOT = Path(__file__).resolve().parents[1]


def test_version_flag():
    out = subprocess.run([sys.executable, "-m", "loyalty_desktop", "--version"], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0
    assert out.stdout.strip() == f"loyalty-desktop {__version__}"


def test_self_test_passes_on_this_checkout(tmp_path):
    report = tmp_path / "report.txt"
    out = subprocess.run([sys.executable, "-m", "loyalty_desktop", "--self-test", str(report)],
                         capture_output=True, text=True, timeout=300, cwd=tmp_path)
    text = report.read_text(encoding="utf-8")
    assert out.returncode == 0, text + out.stderr
    assert "self-test passed" in text
    for step in ("migrations", "demo data", "import a small customer file", "import a small Excel workbook",
                 "segment", "dashboard report", "main window", "dashboard charts"):
        assert any(line.startswith("ok   ") and step in line for line in text.splitlines()), step
    assert "PDF" in text and "charts drawn" in text


def test_self_test_reports_a_failing_step(monkeypatch, tmp_path):
    def broken(state):
        raise RuntimeError("no demo for you")

    monkeypatch.setattr(selftest, "_demo", broken)
    monkeypatch.setattr(selftest, "_report", lambda tmp, state: "skipped in this test")
    monkeypatch.setattr(selftest, "_window", lambda tmp, state: "skipped in this test")
    report = tmp_path / "r.txt"
    assert selftest.run_self_test(str(report)) == 1
    text = report.read_text(encoding="utf-8")
    assert "FAIL demo data" in text and "no demo for you" in text
    assert "self-test FAILED: demo data" in text
    assert "ok   open database and run migrations" in text


def test_self_test_never_touches_the_users_database(monkeypatch, tmp_path):
    user_db = tmp_path / "user.db"
    monkeypatch.setenv("LOYALTY_DB", str(user_db))
    monkeypatch.setattr(selftest, "_window", lambda tmp, state: "skipped")
    monkeypatch.setattr(selftest, "_import", lambda tmp, state: "skipped")
    assert selftest.run_self_test(str(tmp_path / "r.txt")) == 0
    assert not user_db.exists()


# --- single instance --------------------------------------------------------------------------------
def test_instance_key_is_per_database(tmp_path):
    from loyalty_desktop.ui.single_instance import instance_key

    a = instance_key(str(tmp_path / "a.db"))
    assert a == instance_key(str(tmp_path / "." / "a.db"))
    assert a != instance_key(str(tmp_path / "b.db"))
    assert a.startswith("loyalty-desktop-") and len(a) < 60


def test_second_launch_raises_the_first(qtbot, tmp_path):
    from PySide6.QtWidgets import QWidget

    from loyalty_desktop.ui.single_instance import acquire_instance

    db = str(tmp_path / "shop.db")
    window = QWidget()
    qtbot.addWidget(window)
    first = acquire_instance(db)
    assert first is not None
    raised = []
    first.raise_window = lambda: raised.append(True)
    first.attach(window)
    try:
        assert acquire_instance(db, wait_ms=1500) is None  # would-be second writer
        qtbot.waitUntil(lambda: bool(raised), timeout=3000)
        other = acquire_instance(str(tmp_path / "other.db"))  # another database: its own instance
        assert other is not None
        other.release()
    finally:
        first.release()
    again = acquire_instance(db)  # released: the next launch becomes the instance
    assert again is not None
    again.release()


def test_second_process_does_not_open_a_second_writer(qtbot, tmp_path):
    from loyalty_desktop.ui.single_instance import acquire_instance

    db = str(tmp_path / "shop.db")
    first = acquire_instance(db)
    raised = []
    first.raise_window = lambda: raised.append(True)
    code = (
        "import sys; from PySide6.QtWidgets import QApplication; app = QApplication([]);"
        "from loyalty_desktop.ui.single_instance import acquire_instance;"
        f"g = acquire_instance({db!r}); sys.exit(0 if g is None else 3)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code])
    try:
        qtbot.waitUntil(lambda: proc.poll() is not None, timeout=20000)
        assert proc.returncode == 0
        qtbot.waitUntil(lambda: bool(raised), timeout=3000)
    finally:
        if proc.poll() is None:
            proc.kill()
        first.release()


# --- crash hook ---------------------------------------------------------------------------------------
def test_crash_hook_logs_and_shows_plain_words(qtbot, monkeypatch):
    from loyalty_desktop.ui import crash

    shown = []
    monkeypatch.setattr(crash, "show_crash_dialog", lambda summary, details: shown.append((summary, details)))
    monkeypatch.setattr(crash, "_bridge", None)
    crash.install()
    crash._bridge.crashed.disconnect()
    crash._bridge.crashed.connect(lambda s, d: crash.show_crash_dialog(s, d))
    try:
        try:
            raise ValueError("bad value in row 7")
        except ValueError:
            sys.excepthook(*sys.exc_info())
        assert shown and shown[0][0] == "ValueError: bad value in row 7"
        assert "Traceback" in shown[0][1]

        def worker():
            raise KeyError("missing")

        t = threading.Thread(target=worker)
        t.start()
        t.join()
        qtbot.waitUntil(lambda: len(shown) == 2, timeout=3000)  # from the thread, through the signal
        assert shown[1][0].startswith("KeyError")
    finally:
        sys.excepthook = sys.__excepthook__
        threading.excepthook = threading.__excepthook__


def test_crash_message_names_the_log():
    from loyalty_desktop.ui.crash import crash_message

    text = crash_message("ValueError: x", "/tmp/logs/loyalty-desktop.log")
    assert "/tmp/logs/loyalty-desktop.log" in text and "ValueError: x" in text
    assert "safe" in text


def test_installer_files_are_consistent():
    """The spec, Inno script and workflow exist and agree on names and the version source."""
    spec = (ROOT / "installer" / "loyalty_desktop.spec").read_text(encoding="utf-8")
    iss = (ROOT / "installer" / "loyalty_desktop.iss").read_text(encoding="utf-8")
    wf = (ROOT / ".github" / "workflows" / "windows-installer.yml").read_text(encoding="utf-8")
    assert "upx=False" in spec and "console=False" in spec and "exclude_binaries=True" in spec
    assert "PrivilegesRequired=lowest" in iss and "{localappdata}\\Programs" in iss
    assert "Vietnamese" in iss and "English" in iss
    assert "desktopicon" in iss and "unchecked" in iss
    assert "installer/build.py" in wf and "--self-test" in wf
    # The installer asks to close the running app through the mutex the app holds (single_instance.py).
    from loyalty_desktop.ui.single_instance import APP_MUTEX

    assert f"AppMutex={APP_MUTEX}" in iss
    assert "MB_DEFBUTTON2" in iss and "UninstallSilent()" in iss  # data kept by default and when silent
    # What the size filtering must never drop: the PDF backend (dashboard report) and our hooks folder.
    assert '"matplotlib.backends.backend_pdf"' not in spec
    assert (ROOT / "installer" / "hooks" / "hook-phonenumbers.py").exists()


def test_logs_rotate_in_the_data_folder(monkeypatch, tmp_path):
    import logging
    import logging.handlers

    from loyalty_desktop import logging_setup

    monkeypatch.setattr(logging_setup, "log_dir", lambda: tmp_path / "logs")
    monkeypatch.setattr(logging_setup, "_configured", False)
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        path = logging_setup.setup_logging()
        assert path == tmp_path / "logs" / "loyalty-desktop.log"
        assert logging_setup.setup_logging() == path  # idempotent: one handler
        added = [h for h in root.handlers if h not in before]
        assert len(added) == 1 and isinstance(added[0], logging.handlers.RotatingFileHandler)
        assert added[0].maxBytes > 0 and added[0].backupCount >= 3
        logging.getLogger("loyalty_desktop.test").warning("khách hàng %s", "Nguyễn")
        added[0].flush()
        assert "khách hàng Nguyễn" in path.read_text(encoding="utf-8")
    finally:
        for h in root.handlers[:]:
            if h not in before:
                root.removeHandler(h)
                h.close()
