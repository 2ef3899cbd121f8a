"""Reading files, header detection, column mapping and file errors (issue 3)."""

from __future__ import annotations

import codecs
import json
import unicodedata

import pytest
import xlsxwriter
from sqlalchemy import func, select

from loyalty_desktop.errors import InvalidInput, UserError
from loyalty_desktop.importing import ImportOptions, run_import
from loyalty_desktop.importing.mapping import (
    detect_preset, find_header_row, header_key, mapping_from_json, propose_mapping,
)
from loyalty_desktop.importing.readers import FileProblem, decode_text, open_workbook, sniff_delimiter
from loyalty_desktop.models import Customer, ImportRecord, Purchase


def write_xlsx(path, sheets: dict[str, list[list]], merge=None):
    wb = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for col, v in enumerate(row):
                if v is not None:
                    ws.write(r, col, v)
        if merge and name in merge:
            for r0, c0, r1, c1, text in merge[name]:
                ws.merge_range(r0, c0, r1, c1, text)
    wb.close()
    return path


def counts(db):
    with db.connect() as conn:
        return tuple(conn.execute(select(func.count()).select_from(t.__table__)).scalar()
                     for t in (Customer, Purchase, ImportRecord))


# ---- encodings and delimiters ---------------------------------------------------------------

TEXT = "Họ tên;Số điện thoại\r\nNguyễn Thị Hằng;0912345678\r\n"


def cp1258(text: str) -> bytes:
    """Encode like old Windows tools: a precomposed letter where cp1258 has one, else base + tone mark."""
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            nfd = unicodedata.normalize("NFD", ch)
            tone = [m for m in nfd if m in "\u0300\u0301\u0303\u0309\u0323"]
            base = unicodedata.normalize("NFC", "".join(m for m in nfd if m not in tone))
            out += base.encode("cp1258") + "".join(tone).encode("cp1258")
    return out


@pytest.mark.parametrize("encoding,bom", [
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
    ("utf-16-le", b""), ("cp1258", b""),
])
def test_csv_encodings_decode_to_nfc(tmp_path, encoding, bom):
    path = tmp_path / "k.csv"
    path.write_bytes(bom + (cp1258(TEXT) if encoding == "cp1258" else TEXT.encode(encoding)))
    wb = open_workbook(path)
    rows = wb.read(None).rows
    assert rows[1][0] == "Nguyễn Thị Hằng"  # NFC, even from cp1258's combining marks
    assert rows[0] == ["Họ tên", "Số điện thoại"]


def test_cp1258_sample_is_nfc(samples):
    wb = open_workbook(samples / "customers_cp1258.csv")
    assert wb.encoding == "cp1258"
    rows = wb.read(None).rows
    assert rows[1][0] == "Hoàng Thanh Trang"


@pytest.mark.parametrize("delim", [",", ";", "\t", "|"])
def test_delimiter_sniffing(delim):
    text = delim.join(["Tên", "SĐT", "Địa chỉ"]) + "\n" + delim.join(["An", "0912345678", "1, Lê Lợi"]) + "\n"
    if delim == ",":
        text = 'Tên,SĐT,Địa chỉ\nAn,0912345678,"1, Lê Lợi"\n'
    assert sniff_delimiter(text) == delim


def test_semicolon_sample(samples):
    wb = open_workbook(samples / "customers_semicolon.csv")
    assert wb.delimiter == ";"
    assert wb.read(None).rows[0][:2] == ["Tên KH", "Số điện thoại"]


def test_decode_prefers_utf8_then_cp1258():
    assert decode_text("Đà Nẵng".encode("utf-8"))[0] == "utf-8"
    enc, text = decode_text(cp1258("Đà Nẵng"))
    assert (enc, text) == ("cp1258", "Đà Nẵng")


# ---- sheets, header row, footer ------------------------------------------------------------------

def test_sheet_choice_defaults_to_first_nonempty(tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", {
        "Trống": [],
        "Khách": [["Tên", "SĐT"], ["An", "0912345678"]],
        "Khác": [["Tên", "SĐT"], ["Bình", "0987654321"]],
    })
    wb = open_workbook(path)
    assert wb.sheet_names == ["Trống", "Khách", "Khác"]
    assert wb.resolve_sheet(None) == "Khách"
    assert wb.resolve_sheet("khac") == "Khác"  # accents/case-insensitive
    assert wb.resolve_sheet("3") == "Khác"
    with pytest.raises(UserError, match="no sheet named"):
        wb.resolve_sheet("Nope")


def test_all_sheets_empty_is_a_clear_error(tmp_path, db):
    path = write_xlsx(tmp_path / "e.xlsx", {"Sheet1": [], "Sheet2": []})
    with pytest.raises(UserError, match="no data"):
        run_import(db, path, "customers")
    assert counts(db) == (0, 0, 0)


def test_header_row_after_titles_blank_rows_and_merged_cells(tmp_path):
    rows = [
        [None] * 5,
        [None] * 5,
        [None] * 5,
        ["STT", "Họ và tên", "Điện thoại", "Ngày sinh", "Tỉnh/TP"],
        [1, "An", "0912345678", "1/2/1990", "HN"],
    ]
    path = write_xlsx(tmp_path / "h.xlsx", {"KH": rows},
                      merge={"KH": [(0, 0, 0, 4, "DANH SÁCH KHÁCH HÀNG"), (1, 0, 1, 4, "Cập nhật 1/1/2026")]})
    data = open_workbook(path).read("KH")
    assert find_header_row(data.head, "customers") == 3
    assert data.merged  # calamine reports the merged title
    mapping = propose_mapping([str(v) for v in data.head[3]], "customers")
    assert mapping == {0: "stt", 1: "name", 2: "phone", 3: "birth_date", 4: "province"}


def test_handmade_header_and_footer(samples):
    data = open_workbook(samples / "handmade_customers.xlsx").read(None)
    assert find_header_row(data.head, "customers") == 3
    assert data.rows[-1][1] == "Tổng cộng"


# ---- mapping -------------------------------------------------------------------------------

@pytest.mark.parametrize("header,field", [
    ("Điện thoại", "phone"), ("SĐT", "phone"), ("Số điện thoại", "phone"), ("Di động", "phone"), ("Phone", "phone"),
    ("Mobile", "phone"), ("dien thoai", "phone"), ("SO DIEN THOAI", "phone"), ("Tên khách hàng", "name"),
    ("Họ và tên", "name"), ("Họ tên", "name"), ("Tên KH", "name"), ("Name", "name"), ("Ho ten", "name"),
    ("Ngày sinh", "birth_date"), ("Giới tính", "gender"), ("Tỉnh/Thành phố", "province"), ("Tỉnh thành", "province"),
    ("Mã KH", "code"), ("Nhóm khách hàng", "tags"), ("Điểm hiện tại", "points"), ("Địa chỉ", "address"),
    ("E-mail", "email"), ("SĐT khách hàng", "phone"),
])
def test_customer_header_synonyms(header, field):
    assert propose_mapping(["x", header], "customers") == {1: field}


def test_header_key_folds_accents_and_punctuation():
    assert header_key("  Tỉnh/Thành phố ") == "tinh thanh pho"
    assert header_key("ĐIỆN THOẠI") == "dien thoai"


def test_each_field_mapped_once_and_unknown_columns_ignored():
    mapping = propose_mapping(["Điện thoại", "Di động", "Sở thích", "Tên"], "customers")
    assert mapping == {0: "phone", 3: "name"}


def test_presets_detected(samples):
    for name, kind, preset in [("kiotviet_customers.xlsx", "customers", "kiotviet_customers"),
                               ("kiotviet_invoices.xlsx", "purchases", "kiotviet_invoices")]:
        data = open_workbook(samples / name).read(None)
        headers = [str(v) for v in data.head[0]]
        assert detect_preset(headers, kind).id == preset
    sapo = ["Mã khách hàng", "Tên khách hàng", "Số điện thoại", "Email", "Ngày sinh", "Giới tính", "Địa chỉ",
            "Tỉnh/Thành phố", "Quận/Huyện", "Phường/Xã", "Nhóm khách hàng", "Ghi chú", "Tổng chi tiêu", "Ngày tạo"]
    preset = detect_preset(sapo, "customers")
    assert preset.id == "sapo_customers"
    m = propose_mapping(sapo, "customers", preset)
    assert m[2] == "phone" and m[7] == "province" and m[10] == "tags" and 12 not in m
    orders = ["Mã đơn hàng", "Ngày tạo đơn", "Trạng thái đơn hàng", "Kênh bán hàng", "Tên khách hàng",
              "Số điện thoại", "Tổng tiền", "Trạng thái thanh toán"]
    preset = detect_preset(orders, "purchases")
    assert preset.id == "sapo_orders"
    m = propose_mapping(orders, "purchases", preset)
    assert [m.get(i) for i in range(8)] == ["invoice_code", "purchased_at", "status", "channel", "customer_name",
                                            "phone", "amount", None]
    assert detect_preset(["Tên", "SĐT"], "customers") is None


def test_kiotviet_points_column_is_current_points_not_total():
    headers = ["Mã khách hàng", "Tên khách hàng", "Điện thoại", "Điểm hiện tại", "Tổng điểm", "Tổng bán"]
    assert propose_mapping(headers, "customers", detect_preset(headers, "customers")) == {
        0: "code", 1: "name", 2: "phone", 3: "points"}
    assert propose_mapping(["SĐT", "Tổng điểm"], "customers") == {0: "phone"}


def test_mapping_json(tmp_path):
    headers = ["Cột A", "Số ĐT", "Ghi chú"]
    assert mapping_from_json({"columns": {"cot a": "name", "Số ĐT": "phone", "Ghi chú": None}}, headers, "customers") \
        == {0: "name", 1: "phone"}
    assert mapping_from_json({"A": "name", "2": "phone"}, headers, "customers") == {0: "name", 1: "phone"}
    with pytest.raises(InvalidInput, match="Unknown field"):
        mapping_from_json({"columns": {"Cột A": "shoe_size"}}, headers, "customers")
    with pytest.raises(InvalidInput):
        mapping_from_json(["not", "an", "object"], headers, "customers")
    with pytest.raises(InvalidInput, match="for purchases"):
        mapping_from_json({"kind": "purchases", "columns": {}}, headers, "customers")


# ---- files that cannot be imported leave the database untouched ---------------------------------

def _png(tmp_path):
    path = tmp_path / "photo.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    return path


def _bad_files(tmp_path):
    corrupt = tmp_path / "corrupt.xlsx"
    good = write_xlsx(tmp_path / "good.xlsx", {"S": [["Tên", "SĐT"], ["An", "0912345678"]]}).read_bytes()
    corrupt.write_bytes(good[: len(good) // 2])  # truncated zip
    zip_junk = tmp_path / "junk.xlsx"
    zip_junk.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 100)
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    empty_csv = tmp_path / "empty.csv"
    empty_csv.write_bytes(b"")
    encrypted = tmp_path / "secret.xlsx"
    # An Office-encrypted workbook is an OLE compound file whose directory names "EncryptedPackage".
    encrypted.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le")
                          + b"\x00" * 50 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 2000)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" + bytes(range(256)))
    binary = tmp_path / "program.xls"
    binary.write_bytes(bytes(range(256)) * 20)
    html = tmp_path / "export.xls"
    html.write_text("<html><body><table><tr><td>SĐT</td></tr></table></body></html>", encoding="utf-8")
    ole_junk = tmp_path / "old.xls"
    ole_junk.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x01" * 3000)
    return {
        "corrupt": (corrupt, "damaged"), "zip_junk": (zip_junk, "damaged"), "empty": (empty, "empty"),
        "empty_csv": (empty_csv, "empty"), "encrypted": (encrypted, "password"), "pdf": (pdf, "not a spreadsheet"),
        "png": (_png(tmp_path), "not a spreadsheet"), "binary": (binary, "not a spreadsheet"),
        "html": (html, "web page"), "ole_junk": (ole_junk, "damaged"), "missing": (tmp_path / "nope.xlsx", "not found"),
        "folder": (tmp_path, "folder"),
    }


@pytest.mark.parametrize("case", ["corrupt", "zip_junk", "empty", "empty_csv", "encrypted", "pdf", "png", "binary",
                                  "html", "ole_junk", "missing", "folder"])
@pytest.mark.parametrize("kind", ["customers", "purchases"])
def test_unreadable_files_give_clear_message_and_touch_nothing(db, tmp_path, case, kind):
    path, words = _bad_files(tmp_path)[case]
    with pytest.raises(UserError) as info:
        run_import(db, path, kind)
    assert words in str(info.value).lower() or words in str(info.value)
    assert "Traceback" not in str(info.value)
    assert counts(db) == (0, 0, 0)


def test_no_phone_column(db, tmp_path):
    path = write_xlsx(tmp_path / "nophone.xlsx", {"S": [["Họ tên", "Địa chỉ"], ["An", "1 Lê Lợi"]]})
    with pytest.raises(UserError, match="No phone number column"):
        run_import(db, path, "customers")
    assert counts(db) == (0, 0, 0)


def test_text_file_without_columns_is_no_phone_column(db, tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("hello\nworld\n", encoding="utf-8")
    with pytest.raises(UserError, match="No phone number column"):
        run_import(db, path, "customers")


def test_purchases_without_invoice_column(db, tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", {"S": [["SĐT", "Tổng tiền"], ["0912345678", 1000]]})
    with pytest.raises(UserError, match="Invoice code"):
        run_import(db, path, "purchases")
    assert counts(db) == (0, 0, 0)


def test_bad_mapping_file(db, tmp_path, samples):
    from loyalty_desktop.importing import load_mapping_file

    bad = tmp_path / "m.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(InvalidInput):
        load_mapping_file(bad)
    with pytest.raises(InvalidInput):
        load_mapping_file(tmp_path / "missing.json")
    with pytest.raises(InvalidInput, match="Unknown field"):
        run_import(db, samples / "customers_old.xls", "customers",
                   ImportOptions(mapping=json.loads('{"columns": {"Di động": "telephone"}}')))
    assert counts(db) == (0, 0, 0)


def write_ods(path, rows):
    """A minimal OpenDocument spreadsheet (what LibreOffice writes, reduced to the essentials)."""
    import zipfile
    from xml.sax.saxutils import escape

    def cell(v):
        if isinstance(v, (int, float)):
            return f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>'
        return f'<table:table-cell office:value-type="string"><text:p>{escape(str(v))}</text:p></table:table-cell>'

    body = "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Khách">{body}</table:table>'
        '</office:spreadsheet></office:body></office:document-content>'
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '</manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        zf.writestr("META-INF/manifest.xml", manifest)
        zf.writestr("content.xml", content)
    return path


def test_ods_file(db, tmp_path):
    path = write_ods(tmp_path / "khach.ods", [["Họ tên", "Điện thoại", "Tỉnh"], ["Lê Thị Hoa", 912345678, "Huế"]])
    wb = open_workbook(path)
    assert wb.format == "ods" and wb.sheet_names == ["Khách"]
    report = run_import(db, path, "customers")
    assert (report.rows, report.created, report.rejected) == (1, 1, 0)
    with db.connect() as conn:
        phone, name = conn.execute(select(Customer.__table__.c.phone, Customer.__table__.c.full_name)).one()
    assert (phone, name) == ("+84912345678", "Lê Thị Hoa")  # the number lost its 0 as a float cell


def test_released_sheet_is_freed_and_cannot_be_read_again(samples):
    import sys

    wb = open_workbook(samples / "kiotviet_invoices.xlsx")
    data = wb.read(None)
    blocks = list(data.iter_blocks(3))
    assert [len(b) for b in blocks[:-1]] == [3] * (len(blocks) - 1) and sum(map(len, blocks)) == len(data.rows)
    ws = wb._sheets[data.name]
    data.release()
    # Nothing but this test holds the calamine sheet any more (a 1M-row sheet is ~1 GiB).
    assert sys.getrefcount(ws) == 2
    with pytest.raises(RuntimeError):
        data.iter_rows()
    with pytest.raises(RuntimeError):
        next(data.iter_blocks(10))
    wb.close()


class _CountingBook:
    """python_calamine.CalamineWorkbook, counting the sheet parses (the expensive call)."""

    loads = 0

    def __init__(self, real) -> None:
        self._real = real

    @classmethod
    def from_path(cls, path):
        return cls(_CountingBook.real.from_path(path))

    def get_sheet_by_name(self, name):
        _CountingBook.loads += 1
        return self._real.get_sheet_by_name(name)

    def __getattr__(self, name):
        return getattr(self._real, name)


@pytest.fixture
def counted_parses(monkeypatch):
    import python_calamine

    _CountingBook.real, _CountingBook.loads = python_calamine.CalamineWorkbook, 0
    monkeypatch.setattr(python_calamine, "CalamineWorkbook", _CountingBook)
    return _CountingBook


def test_preview_and_import_of_an_unchanged_file_parse_it_once(db, tmp_path, counted_parses):
    """The wizard previews a file, again after a mapping change, then imports it: calamine parses the
    sheet once. An import that has read every row lets it go; a changed file is parsed again."""
    import os

    from loyalty_desktop.importing import preview
    from loyalty_desktop.importing.readers import parsed_file

    rows = [["Tên khách hàng", "Điện thoại", "Ghi chú"]] + [[f"Khách {k}", f"0912{k:06d}", ""] for k in range(30)]
    path = write_xlsx(tmp_path / "khach.xlsx", {"DS": rows})
    first = preview(path, "customers")
    again = preview(path, "customers", mapping={0: "name", 1: "phone"})  # the user ignored "Ghi chú"
    assert first.mapping[2] == "note" and 2 not in again.mapping
    assert counted_parses.loads == 1 and parsed_file() is not None
    report = run_import(db, path, "customers", ImportOptions(mapping={"Tên khách hàng": "name", "Điện thoại": "phone"}))
    assert report.created == 30 and counted_parses.loads == 1
    assert parsed_file() is None  # every row was read: the parsed sheet is freed
    # The shop owner adds a row in Excel and saves: the next read sees it.
    write_xlsx(path, {"DS": rows + [["Khách mới", "0987000001", ""]]})
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert preview(path, "customers").estimated_rows == 31
    assert counted_parses.loads == 2
    assert run_import(db, path, "customers").created == 1
