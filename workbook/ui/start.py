"""The start page and the client picker (widgets over :mod:`workbook.clients`).

The start page (``notebooks/00_start_here.ipynb``) lets the consultant find a
client in a searchable list or create one, says where the data lives, records
the choice for this JupyterLab server and links every framework notebook,
which then opens that client (their parameters say ``client =
"@start-page"``). A framework notebook whose client is missing or unknown
shows one plain line and a picker instead (:class:`PendingRoom`) and opens
in place once a client is picked.
"""
from __future__ import annotations

import logging
import os
from typing import Any, Callable

import ipywidgets as widgets
from IPython.display import HTML

from .. import registry
from ..clients import (
    PRESENT_ENV,
    START_NOTEBOOK,
    ClientRow,
    DataFolder,
    client_rows,
    locate_data_dir,
    money_short,
    new_client,
    record_choice,
    search,
    slug_for,
)
from ..errors import InvalidInput, WorkbookError
from ..html import esc, no_math
from ..store import Store

log = logging.getLogger(__name__)

#: The picker in a framework notebook lists clients only once this many letters are typed.
MIN_QUERY = 2
_ERROR = "color:#b42318;font-size:90%;margin:0 0 6px 0"
_FULL = widgets.Layout(width="100%")


def _rendered(html: str) -> widgets.Output:
    """An output area showing ``html`` through JupyterLab's renderer (links open notebooks in place)."""
    out = widgets.Output(layout=_FULL)
    out.append_display_data(HTML(no_math(html)))
    return out


def client_banner(client_name: str, title: str, form: widgets.Widget) -> widgets.VBox:
    """``form`` under a line naming the open client and framework, with the way back to the start page."""
    back = ("" if _presenting() else
            f' \u00b7 <a class="wb-start-link" href="{esc(START_NOTEBOOK)}">Start page</a>')
    line = (f'<div class="wb-banner" style="font-size:95%;color:#3e4c59;margin-bottom:4px">'
            f'Client: <b class="wb-open-client">{esc(client_name)}</b> \u00b7 {esc(title)}{back}</div>')
    return widgets.VBox([_rendered(line), form], layout=_FULL)


def _presenting() -> bool:
    return bool(os.environ.get(PRESENT_ENV))


class ClientPicker:
    """A search box over the clients of one data folder and the list of matches.

    Parameters
    ----------
    store : Store
        The data folder's store.
    on_pick : callable
        Called with the picked :class:`ClientRow`.
    list_all : bool
        List every client before anything is typed (the start page); when
        False the list stays empty until ``MIN_QUERY`` letters are typed, so a
        screen the client can see never shows other clients' names unasked.
    """

    def __init__(self, store: Store, on_pick: Callable[[ClientRow], None], list_all: bool = True) -> None:
        self._store = store
        self._on_pick = on_pick
        self._list_all = list_all
        self._rows: list[ClientRow] = []
        self._quiet = False
        self.query = widgets.Text(placeholder="Type part of the name, industry or folder",
                                  description="Find", continuous_update=True, layout=_FULL)
        self.query.add_class("wb-client-search")
        self.listing = widgets.Select(options=[], rows=8, layout=_FULL)
        self.listing.add_class("wb-client-list")
        self.count = widgets.HTML()
        self.widget = widgets.VBox([self.query, self.listing, self.count], layout=_FULL)
        self.query.observe(lambda _change: self._filter(), "value")
        self.listing.observe(self._picked, "value")
        self.reload()

    def reload(self, select: str | None = None) -> None:
        """Read the client list again (after a new client), optionally selecting ``select``."""
        self._rows = client_rows(self._store)
        self._filter(select)

    def _filter(self, select: str | None = None) -> None:
        text = self.query.value.strip()
        shown = search(self._rows, text) if (self._list_all or len(text) >= MIN_QUERY) else []
        self._quiet = True
        try:
            self.listing.options = [(row.label(), row.slug) for row in shown]
            self.listing.value = select if select in {r.slug for r in shown} else None
        finally:
            self._quiet = False
        if not self._rows:
            self.count.value = "<i>No clients in this data folder yet: create the first one.</i>"
        elif not self._list_all and len(text) < MIN_QUERY:
            self.count.value = "<i>Type at least two letters of the client's name.</i>"
        elif not shown:
            self.count.value = f"<i>No client matches {esc(text)!s}.</i>"
        else:
            self.count.value = f"<i>{len(shown)} client(s); click one to choose it.</i>"

    def _picked(self, change: dict) -> None:
        if self._quiet or change["new"] is None:
            return
        row = next((r for r in self._rows if r.slug == change["new"]), None)
        if row is not None:
            self._on_pick(row)


class NewClientForm:
    """Name, industry and revenue of a new client, each with its error line beside it.

    Parameters
    ----------
    store : Store
    on_created : callable
        Called with the new client's folder name.
    """

    FIELDS = ("name", "industry", "revenue", "folder")

    def __init__(self, store: Store, on_created: Callable[[str], None]) -> None:
        self._store = store
        self._on_created = on_created
        style = {"description_width": "90px"}
        self.name = widgets.Text(description="Name", placeholder="e.g. Acme Tools", style=style, layout=_FULL)
        self.industry = widgets.Text(description="Industry", placeholder="e.g. Industrial tools",
                                     style=style, layout=_FULL)
        self.revenue = widgets.Text(description="Revenue $", placeholder="e.g. 12M, 900k or 12,000,000 (optional)",
                                    style=style, layout=_FULL)
        self.folder = widgets.Text(description="Folder", placeholder="made from the name", style=style, layout=_FULL)
        self.errors = {f: widgets.HTML(layout=_FULL) for f in self.FIELDS}
        for field, box in self.errors.items():
            box.add_class(f"wb-field-error-{field}")
        self.create = widgets.Button(description="Create client", button_style="primary", icon="plus")
        self.status = widgets.HTML()
        self.status.add_class("wb-new-status")
        rows = []
        for field in self.FIELDS:
            rows += [getattr(self, field), self.errors[field]]
        self.widget = widgets.VBox([*rows, widgets.HBox([self.create, self.status])], layout=_FULL)
        self.name.observe(self._suggest_folder, "value")
        self.create.on_click(lambda _b: self.submit())

    def _suggest_folder(self, change: dict) -> None:
        if not self.folder.value or self.folder.value == slug_for(change["old"] or ""):
            self.folder.value = slug_for(change["new"])

    def submit(self) -> str | None:
        """Create the client; show each problem beside its field. Returns the folder name or None."""
        for box in self.errors.values():
            box.value = ""
        try:
            slug = new_client(self._store, self.name.value, self.industry.value, self.revenue.value,
                              self.folder.value)
        except InvalidInput as exc:
            for problem in exc.problems:
                shown = "nothing" if problem.value in (None, "") else repr(problem.value)
                box = self.errors.get(problem.field, self.errors["name"])
                box.value = f'<p style="{_ERROR}">Not accepted: {esc(shown)}. Allowed: {esc(problem.allowed)}.</p>'
            self.status.value = '<span style="color:#b42318">Not created: see the field above.</span>'
            return None
        except WorkbookError as exc:  # e.g. the folder is locked by another session
            self.status.value = f'<span style="color:#b42318">Not created: {esc(exc)}</span>'
            return None
        self.status.value = f'<span style="color:#2a7d4f">Created {esc(self.name.value.strip())}.</span>'
        for field in self.FIELDS:
            getattr(self, field).value = ""
        self._on_created(slug)
        return slug


def framework_links(store: Store, row: ClientRow) -> str:
    """HTML: the chosen client and one link per framework notebook (and the executive summary)."""
    items = []
    for fw in registry.REGISTRY:
        state = "has data" if fw.name in row.frameworks else "nothing entered yet"
        items.append(f'<li><a class="wb-open-{esc(fw.name)}" href="{esc(fw.notebook)}">{esc(fw.title)}</a> '
                     f'<span style="color:#7b8794">({state})</span></li>')
    items.append('<li><a class="wb-open-summary" href="executive_summary.ipynb">Executive summary</a></li>')
    revenue = f", revenue {money_short(row.revenue_usd)}" if row.revenue_usd is not None else ""
    return (f'<div class="wb-chosen"><p>Chosen for this session: <b class="wb-chosen-client">{esc(row.name)}</b> '
            f"(folder <code>{esc(row.slug)}</code>{esc(revenue)}). Click a framework to open it for this client; "
            f"its notebook opens in a new tab, then choose <b>Run \u25b8 Run All Cells</b>.</p>"
            f'<ul style="columns:2">{"".join(items)}</ul></div>')


class StartPage:
    """The start page: data folder, client picker, new-client form and framework links.

    Parameters
    ----------
    data_dir : str, optional
        As a notebook's ``data_dir`` parameter (blank: ``$WORKBOOK_DATA_DIR`` or ``data/``).
    """

    def __init__(self, data_dir: str | None = None) -> None:
        self.folder: DataFolder = locate_data_dir(data_dir)
        self.store = Store(self.folder.path)
        self.chosen = widgets.Output(layout=_FULL)
        self.chosen.append_display_data(HTML("<p><i>No client chosen yet.</i></p>"))
        self.picker = ClientPicker(self.store, self.choose, list_all=True)
        self.new = NewClientForm(self.store, self._created)

    def choose(self, row: ClientRow) -> None:
        """Record ``row`` as this server's client and show the framework links."""
        record_choice(row.slug, self.folder.path)
        log.info("start page: chose %s", row.slug)
        self.chosen.outputs = ()
        self.chosen.append_display_data(HTML(no_math(framework_links(self.store, row))))

    def _created(self, slug: str) -> None:
        self.picker.query.value = ""
        self.picker.reload(select=slug)
        row = next((r for r in client_rows(self.store) if r.slug == slug), None)
        if row is not None:
            self.choose(row)

    def widget(self) -> widgets.Widget:
        """The whole page as one widget."""
        where = (f'<p class="wb-data-folder">Client data: <code>{esc(self.folder.path)}</code> '
                 f"({esc(self.folder.source)}; set <code>WORKBOOK_DATA_DIR</code> or "
                 f"<code>workbook lab --data-dir</code> to use another folder).</p>")
        left = widgets.VBox([widgets.HTML("<h3>Pick a client</h3>"), self.picker.widget],
                            layout=widgets.Layout(width="50%", padding="0 16px 0 0"))
        right = widgets.VBox([widgets.HTML("<h3>Or create one</h3>"), self.new.widget],
                             layout=widgets.Layout(width="50%"))
        page = widgets.VBox([widgets.HTML(where), widgets.HBox([left, right], layout=_FULL), self.chosen],
                            layout=_FULL)
        page.add_class("wb-start-page")
        return page

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget())


def start_page(data_dir: str | None = None) -> StartPage:
    """The start page for ``data_dir`` (display it as a cell's last expression)."""
    return StartPage(data_dir)


class PendingRoom:
    """A framework notebook without a usable client: one plain line and a picker.

    Every call a notebook makes on a room returns a placeholder; once a client
    is picked the real room opens and fills them, so nothing needs re-running.

    Parameters
    ----------
    framework, folder, problem, mode
        The framework's name, the data folder, the plain line to show and the room's mode.
    opener : callable
        ``opener(framework, client, data_dir, mode)`` returns the opened room
        (:class:`workbook.notebook.Room`); passed in by the caller so this page
        never imports the notebook layer above it.
    """

    def __init__(self, framework: str, folder: DataFolder, problem: str, mode: str = "live", *,
                 opener: Callable[[str, str, str, str], Any]) -> None:
        self.framework = registry.get(framework)
        self.opener = opener
        self.folder = folder
        self.problem = problem
        self.mode = mode
        self.room: Any = None
        self._header = widgets.VBox(layout=_FULL)
        self._slots: list[tuple[str, widgets.Box]] = []
        self.picker = ClientPicker(Store(folder.path), self.open, list_all=False)
        line = widgets.HTML(f'<p class="wb-no-client" style="color:#b42318;font-weight:600">{esc(problem)} '
                            "Pick the client below.</p>")
        self._header.children = (line, self.picker.widget)

    def header(self) -> widgets.Widget:
        """The problem line and the picker (the header of the client once picked)."""
        return self._header

    def _slot(self, kind: str) -> widgets.Box:
        box = widgets.VBox(layout=_FULL)
        self._slots.append((kind, box))
        return box

    def form(self) -> widgets.Widget:
        """Empty until a client is picked, then the room's form."""
        return self._slot("form")

    def section(self, name: str) -> widgets.Widget:
        """Empty until a client is picked, then the live section ``name``."""
        if name not in self.framework.ui.SECTIONS:
            raise InvalidInput.one("section", name, ", ".join(self.framework.ui.SECTIONS))
        return self._slot(f"section:{name}")

    def changes(self) -> widgets.Widget:
        """Empty until a client is picked, then what changed since the previous session."""
        return self._slot("changes")

    def record(self) -> None:
        """Nothing: a session without a client records no headline."""
        return None

    @property
    def result(self) -> Any:
        """The room's result once a client is picked, else None."""
        return self.room.result if self.room is not None else None

    def open(self, row: ClientRow) -> None:
        """Open the room for ``row`` in place and remember it as the session's client."""
        record_choice(row.slug, self.folder.path)
        room = self.opener(self.framework.name, row.slug, str(self.folder.path), self.mode)
        room.from_start_page = True
        self.room = room
        self._header.children = (_rendered(str(room.header())),)
        for kind, box in self._slots:
            if kind == "form":
                box.children = (room.form(),)
            elif kind == "changes":
                changed = room.changes()
                box.children = (_rendered(str(changed)),) if changed is not None else ()
            else:  # None when the section already shows on the room's session screen
                shown = room.section(kind.split(":", 1)[1])
                box.children = (shown,) if shown is not None else ()
