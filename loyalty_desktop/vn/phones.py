"""Vietnamese phone numbers → E.164 (``+84912345678``), with the reasons a value cannot be used.

Validation uses libphonenumber's own VN metadata patterns (compiled once) so the common case (a clean
10-digit mobile, an Excel number that lost its 0) costs a couple of regex matches; ``phonenumbers.parse``
is only called for foreign numbers written with ``+``/``00``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumberType

__all__ = [
    "PhoneResult", "normalize_phone", "format_phone", "display_phone", "phone_digits_national",
    "OLD_MOBILE_PREFIXES", "ERROR_CODES",
]

# Old 11-digit mobile prefixes (without the leading 0) → today's 10-digit prefix (without 0).
# Conversion happened 15/09/2018 – 2019 (Viettel 016x, MobiFone 012x, VinaPhone 012x, Vietnamobile 0186/0188,
# Gmobile 0199).
OLD_MOBILE_PREFIXES: dict[str, str] = {
    "162": "32", "163": "33", "164": "34", "165": "35", "166": "36", "167": "37", "168": "38", "169": "39",
    "120": "70", "121": "79", "122": "77", "126": "76", "128": "78",
    "123": "83", "124": "84", "125": "85", "127": "81", "129": "82",
    "186": "56", "188": "58", "199": "59",
}

ERROR_CODES = ("empty", "scientific", "too_short", "invalid", "not_personal")

_META = PhoneMetadata.metadata_for_region("VN")


def _pattern(desc) -> re.Pattern | None:
    if desc is None or not desc.national_number_pattern:
        return None
    return re.compile(f"(?:{desc.national_number_pattern})")


_MOBILE = _pattern(_META.mobile)
_FIXED = _pattern(_META.fixed_line)
_NOT_PERSONAL = [p for p in (_pattern(_META.toll_free), _pattern(_META.premium_rate), _pattern(_META.uan),
                             _pattern(_META.shared_cost), _pattern(_META.voip)) if p is not None]

_NONE_WORDS = {"khong", "khong co", "ko", "k", "kh", "none", "null", "nil", "na", "n a", "chua co",
               "khong biet", "x", "xx", "nan", "-", "--", "?", "0"}
_SCI = re.compile(r"^[+-]?\d+(?:[.,]\d+)?\s*[eE]\s*[+-]?\s*\d+$")
_SPLIT = re.compile(r"\s*(?:[/;,|\\\n\r]|\s[-–—]\s|\s(?:hoặc|hoac|or|và|va|and)\s)\s*", re.IGNORECASE)
_FLOATY = re.compile(r"^(\d+)\.0+$")
_TEN = re.compile(r"0[35789]\d{8}")
_SEPARATORS = str.maketrans("", "", " .-()\u00a0\t")


class PhoneResult(NamedTuple):
    """Outcome of :func:`normalize_phone` (immutable; a NamedTuple because 1M of them get built)."""

    e164: str | None = None
    phone_type: str | None = None  # "mobile" | "fixed"
    alt: str | None = None  # second number in the same cell (E.164 if usable, else as written)
    error: str | None = None  # one of ERROR_CODES
    message: str = ""  # plain English reason, naming the value
    message_vi: str = ""  # the same in Vietnamese
    converted: bool = False  # an old 11-digit 01xx mobile number was converted to today's 10 digits

    @property
    def ok(self) -> bool:
        return self.e164 is not None

    def __bool__(self) -> bool:
        return self.e164 is not None


def _err(code: str, shown: str) -> PhoneResult:
    shown = shown if len(shown) <= 60 else shown[:57] + "…"
    q = f"“{shown}”"
    if code == "empty":
        msg, vi = "no phone number", "không có số điện thoại"
        if shown:
            msg, vi = f"no phone number ({q})", f"không có số điện thoại ({q})"
    elif code == "scientific":
        msg = f"phone number {q} was turned into scientific notation by Excel and its digits are lost"
        vi = f"số điện thoại {q} đã bị Excel đổi sang dạng số mũ (E+), mất chữ số"
    elif code == "too_short":
        msg, vi = f"phone number {q} is too short", f"số điện thoại {q} quá ngắn"
    elif code == "not_personal":
        msg = f"{q} is not a personal phone number (hotline, toll-free/premium, short code or dummy)"
        vi = f"{q} không phải số điện thoại cá nhân (tổng đài, 1800/1900, số ngắn hoặc số giả)"
    else:
        msg, vi = f"{q} is not a valid Vietnamese phone number", f"{q} không phải số điện thoại Việt Nam hợp lệ"
    return PhoneResult(error=code, message=msg, message_vi=vi)


_tuple_new = tuple.__new__  # what PhoneResult(...) calls, without the keyword handling (imports build 1M)


def _mobile(nsn: str, converted: bool = False) -> PhoneResult:
    return _tuple_new(PhoneResult, ("+84" + nsn, "mobile", None, None, "", "", converted))


def _classify_nsn(nsn: str, shown: str, converted: bool = False) -> PhoneResult:
    """``nsn``: Vietnamese national significant number (no leading 0, no 84)."""
    n = len(nsn)
    if n == 10 and nsn[0] == "1" and nsn[:3] in OLD_MOBILE_PREFIXES:
        nsn = OLD_MOBILE_PREFIXES[nsn[:3]] + nsn[3:]
        n = 9
        converted = True
    if n >= 6 and nsn.count(nsn[0]) == n:
        return _err("not_personal", shown)
    if n == 9 and _MOBILE.fullmatch(nsn):  # the common case first
        return _mobile(nsn, converted)
    for p in _NOT_PERSONAL:
        if p.fullmatch(nsn):
            return _err("not_personal", shown)
    if n == 9 and _MOBILE.fullmatch(nsn):
        return _mobile(nsn, converted)
    if n == 10 and _FIXED.fullmatch(nsn):
        return PhoneResult(e164="+84" + nsn, phone_type="fixed")
    if n < 9:
        return _err("too_short", shown)
    return _err("invalid", shown)


def _from_digits(d: str, intl: bool, shown: str) -> PhoneResult:
    """Digits only. ``intl``: written with + or 00 (country code follows)."""
    if not d:
        return _err("invalid", shown)
    if len(d) >= 6 and d.count(d[0]) == len(d):
        return _err("not_personal", shown)
    if intl:
        if d.startswith("84"):
            nsn = d[2:]
            if nsn.startswith("0"):  # +84 0912…
                nsn = nsn[1:]
            return _classify_nsn(nsn, shown)
        return _foreign("+" + d, shown)
    if d[0] == "0":
        return _classify_nsn(d[1:], shown)
    n = len(d)
    if n <= 6 and d[0] == "1":  # 113, 114, 115, 1080, 1088…: service short codes
        return _err("not_personal", shown)
    if d.startswith("84") and n >= 11:
        # a country code only when the length says so: 84 + 9 (mobile), 84 + 10 (fixed / old 01xx),
        # 84 0 + 9/10 (written "84 0912…")
        rest = d[2:]
        if rest.startswith("0"):
            rest = rest[1:]
        if len(rest) in (9, 10):
            res = _classify_nsn(rest, shown)
            if res.ok or len(rest) == 9:
                return res
    # no 0 and no country code: Excel dropped the leading 0 (912345678, 2438251234, 1662345678)
    return _classify_nsn(d, shown)


def _foreign(number: str, shown: str) -> PhoneResult:
    try:
        p = phonenumbers.parse(number, "VN")
    except phonenumbers.NumberParseException:
        return _err("invalid", shown)
    if not phonenumbers.is_valid_number(p):
        return _err("too_short" if len(str(p.national_number)) < 7 else "invalid", shown)
    t = phonenumbers.number_type(p)
    if t in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE, PhoneNumberType.PERSONAL_NUMBER):
        kind = "mobile"
    elif t == PhoneNumberType.FIXED_LINE:
        kind = "fixed"
    else:
        return _err("not_personal", shown)
    return PhoneResult(e164=phonenumbers.format_number(p, phonenumbers.PhoneNumberFormat.E164), phone_type=kind)


def _digits_of(part: str) -> tuple[str, bool]:
    """(digits, international?) of one number as written: keeps only digits; + or 00 = international."""
    s = part.strip()
    intl = False
    i = 0
    while i < len(s) and not s[i].isdigit():
        if s[i] == "+":
            intl = True
        i += 1
    digits = "".join(c for c in s if c.isdigit())
    if not intl and digits.startswith("00"):
        intl = True
        digits = digits[2:]
    return digits, intl


def _one(part: str) -> PhoneResult:
    m = _FLOATY.match(part)
    if m:  # "912345678.0": a number cell written out by a tool
        return _number(int(m.group(1)), part)
    if _SCI.match(part):
        return _err("scientific", part)
    if not any(c.isdigit() for c in part):
        key = " ".join(re.sub(r"[^a-z0-9?-]+", " ", _fold_ascii(part)).split())
        if key in _NONE_WORDS or not key:
            return _err("empty", part)
        return _err("invalid", part)
    digits, intl = _digits_of(part)
    if len(digits) >= 19 and not intl:  # two numbers separated by a space: "0912 345 678 0987 654 321"
        pair = _two_in_one(part)
        if pair is not None:
            return pair
    return _from_digits(digits, intl, part)


def _two_in_one(part: str) -> PhoneResult | None:
    found = _TEN.findall("".join(c for c in part if c.isdigit()))
    if len(found) >= 2:
        first = _classify_nsn(found[0][1:], part)
        second = _classify_nsn(found[1][1:], part)
        if first.ok:
            return _with_alt(first, second.e164 if second.ok else found[1])
    return None


def _fold_ascii(s: str) -> str:
    from loyalty_desktop.vn.text import fold

    return fold(s)


def _with_alt(res: PhoneResult, alt: str | None) -> PhoneResult:
    if not alt:
        return res
    return PhoneResult(res.e164, res.phone_type, alt, res.error, res.message, res.message_vi, res.converted)


def _number(v: int, shown: str) -> PhoneResult:
    if v <= 0:
        return _err("not_personal" if v == 0 else "invalid", shown)
    d = str(v)
    # Excel turned a long number into 9.12E+08 and back: few significant digits, the rest zeros
    if len(d) >= 9 and len(d) - len(d.rstrip("0")) >= 5:
        return _err("scientific", shown)
    return _from_digits(d, False, shown)


@lru_cache(maxsize=200_000)
def _from_text(s: str) -> PhoneResult:
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s)  # full-width digits, non-breaking spaces
    s = s.strip()
    if not s:
        return _err("empty", "")
    # fast path: one number written with spaces, dots, dashes, brackets, + / 00
    t = s.translate(_SEPARATORS)
    intl = t[:1] == "+"
    if intl:
        t = t[1:]
    if t.isdigit() and t.isascii() and len(t) <= 14 and "." not in s[-3:]:
        if not intl and t[:2] == "00":
            intl, t = True, t[2:]
        return _from_digits(t, intl, s)
    if _SCI.match(s):
        return _err("scientific", s)
    if not any(c.isdigit() for c in s):
        return _one(s)
    parts = [p for p in _SPLIT.split(s) if p.strip()]
    if not parts:
        return _err("empty", s)
    if len(parts) == 1:
        return _one(parts[0])
    first = _one(parts[0])
    rest = [p.strip() for p in parts[1:]]
    if not first.ok:
        second = _one(rest[0])
        if second.ok:  # "x / 0912…": the usable one
            return second
        return _err(first.error or "invalid", s)  # the reason shows the whole cell
    alt_res = _one(rest[0])
    return _with_alt(first, alt_res.e164 if alt_res.ok else rest[0])


def clean_mobile(value: str) -> str | None:
    """The E.164 form of text that is exactly a 10-digit mobile number ("0912345678", as most cells
    are), else None (the text may still be a number: :func:`normalize_phone` reads every form)."""
    if len(value) == 10 and value[0] == "0" and value.isdigit() and value.isascii():
        nsn = value[1:]
        if _MOBILE.fullmatch(nsn) and nsn.count(nsn[0]) != 9:
            return "+84" + nsn
    return None


def normalize_phone(value) -> PhoneResult:
    """Any cell value → :class:`PhoneResult` (E.164 + type, or an error code and reasons).

    Accepts str (spaces, dots, dashes, brackets, +84/84/0084, full-width digits, two numbers in one
    cell), int, float (``912345678.0`` from Excel). Old 11-digit 01xx mobiles are converted.
    """
    if value is None:
        return _err("empty", "")
    if isinstance(value, str):
        e164 = clean_mobile(value)  # the common case first
        if e164 is not None:
            return _tuple_new(PhoneResult, (e164, "mobile", None, None, "", "", False))
        return _from_text(value)
    if isinstance(value, bool):
        return _err("invalid", str(value))
    if isinstance(value, int):
        return _number(value, str(value))
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return _err("empty", "")
        if not value.is_integer():
            shown = repr(value)
            return _err("scientific" if "e" in shown else "invalid", shown)
        if value >= 1e15:
            return _err("scientific", f"{value:.2E}")
        return _number(int(value), str(int(value)))
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return _number(int(value), str(value))
        return _err("invalid", str(value))
    return _from_text(str(value))


# -- output ------------------------------------------------------------------------------------------
def _national(e164: str) -> str | None:
    if e164 and e164.startswith("+84"):
        return e164[3:]
    return None


def phone_digits_national(e164: str) -> str:
    """"+84912345678" → "0912345678" (foreign numbers: their E.164 digits)."""
    nsn = _national(e164)
    if nsn is None:
        return (e164 or "").lstrip("+")
    return "0" + nsn


def format_phone(e164: str, style: str = "0") -> str:
    """E.164 → "0" 0912345678 | "84" 84912345678 | "+84" +84912345678 (SMS gateway formats)."""
    if style not in ("0", "84", "+84"):
        raise ValueError(f"unknown phone style {style!r} (use '0', '84' or '+84')")
    if not e164:
        return ""
    nsn = _national(e164)
    if nsn is None:  # foreign number: E.164 as is (without + for "84" style)
        return e164 if style != "84" else e164.lstrip("+")
    return {"0": "0" + nsn, "84": "84" + nsn, "+84": "+84" + nsn}[style]


def display_phone(e164: str | None) -> str:
    """Readable: mobile "0912 345 678"; Hà Nội/HCM fixed "024 3825 1234"; other fixed "0236 382 1234"."""
    if not e164:
        return ""
    nsn = _national(e164)
    if nsn is None:
        try:
            return phonenumbers.format_number(phonenumbers.parse(e164, None),
                                              phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        except phonenumbers.NumberParseException:
            return e164
    d = "0" + nsn
    if len(d) == 10:
        return f"{d[:4]} {d[4:7]} {d[7:]}"
    if len(d) == 11 and d[:3] in ("024", "028"):
        return f"{d[:3]} {d[3:7]} {d[7:]}"
    if len(d) == 11:
        return f"{d[:4]} {d[4:7]} {d[7:]}"
    return d
