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

import numbers
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Sequence

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..checks import evaluation_tables
from ..errors import InvalidInput, Problem, not_allowed, validated
from ..questionnaire import Question, Questionnaire, Scale
from ..spec import BrowserEdit, FrameworkSpec, PlanAction

# -- constants from the source ------------------------------------------------

N_STATEMENTS = 20
ANSWER_MIN, ANSWER_MAX = 1, 5
ANSWER_LABELS = {1: "Strongly disagree", 2: "Disagree", 3: "Neither", 4: "Agree", 5: "Strongly agree"}
ANSWER_ALLOWED = "a whole number from 1 (strongly disagree) to 5 (strongly agree)"
TOTAL_MIN, TOTAL_MAX = N_STATEMENTS * ANSWER_MIN, N_STATEMENTS * ANSWER_MAX

#: The article's scoring bands, (lowest total, highest total, type), HBR 2006.
BANDS: tuple[tuple[int, int, str], ...] = (
    (20, 39, "Undefined"),
    (40, 59, "Defined"),
    (60, 79, "Aligned"),
    (80, 100, "Integrated"),
)
RELATIONSHIP_TYPES: tuple[str, ...] = tuple(b[2] for b in BANDS)
ROLES: tuple[str, ...] = ("Sales", "Marketing", "Other")

#: The 20 diagnostic statements, in our own words (same meaning and order as the article).
STATEMENTS: tuple[str, ...] = (
    "Actual sales usually come in close to the sales forecast.",
    "When results disappoint or something goes wrong, neither function blames the other.",
    "Marketers regularly meet key customers while a sale is in progress.",
    "Marketing asks Sales to take part in writing the marketing plan.",
    "Salespeople find the material Marketing gives them genuinely useful for winning more business.",
    "When Marketing asks the sales force for feedback, it gets it willingly.",
    "Sales and Marketing share much of the same vocabulary.",
    "The leaders of both functions often talk together about early-stage questions: new ideas, "
    "reading the market and product development strategy.",
    "The two functions work closely together to describe how each segment buys.",
    "Meetings between Sales and Marketing need little time for settling disputes or handling crises.",
    "The heads of both functions plan together for products and services that are two or more years from launch.",
    "Shared metrics, which we talk about and actually use, tell us how well Sales and Marketing are doing.",
    "Marketing takes an active part in shaping and carrying out how each key account is sold to.",
    "The two functions run their work through funnels, processes or pipelines they built together, "
    "covering the whole chain from first reading the market to serving the customer.",
    "Marketing contributes significantly to analysing sales-funnel data and uses that data to make the funnel "
    "more predictable and more effective.",
    "There is a strong shared belief that Sales and Marketing succeed or fail together.",
    "Both functions report to one C-level executive, such as a chief customer officer or chief revenue officer.",
    "People move between jobs in Sales and jobs in Marketing a good deal.",
    "The two functions jointly design and run training programmes, events and other learning for the staff of both.",
    "Each function takes an active part in preparing and presenting the other's plans to top executives.",
)

#: What each type looks like, paraphrasing the article's description table.
TYPE_DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "Undefined": (
        "Each function pursues its own tasks and agenda and they deal with each other only when a conflict forces it.",
        "The two grew up separately.",
        "Their meetings are spent settling conflicts rather than working together ahead of problems.",
    ),
    "Defined": (
        "Rules are in place to head off disputes.",
        "They share terms for the touchy areas, such as what counts as a lead.",
        "Meetings are used to make clear what each side expects of the other.",
    ),
    "Aligned": (
        "Boundaries are clear but flexible: salespeople use Marketing's vocabulary and marketers join in transactional sales.",
        "They plan and train together.",
    ),
    "Integrated": (
        "Systems, performance measures and rewards are common to both.",
        "They act as though they will rise or fall together.",
    ),
}

#: When to leave the relationship as it is, per current type (article's second table).
STAY_IF: dict[str, tuple[str, ...]] = {
    "Undefined": (
        "the company is small;",
        "informal relationships between the two functions already work well;",
        "Marketing is still mainly a support service for Sales.",
    ),
    "Defined": (
        "what the company sells is fairly simple and standard;",
        "the traditional split of sales and marketing roles works in this market;",
        "there is no clear, compelling reason to change.",
    ),
    "Aligned": (
        "the company has no culture of shared responsibility;",
        "Sales and Marketing report to different executives;",
        "deals close within a fairly short sales cycle.",
    ),
}

#: When to bring the functions closer, per current type (article's second table).
TIGHTEN_IF: dict[str, tuple[str, ...]] = {
    "Undefined": (
        "the two functions are visibly in conflict;",
        "work is done twice by both functions, or falls between them;",
        "the two functions fight over resources or money.",
    ),
    "Defined": (
        "work is still duplicated or dropped even though roles have been carefully defined;",
        "the market has become a commodity market in which a traditional sales force is expensive;",
        "products are developed, prototyped or heavily customised during the sale;",
        "product life cycles are getting shorter and technology is turning over faster.",
    ),
    "Aligned": (
        "one shared process or business funnel could be set up to run and measure the work that brings in revenue.",
    ),
}

#: One id per condition of the article's second table: ``<type>-stay-<n>`` and ``<type>-tighten-<n>``.
CONDITIONS: dict[str, tuple[str, str, str]] = {
    f"{rel.lower()}-{kind}-{i}": (rel, kind, text)
    for kind, table in (("stay", STAY_IF), ("tighten", TIGHTEN_IF))
    for rel, texts in table.items()
    for i, text in enumerate(texts, start=1)
}
CONDITION_IDS: tuple[str, ...] = tuple(CONDITIONS)
CONDITION_CHOICES: tuple[str, ...] = ("not recorded", "holds", "does not hold")

#: Where the article sets out each part (shown in the methods part of a report).
FROM_SOURCE: tuple[str, ...] = (
    "the 20 statements, each answered 1 (strongly disagree) to 5 (strongly agree)",
    "the score bands: 20-39 Undefined, 40-59 Defined, 60-79 Aligned, 80-100 Integrated",
    "what each relationship type looks like",
    "when to leave the relationship as it is and when to tighten it, for Undefined, Defined and Aligned",
    "how to move one step up, and the integration checklist of 5, 6, 4 and 2 tasks",
    "the product-team roles (blog post of 6 July 2006)",
)

# The workbook's own rules (the article is silent on these), shown wherever their result shows.
from ..methods import WorkbookRule  # noqa: E402 - kept beside the rules it serves

WORKBOOK_RULES: tuple[WorkbookRule, ...] = (
    WorkbookRule("team_type", "Team type", "the average of the complete respondents' totals, rounded half up, "
                 "placed in the article's bands",
                 "The article scores one person; a team needs one number, and rounding keeps the bands whole."),
    WorkbookRule("disagreement", "Where the sides differ", "a gap of 1 scale point or more between the average "
                 "Sales and the average Marketing answer to a statement",
                 "One full point is one step on the answer scale, enough to be more than noise."),
    WorkbookRule("both_hold", "When conditions to stay and to tighten both hold", "tightening wins",
                 "The conditions for tightening are costs (conflict, duplicated or dropped work) that staying put "
                 "does not remove."),
    WorkbookRule("status", "Status colour", "keep as it is: green; tighten: red for Undefined, amber for Defined "
                 "and Aligned; conditions not recorded: red Undefined, amber Defined, green Aligned and Integrated",
                 "The colour follows the article's advice once the conditions are recorded; before that it "
                 "can only follow the type."),
)


@dataclass(frozen=True)
class StepUp:
    """How to move one type up (the article's first table)."""

    current: str
    target: str
    signs: tuple[str, ...]
    actions: tuple[str, ...]


STEP_UP: dict[str, StepUp] = {
    "Undefined": StepUp(
        "Undefined", "Defined",
        ("Sales and Marketing clash often and compete for resources.",
         "Effort is spent twice, or some tasks are done by neither function."),
        ("Agree clear rules of engagement, with set hand-off points for key tasks (following up leads, for example).",),
    ),
    "Defined": StepUp(
        "Defined", "Aligned",
        ("The market is turning into a commodity market, or into a customised one.",
         "Product life cycles are getting shorter.",
         "Even with roles made clear, work is still duplicated or neglected."),
        ("Hold regular meetings of Sales and Marketing on the main opportunities and problems.",
         "Agree who must be consulted on which decisions (for example, bring the brand manager into "
         "sales opportunities of $2 million or more).",
         "Create occasions to work together, such as planning a conference jointly or rotating people between jobs."),
    ),
    "Aligned": StepUp(
        "Aligned", "Integrated",
        ("The business environment is complex and changes fast.",
         "Marketing has split into upstream (strategic) and downstream (tactical) groups."),
        ("Let downstream marketers create sales tools, support salespeople in qualifying leads, and take what "
         "Sales hears from customers to sell existing offerings into new segments.",
         "Judge and reward both teams on the same important metrics: for instance, a sales goal both teams "
         "commit to, and key sales measures such as new customers won and deals closed, for salespeople "
         "and downstream marketers alike."),
    ),
}

#: The integration checklist: four groups (5, 6, 4 and 2 tasks), in our own words.
CHECKLIST: dict[str, tuple[tuple[str, str], ...]] = {
    "Integrate activities": (
        ("activities-1", "Bring Sales and Marketing together to plan products and set sales targets."),
        ("activities-2", "Have both functions develop the value propositions for each market segment."),
        ("activities-3", "Have both functions assess what customers need."),
        ("activities-4", "Have both functions approve advertising material."),
        ("activities-5", "Have both functions analyse the top opportunities in each segment."),
    ),
    "Integrate processes and systems": (
        ("processes-1", "Put in systems that track and manage what Sales and Marketing do together."),
        ("processes-2", "Use shared databases and keep them up to date."),
        ("processes-3", "Set common metrics for judging how well Sales and Marketing are doing overall."),
        ("processes-4", "Set up rewards that recognise successes of Sales and Marketing together."),
        ("processes-5", "Require teams from both functions to meet at set intervals to review and improve how they work together."),
        ("processes-6", "Have the leader of each function attend the other's budget reviews with the chief executive."),
    ),
    "Enable the culture": (
        ("culture-1", "Stress that the divisions share responsibility for results."),
        ("culture-2", "Put weight on metrics."),
        ("culture-3", "Link rewards to results."),
        ("culture-4", "Insist that divisions follow the agreed systems and processes."),
    ),
    "Integrate organizational structures": (
        ("structures-1", "Divide Marketing into an upstream (strategic) team and a downstream (tactical) team."),
        ("structures-2", "Appoint a chief revenue officer."),
    ),
}
CHECKLIST_IDS: tuple[str, ...] = tuple(item_id for items in CHECKLIST.values() for item_id, _ in items)

#: The product-team view (blog post of July 2006): what each function contributes, in our own words.
PRODUCT_TEAM_ROLES: dict[str, str] = {
    "Sales": ("Collects feedback from prospects, tries out the ideas Marketing's research produced, says which "
              "features and designs will sell, and above all takes one or more first customers through the sale "
              "so the product is installed as a reference for later sales."),
    "Marketing": ("Combines what Sales hears from prospects with data on the wider market to build and keep "
                  "up to date the product roadmap."),
    "Development": ("Works from what Marketing and Sales ask for, proposes a suitable architecture, says which "
                    "features are harder or easier to build, then builds and tests the product to specification."),
    "Service management": ("Turns the input of Sales and Marketing into service requirements and sees that the "
                           "product, or the service around it, delivers them."),
}
PRODUCT_TEAM_NOTE = ("At its best this group works as one team under a single executive until the product is ready "
                     "for a wide launch, and product management is the job of all of them together.")

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


TABLES: dict = {}

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
    grid = pd.DataFrame([a for _, _, a in people], columns=range(1, N_STATEMENTS + 1))
    roles = pd.Series([r for _, r, _ in people])
    table = pd.DataFrame({"statement": range(1, N_STATEMENTS + 1), "text": STATEMENTS,
                          "all": grid.mean(axis=0).to_numpy()})
    for role in ("Sales", "Marketing"):
        side = grid[roles.to_numpy() == role]
        table[role] = side.mean(axis=0).to_numpy() if len(side) else float("nan")
    table["gap"] = table["Sales"] - table["Marketing"]
    disagree = table[table["gap"].abs() >= DISAGREEMENT_MIN_GAP]
    disagree = disagree.reindex(disagree["gap"].abs().sort_values(ascending=False, kind="stable").index)
    role_totals = {role: float(sum(r.total for r in results if r.role == role) / n)
                   for role in ROLES if (n := sum(r.role == role for r in results))}
    return Assessment(results, team_total, relationship_type(team_total), table,
                      disagree.reset_index(drop=True), role_totals)


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
    """A statement named by its number and its text, for summaries read without the table."""
    return f"statement {number} (\u201c{STATEMENTS[number - 1].rstrip('.')}\u201d)"


def headline(result: Result) -> dict:
    """Return the machine-readable headline for the executive summary."""
    a = result.assessment
    if a is None:
        return {"status": "grey", "summary": "No complete diagnostic yet.", "metrics": {}}
    biggest = a.disagreements.iloc[0] if len(a.disagreements) else None
    summary = f"The relationship is {a.relationship_type} (team average {a.team_total:.0f} of 100)"
    summary += (f"; Sales and Marketing disagree most on {statement_label(int(biggest['statement']))}."
                if biggest is not None else ".")
    c = result.conditions
    summary += {"keep": " The article's conditions say to keep it as it is.",
                "tighten": " The article's conditions say to bring the two functions closer.",
                "review": " None of the recorded conditions for changing or staying holds.",
                "not recorded": " Whether to change it is open: the article's conditions are not recorded."
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
