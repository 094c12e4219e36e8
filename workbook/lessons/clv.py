"""Teaching customer lifetime value and customer equity on the fictional Bluebird Coffee Roasters."""
from __future__ import annotations

import pandas as pd

from ..frameworks import clv
from ..html import card, para, table
from ..room import Context, render
from ..teaching import Exercise

EXAMPLE_CLIENT = "bluebird-coffee"


def example_customer(ctx: Context) -> str:
    """The first customer (by id) with four repeat purchases, the last within six weeks, over at least 40 weeks."""
    s = ctx.result.summary
    ok = (s["frequency"] == 4) & (s["T"] - s["recency"] <= 6) & (s["T"] >= 40)
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
            f"{row['p_alive']:.0%} of still being active, and {row['expected_purchases']:.2f} expected purchases in "
            f"the next {inp.horizon_months} months. The Gamma-Gamma model (p = {gg['p']:.2f}, q = {gg['q']:.2f}, "
            f"gamma = {gg['gamma']:.2f}) blends the customer's own average with everyone's: "
            f"${row['expected_spend']:.2f} per purchase.")),
        card("Step 3: lifetime value", para(
            f"Each month's expected purchases are discounted at {inp.annual_discount_rate:.0%} a year, multiplied by "
            f"the expected spend and by the {inp.margin:.0%} margin, and added up: CLV = ${row['clv']:.2f}. "
            f"That is an average over the futures the customer could have. The fitted models are themselves "
            f"uncertain, which moves the average only a little: ${row['clv_low']:.2f} to ${row['clv_high']:.2f}. "
            f"What {cid} will actually bring varies far more: simulating {clv.PREDICTIVE_DRAWS:,} possible futures "
            f"(still active or not, how often they buy, when they stop, what they spend) puts it between "
            f"${likely['value_low']:.2f} and ${likely['value_high']:.2f} in {inp.confidence:.0%} of them (chance of "
            f"no further purchase at all: {likely['p_no_purchase']:.0%}). Quote the average for planning "
            "across many customers, and the wide range when talking about one. " + suggestion)),
        card("Step 4: the whole base", para(
            f"Adding every customer's value gives customer equity, ${res.value.equity:,.0f}. Ranked by value, "
            f"the top 10% hold {res.value.top_10_share:.0%} of it: these are the customers a customer manager "
            "would own first.")),
        render("clv", "tiers", ctx),
        card("Step 5: subscribers", para(
            f"For the subscription a simpler formula serves: with margin m = ${inp.subscription.monthly_margin:.2f} a "
            f"month, retention r = {inp.subscription.monthly_retention:.2f} and a monthly discount rate "
            f"d = {sub.monthly_discount_rate:.4f}, a subscriber is worth m \u00d7 r / (1 + d \u2212 r) = "
            f"${sub.clv_unlimited:,.2f}.")) if sub is not None else "",
    ]


EXERCISES = (
    Exercise(1, "How many repeat purchases (the frequency) has the customer of Step 1 made?",
             lambda ctx: int(ctx.result.summary.loc[example_customer(ctx), "frequency"]),
             "Count the purchase days after the first one in the Step 1 table.", kind="number"),
    Exercise(2, "What share of Bluebird's customer equity do the top 10% of customers hold? Give a whole percentage.",
             lambda ctx: round(100 * ctx.result.value.top_10_share),
             "Rank customers by lifetime value, add up the top tenth and divide by the total.", kind="number",
             tolerance=0.5),
    Exercise(3, "With the figures of Step 5, what is one subscriber worth with no time limit? Whole dollars.",
             lambda ctx: round(_subscriber_value(ctx)),
             "m \u00d7 r / (1 + d \u2212 r), all per month.", kind="number", tolerance=1.0),
    Exercise(4, "After buying the Pour-over kit, which product do Bluebird customers most often buy next?",
             lambda ctx: _most_common_after(ctx, "Pour-over kit"),
             "Look at the Next best product table: the row for the Pour-over kit.", kind="text"),
    Exercise(5, "At which stage of customer-centricity does the audit place Bluebird?",
             lambda ctx: ctx.result.audit.stage,
             "The audit card shows the stage; it comes from the share of the possible score.", kind="text"),
)
