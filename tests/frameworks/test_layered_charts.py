"""A live chart drawn in layers (static layer kept, data drawn over it) looks like the report's."""
from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from workbook import registry
from workbook.charts import LayeredChart, png_bytes
from workbook.room import RoomState
from workbook.store import Store

from ..conftest import DATA
from .rooms import CLIENTS

LAYERED = [(fw.name, name) for fw in registry.REGISTRY for name, renderer in fw.ui.SECTIONS.items()
           if isinstance(renderer, LayeredChart)]


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)


@pytest.mark.parametrize(("framework", "section"), LAYERED)
def test_live_layers_give_the_report_picture(framework, section):
    """Same size and no pixel visibly different: the data layer keeps the z-order of a full draw
    (e.g. a bar stays under the axis line it starts on)."""
    chart = registry.get(framework).ui.SECTIONS[section]
    drawn = 0
    for client in CLIENTS:
        ctx = RoomState.load(framework, Store(DATA), client).context
        full = chart(ctx)
        if full is None:
            continue
        cache: dict = {}
        chart.live_png(ctx, cache)  # the first call builds the static layer; the second reuses it
        live, report = _pixels(chart.live_png(ctx, cache)), _pixels(png_bytes(full))
        assert live.shape == report.shape, (client, live.shape, report.shape)
        assert np.abs(live - report).max() <= 40, client
        drawn += 1
    assert drawn, f"no example client draws {framework}.{section}"


def test_the_rooms_redrawn_most_often_keep_a_static_layer():
    assert {("sales_marketing", "totals"), ("sales_marketing", "comparison"), ("deal_qualification", "forecast"),
            ("brand_communities", "scores"), ("value_proposition", "values"), ("purpose_brands", "matrix"),
            ("nps", "segments"), ("female_economy", "opportunity"), ("growth_stages", "path"),
            ("clv", "tiers")} <= set(LAYERED)


@pytest.mark.parametrize(("framework", "client", "section", "edit"), [
    # the browser benchmark's edits: a customer's view that reorders the ranking, a product moved to another
    # job (a new row), another segment picked
    ("value_proposition", "aurora-software", "values",
     lambda doc: setattr(doc.elements[0], "customer_view", "unfavorable")),
    ("purpose_brands", "northwind-tools", "matrix",
     lambda doc: doc.brands[0].set_product(doc.brands[0].products[4].id,
                                           job="leave a site clean at the end of the day")),
    ("nps", "bluebird-coffee", "segments", None),
    ("female_economy", "meridian-bank", "opportunity",
     lambda doc: setattr(doc, "allocation_basis", "population" if doc.allocation_basis == "income" else "income")),
    ("growth_stages", "aurora-software", "path", lambda doc: setattr(doc, "revenue_usd", 12_000_000.0)),
    ("clv", "bluebird-coffee", "tiers", lambda doc: setattr(doc, "margin", round(doc.margin + 0.01, 2))),
])
def test_an_edit_and_its_undo_keep_the_report_picture(framework, client, section, edit):
    """After an edit and back, each live picture equals the report's for the same data (static layers reused)."""
    state = RoomState.load(framework, Store(DATA), client)
    chart = registry.get(framework).ui.SECTIONS[section]
    before = state.context
    doc = state.inputs.model_copy(deep=True)
    if edit is None:  # NPS: pick the other segment
        segments = [str(s) for s in state.result.by_segment.index]
        doc.focus_segment = next(s for s in segments if s != doc.focus_segment)
    else:
        edit(doc)
    state.replace(inputs=doc)
    after = state.context
    assert chart.chart_key(after) != chart.chart_key(before)
    cache: dict = {}
    for ctx in (before, after, before, after):
        live, report = _pixels(chart.live_png(ctx, cache)), _pixels(png_bytes(chart(ctx)))
        assert live.shape == report.shape
        assert np.abs(live - report).max() <= 40
    assert len(cache["layers"]) <= 2  # the undo found its static layer again


def test_in_a_kernel_a_click_draws_its_layered_charts_before_it_returns(data_dir):
    """A click handled on the kernel's event loop (as every widget message is): the layered charts on the
    screen show the new answers when the handler returns (no chart thread in between), the form is set
    after them, and a chart drawn whole is still left to the chart thread."""
    import asyncio

    from .rooms import live_view

    _, view = live_view("sales_marketing", "meridian-bank", data_dir, sections=True)
    view.wait_for_charts()
    totals = view._section_widgets["totals"].children[0]
    before = totals.value
    order = []
    shown = view._show_saved
    view._show_saved = lambda *a, **k: (order.append(("form", totals.value != before)), shown(*a, **k))[1]
    whole = next((n for n, r in view.sections.items() if getattr(r, "is_chart", False)
                  and not isinstance(r, LayeredChart)), None)

    async def click() -> None:
        answer = view._answers[0]
        answer.value = 1 if answer.value != 1 else 5

    asyncio.run(click())
    assert totals.value != before, "the totals chart was not redrawn before the click returned"
    assert order and order[0] == ("form", True), "the form was set before the chart was drawn"
    expected = view.sections["totals"].live_png(view.state.context, {})
    assert np.abs(_pixels(totals.value) - _pixels(expected)).max() <= 40
    assert whole is None or view._pending is not None
