"""Teaching the female economy on the fictional Meridian Community Bank."""
from __future__ import annotations

from ..frameworks import female_economy as fe
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
            f"${res.market_size_usd:,.0f} a year and splits it by share of earned income. Women managing on "
            f"their own earn {share:.0%} of it: ${row['segment_market_usd']:,.0f}. Meridian holds "
            f"{row['current_share']:.0%} of that and aims for {row['target_share']:.0%}, so "
            f"${row['segment_market_usd']:,.0f} \u00d7 ({row['target_share']:.0%} \u2212 "
            f"{row['current_share']:.0%}) = ${row['at_stake_usd']:,.0f} a year is at stake.")),
        render("female_economy", "opportunity", ctx),
        card("Step 3: do the offers meet the needs?", para(
            "Each offer is scored 0 to 3 on the needs we read from each segment's traits. An offer's fit to a "
            "segment is its average score over that segment's needs divided by 3; a segment counts as served "
            f"when its best offer reaches {fe.SERVED_FROM:.2f}, partly served from {fe.PARTLY_SERVED_FROM:.2f}.")
            + para("Segments no offer serves: " + ", ".join(res.unserved) + ".")),
        render("female_economy", "fit", ctx),
        card("The article's example: Curves", para(fe.CURVES_EXAMPLE) + para(
            "Scored on our list of needs (our illustration, not the article's):")
            + table(fe.segment_table(include_subsegments=False)[["segment"]].assign(
                fit=[fe.offer_fit(fe.CURVES_OFFER_NEEDS, s) for s in fe.SEGMENTS]), "{:.2f}")),
    ]


EXERCISES = (
    Exercise(1, "By how many percentage points does the Fast-tracker segment's share of earned income exceed "
                "its share of the population?",
             lambda ctx: round(fe.segment("fast_tracker").income_gap * 100),
             "Subtract the population share from the income share, both in percent.", kind="number"),
    Exercise(2, "Add up the six segments' shares of the population as published. What total do you get, in percent?",
             lambda ctx: round(sum(s.population_share for s in fe.SEGMENTS) * 100),
             "Use the six main segments only; the subsegments are already inside them.", kind="number"),
    Exercise(3, "How many dollars a year are at stake for Meridian in the Fast-tracker segment?",
             lambda ctx: float(_row(ctx, "Fast-tracker")["at_stake_usd"]),
             "Market size \u00d7 the segment's income share \u00d7 (target share \u2212 current share).",
             kind="number", tolerance=1.0),
    Exercise(4, "Which segments does no Meridian offer serve, even in part? Give a list of names.",
             lambda ctx: list(ctx.result.unserved),
             "Look for segments whose best fit in the heat map is below 0.25.", kind="set"),
    Exercise(5, "With our need scores for Curves, what is its fit to the Fulfilled empty nester segment "
                "(to two decimals)?",
             lambda ctx: fe.offer_fit(fe.CURVES_OFFER_NEEDS, fe.segment("fulfilled_empty_nester")),
             "That segment's needs are health and ageing well, leisure, and respect: add Curves' three scores "
             "and divide by 9.", kind="number", tolerance=0.01),
)
