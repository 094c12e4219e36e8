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
    """Score one respondent by hand, then read the team result and the article's conditions."""
    person = _first(ctx, "Sales")
    s = sm.score(person.answers)
    answers = pd.DataFrame({"Statement": range(1, 21), "Answer": person.answers})
    wide = answers.set_index("Statement").T
    practice = _first(ctx, "Marketing")
    other = pd.DataFrame({"Statement": range(1, 21), "Answer": practice.answers}).set_index("Statement").T
    return [
        card("Step 1: one respondent", para(
            f"{person.name} works in {person.role}. Here are the twenty answers, each from 1 (strongly disagree) "
            "to 5 (strongly agree):") + table(wide, "{:.0f}") + para(
            f"They add up to {s.total}. The article's bands are 20-39 Undefined, 40-59 Defined, 60-79 Aligned "
            f"and 80-100 Integrated, so this person sees a {s.relationship_type} relationship.")),
        card("Step 2: the whole team", para(
            "Each respondent is scored the same way. The team's type comes from the average total, rounded half "
            "up to a whole point (a workbook rule: the article scores one person at a time). Comparing the Sales "
            "answers with the Marketing answers shows where the two sides experience the relationship "
            "differently.")),
        render("sales_marketing", "headline", ctx),
        render("sales_marketing", "totals", ctx),
        card("Step 3: should the relationship change?", para(
            "The type alone does not settle it. The article lists, for Undefined, Defined and Aligned, when to "
            "leave the relationship as it is (a small company with good informal relations, say) and when to "
            "bring the two functions closer (open conflict, work done twice or dropped). The consultant records "
            "which of these hold; the advice and the status follow them. Where reasons of both kinds hold, the "
            "workbook lets tightening win.")),
        card("Practice material: another respondent", para(
            f"{practice.name} works in {practice.role}. These are the twenty answers, not yet added up:")
            + table(other, "{:.0f}")),
    ]


def _type_if_other_all_fives(ctx: Context) -> str:
    people = ctx.result.assessment.respondents
    totals = [sm.TOTAL_MAX if r.role == "Other" else r.total for r in people]
    return sm.relationship_type(sum(totals) / len(totals))


EXERCISES = (
    Exercise(1, "What total do the answers of the Marketing respondent in the practice table add up to?",
             lambda ctx: sm.score(_first(ctx, "Marketing").answers).total,
             "Add all twenty answers, not their mean: a total below 20 or above 100 means an answer was missed "
             "or counted twice.", kind="number"),
    Exercise(2, "A team's average total is 59.5. Which relationship type does the workbook give it?",
             lambda ctx: sm.relationship_type(59.5),
             "Do not cut 59.5 down to 59: the average is rounded half up before it is placed in a band.",
             kind="text"),
    Exercise(3, "Suppose Aurora's respondent from outside Sales and Marketing had answered 5 to every statement. "
                "Which type would the team have then?",
             _type_if_other_all_fives,
             "That respondent's total becomes 100, not 5: replace it among the five totals (the chart shows the "
             "others), average all five and round half up before finding the band.", kind="text"),
    Exercise(4, "A company's relationship is Undefined. It is small and its two functions get on well "
                "informally, but they now compete openly for budget. Following the article and the workbook's "
                "rule, should the consultant advise 'keep' or 'tighten'?",
             lambda ctx: sm.read_conditions("Undefined", {"undefined-stay-1": True, "undefined-stay-2": True,
                                                          "undefined-tighten-3": True}).verdict,
             "Being small is a reason to stay, but it does not cancel a reason to tighten: where both hold, "
             "tightening wins (workbook rule).", kind="text"),
)
