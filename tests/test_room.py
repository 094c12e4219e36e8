"""The widget-free room layer: state, loading through the store, and who may import ipywidgets."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from workbook import registry
from workbook.errors import InvalidInput, SchemaVersionError
from workbook.room import Context, RoomState, render
from workbook.store import Store

from .conftest import ROOT

#: What must load without ipywidgets: reports, batch, lessons, the room layer, every pure module.
WIDGET_FREE = textwrap.dedent("""
    import importlib, json, pkgutil, sys
    import workbook.report, workbook.batch, workbook.room, workbook.notebook, workbook.teaching
    import workbook.lessons as lessons, workbook.frameworks as frameworks
    for info in pkgutil.iter_modules(lessons.__path__):
        importlib.import_module("workbook.lessons." + info.name)
    for info in pkgutil.walk_packages(frameworks.__path__, "workbook.frameworks."):
        importlib.import_module(info.name)
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("ipywidgets", "ipykernel") or m.startswith("workbook.ui"))
    print(json.dumps(loaded))
""")


def test_reports_batch_lessons_and_pure_modules_never_import_ipywidgets():
    out = subprocess.run([sys.executable, "-c", WIDGET_FREE], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_ui_base_still_offers_the_room_state_it_used_to_define():
    from workbook.ui import base

    assert base.RoomState is RoomState and base.Context is Context


def test_room_state_loads_through_the_store_with_related_inputs(data_dir):
    state = RoomState.load("deal_qualification", Store(data_dir), "aurora-software")
    assert set(state.tables) == {"pipeline", "sales_marketing"}  # its table and the related diagnostic
    assert state.spec is registry.get("deal_qualification") and state.result is not None
    ctx = state.context
    assert ctx.client == "aurora-software" and ctx.profile.name and ctx.inputs is state.inputs


def test_a_client_with_nothing_saved_gets_the_defaults(data_dir):
    state = RoomState.load("nps", Store(data_dir), "aurora-software")  # Aurora has no survey
    assert state.inputs == registry.get("nps").Inputs() and state.tables == {}
    assert "No answered survey responses yet" in render("nps", "headline", state.context)


def test_render_names_the_sections_a_room_has(data_dir):
    ctx = RoomState.load("sales_marketing", Store(data_dir), "aurora-software").context
    with pytest.raises(InvalidInput, match="allowed: headline, totals"):
        render("sales_marketing", "nope", ctx)


def test_misspelt_key_in_a_saved_file_is_refused_naming_it_not_dropped(data_dir):
    """A misspelt ``respondnets`` used to load as an empty diagnostic (and be saved over the real one)."""
    path = data_dir / "clients" / "aurora-software" / "sales_marketing.json"
    doc = json.loads(path.read_text())
    doc["respondnets"] = doc.pop("respondents")
    path.write_text(json.dumps(doc))
    with pytest.raises(InvalidInput) as e:
        RoomState.load("sales_marketing", Store(data_dir), "aurora-software")
    assert e.value.field == "respondnets"
    assert "'respondnets' is not a field here; the fields are schema_version, respondents, checklist" in str(e.value)


def test_profile_refuses_unknown_keys_and_old_profiles_still_open(data_dir):
    store = Store(data_dir)
    for slug in store.list_clients():  # files saved before the rule still open
        assert store.load_profile(slug).name
    path = data_dir / "clients" / "aurora-software" / "profile.json"
    doc = json.loads(path.read_text())
    doc["revenue"] = 1
    path.write_text(json.dumps(doc))
    with pytest.raises(InvalidInput, match="'revenue' is not a field here"):
        store.load_profile("aurora-software")


@pytest.mark.parametrize("name", registry.FRAMEWORKS)
def test_one_validation_path_for_every_room(name):
    """A dict or a model in; InvalidInput naming every problem out; the version checked in one place."""
    spec = registry.get(name)
    assert spec.validate({}) == spec.Inputs() and spec.validate(spec.Inputs()) == spec.Inputs()
    with pytest.raises(InvalidInput) as e:
        spec.validate({"schema_version": 0, "no_such_field": 1})
    assert [p.field for p in e.value.problems] == ["schema_version", "no_such_field"]
    with pytest.raises(SchemaVersionError, match="schema_version 7, this release reads schema version 1; upgrade"):
        spec.evaluate({"schema_version": 7}, {})
    with pytest.raises(InvalidInput, match="a dict of field names and values"):
        spec.evaluate(["not", "a", "dict"], {})
