"""Survey answers: the 0-10 scale, the export's columns and the responses table (pure logic).

Source: Frederick F. Reichheld, "The One Number You Need to Grow", Harvard
Business Review, December 2003. Customers answer one question, how likely they
are to recommend the company to a friend or colleague, on a 0-10 scale. Those
answering 9 or 10 are promoters, 7 or 8 passives and 0 to 6 detractors.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from ...checks import column_dates, date_allowed, duplicate_ids
from ...errors import InvalidInput, Problem

# -- constants from the source (Reichheld, HBR 2003) ---------------------------

SCALE_MIN, SCALE_MAX = 0, 10       # the 0-10 "would you recommend" scale
PROMOTER_MIN = 9                   # 9 and 10 are promoters
DETRACTOR_MAX = 6                  # 0 to 6 are detractors; 7 and 8 are passives

# -- workbook conventions (not from the source) ---------------------------------

SCORE_ALLOWED = "whole numbers 0 to 10 (leave the cell blank when the question was not answered)"
NO_SEGMENT = "(no segment)"
NO_DATE = "(no date)"
#: Columns that identify a respondent when the export has one: each may appear once.
ID_COLUMNS = ("respondent_id", "response_id", "id")


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


def _parse_scores(raw: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(values as float, blank mask, bad mask) of a column of answers given as text or numbers."""
    text = raw.astype("string").str.strip()
    blank = (raw.isna() | text.fillna("").eq("")).to_numpy()
    values = pd.to_numeric(text.where(~blank), errors="coerce").to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        bad = (~blank) & (np.isnan(values) | (values != np.round(values)) | (values < SCALE_MIN) | (values > SCALE_MAX))
    return np.where(blank, np.nan, values), blank, bad


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
        for i in np.flatnonzero(column_dates(dates)):
            problems.append(Problem(f"row {rows[i]}, {cmap.date}", str(draw.iloc[i]), date_allowed()))
        out["date"] = dates
    else:
        out["date"] = pd.NaT
    for column in ID_COLUMNS:
        if column in frame.columns and column not in (cmap.score, cmap.segment, cmap.date):
            problems += duplicate_ids(frame[column], rows, column, "respondent id")
            break
    problems.sort(key=lambda p: int(p.field.split(",")[0].split()[1]) if p.field.startswith("row ") else 0)
    if problems:
        raise InvalidInput(problems, f"NPS responses ({len(problems)} bad cells)" if len(problems) > 1 else "NPS responses")
    out["date"] = pd.to_datetime(out["date"])
    out["period"] = quarter_label(out["date"])
    return out.reset_index(drop=True)
