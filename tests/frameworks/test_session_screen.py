"""The session screen without a browser: layout, empty rooms, field messages in plain words."""
from __future__ import annotations

import json

import ipywidgets as widgets
import pytest

from workbook import registry
from workbook.errors import Problem
from workbook.store import Store
from workbook.ui.session import main_sections, plain_problem

from .rooms import live_view

ROOMS = [fw.name for fw in registry.REGISTRY]


def _texts(widget) -> str:
    """All HTML text under ``widget``."""
    out = [widget.value] if isinstance(widget, widgets.HTML) else []
    for child in getattr(widget, "children", ()):
        out.append(_texts(child))
    return "\n".join(out)


@pytest.mark.parametrize("framework", ROOMS)
def test_an_empty_room_says_what_to_enter(framework, empty_data):
    store = Store(empty_data)
    store.create_client("newco", {"name": "New Co"})
    _, view = live_view(framework, "newco", empty_data)
    screen = view.form()
    view.wait_for_charts()
    shown = main_sections(view)
    assert shown[0] == "headline" and len(shown) >= 2
    left, right = screen.children[1].children
    results = _texts(right)
    assert "no product column" not in results and "Traceback" not in results
    for name in shown:
        box = view._section_widgets[name]
        content = box.children[0]
        if isinstance(content, widgets.Image):  # a chart drawn from nothing must not be an empty axis
            pytest.fail(f"{framework}: {name} draws a chart for a client with no data")
        if getattr(view.sections[name], "is_chart", False):
            assert "No chart yet" in content.value, (framework, name, content.value)
    view.wait_for_charts()


def test_other_sections_are_drawn_only_when_opened(copy_data):
    _, view = live_view("nps", "meridian-bank", copy_data)
    view.form()
    shown = set(main_sections(view))
    assert set(view._section_widgets) == shown  # the rest waits in "More results"
    more = view._screen.children[1].children[1].children[-1].children[1]
    more.selected_index = 0
    assert len(view._section_widgets) == len(shown) + 1


def test_female_economy_first_offer_of_a_new_client_can_be_scored(empty_data):
    store = Store(empty_data)
    store.create_client("newco", {"name": "New Co"})
    _, view = live_view("female_economy", "newco", empty_data)
    assert all(b.disabled for b in view._needs.values())
    view._new_offer.value = "First offer"
    view._add_offer()
    assert not any(b.disabled for b in view._needs.values())
    need = next(iter(view._needs))
    view._needs[need].value = 2
    assert "Saved" in view._status.value
    doc = json.loads((empty_data / "clients" / "newco" / "female_economy.json").read_text())
    assert doc["offers"] == [{"name": "First offer", "needs": {need: 2}}]


def test_out_of_range_numbers_are_refused_beside_the_field_not_changed(copy_data):
    _, fe = live_view("female_economy", "meridian-bank", copy_data)
    path = copy_data / "clients" / "meridian-bank" / "female_economy.json"
    before = path.read_bytes()
    key = next(iter(fe._shares))
    fe._shares[key].value = 150
    assert fe._shares[key].value == 150  # shown as typed
    assert "a percent from 0 to 100" in fe._notes[f"share-{key[0]}"].value
    assert "Not saved" in fe._status.value and path.read_bytes() == before
    fe._shares[key].value = 15
    assert fe._notes[f"share-{key[0]}"].value == "" and "Saved" in fe._status.value

    _, clv = live_view("clv", "bluebird-coffee", copy_data)
    clv._has_sub.value = True
    clv._subscribers.value = -500
    assert clv._subscribers.value == -500
    assert "Subscribers: -500 is below 0; enter 0 or more" in clv._notes["subscribers"].value


def test_an_answer_without_a_respondent_is_refused_visibly(empty_data):
    store = Store(empty_data)
    store.create_client("newco", {"name": "New Co"})
    _, view = live_view("sales_marketing", "newco", empty_data)
    view._answers[0].value = 4
    assert view._answers[0].value is None  # not left lit up
    assert "add one above" in view._notes["answers"].value and "Not saved" in view._status.value
    assert not (empty_data / "clients" / "newco" / "sales_marketing.json").exists()
    view._new_name.value = ""
    view._add_respondent()
    assert "name" in view._notes["respondent"].value  # beside the Add button


@pytest.mark.parametrize("problem, said", [
    (Problem("peers[2].name", "", "String should have at least 1 character"), "Peer 3: the name is empty; enter a name"),
    (Problem("subscribers", -500, "Input should be greater than or equal to 0"),
     "Subscribers: -500 is below 0; enter 0 or more"),
    (Problem("positions[0].current_share", 1.5, "Input should be less than or equal to 1"),
     "Position 1, current share: 1.5 is above 1; enter at most 1"),
    (Problem("offers[5].name", "X", "a name not already used by offers[4]"),
     "Offer 6: 'X' is not allowed; allowed: a name not already used by offer 5"),
])
def test_problems_read_as_plain_sentences(problem, said):
    assert plain_problem(problem) == said
