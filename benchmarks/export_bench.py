"""Benchmark: export N recipients (default 200,000) with a personalised template to CSV and XLSX.

    .venv/bin/python benchmarks/export_bench.py                      # builds a temp db with N customers
    .venv/bin/python benchmarks/export_bench.py --db bench-data/demo_1m.db --rules rule.json [--limit N]

Prints wall and CPU time of each phase (the machine is shared: CPU time is the steadier figure): recipients (query + exclusions), render + SMS length, CSV, XLSX with
XlsxWriter constant_memory and with openpyxl write_only (the two candidates), storing the campaign
(rolled back, so a given --db is never changed). Never asserts times.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert  # noqa: E402

from loyalty_desktop.campaigns import records  # noqa: E402
from loyalty_desktop.campaigns.export import CampaignPlan, export_rows, prepare  # noqa: E402
from loyalty_desktop.campaigns.recipients import RecipientSpec, Source  # noqa: E402
from loyalty_desktop.campaigns.writers import write_export  # noqa: E402
from loyalty_desktop.db import open_database  # noqa: E402
from loyalty_desktop.models import Customer, CustomerStats, CustomerTag, Tag  # noqa: E402

TEMPLATE = ("Chào {xung_ho} {ten}, {cua_hang} tặng {xung_ho} voucher 15% cho hạng {hang} ({diem} điểm, "
            "tổng chi {tong_chi}, lần mua cuối {ngay_mua_cuoi}). Mã KH {ma_kh}")
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Thu", "Ngọc", "Đức", "Thanh", ""]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Hà", "Hương", "Khoa", "Lan", "Linh", "Mai", "Nam", "Phúc", "Quân",
         "Thảo", "Trang", "Tuấn", "Vy", "Yến"]


def build_db(path: Path, n: int, seed: int = 1) -> None:
    rnd = random.Random(seed)
    db = open_database(str(path))
    c, s, t, ct = Customer.__table__, CustomerStats.__table__, Tag.__table__, CustomerTag.__table__
    with db.begin() as conn:
        tag_id = conn.execute(insert(t).values(name="Bench", name_folded="bench")).inserted_primary_key[0]
        for start in range(0, n, 20000):
            rows, stats, tags = [], [], []
            for i in range(start + 1, min(n, start + 20000) + 1):
                name = " ".join(w for w in (rnd.choice(FAMILY), rnd.choice(MIDDLE), rnd.choice(GIVEN)) if w)
                rows.append({"id": i, "full_name": name, "name_folded": name.lower(), "phone": f"+8491{i:07d}",
                             "phone_type": "mobile" if rnd.random() > 0.01 else "fixed",
                             "gender": rnd.choice(["male", "female", "female", "unknown"]),
                             "sms_opt_out": rnd.random() < 0.02, "points": rnd.randrange(0, 5000),
                             "tier": rnd.choice(["Bạc", "Vàng", "Kim cương", None]), "code": f"KH{i:07d}"})
                stats.append({"customer_id": i, "total_spent": rnd.randrange(0, 50_000_000, 1000),
                              "order_count": rnd.randrange(0, 30)})
                tags.append({"customer_id": i, "tag_id": tag_id})
            conn.execute(insert(c), rows)
            conn.execute(insert(s), stats)
            conn.execute(insert(ct), tags)
    db.dispose()


def timed(label: str, fn, results: dict):
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results[label] = cpu
    print(f"{label:<44} wall {dt:6.2f} s  cpu {cpu:6.2f} s   (peak RSS so far {rss:4.0f} MiB)", flush=True)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, help="existing database (read only); default: build a temp one")
    ap.add_argument("--rules", type=Path, help="rule JSON selecting the recipients (with --db)")
    ap.add_argument("--recipients", type=int, default=200_000, help="customers to build / rows to write")
    ap.add_argument("--skip-openpyxl", action="store_true", help="skip the slow openpyxl comparison")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each XLSX engine (alternated); median printed")
    args = ap.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="export_bench_"))
    if args.db:
        db_path = args.db
        source = Source("rules", json.loads(args.rules.read_text()) if args.rules else {"all": []}, "bench")
    else:
        db_path = tmp / "bench.db"
        t0 = time.perf_counter()
        # more customers than rows: about 3 % are opted out or fixed lines, 10 % go to the control group
        build_db(db_path, int(args.recipients / 0.9 * 1.035) + 10)  # 10 % control group
        print(f"built {db_path} in {time.perf_counter() - t0:.1f} s")
        source = Source("tag", "Bench")
    # a given --db is only read (never migrated); the campaign insert below is rolled back
    db = open_database(str(db_path), migrate=not args.db)
    plan = CampaignPlan(spec=RecipientSpec(sources=[source], frequency_cap_days=0, ads_cap=0, advertising=True,
                                           control_percent=10, seed=1),
                        template=TEMPLATE, opt_out_text="Tu choi: soan TC gui 9029")
    results: dict[str, float] = {}
    with db.connect() as conn:
        prep = timed("recipients + render + SMS length", lambda: prepare(conn, plan), results)
    # keep exactly N rows to write
    n = min(args.recipients, len(prep.messages))
    prep.recipients.recipients = prep.recipients.recipients[:n]
    prep.messages = prep.messages[:n]
    print(f"rows to write: {n}  (control {len(prep.recipients.control)}; encoding {prep.totals.encoding}; "
          f"longest {prep.totals.max_chars} chars / {prep.totals.max_parts} parts; "
          f"sample: {prep.messages[0]!r})")
    params = prep.template.placeholders
    timed("CSV (UTF-8 BOM)", lambda: write_export(tmp / "out.csv", export_rows(prep), n, "phone_message"), results)
    timed("CSV split into files of 50k", lambda: write_export(tmp / "split.csv", export_rows(prep), n,
                                                              "phone_message", split_rows=50_000), results)
    timed("XLSX ZNS params (XlsxWriter)", lambda: write_export(tmp / "zns.xlsx", export_rows(prep), n, "zns",
                                                               params=params), results)
    # The two XLSX candidates, alternated so that load from other processes hits both alike.
    engines = ["xlsxwriter"] + ([] if args.skip_openpyxl else ["openpyxl"])
    try:
        import lxml  # noqa: F401
        lxml_note = "with lxml"
    except ImportError:
        lxml_note = "no lxml"
    samples: dict[str, list[float]] = {e: [] for e in engines}
    for r in range(args.repeat):
        for engine in engines:
            label = f"XLSX {engine} ({'constant_memory' if engine == 'xlsxwriter' else 'write_only, ' + lxml_note})"
            key = f"{label} #{r + 1}"
            timed(key, lambda e=engine: write_export(tmp / f"out_{e}.xlsx", export_rows(prep), n, "phone_message",
                                                     engine=e), results)
            samples[engine].append(results[key])
    for engine, times in samples.items():
        print(f"  median XLSX {engine:<11} cpu {statistics.median(times):6.2f} s over {len(times)} runs "
              f"({n / statistics.median(times):,.0f} rows per cpu-second)")

    def store():
        conn = db.engine.connect()
        trans = conn.begin()
        try:
            records.save_campaign(conn, prep, [tmp / "out.csv"])
        finally:
            trans.rollback()
            conn.close()

    timed("store campaign + recipients (rolled back)", store, results)
    for f in sorted(tmp.glob("*.*")):
        if f.suffix in (".csv", ".xlsx"):
            print(f"  {f.name:<22} {f.stat().st_size / 2**20:7.1f} MiB")
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
