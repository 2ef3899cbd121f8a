#!/usr/bin/env python3
"""Developer entry point; needs only Python 3.11+.

    python3 dev.py app    # set up .venv, build translations, open the app on a local demo database
    python3 dev.py test   # set up .venv, build translations, run the whole test suite (Qt offscreen)

Extra arguments after ``test`` go to pytest; after ``app`` to ``loyalty-desktop gui``.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
DEMO_DB = ROOT / "demo-data" / "demo.db"
DEMO_SIZE = ("20000", "200000")


def run(*cmd, env=None) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, env=env)


def setup() -> None:
    if sys.version_info < (3, 11):
        raise SystemExit("Loyalty Desktop needs Python 3.11 or newer")
    if not PY.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / ".installed"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text() != digest:
        run(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        run(PY, "-m", "pip", "install", "--quiet", "-e", ".[test]")
        stamp.write_text(digest)
    run(PY, "tools/i18n.py", "release")


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"app", "test", "setup"}:
        print(__doc__)
        return 2
    setup()
    env = dict(os.environ)
    if argv[0] == "test":
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        env.setdefault("MPLBACKEND", "Agg")
        return subprocess.run([str(PY), "-m", "pytest", *argv[1:]], cwd=ROOT, env=env).returncode
    if argv[0] == "app":
        if not DEMO_DB.exists():
            DEMO_DB.parent.mkdir(exist_ok=True)
            run(PY, "-m", "loyalty_desktop", "--db", DEMO_DB, "demo",
                "--customers", DEMO_SIZE[0], "--purchases", DEMO_SIZE[1], "--seed", "1")
        return subprocess.run([str(PY), "-m", "loyalty_desktop", "--db", str(DEMO_DB), "gui", *argv[1:]],
                              cwd=ROOT, env=env).returncode
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
