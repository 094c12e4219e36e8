"""The executive summary as HTML: status table, readings, plan, the page after it; :class:`SummaryPage`.

Every piece of client text (names, headlines, actions, owners, the note) goes
through :func:`workbook.summary.layout.visible` and then :func:`workbook.html.esc`,
so it prints as the inert text it is, control characters shown as marks. In a
report the page is cut with :func:`workbook.summary.layout.page_split`; live,
everything shows and the notebook's live cell edits the plan with
:func:`workbook.ui.summary.plan_editor` (reports never import widgets).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Sequence

from ..formatting import STATUS_COLOURS, STATUS_WORDS, money
from ..frameworks import summary as logic
from ..html import Html, bullets, esc, para
from ..store import Store
from .layout import NO_RESULT_READING, PageSplit, header_mm, page_split, visible
from .state import FRAMEWORK, SummaryState

MODES = ("live", "report")

__all__ = ["MODES", "SummaryPage", "split_for", "status_html", "readings_html", "plan_html", "more_html", "header_html",
           "open_summary"]


def shown(text: Any) -> str:
    """Client text, escaped, control characters visible."""
    return esc(visible(text))


def _box(body: str, kind: str = "") -> str:
    return f'<section class="wb-card{" " + kind if kind else ""}">{body}</section>'


def _pill(status: str) -> str:
    """A small traffic light with its words (the status table's first column)."""
    colour = STATUS_COLOURS.get(status, STATUS_COLOURS["grey"])
    return (f'<span class="wb-badge wb-pill" style="background:{esc(colour)};color:#fff;padding:1px 5px;'
            f'border-radius:9px;font-weight:600;white-space:nowrap">{esc(STATUS_WORDS[status])}</span>')


_LEFT = ' style="text-align:left"'  # JupyterLab right-aligns table cells; this is text


def _meta(state: SummaryState) -> str:
    p = state.profile
    facts = [visible(p.industry)] if p.industry else []
    if p.revenue_usd is not None:
        facts.append(f"revenue {money(p.revenue_usd, 'USD')}")
    return " \u00b7 ".join([*facts, f"{date.today():%d %B %Y}"])


def split_for(state: SummaryState, result: logic.Result | None = None) -> PageSplit:
    """What of ``state``'s summary (or of ``result`` for its client) fits on its A4 page, the
    client header measured too."""
    return page_split(state.result if result is None else result, header_mm(state.profile.name, _meta(state)))


def header_html(state: SummaryState) -> str:
    """The client's name, industry, revenue (in the one money style) and the date."""
    p = state.profile
    meta = _meta(state)
    note = ('<p class="wb-fictional"><i>Fictional example client, for teaching and demonstration.</i></p>'
            if p.fictional else "")
    missing = "" if state.headlines else para(
        f"No framework results are recorded for this client yet: run `workbook batch --clients {state.client}` first.")
    return (f'<header class="wb-header"><h2 class="wb-client">{shown(p.name)}</h2>'
            f'<p class="wb-meta">{esc(meta)}</p>{note}{missing}</header>')


def status_html(result: logic.Result) -> str:
    """One row per framework: traffic light, then its title and headline sentence."""
    rows = "".join(
        f'<tr><td class="wb-light"{_LEFT}>{_pill(ln.status)}</td>'
        f"<td{_LEFT}><b>{shown(ln.title)}.</b> {shown(ln.summary)}</td></tr>"
        for ln in result.lines)
    head = f'<tr><th class="wb-light"{_LEFT}>Status</th><th{_LEFT}>Framework and headline</th></tr>'
    c = result.counts
    grey = sum(1 for ln in result.lines if ln.status == "grey")
    counts = f'{c["red"]} red \u00b7 {c["amber"]} amber \u00b7 {c["green"]} green'
    counts += f" \u00b7 {grey} without a result" if grey else ""
    overall = f'<p class="wb-overall">Overall: {_pill(result.overall)} &nbsp; {counts}</p>'
    return _box(overall + f'<table class="wb-table wb-status">{head}{rows}</table>', "wb-summary-status")


def _more(n: int, noun: str) -> str:
    return f"{n} more {noun if n == 1 else noun + 's'}"


def _note_html(note: str) -> str:
    return f'<p class="wb-note"><b>Consultant\u2019s note.</b> {shown(note)}</p>'


def readings_html(result: logic.Result, split: PageSplit | None = None) -> str:
    """The cross-framework reading in plain words: all of it, or the part that fits the page."""
    readings = result.readings if split is None else split.readings
    note = result.note if split is None else split.note
    overview, *rest = readings
    body = para(visible(overview.text))
    if rest:
        body += bullets(visible(r.text) for r in rest)
    elif len(result.readings) == 1:
        body += para(NO_RESULT_READING)
    if split is not None and (split.more_readings or split.more_note):
        left = [_more(len(split.more_readings), "reading")] if split.more_readings else []
        left += ["the consultant\u2019s note"] if split.more_note else []
        body += f'<p class="wb-meta">{split.where}: {esc(" and ".join(left))}.</p>'
    if note:
        body += _note_html(note)
    return _box(body, "wb-summary-readings")


def _plan_table(actions: Sequence[logic.Action]) -> str:
    done = any(a.done for a in actions)
    head = ('<tr><th class="wb-prio">Priority</th><th>Action</th><th class="wb-owner">Owner</th>'
            '<th class="wb-when">When</th>' + ('<th class="wb-done">Done</th>' if done else "") + "</tr>")
    rows = "".join(
        f'<tr><td class="wb-prio">{esc(logic.PRIORITIES[a.priority])}</td><td>{shown(a.action)}</td>'
        f'<td class="wb-owner">{shown(a.owner or chr(0x2013))}</td><td class="wb-when">{esc(a.timeframe)}</td>'
        + (f'<td class="wb-done">{"yes" if a.done else ""}</td>' if done else "") + "</tr>"
        for a in actions)
    return f'<table class="wb-table wb-plan">{head}{rows}</table>'


def plan_html(result: logic.Result, split: PageSplit | None = None) -> str:
    """The action plan as a table: all of it, or the top actions that fit the page."""
    if not result.plan:
        return _box(para("No action proposed: every framework with a result is on track."), "wb-summary-plan")
    actions = result.ranked_plan if split is None else split.actions
    intro = "As agreed with the consultant" if result.edited else "Proposed from the frameworks above"
    intro += ", highest priority first"
    if split is not None and split.more_actions:
        intro += f"; {_more(len(split.more_actions), 'action')} " + ("below" if split.flows else "on the next page")
    return _box(para(intro + ".") + _plan_table(actions), "wb-summary-plan")


def more_html(result: logic.Result, split: PageSplit) -> str:
    """The page after the summary: the readings, actions and note that did not fit ("" when none)."""
    if not split.has_more:
        return ""
    body = ""
    if split.more_readings:
        body += "<h3>More readings across the frameworks</h3>" + _box(bullets(visible(r.text)
                                                                               for r in split.more_readings))
    if split.more_actions:
        first = len(split.actions) + 1
        body += (f"<h3>Action plan, continued (actions {first} to {len(result.plan)})</h3>"
                 if len(split.more_actions) > 1 else f"<h3>Action plan, continued (action {first})</h3>")
        body += _box(_plan_table(split.more_actions))
    if split.more_note:
        body += "<h3>Consultant\u2019s note</h3>" + _box(para(visible(split.more_note)))
    if split.flows:  # a short rest right after the plan: its sub-headings say what it is
        return f'<section class="wb-summary-more wb-flow">{body}</section>'
    return f'<section class="wb-summary-more"><h2>Executive summary, continued</h2>{body}</section>'


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

    def header(self) -> Html:
        return Html(header_html(self.state))

    def status(self) -> Html:
        return Html(status_html(self.state.result))

    def _split(self) -> PageSplit | None:
        """In a report, what fits on the summary page (live mode shows everything)."""
        return split_for(self.state) if self.mode == "report" else None

    def readings(self) -> Html:
        """The cross-framework reading (in a report, the most important sentences)."""
        return Html(readings_html(self.state.result, self._split()))

    def plan(self) -> Html | None:
        """The top of the plan as a table (report mode; live, :func:`workbook.ui.summary.plan_editor`)."""
        return Html(plan_html(self.state.result, self._split())) if self.mode == "report" else None

    def more(self) -> Html | None:
        """The page after the summary: readings and actions that did not fit (report mode, when any)."""
        if self.mode != "report":
            return None
        html = more_html(self.state.result, self._split())
        return Html(html) if html else None

    def record(self):
        from ..notebook import Headline

        return Headline(FRAMEWORK, self.state.client, logic.headline(self.state.result))

    def portfolio(self) -> Html | None:
        """Every client's headlines (live only: a client report never shows other clients)."""
        if self.mode != "live":
            return None
        from .portfolio import portfolio_body

        return Html(portfolio_body(self.store, self.reports_dir, self.store.list_clients()))


def open_summary(client: str, data_dir: str = "../data", reports_dir: str = "../reports", mode: str = "live",
                 frameworks: Sequence[str] | None = None) -> SummaryPage:
    """Open the executive summary of ``client``; see :class:`SummaryPage`."""
    return SummaryPage(client, data_dir, reports_dir, mode, frameworks)
