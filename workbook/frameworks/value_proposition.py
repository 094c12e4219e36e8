"""Customer value propositions: compare an offering with the next best alternative.

Source: James C. Anderson, James A. Narus and Wouter van Rossum, "Customer
Value Propositions in Business Markets", Harvard Business Review, March 2006.

The consultant lists the elements of the client's offering. For each element the
customer's view and the supplier's view of how it compares with the customer's
next best alternative are kept apart: parity, favorable difference or
unfavorable difference. Where the two views disagree the element is a point of
contention. Each difference can carry a value word equation (a quantity times a
value per unit), which gives a money value, a total and a net. The largest one
or two favorable differences, with an essential point of parity if one is
marked, form the resonating focus. The module also says which of the article's
three kinds of proposition the client's current pitch is and what that implies.

Pure module: no widgets, no files, no printing.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import pandas as pd

from workbook.errors import InvalidInput, validated
from ..spec import BrowserEdit, FrameworkSpec, PlanAction
from workbook.formatting import money as usd  # the one money style; ``usd`` kept for callers

from .value_proposition_content import (  # noqa: F401 - re-exported
    NAME, TITLE, SOURCE, SCHEMA_VERSION, VIEWS, CUSTOMER_VIEWS, KINDS, KIND_LABELS, FOCUS_MAX_DIFFERENCES,
    FOCUS_MAX_PARITY, NUMBER_ALLOWED, MAX_ELEMENTS, MAX_NAME_CHARS, PitchKind, PITCH_KINDS, PropositionType,
    PROPOSITION_TYPES, FROM_SOURCE, WORKBOOK_RULES,
)
from .value_proposition_inputs import (  # noqa: F401 - re-exported
    Element, Inputs,
)

log = logging.getLogger(__name__)

TABLES: dict[str, Any] = {}


@dataclass(frozen=True, eq=False)
class Result:
    """Everything the room shows for one client.

    Attributes
    ----------
    elements : pandas.DataFrame
        One row per element: element, supplier_view, customer_view, kind,
        essential, value_usd (signed: unfavorable differences negative, parity
        and contention 0), claimed_usd (the equation's value before sign),
        equation, assumption, in_focus.
    chart : pandas.DataFrame
        The elements ranked by signed value, with their kind (element, kind, value_usd).
    total_favorable_usd, total_unfavorable_usd, net_value_usd : float
        Sum of the valued favorable differences, of the valued unfavorable ones,
        and favorable minus unfavorable.
    disputed_usd : float
        The value the supplier claims for points of contention (not counted in the net).
    focus : tuple of str
        The favorable differences of the resonating focus, largest first.
    focus_basis : {"improvement", "today"}
        What the focus was ranked by: the value of improving each difference
        over the foreseeable future (the article's test), or, while no such
        value is recorded, today's value as a stand-in (a workbook rule).
    focus_parity : str or None
        The essential point of parity in the focus, if one is marked.
    warnings : tuple of str
        Value presumption warnings and other cautions.
    pitch : PropositionType
        The kind of the client's current pitch.
    recommendations : tuple of str
    counts : dict
        Number of elements per kind.
    """

    inputs: Inputs
    elements: pd.DataFrame
    chart: pd.DataFrame
    total_favorable_usd: float
    total_unfavorable_usd: float
    net_value_usd: float
    disputed_usd: float
    focus: tuple[str, ...]
    focus_parity: str | None
    warnings: tuple[str, ...]
    focus_basis: str
    pitch: PropositionType
    recommendations: tuple[str, ...]
    counts: dict[str, int]


def classify(supplier_view: str, customer_view: str) -> str:
    """Return the kind of an element from its two views.

    Parameters
    ----------
    supplier_view : {"parity", "favorable", "unfavorable"}
    customer_view : {"parity", "favorable", "unfavorable", "unknown"}

    Returns
    -------
    str
        The shared view when both agree; the supplier's view when the
        customer's is unknown; ``"contention"`` when the two disagree.
    """
    if supplier_view not in VIEWS:
        raise InvalidInput.one("supplier_view", supplier_view, ", ".join(VIEWS))
    if customer_view not in CUSTOMER_VIEWS:
        raise InvalidInput.one("customer_view", customer_view, ", ".join(CUSTOMER_VIEWS))
    if customer_view == "unknown" or customer_view == supplier_view:
        return supplier_view
    return "contention"


def equation_value(element: Element) -> float | None:
    """Money value of an element's value word equation, or None when incomplete."""
    if element.quantity is None or element.unit_value_usd is None:
        return None
    return float(element.quantity) * float(element.unit_value_usd)


def equation_text(element: Element, period: str = "a year") -> str:
    """The value word equation written out, e.g.

    ``"1,200 hours of downtime avoided × $85 each = $102,000 a year"``.
    Returns an empty string when the equation is incomplete.
    """
    value = equation_value(element)
    if value is None:
        return ""
    unit = element.unit or "units"
    return (
        f"{_num(element.quantity)} {unit} × ${_num(element.unit_value_usd)} each"
        f" = {usd(value)} {period}".rstrip()
    )


def _num(x: float | None) -> str:
    if x is None:
        return ""
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def evaluate(inputs: Inputs | dict, tables: dict[str, pd.DataFrame] | None = None) -> Result:
    """Classify, value and rank the elements; propose the resonating focus.

    Parameters
    ----------
    inputs : Inputs or dict
        The form inputs (a dict is validated first).
    tables : dict, optional
        Unused: this framework has no tables.

    Returns
    -------
    Result

    Raises
    ------
    workbook.errors.InvalidInput
        When a dict of inputs does not validate.
    """
    inputs = validated(Inputs, inputs, "value_proposition inputs")
    rows = []
    for el in inputs.elements:
        kind = classify(el.supplier_view, el.customer_view)
        claimed = equation_value(el)
        if claimed is None or kind in ("parity", "contention"):
            signed = 0.0
        else:
            signed = claimed if kind == "favorable" else -claimed
        rows.append(
            {
                "element": el.name,
                "supplier_view": el.supplier_view,
                "customer_view": el.customer_view,
                "kind": kind,
                "essential": bool(el.essential and kind == "parity"),
                "value_usd": signed,
                "claimed_usd": claimed,
                "equation": equation_text(el, inputs.value_period),
                "assumption": el.assumption,
                "improvement_usd": el.improvement_value_usd,
            }
        )
    columns = ["element", "supplier_view", "customer_view", "kind", "essential",
               "value_usd", "claimed_usd", "equation", "assumption", "improvement_usd"]
    table = pd.DataFrame(rows, columns=columns)
    table["claimed_usd"] = table["claimed_usd"].astype("float64")
    table["value_usd"] = table["value_usd"].astype("float64")
    table["improvement_usd"] = table["improvement_usd"].astype("float64")

    fav = table[table["kind"] == "favorable"]
    unfav = table[table["kind"] == "unfavorable"]
    valued_fav = fav[fav["claimed_usd"].notna() & (fav["claimed_usd"] > 0)]
    total_fav = float(valued_fav["claimed_usd"].sum())
    total_unfav = float(unfav["claimed_usd"].fillna(0).sum())
    disputed = float(table.loc[table["kind"] == "contention", "claimed_usd"].fillna(0).sum())

    # The article's test: the differences whose improvement is worth most for the foreseeable future.
    improvable = fav[fav["improvement_usd"].notna() & (fav["improvement_usd"] > 0)]
    if len(improvable):
        basis = "improvement"
        ranked = improvable.sort_values("improvement_usd", ascending=False, kind="stable")
    else:  # workbook rule "focus_stand_in": today's value until improvement values are recorded
        basis = "today"
        ranked = valued_fav.sort_values("claimed_usd", ascending=False, kind="stable")
    focus = tuple(ranked["element"].head(FOCUS_MAX_DIFFERENCES))
    essential = table[table["essential"]]
    focus_parity = str(essential["element"].iloc[0]) if len(essential) else None
    table["in_focus"] = table["element"].isin(focus) | (table["element"] == focus_parity)

    warnings = _warnings(table, fav, unfav, essential)
    if focus and basis == "today":
        warnings.append("No favorable difference has a recorded value of improving it, so the focus is ranked by "
                        "today's value as a stand-in (workbook rule); the article's test is which differences would "
                        "be worth most to the customer to improve for the foreseeable future.")
    unrated = fav[fav["improvement_usd"].isna()] if basis == "improvement" else fav.iloc[0:0]
    if len(unrated):
        warnings.append(f"No value of improving {_names(unrated)} is recorded, so "
                        f"{'it is' if len(unrated) == 1 else 'they are'} left out of the focus for now.")
    pitch = PROPOSITION_TYPES[inputs.current_pitch]
    recs = _recommendations(inputs, pitch, focus, focus_parity, total_fav, total_unfav, table)

    chart = (
        table[["element", "kind", "value_usd"]]
        .sort_values("value_usd", ascending=False, kind="stable")
        .reset_index(drop=True)
    )
    counts = {k: int((table["kind"] == k).sum()) for k in KINDS}
    log.debug("value_proposition: %d elements, net %.0f", len(table), total_fav - total_unfav)
    return Result(
        inputs=inputs,
        elements=table,
        chart=chart,
        total_favorable_usd=total_fav,
        total_unfavorable_usd=total_unfav,
        net_value_usd=total_fav - total_unfav,
        disputed_usd=disputed,
        focus=focus,
        focus_parity=focus_parity,
        warnings=tuple(warnings),
        focus_basis=basis,
        pitch=pitch,
        recommendations=tuple(recs),
        counts=counts,
    )


def _names(frame: pd.DataFrame) -> str:
    return ", ".join(frame["element"])


def _warnings(table: pd.DataFrame, fav: pd.DataFrame, unfav: pd.DataFrame,
              essential: pd.DataFrame) -> list[str]:
    out = []
    missing = fav[fav["claimed_usd"].isna()]
    if len(missing):
        out.append(
            f"Value presumption: {_names(missing)} "
            f"{'has' if len(missing) == 1 else 'have'} no money value yet, so "
            "the focus may change once valued."
        )
    zero = fav[fav["claimed_usd"].notna() & (fav["claimed_usd"] == 0)]
    if len(zero):
        out.append(
            f"Worth nothing to the customer as entered: {_names(zero)}. "
            "A difference the customer does not value is not an advantage."
        )
    unconfirmed = fav[(fav["customer_view"] == "unknown") & fav["claimed_usd"].notna()]
    if len(unconfirmed):
        out.append(
            f"Value presumption: the customer has not confirmed {_names(unconfirmed)} "
            "as favorable; only the supplier's view stands behind the value counted."
        )
    missing_unfav = unfav[unfav["claimed_usd"].isna()]
    if len(missing_unfav):
        out.append(
            f"Unfavorable difference(s) without a value ({_names(missing_unfav)}): "
            "the net overstates the case until they are costed."
        )
    if len(essential) > FOCUS_MAX_PARITY:
        out.append(
            f"{len(essential)} points of parity are marked essential; the focus keeps "
            f"only the first ({essential['element'].iloc[0]})."
        )
    return out


def _recommendations(inputs: Inputs, pitch: PropositionType, focus: tuple[str, ...],
                     focus_parity: str | None, total_fav: float, total_unfav: float,
                     table: pd.DataFrame) -> list[str]:
    recs = []
    if focus and total_fav - total_unfav <= 0:
        recs.append(f"The strongest favorable difference ({focus[0]}) does not yet outweigh the "
                    "unfavorable ones, so there is no case to lead with.")
    elif focus:
        lead = " and ".join(focus)
        tail = f", while showing parity on {focus_parity}" if focus_parity else ""
        why = (" (the differences the customer would gain most from seeing improved)"
               if table["element"].isin(focus).any() and table.loc[table["element"].isin(focus), "improvement_usd"].notna().all()
               else "")
        recs.append(f"Lead the pitch with {lead}{why}{tail}.")
    else:
        recs.append(
            "No favorable difference has a money value yet: value at least one "
            "before building the pitch."
        )
    if pitch.key != "resonating_focus":
        advice = pitch.advice[0].lower() + pitch.advice[1:]
        recs.append(f"The current pitch ({pitch.label.lower()}) risks {pitch.pitfall}: {advice}")
    else:
        recs.append(pitch.advice)
    contention = table[table["kind"] == "contention"]
    if len(contention):
        recs.append(
            f"Settle the points of contention ({_names(contention)}) with evidence from "
            "the customer's operations before claiming them."
        )
    if total_fav - total_unfav <= 0 and (total_fav or total_unfav):
        recs.append(
            "The unfavorable differences outweigh the favorable ones: lower the price "
            "or improve the offering before pitching against this alternative."
        )
    return recs


def changes(previous: Inputs, current: Inputs) -> list[str]:
    """Describe in plain words what moved between two saved versions."""
    notes: list[str] = []
    before = {e.name: e for e in previous.elements}
    now = {e.name: e for e in current.elements}
    for name in now.keys() - before.keys():
        notes.append(f"New element: {name}.")
    for name in before.keys() - now.keys():
        notes.append(f"Element removed: {name}.")
    old_res, new_res = evaluate(previous), evaluate(current)
    old_kind = dict(zip(old_res.elements["element"], old_res.elements["kind"]))
    for row in new_res.elements.itertuples():
        if row.element in old_kind and old_kind[row.element] != row.kind:
            notes.append(f"{row.element} moved from {KIND_LABELS[old_kind[row.element]]} to {KIND_LABELS[row.kind]}.")
    if previous.current_pitch != current.current_pitch:
        notes.append(f"Current pitch changed from {PROPOSITION_TYPES[previous.current_pitch].label.lower()} "
                     f"to {PROPOSITION_TYPES[current.current_pitch].label.lower()}.")
    if abs(old_res.net_value_usd - new_res.net_value_usd) >= 0.5:
        notes.append(f"Net value moved from {usd(old_res.net_value_usd)} to {usd(new_res.net_value_usd)}.")
    if old_res.focus != new_res.focus:
        notes.append("Resonating focus is now " + (" and ".join(new_res.focus) or "empty") + ".")
    return notes


def headline(result: Result) -> dict:
    """Short JSON-safe summary for the executive summary.

    Status is red when no favorable difference carries value or the net is not
    positive; green when the pitch is a resonating focus with no warnings;
    amber otherwise.
    """
    net = result.net_value_usd
    if not result.focus or net <= 0:
        status = "red"
    elif result.pitch.key == "resonating_focus" and not result.warnings:
        status = "green"
    else:
        status = "amber"
    period = result.inputs.value_period
    if result.focus and net <= 0:
        summary = (
            f"The unfavorable differences outweigh the favorable ones by {usd(-net)} {period}, "
            "so the offering has no case against this alternative yet."
        )
    elif result.focus:
        summary = (
            f"Net value to the customer is {usd(net)} {period}; "
            f"the resonating focus is {' and '.join(result.focus)}."
        )
    else:
        summary = "No favorable point of difference has a money value yet, so there is no resonating focus."
    return {
        "status": status,
        "summary": summary,
        "metrics": {
            "net_value_usd": round(net, 2),
            "favorable_differences": result.counts["favorable"],
            "points_of_contention": result.counts["contention"],
            "current_pitch": result.pitch.label,
        },
    }


# -- the room contract (workbook.spec; the registry reads it) ---------------------

SPEC = FrameworkSpec(
    name="value_proposition",
    title="Customer value propositions",
    citation=SOURCE,
    notebook="value_proposition.ipynb",
    Inputs=Inputs,
    evaluate=evaluate,
    headline=headline,
    tables=TABLES,
    related=(),
    changes=changes,
    plan_action=PlanAction(("Rebuild the value proposition around the one or two differences customers "
                            "value most, backed by customer value research"),
                           "Head of Marketing", "Next 90 days"),
    headline_metrics=("net_value_usd", "favorable_differences", "points_of_contention", "current_pitch"),
    browser_edit=BrowserEdit("select", "Current pitch"),
)
