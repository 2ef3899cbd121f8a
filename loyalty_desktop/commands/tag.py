"""``loyalty-desktop tag …``: list, create, rename, recolour, delete, merge, apply/remove, undo, and
``tag group list|create|rename|delete|set|unset`` for tag groups ("nhóm lớn")."""

from __future__ import annotations

import json
import time

from loyalty_desktop.errors import UserError


def register(subparsers) -> None:
    tag = subparsers.add_parser("tag", help="customer tags: list, create, rename, merge, bulk apply and undo")
    sub = tag.add_subparsers(dest="tag_command", metavar="SUBCOMMAND")
    tag.set_defaults(func=lambda args: (tag.print_help(), 0)[1])

    p = sub.add_parser("list", help="tags with customers, share and total spent")
    p.add_argument("--json", action="store_true", help='one JSON object {"tags": […]}')
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("create", help="create a tag")
    p.add_argument("name")
    p.add_argument("--color", metavar="#RRGGBB")
    p.add_argument("--description")
    p.add_argument("--group", metavar="GROUP", help="tag group (created if new)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_create)

    p = sub.add_parser("rename", help="rename a tag")
    p.add_argument("name")
    p.add_argument("new_name")
    p.set_defaults(func=cmd_rename)

    p = sub.add_parser("edit", help="change a tag's colour, description or group")
    p.add_argument("name")
    p.add_argument("--color", metavar="#RRGGBB")
    p.add_argument("--description")
    p.add_argument("--group", metavar="GROUP", help='tag group (created if new); "" for none')
    p.set_defaults(func=cmd_edit)

    p = sub.add_parser("delete", help="delete a tag (customers lose it)")
    p.add_argument("name")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_delete)

    p = sub.add_parser("merge", help="merge tag A into tag B (A's customers get B; A is deleted)")
    p.add_argument("source")
    p.add_argument("target")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_merge)

    for name, helptext in (("apply", "tag everyone in a segment or rule file"),
                           ("remove", "remove the tag from everyone in a segment or rule file")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("name", help="tag name")
        group = p.add_mutually_exclusive_group(required=True)
        group.add_argument("--segment", metavar="NAME", help="a saved segment")
        group.add_argument("--rules", metavar="FILE.json", help="a rule file")
        if name == "apply":
            p.add_argument("--create", action="store_true", help="create the tag if it does not exist")
        p.add_argument("--json", action="store_true", help='one JSON object with the counts and the operation id')
        p.set_defaults(func=cmd_apply if name == "apply" else cmd_remove)

    p = sub.add_parser("undo", help="undo a bulk apply/remove (see `tag history`)")
    p.add_argument("operation", type=int)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_undo)

    p = sub.add_parser("history", help="recent bulk tag operations")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("groups", help="tag groups (same as `tag group list`)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_groups)

    group = sub.add_parser("group", help='tag groups ("nhóm lớn"): list, create, rename, delete; move a tag '
                                         "into or out of a group")
    gsub = group.add_subparsers(dest="group_command", metavar="SUBCOMMAND")
    group.set_defaults(func=lambda args: (group.print_help(), 0)[1])
    p = gsub.add_parser("list", help="groups with their tags")
    p.add_argument("--json", action="store_true", help='one JSON object {"groups": […]}')
    p.set_defaults(func=cmd_groups)
    p = gsub.add_parser("create", help="create a group")
    p.add_argument("name")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_group_create)
    p = gsub.add_parser("rename", help="rename a group")
    p.add_argument("name")
    p.add_argument("new_name")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_group_rename)
    p = gsub.add_parser("delete", help="delete a group (its tags are kept, without a group)")
    p.add_argument("name")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_group_delete)
    p = gsub.add_parser("set", help="move a tag into a group")
    p.add_argument("tag")
    p.add_argument("group")
    p.add_argument("--create", action="store_true", help="create the group if it does not exist")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_group_set)
    p = gsub.add_parser("unset", help="take a tag out of its group")
    p.add_argument("tag")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_group_set, group=None, create=False)


def _db(args):
    from loyalty_desktop.cli import open_db

    return open_db(args)


def _out(args, obj: dict, text: str) -> int:
    if getattr(args, "json", False):
        print(json.dumps(obj, ensure_ascii=False, default=str))
    else:
        print(text)
    return 0


def _money(v: int) -> str:
    return f"{v:,}".replace(",", ".") + " ₫"


def cmd_list(args) -> int:
    from loyalty_desktop.tags import list_tags

    db = _db(args)
    with db.connect() as conn:
        rows = list_tags(conn)
    if args.json:
        return _out(args, {"tags": [{k: r[k] for k in ("id", "name", "color", "description", "group",
                                                     "customers", "share", "total_spent")} for r in rows]}, "")
    if not rows:
        print("No tags yet. Create one: loyalty-desktop tag create NAME")
        return 0
    width = max(len(r["name"]) for r in rows)
    for r in rows:
        group = f"  [{r['group']}]" if r["group"] else ""
        print(f"{r['name']:<{width}}  {r['customers']:>9,}  {r['share'] * 100:5.1f} %  {_money(r['total_spent']):>20}{group}")
    return 0


def cmd_create(args) -> int:
    from loyalty_desktop.tags import create_tag

    db = _db(args)
    with db.begin() as conn:
        tid = create_tag(conn, args.name, color=args.color, description=args.description, group=args.group)
    return _out(args, {"id": tid, "name": args.name}, f"Created tag \"{args.name}\" (id {tid}).")


def cmd_rename(args) -> int:
    from loyalty_desktop.tags import rename_tag

    db = _db(args)
    with db.begin() as conn:
        rename_tag(conn, args.name, args.new_name)
    print(f"Renamed \"{args.name}\" to \"{args.new_name}\".")
    return 0


def cmd_edit(args) -> int:
    from loyalty_desktop.tags import describe_tag, recolor_tag, set_tag_group

    if args.color is None and args.description is None and args.group is None:
        raise UserError("Nothing to change: give --color, --description or --group.")
    db = _db(args)
    with db.begin() as conn:
        if args.color is not None:
            recolor_tag(conn, args.name, args.color)
        if args.description is not None:
            describe_tag(conn, args.name, args.description)
        if args.group is not None:
            set_tag_group(conn, args.name, args.group or None)
    print(f"Updated tag \"{args.name}\".")
    return 0


def cmd_delete(args) -> int:
    from loyalty_desktop.tags import delete_tag

    db = _db(args)
    with db.begin() as conn:
        n = delete_tag(conn, args.name)
    return _out(args, {"deleted": args.name, "customers": n},
                f"Deleted tag \"{args.name}\"; {n:,} customers carried it.")


def cmd_merge(args) -> int:
    from loyalty_desktop.tags import merge_tags

    db = _db(args)
    with db.begin() as conn:
        n = merge_tags(conn, args.source, args.target)
    return _out(args, {"source": args.source, "target": args.target, "added": n},
                f"Merged \"{args.source}\" into \"{args.target}\"; {n:,} customers newly tagged \"{args.target}\".")


def _source(conn, args):
    from loyalty_desktop.tags import source_for_rule, source_for_segment

    if args.segment:
        from loyalty_desktop.segments.store import require_segment

        require_segment(conn, args.segment)
        return source_for_segment(conn, args.segment), f"segment {args.segment}"
    from loyalty_desktop.commands.segment import read_rule_file

    return source_for_rule(conn, read_rule_file(args.rules)), f"rules {args.rules}"


def cmd_apply(args) -> int:
    from loyalty_desktop.tags import apply_tag

    db = _db(args)
    start = time.perf_counter()
    with db.begin() as conn:
        src, what = _source(conn, args)
        res = apply_tag(conn, args.name, source=src, description=what, create=args.create)
    out = res.as_dict() | {"seconds": round(time.perf_counter() - start, 3)}
    return _out(args, out, f"Tagged {res.count:,} of {res.matched:,} customers \"{res.tag}\" "
                           f"(operation {res.operation_id}; undo: loyalty-desktop tag undo {res.operation_id}).")


def cmd_remove(args) -> int:
    from loyalty_desktop.tags import remove_tag

    db = _db(args)
    start = time.perf_counter()
    with db.begin() as conn:
        src, what = _source(conn, args)
        res = remove_tag(conn, args.name, source=src, description=what)
    out = res.as_dict() | {"seconds": round(time.perf_counter() - start, 3)}
    return _out(args, out, f"Removed \"{res.tag}\" from {res.count:,} customers "
                           f"(operation {res.operation_id}; undo: loyalty-desktop tag undo {res.operation_id}).")


def cmd_undo(args) -> int:
    from loyalty_desktop.tags import undo_operation

    db = _db(args)
    with db.begin() as conn:
        n = undo_operation(conn, args.operation)
    return _out(args, {"operation": args.operation, "changed": n},
                f"Undid operation {args.operation}: {n:,} customers changed back.")


def cmd_history(args) -> int:
    from loyalty_desktop.tags import list_operations

    db = _db(args)
    with db.connect() as conn:
        rows = list_operations(conn)
    if args.json:
        return _out(args, {"operations": rows}, "")
    if not rows:
        print("No bulk tag operations yet.")
    for r in rows:
        state = " (undone)" if r["undone"] else ""
        print(f"{r['id']:>5}  {r['created_at']}  {r['kind']:<6}  {r['tag'] or '—'}  {r['count']:,}  "
              f"{r['description'] or ''}{state}")
    return 0


def cmd_groups(args) -> int:
    from loyalty_desktop.tags import list_groups, list_tags

    db = _db(args)
    with db.connect() as conn:
        rows = list_groups(conn)
        members: dict[int, list[str]] = {}
        for t in list_tags(conn, with_stats=False):
            if t["group_id"] is not None:
                members.setdefault(t["group_id"], []).append(t["name"])
    for r in rows:
        r["tag_names"] = members.get(r["id"], [])
    if args.json:
        return _out(args, {"groups": rows}, "")
    if not rows:
        print("No tag groups yet. Create one: loyalty-desktop tag group create NAME")
    for r in rows:
        names = ", ".join(r["tag_names"])
        print(f"{r['name']}  ({r['tags']} tags){': ' + names if names else ''}")
    return 0


def cmd_group_create(args) -> int:
    from loyalty_desktop.tags import create_group, require_group

    db = _db(args)
    with db.begin() as conn:
        gid = create_group(conn, args.name)
        name = require_group(conn, gid)["name"]
    return _out(args, {"id": gid, "name": name}, f"Created tag group \"{name}\" (id {gid}).")


def cmd_group_rename(args) -> int:
    from loyalty_desktop.tags import rename_group, require_group

    db = _db(args)
    with db.begin() as conn:
        gid = require_group(conn, args.name)["id"]
        rename_group(conn, gid, args.new_name)
        name = require_group(conn, gid)["name"]
    return _out(args, {"id": gid, "old_name": args.name, "name": name},
                f"Renamed tag group \"{args.name}\" to \"{name}\".")


def cmd_group_delete(args) -> int:
    from loyalty_desktop.tags import delete_group, require_group

    db = _db(args)
    with db.begin() as conn:
        name = require_group(conn, args.name)["name"]
        n = delete_group(conn, args.name)
    return _out(args, {"deleted": name, "ungrouped_tags": n},
                f"Deleted tag group \"{name}\"; its {n} tag(s) are kept, without a group.")


def cmd_group_set(args) -> int:
    from loyalty_desktop.tags import require_group, require_tag, set_tag_group

    db = _db(args)
    with db.begin() as conn:
        tag = require_tag(conn, args.tag)
        if args.group is not None and not args.group.strip():
            raise UserError('Give a group name, or use `tag group unset TAG` to take the tag out of its group.')
        try:
            gid = set_tag_group(conn, tag["id"], args.group, create=args.create)
        except UserError as exc:
            if args.group is not None and not args.create and str(exc).startswith("No tag group"):
                raise UserError(f"{exc} Create it with --create or `loyalty-desktop tag group create NAME`.") from exc
            raise
        group = None if gid is None else require_group(conn, gid)["name"]
    text = (f"Tag \"{tag['name']}\" is now in group \"{group}\"." if group
            else f"Tag \"{tag['name']}\" is no longer in a group.")
    return _out(args, {"tag": tag["name"], "group": group, "group_id": gid}, text)
