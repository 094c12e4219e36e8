"""The Net Promoter survey as a questionnaire: the 0-10 question and an optional reason (pure logic).

Answers do not go into ``Inputs``: each respondent is one row of the room's
``responses`` table (columns ``score``, ``segment``, ``date``, plus ``reason``
and ``link``, the public id of the link that answered, so a respondent can
change an answer until the link expires). The scale is the source's
(:mod:`.survey`); the question wording is ours.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from ...errors import InvalidInput
from ...questionnaire import Question, Questionnaire, Scale
from .survey import SCALE_MAX, SCALE_MIN

#: The recommendation question (our wording of the source's single question).
QUESTION = "How likely are you to recommend this company to a friend or a colleague?"
REASON = "What is the main reason for your score? (optional)"
SCALE = Scale(SCALE_MIN, SCALE_MAX, {SCALE_MIN: "Not at all likely", SCALE_MAX: "Extremely likely"})
SURVEY_COLUMNS = ("score", "segment", "date", "reason", "link")


def survey_write(frame: pd.DataFrame | None, who: Any, answers: dict) -> pd.DataFrame:
    """Return the responses table with this link's row added, replaced or (score cleared) removed.

    ``frame`` is never changed. See :func:`survey_write_many`, which this is for one respondent.
    """
    return survey_write_many(frame, [(who, answers)])


def survey_write_many(frame: pd.DataFrame | None, entries: list[tuple[Any, dict]]) -> pd.DataFrame:
    """Return the responses table with each link's row added, replaced or (score cleared) removed.

    The same table as :func:`survey_write` for each entry in turn (a link's
    row ends up last, with its answers merged over what it saved before),
    built with one comparison and one append: a burst of answers saved
    together costs about as much as one, on a table of thousands of responses.
    ``frame`` is never changed.
    """
    table = pd.DataFrame(columns=list(SURVEY_COLUMNS)) if frame is None else frame
    if len(table.columns) and "score" not in table.columns:
        raise InvalidInput.one("responses columns", ", ".join(map(str, table.columns)),
                               "a table with a 'score' column (import the survey export with --map first)")
    missing = [col for col in SURVEY_COLUMNS if col not in table.columns]
    if missing:
        table = table.assign(**{col: np.nan for col in missing})
    if table["link"].dtype != object or table["reason"].dtype != object:
        table = table.astype({"link": object, "reason": object})
    keys = {who.key for who, _ in entries}
    mine = table["link"].isin(keys).to_numpy()
    merged: dict[str, dict] = {}
    for who, answers in entries:  # in order: a link's later answers win, and its row moves to the end
        before = merged.pop(who.key, None)
        if before is None:
            before = survey_read(table, who) if mine.any() else {}
        merged[who.key] = {**before, **answers}
    if mine.any():
        table = table.loc[~mine].reset_index(drop=True)
    today = dt.date.today().isoformat()
    rows = [{"score": str(m["score"]), "date": today, "reason": m.get("reason") or np.nan, "link": key}
            for key, m in merged.items() if m.get("score") is not None]
    if not rows:
        return table.copy() if table is frame else table
    return pd.concat([table, pd.DataFrame(rows)], ignore_index=True)


def survey_read(frame: pd.DataFrame | None, who: Any) -> dict:
    """This link's answers, ``{"score": 9, "reason": "..."}`` (``{}`` before it answered)."""
    if frame is None or "link" not in frame.columns:
        return {}
    rows = frame.loc[frame["link"] == who.key]
    if rows.empty:
        return {}
    row = rows.iloc[-1]
    reason = row.get("reason")
    return {"score": int(float(row["score"])),
            "reason": None if reason is None or (isinstance(reason, float) and np.isnan(reason)) else str(reason)}


QUESTIONNAIRE = Questionnaire(
    framework="nps",
    title="Would you recommend us?",
    intro="One question, and room to tell us why if you wish. Your answer is anonymous.",
    questions=(Question("score", QUESTION, SCALE), Question("reason", REASON, None, required=False)),
    write=survey_write,
    read=survey_read,
    write_many=survey_write_many,
    table="responses",
    anonymous=True,
    page_size=2,
)
