"""The room contract in code: what every framework declares about itself.

Each pure module ``workbook/frameworks/<name>`` exports one :class:`FrameworkSpec`
called ``SPEC``. The registry lists module names only and reads everything else
(title, citation, notebook, headline metrics, the first action for the
executive summary's plan, the edit the browser test makes...) from the specs,
so a framework's facts live in its own room and nowhere else.

A spec also finds the room's other modules (widget view, lesson) and its
notebook, and is the one door for validating the room's inputs::

    from workbook import registry
    spec = registry.get("nps")
    inputs = spec.validate({"confidence": 0.9})   # InvalidInput naming every problem
    result = spec.evaluate(inputs, tables)
    spec.headline(result)["status"]                # one of workbook.formatting.STATUSES
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType, ModuleType
from typing import Any, Callable, Literal, Mapping

from pydantic import BaseModel

from .errors import validated

#: Where the shipped notebooks live; a spec's ``notebook`` is relative to it (or absolute).
NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
#: The executive summary's time frames (the plan's column of that name).
TIMEFRAMES = ("Next 30 days", "Next 90 days", "Next 6 months", "Next 12 months")
#: The kinds of edit the browser test can make in a form.
EDIT_KINDS = ("toggle", "select", "slider")


@dataclass(frozen=True)
class PlanAction:
    """What to do first when the framework reads amber or red (the executive summary's plan).

    Attributes
    ----------
    action : str
        One plain sentence, starting with a verb.
    owner : str
        Who does it (a role, not a person).
    timeframe : str
        One of :data:`TIMEFRAMES`.
    """

    action: str
    owner: str
    timeframe: Literal["Next 30 days", "Next 90 days", "Next 6 months", "Next 12 months"]

    def __post_init__(self) -> None:
        if self.timeframe not in TIMEFRAMES:
            raise ValueError(f"timeframe: got {self.timeframe!r}; allowed: {', '.join(TIMEFRAMES)}")
        if not self.action.strip() or not self.owner.strip():
            raise ValueError("a plan action needs an action and an owner")


@dataclass(frozen=True)
class BrowserEdit:
    """One real change a consultant makes in the room's form (the browser test makes it).

    Attributes
    ----------
    kind : {"toggle", "select", "slider"}
        ``toggle``: in the first ToggleButtons group shown, click the button
        after the selected one; ``select``: pick another option of the dropdown
        labelled ``label`` (``option`` names it, else the first one not
        selected); ``slider``: focus the handle of the slider labelled
        ``label`` and press the right arrow key.
    label : str
        The widget's label (select and slider).
    tab : str
        The form tab to open first, if any.
    option : str
        The dropdown option to pick (select only).
    """

    kind: Literal["toggle", "select", "slider"]
    label: str = ""
    tab: str = ""
    option: str = ""

    def __post_init__(self) -> None:
        if self.kind not in EDIT_KINDS:
            raise ValueError(f"kind: got {self.kind!r}; allowed: {', '.join(EDIT_KINDS)}")
        if self.kind in ("select", "slider") and not self.label:
            raise ValueError(f"a {self.kind} edit needs the label of its widget")


@dataclass(frozen=True, eq=False)
class FrameworkSpec:
    """Everything a framework declares: identity, source, inputs, logic and room files.

    Attributes
    ----------
    name : str
        Identifier; also the stem of the client's input file
        ``data/clients/<slug>/<name>.json`` and of its modules.
    title : str
        Human title for reports and menus.
    citation : str
        The source, as printed under every page (the one place it is written).
    notebook : str
        The notebook file, relative to ``notebooks/`` (or an absolute path).
    Inputs : type of pydantic.BaseModel
        The form inputs; forbids unknown keys and has ``schema_version``.
    evaluate : callable
        ``evaluate(inputs | dict, tables) -> Result``.
    headline : callable
        ``headline(result) -> {"status", "summary", "metrics"}``.
    tables : mapping
        ``{table: validator}`` for tabular inputs (empty when there are none).
    related : tuple of str
        Frameworks whose saved ``Inputs`` are passed to ``evaluate`` in
        ``tables`` under their names.
    changes : callable, optional
        ``changes(previous, current) -> list[str]``, plain sentences on what moved.
    plan_action : PlanAction, optional
        The first action for the executive summary's plan when amber or red.
    headline_metrics : tuple of str
        Keys of ``headline()['metrics']`` the portfolio shows.
    questionnaire : Any, optional
        The room's questionnaire declaration, where it has one (survey links).
    browser_edit : BrowserEdit, optional
        The edit the browser test makes through the room's form.
    module_name, ui_module, lesson_module : str
        Import names of the pure, view and lesson modules; empty means
        ``workbook.frameworks.<name>``, ``workbook.ui.<name>`` and
        ``workbook.lessons.<name>``. Set them for a framework that lives
        outside the package (see :func:`workbook.registry.register_module`).
    """

    name: str
    title: str
    citation: str
    notebook: str
    Inputs: type[BaseModel]
    evaluate: Callable[..., Any]
    headline: Callable[[Any], dict]
    tables: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    related: tuple[str, ...] = ()
    changes: Callable[[Any, Any], list[str]] | None = None
    plan_action: PlanAction | None = None
    headline_metrics: tuple[str, ...] = ()
    questionnaire: Any = None
    browser_edit: BrowserEdit | None = None
    module_name: str = ""
    ui_module: str = ""
    lesson_module: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "tables", MappingProxyType(dict(self.tables)))
        object.__setattr__(self, "related", tuple(self.related))
        object.__setattr__(self, "headline_metrics", tuple(self.headline_metrics))

    # -- the room's modules and notebook -------------------------------------------
    @property
    def module(self) -> ModuleType:
        """The pure logic module (the one exporting this spec)."""
        return importlib.import_module(self.module_name or f"workbook.frameworks.{self.name}")

    @property
    def ui(self) -> ModuleType:
        """The widget view module (imports ipywidgets)."""
        return importlib.import_module(self.ui_module or f"workbook.ui.{self.name}")

    @property
    def lesson(self) -> ModuleType:
        """The teaching module."""
        return importlib.import_module(self.lesson_module or f"workbook.lessons.{self.name}")

    @property
    def notebook_path(self) -> Path:
        """Absolute path of the framework's notebook."""
        return NOTEBOOK_DIR / self.notebook

    # -- the one validation path -------------------------------------------------------
    def validate(self, data: BaseModel | Mapping[str, Any], context: str = "") -> BaseModel:
        """Return ``data`` as this framework's ``Inputs`` (see :func:`workbook.errors.validated`).

        Raises
        ------
        InvalidInput
            Naming every problem (field, value, what is allowed).
        """
        return validated(self.Inputs, data, context or f"{self.name} inputs")

    def default_inputs(self) -> BaseModel:
        """The inputs of a client who has not saved any yet."""
        return self.Inputs()

