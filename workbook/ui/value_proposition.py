"""The value-proposition room: result sections and the live elements table."""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pandas as pd

from ..charts import PALETTE, hbars, label_margin, layered, new_figure, nice_ceiling, row_labels, style_axes
from ..errors import InvalidInput
from ..frameworks import value_proposition as vp
from ..formatting import amount as _fmt
from ..html import badge, bullets, card, esc, para, table
from ..methods import marker
from .base import Context, RoomView

KIND_COLOURS = {"favorable": PALETTE["good"], "unfavorable": PALETTE["bad"],
                "parity": PALETTE["muted"], "contention": PALETTE["warn"]}
VIEW_OPTIONS = [("parity", "parity"), ("favorable", "favorable"), ("unfavorable", "unfavorable")]
CUSTOMER_OPTIONS = VIEW_OPTIONS + [("not known yet", "unknown")]
PITCH_OPTIONS = [(t.label, k) for k, t in vp.PROPOSITION_TYPES.items()]
NUMBER_ALLOWED = "a number of 0 or more (commas and a leading $ allowed), or blank while unknown"


# -- sections (shared by the live view and the report) ---------------------------

def headline_section(ctx: Context) -> str:
    """Net value, the resonating focus and the current pitch."""
    res = ctx.result
    h = vp.headline(res)
    inp = ctx.inputs
    who = []
    if inp.offering:
        who.append(f"Offering: <b>{esc(inp.offering)}</b>")
    if inp.customer:
        who.append(f"customer: <b>{esc(inp.customer)}</b>")
    if inp.next_best_alternative:
        who.append(f"next best alternative: <b>{esc(inp.next_best_alternative)}</b>")
    rows = [f"<p>{'; '.join(who)}.</p>" if who else ""]
    rows.append(f'<p style="font-size:115%">{badge(h["status"].upper(), h["status"])} &nbsp; {esc(h["summary"])}</p>')
    rows.append(para(
        f"Favorable differences worth {vp.usd(res.total_favorable_usd)}, unfavorable ones "
        f"{vp.usd(res.total_unfavorable_usd)}, net {vp.usd(res.net_value_usd)} {inp.value_period}. "
        f"Current pitch: {res.pitch.label.lower()}."))
    return card("Summary", "".join(rows))


def _values_key(ctx: Context):
    c = ctx.result.chart
    return tuple(map(tuple, c[["element", "kind", "value_usd"]].to_numpy().tolist()))


def _values_limits(ctx: Context) -> tuple[float, float]:
    """The x axis of the values chart, $ thousands, rounded so that it stays put while values move a little."""
    values = ctx.result.chart["value_usd"].to_numpy() / 1000
    span = max(float(np.abs(values).max()) if len(values) else 0, 1.0)
    low = float(values.min()) if (values < 0).any() else 0.0
    return -nice_ceiling(max(-low * 1.6, span * 0.05)), nice_ceiling(span * 1.4)


def _values_static(ctx: Context):
    """What the static layer shows: the number of rows, the label margin, the axis and the period."""
    data = ctx.result.chart
    if data.empty:
        return None
    return len(data), label_margin(data["element"]), _values_limits(ctx), ctx.inputs.value_period


def _values_data(ax, ctx: Context) -> list:
    data = ctx.result.chart
    labels = list(data["element"])
    y = np.arange(len(labels))
    values = data["value_usd"].to_numpy() / 1000
    artists = hbars(ax, y, values, [KIND_COLOURS[k] for k in data["kind"]])
    step = _values_limits(ctx)[1] * 0.015  # the gap between a bar and its value
    claimed = dict(zip(ctx.result.elements["element"], ctx.result.elements["claimed_usd"]))
    for yi, (name, kind, v) in enumerate(zip(labels, data["kind"], values)):
        if kind in ("parity", "contention"):
            note = "point of parity" if kind == "parity" else "point of contention"
            if kind == "contention" and pd.notna(claimed.get(name)) and claimed.get(name):
                note += f" (supplier claims {vp.usd(claimed[name])})"
            artists.append(ax.text(step, yi, note, va="center", fontsize=7.5, color=PALETTE["muted"]))
        elif v == 0:
            artists.append(ax.text(step, yi, "no value yet", va="center", fontsize=7.5, color=PALETTE["bad"]))
        else:
            artists.append(ax.text(max(v, 0) + step, yi, vp.usd(v * 1000), va="center", ha="left", fontsize=7.5,
                                   color=PALETTE["ink"] if v > 0 else PALETTE["bad"]))
    return artists + row_labels(ax, y, labels)  # the ranking reorders the names: they go with the data


@layered(_values_static, _values_data, _values_key)
def values_section(ctx: Context):
    """Every element ranked by its money value to the customer, coloured by kind."""
    n, margin, (left, right), period = _values_static(ctx)
    fig = new_figure(7.0, 1.2 + 0.3 * max(n, 3), left=margin, top=0.6, bottom=0.5)
    ax = fig.add_subplot()
    ax.axvline(0, color=PALETTE["ink"], linewidth=0.8, zorder=3)
    ax.set_yticks(np.arange(n), [""] * n)
    pad = 0.05 * (n - 0.4)  # the rows' margin as matplotlib's autoscale leaves it
    ax.set_ylim(n - 0.7 + pad, -0.3 - pad)  # first row on top
    ax.set_xlim(left, right)
    ax.set_xlabel(f"Value to the customer, thousands of dollars {period}", fontsize=8.5)
    from matplotlib.patches import Patch  # loaded with the figure already

    handles = [Patch(facecolor=KIND_COLOURS[k], label=vp.KIND_LABELS[k]) for k in vp.KINDS]  # swatches only
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, fontsize=7.5, frameon=False)
    ax.set_title("Elements ranked by value to the customer", loc="left", pad=30)
    style_axes(ax)
    return fig, ax


def elements_section(ctx: Context) -> str:
    """The comparison table with both views and the value word equations."""
    t = ctx.result.elements
    if t.empty:
        return card("Elements compared", para("No element has been entered yet."))
    view = t.assign(
        kind=t["kind"].map(vp.KIND_LABELS),
        customer=t["customer_view"].replace("unknown", "not known yet"),
        value=[vp.usd(v) if e and k != "contention" else "" for v, e, k in zip(t["value_usd"], t["equation"], t["kind"])],
        equation=[e.split(" = ")[0] for e in t["equation"]],
        focus=np.where(t["in_focus"], "\u2605", ""),
    )[["focus", "element", "customer", "supplier_view", "kind", "value", "equation", "assumption"]]
    view = view.rename(columns={"focus": "", "element": "Element", "customer": "Customer's view",
                                "supplier_view": "Supplier's view", "kind": "Kind", "value": "Value",
                                "equation": "Value word equation", "assumption": "Assumption"})
    return card("Elements compared with the next best alternative",
                para("Where the customer's view and the supplier's view differ, the element is a point of "
                     "contention and its value is left out of the net until the two agree. \u2605 marks the "
                     "resonating focus.") + table(view))


def focus_section(ctx: Context) -> str:
    """The proposed resonating focus and the value-presumption warnings."""
    res = ctx.result
    parts = []
    if res.focus:
        value = dict(zip(res.elements["element"], res.elements["value_usd"]))
        better = dict(zip(res.elements["element"], res.elements["improvement_usd"]))
        if res.focus_basis == "improvement":
            items = [f"{name}: improving it is worth {vp.usd(better[name])} {ctx.inputs.value_period} to the customer"
                     for name in res.focus]
            intro = ("Lead with the one or two favorable differences whose improvement the customer would value most "
                     "for the foreseeable future:")
        else:
            items = [f"{name}: {vp.usd(value[name])} {ctx.inputs.value_period} today" for name in res.focus]
            intro = "Lead, for now, with the one or two favorable differences worth most to this customer today:"
        if res.focus_parity:
            items.append(f"{res.focus_parity}: a point of parity the customer treats as essential")
        parts += [para(intro), bullets(items)]
        parts.append(marker(vp.WORKBOOK_RULES, *(("focus_stand_in",) if res.focus_basis == "today" else ())
                            + (("focus_parity",) if res.focus_parity else ())))
    else:
        parts.append(para("No resonating focus yet: no favorable difference has a money value."))
    if res.warnings:
        parts += ["<h4>Watch out</h4>", bullets(res.warnings)]
    parts += ["<h4>Recommendations</h4>", bullets(res.recommendations)]
    return card("Resonating focus", "".join(parts))


def pitch_section(ctx: Context) -> str:
    """The three kinds of proposition, with the client's current pitch marked."""
    current = ctx.result.pitch.key
    rows = []
    for key, t in vp.PROPOSITION_TYPES.items():
        mark = " (current pitch)" if key == current else ""
        rows.append({"Kind": t.label + mark, "Made of": t.consists_of, "Customer's question": t.customer_question,
                     "Needs": t.requires, "Pitfall": f"{t.pitfall}: {t.pitfall_meaning}"})
    frame = pd.DataFrame(rows)
    return card("Three kinds of value proposition",
                para(f"The client's current pitch is {ctx.result.pitch.label.lower()}; it answers the question "
                     f"\u201c{ctx.result.pitch.customer_question}\u201d") + table(frame))


SECTIONS = {
    "headline": headline_section,
    "values": values_section,
    "focus": focus_section,
    "elements": elements_section,
    "pitch": pitch_section,
}


# -- the live form --------------------------------------------------------------

def parse_number(text: str, field: str) -> float | None:
    """Read a form number: blank is None; commas and a leading $ are allowed."""
    clean = (text or "").strip().replace(",", "").lstrip("$").strip()
    if not clean:
        return None
    try:
        value = float(clean)
    except ValueError:
        raise InvalidInput.one(field, text, NUMBER_ALLOWED) from None
    if not np.isfinite(value) or value < 0:
        raise InvalidInput.one(field, text, NUMBER_ALLOWED)
    return value


class View(RoomView):
    """Describe the offering and edit the elements table."""

    framework = "value_proposition"
    sections = SECTIONS
    empty_chart = "No chart yet: add elements of the offering and give the favourable ones a money value."

    def _build_inputs(self) -> widgets.Widget:
        inp = self.state.inputs
        short = widgets.Layout(width="48%")
        self._offering = widgets.Text(inp.offering, description="Offering", continuous_update=False, layout=short)
        self._customer = widgets.Text(inp.customer, description="Customer", continuous_update=False, layout=short)
        self._nba = widgets.Text(inp.next_best_alternative, description="Next best alt.", continuous_update=False,
                                 layout=short)
        self._pitch = widgets.Dropdown(options=PITCH_OPTIONS, value=inp.current_pitch, description="Current pitch",
                                       layout=short)
        for w, field in ((self._offering, "offering"), (self._customer, "customer"),
                         (self._nba, "next_best_alternative"), (self._pitch, "current_pitch")):
            w.style.description_width = "110px"
            w.observe(lambda change, f=field: self._set_top(f, change["new"]), names="value")
            self._bind(w, lambda state, f=field: getattr(state.inputs, f))
        self._rows = widgets.VBox()
        self._new_name = widgets.Text(placeholder="New element, e.g. Delivery lead time",
                                      layout=widgets.Layout(width="300px"))
        add = widgets.Button(description="Add element", icon="plus")
        add.on_click(lambda _: self._add())
        self._part("elements", self._rows,
                   lambda: [self._keep(el.name, lambda el=el: self._row(el)) for el in self.state.inputs.elements],
                   lambda state: tuple(el.name for el in state.inputs.elements))
        return widgets.VBox([
            widgets.HBox([self._offering, self._customer]), widgets.HBox([self._nba, self._pitch]),
            widgets.HTML("<b>Elements</b> <i>(compare each with the customer's next best alternative; "
                         "value = quantity \u00d7 dollars each)</i>"),
            self._rows, widgets.HBox([self._new_name, add]),
        ])

    # -- rows ----------------------------------------------------------------------
    def _row(self, el: vp.Element) -> widgets.Widget:
        name = el.name
        lay = widgets.Layout
        title = widgets.Text(el.name, continuous_update=False, layout=lay(width="210px"))
        title.observe(lambda c: self._rename(name, c["new"]), names="value")
        supplier = widgets.Dropdown(options=VIEW_OPTIONS, value=el.supplier_view, description="Supplier",
                                    layout=lay(width="210px"))
        customer = widgets.Dropdown(options=CUSTOMER_OPTIONS, value=el.customer_view, description="Customer",
                                    layout=lay(width="220px"))
        for w in (supplier, customer):
            w.style.description_width = "72px"
        supplier.observe(lambda c: self._set(name, "supplier_view", c["new"]), names="value")
        customer.observe(lambda c: self._set(name, "customer_view", c["new"]), names="value")
        essential = widgets.Checkbox(el.essential, description="essential", indent=False, layout=lay(width="90px"))
        essential.observe(lambda c: self._set(name, "essential", bool(c["new"])), names="value")
        remove = widgets.Button(icon="trash", tooltip=f"Remove {name}", layout=lay(width="36px"))
        remove.on_click(lambda _: self._remove(name))
        qty = widgets.Text(_fmt(el.quantity), placeholder="quantity", continuous_update=False, layout=lay(width="90px"))
        unit = widgets.Text(el.unit, placeholder="unit, e.g. hours saved a year", continuous_update=False,
                            layout=lay(flex="1 1 220px", min_width="160px"))
        price = widgets.Text(_fmt(el.unit_value_usd), placeholder="$ each", continuous_update=False,
                             layout=lay(width="90px"))
        note = widgets.Text(el.assumption, placeholder="assumption / source", continuous_update=False,
                            layout=lay(flex="2 1 260px", min_width="200px"))
        better = widgets.Text(_fmt(el.improvement_value_usd), placeholder="$ if improved",
                              tooltip="What improving this difference would be worth to the customer over the "
                                      "foreseeable future (the article's test for the resonating focus)",
                              continuous_update=False, layout=lay(width="110px"))
        better.add_class("wb-improvement")
        better.observe(lambda c: self._set_number(name, "improvement_value_usd", c["new"]), names="value")
        qty.observe(lambda c: self._set_number(name, "quantity", c["new"]), names="value")
        price.observe(lambda c: self._set_number(name, "unit_value_usd", c["new"]), names="value")
        unit.observe(lambda c: self._set(name, "unit", c["new"]), names="value")
        note.observe(lambda c: self._set(name, "assumption", c["new"]), names="value")

        def saved(field: str, fmt=lambda v: v):
            return lambda state: fmt(getattr(state.inputs.element(name), field))
        for widget, field in ((supplier, "supplier_view"), (customer, "customer_view"), (essential, "essential"),
                              (unit, "unit"), (note, "assumption")):
            self._bind(widget, saved(field))
        for widget, field in ((qty, "quantity"), (price, "unit_value_usd"), (better, "improvement_value_usd")):
            self._bind(widget, saved(field, _fmt))
        row = widgets.VBox([
            widgets.HBox([title, supplier, customer, essential, remove]),
            widgets.HBox([widgets.HTML("&nbsp;&nbsp;value:", layout=lay(width="50px")), qty, unit,
                          widgets.HTML("\u00d7 $", layout=lay(width="24px")), price, note],
                         layout=lay(width="100%")),
            widgets.HBox([widgets.HTML("&nbsp;&nbsp;worth to the customer if improved, foreseeable future:",
                                       layout=lay(width="330px")), better]),
        ], layout=lay(border="1px solid #e4e7eb", padding="2px 4px", margin="2px 0"))
        row.add_class("wb-element")
        return row

    # -- events --------------------------------------------------------------------
    def _set_top(self, field: str, value) -> None:
        def change(doc: vp.Inputs) -> None:
            setattr(doc, field, value)
        self._apply(change)

    def _set(self, name: str, field: str, value) -> None:
        def change(doc: vp.Inputs) -> None:
            setattr(doc.element(name), field, value)
        self._apply(change)

    def _set_number(self, name: str, field: str, text: str) -> None:
        label = {"quantity": "quantity", "improvement_value_usd": "worth if improved"}.get(field, "dollars each")

        def change(doc: vp.Inputs) -> None:
            setattr(doc.element(name), field, parse_number(text, f"{name}: {label}"))
        self._apply(change)

    def _rename(self, old: str, new: str) -> None:
        clean = (new or "").strip()

        def change(doc: vp.Inputs) -> None:
            taken = [e.name for e in doc.elements if e.name != old]
            if not clean or clean.casefold() in {t.casefold() for t in taken}:
                raise InvalidInput.one("element name", new, "1 to 80 characters, not already used")
            doc.element(old).name = clean
        self._apply(change)  # the rows follow the saved names (see workbook.ui.binding)

    def _add(self) -> None:
        name = self._new_name.value

        def change(doc: vp.Inputs) -> None:
            doc.add_element(name)
        if self._apply(change):
            self._new_name.value = ""

    def _remove(self, name: str) -> None:
        def change(doc: vp.Inputs) -> None:
            doc.remove_element(name)
        self._apply(change)
