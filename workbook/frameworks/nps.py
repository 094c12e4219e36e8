"""Net Promoter Score: score, margin of error, segments, trend and peers (pure logic).

Source: Frederick F. Reichheld, "The One Number You Need to Grow", Harvard
Business Review, December 2003. Customers answer one question, how likely they
are to recommend the company to a friend or colleague, on a 0-10 scale. Those
answering 9 or 10 are promoters, 7 or 8 passives and 0 to 6 detractors; the
Net Promoter Score is the percentage of promoters minus the percentage of
detractors, so it runs from -100 to +100. Reichheld set the score of each
competitor beside its revenue growth in industries such as airlines, internet
service providers and car rentals and found the two moving together; the peer
table here repeats that comparison for a client's own competitors (the example
peers that ship with the workbook are fictional). GE's adoption of the score is
noted in the Cheap Marketing Shop blog (July 2006).

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

import logging
import math
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from scipy.special import ndtr, ndtri, xlogy

from ..errors import InvalidInput, Problem, from_pydantic, validated

log = logging.getLogger(__name__)

# -- constants from the source (Reichheld, HBR 2003) ---------------------------

SCALE_MIN, SCALE_MAX = 0, 10       # the 0-10 "would you recommend" scale
PROMOTER_MIN = 9                   # 9 and 10 are promoters
DETRACTOR_MAX = 6                  # 0 to 6 are detractors; 7 and 8 are passives
SOURCE_INDUSTRIES = ("airlines", "internet service providers", "car rentals")
SOURCE = 'Frederick F. Reichheld, "The One Number You Need to Grow", Harvard Business Review, December 2003'

# -- workbook conventions (not from the source) ---------------------------------

#: Below this many answers a score says too little to act on (at 30 answers
#: the margin of error of a typical score, e.g. 50% promoters and 20%
#: detractors, is about +-28 points).
MIN_RESPONSES = 30
#: Score bands for the executive summary's traffic light.
GREEN_FROM, AMBER_FROM = 30.0, 0.0
SCORE_ALLOWED = "whole numbers 0 to 10 (leave the cell blank when the question was not answered)"
NO_SEGMENT = "(no segment)"
NO_DATE = "(no date)"
_MAX_LISTED = 50  # problems listed when scoring a raw array (tables list every row)


# -- inputs -------------------------------------------------------------------


class ColumnMap(BaseModel):
    """Which column of the survey export holds what.

    ``score`` is required; ``segment`` and ``date`` may be ``None`` when the
    export has no such column.
    """

    model_config = ConfigDict(extra="forbid")

    score: str = "score"
    segment: str | None = "segment"
    date: str | None = "date"

    def renames(self) -> dict[str, str]:
        """``{column in the export: column the workbook uses}`` for ``Store.import_table``."""
        pairs = {self.score: "score", self.segment: "segment", self.date: "date"}
        return {k: v for k, v in pairs.items() if k is not None and k != v}


class Peer(BaseModel):
    """One competitor: its Net Promoter Score and revenue growth."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    nps: float = Field(ge=-100, le=100, description="points, -100 to 100")
    revenue_growth_pct: float = Field(ge=-100, le=1000, description="annual revenue growth, percent")
    fictional: bool = True


class Inputs(BaseModel):
    """Settings of the Net Promoter analysis for one client.

    The answers themselves are the ``responses`` table; this document holds the
    column mapping of the survey export, the competitor table and the
    statistical settings.
    """

    model_config = ConfigDict(extra="forbid")

    schema_version: int = 1
    columns: ColumnMap = ColumnMap()
    peer_industry: str = ""
    peers: list[Peer] = []
    own_revenue_growth_pct: float | None = Field(None, ge=-100, le=1000)
    confidence: float = Field(0.95, ge=0.5, le=0.999)
    min_responses: int = Field(MIN_RESPONSES, ge=1, le=10_000)
    focus_segment: str | None = Field(None, description="segment picked for a closer look; None for all")
    focus_period: str | None = Field(None, description="quarter picked for a closer look, e.g. 2024Q3; None for all")
    notes: str = ""

    @field_validator("peers")
    @classmethod
    def _unique_peers(cls, value: list[Peer]) -> list[Peer]:
        names = [p.name for p in value]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"each peer once; repeated: {', '.join(dupes)}")
        return value

    @classmethod
    def parse(cls, doc: dict, context: str = "nps inputs") -> "Inputs":
        """Validate a dict, raising :class:`InvalidInput` instead of pydantic's error."""
        return validated(cls, doc, context)


# -- one score ----------------------------------------------------------------


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

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe dict (NaN becomes None)."""
        out = {}
        for key, value in self.__dict__.items():
            if isinstance(value, float) and math.isnan(value):
                value = None
            out[key] = value
        return out


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


def _parse_scores(raw: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(values as float, blank mask, bad mask) of a column of answers given as text or numbers."""
    text = raw.astype("string").str.strip()
    blank = (raw.isna() | text.fillna("").eq("")).to_numpy()
    values = pd.to_numeric(text.where(~blank), errors="coerce").to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        bad = (~blank) & (np.isnan(values) | (values != np.round(values)) | (values < SCALE_MIN) | (values > SCALE_MAX))
    return np.where(blank, np.nan, values), blank, bad


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


# -- the responses table ------------------------------------------------------


def _present(frame: pd.DataFrame, columns: ColumnMap) -> ColumnMap:
    """Return the mapping to use: ``columns`` if its score column exists, else the standard names."""
    if columns.score in frame.columns:
        return columns
    if "score" in frame.columns:
        return ColumnMap(segment="segment" if "segment" in frame.columns else None,
                         date="date" if "date" in frame.columns else None)
    raise InvalidInput.one("columns.score", columns.score,
                           f"the name of the answer column; the table has: {', '.join(map(str, frame.columns))}")


def quarter_label(dates: pd.Series) -> pd.Series:
    """'2024Q1'-style labels for a datetime series (missing dates become ``NO_DATE``)."""
    out = dates.dt.year.astype("Int64").astype(str) + "Q" + dates.dt.quarter.astype("Int64").astype(str)
    return out.where(dates.notna(), NO_DATE)


def validate_responses(frame: pd.DataFrame, columns: ColumnMap | dict | None = None) -> pd.DataFrame:
    """Check and clean a table of survey answers.

    Parameters
    ----------
    frame : pandas.DataFrame
        As read from a CSV or ``.xlsx`` export (strings are fine).
    columns : ColumnMap or dict, optional
        Where the answer, segment and date are; by default the columns named
        ``score``, ``segment`` and ``date`` (segment and date optional).

    Returns
    -------
    pandas.DataFrame
        Columns ``score`` (float, NaN for a blank answer, which is kept so that
        it is counted), ``segment`` (text; ``"(no segment)"`` when empty),
        ``date`` (datetime or NaT) and ``period`` (quarter such as ``"2024Q3"``).

    Raises
    ------
    InvalidInput
        Listing every bad cell as ``row <spreadsheet row>, <column>``.
    """
    if not isinstance(frame, pd.DataFrame):
        raise InvalidInput.one("responses", type(frame).__name__, "a table (pandas DataFrame)")
    cmap = columns if isinstance(columns, ColumnMap) else ColumnMap(**(columns or {}))
    problems: list[Problem] = []
    for name, col in (("segment", cmap.segment), ("date", cmap.date)):
        explicit = col != ColumnMap.model_fields[name].default  # a default name may simply be absent
        if col is not None and explicit and col not in frame.columns and cmap.score in frame.columns:
            problems.append(Problem(f"columns.{name}", col,
                                    f"a column of the table ({', '.join(map(str, frame.columns))}) or none"))
    if problems:
        raise InvalidInput(problems, "NPS responses")
    cmap = _present(frame, cmap)
    rows = np.arange(len(frame)) + 2  # spreadsheet rows: header is row 1

    raw = frame[cmap.score]
    values, blank, bad = _parse_scores(raw)
    for i in np.flatnonzero(bad):
        problems.append(Problem(f"row {rows[i]}, {cmap.score}", raw.iloc[i], SCORE_ALLOWED))

    out = pd.DataFrame({"score": values}, index=frame.index)
    if cmap.segment is not None and cmap.segment in frame.columns:
        seg = frame[cmap.segment].astype("string").str.strip()
        out["segment"] = seg.where(seg.notna() & seg.ne(""), NO_SEGMENT).astype(str)
    else:
        out["segment"] = NO_SEGMENT
    if cmap.date is not None and cmap.date in frame.columns:
        draw = frame[cmap.date]
        if pd.api.types.is_datetime64_any_dtype(draw.dtype):
            dates = draw
        else:
            dtext = draw.astype("string").str.strip()
            dblank = draw.isna() | dtext.fillna("").eq("")
            dates = pd.to_datetime(dtext.where(~dblank), errors="coerce", format="mixed")
            for i in np.flatnonzero((dates.isna() & ~dblank).to_numpy()):
                problems.append(Problem(f"row {rows[i]}, {cmap.date}", draw.iloc[i], "a date such as 2024-03-31"))
        out["date"] = dates
    else:
        out["date"] = pd.NaT
    if problems:
        raise InvalidInput(problems, f"NPS responses ({len(problems)} bad cells)" if len(problems) > 1 else "NPS responses")
    out["date"] = pd.to_datetime(out["date"])
    out["period"] = quarter_label(out["date"])
    return out.reset_index(drop=True)


TABLES = {"responses": validate_responses}


# -- by segment and by period --------------------------------------------------

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


def by_group(responses: pd.DataFrame, by: str, confidence: float = 0.95,
             min_responses: int = MIN_RESPONSES) -> pd.DataFrame:
    """Score every group of a validated responses table at once.

    Parameters
    ----------
    responses : pandas.DataFrame
        Output of :func:`validate_responses`.
    by : {"segment", "period"}
        The grouping column.

    Returns
    -------
    pandas.DataFrame
        Indexed by group (sorted), with ``GROUP_COLUMNS``; shares are fractions,
        scores and bounds are points.
    """
    return scores_table(group_scores(responses, by, confidence, min_responses), by)


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


# -- peers ----------------------------------------------------------------------


@dataclass(frozen=True)
class PeerFit:
    """Least-squares line of revenue growth on Net Promoter Score across competitors.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per company (peers and, when given, the client), with
        ``nps``, ``revenue_growth_pct``, ``fitted_growth_pct`` and ``residual``.
    slope : float
        Growth percentage points per NPS point.
    intercept : float
        Growth at an NPS of 0.
    r_squared : float
    predicted_growth_pct : float or None
        The line's growth for the client's score.
    """

    table: pd.DataFrame
    slope: float
    intercept: float
    r_squared: float
    n: int
    predicted_growth_pct: float | None
    industry: str = ""


def fit_peers(peers: Sequence[Peer | dict] | pd.DataFrame, own_nps: float | None = None,
              own_growth_pct: float | None = None, own_name: str = "This client") -> PeerFit | None:
    """Fit growth = intercept + slope * NPS across competitors, as Reichheld did.

    Parameters
    ----------
    peers : sequence of Peer or DataFrame
        At least three competitors with different scores.
    own_nps, own_growth_pct : float, optional
        The client's score and growth, placed beside the peers (not used in the fit).

    Returns
    -------
    PeerFit or None
        None when there are fewer than three peers or all share one score.
    """
    if isinstance(peers, pd.DataFrame):
        records = peers.to_dict("records")
    else:
        records = [p.model_dump() if isinstance(p, Peer) else dict(p) for p in peers]
    try:
        items = [Peer.model_validate(r) for r in records]
    except ValidationError as exc:
        raise from_pydantic(exc, "peers", "peers") from None
    if len(items) < 3:
        return None
    x = np.array([p.nps for p in items])
    y = np.array([p.revenue_growth_pct for p in items])
    if np.ptp(x) == 0:
        return None
    xm, ym = x.mean(), y.mean()
    slope = float(((x - xm) * (y - ym)).sum() / ((x - xm) ** 2).sum())
    intercept = float(ym - slope * xm)
    fitted = intercept + slope * x
    ss_tot = float(((y - ym) ** 2).sum())
    r2 = 1 - float(((y - fitted) ** 2).sum()) / ss_tot if ss_tot > 0 else float("nan")
    table = pd.DataFrame({"company": [p.name for p in items], "nps": x, "revenue_growth_pct": y,
                          "fitted_growth_pct": fitted, "residual": y - fitted,
                          "fictional": [p.fictional for p in items], "is_client": False})
    predicted = None
    if own_nps is not None and not math.isnan(own_nps):
        predicted = intercept + slope * own_nps
        own = {"company": own_name, "nps": own_nps,
               "revenue_growth_pct": own_growth_pct if own_growth_pct is not None else np.nan,
               "fitted_growth_pct": predicted,
               "residual": (own_growth_pct - predicted) if own_growth_pct is not None else np.nan,
               "fictional": False, "is_client": True}
        table = pd.concat([table, pd.DataFrame([own])], ignore_index=True)
    return PeerFit(table=table, slope=slope, intercept=intercept, r_squared=r2, n=len(items),
                   predicted_growth_pct=predicted)


# -- the whole analysis -------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """Everything the Net Promoter room shows for one client."""

    overall: NpsScore
    by_segment: pd.DataFrame
    by_period: pd.DataFrame
    segment_tests: pd.DataFrame
    period_tests: pd.DataFrame
    trend: Comparison | None
    peers: PeerFit | None
    warnings: tuple[str, ...]
    recommendations: tuple[str, ...]
    band: str
    confidence: float = 0.95
    responses: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    focus: NpsScore | None = None
    focus_label: str = "All responses"
    focus_vs_rest: Comparison | None = None


def band(nps: float) -> str:
    """'green' / 'amber' / 'red' band of a score (workbook convention)."""
    if math.isnan(nps):
        return "amber"
    return "green" if nps >= GREEN_FROM else "amber" if nps >= AMBER_FROM else "red"


def _recommend(overall: NpsScore, seg: pd.DataFrame, seg_tests: pd.DataFrame, trend: Comparison | None,
               peers: PeerFit | None, min_responses: int = MIN_RESPONSES) -> list[str]:
    recs = []
    if overall.too_small:
        recs.append(f"Collect more answers before acting: at least {min_responses}, and a few hundred for a "
                    "margin of error under 10 points.")
        return recs
    if overall.detractors >= 0.25:
        recs.append(f"{overall.detractors:.0%} of respondents are detractors: call a sample of them back to find "
                    "the few causes behind most of the complaints and fix those first.")
    if overall.passives >= 0.30:
        recs.append(f"{overall.passives:.0%} are passives, satisfied but not enthusiastic: find what would make "
                    "them recommend you; they are the cheapest promoters to win.")
    if len(seg) > 1 and seg_tests["significant"].any():
        ok = seg[~seg["too_small"]]
        if len(ok) > 1:
            worst, best = ok["nps"].idxmin(), ok["nps"].idxmax()
            recs.append(f"Segment '{worst}' scores {ok.loc[worst, 'nps']:.0f} against {ok.loc[best, 'nps']:.0f} for "
                        f"'{best}', a real gap: study what '{best}' customers get that '{worst}' customers do not.")
    if trend is not None and trend.significant:
        if trend.difference < 0:
            recs.append(f"The score fell {abs(trend.difference):.0f} points from {trend.label_b} to {trend.label_a}; "
                        "find out what changed before it shows up in growth.")
        else:
            recs.append(f"The score rose {trend.difference:.0f} points from {trend.label_b} to {trend.label_a}; "
                        "name what worked and keep doing it.")
    if peers is not None and peers.predicted_growth_pct is not None:
        below = peers.table[~peers.table["is_client"]]
        share_above = float((below["nps"] > overall.nps).mean())
        if share_above >= 0.5:
            recs.append(f"{share_above:.0%} of the competitors listed score higher; across these peers each NPS point "
                        f"goes with about {peers.slope:.2f} points of revenue growth.")
    recs.append("Track the score every quarter with the same question and the same sampling, so changes mean something.")
    return recs


def evaluate(inputs: Inputs | dict, tables: dict[str, pd.DataFrame]) -> Result:
    """Run the Net Promoter analysis for one client.

    Parameters
    ----------
    inputs : Inputs or dict
    tables : dict
        ``{"responses": frame}`` (raw or already validated); without it the
        result has no score and says so.

    Returns
    -------
    Result
    """
    inputs = Inputs.parse(inputs or {})
    frame = (tables or {}).get("responses")
    if frame is None:  # a new client: nothing imported yet, so no score (the room still opens)
        frame = pd.DataFrame({"score": pd.Series(dtype=float), "segment": pd.Series(dtype=str),
                              "date": pd.Series(dtype="datetime64[ns]"), "period": pd.Series(dtype=str)})
    clean = list(frame.columns) == ["score", "segment", "date", "period"] and frame["score"].dtype == float \
        and pd.api.types.is_datetime64_any_dtype(frame["date"].dtype)
    resp = frame if clean else validate_responses(frame, inputs.columns)  # already validated: use as it is
    conf, min_n = inputs.confidence, inputs.min_responses
    overall = group_score(resp, confidence=conf, min_responses=min_n)
    seg_scores = group_scores(resp, "segment", conf, min_n)
    per_scores = group_scores(resp, "period", conf, min_n)
    seg, per = scores_table(seg_scores, "segment"), scores_table(per_scores, "period")
    seg_tests = pairwise(seg_scores, "segment", None if len(seg) > 1 else [], conf)
    dated = [p for p in per.index if p != NO_DATE]
    per_tests = pairwise(per_scores, "period", None if len(dated) > 1 else [], conf)
    trend = None
    if len(dated) > 1:
        trend = compare(per_scores[dated[-1]], per_scores[dated[0]], conf, label_a=dated[-1], label_b=dated[0])
    peer_fit = fit_peers(inputs.peers, overall.nps, inputs.own_revenue_growth_pct) if inputs.peers else None
    warnings = []
    if overall.warning:
        warnings.append(overall.warning)
    if overall.blanks:
        warnings.append(f"{overall.blanks} responses left the question blank and are not counted in the score.")
    for name, tab in (("segment", seg), ("quarter", per)):
        small = [str(i) for i in tab.index[tab["too_small"]]]
        if small and len(tab) > 1:
            warnings.append(f"Too few answers to judge {name} {', '.join(small)} (fewer than {min_n}).")
    if inputs.peers and peer_fit is None:
        warnings.append("The peer line needs at least three competitors with different scores.")
    focus, label, versus = _focus(resp, inputs, warnings)
    recs = _recommend(overall, seg, seg_tests, trend, peer_fit, min_n)
    status = band(overall.nps)
    if trend is not None and trend.significant and trend.difference < 0 and status == "green":
        status = "amber"
    return Result(overall=overall, by_segment=seg, by_period=per, segment_tests=seg_tests, period_tests=per_tests,
                  trend=trend, peers=peer_fit, warnings=tuple(warnings), recommendations=tuple(recs), band=status,
                  confidence=conf, responses=resp, focus=focus, focus_label=label, focus_vs_rest=versus)


def _focus(resp: pd.DataFrame, inputs: Inputs, warnings: list[str]) -> tuple[NpsScore, str, Comparison | None]:
    """Score of the picked segment and quarter, compared with all other responses."""
    mask = np.ones(len(resp), dtype=bool)
    parts = []
    for column, picked, what in (("segment", inputs.focus_segment, "segment"),
                                 ("period", inputs.focus_period, "quarter")):
        if picked is None:
            continue
        known = sorted(resp[column].unique())
        if picked not in known:
            warnings.append(f"The {what} picked ({picked}) is not in the answers (known: {', '.join(known)}); "
                            "showing all of them instead.")
            continue
        mask &= (resp[column] == picked).to_numpy()
        parts.append(picked)
    s = resp["score"].to_numpy(dtype=float)
    label = " \u00b7 ".join(parts) if parts else "All responses"
    focus = score(s[mask], inputs.confidence, inputs.min_responses)
    versus = None
    if parts and (~mask).any():
        versus = compare(focus, score(s[~mask], inputs.confidence, inputs.min_responses), inputs.confidence,
                         label_a=label, label_b="all other responses")
    return focus, label, versus


def _num(value: float, digits: int = 1) -> float | None:
    return None if value is None or math.isnan(value) else round(float(value), digits)


def headline(result: Result) -> dict:
    """Small JSON-safe summary for the executive summary."""
    o = result.overall
    if o.n == 0:
        summary = "No answered survey responses yet, so there is no Net Promoter Score."
    else:
        summary = (f"Net Promoter Score {o.nps:+.0f} ({100 * result.confidence:.0f}% interval {o.ci_low:+.0f} to "
                   f"{o.ci_high:+.0f}) from {o.n:,} answers")
        if result.trend is not None:
            t = result.trend
            move = "up" if t.difference > 0 else "down"
            summary += (f"; {move} {abs(t.difference):.0f} points from {t.label_b} to {t.label_a}"
                        + ("" if t.significant else ", within noise"))
        summary += "."
    metrics = {"nps": _num(o.nps), "margin_of_error": _num(o.margin_of_error), "n": o.n, "blanks": o.blanks,
               "promoters_pct": _num(100 * o.promoters), "detractors_pct": _num(100 * o.detractors)}
    if result.trend is not None:
        metrics["trend_points"] = _num(result.trend.difference)
        metrics["trend_p_value"] = _num(result.trend.p_value, 4)
    if result.peers is not None:
        metrics["peer_slope_growth_per_point"] = _num(result.peers.slope, 3)
    return {"status": result.band, "summary": summary, "metrics": metrics}


def changes(previous: Inputs, current: Inputs) -> list[str]:
    """Plain sentences on what moved between two saved versions of the inputs."""
    out = []
    before = {p.name: p for p in previous.peers}
    after = {p.name: p for p in current.peers}
    out += [f"Competitor added: {n} (NPS {after[n].nps:+g}, growth {after[n].revenue_growth_pct:g}%)."
            for n in after if n not in before]
    out += [f"Competitor removed: {n}." for n in before if n not in after]
    out += [f"{n}: NPS {before[n].nps:+g} -> {after[n].nps:+g}, growth {before[n].revenue_growth_pct:g}% -> "
            f"{after[n].revenue_growth_pct:g}%." for n in after if n in before and before[n] != after[n]]
    if previous.own_revenue_growth_pct != current.own_revenue_growth_pct:
        out.append(f"Own revenue growth: {previous.own_revenue_growth_pct} -> {current.own_revenue_growth_pct} %.")
    if previous.columns != current.columns:
        out.append("The survey export's column names changed.")
    for name, label in (("confidence", "Confidence level"), ("min_responses", "Fewest answers to report")):
        if getattr(previous, name) != getattr(current, name):
            out.append(f"{label}: {getattr(previous, name)} -> {getattr(current, name)}.")
    return out
