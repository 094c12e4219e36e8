"""What a consultant quotes: facts as the sources give them, advice that follows their conditions.

Golden values come from the seeds in ``shared/seeds`` (quoted here on purpose:
tests are not shipped text).
"""
from __future__ import annotations

import json

import pytest

from workbook import methods, registry
from workbook.errors import InvalidInput
from workbook.frameworks import clv, deal_qualification as dq, female_economy as fe, growth_stages as gs
from workbook.frameworks import nps, purpose_brands as pb, sales_marketing as sm, summary
from workbook.frameworks import value_proposition as vp

from ..conftest import DATA, ROOT
from .rooms import CLIENTS, assert_sections_render, example_result, live_view

NOTEBOOKS = ROOT / "notebooks"


def notebook_text(name: str) -> str:
    return " ".join("".join(c["source"]) for c in json.loads((NOTEBOOKS / name).read_text())["cells"])


def sm_result(slug: str) -> sm.Result:
    """An example client's Sales-Marketing result from its committed file."""
    doc = json.loads((DATA / "clients" / slug / "sales_marketing.json").read_text())
    return sm.evaluate(sm.Inputs.model_validate(doc))


def answers(total: int) -> list[int]:
    """Twenty answers adding up to ``total`` (20..100)."""
    out, left = [1] * 20, total - 20
    for i in range(20):
        step = min(4, left)
        out[i] += step
        left -= step
    return out


def team(total: int) -> dict:
    return {"respondents": [{"name": "A", "role": "Sales", "answers": answers(total)},
                            {"name": "B", "role": "Marketing", "answers": answers(total)}]}


# --- Sales and Marketing: the article's conditions drive status and advice ------------------------

def test_bluebird_small_and_friendly_is_told_to_keep_things_as_they_are():
    """$0.85M, good informal relations, no conflict: the article says leave an Undefined relationship alone."""
    profile = json.loads((DATA / "clients" / "bluebird-coffee" / "profile.json").read_text())
    assert profile["revenue_usd"] == 850_000
    r = sm_result("bluebird-coffee")
    assert r.assessment.relationship_type == "Undefined"
    assert r.conditions.verdict == "keep"
    h = sm.headline(r)
    assert h["status"] == "green" and h["metrics"]["advice"] == "keep"
    assert "keep it as it is" in h["summary"]
    assert "company is small" in r.conditions.advice and "informal" in r.conditions.advice


def test_bluebird_gets_no_act_now_line_and_no_relationship_reading_in_the_summary():
    h_sm = sm.headline(sm_result("bluebird-coffee"))
    falling_nps = {"status": "amber", "summary": "", "metrics": {"trend_points": -6.0}}
    result = summary.evaluate(summary.Inputs(), {"sales_marketing": h_sm, "nps": falling_nps},
                              [("sales_marketing", "Sales and Marketing"), ("nps", "NPS")])
    assert not [r for r in result.readings if "sales_marketing" in r.frameworks and r.rule != "overview"]
    assert not [a for a in result.plan if a.source == "Sales and Marketing"]
    # The same scores without the recorded conditions still read as a weak relationship (today's behaviour).
    unrecorded = dict(h_sm, status="red", metrics={**h_sm["metrics"], "advice": "not recorded"})
    result = summary.evaluate(summary.Inputs(), {"sales_marketing": unrecorded, "nps": falling_nps},
                              [("sales_marketing", "Sales and Marketing"), ("nps", "NPS")])
    assert any(r.rule == "relationship_and_loyalty" for r in result.readings)


@pytest.mark.parametrize("total, recorded, verdict, status", [
    (30, {}, "not recorded", "red"),                                        # today's behaviour, said as unrecorded
    (30, {"undefined-stay-1": True}, "keep", "green"),                      # small company
    (30, {"undefined-stay-3": True, "undefined-tighten-1": False}, "keep", "green"),
    (30, {"undefined-tighten-1": True}, "tighten", "red"),                  # conflicts are evident
    (30, {"undefined-stay-1": True, "undefined-tighten-3": True}, "tighten", "red"),   # both: tighten wins
    (30, {"undefined-stay-1": False, "undefined-tighten-1": False}, "review", "amber"),
    (50, {"defined-stay-3": True}, "keep", "green"),                        # no compelling reason to change
    (50, {"defined-tighten-2": True}, "tighten", "amber"),                  # commoditized market
    (50, {}, "not recorded", "amber"),
    (70, {"aligned-tighten-1": True}, "tighten", "amber"),                  # a common funnel can be built
    (70, {"aligned-stay-3": True}, "keep", "green"),                        # short sales cycle
    (90, {"undefined-tighten-1": True}, "top", "green"),                    # other types' conditions do not apply
])
def test_status_and_advice_follow_the_recorded_conditions(total, recorded, verdict, status):
    r = sm.evaluate(sm.Inputs.model_validate({**team(total), "conditions": recorded}))
    assert r.conditions.verdict == verdict
    assert sm.headline(r)["status"] == status


def test_conditions_are_the_articles_table():
    assert len([c for c in sm.CONDITIONS.values() if c[1] == "stay"]) == 9
    assert [len([c for c in sm.CONDITIONS.values() if c[:2] == (t, "tighten")])
            for t in ("Undefined", "Defined", "Aligned")] == [3, 4, 1]
    assert "small" in sm.CONDITIONS["undefined-stay-1"][2]
    assert "informal" in sm.CONDITIONS["undefined-stay-2"][2]
    assert "support" in sm.CONDITIONS["undefined-stay-3"][2]


def test_conditions_default_to_not_recorded_and_bad_ids_are_refused():
    doc = sm.Inputs()
    assert doc.conditions == {} and doc.condition_choice("undefined-stay-1") == "not recorded"
    doc.set_condition("undefined-stay-1", "holds")
    doc.set_condition("undefined-tighten-1", "does not hold")
    assert doc.conditions == {"undefined-stay-1": True, "undefined-tighten-1": False}
    doc.set_condition("undefined-stay-1", "not recorded")
    assert "undefined-stay-1" not in doc.conditions
    with pytest.raises(InvalidInput) as e:
        doc.set_condition("undefined-stay-9", "holds")
    assert e.value.field == "condition" and "undefined-stay-1" in e.value.allowed
    with pytest.raises(InvalidInput):
        doc.set_condition("undefined-stay-1", "maybe")
    with pytest.raises(Exception):
        sm.Inputs.model_validate({"conditions": {"made-up": True}})


def test_advice_without_a_step_up_when_the_article_says_keep():
    from workbook.ui import sales_marketing as ui
    from workbook.ui.base import RoomState
    from workbook.store import Store

    ctx = RoomState.load("sales_marketing", Store(DATA), "bluebird-coffee").context
    html = ui.advice_section(ctx)
    assert "keep things as they are" in html and "Moving up to Defined" not in html
    assert "holds" in html and "does not hold" in html


def test_live_form_records_a_condition_and_the_status_follows(copy_data):
    store, view = live_view("sales_marketing", "bluebird-coffee", copy_data)
    assert view.state.context.result.conditions.verdict == "keep"
    view._conditions["undefined-tighten-1"].value = "holds"
    saved = store.load("bluebird-coffee", "sales_marketing", sm.Inputs)
    assert saved.conditions["undefined-tighten-1"] is True
    assert sm.headline(view.state.result)["status"] == "red"
    view._conditions["undefined-tighten-1"].value = "not recorded"
    assert "undefined-tighten-1" not in store.load("bluebird-coffee", "sales_marketing", sm.Inputs).conditions


def test_statement_15_and_the_summary_name_statements_by_their_text():
    assert "significant" in sm.STATEMENTS[14] and "large share" not in sm.STATEMENTS[14]
    label = sm.statement_label(2)
    assert label.startswith("statement 2 (") and "blames" in label
    h = sm.headline(sm_result("aurora-software"))
    assert "statement" in h["summary"] and "\u201c" in h["summary"]


# --- the other rooms: facts as the seeds give them -----------------------------------------------

def test_female_economy_uses_the_growth_forecast_where_it_sizes_the_opportunity(copy_data):
    assert fe.GROWTH_FORECAST_USD == 5.9e12
    r = example_result("female_economy", "meridian-bank")
    assert any("5.9 trillion" in n for n in r.notes)
    from workbook.ui import female_economy as ui
    from workbook.ui.base import RoomState
    from workbook.store import Store

    ctx = RoomState.load("female_economy", Store(copy_data), "meridian-bank").context
    assert "US$5.9 trillion" in ui.headline_section(ctx)
    assert "5.9 trillion" in notebook_text("female_economy.ipynb")


def test_financial_services_wording_keeps_equitable_coverage():
    life = next(a for a in fe.FINANCIAL_SERVICES if a.area == "Life insurance")
    assert any(n.startswith("Equitable coverage") for n in life.unmet_needs)
    assert not any("equal cover" in n.lower() for a in fe.FINANCIAL_SERVICES for n in a.unmet_needs)


def test_american_express_upper_class_ticket_and_first_purchase():
    text = notebook_text("customer_value.ipynb")
    assert "upper-class airline ticket" in text and "first purchase" in text and "platinum" in text
    assert "first-class" not in text


def test_nokia_is_credited_with_turning_customer_input_into_hit_products():
    q = next(q for q in clv.AUDIT if q.id == "product_development")
    assert "Nokia" in q.advice and "hit products" in q.advice and "features and value" in q.advice
    assert "Nokia's strength" not in q.advice


def test_willing_means_wanting_to_buy_not_wanting_to_buy_from_us():
    assert "from us" not in dq.CRITERION_MEANING["willing"]
    assert dq.CRITERION_MEANING["willing"].startswith("the buyer wants to buy")
    assert "buy from us" not in notebook_text("deal_qualification.ipynb")


def test_citations_do_not_invent_an_author_or_a_date():
    assert "author and date not given" in registry.get("growth_stages").citation
    assert "date not given" in registry.get("deal_qualification").citation
    assert "July 2006" not in registry.get("deal_qualification").citation
    assert "neither its author nor its date" in notebook_text("growth_stages.ipynb")


def test_suspicion_has_no_risk_the_article_does_not_name():
    suspicion = gs.stage("Suspicion")
    assert suspicion.risk_dimensions == () and not suspicion.failure_in_source
    r = gs.evaluate({"revenue_usd": 500_000, "position": [3, 3, 3], "product": [4, 4, 4], "people": [4, 4, 4]})
    assert r.weakest == "position" and not r.weakest_is_stage_risk
    assert gs.headline(r)["status"] == "amber"   # partly aligned; no invented risk turns it red


def test_marriott_and_milwaukee_are_the_remedy_not_the_stretched_brand():
    assert pb.PATH[pb.MANY_JOBS_ONE_BRAND].examples == ()
    assert "Marriott: Courtyard; Residence Inn" in pb.PATH[pb.ENDORSER].examples


def test_resonating_focus_follows_the_value_of_improvement():
    el = {"supplier_view": "favorable", "customer_view": "favorable"}
    r = vp.evaluate({"current_pitch": "resonating_focus", "elements": [
        {**el, "name": "Big today", "quantity": 1, "unit_value_usd": 100_000, "improvement_value_usd": 5_000},
        {**el, "name": "Small today", "quantity": 1, "unit_value_usd": 10_000, "improvement_value_usd": 80_000},
        {**el, "name": "Middle", "quantity": 1, "unit_value_usd": 50_000, "improvement_value_usd": 20_000}]})
    assert r.focus == ("Small today", "Middle") and r.focus_basis == "improvement"
    stand_in = vp.evaluate({"elements": [{**el, "name": "A", "quantity": 1, "unit_value_usd": 10}]})
    assert stand_in.focus_basis == "today" and any("stand-in" in w for w in stand_in.warnings)


def test_competitors_entered_for_a_real_client_are_not_called_invented(copy_data):
    assert nps.Peer(name="Real rival", nps=10, revenue_growth_pct=3).fictional is False
    from workbook.store import Store
    from workbook.ui import nps as ui
    from workbook.ui.base import RoomState

    store = Store(copy_data)
    ctx = RoomState.load("nps", store, "bluebird-coffee").context
    assert "invented" in ui.peers_table_section(ctx)          # the example client's peers are fictional
    profile = store.load_profile("bluebird-coffee").model_copy(update={"fictional": False})
    store.save_profile("bluebird-coffee", profile)
    ctx = RoomState.load("nps", store, "bluebird-coffee").context
    assert "invented" not in ui.peers_table_section(ctx)      # a real client's competitors are its data


# --- workbook rules, marked where they show and listed in the methods part -----------------------

@pytest.mark.parametrize("framework", registry.names())
def test_every_room_declares_its_sources_and_rules(framework):
    module = registry.get(framework).module
    assert module.FROM_SOURCE and all(isinstance(s, str) and s for s in module.FROM_SOURCE)
    assert module.WORKBOOK_RULES
    keys = [r.key for r in module.WORKBOOK_RULES]
    assert len(keys) == len(set(keys))
    for r in module.WORKBOOK_RULES:
        assert r.name and r.value and r.reason and r.reason.rstrip().endswith(".")


@pytest.mark.parametrize("framework", registry.names())
def test_every_room_marks_a_workbook_rule_in_its_sections(framework, copy_data):
    slug = next(s for s in CLIENTS if (DATA / "clients" / s / f"{framework}.json").exists())
    room = assert_sections_render(framework, slug, copy_data)
    ui = registry.get(framework).ui
    html = " ".join(out for out in (r(room.state.context) for r in ui.SECTIONS.values()) if isinstance(out, str))
    assert methods.LABEL in html


def test_named_thresholds_are_labelled_as_the_workbooks():
    values = {(m.framework, r.key): r.value for m in methods.collect() for r in m.rules}
    assert "25%" in values["clv", "stages"] and "50%" in values["clv", "stages"] and "75%" in values["clv", "stages"]
    assert "0.50" in values["female_economy", "coverage"] and "0.25" in values["female_economy", "coverage"]
    assert "50%" in values["purpose_brands", "status"]
    assert "pool, web, hub" in values["brand_communities", "ties"]
    assert "no risk is assumed" in values["growth_stages", "suspicion"]
    assert "+30" in values["nps", "bands"]
    assert "stand in" in values["value_proposition", "focus_stand_in"]
    assert "15%" in values["deal_qualification", "gap"] and "3.5" in values["deal_qualification", "statement_one"]
    assert "willing" in values["deal_qualification", "definitions"]


def test_every_report_page_ends_with_methods_and_assumptions():
    from workbook import report
    from workbook.store import Profile

    profile = Profile(name="Client <b>", industry="Retail", revenue_usd=1.0)
    page = report.render_page(profile, [report.Part("nps", "Net Promoter Score", "<p>body</p>")], "NPS")
    assert page.index("<p>body</p>") < page.index("Methods and assumptions") < page.index('<footer class="wb-footer"')
    assert registry.get("nps").citation.split(",")[0] in page
    assert "+30" in page and "workbook rule" in page
    assert "Purpose brands" not in page             # only the frameworks on the page
    summary_only = report.render_page(profile, [report.Part("summary", "Executive summary", "<p>x</p>")], "S")
    assert "Methods and assumptions" not in summary_only
