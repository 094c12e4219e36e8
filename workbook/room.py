"""A framework opened for one client, with no widgets: state, renderer context, loading.

The layer between the pure modules and everything that shows a room: notebook
helpers (:mod:`workbook.notebook`), lessons, reports, the batch runner and the
widget views (:mod:`workbook.ui.base` builds on :class:`RoomState`). Nothing here
imports ipywidgets, so reports, batch workers and lessons never load it.

- :class:`RoomState` holds a framework's inputs, tables and current result for
  one client; :meth:`RoomState.load` reads them through the store (defaults
  when nothing is saved; related frameworks' inputs added to the tables).
- :class:`Context` is what a section renderer sees.
- :func:`render` runs one named section renderer of the room's view module;
  :func:`render_static` turns a renderer's output into a notebook display.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from pydantic import BaseModel

from . import registry
from .spec import FrameworkSpec
from .store import Profile, Store

#: A section renderer: ``fn(ctx) -> Figure | str | None``.
Renderer = Callable[["Context"], Any]


@dataclass
class Context:
    """What a section renderer sees: the client, its inputs and the result."""

    client: str
    profile: Profile
    inputs: BaseModel
    tables: dict
    result: Any


def load_tables(spec: FrameworkSpec, store: Store, client: str) -> dict:
    """A client's validated tables for ``spec``, plus the saved inputs of its related frameworks.

    Missing tables are left out (``evaluate`` treats them as not yet imported);
    a related framework the client has not saved is left out too.
    """
    tables = {}
    for name, validator in spec.tables.items():
        frame = store.load_table(client, spec.name, name, validator)
        if frame is not None:
            tables[name] = frame
    for name in spec.related:
        if store.has(client, name):
            related = store.load(client, name, registry.get(name).Inputs)
            if related is not None:
                tables[name] = related
    return tables


class RoomState:
    """A framework's inputs and current result, with no widgets.

    Parameters
    ----------
    framework : str
        Registered framework name.
    client : str
        Client slug.
    profile : Profile
    inputs : pydantic model or dict
        The framework's ``Inputs`` (a dict is validated).
    tables : dict
        Validated tables.
    """

    def __init__(self, framework: str, client: str, profile: Profile, inputs: BaseModel | dict, tables: dict) -> None:
        self.spec = registry.get(framework)
        self.module = self.spec.module
        self.framework = framework
        self.client = client
        self.profile = profile
        self.inputs = self.spec.validate(inputs)
        self.tables = tables
        self.result = self.spec.evaluate(self.inputs, tables)

    @classmethod
    def load(cls, framework: str, store: Store, client: str) -> "RoomState":
        """Read a client's saved inputs and tables through the store (defaults when none are saved)."""
        spec = registry.get(framework)
        inputs = store.load(client, framework, spec.Inputs) or spec.default_inputs()
        return cls(framework, client, store.load_profile(client), inputs, load_tables(spec, store, client))

    def replace(self, inputs: BaseModel | None = None, tables: dict | None = None) -> None:
        """Swap in new inputs or tables and recompute."""
        if inputs is not None:
            self.inputs = inputs
        if tables is not None:
            self.tables = tables
        self.result = self.spec.evaluate(self.inputs, self.tables)

    @property
    def context(self) -> Context:
        """The renderer context for the current state."""
        return Context(self.client, self.profile, self.inputs, self.tables, self.result)


def sections(framework: str) -> Mapping[str, Renderer]:
    """The section renderers of ``framework``'s view module, in display order.

    The view module is imported on first use (it defines the widget form too),
    so importing a lesson or a report does not load ipywidgets.
    """
    return registry.get(framework).ui.SECTIONS


def render(framework: str, name: str, ctx: Context) -> Any:
    """Run the section renderer ``name`` of ``framework`` on ``ctx`` (a figure, HTML or None).

    Raises
    ------
    InvalidInput
        When the room has no section of that name, listing the ones it has.
    """
    from .errors import InvalidInput

    found = sections(framework)
    if name not in found:
        raise InvalidInput.one("section", name, ", ".join(found))
    return found[name](ctx)


def figure_title(fig: Any) -> str:
    """A figure's first title, as alternative text for reports and screen readers."""
    for ax in fig.axes:
        for loc in ("left", "center", "right"):
            title = ax.get_title(loc)
            if title:
                return title
    return fig.get_suptitle() or "Chart"


def render_static(rendered: Any) -> Any:
    """Turn a renderer's output into something a notebook displays (report mode)."""
    from IPython.display import Image
    from matplotlib.figure import Figure

    from .charts import png_bytes
    from .html import Html

    if rendered is None:
        return None
    if isinstance(rendered, Figure):
        return Image(data=png_bytes(rendered), format="png", alt=figure_title(rendered))
    return Html(rendered)
