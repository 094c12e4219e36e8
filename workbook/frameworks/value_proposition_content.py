"""The source text of the value-proposition room (pure data, no logic).

Holds what :mod:`workbook.frameworks.value_proposition` uses and re-exports:
the room's name, title and citation, the views and kinds of an element and
their labels, the resonating-focus limits, the workbook's input limits, the
three :class:`PropositionType` descriptions (``PROPOSITION_TYPES``),
``FROM_SOURCE`` and the workbook's own rules (``WORKBOOK_RULES``).

Source: Anderson, Narus and van Rossum, "Customer Value Propositions in
Business Markets", Harvard Business Review, March 2006; see the main module.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from workbook.methods import WorkbookRule

NAME = "value_proposition"
TITLE = "Customer value propositions"
#: The source, as printed under every page (the room's one citation; also ``SPEC.citation``).
SOURCE = ('James C. Anderson, James A. Narus and Wouter van Rossum, "Customer Value Propositions in '
          'Business Markets", Harvard Business Review, March 2006')
SCHEMA_VERSION = 1

# The views an element can have against the next best alternative (the article's
# terms: point of parity, point of difference favorable or unfavorable).
VIEWS = ("parity", "favorable", "unfavorable")
# The customer's view may not be known yet; then the supplier's view stands in.
CUSTOMER_VIEWS = VIEWS + ("unknown",)
# The kinds an element ends up as; "contention" when the two views disagree
# (the article's point of contention).
KINDS = ("favorable", "unfavorable", "parity", "contention")
KIND_LABELS = {
    "favorable": "favorable point of difference",
    "unfavorable": "unfavorable point of difference",
    "parity": "point of parity",
    "contention": "point of contention",
}

# A resonating focus holds "one or two" points of difference, perhaps with one
# point of parity (Anderson, Narus and van Rossum 2006, exhibit on the three kinds).
FOCUS_MAX_DIFFERENCES = 2
FOCUS_MAX_PARITY = 1

NUMBER_ALLOWED = "a number of 0 or more, or nothing while the figure is unknown"

# Workbook limits (ours, not the article's): keep a session's table readable.
MAX_ELEMENTS = 40
MAX_NAME_CHARS = 80

PitchKind = Literal["all_benefits", "favorable_points_of_difference", "resonating_focus"]
PITCH_KINDS: tuple[str, ...] = ("all_benefits", "favorable_points_of_difference", "resonating_focus")


@dataclass(frozen=True)
class PropositionType:
    """One column of the article's table of the three kinds of value proposition.

    Every text is our paraphrase of the exhibit; the pitfall names are the article's.
    """

    key: str
    label: str
    consists_of: str
    customer_question: str
    requires: str
    pitfall: str
    pitfall_meaning: str
    advice: str


# Anderson, Narus and van Rossum (2006), exhibit "Which alternative conveys value
# to customers?", in our own words.
PROPOSITION_TYPES: dict[str, PropositionType] = {
    "all_benefits": PropositionType(
        key="all_benefits",
        label="All benefits",
        consists_of="every benefit the customer gets from the offering",
        customer_question="Why should our company buy this offering at all?",
        requires="knowing your own offering",
        pitfall="benefit assertion",
        pitfall_meaning=(
            "claiming benefits that may be no better than, or even worse than, "
            "what the next best alternative already gives"
        ),
        advice=(
            "Set each benefit beside the customer's next best alternative, drop the "
            "points of parity from the pitch and lead with the differences worth most."
        ),
    ),
    "favorable_points_of_difference": PropositionType(
        key="favorable_points_of_difference",
        label="Favorable points of difference",
        consists_of="every way the offering beats the customer's next best alternative",
        customer_question="Why should our company buy this offering rather than the competitor's?",
        requires="knowing your own offering and the next best alternative",
        pitfall="value presumption",
        pitfall_meaning=(
            "taking for granted that every favorable difference matters to the "
            "customer, when several may be worth little to them"
        ),
        advice=(
            "Put a money value on each favorable difference from the customer's own "
            "numbers and narrow the pitch to the one or two worth most."
        ),
    ),
    "resonating_focus": PropositionType(
        key="resonating_focus",
        label="Resonating focus",
        consists_of=(
            "a single point of difference or a pair of them, sometimes joined by a point of "
            "parity, that the customer would gain most from seeing improved in the years ahead"
        ),
        customer_question="What is the single most valuable thing for our company to remember about this offering?",
        requires=(
            "knowing how your offering gives the customer more value than the next "
            "best alternative does"
        ),
        pitfall="requires customer value research",
        pitfall_meaning=(
            "the focus is only as good as the research behind it: the values must "
            "come from studying the customer's business, not from the supplier's hopes"
        ),
        advice=(
            "Keep the value word equations current with customer data and back the "
            "focus with documented value the customer can check."
        ),
    ),
}


#: What the room takes from the article (shown in a report's methods part).
FROM_SOURCE: tuple[str, ...] = (
    "the three kinds of value proposition, the customer question each answers, what each requires and its pitfall "
    "(benefit assertion, value presumption, the need for customer value research)",
    "comparing each element with the next best alternative: points of parity, favorable and unfavorable "
    "differences, points of contention",
    "value word equations that put a money value on a difference",
    "the resonating focus: the one or two differences, sometimes with a point of parity, that would give the "
    "customer most value if improved, looking as far ahead as can be foreseen",
)


WORKBOOK_RULES: tuple[WorkbookRule, ...] = (
    WorkbookRule("unknown_view", "Customer's view not known", "the supplier's view stands in until the customer's "
                 "is recorded, and a warning names the element",
                 "The comparison can start before customer research is done, without hiding that it is unconfirmed."),
    WorkbookRule("contention_value", "Points of contention in the totals", "left out of the net value until the two "
                 "views agree", "A value the customer disputes cannot be counted as theirs."),
    WorkbookRule("focus_stand_in", "Focus before improvement values are recorded", "the one or two favorable "
                 "differences worth most today stand in, with a warning",
                 "Today's value is the best available guide until the customer's view of future improvement is "
                 "researched; the article's test replaces it as soon as one value is recorded."),
    WorkbookRule("focus_parity", "Point of parity in the focus", "the first point of parity marked essential",
                 "The article allows perhaps one; the consultant's order decides which."),
    WorkbookRule("status", "Status colour", "red when no favorable difference has a value or the net is not "
                 "positive; green only for a resonating-focus pitch with no warning; amber otherwise",
                 "Red means there is no case to pitch yet; green needs the focus and the research behind it."),
)
