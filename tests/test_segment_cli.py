"""`loyalty-desktop segment …` end to end (in-process)."""

import csv
import io
import json
import random
from datetime import date

import pytest

from loyalty_desktop.cli import main
from loyalty_desktop.segments import runner
from loyalty_desktop.segments.testing import fill_random_shop

TODAY = date.today()


@pytest.fixture
def shop(db, db_path):
    with db.begin() as conn:
        fill_random_shop(conn, random.Random(4), TODAY, n_customers=50)
    return db_path


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path, name, obj):
    path = tmp_path / name
    path.write_text(json.dumps(obj, ensure_ascii=False) if not isinstance(obj, str) else obj, encoding="utf-8")
    return str(path)


def test_count_list_save_show_explain(shop, db, tmp_path, capsys):
    rule = {"version": 1, "rule": {"all": [{"field": "gender", "op": "eq", "value": "female"},
                                           {"field": "order_count", "op": "gte", "value": 1}]}}
    f = write(tmp_path, "r.json", rule)
    with db.connect() as conn:
        expected = runner.ids(conn, rule)
    code, out, _ = run(capsys, "--db", str(shop), "segment", "count", "--rules", f)
    assert code == 0 and out.strip() == str(len(expected))
    code, out, _ = run(capsys, "--db", str(shop), "segment", "count", "--rules", f, "--json")
    data = json.loads(out)
    assert data["count"] == len(expected) and isinstance(data["seconds"], float)
    # a bare node works too
    bare = write(tmp_path, "bare.json", rule["rule"])
    assert run(capsys, "--db", str(shop), "segment", "count", "--rules", bare)[1].strip() == str(len(expected))

    code, out, _ = run(capsys, "--db", str(shop), "segment", "list", "--rules", f, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == len(expected)
    assert all(r["gender"] == "female" and int(r["order_count"]) >= 1 for r in rows)
    code, out, _ = run(capsys, "--db", str(shop), "segment", "list", "--rules", f, "--format", "csv", "--limit", "2",
                       "--sort", "total_spent", "--desc")
    rows2 = list(csv.DictReader(io.StringIO(out)))
    assert len(rows2) == min(2, len(expected))
    assert int(rows2[0]["total_spent"]) == max(int(r["total_spent"]) for r in rows)

    code, out, _ = run(capsys, "--db", str(shop), "segment", "save", "Nữ đã mua", "--rules", f)
    assert code == 0 and "Nữ đã mua" in out
    code, out, _ = run(capsys, "--db", str(shop), "segment", "count", "--segment", "nu da mua")
    assert out.strip() == str(len(expected))
    code, out, _ = run(capsys, "--db", str(shop), "segment", "show", "Nữ đã mua", "--json")
    info = json.loads(out)
    assert info["count"] == len(expected) and info["rule"] == rule and info["frozen"] is False
    code, out, _ = run(capsys, "--db", str(shop), "segment", "show", "Nữ đã mua")
    assert "Customers: " in out and '"gender"' in out

    with db.connect() as conn:
        from sqlalchemy import select

        from loyalty_desktop.models import Customer

        c = Customer.__table__
        inside = conn.execute(select(c.c.phone).where(c.c.id == expected[0])).scalar() if expected else None
        outside = conn.execute(select(c.c.phone).where(c.c.id.not_in(expected)).limit(1)).scalar()
    if inside:
        code, out, _ = run(capsys, "--db", str(shop), "segment", "explain", inside, "--segment", "Nữ đã mua")
        assert code == 0 and "THUỘC phân khúc" in out and "✓ Giới tính bằng Nữ  [giá trị: Nữ]" in out
    code, out, _ = run(capsys, "--db", str(shop), "segment", "explain", outside, "--rules", f, "--json")
    tree = json.loads(out)
    assert tree["passed"] is False and tree["sql_passed"] is False and len(tree["children"]) == 2


def test_templates_and_housekeeping(shop, capsys):
    code, out, _ = run(capsys, "--db", str(shop), "segment", "templates")
    assert code == 0 and "birthday_this_month" in out and "Sinh nhật tháng này" in out
    code, out, _ = run(capsys, "--db", str(shop), "segment", "templates", "--json")
    assert {t["id"] for t in json.loads(out)} >= {"loyal", "potential", "low_value", "at_risk", "new", "vip"}
    assert run(capsys, "--db", str(shop), "segment", "save", "VIP", "--template", "vip")[0] == 0
    assert run(capsys, "--db", str(shop), "segment", "count", "--template", "vip")[0] == 0
    assert run(capsys, "--db", str(shop), "segment", "rename", "VIP", "Khách VIP")[0] == 0
    assert run(capsys, "--db", str(shop), "segment", "duplicate", "Khách VIP")[0] == 0
    code, out, _ = run(capsys, "--db", str(shop), "segment", "freeze", "Khách VIP")
    assert code == 0 and "Froze" in out
    code, out, _ = run(capsys, "--db", str(shop), "segment", "saved", "--json")
    names = {s["name"]: s for s in json.loads(out)}
    assert names["Khách VIP"]["frozen"] and "Khách VIP (bản sao)" in names
    assert run(capsys, "--db", str(shop), "segment", "delete", "Khách VIP (bản sao)")[0] == 0
    code, out, _ = run(capsys, "--db", str(shop), "segment", "maintain")
    assert code == 0


@pytest.mark.parametrize("content, message", [
    ({"all": [{"field": "age", "op": "between", "value": [30]}]}, "age: between needs two numbers, got [30] (at all[0])"),
    ({"field": "province", "op": "in", "value": ["Atlantis"]}, "province: unknown province"),
    ({"field": "segment", "op": "in", "value": ["Không có"]}, "segment: unknown saved segment"),
    ("{oops", "not valid JSON"),
])
def test_invalid_rules_exit_2_with_a_clear_message(shop, tmp_path, capsys, content, message):
    f = write(tmp_path, "bad.json", content)
    code, out, err = run(capsys, "--db", str(shop), "segment", "count", "--rules", f)
    assert code == 2 and message in err and "Traceback" not in err and out == ""


def test_user_mistakes_exit_1(shop, tmp_path, capsys):
    code, _, err = run(capsys, "--db", str(shop), "segment", "count", "--rules", str(tmp_path / "missing.json"))
    assert code == 1 and "does not exist" in err
    code, _, err = run(capsys, "--db", str(shop), "segment", "count", "--segment", "Không có")
    assert code == 1 and "No saved segment" in err
    code, _, err = run(capsys, "--db", str(shop), "segment", "explain", "0999999999", "--template", "vip")
    assert code == 1 and "No customer" in err
