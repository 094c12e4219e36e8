"""Lifetime value of each customer: closed form, parameter interval and simulated range (pure logic).

Customer lifetime value for a repeat-purchase business (after Rust, Moorman
and Bhalla, "Rethinking Marketing", HBR 2010, who ask for customer metrics;
computed from the models of :mod:`.models`)::

    CLV = margin * E[spend | x, m] * sum_{k=1..H} v^k * (E[Y(t_k)] - E[Y(t_{k-1})])

with ``H`` months, ``t_k = k`` months in weeks, ``E[Y(t)]`` the BG/NBD
conditional expected purchases (Fader, Hardie and Lee 2005, eq. 10),
``v = (1 + annual discount rate) ** (-1/12)`` (each month's purchases are
discounted from the end of that month) and ``E[spend | x, m]`` the Gamma-Gamma
conditional mean ``p (gamma + x m) / (p x + q - 1)`` (Fader and Hardie 2013).

The CLV interval reflects the uncertainty of the fitted parameters: the
covariance of the log-parameters is the inverse Hessian of the log-likelihood
(numerical derivative of the analytic gradient), and the variance of
``log CLV`` follows by the delta method (``interval="delta"``, fast enough for
a million customers). ``interval="bootstrap"`` (:mod:`.equity`) instead draws
parameter vectors from that normal distribution and takes percentiles (the
parametric bootstrap); the tests check the two agree. Neither includes the
randomness of one customer's future behaviour: the interval is for the
*expected* value.

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
"""
from __future__ import annotations

import math
import zlib
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit, ndtri

from ...errors import InvalidInput, Problem
from .fitting import _check_rfm, _compress
from .models import BetaGeo, GammaGamma
from .transactions import WEEKS_PER_MONTH


def monthly_discount_factor(annual_discount_rate: float) -> float:
    """``v`` with ``v ** 12 = 1 / (1 + annual rate)``."""
    if not 0 <= annual_discount_rate <= 1:
        raise InvalidInput.one("annual_discount_rate", annual_discount_rate, "a rate from 0 to 1 (e.g. 0.10 for 10%)")
    return (1 + annual_discount_rate) ** (-1 / 12)


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
