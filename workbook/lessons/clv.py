"""Teaching customer lifetime value and customer equity on the fictional Bluebird Coffee Roasters."""
from __future__ import annotations

import pandas as pd

from ..frameworks import clv
from ..formatting import percent, money
from ..html import card, para, table
from ..room import Context, render
from ..teaching import Exercise

EXAMPLE_CLIENT = "bluebird-coffee"


def example_customer(ctx: Context) -> str:
    """The first customer (by id) with four repeat purchases, the last within six weeks, over at least 40 weeks."""
    s = ctx.result.summary
    ok = (s["frequency"] == 4) & (s["T"] - s["recency"] <= 6) & (s["T"] >= 40)
    return str(sorted(s.index[ok])[0])


def practice_customer(ctx: Context) -> str:
    """The first customer (by id) with three repeat purchases over at least 40 weeks (for the exercises)."""
    s = ctx.result.summary
    ok = (s["frequency"] == 3) & (s["T"] >= 40)
    return str(sorted(s.index[ok])[0])


def _prepared(ctx: Context) -> clv.Prepared:
    return clv.prepare(ctx.tables["transactions"], ctx.inputs.columns, ctx.inputs.observation_end)


def _subscriber_value(ctx: Context) -> float:
    return ctx.result.subscription.clv_unlimited


def _most_common_after(ctx: Context, product: str) -> str:
    t = ctx.result.transitions
    return str(t[t["from_product"] == product].sort_values("customers", ascending=False).iloc[0]["to_product"])


def worked_example(ctx: Context) -> list:
    """One customer from transactions to lifetime value, then the whole base."""
    res, inp = ctx.result, ctx.inputs
    cid = example_customer(ctx)
    tx = _prepared(ctx).transactions
    mine = tx[tx["customer_id"] == cid]
    rec = res.summary.loc[cid]
    row = res.value.customers.loc[cid]
    bg, gg = res.bg.params_, res.gg.params_
    hist = pd.DataFrame({"Date": mine["date"].dt.strftime("%Y-%m-%d"), "Product": mine["product"],
                         "Amount": mine["amount"]})
    nbp = clv.next_best_product(tx, cid, transitions=res.transitions)
    suggestion = (f"Customers who bought what {cid} bought most often moved on to {nbp.iloc[0]['product']}, "
                  f"so that is the next best product to offer." if not nbp.empty else
                  f"No pattern leads beyond what {cid} already owns.")
    sub = res.subscription
    likely = res.model.predictive([cid], inp.margin, inp.annual_discount_rate, inp.horizon_months,
                                  inp.confidence).iloc[0]
    return [
        card("Step 1: one customer's record", para(
            f"Customer {cid} bought on these days up to {res.observation_end}:") + table(hist, "{:.2f}") + para(
            f"The first purchase starts the clock. Frequency counts the purchases after it: {int(rec['frequency'])}. "
            f"Recency is the time from the first to the last purchase, {rec['recency']:.1f} weeks, and T the time "
            f"from the first purchase to the end of the data, {rec['T']:.1f} weeks. The mean of the repeat "
            f"purchases is ${rec['monetary_value']:.2f}.")),
        card("Step 2: is the customer still active, and how much will they buy?", para(
            f"Fitted on all {len(res.summary):,} customers, the BG/NBD model has r = {bg['r']:.3f}, "
            f"alpha = {bg['alpha']:.3f} weeks, a = {bg['a']:.3f}, b = {bg['b']:.3f}. For {cid}, "
            f"{rec['T'] - rec['recency']:.1f} weeks without a purchase leave a probability of "
            f"{percent(row['p_alive'])} of still being active, and {row['expected_purchases']:.2f} expected purchases in "
            f"the next {inp.horizon_months} months. The Gamma-Gamma model (p = {gg['p']:.2f}, q = {gg['q']:.2f}, "
            f"gamma = {gg['gamma']:.2f}) blends the customer's own average with everyone's: "
            f"${row['expected_spend']:.2f} per purchase.")),
        card("Step 3: lifetime value", para(
            f"Each month's expected purchases are discounted at {percent(inp.annual_discount_rate)} a year, multiplied by "
            f"the expected spend and by the {percent(inp.margin)} margin, and added up: CLV = ${row['clv']:.2f}. "
            f"That is an average over the futures the customer could have. The fitted models are themselves "
            f"uncertain, which moves the average only a little: ${row['clv_low']:.2f} to ${row['clv_high']:.2f}. "
            f"What {cid} will actually bring varies far more: simulating {clv.PREDICTIVE_DRAWS:,} possible futures "
            f"(still active or not, how often they buy, when they stop, what they spend) puts it between "
            f"${likely['value_low']:.2f} and ${likely['value_high']:.2f} in {percent(inp.confidence)} of them (chance of "
            f"no further purchase at all: {percent(likely['p_no_purchase'])}). Quote the average for planning "
            "across many customers, and the wide range when talking about one. " + suggestion)),
        card("Step 4: the whole base", para(
            f"Adding every customer's value gives customer equity, {money(res.value.equity)}. Ranked by value, "
            f"the top 10% hold {percent(res.value.top_10_share)} of it: these are the customers a customer manager "
            "would own first.")),
        render("clv", "tiers", ctx),
        card("Step 5: subscribers", para(
            f"For the subscription a simpler formula serves: with margin m = ${inp.subscription.monthly_margin:.2f} a "
            f"month, retention r = {inp.subscription.monthly_retention:.2f} and a monthly discount rate "
            f"d = {sub.monthly_discount_rate:.4f}, a subscriber is worth m \u00d7 r / (1 + d \u2212 r) = "
            f"${sub.clv_unlimited:,.2f}.")) if sub is not None else "",
        card("Practice material: another customer", para(
            f"Customer {practice_customer(ctx)} bought on these days, for the exercises below:")
            + table(pd.DataFrame({"Date": tx[tx["customer_id"] == practice_customer(ctx)]["date"].dt.strftime("%Y-%m-%d"),
                                  "Product": tx[tx["customer_id"] == practice_customer(ctx)]["product"],
                                  "Amount": tx[tx["customer_id"] == practice_customer(ctx)]["amount"]}), "{:.2f}")),
    ]


def _equity_at_margin(ctx: Context, extra: float) -> float:
    inp = ctx.inputs
    frame, _, _ = ctx.result.model.value(inp.margin + extra, inp.annual_discount_rate, inp.horizon_months,
                                         inp.confidence)
    return float(frame["clv"].sum())


def _subscriber_with_retention(ctx: Context, extra: float) -> float:
    sub = ctx.inputs.subscription
    d = ctx.result.subscription.monthly_discount_rate
    return clv.retention_clv(sub.monthly_margin, sub.monthly_retention + extra, d)


def _next_for(ctx: Context, cid: str) -> str:
    return str(clv.next_best_product(_prepared(ctx).transactions, cid, transitions=ctx.result.transitions)
               .iloc[0]["product"])


EXERCISES = (
    Exercise(1, "How many repeat purchases (the frequency) has the customer in the practice table made?",
             lambda ctx: int(ctx.result.summary.loc[practice_customer(ctx), "frequency"]),
             "The first purchase starts the clock and is not a repeat: count the purchase days after it.",
             kind="number"),
    Exercise(2, "If Bluebird's margin were 10 percentage points higher, what would its customer equity be? "
                "Whole dollars.",
             lambda ctx: round(_equity_at_margin(ctx, 0.10)),
             "Lifetime value is proportional to the margin, so equity scales by the new margin over the old; "
             "adding 10% of today's equity is the usual slip.", kind="number", tolerance=1.0),
    Exercise(3, "With the figures of Step 5 but a monthly retention two points higher, what would one subscriber "
                "be worth with no time limit? Whole dollars.",
             lambda ctx: round(_subscriber_with_retention(ctx, 0.02)),
             "Retention appears twice in m \u00d7 r / (1 + d \u2212 r): raising it in the numerator only is the "
             "usual mistake; the denominator shrinks too, which is why a small gain is worth so much.",
             kind="number", tolerance=1.0),
    Exercise(4, "Which product is the next best one to offer the customer in the practice table?",
             lambda ctx: _next_for(ctx, practice_customer(ctx)),
             "Look at what customers who bought the same products most often bought next, and skip anything this "
             "customer already owns; the best seller overall is not the answer.", kind="text"),
    Exercise(5, "If Bluebird's audit reached 60% of the possible score, at which stage of customer-centricity "
                "would it be?",
             lambda ctx: clv.audit_stage(60.0)[1],
             "The stages start at 25%, 50% and 75% of the maximum (a workbook rule); do not round 60% up to the "
             "next stage: it is past the second cut-off but short of the third.", kind="text"),
)
