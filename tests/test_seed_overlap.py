"""No shipped text repeats a source word for word (six words or more in a row).

Shipped text: every string literal of the ``workbook`` package (docstrings
included), every notebook cell, the example data (``data/**/*.json``) and the
README. The sources are the seed texts in ``../shared/seeds/`` beside the
repository (set ``WORKBOOK_SEEDS_DIR`` to point elsewhere). Words are compared
ignoring case, punctuation and HTML tags; the source titles may be cited.
"""
from __future__ import annotations

import ast
import html
import json
import os
import re
from pathlib import Path

import pytest

from .conftest import ROOT

RUN = 6
SEEDS = Path(os.environ.get("WORKBOOK_SEEDS_DIR") or ROOT.parent / "shared" / "seeds")
#: Titles of the sources, which a citation repeats on purpose.
TITLES = ("Ending the War Between Sales and Marketing",
          "The Path to Growth: Five Stages of Position-Product-People Alignment",
          "To close, a purchaser must be ready, willing and able")

pytestmark = pytest.mark.skipif(not any(SEEDS.glob("*.txt")),
                                reason=f"the source texts are not beside the repository ({SEEDS} has no *.txt)")


def tokens(text: str) -> list[str]:
    """Lower-case words of ``text``, HTML tags and entities, apostrophes and punctuation dropped."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text)).replace("\\$", "$")
    text = re.sub(r"[\u2019'`]", "", text)
    return [t.strip(".").lower() for t in re.split(r"[^0-9A-Za-z$%.]+", text) if t.strip(".")]


def runs(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + RUN]) for i in range(len(words) - RUN + 1)}


def shipped_texts():
    """(place, text) for every piece of text the project ships."""
    for path in sorted((ROOT / "workbook").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                yield f"{path.relative_to(ROOT)}:{node.lineno}", node.value
            elif isinstance(node, ast.JoinedStr):
                # The literal parts of an f-string, with a break where a value is put in.
                yield f"{path.relative_to(ROOT)}:{node.lineno}", " \x00 ".join(
                    v.value for v in node.values if isinstance(v, ast.Constant))
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for i, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
            yield f"{path.relative_to(ROOT)}: cell {i}", "".join(cell["source"])
    for path in sorted((ROOT / "data").rglob("*.json")) + [ROOT / "README.md"]:
        if path.is_file():
            yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")


def shared_runs(seed_runs: set, text: str) -> list[str]:
    """The runs of ``text`` found in the sources, titles left out, joined into phrases."""
    words = tokens(text)
    titles = [" ".join(tokens(t)) for t in TITLES]
    found = []
    for i in range(len(words) - RUN + 1):
        run = tuple(words[i:i + RUN])
        if run in seed_runs and not any(" ".join(run) in t for t in titles):
            found.append(" ".join(run))
    return found


@pytest.fixture(scope="module")
def seed_runs() -> set:
    out: set = set()
    for seed in sorted(SEEDS.glob("*.txt")):
        out |= runs(tokens(seed.read_text(encoding="utf-8")))
    return out


def test_the_check_finds_a_copied_sentence(seed_runs):
    """The check itself bites: a sentence lifted from a source is caught, a paraphrase is not."""
    copied = "Sales and Marketing report to a single chief customer officer, chief revenue officer, or equivalent"
    assert shared_runs(seed_runs, copied)
    assert shared_runs(seed_runs, "<b>The heads of</b> Sales &amp; Marketing regularly confer about upstream issues")
    assert not shared_runs(seed_runs, "Both functions report to one C-level executive, such as a chief revenue officer.")
    assert not shared_runs(seed_runs, 'Cited as "Ending the War Between Sales and Marketing", HBR 2006.')


def test_no_shipped_text_repeats_a_source(seed_runs):
    problems = [f"{place}: \u201c{run}\u201d" for place, text in shipped_texts() for run in shared_runs(seed_runs, text)]
    assert not problems, "Rewrite in our own words:\n" + "\n".join(dict.fromkeys(problems))
