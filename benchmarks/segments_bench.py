"""Segment engine benchmark: realistic segments on the 1M customers / 10M purchases demo database.

    .venv/bin/python benchmarks/segments_bench.py --db bench-data/demo_1m.db [--runs 5] [--today YYYY-MM-DD]

For each segment: the count (median of ``--runs`` warm runs, through ``runner.count``: rule parse +
compile + SQL), the compiled count statement alone on the raw connection, the id list (``runner.ids``)
and the same query hand-written as raw SQL on the raw sqlite3 connection. Prints a markdown table. Read-only: the database is opened without migrating,
and the "segment referencing another" case resolves the saved segment in memory (nothing is saved).
Never asserts times (see docs/segments.md for the aims: count ≤ 1 s, simple ≤ 100 ms, ≤ 1.5× raw).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from loyalty_desktop.segments import runner  # noqa: E402
from loyalty_desktop.segments.compiler import SegmentRef, compile_parts, window_start, years_back  # noqa: E402
from loyalty_desktop.segments.rules import parse_rule  # noqa: E402


def _dt(d) -> str:
    return d.strftime("%Y-%m-%d %H:%M:%S.%f")


def cases(today: date, tag_ids: dict[str, int]):
    """(name, kind, rule, raw SQL with ? params, params, saved segments for references)."""
    b26, b46 = years_back(today, 26).isoformat(), years_back(today, 46).isoformat()
    w60, w365 = (_dt(window_start(today, d)) for d in (60, 365))
    d180 = (today - timedelta(days=180)).isoformat()  # the "bought X" rollups keep days
    m = today.month
    women = {"all": [{"field": "gender", "op": "eq", "value": "female"},
                     {"field": "age", "op": "between", "value": [26, 45]},
                     {"field": "province", "op": "in", "value": ["Hà Nội", "TP.HCM"]}]}
    zalo, fb, km, vip = tag_ids["Zalo"], tag_ids["Facebook"], tag_ids["Quan tâm khuyến mãi"], tag_ids["VIP"]
    return [
        ("women 26–45 in Hà Nội or HCM", "simple", women,
         "SELECT {sel} FROM customer WHERE province IN ('Hà Nội', 'Hồ Chí Minh') AND gender = 'female' "
         "AND birth_date <= ? AND birth_date > ?", [b26, b46], {}),
        ("tag Zalo AND (Facebook OR NOT Quan tâm khuyến mãi)", "simple",
         {"all": [{"field": "tag", "op": "has", "value": "Zalo"},
                  {"any": [{"field": "tag", "op": "has", "value": "Facebook"},
                           {"not": {"field": "tag", "op": "has", "value": "Quan tâm khuyến mãi"}}]}]},
         # count: the tag combinations (schema 0008); ids: the fastest hand-written form found
         # (docs/segments.md), Zalo EXCEPT (KM AND NOT Facebook), a merge of sorted index ranges; 1.7-3x
         # faster than customer.id IN (…) AND (id IN (…) OR id NOT IN (…))
         # (tags looked up by name, as the rule names them; with the ids typed in: ~25 µs less)
         ("SELECT sum(customers) FROM tag_mask_count WHERE mask & (SELECT 1 << id FROM tag WHERE name_folded = ?) != 0 "
          "AND (mask & (SELECT 1 << id FROM tag WHERE name_folded = ?) != 0 "
          "OR mask & (SELECT 1 << id FROM tag WHERE name_folded = ?) = 0)",
          "SELECT customer_id FROM (SELECT customer_id FROM customer_tag WHERE tag_id = ? "
          "EXCEPT SELECT k.customer_id FROM customer_tag k WHERE k.tag_id = ? AND NOT EXISTS "
          "(SELECT 1 FROM customer_tag x WHERE x.customer_id = k.customer_id AND x.tag_id = ?) ORDER BY 1)"),
         (["zalo", "facebook", "quan tam khuyen mai"], [zalo, km, fb]), {}),
        ("spent > 5.000.000 ₫ in the last 90 days", "simple",
         {"field": "total_spent", "op": "gt", "value": 5_000_000, "window": {"days": 90}},
         "SELECT {sel_s} FROM customer_stats WHERE spent_90d > 5000000", [], {}),
        ("bought Mỹ phẩm, not in the last 180 days", "complex",
         {"all": [{"field": "category", "op": "bought", "value": ["Mỹ phẩm"]},
                  {"field": "category", "op": "not_bought", "value": ["Mỹ phẩm"], "window": {"days": 180}}]},
         # the best hand-written form on this schema (0007): one range of the last-purchase rollup
         "SELECT {sel_r} FROM rollup_customer_category WHERE category = 'Mỹ phẩm' AND last_day < ?",
         [d180], {}),
        ("RFM champions (R ≥ 4, F ≥ 4, M ≥ 4)", "simple",
         {"all": [{"field": "rfm_r", "op": "gte", "value": 4}, {"field": "rfm_f", "op": "gte", "value": 4},
                  {"field": "rfm_m", "op": "gte", "value": 4}]},
         "SELECT {sel_s} FROM customer_stats WHERE rfm_r >= 4 AND rfm_f >= 4 AND rfm_m >= 4", [], {}),
        ("birthday this month, not opted out", "simple",
         {"all": [{"field": "birthday", "op": "this_month"}, {"field": "sms_opt_out", "op": "eq", "value": False}]},
         "SELECT {sel} FROM customer WHERE birth_md BETWEEN ? AND ? AND sms_opt_out = 0",
         [m * 100 + 1, m * 100 + 31], {}),
        ("3-level nested (south; 3+ orders lapsed 90 d OR VIP; not opted out)", "complex",
         {"all": [{"field": "region", "op": "eq", "value": "south"},
                  {"any": [{"all": [{"field": "order_count", "op": "gte", "value": 3},
                                    {"field": "last_purchase_at", "op": "more_than_ago", "value": {"days": 90}}]},
                           {"field": "tag", "op": "has", "value": "VIP"}]},
                  {"not": {"field": "sms_opt_out", "op": "eq", "value": True}}]},
         "SELECT {sel} FROM customer c JOIN customer_stats s ON s.customer_id = c.id WHERE c.region = 'south' "
         "AND ((s.order_count >= 3 AND s.last_purchase_at < ?) "
         "OR c.id IN (SELECT customer_id FROM customer_tag WHERE tag_id = ?)) AND c.sms_opt_out = 0",
         [_dt(window_start(today, 90)), vip], {}),
        ("segment “women HN/HCM” AND spent ≥ 2.000.000 ₫ in 365 d", "complex",
         {"all": [{"field": "segment", "op": "in", "value": ["Nữ 26–45 HN/HCM"]},
                  {"field": "total_spent", "op": "gte", "value": 2_000_000, "window": {"days": 365}}]},
         "SELECT {sel} FROM customer c JOIN customer_stats s ON s.customer_id = c.id "
         "WHERE c.province IN ('Hà Nội', 'Hồ Chí Minh') AND c.gender = 'female' AND c.birth_date <= ? "
         "AND c.birth_date > ? AND s.spent_365d >= 2000000", [b26, b46], {"Nữ 26–45 HN/HCM": women}),
        ("spent ≥ 2.000.000 ₫ in the last 60 days (no precomputed window)", "complex",
         {"field": "total_spent", "op": "gte", "value": 2_000_000, "window": {"days": 60}},
         "SELECT {sel} FROM customer WHERE id IN (SELECT customer_id FROM purchase WHERE cancelled = 0 "
         "AND customer_id IS NOT NULL AND purchased_at >= ? GROUP BY customer_id HAVING sum(amount) >= 2000000)",
         [w60], {}),
        ("name contains “nguyen thi”, joined in the last 365 days", "simple",
         {"all": [{"field": "name", "op": "contains", "value": "Nguyễn Thị"},
                  {"field": "created_at", "op": "within_last", "value": {"days": 365}}]},
         "SELECT {sel} FROM customer WHERE name_folded LIKE '%nguyen thi%' AND created_at >= ?", [w365], {}),
        ("bought on Shopee or Lazada in the last 30 days, Vàng/Kim cương tier", "complex",
         {"all": [{"field": "channel", "op": "bought", "value": ["Shopee", "Lazada"], "window": {"days": 30}},
                  {"field": "tier", "op": "in", "value": ["Vàng", "Kim cương"]}]},
         "SELECT {sel} FROM customer WHERE tier IN ('Vàng', 'Kim cương') AND id IN (SELECT customer_id "
         "FROM rollup_customer_channel WHERE channel IN ('Shopee', 'Lazada') AND last_day >= ?)",
         [(today - timedelta(days=30)).isoformat()], {}),
    ]


CPU: dict[int, float] = {}  # id(fn) -> median CPU seconds (process time: less disturbed by a busy machine)


def median_time(fn, runs: int):
    """Median per-call time of ``runs`` runs. A query faster than ~10 ms is called in batches (each run =
    the mean of a batch lasting ≥ 10 ms, like ``timeit``'s autorange): single sub-millisecond timings are
    mostly clock and scheduler noise."""
    start = time.perf_counter()
    fn()  # warm
    batch = max(1, min(1000, int(0.01 / max(time.perf_counter() - start, 1e-6))))
    times, cpu, result = [], [], None
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        for _ in range(batch):
            result = fn()
        times.append((time.perf_counter() - start) / batch)
        cpu.append((time.process_time() - start_cpu) / batch)
    CPU[id(fn)] = statistics.median(cpu)
    return statistics.median(times), result


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="bench-data/demo_1m.db")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--today", help="evaluate as of this date (default: today)")
    ap.add_argument("--only", help="substring of the segment names to run")
    ap.add_argument("--plan", action="store_true", help="print the SQL and SQLite's plan for each segment")
    args = ap.parse_args(argv)
    from loyalty_desktop.db import open_database

    db = open_database(args.db, create=False, migrate=False)
    today = date.fromisoformat(args.today) if args.today else date.today()
    with db.connect() as conn:
        raw = conn.connection.driver_connection
        tag_ids = dict((name, tid) for tid, name in raw.execute("SELECT id, name FROM tag"))
        current = runner.windows_current(conn, today)
        n_customers = raw.execute("SELECT count(*) FROM customer").fetchone()[0]
        print(f"database: {args.db} ({n_customers:,} customers); today {today}; "
              f"stats windows current: {current}; runs: {args.runs}\n")
        rows, cpu_rows = [], []
        for name, kind, rule, sql, params, saved in cases(today, tag_ids):
            if args.only and args.only.lower() not in name.lower():
                continue
            node = parse_rule(rule)
            refs = {k: SegmentRef(id=-1, name=k, frozen=False, rule=parse_rule(v)) for k, v in saved.items()}

            def compiled():
                return compile_parts(node, today, windows_current=current, bought_rollup=runner.bought_rollup(conn),
                                     tag_masks=runner.tag_masks_kept(conn),
                                     resolve_segment=(lambda n: refs.get(n)) if refs else runner.segment_resolver(conn))

            def count_fn():
                return int(conn.execute(compiled().count_select()).scalar())

            def ids_fn():
                parts = compiled()
                return sorted(conn.execute(parts.ids_select()).scalars().all())

            if not refs:  # the real entry points (resolve saved segments from the database)
                count_fn = lambda: runner.count(conn, node, today=today)  # noqa: E731
                ids_fn = lambda: runner.ids(conn, node, today=today)  # noqa: E731
            if isinstance(sql, tuple):  # (count SQL, ids SQL) with their own parameters
                (raw_count_sql, raw_ids_sql), (count_params, ids_params) = sql, params
            else:
                raw_count_sql = sql.format(sel="count(*)", sel_s="count(*)", sel_r="count(*)")
                raw_ids_sql = sql.format(sel="id", sel_s="customer_id", sel_r="customer_id")
                count_params = ids_params = params
            if args.plan:
                stmt = compiled().count_select().compile(conn, compile_kwargs={"literal_binds": True})
                print(f"## {name}\n{stmt}\n")
                for row in raw.execute("EXPLAIN QUERY PLAN " + str(stmt)):
                    print("   ", row[3])
                print()
            def raw_count_fn():
                return raw.execute(raw_count_sql, count_params).fetchone()[0]

            # the compiled count statement alone, run like the raw SQL (on the driver, values inlined): what
            # the generated SQL costs without the runner's fixed ~0.1–0.2 ms of Python per call
            compiled_sql = str(compiled().count_select().compile(conn, compile_kwargs={"literal_binds": True}))

            def sql_count_fn():
                return raw.execute(compiled_sql).fetchone()[0]

            t_count, n = median_time(count_fn, args.runs)
            t_sql, n_sql = median_time(sql_count_fn, args.runs)
            t_ids, ids = median_time(ids_fn, args.runs)
            t_raw, n_raw = median_time(raw_count_fn, args.runs)
            def raw_ids_fn():
                return sorted(r[0] for r in raw.execute(raw_ids_sql, ids_params))

            t_raw_ids, raw_ids = median_time(raw_ids_fn, args.runs)
            same = n == n_raw == n_sql == len(ids) and ids == raw_ids
            rows.append((name, kind, n, t_count, t_sql, t_ids, t_raw, t_raw_ids, same))
            c_count, c_raw = CPU[id(count_fn)], CPU[id(raw_count_fn)]
            cpu_rows.append((name, kind, n, c_count, CPU[id(sql_count_fn)], CPU[id(ids_fn)], c_raw, CPU[id(raw_ids_fn)],
                             same))
            print(f"  {name}: {n:,} in {t_count * 1000:.1f} ms (raw {t_raw * 1000:.1f} ms); CPU {c_count * 1000:.1f} ms "
                  f"(raw {c_raw * 1000:.1f} ms, {c_count / c_raw if c_raw else float('inf'):.2f}×)"
                  f"{'' if same else '  MISMATCH'}", flush=True)
    for title, table in (("wall-clock time (medians)", rows), ("CPU (process) time (medians; less disturbed by other "
                                                                "work on a shared machine)", cpu_rows)):
        print(f"\n{title}:\n")
        print("| segment | kind | rows | count ms | compiled SQL ms | ids ms | raw count ms | raw ids ms | count / raw "
              "| SQL / raw | same result |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        for name, kind, n, tc, tsql, ti, tr, tri, same in table:
            ratio = tc / tr if tr > 0 else float("inf")
            sql_ratio = tsql / tr if tr > 0 else float("inf")
            print(f"| {name} | {kind} | {n:,} | {tc * 1000:.1f} | {tsql * 1000:.2f} | {ti * 1000:.1f} | {tr * 1000:.2f} "
                  f"| {tri * 1000:.1f} | {ratio:.2f}× | {sql_ratio:.2f}× | {'yes' if same else 'NO'} |")
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
