"""Command line: a thin layer over the core. ``loyalty-desktop [--db PATH] COMMAND …``.

Commands live in ``loyalty_desktop/commands/`` (one module per area, each with ``register``).
User mistakes end as one clear line on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys

from loyalty_desktop import __version__
from loyalty_desktop.errors import Cancelled, UserError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="loyalty-desktop",
        description="Loyalty Desktop: customers, segments, tags and SMS campaigns for shops.",
    )
    parser.add_argument("--db", metavar="PATH", help="database file or URL (default: LOYALTY_DB or the user data folder)")
    parser.add_argument("--version", action="version", version=f"loyalty-desktop {__version__}")
    parser.add_argument("--self-test", nargs="?", const="-", metavar="REPORT",
                        help="smoke-test this installation on a temporary database; exit 0 if it works")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    gui = sub.add_parser("gui", help="open the app (default)")
    gui.add_argument("--lang", choices=["vi", "en"], help="interface language")
    gui.set_defaults(func=cmd_gui)

    init = sub.add_parser("init", help="create or upgrade the database")
    init.set_defaults(func=cmd_init)

    info = sub.add_parser("info", help="counts and schema of the database")
    info.add_argument("--json", action="store_true", help="one JSON object")
    info.set_defaults(func=cmd_info)

    import loyalty_desktop.commands as commands_pkg

    for mod in sorted(pkgutil.iter_modules(commands_pkg.__path__), key=lambda m: m.name):
        importlib.import_module(f"loyalty_desktop.commands.{mod.name}").register(sub)
    return parser


def open_db(args):
    from loyalty_desktop.db import open_database

    return open_database(args.db)


def cmd_gui(args) -> int:
    from loyalty_desktop.ui.app import run_app

    return run_app(db_location=args.db, lang=getattr(args, "lang", None))


def cmd_init(args) -> int:
    db = open_db(args)
    print(f"Database ready: {db.location} (schema {db.schema_revision()})")
    return 0


def cmd_info(args) -> int:
    from loyalty_desktop.info import database_info

    db = open_db(args)
    info = database_info(db)
    if args.json:
        print(json.dumps(info, ensure_ascii=False))
    else:
        for key, value in info.items():
            print(f"{key:>10}: {value}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "self_test", None):
        from loyalty_desktop.selftest import run_self_test

        return run_self_test(args.self_test)
    if not getattr(args, "func", None):
        args.func = cmd_gui
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"loyalty-desktop: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except Cancelled:
        print("loyalty-desktop: cancelled; nothing was changed", file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print("loyalty-desktop: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
