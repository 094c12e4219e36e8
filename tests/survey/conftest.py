"""Fixtures for the survey tests: an app on a private copy of the example data, and link helpers."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
import warnings
from contextlib import contextmanager
from pathlib import Path

import pytest

with warnings.catch_warnings():  # Starlette suggests httpx2; the test client works the same on httpx
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from workbook.store import Store
from workbook.survey.app import Settings, create_app
from workbook.survey.guard import Limits
from workbook.survey.links import create_links

from ..browser.conftest import _die_with_parent, _free_port

ORIGIN = "http://127.0.0.1:8765"
REPO = Path(__file__).resolve().parents[2]
_LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def csrf_of(html: str) -> str:
    """The hidden form check of a rendered form page."""
    return re.search(r'name="csrf" value="([0-9a-f]{64})"', html).group(1)


def make_link(data_dir: Path, client: str = "aurora-software", framework: str = "sales_marketing",
              name: str | None = "Dana Petrov", role: str | None = "Sales", **kw):
    """One new link (its token is only known here)."""
    people = [(name, role)] if name else []
    return create_links(Store(data_dir), client, framework, people, 0 if name else 1, **kw)[0]


@pytest.fixture()
def app_for(data_dir: Path):
    """Build an app (and a test client that keeps cookies) on the copied data, with optional limits.

    Each client runs the app on one event loop for the whole test, as uvicorn does.
    """
    opened: list[TestClient] = []

    def build(limits: Limits | None = None, base_url: str | None = None) -> TestClient:
        app = create_app(Settings(str(data_dir), base_url, limits or Limits()))
        opened.append(TestClient(app, base_url=ORIGIN, raise_server_exceptions=False).__enter__())
        return opened[-1]
    yield build
    for c in opened:
        c.__exit__(None, None, None)


@pytest.fixture()
def client(app_for) -> TestClient:
    """A test client of the survey app with the standard limits."""
    return app_for()


@contextmanager
def running_survey_server(data_dir: Path, log_path: Path, limit_s: int = 120):
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
