"""The core never imports Qt: everything outside loyalty_desktop/ui can run headless."""

import subprocess
import sys

CHECK = r"""
import importlib, pkgutil, sys
import loyalty_desktop
names = []
for mod in pkgutil.walk_packages(loyalty_desktop.__path__, "loyalty_desktop."):
    if mod.name.startswith("loyalty_desktop.ui") or mod.name.startswith("loyalty_desktop.migrations"):
        continue
    if mod.name == "loyalty_desktop.__main__":
        continue
    importlib.import_module(mod.name)
    names.append(mod.name)
from loyalty_desktop.cli import build_parser
build_parser()
qt = sorted(m for m in sys.modules if m.startswith("PySide6") or m.startswith("shiboken6"))
print(len(names))
assert not qt, f"core imported Qt: {qt[:5]}"
"""


def test_core_modules_do_not_import_qt():
    result = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) >= 10  # really imported the core modules
