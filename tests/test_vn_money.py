import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalty_desktop.vn.money import format_int, format_vnd, format_vnd_short, parse_vnd


@pytest.mark.parametrize("n,expected", [
    (0, "0 ₫"), (5, "5 ₫"), (1000, "1.000 ₫"), (1500000, "1.500.000 ₫"), (-50000, "-50.000 ₫"),
    (1234567890123, "1.234.567.890.123 ₫"), (1499.6, "1.500 ₫"),
])
def test_format_vnd(n, expected):
    assert format_vnd(n) == expected


def test_format_vnd_none_and_int():
    assert format_vnd(None) == ""
    assert format_int(-1234) == "-1.234"


@pytest.mark.parametrize("n,expected", [
    (0, "0 ₫"), (500, "500 ₫"), (999, "999 ₫"), (1000, "1 nghìn ₫"), (1500, "1,5 nghìn ₫"),
    (850000, "850 nghìn ₫"), (999_950, "1 tr ₫"), (1_000_000, "1 tr ₫"), (1_200_000, "1,2 tr ₫"),
    (12_345_678, "12,3 tr ₫"), (999_960_000, "1 tỷ ₫"), (3_500_000_000, "3,5 tỷ ₫"),
    (2_000_000_000, "2 tỷ ₫"), (1_234_567_890_000, "1.234,6 tỷ ₫"), (-1_200_000, "-1,2 tr ₫"),
])
def test_format_vnd_short(n, expected):
    assert format_vnd_short(n) == expected


@pytest.mark.parametrize("text,expected", [
    ("2tr", 2_000_000), ("2 triệu", 2_000_000), ("2 trieu", 2_000_000), ("2m", 2_000_000), ("2M", 2_000_000),
    ("1,5tr", 1_500_000), ("1.5tr", 1_500_000), ("1tr5", 1_500_000), ("2tr500", 2_500_000),
    ("2 triệu 500", 2_500_000), ("500k", 500_000), ("500K", 500_000), ("500 nghìn", 500_000),
    ("500 ngàn", 500_000), ("1k5", 1_500), ("2.000.000", 2_000_000), ("2,000,000", 2_000_000),
    ("2000000", 2_000_000), ("2 tỷ", 2_000_000_000), ("2 tỉ", 2_000_000_000), ("1,2 tỷ", 1_200_000_000),
    ("1.500.000 ₫", 1_500_000), ("1.500.000đ", 1_500_000), ("2.000.000 VNĐ", 2_000_000),
    ("2.000.000 vnd", 2_000_000), ("2 triệu đồng", 2_000_000), ("500kđ", 500_000), ("-50.000", -50_000),
    ("(50.000)", -50_000), ("150000.0", 150_000), ("1.500k", 1_500_000), ("1.234,6 tỷ ₫", 1_234_600_000_000),
    ("  99.000  ", 99_000), ("0", 0), (1500, 1500), (1500.4, 1500), (2e6, 2_000_000),
])
def test_parse_vnd(text, expected):
    assert parse_vnd(text) == expected


@pytest.mark.parametrize("bad", ["", "  ", None, "abc", "tr", "2..0", "1.50.000", "2tr abc", "2 triệu 5000",
                                 "₫", "k500", "12,34,5", True, float("nan"), "2 cái"])
def test_parse_vnd_rejects(bad):
    with pytest.raises(ValueError):
        parse_vnd(bad)


@given(st.integers(min_value=-10**15, max_value=10**15))
def test_format_parse_round_trip(n):
    assert parse_vnd(format_vnd(n)) == n


@given(st.integers(min_value=0, max_value=10**13))
def test_short_format_parses_back_close(n):
    back = parse_vnd(format_vnd_short(n))
    # one decimal of the unit: within 5% (or 50 đồng for tiny amounts)
    assert abs(back - n) <= max(50, n * 0.05)
