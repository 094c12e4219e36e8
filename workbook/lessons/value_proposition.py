"""Teaching customer value propositions on the fictional Aurora Software."""
from __future__ import annotations

from ..frameworks import value_proposition as vp
from ..html import bullets, card, para, table
from ..room import Context, render
from ..teaching import Exercise

EXAMPLE_CLIENT = "aurora-software"


def _kind_of(ctx: Context, kind: str) -> list[str]:
    t = ctx.result.elements
    return list(t.loc[t["kind"] == kind, "element"])


def worked_example(ctx: Context) -> list:
    """Compare, value, net and focus, step by step."""
    inp, res = ctx.inputs, ctx.result
    views = res.elements[["element", "customer_view", "supplier_view", "kind"]].rename(columns={
        "element": "Element", "customer_view": "Customer's view", "supplier_view": "Supplier's view", "kind": "Kind"})
    valued = res.elements[(res.elements["kind"] == "favorable") & (res.elements["equation"] != "")]
    unfav = res.elements[res.elements["kind"] == "unfavorable"]
    return [
        card("Step 1: compare each element with the next best alternative", para(
            f"Aurora sells the {inp.offering} (customer: {inp.customer}). Without it the customer would use "
            f"this next best alternative: {inp.next_best_alternative}. Each element of the offering is set beside that alternative, "
            "once as the customer sees it and once as Aurora sees it. Where the two agree the element is a point "
            "of parity or a favorable or unfavorable point of difference; where they disagree it is a point of "
            "contention.") + table(views)),
        card("Step 2: put a money value on the differences", para(
            "A value word equation turns each favorable difference into dollars: a quantity the customer can "
            "check, times what one unit is worth to them.") + bullets(f"{r.element}: {r.equation}"
                                                                 for r in valued.itertuples())
             + para("The unfavorable differences are costed the same way: "
                    + "; ".join(f"{r.element}: {r.equation}" for r in unfav.itertuples()) + ".")),
        card("Step 3: total and net", para(
            f"Favorable differences add up to {vp.usd(res.total_favorable_usd)}; unfavorable ones to "
            f"{vp.usd(res.total_unfavorable_usd)}. The net value to the customer is "
            f"{vp.usd(res.net_value_usd)} {inp.value_period}. Points of contention "
            f"({', '.join(_kind_of(ctx, 'contention')) or 'none here'}) stay out of the net until Aurora can show "
            "the customer evidence.")),
        card("Step 4: the resonating focus", para(
            "The one or two favorable differences worth most become the heart of the pitch, with the essential "
            f"point of parity alongside. Aurora's current pitch is {res.pitch.label.lower()}, whose pitfall is "
            f"{res.pitch.pitfall}.")),
        render("value_proposition", "focus", ctx),
        render("value_proposition", "values", ctx),
    ]


EXERCISES = (
    Exercise(1, "What is the net value per year of Aurora's offering to the hospital, in dollars "
                "(favorable differences minus unfavorable ones)?",
             lambda ctx: ctx.result.net_value_usd,
             "Add the values of the favorable differences, then subtract the subscription price difference; "
             "leave out the point of contention.", kind="number", tolerance=0.5),
    Exercise(2, "Which element is a point of contention (the customer and Aurora see it differently)?",
             lambda ctx: _kind_of(ctx, "contention")[0],
             "Look for the element whose customer's view and supplier's view differ.", kind="text"),
    Exercise(3, "Which two elements make up the resonating focus? Give both names as a list.",
             lambda ctx: list(ctx.result.focus),
             "Rank the favorable differences that have a money value and take the top two.", kind="set"),
    Exercise(4, "Aurora pitches all benefits. What is the pitfall of that kind of proposition?",
             lambda ctx: ctx.result.pitch.pitfall,
             "It is two words: claiming benefits without checking them against the alternative.", kind="text"),
    Exercise(5, "Which favorable difference triggers the value-presumption warning because it has no money value?",
             lambda ctx: next(r.element for r in ctx.result.elements.itertuples()
                              if r.kind == "favorable" and r.equation == ""),
             "Find the favorable difference with an empty value word equation.", kind="text"),
)
