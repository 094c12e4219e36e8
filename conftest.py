"""Repository-wide test set-up.

The framework notebooks open "the client chosen on the start page"
(``client = "@start-page"``). When nbval runs them (``make test`` collects
``notebooks/``), this records the fictional example client Aurora Software as
that choice, the way the start page would, so every notebook runs its live
room on a real client. Nothing is recorded when a choice file is already set.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from workbook.clients import CHOICE_ENV, EXAMPLE_DATA_DIR, record_choice

NOTEBOOK_CLIENT = "aurora-software"
_made: list[str] = []


def pytest_configure(config) -> None:
    if os.environ.get(CHOICE_ENV):
        return
    folder = tempfile.mkdtemp(prefix="workbook-choice-")
    _made.append(folder)
    os.environ[CHOICE_ENV] = str(Path(folder) / "choice.json")
    record_choice(NOTEBOOK_CLIENT, EXAMPLE_DATA_DIR, os.environ[CHOICE_ENV])


def pytest_unconfigure(config) -> None:
    while _made:
        shutil.rmtree(_made.pop(), ignore_errors=True)
        os.environ.pop(CHOICE_ENV, None)
