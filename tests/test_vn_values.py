import pytest

from loyalty_desktop.vn.values import parse_gender


@pytest.mark.parametrize("value", ["Nam", "nam", "NAM", " Nam ", "M", "m", "Male", "male", "1", 1, 1.0, "Anh",
                                   "anh", "ông", "Ông", "ong", "Mr."])
def test_male(value):
    assert parse_gender(value) == "male"


@pytest.mark.parametrize("value", ["Nữ", "nữ", "NỮ", "Nu", "nu", "F", "f", "Female", "0", 0, 0.0, "Chị", "chị",
                                   "bà", "Bà", " Nữ ", "Mrs", "Ms"])
def test_female(value):
    assert parse_gender(value) == "female"


@pytest.mark.parametrize("value", [None, "", "  ", "Khác", "other", "?", 2, 1.5, float("nan"), True, "Nam Nữ",
                                   "unknown", "x"])
def test_unknown(value):
    assert parse_gender(value) == "unknown"
