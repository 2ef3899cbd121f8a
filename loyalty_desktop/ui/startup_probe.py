"""Start-up measurement: time from process start to the main window first painted.

Enabled only when ``LOYALTY_STARTUP_PROBE=<file>`` is set (benchmarks, ``installer/measure_startup.py``):
on the first paint of a top-level ``QMainWindow`` it writes a JSON line to that file with the
wall-clock time (``time.time()``) and the seconds since the process started, then quits the app.
Installed by ``crash.install()``, which the app calls right after creating the QApplication.
"""

from __future__ import annotations

import json
import os
import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

ENV = "LOYALTY_STARTUP_PROBE"


def _process_start() -> float | None:
    """Wall-clock start time of this process (Linux /proc; elsewhere None)."""
    try:
        with open("/proc/self/stat") as fh:
            ticks = int(fh.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime") as fh:
            uptime = float(fh.read().split()[0])
        return time.time() - uptime + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


class _Probe(QObject):
    def __init__(self, path: str, app: QApplication) -> None:
        super().__init__(app)
        self.path = path
        self.done = False

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        if not self.done and event.type() == QEvent.Type.Paint and isinstance(obj, QMainWindow) and obj.isVisible():
            self.done = True
            now = time.time()
            start = _process_start()
            record = {"painted_at": now, "since_process_start_s": None if start is None else round(now - start, 3),
                      "frozen": bool(getattr(sys, "frozen", False))}
            with open(self.path, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(record) + "\n")
            QTimer.singleShot(0, QApplication.quit)
        return False


_probe: _Probe | None = None


def maybe_install() -> bool:
    global _probe
    path = os.environ.get(ENV)
    app = QApplication.instance()
    if not path or app is None or _probe is not None:
        return False
    _probe = _Probe(path, app)
    app.installEventFilter(_probe)
    return True
