"""The room contract, checked: what every registered framework must have (see CONTRIBUTING.md).

Each check takes a :class:`workbook.spec.FrameworkSpec` and raises an
``AssertionError`` saying what is missing. ``tests/test_conformance.py`` runs them
over the registry; ``tests/test_extra_framework.py`` runs them on a framework
registered from test fixtures.
"""
from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import get_args

import nbformat
from pydantic import BaseModel

from workbook import registry
from workbook.formatting import STATUSES
from workbook.spec import TIMEFRAMES, BrowserEdit, FrameworkSpec, PlanAction

#: The names a notebook's ``parameters`` cell assigns (plain literals, for papermill).
PARAMETERS = {"client", "data_dir", "mode"}


def models_in(model: type[BaseModel]) -> list[type[BaseModel]]:
    """``model`` and every pydantic model nested in its fields (lists, dicts, optionals)."""
    found: list[type[BaseModel]] = []

    def visit(annotation) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation not in found:
                found.append(annotation)
                for field in annotation.model_fields.values():
                    visit(field.annotation)
            return
        for arg in get_args(annotation):
            visit(arg)

    visit(model)
    return found


def check_spec(spec: FrameworkSpec) -> None:
    """The spec's fields: identity, source, inputs model, logic, plan action, browser edit."""
    assert spec.name.isidentifier() and spec.name == spec.name.lower(), f"name {spec.name!r}: lowercase identifier"
    assert spec.module.SPEC is spec, f"{spec.name}: the pure module must export this spec as SPEC"
    assert spec.title.strip() and spec.citation.strip(), f"{spec.name}: title and citation"
    source = getattr(spec.module, "SOURCE", spec.citation)
    assert source == spec.citation, f"{spec.name}: SOURCE and SPEC.citation differ; keep one citation"
    assert issubclass(spec.Inputs, BaseModel), f"{spec.name}: Inputs must be a pydantic model"
    for model in models_in(spec.Inputs):
        assert model.model_config.get("extra") == "forbid", f"{spec.name}: {model.__name__} must forbid unknown keys"
    version = spec.Inputs.model_fields.get("schema_version")
    assert version is not None and isinstance(version.default, int), f"{spec.name}: Inputs needs schema_version"
    assert callable(spec.evaluate) and callable(spec.headline), f"{spec.name}: evaluate and headline"
    assert spec.changes is None or callable(spec.changes)
    assert all(callable(v) for v in spec.tables.values()), f"{spec.name}: each table needs a validator"
    for name in spec.related:
        assert name != spec.name and registry.get(name), f"{spec.name}: related {name!r} is not registered"
    assert spec.headline_metrics, f"{spec.name}: headline_metrics (what the portfolio shows)"
    assert isinstance(spec.plan_action, PlanAction), f"{spec.name}: plan_action (the summary's first action)"
    assert spec.plan_action.timeframe in TIMEFRAMES and spec.plan_action.action[0].isupper()
    assert isinstance(spec.browser_edit, BrowserEdit), f"{spec.name}: browser_edit (the browser test's edit)"
    assert registry.get(spec.name) is spec, f"{spec.name}: not the registered spec"


def check_headline(spec: FrameworkSpec, head: dict) -> None:
    """A headline in the one vocabulary: a status, one plain sentence, JSON-safe metrics."""
    assert set(head) >= {"status", "summary", "metrics"}, f"{spec.name}: headline keys {sorted(head)}"
    assert head["status"] in STATUSES, f"{spec.name}: status {head['status']!r} not in {STATUSES}"
    summary = head["summary"]
    assert isinstance(summary, str) and summary.strip() and not summary[:1].islower() and summary.endswith("."), (
        f"{spec.name}: summary must be one plain sentence, got {summary!r}")
    assert "\n" not in summary and "<" not in summary, f"{spec.name}: summary is plain text on one line"
    json.dumps(head["metrics"], allow_nan=False)


def example_clients(spec: FrameworkSpec, data_dir: Path) -> list[str]:
    """The example clients that have saved inputs for ``spec``."""
    clients = Path(data_dir) / "clients"
    return sorted(p.parent.name for p in clients.glob(f"*/{spec.name}.json"))


def check_example_data(spec: FrameworkSpec, data_dir: Path) -> list[str]:
    """At least two example clients, each opening and giving a headline that lists the headline metrics."""
    from workbook.room import RoomState
    from workbook.store import Store

    clients = example_clients(spec, data_dir)
    assert len(clients) >= 2, f"{spec.name}: example data for at least two clients, found {clients}"
    store = Store(data_dir)
    for slug in clients:
        state = RoomState.load(spec.name, store, slug)
        head = spec.headline(state.result)
        check_headline(spec, head)
        missing = set(spec.headline_metrics) - set(head["metrics"])
        assert not missing, f"{spec.name}/{slug}: headline metrics missing {sorted(missing)}"
    return clients


def check_empty_client(spec: FrameworkSpec) -> None:
    """A client with nothing saved yet gets a headline in the vocabulary too (no crash)."""
    check_headline(spec, spec.headline(spec.evaluate(spec.default_inputs(), {})))


def check_lesson(spec: FrameworkSpec, data_dir: Path) -> None:
    """A lesson on an example client with at least three exercises, each answer computed."""
    from workbook.teaching import Exercise, Lesson

    module = spec.lesson
    assert module.EXAMPLE_CLIENT in example_clients(spec, data_dir), f"{spec.name}: lesson client has no data"
    exercises = module.EXERCISES
    assert len(exercises) >= 3 and all(isinstance(e, Exercise) for e in exercises), f"{spec.name}: >= 3 exercises"
    assert sorted(e.number for e in exercises) == list(range(1, len(exercises) + 1))
    lesson = Lesson(spec.name, str(data_dir))
    for ex in exercises:
        answer = lesson.answer(ex.number)
        assert answer is not None and answer != "", f"{spec.name}: exercise {ex.number} has no answer"
        assert lesson.check(ex.number, answer).correct is True
    assert lesson.worked_example().strip()


def parameters_of(notebook: Path) -> dict:
    """The literals the notebook's ``parameters`` cell assigns."""
    nb = nbformat.read(str(notebook), as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"{notebook.name}: one parameters cell, found {len(cells)}"
    values = {}
    for node in ast.parse(cells[0].source).body:
        assert isinstance(node, ast.Assign) and len(node.targets) == 1, f"{notebook.name}: only assignments"
        values[node.targets[0].id] = ast.literal_eval(node.value)
    return values


def check_notebook(spec: FrameworkSpec, data_dir: Path) -> None:
    """The standard parameters cell, the room opened under its name, the headline recorded."""
    path = spec.notebook_path
    assert path.is_file(), f"{spec.name}: notebook {path} is missing"
    nb = nbformat.read(str(path), as_version=4)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3", f"{path.name}: kernel python3"
    params = parameters_of(path)
    assert set(params) == PARAMETERS, f"{path.name}: parameters {sorted(params)}, expected {sorted(PARAMETERS)}"
    assert params["mode"] == "live" and isinstance(params["data_dir"], str)
    assert params["client"] in example_clients(spec, data_dir), f"{path.name}: client has no example data"
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert f'open_room("{spec.name}"' in code and "room.record()" in code, f"{path.name}: open_room and record"
    assert "def " not in code and "class " not in code, f"{path.name}: no def or class in notebooks"


def check_view(spec: FrameworkSpec) -> None:
    """A view module with sections and a View for this framework; badge maps in the vocabulary."""
    ui = spec.ui
    assert ui.SECTIONS and all(callable(r) for r in ui.SECTIONS.values()), f"{spec.name}: SECTIONS"
    assert ui.View.framework == spec.name, f"{spec.name}: View.framework"
    for attr in dir(ui):
        if attr.endswith("_STATUS"):
            value = getattr(ui, attr)
            statuses = value.values() if isinstance(value, dict) else value
            assert set(statuses) <= set(STATUSES), f"{spec.name}: {attr} uses {set(statuses) - set(STATUSES)}"
