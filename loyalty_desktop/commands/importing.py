"""``loyalty-desktop import customers|purchases FILE …``: import a spreadsheet (see loyalty_desktop.importing)."""

from __future__ import annotations

import json
import sys


def register(subparsers) -> None:
    from loyalty_desktop.importing.mapping import FIELDS_BY_KIND

    parser = subparsers.add_parser("import", help="import customers or sales from .xlsx/.xls/.ods/.csv")
    kinds = parser.add_subparsers(dest="import_kind", metavar="KIND", required=True)
    for kind, help_text in (("customers", "customer list (one customer per phone number)"),
                            ("purchases", "sales / invoices (matched to customers by phone, else by code)")):
        sp = kinds.add_parser(kind, help=help_text)
        sp.add_argument("file", metavar="FILE", help="the spreadsheet to import")
        sp.add_argument("--sheet", help="sheet name or 1-based number (default: the first non-empty sheet)")
        sp.add_argument("--mapping", metavar="M.json",
                        help='column mapping JSON: {"columns": {"Header": "field" | null, …}}; fields: '
                             + ", ".join(FIELDS_BY_KIND[kind]))
        sp.add_argument("--dry-run", action="store_true", help="show what would happen without writing")
        sp.add_argument("--update-existing", action="store_true",
                        help="the incoming file wins when a field differs (default: only fill empty fields)")
        sp.add_argument("--report", metavar="OUT.xlsx", help="save the import report as .xlsx")
        sp.add_argument("--json", action="store_true", help="print one JSON object with the counts")
        sp.add_argument("--notes", action="store_true", help="put unmapped columns into the customer note")
        sp.add_argument("--save-mapping", action="store_true",
                        help="remember this mapping for files with the same columns")
        if kind == "purchases":
            sp.add_argument("--award-points", action="store_true",
                            help="award loyalty points for these sales (setting points_per_vnd)")
            sp.add_argument("--source", help="where the invoices come from (default: the detected POS, e.g. kiotviet)")
        sp.set_defaults(func=cmd_import, import_kind=kind)


def cmd_import(args) -> int:
    from loyalty_desktop.cli import open_db
    from loyalty_desktop.importing import ImportOptions, load_mapping_file, run_import

    mapping = load_mapping_file(args.mapping) if args.mapping else None
    options = ImportOptions(
        sheet=args.sheet, mapping=mapping, dry_run=args.dry_run, update_existing=args.update_existing,
        award_points=getattr(args, "award_points", False), unknown_to_note=args.notes,
        save_mapping=args.save_mapping, source=getattr(args, "source", None),
    )
    db = open_db(args)
    try:
        report = run_import(db, args.file, args.import_kind, options)
    finally:
        db.dispose()
    saved = report.save_xlsx(args.report) if args.report else None
    if args.json:
        out = report.to_json()
        if saved:
            out["report_file"] = str(saved)
        print(json.dumps(out, ensure_ascii=False, default=str))
        return 0
    title = "Dry run (nothing written)" if report.dry_run else "Imported"
    print(f"{title}: {report.file_name} [{report.sheet}] as {report.kind}"
          + (f", preset {report.preset}" if report.preset else "") + f", header on row {report.header_row}")
    for line in report.summary_lines("en"):
        print(f"  {line}")
    for prob in report.rejects[:20]:
        print(f"  row {prob.row}: {prob.column} = {prob.value!r}: {prob.reason}")
    if len(report.rejects) > 20:
        print(f"  … {len(report.rejects) - 20} more rejected rows" + ("" if saved else " (see --report)"))
    if report.warnings:
        print(f"  {len(report.warnings)} warning(s)" + (f", see {saved}" if saved else " (see --report)"))
    if saved:
        print(f"Report saved: {saved}")
    sys.stdout.flush()
    return 0
