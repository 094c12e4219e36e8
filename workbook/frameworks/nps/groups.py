"""Scores by segment and by quarter, and the comparison of groups two at a time (pure logic).

Source: Frederick F. Reichheld, "The One Number You Need to Grow", Harvard
Business Review, December 2003 (the score); the workbook scores every group of
a responses table in one vectorised pass, tests pairs of groups with the score
test of :mod:`.stats` and adjusts the p-values for the number of pairs (Holm).
"""
from __future__ import annotations

from itertools import combinations
from typing import Iterable

import numpy as np
import pandas as pd

from ...errors import InvalidInput
from .scores import MIN_RESPONSES, NpsScore, _too_small_text, compare, score
from .stats import score_interval, score_test, wald_interval
from .survey import DETRACTOR_MAX, NO_DATE, PROMOTER_MIN


GROUP_COLUMNS = ["n", "blanks", "promoters", "passives", "detractors", "nps", "margin_of_error",
                 "ci_low", "ci_high", "wald_low", "wald_high", "too_small"]


def group_scores(responses: pd.DataFrame, by: str, confidence: float = 0.95,
                 min_responses: int = MIN_RESPONSES) -> dict[str, NpsScore]:
    """Score every group of a validated responses table at once (one vectorised pass).

    Returns
    -------
    dict
        ``{group label: NpsScore}`` in sorted label order.
    """
    if by not in responses.columns:
        raise InvalidInput.one("by", by, f"one of: {', '.join(c for c in ('segment', 'period') if c in responses)}")
    codes, labels = pd.factorize(responses[by], sort=True)
    s = responses["score"].to_numpy(dtype=float)
    cell = np.where(np.isnan(s), 11, np.nan_to_num(s, nan=11)).astype(np.int64)
    g = len(labels)
    counts = np.bincount(codes.astype(np.int64) * 12 + cell, minlength=g * 12).reshape(g, 12)
    n_p = counts[:, PROMOTER_MIN:11].sum(1)
    n_pa = counts[:, DETRACTOR_MAX + 1:PROMOTER_MIN].sum(1)
    n_d = counts[:, :DETRACTOR_MAX + 1].sum(1)
    return dict(zip(map(str, labels), _many(n_p, n_pa, n_d, counts[:, 11], confidence, min_responses)))


def _many(n_p: np.ndarray, n_pa: np.ndarray, n_d: np.ndarray, blanks: np.ndarray, confidence: float,
          min_responses: int) -> list[NpsScore]:
    """NpsScore objects for arrays of counts, with the intervals computed in one vectorised call."""
    n = n_p + n_pa + n_d
    est, wl, wh = wald_interval(n_p, n_d, n, confidence)
    lo, hi = score_interval(n_p, n_d, n, confidence)
    out = []
    nan = float("nan")
    for i in range(len(n)):
        k = int(n[i])
        out.append(NpsScore(
            n=k, blanks=int(blanks[i]), n_promoters=int(n_p[i]), n_passives=int(n_pa[i]), n_detractors=int(n_d[i]),
            promoters=n_p[i] / k if k else nan, passives=n_pa[i] / k if k else nan,
            detractors=n_d[i] / k if k else nan, nps=100 * float(est[i]) if k else nan,
            margin_of_error=100 * float(wh[i] - est[i]) if k else nan, ci_low=100 * float(lo[i]),
            ci_high=100 * float(hi[i]), wald_low=100 * float(wl[i]) if k else nan,
            wald_high=100 * float(wh[i]) if k else nan, confidence=confidence, too_small=k < min_responses,
            warning=_too_small_text(k, min_responses)))
    return out


def scores_table(scores: dict[str, NpsScore], name: str) -> pd.DataFrame:
    """One row per group with ``GROUP_COLUMNS`` (shares as fractions, scores and bounds in points)."""
    rows = [{c: getattr(sc, c) for c in GROUP_COLUMNS} for sc in scores.values()]
    return pd.DataFrame(rows, columns=GROUP_COLUMNS, index=pd.Index(list(scores), name=name))


def group_score(responses: pd.DataFrame, by: str | None = None, value: str | None = None,
                confidence: float = 0.95, min_responses: int = MIN_RESPONSES) -> NpsScore:
    """Score of the whole table, or of one segment or period of it."""
    if by is None:
        return score(responses["score"].to_numpy(dtype=float), confidence, min_responses)
    if by not in responses.columns:
        raise InvalidInput.one("by", by, "segment or period")
    known = sorted(responses[by].unique())
    if value not in known:
        raise InvalidInput.one(by, value, f"one of: {', '.join(map(str, known))}")
    mask = (responses[by] == value).to_numpy()
    return score(responses["score"].to_numpy(dtype=float)[mask], confidence, min_responses)


def pairwise(responses: pd.DataFrame | dict[str, NpsScore], by: str,
             pairs: Iterable[tuple[str, str]] | None = None, confidence: float = 0.95) -> pd.DataFrame:
    """Compare groups two at a time.

    Parameters
    ----------
    responses : DataFrame or dict
        A validated responses table, or the group scores already computed
        with :func:`group_scores`.
    by : {"segment", "period"}
    pairs : iterable of (str, str), optional
        Which pairs; by default every pair of groups for segments and each
        quarter against the one before it for periods.

    Returns
    -------
    pandas.DataFrame
        ``a``, ``b``, ``difference``, ``ci_low``, ``ci_high``, ``p_value``,
        ``p_holm`` (Holm-adjusted for the number of pairs) and ``significant``
        (on the adjusted p-value). For periods, ``a`` is the later quarter.
    """
    scores = responses if isinstance(responses, dict) else group_scores(responses, by, confidence)
    labels = [lab for lab in scores if lab != NO_DATE]
    if pairs is None:
        pairs = list(zip(labels, labels[1:])) if by == "period" else list(combinations(labels, 2))
    ordered = [(b, a) if by == "period" else (a, b) for a, b in pairs]  # periods: later minus earlier
    sa, sb = [scores[a] for a, _ in ordered], [scores[b] for _, b in ordered]
    # one vectorised score test for every pair, then each pair's difference and MOVER interval
    _, p_values = score_test(*(np.array([getattr(s, k) for s in side], dtype=float)
                               for side in (sa, sb) for k in ("n_promoters", "n_detractors", "n")))
    rows = []
    for (a, b), x, y, p in zip(ordered, sa, sb, p_values):
        c = compare(x, y, confidence, label_a=str(a), label_b=str(b), p_value=float(p))
        rows.append({"a": a, "b": b, "difference": c.difference, "ci_low": c.ci_low, "ci_high": c.ci_high,
                     "p_value": c.p_value})
    table = pd.DataFrame(rows, columns=["a", "b", "difference", "ci_low", "ci_high", "p_value"])
    table["p_holm"] = _holm(table["p_value"].to_numpy())
    table["significant"] = table["p_holm"] < 1 - confidence
    return table


def _holm(p: np.ndarray) -> np.ndarray:
    """Holm step-down adjusted p-values (NaN stays NaN)."""
    p = np.asarray(p, dtype=float)
    out = np.full_like(p, np.nan)
    ok = ~np.isnan(p)
    q = p[ok]
    if q.size == 0:
        return out
    order = np.argsort(q)
    m = q.size
    adj = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * q[order]))
    res = np.empty_like(q)
    res[order] = adj
    out[ok] = res
    return out
