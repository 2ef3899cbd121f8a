"""Render every page offscreen to PNG on a demo database: ``python -m loyalty_desktop.ui.screenshots OUTDIR``.

The README's pictures come from here. A page module may define ``screenshots(ctx, window, out_dir)``
to render extra states or dialogs (it returns the list of files it wrote).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import time
from pathlib import Path


def _settle(app, window=None, seconds: float = 0.3, idle_tasks=None) -> None:
    """Process events until background tasks are done (and at least ``seconds``)."""
    deadline = time.monotonic() + 60
    end = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        busy = idle_tasks is not None and idle_tasks.running_count > 0
        if not busy and time.monotonic() >= end:
            break
        time.sleep(0.02)
    app.processEvents()


def render_all(out_dir: Path, db_path: Path | None = None, sizes=((1366, 768),), lang: str = "vi",
               customers: int = 3000, purchases: int = 30000) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from loyalty_desktop.db import open_database
    from loyalty_desktop.ui.app import create_application
    from loyalty_desktop.ui.context import AppContext
    from loyalty_desktop.ui.main_window import PAGES, MainWindow

    app = create_application(lang)
    out_dir.mkdir(parents=True, exist_ok=True)
    if db_path is None:
        db_path = Path(tempfile.mkdtemp()) / "demo.db"
    fresh = not db_path.exists()
    db = open_database(str(db_path))
    if fresh:
        from loyalty_desktop.demo import generate_demo

        generate_demo(db, customers, purchases, seed=7)
    ctx = AppContext(db)
    window = MainWindow(ctx)
    written: list[Path] = []
    for width, height in sizes:
        suffix = "" if (width, height) == (1366, 768) else f"-{width}x{height}"
        window.resize(width, height)
        window.show()
        _settle(app, window, 0.5, ctx.tasks)
        for key, module_name, _cls in PAGES:
            window.navigate(key)
            _settle(app, window, 1.0, ctx.tasks)
            path = out_dir / f"{key}{suffix}.png"
            window.grab().save(str(path))
            written.append(path)
            module = importlib.import_module(module_name)
            hook = getattr(module, "screenshots", None)
            if hook and not suffix:
                written.extend(hook(ctx, window, out_dir) or [])
                _settle(app, window, 0.2, ctx.tasks)
    # The empty-database welcome screen.
    empty_db = open_database(str(Path(tempfile.mkdtemp()) / "empty.db"))
    empty_ctx = AppContext(empty_db)
    empty = MainWindow(empty_ctx)
    empty.resize(1366, 768)
    empty.show()
    _settle(app, empty, 0.5, empty_ctx.tasks)
    path = out_dir / "welcome.png"
    empty.grab().save(str(path))
    written.append(path)
    empty.close()
    window.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--db", type=Path, help="use this database instead of a fresh demo one")
    parser.add_argument("--lang", default="vi", choices=["vi", "en"])
    parser.add_argument("--large", action="store_true", help="also render at 1920×1080")
    args = parser.parse_args(argv)
    sizes = ((1366, 768), (1920, 1080)) if args.large else ((1366, 768),)
    for path in render_all(args.out_dir, args.db, sizes, args.lang):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
