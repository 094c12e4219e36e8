"""The five-stages-of-growth room: result sections and the live widget form."""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..charts import BAND_FILLS, PALETTE, chart, layered, new_figure, style_axes
from ..errors import InvalidInput, Problem
from ..frameworks import growth_stages as gs
from ..formatting import amount as _money_text, money
from ..html import badge, bullets, card, esc, para, table
from ..methods import marker
from .base import Context, RoomView

BAND_STATUS = {"aligned": "green", "partly aligned": "amber", "misaligned": "red"}
#: Soft fills for the five stages, earliest to latest.
STAGE_FILLS = ("#f1f3f5", "#fdf0d5", "#e3eef9", "#e0f2ef", "#cfe8e4")


# -- sections (shared by the live view and the report) ---------------------------

def headline_section(ctx: Context) -> str:
    """Stage, revenue and how well the three are aligned."""
    res = ctx.result
    nxt = f" Next stage: <b>{esc(res.next_stage.name)}</b> ({esc(res.next_stage.range_label)})." if res.next_stage else ""
    body = (
        f'<p style="font-size:120%">Stage: {badge(res.stage.name, "#264653")} &nbsp; revenue '
        f"<b>{money(res.revenue_usd)}</b> ({esc(res.stage.range_label)}).{nxt}</p>"
        f"<p>Alignment: {badge(res.band, BAND_STATUS[res.band])} &nbsp; the weakest link is "
        f"<b>{esc(res.weakest)}</b> at <b>{res.alignment:.1f}</b> of 5.</p>"
    ) + marker(gs.WORKBOOK_RULES, "bands", "status")
    return card("Summary", body)


def _path_key(ctx: Context):
    t = ctx.result.trajectory
    return (ctx.result.revenue_usd, tuple(map(tuple, t[["year", "revenue_usd"]].to_numpy().tolist())))


def _path_static(ctx: Context):
    """The stage bands and labels (the current stage in bold), the years and the revenue axis."""
    res = ctx.result
    t = res.trajectory
    if t.empty and not res.revenue_usd:
        return None  # no revenue yet: the live view asks for it
    lo, hi = 1e5, 2e8
    positive = [v for v in [*t["revenue_usd"], res.revenue_usd] if v > 0]
    if positive:
        lo, hi = min(lo, min(positive) / 2), max(hi, max(positive) * 2)
    return lo, hi, tuple(t["year"].tolist()), res.stage.name


def _path_data(ax, ctx: Context) -> list:
    """The revenue line with its amounts (or this year's dot when there is no history)."""
    res = ctx.result
    t = res.trajectory
    if len(t):
        shown = t[t["revenue_usd"] > 0]
        artists = ax.plot(shown["year"], shown["revenue_usd"], color=PALETTE["accent"], marker="o", zorder=3)
        for _, row in shown.iterrows():
            artists.append(ax.annotate(f"${row['revenue_usd'] / 1e6:.2g}M", (row["year"], row["revenue_usd"]),
                                       fontsize=7.5, textcoords="offset points", xytext=(0, 7), ha="center",
                                       color=PALETTE["ink"]))
        return artists
    if res.revenue_usd > 0:
        return [ax.scatter([0], [res.revenue_usd], color=PALETTE["accent"], zorder=3)]
    return []


@layered(_path_static, _path_data, _path_key)
def path_section(ctx: Context):
    """Revenue by year placed on the five stages (log scale)."""
    lo, hi, years, current = _path_static(ctx)
    fig = new_figure(7.0, 3.4, left=0.9, right=1.35, top=0.4, bottom=0.5)
    ax = fig.add_subplot()
    edges = [lo, gs.DISCOVERY_FROM_USD, gs.MAP_MAKING_FROM_USD, gs.NAVIGATION_FROM_USD,
             gs.ACCELERATION_ABOVE_USD, hi]
    for stage, fill, low, high in zip(gs.STAGES, STAGE_FILLS, edges[:-1], edges[1:]):
        ax.axhspan(low, high, color=fill, zorder=0)
        label = f"{stage.name}\n{stage.range_label}"  # chart text is literal (workbook.charts)
        ax.text(1.01, np.sqrt(low * high), label, transform=ax.get_yaxis_transform(), va="center",
                fontsize=8, color=PALETTE["ink"], fontweight="bold" if stage.name == current else "normal")
    if years:
        ax.set_xticks(years, [str(y) for y in years])
        ax.set_xlim(min(years) - 0.5, max(years) + 0.5)
    else:  # this year's revenue only
        ax.set_xticks([0], ["latest year"])
        ax.set_xlim(-1, 1)
    ax.set_yscale("log")
    ax.set_ylim(lo, hi)
    ax.set_yticks([1e5, 1e6, 5e6, 1e7, 5e7, 1e8], ["$0.1M", "$1M", "$5M", "$10M", "$50M", "$100M"])
    ax.minorticks_off()
    ax.set_title("Revenue by year on the five stages", loc="left")
    style_axes(ax)
    return fig, ax


def _alignment_key(ctx: Context):
    return tuple(ctx.result.scores.items()), ctx.result.weakest


@chart(_alignment_key)
def alignment_section(ctx: Context):
    """Position, product and people scores against the alignment bands."""
    res = ctx.result
    labels = [gs.DIMENSION_LABELS[d] for d in gs.DIMENSIONS]
    fig = new_figure(7.0, 2.3, left=2.7, top=0.4, bottom=0.5)
    ax = fig.add_subplot()
    for (low, high), fill in zip([(1, gs.PARTLY_ALIGNED_FROM), (gs.PARTLY_ALIGNED_FROM, gs.ALIGNED_FROM),
                                  (gs.ALIGNED_FROM, 5)], BAND_FILLS):
        ax.axvspan(low, high, color=fill, zorder=0)
    for x, name in ((2.0, "misaligned"), (3.5, "partly aligned"), (4.5, "aligned")):
        ax.text(x, -0.75, name, ha="center", va="center", fontsize=8, color=PALETTE["ink"])
    y = np.arange(3)
    scores = [res.scores[d] for d in gs.DIMENSIONS]
    colours = [PALETTE["bad"] if d == res.weakest else PALETTE["accent"] for d in gs.DIMENSIONS]
    ax.barh(y, [s - 1 for s in scores], left=1, color=colours, height=0.55, zorder=2)
    for yi, s in zip(y, scores):
        ax.text(s + 0.05, yi, f"{s:.1f}", va="center", fontsize=8, color=PALETTE["ink"])
    ax.set_yticks(y, labels)
    ax.set_xlim(1, 5.3)
    ax.set_ylim(2.5, -1.1)
    ax.set_xticks(range(1, 6))
    ax.set_xlabel("Mean answer, 1 to 5 (the red bar is the weakest link)", fontsize=8.5)
    ax.set_title("Alignment of position, product and people", loc="left")
    style_axes(ax)
    return fig


def advice_section(ctx: Context) -> str:
    """The stage described, its typical failure, the advice and the way on."""
    res, stage = ctx.result, ctx.result.stage
    failure_title = "Most common cause of failure" if stage.failure_in_source else "What to watch"
    for_client = [res.recommendations[0]]
    if res.weakest_is_stage_risk and res.band != "aligned" and stage.failure_in_source:
        for_client.append(f"The weak {res.weakest} score is exactly where {stage.name} companies most often "
                          "fail (see above): deal with it first.")
    parts = [para(stage.description), f"<h4>{esc(failure_title)}</h4>", para(stage.failure_cause),
             "<h4>Advice</h4>", para(stage.advice), "<h4>Moving on</h4>", para(stage.next_step),
             "<h4>For this client</h4>", bullets(for_client),
             marker(gs.WORKBOOK_RULES, "ties", *(() if stage.failure_in_source else ("suspicion",)))]
    return card(f"The {stage.name} stage", "".join(parts))


def answers_section(ctx: Context) -> str:
    """The nine answers behind the scores."""
    rows = []
    for dim in gs.DIMENSIONS:
        for text, answer in zip(gs.QUESTIONS[dim], getattr(ctx.inputs, dim)):
            rows.append({"Dimension": dim, "Statement": text, "Answer (1-5)": answer})
    import pandas as pd

    return card("The answers", table(pd.DataFrame(rows), "{:.0f}") + marker(gs.WORKBOOK_RULES, "questions"))


def stages_section(ctx: Context) -> str:
    """The five stages for reference."""
    return card("The five stages at a glance", table(ctx.result.stage_table) + para(
        "The revenue ranges describe a typical technology start-up; the article holds that other businesses "
        "and single product lines follow the same path, so outside technology read them as a rough guide.")
        + marker(gs.WORKBOOK_RULES, "boundaries"))


SECTIONS = {
    "headline": headline_section,
    "path": path_section,
    "alignment": alignment_section,
    "advice": advice_section,
    "answers": answers_section,
    "stages": stages_section,
}


# -- the live form --------------------------------------------------------------

def parse_history(text: str) -> list[dict]:
    """Read ``year, revenue`` lines (``2024, 7500000`` or ``2024: 7.5M``) into history items.

    Raises
    ------
    InvalidInput
        Naming every line that cannot be read.
    """
    items, problems = [], []
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        parts = [p for p in line.replace(":", ",").replace(";", ",").split(",", 1)]
        try:
            year = int(parts[0].strip())
            raw = parts[1].strip().replace("$", "").replace(" ", "").replace("_", "")
            scale = 1.0
            if raw[-1:].lower() in ("m", "k"):
                scale = 1e6 if raw[-1].lower() == "m" else 1e3
                raw = raw[:-1]
            revenue = round(float(raw.replace(",", "")) * scale, 2)
        except (ValueError, IndexError):
            problems.append(Problem(f"history line {n}", line, "a year and a revenue, e.g. 2024, 7500000 or 2024: 7.5M"))
            continue
        items.append({"year": year, "revenue_usd": revenue})
    if problems:
        raise InvalidInput(problems, context="revenue history")
    return items


def format_history(inputs: gs.Inputs) -> str:
    """The history as ``year, revenue`` lines (the form shows it as a table)."""
    return "\n".join(f"{h.year}, {h.revenue_usd:,.0f}" for h in sorted(inputs.history, key=lambda h: h.year))


MONEY_ALLOWED = "a number of US dollars, zero or more: 7500000, 7,500,000, $7.5M or 900k"


def parse_money(text: str, field: str) -> float:
    """Read a revenue typed in the form: ``7500000``, ``7,500,000``, ``$7.5M`` or ``900k``.

    Raises
    ------
    InvalidInput
        Naming ``field``, the text and the forms accepted.
    """
    raw = (text or "").strip().replace("$", "").replace(" ", "").replace("_", "").replace(",", "")
    scale = 1.0
    if raw[-1:].lower() in ("m", "k"):
        scale = 1e6 if raw[-1].lower() == "m" else 1e3
        raw = raw[:-1]
    try:
        value = float(raw) * scale
    except ValueError:
        raise InvalidInput.one(field, text, MONEY_ALLOWED) from None
    if not np.isfinite(value) or value < 0:
        raise InvalidInput.one(field, text, MONEY_ALLOWED)
    return round(value, 2)  # whole cents: 4.1M is 4,100,000, not 4,099,999.9999999995


def _stage_text(revenue: float) -> str:
    """The stage a year's revenue falls in, as shown beside it."""
    return f"<i>{esc(gs.stage_for_revenue(revenue))}</i>"


def _year_item(doc: gs.Inputs, year: int) -> gs.YearRevenue:
    for item in doc.history:
        if item.year == year:
            return item
    there = ", ".join(str(h.year) for h in sorted(doc.history, key=lambda h: h.year)) or "none yet"
    raise InvalidInput.one("revenue year", year, f"a year in the table ({there})")


class View(RoomView):
    """Enter revenue and its history, and answer the nine alignment questions."""

    framework = "growth_stages"
    sections = SECTIONS
    empty_chart = "No chart yet: enter the revenue (and earlier years) or answer the alignment statements."

    def _build_inputs(self) -> widgets.Widget:
        doc = self.state.inputs
        self._revenue = widgets.FloatText(value=doc.revenue_usd, description="Revenue ($)",
                                          style={"description_width": "110px"},
                                          layout=widgets.Layout(width="300px"))
        self._revenue.add_class("wb-revenue")
        self._revenue.observe(lambda ch: self._set_revenue(ch["new"]), names="value")
        self._bind(self._revenue, lambda state: state.inputs.revenue_usd)
        self._stage_label = widgets.HTML()
        use_profile = widgets.Button(description="Use profile revenue", icon="download",
                                     disabled=self.state.profile.revenue_usd is None,
                                     layout=widgets.Layout(width="190px"))
        use_profile.on_click(lambda _: self._use_profile())
        self._bind(use_profile, lambda state: state.profile.revenue_usd is None, "disabled")
        self._history = widgets.VBox()
        # A plain number box: a year out of range is refused beside the row, never changed.
        self._new_year = widgets.IntText(value=self._next_year(), description="Year",
                                         style={"description_width": "40px"}, layout=widgets.Layout(width="130px"))
        self._new_revenue = widgets.Text(placeholder="revenue, e.g. 7.5M", layout=widgets.Layout(width="150px"))
        add_year = widgets.Button(description="Add year", icon="plus")
        add_year.on_click(lambda _: self._add_year())
        self._part("history", self._history, self._history_rows,
                   lambda state: tuple(sorted(h.year for h in state.inputs.history)))
        self._answers: dict[tuple[str, int], widgets.ToggleButtons] = {}
        groups = []
        for dim in gs.DIMENSIONS:
            rows = [widgets.HTML(f"<b>{esc(gs.DIMENSION_LABELS[dim])}</b>")]
            for i, text in enumerate(gs.QUESTIONS[dim]):
                buttons = widgets.ToggleButtons(options=[(str(k), k) for k in range(1, 6)],
                                                value=getattr(doc, dim)[i], style={"button_width": "34px"})
                buttons.add_class(f"wb-{dim}-{i + 1}")
                buttons.observe(lambda ch, d=dim, idx=i: self._answer(d, idx, ch["new"]), names="value")
                self._answers[(dim, i)] = self._bind(buttons, lambda state, d=dim, idx=i: getattr(state.inputs, d)[idx])
                rows.append(widgets.HBox([widgets.HTML(esc(text), layout=widgets.Layout(width="62%")), buttons]))
            groups.append(widgets.VBox(rows))
        revenue_box = widgets.VBox([
            widgets.HBox([self._revenue, use_profile, self._note("revenue_usd")]), self._stage_label,
            widgets.HTML("<b>Revenue by year</b> (for the path chart; each figure is saved when you leave "
                         "its box; 7500000, 7,500,000, 7.5M and 900k are all understood)"),
            self._history, widgets.HBox([self._new_year, self._new_revenue, add_year, self._note("new-year")])])
        questions = widgets.VBox([widgets.HTML("<i>Nine statements, three per dimension: 1 = strongly disagree "
                                               "\u2026 5 = strongly agree</i>"), *groups])
        tabs = widgets.Tab([revenue_box, questions])
        tabs.set_title(0, "Revenue")
        tabs.set_title(1, "Alignment")
        self._after_change()
        return tabs

    # -- events ------------------------------------------------------------------
    def _set_revenue(self, value: float) -> None:
        if self._syncing:
            return

        def change(doc: gs.Inputs) -> None:
            doc.revenue_usd = value
        self._apply(change)

    def _use_profile(self) -> None:
        revenue = self.state.profile.revenue_usd
        if revenue is not None:
            self._revenue.value = float(revenue)

    # -- the revenue-by-year table: each row is keyed by its year, never by position --
    def _next_year(self) -> int:
        years = [h.year for h in self.state.inputs.history]
        return min(max(years) + 1, gs.YEAR_MAX) if years else 2024

    def _history_rows(self) -> list[widgets.Widget]:
        """One row per year (the "history" part: built again when a year comes or goes)."""
        rows = []
        for item in sorted(self.state.inputs.history, key=lambda h: h.year):
            year = item.year
            label = widgets.HTML(f"<b>{year}</b>", layout=widgets.Layout(width="60px"))
            box = widgets.Text(_money_text(item.revenue_usd), continuous_update=False,
                               layout=widgets.Layout(width="150px"))
            box.add_class(f"wb-revenue-{year}")
            box.observe(lambda ch, y=year: self._set_year_revenue(y, ch["new"]), names="value")
            stage = widgets.HTML(_stage_text(item.revenue_usd), layout=widgets.Layout(width="110px"))
            self._bind(box, lambda state, y=year: _money_text(_year_item(state.inputs, y).revenue_usd))
            self._bind(stage, lambda state, y=year: _stage_text(_year_item(state.inputs, y).revenue_usd))
            remove = widgets.Button(icon="trash", tooltip=f"Remove {year}", layout=widgets.Layout(width="36px"))
            remove.on_click(lambda _, y=year: self._remove_year(y))
            rows.append(widgets.HBox([label, box, stage, remove]))
        if not rows:
            rows = [widgets.HTML("<i>No years yet: add the revenue of earlier years below.</i>")]
        self._new_year.value = self._next_year()
        return rows

    def _history_changed(self, change) -> None:
        if self._syncing:
            return
        if not self._apply(change):
            saved = self._store.load(self._client, self.framework, gs.Inputs)
            if saved is not None:  # show what is saved now; the status says why the edit was refused
                self.state.replace(inputs=saved)
            self._show_saved()  # (a saved change sets the form itself, after the results: RoomView._refresh)

    def _set_year_revenue(self, year: int, text: str) -> None:
        def change(doc: gs.Inputs) -> None:
            _year_item(doc, year).revenue_usd = parse_money(text, f"revenue for {year}")
        self._history_changed(change)

    def _add_year(self) -> None:
        year, text = int(self._new_year.value), self._new_revenue.value

        def change(doc: gs.Inputs) -> None:
            taken = sorted(h.year for h in doc.history)
            if year in taken:
                raise InvalidInput.one("year", year, "a year not already in the table (" + ", ".join(map(str, taken))
                                       + "); change that year's figure in its row")
            doc.history.append(gs.YearRevenue(year=year, revenue_usd=parse_money(text, f"revenue for {year}")))
            doc.history.sort(key=lambda h: h.year)
        if self._apply(change, field="new-year"):
            self._new_revenue.value = ""
        else:
            self._show_saved()

    def _remove_year(self, year: int) -> None:
        def change(doc: gs.Inputs) -> None:
            doc.history.remove(_year_item(doc, year))
        self._history_changed(change)

    def _set_history(self, text: str) -> None:
        """Replace the whole history from ``year, revenue`` lines (kept for scripts and tests)."""
        def change(doc: gs.Inputs) -> gs.Inputs:
            return gs.Inputs.model_validate({**doc.model_dump(), "history": parse_history(text)})
        self._history_changed(change)

    def _answer(self, dim: str, idx: int, value: int | None) -> None:
        if self._syncing or value is None:
            return

        def change(doc: gs.Inputs) -> None:
            getattr(doc, dim)[idx] = value
        self._apply(change)

    def _after_change(self) -> None:
        res = self.state.result
        self._stage_label.value = (f"&nbsp; \u2192 stage <b class='wb-stage'>{esc(res.stage.name)}</b> "
                                   f"({esc(res.stage.range_label)})")
