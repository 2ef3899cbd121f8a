"""SMS encoding and part counting against hand-checked messages (GSM 03.38 / TS 23.040).

How each expected value was checked by hand:
- GSM-7: one part holds 160 septets; concatenated parts hold 153 each (7 septets of UDH).
  Extension characters (€ [ ] { } ^ ~ | \\ and form feed) are ESC + char = 2 septets, and the pair
  cannot be split across parts.
- UCS-2: one part holds 70 UTF-16 units; concatenated parts hold 67. An emoji outside the BMP is a
  surrogate pair (2 units) that cannot be split.
- Vietnamese: of the letters with diacritics only à è é ì ò ù É are in the GSM-7 basic set.
"""

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loyalty_desktop.campaigns.sms import (
    GSM7,
    GSM7_BASIC,
    GSM7_EXTENSION,
    UCS2,
    LengthCounter,
    remove_diacritics,
    sms_info,
)

HAND_CHECKED = [
    # (message, encoding, units, parts, why)
    ("", GSM7, 0, 0, "nothing to send"),
    ("Hello", GSM7, 5, 1, "5 basic characters"),
    ("A" * 160, GSM7, 160, 1, "exactly one full GSM-7 part"),
    ("A" * 161, GSM7, 161, 2, "161 > 160: concatenated, 153 + 8"),
    ("A" * 306, GSM7, 306, 2, "153 + 153"),
    ("A" * 307, GSM7, 307, 3, "153 + 153 + 1"),
    ("€" * 80, GSM7, 160, 1, "80 extension chars × 2 septets = 160 fits one part"),
    ("€" * 81, GSM7, 162, 2, "162 septets: part 1 takes 76 € (152), part 2 the other 5 (10)"),
    ("a" * 152 + "€" + "a" * 152, GSM7, 306, 3,
     "naive ceil(306/153) = 2, but ESC+€ cannot straddle: 152 | €+151 | 1 → 3 parts"),
    ("Gia {50k} [HOT] ~ |x| ^_^", GSM7, 25 + 9, 1, "25 chars, 9 of them extension ({ } [ ] ~ | | ^ ^): 34 septets"),
    ("Cà", GSM7, 2, 1, "à is one of the few GSM-7 Vietnamese letters"),
    ("è é ù ì ò à É", GSM7, 13, 1, "all GSM-7 basic letters"),
    ("Chào bạn", UCS2, 8, 1, "ạ is not GSM-7: the whole message becomes UCS-2"),
    ("Cà phê", UCS2, 6, 1, "ê forces UCS-2"),
    ("đ", UCS2, 1, 1, "đ is not GSM-7"),
    ("ư" * 70, UCS2, 70, 1, "exactly one full UCS-2 part"),
    ("ư" * 71, UCS2, 71, 2, "67 + 4"),
    ("ư" * 134, UCS2, 134, 2, "67 + 67"),
    ("ư" * 135, UCS2, 135, 3, "67 + 67 + 1"),
    ("😀" * 35, UCS2, 70, 1, "35 surrogate pairs = 70 units, one part"),
    ("a" * 69 + "😀", UCS2, 71, 2, "the emoji forces UCS-2; 71 units: 67 | 2 a + 😀"),
    ("a" * 66 + "😀" + "a" * 67, UCS2, 135, 3, "pair cannot straddle 67: 66 | 😀+65 | 2"),
    ("Chúc mừng sinh nhật chị Lan! Tặng chị voucher 100.000đ tại Mộc Spa.", UCS2, 67, 1,
     "a real birthday text: 67 chars, UCS-2, one part"),
]


@pytest.mark.parametrize("text,encoding,units,parts,why", HAND_CHECKED, ids=[h[4] for h in HAND_CHECKED])
def test_hand_checked_messages(text, encoding, units, parts, why):
    info = sms_info(text)
    assert (info.encoding, info.units, info.parts) == (encoding, units, parts), why


def test_character_sets_have_the_standard_sizes():
    assert len(GSM7_BASIC) == 127  # 128 code points minus the escape
    assert len(GSM7_EXTENSION) == 10
    assert "\x1b" not in GSM7_BASIC


def test_decomposed_vietnamese_counts_as_composed():
    nfd = unicodedata.normalize("NFD", "Hà Nội")
    assert len(nfd) > 6
    info = sms_info(nfd)
    assert info.chars == 6 and info.encoding == UCS2


def test_non_gsm_characters_are_reported():
    info = sms_info("Chào bạn, ưu đãi")
    assert "ạ" in info.non_gsm and "ư" in info.non_gsm and "à" not in info.non_gsm


def test_remove_diacritics_keeps_case_and_gives_gsm7():
    text = "QC Chị Hương ơi, ĐẶC BIỆT: ưu đãi “20%” – chỉ 99.000₫…"
    out = remove_diacritics(text)
    assert out == 'QC Chi Huong oi, DAC BIET: uu dai "20%" - chi 99.000VND...'
    assert sms_info(out).encoding == GSM7
    assert remove_diacritics("") == ""


def test_bo_dau_shrinks_parts():
    text = "Chúc mừng sinh nhật chị Nguyễn Thị Thu Hương! Tặng chị mã giảm giá 20% cho đơn hàng tiếp theo."
    assert sms_info(text).encoding == UCS2 and sms_info(text).parts == 2
    plain = sms_info(remove_diacritics(text))
    assert plain.encoding == GSM7 and plain.parts == 1


def test_remaining_in_part():
    assert sms_info("A" * 150).remaining == 10
    assert sms_info("A" * 161).remaining == 306 - 161
    assert sms_info("ư" * 60).remaining == 10


def test_counter_totals_and_cost():
    counter = LengthCounter(price_per_part=350)
    for msg in ["Hello", "A" * 161, "Chào bạn"]:
        counter.add(msg)
    t = counter.totals()
    assert (t.messages, t.total_parts, t.max_parts, t.estimated_cost) == (3, 4, 2, 4 * 350)
    assert t.encoding == UCS2 and t.ucs2_messages == 1 and t.longest == "A" * 161
    assert LengthCounter(350).totals().encoding is None


def _reference_parts(text: str) -> tuple[str, int, int]:
    """Slow, obvious reference: list every character's width and split greedily."""
    text = unicodedata.normalize("NFC", text)
    gsm = all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)
    widths = [(2 if ch in GSM7_EXTENSION else 1) if gsm else (2 if ord(ch) > 0xFFFF else 1) for ch in text]
    single, multi = (160, 153) if gsm else (70, 67)
    total = sum(widths)
    if total == 0:
        return (GSM7 if gsm else UCS2), 0, 0
    if total <= single:
        return (GSM7 if gsm else UCS2), total, 1
    parts, used = 1, 0
    for w in widths:
        if used + w > multi:
            parts, used = parts + 1, 0
        used += w
    return (GSM7 if gsm else UCS2), total, parts


ALPHABET = st.sampled_from(list("Aa9 .,!?@£$_é") + list("€{}[]~^|\\") + list("ăâđêôơưạảấ") + ["😀", "\n"])


@settings(max_examples=300, deadline=None)
@given(st.lists(ALPHABET, max_size=400).map("".join))
def test_fast_counting_matches_the_reference(text):
    info = sms_info(text)
    assert (info.encoding, info.units, info.parts) == _reference_parts(text)
