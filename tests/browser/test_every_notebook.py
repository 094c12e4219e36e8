"""Every notebook in ``notebooks/``, opened and run in JupyterLab as a consultant does.

One JupyterLab server and one Chromium serve the whole module (``module_*``
fixtures in the conftest); each notebook gets a fresh page in its own
workspace, so nothing from the previous notebook is restored, and its kernel is
shut down afterwards. For every notebook: Run > Run All Cells, then every code
cell has run and no cell shows a traceback or a widget that failed to render.
For every framework notebook: the live form is there with its save indicator,
at least one chart is drawn, and one real edit through the form (a click in a
ToggleButtons group, another option in a dropdown, a slider nudged with the
keyboard) turns the indicator to "Saved hh:mm:ss" and changes the client's
file in the temporary data copy. A screenshot of each notebook's form is kept
in the module's temporary folder (and in ``$WORKBOOK_BROWSER_SHOTS`` when set).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from workbook import registry
from workbook.spec import BrowserEdit

from .conftest import open_notebook

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing (install Debian's chromium package)"),
]

#: Optional folder that receives a copy of every form screenshot (e.g. /tmp/shots).
SHOTS_ENV = "WORKBOOK_BROWSER_SHOTS"
SAVED = re.compile(r"^Saved \d\d:\d\d:\d\d$")
RUN_TIMEOUT_S = 60


_BY_NOTEBOOK = {fw.notebook: fw for fw in registry.REGISTRY}


def _order(path: Path) -> tuple:
    """The start page first, the rooms in registry order, anything else (the summary) last."""
    names = [fw.notebook for fw in registry.REGISTRY]
    if path.name.startswith("00_"):
        return (0, path.name)
    if path.name in names:
        return (1, names.index(path.name))
    return (2, path.name)


NOTEBOOKS = sorted((p for p in (REPO / "notebooks").glob("*.ipynb")), key=_order)


#: The example client each notebook is opened for (chosen as on the start page before it opens).
CLIENTS = {
    "sales_marketing": "aurora-software", "value_proposition": "aurora-software",
    "purpose_brands": "northwind-tools", "clv": "bluebird-coffee", "nps": "bluebird-coffee",
    "brand_communities": "bluebird-coffee", "female_economy": "meridian-bank",
    "growth_stages": "aurora-software", "deal_qualification": "aurora-software",
}


def _client_of(notebook: Path) -> str:
    """The example client ``notebook`` is worked on (Aurora Software for the start page and summary)."""
    framework = _BY_NOTEBOOK.get(notebook.name)
    return CLIENTS[framework.name] if framework is not None else "aurora-software"


def _code_cells(notebook: Path) -> int:
    return sum(1 for c in json.loads(notebook.read_text())["cells"] if c["cell_type"] == "code")


def _has_live_cells(notebook: Path) -> bool:
    """Whether the notebook has ``live``-tagged cells (a form with a save indicator)."""
    return any("live" in c.get("metadata", {}).get("tags", []) for c in json.loads(notebook.read_text())["cells"])


# -- driving JupyterLab -----------------------------------------------------------

# A cell whose code is hidden during a session (metadata jupyter.source_hidden) shows no prompt; cells run
# in order and the last cells (the lesson) show theirs, so a hidden cell counts as run ("[0]:").
_PROMPTS_JS = """() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell')]
    .map(c => c.querySelector('.jp-InputPlaceholder') ? '[0]:'
              : ((c.querySelector('.jp-InputArea-prompt') || {}).textContent || ''))"""

_TRACEBACK_JS = """() => [...document.querySelectorAll(
        '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
    .map(e => e.innerText).filter(t => /Traceback|Error/.test(t))"""


def _run_all_cells(page, rel: str, n_code: int) -> list[str]:
    """Run > Run All Cells; wait until every code cell has run or one failed. Returns the prompts."""
    # Code hidden for the session shows no prompt: View > Expand All Code first, so every prompt can be read.
    page.get_by_role("menuitem", name="View", exact=True).click()
    page.get_by_role("menuitem", name=re.compile(r"^Expand All Code")).click()
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click()
    deadline = time.monotonic() + RUN_TIMEOUT_S
    prompts: list[str] = []
    while time.monotonic() < deadline:
        prompts = [p.strip() for p in page.evaluate(_PROMPTS_JS)]
        busy = any("*" in p for p in prompts)
        done = len(prompts) == n_code and all(re.fullmatch(r"\[\d+\]:", p) for p in prompts)
        if done or (not busy and page.evaluate(_TRACEBACK_JS)):
            return prompts
        page.wait_for_timeout(200)
    raise AssertionError(f"{rel}: Run All Cells did not finish in {RUN_TIMEOUT_S} s; prompts {prompts}")


_BROKEN_RENDER_JS = """() => [...document.querySelectorAll(
        '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output')].map(e => e.innerText)
    .filter(t => /Error displaying widget|Error rendering output|model not found|Failed to load model/.test(t))"""


_CHARTS_LOADED_JS = """() => {
    const imgs = [...document.querySelectorAll(
        '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output img.widget-image')];
    return imgs.length > 0 && imgs.every(i => i.complete && i.naturalWidth > 50 && i.naturalHeight > 50); }"""


def _problems_shown(page) -> list[str]:
    """What a user would see as broken: tracebacks, error outputs, widgets that did not render."""
    problems = [f"traceback: {t[:600]}" for t in page.evaluate(_TRACEBACK_JS)]
    problems += [f"widget/output error: {t[:300]}" for t in page.evaluate(_BROKEN_RENDER_JS)]
    return problems


def _shutdown_kernels(server) -> None:
    """Shut down every kernel session, so the next notebook has the machine to itself."""
    try:
        for session in server.api("api/sessions") or []:
            server.api(f"api/sessions/{session['id']}", method="DELETE", timeout=10)
    except (OSError, ValueError):  # the server is gone: its fixture reports that
        pass


@pytest.fixture
def lab(module_lab_server, module_page):
    """The module's server and a fresh page; every kernel is shut down afterwards."""
    yield module_lab_server, module_page
    _shutdown_kernels(module_lab_server)


# -- the edit ------------------------------------------------------------------------

def _make_edit(page, form, edit: BrowserEdit) -> str:
    """Make ``edit`` in ``form`` through its widgets; returns what was done, for messages."""
    from playwright.sync_api import expect

    if edit.tab:
        form.locator(".lm-TabBar-tab", has_text=edit.tab).click()
    if edit.kind == "toggle":
        group = form.locator(".widget-toggle-buttons").filter(visible=True).first
        expect(group).to_be_visible()
        # The button after the selected one (before it when the last is selected; the first when
        # none is), pinned by position: a ":not(.mod-active)" locator would move on once clicked.
        index = group.locator("button").evaluate_all("""bs => {
            const on = bs.findIndex(b => b.classList.contains('mod-active'));
            const i = on < 0 ? 0 : (on + 1 < bs.length ? on + 1 : on - 1);
            return bs[i] && !bs[i].disabled ? i : -1; }""")
        assert index >= 0, "no other enabled button in the first group"
        button = group.locator("button").nth(index)
        text = button.inner_text()
        button.click()
        expect(button).to_have_class(re.compile(r"\bmod-active\b"))
        return f"clicked {text!r} in the first button group"
    if edit.kind == "select":
        selects = form.get_by_label(edit.label, exact=True)
        expect(selects.first).to_be_visible()
        for i in range(selects.count()):
            select = selects.nth(i)
            labels = select.evaluate("s => [...s.options].map(o => o.label)")
            current = select.evaluate("s => s.options[s.selectedIndex] ? s.options[s.selectedIndex].label : ''")
            wanted = edit.option or next((o for o in labels if o != current), "")
            if wanted and wanted != current and wanted in labels:
                select.select_option(label=wanted)
                return f"{edit.label}: {current!r} -> {wanted!r}"
        raise AssertionError(f"no dropdown labelled {edit.label!r} can change to {edit.option or 'another option'!r}")
    if edit.kind == "slider":
        slider = form.locator(".widget-slider", has=page.get_by_text(edit.label, exact=True))
        readout = slider.locator(".widget-readout")
        before = readout.inner_text()
        slider.locator(".noUi-handle").focus()
        page.keyboard.press("ArrowRight")
        expect(readout).not_to_have_text(before)
        return f"{edit.label}: {before} -> {readout.inner_text()}"
    raise AssertionError(f"unknown edit kind {edit.kind!r}")


def _shoot(page, target, path: Path) -> None:
    """A screenshot of ``target`` with the window tall enough to hold all of it."""
    box = target.bounding_box()
    height = int(min(max(1000, (box["height"] if box else 0) + 250), 4000))
    page.set_viewport_size({"width": 1400, "height": height})
    target.evaluate("el => el.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(150)  # let content-visibility paint what just came into view
    target.screenshot(path=str(path))
    assert path.stat().st_size > 0
    extra = os.environ.get(SHOTS_ENV)
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(extra) / path.name)


# -- the test -------------------------------------------------------------------------

@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_in_jupyterlab(notebook: Path, lab, module_tmp: Path) -> None:
    from playwright.sync_api import expect

    server, page = lab
    rel = f"notebooks/{notebook.name}"
    copy = server.root / rel  # what JupyterLab opens (the repo's notebook may change meanwhile)
    framework = _BY_NOTEBOOK.get(notebook.name)
    client = _client_of(copy)
    server.choose(client)  # as a click in the start page's list does

    open_notebook(page, server, rel)
    prompts = _run_all_cells(page, rel, _code_cells(copy))
    problems = _problems_shown(page)
    assert not problems, f"{rel} shows errors:\n" + "\n".join(problems)
    assert all(re.fullmatch(r"\[\d+\]:", p) for p in prompts), f"{rel}: not every cell ran: {prompts}"
    assert not page.locator(".jp-Dialog").count(), f"{rel}: a dialog is open: {page.locator('.jp-Dialog').inner_text()}"

    outputs = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output")
    forms = outputs.filter(has=page.locator(".wb-save-state"))
    shot = module_tmp / "shots" / f"{notebook.stem}.png"
    shot.parent.mkdir(exist_ok=True)

    if framework is None:  # the start page and the executive summary: no room, no edit
        if _has_live_cells(copy):  # the summary's action-plan editor
            expect(forms).to_have_count(1, timeout=30_000)
            target = forms.first
        else:
            target = outputs.filter(has=page.locator("table")).first
        target.scroll_into_view_if_needed()
        expect(target).to_be_visible()
        _shoot(page, target, shot)
        return

    # The live form rendered, with its save indicator, and at least one chart is drawn.
    expect(forms).to_have_count(1, timeout=30_000)
    form = forms.first
    status = form.locator(".wb-save-state")
    form.scroll_into_view_if_needed()
    expect(status).to_be_visible()
    expect(status).to_have_text("Loaded")
    charts = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output img.widget-image")
    expect(charts.first).to_be_attached(timeout=30_000)
    charts.first.scroll_into_view_if_needed()
    expect(charts.first).to_be_visible()
    try:  # every chart image has loaded and has a real size (no broken-image icon)
        page.wait_for_function(_CHARTS_LOADED_JS, timeout=15_000)
    except Exception:  # noqa: BLE001 - report which one
        sizes = charts.evaluate_all("imgs => imgs.map(i => [i.complete, i.naturalWidth, i.naturalHeight])")
        raise AssertionError(f"{rel}: a chart did not load (complete, width, height): {sizes}") from None

    # One real edit through the widgets: saved, and the client's file changed.
    edit = framework.browser_edit  # declared in the room's SPEC (workbook.spec.BrowserEdit)
    assert edit is not None, f"declare browser_edit in the SPEC of the {framework.name!r} room"
    doc = server.root / "data" / "clients" / client / f"{framework.name}.json"
    repo_doc = REPO / "data" / "clients" / client / f"{framework.name}.json"
    before, repo_before = doc.read_bytes(), repo_doc.read_bytes()
    form.scroll_into_view_if_needed()
    done = _make_edit(page, form, edit)
    expect(status).to_have_text(SAVED, timeout=15_000)
    after = doc.read_bytes()
    assert after != before, f"{rel}: status says saved after ({done}) but {doc.name} did not change"
    json.loads(after)  # still a whole JSON document
    assert repo_doc.read_bytes() == repo_before, "the session wrote to the repo's data"

    _shoot(page, form, shot)
