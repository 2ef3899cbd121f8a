"""Shared UI-test fixtures: the real main window on a real SQLite file with generated demo data."""

from __future__ import annotations

import pytest


@pytest.fixture
def demo_data(db):
    """Factory: fill the test database with generated demo data; returns the Database."""

    def fill(customers: int, purchases: int, seed: int):
        from loyalty_desktop.demo import generate_demo

        generate_demo(db, customers, purchases, seed=seed)
        return db

    return fill


@pytest.fixture
def ctx(qapp, demo_data):
    """An AppContext on 400 generated customers (seed 3); its workers are stopped after the test.
    Test modules that need another database define their own ``ctx``."""
    from loyalty_desktop.ui.context import AppContext

    context = AppContext(demo_data(400, 4000, 3))
    yield context
    context.tasks.shutdown()


@pytest.fixture
def main_window(qtbot, qapp, db, tmp_path):
    """Factory: the real MainWindow on a database, 1366×768, shown offscreen, settings in tmp.
    The task runner is shut down after the test, before the test database (``db``) is disposed."""
    from PySide6.QtCore import QSettings

    from loyalty_desktop.ui.context import AppContext
    from loyalty_desktop.ui.main_window import MainWindow

    contexts = []

    def open_window(database):
        ctx = AppContext(database)
        ctx.settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        contexts.append(ctx)
        win = MainWindow(ctx)
        qtbot.addWidget(win)
        win.resize(1366, 768)
        win.show()
        qtbot.waitExposed(win)
        return win

    yield open_window
    for ctx in contexts:
        ctx.tasks.shutdown()
