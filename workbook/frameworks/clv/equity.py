"""Customer equity: per-customer CLV with its interval, value tiers and concentration (pure logic).

Source: Roland T. Rust, Christine Moorman and Gaurav Bhalla, "Rethinking
Marketing", Harvard Business Review, 2010: customer equity is the sum of the
lifetime values of the customer base. The per-customer values come from
:class:`.value.ValueModel` (delta-method interval) or from the parametric
bootstrap here (parameters drawn from N(estimate, inverse Hessian) on the log
scale, percentiles of the resulting values).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.special import expit, ndtri

from ...errors import InvalidInput
from .fitting import _compress
from .models import BetaGeo, GammaGamma
from .transactions import WEEKS_PER_MONTH
from .value import ValueModel, _check_settings, monthly_discount_factor

#: Value tiers: (name, upper edge of the cumulative share of customers ranked by CLV).
TIERS: tuple[tuple[str, float], ...] = (("Top 10%", 0.10), ("Next 10%", 0.20), ("Next 30%", 0.50), ("Bottom 50%", 1.0))


def _discounted_purchases(params, x: np.ndarray, T: np.ndarray, horizon_months: int, v: float
                          ) -> tuple[np.ndarray, np.ndarray]:
    """(discounted expected purchases, expected purchases) over the horizon, given alive."""
    prev = np.zeros(np.broadcast(x, T).shape)
    disc = np.zeros_like(prev)
    for k in range(1, horizon_months + 1):
        cur = BetaGeo._cum_expected(params, k * WEEKS_PER_MONTH, x, T)
        disc += (v ** k) * (cur - prev)
        prev = cur
    return disc, prev


def _bootstrap(summary: pd.DataFrame, bg: BetaGeo, gg: GammaGamma, margin: float, annual_discount_rate: float,
               horizon_months: int, confidence: float, draws: int, seed: int) -> tuple[pd.DataFrame, float, float]:
    """Parametric bootstrap: parameters drawn from N(estimate, inverse Hessian) on the log scale."""
    out, _, _ = ValueModel(summary, bg, gg).value(margin, annual_discount_rate, horizon_months, confidence)
    x, tx, T = out["frequency"].to_numpy(float), out["recency"].to_numpy(), out["T"].to_numpy()
    m = out["monetary_value"].to_numpy()
    if len(x) * draws > 50_000_000:
        raise InvalidInput.one("interval", "bootstrap", f"'delta' for this many customers ({len(x):,})")
    v = monthly_discount_factor(annual_discount_rate)
    (ux, utx, uT), _, inv3 = _compress(x, tx, T)
    (vx, vT), _, inv2 = _compress(ux, uT)
    rng = np.random.default_rng(seed)
    th_bg = rng.multivariate_normal(np.log(bg._require()), bg.cov_, size=draws)
    th_gg = rng.multivariate_normal(np.log(gg._require()), gg.cov_, size=draws)
    sims = np.empty((draws, len(x)))
    for i in range(draws):
        params = np.exp(th_bg[i])
        d, _ = _discounted_purchases(params, vx, vT, horizon_months, v)
        alive = expit(-BetaGeo._log_odds_dead(params, ux, utx, uT))
        p, q, g = np.exp(th_gg[i])
        spend = p * (g + np.where(x > 0, x * m, 0.0)) / (p * x + q - 1)
        sims[i] = margin * spend * (alive * d[inv2])[inv3]
    qs = [50 * (1 - confidence), 50 * (1 + confidence)]
    out["clv_low"], out["clv_high"] = np.percentile(sims, qs, axis=0)
    lo, hi = np.percentile(sims.sum(1), qs)
    return out, float(lo), float(hi)


def _value(summary: pd.DataFrame, bg: BetaGeo, gg: GammaGamma, margin: float, annual_discount_rate: float,
           horizon_months: int, confidence: float, interval: str, draws: int, seed: int
           ) -> tuple[pd.DataFrame, float, float]:
    if interval == "delta":
        return ValueModel(summary, bg, gg).value(margin, annual_discount_rate, horizon_months, confidence)
    if interval == "bootstrap":
        _check_settings(margin, horizon_months, confidence)
        return _bootstrap(summary, bg, gg, margin, annual_discount_rate, horizon_months, confidence, draws, seed)
    raise InvalidInput.one("interval", interval, "'delta' or 'bootstrap'")


def customer_value(summary: pd.DataFrame, bg: BetaGeo, gg: GammaGamma, margin: float,
                   annual_discount_rate: float, horizon_months: int, confidence: float = 0.95,
                   interval: Literal["delta", "bootstrap"] = "delta", draws: int = 200, seed: int = 0
                   ) -> pd.DataFrame:
    """Per-customer probability alive, expected purchases and discounted CLV with its interval.

    Parameters
    ----------
    summary : pandas.DataFrame
        From :func:`summarize` (``frequency``, ``recency``, ``T``, ``monetary_value``).
    bg, gg : fitted BetaGeo and GammaGamma
    margin : float
        Gross margin as a share of spend (0-1].
    annual_discount_rate : float
    horizon_months : int
    confidence : float, default 0.95
    interval : {"delta", "bootstrap"}
        How the interval is obtained (see the module notes).
    draws, seed : int
        Parametric-bootstrap draws and seed (``interval="bootstrap"`` only).

    Returns
    -------
    pandas.DataFrame
        ``VALUE_COLUMNS``, same index as ``summary``; CLV in currency.
    """
    return _value(summary, bg, gg, margin, annual_discount_rate, horizon_months, confidence, interval, draws, seed)[0]


@dataclass(frozen=True)
class BaseValue:
    """The value of a customer base.

    Attributes
    ----------
    customers : pandas.DataFrame
        Per customer: ``VALUE_COLUMNS`` plus ``tier``.
    equity, equity_low, equity_high : float
        Customer equity (sum of CLV over the base) and the range of that
        *expected* value given the uncertainty of the fitted parameters.
    tiers : pandas.DataFrame
        Per tier: customers, CLV, share of equity, mean CLV, mean probability alive.
    top_10_share, top_20_share : float
        Share of equity held by the most valuable 10% and 20% of customers.
    outcome_low, outcome_high : float or None
        Range of the margin the base will *actually* bring: parameter
        uncertainty plus every customer's own randomness (see
        :meth:`ValueModel.equity_spread`); None when not computed.
    """

    customers: pd.DataFrame
    equity: float
    equity_low: float
    equity_high: float
    tiers: pd.DataFrame
    top_10_share: float
    top_20_share: float
    margin: float
    annual_discount_rate: float
    horizon_months: int
    confidence: float
    outcome_low: float | None = None
    outcome_high: float | None = None


def tier_labels(clv: np.ndarray) -> np.ndarray:
    """Tier name of each customer from its rank by CLV (``TIERS``)."""
    clv = np.asarray(clv, dtype=float)
    n = len(clv)
    order = np.argsort(-clv, kind="stable")
    rank_share = np.empty(n)
    rank_share[order] = (np.arange(n) + 1) / max(n, 1)
    edges = np.array([e for _, e in TIERS])
    idx = np.minimum(np.searchsorted(edges, rank_share - 1e-12, side="left"), len(TIERS) - 1)
    return np.array([name for name, _ in TIERS], dtype=object)[idx]


def top_share(clv: Any, fraction: float) -> float:
    """Share of the total held by the top ``fraction`` of customers (at least one customer)."""
    v = np.sort(np.asarray(clv, dtype=float))[::-1]
    if v.size == 0 or v.sum() <= 0:
        return float("nan")
    k = max(1, int(round(fraction * v.size)))
    return float(v[:k].sum() / v.sum())


def value_base(summary: pd.DataFrame, bg: BetaGeo, gg: GammaGamma, margin: float, annual_discount_rate: float,
               horizon_months: int, confidence: float = 0.95, interval: Literal["delta", "bootstrap"] = "delta",
               draws: int = 200, seed: int = 0) -> BaseValue:
    """CLV of every customer, customer equity, value tiers and concentration in one call.

    For repeated calls on one base (live sliders), keep a :class:`ValueModel`
    instead: :func:`evaluate` does so through :func:`prepare`.
    """
    cust, lo, hi = _value(summary, bg, gg, margin, annual_discount_rate, horizon_months, confidence, interval,
                          draws, seed)
    return _base_value(cust, lo, hi, margin, annual_discount_rate, horizon_months, confidence)


def _base_value(cust: pd.DataFrame, lo: float, hi: float, margin: float, annual_discount_rate: float,
                horizon_months: int, confidence: float) -> BaseValue:
    clv = cust["clv"].to_numpy()
    cust["tier"] = tier_labels(clv)
    equity = float(clv.sum())
    g = cust.groupby("tier", sort=False)
    tiers = pd.DataFrame({
        "customers": g.size(), "clv": g["clv"].sum(), "mean_clv": g["clv"].mean(),
        "mean_p_alive": g["p_alive"].mean(), "expected_purchases": g["expected_purchases"].sum(),
    }).reindex([name for name, _ in TIERS]).fillna(0)
    tiers["share_of_equity"] = tiers["clv"] / equity if equity > 0 else np.nan
    tiers["share_of_customers"] = tiers["customers"] / max(len(cust), 1)
    tiers.index.name = "tier"
    return BaseValue(customers=cust, equity=equity, equity_low=lo, equity_high=hi, tiers=tiers,
                     top_10_share=top_share(clv, 0.10), top_20_share=top_share(clv, 0.20), margin=margin,
                     annual_discount_rate=annual_discount_rate, horizon_months=int(horizon_months),
                     confidence=confidence)


def _with_outcome(value: BaseValue, model: ValueModel) -> BaseValue:
    """Add the range of the equity the base will actually bring (normal approximation).

    Its variance is the parameter part (from the delta-method interval, whose
    log half-width is ``z * sd / equity``) plus the customers' own part
    (:meth:`ValueModel.equity_spread`).
    """
    if value.equity <= 0 or value.equity_high <= value.equity_low:
        return value
    z = float(ndtri(0.5 + value.confidence / 2))
    sd_param = value.equity * math.log(value.equity_high / value.equity_low) / (2 * z)
    sd_own = model.equity_spread(value.margin, value.annual_discount_rate, value.horizon_months)
    half = z * math.hypot(sd_param, sd_own)
    return replace(value, outcome_low=max(value.equity - half, 0.0), outcome_high=value.equity + half)
