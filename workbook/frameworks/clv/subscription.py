"""Lifetime value of a subscription line from margin, retention and discount rate (pure logic).

Subscription businesses use the retention formula (``retention_clv``)::

    CLV = m * sum_{t=1..H} (r / (1 + d)) ** t      ->  m * r / (1 + d - r)  when H is infinite

(``m`` margin per period, ``r`` retention per period, ``d`` discount rate per
period; a customer who renews for a period pays that period's margin, counted
from the end of the period.) Customer lifetime value is one of the customer
metrics Rust, Moorman and Bhalla ("Rethinking Marketing", HBR 2010) ask for.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from ...errors import InvalidInput, Problem


class Subscription(BaseModel):
    """A subscription line: how many subscribers, what each earns and how many renew each month."""

    model_config = ConfigDict(extra="forbid")

    subscribers: int = Field(ge=0)
    monthly_margin: float = Field(gt=0, description="margin per subscriber per month, in currency")
    monthly_retention: float = Field(gt=0, lt=1, description="share of subscribers who renew each month")


def retention_clv(margin: float, retention: float, discount_rate: float, periods: int | None = None) -> float:
    """Lifetime value of a subscriber from margin, retention and discount rate.

    ``m * sum_{t=1..H} (r / (1 + d)) ** t``, which is ``m * r / (1 + d - r)`` for
    an unlimited horizon (``periods=None``). All three inputs are per period
    (use monthly margin, monthly retention and the monthly discount rate
    together).

    Examples
    --------
    >>> round(retention_clv(100, 0.8, 0.1), 2)
    266.67
    """
    problems = []
    if not (isinstance(margin, (int, float)) and math.isfinite(margin)):
        problems.append(Problem("margin", margin, "a number (margin per period)"))
    if not (0 <= retention < 1):
        problems.append(Problem("retention", retention, "a share from 0 up to (not including) 1"))
    if not (0 <= discount_rate <= 10):
        problems.append(Problem("discount_rate", discount_rate, "a rate per period from 0 to 10"))
    if periods is not None and (int(periods) != periods or periods < 0):
        problems.append(Problem("periods", periods, "a whole number of periods, or None for no limit"))
    if problems:
        raise InvalidInput(problems, "retention CLV")
    k = retention / (1 + discount_rate)
    if periods is None:
        return margin * retention / (1 + discount_rate - retention)
    return margin * k * (1 - k ** periods) / (1 - k) if k != 1 else margin * periods


@dataclass(frozen=True)
class SubscriptionValue:
    """Retention-based value of a subscription line."""

    clv_horizon: float
    clv_unlimited: float
    equity_horizon: float
    subscribers: int
    expected_lifetime_months: float
    monthly_discount_rate: float
    monthly_retention: float = 0.0
    clv_unlimited_plus_point: float = float("nan")


def subscription_value(sub: Subscription, annual_discount_rate: float, horizon_months: int) -> SubscriptionValue:
    """Per-subscriber CLV (within the horizon and unlimited) and the line's equity.

    ``clv_unlimited_plus_point`` is the unlimited value with monthly retention
    one percentage point higher (capped below 1), to show what churn costs.
    """
    d = (1 + annual_discount_rate) ** (1 / 12) - 1
    within = retention_clv(sub.monthly_margin, sub.monthly_retention, d, horizon_months)
    unlimited = retention_clv(sub.monthly_margin, sub.monthly_retention, d)
    better = retention_clv(sub.monthly_margin, min(sub.monthly_retention + 0.01, 0.999), d)
    return SubscriptionValue(clv_horizon=within, clv_unlimited=unlimited, equity_horizon=within * sub.subscribers,
                             subscribers=sub.subscribers, expected_lifetime_months=1 / (1 - sub.monthly_retention),
                             monthly_discount_rate=d, monthly_retention=sub.monthly_retention,
                             clv_unlimited_plus_point=better)
