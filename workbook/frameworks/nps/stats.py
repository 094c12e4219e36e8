"""Statistics of promoters minus detractors: intervals and the two-sample score test (pure logic).

The Net Promoter Score (Frederick F. Reichheld, "The One Number You Need to
Grow", Harvard Business Review, December 2003) is the share of promoters minus
the share of detractors; the intervals and the test are the workbook's.

Statistics
----------
With ``n`` answers of which shares ``P`` are promoters and ``D`` detractors, the
score is ``P - D`` and its sampling variance (one multinomial sample) is
``(P + D - (P - D) ** 2) / n``. The *Wald* interval ``(P - D) +- z * sqrt(var)``
is what most dashboards show as the margin of error; it is reported under the
``wald_*`` names and as ``margin_of_error``. At small ``n`` or extreme shares it
can step outside -100..100 and covers the true score less often than promised
(with all answers 9 or 10 it even has zero width).

The interval reported as ``ci_low``/``ci_high`` is the *score* interval for the
difference of two cell probabilities of one trinomial (Tango, 1998, "Equivalence
test and confidence interval for the difference in proportions for the paired
sample design", Statistics in Medicine 17, 891-908; the promoter/detractor split
has the same structure as the two discordant cells of a paired 2x2 table). For
each candidate score ``d`` the shares are re-estimated by maximum likelihood
under the constraint ``P - D = d`` (a closed-form quadratic root), and ``d`` is
kept when the standardized distance of the observed score from ``d``, using the
variance implied by the constrained shares, is within ``z``. Because the
variance is taken at the candidate value rather than at the estimate, the
interval never leaves -100..100, does not collapse to zero width, and keeps its
coverage near the nominal level at small ``n`` (the test suite checks this by
simulation).

Two scores from independent samples are compared with a *score test*: the
shares of both samples are re-estimated by maximum likelihood under the
hypothesis that the two scores are equal (the common score maximizes the sum of
the two profile likelihoods), and the observed difference is divided by its
standard error at those restricted shares (the approach of Miettinen and
Nurminen, 1985, "Comparative analysis of two rates", Statistics in Medicine 4,
213-226, carried over to promoters minus detractors, without their N/(N-1)
factor). The plain z-test with the
variances at the observed shares rejects a true "no difference" far too often
with few answers or lopsided ones (up to three times the promised 5% in the
settings the tests simulate; with one answer on each side it calls a 10 and a 0
a certain difference); the score test stays at or below the promised rate.
The interval for the difference is the MOVER interval built from the two score
intervals (Newcombe's method of recovering variance estimates).
"""
from __future__ import annotations

import functools
import math
import threading
from collections import OrderedDict
from typing import Any, Callable

import numpy as np
from scipy.special import ndtr, ndtri, xlogy

from ...errors import InvalidInput


#: Results kept per function by :func:`_remembered`: a live session asks for the same groups' intervals
#: and tests again on every click that leaves the answers as they were (the workbook's own figure: far
#: more than the groups one client's answers make, a few hundred kilobytes at most).
REMEMBERED = 512


def _remembered(fn: Callable[..., tuple[np.ndarray, ...]]) -> Callable[..., tuple[np.ndarray, ...]]:
    """Keep ``fn``'s results by the values of its arguments (counts as arrays, settings as numbers).

    The functions below are pure and costly (dozens of vectorised steps each);
    a repeated call returns copies of the arrays computed the first time.
    """
    kept: OrderedDict[tuple, tuple[np.ndarray, ...]] = OrderedDict()
    lock = threading.Lock()

    def key_of(value: Any) -> tuple:
        array = np.asarray(value, dtype=float)
        return array.shape, array.tobytes()

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> tuple[np.ndarray, ...]:
        key = (tuple(key_of(a) for a in args), tuple(sorted((k, key_of(v)) for k, v in kwargs.items())))
        with lock:
            found = kept.get(key)
            if found is not None:
                kept.move_to_end(key)
        if found is None:
            found = tuple(np.array(x) for x in fn(*args, **kwargs))
            with lock:
                kept[key] = found
                while len(kept) > REMEMBERED:
                    kept.popitem(last=False)
        return tuple(x.copy() for x in found)

    wrapper.cache_clear = kept.clear  # type: ignore[attr-defined]
    return wrapper


def _z(confidence: float) -> float:
    if not 0.5 <= confidence < 1:
        raise InvalidInput.one("confidence", confidence, "a level between 0.5 and 0.999, e.g. 0.95")
    return float(ndtri(0.5 + confidence / 2))


def _restricted_shares(n_p: np.ndarray, n_d: np.ndarray, n: np.ndarray, delta: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray]:
    """(P, D) that maximize the likelihood of the counts given P - D = delta.

    With ``P = D + delta`` the likelihood equation for ``D`` is the quadratic
    ``2n D^2 + B D + C = 0`` with ``B = -(n_p + n_d) + (2n - n_p + n_d) delta`` and
    ``C = -n_d delta (1 - delta)``; its larger root is the restricted estimate.
    """
    b = -(n_p + n_d) + (2 * n - n_p + n_d) * delta
    c = -n_d * delta * (1 - delta)
    disc = np.maximum(b * b - 8 * n * c, 0.0)
    d_tilde = (-b + np.sqrt(disc)) / (4 * n)
    d_tilde = np.minimum(np.maximum(d_tilde, np.maximum(0.0, -delta)), (1 - delta) / 2)
    return d_tilde + delta, d_tilde


def _restricted_var(n_p: np.ndarray, n_d: np.ndarray, n: np.ndarray, delta: np.ndarray) -> np.ndarray:
    """n * Var(P - D) at the shares that maximize the likelihood given P - D = delta."""
    p_tilde, d_tilde = _restricted_shares(n_p, n_d, n, delta)
    return np.maximum(n * (p_tilde + d_tilde - delta * delta), 0.0)


def _profile_loglik(n_p: np.ndarray, n_d: np.ndarray, n: np.ndarray, delta: np.ndarray) -> np.ndarray:
    """Log-likelihood of the counts at the restricted shares for ``delta``."""
    p_tilde, d_tilde = _restricted_shares(n_p, n_d, n, delta)
    return xlogy(n_p, p_tilde) + xlogy(n - n_p - n_d, np.maximum(1 - p_tilde - d_tilde, 0.0)) + xlogy(n_d, d_tilde)


@_remembered
def score_test(n_promoters_a: Any, n_detractors_a: Any, n_a: Any, n_promoters_b: Any, n_detractors_b: Any,
               n_b: Any, iterations: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """Score test of "the two true scores are equal" for two independent samples, vectorised.

    The common score ``delta`` under the hypothesis maximizes the sum of the two
    profile log-likelihoods (a concave function of ``delta``: golden-section
    search); each sample's variance ``(P + D - delta^2) / n`` is then taken at
    its restricted shares, and ``z`` is the observed difference over the square
    root of their sum.

    Parameters
    ----------
    n_promoters_a, n_detractors_a, n_a, n_promoters_b, n_detractors_b, n_b : array_like
        Counts of the two samples (broadcast).
    iterations : int, default 40
        Golden-section steps (40 narrow the bracket to about 1e-8, far finer
        than the p-value needs).

    Returns
    -------
    z, p_value : numpy.ndarray
        The standardized difference (a minus b) and its two-sided p-value; NaN
        where a sample is empty. ``z`` is 0 when both samples are all promoters
        (or all detractors), so the p-value is 1.
    """
    pa, da, na, pb, db, nb = np.broadcast_arrays(*(np.atleast_1d(np.asarray(v, dtype=float)) for v in (
        n_promoters_a, n_detractors_a, n_a, n_promoters_b, n_detractors_b, n_b)))
    empty = (na <= 0) | (nb <= 0)
    na, nb = np.where(empty, 1.0, na), np.where(empty, 1.0, nb)

    def joint(delta: np.ndarray) -> np.ndarray:
        return _profile_loglik(pa, da, na, delta) + _profile_loglik(pb, db, nb, delta)

    lo, hi = np.full(pa.shape, -1.0), np.ones(pa.shape)
    golden = (math.sqrt(5) - 1) / 2
    for _ in range(iterations):
        m1, m2 = hi - golden * (hi - lo), lo + golden * (hi - lo)
        left = joint(m1) > joint(m2)
        hi, lo = np.where(left, m2, hi), np.where(left, lo, m1)
    delta = (lo + hi) / 2
    se = np.sqrt(_restricted_var(pa, da, na, delta) / na ** 2 + _restricted_var(pb, db, nb, delta) / nb ** 2)
    diff = (pa - da) / na - (pb - db) / nb
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(se > 0, diff / np.where(se > 0, se, 1.0), np.where(diff == 0, 0.0, np.sign(diff) * np.inf))
    z = np.where(empty, np.nan, z)
    return z, 2 * ndtr(-np.abs(z))


@_remembered
def score_interval(n_promoters: Any, n_detractors: Any, n: Any, confidence: float = 0.95,
                   iterations: int = 44) -> tuple[np.ndarray, np.ndarray]:
    """Score confidence interval for promoters-minus-detractors, vectorised.

    Parameters
    ----------
    n_promoters, n_detractors, n : array_like
        Counts of promoters, detractors and answered responses (broadcast).
    confidence : float, default 0.95
    iterations : int, default 44
        Bisection steps (44 narrow the bracket below 1e-13, far finer than
        the hundredths of a point anyone reads).

    Returns
    -------
    low, high : numpy.ndarray
        Bounds as fractions (-1..1); NaN where ``n`` is 0.
    """
    z = _z(confidence)
    n_p, n_d, n = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (n_promoters, n_detractors, n)))
    n_p, n_d, n = (np.atleast_1d(v).astype(float) for v in (n_p, n_d, n))
    empty = n <= 0
    n_safe = np.where(empty, 1.0, n)
    obs = (n_p - n_d)
    est = obs / n_safe

    def lower_gap(delta: np.ndarray) -> np.ndarray:  # >0 while delta is too low to be in the interval
        return (obs - n_safe * delta) - z * np.sqrt(_restricted_var(n_p, n_d, n_safe, delta))

    def upper_gap(delta: np.ndarray) -> np.ndarray:  # <0 while delta is too high to be in the interval
        return (obs - n_safe * delta) + z * np.sqrt(_restricted_var(n_p, n_d, n_safe, delta))

    lo_a, lo_b = np.full_like(est, -1.0), est.copy()
    hi_a, hi_b = est.copy(), np.ones_like(est)
    for _ in range(iterations):
        mid = (lo_a + lo_b) / 2
        inside = lower_gap(mid) <= 0
        lo_b = np.where(inside, mid, lo_b)
        lo_a = np.where(inside, lo_a, mid)
        mid = (hi_a + hi_b) / 2
        inside = upper_gap(mid) >= 0
        hi_a = np.where(inside, mid, hi_a)
        hi_b = np.where(inside, hi_b, mid)
    low = np.where(n_d >= n_safe, -1.0, lo_b)   # all detractors: the bound is -1 itself
    high = np.where(n_p >= n_safe, 1.0, hi_a)
    low = np.where(empty, np.nan, np.minimum(low, est))
    high = np.where(empty, np.nan, np.maximum(high, est))
    return low, high


def wald_interval(n_promoters: Any, n_detractors: Any, n: Any, confidence: float = 0.95
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Plain normal-approximation interval, vectorised.

    Returns
    -------
    estimate, low, high : numpy.ndarray
        Fractions; the bounds are *not* clipped to -1..1 (that is the point of
        reporting them: they show where the approximation breaks down).
    """
    z = _z(confidence)
    n_p, n_d, n = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (n_promoters, n_detractors, n))
    with np.errstate(invalid="ignore", divide="ignore"):
        p, d = n_p / n, n_d / n
        est = p - d
        half = z * np.sqrt(np.maximum(p + d - est * est, 0.0) / n)
    return est, est - half, est + half
