"""Transactions: the export's columns, validation and the per-customer summary (pure logic).

Source: Fader, Hardie and Lee (2005), "'Counting Your Customers' the Easy Way:
An Alternative to the Pareto/NBD Model", Marketing Science 24(2), define the
summary the models read: frequency ``x`` (repeat purchases), recency ``t_x``
(time of the last purchase after the first) and age ``T``.

**Time is measured in weeks** (days / 7). Purchases on one calendar day are one
purchase (their amounts are summed), as in the BG/NBD literature.
"""
from __future__ import annotations

import logging
import math
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from ...checks import column_dates, column_numbers, date_allowed
from ...errors import InvalidInput, Problem

log = logging.getLogger(__name__)

# -- workbook conventions ----------------------------------------------------------

DAYS_PER_WEEK = 7.0
WEEKS_PER_MONTH = 365.25 / 12 / DAYS_PER_WEEK
#: A lifetime value needs at least two purchases on different days (the workbook's rule: with one day there is
#: no repeat buying to learn from, and a header-only file has nothing at all).
MIN_ROWS, MIN_DAYS = 2, 2


class TransactionColumns(BaseModel):
    """Which column of the export holds what (``product`` optional)."""

    model_config = ConfigDict(extra="forbid")

    customer_id: str = "customer_id"
    date: str = "date"
    amount: str = "amount"
    product: str | None = "product"

    def renames(self) -> dict[str, str]:
        """``{column in the export: column the workbook uses}`` for ``Store.import_table``."""
        pairs = {self.customer_id: "customer_id", self.date: "date", self.amount: "amount", self.product: "product"}
        return {k: v for k, v in pairs.items() if k is not None and k != v}


def _parse_dates(raw: pd.Series) -> pd.Series:
    """Parse dates fast (ISO first), falling back to mixed formats for what is left."""
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        return raw
    text = raw.astype("string").str.strip()
    dates = pd.to_datetime(text, format="ISO8601", errors="coerce")
    retry = dates.isna() & text.notna() & text.ne("")
    if retry.any():
        dates = dates.copy()
        dates[retry] = pd.to_datetime(text[retry], format="mixed", errors="coerce")
    return dates


def validate_transactions(frame: pd.DataFrame, columns: TransactionColumns | dict | None = None) -> pd.DataFrame:
    """Check and clean a transactions table.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per transaction (strings are fine).
    columns : TransactionColumns or dict, optional
        Column mapping; by default ``customer_id``, ``date``, ``amount`` and the
        optional ``product``.

    Returns
    -------
    pandas.DataFrame
        ``customer_id`` (str), ``date`` (datetime64, day precision),
        ``amount`` (float, > 0) and ``product`` (str, ``""`` when absent).

    Raises
    ------
    InvalidInput
        Listing every bad cell as ``row <spreadsheet row>, <column>``.
    """
    if not isinstance(frame, pd.DataFrame):
        raise InvalidInput.one("transactions", type(frame).__name__, "a table (pandas DataFrame)")
    if any(frame is clean for clean in _CLEAN):  # this function's own output, checked a moment ago
        return frame
    cmap = columns if isinstance(columns, TransactionColumns) else TransactionColumns(**(columns or {}))
    have = ", ".join(map(str, frame.columns))
    if cmap.customer_id not in frame.columns and "customer_id" in frame.columns:
        cmap = TransactionColumns()  # already in the workbook's own column names
    missing = [Problem(f"columns.{k}", v, f"the name of the {k.replace('_', ' ')} column; the file has: {have}")
               for k, v in (("customer_id", cmap.customer_id), ("date", cmap.date), ("amount", cmap.amount))
               if v not in frame.columns]
    if missing:
        raise InvalidInput(missing, "transactions")
    rows = np.arange(len(frame)) + 2
    found: list[tuple[int, int, Problem]] = []  # (row, column order, problem): listed row by row

    def shown(value: Any) -> Any:
        return "" if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA else value

    cid = frame[cmap.customer_id].astype("string").str.strip()
    bad_id = (cid.isna() | cid.eq("")).to_numpy()
    found += [(i, 0, Problem(f"row {rows[i]}, {cmap.customer_id}", shown(frame[cmap.customer_id].iloc[i]),
                             "a customer id (not blank)")) for i in np.flatnonzero(bad_id)]
    dates = _parse_dates(frame[cmap.date])
    found += [(i, 1, Problem(f"row {rows[i]}, {cmap.date}", shown(frame[cmap.date].iloc[i]),
                             "a date such as 2024-03-31")) for i in np.flatnonzero(dates.isna().to_numpy())]
    found += [(i, 1, Problem(f"row {rows[i]}, {cmap.date}", shown(frame[cmap.date].iloc[i]), date_allowed()))
              for i in np.flatnonzero(column_dates(dates))]
    raw_amount = frame[cmap.amount]
    if pd.api.types.is_numeric_dtype(raw_amount.dtype):
        amount = raw_amount.to_numpy(dtype=float)
    else:
        text = raw_amount.astype("string").str.strip().str.replace(r"^\$|,", "", regex=True)
        amount = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
    bad_amount = column_numbers(amount) | (np.nan_to_num(amount) <= 0)
    found += [(i, 2, Problem(f"row {rows[i]}, {cmap.amount}", shown(raw_amount.iloc[i]),
                             "a positive amount such as 24.50, at most 1e15 (record refunds separately)"))
              for i in np.flatnonzero(bad_amount)]
    if found:
        raise InvalidInput([prob for _, _, prob in sorted(found, key=lambda f: (f[0], f[1]))], "transactions")
    days = dates.dt.normalize().nunique()
    if len(frame) < MIN_ROWS or days < MIN_DAYS:
        raise InvalidInput.one("transactions rows", f"{len(frame)} rows on {days} day(s)",
                               f"at least {MIN_ROWS} transactions on at least {MIN_DAYS} different days, so that "
                               "repeat buying can be measured", "transactions")
    out = pd.DataFrame({"customer_id": cid.astype(str).to_numpy(), "date": dates.dt.normalize().to_numpy(),
                        "amount": amount})
    if cmap.product is not None and cmap.product in frame.columns:
        out["product"] = frame[cmap.product].astype("string").str.strip().fillna("").astype(str).to_numpy()
    else:
        out["product"] = ""
    _CLEAN.append(out)
    del _CLEAN[:-_CLEAN_KEEP]
    return out


#: The last tables :func:`validate_transactions` returned. The store validates a table as it reads it and
#: the model preparation checks what it is given; handed one of these, the check is not made twice (tables
#: are replaced, never changed in place, as :func:`workbook.frameworks.clv.room.prepare` relies on too).
_CLEAN: list[pd.DataFrame] = []
_CLEAN_KEEP = 4



def summarize(transactions: pd.DataFrame, observation_end: Any = None, columns: TransactionColumns | None = None
              ) -> pd.DataFrame:
    """Per-customer frequency, recency, age and repeat spend, as the BG/NBD papers define them.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Raw or validated transactions.
    observation_end : date-like, optional
        End of the observation window (inclusive); by default the last date in
        the data. Later transactions are left out.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``customer_id``: ``frequency`` (repeat purchases: purchase
        days after the first), ``recency`` (weeks from the first to the last
        purchase), ``T`` (weeks from the first purchase to the end of the
        window), ``monetary_value`` (mean amount of the repeat purchases; 0 when
        there are none), ``first_purchase``, ``total_spend`` and
        ``purchase_days``.
    """
    tx = transactions
    if not {"customer_id", "date", "amount"} <= set(tx.columns) or tx["amount"].dtype.kind != "f" \
            or not pd.api.types.is_datetime64_any_dtype(tx["date"].dtype):
        tx = validate_transactions(tx, columns)
    days = tx["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    end = days.max() if observation_end is None else \
        np.datetime64(pd.Timestamp(observation_end).date(), "D").astype(np.int64)
    keep = days <= end
    if not keep.all():
        log.info("summarize: %d transactions after the observation end are left out", int((~keep).sum()))
    if not keep.any():
        raise InvalidInput.one("observation_end", str(observation_end), "a date on or after the first transaction")
    codes, ids = pd.factorize(tx["customer_id"].to_numpy()[keep])
    days, amount = days[keep], tx["amount"].to_numpy(dtype=float)[keep]
    d0 = days.min()
    key = codes.astype(np.int64) * (int(days.max() - d0) + 1) + (days - d0)
    ukey, inv = np.unique(key, return_inverse=True)  # one row per customer-day, sorted by customer then day
    day_amount = np.bincount(inv, weights=amount)
    span = int(days.max() - d0) + 1
    ucust, uday = ukey // span, ukey % span + d0
    n_cust = len(ids)
    count = np.bincount(ucust, minlength=n_cust)
    first_idx = np.r_[0, np.cumsum(count)[:-1]]
    last_idx = np.cumsum(count) - 1
    first_day, last_day = uday[first_idx], uday[last_idx]
    total = np.bincount(ucust, weights=day_amount, minlength=n_cust)
    freq = count - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        monetary = np.where(freq > 0, (total - day_amount[first_idx]) / np.maximum(freq, 1), 0.0)
    out = pd.DataFrame({
        "frequency": freq.astype(np.int64),
        "recency": (last_day - first_day) / DAYS_PER_WEEK,
        "T": (end - first_day) / DAYS_PER_WEEK,
        "monetary_value": monetary,
        "first_purchase": first_day.astype("datetime64[D]"),
        "total_spend": total,
        "purchase_days": count,
    }, index=pd.Index(ids, name="customer_id"))
    return out
