"""Every registered framework notebook runs untouched under papermill for its example clients."""
from __future__ import annotations

import pytest

from workbook import registry
from workbook.report import FragmentExporter, execute, failed_cell, headline_of
from workbook.store import Store

from ..conftest import DATA

CASES = [(fw.name, slug) for fw in registry.REGISTRY for slug in Store(DATA).list_clients()
         if Store(DATA).has(slug, fw.name)]


@pytest.mark.parametrize("framework, client", CASES)
def test_report_mode_runs_and_records_a_headline(framework, client, data_dir):
    nb = execute(framework, client, data_dir)
    assert failed_cell(nb) is None
    head = headline_of(nb)
    assert head["framework"] == framework and head["client"] == client
    assert head["status"] in {"green", "amber", "red", "grey"} and head["summary"]
    html = FragmentExporter().fragment(nb)
    assert "Traceback" not in html and "wb.open_room" not in html


def test_every_framework_has_at_least_two_example_clients():
    for fw in registry.REGISTRY:
        assert sum(1 for f, _ in CASES if f == fw.name) >= 2, fw.name
