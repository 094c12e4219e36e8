"""Five stages of growth: position, product and people alignment.

Source: "The Path to Growth: Five Stages of Position-Product-People
Alignment" (seed ``001_*``; a blog article whose author and date the source
does not give). The article holds that a business grows when its
product and its people are aligned to its position, meaning what the market it
serves needs and wants, and that most businesses pass through five stages of
alignment whose typical revenue ranges are fixed below.

Boundary rule (our choice, documented and tested): a stage includes its lower
bound, so exactly $1M is Discovery, exactly $5M is Map-Making and exactly $10M
is Navigation. The article places Acceleration *above* $50 million, so exactly
$50M stays in Navigation.

The article describes a typical technology start-up but says the path applies
just as well to other businesses and to single product lines; outside
technology the revenue ranges are a rough guide.
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from numbers import Real
from typing import Any, Mapping

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from pydantic_core import PydanticCustomError

from workbook.checks import latest_date
from workbook.errors import InvalidInput, Problem, not_allowed_at, validated
from ..formatting import money
from ..questionnaire import Question, Questionnaire, Scale
from ..spec import BrowserEdit, FrameworkSpec, PlanAction

from .growth_stages_content import (  # noqa: F401 - re-exported
    DISCOVERY_FROM_USD, MAP_MAKING_FROM_USD, NAVIGATION_FROM_USD, ACCELERATION_ABOVE_USD, DIMENSIONS,
    DIMENSION_LABELS, QUESTIONS, ANSWER_MIN, ANSWER_MAX, ANSWER_ALLOWED, ALIGNED_FROM, PARTLY_ALIGNED_FROM,
    FROM_SOURCE, WORKBOOK_RULES, Stage, STAGES, STAGE_NAMES,
)

log = logging.getLogger(__name__)

_BY_NAME = {s.name: s for s in STAGES}

_REVENUE_ALLOWED = "a number of US dollars, zero or more (e.g. 7500000)"
YEAR_MIN, YEAR_MAX = 1900, latest_date().year  # workbook rule: no year more than a year from now (workbook.checks)
YEAR_ALLOWED = f"a whole year from {YEAR_MIN} to {YEAR_MAX}"


def _check_revenue(value: Any, field: str = "revenue_usd") -> float:
    """Return ``value`` as a float or raise :class:`InvalidInput` naming ``field``."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise InvalidInput.one(field, value, _REVENUE_ALLOWED)
    number = float(value)
    if math.isnan(number) or math.isinf(number) or number < 0:
        raise InvalidInput.one(field, value, _REVENUE_ALLOWED)
    return number


def stage_for_revenue(revenue_usd: float) -> str:
    """Name the growth stage for an annual revenue.

    Parameters
    ----------
    revenue_usd : float
        Annual revenue in US dollars, zero or more.

    Returns
    -------
    str
        One of :data:`STAGE_NAMES`. Exactly $1M, $5M and $10M open the higher
        stage; exactly $50M is still Navigation (Acceleration is over $50M).

    Raises
    ------
    InvalidInput
        If ``revenue_usd`` is negative, not finite or not a number.
    """
    revenue = _check_revenue(revenue_usd)
    if revenue > ACCELERATION_ABOVE_USD:
        return "Acceleration"
    if revenue >= NAVIGATION_FROM_USD:
        return "Navigation"
    if revenue >= MAP_MAKING_FROM_USD:
        return "Map-Making"
    if revenue >= DISCOVERY_FROM_USD:
        return "Discovery"
    return "Suspicion"


def stage(name: str) -> Stage:
    """Return the :class:`Stage` called ``name``."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise InvalidInput.one("stage", name, "one of " + ", ".join(STAGE_NAMES)) from None


def _answers_field() -> Any:
    return Field(default_factory=lambda: [3, 3, 3], min_length=3, max_length=3)


def _check_revenue_for_pydantic(value: Any) -> None:
    try:
        _check_revenue(value)
    except InvalidInput:
        raise PydanticCustomError(
            "revenue", "must be " + _REVENUE_ALLOWED, {"allowed": _REVENUE_ALLOWED}
        ) from None


class YearRevenue(BaseModel):
    """Revenue for one year of the trajectory."""

    model_config = ConfigDict(extra="forbid")

    year: int
    revenue_usd: float

    @field_validator("year", mode="before")
    @classmethod
    def _year(cls, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int) or not YEAR_MIN <= value <= YEAR_MAX:
            raise PydanticCustomError("year", "must be " + YEAR_ALLOWED, {"allowed": YEAR_ALLOWED})
        return value

    @field_validator("revenue_usd", mode="before")
    @classmethod
    def _revenue(cls, value: Any) -> float:
        _check_revenue_for_pydantic(value)
        return value


class Inputs(BaseModel):
    """Form inputs of the five-stages tool.

    Attributes
    ----------
    schema_version : int
        Version of this layout (1).
    revenue_usd : float
        Latest annual revenue in US dollars.
    position, product, people : list of int
        Answers 1-5 to the three questions in :data:`QUESTIONS` for each dimension.
    history : list of YearRevenue
        Revenue by year for the trajectory chart; years must not repeat.
    """

    model_config = ConfigDict(extra="forbid")

    schema_version: int = 1
    revenue_usd: float = 0.0
    position: list[int] = _answers_field()
    product: list[int] = _answers_field()
    people: list[int] = _answers_field()
    history: list[YearRevenue] = Field(default_factory=list)

    @field_validator("revenue_usd", mode="before")
    @classmethod
    def _revenue(cls, value: Any) -> Any:
        _check_revenue_for_pydantic(value)
        return value

    @field_validator("position", "product", "people", mode="before")
    @classmethod
    def _answers(cls, value: Any) -> Any:
        allowed = f"a list of 3 whole numbers from {ANSWER_MIN} to {ANSWER_MAX}"
        if not isinstance(value, (list, tuple)) or len(value) != 3:
            raise PydanticCustomError("answers", "must be " + allowed, {"allowed": allowed})
        for i, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, int) or not ANSWER_MIN <= item <= ANSWER_MAX:
                raise not_allowed_at((i,), item, "not an answer", ANSWER_ALLOWED)
        return list(value)

    @field_validator("history")
    @classmethod
    def _unique_years(cls, value: list[YearRevenue]) -> list[YearRevenue]:
        seen: dict[int, int] = {}
        for i, h in enumerate(value):
            if h.year in seen:
                raise not_allowed_at((i, "year"), h.year, "year listed twice",
                                     f"each year at most once (history[{seen[h.year]}] is already {h.year})")
            seen[h.year] = i
        return value


@dataclass(frozen=True)
class Result:
    """Everything the five-stages tool computes for one client.

    Attributes
    ----------
    revenue_usd : float
    stage : Stage
        Where the revenue places the company.
    next_stage : Stage or None
        None at Acceleration.
    scores : dict
        Mean answer per dimension (1-5).
    weakest : str
        The dimension with the lowest mean; ties go to the stage's risk dimension.
    alignment : float
        The weakest dimension's mean: alignment is only as good as its weakest link.
    band : str
        ``"aligned"``, ``"partly aligned"`` or ``"misaligned"``.
    weakest_is_stage_risk : bool
        Whether the weakest link is the one this stage most often fails on.
    recommendations : tuple of str
    trajectory : pandas.DataFrame
        Columns ``year``, ``revenue_usd``, ``stage``, ``stage_number`` (1-5).
    stage_table : pandas.DataFrame
        Reference table of the five stages.
    """

    revenue_usd: float
    stage: Stage
    next_stage: Stage | None
    scores: dict[str, float]
    weakest: str
    alignment: float
    band: str
    weakest_is_stage_risk: bool
    recommendations: tuple[str, ...]
    trajectory: pd.DataFrame
    stage_table: pd.DataFrame


def stage_table() -> pd.DataFrame:
    """Return the five stages as a reference table (one row per stage)."""
    return pd.DataFrame(
        [
            {
                "Stage": s.name,
                "Revenue range": s.range_label,
                "Most common failure": s.failure_cause,
                "Advice": s.advice,
            }
            for s in STAGES
        ]
    )


def trajectory(history: list[YearRevenue] | list[Mapping[str, Any]]) -> pd.DataFrame:
    """Place a revenue history on the stages (data for a chart).

    Parameters
    ----------
    history : list of YearRevenue or mappings with ``year`` and ``revenue_usd``

    Returns
    -------
    pandas.DataFrame
        Sorted by year, with ``stage`` and ``stage_number`` (1 = Suspicion).
    """
    rows = []
    for i, item in enumerate(history):
        year = item.year if isinstance(item, YearRevenue) else item.get("year")
        revenue = item.revenue_usd if isinstance(item, YearRevenue) else item.get("revenue_usd")
        revenue = _check_revenue(revenue, field=f"history[{i}].revenue_usd")
        name = stage_for_revenue(revenue)
        rows.append(
            {"year": int(year), "revenue_usd": revenue, "stage": name,
             "stage_number": STAGE_NAMES.index(name) + 1}
        )
    frame = pd.DataFrame(rows, columns=["year", "revenue_usd", "stage", "stage_number"])
    return frame.sort_values("year", ignore_index=True)


def _band(alignment: float) -> str:
    if alignment >= ALIGNED_FROM:
        return "aligned"
    if alignment >= PARTLY_ALIGNED_FROM:
        return "partly aligned"
    return "misaligned"


def evaluate(inputs: Inputs | Mapping[str, Any], tables: Mapping[str, pd.DataFrame] | None = None) -> Result:
    """Place the client on the path and score its alignment.

    Parameters
    ----------
    inputs : Inputs or mapping
    tables : dict, optional
        Unused (this framework has no tables).

    Returns
    -------
    Result
    """
    inputs = validated(Inputs, inputs, "growth_stages inputs")
    current = stage(stage_for_revenue(inputs.revenue_usd))
    index = STAGE_NAMES.index(current.name)
    nxt = STAGES[index + 1] if index + 1 < len(STAGES) else None
    scores = {d: round(sum(getattr(inputs, d)) / 3, 2) for d in DIMENSIONS}
    low = min(scores.values())
    tied = [d for d in DIMENSIONS if scores[d] == low]
    weakest = next((d for d in current.risk_dimensions if d in tied), tied[0])
    band = _band(low)
    at_risk = weakest in current.risk_dimensions

    recs = []
    if band == "aligned":
        recs.append(
            f"Position, product and people are aligned (weakest is {weakest} at {low:.1f} of 5); "
            f"keep the focus and work on the next step."
        )
    else:
        recs.append(
            f"Strengthen {DIMENSION_LABELS[weakest].lower()} first: it scores {low:.1f} of 5 "
            f"and alignment is only as strong as its weakest part."
        )
    if at_risk and band != "aligned" and current.failure_in_source:
        recs.append(
            f"Watch out: this is where {current.name} companies most often fail. "
            f"{current.failure_cause}"
        )
    recs.append(f"Advice for the {current.name} stage: {current.advice}")
    recs.append(f"To move on: {current.next_step}")

    log.debug("growth_stages: %s, scores %s", current.name, scores)
    return Result(
        revenue_usd=inputs.revenue_usd,
        stage=current,
        next_stage=nxt,
        scores=scores,
        weakest=weakest,
        alignment=low,
        band=band,
        weakest_is_stage_risk=at_risk,
        recommendations=tuple(recs),
        trajectory=trajectory(inputs.history),
        stage_table=stage_table(),
    )


def headline(result: Result) -> dict[str, Any]:
    """Summarise the result for the executive summary.

    Status is green when aligned, red when misaligned or when a partly aligned
    weakest link is the stage's typical cause of failure, amber otherwise.
    """
    if result.band == "aligned":
        status = "green"
    elif result.band == "misaligned" or result.weakest_is_stage_risk:
        status = "red"
    else:
        status = "amber"
    summary = (
        f"At ${result.revenue_usd / 1e6:.2f}M the company is in the {result.stage.name} stage; "
        f"position, product and people are {result.band}, with {result.weakest} the "
        f"weakest link ({result.alignment:.1f} of 5)."
    )
    return {
        "status": status,
        "summary": summary,
        "metrics": {
            "stage": result.stage.name,
            "revenue_usd": float(result.revenue_usd),
            "position": result.scores["position"],
            "product": result.scores["product"],
            "people": result.scores["people"],
            "weakest": result.weakest,
        },
    }


TABLES: dict[str, Any] = {}


def changes(previous: Inputs, current: Inputs) -> list[str]:
    """Describe in plain words what moved between two saved versions."""
    notes: list[str] = []
    if previous.revenue_usd != current.revenue_usd:
        before, after = stage_for_revenue(previous.revenue_usd), stage_for_revenue(current.revenue_usd)
        move = f"; stage {before} \u2192 {after}" if before != after else f"; still {after}"
        notes.append(f"Revenue {money(previous.revenue_usd)} \u2192 {money(current.revenue_usd)}{move}.")
    for dim in DIMENSIONS:
        old, new = sum(getattr(previous, dim)) / 3, sum(getattr(current, dim)) / 3
        if abs(old - new) >= 0.005:
            notes.append(f"{dim.capitalize()} score {old:.1f} \u2192 {new:.1f}.")
    added = {h.year for h in current.history} - {h.year for h in previous.history}
    if added:
        notes.append("Revenue added for " + ", ".join(map(str, sorted(added))) + ".")
    return notes


# -- questionnaire (survey link) -----------------------------------------------------

#: The answer scale of :data:`QUESTIONS` (the same words as :data:`ANSWER_ALLOWED`).
SURVEY_SCALE = Scale(ANSWER_MIN, ANSWER_MAX, {ANSWER_MIN: "Strongly disagree", ANSWER_MAX: "Strongly agree"})


def survey_write(doc: Inputs, who: Any, answers: dict) -> None:
    """Put the respondent's answers (``{"position_1": 4, ...}``) into ``doc``; a blank keeps the saved answer."""
    for qid, value in answers.items():
        dim, number = qid.rsplit("_", 1)
        if value is not None:
            getattr(doc, dim)[int(number) - 1] = value


def survey_read(doc: Inputs, who: Any) -> dict:
    """The saved answers, ``{"position_1": 4, ...}``."""
    return {f"{dim}_{i}": a for dim in DIMENSIONS for i, a in enumerate(getattr(doc, dim), start=1)}


# The room keeps one set of answers per client, so one person answers through one link.
QUESTIONNAIRE = Questionnaire(
    framework="growth_stages",
    title="Position, product and people",
    intro=("Nine statements about how well your market position, your product and your people fit together. "
           "Say how far each is true of the company today."),
    questions=tuple(Question(f"{dim}_{i}", text, SURVEY_SCALE, group=DIMENSION_LABELS[dim])
                    for dim in DIMENSIONS for i, text in enumerate(QUESTIONS[dim], start=1)),
    write=survey_write,
    read=survey_read,
    one_respondent=True,
    page_size=3,
)


# -- the room contract (workbook.spec; the registry reads it) ---------------------

SPEC = FrameworkSpec(
    name="growth_stages",
    title="Five stages of growth",
    citation=('"The Path to Growth: Five Stages of Position-Product-People Alignment" (blog article; '
              'author and date not given in the source)'),
    notebook="growth_stages.ipynb",
    Inputs=Inputs,
    evaluate=evaluate,
    headline=headline,
    tables=TABLES,
    related=(),
    changes=changes,
    plan_action=PlanAction("Close the gap in the weakest of position, product and people for the current stage",
                           "Chief executive", "Next 6 months"),
    headline_metrics=("stage", "weakest", "position", "product", "people"),
    browser_edit=BrowserEdit("toggle", tab="Alignment"),
    questionnaire=QUESTIONNAIRE,
)
