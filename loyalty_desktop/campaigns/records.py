"""Stored campaigns: save, history, re-export, results (uplift against the control group), delivery reports.

Results of a campaign: among the recipients and among the control group, the customers who bought
(a purchase not cancelled, at or after the send time and before send + N days) and their revenue;
conversion = buyers / group size; uplift = conversion(recipients) − conversion(control) in percentage
points (and relative). The send time is the planned ``send_at``, else when the list was exported.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import and_, bindparam, delete, desc, func, insert, select, update
from sqlalchemy.engine import Connection

from loyalty_desktop.errors import UserError
from loyalty_desktop.models import Campaign, CampaignRecipient, Customer, CustomerStats, DeliveryReport, Purchase

cp = Campaign.__table__
cr = CampaignRecipient.__table__
dr = DeliveryReport.__table__
c = Customer.__table__
st = CustomerStats.__table__
p = Purchase.__table__

CHUNK = 5000


def save_campaign(conn: Connection, prep, files: list[Path]) -> int:
    """Insert the campaign, its recipients (with their message) and its control group."""
    from loyalty_desktop.campaigns.export import default_name

    plan = prep.plan
    spec = plan.spec
    rs = prep.recipients
    sources = spec.to_json()
    sources["seed"] = rs.seed
    sources["frequency_cap_days"] = rs.frequency_cap_days
    sources["ads_cap"] = rs.ads_cap
    sources["split_rows"] = plan.split_rows
    sources["add_label"] = plan.add_label
    sources["opt_out_text"] = prep.opt_out_text
    sources["fallbacks"] = plan.fallbacks
    sources["original_template"] = plan.template
    counts = rs.counts()
    counts["source_counts"] = rs.source_counts
    counts["max_parts"] = prep.totals.max_parts
    counts["max_chars"] = prep.totals.max_chars
    counts["files"] = [str(f) for f in files]
    counts["warnings"] = [w.code for w in prep.warnings]
    values = dict(
        name=(plan.name or default_name())[:200],
        sources_json=json.dumps(sources, ensure_ascii=False, default=str),
        template=prep.final_template,
        advertising=spec.advertising,
        no_accents=plan.no_accents,
        preset=plan.preset,
        phone_format=plan.phone_format or _preset_format(plan.preset),
        send_at=spec.send_at,
        recipients=len(rs.recipients),
        control=len(rs.control),
        counts_json=json.dumps(counts, ensure_ascii=False),
        sms_parts=prep.totals.total_parts,
        encoding=prep.totals.encoding,
        estimated_cost=prep.totals.estimated_cost,
        file_path=str(files[0]) if files else None,
        created_at=datetime.now().replace(microsecond=0),
    )
    campaign_id = conn.execute(insert(cp).values(**values)).inserted_primary_key[0]
    batch: list[dict] = []

    def flush():
        if batch:
            conn.execute(insert(cr), batch)
            batch.clear()

    for row, msg in zip(rs.recipients, prep.messages):
        batch.append({"campaign_id": campaign_id, "customer_id": row["id"], "phone": row["phone"],
                      "is_control": False, "message": msg, "delivery_status": None})
        if len(batch) >= CHUNK:
            flush()
    for row in rs.control:
        batch.append({"campaign_id": campaign_id, "customer_id": row["id"], "phone": row["phone"],
                      "is_control": True, "message": None, "delivery_status": None})
        if len(batch) >= CHUNK:
            flush()
    flush()
    return int(campaign_id)


def _preset_format(preset: str) -> str:
    from loyalty_desktop.campaigns.writers import PRESETS

    return PRESETS[preset].phone_format if preset in PRESETS else "0"


_LIST_COLS = (cp.c.id, cp.c.name, cp.c.created_at, cp.c.send_at, cp.c.advertising, cp.c.recipients, cp.c.control,
              cp.c.sms_parts, cp.c.encoding, cp.c.estimated_cost, cp.c.preset, cp.c.file_path)


def list_campaigns(conn: Connection, limit: int | None = None) -> list[dict]:
    q = select(*_LIST_COLS).order_by(desc(cp.c.created_at), desc(cp.c.id))
    if limit:
        q = q.limit(limit)
    return [dict(r._mapping) for r in conn.execute(q)]


def get_campaign(conn: Connection, ref: int | str) -> dict:
    """A campaign by id or (exact) name; the newest when a name repeats. Raises UserError."""
    row = None
    if isinstance(ref, int) or (isinstance(ref, str) and ref.strip().isdigit()):
        row = conn.execute(select(cp).where(cp.c.id == int(ref))).first()
    if row is None and isinstance(ref, str):
        row = conn.execute(select(cp).where(cp.c.name == ref.strip()).order_by(desc(cp.c.id)).limit(1)).first()
    if row is None:
        raise UserError(f"No campaign '{ref}'. See `campaign list`.",
                        vi=f"Không có chiến dịch “{ref}”. Xem danh sách bằng `campaign list`.")
    out = dict(row._mapping)
    out["sources"] = json.loads(out.pop("sources_json") or "{}")
    out["counts"] = json.loads(out.pop("counts_json") or "{}")
    return out


def delete_campaign(conn: Connection, campaign_id: int) -> None:
    conn.execute(delete(cr).where(cr.c.campaign_id == campaign_id))
    conn.execute(delete(dr).where(dr.c.campaign_id == campaign_id))
    conn.execute(delete(cp).where(cp.c.id == campaign_id))


def send_time(campaign: dict) -> datetime:
    return campaign.get("send_at") or campaign["created_at"]


def stored_rows(conn: Connection, campaign_id: int, control: bool = False, limit: int | None = None) -> list[dict]:
    """Recipients as stored (phone and message as exported), with the customer's current name."""
    q = (
        select(cr.c.customer_id, cr.c.phone, cr.c.message, cr.c.delivery_status, c.c.full_name)
        .select_from(cr.join(c, c.c.id == cr.c.customer_id))
        .where(cr.c.campaign_id == campaign_id, cr.c.is_control.is_(control))
        .order_by(cr.c.customer_id)
    )
    if limit:
        q = q.limit(limit)
    return [dict(r._mapping) for r in conn.execute(q)]


def reexport(conn: Connection, campaign_ref: int | str, out: str | Path, preset: str | None = None,
             phone_format: str | None = None, split_rows: int | None = None,
             progress: Callable[[int], None] | None = None) -> list[Path]:
    """Write the stored list again (same phones and messages), optionally with another preset/format.

    ZNS-style parameters are recomputed from the customers' current data with the stored template.
    """
    from loyalty_desktop.campaigns.recipients import RECIPIENT_COLUMNS
    from loyalty_desktop.campaigns.sms import remove_diacritics
    from loyalty_desktop.campaigns.templates import clean_name, parse_template
    from loyalty_desktop.campaigns.writers import ExportRow, write_export
    from loyalty_desktop.settings import get_setting

    camp = get_campaign(conn, campaign_ref)
    preset = preset or camp["preset"]
    phone_format = phone_format or (camp["phone_format"] if preset == camp["preset"] else None)
    tpl = parse_template(camp["template"], get_setting(conn, "shop_name") or "", camp["sources"].get("fallbacks"))
    zns = preset == "zns"
    q = (
        select(cr.c.phone, cr.c.message, *RECIPIENT_COLUMNS)
        .select_from(cr.join(c, c.c.id == cr.c.customer_id).outerjoin(st, st.c.customer_id == c.c.id))
        .where(cr.c.campaign_id == camp["id"], cr.c.is_control.is_(False))
        .order_by(cr.c.customer_id)
    )
    rows = [dict(r._mapping) for r in conn.execute(q)]

    def gen():
        for r in rows:
            params = None
            if zns:
                params = tpl.params(r)
                if camp["no_accents"]:
                    params = {k: remove_diacritics(v) for k, v in params.items()}
            # the stored phone (E.164 at export time), not the customer's current one
            yield ExportRow(r["phone"], clean_name(r["full_name"]), r["message"] or "", params)

    return write_export(out, gen(), len(rows), preset, phone_format, tpl.placeholders, split_rows, progress)


def results(conn: Connection, campaign_ref: int | str, days: int = 7, now: datetime | None = None) -> dict:
    if days < 1:
        raise UserError("The results window must be at least 1 day.",
                        vi="Khoảng thời gian xem kết quả phải từ 1 ngày trở lên.")
    camp = get_campaign(conn, campaign_ref)
    start = send_time(camp)
    end = start + timedelta(days=days)
    sizes = dict(
        conn.execute(
            select(cr.c.is_control, func.count()).where(cr.c.campaign_id == camp["id"]).group_by(cr.c.is_control)
        ).all()
    )
    bought = (
        select(
            cr.c.is_control,
            func.count(func.distinct(p.c.customer_id)).label("buyers"),
            func.coalesce(func.sum(p.c.amount), 0).label("revenue"),
            func.count(p.c.id).label("orders"),
        )
        .select_from(cr.join(p, and_(p.c.customer_id == cr.c.customer_id, p.c.cancelled.is_(False),
                                     p.c.purchased_at >= start, p.c.purchased_at < end)))
        .where(cr.c.campaign_id == camp["id"])
        .group_by(cr.c.is_control)
    )
    found = {bool(r.is_control): r for r in conn.execute(bought)}
    groups = {}
    for key, is_control in (("recipients", False), ("control", True)):
        size = int(sizes.get(is_control, 0) or sizes.get(int(is_control), 0) or 0)
        r = found.get(is_control)
        buyers = int(r.buyers) if r else 0
        revenue = int(r.revenue) if r else 0
        groups[key] = {
            "size": size,
            "buyers": buyers,
            "orders": int(r.orders) if r else 0,
            "revenue": revenue,
            "conversion": (buyers / size) if size else None,
            "revenue_per_customer": (revenue / size) if size else None,
        }
    rec, ctl = groups["recipients"], groups["control"]
    uplift_pp = rel = incremental = None
    if rec["conversion"] is not None and ctl["conversion"] is not None:
        uplift_pp = (rec["conversion"] - ctl["conversion"]) * 100
        rel = (rec["conversion"] / ctl["conversion"] - 1) if ctl["conversion"] else None
        incremental_buyers = (rec["conversion"] - ctl["conversion"]) * rec["size"]
        incremental = int(round((rec["revenue_per_customer"] - ctl["revenue_per_customer"]) * rec["size"]))
    else:
        incremental_buyers = None
    delivery = dict(
        conn.execute(
            select(func.coalesce(cr.c.delivery_status, "unknown"), func.count())
            .where(cr.c.campaign_id == camp["id"], cr.c.is_control.is_(False))
            .group_by(func.coalesce(cr.c.delivery_status, "unknown"))
        ).all()
    )
    now = now or datetime.now()
    return {
        "campaign_id": camp["id"],
        "name": camp["name"],
        "send_time": start.isoformat(sep=" "),
        "days": days,
        "window_end": end.isoformat(sep=" "),
        "complete": now >= end,
        "recipients": rec,
        "control": ctl,
        "uplift_pp": uplift_pp,
        "uplift_relative": rel,
        "incremental_buyers": incremental_buyers,
        "incremental_revenue": incremental,
        "delivered": int(delivery.get("delivered", 0)),
        "failed": int(delivery.get("failed", 0)),
        "delivery_unknown": int(delivery.get("unknown", 0)),
    }


# ----- delivery reports
_PHONE_HEADERS = {"phone", "so dien thoai", "sdt", "so dt", "dien thoai", "msisdn", "mobile", "phone number",
                  "so thue bao", "thue bao", "receiver", "recipient", "to", "number"}
_STATUS_HEADERS = {"status", "trang thai", "tinh trang", "ket qua", "result", "delivery status", "state",
                   "trang thai gui"}
_DELIVERED = {"delivered", "delivrd", "success", "successful", "sent", "ok", "thanh cong", "da gui", "da nhan",
              "1", "done", "dlvrd"}
_FAILED = {"failed", "fail", "undeliv", "undelivered", "error", "rejected", "rejectd", "expired", "that bai",
           "loi", "khong thanh cong", "0", "-1", "failure", "blocked"}


def _norm(v: Any) -> str:
    from loyalty_desktop.campaigns.recipients import fold

    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return fold(str(v)).strip()


def delivery_status(value: Any) -> str:
    """"delivered" | "failed" | "unknown" from a gateway's status text (Vietnamese or English)."""
    s = _norm(value)
    if s in _DELIVERED:
        return "delivered"
    if s in _FAILED:
        return "failed"
    return "unknown"


def _phone(value: Any) -> str | None:
    from loyalty_desktop.vn.phones import normalize_phone

    if isinstance(value, float) and value.is_integer():
        value = str(int(value))
        if len(value) == 9:  # Excel dropped the leading 0
            value = "0" + value
    res = normalize_phone(value)
    if res.e164:
        return res.e164
    # Gateways echo back exactly the number we exported (0…, 84…, +84…): match it by its digits even
    # when the number plan does not know the prefix.
    digits = "".join(ch for ch in str(value) if ch.isdigit())
    if len(digits) == 11 and digits.startswith("84"):
        digits = digits[2:]
    elif len(digits) == 10 and digits.startswith("0"):
        digits = digits[1:]
    return "+84" + digits if len(digits) == 9 else None


def read_delivery_report(path: str | Path) -> list[tuple[str | None, str, Any]]:
    """(E.164 or None, status, raw phone) for each data row of a gateway report (.csv/.xlsx/.xls)."""
    from loyalty_desktop.importing.readers import open_workbook

    book = open_workbook(path)
    try:
        sheet = book.read(book.resolve_sheet(None))
        rows = sheet.rows
        sheet.release()  # read once: nothing to keep for a next read
    finally:
        book.close()
    phone_col, status_col, start = 0, 1, 0
    for i, row in enumerate(rows[:20]):
        names = [_norm(v) for v in row]
        pc = next((j for j, n in enumerate(names) if n in _PHONE_HEADERS), None)
        sc = next((j for j, n in enumerate(names) if n in _STATUS_HEADERS), None)
        if pc is not None and sc is not None:
            phone_col, status_col, start = pc, sc, i + 1
            break
    else:
        if not rows or len(rows[0]) < 2:
            raise UserError("The delivery report needs two columns: phone and status.",
                            vi="Báo cáo gửi tin cần có hai cột: số điện thoại và trạng thái.")
    out = []
    for row in rows[start:]:
        if len(row) <= max(phone_col, status_col):
            continue
        raw = row[phone_col]
        if raw is None or str(raw).strip() == "":
            continue
        out.append((_phone(raw), delivery_status(row[status_col]), raw))
    return out


def import_delivery_report(conn: Connection, campaign_ref: int | str, path: str | Path) -> dict:
    camp = get_campaign(conn, campaign_ref)
    entries = read_delivery_report(path)
    known = set(conn.execute(
        select(cr.c.phone).where(cr.c.campaign_id == camp["id"], cr.c.is_control.is_(False))
    ).scalars())
    counts = {"delivered": 0, "failed": 0, "unknown": 0, "not_in_campaign": 0, "bad_phone": 0}
    updates: dict[str, str] = {}
    for e164, status, _raw in entries:
        if e164 is None:
            counts["bad_phone"] += 1
            continue
        if e164 not in known:
            counts["not_in_campaign"] += 1
            continue
        # a later line for the same phone wins, except that "delivered" is never downgraded to unknown
        if status == "unknown" and updates.get(e164) in ("delivered", "failed"):
            continue
        updates[e164] = status
    for status in updates.values():
        counts[status] += 1
    stmt = (
        update(cr)
        .where(cr.c.campaign_id == camp["id"], cr.c.phone == bindparam("b_phone"))
        .values(delivery_status=bindparam("b_status"))
    )
    params = [{"b_phone": ph, "b_status": (None if s == "unknown" else s)} for ph, s in updates.items()]
    for i in range(0, len(params), CHUNK):
        conn.execute(stmt, params[i : i + CHUNK])
    conn.execute(insert(dr).values(campaign_id=camp["id"], file_path=str(path), delivered=counts["delivered"],
                                   failed=counts["failed"], unknown=counts["unknown"],
                                   created_at=datetime.now().replace(microsecond=0)))
    counts["campaign_id"] = camp["id"]
    return counts


def history_counts(conn: Connection) -> dict:
    """Totals over all campaigns (for the history header)."""
    r = conn.execute(select(func.count(), func.coalesce(func.sum(cp.c.recipients), 0),
                            func.coalesce(func.sum(cp.c.estimated_cost), 0))).one()
    return {"campaigns": int(r[0]), "messages": int(r[1]), "cost": int(r[2])}

