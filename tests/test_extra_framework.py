"""The promise of the registry: a framework is its room files and nothing else.

A minimal framework, ``cadence``, lives in ``tests/fixtures/extra_framework/``:
its pure module with ``SPEC`` (``cadence.py``), view (``cadence_view.py``),
lesson (``cadence_lesson.py``), notebook (``cadence.ipynb``) and example data
for two clients (``data/clients/<slug>/cadence.json``). No file of the package
names it. It is registered through the documented extension point
(``WORKBOOK_FRAMEWORKS`` for the kernels and workers the report and batch
start, ``registry.register_module`` in this process), then it keeps the room
contract, runs live with an edit and autosave, in a report, in a batch with the
executive summary (whose plan takes the room's ``plan_action``) and the
portfolio, and as a lesson.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workbook import registry
from workbook.store import Store

from . import conformance as c
from .conftest import ROOT

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "extra_framework"
MODULE = "cadence"
CLIENTS = ("aurora-software", "northwind-tools")
TITLE = "Joint meeting cadence (test fixture)"


@pytest.fixture
def cadence(data_dir, monkeypatch):
    """The fixture framework registered, its example data in a private data folder."""
    for slug in CLIENTS:
        shutil.copy(FIXTURE / "data" / "clients" / slug / "cadence.json", data_dir / "clients" / slug / "cadence.json")
    monkeypatch.syspath_prepend(str(FIXTURE))
    path = [str(FIXTURE), str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(path))
    monkeypatch.setenv(registry.EXTRA_ENV, MODULE)  # kernels and batch workers read it
    spec = registry.register_module(MODULE)
    yield spec
    monkeypatch.undo()
    registry.unregister_module(MODULE)
    assert "cadence" not in registry.names()


def test_no_package_file_names_the_extra_framework():
    for path in (ROOT / "workbook").rglob("*.py"):
        assert "cadence" not in path.read_text("utf-8"), path


def test_it_keeps_the_room_contract(cadence, data_dir):
    assert registry.names()[-1] == "cadence" and registry.get("cadence") is cadence
    c.check_spec(cadence)
    assert c.check_example_data(cadence, data_dir) == list(CLIENTS)
    c.check_empty_client(cadence)
    c.check_notebook(cadence, data_dir)
    c.check_view(cadence)
    c.check_lesson(cadence, data_dir)


def test_it_runs_live_with_an_edit_autosave_and_a_refused_edit(cadence, data_dir):
    store = Store(data_dir)
    view = cadence.ui.View(store, "aurora-software")
    view.form()
    headline, chart = view.section("headline"), view.section("hours")
    assert "AMBER" in headline.children[0].value and chart.children[0].value[:4] == b"\x89PNG"
    before = chart.children[0].value

    view._meetings.value = 5          # the slider the browser edit names
    view._attendance.value = 0.85
    view.wait_for_charts()
    assert view._status.value.count("Saved ") == 1
    saved = json.loads((data_dir / "clients" / "aurora-software" / "cadence.json").read_text())
    assert saved["meetings_per_month"] == 5 and saved["attendance"] == pytest.approx(0.85)
    assert "GREEN" in headline.children[0].value and chart.children[0].value != before

    assert view._set("meetings_per_month", 40) is False  # above 31: nothing saved, the form says why
    assert "Not saved" in view._status.value and "Meetings per month: 40 is above 31" in view._status.value
    assert store.load("aurora-software", "cadence", cadence.Inputs).meetings_per_month == 5


def test_it_teaches_a_lesson(cadence, data_dir):
    from workbook import notebook as wb

    lesson = wb.lesson("cadence", str(data_dir))
    assert lesson.answer(2) == pytest.approx(2.25)   # 3 meetings at 75% attendance
    assert lesson.check(3, "amber").correct is True and lesson.check(3, "red").correct is False
    assert "2.2 hours a month" in lesson.worked_example() or "2.3 hours a month" in lesson.worked_example()


def test_it_is_in_a_report(cadence, data_dir, tmp_path):
    out = subprocess.run([sys.executable, "-m", "workbook", "report", "northwind-tools", "-f", "cadence", "--no-pdf",
                          "--data-dir", str(data_dir), "--reports-dir", str(tmp_path)],
                         capture_output=True, text=True, timeout=300, env=os.environ.copy())
    assert out.returncode == 0, out.stdout + out.stderr
    html = (tmp_path / "northwind-tools" / "report.html").read_text()
    assert TITLE in html and "6 meeting(s) a month at 90% attendance" in html
    assert "lesson.check" not in html and "Traceback" not in html
    head = json.loads((tmp_path / "northwind-tools" / "cadence.headline.json").read_text())
    assert head["status"] == "green" and head["metrics"]["meetings"] == 6


def test_it_runs_in_a_batch_with_the_summary_and_the_portfolio(cadence, data_dir, tmp_path):
    from workbook.batch import run_batch

    reports = tmp_path / "reports"
    result = run_batch(data_dir, reports, clients=list(CLIENTS), frameworks=["cadence"], workers=1, pdf=False,
                       progress=False, portfolio=True)
    assert result.ok, [(o.client, o.framework, o.error) for o in result.failures]
    statuses = {}
    for slug in CLIENTS:
        out = reports / slug
        statuses[slug] = json.loads((out / "cadence.headline.json").read_text())["status"]
        summary = (out / "summary.html").read_text()
        assert TITLE in summary, f"{slug}: the executive summary lists the extra framework"
        report = (out / "report.html").read_text()
        assert report.index("Executive summary") < report.index(TITLE)
    assert statuses == {"aurora-software": "amber", "northwind-tools": "green"}
    # the amber client's plan proposes the framework's own first action (SPEC.plan_action)
    assert cadence.plan_action.action in (reports / "aurora-software" / "summary.html").read_text()
    assert cadence.plan_action.action not in (reports / "northwind-tools" / "summary.html").read_text()
    portfolio = (reports / "portfolio.html").read_text()
    assert f"<th>{TITLE}</th>" in portfolio and f"<th>{TITLE}: meetings</th>" in portfolio
    assert "Aurora Software" in portfolio and "Northwind Power Tools" in portfolio


def test_the_summary_plan_takes_the_extra_frameworks_plan_action(cadence):
    from workbook.frameworks import summary as logic

    amber = {"status": "amber", "summary": "Meetings are rare.", "metrics": {"meetings": 2, "attendance": 0.5}}
    result = logic.evaluate(logic.Inputs(), {"cadence": amber}, [("cadence", cadence.title)])
    assert cadence.plan_action.action in [a.action for a in result.plan]
