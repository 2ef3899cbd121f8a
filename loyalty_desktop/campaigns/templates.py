"""Message templates with placeholders, rendered per recipient.

``Chào {xung_ho} {ten}, bạn có {diem} điểm tại {cua_hang}.`` Placeholders:

========================  ==========================================================  ==============
placeholder               value                                                       when missing
========================  ==========================================================  ==============
``{ten}``                 given name: the last word of the Vietnamese full name       ``quý khách``
``{ho_ten}``              full name                                                   ``quý khách``
``{xung_ho}``             ``anh`` (male) / ``chị`` (female)                            ``bạn``
``{diem}``                points, ``1.250``                                           ``0``
``{hang}``                tier                                                        ``thành viên``
``{tong_chi}``            total spent, ``1.500.000 ₫``                                ``0 ₫``
``{ngay_mua_cuoi}``       last purchase date ``dd/mm/yyyy``                           ``chưa có``
``{ma_kh}``               customer code                                               (empty)
``{cua_hang}``            shop name (setting ``shop_name``)                           ``cửa hàng``
========================  ==========================================================  ==============

A placeholder may carry its own fallback: ``{ten|bạn}``. A capitalised name (``{Xung_ho}``) gives a
capitalised value (``Anh``/``Chị``/``Bạn``) for the start of a sentence. ``{{`` and ``}}`` are literal
braces. An unknown placeholder is an error that names it (``InvalidInput``).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable, Mapping

from loyalty_desktop.errors import InvalidInput

PLACEHOLDERS: dict[str, tuple[str, str]] = {
    # id: (English label, Vietnamese label)
    "ten": ("Given name", "Tên"),
    "ho_ten": ("Full name", "Họ tên"),
    "xung_ho": ("Anh/Chị", "Anh/Chị"),
    "diem": ("Points", "Điểm"),
    "hang": ("Tier", "Hạng"),
    "tong_chi": ("Total spent", "Tổng chi tiêu"),
    "ngay_mua_cuoi": ("Last purchase", "Ngày mua cuối"),
    "ma_kh": ("Customer code", "Mã KH"),
    "cua_hang": ("Shop name", "Tên cửa hàng"),
}

FALLBACKS: dict[str, str] = {
    "ten": "quý khách",
    "ho_ten": "quý khách",
    "xung_ho": "bạn",
    "diem": "0",
    "hang": "thành viên",
    "tong_chi": "0 ₫",
    "ngay_mua_cuoi": "chưa có",
    "ma_kh": "",
    "cua_hang": "cửa hàng",
}

# Columns a recipient row must provide (customer + customer_stats); see recipients.RECIPIENT_COLUMNS.
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def _nfc(s: str) -> str:
    return s if s.isascii() else unicodedata.normalize("NFC", s)


def given_name(full_name: str | None) -> str:
    """Vietnamese names are family … given: "Nguyễn Thị Thu Hà" → "Hà". Empty → ""."""
    if not full_name:
        return ""
    words = clean_name(full_name).split()
    return words[-1] if words else ""


@functools.lru_cache(maxsize=1)
def _vn():
    """The vn/ helpers (clean_name, format_vnd, format_date), with plain fallbacks if vn/ is absent."""
    try:
        from loyalty_desktop.vn.text import clean_name as vn_clean
    except ImportError:  # pragma: no cover - vn/ ships with the app
        def vn_clean(name: str) -> str:
            name = " ".join(_nfc(name).split())
            return name.title() if name.isupper() else name
    try:
        from loyalty_desktop.vn.money import format_vnd
    except ImportError:  # pragma: no cover
        def format_vnd(n: int) -> str:
            return f"{_format_int(n)} ₫"
    try:
        from loyalty_desktop.vn.dates import format_date
    except ImportError:  # pragma: no cover
        def format_date(d: date) -> str:
            return d.strftime("%d/%m/%Y")
    return vn_clean, format_vnd, format_date


def clean_name(name: str | None) -> str:
    return _vn()[0](name) if name else ""


def _format_int(n: int) -> str:
    return f"{int(n):,}".replace(",", ".")


def _format_vnd(n: int) -> str:
    return _vn()[1](int(n))


def _format_date(d: date | datetime | str) -> str:
    if isinstance(d, str):
        d = datetime.fromisoformat(d)
    if isinstance(d, datetime):
        d = d.date()
    return _vn()[2](d)


def _xung_ho(gender: str | None) -> str:
    return {"male": "anh", "female": "chị"}.get(gender or "", "")


def _points(row, _shop):
    v = row.get("points")
    return "" if v is None else _format_int(v)


def _total(row, _shop):
    v = row.get("total_spent")
    return "" if v is None else _format_vnd(v)


def _last(row, _shop):
    v = row.get("last_purchase_at")
    return "" if not v else _format_date(v)


_GETTERS: dict[str, Callable[[Mapping[str, Any], str], str]] = {
    "ten": lambda row, _shop: given_name(row.get("full_name")),
    "ho_ten": lambda row, _shop: clean_name(row.get("full_name")),
    "xung_ho": lambda row, _shop: _xung_ho(row.get("gender")),
    "diem": _points,
    "hang": lambda row, _shop: (row.get("tier") or "").strip(),
    "tong_chi": _total,
    "ngay_mua_cuoi": _last,
    "ma_kh": lambda row, _shop: (row.get("code") or "").strip(),
    "cua_hang": lambda _row, shop: (shop or "").strip(),
}


def _value(key: str, row: Mapping[str, Any], shop_name: str) -> str:
    """The raw value of a placeholder for a recipient row ("" when missing)."""
    return _GETTERS[key](row, shop_name)


@dataclass(frozen=True)
class _Slot:
    key: str
    fallback: str
    capital: bool


@dataclass
class Template:
    """A parsed template: literal text and placeholder slots. Render it per recipient row."""

    source: str
    parts: list = field(default_factory=list)  # str | _Slot
    shop_name: str = ""
    fallbacks: dict[str, str] = field(default_factory=dict)

    @property
    def placeholders(self) -> list[str]:
        """Placeholder ids in order of first appearance (ZNS-style exports use them as columns)."""
        seen: list[str] = []
        for p in self.parts:
            if isinstance(p, _Slot) and p.key not in seen:
                seen.append(p.key)
        return seen

    def _slot_text(self, slot: _Slot, row: Mapping[str, Any]) -> str:
        value = _GETTERS[slot.key](row, self.shop_name)
        if not value:
            value = slot.fallback if slot.fallback is not None else self.fallbacks.get(slot.key, FALLBACKS[slot.key])
        if slot.capital and value:
            value = value[0].upper() + value[1:]
        return value

    def render(self, row: Mapping[str, Any]) -> str:
        shop, fallbacks = self.shop_name, self.fallbacks
        out = []
        for p in self.parts:
            if p.__class__ is str:
                out.append(p)
                continue
            value = _GETTERS[p.key](row, shop)
            if not value:
                value = p.fallback if p.fallback is not None else fallbacks.get(p.key, "")
            if p.capital and value:
                value = value[0].upper() + value[1:]
            out.append(value)
        text = "".join(out)
        return text if text.isascii() else unicodedata.normalize("NFC", text)

    def params(self, row: Mapping[str, Any]) -> dict[str, str]:
        """Placeholder values for a row (ZNS-style: the gateway fills its own approved template)."""
        slots = {}
        for p in self.parts:
            if isinstance(p, _Slot) and p.key not in slots:
                slots[p.key] = _nfc(self._slot_text(_Slot(p.key, p.fallback, False), row))
        return slots


def parse_template(source: str, shop_name: str = "", fallbacks: Mapping[str, str] | None = None) -> Template:
    """Parse a template; raises ``InvalidInput`` naming an unknown placeholder or a stray brace."""
    source = _nfc(source or "")
    parts: list = []
    pos = 0
    literal: list[str] = []
    for m in _TOKEN.finditer(source):
        literal.append(source[pos : m.start()])
        pos = m.end()
        tok = m.group(0)
        if tok == "{{":
            literal.append("{")
            continue
        if tok == "}}":
            literal.append("}")
            continue
        if tok in ("{", "}"):
            raise InvalidInput(
                f"Unbalanced brace '{tok}' at character {m.start() + 1} of the template "
                "(write {{ or }} for a literal brace).",
                vi=f"Dấu ngoặc '{tok}' không khớp ở ký tự thứ {m.start() + 1} của mẫu tin "
                "(viết {{ hoặc }} nếu muốn hiện dấu ngoặc).",
            )
        inner = m.group(1)
        name, sep, fb = inner.partition("|")
        name = name.strip()
        key = name.lower()
        if key not in PLACEHOLDERS:
            known = ", ".join("{" + k + "}" for k in PLACEHOLDERS)
            raise InvalidInput(f"Unknown placeholder {{{name}}} in the template. Known placeholders: {known}.",
                               vi=f"Không nhận ra chỗ điền {{{name}}} trong mẫu tin. Các chỗ điền dùng được: {known}.")
        if literal:
            parts.append("".join(literal))
            literal = []
        capital = bool(name) and name[0].isupper()
        parts.append(_Slot(key, fb.strip() if sep else None, capital))
    literal.append(source[pos:])
    tail = "".join(literal)
    if tail:
        parts.append(tail)
    fb = dict(FALLBACKS)
    if fallbacks:
        unknown = set(fallbacks) - set(PLACEHOLDERS)
        if unknown:
            raise InvalidInput(f"Unknown placeholder in fallbacks: {', '.join(sorted(unknown))}.",
                               vi=f"Không nhận ra chỗ điền trong giá trị thay thế: {', '.join(sorted(unknown))}.")
        fb.update(fallbacks)
    return Template(source, parts, shop_name, fb)


def render(source: str, row: Mapping[str, Any], shop_name: str = "") -> str:
    return parse_template(source, shop_name).render(row)


def validate_template(source: str) -> list[str]:
    """Placeholder ids used (raises ``InvalidInput`` like ``parse_template``)."""
    return parse_template(source).placeholders


Renderer = Callable[[Mapping[str, Any]], str]
