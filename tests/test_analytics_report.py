"""``loyalty-desktop report dashboard``: PDF, PNG folder, XLSX, JSON — and clear errors for bad input."""

from __future__ import annotations

import json

import pytest
from test_analytics import make_data

from loyalty_desktop.cli import main

pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture(autouse=True)
def no_user_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("LOYALTY_ANALYTICS_CACHE", str(tmp_path / "cache"))


@pytest.fixture
def shop(db, db_path):
    make_data(db, 80, 900)
    db.dispose()
    return db_path


def test_pdf_png_and_xlsx(shop, tmp_path, capsys):
    pdf, png, xlsx = tmp_path / "r.pdf", tmp_path / "png", tmp_path / "r.xlsx"
    assert main(["--db", str(shop), "report", "dashboard", "--out", str(pdf), "--png", str(png),
                 "--xlsx", str(xlsx), "--period", "6m"]) == 0
    assert pdf.read_bytes()[:4] == b"%PDF"
    from matplotlib.backends.backend_pdf import PdfPages  # noqa: F401  (the writer's backend)

    assert pdf.read_bytes().count(b"/Type /Page\n") + pdf.read_bytes().count(b"/Type /Page ") >= 1
    pngs = sorted(p.name for p in png.glob("*.png"))
    assert pngs[0] == "00-summary.png" and len(pngs) == 9
    from openpyxl import load_workbook

    wb = load_workbook(xlsx, read_only=True)
    assert {"Tổng quan", "RFM", "Theo tháng", "Ngành hàng", "Kênh bán"} <= set(wb.sheetnames)
    rows = list(wb["Theo tháng"].iter_rows(values_only=True))
    assert rows[3][0] == "Tháng" and len(rows) == 4 + 24
    out = capsys.readouterr().out
    assert str(pdf) in out and str(xlsx) in out


def test_json_english_and_custom_period(shop, capsys):
    assert main(["--db", str(shop), "report", "dashboard", "--json", "--lang", "en",
                 "--from", "01/01/2026", "--to", "15/03/2026"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["period"] == ["2026-01-01", "2026-03-15"]
    assert data["aggregates"]["headline"]["customers"] == 80
    assert set(data["seconds"]) == {"headline", "segments", "rfm", "geography", "age_gender", "monthly", "sales"}


def test_the_cache_gives_the_same_answer(shop, capsys):
    args = ["--db", str(shop), "report", "dashboard", "--json"]
    assert main(args) == 0
    first = json.loads(capsys.readouterr().out)["aggregates"]
    assert main(args) == 0
    second = json.loads(capsys.readouterr().out)["aggregates"]
    assert main(args + ["--no-cache"]) == 0
    third = json.loads(capsys.readouterr().out)["aggregates"]
    assert first == second == third


def test_empty_database_report(db_path, tmp_path):
    assert main(["--db", str(db_path), "report", "dashboard", "--out", str(tmp_path / "e.pdf")]) == 0
    assert (tmp_path / "e.pdf").stat().st_size > 1000


@pytest.mark.parametrize("args,code,message", [
    ([], 2, "Say where to write"),
    (["--out", "report.txt"], 2, "should end in .pdf"),
    (["--xlsx", "r.pdf"], 2, "should end in .xlsx"),
    (["--json", "--from", "01/02/2026"], 2, "both --from and --to"),
    (["--json", "--from", "10/02/2026", "--to", "01/02/2026"], 2, "after --to"),
    (["--json", "--from", "hôm qua", "--to", "01/02/2026"], 2, "--from"),
    (["--json", "--segment", "Không có"], 1, "No saved segment"),
    (["--out", "/no/such/folder/r.pdf"], 1, "does not exist"),
])
def test_bad_input_is_one_clear_line(shop, capsys, args, code, message):
    assert main(["--db", str(shop), "report", "dashboard", *args]) == code
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_segment_report(shop, db_path, capsys):
    from loyalty_desktop.db import open_database
    from loyalty_desktop.segments.store import save_segment

    db = open_database(str(db_path))
    with db.begin() as conn:
        save_segment(conn, "Khách nữ", {"field": "gender", "op": "eq", "value": "female"})
    db.dispose()
    assert main(["--db", str(shop), "report", "dashboard", "--json", "--segment", "Khách nữ"]) == 0
    data = json.loads(capsys.readouterr().out)["aggregates"]
    assert 0 < data["headline"]["customers"] < 80
    assert all(b["male"] == 0 for b in data["age_gender"]["bands"])
