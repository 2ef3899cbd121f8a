"""Import benchmark (issue 3): python-calamine's raw read time vs the whole import.

Generates (once, cached in --dir) a KiotViet-like customer sheet and an invoice sheet with XlsxWriter
``constant_memory``, then for each file measures, each in a fresh subprocess so peak memory is its own:
  - raw: python-calamine reading every row (the floor no importer can beat),
  - import: ``loyalty_desktop.importing.run_import`` into a fresh database (customers, then sales).
Prints wall seconds, CPU seconds, rows/s, peak RSS, the import's time per phase and its ratios to the
mean of a raw read right before and one right after it (aim: ≤ 3×). The import's commit leaves the WAL
checkpoint for afterwards (the app runs it in the background once the report is shown): it is timed
on its own and also shown added to the import. The CPU ratio counts the import's
worker threads too (index builds sort on two cores), so it can exceed the wall ratio. Never asserts times.

    .venv/bin/python benchmarks/import_bench.py [--customers 200000] [--sales 1000000] [--dir bench-data/import]
                                                [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE = ["Thị", "Văn", "Minh", "Ngọc", "Thanh", "Hồng", "Đức", "Gia", "Bảo", "Diệu", "Hữu", "Công", "Mai", "Anh"]
GIVEN = ["An", "Bình", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hương", "Hùng", "Lan", "Linh", "Long", "My", "Nga",
         "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Trung", "Tuấn", "Vân", "Yến"]
AREAS = ["Hà Nội - Quận Cầu Giấy", "Hồ Chí Minh - Quận 1", "Đà Nẵng - Quận Hải Châu", "Bình Dương - Thành phố Thủ Dầu Một",
         "Hải Phòng - Quận Lê Chân", "Cần Thơ - Quận Ninh Kiều", "Nghệ An - Thành phố Vinh", "Khánh Hòa - Thành phố Nha Trang",
         "Quảng Nam - Thành phố Hội An", "Thanh Hóa - Thành phố Thanh Hóa", "Đồng Nai - Thành phố Biên Hòa", "Lâm Đồng - Đà Lạt"]
TAGS = ["VIP", "Khách sỉ", "Đại lý", "Thành viên Bạc", "Thành viên Vàng", "Khách Zalo", "Khách Facebook", "Cộng tác viên"]
PREFIXES = ["32", "33", "34", "35", "36", "37", "38", "39", "70", "76", "77", "78", "79", "81", "82", "83", "84", "85",
            "86", "88", "89", "90", "91", "93", "94", "96", "97", "98"]
CATEGORIES = ["Thời trang nữ", "Thời trang nam", "Mỹ phẩm", "Giày dép", "Đồ uống", "Mẹ và bé", "Sách", "Phụ kiện"]
CHANNELS = ["Bán trực tiếp", "Facebook", "Zalo", "Shopee", "Website"]
AMOUNTS = [45000, 89000, 120000, 199000, 250000, 399000, 699000, 1250000]

CUSTOMER_HEADERS = ["Loại khách", "Chi nhánh tạo", "Mã khách hàng", "Tên khách hàng", "Điện thoại", "Địa chỉ",
                    "Khu vực giao hàng", "Phường/Xã", "Ngày sinh", "Giới tính", "Email", "Nhóm khách hàng", "Ghi chú",
                    "Điểm hiện tại", "Tổng điểm", "Ngày tạo", "Tổng bán trừ trả hàng", "Nợ cần thu hiện tại"]
SALES_HEADERS = ["Chi nhánh", "Mã hóa đơn", "Thời gian tạo", "Mã khách hàng", "Tên khách hàng", "Điện thoại",
                 "Người bán", "Kênh bán", "Nhóm hàng", "Tổng tiền hàng", "Giảm giá hóa đơn", "Khách cần trả",
                 "Khách đã trả", "Trạng thái"]


def phone_for(i: int) -> str:
    # Distinct, valid-looking mobile numbers: prefix + 7 digits derived from i.
    prefix = PREFIXES[i % len(PREFIXES)]
    return "0" + prefix + f"{(i * 7919) % 10_000_000:07d}"


def generate_customers(path: Path, n: int, seed: int = 1) -> None:
    import xlsxwriter

    rnd = random.Random(seed)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("DanhSachKhachHang")
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    ws.write_row(0, 0, CUSTOMER_HEADERS)
    base = date(2023, 1, 1)
    for i in range(n):
        r = i + 1
        gender = rnd.random() < 0.6
        name = f"{rnd.choice(FAMILY)} {'Thị' if gender else rnd.choice(MIDDLE)} {rnd.choice(GIVEN)}"
        ws.write_string(r, 0, "Cá nhân")
        ws.write_string(r, 1, "Chi nhánh trung tâm")
        ws.write_string(r, 2, f"KH{i + 1:07d}")
        ws.write_string(r, 3, name)
        ws.write_string(r, 4, phone_for(i))
        ws.write_string(r, 5, f"{rnd.randint(1, 300)} Lê Lợi")
        ws.write_string(r, 6, rnd.choice(AREAS))
        ws.write_string(r, 7, f"Phường {rnd.randint(1, 15)}")
        if rnd.random() < 0.8:
            ws.write_datetime(r, 8, datetime(rnd.randint(1960, 2008), rnd.randint(1, 12), rnd.randint(1, 28)), date_fmt)
        ws.write_string(r, 9, "Nữ" if gender else "Nam")
        ws.write_string(r, 10, "")
        k = rnd.choice((0, 0, 1, 1, 2))
        ws.write_string(r, 11, "|".join(rnd.sample(TAGS, k)))
        ws.write_string(r, 12, "")
        ws.write_number(r, 13, rnd.choice((0, 0, 10, 50, 120, 300)))
        ws.write_number(r, 14, 0)
        ws.write_datetime(r, 15, datetime.combine(base + timedelta(days=rnd.randint(0, 1400)), datetime.min.time()), date_fmt)
        ws.write_number(r, 16, 0)
        ws.write_number(r, 17, 0)
    wb.close()


def generate_sales(path: Path, n: int, customers: int, seed: int = 2) -> None:
    import xlsxwriter

    rnd = random.Random(seed)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("HoaDon")
    dt_fmt = wb.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    ws.write_row(0, 0, SALES_HEADERS)
    start = datetime(2024, 1, 1, 8, 0)
    for i in range(n):
        r = i + 1
        walk_in = rnd.random() < 0.06
        # Some buyers are not in the customer file: the import creates them.
        cust = rnd.randrange(int(customers * 1.05))
        goods = rnd.choice(AMOUNTS)
        discount = 20000 if rnd.random() < 0.15 else 0
        ws.write_string(r, 0, "Chi nhánh trung tâm")
        ws.write_string(r, 1, f"HD{i + 1:08d}")
        ws.write_datetime(r, 2, start + timedelta(minutes=rnd.randint(0, 1050 * 24 * 60)), dt_fmt)
        if walk_in:
            ws.write_string(r, 3, "")
            ws.write_string(r, 4, "Khách lẻ")
            ws.write_string(r, 5, "")
        else:
            ws.write_string(r, 3, f"KH{cust + 1:07d}")
            ws.write_string(r, 4, "Khách hàng")
            ws.write_string(r, 5, phone_for(cust))
        ws.write_string(r, 6, "Thu ngân")
        ws.write_string(r, 7, rnd.choice(CHANNELS))
        ws.write_string(r, 8, rnd.choice(CATEGORIES))
        ws.write_number(r, 9, goods)
        ws.write_number(r, 10, discount)
        ws.write_number(r, 11, goods - discount)
        ws.write_number(r, 12, goods - discount)
        ws.write_string(r, 13, "Đã hủy" if rnd.random() < 0.03 else "Hoàn thành")
    wb.close()


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def step_raw(path: str) -> dict:
    import python_calamine as pc

    t0, c0 = time.perf_counter(), time.process_time()
    base = _peak_mib()
    wb = pc.CalamineWorkbook.from_path(path)
    sheet = wb.get_sheet_by_index(0)
    rows = 0
    for _row in sheet.iter_rows():
        rows += 1
    return {"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0, "rows": rows - 1,
            "peak_mib": _peak_mib(), "base_mib": base}


def step_import(db_path: str, path: str, kind: str) -> dict:
    from loyalty_desktop.db import open_database
    from loyalty_desktop.importing import run_import

    db = open_database(db_path)
    base = _peak_mib()
    t0, c0 = time.perf_counter(), time.process_time()
    report = run_import(db, path, kind)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    t1 = time.perf_counter()
    db.checkpoint()  # what the app then runs in the background (the import's commit leaves it)
    checkpoint = time.perf_counter() - t1
    db.dispose()
    return {"seconds": seconds, "cpu": cpu, "rows": report.rows, "peak_mib": _peak_mib(), "base_mib": base,
            "counts": report.counts(), "phases": report.timings, "cpu_phases": report.cpu_timings,
            "checkpoint": checkpoint}


def _child(args: list[str]) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        raise SystemExit(f"step {args} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--sales", type=int, default=1_000_000)
    parser.add_argument("--dir", default=str(ROOT / "bench-data" / "import"))
    parser.add_argument("--db", help="database to import into (default: a fresh file in --dir; it is replaced)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="rounds of raw read + import per file (a fresh database each round); the median "
                             "ratio is printed: on a shared machine single ratios swing by ±15%%")
    parser.add_argument("--step", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        kind, *rest = args.step
        result = step_raw(rest[0]) if kind == "raw" else step_import(rest[0], rest[1], kind)
        print(json.dumps(result))
        return 0

    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    cust = folder / f"customers_{args.customers}.xlsx"
    sales = folder / f"sales_{args.sales}_{args.customers}.xlsx"
    for path, make in ((cust, lambda: generate_customers(cust, args.customers)),
                       (sales, lambda: generate_sales(sales, args.sales, args.customers))):
        if not path.exists():
            t0 = time.perf_counter()
            make()
            print(f"generated {path.name} in {time.perf_counter() - t0:.1f} s ({path.stat().st_size / 2**20:.0f} MiB)")
    db_path = Path(args.db) if args.db else folder / "bench_import.db"

    print(f"{'file':<34}{'step':<10}{'rows':>10}{'seconds':>10}{'cpu s':>8}{'rows/s':>10}{'peak MiB':>10}"
          f"{'ratio':>8}{'cpu ratio':>10}")
    ratios: dict[str, list[tuple[float, float]]] = {}
    with_checkpoint: dict[str, list[float]] = {}
    for _round in range(max(1, args.repeat)):
        for suffix in ("", "-wal", "-shm"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)
        for path, kind in ((cust, "customers"), (sales, "purchases")):
            # A raw read right before and right after its import, compared with their mean: on a shared
            # host the speed drifts within minutes, and one read on one side can be off by ±20%.
            before = _child(["--step", "raw", str(path)])
            imp = _child(["--step", kind, str(db_path), str(path)])
            after = _child(["--step", "raw", str(path)])
            raw = {key: (before[key] + after[key]) / 2 for key in ("seconds", "cpu")}
            ratio = (imp["seconds"] / raw["seconds"], imp["cpu"] / raw["cpu"])
            ratios.setdefault(path.name, []).append(ratio)
            with_checkpoint.setdefault(path.name, []).append((imp["seconds"] + imp["checkpoint"]) / raw["seconds"])
            shown = (f"{ratio[0]:.2f}×", f"{ratio[1]:.2f}×")
            for name, res, (r_wall, r_cpu) in (("raw read", before, ("", "")), ("import", imp, shown),
                                               ("raw again", after, ("", ""))):
                print(f"{path.name:<34}{name:<10}{res['rows']:>10,}{res['seconds']:>10.2f}{res['cpu']:>8.1f}"
                      f"{res['rows'] / res['seconds']:>10,.0f}{res['peak_mib']:>10,.0f}{r_wall:>8}{r_cpu:>10}")
            print(f"    checkpoint afterwards (in the app: in the background): {imp['checkpoint']:.2f} s, "
                  f"import + checkpoint {with_checkpoint[path.name][-1]:.2f}× the raw read")
            print(f"    counts: {imp['counts']}")
            print("    phases (s): " + ", ".join(f"{k} {v:.1f}" for k, v in imp["phases"].items()))
            print("    phases (cpu s): " + ", ".join(f"{k} {v:.1f}" for k, v in imp["cpu_phases"].items()))
    if args.repeat > 1:
        for name, values in ratios.items():
            walls, cpus = sorted(v[0] for v in values), sorted(v[1] for v in values)
            print(f"{name:<34}median ratio {statistics.median(walls):.2f}× (cpu {statistics.median(cpus):.2f}×), "
                  f"{len(values)} rounds, {walls[0]:.2f}–{walls[-1]:.2f}×; with the checkpoint "
                  f"{statistics.median(with_checkpoint[name]):.2f}×")
    if not args.db:  # the scratch database is big: do not leave it behind
        for suffix in ("", "-wal", "-shm"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
