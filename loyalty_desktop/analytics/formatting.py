"""Number formatting for charts and headline numbers (no matplotlib, so the UI can use it cheaply)."""

from __future__ import annotations


def _decimal(value: float, lang: str, digits: int = 1) -> str:
    text = f"{value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "vi" else text


def format_count(n: float, lang: str = "vi") -> str:
    """12.345 (vi) / 12,345 (en)."""
    text = f"{int(round(n)):,}"
    return text.replace(",", ".") if lang == "vi" else text


def format_money(value: float, lang: str = "vi") -> str:
    """Short đồng for axes and labels: "850 nghìn ₫", "1,2 tr ₫", "3,4 tỷ ₫" (en: "1.2M ₫", "3.4B ₫")."""
    v = float(value or 0)
    sign = "-" if v < 0 else ""
    a = abs(v)
    if a >= 1e9:
        num, unit = a / 1e9, ("tỷ" if lang == "vi" else "B")
    elif a >= 1e6:
        num, unit = a / 1e6, ("tr" if lang == "vi" else "M")
    elif a >= 1e3:
        num, unit = a / 1e3, ("nghìn" if lang == "vi" else "K")
    elif a == 0:
        return "0 ₫"
    else:
        return f"{sign}{format_count(a, lang)} ₫"
    sep = " " if lang == "vi" else ""
    text = _decimal(num, lang, 1) if num < 100 else format_count(num, lang)
    return f"{sign}{text}{sep}{unit} ₫"


def format_percent(fraction: float | None, lang: str = "vi", digits: int = 1) -> str:
    if fraction is None:
        return "—"
    return f"{_decimal(fraction * 100, lang, digits)} %" if lang == "vi" else f"{_decimal(fraction * 100, lang, digits)}%"
