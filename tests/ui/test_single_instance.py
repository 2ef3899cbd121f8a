"""One running app per database, checked with real launches of the app (``python -m loyalty_desktop gui``).

The first instance is this test process (an ``InstanceGuard`` with a real window), so the test can see
its window being raised; later launches are separate processes, exactly as a shop owner double-clicking
the icon again. A launch that wrongly opened its own window would paint it and quit through the start-up
probe (``LOYALTY_STARTUP_PROBE``), so a broken guard fails the test instead of hanging it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path, probe: Path) -> dict:
    env = dict(os.environ)
    env.pop("LOYALTY_DB", None)
    env.update(QT_QPA_PLATFORM="offscreen", MPLBACKEND="Agg", LOYALTY_STARTUP_PROBE=str(probe),
               # settings, logs and caches of the launched app stay in the test folder
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_STATE_HOME=str(tmp_path / "state"),
               XDG_DATA_HOME=str(tmp_path / "data"), XDG_CACHE_HOME=str(tmp_path / "cache"))
    return env


def _launch(tmp_path: Path, db: Path, name: str) -> tuple[subprocess.Popen, Path]:
    probe = tmp_path / f"{name}-probe.jsonl"
    probe.write_text("")
    proc = subprocess.Popen([sys.executable, "-m", "loyalty_desktop", "--db", str(db), "gui", "--lang", "en"],
                            cwd=ROOT, env=_env(tmp_path, probe), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return proc, probe


def _finish(qtbot, proc: subprocess.Popen, timeout_ms: int = 60000) -> str:
    """Wait for the launch to end while this process's event loop runs (so the guard can answer)."""
    try:
        qtbot.waitUntil(lambda: proc.poll() is not None, timeout=timeout_ms)
    finally:
        if proc.poll() is None:
            proc.kill()
    _out, err = proc.communicate()
    return err.decode("utf-8", "replace")


def _db_files(db: Path) -> list[str]:
    return sorted(p.name for p in db.parent.glob(db.name + "*"))


@pytest.fixture
def first_instance(qtbot):
    """Factory: become the running instance for a database, with a minimised main window."""
    from PySide6.QtWidgets import QLabel, QMainWindow

    from loyalty_desktop.ui.single_instance import acquire_instance

    guards = []

    def start(db: Path):
        guard = acquire_instance(str(db))
        assert guard is not None, "the test could not become the first instance"
        guards.append(guard)
        window = QMainWindow()
        window.setCentralWidget(QLabel("first instance"))
        qtbot.addWidget(window)
        window.showMinimized()
        guard.attach(window)
        return guard, window

    yield start
    for guard in guards:
        guard.release()


def test_second_launch_neither_opens_the_database_nor_a_window_and_raises_the_first(qtbot, tmp_path,
                                                                                      first_instance):
    db = tmp_path / "shop.db"  # does not exist: opening (migrating) it would create it
    _guard, window = first_instance(db)
    assert window.isMinimized()

    proc, probe = _launch(tmp_path, db, "second")
    err = _finish(qtbot, proc)

    assert proc.returncode == 0, err
    assert _db_files(db) == [], "the second launch opened (created/migrated) the database"
    assert probe.read_text() == "", "the second launch showed its own main window"
    qtbot.waitUntil(lambda: not window.isMinimized(), timeout=3000)  # brought forward
    assert window.isVisible()


def test_two_databases_run_side_by_side(qtbot, tmp_path, first_instance):
    shop_a, shop_b = tmp_path / "a" / "shop.db", tmp_path / "b" / "shop.db"  # same file name, other folder
    shop_a.parent.mkdir()
    shop_b.parent.mkdir()
    _guard, window = first_instance(shop_a)

    proc, probe = _launch(tmp_path, shop_b, "other")
    err = _finish(qtbot, proc, timeout_ms=120000)

    assert proc.returncode == 0, err
    painted = [json.loads(line) for line in probe.read_text().splitlines()]
    assert len(painted) == 1, f"the launch on another database did not show its window: {err[-800:]}"
    assert "shop.db" in _db_files(shop_b)  # it opened (and migrated) its own database
    assert _db_files(shop_a) == []  # and left the running instance's database alone
    assert window.isMinimized()  # nobody asked the first instance to come forward


def test_an_unresponsive_instance_still_blocks_a_second_writer(qtbot, tmp_path):
    """The lock is held by a process that does not answer (hung): the launch gives up, never opens."""
    from PySide6.QtCore import QLockFile

    from loyalty_desktop.ui.single_instance import _lock_path, instance_key

    db = tmp_path / "shop.db"
    lock = QLockFile(_lock_path(instance_key(str(db))))
    assert lock.tryLock(100)
    try:
        proc, probe = _launch(tmp_path, db, "blocked")
        err = _finish(qtbot, proc)
    finally:
        lock.unlock()
    assert proc.returncode == 0, err
    assert _db_files(db) == []
    assert probe.read_text() == ""


def test_a_crashed_instance_does_not_lock_the_database_out(qtbot, tmp_path):
    """Killed while running: its lock (dead PID) and socket are taken over by the next launch."""
    from PySide6.QtWidgets import QWidget

    from loyalty_desktop.ui.single_instance import acquire_instance

    db = tmp_path / "shop.db"
    code = (
        "import sys, time; from PySide6.QtWidgets import QApplication; app = QApplication([]);"
        "from loyalty_desktop.ui.single_instance import acquire_instance;"
        f"g = acquire_instance({str(db)!r}); print('locked' if g else 'refused', flush=True); time.sleep(120)"
    )
    crashed = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE,
                               env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    try:
        assert crashed.stdout.readline().strip() == b"locked"
    finally:
        crashed.kill()
        crashed.wait()

    guard = acquire_instance(str(db))
    assert guard is not None, "the dead instance's lock was not taken over"
    try:
        raised = []
        window = QWidget()
        qtbot.addWidget(window)
        guard.attach(window)
        guard.raise_window = lambda: raised.append(True)
        # the new instance answers later launches (its server replaced the dead one's socket)
        proc, probe = _launch(tmp_path, db, "after-crash")
        err = _finish(qtbot, proc)
        assert proc.returncode == 0, err
        assert raised == [True]
        assert _db_files(db) == [] and probe.read_text() == ""
    finally:
        guard.release()
