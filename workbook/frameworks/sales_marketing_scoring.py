"""The Sales and Marketing diagnostic's inputs and scoring (pure logic).

Holds the saved-input models (:class:`Respondent`, :class:`Inputs`) and the
scoring of one respondent or a team (:func:`score`, :func:`relationship_type`,
:func:`assess`); :mod:`workbook.frameworks.sales_marketing` re-exports them all.
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Sequence

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..errors import InvalidInput, Problem, not_allowed
from .sales_marketing_content import (
    ANSWER_ALLOWED, ANSWER_MAX, ANSWER_MIN, BANDS, CHECKLIST_IDS, CONDITION_CHOICES, CONDITION_IDS,
    CONDITIONS, N_STATEMENTS, ROLES, STATEMENTS, TOTAL_MAX, TOTAL_MIN,
)

# -- inputs -------------------------------------------------------------------

Answer = Annotated[int, Field(strict=True, ge=ANSWER_MIN, le=ANSWER_MAX)]


class Respondent(BaseModel):
    """One person's answers; ``None`` marks a statement not answered yet."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    role: Literal["Sales", "Marketing", "Other"]
    answers: list[Answer | None] = Field(default_factory=lambda: [None] * N_STATEMENTS)

    @field_validator("answers")
    @classmethod
    def _twenty(cls, value: list) -> list:
        if len(value) != N_STATEMENTS:
            raise not_allowed("wrong number of answers",
                              f"exactly {N_STATEMENTS} answers (one per statement, null where not answered)")
        return value

    @property
    def complete(self) -> bool:
        """True when all 20 statements are answered."""
        return all(a is not None for a in self.answers)

    @property
    def answered(self) -> int:
        """How many statements are answered."""
        return sum(a is not None for a in self.answers)


class Inputs(BaseModel):
    """The client's saved diagnostic: respondents and checklist (unknown keys are refused)."""

    model_config = ConfigDict(extra="forbid")

    schema_version: int = 1
    respondents: list[Respondent] = Field(default_factory=list)
    checklist: dict[str, bool] = Field(default_factory=dict)
    #: The article's conditions the consultant has recorded (true: holds; false: does not hold);
    #: a condition left out is not recorded.
    conditions: dict[str, bool] = Field(default_factory=dict)

    @field_validator("conditions")
    @classmethod
    def _known_conditions(cls, value: dict[str, bool]) -> dict[str, bool]:
        unknown = sorted(set(value) - set(CONDITION_IDS))
        if unknown:
            raise ValueError(f"conditions must be among {', '.join(CONDITION_IDS)}; unknown: {', '.join(unknown)}")
        return value

    def set_condition(self, condition_id: str, choice: str) -> None:
        """Record one condition as one of :data:`CONDITION_CHOICES` ("not recorded" removes it)."""
        if condition_id not in CONDITIONS:
            raise InvalidInput.one("condition", condition_id, ", ".join(CONDITION_IDS))
        if choice not in CONDITION_CHOICES:
            raise InvalidInput.one(f"condition {condition_id}", choice, ", ".join(CONDITION_CHOICES))
        if choice == "not recorded":
            self.conditions.pop(condition_id, None)
        else:
            self.conditions[condition_id] = choice == "holds"

    def condition_choice(self, condition_id: str) -> str:
        """How a condition is recorded: one of :data:`CONDITION_CHOICES`."""
        value = self.conditions.get(condition_id)
        return "not recorded" if value is None else ("holds" if value else "does not hold")

    @field_validator("respondents")
    @classmethod
    def _unique_names(cls, value: list[Respondent]) -> list[Respondent]:
        seen: set[str] = set()
        for r in value:
            key = r.name.strip().lower()
            if key in seen:
                raise not_allowed("repeated respondent name", f"each name once ({r.name!r} appears twice)")
            seen.add(key)
        return value

    @field_validator("checklist")
    @classmethod
    def _known_items(cls, value: dict[str, bool]) -> dict[str, bool]:
        unknown = sorted(set(value) - set(CHECKLIST_IDS))
        if unknown:
            raise not_allowed("unknown checklist items", f"checklist items among {', '.join(CHECKLIST_IDS)} "
                                                         f"(unknown: {', '.join(unknown)})")
        return value

    def add_respondent(self, name: str, role: str) -> Respondent:
        """Add a respondent with no answers yet, refusing blank or repeated names and unknown roles."""
        clean = (name or "").strip()
        taken = [r.name for r in self.respondents]
        if not clean or len(clean) > 100 or clean.lower() in {t.strip().lower() for t in taken}:
            raise InvalidInput.one("respondent name", name, "a name of 1 to 100 characters not already used"
                                   + (f" (taken: {', '.join(taken)})" if taken else ""))
        if role not in ROLES:
            raise InvalidInput.one("role", role, ", ".join(ROLES))
        person = Respondent(name=clean, role=role)
        self.respondents.append(person)
        return person

    def respondent(self, name: str) -> Respondent:
        """Return the respondent called ``name``."""
        for r in self.respondents:
            if r.name == name:
                return r
        raise InvalidInput.one("respondent", name, "one of " + (", ".join(r.name for r in self.respondents) or "(none yet)"))



# -- scoring ----------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    """One respondent's score.

    Attributes
    ----------
    total : int
        Sum of the 20 answers, 20 to 100.
    relationship_type : str
        One of :data:`RELATIONSHIP_TYPES`.
    answers : tuple of int
    """

    total: int
    relationship_type: str
    answers: tuple[int, ...]


def relationship_type(total: float) -> str:
    """Return the type for a total of 20-100 (a team average is rounded half up first)."""
    rounded = int(total + 0.5)
    for low, high, name in BANDS:
        if low <= rounded <= high:
            return name
    raise InvalidInput.one("total", total, f"a total from {TOTAL_MIN} to {TOTAL_MAX}")


def _check_answers(answers: Any) -> list[int]:
    if isinstance(answers, (str, bytes, dict)) or not hasattr(answers, "__len__"):
        raise InvalidInput.one("answers", answers, f"a list of {N_STATEMENTS} answers, each {ANSWER_ALLOWED}")
    answers = list(answers)
    if len(answers) != N_STATEMENTS:
        raise InvalidInput.one("answers", f"{len(answers)} answers", f"exactly {N_STATEMENTS} answers, one per statement")
    problems = []
    for i, a in enumerate(answers, start=1):
        # Whole scale points only: floats (3.0, 3.5), text and booleans are refused.
        if isinstance(a, numbers.Integral) and not isinstance(a, bool) and ANSWER_MIN <= a <= ANSWER_MAX:
            continue
        allowed = ANSWER_ALLOWED if a is not None else (
            f"an answer ({ANSWER_ALLOWED}); all {N_STATEMENTS} statements must be answered")
        problems.append(Problem(f"statement {i}", a, allowed))
    if problems:
        raise InvalidInput(problems, "diagnostic answers")
    return [int(a) for a in answers]


def score(answers: Sequence[int]) -> Score:
    """Score one respondent's 20 answers.

    Parameters
    ----------
    answers : sequence of 20 int
        Each 1 (strongly disagree) to 5 (strongly agree), in statement order.

    Returns
    -------
    Score
        With ``.total`` and ``.relationship_type``.

    Raises
    ------
    InvalidInput
        Naming every statement that is missing or out of range (0, 6, 3.5, text).
    """
    clean = _check_answers(answers)
    total = sum(clean)
    return Score(total, relationship_type(total), tuple(clean))


@dataclass(frozen=True)
class RespondentResult:
    """A scored respondent."""

    name: str
    role: str
    total: int
    relationship_type: str


@dataclass(frozen=True)
class Assessment:
    """The team's diagnostic.

    Attributes
    ----------
    respondents : list of RespondentResult
    team_total : float
        Mean of the respondents' totals.
    relationship_type : str
        The type of the rounded team total.
    by_statement : pandas.DataFrame
        One row per statement: ``statement``, ``text``, ``all``, ``Sales``,
        ``Marketing`` (means; NaN where a side has no respondent) and ``gap``
        (Sales minus Marketing).
    disagreements : pandas.DataFrame
        Statements where the two sides differ by at least one scale point,
        largest gap first.
    role_totals : dict
        Mean total per role present.
    """

    respondents: list[RespondentResult]
    team_total: float
    relationship_type: str
    by_statement: pd.DataFrame
    disagreements: pd.DataFrame
    role_totals: dict[str, float]


DISAGREEMENT_MIN_GAP = 1.0


def assess(responses: Sequence[Respondent | dict | tuple]) -> Assessment:
    """Score several respondents and compare Sales with Marketing.

    Parameters
    ----------
    responses : sequence
        :class:`Respondent` objects, dicts with ``name``, ``role``, ``answers``,
        or ``(role, answers)`` pairs. Every respondent must be complete.

    Raises
    ------
    InvalidInput
        When there is no respondent, a role is unknown, or answers are
        incomplete or out of range (naming respondent and statements).
    """
    people: list[tuple[str, str, list[int]]] = []
    problems: list[Problem] = []
    for idx, item in enumerate(responses):
        if isinstance(item, tuple):
            role, answers = item
            name = f"Respondent {idx + 1}"
        elif isinstance(item, Respondent):
            name, role, answers = item.name, item.role, item.answers
        else:
            name, role, answers = item.get("name", f"Respondent {idx + 1}"), item.get("role"), item.get("answers")
        if role not in ROLES:
            problems.append(Problem(f"{name}: role", role, ", ".join(ROLES)))
            continue
        try:
            people.append((name, role, _check_answers(answers)))
        except InvalidInput as exc:
            problems.extend(Problem(f"{name}: {p.field}", p.value, p.allowed) for p in exc.problems)
    if problems:
        raise InvalidInput(problems, "diagnostic responses")
    if not people:
        raise InvalidInput.one("respondents", [], "at least one respondent with all 20 statements answered")

    results = [RespondentResult(n, r, sum(a), relationship_type(sum(a))) for n, r, a in people]
    team_total = sum(r.total for r in results) / len(results)
    # Built with numpy and made a table once: this runs on every answer clicked in a live session.
    grid = np.array([a for _, _, a in people], dtype=float)  # respondents x statements
    roles = np.array([r for _, r, _ in people])
    columns = {"statement": np.arange(1, N_STATEMENTS + 1), "text": STATEMENTS, "all": grid.mean(axis=0)}
    for role in ("Sales", "Marketing"):
        side = grid[roles == role]
        columns[role] = side.mean(axis=0) if len(side) else np.full(N_STATEMENTS, np.nan)
    columns["gap"] = columns["Sales"] - columns["Marketing"]
    table = pd.DataFrame(columns)
    gap = np.abs(columns["gap"])
    wide = np.flatnonzero(gap >= DISAGREEMENT_MIN_GAP)  # NaN (a side missing) is never a disagreement
    disagree = table.iloc[wide[np.argsort(-gap[wide], kind="stable")]]  # largest gap first, ties in order
    role_totals = {role: float(sum(r.total for r in results if r.role == role) / n)
                   for role in ROLES if (n := sum(r.role == role for r in results))}
    return Assessment(results, team_total, relationship_type(team_total), table,
                      disagree.reset_index(drop=True), role_totals)
