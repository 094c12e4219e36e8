"""The Sales and Marketing relationship diagnostic (pure logic).

Source: Philip Kotler, Neil Rackham and Suj Krishnaswamy, "Ending the War
Between Sales and Marketing", Harvard Business Review, July-August 2006 (the
diagnostic, the four relationship types, the when-to-change tables and the
integration checklist); product-team roles from the blog post "Ending the war
between sales and marketing" (Cheap Marketing Shop, 6 July 2006).

Twenty statements are each answered 1 (strongly disagree) to 5 (strongly
agree); the total (20-100) places the relationship in one of four types.
Statements are paraphrased in our own words; the bands are the article's.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from ..checks import evaluation_tables
from ..errors import InvalidInput, validated
from ..questionnaire import Question, Questionnaire, Scale
from ..spec import BrowserEdit, FrameworkSpec, PlanAction
from .sales_marketing_content import (  # noqa: F401 - re-exported
    N_STATEMENTS, ANSWER_MIN, ANSWER_MAX, ANSWER_LABELS, ANSWER_ALLOWED, TOTAL_MIN, TOTAL_MAX, BANDS,
    RELATIONSHIP_TYPES, ROLES, STATEMENTS, STATEMENT_TOPICS, TYPE_DESCRIPTIONS, STAY_IF, TIGHTEN_IF,
    CONDITIONS, CONDITION_IDS, CONDITION_CHOICES, FROM_SOURCE, WORKBOOK_RULES, StepUp, STEP_UP, CHECKLIST,
    CHECKLIST_IDS, PRODUCT_TEAM_ROLES, PRODUCT_TEAM_NOTE,
)
from .sales_marketing_scoring import (  # noqa: F401 - re-exported
    Answer, Respondent, Inputs, Score, relationship_type, _check_answers, score, RespondentResult, Assessment,
    DISAGREEMENT_MIN_GAP, assess,
)

TABLES: dict = {}

# -- guidance and checklist ---------------------------------------------------


@dataclass(frozen=True)
class Guidance:
    """Advice for a current relationship type."""

    relationship_type: str
    description: tuple[str, ...]
    stay_if: tuple[str, ...]
    tighten_if: tuple[str, ...]
    step_up: StepUp | None


def guidance(rel_type: str) -> Guidance:
    """Return the article's advice for ``rel_type`` (Integrated is the top: no step up)."""
    if rel_type not in RELATIONSHIP_TYPES:
        raise InvalidInput.one("relationship_type", rel_type, ", ".join(RELATIONSHIP_TYPES))
    return Guidance(rel_type, TYPE_DESCRIPTIONS[rel_type], STAY_IF.get(rel_type, ()),
                    TIGHTEN_IF.get(rel_type, ()), STEP_UP.get(rel_type))


@dataclass(frozen=True)
class ChecklistProgress:
    """Done and total tasks per checklist group."""

    groups: dict[str, tuple[int, int]]
    done: int
    total: int

    @property
    def share(self) -> float:
        """Fraction of all tasks done."""
        return self.done / self.total if self.total else 0.0


def checklist_progress(ticks: dict[str, bool]) -> ChecklistProgress:
    """Count ticked checklist tasks per group."""
    groups = {g: (sum(bool(ticks.get(i)) for i, _ in items), len(items)) for g, items in CHECKLIST.items()}
    return ChecklistProgress(groups, sum(d for d, _ in groups.values()), len(CHECKLIST_IDS))


@dataclass(frozen=True)
class ConditionReading:
    """Which of the article's conditions hold for the current type, and the advice they give.

    Attributes
    ----------
    relationship_type : str
    stay_held, tighten_held : tuple of str
        The conditions recorded as holding, in the article's order.
    recorded, total : int
        How many of the type's conditions are recorded, out of how many.
    verdict : {"keep", "tighten", "review", "not recorded", "top"}
        ``keep``: a reason to leave it as it is holds and none to tighten;
        ``tighten``: a reason to tighten holds (it wins over staying, a workbook
        rule); ``review``: conditions recorded but none holds; ``not recorded``:
        none recorded; ``top``: Integrated, where the article gives no conditions.
    advice : str
        The advice in plain words.
    """

    relationship_type: str
    stay_held: tuple[str, ...]
    tighten_held: tuple[str, ...]
    recorded: int
    total: int
    verdict: str
    advice: str


def _clause(items: Sequence[str]) -> str:
    return "; ".join(t.rstrip(";.") for t in items)


def read_conditions(rel_type: str, recorded: dict[str, bool]) -> ConditionReading:
    """Read the recorded conditions for ``rel_type`` against the article's second table."""
    if rel_type not in RELATIONSHIP_TYPES:
        raise InvalidInput.one("relationship_type", rel_type, ", ".join(RELATIONSHIP_TYPES))
    mine = {cid: (kind, text) for cid, (rel, kind, text) in CONDITIONS.items() if rel == rel_type}
    stay = tuple(text for cid, (kind, text) in mine.items() if kind == "stay" and recorded.get(cid) is True)
    tight = tuple(text for cid, (kind, text) in mine.items() if kind == "tighten" and recorded.get(cid) is True)
    n = sum(cid in recorded for cid in mine)
    step = STEP_UP.get(rel_type)
    if not mine:
        verdict, advice = "top", ("Integrated is the closest relationship the article describes: keep the shared "
                                  "systems, metrics and rewards working.")
    elif tight:
        verdict = "tighten"
        advice = (f"The article's reasons to bring the functions closer hold ({_clause(tight)}): move towards "
                  f"{_a(step.target)} relationship.")
        if stay:
            advice += f" Reasons to leave it as it is hold too ({_clause(stay)}), but tightening wins (workbook rule)."
    elif stay:
        verdict = "keep"
        advice = (f"The article advises leaving {_a(rel_type)} relationship as it is here ({_clause(stay)}), and no "
                  "reason to tighten it is recorded: keep things as they are and check the conditions again "
                  "when the business changes.")
    elif n:
        verdict = "review"
        advice = (f"None of the recorded conditions holds ({n} of {len(mine)} recorded): the article gives no clear "
                  "reason either to change or to stay; record the rest before deciding.")
    else:
        verdict = "not recorded"
        advice = (f"The article's conditions for {_a(rel_type)} relationship are not recorded yet, so this advice "
                  "follows the type alone; record which conditions hold before recommending a change.")
    return ConditionReading(rel_type, stay, tight, n, len(mine), verdict, advice)


def _a(word: str) -> str:
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


# -- whole-client evaluation ------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """Everything the room shows for one client."""

    assessment: Assessment | None
    incomplete: list[tuple[str, int]] = field(default_factory=list)
    guidance: Guidance | None = None
    checklist: ChecklistProgress = field(default_factory=lambda: checklist_progress({}))
    conditions: ConditionReading | None = None


def evaluate(inputs: Inputs | dict, tables: dict | None = None) -> Result:
    """Score the complete respondents; list the incomplete ones (name, answered).

    Raises
    ------
    InvalidInput
        When ``inputs`` (a dict or an :class:`Inputs`) is not valid, naming every problem.
    """
    inputs = validated(Inputs, inputs if inputs is not None else {}, "sales_marketing inputs")
    evaluation_tables(tables, "sales_marketing tables")
    complete = [r for r in inputs.respondents if r.complete]
    incomplete = [(r.name, r.answered) for r in inputs.respondents if not r.complete]
    assessment = assess(complete) if complete else None
    guide = guidance(assessment.relationship_type) if assessment else None
    reading = read_conditions(assessment.relationship_type, inputs.conditions) if assessment else None
    return Result(assessment, incomplete, guide, checklist_progress(inputs.checklist), reading)


#: Status before the conditions are recorded (workbook rule "status").
STATUS_BY_TYPE = {"Undefined": "red", "Defined": "amber", "Aligned": "green", "Integrated": "green"}
#: Status once they are: keep is green; tighten is red for Undefined, amber above it (workbook rule "status").
STATUS_TIGHTEN = {"Undefined": "red", "Defined": "amber", "Aligned": "amber"}


def status(result: Result) -> str:
    """The traffic light, following the recorded conditions (see the workbook rule "status")."""
    a, c = result.assessment, result.conditions
    if a is None:
        return "grey"
    if c is None or c.verdict in ("not recorded", "top"):
        return STATUS_BY_TYPE[a.relationship_type]
    if c.verdict == "keep":
        return "green"
    if c.verdict == "tighten":
        return STATUS_TIGHTEN[a.relationship_type]
    return "amber" if a.relationship_type in ("Undefined", "Defined") else "green"


def statement_label(number: int) -> str:
    """A statement named by its number and what it is about, for summaries read without the list."""
    return f"statement {number} ({STATEMENT_TOPICS[number - 1]})"


def headline(result: Result) -> dict:
    """Return the machine-readable headline for the executive summary."""
    a = result.assessment
    if a is None:
        return {"status": "grey", "summary": "No complete diagnostic yet.", "metrics": {}}
    biggest = a.disagreements.iloc[0] if len(a.disagreements) else None
    summary = f"The relationship is {a.relationship_type} (team average {a.team_total:.1f} of 100)"
    summary += (f"; Sales and Marketing disagree most on {statement_label(int(biggest['statement']))}."
                if biggest is not None else ".")
    c = result.conditions
    summary += {"keep": " The article's conditions say to keep it as it is.",
                "tighten": " The article's conditions say to bring the two functions closer.",
                "review": " None of the recorded conditions for changing or staying holds.",
                "not recorded": " The article's conditions for changing it are not recorded."
                }.get(c.verdict if c else "", "")
    return {
        "status": status(result),
        "summary": summary,
        "metrics": {
            "team_total": round(a.team_total, 1),
            "relationship_type": a.relationship_type,
            "respondents": len(a.respondents),
            "disagreements": int(len(a.disagreements)),
            "checklist_done": f"{result.checklist.done}/{result.checklist.total}",
            "forecast_statement_mean": round(float(a.by_statement.loc[0, "all"]), 2),
            "advice": c.verdict if c else "not recorded",
        },
    }


def changes(previous: Inputs, current: Inputs) -> list[str]:
    """Describe in plain words what moved between two saved versions."""
    notes: list[str] = []
    before = {r.name: r for r in previous.respondents}
    for r in current.respondents:
        old = before.get(r.name)
        if old is None:
            notes.append(f"New respondent: {r.name} ({r.role}).")
            continue
        moved = [f"statement {i} {a}\u2192{b}" for i, (a, b) in enumerate(zip(old.answers, r.answers), 1) if a != b]
        if moved:
            notes.append(f"{r.name}: {len(moved)} answer(s) moved ({', '.join(moved[:6])}{', ...' if len(moved) > 6 else ''}).")
    for name in before.keys() - {r.name for r in current.respondents}:
        notes.append(f"Respondent removed: {name}.")
    old_res, new_res = evaluate(previous), evaluate(current)
    if old_res.assessment and new_res.assessment:
        o, n = old_res.assessment, new_res.assessment
        if o.relationship_type != n.relationship_type:
            notes.append(f"Team type moved from {o.relationship_type} to {n.relationship_type} "
                         f"(average {o.team_total:.1f} \u2192 {n.team_total:.1f}).")
        elif abs(o.team_total - n.team_total) >= 0.05:
            notes.append(f"Team type stayed {n.relationship_type} (average {o.team_total:.1f} \u2192 {n.team_total:.1f}).")
    ticked = sum(current.checklist.get(i, False) for i in CHECKLIST_IDS) - sum(previous.checklist.get(i, False) for i in CHECKLIST_IDS)
    if ticked:
        notes.append(f"Checklist: {ticked:+d} task(s) done.")
    for cid in CONDITION_IDS:
        was, now = previous.condition_choice(cid), current.condition_choice(cid)
        if was != now:
            rel, kind, text = CONDITIONS[cid]
            notes.append(f"{rel} condition to {'stay' if kind == 'stay' else 'tighten'} "
                         f"\u201c{text.rstrip(';.')}\u201d: {was} \u2192 {now}.")
    return notes


# -- questionnaire (personal survey links) -------------------------------------------


def _survey_person(doc: Inputs, name: str) -> Respondent | None:
    exact = next((r for r in doc.respondents if r.name == name), None)  # the usual case, without lowering every name
    if exact is not None:
        return exact
    key = name.strip().lower()
    return next((r for r in doc.respondents if r.name.strip().lower() == key), None)


def survey_write(doc: Inputs, who: Any, answers: dict) -> None:
    """Put one respondent's answers (``{"s1": 4, ...}``) into ``doc``, adding the respondent when new."""
    person = _survey_person(doc, who.name) or doc.add_respondent(who.name, who.role or "Other")
    for qid, value in answers.items():
        person.answers[int(qid[1:]) - 1] = value


def survey_read(doc: Inputs, who: Any) -> dict:
    """One respondent's saved answers, ``{"s1": 4 or None, ...}`` ({} when not in ``doc``)."""
    person = _survey_person(doc, who.name)
    return {} if person is None else {f"s{i}": a for i, a in enumerate(person.answers, start=1)}


QUESTIONNAIRE = Questionnaire(
    framework="sales_marketing",
    title="How Sales and Marketing work together",
    intro=("Each statement describes how Sales and Marketing work together. Say how far it is true of your "
           "company today; there are no right answers, and your answers stay with your consultant's team."),
    questions=tuple(Question(f"s{i}", text, Scale.from_labels(ANSWER_LABELS))
                    for i, text in enumerate(STATEMENTS, start=1)),
    write=survey_write,
    read=survey_read,
    roles=ROLES,
    page_size=5,
)


# -- the room contract (workbook.spec; the registry reads it) ---------------------

SPEC = FrameworkSpec(
    name="sales_marketing",
    title="Sales and Marketing relationship",
    citation=('Philip Kotler, Neil Rackham and Suj Krishnaswamy, "Ending the War Between Sales and '
              'Marketing", Harvard Business Review, July-August 2006'),
    notebook="sales_marketing.ipynb",
    Inputs=Inputs,
    evaluate=evaluate,
    headline=headline,
    tables=TABLES,
    related=(),
    changes=changes,
    plan_action=PlanAction(("Agree shared definitions, a lead handoff and one joint pipeline review "
                            "between Sales and Marketing"),
                           "Heads of Sales and Marketing", "Next 90 days"),
    headline_metrics=("team_total", "relationship_type", "respondents", "checklist_done"),
    browser_edit=BrowserEdit("toggle"),  # statement 1 of the first respondent
    questionnaire=QUESTIONNAIRE,
)
