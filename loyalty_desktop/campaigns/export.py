"""One campaign export, start to end: recipients → messages → length/cost → file(s) → stored campaign.

``prepare(conn, plan)`` is read-only (the UI runs it for the live preview and the CLI for --json);
``export_campaign(db, plan, out)`` writes the file(s) and then stores the campaign, its recipients and
its control group in one transaction (a failed write leaves no campaign behind).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Callable

from loyalty_desktop.campaigns import decree
from loyalty_desktop.campaigns.recipients import RecipientSet, RecipientSpec, build_recipients
from loyalty_desktop.campaigns.sms import LengthCounter, Totals, remove_diacritics
from loyalty_desktop.campaigns.templates import Template, clean_name, parse_template
from loyalty_desktop.campaigns.writers import ExportRow, check_phone_format, file_kind, get_preset, write_export
from loyalty_desktop.errors import InvalidInput
from loyalty_desktop.settings import get_setting


@dataclass
class CampaignPlan:
    spec: RecipientSpec
    template: str
    name: str = ""
    add_label: bool = True  # put "QC" in front of advertising messages
    opt_out_text: str | None = None  # None: setting ``opt_out_text``; "": do not add
    no_accents: bool = False
    preset: str = "phone_message"
    phone_format: str | None = None  # None: the preset's
    split_rows: int | None = None
    price_per_part: int | None = None  # None: setting ``sms_price_per_part``
    fallbacks: dict[str, str] = field(default_factory=dict)

    @property
    def advertising(self) -> bool:
        return self.spec.advertising


@dataclass
class Prepared:
    plan: CampaignPlan
    recipients: RecipientSet
    final_template: str  # with QC / opt-out applied
    template: Template
    messages: list[str]  # one per recipient, in recipient order
    totals: Totals
    warnings: list[decree.Warning_]
    shop_name: str
    price_per_part: int
    opt_out_text: str

    def summary(self) -> dict:
        counts = self.recipients.counts()
        return {
            "recipients": counts["recipients"],
            "excluded_opt_out": counts["excluded_opt_out"],
            "excluded_not_mobile": counts["excluded_not_mobile"],
            "excluded_recent": counts["excluded_recent"],
            "excluded_ads_cap": counts["excluded_ads_cap"],
            "excluded_manual": counts["excluded_manual"],
            "duplicates": counts["duplicates"],
            "control": counts["control"],
            "sms_parts": self.totals.total_parts,
            "max_parts": self.totals.max_parts,
            "max_chars": self.totals.max_chars,
            "encoding": self.totals.encoding,
            "estimated_cost": self.totals.estimated_cost,
            "price_per_part": self.price_per_part,
            "warnings": [w.code for w in self.warnings],
        }


def message_renderer(template: Template, no_accents: bool) -> Callable[[dict], str]:
    if no_accents:
        return lambda row: remove_diacritics(template.render(row))
    return template.render


def final_template(conn, plan: CampaignPlan) -> tuple[str, str]:
    """(template as sent, opt-out wording used)."""
    opt_out = plan.opt_out_text
    if opt_out is None:
        opt_out = get_setting(conn, "opt_out_text") or decree.DEFAULT_OPT_OUT
    text = decree.apply_decree(plan.template, plan.advertising, plan.add_label, opt_out or None)
    return text, opt_out


def prepare(conn, plan: CampaignPlan, today: date | None = None, check: Callable[[], None] | None = None,
            progress: Callable[[float, str], None] | None = None) -> Prepared:
    if not (plan.template or "").strip():
        raise InvalidInput("The message template is empty.", vi="Mẫu tin nhắn đang trống.")
    get_preset(plan.preset)
    if plan.phone_format is not None:
        check_phone_format(plan.phone_format)
    shop_name = get_setting(conn, "shop_name") or ""
    text, opt_out = final_template(conn, plan)
    template = parse_template(text, shop_name, plan.fallbacks)
    if progress:
        progress(0.05, "recipients")
    rs = build_recipients(conn, plan.spec, today=today, check=check)
    price = plan.price_per_part if plan.price_per_part is not None else int(get_setting(conn, "sms_price_per_part") or 0)
    render = message_renderer(template, plan.no_accents)
    counter = LengthCounter(price)
    messages: list[str] = []
    n = len(rs.recipients) or 1
    for i, row in enumerate(rs.recipients):
        msg = render(row)
        messages.append(msg)
        counter.add(msg)
        if i % 5000 == 4999:
            if check:
                check()
            if progress:
                progress(0.1 + 0.4 * i / n, "messages")
    warnings = decree.check_message(text, plan.advertising, plan.spec.send_at, opt_out)
    return Prepared(plan, rs, text, template, messages, counter.totals(), warnings, shop_name, price, opt_out)


def export_rows(prep: Prepared):
    tpl = prep.template
    zns = prep.plan.preset == "zns"
    with_name = "name" in get_preset(prep.plan.preset).columns
    accents = remove_diacritics if prep.plan.no_accents else None
    for row, msg in zip(prep.recipients.recipients, prep.messages):
        params = None
        if zns:
            params = tpl.params(row)
            if accents:
                params = {k: accents(v) for k, v in params.items()}
        yield ExportRow(row["phone"], clean_name(row["full_name"]) if with_name else "", msg, params)


def export_campaign(db, plan: CampaignPlan, out: str | Path, today: date | None = None,
                    check: Callable[[], None] | None = None,
                    progress: Callable[[float, str], None] | None = None) -> dict:
    """Write the file(s), store the campaign; returns the summary plus ``campaign_id`` and ``files``."""
    from loyalty_desktop.campaigns import records

    out = Path(out)
    file_kind(out)
    with db.connect() as conn:
        prep = prepare(conn, plan, today=today, check=check, progress=progress)
    total = len(prep.messages)

    def on_rows(done: int) -> None:
        if check:
            check()
        if progress:
            progress(0.5 + 0.4 * done / max(1, total), "writing")

    from loyalty_desktop.campaigns.writers import split_paths

    try:
        files = write_export(out, export_rows(prep), total, plan.preset, plan.phone_format,
                             prep.template.placeholders, plan.split_rows, on_rows)
    except BaseException:  # cancelled or failed: no half-written list may be uploaded by mistake
        for path in split_paths(out, total, plan.split_rows):
            path.unlink(missing_ok=True)
        raise
    if progress:
        progress(0.92, "saving")
    with db.begin() as conn:
        campaign_id = records.save_campaign(conn, prep, files)
    result = prep.summary()
    result.update({"campaign_id": campaign_id, "files": [str(f) for f in files], "name": plan.name or ""})
    if progress:
        progress(1.0, "done")
    return result


def default_name(now: datetime | None = None) -> str:
    now = now or datetime.now()
    return f"SMS {now:%d/%m/%Y %H:%M}"
