"""Starting a session as a consultant does, and the client's screen, in headless Chromium.

``workbook lab`` (what ``make lab`` runs; as root here, so ``--allow-root``
is exercised) serves a git copy of ``notebooks/`` and ``data/``. On the start
page the consultant creates a client (a bad revenue is refused beside its
field), searches the list, opens a framework in one click, works in it, saves
everything, and ``git status --porcelain notebooks/`` in the copy stays
empty; a reload shows no broken widget. ``workbook present`` serves the
session screen without code through Voila with a token; an answer clicked
there is saved to the client's file. Both servers also stop by themselves
(``--stop-after`` and ``timeout(1)``). Screenshots at 1440x900 are kept in
the module's temporary folder (and in ``$WORKBOOK_BROWSER_SHOTS`` when set).
"""
from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from .conftest import (
    CHROMIUM,
    LabServer,
    _chromium_context,
    _die_with_parent,
    _free_port,
    _stop_server,
    jupyter_env,
    open_notebook,
    run_all,
    wait_idle,
    wait_kernel_ready,
)

REPO = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing (install Debian's chromium package)"),
]
SHOTS_ENV = "WORKBOOK_BROWSER_SHOTS"
SAVED = re.compile(r"Saved \d\d:\d\d:\d\d")
VIEWPORT = {"width": 1440, "height": 900}
_LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _git(root: Path, *args: str) -> str:
    cmd = ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false",
           *args]
    return subprocess.run(cmd, cwd=root, check=True, capture_output=True, text=True, timeout=60).stdout


def _git_copy(tmp: Path) -> Path:
    """``notebooks/`` and ``data/`` of the repository, committed in a fresh git repository under ``tmp``."""
    root = tmp / "workbook"
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "*.lock", "__pycache__")
    for name in ("notebooks", "data"):
        shutil.copytree(REPO / name, root / name, ignore=ignore)
    (root / ".gitignore").write_text(".ipynb_checkpoints/\n*.lock\n")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "copy")
    return root


def _shoot(page, name: str, folder: Path) -> Path:
    path = folder / name
    page.screenshot(path=str(path))
    extra = os.environ.get(SHOTS_ENV)
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(extra) / name)
    return path


@contextmanager
def _served(cmd: list[str], env: dict, cwd: Path, log_path: Path, port: int, token: str,
            root: Path) -> Iterator[LabServer]:
    """Run a workbook command that serves on ``port``; yield once it answers; always stop it."""
    log = open(log_path, "ab")
    proc = subprocess.Popen(["timeout", "--kill-after=5", "300", *cmd], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                            preexec_fn=_die_with_parent)
    log.close()
    server = LabServer(f"http://127.0.0.1:{port}", token, root, proc, log_path)
    deadline = time.monotonic() + 90
    try:
        while True:
            assert proc.poll() is None, f"the server exited early:\n{server.log_tail()}"
            assert time.monotonic() < deadline, f"the server never answered:\n{server.log_tail()}"
            try:
                _LOCAL.open(server.base_url + "/", timeout=2)
                break
            except urllib.error.HTTPError:  # a login page or a refusal: the server is up
                break
            except (OSError, urllib.error.URLError):
                time.sleep(0.3)
        yield server
    finally:
        _stop_server(server)


def _status(port: int, path: str) -> int:
    """The HTTP status of ``GET path`` on 127.0.0.1 (redirects not followed)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    finally:
        conn.close()


def test_start_page_to_framework_and_clean_notebooks(tmp_path: Path) -> None:
    from playwright.sync_api import expect

    root = _git_copy(tmp_path)
    data = root / "data"
    token, port = secrets.token_hex(24), _free_port()
    env = jupyter_env(tmp_path / "home", token, data)
    cmd = [sys.executable, "-m", "workbook", "lab", "--no-browser", f"--port={port}", f"--data-dir={data}",
           f"--notebooks={root / 'notebooks'}", "--stop-after=280"]
    with _served(cmd, env, root, tmp_path / "lab.log", port, token, root) as server, \
            _chromium_context(server) as context:
        page = context.new_page()
        page.set_viewport_size(VIEWPORT)
        try:
            # The server opens on the start page.
            page.goto(server.url("/"), wait_until="domcontentloaded")
            expect(page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")).to_contain_text(
                "Start here", timeout=60_000)
            # ... at the window's full width: no sidebar panel open (the file browser is one click away).
            expect(page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")).to_have_count(0)
            open_notebook(page, server, "00_start_here.ipynb")
            run_all(page)
            start = page.locator(".wb-start-page")
            expect(start).to_be_visible(timeout=60_000)
            expect(start.locator(".wb-data-folder")).to_contain_text(str(data))

            # A new client: a bad revenue is refused beside its field, then the client is created.
            start.get_by_placeholder("e.g. Acme Tools").fill("Acme Tools")
            start.get_by_placeholder("e.g. Industrial tools").fill("Industrial tools")
            revenue = start.get_by_placeholder(re.compile("12M"))
            revenue.fill("twelve million")
            start.get_by_role("button", name="Create client").click()
            expect(start.locator(".wb-field-error-revenue")).to_contain_text("Not accepted: 'twelve million'")
            expect(start.locator(".wb-field-error-name")).to_have_text("")
            assert not (data / "clients" / "acme-tools").exists(), "a refused client was written"
            revenue.fill("12M")
            start.get_by_role("button", name="Create client").click()
            expect(start.locator(".wb-new-status")).to_contain_text("Created Acme Tools")
            profile = json.loads((data / "clients" / "acme-tools" / "profile.json").read_text())
            assert (profile["name"], profile["revenue_usd"]) == ("Acme Tools", 12_000_000)
            expect(start.locator(".wb-chosen-client")).to_have_text("Acme Tools")

            # The list is searchable.
            search = start.locator(".wb-client-search input")
            search.fill("coffee")
            expect(start.locator(".wb-client-list option")).to_have_count(1)
            expect(start.locator(".wb-client-list option")).to_contain_text("Bluebird Coffee Roasters")
            search.fill("")
            start.locator(".wb-chosen").scroll_into_view_if_needed()
            shots = tmp_path
            _shoot(page, "start-page.png", shots)

            # One click opens a framework for the chosen client.
            start.locator("a.wb-open-sales_marketing").click()
            panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
            expect(panel).to_contain_text("Sales and Marketing: how well", timeout=60_000)
            assert wait_kernel_ready(page, server, "sales_marketing.ipynb"), "the kernel never became idle"
            run_all(page)
            expect(panel.locator(".wb-header .wb-open-client")).to_have_text("Acme Tools", timeout=60_000)
            form = panel.locator(".jp-OutputArea-output", has=page.locator(".wb-save-state"))
            # Run All ends on the session screen, not on the exercises.
            assert wait_idle(page), "the kernel never became idle"
            page.wait_for_timeout(500)
            state = form.locator(".wb-save-state").bounding_box()
            assert state and 0 <= state["y"] <= VIEWPORT["height"] - 40, f"the form is off screen after Run All: {state}"
            expect(form.locator(".wb-banner")).to_contain_text("Acme Tools")
            form.get_by_placeholder("Name of new respondent").fill("Jo Park")
            form.get_by_role("button", name="Add respondent").click()
            expect(form.locator(".wb-save-state")).to_have_text(SAVED, timeout=15_000)
            saved = json.loads((data / "clients" / "acme-tools" / "sales_marketing.json").read_text())
            assert [r["name"] for r in saved["respondents"]] == ["Jo Park"]
            panel.locator(".wb-header").evaluate("el => el.scrollIntoView({block: 'start'})")
            _shoot(page, "framework-from-start-page.png", shots)

            # Saving from JupyterLab leaves the repository's notebooks as they were.
            page.get_by_role("menuitem", name="File", exact=True).click()
            page.get_by_role("menuitem", name=re.compile(r"^Save All")).click()
            expect(page.locator(".jp-mod-dirty")).to_have_count(0, timeout=15_000)
            for name in ("00_start_here.ipynb", "sales_marketing.ipynb"):
                model = server.api(f"api/contents/{name}")
                assert model["last_modified"], name
            assert _git(root, "status", "--porcelain", "notebooks/") == ""
            assert "Acme" not in (root / "notebooks" / "sales_marketing.ipynb").read_text()

            # Reopened, a notebook shows no widget that lost its model.
            page.reload(wait_until="domcontentloaded")
            shown = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
            expect(shown).to_contain_text("Sales and Marketing", timeout=60_000)
            page.wait_for_timeout(2000)
            text = page.locator("#main").inner_text()
            assert "Error displaying widget" not in text and "model not found" not in text
        except Exception:
            _shoot(page, "failure-lab.png", tmp_path)
            print(f"server log:\n{server.log_tail()}")
            raise


def test_present_mode_saves_an_answer(tmp_path: Path) -> None:
    from playwright.sync_api import expect

    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data, ignore=shutil.ignore_patterns("*.lock"))
    doc_path = data / "clients" / "aurora-software" / "sales_marketing.json"
    first = json.loads(doc_path.read_text())["respondents"][0]
    old = first["answers"][0]
    new = 5 if old != 5 else 1
    token, port = secrets.token_urlsafe(24), _free_port()
    env = jupyter_env(tmp_path / "home", token, data)
    cmd = [sys.executable, "-m", "workbook", "present", "aurora-software", "sales_marketing", "--no-browser",
           f"--port={port}", f"--data-dir={data}", "--stop-after=200"]
    # `workbook present` makes its own token; read it from the line it prints.
    with _served(cmd, env, tmp_path, tmp_path / "present.log", port, token, tmp_path) as server:
        found = re.search(r"token=([\w-]+)", server.log_path.read_text())
        assert found, server.log_tail()
        server.token = found.group(1)
        assert _status(port, "/") in (302, 401, 403), "the client's screen opened without the token"
        assert _status(port, f"/?token={server.token}") == 200
        with _chromium_context(server) as context:
            page = context.new_page()
            page.set_viewport_size(VIEWPORT)
            try:
                page.goto(server.url("/"), wait_until="domcontentloaded")
                button = page.locator(".wb-statement-1").get_by_role("button", name=str(new), exact=True)
                expect(button).to_be_visible(timeout=90_000)
                expect(page.locator(".wb-open-client").first).to_contain_text("Aurora Software")
                text = page.locator("body").inner_text()
                assert "open_room" not in text and "room.section" not in text, "code is on the client's screen"
                assert "Learning the framework" not in text and "Start page" not in text
                button.click()
                expect(page.locator(".wb-save-state")).to_have_text(SAVED, timeout=20_000)
                after = json.loads(doc_path.read_text())["respondents"][0]
                assert after["name"] == first["name"] and after["answers"][0] == new
                page.locator(".wb-header").first.scroll_into_view_if_needed()
                _shoot(page, "present-mode.png", tmp_path)
            except Exception:
                _shoot(page, "failure-present.png", tmp_path)
                print(f"server log:\n{server.log_tail()}")
                raise
