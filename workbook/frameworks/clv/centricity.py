"""The customer-centricity audit: questions, scoring and stages (pure logic).

Source: Roland T. Rust, Christine Moorman and Gaurav Bhalla, "Rethinking
Marketing", Harvard Business Review, January-February 2010: customer metrics,
the next best product, customer managers rather than product managers, a chief
customer officer, T-shaped people, research, information flow, customer input
to R&D and service. The questions and stages are in our own words.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...errors import InvalidInput, Problem

# -- constants from the source (Rust, Moorman and Bhalla, HBR 2010) --------------

CCO_COUNT_2003 = 30    # chief customer officers: about 30 in 2003 ...
CCO_COUNT_2010 = 300   # ... and about 300 by the time of the article (2010)

AUDIT_ALLOWED = "a whole number 0 (not at all) to 4 (fully), or null when not answered"

AUDIT_MIN, AUDIT_MAX = 0, 4
AUDIT_SCALE = {0: "Not at all", 1: "A little", 2: "Partly", 3: "Mostly", 4: "Fully"}


@dataclass(frozen=True)
class AuditQuestion:
    """One statement of the audit, the topic it probes and what to do when it scores low."""

    id: str
    topic: str
    text: str
    advice: str


#: The audit, in our own words, from the themes of Rust, Moorman and Bhalla (HBR 2010).
AUDIT: tuple[AuditQuestion, ...] = (
    AuditQuestion("metrics", "Customer metrics",
                  "Management looks at customer lifetime value, customer equity and customer profitability as "
                  "regularly as it looks at sales and brand results.",
                  "Start reporting lifetime value and customer equity next to sales, and set targets on them."),
    AuditQuestion("next_product", "Next best product",
                  "Offers to each customer are chosen from what we know about that customer, such as what similar "
                  "customers bought next, rather than from the product we want to push this quarter.",
                  "Use purchase sequences to pick each customer's next best product, as American Express does."),
    AuditQuestion("customer_managers", "Customer managers",
                  "Managers are responsible for customer segments and their relationships, not only for products "
                  "and brands.",
                  "Give named managers responsibility for the value of customer segments, with product managers "
                  "serving them."),
    AuditQuestion("cco", "Chief customer officer",
                  "One senior executive, such as a chief customer officer, answers for customer relationships "
                  "across all products and channels.",
                  f"Consider a chief customer officer: about {CCO_COUNT_2003} companies had one in 2003 and about "
                  f"{CCO_COUNT_2010} by 2010."),
    AuditQuestion("t_shaped", "T-shaped people",
                  "We hire and grow people who know one customer segment in depth, understand the firm and its "
                  "products broadly, and use analytics to read customer behaviour.",
                  "Build T-shaped people: deep in one segment, broad across the firm, and at ease with data."),
    AuditQuestion("research", "Research scope",
                  "Customer research is used beyond marketing (finance included), looks at individual customers "
                  "rather than only averages, and is aimed at improving customer metrics.",
                  "Widen research to individual customers and to all functions, and point it at moving the "
                  "customer metrics."),
    AuditQuestion("structure", "Information flow",
                  "Customer information moves freely between departments; no unit keeps what it learns about "
                  "customers to itself.",
                  "Remove the structures that stop customer information from reaching the people who serve them."),
    AuditQuestion("product_development", "Customer input to R&D",
                  "What customers say about features and value reaches product development quickly, so new "
                  "offerings sell and avoid overloading customers with features.",
                  "Link marketing and R&D so that what customers say about features and value shapes new "
                  "offerings and spares them feature fatigue. Nokia, which had to bring out scores of new "
                  "offerings a year, was famed for turning such customer input into hit products."),
    AuditQuestion("service", "Service",
                  "Service is run to strengthen relationships: callers are recognized by segment and routed to "
                  "specialists, and savings that would damage relationships are refused.",
                  "Treat service as part of the relationship: route customers by segment to specialists, and "
                  "weigh cost savings against relationship damage (Delta judged the savings of outsourcing its "
                  "service not worth the harm to its customer relationships)."),
)
AUDIT_IDS: tuple[str, ...] = tuple(q.id for q in AUDIT)
AUDIT_MIN_ANSWERED = 5

#: What the room takes from the article (shown in a report's methods part).
FROM_SOURCE: tuple[str, ...] = (
    "customer lifetime value, customer equity and customer profitability as the metrics of a customer-centric firm",
    "the next best product, with the American Express example",
    "customer managers instead of product managers; chief customer officers (about 30 in 2003, about 300 by 2010)",
    "the themes of the audit: T-shaped people, research, information flow, customer input to R&D, service",
)

# The workbook's own rules (the article names no stages and no scale).
from ...methods import WorkbookRule  # noqa: E402 - kept beside the rules it serves

WORKBOOK_RULES: tuple[WorkbookRule, ...] = (
    WorkbookRule("audit", "Customer-centricity audit", "ten statements of ours on the article's themes, each "
                 "answered 0 (not at all) to 4 (fully); at least 5 answered",
                 "The article describes a customer-centric firm but gives no questionnaire to measure one."),
    WorkbookRule("stages", "Customer-centricity stages", "Pushing products below 25% of the maximum score, First "
                 "steps from 25%, Building the customer view from 50%, Cultivating customers from 75%",
                 "Even quarters of the scale, so a move of one stage means a quarter of the way from pushing "
                 "products to cultivating customers."),
    WorkbookRule("weak_answer", "Questions that get advice", "those answered 0 or 1",
                 "An answer of 'not at all' or 'a little' marks the gap worth closing first."),
)

#: Stages of customer-centricity (workbook names), by the audit score in percent of the maximum.
STAGES: tuple[tuple[float, str, str], ...] = (
    (0.0, "Pushing products",
     "The organisation sells products and measures brands; customers appear only as sales. Begin with the "
     "numbers: compute lifetime value and equity for the customer base and show management where value sits."),
    (25.0, "First steps",
     "Some customer thinking exists but structures still run on products. Put customer metrics in regular "
     "reviews and pilot a customer manager for the most valuable segment."),
    (50.0, "Building the customer view",
     "Customer metrics and roles exist in places. Make them the rule: organise around segments, give one "
     "executive responsibility for customer relationships, and tie offers to each customer's next best product."),
    (75.0, "Cultivating customers",
     "The organisation is built around customers. Keep it there: refresh the metrics, keep information flowing "
     "between units, and keep growing T-shaped people."),
)


@dataclass(frozen=True)
class AuditResult:
    """Outcome of the customer-centricity audit.

    Attributes
    ----------
    percent : float or None
        Score as a percentage of the maximum over the answered questions.
    stage : str or None
        None when fewer than ``AUDIT_MIN_ANSWERED`` questions are answered.
    advice : tuple of str
        The stage's advice first, then one line per question answered 0 or 1.
    """

    answered: int
    total: int
    percent: float | None
    stage: str | None
    stage_index: int | None
    advice: tuple[str, ...]
    weakest: tuple[str, ...]


def audit_stage(percent: float) -> tuple[int, str, str]:
    """(index, name, advice) of the stage for a score in percent."""
    if not 0 <= percent <= 100:
        raise InvalidInput.one("percent", percent, "0 to 100")
    idx = max(i for i, (low, _, _) in enumerate(STAGES) if percent >= low)
    return idx, STAGES[idx][1], STAGES[idx][2]


def audit(answers: dict[str, int | None]) -> AuditResult:
    """Score the customer-centricity audit.

    Parameters
    ----------
    answers : dict
        ``{question id: 0..4 or None}`` (ids in ``AUDIT_IDS``).

    Returns
    -------
    AuditResult
    """
    problems = [Problem(f"audit.{k}", v, f"one of the questions: {', '.join(AUDIT_IDS)}")
                for k, v in answers.items() if k not in AUDIT_IDS]
    problems += [Problem(f"audit.{k}", v, AUDIT_ALLOWED) for k, v in answers.items()
                 if k in AUDIT_IDS and v is not None and (isinstance(v, bool) or not isinstance(v, (int, np.integer))
                                                          or not AUDIT_MIN <= v <= AUDIT_MAX)]
    if problems:
        raise InvalidInput(problems, "customer-centricity audit")
    given = {k: int(v) for k, v in answers.items() if v is not None}
    total = sum(given.values())
    if len(given) < AUDIT_MIN_ANSWERED:
        return AuditResult(answered=len(given), total=total, percent=None, stage=None, stage_index=None,
                           advice=(f"Answer at least {AUDIT_MIN_ANSWERED} of the {len(AUDIT)} audit questions to "
                                   "place the organisation on the path.",), weakest=())
    percent = 100.0 * total / (AUDIT_MAX * len(given))
    idx, name, text = audit_stage(percent)
    weak = tuple(q.id for q in AUDIT if given.get(q.id, AUDIT_MAX) <= 1)
    advice = (text,) + tuple(q.advice for q in AUDIT if q.id in weak)
    return AuditResult(answered=len(given), total=total, percent=percent, stage=name, stage_index=idx,
                       advice=advice, weakest=weak)
