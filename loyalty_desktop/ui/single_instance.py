"""One running app per database: a second launch on the same database raises the first window.

The first instance takes a ``QLockFile`` keyed by a hash of the database location (and the user),
then listens on a ``QLocalServer`` with the same key. A later launch fails to take the lock,
connects to the server, sends ``raise`` and exits before it opens the database, so there is never
a second writer. The lock file is PID-based: after a crash the stale lock is taken over.

Wiring in ``ui/app.py`` (before the database is opened)::

    guard = acquire_instance(db_location)          # None: the running app was raised; exit 0
    if guard is None:
        return 0
    window = open_main_window(db_location)
    guard.attach(window)                           # later launches raise this window
"""

from __future__ import annotations

import getpass
import hashlib
import logging
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDir, QLockFile, QObject, Qt
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

RAISE = b"raise\n"
# Windows: a named mutex that exists while any instance runs; the installer's ``AppMutex`` (see
# installer/loyalty_desktop.iss) uses it to ask the user to close the app before upgrading or uninstalling.
APP_MUTEX = "LoyaltyDesktop.Running"


def _create_app_mutex():
    """Windows only: a handle to ``APP_MUTEX`` (kept open for the life of the instance), else None."""
    if sys.platform != "win32":
        return None
    try:
        import ctypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        kernel32.CreateMutexW.restype = ctypes.c_void_p
        kernel32.CreateMutexW.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_wchar_p]
        return kernel32.CreateMutexW(None, 0, APP_MUTEX) or None
    except Exception:  # noqa: BLE001 - only the installer's "please close the app" prompt depends on it
        log.warning("single instance: could not create the app mutex", exc_info=True)
        return None


def _close_app_mutex(handle) -> None:
    if handle is None or sys.platform != "win32":
        return
    try:
        import ctypes

        ctypes.WinDLL("kernel32").CloseHandle(ctypes.c_void_p(handle))
    except Exception:  # noqa: BLE001
        pass


def instance_key(db_location: str | None) -> str:
    """Stable, short, filesystem- and pipe-safe key for this user and database."""
    from loyalty_desktop.db import is_url, resolve_location

    location = resolve_location(db_location)
    if not is_url(location):
        location = str(Path(location).expanduser().resolve())
        if sys.platform == "win32":
            location = location.lower()
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in some service contexts
        user = str(os.getuid()) if hasattr(os, "getuid") else ""
    digest = hashlib.sha256(f"{user}\0{location}".encode("utf-8")).hexdigest()[:20]
    return f"loyalty-desktop-{digest}"


class InstanceGuard(QObject):
    """Held by the first instance for as long as it runs; raises its window on request."""

    def __init__(self, key: str, lock: QLockFile, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self._lock = lock
        self._window: QWidget | None = None
        self._pending_raise = False
        self._clients: list[QLocalSocket] = []
        self._mutex = _create_app_mutex()
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        QLocalServer.removeServer(key)  # a stale socket file left by a crash (Unix)
        if not self.server.listen(key):
            log.warning("single instance: cannot listen on %s: %s", key, self.server.errorString())
        self.server.newConnection.connect(self._on_connection)

    def attach(self, window: QWidget) -> None:
        self._window = window
        if self._pending_raise:
            self._pending_raise = False
            self.raise_window()

    def raise_window(self) -> None:
        w = self._window
        if w is None:
            self._pending_raise = True
            return
        if w.isMinimized():
            w.setWindowState((w.windowState() & ~Qt.WindowState.WindowMinimized) | Qt.WindowState.WindowActive)
        w.show()
        w.raise_()
        w.activateWindow()
        log.info("single instance: another launch asked to raise the window")

    def _on_connection(self) -> None:
        while self.server.hasPendingConnections():
            sock = self.server.nextPendingConnection()
            self._clients.append(sock)
            sock.readyRead.connect(lambda s=sock: self._on_ready(s))
            sock.disconnected.connect(lambda s=sock: self._drop(s))

    def _on_ready(self, sock: QLocalSocket) -> None:
        data = bytes(sock.readAll().data())
        if RAISE.strip() in data:
            self.raise_window()
            sock.write(b"ok\n")
            sock.flush()

    def _drop(self, sock: QLocalSocket) -> None:
        if sock in self._clients:
            self._clients.remove(sock)
        sock.deleteLater()

    def release(self) -> None:
        self.server.close()
        self._lock.unlock()
        _close_app_mutex(self._mutex)
        self._mutex = None


def _lock_path(key: str) -> str:
    return str(Path(QDir.tempPath()) / f"{key}.lock")


def _notify_running(key: str, timeout_ms: int) -> bool:
    """Ask the running instance to raise its window. True when it answered."""
    deadline = time.monotonic() + timeout_ms / 1000
    while time.monotonic() < deadline:
        sock = QLocalSocket()
        sock.connectToServer(key)
        if sock.waitForConnected(300):
            sock.write(RAISE)
            sock.flush()
            sock.waitForBytesWritten(500)
            sock.waitForReadyRead(500)
            sock.disconnectFromServer()
            return True
        QCoreApplication.processEvents()
        time.sleep(0.1)  # the first instance may still be starting its server
    return False


def acquire_instance(db_location: str | None, window: QWidget | None = None,
                     wait_ms: int = 3000) -> InstanceGuard | None:
    """Become the instance for this database, or raise the running one and return ``None``.

    Keep the returned guard alive until the app exits (it holds the lock and the server).
    """
    key = instance_key(db_location)
    lock = QLockFile(_lock_path(key))
    lock.setStaleLockTime(0)  # only a dead PID makes the lock stale, never its age
    if lock.tryLock(100):
        guard = InstanceGuard(key, lock, QCoreApplication.instance())
        if window is not None:
            guard.attach(window)
        return guard
    if _notify_running(key, wait_ms):
        return None
    # The lock holder does not answer (hung, or another user's session): do not open a second
    # writer; the caller tells the user.
    log.warning("single instance: %s is locked by a process that does not answer", key)
    if QCoreApplication.instance() is not None and os.environ.get("QT_QPA_PLATFORM") != "offscreen":
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.information(
            None,
            QCoreApplication.translate("SingleInstance", "Loyalty Desktop is already open"),
            QCoreApplication.translate(
                "SingleInstance",
                "Loyalty Desktop is already open on this database but does not respond. "
                "Close it (or restart the computer), then open it again.",
            ),
        )
    return None
