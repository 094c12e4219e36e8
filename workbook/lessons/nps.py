"""Teaching the Net Promoter Score on the fictional Bluebird Coffee Roasters."""
from __future__ import annotations

import pandas as pd

from ..formatting import points
from ..frameworks import nps
from ..html import card, para, table
from ..room import Context, render
from ..teaching import Exercise

EXAMPLE_CLIENT = "bluebird-coffee"


def first_ten(ctx: Context) -> pd.DataFrame:
    """The first ten answered responses of the earliest quarter, in file order."""
    r = ctx.result.responses
    first = sorted(p for p in r["period"].unique() if p != nps.NO_DATE)[0]
    return r[(r["period"] == first) & r["score"].notna()].head(10)


def _ten_score(ctx: Context) -> nps.NpsScore:
    return nps.score(first_ten(ctx)["score"].to_numpy())


def worked_example(ctx: Context) -> list:
    """Score ten answers by hand, then the whole survey, its uncertainty, segments and trend."""
    res = ctx.result
    ten = first_ten(ctx)
    s10 = _ten_score(ctx)
    o = res.overall
    shown = pd.DataFrame({"Date": ten["date"].dt.strftime("%Y-%m-%d"), "Segment": ten["segment"],
                          "Answer": ten["score"].astype(int)})
    var = (o.promoters + o.detractors - (o.promoters - o.detractors) ** 2) / o.n
    return [
        card("Step 1: ten answers by hand", para(
            "Here are the first ten answered responses of the first quarter. Answers of 9 or 10 are promoters, "
            "7 or 8 passives, 0 to 6 detractors.") + table(shown, "{:.0f}") + para(
            f"That is {s10.n_promoters} promoters, {s10.n_passives} passives and {s10.n_detractors} detractors: "
            f"{s10.promoters:.0%} \u2212 {s10.detractors:.0%} gives an NPS of {points(s10.nps)}. The passives count in "
            "the total but in neither share.")),
        card("Step 2: the whole survey and its margin of error", para(
            f"Over all {o.n:,} answers (the {o.blanks} blank ones are left out) promoters are {o.promoters:.1%} and "
            f"detractors {o.detractors:.1%}, so NPS = {o.nps:+.1f}. Its variance is "
            f"(P + D \u2212 (P \u2212 D)\u00b2) / n = ({o.promoters:.3f} + {o.detractors:.3f} \u2212 "
            f"{(o.promoters - o.detractors):.3f}\u00b2) / {o.n:,} = {var:.6f}; 1.96 times its square root is "
            f"{o.margin_of_error / 100:.4f}, a margin of error of \u00b1{o.margin_of_error:.1f} points.")),
        card("Step 3: why the workbook shows a second interval", para(
            f"For the ten answers of Step 1 the plain interval is {points(s10.wald_low)} to {points(s10.wald_high)} points. "
            f"The score interval, which re-estimates the shares at each candidate score, gives {points(s10.ci_low)} to "
            f"{points(s10.ci_high)}: it never leaves \u2212100..100 and, as the test suite shows by simulation, it "
            "covers the true score about as often as promised even with few answers. With thousands of answers "
            f"the two agree ({o.wald_low:+.1f} to {o.wald_high:+.1f} against {o.ci_low:+.1f} to {o.ci_high:+.1f}).")),
        render("nps", "headline", ctx),
        card("Step 4: segments and quarters", para(
            "The same arithmetic runs for each segment and each quarter. Two scores differ for real only when "
            "their difference is large against the combined uncertainty of both; the p-value measures that.")),
        render("nps", "segments", ctx),
        render("nps", "trend", ctx),
    ]


def _lowest_segment(ctx: Context) -> str:
    t = ctx.result.by_segment
    return str(t["nps"].idxmin())


EXERCISES = (
    Exercise(1, "How many of the ten answers in the Step 1 table are promoters?",
             lambda ctx: _ten_score(ctx).n_promoters,
             "Count the answers of 9 or 10.", kind="number"),
    Exercise(2, "What is the Net Promoter Score of those ten answers, in points?",
             lambda ctx: _ten_score(ctx).nps,
             "Promoters divided by 10, minus detractors (0-6) divided by 10, times 100.", kind="number",
             tolerance=0.01),
    Exercise(3, "What is Bluebird's overall Net Promoter Score, rounded to a whole point?",
             lambda ctx: round(ctx.result.overall.nps),
             "Use all answered responses, not the blank ones; the Summary card shows the shares.", kind="number",
             tolerance=0.5),
    Exercise(4, "How many survey responses left the question blank?",
             lambda ctx: ctx.result.overall.blanks,
             "Blank answers are counted and reported, never scored; see the Summary card.", kind="number"),
    Exercise(5, "Which segment has the lowest Net Promoter Score?",
             _lowest_segment,
             "Look at the chart 'NPS by segment'.", kind="text"),
    Exercise(6, "Did the score change by more than sampling noise from the first quarter to the last? "
                "Answer yes or no.",
             lambda ctx: "yes" if ctx.result.trend is not None and ctx.result.trend.significant else "no",
             "Compare the difference with its interval: a real change has a p-value below 0.05.", kind="text"),
)
