"""The Net Promoter room: inputs, tables, the whole analysis, headline and changes (pure logic).

Source: Frederick F. Reichheld, "The One Number You Need to Grow", Harvard
Business Review, December 2003. The analysis puts together the overall score
(:mod:`.scores`), the scores by segment and quarter (:mod:`.groups`) and the
competitors' line (:mod:`.peers`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ...checks import evaluation_tables
from ...errors import validated
from ...spec import BrowserEdit, FrameworkSpec, PlanAction
from .groups import group_score, group_scores, pairwise, scores_table
from .peers import Peer, PeerFit, fit_peers
from .questionnaire import QUESTIONNAIRE
from .scores import MIN_RESPONSES, Comparison, NpsScore, compare, score
from .survey import NO_DATE, ColumnMap, validate_responses

#: The source, as printed under every page (the room's one citation; also ``SPEC.citation``).
SOURCE = 'Frederick F. Reichheld, "The One Number You Need to Grow", Harvard Business Review, December 2003'

# -- workbook conventions (not from the source) ---------------------------------

#: Score bands for the executive summary's traffic light.
GREEN_FROM, AMBER_FROM = 30.0, 0.0

#: What the room takes from the sources (shown in a report's methods part).
FROM_SOURCE: tuple[str, ...] = (
    "the one question (how likely is it that you would recommend us to a friend or colleague, 0 to 10)",
    "promoters answer 9 or 10, passives 7 or 8, detractors 0 to 6; the score is the percentage of promoters "
    "minus the percentage of detractors",
    "setting competitors' scores beside their revenue growth, as the article did for airlines, internet service "
    "providers and car rentals",
    "GE's adoption of the score (noted in the Cheap Marketing Shop blog)",
)

from ...methods import WorkbookRule  # noqa: E402 - kept beside the rules it serves
from ...formatting import percent

WORKBOOK_RULES: tuple[WorkbookRule, ...] = (
    WorkbookRule("bands", "Score colour", f"green from {GREEN_FROM:+.0f}, amber from {AMBER_FROM:.0f}, red below zero",
                 "Below zero detractors outnumber promoters; +30 marks a clear lead of promoters. The article "
                 "sets no bands."),
    WorkbookRule("min_responses", "Fewest answers to report a group", f"{MIN_RESPONSES} by default (the consultant "
                 "can change it)", "With fewer answers the interval is too wide for the score to guide a decision."),
    WorkbookRule("intervals", "Uncertainty", "a score interval for the difference of two shares of one sample "
                 "(Tango's method), and a score test to compare two groups, at the chosen confidence (95% by "
                 "default)", "The article gives no margin of error; these methods keep their promised coverage "
                 "with few or lopsided answers."),
)


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


TABLES = {"responses": validate_responses}


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
        recs.append(f"{percent(overall.detractors)} of respondents are detractors: call a sample of them back to find "
                    "the few causes behind most of the complaints and fix those first.")
    if overall.passives >= 0.30:
        recs.append(f"{percent(overall.passives)} are passives, satisfied but not enthusiastic: find what would make "
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
            recs.append(f"{percent(share_above)} of the competitors listed score higher; across these peers each NPS point "
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
    inputs = validated(Inputs, inputs or {}, "nps inputs")
    tables = evaluation_tables(tables, "nps tables")
    frame = tables.get("responses")
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


# -- the room contract (workbook.spec; the registry reads it) ---------------------

SPEC = FrameworkSpec(
    name="nps",
    title="Net Promoter Score",
    citation=SOURCE,
    notebook="net_promoter.ipynb",
    Inputs=Inputs,
    evaluate=evaluate,
    headline=headline,
    tables=TABLES,
    related=(),
    changes=changes,
    plan_action=PlanAction("Call back detractors from the latest survey and fix the top reason they give",
                           "Head of Customer Service", "Next 30 days"),
    headline_metrics=("nps", "margin_of_error", "n", "trend_points"),
    browser_edit=BrowserEdit("select", "Segment"),  # the segment to look closer at
    questionnaire=QUESTIONNAIRE,
)
