"""Small value parsers: gender."""

from __future__ import annotations

import math

from loyalty_desktop.vn.text import fold

__all__ = ["parse_gender", "GENDER_VI"]

GENDER_VI = {"male": "Nam", "female": "Nữ", "unknown": "Không rõ"}

_MALE = {"nam", "m", "male", "man", "1", "anh", "ong", "trai", "con trai", "nam gioi", "mr", "boy", "chu",
         "a", "gioi tinh nam", "dan ong"}
_FEMALE = {"nu", "f", "female", "woman", "0", "chi", "ba", "gai", "con gai", "nu gioi", "mrs", "ms", "miss",
           "girl", "co", "c", "gioi tinh nu", "phu nu", "w"}


def parse_gender(value) -> str:
    """Nam/nam/M/Male/1/Anh/ông → "male"; Nữ/nữ/Nu/F/Female/0/Chị/bà → "female"; else "unknown"."""
    if value is None or isinstance(value, bool):
        return "unknown"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and (math.isnan(value) or not value.is_integer()):
            return "unknown"
        value = str(int(value))
    key = " ".join(fold(value).replace(".", " ").split())
    if key in _MALE:
        return "male"
    if key in _FEMALE:
        return "female"
    return "unknown"
