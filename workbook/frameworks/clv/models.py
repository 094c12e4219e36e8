"""The BG/NBD and Gamma-Gamma models: likelihoods, fits and predictions (pure logic).

Published definitions, implemented here from the papers:

* BG/NBD: Fader, Hardie and Lee (2005), "'Counting Your Customers' the Easy
  Way: An Alternative to the Pareto/NBD Model", Marketing Science 24(2).
  While active, a customer buys at Poisson rate ``lambda ~ Gamma(r, alpha)``;
  after each purchase she becomes inactive with probability ``p ~ Beta(a, b)``.
  Each customer is summarized by frequency ``x`` (repeat purchases), recency
  ``t_x`` (time of the last purchase after the first) and age ``T``.
* Gamma-Gamma: Fader and Hardie (2013), "The Gamma-Gamma Model of Monetary
  Value". The spend of one purchase is ``Gamma(p, nu)`` with the customer's
  ``nu ~ Gamma(q, gamma)``, independent of the purchase process.

Time is measured in weeks (see :mod:`.transactions`).
"""
from __future__ import annotations

import logging
import math
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import digamma, expit, gammaln, hyp2f1

from ...errors import InvalidInput
from .fitting import (_PRIOR_SD, FitError, _check_rfm, _compress, _covariance, _dot, _hyp2f1_series, _minimize,
                      _numeric_hessian)

log = logging.getLogger(__name__)

MIN_CUSTOMERS_FOR_FIT = 30
MIN_REPEATERS_FOR_SPEND = 10


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
