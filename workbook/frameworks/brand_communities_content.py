"""Content of the brand-communities room: the three forms, the questionnaire and the rules.

Pure data, no logic. :mod:`workbook.frameworks.brand_communities` imports every
name back, so the room's names stay importable from there. What this module
holds:

* the forms (pool, web, hub), the answer scale and the workbook's score bands;
* ``FROM_SOURCE`` and ``WORKBOOK_RULES`` (what a report's methods part shows);
* each form's definition and examples from the article and the workbook's
  guidance on building, running and risk (:class:`Form`, ``FORM_INFO``);
* the twelve questionnaire statements (:class:`Statement`, ``STATEMENTS``).
"""
from __future__ import annotations

from dataclasses import dataclass

from workbook.methods import WorkbookRule

FORMS = ("pool", "web", "hub")

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
