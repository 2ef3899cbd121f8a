"""Measure start-up to the first painted main window, for the bundle or the source checkout.

    .venv/bin/python installer/measure_startup.py --db bench-data/demo_200k.db            # the bundle
    .venv/bin/python installer/measure_startup.py --db bench-data/demo_200k.db --source   # python -m …

Each run launches the app with ``LOYALTY_STARTUP_PROBE`` set; the app writes the time of its first
main-window paint and quits (see ``loyalty_desktop/ui/startup_probe.py``). The first run is cold-ish
(matplotlib/font caches, OS file cache), the rest warm; figures only, no assertions. On Linux it uses
Xvfb (a real X server, platform xcb) when installed, else Qt's offscreen platform.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--runs", type=int, default=6)
    ap.add_argument("--source", action="store_true", help="measure `python -m loyalty_desktop` instead")
    ap.add_argument("--exe", default=str(ROOT / "dist" / "LoyaltyDesktop" /
                                         ("LoyaltyDesktop.exe" if sys.platform == "win32" else "LoyaltyDesktop")))
    ap.add_argument("--offscreen", action="store_true", help="use Qt's offscreen platform even if Xvfb exists")
    args = ap.parse_args(argv)

    cmd = [sys.executable, "-m", "loyalty_desktop"] if args.source else [args.exe]
    cmd += ["--db", str(Path(args.db).resolve()), "gui", "--lang", "vi"]
    env = dict(os.environ)
    xvfb = None
    platform = "native"
    if sys.platform.startswith("linux"):
        if shutil.which("Xvfb") and not args.offscreen:
            display = ":97"
            xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1.0)
            env["DISPLAY"] = display
            env["QT_QPA_PLATFORM"] = "xcb"
            platform = "xcb (Xvfb)"
        else:
            env["QT_QPA_PLATFORM"] = "offscreen"
            platform = "offscreen"
    times = []
    try:
        for i in range(args.runs):
            probe = Path(tempfile.mkstemp(suffix=".json")[1])
            probe.write_text("")
            env["LOYALTY_STARTUP_PROBE"] = str(probe)
            t0 = time.time()
            proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            try:
                _, err = proc.communicate(timeout=120)
            except subprocess.TimeoutExpired:
                proc.kill()
                _, err = proc.communicate()
            lines = probe.read_text().splitlines()
            probe.unlink()
            if not lines:
                print(f"run {i + 1}: no window painted (exit {proc.returncode}): {err.decode()[-400:]}")
                continue
            rec = json.loads(lines[0])
            dt = rec["painted_at"] - t0
            times.append(dt)
            print(f"run {i + 1}: {dt:.2f} s to first painted main window (exit {proc.returncode})")
    finally:
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait()
    if times:
        warm = times[1:] or times
        print(json.dumps({"what": "source" if args.source else "bundle", "platform": platform, "db": args.db,
                          "first_s": round(times[0], 2), "warm_median_s": round(statistics.median(warm), 2),
                          "warm_min_s": round(min(warm), 2), "runs": len(times)}))
    return 0 if times else 1


if __name__ == "__main__":
    raise SystemExit(main())
