"""Teaching the female economy on the fictional Meridian Community Bank."""
from __future__ import annotations

from ..frameworks import female_economy as fe
from ..formatting import percent, money
from ..html import card, para, table
from ..room import Context, render
from ..teaching import Exercise

EXAMPLE_CLIENT = "meridian-bank"


def _row(ctx: Context, segment: str):
    opp = ctx.result.opportunity
    return opp[opp["segment"] == segment].iloc[0]


def worked_example(ctx: Context) -> list:
    """Size one segment by hand, then read the ranking and the fit of the offers."""
    res = ctx.result
    row = _row(ctx, "Managing on her own")
    seg = fe.segment("managing_on_her_own")
    share = seg.income_share if res.allocation_basis == "income" else seg.population_share
    return [
        card("Step 1: the segments", para(
            "Silverstein and Sayre sort women consumers into six segments. Each has a share of the female "
            "population and a share of women's earned income; where the two differ, the segment spends above or "
            "below its size. Fast-trackers are 24% of women but earn 34% of the income; women making ends meet "
            "are 12% of women and earn 5%. The published population shares add to 99% because of rounding; "
            "the tool keeps them as published.")),
        render("female_economy", "shares", ctx),
        card("Step 2: size one segment by hand", para(
            f"Meridian puts women's spending on personal banking and wealth services in its counties at "
            f"{money(res.market_size_usd)} a year and splits it by share of earned income. Women managing on "
            f"their own earn {percent(share)} of it: {money(row['segment_market_usd'])}. Meridian holds "
            f"{percent(row['current_share'])} of that and aims for {percent(row['target_share'])}, so "
            f"{money(row['segment_market_usd'])} \u00d7 ({percent(row['target_share'])} \u2212 "
            f"{percent(row['current_share'])}) = {money(row['at_stake_usd'])} a year is at stake.")),
        render("female_economy", "opportunity", ctx),
        card("Step 3: do the offers meet the needs?", para(
            "Each offer is scored 0 to 3 on the needs we read from each segment's traits. An offer's fit to a "
            "segment is its average score over that segment's needs divided by 3; a segment counts as served "
            f"when its best offer reaches {fe.SERVED_FROM:.2f}, partly served from {fe.PARTLY_SERVED_FROM:.2f}. "
            "The needs and these cut-offs are the workbook's own rules: the article describes the segments' "
            "traits, not a scoring scale.")
            + para("Segments no offer serves: " + ", ".join(res.unserved) + ".")),
        render("female_economy", "fit", ctx),
        card("The article's example: Curves", para(fe.CURVES_EXAMPLE) + para(
            "Scored on our list of needs (our illustration, not the article's):")
            + table(fe.segment_table(include_subsegments=False)[["segment"]].assign(
                fit=[fe.offer_fit(fe.CURVES_OFFER_NEEDS, s) for s in fe.SEGMENTS]), "{:.2f}")),
    ]


def _at_stake_by_population(ctx: Context, segment: str) -> float:
    doc = ctx.inputs.model_copy(deep=True)
    doc.allocation_basis = "population"
    opp = fe.evaluate(doc).opportunity
    return float(opp.loc[opp["segment"] == segment, "at_stake_usd"].iloc[0])


def _unassigned_by_population(ctx: Context) -> float:
    doc = ctx.inputs.model_copy(deep=True)
    doc.allocation_basis = "population"
    res = fe.evaluate(doc)
    return res.market_size_usd * res.unallocated_share


#: A new offer that helps only through divorce or the death of a spouse, strongly.
LIFE_CHANGE_OFFER = {"life_change": 3}


def _curves_with_respect(ctx: Context) -> float:
    return fe.offer_fit({**fe.CURVES_OFFER_NEEDS, "respect": 3}, fe.segment("fulfilled_empty_nester"))


EXERCISES = (
    Exercise(1, "By how many percentage points does the 'Struggling for stability' subsegment's share of earned "
                "income differ from its share of the population? Give the sign.",
             lambda ctx: round(next(x for s in fe.SEGMENTS for x in s.subsegments
                                    if x.key == "struggling_for_stability").income_gap * 100),
             "Do not drop the minus sign: income share minus population share, both in percent, is negative for "
             "a group that earns less than its size.", kind="number"),
    Exercise(2, "If Meridian split its market by population share instead of income share, how many dollars a "
                "year would no segment receive?",
             lambda ctx: _unassigned_by_population(ctx),
             "The published population shares add to 99%, not 100%; the workbook leaves the missing part "
             "unassigned rather than scaling the shares up (its own rule).", kind="number", tolerance=1.0),
    Exercise(3, "Split by population share, how many dollars a year would be at stake for Meridian in the "
                "Fast-tracker segment?",
             lambda ctx: _at_stake_by_population(ctx, "Fast-tracker"),
             "Use the share of the population (24%), not of earned income (34%), then multiply by the target "
             "share minus the current share.", kind="number", tolerance=1.0),
    Exercise(4, "Meridian adds an offer that scores 3 on support through divorce or the death of a spouse and 0 "
                "on every other need. What is its fit to the 'Managing on her own' segment, to two decimals?",
             lambda ctx: fe.offer_fit(LIFE_CHANGE_OFFER, fe.segment("managing_on_her_own")),
             "Average over all of the segment's needs (two here), not only the one the offer meets: the need it "
             "ignores counts as 0.", kind="number", tolerance=0.01),
    Exercise(5, "If Curves also scored 3 on being addressed as an individual (respect), what would its fit to the "
                "'Fulfilled empty nester' segment be, to two decimals?",
             _curves_with_respect,
             "Only one of that segment's three needs changes; do not change the divisor, which stays three needs "
             "times three points.",
             kind="number", tolerance=0.01),
)
