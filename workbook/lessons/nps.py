"""Teaching the Net Promoter Score on the fictional Bluebird Coffee Roasters."""
from __future__ import annotations

import pandas as pd

from ..formatting import points, percent as _pct
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


def practice_ten(ctx: Context) -> pd.DataFrame:
    """The first ten answered responses of the latest quarter (for the exercises), in file order."""
    r = ctx.result.responses
    last = sorted(p for p in r["period"].unique() if p != nps.NO_DATE)[-1]
    return r[(r["period"] == last) & r["score"].notna()].head(10)


def _practice_score(ctx: Context) -> nps.NpsScore:
    return nps.score(practice_ten(ctx)["score"].to_numpy())


def _with_more_detractors(ctx: Context, extra: int = 20) -> float:
    o = ctx.result.overall
    return round(nps.from_counts(o.n_promoters, o.n_passives, o.n_detractors + extra).nps, 1)


def _plain_margin(ctx: Context) -> float:
    s = _practice_score(ctx)
    return round(1.96 * ((s.promoters + s.detractors - (s.promoters - s.detractors) ** 2) / s.n) ** 0.5 * 100, 1)


#: Two invented quarters of 50 answers each (promoters, passives, detractors): +20 and +30.
QUARTER_A, QUARTER_B = (20, 20, 10), (22, 21, 7)


def _rise_is_real(ctx: Context) -> str:
    a, b = nps.from_counts(*QUARTER_B, min_responses=1), nps.from_counts(*QUARTER_A, min_responses=1)
    return "yes" if nps.compare(a, b).significant else "no"


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
            f"{_pct(s10.promoters)} \u2212 {_pct(s10.detractors)} gives an NPS of {points(s10.nps)}. The passives count in "
            "the total but in neither share.")),
        card("Step 2: the whole survey and its margin of error", para(
            f"Over all {o.n:,} answers (the {o.blanks} blank ones are left out) promoters are {_pct(o.promoters, 1)} and "
            f"detractors {_pct(o.detractors, 1)}, so NPS = {o.nps:+.1f}. Its variance is "
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
        card("Practice material: ten answers from the latest quarter", para(
            "The first ten answered responses of the last quarter, for the exercises below:")
            + table(pd.DataFrame({"Date": practice_ten(ctx)["date"].dt.strftime("%Y-%m-%d"),
                                  "Segment": practice_ten(ctx)["segment"],
                                  "Answer": practice_ten(ctx)["score"].astype(int)}), "{:.0f}")),
    ]


EXERCISES = (
    Exercise(1, "How many of the ten answers in the practice table are promoters?",
             lambda ctx: _practice_score(ctx).n_promoters,
             "An 8 is not a promoter, however close it looks: only answers of 9 or 10 count.", kind="number"),
    Exercise(2, "What is the Net Promoter Score of those ten practice answers, in points?",
             lambda ctx: _practice_score(ctx).nps,
             "Passives count in the ten but in neither share: divide promoters and detractors by all ten "
             "answers, not by promoters plus detractors.", kind="number", tolerance=0.01),
    Exercise(3, "Suppose 20 more of Bluebird's customers answered, all of them detractors. What would the overall "
                "Net Promoter Score become, to one decimal?",
             lambda ctx: _with_more_detractors(ctx),
             "Add the 20 to the detractors and to the number of answers: the promoters' share falls too, "
             "because the total grows; subtracting 20 points or 20 people from the score is the usual slip.",
             kind="number", tolerance=0.05),
    Exercise(4, "What is the plain margin of error of the ten practice answers, in points, to one decimal "
                "(1.96 times the square root of (P + D \u2212 (P \u2212 D)\u00b2) / n)?",
             lambda ctx: _plain_margin(ctx),
             "Use the shares as fractions and n = 10, then multiply by 100; forgetting the square root or the "
             "1.96 is the usual mistake, and gives a far smaller margin.", kind="number", tolerance=0.05),
    Exercise(5, "How many points above Bluebird's overall score is its highest-scoring segment? One decimal.",
             lambda ctx: round(float(ctx.result.by_segment["nps"].max() - ctx.result.overall.nps), 1),
             "Subtract the overall score from the best segment's score; both are already in points, so do not "
             "subtract the promoter shares instead.", kind="number", tolerance=0.05),
    Exercise(6, f"Two quarters of 50 answers each: the first has {QUARTER_A[0]} promoters, {QUARTER_A[1]} "
                f"passives and {QUARTER_A[2]} detractors (+20), the next {QUARTER_B[0]}, {QUARTER_B[1]} and "
                f"{QUARTER_B[2]} (+30). Is the 10-point rise more than sampling noise at 95%? Answer yes or no.",
             _rise_is_real,
             "Ten points is not large with so few answers: with 50 answers each score is uncertain by about twenty "
             "points either way, and a real change needs a p-value below 0.05.", kind="text"),
)
