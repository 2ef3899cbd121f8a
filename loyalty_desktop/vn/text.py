"""Vietnamese text helpers: NFC, accent folding for search, name clean-up."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["nfc", "fold", "clean_name", "remove_accents", "has_diacritics"]

_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
                    "\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


def _to_str(s) -> str:
    if s is None:
        return ""
    if not isinstance(s, str):
        s = str(s)
    return s


def nfc(s) -> str:
    """Unicode NFC (Windows-1258 / macOS text arrives decomposed). ``None`` → ""."""
    s = _to_str(s)
    if s.isascii() or unicodedata.is_normalized("NFC", s):
        return s
    return unicodedata.normalize("NFC", s)


def _build_tables():
    lower: dict[int, str] = {}
    keep_case: dict[int, str] = {}
    for cp in list(range(0x00C0, 0x0250)) + list(range(0x1E00, 0x1F00)):
        ch = chr(cp)
        base = unicodedata.normalize("NFD", ch)
        stripped = "".join(c for c in base if not unicodedata.combining(c))
        if stripped != ch and stripped.isascii() and stripped:
            keep_case[cp] = stripped
    keep_case[ord("đ")] = "d"
    keep_case[ord("Đ")] = "D"
    for cp, v in keep_case.items():
        lower[cp] = v
    return keep_case


_STRIP = _build_tables()


def _strip_marks(s: str) -> str:
    s = s.translate(_STRIP)
    if not s.isascii():
        # combining marks left over (non-NFC input with no precomposed form, other scripts)
        s = "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))
        s = s.translate(_STRIP)
        s = unicodedata.normalize("NFC", s)
    return s


def remove_accents(s) -> str:
    """Drop Vietnamese diacritics keeping case: "Chị Hương Đà Nẵng" → "Chi Huong Da Nang"."""
    return _strip_marks(nfc(s))


strip_accents = remove_accents


def fold(s) -> str:
    """Search key: NFC → lower → accents removed, đ→d → whitespace collapsed and stripped."""
    s = _to_str(s)
    if s.isascii():
        return " ".join(s.lower().split())
    s = _MARKS.sub("", unicodedata.normalize("NFD", s.lower())).replace("đ", "d")
    if not s.isascii():
        s = unicodedata.normalize("NFC", s)
    return " ".join(s.split())


def has_diacritics(s) -> bool:
    """True when the text has any Vietnamese accent mark or đ (so accent-aware matching is meaningful)."""
    s = _to_str(s)
    return not s.isascii() and _strip_marks(nfc(s)) != nfc(s)


def _title_word(w: str) -> str:
    # per hyphen/apostrophe part: "NGUYỄN-TRẦN" → "Nguyễn-Trần"; never str.title() (it splits on marks)
    out = []
    for i, part in enumerate(w.split("-")):
        out.append(part[:1].upper() + part[1:].lower() if part else part)
    return "-".join(out)


@lru_cache(maxsize=65536)
def _clean_name(s: str) -> str:
    s = " ".join(nfc(s).translate(_INVISIBLE).split())
    if not s:
        return ""
    letters = [c for c in s if c.isalpha()]
    if letters and (all(c.isupper() for c in letters) or all(c.islower() for c in letters)):
        return " ".join(_title_word(w) for w in s.split(" "))
    return s


def clean_name(s) -> str:
    """NFC, trimmed, inner spaces collapsed; ALL CAPS (or all lower case) → Title Case per word.

    Mixed-case names are kept as written ("McDonald", "Lê thị Hoa" stays as typed).
    """
    s = _to_str(s)
    if len(s) > 500:
        return _clean_name.__wrapped__(s)
    return _clean_name(s)
