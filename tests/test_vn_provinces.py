import json
from pathlib import Path

import pytest

from loyalty_desktop.errors import InvalidInput
from loyalty_desktop.vn.provinces import (
    MERGED_FROM,
    OLD_PROVINCES,
    PROVINCES,
    REGIONS,
    ProvinceMatch,
    province_from_address,
    province_key,
    resolve_province,
    resolve_province_strict,
)
from loyalty_desktop.vn.text import fold

TRUTH = Path(__file__).parent / "data" / "samples" / "truth.json"


def test_34_current_and_63_old():
    assert len(PROVINCES) == 34
    assert len(OLD_PROVINCES) == 63
    assert set(OLD_PROVINCES.values()) == set(PROVINCES)
    assert set(PROVINCES.values()) == set(REGIONS) == {"north", "central", "south"}
    assert REGIONS == {"north": "Miền Bắc", "central": "Miền Trung", "south": "Miền Nam"}
    # 11 unchanged + 23 merged (17 of two provinces, 6 of three)
    sizes = sorted(len(v) for v in MERGED_FROM.values())
    assert sizes.count(1) == 11 and sizes.count(2) == 17 and sizes.count(3) == 6
    assert sum(sizes) == 63


def test_folded_names_do_not_collide():
    assert len({province_key(p) for p in OLD_PROVINCES}) == 63
    assert len({province_key(p) for p in PROVINCES}) == 34


@pytest.mark.parametrize("old,new", [
    ("Bình Dương", "Hồ Chí Minh"), ("Bà Rịa - Vũng Tàu", "Hồ Chí Minh"), ("Quảng Nam", "Đà Nẵng"),
    ("Hà Giang", "Tuyên Quang"), ("Yên Bái", "Lào Cai"), ("Vĩnh Phúc", "Phú Thọ"), ("Hòa Bình", "Phú Thọ"),
    ("Bắc Giang", "Bắc Ninh"), ("Thái Bình", "Hưng Yên"), ("Hải Dương", "Hải Phòng"), ("Hà Nam", "Ninh Bình"),
    ("Nam Định", "Ninh Bình"), ("Bắc Kạn", "Thái Nguyên"), ("Kon Tum", "Quảng Ngãi"), ("Bình Định", "Gia Lai"),
    ("Phú Yên", "Đắk Lắk"), ("Đắk Nông", "Lâm Đồng"), ("Ninh Thuận", "Khánh Hòa"), ("Bình Thuận", "Lâm Đồng"),
    ("Bình Phước", "Đồng Nai"), ("Long An", "Tây Ninh"), ("Tiền Giang", "Đồng Tháp"), ("Bến Tre", "Vĩnh Long"),
    ("Trà Vinh", "Vĩnh Long"), ("Sóc Trăng", "Cần Thơ"), ("Hậu Giang", "Cần Thơ"), ("Bạc Liêu", "Cà Mau"),
    ("Kiên Giang", "An Giang"), ("Quảng Bình", "Quảng Trị"), ("Thừa Thiên Huế", "Huế"), ("Lai Châu", "Lai Châu"),
    ("Điện Biên", "Điện Biên"), ("Sơn La", "Sơn La"), ("Lạng Sơn", "Lạng Sơn"), ("Cao Bằng", "Cao Bằng"),
    ("Quảng Ninh", "Quảng Ninh"), ("Thanh Hóa", "Thanh Hóa"), ("Nghệ An", "Nghệ An"), ("Hà Tĩnh", "Hà Tĩnh"),
    ("Hà Nội", "Hà Nội"),
])
def test_merger(old, new):
    m = resolve_province(old)
    assert m == ProvinceMatch(new, old, PROVINCES[new])
    assert resolve_province(fold(old)).province == new  # accent-free
    assert resolve_province(old.upper()).province == new


@pytest.mark.parametrize("text,province,old", [
    ("TP.HCM", "Hồ Chí Minh", "Hồ Chí Minh"), ("HCM", "Hồ Chí Minh", "Hồ Chí Minh"),
    ("TPHCM", "Hồ Chí Minh", "Hồ Chí Minh"), ("Sài Gòn", "Hồ Chí Minh", "Hồ Chí Minh"),
    ("SG", "Hồ Chí Minh", "Hồ Chí Minh"), ("tp hcm", "Hồ Chí Minh", "Hồ Chí Minh"),
    ("Thành phố Hồ Chí Minh", "Hồ Chí Minh", "Hồ Chí Minh"), ("TP. Hồ Chí Minh", "Hồ Chí Minh", "Hồ Chí Minh"),
    ("Ho Chi Minh City", "Hồ Chí Minh", "Hồ Chí Minh"), ("HN", "Hà Nội", "Hà Nội"), ("TP. Hà Nội", "Hà Nội", "Hà Nội"),
    ("Thành phố Hà Nội", "Hà Nội", "Hà Nội"), ("Ha Noi", "Hà Nội", "Hà Nội"), ("hanoi", "Hà Nội", "Hà Nội"),
    ("BR-VT", "Hồ Chí Minh", "Bà Rịa - Vũng Tàu"), ("Bà Rịa–Vũng Tàu", "Hồ Chí Minh", "Bà Rịa - Vũng Tàu"),
    ("Vũng Tàu", "Hồ Chí Minh", "Bà Rịa - Vũng Tàu"),
    ("Khánh Hoà", "Khánh Hòa", "Khánh Hòa"), ("Khánh Hòa", "Khánh Hòa", "Khánh Hòa"),
    ("Thanh Hoá", "Thanh Hóa", "Thanh Hóa"), ("Hoà Bình", "Phú Thọ", "Hòa Bình"),
    ("Huế", "Huế", "Thừa Thiên Huế"), ("TT Huế", "Huế", "Thừa Thiên Huế"), ("Thừa Thiên - Huế", "Huế", "Thừa Thiên Huế"),
    ("Tỉnh Quảng Nam", "Đà Nẵng", "Quảng Nam"), ("tỉnh bình dương", "Hồ Chí Minh", "Bình Dương"),
    ("TP Cần Thơ", "Cần Thơ", "Cần Thơ"), ("Can Tho", "Cần Thơ", "Cần Thơ"),
    ("Daklak", "Đắk Lắk", "Đắk Lắk"), ("Đăk Lăk", "Đắk Lắk", "Đắk Lắk"), ("Đắk Nông", "Lâm Đồng", "Đắk Nông"),
    ("Bắc Cạn", "Thái Nguyên", "Bắc Kạn"), ("Nha Trang", "Khánh Hòa", "Khánh Hòa"), ("Đà Lạt", "Lâm Đồng", "Lâm Đồng"),
    ("  hà   nội  ", "Hà Nội", "Hà Nội"),
])
def test_aliases(text, province, old):
    m = resolve_province(text)
    assert m is not None, text
    assert (m.province, m.old_province, m.region) == (province, old, PROVINCES[province])


@pytest.mark.parametrize("text", [None, "", "  ", "abc", "Quận Hải Châu", "Trần Hưng Đạo", "Hai Bà Trưng",
                                  "Lê Duẩn", "Quận 1", "Việt Nam", "Hà", "Điện Biên Phủ", "Nguyễn Huệ x"])
def test_not_a_province(text):
    assert resolve_province(text) is None


def test_strict():
    assert resolve_province_strict("TP.HCM") == "Hồ Chí Minh"
    assert resolve_province_strict("Bình Dương") == "Hồ Chí Minh"
    for p in PROVINCES:
        assert resolve_province_strict(p) == p
    with pytest.raises(InvalidInput, match="Unknown province: Atlantis"):
        resolve_province_strict("Atlantis")
    with pytest.raises(InvalidInput):
        resolve_province_strict("")


def test_match_helpers():
    m = resolve_province("Bình Dương")
    assert m.merged and m.region_vi == "Miền Nam"
    assert not resolve_province("Hà Nội").merged
    assert not resolve_province("Huế").merged


@pytest.mark.parametrize("text,province", [
    ("12 Lê Lợi, Q.1, TP.HCM", "Hồ Chí Minh"),
    ("Hà Nội - Quận Tây Hồ", "Hà Nội"),
    ("Lào Cai - Quận Hải Châu", "Lào Cai"),  # KiotViet: province before " - ", whatever the district says
    ("Tuyên Quang - Quận Ninh Kiều", "Tuyên Quang"),
    ("Quảng Bình - Huyện Quảng Ninh", "Quảng Trị"),  # a district named like a province is not one
    ("123 Điện Biên Phủ, Quận Bình Thạnh, Hồ Chí Minh", "Hồ Chí Minh"),
    ("12 Xa lộ Hà Nội, TP Thủ Đức, TP.HCM", "Hồ Chí Minh"),
    ("45 đường Hải Phòng, Đà Nẵng", "Đà Nẵng"),
    ("280 Lê Duẩn, An Giang", "An Giang"),
    ("272 Trần Hưng Đạo, Vĩnh Long", "Vĩnh Long"),
    ("127 Hùng Vương, Thanh Hoá", "Thanh Hóa"),
    ("so 5 Le Loi quan 1 tp Ho Chi Minh", "Hồ Chí Minh"),
    ("số 3 Trần Hưng Đạo Hà Nội", "Hà Nội"),
    ("12 Lê Lợi Huế", "Huế"),
    ("12 Nguyen Hue, Hue", "Huế"),
    ("Thôn 2, xã Ea Kao, Buôn Ma Thuột, Đắk Lắk, Việt Nam", "Đắk Lắk"),
    ("Ấp 3 xã Long An huyện Long Thành Đồng Nai", "Đồng Nai"),
    ("12 Le Loi Q1 Saigon", "Hồ Chí Minh"),
    ("KCN Mỹ Phước, Bến Cát, Bình Dương", "Hồ Chí Minh"),
    ("TP.HCM", "Hồ Chí Minh"),
])
def test_province_from_address(text, province):
    m = province_from_address(text)
    assert m is not None, text
    assert m.province == province, (text, m)


@pytest.mark.parametrize("text", [
    "12 Nguyễn Huệ, Quận 1", "123 Điện Biên Phủ, Quận Bình Thạnh", "182 Hai Bà Trưng", "101 Trần Hưng Đạo",
    "74 Lê Duẩn", "Quận Hải Châu", "12 Điện Biên Phủ", "", None, "Phường 2", "12 Nguyen Hue, Q1",
    "5 Quang Trung",
])
def test_province_from_address_no_false_hits(text):
    assert province_from_address(text) is None


def test_old_province_kept_from_address():
    m = province_from_address("Số 9, đường 30/4, Phường 1, TP. Vũng Tàu, Bà Rịa - Vũng Tàu")
    assert (m.province, m.old_province) == ("Hồ Chí Minh", "Bà Rịa - Vũng Tàu")


def test_truth_json_agrees_with_mapping():
    truth = json.loads(TRUTH.read_text(encoding="utf-8"))
    assert truth["customers"]
    for c in truth["customers"]:
        m = resolve_province(c["old_province"])
        assert m is not None, c["old_province"]
        assert (m.old_province, m.province, m.region) == (c["old_province"], c["province"], c["region"]), c
        assert resolve_province(c["province"]).province == c["province"]
