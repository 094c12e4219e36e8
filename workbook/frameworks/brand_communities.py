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

log = logging.getLogger(__name__)

NAME = "brand_communities"
TITLE = "Brand communities"
#: The source, as printed under every page (the room's one citation; also ``SPEC.citation``).
SOURCE = 'Susan Fournier and Lara Lee, "Getting Brand Communities Right", Harvard Business Review, April 2009'
SCHEMA_VERSION = 1

FORMS = ("pool", "web", "hub")
FormKind = Literal["pool", "web", "hub"]

# Answer scale of the questionnaire (ours): 1 strongly disagree ... 5 strongly agree.
SCALE_MIN, SCALE_MAX = 1, 5
SCALE_LABELS = {1: "strongly disagree", 2: "disagree", 3: "neither", 4: "agree", 5: "strongly agree"}
# Bands of a form's mean score (workbook thresholds, not the article's).
STRONG_AT = 4.0
MODERATE_AT = 3.0
# Ties: when forms share the top mean score (to two decimals), the dominant form
# is the first of them in the order the article presents the forms, and every
# tied form is reported so the consultant can decide.
TIE_ORDER = FORMS

#: What the room takes from the article (shown in a report's methods part).
FROM_SOURCE: tuple[str, ...] = (
    "the three forms a community can take: pools (strong ties to a shared activity, goal or values, loose ties "
    "among members), webs (strong one-to-one ties between people with similar or complementary needs) and hubs "
    "(strong ties to a central figure, weaker ties among members)",
    "the article's examples of each form",
)

from workbook.methods import WorkbookRule  # noqa: E402 - kept beside the rules it serves

WORKBOOK_RULES: tuple[WorkbookRule, ...] = (
    WorkbookRule("questionnaire", "Community questionnaire", "twelve statements of ours, four per form, each "
                 "answered 1 (strongly disagree) to 5 (strongly agree); a form's score is its mean",
                 "The article describes the forms but gives no way to measure which one a community takes."),
    WorkbookRule("bands", "Strength of ties", f"strong from a mean of {STRONG_AT:.1f}, moderate from "
                 f"{MODERATE_AT:.1f}, weak below", "4 is 'agree' and 3 'neither' on the answer scale."),
    WorkbookRule("ties", "When forms tie", "the first in the order pool, web, hub is named dominant, and every "
                 "tied form is reported", "The article gives no order; a fixed one keeps the result repeatable, "
                 "and naming the others leaves the choice to the consultant."),
    WorkbookRule("guidance", "Build, run and risk for each form", "the workbook's reading of what each form "
                 "implies", "The article defines the forms; the practical guidance is ours."),
    WorkbookRule("status", "Status colour", "red when nothing is answered or the top form is weak; green when one "
                 "form is strong, untied, matches the target and every statement is answered; amber otherwise",
                 "Green needs a clear, complete answer that fits what the client wants."),
)


@dataclass(frozen=True)
class Form:
    """One community form: the article's definition and examples, our guidance."""

    key: str
    label: str
    tie: str
    key_to_affiliation: str
    examples: tuple[str, ...]
    build: str
    run: str
    risk: str


# Fournier and Lee (2009), exhibit on the three forms: the definitions are our
# paraphrase; the examples are the exhibit's, exactly. Build, run and risk are
# the workbook's reading of what each form implies.
FORM_INFO: dict[str, Form] = {
    "pool": Form(
        key="pool",
        label="Pool",
        tie="members are bound tightly to a common activity, goal or set of values and only loosely to each other",
        key_to_affiliation="what members do, pursue or believe in together",
        examples=("Apple enthusiasts", "Republicans or Democrats", "Ironman triathletes"),
        build=(
            "Say plainly what members do, aim for or believe in together, and give them frequent "
            "chances to act on them; the brand serves the cause rather than being it."
        ),
        run=(
            "Keep the purpose fresh with events, challenges and symbols members can show; "
            "add ways for members to meet so loose ties can grow into personal ones."
        ),
        risk=(
            "Members are held by the cause, not by each other, so they drift away when the "
            "purpose loses its pull or the brand seems to exploit it."
        ),
    ),
    "web": Form(
        key="web",
        label="Web",
        tie="members form close person-to-person bonds with others whose needs match or complement their own",
        key_to_affiliation="the personal relationships between members",
        examples=("Facebook", "Cancer Survivors Network", "Hash House Harriers"),
        build=(
            "Help members find the people they need: matching, mentoring, local chapters "
            "and simple tools for one-to-one contact."
        ),
        run=(
            "Act as host rather than owner: tend the spaces where members meet, protect "
            "their trust, and step in lightly."
        ),
        risk=(
            "The ties run between members, not through the brand, so the brand has little "
            "control and the relationships can carry on without it."
        ),
    ),
    "hub": Form(
        key="hub",
        label="Hub",
        tie="members are bound tightly to a central figure and more weakly to one another",
        key_to_affiliation="a charismatic central figure",
        examples=("Deepak Chopra", "Hannah Montana", "Oprah"),
        build=(
            "Give the central figure regular, direct ways to reach members, and bring "
            "followers together so they also know each other."
        ),
        run=(
            "Plan for continuity: spread the figure's ideas into rituals and content that "
            "can outlast appearances, and grow member-to-member ties."
        ),
        risk=(
            "Everything hangs on one figure: if that person leaves, fades or falls from "
            "favor, the community can scatter."
        ),
    ),
}

# The seed examples per form, as named data for the teaching part.
SEED_EXAMPLES: dict[str, tuple[str, ...]] = {k: f.examples for k, f in FORM_INFO.items()}


@dataclass(frozen=True)
class Statement:
    """One questionnaire statement (our own wording)."""

    id: str
    form: str
    text: str


# The questionnaire: four statements per form, answered 1 to 5 (ours).
STATEMENTS: tuple[Statement, ...] = (
    Statement("pool_1", "pool", "Members join mainly for something they all do, pursue or believe in."),
    Statement("pool_2", "pool", "Most members would stay even if they knew no other member personally."),
    Statement("pool_3", "pool", "Conversations are more about the shared activity or cause than about each other."),
    Statement("pool_4", "pool", "Being a member shows values that members are proud to display."),
    Statement("web_1", "web", "Members have close personal relationships with particular other members."),
    Statement("web_2", "web", "Members look for others with needs like or fitting theirs and help them directly."),
    Statement("web_3", "web", "Much of the activity happens between pairs or small groups of members."),
    Statement("web_4", "web", "Losing touch with a few specific members would make many members less likely to stay."),
    Statement("hub_1", "hub", "One person or figure is the main reason most members joined."),
    Statement("hub_2", "hub", "Members follow what the central figure says and does more closely than what other members do."),
    Statement("hub_3", "hub", "If the central figure stepped away, many members would drift off."),
    Statement("hub_4", "hub", "Members connect with each other mostly through their shared regard for the figure."),
)
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
