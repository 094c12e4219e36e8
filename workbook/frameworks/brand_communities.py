"""Brand communities: which form a client's community takes (pool, web or hub).

Source: Susan Fournier and Lara Lee, "Getting Brand Communities Right",
Harvard Business Review, April 2009.

The article describes three forms a community can take. In a *pool* what binds
members is a common activity, goal or set of values; their links to one another
are loose. In a *web* the bonds run person to person, between members whose
needs match or complement each other. In a *hub* members gather round one
central figure and are only weakly linked among themselves.

This module scores a short questionnaire (our own statements, four per form,
each answered 1 to 5), names the dominant form, and says what that form implies
for how the brand should build and run the community and what can go wrong.

Pure module: no widgets, no files, no printing.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import pandas as pd
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from workbook.errors import not_allowed, not_allowed_at, validated
from ..questionnaire import Question, Questionnaire, Scale
from ..spec import BrowserEdit, FrameworkSpec, PlanAction
from .brand_communities_content import (  # noqa: F401 - the room's content, importable from here too
    FORM_INFO, FORMS, FROM_SOURCE, MODERATE_AT, SCALE_LABELS, SCALE_MAX, SCALE_MIN, SEED_EXAMPLES, STATEMENTS,
    STRONG_AT, TIE_ORDER, WORKBOOK_RULES, Form, Statement,
)

log = logging.getLogger(__name__)

NAME = "brand_communities"
TITLE = "Brand communities"
#: The source, as printed under every page (the room's one citation; also ``SPEC.citation``).
SOURCE = 'Susan Fournier and Lara Lee, "Getting Brand Communities Right", Harvard Business Review, April 2009'
SCHEMA_VERSION = 1

FormKind = Literal["pool", "web", "hub"]

STATEMENT_IDS = tuple(s.id for s in STATEMENTS)
STATEMENTS_PER_FORM = {f: sum(1 for s in STATEMENTS if s.form == f) for f in FORMS}

ANSWER_ALLOWED = (f"a whole number from {SCALE_MIN} ({SCALE_LABELS[SCALE_MIN]}) to {SCALE_MAX} "
                  f"({SCALE_LABELS[SCALE_MAX]}), or none for not answered")


def _answer(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise not_allowed("not an answer", ANSWER_ALLOWED)
    try:
        number = float(value)
    except ValueError:
        raise not_allowed("not an answer", ANSWER_ALLOWED) from None
    if not number.is_integer() or not SCALE_MIN <= number <= SCALE_MAX:
        raise not_allowed("not an answer", ANSWER_ALLOWED)
    return int(number)


Answer = Annotated[int | None, BeforeValidator(_answer)]


class Inputs(BaseModel):
    """Form inputs of the brand-communities room.

    Parameters
    ----------
    brand : str
    community : str
        What the community is, e.g. "owners' club and forum".
    target_form : {"pool", "web", "hub"}, optional
        The form the client wants the community to take, if decided.
    answers : dict
        Statement id (see :data:`STATEMENT_IDS`) to an answer 1-5; a missing
        id or ``None`` is unanswered.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    schema_version: int = SCHEMA_VERSION
    brand: str = Field(default="", max_length=120)
    community: str = Field(default="", max_length=200)
    target_form: FormKind | None = None
    answers: dict[str, Answer] = Field(default_factory=dict)

    @field_validator("answers", mode="before")
    @classmethod
    def _known_ids(cls, v: Any) -> Any:
        if isinstance(v, dict):
            for key in v:
                if key not in STATEMENT_IDS:
                    raise not_allowed_at((str(key),), key, "unknown statement id", ", ".join(STATEMENT_IDS))
        return v

    @field_validator("answers")
    @classmethod
    def _in_order(cls, v: dict[str, int | None]) -> dict[str, int | None]:
        return {k: v[k] for k in STATEMENT_IDS if v.get(k) is not None}


TABLES: dict[str, Any] = {}


@dataclass(frozen=True, eq=False)
class Result:
    """Everything the room shows for one client.

    Attributes
    ----------
    scores : pandas.DataFrame
        One row per form: form, label, score (mean of answered statements, or
        NaN), answered, of, band.
    dominant : str or None
        The form with the highest score (ties broken by :data:`TIE_ORDER`);
        None when nothing is answered.
    tied : tuple of str
        Every form sharing the top score (one element when there is no tie).
    margin : float or None
        Top score minus the runner-up's.
    answered, total : int
        Statements answered, and in the questionnaire.
    guidance : Form or None
        Build, run and risk for the dominant form.
    recommendations : tuple of str
    """

    inputs: Inputs
    scores: pd.DataFrame
    dominant: str | None
    tied: tuple[str, ...]
    margin: float | None
    answered: int
    total: int
    guidance: Form | None
    recommendations: tuple[str, ...]


def band(score: float | None) -> str:
    """Band of a form's mean score: strong, moderate, weak, or not answered."""
    if score is None or pd.isna(score):
        return "not answered"
    if score >= STRONG_AT:
        return "strong"
    if score >= MODERATE_AT:
        return "moderate"
    return "weak"


def dominant_form(scores: dict[str, float | None]) -> tuple[str | None, tuple[str, ...]]:
    """Return the dominant form and the forms tied for the top score.

    Parameters
    ----------
    scores : dict
        Form to mean score (None or NaN when unanswered).

    Returns
    -------
    (str or None, tuple of str)
        The first top-scoring form in :data:`TIE_ORDER`, and all top-scoring forms.
    """
    known = {f: round(float(s), 2) for f, s in scores.items() if s is not None and not pd.isna(s)}
    if not known:
        return None, ()
    top = max(known.values())
    tied = tuple(f for f in TIE_ORDER if known.get(f) == top)
    return tied[0], tied


def evaluate(inputs: Inputs | dict, tables: dict[str, pd.DataFrame] | None = None) -> Result:
    """Score the questionnaire and name the dominant form.

    Parameters
    ----------
    inputs : Inputs or dict
    tables : dict, optional
        Unused: this framework has no tables.

    Returns
    -------
    Result
    """
    inputs = validated(Inputs, inputs, "brand_communities inputs")
    rows = []
    for f in FORMS:
        vals = [inputs.answers[s.id] for s in STATEMENTS if s.form == f and s.id in inputs.answers]
        score = sum(vals) / len(vals) if vals else float("nan")
        rows.append({"form": f, "label": FORM_INFO[f].label, "score": score,
                     "answered": len(vals), "of": STATEMENTS_PER_FORM[f], "band": band(score)})
    scores = pd.DataFrame(rows, columns=["form", "label", "score", "answered", "of", "band"])
    by_form = dict(zip(scores["form"], scores["score"]))
    dom, tied = dominant_form(by_form)
    known = sorted((s for s in scores["score"] if not pd.isna(s)), reverse=True)
    margin = float(known[0] - known[1]) if len(known) >= 2 else None
    answered = int(scores["answered"].sum())
    guidance = FORM_INFO[dom] if dom else None
    recs = _recommendations(inputs, scores, dom, tied, answered)
    log.debug("brand_communities: dominant %s, tied %s", dom, tied)
    return Result(inputs=inputs, scores=scores, dominant=dom, tied=tied, margin=margin,
                  answered=answered, total=len(STATEMENTS), guidance=guidance,
                  recommendations=tuple(recs))


def _recommendations(inputs: Inputs, scores: pd.DataFrame, dom: str | None,
                     tied: tuple[str, ...], answered: int) -> list[str]:
    recs: list[str] = []
    if dom is None:
        return ["Answer the questionnaire to see which form the community takes."]
    if answered < len(STATEMENTS):
        recs.append(f"{len(STATEMENTS) - answered} statement(s) are unanswered; the reading is provisional.")
    if len(tied) > 1:
        labels = " and as a ".join(FORM_INFO[f].label.lower() for f in tied)
        recs.append(
            f"The community scores the same as a {labels}; decide which ties the brand will "
            f"invest in first (the workbook reads it as a {FORM_INFO[dom].label.lower()})."
        )
    info = FORM_INFO[dom]
    top = float(scores.loc[scores["form"] == dom, "score"].iloc[0])
    if band(top) == "weak":
        recs.append(
            "No form scores above the middle of the scale: the community's ties are weak "
            "whatever its form. Decide which form to build before investing in it."
        )
    recs.append(f"Build: {info.build}")
    recs.append(f"Run: {info.run}")
    recs.append(f"Watch: {info.risk}")
    target = inputs.target_form
    if target and target != dom and target in tied:
        recs.append(
            f"The form the client wants, a {FORM_INFO[target].label.lower()}, is level with the top: "
            "investing in it would settle the tie."
        )
    elif target and target != dom:
        want = FORM_INFO[target]
        recs.append(
            f"The client wants a {want.label.lower()} but the community behaves like a "
            f"{info.label.lower()}. To move it: {want.build[0].lower()}{want.build[1:]}"
        )
    return recs


def changes(previous: Inputs, current: Inputs) -> list[str]:
    """Describe in plain words what moved between two saved versions."""
    notes: list[str] = []
    moved = [f"{k} {previous.answers.get(k, '-')}\u2192{current.answers.get(k, '-')}"
             for k in STATEMENT_IDS if previous.answers.get(k) != current.answers.get(k)]
    if moved:
        notes.append(f"{len(moved)} answer(s) moved ({', '.join(moved[:6])}{', ...' if len(moved) > 6 else ''}).")
    if previous.target_form != current.target_form:
        notes.append(f"Target form changed from {previous.target_form or 'not decided'} "
                     f"to {current.target_form or 'not decided'}.")
    old, new = evaluate(previous), evaluate(current)
    if old.dominant != new.dominant:
        notes.append(f"Dominant form moved from {old.dominant or 'none'} to {new.dominant or 'none'}.")
    return notes


def headline(result: Result) -> dict:
    """Short JSON-safe summary for the executive summary.

    Red when nothing is answered or the top form is weak; green when one form
    is strong, untied, matches the target (if any) and all statements are
    answered; amber otherwise.
    """
    if result.dominant is None:
        return {"status": "red", "summary": "The community questionnaire has not been answered.",
                "metrics": {"answered": 0, "dominant_form": "none"}}
    top = float(result.scores.loc[result.scores["form"] == result.dominant, "score"].iloc[0])
    strength = band(top)
    target = result.inputs.target_form
    if strength == "weak":
        status = "red"
    elif (strength == "strong" and len(result.tied) == 1 and result.answered == result.total
          and target in (None, result.dominant)):
        status = "green"
    else:
        status = "amber"
    label = FORM_INFO[result.dominant].label.lower()
    summary = f"The community works mainly as a {label} ({strength} ties, {top:.1f} of {SCALE_MAX})"
    if len(result.tied) > 1:
        summary += ", tied with " + " and ".join(FORM_INFO[f].label.lower() for f in result.tied[1:])
    if target and target not in result.tied:
        summary += f", though the client wants a {FORM_INFO[target].label.lower()}"
    metrics: dict[str, Any] = {"dominant_form": FORM_INFO[result.dominant].label}
    for row in result.scores.itertuples():
        metrics[f"{row.form}_score"] = "not answered" if pd.isna(row.score) else round(float(row.score), 2)
    metrics["answered"] = result.answered
    return {"status": status, "summary": summary + ".", "metrics": metrics}


# -- questionnaire (survey link) -----------------------------------------------------


def survey_write(doc: Inputs, who: Any, answers: dict) -> None:
    """Put the respondent's answers (``{"pool_1": 4, ...}``) into ``doc``; ``None`` clears one."""
    for qid, value in answers.items():
        if value is None:
            doc.answers.pop(qid, None)
        else:
            doc.answers[qid] = value


def survey_read(doc: Inputs, who: Any) -> dict:
    """The saved answers, ``{statement id: answer or None}``."""
    return {qid: doc.answers.get(qid) for qid in STATEMENT_IDS}


# The room keeps one set of answers per client, so one person answers through one link.
QUESTIONNAIRE = Questionnaire(
    framework=NAME,
    title="How your brand community holds together",
    intro=("Think of the community around the brand as it is today. Say how far each statement is true of "
           "most of its members."),
    questions=tuple(Question(s.id, s.text, Scale.from_labels({k: v.capitalize() for k, v in SCALE_LABELS.items()}))
                    for s in STATEMENTS),
    write=survey_write,
    read=survey_read,
    one_respondent=True,
    page_size=4,
)


# -- the room contract (workbook.spec; the registry reads it) ---------------------

SPEC = FrameworkSpec(
    name="brand_communities",
    title="Brand communities",
    citation=SOURCE,
    notebook="brand_communities.ipynb",
    Inputs=Inputs,
    evaluate=evaluate,
    headline=headline,
    tables=TABLES,
    related=(),
    changes=changes,
    plan_action=PlanAction("Choose the community form that fits the brand (pool, web or hub) and staff it",
                           "Community manager", "Next 6 months"),
    headline_metrics=("dominant_form", "pool_score", "web_score", "hub_score"),
    browser_edit=BrowserEdit("toggle"),  # the first statement
    questionnaire=QUESTIONNAIRE,
)
