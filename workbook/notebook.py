"""The handful of calls a framework notebook makes.

A notebook opens its room once and then asks for pieces of it::

    room = wb.open_room("sales_marketing", client, data_dir, mode)
    room.header()            # client, framework, date, source
    room.form()              # live mode: the widget form (nothing in report mode)
    room.section("totals")   # live: redraws on every change; report: static
    room.changes()           # what moved since the previous session
    room.record()            # the machine-readable headline for the summary

The same calls serve a consultant (``mode="live"``), papermill
(``mode="report"``) and a student.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from . import registry
from .errors import InvalidInput
from .formatting import money
from .html import Html, card, bullets, esc, para
from .store import Store
from .teaching import Lesson
from .room import RoomState, render, render_static

MODES = ("live", "report")
HEADLINE_MIME = "application/vnd.workbook.headline+json"


class Headline:
    """Displays as a machine-readable headline (invisible in HTML reports)."""

    def __init__(self, framework: str, client: str, data: dict) -> None:
        self.payload = {"framework": framework, "client": client, **data}

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {HEADLINE_MIME: self.payload, "text/plain": f"headline recorded for {self.payload['framework']}"}


class Room:
    """One framework opened for one client.

    Parameters
    ----------
    framework : str
        Registered framework name.
    client : str
        Client slug.
    data_dir : str
        The data folder.
    mode : {"live", "report"}
    """

    def __init__(self, framework: str, client: str, data_dir: str = "../data", mode: str = "live") -> None:
        if mode not in MODES:
            raise InvalidInput.one("mode", mode, " or ".join(repr(m) for m in MODES))
        self.framework = registry.get(framework)
        self.client = client
        self.mode = mode
        self.store = Store(data_dir)
        self.state = RoomState.load(framework, self.store, client)
        self._view = None

    @property
    def view(self):
        """The live widget view (live mode only)."""
        if self._view is None:
            self._view = self.framework.ui.View(self.store, self.client, self.state)
        return self._view

    @property
    def result(self) -> Any:
        """The current result of the pure module."""
        return self.state.result

    def header(self) -> Html:
        """A title block naming the client, the framework, the date and the source."""
        p = self.state.profile
        facts = [p.industry] if p.industry else []
        if p.revenue_usd is not None:
            facts.append(f"revenue {money(p.revenue_usd)}")
        sep = " \u00b7 "
        meta = sep.join([*facts, f"{date.today():%d %B %Y}"])
        note = ('<p class="wb-fictional"><i>Fictional example client, for teaching and demonstration.</i></p>'
                if p.fictional else "")
        return Html(
            f'<header class="wb-header"><div class="wb-kicker">{esc(self.framework.title)}</div>'
            f'<h2 class="wb-client">{esc(p.name)}</h2>'
            f'<p class="wb-meta">{esc(meta)}</p>'
            f'{note}<p class="wb-source">Source: {esc(self.framework.citation)}</p></header>')

    def form(self) -> Any:
        """The widget form in live mode; nothing in report mode."""
        return self.view.form() if self.mode == "live" else None

    def section(self, name: str) -> Any:
        """One results section: live widget, or static figure/HTML for reports."""
        if self.mode == "live":
            return self.view.section(name)
        return render_static(render(self.framework.name, name, self.state.context))

    def changes(self) -> Html | None:
        """What changed since the previous session, when there is an earlier one."""
        lines = changes_since_previous(self.store, self.client, self.framework.name)
        if lines is None:
            return None
        body = bullets(lines) if lines else para("Nothing changed since the previous session.")
        return card("Since the previous session", body)

    def record(self) -> Headline:
        """The headline results, as a display the batch runner and summary read."""
        return Headline(self.framework.name, self.client, self.framework.headline(self.state.result))


def changes_since_previous(store: Store, client: str, framework: str) -> list[str] | None:
    """Compare the saved inputs with the latest snapshot of an earlier session.

    Returns None when there is no earlier session.
    """
    fw = registry.get(framework)
    current = store.load(client, framework, fw.Inputs)
    previous = store.latest_valid_snapshot(client, framework, fw.Inputs) if current is not None else None
    if previous is None:
        return None
    describe = fw.changes
    if describe is not None:
        return describe(previous, current)
    before, after = previous.model_dump(), current.model_dump()
    return [f"{key} changed." for key in after if before.get(key) != after.get(key) and key != "schema_version"]


def catalogue() -> Html:
    """A table of the registered frameworks with their notebooks and sources."""
    rows = "".join(
        f'<tr><td><a href="{esc(fw.notebook)}">{esc(fw.title)}</a></td><td><code>{esc(fw.notebook)}</code></td>'
        f"<td>{esc(fw.citation)}</td></tr>" for fw in registry.REGISTRY)
    return Html('<table class="wb-table"><tr><th>Framework</th><th>Notebook</th><th>Source</th></tr>'
                f"{rows}</table>")


def open_room(framework: str, client: str, data_dir: str = "../data", mode: str = "live") -> Room:
    """Open ``framework`` for ``client``; see :class:`Room`."""
    return Room(framework, client, data_dir, mode)


def lesson(framework: str, data_dir: str = "../data") -> Lesson:
    """Open the teaching material of ``framework`` on its example client."""
    return Lesson(framework, data_dir)
