"""Starting a session without a browser: the data folder rule, the start page's choice, clean saves, present copies."""
from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from workbook import clients, labserver, launch
from workbook import notebook as wb
from workbook.clients import CHOICE_ENV, DATA_DIR_ENV, START_PAGE, find_client, record_choice, resolve_data_dir
from workbook.errors import InvalidInput, UnknownClient
from workbook.store import Store

from .conftest import DATA

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
OTHER_CLIENTS = ("Aurora", "Bluebird", "Meridian", "Northwind", "aurora-software", "bluebird-coffee")


@pytest.fixture
def choice(tmp_path, monkeypatch) -> Path:
    """A fresh start-page record for this test (nothing chosen yet)."""
    path = tmp_path / "choice.json"
    monkeypatch.setenv(CHOICE_ENV, str(path))
    return path


# -- the data folder --------------------------------------------------------------------

def test_data_folder_explicit_then_environment_then_default(tmp_path, monkeypatch):
    (tmp_path / "cwd" / "data" / "clients").mkdir(parents=True)
    (tmp_path / "share").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    assert resolve_data_dir() == tmp_path / "cwd" / "data"
    assert resolve_data_dir("") == tmp_path / "cwd" / "data"  # a blank parameter means "not given"
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "share"))
    assert resolve_data_dir(None) == tmp_path / "share"
    assert clients.locate_data_dir().source == "from $WORKBOOK_DATA_DIR"
    assert resolve_data_dir(tmp_path / "explicit") == tmp_path / "explicit"  # an explicit folder wins


def test_notebook_folder_finds_the_data_folder_beside_it(tmp_path, monkeypatch):
    (tmp_path / "data" / "clients").mkdir(parents=True)
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    assert resolve_data_dir() == tmp_path / "data"


def _cli(*args, env=None, cwd=None):
    return subprocess.run([sys.executable, "-m", "workbook", *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=120)


def test_cli_reads_the_environment_and_an_explicit_folder_wins(tmp_path):
    share, other = tmp_path / "share", tmp_path / "other"
    env = {**os.environ, DATA_DIR_ENV: str(share)}
    made = _cli("clients", "new", "acme-tools", "--name", "Acme Tools", env=env, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert (share / "clients" / "acme-tools" / "profile.json").is_file()
    assert "acme-tools" in _cli("clients", "list", env=env, cwd=tmp_path).stdout
    listed = _cli("clients", "list", "--data-dir", str(other), env=env, cwd=tmp_path)
    assert "acme-tools" not in listed.stdout and "No clients" in listed.stdout


def _copy_with_renamed_client(tmp_path: Path) -> Path:
    data = tmp_path / "share"
    (data / "clients").mkdir(parents=True)
    import shutil

    shutil.copytree(DATA / "clients" / "aurora-software", data / "clients" / "aurora-software")
    prof = data / "clients" / "aurora-software" / "profile.json"
    doc = json.loads(prof.read_text())
    doc["name"] = "Aurora On The Share"
    prof.write_text(json.dumps(doc))
    return data


def _run_papermill(out: Path, **params) -> str:
    import papermill as pm

    pm.execute_notebook(str(REPO / "notebooks" / "growth_stages.ipynb"), str(out), parameters=params,
                        cwd=str(REPO / "notebooks"), kernel_name="python3", progress_bar=False)
    return out.read_text()


@pytest.mark.slow
def test_papermill_run_honours_the_environment_and_the_parameter_wins(tmp_path, monkeypatch):
    share = _copy_with_renamed_client(tmp_path)
    monkeypatch.setenv(DATA_DIR_ENV, str(share))
    text = _run_papermill(tmp_path / "env.ipynb", client="aurora-software", mode="report")
    assert "Aurora On The Share" in text
    text = _run_papermill(tmp_path / "explicit.ipynb", client="aurora-software", mode="report", data_dir=str(DATA))
    assert "Aurora On The Share" not in text and "Aurora Software" in text


# -- the client of a notebook ---------------------------------------------------------

def test_wrong_or_missing_client_is_one_line_without_other_clients(choice):
    for client in ("acme-tool", "Acme Tool", START_PAGE):
        found = find_client(client, DATA)
        assert found.slug is None and "\n" not in found.problem
        assert not any(name in found.problem for name in OTHER_CLIENTS), found.problem
    with pytest.raises(UnknownClient) as caught:
        wb.open_room("sales_marketing", "acme-tool", str(DATA), "report")
    assert not any(name in str(caught.value) for name in OTHER_CLIENTS)


def test_start_page_choice_opens_that_client_and_an_explicit_client_wins(choice):
    record_choice("bluebird-coffee", DATA)
    room = wb.open_room("nps", START_PAGE, str(DATA), "live")
    assert room.client == "bluebird-coffee" and room.from_start_page
    assert "chosen on the start page" in room.header() and "00_start_here.ipynb" in room.header()
    assert wb.open_room("nps", "aurora-software", str(DATA), "live").client == "aurora-software"
    report = wb.open_room("nps", START_PAGE, str(DATA), "report").header()
    assert "wb-session" not in report and str(DATA) not in report  # no folder or link in reports


def test_choice_in_another_data_folder_is_not_used(choice, tmp_path):
    record_choice("bluebird-coffee", tmp_path)
    assert find_client(START_PAGE, DATA).slug is None


def test_pending_room_opens_in_place_once_a_client_is_picked(choice):
    room = wb.open_room("sales_marketing", "acme-tool", str(DATA), "live")
    header, form, section, changes = room.header(), room.form(), room.section("totals"), room.changes()
    assert "There is no client &#x27;acme-tool&#x27;" in header.children[0].value
    assert form.children == () and room.record() is None
    picker = room.picker
    assert picker.listing.options == ()  # names appear only once the consultant types
    picker.query.value = "aur"
    assert [slug for _, slug in picker.listing.options] == ["aurora-software"]
    picker.listing.value = "aurora-software"
    assert room.room.client == "aurora-software"
    assert form.children and room.room.client == "aurora-software"
    assert isinstance(section.children, tuple) and isinstance(changes.children, tuple)
    assert json.loads(choice.read_text())["client"] == "aurora-software"


def test_summary_notebook_stops_with_one_line(choice):
    with pytest.raises(wb.NoClient) as caught:
        wb.session_client(START_PAGE, str(DATA), "report")
    assert caught.value._render_traceback_() == [str(caught.value)]
    assert wb.session_client("aurora-software", str(DATA), "report") == ("aurora-software", str(DATA))


# -- the start page -------------------------------------------------------------------

def test_new_client_names_every_bad_field_and_writes_nothing(tmp_path):
    store = Store(tmp_path)
    with pytest.raises(InvalidInput) as caught:
        clients.new_client(store, "  ", "x" * 201, "-4M")
    assert {p.field for p in caught.value.problems} == {"name", "industry", "revenue"}
    assert store.list_clients() == []
    assert clients.new_client(store, "Acme Tools, Inc.", "Tools", "$12.5M") == "acme-tools-inc"
    assert store.load_profile("acme-tools-inc").revenue_usd == 12_500_000
    with pytest.raises(InvalidInput) as again:
        clients.new_client(store, "Acme Tools Inc")
    assert again.value.field == "folder"


def test_start_page_lists_searches_creates_and_records(choice, tmp_path):
    from workbook.ui.start import StartPage

    data = tmp_path / "data"
    Store(data).create_client("bluebird-coffee", {"name": "Bluebird Coffee", "industry": "Coffee"})
    page = StartPage(str(data))
    assert [slug for _, slug in page.picker.listing.options] == ["bluebird-coffee"]
    page.picker.query.value = "tea"
    assert page.picker.listing.options == () and "No client matches" in page.picker.count.value
    page.new.name.value = "<b>Tea</b> & Co"
    assert page.new.folder.value == "b-tea-b-co"
    page.new.revenue.value = "lots"
    assert page.new.submit() is None and "Not accepted: &#x27;lots&#x27;" in page.new.errors["revenue"].value
    page.new.revenue.value = "900k"
    assert page.new.submit() == "b-tea-b-co"
    assert json.loads(choice.read_text())["client"] == "b-tea-b-co"
    shown = page.chosen.outputs[-1]["data"]["text/html"]
    assert "&lt;b&gt;Tea&lt;/b&gt; &amp; Co" in shown and "<b>Tea</b>" not in shown
    assert 'href="sales_marketing.ipynb"' in shown


# -- clean notebooks ------------------------------------------------------------------

@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_repository_notebooks_are_clean(path):
    text = path.read_text()
    nb = nbformat.reads(text, as_version=4)
    assert labserver.clean_notebook(copy.deepcopy(nb)) == nb, f"{path.name} holds outputs or session state"
    assert nbformat.writes(nb) + "\n" == text, f"{path.name} is not in the format Jupyter saves"


def _dirty(nb):
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.execution_count = 7
            cell.outputs = [nbformat.v4.new_output("stream", text="Acme Tools: revenue $12M")]
            cell.metadata["execution"] = {"iopub.status.idle": "2026-12-05T10:00:00Z"}
        if "parameters" in cell.metadata.get("tags", []):
            cell.source = cell.source.replace("@start-page", "acme-tools")
    injected = nbformat.v4.new_code_cell('client = "acme-tools"', metadata={"tags": ["injected-parameters"]})
    nb.cells.insert(2, injected)
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {"x": {}}}}
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.2", "mimetype": "text/x-python"}
    nb.metadata["kernelspec"]["display_name"] = "Python 3 (ipykernel)"
    return nb


def test_pre_save_hook_saves_a_dirty_notebook_as_committed(tmp_path):
    from jupyter_server.services.contents.filemanager import FileContentsManager

    original = nbformat.read(REPO / "notebooks" / "sales_marketing.ipynb", as_version=4)
    manager = FileContentsManager(root_dir=str(tmp_path), pre_save_hook=labserver.pre_save_hook)
    manager.save({"type": "notebook", "format": "json", "content": _dirty(original)}, "sales_marketing.ipynb")
    saved = (tmp_path / "sales_marketing.ipynb").read_text()
    assert saved == (REPO / "notebooks" / "sales_marketing.ipynb").read_text()
    assert "acme" not in saved.lower()


def test_project_config_sets_the_hook_and_a_local_server(tmp_path, monkeypatch):
    from traitlets.config import Config

    monkeypatch.delenv(CHOICE_ENV, raising=False)
    monkeypatch.setenv(DATA_DIR_ENV, "relative/data")
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path))
    c = Config()
    exec(compile(labserver.CONFIG_FILE.read_text(), str(labserver.CONFIG_FILE), "exec"), {"c": c})
    assert c.ContentsManager.pre_save_hook == "workbook.labserver.pre_save_hook"
    assert c.ServerApp.ip == "127.0.0.1"
    assert Path(os.environ[DATA_DIR_ENV]).is_absolute()  # kernels run in notebooks/: no relative folder
    assert os.environ[CHOICE_ENV].startswith(str(tmp_path))


def test_lab_command_allows_root_only_for_root(monkeypatch, tmp_path):
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    cmd = launch.lab_command(tmp_path, 8888, browser=False)
    assert "--allow-root" in cmd and "--ServerApp.ip=127.0.0.1" in cmd and f"--config={labserver.CONFIG_FILE}" in cmd
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert "--allow-root" not in launch.lab_command(tmp_path, 8888)


# -- present mode ---------------------------------------------------------------------

def test_present_copies_leave_out_teaching_and_code_parameters(tmp_path):
    out = tmp_path / "present"
    out.mkdir()
    (path,) = launch.present_folder("aurora-software", DATA, ["sales_marketing"], out)
    nb = nbformat.read(path, as_version=4)
    tags = [t for c in nb.cells for t in c.metadata.get("tags", [])]
    assert "teaching" not in tags and tags.count("parameters") == 1
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert 'client = "aurora-software"' in params.source and repr(str(DATA)) in params.source
    assert not any("**To start:**" in c.source or "## Live session" in c.source for c in nb.cells)
    assert all(not c.get("outputs") for c in nb.cells)
    # The client's screen opens on the session screen: the header and the form come before any text.
    kinds = [("form" if "room.form()" in c.source else c.cell_type) for c in nb.cells]
    assert kinds[:kinds.index("form") + 1] == ["code", "code", "form"]
    assert any("framework in brief" in c.source for c in nb.cells[kinds.index("form"):])


def test_present_unknown_client_is_one_line(tmp_path):
    res = _cli("present", "acme-tool", "--no-browser", "--data-dir", str(DATA), "--stop-after", "5", cwd=tmp_path)
    assert res.returncode == 2
    assert res.stderr.strip().count("\n") == 0 and "acme-tool" in res.stderr
    assert not any(name in res.stderr for name in OTHER_CLIENTS)


def test_damaged_client_file_is_a_plain_line_in_a_session(choice, tmp_path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(DATA / "clients" / "aurora-software", data / "clients" / "aurora-software")
    (data / "clients" / "aurora-software" / "sales_marketing.json").write_text("{not json")
    room = wb.open_room("sales_marketing", "aurora-software", str(data), "live")
    line = room.header().children[0].value
    assert "aurora-software could not be opened" in line and "Traceback" not in line
    with pytest.raises(InvalidInput):
        wb.open_room("sales_marketing", "aurora-software", str(data), "report")
