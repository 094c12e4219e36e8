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
