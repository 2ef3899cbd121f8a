"""Interface language: Vietnamese or English, following the system locale unless the user chose.

Sources are written in English; ``resources/translations/loyalty_vi.ts`` (our strings) and
``qtbase_vi.ts`` (Qt's own buttons and dialogs: Qt ships no Vietnamese) are compiled to .qm by the
build (``tools/i18n.py release``); in a source checkout a missing or stale .qm is rebuilt here.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QSettings, QTranslator

from loyalty_desktop.ui.resources import resources_dir

log = logging.getLogger(__name__)
LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}
SETTING_KEY = "ui/language"


def preferred_language(explicit: str | None = None) -> str:
    if explicit in LANGUAGES:
        return explicit
    chosen = QSettings("LoyaltyDesktop", "LoyaltyDesktop").value(SETTING_KEY)
    if chosen in LANGUAGES:
        return chosen
    return "vi" if QLocale.system().language() == QLocale.Language.Vietnamese else "en"


def current_language() -> str:
    """The language the running interface shows: "vi" or "en" (``install_translations`` sets the
    default QLocale to it, which is what every page reads)."""
    return "vi" if QLocale().language() == QLocale.Language.Vietnamese else "en"


def save_language(lang: str) -> None:
    QSettings("LoyaltyDesktop", "LoyaltyDesktop").setValue(SETTING_KEY, lang)


def _lrelease() -> str | None:
    exe = Path(sys.executable).with_name("pyside6-lrelease")
    return str(exe) if exe.exists() else shutil.which("pyside6-lrelease")


def compiled_translation(name: str) -> Path | None:
    """Path of ``name``.qm, rebuilding it from the .ts in a source checkout when stale."""
    folder = resources_dir() / "translations"
    ts, qm = folder / f"{name}.ts", folder / f"{name}.qm"
    if ts.exists() and (not qm.exists() or qm.stat().st_mtime < ts.stat().st_mtime):
        tool = _lrelease()
        if tool:
            try:
                subprocess.run([tool, "-silent", str(ts), "-qm", str(qm)], check=True, timeout=60)
            except (OSError, subprocess.SubprocessError):
                log.warning("could not compile %s", ts, exc_info=True)
    return qm if qm.exists() else None


_installed: list[QTranslator] = []


def install_translations(app: QCoreApplication, lang: str) -> str:
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    if lang == "vi":
        QLocale.setDefault(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
        for name in ("qtbase_vi", "loyalty_vi"):
            qm = compiled_translation(name)
            translator = QTranslator(app)
            if qm and translator.load(str(qm)):
                app.installTranslator(translator)
                _installed.append(translator)
            else:
                log.warning("translation %s not available", name)
    else:
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    return lang
