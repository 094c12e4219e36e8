"""The female economy: six segments of women consumers.

Source: Michael J. Silverstein and Kate Sayre, "The Female Economy", Harvard
Business Review, September 2009 (exhibits in seed ``000_*``). The article splits
women consumers into six segments, two of them with two subsegments each, and
gives each its share of the population and of earned income. It argues that
many offers overlook what women need, and shows a financial-services map of
unmet needs and the Curves fitness chain as an example of a focused offer.

What this module computes for a client:

* opportunity sizing: the client's market split over the six segments, the
  revenue between its current and its target share in each, ranked;
* offer-to-segment fit: each offer scored against each segment's needs, and
  the segments no offer serves.

The published population shares add to 99%, not 100%, because each is
rounded. We keep them exactly as published. When the market is split by
population share, 1% of it is left unallocated and the result says so
(:attr:`Result.unallocated_share`) rather than scaling the shares up.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Literal, Mapping

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from workbook.errors import not_allowed_at, validated
from ..formatting import percent, money
from ..spec import BrowserEdit, FrameworkSpec, PlanAction
from .female_economy_content import (  # noqa: F401 - the room's content, importable from here too
    CURVES_EXAMPLE, CURVES_OFFER_NEEDS, FINANCIAL_SERVICES, FROM_SOURCE, GROWTH_FORECAST_NOTE, GROWTH_FORECAST_USD,
    NEED_SCORE_MAX, NEEDS, PARTLY_SERVED_FROM, ROUNDING_NOTE, SEGMENTS, SERVED_FROM, WORKBOOK_RULES,
    FinancialServiceArea, Segment,
)

log = logging.getLogger(__name__)

#: The source, as printed under every page (the room's one citation; also ``SPEC.citation``).
SOURCE = 'Michael J. Silverstein and Kate Sayre, "The Female Economy", Harvard Business Review, September 2009'

# Workbook limit (ours): an offer's name fits a table cell and a chart label.
MAX_OFFER_CHARS = 60

SEGMENT_KEYS = tuple(s.key for s in SEGMENTS)
_BY_KEY = {s.key: s for s in SEGMENTS}

# Published population shares add to 0.99 (rounding in the source); income to 1.00.
POPULATION_TOTAL = round(sum(s.population_share for s in SEGMENTS), 4)
INCOME_TOTAL = round(sum(s.income_share for s in SEGMENTS), 4)


def segment(key: str) -> Segment:
    """Return the top-level segment with ``key``."""
    return _BY_KEY[key]


def segment_table(include_subsegments: bool = True) -> pd.DataFrame:
    """Return the segments as a table of shares (percent) and traits.

    Parameters
    ----------
    include_subsegments : bool
        Add the four subsegments under their parents, with ``level`` 2.
    """
    rows = []
    for s in SEGMENTS:
        rows.append(_segment_row(s, 1, ""))
        if include_subsegments:
            rows.extend(_segment_row(sub, 2, s.name) for sub in s.subsegments)
    return pd.DataFrame(rows)


def _segment_row(s: Segment, level: int, parent: str) -> dict[str, Any]:
    return {
        "segment": s.name, "level": level, "parent": parent,
        "population %": round(s.population_share * 100), "income %": round(s.income_share * 100),
        "income minus population (points)": round(s.income_gap * 100),
        "traits": "; ".join(s.traits),
    }


def financial_services_table() -> pd.DataFrame:
    """Return the financial-services exhibit as a table (one row per area)."""
    return pd.DataFrame(
        [
            {"Area": a.area, "Unmet needs": "; ".join(a.unmet_needs), "Potential value in the US": a.us_value,
             "Goals": "; ".join(a.goals), "Life events to target (inflection points)": "; ".join(a.inflection_points)}
            for a in FINANCIAL_SERVICES
        ]
    )


def _fraction(value: Any) -> Any:
    allowed = "a fraction from 0 to 1 (0.05 for 5%)"
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise PydanticCustomError("fraction", "must be " + allowed, {"allowed": allowed})
    return value


class SegmentPosition(BaseModel):
    """The client's current and target share of spending in one segment."""

    model_config = ConfigDict(extra="forbid")

    segment: str
    current_share: float = 0.0
    target_share: float = 0.0

    @field_validator("segment")
    @classmethod
    def _segment(cls, value: str) -> str:
        if value not in _BY_KEY:
            allowed = "one of " + ", ".join(SEGMENT_KEYS)
            raise PydanticCustomError("segment", "must be " + allowed, {"allowed": allowed})
        return value

    @field_validator("current_share", "target_share", mode="before")
    @classmethod
    def _share(cls, value: Any) -> Any:
        return _fraction(value)


class Offer(BaseModel):
    """One of the client's offers, scored 0-3 on the needs it addresses."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=MAX_OFFER_CHARS)
    needs: dict[str, int] = Field(default_factory=dict)

    @field_validator("needs", mode="before")
    @classmethod
    def _needs(cls, value: Any) -> Any:
        if not isinstance(value, Mapping):
            return value
        for key, score in value.items():
            if key not in NEEDS:
                raise not_allowed_at((str(key),), key, "unknown need", "need names: " + ", ".join(NEEDS))
            if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= NEED_SCORE_MAX:
                raise not_allowed_at((key,), score, "not a score",
                                     f"a whole number from 0 (does not address it) to {NEED_SCORE_MAX} (strongly)")
        return dict(value)


class Inputs(BaseModel):
    """Form inputs of the female-economy tool.

    Attributes
    ----------
    schema_version : int
    market_name : str
        What the market is, e.g. "retail banking, women customers, Ohio".
    market_size_usd : float
        Yearly spending of women in the client's market, US dollars.
    allocation_basis : {"income", "population"}
        How the market is split over the segments: by share of earned income
        (spending power) or by share of population.
    positions : list of SegmentPosition
        Current and target share per segment; a segment left out counts as 0 and 0.
    offers : list of Offer
    """

    model_config = ConfigDict(extra="forbid")

    schema_version: int = 1
    market_name: str = ""
    market_size_usd: float = Field(default=0.0, ge=0)
    allocation_basis: Literal["income", "population"] = "income"
    positions: list[SegmentPosition] = Field(default_factory=list)
    offers: list[Offer] = Field(default_factory=list)

    @field_validator("market_size_usd", mode="before")
    @classmethod
    def _market_size(cls, value: Any) -> Any:
        allowed = "a number of US dollars a year, zero or more (e.g. 180000000)"
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0 or value == float("inf"):
            raise PydanticCustomError("money", "must be " + allowed, {"allowed": allowed})
        return value

    @field_validator("positions")
    @classmethod
    def _unique_segments(cls, value: list[SegmentPosition]) -> list[SegmentPosition]:
        seen: dict[str, int] = {}
        for i, p in enumerate(value):
            if p.segment in seen:
                raise not_allowed_at((i, "segment"), p.segment, "segment listed twice",
                                     f"each segment at most once (positions[{seen[p.segment]}] already has it)")
            seen[p.segment] = i
        return value

    @field_validator("offers")
    @classmethod
    def _unique_offers(cls, value: list[Offer]) -> list[Offer]:
        seen: dict[str, int] = {}
        for i, o in enumerate(value):
            if o.name in seen:
                raise not_allowed_at((i, "name"), o.name, "offer name used twice",
                                     f"a name not already used by offers[{seen[o.name]}]")
            seen[o.name] = i
        return value


@dataclass(frozen=True)
class Result:
    """Everything the female-economy tool computes for one client.

    Attributes
    ----------
    opportunity : pandas.DataFrame
        One row per segment, ranked by ``at_stake_usd`` (largest first): shares,
        ``segment_market_usd``, ``current_usd``, ``target_usd``, ``at_stake_usd``,
        ``income_gap_points``, ``best_offer``, ``fit``, ``coverage``.
    fit : pandas.DataFrame
        Offers (rows) by segments (columns), fit 0-1.
    unserved : tuple of str
        Names of segments no offer serves even partly.
    total_at_stake_usd : float
    unallocated_share : float
        Share of the market the segment shares leave out (0.01 by population).
    notes : tuple of str
    recommendations : tuple of str
    """

    market_name: str
    market_size_usd: float
    allocation_basis: str
    opportunity: pd.DataFrame
    fit: pd.DataFrame
    unserved: tuple[str, ...]
    total_at_stake_usd: float
    unallocated_share: float
    notes: tuple[str, ...]
    recommendations: tuple[str, ...]


def offer_fit(offer_needs: Mapping[str, int], seg: Segment) -> float:
    """Score one offer against one segment.

    The fit is the offer's mean score over the segment's needs, divided by the
    maximum score, so 0 means none of them is addressed and 1 means all are
    addressed strongly.
    """
    total = sum(offer_needs.get(n, 0) for n in seg.needs)
    return round(total / (NEED_SCORE_MAX * len(seg.needs)), 3)


def coverage_band(fit: float) -> str:
    """Name the band for a segment's best fit: served, partly served or unserved."""
    if fit >= SERVED_FROM:
        return "served"
    if fit >= PARTLY_SERVED_FROM:
        return "partly served"
    return "unserved"


def evaluate(inputs: Inputs | Mapping[str, Any], tables: Mapping[str, pd.DataFrame] | None = None) -> Result:
    """Size the opportunity by segment and map the offers to the segments.

    Parameters
    ----------
    inputs : Inputs or mapping
    tables : dict, optional
        Unused (this framework has no tables).

    Returns
    -------
    Result
    """
    inputs = validated(Inputs, inputs, "female_economy inputs")
    positions = {p.segment: p for p in inputs.positions}
    attr = "income_share" if inputs.allocation_basis == "income" else "population_share"

    fit = pd.DataFrame(
        {s.name: [offer_fit(o.needs, s) for o in inputs.offers] for s in SEGMENTS},
        index=pd.Index([o.name for o in inputs.offers], name="offer"),
        dtype=float,
    )

    rows = []
    for s in SEGMENTS:
        pos = positions.get(s.key)
        current = pos.current_share if pos else 0.0
        target = pos.target_share if pos else 0.0
        seg_market = inputs.market_size_usd * getattr(s, attr)
        best_fit = float(fit[s.name].max()) if len(fit) else 0.0
        best_offer = str(fit[s.name].idxmax()) if len(fit) and best_fit > 0 else ""
        rows.append({
            "segment": s.name,
            "population_share": s.population_share,
            "income_share": s.income_share,
            "income_gap_points": round(s.income_gap * 100),
            "segment_market_usd": round(seg_market, 2),
            "current_share": current,
            "target_share": target,
            "current_usd": round(seg_market * current, 2),
            "target_usd": round(seg_market * target, 2),
            "at_stake_usd": round(seg_market * (target - current), 2),
            "best_offer": best_offer,
            "fit": round(best_fit, 3),
            "coverage": coverage_band(best_fit),
        })
    opportunity = pd.DataFrame(rows).sort_values(
        ["at_stake_usd", "segment_market_usd"], ascending=False, kind="stable", ignore_index=True
    )
    opportunity.insert(0, "rank", range(1, len(opportunity) + 1))

    unserved = tuple(opportunity.loc[opportunity["coverage"] == "unserved", "segment"])
    total_share = POPULATION_TOTAL if attr == "population_share" else INCOME_TOTAL
    unallocated = round(1 - total_share, 4)
    notes = [GROWTH_FORECAST_NOTE, ROUNDING_NOTE]
    if unallocated > 0:
        notes.append(
            f"Split by population share, {percent(unallocated)} of the market "
            f"({money(inputs.market_size_usd * unallocated)}) is not assigned to any segment."
        )
    shrinking = opportunity.loc[opportunity["at_stake_usd"] < 0, "segment"].tolist()
    if shrinking:
        notes.append("Target below current share (a planned retreat) in: " + ", ".join(shrinking) + ".")

    recs = _recommendations(opportunity)
    log.debug("female_economy: at stake %s", opportunity["at_stake_usd"].sum())
    return Result(
        market_name=inputs.market_name,
        market_size_usd=inputs.market_size_usd,
        allocation_basis=inputs.allocation_basis,
        opportunity=opportunity,
        fit=fit,
        unserved=unserved,
        total_at_stake_usd=round(float(opportunity["at_stake_usd"].clip(lower=0).sum()), 2),
        unallocated_share=unallocated,
        notes=tuple(notes),
        recommendations=recs,
    )


def _recommendations(opportunity: pd.DataFrame) -> tuple[str, ...]:
    recs = []
    growth = opportunity[opportunity["at_stake_usd"] > 0]
    for _, row in growth.head(3).iterrows():
        seg = next(s for s in SEGMENTS if s.name == row["segment"])
        needs = "; ".join(NEEDS[n] for n in seg.needs)
        if row["coverage"] == "served":
            recs.append(
                f"{row['segment']}: {money(row['at_stake_usd'])} at stake and '{row['best_offer']}' "
                f"already fits; put it in front of these women."
            )
        else:
            recs.append(
                f"{row['segment']}: {money(row['at_stake_usd'])} at stake but the segment is "
                f"{row['coverage']}: shape an offer around these needs: {needs}."
            )
    if growth.empty:
        recs.append("No segment has a target above the current share: set targets to size the opportunity.")
    return tuple(recs)


def headline(result: Result) -> dict[str, Any]:
    """Summarise the result for the executive summary.

    Red when the segment with the most at stake is unserved, amber when any
    segment with money at stake is not fully served, green otherwise.
    """
    opp = result.opportunity
    growth = opp[opp["at_stake_usd"] > 0]
    if growth.empty:
        status, summary = "amber", "No growth targets are set for any segment yet."
    else:
        top = growth.iloc[0]
        if top["coverage"] == "unserved":
            status = "red"
        elif (growth["coverage"] != "served").any():
            status = "amber"
        else:
            status = "green"
        phrase = {"served": "already serve it", "partly served": "serve it only in part",
                  "unserved": "do not serve it"}[top["coverage"]]
        summary = (
            f"{money(result.total_at_stake_usd)} is at stake across the segments, most of it in "
            f"{top['segment']} ({money(top['at_stake_usd'])}), and the client's offers {phrase}."
        )
    return {
        "status": status,
        "summary": summary,
        "metrics": {
            "total_at_stake_usd": float(result.total_at_stake_usd),
            "top_segment": str(growth.iloc[0]["segment"]) if not growth.empty else "",
            "unserved_segments": len(result.unserved),
            "offers": int(len(result.fit)),
        },
    }


TABLES: dict[str, Any] = {}


def changes(previous: Inputs, current: Inputs) -> list[str]:
    """Describe in plain words what moved between two saved versions."""
    notes: list[str] = []
    if previous.market_size_usd != current.market_size_usd:
        notes.append(f"Market size {money(previous.market_size_usd)} \u2192 {money(current.market_size_usd)}.")
    if previous.allocation_basis != current.allocation_basis:
        notes.append(f"Market now split by {current.allocation_basis} share (was {previous.allocation_basis}).")
    old = {p.segment: p for p in previous.positions}
    for pos in current.positions:
        before = old.get(pos.segment, SegmentPosition(segment=pos.segment))
        if (before.current_share, before.target_share) != (pos.current_share, pos.target_share):
            notes.append(f"{segment(pos.segment).name}: share {percent(before.current_share, 1)}/{percent(before.target_share, 1)} "
                         f"\u2192 {percent(pos.current_share, 1)}/{percent(pos.target_share, 1)} (current/target).")
    names_before, names_after = {o.name for o in previous.offers}, {o.name for o in current.offers}
    for name in sorted(names_after - names_before):
        notes.append(f"New offer: {name}.")
    for name in sorted(names_before - names_after):
        notes.append(f"Offer removed: {name}.")
    scored = {o.name: o.needs for o in previous.offers}
    for o in current.offers:
        if o.name in scored and scored[o.name] != o.needs:
            notes.append(f"Needs re-scored for {o.name}.")
    return notes


# -- the room contract (workbook.spec; the registry reads it) ---------------------

SPEC = FrameworkSpec(
    name="female_economy",
    title="The female economy",
    citation=SOURCE,
    notebook="female_economy.ipynb",
    Inputs=Inputs,
    evaluate=evaluate,
    headline=headline,
    tables=TABLES,
    related=(),
    changes=changes,
    plan_action=PlanAction("Design one focused offer for the largest under-served segment",
                           "Head of Product", "Next 6 months"),
    headline_metrics=("total_at_stake_usd", "top_segment", "unserved_segments"),
    browser_edit=BrowserEdit("select", "Split market by"),
)
