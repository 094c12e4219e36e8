"""Every registered framework keeps the room contract (the one list is the registry).

This replaces the lists that used to sit beside the registry (the browser
test's edits, the summary's plan actions): each room declares those in its
``SPEC``, and this test fails for a framework that leaves something out.
"""
from __future__ import annotations

import ast
import importlib.util
import json
from pathlib import Path

import pytest

from workbook import registry

from . import conformance as c
from .conftest import DATA, ROOT

SPECS = registry.REGISTRY
IDS = [s.name for s in SPECS]


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    """Everything ``scripts/make_example_data.py`` writes, in a fresh folder."""
    out = tmp_path_factory.mktemp("examples")
    spec = importlib.util.spec_from_file_location("make_example_data", ROOT / "scripts" / "make_example_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.write(out)
    return out


def _doc(path: Path) -> dict:
    doc = json.loads(path.read_text("utf-8"))
    doc.pop("_meta", None)  # the store's bookkeeping (who saved it when), not an input
    return doc


def test_the_registry_lists_module_names_and_reads_the_rest_from_the_specs():
    assert [s.name for s in SPECS] == list(registry.FRAMEWORKS) == registry.names()
    assert all(s.module.__name__ == f"workbook.frameworks.{s.name}" for s in SPECS)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_spec(spec):
    c.check_spec(spec)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_headlines_of_example_and_empty_clients_use_the_one_vocabulary(spec):
    c.check_example_data(spec, DATA)
    c.check_empty_client(spec)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_example_data_is_what_the_generator_writes(spec, regenerated):
    clients = c.example_clients(spec, DATA)
    assert len(clients) >= 2
    for slug in clients:
        committed, written = DATA / "clients" / slug, regenerated / "clients" / slug
        same = [spec.validate(_doc(folder / f"{spec.name}.json")).model_dump() for folder in (written, committed)]
        assert same[0] == same[1], f"{slug}/{spec.name}"  # the same inputs (fields added since read as defaults)
        for table in spec.tables:
            path = Path(spec.name) / f"{table}.csv"
            if (committed / path).exists():
                assert (written / path).read_text() == (committed / path).read_text(), f"{slug}/{path}"


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_lesson(spec):
    c.check_lesson(spec, DATA)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_notebook(spec):
    c.check_notebook(spec, DATA)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_view(spec):
    c.check_view(spec)


def test_every_shipped_notebook_is_a_room_the_start_page_or_the_summary():
    rooms = {s.notebook for s in SPECS}
    others = {p.name for p in (ROOT / "notebooks").glob("*.ipynb")} - rooms
    assert others == {"00_start_here.ipynb", "executive_summary.ipynb"}


def _names_listed_in(path: Path) -> set[str]:
    """Registered framework names written as string literals in a module's code (docstrings left out)."""
    tree = ast.parse(path.read_text("utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    known = set(registry.names())
    return {node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
            and node.value in known}


def _hidden_lists() -> dict[str, set[str]]:
    """Modules outside the registry and the rooms that name two or more frameworks."""
    rooms = {f"{kind}/{name}" for kind in ("frameworks", "ui", "lessons") for name in registry.names()}
    found = {}
    for path in sorted((ROOT / "workbook").rglob("*.py")):
        rel = path.relative_to(ROOT / "workbook").as_posix()
        if rel == "registry.py" or any(rel == f"{r}.py" or rel.startswith(f"{r}/") for r in rooms):
            continue
        names = _names_listed_in(path)
        if len(names) >= 2:
            found[rel] = names
    return found


def test_no_list_of_frameworks_outside_the_registry_and_the_rooms():
    hidden = _hidden_lists()
    # The cross-framework readings name the pairs of frameworks they read together: each rule is about
    # two particular frameworks, so their names are its content, not a list a new framework must join.
    hidden.pop("frameworks/summary.py", None)
    assert hidden == {}, f"framework names listed outside the registry: {hidden}"


def test_the_summary_takes_every_plan_action_from_the_specs():
    from workbook.frameworks import summary

    source = Path(summary.__file__).read_text("utf-8")
    assert "FRAMEWORK_ACTIONS" not in source
    for spec in registry.REGISTRY:
        planned = spec.plan_action
        assert summary.plan_action_for(spec.name) == (planned.action, planned.owner, planned.timeframe)
