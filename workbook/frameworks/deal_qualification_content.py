"""Content of the deal-qualification room: conditions, allowed values, thresholds and rules.

Pure data, no logic. :mod:`workbook.frameworks.deal_qualification` imports
every name back, so the room's names stay importable from there. What this
module holds:

* the three conditions, what each means and what to check when it is missing;
* the pipeline table's columns, header aliases and the allowed values of its cells;
* the workbook's thresholds for the forecast gap and for reading statement 1;
* ``FROM_SOURCE`` and ``WORKBOOK_RULES`` (what a report's methods part shows)
  and the rule that ranks the deals to work on first.
"""
from __future__ import annotations

from workbook.methods import WorkbookRule
from ..formatting import percent

# The three conditions a purchaser must meet (seed 002_*); the explanations
# are our working definitions.
CRITERIA = ("ready", "willing", "able")
CRITERION_MEANING = {
    "ready": "the buyer needs it now, with an urgent problem and a decision due in the forecast month",
    "willing": "the buyer wants to buy, with the people who decide keen to go ahead and next steps agreed",
    "able": "the buyer can buy, with the budget in place and a signer who has the authority",
}

# What to establish when a condition is missing (our wording, one short action each).
CRITERION_CHECK = {
    "ready": "confirm the need is pressing and the decision falls in the forecast month",
    "willing": "confirm the people who decide want to make the purchase and have agreed next steps",
    "able": "confirm the budget is there and the person signing has the authority",
}

# Pipeline table: required and optional columns, and accepted header spellings.
REQUIRED_COLUMNS = ("deal", "account", "amount", "close_month", "probability", "ready", "willing", "able")
OPTIONAL_COLUMNS = ("ready_evidence", "willing_evidence", "able_evidence", "owner")
COLUMN_ALIASES = {
    "deal_name": "deal", "opportunity": "deal", "customer": "account", "amount_usd": "amount",
    "value": "amount", "expected_close_month": "close_month", "close": "close_month",
    "close_date": "close_month", "stage_probability": "probability", "probability_%": "probability",
}
_TRUE = {"yes", "y", "true", "t", "1", "x", "met"}
_FALSE = {"no", "n", "false", "f", "0", "", "not met", "nan", "none"}
YES_NO_ALLOWED = "yes or no (also y/n, true/false, 1/0; blank counts as no)"
MONTH_ALLOWED = ("a month written YYYY-MM, e.g. 2025-03 (or a date in that month), from 1900 to at most a year "
                 "from today")
PROBABILITY_ALLOWED = "a fraction from 0 to 1 (0.6) or a percentage with % (60%)"
AMOUNT_ALLOWED = "a number of dollars, zero or more (e.g. 48000), at most 1e15"

# Gap between raw and qualified forecast, as a share of the raw forecast: our
# thresholds for the status (below 15% green, below 35% amber, else red).
GAP_GREEN_BELOW = 0.15
GAP_AMBER_BELOW = 0.35

# Statement 1 of the sales-marketing diagnostic ("sales land close to the
# forecast", answered 1-5): a mean of 3.5 or more leans to agree, 2.5 or less
# leans to disagree (our reading of the 1-5 scale).
STATEMENT1_AGREE_FROM = 3.5
STATEMENT1_DISAGREE_TO = 2.5

STATEMENT1_ALLOWED = "a mean answer from 1 to 5 (e.g. 3.4), or blank when not known"

#: What the room takes from the post (shown in a report's methods part).
FROM_SOURCE: tuple[str, ...] = (
    "a forecast sale closes only when the purchaser is ready, willing and able; when a forecast deal does not "
    "close, usually at least one of the three was missing",
    "forecast accuracy as statement 1 of the sales-marketing diagnostic (Kotler, Rackham and Krishnaswamy, 2006)",
)

WORKBOOK_RULES: tuple[WorkbookRule, ...] = (
    WorkbookRule("definitions", "What ready, willing and able mean",
                 "ready: the need is pressing and the decision falls in the forecast month; willing: the people who "
                 "decide want to buy and have agreed next steps; able: the budget is there and the signer has the "
                 "authority", "The post names the three conditions without defining them; each needs a test a "
                 "salesperson can answer with evidence."),
    WorkbookRule("gap", "Status from the forecast gap",
                 f"green below {percent(GAP_GREEN_BELOW)} of the weighted forecast resting on unqualified buyers, amber "
                 f"below {percent(GAP_AMBER_BELOW)}, red from there",
                 "Under a seventh of the forecast is within the usual slack of a monthly forecast; over a third "
                 "means the forecast cannot be planned on."),
    WorkbookRule("statement_one", "Reading statement 1", f"a mean answer of {STATEMENT1_AGREE_FROM} or more leans to "
                 f"agree, {STATEMENT1_DISAGREE_TO} or less leans to disagree, in between is divided",
                 "Half a point either side of the scale's middle (3) separates a lean from an undecided team."),
    WorkbookRule("priority", "Which deals to work on first", "weighted amount divided by the number of conditions "
                 "still missing; ties to the earlier close month",
                 "A large, likely deal one condition short repays the effort soonest."),
)
PRIORITY_COUNT_ALLOWED = "a whole number of deals from 1 to 50"

PRIORITY_RULE = (
    "Deals not yet qualified are ranked by their weighted amount (amount times stage "
    "probability) divided by the number of conditions still missing: a large, likely deal "
    "that lacks only one condition comes first. Ties go to the earlier close month."
)
