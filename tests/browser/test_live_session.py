"""A consultant's live session, end to end, in JupyterLab driven by headless Chromium.

Open the Sales and Marketing notebook for the example client, run all cells,
answer all 20 statements for the first respondent with "5" and check that the
form, the save indicator and the client's file on disk all agree. Then, in
the brand-communities room, a change saved by another session while the
consultant is half-way through typing in another box: the change shows and the
typed text (and the focus) stay.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from workbook.frameworks import sales_marketing as sm

from .conftest import open_notebook, run_all

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing (install Debian's chromium package)"),
]

CLIENT = "aurora-software"
RESPONDENT = "Dana Ortiz"
N_STATEMENTS = 20
DOC = Path("data/clients") / CLIENT / "sales_marketing.json"
NOTEBOOK = "notebooks/sales_marketing.ipynb"
#: Optional extra copy of the screenshot for a human to look at (e.g. /tmp/browser-shot.png).
SHOT_ENV = "WORKBOOK_BROWSER_SHOT"


def _answers(doc_path: Path, name: str) -> list[int | None]:
    doc = json.loads(doc_path.read_text())
    return next(r["answers"] for r in doc["respondents"] if r["name"] == name)


def test_live_session_answers_are_saved(module_lab_server, module_page, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page, lab_server = module_page, module_lab_server
    doc_path = lab_server.root / DOC
    repo_doc = REPO / DOC
    repo_answers = _answers(repo_doc, RESPONDENT)
    start = {r["name"]: r["answers"] for r in json.loads(doc_path.read_text())["respondents"]}
    before = sm.score(start[RESPONDENT])  # the respondent starts complete
    assert before.total < 100 and before.relationship_type != "Integrated"

    lab_server.choose(CLIENT)  # as a click in the start page's list does
    open_notebook(page, lab_server, NOTEBOOK)
    run_all(page)

    form = page.locator(".jp-OutputArea-output", has=page.locator(".wb-statement-1"))
    expect(form.locator(".wb-statement-1 button").first).to_be_visible(timeout=60_000)
    expect(form.get_by_label("Respondent", exact=True)).to_have_value(RESPONDENT)
    total, kind, saved = form.locator(".wb-total"), form.locator(".wb-type"), form.locator(".wb-save-state")
    expect(total).to_have_text(str(before.total))
    expect(kind).to_have_text(before.relationship_type)
    expect(saved).to_have_text("Loaded")

    for n in range(1, N_STATEMENTS + 1):
        button = form.locator(f".wb-statement-{n}").get_by_role("button", name="5", exact=True)
        button.click()
        expect(button).to_have_class(re.compile(r"\bmod-active\b"))

    expect(total).to_have_text("100", timeout=30_000)
    expect(kind).to_have_text("Integrated")
    expect(saved).to_have_text(re.compile(r"^Saved \d\d:\d\d:\d\d$"))

    # The form shows 100 only after the last change was saved, so the file is final.
    after = {r["name"]: r["answers"] for r in json.loads(doc_path.read_text())["respondents"]}
    assert after == {**start, RESPONDENT: [5] * N_STATEMENTS}
    assert _answers(repo_doc, RESPONDENT) == repo_answers, "the session wrote to the repo's data"

    # Tall enough for the whole form: respondent, totals, 20 statements and the save state.
    page.set_viewport_size({"width": 1400, "height": 1500})
    form.evaluate("el => el.scrollIntoView({block: 'start'})")
    expect(saved).to_be_in_viewport()
    shot = tmp_path / "live-session.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 0
    if os.environ.get(SHOT_ENV):
        page.screenshot(path=os.environ[SHOT_ENV])
    for session in lab_server.api("api/sessions") or []:  # the module's next test starts with no kernel running
        lab_server.api(f"api/sessions/{session['id']}", method="DELETE", timeout=10)


def test_half_typed_text_survives_another_sessions_change(module_lab_server, module_page, tmp_path: Path) -> None:
    """A change saved elsewhere shows in the form without taking away what is being typed in another box."""
    from playwright.sync_api import expect

    from workbook.frameworks import brand_communities as bc
    from workbook.store import Store

    page, lab_server = module_page, module_lab_server
    lab_server.choose(CLIENT)
    open_notebook(page, lab_server, "notebooks/brand_communities.ipynb")
    run_all(page)
    screen = page.locator(".wb-session-screen").first
    expect(screen.locator(".wb-save-state")).to_have_text("Loaded", timeout=60_000)
    brand, community = screen.get_by_label("Brand", exact=True), screen.get_by_label("Community", exact=True)
    start = community.input_value()
    community.click()
    community.press("End")
    community.type(" and user days")  # no Enter, no leaving the box: nothing is sent to the kernel yet

    Store(lab_server.root / "data").update(CLIENT, "brand_communities", bc.Inputs,
                                           lambda doc: setattr(doc, "brand", "Aurora Rota Cloud"))
    expect(screen.locator(".wb-sync")).to_have_text(re.compile(r"Updated from another session \d\d:\d\d:\d\d"),
                                                    timeout=10_000)
    expect(brand).to_have_value("Aurora Rota Cloud")
    expect(community).to_have_value(start + " and user days")
    expect(community).to_be_focused()
    page.set_viewport_size({"width": 1400, "height": 900})
    screen.evaluate("el => el.scrollIntoView({block: 'start'})")
    shot = tmp_path / "half-typed.png"
    page.screenshot(path=str(shot))
    if os.environ.get(SHOT_ENV):
        page.screenshot(path=os.environ[SHOT_ENV])
    # The typed text is still the consultant's to save: Enter saves it over nothing newer.
    community.press("Enter")
    expect(screen.locator(".wb-save-state")).to_have_text(re.compile(r"^Saved \d\d:\d\d:\d\d"))
    saved = json.loads((lab_server.root / "data" / "clients" / CLIENT / "brand_communities.json").read_text())
    assert saved["brand"] == "Aurora Rota Cloud" and saved["community"] == start + " and user days"
    for session in lab_server.api("api/sessions") or []:  # the module's next test starts with no kernel running
        lab_server.api(f"api/sessions/{session['id']}", method="DELETE", timeout=10)
