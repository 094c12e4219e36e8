"""Tests of workbook.frameworks.brand_communities (Fournier and Lee 2009)."""
from __future__ import annotations

import json
import math

import pytest

from workbook.errors import InvalidInput
from workbook.frameworks import brand_communities as bc

from .rooms import (
    CLIENTS,
    assert_not_saved,
    assert_refused,
    assert_paraphrased,
    assert_script_reproduces,
    assert_sections_render,
    checked_lesson,
    example_result,
    live_view,
)


def answers(pool=(), web=(), hub=()):
    out = {}
    for form, vals in (("pool", pool), ("web", web), ("hub", hub)):
        for i, v in enumerate(vals, start=1):
            out[f"{form}_{i}"] = v
    return out


def run(pool=(), web=(), hub=(), **kw):
    return bc.evaluate({"answers": answers(pool, web, hub), **kw})


def score(result, form):
    return float(result.scores.set_index("form").loc[form, "score"])


# --- questionnaire ------------------------------------------------------------

def test_questionnaire_shape():
    assert bc.FORMS == ("pool", "web", "hub")
    assert bc.STATEMENTS_PER_FORM == {"pool": 4, "web": 4, "hub": 4}
    assert len(bc.STATEMENT_IDS) == len(set(bc.STATEMENT_IDS)) == 12
    assert (bc.SCALE_MIN, bc.SCALE_MAX) == (1, 5)
    assert all(s.id.startswith(s.form + "_") for s in bc.STATEMENTS)


def test_definitions_and_statements_are_paraphrased():
    seed = [
        "People have strong associations with a shared activity or goal, or shared values, and loose associations with one another",
        "The shared activity, goal, or values are the key to this community affiliation",
        "People have strong one-to-one relationships with others who have similar or complementary needs",
        "Personal relationships are the key to this community affiliation",
        "People have strong connections to a central figure and weaker associations with one another",
        "A charismatic figure is the key to this community affiliation",
    ]
    ours = " ".join([s.text for s in bc.STATEMENTS]
                    + [str(v) for f in bc.FORM_INFO.values() for v in vars(f).values()])
    assert_paraphrased(seed, ours)


# --- seed examples -------------------------------------------------------------

def test_seed_examples_per_form():
    assert bc.SEED_EXAMPLES == {
        "pool": ("Apple enthusiasts", "Republicans or Democrats", "Ironman triathletes"),
        "web": ("Facebook", "Cancer Survivors Network", "Hash House Harriers"),
        "hub": ("Deepak Chopra", "Hannah Montana", "Oprah"),
    }


def test_form_definitions_keep_the_seed_meaning():
    assert "activity, goal or set of values" in bc.FORM_INFO["pool"].tie
    assert "loosely" in bc.FORM_INFO["pool"].tie
    assert "person-to-person" in bc.FORM_INFO["web"].tie and "complement" in bc.FORM_INFO["web"].tie
    assert "central figure" in bc.FORM_INFO["hub"].tie and "weakly" in bc.FORM_INFO["hub"].tie
    for f in bc.FORM_INFO.values():
        assert f.build and f.run and f.risk
    assert len({f.risk for f in bc.FORM_INFO.values()}) == 3


# --- scoring --------------------------------------------------------------------

def test_scores_are_means_of_answered_statements():
    r = run(pool=(5, 4, 3, 2), web=(1, 1), hub=())
    assert score(r, "pool") == 3.5 and score(r, "web") == 1.0 and math.isnan(score(r, "hub"))
    assert r.scores.set_index("form").loc["web", "answered"] == 2
    assert r.answered == 6 and r.total == 12


@pytest.mark.parametrize("value,expected", [
    (5.0, "strong"), (4.0, "strong"), (3.99, "moderate"), (3.0, "moderate"),
    (2.99, "weak"), (1.0, "weak"), (None, "not answered"), (float("nan"), "not answered"),
])
def test_band_boundaries(value, expected):
    assert bc.band(value) == expected


def test_dominant_form_and_margin():
    r = run(pool=(2, 2, 2, 2), web=(3, 3, 3, 3), hub=(5, 4, 5, 4))
    assert r.dominant == "hub" and r.tied == ("hub",)
    assert r.margin == pytest.approx(1.5)
    assert r.guidance is bc.FORM_INFO["hub"]


def test_ties_break_in_article_order():
    assert bc.TIE_ORDER == ("pool", "web", "hub")
    assert bc.dominant_form({"pool": 3, "web": 4, "hub": 4}) == ("web", ("web", "hub"))
    assert bc.dominant_form({"pool": 4, "web": 4, "hub": 4}) == ("pool", ("pool", "web", "hub"))
    assert bc.dominant_form({"hub": 4, "pool": 4, "web": 1}) == ("pool", ("pool", "hub"))
    # scores equal to two decimals count as tied
    assert bc.dominant_form({"pool": 10 / 3, "web": 3.333, "hub": 1})[1] == ("pool", "web")
    assert bc.dominant_form({"pool": None, "web": float("nan"), "hub": None}) == (None, ())


def test_tie_is_reported():
    r = run(pool=(4, 4, 4, 4), web=(4, 4, 4, 4), hub=(1, 1, 1, 1))
    assert r.dominant == "pool" and r.tied == ("pool", "web") and r.margin == 0
    assert any("the same as a pool and as a web" in x for x in r.recommendations)
    h = bc.headline(r)
    assert h["status"] == "amber" and "tied with web" in h["summary"]


def test_guidance_for_the_dominant_form():
    r = run(pool=(5, 5, 5, 5), web=(1, 1, 1, 1), hub=(1, 1, 1, 1))
    info = bc.FORM_INFO["pool"]
    assert r.recommendations[-3:] == (f"Build: {info.build}", f"Run: {info.run}", f"Watch: {info.risk}")


def test_target_form_mismatch_gives_a_route():
    r = run(pool=(1, 1, 1, 1), web=(2, 2, 2, 2), hub=(5, 5, 5, 5), target_form="pool")
    assert "wants a pool" in r.recommendations[-1] and "behaves like a hub" in r.recommendations[-1]
    assert bc.headline(r)["status"] == "amber"


def test_target_inside_a_tie():
    r = run(pool=(3, 3, 3, 3), web=(3, 3, 3, 3), hub=(1, 1, 1, 1), target_form="web")
    assert any("settle the tie" in x for x in r.recommendations)
    assert "though the client wants" not in bc.headline(r)["summary"]


def test_partial_answers_are_provisional():
    r = run(pool=(5, 5), web=(1,), hub=(1,))
    assert r.recommendations[0].startswith("8 statement(s) are unanswered")
    assert bc.headline(r)["status"] == "amber"


def test_nothing_answered():
    r = bc.evaluate(bc.Inputs())
    assert r.dominant is None and r.tied == () and r.margin is None and r.guidance is None
    h = bc.headline(r)
    assert h["status"] == "red"
    json.dumps(h)


def test_none_answers_are_unanswered():
    inp = bc.Inputs(answers={"pool_1": 4, "web_1": None})
    assert inp.answers == {"pool_1": 4}


def test_headline_statuses():
    green = run(pool=(5, 4, 4, 4), web=(2, 2, 2, 2), hub=(1, 1, 1, 1))
    weak = run(pool=(2, 2, 2, 2), web=(2, 2, 2, 2), hub=(1, 2, 1, 1))
    moderate = run(pool=(3, 3, 3, 3), web=(2, 2, 2, 2), hub=(1, 1, 1, 1))
    assert [bc.headline(x)["status"] for x in (green, weak, moderate)] == ["green", "red", "amber"]
    h = bc.headline(green)
    json.dumps(h)
    assert h["metrics"]["dominant_form"] == "Pool" and h["metrics"]["pool_score"] == 4.25


def test_no_tables():
    assert bc.TABLES == {}


# --- bad input --------------------------------------------------------------------

@pytest.mark.parametrize("data,field,value,allowed", [
    ({"answers": {"pool_1": 6}}, "answers.pool_1", 6, "a whole number from 1 (strongly disagree) to 5"),
    ({"answers": {"hub_4": 0}}, "answers.hub_4", 0, "a whole number from 1 (strongly disagree) to 5"),
    ({"answers": {"web_2": 3.5}}, "answers.web_2", 3.5, "whole number"),
    ({"answers": {"web_2": "lots"}}, "answers.web_2", "lots", "or none for not answered"),
    ({"answers": {"web_2": True}}, "answers.web_2", True, "whole number"),
    ({"answers": {"pool_9": 3}}, "answers.pool_9", "pool_9", "pool_1"),
    ({"target_form": "tribe"}, "target_form", "tribe", "'hub'"),
    ({"schema_version": 2}, "schema_version", 2, "1"),
])
def test_bad_input_names_field_value_and_allowed(data, field, value, allowed):
    assert_refused(bc.evaluate, data, field, value, allowed)


def test_every_bad_answer_is_reported():
    with pytest.raises(InvalidInput) as e:
        bc.evaluate({"answers": {"pool_1": 9, "web_1": 0, "hub_1": 3}})
    assert [p.field for p in e.value.problems] == ["answers.pool_1", "answers.web_1"]


# --- example clients --------------------------------------------------------------

def test_example_clients_differ():
    results = {slug: example_result(bc.NAME, slug) for slug in CLIENTS}
    assert {s: r.dominant for s, r in results.items()} == {
        "aurora-software": "web", "northwind-tools": "pool", "bluebird-coffee": "hub", "meridian-bank": "pool"}
    assert {s: bc.headline(r)["status"] for s, r in results.items()} == {
        "aurora-software": "green", "northwind-tools": "green", "bluebird-coffee": "amber", "meridian-bank": "red"}
    assert results["meridian-bank"].tied == ("pool", "web")


def test_example_script_reproduces_committed_files(tmp_path):
    assert_script_reproduces("examples_brand_value.py", bc.NAME, tmp_path)


# --- live view, report sections and lesson ---------------------------------------

@pytest.mark.parametrize("slug", CLIENTS)
def test_every_section_renders_for_every_example_client(slug, copy_data):
    assert_sections_render(bc.NAME, slug, copy_data)


def test_view_answers_save_and_update(copy_data):
    store, view = live_view(bc.NAME, "bluebird-coffee", copy_data)
    assert view._answers["hub_1"].value == 5
    for sid in ("pool_1", "pool_2", "pool_3", "pool_4"):
        view._answers[sid].value = 5
    assert view.state.result.dominant == "pool"
    assert store.load("bluebird-coffee", bc.NAME, bc.Inputs).answers["pool_4"] == 5
    assert "Pool" in view._progress.value and "Saved" in view._status.value
    view._target.value = "web"
    assert store.load("bluebird-coffee", bc.NAME, bc.Inputs).target_form == "web"
    view._answer("pool_1", 9)
    assert_not_saved(view, "Pool 1")
    assert store.load("bluebird-coffee", bc.NAME, bc.Inputs).answers["pool_1"] == 5


def test_an_answer_clicked_by_mistake_can_be_cleared(copy_data):
    from workbook.ui import brand_communities as ui

    store, view = live_view(bc.NAME, "bluebird-coffee", copy_data)
    assert view._answers["hub_1"].options[0] == ("\u2013", ui.NOT_ANSWERED)
    view._answers["hub_1"].value = ui.NOT_ANSWERED
    saved = store.load("bluebird-coffee", bc.NAME, bc.Inputs)
    assert "hub_1" not in saved.answers and view.state.result.answered == 11
    assert "11</b> of 12" in view._progress.value and "Saved" in view._status.value
    assert float(view.state.result.scores.set_index("form").loc["hub", "score"]) == pytest.approx((4 + 4 + 3) / 3)
    # A fresh view shows the cleared statement as not answered.
    _, again = live_view(bc.NAME, "bluebird-coffee", copy_data)
    assert again._answers["hub_1"].value == ui.NOT_ANSWERED


def test_fresh_client_view_and_sections(copy_data):
    from workbook.store import Store
    from workbook.ui import brand_communities as ui
    from workbook.ui.base import RoomState
    store = Store(copy_data)
    store.create_client("newco", {"name": "Newco", "fictional": True})
    state = RoomState.load(bc.NAME, store, "newco")
    assert state.result.dominant is None
    assert ui.scores_section(state.context) is None
    assert "Answer the questionnaire" in ui.guidance_section(state.context)
    view = ui.View(store, "newco")
    view.form()
    view._answers["web_1"].value = 4
    assert view.state.result.dominant == "web"


def test_lesson_answers_come_from_the_example_client():
    lesson = checked_lesson(bc.NAME)
    assert lesson.client == "bluebird-coffee" and len(lesson.module.EXERCISES) >= 3
    # Hub answers 5, 4, 4, 3: lowering the first to 2 gives (2 + 4 + 4 + 3) / 4 = 3.25, level with the pool.
    assert lesson.check(1, 3.25).correct is True
    assert lesson.check(2, "Pool").correct is True
    assert lesson.check(2, "hub").correct is False      # the form that led before is the usual slip
    assert lesson.check(3, "hub").correct is True       # members tied to one central figure
    assert lesson.check(4, "amber").correct is True
    shown = lesson.worked_example()
    assert "Step 1" in shown
    for names in bc.SEED_EXAMPLES.values():  # the teaching part names the article's examples of each form
        assert all(name in shown for name in names)


def test_changes_describe_what_moved():
    before = bc.Inputs(answers={"pool_1": 2, "hub_1": 4})
    after = bc.Inputs(answers={"pool_1": 5, "hub_1": 4}, target_form="pool")
    notes = bc.changes(before, after)
    assert notes[0].startswith("1 answer(s) moved (pool_1 2")
    assert "Target form changed from not decided to pool." in notes
    assert "Dominant form moved from hub to pool." in notes
