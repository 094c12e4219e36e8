"""A respondent answers the Sales-Marketing diagnostic on a phone-sized headless Chromium.

The survey server runs as its own process on 127.0.0.1 on a free port, under
``timeout`` and with ``--stop-after``, so it stops by itself even if pytest is
killed. Accessibility is checked with axe-core (shipped inside the
``axe-playwright-python`` package; nothing is downloaded).
"""
from __future__ import annotations

import os
import urllib.request
from pathlib import Path

import pytest

from workbook.frameworks import sales_marketing
from workbook.store import Store
from workbook.survey.links import load_links

from ..browser.conftest import CHROMIUM, CHROMIUM_ARGS
from .conftest import make_link, running_survey_server

pytestmark = pytest.mark.browser
SERVER_HARD_TIMEOUT_S = 120
_LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@pytest.fixture()
def survey_server(data_dir: Path, tmp_path: Path):
    """``workbook survey serve`` on a free loopback port; yields its base URL and stops it afterwards."""
    with running_survey_server(data_dir, tmp_path / "survey-server.log", SERVER_HARD_TIMEOUT_S) as base:
        yield base


def _axe(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in results.response["violations"]]


def _shots_dir(tmp_path: Path) -> Path:
    return Path(os.environ.get("SURVEY_SHOTS", tmp_path))


def test_phone_respondent_answers_the_diagnostic_and_it_lands_in_the_store(survey_server, data_dir, tmp_path):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (install Debian's chromium package)")
    from playwright.sync_api import sync_playwright

    link = make_link(data_dir, name="Dana <Petrov>", role="Marketing")
    url = link.url(survey_server)
    shots = _shots_dir(tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=2,
                                          is_mobile=True, has_touch=True)
            context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(survey_server)
                          else route.abort())
            page = context.new_page()
            page.goto(url)
            assert page.locator("h1").inner_text() == "How Sales and Marketing work together"
            assert "Answering as Dana <Petrov> (Marketing)." in page.inner_text("main")
            assert "Ending the War Between Sales and Marketing" in page.inner_text("footer")
            assert page.evaluate("document.documentElement.scrollWidth") <= 375   # nothing wider than the phone
            assert _axe(page) == []
            page.screenshot(path=str(shots / "survey-phone-page1.png"), full_page=True)

            # page 1 by keyboard only: Tab into each question, Space picks the first point, arrows move it
            page.locator("body").focus()
            for _ in range(5):
                page.keyboard.press("Tab")
                page.keyboard.press("Space")
                for _ in range(3):
                    page.keyboard.press("ArrowRight")
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.textContent.trim()") == "Save and continue"
            with page.expect_navigation():
                page.keyboard.press("Enter")
            assert page.url.endswith("?p=2"), page.inner_text("main")
            assert "5 of 20 answered" in page.inner_text(".progress")

            # leave and come back: the link reopens where the respondent stopped
            page.goto(url)
            assert "Page 2 of 4" in page.inner_text(".progress")
            for number, value in ((2, "Agree"), (3, "Disagree"), (4, "Strongly agree")):
                for fieldset in page.locator("fieldset").all():
                    fieldset.get_by_text(value, exact=True).click()
                if number < 4:
                    page.get_by_role("button", name="Save and continue").click()
                    page.wait_for_url(f"**?p={number + 1}")
            assert _axe(page) == []
            page.get_by_role("button", name="Save and finish").click()
            page.wait_for_url("**/thanks")
            assert page.locator("h1").inner_text() == "Thank you"
            assert _axe(page) == []
            page.screenshot(path=str(shots / "survey-phone-thanks.png"), full_page=True)

            laptop = browser.new_context(viewport={"width": 1280, "height": 800})
            wide = laptop.new_page()
            wide.goto(url + "?p=1")
            assert wide.locator("input[type=radio]:checked").count() == 5
            wide.screenshot(path=str(shots / "survey-laptop-page1.png"), full_page=True)
        finally:
            browser.close()

    doc = Store(data_dir).load("aurora-software", "sales_marketing", sales_marketing.Inputs)
    dana = next(r for r in doc.respondents if r.name == "Dana <Petrov>")
    assert dana.role == "Marketing"
    assert dana.answers == [4] * 5 + [4] * 5 + [2] * 5 + [5] * 5
    assert load_links(Store(data_dir), "aurora-software").get(link.link.id).finished_at is not None
    result = sales_marketing.evaluate(doc)
    assert ("Dana <Petrov>", 75) in [(r.name, r.total) for r in result.assessment.respondents]


def test_expired_and_revoked_pages_pass_the_accessibility_check(survey_server, data_dir):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (install Debian's chromium package)")
    from playwright.sync_api import sync_playwright

    from workbook.survey.links import revoke_links

    link = make_link(data_dir, name="Rob", role="Sales")
    revoke_links(Store(data_dir), "aurora-software", [link.link.id])
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 375, "height": 812}).new_page()
            response = page.goto(link.url(survey_server))
            assert response.status == 410 and page.locator("h1").inner_text() == "This link was withdrawn"
            assert _axe(page) == []
            response = page.goto(f"{survey_server}/s/{'x' * 43}")
            assert response.status == 404 and _axe(page) == []
        finally:
            browser.close()


def test_phone_customer_answers_an_anonymous_nps_link(survey_server, data_dir, tmp_path):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (install Debian's chromium package)")
    from playwright.sync_api import sync_playwright

    link = make_link(data_dir, "bluebird-coffee", "nps", None, None)
    shots = _shots_dir(tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=2).new_page()
            page.goto(link.url(survey_server))
            assert "Answering as" not in page.inner_text("main")            # anonymous: no name anywhere
            assert page.evaluate("document.documentElement.scrollWidth") <= 375
            page.get_by_label("9", exact=True).check()
            page.get_by_label("2. What is the main reason for your score? (optional)").fill("Great beans </textarea>")
            assert _axe(page) == []
            page.screenshot(path=str(shots / "survey-phone-nps.png"), full_page=True)
            page.get_by_role("button", name="Save and finish").click()
            page.wait_for_url("**/thanks")
        finally:
            browser.close()
    raw = Store(data_dir).load_table("bluebird-coffee", "nps", "responses")
    mine = raw.loc[raw["link"] == link.link.id]
    assert mine["score"].tolist() == ["9"] and mine["reason"].tolist() == ["Great beans </textarea>"]
