"""The customer-value room: inputs, tables, the whole analysis, headline and changes (pure logic).

Source: Roland T. Rust, Christine Moorman and Gaurav Bhalla, "Rethinking
Marketing", Harvard Business Review, January-February 2010. The analysis puts
together the lifetime values and customer equity (:mod:`.equity`), the next
best product (:mod:`.next_product`), a subscription line
(:mod:`.subscription`) and the customer-centricity audit (:mod:`.centricity`).
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ...checks import evaluation_tables
from ...errors import InvalidInput, validated
from ...formatting import money, percent
from ...spec import BrowserEdit, FrameworkSpec, PlanAction
from .centricity import AUDIT, AUDIT_ALLOWED, AUDIT_IDS, AUDIT_MAX, AUDIT_MIN, AUDIT_SCALE, STAGES, AuditResult, audit
from .equity import BaseValue, _base_value, _with_outcome
from .fitting import FitError
from .models import SPEND_CORRELATION_LIMIT, BetaGeo, GammaGamma, fit_models, spend_frequency_correlation
from .next_product import next_best_products, product_transitions
from .questionnaire import QUESTIONNAIRE
from .subscription import Subscription, SubscriptionValue, subscription_value
from .transactions import TransactionColumns, summarize, validate_transactions
from .value import ValueModel

# -- constants from the source (Rust, Moorman and Bhalla, HBR 2010) --------------

#: The source, as printed under every page (the room's one citation; also ``SPEC.citation``).
SOURCE = ('Roland T. Rust, Christine Moorman and Gaurav Bhalla, "Rethinking Marketing", Harvard '
          "Business Review, January-February 2010")
CUSTOMER_METRICS = ("customer lifetime value", "customer equity", "customer profitability")


class Inputs(BaseModel):
    """Settings of the customer-value analysis for one client."""

    model_config = ConfigDict(extra="forbid")

    schema_version: int = 1
    columns: TransactionColumns = TransactionColumns()
    currency: str = "USD"
    margin: float = Field(0.35, gt=0, le=1, description="gross margin as a share of spend")
    annual_discount_rate: float = Field(0.10, ge=0, le=1)
    horizon_months: int = Field(24, ge=1, le=120)
    observation_end: dt.date | None = None
    confidence: float = Field(0.95, ge=0.5, le=0.999)
    subscription: Subscription | None = None
    audit: dict[str, int | None] = {}
    notes: str = ""

    @field_validator("audit")
    @classmethod
    def _audit_answers(cls, value: dict[str, int | None]) -> dict[str, int | None]:
        for key, answer in value.items():
            if key not in AUDIT_IDS:
                raise ValueError(f"audit question {key!r} is unknown; known: {', '.join(AUDIT_IDS)}")
            if answer is not None and not (AUDIT_MIN <= answer <= AUDIT_MAX):
                raise ValueError(f"audit answer {key}={answer}: {AUDIT_ALLOWED}")
        return value

    @classmethod
    def parse(cls, doc: dict, context: str = "clv inputs") -> "Inputs":
        """Validate a dict, raising :class:`InvalidInput` instead of pydantic's error."""
        return validated(cls, doc, context)


TABLES = {"transactions": validate_transactions}


@dataclass(frozen=True)
class Result:
    """Everything the customer-value room shows for one client."""

    value: BaseValue | None
    bg: BetaGeo | None
    gg: GammaGamma | None
    summary: pd.DataFrame
    transitions: pd.DataFrame
    next_products: pd.DataFrame
    subscription: SubscriptionValue | None
    audit: AuditResult
    warnings: tuple[str, ...]
    recommendations: tuple[str, ...]
    status: str
    currency: str = "USD"
    observation_end: dt.date | None = None
    #: Range of actual value (:meth:`ValueModel.predictive`) of the ``TOP_SHOWN`` most valuable customers.
    top_predictive: pd.DataFrame | None = None
    #: The fitted base, for further look-ups (e.g. ``model.predictive([id], ...)``).
    model: ValueModel | None = field(default=None, repr=False, compare=False)


TOP_SHOWN = 12  # most valuable customers listed with the range of their actual value


def _recommend(value: BaseValue | None, aud: AuditResult, transitions: pd.DataFrame,
               sub: SubscriptionValue | None, currency: str = "USD") -> list[str]:
    recs = []
    if value is not None:
        t = value.tiers
        recs.append(f"The top 10% of customers hold {percent(value.top_10_share)} of customer equity and the top 20% "
                    f"hold {percent(value.top_20_share)}: give them named owners and protect them first.")
        at_risk = value.customers[(value.customers["tier"] == "Top 10%") & (value.customers["p_alive"] < 0.5)]
        if len(at_risk):
            recs.append(f"{len(at_risk)} top-tier customers are more likely gone than active (probability alive "
                        "below 50%): contact them before they are lost.")
        if t.loc["Bottom 50%", "share_of_equity"] < 0.1:
            recs.append("The bottom half of customers holds less than a tenth of equity: serve it through low-cost "
                        "channels.")
    if not transitions.empty:
        top = transitions.sort_values("customers", ascending=False).iloc[0]
        recs.append(f"The most common next step is from {top['from_product']} to {top['to_product']} "
                    f"({percent(top['share'])} of those who moved on): offer {top['to_product']} to buyers of "
                    f"{top['from_product']} who have not taken it yet.")
    if sub is not None:
        recs.append(f"A subscriber is worth about {money(sub.clv_unlimited, currency)} with no time limit and stays "
                    f"{sub.expected_lifetime_months:.0f} months on average; one more point of monthly retention "
                    f"(to {percent(sub.monthly_retention + 0.01)}) would make each subscriber worth about "
                    f"{money(sub.clv_unlimited_plus_point, currency)}: work on churn before acquisition.")
    recs.extend(aud.advice[:3])
    return recs


@dataclass(frozen=True)
class Prepared:
    """What does not change when only margin, discount rate, horizon or audit answers change."""

    transactions: pd.DataFrame
    summary: pd.DataFrame
    bg: BetaGeo | None
    gg: GammaGamma | None
    model: ValueModel | None
    transitions: pd.DataFrame
    next_products: pd.DataFrame
    observation_end: dt.date
    fit_error: str | None


_PREPARED: list[tuple[pd.DataFrame, tuple, Prepared]] = []
_PREPARED_KEEP = 4


def prepare(frame: pd.DataFrame, columns: TransactionColumns | None = None,
            observation_end: dt.date | None = None) -> Prepared:
    """Validate, summarize, fit and precompute for one transactions table.

    The last few results are kept, keyed by the table object itself (tables
    are replaced, never changed in place), so moving a slider in a live
    session does not refit the models.
    """
    columns = columns or TransactionColumns()
    key = (columns.model_dump_json(), observation_end)
    for kept, kept_key, prep in _PREPARED:
        if kept is frame and kept_key == key:
            return prep
    tx = validate_transactions(frame, columns)
    end = observation_end or tx["date"].max().date()
    tx = tx[tx["date"] <= pd.Timestamp(end)].reset_index(drop=True)
    if tx.empty:
        raise InvalidInput.one("observation_end", str(end), "a date on or after the first transaction")
    summary = summarize(tx, end)
    bg = gg = model = None
    error = None
    try:
        bg, gg = fit_models(summary)
        model = ValueModel(summary, bg, gg)
    except FitError as exc:
        error = str(exc)
        bg = gg = None
    transitions = product_transitions(tx)
    prep = Prepared(transactions=tx, summary=summary, bg=bg, gg=gg, model=model, transitions=transitions,
                    next_products=next_best_products(tx, transitions), observation_end=end, fit_error=error)
    _PREPARED.append((frame, key, prep))
    del _PREPARED[:-_PREPARED_KEEP]
    return prep


def evaluate(inputs: Inputs | dict, tables: dict[str, pd.DataFrame]) -> Result:
    """Run the customer-value analysis for one client.

    Parameters
    ----------
    inputs : Inputs or dict
    tables : dict
        ``{"transactions": frame}``; may be empty (a subscription-only client,
        or a new client whose transactions are not imported yet: the result
        then has no lifetime values and says so).

    Returns
    -------
    Result
    """
    inputs = validated(Inputs, inputs or {}, "clv inputs")
    tables = evaluation_tables(tables, "clv tables")
    frame = tables.get("transactions")
    warnings: list[str] = []
    if frame is None and inputs.subscription is None:  # a new client: the audit still works
        warnings.append("No transactions yet: import a transactions export (customer, date, amount, optionally "
                        "product) to estimate lifetime values and customer equity.")
    value = bg = gg = top_pred = None
    summary = pd.DataFrame()
    transitions = pd.DataFrame(columns=["from_product", "to_product", "customers", "share"])
    nxt = pd.DataFrame(columns=["next_product", "score"])
    end = inputs.observation_end
    if frame is not None:
        prep = prepare(frame, inputs.columns, inputs.observation_end)
        summary, bg, gg, transitions, nxt, end = (prep.summary, prep.bg, prep.gg, prep.transitions,
                                                  prep.next_products, prep.observation_end)
        if prep.model is not None:
            cust, lo, hi = prep.model.value(inputs.margin, inputs.annual_discount_rate, inputs.horizon_months,
                                            inputs.confidence)
            bad = ~np.isfinite(cust[["clv", "clv_low", "clv_high"]].to_numpy()).all(axis=1)
            if bad.any():
                warnings.append(f"The purchase model gives no usable forecast for {int(bad.sum())} customers; "
                                "their value is counted as zero.")
                cust.loc[bad, ["clv", "clv_low", "clv_high", "expected_purchases"]] = 0.0
                lo, hi = (float(np.nan_to_num(v)) for v in (lo, hi))
            value = _base_value(cust, lo, hi, inputs.margin, inputs.annual_discount_rate, inputs.horizon_months,
                                inputs.confidence)
            value.customers["next_product"] = nxt["next_product"].reindex(value.customers.index).fillna("")
            value = _with_outcome(value, prep.model)
            top_pred = prep.model.predictive(value.customers.nlargest(TOP_SHOWN, "clv").index, inputs.margin,
                                             inputs.annual_discount_rate, inputs.horizon_months, inputs.confidence)
        else:
            warnings.append(f"Lifetime value could not be estimated: {prep.fit_error}.")
        if bg is not None and not (bg.converged_ and gg.converged_):
            warnings.append("A model fit did not fully converge; treat the values as rough.")
        if bg is not None and (bg.penalized_ or gg.penalized_):
            warnings.append("The transactions do not pin the models down (for example, no customer seems to have "
                            "stopped buying yet), so they were fitted with a mild assumption that keeps the "
                            "parameters in a plausible range; treat lifetime values as indicative.")
        rho = spend_frequency_correlation(summary)
        if abs(rho) > SPEND_CORRELATION_LIMIT:
            warnings.append(f"Spend per purchase and number of purchases move together (correlation {rho:.2f} among "
                            "repeat buyers), while the spend model assumes they do not: values of the most frequent "
                            f"buyers may be {'under' if rho > 0 else 'over'}stated.")
        if len(summary) < 200:
            warnings.append(f"Only {len(summary)} customers: the model parameters are uncertain, and the intervals "
                            "are wide.")
    sub = subscription_value(inputs.subscription, inputs.annual_discount_rate, inputs.horizon_months) \
        if inputs.subscription else None
    aud = audit(inputs.audit)
    recs = _recommend(value, aud, transitions, sub, inputs.currency)
    if aud.stage_index is None:
        status = "amber"
    else:
        status = "red" if aud.stage_index == 0 else "green" if aud.stage_index == len(STAGES) - 1 else "amber"
    if value is not None and value.top_10_share > 0.6 and status == "green":
        status = "amber"
    return Result(value=value, bg=bg, gg=gg, summary=summary, transitions=transitions, next_products=nxt,
                  subscription=sub, audit=aud, warnings=tuple(warnings), recommendations=tuple(recs), status=status,
                  currency=inputs.currency, observation_end=end, top_predictive=top_pred,
                  model=prep.model if frame is not None else None)


def _r(value: float | None, digits: int = 2) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else round(float(value), digits)


def headline(result: Result) -> dict:
    """Small JSON-safe summary for the executive summary."""
    parts, metrics = [], {}
    cur = result.currency
    if result.value is not None:
        v = result.value
        parts.append(f"Customer equity is about {money(v.equity, cur)} over {v.horizon_months} months "
                     f"({len(v.customers):,} customers); the top 10% hold {percent(v.top_10_share)} of it")
        metrics.update({"customer_equity": _r(v.equity, 0), "equity_low": _r(v.equity_low, 0),
                        "equity_high": _r(v.equity_high, 0), "equity_outcome_low": _r(v.outcome_low, 0),
                        "equity_outcome_high": _r(v.outcome_high, 0), "customers": len(v.customers),
                        "mean_clv": _r(v.customers["clv"].mean()), "top_10_share": _r(v.top_10_share, 3),
                        "top_20_share": _r(v.top_20_share, 3),
                        "share_active": _r(float(v.customers["p_alive"].mean()), 3)})
    if result.subscription is not None:
        s = result.subscription
        parts.append(f"a subscriber is worth about {money(s.clv_horizon, cur)} over the horizon")
        metrics["subscriber_clv"] = _r(s.clv_horizon)
    if result.audit.stage is not None:
        parts.append(f"customer-centricity stage: {result.audit.stage}")
        metrics["audit_stage"] = result.audit.stage
        metrics["audit_percent"] = _r(result.audit.percent, 1)
    summary = ("; ".join(parts) + ".") if parts else "No customer data or audit answers yet."
    return {"status": result.status, "summary": summary[0].upper() + summary[1:], "metrics": metrics}


def changes(previous: Inputs, current: Inputs) -> list[str]:
    """Plain sentences on what moved between two saved versions of the inputs."""
    out = []
    if previous.margin != current.margin:
        out.append(f"Margin: {percent(previous.margin)} -> {percent(current.margin)}.")
    if previous.annual_discount_rate != current.annual_discount_rate:
        out.append(f"Discount rate: {percent(previous.annual_discount_rate, 1)} -> {percent(current.annual_discount_rate, 1)} a year.")
    if previous.horizon_months != current.horizon_months:
        out.append(f"Horizon: {previous.horizon_months} -> {current.horizon_months} months.")
    if previous.subscription != current.subscription:
        out.append("Subscription figures changed.")
    topics = {q.id: q.topic for q in AUDIT}
    for qid in AUDIT_IDS:
        a, b = previous.audit.get(qid), current.audit.get(qid)
        if a != b:
            out.append(f"Audit, {topics[qid]}: {AUDIT_SCALE.get(a, 'not answered')} -> "
                       f"{AUDIT_SCALE.get(b, 'not answered')}.")
    old, new = audit(previous.audit), audit(current.audit)
    if old.stage != new.stage:
        out.append(f"Customer-centricity stage: {old.stage or 'not assessed'} -> {new.stage or 'not assessed'}.")
    if previous.columns != current.columns:
        out.append("The transactions export's column names changed.")
    return out


# -- the room contract (workbook.spec; the registry reads it) ---------------------

SPEC = FrameworkSpec(
    name="clv",
    title="Customer value: lifetime value, customer equity and customer-centricity",
    citation=SOURCE,
    notebook="customer_value.ipynb",
    Inputs=Inputs,
    evaluate=evaluate,
    headline=headline,
    tables=TABLES,
    related=(),
    changes=changes,
    plan_action=PlanAction("Segment customers by lifetime value and give the top segment a named owner",
                           "Head of Customer Success", "Next 90 days"),
    headline_metrics=("customer_equity", "mean_clv", "top_10_share", "audit_stage"),
    browser_edit=BrowserEdit("toggle", tab="Audit"),
    questionnaire=QUESTIONNAIRE,
)
