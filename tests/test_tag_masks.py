"""The tag combinations (customer_tag_mask, tag_mask_count) stay equal to a recomputation from customer_tag
after every kind of write, and pure-tag counts read from them equal the reference."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import func, insert, select, text

from loyalty_desktop import customers as cu
from loyalty_desktop import tag_masks
from loyalty_desktop import tags as tg
from loyalty_desktop.importing import ImportOptions, run_import
from loyalty_desktop.models import Customer, CustomerTag
from loyalty_desktop.segments import runner
from loyalty_desktop.segments.reference import load_dataset, matching_ids
from loyalty_desktop.segments.rules import parse_rule

from test_analytics import make_data
from test_import_merge import xlsx

c = Customer.__table__
ct = CustomerTag.__table__
TODAY = date(2026, 11, 23)
NAMES = ["VIP", "Zalo", "Facebook", "Khách sỉ", "Mới"]


def assert_exact(conn):
    assert tag_masks.differences(conn) == {tag_masks.MASKS: [], tag_masks.COUNTS: []}


def _rules():
    return [
        {"field": "tag", "op": "has", "value": "Zalo"},
        {"all": [{"field": "tag", "op": "has", "value": "Zalo"},
                 {"any": [{"field": "tag", "op": "has", "value": "Facebook"},
                          {"not": {"field": "tag", "op": "has", "value": "VIP"}}]}]},
        {"not": {"field": "tag", "op": "has_any", "value": ["VIP", "Mới"]}},
        {"field": "tag", "op": "has_all", "value": ["Zalo", "Facebook", "Zalo"]},
        {"field": "tag", "op": "has_none", "value": ["Zalo", "không có thẻ này"]},
        {"field": "tag", "op": "has", "value": "không có thẻ này"},
        {"field": "tag_group", "op": "has", "value": "Kênh"},
        {"field": "tag_group", "op": "has_none", "value": ["Kênh", "không có nhóm này"]},
    ]


def assert_counts(conn):
    """Counts from the masks == the reference, for rules with NOT, unknown names and tag groups."""
    assert runner.tag_masks_kept(conn)
    runner.clear_cache()
    ds = load_dataset(conn)
    for node in _rules():
        rule = parse_rule(node)
        assert "tag_mask_count" in str(runner.compile_for(conn, rule, TODAY).count_select())
        assert runner.count(conn, rule, today=TODAY) == len(matching_ids(ds, rule, TODAY)), node


def test_every_tag_write_keeps_the_masks_exact(db, tmp_path):
    make_data(db, n_customers=60, n_purchases=200, seed=2)
    rnd = random.Random(3)
    with db.begin() as conn:
        for name in NAMES:
            tg.create_tag(conn, name)
        tg.set_tag_group(conn, "Zalo", "Kênh")
        tg.set_tag_group(conn, "Facebook", "Kênh")
        assert_exact(conn)
    ops = ["apply", "remove", "undo", "merge_tags", "delete_tag", "merge_customers", "delete_customer", "import",
           "direct_update", "tag_cascade"] * 2
    rnd.shuffle(ops)
    for step, op in enumerate(ops):
        with db.begin() as conn:
            ids = list(conn.execute(select(c.c.id).order_by(c.c.id)).scalars())
            names = [t["name"] for t in tg.list_tags(conn, with_stats=False)]
            if op == "apply" and names:
                tg.apply_tag(conn, rnd.choice(names), ids=rnd.sample(ids, k=min(len(ids), 25)))
            elif op == "remove" and names:
                tg.remove_tag(conn, rnd.choice(names), ids=rnd.sample(ids, k=min(len(ids), 10)))
            elif op == "undo":
                last = conn.execute(text("SELECT max(id) FROM tag_operation WHERE NOT undone")).scalar()
                if last:
                    tg.undo_operation(conn, last)
            elif op == "merge_tags" and len(names) >= 3:
                a, b = rnd.sample(names, 2)
                tg.merge_tags(conn, a, b)
            elif op == "delete_tag" and len(names) >= 3:
                tg.delete_tag(conn, rnd.choice(names))
            elif op == "merge_customers" and len(ids) > 2:
                keep, other = rnd.sample(ids, 2)
                cu.merge_customers(conn, keep, other)
            elif op == "delete_customer" and len(ids) > 2:
                cu.delete_customers(conn, ids=[rnd.choice(ids)])
            elif op == "direct_update":  # a key change made outside tags.py
                row = conn.execute(select(ct.c.customer_id, ct.c.tag_id).limit(1)).first()
                free = [i for i in ids if not conn.execute(select(ct.c.tag_id).where(
                    ct.c.customer_id == i, ct.c.tag_id == (row.tag_id if row else 0))).first()]
                if row and free:
                    conn.execute(text("UPDATE customer_tag SET customer_id = :n WHERE customer_id = :o AND tag_id = :t"),
                                 {"n": free[0], "o": row.customer_id, "t": row.tag_id})
                    conn.execute(text("UPDATE customer_tag SET tag_id = tag_id"))  # no change: nothing moves
            elif op == "tag_cascade":  # a tag row deleted directly: the FK cascade removes its customer_tag rows
                new = tg.create_tag(conn, f"Tạm {step}")
                tg.apply_tag(conn, new, ids=ids[:5])
                conn.execute(text("DELETE FROM tag WHERE id = :i"), {"i": new})
        if op == "import":
            with db.connect() as conn:
                phones = list(conn.execute(select(c.c.phone).limit(3)).scalars())
            rows = [["Điện thoại", "Tên khách hàng", "Nhóm khách hàng"]]
            rows += [["0" + p[3:], f"K{k}", "VIP|Zalo"] for k, p in enumerate(phones)]
            rows += [[f"09{rnd.randint(10_000_000, 99_999_999)}", "Mới", "Mới, Facebook, Thẻ mới"]]
            report = run_import(db, xlsx(tmp_path / f"c{step}.xlsx", rows), "customers",
                                ImportOptions(update_existing=True))
            assert report.rejected == 0
        with db.connect() as conn:
            assert_exact(conn)
    with db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ct)).scalar() > 0  # the test means something
        assert_counts(conn)


def test_counts_from_masks_match_the_reference_and_tag_ids_above_62_turn_them_off(db):
    make_data(db, n_customers=50, n_purchases=100, seed=5)
    with db.begin() as conn:
        for name in NAMES:
            tg.create_tag(conn, name)
        tg.set_tag_group(conn, "Zalo", "Kênh")
        ids = list(conn.execute(select(c.c.id)).scalars())
        rnd = random.Random(1)
        for name in NAMES:
            tg.apply_tag(conn, name, ids=rnd.sample(ids, 20))
    with db.connect() as conn:
        assert_exact(conn)
        assert_counts(conn)
    with db.begin() as conn:  # a shop with a tag id beyond the mask's bits counts from customer_tag
        conn.execute(insert(CustomerTag.__table__.metadata.tables["tag"]).values(
            id=tag_masks.MAX_TAG_ID + 1, name="Cao", name_folded="cao", color="#000000"))
        tg.apply_tag(conn, "Cao", ids=ids[:7])
    with db.connect() as conn:
        assert not tag_masks.usable(conn) and tag_masks.available(conn)
        runner.clear_cache()
        rule = parse_rule({"any": [{"field": "tag", "op": "has", "value": "Cao"},
                                   {"field": "tag", "op": "has", "value": "VIP"}]})
        expected = len(matching_ids(load_dataset(conn), rule, TODAY))
        assert runner.count(conn, rule, today=TODAY) == expected
        assert_exact(conn)  # the high tag has no bit: masks unchanged and exact
    plain = parse_rule({"field": "tag", "op": "has", "value": "VIP"})
    with db.connect() as conn:
        vip = runner.count(conn, plain, today=TODAY)
    with db.begin() as conn:  # the statement decides inside the SQL: with tag 63 present it ignores the masks
        conn.execute(text("DELETE FROM tag_mask_count"))
    with db.connect() as conn:
        assert runner.count(conn, plain, today=TODAY) == vip
    with db.begin() as conn:  # ... and without it (the same cached statement) it reads them: here, emptied
        tg.delete_tag(conn, "Cao")
    with db.connect() as conn:
        assert runner.count(conn, plain, today=TODAY) == 0
    with db.begin() as conn:
        tag_masks.rebuild(conn)
    with db.connect() as conn:
        assert runner.count(conn, plain, today=TODAY) == vip
        assert_exact(conn)
    runner.clear_cache()


def test_differences_reports_tampered_masks_and_rebuild_mends_them(db):
    make_data(db, n_customers=30, n_purchases=50, seed=7)
    with db.begin() as conn:
        tg.create_tag(conn, "VIP")
        tg.apply_tag(conn, "VIP", ids=list(conn.execute(select(c.c.id).limit(10)).scalars()))
        conn.execute(text("UPDATE customer_tag_mask SET mask = 0 WHERE customer_id = "
                          "(SELECT min(customer_id) FROM customer_tag_mask)"))
    with db.connect() as conn:
        diff = tag_masks.differences(conn)
    assert len(diff[tag_masks.MASKS]) == 1 and diff[tag_masks.COUNTS]
    with db.begin() as conn:
        tag_masks.rebuild(conn)
        assert_exact(conn)
        assert tag_masks.available(conn)


def test_a_bulk_import_suspends_the_triggers_and_recomputes_the_touched_customers(db, tmp_path, monkeypatch):
    """Above SUSPEND_MIN_ROWS new links the importer writes customer_tag without the per-row triggers and
    recomputes the touched customers' masks afterwards: same result as the triggers, triggers back."""
    from loyalty_desktop.importing import engine

    make_data(db, n_customers=40, n_purchases=50, seed=4)
    with db.begin() as conn:
        tg.create_tag(conn, "VIP")
        tg.apply_tag(conn, "VIP", ids=list(conn.execute(select(c.c.id).limit(15)).scalars()))
        phones = list(conn.execute(select(c.c.phone).order_by(c.c.id).limit(20)).scalars())
    monkeypatch.setattr(engine, "SUSPEND_MIN_ROWS", 1)
    rows = [["Điện thoại", "Tên khách hàng", "Nhóm khách hàng"]]
    rows += [["0" + p[3:], f"K{k}", "Zalo|VIP" if k % 2 else "Facebook"] for k, p in enumerate(phones)]
    rows += [[f"0987{k:06d}", f"Mới {k}", "Zalo, Mới"] for k in range(30)]
    report = run_import(db, xlsx(tmp_path / "c.xlsx", rows), "customers", ImportOptions(update_existing=True))
    assert report.rejected == 0 and report.created == 30
    with db.connect() as conn:
        assert tag_masks.available(conn)  # the triggers are back
        assert conn.execute(select(func.count()).select_from(ct)).scalar() > 80
        assert_exact(conn)
        assert_counts(conn)
    with db.begin() as conn:  # and working
        tg.remove_tag(conn, "Zalo", ids=list(conn.execute(select(c.c.id).limit(25)).scalars()))
        assert_exact(conn)
    # a small import into many tagged customers: only the touched customers are recomputed
    rows = [["Điện thoại", "Tên khách hàng", "Nhóm khách hàng"], ["0" + phones[3][3:], "K3", "Mới|Khách sỉ"],
            ["0912000111", "Mới nữa", "VIP"]]
    report = run_import(db, xlsx(tmp_path / "c2.xlsx", rows), "customers", ImportOptions(update_existing=True))
    assert report.rejected == 0 and report.created == 1
    with db.connect() as conn:
        assert conn.execute(text(f"SELECT count(*) FROM {tag_masks.MASKS}")).scalar() > 8  # refresh, not rebuild
        assert tag_masks.available(conn)
        assert_exact(conn)
        assert_counts(conn)
