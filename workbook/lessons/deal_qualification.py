"""Teaching deal qualification (ready, willing and able) on the fictional Aurora Software."""
from __future__ import annotations

from ..frameworks import deal_qualification as dq
from ..formatting import percent, money
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
            f"{d['deal']} with {d['account']} is worth {money(d['amount'])} and sits at a stage with a "
            f"{percent(d['probability'])} probability, so it adds {money(d['weighted'])} to the weighted forecast. "
            f"The evidence says the buyer is {d['met'] or 'none of the three'}; the deal {verdict}.")),
        card("Step 2: two forecasts, month by month", para(
            f"Adding every deal's weighted amount gives the raw forecast, {money(res.raw_total)}. Keeping only "
            f"deals whose buyer is ready, willing and able gives the qualified forecast, "
            f"{money(res.qualified_total)}. The gap, {money(res.gap)} or {percent(res.gap_share)}, is the part of the "
            "forecast that depends on a condition nobody has yet confirmed.")),
        render("deal_qualification", "forecast", ctx),
        card("Step 3: where to work first", para(
            f"{top['deal']} comes first: {money(top['weighted'])} weighted, divided by {top['missing'].count(',') + 1} "
            f"missing condition(s), gives a priority score of {money(top['priority_score'])}.")),
        render("deal_qualification", "priorities", ctx),
        render("deal_qualification", "statement_one", ctx),
    ]


def _with(ctx: Context, deal: str, **met: bool) -> dq.Result:
    """The pipeline re-qualified after some conditions of one deal change."""
    frame = ctx.tables["pipeline"].copy()
    for condition, value in met.items():
        frame.loc[frame["deal"] == deal, condition] = value
    return dq.evaluate(ctx.inputs, {**ctx.tables, "pipeline": frame})


def _priority_of(result: dq.Result, deal: str) -> float:
    return float(result.deals.set_index("deal").loc[deal, "priority_score"])


EXERCISES = (
    Exercise(1, "The buyer of AUR-104 agrees next steps, so the deal is now willing as well. What does Aurora's "
                "qualified forecast become, in dollars?",
             lambda ctx: _with(ctx, "AUR-104", willing=True).qualified_total,
             "The deal enters the qualified forecast at its weighted amount (amount \u00d7 probability), not at "
             "its full amount.", kind="number", tolerance=1.0),
    Exercise(2, "After that change, what percentage of the weighted forecast still rests on buyers who are not "
                "ready, willing and able? Round to a whole number.",
             lambda ctx: round(_with(ctx, "AUR-104", willing=True).gap_share * 100),
             "The raw forecast does not change when a deal is qualified: divide the new gap by the same raw "
             "total.", kind="number", tolerance=0.5),
    Exercise(3, "AUR-110 lacks all three conditions. If its buyer became ready, what priority score would the "
                "deal get, in dollars?",
             lambda ctx: _priority_of(_with(ctx, "AUR-110", ready=True), "AUR-110"),
             "Divide the weighted amount (amount \u00d7 probability), not the full amount, by the number of "
             "conditions still missing, which is now two.", kind="number", tolerance=1.0),
    Exercise(4, "A sales team answers statement 1 ('actual sales usually come in close to the forecast') with a "
                "mean of 3.8, while 40% of its weighted forecast lacks a qualified buyer. How does the workbook "
                "read the two together: consistent, warning, unexplained or mixed?",
             lambda ctx: dq.read_with_statement_one(3.8, 0.40).status,
             "3.8 leans to agree (3.5 or more, a workbook rule) while the pipeline says much of the forecast is "
             "shaky: the team's confidence and the evidence disagree, so it is not 'consistent'.", kind="text"),
)
