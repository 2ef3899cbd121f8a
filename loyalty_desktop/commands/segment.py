"""``loyalty-desktop segment …``: count, list, save, show, explain, templates and segment housekeeping."""

from __future__ import annotations

import csv
import json
import sys
import time
from datetime import date
from pathlib import Path

from loyalty_desktop.errors import InvalidInput, UserError


def register(subparsers) -> None:
    seg = subparsers.add_parser("segment", help="count, list, save and explain customer segments")
    sub = seg.add_subparsers(dest="segment_command", metavar="SUBCOMMAND")
    seg.set_defaults(func=lambda args: (seg.print_help(), 0)[1])

    def source(p, required=True):
        group = p.add_mutually_exclusive_group(required=required)
        group.add_argument("--rules", metavar="FILE.json", help="rule file ({\"version\": 1, \"rule\": …} or a bare node)")
        group.add_argument("--segment", metavar="NAME", help="a saved segment")
        group.add_argument("--template", metavar="ID", help="a ready-made template (see `segment templates`)")
        p.add_argument("--today", metavar="YYYY-MM-DD", help=argparse_suppress())

    p = sub.add_parser("count", help="number of customers in the segment")
    source(p)
    p.add_argument("--json", action="store_true", help='one JSON object {"count": N, "seconds": t}')
    p.set_defaults(func=cmd_count)

    p = sub.add_parser("list", help="customers in the segment")
    source(p)
    p.add_argument("--limit", type=int, default=None, metavar="N", help="at most N customers")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument("--sort", default="name", help="name, phone, points, created, total_spent, order_count, last_purchase")
    p.add_argument("--desc", action="store_true", help="descending order")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("save", help="save a rule file as a named (dynamic) segment")
    p.add_argument("name")
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--rules", metavar="FILE.json")
    group.add_argument("--template", metavar="ID")
    p.add_argument("--description")
    p.add_argument("--replace", action="store_true", help="replace the rule of an existing segment")
    p.set_defaults(func=cmd_save)

    p = sub.add_parser("show", help="a saved segment: rule, status, size")
    p.add_argument("name")
    p.add_argument("--json", action="store_true")
    p.add_argument("--today", metavar="YYYY-MM-DD", help=argparse_suppress())
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("explain", help="why a customer is (or is not) in the segment")
    p.add_argument("phone")
    source(p)
    p.add_argument("--json", action="store_true")
    p.add_argument("--lang", choices=["vi", "en"], default="vi")
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("templates", help="ready-made segments")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_templates)

    p = sub.add_parser("saved", help="list saved segments")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_saved)

    p = sub.add_parser("rename", help="rename a saved segment")
    p.add_argument("name")
    p.add_argument("new_name")
    p.set_defaults(func=cmd_rename)

    p = sub.add_parser("duplicate", help="copy a saved segment")
    p.add_argument("name")
    p.add_argument("new_name", nargs="?")
    p.set_defaults(func=cmd_duplicate)

    p = sub.add_parser("delete", help="delete a saved segment")
    p.add_argument("name")
    p.set_defaults(func=cmd_delete)

    p = sub.add_parser("freeze", help="snapshot the current members (static segment)")
    p.add_argument("name")
    p.add_argument("--unfreeze", action="store_true", help="make it dynamic again")
    p.set_defaults(func=cmd_freeze)

    p = sub.add_parser("maintain", help="slide the 30/90/180/365-day statistics to today and refresh RFM")
    p.set_defaults(func=cmd_maintain)


def argparse_suppress():
    import argparse

    return argparse.SUPPRESS


# ----------------------------------------------------------------------------------------------------


def _today(args) -> date | None:
    value = getattr(args, "today", None)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"--today needs a date like 2026-11-23, got {value!r}") from None


def read_rule_file(path: str):
    from loyalty_desktop.segments.rules import parse_rule

    p = Path(path)
    if not p.is_file():
        raise UserError(f"Rule file '{path}' does not exist.")
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"Cannot read rule file '{path}': {exc}") from None
    try:
        obj = json.loads(text)
    except ValueError as exc:
        raise InvalidInput(f"{path}: not valid JSON: {exc}") from None
    try:
        return parse_rule(obj)
    except InvalidInput as exc:
        raise InvalidInput(f"{path}: {exc}") from None


def _rule(conn, args):
    if getattr(args, "rules", None):
        return read_rule_file(args.rules)
    if getattr(args, "template", None):
        from loyalty_desktop.segments.templates import template_rule

        return template_rule(args.template)
    from loyalty_desktop.segments.store import require_segment
    from loyalty_desktop.segments.rules import parse_rule

    row = require_segment(conn, args.segment)
    if row["frozen"]:
        return parse_rule({"field": "segment", "op": "in", "value": [row["name"]]})
    return parse_rule(row["rule_json"])


def _db(args):
    from loyalty_desktop.cli import open_db

    return open_db(args)


def cmd_count(args) -> int:
    from loyalty_desktop.segments import runner

    db = _db(args)
    with db.connect() as conn:
        rule = _rule(conn, args)
        start = time.perf_counter()
        n = runner.count(conn, rule, today=_today(args))
        seconds = time.perf_counter() - start
    if args.json:
        print(json.dumps({"count": n, "seconds": round(seconds, 4)}))
    else:
        print(n)
    return 0


LIST_COLUMNS = ["phone", "full_name", "gender", "birth_date", "province", "points", "tier", "order_count",
                "total_spent", "last_purchase_at", "sms_opt_out"]


def _cell(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "1" if v else "0"
    if hasattr(v, "isoformat"):
        return v.isoformat(sep=" ") if hasattr(v, "hour") else v.isoformat()
    return str(v)


def cmd_list(args) -> int:
    from loyalty_desktop.segments import runner

    if args.limit is not None and args.limit < 1:
        raise InvalidInput("--limit must be at least 1")
    db = _db(args)
    out = sys.stdout
    with db.connect() as conn:
        rule = _rule(conn, args)
        writer = csv.writer(out, lineterminator="\n") if args.format == "csv" else None
        if writer:
            writer.writerow(LIST_COLUMNS)
        remaining = args.limit
        after = None
        all_rows = []
        while True:
            size = 1000 if remaining is None else min(1000, remaining)
            pg = runner.page(conn, rule, sort=args.sort, after=after, limit=size, descending=args.desc,
                             today=_today(args))
            for row in pg.rows:
                if writer:
                    writer.writerow([_cell(row[k]) for k in LIST_COLUMNS])
                elif args.format == "json":
                    all_rows.append({k: _cell(row[k]) if k != "sms_opt_out" else bool(row[k]) for k in LIST_COLUMNS})
                else:
                    out.write(f"{row['phone']:<14} {row['full_name'][:30]:<30} {row['province'] or '':<20} "
                              f"{row['order_count']:>5} {row['total_spent']:>14,}\n".replace(",", "."))
            if remaining is not None:
                remaining -= len(pg.rows)
            if pg.after is None or (remaining is not None and remaining <= 0):
                break
            after = pg.after
    if args.format == "json":
        print(json.dumps(all_rows, ensure_ascii=False))
    return 0


def cmd_save(args) -> int:
    from loyalty_desktop.segments.store import save_segment
    from loyalty_desktop.segments.templates import TEMPLATES, template_rule

    db = _db(args)
    rule = read_rule_file(args.rules) if args.rules else template_rule(args.template)
    description = args.description
    if args.template and description is None:
        description = TEMPLATES[args.template].description_vi
    with db.begin() as conn:
        seg_id = save_segment(conn, args.name, rule, description=description, replace=args.replace,
                              template=args.template)
    print(f"Saved segment \"{args.name}\" (id {seg_id}).")
    return 0


def cmd_show(args) -> int:
    from loyalty_desktop.segments import runner
    from loyalty_desktop.segments.rules import parse_rule, rule_to_json
    from loyalty_desktop.segments.store import require_segment

    db = _db(args)
    with db.connect() as conn:
        row = require_segment(conn, args.name)
        rule = parse_rule(row["rule_json"])
        if row["frozen"]:
            n = runner.count(conn, {"field": "segment", "op": "in", "value": [row["name"]]}, today=_today(args))
        else:
            n = runner.count(conn, rule, today=_today(args))
    info = {
        "name": row["name"], "description": row["description"], "template": row["template"],
        "frozen": bool(row["frozen"]), "frozen_at": _cell(row["frozen_at"]) or None, "count": n,
        "rule": rule_to_json(rule),
    }
    if args.json:
        print(json.dumps(info, ensure_ascii=False))
        return 0
    print(f"Segment: {info['name']}")
    if info["description"]:
        print(f"Description: {info['description']}")
    if info["template"]:
        print(f"Template: {info['template']}")
    print(f"Type: {'frozen snapshot of ' + info['frozen_at'] if info['frozen'] else 'dynamic'}")
    print(f"Customers: {n}")
    print("Rule:")
    print(json.dumps(info["rule"], ensure_ascii=False, indent=2))
    return 0


def cmd_explain(args) -> int:
    from loyalty_desktop.segments.explain import customer_id_for_phone, explain

    db = _db(args)
    with db.connect() as conn:
        rule = _rule(conn, args)
        cid = customer_id_for_phone(conn, args.phone)
        tree = explain(conn, cid, rule, today=_today(args))
    if args.json:
        print(json.dumps(tree.to_dict(), ensure_ascii=False))
        return 0
    verdict = {True: ("IN the segment", "THUỘC phân khúc"), False: ("NOT in the segment", "KHÔNG thuộc phân khúc")}
    print(f"{args.phone}: {verdict[tree.passed][0 if args.lang == 'en' else 1]}")
    for line in tree.lines(lang=args.lang):
        print(line)
    return 0


def cmd_templates(args) -> int:
    from loyalty_desktop.segments.templates import list_templates

    items = [{"id": t.id, "name_vi": t.name_vi, "name_en": t.name_en, "description_vi": t.description_vi,
              "description_en": t.description_en, "rule": {"version": 1, "rule": t.rule}} for t in list_templates()]
    if args.json:
        print(json.dumps(items, ensure_ascii=False))
        return 0
    for item in items:
        print(f"{item['id']:<20} {item['name_vi']} — {item['description_vi']}")
        print(f"{'':<20} {json.dumps(item['rule']['rule'], ensure_ascii=False)}")
    return 0


def cmd_saved(args) -> int:
    from loyalty_desktop.segments.store import list_segments

    db = _db(args)
    with db.connect() as conn:
        rows = list_segments(conn)
    if args.json:
        print(json.dumps([{"name": r["name"], "frozen": bool(r["frozen"]), "template": r["template"],
                           "description": r["description"], "members": r["members"]} for r in rows],
                         ensure_ascii=False))
        return 0
    for r in rows:
        kind = f"frozen, {r['members'] or 0} members" if r["frozen"] else "dynamic"
        print(f"{r['name']}  ({kind})")
    return 0


def cmd_rename(args) -> int:
    from loyalty_desktop.segments.store import rename_segment

    with _db(args).begin() as conn:
        rename_segment(conn, args.name, args.new_name)
    print(f"Renamed \"{args.name}\" to \"{args.new_name}\".")
    return 0


def cmd_duplicate(args) -> int:
    from loyalty_desktop.segments.store import duplicate_segment

    with _db(args).begin() as conn:
        name = duplicate_segment(conn, args.name, args.new_name)
    print(f"Copied \"{args.name}\" to \"{name}\".")
    return 0


def cmd_delete(args) -> int:
    from loyalty_desktop.segments.store import delete_segment

    with _db(args).begin() as conn:
        delete_segment(conn, args.name)
    print(f"Deleted segment \"{args.name}\".")
    return 0


def cmd_freeze(args) -> int:
    from loyalty_desktop.segments.store import freeze_segment, unfreeze_segment

    with _db(args).begin() as conn:
        if args.unfreeze:
            unfreeze_segment(conn, args.name)
            print(f"Segment \"{args.name}\" is dynamic again.")
        else:
            n = freeze_segment(conn, args.name)
            print(f"Froze segment \"{args.name}\": {n} customers.")
    return 0


def cmd_maintain(args) -> int:
    from loyalty_desktop import stats

    with _db(args).begin() as conn:
        changed = stats.slide_windows(conn)
        stats.refresh_rfm(conn)
    print(f"Statistics current for today ({changed} customers recomputed); RFM scores refreshed.")
    return 0
