"""Rotating log files in the per-user data folder (shown to the user when something goes wrong)."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from loyalty_desktop import APP_NAME

_configured = False


def log_dir() -> Path:
    from platformdirs import user_log_dir

    return Path(user_log_dir(APP_NAME, appauthor=False))


def log_path() -> Path:
    return log_dir() / "loyalty-desktop.log"


def setup_logging(level: int = logging.INFO) -> Path:
    """Log to a rotating file (5 × 1 MiB). Safe to call more than once."""
    global _configured
    path = log_path()
    if _configured:
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError:  # read-only profile: still run, log to stderr
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    _configured = True
    return path
