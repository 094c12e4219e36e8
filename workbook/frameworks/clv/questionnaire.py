"""The customer-centricity audit as a survey questionnaire (pure logic).

The questions and scale are the audit's own (:mod:`.centricity`); answers go
into the room's ``Inputs.audit`` (``doc`` below is that ``Inputs``).
"""
from __future__ import annotations

from typing import Any

from ...questionnaire import Question, Questionnaire, Scale
from .centricity import AUDIT, AUDIT_IDS, AUDIT_SCALE


def survey_write(doc: Any, who: Any, answers: dict) -> None:
    """Put the respondent's audit answers (``{"metrics": 3, ...}``) into ``doc``."""
    for qid, value in answers.items():
        doc.audit[qid] = value


def survey_read(doc: Any, who: Any) -> dict:
    """The saved audit answers, ``{question id: answer or None}``."""
    return {qid: doc.audit.get(qid) for qid in AUDIT_IDS}


# The room keeps one audit per client, so one person answers through one link.
QUESTIONNAIRE = Questionnaire(
    framework="clv",
    title="Customer-centricity audit",
    intro=("Nine statements about how the company is organised around its customers. Say how fully each one "
           "describes the company today."),
    questions=tuple(Question(q.id, q.text, Scale.from_labels(AUDIT_SCALE)) for q in AUDIT),
    write=survey_write,
    read=survey_read,
    one_respondent=True,
    page_size=5,
)
