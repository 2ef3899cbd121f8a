"""User-facing errors of the core carry a Vietnamese text (``vi=``) next to the English ``str(exc)``.

The CLI and logs stay English; the UI shows ``exc.text(lang)`` in the interface language.
"""

from __future__ import annotations

import ast
import sqlite3
import unicodedata
from pathlib import Path

import pytest

from loyalty_desktop.errors import DatabaseError, InvalidInput, UserError

PACKAGE = Path(__file__).resolve().parents[1] / "loyalty_desktop"
ENCRYPTED = Path(__file__).parent / "data" / "files" / "password_matkhau.xlsx"

# Core files whose user errors must all carry Vietnamese (the CLI in commands/ stays English).
CORE_FILES = sorted(
    ["errors.py", "db.py", "customers.py", "tags.py", "settings.py", "stats.py", "demo.py",
     *(f"campaigns/{p.name}" for p in (PACKAGE / "campaigns").glob("*.py")),
     *(f"vn/{p.name}" for p in (PACKAGE / "vn").glob("*.py")),
     "importing/readers.py", "importing/mapping.py", "importing/engine.py", "importing/report.py",
     *(f"segments/{n}.py" for n in ("rules", "store", "editing", "compiler", "runner", "explain", "templates"))]
)
ERROR_CLASSES = {"UserError", "InvalidInput", "DatabaseError", "FileProblem", "RuleValueError"}


def vietnamese(text: str) -> bool:
    """Has Vietnamese letters with diacritics (not just ASCII)."""
    return "đ" in text.lower() or unicodedata.normalize("NFD", text) != text


def assert_translated(exc: UserError, *values: str) -> None:
    en, vi = str(exc), exc.text("vi")
    assert exc.vi, f"no Vietnamese for {en!r}"
    assert vi != en and vietnamese(vi), vi
    assert exc.text("en") == en
    for value in values:
        assert value in en and value in vi, (value, en, vi)


# ---- the mechanism ---------------------------------------------------------------------------------

def test_text_picks_the_language_and_falls_back_to_english():
    exc = InvalidInput("Colour is wrong.", vi="Màu không đúng.")
    assert str(exc) == "Colour is wrong." and exc.exit_code == 2
    assert exc.text("vi") == "Màu không đúng." and exc.text("vi_VN") == "Màu không đúng."
    assert exc.text("en") == exc.text() == exc.text(None) == "Colour is wrong."
    plain = UserError("Only English.")
    assert plain.vi is None and plain.text("vi") == "Only English."
    assert isinstance(DatabaseError("x", vi="y"), UserError) and DatabaseError("x", vi="y").text("vi") == "y"


def test_vietnamese_survives_pickling():
    import pickle

    again = pickle.loads(pickle.dumps(InvalidInput("bad", vi="sai")))
    assert str(again) == "bad" and again.text("vi") == "sai"


def test_file_problem_keeps_its_older_positional_vietnamese():
    from loyalty_desktop.importing.readers import FileProblem

    old = FileProblem("Empty.", "Trống.")
    new = FileProblem("Empty.", vi="Trống.")
    for exc in (old, new):
        assert str(exc) == "Empty." and exc.text("vi") == "Trống." and exc.message_vi == "Trống."
    assert FileProblem("Empty.").text("vi") == "Empty."


# ---- real errors from each area ------------------------------------------------------------------

def test_duplicate_tag_name(db):
    from loyalty_desktop import tags

    with db.begin() as conn:
        tags.create_tag(conn, "Khách VIP")
    with db.begin() as conn, pytest.raises(UserError) as info:
        tags.create_tag(conn, "khach vip")
    assert "already exists" in str(info.value)
    assert_translated(info.value, "Khách VIP")
    assert "Đã có thẻ" in info.value.text("vi")


def test_bad_tag_colour_and_empty_group_name(db):
    from loyalty_desktop import tags

    with db.begin() as conn, pytest.raises(InvalidInput) as info:
        tags.create_tag(conn, "Mới", color="red")
    assert_translated(info.value, "'red'")
    with db.begin() as conn, pytest.raises(InvalidInput) as info:
        tags.create_group(conn, "   ")
    assert "nhóm thẻ" in info.value.text("vi")


def test_phone_already_used_by_another_customer(db):
    from loyalty_desktop import customers as cu

    with db.begin() as conn:
        first = cu.add_customer(conn, {"full_name": "Nguyễn Thị Lan", "phone": "0912345678"})
    with db.begin() as conn, pytest.raises(cu.PhoneConflict) as info:
        cu.add_customer(conn, {"full_name": "Trần Văn Bình", "phone": "0912 345 678"})
    assert info.value.other_id == first
    assert_translated(info.value, "+84912345678", "Nguyễn Thị Lan", f"#{first}")


def test_customer_field_errors_are_translated(db):
    from loyalty_desktop import customers as cu

    with db.begin() as conn, pytest.raises(cu.ValidationError) as info:
        cu.add_customer(conn, {"full_name": "", "phone": "09123"})
    assert "Name is required." in str(info.value)
    assert_translated(info.value, "09123")
    assert "Cần nhập họ tên." in info.value.text("vi")


def test_purchase_amount_and_missing_customer(db):
    from loyalty_desktop import customers as cu

    with db.begin() as conn, pytest.raises(InvalidInput) as info:
        cu.record_purchase(conn, 1, 0)
    assert_translated(info.value, "0")
    with db.begin() as conn, pytest.raises(UserError) as info:
        cu.record_purchase(conn, 424242, 150000)
    assert_translated(info.value, "424242")


def test_password_protected_file():
    from loyalty_desktop.importing.readers import FileProblem, open_workbook

    with pytest.raises(FileProblem) as info:
        open_workbook(ENCRYPTED)
    assert "password" in str(info.value)
    assert_translated(info.value, ENCRYPTED.name)
    assert "mật khẩu" in info.value.text("vi")


@pytest.mark.parametrize("content", [b"PK\x03\x04" + b"\x00garbage" * 50, b"%PDF-1.4 not a sheet\n" * 20])
def test_damaged_or_foreign_file(tmp_path, content):
    from loyalty_desktop.importing.readers import FileProblem, open_workbook

    path = tmp_path / "danh_sach.xlsx"
    path.write_bytes(content)
    with pytest.raises(FileProblem) as info:
        open_workbook(path)
    assert_translated(info.value, "danh_sach.xlsx")


def test_import_without_phone_column(db, tmp_path):
    from loyalty_desktop.importing import run_import

    path = tmp_path / "khach.csv"
    path.write_text("Họ tên,Ghi chú\nLan,abc\nBình,xyz\n", encoding="utf-8")
    with pytest.raises(UserError) as info:
        run_import(db, path, "customers")
    assert "phone" in str(info.value).lower()
    assert_translated(info.value, "khach.csv", "Họ tên")
    assert "số điện thoại" in info.value.text("vi")


def test_mapping_with_unknown_field():
    from loyalty_desktop.importing.mapping import mapping_from_json

    with pytest.raises(InvalidInput) as info:
        mapping_from_json({"columns": {"SĐT": "telephone"}}, ["SĐT"], "customers")
    assert_translated(info.value, "'telephone'", "'SĐT'")


def test_invalid_rule_age_between_one_number():
    from loyalty_desktop.segments.rules import parse_rule

    rule = {"all": [{"field": "gender", "op": "eq", "value": "female"},
                    {"field": "age", "op": "between", "value": [30]}]}
    with pytest.raises(InvalidInput) as info:
        parse_rule(rule)
    assert str(info.value) == "age: between needs two numbers, got [30] (at all[1])"
    assert_translated(info.value, "[30]", "all[1]")
    assert info.value.text("vi").startswith("Tuổi:")


@pytest.mark.parametrize("node, values", [
    ({"field": "age", "op": "gte", "value": 200}, ["200", "150"]),
    ({"field": "province", "op": "in", "value": ["Atlantis"]}, ["Atlantis"]),
    ({"field": "last_purchase_at", "op": "before", "value": "hôm qua"}, ["hôm qua"]),
    ({"field": "total_spent", "op": "gte", "value": 1.5}, ["1.5"]),
    ({"field": "nope", "op": "eq", "value": 1}, ["nope"]),
    ({"all": {"field": "age"}}, []),
    ({"version": 7, "rule": {"all": []}}, ["7"]),
])
def test_other_invalid_rules(node, values):
    from loyalty_desktop.segments.rules import parse_rule

    with pytest.raises(InvalidInput) as info:
        parse_rule(node)
    assert_translated(info.value, *values)


def test_rule_editor_errors(db):
    from loyalty_desktop.segments.editing import RuleTree

    tree = RuleTree()
    with pytest.raises(InvalidInput) as info:
        tree.load({"version": 3, "rule": {"all": []}})
    assert_translated(info.value, "3")


def test_duplicate_and_unknown_segment(db):
    from loyalty_desktop.segments import store

    rule = {"field": "age", "op": "gte", "value": 30}
    with db.begin() as conn:
        store.save_segment(conn, "Khách trung niên", rule)
    with db.begin() as conn, pytest.raises(InvalidInput) as info:
        store.save_segment(conn, "khach trung nien", rule)
    assert_translated(info.value, "Khách trung niên")
    with db.connect() as conn, pytest.raises(UserError) as info:
        store.rule_for_segment(conn, "Không có")
    assert_translated(info.value, "Không có")


def test_unknown_province():
    from loyalty_desktop.vn.provinces import resolve_province_strict

    with pytest.raises(InvalidInput) as info:
        resolve_province_strict("Atlantis")
    assert str(info.value) == "Unknown province: Atlantis"
    assert info.value.text("vi") == "Không rõ tỉnh/thành: Atlantis"


def test_newer_schema_database(db_path):
    from loyalty_desktop.db import open_database

    open_database(str(db_path)).dispose()
    with sqlite3.connect(db_path) as raw:
        raw.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(DatabaseError) as info:
        open_database(str(db_path))
    assert "newer version" in str(info.value)
    assert_translated(info.value, str(db_path), "9999")
    assert "phiên bản" in info.value.text("vi")


def test_not_a_database_file(tmp_path):
    from loyalty_desktop.db import open_database

    bad = tmp_path / "ghi_chu.db"
    bad.write_text("hello")
    with pytest.raises(DatabaseError) as info:
        open_database(str(bad))
    assert_translated(info.value, str(bad))


def test_campaign_template_and_recipients(db):
    from loyalty_desktop.campaigns.recipients import RecipientSpec, build_recipients
    from loyalty_desktop.campaigns.templates import parse_template

    with pytest.raises(InvalidInput) as info:
        parse_template("Chào {ten_khach}, giảm 10%")
    assert_translated(info.value, "{ten_khach}")
    with pytest.raises(InvalidInput) as info:
        parse_template("Chào {name")
    assert_translated(info.value, "'{'")
    with db.connect() as conn, pytest.raises(InvalidInput) as info:
        build_recipients(conn, RecipientSpec(sources=[]))
    assert_translated(info.value)


def test_campaign_export_bad_file_name(tmp_path):
    from loyalty_desktop.campaigns.writers import file_kind

    with pytest.raises(InvalidInput) as info:
        file_kind(tmp_path / "gui_tin.pdf")
    assert_translated(info.value, "gui_tin.pdf")


def test_demo_refuses_a_database_with_customers(db):
    from loyalty_desktop import customers as cu
    from loyalty_desktop.demo import generate_demo

    with db.begin() as conn:
        cu.add_customer(conn, {"full_name": "Lê Hoa", "phone": "0987654321"})
    with pytest.raises(UserError) as info:
        generate_demo(db, 10, 10, seed=1)
    assert_translated(info.value, "1", "--db demo.db")


# ---- every raise in the core passes vi= (read from the source, so it cannot rot) -----------------

def _error_calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            fn = node.func
            name = fn.id if isinstance(fn, ast.Name) else fn.attr if isinstance(fn, ast.Attribute) else None
            if name in ERROR_CLASSES:
                yield node


def test_core_file_list_is_real():
    for rel in CORE_FILES:
        assert (PACKAGE / rel).is_file(), rel
    assert len(CORE_FILES) > 20


def test_every_user_error_in_the_core_passes_vi():
    missing, seen = [], 0
    for rel in CORE_FILES:
        source = (PACKAGE / rel).read_text(encoding="utf-8")
        for call in _error_calls(ast.parse(source)):
            seen += 1
            vi = next((k.value for k in call.keywords if k.arg == "vi"), None)
            if vi is None:
                missing.append(f"{rel}:{call.lineno}: {ast.get_source_segment(source, call)[:90]}")
            elif isinstance(vi, ast.Constant) and not (isinstance(vi.value, str) and vietnamese(vi.value)):
                missing.append(f"{rel}:{call.lineno}: vi= is not Vietnamese text")
    assert seen > 150, seen  # the scan really finds the raise statements
    assert not missing, "user errors without vi=:\n" + "\n".join(missing)


def test_user_error_subclasses_in_the_core_give_vietnamese():
    """Subclasses with their own __init__ (PhoneConflict, ValidationError, FileProblem…) pass vi= up."""
    bad, found = [], 0
    for rel in CORE_FILES:
        source = (PACKAGE / rel).read_text(encoding="utf-8")
        for cls in ast.walk(ast.parse(source)):
            if not isinstance(cls, ast.ClassDef):
                continue
            bases = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in cls.bases}
            if not bases & {"UserError", "InvalidInput", "DatabaseError", "FileProblem"}:
                continue
            for fn in cls.body:
                if isinstance(fn, ast.FunctionDef) and fn.name == "__init__":
                    found += 1
                    supers = [c for c in ast.walk(fn) if isinstance(c, ast.Call)
                              and isinstance(c.func, ast.Attribute) and c.func.attr == "__init__"]
                    if not any(any(k.arg == "vi" for k in c.keywords) for c in supers):
                        bad.append(f"{rel}: {cls.name}.__init__")
    assert found >= 3, found
    assert not bad, bad


# ---- the UI shows the interface language ----------------------------------------------------------

@pytest.fixture
def ctx(qapp, db):
    from loyalty_desktop.ui.context import AppContext

    context = AppContext(db)
    yield context
    context.tasks.shutdown()


def _tag_conflict(db) -> UserError:
    from loyalty_desktop import tags

    with db.begin() as conn:
        tags.create_tag(conn, "Thân thiết")
    try:
        with db.begin() as conn:
            tags.create_tag(conn, "THAN THIET")
    except UserError as exc:
        return exc
    raise AssertionError("duplicate tag was accepted")


def test_error_text_follows_the_interface_language(qapp, ctx, db, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from loyalty_desktop.ui.i18n import current_language, install_translations

    exc = _tag_conflict(db)
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: shown.append((title, text)))
    install_translations(qapp, "vi")
    try:
        assert current_language() == "vi"
        text = ctx.error_text(exc)
        assert text == exc.vi and "Đã có thẻ tên “Thân thiết”" in text
        ctx.show_error(None, "Thẻ", exc)
        assert shown[-1] == ("Thẻ", exc.vi)
    finally:
        install_translations(qapp, "en")
    assert current_language() == "en"
    assert ctx.error_text(exc) == str(exc) and "already exists" in ctx.error_text(exc)
    ctx.show_error(None, "Tags", exc)
    assert shown[-1] == ("Tags", str(exc))


def test_error_text_without_vietnamese_and_for_bugs(qapp, ctx):
    from loyalty_desktop.ui.i18n import install_translations

    install_translations(qapp, "vi")
    try:
        assert ctx.error_text(UserError("English only")) == "English only"
        bug = ctx.error_text(RuntimeError("boom"))
        assert "boom" in bug and bug != "boom"
    finally:
        install_translations(qapp, "en")


def test_rule_builder_row_error_in_vietnamese(qapp):
    from loyalty_desktop.segments.editing import Condition
    from loyalty_desktop.ui.i18n import install_translations
    from loyalty_desktop.ui.widgets.rule_builder.canvas import friendly_error

    cond = Condition(1, "age", "between", [30], None)
    english = "age: between needs two numbers, got [30]"
    vi = "Tuổi: “trong khoảng” cần hai số, nhận được [30]"
    assert friendly_error(cond, english) == "between needs two numbers, got [30]"
    assert friendly_error(cond, english, vi) == "“trong khoảng” cần hai số, nhận được [30]"
    install_translations(qapp, "vi")
    try:
        from loyalty_desktop.segments.rules import parse_rule

        with pytest.raises(InvalidInput) as info:
            parse_rule({"field": "age", "op": "between", "value": [30]})
        assert friendly_error(cond, str(info.value), info.value.text("vi")) == \
            "“trong khoảng” cần hai số, nhận được [30]"
    finally:
        install_translations(qapp, "en")
