"""``loyalty-desktop campaign list|show|results|reexport|delivery``: exported SMS campaigns and their results."""

from __future__ import annotations

import json


def register(subparsers) -> None:
    from loyalty_desktop.campaigns.writers import PHONE_FORMATS, PRESETS

    parser = subparsers.add_parser("campaign", help="exported SMS campaigns: history, results, re-export")
    sub = parser.add_subparsers(dest="campaign_cmd", metavar="ACTION", required=True)

    sp = sub.add_parser("list", help="campaign history, newest first")
    sp.add_argument("--limit", type=int)
    sp.add_argument("--json", action="store_true")
    sp.set_defaults(func=cmd_list)

    sp = sub.add_parser("show", help="one campaign: sources, template, counts")
    sp.add_argument("campaign", metavar="ID|NAME")
    sp.add_argument("--recipients", type=int, default=0, metavar="N", help="also list the first N recipients")
    sp.add_argument("--json", action="store_true")
    sp.set_defaults(func=cmd_show)

    sp = sub.add_parser("results", help="buyers and revenue after the send: recipients vs control group")
    sp.add_argument("campaign", metavar="ID|NAME")
    sp.add_argument("--days", type=int, default=7, help="count purchases within N days of the send (default 7)")
    sp.add_argument("--json", action="store_true")
    sp.set_defaults(func=cmd_results)

    sp = sub.add_parser("reexport", help="write a campaign's list again (same phones and messages)")
    sp.add_argument("campaign", metavar="ID|NAME")
    sp.add_argument("--out", required=True, metavar="FILE")
    sp.add_argument("--preset", choices=list(PRESETS))
    sp.add_argument("--phone-format", choices=list(PHONE_FORMATS))
    sp.add_argument("--split", type=int, metavar="N")
    sp.add_argument("--json", action="store_true")
    sp.set_defaults(func=cmd_reexport)

    sp = sub.add_parser("delivery", help="import a gateway delivery report (phone + status columns)")
    sp.add_argument("campaign", metavar="ID|NAME")
    sp.add_argument("file", metavar="FILE")
    sp.add_argument("--json", action="store_true")
    sp.set_defaults(func=cmd_delivery)


def _money(n) -> str:
    return "-" if n is None else f"{int(n):,}".replace(",", ".") + " ₫"


def _pct(x) -> str:
    return "-" if x is None else f"{x * 100:.1f} %"


def _dt(v) -> str:
    return "" if v is None else v.strftime("%d/%m/%Y %H:%M")


def cmd_list(args) -> int:
    from loyalty_desktop.campaigns.records import list_campaigns
    from loyalty_desktop.cli import open_db

    db = open_db(args)
    with db.connect() as conn:
        rows = list_campaigns(conn, args.limit)
    db.dispose()
    if args.json:
        print(json.dumps({"campaigns": rows}, ensure_ascii=False, default=str))
        return 0
    if not rows:
        print("No campaigns yet. Export one with `export sms`.")
        return 0
    print(f"{'id':>4}  {'created':16}  {'recipients':>10}  {'control':>7}  {'parts':>7}  {'cost':>14}  name")
    for r in rows:
        print(f"{r['id']:>4}  {_dt(r['created_at']):16}  {r['recipients']:>10}  {r['control']:>7}  "
              f"{r['sms_parts']:>7}  {_money(r['estimated_cost']):>14}  {r['name']}")
    return 0


def cmd_show(args) -> int:
    from loyalty_desktop.campaigns.records import get_campaign, stored_rows
    from loyalty_desktop.cli import open_db

    db = open_db(args)
    with db.connect() as conn:
        camp = get_campaign(conn, args.campaign)
        rows = stored_rows(conn, camp["id"], limit=args.recipients) if args.recipients else []
    db.dispose()
    if args.json:
        camp["recipient_rows"] = rows
        print(json.dumps(camp, ensure_ascii=False, default=str))
        return 0
    counts = camp["counts"]
    print(f"Campaign #{camp['id']}: {camp['name']}")
    print(f"  created:     {_dt(camp['created_at'])}   send at: {_dt(camp['send_at']) or '-'}")
    print(f"  type:        {'advertising' if camp['advertising'] else 'customer care'}"
          f"{', no accents' if camp['no_accents'] else ''}")
    srcs = ", ".join(f"{s['kind']} {s['label'] or s['value']}" for s in camp["sources"].get("sources", []))
    excl = ", ".join(f"{s['kind']} {s['label'] or s['value']}" for s in camp["sources"].get("excludes", []))
    print(f"  from:        {srcs}" + (f"  (excluding {excl})" if excl else ""))
    print(f"  template:    {camp['template']}")
    print(f"  recipients:  {camp['recipients']}   control: {camp['control']}")
    print(f"  left out:    opted out {counts.get('excluded_opt_out', 0)}, not mobile "
          f"{counts.get('excluded_not_mobile', 0)}, recent {counts.get('excluded_recent', 0)}, "
          f"ads cap {counts.get('excluded_ads_cap', 0)}, excluded {counts.get('excluded_manual', 0)}, "
          f"duplicates {counts.get('duplicates', 0)}")
    print(f"  SMS:         {camp['encoding']}, {camp['sms_parts']} parts, {_money(camp['estimated_cost'])}")
    print(f"  file:        {camp['file_path']}  (preset {camp['preset']}, phones {camp['phone_format']})")
    for r in rows:
        print(f"    {r['phone']}  {r['message']}")
    return 0


def cmd_results(args) -> int:
    from loyalty_desktop.campaigns.records import results
    from loyalty_desktop.cli import open_db

    db = open_db(args)
    with db.connect() as conn:
        res = results(conn, args.campaign, args.days)
    db.dispose()
    if args.json:
        print(json.dumps(res, ensure_ascii=False, default=str))
        return 0
    print(f"Campaign #{res['campaign_id']}: {res['name']} — purchases within {res['days']} days of "
          f"{res['send_time']}" + ("" if res["complete"] else " (window not over yet)"))
    print(f"  {'group':12} {'size':>8} {'buyers':>8} {'conversion':>11} {'revenue':>16} {'per customer':>14}")
    for key, label in (("recipients", "recipients"), ("control", "control")):
        g = res[key]
        print(f"  {label:12} {g['size']:>8} {g['buyers']:>8} {_pct(g['conversion']):>11} "
              f"{_money(g['revenue']):>16} {_money(g['revenue_per_customer']):>14}")
    up = res["uplift_pp"]
    print(f"  uplift: {'-' if up is None else f'{up:+.1f} percentage points'}"
          + ("" if res["uplift_relative"] is None else f" ({res['uplift_relative'] * 100:+.0f} %)")
          + ("" if res["incremental_revenue"] is None else f", incremental revenue ≈ {_money(res['incremental_revenue'])}"))
    if res["delivered"] or res["failed"]:
        print(f"  delivery: {res['delivered']} delivered, {res['failed']} failed, {res['delivery_unknown']} unknown")
    return 0


def cmd_reexport(args) -> int:
    from loyalty_desktop.campaigns.records import reexport
    from loyalty_desktop.cli import open_db

    db = open_db(args)
    with db.connect() as conn:
        files = reexport(conn, args.campaign, args.out, args.preset, args.phone_format, args.split)
    db.dispose()
    if args.json:
        print(json.dumps({"files": [str(f) for f in files]}, ensure_ascii=False))
    else:
        for f in files:
            print(f"Wrote {f}")
    return 0


def cmd_delivery(args) -> int:
    from loyalty_desktop.campaigns.records import import_delivery_report
    from loyalty_desktop.cli import open_db

    db = open_db(args)
    with db.begin() as conn:
        counts = import_delivery_report(conn, args.campaign, args.file)
    db.dispose()
    if args.json:
        print(json.dumps(counts, ensure_ascii=False))
    else:
        print(f"Delivery report for campaign #{counts['campaign_id']}: {counts['delivered']} delivered, "
              f"{counts['failed']} failed, {counts['unknown']} unknown status, "
              f"{counts['not_in_campaign']} phones not in the campaign, {counts['bad_phone']} unreadable phones")
    return 0
