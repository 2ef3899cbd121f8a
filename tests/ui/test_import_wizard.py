"""The import wizard drives the real importer on a sample file (issue 3)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

pytest.importorskip("PySide6")

from loyalty_desktop.models import Customer, Purchase  # noqa: E402


@pytest.fixture
def ctx(db, qtbot):
    from loyalty_desktop.ui.context import AppContext

    context = AppContext(db)
    yield context
    context.tasks.shutdown()


def _count(db, table):
    with db.connect() as conn:
        return conn.execute(select(func.count()).select_from(table.__table__)).scalar()


def _wait_idle(qtbot, ctx):
    qtbot.waitUntil(lambda: ctx.tasks.running_count == 0, timeout=20000)


def test_wizard_imports_handmade_sheet_and_saves_report(ctx, db, qtbot, samples, tmp_path):
    from loyalty_desktop.ui.pages.import_wizard import ImportWizard

    main_file = Path(db.location)
    size_before = main_file.stat().st_size
    wizard = ImportWizard(ctx, None, kind="customers")
    qtbot.addWidget(wizard)
    wizard.show()
    assert not wizard.next_button.isEnabled()
    wizard.set_file(str(samples / "handmade_customers.xlsx"))
    qtbot.waitUntil(lambda: wizard.preview is not None, timeout=20000)
    assert wizard.sheet_combo.currentText() == "Khách hàng"
    assert wizard.next_button.isEnabled()
    qtbot.mouseClick(wizard.next_button, qtbot_button())
    assert wizard.stack.currentIndex() == wizard.PAGE_MAPPING
    # One combo per column, proposed from the headers: SĐT is the phone.
    headers = wizard.preview.headers
    assert wizard._combos[headers.index("SĐT")].currentData() == "phone"
    assert wizard.result_table.rowCount() > 0
    # Problems are highlighted: some first-rows problem shows in the last column, or none at all.
    changed = []
    wizard.imported.connect(changed.append)
    qtbot.mouseClick(wizard.next_button, qtbot_button())
    qtbot.waitUntil(lambda: wizard.stack.currentIndex() == wizard.PAGE_REPORT, timeout=30000)
    report = wizard.report
    assert (report.rows, report.created, report.rejected) == (217, 200, 7)
    assert wizard.rejects_table.rowCount() >= 7
    assert changed and _count(db, Customer) == 200
    saved = wizard.save_report(str(tmp_path / "report.xlsx"))
    assert saved and (tmp_path / "report.xlsx").exists()
    _wait_idle(qtbot, ctx)
    # The import's commit left its write-ahead log for a checkpoint in the background, which has run.
    assert main_file.stat().st_size > size_before


def test_wizard_remapping_a_column_and_missing_phone(ctx, db, qtbot, samples):
    from loyalty_desktop.ui.pages.import_wizard import ImportWizard

    wizard = ImportWizard(ctx, None, kind="customers", path=str(samples / "customers_old.xls"))
    qtbot.addWidget(wizard)
    qtbot.waitUntil(lambda: wizard.preview is not None, timeout=20000)
    wizard._next()
    phone_col = wizard.preview.mapping and [i for i, f in wizard.preview.mapping.items() if f == "phone"][0]
    combo = wizard._combos[phone_col]
    combo.setCurrentIndex(0)  # ignore the phone column
    combo.activated.emit(0)
    qtbot.waitUntil(lambda: wizard.preview is not None and wizard.preview.missing_required == ["phone"], timeout=20000)
    assert not wizard.next_button.isEnabled()
    combo = wizard._combos[phone_col]
    combo.setCurrentIndex(combo.findData("phone"))
    combo.activated.emit(combo.currentIndex())
    qtbot.waitUntil(lambda: wizard.preview is not None and not wizard.preview.missing_required, timeout=20000)
    assert wizard.next_button.isEnabled()
    wizard.dry_run.setChecked(True)
    wizard._next()
    qtbot.waitUntil(lambda: wizard.stack.currentIndex() == wizard.PAGE_REPORT, timeout=30000)
    assert wizard.report.dry_run and wizard.report.created == 20
    assert _count(db, Customer) == 0
    _wait_idle(qtbot, ctx)


def test_wizard_bad_file_shows_message(ctx, db, qtbot, tmp_path):
    from loyalty_desktop.ui.pages.import_wizard import ImportWizard

    bad = tmp_path / "photo.xlsx"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    wizard = ImportWizard(ctx, None, kind="customers", path=str(bad))
    qtbot.addWidget(wizard)
    qtbot.waitUntil(lambda: "spreadsheet" in wizard.file_status.text() or "bảng tính" in wizard.file_status.text(),
                    timeout=20000)
    assert not wizard.next_button.isEnabled()
    _wait_idle(qtbot, ctx)


def test_wizard_cancel_leaves_database_untouched(ctx, db, qtbot, samples):
    from loyalty_desktop.ui.pages.import_wizard import ImportWizard

    wizard = ImportWizard(ctx, None, kind="purchases", path=str(samples / "kiotviet_invoices.xlsx"))
    qtbot.addWidget(wizard)
    qtbot.waitUntil(lambda: wizard.preview is not None, timeout=20000)
    assert wizard.preview.preset == "kiotviet_invoices"
    wizard._next()
    wizard.start_import()
    wizard.cancel_import()  # at once: the worker stops at its next check and rolls back
    _wait_idle(qtbot, ctx)
    assert wizard.stack.currentIndex() == wizard.PAGE_MAPPING
    assert _count(db, Purchase) == 0 and _count(db, Customer) == 0


def qtbot_button():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_wizard_names_every_import_phase(ctx, qtbot):
    """Each progress text the importer reports has a translated name in the wizard (a missing one would
    show up in English on a Vietnamese screen)."""
    from loyalty_desktop.importing.engine import PHASES
    from loyalty_desktop.ui.pages.import_wizard import ImportWizard

    wizard = ImportWizard(ctx, None, kind="customers")
    qtbot.addWidget(wizard)
    assert set(wizard.phase_names()) == set(PHASES)
    wizard._on_progress(0.0, "Reading the file")  # one long call: a busy bar, not a bar stuck at 0%
    assert wizard.progress.maximum() == 0
    wizard._on_progress(0.5, "Indexing purchases")
    assert wizard.run_step.text() == wizard.phase_names()["Indexing purchases"]
    assert (wizard.progress.maximum(), wizard.progress.value()) == (1000, 500)


def test_closing_the_wizard_frees_the_parsed_file(ctx, qtbot, samples):
    """The preview keeps calamine's parsed sheet for the import; cancelling the wizard lets it go."""
    from loyalty_desktop.importing.readers import parsed_file
    from loyalty_desktop.ui.pages.import_wizard import ImportWizard

    wizard = ImportWizard(ctx, None, kind="customers", path=str(samples / "kiotviet_customers.xlsx"))
    qtbot.addWidget(wizard)
    assert not wizard.file_busy.isHidden()  # busy while the file is read
    qtbot.waitUntil(lambda: wizard.preview is not None, timeout=20000)
    assert wizard.file_busy.isHidden()
    assert parsed_file() is not None
    wizard.reject()
    assert parsed_file() is None
