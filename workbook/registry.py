"""The framework registry: the one list the CLI, reports, batch runner and summary read.

The registry lists module names only. Everything else about a framework (title,
citation, notebook, inputs, headline metrics, plan action...) is read from the
:class:`~workbook.spec.FrameworkSpec` its pure module exports as ``SPEC``.

Adding a framework to the product means writing its room (pure module with
``SPEC``, view, lesson, notebook, example data) and adding its name to
:data:`FRAMEWORKS`; see CONTRIBUTING.md.

A framework that lives outside the package (a client's own, or a test fixture)
is added without touching any file here, in one of two documented ways:

- ``register_module("package.module")`` in the running process;
- the environment variable ``WORKBOOK_FRAMEWORKS`` (comma-separated module
  names), read when the registry is first used, so that notebook kernels,
  report runs and batch workers started from that environment see it too.

Either way the module must be importable and export ``SPEC``; its spec's
``module_name``, ``ui_module``, ``lesson_module`` and (absolute) ``notebook``
say where the rest of the room is.
"""
from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from .errors import UnknownFramework
from .spec import NOTEBOOK_DIR, FrameworkSpec, PlanAction

__all__ = ["FRAMEWORKS", "EXTRA_ENV", "NOTEBOOK_DIR", "Framework", "FrameworkSpec", "REGISTRY", "get", "names",
           "register_module", "unregister_module", "spec_of"]

#: The shipped frameworks in report order: the stems of ``workbook.frameworks.<name>``.
FRAMEWORKS: tuple[str, ...] = (
    "sales_marketing",
    "value_proposition",
    "purpose_brands",
    "clv",
    "nps",
    "brand_communities",
    "female_economy",
    "growth_stages",
    "deal_qualification",
)
#: Environment variable naming extra framework modules (comma-separated), registered after the shipped ones.
EXTRA_ENV = "WORKBOOK_FRAMEWORKS"

_registered: list[str] = []  # modules added with register_module, in order
_specs: dict[str, FrameworkSpec] = {}  # module name -> spec, filled on first use


@dataclass(frozen=True)
class Framework:
    """A notebook-only registry entry: a page with no pure module (tests register misbehaving notebooks).

    It has the attributes the batch runner reads (``name``, ``title``,
    ``citation``, ``notebook_path``); a real framework is a :class:`FrameworkSpec`.
    """

    name: str
    title: str
    citation: str
    notebook: str
    headline_metrics: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    plan_action: PlanAction | None = None

    @property
    def module(self) -> ModuleType:
        """Not available: a notebook-only entry has no pure module."""
        raise UnknownFramework(f"framework {self.name!r} is a notebook-only entry with no pure module")

    @property
    def notebook_path(self) -> Path:
        """Absolute path of the notebook."""
        return NOTEBOOK_DIR / self.notebook


def spec_of(module_name: str) -> FrameworkSpec:
    """Import ``module_name`` and return its ``SPEC``.

    Raises
    ------
    UnknownFramework
        When the module cannot be imported or exports no :class:`FrameworkSpec`.
    """
    if module_name not in _specs:
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise UnknownFramework(f"framework module {module_name!r} cannot be imported: {exc}") from exc
        spec = getattr(module, "SPEC", None)
        if not isinstance(spec, FrameworkSpec):
            raise UnknownFramework(f"framework module {module_name!r} exports no SPEC (a workbook.spec.FrameworkSpec)")
        _specs[module_name] = spec
    return _specs[module_name]


def _module_names() -> list[str]:
    shipped = [f"workbook.frameworks.{name}" for name in FRAMEWORKS]
    from_env = [m.strip() for m in os.environ.get(EXTRA_ENV, "").split(",") if m.strip()]
    out: list[str] = []
    for name in shipped + from_env + _registered:
        if name not in out:
            out.append(name)
    return out


def _build() -> tuple[FrameworkSpec, ...]:
    specs = [spec_of(m) for m in _module_names()]
    seen: set[str] = set()
    for spec in specs:
        if spec.name in seen:
            raise UnknownFramework(f"framework name {spec.name!r} is registered twice")
        seen.add(spec.name)
    return tuple(specs)


def __getattr__(attr: str):
    """``REGISTRY`` is built on first use (importing the framework modules then, not at import)."""
    if attr == "REGISTRY":
        value = _build()
        globals()["REGISTRY"] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {attr!r}")


def register_module(module_name: str) -> FrameworkSpec:
    """Register the framework whose pure module is ``module_name`` (after the shipped ones).

    Parameters
    ----------
    module_name : str
        An importable module exporting ``SPEC``.

    Returns
    -------
    FrameworkSpec
    """
    spec = spec_of(module_name)
    if module_name not in _registered:
        _registered.append(module_name)
    globals().pop("REGISTRY", None)  # rebuilt on next use
    _build()
    return spec


def unregister_module(module_name: str) -> None:
    """Undo :func:`register_module` (tests)."""
    if module_name in _registered:
        _registered.remove(module_name)
    _specs.pop(module_name, None)
    globals().pop("REGISTRY", None)


def _registry() -> tuple:
    return globals()["REGISTRY"] if "REGISTRY" in globals() else __getattr__("REGISTRY")


def names() -> list[str]:
    """Return the registered framework names in report order."""
    return [f.name for f in _registry()]


def get(name: str) -> FrameworkSpec:
    """Return the framework called ``name``.

    Raises
    ------
    UnknownFramework
        Naming the registered frameworks.
    """
    if "REGISTRY" not in globals() and name in FRAMEWORKS:  # one room: import only its module
        return spec_of(f"workbook.frameworks.{name}")
    for fw in _registry():
        if fw.name == name:
            return fw
    raise UnknownFramework(f"framework: got {name!r}; allowed: {', '.join(names())}")
