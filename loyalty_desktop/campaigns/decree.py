"""Help with Decree 91/2020/NĐ-CP on spam messages (advertising SMS in Vietnam).

What the app checks for an advertising campaign (a customer-care message is exempt from the label and
the opt-out text):

- the message starts with the label ``QC`` (Article 12: advertising messages carry "QC");
- it ends with opt-out instructions (editable wording, setting ``opt_out_text``); a warning when the
  template has none;
- the planned send time is within 07:00–22:00 (both ends included), otherwise a warning;
- a phone receives at most ``ads_per_phone_per_24h`` advertising messages per 24 hours across all
  campaigns (setting, default 1): recipients over the cap are left out (``excluded_ads_cap``).

These are help and warnings, not legal advice: the user decides.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Iterable

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Connection

from loyalty_desktop.models import Campaign, CampaignRecipient

ADS_LABEL = "QC"
SEND_FROM = time(7, 0)
SEND_UNTIL = time(22, 0)
DEFAULT_OPT_OUT = "Tu choi nhan tin: soan TC gui 9xxx"

# Words that show a template already tells people how to stop the messages (folded, no accents).
_OPT_OUT_HINTS = ("tu choi", "huy nhan", "ngung nhan", "dung nhan", "khong nhan", "soan tc", "soan huy",
                  "opt out", "opt-out", "unsubscribe", "stop")


@dataclass(frozen=True)
class Warning_:
    code: str  # missing_label | missing_opt_out | send_time | ads_cap
    message: str  # English (the UI translates by code)
    message_vi: str


def _fold(text: str) -> str:
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def has_ads_label(message: str) -> bool:
    """Starts with "QC" as a word: "QC ", "QC:", "(QC)", "[QC]"."""
    return re.match(r"^\s*[\(\[]?\s*QC\b", message or "") is not None


def has_opt_out(message: str, opt_out_text: str | None = None) -> bool:
    folded = _fold(message)
    if opt_out_text and _fold(opt_out_text) in folded:
        return True
    return any(h in folded for h in _OPT_OUT_HINTS)


def apply_decree(template: str, advertising: bool, add_label: bool = True, opt_out_text: str | None = None,
                 label: str = ADS_LABEL) -> str:
    """The template as it will be sent: ``QC`` in front and the opt-out text at the end (if asked)."""
    text = (template or "").strip()
    if not advertising:
        return text
    if add_label and not has_ads_label(text):
        text = f"{label} {text}" if text else label
    if opt_out_text and not has_opt_out(text, opt_out_text):
        sep = "" if text.endswith((".", "!", "?")) else "."
        text = f"{text}{sep} {opt_out_text.strip()}"
    return text


def send_time_ok(when: datetime | None) -> bool:
    if when is None:
        return True
    t = when.time()
    return SEND_FROM <= t <= SEND_UNTIL


def check_message(template: str, advertising: bool, send_at: datetime | None = None,
                  opt_out_text: str | None = None) -> list[Warning_]:
    """Warnings for the final template (after ``apply_decree``) and the planned send time."""
    out: list[Warning_] = []
    if advertising:
        if not has_ads_label(template):
            out.append(Warning_("missing_label", 'Advertising messages must start with "QC".',
                                'Tin nhắn quảng cáo phải bắt đầu bằng "QC".'))
        if not has_opt_out(template, opt_out_text):
            out.append(Warning_("missing_opt_out", "The message has no opt-out instructions at the end.",
                                "Tin nhắn chưa có hướng dẫn từ chối nhận tin ở cuối."))
        if not send_time_ok(send_at):
            out.append(Warning_(
                "send_time",
                f"Planned send time {send_at:%H:%M} is outside 07:00–22:00 allowed for advertising messages.",
                f"Giờ gửi dự kiến {send_at:%H:%M} nằm ngoài khung 07:00–22:00 cho phép gửi tin quảng cáo.",
            ))
    return out


def campaign_time():
    """SQL expression: when a campaign's messages go out (send time, else when it was exported)."""
    cp = Campaign.__table__
    return func.coalesce(cp.c.send_at, cp.c.created_at)


def recently_messaged(conn: Connection, customer_ids: Iterable[int] | None, since: datetime,
                      exclude_campaign: int | None = None) -> set[int]:
    """Customers sent a message (not control) by a campaign going out at or after ``since``."""
    cp, cr = Campaign.__table__, CampaignRecipient.__table__
    q = (
        select(cr.c.customer_id).distinct()
        .select_from(cr.join(cp, cp.c.id == cr.c.campaign_id))
        .where(cr.c.is_control.is_(False), campaign_time() >= since)
    )
    if exclude_campaign is not None:
        q = q.where(cp.c.id != exclude_campaign)
    found = set(conn.execute(q).scalars())
    if customer_ids is not None:
        found &= set(customer_ids)
    return found


def ads_over_cap(conn: Connection, send_at: datetime, cap: int, exclude_campaign: int | None = None) -> set[int]:
    """Customers who already get ``cap`` advertising messages within 24 h of ``send_at`` (either side)."""
    cp, cr = Campaign.__table__, CampaignRecipient.__table__
    when = campaign_time()
    q = (
        select(cr.c.customer_id)
        .select_from(cr.join(cp, cp.c.id == cr.c.campaign_id))
        .where(
            cr.c.is_control.is_(False),
            cp.c.advertising.is_(True),
            and_(when > send_at - timedelta(hours=24), when < send_at + timedelta(hours=24)),
        )
        .group_by(cr.c.customer_id)
        .having(func.count() >= max(1, int(cap)))
    )
    if exclude_campaign is not None:
        q = q.where(cp.c.id != exclude_campaign)
    return set(conn.execute(q).scalars())
