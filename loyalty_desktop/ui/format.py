"""Formatting for views (money in đồng, dd/mm/yyyy, 0912 345 678): one place, shared by all pages."""

from loyalty_desktop.vn.dates import format_date, format_datetime  # noqa: F401
from loyalty_desktop.vn.money import format_vnd, format_vnd_short  # noqa: F401
from loyalty_desktop.vn.phones import display_phone  # noqa: F401


def format_count(n: int | None) -> str:
    """Vietnamese thousands separator: 1.234."""
    return "—" if n is None else f"{n:,}".replace(",", ".")


def format_percent(fraction: float | None, digits: int = 1) -> str:
    if fraction is None:
        return "—"
    text = f"{fraction * 100:.{digits}f}".replace(".", ",")
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return f"{text} %"
