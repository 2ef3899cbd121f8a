from datetime import datetime

import pytest

from loyalty_desktop.campaigns import decree
from loyalty_desktop.campaigns.templates import given_name, parse_template, render
from loyalty_desktop.errors import InvalidInput

ROW = {
    "id": 7, "code": "KH0007", "full_name": "Nguyễn Thị Thu Hà", "phone": "+84912345678", "gender": "female",
    "points": 1250, "tier": "Vàng", "total_spent": 12_500_000, "last_purchase_at": datetime(2026, 3, 5, 14, 30),
}
EMPTY = {"id": 8, "code": None, "full_name": "", "phone": "+84912345679", "gender": "unknown",
         "points": None, "tier": None, "total_spent": None, "last_purchase_at": None}


def test_every_placeholder():
    tpl = parse_template("{xung_ho} {ten}|{ho_ten}|{diem}|{hang}|{tong_chi}|{ngay_mua_cuoi}|{ma_kh}|{cua_hang}",
                         shop_name="Mộc Spa")
    assert tpl.render(ROW) == "chị Hà|Nguyễn Thị Thu Hà|1.250|Vàng|12.500.000 ₫|05/03/2026|KH0007|Mộc Spa"


def test_missing_values_use_fallbacks():
    tpl = parse_template("Chào {xung_ho} {ten}, hạng {hang}, {diem} điểm, mua cuối {ngay_mua_cuoi} tại {cua_hang}")
    assert tpl.render(EMPTY) == "Chào bạn quý khách, hạng thành viên, 0 điểm, mua cuối chưa có tại cửa hàng"


def test_inline_fallback_and_capital():
    tpl = parse_template("{Xung_ho} {ten|bạn} ơi")
    assert tpl.render(EMPTY) == "Bạn bạn ơi"
    assert tpl.render({**ROW, "gender": "male", "full_name": "TRẦN VĂN AN"}) == "Anh An ơi"


def test_given_name_is_the_last_word():
    assert given_name("Nguyễn Văn An") == "An"
    assert given_name("  Lê   Thị   Hồng  Nhung ") == "Nhung"
    assert given_name("Hoa") == "Hoa"
    assert given_name(None) == ""


def test_unknown_placeholder_is_named():
    with pytest.raises(InvalidInput, match=r"\{ten_kh\}"):
        parse_template("Chào {ten_kh}")


def test_stray_brace_is_an_error_and_doubled_braces_are_literal():
    with pytest.raises(InvalidInput, match="brace"):
        parse_template("Giảm {ten")
    assert render("{{ten}} = {ten}", ROW) == "{ten} = Hà"


def test_placeholders_in_order():
    assert parse_template("{diem} {ten} {diem} {Ten}").placeholders == ["diem", "ten"]


def test_params_for_zns():
    tpl = parse_template("Chào {ten}, bạn có {diem} điểm")
    assert tpl.params(ROW) == {"ten": "Hà", "diem": "1.250"}


def test_decree_label_and_opt_out():
    text = decree.apply_decree("Giảm 20% hôm nay", advertising=True, opt_out_text="Tu choi: soan TC gui 9xxx")
    assert text == "QC Giảm 20% hôm nay. Tu choi: soan TC gui 9xxx"
    assert decree.check_message(text, True, opt_out_text="Tu choi: soan TC gui 9xxx") == []
    # already labelled / customer care message: unchanged
    assert decree.apply_decree("(QC) Sale", True, opt_out_text=None) == "(QC) Sale"
    assert decree.apply_decree("Cảm ơn chị", advertising=False, opt_out_text="TC") == "Cảm ơn chị"


def test_decree_warnings():
    codes = [w.code for w in decree.check_message("Sale 50%", True, datetime(2026, 1, 1, 22, 1))]
    assert codes == ["missing_label", "missing_opt_out", "send_time"]
    assert decree.check_message("Sale 50%", False, datetime(2026, 1, 1, 23, 0)) == []
    assert decree.send_time_ok(datetime(2026, 1, 1, 7, 0)) and decree.send_time_ok(datetime(2026, 1, 1, 22, 0))
    assert not decree.send_time_ok(datetime(2026, 1, 1, 6, 59))
    assert decree.has_opt_out("QC abc. Tu choi nhan tin soan TC gui 9029")
    assert not decree.has_ads_label("QCX sale") and decree.has_ads_label("[QC] sale")
