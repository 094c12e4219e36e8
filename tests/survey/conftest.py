"""Fixtures for the survey tests: an app on a private copy of the example data, and link helpers."""
from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

with warnings.catch_warnings():  # Starlette suggests httpx2; the test client works the same on httpx
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from workbook.store import Store
from workbook.survey.app import Settings, create_app
from workbook.survey.guard import Limits
from workbook.survey.links import create_links

ORIGIN = "http://127.0.0.1:8765"


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
