"""What every room's widget view shares: state, autosave, live sections.

A room's view module (``workbook/ui/<name>.py``) provides:

- ``SECTIONS``: ``{name: renderer}``; a renderer takes a :class:`Context` and
  returns a matplotlib ``Figure`` or an HTML string. The same renderers draw
  the live widgets and the static report, so a chart looks the same in both.
- ``View``: a subclass of :class:`RoomView` that builds its input widgets in
  ``_build_inputs`` and turns every user change into ``self._apply(change)``,
  where ``change`` edits the saved document; the base class saves it under the
  client's lock, recomputes through the pure module and redraws the sections.
- An Import tab, in rooms with a table: ``import_table`` names the table,
  :meth:`RoomView._import_controls` builds the file box and upload button, and
  :meth:`RoomView._import` reads, validates, saves and shows the table.

Nothing is displayed in ``__init__``; widgets are built on first use.
"""
from __future__ import annotations

import gc
import logging
import tempfile
import time
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

import ipywidgets as widgets
from matplotlib.figure import Figure
from pydantic import BaseModel

from ..charts import png_bytes
from ..errors import WorkbookError
from ..html import bullets, card, esc, no_math
from ..room import Context, RoomState, figure_title, render_static  # noqa: F401  (moved; re-exported)
from ..store import Store

log = logging.getLogger(__name__)


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


class RoomView:
    """Base widget view: autosave with a visible state and live-updating sections.

    Subclasses set ``framework`` and ``sections`` and implement
    :meth:`_build_inputs`.

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
    #: The table the Import tab fills (rooms with an Import tab only).
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

    # -- public --------------------------------------------------------------
    def form(self) -> widgets.Widget:
        """The input form with its save indicator (built on first call)."""
        if self._form is None:
            _freeze_heap_once()
            self._status = widgets.HTML(self._status_html("Loaded", "muted"))
            self._form = widgets.VBox([self._build_inputs(), self._status],
                                      layout=widgets.Layout(width="100%"))
        return self._form

    def section(self, name: str) -> widgets.Widget:
        """A live widget for one results section; redrawn on every change."""
        if name not in self.sections:
            raise WorkbookError(f"section: got {name!r}; allowed: {', '.join(self.sections)}")
        if name not in self._section_widgets:
            self._section_widgets[name] = widgets.Box(layout=widgets.Layout(width="100%"))
            self._draw(name, self.state.context)
        return self._section_widgets[name]

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
        if getattr(self, "_syncing", False):
            return False
        model = self.state.module.Inputs
        return self._apply(lambda doc: model.model_validate({**doc.model_dump(), field: value}))

    def _apply(self, change: Callable[[BaseModel], BaseModel | None]) -> bool:
        """Save a change under the client's lock, recompute and redraw.

        Returns False (and shows why, saving nothing) when the change is invalid.
        """
        start = time.perf_counter()
        model = self.state.module.Inputs
        try:
            saved = self._store.update(self._client, self.framework, model, change, default=model)
        except WorkbookError as exc:
            self._set_status(f"Not saved: {exc}", "bad")
            log.info("change refused for %s/%s: %s", self._client, self.framework, exc)
            return False
        self.state.replace(inputs=saved)
        self._refresh(start)
        self._set_status(f"Saved {datetime.now():%H:%M:%S}", "good")
        self.last_refresh_s = time.perf_counter() - start
        return True

    def _refresh(self, start: float | None = None) -> None:
        """Redraw text sections now and charts off the click path (latest change wins)."""
        ctx = self.state.context
        charts = [n for n in self._section_widgets if getattr(self.sections[n], "is_chart", False)]
        for name in self._section_widgets:
            if name not in charts:
                self._draw(name, ctx)
        self._after_change()
        if charts:
            self._generation += 1
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"charts-{self.framework}")
            self._pending = self._executor.submit(self._draw_charts, self._generation, ctx, charts,
                                                  start or time.perf_counter())

    def _draw_charts(self, generation: int, ctx: Context, names: list[str], start: float) -> None:
        if generation != self._generation:  # a newer change is already queued
            return
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

    # -- importing a table (rooms with an Import tab) ---------------------------
    def _import_controls(self, style: dict) -> tuple[widgets.HBox, widgets.FileUpload]:
        """Build the Import tab's file widgets, wired to :meth:`_import`.

        Parameters
        ----------
        style : dict
            The ``style`` of the file-path box (its description width).

        Returns
        -------
        row : ipywidgets.HBox
            A box for the path of a ``.csv`` or ``.xlsx`` export and its Import button.
        upload : ipywidgets.FileUpload
            Imports the chosen file as soon as it is uploaded.
        """
        self._path = widgets.Text(placeholder="path to a .csv or .xlsx export", description="File", style=style,
                                  layout=widgets.Layout(width="520px"))
        load = widgets.Button(description="Import", icon="upload")
        load.on_click(lambda _: self._import(self._path.value.strip()))
        self._upload = widgets.FileUpload(accept=".csv,.xlsx,.xlsm", multiple=False, description="Upload")
        self._upload.observe(lambda _: self._import_upload(), names="value")
        return widgets.HBox([self._path, load]), self._upload

    def _import(self, source: str) -> None:
        """Import a ``.csv`` or ``.xlsx`` file as the room's ``import_table``.

        The file goes through the store with the framework's validator and the
        column renames of :meth:`_import_columns`. When it cannot be read or does
        not validate, nothing is saved and the status says why; otherwise the
        table is swapped into the state, :meth:`_after_import` runs, the sections
        are redrawn and the status says how many rows came in.

        Parameters
        ----------
        source : str
            Path of the file.
        """
        try:
            columns = self._import_columns()
            clean = self._store.import_table(self._client, self.framework, self.import_table, source,
                                             columns=columns or None,
                                             validator=self.state.module.TABLES[self.import_table])
        except (WorkbookError, ValueError, OSError) as exc:  # unreadable files too
            self._set_status(f"Not imported: {exc}", "bad")
            return
        self.state.replace(tables={**self.state.tables, self.import_table: clean})
        self._after_import()
        self._refresh()
        self._set_status(f"Imported {len(clean):,} {self.import_noun} {datetime.now():%H:%M:%S}", "good")

    def _import_upload(self) -> None:
        """Import the file just uploaded, from a temporary copy under its own name."""
        files = self._upload.value
        if not files:
            return
        item = files[0]
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / Path(item["name"]).name
            path.write_bytes(bytes(item["content"]))
            self._import(str(path))

    def _import_columns(self) -> dict[str, str] | None:
        """Hook: renames ``{column in the file: column the framework expects}`` from the form."""
        return None

    def _after_import(self) -> None:
        """Hook: runs after an imported table is swapped in, before the redraw."""

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
