"""The vn/ normalisers against every sample shop file and its ground truth (truth.json)."""

import csv
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from loyalty_desktop.vn.dates import parse_birth, parse_datetime
from loyalty_desktop.vn.money import parse_vnd
from loyalty_desktop.vn.phones import normalize_phone
from loyalty_desktop.vn.provinces import province_from_address, resolve_province
from loyalty_desktop.vn.text import clean_name, fold, nfc
from loyalty_desktop.vn.values import parse_gender

SAMPLES = Path(__file__).parent / "data" / "samples"
TODAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def truth():
    return json.loads((SAMPLES / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def by_phone(truth):
    return {c["e164"]: c for c in truth["customers"]}


def sheet(name):
    return CalamineWorkbook.from_path(str(SAMPLES / name)).get_sheet_by_index(0).to_python()


def check_customer(c, *, name=None, gender=None, birth=None, province=None, address=None):
    if name is not None:
        assert clean_name(name) == c["name"], (name, c)
    if gender not in (None, ""):
        assert parse_gender(gender) == c["gender"], (gender, c)
    if birth not in (None, ""):
        b, year_only = parse_birth(birth, TODAY)
        assert not year_only and b.isoformat() == c["birth"], (birth, c)
    m = None
    if province not in (None, ""):
        m = resolve_province(province) or province_from_address(province)
    elif address not in (None, ""):
        m = province_from_address(address)
    if province not in (None, "") or address not in (None, ""):
        assert m is not None, (province, address)
        assert (m.old_province, m.province, m.region) == (c["old_province"], c["province"], c["region"]), (
            province, address, m, c)


def test_handmade_sheet(truth, by_phone):
    rows = sheet("handmade_customers.xlsx")
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "STT")
    data = [r for r in rows[header_at + 1:] if isinstance(r[0], (int, float)) and r[0] != ""]
    assert len(data) == truth["handmade"]["data_rows"] == 217
    rejects, seen = [], set()
    for r in data:
        res = normalize_phone(r[2])
        if not res.ok:
            assert res.error in ("empty", "scientific", "too_short", "invalid", "not_personal")
            assert res.message and res.message_vi
            rejects.append((r[2], res.error))
            continue
        assert res.e164 in by_phone, (r[2], res)
        assert res.phone_type == "mobile"
        seen.add(res.e164)
        check_customer(by_phone[res.e164], name=r[1], gender=r[4], birth=r[3], province=r[6])
    assert len(rejects) == truth["handmade"]["rejects"] == 7
    assert {code for _, code in rejects} == {"empty", "invalid", "not_personal", "too_short", "scientific"}
    assert len(seen) == truth["handmade"]["distinct"] == 200


def test_kiotviet_customers(truth, by_phone):
    rows = sheet("kiotviet_customers.xlsx")
    head = rows[0]
    col = {h: i for i, h in enumerate(head)}
    data = rows[1:]
    assert len(data) == truth["kiotviet"]["rows"]
    for r in data:
        res = normalize_phone(r[col["Điện thoại"]])
        assert res.ok, r
        c = by_phone[res.e164]
        assert c["code"] == r[col["Mã khách hàng"]]
        check_customer(c, name=r[col["Tên khách hàng"]], gender=r[col["Giới tính"]],
                       birth=r[col["Ngày sinh"]], address=r[col["Khu vực giao hàng"]])
        assert parse_datetime(r[col["Ngày tạo"]]).date().isoformat() == c["created"]
        assert int(r[col["Điểm hiện tại"]] or 0) == c["points"]


def test_semicolon_csv(by_phone):
    with open(SAMPLES / "customers_semicolon.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    assert rows[0][:2] == ["Tên KH", "Số điện thoại"]
    for r in rows[1:]:
        res = normalize_phone(r[1])
        assert res.ok, r
        check_customer(by_phone[res.e164], name=r[0], birth=r[2], gender=r[3], province=r[4])


def test_cp1258_csv(by_phone):
    with open(SAMPLES / "customers_cp1258.csv", encoding="cp1258", newline="") as f:
        rows = list(csv.reader(f))
    head = [fold(h) for h in rows[0]]
    assert head == ["ho ten", "dien thoai", "gioi tinh", "ngay sinh", "dia chi"]
    assert len(rows) - 1 == 40
    for r in rows[1:]:
        res = normalize_phone(r[1])
        assert res.ok, r
        c = by_phone[res.e164]
        assert nfc(r[0]) == c["name"]  # decoded text is decomposed; NFC makes it equal
        check_customer(c, name=r[0], gender=r[2], birth=r[3], address=r[4])


def test_old_xls(by_phone):
    rows = sheet("customers_old.xls")
    assert rows[0] == ["Mã KH", "Tên khách hàng", "Di động", "Ngày sinh", "Giới tính", "Tỉnh thành"]
    for r in rows[1:]:
        assert isinstance(r[2], (int, float))  # a number cell: the leading 0 is gone
        res = normalize_phone(r[2])
        assert res.ok, r
        c = by_phone[res.e164]
        assert c["code"] == r[0]
        check_customer(c, name=r[1], birth=r[3], gender=r[4], province=r[5])


def test_invoices(truth):
    rows = sheet("kiotviet_invoices.xlsx")
    col = {h: i for i, h in enumerate(rows[0])}
    inv = {i["code"]: i for i in truth["invoices"]}
    assert len(rows) - 1 == len(inv)
    for r in rows[1:]:
        t = inv[r[col["Mã hóa đơn"]]]
        raw = r[col["Điện thoại"]]
        if t["e164"] is None:
            assert not normalize_phone(raw).ok
        else:
            assert normalize_phone(raw).e164 == t["e164"]
        assert parse_datetime(r[col["Thời gian tạo"]]) == datetime.fromisoformat(t["at"])
        assert parse_vnd(r[col["Khách cần trả"]]) == t["amount"]
