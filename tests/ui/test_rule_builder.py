"""Rule builder acceptance: real widgets (offscreen), real SQLite with generated demo data.

A 3-level rule is built by simulated drag and drop (our MIME type, drag/drop events sent to the real
target widgets) and by keyboard; the rule JSON and the count on screen are checked against the engine.
"""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from loyalty_desktop.ui.widgets.rule_builder.mime import MIME_TYPE, decode, field_mime, node_mime

from .segment_waits import engine_count, wait_counted


@pytest.fixture
def page(qtbot, ctx, monkeypatch):
    from loyalty_desktop.ui.pages.segments import SegmentsPage

    # No modal dialog may block a test: record them instead.
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a) or QMessageBox.StandardButton.Ok)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: shown.append(a) or QMessageBox.StandardButton.Ok)
    widget = SegmentsPage(ctx)
    widget.dialogs = shown
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.waitUntil(lambda: widget.is_built, timeout=10000)  # field list, preview, "why not?" come just after
    yield widget
    ctx.tasks.shutdown()


def settle() -> None:
    """Let nested layouts finish (a row that changes height re-lays its group in the next pass)."""
    for _ in range(5):
        QApplication.processEvents()


def drag_event(cls, pos, actions, mime):
    """A drag event at ``pos`` (PySide6 versions differ in QPoint/QPointF signatures)."""
    args = (actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    try:
        return cls(QPointF(pos), *args)
    except TypeError:
        return cls(QPoint(int(QPointF(pos).x()), int(QPointF(pos).y())), *args)


def drop(widget, mime, pos: QPoint) -> bool:
    """Drag enter + move + drop on ``widget`` at ``pos`` (widget coordinates). True if accepted."""
    settle()  # layouts settle, as they have by the time a user drags
    actions = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
    enter = drag_event(QDragEnterEvent, pos, actions, mime)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    move = drag_event(QDragMoveEvent, pos, actions, mime)
    QApplication.sendEvent(widget, move)
    event = drag_event(QDropEvent, pos, actions, mime)
    QApplication.sendEvent(widget, event)
    return event.isAccepted()


def hover(widget, mime, pos: QPoint) -> bool:
    """Drag enter + move (no drop): True if the widget would take it."""
    settle()
    actions = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
    enter = drag_event(QDragEnterEvent, pos, actions, mime)
    QApplication.sendEvent(widget, enter)
    move = drag_event(QDragMoveEvent, pos, actions, mime)
    QApplication.sendEvent(widget, move)
    return move.isAccepted()


def palette_mime(page, field_id):
    """The MIME data the palette itself produces when its item is dragged."""
    item = page.palette.item_for(field_id)
    return page.palette.tree.mimeData([item])


def below_children(box) -> QPoint:
    settle()  # geometry after pending layout changes
    return QPoint(box.width() // 2, box.height() - 4)


def middle(widget) -> QPoint:
    settle()
    return QPoint(widget.width() // 2, widget.height() // 2)


def type_into(qtbot, line_edit, text) -> None:
    line_edit.setFocus()
    line_edit.selectAll()
    qtbot.keyClicks(line_edit, text)
    qtbot.keyClick(line_edit, Qt.Key.Key_Return)
    line_edit.editingFinished.emit()


def test_mime_payloads_round_trip_and_reject_garbage():
    assert decode(field_mime("age")) == {"kind": "field", "field": "age"}
    assert decode(node_mime(5, 9)) == {"kind": "node", "node": 5, "tree": 9}
    from PySide6.QtCore import QMimeData

    bad = QMimeData()
    bad.setData(MIME_TYPE, b"{not json")
    assert decode(bad) is None
    other = QMimeData()
    other.setText("age")
    assert decode(other) is None and decode(None) is None


def test_build_three_levels_by_drag_and_drop(qtbot, page, ctx):
    canvas = page.canvas
    root = canvas.groups[canvas.tree.root.id]
    assert drop(root, palette_mime(page, "age"), below_children(root))
    age = canvas.tree.root.children[0]
    row = canvas.rows[age.id]
    row.op_combo.setCurrentIndex(row.op_combo.findData("between"))
    row.op_combo.activated.emit(row.op_combo.currentIndex())
    row = canvas.rows[age.id]
    type_into(qtbot, row.editor.low.edit, "26")
    type_into(qtbot, row.editor.high.edit, "45")

    root = canvas.groups[canvas.tree.root.id]
    assert drop(root, palette_mime(page, "gender"), below_children(root))
    gender = canvas.tree.root.children[1]
    assert gender.field == "gender" and gender.value == "male"
    row = canvas.rows[gender.id]
    row.editor.combo.setCurrentIndex(row.editor.combo.findData("female"))
    row.editor.combo.activated.emit(row.editor.combo.currentIndex())

    # Drop "total spent" ONTO the gender row: a new sub-group holding both (level 2).
    assert drop(canvas.rows[gender.id], palette_mime(page, "total_spent"), middle(canvas.rows[gender.id]))
    g1 = canvas.tree.root.children[1]
    assert g1.is_group and [c.field for c in g1.children] == ["gender", "total_spent"]
    spent = g1.children[1]
    row = canvas.rows[spent.id]
    type_into(qtbot, row.editor.edit, "2tr")
    assert row.editor.edit.text() == "2.000.000 ₫"
    row.window_combo.setCurrentIndex(row.window_combo.findData(90))
    row.window_combo.activated.emit(row.window_combo.currentIndex())
    box = canvas.groups[g1.id]
    box.kind_combo.setCurrentIndex(box.kind_combo.findData("any"))
    box.kind_combo.activated.emit(box.kind_combo.currentIndex())

    # Drop "order count" onto total spent: level 3.
    target = canvas.rows[spent.id]
    assert drop(target, palette_mime(page, "order_count"), middle(target))
    g2 = canvas.tree.node(g1.id).children[1]
    orders = g2.children[1]
    row = canvas.rows[orders.id]
    type_into(qtbot, row.editor.edit, "3")
    canvas.rows[orders.id].not_button.click()  # negate the condition

    # Move the age condition (drag a node) to the end of the level-2 group, below its children.
    box = canvas.groups[g1.id]
    assert drop(box, node_mime(age.id, canvas.token), below_children(box))
    # A group cannot be dropped into its own child (the event goes up to the outer groups: no change).
    before = canvas.tree.to_json()
    drop(canvas.groups[g2.id], node_mime(g1.id, canvas.token), below_children(canvas.groups[g2.id]))
    assert canvas.tree.to_json() == before
    # Another canvas' node and foreign data are refused.
    assert not drop(canvas.groups[g2.id], node_mime(age.id, canvas.token + 1), below_children(canvas.groups[g2.id]))

    expected = {"all": [{"any": [
        {"field": "gender", "op": "eq", "value": "female"},
        {"all": [{"field": "total_spent", "op": "gte", "value": 2000000, "window": {"days": 90}},
                 {"not": {"field": "order_count", "op": "gte", "value": 3}}]},
        {"field": "age", "op": "between", "value": [26, 45]},
    ]}]}
    assert canvas.tree.to_json() == expected
    assert not canvas.invalid
    wait_counted(qtbot, page)
    n = engine_count(ctx, expected)
    assert page.shown_count == n and page.shown_rule == expected
    from loyalty_desktop.ui.format import format_count

    assert format_count(n) in page.count_label.text()
    g2_count = engine_count(ctx, canvas.tree.node_json(g2.id))
    qtbot.waitUntil(lambda: page.group_counts.get(g2.id) == g2_count, timeout=20000)
    assert format_count(g2_count) in canvas.groups[g2.id].count_label.text()
    # the preview (the customer list's paging model) shows exactly the rule's customers
    qtbot.waitUntil(lambda: getattr(page.preview_model, "count", None) == n, timeout=20000)
    assert page.preview_model.rowCount() == n

    # undo / redo every step
    steps = 0
    while page.tree.can_undo:
        page.undo_button.click()
        steps += 1
    assert canvas.tree.to_json() == {"all": []} and steps >= 10
    while page.tree.can_redo:
        page.redo_button.click()
    assert canvas.tree.to_json() == expected
    wait_counted(qtbot, page)
    assert page.shown_count == n


def test_drop_indicators_and_positions(qtbot, page):
    canvas = page.canvas
    tree = canvas.tree
    tree.load({"all": [{"field": "age", "op": "gt", "value": 30}, {"field": "points", "op": "gt", "value": 10}]})
    a, b = (c.id for c in tree.root.children)
    QApplication.processEvents()
    row_b = canvas.rows[b]
    assert hover(row_b, node_mime(a, canvas.token), QPoint(5, 2))
    assert canvas._indicator == ("insert", tree.root.id, 1)
    assert canvas.groups[tree.root.id]._indicator_y is not None
    assert hover(row_b, node_mime(a, canvas.token), middle(row_b))
    assert canvas._indicator == ("onto", b) and row_b.property("dropTarget") == "true"
    assert canvas.groups[tree.root.id]._indicator_y is None
    # Below b: a moves after it.
    assert drop(canvas.rows[b], node_mime(a, canvas.token), QPoint(5, canvas.rows[b].height() - 2))
    assert [c.field for c in tree.root.children] == ["points", "age"]
    assert canvas._indicator is None
    # Dropping something that is not ours does nothing.
    from PySide6.QtCore import QMimeData

    text = QMimeData()
    text.setText("hello")
    assert not drop(canvas.groups[tree.root.id], text, QPoint(10, 10))


def test_build_by_keyboard_and_buttons(qtbot, page, ctx):
    canvas = page.canvas
    tree = canvas.tree
    pal = page.palette
    # Filter, then Enter in the filter box adds the only match to the selected (root) group.
    pal.filter.setText("giới tính" if "Giới" in pal.item_for("gender").text(0) else "gender")
    assert pal.visible_fields() == ["gender"]
    qtbot.keyClick(pal.filter, Qt.Key.Key_Return)
    assert [c.field for c in tree.root.children] == ["gender"]
    pal.filter.clear()
    # "Add group" button → a sub-group (selected), Enter on a palette item adds into it.
    page.add_group_button.click()
    g1 = tree.root.children[1]
    assert g1.is_group and canvas.selected_id == g1.id
    pal.tree.setCurrentItem(pal.item_for("region"))
    pal.tree.setFocus()
    qtbot.keyClick(pal.tree, Qt.Key.Key_Return)
    assert [c.field for c in g1.children] == ["region"]
    canvas.select(g1.id)
    page.add_group_button.click()
    g2 = tree.node(g1.id).children[1]
    # "Add condition" button adds the palette's current field to the selected group; double-click too.
    pal.tree.setCurrentItem(pal.item_for("points"))
    page.add_condition_button.click()
    canvas.select(g2.id)
    item = pal.item_for("sms_opt_out")
    pal.tree.itemDoubleClicked.emit(item, 0)
    assert [c.field for c in tree.node(g2.id).children] == ["points", "sms_opt_out"]
    points = tree.node(g2.id).children[0]
    type_into(qtbot, canvas.rows[points.id].editor.edit, "100")
    assert tree.depth(points.id) == 3
    # The Delete key removes the selected condition; Ctrl+Z brings it back, Ctrl+Y removes it again.
    sms = tree.node(g2.id).children[1]
    canvas.select(sms.id)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    assert [c.field for c in tree.node(g2.id).children] == ["points"]
    qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [c.field for c in tree.node(g2.id).children] == ["points", "sms_opt_out"]
    qtbot.keyClick(canvas, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert [c.field for c in tree.node(g2.id).children] == ["points"]
    rule = tree.to_json()
    assert rule == {"all": [{"field": "gender", "op": "eq", "value": "male"},
                            {"any": [{"field": "region", "op": "eq", "value": "north"},
                                     {"any": [{"field": "points", "op": "gte", "value": 100}]}]}]}
    wait_counted(qtbot, page)
    assert page.shown_count == engine_count(ctx, rule)


def test_invalid_values_are_outlined_and_not_counted(qtbot, page, ctx):
    canvas = page.canvas
    cid = canvas.add_field("total_spent")
    row = canvas.rows[cid]
    assert cid in canvas.invalid  # no amount yet
    type_into(qtbot, row.editor.edit, "hai trieu")
    assert cid in canvas.invalid and row.error_label.isVisible() or not row.isVisible()
    assert "hai trieu" in row.error_label.text()
    assert row.editor.edit.property("invalid") == "true" and row.editor.edit.toolTip()
    assert page.counted_rule() == {"all": []}
    wait_counted(qtbot, page)
    assert page.shown_count == engine_count(ctx, {"all": []})
    type_into(qtbot, row.editor.edit, "1,5tr")
    assert cid not in canvas.invalid and row.editor.edit.text() == "1.500.000 ₫"
    assert row.property("invalid") == "false"
    assert page.counted_rule() == {"all": [{"field": "total_spent", "op": "gte", "value": 1500000}]}
    # The engine's own validation (age must be 0–150) is shown too.
    aid = canvas.add_field("age")
    type_into(qtbot, canvas.rows[aid].editor.edit, "200")
    assert "150" in canvas.invalid[aid]


def test_save_reload_rename_duplicate_delete_export_import(qtbot, page, ctx, tmp_path, monkeypatch):
    from loyalty_desktop.segments import store
    from loyalty_desktop.ui.pages.segments import SegmentsPage

    rule = {"all": [{"field": "gender", "op": "eq", "value": "female"},
                    {"any": [{"field": "age", "op": "gte", "value": 30},
                             {"all": [{"field": "points", "op": "gt", "value": 5}]}]}]}
    page.tree.load(rule)
    assert page.tree.is_dirty and page.dirty_label.text()
    assert page.save_as("Phụ nữ trung niên")
    assert not page.tree.is_dirty and page.dirty_label.text() == ""
    qtbot.waitUntil(lambda: any(r["name"] == "Phụ nữ trung niên" for r in page.saved), timeout=10000)
    # the saved list shows the count (computed in the background)
    n = engine_count(ctx, rule)
    qtbot.waitUntil(lambda: "Phụ nữ trung niên" in page._saved_counts, timeout=10000)
    assert page._saved_counts["Phụ nữ trung niên"][0] == n
    # a second page opens it from the database
    other = SegmentsPage(ctx)
    qtbot.addWidget(other)
    assert other.open_segment("Phụ nữ trung niên")
    assert other.tree.to_json() == rule and not other.tree.is_dirty
    # edit + save replaces; unsaved-changes guard asks before switching
    other.tree.update_condition(other.tree.root.children[0].id, value="male")
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a) or QMessageBox.StandardButton.Cancel)
    assert not other.open_segment("Phụ nữ trung niên") and asked
    assert other.save()
    with ctx.db.connect() as conn:
        from loyalty_desktop.segments.rules import node_to_json

        assert node_to_json(store.rule_for_segment(conn, "Phụ nữ trung niên"))["all"][0]["value"] == "male"
    # rename / duplicate / delete
    assert other.rename("Khách trung niên")
    assert other.duplicate("Khách trung niên 2") and other.segment_name == "Khách trung niên 2"
    assert other.delete_segment(confirm=False) and other.segment_name is None
    with ctx.db.connect() as conn:
        assert [r["name"] for r in store.list_segments(conn)] == ["Khách trung niên"]
    # saving under an existing name asks before replacing (here: the answer is no)
    other.tree.load(rule)
    asked.clear()
    assert not other.save_as("khách trung niên") and asked
    # export / import JSON
    path = tmp_path / "rule.json"
    assert page.export_json(str(path))
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["version"] == 1 and doc["rule"]["any" if False else "all"][1]["any"][0]["field"] == "age"
    page.tree.load({"all": []})
    assert page.import_json(str(path)) and page.tree.to_json() == doc["rule"]
    bad = tmp_path / "bad.json"
    bad.write_text('{"all": [{"field": "age", "op": "between", "value": [30]}]}', encoding="utf-8")
    before = len(page.dialogs)
    assert not page.import_json(str(bad)) and len(page.dialogs) == before + 1
    assert page.tree.to_json() == doc["rule"]


def test_actions_navigate_with_the_segment(qtbot, page, ctx, monkeypatch):
    page.tree.load({"all": [{"field": "gender", "op": "eq", "value": "female"}]})
    assert page.save_as("Nữ")
    seen = []
    ctx.navigate_requested.connect(lambda key, args: seen.append((key, args)))
    page.sms_button.click()
    page.list_button.click()
    assert seen == [("campaigns", {"segment": "Nữ"}), ("customers", {"segment": "Nữ"})]


def test_templates_and_why_not(qtbot, page, ctx):
    from sqlalchemy import select

    from loyalty_desktop.models import Customer

    actions = [a for a in page.new_button.menu().actions() if a.text() and not a.isSeparator()]
    assert len(actions) >= 7  # empty + the engine's templates
    actions[1].trigger()
    assert page.tree.root.children and page.segment_name is None and page.tree.is_dirty
    wait_counted(qtbot, page)
    assert page.shown_count == engine_count(ctx, page.counted_rule())
    with ctx.db.connect() as conn:
        phone = conn.execute(select(Customer.__table__.c.phone).limit(1)).scalar()
    page.why_phone.setText(phone)
    page.explain()
    qtbot.waitUntil(lambda: page.why_tree.topLevelItemCount() == 1, timeout=10000)
    assert page.why_tree.topLevelItem(0).childCount() == len(page.tree.root.children)
    page.why_phone.setText("0000")
    page.explain()
    qtbot.waitUntil(lambda: page.why_summary.text() not in ("", page.tr("Checking…")), timeout=10000)


def test_tag_all_tags_exactly_the_segment(qtbot, page, ctx):
    from sqlalchemy import func, select

    from loyalty_desktop.models import CustomerTag, Tag

    rule = {"all": [{"field": "gender", "op": "eq", "value": "female"}, {"field": "order_count", "op": "gte", "value": 3}]}
    page.tree.load(rule)
    wait_counted(qtbot, page)
    changed = []
    ctx.data_changed.connect(changed.append)
    page.tag_all("Khách nữ thân thiết")
    qtbot.waitUntil(lambda: getattr(page, "last_tag_result", None) is not None, timeout=20000)
    assert page.last_tag_result["changed"] == engine_count(ctx, rule) and "tags" in changed
    ct, t = CustomerTag.__table__, Tag.__table__
    with ctx.db.connect() as conn:
        n = conn.execute(select(func.count()).select_from(ct.join(t, t.c.id == ct.c.tag_id))
                         .where(t.c.name == "Khách nữ thân thiết")).scalar()
    assert n == engine_count(ctx, rule)


def test_a_burst_of_edits_shows_only_the_final_count(qtbot, page, ctx):
    shown = []
    page.count_shown.connect(shown.append)
    cid = page.canvas.add_field("points")
    for v in range(0, 2000, 100):
        page.tree.update_condition(cid, value=v, merge=True)
        page.recount()  # no debounce: every edit starts a count that cancels the previous one
    wait_counted(qtbot, page)
    final = {"all": [{"field": "points", "op": "gte", "value": 1900}]}
    assert page.shown_rule == final and page.shown_count == engine_count(ctx, final)
    assert shown == [page.shown_count]  # the 19 superseded counts never reached the screen


def test_moves_by_keyboard_and_context_menu(qtbot, page):
    canvas = page.canvas
    tree = canvas.tree
    tree.load({"all": [{"field": "age", "op": "gt", "value": 30},
                       {"any": [{"field": "points", "op": "gt", "value": 10}]},
                       {"field": "tier", "op": "eq", "value": "Vàng"}]})
    age, group, tier = (n.id for n in tree.root.children)
    QApplication.processEvents()
    canvas.rows[tier].setFocus()
    QApplication.processEvents()
    assert canvas.selected_id == tier  # focus selects
    qtbot.keyClick(canvas.rows[tier], Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert [n.id for n in tree.root.children] == [age, tier, group]
    qtbot.keyClick(canvas.rows[tier], Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)  # nothing above is a group
    assert [n.id for n in tree.root.children] == [age, tier, group]
    qtbot.keyClick(canvas.rows[tier], Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(canvas.rows[tier], Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert [getattr(n, "field", None) for n in tree.node(group).children] == ["points", "tier"]
    assert canvas.rows[tier].hasFocus()  # focus follows the moved condition across the rebuild
    qtbot.keyClick(canvas.rows[tier], Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    inner = tree.parent(tier)
    assert inner.is_group and tree.depth(tier) == 3
    qtbot.keyClick(canvas.groups[inner.id], Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    assert [n.id for n in tree.root.children] == [age, group, inner.id]
    # plain arrows walk the selection; the context menu offers the same moves
    canvas.select(age)
    canvas.focus_selected()
    qtbot.keyClick(canvas.rows[age], Qt.Key.Key_Down)
    assert canvas.selected_id == group
    menu = canvas.node_menu(age, canvas.rows[age])
    texts = [a.text().split("\t")[0] for a in menu.actions() if a.text()]
    assert len(texts) >= 6
    menu.actions()[1].trigger()  # move down
    assert tree.root.children[1].id == age


def test_every_field_and_operator_gets_an_editor(qtbot, page):
    """Each catalogue field, with each of its operators, renders a fitting editor and a valid default
    or a clear reason (never an exception)."""
    from loyalty_desktop.segments.catalog import FIELDS
    from loyalty_desktop.ui.widgets.rule_builder import editors as ed

    canvas = page.canvas
    kinds = set()
    for field_id, spec in FIELDS.items():
        cid = canvas.add_field(field_id)
        for op in spec.ops:
            row = canvas.rows[cid]
            row.op_combo.setCurrentIndex(row.op_combo.findData(op))
            row.op_combo.activated.emit(row.op_combo.currentIndex())
            row = canvas.rows[cid]
            assert canvas.tree.node(cid).op == op
            kinds.add(type(row.editor).__name__)
            if op in ("is_empty", "never", "this_month"):
                assert isinstance(row.editor, ed.NoValueEditor) and cid not in canvas.invalid
            if op in ("within_last", "more_than_ago", "within_next"):
                assert isinstance(row.editor, ed.DaysEditor) and cid not in canvas.invalid
            if cid in canvas.invalid:
                assert canvas.invalid[cid] and row.error_label.text() == canvas.invalid[cid]
        assert row.field_label.text()
    assert {"NumberEditor", "RangeEditor", "DateEditor", "DaysEditor", "ChoiceEditor", "MultiChoiceEditor",
            "TextEditor", "NoValueEditor"} <= kinds
    # the date editor shows dd/MM/yyyy and stores ISO dates the engine accepts
    cid = canvas.add_field("created_at")
    row = canvas.rows[cid]
    row.op_combo.setCurrentIndex(row.op_combo.findData("after"))
    row.op_combo.activated.emit(row.op_combo.currentIndex())
    row = canvas.rows[cid]
    from PySide6.QtCore import QDate

    row.editor.edit.setDate(QDate(2025, 3, 9))
    assert row.editor.edit.text() == "09/03/2025"
    assert canvas.tree.node(cid).value == "2025-03-09" and cid not in canvas.invalid


def test_analysis_tab_embeds_segment_analytics(qtbot, page):
    page.tree.load({"all": [{"field": "gender", "op": "eq", "value": "female"}]})
    wait_counted(qtbot, page)
    page.tabs.setCurrentIndex(2)
    widget = page.analytics
    assert widget is not None and page.tabs.widget(2) is widget
    if hasattr(widget, "set_rule"):
        assert widget.rule == page.shown_rule
        page.tree.load({"all": [{"field": "gender", "op": "eq", "value": "male"}]})
        wait_counted(qtbot, page)
        assert widget.rule == {"all": [{"field": "gender", "op": "eq", "value": "male"}]}
    page.tabs.setCurrentIndex(0)
    ctx = page.ctx
    qtbot.waitUntil(lambda: ctx.tasks.running_count == 0, timeout=30000)


def test_multi_select_loads_choices_in_a_worker_and_searches(qtbot, page, ctx):
    canvas = page.canvas
    cid = canvas.add_field("province")
    row = canvas.rows[cid]
    assert cid in canvas.invalid  # nothing chosen yet
    editor = row.editor
    editor.open_popup()
    popup = editor.popup
    qtbot.waitUntil(lambda: popup.list.count() > 30, timeout=10000)  # the 34 provinces, from choices_for
    popup.search.setText("ho chi")  # accents not needed
    visible = [popup.list.item(i) for i in range(popup.list.count()) if not popup.list.item(i).isHidden()]
    assert len(visible) == 1 and "Hồ Chí Minh" in visible[0].text()
    qtbot.keyClick(popup.search, Qt.Key.Key_Return)  # Enter ticks the only match
    popup.search.setText("ha noi")
    qtbot.keyClick(popup.search, Qt.Key.Key_Return)
    popup.hide()
    value = canvas.tree.node(cid).value
    assert len(value) == 2 and any("Hồ Chí Minh" in v for v in value) and "Hà Nội" in value
    assert cid not in canvas.invalid and "Hà Nội" in editor.button.text()
    # money: "2m" is accepted like "2tr"
    mid = canvas.add_field("avg_order_value")
    type_into(qtbot, canvas.rows[mid].editor.edit, "2m")
    assert canvas.tree.node(mid).value == 2_000_000 and canvas.rows[mid].editor.edit.text() == "2.000.000 ₫"
    wait_counted(qtbot, page)
    assert page.shown_count == engine_count(ctx, page.tree.to_json())
