"""Shared fixtures: a private copy of the example data for every test that writes."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    """A copy of the shipped data folder that a test may change freely."""
    dest = tmp_path / "data"
    shutil.copytree(DATA, dest, ignore=shutil.ignore_patterns(".lock"))
    return dest


@pytest.fixture()
def empty_data(tmp_path: Path) -> Path:
    """An empty data folder."""
    dest = tmp_path / "empty-data"
    (dest / "clients").mkdir(parents=True)
    return dest

#: Test fixtures are not tests: the extra framework's notebook runs only inside its test.
collect_ignore_glob = ["fixtures/*"]
