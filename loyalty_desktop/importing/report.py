"""What an import did: counts, every rejected row (row number, column, value, reason in Vietnamese and
English) and warnings; JSON for the CLI and the ``import_record`` table; savable as .xlsx."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from loyalty_desktop.errors import UserError


@dataclass
class RowProblem:
    row: int  # spreadsheet row number (1-based, as Excel shows it)
    column: str  # header of the offending column
    value: str  # the offending value as written
    reason: str  # plain English
    reason_vi: str  # plain Vietnamese

    def as_dict(self) -> dict:
        return asdict(self)


COUNT_KEYS = ("rows", "created", "updated", "merged", "rejected")
PURCHASE_KEYS = ("purchases_added", "duplicates_skipped", "walk_in", "cancelled")

# (key, Vietnamese label, English label) for the summary sheet and the UI.
COUNT_LABELS = (
    ("rows", "Số dòng đã đọc", "Rows read"),
    ("created", "Khách hàng tạo mới", "Customers created"),
    ("updated", "Khách hàng được cập nhật", "Customers updated"),
    ("unchanged", "Khách hàng không thay đổi", "Customers unchanged"),
    ("merged", "Dòng trùng đã gộp", "Duplicate rows merged"),
    ("rejected", "Dòng bị loại", "Rows rejected"),
    ("purchases_added", "Đơn hàng đã thêm", "Purchases added"),
    ("duplicates_skipped", "Đơn hàng trùng đã bỏ qua", "Duplicate purchases skipped"),
    ("walk_in", "Khách lẻ (không gắn khách hàng)", "Walk-in sales (no customer)"),
    ("cancelled", "Đơn đã hủy", "Cancelled invoices"),
    ("points_awarded", "Điểm đã cộng", "Points awarded"),
)


@dataclass
class ImportReport:
    kind: str
    file_name: str
    sheet: str | None = None
    preset: str | None = None
    header_row: int | None = None
    columns: dict[str, str] = field(default_factory=dict)  # header -> field
    ignored_columns: list[str] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0
    rejected: int = 0
    purchases_added: int = 0
    duplicates_skipped: int = 0
    walk_in: int = 0
    cancelled: int = 0
    points_awarded: int = 0
    rejects: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    dry_run: bool = False
    import_id: int | None = None
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase
    cpu_timings: dict[str, float] = field(default_factory=dict)  # CPU seconds per phase

    def counts(self) -> dict[str, int]:
        keys = COUNT_KEYS + (PURCHASE_KEYS if self.kind == "purchases" else ())
        return {k: getattr(self, k) for k in keys}

    def to_json(self, max_rows: int | None = None) -> dict[str, Any]:
        """The CLI ``--json`` object: the counts (keys of the issue) first, then details."""
        out: dict[str, Any] = self.counts()
        out.update(
            kind=self.kind, file=self.file_name, sheet=self.sheet, preset=self.preset, header_row=self.header_row,
            unchanged=self.unchanged, points_awarded=self.points_awarded, dry_run=self.dry_run,
            import_id=self.import_id, columns=self.columns, ignored_columns=self.ignored_columns,
            rejected_rows=[p.as_dict() for p in self.rejects[:max_rows]],
            warnings=len(self.warnings),
            warning_rows=[p.as_dict() for p in self.warnings[:max_rows]],
            seconds=round(self.seconds, 3),
        )
        return out

    def summary_lines(self, lang: str = "en") -> list[str]:
        keys = set(self.counts()) | ({"unchanged"} if self.kind == "customers" else set())
        if self.points_awarded:
            keys.add("points_awarded")
        lines = []
        for key, vi, en in COUNT_LABELS:
            if key in keys:
                lines.append(f"{vi if lang == 'vi' else en}: {getattr(self, key):,}".replace(",", "." if lang == "vi" else ","))
        return lines

    def save_xlsx(self, path: str | Path) -> Path:
        """Write the report: a summary sheet, the rejected rows, the warnings (bilingual headers)."""
        import xlsxwriter

        path = Path(path)
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        try:
            wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        except Exception as exc:  # noqa: BLE001
            raise UserError(f"Cannot write the report to {path}: {exc}",
                            vi=f"Không ghi được báo cáo vào {path}: {exc}") from exc
        bold = wb.add_format({"bold": True})
        head = wb.add_format({"bold": True, "bg_color": "#E8EEF9", "border": 1})
        ws = wb.add_worksheet("Tóm tắt - Summary")
        ws.set_column(0, 0, 42)
        ws.set_column(1, 1, 40)
        ws.write_row(0, 0, ["Báo cáo nhập dữ liệu / Import report"], bold)
        info = [
            ("Tệp / File", self.file_name),
            ("Trang tính / Sheet", self.sheet or ""),
            ("Loại / Kind", "Khách hàng / Customers" if self.kind == "customers" else "Đơn hàng / Purchases"),
            ("Mẫu nhận diện / Preset", self.preset or ""),
            ("Dòng tiêu đề / Header row", self.header_row or ""),
            ("Chạy thử / Dry run", "Có / Yes" if self.dry_run else "Không / No"),
        ]
        r = 2
        for label, value in info:
            ws.write(r, 0, label)
            ws.write(r, 1, value)
            r += 1
        r += 1
        keys = set(self.counts()) | {"unchanged", "points_awarded"} if self.kind == "purchases" else set(self.counts()) | {"unchanged"}
        for key, vi, en in COUNT_LABELS:
            if key in keys:
                ws.write(r, 0, f"{vi} / {en}")
                ws.write_number(r, 1, getattr(self, key))
                r += 1
        for title, problems in (("Dòng bị loại - Rejected", self.rejects), ("Cảnh báo - Warnings", self.warnings)):
            sheet = wb.add_worksheet(title)
            sheet.set_column(0, 0, 8)
            sheet.set_column(1, 2, 22)
            sheet.set_column(3, 4, 55)
            sheet.write_row(0, 0, ["Dòng / Row", "Cột / Column", "Giá trị / Value", "Lý do", "Reason"], head)
            for i, p in enumerate(problems, start=1):
                sheet.write_number(i, 0, p.row)
                sheet.write_string(i, 1, p.column)
                sheet.write_string(i, 2, p.value)
                sheet.write_string(i, 3, p.reason_vi)
                sheet.write_string(i, 4, p.reason)
        try:
            wb.close()
        except Exception as exc:  # noqa: BLE001
            raise UserError(f"Cannot write the report to {path}: {exc}",
                            vi=f"Không ghi được báo cáo vào {path}: {exc}") from exc
        return path
