"""Shop settings stored in the database (``setting`` table, JSON values) with typed defaults."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection

from loyalty_desktop.models import Setting

_t = Setting.__table__

DEFAULTS: dict[str, Any] = {
    # Loyalty: points a purchase earns and tier thresholds by total spent (đồng), highest first.
    "points_per_vnd": 10_000,  # 1 point per 10.000 ₫ paid
    "tiers": [["Kim cương", 30_000_000], ["Vàng", 10_000_000], ["Bạc", 2_000_000]],
    "shop_name": "",
    "sms_price_per_part": 350,  # đồng per SMS part (brandname CSKH, typical)
    "frequency_cap_days": 7,
    "ads_per_phone_per_24h": 1,
    "opt_out_text": "Tu choi nhan tin: soan TC gui 9xxx",
}


def get_setting(conn: Connection, key: str) -> Any:
    value = conn.execute(select(_t.c.value).where(_t.c.key == key)).scalar()
    if value is None:
        return DEFAULTS.get(key)
    return json.loads(value)


def set_setting(conn: Connection, key: str, value: Any) -> None:
    conn.execute(delete(_t).where(_t.c.key == key))
    conn.execute(insert(_t).values(key=key, value=json.dumps(value, ensure_ascii=False)))


def tier_for(total_spent: int, tiers: list[list]) -> str | None:
    for name, threshold in sorted(tiers, key=lambda t: -t[1]):
        if total_spent >= threshold:
            return name
    return None
