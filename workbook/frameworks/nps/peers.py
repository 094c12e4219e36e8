"""Competitors' scores against their revenue growth (pure logic).

Source: Frederick F. Reichheld, "The One Number You Need to Grow", Harvard
Business Review, December 2003. Reichheld set the score of each competitor
beside its revenue growth in industries such as airlines, internet service
providers and car rentals and found the two moving together; the peer table
repeats that comparison for a client's own competitors. Competitors a
consultant enters are the client's data; only the peers of the fictional
example clients are marked ``fictional``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ...errors import from_pydantic

# -- constants from the source (Reichheld, HBR 2003) ---------------------------

SOURCE_INDUSTRIES = ("airlines", "internet service providers", "car rentals")


class Peer(BaseModel):
    """One competitor: its Net Promoter Score and revenue growth."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    nps: float = Field(ge=-100, le=100, description="points, -100 to 100")
    revenue_growth_pct: float = Field(ge=-100, le=1000, description="annual revenue growth, percent")
    #: True only for the invented peers of the example clients; a client's own competitors are real data.
    fictional: bool = False


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
