"""The customer-value room: result sections and the live widget form."""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pandas as pd

from ..charts import PALETTE, chart, hbars, layered, new_figure, style_axes
from ..errors import WorkbookError
from ..formatting import money, percent
from ..frameworks import clv
from ..html import badge, bullets, card, esc, para, progress, table
from ..methods import marker
from .base import Context, RoomView, advice_section

STAGE_STATUS = ("red", "amber", "amber", "green")
TIER_COLOURS = ("#1b6f65", "#2a9d8f", "#8ab17d", "#c9d6df")


def _money(ctx: Context, value: float, cents: bool | None = None) -> str:
    """An amount in the client's currency (see :func:`workbook.formatting.money`)."""
    return money(value, ctx.result.currency, cents)


# -- sections (shared by the live view and the report) ---------------------------

def headline_section(ctx: Context) -> str:
    """Customer equity, the average customer and how concentrated value is."""
    res = ctx.result
    rows = []
    v = res.value
    if v is not None:
        level = int(round(100 * v.confidence))
        rows.append(
            f'<p style="font-size:120%">Customer equity <b class="wb-equity">{esc(_money(ctx, v.equity))}</b> over the next '
            f"{v.horizon_months} months</p>")
        ranges = (f"Given the uncertainty of the fitted models, the expected equity lies between "
                  f"{_money(ctx, v.equity_low)} and {_money(ctx, v.equity_high)} ({level}% interval).")
        if v.outcome_low is not None:
            ranges += (f" The margin the base will actually bring also depends on each customer's own luck (who "
                       f"stays, how often they buy, what they spend): allowing for that too, it should fall between "
                       f"{_money(ctx, v.outcome_low)} and {_money(ctx, v.outcome_high)}.")
        rows.append(para(ranges))
        c = v.customers
        rows.append(para(
            f"{len(c):,} customers; average lifetime value {_money(ctx, c['clv'].mean())}, median "
            f"{_money(ctx, c['clv'].median())}. The top 10% of customers hold {percent(v.top_10_share)} of equity and "
            f"the top 20% hold {percent(v.top_20_share)}. About {percent(c['p_alive'].mean())} of customers are still "
            f"active on average. Margin {percent(v.margin)}, discount rate {percent(v.annual_discount_rate, 1)} a year."))
    if res.subscription is not None:
        s = res.subscription
        rows.append(para(f"Subscription: {s.subscribers:,} subscribers worth about {_money(ctx, s.clv_horizon)} "
                         f"each over the horizon ({_money(ctx, s.equity_horizon)} in all)."))
    if res.audit.stage is not None:
        rows.append(f"<p>Customer-centricity: {badge(res.audit.stage, STAGE_STATUS[res.audit.stage_index])}</p>"
                    + marker(clv.WORKBOOK_RULES, "stages"))
    if not rows:
        rows.append(para("No transactions or audit answers yet: import transactions in the form."))
    return card("Summary", "".join(rows))


def _title(ax, text: str) -> None:
    """A left-aligned chart title placed directly (no title layout pass: live charts redraw faster)."""
    ax.text(0, 1.04, text, transform=ax.transAxes, ha="left", va="bottom", fontsize=10.5, color=PALETTE["ink"])


def _tiers_key(ctx: Context):
    v = ctx.result.value
    return None if v is None else (ctx.result.currency, tuple(np.round(v.tiers["clv"].to_numpy(), 2)),
                                   tuple(v.tiers["customers"].to_numpy()))


def _tiers_static(ctx: Context):
    """The tiers' names and the horizon: the bars are drawn to the longest one (the x axis shows no scale)."""
    v = ctx.result.value
    return None if v is None else (tuple(v.tiers.index), v.horizon_months)


def _tiers_data(ax, ctx: Context) -> list:
    """Bars as a share of the longest (a margin change redraws only these and their amounts)."""
    t = ctx.result.value.tiers
    y = np.arange(len(t))
    top = float(t["clv"].max()) or 1.0
    artists = hbars(ax, y, (t["clv"] / top).to_numpy(), TIER_COLOURS[:len(t)], height=0.62, zorder=1)
    for yi, (name, row) in zip(y, t.iterrows()):
        label = (f"{_money(ctx, row['clv'])}  ({percent(row['share_of_equity'])} of equity, "
                 f"{percent(row['share_of_customers'])} of customers)")
        artists.append(ax.text(row["clv"] / top + 0.01, yi, label, va="center", fontsize=8, color=PALETTE["ink"]))
    return artists


@layered(_tiers_static, _tiers_data, _tiers_key)
def tiers_section(ctx: Context):
    """Customer equity by value tier against each tier's share of customers."""
    names, horizon = _tiers_static(ctx)
    n = len(names)
    fig = new_figure(7.0, 2.9, left=1.0, right=0.3, top=0.45, bottom=0.5)
    ax = fig.add_subplot()
    ax.set_yticks(np.arange(n), list(names))
    pad = 0.05 * (n - 0.38)  # the rows' margin as matplotlib's autoscale leaves it
    ax.set_ylim(n - 0.69 + pad, -0.31 - pad)  # first tier on top
    ax.set_xlim(0, 1.75)  # the longest bar is 1: room for its amount
    ax.set_xticks([])
    ax.spines["bottom"].set_visible(False)
    style_axes(ax)
    _title(ax, f"Customer equity by tier over {horizon} months")
    return fig, ax


def _curve_key(ctx: Context):
    v = ctx.result.value
    if v is None:
        return None
    c = np.sort(v.customers["clv"].to_numpy())[::-1]
    # the curve as drawn, to the whole percent: a margin change (which scales every value) or a small
    # change of discount rate leaves it as it is, so it is not redrawn
    return (round(v.top_10_share, 2), round(v.top_20_share, 2),
            tuple(np.round(np.cumsum(c)[np.linspace(0, len(c) - 1, 21).astype(int)] / max(c.sum(), 1e-12), 2)))


@chart(_curve_key)
def concentration_section(ctx: Context):
    """Share of equity held by the most valuable customers."""
    v = ctx.result.value
    if v is None:
        return None
    c = np.sort(v.customers["clv"].to_numpy())[::-1]
    total = c.sum()
    if total <= 0:
        return None
    share_c = np.arange(1, len(c) + 1) / len(c)
    share_v = np.cumsum(c) / total
    step = max(1, len(c) // 400)
    fig = new_figure(7.0, 2.9, left=0.8, top=0.45, bottom=0.55)
    ax = fig.add_subplot()
    ax.plot(np.r_[0, share_c[::step], 1] * 100, np.r_[0, share_v[::step], 1] * 100, color=PALETTE["accent"])
    ax.plot([0, 100], [0, 100], color=PALETTE["grid"], linestyle="--")
    for frac, share in ((0.1, v.top_10_share), (0.2, v.top_20_share)):
        ax.scatter([frac * 100], [share * 100], color=PALETTE["marketing"], zorder=3, s=24)
        ax.annotate(f"top {percent(frac)} hold {percent(share)}", (frac * 100, share * 100), xytext=(8, -12),
                    textcoords="offset points", fontsize=8, color=PALETTE["ink"])
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 102)
    ax.set_xticks(range(0, 101, 20))
    ax.set_yticks(range(0, 101, 20))
    ax.set_xlabel("Customers, most valuable first (%)", fontsize=8.5)
    ax.set_ylabel("Share of equity (%)", fontsize=8.5)
    style_axes(ax)
    _title(ax, "How concentrated customer value is")
    return fig


def customers_section(ctx: Context) -> str:
    """The most valuable customers with both ranges of their value and their next best product."""
    res = ctx.result
    v = res.value
    if v is None:
        return ""
    top = v.customers.nlargest(clv.TOP_SHOWN, "clv")
    pred = res.top_predictive
    if pred is None or not top.index.isin(pred.index).all():  # e.g. a result built by hand
        pred = res.model.predictive(top.index, v.margin, v.annual_discount_rate, v.horizon_months, v.confidence) \
            if res.model is not None else None
    nxt = top["next_product"] if "next_product" in top else pd.Series("", index=top.index)
    shown = pd.DataFrame({
        "Customer": top.index,
        "Repeat purchases": top["frequency"].to_numpy(),
        "Weeks since last": (top["T"] - top["recency"]).round(0).to_numpy(),
        "P(active)": top["p_alive"].map(percent).to_numpy(),
        "CLV (expected)": top["clv"].map(lambda x: _money(ctx, x, False)).to_numpy(),
        "Model range": [f"{_money(ctx, lo, False)} to {_money(ctx, hi, False)}"
                        for lo, hi in zip(top["clv_low"], top["clv_high"])],
        "Next best product": nxt.replace("", "(owns all)").to_numpy(),
    })
    if pred is not None:
        p = pred.reindex(top.index)
        shown.insert(6, "Likely actual", [f"{_money(ctx, lo, False)} to {_money(ctx, hi, False)}"
                                          for lo, hi in zip(p["value_low"], p["value_high"])])
    level = int(round(100 * v.confidence))
    text = ("Lifetime value is the discounted margin each customer is expected to bring over the horizon; "
            "\u201c(owns all)\u201d marks customers who already buy every product. "
            f"The model range ({level}%) shows how far that expectation could move given the uncertainty of the "
            "fitted models; it is narrow because thousands of customers pin the models down.")
    if pred is not None:
        text += (f" The likely actual range ({level}%, from {clv.PREDICTIVE_DRAWS:,} simulated futures per customer) "
                 "is what to quote for one customer: it adds the customer's own chance of stopping, buying more or "
                 "less often, and spending more or less, so it is much wider and often starts at zero.")
    return card("Most valuable customers", para(text) + table(shown, "{:.0f}"))


def next_products_section(ctx: Context) -> str:
    """What customers most often buy next after each product."""
    t = ctx.result.transitions
    if "transactions" not in ctx.tables:
        return card("Next best product", para("Import the client's transactions (with a product column) in the "
                                               "form to see what customers most often buy next."))
    if t.empty:
        return card("Next best product", para("The transactions have no product column, so there are no purchase "
                                              "sequences to learn from."))
    best = t.sort_values(["from_product", "share"], ascending=[True, False]).groupby("from_product").head(1)
    shown = pd.DataFrame({"After buying": best["from_product"], "Most often next": best["to_product"],
                          "Share of those who moved on": best["share"].map(percent),
                          "Customers": best["customers"]})
    return card("Next best product", para(
        "Like American Express choosing each cardholder's next offer, the workbook looks at what customers "
        "with the same purchases bought next, and suggests that to customers who have not bought it yet "
        "(see the last column of the table above).") + table(shown))


def subscription_section(ctx: Context) -> str:
    """Retention-based lifetime value of a subscriber."""
    s = ctx.result.subscription
    sub = ctx.inputs.subscription
    if s is None or sub is None:
        return ""
    return card("Subscribers", para(
        f"A subscriber earns {_money(ctx, sub.monthly_margin, cents=True)} of margin a month and "
        f"{percent(sub.monthly_retention)} renew "
        f"each month, so the average subscriber stays about {s.expected_lifetime_months:.0f} months. Discounting at "
        f"{percent(s.monthly_discount_rate, 2)} a month, a subscriber is worth m \u00d7 r / (1 + d \u2212 r) = "
        f"{_money(ctx, s.clv_unlimited)} with no time limit and {_money(ctx, s.clv_horizon)} within "
        f"{ctx.inputs.horizon_months} months; the {s.subscribers:,} subscribers together about "
        f"{_money(ctx, s.equity_horizon)}."))


def model_section(ctx: Context) -> str:
    """The fitted purchase and spend models, in plain words."""
    res = ctx.result
    if res.bg is None:
        return ""
    bg, gg = res.bg.params_, res.gg.params_
    se_b, se_g = res.bg.standard_errors_, res.gg.standard_errors_
    rows = pd.DataFrame({
        "Parameter": ["r", "alpha (weeks)", "a", "b", "p", "q", "gamma"],
        "Estimate": [bg["r"], bg["alpha"], bg["a"], bg["b"], gg["p"], gg["q"], gg["gamma"]],
        "Std. error": [se_b["r"], se_b["alpha"], se_b["a"], se_b["b"], se_g["p"], se_g["q"], se_g["gamma"]],
    })
    rate = bg["r"] / bg["alpha"]
    drop = bg["a"] / (bg["a"] + bg["b"])
    mean_spend = gg["p"] * gg["gamma"] / (gg["q"] - 1) if gg["q"] > 1 else float("nan")
    return card("The models behind the numbers", para(
        f"Purchases follow the BG/NBD model (Fader, Hardie and Lee, 2005), fitted on {res.bg.n_customers_:,} "
        f"customers up to {res.observation_end}: while active, a typical customer buys about {rate * 52:.1f} "
        f"times a year, and after each purchase about {percent(drop)} stop buying. Spend per purchase follows the "
        f"Gamma-Gamma model (Fader and Hardie), averaging {_money(ctx, mean_spend)}. Time is counted in weeks.")
        + table(rows, "{:.3f}"))


def audit_section(ctx: Context) -> str:
    """How customer-centric the organization is, and what to do next."""
    a = ctx.result.audit
    answers = ctx.inputs.audit
    parts = []
    if a.stage is not None:
        parts.append(f"<p>Stage: {badge(a.stage, STAGE_STATUS[a.stage_index])} &nbsp; {a.percent:.0f}% of the "
                     f"possible score over {a.answered} answered questions.</p>")
    parts.append(progress(a.answered, len(clv.AUDIT), "Questions answered"))
    rows = "".join(f"<li><b>{esc(q.topic)}</b>: {esc(clv.AUDIT_SCALE.get(answers.get(q.id), 'not answered'))}</li>"
                   for q in clv.AUDIT)
    parts += [f"<ul>{rows}</ul>", "<h4>Advice</h4>", bullets(a.advice),
              marker(clv.WORKBOOK_RULES, "audit", "stages", "weak_answer")]
    return card("Customer-centricity audit", "".join(parts))


SECTIONS = {
    "headline": headline_section,
    "tiers": tiers_section,
    "concentration": concentration_section,
    "customers": customers_section,
    "next_products": next_products_section,
    "subscription": subscription_section,
    "audit": audit_section,
    "model": model_section,
    "advice": advice_section,
}


# -- the live form --------------------------------------------------------------

class View(RoomView):
    """Value sliders, the customer-centricity audit, subscription, next best product and imports."""

    framework = "clv"
    sections = SECTIONS
    empty_chart = "No chart yet: import the client's transactions in the Import tab."
    import_table = "transactions"
    import_noun = "transactions"

    def _build_inputs(self) -> widgets.Widget:
        doc = self.state.inputs
        wide = {"description_width": "160px"}
        lay = widgets.Layout(width="520px")
        self._margin = widgets.FloatSlider(doc.margin, min=0.05, max=0.9, step=0.01, description="Gross margin",
                                           readout_format=".0%", continuous_update=False, style=wide, layout=lay)
        self._rate = widgets.FloatSlider(doc.annual_discount_rate, min=0.0, max=0.3, step=0.005,
                                         description="Discount rate (year)", readout_format=".1%",
                                         continuous_update=False, style=wide, layout=lay)
        self._horizon = widgets.IntSlider(doc.horizon_months, min=6, max=120, step=6, description="Horizon (months)",
                                          continuous_update=False, style=wide, layout=lay)
        for w, name in ((self._margin, "margin"), (self._rate, "annual_discount_rate"),
                        (self._horizon, "horizon_months")):
            w.observe(lambda ch, f=name: self._set(f, ch["new"]), names="value")
            self._bind(w, lambda state, f=name: getattr(state.inputs, f))
        self._value_line = widgets.HTML()
        value = widgets.VBox([self._margin, self._rate, self._horizon, self._value_line])

        self._audit: dict[str, widgets.ToggleButtons] = {}
        rows = [widgets.HTML("<i>0 = not at all \u2026 4 = fully. Every click is saved.</i>")]
        for q in clv.AUDIT:
            buttons = widgets.ToggleButtons(options=[(str(k), k) for k in clv.AUDIT_SCALE], value=doc.audit.get(q.id),
                                            tooltips=list(clv.AUDIT_SCALE.values()), style={"button_width": "34px"})
            buttons.add_class(f"wb-audit-{q.id}")
            buttons.observe(lambda ch, qid=q.id: self._answer(qid, ch["new"]), names="value")
            self._audit[q.id] = self._bind(buttons, lambda state, qid=q.id: state.inputs.audit.get(qid))
            rows.append(widgets.HBox([widgets.HTML(f"<b>{esc(q.topic)}</b>: {esc(q.text)}",
                                                   layout=widgets.Layout(width="62%")), buttons]))
        self._audit_line = widgets.HTML()
        rows.append(self._audit_line)
        audit = widgets.VBox(rows)

        sub = doc.subscription
        self._has_sub = widgets.Checkbox(sub is not None, description="The client sells a subscription", indent=False)
        # Plain number boxes: a value outside the allowed range is refused beside the box, never changed.
        self._subscribers = widgets.IntText(sub.subscribers if sub else 0, description="Subscribers", style=wide)
        self._sub_margin = widgets.FloatText(sub.monthly_margin if sub else 10.0, description="Margin per month",
                                             style=wide)
        self._retention = widgets.FloatSlider(sub.monthly_retention if sub else 0.9, min=0.5, max=0.99, step=0.01,
                                              description="Monthly retention", readout_format=".0%",
                                              continuous_update=False, style=wide, layout=lay)
        for w in (self._has_sub, self._subscribers, self._sub_margin, self._retention):
            w.observe(lambda _: self._set_subscription(), names="value")
        self._bind(self._has_sub, lambda state: state.inputs.subscription is not None)
        for w, field in ((self._subscribers, "subscribers"), (self._sub_margin, "monthly_margin"),
                         (self._retention, "monthly_retention")):  # with no subscription: as the consultant left it
            self._bind(w, lambda state, w=w, f=field: w.value if state.inputs.subscription is None
                       else getattr(state.inputs.subscription, f))
        subscription = widgets.VBox([self._has_sub, self._with_note(self._subscribers, "subscribers"),
                                     self._with_note(self._sub_margin, "monthly_margin"),
                                     self._with_note(self._retention, "monthly_retention"), self._note("subscription")])

        self._who = widgets.Text(placeholder="customer id, e.g. BB-00042", description="Customer", style=wide)
        ask = widgets.Button(description="Suggest", icon="lightbulb-o")
        ask.on_click(lambda _: self._suggest())
        self._suggestion = widgets.HTML()
        suggest = widgets.VBox([widgets.HTML("What did customers with the same purchases buy next?"),
                                widgets.HBox([self._who, ask]), self._suggestion])

        cols = doc.columns
        self._cols = {name: widgets.Text(getattr(cols, name) or "", description=f"{name} column", style=wide)
                      for name in ("customer_id", "date", "amount", "product")}
        importer = widgets.VBox([
            widgets.HTML("One row per transaction: customer, date and a positive amount; the product is optional. "
                         "Name the columns as they appear in the export."),
            *self._cols.values(), *self._import_controls(wide)])

        tabs = widgets.Tab([value, audit, subscription, suggest, importer])
        for i, title in enumerate(("Value", "Audit", "Subscription", "Next product", "Import")):
            tabs.set_title(i, title)
        self._after_change()
        return tabs

    # -- events ------------------------------------------------------------------
    def _answer(self, qid: str, value: int | None) -> None:
        if self._syncing:
            return

        def change(doc: clv.Inputs) -> None:
            doc.audit[qid] = value
        self._apply(change)

    def _set_subscription(self) -> None:
        if self._syncing:
            return
        value = None
        if self._has_sub.value:
            value = {"subscribers": self._subscribers.value, "monthly_margin": self._sub_margin.value,
                     "monthly_retention": round(self._retention.value, 4)}
        self._set("subscription", value)

    def _suggest(self) -> None:
        who = self._who.value.strip()
        tx = self.state.tables.get("transactions")
        if tx is None:
            self._suggestion.value = "<i>No transactions yet.</i>"
            return
        prep = clv.prepare(tx, self.state.inputs.columns, self.state.inputs.observation_end)
        try:
            best = clv.next_best_product(prep.transactions, who, transitions=prep.transitions)
        except WorkbookError as exc:
            self._suggestion.value = f'<span style="color:#c0392b">{esc(exc)}</span>'
            return
        if best.empty:
            self._suggestion.value = f"<i>Nothing to suggest for {esc(who)}: no pattern leads beyond what they own.</i>"
            return
        shown = best.assign(score=best["score"].map(percent)).rename(
            columns={"product": "Product", "score": "Score", "because": "Because they bought"})
        self._suggestion.value = table(shown)

    def _mapping(self) -> clv.TransactionColumns:
        return clv.TransactionColumns(**{k: (w.value.strip() or (None if k == "product" else k))
                                         for k, w in self._cols.items()})

    def _import_columns(self) -> dict[str, str]:
        return self._mapping().renames()

    def _after_import(self) -> None:
        self._set("columns", self._mapping().model_dump())  # remembered for the next export

    # -- keeping widgets in step with the state ----------------------------------
    def _after_change(self) -> None:
        res = self.state.result
        v = res.value
        self._value_line.value = (
            f"Customer equity <b class='wb-equity-live'>{esc(_money(self.state.context, v.equity))}</b>; average CLV "
            f"{esc(_money(self.state.context, v.customers['clv'].mean()))}; top 10% hold {percent(v.top_10_share)}"
            if v is not None else "<i>No customer values yet.</i>")
        a = res.audit
        self._audit_line.value = (f"Stage: <b class='wb-stage'>{esc(a.stage)}</b> ({a.percent:.0f}%)"
                                  if a.stage else f"<i>{esc(a.advice[0])}</i>")
