"""Executive summary: every framework's headline on one page, read together.

Pure logic: headline dicts in (as each framework notebook recorded them with
``room.record()``), a result out. Nothing here recomputes a framework or reads
a report. Three pieces:

- the status line of each framework (traffic light, one plain sentence);
- cross-framework readings: patterns that only show when two frameworks are
  read side by side (for example an Undefined Sales-Marketing relationship
  alongside a falling Net Promoter Score), each with a proposed action;
- a prioritised action plan with owners and time frames. Proposals come from
  the readings and from every amber or red framework; once the consultant edits
  the plan (saved as ``Inputs``) their version is the plan.

:func:`portfolio_frame` and :func:`portfolio_chart` give the consultancy's view
across all clients.
"""
from __future__ import annotations

import re

import hashlib
import logging
import math
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Literal, Mapping, Sequence

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..errors import InvalidInput, UnknownFramework, not_allowed, validated
from ..formatting import STATUS_RANK, STATUS_WORDS, STATUSES, percent
from ..spec import TIMEFRAMES

log = logging.getLogger(__name__)

PRIORITIES = {1: "High", 2: "Medium", 3: "Low"}
MAX_ACTIONS = 40


def plan_action_for(framework: str) -> tuple[str, str, str] | None:
    """(action, owner, time frame) a framework proposes when it reads amber or red.

    The one place the plan's per-framework actions are looked up: the
    framework's ``SPEC.plan_action`` (None for a framework that is not
    registered or has none).
    """
    from .. import registry  # late: the registry imports the framework modules

    try:
        spec = registry.get(framework)
    except UnknownFramework:
        spec = None
    planned = getattr(spec, "plan_action", None)  # notebook-only entries have none
    return None if planned is None else (planned.action, planned.owner, planned.timeframe)


def _no_surrogates(value: str) -> str:
    if any("\ud800" <= c <= "\udfff" for c in value):
        raise not_allowed("unpaired surrogate code point", "text without unpaired surrogates (they cannot be "
                          "saved as UTF-8); emoji, any script and accents are fine")
    return value.strip()


def stable_id(action: "Action | dict", seen: set[str] | None = None) -> str:
    """A repeatable id for an action that has none (saved before ids, or proposed).

    Made from the action's own fields, so every session that reads the same
    file gives the line the same id; ``seen`` makes twins unique.
    """
    doc = action if isinstance(action, dict) else action.model_dump()
    key = "|".join(str(doc.get(k, "")) for k in ("action", "owner", "timeframe", "priority", "source"))
    base = "p" + hashlib.sha1(key.encode("utf-8", "replace")).hexdigest()[:10]
    found, n = base, 1
    while seen is not None and found in seen:
        n += 1
        found = f"{base}-{n}"
    return found


def new_id() -> str:
    """A fresh id for an action a user adds (unique across sessions)."""
    return "n" + uuid.uuid4().hex[:12]


class Action(BaseModel):
    """One line of the action plan."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field("", max_length=40, pattern=r"^[A-Za-z0-9_-]*$")
    action: str = Field(min_length=1, max_length=300)
    owner: str = Field("", max_length=80)
    timeframe: Literal[TIMEFRAMES] = "Next 90 days"  # type: ignore[valid-type]
    priority: int = Field(2, ge=1, le=3)
    source: str = Field("", max_length=80)
    done: bool = False

    @field_validator("action", "owner", "source")
    @classmethod
    def _strip(cls, value: str, info) -> str:
        value = _no_surrogates(value)
        if info.field_name == "action" and not value:
            raise not_allowed("blank action", "a short sentence saying what to do (not only spaces)")
        return value


def with_ids(actions: Sequence[Action]) -> list[Action]:
    """``actions`` with every blank id filled by :func:`stable_id` (explicit ids kept)."""
    seen = {a.id for a in actions if a.id}
    out = []
    for a in actions:
        if not a.id:
            a = a.model_copy(update={"id": stable_id(a, seen)})
            seen.add(a.id)
        out.append(a)
    return out


class Inputs(BaseModel):
    """The consultant's edits to the summary, saved as ``summary.json``."""

    model_config = ConfigDict(extra="forbid")

    schema_version: int = 1
    edited: bool = False
    actions: list[Action] = Field(default_factory=list, max_length=MAX_ACTIONS)
    note: str = Field("", max_length=2000)

    @field_validator("note")
    @classmethod
    def _clean_note(cls, value: str) -> str:
        return _no_surrogates(value)

    @model_validator(mode="after")
    def _ids(self) -> "Inputs":
        ids = [a.id for a in self.actions if a.id]
        twins = sorted({i for i in ids if ids.count(i) > 1})
        if twins:
            raise not_allowed(f"repeated action id {', '.join(twins)}", "each action's id once")
        if len(ids) < len(self.actions):
            self.actions = with_ids(self.actions)
        return self


TABLES: dict[str, Any] = {}


@dataclass(frozen=True)
class Line:
    """One framework's row on the summary page."""

    framework: str
    title: str
    status: str
    summary: str
    metrics: dict
    available: bool


@dataclass(frozen=True)
class Reading:
    """A cross-framework pattern in plain words, with the action it suggests."""

    rule: str
    frameworks: tuple[str, ...]
    text: str
    action: Action | None


@dataclass(frozen=True)
class Result:
    """The executive summary of one client."""

    lines: tuple[Line, ...]
    overall: str
    counts: dict[str, int]
    readings: tuple[Reading, ...]
    proposed: tuple[Action, ...]
    plan: tuple[Action, ...]
    note: str
    edited: bool = False

    @property
    def plan_table(self) -> pd.DataFrame:
        """The plan as a table: priority, action, owner, time frame, done."""
        return plan_frame(self.plan)

    @property
    def ranked_plan(self) -> tuple[Action, ...]:
        """The plan in the order it is read: open actions before done ones, highest priority first.

        The sort is stable, so within one priority the consultant's order (or the
        proposed order: soonest time frame first) is kept.
        """
        return tuple(sorted(self.plan, key=lambda a: (a.done, a.priority)))


def plan_frame(actions: Sequence[Action]) -> pd.DataFrame:
    """Actions as a table: priority, action, owner, time frame (and done, when any is)."""
    rows = [{"Priority": PRIORITIES[a.priority], "Action": a.action, "Owner": a.owner or "\u2013",
             "When": a.timeframe, "Done": "yes" if a.done else ""} for a in actions]
    columns = ["Priority", "Action", "Owner", "When"] + (["Done"] if any(a.done for a in actions) else [])
    return pd.DataFrame(rows, columns=["Priority", "Action", "Owner", "When", "Done"])[columns]


# -- headline access ------------------------------------------------------------

def _metric(headlines: Mapping[str, dict], framework: str, key: str) -> Any:
    return (headlines.get(framework) or {}).get("metrics", {}).get(key)


def _num(headlines: Mapping[str, dict], framework: str, key: str) -> float | None:
    value = _metric(headlines, framework, key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        return None
    return float(value)


def _status(headlines: Mapping[str, dict], framework: str) -> str | None:
    h = headlines.get(framework)
    return None if h is None else _clean_status(h.get("status"))


def _clean_status(value: Any) -> str:
    return value if value in STATUS_RANK else "grey"


# -- cross-framework rules --------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    """A pattern across frameworks: ``when`` decides, ``says`` words it."""

    name: str
    frameworks: tuple[str, ...]
    when: Callable[[Mapping[str, dict]], bool]
    says: Callable[[Mapping[str, dict]], str]
    action: tuple[str, str, str, int] | None = None  # action, owner, time frame, priority


def _a(word: Any) -> str:
    """``word`` with its indefinite article: "an Undefined", "a Defined"."""
    word = str(word)
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def _weak_relationship(h) -> bool:
    # Not weak where the consultant recorded the article's conditions for leaving it as it is.
    return (_metric(h, "sales_marketing", "relationship_type") in ("Undefined", "Defined")
            and _metric(h, "sales_marketing", "advice") != "keep")


def _nps_falling(h) -> bool:
    trend = _num(h, "nps", "trend_points")
    return trend is not None and trend < 0


#: The cross-framework patterns, most important first: the summary page shows the first ones
#: found (those that come with an action lead) and prints the rest on the page after it.
RULES: tuple[Rule, ...] = (
    Rule("relationship_and_loyalty", ("sales_marketing", "nps"),
         lambda h: _weak_relationship(h) and _nps_falling(h),
         lambda h: (f"Sales and Marketing have {_a(_metric(h, 'sales_marketing', 'relationship_type'))} relationship "
                    f"while the Net Promoter Score fell {abs(_num(h, 'nps', 'trend_points')):.0f} points: customers "
                    "may be feeling the gaps between the two teams. Fix the handoffs before pushing for more sales."),
         ("Run a joint Sales and Marketing review of the customer journey, starting with the detractors' "
          "complaints", "Heads of Sales and Marketing", "Next 30 days", 1)),
    Rule("relationship_and_forecast", ("sales_marketing", "deal_qualification"),
         lambda h: _weak_relationship(h) and (_num(h, "deal_qualification", "gap_share") or 0) >= 0.15,
         lambda h: (f"{percent(_num(h, 'deal_qualification', 'gap_share'))} of the weighted forecast rests on buyers who "
                    "are not ready, willing and able, and Sales and Marketing work as "
                    f"{_a(_metric(h, 'sales_marketing', 'relationship_type'))} relationship: the forecast problem is "
                    "shared, so both teams should qualify leads and deals on the same criteria."),
         ("Agree one set of lead and deal qualification criteria used by both Sales and Marketing",
          "Head of Sales", "Next 30 days", 1)),
    Rule("value_and_pipeline", ("value_proposition", "deal_qualification"),
         lambda h: _status(h, "value_proposition") == "red" and _status(h, "deal_qualification") in ("amber", "red"),
         lambda h: ("The offering has no clear value case against the next best alternative and much of the "
                    "pipeline lacks willing buyers: buyers may hesitate because the value is not shown to them."),
         ("Quantify the value of the main point of difference with two or three customers and use it in every "
          "proposal", "Head of Marketing", "Next 90 days", 1)),
    Rule("concentrated_value_unhappy_customers", ("clv", "nps"),
         lambda h: (_num(h, "clv", "top_10_share") or 0) >= 0.4 and _status(h, "nps") in ("amber", "red"),
         lambda h: (f"The top tenth of customers hold {percent(_num(h, 'clv', 'top_10_share'))} of customer equity "
                    "while loyalty is weak: losing a few large customers would cost much of the value."),
         ("Give each of the most valuable customers a named owner and a review call this quarter",
          "Head of Customer Success", "Next 90 days", 1)),
    Rule("stage_and_brands", ("growth_stages", "purpose_brands"),
         lambda h: _status(h, "growth_stages") in ("amber", "red") and (_num(h, "purpose_brands", "stretched_brands") or 0) > 0,
         lambda h: (f"The company is in the {_metric(h, 'growth_stages', 'stage')} stage with position, product and "
                    f"people out of line, and {int(_num(h, 'purpose_brands', 'stretched_brands'))} brand(s) stretch "
                    "over several jobs: sharpening what each brand is hired for also sharpens the market position."),
         None),
    Rule("unserved_segments_weak_offer", ("female_economy", "value_proposition"),
         lambda h: (_num(h, "female_economy", "unserved_segments") or 0) > 0
         and _status(h, "value_proposition") in ("amber", "red"),
         lambda h: (f"{int(_num(h, 'female_economy', 'unserved_segments'))} segment(s) of women buyers are not "
                    "served and the current value proposition is not yet convincing: a focused offer for one "
                    "overlooked segment could test a sharper proposition."),
         None),
    Rule("community_and_advocacy", ("brand_communities", "nps"),
         lambda h: _status(h, "brand_communities") == "red" and _status(h, "nps") in ("amber", "red"),
         lambda h: ("Customers neither recommend the brand strongly nor gather around it: there is little "
                    "word of mouth to build on yet."),
         None),
    Rule("people_and_relationship", ("growth_stages", "sales_marketing"),
         lambda h: _metric(h, "growth_stages", "weakest") == "people" and _weak_relationship(h),
         lambda h: ("People are the weakest link for the company's stage and Sales and Marketing are not yet "
                    "aligned: roles and shared goals for both teams deserve attention before new hires."),
         None),
)


def _readings(headlines: Mapping[str, dict]) -> list[Reading]:
    found = []
    for rule in RULES:
        if not all(f in headlines for f in rule.frameworks):
            continue
        try:
            if not rule.when(headlines):
                continue
            text = rule.says(headlines)
        except (TypeError, ValueError, KeyError):  # a headline without the metric the rule needs
            log.debug("rule %s skipped", rule.name, exc_info=True)
            continue
        action = None
        if rule.action is not None:
            what, owner, when, priority = rule.action
            action = Action(action=what, owner=owner, timeframe=when, priority=priority,
                            source=" + ".join(rule.frameworks))
        found.append(Reading(rule.name, rule.frameworks, text, action))
    return found


def _overview(lines: Sequence[Line]) -> str:
    known = [ln for ln in lines if ln.available and ln.status != "grey"]
    if not known:
        return "No framework has a result yet, so there is nothing to read across them."
    red = [ln.title for ln in known if ln.status == "red"]
    amber = [ln.title for ln in known if ln.status == "amber"]
    if red:
        return (f"{len(red)} of {len(known)} frameworks call for action now ({', '.join(red)})"
                + (f"; {len(amber)} more need attention." if amber else "."))
    if amber:
        return f"Nothing is red; {len(amber)} of {len(known)} frameworks need attention ({', '.join(amber)})."
    return f"All {len(known)} frameworks with a result are on track."


def clean_headline(value: Any) -> dict | None:
    """A recorded headline in a shape the summary can read: status, summary text, metrics dict.

    Anything else recorded (a damaged file, a list) reads as no result (None);
    an unknown status reads as ``grey`` and non-dict metrics as none.
    """
    if not isinstance(value, Mapping):
        return None
    metrics = value.get("metrics")
    return {"status": _clean_status(value.get("status")), "summary": str(value.get("summary") or ""),
            "metrics": dict(metrics) if isinstance(metrics, Mapping) else {}}


def evaluate(inputs: Inputs | dict, headlines: Mapping[str, Any],
             frameworks: Sequence[tuple[str, str]]) -> Result:
    """Read the headlines of one client together.

    Parameters
    ----------
    inputs : Inputs or dict
        The consultant's saved plan and note.
    headlines : mapping
        ``{framework: {"status", "summary", "metrics"}}`` as recorded by each
        framework notebook; frameworks without a result are simply absent.
    frameworks : sequence of (name, title)
        The frameworks to list, in report order.

    Raises
    ------
    InvalidInput
        When ``inputs`` is not a valid summary document.
    """
    inputs = validated(Inputs, inputs, "summary")
    names = {n for n, _ in frameworks}
    cleaned = {k: h for k, h in ((k, clean_headline(v)) for k, v in headlines.items()) if h and k in names}
    lines = []
    for name, title in frameworks:
        h = cleaned.get(name)
        if h is None:
            lines.append(Line(name, title, "grey", "No result in this report.", {}, False))
        else:
            lines.append(Line(name, title, h["status"], h["summary"], h["metrics"], True))
    counts = {s: sum(1 for ln in lines if ln.available and ln.status == s) for s in STATUSES}
    known = [ln.status for ln in lines if ln.available and ln.status != "grey"]
    overall = min(known, key=STATUS_RANK.__getitem__) if known else "grey"
    readings = _readings(cleaned)
    proposed = _propose(lines, readings)
    plan = tuple(inputs.actions) if inputs.edited else proposed
    overview = Reading("overview", tuple(n for n, _ in frameworks), _overview(lines), None)
    return Result(tuple(lines), overall, counts, (overview, *readings), proposed, plan, inputs.note,
                  inputs.edited)


def _propose(lines: Sequence[Line], readings: Sequence[Reading]) -> tuple[Action, ...]:
    actions: list[Action] = [r.action for r in readings if r.action is not None]
    for ln in sorted(lines, key=lambda x: STATUS_RANK[x.status]):
        planned = plan_action_for(ln.framework) if ln.status in ("red", "amber") else None
        if planned is None:
            continue
        what, owner, when = planned
        actions.append(Action(action=what, owner=owner, timeframe=when, priority=1 if ln.status == "red" else 2,
                              source=re.sub("[\ud800-\udfff]", "\ufffd", ln.title[:80])))  # a title is code
    seen, unique = set(), []
    for a in actions:
        if a.action not in seen:
            seen.add(a.action)
            unique.append(a)
    unique.sort(key=lambda a: (a.priority, TIMEFRAMES.index(a.timeframe)))
    return tuple(with_ids(unique[:MAX_ACTIONS]))


def headline(result: Result) -> dict:
    """The summary's own headline: overall status and counts."""
    c = result.counts
    text = (f"{c['red']} red, {c['amber']} amber and {c['green']} green frameworks; "
            f"{len(result.plan)} action(s) in the plan.")
    return {"status": result.overall, "summary": text,
            "metrics": {"red": c["red"], "amber": c["amber"], "green": c["green"],
                        "readings": len(result.readings) - 1, "actions": len(result.plan)}}


def validate(inputs: Any) -> Inputs:
    """Validate the summary's saved inputs, raising :class:`InvalidInput` naming every problem."""
    return validated(Inputs, inputs, "summary")


def validate_action(doc: dict) -> Action:
    """Validate one edited plan line, raising :class:`InvalidInput` naming the field."""
    return validated(Action, doc, "plan line")


__all__ = ["Action", "Inputs", "Result", "Line", "Reading", "RULES", "evaluate", "headline", "plan_frame",
           "plan_action_for", "clean_headline", "stable_id", "new_id", "with_ids", "validate", "validate_action",
           "InvalidInput"]
