"""Dates as Vietnamese shops write them: day first ("23/12/1964", "1/3/09"), Excel serials, ISO, year only."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta

__all__ = ["parse_date", "parse_birth", "parse_datetime", "format_date", "format_datetime",
           "excel_serial_to_datetime"]

_EXCEL_EPOCH = datetime(1899, 12, 30)  # serial 1 = 1900-01-01 (Excel's 1900 leap-year bug included)
_SERIAL_MIN, _SERIAL_MAX = 367, 73050  # 1901-01-01 … 2099-12-31
_YEAR_MIN, _YEAR_MAX = 1900, 2100

_MONTH_NAMES = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
                "oct": 10, "nov": 11, "dec": 12}

_DMY = re.compile(r"^(\d{1,2})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{2}|\d{4})$")
_YMD = re.compile(r"^(\d{4})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{1,2})$")
_MY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_YEAR = re.compile(r"^(\d{4})(?:\.0+)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")  # 19900523
_SERIAL_TEXT = re.compile(r"^(\d{5})(?:\.(\d+))?$")
_VI_WORDS = re.compile(r"^(?:ngay\s*)?(\d{1,2})\s*thang\s*(\d{1,2})\s*(?:nam\s*)?(\d{4})$")
_TIME = re.compile(r"^(\d{1,2})\s*[:hg]\s*(\d{1,2})(?:\s*[:m']\s*(\d{1,2})(?:[.,]\d+)?)?\s*(am|pm|sa|ch)?$", re.I)
_EN_MONTH = re.compile(r"^(\d{1,2})[\s\-/]+([a-z]{3})[a-z]*[\s\-/,]+(\d{4})$")


def _two_digit_year(yy: int, birth: bool, today: date | None = None) -> int:
    this = (today or date.today()).year
    if birth:  # a birth year is never in the future: "05" → 2005 if that has passed, else 1905→… 19xx
        return 2000 + yy if 2000 + yy <= this else 1900 + yy
    # other dates (purchases, join dates): within 20 years ahead counts as this century
    return 2000 + yy if 2000 + yy <= this + 20 else 1900 + yy


def _make(y: int, m: int, d: int, shown: str) -> date:
    if not (1 <= m <= 12):
        raise ValueError(f"{shown}: month {m} does not exist (dates are read day first: dd/mm/yyyy)")
    try:
        return date(y, m, d)
    except ValueError:
        raise ValueError(f"{shown}: day {d} does not exist in {m:02d}/{y}") from None


def excel_serial_to_datetime(serial: float) -> datetime:
    """Excel day number (1900 system) → datetime; the fraction is the time of day (to the second)."""
    if not (_SERIAL_MIN <= serial <= _SERIAL_MAX + 1):
        raise ValueError(f"{serial}: not a plausible Excel date number")
    return _EXCEL_EPOCH + timedelta(seconds=round(serial * 86400))


def _clean(s: str) -> str:
    from loyalty_desktop.vn.text import fold

    return fold(s).replace(",", " ").strip().rstrip(".").strip()


def _parse_date_text(s: str, birth: bool) -> tuple[date, bool]:
    """(date, year_only)."""
    raw = s
    s = _clean(s)
    for prefix in ("ngay ", "ns ", "sinh ngay "):
        if s.startswith(prefix):
            s = s[len(prefix):].strip()
    m = _DMY.match(s)
    if m:
        d, mo, y = int(m.group(1)), int(m.group(3)), m.group(4)
        year = int(y) if len(y) == 4 else _two_digit_year(int(y), birth)
        return _make(year, mo, d, raw), False
    m = _YMD.match(s)
    if m:
        return _make(int(m.group(1)), int(m.group(3)), int(m.group(4)), raw), False
    m = _YEAR.match(s)
    if m:
        y = int(m.group(1))
        if _YEAR_MIN <= y <= _YEAR_MAX:
            return date(y, 1, 1), True
        raise ValueError(f"{raw}: year {y} is not plausible")
    m = _MY.match(s)
    if m:
        mo, y = int(m.group(1)), int(m.group(2))
        return _make(y, mo, 1, raw), True
    m = _COMPACT.match(s)
    if m:
        return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)), raw), False
    m = _VI_WORDS.match(s)
    if m:
        return _make(int(m.group(3)), int(m.group(2)), int(m.group(1)), raw), False
    m = _EN_MONTH.match(s)
    if m and m.group(2) in _MONTH_NAMES:
        return _make(int(m.group(3)), _MONTH_NAMES[m.group(2)], int(m.group(1)), raw), False
    m = _SERIAL_TEXT.match(s)
    if m:
        return excel_serial_to_datetime(float(s)).date(), False
    # ISO datetime text: "2025-03-12T09:01:00", "2025-03-12 09:01"
    dt = _parse_datetime_text(raw, birth, allow_date_only=False)
    if dt is not None:
        return dt.date(), False
    raise ValueError(f"{raw.strip()}: not a date (expected dd/mm/yyyy)")


def _from_number(v: float, birth: bool) -> tuple[datetime, bool]:
    if math.isnan(v):
        raise ValueError("not a date: NaN")
    if v.is_integer() and _YEAR_MIN <= v <= _YEAR_MAX:
        return datetime(int(v), 1, 1), True
    if _SERIAL_MIN <= v <= _SERIAL_MAX + 1:
        return excel_serial_to_datetime(v), False
    raise ValueError(f"{v:g}: not a plausible date or Excel date number")


def _coerce(value, birth: bool) -> tuple[date | datetime | None, bool]:
    if value is None:
        return None, False
    if isinstance(value, datetime):
        return value, False
    if isinstance(value, date):
        return value, False
    if isinstance(value, bool):
        raise ValueError(f"{value}: not a date")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return None, False
        return _from_number(float(value), birth)
    s = str(value).strip()
    if not s:
        return None, False
    return _parse_date_text(s, birth)


def parse_date(value) -> date | None:
    """date/datetime, Excel serial number, "dd/mm/yyyy", "d/m/yy", "dd-mm-yyyy", "dd.mm.yyyy",
    "yyyy-mm-dd", ISO datetime, "1990" (→ 1/1/1990). None/"" → None; ValueError with a reason otherwise.
    """
    v, _ = _coerce(value, birth=False)
    if isinstance(v, datetime):
        return v.date()
    return v


def parse_birth(value, today: date | None = None) -> tuple[date | None, bool]:
    """Like :func:`parse_date` for birth dates: (date, year_only). "1990" → (date(1990, 1, 1), True).

    Two-digit years are never in the future ("05" → 2005, "85" → 1985). A date in the future or
    before 1900 raises ValueError.
    """
    if isinstance(value, str) and (m := _DMY.match(value.strip())) and len(m.group(4)) == 2:
        d, mo, yy = int(m.group(1)), int(m.group(3)), int(m.group(4))
        v, year_only = _make(_two_digit_year(yy, True, today), mo, d, value.strip()), False
    else:
        v, year_only = _coerce(value, birth=True)
    if v is None:
        return None, False
    if isinstance(v, datetime):
        v = v.date()
    today = today or date.today()
    if v > today:
        raise ValueError(f"{format_date(v)}: birth date is in the future")
    if v.year < _YEAR_MIN:
        raise ValueError(f"{format_date(v)}: birth date before 1900")
    return v, year_only


def _parse_time(s: str) -> time | None:
    m = _TIME.match(s.strip())
    if not m:
        return None
    h, mi, sec = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    ampm = (m.group(4) or "").lower()
    if ampm in ("pm", "ch") and h < 12:
        h += 12
    elif ampm in ("am", "sa") and h == 12:
        h = 0
    if h > 23 or mi > 59 or sec > 59:
        raise ValueError(f"{s.strip()}: not a time of day")
    return time(h, mi, sec)


def _parse_datetime_text(s: str, birth: bool, allow_date_only: bool = True) -> datetime | None:
    raw = s.strip()
    # ISO 8601 (also with T, fractions, offsets)
    if re.match(r"^\d{4}-\d{2}-\d{2}[T ]\d", raw):
        try:
            dt = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            dt = None
        if dt is not None:
            if dt.tzinfo is not None:
                dt = dt.astimezone().replace(tzinfo=None)  # naive local time
            return dt
    parts = raw.replace("T", " ").split()
    # "dd/mm/yyyy HH:MM[:SS] [SA|CH|AM|PM]" or "HH:MM dd/mm/yyyy"
    for split in range(1, len(parts)):
        left, right = " ".join(parts[:split]), " ".join(parts[split:])
        for dpart, tpart in ((left, right), (right, left)):
            if not re.search(r"\d[/.\-]\d", dpart):
                continue
            try:
                t = _parse_time(tpart)
            except ValueError:
                raise
            if t is None:
                continue
            d, _ = _parse_date_text(dpart, birth)
            return datetime.combine(d, t)
    if not allow_date_only:
        return None
    d, _ = _parse_date_text(raw, birth)
    return datetime.combine(d, time.min)


def parse_datetime(value) -> datetime | None:
    """Like :func:`parse_date` but keeps the time: datetime objects, Excel serials with a fraction,
    "dd/mm/yyyy HH:MM[:SS]", ISO datetimes (offsets converted to naive local time). A date alone → 00:00.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return value.astimezone().replace(tzinfo=None)
        return value
    if isinstance(value, date):
        return datetime.combine(value, time.min)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and math.isnan(value):
            return None
        dt, _ = _from_number(float(value), False)
        return dt
    if isinstance(value, bool):
        raise ValueError(f"{value}: not a date")
    s = str(value).strip()
    if not s:
        return None
    return _parse_datetime_text(s, False)


def format_date(d) -> str:
    """date/datetime → "dd/mm/yyyy" (None → ""). Strings are parsed first."""
    if d is None or d == "":
        return ""
    if not isinstance(d, date):
        d = parse_date(d)
        if d is None:
            return ""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def format_datetime(dt, seconds: bool = False) -> str:
    """datetime → "dd/mm/yyyy HH:MM" (or with ":SS"); a plain date → "dd/mm/yyyy"."""
    if dt is None or dt == "":
        return ""
    if not isinstance(dt, date):
        dt = parse_datetime(dt)
        if dt is None:
            return ""
    if not isinstance(dt, datetime):
        return format_date(dt)
    return f"{format_date(dt)} {dt.hour:02d}:{dt.minute:02d}" + (f":{dt.second:02d}" if seconds else "")
