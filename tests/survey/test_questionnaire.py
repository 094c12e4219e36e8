"""The questionnaire model and each room's declaration: one copy of every question, answers in and out."""
from __future__ import annotations

import pandas as pd
import pytest

from workbook.errors import InvalidInput
from workbook.frameworks import brand_communities, clv, growth_stages, nps, sales_marketing
from workbook.questionnaire import Questionnaire, Respondent
from workbook.survey.links import questionnaire_for, with_questionnaire

ROOMS = {"sales_marketing": sales_marketing, "brand_communities": brand_communities, "clv": clv,
         "growth_stages": growth_stages, "nps": nps}


def test_the_five_rooms_declare_a_questionnaire_and_the_registry_finds_them():
    assert sorted(with_questionnaire()) == sorted(ROOMS)
    for name, module in ROOMS.items():
        assert questionnaire_for(name) is module.QUESTIONNAIRE is module.SPEC.questionnaire
    with pytest.raises(InvalidInput, match="value_proposition"):
        questionnaire_for("value_proposition")


def test_questions_are_the_rooms_own_text_in_order():
    sm = sales_marketing.QUESTIONNAIRE
    assert [q.text for q in sm.questions] == list(sales_marketing.STATEMENTS)
    assert len(sm.questions) == 20 and sm.questions[0].scale.values == (1, 2, 3, 4, 5)
    assert sm.questions[0].scale.label(1) == sales_marketing.ANSWER_LABELS[1]
    assert set(sm.roles) >= {"Sales", "Marketing"}
    assert [q.text for q in brand_communities.QUESTIONNAIRE.questions] == [s.text for s in brand_communities.STATEMENTS]
    assert [q.text for q in clv.QUESTIONNAIRE.questions] == [q.text for q in clv.AUDIT]
    assert clv.QUESTIONNAIRE.questions[0].scale.values == (0, 1, 2, 3, 4)
    gs = [q.text for q in growth_stages.QUESTIONNAIRE.questions]
    assert gs == [t for d in growth_stages.DIMENSIONS for t in growth_stages.QUESTIONS[d]]
    assert [len(p) for p in growth_stages.QUESTIONNAIRE.pages] == [3, 3, 3]
    assert nps.QUESTIONNAIRE.questions[0].scale.values == tuple(range(0, 11))
    assert nps.QUESTIONNAIRE.questions[1].free_text and not nps.QUESTIONNAIRE.questions[1].required


def test_check_answers_names_every_bad_answer_and_reads_form_text():
    q = sales_marketing.QUESTIONNAIRE
    assert q.check_answers({"s1": "4", "s2": 5, "s3": ""}) == {"s1": 4, "s2": 5, "s3": None}
    with pytest.raises(InvalidInput) as err:
        q.check_answers({"s1": "6", "s2": "3.5", "s3": True, "s99": 1})
    fields = [p.field for p in err.value.problems]
    assert fields[:3] == ["question 1 (Actual sales usually come in close to the sales...)",
                          "question 2 (When results disappoint or something goes wrong...)",
                          "question 3 (Marketers regularly meet key customers while a...)"]
    assert err.value.problems[0].allowed == "a whole number from 1 (Strongly disagree) to 5 (Strongly agree)"
    assert err.value.problems[3].field == "question"
    with pytest.raises(InvalidInput, match="question 20"):
        q.check_answers({f"s{i}": 3 for i in range(1, 20)}, complete=True)
    with pytest.raises(InvalidInput, match="at most 1000"):
        nps.QUESTIONNAIRE.check_answers({"reason": "x" * 1001})


def test_respondent_checks():
    sm = sales_marketing.QUESTIONNAIRE
    assert sm.check_respondent("  Ana  ", "Sales") == ("Ana", "Sales")
    with pytest.raises(InvalidInput, match="role"):
        sm.check_respondent("Ana", "Finance")
    with pytest.raises(InvalidInput, match="personal"):
        sm.check_respondent(None, None)
    assert nps.QUESTIONNAIRE.check_respondent(None, None) == (None, None)
    with pytest.raises(InvalidInput, match="does not ask"):
        growth_stages.QUESTIONNAIRE.check_respondent("Kim", "Sales")


def test_sales_marketing_write_and_read_one_respondent_among_others():
    doc = sales_marketing.Inputs()
    doc.add_respondent("Consultant typed", "Marketing")
    who = Respondent("a1b2c3d4e5f6", "Ana", "Sales")
    sales_marketing.QUESTIONNAIRE.write(doc, who, {})
    assert [r.name for r in doc.respondents] == ["Consultant typed", "Ana"] and doc.respondents[1].answered == 0
    sales_marketing.QUESTIONNAIRE.write(doc, Respondent("x", "ana", "Sales"), {"s1": 5, "s20": 2})
    back = sales_marketing.QUESTIONNAIRE.read(doc, who)
    assert back["s1"] == 5 and back["s20"] == 2 and back["s2"] is None
    assert sales_marketing.QUESTIONNAIRE.read(doc, Respondent("y", "Nobody", "Sales")) == {}


def test_single_set_rooms_write_and_read():
    who = Respondent("a1b2c3d4e5f6")
    bc = brand_communities.Inputs()
    brand_communities.QUESTIONNAIRE.write(bc, who, {"pool_1": 4, "hub_2": 2})
    brand_communities.QUESTIONNAIRE.write(bc, who, {"hub_2": None})
    assert bc.answers == {"pool_1": 4}
    assert brand_communities.QUESTIONNAIRE.read(bc, who)["pool_1"] == 4
    audit = clv.Inputs()
    clv.QUESTIONNAIRE.write(audit, who, {"metrics": 0, "cco": 4})
    assert clv.QUESTIONNAIRE.read(audit, who)["cco"] == 4 and audit.audit["metrics"] == 0
    gs = growth_stages.Inputs()
    growth_stages.QUESTIONNAIRE.write(gs, who, {"people_3": 1, "position_1": 5})
    assert gs.people == [3, 3, 1] and gs.position == [5, 3, 3]


def test_nps_rows_are_added_replaced_and_removed_by_link():
    a, b = Respondent("aaaaaaaaaaaa"), Respondent("bbbbbbbbbbbb")
    q = nps.QUESTIONNAIRE
    frame = pd.DataFrame({"score": ["9", "3"], "segment": ["Retail", ""], "date": ["2024-01-05", ""]})
    frame = q.write(frame, a, {"score": 10, "reason": "Fast <b>delivery</b>"})
    frame = q.write(frame, b, {"score": 6})
    frame = q.write(frame, a, {"score": 7})
    assert len(frame) == 4 and q.read(frame, a) == {"score": 7, "reason": "Fast <b>delivery</b>"}
    clean = nps.validate_responses(frame)
    assert sorted(clean["score"].tolist()) == [3.0, 6.0, 7.0, 9.0]
    frame = q.write(frame, b, {"score": None})
    assert q.read(frame, b) == {} and len(frame) == 3
    with pytest.raises(InvalidInput, match="score"):
        q.write(pd.DataFrame({"How likely": ["9"]}), a, {"score": 1})


def test_a_questionnaire_refuses_repeated_ids():
    q = sales_marketing.QUESTIONNAIRE
    with pytest.raises(ValueError, match="unique"):
        Questionnaire("x", "t", "i", q.questions[:1] * 2, q.write, q.read)


def test_nps_answers_written_together_make_the_table_written_one_by_one():
    """A burst saved in one go (the server's group commit) gives the same table as one save per answer."""
    import pandas as pd

    from workbook.frameworks.nps.questionnaire import survey_write, survey_write_many
    from workbook.questionnaire import Respondent

    a, b, c = (Respondent(key) for key in ("link-a", "link-b", "link-c"))
    start = pd.DataFrame({"score": ["7", "10"], "segment": ["x", "y"], "date": ["2024-01-02", "2024-01-03"],
                          "reason": [None, "fast"], "link": ["link-b", None]})
    entries = [(a, {"score": 9}), (b, {"reason": "kind staff"}), (c, {"score": 4, "reason": "slow"}),
               (a, {"score": 10}), (c, {"score": None})]
    one_by_one = start
    for who, answers in entries:
        one_by_one = survey_write(one_by_one, who, answers)
    together = survey_write_many(start, entries)
    pd.testing.assert_frame_equal(together, one_by_one)
    assert list(together["link"]) == [None, "link-b", "link-a"] and together["score"].tolist()[-1] == "10"
    assert list(start["link"]) == ["link-b", None]  # the saved table itself is not changed
