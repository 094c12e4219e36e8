"""Exercises make students work: no answer printed above, no placeholder that gives it away or points elsewhere."""
from __future__ import annotations

import html
import json
import re

import pytest

from workbook import registry

from ..conftest import DATA, ROOT

PLACEHOLDER = re.compile(r"answer_(\d+) = None  # (.*)")


def lesson(framework: str):
    from workbook import notebook as wb

    return wb.lesson(framework, str(DATA))


def placeholders(framework: str) -> dict[int, str]:
    cells = json.loads(registry.get(framework).notebook_path.read_text())["cells"]
    found = {}
    for cell in cells:
        m = PLACEHOLDER.match("".join(cell["source"]))
        if cell["cell_type"] == "code" and m:
            found[int(m.group(1))] = m.group(2)
    return found


def visible_text(markup: str) -> str:
    """The words a student reads: tags and embedded images dropped, entities decoded."""
    markup = re.sub(r'src="data:[^"]*"', "", str(markup))
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def spellings(value: float) -> set[str]:
    """How a number could be printed: 42000, 42,000, 42000.0, 42,000.00 ..."""
    out = {f"{value:,.0f}", f"{value:.0f}"}
    if value != round(value):
        out |= {f"{value:.1f}", f"{value:.2f}", f"{value:,.1f}", f"{value:,.2f}"}
    return out


def printed(value: float, text: str) -> bool:
    return any(re.search(rf"(?<![\d.,]){re.escape(s)}(?![\d])", text) for s in spellings(value))


@pytest.mark.parametrize("framework", registry.names())
def test_every_exercise_has_a_neutral_placeholder(framework):
    """A placeholder says what form the answer takes; it never shows a sample value that could mislead."""
    lsn = lesson(framework)
    marks = placeholders(framework)
    assert set(marks) == {e.number for e in lsn.module.EXERCISES}
    for ex in lsn.module.EXERCISES:
        text = marks[ex.number]
        assert "e.g." not in text, (ex.number, text)
        right = lsn.answer(ex.number)
        if ex.kind == "number":
            assert not printed(float(right), text), (ex.number, text)
        elif ex.kind == "text":
            # Naming the choices is fine, but then all of them: a single suggested name would point somewhere.
            named = re.findall(r'"([^"]+)"', text)
            assert not named or len(named) >= 2, (ex.number, text)
        assert not lsn.check(ex.number, text).correct


@pytest.mark.parametrize("framework", registry.names())
def test_numeric_answers_are_worked_out_not_read_from_the_worked_example(framework):
    lsn = lesson(framework)
    shown = visible_text(lsn.worked_example())
    for ex in lsn.module.EXERCISES:
        if ex.kind != "number":
            continue
        right = float(lsn.answer(ex.number))
        if abs(right) < 10:
            continue  # small counts appear everywhere; the questions themselves ask for a new case
        assert not printed(right, shown), (ex.number, right)
        assert not printed(right, ex.hint) and not printed(right, ex.question), (ex.number, right)


@pytest.mark.parametrize("framework", registry.names())
def test_each_hint_names_what_usually_goes_wrong(framework):
    """A hint is a sentence or two that points at a likely slip, not a restatement of the question."""
    for ex in lesson(framework).module.EXERCISES:
        assert len(ex.hint) >= 60, (ex.number, ex.hint)
        assert ex.hint.strip().lower() != ex.question.strip().lower()
        assert re.search(r"\b(not|never|slip|mistake|wrong|rather than|instead)\b",
                         ex.hint, re.I), (ex.number, ex.hint)


def test_the_issues_exercises_no_longer_give_themselves_away():
    """NPS 2's placeholder was its answer, value-proposition 4's pointed to the wrong pitfall, and the answers
    of Sales-Marketing 1 and 3 were printed in the worked example."""
    nps_lesson = lesson("nps")
    assert not nps_lesson.check(2, placeholders("nps")[2]).correct
    assert "value presumption" not in placeholders("value_proposition")[4]
    assert "benefit assertion" not in placeholders("value_proposition")[4]
    sm_lesson = lesson("sales_marketing")
    shown = visible_text(sm_lesson.worked_example())
    assert f"add up to {sm_lesson.answer(1)}" not in shown
    team_type = sm_lesson.context.result.assessment.relationship_type
    assert sm_lesson.answer(3) != team_type
