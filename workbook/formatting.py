"""How numbers and statuses read everywhere: one money style, one percentage style, one status set.

Every room, lesson, report and the executive summary formats money and shares
through these functions, so that "$1,250" looks the same on every page.

Money
    :func:`money` puts the client's currency symbol in front of the amount,
    with thousands separators and one rounding rule (the workbook's own):
    whole currency units, except amounts under 100 that are not whole, which
    keep their cents (a $9.50 monthly margin must not read as $10, while
    cents on $102,000 are noise). Negative amounts read "-$1,250".

Percentages
    :func:`percent` takes a share (0.25) and writes "25%".

Status
    A framework's ``headline()['status']`` is one of :data:`STATUSES`:

    ========  ===========================================================
    ``green``  on track: the reading says nothing needs doing now
    ``amber``  needs attention: something should change soon
    ``red``    act now: the reading shows a problem to fix first
    ``grey``   no result: not enough data yet to judge (no survey
               answers, no complete diagnostic); never a verdict
    ========  ===========================================================

    Views colour badges with the same four names (:data:`STATUS_COLOURS`);
    the executive summary ranks them with :data:`STATUS_RANK`.
"""
from __future__ import annotations

import math
from typing import Any

#: The one status vocabulary, worst first; ``grey`` means "no result yet".
STATUSES: tuple[str, ...] = ("red", "amber", "green", "grey")
#: Sorting rank, worst first (``grey`` last: it is not a verdict).
STATUS_RANK: dict[str, int] = {status: rank for rank, status in enumerate(STATUSES)}
#: What each status means, in the words the summary shows.
STATUS_WORDS: dict[str, str] = {"red": "act now", "amber": "needs attention", "green": "on track",
                                "grey": "no result"}
#: Badge and chart colours of each status.
STATUS_COLOURS: dict[str, str] = {"green": "#2a9d8f", "amber": "#e9a23b", "red": "#e76f51", "grey": "#9aa5b1"}
#: Shown where a number is missing (None or NaN).
MISSING = "\u2013"
#: Currency symbols written in front of amounts; other ISO codes are written as "EUR 1,250".
CURRENCY_SYMBOLS: dict[str, str] = {"USD": "$"}
#: Below this size, amounts that are not whole keep their cents (the workbook's rounding rule).
CENTS_BELOW = 100


def check_status(status: Any) -> str:
    """Return ``status`` when it is in the vocabulary.

    Raises
    ------
    ValueError
        Naming the status and the allowed ones (a programming error in a room,
        not a user's input, so not :class:`~workbook.errors.InvalidInput`).
    """
    if status not in STATUS_RANK:
        raise ValueError(f"status: got {status!r}; allowed: {', '.join(STATUSES)}")
    return status


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def money(value: float | None, currency: str = "USD", cents: bool | None = None) -> str:
    """Format a money amount in the client's currency.

    Parameters
    ----------
    value : float or None
        The amount; None or NaN shows as a dash.
    currency : str
        ISO code; ``USD`` is written ``$``, others as the code and a space.
    cents : bool, optional
        Force cents (True) or whole units (False); by default the rounding rule
        of this module decides.

    Returns
    -------
    str
        ``money(-1250) == "-$1,250"``, ``money(9.5) == "$9.50"``,
        ``money(1200, "EUR") == "EUR 1,200"``.
    """
    if _missing(value):
        return MISSING
    value = float(value)
    prefix = CURRENCY_SYMBOLS.get(currency, f"{currency} ")
    if cents is None:
        cents = abs(value) < CENTS_BELOW and round(value, 2) != round(value)
    text = f"{abs(value):,.2f}" if cents else f"{abs(value):,.0f}"
    sign = "-" if value < 0 and text.strip("0.,") else ""
    return f"{sign}{prefix}{text}"


def amount(value: float | None) -> str:
    """An amount as typed back into a form box: separators, cents only when there are any.

    Unlike :func:`money` nothing is rounded away, so saving the box unchanged
    keeps the stored value (``amount(1250.5) == "1,250.50"``; None is ``""``).
    """
    if _missing(value):
        return ""
    value = float(value)
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"


def percent(share: float | None, digits: int = 0) -> str:
    """Format a share (0.25) as a percentage ("25%"); None or NaN shows as a dash."""
    if _missing(share):
        return MISSING
    return f"{100 * float(share):.{digits}f}%"


def points(value: float | None) -> str:
    """Whole signed points, as for a Net Promoter Score ("+12", "-3", never "-0")."""
    if _missing(value):
        return MISSING
    return f"{int(round(value)):+d}"
