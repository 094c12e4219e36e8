"""Teaching the Sales and Marketing diagnostic on the fictional Aurora Software."""
from __future__ import annotations

import pandas as pd

from ..frameworks import sales_marketing as sm
from ..html import card, para, table
from ..room import Context, render
from ..teaching import Exercise

EXAMPLE_CLIENT = "aurora-software"


def _first(ctx: Context, role: str) -> sm.Respondent:
    return next(r for r in ctx.inputs.respondents if r.role == role and r.complete)


def worked_example(ctx: Context) -> list:
    """Score one respondent by hand, then read the team result."""
    person = _first(ctx, "Sales")
    s = sm.score(person.answers)
    answers = pd.DataFrame({"Statement": range(1, 21), "Answer": person.answers})
    wide = answers.set_index("Statement").T
    return [
        card("Step 1: one respondent", para(
            f"{person.name} works in {person.role}. Here are the twenty answers, each from 1 (strongly disagree) "
            "to 5 (strongly agree):") + table(wide, "{:.0f}") + para(
            f"They add up to {s.total}. The article's bands are 20-39 Undefined, 40-59 Defined, 60-79 Aligned "
            f"and 80-100 Integrated, so this person sees a {s.relationship_type} relationship.")),
        card("Step 2: the whole team", para(
            "Each respondent is scored the same way. The team's type comes from the average total (rounded to a "
            "whole point). Comparing the Sales answers with the Marketing answers shows where the two sides "
            "experience the relationship differently.")),
        render("sales_marketing", "headline", ctx),
        render("sales_marketing", "totals", ctx),
    ]


EXERCISES = (
    Exercise(1, "Add up the answers of the first Sales respondent shown in the worked example. What is the total?",
             lambda ctx: sm.score(_first(ctx, "Sales").answers).total,
             "Sum the twenty numbers in the Step 1 table; the total is always between 20 and 100.", kind="number"),
    Exercise(2, "Which relationship type does a total of exactly 60 belong to?",
             lambda ctx: sm.relationship_type(60),
             "Look at the band that starts at 60: the bands are 20-39, 40-59, 60-79 and 80-100.", kind="text"),
    Exercise(3, "Which type does the Aurora Software team have as a whole?",
             lambda ctx: ctx.result.assessment.relationship_type,
             "Average the respondents' totals, round to a whole point, then find its band.", kind="text"),
    Exercise(4, "On which statement (give its number) do Sales and Marketing at Aurora disagree most?",
             lambda ctx: int(ctx.result.assessment.disagreements.iloc[0]["statement"]),
             "Compare the average Sales answer with the average Marketing answer for each statement; "
             "the chart 'Average answer by side' shows the gaps.", kind="number"),
)
