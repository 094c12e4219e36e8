"""One Net Promoter Score from answers or counts, and the comparison of two (pure logic).

Source: Frederick F. Reichheld, "The One Number You Need to Grow", Harvard
Business Review, December 2003: the Net Promoter Score is the percentage of
promoters (9 or 10) minus the percentage of detractors (0 to 6), so it runs
from -100 to +100. Margins of error, intervals and tests come from
:mod:`.stats`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

from ...errors import InvalidInput, Problem
from .stats import score_interval, score_test, wald_interval
from .survey import DETRACTOR_MAX, PROMOTER_MIN, SCALE_MAX, SCALE_MIN, SCORE_ALLOWED, _parse_scores

# -- workbook conventions (not from the source) ---------------------------------

#: Below this many answers a score says too little to act on (at 30 answers
#: the margin of error of a typical score, e.g. 50% promoters and 20%
#: detractors, is about +-28 points).
MIN_RESPONSES = 30
_MAX_LISTED = 50  # problems listed when scoring a raw array (tables list every row)


@dataclass(frozen=True)
class NpsScore:
    """A Net Promoter Score with its uncertainty.

    Attributes
    ----------
    nps : float
        Promoters minus detractors, in points (-100..100); NaN when ``n`` is 0.
    promoters, passives, detractors : float
        Shares of the answered responses (fractions adding to 1).
    n : int
        Answered responses. ``blanks`` counts the unanswered ones left out.
    margin_of_error : float
        Half-width of the Wald interval, in points.
    ci_low, ci_high : float
        The score interval (in range, good coverage), in points.
    wald_low, wald_high : float
        The plain normal-approximation bounds, in points (may leave -100..100).
    too_small : bool
        True when ``n`` is below the minimum the analysis asks for.
    warning : str or None
        Plain words for the user when the result should not be trusted.
    """

    n: int
    blanks: int
    n_promoters: int
    n_passives: int
    n_detractors: int
    promoters: float
    passives: float
    detractors: float
    nps: float
    margin_of_error: float
    ci_low: float
    ci_high: float
    wald_low: float
    wald_high: float
    confidence: float = 0.95
    too_small: bool = False
    warning: str | None = None


def _too_small_text(n: int, min_n: int) -> str | None:
    if n == 0:
        return "No answered responses: there is no score to report."
    if n < min_n:
        return (f"Only {n} answered responses (fewer than {min_n}): the score could be off by a wide margin; "
                "treat it as anecdote, not measurement.")
    return None


def from_counts(n_promoters: int, n_passives: int, n_detractors: int, blanks: int = 0,
                confidence: float = 0.95, min_responses: int = MIN_RESPONSES) -> NpsScore:
    """Build an :class:`NpsScore` from the three counts.

    Parameters
    ----------
    n_promoters, n_passives, n_detractors : int
        How many answers fell in each group.
    blanks : int, default 0
        Unanswered responses (reported, not used).
    confidence : float, default 0.95
    min_responses : int
        Fewer answered responses than this raises the ``too_small`` flag.
    """
    counts = {"n_promoters": n_promoters, "n_passives": n_passives, "n_detractors": n_detractors, "blanks": blanks}
    bad = [Problem(k, v, "a whole number 0 or more") for k, v in counts.items()
           if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 0]
    if bad:
        raise InvalidInput(bad, "NPS counts")
    n = int(n_promoters + n_passives + n_detractors)
    est, wl, wh = wald_interval(n_promoters, n_detractors, n, confidence)
    low, high = score_interval(n_promoters, n_detractors, n, confidence)
    nan = float("nan")
    share = (lambda k: k / n) if n else (lambda k: nan)
    warning = _too_small_text(n, min_responses)
    return NpsScore(
        n=n, blanks=int(blanks), n_promoters=int(n_promoters), n_passives=int(n_passives),
        n_detractors=int(n_detractors), promoters=share(n_promoters), passives=share(n_passives),
        detractors=share(n_detractors), nps=100 * float(est[0]) if n else nan,
        margin_of_error=100 * float(wh[0] - est[0]) if n else nan,
        ci_low=100 * float(low[0]), ci_high=100 * float(high[0]),
        wald_low=100 * float(wl[0]) if n else nan, wald_high=100 * float(wh[0]) if n else nan,
        confidence=confidence, too_small=n < min_responses, warning=warning,
    )


def _bad_positions(mask: np.ndarray, values: np.ndarray, label: str) -> list[Problem]:
    idx = np.flatnonzero(mask)
    problems = [Problem(f"{label}[{i}]", values[i].item() if hasattr(values[i], "item") else values[i],
                        SCORE_ALLOWED) for i in idx[:_MAX_LISTED]]
    if idx.size > _MAX_LISTED:
        problems.append(Problem(f"{label} (further positions)", f"{idx.size - _MAX_LISTED} more", SCORE_ALLOWED))
    return problems


def count_answers(responses: Any) -> tuple[np.ndarray, int]:
    """Count each answer 0..10 and the blanks in an array of responses.

    Integer arrays (``int8`` is the fast path) have no blanks; in float arrays
    NaN is a blank; in object arrays ``None``, NaN and empty strings are blanks.

    Returns
    -------
    counts : numpy.ndarray
        Length 11, the number of answers 0, 1, ..., 10.
    blanks : int

    Raises
    ------
    InvalidInput
        Listing positions (0-based) holding values outside 0..10 or non-integers.
    """
    if isinstance(responses, NpsScore):
        raise InvalidInput.one("responses", "an NpsScore", "raw answers; an NpsScore is already counted")
    if isinstance(responses, (pd.Series, pd.Index)):
        series = pd.Series(responses)
        if series.dtype.kind not in "iuf" or isinstance(series.dtype, pd.api.extensions.ExtensionDtype):
            values, blank, bad = _parse_scores(series)
            if bad.any():
                raise InvalidInput(_bad_positions(bad, series.to_numpy(dtype=object), "responses"), "NPS responses")
            return np.bincount(values[~blank].astype(np.int64), minlength=11)[:11], int(blank.sum())
        responses = series.to_numpy()
    arr = np.asarray(responses)
    if arr.ndim != 1:
        arr = arr.reshape(-1)
    kind = arr.dtype.kind
    if kind in "iu":
        if arr.size and (arr.min() < SCALE_MIN or arr.max() > SCALE_MAX):
            bad = (arr < SCALE_MIN) | (arr > SCALE_MAX)
            raise InvalidInput(_bad_positions(bad, arr, "responses"), "NPS responses")
        small = arr if arr.dtype.itemsize == 1 else arr.astype(np.int8)
        return np.bincount(small.view(np.uint8) if small.dtype == np.int8 else small, minlength=11)[:11], 0
    if kind == "f":
        blank = np.isnan(arr)
        with np.errstate(invalid="ignore"):
            bad = (~blank) & ((arr != np.round(arr)) | (arr < SCALE_MIN) | (arr > SCALE_MAX))
        if bad.any():
            raise InvalidInput(_bad_positions(bad, arr, "responses"), "NPS responses")
        nb = int(blank.sum())
        kept = arr[~blank] if nb else arr
        return np.bincount(kept.astype(np.int8).view(np.uint8), minlength=11)[:11], nb
    if kind in "OUS":
        return count_answers(pd.Series(arr, dtype=object))
    raise InvalidInput.one("responses", f"array of {arr.dtype}", SCORE_ALLOWED)


def score(responses: Any, confidence: float = 0.95, min_responses: int = MIN_RESPONSES) -> NpsScore:
    """Net Promoter Score of a set of answers, with margin of error and intervals.

    Parameters
    ----------
    responses : array_like
        Answers 0..10; blanks (NaN, None, "") are counted and left out. An
        ``int8`` numpy array is the fastest input (10 million answers take a few
        hundredths of a second).
    confidence : float, default 0.95
    min_responses : int, default ``MIN_RESPONSES``
        Fewer answered responses set ``too_small`` and a warning.

    Returns
    -------
    NpsScore

    Examples
    --------
    >>> s = score([10, 9, 9, 8, 7, 6, 5, 10, 3, 9])
    >>> round(s.nps), s.n
    (20, 10)
    """
    counts, blanks = count_answers(responses)
    return from_counts(*_groups(counts), blanks=blanks, confidence=confidence, min_responses=min_responses)


def _groups(counts: np.ndarray) -> tuple[int, int, int]:
    """(promoters, passives, detractors) from the 11 answer counts."""
    c = np.asarray(counts, dtype=np.int64)
    return int(c[PROMOTER_MIN:].sum()), int(c[DETRACTOR_MAX + 1:PROMOTER_MIN].sum()), int(c[:DETRACTOR_MAX + 1].sum())


# -- comparing two scores -----------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """Difference between two Net Promoter Scores from independent samples.

    Attributes
    ----------
    difference : float
        ``a.nps - b.nps`` in points.
    z : float
        Score-test statistic (see :func:`score_test`).
    p_value : float
        Two-sided p-value of the hypothesis that the two true scores are equal
        (score test).
    ci_low, ci_high : float
        Interval for the difference, in points (MOVER from the score intervals).
    significant : bool
        ``p_value`` below ``1 - confidence``.
    wald_p_value : float
        The plain normal-approximation p-value, for comparison only.
    """

    a: NpsScore
    b: NpsScore
    difference: float
    z: float
    p_value: float
    ci_low: float
    ci_high: float
    confidence: float
    significant: bool
    label_a: str = "a"
    label_b: str = "b"
    wald_p_value: float = float("nan")

    @property
    def summary(self) -> str:
        """One plain sentence."""
        if math.isnan(self.difference):
            return f"{self.label_a} and {self.label_b} cannot be compared: one of them has no answers."
        word = "higher" if self.difference > 0 else "lower"
        p = "p < 0.001" if self.p_value < 0.001 else f"p = {self.p_value:.3f}"
        small = [lab for lab, s in ((self.label_a, self.a), (self.label_b, self.b)) if s.too_small]
        caution = (f" With so few answers ({' and '.join(small)}), only a large gap can show up as real."
                   if small else "")
        if self.significant:
            return (f"{self.label_a} scores {abs(self.difference):.0f} points {word} than {self.label_b} "
                    f"({p}): a real difference.{caution}")
        return (f"{self.label_a} and {self.label_b} differ by {self.difference:+.0f} points, which is within "
                f"sampling noise ({p}).{caution}")


def _variance(s: NpsScore) -> float:
    """Estimated variance of the score as a fraction."""
    if s.n == 0:
        return float("nan")
    d = s.promoters - s.detractors
    return max(s.promoters + s.detractors - d * d, 0.0) / s.n


def compare(a: Any, b: Any, confidence: float = 0.95, label_a: str = "a", label_b: str = "b",
            p_value: float | None = None) -> Comparison:
    """Test whether two Net Promoter Scores really differ.

    Parameters
    ----------
    a, b : NpsScore or array_like
        Two independent samples (e.g. two segments or two quarters), as
        answers or as already computed scores.
    confidence : float, default 0.95
        Level of the interval; ``significant`` uses ``1 - confidence``.
    label_a, label_b : str
        Names used in the summary sentence.
    p_value : float, optional
        The score test's p-value when already computed (as :func:`pairwise`
        does for many pairs at once).

    Returns
    -------
    Comparison
        With ``difference`` (points, a minus b) and ``p_value``.

    Notes
    -----
    The p-value is that of the score test (:func:`score_test`): the standard
    error of the difference is computed at the shares that best fit both
    samples *under the hypothesis of equal scores*, not at the observed
    shares. The plain version, ``(NPS_a - NPS_b) / sqrt(var_a + var_b)`` with
    the observed ``(P + D - (P - D)^2) / n``, is kept as ``wald_p_value`` for
    comparison; with few or lopsided answers it finds differences that are not
    there.
    """
    sa = a if isinstance(a, NpsScore) else score(a, confidence)
    sb = b if isinstance(b, NpsScore) else score(b, confidence)
    diff = sa.nps - sb.nps
    if p_value is None:
        zs, ps = score_test(sa.n_promoters, sa.n_detractors, sa.n, sb.n_promoters, sb.n_detractors, sb.n)
        z, p = float(zs[0]), float(ps[0])
    else:
        p = float(p_value)
        z = float(math.copysign(ndtri(1 - p / 2), diff)) if p > 0 and not math.isnan(diff) else \
            (math.copysign(math.inf, diff) if p == 0 else float("nan"))
    se = math.sqrt(_variance(sa) + _variance(sb)) * 100 if sa.n and sb.n else float("nan")
    if math.isnan(diff):
        wald_p = float("nan")
    elif se == 0:
        wald_p = 1.0 if diff == 0 else 0.0
    else:
        wald_p = float(2 * ndtr(-abs(diff / se)))
    # MOVER (Newcombe): combine the distances from each estimate to its score bounds.
    la, ha = sa.ci_low, sa.ci_high
    lb, hb = sb.ci_low, sb.ci_high
    lo = diff - math.sqrt((sa.nps - la) ** 2 + (hb - sb.nps) ** 2) if not math.isnan(diff) else float("nan")
    hi = diff + math.sqrt((ha - sa.nps) ** 2 + (sb.nps - lb) ** 2) if not math.isnan(diff) else float("nan")
    return Comparison(a=sa, b=sb, difference=diff, z=z, p_value=p, ci_low=max(lo, -200.0), ci_high=min(hi, 200.0),
                      confidence=confidence, significant=bool(p < 1 - confidence) if not math.isnan(p) else False,
                      label_a=label_a, label_b=label_b, wald_p_value=wald_p)
