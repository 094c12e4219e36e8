"""The deal-qualification room's pipeline table: reading and checking its cells, qualifying each deal.

Split from :mod:`workbook.frameworks.deal_qualification`, which imports these
names back. Pure functions: no widgets, no files, no printing.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

import numpy as np
import pandas as pd

from workbook.checks import MAX_ABS_NUMBER, latest_date
from workbook.errors import InvalidInput, Problem
from .deal_qualification_content import (
    _FALSE, _TRUE, AMOUNT_ALLOWED, COLUMN_ALIASES, CRITERIA, MONTH_ALLOWED, PROBABILITY_ALLOWED, REQUIRED_COLUMNS,
    YES_NO_ALLOWED,
)


def _shown(value: Any) -> Any:
    """The cell as the user typed it: a blank cell is reported as ``""``, not ``nan``."""
    return "" if _is_blank(value) else value


def _norm_header(name: Any) -> str:
    key = re.sub(r"[\s\-]+", "_", str(name).strip().lower())
    return COLUMN_ALIASES.get(key, key)


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (
        isinstance(value, str) and not value.strip()
    )


def parse_yes_no(value: Any) -> bool | None:
    """Return True/False for a yes/no cell, or None when it cannot be read."""
    if isinstance(value, bool):
        return value
    if _is_blank(value):
        return False
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def parse_month(value: Any) -> str | None:
    """Return ``YYYY-MM`` for a month or date cell, or None when it cannot be read."""
    if isinstance(value, (dt.date, pd.Timestamp)):
        return f"{value.year:04d}-{value.month:02d}"
    if _is_blank(value):
        return None
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})[-/](\d{1,2})(?:[-/]\d{1,2})?(?:[ T].*)?", text)
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    latest = latest_date()
    if not 1 <= month <= 12 or not 1900 <= year <= latest.year or (year, month) > (latest.year, latest.month):
        return None
    return f"{year:04d}-{month:02d}"


def parse_probability(value: Any) -> float | None:
    """Return a probability 0-1 from ``0.6`` or ``"60%"``, or None when not allowed."""
    if isinstance(value, bool) or _is_blank(value):
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            number = float(text[:-1]) / 100 if text.endswith("%") else float(text)
        except ValueError:
            return None
    elif isinstance(value, (int, float)):
        number = float(value)
    else:
        return None
    if math.isnan(number) or not 0 <= number <= 1:
        return None
    return number


def parse_amount(value: Any) -> float | None:
    """Return a non-negative amount from ``48000`` or ``"$48,000"``, or None."""
    if isinstance(value, bool) or _is_blank(value):
        return None
    if isinstance(value, str):
        try:
            number = float(value.strip().replace("$", "").replace(",", ""))
        except ValueError:
            return None
    elif isinstance(value, (int, float)):
        number = float(value)
    else:
        return None
    if math.isnan(number) or math.isinf(number) or number < 0 or number > MAX_ABS_NUMBER:
        return None
    return number


def validate_pipeline(frame: pd.DataFrame) -> pd.DataFrame:
    """Check and clean a pipeline table.

    Parameters
    ----------
    frame : pandas.DataFrame
        As read from ``pipeline.csv`` or an imported ``.xlsx``; one row per
        deal with the columns in :data:`REQUIRED_COLUMNS` (headers are matched
        without regard to case, spaces or the aliases in :data:`COLUMN_ALIASES`).

    Returns
    -------
    pandas.DataFrame
        Columns: ``deal``, ``account``, ``owner``, ``amount`` (float),
        ``close_month`` (``YYYY-MM``), ``probability`` (0-1), ``ready``,
        ``willing``, ``able`` (bool) and the three ``*_evidence`` texts.

    Raises
    ------
    InvalidInput
        Listing every missing column, or else every bad cell, with its
        spreadsheet row (the header is row 1).
    """
    frame = frame.rename(columns=_norm_header)
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        found = ", ".join(map(str, frame.columns)) or "none"
        raise InvalidInput(
            [Problem(f"column {c}", "missing", f"a column named {c} (columns found: {found})") for c in missing],
            context="pipeline table",
        )
    problems: list[Problem] = []
    rows = []
    seen: dict[str, int] = {}
    for i, record in enumerate(frame.to_dict("records")):
        row = i + 2
        out: dict[str, Any] = {}
        deal = "" if _is_blank(record["deal"]) else str(record["deal"]).strip()
        if not deal:
            problems.append(Problem(f"row {row}, deal", _shown(record["deal"]), "a deal name or number"))
        elif deal in seen:
            problems.append(Problem(f"row {row}, deal", deal, f"a name not used before (row {seen[deal]} has it)"))
        else:
            seen[deal] = row
        out["deal"] = deal
        account = "" if _is_blank(record["account"]) else str(record["account"]).strip()
        if not account:
            problems.append(Problem(f"row {row}, account", _shown(record["account"]), "the buying organisation's name"))
        out["account"] = account
        owner = record.get("owner")
        out["owner"] = "" if _is_blank(owner) else str(owner).strip()
        for column, parser, allowed in (
            ("amount", parse_amount, AMOUNT_ALLOWED),
            ("close_month", parse_month, MONTH_ALLOWED),
            ("probability", parse_probability, PROBABILITY_ALLOWED),
        ):
            value = parser(record[column])
            if value is None:
                problems.append(Problem(f"row {row}, {column}", _shown(record[column]), allowed))
            out[column] = value
        for criterion in CRITERIA:
            value = parse_yes_no(record[criterion])
            if value is None:
                problems.append(Problem(f"row {row}, {criterion}", record[criterion], YES_NO_ALLOWED))
            out[criterion] = bool(value)
            evidence = record.get(f"{criterion}_evidence")
            out[f"{criterion}_evidence"] = "" if _is_blank(evidence) else str(evidence).strip()
        rows.append(out)
    if problems:
        raise InvalidInput(problems, context="pipeline table")
    columns = ["deal", "account", "owner", "amount", "close_month", "probability", *CRITERIA,
               *(f"{c}_evidence" for c in CRITERIA)]
    clean = pd.DataFrame(rows, columns=columns)
    clean["amount"] = clean["amount"].astype(float)
    clean["probability"] = clean["probability"].astype(float)
    for c in CRITERIA:
        clean[c] = clean[c].astype(bool)
    return clean


def qualify_deals(pipeline: pd.DataFrame, as_of_month: str | None = None) -> pd.DataFrame:
    """Add the per-deal qualification columns to a validated pipeline.

    Built column by column in numpy and made into one frame at the end: a live
    click re-qualifies every deal, and each pandas column assignment costs more
    than the arithmetic.
    """
    weighted = np.round(pipeline["amount"].to_numpy(dtype=float) * pipeline["probability"].to_numpy(dtype=float), 2)
    flags = pipeline[list(CRITERIA)].to_numpy(dtype=bool).reshape(len(pipeline), len(CRITERIA))
    rows = flags.tolist()
    n_missing = (~flags).sum(axis=1).astype(int)
    qualified = n_missing == 0
    months = pipeline["close_month"].to_numpy(dtype=object)
    slipped = (np.array([m < as_of_month for m in months], dtype=bool) if as_of_month
               else np.zeros(len(pipeline), dtype=bool))
    open_deal = ~qualified & (weighted > 0)
    priority = np.where(open_deal, np.round(weighted / np.maximum(n_missing, 1), 2), 0.0)
    columns = {c: pipeline[c].to_numpy() for c in pipeline.columns}
    columns.update(
        weighted=weighted,
        met=np.array([", ".join(c for c, ok in zip(CRITERIA, row) if ok) for row in rows], dtype=object),
        missing=np.array([", ".join(c for c, ok in zip(CRITERIA, row) if not ok) for row in rows], dtype=object),
        n_missing=n_missing, qualified=qualified, slipped=slipped, priority_score=priority,
    )
    return pd.DataFrame(columns, index=pipeline.index)


def forecast_by_month(deals: pd.DataFrame) -> pd.DataFrame:
    """Raw and qualified weighted forecast per close month, months in order.

    Summed in plain Python (``math.fsum``, exact to the cent): a pandas group-by
    costs several milliseconds for a few dozen deals, on every live click.
    """
    raw: dict[str, list[float]] = {}
    kept: dict[str, list[float]] = {}
    count: dict[str, int] = {}
    count_qualified: dict[str, int] = {}
    for month, weighted, qualified in zip(deals["close_month"].tolist(), deals["weighted"].tolist(),
                                          deals["qualified"].tolist()):
        raw.setdefault(month, []).append(weighted)
        kept.setdefault(month, []).append(weighted if qualified else 0.0)
        count[month] = count.get(month, 0) + 1
        count_qualified[month] = count_qualified.get(month, 0) + bool(qualified)
    order = sorted(raw)
    raw_sum = np.array([math.fsum(raw[m]) for m in order], dtype=float)
    kept_sum = np.array([math.fsum(kept[m]) for m in order], dtype=float)
    return pd.DataFrame({
        "month": pd.Series(order, dtype=object), "raw": raw_sum, "qualified": kept_sum, "gap": raw_sum - kept_sum,
        "deals": np.array([count[m] for m in order], dtype=int),
        "qualified_deals": np.array([count_qualified[m] for m in order], dtype=int),
    })
