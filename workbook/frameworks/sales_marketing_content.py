"""The source text of the Sales and Marketing diagnostic (pure data, no logic).

Holds the constants and wording that :mod:`workbook.frameworks.sales_marketing`
uses and re-exports: the answer scale and score bands, the 20 statements and
their short topics, the relationship-type descriptions, the article's
when-to-change tables (``STAY_IF``, ``TIGHTEN_IF``, ``CONDITIONS``), the
step-up advice, the integration checklist, the product-team roles,
``FROM_SOURCE`` and the workbook's own rules (``WORKBOOK_RULES``).

Source: Kotler, Rackham and Krishnaswamy, "Ending the War Between Sales and
Marketing", Harvard Business Review, July-August 2006; see the main module.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..methods import WorkbookRule

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

#: A few words naming each statement, for summaries read without the list (same order).
STATEMENT_TOPICS: tuple[str, ...] = (
    "forecast accuracy", "no blame when results disappoint", "marketers meeting key customers",
    "Sales helping write the marketing plan", "usefulness of Marketing's material", "Sales giving feedback willingly",
    "a shared vocabulary", "leaders discussing early-stage questions", "describing how each segment buys",
    "little time spent on disputes", "planning together two years ahead", "shared success metrics",
    "Marketing in key-account strategy", "jointly built funnels and pipelines", "Marketing analysing funnel data",
    "succeeding or failing together", "one C-level executive over both", "people moving between the functions",
    "joint training and events", "presenting each other's plans",
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
