"""Checks every input gets, whatever the framework: finite numbers, plausible dates, no blank names, no repeated ids.

:func:`document_problems` walks a validated pydantic document (it runs inside
:func:`workbook.errors.validated`, the one validation path, so every form,
profile and saved file gets it); the ``column_*`` helpers do the same for the
columns of an imported table, naming spreadsheet rows (the header is row 1).

Workbook rules (not from the sources), with their reasons:

- numbers must be finite and at most :data:`MAX_ABS_NUMBER` in size: ``inf``
  and ``nan`` cannot be stored as standard JSON, and sums of numbers near the
  float limit overflow to infinity;
- dates lie between :data:`EARLIEST_DATE` and one year after today
  (:data:`MAX_DAYS_AHEAD`): later dates are typing slips that would put the
  client's trend decades in the future;
- a text that must not be empty must not be only spaces either;
- ids that name a row (a respondent, a deal) must not repeat.
"""
from __future__ import annotations

import datetime as dt
import functools
import math
from typing import Any, Iterable

import numpy as np
import pandas as pd
from pydantic import BaseModel

from .problems import InvalidInput, Problem

#: Largest magnitude of any number the workbook accepts (a thousand trillion; sums of a million such stay finite).
MAX_ABS_NUMBER = 1e15
EARLIEST_DATE = dt.date(1900, 1, 1)
MAX_DAYS_AHEAD = 365
FINITE_ALLOWED = f"a finite number no larger than {MAX_ABS_NUMBER:.0e} in size (not inf or nan)"
BLANK_ALLOWED = "some text other than spaces"


def latest_date(today: dt.date | None = None) -> dt.date:
    """The latest date the workbook accepts: one year after ``today``."""
    return (today or dt.date.today()) + dt.timedelta(days=MAX_DAYS_AHEAD)


@functools.lru_cache(maxsize=4)
def _latest_for(today: dt.date) -> dt.date:
    return latest_date(today)


def _latest_today() -> dt.date:
    """:func:`latest_date` for today, worked out once a day (a document may hold thousands of dates)."""
    return _latest_for(dt.date.today())


def date_allowed() -> str:
    """Plain words for the accepted date range."""
    return f"a date from {EARLIEST_DATE:%Y-%m-%d} to {latest_date():%Y-%m-%d} (at most a year from today)"


def _min_length(field_info: Any) -> int:
    for meta in getattr(field_info, "metadata", ()):
        n = getattr(meta, "min_length", None)
        if isinstance(n, int):
            return n
    return 0


@functools.lru_cache(maxsize=None)
def _fields(model: type[BaseModel]) -> tuple[tuple[str, bool], ...]:
    """A model's field names, each with whether it needs some text (worked out once per model)."""
    return tuple((name, _min_length(info) > 0) for name, info in model.model_fields.items())


def _name(path: list) -> str:
    """``["peers", 2, "name"]`` as ``peers[2].name``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(document)"


def _walk(value: Any, path: list, needs_text: bool, out: list[Problem]) -> None:
    # ``path`` is one list, pushed and popped on the way down: its text is made only for a problem.
    if isinstance(value, BaseModel):
        for name, text in _fields(type(value)):
            path.append(name)
            _walk(getattr(value, name, None), path, text, out)
            path.pop()
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, float):
        if not math.isfinite(value) or abs(value) > MAX_ABS_NUMBER:
            out.append(Problem(_name(path), value, FINITE_ALLOWED))
    elif isinstance(value, int):
        if abs(value) > MAX_ABS_NUMBER:
            out.append(Problem(_name(path), value, FINITE_ALLOWED))
    elif isinstance(value, str):
        if needs_text and not value.strip():
            out.append(Problem(_name(path), value, BLANK_ALLOWED))
    elif isinstance(value, (dt.date, dt.datetime)):
        day = value.date() if isinstance(value, dt.datetime) else value
        if not EARLIEST_DATE <= day <= _latest_today():
            out.append(Problem(_name(path), value.isoformat(), date_allowed()))
    elif isinstance(value, dict):
        for key, item in value.items():
            path.append(str(key))
            _walk(item, path, False, out)
            path.pop()
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            if item is None or (type(item) is int and -MAX_ABS_NUMBER <= item <= MAX_ABS_NUMBER):
                continue  # the common case (answers on a scale), checked without a call
            path.append(i)
            _walk(item, path, False, out)
            path.pop()


def document_problems(doc: BaseModel) -> list[Problem]:
    """Every non-finite or oversized number, implausible date and blank required text in ``doc``."""
    out: list[Problem] = []
    _walk(doc, [], False, out)
    return out


# -- table columns ---------------------------------------------------------------------

def column_numbers(values: np.ndarray) -> np.ndarray:
    """Mask of values that are not finite or are larger than :data:`MAX_ABS_NUMBER` in size."""
    with np.errstate(invalid="ignore"):
        return ~np.isfinite(values) | (np.abs(np.nan_to_num(values, nan=0.0)) > MAX_ABS_NUMBER)


def column_dates(dates: pd.Series) -> np.ndarray:
    """Mask of dates (NaT ignored) before 1900 or more than a year from today."""
    # Dates already parsed are used as they are: pd.to_datetime would look at every one of them again, one
    # Python object at a time (a third of a second for 2,500 NPS responses, on every save of the table).
    stamps = dates if pd.api.types.is_datetime64_any_dtype(dates.dtype) else pd.to_datetime(dates, errors="coerce")
    if isinstance(stamps.dtype, pd.DatetimeTZDtype):  # "2024-03-31T10:00+02:00": compared as the UTC time
        stamps = stamps.dt.tz_convert(None)
    low, high = pd.Timestamp(EARLIEST_DATE), pd.Timestamp(latest_date()) + pd.Timedelta(days=1)
    return (stamps.notna() & ((stamps < low) | (stamps >= high))).to_numpy()


def duplicate_ids(ids: pd.Series, rows: Iterable[int], column: str, noun: str) -> list[Problem]:
    """One problem per repeat of an id, naming the row that had it first (blank ids are left alone)."""
    seen: dict[str, int] = {}
    out = []
    for row, value in zip(rows, ids.astype("string").str.strip().fillna("")):
        if not value:
            continue
        if value in seen:
            out.append(Problem(f"row {row}, {column}", value, f"a {noun} not used before (row {seen[value]} has it)"))
        else:
            seen[value] = row
    return out


def too_few_rows(frame: pd.DataFrame, minimum: int, table: str, why: str) -> list[Problem]:
    """A problem when ``frame`` has fewer than ``minimum`` data rows (a header-only file, say)."""
    if len(frame) >= minimum:
        return []
    return [Problem(f"{table} rows", len(frame), f"at least {minimum} data row{'s' if minimum > 1 else ''} {why}")]


def evaluation_tables(tables: Any, context: str = "tables") -> dict:
    """The ``tables`` argument of an ``evaluate`` as a dict, or :class:`InvalidInput` saying what it must be.

    Values may be tables (pandas DataFrames), saved documents of related
    frameworks (pydantic models or dicts) or None.
    """
    allowed = "a dict of {name: table (pandas DataFrame) or related framework's inputs}, or nothing"
    if tables is None:
        return {}
    if not isinstance(tables, dict):
        raise InvalidInput.one("tables", type(tables).__name__, allowed, context)
    bad = [Problem(f"tables[{key!r}]", type(value).__name__, allowed) for key, value in tables.items()
           if value is not None and not isinstance(value, (pd.DataFrame, BaseModel, dict))]
    if bad:
        raise InvalidInput(bad, context)
    return tables
