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

The range of the value a customer will *actually* bring is obtained by
simulation (``ValueModel.predictive``): parameters drawn as in the bootstrap,
then the customer's own future drawn from the models given their history
(still active or not, purchase rate, dropout, spend). For one customer it is
far wider than the parameter interval. For customer equity the customers'
own randomness is estimated from a random sample of them
(``ValueModel.equity_spread``) and added to the parameter part
(``BaseValue.outcome_low``/``outcome_high``). The tests check that the
simulation's average equals the closed-form CLV, and that the simulated range
covers actual futures about as often as it promises while the parameter
interval does not.

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
import zlib
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator
from scipy.optimize import minimize
from scipy.special import digamma, expit, gammaln, hyp2f1, ndtri

from ..errors import InvalidInput, Problem, WorkbookError, validated

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
        return validated(cls, doc, context)


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
    missing = [Problem(f"columns.{k}", v, f"the name of the {k.replace('_', ' ')} column; the file has: {have}")
               for k, v in (("customer_id", cmap.customer_id), ("date", cmap.date), ("amount", cmap.amount))
               if v not in frame.columns]
    if missing:
        raise InvalidInput(missing, "transactions")
    rows = np.arange(len(frame)) + 2
    found: list[tuple[int, int, Problem]] = []  # (row, column order, problem): listed row by row

    def shown(value: Any) -> Any:
        return "" if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA else value

    cid = frame[cmap.customer_id].astype("string").str.strip()
    bad_id = (cid.isna() | cid.eq("")).to_numpy()
    found += [(i, 0, Problem(f"row {rows[i]}, {cmap.customer_id}", shown(frame[cmap.customer_id].iloc[i]),
                             "a customer id (not blank)")) for i in np.flatnonzero(bad_id)]
    dates = _parse_dates(frame[cmap.date])
    found += [(i, 1, Problem(f"row {rows[i]}, {cmap.date}", shown(frame[cmap.date].iloc[i]),
                             "a date such as 2024-03-31")) for i in np.flatnonzero(dates.isna().to_numpy())]
    raw_amount = frame[cmap.amount]
    if pd.api.types.is_numeric_dtype(raw_amount.dtype):
        amount = raw_amount.to_numpy(dtype=float)
    else:
        text = raw_amount.astype("string").str.strip().str.replace(r"^\$|,", "", regex=True)
        amount = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
    bad_amount = ~np.isfinite(amount) | (amount <= 0)
    found += [(i, 2, Problem(f"row {rows[i]}, {cmap.amount}", shown(raw_amount.iloc[i]),
                             "a positive amount such as 24.50 (record refunds separately)"))
              for i in np.flatnonzero(bad_amount)]
    if found:
        raise InvalidInput([prob for _, _, prob in sorted(found, key=lambda f: (f[0], f[1]))], "transactions")
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
    """Distinct rows of several equal-length columns, with their weights and each row's index.

    Many customers share one summary row, so likelihoods and predictions are
    computed once per distinct row (hash-based, no sorting).
    """
    n = len(cols[0])
    key = np.zeros(n, dtype=np.int64)
    width = 1
    for c in cols:
        codes, uniq = pd.factorize(c)
        if width * max(len(uniq), 1) > 2 ** 62:
            key, kept = pd.factorize(key)
            width = len(kept)
        key = key * len(uniq) + codes
        width *= max(len(uniq), 1)
    inv, ukey = pd.factorize(key)
    k = len(ukey)
    first = np.empty(k, dtype=np.int64)
    first[inv[::-1]] = np.arange(n - 1, -1, -1)
    w = np.bincount(inv, weights=weights, minlength=k) if weights is not None else \
        np.bincount(inv, minlength=k).astype(float)
    return [c[first] for c in cols], w, inv


_EXTREME_LOG = 9.0  # a fitted log-parameter beyond +-9 (a factor of 8,000) means the data do not pin it down
_PRIOR_SD = 3.0      # then a weak normal prior on the log-parameters (sd 3) keeps the fit usable


def _bfgs(fun, start: np.ndarray, model: str) -> tuple[np.ndarray, bool]:
    """BFGS over log-parameters behind a soft wall at +-``_LOG_BOUND``."""
    def walled(theta):
        kept = np.clip(theta, -_LOG_BOUND, _LOG_BOUND)
        value, grad = fun(kept)
        over = theta - kept
        return value + 0.5 * float((over * over).sum()), grad + over

    res = minimize(walled, start, jac=True, method="BFGS", options={"gtol": 1e-7, "maxiter": 500})
    theta = np.clip(res.x, -_LOG_BOUND, _LOG_BOUND)
    converged = bool(res.success) or float(np.abs(fun(theta)[1]).max()) < 1e-5
    if not converged:
        log.warning("%s fit did not fully converge: %s", model, res.message)
    return theta, converged


def _minimize(fun, start: np.ndarray, model: str, total: float) -> tuple[np.ndarray, float, bool, bool]:
    """Minimize a mean negative log-likelihood over log-parameters.

    Returns ``(theta, value, converged, penalized)``. BFGS from scipy (plain
    numpy arithmetic) is used rather than L-BFGS-B: with three or four
    parameters the quasi-Newton bookkeeping is trivial, while the compiled
    L-BFGS-B calls BLAS routines that slow down badly when the machine's
    cores are busy. When the maximum-likelihood estimate runs off to an
    extreme (for example nobody in the data has stopped buying, so the
    dropout parameters are not identified), the fit is redone with a weak
    normal prior on the log-parameters (posterior mode) and flagged.
    """
    theta, converged = _bfgs(fun, start, model)
    if converged and float(np.abs(theta).max()) <= _EXTREME_LOG:
        return theta, float(fun(theta)[0]), True, False

    def penalized(th):
        value, grad = fun(th)
        return value + float((th * th).sum()) / (2 * _PRIOR_SD ** 2 * total), grad + th / (_PRIOR_SD ** 2 * total)

    log.warning("%s: the data do not pin the parameters down; refitting with a weak prior", model)
    theta, converged = _bfgs(penalized, start, model)
    return theta, float(fun(theta)[0]), converged, True


def _numeric_hessian(grad, theta: np.ndarray, step: float = 1e-5) -> np.ndarray:
    k = len(theta)
    h = np.empty((k, k))
    for j in range(k):
        e = np.zeros(k)
        e[j] = step
        h[:, j] = (grad(theta + e) - grad(theta - e)) / (2 * step)
    return (h + h.T) / 2


def _covariance(hessian_total: np.ndarray) -> np.ndarray:
    """Inverse of the information matrix; made positive definite when it is not (with a warning)."""
    vals, vecs = np.linalg.eigh(hessian_total)
    if np.all(vals > 0):
        return vecs @ np.diag(1 / vals) @ vecs.T
    log.warning("the information matrix is not positive definite; parameter uncertainty is unreliable")
    floor = max(float(np.abs(vals).max()) * 1e-9, 1e-12)
    return vecs @ np.diag(1 / np.maximum(np.abs(vals), floor)) @ vecs.T


class FitError(WorkbookError):
    """A model could not be fitted to the data given."""


def _hyp2f1_series(a: float, b: float, c: np.ndarray, z: np.ndarray, tol: float = 1e-15,
                   max_terms: int = 200_000) -> np.ndarray:
    """Gauss's series for 2F1(a, b; c; z), 0 <= z < 1, summed term by term (the fallback of scipy's).

    Terms follow ``t_{n+1} = t_n (a+n)(b+n) / ((c+n)(n+1)) z``; summing stops
    when every term is below ``tol`` times its running sum.
    """
    c = np.asarray(c, dtype=float)
    z = np.asarray(z, dtype=float)
    total = np.ones_like(c)
    term = np.ones_like(c)
    active = np.ones(c.shape, dtype=bool)
    for n in range(max_terms):
        term = np.where(active, term * (a + n) * (b + n) / ((c + n) * (n + 1)) * z, 0.0)
        total += term
        active &= np.abs(term) > tol * np.abs(total)
        if not active.any():
            break
    return total


def _dot(a: np.ndarray, b: np.ndarray) -> float:
    """Dot product of two vectors (einsum: steady speed whatever the BLAS threading)."""
    return float(np.einsum("i,i->", a, b))


class _BGData:
    """Distinct summary rows prepared for fast BG/NBD likelihood evaluations."""

    def __init__(self, x: np.ndarray, tx: np.ndarray, T: np.ndarray, w: np.ndarray) -> None:
        self.n_rows = len(x)
        self.total = float(w.sum())
        self.xu, xi_all = np.unique(x, return_inverse=True)
        self.Wx = np.bincount(xi_all, w, minlength=len(self.xu))
        self.Tu, Ti_all = np.unique(T, return_inverse=True)
        self.WT = np.bincount(Ti_all, w, minlength=len(self.Tu))
        self.WXT = np.bincount(Ti_all, w * x, minlength=len(self.Tu))
        pos = x > 0
        self.xp, self.wp = x[pos], w[pos]
        self.xi, self.Ti = xi_all[pos], Ti_all[pos]
        self.txu, self.si = np.unique(tx[pos], return_inverse=True)


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
        self.penalized_ = False

    # likelihood ------------------------------------------------------------
    @staticmethod
    def _ll_grad(theta: np.ndarray, d: "_BGData", grad: bool = True) -> tuple[float, np.ndarray]:
        """Weighted log-likelihood (FHL 2005, eq. 6) and its gradient in log-parameters.

        Per customer ``LL = A + log(exp(-(r+x) log(alpha+T)) + [x>0] exp(c_x - (r+x) log(alpha+t_x)))``
        with ``A = lnG(r+x) - lnG(r) + r ln(alpha) + lnB(a, b+x) - lnB(a, b)`` and
        ``c_x = ln a - ln(b+x-1)``. Terms that depend on ``x`` alone are computed
        once per distinct ``x``; those in ``T`` or ``t_x`` once per distinct value.
        """
        r, alpha, a, b = np.exp(theta)
        xu = d.xu
        A = gammaln(r + xu) - gammaln(r) + r * np.log(alpha) + gammaln(a + b) + gammaln(b + xu) - gammaln(b) \
            - gammaln(a + b + xu)
        la_T = np.log(alpha + d.Tu)
        ll = _dot(d.Wx, A) - _dot(la_T, r * d.WT + d.WXT)
        # customers with repeat purchases add log(1 + exp(dd)),
        # dd = c_x + (r+x)(log(alpha+T) - log(alpha+t_x)); log(1 + exp(dd)) = dd - log(expit(dd))
        diff = la_T[d.Ti] - np.log(alpha + d.txu)[d.si]
        bx = np.maximum(b + xu - 1, 1e-300)
        cx = np.log(a) - np.log(bx)
        rx = r + d.xp
        dd = np.clip(cx[d.xi] + rx * diff, -700.0, 700.0)
        w4 = expit(dd)
        ll += _dot(d.wp, dd - np.log(w4))
        if not grad:
            return ll, np.empty(0)
        ww4 = d.wp * w4
        inv_T = 1.0 / (alpha + d.Tu)
        dr = _dot(d.Wx, digamma(r + xu) - digamma(r) + np.log(alpha)) - _dot(d.WT, la_T) + _dot(ww4, diff)
        dalpha = r * d.total / alpha - _dot(inv_T, r * d.WT + d.WXT) \
            + _dot(ww4 * rx, inv_T[d.Ti] - (1.0 / (alpha + d.txu))[d.si])
        s4 = float(ww4.sum())
        da = _dot(d.Wx, digamma(a + b) - digamma(a + b + xu)) + s4 / a
        db = _dot(d.Wx, digamma(a + b) + digamma(b + xu) - digamma(b) - digamma(a + b + xu)) \
            - _dot(np.bincount(d.xi, ww4, minlength=len(xu)), 1.0 / bx)
        return ll, np.array([dr * r, dalpha * alpha, da * a, db * b])

    def _prepared(self, frequency: Any, recency: Any, T: Any, weights: Any = None) -> "_BGData":
        x, tx, T = _check_rfm(frequency, recency, T)
        wts = None if weights is None else np.asarray(weights, dtype=float).ravel()
        (ux, utx, uT), w, _ = _compress(x.ravel(), tx.ravel(), T.ravel(), weights=wts)
        return _BGData(ux, utx, uT, w)

    def fit(self, frequency: Any, recency: Any, T: Any, weights: Any = None,
            initial: dict[str, float] | None = None) -> "BetaGeo":
        """Fit by maximum likelihood (BFGS on log-parameters with the analytic gradient).

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
        data = self._prepared(frequency, recency, T, weights)
        total = data.total
        if total < MIN_CUSTOMERS_FOR_FIT:
            raise FitError(f"BG/NBD needs at least {MIN_CUSTOMERS_FOR_FIT} customers; got {total:.0f}")
        if len(data.xp) == 0:
            raise FitError("BG/NBD needs some repeat purchases; every customer bought only once")
        if initial:
            start = np.log([initial[k] for k in self.NAMES])
        else:
            mean_rate = max(_dot(data.Wx, data.xu) / max(_dot(data.WT, data.Tu), 1e-9), 1e-6)
            start = np.log([1.0, 1.0 / mean_rate, 1.0, 3.0])

        def fun(theta):
            ll, g = self._ll_grad(theta, data)
            return -ll / total, -g / total

        theta, fmin, self.converged_, self.penalized_ = _minimize(fun, start, "BG/NBD", total)
        self.params_ = dict(zip(self.NAMES, map(float, np.exp(theta))))
        hess = _numeric_hessian(lambda th: -self._ll_grad(th, data)[1], theta)
        self.cov_ = _covariance(hess + (np.eye(4) / _PRIOR_SD ** 2 if self.penalized_ else 0))
        self.log_likelihood_ = -fmin * total
        self.n_customers_, self.n_unique_ = int(round(total)), data.n_rows
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
        """Log-likelihood of each customer under the fitted parameters (FHL 2005, eq. 6)."""
        r, alpha, a, b = self._require()
        x, tx, T = _check_rfm(frequency, recency, T)
        A = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + gammaln(a + b) + gammaln(b + x) - gammaln(b) \
            - gammaln(a + b + x)
        with np.errstate(divide="ignore", invalid="ignore"):
            second = np.where(x > 0, np.log(a) - np.log(np.where(x > 0, b + x - 1, 1.0)) - (r + x) * np.log(alpha + tx),
                              -np.inf)
        return A + np.logaddexp(-(r + x) * np.log(alpha + T), second)

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
        """E[Y(t)] given alive, before multiplying by P(alive): depends on x and T only.

        FHL 2005, eq. 10, reads ``(a+b+x-1)/(a-1) * (1 - ((alpha+T)/(alpha+T+t))^(r+x)
        * 2F1(r+x, b+x; a+b+x-1; z))`` with ``z = t/(alpha+T+t)``. For frequent
        buyers and long horizons that hypergeometric function overflows (scipy
        returns NaN or inf, e.g. 700 purchases in two years and a ten-year
        horizon). Two Pfaff transformations turn the bracket into the equal
        ``1 - ((alpha+T+t)/(alpha+T))^(1-a) * 2F1(a+b-1-r, a-1; a+b+x-1; z)``,
        whose first two arguments do not grow with ``x``: the series is tame.
        Where scipy still fails, the series is summed directly.
        """
        r, alpha, a, b = params
        if abs(a - 1) < 1e-8:
            a = 1 + 1e-8
        if t <= 0:
            return np.zeros(np.broadcast(x, T).shape)
        x, T = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(T, dtype=float))
        z = t / (alpha + T + t)
        c = a + b + x - 1
        hyp = hyp2f1(a + b - 1 - r, a - 1, c, z)
        bad = ~np.isfinite(hyp)
        if bad.any():
            hyp = hyp.copy()
            hyp[bad] = _hyp2f1_series(a + b - 1 - r, a - 1, c[bad], z[bad])
        return c / (a - 1) * (1 - np.exp((1 - a) * np.log1p(t / (alpha + T))) * hyp)

    def expected_purchases(self, t: float, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """Expected purchases in the next ``t`` weeks given each customer's history (FHL 2005, eq. 10)."""
        x, tx, T = _check_rfm(frequency, recency, T)
        params = self._require()
        (ux, uT), _, inv = _compress(x.ravel(), T.ravel())
        g = self._cum_expected(params, float(t), ux, uT)[inv].reshape(x.shape)
        return g * expit(-self._log_odds_dead(params, x, tx, T))

    def expected_purchases_new(self, t: float) -> float:
        """Expected purchases in ``t`` weeks of a customer just acquired (FHL 2005, eq. 9).

        Eq. 9 is eq. 10 for a customer with no history (``x = 0``, ``T = 0``).
        """
        params = self._require()
        return float(self._cum_expected(params, float(t), np.zeros(1), np.zeros(1))[0])


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
        self.converged_ = False
        self.penalized_ = False

    @staticmethod
    def _ll_grad(theta, x, m, w, grad=True):
        p, q, g = np.exp(theta)
        px = p * x
        lgm = np.log(g + m * x)
        ll = gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(g) + (px - 1) * np.log(m) + px * np.log(x) \
            - (px + q) * lgm
        total = _dot(w, ll)
        if not grad:
            return total, np.empty(0)
        dpq = digamma(px + q)
        dp = x * (dpq - digamma(px) + np.log(m) + np.log(x) - lgm)
        dq = dpq - digamma(q) + np.log(g) - lgm
        dg = q / g - (px + q) / (g + m * x)
        return total, np.array([_dot(w, dp), _dot(w, dq), _dot(w, dg)]) * np.array([p, q, g])

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
        start = np.log([2.0, 3.0, _dot(uw, um) / total])

        def fun(theta):
            ll, g = self._ll_grad(theta, ux, um, uw)
            return -ll / total, -g / total

        theta, fmin, self.converged_, self.penalized_ = _minimize(fun, start, "Gamma-Gamma", total)
        p, q, g = np.exp(theta)
        self.params_ = {"p": float(p), "q": float(q), "gamma": float(g * scale)}
        hess = _numeric_hessian(lambda th: -self._ll_grad(th, ux, um, uw)[1], theta)
        self.cov_ = _covariance(hess + (np.eye(3) / _PRIOR_SD ** 2 if self.penalized_ else 0))
        # the likelihood of the unscaled data differs by the Jacobian of the scaling
        self.log_likelihood_ = -fmin * total - total * math.log(scale)
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
_STEP = 1e-6  # forward-difference step in the log-parameters for the delta method
PREDICTIVE_DRAWS = 1000   # simulated futures per customer for the range of actual value
PREDICTIVE_MONTHS = 120   # simulated up front (the longest horizon the inputs allow)
EQUITY_SAMPLE, EQUITY_DRAWS = 800, 20  # customers and futures each for the equity's own randomness
SIMULATION_SEED = 2010
_PATHS_KEEP = 32          # customers whose simulated futures are kept (about 0.5 MB each)


class ValueModel:
    """A customer base with fitted models, ready to value for any margin, rate and horizon.

    The expensive part of CLV, the BG/NBD expected purchases month by month
    (a hypergeometric function per distinct frequency and age), does not
    depend on the margin or the discount rate; it is computed once (for the
    fitted parameters and for each parameter nudged, for the delta method)
    and kept. :meth:`value` is then a few vector operations, which is what
    keeps the live sliders instant.

    Parameters
    ----------
    summary : pandas.DataFrame
        From :func:`summarize`.
    bg, gg : fitted BetaGeo and GammaGamma
    """

    def __init__(self, summary: pd.DataFrame, bg: BetaGeo, gg: GammaGamma) -> None:
        self.index = summary.index
        x, tx, T = _check_rfm(summary["frequency"], summary["recency"], summary["T"])
        self.x, self.tx, self.T = x, tx, T
        self.m = summary["monetary_value"].to_numpy(dtype=float)
        self.bg, self.gg = bg, gg
        self._bgp = np.array(bg._require())
        (ux, utx, uT), _, self._inv3 = _compress(x, tx, T)
        (self._vx, self._vT), _, self._inv2 = _compress(ux, uT)
        # parameter sets: fitted, then each log-parameter nudged by _STEP
        thetas = [np.log(self._bgp)] + [np.log(self._bgp) + _STEP * e for e in np.eye(4)]
        self._params = [np.exp(th) for th in thetas]
        self._alive = np.array([expit(-BetaGeo._log_odds_dead(p, ux, utx, uT)) for p in self._params])
        self._cum = np.zeros((5, len(self._vx), 0))  # E[Y(k months) | alive], k = 1..months computed
        self.spend = gg.expected_spend(x, self.m)
        p, q, g = gg._require()
        den = p * x + q - 1
        self._jac_gg = np.column_stack([1 - p * x / den, -q / den, g / (g + np.where(x > 0, x * self.m, 0.0))])
        self._param_draws: tuple[np.ndarray, np.ndarray] | None = None
        self._paths: dict[Any, np.ndarray] = {}
        self._equity_paths: tuple[np.ndarray, np.ndarray] | None = None

    def _ensure(self, months: int) -> None:
        have = self._cum.shape[2]
        if months <= have:
            return
        extra = np.empty((5, len(self._vx), months - have))
        for s, params in enumerate(self._params):
            for j, k in enumerate(range(have + 1, months + 1)):
                extra[s, :, j] = BetaGeo._cum_expected(params, k * WEEKS_PER_MONTH, self._vx, self._vT)
        self._cum = np.concatenate([self._cum, extra], axis=2)

    def value(self, margin: float, annual_discount_rate: float, horizon_months: int, confidence: float = 0.95
              ) -> tuple[pd.DataFrame, float, float]:
        """Per-customer values (``VALUE_COLUMNS``) and the interval of their sum.

        The interval of each CLV is ``CLV * exp(+-z * sd)`` with ``sd`` the
        delta-method standard deviation of ``log CLV`` (BG/NBD and Gamma-Gamma
        parameters independent); customer equity gets the same treatment with
        the gradient of the sum.
        """
        _check_settings(margin, horizon_months, confidence)
        v = monthly_discount_factor(annual_discount_rate)
        z = float(ndtri(0.5 + confidence / 2))
        self._ensure(horizon_months)
        cum = self._cum[:, :, :horizon_months]
        inc = np.diff(cum, axis=2, prepend=0.0)
        disc2 = np.einsum("suk,k->su", inc, v ** np.arange(1, horizon_months + 1))   # per distinct (x, T)
        bgpart = self._alive * disc2[:, self._inv2]                                   # per distinct (x, t_x, T)
        with np.errstate(divide="ignore", invalid="ignore"):
            jac_bg = np.where(bgpart[0] > 0, (np.log(bgpart[1:]) - np.log(bgpart[0])) / _STEP, 0.0).T
        inv3 = self._inv3
        clv = margin * self.spend * bgpart[0][inv3]
        var_log = np.einsum("ij,jk,ik->i", jac_bg, self.bg.cov_, jac_bg)[inv3] + \
            np.einsum("ij,jk,ik->i", self._jac_gg, self.gg.cov_, self._jac_gg)
        half = z * np.sqrt(np.maximum(var_log, 0.0))
        out = pd.DataFrame({
            "frequency": self.x.astype(np.int64), "recency": self.tx, "T": self.T, "monetary_value": self.m,
            "p_alive": self._alive[0][inv3], "expected_purchases": (self._alive[0] * cum[0, :, -1][self._inv2])[inv3],
            "expected_spend": self.spend, "clv": clv, "clv_low": clv * np.exp(-half), "clv_high": clv * np.exp(half),
        }, index=self.index)
        total = float(clv.sum())
        g_bg = np.einsum("i,ij->j", np.bincount(inv3, weights=clv, minlength=len(jac_bg)), jac_bg)
        g_gg = np.einsum("i,ij->j", clv, self._jac_gg)
        sd = math.sqrt(max(float(g_bg @ self.bg.cov_ @ g_bg + g_gg @ self.gg.cov_ @ g_gg), 0.0))
        if total <= 0:
            return out, 0.0, 0.0
        return out, total * math.exp(-z * sd / total), total * math.exp(z * sd / total)


    # -- the customer's own randomness (simulation) ------------------------------------
    def _sim_seed(self, key: str) -> np.random.Generator:
        return np.random.default_rng([zlib.crc32(key.encode("utf-8")), SIMULATION_SEED])

    def _parameter_draws(self) -> tuple[np.ndarray, np.ndarray]:
        """PREDICTIVE_DRAWS parameter vectors from N(estimate, inverse Hessian) on the log scale (fixed seed)."""
        if self._param_draws is None:
            rng = np.random.default_rng(SIMULATION_SEED)
            th_bg = rng.multivariate_normal(np.log(self._bgp), self.bg.cov_, size=PREDICTIVE_DRAWS)
            th_gg = rng.multivariate_normal(np.log(self.gg._require()), self.gg.cov_, size=PREDICTIVE_DRAWS)
            self._param_draws = (np.exp(th_bg), np.exp(th_gg))
        return self._param_draws

    def _customer_paths(self, i: int, months: int) -> np.ndarray:
        """Simulated spend per future month of customer ``i`` (PREDICTIVE_DRAWS x months), cached."""
        key = self.index[i]
        kept = self._paths.get(key)
        if kept is None or kept.shape[1] < months:
            bgp, ggp = self._parameter_draws()
            rows = np.full(PREDICTIVE_DRAWS, i)
            kept = simulate_monthly_spend(bgp, ggp, self.x[rows], self.tx[rows], self.T[rows], self.m[rows],
                                          max(months, PREDICTIVE_MONTHS), self._sim_seed(str(key))).astype(np.float32)
            self._paths[key] = kept
            while len(self._paths) > _PATHS_KEEP:
                self._paths.pop(next(iter(self._paths)))
        return kept

    def predictive(self, customers: Any, margin: float, annual_discount_rate: float, horizon_months: int,
                   confidence: float = 0.95) -> pd.DataFrame:
        """Range of the margin each customer will actually bring, by simulation.

        Unlike ``clv_low``/``clv_high`` (the range of the *expected* value given
        the uncertainty of the fitted parameters), this range also includes the
        customer's own randomness: whether they are still active, how often they
        buy, when they stop and what they spend. Each of ``PREDICTIVE_DRAWS``
        draws takes parameters from their estimated distribution, then
        simulates the customer forward under the BG/NBD and Gamma-Gamma models
        from their own history (seeded by customer id, so a report always shows
        the same range).

        Parameters
        ----------
        customers : list-like
            Customer ids (a few: the simulation costs about a millisecond per
            customer and horizon year).

        Returns
        -------
        pandas.DataFrame
            Indexed by customer id: ``value_low``, ``value_median``, ``value_high``
            (the central ``confidence`` range) and ``p_no_purchase`` (chance of
            buying nothing more within the horizon).
        """
        _check_settings(margin, horizon_months, confidence)
        ids = list(customers)
        pos = self.index.get_indexer(ids)
        if (pos < 0).any():
            missing = [c for c, k in zip(ids, pos) if k < 0]
            raise InvalidInput.one("customers", missing[0],
                                   f"customers of the data, e.g. {', '.join(map(str, self.index[:3]))}")
        w = monthly_discount_factor(annual_discount_rate) ** np.arange(1, horizon_months + 1)
        q = [50 * (1 - confidence), 50.0, 50 * (1 + confidence)]
        rows = []
        for i in pos:
            paths = self._customer_paths(int(i), horizon_months)[:, :horizon_months].astype(float)
            values = margin * paths @ w
            lo, mid, hi = np.percentile(values, q)
            rows.append((lo, mid, hi, float(np.mean(paths.sum(1) == 0))))
        return pd.DataFrame(rows, columns=["value_low", "value_median", "value_high", "p_no_purchase"],
                            index=pd.Index(ids, name=self.index.name))

    def equity_spread(self, margin: float, annual_discount_rate: float, horizon_months: int) -> float:
        """Standard deviation of the equity from the customers' own randomness (fitted parameters).

        Customers are independent given the parameters, so the variances of
        their values add up. They are estimated from ``EQUITY_SAMPLE``
        customers drawn at random, each simulated ``EQUITY_DRAWS`` times, and
        scaled to the whole base.
        """
        if self._equity_paths is None or self._equity_paths[1].shape[1] < horizon_months:
            rng = np.random.default_rng(SIMULATION_SEED)
            n = len(self.x)
            pick = np.sort(rng.choice(n, size=min(n, EQUITY_SAMPLE), replace=False))
            rows = np.repeat(pick, EQUITY_DRAWS)
            paths = simulate_monthly_spend(self._bgp, np.array(self.gg._require()), self.x[rows], self.tx[rows],
                                           self.T[rows], self.m[rows], max(horizon_months, PREDICTIVE_MONTHS), rng)
            self._equity_paths = (pick, paths.astype(np.float32))
        pick, paths = self._equity_paths
        w = monthly_discount_factor(annual_discount_rate) ** np.arange(1, horizon_months + 1)
        values = (margin * paths[:, :horizon_months].astype(float) @ w).reshape(len(pick), EQUITY_DRAWS)
        return math.sqrt(float(values.var(axis=1, ddof=1).sum()) * len(self.x) / len(pick))


def simulate_monthly_spend(bg_params: np.ndarray, gg_params: np.ndarray, frequency: np.ndarray,
                           recency: np.ndarray, T: np.ndarray, monetary_value: np.ndarray, months: int,
                           rng: np.random.Generator) -> np.ndarray:
    """Simulate customers forward from the end of the data, month by month, under the fitted models.

    One row per simulated path: the path's parameters (``bg_params`` rows of
    ``r, alpha, a, b`` and ``gg_params`` rows of ``p, q, gamma``, or one vector
    for all) and the customer's history. Given the history, the customer is
    still active with the BG/NBD probability; an active customer's purchase
    rate is drawn from Gamma(r + x, alpha + T) and their dropout probability
    from Beta(a, b + x) (the posterior of FHL 2005); they buy at that rate and,
    after each purchase, stop with that probability. Each purchase's spend is
    Gamma(p, nu) with the customer's ``nu`` drawn from Gamma(q + p x,
    gamma + x m), the Gamma-Gamma posterior.

    Returns
    -------
    numpy.ndarray
        Spend (before margin and discounting) in each of the next ``months``
        months, shape ``(paths, months)``.
    """
    x = np.asarray(frequency, dtype=float)
    n = len(x)
    r, alpha, a, b = (np.broadcast_to(v, (n,)) for v in np.asarray(bg_params, dtype=float).T)
    p, q, g = (np.broadcast_to(v, (n,)) for v in np.asarray(gg_params, dtype=float).T)
    tx, T = np.asarray(recency, dtype=float), np.asarray(T, dtype=float)
    m = np.where(x > 0, np.asarray(monetary_value, dtype=float), 0.0)
    alive = rng.random(n) < expit(-BetaGeo._log_odds_dead((r, alpha, a, b), x, tx, T))
    rate = rng.gamma(r + x, 1.0 / (alpha + T))                       # purchases per week
    drop = np.clip(rng.beta(a, b + x), 1e-12, 1.0)
    arrivals = np.where(alive, rng.poisson(rate * months * WEEKS_PER_MONTH), 0)
    bought = np.minimum(arrivals, rng.geometric(drop))               # purchases before dropping out
    # the months of a path's arrivals are uniform; its purchases are its first `bought` arrivals
    if arrivals.sum() <= 20_000_000:
        path = np.repeat(np.arange(n), arrivals)
        counts = np.bincount(path * months + rng.integers(0, months, path.size), minlength=n * months)
        counts = counts.reshape(n, months)
    else:
        counts = rng.multinomial(arrivals, np.full(months, 1.0 / months))
    kept = np.diff(np.minimum(np.cumsum(counts, axis=1), bought[:, None]), axis=1, prepend=0)
    nu = rng.gamma(q + p * x, 1.0 / (g + x * m))
    spend = np.zeros((n, months))
    cells = np.nonzero(kept)
    spend[cells] = rng.gamma(p[cells[0]] * kept[cells], 1.0 / nu[cells[0]])
    return spend


def _check_settings(margin: float, horizon_months: int, confidence: float) -> None:
    problems = []
    if not (isinstance(margin, (int, float)) and 0 < margin <= 1):
        problems.append(Problem("margin", margin, "a share of spend greater than 0 and at most 1 (e.g. 0.35)"))
    if not (isinstance(horizon_months, (int, np.integer)) and 1 <= horizon_months <= 240):
        problems.append(Problem("horizon_months", horizon_months, "a whole number of months from 1 to 240"))
    if not (isinstance(confidence, float) and 0.5 <= confidence < 1):
        problems.append(Problem("confidence", confidence, "a level between 0.5 and 0.999, e.g. 0.95"))
    if problems:
        raise InvalidInput(problems, "lifetime value settings")


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


#: Fader and Hardie's note asks for a check that spend per purchase does not depend on how often
#: customers buy; beyond this correlation (among repeat buyers) the workbook warns.
SPEND_CORRELATION_LIMIT = 0.3


def spend_frequency_correlation(summary: pd.DataFrame) -> float:
    """Pearson correlation of frequency and mean repeat spend among repeat buyers (NaN when undefined)."""
    rep = summary[summary["frequency"] > 0]
    if len(rep) < 3 or rep["frequency"].nunique() < 2 or rep["monetary_value"].nunique() < 2:
        return float("nan")
    return float(np.corrcoef(rep["frequency"].to_numpy(float), rep["monetary_value"].to_numpy(float))[0, 1])


def fit_models(summary: pd.DataFrame) -> tuple[BetaGeo, GammaGamma]:
    """Fit BG/NBD and Gamma-Gamma to a customer summary (weights from repeated rows)."""
    bg = BetaGeo().fit(summary["frequency"], summary["recency"], summary["T"])
    gg = GammaGamma().fit(summary["frequency"], summary["monetary_value"])
    return bg, gg


# -- next best product ---------------------------------------------------------------


def product_transitions(transactions: pd.DataFrame) -> pd.DataFrame:
    """How often customers who bought one product went on to buy another next.

    Each customer's products are put in the order of their first purchase;
    each step from one product to the next new one is a transition.

    Returns
    -------
    pandas.DataFrame
        ``from_product``, ``to_product``, ``customers`` (how many made that
        step) and ``share`` (of the customers who bought ``from_product`` and
        then some other new product, the share whose next one was
        ``to_product``), sorted by ``from_product`` then ``share``.
    """
    cols = ["from_product", "to_product", "customers", "share"]
    if "product" not in transactions.columns:
        return pd.DataFrame(columns=cols)
    tx = transactions[transactions["product"].astype(str).str.len() > 0]
    if tx.empty:
        return pd.DataFrame(columns=cols)
    order = tx.sort_values(["customer_id", "date"], kind="stable")
    firsts = order.drop_duplicates(["customer_id", "product"], keep="first")
    cid = firsts["customer_id"].to_numpy()
    prod = firsts["product"].to_numpy()
    same = cid[1:] == cid[:-1]
    pairs = pd.DataFrame({"from_product": prod[:-1][same], "to_product": prod[1:][same]})
    if pairs.empty:
        return pd.DataFrame(columns=cols)
    counts = pairs.value_counts().rename("customers").reset_index()
    counts["share"] = counts["customers"] / counts.groupby("from_product")["customers"].transform("sum")
    return counts.sort_values(["from_product", "share"], ascending=[True, False], kind="stable")[cols] \
        .reset_index(drop=True)


def next_best_products(transactions: pd.DataFrame, transitions: pd.DataFrame | None = None) -> pd.DataFrame:
    """For every customer, the product similar customers most often bought next.

    The score of a product a customer does not have yet is the mean, over the
    products the customer has, of the share of their buyers whose next new
    product it was (American Express-style "next best product" from simple
    sequence counts).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``customer_id``: ``next_product`` (empty when nothing is
        suggested) and ``score``.
    """
    trans = product_transitions(transactions) if transitions is None else transitions
    ids = pd.Index(pd.unique(transactions["customer_id"]), name="customer_id")
    if trans.empty or "product" not in transactions.columns:
        return pd.DataFrame({"next_product": "", "score": 0.0}, index=ids)
    products = sorted(set(trans["from_product"]) | set(trans["to_product"]) |
                      set(transactions["product"][transactions["product"].astype(str) != ""]))
    pindex = {p: i for i, p in enumerate(products)}
    k = len(products)
    share = np.zeros((k, k))
    share[trans["from_product"].map(pindex).to_numpy(), trans["to_product"].map(pindex).to_numpy()] = trans["share"]
    owned_pairs = transactions.loc[transactions["product"].astype(str) != "", ["customer_id", "product"]] \
        .drop_duplicates()
    ci = ids.get_indexer(owned_pairs["customer_id"])
    pi = owned_pairs["product"].map(pindex).to_numpy()
    owned = np.zeros((len(ids), k), dtype=bool)
    owned[ci, pi] = True
    n_owned = owned.sum(1)
    scores = np.einsum("ij,jk->ik", owned.astype(float), share) / np.maximum(n_owned, 1)[:, None]
    scores[owned] = -1.0
    best = scores.argmax(1)
    best_score = scores[np.arange(len(ids)), best]
    name = np.where(best_score > 0, np.array(products, dtype=object)[best], "")
    return pd.DataFrame({"next_product": name, "score": np.maximum(best_score, 0.0)}, index=ids)


def next_best_product(transactions: pd.DataFrame, customer_id: str, top: int = 3,
                      transitions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Ranked suggestions for one customer (see :func:`next_best_products`).

    Returns
    -------
    pandas.DataFrame
        ``product``, ``score`` and ``because`` (the owned products that led there).
    """
    mine = transactions[transactions["customer_id"].astype(str) == str(customer_id)]
    if mine.empty:
        known = transactions["customer_id"].astype(str).unique()[:5]
        raise InvalidInput.one("customer_id", customer_id, f"a customer in the data, e.g. {', '.join(known)}")
    trans = product_transitions(transactions) if transitions is None else transitions
    owned = [p for p in pd.unique(mine.sort_values("date", kind="stable")["product"]) if str(p)]
    cand = trans[trans["from_product"].isin(owned) & ~trans["to_product"].isin(owned)]
    if cand.empty or not owned:
        return pd.DataFrame(columns=["product", "score", "because"])
    agg = cand.groupby("to_product").agg(score=("share", "sum"),
                                         because=("from_product", lambda s: ", ".join(sorted(s))))
    agg["score"] = agg["score"] / len(owned)
    agg = agg.sort_values("score", ascending=False).head(top).reset_index().rename(columns={"to_product": "product"})
    return agg[["product", "score", "because"]]


# -- customer-centricity audit ------------------------------------------------------

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
                  "Link marketing and R&D so customer input shapes new offerings and guards against feature "
                  "fatigue (Nokia's strength)."),
    AuditQuestion("service", "Service",
                  "Service is run to strengthen relationships: callers are recognized by segment and routed to "
                  "specialists, and savings that would damage relationships are refused.",
                  "Treat service as part of the relationship: route customers by segment to specialists, and "
                  "weigh cost savings against relationship damage (Delta judged the savings of outsourcing its "
                  "service not worth the harm to its customer relationships)."),
)
AUDIT_IDS: tuple[str, ...] = tuple(q.id for q in AUDIT)
AUDIT_MIN_ANSWERED = 5

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


# -- subscription ------------------------------------------------------------------


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


# -- the whole analysis --------------------------------------------------------------


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
        recs.append(f"The top 10% of customers hold {value.top_10_share:.0%} of customer equity and the top 20% "
                    f"hold {value.top_20_share:.0%}: give them named owners and protect them first.")
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
                    f"({top['share']:.0%} of those who moved on): offer {top['to_product']} to buyers of "
                    f"{top['from_product']} who have not taken it yet.")
    if sub is not None:
        recs.append(f"A subscriber is worth about {currency} {sub.clv_unlimited:,.0f} with no time limit and stays "
                    f"{sub.expected_lifetime_months:.0f} months on average; one more point of monthly retention "
                    f"(to {sub.monthly_retention + 0.01:.0%}) would make each subscriber worth about {currency} "
                    f"{sub.clv_unlimited_plus_point:,.0f}: work on churn before acquisition.")
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
    inputs = Inputs.parse(inputs or {})
    frame = (tables or {}).get("transactions")
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


def _r(value: float | None, digits: int = 2) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else round(float(value), digits)


def headline(result: Result) -> dict:
    """Small JSON-safe summary for the executive summary."""
    parts, metrics = [], {}
    cur = result.currency
    if result.value is not None:
        v = result.value
        parts.append(f"Customer equity is about {cur} {v.equity:,.0f} over {v.horizon_months} months "
                     f"({len(v.customers):,} customers); the top 10% hold {v.top_10_share:.0%} of it")
        metrics.update({"customer_equity": _r(v.equity, 0), "equity_low": _r(v.equity_low, 0),
                        "equity_high": _r(v.equity_high, 0), "equity_outcome_low": _r(v.outcome_low, 0),
                        "equity_outcome_high": _r(v.outcome_high, 0), "customers": len(v.customers),
                        "mean_clv": _r(v.customers["clv"].mean()), "top_10_share": _r(v.top_10_share, 3),
                        "top_20_share": _r(v.top_20_share, 3),
                        "share_active": _r(float(v.customers["p_alive"].mean()), 3)})
    if result.subscription is not None:
        s = result.subscription
        parts.append(f"a subscriber is worth about {cur} {s.clv_horizon:,.0f} over the horizon")
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
        out.append(f"Margin: {previous.margin:.0%} -> {current.margin:.0%}.")
    if previous.annual_discount_rate != current.annual_discount_rate:
        out.append(f"Discount rate: {previous.annual_discount_rate:.1%} -> {current.annual_discount_rate:.1%} a year.")
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
