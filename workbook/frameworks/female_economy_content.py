"""Content of the female-economy room: the article's segments, exhibits and the workbook's rules.

Pure data, no logic. :mod:`workbook.frameworks.female_economy` imports every
name back, so the room's names stay importable from there. What this module
holds:

* the growth forecast and its note, the needs list and the fit thresholds;
* ``FROM_SOURCE`` and ``WORKBOOK_RULES`` (what a report's methods part shows);
* the six segments and four subsegments (:class:`Segment`, ``SEGMENTS``) and
  the note on their rounded shares;
* the financial-services exhibit (``FINANCIAL_SERVICES``) and the Curves example.
"""
from __future__ import annotations

from dataclasses import dataclass

from workbook.methods import WorkbookRule

# The article's exhibit "The world's largest opportunity" (seed 000_*): a growth forecast of
# US$5.9 trillion. It frames the size of the opportunity a client's own market is a part of.
GROWTH_FORECAST_USD = 5.9e12
GROWTH_FORECAST_NOTE = (
    "For scale: the article's exhibit \u201cThe world's largest opportunity\u201d forecasts growth of "
    "US$5.9 trillion; the sums below are the client's own part of it, sized from its market."
)

# Needs a segment can have. The list is our reading of the segment traits in
# the article's exhibit (seed 000_*); each need is tied to a trait below.
NEEDS: dict[str, str] = {
    "achievement": "recognition for achievement and a career that moves forward",
    "adventure_learning": "adventure, new experiences and learning",
    "autonomy": "independence and control over her own choices",
    "time_saving": "saving time while juggling family and work",
    "respect": "being addressed as an individual, not overlooked or stereotyped",
    "stability": "order and predictability in a chaotic week",
    "experiences": "experiences rather than more products",
    "quality": "quality worth paying more for",
    "connection": "ways to meet people and build new ties",
    "life_change": "support through divorce or the death of a spouse",
    "health_ageing": "health and growing older well",
    "leisure": "travel, exercise and leisure",
    "value_credit": "low prices, good value and access to credit",
    "small_luxuries": "small treats she can afford",
}

# Offer-to-need scores: 0 does not address it, 1 partly, 2 well, 3 strongly.
NEED_SCORE_MAX = 3
# Fit bands on a segment's best offer fit (share of the maximum score): our
# thresholds, documented so a consultant can explain them.
SERVED_FROM = 0.5
PARTLY_SERVED_FROM = 0.25

#: What the room takes from the article (shown in a report's methods part).
FROM_SOURCE: tuple[str, ...] = (
    "the six segments and four subsegments with their shares of population and of earned income "
    "(population shares add to 99% by rounding, kept as published)",
    "each segment's traits",
    "the growth forecast of US$5.9 trillion (exhibit \u201cThe world's largest opportunity\u201d)",
    "the financial-services map: unmet needs, potential US value, goals and life events to target",
    "the Curves example of a focused offer to an overlooked group",
)

WORKBOOK_RULES: tuple[WorkbookRule, ...] = (
    WorkbookRule("needs", "Needs per segment", "two or three needs read from each segment's traits (for example "
                 "time saving, respect and stability for the Pressure cooker)",
                 "The article lists traits, not needs; naming needs lets an offer be scored against them."),
    WorkbookRule("fit", "Offer fit", f"an offer's mean score (0 to {NEED_SCORE_MAX}) on a segment's needs, divided "
                 f"by {NEED_SCORE_MAX}", "A 0 to 1 scale reads the same for segments with two needs or three."),
    WorkbookRule("coverage", "Served, partly served, unserved",
                 f"a segment's best fit of {SERVED_FROM:.2f} or more is served, from {PARTLY_SERVED_FROM:.2f} "
                 "partly served, below that unserved",
                 "Half the maximum means the needs are met well on average; a quarter means met only in part."),
    WorkbookRule("status", "Status colour", "red when the segment with the most at stake is unserved, amber when "
                 "any segment with money at stake is not fully served, green otherwise",
                 "The largest opportunity going unserved is the gap the article warns about."),
)


@dataclass(frozen=True)
class Segment:
    """One segment (or subsegment) of women consumers.

    Attributes
    ----------
    key : str
        Identifier used in inputs, e.g. ``"fast_tracker"``.
    name : str
        The article's name.
    population_share, income_share : float
        Share of the female population and of women's earned income, as
        fractions (0.24 for 24%), exactly as published.
    traits : tuple of str
        What characterises the segment, in our words.
    needs : tuple of str
        Keys of :data:`NEEDS` we read from the traits (empty for subsegments).
    subsegments : tuple of Segment
    """

    key: str
    name: str
    population_share: float
    income_share: float
    traits: tuple[str, ...]
    needs: tuple[str, ...] = ()
    subsegments: tuple["Segment", ...] = ()

    @property
    def income_gap(self) -> float:
        """Income share minus population share (fraction; positive = earns more than its size)."""
        return round(self.income_share - self.population_share, 4)

    @property
    def income_index(self) -> float:
        """Income share divided by population share (1.0 = earns in proportion to its size)."""
        return round(self.income_share / self.population_share, 3)


# The six segments and four subsegments (seed 000_*, exhibit "Six key female
# consumer segments"); shares exact, traits paraphrased.
SEGMENTS: tuple[Segment, ...] = (
    Segment(
        "fast_tracker", "Fast-tracker", 0.24, 0.34,
        ("Among the best-paid and best-educated women", "Looks for adventure and new things to learn"),
        ("achievement", "adventure_learning", "autonomy"),
        (
            Segment("striving_for_achievement", "Striving for achievement", 0.15, 0.19,
                    ("Puts her career and being recognised for it first",)),
            Segment("independent_women", "Independent women", 0.09, 0.15,
                    ("Works longer hours than any other group", "Values her independence above all")),
        ),
    ),
    Segment(
        "pressure_cooker", "Pressure cooker", 0.22, 0.23,
        ("Married, with children", "Feels overlooked and reduced to a stereotype"),
        ("time_saving", "respect", "stability"),
        (
            Segment("successful_multitasker", "Successful multitasker", 0.10, 0.14,
                    ("Feels on top of her many roles",)),
            Segment("struggling_for_stability", "Struggling for stability", 0.12, 0.09,
                    ("Is forever fighting disorder",)),
        ),
    ),
    Segment(
        "relationship_focused", "Relationship focused", 0.16, 0.13,
        ("Satisfied and hopeful", "Not short of time", "Has plenty to spend after the essentials",
         "Spends on experiences more than on things"),
        ("experiences", "quality"),
    ),
    Segment(
        "managing_on_her_own", "Managing on her own", 0.10, 0.09,
        ("Single once more, after divorce or the death of her spouse",
         "Looks for ways to connect with other people"),
        ("connection", "life_change"),
    ),
    Segment(
        "fulfilled_empty_nester", "Fulfilled empty nester", 0.15, 0.16,
        ("Mostly passed over by marketers", "Cares about her health and about ageing well",
         "Spends her time on travel, exercise and leisure"),
        ("health_ageing", "leisure", "respect"),
    ),
    Segment(
        "making_ends_meet", "Making ends meet", 0.12, 0.05,
        ("Has nothing left over for beauty or exercise", "Most have no college degree",
         "Looks for credit, good value and small treats"),
        ("value_credit", "small_luxuries"),
    ),
)


ROUNDING_NOTE = (
    "The article's population shares add to 99% because each one is rounded; "
    "they are used exactly as published."
)


@dataclass(frozen=True)
class FinancialServiceArea:
    """One column of the article's financial-services exhibit (seed 000_*)."""

    area: str
    unmet_needs: tuple[str, ...]
    us_value: str
    us_value_usd: float
    goals: tuple[str, ...]
    inflection_points: tuple[str, ...]


# Seed 000_*, financial-services exhibit; figures exact, wording ours.
FINANCIAL_SERVICES: tuple[FinancialServiceArea, ...] = (
    FinancialServiceArea(
        "Investments & financial advice",
        ("Teaching about money and investing", "Advisers who know and plan around women's life events",
         "Being treated the same as men"),
        "about $2.1 trillion of wealth belonging to divorced or widowed women of high net worth",
        2.1e12,
        ("Win market share", "Grow the market"),
        ("Divorce", "Death of a spouse"),
    ),
    FinancialServiceArea(
        "Life insurance",
        ("Explaining why to insure the whole household, not only the main earner",
         "Equitable coverage for women and men who both work", "Putting a value on work done at home"),
        "about $2 trillion of additional coverage",
        2.0e12,
        ("Grow the market", "Create a new market"),
        ("Marriage", "Buying a first home", "Promotion", "First child"),
    ),
    FinancialServiceArea(
        "Payments",
        ("Rewards and payment plans designed around women",),
        "about $1.4 trillion of credit-card purchases",
        1.4e12,
        ("Win market share", "Grow the market"),
        ("First credit card", "Graduating from college", "First job"),
    ),
)

# The Curves example (seed 000_*), in our words, for teaching.
CURVES_EXAMPLE = (
    "The fitness chain Curves listened to what women worried about and grew fast. "
    "Its idea is plain: exercise for women only that is cheap and quick, in simple "
    "rooms that suit middle-aged women of ordinary build. Staff guide each member "
    "round a short 30-minute circuit, so nobody needs a personal trainer."
)
# Our own illustration of how Curves would score on the needs above, used in
# the lesson to show a narrow offer serving a segment others ignore.
CURVES_OFFER_NEEDS = {"health_ageing": 3, "leisure": 2, "time_saving": 2, "value_credit": 2, "respect": 2}
