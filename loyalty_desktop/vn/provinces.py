"""Vietnam's 34 provinces/cities since 1 July 2025 (Resolution 202/2025/QH15), the 63 before, aliases.

``resolve_province("TP.HCM")`` → ProvinceMatch(province="Hồ Chí Minh", old_province="Hồ Chí Minh",
region="south"); ``resolve_province("Bình Dương")`` → province "Hồ Chí Minh", old_province "Bình Dương".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from loyalty_desktop.errors import InvalidInput
from loyalty_desktop.vn.text import fold, has_diacritics, nfc

__all__ = [
    "PROVINCES", "REGIONS", "OLD_PROVINCES", "MERGED_FROM", "ProvinceMatch", "resolve_province",
    "resolve_province_strict", "province_from_address", "province_key",
]

REGIONS = {"north": "Miền Bắc", "central": "Miền Trung", "south": "Miền Nam"}

# The 34 provinces and centrally-run cities from 1 July 2025, north to south, with their region.
PROVINCES: dict[str, str] = {
    # north (15)
    "Hà Nội": "north", "Cao Bằng": "north", "Tuyên Quang": "north", "Điện Biên": "north",
    "Lai Châu": "north", "Sơn La": "north", "Lào Cai": "north", "Thái Nguyên": "north",
    "Lạng Sơn": "north", "Quảng Ninh": "north", "Bắc Ninh": "north", "Phú Thọ": "north",
    "Hải Phòng": "north", "Hưng Yên": "north", "Ninh Bình": "north",
    # central incl. Central Highlands (11)
    "Thanh Hóa": "central", "Nghệ An": "central", "Hà Tĩnh": "central", "Quảng Trị": "central",
    "Huế": "central", "Đà Nẵng": "central", "Quảng Ngãi": "central", "Gia Lai": "central",
    "Khánh Hòa": "central", "Lâm Đồng": "central", "Đắk Lắk": "central",
    # south (8)
    "Hồ Chí Minh": "south", "Đồng Nai": "south", "Tây Ninh": "south", "Cần Thơ": "south",
    "Vĩnh Long": "south", "Đồng Tháp": "south", "Cà Mau": "south", "An Giang": "south",
}

# The 63 provinces before 1 July 2025 → the province they are part of now.
OLD_PROVINCES: dict[str, str] = {
    # unchanged (11)
    "Hà Nội": "Hà Nội", "Huế": "Huế", "Lai Châu": "Lai Châu", "Điện Biên": "Điện Biên", "Sơn La": "Sơn La",
    "Lạng Sơn": "Lạng Sơn", "Quảng Ninh": "Quảng Ninh", "Thanh Hóa": "Thanh Hóa", "Nghệ An": "Nghệ An",
    "Hà Tĩnh": "Hà Tĩnh", "Cao Bằng": "Cao Bằng",
    # merged (52 → 23)
    "Hà Giang": "Tuyên Quang", "Tuyên Quang": "Tuyên Quang",
    "Yên Bái": "Lào Cai", "Lào Cai": "Lào Cai",
    "Bắc Kạn": "Thái Nguyên", "Thái Nguyên": "Thái Nguyên",
    "Vĩnh Phúc": "Phú Thọ", "Phú Thọ": "Phú Thọ", "Hòa Bình": "Phú Thọ",
    "Bắc Giang": "Bắc Ninh", "Bắc Ninh": "Bắc Ninh",
    "Thái Bình": "Hưng Yên", "Hưng Yên": "Hưng Yên",
    "Hải Dương": "Hải Phòng", "Hải Phòng": "Hải Phòng",
    "Hà Nam": "Ninh Bình", "Nam Định": "Ninh Bình", "Ninh Bình": "Ninh Bình",
    "Quảng Bình": "Quảng Trị", "Quảng Trị": "Quảng Trị",
    "Quảng Nam": "Đà Nẵng", "Đà Nẵng": "Đà Nẵng",
    "Kon Tum": "Quảng Ngãi", "Quảng Ngãi": "Quảng Ngãi",
    "Bình Định": "Gia Lai", "Gia Lai": "Gia Lai",
    "Ninh Thuận": "Khánh Hòa", "Khánh Hòa": "Khánh Hòa",
    "Đắk Nông": "Lâm Đồng", "Bình Thuận": "Lâm Đồng", "Lâm Đồng": "Lâm Đồng",
    "Phú Yên": "Đắk Lắk", "Đắk Lắk": "Đắk Lắk",
    "Bình Dương": "Hồ Chí Minh", "Bà Rịa - Vũng Tàu": "Hồ Chí Minh", "Hồ Chí Minh": "Hồ Chí Minh",
    "Bình Phước": "Đồng Nai", "Đồng Nai": "Đồng Nai",
    "Long An": "Tây Ninh", "Tây Ninh": "Tây Ninh",
    "Sóc Trăng": "Cần Thơ", "Hậu Giang": "Cần Thơ", "Cần Thơ": "Cần Thơ",
    "Bến Tre": "Vĩnh Long", "Trà Vinh": "Vĩnh Long", "Vĩnh Long": "Vĩnh Long",
    "Tiền Giang": "Đồng Tháp", "Đồng Tháp": "Đồng Tháp",
    "Bạc Liêu": "Cà Mau", "Cà Mau": "Cà Mau",
    "Kiên Giang": "An Giang", "An Giang": "An Giang",
}
# "Huế" was "Thừa Thiên Huế" before it became a centrally-run city (1/1/2025); keep the old name too.
OLD_PROVINCES = {("Thừa Thiên Huế" if k == "Huế" else k): v for k, v in OLD_PROVINCES.items()}

MERGED_FROM: dict[str, list[str]] = {}
for _old, _new in OLD_PROVINCES.items():
    MERGED_FROM.setdefault(_new, []).append(_old)

# Extra spellings → old province name. Keys are matched folded (accents/case/punctuation/spaces ignored).
_ALIASES: dict[str, str] = {
    "TP.HCM": "Hồ Chí Minh", "TPHCM": "Hồ Chí Minh", "HCM": "Hồ Chí Minh", "HCMC": "Hồ Chí Minh",
    "Sài Gòn": "Hồ Chí Minh", "Saigon": "Hồ Chí Minh", "SG": "Hồ Chí Minh", "Ho Chi Minh City": "Hồ Chí Minh",
    "TP Hồ Chí Minh": "Hồ Chí Minh", "Thành phố Hồ Chí Minh": "Hồ Chí Minh", "HCM City": "Hồ Chí Minh",
    "HN": "Hà Nội", "Hanoi": "Hà Nội", "TPHN": "Hà Nội", "Thủ đô Hà Nội": "Hà Nội", "Hà Tây": "Hà Nội",
    "BR-VT": "Bà Rịa - Vũng Tàu", "BRVT": "Bà Rịa - Vũng Tàu", "Bà Rịa Vũng Tàu": "Bà Rịa - Vũng Tàu",
    "Vũng Tàu": "Bà Rịa - Vũng Tàu", "Bà Rịa": "Bà Rịa - Vũng Tàu",
    "Thừa Thiên - Huế": "Thừa Thiên Huế", "TT Huế": "Thừa Thiên Huế", "TT-Huế": "Thừa Thiên Huế",
    "TTH": "Thừa Thiên Huế", "Huế": "Thừa Thiên Huế", "Hue": "Thừa Thiên Huế",
    "Daklak": "Đắk Lắk", "Đăk Lăk": "Đắk Lắk", "Đắc Lắc": "Đắk Lắk", "Dak Lak": "Đắk Lắk",
    "Daknong": "Đắk Nông", "Đăk Nông": "Đắk Nông", "Đắc Nông": "Đắk Nông",
    "Bắc Cạn": "Bắc Kạn", "Kontum": "Kon Tum", "Hòa Bình": "Hòa Bình",
    "Đà Nẵng City": "Đà Nẵng", "Danang": "Đà Nẵng", "Haiphong": "Hải Phòng", "Cantho": "Cần Thơ",
}
# Cities and well-known places written in the province column: matched only as a whole value.
_PLACES: dict[str, str] = {
    "Nha Trang": "Khánh Hòa", "Cam Ranh": "Khánh Hòa", "Đà Lạt": "Lâm Đồng", "Bảo Lộc": "Lâm Đồng",
    "Phan Thiết": "Bình Thuận", "Biên Hòa": "Đồng Nai", "Thủ Dầu Một": "Bình Dương", "Dĩ An": "Bình Dương",
    "Thuận An": "Bình Dương", "Thủ Đức": "Hồ Chí Minh", "Buôn Ma Thuột": "Đắk Lắk",
    "Buôn Mê Thuột": "Đắk Lắk", "Quy Nhơn": "Bình Định", "Pleiku": "Gia Lai", "Hạ Long": "Quảng Ninh",
    "Móng Cái": "Quảng Ninh", "Sa Pa": "Lào Cai", "Sapa": "Lào Cai", "Mỹ Tho": "Tiền Giang",
    "Long Xuyên": "An Giang", "Châu Đốc": "An Giang", "Rạch Giá": "Kiên Giang", "Phú Quốc": "Kiên Giang",
    "Hội An": "Quảng Nam", "Tam Kỳ": "Quảng Nam", "Phan Rang": "Ninh Thuận",
    "Phan Rang - Tháp Chàm": "Ninh Thuận", "Tuy Hòa": "Phú Yên", "Đồng Hới": "Quảng Bình",
    "Đông Hà": "Quảng Trị", "Vinh": "Nghệ An", "Vị Thanh": "Hậu Giang", "Cao Lãnh": "Đồng Tháp",
    "Tân An": "Long An", "Gia Nghĩa": "Đắk Nông", "Việt Trì": "Phú Thọ", "Vĩnh Yên": "Vĩnh Phúc",
    "Phủ Lý": "Hà Nam", "Uông Bí": "Quảng Ninh", "Sầm Sơn": "Thanh Hóa", "Cửa Lò": "Nghệ An",
}

_PREFIXES = ("thanh pho ", "tinh ", "tp ", "t p ", "thu do ")
_SUFFIXES = (" city", " province", " viet nam", " vietnam", " vn")


def province_key(text) -> str:
    """Folded lookup key: accents, case, punctuation, spaces and "Tỉnh"/"TP." prefixes ignored."""
    k = fold(text)
    k = re.sub(r"[^0-9a-z]+", " ", k).strip()
    changed = True
    while changed:
        changed = False
        for p in _PREFIXES:
            if k.startswith(p) and len(k) > len(p):
                k = k[len(p):]
                changed = True
        for s in _SUFFIXES:
            if k.endswith(s) and len(k) > len(s):
                k = k[: -len(s)]
                changed = True
    return k.replace(" ", "")


def _build_index() -> dict[str, str]:
    idx: dict[str, str] = {}
    for old in OLD_PROVINCES:
        idx[province_key(old)] = old
    for alias, old in {**_ALIASES, **_PLACES}.items():
        idx.setdefault(province_key(alias), old)
    return idx


_INDEX = _build_index()  # key → old province name (one of the 63)
_CURRENT_KEYS = {province_key(p): p for p in PROVINCES}


@dataclass(frozen=True, slots=True)
class ProvinceMatch:
    province: str  # current (one of PROVINCES)
    old_province: str  # the province as written, cleaned to its pre-2025 name (one of OLD_PROVINCES)
    region: str  # north | central | south

    @property
    def merged(self) -> bool:
        """True when the written province was merged into another one in 2025."""
        return self.old_province != self.province and self.old_province != "Thừa Thiên Huế"

    @property
    def region_vi(self) -> str:
        return REGIONS[self.region]


def _match(old: str) -> ProvinceMatch:
    new = OLD_PROVINCES[old]
    return ProvinceMatch(new, old, PROVINCES[new])


@lru_cache(maxsize=4096)
def resolve_province(text) -> ProvinceMatch | None:
    """A province cell (current or old name, alias, accents-free, "Tỉnh/TP." prefixes) → match, else None."""
    if text is None:
        return None
    key = province_key(text)
    if not key:
        return None
    old = _INDEX.get(key)
    if old is None:
        return None
    return _match(old)


def resolve_province_strict(text) -> str:
    """The current province name for ``text``; raises ``InvalidInput("Unknown province: …")``."""
    m = resolve_province(text)
    if m is None:
        shown = nfc(text).strip() if text is not None else ""
        raise InvalidInput(f"Unknown province: {shown or repr(text)}", vi=f"Không rõ tỉnh/thành: {shown or repr(text)}")
    return m.province


# -- free text ---------------------------------------------------------------------------------------
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _tone_key(s: str) -> str:
    """Lower case with each syllable's tone mark moved to its end: "Hoà"/"Hòa" agree, "Huế" ≠ "Huệ"."""
    out = []
    for word in unicodedata.normalize("NFD", nfc(s).lower()).split():
        tones = [c for c in word if c in _TONES]
        base = "".join(c for c in word if c not in _TONES)
        out.append(unicodedata.normalize("NFC", base) + "".join(tones))
    return " ".join(out)


_SEGMENT_SPLIT = re.compile(r"\s*(?:[,;|/\n\r]|\s[-–—]\s|–|—)\s*")
# segments that name a district, ward, street… — never the province, even if the rest is a province name
_NOT_PROVINCE_PREFIX = re.compile(
    r"^(?:quan|q|huyen|h|phuong|p|xa|x|thi xa|tx|thi tran|tt|duong|d|pho|ngo|ngach|hem|kiet|so|"
    r"ap|thon|xom|khu pho|kp|to|khom|ban|lang|cum|khu|kdc|kcn|chung cu|cc|toa|lo|ql|tl|dt|quoc lo)"
    r"(?:\s|\.|$)")
_STREETISH_BEFORE = {"duong", "pho", "d", "so", "quan", "q", "huyen", "h", "phuong", "p", "xa", "x", "tx", "tt",
                     "ngo", "hem", "kiet", "ap", "thon", "lo", "cau", "cho", "ben", "nga", "vong", "xa lo"}
# a province name right after a surname is a street named after a person: "Nguyen Hue" is not Huế
_SURNAMES = {"nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do", "ho",
             "ngo", "duong", "ly", "dinh", "truong", "mac", "trinh", "lam", "luong", "doan", "ton", "chu"}
_AFTER_BLOCK = {"phu"}  # "Điện Biên Phủ" street


def _search_terms() -> list[tuple[str, str, str]]:
    """(tone key, folded key, old province) for every name/alias that may appear inside free text."""
    terms = []
    names = list(OLD_PROVINCES) + [a for a in _ALIASES]
    for name in names:
        old = OLD_PROVINCES.get(name) and name or _ALIASES[name]
        f = " ".join(re.sub(r"[^0-9a-z]+", " ", fold(name)).split())
        if len(f.replace(" ", "")) < 2:
            continue
        terms.append((_tone_key(re.sub(r"[-–.]+", " ", name)), f, old))
    terms.append(("tp.hcm", "tp hcm", "Hồ Chí Minh"))
    terms.sort(key=lambda t: -len(t[1]))
    return terms


_TERMS = _search_terms()
_SHORT_ALIASES = {"hn", "sg", "hcm", "tth", "brvt", "br vt"}


def _words(s: str) -> list[str]:
    return re.findall(r"[0-9a-z]+", s)


_NONWORD = re.compile(r"[^\w\u0300-\u036f]+")


def _find_in_segment(seg: str) -> list[tuple[int, str]]:
    """Occurrences (end position, old province) of province names inside one address segment.

    Accented text is matched accent-aware (tones compared per syllable, so "Nguyễn Huệ" is not "Huế");
    text typed without accents is matched folded.
    """
    accented = has_diacritics(seg)
    if accented:
        hay = " ".join(_NONWORD.sub(" ", _tone_key(seg)).split())
    else:
        hay = " ".join(re.sub(r"[^0-9a-z]+", " ", fold(seg)).split())
    folded_seg = " ".join(re.sub(r"[^0-9a-z]+", " ", fold(seg)).split())
    hits: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for tone, f, old in _TERMS:
        if f in _SHORT_ALIASES and not re.search(r"(?:^|\s)(?:tp\s*)?" + re.escape(f) + r"$", folded_seg):
            continue  # "HN", "SG", "HCM" only as the last word(s) of a segment
        needle = " ".join(_NONWORD.sub(" ", tone).split()) if accented else f
        start = 0
        while True:
            i = hay.find(needle, start)
            if i < 0:
                break
            j = i + len(needle)
            start = i + 1
            if (i > 0 and hay[i - 1] != " ") or (j < len(hay) and hay[j] != " "):
                continue
            if any(a < j and i < b for a, b in taken):
                continue
            before = hay[:i].split()
            after = hay[j:].split()
            if after and fold(after[0]) in _AFTER_BLOCK:
                continue
            prev = fold(before[-1]) if before else ""
            prev2 = fold(" ".join(before[-2:])) if len(before) >= 2 else ""
            if prev in _STREETISH_BEFORE or prev in _SURNAMES or prev.isdigit() or prev2 in _STREETISH_BEFORE:
                continue
            taken.append((i, j))
            hits.append((j, old))
    return hits


@lru_cache(maxsize=65536)
def province_from_address(text) -> ProvinceMatch | None:
    """Find the province in an address or KiotViet "Khu vực giao hàng" ("Hà Nội - Quận Tây Hồ").

    The last (most specific) segment naming a province wins; district/ward/street segments
    ("Quận Hải Châu", "123 Điện Biên Phủ", "Hai Bà Trưng") never count.
    """
    if text is None:
        return None
    text = nfc(str(text)).strip()
    if not text:
        return None
    whole = resolve_province(text)
    if whole is not None:
        return whole
    # KiotViet "Khu vực giao hàng": "<province> - <district>" (the district may be anything, even a city
    # named like a province's alias): the leading part decides.
    if "," not in text and ";" not in text:
        dash_parts = [p.strip() for p in re.split(r"\s+[-–—]\s+", text)]
        if len(dash_parts) >= 2:
            for k in range(len(dash_parts) - 1, 0, -1):
                m = resolve_province(" - ".join(dash_parts[:k]))
                if m is not None:
                    return m
    segments = [s.strip(" .") for s in _SEGMENT_SPLIT.split(text) if s and s.strip(" .")]
    # 1. a whole segment that is a province (from the end): "12 Lê Lợi, Q.1, TP.HCM"
    for seg in reversed(segments):
        f = fold(seg)
        if _NOT_PROVINCE_PREFIX.match(re.sub(r"[^0-9a-z. ]+", " ", f).strip()):
            continue
        m = resolve_province(seg)
        if m is not None:
            return m
    # 2. a province name inside a segment (no separators): "so 5 Le Loi quan 1 tp Ho Chi Minh"
    for seg in reversed(segments):
        hits = _find_in_segment(seg)
        if hits:
            return _match(max(hits)[1])
    return None
