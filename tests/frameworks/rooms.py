"""Checks that every framework room's tests make in the same way."""
from __future__ import annotations

import importlib
import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest

from workbook import registry
from workbook.errors import InvalidInput

from ..conftest import DATA, ROOT

#: The shipped example clients.
CLIENTS = ("aurora-software", "northwind-tools", "bluebird-coffee", "meridian-bank")


def example_result(framework: str, slug: str):
    """Evaluate an example client from its committed files, as the pure module sees them.

    The inputs document is passed as a dict and every table as the text the
    file holds (blank cells missing), so the module validates both itself.

    Parameters
    ----------
    framework : str
        Registered name.
    slug : str
        Example client.

    Returns
    -------
    The framework's ``Result``.
    """
    module = registry.get(framework).module
    folder = DATA / "clients" / slug
    doc = json.loads((folder / f"{framework}.json").read_text())
    tables = {name: pd.read_csv(folder / framework / f"{name}.csv", dtype=str, keep_default_na=False,
                                na_values=[""])
              for name in module.TABLES}
    return module.evaluate(doc, tables)


def assert_script_reproduces(script: str, framework: str, out: Path, clients=CLIENTS) -> None:
    """Run ``scripts/<script>`` into ``out`` and compare each client's saved inputs with the committed file.

    Parameters
    ----------
    script : str
        File name under ``scripts/``; it defines ``write(data_dir)``.
    framework : str
        Registered name; ``clients/<slug>/<framework>.json`` is compared.
    out : Path
        An empty folder to write into.
    clients : tuple of str, optional
        The client slugs to compare.
    """
    spec = importlib.util.spec_from_file_location(Path(script).stem, ROOT / "scripts" / script)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.write(out)
    for slug in clients:
        rel = Path("clients") / slug / f"{framework}.json"
        assert (out / rel).read_text() == (DATA / rel).read_text()


def assert_sections_render(framework: str, slug: str, data_dir: Path):
    """Open a room in report mode and check every section renders a figure, HTML or nothing.

    Returns
    -------
    workbook.notebook.Room
        The room, for further checks.
    """
    from matplotlib.figure import Figure

    from workbook import notebook as wb

    ui = importlib.import_module(f"workbook.ui.{framework}")
    room = wb.open_room(framework, slug, str(data_dir), "report")
    for name, renderer in ui.SECTIONS.items():
        out = renderer(room.state.context)
        assert out is None or isinstance(out, (Figure, str)), name
    return room


def open_live(framework: str, slug: str, data_dir: Path):
    """Open a room in live mode with its form built and every section drawn.

    Returns
    -------
    workbook.notebook.Room
    """
    from workbook import notebook as wb

    room = wb.open_room(framework, slug, str(data_dir), "live")
    room.form()
    room.view.close()  # no background reloads: the test decides when the view looks at the files
    for name in room.view.sections:
        room.view.section(name)
    return room


def live_view(framework: str, slug: str, data_dir: Path, sections: bool = False, follow: bool = False):
    """A room's live view on its own store, with the form built.

    Parameters
    ----------
    framework, slug : str
        The room and the client.
    data_dir : Path
        The data folder.
    sections : bool, optional
        Also draw every section, so that changes redraw them.
    follow : bool, optional
        Keep following other sessions' saves from the background thread (off by
        default, so a test that edits from a stale screen decides when it looks).

    Returns
    -------
    store : workbook.store.Store
    view : workbook.ui.base.RoomView
    """
    from workbook.store import Store

    ui = importlib.import_module(f"workbook.ui.{framework}")
    store = Store(data_dir)
    view = ui.View(store, slug)
    view.form()
    if not follow:
        view.close()
    if sections:
        for name in ui.SECTIONS:
            view.section(name)
    return store, view


def assert_refused(evaluate, data, field: str, value, allowed: str) -> None:
    """Check ``evaluate(data)`` raises :class:`InvalidInput` naming the field, the value and what is allowed.

    Parameters
    ----------
    evaluate : callable
        The pure module's ``evaluate``.
    data : dict
        The bad inputs.
    field : str
        The field the (first) problem must name.
    value : Any
        The value it must report.
    allowed : str
        Text its allowed part must contain.
    """
    with pytest.raises(InvalidInput) as e:
        evaluate(data)
    assert e.value.field == field
    assert e.value.value == value
    assert allowed in e.value.allowed


def assert_not_saved(view, *mentions: str) -> None:
    """Check the view's status says the last edit was refused and names each of ``mentions``."""
    status = view._status.value
    assert "Not saved" in status
    for text in mentions:
        assert text in status, text


def checked_lesson(framework: str):
    """The framework's lesson on the shipped data, after the checks every lesson passes.

    At least three exercises, a worked example, and each exercise's computed
    answer checked as correct.

    Returns
    -------
    workbook.teaching.Lesson
    """
    from workbook import notebook as wb

    lesson = wb.lesson(framework, str(DATA))
    assert len(lesson.module.EXERCISES) >= 3 and lesson.worked_example()
    for ex in lesson.module.EXERCISES:
        assert lesson.check(ex.number, lesson.answer(ex.number)).correct
    return lesson


def assert_paraphrased(seed: list[str], ours: str) -> None:
    """Check that no run of six words of the quoted source sentences (``seed``) stands in our text.

    The same rule as ``tests/test_seed_overlap.py`` (case, punctuation and tags
    ignored), applied to sentences quoted in the test, so it holds even where
    the seed texts are not beside the repository.
    """
    from ..test_seed_overlap import RUN, runs, tokens

    quoted = set().union(*(runs(tokens(sentence)) for sentence in seed))
    words = tokens(ours)
    shared = [" ".join(words[i:i + RUN]) for i in range(len(words) - RUN + 1) if tuple(words[i:i + RUN]) in quoted]
    assert not shared, shared
