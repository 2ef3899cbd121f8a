"""Measure start-up to the first painted main window, for the bundle or the source checkout.

    .venv/bin/python installer/measure_startup.py --db bench-data/demo_200k.db            # the bundle, as the shortcut
    .venv/bin/python installer/measure_startup.py --db bench-data/demo_200k.db --cli      # … with `--db DB gui`
    .venv/bin/python installer/measure_startup.py --db bench-data/demo_200k.db --source   # python -m …

Each run launches the app with ``LOYALTY_STARTUP_PROBE`` set; the app writes the time of its first
main-window paint and quits (see ``loyalty_desktop/ui/startup_probe.py``). Besides the wall time it
reports the CPU seconds each run used (start-up + paint + quit; POSIX), a figure that other load on a
shared machine barely changes, and the load average at the end. The first run is cold-ish
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
    ap.add_argument("--cli", action="store_true",
                    help="bundle: start it as `LoyaltyDesktop --db DB gui --lang vi` instead of as the shortcut does "
                         "(no arguments, database from LOYALTY_DB)")
    args = ap.parse_args(argv)

    env = dict(os.environ)
    if args.source or args.cli:
        cmd = [sys.executable, "-m", "loyalty_desktop"] if args.source else [args.exe]
        cmd += ["--db", str(Path(args.db).resolve()), "gui", "--lang", "vi"]
    else:  # what the Start-menu shortcut runs
        cmd = [args.exe]
        env["LOYALTY_DB"] = str(Path(args.db).resolve())
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
    times, cpus = [], []
    try:
        for i in range(args.runs):
            probe = Path(tempfile.mkstemp(suffix=".json")[1])
            probe.write_text("")
            env["LOYALTY_STARTUP_PROBE"] = str(probe)
            err_file = tempfile.TemporaryFile()
            t0 = time.time()
            proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=err_file)
            cpu = None
            if hasattr(os, "wait4"):
                # CPU seconds the app used (start-up, first paint, quit): unlike wall time, barely
                # affected by other processes competing for the CPU on a shared machine.
                deadline = time.time() + 120
                while True:
                    pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                    if pid:
                        proc.returncode = os.waitstatus_to_exitcode(status)
                        cpu = usage.ru_utime + usage.ru_stime
                        break
                    if time.time() > deadline:
                        proc.kill()
                        proc.wait()
                        break
                    time.sleep(0.01)
            else:
                try:
                    proc.wait(timeout=120)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            err_file.seek(0)
            err = err_file.read()
            err_file.close()
            lines = probe.read_text().splitlines()
            probe.unlink()
            if not lines:
                print(f"run {i + 1}: no window painted (exit {proc.returncode}): {err.decode()[-400:]}")
                continue
            rec = json.loads(lines[0])
            dt = rec["painted_at"] - t0
            times.append(dt)
            if cpu is not None:
                cpus.append(cpu)
            print(f"run {i + 1}: {dt:.2f} s to first painted main window (exit {proc.returncode})"
                  + (f", {cpu:.2f} s CPU in all" if cpu is not None else ""))
    finally:
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait()
    if times:
        warm = times[1:] or times
        what = "source" if args.source else "bundle (CLI)" if args.cli else "bundle (shortcut)"
        print(json.dumps({"what": what, "platform": platform, "db": args.db,
                          "first_s": round(times[0], 2), "warm_median_s": round(statistics.median(warm), 2),
                          "warm_min_s": round(min(warm), 2), "runs": len(times),
                          "warm_cpu_median_s": round(statistics.median(cpus[1:] or cpus), 2) if cpus else None,
                          "load_average": [round(x, 1) for x in os.getloadavg()] if hasattr(os, "getloadavg")
                          else None}))
    return 0 if times else 1


if __name__ == "__main__":
    raise SystemExit(main())
