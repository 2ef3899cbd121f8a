"""Background work for the UI: the UI thread never waits on the database or a file.

``TaskRunner.run(key, fn, *args, on_result=…, on_error=…, on_progress=…, write=False)`` runs
``fn(state, *args)`` on a worker thread. Starting a task with a key that is still running cancels the
older task (its sqlite query is interrupted) and drops its result, so a stale answer never reaches
the screen (the Orange3 ``ConcurrentMixin`` pattern). Write tasks go through a pool of one thread:
one writer at a time. Workers open their own connection and return plain data.
"""

from __future__ import annotations

import itertools
import logging
import threading
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from loyalty_desktop.errors import Cancelled

log = logging.getLogger(__name__)


class TaskState:
    """Handed to the worker function: progress reporting and cooperative cancellation."""

    def __init__(self, signals: "_TaskSignals") -> None:
        self._signals = signals
        self._cancel = threading.Event()
        self._interrupt: Callable[[], None] | None = None
        self._last_progress: tuple[int, str] | None = None
        self._lock = threading.Lock()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise ``Cancelled`` if the task was cancelled (call it between steps)."""
        if self._cancel.is_set():
            raise Cancelled()

    def set_interrupt(self, fn: Callable[[], None] | None) -> None:
        """``fn`` is called on cancel from the UI thread, e.g. ``sqlite3.Connection.interrupt``."""
        with self._lock:
            self._interrupt = fn
        if fn is not None and self._cancel.is_set():
            fn()

    def interrupt_connection(self, sa_connection) -> None:
        """Let cancel interrupt the running statement of this SQLAlchemy connection (SQLite)."""
        raw = getattr(sa_connection.connection, "driver_connection", None)
        if raw is not None and hasattr(raw, "interrupt"):
            self.set_interrupt(raw.interrupt)

    def progress(self, fraction: float | None, text: str = "") -> None:
        """Report progress 0..1 (None = unknown); emitted only when it visibly changes."""
        key = (-1 if fraction is None else int(fraction * 100), text)
        if key != self._last_progress:
            self._last_progress = key
            self._signals.progress.emit(-1.0 if fraction is None else float(fraction), text)

    def cancel(self) -> None:
        self._cancel.set()
        with self._lock:
            fn = self._interrupt
        if fn is not None:
            try:
                fn()
            except Exception:  # the connection may already be closed
                log.debug("interrupt failed", exc_info=True)


class _TaskSignals(QObject):
    result = Signal(object)
    error = Signal(object)
    progress = Signal(float, str)
    finished = Signal()


class Task(QRunnable):
    def __init__(self, key: str, fn: Callable, args: tuple, kwargs: dict) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the runner keeps the reference until ``finished``
        self.key = key
        self.fn = fn
        self.args = args
        self.kwargs = kwargs
        self.signals = _TaskSignals()
        self.state = TaskState(self.signals)
        self.id = next(_ids)

    def cancel(self) -> None:
        self.state.cancel()

    @property
    def cancelled(self) -> bool:
        return self.state.cancelled

    def run(self) -> None:  # worker thread
        try:
            if self.state.cancelled:
                return
            result = self.fn(self.state, *self.args, **self.kwargs)
        except Cancelled:
            pass
        except Exception as exc:  # reported to the UI in plain words
            if not (self.state.cancelled and _is_interrupt(exc)):
                if not self.state.cancelled:
                    log.exception("task %s failed", self.key)
                    self.signals.error.emit(exc)
        else:
            if not self.state.cancelled:
                self.signals.result.emit(result)
        finally:
            self.signals.finished.emit()


_ids = itertools.count(1)


def _call_unless_deleted(fn: Callable, *args) -> None:
    """Deliver to a UI callback; a widget destroyed while its task ran simply gets nothing."""
    try:
        fn(*args)
    except RuntimeError as exc:
        if "already deleted" not in str(exc):
            raise
        log.debug("dropped a result for a deleted widget: %s", exc)


def _is_interrupt(exc: BaseException) -> bool:
    return "interrupted" in str(exc).lower()


class TaskRunner(QObject):
    """Owns the worker pools and the running tasks. One per application context."""

    busy_changed = Signal(bool)  # True only after work has run for ~300 ms

    def __init__(self, parent: QObject | None = None, read_threads: int = 3) -> None:
        super().__init__(parent)
        self._read_pool = QThreadPool(self)
        self._read_pool.setMaxThreadCount(read_threads)
        self._write_pool = QThreadPool(self)
        self._write_pool.setMaxThreadCount(1)
        self._current: dict[str, Task] = {}
        self._running: set[Task] = set()
        self._busy_timer = QTimer(self, singleShot=True, interval=300)
        self._busy_timer.timeout.connect(lambda: self.busy_changed.emit(bool(self._running)))
        self._busy_shown = False

    def run(
        self,
        key: str,
        fn: Callable[..., Any],
        *args,
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[float, str], None] | None = None,
        on_finished: Callable[[], None] | None = None,
        write: bool = False,
        **kwargs,
    ) -> Task:
        previous = self._current.get(key)
        if previous is not None:
            previous.cancel()
        task = Task(key, fn, args, kwargs)
        self._current[key] = task
        self._running.add(task)

        def deliver(result, task=task):
            if self._current.get(task.key) is task and not task.cancelled and on_result:
                _call_unless_deleted(on_result, result)

        def fail(exc, task=task):
            if self._current.get(task.key) is task and not task.cancelled and on_error:
                _call_unless_deleted(on_error, exc)

        def progress(fraction, text, task=task):
            if not task.cancelled and on_progress:
                _call_unless_deleted(on_progress, fraction, text)

        def done(task=task):
            self._running.discard(task)
            if self._current.get(task.key) is task:
                del self._current[task.key]
            if on_finished and not task.cancelled:
                on_finished()
            self._update_busy()

        task.signals.result.connect(deliver)
        task.signals.error.connect(fail)
        task.signals.progress.connect(progress)
        task.signals.finished.connect(done)
        (self._write_pool if write else self._read_pool).start(task)
        self._update_busy()
        return task

    def cancel(self, key: str) -> None:
        task = self._current.pop(key, None)
        if task is not None:
            task.cancel()

    def is_running(self, key: str) -> bool:
        return key in self._current

    @property
    def running_count(self) -> int:
        return len(self._running)

    def _update_busy(self) -> None:
        if self._running and not self._busy_timer.isActive() and not self._busy_shown:
            self._busy_timer.start()
            self._busy_shown = True
        elif not self._running:
            self._busy_timer.stop()
            self._busy_shown = False
            self.busy_changed.emit(False)

    def shutdown(self, wait_ms: int = 5000) -> bool:
        """Cancel everything and wait for the threads (avoids "QThread destroyed while running")."""
        for task in list(self._running):
            task.cancel()
        ok = self._read_pool.waitForDone(wait_ms) and self._write_pool.waitForDone(wait_ms)
        self._current.clear()
        return ok

    def wait_idle(self, timeout_ms: int = 10000) -> bool:
        """For tests and scripts: wait until no task runs (events are not processed here)."""
        return self._read_pool.waitForDone(timeout_ms) and self._write_pool.waitForDone(timeout_ms)
