"""Customer list queries, search, pages, card data and edits (core, no Qt)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select, text

from loyalty_desktop import customers as cu
from loyalty_desktop import search_index
from loyalty_desktop.errors import InvalidInput, UserError
from loyalty_desktop.models import ConsentEvent, Customer, CustomerStats, CustomerTag, Purchase

PEOPLE = [
    ("Nguyễn Văn A", "0912345678", "male", "1990-05-01", "Hà Nội"),
    ("Nguyễn Văn Anh", "0912000111", "male", None, "Hà Nội"),
    ("Trần Thị Bích", "0987654321", "female", "1985-12-24", "Hồ Chí Minh"),
    ("Lê Đức Thọ", "0901234567", "male", "2000-01-01", None),
    ("Phạm Thị Thu Hà", "0388123456", "female", "1995-07-15", "Đà Nẵng"),
    ("Đặng Văn Lâm", "0356111222", "unknown", None, "Hải Phòng"),
]


@pytest.fixture
def shop(db):
    ids = {}
    with db.begin() as conn:
        for name, phone, gender, birth, prov in PEOPLE:
            ids[name] = cu.add_customer(conn, {"full_name": name, "phone": phone, "gender": gender,
                                               "birth_date": date.fromisoformat(birth) if birth else None,
                                               "province": prov})
        cu.record_purchase(conn, ids["Trần Thị Bích"], 1_500_000, datetime(2025, 3, 1, 10, 0))
        cu.record_purchase(conn, ids["Trần Thị Bích"], "2tr", datetime(2025, 6, 1, 10, 0))
        cu.record_purchase(conn, ids["Nguyễn Văn A"], 300_000, datetime(2025, 1, 2, 9, 0))
    return db, ids


def names(rows):
    return [r["full_name"] for r in rows]


def test_search_index_kept_in_sync_by_triggers(shop):
    db, ids = shop
    with db.begin() as conn:
        assert search_index.in_sync(conn)
        cu.update_customer(conn, ids["Lê Đức Thọ"], {"full_name": "Lê Văn Tám", "phone": "0977 111 222"})
        cu.delete_customers(conn, [ids["Đặng Văn Lâm"]])
        assert search_index.in_sync(conn)
        assert cu.count_customers(conn, cu.CustomerQuery(search="0977111")) == 1
        q = cu.CustomerQuery(search="van tam")
        assert names(cu.fetch_page(conn, q).rows) == ["Lê Văn Tám"]
        assert cu.count_customers(conn, cu.CustomerQuery(search="duc tho")) == 0
        assert cu.count_customers(conn, cu.CustomerQuery(search="dang van lam")) == 0


def test_search_index_check_sees_an_index_out_of_step(shop):
    """in_sync compares the index with the customers themselves (a check that cannot fail is no check)."""
    db, ids = shop
    with db.begin() as conn:
        conn.execute(text(f"DROP TRIGGER {search_index.TABLE}_au"))
        cu.update_customer(conn, ids["Lê Đức Thọ"], {"full_name": "Lê Văn Tám"})
        assert not search_index.in_sync(conn)
        search_index.rebuild(conn)
        assert search_index.in_sync(conn)
        assert cu.count_customers(conn, cu.CustomerQuery(search="van tam")) == 1


def test_migration_0009_moves_the_search_index_to_external_content_and_back(tmp_path):
    from alembic import command

    from loyalty_desktop.db import _alembic_config, make_engine, upgrade

    engine = make_engine(str(tmp_path / "m.db"))
    upgrade(engine, "0008")
    now = datetime(2026, 1, 1)
    with engine.begin() as conn:  # customers written under the 0003–0008 index and its triggers
        for k, name in enumerate(["nguyen van an", "tran thi binh", "le van cuong"]):
            conn.execute(text("INSERT INTO customer (full_name, name_folded, phone, phone_type, gender, points, "
                              "sms_opt_out, created_at, updated_at) VALUES (:n, :n, :p, 'mobile', 'unknown', 0, 0, "
                              ":t, :t)"), {"n": name, "p": f"+8491234567{k}", "t": now})

    def matches(conn, q):
        return sorted(conn.execute(text(f"SELECT rowid FROM {search_index.TABLE} WHERE {search_index.TABLE} "
                                        "MATCH :q"), {"q": q}).scalars())

    upgrade(engine, "head")
    with engine.begin() as conn:
        table_sql = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = :n"), {"n": search_index.TABLE}).scalar()
        assert "content='customer_search_source'" in table_sql and "columnsize=0" in table_sql
        assert search_index.in_sync(conn)
        assert matches(conn, '"van"') == [1, 3] and matches(conn, '"0912345671"') == [2]
        conn.execute(text("UPDATE customer SET name_folded = 'pham van duc' WHERE id = 2"))
        assert matches(conn, '"van"') == [1, 2, 3] and search_index.in_sync(conn)
    command.downgrade(_alembic_config(engine), "0008")
    with engine.begin() as conn:
        assert "content=" not in conn.execute(text("SELECT sql FROM sqlite_master WHERE name = :n"),
                                              {"n": search_index.TABLE}).scalar()
        assert matches(conn, '"van"') == [1, 2, 3]
        assert conn.execute(text("SELECT count(*) FROM sqlite_master WHERE name = :n"),
                            {"n": search_index.SOURCE_VIEW}).scalar() == 0
    engine.dispose()


@pytest.mark.parametrize("text,expected", [
    ("nguyen van a", {"Nguyễn Văn A", "Nguyễn Văn Anh"}),
    ("Nguyễn Văn A", {"Nguyễn Văn A", "Nguyễn Văn Anh"}),
    ("NGUYỄN VĂN ANH", {"Nguyễn Văn Anh"}),
    ("van nguyen", {"Nguyễn Văn A", "Nguyễn Văn Anh"}),  # words in any order
    ("0912", {"Nguyễn Văn A", "Nguyễn Văn Anh"}),
    ("912 345", {"Nguyễn Văn A"}),
    ("0912.345.678", {"Nguyễn Văn A"}),
    ("+84 912 345 678", {"Nguyễn Văn A"}),
    ("bich", {"Trần Thị Bích"}),
    ("thu ha", {"Phạm Thị Thu Hà"}),
    ("09", {"Nguyễn Văn A", "Nguyễn Văn Anh", "Trần Thị Bích", "Lê Đức Thọ"}),  # short: phone prefix
    ("tr", {"Trần Thị Bích"}),  # short: name prefix
    ("zzzz", set()),
    ("   ", None),
])
def test_search(shop, text, expected):
    db, _ = shop
    with db.connect() as conn:
        q = cu.CustomerQuery(search=text)
        got = set(names(cu.fetch_page(conn, q).rows))
        if expected is None:  # blank: everyone
            assert len(got) == len(PEOPLE)
        else:
            assert got == expected
            assert cu.count_customers(conn, q) == len(expected)


def test_search_with_quotes_and_fts_syntax_is_safe(shop):
    db, _ = shop
    with db.connect() as conn:
        for text in ['"', 'a" OR "b', "name : x", "NEAR(", "*", "a*b", "'; drop table customer; --"]:
            assert cu.count_customers(conn, cu.CustomerQuery(search=text)) >= 0


def test_search_without_fts_falls_back_to_like(shop):
    db, _ = shop
    with db.begin() as conn:
        search_index.uninstall(conn)
        assert cu.count_customers(conn, cu.CustomerQuery(search="nguyen van")) == 2
        assert cu.count_customers(conn, cu.CustomerQuery(search="0912")) == 2
        assert search_index.rebuild(conn) == len(PEOPLE)
        assert cu.count_customers(conn, cu.CustomerQuery(search="nguyen van")) == 2


def test_quick_filters(shop):
    db, ids = shop
    with db.begin() as conn:
        assert set(names(cu.fetch_page(conn, cu.CustomerQuery(province="Hà Nội")).rows)) == {"Nguyễn Văn A", "Nguyễn Văn Anh"}
        assert cu.count_customers(conn, cu.CustomerQuery(gender="female")) == 2
        assert set(names(cu.fetch_page(conn, cu.CustomerQuery(has_purchases=True)).rows)) == {"Nguyễn Văn A", "Trần Thị Bích"}
        assert cu.count_customers(conn, cu.CustomerQuery(has_purchases=False)) == 4
        cu.set_opt_out(conn, [ids["Lê Đức Thọ"]], True)
        assert names(cu.fetch_page(conn, cu.CustomerQuery(opted_out=True)).rows) == ["Lê Đức Thọ"]
        from loyalty_desktop import tags

        tid = tags.create_tag(conn, "VIP")
        tags.apply_tag(conn, tid, ids=[ids["Trần Thị Bích"]])
        assert names(cu.fetch_page(conn, cu.CustomerQuery(tag_id=tid)).rows) == ["Trần Thị Bích"]
        q = cu.CustomerQuery(rule={"field": "total_spent", "op": "gte", "value": 1_000_000})
        assert names(cu.fetch_page(conn, q).rows) == ["Trần Thị Bích"]
        from loyalty_desktop.segments.store import save_segment

        save_segment(conn, "Nữ", {"field": "gender", "op": "eq", "value": "female"})
        q = cu.CustomerQuery(segment="Nữ", search="bich")
        assert names(cu.fetch_page(conn, q).rows) == ["Trần Thị Bích"]
        with pytest.raises(UserError):
            cu.count_customers(conn, cu.CustomerQuery(segment="không có"))


@pytest.mark.parametrize("sort", [k for k, v in cu.COLUMNS.items() if v.sort is not None])
@pytest.mark.parametrize("descending", [False, True])
def test_pages_keyset_and_offset_agree_for_every_sort(db, sort, descending):
    from loyalty_desktop.demo import generate_demo

    generate_demo(db, 300, 1500, seed=5)
    with db.connect() as conn:
        q = cu.CustomerQuery(sort=sort, descending=descending)
        full = cu.fetch_page(conn, q, limit=1000).rows
        assert len(full) == 300 and len({r["id"] for r in full}) == 300
        walked, after = [], None
        while True:
            page = cu.fetch_page(conn, q, after=after, limit=37)
            walked += [r["id"] for r in page.rows]
            if len(page.rows) < 37:
                break
            after = page.last_key
        assert walked == [r["id"] for r in full]
        for offset in (0, 1, 150, 299):
            assert [r["id"] for r in cu.fetch_page(conn, q, offset=offset, limit=10).rows] == walked[offset:offset + 10]
        assert cu.fetch_page(conn, q, offset=300).rows == []
        key = {"name": "full_name", "total_spent": "total_spent", "points": "points"}.get(sort)
        if key:
            values = [r[key] for r in full]
            if sort == "name":
                values = [cu._fold(v) for v in values]
            assert values == sorted(values, reverse=descending)


def test_bad_sort_and_limit(shop):
    db, _ = shop
    with db.connect() as conn:
        with pytest.raises(InvalidInput):
            cu.fetch_page(conn, cu.CustomerQuery(sort="tags"))
        with pytest.raises(InvalidInput):
            cu.fetch_page(conn, cu.CustomerQuery(sort="nope"))
        with pytest.raises(InvalidInput):
            cu.fetch_page(conn, cu.CustomerQuery(), limit=0)


def test_card_data(shop):
    db, ids = shop
    with db.begin() as conn:
        cid = ids["Trần Thị Bích"]
        cu.set_opt_out(conn, [cid], True, note="gọi điện từ chối")
        card = cu.get_customer(conn, cid)
        assert card["full_name"] == "Trần Thị Bích" and card["total_spent"] == 3_500_000 and card["order_count"] == 2
        assert card["purchase_count"] == 2 and card["sms_opt_out"] is True
        assert card["consent"][0]["opted_out"] is True and card["consent"][0]["note"] == "gọi điện từ chối"
        assert card["points"] == 3_500_000 // 10_000 or card["points"] > 0
        rows = cu.purchases_page(conn, cid, 0, 1)
        assert len(rows) == 1 and rows[0]["amount"] == 2_000_000
        assert cu.purchases_page(conn, cid, 1, 10)[0]["amount"] == 1_500_000
        from loyalty_desktop.segments.store import save_segment

        save_segment(conn, "Chi trên 1 triệu", {"field": "total_spent", "op": "gt", "value": 1_000_000})
        save_segment(conn, "Nam", {"field": "gender", "op": "eq", "value": "male"})
        assert cu.customer_segments(conn, cid) == ["Chi trên 1 triệu"]
        from loyalty_desktop import tags as tg

        tg.create_tag(conn, "Khách Zalo", group="Kênh liên hệ")
        tg.create_tag(conn, "Đã gọi")
        tg.apply_tag(conn, "Khách Zalo", ids=[cid])
        tg.apply_tag(conn, "Đã gọi", ids=[cid])
        card = cu.get_customer(conn, cid)
        assert [(x["name"], x["group"]) for x in card["tags"]] == [("Đã gọi", None), ("Khách Zalo", "Kênh liên hệ")]
        assert card["province"] is None or isinstance(card["province"], str)
        assert "province_1" not in card and "region_1" not in card  # stats copies of the place are not shown twice
        with pytest.raises(UserError):
            cu.get_customer(conn, 99999)


def test_edit_validation_and_phone_conflict(shop):
    db, ids = shop
    with db.begin() as conn:
        cid = ids["Lê Đức Thọ"]
        with pytest.raises(cu.ValidationError) as err:
            cu.update_customer(conn, cid, {"phone": "0912", "full_name": "  ", "email": "x@", "birth_date": "31/02/1990"})
        assert set(err.value.errors) == {"phone", "full_name", "email", "birth_date"}
        assert "quá ngắn" in err.value.errors_vi["phone"]
        with pytest.raises(cu.PhoneConflict) as conflict:
            cu.update_customer(conn, cid, {"phone": "0912 345 678"})
        assert conflict.value.other_id == ids["Nguyễn Văn A"]
        clean = cu.update_customer(conn, cid, {"phone": "84901999888", "full_name": "LÊ ĐỨC THỌ", "birth_date": "02/03/1999",
                                               "province": "tp hcm", "email": "tho@example.vn"})
        assert clean["phone"] == "+84901999888"
        card = cu.get_customer(conn, cid)
        assert card["full_name"] == "Lê Đức Thọ" and card["birth_date"] == date(1999, 3, 2) and card["birth_md"] == 302
        assert card["province"] == "Hồ Chí Minh" and card["region"] == "south"
        assert cu.count_customers(conn, cu.CustomerQuery(search="901 999")) == 1
        with pytest.raises(cu.ValidationError):
            cu.update_customer(conn, cid, {"province": "Atlantis"})


def test_add_customer_refuses_duplicates_and_bad_input(shop):
    db, _ = shop
    with db.begin() as conn:
        with pytest.raises(cu.PhoneConflict):
            cu.add_customer(conn, {"full_name": "Ai đó", "phone": "0912345678"})
        with pytest.raises(cu.ValidationError):
            cu.add_customer(conn, {"full_name": "Ai đó", "phone": ""})
        new = cu.add_customer(conn, {"full_name": "khách mới", "phone": "0977000111"})
        assert conn.execute(select(CustomerStats.__table__.c.order_count).where(
            CustomerStats.__table__.c.customer_id == new)).scalar() == 0


def test_record_purchase_updates_stats_and_refuses_bad_amounts(shop):
    db, ids = shop
    with db.begin() as conn:
        cid = ids["Lê Đức Thọ"]
        for bad in (0, -5, "abc", None):
            with pytest.raises(InvalidInput):
                cu.record_purchase(conn, cid, bad)
        with pytest.raises(InvalidInput):
            cu.record_purchase(conn, cid, 1000, datetime(2999, 1, 1))
        with pytest.raises(UserError):
            cu.record_purchase(conn, 424242, 1000)
        cu.record_purchase(conn, cid, "500k", category="Mỹ phẩm")
        card = cu.get_customer(conn, cid)
        assert card["order_count"] == 1 and card["total_spent"] == 500_000 and card["last_purchase_at"] is not None
        assert card["points"] == 50


def test_merge_customers(shop):
    db, ids = shop
    from loyalty_desktop import tags

    with db.begin() as conn:
        keep, other = ids["Nguyễn Văn A"], ids["Trần Thị Bích"]
        t1, t2 = tags.create_tag(conn, "A"), tags.create_tag(conn, "B")
        tags.apply_tag(conn, t1, ids=[keep, other])
        tags.apply_tag(conn, t2, ids=[other])
        cu.set_opt_out(conn, [other], True)
        result = cu.merge_customers(conn, keep, other, {"full_name": "other", "phone": "other"})
        assert result["purchases_moved"] == 2
        card = cu.get_customer(conn, keep)
        assert card["full_name"] == "Trần Thị Bích" and card["phone"] == "+84987654321"
        assert card["order_count"] == 3 and card["total_spent"] == 3_800_000
        assert {t["name"] for t in card["tags"]} == {"A", "B"}
        assert card["sms_opt_out"] is True and len(card["consent"]) == 1
        assert card["birth_date"] == date(1990, 5, 1)  # kept
        assert conn.execute(select(func.count()).select_from(Customer.__table__)).scalar() == len(PEOPLE) - 1
        assert search_index.in_sync(conn)
        assert cu.count_customers(conn, cu.CustomerQuery(search="0987654321")) == 1
        with pytest.raises(InvalidInput):
            cu.merge_customers(conn, keep, keep)
        with pytest.raises(UserError):
            cu.merge_customers(conn, keep, other)
        with pytest.raises(InvalidInput):
            cu.merge_customers(conn, keep, ids["Lê Đức Thọ"], {"phone": "both"})


def test_delete_and_opt_out_by_query(shop):
    db, ids = shop
    with db.begin() as conn:
        n = cu.set_opt_out(conn, q=cu.CustomerQuery(province="Hà Nội"), opted_out=True, method="bulk")
        assert n == 2
        assert cu.set_opt_out(conn, q=cu.CustomerQuery(province="Hà Nội"), opted_out=True) == 0  # already
        assert conn.execute(select(func.count()).select_from(ConsentEvent.__table__)).scalar() == 2
        assert cu.set_opt_out(conn, [ids["Nguyễn Văn A"]], False) == 1
        assert cu.delete_customers(conn, q=cu.CustomerQuery(gender="female")) == 2
        assert conn.execute(select(func.count()).select_from(Purchase.__table__)).scalar() == 1
        assert cu.count_customers(conn) == len(PEOPLE) - 2
        with pytest.raises(InvalidInput):
            cu.delete_customers(conn)


def test_export_rows_keep_selection_order(shop):
    db, ids = shop
    with db.connect() as conn:
        order = [ids["Trần Thị Bích"], ids["Nguyễn Văn A"]]
        rows = list(cu.export_rows(conn, ids=order))
        assert [r["id"] for r in rows] == order
        assert len(list(cu.export_rows(conn, q=cu.CustomerQuery(gender="male")))) == 3
