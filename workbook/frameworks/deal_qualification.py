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

import logging
import math
from dataclasses import dataclass
from typing import Any, Literal, Mapping

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from workbook.checks import evaluation_tables
from workbook.errors import InvalidInput, validated
from ..formatting import percent, money
from ..spec import BrowserEdit, FrameworkSpec, PlanAction
from .deal_qualification_content import (  # noqa: F401 - the room's content, importable from here too
    _FALSE, _TRUE, AMOUNT_ALLOWED, COLUMN_ALIASES, CRITERIA, CRITERION_CHECK, CRITERION_MEANING, FROM_SOURCE,
    GAP_AMBER_BELOW, GAP_GREEN_BELOW, MONTH_ALLOWED, OPTIONAL_COLUMNS, PRIORITY_COUNT_ALLOWED, PRIORITY_RULE,
    PROBABILITY_ALLOWED, REQUIRED_COLUMNS, STATEMENT1_AGREE_FROM, STATEMENT1_ALLOWED, STATEMENT1_DISAGREE_TO,
    WORKBOOK_RULES, YES_NO_ALLOWED,
)
from .deal_qualification_pipeline import (  # noqa: F401 - the pipeline table's checks, importable from here too
    _is_blank, _norm_header, _shown, forecast_by_month, parse_amount, parse_month, parse_probability, parse_yes_no,
    qualify_deals, validate_pipeline,
)

log = logging.getLogger(__name__)

#: The source, as printed under every page (the room's one citation; also ``SPEC.citation``).
SOURCE = '"To close, a purchaser must be ready, willing and able" (Cheap Marketing Shop blog; date not given)'

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
    key = doc.model_dump_json()
    if _STATEMENT_ONE.get("key") == key:  # the same diagnostic as last time (a live click on a deal)
        return _STATEMENT_ONE["mean"]
    assessment = sales_marketing.evaluate(doc).assessment
    mean = None if assessment is None else round(float(assessment.by_statement.loc[0, "all"]), 2)
    _STATEMENT_ONE.update(key=key, mean=mean)
    return mean


#: The last diagnostic read by :func:`statement_one_from_diagnostic` (its content) and its statement-1 mean:
#: every click on a deal re-evaluates the room, and the diagnostic rarely changes between two clicks.
_STATEMENT_ONE: dict = {}


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
    gap_text = f"{percent(gap_share)} of the weighted forecast rests on deals whose buyer is not ready, willing and able"
    if statement1_mean >= STATEMENT1_AGREE_FROM:
        if gap_large:
            return StatementOneReading(statement1_mean, gap_share, "warning",
                f"The team believes sales land close to the forecast ({statement1_mean:.1f} of 5), yet "
                f"{gap_text}. Expect the next forecast to be missed unless those deals are qualified.")
        return StatementOneReading(statement1_mean, gap_share, "consistent",
            f"The team trusts the forecast ({statement1_mean:.1f} of 5) and the pipeline bears it out: "
            f"only {percent(gap_share)} of it lacks a qualified buyer.")
    if statement1_mean <= STATEMENT1_DISAGREE_TO:
        if gap_large:
            return StatementOneReading(statement1_mean, gap_share, "consistent",
                f"The team says sales often miss the forecast ({statement1_mean:.1f} of 5), and {gap_text}: "
                f"qualifying deals before they enter the forecast should close much of the gap.")
        return StatementOneReading(statement1_mean, gap_share, "unexplained",
            f"The team says sales often miss the forecast ({statement1_mean:.1f} of 5), but only "
            f"{percent(gap_share)} of it lacks a qualified buyer: look at stage probabilities and close dates instead.")
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

    by_month = forecast_by_month(deals)

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
        lead = (f"{percent(gap_share)} of the weighted forecast ({money(gap)}) rests on buyers who are not yet "
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
    for row in priorities.head(3).to_dict("records"):
        recs.append(
            f"Work on {row['deal']} ({row['account']}, {money(row['weighted'])} weighted, closing "
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
            f"Of a {money(result.raw_total)} weighted forecast, {money(result.qualified_total)} rests on "
            f"buyers who are ready, willing and able; {percent(result.gap_share)} ({money(result.gap)}) does not."
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
