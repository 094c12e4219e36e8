"""The Net Promoter room: result sections and the live widget form."""
from __future__ import annotations

import math

import ipywidgets as widgets
import numpy as np
import pandas as pd

from ..charts import PALETTE, chart, label_margin, layered, new_figure, style_axes
from ..errors import InvalidInput, Problem
from ..frameworks import nps
from ..formatting import percent as _pct, points
from ..html import badge, card, esc, para, table
from ..methods import marker
from .session import plain_error
from .base import Context, RoomView, advice_section

GROUP_COLOURS = {"detractors": PALETTE["bad"], "passives": PALETTE["warn"], "promoters": PALETTE["good"]}
ALL = "(all)"


# -- sections (shared by the live view and the report) ---------------------------

def headline_section(ctx: Context) -> str:
    """The score, its interval, the three shares and the sample."""
    res = ctx.result
    o = res.overall
    if o.n == 0:
        return card("Summary", para("No answered survey responses yet: import the survey export in the form."))
    level = int(round(100 * res.confidence))
    shares = "".join(
        f'<div style="width:{100 * share:.1f}%;background:{GROUP_COLOURS[g]};height:14px" '
        f'title="{esc(g)} {_pct(share, 1)}"></div>'
        for g, share in (("detractors", o.detractors), ("passives", o.passives), ("promoters", o.promoters)))
    body = (
        f'<p style="font-size:120%">Net Promoter Score {badge(points(o.nps), res.band)} &nbsp; {level}% interval '
        f"<b>{points(o.ci_low)}</b> to <b>{points(o.ci_high)}</b> (margin of error \u00b1{o.margin_of_error:.1f} points)</p>"
        f'<div style="display:flex;width:100%;border-radius:4px;overflow:hidden">{shares}</div>'
        f"<p>Promoters (9-10) <b>{_pct(o.promoters)}</b> \u2212 detractors (0-6) <b>{_pct(o.detractors)}</b>; "
        f"passives (7-8) {_pct(o.passives)}. Based on <b>{o.n:,}</b> answers; {o.blanks:,} left the question "
        "blank and are not counted.</p>")
    if res.trend is not None:
        body += para(res.trend.summary)
    body += marker(nps.WORKBOOK_RULES, "bands", "intervals")
    return card("Summary", body)


def _distribution_key(ctx: Context):
    s = ctx.result.responses["score"].to_numpy(dtype=float)
    return tuple(np.bincount(s[~np.isnan(s)].astype(int), minlength=11).tolist())


@chart(_distribution_key)
def distribution_section(ctx: Context):
    """How many gave each answer from 0 to 10, coloured by group."""
    counts = np.array(_distribution_key(ctx))
    if counts.sum() == 0:
        return None
    fig = new_figure(7.0, 2.6, left=0.7, top=0.4, bottom=0.55)
    ax = fig.add_subplot()
    colours = [GROUP_COLOURS["detractors"]] * 7 + [GROUP_COLOURS["passives"]] * 2 + [GROUP_COLOURS["promoters"]] * 2
    ax.bar(np.arange(11), counts, color=colours, width=0.75)
    ax.set_xticks(range(11))
    ax.set_xlabel("Answer to \u201chow likely are you to recommend us?\u201d (0-6 detractors, 7-8 passives, "
                  "9-10 promoters)", fontsize=8.5)
    ax.set_ylabel("Responses", fontsize=8.5)
    ax.set_title("Answers", loc="left")
    style_axes(ax)
    return fig


def _groups_key(table_name: str):
    def key(ctx: Context):
        t = getattr(ctx.result, table_name)
        focus = ctx.inputs.focus_segment if table_name == "by_segment" else ctx.inputs.focus_period
        return (focus, tuple(t.index), tuple(np.round(t[["nps", "ci_low", "ci_high"]].to_numpy(), 6).ravel()))
    return key


def _interval_plot(ctx: Context, t: pd.DataFrame, title: str, focus: str | None, line: bool, with_data: bool = True):
    """An interval chart; ``with_data=False`` leaves out the intervals and dots (drawn by a data layer)."""
    t = t[t["n"] > 0]
    if t.empty:
        return None
    labels = [str(i) for i in t.index]
    fig = new_figure(7.0, 1.3 + 0.38 * max(len(t), 3) if not line else 3.0,
                     left=label_margin(labels) if not line else 0.7, top=0.4, bottom=0.55)
    ax = fig.add_subplot()
    pos = np.arange(len(t))
    colours = [PALETTE["accent"] if lab == focus else PALETTE["sales"] for lab in labels]
    if line:
        ax.fill_between(pos, t["ci_low"], t["ci_high"], color=PALETTE["grid"], zorder=1)
        ax.plot(pos, t["nps"], color=PALETTE["sales"], marker="o", zorder=3)
        for x, (_, row) in zip(pos, t.iterrows()):
            ax.text(x, row["nps"] + 2, points(row["nps"]), ha="center", fontsize=8, color=PALETTE["ink"])
        ax.set_xticks(pos, labels)
        ax.set_ylabel("NPS (points)", fontsize=8.5)
        ax.set_xlim(-0.4, len(t) - 0.6)
    else:
        if with_data:
            ax.hlines(pos, t["ci_low"], t["ci_high"], color=colours, linewidth=3, alpha=0.45, zorder=1)
            ax.scatter(t["nps"], pos, color=colours, s=36, zorder=3)
        for y, (_, row) in zip(pos, t.iterrows()):
            ax.text(row["ci_high"] + 1.5, y, points(row["nps"]) + f" (n={row['n']:,})", va="center", fontsize=8,
                    color=PALETTE["ink"])
        ax.set_yticks(pos, labels)
        pad = 0.05 * (len(t) - 1) if len(t) > 1 else 0.5  # the margin autoscale would leave around the rows
        ax.set_ylim(len(t) - 1 + pad, -pad)  # first row on top
        ax.axvline(0, color=PALETTE["muted"], linewidth=0.8)
        ax.set_xlabel(f"NPS with {_pct(ctx.result.confidence)} score interval (points)", fontsize=8.5)
        lo, hi = float(t["ci_low"].min()), float(t["ci_high"].max())
        ax.set_xlim(max(-100, lo - 8), min(100, hi + 22))
    ax.set_title(title, loc="left")
    style_axes(ax)
    return fig if with_data else (fig, ax)


def _segments_static(ctx: Context):
    """Everything the segments chart shows but the picked segment's colour."""
    t = ctx.result.by_segment
    if len(t) < 2 or not (t["n"] > 0).any():
        return None
    return _groups_key("by_segment")(ctx)[1:] + (ctx.result.confidence,)


def _segments_data(ax, ctx: Context) -> list:
    """The intervals and dots, the picked segment darker (a change of segment redraws only these)."""
    t = ctx.result.by_segment
    t = t[t["n"] > 0]
    pos = np.arange(len(t))
    focus = ctx.inputs.focus_segment
    colours = [PALETTE["accent"] if str(lab) == focus else PALETTE["sales"] for lab in t.index]
    return [ax.hlines(pos, t["ci_low"], t["ci_high"], color=colours, linewidth=3, alpha=0.45, zorder=1),
            ax.scatter(t["nps"], pos, color=colours, s=36, zorder=3)]


@layered(_segments_static, _segments_data, _groups_key("by_segment"))
def segments_section(ctx: Context):
    """NPS by segment with its interval (the picked segment in a darker colour)."""
    return _interval_plot(ctx, ctx.result.by_segment, "NPS by segment", None, line=False, with_data=False)


def _tests_table(t: pd.DataFrame) -> str:
    if t.empty:
        return ""
    shown = pd.DataFrame({
        "Compared": [f"{a} vs {b}" for a, b in zip(t["a"], t["b"])],
        "Difference (points)": t["difference"].map(lambda v: f"{v:+.1f}"),
        "Interval": [f"{points(lo)} to {points(hi)}" for lo, hi in zip(t["ci_low"], t["ci_high"])],
        "p-value (adjusted)": t["p_holm"].map(lambda v: f"{v:.3f}" if v >= 0.001 else "<0.001"),
        "Real difference?": t["significant"].map({True: "yes", False: "no"}),
    })
    return table(shown)


def segment_tests_section(ctx: Context) -> str:
    """Which segments really differ."""
    res = ctx.result
    if len(res.by_segment) < 2:
        return ""
    sig = int(res.segment_tests["significant"].sum())
    text = (f"{sig} of {len(res.segment_tests)} pairs differ by more than sampling noise would explain. Each "
            "interval is for its pair alone; the verdict allows for making several comparisons at once (adjusted "
            "p-values), so a pair whose interval only just misses zero can still be judged within noise.")
    return card("Do the segments really differ?", para(text) + _tests_table(res.segment_tests))


@chart(_groups_key("by_period"))
def trend_section(ctx: Context):
    """NPS quarter by quarter with its interval band."""
    t = ctx.result.by_period
    t = t[t.index != nps.NO_DATE]
    if len(t) < 2:
        return None
    return _interval_plot(ctx, t, "NPS by quarter (band: score interval)", ctx.inputs.focus_period, line=True)


def period_tests_section(ctx: Context) -> str:
    """Quarter-on-quarter changes and the change over the whole span."""
    res = ctx.result
    if res.trend is None:
        return ""
    return card("Is the score moving?", para(res.trend.summary) + para(
        "Quarter on quarter:") + _tests_table(res.period_tests))


def focus_section(ctx: Context) -> str:
    """The segment and quarter picked in the form, against everyone else."""
    res = ctx.result
    f = res.focus
    if f is None or f.n == 0:
        return card(f"Closer look: {res.focus_label}", para("No answers in this selection."))
    body = para(f"NPS {points(f.nps)} (interval {points(f.ci_low)} to {points(f.ci_high)}) from {f.n:,} answers: "
                f"promoters {_pct(f.promoters)}, passives {_pct(f.passives)}, detractors {_pct(f.detractors)}.")
    if f.warning:
        body += para(f.warning)
    if res.focus_vs_rest is not None:
        body += para(res.focus_vs_rest.summary)
    return card(f"Closer look: {res.focus_label}", body)


def _peers_key(ctx: Context):
    p = ctx.result.peers
    return None if p is None else tuple(map(tuple, p.table[["nps", "revenue_growth_pct"]].round(6).fillna(-999)
                                            .to_numpy().tolist()))


@chart(_peers_key)
def peers_section(ctx: Context):
    """Competitors' NPS against their revenue growth, with the least-squares line."""
    p = ctx.result.peers
    if p is None:
        return None
    t = p.table
    fig = new_figure(7.0, 3.4, left=0.8, top=0.45, bottom=0.55)
    ax = fig.add_subplot()
    peers = t[~t["is_client"]]
    xs = np.linspace(min(t["nps"].min(), 0) - 5, t["nps"].max() + 5, 50)
    ax.plot(xs, p.intercept + p.slope * xs, color=PALETTE["muted"], linestyle="--", linewidth=1)
    ax.scatter(peers["nps"], peers["revenue_growth_pct"], color=PALETTE["sales"], s=30, zorder=3)
    for _, row in peers.iterrows():
        ax.annotate(row["company"], (row["nps"], row["revenue_growth_pct"]), xytext=(4, 3),
                    textcoords="offset points", fontsize=7.5, color=PALETTE["ink"])
    own = t[t["is_client"]]
    for _, row in own.iterrows():
        y = row["revenue_growth_pct"] if not math.isnan(row["revenue_growth_pct"]) else row["fitted_growth_pct"]
        ax.scatter([row["nps"]], [y], color=PALETTE["marketing"], s=70, marker="D", zorder=4)
        ax.annotate(ctx.profile.name, (row["nps"], y), xytext=(5, -11), textcoords="offset points", fontsize=8,
                    color=PALETTE["marketing"], fontweight="bold")
    ax.axhline(0, color=PALETTE["grid"], linewidth=0.8)
    ax.set_xlim(xs[0], xs[-1] + 12)  # room for the labels of the right-most companies
    ax.set_xlabel("Net Promoter Score (points)", fontsize=8.5)
    ax.set_ylabel("Revenue growth (%)", fontsize=8.5)
    ax.set_title(f"Score and growth across competitors (R\u00b2 = {p.r_squared:.2f})", loc="left")
    style_axes(ax)
    return fig


def peers_table_section(ctx: Context) -> str:
    """The competitor table and what the fitted line says."""
    res = ctx.result
    p = res.peers
    if p is None:
        return card("Competitors", para("Add at least three competitors with their NPS and revenue growth in the form "
                                        "to set the score beside growth, as Reichheld did for airlines, internet "
                                        "service providers and car rentals."))
    shown = p.table.assign(company=[ctx.profile.name if c else n for n, c in zip(p.table["company"],
                                                                                   p.table["is_client"])])
    shown = shown[["company", "nps", "revenue_growth_pct", "fitted_growth_pct"]].rename(columns={
        "company": "Company", "nps": "NPS", "revenue_growth_pct": "Growth (%)", "fitted_growth_pct": "Line (%)"})
    text = (f"Across these {p.n} competitors each extra point of NPS goes with about {p.slope:.2f} points of "
            f"annual revenue growth (least-squares line, R\u00b2 = {p.r_squared:.2f}).")
    if p.predicted_growth_pct is not None:
        text += f" At its score the line puts {ctx.profile.name} at {p.predicted_growth_pct:.1f}% growth."
    # Only an example client's invented peers are labelled so; a real client's competitors are its data.
    invented = ctx.profile.fictional and all(p.table.loc[~p.table["is_client"], "fictional"])
    note = " The peers in this example are invented." if invented else ""
    industry = ctx.inputs.peer_industry or "Competitors"
    return card(industry, para(text + note) + table(shown, "{:.1f}"))


def method_section(ctx: Context) -> str:
    """Why two intervals are shown."""
    o = ctx.result.overall
    if o.n == 0:
        return ""
    level = int(round(100 * ctx.result.confidence))
    return card("How sure is the score?", para(
        f"The margin of error comes from the variance of promoters minus detractors, (P + D \u2212 (P \u2212 D)\u00b2) / n; "
        f"here \u00b1{o.margin_of_error:.1f} points, so the plain {level}% interval is {points(o.wald_low)} to "
        f"{points(o.wald_high)}. With few answers or very lopsided ones that plain interval can run past \u00b1100 "
        "and is too narrow too often, so the workbook reports the score interval (Tango's method for the "
        f"difference of two shares of one sample): {points(o.ci_low)} to {points(o.ci_high)}, which stays in range "
        "and holds its coverage. In the same spirit, two segments or quarters are compared with a score test, "
        "which judges the gap against the spread expected if the two scores were really equal; the plain test "
        "sees differences that are not there when answers are few or lopsided."))


SECTIONS = {
    "headline": headline_section,
    "distribution": distribution_section,
    "segments": segments_section,
    "segment_tests": segment_tests_section,
    "trend": trend_section,
    "period_tests": period_tests_section,
    "focus": focus_section,
    "peers": peers_section,
    "peers_table": peers_table_section,
    "method": method_section,
    "advice": advice_section,
}


# -- the live form --------------------------------------------------------------

def format_peers(doc: nps.Inputs) -> str:
    """One competitor per line: ``name; NPS; growth %``."""
    return "\n".join(f"{p.name}; {p.nps:g}; {p.revenue_growth_pct:g}" for p in doc.peers)


def parse_peers(text: str) -> list[dict]:
    """Read ``name; NPS; growth %`` lines (blank lines ignored)."""
    peers, problems = [], []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(";")]
        try:
            if len(parts) != 3:
                raise ValueError
            peers.append({"name": parts[0], "nps": float(parts[1]), "revenue_growth_pct": float(parts[2])})
        except ValueError:
            problems.append(Problem(f"peers line {n}", line, "name; NPS; growth %, e.g. Harbor Bean; 35; 9.8"))
    if problems:
        raise InvalidInput(problems, "competitors")
    return peers


class View(RoomView):
    """Pick a segment and quarter, import survey exports, keep the competitor table."""

    framework = "nps"
    sections = SECTIONS
    empty_chart = "No chart yet: import the survey answers in the Import tab (competitors go in their own tab)."
    import_table = "responses"
    import_noun = "responses"
    #: Picking a segment is what a session changes: the segment chart marks it and the closer look
    #: describes it, beside the headline (the answer counts chart is under "More results").
    screen_sections = ("headline", "segments", "focus", "advice")

    def _build_inputs(self) -> widgets.Widget:
        doc = self.state.inputs
        wide = {"description_width": "150px"}
        self._segment = widgets.Dropdown(description="Segment", style=wide)
        self._period = widgets.Dropdown(description="Quarter", style=wide)
        self._segment.observe(lambda ch: self._pick("focus_segment", ch["new"]), names="value")
        self._period.observe(lambda ch: self._pick("focus_period", ch["new"]), names="value")
        self._focus_line = widgets.HTML()
        look = widgets.VBox([widgets.HTML("<i>Pick a segment and a quarter to look at; the closer-look section "
                                          "compares them with everyone else.</i>"),
                             widgets.HBox([self._segment, self._period]), self._focus_line])

        self._col_score = widgets.Text(doc.columns.score, description="Answer column", style=wide)
        self._col_segment = widgets.Text(doc.columns.segment or "", description="Segment column", style=wide)
        self._col_date = widgets.Text(doc.columns.date or "", description="Date column", style=wide)
        importer = widgets.VBox([
            widgets.HTML("Name the columns of the survey export (segment and date may be left empty). Answers must "
                         "be whole numbers 0-10; blank answers are counted and left out."),
            self._col_score, self._col_segment, self._col_date, *self._import_controls(wide)])

        self._industry = widgets.Text(doc.peer_industry, description="Industry", style=wide, continuous_update=False,
                                      layout=widgets.Layout(width="520px"))
        self._industry.observe(lambda ch: self._set("peer_industry", ch["new"].strip()), names="value")
        self._peers = widgets.Textarea(format_peers(doc), continuous_update=False, rows=7,
                                       placeholder="name; NPS; growth %", layout=widgets.Layout(width="520px"))
        self._peers.observe(lambda ch: self._set_peers(ch["new"]), names="value")
        self._growth = widgets.Text("" if doc.own_revenue_growth_pct is None else f"{doc.own_revenue_growth_pct:g}",
                                    description="Own growth (%)", style=wide, continuous_update=False)
        self._growth.observe(lambda ch: self._set_growth(ch["new"]), names="value")
        self._bind(self._industry, lambda state: state.inputs.peer_industry)
        self._bind(self._peers, lambda state: format_peers(state.inputs))
        self._bind(self._growth, lambda state: "" if state.inputs.own_revenue_growth_pct is None
                   else f"{state.inputs.own_revenue_growth_pct:g}")
        peers = widgets.VBox([widgets.HTML("One competitor per line: <code>name; NPS; revenue growth %</code>."),
                              self._industry, self._with_note(self._peers, "peers"), self._growth])

        self._confidence = widgets.Dropdown(options=[("90%", 0.90), ("95%", 0.95), ("99%", 0.99)],
                                            value=doc.confidence if doc.confidence in (0.9, 0.95, 0.99) else 0.95,
                                            description="Confidence", style=wide)
        self._confidence.observe(lambda ch: self._set("confidence", ch["new"]), names="value")
        # A plain number box: a value out of range is refused beside it, never changed.
        self._min_n = widgets.IntText(doc.min_responses, description="Fewest answers", style=wide)
        self._min_n.observe(lambda ch: self._set("min_responses", ch["new"]), names="value")
        self._bind(self._confidence, lambda state: state.inputs.confidence
                   if state.inputs.confidence in (0.9, 0.95, 0.99) else 0.95)
        self._bind(self._min_n, lambda state: state.inputs.min_responses)
        settings = widgets.VBox([self._confidence, self._with_note(self._min_n, "min_responses")])

        tabs = widgets.Tab([look, importer, peers, settings])
        for i, title in enumerate(("Look closer", "Import answers", "Competitors", "Settings")):
            tabs.set_title(i, title)
        self._after_change()
        return tabs

    # -- events ------------------------------------------------------------------
    def _pick(self, field: str, value: str | None) -> None:
        self._set(field, None if value in (None, ALL) else value)

    def _set_peers(self, text: str) -> None:
        if self._syncing:
            return
        try:
            peers = parse_peers(text)
        except InvalidInput as exc:
            text = plain_error(exc)
            self._say("peers", text)
            self._noted.add("peers")
            self._set_status(f"Not saved: {text}", "bad")
            return
        self._set("peers", peers)

    def _set_growth(self, text: str) -> None:
        text = text.strip().rstrip("%")
        try:
            value = float(text) if text else None
        except ValueError:
            self._set_status(f"Not saved: own_revenue_growth_pct: got {text!r}; allowed: a percentage such as 4.5, "
                             "or blank", "bad")
            return
        self._set("own_revenue_growth_pct", value)

    def _mapping(self) -> nps.ColumnMap:
        return nps.ColumnMap(score=self._col_score.value.strip() or "score",
                             segment=self._col_segment.value.strip() or None,
                             date=self._col_date.value.strip() or None)

    def _import_columns(self) -> dict[str, str]:
        return self._mapping().renames()

    def _after_import(self) -> None:
        self._set("columns", self._mapping().model_dump())  # remembered for the next export

    # -- keeping widgets in step with the state ----------------------------------
    def _after_change(self) -> None:
        res, doc = self.state.result, self.state.inputs
        with self._quiet():
            segs = [ALL] + [s for s in res.by_segment.index if res.by_segment.loc[s, "n"] + res.by_segment.loc[s, "blanks"]]
            pers = [ALL] + [p for p in res.by_period.index if p != nps.NO_DATE]
            if list(self._segment.options) != segs:
                self._segment.options = segs
            if list(self._period.options) != pers:
                self._period.options = pers
            self._segment.value = doc.focus_segment if doc.focus_segment in segs else ALL
            self._period.value = doc.focus_period if doc.focus_period in pers else ALL
        f = res.focus
        self._focus_line.value = (f"&nbsp; <b class='wb-focus'>{esc(res.focus_label)}</b>: NPS "
                                  f"<b class='wb-focus-nps'>{points(f.nps)}</b> from {f.n:,} answers"
                                  if f is not None else "")
