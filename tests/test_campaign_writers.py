import csv

import pytest

from loyalty_desktop.campaigns.writers import ExportRow, neutralise, read_back, split_paths, write_export
from loyalty_desktop.errors import InvalidInput, UserError

ROWS = [
    ExportRow("+84912345678", "Nguyễn Thị Hà", "=HYPERLINK(\"http://x\",\"bấm\")", {"ten": "@Hà"}),
    ExportRow("+84987654321", "+Lan", "-50% hôm nay", {"ten": "Lan"}),
    ExportRow("+84701234567", "Tú", "@ai đó", {"ten": "-1"}),
    ExportRow("+84356789012", "Bình", "Chào anh Bình, ưu đãi 20%", {"ten": "Bình"}),
]


@pytest.mark.parametrize("value,expected", [
    ("=1+1", "'=1+1"), ("+84 gọi", "'+84 gọi"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=x", "'\t=x"), ("Chào", "Chào"), ("", ""), ("a=b", "a=b"),
])
def test_neutralise(value, expected):
    assert neutralise(value) == expected


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_formula_cells_are_neutralised_but_phones_are_not(tmp_path, ext):
    out = tmp_path / f"list.{ext}"
    [path] = write_export(out, ROWS, len(ROWS), "name_phone_message", "+84")
    rows = read_back(path)
    assert rows[0] == ["name", "phone", "message"]
    assert rows[1] == ["Nguyễn Thị Hà", "+84912345678", "'=HYPERLINK(\"http://x\",\"bấm\")"]
    assert rows[2] == ["'+Lan", "+84987654321", "'-50% hôm nay"]
    assert rows[3][2] == "'@ai đó"
    for r in rows[1:]:
        assert not r[0].startswith(("=", "+", "-", "@")) and not r[2].startswith(("=", "+", "-", "@"))


def test_csv_has_bom_and_opens_as_utf8(tmp_path):
    [path] = write_export(tmp_path / "a.csv", ROWS, len(ROWS), "phone_message", "0")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[4] == ["0356789012", "Chào anh Bình, ưu đãi 20%"]


@pytest.mark.parametrize("fmt,expected", [("0", "0912345678"), ("84", "84912345678"), ("+84", "+84912345678")])
def test_phone_formats(tmp_path, fmt, expected):
    [path] = write_export(tmp_path / "p.xlsx", ROWS[:1], 1, "phone_only", fmt)
    assert read_back(path) == [["phone"], [expected]]


def test_preset_default_phone_format_and_zns_params(tmp_path):
    [path] = write_export(tmp_path / "z.csv", ROWS, len(ROWS), "zns", None, params=["ten"])
    rows = read_back(path)
    assert rows[0] == ["phone", "ten"]
    assert rows[1] == ["84912345678", "'@Hà"] and rows[3] == ["84701234567", "'-1"]


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_split_into_files_of_n_rows(tmp_path, ext):
    rows = [ExportRow(f"+8491234{i:04d}", f"KH {i}", f"Tin {i}") for i in range(25)]
    paths = write_export(tmp_path / f"big.{ext}", rows, len(rows), "phone_message", "0", split_rows=10)
    assert [p.name for p in paths] == [f"big_001.{ext}", f"big_002.{ext}", f"big_003.{ext}"]
    got = [read_back(p) for p in paths]
    assert [len(g) - 1 for g in got] == [10, 10, 5]
    assert all(g[0] == ["phone", "message"] for g in got)
    assert [r[1] for g in got for r in g[1:]] == [f"Tin {i}" for i in range(25)]


def test_split_paths_single_file_when_small(tmp_path):
    assert split_paths(tmp_path / "a.csv", 10, 10) == [tmp_path / "a.csv"]
    assert split_paths(tmp_path / "a.csv", 10, None) == [tmp_path / "a.csv"]


def test_openpyxl_engine_gives_the_same_rows(tmp_path):
    [a] = write_export(tmp_path / "a.xlsx", ROWS, len(ROWS), "name_phone_message", "0")
    [b] = write_export(tmp_path / "b.xlsx", ROWS, len(ROWS), "name_phone_message", "0", engine="openpyxl")
    assert read_back(a) == read_back(b)


def test_empty_list_writes_a_header(tmp_path):
    [path] = write_export(tmp_path / "e.csv", [], 0, "phone_message")
    assert read_back(path) == [["phone", "message"]]


def test_bad_input(tmp_path):
    with pytest.raises(InvalidInput, match=r"\.csv or \.xlsx"):
        write_export(tmp_path / "a.txt", ROWS, 4)
    with pytest.raises(InvalidInput, match="preset"):
        write_export(tmp_path / "a.csv", ROWS, 4, "fax")
    with pytest.raises(InvalidInput, match="phone format"):
        write_export(tmp_path / "a.csv", ROWS, 4, "phone_only", "0084")
    with pytest.raises(UserError, match="does not exist"):
        write_export(tmp_path / "nope" / "a.csv", ROWS, 4)
    with pytest.raises(InvalidInput, match="at least 1"):
        write_export(tmp_path / "a.csv", ROWS, 4, split_rows=0)
