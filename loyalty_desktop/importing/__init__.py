"""Import customers and sales from the files shops have (.xlsx/.xls/.ods/.csv).

Core API (no Qt):
- ``preview(path, kind, sheet=None, mapping=None) -> Preview``: sheets, header row, proposed mapping,
  the first rows normalised with their problems (for the import wizard).
- ``run_import(db, path, kind, options, progress=None, cancelled=None) -> ImportReport``: one
  transaction; ``UserError`` for unreadable files (nothing written), ``Cancelled`` on cancel.
- ``ImportOptions``, ``ImportReport`` (``to_json()``, ``save_xlsx(path)``), presets and field lists
  in ``loyalty_desktop.importing.mapping``.
"""

from loyalty_desktop.importing.engine import ImportOptions, Preview, PreviewRow, preview, run_import
from loyalty_desktop.importing.mapping import (
    CUSTOMER_FIELDS, FIELDS_BY_KIND, PRESETS, PURCHASE_FIELDS, load_mapping_file, mapping_to_json, save_mapping,
)
from loyalty_desktop.importing.readers import FileProblem, open_workbook
from loyalty_desktop.importing.report import ImportReport, RowProblem

__all__ = [
    "CUSTOMER_FIELDS", "FIELDS_BY_KIND", "FileProblem", "ImportOptions", "ImportReport", "PRESETS",
    "PURCHASE_FIELDS", "Preview", "PreviewRow", "RowProblem", "load_mapping_file", "mapping_to_json",
    "open_workbook", "preview", "run_import", "save_mapping",
]
