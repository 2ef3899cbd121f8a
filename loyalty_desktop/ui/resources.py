"""Where icons, styles and translations live (source tree, or the PyInstaller bundle)."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def icon_path(name: str) -> str:
    return str(resources_dir() / "icons" / f"{name}.svg")


def icon(name: str):
    from PySide6.QtGui import QIcon

    return QIcon(icon_path(name))
