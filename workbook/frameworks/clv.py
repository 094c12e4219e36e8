"""Customer-centric marketing: lifetime value, customer equity, next best product (pure logic).

Source: Roland T. Rust, Christine Moorman and Gaurav Bhalla, "Rethinking
Marketing", Harvard Business Review, January-February 2010. A company that
cultivates customers instead of pushing products needs customer metrics
(customer lifetime value, customer equity, customer profitability), offers each
customer the next best product (American Express), is organized around customer
managers rather than product managers, and often has a chief customer officer.

Models (published definitions, implemented here from the papers):

* BG/NBD: Fader, Hardie and Lee (2005), "'Counting Your Customers' the Easy
  Way: An Alternative to the Pareto/NBD Model", Marketing Science 24(2).
  While active, a customer buys at Poisson rate ``lambda ~ Gamma(r, alpha)``;
  after each purchase she becomes inactive with probability ``p ~ Beta(a, b)``.
  Each customer is summarized by frequency ``x`` (repeat purchases), recency
  ``t_x`` (time of the last purchase after the first) and age ``T``.
* Gamma-Gamma: Fader and Hardie (2013), "The Gamma-Gamma Model of Monetary
  Value". The spend of one purchase is ``Gamma(p, nu)`` with the customer's
  ``nu ~ Gamma(q, gamma)``, independent of the purchase process.

**Time is measured in weeks** (days / 7). Purchases on one calendar day are one
purchase (their amounts are summed), as in the BG/NBD literature.

Customer lifetime value for a repeat-purchase business (``customer_value``)::

    CLV = margin * E[spend | x, m] * sum_{k=1..H} v^k * (E[Y(t_k)] - E[Y(t_{k-1})])

with ``H`` months, ``t_k = k`` months in weeks, ``E[Y(t)]`` the BG/NBD
conditional expected purchases (Fader, Hardie and Lee 2005, eq. 10),
``v = (1 + annual discount rate) ** (-1/12)`` (each month's purchases are
discounted from the end of that month) and ``E[spend | x, m]`` the Gamma-Gamma
conditional mean ``p (gamma + x m) / (p x + q - 1)``.

The CLV interval reflects the uncertainty of the fitted parameters: the
covariance of the log-parameters is the inverse Hessian of the log-likelihood
(numerical derivative of the analytic gradient), and the variance of
``log CLV`` follows by the delta method (``interval="delta"``, fast enough for
a million customers). ``interval="bootstrap"`` instead draws parameter vectors
from that normal distribution and takes percentiles (the parametric bootstrap);
the tests check the two agree. Neither includes the randomness of one
customer's future behaviour: the interval is for the *expected* value.

Subscription businesses use the retention formula (``retention_clv``)::

    CLV = m * sum_{t=1..H} (r / (1 + d)) ** t      ->  m * r / (1 + d - r)  when H is infinite

(``m`` margin per period, ``r`` retention per period, ``d`` discount rate per
period; a customer who renews for a period pays that period's margin, counted
from the end of the period.)
"""
from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass, field
from typing import Any, Literal, Sequence

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from scipy.optimize import minimize
from scipy.special import digamma, expit, gammaln, hyp2f1, ndtri

from ..errors import InvalidInput, Problem, WorkbookError, from_pydantic

log = logging.getLogger(__name__)

# -- constants from the source (Rust, Moorman and Bhalla, HBR 2010) --------------

SOURCE = 'Roland T. Rust, Christine Moorman and Gaurav Bhalla, "Rethinking Marketing", Harvard Business Review, 2010'
CUSTOMER_METRICS = ("customer lifetime value", "customer equity", "customer profitability")
CCO_COUNT_2003 = 30    # chief customer officers: about 30 in 2003 ...
CCO_COUNT_2010 = 300   # ... and about 300 by the time of the article (2010)

# -- workbook conventions ----------------------------------------------------------

TIME_UNIT = "weeks"
DAYS_PER_WEEK = 7.0
WEEKS_PER_MONTH = 365.25 / 12 / DAYS_PER_WEEK
MIN_CUSTOMERS_FOR_FIT = 30
MIN_REPEATERS_FOR_SPEND = 10
#: Value tiers: (name, upper edge of the cumulative share of customers ranked by CLV).
TIERS: tuple[tuple[str, float], ...] = (("Top 10%", 0.10), ("Next 10%", 0.20), ("Next 30%", 0.50), ("Bottom 50%", 1.0))
_LOG_BOUND = 15.0  # log-parameters are kept within +-15 while fitting


# -- inputs -------------------------------------------------------------------


class TransactionColumns(BaseModel):
    """Which column of the export holds what (``product`` optional)."""

    model_config = ConfigDict(extra="forbid")

    customer_id: str = "customer_id"
    date: str = "date"
    amount: str = "amount"
    product: str | None = "product"

    def renames(self) -> dict[str, str]:
        """``{column in the export: column the workbook uses}`` for ``Store.import_table``."""
        pairs = {self.customer_id: "customer_id", self.date: "date", self.amount: "amount", self.product: "product"}
        return {k: v for k, v in pairs.items() if k is not None and k != v}


class Subscription(BaseModel):
    """A subscription line: how many subscribers, what each earns and how many renew each month."""

    model_config = ConfigDict(extra="forbid")

    subscribers: int = Field(ge=0)
    monthly_margin: float = Field(gt=0, description="margin per subscriber per month, in currency")
    monthly_retention: float = Field(gt=0, lt=1, description="share of subscribers who renew each month")


AUDIT_ALLOWED = "a whole number 0 (not at all) to 4 (fully), or null when not answered"


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
        try:
            return cls.model_validate(doc)
        except ValidationError as exc:
            raise from_pydantic(exc, context) from None


# -- transactions ----------------------------------------------------------------


def _parse_dates(raw: pd.Series) -> pd.Series:
    """Parse dates fast (ISO first), falling back to mixed formats for what is left."""
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        return raw
    text = raw.astype("string").str.strip()
    dates = pd.to_datetime(text, format="ISO8601", errors="coerce")
    retry = dates.isna() & text.notna() & text.ne("")
    if retry.any():
        dates = dates.copy()
        dates[retry] = pd.to_datetime(text[retry], format="mixed", errors="coerce")
    return dates


def validate_transactions(frame: pd.DataFrame, columns: TransactionColumns | dict | None = None) -> pd.DataFrame:
    """Check and clean a transactions table.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per transaction (strings are fine).
    columns : TransactionColumns or dict, optional
        Column mapping; by default ``customer_id``, ``date``, ``amount`` and the
        optional ``product``.

    Returns
    -------
    pandas.DataFrame
        ``customer_id`` (str), ``date`` (datetime64, day precision),
        ``amount`` (float, > 0) and ``product`` (str, ``""`` when absent).

    Raises
    ------
    InvalidInput
        Listing every bad cell as ``row <spreadsheet row>, <column>``.
    """
    if not isinstance(frame, pd.DataFrame):
        raise InvalidInput.one("transactions", type(frame).__name__, "a table (pandas DataFrame)")
    cmap = columns if isinstance(columns, TransactionColumns) else TransactionColumns(**(columns or {}))
    have = ", ".join(map(str, frame.columns))
    if cmap.customer_id not in frame.columns and "customer_id" in frame.columns:
        cmap = TransactionColumns()  # already in the workbook's own column names
    missing = [Problem(f"columns.{k}", v, f"a column of the table ({have})")
               for k, v in (("customer_id", cmap.customer_id), ("date", cmap.date), ("amount", cmap.amount))
               if v not in frame.columns]
    if missing:
        raise InvalidInput(missing, "transactions")
    rows = np.arange(len(frame)) + 2
    problems: list[Problem] = []

    cid = frame[cmap.customer_id].astype("string").str.strip()
    bad_id = (cid.isna() | cid.eq("")).to_numpy()
    problems += [Problem(f"row {rows[i]}, {cmap.customer_id}", frame[cmap.customer_id].iloc[i], "a customer id (not blank)")
                 for i in np.flatnonzero(bad_id)]
    dates = _parse_dates(frame[cmap.date])
    problems += [Problem(f"row {rows[i]}, {cmap.date}", frame[cmap.date].iloc[i], "a date such as 2024-03-31")
                 for i in np.flatnonzero(dates.isna().to_numpy())]
    raw_amount = frame[cmap.amount]
    if pd.api.types.is_numeric_dtype(raw_amount.dtype):
        amount = raw_amount.to_numpy(dtype=float)
    else:
        text = raw_amount.astype("string").str.strip().str.replace(r"^\$|,", "", regex=True)
        amount = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
    bad_amount = ~np.isfinite(amount) | (amount <= 0)
    problems += [Problem(f"row {rows[i]}, {cmap.amount}", raw_amount.iloc[i],
                         "a positive amount such as 24.50 (record refunds separately)")
                 for i in np.flatnonzero(bad_amount)]
    if problems:
        raise InvalidInput(problems, "transactions")
    out = pd.DataFrame({"customer_id": cid.astype(str).to_numpy(), "date": dates.dt.normalize().to_numpy(),
                        "amount": amount})
    if cmap.product is not None and cmap.product in frame.columns:
        out["product"] = frame[cmap.product].astype("string").str.strip().fillna("").astype(str).to_numpy()
    else:
        out["product"] = ""
    return out


TABLES = {"transactions": validate_transactions}


def summarize(transactions: pd.DataFrame, observation_end: Any = None, columns: TransactionColumns | None = None
              ) -> pd.DataFrame:
    """Per-customer frequency, recency, age and repeat spend, as the BG/NBD papers define them.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Raw or validated transactions.
    observation_end : date-like, optional
        End of the observation window (inclusive); by default the last date in
        the data. Later transactions are left out.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``customer_id``: ``frequency`` (repeat purchases: purchase
        days after the first), ``recency`` (weeks from the first to the last
        purchase), ``T`` (weeks from the first purchase to the end of the
        window), ``monetary_value`` (mean amount of the repeat purchases; 0 when
        there are none), ``first_purchase``, ``total_spend`` and
        ``purchase_days``.
    """
    tx = transactions
    if not {"customer_id", "date", "amount"} <= set(tx.columns) or tx["amount"].dtype.kind != "f" \
            or not pd.api.types.is_datetime64_any_dtype(tx["date"].dtype):
        tx = validate_transactions(tx, columns)
    days = tx["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    end = days.max() if observation_end is None else \
        np.datetime64(pd.Timestamp(observation_end).date(), "D").astype(np.int64)
    keep = days <= end
    if not keep.all():
        log.info("summarize: %d transactions after the observation end are left out", int((~keep).sum()))
    if not keep.any():
        raise InvalidInput.one("observation_end", str(observation_end), "a date on or after the first transaction")
    codes, ids = pd.factorize(tx["customer_id"].to_numpy()[keep])
    days, amount = days[keep], tx["amount"].to_numpy(dtype=float)[keep]
    d0 = days.min()
    key = codes.astype(np.int64) * (int(days.max() - d0) + 1) + (days - d0)
    ukey, inv = np.unique(key, return_inverse=True)  # one row per customer-day, sorted by customer then day
    day_amount = np.bincount(inv, weights=amount)
    span = int(days.max() - d0) + 1
    ucust, uday = ukey // span, ukey % span + d0
    n_cust = len(ids)
    count = np.bincount(ucust, minlength=n_cust)
    first_idx = np.r_[0, np.cumsum(count)[:-1]]
    last_idx = np.cumsum(count) - 1
    first_day, last_day = uday[first_idx], uday[last_idx]
    total = np.bincount(ucust, weights=day_amount, minlength=n_cust)
    freq = count - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        monetary = np.where(freq > 0, (total - day_amount[first_idx]) / np.maximum(freq, 1), 0.0)
    out = pd.DataFrame({
        "frequency": freq.astype(np.int64),
        "recency": (last_day - first_day) / DAYS_PER_WEEK,
        "T": (end - first_day) / DAYS_PER_WEEK,
        "monetary_value": monetary,
        "first_purchase": first_day.astype("datetime64[D]"),
        "total_spend": total,
        "purchase_days": count,
    }, index=pd.Index(ids, name="customer_id"))
    return out


def _check_rfm(frequency: Any, recency: Any, T: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x, tx, T = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (frequency, recency, T)))
    problems = []
    for name, arr, ok in (("frequency", x, (x >= 0) & (x == np.round(x))), ("recency", tx, tx >= 0),
                          ("T", T, (T >= tx))):
        bad = ~ok | ~np.isfinite(arr)
        if bad.any():
            i = int(np.flatnonzero(bad.ravel())[0])
            allowed = {"frequency": "whole numbers 0 or more", "recency": "0 or more weeks",
                       "T": "at least the recency (age counts from the first purchase)"}[name]
            problems.append(Problem(f"{name}[{i}]", arr.ravel()[i].item(), f"{allowed} ({int(bad.sum())} bad values)"))
    if problems:
        raise InvalidInput(problems, "customer summary")
    return x, tx, T


def _compress(*cols: np.ndarray, weights: np.ndarray | None = None) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Unique rows of several equal-length columns, with weights and the inverse index."""
    key = np.zeros(len(cols[0]), dtype=np.int64)
    for c in cols:
        codes, uniq = pd.factorize(c)
        key = key * len(uniq) + codes
    ukey, first, inv = np.unique(key, return_index=True, return_inverse=True)
    w = np.bincount(inv, weights=weights, minlength=len(ukey)) if weights is not None else \
        np.bincount(inv, minlength=len(ukey)).astype(float)
    return [c[first] for c in cols], w, inv


def _numeric_hessian(grad, theta: np.ndarray, step: float = 1e-5) -> np.ndarray:
    k = len(theta)
    h = np.empty((k, k))
    for j in range(k):
        e = np.zeros(k)
        e[j] = step
        h[:, j] = (grad(theta + e) - grad(theta - e)) / (2 * step)
    return (h + h.T) / 2


def _covariance(hessian_total: np.ndarray) -> np.ndarray:
    try:
        cov = np.linalg.inv(hessian_total)
        if np.all(np.linalg.eigvalsh(cov) > 0):
            return cov
    except np.linalg.LinAlgError:
        pass
    log.warning("the information matrix is not positive definite; parameter uncertainty is unreliable")
    return np.linalg.pinv(hessian_total)


class FitError(WorkbookError):
    """A model could not be fitted to the data given."""


# -- BG/NBD -----------------------------------------------------------------------


class BetaGeo:
    """The BG/NBD model of repeat buying (Fader, Hardie and Lee 2005).

    Attributes (after ``fit``)
    --------------------------
    params_ : dict
        ``r``, ``alpha`` (weeks), ``a``, ``b``.
    cov_ : numpy.ndarray
        4x4 covariance of the log-parameters (inverse Hessian).
    log_likelihood_ : float
    n_customers_, n_unique_ : int
        Customers fitted, and distinct (frequency, recency, T) rows used.
    """

    NAMES = ("r", "alpha", "a", "b")

    def __init__(self) -> None:
        self.params_: dict[str, float] = {}
        self.cov_: np.ndarray | None = None
        self.log_likelihood_ = float("nan")
        self.n_customers_ = 0
        self.n_unique_ = 0
        self.converged_ = False

    # likelihood ------------------------------------------------------------
    @staticmethod
    def _ll_grad(theta: np.ndarray, x: np.ndarray, tx: np.ndarray, T: np.ndarray, w: np.ndarray,
                 xi: np.ndarray, xu: np.ndarray, grad: bool = True) -> tuple[float, np.ndarray]:
        """Weighted log-likelihood and its gradient in log-parameters.

        ``xu`` are the distinct frequencies and ``xi`` the index of each row's
        frequency in ``xu`` (gamma-function terms depend on ``x`` alone).
        """
        r, alpha, a, b = np.exp(theta)
        # per distinct frequency
        a1 = gammaln(r + xu) - gammaln(r) + r * np.log(alpha)
        a2 = gammaln(a + b) + gammaln(b + xu) - gammaln(b) - gammaln(a + b + xu)
        base = (a1 + a2)[xi]
        la_T = np.log(alpha + T)
        la_tx = np.log(alpha + tx)
        rx = r + x
        has = x > 0
        log_b1 = np.log(np.where(has, b + x - 1, 1.0))
        a3 = -rx * la_T
        a4 = np.where(has, np.log(a) - log_b1 - rx * la_tx, -np.inf)
        m = np.maximum(a3, a4)
        e3, e4 = np.exp(a3 - m), np.exp(a4 - m)
        tot = e3 + e4
        ll = float(w @ (base + m + np.log(tot)))
        if not grad:
            return ll, np.empty(0)
        w4 = e4 / tot
        w3 = 1 - w4
        dr_u = digamma(r + xu) - digamma(r) + np.log(alpha)
        da_u = digamma(a + b) - digamma(a + b + xu)
        db_u = digamma(a + b) + digamma(b + xu) - digamma(b) - digamma(a + b + xu)
        dr = dr_u[xi] - w3 * la_T - w4 * la_tx
        dalpha = r / alpha - rx * (w3 / (alpha + T) + w4 / (alpha + tx))
        da = da_u[xi] + w4 / a
        db = db_u[xi] - w4 / np.where(has, b + x - 1, 1.0)
        g = np.array([w @ dr, w @ dalpha, w @ da, w @ db]) * np.array([r, alpha, a, b])
        return ll, g

    def _prepared(self, frequency: Any, recency: Any, T: Any, weights: Any = None):
        x, tx, T = _check_rfm(frequency, recency, T)
        x, tx, T = x.ravel(), tx.ravel(), T.ravel()
        wts = None if weights is None else np.asarray(weights, dtype=float).ravel()
        (ux, utx, uT), w, _ = _compress(x, tx, T, weights=wts)
        xu, xi = np.unique(ux, return_inverse=True)
        return ux, utx, uT, w, xi, xu

    def fit(self, frequency: Any, recency: Any, T: Any, weights: Any = None,
            initial: dict[str, float] | None = None) -> "BetaGeo":
        """Fit by maximum likelihood (L-BFGS-B on log-parameters with the analytic gradient).

        Parameters
        ----------
        frequency, recency, T : array_like
            Per customer, in weeks (see :func:`summarize`).
        weights : array_like, optional
            How many customers each row stands for.
        initial : dict, optional
            Starting values for r, alpha, a, b.

        Returns
        -------
        BetaGeo
            ``self``, with ``params_`` and ``cov_`` set.
        """
        ux, utx, uT, w, xi, xu = self._prepared(frequency, recency, T, weights)
        total = float(w.sum())
        if total < MIN_CUSTOMERS_FOR_FIT:
            raise FitError(f"BG/NBD needs at least {MIN_CUSTOMERS_FOR_FIT} customers; got {total:.0f}")
        if not (ux > 0).any():
            raise FitError("BG/NBD needs some repeat purchases; every customer bought only once")
        if initial:
            start = np.log([initial[k] for k in self.NAMES])
        else:
            mean_rate = max(float(w @ ux) / max(float(w @ uT), 1e-9), 1e-6)
            start = np.log([1.0, 1.0 / mean_rate, 1.0, 3.0])

        def fun(theta):
            ll, g = self._ll_grad(theta, ux, utx, uT, w, xi, xu)
            return -ll / total, -g / total

        res = minimize(fun, start, jac=True, method="L-BFGS-B", bounds=[(-_LOG_BOUND, _LOG_BOUND)] * 4,
                       options={"maxiter": 1000, "ftol": 1e-13, "gtol": 1e-9})
        self.converged_ = bool(res.success)
        if not res.success:
            log.warning("BG/NBD fit did not fully converge: %s", res.message)
        theta = res.x
        self.params_ = dict(zip(self.NAMES, map(float, np.exp(theta))))
        hess = _numeric_hessian(lambda th: -self._ll_grad(th, ux, utx, uT, w, xi, xu)[1], theta)
        self.cov_ = _covariance(hess)
        self.log_likelihood_ = -float(res.fun) * total
        self.n_customers_, self.n_unique_ = int(round(total)), len(ux)
        return self

    def _require(self) -> tuple[float, float, float, float]:
        if not self.params_:
            raise FitError("fit the model first (BetaGeo().fit(...))")
        return tuple(self.params_[k] for k in self.NAMES)  # type: ignore[return-value]

    @property
    def standard_errors_(self) -> dict[str, float]:
        """Standard errors of the parameters (delta method from the log scale)."""
        self._require()
        se_log = np.sqrt(np.diag(self.cov_))
        return {k: self.params_[k] * s for k, s in zip(self.NAMES, se_log)}

    def log_likelihood(self, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """Log-likelihood of each customer under the fitted parameters."""
        theta = np.log(self._require())
        x, tx, T = (v.ravel() for v in _check_rfm(frequency, recency, T))
        xu, xi = np.unique(x, return_inverse=True)
        out = np.empty(len(x))
        for j in range(len(x)):  # small helper for checks; not used in fitting
            out[j] = self._ll_grad(theta, x[j:j + 1], tx[j:j + 1], T[j:j + 1], np.ones(1), xi[j:j + 1] * 0,
                                   xu[xi[j:j + 1]], grad=False)[0]
        return out

    # predictions --------------------------------------------------------------
    @staticmethod
    def _log_odds_dead(params, x, tx, T) -> np.ndarray:
        r, alpha, a, b = params
        has = x > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            term = np.log(a) - np.log(np.where(has, b + x - 1, 1.0)) + (r + x) * (np.log(alpha + T) - np.log(alpha + tx))
        return np.where(has, term, -np.inf)

    def probability_alive(self, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """Probability that each customer is still active at ``T``.

        ``1 / (1 + [x > 0] * a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x))``;
        a customer with no repeat purchase is active with probability 1 under
        the BG/NBD (dropout happens only right after a purchase).
        """
        x, tx, T = _check_rfm(frequency, recency, T)
        return expit(-self._log_odds_dead(self._require(), x, tx, T))

    @staticmethod
    def _cum_expected(params, t: float, x: np.ndarray, T: np.ndarray) -> np.ndarray:
        """E[Y(t)] given alive, before multiplying by P(alive): depends on x and T only."""
        r, alpha, a, b = params
        if abs(a - 1) < 1e-8:
            a = 1 + 1e-8
        if t <= 0:
            return np.zeros(np.broadcast(x, T).shape)
        z = t / (alpha + T + t)
        hyp = hyp2f1(r + x, b + x, a + b + x - 1, z)
        return (a + b + x - 1) / (a - 1) * (1 - np.exp((r + x) * np.log1p(-z)) * hyp)

    def expected_purchases(self, t: float, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """Expected purchases in the next ``t`` weeks given each customer's history (FHL 2005, eq. 10)."""
        x, tx, T = _check_rfm(frequency, recency, T)
        params = self._require()
        (ux, uT), _, inv = _compress(x.ravel(), T.ravel())
        g = self._cum_expected(params, float(t), ux, uT)[inv].reshape(x.shape)
        return g * expit(-self._log_odds_dead(params, x, tx, T))

    def expected_purchases_new(self, t: float) -> float:
        """Expected purchases in ``t`` weeks of a customer just acquired (FHL 2005, eq. 9)."""
        r, alpha, a, b = self._require()
        z = t / (alpha + t)
        return float((a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, z)))


# -- Gamma-Gamma -----------------------------------------------------------------


class GammaGamma:
    """The Gamma-Gamma model of spend per purchase (Fader and Hardie 2013).

    Attributes (after ``fit``)
    --------------------------
    params_ : dict
        ``p``, ``q``, ``gamma`` (gamma in currency units).
    cov_ : numpy.ndarray
        3x3 covariance of the log-parameters.
    """

    NAMES = ("p", "q", "gamma")

    def __init__(self) -> None:
        self.params_: dict[str, float] = {}
        self.cov_: np.ndarray | None = None
        self.log_likelihood_ = float("nan")
        self.n_customers_ = 0

    @staticmethod
    def _ll_grad(theta, x, m, w, grad=True):
        p, q, g = np.exp(theta)
        px = p * x
        lgm = np.log(g + m * x)
        ll = gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(g) + (px - 1) * np.log(m) + px * np.log(x) \
            - (px + q) * lgm
        total = float(w @ ll)
        if not grad:
            return total, np.empty(0)
        dpq = digamma(px + q)
        dp = x * (dpq - digamma(px) + np.log(m) + np.log(x) - lgm)
        dq = dpq - digamma(q) + np.log(g) - lgm
        dg = q / g - (px + q) / (g + m * x)
        return total, np.array([w @ dp, w @ dq, w @ dg]) * np.array([p, q, g])

    def fit(self, frequency: Any, monetary_value: Any, weights: Any = None) -> "GammaGamma":
        """Fit by maximum likelihood on the customers with at least one repeat purchase.

        Parameters
        ----------
        frequency : array_like
            Repeat purchases per customer.
        monetary_value : array_like
            Mean spend of those repeat purchases.
        weights : array_like, optional

        Returns
        -------
        GammaGamma
            ``self``.
        """
        x = np.asarray(frequency, dtype=float).ravel()
        m = np.asarray(monetary_value, dtype=float).ravel()
        w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float).ravel()
        use = (x > 0) & (m > 0) & np.isfinite(m)
        if (x > 0).any() and ((m[x > 0] <= 0) | ~np.isfinite(m[x > 0])).any():
            bad = int(np.flatnonzero((x > 0) & ~((m > 0) & np.isfinite(m)))[0])
            raise InvalidInput.one(f"monetary_value[{bad}]", float(m[bad]), "a positive mean spend for repeat buyers")
        x, m, w = x[use], m[use], w[use]
        if w.sum() < MIN_REPEATERS_FOR_SPEND:
            raise FitError(f"Gamma-Gamma needs at least {MIN_REPEATERS_FOR_SPEND} repeat buyers; got {w.sum():.0f}")
        scale = float(np.median(m))
        (ux, um), uw, _ = _compress(x, m / scale, weights=w)
        total = float(uw.sum())
        start = np.log([2.0, 3.0, float(uw @ um / total)])

        def fun(theta):
            ll, g = self._ll_grad(theta, ux, um, uw)
            return -ll / total, -g / total

        res = minimize(fun, start, jac=True, method="L-BFGS-B", bounds=[(-_LOG_BOUND, _LOG_BOUND)] * 3,
                       options={"maxiter": 1000, "ftol": 1e-13, "gtol": 1e-9})
        if not res.success:
            log.warning("Gamma-Gamma fit did not fully converge: %s", res.message)
        theta = res.x
        p, q, g = np.exp(theta)
        self.params_ = {"p": float(p), "q": float(q), "gamma": float(g * scale)}
        hess = _numeric_hessian(lambda th: -self._ll_grad(th, ux, um, uw)[1], theta)
        self.cov_ = _covariance(hess)
        # the likelihood of the unscaled data differs by the Jacobian of the scaling
        self.log_likelihood_ = -float(res.fun) * total - float(uw @ np.log(np.full_like(um, scale)))
        self.n_customers_ = int(round(total))
        if q <= 1:
            log.warning("Gamma-Gamma q = %.3f <= 1: mean spend is not finite under the fitted model", q)
        return self

    def _require(self) -> tuple[float, float, float]:
        if not self.params_:
            raise FitError("fit the model first (GammaGamma().fit(...))")
        return tuple(self.params_[k] for k in self.NAMES)  # type: ignore[return-value]

    @property
    def standard_errors_(self) -> dict[str, float]:
        """Standard errors of the parameters."""
        self._require()
        return {k: self.params_[k] * s for k, s in zip(self.NAMES, np.sqrt(np.diag(self.cov_)))}

    def expected_spend(self, frequency: Any, monetary_value: Any) -> np.ndarray:
        """Expected spend per future purchase given a customer's record.

        ``p (gamma + x m) / (p x + q - 1)``: a weighted mix of the population mean
        ``p gamma / (q - 1)`` and the customer's own average; customers without a
        repeat purchase get the population mean.
        """
        p, q, g = self._require()
        if q <= 1:
            raise FitError(f"fitted q = {q:.3f} <= 1: the model has no finite mean spend")
        x = np.asarray(frequency, dtype=float)
        m = np.where(x > 0, np.asarray(monetary_value, dtype=float), 0.0)
        return p * (g + x * m) / (p * x + q - 1)


# -- lifetime value ---------------------------------------------------------------


def monthly_discount_factor(annual_discount_rate: float) -> float:
    """``v`` with ``v ** 12 = 1 / (1 + annual rate)``."""
    if not 0 <= annual_discount_rate <= 1:
        raise InvalidInput.one("annual_discount_rate", annual_discount_rate, "a rate from 0 to 1 (e.g. 0.10 for 10%)")
    return (1 + annual_discount_rate) ** (-1 / 12)


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


VALUE_COLUMNS = ["frequency", "recency", "T", "monetary_value", "p_alive", "expected_purchases",
                 "expected_spend", "clv", "clv_low", "clv_high"]


def _value(summary: pd.DataFrame, bg: BetaGeo, gg: GammaGamma, margin: float, annual_discount_rate: float,
           horizon_months: int, confidence: float, interval: str, draws: int, seed: int
           ) -> tuple[pd.DataFrame, float, float]:
    """Per-customer values plus the interval of their sum (customer equity)."""
    if not 0 < margin <= 1:
        raise InvalidInput.one("margin", margin, "a share of spend greater than 0 and at most 1 (e.g. 0.35)")
    if int(horizon_months) != horizon_months or not 1 <= horizon_months <= 240:
        raise InvalidInput.one("horizon_months", horizon_months, "a whole number of months from 1 to 240")
    if interval not in ("delta", "bootstrap"):
        raise InvalidInput.one("interval", interval, "'delta' or 'bootstrap'")
    v = monthly_discount_factor(annual_discount_rate)
    z = float(ndtri(0.5 + confidence / 2))
    x, tx, T = _check_rfm(summary["frequency"], summary["recency"], summary["T"])
    m = summary["monetary_value"].to_numpy(dtype=float)
    bgp = np.array(bg._require())
    ggp = np.array(gg._require())

    # BG/NBD part on distinct (x, t_x, T); the hypergeometric part on distinct (x, T)
    (ux, utx, uT), _, inv3 = _compress(x, tx, T)
    (vx, vT), _, inv2 = _compress(ux, uT)

    def bg_part(params):
        d, e = _discounted_purchases(params, vx, vT, horizon_months, v)
        alive = expit(-BetaGeo._log_odds_dead(params, ux, utx, uT))
        return alive, d[inv2], e[inv2]

    def spend_of(params):
        p, q, g = params
        return p * (g + np.where(x > 0, x * m, 0.0)) / (p * x + q - 1)

    alive, disc, expct = bg_part(bgp)
    spend = gg.expected_spend(x, m)
    clv = margin * spend * (alive * disc)[inv3]
    out = pd.DataFrame({"frequency": x.astype(np.int64), "recency": tx, "T": T, "monetary_value": m,
                        "p_alive": alive[inv3], "expected_purchases": (alive * expct)[inv3],
                        "expected_spend": spend, "clv": clv}, index=summary.index)
    total = float(clv.sum())
    if interval == "delta":
        # d log(alive * disc) / d log-params by forward differences on distinct rows; spend part analytic
        base = np.log(alive * disc)
        jac_bg = np.empty((len(ux), 4))
        step = 1e-6
        for j in range(4):
            th = np.log(bgp)
            th[j] += step
            a_j, d_j, _ = bg_part(np.exp(th))
            jac_bg[:, j] = (np.log(a_j * d_j) - base) / step
        p, q, g = ggp
        den = p * x + q - 1
        jac_gg = np.column_stack([1 - p * x / den, -q / den, g / (g + np.where(x > 0, x * m, 0.0))])
        var_log = np.einsum("ij,jk,ik->i", jac_bg, bg.cov_, jac_bg)[inv3] + \
            np.einsum("ij,jk,ik->i", jac_gg, gg.cov_, jac_gg)
        half = z * np.sqrt(var_log)
        out["clv_low"], out["clv_high"] = clv * np.exp(-half), clv * np.exp(half)
        # equity: d(sum CLV)/d theta = sum CLV_i * d log CLV_i / d theta
        w = np.bincount(inv3, weights=clv, minlength=len(ux))
        g_bg, g_gg = w @ jac_bg, clv @ jac_gg
        sd = math.sqrt(max(float(g_bg @ bg.cov_ @ g_bg + g_gg @ gg.cov_ @ g_gg), 0.0))
        eq_lo, eq_hi = (total * math.exp(-z * sd / total), total * math.exp(z * sd / total)) if total > 0 else (0.0, 0.0)
    else:
        if len(x) * draws > 50_000_000:
            raise InvalidInput.one("interval", "bootstrap", f"'delta' for this many customers ({len(x):,})")
        rng = np.random.default_rng(seed)
        th_bg = rng.multivariate_normal(np.log(bgp), bg.cov_, size=draws)
        th_gg = rng.multivariate_normal(np.log(ggp), gg.cov_, size=draws)
        sims = np.empty((draws, len(x)))
        for i in range(draws):
            a_i, d_i, _ = bg_part(np.exp(th_bg[i]))
            sims[i] = margin * spend_of(np.exp(th_gg[i])) * (a_i * d_i)[inv3]
        qs = [50 * (1 - confidence), 50 * (1 + confidence)]
        out["clv_low"], out["clv_high"] = np.percentile(sims, qs, axis=0)
        eq_lo, eq_hi = (float(b) for b in np.percentile(sims.sum(1), qs))
    return out, eq_lo, eq_hi


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
