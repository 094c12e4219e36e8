"""The session screen in JupyterLab at 1440x900, two tabs in sync, and an error beside its field.

One JupyterLab server for the module. Screenshots go to the module's temporary
folder and, when ``WORKBOOK_BROWSER_SHOTS`` names a folder, there too.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from .conftest import open_notebook, run_all

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing (install Debian's chromium package)"),
]

SHOTS_ENV = "WORKBOOK_BROWSER_SHOTS"
SCREEN = {"width": 1440, "height": 900}
SAVED = re.compile(r"^Saved \d\d:\d\d:\d\d")
#: The goal is 1 s from a save in one tab to the change in the other; on a machine loaded beyond two
#: runnable tasks per core the test allows 3 s (the number is printed either way).
SYNC_LIMIT_S = 1.0 if os.getloadavg()[0] / (os.cpu_count() or 1) < 2 else 3.0


def _session(page):
    from playwright.sync_api import expect

    screen = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .wb-session-screen").first
    expect(screen.locator(".wb-save-state")).to_have_text("Loaded", timeout=60_000)
    # The cells after the form (lesson, exercises) finish first: they would move the page.
    expect(page.locator("#jp-main-statusbar", has_text=re.compile(r"\| Idle"))).to_have_count(1, timeout=60_000)
    screen.evaluate("el => el.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    return screen


def _shot(page, path: Path) -> None:
    page.screenshot(path=str(path))
    extra = os.environ.get(SHOTS_ENV)
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(extra) / path.name)


def _in_view(page, locator) -> bool:
    box = locator.bounding_box()
    return bool(box) and box["y"] >= 0 and box["y"] + 40 <= SCREEN["height"] and box["x"] + box["width"] <= SCREEN["width"] + 1


@pytest.mark.parametrize("notebook, client", [("sales_marketing", "aurora-software"), ("net_promoter", "bluebird-coffee"),
                                              ("female_economy", "meridian-bank")])
def test_session_screen_fits_1440x900(notebook, client, module_lab_server, module_page, module_tmp) -> None:
    page = module_page
    page.set_viewport_size(SCREEN)
    module_lab_server.choose(client)
    open_notebook(page, module_lab_server, f"notebooks/{notebook}.ipynb")
    run_all(page)
    screen = _session(page)
    results = screen.locator(".wb-col-results")
    # Headline, the main chart and the advice start on screen beside the form; no code is shown.
    assert _in_view(page, screen.locator(".wb-save-state")), "the save line is off screen"
    assert _in_view(page, results.locator(".wb-card").first), "the headline is off screen"
    chart = results.locator("img.widget-image").first
    chart.wait_for(timeout=30_000)
    assert _in_view(page, chart), "the main chart is off screen"
    form_box, results_box = screen.locator(".widget-hbox").first.bounding_box(), results.bounding_box()
    assert results_box["x"] > form_box["x"] + 300, "results are not beside the form"
    hidden = page.evaluate("""() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell')]
        .filter(c => c.querySelector('.wb-session-screen')).map(c => c.classList.contains('jp-mod-inputHidden') ||
            !!c.querySelector('.jp-InputPlaceholder'))""")
    assert hidden == [True], "the session cell shows its code"
    _shot(page, module_tmp / f"session-{notebook}.png")


def test_two_tabs_stay_in_sync(module_lab_server, module_browser, module_tmp) -> None:
    """Tab A and tab B, each with its own kernel, on one client: A's edit shows in B; B's edit keeps it."""
    from playwright.sync_api import expect

    server = module_lab_server
    rel = "notebooks/sales_marketing.ipynb"
    copy_b = "notebooks/sales_marketing_b.ipynb"
    shutil.copy(server.root / rel, server.root / copy_b)  # a second notebook: a second kernel
    doc = server.root / "data" / "clients" / "aurora-software" / "sales_marketing.json"
    server.choose("aurora-software")
    a, b = module_browser.new_page(), module_browser.new_page()
    try:
        for page, path in ((a, rel), (b, copy_b)):
            page.set_viewport_size(SCREEN)
            open_notebook(page, server, path)
            run_all(page)
        screen_a, screen_b = _session(a), _session(b)
        group_a = screen_a.locator(".wb-statement-1")
        group_b = screen_b.locator(".wb-statement-1")
        current = json.loads(doc.read_text())["respondents"][0]["answers"][0]
        new = 1 if current != 1 else 2
        group_a.get_by_role("button", name=str(new), exact=True).click()
        expect(screen_a.locator(".wb-save-state")).to_have_text(SAVED)
        start = time.monotonic()
        expect(group_b.get_by_role("button", name=str(new), exact=True)).to_have_class(
            re.compile(r"\bmod-active\b"), timeout=SYNC_LIMIT_S * 1000)
        seen_after = time.monotonic() - start
        expect(screen_b.locator(".wb-sync")).to_have_text(re.compile(r"Updated from another session \d\d:\d\d:\d\d"))
        print(f"tab B showed tab A's answer {seen_after * 1000:.0f} ms after A said Saved")
        _shot(b, module_tmp / "session-two-tabs-b.png")
        # B's next edit, on another statement, keeps A's answer.
        other = json.loads(doc.read_text())["respondents"][0]["answers"][1]
        pick = 3 if other != 3 else 4
        screen_b.locator(".wb-statement-2").get_by_role("button", name=str(pick), exact=True).click()
        expect(screen_b.locator(".wb-save-state")).to_have_text(SAVED)
        answers = json.loads(doc.read_text())["respondents"][0]["answers"]
        assert answers[0] == new and answers[1] == pick
        expect(screen_a.locator(".wb-statement-2").get_by_role("button", name=str(pick), exact=True)).to_have_class(
            re.compile(r"\bmod-active\b"), timeout=SYNC_LIMIT_S * 1000)
        _shot(a, module_tmp / "session-two-tabs-a.png")
    finally:
        for session in server.api("api/sessions") or []:
            server.api(f"api/sessions/{session['id']}", method="DELETE", timeout=10)
        a.close()
        b.close()


def test_a_bad_number_is_refused_beside_its_field(module_lab_server, module_page, module_tmp) -> None:
    from playwright.sync_api import expect

    page = module_page
    page.set_viewport_size(SCREEN)
    server = module_lab_server
    doc = server.root / "data" / "clients" / "bluebird-coffee" / "clv.json"
    server.choose("bluebird-coffee")
    open_notebook(page, server, "notebooks/customer_value.ipynb")
    run_all(page)
    screen = _session(page)
    screen.locator(".lm-TabBar-tab", has_text="Subscription").first.click()
    before = doc.read_bytes()
    box = screen.locator(".widget-text", has=page.get_by_text("Subscribers", exact=True)).locator("input")
    box.fill("-500")
    box.press("Enter")
    note = screen.locator(".wb-field-error", has_text="Subscribers")
    expect(note).to_have_text(re.compile(r"Subscribers: -500 is below 0; enter 0 or more"))
    expect(box).to_have_value("-500")  # shown as typed, not changed to 0
    assert doc.read_bytes() == before, "a refused number was saved"
    field_box, note_box = box.bounding_box(), note.bounding_box()
    assert abs(note_box["y"] - field_box["y"]) < 40 and note_box["x"] > field_box["x"], "the message is not beside the field"
    _shot(page, module_tmp / "session-field-error.png")
    for session in server.api("api/sessions") or []:
        server.api(f"api/sessions/{session['id']}", method="DELETE", timeout=10)
