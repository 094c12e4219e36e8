"""Tests of the female-economy framework (Silverstein and Sayre, HBR 2009; seed 000_*)."""
from __future__ import annotations

import json

import pytest

from workbook.errors import InvalidInput
from workbook.frameworks import female_economy as fe

from .rooms import assert_not_saved, checked_lesson, example_result, open_live


# -- seed figures: all ten shares ----------------------------------------------

GOLDEN = {
    "Fast-tracker": (0.24, 0.34),
    "Striving for achievement": (0.15, 0.19),
    "Independent women": (0.09, 0.15),
    "Pressure cooker": (0.22, 0.23),
    "Successful multitasker": (0.10, 0.14),
    "Struggling for stability": (0.12, 0.09),
    "Relationship focused": (0.16, 0.13),
    "Managing on her own": (0.10, 0.09),
    "Fulfilled empty nester": (0.15, 0.16),
    "Making ends meet": (0.12, 0.05),
}


def _all_segments():
    for s in fe.SEGMENTS:
        yield s
        yield from s.subsegments


@pytest.mark.parametrize("name", list(GOLDEN))
def test_seed_shares(name):
    seg = next(s for s in _all_segments() if s.name == name)
    assert (seg.population_share, seg.income_share) == GOLDEN[name]


def test_six_segments_four_subsegments_in_seed_order():
    assert [s.name for s in fe.SEGMENTS] == [
        "Fast-tracker", "Pressure cooker", "Relationship focused", "Managing on her own",
        "Fulfilled empty nester", "Making ends meet",
    ]
    subs = {s.name: [x.name for x in s.subsegments] for s in fe.SEGMENTS if s.subsegments}
    assert subs == {
        "Fast-tracker": ["Striving for achievement", "Independent women"],
        "Pressure cooker": ["Successful multitasker", "Struggling for stability"],
    }


def test_population_adds_to_99_income_to_100():
    assert fe.POPULATION_TOTAL == 0.99
    assert fe.INCOME_TOTAL == 1.0
    assert "99%" in fe.ROUNDING_NOTE


def test_subsegments_add_up_to_parent():
    for s in fe.SEGMENTS:
        if s.subsegments:
            assert round(sum(x.population_share for x in s.subsegments), 4) == s.population_share
            assert round(sum(x.income_share for x in s.subsegments), 4) == s.income_share


def test_every_segment_has_traits_and_needs():
    for s in _all_segments():
        assert s.traits
    for s in fe.SEGMENTS:
        assert s.needs and set(s.needs) <= set(fe.NEEDS)


def test_income_gap_and_index():
    ft = fe.segment("fast_tracker")
    assert ft.income_gap == pytest.approx(0.10)
    assert ft.income_index == pytest.approx(34 / 24, abs=1e-3)
    assert fe.segment("making_ends_meet").income_gap == pytest.approx(-0.07)


def test_financial_services_reference_from_seed():
    areas = {a.area: a for a in fe.FINANCIAL_SERVICES}
    assert [a.us_value_usd for a in fe.FINANCIAL_SERVICES] == [2.1e12, 2.0e12, 1.4e12]
    assert areas["Investments & financial advice"].inflection_points == ("Divorce", "Death of a spouse")
    assert len(areas["Life insurance"].inflection_points) == 4
    assert len(areas["Payments"].inflection_points) == 3
    assert areas["Life insurance"].goals == ("Grow the market", "Create a new market")
    table = fe.financial_services_table()
    assert len(table) == 3 and "Unmet needs" in table.columns


def test_curves_example_keeps_the_facts():
    assert "30-minute" in fe.CURVES_EXAMPLE and "Curves" in fe.CURVES_EXAMPLE
    assert set(fe.CURVES_OFFER_NEEDS) <= set(fe.NEEDS)


def test_segment_table_in_percent():
    table = fe.segment_table()
    assert len(table) == 10
    assert table["population %"].sum() == 99 + 24 + 22  # subsegments repeat their parents
    top = fe.segment_table(include_subsegments=False)
    assert top["population %"].sum() == 99 and top["income %"].sum() == 100


# -- rule: opportunity sizing ---------------------------------------------------

def _inputs(**kw):
    base = dict(market_size_usd=1_000_000, allocation_basis="income", positions=[], offers=[])
    base.update(kw)
    return fe.Inputs(**base)


def test_revenue_at_stake_by_income_share():
    result = fe.evaluate(_inputs(positions=[
        {"segment": "fast_tracker", "current_share": 0.1, "target_share": 0.2},
        {"segment": "making_ends_meet", "current_share": 0.0, "target_share": 0.5},
    ]))
    opp = result.opportunity.set_index("segment")
    assert opp.loc["Fast-tracker", "segment_market_usd"] == pytest.approx(340_000)
    assert opp.loc["Fast-tracker", "at_stake_usd"] == pytest.approx(34_000)
    assert opp.loc["Making ends meet", "at_stake_usd"] == pytest.approx(25_000)
    assert result.total_at_stake_usd == pytest.approx(59_000)
    assert result.unallocated_share == 0


def test_ranked_by_revenue_at_stake():
    result = fe.evaluate(_inputs(positions=[
        {"segment": "making_ends_meet", "current_share": 0.0, "target_share": 0.5},
        {"segment": "fast_tracker", "current_share": 0.1, "target_share": 0.2},
    ]))
    assert result.opportunity["segment"].tolist()[:2] == ["Fast-tracker", "Making ends meet"]
    assert result.opportunity["rank"].tolist() == [1, 2, 3, 4, 5, 6]


def test_population_basis_leaves_one_percent_and_says_so():
    result = fe.evaluate(_inputs(allocation_basis="population"))
    assert result.opportunity["segment_market_usd"].sum() == pytest.approx(990_000)
    assert result.unallocated_share == pytest.approx(0.01)
    assert any("1%" in n and "$10,000" in n for n in result.notes)


def test_income_gap_points_in_table():
    opp = fe.evaluate(_inputs()).opportunity.set_index("segment")
    assert opp.loc["Fast-tracker", "income_gap_points"] == 10
    assert opp.loc["Relationship focused", "income_gap_points"] == -3


def test_target_below_current_is_noted_not_counted():
    result = fe.evaluate(_inputs(positions=[{"segment": "pressure_cooker", "current_share": 0.3,
                                             "target_share": 0.1}]))
    assert result.total_at_stake_usd == 0
    assert any("Pressure cooker" in n for n in result.notes)


# -- rule: offer-to-segment fit ---------------------------------------------------

def test_offer_fit_is_mean_need_score_over_max():
    seg = fe.segment("making_ends_meet")  # needs: value_credit, small_luxuries
    assert fe.offer_fit({"value_credit": 3, "small_luxuries": 3}, seg) == 1.0
    assert fe.offer_fit({"value_credit": 3}, seg) == 0.5
    assert fe.offer_fit({"autonomy": 3}, seg) == 0.0


@pytest.mark.parametrize("fit, band", [(0.5, "served"), (0.499, "partly served"), (0.25, "partly served"),
                                       (0.249, "unserved"), (0, "unserved")])
def test_coverage_bands(fit, band):
    assert fe.coverage_band(fit) == band


def test_unserved_segments_and_best_offer():
    result = fe.evaluate(_inputs(offers=[
        {"name": "Budget card", "needs": {"value_credit": 3, "small_luxuries": 2}},
        {"name": "Advice", "needs": {"life_change": 2}},
    ]))
    opp = result.opportunity.set_index("segment")
    assert opp.loc["Making ends meet", "best_offer"] == "Budget card"
    assert opp.loc["Making ends meet", "coverage"] == "served"
    assert opp.loc["Managing on her own", "coverage"] == "partly served"
    assert set(result.unserved) == {"Fast-tracker", "Pressure cooker", "Relationship focused",
                                    "Fulfilled empty nester"}
    assert result.fit.shape == (2, 6)


def test_no_offers_means_everything_unserved():
    result = fe.evaluate(_inputs())
    assert len(result.unserved) == 6 and result.fit.empty


# -- headline ------------------------------------------------------------------

def test_headline_red_when_top_segment_unserved():
    head = fe.headline(fe.evaluate(_inputs(positions=[{"segment": "fast_tracker", "target_share": 0.1}])))
    assert head["status"] == "red" and head["metrics"]["top_segment"] == "Fast-tracker"
    json.dumps(head)


def test_headline_green_when_all_growth_segments_served():
    head = fe.headline(fe.evaluate(_inputs(
        positions=[{"segment": "making_ends_meet", "target_share": 0.1}],
        offers=[{"name": "Budget card", "needs": {"value_credit": 3, "small_luxuries": 3}}],
    )))
    assert head["status"] == "green"


def test_headline_amber_without_targets():
    assert fe.headline(fe.evaluate(_inputs()))["status"] == "amber"


# -- bad input -----------------------------------------------------------------

@pytest.mark.parametrize(
    "kw, field, allowed_part, value",
    [
        (dict(market_size_usd=-1), "market_size_usd", "zero or more", -1),
        (dict(market_size_usd="big"), "market_size_usd", "zero or more", "big"),
        (dict(allocation_basis="age"), "allocation_basis", "income", "age"),
        (dict(positions=[{"segment": "millennials"}]), "positions[0].segment", "fast_tracker", "millennials"),
        (dict(positions=[{"segment": "fast_tracker", "current_share": 24}]), "positions[0].current_share",
         "fraction from 0 to 1", 24),
        (dict(positions=[{"segment": "fast_tracker"}, {"segment": "fast_tracker"}]), "positions[1].segment",
         "at most once (positions[0] already has it)", "fast_tracker"),
        (dict(offers=[{"name": "A", "needs": {"glamour": 2}}]), "offers[0].needs.glamour", "need names: achievement",
         "glamour"),
        (dict(offers=[{"name": "A", "needs": {"quality": 5}}]), "offers[0].needs.quality", "0 (does not address it) to 3",
         5),
        (dict(offers=[{"name": "A"}, {"name": "A "}]), "offers[1].name", "not already used by offers[0]", "A"),
        (dict(offers=[{"name": "   "}]), "offers[0].name", "at least 1 character", "   "),
    ],
)
def test_bad_inputs_name_field_value_allowed(kw, field, allowed_part, value):
    data = {"market_size_usd": 1, **kw}
    with pytest.raises(InvalidInput) as info:
        fe.evaluate(data)
    problem = next(p for p in info.value.problems if p.field == field)
    assert allowed_part in problem.allowed
    assert problem.value == value


def test_round_trip_json():
    inputs = _inputs(positions=[{"segment": "fast_tracker", "current_share": 0.1, "target_share": 0.2}],
                     offers=[{"name": "A", "needs": {"quality": 2}}])
    again = fe.Inputs.model_validate(json.loads(json.dumps(inputs.model_dump(mode="json"))))
    assert again == inputs and again.schema_version == 1


# -- example clients -----------------------------------------------------------

def test_example_clients_differ():
    bank = example_result("female_economy", "meridian-bank")
    coffee = example_result("female_economy", "bluebird-coffee")
    assert fe.headline(bank)["status"] == "red"
    assert bank.opportunity.iloc[0]["segment"] == "Managing on her own"
    assert fe.headline(coffee)["status"] == "amber"
    assert coffee.opportunity.iloc[0]["segment"] == "Pressure cooker"
    assert coffee.unallocated_share == pytest.approx(0.01)


# -- live view and lesson --------------------------------------------------------

def test_live_view_saves_valid_changes_and_refuses_bad_ones(data_dir):
    room = open_live("female_economy", "meridian-bank", data_dir)
    view = room.view
    view._market_size.value = -5
    assert_not_saved(view, "Market size (US$)")
    view._shares[("fast_tracker", "target_share")].value = 12
    assert "Saved" in view._status.value
    assert next(p for p in room.state.inputs.positions if p.segment == "fast_tracker").target_share == 0.12
    view._new_offer.value = "Life-change advisory"
    view._add_offer()
    assert view._offer.value == "Life-change advisory"
    view._needs["life_change"].value = 3
    view._needs["connection"].value = 2
    assert "Managing on her own" not in room.result.unserved
    view._new_offer.value = "Life-change advisory"
    view._add_offer()
    assert_not_saved(view, "Offer 6", "Life-change advisory", "not already used by offer 5")
    saved = json.loads((data_dir / "clients" / "meridian-bank" / "female_economy.json").read_text())
    assert {"name": "Life-change advisory", "needs": {"life_change": 3, "connection": 2}} in saved["offers"]
    view.wait_for_charts()


def test_lesson_answers_check():
    lesson = checked_lesson("female_economy")
    assert lesson.answer(1) == 9 - 12 and lesson.answer(2) == pytest.approx(180_000_000 * 0.01)
    assert lesson.answer(3) == pytest.approx(180_000_000 * 0.24 * 0.03)
    assert lesson.answer(4) == pytest.approx(0.5) and lesson.answer(5) == pytest.approx(8 / 9, abs=0.001)
