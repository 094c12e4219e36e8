"""Teaching deal qualification (ready, willing and able) on the fictional Aurora Software."""
from __future__ import annotations

from ..frameworks import deal_qualification as dq
from ..html import card, para
from ..room import Context, render
from ..teaching import Exercise

EXAMPLE_CLIENT = "aurora-software"


def worked_example(ctx: Context) -> list:
    """Qualify one deal by hand, then compare the two forecasts and pick where to work."""
    res = ctx.result
    d = res.deals.iloc[0]
    verdict = ("counts in both forecasts" if d["qualified"]
               else f"counts in the raw forecast only, because the buyer is not yet {d['missing']}")
    top = res.priorities.iloc[0]
    return [
        card("Step 1: one deal", para(
            f"{d['deal']} with {d['account']} is worth ${d['amount']:,.0f} and sits at a stage with a "
            f"{d['probability']:.0%} probability, so it adds ${d['weighted']:,.0f} to the weighted forecast. "
            f"The evidence says the buyer is {d['met'] or 'none of the three'}; the deal {verdict}.")),
        card("Step 2: two forecasts, month by month", para(
            f"Adding every deal's weighted amount gives the raw forecast, ${res.raw_total:,.0f}. Keeping only "
            f"deals whose buyer is ready, willing and able gives the qualified forecast, "
            f"${res.qualified_total:,.0f}. The gap, ${res.gap:,.0f} or {res.gap_share:.0%}, is the part of the "
            "forecast that depends on a condition nobody has yet confirmed.")),
        render("deal_qualification", "forecast", ctx),
        card("Step 3: where to work first", para(
            f"{top['deal']} comes first: ${top['weighted']:,.0f} weighted, divided by {top['missing'].count(',') + 1} "
            f"missing condition(s), gives a priority score of ${top['priority_score']:,.0f}.")),
        render("deal_qualification", "priorities", ctx),
        render("deal_qualification", "statement_one", ctx),
    ]


EXERCISES = (
    Exercise(1, "What is Aurora's raw weighted forecast for deals closing in 2025-08, in dollars?",
             lambda ctx: float(ctx.result.by_month.set_index("month").loc["2025-08", "raw"]),
             "Multiply each 2025-08 deal's amount by its probability and add them up.", kind="number",
             tolerance=1.0),
    Exercise(2, "What is Aurora's qualified forecast over all months, in dollars?",
             lambda ctx: ctx.result.qualified_total,
             "Only deals marked ready, willing and able count; weight each by its probability.", kind="number",
             tolerance=1.0),
    Exercise(3, "Which deal should Aurora work on first (give its deal code)?",
             lambda ctx: str(ctx.result.priorities.iloc[0]["deal"]),
             "Divide each unqualified deal's weighted amount by the number of conditions it still lacks.",
             kind="text"),
    Exercise(4, "What percentage of Aurora's weighted forecast lacks a buyer who is ready, willing and able? "
                "Round to a whole number.",
             lambda ctx: round(ctx.result.gap_share * 100),
             "Gap divided by raw forecast, times 100.", kind="number", tolerance=0.5),
)
