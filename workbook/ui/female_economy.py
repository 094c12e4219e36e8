"""The female-economy room: result sections and the live widget form."""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pandas as pd

from ..charts import PALETTE, chart, hbars, label_margin, layered, new_figure, nice_ceiling, row_labels, style_axes
from ..frameworks import female_economy as fe
from ..formatting import money as _money, percent as _pct
from ..html import badge, bullets, card, esc, para, table
from ..errors import InvalidInput
from ..methods import marker
from .base import Context, RoomView

COVERAGE_COLOURS = {"served": PALETTE["good"], "partly served": PALETTE["warn"], "unserved": PALETTE["bad"]}
COVERAGE_STATUS = {"served": "green", "partly served": "amber", "unserved": "red"}
SEGMENT_NAMES = [s.name for s in fe.SEGMENTS]


# -- sections (shared by the live view and the report) ---------------------------

def headline_section(ctx: Context) -> str:
    """What is at stake, where, and which segments no offer serves."""
    res = ctx.result
    opp = res.opportunity
    growth = opp[opp["at_stake_usd"] > 0]
    basis = "women's earned income" if res.allocation_basis == "income" else "the female population"
    rows = [para(f"Market: {res.market_name or 'not named yet'}, {_money(res.market_size_usd)} a year, "
                 f"split over the segments by each one's share of {basis}.")]
    if growth.empty:
        rows.append(para("No segment has a target above its current share yet, so nothing is at stake."))
    else:
        top = growth.iloc[0]
        rows.append(f'<p style="font-size:120%">At stake: <b>{_money(res.total_at_stake_usd)}</b> a year; most in '
                    f"<b>{esc(top['segment'])}</b> ({_money(top['at_stake_usd'])}), "
                    f"{badge(top['coverage'], COVERAGE_STATUS[top['coverage']])}</p>")
    rows.append(para(fe.GROWTH_FORECAST_NOTE))
    rows.append(para("Segments no offer serves: " + (", ".join(res.unserved) if res.unserved else "none") + "."))
    rows.append(marker(fe.WORKBOOK_RULES, "coverage", "status"))
    return card("Summary", "".join(rows))


def _opportunity_key(ctx: Context):
    o = ctx.result.opportunity
    return tuple(map(tuple, o[["segment", "at_stake_usd", "current_usd", "coverage"]].to_numpy().tolist()))


def _opportunity_static(ctx: Context):
    """The rows (how many, their label margin) and the x axis rounded up to a nice limit ($ thousands)."""
    opp = ctx.result.opportunity
    if opp.empty or not (opp["current_usd"].abs().sum() + opp["at_stake_usd"].abs().sum()):
        return None  # no market size or shares yet: nothing to rank (the live view says what to enter)
    ends = (opp["current_usd"] + opp["at_stake_usd"].clip(lower=0)) / 1e3
    return len(opp), label_margin(opp["segment"]), nice_ceiling(max(1.05 * float(ends.max()), 1.0))


def _opportunity_data(ax, ctx: Context) -> list:
    """Current revenue, the gap to target coloured by coverage, the amounts and the (ranked) names."""
    opp = ctx.result.opportunity
    y = np.arange(len(opp))
    current = (opp["current_usd"] / 1e3).to_numpy()
    artists = hbars(ax, y, current, [PALETTE["grid"]] * len(opp))
    artists += hbars(ax, y, (opp["at_stake_usd"].clip(lower=0) / 1e3).to_numpy(),
                     [COVERAGE_COLOURS[c] for c in opp["coverage"]], left=current)
    for yi, (_, row) in zip(y, opp.iterrows()):
        end = (row["current_usd"] + max(row["at_stake_usd"], 0)) / 1e3
        if row["at_stake_usd"] > 0:
            artists.append(ax.text(end, yi, f"  +{_money(row['at_stake_usd'] / 1e3, cents=False)}k", va="center",
                                   fontsize=8, color=PALETTE["ink"]))
    return artists + row_labels(ax, y, opp["segment"].tolist())  # the ranking reorders the names


@layered(_opportunity_static, _opportunity_data, _opportunity_key)
def opportunity_section(ctx: Context):
    """Revenue at stake per segment, ranked, coloured by how well the offers serve it."""
    n, margin, right = _opportunity_static(ctx)
    fig = new_figure(7.0, 2.9, left=margin, right=1.1, top=0.55, bottom=0.5)
    ax = fig.add_subplot()
    ax.set_yticks(np.arange(n), [""] * n)
    pad = 0.05 * (n - 0.4)  # the rows' margin as matplotlib's autoscale leaves it
    ax.set_ylim(n - 0.7 + pad, -0.3 - pad)  # first row on top
    ax.set_xlim(0, right)
    ax.set_xlabel("Revenue a year, $ thousands (grey: current; coloured: gap to target)", fontsize=8.5)
    from matplotlib.patches import Patch  # loaded with the figure already

    handles = [Patch(facecolor=c, label=k) for k, c in COVERAGE_COLOURS.items()]  # swatches only
    ax.legend(handles=handles, fontsize=8, frameon=False, ncols=3, loc="lower left", bbox_to_anchor=(0, 1.0))
    ax.set_title("Revenue at stake by segment, ranked", loc="left", pad=20)
    style_axes(ax)
    return fig, ax


def _shares_key(ctx: Context):
    return "static"


@chart(_shares_key)
def shares_section(ctx: Context):
    """Share of population against share of earned income, per segment (from the article)."""
    fig = new_figure(7.0, 2.8, left=0.6, top=0.55, bottom=0.75)
    ax = fig.add_subplot()
    x = np.arange(len(fe.SEGMENTS))
    pop = [s.population_share * 100 for s in fe.SEGMENTS]
    inc = [s.income_share * 100 for s in fe.SEGMENTS]
    ax.bar(x - 0.2, pop, width=0.4, color=PALETTE["muted"], label="share of women", zorder=2)
    ax.bar(x + 0.2, inc, width=0.4, color=PALETTE["accent"], label="share of earned income", zorder=2)
    for xi, p, i in zip(x, pop, inc):
        ax.text(xi - 0.2, p + 0.5, f"{p:.0f}", ha="center", fontsize=7.5)
        ax.text(xi + 0.2, i + 0.5, f"{i:.0f}", ha="center", fontsize=7.5)
    ax.set_xticks(x, [n.replace(" ", "\n", 1) for n in SEGMENT_NAMES], fontsize=8)
    ax.set_ylabel("%", fontsize=8.5)
    ax.set_ylim(0, 38)
    ax.legend(fontsize=8, frameon=False, ncols=2, loc="lower left", bbox_to_anchor=(0, 1.0))
    ax.set_title("Population and income shares of the six segments (%)", loc="left", pad=20)
    style_axes(ax)
    return fig


def table_section(ctx: Context) -> str:
    """The opportunity table with the income-versus-population gap."""
    o = ctx.result.opportunity
    view = pd.DataFrame({
        "#": o["rank"],
        "Segment": o["segment"],
        "Women / income": [f"{_pct(p)} / {_pct(i)} ({g:+d} pts)"
                           for p, i, g in zip(o["population_share"], o["income_share"], o["income_gap_points"])],
        "Segment market": o["segment_market_usd"].map(_money),
        "Share now \u2192 target": [f"{c * 100:g}% \u2192 {t * 100:g}%"
                                  for c, t in zip(o["current_share"], o["target_share"])],
        "At stake": o["at_stake_usd"].map(_money),
        "Coverage (best offer, fit)": [f"{c} ({b}, {f:.2f})" if b else c
                                       for c, b, f in zip(o["coverage"], o["best_offer"], o["fit"])],
    })
    notes = bullets([
        "Women / income: the segment's share of women, its share of women's earned income, and the difference "
        "in percentage points (positive: it earns more than its size).", *ctx.result.notes])
    return card("Opportunity by segment", table(view) + notes + marker(fe.WORKBOOK_RULES, "fit", "coverage"))


def _fit_key(ctx: Context):
    f = ctx.result.fit
    return tuple(f.index), tuple(map(tuple, f.to_numpy().round(3).tolist()))


@chart(_fit_key)
def fit_section(ctx: Context):
    """Offers against segments: how well each offer meets each segment's needs."""
    fit = ctx.result.fit
    if fit.empty:
        return None
    offers = list(fit.index)
    fig = new_figure(7.0, 1.6 + 0.35 * len(offers), left=label_margin(offers), top=0.4, bottom=0.75)
    ax = fig.add_subplot()
    ax.imshow(fit.to_numpy(), cmap="YlGn", vmin=0, vmax=1, aspect="auto")
    for i in range(len(offers)):
        for j in range(fit.shape[1]):
            value = fit.iat[i, j]
            ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=8,
                    color="white" if value > 0.6 else PALETTE["ink"])
    ax.set_xticks(range(fit.shape[1]), [c.replace(" ", "\n", 1) for c in fit.columns], fontsize=8)
    ax.set_yticks(range(len(offers)), offers)
    ax.set_title(f"Offer fit to segment needs (0 to 1; {fe.SERVED_FROM:.2f} or more = served)", loc="left")
    style_axes(ax)
    return fig


def advice_section(ctx: Context) -> str:
    """Recommendations for the client."""
    return card("What to do next", bullets(ctx.result.recommendations))


def segments_section(ctx: Context) -> str:
    """The six segments and four subsegments, with traits and the needs we read from them."""
    parts = []
    for s in fe.SEGMENTS:
        subs = "".join(
            f"<li>{esc(x.name)}: {_pct(x.population_share)} of women, {_pct(x.income_share)} of earned income; "
            f"{esc('; '.join(x.traits).lower())}</li>" for x in s.subsegments)
        needs = "; ".join(fe.NEEDS[n] for n in s.needs)
        parts.append(
            f"<h4>{esc(s.name)}: {_pct(s.population_share)} of women, {_pct(s.income_share)} of earned income</h4>"
            + bullets(s.traits) + (f"<ul>{subs}</ul>" if subs else "") + para(f"Needs scored by the tool: {needs}."))
    parts.append(para(fe.ROUNDING_NOTE))
    parts.append(marker(fe.WORKBOOK_RULES, "needs"))
    return card("The six segments", "".join(parts))


def reference_section(ctx: Context) -> str:
    """The article's financial-services map and the Curves example."""
    return card("Financial services: where women's needs go unmet", table(fe.financial_services_table())
                + "<h4>A focused offer: Curves</h4>" + para(fe.CURVES_EXAMPLE))


SECTIONS = {
    "headline": headline_section,
    "opportunity": opportunity_section,
    "table": table_section,
    "fit": fit_section,
    "advice": advice_section,
    "shares": shares_section,
    "segments": segments_section,
    "reference": reference_section,
}


# -- the live form --------------------------------------------------------------

def _share_percent(doc: fe.Inputs, segment: str, field: str) -> float:
    """A segment's share now or its target, in percent as the form shows it (0 when not entered)."""
    pos = next((p for p in doc.positions if p.segment == segment), None)
    return round((getattr(pos, field) if pos else 0.0) * 100, 4)


def _need_score(offer, need: str) -> int:
    """How well ``offer`` meets ``need`` (0 when not scored or no offer)."""
    return offer.needs.get(need, 0) if offer else 0


class View(RoomView):
    """Size the market, set shares per segment and score the offers against needs."""

    framework = "female_economy"
    sections = SECTIONS
    empty_chart = "No chart yet: enter the market size and, for each segment, the share now and the target share."

    def _build_inputs(self) -> widgets.Widget:
        doc = self.state.inputs
        wide = {"description_width": "150px"}
        self._market_name = widgets.Text(value=doc.market_name, description="Market", style=wide,
                                         continuous_update=False, layout=widgets.Layout(width="600px"))
        self._market_name.observe(lambda ch: self._set("market_name", ch["new"]), names="value")
        self._market_size = widgets.FloatText(value=doc.market_size_usd, description="Market size ($/yr)",
                                              style=wide, layout=widgets.Layout(width="340px"))
        self._market_size.observe(lambda ch: self._set("market_size_usd", ch["new"]), names="value")
        self._basis = widgets.Dropdown(options=[("share of earned income", "income"),
                                                ("share of population", "population")],
                                       value=doc.allocation_basis, description="Split market by", style=wide,
                                       layout=widgets.Layout(width="400px"))
        self._basis.observe(lambda ch: self._set("allocation_basis", ch["new"]), names="value")
        for w, field in ((self._market_name, "market_name"), (self._market_size, "market_size_usd"),
                         (self._basis, "allocation_basis")):
            self._bind(w, lambda state, f=field: getattr(state.inputs, f))
        market = widgets.VBox([self._with_note(self._market_name, "market_name"),
                               self._with_note(self._market_size, "market_size_usd"), self._basis])

        positions = {p.segment: p for p in doc.positions}
        self._shares: dict[tuple[str, str], widgets.FloatText] = {}
        rows = [widgets.HTML("<i>Shares in percent of the segment's spending in this market.</i>")]
        for s in fe.SEGMENTS:
            pos = positions.get(s.key)
            cells = [widgets.HTML(f"<b>{esc(s.name)}</b>", layout=widgets.Layout(width="190px"))]
            for field in ("current_share", "target_share"):
                # A plain number box: 150 % is refused beside the row, never changed to 100 %.
                box = widgets.FloatText(value=_share_percent(doc, s.key, field), step=0.5,
                                        description="now %" if field == "current_share" else "target %",
                                        layout=widgets.Layout(width="170px"))
                box.observe(lambda ch, k=s.key, f=field: self._set_share(k, f, ch["new"]), names="value")
                self._shares[(s.key, field)] = self._bind(box, lambda state, k=s.key, f=field: _share_percent(
                    state.inputs, k, f))
                cells.append(box)
            cells.append(self._note(f"share-{s.key}"))
            rows.append(widgets.HBox(cells))
        shares = widgets.VBox(rows)

        names = [o.name for o in doc.offers]
        self._offer = widgets.Dropdown(options=names, value=names[0] if names else None, description="Offer")
        self._offer.observe(lambda _: self._show_offer(), names="value")
        self._bind(self._offer, lambda state: [o.name for o in state.inputs.offers], "options")
        self._bind(self._offer, self._offer_to_show)
        self._new_offer = widgets.Text(placeholder="Name of new offer", layout=widgets.Layout(width="220px"))
        add = widgets.Button(description="Add offer", icon="plus")
        add.on_click(lambda _: self._add_offer())
        remove = widgets.Button(description="Remove offer", icon="trash")
        remove.on_click(lambda _: self._remove_offer())
        self._needs: dict[str, widgets.ToggleButtons] = {}
        need_rows = [widgets.HTML("<i>How well does this offer meet each need? 0 not at all \u2026 3 strongly</i>")]
        for key, text in fe.NEEDS.items():
            buttons = widgets.ToggleButtons(options=[(str(k), k) for k in range(fe.NEED_SCORE_MAX + 1)], value=0,
                                            style={"button_width": "30px"})
            buttons.add_class(f"wb-need-{key}")
            buttons.observe(lambda ch, k=key: self._score(k, ch["new"]), names="value")
            self._needs[key] = self._bind(buttons, lambda state, k=key: _need_score(self._offer_shown(state), k))
            self._bind(buttons, lambda state: self._offer_shown(state) is None, "disabled")
            need_rows.append(widgets.HBox([widgets.HTML(esc(text), layout=widgets.Layout(width="55%")), buttons]))
        offers = widgets.VBox([widgets.HBox([self._offer, remove]),
                               widgets.HBox([self._new_offer, add, self._note("new-offer")]),
                               *need_rows])
        tabs = widgets.Tab([market, shares, offers])
        for i, title in enumerate(("Market", "Shares by segment", "Offers and needs")):
            tabs.set_title(i, title)
        self._show_offer()
        return tabs

    # -- events ------------------------------------------------------------------
    def _set_share(self, key: str, field: str, percent: float) -> None:
        if self._syncing:
            return

        def change(doc: fe.Inputs) -> None:
            if percent is None or not 0 <= percent <= 100:
                segment = next(s.name for s in fe.SEGMENTS if s.key == key)
                when = "share now" if field == "current_share" else "target share"
                raise InvalidInput.one(f"{segment} {when}", percent, "a percent from 0 to 100")
            pos = next((p for p in doc.positions if p.segment == key), None)
            if pos is None:
                pos = fe.SegmentPosition(segment=key)
                doc.positions.append(pos)
            setattr(pos, field, round(percent / 100, 6))
        self._apply(change, field=f"share-{key}")

    def _score(self, need: str, value: int | None) -> None:
        if self._syncing or value is None or self._offer.value is None:
            return
        name = self._offer.value

        def change(doc: fe.Inputs) -> None:
            offer = next(o for o in doc.offers if o.name == name)
            if value:
                offer.needs[need] = value
            else:
                offer.needs.pop(need, None)
        self._apply(change)

    def _add_offer(self) -> None:
        name = self._new_offer.value.strip()

        def change(doc: fe.Inputs) -> fe.Inputs:
            return fe.Inputs.model_validate({**doc.model_dump(), "offers": [*doc.model_dump()["offers"],
                                                                            {"name": name}]})
        if self._apply(change, field="new-offer"):
            self._new_offer.value = ""
            self._offer.options = [o.name for o in self.state.inputs.offers]
            self._offer.value = name

    def _remove_offer(self) -> None:
        name = self._offer.value
        if name is None:
            return

        def change(doc: fe.Inputs) -> None:
            doc.offers = [o for o in doc.offers if o.name != name]
        if self._apply(change):
            names = [o.name for o in self.state.inputs.offers]
            self._offer.options = names
            self._offer.value = names[0] if names else None

    # -- keeping widgets in step with the state ----------------------------------
    def _offer_to_show(self, state) -> str | None:
        """The offer picked on screen while it is still saved, else the first one."""
        names = [o.name for o in state.inputs.offers]
        return self._offer.value if self._offer.value in names else (names[0] if names else None)

    def _offer_shown(self, state) -> fe.Offer | None:
        """The saved offer picked on screen (None when there is none)."""
        return next((o for o in state.inputs.offers if o.name == self._offer.value), None)

    def _show_offer(self) -> None:
        offer = self._offer_shown(self.state)
        with self._quiet():
            for key, buttons in self._needs.items():
                buttons.value = _need_score(offer, key)
                buttons.disabled = offer is None
