"""Maximum-likelihood machinery shared by the BG/NBD and Gamma-Gamma fits (pure logic).

Both models (Fader, Hardie and Lee 2005, "'Counting Your Customers' the Easy
Way", Marketing Science 24(2); Fader and Hardie 2013, "The Gamma-Gamma Model
of Monetary Value") are fitted by maximizing the log-likelihood over the
log-parameters. Customers sharing one summary row are counted once with a
weight; the covariance of the log-parameters is the inverse Hessian of the
log-likelihood (numerical derivative of the analytic gradient).
"""
from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from ...errors import InvalidInput, Problem, WorkbookError

log = logging.getLogger(__name__)

_LOG_BOUND = 15.0  # log-parameters are kept within +-15 while fitting


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
