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
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from workbook.store import Store
from workbook.survey.links import create_links

from .conftest import CHROMIUM, CHROMIUM_ARGS, _die_with_parent, _free_port, open_notebook

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing (install Debian's chromium package)"),
]

CLIENT = "aurora-software"
RESPONDENT = "Lena Vogt"
REPO = Path(__file__).resolve().parents[2]
_LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@contextmanager
def _survey_server(data_dir: Path, log_path: Path, limit_s: int = 150):
    """``workbook survey serve`` on a free loopback port; stops by itself after ``limit_s`` at the latest."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(["timeout", str(limit_s), sys.executable, "-m", "workbook", "survey", "serve",
                                 "--port", str(port), "--stop-after", str(limit_s - 10), "--data-dir", str(data_dir)],
                                stdout=log, stderr=subprocess.STDOUT, env=env, preexec_fn=_die_with_parent,
                                start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if _LOCAL.open(f"{base}/healthz", timeout=1).read() == b"ok":
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(log_path.read_text(errors="replace"))
                time.sleep(0.2)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def test_answers_from_a_phone_arrive_in_the_open_session_screen(lab_server, browser_page, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page = browser_page
    data_dir = lab_server.root / "data"
    lab_server.choose(CLIENT)
    open_notebook(page, lab_server, "notebooks/sales_marketing.ipynb")
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click()
    screen = page.locator(".jp-OutputArea-output", has=page.locator(".wb-statement-1"))
    expect(screen.locator(".wb-statement-1 button").first).to_be_visible(timeout=60_000)
    expect(screen).to_contain_text(re.compile(r"from \d+ respondent\(s\)"), timeout=10_000)
    before = int(re.search(r"from (\d+) respondent\(s\)", screen.text_content()).group(1))

    link = create_links(Store(data_dir), CLIENT, "sales_marketing", [(RESPONDENT, "Marketing")])[0]
    # listed at once as someone who has not answered yet
    expect(screen.get_by_text(f"{RESPONDENT} (0/20)")).to_be_visible(timeout=3_000)

    with _survey_server(data_dir, tmp_path / "survey.log") as base:
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
