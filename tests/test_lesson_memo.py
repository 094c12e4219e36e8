"""A lesson is worked out once per kernel and read again only when its example client's files change."""
from __future__ import annotations

import shutil
from pathlib import Path

from workbook import notebook as wb
from workbook.store import Store

REPO = Path(__file__).resolve().parents[1]


def test_the_same_lesson_comes_back_until_the_example_client_changes(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    first = wb.lesson("sales_marketing", str(data))
    html = first.worked_example()
    assert wb.lesson("sales_marketing", str(data)) is first and first.worked_example() is html

    model = first.framework.module.SPEC.Inputs
    # A student removes a respondent of the example client.
    Store(str(data)).update(first.client, "sales_marketing", model,
                            lambda doc: doc.model_copy(update={"respondents": doc.respondents[:-1]}))
    again = wb.lesson("sales_marketing", str(data))
    assert again is not first
    assert len(again.context.result.assessment.respondents) == len(first.context.result.assessment.respondents) - 1


def test_a_lesson_starts_from_the_room_opened_on_its_example_client(tmp_path: Path):
    """*Run All* on a student's notebook opens the example client, then works its lesson: the lesson reads
    and works out nothing again. Once the student has changed the example client, the lesson is read
    afresh, with the change."""
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    example = wb.lesson("clv", str(data)).client
    wb._LESSONS.clear()
    room = wb.open_room("clv", example, str(data), "live")
    opened = room.state.result
    assert wb.lesson("clv", str(data)).context.result is opened

    wb._LESSONS.clear()
    room.view.form()
    assert room.view._set("margin", 0.5)  # the student moves the margin: saved, the room recomputes
    fresh = wb.lesson("clv", str(data))
    assert fresh.context.inputs.margin == 0.5 and fresh.context.result is not opened
    assert room.state.result is not opened
