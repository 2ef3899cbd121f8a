import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalty_desktop.vn.phones import (
    OLD_MOBILE_PREFIXES,
    PhoneResult,
    clean_mobile,
    display_phone,
    format_phone,
    normalize_phone,
    phone_digits_national,
)


@pytest.mark.parametrize("value", [
    "0912345678", "0912 345 678", "0912.345.678", "0912-345-678", "(0912) 345 678", "+84912345678",
    "+84 912 345 678", "+84 (0) 912 345 678", "+84 0912345678", "84912345678", "0084912345678",
    "00 84 912 345 678", 912345678, 912345678.0, "912345678", "912345678.0", "０９１２３４５６７８",
    "０９１２ ３４５ ６７８", " 0912345678 ", "0912\u00a0345\u00a0678", "ĐT: 0912345678", "Tel 0912.345.678",
])
def test_same_mobile_in_every_style(value):
    res = normalize_phone(value)
    assert res.ok, (value, res)
    assert res.e164 == "+84912345678"
    assert res.phone_type == "mobile"
    assert res.error is None and res.message == ""


def test_84_is_a_country_code_only_when_the_length_says_so():
    assert normalize_phone("84912345678").e164 == "+84912345678"  # 11 digits: 84 + 9
    assert normalize_phone("0849123456").e164 == "+84849123456"  # national 084…
    assert normalize_phone("849123456").e164 == "+84849123456"  # 084… that lost its 0
    assert normalize_phone(849123456).e164 == "+84849123456"
    assert normalize_phone("84849123456").e164 == "+84849123456"
    assert normalize_phone("840912345678").e164 == "+84912345678"  # "84 0912…"
    assert normalize_phone("842438251234").e164 == "+842438251234"  # 84 + fixed line
    assert normalize_phone("8416623456789"[:12]).e164 == "+84362345678"  # 84 + old 0166…


@pytest.mark.parametrize("old,new", [
    ("01621234567", "+84321234567"), ("01631234567", "+84331234567"), ("01641234567", "+84341234567"),
    ("01651234567", "+84351234567"), ("01661234567", "+84361234567"), ("01671234567", "+84371234567"),
    ("01681234567", "+84381234567"), ("01691234567", "+84391234567"), ("01201234567", "+84701234567"),
    ("01211234567", "+84791234567"), ("01221234567", "+84771234567"), ("01261234567", "+84761234567"),
    ("01281234567", "+84781234567"), ("01231234567", "+84831234567"), ("01241234567", "+84841234567"),
    ("01251234567", "+84851234567"), ("01271234567", "+84811234567"), ("01291234567", "+84821234567"),
    ("01861234567", "+84561234567"), ("01881234567", "+84581234567"), ("01991234567", "+84591234567"),
])
def test_old_11_digit_mobiles_converted(old, new):
    for form in (old, old[:5] + "." + old[5:8] + "." + old[8:], "+84" + old[1:], "84" + old[1:], old[1:],
                 int(old[1:]), float(old[1:])):
        res = normalize_phone(form)
        assert res.e164 == new, (form, res)
        assert res.phone_type == "mobile"
        assert res.converted


def test_old_prefix_table_is_complete():
    assert len(OLD_MOBILE_PREFIXES) == 21
    assert set(OLD_MOBILE_PREFIXES) == {f"16{i}" for i in range(2, 10)} | {f"12{i}" for i in range(10)} | {
        "186", "188", "199"}


def test_fixed_lines():
    for value in ("024 3825 1234", "(024) 38251234", "+84 24 3825 1234", "2438251234", 2438251234,
                  "842438251234"):
        res = normalize_phone(value)
        assert (res.e164, res.phone_type) == ("+842438251234", "fixed"), value
    res = normalize_phone("0236 382 1234")  # Đà Nẵng
    assert (res.e164, res.phone_type) == ("+842363821234", "fixed")
    assert normalize_phone("028 3822 1234").phone_type == "fixed"


def test_two_numbers_in_one_cell():
    for value in ("0912345678 / 0987654321", "0912345678;0987654321", "0912345678, 0987654321",
                  "0912 345 678 - 0987 654 321", "0912345678 hoặc 0987654321", "0912345678\n0987654321",
                  "0912345678 0987654321"):
        res = normalize_phone(value)
        assert res.e164 == "+84912345678", value
        assert res.alt == "+84987654321", value
    res = normalize_phone("0912345678 / gọi giờ hành chính")
    assert res.e164 == "+84912345678" and res.alt == "gọi giờ hành chính"
    res = normalize_phone("không có / 0987654321")  # the first is unusable: take the usable one
    assert res.e164 == "+84987654321"
    assert normalize_phone("0912-345-678").alt is None  # dashes inside one number do not split


@pytest.mark.parametrize("value,code", [
    (None, "empty"), ("", "empty"), ("   ", "empty"), (float("nan"), "empty"), ("không có", "empty"),
    ("Không", "empty"), ("N/A", "empty"), ("-", "empty"),
    ("9.12E+08", "scientific"), ("9,12E+08", "scientific"), ("9.12e8", "scientific"), (912000000.0, "scientific"),
    (9.12e8, "scientific"), (1.2345e18, "scientific"),
    ("09123", "too_short"), ("0123456", "too_short"), ("091234567", "too_short"), ("12345678", "too_short"),
    ("abc", "invalid"), ("0112345678", "invalid"), ("09123456789", "invalid"), ("0612345678", "invalid"),
    (912345678.5, "invalid"), (True, "invalid"), ("+84 12", "too_short"),
    ("1900 1234", "not_personal"), ("19001234", "not_personal"), ("1800 1091", "not_personal"),
    ("18001091", "not_personal"), ("1900 123 456", "not_personal"), ("0000000000", "not_personal"),
    ("000000000", "not_personal"), (0, "not_personal"), ("0999999999", "not_personal"),
    ("113", "not_personal"), ("1080", "not_personal"),
])
def test_rejects(value, code):
    res = normalize_phone(value)
    assert not res.ok
    assert res.e164 is None and res.phone_type is None
    assert res.error == code, (value, res)
    assert res.message and res.message_vi


def test_messages_name_the_value_in_both_languages():
    res = normalize_phone("09123")
    assert "09123" in res.message and "too short" in res.message
    assert "09123" in res.message_vi and "quá ngắn" in res.message_vi
    res = normalize_phone("9.12E+08")
    assert "9.12E+08" in res.message and "Excel" in res.message_vi
    assert "1900" in normalize_phone("19001234").message_vi
    assert normalize_phone("abc").message_vi.startswith("“abc”")


def test_foreign_numbers_with_plus():
    res = normalize_phone("+1 650 253 0000")
    assert res.ok and res.e164 == "+16502530000"
    assert format_phone(res.e164, "0") == "+16502530000"
    assert display_phone(res.e164).startswith("+1")
    assert not normalize_phone("+1 555").ok


def test_result_type():
    res = normalize_phone("0912345678")
    assert isinstance(res, PhoneResult) and res.ok
    with pytest.raises(AttributeError):
        res.e164 = "x"  # frozen


def test_format_phone_styles():
    assert format_phone("+84912345678", "0") == "0912345678"
    assert format_phone("+84912345678", "84") == "84912345678"
    assert format_phone("+84912345678", "+84") == "+84912345678"
    assert format_phone("+842438251234", "0") == "02438251234"
    assert format_phone("", "0") == ""
    with pytest.raises(ValueError):
        format_phone("+84912345678", "x")


def test_display_and_national():
    assert display_phone("+84912345678") == "0912 345 678"
    assert display_phone("+842438251234") == "024 3825 1234"
    assert display_phone("+842363821234") == "0236 382 1234"
    assert display_phone(None) == "" and display_phone("") == ""
    assert phone_digits_national("+84912345678") == "0912345678"
    assert phone_digits_national("+842438251234") == "02438251234"


@given(st.integers(min_value=0, max_value=9_999_999))
def test_every_current_mobile_prefix_round_trips(n):
    for prefix in ("32", "39", "56", "58", "70", "77", "79", "81", "85", "86", "88", "90", "91", "94", "96", "98"):
        nsn = f"{prefix}{n:07d}"
        if len(set(nsn)) == 1:
            continue
        res = normalize_phone("0" + nsn)
        assert res.e164 == "+84" + nsn
        for style in ("0", "84", "+84"):
            assert normalize_phone(format_phone(res.e164, style)).e164 == res.e164
        assert normalize_phone(display_phone(res.e164)).e164 == res.e164


@given(st.one_of(st.text(max_size=40), st.integers(), st.floats(allow_nan=True), st.none()))
def test_never_crashes(value):
    res = normalize_phone(value)
    assert res.ok == (res.error is None)
    if res.ok:
        assert res.e164.startswith("+") and res.e164[1:].isdigit()
        assert res.phone_type in ("mobile", "fixed")
    else:
        assert res.error in ("empty", "scientific", "too_short", "invalid", "not_personal")


def test_speed_figure():
    """Prints a figure; never asserts a time."""
    values = [f"09{i:08d}" for i in range(10000, 60000)] + [float(f"9{i:08d}") for i in range(10000, 30000)]
    start = time.perf_counter()
    for v in values:
        normalize_phone(v)
    took = time.perf_counter() - start
    print(f"normalize_phone: {len(values) / took:,.0f} values/s")


@pytest.mark.parametrize("text, expected", [
    ("0912345678", "+84912345678"),
    ("0388123456", "+84388123456"),
    ("0912 345 678", None),  # other forms: normalize_phone
    ("912345678", None),
    ("０９１２３４５６７８", None),  # full-width digits
    ("0999999999", None),  # dummy
    ("0162345678", None),  # not a mobile range
    ("02438251234", None),  # fixed line, 11 digits
    ("", None),
])
def test_clean_mobile_takes_only_the_plain_ten_digit_form(text, expected):
    assert clean_mobile(text) == expected
    if expected:  # and it agrees with the full reading
        assert normalize_phone(text).e164 == expected
