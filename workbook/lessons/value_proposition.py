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
            "The article's test for the focus looks ahead: the one or two favorable differences that the "
            "customer would gain most from seeing improved in the years ahead, with the essential "
            "point of parity alongside. So each favorable difference also gets a value of improving it. Until "
            "those values are researched the workbook ranks by today's value as a stand-in (its own rule, with "
            f"a warning). Aurora's current pitch is {res.pitch.label.lower()}, whose pitfall is "
            f"{res.pitch.pitfall}.")),
        render("value_proposition", "focus", ctx),
        render("value_proposition", "values", ctx),
    ]


def _what_if(ctx: Context, change) -> vp.Result:
    doc = ctx.inputs.model_copy(deep=True)
    change(doc)
    return vp.evaluate(doc)


def _settle_contention(doc: vp.Inputs) -> None:
    for el in doc.elements:
        if el.customer_view not in ("unknown", el.supplier_view):
            el.customer_view = el.supplier_view


def _value_scheduler(doc: vp.Inputs) -> None:
    el = doc.element("Scheduler time saved")
    el.improvement_value_usd = 200_000


def _cost_scheduler(doc: vp.Inputs) -> None:
    el = doc.element("Scheduler time saved")
    el.quantity, el.unit_value_usd = 800, 30


EXERCISES = (
    Exercise(1, "Suppose the customer came round to Aurora's view of every point of contention. What would the "
                "net value per year be then, in dollars?",
             lambda ctx: _what_if(ctx, _settle_contention).net_value_usd,
             "A settled point of contention is not left out any more: it becomes a favorable difference and its value "
             "enters the net, while the unfavorable differences still come off.", kind="number", tolerance=0.5),
    Exercise(2, "Aurora has not yet valued 'Scheduler time saved'. If it counted 800 hours a year at $30 an hour, "
                "by how many dollars would the net value rise?",
             lambda ctx: _what_if(ctx, _cost_scheduler).net_value_usd - ctx.result.net_value_usd,
             "An unknown customer's view is not a dispute: the supplier's view stands in and the difference counts "
             "in full (workbook rule); only a disputed element is left out of the net.", kind="number",
             tolerance=0.5),
    Exercise(3, "Research shows that improving 'Scheduler time saved' would be worth $200,000 a year to the "
                "hospital. Which two elements would the resonating focus hold then? Give both names as a list.",
             lambda ctx: list(_what_if(ctx, _value_scheduler).focus),
             "Rank by the value of improving each difference, not by today's value: the largest equations "
             "today are not necessarily where the customer gains most from here on.", kind="set"),
    Exercise(4, "Northwind Tools pitches all the favorable points of difference of its drill kit. Which pitfall "
                "does that kind of proposition risk?",
             lambda ctx: vp.PROPOSITION_TYPES["favorable_points_of_difference"].pitfall,
             "Not benefit assertion, which belongs to the all-benefits pitch: here the danger is taking for "
             "granted that every difference matters to the customer.", kind="text"),
    Exercise(5, "If the hospital's finance team cut the value of improving 'Overtime hours avoided' to $40,000 "
                "a year, which favorable difference would lead the focus?",
             lambda ctx: _what_if(ctx, lambda d: setattr(d.element("Overtime hours avoided"),
                                                          "improvement_value_usd", 40_000)).focus[0],
             "Do not rank by today's value: compare the values of improving each difference that has one "
             "recorded; a difference without such a value is left out of the focus.", kind="text"),
)
