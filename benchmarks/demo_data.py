"""Build demo data at scale and print rows/s, wall time, peak memory and database size.

    .venv/bin/python benchmarks/demo_data.py                      # 1M customers / 10M purchases
    .venv/bin/python benchmarks/demo_data.py --customers 100000 --purchases 1000000 --out /tmp/b.db

Figures only, never assertions. The output file is replaced if it exists.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--purchases", type=int, default=10_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=str(ROOT / "bench-data" / "bench_demo.db"))
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    from loyalty_desktop.demo import generate_demo

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    for p in out.parent.glob(out.name + "*"):
        p.unlink()
    last = [0.0]

    def progress(fraction, text):
        now = time.perf_counter()
        if now - last[0] > 0.5 or fraction >= 1.0:
            last[0] = now
            sys.stderr.write(f"\r{fraction * 100:5.1f} %  {text:<60}")
            sys.stderr.flush()

    t0 = time.perf_counter()
    result = generate_demo(str(out), args.customers, args.purchases, seed=args.seed, progress=progress)
    wall = time.perf_counter() - t0
    sys.stderr.write("\n")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak_kib = usage.ru_maxrss  # KiB on Linux
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    rows = result.customers + result.purchases + result.customer_tags
    figures = {
        "customers": result.customers,
        "purchases": result.purchases,
        "customer_tags": result.customer_tags,
        "wall_s": round(wall, 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),  # on a shared machine, wall time lies
        "load_avg_1min_at_end": None if load is None else round(load, 1),
        "rows_per_s": round(rows / wall),
        "purchases_per_s_insert_phase": round(result.purchases / max(1e-9, result.phases.get("purchases", 0))),
        "peak_memory_mib": round(peak_kib / 1024),
        "db_size_mib": round(_size(out) / 2**20),
        "phases_s": {k: round(v, 1) for k, v in result.phases.items()},
        "cpus": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(figures))
    else:
        for k, v in figures.items():
            print(f"{k:>30}: {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
