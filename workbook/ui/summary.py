"""The executive summary page and its action-plan editor; the portfolio view.

:class:`SummaryState` holds one client's headlines (read from the
``<framework>.headline.json`` files the framework notebooks recorded next to
the report) and the consultant's saved plan, with no widgets.
:class:`ActionPlanView` edits the plan: every change is validated, saved
through the store (``summary.json`` in the client's folder) and shown as
"Saved hh:mm:ss" or "Not saved: <reason>". :class:`SummaryPage` is what the
notebook calls. The portfolio functions build the consultancy's table and
chart across all clients; it is never part of a client's report.
"""
from __future__ import annotations

import json
import logging
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Sequence

import ipywidgets as widgets

from .. import __version__, registry
from ..charts import PALETTE, new_figure, style_axes
from ..errors import WorkbookError
from ..frameworks import summary as logic
from ..html import STATUS_COLOURS, Html, badge, bullets, card, esc, para, table
from ..store import Profile, Store

log = logging.getLogger(__name__)

FRAMEWORK = "summary"
HEADLINE_SUFFIX = ".headline.json"
MODES = ("live", "report")


def framework_titles(names: Sequence[str] | None = None) -> list[tuple[str, str]]:
    """``(name, title)`` of the registered frameworks (all, or ``names``), in report order."""
    return [(fw.name, fw.title) for fw in registry.REGISTRY if names is None or fw.name in names]


def read_headlines(reports_dir: str | Path, client: str, names: Sequence[str] | None = None) -> dict[str, dict]:
    """The headlines recorded next to a client's report (missing or unreadable ones are left out)."""
    folder = Path(reports_dir) / client
    found = {}
    for name, _ in framework_titles(names):
        path = folder / f"{name}{HEADLINE_SUFFIX}"
        try:
            data = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            continue
        except (OSError, ValueError):
            log.warning("unreadable headline %s", path)
            continue
        if isinstance(data, dict):
            found[name] = data
    return found


class SummaryState:
    """One client's summary inputs and result, with no widgets."""

    def __init__(self, client: str, profile: Profile, inputs: logic.Inputs, headlines: dict[str, dict],
                 frameworks: list[tuple[str, str]]) -> None:
        self.client = client
        self.profile = profile
        self.inputs = inputs
        self.headlines = headlines
        self.frameworks = frameworks
        self.result = logic.evaluate(inputs, headlines, frameworks)

    @classmethod
    def load(cls, store: Store, client: str, reports_dir: str | Path,
             frameworks: Sequence[str] | None = None) -> "SummaryState":
        """Read the saved plan and the recorded headlines."""
        inputs = store.load(client, FRAMEWORK, logic.Inputs) or logic.Inputs()
        names = framework_titles(frameworks)
        return cls(client, store.load_profile(client), inputs, read_headlines(reports_dir, client, frameworks), names)

    def replace(self, inputs: logic.Inputs) -> None:
        """Swap in new inputs and recompute."""
        self.inputs = inputs
        self.result = logic.evaluate(inputs, self.headlines, self.frameworks)


# -- static pieces (shared by live and report) -----------------------------------

def _box(body: str) -> str:
    return f'<section class="wb-card">{body}</section>'


def _dot(status: str) -> str:
    colour = STATUS_COLOURS.get(status, STATUS_COLOURS["grey"])
    return (f'<span style="display:inline-block;width:12px;height:12px;border-radius:6px;'
            f'background:{esc(colour)};vertical-align:middle"></span>')


def status_html(result: logic.Result) -> str:
    """One row per framework: traffic light, title and its headline sentence."""
    rows = "".join(
        f'<tr><td style="white-space:nowrap">{badge(logic.STATUS_WORDS[ln.status], ln.status)}</td>'
        f"<td><b>{esc(ln.title)}</b><br>{esc(ln.summary)}</td></tr>"
        for ln in result.lines)
    head = '<tr><th style="width:24%">Status</th><th>Framework and headline</th></tr>'
    overall = (f'<p style="font-size:115%">Overall: {badge(logic.STATUS_WORDS[result.overall], result.overall)} '
               f'&nbsp; {result.counts["red"]} red \u00b7 {result.counts["amber"]} amber \u00b7 '
               f'{result.counts["green"]} green</p>')
    legend = ('<p class="wb-meta">Green: on track. Amber: needs attention. Red: act now. Grey: no result in '
              'this report.</p>')
    return _box(overall + f'<table class="wb-table">{head}{rows}</table>' + legend)


def readings_html(result: logic.Result) -> str:
    """The cross-framework reading in plain words."""
    overview, *rest = result.readings
    body = para(overview.text)
    if rest:
        body += bullets(r.text for r in rest)
    else:
        body += para("No pattern across frameworks stands out; each framework is read on its own page.")
    if result.note:
        body += f'<p><b>Consultant\u2019s note.</b> {esc(result.note)}</p>'
    return _box(body)


def plan_html(result: logic.Result) -> str:
    """The action plan as a table."""
    if not result.plan:
        return _box(para("No action proposed: every framework with a result is on track."))
    intro = para("As agreed with the consultant." if result.edited else
                 "Proposed from the frameworks above, highest priority first.")
    return _box(intro + table(result.plan_table))


# -- the action-plan editor ---------------------------------------------------------

class ActionPlanView:
    """Edit the prioritised action plan; every change autosaves through the store.

    Parameters
    ----------
    store : Store
    state : SummaryState
    """

    def __init__(self, store: Store, state: SummaryState) -> None:
        self._store = store
        self.state = state
        self._box: widgets.VBox | None = None
        self._rows: widgets.VBox | None = None
        self._status: widgets.HTML | None = None

    def widget(self) -> widgets.Widget:
        """The editor (built on first call)."""
        if self._box is None:
            self._rows = widgets.VBox()
            add = widgets.Button(description="Add action", icon="plus")
            reset = widgets.Button(description="Use proposed actions", icon="refresh",
                                   tooltip="Replace the plan with the actions proposed from the frameworks")
            note = widgets.Textarea(value=self.state.inputs.note, placeholder="Note for the client (optional)",
                                    layout=widgets.Layout(width="100%", height="60px"))
            add.on_click(lambda _: self._change(lambda actions: actions + [logic.Action(action="New action")]))
            reset.on_click(lambda _: self._change(lambda actions: list(self.state.result.proposed)))
            note.observe(lambda ch: self._save(note=ch["new"]), names="value")
            self._status = widgets.HTML(self._status_html("Loaded", "#7b8794"))
            self._box = widgets.VBox([self._rows, widgets.HBox([add, reset]), note, self._status],
                                     layout=widgets.Layout(width="100%"))
            self._draw_rows()
        return self._box

    # -- internals -----------------------------------------------------------------
    def _current(self) -> list[logic.Action]:
        return list(self.state.result.plan)

    def _draw_rows(self) -> None:
        rows = []
        for i, action in enumerate(self._current()):
            rows.append(self._row(i, action))
        self._rows.children = tuple(rows)

    def _row(self, i: int, action: logic.Action) -> widgets.Widget:
        text = widgets.Text(value=action.action, layout=widgets.Layout(width="46%"), continuous_update=False)
        owner = widgets.Text(value=action.owner, placeholder="owner", layout=widgets.Layout(width="18%"),
                             continuous_update=False)
        when = widgets.Dropdown(options=list(logic.TIMEFRAMES), value=action.timeframe,
                                layout=widgets.Layout(width="15%"))
        prio = widgets.Dropdown(options=[(v, k) for k, v in logic.PRIORITIES.items()], value=action.priority,
                                layout=widgets.Layout(width="10%"))
        done = widgets.Checkbox(value=action.done, description="done", indent=False,
                                layout=widgets.Layout(width="7%"))
        remove = widgets.Button(icon="trash", tooltip="Remove", layout=widgets.Layout(width="36px"))
        fields = {"action": text, "owner": owner, "timeframe": when, "priority": prio, "done": done}
        for key, w in fields.items():
            w.observe(lambda ch, key=key: self._edit(i, key, ch["new"]), names="value")
        remove.on_click(lambda _: self._change(lambda actions: actions[:i] + actions[i + 1:]))
        return widgets.HBox([prio, text, owner, when, done, remove])

    def _edit(self, i: int, key: str, value: Any) -> None:
        def change(actions: list[logic.Action]) -> list[logic.Action]:
            doc = actions[i].model_dump()
            doc[key] = value
            actions[i] = logic.validate_action(doc)
            return actions
        self._change(change, redraw=False)

    def _change(self, change, redraw: bool = True) -> bool:
        try:
            actions = change(self._current())
        except WorkbookError as exc:
            self._set_status(f"Not saved: {exc}", "#c0392b")
            return False
        ok = self._save(actions=actions, edited=True)
        if ok and redraw:
            self._draw_rows()
        return ok

    def _save(self, **changes: Any) -> bool:
        doc = self.state.inputs.model_dump()
        if "actions" in changes:
            changes["actions"] = [a.model_dump() for a in changes["actions"]]
        doc.update(changes)
        try:
            saved = self._store.save(self.state.client, FRAMEWORK, logic.Inputs, doc)
        except WorkbookError as exc:
            self._set_status(f"Not saved: {exc}", "#c0392b")
            return False
        self.state.replace(saved)
        self._set_status(f"Saved {datetime.now():%H:%M:%S}", "#2a9d8f")
        return True

    def _set_status(self, text: str, colour: str) -> None:
        if self._status is not None:
            self._status.value = self._status_html(text, colour)

    @staticmethod
    def _status_html(text: str, colour: str) -> str:
        return f'<span class="wb-save-state" style="color:{colour};font-size:90%">{esc(text)}</span>'


# -- the notebook's page -------------------------------------------------------------

class SummaryPage:
    """What ``notebooks/executive_summary.ipynb`` calls.

    Parameters
    ----------
    client, data_dir, reports_dir : str
    mode : {"live", "report"}
    frameworks : list of str, optional
        Only these frameworks (the batch runner passes the ones in the report).
    """

    def __init__(self, client: str, data_dir: str = "../data", reports_dir: str = "../reports",
                 mode: str = "live", frameworks: Sequence[str] | None = None) -> None:
        if mode not in MODES:
            raise logic.InvalidInput.one("mode", mode, " or ".join(repr(m) for m in MODES))
        self.mode = mode
        self.reports_dir = Path(reports_dir)
        self.store = Store(data_dir)
        self.state = SummaryState.load(self.store, client, reports_dir, frameworks)
        self._editor: ActionPlanView | None = None

    def header(self) -> Html:
        p = self.state.profile
        facts = [p.industry] if p.industry else []
        if p.revenue_usd is not None:
            facts.append(f"revenue ${p.revenue_usd:,.0f}")
        meta = " \u00b7 ".join([*facts, f"{date.today():%d %B %Y}"])
        note = ('<p class="wb-fictional"><i>Fictional example client, for teaching and demonstration.</i></p>'
                if p.fictional else "")
        missing = "" if self.state.headlines else para(
            "No framework results are recorded for this client yet: run `workbook batch --clients "
            f"{self.state.client}` first.")
        return Html(f'<header class="wb-header"><div class="wb-kicker">Executive summary</div>'
                    f'<h2 class="wb-client">{esc(p.name)}</h2><p class="wb-meta">{esc(meta)}</p>{note}'
                    f'{missing}</header>')

    def status(self) -> Html:
        return Html(status_html(self.state.result))

    def readings(self) -> Html:
        return Html(readings_html(self.state.result))

    def plan(self) -> Html | None:
        """The plan as a table (report mode; live mode shows :meth:`plan_editor`)."""
        return Html(plan_html(self.state.result)) if self.mode == "report" else None

    def plan_editor(self) -> widgets.Widget | None:
        """The editable plan (live mode only)."""
        if self.mode != "live":
            return None
        if self._editor is None:
            self._editor = ActionPlanView(self.store, self.state)
        return self._editor.widget()

    def record(self):
        from ..notebook import Headline

        return Headline(FRAMEWORK, self.state.client, logic.headline(self.state.result))

    def portfolio(self) -> Html | None:
        """Every client's headlines (live only: a client report never shows other clients)."""
        if self.mode != "live":
            return None
        return Html(portfolio_body(self.store, self.reports_dir, self.store.list_clients()))


def open_summary(client: str, data_dir: str = "../data", reports_dir: str = "../reports", mode: str = "live",
                 frameworks: Sequence[str] | None = None) -> SummaryPage:
    """Open the executive summary of ``client``; see :class:`SummaryPage`."""
    return SummaryPage(client, data_dir, reports_dir, mode, frameworks)


# -- portfolio -------------------------------------------------------------------------

def portfolio_inputs(store: Store, reports_dir: Path, clients: Sequence[str]):
    names = []
    for slug in clients:
        try:
            names.append((slug, store.load_profile(slug).name))
        except WorkbookError:
            log.warning("portfolio: skipping %s (no readable profile)", slug)
    headlines = {slug: read_headlines(reports_dir, slug) for slug, _ in names}
    frameworks = [(fw.name, fw.title, fw.headline_metrics[:2]) for fw in registry.REGISTRY]
    return names, headlines, frameworks


def portfolio_chart(frame, titles: Sequence[str]):
    """Traffic lights of every client (rows) for every framework (columns)."""
    from matplotlib.colors import to_rgb

    n = max(len(frame), 1)
    short = [t if len(t) <= 22 else t[:21] + "\u2026" for t in titles]
    labels = list(frame["client"]) if len(frame) else []
    left = 0.3 + max((len(s) for s in labels), default=6) * 0.075
    fig = new_figure(7.0, 1.6 + 0.2 * n, left=min(left, 2.6), top=1.35, bottom=0.2)
    ax = fig.add_subplot()
    grid = logic.portfolio_grid(frame, titles)
    colours = [[to_rgb(STATUS_COLOURS.get(s, "#f0f2f5")) for s in row] for row in grid] or [[(1, 1, 1)] * len(titles)]
    ax.imshow(colours, aspect="auto", interpolation="nearest")
    ax.set_xticks(range(len(titles)), short, rotation=40, ha="left", fontsize=7.5)
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(labels)), labels, fontsize=7.5 if n <= 40 else 5.5)
    ax.set_xticks([x - 0.5 for x in range(1, len(titles))], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, n)], minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="both", length=0)
    style_axes(ax)
    for side in ax.spines.values():
        side.set_visible(False)
    return fig


def portfolio_body(store: Store, reports_dir: Path, clients: Sequence[str]) -> str:
    """The portfolio table and chart as an HTML fragment."""
    from ..charts import png_bytes
    import base64

    names, headlines, frameworks = portfolio_inputs(store, reports_dir, clients)
    frame = logic.portfolio_frame(names, headlines, frameworks)
    if frame.empty:
        return card("Portfolio", para("No client has recorded results yet."))
    titles = [t for _, t, _ in frameworks]
    png = base64.b64encode(png_bytes(portfolio_chart(frame, titles))).decode()
    shown = frame.drop(columns=["red"])
    cols = ["client", "overall", *[c for c in shown.columns if c not in ("client", "overall")]]
    shown = shown[cols]
    html_rows = []
    for _, row in shown.iterrows():
        cells = []
        for c in cols:
            v = row[c]
            if c == "client":
                cells.append(f"<td><b>{esc(v)}</b></td>")
            elif v in logic.STATUS_RANK:
                cells.append(f'<td style="white-space:nowrap">{_dot(v)} {esc(v)}</td>')
            else:
                cells.append(f"<td>{esc(v)}</td>")
        html_rows.append("<tr>" + "".join(cells) + "</tr>")
    head = "".join(f"<th>{esc(c)}</th>" for c in cols)
    counts = frame["overall"].value_counts()
    intro = para(f"{len(frame)} client(s): " + ", ".join(f"{int(counts.get(s, 0))} {s}" for s in logic.STATUSES)
                 + " overall (the worst status of each client's frameworks).")
    return (card("Portfolio: every client's headlines", intro + f'<img alt="Status of every client and framework" '
                 f'src="data:image/png;base64,{png}">')
            + f'<div style="overflow-x:auto"><table class="wb-table" style="font-size:8pt">'
              f"<tr>{head}</tr>{''.join(html_rows)}</table></div>")


def portfolio_page(store: Store, reports_dir: Path, clients: Sequence[str]) -> str:
    """A self-contained HTML page of the portfolio (for ``reports/portfolio.html``)."""
    css = resources.files("workbook").joinpath("templates/report.css").read_text("utf-8")
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Portfolio</title>'
            f'<meta name="generator" content="workbook {esc(__version__)}"><style>{css}'
            "body{max-width:none}</style></head><body>"
            f'<div class="wb-kicker">Consultancy portfolio \u00b7 internal, not for clients</div>'
            f"<h1>Client portfolio</h1><p class=\"wb-meta\">{date.today():%d %B %Y}</p>"
            + portfolio_body(store, reports_dir, clients) + "</body></html>")
