"""The Sales-Marketing diagnostic: bands, bad answers, team comparison, advice (HBR 2006)."""
from __future__ import annotations

import pytest

from workbook.errors import InvalidInput
from workbook.frameworks import sales_marketing as sm


def answers_totalling(total: int) -> list[int]:
    """Twenty answers from 1 to 5 that add up to ``total``."""
    base, extra = divmod(total, 20)
    out = [base] * 20
    for i in range(extra):
        out[i] += 1
    return out


@pytest.mark.parametrize("total, expected", [
    (20, "Undefined"), (39, "Undefined"), (40, "Defined"), (59, "Defined"),
    (60, "Aligned"), (79, "Aligned"), (80, "Integrated"), (100, "Integrated"),
])
def test_band_boundaries_follow_the_article(total, expected):
    result = sm.score(answers_totalling(total))
    assert result.total == total
    assert result.relationship_type == expected


def test_twenty_statements_and_four_types():
    assert len(sm.STATEMENTS) == 20 and len(set(sm.STATEMENTS)) == 20
    assert sm.RELATIONSHIP_TYPES == ("Undefined", "Defined", "Aligned", "Integrated")
    assert [(lo, hi) for lo, hi, _ in sm.BANDS] == [(20, 39), (40, 59), (60, 79), (80, 100)]


@pytest.mark.parametrize("bad", [0, 6, 3.5, 3.0, "3", None, True])
def test_bad_answer_names_the_statement_value_and_allowed(bad):
    answers = [3] * 20
    answers[6] = bad
    with pytest.raises(InvalidInput) as info:
        sm.score(answers)
    err = info.value
    assert err.field == "statement 7"
    assert err.value is bad or err.value == bad
    assert "1" in err.allowed and "5" in err.allowed
    assert "statement 7" in str(err)


def test_every_bad_statement_is_listed_at_once():
    answers = [3] * 20
    answers[0], answers[11], answers[19] = 0, 9, "x"
    with pytest.raises(InvalidInput) as info:
        sm.score(answers)
    assert [p.field for p in info.value.problems] == ["statement 1", "statement 12", "statement 20"]


@pytest.mark.parametrize("answers", [[3] * 19, [3] * 21, "3" * 20, 60])
def test_wrong_shape_is_refused(answers):
    with pytest.raises(InvalidInput) as info:
        sm.score(answers)
    assert info.value.field == "answers"


def test_assess_compares_sales_with_marketing():
    sales = [2] * 20
    marketing = [2] * 20
    marketing[1] = 5          # statement 2: blame
    marketing[4] = 4          # statement 5: collateral
    result = sm.assess([
        {"name": "Ann", "role": "Sales", "answers": sales},
        {"name": "Bo", "role": "Marketing", "answers": marketing},
    ])
    assert [r.total for r in result.respondents] == [40, 45]
    assert result.team_total == 42.5
    assert result.relationship_type == "Defined"
    assert list(result.disagreements["statement"]) == [2, 5]
    assert result.disagreements.iloc[0]["gap"] == -3
    assert result.role_totals == {"Sales": 40.0, "Marketing": 45.0}


def test_team_type_rounds_the_average_half_up():
    # 59 and 60 average 59.5: rounded to 60, the team is Aligned.
    result = sm.assess([("Sales", answers_totalling(59)), ("Marketing", answers_totalling(60))])
    assert result.relationship_type == "Aligned"


def test_assess_refuses_incomplete_respondents_by_name():
    answers = [4] * 20
    answers[2] = None
    with pytest.raises(InvalidInput) as info:
        sm.assess([{"name": "Cy", "role": "Sales", "answers": answers}])
    assert info.value.field == "Cy: statement 3"


def test_assess_refuses_unknown_role():
    with pytest.raises(InvalidInput) as info:
        sm.assess([{"name": "Di", "role": "Finance", "answers": [3] * 20}])
    assert "Sales, Marketing, Other" in info.value.allowed


def test_evaluate_leaves_out_incomplete_respondents():
    inputs = sm.Inputs(respondents=[
        sm.Respondent(name="Full", role="Sales", answers=[4] * 20),
        sm.Respondent(name="Half", role="Marketing", answers=[5] * 10 + [None] * 10),
    ])
    result = sm.evaluate(inputs)
    assert result.assessment.team_total == 80
    assert result.incomplete == [("Half", 10)]
    assert result.guidance.relationship_type == "Integrated"
    assert result.guidance.step_up is None


def test_guidance_matches_the_article_tables():
    assert sm.guidance("Undefined").step_up.target == "Defined"
    assert sm.guidance("Defined").step_up.target == "Aligned"
    assert sm.guidance("Aligned").step_up.target == "Integrated"
    assert "$2 million" in " ".join(sm.guidance("Defined").step_up.actions)
    assert len(sm.guidance("Defined").tighten_if) == 4
    assert len(sm.guidance("Aligned").stay_if) == 3


def test_checklist_has_the_article_groups_and_counts_progress():
    assert [len(items) for items in sm.CHECKLIST.values()] == [5, 6, 4, 2]
    progress = sm.checklist_progress({"activities-1": True, "culture-2": True, "structures-2": False})
    assert (progress.done, progress.total) == (2, 17)
    assert progress.groups["Integrate activities"] == (1, 5)


def test_inputs_refuse_duplicate_names_and_unknown_checklist_items():
    with pytest.raises(Exception):
        sm.Inputs(respondents=[sm.Respondent(name="A", role="Sales"), sm.Respondent(name="a", role="Other")])
    with pytest.raises(Exception):
        sm.Inputs(checklist={"activities-9": True})
    doc = sm.Inputs()
    doc.add_respondent("Eve", "Sales")
    with pytest.raises(InvalidInput) as info:
        doc.add_respondent(" eve ", "Marketing")
    assert info.value.field == "respondent name"


def test_headline_and_changes_describe_what_moved():
    before = sm.Inputs(respondents=[sm.Respondent(name="A", role="Sales", answers=[2] * 20)])
    after = before.model_copy(deep=True)
    after.respondents[0].answers = [3] * 20
    notes = sm.changes(before, after)
    assert any("20 answer(s) moved" in n for n in notes)
    assert any("from Defined to Aligned" in n for n in notes)
    head = sm.headline(sm.evaluate(after))
    assert head["metrics"]["relationship_type"] == "Aligned" and head["status"] == "green"


# -- the live room, the lesson and the shared layered charts ----------------------------------

def test_live_form_saves_each_click_and_moves_the_type(copy_data):
    import json

    from .rooms import assert_not_saved, live_view

    store, view = live_view("sales_marketing", "bluebird-coffee", copy_data, sections=True)
    path = copy_data / "clients" / "bluebird-coffee" / "sales_marketing.json"
    assert "Undefined" in view._progress.value
    for buttons in view._answers:
        buttons.value = 5
    view.wait_for_charts()
    assert "wb-total'>100<" in view._progress.value and "Integrated" in view._progress.value
    assert "Saved" in view._status.value
    saved = json.loads(path.read_text())
    assert saved["respondents"][0]["answers"] == [5] * 20
    chart = view._section_widgets["totals"].children[0]
    assert bytes(chart.value[:4]) == b"\x89PNG"
    before = path.read_bytes()
    view._new_name.value = "  "
    view._add_respondent()
    assert_not_saved(view, "Respondent name")
    assert path.read_bytes() == before


def test_lesson_exercises_check_right_and_wrong():
    from .rooms import checked_lesson

    lesson = checked_lesson("sales_marketing")
    assert lesson.check(2, "Aligned").correct and lesson.check(2, "Defined").correct is False   # 59.5 rounds up
    assert lesson.check(1, None).correct is None
    assert lesson.answer(1) == 58                       # Priya Nair, the first Marketing respondent
    assert lesson.check(3, "Aligned").correct          # (44 + 46 + 58 + 56 + 100) / 5 = 60.8
    assert lesson.check(4, "tighten").correct and lesson.check(4, "keep").correct is False


def test_live_chart_is_the_report_chart(copy_data):
    """The live view's layered drawing gives the same picture as the report's full figure."""
    import io

    import numpy as np
    from PIL import Image

    from workbook import notebook as wb
    from workbook.charts import png_bytes
    from workbook.ui import sales_marketing as ui

    ctx = wb.open_room("sales_marketing", "aurora-software", str(copy_data), "report").state.context
    for chart in (ui.totals_section, ui.comparison_section):
        cache: dict = {}
        chart.live_png(ctx, cache)                       # first call builds and keeps the static layer
        live = np.asarray(Image.open(io.BytesIO(chart.live_png(ctx, cache))).convert("RGB"), dtype=int)
        full = np.asarray(Image.open(io.BytesIO(png_bytes(chart(ctx)))).convert("RGB"), dtype=int)
        assert live.shape == full.shape
        assert (np.abs(live - full).max(axis=2) > 40).mean() < 0.002
