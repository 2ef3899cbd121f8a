"""PyInstaller runtime hook: runs before the app's code in the bundle.

matplotlib keeps its config and font cache in MPLCONFIGDIR; by default a bundled app would rebuild
the font cache in a temporary folder on every start (seconds). Point it at the app's data folder
so it is built once. Also keep Qt from picking up plugins of another Qt installation on the PATH.
"""

import os
import sys


def _data_dir() -> str:
    try:
        from platformdirs import user_data_dir

        return user_data_dir("LoyaltyDesktop", appauthor=False, roaming=False)
    except Exception:  # noqa: BLE001 - never fail the start-up over this
        base = os.environ.get("LOCALAPPDATA") or os.path.expanduser("~/.local/share")
        return os.path.join(base, "LoyaltyDesktop")


if not os.environ.get("MPLCONFIGDIR"):
    mpl = os.path.join(_data_dir(), "matplotlib")
    try:
        os.makedirs(mpl, exist_ok=True)
        os.environ["MPLCONFIGDIR"] = mpl
    except OSError:
        pass
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.pop("QT_PLUGIN_PATH", None)
if sys.platform == "win32":
    os.environ.setdefault("QT_ENABLE_HIGHDPI_SCALING", "1")
