"""Dashboard aggregates at scale: prints each aggregate's time and the total (never asserts).

    .venv/bin/python benchmarks/dashboard_bench.py --db bench-data/demo_1m.db [--runs 3] [--period 12m]
    cp bench-data/demo_1m.db bench-data/analytics_1m.db
    .venv/bin/python benchmarks/dashboard_bench.py --db bench-data/analytics_1m.db --migrate --compare

The database is only read, unless ``--migrate`` (open it like the app does: back up, upgrade to the
current schema — 0005 backfills the dashboard rollups — and print how long that took; use a copy of a
shared file). If ``--db`` does not exist it is built with the demo generator (``--customers``/
``--purchases``). "first" is the first computation in this process (SQLite cache cold, the OS page
cache as it is), "median" the median of the following runs. ``--compare`` also times the purchase-scan
versions of the aggregates that read rollups (the figures before schema 0005).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", default="bench-data/demo_1m.db")
    ap.add_argument("--customers", type=int, default=20_000, help="only when building a missing --db")
    ap.add_argument("--purchases", type=int, default=200_000, help="only when building a missing --db")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--period", default="12m", help="this_month, 1m, 3m, 6m, 12m, all")
    ap.add_argument("--segment-rule", help='also time segment analytics for this JSON rule, e.g. '
                    '\'{"field": "province", "op": "in", "value": ["Đà Nẵng"]}\'')
    ap.add_argument("--figures", action="store_true", help="also time building + drawing every figure")
    ap.add_argument("--migrate", action="store_true", help="upgrade --db to the current schema first (writes!)")
    ap.add_argument("--compare", action="store_true", help="also time the purchase-scan versions (no rollups)")
    args = ap.parse_args(argv)

    from loyalty_desktop.analytics import aggregates as A
    from loyalty_desktop.db import open_database

    path = Path(args.db)
    if not path.exists():
        from loyalty_desktop.demo import generate_demo

        print(f"building {path} with {args.customers:,} customers / {args.purchases:,} purchases…", flush=True)
        db = open_database(str(path))
        generate_demo(db, args.customers, args.purchases, seed=1)
    elif args.migrate:
        from loyalty_desktop import db as dbmod

        timings = {}

        def timed(name, fn):
            def wrap(*a, **k):
                t0 = time.perf_counter()
                try:
                    return fn(*a, **k)
                finally:
                    timings[name] = time.perf_counter() - t0
            return wrap

        dbmod.backup_sqlite, dbmod.upgrade = timed("backup", dbmod.backup_sqlite), timed("upgrade", dbmod.upgrade)
        t0 = time.perf_counter()
        db = dbmod.open_database(str(path), create=False)
        print(f"open_database (migrate) {time.perf_counter() - t0:.1f} s: "
              + (", ".join(f"{k} {v:.1f} s" for k, v in timings.items()) or "already current"), flush=True)
    else:
        db = open_database(str(path), create=False, migrate=False)  # read only: never migrate a shared file
    today = date.today()
    start, end = A.preset_period(args.period, today)
    scope = A.Scope(start=start, end=end, today=today)
    with db.connect() as conn:
        n_c = conn.exec_driver_sql("SELECT count(*) FROM customer").scalar()
        n_p = conn.exec_driver_sql("SELECT max(id) FROM purchase").scalar()
        from loyalty_desktop import rollups

        print(f"db {path} · schema {db.schema_revision()} · {n_c:,} customers · ~{n_p or 0:,} purchases · "
              f"period {args.period} ({start} – {end}) · stats windows current: {A._windows_current(conn, today)} · "
              f"rollups: {'yes' if rollups.available(conn) else 'no (purchase scans)'}")

        results = {}

        cpu_first: dict[str, float] = {}

        def time_all(sc):
            times = {}
            for key, fn in A.AGGREGATES.items():
                t, c0 = time.perf_counter(), time.process_time()
                results[key] = fn(conn, sc)
                times[key] = time.perf_counter() - t
                cpu_first.setdefault(key, time.process_time() - c0)
            return times

        runs = [time_all(scope) for _ in range(max(1, args.runs))]
        # CPU time of this process: what the figures cost without the other users of a shared machine.
        print(f"\nCOLD (computed from the data, no cache)\n{'aggregate':<14}{'first ms':>10}{'median ms':>11}"
              f"{'first cpu ms':>14}")
        for key in A.AGGREGATES:
            rest = [r[key] for r in runs[1:]] or [runs[0][key]]
            print(f"{key:<14}{runs[0][key] * 1000:>10.0f}{statistics.median(rest) * 1000:>11.0f}"
                  f"{cpu_first[key] * 1000:>14.0f}")
        tot_first = sum(runs[0].values())
        tot_med = statistics.median([sum(r.values()) for r in (runs[1:] or runs)])
        print(f"{'TOTAL':<14}{tot_first * 1000:>10.0f}{tot_med * 1000:>11.0f}{sum(cpu_first.values()) * 1000:>14.0f}")
        if os.name == "posix":
            print(f"(load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
        print(f"(headline numbers alone: {runs[-1]['headline'] * 1000:.0f} ms — shown first)")
        if args.compare:
            plain = {"headline": A.headline_from_purchases, "monthly": A.monthly_from_purchases,
                     "sales": A.sales_from_purchases}
            print("\nWITHOUT ROLLUPS (purchase scans, as before schema 0005)")
            for key, fn in plain.items():
                ts, cpu = [], None
                for _ in range(max(1, args.runs)):
                    t, c0 = time.perf_counter(), time.process_time()
                    same = fn(conn, scope) == results[key]
                    ts.append(time.perf_counter() - t)
                    cpu = cpu if cpu is not None else time.process_time() - c0
                print(f"{key:<14}{ts[0] * 1000:>10.0f}{statistics.median(ts[1:] or ts) * 1000:>11.0f}"
                      f"{cpu * 1000:>14.0f}   same result: {'yes' if same else 'NO'}")

        # WARM: what the page and the report pay once the figures were computed for this data: a fresh
        # cache object reads the JSON file (as after an app restart), checks the fingerprint, and hits.
        import tempfile

        from loyalty_desktop.analytics.cache import AnalyticsCache, fingerprint

        folder = Path(tempfile.mkdtemp(prefix="dash-cache-"))
        primer = AnalyticsCache(db.location, folder)
        fp0 = fingerprint(conn)
        for key, value in results.items():  # the cold run's results, as the page would have stored them
            primer.put(A.scope_key(key, scope), fp0, value)
        print(f"\n(cache file: {primer.path})")
        warm = []
        for _ in range(max(1, args.runs)):
            cache = AnalyticsCache(db.location, folder)
            times = {}
            t_all = time.perf_counter()
            t = time.perf_counter()
            fp = fingerprint(conn)
            times["fingerprint"] = time.perf_counter() - t
            for key in A.AGGREGATES:
                t = time.perf_counter()
                A.compute(conn, key, scope, cache, fp=fp)
                times[key] = time.perf_counter() - t
            times["TOTAL"] = time.perf_counter() - t_all
            warm.append(times)
        print("\nWARM (aggregate cache valid for this data; new process reading the cache file)")
        for key in warm[0]:
            print(f"{key:<14}{statistics.median(w[key] for w in warm) * 1000:>10.1f} ms")
        if not args.segment_rule:
            return 0

        import json

        rule = json.loads(args.segment_rule)
        t = time.perf_counter()
        members = A.rule_members(conn, rule, today)
        seg_scope = scope.with_members(members)
        seg_times = time_all(seg_scope)
        print(f"\nsegment analytics for {args.segment_rule}:")
        for key, v in seg_times.items():
            print(f"  {key:<12}{v * 1000:>8.0f} ms")
        print(f"  {'TOTAL':<12}{(time.perf_counter() - t) * 1000:>8.0f} ms")
        from loyalty_desktop.segments.store import list_segments

        saved = [r["name"] for r in list_segments(conn)][:6]
        if saved:
            t = time.perf_counter()
            A.overlap(conn, [(name, A.rule_members(conn, name, today)) for name in saved])
            print(f"overlap matrix of {len(saved)} saved segments: {(time.perf_counter() - t) * 1000:.0f} ms")
        if args.figures:
            import io

            from loyalty_desktop.analytics import figures as F

            data = A.compute_all(conn, scope)
            print()
            for key, (agg, _b) in F.CHARTS.items():
                t = time.perf_counter()
                fig = F.build(key, data[agg])
                fig.savefig(io.BytesIO(), format="png")
                print(f"figure {key:<12}{(time.perf_counter() - t) * 1000:>8.0f} ms (build + draw)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
