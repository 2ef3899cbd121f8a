"""Ready-made segments shops understand, as ordinary editable rules (thresholds shown in the rule).

``TEMPLATES`` is ordered for the palette. ``template_rule(id)`` returns a fresh rule node;
``save_template(conn, id, name=None)`` saves it as a dynamic segment remembering its template.
RFM fields (``rfm_r/f/m``, 1–5 by quintiles over buyers) are refreshed by ``stats.refresh_rfm``:
after a full stats rebuild, after imports, and by the app's daily maintenance on open.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from sqlalchemy.engine import Connection

from loyalty_desktop.errors import UserError
from loyalty_desktop.segments.rules import Node, parse_rule


@dataclass(frozen=True)
class Template:
    id: str
    name_vi: str
    name_en: str
    description_vi: str
    description_en: str
    rule: dict


def _c(field, op, value=None, days=None) -> dict:
    out = {"field": field, "op": op}
    if value is not None:
        out["value"] = value
    if days is not None:
        out["window"] = {"days": days}
    return out


_LIST = [
    Template("loyal", "Khách hàng thân thiết", "Loyal customers",
             "Mua từ 5 đơn trở lên và có mua trong 180 ngày gần đây",
             "5 or more orders and bought in the last 180 days",
             {"all": [_c("order_count", "gte", 5), _c("last_purchase_at", "within_last", {"days": 180})]}),
    Template("potential", "Khách hàng tiềm năng", "Potential customers",
             "Mới mua 1–2 đơn, lần gần nhất trong 60 ngày",
             "Bought once or twice, most recently in the last 60 days",
             {"all": [_c("order_count", "between", [1, 2]), _c("last_purchase_at", "within_last", {"days": 60})]}),
    Template("low_value", "Khách hàng giá trị nhỏ", "Low-value customers",
             "Đã mua nhưng tổng chi tiêu dưới 500.000 ₫",
             "Bought, but spent less than 500,000 ₫ in total",
             {"all": [_c("order_count", "gte", 1), _c("total_spent", "lt", 500_000)]}),
    Template("at_risk", "Khách hàng có nguy cơ rời bỏ", "At-risk customers",
             "Từng mua từ 3 đơn, nhưng không mua gì hơn 120 ngày nay",
             "Used to buy (3+ orders) but nothing for more than 120 days",
             {"all": [_c("order_count", "gte", 3), _c("last_purchase_at", "more_than_ago", {"days": 120})]}),
    Template("new", "Khách hàng mới", "New customers",
             "Tham gia trong 30 ngày gần đây", "Joined in the last 30 days",
             {"all": [_c("created_at", "within_last", {"days": 30})]}),
    Template("birthday_this_month", "Sinh nhật tháng này", "Birthday this month",
             "Sinh nhật trong tháng này và không từ chối nhận SMS",
             "Birthday this month and not opted out of SMS",
             {"all": [_c("birthday", "this_month"), _c("sms_opt_out", "eq", False)]}),
    Template("vip", "Khách hàng VIP", "VIP customers",
             "Tổng chi tiêu từ 20.000.000 ₫ trở lên", "Spent 20,000,000 ₫ or more in total",
             {"all": [_c("total_spent", "gte", 20_000_000)]}),
    Template("rfm_champions", "Khách hàng tốt nhất (RFM)", "Champions (RFM)",
             "Điểm RFM: gần đây ≥ 4, tần suất ≥ 4, giá trị ≥ 4",
             "RFM scores: recency ≥ 4, frequency ≥ 4, monetary ≥ 4",
             {"all": [_c("rfm_r", "gte", 4), _c("rfm_f", "gte", 4), _c("rfm_m", "gte", 4)]}),
    Template("rfm_hibernating", "Khách hàng ngủ đông (RFM)", "Hibernating (RFM)",
             "Điểm RFM: gần đây ≤ 2 và tần suất ≤ 2", "RFM scores: recency ≤ 2 and frequency ≤ 2",
             {"all": [_c("rfm_r", "lte", 2), _c("rfm_f", "lte", 2)]}),
]

TEMPLATES: dict[str, Template] = {tpl.id: tpl for tpl in _LIST}


def list_templates() -> list[Template]:
    return list(_LIST)


def template_rule(template_id: str) -> Node:
    tpl = TEMPLATES.get(template_id)
    if tpl is None:
        raise UserError(f"Unknown template \"{template_id}\" (use one of {', '.join(TEMPLATES)}).",
                        vi=f"Không có mẫu “{template_id}” (dùng một trong {', '.join(TEMPLATES)}).")
    return parse_rule(copy.deepcopy(tpl.rule))


def save_template(conn: Connection, template_id: str, name: str | None = None) -> int:
    from loyalty_desktop.segments.store import save_segment

    tpl = TEMPLATES.get(template_id)
    rule = template_rule(template_id)
    return save_segment(conn, name or tpl.name_vi, rule, description=tpl.description_vi, template=template_id)
