"""The source text of the path-to-growth room (pure data, no logic).

Holds what :mod:`workbook.frameworks.growth_stages` uses and re-exports: the
revenue thresholds between the five stages, the three dimensions and their
labels, the nine alignment statements (``QUESTIONS``), the answer scale, the
alignment bands, ``FROM_SOURCE``, the workbook's own rules
(``WORKBOOK_RULES``) and the five :class:`Stage` descriptions (``STAGES``).

Source: "The Path to Growth: Five Stages of Position-Product-People
Alignment" (seed ``001_*``); see the main module.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from workbook.methods import WorkbookRule

# Revenue thresholds in US dollars between the five stages (seed 001_*, table
# "Typical Revenue Range": <$1M, $1M-$5M, $5M-$10M, $10M-$50M, >$50M).
DISCOVERY_FROM_USD = 1_000_000
MAP_MAKING_FROM_USD = 5_000_000
NAVIGATION_FROM_USD = 10_000_000
ACCELERATION_ABOVE_USD = 50_000_000

# The three things to align (seed 001_*: position = what the market needs and
# wants, product = product and capabilities, people = how they carry out the
# company's processes).
DIMENSIONS = ("position", "product", "people")
DIMENSION_LABELS = {
    "position": "Position (the market's needs)",
    "product": "Product (and capabilities)",
    "people": "People (and how they run the processes)",
}

# Our own self-assessment questions, answered 1 (strongly disagree) to 5
# (strongly agree). They restate the article's description of alignment.
QUESTIONS: dict[str, tuple[str, ...]] = {
    "position": (
        "We can name the one segment we serve first and the needs that set it apart.",
        "Customers in that segment say we meet their needs differently from the alternatives.",
        "We knowingly turn down customers who sit outside our chosen position.",
    ),
    "product": (
        "Our product keeps up with the needs of the customers we have chosen.",
        "We deliver what we promise without building something special for each customer.",
        "Our product plans follow what the chosen segment needs, not what the loudest customer asks for.",
    ),
    "people": (
        "Everyone can say which customers and which needs we are here to serve.",
        "Selling, delivery and service follow the same steps for every customer.",
        "We hire and train for the position we have chosen.",
    ),
}
ANSWER_MIN, ANSWER_MAX = 1, 5
ANSWER_ALLOWED = f"a whole number from {ANSWER_MIN} (strongly disagree) to {ANSWER_MAX} (strongly agree)"

# Alignment bands on the weakest dimension's mean answer (our scale): at least
# 4.0 aligned, at least 3.0 partly aligned, below 3.0 misaligned.
ALIGNED_FROM = 4.0
PARTLY_ALIGNED_FROM = 3.0

#: What the room takes from the article (shown in a report's methods part).
FROM_SOURCE: tuple[str, ...] = (
    "a business grows when its product and its people are lined up behind its position (what the chosen market "
    "needs and wants)",
    "the five stages and their typical revenue: Suspicion under $1M, Discovery $1M-$5M, Map-Making $5M-$10M, "
    "Navigation $10M-$50M, Acceleration over $50M",
    "what each stage looks like and, for Discovery to Acceleration, its most common cause of failure",
)


WORKBOOK_RULES: tuple[WorkbookRule, ...] = (
    WorkbookRule("questions", "Alignment questions", "nine statements of ours, three each for position, product "
                 "and people, answered 1 (strongly disagree) to 5 (strongly agree)",
                 "The article describes alignment but gives no way to measure it."),
    WorkbookRule("bands", "Alignment bands", f"on the weakest dimension's mean: aligned from {ALIGNED_FROM:.1f}, "
                 f"partly aligned from {PARTLY_ALIGNED_FROM:.1f}, misaligned below",
                 "Alignment is only as strong as its weakest part; 4 is 'agree' and 3 'neither' on the scale."),
    WorkbookRule("boundaries", "Stage boundaries", "exactly $1M, $5M or $10M opens the higher stage; exactly $50M "
                 "is still Navigation", "The article gives ranges that touch; it puts Acceleration above $50M."),
    WorkbookRule("ties", "Weakest link when scores tie", "the dimension the stage's typical failure is about, "
                 "otherwise position, then product, then people",
                 "Where scores tie, the stage's known failure is the likelier cause."),
    WorkbookRule("suspicion", "Suspicion stage", "no risk is assumed: the article names no typical failure for "
                 "it, so the status follows the alignment band alone",
                 "Naming a risk the source does not give would present the workbook's guess as the article's."),
    WorkbookRule("status", "Status colour", "green when aligned; red when misaligned, or when a partly aligned "
                 "weakest link is the stage's typical cause of failure; amber otherwise",
                 "A weak link where companies at this stage usually fail calls for action first."),
)


@dataclass(frozen=True)
class Stage:
    """One stage of the path to growth.

    Attributes
    ----------
    name : str
        The article's name for the stage.
    low_usd, high_usd : float
        Typical revenue range; ``high_usd`` is ``inf`` for Acceleration.
    description : str
        What the stage looks like, in our words.
    failure_cause : str
        The typical way companies fail at this stage, as the article gives it, in our words.
    advice : str
        What to do about it, in our words.
    risk_dimensions : tuple of str
        The dimensions the failure cause is about (used to break ties).
    next_step : str
        What moving to the next stage takes.
    failure_in_source : bool
        False where the article names no typical failure (Suspicion); the
        ``failure_cause`` text then says so.
    """

    name: str
    low_usd: float
    high_usd: float
    description: str
    failure_cause: str
    advice: str
    risk_dimensions: tuple[str, ...]
    next_step: str
    failure_in_source: bool = True

    @property
    def range_label(self) -> str:
        """The revenue range as the article gives it, e.g. ``"$1M to $5M"``."""
        if self.low_usd == 0:
            return f"under ${self.high_usd / 1e6:g}M"
        if math.isinf(self.high_usd):
            return f"over ${self.low_usd / 1e6:g}M"
        return f"${self.low_usd / 1e6:g}M to ${self.high_usd / 1e6:g}M"


# The five stages (seed 001_*); every text is our paraphrase of the article.
STAGES: tuple[Stage, ...] = (
    Stage(
        name="Suspicion",
        low_usd=0,
        high_usd=DISCOVERY_FROM_USD,
        description=(
            "The business rests on a founder's hunch that a few potential customers need "
            "something like the planned product, and that she can meet that need in a new "
            "way. Nobody yet knows whether more than a handful of buyers exist; the new "
            "product is still looking for the needs it should serve."
        ),
        failure_cause=(
            "The article names no typical failure for this stage. Its warning is that "
            "the market is uncharted: any route to growth is only a hunch until more "
            "customers confirm the need."
        ),
        advice=(
            "Treat the founding idea as a hypothesis: put the product in front of more "
            "potential customers and learn which needs it really meets."
        ),
        # The article names no risk for Suspicion, so none is assumed here.
        risk_dimensions=(),
        next_step=(
            "Win paying customers beyond the first few and learn the range of needs the "
            "product meets for them."
        ),
        failure_in_source=False,
    ),
    Stage(
        name="Discovery",
        low_usd=DISCOVERY_FROM_USD,
        high_usd=MAP_MAKING_FROM_USD,
        description=(
            "Sales are coming in and the product turns out to meet more kinds of needs for "
            "more kinds of customers than expected. Customers differ a lot from one to the "
            "next, and the company tries to serve whoever arrives, so position, product and "
            "people are hardly aligned yet."
        ),
        failure_cause=(
            "The product does not grow fast enough to cover the varied needs customers "
            "bring, so the company fails to deliver what it promised."
        ),
        advice=(
            "Keep the product growing with the needs customers actually bring, promise only "
            "what can be delivered, and start noting which kinds of customers suit the "
            "company best."
        ),
        risk_dimensions=("product",),
        next_step=(
            "Spot what the customers so far have in common: the first signs of segments "
            "and niches."
        ),
    ),
    Stage(
        name="Map-Making",
        low_usd=MAP_MAKING_FROM_USD,
        high_usd=NAVIGATION_FROM_USD,
        description=(
            "The company has become better at finding customers and at meeting their needs, "
            "and shared patterns start to show among them. These patterns are the segments "
            "and niches of its market; alignment now becomes decisive."
        ),
        failure_cause=(
            "Either the company misses the segments that are forming, which makes focus "
            "hard, or it stops building product for those segments as they firm up, and "
            "again breaks its promises."
        ),
        advice=(
            "Map the segments: find where the company wins, learn that segment's needs and "
            "how to meet them differently from what came before, and keep building product "
            "for it."
        ),
        risk_dimensions=("position", "product"),
        next_step=(
            "Pick the one segment and set of needs to focus on first, and say how the "
            "company meets them differently."
        ),
    ),
    Stage(
        name="Navigation",
        low_usd=NAVIGATION_FROM_USD,
        high_usd=ACCELERATION_ABOVE_USD,
        description=(
            "The company has won in at least one segment and now has to pick a single segment "
            "to concentrate on before taking the next. The article's point is that exceptional growth comes from thinking "
            "smaller: one position, meaning one set of needs in one segment met in a "
            "distinct way, which lets the company repeat its success. Repeatability is what "
            "makes scale possible."
        ),
        failure_cause=(
            "The product and the team never get behind the position the company picked, "
            "that is, what its target segment's customers need: in short, the company "
            "loses focus."
        ),
        advice=(
            "Think smaller: commit to one position, then build the product, train the "
            "people and set up the processes around it so that each success can be "
            "repeated."
        ),
        risk_dimensions=("product", "people"),
        next_step=(
            "Make the win repeatable: the same product, people and processes succeed with "
            "customer after customer in the chosen segment."
        ),
    ),
    Stage(
        name="Acceleration",
        low_usd=ACCELERATION_ABOVE_USD,
        high_usd=math.inf,
        description=(
            "Once product and people serve the chosen position, customers arrive in growing "
            "numbers and each one takes less effort to win. The repeatable approach lets the "
            "company scale operations precisely and then take on further segments the same "
            "way, which adds another layer of growth."
        ),
        failure_cause=(
            "People and processes are not aligned to delivering what the chosen segments "
            "need, so the company trips up in execution and cannot scale."
        ),
        advice=(
            "Align people and processes to delivering the chosen segments' needs, then "
            "define the next segment and pursue it the way the first one was won."
        ),
        risk_dimensions=("people",),
        next_step=(
            "This is the last stage: keep adding segments, each in its turn, and repeat "
            "the approach that worked."
        ),
    ),
)
STAGE_NAMES = tuple(s.name for s in STAGES)
