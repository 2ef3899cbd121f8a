"""Build the Loyalty Desktop bundle (and on Windows the setup file).

    .venv/bin/python installer/build.py               # dist/LoyaltyDesktop/ (one folder)
    .venv/bin/python installer/build.py --self-test   # … then run the bundle's --self-test
    .venv\\Scripts\\python installer\\build.py --self-test   # Windows: also dist/LoyaltyDesktop-Setup-<ver>.exe

Steps: compile translations (.ts → .qm), make sure the icon exists, run PyInstaller on
``installer/loyalty_desktop.spec``, print the bundle size, optionally run ``--version`` and
``--self-test`` on the built executable, and on Windows compile ``installer/loyalty_desktop.iss``
with Inno Setup's ISCC when it is installed (or ``--iscc PATH``).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = "LoyaltyDesktop"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
SPEC = ROOT / "installer" / "loyalty_desktop.spec"
ISS = ROOT / "installer" / "loyalty_desktop.iss"


def version() -> str:
    text = (ROOT / "loyalty_desktop" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'__version__\s*=\s*"([^"]+)"', text).group(1)


def run(cmd: list, **kw) -> subprocess.CompletedProcess:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run([str(c) for c in cmd], cwd=ROOT, **kw)


def ensure_pyinstaller() -> None:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        print("PyInstaller is not installed here; installing the 'package' extra", flush=True)
        run([sys.executable, "-m", "pip", "install", "--quiet", "pyinstaller>=6.5"], check=True)


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def exe_path() -> Path:
    name = f"{APP}.exe" if sys.platform == "win32" else APP
    return DIST / APP / name


def find_iscc(explicit: str | None) -> str | None:
    if explicit:
        return explicit
    found = shutil.which("ISCC") or shutil.which("iscc")
    if found:
        return found
    for base in (os.environ.get("ProgramFiles(x86)"), os.environ.get("ProgramFiles"), os.environ.get("LOCALAPPDATA")):
        if base:
            for sub in ("Inno Setup 6", r"Programs\Inno Setup 6"):
                cand = Path(base) / sub / "ISCC.exe"
                if cand.exists():
                    return str(cand)
    return None


def self_test(exe: Path) -> int:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = run([exe, "--version"], capture_output=True, text=True, env=env, timeout=120)
    print(f"--version → exit {out.returncode}: {out.stdout.strip() or out.stderr.strip()}")
    if out.returncode != 0:
        return out.returncode or 1
    report = WORK / "self-test.txt"
    report.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    # The report goes to a file: a windowed Windows executable has no stdout.
    res = run([exe, "--self-test", report], env=env, timeout=600)
    print(report.read_text(encoding="utf-8") if report.exists() else "(no self-test report written)")
    print(f"--self-test → exit {res.returncode} in {time.perf_counter() - t0:.1f} s")
    return res.returncode


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Build the Loyalty Desktop bundle and installer.")
    ap.add_argument("--self-test", action="store_true", help="run --version and --self-test on the bundle")
    ap.add_argument("--no-setup", action="store_true", help="Windows: do not compile the Inno Setup installer")
    ap.add_argument("--iscc", help="path to Inno Setup's ISCC.exe")
    ap.add_argument("--skip-bundle", action="store_true", help="reuse dist/ (e.g. only re-run the self-test)")
    args = ap.parse_args(argv)

    ver = version()
    if not args.skip_bundle:
        t0 = time.perf_counter()
        run([sys.executable, "tools/i18n.py", "release"], check=True)
        if not (ROOT / "resources" / "icons" / "app.ico").exists():
            run([sys.executable, "installer/make_icon.py"], check=True)
        ensure_pyinstaller()
        run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
             "--distpath", DIST, "--workpath", WORK, SPEC], check=True)
        print(f"bundle built in {time.perf_counter() - t0:.0f} s")
    exe = exe_path()
    if not exe.exists():
        print(f"error: {exe} was not built", file=sys.stderr)
        return 1
    size = folder_size(DIST / APP)
    files = sum(1 for p in (DIST / APP).rglob("*") if p.is_file())
    print(f"bundle: {DIST / APP} — {size / 2**20:.0f} MiB in {files} files (version {ver})")

    code = 0
    if args.self_test:
        code = self_test(exe)
        if code:
            print("error: the bundle's self-test failed", file=sys.stderr)
            return code

    if sys.platform == "win32" and not args.no_setup:
        iscc = find_iscc(args.iscc)
        if not iscc:
            print("Inno Setup (ISCC.exe) not found: skipping the setup file. Install Inno Setup 6 or pass --iscc.")
        else:
            run([iscc, f"/DAppVersion={ver}", f"/DSourceDir={DIST / APP}", f"/O{DIST}", ISS], check=True)
            setup = DIST / f"{APP}-Setup-{ver}.exe"
            print(f"setup: {setup} ({setup.stat().st_size / 2**20:.0f} MiB)")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
