"""Tests of workbook.frameworks.purpose_brands (Christensen, Cook and Hall 2005)."""
from __future__ import annotations

import json

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
    assert pb.SEED_EXAMPLES[pb.MANY_JOBS_ONE_BRAND] == ("Marriott", "Milwaukee")
    assert pb.SEED_ENDORSED == {"Marriott": ("Courtyard", "Residence Inn"),
                                "Milwaukee": ("Sawzall", "Hole Hawg")}
    assert pb.PATH[pb.MANY_PRODUCTS_ONE_JOB].examples == ("Sony Walkman",)
    assert pb.PATH[pb.MANY_JOBS_ONE_BRAND].examples == (
        "Marriott: Courtyard; Residence Inn", "Milwaukee: Sawzall; Hole Hawg")


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
    index = [p.name for p in view.state.inputs.brand("Northwind").products].index("Circular saw")
    view._remove_product("Northwind", index)
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
    assert_not_saved(view, "job")
    assert len(store.load("northwind-tools", pb.NAME, pb.Inputs).brand("Truline").products) == 1
    view._remove_brand("Northwind Pro")
    assert store.load("northwind-tools", pb.NAME, pb.Inputs).brand("Riptide").endorsed_by is None


def test_lesson_answers_come_from_the_example_client():
    lesson = checked_lesson(pb.NAME)
    assert lesson.client == "northwind-tools" and len(lesson.module.EXERCISES) >= 3
    assert lesson.answer(1) == 4
    assert lesson.check(2, "riptide").correct is True
    assert lesson.check(3, "Northwind").correct is True
    assert lesson.check(4, ["Hole Hawg", "Sawzall"]).correct is True
    assert "Step 1" in lesson.worked_example()


def test_changes_describe_what_moved():
    before = pb.Inputs.model_validate({"brands": [brand("A", ("a", "j1")), brand("B", ("b", "j2"))]})
    after = pb.Inputs.model_validate({"brands": [brand("A", ("a", "j1"), ("a2", "j9")), brand("C", ("c", "j3"))]})
    notes = pb.changes(before, after)
    assert "New brand: C." in notes and "Brand removed: B." in notes
    assert "A moved from one product, one job to many jobs, one brand." in notes and "A: +1 product(s)." in notes
