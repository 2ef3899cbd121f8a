"""``export sms`` and ``campaign list|show|results|reexport|delivery`` through the real CLI entry point."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import insert

from loyalty_desktop.campaigns.recipients import fold
from loyalty_desktop.campaigns.writers import read_back
from loyalty_desktop.cli import main
from loyalty_desktop.models import Customer, CustomerTag, Tag
from loyalty_desktop.stats import ensure_stats_rows

C, T, CT = Customer.__table__, Tag.__table__, CustomerTag.__table__


@pytest.fixture
def shop(db, db_path):
    from loyalty_desktop.segments.store import save_segment

    with db.begin() as conn:
        vip = conn.execute(insert(T).values(name="VIP", name_folded=fold("VIP"))).inserted_primary_key[0]
        staff = conn.execute(insert(T).values(name="Nhân viên", name_folded=fold("Nhân viên"))).inserted_primary_key[0]
        ids = []
        rows = [("Nguyễn Thị Hà", "female", False, "mobile"), ("Trần Văn An", "male", False, "mobile"),
                ("Lê Hoa", "female", True, "mobile"), ("Phạm Bình", "male", False, "fixed"),
                ("Đỗ Mai", "female", False, "mobile")]
        for i, (name, gender, opt_out, kind) in enumerate(rows, 1):
            cid = conn.execute(insert(C).values(full_name=name, name_folded=fold(name), phone=f"+8491000000{i}",
                                                gender=gender, sms_opt_out=opt_out, phone_type=kind)).inserted_primary_key[0]
            ids.append(cid)
            conn.execute(insert(CT).values(customer_id=cid, tag_id=vip))
        conn.execute(insert(CT).values(customer_id=ids[4], tag_id=staff))
        ensure_stats_rows(conn, ids)
        save_segment(conn, "Khách nữ", {"field": "gender", "op": "eq", "value": "female"})
    return db_path


def run(capsys, *args) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_export_sms_json_keys_and_file(shop, tmp_path, capsys):
    out = tmp_path / "list.csv"
    code, stdout, _ = run(capsys, "--db", str(shop), "export", "sms", "--tag", "VIP", "--exclude-tag", "Nhân viên",
                          "--template", "Chào {xung_ho} {ten}", "--out", str(out), "--phone-format", "0",
                          "--transactional", "--cap-days", "0", "--name", "Thử", "--json")
    assert code == 0
    data = json.loads(stdout)
    for key in ("recipients", "excluded_opt_out", "excluded_not_mobile", "excluded_recent", "control", "sms_parts",
                "encoding", "estimated_cost"):
        assert key in data
    assert (data["recipients"], data["excluded_opt_out"], data["excluded_not_mobile"], data["control"]) == (2, 1, 1, 0)
    assert data["encoding"] == "UCS-2" and data["sms_parts"] == 2
    assert read_back(out) == [["phone", "message"], ["0910000001", "Chào chị Hà"], ["0910000002", "Chào anh An"]]

    code, stdout, _ = run(capsys, "--db", str(shop), "campaign", "list", "--json")
    assert [c["name"] for c in json.loads(stdout)["campaigns"]] == ["Thử"]
    code, stdout, _ = run(capsys, "--db", str(shop), "campaign", "show", "Thử")
    assert code == 0 and "Campaign #1: Thử" in stdout
    code, stdout, _ = run(capsys, "--db", str(shop), "campaign", "results", "1", "--days", "3", "--json")
    res = json.loads(stdout)
    assert res["recipients"]["size"] == 2 and res["days"] == 3
    again = tmp_path / "again.xlsx"
    code, _, _ = run(capsys, "--db", str(shop), "campaign", "reexport", "1", "--out", str(again))
    assert code == 0 and read_back(again) == read_back(out)
    report = tmp_path / "dlr.csv"
    report.write_text("phone,status\n0910000001,DELIVRD\n0910000002,failed\n", encoding="utf-8")
    code, stdout, _ = run(capsys, "--db", str(shop), "campaign", "delivery", "1", str(report), "--json")
    assert json.loads(stdout)["delivered"] == 1 and json.loads(stdout)["failed"] == 1


def test_segment_and_rules_sources_no_accents_control(shop, tmp_path, capsys):
    rules = tmp_path / "men.json"
    rules.write_text(json.dumps({"version": 1, "rule": {"field": "gender", "op": "eq", "value": "male"}}))
    out = tmp_path / "l.xlsx"
    code, stdout, err = run(capsys, "--db", str(shop), "export", "sms", "--segment", "Khách nữ", "--rules", str(rules),
                            "--template", "Ưu đãi cho {ten}", "--out", str(out), "--no-accents", "--control", "50",
                            "--seed", "2", "--cap-days", "0", "--opt-out-text", "Tu choi: TC gui 9029", "--json")
    data = json.loads(stdout)
    assert code == 0 and data["encoding"] == "GSM-7"
    # women Hà, Hoa (opted out), Mai; men An, Bình (fixed): 3 eligible, round(1.5) = 2 in control
    assert data["excluded_opt_out"] == 1 and data["excluded_not_mobile"] == 1
    assert data["recipients"] + data["control"] == 3 and data["control"] == 2
    rows = read_back(out)
    assert rows[0] == ["phone", "message"] and rows[1][1].startswith("QC Uu dai cho ")
    assert rows[1][1].endswith("Tu choi: TC gui 9029") and rows[1][0].startswith("84")


@pytest.mark.parametrize("args,code,message", [
    (["--tag", "Không có"], 1, "No tag named"),
    (["--segment", "Không có"], 1, "No saved segment"),
    (["--rules", "/nonexistent.json"], 1, "does not exist"),
    ([], 2, "at least one"),
])
def test_bad_input_is_one_clear_line(shop, tmp_path, capsys, args, code, message):
    got, _, err = run(capsys, "--db", str(shop), "export", "sms", *args, "--template", "x",
                      "--out", str(tmp_path / "a.csv"))
    assert got == code and message in err and "Traceback" not in err


def test_unknown_placeholder_and_bad_file_type(shop, tmp_path, capsys):
    got, _, err = run(capsys, "--db", str(shop), "export", "sms", "--tag", "VIP", "--template", "Chào {ten_kh}",
                      "--out", str(tmp_path / "a.csv"))
    assert got == 2 and "{ten_kh}" in err
    got, _, err = run(capsys, "--db", str(shop), "export", "sms", "--tag", "VIP", "--template", "x",
                      "--out", str(tmp_path / "a.txt"))
    assert got == 2 and ".csv or .xlsx" in err
    got, _, err = run(capsys, "--db", str(shop), "campaign", "show", "99")
    assert got == 1 and "No campaign" in err
