"""``loyalty-desktop export sms …``: write an SMS recipient list for a gateway and record the campaign.

    loyalty-desktop --db DB export sms (--segment NAME | --rules F.json | --tag T)… --template TEXT
        --out FILE(.csv|.xlsx) [--preset P] [--phone-format 0|84|+84] [--no-accents] [--control 10]
        [--name NAME] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


class _AddSource(argparse.Action):
    """--segment/--rules/--tag (and --exclude-…) keep their order in one list of (kind, value)."""

    def __call__(self, parser, namespace, values, option_string=None):
        items = list(getattr(namespace, self.dest, None) or [])
        items.append((self.const, values))
        setattr(namespace, self.dest, items)


def register(subparsers) -> None:
    from loyalty_desktop.campaigns.writers import PHONE_FORMATS, PRESETS

    parser = subparsers.add_parser("export", help="export lists (SMS recipient lists for gateways)")
    kinds = parser.add_subparsers(dest="export_kind", metavar="KIND", required=True)
    sp = kinds.add_parser(
        "sms", help="SMS recipient list (.csv/.xlsx) from segments/tags, with Decree 91 checks; records a campaign",
        description="Opted-out customers and fixed lines are always left out.",
    )
    src = sp.add_argument_group("recipients (at least one, repeatable)")
    src.add_argument("--segment", metavar="NAME", dest="sources", action=_AddSource, const="segment",
                     help="a saved segment")
    src.add_argument("--rules", metavar="F.json", dest="sources", action=_AddSource, const="rules",
                     help='a rule file {"version": 1, "rule": …}')
    src.add_argument("--tag", metavar="T", dest="sources", action=_AddSource, const="tag", help="customers with this tag")
    src.add_argument("--exclude-segment", metavar="NAME", dest="excludes", action=_AddSource, const="segment")
    src.add_argument("--exclude-rules", metavar="F.json", dest="excludes", action=_AddSource, const="rules")
    src.add_argument("--exclude-tag", metavar="T", dest="excludes", action=_AddSource, const="tag",
                     help='e.g. --exclude-tag "Nhân viên"')
    sp.add_argument("--template", required=True, metavar="TEXT",
                    help="message with placeholders {ten} {ho_ten} {xung_ho} {diem} {hang} {tong_chi} "
                         "{ngay_mua_cuoi} {ma_kh} {cua_hang}; {ten|bạn} sets a fallback")
    sp.add_argument("--out", required=True, metavar="FILE", help="output .csv (UTF-8 with BOM) or .xlsx")
    sp.add_argument("--preset", default="phone_message", choices=list(PRESETS), help="gateway columns")
    sp.add_argument("--phone-format", choices=list(PHONE_FORMATS), help="default: the preset's")
    sp.add_argument("--no-accents", action="store_true", help="remove Vietnamese diacritics (bỏ dấu, GSM-7)")
    sp.add_argument("--control", type=float, default=0.0, metavar="PCT", help="control group percent (e.g. 10)")
    sp.add_argument("--name", help="campaign name (default: SMS dd/mm/yyyy HH:MM)")
    sp.add_argument("--send-at", metavar="WHEN", help='planned send time, e.g. "25/11/2026 09:00"')
    sp.add_argument("--transactional", action="store_true",
                    help="customer-care message, not advertising (no QC label, opt-out text, ads cap)")
    sp.add_argument("--no-label", action="store_true", help='do not add "QC" in front of advertising messages')
    sp.add_argument("--opt-out-text", metavar="TEXT", help='opt-out wording added at the end ("" for none)')
    sp.add_argument("--cap-days", type=int, metavar="N", help="leave out customers messaged in the last N days "
                    "(default: setting frequency_cap_days; 0 = off)")
    sp.add_argument("--ads-cap", type=int, metavar="N", help="advertising messages per phone per 24 h "
                    "(default: setting ads_per_phone_per_24h; 0 = off)")
    sp.add_argument("--split", type=int, metavar="N", help="split into files of N rows")
    sp.add_argument("--price", type=int, metavar="VND", help="price per SMS part (default: setting sms_price_per_part)")
    sp.add_argument("--seed", type=int, help="random seed for the control group")
    sp.add_argument("--dry-run", action="store_true", help="count and check only: no file, no campaign")
    sp.add_argument("--preview", type=int, default=0, metavar="N", help="print the first N messages")
    sp.add_argument("--json", action="store_true", help="print one JSON object")
    sp.set_defaults(func=cmd_export_sms, sources=None, excludes=None)


def _load_rules(path: str):
    from loyalty_desktop.errors import UserError

    p = Path(path)
    if not p.is_file():
        raise UserError(f"Rule file '{path}' does not exist.")
    try:
        return json.loads(p.read_text(encoding="utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"Rule file '{path}' is not valid JSON: {exc}") from None


def _sources(items):
    from loyalty_desktop.campaigns.recipients import Source

    out = []
    for kind, value in items or []:
        if kind == "rules":
            out.append(Source("rules", _load_rules(value), Path(value).name))
        else:
            out.append(Source(kind, value))
    return out


def _send_at(text: str | None):
    from loyalty_desktop.errors import InvalidInput

    if not text:
        return None
    try:
        from loyalty_desktop.vn.dates import parse_datetime

        value = parse_datetime(text)
    except ValueError as exc:
        raise InvalidInput(f"Cannot read the send time '{text}': {exc}") from None
    if value is None:
        raise InvalidInput(f"Cannot read the send time '{text}'.")
    return value


def plan_from_args(args):
    from loyalty_desktop.campaigns.export import CampaignPlan
    from loyalty_desktop.campaigns.recipients import RecipientSpec
    from loyalty_desktop.errors import InvalidInput

    if not args.sources:
        raise InvalidInput("Give at least one --segment, --rules or --tag.")
    if args.split is not None and args.split < 1:
        raise InvalidInput("--split must be at least 1.")
    spec = RecipientSpec(
        sources=_sources(args.sources),
        excludes=_sources(args.excludes),
        advertising=not args.transactional,
        send_at=_send_at(args.send_at),
        frequency_cap_days=args.cap_days,
        ads_cap=args.ads_cap,
        control_percent=args.control,
        seed=args.seed,
    )
    return CampaignPlan(
        spec=spec, template=args.template, name=args.name or "", add_label=not args.no_label,
        opt_out_text=args.opt_out_text, no_accents=args.no_accents, preset=args.preset,
        phone_format=args.phone_format, split_rows=args.split, price_per_part=args.price,
    )


def _money(n: int) -> str:
    return f"{n:,}".replace(",", ".") + " ₫"


def cmd_export_sms(args) -> int:
    from loyalty_desktop.campaigns.export import export_campaign, prepare
    from loyalty_desktop.campaigns.writers import file_kind
    from loyalty_desktop.cli import open_db

    plan = plan_from_args(args)
    file_kind(Path(args.out))
    db = open_db(args)
    try:
        if args.dry_run:
            with db.connect() as conn:
                prep = prepare(conn, plan)
            result = prep.summary()
            result.update({"dry_run": True, "files": []})
            previews = prep.messages[: args.preview]
        else:
            result = export_campaign(db, plan, args.out)
            previews = []
            if args.preview:
                from loyalty_desktop.campaigns.records import stored_rows

                with db.connect() as conn:
                    previews = [r["message"] for r in stored_rows(conn, result["campaign_id"], limit=args.preview)]
    finally:
        db.dispose()
    if args.json:
        if previews:
            result["preview"] = previews
        print(json.dumps(result, ensure_ascii=False))
        return 0
    head = "Dry run (no file written)" if args.dry_run else f"Campaign #{result['campaign_id']} exported"
    print(head)
    for f in result.get("files", []):
        print(f"  file: {f}")
    print(f"  recipients:        {result['recipients']}")
    print(f"  control group:     {result['control']}")
    print(f"  left out: opted out {result['excluded_opt_out']}, not mobile {result['excluded_not_mobile']}, "
          f"messaged recently {result['excluded_recent']}, ads cap {result['excluded_ads_cap']}, "
          f"excluded {result['excluded_manual']}; duplicates {result['duplicates']}")
    print(f"  encoding:          {result['encoding'] or '-'} (longest: {result['max_chars']} chars, "
          f"{result['max_parts']} part(s))")
    print(f"  SMS parts:         {result['sms_parts']} × {_money(result['price_per_part'])} = "
          f"{_money(result['estimated_cost'])}")
    for code in result["warnings"]:
        print(f"  warning: {_WARNINGS.get(code, code)}", file=sys.stderr)
    for msg in previews:
        print(f"  > {msg}")
    return 0


_WARNINGS = {
    "missing_label": 'advertising messages must start with "QC" (Decree 91/2020)',
    "missing_opt_out": "the message has no opt-out instructions at the end (Decree 91/2020)",
    "send_time": "the planned send time is outside 07:00–22:00 (Decree 91/2020)",
}
