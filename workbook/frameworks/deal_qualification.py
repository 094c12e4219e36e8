"""Deal qualification: ready, willing and able.

Source: the blog post "To close, a purchaser must be ready, willing and able"
(Cheap Marketing Shop blog; the date is not given in the source, which shows
only its teaser in seed ``002_*``). The post asks why
so many sales that were forecast never close, and answers that usually at
least one of three conditions was not met: the buyer was not ready, not
willing or not able to buy.

The tool checks each deal in a pipeline against the three conditions and sets
two forecasts side by side, month by month:

* the raw forecast: every deal's amount weighted by its stage probability;
* the qualified forecast: the same, counting only deals whose buyer is ready,
  willing and able.

The difference is the part of the forecast that rests on a buyer who is not
yet ready, willing and able. Forecast accuracy is also statement 1 of the
sales-marketing diagnostic (Kotler, Rackham and Krishnaswamy, HBR 2006);
:func:`read_with_statement_one` reads the two side by side.

What each condition means below is our working definition; the post names the
three conditions only.
"""
from __future__ import annotations

import datetime as dt
import logging
import math
import re
from dataclasses import dataclass
from typing import Any, Literal, Mapping

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from workbook.checks import MAX_ABS_NUMBER, evaluation_tables, latest_date
from workbook.errors import InvalidInput, Problem, validated
from ..spec import BrowserEdit, FrameworkSpec, PlanAction

log = logging.getLogger(__name__)

#: The source, as printed under every page (the room's one citation; also ``SPEC.citation``).
SOURCE = '"To close, a purchaser must be ready, willing and able" (Cheap Marketing Shop blog; date not given)'

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

from workbook.methods import WorkbookRule  # noqa: E402 - kept beside the rules it serves

WORKBOOK_RULES: tuple[WorkbookRule, ...] = (
    WorkbookRule("definitions", "What ready, willing and able mean",
                 "ready: the need is pressing and the decision falls in the forecast month; willing: the people who "
                 "decide want to buy and have agreed next steps; able: the budget is there and the signer has the "
                 "authority", "The post names the three conditions without defining them; each needs a test a "
                 "salesperson can answer with evidence."),
    WorkbookRule("gap", "Status from the forecast gap",
                 f"green below {GAP_GREEN_BELOW:.0%} of the weighted forecast resting on unqualified buyers, amber "
                 f"below {GAP_AMBER_BELOW:.0%}, red from there",
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


def _shown(value: Any) -> Any:
    """The cell as the user typed it: a blank cell is reported as ``""``, not ``nan``."""
    return "" if _is_blank(value) else value


def _norm_header(name: Any) -> str:
    key = re.sub(r"[\s\-]+", "_", str(name).strip().lower())
    return COLUMN_ALIASES.get(key, key)


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (
        isinstance(value, str) and not value.strip()
    )


def parse_yes_no(value: Any) -> bool | None:
    """Return True/False for a yes/no cell, or None when it cannot be read."""
    if isinstance(value, bool):
        return value
    if _is_blank(value):
        return False
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def parse_month(value: Any) -> str | None:
    """Return ``YYYY-MM`` for a month or date cell, or None when it cannot be read."""
    if isinstance(value, (dt.date, pd.Timestamp)):
        return f"{value.year:04d}-{value.month:02d}"
    if _is_blank(value):
        return None
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})[-/](\d{1,2})(?:[-/]\d{1,2})?(?:[ T].*)?", text)
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    latest = latest_date()
    if not 1 <= month <= 12 or not 1900 <= year <= latest.year or (year, month) > (latest.year, latest.month):
        return None
    return f"{year:04d}-{month:02d}"


def parse_probability(value: Any) -> float | None:
    """Return a probability 0-1 from ``0.6`` or ``"60%"``, or None when not allowed."""
    if isinstance(value, bool) or _is_blank(value):
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            number = float(text[:-1]) / 100 if text.endswith("%") else float(text)
        except ValueError:
            return None
    elif isinstance(value, (int, float)):
        number = float(value)
    else:
        return None
    if math.isnan(number) or not 0 <= number <= 1:
        return None
    return number


def parse_amount(value: Any) -> float | None:
    """Return a non-negative amount from ``48000`` or ``"$48,000"``, or None."""
    if isinstance(value, bool) or _is_blank(value):
        return None
    if isinstance(value, str):
        try:
            number = float(value.strip().replace("$", "").replace(",", ""))
        except ValueError:
            return None
    elif isinstance(value, (int, float)):
        number = float(value)
    else:
        return None
    if math.isnan(number) or math.isinf(number) or number < 0 or number > MAX_ABS_NUMBER:
        return None
    return number


def validate_pipeline(frame: pd.DataFrame) -> pd.DataFrame:
    """Check and clean a pipeline table.

    Parameters
    ----------
    frame : pandas.DataFrame
        As read from ``pipeline.csv`` or an imported ``.xlsx``; one row per
        deal with the columns in :data:`REQUIRED_COLUMNS` (headers are matched
        without regard to case, spaces or the aliases in :data:`COLUMN_ALIASES`).

    Returns
    -------
    pandas.DataFrame
        Columns: ``deal``, ``account``, ``owner``, ``amount`` (float),
        ``close_month`` (``YYYY-MM``), ``probability`` (0-1), ``ready``,
        ``willing``, ``able`` (bool) and the three ``*_evidence`` texts.

    Raises
    ------
    InvalidInput
        Listing every missing column, or else every bad cell, with its
        spreadsheet row (the header is row 1).
    """
    frame = frame.rename(columns=_norm_header)
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        found = ", ".join(map(str, frame.columns)) or "none"
        raise InvalidInput(
            [Problem(f"column {c}", "missing", f"a column named {c} (columns found: {found})") for c in missing],
            context="pipeline table",
        )
    problems: list[Problem] = []
    rows = []
    seen: dict[str, int] = {}
    for i, record in enumerate(frame.to_dict("records")):
        row = i + 2
        out: dict[str, Any] = {}
        deal = "" if _is_blank(record["deal"]) else str(record["deal"]).strip()
        if not deal:
            problems.append(Problem(f"row {row}, deal", _shown(record["deal"]), "a deal name or number"))
        elif deal in seen:
            problems.append(Problem(f"row {row}, deal", deal, f"a name not used before (row {seen[deal]} has it)"))
        else:
            seen[deal] = row
        out["deal"] = deal
        account = "" if _is_blank(record["account"]) else str(record["account"]).strip()
        if not account:
            problems.append(Problem(f"row {row}, account", _shown(record["account"]), "the buying organisation's name"))
        out["account"] = account
        owner = record.get("owner")
        out["owner"] = "" if _is_blank(owner) else str(owner).strip()
        for column, parser, allowed in (
            ("amount", parse_amount, AMOUNT_ALLOWED),
            ("close_month", parse_month, MONTH_ALLOWED),
            ("probability", parse_probability, PROBABILITY_ALLOWED),
        ):
            value = parser(record[column])
            if value is None:
                problems.append(Problem(f"row {row}, {column}", _shown(record[column]), allowed))
            out[column] = value
        for criterion in CRITERIA:
            value = parse_yes_no(record[criterion])
            if value is None:
                problems.append(Problem(f"row {row}, {criterion}", record[criterion], YES_NO_ALLOWED))
            out[criterion] = bool(value)
            evidence = record.get(f"{criterion}_evidence")
            out[f"{criterion}_evidence"] = "" if _is_blank(evidence) else str(evidence).strip()
        rows.append(out)
    if problems:
        raise InvalidInput(problems, context="pipeline table")
    columns = ["deal", "account", "owner", "amount", "close_month", "probability", *CRITERIA,
               *(f"{c}_evidence" for c in CRITERIA)]
    clean = pd.DataFrame(rows, columns=columns)
    clean["amount"] = clean["amount"].astype(float)
    clean["probability"] = clean["probability"].astype(float)
    for c in CRITERIA:
        clean[c] = clean[c].astype(bool)
    return clean


TABLES = {"pipeline": validate_pipeline}
#: Other frameworks whose saved inputs evaluate() reads (passed in ``tables`` under their name).
RELATED = ("sales_marketing",)


class Inputs(BaseModel):
    """Settings of the deal-qualification tool (the deals are the pipeline table).

    Attributes
    ----------
    schema_version : int
    as_of_month : str or None
        ``YYYY-MM``; deals due before it are flagged as slipped.
    statement1_mean : float or None
        The client's mean answer (1-5) to statement 1 of the sales-marketing
        diagnostic (actual sales usually come in close to the forecast), if known.
    statement1_source : {"diagnostic", "typed"}
        Whether that mean was taken from the client's saved Sales and
        Marketing diagnostic (see :func:`statement_one_from_diagnostic`) or
        typed in by the consultant.
    priority_count : int
        How many deals to list as the ones to work on first.
    """

    model_config = ConfigDict(extra="forbid")

    schema_version: int = 1
    as_of_month: str | None = None
    statement1_mean: float | None = None
    statement1_source: Literal["diagnostic", "typed"] = "typed"
    priority_count: int = Field(default=5, ge=1, le=50)

    @field_validator("statement1_mean", mode="before")
    @classmethod
    def _statement1(cls, value: Any) -> Any:
        if value is None:
            return None
        if (isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value)
                or not 1 <= value <= 5):
            raise PydanticCustomError("mean", "must be " + STATEMENT1_ALLOWED, {"allowed": STATEMENT1_ALLOWED})
        return value

    @field_validator("priority_count", mode="before")
    @classmethod
    def _count(cls, value: Any) -> Any:
        whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        if isinstance(value, bool) or not whole or not 1 <= value <= 50:
            raise PydanticCustomError("count", "must be " + PRIORITY_COUNT_ALLOWED,
                                      {"allowed": PRIORITY_COUNT_ALLOWED})
        return int(value)

    @field_validator("as_of_month", mode="before")
    @classmethod
    def _month(cls, value: Any) -> Any:
        if value is None or value == "":
            return None
        month = parse_month(value)
        if month is None:
            raise PydanticCustomError("month", "must be " + MONTH_ALLOWED, {"allowed": MONTH_ALLOWED})
        return month


def statement_one_from_diagnostic(diagnostic: Any) -> float | None:
    """Mean answer to statement 1 in a client's Sales and Marketing diagnostic.

    The same figure the Sales and Marketing room shows (the mean over the
    respondents who answered all twenty statements), rounded to two decimals.

    Parameters
    ----------
    diagnostic : workbook.frameworks.sales_marketing.Inputs or dict
        The client's saved diagnostic.

    Returns
    -------
    float or None
        None when no respondent has answered every statement yet.
    """
    from . import sales_marketing

    doc = validated(sales_marketing.Inputs, diagnostic, "sales_marketing inputs")
    assessment = sales_marketing.evaluate(doc).assessment
    if assessment is None:
        return None
    return round(float(assessment.by_statement.loc[0, "all"]), 2)


@dataclass(frozen=True)
class StatementOneReading:
    """Statement 1 of the sales-marketing diagnostic read beside the forecast gap.

    Attributes
    ----------
    status : str
        ``"consistent"``, ``"warning"``, ``"unexplained"``, ``"mixed"`` or ``"not available"``.
    text : str
        One or two plain sentences for the client.
    """

    statement1_mean: float | None
    gap_share: float | None
    status: str
    text: str


def read_with_statement_one(statement1_mean: float | None, gap_share: float | None) -> StatementOneReading:
    """Read the team's view of forecast accuracy beside the qualification gap.

    Parameters
    ----------
    statement1_mean : float or None
        Mean answer 1-5 to statement 1 of the sales-marketing diagnostic
        (whether actual sales usually come in close to the forecast).
    gap_share : float or None
        Share of the raw forecast resting on deals not ready, willing and able
        (0-1), e.g. ``Result.gap_share``.

    Returns
    -------
    StatementOneReading
    """
    if statement1_mean is not None and (
        isinstance(statement1_mean, bool) or not isinstance(statement1_mean, (int, float))
        or not 1 <= statement1_mean <= 5
    ):
        raise InvalidInput.one("statement1_mean", statement1_mean, STATEMENT1_ALLOWED)
    if gap_share is not None and (
        isinstance(gap_share, bool) or not isinstance(gap_share, (int, float)) or not 0 <= gap_share <= 1
    ):
        raise InvalidInput.one("gap_share", gap_share, "a fraction from 0 to 1, or None")
    if statement1_mean is None or gap_share is None:
        lacking = [n for n, v in (("the statement 1 answers", statement1_mean), ("a pipeline", gap_share)) if v is None]
        return StatementOneReading(statement1_mean, gap_share, "not available",
                                   "Cannot compare yet: " + " and ".join(lacking) + " missing.")
    gap_large = gap_share >= GAP_GREEN_BELOW
    gap_text = f"{gap_share:.0%} of the weighted forecast rests on deals whose buyer is not ready, willing and able"
    if statement1_mean >= STATEMENT1_AGREE_FROM:
        if gap_large:
            return StatementOneReading(statement1_mean, gap_share, "warning",
                f"The team believes sales land close to the forecast ({statement1_mean:.1f} of 5), yet "
                f"{gap_text}. Expect the next forecast to be missed unless those deals are qualified.")
        return StatementOneReading(statement1_mean, gap_share, "consistent",
            f"The team trusts the forecast ({statement1_mean:.1f} of 5) and the pipeline bears it out: "
            f"only {gap_share:.0%} of it lacks a qualified buyer.")
    if statement1_mean <= STATEMENT1_DISAGREE_TO:
        if gap_large:
            return StatementOneReading(statement1_mean, gap_share, "consistent",
                f"The team says sales often miss the forecast ({statement1_mean:.1f} of 5), and {gap_text}: "
                f"qualifying deals before they enter the forecast should close much of the gap.")
        return StatementOneReading(statement1_mean, gap_share, "unexplained",
            f"The team says sales often miss the forecast ({statement1_mean:.1f} of 5), but only "
            f"{gap_share:.0%} of it lacks a qualified buyer: look at stage probabilities and close dates instead.")
    return StatementOneReading(statement1_mean, gap_share, "mixed",
        f"Views on forecast accuracy are divided ({statement1_mean:.1f} of 5); {gap_text}.")


@dataclass(frozen=True)
class Result:
    """Everything the deal-qualification tool computes for one client.

    Attributes
    ----------
    deals : pandas.DataFrame
        The pipeline with ``weighted``, ``met``, ``missing``, ``n_missing``,
        ``qualified``, ``slipped`` and ``priority_score`` per deal.
    by_month : pandas.DataFrame
        ``month``, ``raw``, ``qualified``, ``gap``, ``deals``,
        ``qualified_deals`` (data for the chart).
    priorities : pandas.DataFrame
        The deals to work on first, in order, with the missing conditions.
    missing_counts : dict
        Per condition, how many deals lack it.
    raw_total, qualified_total, gap, gap_share : float
    statement_one : StatementOneReading
    recommendations : tuple of str
    """

    deals: pd.DataFrame
    by_month: pd.DataFrame
    priorities: pd.DataFrame
    missing_counts: dict[str, int]
    raw_total: float
    qualified_total: float
    gap: float
    gap_share: float | None
    statement_one: StatementOneReading
    recommendations: tuple[str, ...]


def empty_pipeline() -> pd.DataFrame:
    """Return a validated pipeline with no deals."""
    return validate_pipeline(pd.DataFrame(columns=list(REQUIRED_COLUMNS)))


def qualify_deals(pipeline: pd.DataFrame, as_of_month: str | None = None) -> pd.DataFrame:
    """Add the per-deal qualification columns to a validated pipeline."""
    deals = pipeline.copy()
    deals["weighted"] = (deals["amount"] * deals["probability"]).round(2)
    flags = deals[list(CRITERIA)]
    deals["met"] = [", ".join(c for c in CRITERIA if r[c]) for _, r in flags.iterrows()]
    deals["missing"] = [", ".join(c for c in CRITERIA if not r[c]) for _, r in flags.iterrows()]
    deals["n_missing"] = (~flags).sum(axis=1).astype(int)
    deals["qualified"] = deals["n_missing"] == 0
    deals["slipped"] = deals["close_month"] < as_of_month if as_of_month else False
    open_deal = (~deals["qualified"]) & (deals["weighted"] > 0)
    deals["priority_score"] = (deals["weighted"] / deals["n_missing"].clip(lower=1)).where(open_deal, 0.0).round(2)
    return deals


def evaluate(inputs: Inputs | Mapping[str, Any], tables: Mapping[str, pd.DataFrame] | None = None) -> Result:
    """Qualify the pipeline and compare the raw with the qualified forecast.

    Parameters
    ----------
    inputs : Inputs or mapping
    tables : dict
        ``{"pipeline": frame}``; a missing pipeline counts as empty. When it
        also holds ``"sales_marketing"`` (the client's saved diagnostic, see
        :data:`RELATED`) and the settings say the statement-1 mean comes from
        the diagnostic, the mean is read from it.

    Returns
    -------
    Result
    """
    inputs = validated(Inputs, inputs, "deal_qualification inputs")
    tables = evaluation_tables(tables, "deal_qualification tables")
    diagnostic = (tables or {}).get("sales_marketing")
    if inputs.statement1_source == "diagnostic" and diagnostic is not None:
        # read live from the client's saved diagnostic, so the two pages always agree
        inputs = inputs.model_copy(update={"statement1_mean": statement_one_from_diagnostic(diagnostic)})
    frame = (tables or {}).get("pipeline")
    pipeline = empty_pipeline() if frame is None else validate_pipeline(frame)
    deals = qualify_deals(pipeline, inputs.as_of_month)

    grouped = deals.assign(q_weighted=deals["weighted"].where(deals["qualified"], 0.0))
    by_month = (
        grouped.groupby("close_month", sort=True)
        .agg(raw=("weighted", "sum"), qualified=("q_weighted", "sum"),
             deals=("deal", "count"), qualified_deals=("qualified", "sum"))
        .reset_index()
        .rename(columns={"close_month": "month"})
    )
    by_month["gap"] = by_month["raw"] - by_month["qualified"]
    by_month = by_month[["month", "raw", "qualified", "gap", "deals", "qualified_deals"]]
    by_month["qualified_deals"] = by_month["qualified_deals"].astype(int)

    raw_total = round(float(deals["weighted"].sum()), 2)
    qualified_total = round(float(deals.loc[deals["qualified"], "weighted"].sum()), 2)
    gap = round(raw_total - qualified_total, 2)
    gap_share = round(gap / raw_total, 4) if raw_total > 0 else None

    candidates = deals[deals["priority_score"] > 0].sort_values(
        ["priority_score", "close_month", "deal"], ascending=[False, True, True], kind="stable"
    )
    priorities = candidates.head(inputs.priority_count)[
        ["deal", "account", "close_month", "amount", "probability", "weighted", "missing", "priority_score"]
    ].reset_index(drop=True)
    priorities.insert(0, "rank", range(1, len(priorities) + 1))

    missing_counts = {c: int((~deals[c]).sum()) for c in CRITERIA}
    reading = read_with_statement_one(inputs.statement1_mean, gap_share)
    recs = _recommendations(deals, priorities, missing_counts, gap_share, reading)
    log.debug("deal_qualification: raw %s qualified %s", raw_total, qualified_total)
    return Result(deals, by_month, priorities, missing_counts, raw_total, qualified_total, gap, gap_share,
                  reading, recs)


def _recommendations(deals: pd.DataFrame, priorities: pd.DataFrame, missing_counts: dict[str, int],
                     gap_share: float | None, reading: StatementOneReading) -> tuple[str, ...]:
    if deals.empty:
        return ("Enter or import the pipeline to qualify the forecast.",)
    recs = []
    if gap_share is not None and gap_share > 0:
        most = max(missing_counts.values())
        worst = [c for c in CRITERIA if missing_counts[c] == most]
        deals_word = "deal" if most == 1 else "deals"
        gap = float(deals.loc[~deals["qualified"], "weighted"].sum())
        lead = (f"{gap_share:.0%} of the weighted forecast (${gap:,.0f}) rests on buyers who are not yet "
                "ready, willing and able.")
        if len(worst) == len(CRITERIA):
            recs.append(f"{lead} Each of the three conditions is missing in {most} {deals_word}, so no single "
                        "check explains the gap: qualify deal by deal, starting with the list below.")
        else:
            names = " and ".join(f"'{c}'" for c in worst)
            each = " each" if len(worst) > 1 else ""
            checks = "; ".join(CRITERION_CHECK[c] for c in worst)
            recs.append(f"{lead} Missing most often: {names} ({most} {deals_word}{each}). In the next pipeline "
                        f"review, {checks}.")
    else:
        recs.append("Every forecast deal has a buyer who is ready, willing and able.")
    for _, row in priorities.head(3).iterrows():
        recs.append(
            f"Work on {row['deal']} ({row['account']}, ${row['weighted']:,.0f} weighted, closing "
            f"{row['close_month']}): establish that the buyer is {row['missing'].replace(', ', ' and ')}."
        )
    slipped = deals[deals["slipped"]]
    if not slipped.empty:
        names = ", ".join(f"{r.deal} (due {r.close_month})" for r in slipped.itertuples())
        recs.append(f"Still open after their close month: {names}. Give each a new close month or take it out "
                    "of the forecast.")
    if reading.status == "warning":
        recs.append("Tell the sales team before the next forecast call that the pipeline does not back their "
                    "confidence in the forecast, and agree which deals to qualify first.")
    elif reading.status == "unexplained":
        recs.append("Since qualification does not explain the misses the team reports, check the stage "
                    "probabilities and close dates against deals actually won and lost.")
    return tuple(recs)


def headline(result: Result) -> dict[str, Any]:
    """Summarise the result for the executive summary.

    Green when less than 15% of the weighted forecast lacks a qualified buyer,
    amber below 35%, red otherwise (amber when there is no pipeline).
    """
    if result.gap_share is None:
        status, summary = "amber", "No weighted pipeline has been entered yet."
    else:
        status = ("green" if result.gap_share < GAP_GREEN_BELOW
                  else "amber" if result.gap_share < GAP_AMBER_BELOW else "red")
        summary = (
            f"Of a ${result.raw_total:,.0f} weighted forecast, ${result.qualified_total:,.0f} rests on "
            f"buyers who are ready, willing and able; {result.gap_share:.0%} (${result.gap:,.0f}) does not."
        )
    return {
        "status": status,
        "summary": summary,
        "metrics": {
            "raw_forecast_usd": float(result.raw_total),
            "qualified_forecast_usd": float(result.qualified_total),
            "gap_usd": float(result.gap),
            "gap_share": float(result.gap_share) if result.gap_share is not None else "n/a",
            "deals": int(len(result.deals)),
            "qualified_deals": int(result.deals["qualified"].sum()) if len(result.deals) else 0,
        },
    }


def changes(previous: Inputs, current: Inputs) -> list[str]:
    """Describe in plain words what moved in the settings (the pipeline has its own history)."""
    notes: list[str] = []
    if previous.as_of_month != current.as_of_month:
        notes.append(f"Forecast date {previous.as_of_month or 'unset'} \u2192 {current.as_of_month or 'unset'}.")
    if previous.statement1_mean != current.statement1_mean:
        source = " (from the diagnostic)" if current.statement1_source == "diagnostic" else ""
        notes.append(f"Statement 1 mean {previous.statement1_mean} \u2192 {current.statement1_mean}{source}.")
    if previous.priority_count != current.priority_count:
        notes.append(f"Deals listed first {previous.priority_count} \u2192 {current.priority_count}.")
    return notes


# -- the room contract (workbook.spec; the registry reads it) ---------------------

SPEC = FrameworkSpec(
    name="deal_qualification",
    title="Deal qualification: ready, willing and able",
    citation=SOURCE,
    notebook="deal_qualification.ipynb",
    Inputs=Inputs,
    evaluate=evaluate,
    headline=headline,
    tables=TABLES,
    related=RELATED,
    changes=changes,
    plan_action=PlanAction("Qualify every forecast deal on ready, willing and able before it counts",
                           "Head of Sales", "Next 30 days"),
    headline_metrics=("raw_forecast_usd", "qualified_forecast_usd", "gap_share"),
    browser_edit=BrowserEdit("slider", "Deals to list first", tab="Settings"),
)
