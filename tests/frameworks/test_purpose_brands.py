"""Tests of workbook.frameworks.purpose_brands (Christensen, Cook and Hall 2005)."""
from __future__ import annotations

import json

import ipywidgets as widgets
import pytest

from workbook.errors import InvalidInput
from workbook.frameworks import purpose_brands as pb

from .rooms import (
    CLIENTS,
    assert_not_saved,
    assert_refused,
    assert_script_reproduces,
    assert_sections_render,
    checked_lesson,
    example_result,
    live_view,
)


def brand(name, *products, endorsed_by=None):
    return {"name": name, "endorsed_by": endorsed_by,
            "products": [{"name": p, "job": j} for p, j in products]}


def run(*brands):
    return pb.evaluate({"company": "Test", "brands": list(brands)})


def places(result):
    return dict(zip(result.brands.brand, result.brands.place))


# --- the path -------------------------------------------------------------

@pytest.mark.parametrize("products,jobs,endorses,place", [
    (1, 1, 0, pb.ONE_PRODUCT_ONE_JOB),
    (2, 1, 0, pb.MANY_PRODUCTS_ONE_JOB),
    (9, 1, 0, pb.MANY_PRODUCTS_ONE_JOB),
    (2, 2, 0, pb.MANY_JOBS_ONE_BRAND),
    (5, 3, 2, pb.MANY_JOBS_ONE_BRAND),
    (0, 0, 1, pb.ENDORSER),
    (1, 1, 3, pb.ONE_PRODUCT_ONE_JOB),
])
def test_place_of(products, jobs, endorses, place):
    assert pb.place_of(products, jobs, endorses) == place


@pytest.mark.parametrize("args", [(0, 0, 0), (1, 2, 0), (-1, 0, 0)])
def test_place_of_rejects_impossible_counts(args):
    with pytest.raises(ValueError):
        pb.place_of(*args)


def test_path_order_and_advice():
    assert pb.PATH_ORDER == ("one_product_one_job", "many_products_one_job", "many_jobs_one_brand", "endorser")
    assert "purpose brand" in pb.PATH[pb.ONE_PRODUCT_ONE_JOB].advice
    assert "strong brands begin" in pb.PATH[pb.ONE_PRODUCT_ONE_JOB].advice
    assert "endorser brand" in pb.PATH[pb.MANY_JOBS_ONE_BRAND].advice
    assert "new purpose brand" in pb.PATH[pb.MANY_JOBS_ONE_BRAND].advice


# --- seed figures -----------------------------------------------------------

def test_seed_examples_carry_over():
    assert pb.SEED_EXAMPLES[pb.MANY_PRODUCTS_ONE_JOB] == ("Sony Walkman",)
    # Marriott and Milwaukee are the article's remedy (endorser over new purpose brands), not stretched brands.
    assert pb.SEED_EXAMPLES[pb.ENDORSER] == ("Marriott", "Milwaukee")
    assert pb.MANY_JOBS_ONE_BRAND not in pb.SEED_EXAMPLES
    assert pb.SEED_ENDORSED == {"Marriott": ("Courtyard", "Residence Inn"),
                                "Milwaukee": ("Sawzall", "Hole Hawg")}
    assert pb.PATH[pb.MANY_PRODUCTS_ONE_JOB].examples == ("Sony Walkman",)
    assert pb.PATH[pb.MANY_JOBS_ONE_BRAND].examples == ()
    assert pb.PATH[pb.ENDORSER].examples == ("Marriott: Courtyard; Residence Inn", "Milwaukee: Sawzall; Hole Hawg")
    assert "remedy" in pb.PATH[pb.MANY_JOBS_ONE_BRAND].advice


def test_walkman_shape_is_many_products_one_job():
    r = run(brand("Walkman", ("Cassette player", "listen to music on the go"),
                  ("Sports model", "listen to music on the go"),
                  ("CD model", "Listen to music  on the go.")))
    assert places(r) == {"Walkman": pb.MANY_PRODUCTS_ONE_JOB}
    assert list(r.matrix.columns) == ["listen to music on the go"]


def test_milwaukee_before_and_after():
    before = run(brand("Milwaukee", ("Reciprocating saw", "cut through walls in demolition"),
                       ("Heavy drill", "bore large holes through joists")))
    assert places(before) == {"Milwaukee": pb.MANY_JOBS_ONE_BRAND}
    assert before.stretched == ("Milwaukee",)
    after = run(brand("Milwaukee"),
                brand("Sawzall", ("Reciprocating saw", "cut through walls in demolition"), endorsed_by="Milwaukee"),
                brand("Hole Hawg", ("Heavy drill", "bore large holes through joists"), endorsed_by="milwaukee"))
    assert places(after) == {"Milwaukee": pb.ENDORSER, "Sawzall": pb.ONE_PRODUCT_ONE_JOB,
                             "Hole Hawg": pb.ONE_PRODUCT_ONE_JOB}
    row = after.brands.set_index("brand").loc
    assert row["Milwaukee", "purpose_brands"] == "Sawzall, Hole Hawg"
    assert row["Hole Hawg", "endorsed_by"] == "Milwaukee"
    assert after.stretched == () and pb.headline(after)["status"] == "green"


def test_stretched_advice_lists_candidate_jobs():
    r = run(brand("Hotel", ("Full-service hotel", "host a business meeting"),
                  ("Extended-stay suite", "live away from home for weeks")))
    advice = r.brands.advice.iloc[0]
    assert "host a business meeting" in advice and "live away from home for weeks" in advice


# --- matrix and jobs ----------------------------------------------------------

def test_matrix_counts_products_per_brand_and_job():
    r = run(brand("A", ("a1", "job one"), ("a2", "job two"), ("a3", "Job One")),
            brand("B", ("b1", "job two")))
    assert list(r.matrix.columns) == ["job one", "job two"]
    assert r.matrix.loc["A"].tolist() == [2, 1]
    assert r.matrix.loc["B"].tolist() == [0, 1]
    stretched_rows = r.matrix[(r.matrix > 0).sum(axis=1) > 1].index.tolist()
    assert stretched_rows == list(r.stretched) == ["A"]
    assert r.jobs.set_index("job").loc["job two", "brands"] == "A, B"
    assert any("same job (job two)" in x for x in r.recommendations)


def test_endorser_without_products_is_not_a_matrix_row():
    r = run(brand("E"), brand("P", ("p", "j"), endorsed_by="E"))
    assert r.matrix.index.tolist() == ["P"]


def test_job_wording_is_normalised():
    assert pb.job_key("  Drill   holes. ") == pb.job_key("drill holes")
    assert pb.job_label("  Drill   holes. ") == "Drill holes"


# --- headline ---------------------------------------------------------------

def test_headline_statuses_and_threshold():
    assert pb.RED_STRETCHED_PRODUCT_SHARE == 0.5
    green = run(brand("A", ("a", "j1")))
    # 2 of 4 products under a stretched brand: exactly the threshold, red.
    red = run(brand("A", ("a1", "j1"), ("a2", "j2")), brand("B", ("b1", "j3"), ("b2", "j3")))
    # 2 of 5: amber.
    amber = run(brand("A", ("a1", "j1"), ("a2", "j2")), brand("B", ("b1", "j3"), ("b2", "j3"), ("b3", "j3")))
    assert [pb.headline(x)["status"] for x in (green, red, amber)] == ["green", "red", "amber"]
    h = pb.headline(red)
    json.dumps(h)
    assert h["metrics"]["stretched_brands"] == 1 and "A is stretched" in h["summary"]


def test_empty_portfolio():
    r = pb.evaluate(pb.Inputs())
    assert r.brands.empty and r.matrix.empty and pb.headline(r)["status"] == "amber"


def test_no_tables():
    assert pb.TABLES == {}


# --- bad input ----------------------------------------------------------------

@pytest.mark.parametrize("brands,field,value,allowed", [
    ([brand("A", ("a", "j")), brand("a", ("b", "j"))], "brands[1].name", "a", "brands[0]"),
    ([brand("A", ("a", "j"), endorsed_by="Zed")], "brands[0].endorsed_by", "Zed", "A"),
    ([brand("A", ("a", "j"), endorsed_by="A")], "brands[0].endorsed_by", "A", "another brand"),
    ([brand("A", ("a", "j")), brand("B", ("b", "j"), endorsed_by="A"), brand("C", ("c", "j"), endorsed_by="B")],
     "brands[2].endorsed_by", "B", "one level"),
    ([brand("A")], "brands[0].products", [], "at least one product"),
    ([brand("A", ("a", ""))], "brands[0].products[0].job", "", "at least 1 character"),
    ([brand("", ("a", "j"))], "brands[0].name", "", "at least 1 character"),
])
def test_bad_input_names_field_value_and_allowed(brands, field, value, allowed):
    assert_refused(pb.evaluate, {"brands": brands}, field, value, allowed)


def test_bad_schema_and_extra_fields():
    with pytest.raises(InvalidInput) as e:
        pb.evaluate({"schema_version": 2, "brands": [{"name": "A", "products": [{"name": "a", "job": "j", "x": 1}]}]})
    assert [p.field for p in e.value.problems] == ["schema_version", "brands[0].products[0].x"]
    assert e.value.problems[0].allowed == "1"


# --- example clients ----------------------------------------------------------

def test_example_clients_differ():
    heads = {slug: pb.headline(example_result(pb.NAME, slug))["status"] for slug in CLIENTS}
    assert heads == {"aurora-software": "green", "northwind-tools": "red",
                     "bluebird-coffee": "green", "meridian-bank": "amber"}
    north = example_result(pb.NAME, "northwind-tools")
    assert places(north)["Northwind"] == pb.MANY_JOBS_ONE_BRAND
    assert places(north)["Riptide"] == pb.MANY_PRODUCTS_ONE_JOB
    assert places(example_result(pb.NAME, "aurora-software")) == {
        "Aurora Rota": pb.MANY_PRODUCTS_ONE_JOB, "Aurora Pulse": pb.ONE_PRODUCT_ONE_JOB}


def test_example_script_reproduces_committed_files(tmp_path):
    assert_script_reproduces("examples_brand_value.py", pb.NAME, tmp_path)


# --- live view, report sections and lesson ---------------------------------------

@pytest.mark.parametrize("slug", CLIENTS)
def test_every_section_renders_for_every_example_client(slug, copy_data):
    assert_sections_render(pb.NAME, slug, copy_data)


def test_view_edits_the_portfolio(copy_data):
    store, view = live_view(pb.NAME, "northwind-tools", copy_data)
    assert len(view._brands.children) == 3
    # Give the circular saw its own purpose brand, endorsed by Northwind.
    view._new_brand.value, view._new_product.value = "Trimcut", "Track saw"
    view._new_job.value = "make straight cuts in sheet goods on site"
    view._add_brand()
    view._endorse("Trimcut", "Northwind")
    saw = next(p.id for p in view.state.inputs.brand("Northwind").products if p.name == "Circular saw")
    view._remove_product("Northwind", saw)
    saved = store.load("northwind-tools", pb.NAME, pb.Inputs)
    assert saved.brand("Trimcut").endorsed_by == "Northwind"
    assert places(view.state.result)["Trimcut"] == pb.ONE_PRODUCT_ONE_JOB
    assert view.state.result.brands.set_index("brand").loc["Northwind", "jobs"] == 3
    assert len(view._brands.children) == 4 and "Saved" in view._status.value
    # Renaming the endorser follows through to its purpose brands.
    view._rename("Northwind", "Northwind Pro")
    assert store.load("northwind-tools", pb.NAME, pb.Inputs).brand("Riptide").endorsed_by == "Northwind Pro"
    # A blank job is refused and nothing is saved.
    view._add_product("Truline", "Rotary laser", "  ")
    assert_not_saved(view, "Job")
    assert len(store.load("northwind-tools", pb.NAME, pb.Inputs).brand("Truline").products) == 1
    view._remove_brand("Northwind Pro")
    assert store.load("northwind-tools", pb.NAME, pb.Inputs).brand("Riptide").endorsed_by is None


def _job_boxes(widget) -> list:
    """The job box of every product row, in order on screen."""
    found = [widget] if "wb-product-job" in getattr(widget, "_dom_classes", ()) else []
    for child in getattr(widget, "children", ()):
        found += _job_boxes(child)
    return found


def _texts(widget) -> str:
    out = [widget.value] if isinstance(widget, widgets.HTML) else []
    return "\n".join(out + [_texts(c) for c in getattr(widget, "children", ())])


def test_moving_a_product_to_another_job_updates_the_form_in_place(copy_data):
    """The boxes stay (the consultant keeps the cursor), the places and the job lists follow."""
    store, view = live_view(pb.NAME, "northwind-tools", copy_data)
    rows = view._brands.children
    light = view.state.inputs.brand("Northwind").products[4]
    boxes = _job_boxes(view._brands)
    boxes[4].value = "leave a site clean at the end of the day"  # typed into the box, as in the browser
    saved = store.load("northwind-tools", pb.NAME, pb.Inputs).brand("Northwind").product(light.id)
    assert saved.job == "leave a site clean at the end of the day" and "Saved" in view._status.value
    assert view._brands.children == rows and _job_boxes(view._brands) == boxes
    assert all("see clearly in an unlit building" not in box.options for box in boxes)
    assert len(view._new_job.options) == 5
    # A second job for Riptide moves it along the path, on screen too, still without new rows.
    riptide = _texts(rows[1])
    assert "Many products, one job" in riptide
    boxes[6].value = "set out level lines fast"
    assert "Many jobs, one brand" in _texts(rows[1]) and view._brands.children == rows


def test_lesson_answers_come_from_the_example_client():
    lesson = checked_lesson(pb.NAME)
    assert lesson.client == "northwind-tools" and len(lesson.module.EXERCISES) >= 3
    assert lesson.check(1, "many products, one job").correct is True
    assert lesson.answer(2) == pytest.approx(100 * 5 / 8)
    assert lesson.check(3, "green").correct is True
    assert lesson.check(4, "Endorser brand").correct is True
    assert lesson.check(4, "Many jobs, one brand").correct is False
    assert "Step 1" in lesson.worked_example()


def test_changes_describe_what_moved():
    before = pb.Inputs.model_validate({"brands": [brand("A", ("a", "j1")), brand("B", ("b", "j2"))]})
    after = pb.Inputs.model_validate({"brands": [brand("A", ("a", "j1"), ("a2", "j9")), brand("C", ("c", "j3"))]})
    notes = pb.changes(before, after)
    assert "New brand: C." in notes and "Brand removed: B." in notes
    assert "A moved from one product, one job to many jobs, one brand." in notes and "A: +1 product(s)." in notes


# --- stable product ids ----------------------------------------------------------

def test_products_get_stable_ids_and_names_stay_unique_per_brand():
    doc = pb.Inputs.model_validate({"brands": [brand("A", ("a", "j1"), ("b", "j2")),
                                               {"name": "B", "products": [{"id": "p1", "name": "x", "job": "j"},
                                                                          {"name": "y", "job": "j"}]}]})
    assert [p.id for p in doc.brand("A").products] == ["p1", "p2"]
    assert [p.id for p in doc.brand("B").products] == ["p1", "p2"]  # a saved id is kept, the other filled in
    added = doc.brand("A").add_product("c", "j3")
    assert added.id not in {"p1", "p2"} and doc.brand("A").product(added.id).name == "c"
    again = pb.Inputs.model_validate(doc.model_dump())
    assert [p.id for p in again.brand("A").products] == [p.id for p in doc.brand("A").products]
    with pytest.raises(InvalidInput) as e:
        doc.brand("A").add_product("A", "j4")
    assert e.value.field == "product name" and e.value.value == "A" and "not already used in A" in e.value.allowed
    with pytest.raises(InvalidInput) as e:
        doc.brand("A").set_product("p2", name="a ")
    assert e.value.field == "product name" and "taken: a, c" in e.value.allowed
    assert [p.name for p in doc.brand("A").products] == ["a", "b", "c"]
    pb.evaluate({"brands": [brand("A", ("a", "j1"), ("a", "j2"))]})  # a file saved before the rule still opens
    twice = {"name": "A", "products": [{"id": "k", "name": "a", "job": "j"}, {"id": "k", "name": "b", "job": "j"}]}
    assert_refused(pb.evaluate, {"brands": [twice]}, "brands[0].products[1].id", "k", "not used by another product")


def test_edit_from_a_stale_session_lands_on_the_right_product(copy_data):
    """Session 1 removes a product; session 2, still showing the old list, renames a later one."""
    store, first = live_view(pb.NAME, "northwind-tools", copy_data)
    _, second = live_view(pb.NAME, "northwind-tools", copy_data)
    products = first.state.inputs.brand("Northwind").products
    drill, light = products[0], products[4]
    first._remove_product("Northwind", drill.id)
    second._set_product("Northwind", light.id, "name", "LED work light")
    saved = [p.name for p in store.load("northwind-tools", pb.NAME, pb.Inputs).brand("Northwind").products]
    assert saved == ["18V impact driver", "Circular saw", "Wet/dry vacuum", "LED work light"]
    # Editing a product the other session removed is refused and the form shows the saved list again.
    second._set_product("Northwind", drill.id, "name", "Hammer drill")
    assert_not_saved(second, drill.id)
    assert [p.name for p in second.state.inputs.brand("Northwind").products] == saved
    # The last product of a brand that endorses nothing cannot be removed on its own.
    second._remove_product("Truline", second.state.inputs.brand("Truline").products[0].id)
    assert_not_saved(second, "remove the brand instead")
    assert len(store.load("northwind-tools", pb.NAME, pb.Inputs).brand("Truline").products) == 1


def test_matrix_chart_keeps_its_text_size_for_a_large_portfolio():
    from workbook.store import Profile
    from workbook.ui import purpose_brands as ui
    from workbook.ui.base import Context

    def figure(n_brands, n_jobs):
        brands = [brand(f"Brand number {b}", *[(f"P{b}-{k}", f"job {(b + k) % n_jobs}") for k in range(3)])
                  for b in range(n_brands)]
        doc = pb.Inputs.model_validate({"brands": brands})
        return ui.matrix_section(Context("x", Profile(name="X"), doc, {}, pb.evaluate(doc)))

    small, large = figure(3, 4), figure(12, 24)
    for fig in (small, large):
        ax = fig.axes[0]
        assert fig.get_figwidth() == 7.0
        assert {t.get_fontsize() for t in ax.get_yticklabels() + ax.get_xticklabels()} == {ui.CHART_FONT}
    assert large.get_figheight() > 2 * small.get_figheight()  # more jobs: taller, not smaller
    assert large.axes[0].get_xticklabels()[0].get_rotation() == 40
    assert {t.get_text() for t in large.axes[0].get_legend().get_texts()} == {"Many jobs, one brand"}
