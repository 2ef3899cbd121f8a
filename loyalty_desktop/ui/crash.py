"""Unexpected errors: log them with the traceback and tell the user in plain words.

``install()`` sets ``sys.excepthook`` and ``threading.excepthook``. The dialog says what happened,
that the data is safe (every write runs in one transaction, so an error rolls it back), and where
the log is, with a button that opens the log folder. Errors in worker threads reach the dialog
through a queued signal. A burst of errors shows one dialog, not a cascade.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback

from PySide6.QtCore import QCoreApplication, QObject, QThread, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox

log = logging.getLogger("loyalty_desktop.crash")


class _Bridge(QObject):
    crashed = Signal(str, str)  # summary, traceback text


_bridge: _Bridge | None = None
_showing = False
_previous_hook = None


def crash_message(summary: str, log_file: str) -> str:
    return QCoreApplication.translate(
        "CrashDialog",
        "Loyalty Desktop ran into an unexpected problem and could not finish what it was doing.\n\n"
        "Your data is safe: unfinished changes were not saved.\n\n"
        "What happened: {summary}\n\n"
        "The details are in the log file:\n{log}\n"
        "If it happens again, please send this file to support."
    ).format(summary=summary, log=log_file)


def build_crash_dialog(summary: str, details: str, parent=None) -> tuple[QMessageBox, object]:
    """The dialog (and its "Open log folder" button), built but not shown."""
    from loyalty_desktop.logging_setup import log_path

    path = log_path()
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(QCoreApplication.translate("CrashDialog", "Unexpected error"))
    box.setText(crash_message(summary, str(path)))
    box.setDetailedText(details)
    open_btn = box.addButton(QCoreApplication.translate("CrashDialog", "Open log folder"),
                             QMessageBox.ButtonRole.ActionRole)
    box.addButton(QCoreApplication.translate("CrashDialog", "Close"), QMessageBox.ButtonRole.AcceptRole)
    return box, open_btn


def show_crash_dialog(summary: str, details: str) -> None:
    global _showing
    if _showing or QApplication.instance() is None:
        return
    _showing = True
    try:
        from loyalty_desktop.logging_setup import log_path

        box, open_btn = build_crash_dialog(summary, details, QApplication.activeWindow())
        box.exec()
        if box.clickedButton() is open_btn:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_path().parent)))
    finally:
        _showing = False


def _summary(exc_type, exc) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{exc_type.__name__}: {text}" if text else exc_type.__name__


def handle_exception(exc_type, exc, tb) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        if _previous_hook:
            _previous_hook(exc_type, exc, tb)
        return
    details = "".join(traceback.format_exception(exc_type, exc, tb))
    log.error("unexpected error\n%s", details)
    app = QApplication.instance()
    if app is None or _bridge is None:
        sys.stderr.write(details)
        return
    if QThread.currentThread() is app.thread():
        show_crash_dialog(_summary(exc_type, exc), details)
    else:
        _bridge.crashed.emit(_summary(exc_type, exc), details)


def _thread_hook(args) -> None:
    if args.exc_type is SystemExit:
        return
    handle_exception(args.exc_type, args.exc_value, args.exc_traceback)


def install() -> None:
    """Install the hooks (call after the QApplication exists). Safe to call twice."""
    global _bridge, _previous_hook
    if _bridge is not None:
        return
    _bridge = _Bridge(QApplication.instance())
    _bridge.crashed.connect(show_crash_dialog)
    _previous_hook = sys.excepthook
    sys.excepthook = handle_exception
    threading.excepthook = _thread_hook
    from loyalty_desktop.ui import startup_probe

    startup_probe.maybe_install()  # no-op unless LOYALTY_STARTUP_PROBE is set (benchmarks)
