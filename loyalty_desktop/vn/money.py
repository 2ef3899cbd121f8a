"""Vietnamese đồng: formatting ("1.500.000 ₫", "1,2 tr ₫") and parsing shop-typed amounts ("2tr", "500k")."""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from loyalty_desktop.vn.text import fold

__all__ = ["format_vnd", "format_vnd_short", "parse_vnd", "format_int"]


def _to_int(amount) -> int:
    if isinstance(amount, bool):
        raise TypeError("amount must be a number")
    if isinstance(amount, int):
        return amount
    if isinstance(amount, float):
        if math.isnan(amount) or math.isinf(amount):
            raise ValueError("amount is not a finite number")
        return int(Decimal(repr(amount)).quantize(Decimal(1), ROUND_HALF_UP))
    return int(Decimal(str(amount)).quantize(Decimal(1), ROUND_HALF_UP))


def format_int(n) -> str:
    """12345678 → "12.345.678" (Vietnamese thousands dots)."""
    n = _to_int(n)
    return ("-" if n < 0 else "") + f"{abs(n):,}".replace(",", ".")


def format_vnd(amount) -> str:
    """1500000 → "1.500.000 ₫"; -50000 → "-50.000 ₫"; None → ""."""
    if amount is None:
        return ""
    return f"{format_int(amount)} ₫"


_UNITS = ((10**9, "tỷ"), (10**6, "tr"), (10**3, "nghìn"))


def _one_decimal(x: Decimal) -> str:
    q = x.quantize(Decimal("0.1"), ROUND_HALF_UP)
    whole, frac = divmod(q, 1)
    s = format_int(int(whole))
    d = int((frac * 10).to_integral_value())
    return s if d == 0 else f"{s},{d}"


def format_vnd_short(amount) -> str:
    """Compact: 850000 → "850 nghìn ₫", 1200000 → "1,2 tr ₫", 3500000000 → "3,5 tỷ ₫", 500 → "500 ₫"."""
    if amount is None:
        return ""
    n = _to_int(amount)
    sign = "-" if n < 0 else ""
    a = abs(n)
    if a < 1000:
        return f"{sign}{a} ₫"
    for i, (size, unit) in enumerate(_UNITS):
        if a >= size:
            q = (Decimal(a) / size).quantize(Decimal("0.1"), ROUND_HALF_UP)
            # 999.950 → "1.000 nghìn"? no: promote to the next unit ("1 tr")
            if i > 0 and q >= 1000:
                big, big_unit = _UNITS[i - 1]
                return f"{sign}{_one_decimal(Decimal(a) / big)} {big_unit} ₫"
            return f"{sign}{_one_decimal(Decimal(a) / size)} {unit} ₫"
    return f"{sign}{a} ₫"  # pragma: no cover


_UNIT_WORDS = {
    "k": 10**3, "nghin": 10**3, "ngan": 10**3, "ng": 10**3, "n": 10**3, "ngin": 10**3,
    "tr": 10**6, "trieu": 10**6, "m": 10**6, "cu": 10**6, "chai": 10**6,
    "ty": 10**9, "ti": 10**9, "b": 10**9, "bn": 10**9,
}


def _number(s: str, with_unit: bool) -> Decimal:
    """ "2.000.000", "2,000,000", "1,5", "1.5", "1.234,5" → Decimal. """
    s = s.replace(" ", "")
    if not re.fullmatch(r"\d[\d.,]*", s) or s[-1] in ".,":
        raise ValueError(f"not a number: {s!r}")
    dots, commas = s.count("."), s.count(",")
    if dots and commas:
        dec = "," if s.rfind(",") > s.rfind(".") else "."
        grp = "." if dec == "," else ","
        if s.count(dec) > 1:
            raise ValueError(f"not a number: {s!r}")
        head, tail = s.split(dec)
        _check_groups(head, grp, s)
        return Decimal(head.replace(grp, "") + "." + tail)
    sep = "." if dots else "," if commas else ""
    if not sep:
        return Decimal(s)
    parts = s.split(sep)
    if len(parts) > 2:
        _check_groups(s, sep, s)
        return Decimal(s.replace(sep, ""))
    head, tail = parts
    if len(tail) == 3 and head != "0" and not (with_unit and len(head) == 1 and head == "0"):
        # "2.000" / "2,000" → thousands grouping; "1.500k" → 1500k
        return Decimal(head + tail)
    return Decimal(head + "." + tail)


def _check_groups(s: str, sep: str, shown: str) -> None:
    parts = s.split(sep)
    if not (1 <= len(parts[0]) <= 3) or any(len(p) != 3 for p in parts[1:]):
        raise ValueError(f"digit grouping not understood: {shown!r}")


def parse_vnd(text) -> int:
    """Shop-typed amounts → int đồng: "2tr", "2 triệu", "2m", "1,5tr", "1.5tr", "1tr5", "500k",
    "500 nghìn", "2.000.000", "2,000,000", "2000000", "2 tỷ", "1.500.000 ₫", "-50.000". ValueError otherwise.
    """
    if isinstance(text, bool):
        raise ValueError("not an amount: True/False")
    if isinstance(text, (int, float, Decimal)):
        try:
            return _to_int(text)
        except (ValueError, InvalidOperation) as exc:
            raise ValueError(f"not an amount: {text!r}") from exc
    if text is None:
        raise ValueError("empty amount")
    raw = str(text)
    s = raw.strip().lower().replace("\u00a0", " ").replace("\u202f", " ")
    if not s:
        raise ValueError("empty amount")
    neg = False
    if s.startswith("(") and s.endswith(")"):
        neg, s = True, s[1:-1].strip()
    if s.startswith(("-", "−")):
        neg, s = True, s[1:].strip()
    elif s.startswith("+"):
        s = s[1:].strip()
    s = s.replace("₫", " ").strip()
    # currency words at the end (after the unit): "2 triệu đồng", "2.000.000 VNĐ", "500kđ"
    s = re.sub(r"\s*(vnđ|vnd|đồng|dong|đ)\s*$", "", s).strip()
    s = fold(s)
    if not s or not s[0].isdigit():
        raise ValueError(f"not an amount: {raw.strip()!r}")
    total = Decimal(0)
    pos = 0
    last_unit: int | None = None
    pieces = 0
    for m in _UNIT_RE.finditer(s):
        if m.start() != pos:
            raise ValueError(f"not an amount: {raw.strip()!r}")
        num, unit = m.group(1), m.group(2)
        pos = m.end()
        pieces += 1
        if unit:
            size = _UNIT_WORDS[unit]
            total += _number(num, True) * size
            last_unit = size
        else:
            if last_unit is not None:
                # "1tr5" = 1,5 tr; "2 triệu 500" = 2 tr 500 nghìn; "1k5" = 1.500
                digits = num.replace(" ", "")
                if not digits.isdigit() or len(digits) > 3:
                    raise ValueError(f"not an amount: {raw.strip()!r}")
                total += Decimal(digits) * last_unit / (10 ** len(digits)) if len(digits) < 3 or last_unit == 10**3 \
                    else Decimal(digits) * (last_unit // 1000)
                last_unit = None
            elif pieces == 1:
                total += _number(num, False)
            else:
                raise ValueError(f"not an amount: {raw.strip()!r}")
    if pos != len(s) or pieces == 0:
        raise ValueError(f"not an amount: {raw.strip()!r}")
    value = int(total.quantize(Decimal(1), ROUND_HALF_UP))
    return -value if neg else value


_UNIT_RE = re.compile(
    r"\s*(\d[\d.,]*)\s*(ty|ti|bn|b|trieu|tr|m|nghin|ngan|ngin|ng|k|n|cu|chai)?\s*(?=\d|$)")
