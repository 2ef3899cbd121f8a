"""Segments page: opening without freezing (parts built after the first paint, rows built over several
event-loop turns), counts with shares beside every group, the preview fitting its width."""

from __future__ import annotations

import warnings

import pytest
from PySide6.QtWidgets import QApplication

from loyalty_desktop.ui.pages.segments import SCREENSHOT_RULE as RULE  # the rule of the README screenshots
from .segment_waits import engine_count, wait_counted


@pytest.fixture
def page(qtbot, ctx):
    from loyalty_desktop.ui.pages.segments import SegmentsPage

    widget = SegmentsPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.waitUntil(lambda: widget.is_built, timeout=10000)
    yield widget
    ctx.tasks.shutdown()


def settle(qtbot, canvas) -> None:
    qtbot.waitUntil(lambda: not canvas.pending, timeout=10000)
    for _ in range(3):
        QApplication.processEvents()


def test_parts_are_built_after_the_first_paint(qtbot, ctx):
    from loyalty_desktop.ui.pages.segments import SegmentsPage

    page = SegmentsPage(ctx)
    qtbot.addWidget(page)
    assert not page.is_built  # field list, preview, "why not?" and templates come in later turns
    assert page._palette is None and page._preview_parts is None  # noqa: SLF001
    page.show()
    qtbot.waitUntil(lambda: page.is_built, timeout=10000)
    assert page.palette.item_for("gender") is not None
    assert page.why_phone is not None and page.tabs.count() == 3
    assert page.tabs.widget(0) is page.preview
    assert len([a for a in page.new_button.menu().actions() if a.text()]) >= 2
    ctx.tasks.shutdown()


def test_using_a_part_before_it_is_built_builds_it(qtbot, ctx):
    from loyalty_desktop.ui.pages.segments import SegmentsPage

    page = SegmentsPage(ctx)
    qtbot.addWidget(page)
    assert page._palette is None  # noqa: SLF001
    assert page.palette.visible_fields()  # built on first use, same widget afterwards
    assert page.palette is page._palette  # noqa: SLF001
    model = page.preview_model
    assert page.preview_model is model and page.tabs.widget(0) is page.preview
    ctx.tasks.shutdown()


def test_a_big_rule_is_built_over_several_turns_and_stays_exact(qtbot, page, ctx, monkeypatch):
    from loyalty_desktop.ui.widgets.rule_builder import canvas as canvas_module
    from loyalty_desktop.ui.widgets.rule_builder.condition_row import ConditionRow

    monkeypatch.setattr(canvas_module, "BUILD_BUDGET_S", 0.0)  # every row after the first waits a turn
    canvas = page.canvas
    page.tree.load(RULE, undoable=False)
    conditions = list(page.tree.conditions())
    assert len(conditions) == 7
    assert canvas.pending  # placeholders for now …
    assert len(canvas.pending) + len(dict(canvas.rows)) == 7
    first_pending = next(iter(canvas.pending))
    assert first_pending in canvas.rows  # "in" counts a placeholder as a row
    row = canvas.rows[first_pending]  # … and asking for a row builds it at once
    assert isinstance(row, ConditionRow) and first_pending not in canvas.pending
    assert page.tree.to_json() == RULE and not canvas.invalid
    settle(qtbot, canvas)
    assert all(isinstance(canvas.rows[c.id], ConditionRow) for c in conditions)
    assert not canvas.findChildren(canvas_module._PendingRow)  # noqa: SLF001 (all replaced and deleted)
    # every row sits in its group box, in the rule's order
    for group in [n for n in page.tree.walk() if n.is_group]:
        box = canvas.groups[group.id]
        assert box.child_widgets == [canvas.rows[c.id] if not c.is_group else canvas.groups[c.id]
                                     for c in group.children]
    wait_counted(qtbot, page)
    assert page.shown_count == engine_count(ctx, RULE)


def test_pending_conditions_are_validated_without_their_widgets(qtbot, page, monkeypatch):
    from loyalty_desktop.ui.widgets.rule_builder import canvas as canvas_module

    monkeypatch.setattr(canvas_module, "BUILD_BUDGET_S", 0.0)
    bad = {"all": [{"field": "gender", "op": "eq", "value": "female"},
                   {"field": "age", "op": "between", "value": [50, 20]},   # smaller number first
                   {"field": "age", "op": "gt", "value": 200}]}            # 0–150
    page.tree.load(bad, undoable=False)
    canvas = page.canvas
    second, third = (c.id for c in page.tree.root.children[1:])
    assert second in canvas.pending and third in canvas.pending
    assert set(canvas.invalid) == {second, third}
    assert "150" in canvas.invalid[third]
    assert page.counted_rule() == {"all": [{"field": "gender", "op": "eq", "value": "female"}]}
    settle(qtbot, canvas)
    assert set(canvas.invalid) == {second, third}
    assert canvas.rows[third].error_label.text() == canvas.invalid[third]


def test_edits_while_rows_are_pending(qtbot, page, monkeypatch):
    """A structural edit before the placeholders are replaced: the tree stays the only truth."""
    from loyalty_desktop.ui.widgets.rule_builder import canvas as canvas_module

    monkeypatch.setattr(canvas_module, "BUILD_BUDGET_S", 0.0)
    page.tree.load(RULE, undoable=False)
    canvas = page.canvas
    pending = next(iter(canvas.pending))
    canvas.delete_node(pending)  # delete a condition still shown by a placeholder
    group = next(c for c in page.tree.root.children if c.is_group)
    canvas.add_field("points", group.id)
    settle(qtbot, canvas)
    assert pending not in canvas.rows and pending not in page.tree
    assert {c.id for c in page.tree.conditions()} == set(dict(canvas.rows))
    assert "points" in [getattr(c, "field", None) for c in page.tree.node(group.id).children]
    page.undo()
    page.undo()
    settle(qtbot, canvas)
    assert page.tree.to_json() == RULE


def test_every_group_shows_its_count_and_share(qtbot, page, ctx):
    from loyalty_desktop.ui.format import format_count, format_percent

    page.tree.load(RULE, undoable=False)
    wait_counted(qtbot, page)
    groups = [n for n in page.tree.walk() if n.is_group]
    assert len(groups) == 3
    total = engine_count(ctx, {"all": []})
    for group in groups:
        n = engine_count(ctx, page.tree.node_json(group.id))
        label = page.canvas.groups[group.id].count_label
        qtbot.waitUntil(lambda label=label, n=n: format_count(n) in label.text(), timeout=20000)
        assert format_percent(n / total) in label.text()
    root_n = engine_count(ctx, RULE)
    assert page.shown_count == root_n
    assert format_percent(root_n / total) in page.share_label.text()


@pytest.mark.parametrize("width", [1100, 1366, 1920])
def test_preview_columns_fit_the_width(qtbot, page, width):
    page.resize(width, 768)
    qtbot.waitUntil(lambda: page.preview.width() > 0, timeout=5000)
    for _ in range(5):
        QApplication.processEvents()
    page._fit_preview_columns()  # noqa: SLF001
    view, model = page.preview, page.preview_model
    shown = [key for i, key in enumerate(model.columns) if not view.isColumnHidden(i)]
    used = sum(view.columnWidth(i) for i in range(len(model.columns)) if not view.isColumnHidden(i))
    avail = view.viewport().width()
    assert shown[0] == "name" and "phone" in shown
    assert used <= avail + 2  # no sideways scrolling
    assert used >= avail - 30  # and no empty strip on the right
    if width >= 1920:
        assert {"tier", "orders", "last_purchase"} <= set(shown)


def test_tier_and_category_choices_do_not_warn(ctx):
    """SELECT DISTINCT via select().distinct() (a column-level distinct() warned, SAWarning)."""
    from loyalty_desktop.segments.catalog import choices_for

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with ctx.db.connect() as conn:
            tiers = choices_for(conn, "tier")
            categories = choices_for(conn, "category")
    assert tiers and len(tiers) == len(set(tiers))
    assert categories == sorted(set(categories))
