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

import copy
import os
import threading
from datetime import date
from pathlib import Path
from typing import Any

from . import registry
from .clients import EXAMPLE_DATA_DIR, PRESENT_ENV, START_NOTEBOOK, find_client, locate_data_dir, resolve_data_dir
from .errors import InvalidInput, UnknownClient, WorkbookError
from .formatting import money
from .html import Html, card, bullets, esc, para
from .store import Store
from .store_helpers import client_version, read_text
from .teaching import Lesson
from .room import RoomState, render, render_static

MODES = ("live", "report")
#: The script that brings the session screen into view after Run All (see :func:`focus_session_screen`).
FOCUS_SCRIPT = Path(__file__).resolve().parent / "templates" / "session_focus.js"
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

    def __init__(self, framework: str, client: str, data_dir: str | None = None, mode: str = "live") -> None:
        if mode not in MODES:
            raise InvalidInput.one("mode", mode, " or ".join(repr(m) for m in MODES))
        self.framework = registry.get(framework)
        self.client = client
        self.mode = mode
        self.store = Store(resolve_data_dir(data_dir))
        example = mode == "live" and client == self.framework.lesson.EXAMPLE_CLIENT
        version = _fingerprint(self.store, client, self.framework) if example else None
        self.state = RoomState.load(framework, self.store, client)
        if example:  # the lesson further down this notebook reads the same files: it starts from these
            _remember_example(framework, self.store.root, version, self.state)
        self._view = None
        #: Whether the client came from the start page's choice (said in the live header).
        self.from_start_page = False

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
            f'{note}{self._session_line()}<p class="wb-source">Source: {esc(self.framework.citation)}</p></header>')

    def _session_line(self) -> str:
        """Live mode in JupyterLab: which client folder is open, where, and the way back to the start page.

        Left out of reports and of the client's screen (``workbook present``): the folder may be confidential.
        """
        if self.mode != "live" or os.environ.get(PRESENT_ENV):
            return ""
        how = ", chosen on the start page" if self.from_start_page else ""
        return (f'<p class="wb-session">Open: <b class="wb-open-client">{esc(self.state.profile.name)}</b> '
                f"(folder <code>{esc(self.client)}</code>{esc(how)}) in <code>{esc(self.store.root)}</code>"
                f' \u00b7 <a class="wb-start-link" href="{esc(START_NOTEBOOK)}">Start page: '
                "another client or framework</a></p>")

    def form(self) -> Any:
        """The widget form in live mode, under a line naming the client; nothing in report mode.

        In JupyterLab it also brings the session screen to the top of the
        notebook once Run All has scrolled away (:func:`focus_session_screen`).
        """
        if self.mode != "live":
            return None
        from .ui.start import client_banner

        focus_session_screen()
        return client_banner(self.state.profile.name, self.framework.title, self.view.form())

    def section(self, name: str) -> Any:
        """One results section: live widget, or static figure/HTML for reports."""
        if self.mode == "live":  # already on the session screen, or drawn there when opened
            return None if self.view.on_screen else self.view.section(name)
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


def focus_session_screen() -> None:
    """Display the invisible script that keeps the calling cell at the top of the notebook while Run All ends.

    *Run All Cells* leaves JupyterLab on the last cell (the exercises); the
    script (``templates/session_focus.js``) scrolls the cell it is shown in to
    the top and holds it there until the page is still or the user scrolls,
    clicks or types. Not shown on the client's screen (``workbook present``),
    which opens at the top anyway, nor outside a notebook kernel.
    """
    if os.environ.get(PRESENT_ENV):
        return
    from IPython import get_ipython
    from IPython.display import display

    if get_ipython() is None:
        return
    script = read_text(FOCUS_SCRIPT)
    if script:
        display({"application/javascript": script}, raw=True)


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


def open_room(framework: str, client: str, data_dir: str | None = None, mode: str = "live") -> Any:
    """Open ``framework`` for ``client``; see :class:`Room`.

    ``client`` may be ``"@start-page"``: the client chosen on the start page.
    ``data_dir`` blank or None means ``$WORKBOOK_DATA_DIR``, else the default
    ``data/`` folder (:func:`workbook.clients.resolve_data_dir`, as the CLI).
    In live mode an unknown or missing client gives a room that shows one
    plain line and a client picker, and opens itself in place once a client
    is picked; in report mode it is an error.
    """
    registry.get(framework)
    folder = locate_data_dir(data_dir)
    found = find_client(client, folder.path)
    if found.slug is None:
        if mode == "report":
            raise UnknownClient(found.problem)
        from .ui.start import PendingRoom

        return PendingRoom(framework, folder, found.problem, mode, opener=Room)
    try:
        room = Room(framework, found.slug, str(folder.path), mode)
    except WorkbookError as exc:  # e.g. a damaged file: say so plainly in a session, fail a report
        if mode == "report":
            raise
        from .ui.start import PendingRoom

        first = str(exc).splitlines()[0]
        return PendingRoom(framework, folder, f"{found.slug} could not be opened ({first}).", mode, opener=Room)
    room.from_start_page = found.from_start_page
    return room


def data_folder(data_dir: str | None = None) -> str:
    """The data folder a notebook uses: ``data_dir`` if given, else as the CLI finds it."""
    return str(resolve_data_dir(data_dir))


def lesson(framework: str, data_dir: str | None = None) -> Lesson:
    """Open the teaching material of ``framework`` on its example client.

    The example client is read from the session's data folder when it is
    there, else from the examples shipped with the workbook (a confidential
    share named by ``$WORKBOOK_DATA_DIR`` need not hold them).
    """
    folder = resolve_data_dir(data_dir)
    fw = registry.get(framework)
    example = fw.lesson.EXAMPLE_CLIENT
    if not find_client(example, folder).slug and find_client(example, EXAMPLE_DATA_DIR).slug:
        folder = EXAMPLE_DATA_DIR
    key = (framework, str(Path(folder).resolve()))
    version = _fingerprint(Store(str(folder)), example, fw)
    while True:
        with _LESSONS_LOCK:
            kept = _LESSONS.get(key)
            if kept is not None and kept[0] == version:
                return kept[1]
            busy = _LESSONS_BUSY.get(key)
            if busy is None:  # this thread works it out
                busy = _LESSONS_BUSY[key] = threading.Event()
                opened = _EXAMPLES_OPENED.get(key)
                break
        busy.wait(LESSON_WAIT_S)  # a waiting kernel's warm-up is working it out: the same lesson, once
        with _LESSONS_LOCK:
            if _LESSONS_BUSY.get(key) is busy and not busy.is_set():
                return Lesson(framework, str(folder))  # stuck (it never is): work it out here, unshared
    try:
        made = Lesson(framework, str(folder), state=opened[1] if opened is not None and opened[0] == version
                      else None)
        with _LESSONS_LOCK:
            _LESSONS[key] = (version, made)
    finally:
        with _LESSONS_LOCK:
            _LESSONS_BUSY.pop(key, None)
        busy.set()
    return made


#: Lessons already worked out in this kernel, by framework and data folder, with the fingerprint of the
#: example client's files they were read from (a lesson is read again once those files change). The
#: pool's waiting kernels fill this ahead of time (:mod:`workbook.warm`), so a lesson costs nothing on
#: *Run All*.
_LESSONS: dict[tuple[str, str], tuple[tuple, Lesson]] = {}
_LESSONS_LOCK = threading.Lock()
#: Lessons being worked out right now (by a waiting kernel's warm-up, say), by the same key: a notebook
#: asking for one of them waits for it instead of working it out a second time alongside.
_LESSONS_BUSY: dict[tuple[str, str], threading.Event] = {}
#: Longest wait for a lesson being worked out elsewhere (the workbook's margin: customer value's, the
#: longest, takes under a second).
LESSON_WAIT_S = 30.0
#: A room opened live on a lesson's example client (a student's session), by framework and data folder:
#: the fingerprint of the files it read and a copy of its state as read. The lesson cells below it start
#: from that copy instead of reading and working out the same files again (customer value: 0.5 s).
_EXAMPLES_OPENED: dict[tuple[str, str], tuple[tuple, RoomState]] = {}


def _fingerprint(store: Store, client: str, fw: Any) -> tuple:
    """What a framework's files for ``client`` look like now (see :func:`client_version`)."""
    return client_version(store, client, fw.name, tuple(getattr(fw.module, "RELATED", ())))


def _remember_example(framework: str, folder: Any, version: tuple, state: RoomState) -> None:
    with _LESSONS_LOCK:
        _EXAMPLES_OPENED[(framework, str(Path(folder).resolve()))] = (version, copy.copy(state))


class NoClient(UnknownClient):
    """A notebook has no usable client; shows as its one plain line, without a traceback."""

    def _render_traceback_(self) -> list[str]:
        return [str(self)]


def session_client(client: str, data_dir: str | None = None, mode: str = "live") -> tuple[str, str]:
    """Resolve a notebook's ``client`` and ``data_dir`` parameters to a client folder name and data folder.

    For notebooks that do not open a framework room (the executive summary).
    When there is no usable client, live mode shows the plain line and a
    picker (pick, then run the cells again) and stops the run with that line.

    Raises
    ------
    NoClient
        The one plain line (never naming other clients).
    """
    folder = locate_data_dir(data_dir)
    found = find_client(client, folder.path)
    if found.slug is not None:
        return found.slug, str(folder.path)
    if mode == "live":
        from IPython.display import display

        from .clients import record_choice
        from .ui.start import ClientPicker

        def chosen(row) -> None:
            record_choice(row.slug, folder.path)
            note.value = f"<p>Chosen: <b>{esc(row.name)}</b>. Now run all cells again (Run \u25b8 Run All Cells).</p>"

        import ipywidgets as widgets

        note = widgets.HTML()
        display(widgets.VBox([ClientPicker(Store(folder.path), chosen, list_all=False).widget, note]))
    raise NoClient(found.problem)
