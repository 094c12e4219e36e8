"""Where JupyterLab leaves the consultant: full width on first open, on the session screen after Run All.

One JupyterLab server for the module, started with the project's configuration
(its seeded default workspace and clean saves). Both tests use the default
workspace, as ``workbook lab`` does. Screenshots at 1440x900 go to the module's
temporary folder and, when ``WORKBOOK_BROWSER_SHOTS`` names a folder, there too.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from .conftest import CHROMIUM, wait_idle, wait_kernel_ready

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing (install Debian's chromium package)"),
]

SHOTS_ENV = "WORKBOOK_BROWSER_SHOTS"
SCREEN = {"width": 1440, "height": 900}
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
LEFT_TABS = ".jp-SideBar.jp-mod-left .lm-TabBar-tab"


def _shot(page, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / name))
    extra = os.environ.get(SHOTS_ENV)
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        shutil.copy(folder / name, Path(extra) / name)


def _open(page, server, rel: str, kernel: bool = True) -> None:
    """Open ``rel`` in the default workspace (what ``workbook lab`` and a start-page link do).

    With ``kernel``, also wait for its kernel to be idle.
    """
    from playwright.sync_api import expect

    page.goto(server.url(f"lab/tree/{rel}"), wait_until="domcontentloaded")
    # The workspace may hold tabs from before: wait until this notebook's tab is the current one.
    current = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current")
    expect(current).to_contain_text(Path(rel).name, timeout=60_000)
    page.locator(f"{PANEL} .jp-Cell").first.wait_for(timeout=60_000)
    if kernel:
        assert wait_kernel_ready(page, server, rel), "the kernel never became idle"


def _viewport_box(page, locator) -> dict:
    """``locator``'s box in the window, and whether it is inside the 1440x900 window and not hidden."""
    box = locator.bounding_box()
    shown = bool(box) and locator.is_visible()
    inside = shown and box["y"] >= 0 and box["y"] + 40 <= SCREEN["height"] and box["x"] + box["width"] <= SCREEN["width"] + 1
    return {"box": box, "inside": inside, "shown": shown}


def test_lab_opens_with_the_sidebar_closed_and_the_file_browser_one_click_away(
        module_lab_server, module_page, module_tmp) -> None:
    from playwright.sync_api import expect

    page = module_page
    page.set_viewport_size(SCREEN)
    _open(page, module_lab_server, "notebooks/00_start_here.ipynb", kernel=False)
    panel = page.locator(PANEL)
    expect(panel.locator(".jp-MarkdownOutput h1", has_text="Start here")).to_be_visible()
    # No sidebar panel is open: no current tab, the left stack takes no width, the notebook has the window.
    expect(page.locator(f"{LEFT_TABS}.lm-mod-current")).to_have_count(0)
    assert page.locator("#jp-left-stack").bounding_box() in (None, {}) or \
        page.locator("#jp-left-stack").bounding_box()["width"] < 5, "the left sidebar takes room"
    assert panel.bounding_box()["width"] > SCREEN["width"] - 120, "the notebook does not get the width"
    _shot(page, module_tmp, "first-open-sidebar-closed.png")
    # One click on the folder icon opens the file browser.
    page.locator(f"{LEFT_TABS}[data-id='filebrowser']").click()
    expect(page.locator("#filebrowser")).to_be_visible()
    expect(page.locator("#filebrowser .jp-DirListing-item", has_text="customer_value.ipynb")).to_be_visible()
    _shot(page, module_tmp, "first-open-file-browser.png")
    page.locator(f"{LEFT_TABS}[data-id='filebrowser']").click()  # and one more closes it again
    expect(page.locator("#filebrowser")).to_be_hidden()


def test_run_all_ends_on_the_session_screen_with_the_exercises_folded(
        module_lab_server, module_page, module_tmp) -> None:
    from playwright.sync_api import expect

    page = module_page
    page.set_viewport_size(SCREEN)
    module_lab_server.choose("bluebird-coffee")
    _open(page, module_lab_server, "notebooks/customer_value.ipynb")
    panel = page.locator(PANEL)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click()
    screen = panel.locator(".wb-session-screen").first
    expect(screen.locator(".wb-save-state")).to_have_text("Loaded", timeout=60_000)
    assert wait_idle(page), "the kernel never became idle"
    exercise = panel.locator(".jp-Cell", has_text="at which stage of customer-centricity")
    expect(exercise).to_have_count(1, timeout=30_000)  # the lesson ran although it is folded
    page.wait_for_timeout(500)  # what the consultant sees once the page is still; the test scrolls nothing
    _shot(page, module_tmp, "run-all-session-screen.png")
    headline = screen.locator(".wb-col-results .wb-card").first
    for name, target in (("the save line", screen.locator(".wb-save-state")), ("the headline", headline),
                         ("the form's first tab", screen.locator(".lm-TabBar-tab").first)):
        where = _viewport_box(page, target)
        assert where["inside"], f"{name} is not in the window after Run All: {where['box']}"
    assert not exercise.is_visible(), "the exercises are on screen after Run All"
    heading = panel.locator(".jp-MarkdownCell", has_text="Learning the framework").first
    expect(heading.locator(".jp-collapseHeadingButton.jp-mod-collapsed")).to_have_count(1)
    # A student opens the folded part with one click on the button under the heading.
    unfold = panel.locator(".jp-showHiddenCellsButton")
    expect(unfold).to_have_count(1)
    expect(unfold).to_contain_text(re.compile(r"\d+ cells hidden"))
    unfold.scroll_into_view_if_needed()
    unfold.click()
    exercise.scroll_into_view_if_needed()
    expect(exercise).to_be_visible()
    expect(exercise).to_contain_text("Exercise 5")
    _shot(page, module_tmp, "run-all-exercises-opened.png")
    for session in module_lab_server.api("api/sessions") or []:
        module_lab_server.api(f"api/sessions/{session['id']}", method="DELETE", timeout=10)
