"""Tests of the five-stages-of-growth framework (seed 001_*)."""
from __future__ import annotations

import json
import math

import pytest

from workbook.errors import InvalidInput
from workbook.frameworks import growth_stages as gs

from .rooms import assert_not_saved, checked_lesson, example_result, live_view, open_live


# -- seed figures: the revenue ranges of the five stages ------------------------

def test_stage_names_and_order_from_seed():
    assert gs.STAGE_NAMES == ("Suspicion", "Discovery", "Map-Making", "Navigation", "Acceleration")


def test_thresholds_from_seed():
    assert gs.DISCOVERY_FROM_USD == 1_000_000
    assert gs.MAP_MAKING_FROM_USD == 5_000_000
    assert gs.NAVIGATION_FROM_USD == 10_000_000
    assert gs.ACCELERATION_ABOVE_USD == 50_000_000


@pytest.mark.parametrize(
    "name, low, high",
    [
        ("Suspicion", 0, 1e6),
        ("Discovery", 1e6, 5e6),
        ("Map-Making", 5e6, 10e6),
        ("Navigation", 10e6, 50e6),
        ("Acceleration", 50e6, math.inf),
    ],
)
def test_stage_ranges(name, low, high):
    stage = gs.stage(name)
    assert (stage.low_usd, stage.high_usd) == (low, high)


def test_range_labels():
    assert [s.range_label for s in gs.STAGES] == [
        "under $1M", "$1M to $5M", "$5M to $10M", "$10M to $50M", "over $50M",
    ]


# -- rule: revenue to stage, with every boundary -------------------------------

@pytest.mark.parametrize(
    "revenue, expected",
    [
        (0, "Suspicion"),
        (999_999.99, "Suspicion"),
        (1_000_000, "Discovery"),          # exactly $1M opens Discovery
        (4_999_999, "Discovery"),
        (5_000_000, "Map-Making"),         # exactly $5M opens Map-Making
        (9_999_999, "Map-Making"),
        (10_000_000, "Navigation"),        # exactly $10M opens Navigation
        (50_000_000, "Navigation"),        # Acceleration is *over* $50M
        (50_000_000.01, "Acceleration"),
        (62_000_000, "Acceleration"),
    ],
)
def test_stage_for_revenue_boundaries(revenue, expected):
    assert gs.stage_for_revenue(revenue) == expected


def test_stage_for_revenue_returns_str_and_accepts_numpy():
    import numpy as np

    assert gs.stage_for_revenue(np.float64(7.5e6)) == "Map-Making"
    assert isinstance(gs.stage_for_revenue(np.int64(2_000_000)), str)


@pytest.mark.parametrize("bad", [-1, -0.01, "7500000", "abc", None, True, float("nan"), float("inf"), [1]])
def test_stage_for_revenue_bad_input_names_field_value_allowed(bad):
    with pytest.raises(InvalidInput) as info:
        gs.stage_for_revenue(bad)
    err = info.value
    assert err.field == "revenue_usd"
    assert err.value is bad or (isinstance(bad, float) and math.isnan(bad))
    assert "zero or more" in err.allowed
    assert "revenue_usd" in str(err)


# -- rule: alignment, weakest link, stage failure -------------------------------

def _inputs(**kw):
    base = dict(revenue_usd=7_500_000, position=[4, 4, 4], product=[4, 4, 4], people=[4, 4, 4])
    base.update(kw)
    return gs.Inputs(**base)


def test_scores_are_means_and_alignment_is_weakest():
    result = gs.evaluate(_inputs(position=[2, 3, 4], product=[5, 5, 4], people=[3, 3, 3]))
    assert result.scores == {"position": 3.0, "product": 4.67, "people": 3.0}
    assert result.alignment == 3.0
    assert result.band == "partly aligned"


def test_tie_goes_to_stage_risk_dimension():
    # Navigation fails on product and people; position and people tie.
    result = gs.evaluate(_inputs(revenue_usd=20e6, position=[3, 3, 3], product=[4, 4, 4], people=[3, 3, 3]))
    assert result.weakest == "people"
    assert result.weakest_is_stage_risk


@pytest.mark.parametrize("value, band", [(4.0, "aligned"), (3.99, "partly aligned"), (3.0, "partly aligned"),
                                         (2.99, "misaligned")])
def test_band_boundaries(value, band):
    assert gs._band(value) == band


def test_stage_failure_and_advice_present_for_every_stage():
    for stage in gs.STAGES:
        assert stage.failure_cause and stage.advice and stage.next_step and stage.description
        assert set(stage.risk_dimensions) <= set(gs.DIMENSIONS)
    assert not gs.stage("Suspicion").failure_in_source
    assert all(s.failure_in_source for s in gs.STAGES[1:])


def test_risk_dimensions_follow_seed():
    assert gs.stage("Discovery").risk_dimensions == ("product",)
    assert gs.stage("Map-Making").risk_dimensions == ("position", "product")
    assert gs.stage("Navigation").risk_dimensions == ("product", "people")
    assert gs.stage("Acceleration").risk_dimensions == ("people",)


def test_recommendations_name_weakest_and_stage_advice():
    result = gs.evaluate(_inputs(product=[2, 2, 2]))
    text = " ".join(result.recommendations)
    assert "product" in result.recommendations[0].lower()
    assert "most often fail" in text
    assert gs.stage("Map-Making").advice in text
    assert gs.stage("Map-Making").next_step in text


def test_next_stage():
    assert gs.evaluate(_inputs(revenue_usd=2e6)).next_stage.name == "Map-Making"
    assert gs.evaluate(_inputs(revenue_usd=60e6)).next_stage is None


def test_three_questions_per_dimension():
    assert set(gs.QUESTIONS) == set(gs.DIMENSIONS)
    assert all(len(q) == 3 for q in gs.QUESTIONS.values())


# -- trajectory ----------------------------------------------------------------

def test_trajectory_places_each_year_and_sorts():
    inputs = _inputs(history=[{"year": 2024, "revenue_usd": 12e6}, {"year": 2022, "revenue_usd": 0.5e6},
                              {"year": 2023, "revenue_usd": 5e6}])
    traj = gs.evaluate(inputs).trajectory
    assert traj["year"].tolist() == [2022, 2023, 2024]
    assert traj["stage"].tolist() == ["Suspicion", "Map-Making", "Navigation"]
    assert traj["stage_number"].tolist() == [1, 3, 4]


def test_empty_trajectory_has_columns():
    traj = gs.evaluate(_inputs()).trajectory
    assert list(traj.columns) == ["year", "revenue_usd", "stage", "stage_number"] and traj.empty


# -- headline ------------------------------------------------------------------

@pytest.mark.parametrize(
    "answers, status",
    [
        (dict(position=[4, 4, 5], product=[4, 4, 4], people=[5, 4, 4]), "green"),
        (dict(position=[3, 3, 3], product=[4, 4, 4], people=[4, 4, 4]), "amber"),   # weak position is not Acceleration's risk
        (dict(position=[2, 2, 2], product=[4, 4, 4], people=[4, 4, 4]), "red"),
    ],
)
def test_headline_status(answers, status):
    # Acceleration's risk is people, so a weak position is amber when partly aligned.
    head = gs.headline(gs.evaluate(_inputs(revenue_usd=60e6, **answers)))
    assert head["status"] == status
    assert set(head) == {"status", "summary", "metrics"}
    json.dumps(head)


def test_headline_red_when_partly_aligned_weakest_is_stage_risk():
    head = gs.headline(gs.evaluate(_inputs(revenue_usd=60e6, people=[3, 3, 4])))
    assert head["status"] == "red"


# -- bad input -----------------------------------------------------------------

@pytest.mark.parametrize(
    "kw, field, allowed_part, value",
    [
        (dict(revenue_usd=-5), "revenue_usd", "zero or more", -5),
        (dict(revenue_usd="lots"), "revenue_usd", "zero or more", "lots"),
        (dict(position=[6, 1, 1]), "position[0]", "1 (strongly disagree) to 5", 6),
        (dict(product=[1, 2]), "product", "list of 3", [1, 2]),
        (dict(people=[1, 2, "x"]), "people[2]", "whole number", "x"),
        (dict(history=[{"year": 2020, "revenue_usd": -1}]), "history[0].revenue_usd", "zero or more", -1),
        (dict(history=[{"year": 20, "revenue_usd": 1}]), "history[0].year", f"1900 to {gs.YEAR_MAX}", 20),
        (dict(history=[{"year": 2020, "revenue_usd": 1}, {"year": 2020, "revenue_usd": 2}]), "history[1].year",
         "at most once (history[0] is already 2020)", 2020),
    ],
)
def test_bad_inputs_name_field_value_allowed(kw, field, allowed_part, value):
    data = {"revenue_usd": 1e6, **kw}
    with pytest.raises(InvalidInput) as info:
        gs.evaluate(data)
    problem = next(p for p in info.value.problems if p.field == field)
    assert allowed_part in problem.allowed
    assert problem.value == value


def test_unknown_field_rejected():
    with pytest.raises(InvalidInput) as info:
        gs.evaluate({"revenue_usd": 1, "colour": "red"})
    assert info.value.field == "colour"


def test_round_trip_json():
    inputs = _inputs(history=[{"year": 2024, "revenue_usd": 7.5e6}])
    again = gs.Inputs.model_validate(json.loads(json.dumps(inputs.model_dump(mode="json"))))
    assert again == inputs and again.schema_version == 1


def test_no_tables():
    assert gs.TABLES == {}


# -- example clients -----------------------------------------------------------

@pytest.mark.parametrize(
    "slug, stage, status",
    [
        ("bluebird-coffee", "Suspicion", "red"),
        ("aurora-software", "Map-Making", "red"),
        ("meridian-bank", "Navigation", "amber"),
        ("northwind-tools", "Acceleration", "green"),
    ],
)
def test_example_clients(slug, stage, status):
    result = example_result("growth_stages", slug)
    assert result.stage.name == stage
    assert gs.headline(result)["status"] == status
    assert len(result.trajectory) >= 4


# -- live view and lesson --------------------------------------------------------

def test_live_view_saves_valid_changes_and_refuses_bad_ones(data_dir):
    room = open_live("growth_stages", "aurora-software", data_dir)
    view = room.view
    view._revenue.value = 12_000_000
    assert "Saved" in view._status.value and room.result.stage.name == "Navigation"
    assert "Navigation" in view._stage_label.value
    view._revenue.value = -1
    assert_not_saved(view, "Revenue (US$)")
    saved = json.loads((data_dir / "clients" / "aurora-software" / "growth_stages.json").read_text())
    assert saved["revenue_usd"] == 12_000_000
    view._answers[("people", 0)].value = 1
    assert room.result.scores["people"] == pytest.approx(7 / 3, abs=0.01)
    view.wait_for_charts()


def _saved_history(data_dir):
    saved = json.loads((data_dir / "clients" / "aurora-software" / "growth_stages.json").read_text())
    return {h["year"]: h["revenue_usd"] for h in saved["history"]}


def _revenue_box(view, year):
    return next(row.children[1] for row in view._history.children if row.children[0].value == f"<b>{year}</b>")


def test_revenue_history_is_a_table_keyed_by_year(data_dir):
    """Each year is a row: edit a figure, add a year, remove one; bad figures are refused, nothing saved."""
    _, view = live_view("growth_stages", "aurora-software", data_dir)
    assert [row.children[0].value for row in view._history.children] == [
        f"<b>{y}</b>" for y in (2020, 2021, 2022, 2023, 2024)]
    assert _revenue_box(view, 2024).value == "7,500,000" and view._new_year.value == 2025
    _revenue_box(view, 2023).value = "$5.9M"
    assert _saved_history(data_dir)[2023] == 5_900_000 and "Saved" in view._status.value
    view._new_year.value, view._new_revenue.value = 2025, "10.2m"
    view._add_year()
    assert _saved_history(data_dir)[2025] == 10_200_000
    _revenue_box(view, 2022).value = "4.1M"  # whole dollars, not 4,099,999.9999999995
    assert _saved_history(data_dir)[2022] == 4_100_000 and _revenue_box(view, 2022).value == "4,100,000"
    _revenue_box(view, 2022).value = "3.8M"
    assert view.state.result.trajectory.iloc[-1]["stage"] == "Navigation"
    assert view._new_revenue.value == "" and view._new_year.value == 2026
    before = _saved_history(data_dir)
    _revenue_box(view, 2022).value = "lots"
    assert_not_saved(view, "Revenue for 2022", "lots", "7.5M")
    assert _revenue_box(view, 2022).value == "3,800,000"  # the row shows the saved figure again
    view._new_year.value, view._new_revenue.value = 2021, "1M"
    view._add_year()
    assert_not_saved(view, "year", "2021", "not already in the table")
    assert _saved_history(data_dir) == before
    view._remove_year(2020)
    assert 2020 not in _saved_history(data_dir) and len(view._history.children) == 5


def test_parse_history_lists_every_bad_line():
    from workbook.ui.growth_stages import parse_history

    assert parse_history("2020, 1,200,000\n\n2021: 2.5m\n2022; 800k") == [
        {"year": 2020, "revenue_usd": 1_200_000}, {"year": 2021, "revenue_usd": 2_500_000},
        {"year": 2022, "revenue_usd": 800_000}]
    with pytest.raises(InvalidInput) as info:
        parse_history("x, 1\n2020\n2021, 5")
    assert [p.field for p in info.value.problems] == ["history line 1", "history line 2"]


def test_lesson_answers_check_and_changes():
    lesson = checked_lesson("growth_stages")
    assert lesson.answer(1) == "Navigation" and lesson.answer(4) == 2023
    # Product 2, 2, 3 -> 3, 3, 4 (3.33) leaves position (3, 3, 2: 2.67) weakest; raising both leaves 3.33.
    assert lesson.answer(2) == "position" and lesson.answer(3) == "partly aligned"
    notes = gs.changes(gs.Inputs(revenue_usd=4e6), gs.Inputs(revenue_usd=6e6))
    assert notes == ["Revenue $4,000,000 \u2192 $6,000,000; stage Discovery \u2192 Map-Making."]
