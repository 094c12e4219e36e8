"""Fixtures the framework rooms' tests share."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ..conftest import DATA


@pytest.fixture()
def copy_data(tmp_path: Path) -> Path:
    """A copy of the shipped data folder without saved histories, free to change."""
    dest = tmp_path / "data"
    shutil.copytree(DATA, dest, ignore=shutil.ignore_patterns(".lock", ".history"))
    return dest
