from datetime import date, datetime

import pytest

from loyalty_desktop.vn.dates import (
    excel_serial_to_datetime,
    format_date,
    format_datetime,
    parse_birth,
    parse_date,
    parse_datetime,
)


@pytest.mark.parametrize("value,expected", [
    (date(2000, 1, 2), date(2000, 1, 2)), (datetime(2020, 1, 2, 3, 4), date(2020, 1, 2)),
    ("23/12/1964", date(1964, 12, 23)), ("1/3/2009", date(2009, 3, 1)), ("01/03/2009", date(2009, 3, 1)),
    ("23-12-1964", date(1964, 12, 23)), ("23.12.1964", date(1964, 12, 23)), ("1964-12-23", date(1964, 12, 23)),
    ("1964/12/23", date(1964, 12, 23)), ("2025-03-12T09:01:00", date(2025, 3, 12)),
    ("2025-03-12 09:01:00", date(2025, 3, 12)), ("12/03/2025 14:35", date(2025, 3, 12)),
    (32861, date(1989, 12, 19)), (32861.75, date(1989, 12, 19)), ("32861", date(1989, 12, 19)),
    (45658, date(2025, 1, 1)), ("1990", date(1990, 1, 1)), (1990, date(1990, 1, 1)),
    ("19900523", date(1990, 5, 23)), ("ngày 5 tháng 3 năm 1990", date(1990, 3, 5)),
    ("5 Mar 1990", date(1990, 3, 5)), (" 29/02/2024 ", date(2024, 2, 29)), ("1/3/25", date(2025, 3, 1)),
])
def test_parse_date(value, expected):
    assert parse_date(value) == expected


def test_day_first_always():
    assert parse_date("03/04/2020") == date(2020, 4, 3)
    assert parse_date("12/01/2020") == date(2020, 1, 12)


@pytest.mark.parametrize("value", [None, "", "   ", float("nan")])
def test_empty_is_none(value):
    assert parse_date(value) is None
    assert parse_datetime(value) is None
    assert parse_birth(value) == (None, False)


@pytest.mark.parametrize("value,reason", [
    ("31/02/2000", "day 31"), ("29/02/2023", "day 29"), ("13/13/2000", "month 13"), ("12/25/2020", "month 25"),
    ("abc", "not a date"), ("32/01/2000", "day 32"), ("2000-02-30", "day 30"), (5, "not a plausible"),
    (10**7, "not a plausible"), (True, "not a date"), ("1/2", "not a date"), ("0/0/0", "not a date"), ("0/0/2000", "month 0"),
])
def test_bad_dates_raise_with_reason(value, reason):
    with pytest.raises(ValueError, match=reason):
        parse_date(value)


def test_parse_birth():
    today = date(2026, 11, 22)
    assert parse_birth("1990", today) == (date(1990, 1, 1), True)
    assert parse_birth(1990, today) == (date(1990, 1, 1), True)
    assert parse_birth("1990.0", today) == (date(1990, 1, 1), True)
    assert parse_birth("03/1990", today) == (date(1990, 3, 1), True)
    assert parse_birth("23/12/1964", today) == (date(1964, 12, 23), False)
    assert parse_birth(date(1979, 9, 1), today) == (date(1979, 9, 1), False)
    # two-digit years: never in the future
    assert parse_birth("1/3/85", today) == (date(1985, 3, 1), False)
    assert parse_birth("1/3/09", today) == (date(2009, 3, 1), False)
    assert parse_birth("1/3/26", today) == (date(2026, 3, 1), False)
    assert parse_birth("1/3/27", today) == (date(1927, 3, 1), False)
    with pytest.raises(ValueError, match="future"):
        parse_birth("01/01/2030", today)
    with pytest.raises(ValueError):
        parse_birth("31/02/2000", today)


def test_parse_datetime():
    assert parse_datetime("12/03/2025 14:35") == datetime(2025, 3, 12, 14, 35)
    assert parse_datetime("12/03/2025 14:35:10") == datetime(2025, 3, 12, 14, 35, 10)
    assert parse_datetime("12/03/2025 2:35 CH") == datetime(2025, 3, 12, 14, 35)
    assert parse_datetime("12/03/2025 02:35 PM") == datetime(2025, 3, 12, 14, 35)
    assert parse_datetime("14:35 12/03/2025") == datetime(2025, 3, 12, 14, 35)
    assert parse_datetime("2025-03-12T09:01:00") == datetime(2025, 3, 12, 9, 1)
    assert parse_datetime("2025-03-12 09:01") == datetime(2025, 3, 12, 9, 1)
    assert parse_datetime("12/03/2025") == datetime(2025, 3, 12)
    assert parse_datetime(date(2025, 3, 12)) == datetime(2025, 3, 12)
    assert parse_datetime(datetime(2025, 3, 12, 9, 1)) == datetime(2025, 3, 12, 9, 1)
    assert parse_datetime(45658.5) == datetime(2025, 1, 1, 12, 0)
    aware = parse_datetime("2025-03-12T09:01:00+07:00")
    assert aware.tzinfo is None  # naive local time
    with pytest.raises(ValueError):
        parse_datetime("12/03/2025 25:61")
    with pytest.raises(ValueError):
        parse_datetime("hôm qua")


def test_excel_serial():
    assert excel_serial_to_datetime(45658) == datetime(2025, 1, 1)
    assert excel_serial_to_datetime(45658.25) == datetime(2025, 1, 1, 6, 0)
    with pytest.raises(ValueError):
        excel_serial_to_datetime(10)


def test_format():
    assert format_date(date(2025, 3, 1)) == "01/03/2025"
    assert format_date(datetime(2025, 3, 1, 10, 5)) == "01/03/2025"
    assert format_date(None) == ""
    assert format_date("2025-03-01") == "01/03/2025"
    assert format_datetime(datetime(2025, 3, 1, 9, 5, 7)) == "01/03/2025 09:05"
    assert format_datetime(datetime(2025, 3, 1, 9, 5, 7), seconds=True) == "01/03/2025 09:05:07"
    assert format_datetime(date(2025, 3, 1)) == "01/03/2025"
    assert format_datetime(None) == ""


def test_format_parse_round_trip():
    d = date(1900, 1, 1)
    while d.year < 2100:
        assert parse_date(format_date(d)) == d
        d = date.fromordinal(d.toordinal() + 97)
