"""Dashboard reports without a screen: PDF (one page per chart), PNG files, XLSX tables.

``build_report(db, scope, lang)`` computes every aggregate once; the writers turn it into files.
PDF pages and PNGs are drawn from the same ``Figure`` builders the app shows (no pyplot).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Callable

from loyalty_desktop.analytics import aggregates as A
from loyalty_desktop.analytics import figures as F

PAGE_SIZE = (11.69, 8.27)  # A4 landscape, inches
PNG_SIZE = (9.6, 5.4)


@dataclass
class Report:
    scope: A.Scope
    data: dict
    lang: str = "vi"
    title: str = ""
    created: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))


def compute_report(conn, scope: A.Scope, lang: str = "vi", title: str = "",
                   on_each: Callable[[str, dict], None] | None = None, cache=None) -> Report:
    data = A.compute_all(conn, scope, on_each=on_each, cache=cache)
    return Report(scope=scope, data=data, lang=lang, title=title)


def period_text(scope: A.Scope, lang: str = "vi") -> str:
    fmt = "%d/%m/%Y"
    if scope.start is None and scope.end is None:
        return "Toàn bộ thời gian" if lang == "vi" else "All time"
    start = scope.start.strftime(fmt) if scope.start else "…"
    end = scope.end.strftime(fmt) if scope.end else "…"
    return f"{start} – {end}"


HEADLINE_LABELS = {
    "vi": [("customers", "Khách hàng"), ("active_90d", "Mua trong 90 ngày"), ("new_this_month", "Khách mới tháng này"),
           ("revenue_this_month", "Doanh thu tháng này"), ("revenue_last_month", "Doanh thu tháng trước"),
           ("repeat_rate", "Tỷ lệ mua lại"), ("opted_out_share", "Từ chối nhận SMS"),
           ("aov", "Giá trị đơn trung bình"), ("frequency", "Số đơn / khách đã mua")],
    "en": [("customers", "Customers"), ("active_90d", "Bought in the last 90 days"),
           ("new_this_month", "New this month"), ("revenue_this_month", "Revenue this month"),
           ("revenue_last_month", "Revenue last month"), ("repeat_rate", "Repeat-purchase rate"),
           ("opted_out_share", "Opted out of SMS"), ("aov", "Average order value"),
           ("frequency", "Orders per buying customer")],
}


def headline_text(head: dict, key: str, lang: str = "vi") -> str:
    value = head.get(key)
    if value is None:
        return "—"
    if key in ("repeat_rate", "opted_out_share"):
        return F.format_percent(value, lang)
    if key.startswith("revenue") or key == "aov":
        return F.format_money(value, lang)
    if key == "frequency":
        return F._decimal(value, lang, 1)
    return F.format_count(value, lang)


def headline_figure(report: Report, size=PAGE_SIZE):
    """The cover page: title, period and the headline numbers as big text."""
    lang = report.lang
    fig = F.new_figure(size)
    title = report.title or ("Báo cáo khách hàng" if lang == "vi" else "Customer report")
    fig.text(0.05, 0.92, title, fontsize=22, fontweight="bold", color=F.TEXT)
    sub = (f"{'Kỳ báo cáo' if lang == 'vi' else 'Period'}: {period_text(report.scope, lang)}   ·   "
           f"{'Lập lúc' if lang == 'vi' else 'Created'} {report.created.strftime('%d/%m/%Y %H:%M')}")
    fig.text(0.05, 0.86, sub, fontsize=11, color=F.MUTED)
    head = report.data.get("headline") or {}
    items = HEADLINE_LABELS.get(lang, HEADLINE_LABELS["vi"])
    for i, (key, label) in enumerate(items):
        col, row = i % 3, i // 3
        x, y = 0.05 + col * 0.31, 0.68 - row * 0.2
        fig.text(x, y, headline_text(head, key, lang), fontsize=24, fontweight="bold", color=F.ACCENT)
        fig.text(x, y - 0.05, label, fontsize=11, color=F.MUTED)
    return fig


def figures(report: Report, size=None):
    """(key, Figure) for the cover and every chart, in dashboard order."""
    yield "summary", headline_figure(report, size or PAGE_SIZE)
    for key, (agg, _builder) in F.CHARTS.items():
        yield key, F.build(key, report.data[agg], report.lang, size)


def write_pdf(report: Report, path: Path) -> Path:
    from matplotlib.backends.backend_pdf import PdfPages

    path = Path(path)
    with PdfPages(str(path), metadata={"Title": report.title or "Loyalty Desktop", "Creator": "Loyalty Desktop"}) as pdf:
        for _key, fig in figures(report, PAGE_SIZE):
            pdf.savefig(fig)
    return path


def write_png_dir(report: Report, folder: Path, dpi: int = 120) -> list[Path]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for i, (key, fig) in enumerate(figures(report, PNG_SIZE)):
        target = folder / f"{i:02d}-{key}.png"
        fig.savefig(str(target), dpi=dpi)
        written.append(target)
    return written


def save_png(fig, path: Path, dpi: int = 150) -> Path:
    fig.savefig(str(path), dpi=dpi)
    return Path(path)


def tables(report: Report) -> dict[str, tuple[list[str], list[list]]]:
    """Sheet name -> (header, rows): the numbers behind every chart, for Excel."""
    vi = report.lang == "vi"
    d = report.data
    out: dict[str, tuple[list[str], list[list]]] = {}
    head = d["headline"]
    out["Tổng quan" if vi else "Summary"] = (
        ["Chỉ số" if vi else "Figure", "Giá trị" if vi else "Value"],
        [[label, head.get(key)] for key, label in HEADLINE_LABELS["vi" if vi else "en"]],
    )
    out["Nhóm khách" if vi else "Segments"] = (
        ["Nhóm" if vi else "Segment", "Khách hàng" if vi else "Customers", "Tổng chi tiêu (₫)" if vi else "Total spent (₫)"],
        [[r["label_vi"] if vi else r["label_en"], r["customers"], r["revenue"]] for r in d["segments"]["segments"]],
    )
    rfm = d["rfm"]
    out["RFM"] = (
        ["R", "F", "Khách hàng" if vi else "Customers", "Tổng chi tiêu (₫)" if vi else "Total spent (₫)"],
        [[r + 1, f + 1, rfm["counts"][r][f], rfm["revenue"][r][f]] for r in range(4, -1, -1) for f in range(5)],
    )
    geo = d["geography"]
    prov_rows = [[r["province"], r["customers"], r["revenue"]] for r in geo["provinces"]]
    if geo["other"]["provinces"]:
        prov_rows.append([("Tỉnh khác" if vi else "Other provinces"), geo["other"]["customers"], geo["other"]["revenue"]])
    if geo["unknown"]["customers"] or geo["unknown"]["revenue"]:
        prov_rows.append([("Chưa rõ" if vi else "Unknown"), geo["unknown"]["customers"], geo["unknown"]["revenue"]])
    money = "Doanh thu (₫)" if vi else "Revenue (₫)"
    out["Tỉnh thành" if vi else "Provinces"] = (
        ["Tỉnh/thành" if vi else "Province", "Khách hàng" if vi else "Customers", money], prov_rows)
    out["Vùng miền" if vi else "Regions"] = (
        ["Vùng" if vi else "Region", "Khách hàng" if vi else "Customers", money],
        [[F.tr(r["region"], report.lang), r["customers"], r["revenue"]] for r in geo["regions"]],
    )
    out["Tuổi - giới tính" if vi else "Age - gender"] = (
        ["Tuổi" if vi else "Age", F.tr("male", report.lang), F.tr("female", report.lang),
         F.tr("unknown_gender", report.lang)],
        [[b["band"], b["male"], b["female"], b["unknown"]] for b in d["age_gender"]["bands"]],
    )
    out["Theo tháng" if vi else "Monthly"] = (
        ["Tháng" if vi else "Month", F.tr("new", report.lang) + " (₫)", F.tr("returning", report.lang) + " (₫)",
         F.tr("walk_in", report.lang) + " (₫)", ("Khách mới mua" if vi else "New buyers"),
         ("Khách quay lại mua" if vi else "Returning buyers"), ("Số đơn" if vi else "Orders")],
        [[m["month"], m["revenue_new"], m["revenue_returning"], m["revenue_walk_in"], m["active_new"],
          m["active_returning"], m["orders"]] for m in d["monthly"]["months"]],
    )
    for key, sheet_vi, sheet_en, col_vi, col_en in (("categories", "Ngành hàng", "Categories", "Ngành hàng", "Category"),
                                                    ("channels", "Kênh bán", "Channels", "Kênh", "Channel")):
        out[sheet_vi if vi else sheet_en] = (
            [col_vi if vi else col_en, money, "Số đơn" if vi else "Orders"],
            [[r["name"] or F.tr("not_recorded", report.lang), r["revenue"], r["orders"]] for r in d["sales"][key]],
        )
    return out


def write_xlsx(report: Report, path: Path) -> Path:
    import xlsxwriter

    path = Path(path)
    wb = xlsxwriter.Workbook(str(path))
    bold = wb.add_format({"bold": True, "bg_color": "#F0F3F4", "border": 1, "border_color": "#DDE3E6"})
    number = wb.add_format({"num_format": "#,##0"})
    ratio = wb.add_format({"num_format": "0.0%"})
    decimal = wb.add_format({"num_format": "#,##0.0"})
    title = wb.add_format({"bold": True, "font_size": 14})
    for sheet_name, (header, rows) in tables(report).items():
        ws = wb.add_worksheet(sheet_name[:31])
        ws.write(0, 0, report.title or "Loyalty Desktop", title)
        ws.write(1, 0, period_text(report.scope, report.lang))
        for j, h in enumerate(header):
            ws.write(3, j, h, bold)
            ws.set_column(j, j, max(14, len(str(h)) + 4))
        for i, row in enumerate(rows, start=4):
            for j, value in enumerate(row):
                if isinstance(value, float) and (sheet_name in ("Tổng quan", "Summary")) and i - 4 in (5, 6):
                    ws.write_number(i, j, value, ratio)
                elif isinstance(value, float):
                    ws.write_number(i, j, value, decimal)
                elif isinstance(value, int) and not isinstance(value, bool):
                    ws.write_number(i, j, value, number)
                elif value is None:
                    ws.write_blank(i, j, None)
                else:
                    ws.write(i, j, value)
        ws.freeze_panes(4, 0)
    wb.close()
    return path


def default_scope(period: str = "12m", today: date | None = None) -> A.Scope:
    today = today or date.today()
    start, end = A.preset_period(period, today)
    return A.Scope(start=start, end=end, today=today)
