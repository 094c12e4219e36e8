"""Teaching the five stages of growth on the fictional Aurora Software."""
from __future__ import annotations

import pandas as pd

from ..formatting import money
from ..frameworks import growth_stages as gs
from ..html import bullets, card, para, table
from ..room import Context, render
from ..teaching import Exercise

EXAMPLE_CLIENT = "aurora-software"


def _first_year_in(ctx: Context, stage: str) -> int:
    t = ctx.result.trajectory
    return int(t.loc[t["stage"] == stage, "year"].min())


def worked_example(ctx: Context) -> list:
    """Place the client on the path, score the alignment, then read the advice."""
    res = ctx.result
    answers = pd.DataFrame({dim: getattr(ctx.inputs, dim) for dim in gs.DIMENSIONS},
                           index=["question 1", "question 2", "question 3"]).T
    answers["mean"] = [res.scores[d] for d in gs.DIMENSIONS]
    return [
        card("Step 1: find the stage", para(
            f"Aurora's latest revenue is {money(res.revenue_usd)}. The article's ranges are under $1M Suspicion, "
            "$1M to $5M Discovery, $5M to $10M Map-Making, $10M to $50M Navigation and over $50M Acceleration. "
            "A value exactly on a boundary opens the higher stage, except $50M, which the article keeps in "
            f"Navigation because Acceleration starts above it. So Aurora is in {res.stage.name}.")),
        render("growth_stages", "path", ctx),
        card("Step 2: score position, product and people", para(
            "Each of the three gets three statements answered from 1 (strongly disagree) to 5 (strongly agree). "
            "A dimension's score is the mean of its three answers:") + table(answers, "{:.2f}") + para(
            f"Alignment is only as strong as its weakest part, so the weakest link, {res.weakest} at "
            f"{res.alignment:.2f}, sets the band: {res.band}. The statements, the bands (aligned from 4.0, partly "
            "aligned from 3.0) and the tie rule (the dimension this stage most often fails on is named) are the "
            "workbook's own; the article describes alignment without measuring it.")),
        render("growth_stages", "alignment", ctx),
        card("Step 3: read the stage's warning", para(res.stage.failure_cause) + bullets(res.recommendations)),
        render("growth_stages", "headline", ctx),
    ]


def _raised(ctx: Context, *dims: str) -> gs.Result:
    doc = ctx.inputs.model_copy(deep=True)
    for dim in dims:
        setattr(doc, dim, [min(gs.ANSWER_MAX, a + 1) for a in getattr(doc, dim)])
    return gs.evaluate(doc)


EXERCISES = (
    Exercise(1, "A company has exactly $10,000,000 of revenue. Which stage is it in?",
             lambda ctx: gs.stage_for_revenue(10_000_000),
             "Not Map-Making: a revenue exactly on a boundary opens the higher stage (a workbook rule); only "
             "$50M stays below, because the article puts Acceleration above it.", kind="text"),
    Exercise(2, "If each of Aurora's three product answers rose by one point, which of position, product and "
                "people would be the weakest link?",
             lambda ctx: _raised(ctx, "product").weakest,
             "Work out the new product mean and compare all three again: the dimension that was weakest before "
             "is not necessarily still the weakest.", kind="text"),
    Exercise(3, "If instead every position answer and every product answer rose by one point, which band would "
                "Aurora's alignment be in: aligned, partly aligned or misaligned?",
             lambda ctx: _raised(ctx, "position", "product").band,
             "The band follows the weakest of the three means (a workbook rule), not their average; find the new "
             "lowest mean and compare it with 3.0 and 4.0.", kind="text"),
    Exercise(4, "In which year did Aurora's revenue first place it in the Map-Making stage?",
             lambda ctx: _first_year_in(ctx, "Map-Making"),
             "The first year with $5M or more counts; do not wait for the year the growth looks largest.",
             kind="number"),
)
