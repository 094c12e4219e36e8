"""Teaching the five stages of growth on the fictional Aurora Software."""
from __future__ import annotations

import pandas as pd

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
            f"Aurora's latest revenue is ${res.revenue_usd:,.0f}. The article's ranges are under $1M Suspicion, "
            "$1M to $5M Discovery, $5M to $10M Map-Making, $10M to $50M Navigation and over $50M Acceleration. "
            "A value exactly on a boundary opens the higher stage, except $50M, which the article keeps in "
            f"Navigation because Acceleration starts above it. So Aurora is in {res.stage.name}.")),
        render("growth_stages", "path", ctx),
        card("Step 2: score position, product and people", para(
            "Each of the three gets three statements answered from 1 (strongly disagree) to 5 (strongly agree). "
            "A dimension's score is the mean of its three answers:") + table(answers, "{:.2f}") + para(
            f"Alignment is only as strong as its weakest part, so the weakest link, {res.weakest} at "
            f"{res.alignment:.2f}, sets the band: {res.band}. When two dimensions tie, the one this stage most "
            "often fails on is named.")),
        render("growth_stages", "alignment", ctx),
        card("Step 3: read the stage's warning", para(res.stage.failure_cause) + bullets(res.recommendations)),
        render("growth_stages", "headline", ctx),
    ]


EXERCISES = (
    Exercise(1, "A company has exactly $10,000,000 of revenue. Which stage is it in?",
             lambda ctx: gs.stage_for_revenue(10_000_000),
             "A value on a boundary opens the higher stage (only $50M stays below).", kind="text"),
    Exercise(2, "What is Aurora's product score? Give the mean of its three product answers, to two decimals.",
             lambda ctx: ctx.result.scores["product"],
             "Add the three product answers in the Step 2 table and divide by 3.", kind="number", tolerance=0.01),
    Exercise(3, "Which of position, product and people is Aurora's weakest link?",
             lambda ctx: ctx.result.weakest,
             "Compare the three means; the lowest one is the weakest link.", kind="text"),
    Exercise(4, "In which year did Aurora's revenue first place it in the Map-Making stage?",
             lambda ctx: _first_year_in(ctx, "Map-Making"),
             "Look for the first year on the path chart with revenue of $5M or more.", kind="number"),
)
