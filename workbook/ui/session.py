"""The session screen: one widget with a room's form and its live results, kept in sync.

Three pieces every :class:`~workbook.ui.base.RoomView` uses:

- :func:`session_screen` lays the form (left) beside the results (right) so
  that, on a 1440x900 screen in JupyterLab, the headline, the main chart and
  the top of the advice stay visible while the consultant answers; the other
  sections sit in a collapsed "More results" list drawn only when opened.
- :class:`Watcher`: one daemon thread per kernel that stats the files of every
  open view's client a few times a second and tells a view when another
  session (another tab, a colleague, the CLI, an import) changed them. A poll
  is a handful of ``os.stat`` calls, so it costs well under a millisecond.
- :func:`plain_problem` and :func:`plain_error` turn validation problems such
  as ``peers[2].name: String should have at least 1 character`` into plain
  sentences ("Peer 3: the name is empty; enter a name").
"""
from __future__ import annotations

import logging
import re
import threading
import time
import weakref
from typing import Any, Callable

import ipywidgets as widgets

from ..errors import InvalidInput, Problem, WorkbookError
from ..html import esc

log = logging.getLogger(__name__)

#: Seconds between two looks at the client's files (the goal is "seen within 1 s").
POLL_S = 0.3
#: Height of each column: JupyterLab at 1440x900 leaves about 780 px under its bars.
COLUMN_HEIGHT = "720px"
#: Where a room's advice lives when it has no "advice" section.
ADVICE_NAMES = ("advice", "guidance", "pitch", "focus", "jobs")

#: Strong contrast for the chosen answer and errors set beside their field.
SESSION_CSS = """<style>
.wb-session-screen .widget-toggle-buttons .jupyter-button.mod-active,
.wb-session-screen .jupyter-button.mod-active {background:#1d3557 !important;color:#fff !important;font-weight:700;
  box-shadow:inset 0 0 0 2px #0b1a2e;}
.wb-session-screen .wb-field-error {color:#b3261e;font-size:90%;line-height:1.25;}
.wb-session-screen .wb-sync {color:#1d3557;font-size:90%;}
.wb-session-screen .wb-col-form > *, .wb-session-screen .wb-col-results > * {flex:0 0 auto;}
.wb-session-screen .wb-col-results .widget-box {flex:0 0 auto;}
.wb-session-screen .wb-headline-box {max-height:220px;overflow-y:auto;border-bottom:1px solid #d9e2ec;
  box-shadow:inset 0 -10px 8px -8px rgba(31,41,51,.18);margin-bottom:6px;}
.wb-session-screen .wb-col-results img.widget-image {flex:0 0 auto;width:auto;max-width:100%;max-height:360px;
  object-fit:contain;object-position:left top;}
.wb-session-screen .wb-col-form .widget-hbox > .widget-html {flex:1 1 0;min-width:0;width:auto !important;}
.wb-session-screen .wb-col-form .widget-hbox {flex-wrap:wrap;}
.wb-session-screen .wb-col-form .widget-hbox, .wb-session-screen .wb-col-form .widget-vbox,
.wb-session-screen .wb-col-form .widget-tab, .wb-session-screen .wb-col-form .widget-box {max-width:100%;min-width:0;}
.wb-session-screen .widget-toggle-buttons {flex:0 0 auto;flex-wrap:nowrap;}
.wb-session-screen .wb-field-note {flex:0 1 auto;max-width:320px;}
.wb-session-screen .wb-field-note .widget-html-content {white-space:normal;line-height:1.3;}
</style>"""


# -- plain words for problems -----------------------------------------------------------

_INDEX = re.compile(r"^(?P<name>[a-z_]+)\[(?P<i>\d+|'.*')\]$")
_NUMBER = r"(-?[0-9.e+]+)"
_MESSAGES: list[tuple[re.Pattern, Callable[[re.Match, str, Any], str]]] = [
    (re.compile(r"String should have at least 1 character"), lambda m, what, v: f"the {what} is empty; enter a {what}"),
    (re.compile(r"String should have at most (\d+) characters?"),
     lambda m, what, v: f"the {what} is too long; use at most {m[1]} characters"),
    (re.compile(rf"greater than or equal to {_NUMBER}"), lambda m, what, v: f"{_v(v)} is below {m[1]}; enter {m[1]} or more"),
    (re.compile(rf"greater than {_NUMBER}"), lambda m, what, v: f"{_v(v)} is too small; enter more than {m[1]}"),
    (re.compile(rf"less than or equal to {_NUMBER}"), lambda m, what, v: f"{_v(v)} is above {m[1]}; enter at most {m[1]}"),
    (re.compile(rf"less than {_NUMBER}"), lambda m, what, v: f"{_v(v)} is too large; enter less than {m[1]}"),
    (re.compile(r"valid (number|integer|float)"), lambda m, what, v: f"{_v(v)} is not a number; enter a number"),
    (re.compile(r"finite number"), lambda m, what, v: f"{_v(v)} is not a usable number; enter an ordinary number"),
]


def _v(value: Any) -> str:
    text = str(value)
    return repr(text[:40]) if isinstance(value, str) else text[:40]


def _words(name: str) -> str:
    """``market_size_usd`` -> ``market size (US$)``."""
    text = name.replace("_", " ")
    return re.sub(r"\busd$", "(US$)", text)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _place(field: str) -> tuple[str, str]:
    """``peers[2].name`` -> ("Peer 3", "name"): where the problem is, and what it is about."""
    parts = [p for p in re.split(r"\.(?![^\[]*\])", field) if p]
    where, what = [], "value"
    for part in parts:
        m = _INDEX.match(part)
        if m:
            noun = m["name"].rstrip("s").replace("_", " ").capitalize()
            i = m["i"]
            where.append(f"{noun} {int(i) + 1}" if i.isdigit() else f"{noun} {i}")
        else:
            what = _words(part)
    if not where and parts:
        where = [_cap(_words(parts[-1]))]
        what = _words(parts[-1])
    return ", ".join(where), what


def plain_problem(problem: Problem) -> str:
    """One problem as a plain sentence: where, what is wrong and what is allowed.

    Parameters
    ----------
    problem : Problem

    Returns
    -------
    str
        For example ``"Peer 3: the name is empty; enter a name"``.
    """
    if problem.field.startswith("row "):  # a table row: its own wording is already plain
        return f"{problem.field.capitalize()}: {_v(problem.value)} is not allowed; allowed: {problem.allowed}"
    problem = Problem(problem.field, problem.value, re.sub(
        r"\b([a-z_]+)\[(\d+)\]", lambda m: f"{m[1].rstrip('s').replace('_', ' ')} {int(m[2]) + 1}", problem.allowed))
    where, what = _place(problem.field)
    if isinstance(problem.value, str) and not problem.value.strip() and "at least" not in problem.allowed:
        return f"{where}: the {what} is empty; allowed: {problem.allowed}"
    head = where if what in ("value", "name") or where.lower() == what.lower() else f"{where}, {what}"
    for pattern, say in _MESSAGES:
        m = pattern.search(problem.allowed)
        if m:
            return f"{where if 'empty' in say(m, what, '') else head}: {say(m, what, problem.value)}"
    return f"{head}: {_v(problem.value)} is not allowed; allowed: {problem.allowed}"


def plain_error(exc: Exception, limit: int = 5) -> str:
    """A refused change in plain words, one problem a line (at most ``limit``)."""
    if isinstance(exc, InvalidInput):
        lines = [plain_problem(p) for p in exc.problems[:limit]]
        if len(exc.problems) > limit:
            lines.append(f"and {len(exc.problems) - limit} more")
        return "\n".join(lines)
    return str(exc)


def field_note() -> widgets.HTML:
    """An empty message slot that sits beside a field and shows what is wrong with it."""
    note = widgets.HTML("", layout=widgets.Layout(margin="0 0 0 8px"))
    note.add_class("wb-field-note")
    return note


def note_html(text: str) -> str:
    """HTML for a field's message (empty when ``text`` is empty)."""
    if not text:
        return ""
    return '<span class="wb-field-error">' + "<br>".join(esc(t) for t in text.splitlines()) + "</span>"


# -- changes made against an older version -----------------------------------------------

_MISSING = object()


def _flat(value: Any, path: str = "") -> dict[str, Any]:
    """``{"respondents[0].answers[3]": 4, ...}``: every leaf of a dumped document."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(_flat(item, f"{path}.{key}" if path else str(key)))
        return out or {path: {}}
    if isinstance(value, list):
        out = {}
        for i, item in enumerate(value):  # items with an id or a name keep their key when others move
            key = next((item[k] for k in ("id", "name") if isinstance(item, dict) and item.get(k)), i)
            out.update(_flat(item, f"{path}[{key if isinstance(key, int) else repr(key)}]"))
        return out or {path: []}
    return {path: value}


def _changed(a: dict, b: dict) -> set[str]:
    return {k for k in a.keys() | b.keys() if a.get(k, _MISSING) != b.get(k, _MISSING)}


class Conflict(WorkbookError):
    """Another session changed the value this change touches since the view last showed it.

    Nothing is saved; the view reloads, so the user sees the newer value and can
    make the change again on top of it. Changes to other values are merged.
    """

    def __init__(self, fields: list[str]) -> None:
        self.fields = fields
        where = ", ".join(_place(f)[0] + ("" if _place(f)[1] == "value" else f" {_place(f)[1]}")
                          for f in fields[:3])
        super().__init__(f"{where} was just changed in another session; the form now shows the newer value. "
                         "Make your change again if it still applies.")

    @staticmethod
    def expected(change: Callable, seen: Any, model: type) -> Any:
        """``change`` applied to the version the view showed (None when that fails)."""
        try:
            base = seen.model_copy(deep=True)
            out = change(base)
            return model.model_validate((out if isinstance(out, model) else base).model_dump())
        except Exception:  # noqa: BLE001 - only a comparison; the real save decides
            return None

    @classmethod
    def guard(cls, change: Callable, seen: Any) -> Callable:
        """Wrap ``change`` so that it refuses to overwrite a newer value of the same field.

        Parameters
        ----------
        change : callable
            The user's edit, ``change(doc)``.
        seen : pydantic model
            The document as this view last showed it.
        """
        def guarded(latest: Any) -> Any:
            before = _flat(seen.model_dump(mode="json"))
            now = _flat(latest.model_dump(mode="json"))
            theirs = _changed(before, now)
            if not theirs:
                return change(latest)
            mine_doc = cls.expected(change, seen, type(seen))
            if mine_doc is not None:
                mine = _flat(mine_doc.model_dump(mode="json"))
                clash = sorted(k for k in _changed(before, mine) & theirs
                               if mine.get(k, _MISSING) != now.get(k, _MISSING))
                if clash:
                    raise cls(clash)
            return change(latest)
        return guarded


# -- the layout ----------------------------------------------------------------------

def main_sections(view: Any) -> list[str]:
    """The sections always on screen: headline, the first chart, the advice."""
    names = list(view.sections)
    picked = [n for n in names if n == "headline"]
    chart = next((n for n in names if getattr(view.sections[n], "is_chart", False)), None)
    if chart:
        picked.append(chart)
    advice = next((n for n in ADVICE_NAMES if n in names and n not in picked), None)
    if advice:
        picked.append(advice)
    return picked or names[:1]


def session_screen(view: Any, inputs: widgets.Widget, status: widgets.Widget,
                   sync: widgets.Widget) -> widgets.Widget:
    """Form on the left, live results on the right; other sections drawn when opened."""
    shown = main_sections(view)
    rest = [n for n in view.sections if n not in shown]
    results = [sync, *(view.section(n) for n in shown)]
    if shown and shown[0] == "headline":  # a long headline scrolls in its own box: the chart stays in view
        results[1].add_class("wb-headline-box")
    if rest:
        slots = [widgets.Box(layout=widgets.Layout(width="100%")) for _ in rest]
        more = widgets.Accordion(children=slots, selected_index=None)
        for i, name in enumerate(rest):
            more.set_title(i, name.replace("_", " ").capitalize())

        def opened(change: dict) -> None:
            i = change["new"]
            if i is not None and not slots[i].children:
                slots[i].children = (view.section(rest[i]),)
        more.observe(opened, names="selected_index")
        results.append(widgets.VBox([widgets.HTML("<b>More results</b>"), more]))
    column = dict(max_height=COLUMN_HEIGHT, overflow="auto")
    scroll = widgets.VBox([inputs], layout=widgets.Layout(width="100%", max_height="690px", overflow="auto"))
    scroll.add_class("wb-col-form")
    left = widgets.VBox([scroll, status], layout=widgets.Layout(width="48%", padding="0 8px 0 0"))
    right = widgets.VBox(results, layout=widgets.Layout(width="52%", **column))
    right.add_class("wb-col-results")
    screen = widgets.VBox([widgets.HTML(SESSION_CSS), widgets.HBox([left, right], layout=widgets.Layout(
        width="100%", align_items="flex-start"))], layout=widgets.Layout(width="100%"))
    screen.add_class("wb-session-screen")
    return screen


# -- seeing other sessions' changes ----------------------------------------------------------

class Watcher:
    """One polling thread per process for every open view (started on first use).

    Each poll asks every live view for its client's file signature (a tuple of
    ``os.stat`` results) and calls ``view._external_change()`` when it moved.
    Views are held weakly: a closed or forgotten view stops being polled.
    """

    _instance: "Watcher | None" = None
    _guard = threading.Lock()

    def __init__(self, interval: float = POLL_S) -> None:
        self.interval = interval
        self._views: "weakref.WeakSet[Any]" = weakref.WeakSet()
        self._thread = threading.Thread(target=self._run, name="workbook-sync", daemon=True)
        #: Seconds spent in the last poll (all views), to show the cost.
        self.last_poll_s = 0.0
        self._thread.start()

    @classmethod
    def shared(cls) -> "Watcher":
        """The process's watcher."""
        with cls._guard:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def add(self, view: Any) -> None:
        """Start polling ``view``'s client."""
        self._views.add(view)

    def discard(self, view: Any) -> None:
        """Stop polling ``view``'s client."""
        self._views.discard(view)

    def poll_once(self) -> None:
        """Look at every view's client files once (the thread calls this)."""
        start = time.perf_counter()
        for view in list(self._views):
            try:
                view._check_external()
            except WorkbookError as exc:  # a client folder removed under us, a file mid-edit: next time
                log.info("sync check skipped for %s: %s", getattr(view, "_client", "?"), exc)
            except Exception:  # the thread must survive anything a view does
                log.exception("sync check failed")
        self.last_poll_s = time.perf_counter() - start

    def _run(self) -> None:
        while True:
            time.sleep(self.interval)
            self.poll_once()
