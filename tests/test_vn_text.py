import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from loyalty_desktop.vn.text import clean_name, fold, has_diacritics, nfc, remove_accents

VI = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"


def test_nfc_composes_decomposed_text():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hương")
    assert decomposed != "Nguyễn Thị Hương"
    assert nfc(decomposed) == "Nguyễn Thị Hương"
    assert nfc(None) == ""
    assert nfc(123) == "123"
    assert nfc("plain") == "plain"


def test_fold_basics():
    assert fold("Nguyễn Văn Đức") == "nguyen van duc"
    assert fold("ĐẶNG   THỊ\tHỒNG ") == "dang thi hong"
    assert fold("  Hà Nội ") == "ha noi"
    assert fold("Khánh Hoà") == fold("Khánh Hòa") == "khanh hoa"
    assert fold(unicodedata.normalize("NFD", "Thừa Thiên Huế")) == "thua thien hue"
    assert fold("") == "" and fold(None) == ""
    assert fold("Đ") == "d" and fold("đ") == "d"
    assert fold("Ưu đãi 20%") == "uu dai 20%"
    assert fold("a\u200bb") == "ab"  # zero-width space dropped


def test_fold_every_vietnamese_letter_is_ascii():
    assert fold(VI).isascii()
    assert fold(VI.upper()).isascii()
    assert fold(VI.upper()) == fold(VI)


@given(st.text(alphabet=VI + VI.upper() + " \t\n0123456789-.,"))
def test_fold_idempotent_and_ascii(s):
    once = fold(s)
    assert fold(once) == once
    assert once.isascii()
    assert once == once.strip() and "  " not in once


@given(st.text())
def test_fold_idempotent_any_text(s):
    assert fold(fold(s)) == fold(s)


def test_remove_accents_keeps_case():
    assert remove_accents("Chị Hương ơi, Đà Nẵng") == "Chi Huong oi, Da Nang"
    assert remove_accents(unicodedata.normalize("NFD", "Đỗ Thị Ánh")) == "Do Thi Anh"


def test_has_diacritics():
    assert has_diacritics("Hà Nội")
    assert has_diacritics("đ")
    assert not has_diacritics("Ha Noi")
    assert not has_diacritics("")


def test_clean_name_caps_to_title():
    assert clean_name("  NGUYỄN HỒNG HƯƠNG ") == "Nguyễn Hồng Hương"
    assert clean_name("ĐỖ HOÀNG HẢI") == "Đỗ Hoàng Hải"
    assert clean_name("ĐẶNG DIỆU HÀ") == "Đặng Diệu Hà"
    assert clean_name(unicodedata.normalize("NFD", "VÕ QUỐC LONG")) == "Võ Quốc Long"
    assert clean_name("NGUYỄN-TRẦN AN") == "Nguyễn-Trần An"


def test_clean_name_spaces_and_mixed_case_kept():
    assert clean_name("Nguyễn   Văn \t An") == "Nguyễn Văn An"
    assert clean_name("Lê thị Hoa") == "Lê thị Hoa"
    assert clean_name("McDonald Trần") == "McDonald Trần"
    assert clean_name("Nguyễn Bảo Ngọc") == "Nguyễn Bảo Ngọc"


def test_clean_name_all_lower_titled_and_edge_cases():
    assert clean_name("nguyễn văn an") == "Nguyễn Văn An"
    assert clean_name("") == ""
    assert clean_name("   ") == ""
    assert clean_name(None) == ""
    assert clean_name("KH 123") == "Kh 123"
    assert clean_name("123") == "123"  # no letters: as is
    assert clean_name("A") == "A"


def test_clean_name_result_is_nfc():
    out = clean_name(unicodedata.normalize("NFD", "  trần   thị  ánh "))
    assert out == "Trần Thị Ánh"
    assert unicodedata.is_normalized("NFC", out)
