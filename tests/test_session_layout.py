"""Where a session opens and ends, without a browser: the seeded JupyterLab layout, the folded lesson, the form's script.

The browser test ``tests/browser/test_run_all_view.py`` shows the effect in
JupyterLab; these check the pieces it rests on.
"""
from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import nbformat
import pytest
from traitlets.config import Config

from workbook import labserver
from workbook import notebook as wb
from workbook.clients import CHOICE_ENV, PRESENT_ENV

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
TAUGHT = [p for p in NOTEBOOKS if '"teaching"' in p.read_text()]


def _load_config(tmp_path, monkeypatch) -> Config:
    monkeypatch.delenv(CHOICE_ENV, raising=False)
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path))
    c = Config()
    exec(compile(labserver.CONFIG_FILE.read_text(), str(labserver.CONFIG_FILE), "exec"), {"c": c})
    return c


def test_project_config_gives_jupyterlab_a_default_layout_with_the_sidebars_closed(tmp_path, monkeypatch):
    from jupyterlab_server.workspaces_handler import WorkspacesManager

    c = _load_config(tmp_path, monkeypatch)
    folder = Path(c.LabApp.workspaces_dir)
    assert folder.parent == tmp_path, "the workspace folder is not the server's own"
    # Read back the way JupyterLab's server reads it: the default workspace, both sidebars closed.
    layout = WorkspacesManager(folder).load("default")["data"]["layout-restorer:data"]
    assert layout["left"]["collapsed"] is True and "current" not in layout["left"]
    assert "filebrowser" in layout["left"]["widgets"], "the file browser icon would be gone"
    assert layout["right"]["collapsed"] is True
    assert "main" not in layout, "a tab from an earlier session would open"


def test_each_server_gets_a_fresh_layout(tmp_path):
    first = labserver.seed_workspace(tmp_path / "a")
    first.write_text(first.read_text().replace('"collapsed": true', '"collapsed": false'))
    again = labserver.seed_workspace(tmp_path / "a")
    assert again == first and json.loads(again.read_text())["data"]["layout-restorer:data"]["left"]["collapsed"]


@pytest.mark.parametrize("path", TAUGHT, ids=[p.stem for p in TAUGHT])
def test_the_lesson_is_folded_and_run_all_ends_outside_it(path):
    nb = nbformat.read(path, as_version=4)
    marks = [i for i, c in enumerate(nb.cells) if c.metadata.get(labserver.HEADING_FOLDED)]
    first_teaching = next(i for i, c in enumerate(nb.cells) if "teaching" in c.metadata.get("tags", []))
    assert marks == [first_teaching], "only the 'Learning the framework' heading is saved folded"
    assert nb.cells[first_teaching].source.startswith("## Learning the framework")
    # Run All makes the last cell the active one, and JupyterLab unfolds the section holding the active cell:
    # the last cell must be a heading of the same level, outside the folded part.
    last = nb.cells[-1]
    assert last.cell_type == "markdown" and re.match(r"## \S", last.source), "the last cell would unfold the lesson"
    assert "teaching" in last.metadata.get("tags", []), "the closing note would reach client reports"
    # Students are told how to open it.
    assert "hidden" in nb.cells[first_teaching].source and "hidden" in last.source


def test_saving_folds_the_lesson_again(tmp_path):
    from jupyter_server.services.contents.filemanager import FileContentsManager

    original = nbformat.read(REPO / "notebooks" / "customer_value.ipynb", as_version=4)
    opened = copy.deepcopy(original)
    for cell in opened.cells:  # a student unfolded it, and folded another heading
        cell.metadata.pop(labserver.HEADING_FOLDED, None)
    opened.cells[0].metadata[labserver.HEADING_FOLDED] = True
    manager = FileContentsManager(root_dir=str(tmp_path), pre_save_hook=labserver.pre_save_hook)
    manager.save({"type": "notebook", "format": "json", "content": opened}, "customer_value.ipynb")
    assert (tmp_path / "customer_value.ipynb").read_text() == (REPO / "notebooks" / "customer_value.ipynb").read_text()


def test_a_notebook_without_a_lesson_gets_no_fold():
    nb = nbformat.read(REPO / "notebooks" / "00_start_here.ipynb", as_version=4)
    labserver.clean_notebook(nb)
    assert not any(c.metadata.get(labserver.HEADING_FOLDED) for c in nb.cells)


class _Shell:
    """Stands for a running IPython kernel."""


def _shown(monkeypatch) -> list:
    import IPython
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: _Shell())
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False: shown.append((obj, raw)))
    return shown


def test_the_form_brings_itself_into_view_in_a_session(monkeypatch):
    monkeypatch.delenv(PRESENT_ENV, raising=False)
    shown = _shown(monkeypatch)
    wb.focus_session_screen()
    [(bundle, raw)] = shown
    script = bundle["application/javascript"]
    assert raw and script == wb.FOCUS_SCRIPT.read_text()
    # It scrolls the form's own cell, and gives way to the user.
    assert 'closest(".jp-Cell")' in script and "scrollTop" in script
    assert all(f'"{name}"' in script for name in ("wheel", "mousedown", "keydown"))


def test_no_script_on_the_clients_screen_or_outside_a_kernel(monkeypatch):
    shown = _shown(monkeypatch)
    monkeypatch.setenv(PRESENT_ENV, "1")
    wb.focus_session_screen()
    monkeypatch.delenv(PRESENT_ENV)
    import IPython

    monkeypatch.setattr(IPython, "get_ipython", lambda: None)
    wb.focus_session_screen()
    assert shown == []
