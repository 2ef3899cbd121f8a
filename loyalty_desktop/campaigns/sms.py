"""SMS length: encoding (GSM-7 or UCS-2), characters, parts and cost; "bỏ dấu" (remove diacritics).

Rules (3GPP TS 23.038 / GSM 03.38 and TS 23.040 concatenation):

- A message is GSM-7 when every character is in the GSM 03.38 basic set or its extension table.
  Extension characters (``^ { } [ ] ~ \\ | €`` and form feed) are sent as ESC + char: they count 2.
- Otherwise it is UCS-2 (UTF-16): each BMP character counts 1, a character outside the BMP (emoji)
  counts 2 (a surrogate pair).
- One part holds 160 GSM-7 septets or 70 UCS-2 units. A longer message is split into parts of
  153 / 67 (the user data header takes 7 septets / 3 units). An escape pair or a surrogate pair is
  never split across two parts, so a part may hold one unit less.

Vietnamese: only ``à è é ì ò ù É`` (plus ``Ç Ä Ö Ñ Ü ä ö ñ ü ß Å å Æ æ Ø ø``) are GSM-7 letters; any
other letter with a diacritic (``ă â đ ê ô ơ ư``, ``á ả ã ạ`` …) forces UCS-2 for the whole message.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

# GSM 03.38 basic character set (the escape 0x1B itself is not a user character).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# GSM 03.38 extension table: each costs 2 septets (ESC + char).
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM7_SINGLE, GSM7_MULTI = 160, 153
UCS2_SINGLE, UCS2_MULTI = 70, 67

GSM7 = "GSM-7"
UCS2 = "UCS-2"

# Typography that Word/Zalo put into texts; in "bỏ dấu" mode they become their ASCII forms so the
# message can stay GSM-7 (each of these alone would force UCS-2).
_ASCII_PUNCT = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2026": "...", "\u00a0": " ", "\u2022": "-",
    "\u20ab": "VND", "\u00b7": "-", "\t": " ",
}


GSM7_ALL = GSM7_BASIC | GSM7_EXTENSION


def is_gsm7(text: str) -> bool:
    return set(text) <= GSM7_ALL


def _units(text: str, encoding: str) -> list[int]:
    """Width of every character in septets (GSM-7) or UTF-16 units (UCS-2)."""
    if encoding == GSM7:
        return [2 if ch in GSM7_EXTENSION else 1 for ch in text]
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def _count_parts(widths: list[int], single: int, multi: int) -> int:
    total = sum(widths)
    if total == 0:
        return 0
    if total <= single:
        return 1
    parts, used = 1, 0
    for w in widths:
        if used + w > multi:  # an escape/surrogate pair never straddles two parts
            parts += 1
            used = 0
        used += w
    return parts


@dataclass(frozen=True)
class SmsInfo:
    """Length of one message as an SMS gateway counts it."""

    text: str
    encoding: str  # "GSM-7" | "UCS-2"
    chars: int  # characters as the user sees them
    units: int  # septets (GSM-7, extension chars count 2) or UTF-16 units (UCS-2)
    parts: int
    per_part: int  # capacity of one part at this length: 160/153 or 70/67

    @property
    def non_gsm(self) -> tuple[str, ...]:
        """The characters that forced UCS-2 (first 8, in order of appearance)."""
        if self.encoding == GSM7:
            return ()
        return tuple(ch for ch in dict.fromkeys(self.text) if ch not in GSM7_ALL)[:8]

    @property
    def remaining(self) -> int:
        """Units left in the last part before one more part is needed."""
        if self.parts <= 1:
            single = GSM7_SINGLE if self.encoding == GSM7 else UCS2_SINGLE
            return single - self.units
        return self.parts * self.per_part - self.units


def _measure(text: str) -> tuple[str, str, int, int]:
    """(NFC text, encoding, units, parts): the hot path, no object per message."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    chars = set(text)
    if chars <= GSM7_ALL:
        enc, single, multi = GSM7, GSM7_SINGLE, GSM7_MULTI
        wide = chars & GSM7_EXTENSION
        units = len(text) + sum(text.count(ch) for ch in wide) if wide else len(text)
    else:
        enc, single, multi = UCS2, UCS2_SINGLE, UCS2_MULTI
        units = len(text.encode("utf-16-le")) // 2
        wide = units != len(text)
    if units == 0:
        parts = 0
    elif units <= single:
        parts = 1
    elif not wide:  # every character is one unit: plain division
        parts = -(-units // multi)
    else:  # escape or surrogate pairs: they must not straddle two parts
        parts = _count_parts(_units(text, enc), single, multi)
    return text, enc, units, parts


def sms_info(text: str) -> SmsInfo:
    text, enc, units, parts = _measure(text or "")
    single, multi = (GSM7_SINGLE, GSM7_MULTI) if enc == GSM7 else (UCS2_SINGLE, UCS2_MULTI)
    return SmsInfo(text, enc, len(text), units, parts, single if parts <= 1 else multi)


def count_parts(text: str) -> int:
    return sms_info(text).parts


@functools.lru_cache(maxsize=1)
def _accent_stripper():
    """vn.text's case-keeping accent remover if it offers one (else the local rule below)."""
    try:
        from loyalty_desktop.vn import text as vn_text
    except ImportError:  # pragma: no cover - vn/ always ships with the app
        return None
    return getattr(vn_text, "remove_accents", None) or getattr(vn_text, "strip_accents", None)


def remove_diacritics(text: str) -> str:
    """Bỏ dấu: "Chị Hương ơi, ưu đãi 20%" → "Chi Huong oi, uu dai 20%" (case kept, đ → d).

    Typographic quotes/dashes/ellipsis and ₫ become ASCII too, so the result is GSM-7 unless the text
    has emoji or other scripts.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    strip = _accent_stripper()
    if strip is not None:
        out = strip(text)
    else:
        out = text.replace("đ", "d").replace("Đ", "D")
        decomposed = unicodedata.normalize("NFD", out)
        out = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))
    return "".join(_ASCII_PUNCT.get(ch, ch) for ch in out)


@dataclass(frozen=True)
class Totals:
    """Length figures over many rendered messages (the UI's live line and the CLI's --json)."""

    messages: int
    encoding: str | None  # UCS-2 if any message needs it
    max_chars: int
    max_units: int
    max_parts: int  # the longest message
    total_parts: int
    estimated_cost: int  # đồng
    ucs2_messages: int
    longest: str


class LengthCounter:
    """Accumulates ``sms_info`` over messages (one pass, constant memory)."""

    def __init__(self, price_per_part: int) -> None:
        self.price = int(price_per_part)
        self.n = 0
        self.total_parts = 0
        self.max_parts = 0
        self.max_chars = 0
        self.max_units = 0
        self.ucs2 = 0
        self.longest = ""

    def add(self, message: str) -> int:
        """Count one message; returns its number of parts."""
        text, enc, units, parts = _measure(message or "")
        self.n += 1
        self.total_parts += parts
        if enc == UCS2:
            self.ucs2 += 1
        if parts > self.max_parts or (parts == self.max_parts and units > self.max_units):
            self.max_parts, self.max_units, self.max_chars, self.longest = parts, units, len(text), text
        return parts

    def totals(self) -> Totals:
        encoding = None if self.n == 0 else (UCS2 if self.ucs2 else GSM7)
        return Totals(self.n, encoding, self.max_chars, self.max_units, self.max_parts, self.total_parts,
                      self.total_parts * self.price, self.ucs2, self.longest)
