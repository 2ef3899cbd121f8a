"""Figure builders: plain data from ``aggregates`` in, matplotlib ``Figure`` out (never pyplot).

Each builder takes ``lang`` ("vi" default, or "en") for its labels, uses the app colours, formats money
in đồng the way shop owners read it ("1,2 tr ₫", "3,4 tỷ ₫"), and draws a friendly empty state
instead of a broken chart when there is nothing to show. No pyplot: the figures are safe to build in
any thread and to draw on a Qt canvas, into PNG files or into a PDF.
"""

from __future__ import annotations

from typing import Callable

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from loyalty_desktop.analytics.aggregates import GENDERS, is_empty

# Mirrors loyalty_desktop/ui/style.py (the core must not import the ui package).
ACCENT = "#0F766E"
TEXT = "#1F2933"
MUTED = "#6B7780"
BORDER = "#DDE3E6"
COLORS = ["#0F766E", "#F59E0B", "#3B82F6", "#EF4444", "#8B5CF6", "#10B981", "#EC4899", "#64748B"]
NEW_COLOR = "#F59E0B"
RETURNING_COLOR = "#0F766E"
WALK_IN_COLOR = "#CBD5E1"
MALE_COLOR = "#3B82F6"
FEMALE_COLOR = "#EC4899"
HEAT_CMAP = "YlGnBu"

DEFAULT_SIZE = (6.4, 3.6)
TOP = 15
FONT_SIZE = 9

T: dict[str, dict[str, str]] = {
    "vi": {
        "empty": "Chưa có dữ liệu để vẽ biểu đồ này",
        "empty_hint": "Nhập danh sách khách hàng và hóa đơn bán hàng để xem thống kê.",
        "segments": "Khách hàng theo nhóm",
        "customers": "Khách hàng",
        "revenue": "Doanh thu",
        "rfm": "Ma trận RFM: gần đây × tần suất",
        "recency": "Mua gần đây (5 = mới mua)",
        "frequency": "Tần suất mua (5 = mua nhiều nhất)",
        "provinces": "Khách hàng và doanh thu theo tỉnh/thành (top {n})",
        "regions": "Theo vùng miền",
        "share": "Tỷ lệ",
        "other_provinces": "{n} tỉnh khác: {c} khách",
        "unknown_province": "Chưa rõ tỉnh: {c} khách",
        "age_gender": "Tháp tuổi theo giới tính",
        "male": "Nam",
        "female": "Nữ",
        "unknown_gender": "Chưa rõ giới tính",
        "age": "Tuổi",
        "no_birth": "Chưa có ngày sinh: {c} khách",
        "unknown_gender_note": "Chưa rõ giới tính: {c} khách",
        "monthly": "Doanh thu và khách mua theo tháng",
        "monthly_revenue": "Doanh thu",
        "monthly_active": "Khách mua",
        "new": "Khách mới",
        "returning": "Khách quay lại",
        "walk_in": "Khách lẻ",
        "so_far": "đến nay",
        "categories": "Doanh thu theo ngành hàng",
        "channels": "Doanh thu theo kênh bán",
        "not_recorded": "(không ghi)",
        "overlap": "Khách chung giữa các nhóm",
        "overlap_one": "Chưa có nhóm khác để so sánh",
        "overlap_hint": "Lưu thêm nhóm khách để xem các nhóm trùng nhau bao nhiêu.",
        "comparison": "So với toàn bộ khách hàng",
        "this_group": "Nhóm này",
        "all_customers": "Tất cả khách",
        "aov": "Giá trị đơn TB",
        "freq_short": "Số lần mua TB",
        "repeat": "Tỷ lệ mua lại",
        "orders": "đơn",
        "north": "Miền Bắc",
        "central": "Miền Trung",
        "south": "Miền Nam",
    },
    "en": {
        "empty": "No data to chart yet",
        "empty_hint": "Import your customer list and sales to see the figures.",
        "segments": "Customers by segment",
        "customers": "Customers",
        "revenue": "Revenue",
        "rfm": "RFM grid: recency × frequency",
        "recency": "Recency (5 = bought recently)",
        "frequency": "Frequency (5 = buys most often)",
        "provinces": "Customers and revenue by province (top {n})",
        "regions": "By region",
        "share": "Share",
        "other_provinces": "{n} other provinces: {c} customers",
        "unknown_province": "Province unknown: {c} customers",
        "age_gender": "Age and gender",
        "male": "Male",
        "female": "Female",
        "unknown_gender": "Gender unknown",
        "age": "Age",
        "no_birth": "No birth date: {c} customers",
        "unknown_gender_note": "Gender unknown: {c} customers",
        "monthly": "Revenue and buying customers by month",
        "monthly_revenue": "Revenue",
        "monthly_active": "Buying customers",
        "new": "New customers",
        "returning": "Returning customers",
        "walk_in": "Walk-in",
        "so_far": "so far",
        "categories": "Revenue by category",
        "channels": "Revenue by sales channel",
        "not_recorded": "(not recorded)",
        "overlap": "Customers shared between segments",
        "overlap_one": "No other segment to compare with yet",
        "overlap_hint": "Save more segments to see how much they overlap.",
        "comparison": "Compared with all customers",
        "this_group": "This segment",
        "all_customers": "All customers",
        "aov": "Average order",
        "freq_short": "Orders per customer",
        "repeat": "Repeat rate",
        "orders": "orders",
        "north": "North",
        "central": "Central",
        "south": "South",
    },
}


def tr(key: str, lang: str = "vi") -> str:
    return T.get(lang, T["vi"]).get(key) or T["vi"][key]


# ------------------------------------------------------------------------------------------ formatting
from loyalty_desktop.analytics.formatting import _decimal, format_count, format_money, format_percent  # noqa: E402


def money_formatter(lang: str = "vi") -> FuncFormatter:
    return FuncFormatter(lambda v, _pos: format_money(v, lang))


def count_formatter(lang: str = "vi") -> FuncFormatter:
    return FuncFormatter(lambda v, _pos: format_count(abs(v), lang))


# ---------------------------------------------------------------------------------------------- frame
def new_figure(size: tuple[float, float] = DEFAULT_SIZE, dpi: int = 100) -> Figure:
    fig = Figure(figsize=size, dpi=dpi, layout="constrained", facecolor="white")
    return fig


def _style_axes(ax) -> None:
    ax.set_facecolor("white")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(BORDER)
    ax.tick_params(colors=TEXT, labelsize=FONT_SIZE, length=0)
    ax.grid(axis="x", color="#EEF1F3", linewidth=0.8)
    ax.set_axisbelow(True)


def _title(fig: Figure, text: str) -> None:
    if not text:
        return
    fig.suptitle(text, x=0.01, ha="left", fontsize=FONT_SIZE + 2, color=TEXT, fontweight="bold")


def empty_figure(title: str = "", lang: str = "vi", size=DEFAULT_SIZE, message: str | None = None,
                 hint: str | None = None) -> Figure:
    """A calm placeholder: the chart's title and a plain sentence instead of empty axes."""
    fig = new_figure(size)
    if title:
        _title(fig, title)
    fig.text(0.5, 0.55, message or tr("empty", lang), ha="center", va="center", fontsize=FONT_SIZE + 2,
             color=MUTED)
    fig.text(0.5, 0.42, hint or tr("empty_hint", lang), ha="center", va="center", fontsize=FONT_SIZE, color=MUTED)
    fig.empty_state = True  # type: ignore[attr-defined]
    # A specific reason (not just "no data") the UI shows instead of its generic empty text.
    fig.empty_message = f"{message}\n{hint or ''}".strip() if message else None  # type: ignore[attr-defined]
    return fig


def _masked_zeros(grid):
    """Zero cells drawn as blank paper, not as the palest colour of the scale."""
    import numpy as np

    return np.ma.masked_equal(np.asarray(grid, dtype=float), 0.0)


def _mark(fig: Figure) -> Figure:
    fig.empty_state = False  # type: ignore[attr-defined]
    return fig


def _wrap(name: str, width: int = 16, lines: int = 2) -> str:
    """Up to ``lines`` lines of about ``width`` characters; the rest shortened with an ellipsis."""
    import textwrap

    parts = textwrap.wrap(name, width) or [""]
    if len(parts) > lines:
        parts = parts[: lines - 1] + [_short(" ".join(parts[lines - 1:]), width)]
    return "\n".join(parts)


def _short(name: str, limit: int = 22) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


# -------------------------------------------------------------------------------------------- builders
def segments_figure(data: dict, lang: str = "vi", size=DEFAULT_SIZE, titled: bool = True) -> Figure:
    """Horizontal bars: customers in each ready-made segment (a customer may be in several)."""
    title = tr("segments", lang)
    if is_empty(data):
        return empty_figure(title if titled else '', lang, size)
    rows = data["segments"]
    fig = new_figure(size)
    _title(fig, title if titled else "")
    ax = fig.add_subplot()
    _style_axes(ax)
    names = [r["label_vi"] if lang == "vi" else (r["label_en"] or r["label_vi"]) for r in rows][::-1]
    values = [r["customers"] for r in rows][::-1]
    colors = [COLORS[i % len(COLORS)] for i in range(len(rows))][::-1]
    bars = ax.barh(names, values, color=colors, height=0.6)
    ax.xaxis.set_major_formatter(count_formatter(lang))
    ax.xaxis.set_major_locator(MaxNLocator(5, integer=True))
    top = max(values) or 1
    ax.set_xlim(0, top * 1.25)
    for bar, v, r in zip(bars, values, rows[::-1]):
        ax.text(bar.get_width() + top * 0.02, bar.get_y() + bar.get_height() / 2,
                f"{format_count(v, lang)} · {format_money(r['revenue'], lang)}",
                va="center", fontsize=FONT_SIZE - 1, color=TEXT)
    return _mark(fig)


def rfm_figure(data: dict, lang: str = "vi", size=DEFAULT_SIZE, titled: bool = True) -> Figure:
    """5×5 heat map: rows = recency score (5 at the top), columns = frequency score; count + revenue."""
    title = tr("rfm", lang)
    if is_empty(data):
        return empty_figure(title if titled else '', lang, size)
    counts = data["counts"]
    revenue = data["revenue"]
    grid = [counts[r] for r in range(4, -1, -1)]  # recency 5 at the top
    fig = new_figure(size)
    _title(fig, title if titled else "")
    ax = fig.add_subplot()
    peak = max(max(row) for row in grid) or 1
    ax.imshow(_masked_zeros(grid), cmap=HEAT_CMAP, vmin=0, vmax=peak * 1.15, aspect="auto")
    for yi, r in enumerate(range(4, -1, -1)):
        for f in range(5):
            n = counts[r][f]
            if not n:
                ax.text(f, yi, "–", ha="center", va="center", fontsize=FONT_SIZE, color=BORDER)
                continue
            dark = n > peak * 0.6
            ax.text(f, yi - 0.13, format_count(n, lang), ha="center", va="center", fontsize=FONT_SIZE,
                    fontweight="bold", color="white" if dark else TEXT)
            ax.text(f, yi + 0.22, format_money(revenue[r][f], lang), ha="center", va="center",
                    fontsize=FONT_SIZE - 2, color="white" if dark else MUTED)
    ax.set_xticks(range(5), [str(i) for i in range(1, 6)])
    ax.set_yticks(range(5), [str(i) for i in range(5, 0, -1)])
    ax.set_xlabel(tr("frequency", lang), fontsize=FONT_SIZE, color=MUTED)
    ax.set_ylabel(tr("recency", lang), fontsize=FONT_SIZE, color=MUTED)
    ax.tick_params(length=0, labelsize=FONT_SIZE, colors=TEXT)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return _mark(fig)


def provinces_figure(data: dict, lang: str = "vi", size=(6.4, 4.6), titled: bool = True) -> Figure:
    """Two panels sharing the province axis: customers and revenue (top 15 provinces)."""
    rows = data.get("provinces") or []
    title = tr("provinces", lang).format(n=len(rows)) if len(rows) >= TOP else tr("provinces", lang).split(" (")[0]
    if not rows:
        return empty_figure(tr("provinces", lang).format(n=15) if titled else "", lang, size)
    fig = new_figure(size)
    _title(fig, title if titled else "")
    ax1, ax2 = fig.subplots(1, 2, sharey=True)
    names = [_short(r["province"], 18) for r in rows][::-1]
    for ax in (ax1, ax2):
        _style_axes(ax)
    ax1.barh(names, [r["customers"] for r in rows][::-1], color=ACCENT, height=0.65)
    ax2.barh(names, [r["revenue"] for r in rows][::-1], color=COLORS[1], height=0.65)
    ax1.set_title(tr("customers", lang), fontsize=FONT_SIZE, color=MUTED, loc="left")
    ax2.set_title(tr("revenue", lang), fontsize=FONT_SIZE, color=MUTED, loc="left")
    ax1.xaxis.set_major_formatter(count_formatter(lang))
    ax2.xaxis.set_major_formatter(money_formatter(lang))
    for ax in (ax1, ax2):
        ax.xaxis.set_major_locator(MaxNLocator(3))
        ax.tick_params(axis="x", labelsize=FONT_SIZE - 1)
    notes = []
    other = data.get("other") or {}
    if other.get("provinces"):
        notes.append(tr("other_provinces", lang).format(n=other["provinces"], c=format_count(other["customers"], lang)))
    unknown = (data.get("unknown") or {}).get("customers")
    if unknown:
        notes.append(tr("unknown_province", lang).format(c=format_count(unknown, lang)))
    if notes:
        fig.supxlabel(" · ".join(notes), fontsize=FONT_SIZE - 1, color=MUTED)
    return _mark(fig)


def regions_figure(data: dict, lang: str = "vi", size=DEFAULT_SIZE, titled: bool = True) -> Figure:
    """Each region's share of customers and of revenue, side by side."""
    title = tr("regions", lang)
    regions = data.get("regions") or []
    total_c = sum(r["customers"] for r in regions)
    total_r = sum(r["revenue"] for r in regions)
    if not total_c and not total_r:
        return empty_figure(title if titled else '', lang, size)
    fig = new_figure(size)
    _title(fig, title if titled else "")
    ax = fig.add_subplot()
    _style_axes(ax)
    ax.grid(axis="x", visible=False)
    ax.grid(axis="y", color="#EEF1F3", linewidth=0.8)
    names = [tr(r["region"], lang) for r in regions]
    xs = range(len(regions))
    width = 0.38
    cs = [(r["customers"] / total_c) if total_c else 0 for r in regions]
    rs = [(r["revenue"] / total_r) if total_r else 0 for r in regions]
    b1 = ax.bar([x - width / 2 for x in xs], cs, width, color=ACCENT, label=tr("customers", lang))
    b2 = ax.bar([x + width / 2 for x in xs], rs, width, color=COLORS[1], label=tr("revenue", lang))
    for bars, values, raw in ((b1, cs, [format_count(r["customers"], lang) for r in regions]),
                              (b2, rs, [format_money(r["revenue"], lang) for r in regions])):
        for bar, v, text in zip(bars, values, raw):
            ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height() + 0.01,
                    f"{format_percent(v, lang, 0)}\n{text}", ha="center", va="bottom", fontsize=FONT_SIZE - 2,
                    color=TEXT)
    ax.set_xticks(list(xs), names)
    top = max(cs + rs + [0.01])
    ax.set_ylim(0, top * 1.35)
    ax.set_yticks([v for v in (0, 0.25, 0.5, 0.75, 1.0) if v <= top * 1.05] if top > 0.3
                  else [v / 10 for v in range(0, int(top * 10) + 2)])
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: format_percent(v, lang, 0)))
    ax.legend(frameon=False, fontsize=FONT_SIZE - 1, ncols=2, loc="lower left", bbox_to_anchor=(0.0, 1.0),
              borderaxespad=0.1)
    unknown = (data.get("unknown") or {}).get("customers")
    if unknown:
        fig.supxlabel(tr("unknown_province", lang).format(c=format_count(unknown, lang)), fontsize=FONT_SIZE - 1,
                      color=MUTED)
    return _mark(fig)


def age_gender_figure(data: dict, lang: str = "vi", size=DEFAULT_SIZE, titled: bool = True) -> Figure:
    """Population pyramid: men to the left, women to the right, age bands upwards."""
    title = tr("age_gender", lang)
    if is_empty(data):
        return empty_figure(title if titled else '', lang, size)
    bands = data["bands"]
    fig = new_figure(size)
    _title(fig, title if titled else "")
    ax = fig.add_subplot()
    _style_axes(ax)
    labels = [b["band"] for b in bands]
    male = [b["male"] for b in bands]
    female = [b["female"] for b in bands]
    ax.barh(labels, [-v for v in male], color=MALE_COLOR, height=0.7, label=tr("male", lang))
    ax.barh(labels, female, color=FEMALE_COLOR, height=0.7, label=tr("female", lang))
    peak = max(male + female) or 1
    ax.set_xlim(-peak * 1.2, peak * 1.2)
    ax.axvline(0, color=BORDER, linewidth=1)
    ax.xaxis.set_major_formatter(count_formatter(lang))
    ax.xaxis.set_major_locator(MaxNLocator(5, symmetric=True))
    ax.set_ylabel(tr("age", lang), fontsize=FONT_SIZE, color=MUTED)
    ax.legend(frameon=False, fontsize=FONT_SIZE - 1, loc="lower right")
    notes = []
    unknown = sum(b["unknown"] for b in bands)
    if unknown:
        notes.append(tr("unknown_gender_note", lang).format(c=format_count(unknown, lang)))
    if data.get("no_birth_date"):
        notes.append(tr("no_birth", lang).format(c=format_count(data["no_birth_date"], lang)))
    if notes:
        fig.supxlabel(" · ".join(notes), fontsize=FONT_SIZE - 1, color=MUTED)
    return _mark(fig)


def _month_label(key: str) -> str:
    year, month = key.split("-")
    return f"{month}/{year[2:]}"


def monthly_figure(data: dict, lang: str = "vi", size=(6.4, 4.4), titled: bool = True) -> Figure:
    """Stacked monthly revenue (new / returning / walk-in) above stacked buying customers."""
    title = tr("monthly", lang)
    if is_empty(data):
        return empty_figure(title if titled else '', lang, size)
    months = data["months"]
    fig = new_figure(size)
    _title(fig, title if titled else "")
    ax1, ax2 = fig.subplots(2, 1, sharex=True, height_ratios=[3, 2])
    xs = list(range(len(months)))
    new = [m["revenue_new"] for m in months]
    ret = [m["revenue_returning"] for m in months]
    walk = [m["revenue_walk_in"] for m in months]
    for ax in (ax1, ax2):
        _style_axes(ax)
        ax.grid(axis="x", visible=False)
        ax.grid(axis="y", color="#EEF1F3", linewidth=0.8)
    ax1.bar(xs, ret, color=RETURNING_COLOR, label=tr("returning", lang), width=0.75)
    ax1.bar(xs, new, bottom=ret, color=NEW_COLOR, label=tr("new", lang), width=0.75)
    if any(walk):
        ax1.bar(xs, walk, bottom=[a + b for a, b in zip(ret, new)], color=WALK_IN_COLOR,
                label=tr("walk_in", lang), width=0.75)
    ax1.yaxis.set_major_formatter(money_formatter(lang))
    ax1.yaxis.set_major_locator(MaxNLocator(4))
    if months and (ret[-1] + new[-1] + walk[-1]) > 0:
        # The current month is still running: say so above its bar rather than let it look like a drop.
        top = ret[-1] + new[-1] + walk[-1]
        ax1.annotate(tr("so_far", lang), (xs[-1], top), xytext=(0, 3), textcoords="offset points",
                     ha="center", va="bottom", fontsize=FONT_SIZE - 2, color=MUTED)
    ax1.legend(frameon=False, fontsize=FONT_SIZE - 1, ncols=3, loc="lower left", bbox_to_anchor=(0.0, 1.0),
               borderaxespad=0.1)
    ax1.set_title(tr("monthly_revenue", lang), fontsize=FONT_SIZE, color=MUTED, loc="right")
    an = [m["active_new"] for m in months]
    ar = [m["active_returning"] for m in months]
    ax2.bar(xs, ar, color=RETURNING_COLOR, width=0.75)
    ax2.bar(xs, an, bottom=ar, color=NEW_COLOR, width=0.75)
    ax2.yaxis.set_major_formatter(count_formatter(lang))
    ax2.yaxis.set_major_locator(MaxNLocator(3, integer=True))
    ax2.set_title(tr("monthly_active", lang), fontsize=FONT_SIZE, color=MUTED, loc="right")
    step = 3 if len(months) > 12 else 1
    ticks = xs[::-1][::step][::-1]
    ax2.set_xticks(ticks, [_month_label(months[i]["month"]) for i in ticks])
    ax2.tick_params(axis="x", labelsize=FONT_SIZE - 1)
    return _mark(fig)


def _ranked_bars(rows: list[dict], title: str, lang: str, size, color: str, titled: bool = True) -> Figure:
    if not rows or not any(r["revenue"] for r in rows):
        return empty_figure(title if titled else '', lang, size)
    rows = rows[:10]
    fig = new_figure(size)
    _title(fig, title if titled else "")
    ax = fig.add_subplot()
    _style_axes(ax)
    names = [_short(r["name"]) if r["name"] else tr("not_recorded", lang) for r in rows][::-1]
    values = [r["revenue"] for r in rows][::-1]
    bars = ax.barh(names, values, color=color, height=0.6)
    top = max(values) or 1
    total = sum(r["revenue"] for r in rows) or 1
    ax.set_xlim(0, top * 1.3)
    ax.xaxis.set_major_formatter(money_formatter(lang))
    ax.xaxis.set_major_locator(MaxNLocator(3))
    for bar, v in zip(bars, values):
        ax.text(bar.get_width() + top * 0.02, bar.get_y() + bar.get_height() / 2,
                f"{format_money(v, lang)} ({format_percent(v / total, lang, 0)})", va="center",
                fontsize=FONT_SIZE - 1, color=TEXT)
    return _mark(fig)


def categories_figure(data: dict, lang: str = "vi", size=DEFAULT_SIZE, titled: bool = True) -> Figure:
    return _ranked_bars(data.get("categories") or [], tr("categories", lang), lang, size, ACCENT, titled)


def channels_figure(data: dict, lang: str = "vi", size=DEFAULT_SIZE, titled: bool = True) -> Figure:
    return _ranked_bars(data.get("channels") or [], tr("channels", lang), lang, size, COLORS[2], titled)


def overlap_figure(data: dict, lang: str = "vi", size=(6.4, 4.4), titled: bool = True) -> Figure:
    """Matrix of shared customers between saved segments; the diagonal is each segment's size."""
    title = tr("overlap", lang)
    names = data.get("names") or []
    if not names:
        return empty_figure(title if titled else '', lang, size)
    if len(names) < 2:
        return empty_figure(title if titled else '', lang, size, message=tr("overlap_one", lang),
                            hint=tr("overlap_hint", lang))
    matrix = data["matrix"]
    fig = new_figure(size)
    _title(fig, title if titled else "")
    ax = fig.add_subplot()
    n = len(names)
    share = [[(matrix[i][j] / matrix[i][i]) if matrix[i][i] else 0 for j in range(n)] for i in range(n)]
    ax.imshow(_masked_zeros(share), cmap=HEAT_CMAP, vmin=0, vmax=1.15, aspect="auto")
    for i in range(n):
        for j in range(n):
            dark = share[i][j] > 0.6
            ax.text(j, i, format_count(matrix[i][j], lang), ha="center", va="center", fontsize=FONT_SIZE,
                    color="white" if dark else TEXT, fontweight="bold" if i == j else "normal")
    wrapped = [_wrap(x, 16) for x in names]
    ax.set_xticks(range(n), wrapped)
    ax.set_yticks(range(n), wrapped)
    ax.xaxis.tick_top()
    ax.tick_params(length=0, labelsize=FONT_SIZE - 1, colors=TEXT)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return _mark(fig)


def comparison_figure(comp: dict, lang: str = "vi", size=DEFAULT_SIZE, titled: bool = True) -> Figure:
    """This segment vs all customers: average order, orders per customer, repeat rate."""
    title = tr("comparison", lang)
    metrics = [("aov", format_money), ("frequency", lambda v, l: _decimal(v, l, 1)),
               ("repeat_rate", lambda v, l: format_percent(v, l, 0))]
    if not comp or all(comp.get(k, (None, None))[0] is None for k, _f in metrics):
        return empty_figure(title if titled else '', lang, size)
    fig = new_figure(size)
    _title(fig, title if titled else "")
    axes = fig.subplots(1, 3)
    labels = {"aov": tr("aov", lang), "frequency": tr("freq_short", lang), "repeat_rate": tr("repeat", lang)}
    for ax, (key, fmt) in zip(axes, metrics):
        seg, everyone = comp.get(key, (None, None))
        seg = seg or 0
        everyone = everyone or 0
        _style_axes(ax)
        ax.grid(False)
        bars = ax.bar([0, 1], [seg, everyone], color=[ACCENT, "#CBD5E1"], width=0.6)
        ax.set_xticks([0, 1], [tr("this_group", lang), tr("all_customers", lang)], fontsize=FONT_SIZE - 1)
        ax.set_yticks([])
        ax.spines["left"].set_visible(False)
        ax.set_title(labels[key], fontsize=FONT_SIZE, color=MUTED)
        top = max(seg, everyone) or 1
        ax.set_ylim(0, top * 1.3)
        for bar, v in zip(bars, (seg, everyone)):
            ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height() + top * 0.03, fmt(v, lang),
                    ha="center", va="bottom", fontsize=FONT_SIZE - 1, color=TEXT)
    return _mark(fig)


# Chart key -> (aggregate key, builder). The dashboard, the report and the segment widget use this order.
CHARTS: dict[str, tuple[str, Callable[..., Figure]]] = {
    "segments": ("segments", segments_figure),
    "rfm": ("rfm", rfm_figure),
    "monthly": ("monthly", monthly_figure),
    "provinces": ("geography", provinces_figure),
    "regions": ("geography", regions_figure),
    "age_gender": ("age_gender", age_gender_figure),
    "categories": ("sales", categories_figure),
    "channels": ("sales", channels_figure),
}


def chart_title(key: str, lang: str = "vi") -> str:
    return tr(key if key != "provinces" else "provinces", lang).format(n=15)


def build(key: str, data: dict, lang: str = "vi", size=None, titled: bool = True) -> Figure:
    """Build chart ``key`` from its aggregate's data (``titled=False`` when the card shows the title)."""
    _agg, builder = CHARTS[key]
    if size is None:
        return builder(data, lang, titled=titled)
    return builder(data, lang, size, titled=titled)


__all__ = ["CHARTS", "GENDERS", "build", "chart_title", "empty_figure", "format_count", "format_money",
           "format_percent", "money_formatter", "tr"]
