"""Fixtures for browser tests: a private JupyterLab server and headless Chromium.

Every test gets its own copy of ``notebooks/`` and ``data/`` under pytest's
``tmp_path``, a JupyterLab server bound to 127.0.0.1 on a free port with a
random token and that copy as its root, and a Chromium page that can reach
nothing but that server. The server always stops: the fixture finalizer asks
it to shut down, then terminates its process group and any kernel it started;
the server also runs under ``timeout(1)`` so it dies on its own even when
pytest itself is killed.

A module whose tests share one server (starting one costs seconds) uses the
``module_*`` fixtures instead: ``module_workbook_copy`` and
``module_lab_server`` live as long as the module, ``module_browser`` is one
Chromium context for the module and ``module_page`` a fresh page in it for
each test (with the same failure screenshot as ``browser_page``).
"""
from __future__ import annotations

import json
import re
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from workbook.labserver import CONFIG_FILE

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-proxy-server",
]
#: The server kills itself after this many seconds whatever happens to pytest.
SERVER_HARD_TIMEOUT_S = 150
#: The same for a server shared by a whole module (its tests together stay well under this).
MODULE_SERVER_HARD_TIMEOUT_S = 600
SERVER_START_TIMEOUT_S = 60

# Plain urllib that never goes through an http_proxy from the environment.
_LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class LabServer:
    """A running JupyterLab server owned by one test."""

    base_url: str
    token: str
    root: Path
    proc: subprocess.Popen
    log_path: Path
    #: This server's record of the client chosen on the start page.
    choice_path: Path | None = None

    def choose(self, client: str) -> None:
        """Record ``client`` as chosen on the start page (what a click in its list does)."""
        from workbook.clients import record_choice

        record_choice(client, self.root / "data", self.choice_path)

    def url(self, path: str) -> str:
        """``path`` on this server with the token appended."""
        sep = "&" if "?" in path else "?"
        return f"{self.base_url}/{path.lstrip('/')}{sep}token={self.token}"

    def api(self, path: str, method: str = "GET", timeout: float = 5.0, body: dict | None = None):
        """Call the REST API (``body`` sent as JSON); returns the decoded JSON (or None for an empty body)."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url(path), method=method, data=data,
                                     headers={"Authorization": f"token {self.token}",
                                              "Content-Type": "application/json"})
        with _LOCAL.open(req, timeout=timeout) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return "<no server log>"


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM when the pytest process dies (Linux only)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _proc_start_time(pid: int) -> str | None:
    """The kernel's start time for ``pid`` (guards against pid reuse), or None when gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def _descendants(root_pid: int) -> list[tuple[int, str]]:
    """(pid, start time) of every live descendant of ``root_pid`` (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root_pid]
    while todo:
        for child in children.get(todo.pop(), []):
            start = _proc_start_time(child)
            if start is not None:
                found.append((child, start))
                todo.append(child)
    return found


def _stop_server(server: LabServer) -> None:
    proc = server.proc
    # Kernels run in their own sessions, so remember them before the server goes.
    spawned = _descendants(proc.pid)
    if proc.poll() is None:
        try:
            server.api("api/shutdown", method="POST")
        except (OSError, urllib.error.URLError):
            pass
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            pass
    for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        if proc.poll() is not None:
            break
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(wait)
        except subprocess.TimeoutExpired:
            pass
    for pid, start in spawned:
        if _proc_start_time(pid) == start:  # still the same process we saw
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def _copy_workbook(tmp: Path) -> Path:
    """``notebooks/`` and ``data/`` copied into ``tmp/workbook``; the repo is never touched."""
    root = tmp / "workbook"
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "*.lock", "__pycache__")
    for name in ("notebooks", "data"):
        shutil.copytree(REPO / name, root / name, ignore=ignore)
    return root


@pytest.fixture
def workbook_copy(tmp_path: Path) -> Path:
    """``notebooks/`` and ``data/`` copied into a fresh folder; the repo is never touched."""
    return _copy_workbook(tmp_path)


@pytest.fixture
def lab_server(workbook_copy: Path, tmp_path: Path) -> Iterator[LabServer]:
    """A JupyterLab server on 127.0.0.1 (free port, random token) rooted at the copy."""
    with _running_lab(workbook_copy, tmp_path, SERVER_HARD_TIMEOUT_S) as server:
        yield server


@pytest.fixture(scope="module")
def module_tmp(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """A temporary folder for the whole module."""
    return tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])


@pytest.fixture(scope="module")
def module_workbook_copy(module_tmp: Path) -> Path:
    """Like ``workbook_copy``, shared by the module's tests."""
    return _copy_workbook(module_tmp)


@pytest.fixture(scope="module")
def module_lab_server(module_workbook_copy: Path, module_tmp: Path) -> Iterator[LabServer]:
    """Like ``lab_server``, one server for the whole module."""
    with _running_lab(module_workbook_copy, module_tmp, MODULE_SERVER_HARD_TIMEOUT_S) as server:
        yield server


def jupyter_env(home: Path, token: str, data_dir: Path) -> dict[str, str]:
    """The environment of a test's Jupyter or Voila server: private folders under ``home``, no proxy.

    Its kernels read ``data_dir`` and keep their start-page record under ``home``.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY_"))}
    env.update(
        JUPYTER_TOKEN=token,
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_DATA_DIR=str(home / "data"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(home / "lab-settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "lab-workspaces"),
        IPYTHONDIR=str(home / "ipython"),
        MPLCONFIGDIR=str(home / "matplotlib"),
        PYTHONUNBUFFERED="1",
        WORKBOOK_DATA_DIR=str(data_dir),
        WORKBOOK_CHOICE_FILE=str(home / "choice.json"),
    )
    env.pop("WORKBOOK_PRESENT", None)
    for key in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        env.pop(key, None)
    # No "get Jupyter news?" toast and no update check: the page makes no outside requests.
    notification = home / "lab-settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True, exist_ok=True)
    notification.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    return env


@contextmanager
def _running_lab(workbook_copy: Path, tmp_path: Path, hard_timeout_s: int) -> Iterator[LabServer]:
    """Start JupyterLab rooted at ``workbook_copy``, yield it, always stop it."""
    token = secrets.token_hex(24)
    home = tmp_path / "jupyter-home"
    env = jupyter_env(home, token, workbook_copy / "data")
    log_path = tmp_path / "jupyterlab.log"
    last_error = ""
    for _attempt in range(3):  # a free port can be taken between probe and bind
        port = _free_port()
        cmd = [
            "timeout", "--kill-after=5", str(hard_timeout_s),
            sys.executable, "-m", "jupyterlab",
            f"--config={CONFIG_FILE}",  # the project's: clean saves, 127.0.0.1 only
            "--no-browser",
            "--ServerApp.open_browser=False",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={workbook_copy}",
            "--ServerApp.allow_remote_access=False",
            "--ServerApp.terminals_enabled=False",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.collaborative=False",
            "--LabApp.extension_manager=readonly",
        ]
        if os.geteuid() == 0:  # containers often run as root
            cmd.append("--allow-root")
        log = open(log_path, "ab")
        proc = subprocess.Popen(cmd, cwd=workbook_copy, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True,
                                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
        log.close()
        server = LabServer(f"http://127.0.0.1:{port}", token, workbook_copy, proc, log_path,
                           Path(env["WORKBOOK_CHOICE_FILE"]))
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                server.api("api/status", timeout=2)
                break
            except (OSError, urllib.error.URLError, ValueError) as exc:
                last_error = repr(exc)
                time.sleep(0.2)
        else:
            _stop_server(server)
            if "already in use" in log_path.read_text(errors="replace"):
                continue
            break
        try:
            yield server
        finally:
            _stop_server(server)
        return
    pytest.fail(f"JupyterLab did not answer /api/status ({last_error}); log:\n"
                f"{log_path.read_text(errors='replace')[-4000:]}")


@contextmanager
def _chromium_context(server: LabServer):
    """A headless Chromium browser context that can reach only ``server``; always closed."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (install Debian's chromium package)")
    from playwright.sync_api import sync_playwright

    allowed = (server.base_url + "/", "data:", "blob:")

    def only_local(route):
        if route.request.url.startswith(allowed):
            route.continue_()
        else:
            route.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
                                     timeout=30_000)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            context.set_default_timeout(30_000)
            context.route("**/*", only_local)
            yield context
        finally:
            browser.close()


def _shoot_on_failure(page, request: pytest.FixtureRequest, server: LabServer, shot: Path) -> None:
    """After a failed test: a screenshot of ``page`` and the server log tail, printed with the report."""
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        try:
            page.screenshot(path=str(shot))
        except Exception:  # noqa: BLE001 - best effort on the way out
            pass
        print(f"\nfailure screenshot: {shot}\nserver log tail:\n{server.log_tail()}")


@pytest.fixture
def browser_page(lab_server: LabServer, tmp_path: Path, request: pytest.FixtureRequest):
    """A headless Chromium page that can reach only the test's JupyterLab server."""
    with _chromium_context(lab_server) as context:
        page = context.new_page()
        yield page
        _shoot_on_failure(page, request, lab_server, tmp_path / "failure.png")


@pytest.fixture(scope="module")
def module_browser(module_lab_server: LabServer):
    """One Chromium context for the module, reaching only the module's server."""
    with _chromium_context(module_lab_server) as context:
        yield context


@pytest.fixture
def module_page(module_browser, module_lab_server: LabServer, tmp_path: Path, request: pytest.FixtureRequest):
    """A fresh page in the module's browser for each test; closed afterwards."""
    page = module_browser.new_page()
    try:
        yield page
        _shoot_on_failure(page, request, module_lab_server, tmp_path / "failure.png")
    finally:
        page.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item so fixtures can react to a failure."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# -- driving JupyterLab (shared by the browser tests) -------------------------------

#: The status bar once the active notebook's kernel is connected and idle.
IDLE = re.compile(r"\| Idle")


def run_all(page) -> None:
    """*Run > Run All Cells* from the menu bar, as a consultant does."""
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click()


def wait_idle(page, timeout_s: float = 60.0, idle: re.Pattern = IDLE, poll_ms: int = 250) -> bool:
    """Wait until the status bar matches ``idle``, accepting a kernel dialog if one shows; False on timeout."""
    status = page.locator("#jp-main-statusbar", has_text=idle)
    accept = page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept")
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if accept.count() and accept.first.is_visible():
            accept.first.click()
        elif status.count():
            return True
        page.wait_for_timeout(poll_ms)
    return False


def wait_kernel_ready(page, server, rel: str, timeout_s: float = 60.0, idle: re.Pattern = IDLE,
                      poll_ms: int = 250) -> bool:
    """Wait until the page is connected to a kernel of notebook ``rel`` and the status bar says idle.

    For a moment after a new tab opens, the status bar still shows the previous notebook's kernel as
    idle, and a *Run All* clicked then does nothing: the new notebook has no kernel yet. A warm kernel
    from the pool (``workbook.kernelpool``) is handed over so fast that this moment is all there is
    between the tab opening and its kernel being idle, so the server is asked first: once it counts a
    connection to the notebook's kernel, the status bar speaks for that notebook. Accepts a kernel
    dialog if one shows. False on timeout.
    """
    accept = page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept")
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        sessions = server.api("api/sessions") or []
        if any(s.get("path") == rel and (s.get("kernel") or {}).get("connections", 0) >= 1 for s in sessions):
            return wait_idle(page, max(deadline - time.monotonic(), 1.0), idle, poll_ms)
        if accept.count() and accept.first.is_visible():
            accept.first.click()
        page.wait_for_timeout(poll_ms)
    return False


def open_notebook(page, server, rel: str, timeout_s: float = 60.0) -> None:
    """Open ``rel`` in a workspace of its own and wait for an idle kernel (accepting a kernel dialog)."""
    from playwright.sync_api import expect

    workspace = re.sub(r"\W", "-", Path(rel).stem)
    page.goto(server.url(f"lab/workspaces/wb-{workspace}/tree/{rel}"), wait_until="domcontentloaded")
    expect(page.locator(".jp-NotebookPanel .jp-Cell").first).to_be_visible(timeout=timeout_s * 1000)
    if not wait_kernel_ready(page, server, rel, timeout_s):
        raise AssertionError(f"{rel}: kernel never became idle; server log:\n{server.log_tail()}")
