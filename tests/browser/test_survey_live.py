"""A respondent answers from a phone while the consultant's session screen is open in JupyterLab.

The consultant opens the Sales-Marketing notebook for the example client and
runs it; a personal link is made for a new respondent (as ``workbook survey
create`` does), and the session screen lists her as still answering. She
answers all twenty statements on a 375 px wide page served by ``workbook
survey serve``; the consultant's screen then counts her in the team, without a
click, and the client's file holds her answers.
"""
from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest

from workbook.store import Store
from workbook.survey.links import create_links

from ..survey.conftest import running_survey_server
from .conftest import CHROMIUM, open_notebook, run_all

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing (install Debian's chromium package)"),
]

CLIENT = "aurora-software"
RESPONDENT = "Lena Vogt"
REPO = Path(__file__).resolve().parents[2]


def test_answers_from_a_phone_arrive_in_the_open_session_screen(lab_server, browser_page, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page = browser_page
    data_dir = lab_server.root / "data"
    lab_server.choose(CLIENT)
    open_notebook(page, lab_server, "notebooks/sales_marketing.ipynb")
    run_all(page)
    screen = page.locator(".jp-OutputArea-output", has=page.locator(".wb-statement-1"))
    expect(screen.locator(".wb-statement-1 button").first).to_be_visible(timeout=60_000)
    expect(screen).to_contain_text(re.compile(r"from \d+ respondent\(s\)"), timeout=10_000)
    before = int(re.search(r"from (\d+) respondent\(s\)", screen.text_content()).group(1))

    link = create_links(Store(data_dir), CLIENT, "sales_marketing", [(RESPONDENT, "Marketing")])[0]
    # listed at once as someone who has not answered yet
    expect(screen.get_by_text(f"{RESPONDENT} (0/20)")).to_be_visible(timeout=3_000)

    with running_survey_server(data_dir, tmp_path / "survey.log", 150) as base:
        phone = page.context.browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True,
                                                 has_touch=True)
        try:
            answer = phone.new_page()
            answer.goto(link.url(base))
            for number in range(1, 5):
                for fieldset in answer.locator("fieldset").all():
                    fieldset.get_by_text("Strongly agree", exact=True).click()
                button = "Save and finish" if number == 4 else "Save and continue"
                answer.get_by_role("button", name=button).click()
                answer.wait_for_url("**/thanks" if number == 4 else f"**?p={number + 1}")
            sent = time.monotonic()
        finally:
            phone.close()

    # the consultant's screen counts her without a click, and says the view was updated
    expect(screen).to_contain_text(re.compile(rf"from {before + 1} respondent\(s\)"), timeout=5_000)
    waited = time.monotonic() - sent
    expect(screen.get_by_text(f"{RESPONDENT} (0/20)")).to_have_count(0)
    expect(screen.locator(".wb-sync")).to_contain_text("Updated from another session")
    screen.locator(".wb-sync").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "session-after-survey.png"))
    if os.environ.get("WORKBOOK_BROWSER_SHOT"):
        page.screenshot(path=os.environ["WORKBOOK_BROWSER_SHOT"])
    doc = json.loads((data_dir / "clients" / CLIENT / "sales_marketing.json").read_text())
    lena = next(r for r in doc["respondents"] if r["name"] == RESPONDENT)
    assert lena["answers"] == [5] * 20 and lena["role"] == "Marketing"
    assert waited < 5.0
