"""The executive summary page and its action-plan editor; the portfolio view.

:class:`SummaryState` holds one client's headlines (read from the
``<framework>.headline.json`` files the framework notebooks recorded next to
the report) and the consultant's saved plan, with no widgets.
:class:`ActionPlanView` edits the plan: every change is validated, saved
through the store (``summary.json`` in the client's folder) and shown as
"Saved hh:mm:ss" or "Not saved: <reason>". :class:`SummaryPage` is what the
notebook calls; in a report it prints on one A4 page, and :func:`page_split`
decides which readings and actions fit there and which follow on the next page. The portfolio functions build the consultancy's table and
chart across all clients; it is never part of a client's report.
"""
from __future__ import annotations

import functools
import json
import logging
import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Sequence

import ipywidgets as widgets

from .. import __version__, registry
from ..charts import PALETTE, new_figure, style_axes
from ..errors import WorkbookError
from ..frameworks import summary as logic
from ..html import STATUS_COLOURS, Html, bullets, card, esc, para
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

def _box(body: str, kind: str = "") -> str:
    return f'<section class="wb-card{" " + kind if kind else ""}">{body}</section>'


def _dot(status: str) -> str:
    colour = STATUS_COLOURS.get(status, STATUS_COLOURS["grey"])
    return (f'<span style="display:inline-block;width:12px;height:12px;border-radius:6px;'
            f'background:{esc(colour)};vertical-align:middle"></span>')


def _pill(status: str) -> str:
    """A small traffic light with its words (the status table's first column)."""
    colour = STATUS_COLOURS.get(status, STATUS_COLOURS["grey"])
    return (f'<span class="wb-badge wb-pill" style="background:{esc(colour)};color:#fff;padding:1px 5px;'
            f'border-radius:9px;font-weight:600;white-space:nowrap">{esc(logic.STATUS_WORDS[status])}</span>')


_LEFT = ' style="text-align:left"'  # JupyterLab right-aligns table cells; this is text


def status_html(result: logic.Result) -> str:
    """One row per framework: traffic light, then its title and headline sentence."""
    rows = "".join(
        f'<tr><td class="wb-light"{_LEFT}>{_pill(ln.status)}</td>'
        f"<td{_LEFT}><b>{esc(ln.title)}.</b> {esc(ln.summary)}</td></tr>"
        for ln in result.lines)
    head = f'<tr><th class="wb-light"{_LEFT}>Status</th><th{_LEFT}>Framework and headline</th></tr>'
    c = result.counts
    grey = sum(1 for ln in result.lines if ln.status == "grey")
    counts = f'{c["red"]} red \u00b7 {c["amber"]} amber \u00b7 {c["green"]} green'
    counts += f" \u00b7 {grey} without a result" if grey else ""
    overall = f'<p class="wb-overall">Overall: {_pill(result.overall)} &nbsp; {counts}</p>'
    return _box(overall + f'<table class="wb-table wb-status">{head}{rows}</table>', "wb-summary-status")


# -- what fits on the summary page ----------------------------------------------------
#
# The summary prints on one A4 page: every framework's status, the overview sentence and the
# most important readings, and the top of the action plan. Whatever does not fit goes on the
# page after it ("Executive summary, continued"). To know what fits, each piece of text is
# wrapped into lines with the report font's own glyph widths (DejaVu Sans, as matplotlib
# ships it; without kerning, so a little wider than Chromium sets it) at the column widths
# and sizes of the ``#summary`` rules in templates/report.css; the heights were measured in
# Chromium's print layout. Change the two together.

#: Most readings after the overview sentence, and most actions, on the summary page itself.
PAGE_READINGS = 2
PAGE_ACTIONS = 5
#: Height of the page's text area (A4 less 16 mm top and 18 mm bottom margins), less a reserve
#: for a client header that wraps.
PAGE_MM = 297 - 16 - 18 - 7
#: Title and intro, client header, three headings, the overall line, both table headers, the
#: plan's one-line intro and the edges of the three cards.
FIXED_MM = 90.0
#: Table text (9 pt, line-height 1.3): one line, and a row's padding and rule.
TABLE_PT, LINE_MM, ROW_MM = 9.0, 4.15, 1.1
#: Card text (9.5 pt, line-height 1.35): one line, and the space a paragraph or bullet adds.
TEXT_PT, TEXT_MM, GAP_MM = 9.5, 4.52, 0.7
_MM = 72 / 25.4  # points per millimetre
_PX = 72 / 96  # points per CSS pixel
#: Text widths in points: a card's inside (180 mm less 2 x 11 px), the status table's headline
#: column (less the 33 mm status column), the plan's action column (less priority 17 mm, owner
#: 33 mm, when 29 mm and, when shown, done 13 mm) and owner column, each less 10 px of padding.
CARD_PT = 180 * _MM - 22 * _PX
HEADLINE_PT = CARD_PT - 33 * _MM - 10 * _PX
ACTION_PT = CARD_PT - (17 + 33 + 29) * _MM - 10 * _PX
OWNER_PT = 33 * _MM - 10 * _PX
DONE_PT = 13 * _MM
BULLET_PT = CARD_PT - 1.1 * TEXT_PT


@functools.lru_cache(maxsize=2)
def _font(bold: bool):
    import matplotlib
    from matplotlib import ft2font

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    font = ft2font.FT2Font(str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name))
    font.set_size(100, 72)
    return font


@functools.lru_cache(maxsize=1024)
def _em(char: str, bold: bool) -> float:
    """Advance width of one character in ems."""
    return _font(bold).load_char(ord(char)).linearHoriAdvance / 65536 / 100


_BREAK_AFTER = re.compile(r"(?<=[-\u2013\u2014])(?=.)")  # a line may also break after a dash


def _lines(text: str, width_pt: float, size_pt: float, bold: str = "") -> int:
    """Lines ``bold`` (in bold) followed by ``text`` take when wrapped to ``width_pt``."""
    lines, used = 1, 0.0
    for word, heavy in [(w, True) for w in bold.split()] + [(w, False) for w in text.split()]:
        for i, part in enumerate(_BREAK_AFTER.split(word)):
            width = sum(_em(c, heavy) for c in part) * size_pt
            space = 0.0 if i else _em(" ", heavy) * size_pt
            if used and used + space + width <= width_pt:
                used += space + width
                continue
            if used:
                lines += 1
            if width > width_pt:  # too long for a line: broken between letters, up to an em short of the edge
                full = math.ceil(width / (width_pt - size_pt)) - 1
                lines += full
                width -= full * (width_pt - size_pt)
            used = width
    return lines


def _text_mm(text: str, width_pt: float = CARD_PT, bold: str = "") -> float:
    return _lines(text, width_pt, TEXT_PT, bold) * TEXT_MM + GAP_MM


def _action_mm(action: logic.Action, done: bool) -> float:
    width = ACTION_PT - (DONE_PT if done else 0)
    lines = max(_lines(action.action, width, TABLE_PT), _lines(action.owner or "-", OWNER_PT, TABLE_PT))
    return lines * LINE_MM + ROW_MM


def page_mm(result: logic.Result, readings: int, actions: int, note: bool) -> float:
    """Estimated height (mm) of the summary page showing the overview, ``readings`` more
    readings, the top ``actions`` actions and (``note``) the consultant's note."""
    overview, *rest = result.readings
    height = FIXED_MM + sum(_lines(ln.summary, HEADLINE_PT, TABLE_PT, bold=f"{ln.title}.") * LINE_MM + ROW_MM
                            for ln in result.lines)
    height += _text_mm(overview.text) + sum(_text_mm(r.text, BULLET_PT) for r in rest[:readings])
    if not rest:
        height += _text_mm("No pattern across frameworks stands out; each framework is read on its own page.")
    shown = result.ranked_plan[:actions]
    done = any(a.done for a in shown)
    height += sum(_action_mm(a, done) for a in shown)
    if len(rest) > readings or (result.note and not note):
        height += _text_mm("On the next page: 1 more reading and the consultant's note.")
    if len(result.plan) > actions:  # the intro says how many more are on the next page
        height += (_lines("As agreed with the consultant, highest priority first; 40 more actions on the "
                          "next page.", CARD_PT, TEXT_PT) - 1) * TEXT_MM
    if note:
        height += _text_mm(result.note, bold="Consultant\u2019s note.")
    return height


@dataclass(frozen=True)
class PageSplit:
    """What prints on the summary page itself, and what on the page after it."""

    readings: tuple[logic.Reading, ...]  # the overview first
    more_readings: tuple[logic.Reading, ...]
    actions: tuple[logic.Action, ...]
    more_actions: tuple[logic.Action, ...]
    note: str  # the consultant's note on the summary page ...
    more_note: str  # ... or, when it is too long, on the next

    @property
    def has_more(self) -> bool:
        return bool(self.more_readings or self.more_actions or self.more_note)


#: The order in which readings (r) and actions (a) claim the room left on the summary page
#: after the status table, the overview sentence and the top action.
FILL_ORDER = "raaraa"


def page_split(result: logic.Result) -> PageSplit:
    """Choose what fits on the summary page.

    Every framework's status line, the overview sentence and the top action
    (open ones first, by priority) always print. Then, in :data:`FILL_ORDER`
    and while :func:`page_mm` stays within :data:`PAGE_MM`, the next most
    important reading (at most :data:`PAGE_READINGS`) or the next action (at
    most :data:`PAGE_ACTIONS`); a kind stops at its first item that does not
    fit. Last, the consultant's note when it fits.
    """
    limit = {"r": min(len(result.readings) - 1, PAGE_READINGS), "a": min(len(result.plan), PAGE_ACTIONS)}
    count = {"r": 0, "a": min(len(result.plan), 1)}
    for kind in FILL_ORDER:
        if count[kind] >= limit[kind]:
            continue
        more = {**count, kind: count[kind] + 1}
        if page_mm(result, more["r"], more["a"], False) <= PAGE_MM:
            count = more
        else:
            limit[kind] = count[kind]
    readings, actions = count["r"], count["a"]
    note = bool(result.note) and page_mm(result, readings, actions, True) <= PAGE_MM
    ranked = result.ranked_plan
    return PageSplit(result.readings[:readings + 1], result.readings[readings + 1:], ranked[:actions],
                     ranked[actions:], result.note if note else "", "" if note else result.note)


def _more(n: int, noun: str) -> str:
    return f"{n} more {noun if n == 1 else noun + 's'}"


def _note_html(note: str) -> str:
    return f'<p class="wb-note"><b>Consultant\u2019s note.</b> {esc(note)}</p>'


def readings_html(result: logic.Result, split: PageSplit | None = None) -> str:
    """The cross-framework reading in plain words: all of it, or the part that fits the page."""
    readings = result.readings if split is None else split.readings
    note = result.note if split is None else split.note
    overview, *rest = readings
    body = para(overview.text)
    if rest:
        body += bullets(r.text for r in rest)
    elif len(result.readings) == 1:
        body += para("No pattern across frameworks stands out; each framework is read on its own page.")
    if split is not None and (split.more_readings or split.more_note):
        left = [_more(len(split.more_readings), "reading")] if split.more_readings else []
        left += ["the consultant\u2019s note"] if split.more_note else []
        body += f'<p class="wb-meta">On the next page: {esc(" and ".join(left))}.</p>'
    if note:
        body += _note_html(note)
    return _box(body, "wb-summary-readings")


def _plan_table(actions: Sequence[logic.Action]) -> str:
    done = any(a.done for a in actions)
    head = ('<tr><th class="wb-prio">Priority</th><th>Action</th><th class="wb-owner">Owner</th>'
            '<th class="wb-when">When</th>' + ('<th class="wb-done">Done</th>' if done else "") + "</tr>")
    rows = "".join(
        f'<tr><td class="wb-prio">{esc(logic.PRIORITIES[a.priority])}</td><td>{esc(a.action)}</td>'
        f'<td class="wb-owner">{esc(a.owner or chr(0x2013))}</td><td class="wb-when">{esc(a.timeframe)}</td>'
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
        intro += f"; {_more(len(split.more_actions), 'action')} on the next page"
    intro += "."
    return _box(para(intro) + _plan_table(actions), "wb-summary-plan")


def more_html(result: logic.Result, split: PageSplit) -> str:
    """The page after the summary: the readings, actions and note that did not fit ("" when none)."""
    if not split.has_more:
        return ""
    body = ""
    if split.more_readings:
        body += (f"<h3>More readings across the frameworks</h3>"
                 + _box(bullets(r.text for r in split.more_readings)))
    if split.more_actions:
        first = len(split.actions) + 1
        body += (f"<h3>Action plan, continued (actions {first} to {len(result.plan)})</h3>"
                 if len(split.more_actions) > 1 else f"<h3>Action plan, continued (action {first})</h3>")
        body += _box(_plan_table(split.more_actions))
    if split.more_note:
        body += "<h3>Consultant\u2019s note</h3>" + _box(para(split.more_note))
    return f'<section class="wb-summary-more"><h2>Executive summary, continued</h2>{body}</section>'


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
        self._fit: widgets.HTML | None = None

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
            self._fit = widgets.HTML()
            self._box = widgets.VBox([self._rows, widgets.HBox([add, reset]), note, self._fit, self._status],
                                     layout=widgets.Layout(width="100%"))
            self._draw_rows()
            self._show_fit()
        return self._box

    def page_note(self) -> str:
        """What of the plan and note the next report prints on the summary page and what on the next."""
        s = self.state
        listed = [(n, t) for n, t in s.frameworks if self._store.has(s.client, n)]  # as the batch lists them
        result = s.result if listed == s.frameworks else logic.evaluate(s.inputs, s.headlines, listed)
        split = page_split(result)
        n, total = len(split.actions), len(result.plan)
        text = ("The report\u2019s summary page shows " + (f"all {total} actions" if n == total and total > 1
                else "the action" if n == total == 1 else "no action" if not total
                else f"the top {n} of {total} actions (open ones, highest priority first); the rest print on "
                "the page after it"))
        if split.more_note:
            text += "; the note is too long for the summary page and prints on the next"
        return text + "."

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
        self._show_fit()
        return True

    def _show_fit(self) -> None:
        if self._fit is not None:
            self._fit.value = (f'<span class="wb-page-fit" style="color:#7b8794;font-size:90%">'
                               f"{esc(self.page_note())}</span>")

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
        return Html(f'<header class="wb-header"><h2 class="wb-client">{esc(p.name)}</h2>'
                    f'<p class="wb-meta">{esc(meta)}</p>{note}{missing}</header>')

    def status(self) -> Html:
        return Html(status_html(self.state.result))

    def _split(self) -> PageSplit | None:
        """In a report, what fits on the summary page (live mode shows everything)."""
        return page_split(self.state.result) if self.mode == "report" else None

    def readings(self) -> Html:
        """The cross-framework reading (in a report, the most important sentences)."""
        return Html(readings_html(self.state.result, self._split()))

    def plan(self) -> Html | None:
        """The top of the plan as a table (report mode; live mode shows :meth:`plan_editor`)."""
        return Html(plan_html(self.state.result, self._split())) if self.mode == "report" else None

    def more(self) -> Html | None:
        """The page after the summary: readings and actions that did not fit (report mode, when any)."""
        if self.mode != "report":
            return None
        html = more_html(self.state.result, self._split())
        return Html(html) if html else None

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
