"""Merging, writing, purchases, points, cancel, report and CLI of the importer (issue 3)."""

from __future__ import annotations

import contextlib
import json
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from sqlalchemy import event, func, select

from loyalty_desktop.cli import main as cli_main
from loyalty_desktop.errors import Cancelled
from loyalty_desktop.importing import ImportOptions, preview, run_import
from loyalty_desktop.models import Customer, CustomerStats, CustomerTag, ImportRecord, Purchase, Tag
from loyalty_desktop.settings import set_setting

c = Customer.__table__
p = Purchase.__table__


def xlsx(path, rows, sheet="Sheet1"):
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet(sheet)
    for r, row in enumerate(rows):
        for col, v in enumerate(row):
            if isinstance(v, datetime):
                ws.write_datetime(r, col, v, wb.add_format({"num_format": "dd/mm/yyyy hh:mm"}))
            elif isinstance(v, date):
                ws.write_datetime(r, col, datetime(v.year, v.month, v.day), wb.add_format({"num_format": "dd/mm/yyyy"}))
            elif v is not None:
                ws.write(r, col, v)
    wb.close()
    return path


def customers(db):
    with db.connect() as conn:
        return {r.phone: r for r in conn.execute(select(c))}


def tags_of(db, phone):
    with db.connect() as conn:
        q = (select(Tag.__table__.c.name).select_from(CustomerTag.__table__.join(Tag.__table__).join(c))
             .where(c.c.phone == phone))
        return set(conn.execute(q).scalars())


def count(db, table):
    with db.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


HEAD = ["Tên khách hàng", "Số điện thoại", "Ngày sinh", "Giới tính", "Tỉnh/Thành phố", "Email", "Nhóm khách hàng",
        "Điểm hiện tại"]


def test_same_phone_in_file_merges_filling_empty_fields(db, tmp_path):
    path = xlsx(tmp_path / "c.xlsx", [
        HEAD,
        ["Nguyễn Văn An", "0912 345 678", "", "Nam", "", "", "VIP", 10],
        ["NGUYỄN VĂN AN", "+84912345678", date(1990, 5, 17), "", "Hà Nội", "an@example.com", "Khách sỉ", 99],
        ["Trần Thị Bình", "0987.654.321", "", "Nữ", "TP.HCM", "", "", ""],
    ])
    report = run_import(db, path, "customers")
    assert (report.rows, report.created, report.merged, report.rejected) == (3, 2, 1, 0)
    got = customers(db)
    an = got["+84912345678"]
    assert an.full_name == "Nguyễn Văn An"  # first row wins, later rows only fill gaps
    assert an.birth_date == date(1990, 5, 17) and an.birth_md == 517
    assert (an.gender, an.province, an.region, an.email, an.points) == ("male", "Hà Nội", "north", "an@example.com", 10)
    assert tags_of(db, "+84912345678") == {"VIP", "Khách sỉ"}
    with db.connect() as conn:
        assert conn.execute(select(Tag.__table__.c.name_folded).where(Tag.__table__.c.name == "Khách sỉ")).scalar() == "khach si"
        assert count(db, CustomerStats.__table__) == 2


def test_existing_customer_fill_empty_or_incoming_wins(db, tmp_path):
    first = xlsx(tmp_path / "a.xlsx", [HEAD, ["Lê Văn Cường", "0912345678", "", "Nam", "Đà Nẵng", "", "VIP", 5]])
    run_import(db, first, "customers")
    second = xlsx(tmp_path / "b.xlsx", [HEAD, ["Lê Cường", "0912345678", date(1985, 1, 2), "Nữ", "Huế", "c@x.vn", "Bạc", 7]])
    report = run_import(db, second, "customers")
    assert (report.created, report.updated) == (0, 1)
    cu = customers(db)["+84912345678"]
    assert (cu.full_name, cu.gender, cu.province, cu.points) == ("Lê Văn Cường", "male", "Đà Nẵng", 5)  # kept
    assert (cu.birth_date, cu.email) == (date(1985, 1, 2), "c@x.vn")  # filled
    assert tags_of(db, "+84912345678") == {"VIP", "Bạc"}  # added

    report = run_import(db, second, "customers", ImportOptions(update_existing=True))
    assert report.updated == 1
    cu = customers(db)["+84912345678"]
    assert (cu.full_name, cu.gender, cu.province, cu.points) == ("Lê Cường", "female", "Huế", 7)
    assert tags_of(db, "+84912345678") == {"VIP", "Bạc"}  # tags are never removed

    third = xlsx(tmp_path / "c.xlsx", [HEAD, ["Lê Cường", "0912345678", "", "", "", "", "", ""]])
    report = run_import(db, third, "customers", ImportOptions(update_existing=True))
    assert report.updated == 0 and report.unchanged == 1  # empty incoming values never erase
    assert customers(db)["+84912345678"].province == "Huế"


def test_rejected_rows_are_reported_with_row_value_reason(db, tmp_path):
    path = xlsx(tmp_path / "r.xlsx", [
        ["DANH SÁCH KHÁCH"], [], HEAD,
        ["A", "", "", "", "", "", "", ""],
        ["B", "9.12E+08", "", "", "", "", "", ""],
        ["C", "0912345678", "", "", "", "", "", ""],
        ["Tổng cộng", "3 khách"],
    ])
    report = run_import(db, path, "customers")
    assert (report.rows, report.created, report.rejected) == (3, 1, 2)
    assert [(r.row, r.value) for r in report.rejects] == [(4, ""), (5, "9.12E+08")]
    assert all(r.reason and r.reason_vi and r.column == "Số điện thoại" for r in report.rejects)
    with db.connect() as conn:
        rec = conn.execute(select(ImportRecord.__table__)).one()
    assert (rec.kind, rec.rows, rec.created, rec.rejected) == ("customers", 3, 1, 2)
    assert len(json.loads(rec.report_json)["rejected_rows"]) == 2


INV_HEAD = ["Mã hóa đơn", "Thời gian", "Mã khách hàng", "Tên khách hàng", "Điện thoại", "Khách cần trả", "Trạng thái",
            "Kênh bán", "Nhóm hàng"]


def test_purchases_match_create_walk_in_cancel_and_idempotent(db, tmp_path):
    run_import(db, xlsx(tmp_path / "c.xlsx", [["Mã KH", "Tên", "SĐT"], ["KH1", "Chị Một", "0912345678"],
                                              ["KH2", "Anh Hai", "0987654321"]]), "customers")
    t = datetime(2026, 11, 1, 10, 30)
    path = xlsx(tmp_path / "inv.xlsx", [
        INV_HEAD,
        ["HD1", t, "KH1", "Chị Một", "0912345678", 500000, "Hoàn thành", "Zalo", "Mỹ phẩm"],
        ["HD2", t, "KH2", "Anh Hai", "", 200000, "Hoàn thành", "", ""],  # by customer code
        ["HD3", t, "", "Khách lẻ", "", 90000, "Hoàn thành", "", ""],  # walk-in
        ["HD4", t, "KH9", "Cô Mới", "0356123987", 1000000, "Hoàn thành", "", ""],  # unknown phone: new customer
        ["HD5", t, "KH1", "Chị Một", "0912345678", 700000, "Đã hủy", "", ""],  # cancelled
        ["HD6", "ngày xưa", "KH1", "Chị Một", "0912345678", 1, "Hoàn thành", "", ""],  # bad date: rejected
    ])
    report = run_import(db, path, "purchases")
    assert report.counts() == {"rows": 6, "created": 1, "updated": 2, "merged": 0, "rejected": 1, "purchases_added": 5,
                               "duplicates_skipped": 0, "walk_in": 1, "cancelled": 1}
    got = customers(db)
    assert got["+84356123987"].full_name == "Cô Mới" and got["+84356123987"].code == "KH9"
    assert got["+84356123987"].created_at == t  # joined with the first purchase
    with db.connect() as conn:
        rows = {r.invoice_code: r for r in conn.execute(select(p))}
        stats = {r.customer_id: r for r in conn.execute(select(CustomerStats.__table__))}
    assert rows["HD3"].customer_id is None
    assert rows["HD2"].customer_id == got["+84987654321"].id
    assert rows["HD5"].cancelled and rows["HD1"].source == "kiotviet"
    assert (rows["HD1"].channel, rows["HD1"].category, rows["HD1"].purchased_at) == ("Zalo", "Mỹ phẩm", t)
    one = stats[got["+84912345678"].id]
    assert (one.order_count, one.total_spent) == (1, 500000)  # the cancelled 700.000 counts for nothing
    assert stats[got["+84356123987"].id].total_spent == 1_000_000
    assert got["+84356123987"].tier is None and got["+84912345678"].points == 0  # no points unless asked
    again = run_import(db, path, "purchases")
    assert (again.purchases_added, again.duplicates_skipped, again.created, again.updated) == (0, 5, 0, 0)
    assert count(db, p) == 5


def test_line_item_export_groups_into_one_purchase(db, tmp_path):
    t = datetime(2026, 10, 5, 9, 0)
    path = xlsx(tmp_path / "lines.xlsx", [
        ["Mã hóa đơn", "Thời gian", "Điện thoại", "Tên hàng", "Số lượng", "Thành tiền", "Nhóm hàng"],
        ["HD10", t, "0912345678", "Son", 1, 150000, "Mỹ phẩm"],
        ["HD10", t, "0912345678", "Kem", 2, 350000, "Mỹ phẩm"],
        ["HD11", t, "0912345678", "Áo", 1, 250000, "Thời trang nữ"],
    ])
    report = run_import(db, path, "purchases")
    assert (report.rows, report.purchases_added, report.merged, report.created) == (3, 2, 1, 1)
    with db.connect() as conn:
        amounts = dict(conn.execute(select(p.c.invoice_code, p.c.amount)).all())
    assert amounts == {"HD10": 500000, "HD11": 250000}


def test_award_points_and_tiers(db, tmp_path):
    with db.begin() as conn:
        set_setting(conn, "points_per_vnd", 10_000)
    t = datetime(2026, 9, 1, 12, 0)
    path = xlsx(tmp_path / "p.xlsx", [
        INV_HEAD,
        ["A1", t, "", "Chị A", "0912345678", 2_500_000, "Hoàn thành", "", ""],
        ["A2", t, "", "Chị A", "0912345678", 9_000_000, "Hoàn thành", "", ""],
        ["A3", t, "", "Chị A", "0912345678", 5_000_000, "Đã hủy", "", ""],
    ])
    report = run_import(db, path, "purchases", ImportOptions(award_points=True))
    assert report.points_awarded == 1150
    cu = customers(db)["+84912345678"]
    assert cu.points == 1150 and cu.tier == "Vàng"  # 11.5M spent ≥ 10M


def test_cancel_rolls_everything_back(db, samples):
    calls = {"n": 0}

    def cancelled():
        calls["n"] += 1
        return calls["n"] > 3

    with pytest.raises(Cancelled):
        run_import(db, samples / "kiotviet_invoices.xlsx", "purchases", cancelled=cancelled)
    assert count(db, c) == 0 and count(db, p) == 0 and count(db, ImportRecord.__table__) == 0


def test_crash_mid_import_leaves_database_untouched(db, samples, monkeypatch):
    import loyalty_desktop.importing.engine as engine

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(engine, "_add_tags", boom)  # after customers were inserted
    with pytest.raises(RuntimeError):
        run_import(db, samples / "kiotviet_customers.xlsx", "customers")
    assert count(db, c) == 0 and count(db, ImportRecord.__table__) == 0


def test_progress_is_reported(db, samples):
    seen = []
    run_import(db, samples / "kiotviet_customers.xlsx", "customers", progress=lambda f, text: seen.append(f))
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)


@pytest.mark.parametrize("everyone", [True, False])
def test_bulk_progress_only_moves_forward_through_known_phases(db, samples, tmp_path, monkeypatch, everyone):
    """The big-file path (indexes rebuilt one by one, stats refreshed in steps) reports progress that never
    goes back, with texts from engine.PHASES (the wizard translates exactly those), and moves within the
    long phases instead of sitting still."""
    import loyalty_desktop.importing.engine as engine

    monkeypatch.setattr(engine, "SUSPEND_MIN_ROWS", 1)
    monkeypatch.setattr(engine, "BULK_THRESHOLD", 1)
    seen: list[tuple[float, str]] = []
    run_import(db, samples / "kiotviet_customers.xlsx", "customers", progress=lambda f, text: seen.append((f, text)))
    if not everyone:  # many more customers than the sales touch: the stats refresh goes customer by customer
        rows = [["Điện thoại", "Tên khách hàng"]] + [[f"0912{k:06d}", f"Khách {k}"] for k in range(600)]
        run_import(db, xlsx(tmp_path / "more.xlsx", rows), "customers")
    sales: list[tuple[float, str]] = []
    run_import(db, samples / "kiotviet_invoices.xlsx", "purchases", progress=lambda f, text: sales.append((f, text)))
    for steps in (seen, sales):
        fractions = [f for f, _text in steps]
        assert fractions[0] == 0.0 and fractions[-1] == 1.0 and fractions == sorted(fractions)
        assert {text for _f, text in steps} <= set(engine.PHASES)
    assert len({f for f, text in seen if text == "Indexing customers"}) > 2  # index by index
    assert len({f for f, text in sales if text == "Indexing purchases"}) > 2
    assert len({f for f, text in sales if text == "Updating statistics"}) > 2  # the refresh in steps


def test_a_bulk_import_builds_its_indexes_with_parallel_sorts_and_leaves_the_connection_as_it_was(db, samples,
                                                                                                  monkeypatch):
    """Index builds run with temp files and worker threads (SQLite's sorter uses threads only then); the
    connection goes back to the pool with the app's own settings (temporary tables in memory)."""
    import contextlib

    import loyalty_desktop.importing.engine as engine
    from loyalty_desktop import sqlite_bulk

    monkeypatch.setattr(engine, "SUSPEND_MIN_ROWS", 1)
    seen = []
    real = sqlite_bulk.sort_cache

    @contextlib.contextmanager
    def recording(raw):
        seen.append((raw.execute("PRAGMA temp_store").fetchone()[0], raw.execute("PRAGMA threads").fetchone()[0]))
        with real(raw):
            yield

    monkeypatch.setattr(sqlite_bulk, "sort_cache", recording)
    run_import(db, samples / "kiotviet_customers.xlsx", "customers")
    run_import(db, samples / "kiotviet_invoices.xlsx", "purchases")
    assert seen and set(seen) == {(1, sqlite_bulk.SORT_THREADS)}
    with db.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw.execute("PRAGMA temp_store").fetchone()[0] == 2
        assert raw.execute("PRAGMA threads").fetchone()[0] == 0


def test_report_saves_as_xlsx(db, samples, tmp_path):
    report = run_import(db, samples / "handmade_customers.xlsx", "customers")
    out = report.save_xlsx(tmp_path / "report.xlsx")
    wb = openpyxl.load_workbook(out, read_only=True)
    assert len(wb.sheetnames) == 3
    summary = [r for r in wb[wb.sheetnames[0]].iter_rows(values_only=True)]
    assert any(r[0] and "Rows rejected" in r[0] and r[1] == 7 for r in summary)
    rejected = list(wb[wb.sheetnames[1]].iter_rows(values_only=True))
    assert len(rejected) == 8 and rejected[1][0] > 4 and rejected[1][3] and rejected[1][4]


def test_mapping_file_and_saved_mapping(db, tmp_path):
    path = xlsx(tmp_path / "odd.xlsx", [["Danh sách khách quen", "tháng 11"], [], ["Khách", "Liên lạc", "Sinh"],
                                        ["An", "0912345678", "02/03/1990"]])
    mapping = {"version": 1, "kind": "customers", "columns": {"Khách": "name", "Liên lạc": "phone", "Sinh": "birth_date"}}
    report = run_import(db, path, "customers", ImportOptions(mapping=mapping, save_mapping=True))
    assert report.created == 1 and report.preset == "mapping"
    assert customers(db)["+84912345678"].birth_date == date(1990, 3, 2)
    # The saved mapping is proposed again for a file with the same columns.
    with db.connect() as conn:
        pv = preview(tmp_path / "odd.xlsx", "customers", conn=conn)
    assert pv.mapping == {0: "name", 1: "phone", 2: "birth_date"}


def test_unknown_columns_to_note(db, tmp_path):
    path = xlsx(tmp_path / "n.xlsx", [["Tên", "SĐT", "Sở thích", "Size"], ["An", "0912345678", "Đọc sách", "M"]])
    report = run_import(db, path, "customers", ImportOptions(unknown_to_note=True))
    assert report.ignored_columns == ["Sở thích", "Size"]
    assert customers(db)["+84912345678"].note == "Sở thích: Đọc sách; Size: M"


def test_csv_with_sheet_option_and_other_sheet(db, tmp_path):
    wb = xlsxwriter.Workbook(str(tmp_path / "two.xlsx"))
    wb.add_worksheet("Ghi chú").write(0, 0, "nothing here but text")
    ws = wb.add_worksheet("Khách")
    ws.write_row(0, 0, ["Tên", "SĐT"])
    ws.write_row(1, 0, ["An", "0912345678"])
    wb.close()
    report = run_import(db, tmp_path / "two.xlsx", "customers", ImportOptions(sheet="Khách"))
    assert report.created == 1 and report.sheet == "Khách"


def test_preview(samples):
    pv = preview(samples / "handmade_customers.xlsx", "customers")
    assert pv.header_row == 4 and pv.sheets == ["Khách hàng"]
    assert pv.mapping[2] == "phone" and not pv.missing_required
    assert pv.rows[0].values["phone"].startswith("+84") and pv.rows[0].values["full_name"] == "Nguyễn Hồng Hương"
    pv = preview(samples / "kiotviet_invoices.xlsx", "purchases", rows=5)
    assert pv.preset == "kiotviet_invoices" and len(pv.rows) == 5
    pv = preview(samples / "customers_old.xls", "customers", mapping={1: "name", 3: "birth_date"})
    assert pv.missing_required == ["phone"] and not pv.rows


def test_cli_json_and_report(db_path, samples, tmp_path, capsys):
    code = cli_main(["--db", str(db_path), "import", "customers", str(samples / "handmade_customers.xlsx"), "--json",
                     "--report", str(tmp_path / "r.xlsx")])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert {k: out[k] for k in ("rows", "created", "updated", "merged", "rejected")} == {
        "rows": 217, "created": 200, "updated": 0, "merged": 10, "rejected": 7}
    assert (tmp_path / "r.xlsx").exists()
    code = cli_main(["--db", str(db_path), "import", "purchases", str(samples / "kiotviet_invoices.xlsx"), "--json",
                     "--dry-run"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["dry_run"] and out["purchases_added"] == 3000
    for key in ("purchases_added", "duplicates_skipped", "walk_in", "cancelled"):
        assert key in out
    code = cli_main(["--db", str(db_path), "import", "customers", str(tmp_path / "missing.xlsx")])
    assert code == 1 and "not found" in capsys.readouterr().err


def _many_customers_csv(tmp_path):
    """2,600 customers "Khách 1"… with phones 0900000001…: enough for the bulk paths."""
    path = tmp_path / "many.csv"
    path.write_text("\n".join(["Họ tên,Số điện thoại"] + [f"Khách {i},09{i:08d}" for i in range(1, 2601)]),
                    encoding="utf-8")
    return path


def _hash_setting(conn):
    from loyalty_desktop import search_index

    return conn.exec_driver_sql(
        f"SELECT v FROM {search_index.TABLE}_config WHERE k = ?", (search_index.HASH_SETTING,)).scalar()


def test_bulk_search_fill_gathers_more_in_memory_and_sets_it_back(db, tmp_path, monkeypatch):
    """The bulk fill runs with FTS5's bigger hash size and leaves the default stored afterwards."""
    from loyalty_desktop import search_index

    seen = []
    real = search_index.bulk_writes

    @contextlib.contextmanager
    def watching(conn):
        with real(conn):
            seen.append(_hash_setting(conn))
            yield

    monkeypatch.setattr(search_index, "bulk_writes", watching)
    path = _many_customers_csv(tmp_path)
    run_import(db, path, "customers")
    assert seen == [search_index.BULK_HASH_BYTES]
    with db.connect() as conn:
        assert _hash_setting(conn) == search_index.DEFAULT_HASH_BYTES
        assert search_index.in_sync(conn)


def test_bulk_search_fill_without_the_hash_setting_still_indexes(db, tmp_path, monkeypatch):
    """An FTS5 that refuses the setting (an older SQLite): the fill goes on with its default."""
    from loyalty_desktop import search_index

    monkeypatch.setattr(search_index, "HASH_SETTING", "no-such-setting")
    path = _many_customers_csv(tmp_path)
    report = run_import(db, path, "customers")
    assert report.created == 2600
    with db.connect() as conn:
        assert search_index.in_sync(conn)
        assert conn.exec_driver_sql(
            "SELECT count(*) FROM customer_search WHERE customer_search MATCH '\"0900002600\"'").scalar() == 1


def test_bulk_import_ids_follow_the_phones_after_the_existing_customers(db, tmp_path):
    """New customers get the ids SQLite would give them (after the highest, also after a deleted one),
    in phone order, and the stats and tags follow those ids."""
    run_import(db, xlsx(tmp_path / "one.xlsx", [["Tên", "SĐT"], ["A", "0987000111"], ["B", "0987000222"]]),
               "customers")
    with db.begin() as conn:
        conn.exec_driver_sql("DELETE FROM customer WHERE phone = '+84987000222'")
    path = tmp_path / "many.csv"
    rows = [f"Khách {i},09{i:08d},{'VIP' if i % 2 else ''}" for i in range(2600, 0, -1)]  # not in phone order
    path.write_text("\n".join(["Họ tên,Số điện thoại,Nhóm khách hàng"] + rows), encoding="utf-8")
    run_import(db, path, "customers")
    with db.connect() as conn:
        got = conn.exec_driver_sql("SELECT id, phone, full_name FROM customer WHERE id > 1 ORDER BY id").all()
        assert [r.id for r in got] == list(range(2, 2602))
        assert [r.phone for r in got] == sorted(r.phone for r in got)
        assert got[0].full_name == "Khách 1" and got[-1].full_name == "Khách 2600"
        assert conn.exec_driver_sql(
            "SELECT count(*) FROM customer_stats s JOIN customer c ON c.id = s.customer_id").scalar() == 2601
        vip = conn.exec_driver_sql(
            "SELECT c.full_name FROM customer_tag ct JOIN customer c ON c.id = ct.customer_id "
            "JOIN tag t ON t.id = ct.tag_id WHERE t.name = 'VIP' ORDER BY c.id").scalars().all()
        assert len(vip) == 1300 and all(int(n.split()[1]) % 2 for n in vip)


def test_bulk_import_keeps_search_index_and_stats_in_sync(db, tmp_path):
    from loyalty_desktop import search_index

    path = _many_customers_csv(tmp_path)
    report = run_import(db, path, "customers")
    assert report.created == 2600
    with db.connect() as conn:
        assert search_index.in_sync(conn)
        triggers = set(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars())
        assert set(search_index.TRIGGERS) <= triggers
        hit = conn.exec_driver_sql(
            "SELECT count(*) FROM customer_search WHERE customer_search MATCH '\"0900002600\"'").scalar()
        assert hit == 1
    assert count(db, CustomerStats.__table__) == 2600
    # A small import afterwards goes through the triggers.
    run_import(db, xlsx(tmp_path / "one.xlsx", [["Tên", "SĐT"], ["Bà Năm", "0987000111"]]), "customers")
    with db.connect() as conn:
        assert search_index.in_sync(conn)


def test_chunked_purchase_normalisation_matches_row_by_row(samples, tmp_path):
    from loyalty_desktop.importing.engine import _plan
    from loyalty_desktop.importing.normalize import Normalizer, purchase_record, purchase_records
    from loyalty_desktop.importing.readers import open_workbook

    t = datetime(2026, 1, 2, 3, 4)
    odd = xlsx(tmp_path / "odd.xlsx", [
        INV_HEAD,
        ["", t, "", "", "", 1, "", "", ""],  # no code
        ["X1", "hôm qua", "", "", "", 1, "", "", ""],  # bad date
        ["X2", "02/01/2026 10:00", "", "", "09123", "1,5tr", "Đã huỷ", "Zalo", ""],  # bad phone, text money
        ["X3", t, "", "", "", "abc", "", "", ""],  # bad amount
    ])
    for path, kind in ((samples / "kiotviet_invoices.xlsx", "purchases"), (odd, "purchases")):
        wb = open_workbook(path)
        _name, data, plan = _plan(wb, kind, None, None)
        rows = [(i + 1, r) for i, r in enumerate(data.rows) if i > plan.header_index]
        norm = Normalizer(plan)
        one = [purchase_record(norm, n, r, []) for n, r in rows]
        many = purchase_records(Normalizer(plan), rows, [])
        assert [(rec, rej) for _, rec, rej in many] == one


def test_cli_mapping_file_save_mapping_and_sheet(db_path, tmp_path, capsys):
    path = xlsx(tmp_path / "m.xlsx", [["Khách", "Liên lạc", "Quê"], ["Chú Tư", "0912.345.678", "Sài Gòn"]], sheet="Data")
    mapping = tmp_path / "m.json"
    mapping.write_text(json.dumps({"version": 1, "kind": "customers",
                                   "columns": {"Khách": "name", "Liên lạc": "phone", "Quê": "province"}},
                                  ensure_ascii=False), encoding="utf-8")
    code = cli_main(["--db", str(db_path), "import", "customers", str(path), "--mapping", str(mapping), "--sheet",
                     "Data", "--save-mapping", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["created"] == 1 and out["columns"] == {"Khách": "name", "Liên lạc": "phone", "Quê": "province"}
    # Next time the same columns are recognised without --mapping.
    code = cli_main(["--db", str(db_path), "import", "customers", str(path), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["unchanged"] == 1 and out["rejected"] == 0


def test_chunked_customer_normalisation_matches_row_by_row(samples, tmp_path):
    from loyalty_desktop.importing.engine import _plan
    from loyalty_desktop.importing.normalize import Normalizer, customer_record, customer_records
    from loyalty_desktop.importing.readers import open_workbook

    odd = xlsx(tmp_path / "odd.xlsx", [
        HEAD + ["Địa chỉ"],
        ["NGUYỄN VĂN A", "0912345678", "31/02/1990", "Nam", "Sao Hỏa", "A@B.VN", "VIP, Sỉ", "abc", "1 Lê Lợi, Huế"],
        ["Bà Hai", "0912345682", "1990", 1, "", "", "", True, "12 Trần Phú, Nha Trang"],  # 1 and True
        ["Bà Sáu", "09123", "", "", "", "", "", "", ""],  # bad phone
        ["Bà Ba", 912345679.0, date(1985, 5, 6), True, "HCM", "", "VIP", 1, ""],
        ["", "0912 345 680 / 0987654321", "", "F", "", "", "", 1.0, "Hà Nội"],
        ["Chú Tư", "0912345681"],  # short row
    ])
    files = [samples / n for n in ("kiotviet_customers.xlsx", "handmade_customers.xlsx", "customers_old.xls",
                                   "customers_semicolon.csv", "customers_cp1258.csv")] + [odd]
    for path in files:
        wb = open_workbook(path)
        _name, data, plan = _plan(wb, "customers", None, None)
        rows = [(i + 1, r) for i, r in enumerate(data.rows) if i > plan.header_index]
        one_warnings, many_warnings = [], []
        norm = Normalizer(plan, unknown_to_note=True)
        one = [customer_record(norm, n, r, one_warnings) for n, r in rows]
        many = customer_records(Normalizer(plan, unknown_to_note=True), rows, many_warnings)
        assert many == one, path.name
        assert many_warnings == one_warnings, path.name
    # the odd file really exercises the awkward paths
    assert sum(1 for rec, rej in many if rej is not None) == 1
    assert len(many_warnings) >= 3
    by_phone = {rec["phone"]: rec for rec, _ in many if rec}
    # True and 1 are equal as dict keys: the caches must still tell them apart
    assert by_phone["+84912345682"]["gender"] == "male" and by_phone["+84912345679"]["gender"] == "unknown"


def test_customer_rows_from_columns_match_the_rows_from_records(db, samples, tmp_path):
    """The import's dict-free path (a chunk's columns zipped into rows) writes exactly the rows the
    record path writes, for every sample file and the awkward one (here: a few rows left out too)."""
    from loyalty_desktop.importing.engine import _column_rows, _customer_rows, _plan
    from loyalty_desktop.importing.normalize import Normalizer, customer_columns
    from loyalty_desktop.importing.readers import open_workbook

    odd = xlsx(tmp_path / "odd.xlsx", [
        HEAD + ["Địa chỉ", "Ngày tạo"],
        ["NGUYỄN VĂN A", "0912345678", "31/02/1990", "Nam", "Sao Hỏa", "A@B.VN", "VIP, Sỉ", "abc", "1 Lê Lợi, Huế",
         "05/11/2025"],
        ["Bà Hai", "0912345682", "1990", 1, "", "", "", True, "12 Trần Phú, Nha Trang", ""],
        ["Bà Sáu", "09123", "", "", "", "", "", "", "", ""],  # bad phone
        ["Bà Ba", 912345679.0, date(1985, 5, 6), True, "HCM", "", "VIP", 1, "", datetime(2024, 1, 2, 8, 30)],
        ["", "0912 345 680 / 0987654321", "", "F", "", "", "", 1.0, "Hà Nội", ""],
        ["Chú Tư", "0912345681"],  # short row
    ])
    now = datetime(2026, 12, 1, 9, 0)
    files = [samples / n for n in ("kiotviet_customers.xlsx", "handmade_customers.xlsx", "customers_old.xls",
                                   "customers_semicolon.csv", "customers_cp1258.csv")] + [odd]
    with db.connect() as conn:
        for path in files:
            wb = open_workbook(path)
            _name, data, plan = _plan(wb, "customers", None, None)
            rows = [(i + 1, r) for i, r in enumerate(data.rows) if i > plan.header_index]
            part = customer_columns(Normalizer(plan, unknown_to_note=True), rows, [])
            picked = [ok and k % 5 != 2 for k, ok in enumerate(part.accepted)]
            records = [rec for (rec, _), keep in zip(part.records(), picked) if keep]
            assert records, path.name
            assert _column_rows(conn, part.columns(picked), now) == _customer_rows(conn, records, now), path.name
            some = [k for k, keep in enumerate(picked) if not keep]  # records() of a few rows only
            assert part.records(some) == [part.records()[k] for k in some], path.name


def _schema(db, table):
    with db.connect() as conn:
        return sorted(conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", (table,)).all())


def test_bulk_load_rebuilds_the_indexes_it_suspends(db, tmp_path, monkeypatch):
    import loyalty_desktop.importing.engine as engine

    monkeypatch.setattr(engine, "SUSPEND_MIN_ROWS", 2)
    before = {t: _schema(db, t) for t in ("customer", "purchase", "customer_tag")}
    stat1 = "SELECT tbl, idx, stat FROM sqlite_stat1 WHERE tbl IN ('customer', 'purchase', 'customer_tag') ORDER BY 1, 2"
    with db.begin() as conn:  # planner statistics, as ANALYZE leaves them on a shop's tables
        conn.exec_driver_sql("ANALYZE")  # (creates sqlite_stat1; empty tables get no rows, so add some)
        for tbl, names in before.items():
            conn.exec_driver_sql("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES " + ", ".join(
                f"('{tbl}', '{name}', '1000 7')" for name, _sql in names if _sql))
        stats_before = conn.exec_driver_sql(stat1).all()
    assert {r[1] for r in stats_before} >= {"ix_customer_opt_out_birthday", "ix_purchase_time"}
    t = datetime(2026, 1, 2, 3, 4)
    cust = xlsx(tmp_path / "c.xlsx", [HEAD, ["An", "0912000001", date(1990, 5, 6), "Nữ", "Hà Nội", "", "VIP", 5],
                                      ["Bình", "0912000002", "", "Nam", "HCM", "", "VIP|Sỉ", 0]])
    sales = xlsx(tmp_path / "s.xlsx", [INV_HEAD, ["HD1", t, "", "An", "0912000001", 100000, "Hoàn thành", "", ""],
                                       ["HD2", t, "", "Cúc", "0912000003", 250000, "Hoàn thành", "", ""],
                                       ["HD3", t, "", "", "", 50000, "Hoàn thành", "", ""]])
    assert run_import(db, cust, "customers").created == 2
    assert tags_of(db, "+84912000002") == {"VIP", "Sỉ"}
    report = run_import(db, sales, "purchases")
    assert report.purchases_added == 3 and report.created == 1 and report.walk_in == 1
    assert {t: _schema(db, t) for t in before} == before
    with db.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        # DROP INDEX deletes an index's statistics: the suspended indexes got theirs back
        assert conn.exec_driver_sql(stat1).all() == stats_before
        # Stored exactly as SQLAlchemy stores them (text compared in SQL).
        assert conn.exec_driver_sql("SELECT purchased_at FROM purchase WHERE invoice_code = 'HD1'").scalar() \
            == "2026-01-02 03:04:00.000000"
        assert conn.exec_driver_sql("SELECT birth_date FROM customer WHERE phone = '+84912000001'").scalar() \
            == "1990-05-06"
        used = conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT count(*) FROM purchase WHERE purchased_at >= '2026-01-01'").all()
        assert any("ix_purchase_time" in str(r) for r in used)
        triggers = set(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars())
        try:
            from loyalty_desktop import rollups
        except ImportError:
            rollups = None
        if rollups is not None and hasattr(rollups, "differences"):
            # The day rollup's trigger was suspended for the bulk load: it is back and the rollup exact.
            assert set(rollups.TRIGGERS) <= triggers
            assert all(not rows for rows in rollups.differences(conn).values())
            assert conn.exec_driver_sql("SELECT sum(orders), sum(amount) FROM rollup_sales_day").one() == (3, 400000)
    # A crash after the indexes were dropped leaves them (and everything else) as before.

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(engine, "_restore_indexes", boom)
    more = xlsx(tmp_path / "s2.xlsx", [INV_HEAD] + [[f"HX{i}", t, "", "", f"09130000{i:02d}", 1000, "", "", ""]
                                                    for i in range(10)])
    with pytest.raises(RuntimeError):
        run_import(db, more, "purchases")
    assert {t: _schema(db, t) for t in before} == before
    assert count(db, p) == 3


def test_bulk_import_mixing_new_known_and_repeated_phones(db, tmp_path):
    """New phones go the dict-free way, known and repeated ones through merge and update: together
    they give the same customers as one at a time would."""
    run_import(db, _many_customers_csv(tmp_path), "customers")
    lines = ["Họ tên,Số điện thoại,Ngày sinh,Email,Nhóm khách hàng"]
    lines += [f"Khách {i},09{i:08d},01/02/1990,,Mới" for i in range(1301, 3901)]
    lines += ["Khách 3000,0900003000,,ba.nghin@example.vn,VIP",  # repeated new phone: fills the e-mail
              "Khách 1500,0900001500,,nam.tram@example.vn,"]  # repeated known phone
    second = tmp_path / "second.csv"
    second.write_text("\n".join(lines), encoding="utf-8")
    report = run_import(db, second, "customers")
    assert (report.rows, report.created, report.merged, report.updated) == (2602, 1300, 2, 1300)
    with db.connect() as conn:
        rows = {r.phone: r for r in conn.exec_driver_sql(
            "SELECT phone, full_name, birth_date, email, id FROM customer").all()}
        assert len(rows) == 3900
        assert rows["+84900003000"].email == "ba.nghin@example.vn"
        assert rows["+84900001500"].email == "nam.tram@example.vn"
        assert str(rows["+84900001500"].birth_date) == "1990-02-01" and rows["+84900000001"].birth_date is None
        assert str(rows["+84900003900"].birth_date) == "1990-02-01"
        tags = dict(conn.exec_driver_sql(
            "SELECT c.phone, group_concat(t.name, '|') FROM customer_tag ct JOIN customer c ON c.id = ct.customer_id "
            "JOIN tag t ON t.id = ct.tag_id GROUP BY c.phone").all())
        assert len(tags) == 2600 and sorted(tags["+84900003000"].split("|")) == ["Mới", "VIP"]
        assert conn.exec_driver_sql("SELECT count(*) FROM customer_stats").scalar() == 3900
        assert [r.id for r in sorted(rows.values(), key=lambda r: r.id)][-1] == 3900


def test_bulk_import_commits_without_a_checkpoint_and_database_checkpoint_copies_it(db, tmp_path):
    """The import's commit returns once its pages are in the write-ahead log; Database.checkpoint (run by
    the app in the background) copies them into the file. The pooled connection keeps its own setting."""
    def low_threshold(dbapi_conn, _record):
        dbapi_conn.execute("PRAGMA wal_autocheckpoint=10")

    db.engine.dispose()
    event.listen(db.engine, "connect", low_threshold)
    main = Path(db.location)
    db.checkpoint()
    size = main.stat().st_size
    path = _many_customers_csv(tmp_path)
    assert run_import(db, path, "customers").created == 2600
    assert main.stat().st_size == size
    with db.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 10
    db.checkpoint()
    assert main.stat().st_size > size
    assert count(db, Customer.__table__) == 2600
