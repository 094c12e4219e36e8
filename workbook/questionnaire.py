"""Questionnaires: the questions a room asks respondents, and where their answers go (pure logic).

A room whose inputs include answers from people (the Sales-Marketing
diagnostic, the brand-community statements, the customer-centricity audit, the
growth-stage alignment questions, a Net Promoter survey) declares one
:class:`Questionnaire` named ``QUESTIONNAIRE`` in its pure module, built from
the room's own question constants. The survey links (:mod:`workbook.survey`)
build their forms from it and write each respondent's answers into the room's
saved inputs (or one of its tables) through the two functions the room gives:
``write`` puts one respondent's answers into a copy of the saved inputs, and
``read`` gives them back. No file I/O happens here; the store does it.
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from .errors import InvalidInput, Problem

#: Longest free-text answer kept (workbook rule: a reason in a few sentences; longer text is refused, not cut).
FREE_TEXT_MAX = 1000
#: Most questions one questionnaire may ask (workbook rule: keeps a submission within the survey's body limit).
QUESTIONS_MAX = 60


@dataclass(frozen=True)
class Scale:
    """An answer scale: whole numbers from ``low`` to ``high``, with labels for some or all points.

    Attributes
    ----------
    low, high : int
        The lowest and highest answer.
    labels : mapping of int to str
        Labels of the points that have one (at least both ends).
    """

    low: int
    high: int
    labels: Mapping[int, str]

    def __post_init__(self) -> None:
        if self.low >= self.high or self.low not in self.labels or self.high not in self.labels:
            raise ValueError("a scale needs low < high and labels for both ends")

    @classmethod
    def from_labels(cls, labels: Mapping[int, str]) -> "Scale":
        """The scale running over every labelled point, e.g. ``{1: "Strongly disagree", ..., 5: ...}``."""
        return cls(min(labels), max(labels), dict(labels))

    @property
    def values(self) -> tuple[int, ...]:
        """Every allowed answer, lowest first."""
        return tuple(range(self.low, self.high + 1))

    def label(self, value: int) -> str:
        """The label of ``value`` ('' for an unlabelled point)."""
        return self.labels.get(value, "")

    @property
    def allowed(self) -> str:
        """What is allowed, in plain words."""
        return (f"a whole number from {self.low} ({self.labels[self.low]}) to {self.high} "
                f"({self.labels[self.high]})")


@dataclass(frozen=True)
class Question:
    """One question of a questionnaire.

    Attributes
    ----------
    id : str
        Stable identifier (letters, digits, underscores), unique in the questionnaire.
    text : str
        The question or statement as the respondent reads it.
    scale : Scale or None
        The answer scale; ``None`` for a free-text question.
    required : bool
        Whether the respondent must answer it before finishing.
    group : str
        A heading shared by neighbouring questions ('' for none).
    """

    id: str
    text: str
    scale: Scale | None = None
    required: bool = True
    group: str = ""

    @property
    def free_text(self) -> bool:
        """True for a question answered in the respondent's own words."""
        return self.scale is None


@dataclass(frozen=True)
class Respondent:
    """Who answers through one link.

    Attributes
    ----------
    key : str
        The link's public id: stable for the life of the link, never the secret token.
    name : str or None
        The respondent's name, or ``None`` for an anonymous link.
    role : str or None
        One of the questionnaire's roles, when it has any.
    """

    key: str
    name: str | None = None
    role: str | None = None


Answers = dict[str, Any]
#: ``write(saved, respondent, answers)``: edits a copy of the saved inputs (or table) in place or returns a new one.
Writer = Callable[[Any, Respondent, Answers], Any]
#: ``read(saved, respondent)``: that respondent's answers, ``{question id: answer or None}``.
Reader = Callable[[Any, Respondent], Answers]
#: ``write_many(saved, [(respondent, answers), ...])``: the same as one ``write`` after another, in one go (a
#: table of thousands of rows is copied once for a burst of answers, not once per answer).
ManyWriter = Callable[[Any, list[tuple[Respondent, Answers]]], Any]


@dataclass(frozen=True)
class Questionnaire:
    """What a room asks its respondents and how their answers reach its inputs.

    Attributes
    ----------
    framework : str
        The room's registered name.
    title : str
        The questionnaire's title, shown at the top of the form (the source
        named on every page is the room's registered citation).
    intro : str
        One or two sentences telling the respondent what to do.
    questions : tuple of Question
    write, read : callable
        The room's two functions (see :data:`Writer` and :data:`Reader`).
    table : str or None
        ``None`` when answers go into the room's ``Inputs``; else the name of
        the room's table (in its ``TABLES``) that holds one row per respondent.
    roles : tuple of str
        The roles a named respondent may have (empty: no role asked).
    anonymous : bool
        Whether links without a respondent's name may be made.
    one_respondent : bool
        True when the room keeps a single set of answers per client, so only
        one link may be open at a time.
    page_size : int
        Questions per page of the form.
    write_many : callable or None
        Optional; writes several respondents' answers at once (see :data:`ManyWriter`).
    """

    framework: str
    title: str
    intro: str
    questions: tuple[Question, ...]
    write: Writer
    read: Reader
    table: str | None = None
    roles: tuple[str, ...] = ()
    anonymous: bool = False
    one_respondent: bool = False
    page_size: int = 5
    write_many: ManyWriter | None = None
    _by_id: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ids = [q.id for q in self.questions]
        if not ids or len(ids) > QUESTIONS_MAX or len(set(ids)) != len(ids):
            raise ValueError(f"{self.framework}: 1 to {QUESTIONS_MAX} questions with unique ids")
        if self.page_size < 1:
            raise ValueError(f"{self.framework}: page_size must be at least 1")
        self._by_id.update({q.id: q for q in self.questions})

    def question(self, qid: str) -> Question:
        """The question with id ``qid``."""
        try:
            return self._by_id[qid]
        except KeyError:
            raise InvalidInput.one("question", qid, "one of " + ", ".join(self._by_id)) from None

    @property
    def ids(self) -> tuple[str, ...]:
        """The question ids in order."""
        return tuple(q.id for q in self.questions)

    @property
    def pages(self) -> tuple[tuple[Question, ...], ...]:
        """The questions split into pages: a new page at every ``page_size`` questions or change of group."""
        pages: list[list[Question]] = []
        for q in self.questions:
            if not pages or len(pages[-1]) >= self.page_size or (q.group and q.group != pages[-1][-1].group):
                pages.append([])
            pages[-1].append(q)
        return tuple(tuple(p) for p in pages)

    def check_respondent(self, name: str | None, role: str | None) -> tuple[str | None, str | None]:
        """Return a clean ``(name, role)`` for a new link, or raise :class:`InvalidInput`."""
        problems = []
        clean = (name or "").strip() or None
        if clean is None and not self.anonymous:
            problems.append(Problem("respondent", name, f"a name: {self.title} links are personal"))
        if clean is not None and len(clean) > 100:
            problems.append(Problem("respondent", name, "a name of 1 to 100 characters"))
        if self.roles:
            if clean is not None and role not in self.roles:
                problems.append(Problem("role", role, ", ".join(self.roles)))
        elif role:
            problems.append(Problem("role", role, f"no role: {self.title} does not ask for one"))
        if problems:
            raise InvalidInput(problems, f"survey link for {self.framework}")
        return clean, (role if self.roles and clean is not None else None)

    def check_answers(self, answers: Mapping[str, Any], *, complete: bool = False) -> Answers:
        """Validate answers given as ``{question id: value}`` (text from a form is fine).

        Parameters
        ----------
        answers : mapping
            Values for some or all questions; ``None`` or ``""`` means not answered.
        complete : bool
            When true, every required question must be answered.

        Returns
        -------
        dict
            ``{question id: int, str or None}`` for the questions given.

        Raises
        ------
        InvalidInput
            Naming every question whose answer is not allowed (by its number and text).
        """
        clean: Answers = {}
        problems: list[Problem] = []
        bad: set[str] = set()
        number = {q.id: i for i, q in enumerate(self.questions, start=1)}
        for qid, raw in answers.items():
            if qid not in self._by_id:
                problems.append(Problem("question", qid, "one of " + ", ".join(self.ids)))
                continue
            q = self._by_id[qid]
            where = f"question {number[qid]} ({_short(q.text)})"
            value = raw.strip() if isinstance(raw, str) else raw
            if value is None or value == "":
                clean[qid] = None
            elif q.scale is None:
                if not isinstance(value, str) or len(value) > FREE_TEXT_MAX:
                    bad.add(qid)
                    problems.append(Problem(where, raw, f"text of at most {FREE_TEXT_MAX} characters"))
                else:
                    clean[qid] = value
            else:
                point = _whole(value)
                if point is None or not q.scale.low <= point <= q.scale.high:
                    bad.add(qid)
                    problems.append(Problem(where, raw, q.scale.allowed))
                else:
                    clean[qid] = point
        if complete:
            for i, q in enumerate(self.questions, start=1):
                if q.required and clean.get(q.id) is None and q.id not in bad:
                    problems.append(Problem(f"question {i} ({_short(q.text)})", None, "an answer"
                                            + (f": {q.scale.allowed}" if q.scale else "")))
        if problems:
            raise InvalidInput(problems, f"answers to {self.title}")
        return clean


def _whole(value: Any) -> int | None:
    """``value`` as a whole number (from an int or digits), else ``None``; booleans and fractions are refused."""
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, str) and value.lstrip("-").isdigit() and len(value) <= 4:
        return int(value)
    return None


def _short(text: str, limit: int = 50) -> str:
    return text if len(text) <= limit else text[: limit - 3].rstrip(" ,;:") + "..."
