"""What every room's widget view shares: state, autosave, live sections.

A room's view module (``workbook/ui/<name>.py``) provides:

- ``SECTIONS``: ``{name: renderer}``; a renderer takes a :class:`Context` and
  returns a matplotlib ``Figure`` or an HTML string. The same renderers draw
  the live widgets and the static report, so a chart looks the same in both.
- ``View``: a subclass of :class:`RoomView` that builds its input widgets in
  ``_build_inputs`` and turns every user change into ``self._apply(change)``,
  where ``change`` edits the saved document; the base class saves it under the
  client's lock, recomputes through the pure module and redraws the sections.
  Each input widget is bound to the saved state (:mod:`workbook.ui.binding`),
  so another session's change is set in the widgets already on screen.
- An Import tab, in rooms with a table: ``import_table`` names the table,
  :meth:`RoomView._import_controls` builds the file box and upload button, and
  :meth:`RoomView._import` reads, validates, saves and shows the table.

Nothing is displayed in ``__init__``; widgets are built on first use.
"""
from __future__ import annotations

import asyncio
import gc
import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from typing import Any, Callable

import ipywidgets as widgets
from matplotlib.figure import Figure
from pydantic import BaseModel

from ..charts import LayeredChart, png_bytes
from ..errors import InvalidInput, WorkbookError
from ..html import bullets, card, esc, no_math
from ..room import Context, RoomState, figure_title, render_static  # noqa: F401  (moved; re-exported)
from ..store import Store
from ..store_helpers import client_version
from .binding import BindingMixin
from .imports import ImportMixin
from .session import Conflict, Watcher, field_note, note_html, plain_error, session_screen

log = logging.getLogger(__name__)


def _main_loop() -> asyncio.AbstractEventLoop | None:
    """The kernel's event loop when called from a handler on it (a widget change), else None."""
    if threading.current_thread() is not threading.main_thread():
        return None
    try:
        return asyncio.get_running_loop()
    except RuntimeError:  # no loop running: a script, a test, papermill's plain execution
        return None


def _call_on(loop: asyncio.AbstractEventLoop, fn: Callable[..., None], *args: Any) -> None:
    """Run ``fn(*args)`` on ``loop``'s thread (from another thread); nothing when the loop has closed."""
    try:
        loop.call_soon_threadsafe(fn, *args)
    except RuntimeError:  # the kernel is shutting down
        log.debug("event loop closed; %s not run", fn)


def advice_section(ctx: Context) -> str:
    """Recommendations and anything to be careful about.

    A section renderer for rooms whose result has ``recommendations`` and
    ``warnings`` (lists of plain sentences); the warnings part is left out
    when there are none.
    """
    res = ctx.result
    parts = ["<h4>What to do</h4>", bullets(res.recommendations)]
    if res.warnings:
        parts += ["<h4>Read with care</h4>", bullets(res.warnings)]
    return card("Recommendations", "".join(parts))


_HEAP_FROZEN = False


def _freeze_heap_once() -> None:
    """Collect garbage once, then move what survives out of the collector's way.

    A notebook kernel holds hundreds of thousands of long-lived objects
    (pandas, matplotlib, IPython); without this, every collection walks them
    all and a live redraw stalls. Done once per process, when a live form is
    first built.
    """
    global _HEAP_FROZEN
    if not _HEAP_FROZEN:
        gc.collect()
        gc.freeze()
        _HEAP_FROZEN = True


def _same_tables(a: dict, b: dict) -> bool:
    """Whether two ``tables`` dicts hold the same frames and related documents."""
    if a.keys() != b.keys():
        return False
    for key, value in a.items():
        other = b[key]
        same = value.equals(other) if hasattr(value, "equals") else value == other
        if not same:
            return False
    return True


class RoomView(ImportMixin, BindingMixin):
    """Base widget view: autosave with a visible state and live-updating sections.

    Subclasses set ``framework`` and ``sections`` and implement
    :meth:`_build_inputs`, binding each input widget to the saved state
    (:meth:`_bind`, :meth:`_part`) so that another session's change is shown
    in the widgets already on screen.

    Parameters
    ----------
    store : Store
        The session's store.
    client : str
        Client slug.
    state : RoomState, optional
        Loaded from the store when not given.
    """

    framework: str = ""
    sections: dict[str, Callable[[Context], Figure | str | None]] = {}
    #: Sections kept on the session screen when not headline, first chart and advice (see ``session.main_sections``).
    screen_sections: tuple[str, ...] = ()
    #: Shown where a chart would be while there is nothing to draw.
    empty_chart: str = "Nothing to draw yet: enter the answers or import the data in the form."
    #: The table the Import tab fills (rooms with an Import tab only; see :mod:`workbook.ui.imports`).
    import_table: str = ""
    #: What one row of that table is, as in "Imported 400 transactions".
    import_noun: str = "rows"

    def __init__(self, store: Store, client: str, state: RoomState | None = None) -> None:
        self._store = store
        self._client = client
        self.state = state or RoomState.load(self.framework, store, client)
        self._section_widgets: dict[str, widgets.Widget] = {}
        self._chart_keys: dict[str, Any] = {}
        self._layer_cache: dict[str, dict] = {}
        self._status: widgets.HTML | None = None
        self._form: widgets.Widget | None = None
        self._generation = 0
        self._pending: Future | None = None
        self._executor: ThreadPoolExecutor | None = None
        #: Seconds from the last change to the updated form and text sections.
        self.last_refresh_s = 0.0
        #: Seconds from the last change to the last chart redrawn.
        self.last_chart_s = 0.0
        self._lock = threading.RLock()  # one change at a time: the user's or another session's
        self._drawing = threading.Lock()  # one chart drawing at a time (figures are reused: layered charts)
        self._version: tuple | None = None
        self._notes: dict[str, widgets.HTML] = {}
        self._noted: set[str] = set()
        self._note_keys: dict[int, str] = {}  # id(widget) -> the field whose message sits beside it
        self._inputs_box: widgets.Box | None = None
        self._sync_note: widgets.HTML | None = None
        self._screen: widgets.Widget | None = None
        self._syncing = False  # True while the form is set from the saved state: observers save nothing
        self._init_bindings()

    # -- public --------------------------------------------------------------
    def form(self) -> widgets.Widget:
        """The session screen: the input form beside the live results (built on first call).

        From then on the view follows the client's files: a change saved by
        another session shows here within a second (see :meth:`_check_external`).
        """
        if self._screen is None:
            _freeze_heap_once()
            self._status = widgets.HTML(self._status_html("Loaded", "muted"))
            self._sync_note = widgets.HTML("")
            self._sync_note.add_class("wb-sync")
            self._inputs_box = widgets.Box([self._build_inputs()], layout=widgets.Layout(width="100%"))
            self._form = self._inputs_box
            self._screen = session_screen(self, self._inputs_box, self._status, self._sync_note)
            self._version = self._client_version()
            Watcher.shared().add(self)
        return self._screen

    @property
    def on_screen(self) -> bool:
        """True once the session screen (with its results) has been built."""
        return self._screen is not None

    def close(self) -> None:
        """Stop following the client's files (the widgets stay as they are)."""
        Watcher.shared().discard(self)

    def section(self, name: str) -> widgets.Widget:
        """A live widget for one results section; redrawn on every change."""
        if name not in self.sections:
            raise WorkbookError(f"section: got {name!r}; allowed: {', '.join(self.sections)}")
        if name not in self._section_widgets:
            self._section_widgets[name] = widgets.Box(layout=widgets.Layout(width="100%"))
            if getattr(self.sections[name], "is_chart", False):  # drawn off the path to a usable form
                self._pending = self._charts().submit(self._draw_charts, None, self.state.context, [name],
                                                      time.perf_counter())
            else:
                self._draw(name, self.state.context)
        return self._section_widgets[name]

    def _charts(self) -> ThreadPoolExecutor:
        """The view's one chart-drawing thread (charts are drawn in order, never two at once)."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"charts-{self.framework}")
        return self._executor

    def wait_for_charts(self, timeout: float = 10.0) -> None:
        """Block until charts scheduled by the last change are drawn (tests, benchmarks)."""
        if self._pending is not None:
            self._pending.result(timeout)

    # -- for subclasses ------------------------------------------------------
    def _build_inputs(self) -> widgets.Widget:  # pragma: no cover - abstract
        raise NotImplementedError

    def _after_change(self) -> None:
        """Hook: update input-side labels after a recompute."""

    def _set(self, field: str, value: Any) -> bool:
        """Save one top-level input field; a refused value saves nothing and says why."""
        if self._syncing:
            return False
        model = self.state.module.Inputs
        return self._apply(lambda doc: model.model_validate({**doc.model_dump(), field: value}), field=field)

    def _say_problems(self, exc: WorkbookError, field: str | None, text: str) -> None:
        """Put each problem beside its own field when it has a slot, else beside ``field``."""
        lines: dict[str, list[str]] = {}
        for problem in getattr(exc, "problems", []):
            parts = [p for p in problem.field.replace("[", ".[").split(".") if p]
            key = next((k for k in (problem.field, parts[-1] if parts else "", parts[0] if parts else "")
                        if k in self._notes), field)
            if key is not None:
                lines.setdefault(key, []).append(plain_error(InvalidInput([problem])))
        if not lines and field is not None:
            lines[field] = [text]
        for key, said in lines.items():
            self._say(key, "\n".join(said[:3]))
            self._noted.add(key)

    def _with_note(self, widget: widgets.Widget, key: str) -> widgets.HBox:
        """``widget`` with the message slot of field ``key`` beside it."""
        self._note_keys[id(widget)] = key
        return widgets.HBox([widget, self._note(key)], layout=widgets.Layout(align_items="center"))

    def _forget_refusal(self, widget: widgets.Widget) -> None:
        """Clear the message beside ``widget`` once it shows a saved value again (another session set it)."""
        key = self._note_keys.get(id(widget))
        if key in self._noted:
            self._say(key, "")
            self._noted.discard(key)

    def _note(self, key: str) -> widgets.HTML:
        """The message slot shown beside field ``key`` (pass ``key`` to :meth:`_apply`)."""
        if key not in self._notes:
            self._notes[key] = field_note()
        return self._notes[key]

    def _say(self, key: str | None, text: str) -> None:
        """Show ``text`` beside field ``key`` (nothing when the field has no slot)."""
        if key is not None:
            self._note(key).value = note_html(text)

    def _apply(self, change: Callable[[BaseModel], BaseModel | None], field: str | None = None) -> bool:
        """Save a change under the client's lock, recompute and redraw.

        Only the user's change is applied, to the latest saved document, so a
        change another session saved meanwhile is kept (merged field by field).
        When that other session changed the very value this change touches,
        nothing is saved and the message says so (see :class:`Conflict`).
        Returns False (and shows why, beside ``field`` and in the status line,
        saving nothing) when the change is invalid, and False without a word
        while the form is being set from the saved state.
        """
        if self._syncing:
            return False
        start = time.perf_counter()
        model = self.state.module.Inputs
        with self._lock:
            seen = self.state.inputs
            try:
                saved = self._store.update(self._client, self.framework, model, Conflict.guard(change, seen),
                                           default=model)
            except WorkbookError as exc:
                text = plain_error(exc)
                self._say_problems(exc, field, text)
                self._set_status(f"Not saved: {text}", "bad")
                log.info("change refused for %s/%s: %s", self._client, self.framework, exc)
                if isinstance(exc, Conflict):
                    self._check_external(force=True)
                return False
            for key in self._noted:
                self._say(key, "")
            self._noted.clear()
            merged = saved != Conflict.expected(change, seen, model)
            self._version = self._client_version()
            self.state.replace(inputs=saved)
            # The form shows what was saved (with another session's changes, if any), once the results
            # are on their way: a portfolio's job boxes all get the new list of jobs, after the headline.
            self._refresh(start, then=self._reload_quietly if merged or self._bound else None)
            note = " (with another session's changes merged in)" if merged else ""
            self._set_status(f"Saved {datetime.now():%H:%M:%S}{note}", "good")
            self.last_refresh_s = time.perf_counter() - start
        return True

    # -- following other sessions ------------------------------------------------
    def _client_version(self) -> tuple:
        return client_version(self._store, self._client, self.framework,
                              tuple(getattr(self.state.module, "RELATED", ())))

    def _check_external(self, force: bool = False) -> bool:
        """Reload and redraw when another session changed the client's files.

        Called by the :class:`~workbook.ui.session.Watcher` thread a few
        times a second; costs one ``os.stat`` per file when nothing changed.
        Returns True when the view now shows another session's change.
        """
        if not force and self._client_version() == self._version:
            return False
        with self._lock:
            version = self._client_version()
            if not force and version == self._version:
                return False
            fresh = RoomState.load(self.framework, self._store, self._client)
            self._version = version
            state = self.state
            if (fresh.inputs == state.inputs and fresh.profile == state.profile
                    and _same_tables(fresh.tables, state.tables)):
                return False
            before = self._shown_saved() if self._noted else None  # refused entries on screen stay
            state.profile, state.inputs, state.tables, state.result = (fresh.profile, fresh.inputs, fresh.tables,
                                                                       fresh.result)
            self._refresh(then=lambda: self._reload_quietly(before))
            if self._sync_note is not None:
                self._sync_note.value = f"&#8635; Updated from another session {datetime.now():%H:%M:%S}"
        return True

    def _reload_quietly(self, before: dict | None = None) -> None:
        with self._quiet():
            self._reload_inputs(before)

    def _refresh(self, start: float | None = None, then: Callable[[], None] | None = None) -> None:
        """Redraw the text sections and charts, then set the form (``then``); latest change wins.

        In a kernel, for a change made on its main thread (a click), the text
        goes out first, then the layered charts are drawn right there (a data
        layer costs 10 to 20 ms; drawn in another thread it took up to twice
        that, the two threads taking turns with the interpreter), then the form
        is set: the browser gets the results and the main picture before the
        form updates it would otherwise handle first. Charts drawn whole are
        drawn by the view's chart thread, and ``then`` waits for them
        (:func:`_main_loop`). Elsewhere (the watcher thread, tests, no kernel)
        every chart is drawn by the chart thread and ``then`` runs first.
        """
        ctx = self.state.context
        charts = [n for n in self._section_widgets if getattr(self.sections[n], "is_chart", False)]
        for name in self._section_widgets:
            if name not in charts:
                self._draw(name, ctx)
        loop = _main_loop()
        now = [n for n in charts if isinstance(self.sections[n], LayeredChart)] if loop is not None else []
        later = [n for n in charts if n not in now]
        if now:
            self._generation += 1  # a chart still queued from an earlier change is not drawn
            self._draw_charts(None, ctx, now, start or time.perf_counter())
        deferred = loop is not None and then is not None and bool(later)
        if then is not None and not deferred:
            then()
        self._after_change()
        if later:
            self._generation += 1
            after = (lambda: _call_on(loop, self._locked, then)) if deferred else None
            self._pending = self._charts().submit(self._draw_charts, self._generation, ctx, later,
                                                  start or time.perf_counter(), after)

    def _locked(self, fn: Callable[[], None]) -> None:
        with self._lock:
            fn()

    def _draw_charts(self, generation: int | None, ctx: Context, names: list[str], start: float,
                     after: Callable[[], None] | None = None) -> None:
        try:
            if generation is not None and generation != self._generation:  # a newer change is queued
                return
            with self._drawing:  # the chart thread and a click's own drawing never share a figure
                was_enabled = gc.isenabled()
                gc.disable()  # a full collection in the middle of a draw doubles its time
                try:
                    for name in names:
                        self._draw(name, ctx)
                except Exception:  # a chart must never break the form; the error is logged
                    log.exception("chart redraw failed for %s", self.framework)
                finally:
                    if was_enabled:
                        gc.enable()
            self.last_chart_s = time.perf_counter() - start
        finally:
            if after is not None:
                after()

    # -- internals -------------------------------------------------------------
    def _draw(self, name: str, ctx: Context) -> None:
        renderer = self.sections[name]
        key_of = getattr(renderer, "chart_key", None)
        if key_of is not None:
            key = key_of(ctx)
            if name in self._chart_keys and self._chart_keys[name] == key:
                return
            self._chart_keys[name] = key
        box = self._section_widgets[name]
        live_png = getattr(renderer, "live_png", None)
        if live_png is not None:  # a layered chart: static layer kept, data layer redrawn
            png, rendered = live_png(ctx, self._layer_cache.setdefault(name, {})), None
        else:
            rendered = renderer(ctx)
            png = png_bytes(rendered) if isinstance(rendered, Figure) else None
        if png is not None:
            current = box.children[0] if box.children else None
            if isinstance(current, widgets.Image):
                current.value = png
            else:
                box.children = (widgets.Image(value=png, format="png", layout=widgets.Layout(max_width="100%")),)
        else:
            text = no_math(rendered) if isinstance(rendered, str) and rendered else ""
            if not text and getattr(renderer, "is_chart", False):  # an empty chart says what would fill it
                text = f'<p class="wb-empty" style="color:#52606d"><i>{esc(self.empty_chart)}</i></p>'
            current = box.children[0] if box.children else None
            if isinstance(current, widgets.HTML):
                current.value = text
            else:
                box.children = (widgets.HTML(text),)

    def _set_status(self, text: str, tone: str) -> None:
        if self._status is not None:
            self._status.value = self._status_html(text, tone)

    @staticmethod
    def _status_html(text: str, tone: str) -> str:
        colour = {"good": "#2a9d8f", "bad": "#c0392b", "muted": "#7b8794"}[tone]
        body = "<br>".join(esc(line) for line in text.splitlines())  # one problem per line
        return f'<span class="wb-save-state" style="color:{colour};font-size:90%">{body}</span>'
