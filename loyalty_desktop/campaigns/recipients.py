"""Who gets the message: saved segments, rule files and tags, minus exclusions, minus a control group.

Every customer left out is counted under exactly one reason, checked in this order, and the ids are
kept so the UI can list them:

``excluded_manual``   in an exclusion source (e.g. "not tag Nhân viên")
``excluded_opt_out``  opted out of SMS
``excluded_not_mobile``  no mobile number (a fixed line cannot receive SMS)
``excluded_recent``   messaged by another campaign in the last N days (frequency cap)
``excluded_ads_cap``  already at the advertising cap per phone per 24 h (Decree 91/2020)

``duplicates`` counts customers found by more than one source (they get one message).
The control group is a seeded random sample of the eligible recipients, kept out of the send.
"""

from __future__ import annotations

import json
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Callable

from sqlalchemy import func, select, union
from sqlalchemy.engine import Connection

from loyalty_desktop.errors import InvalidInput, UserError
from loyalty_desktop.models import Customer, CustomerStats, CustomerTag, Segment, SegmentMember, Tag
from loyalty_desktop.settings import get_setting

c = Customer.__table__
s = CustomerStats.__table__

REASONS = ("excluded_manual", "excluded_opt_out", "excluded_not_mobile", "excluded_recent", "excluded_ads_cap")

RECIPIENT_COLUMNS = (
    c.c.id, c.c.code, c.c.full_name, c.c.phone, c.c.phone_type, c.c.gender, c.c.points, c.c.tier,
    c.c.sms_opt_out, s.c.total_spent, s.c.last_purchase_at,
)


def fold(text: str) -> str:
    try:
        from loyalty_desktop.vn.text import fold as vn_fold

        return vn_fold(text)
    except ImportError:  # pragma: no cover - vn/ ships with the app
        text = unicodedata.normalize("NFC", text or "").lower().replace("đ", "d")
        decomposed = unicodedata.normalize("NFD", text)
        return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


@dataclass(frozen=True)
class Source:
    """One place recipients come from (or are excluded by): a saved segment, a tag, or a rule."""

    kind: str  # "segment" | "tag" | "rules"
    value: Any  # name (str) or the rule (dict)
    label: str = ""

    def to_json(self) -> dict:
        return {"kind": self.kind, "value": self.value, "label": self.label}

    @classmethod
    def from_json(cls, obj: dict) -> "Source":
        return cls(obj["kind"], obj["value"], obj.get("label", ""))

    @property
    def title(self) -> str:
        if self.label:
            return self.label
        return self.value if isinstance(self.value, str) else "rules"


def tag_id(conn: Connection, name: str) -> int:
    t = Tag.__table__
    found = conn.execute(select(t.c.id).where(t.c.name_folded == fold(name))).scalar()
    if found is None:
        raise UserError(f"No tag named '{name}'.", vi=f"Không có thẻ nào tên “{name}”.")
    return found


def source_select(conn: Connection, src: Source, today: date | None = None):
    """A Core SELECT of the customer ids of one source."""
    if src.kind == "tag":
        ct = CustomerTag.__table__
        return select(ct.c.customer_id.label("id")).where(ct.c.tag_id == tag_id(conn, src.value))
    if src.kind == "segment":
        seg = Segment.__table__
        row = conn.execute(
            select(seg.c.id, seg.c.frozen).where(seg.c.name_folded == fold(src.value))
        ).first()
        if row is None:
            raise UserError(f"No saved segment named '{src.value}'.",
                            vi=f"Không có phân khúc đã lưu nào tên “{src.value}”.")
        if row.frozen:
            sm = SegmentMember.__table__
            return select(sm.c.customer_id.label("id")).where(sm.c.segment_id == row.id)
        from loyalty_desktop.segments.runner import ids_statement
        from loyalty_desktop.segments.store import rule_for_segment

        return ids_statement(conn, rule_for_segment(conn, src.value), today)
    if src.kind == "rules":
        from loyalty_desktop.segments.runner import ids_statement

        return ids_statement(conn, src.value, today)
    raise InvalidInput(f"Unknown recipient source '{src.kind}' (segment, tag or rules).",
                       vi=f"Nguồn người nhận không hợp lệ “{src.kind}” (chọn phân khúc, thẻ hoặc điều kiện).")


def _ids(conn: Connection, sel) -> set[int]:
    return set(conn.execute(sel).scalars())


@dataclass
class RecipientSpec:
    sources: list[Source]
    excludes: list[Source] = field(default_factory=list)
    advertising: bool = True
    send_at: datetime | None = None
    frequency_cap_days: int | None = None  # None: setting ``frequency_cap_days``; 0: off
    ads_cap: int | None = None  # None: setting ``ads_per_phone_per_24h``; 0: off
    control_percent: float = 0.0
    seed: int | None = None

    def to_json(self) -> dict:
        return {
            "sources": [x.to_json() for x in self.sources],
            "excludes": [x.to_json() for x in self.excludes],
            "advertising": self.advertising,
            "frequency_cap_days": self.frequency_cap_days,
            "ads_cap": self.ads_cap,
            "control_percent": self.control_percent,
            "seed": self.seed,
        }


@dataclass
class RecipientSet:
    recipients: list[dict]  # rows (RECIPIENT_COLUMNS) that get the message, by id
    control: list[dict]  # rows kept out of the send to measure uplift
    excluded: dict[str, list[int]]  # reason -> customer ids
    duplicates: int
    source_counts: list[tuple[str, int]]
    seed: int
    frequency_cap_days: int
    ads_cap: int

    def counts(self) -> dict[str, int]:
        out = {"recipients": len(self.recipients), "control": len(self.control), "duplicates": self.duplicates}
        out.update({reason: len(self.excluded.get(reason, ())) for reason in REASONS})
        return out


def build_recipients(conn: Connection, spec: RecipientSpec, today: date | None = None,
                     check: Callable[[], None] | None = None, exclude_campaign: int | None = None) -> RecipientSet:
    """Resolve the sources, remove exclusions, draw the control group. Read-only."""
    if not spec.sources:
        raise InvalidInput("Choose at least one segment, tag or rule for the recipients.",
                           vi="Hãy chọn ít nhất một phân khúc, thẻ hoặc điều kiện cho danh sách người nhận.")
    if not 0 <= spec.control_percent <= 90:
        raise InvalidInput("Control group must be between 0 and 90 percent.",
                           vi="Nhóm đối chứng phải từ 0 đến 90 phần trăm.")
    check = check or (lambda: None)
    now = datetime.now().replace(microsecond=0)
    selects = [source_select(conn, src, today) for src in spec.sources]
    source_counts = []
    for src, sel in zip(spec.sources, selects):
        n = conn.execute(select(func.count()).select_from(sel.subquery())).scalar() or 0
        source_counts.append((src.title, int(n)))
        check()
    union_sel = selects[0] if len(selects) == 1 else union(*selects)
    ids_sub = union_sel.subquery()
    id_col = list(ids_sub.c)[0]
    q = (
        select(*RECIPIENT_COLUMNS)
        .select_from(c.outerjoin(s, s.c.customer_id == c.c.id))
        .where(c.c.id.in_(select(id_col)))
        .order_by(c.c.id)
    )
    result = conn.execute(q)
    keys = tuple(result.keys())
    rows = [dict(zip(keys, r)) for r in result]
    check()
    duplicates = sum(n for _, n in source_counts) - len(rows)

    manual: set[int] = set()
    for src in spec.excludes:
        manual |= _ids(conn, source_select(conn, src, today))
    check()
    cap_days = spec.frequency_cap_days
    if cap_days is None:
        cap_days = int(get_setting(conn, "frequency_cap_days") or 0)
    recent: set[int] = set()
    if cap_days > 0:
        from loyalty_desktop.campaigns.decree import recently_messaged

        recent = recently_messaged(conn, None, now - timedelta(days=cap_days), exclude_campaign)
    ads_cap = spec.ads_cap
    if ads_cap is None:
        ads_cap = int(get_setting(conn, "ads_per_phone_per_24h") or 0)
    over_cap: set[int] = set()
    if spec.advertising and ads_cap > 0:
        from loyalty_desktop.campaigns.decree import ads_over_cap

        over_cap = ads_over_cap(conn, spec.send_at or now, ads_cap, exclude_campaign)
    check()

    excluded: dict[str, list[int]] = {reason: [] for reason in REASONS}
    eligible: list[dict] = []
    for r in rows:
        cid = r["id"]
        if cid in manual:
            excluded["excluded_manual"].append(cid)
        elif r["sms_opt_out"]:
            excluded["excluded_opt_out"].append(cid)
        elif r["phone_type"] != "mobile" or not r["phone"]:
            excluded["excluded_not_mobile"].append(cid)
        elif cid in recent:
            excluded["excluded_recent"].append(cid)
        elif cid in over_cap:
            excluded["excluded_ads_cap"].append(cid)
        else:
            eligible.append(r)
    seed = spec.seed if spec.seed is not None else random.SystemRandom().randrange(1, 2**31)
    control: list[dict] = []
    if spec.control_percent > 0 and eligible:
        k = int(round(len(eligible) * spec.control_percent / 100.0))
        chosen = set(random.Random(seed).sample(range(len(eligible)), k))
        control = [r for i, r in enumerate(eligible) if i in chosen]
        eligible = [r for i, r in enumerate(eligible) if i not in chosen]
    return RecipientSet(eligible, control, excluded, max(0, duplicates), source_counts, seed, cap_days, ads_cap)


def customer_rows(conn: Connection, ids: list[int], limit: int | None = None) -> list[dict]:
    """Name/phone/opt-out rows for listing excluded customers (first ``limit``)."""
    ids = list(ids)[: limit or None]
    out: list[dict] = []
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        q = select(c.c.id, c.c.full_name, c.c.phone, c.c.phone_type, c.c.sms_opt_out).where(c.c.id.in_(chunk))
        out.extend(dict(r._mapping) for r in conn.execute(q))
    order = {cid: n for n, cid in enumerate(ids)}
    out.sort(key=lambda r: order[r["id"]])
    return out


def spec_from_json(text: str | dict) -> RecipientSpec:
    obj = json.loads(text) if isinstance(text, str) else text
    return RecipientSpec(
        sources=[Source.from_json(x) for x in obj.get("sources", [])],
        excludes=[Source.from_json(x) for x in obj.get("excludes", [])],
        advertising=bool(obj.get("advertising", True)),
        frequency_cap_days=obj.get("frequency_cap_days"),
        ads_cap=obj.get("ads_cap"),
        control_percent=float(obj.get("control_percent", 0) or 0),
        seed=obj.get("seed"),
    )
