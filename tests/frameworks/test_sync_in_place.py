"""Another session's change shows in the widgets already on screen, in every room.

A Text box saves only when the consultant presses Enter or leaves it, so what
is half typed lives in the browser alone; a form built again would lose it
(and the focus). So when another session (a tab, the CLI, a survey answer)
saves a change, the view sets only the widget whose saved value moved, in
place, saves nothing back, and builds again only the part whose shape
changed (a row added or removed), keeping the open tab.
"""
from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets
import pytest

from workbook import registry
from workbook.store import Store
from workbook.store_helpers import client_version

from .rooms import live_view

#: Widgets that hold what the consultant enters.
INPUTS = (widgets.Text, widgets.Textarea, widgets.Combobox, widgets.FloatText, widgets.IntText, widgets.Checkbox,
          widgets.ToggleButtons, widgets.ToggleButton, widgets.Dropdown, widgets.FloatSlider, widgets.IntSlider)


def _tree(widget: widgets.Widget) -> list[widgets.Widget]:
    """``widget`` and every widget inside it, in order."""
    out = [widget]
    for child in getattr(widget, "children", ()):
        out += _tree(child)
    return out


def _text_box(view, value: str) -> widgets.Widget:
    """The one text-like input of the form that shows ``value``."""
    found = [w for w in _tree(view._inputs_box) if isinstance(w, (widgets.Text, widgets.Combobox))
             and w.value == value]
    assert len(found) == 1, (value, len(found))
    return found[0]


def _edit_doc(framework: str, change):
    """An edit another session makes to the room's saved document."""
    def edit(store: Store, slug: str) -> None:
        store.update(slug, framework, registry.get(framework).module.Inputs, change)
    return edit


def _flip_first_deal(store: Store, slug: str) -> None:
    from workbook.frameworks import deal_qualification as dq
    from workbook.ui.deal_qualification import pipeline_for_csv

    frame = store.load_table(slug, "deal_qualification", "pipeline", dq.validate_pipeline).copy()
    frame.loc[0, "able"] = not frame.loc[0, "able"]
    store.save_table(slug, "deal_qualification", "pipeline", pipeline_for_csv(frame), validator=dq.validate_pipeline)


def _set_answer(doc) -> None:
    doc.respondents[0].answers[3] = 1 if doc.respondents[0].answers[3] != 1 else 2


def _set_share(doc) -> None:
    doc.positions[0].current_share = 0.123


def _set_year(doc) -> None:
    doc.history[0].revenue_usd = 950_000.0


def _set_product(doc) -> None:
    doc.brands[0].products[0].name = "Brushless drill-driver"


def _set_quantity(doc) -> None:
    doc.elements[0].quantity = 321.0


# (framework, client, another session's edit, the widget that shows the field, what it must show then)
CASES = [
    ("sales_marketing", "aurora-software", _edit_doc("sales_marketing", _set_answer),
     lambda v: v._answers[3], lambda s: s.inputs.respondents[0].answers[3]),
    ("brand_communities", "aurora-software", _edit_doc("brand_communities", lambda d: setattr(d, "brand", "Orbit")),
     lambda v: v._brand, lambda s: "Orbit"),
    ("clv", "northwind-tools", _edit_doc("clv", lambda d: setattr(d, "margin", 0.42)),
     lambda v: v._margin, lambda s: 0.42),
    ("deal_qualification", "northwind-tools", _edit_doc("deal_qualification",
                                                        lambda d: setattr(d, "priority_count", 7)),
     lambda v: v._count, lambda s: 7),
    ("deal_qualification", "northwind-tools", _flip_first_deal,
     lambda v: v._toggles[("NW-201", "able")], lambda s: bool(s.tables["pipeline"].loc[0, "able"])),
    ("female_economy", "meridian-bank", _edit_doc("female_economy", lambda d: setattr(d, "market_name", "Savings")),
     lambda v: v._market_name, lambda s: "Savings"),
    ("female_economy", "meridian-bank", _edit_doc("female_economy", _set_share),
     lambda v: v._shares[(v.state.inputs.positions[0].segment, "current_share")], lambda s: 12.3),
    ("growth_stages", "aurora-software", _edit_doc("growth_stages", lambda d: setattr(d, "revenue_usd", 8.1e6)),
     lambda v: v._revenue, lambda s: 8.1e6),
    ("growth_stages", "aurora-software", _edit_doc("growth_stages", _set_year),
     lambda v: _text_box(v, "900,000"), lambda s: "950,000"),
    ("nps", "bluebird-coffee", _edit_doc("nps", lambda d: setattr(d, "peer_industry", "Coffee shops")),
     lambda v: v._industry, lambda s: "Coffee shops"),
    ("purpose_brands", "northwind-tools", _edit_doc("purpose_brands", lambda d: setattr(d, "company", "Northwind")),
     lambda v: v._company, lambda s: "Northwind"),
    ("purpose_brands", "northwind-tools", _edit_doc("purpose_brands", _set_product),
     lambda v: _text_box(v, "18V drill-driver"), lambda s: "Brushless drill-driver"),
    ("value_proposition", "aurora-software", _edit_doc("value_proposition",
                                                       lambda d: setattr(d, "customer", "Plant managers")),
     lambda v: v._customer, lambda s: "Plant managers"),
    ("value_proposition", "aurora-software", _edit_doc("value_proposition", _set_quantity),
     lambda v: next(w for w in _tree(v._rows.children[0]) if getattr(w, "placeholder", "") == "quantity"
                    if isinstance(w, widgets.Text)), lambda s: "321"),
]


def _history(data: Path, slug: str) -> list[str]:
    folder = data / "clients" / slug / ".history"
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


@pytest.mark.parametrize("framework, slug, edit, widget_of, expected", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_another_sessions_change_is_set_in_place(copy_data, framework, slug, edit, widget_of, expected):
    store, view = live_view(framework, slug, copy_data, sections=True)
    target = widget_of(view)
    before = _tree(view._inputs_box)
    others = [w for w in before if isinstance(w, INPUTS) and w is not target]
    moved: list[str] = []
    for w in others:  # any change of value would be sent to the browser, over what is typed there
        w.observe(lambda change, w=w: moved.append(f"{type(w).__name__} {change['old']!r} -> {change['new']!r}"),
                  names="value")

    edit(Store(copy_data), slug)  # another session, with a store of its own
    related = tuple(getattr(registry.get(framework).module, "RELATED", ()))
    on_disk, history = client_version(store, slug, framework, related), _history(copy_data, slug)
    assert view._check_external(force=True) is True

    assert target.value == expected(view.state)
    assert "Updated from another session" in view._sync_note.value
    after = _tree(view._inputs_box)
    assert [w.model_id for w in after] == [w.model_id for w in before], "the form was built again"
    assert moved == [], "other fields were set too"
    # Nothing saved back: the files are as the other session left them.
    assert client_version(store, slug, framework, related) == on_disk
    assert _history(copy_data, slug) == history
    view.close()


def test_a_row_added_elsewhere_rebuilds_only_its_part_and_keeps_the_tab(copy_data):
    from workbook.frameworks import growth_stages as gs

    store, view = live_view("growth_stages", "aurora-software", copy_data, sections=True)
    tabs = view._inputs_box.children[0]
    tabs.selected_index = 1  # the consultant is on the Alignment tab
    rows_before = list(view._history.children)
    kept = [view._revenue, *view._answers.values()]
    ids = [w.model_id for w in kept]
    years = [h.year for h in view.state.inputs.history]

    Store(copy_data).update("aurora-software", "growth_stages", gs.Inputs,
                            lambda d: d.history.append(gs.YearRevenue(year=max(years) + 1, revenue_usd=9.9e6)))
    assert view._check_external(force=True) is True

    assert view._inputs_box.children[0] is tabs and tabs.selected_index == 1
    assert [w.model_id for w in kept] == ids  # the rest of the form stays as it was
    assert len(view._history.children) == len(rows_before) + 1
    assert not set(view._history.children) & set(rows_before)  # the rows were built again
    assert _text_box(view, "9,900,000").has_trait("value")
    # The new row is live: an edit in it is saved.
    _text_box(view, "9,900,000").value = "10M"
    saved = store.load("aurora-software", "growth_stages", gs.Inputs)
    assert saved.history[-1].revenue_usd == 10e6
    view.close()


def test_a_deal_removed_elsewhere_rebuilds_the_deal_rows_and_keeps_the_tab(copy_data):
    from workbook.frameworks import deal_qualification as dq
    from workbook.ui.deal_qualification import pipeline_for_csv

    slug = "northwind-tools"
    store, view = live_view("deal_qualification", slug, copy_data, sections=True)
    tabs = view._inputs_box.children[0]
    tabs.selected_index = 2  # Settings
    as_of = view._as_of
    other = Store(copy_data)
    frame = other.load_table(slug, "deal_qualification", "pipeline", dq.validate_pipeline)
    other.save_table(slug, "deal_qualification", "pipeline", pipeline_for_csv(frame.iloc[1:]),
                     validator=dq.validate_pipeline)
    assert view._check_external(force=True) is True
    assert tabs.selected_index == 2 and view._inputs_box.children[0] is tabs and view._as_of is as_of
    assert {deal for deal, _ in view._toggles} == set(frame["deal"].iloc[1:])
    assert len(view._deal_rows.children) == len(frame) - 1
    view.close()


def test_a_brand_added_elsewhere_keeps_the_company_box(copy_data):
    from workbook.frameworks import purpose_brands as pb

    slug = "northwind-tools"
    store, view = live_view("purpose_brands", slug, copy_data, sections=True)
    company, boxes = view._company, list(view._brands.children)
    Store(copy_data).update(slug, "purpose_brands", pb.Inputs,
                            lambda d: d.add_brand("Keel", "Laser level", "mark a straight line on a wall"))
    assert view._check_external(force=True) is True
    assert view._company is company and view._inputs_box.children[0].children[0] is company
    assert len(view._brands.children) == len(boxes) + 1
    assert _text_box(view, "Keel") is not None
    view.close()


def test_a_room_that_binds_nothing_is_built_again_with_its_tab(copy_data):
    """The fallback for a room without bindings: the whole form again, on the same tab."""
    from workbook.ui import growth_stages

    class Unbound(growth_stages.View):
        def _bind(self, widget, show, trait="value"):
            return widget

        def _part(self, name, box, build, key):
            box.children = tuple(build())
            return box

    store = Store(copy_data)
    view = Unbound(store, "aurora-software")
    view.form()
    view.close()
    view._inputs_box.children[0].selected_index = 1
    old = view._inputs_box.children[0]
    Store(copy_data).update("aurora-software", "growth_stages", growth_stages.gs.Inputs,
                            lambda d: setattr(d, "revenue_usd", 8.1e6))
    assert view._check_external(force=True) is True
    new = view._inputs_box.children[0]
    assert new is not old and new.selected_index == 1 and view._revenue.value == 8.1e6


def test_a_refused_edit_in_a_part_shows_the_saved_value_again_in_place(copy_data):
    """Northwind cannot be endorsed by Truline (itself endorsed): the choice goes back to the saved one."""
    slug = "northwind-tools"
    store, view = live_view("purpose_brands", slug, copy_data)
    boxes = list(view._brands.children)
    endorser = next(w for w in _tree(boxes[0]) if isinstance(w, widgets.Dropdown))
    assert endorser.value == "(none)" and "Truline" in endorser.options
    endorser.value = "Truline"
    assert "Not saved" in view._status.value and "one level of endorsement" in view._status.value
    assert endorser.value == "(none)"
    assert list(view._brands.children) == boxes  # set back in place, not built again
    assert store.load(slug, "purpose_brands", registry.get("purpose_brands").module.Inputs).brands[0].endorsed_by is None


def test_a_respondent_added_elsewhere_keeps_the_one_on_screen(copy_data):
    from workbook.frameworks import sales_marketing as sm

    slug = "aurora-software"
    store, view = live_view("sales_marketing", slug, copy_data)
    view._who.value = "Priya Nair"
    shown = [b.value for b in view._answers]
    Store(copy_data).update(slug, "sales_marketing", sm.Inputs, lambda d: d.add_respondent("Ola Berg", "Sales"))
    assert view._check_external(force=True) is True
    assert "Ola Berg" in view._who.options and view._who.value == "Priya Nair"
    assert [b.value for b in view._answers] == shown


def test_an_offer_removed_elsewhere_moves_the_form_to_a_saved_offer(copy_data):
    from workbook.frameworks import female_economy as fe

    slug = "meridian-bank"
    store, view = live_view("female_economy", slug, copy_data)
    names = [o.name for o in view.state.inputs.offers]
    assert len(names) >= 2
    view._offer.value = names[-1]
    Store(copy_data).update(slug, "female_economy", fe.Inputs,
                            lambda d: setattr(d, "offers", [o for o in d.offers if o.name != names[-1]]))
    assert view._check_external(force=True) is True
    assert view._offer.value == names[0] and names[-1] not in view._offer.options
    first = view.state.inputs.offers[0]
    assert {k: b.value for k, b in view._needs.items()} == {k: first.needs.get(k, 0) for k in fe.NEEDS}


def test_a_saved_entry_is_shown_as_saved_so_a_later_change_elsewhere_leaves_it_alone(copy_data):
    """``35.0`` is saved as 35 and shown so at once: another session's later change then sends nothing to that box."""
    from workbook.frameworks import nps

    slug = "bluebird-coffee"
    store, view = live_view("nps", slug, copy_data)
    view._peers.value = "Harbor Bean; 35.0; 9.80\nCopper Kettle; 12; 3"
    assert "Saved" in view._status.value
    assert view._peers.value == "Harbor Bean; 35; 9.8\nCopper Kettle; 12; 3"
    events = []
    view._peers.observe(lambda change: events.append(change), names="value")
    Store(copy_data).update(slug, "nps", nps.Inputs, lambda d: setattr(d, "peer_industry", "Coffee chains"))
    assert view._check_external(force=True) is True
    assert view._industry.value == "Coffee chains" and events == []


def test_column_names_typed_for_the_next_import_wait_for_it(copy_data):
    """The column boxes are saved with an import, so another session's change leaves what is typed there."""
    from workbook.frameworks import nps

    slug = "bluebird-coffee"
    store, view = live_view("nps", slug, copy_data)
    view._col_score.value = "Likelihood"
    view._min_n.value = view._min_n.value + 1  # a change of the consultant's own
    assert "Saved" in view._status.value
    Store(copy_data).update(slug, "nps", nps.Inputs, lambda d: setattr(d, "peer_industry", "Coffee chains"))
    assert view._check_external(force=True) is True
    assert view._col_score.value == "Likelihood"


def test_an_element_added_elsewhere_keeps_the_rows_on_screen_and_their_typing(copy_data):
    """The rows already there are the same widgets (what is half typed in them stays in the browser)."""
    from workbook.frameworks import value_proposition as vp

    slug = "aurora-software"
    store, view = live_view("value_proposition", slug, copy_data)
    rows = list(view._rows.children)
    Store(copy_data).update(slug, "value_proposition", vp.Inputs, lambda d: d.elements.append(
        vp.Element(name="Spare parts on site", supplier_view="favorable", customer_view="favorable")))
    assert view._check_external(force=True) is True
    assert list(view._rows.children[:len(rows)]) == rows and len(view._rows.children) == len(rows) + 1
    # The kept rows still save, and still follow the saved values.
    quantity = next(w for w in _tree(rows[0]) if isinstance(w, widgets.Text) and w.placeholder == "quantity")
    quantity.value = "77"
    assert store.load(slug, "value_proposition", vp.Inputs).elements[0].quantity == 77.0
    Store(copy_data).update(slug, "value_proposition", vp.Inputs,
                            lambda d: setattr(d.elements[0], "quantity", 78.0))
    assert view._check_external(force=True) is True and quantity.value == "78"
    # A removed element's row goes, the others stay.
    Store(copy_data).update(slug, "value_proposition", vp.Inputs, lambda d: d.elements.pop(1))
    assert view._check_external(force=True) is True
    assert list(view._rows.children) == [rows[0], *rows[2:], view._rows.children[-1]]
    view.close()


def test_a_product_added_elsewhere_rebuilds_only_that_brands_box(copy_data):
    from workbook.frameworks import purpose_brands as pb

    slug = "northwind-tools"
    store, view = live_view("purpose_brands", slug, copy_data)
    boxes = list(view._brands.children)
    first = view.state.inputs.brands[0].name
    Store(copy_data).update(slug, "purpose_brands", pb.Inputs,
                            lambda d: d.brand(first).add_product("Impact wrench", "loosen a stuck bolt"))
    assert view._check_external(force=True) is True
    assert view._brands.children[0] is not boxes[0] and list(view._brands.children[1:]) == boxes[1:]
    assert _text_box(view, "Impact wrench") is not None
    view.close()


def _refused_subscribers(copy_data):
    """A customer-value session where -500 subscribers was just typed and refused beside its box."""
    store, view = live_view("clv", "northwind-tools", copy_data)
    view._has_sub.value = True
    view._subscribers.value = -500
    assert "-500" in view._notes["subscribers"].value and view._subscribers.value == -500
    return store, view


def test_a_refused_entry_stays_while_another_sessions_change_arrives(copy_data):
    """-500 subscribers is refused beside the box; a colleague's change elsewhere leaves it there to correct."""
    from workbook.frameworks import clv

    slug = "northwind-tools"
    store, view = _refused_subscribers(copy_data)
    note = view._notes["subscribers"].value
    saved = store.load(slug, "clv", clv.Inputs)
    assert saved.subscription is None or saved.subscription.subscribers != -500

    Store(copy_data).update(slug, "clv", clv.Inputs, lambda d: setattr(d, "margin", 0.42))
    assert view._check_external(force=True) is True
    assert view._margin.value == 0.42  # the other session's change is shown
    assert view._subscribers.value == -500 and view._notes["subscribers"].value == note  # the refused entry stays
    view.close()


def test_a_refused_entry_gives_way_when_a_colleague_saves_that_same_field(copy_data):
    from workbook.frameworks import clv

    slug = "northwind-tools"
    store, view = _refused_subscribers(copy_data)

    def colleague(doc):
        doc.subscription = clv.Subscription(subscribers=1200, monthly_margin=9.5, monthly_retention=0.9)
    Store(copy_data).update(slug, "clv", clv.Inputs, colleague)
    assert view._check_external(force=True) is True
    assert view._subscribers.value == 1200 and "-500" not in view._notes["subscribers"].value
    view.close()
