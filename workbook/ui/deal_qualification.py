"""The deal-qualification room: result sections and the live widget form."""
from __future__ import annotations

from datetime import datetime

import ipywidgets as widgets
import numpy as np
import pandas as pd

from ..charts import PALETTE, layered, new_figure, style_axes
from ..errors import InvalidInput, WorkbookError
from ..frameworks import deal_qualification as dq
from ..formatting import money as _money, percent
from ..html import badge, bullets, card, esc, para, table
from ..methods import marker
from .base import Context, RoomView

READING_STATUS = {"consistent": "green", "warning": "red", "unexplained": "amber", "mixed": "amber",
                  "not available": "grey"}
TICK, CROSS = "\u2713", "\u2717"


# -- sections (shared by the live view and the report) ---------------------------

def headline_section(ctx: Context) -> str:
    """Raw against qualified forecast, and the gap."""
    res = ctx.result
    if res.deals.empty:
        return card("Summary", para("No pipeline yet: import a CSV or Excel export of the open deals."))
    share = res.gap_share or 0.0
    status = "green" if share < dq.GAP_GREEN_BELOW else "amber" if share < dq.GAP_AMBER_BELOW else "red"
    qualified = int(res.deals["qualified"].sum())
    body = (f'<p style="font-size:120%">Weighted forecast <b>{_money(res.raw_total)}</b>; qualified '
            f"<b>{_money(res.qualified_total)}</b>; gap {badge(f'{percent(share)} ({_money(res.gap)})', status)}</p>"
            + para(f"{qualified} of {len(res.deals)} deals have a buyer who is ready, willing and able.")
            + marker(dq.WORKBOOK_RULES, "gap"))
    return card("Summary", body)


def _forecast_key(ctx: Context):
    m = ctx.result.by_month
    return tuple(map(tuple, m[["month", "raw", "qualified"]].to_numpy().tolist()))


def _raw_key(ctx: Context):
    """What the chart's static layer shows: months and raw amounts (ticking a condition moves neither)."""
    m = ctx.result.by_month
    return None if m.empty else tuple(map(tuple, m[["month", "raw"]].to_numpy().tolist()))


def _forecast_data(ax, ctx: Context) -> list:
    """The data layer: qualified bars and the gap above each month."""
    m = ctx.result.by_month
    x = np.arange(len(m))
    artists = list(ax.bar(x + 0.2, m["qualified"] / 1e3, width=0.4, color=PALETTE["accent"], zorder=2).patches)
    top = float(m["raw"].max()) / 1e3 or 1.0
    for xi, (_, row) in zip(x, m.iterrows()):
        if row["gap"] > 0:
            artists.append(ax.text(xi, row["raw"] / 1e3 + top * 0.03, f"\u2212{_money(row['gap'] / 1e3, cents=False)}k",
                                   ha="center", fontsize=7.5, color=PALETTE["bad"]))
    return artists


@layered(_raw_key, _forecast_data, _forecast_key)
def forecast_section(ctx: Context):
    """Raw against qualified forecast by month."""
    m = ctx.result.by_month
    # Kept low (2.5 in) so that on the printed page the chart fits under the summary
    # instead of being pushed to the next page and leaving half a page empty.
    fig = new_figure(7.0, 2.5, left=0.8, top=0.55, bottom=0.45)
    ax = fig.add_subplot()
    x = np.arange(len(m))
    ax.bar(x - 0.2, m["raw"] / 1e3, width=0.4, color=PALETTE["muted"], label="raw (weighted by stage)", zorder=2)
    legend_only = ax.bar(x + 0.2, np.zeros(len(m)), width=0.4, color=PALETTE["accent"],
                         label="qualified (ready, willing and able)", zorder=2)
    top = float(m["raw"].max()) / 1e3 or 1.0
    ax.set_xticks(x, m["month"].tolist(), fontsize=8)
    ax.set_ylim(0, top * 1.15)
    ax.set_ylabel("$ thousands", fontsize=8.5)
    ax.legend(fontsize=8, frameon=False, ncols=2, loc="lower left", bbox_to_anchor=(0, 1.0))
    for bar in legend_only:  # the legend keeps its swatch; the bars themselves are the data layer's
        bar.set_visible(False)
    ax.set_title("Forecast by close month: raw against qualified (red: the gap)", loc="left", pad=20)
    style_axes(ax)
    return fig, ax


def deals_section(ctx: Context) -> str:
    """Every deal with the three conditions met or missing."""
    d = ctx.result.deals
    if d.empty:
        return ""
    view = pd.DataFrame({
        "Deal": d["deal"], "Account": d["account"],
        "Close": [f"{m} (overdue)" if late else m for m, late in zip(d["close_month"], d["slipped"])],
        "Amount": d["amount"].map(_money), "Prob.": d["probability"].map(percent),
        "Weighted": d["weighted"].map(_money),
        **{c.capitalize(): d[c].map({True: TICK, False: CROSS}) for c in dq.CRITERIA},
        "Missing": d["missing"].replace("", "\u2013"),
    })
    slipped = d[d["slipped"]]
    note = (para(f"Overdue: {', '.join(slipped['deal'])} should have closed before the forecast month "
                 f"({ctx.inputs.as_of_month}) and {'is' if len(slipped) == 1 else 'are'} still open.")
            if len(slipped) else "")
    return card("The pipeline, deal by deal", table(view) + note)


def evidence_section(ctx: Context) -> str:
    """The evidence recorded for each condition, deal by deal."""
    d = ctx.result.deals
    if d.empty:
        return ""

    def cell(row, c: str) -> str:
        text = row[f"{c}_evidence"]
        if row[c]:
            return f"{TICK} {text}" if text else f"{TICK} (no evidence noted)"
        return f"{CROSS} {text}" if text else CROSS

    view = pd.DataFrame([{"Deal": row["deal"], **{c.capitalize(): cell(row, c) for c in dq.CRITERIA}}
                         for _, row in d.iterrows()])
    return card("What the evidence says", para(
        f"{TICK} the condition is met, {CROSS} it is not yet; the note is what the deal owner recorded "
        "as evidence.") + table(view))


def priorities_section(ctx: Context) -> str:
    """The deals to work on first, and why."""
    p = ctx.result.priorities
    if p.empty:
        return card("Deals to work on first", para("No open deal lacks a condition."))
    view = pd.DataFrame({"#": p["rank"], "Deal": p["deal"], "Account": p["account"], "Close": p["close_month"],
                         "Weighted": p["weighted"].map(_money), "Still missing": p["missing"],
                         "Priority score": p["priority_score"].map(_money)})
    return card("Deals to work on first", para(dq.PRIORITY_RULE) + table(view) + marker(dq.WORKBOOK_RULES, "priority"))


def statement_one_section(ctx: Context) -> str:
    """Statement 1 of the sales-marketing diagnostic beside the forecast gap."""
    r = ctx.result.statement_one
    if r.statement1_mean is None:
        source = ("No mean answer to statement 1 is recorded yet: run the Sales and Marketing diagnostic with the "
                  "client, or enter the mean in this room's settings.")
    elif ctx.inputs.statement1_source == "diagnostic":
        source = (f"The mean answer, {r.statement1_mean:.2f} of 5, comes from the client's Sales and Marketing "
                  "diagnostic (the respondents who answered all twenty statements).")
    else:
        source = f"The mean answer, {r.statement1_mean:.2f} of 5, was entered by the consultant."
    return card("Do the team's views match the pipeline?",
                f"<p>{badge(r.status, READING_STATUS[r.status])}</p>" + para(r.text) + para(
                    "Statement 1 of the Sales and Marketing diagnostic asks whether actual sales usually come in "
                    "close to the forecast. " + source) + marker(dq.WORKBOOK_RULES, "statement_one"))


def advice_section(ctx: Context) -> str:
    """Recommendations for the client."""
    return card("What to do next", bullets(ctx.result.recommendations))


def conditions_section(ctx: Context) -> str:
    """What ready, willing and able mean here."""
    items = [f"{c.capitalize()}: {dq.CRITERION_MEANING[c]}." for c in dq.CRITERIA]
    return card("Ready, willing and able", para(
        "A forecast sale closes only when the purchaser meets all three conditions; when a forecast deal fails to "
        "close, usually at least one of them was missing. How we check each one:") + bullets(items)
        + marker(dq.WORKBOOK_RULES, "definitions"))


SECTIONS = {
    "headline": headline_section,
    "forecast": forecast_section,
    "priorities": priorities_section,
    "deals": deals_section,
    "evidence": evidence_section,
    "statement_one": statement_one_section,
    "advice": advice_section,
    "conditions": conditions_section,
}


# -- the live form --------------------------------------------------------------

def parse_mapping(text: str) -> dict[str, str]:
    """Read ``file column = our column`` pairs separated by commas or new lines."""
    mapping = {}
    for n, part in enumerate(text.replace("\n", ",").split(","), 1):
        part = part.strip()
        if not part:
            continue
        if "=" not in part:
            raise InvalidInput.one(f"column mapping item {n}", part, "file column = our column, e.g. Value = amount")
        src, dst = (x.strip() for x in part.split("=", 1))
        mapping[src] = dst
    return mapping


def pipeline_for_csv(frame: pd.DataFrame) -> pd.DataFrame:
    """A validated pipeline written back with yes/no flags."""
    out = frame.copy()
    for c in dq.CRITERIA:
        out[c] = out[c].map({True: "yes", False: "no"})
    return out


class View(RoomView):
    """Import the pipeline, toggle each deal's conditions and set the comparison settings."""

    framework = "deal_qualification"
    sections = SECTIONS
    empty_chart = "No chart yet: import the open deals in the Import pipeline tab."
    import_table = "pipeline"
    import_noun = "deals"

    def _build_inputs(self) -> widgets.Widget:
        doc = self.state.inputs
        wide = {"description_width": "200px"}
        path_row, upload = self._import_controls(wide)
        self._mapping = widgets.Text(placeholder="optional, e.g. Value = amount, Close = close_month",
                                     description="Rename columns", style=wide, layout=widgets.Layout(width="520px"))
        importer = widgets.VBox([
            widgets.HTML("Columns: " + esc(", ".join(dq.REQUIRED_COLUMNS)) + " (optional: "
                         + esc(", ".join(dq.OPTIONAL_COLUMNS)) + ")."),
            path_row, self._mapping, upload])

        self._deal_rows = widgets.VBox()
        self._toggles: dict[tuple[str, str], widgets.ToggleButton] = {}
        self._pipeline_seen: tuple = (None, None)  # (the pipeline frame, what the rows show of it)
        self._part("deals", self._deal_rows, self._deal_row_widgets, lambda state: self._pipeline(state)[0])
        deals = widgets.VBox([widgets.HTML("<i>Click a condition to mark it met (green) or missing.</i>"),
                              self._deal_rows])

        self._as_of = widgets.Text(value=doc.as_of_month or "", description="Forecast month (YYYY-MM)", style=wide,
                                   continuous_update=False)
        self._as_of.observe(lambda ch: self._set("as_of_month", ch["new"].strip() or None), names="value")
        self._bind(self._as_of, lambda state: state.inputs.as_of_month or "")
        self._statement1 = widgets.Text(value="" if doc.statement1_mean is None else f"{doc.statement1_mean:g}",
                                        description="Statement 1 mean (1-5)", style=wide, continuous_update=False)
        self._statement1.observe(lambda ch: self._set_statement1(ch["new"]), names="value")
        self._bind(self._statement1, lambda state: "" if state.inputs.statement1_mean is None
                   else f"{state.inputs.statement1_mean:g}")
        self._diagnostic = widgets.HTML()
        self._take = widgets.Button(description="Use the diagnostic's mean", icon="download",
                                    layout=widgets.Layout(width="230px"))
        self._take.on_click(lambda _: self._use_diagnostic())
        self._show_diagnostic()
        self._count = widgets.IntSlider(value=doc.priority_count, min=1, max=20, description="Deals to list first",
                                        style=wide, continuous_update=False)
        self._count.observe(lambda ch: self._set("priority_count", ch["new"]), names="value")
        self._bind(self._count, lambda state: state.inputs.priority_count)
        settings = widgets.VBox([self._as_of, widgets.HBox([self._statement1, self._take]), self._diagnostic,
                                 self._count])

        tabs = widgets.Tab([deals, importer, settings])
        for i, title in enumerate(("Deals", "Import pipeline", "Settings")):
            tabs.set_title(i, title)
        return tabs

    # -- events ------------------------------------------------------------------
    def _set_statement1(self, text: str) -> None:
        if self._syncing:
            return
        text = text.strip()
        try:
            value = float(text) if text else None
        except ValueError:
            self._set_status(f"Not saved: statement1_mean: got {text!r}; allowed: {dq.STATEMENT1_ALLOWED}", "bad")
            return

        def change(doc: dq.Inputs) -> None:
            doc.statement1_mean = value
            doc.statement1_source = "typed"
        self._apply(change)
        self._show_diagnostic()

    # -- statement 1 from the client's Sales and Marketing diagnostic -----------------
    def _diagnostic_mean(self) -> float | None:
        """The statement-1 mean of the client's saved diagnostic, or None when there is none yet."""
        from ..frameworks import sales_marketing

        try:
            doc = self._store.load(self._client, "sales_marketing", sales_marketing.Inputs)
            return None if doc is None else dq.statement_one_from_diagnostic(doc)
        except WorkbookError as exc:  # a damaged diagnostic must not break this room
            self._set_status(f"Sales and Marketing diagnostic not read: {exc}", "bad")
            return None

    def _show_diagnostic(self) -> None:
        mean, saved = self._diagnostic_mean(), self.state.inputs.statement1_mean
        self._take.disabled = mean is None or (mean == saved and self.state.inputs.statement1_source == "diagnostic")
        if mean is None:
            text = "No complete Sales and Marketing diagnostic for this client yet: type the mean if you know it."
        elif mean == saved:
            text = f"The client's Sales and Marketing diagnostic gives {mean:.2f}, as used here."
        else:
            text = (f"The client's Sales and Marketing diagnostic now gives <b>{mean:.2f}</b>"
                    + (f" (this room uses {saved:g})" if saved is not None else "") + ".")
        self._diagnostic.value = f'<span class="wb-diagnostic" style="font-size:90%">{text}</span>'

    def _use_diagnostic(self) -> None:
        mean = self._diagnostic_mean()
        if mean is None:
            return

        def change(doc: dq.Inputs) -> None:
            doc.statement1_mean = mean
            doc.statement1_source = "diagnostic"
        self._apply(change)
        self._show_diagnostic()

    def _toggle(self, deal: str, criterion: str, met: bool) -> None:
        if self._syncing:
            return
        # Start from the pipeline as saved now, not as this form last saw it, so a change made
        # meanwhile in another session (another toggle, a fresh import) is kept. When the client's
        # files are as this view last saw them, the pipeline in memory is that saved one.
        try:
            frame = self.state.tables.get("pipeline")
            if frame is None or self._version is None or self._client_version() != self._version:
                frame = self._store.load_table(self._client, self.framework, "pipeline", dq.validate_pipeline)
        except WorkbookError as exc:
            self._set_status(f"Not saved: {exc}", "bad")
            return
        if frame is None or deal not in set(frame["deal"]):
            there = ", ".join(frame["deal"]) if frame is not None and len(frame) else "none"
            self._set_status(f"Not saved: deal: got {deal!r}; allowed: a deal in the saved pipeline ({there})",
                             "bad")
            if frame is not None:
                self.state.replace(tables={**self.state.tables, "pipeline": frame})
                self._show_saved()
                self._refresh()
            return
        frame = frame.copy()
        frame.loc[frame["deal"] == deal, criterion] = bool(met)
        self._save_table(frame)

    def _import_columns(self) -> dict[str, str]:
        return parse_mapping(self._mapping.value)

    def _after_import(self) -> None:
        self._show_saved()

    def _save_table(self, frame: pd.DataFrame) -> None:
        try:
            clean = self._store.save_table(self._client, self.framework, "pipeline", pipeline_for_csv(frame),
                                           validator=dq.validate_pipeline)
        except WorkbookError as exc:
            self._set_status(f"Not saved: {exc}", "bad")
            return
        self._version = self._client_version()  # our own save: nothing for the watcher to reload
        self.state.replace(tables={**self.state.tables, "pipeline": clean})
        # The results first, then the saved flags (including any another session changed; new rows if its deals did).
        self._refresh(then=self._show_saved)
        self._set_status(f"Saved {datetime.now():%H:%M:%S}", "good")

    # -- keeping widgets in step with the state ----------------------------------
    def _reload_inputs(self, before: dict | None = None) -> None:
        super()._reload_inputs(before)
        self._show_diagnostic()  # the client's Sales and Marketing diagnostic may have changed too

    def _pipeline(self, state) -> tuple[tuple, dict[tuple[str, str], bool]]:
        """The saved pipeline as the deal rows show it, worked out once per table read.

        Returns
        -------
        rows : tuple
            What the rows are built from: every column but the three
            conditions (the "deals" part is built again when it changes).
        met : dict
            ``(deal, condition) -> bool``, what each toggle shows.
        """
        frame, seen = state.tables.get("pipeline"), self._pipeline_seen
        if frame is None:
            return (), {}
        if seen[0] is not frame:
            rows = tuple(map(tuple, frame.drop(columns=list(dq.CRITERIA)).astype(str).to_numpy().tolist()))
            met = {(d, c): bool(v) for c in dq.CRITERIA for d, v in zip(frame["deal"], frame[c])}
            self._pipeline_seen = seen = (frame, (rows, met))
        return seen[1]

    def _deal_row_widgets(self) -> list[widgets.Widget]:
        """One row of condition toggles per deal (the "deals" part: built again when the deals change)."""
        frame = self.state.tables.get("pipeline")
        self._toggles = {}
        rows = []
        if frame is None or frame.empty:
            return [widgets.HTML("<i>No deals yet: use the Import tab.</i>")]
        for _, deal in frame.iterrows():
            cells = [widgets.HTML(f"<b>{esc(deal['deal'])}</b> {esc(deal['account'])} \u00b7 "
                                  f"{_money(deal['amount'])} \u00b7 {esc(deal['close_month'])} \u00b7 "
                                  f"{percent(deal['probability'])}", layout=widgets.Layout(width="55%"))]
            for c in dq.CRITERIA:
                evidence = deal.get(f"{c}_evidence", "")
                toggle = widgets.ToggleButton(value=bool(deal[c]), description=c,
                                              tooltip=evidence or dq.CRITERION_MEANING[c],
                                              button_style="success" if deal[c] else "",
                                              layout=widgets.Layout(width="80px"))
                toggle.add_class(f"wb-{c}")
                toggle.observe(lambda ch, d=deal["deal"], crit=c: self._toggle(d, crit, ch["new"]), names="value")
                met = (lambda state, key=(deal["deal"], c): self._pipeline(state)[1][key])
                self._bind(toggle, met)
                self._bind(toggle, lambda state, met=met: "success" if met(state) else "", "button_style")
                self._toggles[(deal["deal"], c)] = toggle
                cells.append(toggle)
            rows.append(widgets.HBox(cells))
        return rows
