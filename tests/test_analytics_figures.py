"""Figures render offscreen without any warning, in both languages, and show friendly empty states."""

from __future__ import annotations

import io
import sys
from datetime import timedelta

import pytest

from loyalty_desktop.analytics import aggregates as A
from loyalty_desktop.analytics import figures as F
from test_analytics import TODAY, make_data

pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture(scope="module")
def full_data(tmp_path_factory):
    from loyalty_desktop.db import open_database

    db = open_database(str(tmp_path_factory.mktemp("fig") / "f.db"))
    make_data(db)
    with db.connect() as conn:
        scope = A.Scope(start=TODAY - timedelta(days=365), end=TODAY, today=TODAY)
        out = A.compute_all(conn, scope)
        cu = A.Customer.__table__
        from sqlalchemy import select

        out["overlap"] = A.overlap(conn, [("Nữ", select(cu.c.id).where(cu.c.gender == "female")),
                                          ("Nam", select(cu.c.id).where(cu.c.gender == "male")),
                                          ("Hà Nội", select(cu.c.id).where(cu.c.province == "Hà Nội"))])
    db.dispose()
    return out


def render(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("key", list(F.CHARTS))
def test_each_chart_renders(full_data, key, lang):
    agg, _builder = F.CHARTS[key]
    fig = F.build(key, full_data[agg], lang)
    assert fig.empty_state is False
    png = render(fig)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000
    texts = [t.get_text() for t in fig.findobj(lambda o: hasattr(o, "get_text"))]
    assert any(F.tr(key if key != "provinces" else "provinces", lang).split(" (")[0] in t for t in texts)


def test_overlap_and_comparison_render(full_data):
    fig = F.overlap_figure(full_data["overlap"])
    assert not fig.empty_state
    render(fig)
    comp = A.comparison(full_data["headline"], full_data["headline"])
    fig = F.comparison_figure(comp, "vi")
    assert not fig.empty_state
    render(fig)


@pytest.mark.parametrize("key", list(F.CHARTS))
def test_empty_database_shows_friendly_empty_state(db, key):
    with db.connect() as conn:
        out = A.compute_all(conn, A.Scope(start=TODAY - timedelta(days=90), end=TODAY, today=TODAY))
    fig = F.build(key, out[F.CHARTS[key][0]], "vi")
    assert fig.empty_state is True
    texts = [t.get_text() for t in fig.texts]
    assert F.tr("empty", "vi") in texts
    assert not fig.axes  # no broken, empty axes
    render(fig)


def test_empty_overlap_and_comparison():
    assert F.overlap_figure({"names": [], "matrix": []}).empty_state
    assert F.comparison_figure({}).empty_state


@pytest.mark.parametrize("value,vi,en", [
    (0, "0 ₫", "0 ₫"),
    (850, "850 ₫", "850 ₫"),
    (500_000, "500 nghìn ₫", "500K ₫"),
    (1_200_000, "1,2 tr ₫", "1.2M ₫"),
    (15_000_000, "15 tr ₫", "15M ₫"),
    (1_250_000_000, "1,2 tỷ ₫", "1.2B ₫"),
    (3_400_000_000, "3,4 tỷ ₫", "3.4B ₫"),
    (250_000_000_000, "250 tỷ ₫", "250B ₫"),
    (5_449_000_000_000, "5.449 tỷ ₫", "5,449B ₫"),
    (-2_000_000, "-2 tr ₫", "-2M ₫"),
])
def test_money_axis_format(value, vi, en):
    assert F.format_money(value, "vi") == vi
    assert F.format_money(value, "en") == en


def test_counts_and_percent_format():
    assert F.format_count(1234567, "vi") == "1.234.567"
    assert F.format_count(1234567, "en") == "1,234,567"
    assert F.format_percent(0.125, "vi") == "12,5 %"
    assert F.format_percent(None) == "—"


def test_unknown_language_falls_back_to_vietnamese():
    assert F.tr("revenue", "fr") == "Doanh thu"


def test_figures_never_use_pyplot():
    import subprocess

    code = ("import sys; import loyalty_desktop.analytics.figures, loyalty_desktop.analytics.report; "
            "assert 'matplotlib.pyplot' not in sys.modules; print('ok')")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0 and "ok" in res.stdout, res.stderr
