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

    ``frame`` is never changed. A new respondent costs one comparison and one
    appended row, so a burst of answers saved together stays cheap on a table
    of thousands of responses.
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
    mine = (table["link"] == who.key).to_numpy()
    merged = {**(survey_read(table, who) if mine.any() else {}), **answers}
    if mine.any():
        table = table.loc[~mine].reset_index(drop=True)
    if merged.get("score") is None:
        return table.copy() if table is frame else table
    row = {"score": str(merged["score"]), "date": dt.date.today().isoformat(),
           "reason": merged.get("reason") or np.nan, "link": who.key}
    return pd.concat([table, pd.DataFrame([row])], ignore_index=True)


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
    table="responses",
    anonymous=True,
    page_size=2,
)
