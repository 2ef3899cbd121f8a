"""Every string the UI shows has a Vietnamese translation (Qt's own buttons included)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import i18n  # noqa: E402


def test_every_ui_string_has_a_vietnamese_translation(tmp_path):
    """Extract the strings from the current code (as lupdate does) and look each one up."""
    ts = tmp_path / "loyalty_vi.ts"
    shutil.copy(i18n.APP_TS, ts)
    files = sorted(str(p) for p in i18n.SOURCES.rglob("*.py"))
    subprocess.run([i18n._tool("pyside6-lupdate"), "-silent", "-no-obsolete", "-locations", "none", *files,
                    "-ts", str(ts)], check=True)
    missing = i18n.missing(ts)
    assert not missing, f"{len(missing)} UI strings without Vietnamese, e.g. {missing[:10]}"
    assert sum(1 for _ in i18n.messages(ts)) > 50  # the extraction really found the UI


def test_qt_standard_dialogs_are_translated():
    assert not i18n.missing(i18n.TS_DIR / "qtbase_vi.ts")


def test_vietnamese_is_loaded_at_run_time(qapp):
    from PySide6.QtCore import QCoreApplication

    from loyalty_desktop.ui.i18n import install_translations

    install_translations(qapp, "vi")
    try:
        assert QCoreApplication.translate("MainWindow", "Customers") == "Khách hàng"
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Hủy"
    finally:
        install_translations(qapp, "en")
    assert QCoreApplication.translate("MainWindow", "Customers") == "Customers"


@pytest.mark.parametrize("name", ["loyalty_vi", "qtbase_vi"])
def test_release_builds_qm(tmp_path, name):
    built = i18n.release(tmp_path)
    assert (tmp_path / f"{name}.qm") in built and (tmp_path / f"{name}.qm").stat().st_size > 100
