"""Campaign export end to end on small hand-made and random databases."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select

from loyalty_desktop.campaigns import records
from loyalty_desktop.campaigns.export import CampaignPlan, export_campaign, export_rows, prepare
from loyalty_desktop.campaigns.recipients import RecipientSpec, Source, build_recipients, fold
from loyalty_desktop.campaigns.writers import make_cells, get_preset, read_back
from loyalty_desktop.errors import InvalidInput, UserError
from loyalty_desktop.models import (
    Campaign, CampaignRecipient, Customer, CustomerStats, CustomerTag, Purchase, Tag,
)
from loyalty_desktop.settings import set_setting
from loyalty_desktop.stats import ensure_stats_rows, refresh_stats

C, T, CT, P = Customer.__table__, Tag.__table__, CustomerTag.__table__, Purchase.__table__


def phone(i: int) -> str:
    return f"+8491{i:07d}"


def add_customers(conn, specs):
    """specs: list of dicts with keys name, gender, opt_out, fixed, tags (list of names)."""
    tag_ids = {r.name: r.id for r in conn.execute(select(T.c.id, T.c.name))}
    ids = []
    for i, s in enumerate(specs):
        n = s.get("n", i + 1)
        cid = conn.execute(insert(C).values(
            full_name=s.get("name", f"Nguyễn Văn Khách{n}"), name_folded="x", phone=s.get("phone", phone(n)),
            phone_type="fixed" if s.get("fixed") else "mobile", gender=s.get("gender", "unknown"),
            sms_opt_out=bool(s.get("opt_out")), points=s.get("points", 0), code=s.get("code"),
        )).inserted_primary_key[0]
        ids.append(cid)
        for tag in s.get("tags", []):
            if tag not in tag_ids:
                tag_ids[tag] = conn.execute(insert(T).values(name=tag, name_folded=fold(tag))).inserted_primary_key[0]
            conn.execute(insert(CT).values(customer_id=cid, tag_id=tag_ids[tag]))
    ensure_stats_rows(conn, ids)
    return ids


def tag_plan(template="Chào {xung_ho} {ten}", tags=("VIP",), **kw):
    spec_kw = {k: kw.pop(k) for k in list(kw) if k in RecipientSpec.__dataclass_fields__}
    spec_kw.setdefault("frequency_cap_days", 0)
    spec_kw.setdefault("ads_cap", 0)
    spec_kw.setdefault("advertising", False)
    spec = RecipientSpec(sources=[Source("tag", t) for t in tags], **spec_kw)
    return CampaignPlan(spec=spec, template=template, **kw)


# ----- property: opted-out and fixed-line customers never appear in any export
customer_st = st.fixed_dictionaries({
    "opt_out": st.booleans(), "fixed": st.booleans(),
    "tags": st.lists(st.sampled_from(["VIP", "Mới", "Nhân viên"]), unique=True, max_size=3),
    "gender": st.sampled_from(["male", "female", "unknown"]),
    "name": st.sampled_from(["", "Lê Thị Hoa", "=cmd|' /C calc'!A0", "TRẦN VĂN AN", "@Bình"]),
})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    customers=st.lists(customer_st, min_size=0, max_size=25),
    sources=st.lists(st.sampled_from(["VIP", "Mới", "Nhân viên"]), min_size=1, max_size=3, unique=True),
    exclude_staff=st.booleans(),
    control=st.sampled_from([0, 10, 50]),
    preset=st.sampled_from(["phone_message", "phone_only", "name_phone_message", "zns"]),
    fmt=st.sampled_from(["0", "84", "+84"]),
    ext=st.sampled_from(["csv", "xlsx"]),
    no_accents=st.booleans(),
)
def test_opted_out_and_fixed_lines_never_exported(db, tmp_path_factory, customers, sources, exclude_staff,
                                                   control, preset, fmt, ext, no_accents):
    with db.begin() as conn:
        for table in (CampaignRecipient.__table__, Campaign.__table__, CT, T, CustomerStats.__table__, C):
            conn.execute(delete(table))
        ids = add_customers(conn, customers)
        for t in sources:  # every chosen tag exists, even if nobody has it
            if conn.execute(select(T.c.id).where(T.c.name == t)).first() is None:
                conn.execute(insert(T).values(name=t, name_folded=fold(t)))
        if exclude_staff and conn.execute(select(T.c.id).where(T.c.name == "Nhân viên")).first() is None:
            conn.execute(insert(T).values(name="Nhân viên", name_folded=fold("Nhân viên")))
    by_id = dict(zip(ids, customers))
    plan = tag_plan("{Xung_ho} {ten} ơi, {ho_ten} có {diem} điểm", tags=sources, control_percent=control,
                    preset=preset, phone_format=fmt, no_accents=no_accents, seed=3,
                    excludes=[Source("tag", "Nhân viên")] if exclude_staff else [])
    out = tmp_path_factory.mktemp("x") / f"list.{ext}"
    result = export_campaign(db, plan, out)
    rows = read_back(result["files"][0])[1:]
    phone_col = 0 if preset != "name_phone_message" else 1
    exported = {r[phone_col][-9:] for r in rows}
    forbidden = {phone(i + 1)[-9:] for i, c in enumerate(customers) if c["opt_out"] or c["fixed"]}
    assert not exported & forbidden
    wanted = {cid for cid, c in by_id.items()
              if set(c["tags"]) & set(sources) and not c["opt_out"] and not c["fixed"]
              and not (exclude_staff and "Nhân viên" in c["tags"])}
    assert len(rows) + result["control"] == len(wanted)
    assert result["recipients"] == len(rows)
    for r in rows:  # formula injection neutralised in every text cell
        for col, v in enumerate(r):
            if col != phone_col:
                assert not v.startswith(("=", "+", "-", "@"))
    with db.connect() as conn:
        stored = conn.execute(select(CampaignRecipient.__table__.c.customer_id)).scalars().all()
    assert set(stored) <= wanted


# ----- hand-made data
@pytest.fixture
def shop(db):
    with db.begin() as conn:
        set_setting(conn, "shop_name", "Mộc Spa")
        set_setting(conn, "sms_price_per_part", 300)
        ids = add_customers(conn, [
            {"name": "Nguyễn Thị Thu Hà", "gender": "female", "tags": ["VIP"], "points": 1200, "code": "KH1"},
            {"name": "Trần Văn An", "gender": "male", "tags": ["VIP", "Mới"], "points": 50},
            {"name": "Lê Hoa", "tags": ["VIP"], "opt_out": True},
            {"name": "Phạm Bình", "tags": ["VIP"], "fixed": True},
            {"name": "Đỗ Staff", "tags": ["VIP", "Nhân viên"]},
            {"name": "Võ Mới", "gender": "female", "tags": ["Mới"]},
            {"name": "", "tags": ["Khác"]},
        ])
    return db, ids


def test_counts_and_reasons(shop):
    db, ids = shop
    plan = tag_plan(tags=("VIP", "Mới"), excludes=[Source("tag", "Nhân viên")])
    with db.connect() as conn:
        prep = prepare(conn, plan)
    s = prep.summary()
    assert (s["recipients"], s["excluded_opt_out"], s["excluded_not_mobile"], s["excluded_manual"],
            s["duplicates"]) == (3, 1, 1, 1, 1)
    assert prep.recipients.excluded["excluded_opt_out"] == [ids[2]]
    assert prep.recipients.excluded["excluded_not_mobile"] == [ids[3]]
    assert prep.messages == ["Chào chị Hà", "Chào anh An", "Chào chị Mới"]
    assert s["encoding"] == "UCS-2" and s["sms_parts"] == 3 and s["estimated_cost"] == 900


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
@pytest.mark.parametrize("preset", ["phone_message", "name_phone_message", "zns"])
def test_file_reads_back_equal_to_the_preview(shop, tmp_path, ext, preset):
    db, _ids = shop
    plan = tag_plan("Chào {xung_ho} {ten}, bạn có {diem} điểm tại {cua_hang}", tags=("VIP", "Mới"),
                    preset=preset, advertising=True, opt_out_text="Tu choi: TC gui 9029")
    with db.connect() as conn:
        prep = prepare(conn, plan)
    p = get_preset(preset)
    to_cells = make_cells(p, p.phone_format, prep.template.placeholders)
    preview = [to_cells(r) for r in export_rows(prep)]  # what the preview table shows
    result = export_campaign(db, plan, tmp_path / f"out.{ext}")
    got = read_back(result["files"][0])
    assert got[1:] == preview
    if preset == "phone_message":
        assert got[1] == ["84910000001", "QC Chào chị Hà, bạn có 1.200 điểm tại Mộc Spa. Tu choi: TC gui 9029"]


def test_no_accents_export(shop, tmp_path):
    db, _ = shop
    result = export_campaign(db, tag_plan("Chào {xung_ho} {ten}", no_accents=True), tmp_path / "a.csv")
    rows = read_back(result["files"][0])
    assert rows[1][1] == "Chao chi Ha" and result["encoding"] == "GSM-7"


def test_control_group_is_seeded_and_stored(shop, tmp_path):
    db, _ = shop
    result = export_campaign(db, tag_plan(tags=("VIP", "Mới", "Khác"), control_percent=50, seed=1),
                             tmp_path / "a.csv", )
    assert result["recipients"] + result["control"] == 5 and result["control"] == 2  # round(2.5)
    with db.connect() as conn:
        camp = records.get_campaign(conn, result["campaign_id"])
        ctl = records.stored_rows(conn, camp["id"], control=True)
    assert len(ctl) == 2 and all(r["message"] is None for r in ctl)
    assert camp["sources"]["seed"] == 1


def test_frequency_cap_and_ads_cap(shop, tmp_path):
    db, ids = shop
    first = export_campaign(db, tag_plan(tags=("Mới",), advertising=True), tmp_path / "a.csv")
    assert first["recipients"] == 2
    plan = tag_plan(tags=("VIP",), frequency_cap_days=7)
    with db.connect() as conn:
        s = prepare(conn, plan).summary()
    assert s["excluded_recent"] == 1 and s["recipients"] == 2  # An got campaign 1; Hà and Staff remain
    plan = tag_plan(tags=("VIP",), advertising=True, ads_cap=1)
    with db.connect() as conn:
        s = prepare(conn, plan).summary()
    assert s["excluded_ads_cap"] == 1 and s["excluded_recent"] == 0
    # two days later the ads cap no longer applies
    plan.spec.send_at = datetime.now() + timedelta(days=2)
    with db.connect() as conn:
        assert prepare(conn, plan).summary()["excluded_ads_cap"] == 0


def test_bad_input(shop, tmp_path):
    db, _ = shop
    with db.connect() as conn:
        with pytest.raises(UserError, match="No tag named 'Không có'"):
            prepare(conn, tag_plan(tags=("Không có",)))
        with pytest.raises(InvalidInput, match=r"\{ten_kh\}"):
            prepare(conn, tag_plan("Chào {ten_kh}"))
        with pytest.raises(InvalidInput, match="at least one"):
            build_recipients(conn, RecipientSpec(sources=[]))
        with pytest.raises(InvalidInput, match="empty"):
            prepare(conn, tag_plan("   "))
    with pytest.raises(InvalidInput):
        export_campaign(db, tag_plan(), tmp_path / "a.pdf")
    with db.connect() as conn:
        assert records.list_campaigns(conn) == []  # nothing stored by failed exports


def test_reexport_same_rows_other_format(shop, tmp_path):
    db, _ = shop
    result = export_campaign(db, tag_plan(tags=("VIP", "Mới")), tmp_path / "a.csv")
    with db.connect() as conn:
        [again] = records.reexport(conn, result["campaign_id"], tmp_path / "b.xlsx")
        [plus] = records.reexport(conn, result["campaign_id"], tmp_path / "c.csv", phone_format="+84")
    first = read_back(result["files"][0])
    assert read_back(again) == first
    assert [r[0] for r in read_back(plus)[1:]] == ["+84" + r[0][2:] for r in first[1:]]


# ----- results against hand-made purchases
def test_results_buyers_revenue_conversion_uplift(db, tmp_path):
    with db.begin() as conn:
        ids = add_customers(conn, [{"tags": ["A"]} for _ in range(10)])
    send = datetime(2026, 5, 1, 9, 0)
    plan = tag_plan(tags=("A",), control_percent=40, seed=5, send_at=send)
    result = export_campaign(db, plan, tmp_path / "a.csv")
    with db.connect() as conn:
        rec = [r["customer_id"] for r in records.stored_rows(conn, result["campaign_id"])]
        ctl = [r["customer_id"] for r in records.stored_rows(conn, result["campaign_id"], control=True)]
    assert len(rec) == 6 and len(ctl) == 4
    buys = [
        (rec[0], send + timedelta(hours=1), 100_000, False),   # counts
        (rec[0], send + timedelta(days=2), 50_000, False),     # same buyer, counts in revenue
        (rec[1], send + timedelta(days=6, hours=23), 200_000, False),  # inside 7 days
        (rec[2], send + timedelta(days=7, minutes=1), 999_000, False),  # after the window
        (rec[3], send - timedelta(minutes=1), 999_000, False),  # before the send
        (rec[4], send + timedelta(days=1), 999_000, True),  # cancelled
        (ctl[0], send + timedelta(days=3), 80_000, False),
    ]
    with db.begin() as conn:
        for i, (cid, when, amount, cancelled) in enumerate(buys):
            conn.execute(insert(P).values(customer_id=cid, invoice_code=f"HD{i}", purchased_at=when,
                                          amount=amount, cancelled=cancelled))
        refresh_stats(conn, ids)
    with db.connect() as conn:
        res = records.results(conn, result["campaign_id"], days=7, now=send + timedelta(days=30))
    assert res["recipients"] == {"size": 6, "buyers": 2, "orders": 3, "revenue": 350_000,
                                 "conversion": 2 / 6, "revenue_per_customer": 350_000 / 6}
    assert res["control"]["buyers"] == 1 and res["control"]["revenue"] == 80_000
    assert res["control"]["conversion"] == 0.25
    assert res["uplift_pp"] == pytest.approx((2 / 6 - 0.25) * 100)
    assert res["uplift_relative"] == pytest.approx((2 / 6) / 0.25 - 1)
    assert res["incremental_revenue"] == round((350_000 / 6 - 20_000) * 6)
    assert res["complete"] is True
    with db.connect() as conn:
        res8 = records.results(conn, result["campaign_id"], days=8)
        assert res8["recipients"]["buyers"] == 3
        with pytest.raises(UserError):
            records.results(conn, result["campaign_id"], days=0)
        with pytest.raises(UserError, match="No campaign"):
            records.results(conn, 999)


def test_delivery_report_import(shop, tmp_path):
    db, _ = shop
    result = export_campaign(db, tag_plan(tags=("VIP", "Mới")), tmp_path / "a.csv")
    report = tmp_path / "report.csv"
    report.write_text("Số điện thoại,Trạng thái\n0910000001,Thành công\n84910000002,FAILED\n"
                      "+84910000006,pending\n0912999999,DELIVRD\nabc,ok\n", encoding="utf-8")
    with db.begin() as conn:
        counts = records.import_delivery_report(conn, result["campaign_id"], report)
    assert (counts["delivered"], counts["failed"], counts["unknown"], counts["not_in_campaign"],
            counts["bad_phone"]) == (1, 1, 1, 1, 1)
    with db.connect() as conn:
        res = records.results(conn, result["campaign_id"])
    assert (res["delivered"], res["failed"], res["delivery_unknown"]) == (1, 1, 2)  # "pending" + not in report


def test_campaign_history_json(shop, tmp_path):
    db, _ = shop
    export_campaign(db, tag_plan(name="Tháng 5"), tmp_path / "a.csv")
    with db.connect() as conn:
        [row] = records.list_campaigns(conn)
        camp = records.get_campaign(conn, "Tháng 5")
    assert row["name"] == "Tháng 5" and camp["id"] == row["id"]
    assert camp["sources"]["sources"] == [{"kind": "tag", "value": "VIP", "label": ""}]
    json.dumps(camp, default=str)


def test_frozen_segment_uses_its_snapshot(shop, tmp_path):
    from loyalty_desktop.segments.store import freeze_segment, save_segment

    db, ids = shop
    with db.begin() as conn:
        save_segment(conn, "Nữ", {"field": "gender", "op": "eq", "value": "female"})
        freeze_segment(conn, "Nữ")
        conn.execute(insert(C).values(full_name="Mới Vào", name_folded="moi vao", phone=phone(99), gender="female"))
    spec = RecipientSpec(sources=[Source("segment", "Nữ")], frequency_cap_days=0, ads_cap=0, advertising=False)
    with db.connect() as conn:
        rs = build_recipients(conn, spec)
    assert [r["full_name"] for r in rs.recipients] == ["Nguyễn Thị Thu Hà", "Võ Mới"]  # not the new customer


def test_cancelled_export_leaves_no_file_and_no_campaign(shop, tmp_path):
    from loyalty_desktop.errors import Cancelled

    db, _ = shop
    calls = []

    def check():
        calls.append(1)
        if len(calls) > 3:  # let the recipients through, stop while writing
            raise Cancelled()

    out = tmp_path / "a.csv"
    with pytest.raises(Cancelled):
        export_campaign(db, tag_plan(tags=("VIP", "Mới")), out, check=check,
                        progress=lambda f, t: check() if t == "writing" else None)
    assert not out.exists()
    with db.connect() as conn:
        assert records.list_campaigns(conn) == []
