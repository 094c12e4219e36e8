"""Tests of workbook.frameworks.value_proposition (Anderson, Narus and van Rossum 2006)."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from workbook.errors import InvalidInput
from workbook.frameworks import value_proposition as vp

from ..conftest import ROOT
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


def el(name, supplier="favorable", customer="favorable", quantity=None, unit_value=None, **kw):
    return {"name": name, "supplier_view": supplier, "customer_view": customer,
            "quantity": quantity, "unit_value_usd": unit_value, **kw}


def run(elements, pitch="resonating_focus", **kw):
    return vp.evaluate({"current_pitch": pitch, "elements": elements, **kw})


# --- classification -------------------------------------------------------

@pytest.mark.parametrize("view", vp.VIEWS)
def test_agreeing_views_keep_their_kind(view):
    assert vp.classify(view, view) == view


@pytest.mark.parametrize("view", vp.VIEWS)
def test_unknown_customer_view_falls_back_to_supplier(view):
    assert vp.classify(view, "unknown") == view


@pytest.mark.parametrize("supplier,customer", [
    ("favorable", "parity"), ("favorable", "unfavorable"), ("parity", "favorable"),
    ("parity", "unfavorable"), ("unfavorable", "favorable"), ("unfavorable", "parity"),
])
def test_disagreeing_views_are_a_point_of_contention(supplier, customer):
    assert vp.classify(supplier, customer) == "contention"


def test_classify_rejects_unknown_views():
    with pytest.raises(InvalidInput) as e:
        vp.classify("better", "parity")
    assert e.value.field == "supplier_view" and e.value.value == "better"
    assert "favorable" in e.value.allowed
    with pytest.raises(InvalidInput) as e:
        vp.classify("parity", "maybe")
    assert e.value.field == "customer_view" and "unknown" in e.value.allowed


def test_views_are_stored_apart():
    r = run([el("A", "favorable", "parity")])
    row = r.elements.iloc[0]
    assert (row.supplier_view, row.customer_view, row.kind) == ("favorable", "parity", "contention")


# --- value word equations ------------------------------------------------

def test_equation_value_and_text():
    e = vp.Element(name="Downtime", quantity=1200, unit="hours of downtime avoided", unit_value_usd=85)
    assert vp.equation_value(e) == 102_000
    assert vp.equation_text(e) == "1,200 hours of downtime avoided × $85 each = $102,000 a year"


def test_incomplete_equation_has_no_value():
    assert vp.equation_value(vp.Element(name="x", quantity=3)) is None
    assert vp.equation_value(vp.Element(name="x", unit_value_usd=3)) is None
    assert vp.equation_text(vp.Element(name="x", quantity=3)) == ""


def test_usd_formats_negatives():
    assert vp.usd(-1250) == "-$1,250" and vp.usd(3e6) == "$3,000,000"


def test_totals_and_net():
    r = run([
        el("A", quantity=10, unit_value=100),          # +1,000
        el("B", quantity=2, unit_value=250),           # +500
        el("C", "unfavorable", "unfavorable", 3, 100),  # -300
        el("D", "favorable", "parity", 100, 100),      # contention: not counted
        el("E", "parity", "parity", 100, 100),         # parity: not counted
    ])
    assert r.total_favorable_usd == 1500
    assert r.total_unfavorable_usd == 300
    assert r.net_value_usd == 1200
    assert r.disputed_usd == 10_000
    signed = dict(zip(r.elements.element, r.elements.value_usd))
    assert signed == {"A": 1000, "B": 500, "C": -300, "D": 0, "E": 0}


# --- resonating focus -----------------------------------------------------

def test_focus_holds_the_one_or_two_largest_favorable_differences():
    # The article: "the one or two points of difference (and, perhaps, a point of parity)".
    assert vp.FOCUS_MAX_DIFFERENCES == 2 and vp.FOCUS_MAX_PARITY == 1
    r = run([el("Small", quantity=1, unit_value=10), el("Big", quantity=1, unit_value=1000),
             el("Mid", quantity=1, unit_value=100)])
    assert r.focus == ("Big", "Mid")


def test_focus_with_one_difference():
    assert run([el("Only", quantity=1, unit_value=5)]).focus == ("Only",)


def test_focus_ties_keep_the_order_entered():
    r = run([el("First", quantity=1, unit_value=5), el("Second", quantity=1, unit_value=5),
             el("Third", quantity=1, unit_value=5)])
    assert r.focus == ("First", "Second")


def test_focus_ignores_contention_unfavorable_unvalued_and_zero():
    r = run([
        el("Disputed", "favorable", "parity", 1, 1e6),
        el("Cost", "unfavorable", "unfavorable", 1, 1e6),
        el("Unvalued"),
        el("Zero", quantity=0, unit_value=50),
        el("Real", quantity=1, unit_value=1),
    ])
    assert r.focus == ("Real",)


def test_essential_parity_joins_the_focus_only_once():
    r = run([el("A", quantity=1, unit_value=1), el("P1", "parity", "parity", essential=True),
             el("P2", "parity", "parity", essential=True), el("P3", "parity", "parity")])
    assert r.focus_parity == "P1"
    assert list(r.elements.loc[r.elements.in_focus, "element"]) == ["A", "P1"]
    assert any("2 points of parity are marked essential" in w for w in r.warnings)


def test_essential_flag_on_a_difference_is_ignored():
    r = run([el("A", quantity=1, unit_value=1, essential=True)])
    assert r.focus_parity is None and not r.elements.essential.any()


def test_value_presumption_warning_for_missing_values():
    r = run([el("Valued", quantity=1, unit_value=1), el("Guess")])
    assert any(w.startswith("Value presumption") and "Guess" in w for w in r.warnings)


def test_value_presumption_warning_for_unconfirmed_value():
    r = run([el("Hope", "favorable", "unknown", 1, 1)])
    assert any("not confirmed Hope" in w for w in r.warnings)


def test_unfavorable_without_value_is_flagged():
    r = run([el("A", quantity=1, unit_value=1), el("Price", "unfavorable", "unfavorable")])
    assert any("Price" in w and "overstates" in w for w in r.warnings)


def test_no_valued_difference_means_no_focus():
    r = run([el("Guess"), el("P", "parity", "parity")])
    assert r.focus == () and "value at least one" in r.recommendations[0]
    assert vp.headline(r)["status"] == "red"


# --- the three kinds of proposition (seed exhibit) -------------------------

def test_three_kinds_in_the_exhibit_order():
    assert tuple(vp.PROPOSITION_TYPES) == vp.PITCH_KINDS == (
        "all_benefits", "favorable_points_of_difference", "resonating_focus")
    assert [t.label for t in vp.PROPOSITION_TYPES.values()] == [
        "All benefits", "Favorable points of difference", "Resonating focus"]


def test_pitfalls_carry_over_from_the_exhibit():
    pitfalls = {k: t.pitfall for k, t in vp.PROPOSITION_TYPES.items()}
    assert pitfalls == {"all_benefits": "benefit assertion",
                        "favorable_points_of_difference": "value presumption",
                        "resonating_focus": "requires customer value research"}


def test_knowledge_required_grows_along_the_kinds():
    t = vp.PROPOSITION_TYPES
    assert "next best alternative" not in t["all_benefits"].requires
    assert "next best alternative" in t["favorable_points_of_difference"].requires
    assert "next best alternative" in t["resonating_focus"].requires
    assert "rather than the competitor" in t["favorable_points_of_difference"].customer_question


def test_exhibit_texts_are_paraphrased_not_copied():
    seed = [
        "Why should our firm purchase your offering?",
        "Why should our firm purchase your offering instead of your competitor",
        "is most worthwhile for our firm to keep in mind about your offering",
        "All benefits customers receive from a market offering",
        "Knowledge of own market offering and next best alternative",
        "whose improvement will deliver the greatest value to the customer",
        "The one or two points of difference (and perhaps a point of parity)",
        "to the customer for the foreseeable future",
    ]
    ours = " ".join(str(v) for t in vp.PROPOSITION_TYPES.values() for v in vars(t).values())
    notebook = json.loads((ROOT / "notebooks" / "value_proposition.ipynb").read_text())
    ours += " ".join("".join(c["source"]) for c in notebook["cells"])
    assert_paraphrased(seed, ours.replace(",", ""))


@pytest.mark.parametrize("pitch", vp.PITCH_KINDS)
def test_result_names_the_current_pitch_and_its_pitfall(pitch):
    r = run([el("A", quantity=1, unit_value=1)], pitch=pitch)
    assert r.pitch is vp.PROPOSITION_TYPES[pitch]
    if pitch != "resonating_focus":
        assert any(r.pitch.pitfall in x for x in r.recommendations)


# --- chart data and headline ---------------------------------------------

def test_chart_ranks_elements_by_value_with_kind():
    r = run([el("Cost", "unfavorable", "unfavorable", 1, 50), el("P", "parity", "parity"),
             el("Win", quantity=1, unit_value=500)])
    assert list(r.chart.columns) == ["element", "kind", "value_usd"]
    assert list(r.chart.element) == ["Win", "P", "Cost"]
    assert list(r.chart.kind) == ["favorable", "parity", "unfavorable"]
    assert r.chart.value_usd.is_monotonic_decreasing


def test_headline_statuses():
    green = run([el("A", quantity=1, unit_value=100, improvement_value_usd=500)])
    amber = run([el("A", quantity=1, unit_value=100, improvement_value_usd=500)], pitch="all_benefits")
    # Ranked by today's value only (a stand-in for the article's test): never green.
    assert vp.headline(run([el("A", quantity=1, unit_value=100)]))["status"] == "amber"
    red = run([el("A", quantity=1, unit_value=100), el("C", "unfavorable", "unfavorable", 1, 100)])
    assert [vp.headline(x)["status"] for x in (green, amber, red)] == ["green", "amber", "red"]
    h = vp.headline(green)
    json.dumps(h)
    assert set(h) == {"status", "summary", "metrics"}
    assert "-$" not in vp.headline(red)["summary"]


def test_empty_inputs_evaluate():
    r = vp.evaluate(vp.Inputs())
    assert r.elements.empty and r.focus == () and vp.headline(r)["status"] == "red"


def test_no_tables():
    assert vp.TABLES == {}


# --- bad input ------------------------------------------------------------

@pytest.mark.parametrize("data,field,value,allowed", [
    ({"elements": [el("A", quantity=-1, unit_value=1)]}, "elements[0].quantity", -1, "a number of 0 or more"),
    ({"elements": [el("A", quantity=1, unit_value=float("inf"))]}, "elements[0].unit_value_usd", float("inf"), "a number of 0 or more, or nothing"),
    ({"elements": [el("A", quantity="lots", unit_value=1)]}, "elements[0].quantity", "lots", "a number of 0 or more"),
    ({"elements": [el("A", "better")]}, "elements[0].supplier_view", "better", "'favorable'"),
    ({"elements": [el("A", customer="dunno")]}, "elements[0].customer_view", "dunno", "'unknown'"),
    ({"elements": [el("A"), el("B"), el(" a ")]}, "elements[2].name", "a", "elements[0]"),
    ({"elements": [el("")]}, "elements[0].name", "", "at least 1 character"),
    ({"current_pitch": "everything"}, "current_pitch", "everything", "'resonating_focus'"),
    ({"schema_version": 9}, "schema_version", 9, "1"),
    ({"colour": "red"}, "colour", "red", "Extra inputs are not permitted"),
])
def test_bad_input_names_field_value_and_allowed(data, field, value, allowed):
    assert_refused(vp.evaluate, data, field, value, allowed)


def test_every_bad_field_is_reported():
    with pytest.raises(InvalidInput) as e:
        vp.evaluate({"current_pitch": "x", "elements": [el("A", quantity=-1), el("B", unit_value=-2)]})
    assert [p.field for p in e.value.problems] == [
        "current_pitch", "elements[0].quantity", "elements[1].unit_value_usd"]


def test_too_many_elements():
    with pytest.raises(InvalidInput) as e:
        vp.evaluate({"elements": [el(f"E{i}") for i in range(vp.MAX_ELEMENTS + 1)]})
    assert e.value.field == "elements"


# --- example clients ------------------------------------------------------

def test_example_clients_differ():
    heads = {slug: vp.headline(example_result(vp.NAME, slug)) for slug in CLIENTS}
    assert {h["status"] for h in heads.values()} == {"green", "amber", "red"}
    r = example_result(vp.NAME, "aurora-software")
    # Agency shifts are worth more today ($135,000 against $126,000), but the article's test is the value of
    # improving each for the foreseeable future, where overtime leads ($180,000 against $50,000).
    assert r.focus == ("Overtime hours avoided", "Agency nurse shifts avoided")
    assert r.focus_basis == "improvement"
    assert r.net_value_usd == 135_000 + 126_000 - 60_000
    assert example_result(vp.NAME, "meridian-bank").net_value_usd < 0


def test_example_script_reproduces_committed_files(tmp_path):
    assert_script_reproduces("examples_brand_value.py", vp.NAME, tmp_path)


def test_result_tables_are_dataframes():
    r = example_result(vp.NAME, "northwind-tools")
    assert isinstance(r.elements, pd.DataFrame) and len(r.elements) == 7
    assert r.counts == {"favorable": 3, "unfavorable": 2, "parity": 1, "contention": 1}


# --- live view, report sections and lesson ---------------------------------------

@pytest.mark.parametrize("slug", CLIENTS)
def test_every_section_renders_for_every_example_client(slug, copy_data):
    assert_sections_render(vp.NAME, slug, copy_data)


def test_view_edits_save_and_bad_numbers_are_refused(copy_data):
    store, view = live_view(vp.NAME, "aurora-software", copy_data)
    assert len(view._rows.children) == 7
    view._new_name.value = "Faster onboarding"
    view._add()
    assert len(view._rows.children) == 8
    view._set("Faster onboarding", "supplier_view", "favorable")
    view._set("Faster onboarding", "customer_view", "favorable")
    view._set_number("Faster onboarding", "quantity", "1,000")
    view._set_number("Faster onboarding", "unit_value_usd", "$500")
    saved = store.load("aurora-software", vp.NAME, vp.Inputs)
    assert saved.element("Faster onboarding").quantity == 1000
    # Worth most today ($500,000), but without a value of improving it the article's test leaves it out.
    assert "Faster onboarding" not in view.state.result.focus
    view._set_number("Faster onboarding", "improvement_value_usd", "$250,000")
    assert store.load("aurora-software", vp.NAME, vp.Inputs).element("Faster onboarding").improvement_value_usd == 250_000
    assert view.state.result.focus[0] == "Faster onboarding"
    assert "Saved" in view._status.value
    view._set_number("Faster onboarding", "quantity", "lots")
    assert_not_saved(view, "lots")
    assert store.load("aurora-software", vp.NAME, vp.Inputs).element("Faster onboarding").quantity == 1000
    view._new_name.value = "faster ONBOARDING"
    view._add()
    assert "Not saved" in view._status.value and len(view._rows.children) == 8
    view._remove("Faster onboarding")
    assert len(store.load("aurora-software", vp.NAME, vp.Inputs).elements) == 7


def test_parse_number():
    from workbook.ui.value_proposition import parse_number
    assert parse_number(" $1,250.5 ", "q") == 1250.5 and parse_number("", "q") is None
    for bad in ("-3", "abc", "inf"):
        with pytest.raises(InvalidInput) as e:
            parse_number(bad, "Uptime: quantity")
        assert e.value.field == "Uptime: quantity" and e.value.value == bad


def test_lesson_answers_come_from_the_example_client():
    lesson = checked_lesson(vp.NAME)
    assert lesson.client == "aurora-software" and len(lesson.module.EXERCISES) >= 3
    assert lesson.answer(1) == 201_000 + 400 * 35          # the payroll contention settled
    assert lesson.answer(2) == 800 * 30
    assert lesson.check(3, ["Overtime hours avoided", "Scheduler time saved"]).correct is True
    assert lesson.check(4, "value presumption").correct is True
    assert lesson.check(4, "benefit assertion").correct is False
    assert lesson.check(5, "agency nurse shifts avoided").correct is True
    assert "Step 1" in lesson.worked_example()


def test_changes_describe_what_moved():
    before = vp.Inputs(elements=[el("A", quantity=1, unit_value=10), el("B", "parity", "parity")])
    after = vp.Inputs(current_pitch="resonating_focus",
                      elements=[el("A", "favorable", "parity", 1, 10), el("C", quantity=2, unit_value=10)])
    notes = vp.changes(before, after)
    assert "New element: C." in notes and "Element removed: B." in notes
    assert any("A moved from favorable point of difference to point of contention" in n for n in notes)
    assert any("Current pitch changed" in n for n in notes)
    assert vp.changes(before, before) == []
