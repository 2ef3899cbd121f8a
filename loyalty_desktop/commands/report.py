"""``loyalty-desktop report dashboard --out report.pdf [--png DIR] [--xlsx FILE]``: the dashboard, headless."""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path

PERIODS = ["this_month", "1m", "3m", "6m", "12m", "all"]


def register(subparsers) -> None:
    parser = subparsers.add_parser("report", help="dashboard report as PDF, PNG images or Excel")
    sub = parser.add_subparsers(dest="report_cmd", metavar="ACTION", required=True)
    sp = sub.add_parser("dashboard", help="headline numbers and every dashboard chart")
    sp.add_argument("--out", metavar="FILE.pdf", help="write a PDF (a cover page and one page per chart)")
    sp.add_argument("--png", metavar="DIR", help="write one PNG per chart into this folder")
    sp.add_argument("--xlsx", metavar="FILE.xlsx", help="write the numbers behind the charts to Excel")
    sp.add_argument("--period", choices=PERIODS, default="12m",
                    help="period for revenue figures (default 12m = last 365 days; 3m = 90 days…)")
    sp.add_argument("--from", dest="date_from", metavar="DD/MM/YYYY", help="custom period start (with --to)")
    sp.add_argument("--to", dest="date_to", metavar="DD/MM/YYYY", help="custom period end, inclusive")
    sp.add_argument("--segment", metavar="NAME", help="only the customers of this saved segment")
    sp.add_argument("--lang", choices=["vi", "en"], default="vi", help="chart language (default vi)")
    sp.add_argument("--title", help="report title")
    sp.add_argument("--json", action="store_true", help="print the aggregates as one JSON object")
    sp.add_argument("--no-cache", action="store_true", help="recompute every figure (ignore the aggregate cache)")
    sp.set_defaults(func=cmd_dashboard)


def _parse_day(value: str, what: str) -> date:
    from loyalty_desktop.errors import InvalidInput

    try:
        from loyalty_desktop.vn.dates import parse_date

        parsed = parse_date(value)
    except ImportError:
        parsed = None
    except ValueError as exc:
        raise InvalidInput(f"{what}: {exc}") from None
    if parsed is None:
        for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
            try:
                from datetime import datetime

                return datetime.strptime(value.strip(), fmt).date()
            except ValueError:
                continue
        raise InvalidInput(f"{what}: cannot read the date '{value}' (use DD/MM/YYYY)")
    return parsed


def cmd_dashboard(args) -> int:
    from loyalty_desktop.analytics import aggregates as A
    from loyalty_desktop.analytics import report as R
    from loyalty_desktop.cli import open_db
    from loyalty_desktop.errors import InvalidInput, UserError

    if not (args.out or args.png or args.xlsx or args.json):
        raise InvalidInput("Say where to write the report: --out FILE.pdf, --png DIR and/or --xlsx FILE.xlsx")
    for value, suffix in ((args.out, ".pdf"), (args.xlsx, ".xlsx")):
        if value and Path(value).suffix.lower() != suffix:
            raise InvalidInput(f"'{value}' should end in {suffix}")
        if value and not Path(value).expanduser().resolve().parent.exists():
            raise UserError(f"Folder '{Path(value).parent}' does not exist")
    if args.png and Path(args.png).exists() and not Path(args.png).is_dir():
        raise UserError(f"'{args.png}' is a file, not a folder")
    today = date.today()
    if args.date_from or args.date_to:
        if not (args.date_from and args.date_to):
            raise InvalidInput("Give both --from and --to for a custom period")
        start, end = _parse_day(args.date_from, "--from"), _parse_day(args.date_to, "--to")
        if start > end:
            raise InvalidInput("--from is after --to")
    else:
        start, end = A.preset_period(args.period, today)

    db = open_db(args)
    timings = {}
    with db.connect() as conn:
        members = None
        if args.segment:
            from loyalty_desktop.segments.store import get_segment

            if get_segment(conn, args.segment) is None:
                raise UserError(f"No saved segment named '{args.segment}'")
            members = A.rule_members(conn, args.segment, today)
        scope = A.Scope(members=members, start=start, end=end, today=today)
        title = args.title or (f"{args.segment}" if args.segment else "")
        t0 = time.perf_counter()
        last = [t0]

        def tick(key, _value):
            now = time.perf_counter()
            timings[key] = round(now - last[0], 3)
            last[0] = now

        from loyalty_desktop.analytics.cache import AnalyticsCache

        cache = None if args.no_cache else AnalyticsCache.for_location(db.location)
        report = R.compute_report(conn, scope, lang=args.lang, title=title, on_each=tick, cache=cache)
    written = []
    if args.out:
        written.append(str(R.write_pdf(report, Path(args.out))))
    if args.png:
        written.extend(str(p) for p in R.write_png_dir(report, Path(args.png)))
    if args.xlsx:
        written.append(str(R.write_xlsx(report, Path(args.xlsx))))
    if args.json:
        print(json.dumps({"period": [start and start.isoformat(), end and end.isoformat()], "files": written,
                          "seconds": timings, "aggregates": report.data}, ensure_ascii=False, default=str))
    else:
        for path in written:
            print(path)
    return 0
