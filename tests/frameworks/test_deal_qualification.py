"""Tests of the deal-qualification framework (ready, willing and able; seed 002_*)."""
from __future__ import annotations

import datetime as dt
import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbook.errors import InvalidInput
from workbook.frameworks import deal_qualification as dq

from ..conftest import ROOT
from .rooms import assert_not_saved, checked_lesson, live_view, open_live

DATA = Path(__file__).resolve().parents[2] / "data" / "clients"


def _deal(deal="D1", account="Acme", amount=100_000, close_month="2025-03", probability=0.5,
          ready="yes", willing="yes", able="yes", **extra):
    return dict(deal=deal, account=account, amount=amount, close_month=close_month, probability=probability,
                ready=ready, willing=willing, able=able, **extra)


def _frame(*deals):
    return pd.DataFrame(list(deals))


# -- seed: the three conditions --------------------------------------------------

def test_three_conditions_from_seed():
    assert dq.CRITERIA == ("ready", "willing", "able")
    assert set(dq.CRITERION_MEANING) == set(dq.CRITERIA)


def test_tables_contract():
    assert set(dq.TABLES) == {"pipeline"}
    assert dq.TABLES["pipeline"] is dq.validate_pipeline


# -- validation ----------------------------------------------------------------

def test_validate_cleans_types_and_headers():
    raw = pd.DataFrame([{"Deal": "D1", "Account": " Acme ", "Amount": "$1,200", "Expected close month": "2025-3",
                         "Stage probability": "60%", "Ready": "Y", "Willing": 1, "Able": ""}])
    clean = dq.validate_pipeline(raw)
    row = clean.iloc[0]
    assert row["account"] == "Acme"
    assert row["amount"] == 1200.0
    assert row["close_month"] == "2025-03"
    assert row["probability"] == pytest.approx(0.6)
    assert (bool(row["ready"]), bool(row["willing"]), bool(row["able"])) == (True, True, False)
    assert row["ready_evidence"] == "" and row["owner"] == ""


def test_validate_accepts_excel_dates_and_is_idempotent():
    clean = dq.validate_pipeline(_frame(_deal(close_month=dt.datetime(2025, 11, 30))))
    assert clean.loc[0, "close_month"] == "2025-11"
    again = dq.validate_pipeline(clean)
    pd.testing.assert_frame_equal(clean, again)


def test_validate_lists_every_bad_row_with_spreadsheet_numbers():
    frame = _frame(
        _deal(),
        _deal(deal="D2", amount=-5, probability=60),
        _deal(deal="D3", close_month="March", ready="maybe"),
        _deal(deal="D1", account=""),
    )
    with pytest.raises(InvalidInput) as info:
        dq.validate_pipeline(frame)
    fields = [p.field for p in info.value.problems]
    assert fields == ["row 3, amount", "row 3, probability", "row 4, close_month", "row 4, ready",
                      "row 5, deal", "row 5, account"]
    by_field = {p.field: p for p in info.value.problems}
    assert by_field["row 3, probability"].value == 60
    assert "percentage" in by_field["row 3, probability"].allowed
    assert by_field["row 4, ready"].value == "maybe" and "yes or no" in by_field["row 4, ready"].allowed
    assert "row 2" in by_field["row 5, deal"].allowed


def test_validate_missing_columns_named():
    with pytest.raises(InvalidInput) as info:
        dq.validate_pipeline(pd.DataFrame(columns=["deal", "account", "amount"]))
    assert [p.field for p in info.value.problems] == [
        "column close_month", "column probability", "column ready", "column willing", "column able"]
    assert "columns found: deal, account, amount" in info.value.allowed


@pytest.mark.parametrize("value", ["1.5", 1.5, -0.1, "abc", None, True])
def test_bad_probability(value):
    with pytest.raises(InvalidInput) as info:
        dq.validate_pipeline(_frame(_deal(probability=value)))
    assert info.value.field == "row 2, probability"


@pytest.mark.parametrize("value", ["2025-13", "25-03", "", "soon"])
def test_bad_month(value):
    with pytest.raises(InvalidInput) as info:
        dq.validate_pipeline(_frame(_deal(close_month=value)))
    assert info.value.field == "row 2, close_month" and "YYYY-MM" in info.value.allowed


def test_empty_pipeline_is_valid():
    assert dq.validate_pipeline(pd.DataFrame(columns=list(dq.REQUIRED_COLUMNS))).empty


# -- rule: per-deal conditions ------------------------------------------------------

def test_met_and_missing_per_deal():
    result = dq.evaluate({}, {"pipeline": _frame(
        _deal("D1"), _deal("D2", ready="no"), _deal("D3", ready="no", willing="no", able="no"))})
    deals = result.deals.set_index("deal")
    assert deals.loc["D1", "qualified"] and deals.loc["D1", "missing"] == ""
    assert deals.loc["D2", "met"] == "willing, able" and deals.loc["D2", "missing"] == "ready"
    assert deals.loc["D3", "n_missing"] == 3 and deals.loc["D3", "met"] == ""
    assert result.missing_counts == {"ready": 2, "willing": 1, "able": 1}


# -- rule: raw against qualified forecast by month ------------------------------------

def test_forecasts_by_month_and_gap():
    result = dq.evaluate({}, {"pipeline": _frame(
        _deal("D1", amount=100_000, probability=0.5, close_month="2025-03"),
        _deal("D2", amount=80_000, probability=0.6, close_month="2025-03", ready="no"),
        _deal("D3", amount=50_000, probability=0.9, close_month="2025-04", willing="no"),
    )})
    months = result.by_month.set_index("month")
    assert months.loc["2025-03", "raw"] == pytest.approx(98_000)
    assert months.loc["2025-03", "qualified"] == pytest.approx(50_000)
    assert months.loc["2025-04", "qualified"] == 0
    assert months["gap"].tolist() == pytest.approx([48_000, 45_000])
    assert result.raw_total == pytest.approx(143_000)
    assert result.qualified_total == pytest.approx(50_000)
    assert result.gap == pytest.approx(93_000)
    assert result.gap_share == pytest.approx(93 / 143, abs=1e-4)
    assert list(result.by_month.columns) == ["month", "raw", "qualified", "gap", "deals", "qualified_deals"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["2025-01", "2025-02", "2025-03", "2024-12"]),
                          st.integers(0, 2_000_000), st.sampled_from([0.0, 0.1, 0.35, 0.5, 0.9, 1.0]),
                          st.booleans(), st.booleans(), st.booleans()), max_size=25))
def test_each_month_adds_up_its_deals(rows):
    """Per close month, the raw and qualified forecasts are the sums of its deals' weighted amounts (the
    qualified one over deals with all three conditions met), with the deal counts, months in order."""
    frame = _frame(*(_deal(f"D{i}", amount=a, close_month=m, probability=p, ready="yes" if r else "no",
                           willing="yes" if w else "no", able="yes" if b else "no")
                     for i, (m, a, p, r, w, b) in enumerate(rows)))
    result = dq.evaluate({}, {"pipeline": frame} if rows else {})
    months = sorted({m for m, *_ in rows})
    assert result.by_month["month"].tolist() == months
    for month, got in zip(months, result.by_month.itertuples()):
        mine = [(round(a * p, 2), r and w and b) for m, a, p, r, w, b in rows if m == month]
        assert got.raw == pytest.approx(sum(x for x, _ in mine), abs=0.005)
        assert got.qualified == pytest.approx(sum(x for x, ok in mine if ok), abs=0.005)
        assert got.gap == pytest.approx(got.raw - got.qualified)
        assert (got.deals, got.qualified_deals) == (len(mine), sum(ok for _, ok in mine))


# -- rule: priority ------------------------------------------------------------

def test_priority_is_weighted_value_per_missing_condition():
    result = dq.evaluate({"priority_count": 3}, {"pipeline": _frame(
        _deal("BIG2", amount=200_000, probability=0.5, willing="no", able="no"),      # 100k / 2 = 50k
        _deal("MID1", amount=100_000, probability=0.6, ready="no"),                   # 60k / 1
        _deal("TIE1", amount=100_000, probability=0.6, ready="no", close_month="2025-01"),  # same, earlier
        _deal("DONE", amount=900_000, probability=0.9),                               # qualified: not listed
        _deal("ZERO", amount=50_000, probability=0.0, ready="no"),                    # nothing weighted
    )})
    assert result.priorities["deal"].tolist() == ["TIE1", "MID1", "BIG2"]
    assert result.priorities["priority_score"].tolist() == [60_000, 60_000, 50_000]
    assert result.priorities["rank"].tolist() == [1, 2, 3]
    assert "missing" in dq.PRIORITY_RULE


def test_slipped_deals_flagged():
    result = dq.evaluate({"as_of_month": "2025-04"}, {"pipeline": _frame(
        _deal("OLD", close_month="2025-03"), _deal("NEW", close_month="2025-04"))})
    assert result.deals.set_index("deal")["slipped"].to_dict() == {"OLD": True, "NEW": False}
    assert any(r.startswith("Still open after their close month: OLD (due 2025-03).") for r in result.recommendations)


def test_advice_names_the_condition_missing_most_and_what_to_check():
    one = dq.evaluate({}, {"pipeline": _frame(_deal("A", able="no"), _deal("B", able="no"), _deal("C", ready="no"))})
    assert one.recommendations[0] == (
        "100% of the weighted forecast ($150,000) rests on buyers who are not yet ready, willing and able. "
        "Missing most often: 'able' (2 deals). In the next pipeline review, confirm the budget is there and "
        "the person signing has the authority.")
    tied = dq.evaluate({}, {"pipeline": _frame(_deal("A", ready="no"), _deal("B", willing="no"),
                                               _deal("C", able="no"), _deal("D"))})
    assert "Each of the three conditions is missing in 1 deal" in tied.recommendations[0]
    assert "25%" not in tied.recommendations[0] and "75%" in tied.recommendations[0]


# -- link to the sales-marketing diagnostic, statement 1 -------------------------------

@pytest.mark.parametrize(
    "mean, gap, status",
    [
        (4.5, 0.40, "warning"),
        (4.0, 0.05, "consistent"),
        (3.5, 0.15, "warning"),         # both boundaries count
        (2.0, 0.40, "consistent"),
        (2.5, 0.10, "unexplained"),
        (3.0, 0.40, "mixed"),
        (None, 0.40, "not available"),
        (4.0, None, "not available"),
    ],
)
def test_read_with_statement_one(mean, gap, status):
    reading = dq.read_with_statement_one(mean, gap)
    assert reading.status == status and reading.text


@pytest.mark.parametrize("mean, gap, field", [(0, 0.1, "statement1_mean"), (6, 0.1, "statement1_mean"),
                                              ("4", 0.1, "statement1_mean"), (3, 1.5, "gap_share")])
def test_read_with_statement_one_bad_input(mean, gap, field):
    with pytest.raises(InvalidInput) as info:
        dq.read_with_statement_one(mean, gap)
    assert info.value.field == field


def test_evaluate_uses_statement1_mean_from_inputs():
    result = dq.evaluate({"statement1_mean": 4.5}, {"pipeline": _frame(_deal(ready="no"))})
    assert result.statement_one.status == "warning"


# -- headline ------------------------------------------------------------------

@pytest.mark.parametrize("qualified_share, status", [(0.86, "green"), (0.85, "amber"), (0.66, "amber"),
                                                      (0.65, "red")])
def test_headline_status_boundaries(qualified_share, status):
    frame = _frame(_deal("Q", amount=qualified_share * 100, probability=1.0),
                   _deal("U", amount=(1 - qualified_share) * 100, probability=1.0, able="no"))
    head = dq.headline(dq.evaluate({}, {"pipeline": frame}))
    assert head["status"] == status
    json.dumps(head)


def test_missing_pipeline_is_amber_not_an_error():
    result = dq.evaluate({}, {})
    head = dq.headline(result)
    assert head["status"] == "amber" and result.deals.empty and result.gap_share is None


# -- bad settings ----------------------------------------------------------------

@pytest.mark.parametrize(
    "data, field, allowed_part",
    [
        ({"as_of_month": "July"}, "as_of_month", "YYYY-MM"),
        ({"statement1_mean": 7}, "statement1_mean", "a mean answer from 1 to 5"),
        ({"statement1_mean": "high"}, "statement1_mean", "or blank when not known"),
        ({"priority_count": 0}, "priority_count", "a whole number of deals from 1 to 50"),
        ({"statement1_source": "guess"}, "statement1_source", "'diagnostic'"),
    ],
)
def test_bad_settings(data, field, allowed_part):
    with pytest.raises(InvalidInput) as info:
        dq.evaluate(data, {})
    assert info.value.field == field and allowed_part in info.value.allowed
    assert info.value.value == data[field]


# -- example clients -----------------------------------------------------------

def _example(slug):
    settings = json.loads((DATA / slug / "deal_qualification.json").read_text())
    pipeline = dq.validate_pipeline(pd.read_csv(DATA / slug / "deal_qualification" / "pipeline.csv"))
    return dq.evaluate(settings, {"pipeline": pipeline})


def test_example_clients_differ():
    aurora, northwind = _example("aurora-software"), _example("northwind-tools")
    assert dq.headline(aurora)["status"] == "red"
    assert aurora.statement_one.status == "mixed"
    assert dq.headline(northwind)["status"] == "green"
    assert northwind.statement_one.status == "consistent"
    assert aurora.raw_total == pytest.approx(600_500)
    assert northwind.qualified_total == pytest.approx(3_843_500)


@pytest.mark.parametrize("slug, mean", [("aurora-software", 3.0), ("northwind-tools", 4.0)])
def test_example_statement_one_is_the_one_the_sales_marketing_page_shows(slug, mean):
    """A report must not give two different answers to statement 1 on two of its pages."""
    from workbook.frameworks import sales_marketing

    settings = json.loads((DATA / slug / "deal_qualification.json").read_text())
    diagnostic = json.loads((DATA / slug / "sales_marketing.json").read_text())
    diagnostic.pop("_meta", None)  # the store's bookkeeping, not an input (the store drops it when loading)
    shown = sales_marketing.headline(sales_marketing.evaluate(sales_marketing.Inputs.model_validate(diagnostic)))
    assert settings["statement1_mean"] == shown["metrics"]["forecast_statement_mean"] == mean
    assert settings["statement1_source"] == "diagnostic"
    assert dq.statement_one_from_diagnostic(diagnostic) == mean


def test_statement_one_from_an_incomplete_diagnostic_is_none():
    assert dq.statement_one_from_diagnostic({"respondents": []}) is None
    partial = {"respondents": [{"name": "A", "role": "Sales", "answers": [4] + [None] * 19}]}
    assert dq.statement_one_from_diagnostic(partial) is None


def test_example_script_reproduces_committed_files(tmp_path):
    spec = importlib.util.spec_from_file_location("examples_growth_deals", ROOT / "scripts" / "examples_growth_deals.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = module.write(tmp_path)
    assert len(written) == 10
    for path in written:
        rel = path.relative_to(tmp_path)
        assert path.read_text() == (DATA.parent / rel).read_text(), rel


# -- live view and lesson --------------------------------------------------------

def test_live_view_toggles_imports_and_settings(data_dir, tmp_path):
    room = open_live("deal_qualification", "aurora-software", data_dir)
    view = room.view
    before = room.result.qualified_total
    view._toggles[("AUR-101", "able")].value = True
    assert "Saved" in view._status.value
    assert room.result.qualified_total == pytest.approx(before + 96_000)
    csv_path = data_dir / "clients" / "aurora-software" / "deal_qualification" / "pipeline.csv"
    assert "AUR-101,Halcyon Plastics,Priya,120000.0,2025-06,0.8,yes,yes,yes" in csv_path.read_text()

    bad = tmp_path / "bad.xlsx"
    _frame(_deal("X1", amount=-1), _deal("X2", probability=3)).to_excel(bad, index=False)
    view._import(str(bad))
    assert "Not imported" in view._status.value and "Row 2, amount" in view._status.value
    assert "Row 3, probability" in view._status.value
    assert "AUR-101" in csv_path.read_text()  # nothing overwritten

    good = tmp_path / "good.xlsx"
    _frame(_deal("N1"), _deal("N2", ready="no")).rename(columns={"amount": "Value"}).to_excel(good, index=False)
    view._mapping.value = "Value = amount"
    view._import(str(good))
    assert "Imported 2 deals" in view._status.value
    assert set(room.result.deals["deal"]) == {"N1", "N2"} and ("N2", "ready") in view._toggles

    view._statement1.value = "4.5"
    assert room.result.statement_one.status == "warning" and room.state.inputs.statement1_source == "typed"
    view._as_of.value = "next July"
    assert_not_saved(view, "As of month")
    view.wait_for_charts()


def test_upload_imports_the_uploaded_bytes(data_dir):
    room = open_live("deal_qualification", "aurora-software", data_dir)
    view = room.view
    content = _frame(_deal("U1"), _deal("U2", able="no")).to_csv(index=False).encode()
    view._upload.value = ({"name": "pipeline export.csv", "type": "text/csv", "size": len(content),
                           "content": memoryview(content), "last_modified": dt.datetime(2025, 1, 1)},)
    assert "Imported 2 deals" in view._status.value
    assert set(room.result.deals["deal"]) == {"U1", "U2"} and ("U2", "able") in view._toggles
    csv_path = data_dir / "clients" / "aurora-software" / "deal_qualification" / "pipeline.csv"
    assert "U2" in csv_path.read_text()
    view.wait_for_charts()


def test_lesson_answers_check():
    lesson = checked_lesson("deal_qualification")
    # Qualified today: AUR-102, 106 and 108 = 51,000 + 40,500 + 57,000; AUR-104 adds 60,000 x 0.7.
    assert lesson.answer(1) == pytest.approx(148_500 + 60_000 * 0.7)
    assert lesson.answer(2) == round(100 * (600_500 - 190_500) / 600_500)
    assert lesson.answer(3) == pytest.approx(210_000 * 0.2 / 2)
    assert lesson.check(4, "warning").correct and not lesson.check(4, "consistent").correct


def test_statement_one_is_taken_from_the_clients_diagnostic(data_dir):
    from workbook.frameworks import sales_marketing
    from workbook.store import Store
    from workbook.ui import deal_qualification as ui

    store = Store(data_dir)
    store.save("aurora-software", "deal_qualification", dq.Inputs, dq.Inputs(statement1_mean=4.5))
    _, view = live_view("deal_qualification", "aurora-software", data_dir)
    assert "now gives <b>3.00</b> (this room uses 4.5)" in view._diagnostic.value and not view._take.disabled
    view._take.click()
    saved = store.load("aurora-software", "deal_qualification", dq.Inputs)
    assert (saved.statement1_mean, saved.statement1_source) == (3.0, "diagnostic")
    assert view._statement1.value == "3" and view._take.disabled and "Saved" in view._status.value
    text = ui.statement_one_section(view.state.context)
    assert "3.00 of 5, comes from the client&#x27;s Sales and Marketing diagnostic" in text
    # The diagnostic moves on: the room says so until the consultant takes the new figure.
    diagnostic = store.load("aurora-software", "sales_marketing", sales_marketing.Inputs)
    diagnostic.respondents[0].answers[0] = 5  # 2 -> 5: mean of statement 1 goes from 3.0 to 3.6
    store.save("aurora-software", "sales_marketing", sales_marketing.Inputs, diagnostic)
    _, again = live_view("deal_qualification", "aurora-software", data_dir)
    assert "now gives <b>3.60</b> (this room uses 3)" in again._diagnostic.value
    again._statement1.value = "nine"
    assert_not_saved(again, "statement1_mean", "nine", "a mean answer from 1 to 5")
    assert store.load("aurora-software", "deal_qualification", dq.Inputs).statement1_mean == 3.0


def test_a_toggle_keeps_reading_statement_one_from_the_diagnostic(data_dir):
    """Ticking a condition must not drop the client's diagnostic from the room's reading."""
    from workbook.store import Store

    store = Store(data_dir)
    store.save("aurora-software", "deal_qualification", dq.Inputs,
               dq.Inputs(statement1_mean=4.5, statement1_source="diagnostic"))
    _, view = live_view("deal_qualification", "aurora-software", data_dir)
    assert view.state.result.statement_one.statement1_mean == 3.0  # the diagnostic's, not the 4.5 saved
    view._toggles[("AUR-101", "able")].value = True
    assert view.state.result.qualified_total > 0 and "Saved" in view._status.value
    assert view.state.result.statement_one.statement1_mean == 3.0
    view.wait_for_charts()


def test_report_shows_evidence_and_overdue_deals(data_dir):
    from workbook import notebook as wb
    from workbook.ui import deal_qualification as ui

    room = wb.open_room("deal_qualification", "aurora-software", str(data_dir), "report")
    ctx = room.state.context
    evidence = ui.evidence_section(ctx)
    assert "CIO chose us over two rivals" in evidence and "Go-live tied to new moulding line" in evidence
    deals = ui.deals_section(ctx)
    assert "2025-06 (overdue)" in deals and "Overdue: AUR-101 should have closed before the forecast month" in deals
    advice = " ".join(room.result.recommendations)
    assert room.result.statement_one.text not in advice  # the reading has its own section, not repeated
    assert "Still open after their close month: AUR-101 (due 2025-06)." in advice


def test_toggle_keeps_a_change_another_session_saved_meanwhile(data_dir):
    store, first = live_view("deal_qualification", "aurora-software", data_dir)
    _, second = live_view("deal_qualification", "aurora-software", data_dir)
    first._toggles[("AUR-101", "able")].value = True
    second._toggles[("AUR-104", "willing")].value = True  # this form still shows AUR-101 as not able
    saved = store.load_table("aurora-software", "deal_qualification", "pipeline", dq.validate_pipeline)
    flags = saved.set_index("deal")
    assert flags.loc["AUR-101", "able"] and flags.loc["AUR-104", "willing"]
    assert second._toggles[("AUR-101", "able")].value is True  # the form now shows the other change too
    # A deal that another session's import removed cannot be toggled; the form shows the saved deals.
    saved.iloc[1:].pipe(lambda f: store.save_table("aurora-software", "deal_qualification", "pipeline",
                                                    f.assign(**{c: f[c].map({True: "yes", False: "no"})
                                                                for c in dq.CRITERIA}), dq.validate_pipeline))
    first._toggles[("AUR-101", "ready")].value = False
    assert_not_saved(first, "AUR-101", "a deal in the saved pipeline")
    assert ("AUR-101", "ready") not in first._toggles
    first.wait_for_charts()
    second.wait_for_charts()
