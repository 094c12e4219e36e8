"""Net Promoter Score: the rule, blanks, bad answers, intervals, comparisons, peers (Reichheld, HBR 2003)."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbook.errors import InvalidInput
from workbook.frameworks import nps

from .rooms import (assert_not_saved, assert_paraphrased, assert_script_reproduces, assert_sections_render,
                    checked_lesson, example_result, live_view)

DATA = Path(__file__).resolve().parents[2] / "data" / "clients"


# -- the rule -------------------------------------------------------------------------------


def test_ten_answers_by_hand():
    # promoters: 10, 9, 9, 10, 9 -> 5; passives: 8, 7 -> 2; detractors: 6, 5, 3 -> 3
    s = nps.score([10, 9, 9, 8, 7, 6, 5, 10, 3, 9])
    assert (s.n, s.n_promoters, s.n_passives, s.n_detractors) == (10, 5, 2, 3)
    assert (s.promoters, s.passives, s.detractors) == (0.5, 0.2, 0.3)
    assert s.nps == pytest.approx(20.0)
    # Var(P - D) = (0.5 + 0.3 - 0.2^2) / 10 = 0.076; 1.96 * sqrt(0.076) = 54.03 points
    assert s.margin_of_error == pytest.approx(100 * 1.959964 * math.sqrt(0.076), abs=1e-3)
    assert s.wald_low == pytest.approx(20 - s.margin_of_error)
    assert s.wald_high == pytest.approx(20 + s.margin_of_error)
    assert s.too_small and "10 answered" in s.warning


@pytest.mark.parametrize("answer, group", [(0, "detractors"), (6, "detractors"), (7, "passives"),
                                           (8, "passives"), (9, "promoters"), (10, "promoters")])
def test_boundaries_six_seven_eight_nine(answer, group):
    s = nps.score([answer])
    assert getattr(s, group) == 1.0
    assert s.nps == {"detractors": -100.0, "passives": 0.0, "promoters": 100.0}[group]


def test_all_promoters_and_all_detractors_stay_in_range():
    top, bottom = nps.score([10] * 40), nps.score([0] * 40)
    assert top.nps == 100 and top.ci_high == 100 and 80 < top.ci_low < 100
    assert bottom.nps == -100 and bottom.ci_low == -100 and -100 < bottom.ci_high < -80
    assert top.margin_of_error == 0  # the Wald interval collapses; the score interval does not


def test_blanks_are_counted_and_left_out():
    s = nps.score(pd.Series(["10", "", None, " 9 ", "3", np.nan, "  "]))
    assert s.n == 3 and s.blanks == 4
    assert s.nps == pytest.approx(100 * (2 - 1) / 3)
    floats = nps.score(np.array([10.0, np.nan, 0.0]))
    assert (floats.n, floats.blanks, floats.nps) == (2, 1, 0.0)


def test_no_answers_gives_no_score_and_says_so():
    s = nps.score([None, None])
    assert s.n == 0 and s.blanks == 2 and math.isnan(s.nps)
    assert "No answered" in s.warning


def test_int8_fast_path_matches_the_generic_path():
    rng = np.random.default_rng(3)
    answers = rng.integers(0, 11, 5000).astype(np.int8)
    fast, slow = nps.score(answers), nps.score(answers.astype(object))
    assert fast == slow


# -- bad answers ----------------------------------------------------------------------------


def test_bad_values_are_reported_with_spreadsheet_rows():
    frame = pd.DataFrame({"score": ["10", "11", "7.5", "", "seven", "-1", "8"],
                          "segment": ["A"] * 7, "date": ["2024-01-05"] * 7})
    with pytest.raises(InvalidInput) as info:
        nps.validate_responses(frame)
    fields = [p.field for p in info.value.problems]
    assert fields == ["row 3, score", "row 4, score", "row 6, score", "row 7, score"]
    assert [p.value for p in info.value.problems] == ["11", "7.5", "seven", "-1"]
    assert "0 to 10" in info.value.problems[0].allowed


def test_bad_dates_and_missing_score_column_are_named():
    with pytest.raises(InvalidInput) as info:
        nps.validate_responses(pd.DataFrame({"score": ["9", "8"], "date": ["2024-02-30", "2024-03-01"]}))
    assert info.value.problems[0].field == "row 2, date"
    with pytest.raises(InvalidInput) as info:
        nps.validate_responses(pd.DataFrame({"rating": ["9"]}))
    assert info.value.field == "columns.score" and "rating" in info.value.allowed


def test_raw_array_errors_name_positions():
    with pytest.raises(InvalidInput) as info:
        nps.score([1, 2, 11, 7.5])
    assert [p.field for p in info.value.problems] == ["responses[2]", "responses[3]"]


def test_xlsx_export_with_column_mapping(tmp_path):
    export = pd.DataFrame({"Submitted": pd.to_datetime(["2024-01-10", "2024-04-02", "2024-04-20"]),
                           "Customer type": ["Retail", "Wealth", None],
                           "How likely to recommend? (0-10)": [9, 6, None]})
    path = tmp_path / "survey.xlsx"
    export.to_excel(path, index=False)
    raw = pd.read_excel(path, dtype=str)
    columns = nps.ColumnMap(score="How likely to recommend? (0-10)", segment="Customer type", date="Submitted")
    clean = nps.validate_responses(raw, columns)
    assert clean["score"].isna().sum() == 1
    assert list(clean["segment"]) == ["Retail", "Wealth", nps.NO_SEGMENT]
    assert list(clean["period"]) == ["2024Q1", "2024Q2", "2024Q2"]
    result = nps.evaluate({"columns": columns.model_dump()}, {"responses": raw})
    assert result.overall.n == 2 and result.overall.blanks == 1


def test_inputs_errors_name_the_field():
    with pytest.raises(InvalidInput) as info:
        nps.Inputs.parse({"peers": [{"name": "X", "nps": 140, "revenue_growth_pct": 3}]})
    assert info.value.field == "peers[0].nps" and info.value.value == 140


# -- intervals ----------------------------------------------------------------------------


def test_score_interval_solves_the_score_equation():
    # at each bound the standardized distance, using the variance at the constrained shares, is z
    n_p, n_d, n = 14, 2, 30
    lo, hi = nps.score_interval(n_p, n_d, n)
    z = 1.959964
    for bound, sign in ((lo[0], 1), (hi[0], -1)):
        var = nps._restricted_var(np.array([n_p]), np.array([n_d]), np.array([n]), np.array([bound]))[0]
        assert (n_p - n_d - n * bound) / math.sqrt(var) == pytest.approx(sign * z, abs=1e-6)
    assert -1 <= lo[0] < (n_p - n_d) / n < hi[0] <= 1


def test_remembered_intervals_and_tests_match_fresh_ones_and_cannot_be_spoiled():
    """A live session asks again for the same counts on each click: the kept answer is the computed one,
    for other counts the answer is computed afresh, and changing a returned array changes nothing kept."""
    counts = (np.array([30.0, 5.0]), np.array([10.0, 4.0]), np.array([60.0, 12.0]))
    nps.score_interval.cache_clear()
    low, high = nps.score_interval(*counts, 0.95)
    low[:] = 99.0  # a caller scribbling on its copy
    again_low, again_high = nps.score_interval(*counts, 0.95)
    assert again_low.tolist() != [99.0, 99.0]
    assert np.allclose(again_low, nps.score_interval.__wrapped__(*counts, 0.95)[0])
    assert np.allclose(again_high, high)
    narrower = nps.score_interval(*counts, 0.80)
    assert (narrower[1] - narrower[0] < again_high - again_low).all()
    z, p = nps.score_test(30, 10, 60, 5, 4, 12)
    z[:] = 0.0
    fresh = nps.score_test.__wrapped__(30, 10, 60, 5, 4, 12)
    assert np.allclose(nps.score_test(30, 10, 60, 5, 4, 12)[0], fresh[0])
    assert not np.allclose(nps.score_test(30, 10, 60, 6, 4, 12)[1], fresh[1])


def test_score_interval_keeps_coverage_where_wald_falls_short():
    """Simulation: small samples with extreme shares (fixed seed, vectorised)."""
    rng = np.random.default_rng(20240601)
    reps = 4000
    settings = [(20, 0.70, 0.05), (30, 0.80, 0.05), (50, 0.85, 0.03), (40, 0.10, 0.70), (100, 0.90, 0.02)]
    score_cov, wald_cov, wald_out = [], [], 0
    for n, pp, pd_ in settings:
        counts = rng.multinomial(n, [pp, 1 - pp - pd_, pd_], size=reps)
        true = pp - pd_
        lo, hi = nps.score_interval(counts[:, 0], counts[:, 2], n)
        _, wl, wh = nps.wald_interval(counts[:, 0], counts[:, 2], n)
        score_cov.append(np.mean((lo <= true) & (true <= hi)))
        wald_cov.append(np.mean((wl <= true) & (true <= wh)))
        wald_out += int(np.sum((wl < -1) | (wh > 1)))
        assert lo.min() >= -1 and hi.max() <= 1
    # 4,000 replicates: the standard error of one coverage figure is about 0.0035
    assert all(0.935 <= c <= 0.975 for c in score_cov), score_cov
    assert np.mean(score_cov) == pytest.approx(0.95, abs=0.012)
    assert np.mean(wald_cov) < 0.935 and max(wald_cov) < 0.945, wald_cov
    assert wald_out > 0  # the plain interval leaves -100..100 in these settings


# -- comparisons ----------------------------------------------------------------------------


def test_identical_samples_do_not_differ():
    sample = [10, 9, 8, 7, 6, 3, 10, 9] * 20
    c = nps.compare(sample, sample)
    assert c.difference == 0 and c.p_value == pytest.approx(1.0) and not c.significant
    assert c.ci_low < 0 < c.ci_high


def test_very_different_samples_differ():
    c = nps.compare([10] * 150 + [3] * 50, [2] * 150 + [9] * 50)
    assert c.difference == pytest.approx(100.0)
    assert c.p_value < 1e-6 and c.significant and c.ci_low > 50


def test_p_value_is_moderate_for_a_moderate_gap():
    a = nps.from_counts(60, 20, 20)   # +40
    b = nps.from_counts(50, 25, 25)   # +25
    c = nps.compare(a, b)
    # plain test: se = sqrt((0.8 - 0.16) / 100 + (0.75 - 0.0625) / 100) = 0.1152, z = 1.302
    assert c.wald_p_value == pytest.approx(2 * (1 - 0.9034), abs=0.002)
    assert 0.15 < c.p_value < 0.25 and c.p_value > c.wald_p_value  # the score test is a little more careful


def test_score_test_uses_the_shares_fitted_under_equal_scores():
    """Golden value from an independent fit: SLSQP on the four shares with P_a - D_a = P_b - D_b."""
    from scipy.optimize import minimize
    from scipy.stats import norm

    counts = {"a": (14, 4, 2), "b": (9, 6, 10)}  # promoters, passives, detractors: +60 (n=20) and -4 (n=25)

    def negll(v):
        pa, da, pb, db = np.maximum(v, 1e-300)
        (a1, a2, a3), (b1, b2, b3) = counts["a"], counts["b"]
        return -(a1 * np.log(pa) + a2 * np.log(max(1 - pa - da, 1e-300)) + a3 * np.log(da)
                 + b1 * np.log(pb) + b2 * np.log(max(1 - pb - db, 1e-300)) + b3 * np.log(db))
    fit = minimize(negll, [0.5, 0.2, 0.5, 0.2], method="SLSQP", bounds=[(1e-9, 1)] * 4,
                   constraints=[{"type": "eq", "fun": lambda v: (v[0] - v[1]) - (v[2] - v[3])},
                                {"type": "ineq", "fun": lambda v: 1 - v[0] - v[1]},
                                {"type": "ineq", "fun": lambda v: 1 - v[2] - v[3]}],
                   options={"ftol": 1e-14, "maxiter": 500})
    pa, da, pb, db = fit.x
    delta = pa - da
    se = math.sqrt((pa + da - delta ** 2) / 20 + (pb + db - delta ** 2) / 25)
    z = (0.60 - (-0.04)) / se
    c = nps.compare(nps.from_counts(*counts["a"]), nps.from_counts(*counts["b"]))
    assert c.difference == pytest.approx(64.0)
    assert c.z == pytest.approx(z, rel=1e-5)
    assert c.p_value == pytest.approx(2 * norm.sf(z), rel=1e-4)


def test_one_answer_each_is_no_proof_of_a_difference():
    # a single 10 against a single 0: the plain test has zero variance and calls it certain
    c = nps.compare([10], [0])
    assert c.wald_p_value == 0.0
    assert c.p_value > 0.1 and not c.significant
    assert "within sampling noise" in c.summary and "so few answers" in c.summary


def test_score_test_keeps_its_size_where_the_plain_test_does_not():
    """Simulation: two samples with equal true scores, small and lopsided (fixed seed, vectorised).

    The share of replicates called different at the 5% level should be about 5%.
    """
    rng = np.random.default_rng(20240602)
    reps = 4000
    settings = [(10, 10, (.7, .2, .1), (.7, .2, .1)), (20, 20, (.8, .15, .05), (.8, .15, .05)),
                (15, 25, (.6, .1, .3), (.5, .3, .2)), (20, 40, (.1, .2, .7), (.1, .2, .7)),
                (50, 50, (.5, .3, .2), (.45, .4, .15)), (12, 60, (.85, .1, .05), (.85, .1, .05))]
    score_size, wald_size = [], []
    for na, nb, pa, pb in settings:
        assert pa[0] - pa[2] == pytest.approx(pb[0] - pb[2])  # equal true scores
        ca, cb = rng.multinomial(na, pa, size=reps), rng.multinomial(nb, pb, size=reps)
        _, p = nps.score_test(ca[:, 0], ca[:, 2], na, cb[:, 0], cb[:, 2], nb)
        ea, eb = (ca[:, 0] - ca[:, 2]) / na, (cb[:, 0] - cb[:, 2]) / nb
        va = ((ca[:, 0] + ca[:, 2]) / na - ea ** 2) / na
        vb = ((cb[:, 0] + cb[:, 2]) / nb - eb ** 2) / nb
        se = np.sqrt(va + vb)
        with np.errstate(divide="ignore", invalid="ignore"):
            wald_reject = np.where(se > 0, np.abs(ea - eb) / se > 1.959964, ea != eb)
        score_size.append(float(np.mean(p < 0.05)))
        wald_size.append(float(np.mean(wald_reject)))
    # 4,000 replicates: the standard error of one rate is about 0.0035
    assert max(score_size) <= 0.06, score_size
    assert max(wald_size) > 0.10 and np.mean(wald_size) > 0.065, wald_size


def test_segment_and_period_tables_and_trend():
    rng = np.random.default_rng(1)
    n = 1200
    seg = np.where(np.arange(n) % 2, "North", "South")
    quarter = np.repeat(["2024-02-01", "2024-05-01", "2024-08-01", "2024-11-01"], n // 4)
    good = rng.choice([10, 9, 8, 3], n, p=[0.5, 0.2, 0.2, 0.1])
    poor = rng.choice([10, 8, 5, 2], n, p=[0.2, 0.3, 0.25, 0.25])
    score = np.where(seg == "North", good, poor)
    frame = pd.DataFrame({"score": score.astype(str), "segment": seg, "date": quarter})
    result = nps.evaluate({}, {"responses": frame})
    assert list(result.by_segment.index) == ["North", "South"]
    assert list(result.by_period.index) == ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]
    north = nps.score(score[seg == "North"])
    assert result.by_segment.loc["North", "nps"] == pytest.approx(north.nps)
    assert result.by_segment.loc["North", "ci_low"] == pytest.approx(north.ci_low)
    assert result.segment_tests.loc[0, "significant"]
    south = nps.score(score[seg == "South"])
    assert result.segment_tests.loc[0, "p_value"] == pytest.approx(nps.compare(north, south).p_value, rel=1e-6)
    assert result.trend is not None and not result.trend.significant
    assert result.by_period["n"].sum() == n


def test_small_segments_are_flagged():
    frame = pd.DataFrame({"score": ["9"] * 100 + ["5"] * 5, "segment": ["Big"] * 100 + ["Tiny"] * 5})
    result = nps.evaluate({}, {"responses": frame})
    assert result.by_segment.loc["Tiny", "too_small"] and not result.by_segment.loc["Big", "too_small"]
    assert any("Tiny" in w for w in result.warnings)


# -- peers ------------------------------------------------------------------------------------


def test_peer_line_is_least_squares():
    peers = [{"name": "A", "nps": 10, "revenue_growth_pct": 2}, {"name": "B", "nps": 30, "revenue_growth_pct": 6},
             {"name": "C", "nps": 50, "revenue_growth_pct": 7}]
    fit = nps.fit_peers(peers, own_nps=40, own_growth_pct=5)
    slope, intercept = np.polyfit([10, 30, 50], [2, 6, 7], 1)
    assert fit.slope == pytest.approx(slope) and fit.intercept == pytest.approx(intercept)
    assert fit.predicted_growth_pct == pytest.approx(intercept + slope * 40)
    assert fit.table["is_client"].sum() == 1
    assert nps.fit_peers(peers[:2]) is None


# -- example clients -------------------------------------------------------------------------


def test_example_clients_differ_clearly_and_one_has_a_trend():
    coffee, bank = example_result("nps", "bluebird-coffee"), example_result("nps", "meridian-bank")
    assert coffee.overall.n >= 2000 and bank.overall.n >= 2000
    assert coffee.overall.blanks > 0 and bank.overall.blanks > 0
    assert nps.compare(coffee.overall, bank.overall).p_value < 1e-6
    assert len(coffee.by_segment) == 3 and len(coffee.by_period) == 4
    assert coffee.trend.significant and coffee.trend.difference > 0
    assert not bank.trend.significant
    assert all(p.fictional for p in nps.Inputs.parse(json.loads((DATA / "meridian-bank" / "nps.json").read_text())).peers)
    head = nps.headline(coffee)
    assert head["status"] in ("green", "amber", "red") and json.dumps(head)


def test_example_data_shape_and_script(tmp_path):
    """At least 2,000 answers over four quarters and three segments per example client, from the script."""
    for slug in ("bluebird-coffee", "meridian-bank"):
        r = example_result("nps", slug)
        assert r.overall.n + r.overall.blanks >= 2000
        assert list(r.by_period.index) == ["2024Q1", "2024Q2", "2024Q3", "2024Q4"] and len(r.by_segment) == 3
    assert_script_reproduces("make_example_data.py", "nps", tmp_path, clients=("bluebird-coffee", "meridian-bank"))
    for slug in ("bluebird-coffee", "meridian-bank"):
        rel = Path(slug) / "nps" / "responses.csv"
        assert (tmp_path / "clients" / rel).read_bytes() == (DATA / rel).read_bytes()


def test_headline_states_the_chosen_confidence_level():
    raw = pd.read_csv(DATA / "meridian-bank" / "nps" / "responses.csv", dtype=str, keep_default_na=False,
                      na_values=[""])
    head = nps.headline(nps.evaluate({"confidence": 0.9}, {"responses": raw}))
    assert "90% interval" in head["summary"] and "95%" not in head["summary"]


def test_too_few_answers_advice_uses_the_chosen_minimum():
    result = nps.evaluate({"min_responses": 80}, {"responses": pd.DataFrame({"score": ["9"] * 50 + ["3"] * 10})})
    assert result.overall.too_small
    assert "at least 80" in result.recommendations[0]


def test_source_text_is_paraphrased():
    """No sentence of the seeds' Net Promoter material stands in our text; the facts do carry over."""
    from workbook.ui import nps as ui

    seed = [
        "GE uses \"net promoter score\" to measure customer",
        "The shift from marketing products to cultivating customers demands a shift in metrics as well",
        "companies must shift to focus from driving transaction to maximizing customers lifetime value",
    ]
    notebook = json.loads((DATA.parent.parent / "notebooks" / "net_promoter.ipynb").read_text())
    room = example_result("nps", "meridian-bank")
    ours = " ".join(["".join(c["source"]) for c in notebook["cells"]] + list(room.recommendations)
                    + list(room.warnings) + [nps.__doc__, ui.__doc__])
    assert_paraphrased(seed, ours)
    for fact in ("9 or 10", "0 to 6", "airlines", "internet service providers", "car rentals", "GE"):
        assert fact in ours, fact


def test_a_bad_survey_file_is_refused_and_nothing_changes(data_dir, tmp_path):
    store, view = live_view("nps", "meridian-bank", data_dir, sections=True)
    saved = data_dir / "clients" / "meridian-bank" / "nps" / "responses.csv"
    before, n = saved.read_bytes(), view.state.result.overall.n
    bad = tmp_path / "bad.csv"
    bad.write_text("score,segment,date\n10,Retail,2024-01-05\n11,Retail,2024-01-06\n7.5,Wealth,2024-01-07\n"
                   "seven,Retail,2024-02-01\n,Retail,2024-02-02\n")
    view._import(str(bad))
    assert "Not imported yet: 3 of 5 rows of bad.csv have problems" in view._status.value
    listed = view._import_panel.children[0].value
    assert "0 to 10" in listed
    for row, value in (("3", "11"), ("4", "7.5"), ("5", "seven")):
        assert f"<td>{row}</td><td>score</td><td>{value}</td>" in listed
    assert "<td>6</td>" not in listed  # a blank answer is not an error: it is counted and left out
    assert saved.read_bytes() == before and view.state.result.overall.n == n
    take, nothing = view._import_panel.children[1].children
    assert take.description == "Import the 2 good rows"
    nothing.click()  # import nothing: the choice is kept in the history, the table stays
    assert saved.read_bytes() == before and "Nothing imported from bad.csv" in view._status.value
    view._import(str(bad))
    view._import_panel.children[1].children[0].click()  # now the good rows
    assert "Imported 2 responses, 3 row(s) left out" in view._status.value
    assert view.state.result.overall.n == 1  # row 6 is a blank answer: kept, counted as blank
    history = data_dir / "clients" / "meridian-bank" / ".history" / "nps" / "imports.jsonl"
    notes = [json.loads(line) for line in history.read_text().splitlines()]
    assert [n["choice"] for n in notes] == ["nothing", "good rows"]
    assert notes[1]["rows_left_out"] == [3, 4, 5] and notes[1]["rows_imported"] == 2


def test_the_same_file_uploaded_again_after_a_fix_is_imported(data_dir):
    from datetime import datetime

    store, view = live_view("nps", "meridian-bank", data_dir)
    bad = b"score,segment,date\n11,Retail,2024-01-05\n"
    view._upload.value = ({"name": "answers.csv", "type": "text/csv", "size": len(bad), "content": memoryview(bad),
                           "last_modified": datetime(2026, 1, 1)},)
    assert "Not imported" in view._status.value and view._upload.value == ()
    good = b"score,segment,date\n10,Retail,2024-01-05\n9,Retail,2024-01-06\n"
    view._upload.value = ({"name": "answers.csv", "type": "text/csv", "size": len(good), "content": memoryview(good),
                           "last_modified": datetime(2026, 1, 1)},)
    assert "Imported 2 responses" in view._status.value
    view._import_clicked()  # the Import button with an empty path uses the uploaded file
    assert "Imported 2 responses" in view._status.value


# -- the room: sections, live form, lesson ---------------------------------------------------


@pytest.mark.parametrize("slug", ["bluebird-coffee", "meridian-bank"])
def test_every_section_renders_for_every_example_client(slug, data_dir):
    from workbook.ui import nps as ui
    room = assert_sections_render("nps", slug, data_dir)
    assert "Traceback" not in str(ui.peers_table_section(room.state.context))


def test_view_pickers_peers_and_import_autosave(data_dir, tmp_path):
    from workbook.ui import nps as ui
    store, view = live_view("nps", "meridian-bank", data_dir, sections=True)
    view._segment.value = "Wealth"
    view._period.value = "2024Q3"
    saved = store.load("meridian-bank", "nps", nps.Inputs)
    assert (saved.focus_segment, saved.focus_period) == ("Wealth", "2024Q3")
    assert view.state.result.focus_label == "Wealth \u00b7 2024Q3" and "Saved" in view._status.value
    assert "Wealth" in view._section_widgets["focus"].children[0].value
    # a bad competitor line is refused and nothing is saved
    view._peers.value = "Lakeshore Savings; lots; 4.2"
    assert_not_saved(view, "Peers line 1")
    assert len(store.load("meridian-bank", "nps", nps.Inputs).peers) == 6
    view._peers.value = "A; 10; 1\nB; 20; 3\nC; 30; 4"
    assert [p.name for p in store.load("meridian-bank", "nps", nps.Inputs).peers] == ["A", "B", "C"]
    # a survey export with its own column names: imported, mapping remembered
    path = tmp_path / "export.xlsx"
    pd.DataFrame({"Q1 recommend": [10, 9, 3, None], "Type": ["Retail"] * 4,
                  "When": ["2025-01-05"] * 4}).to_excel(path, index=False)
    view._col_score.value, view._col_segment.value, view._col_date.value = "Q1 recommend", "Type", "When"
    view._import(str(path))
    assert view.state.result.overall.n == 3 and view.state.result.overall.blanks == 1
    assert store.load("meridian-bank", "nps", nps.Inputs).columns.score == "Q1 recommend"
    reloaded = ui.View(store, "meridian-bank")
    assert reloaded.state.result.overall.n == 3  # the stored table reads back


def test_a_new_client_opens_the_room_and_imports_a_first_survey(empty_data, tmp_path):
    from workbook.store import Store
    from workbook.ui import nps as ui

    Store(empty_data).create_client("acme", {"name": "Acme"})
    store, view = live_view("nps", "acme", empty_data, sections=True)
    assert view.state.result.overall.n == 0
    assert "import the survey export" in view._section_widgets["headline"].children[0].value
    path = tmp_path / "survey.csv"
    pd.DataFrame({"score": ["10", "9", "", "4"] * 10, "segment": ["Retail"] * 40,
                  "date": ["2025-02-01"] * 40}).to_csv(path, index=False)
    view._import(str(path))
    assert "Imported 40 responses" in view._status.value
    o = view.state.result.overall
    assert (o.n, o.blanks, round(o.nps)) == (30, 10, 33)
    assert ui.View(store, "acme").state.result.overall.n == 30  # saved with the client


def test_lesson_answers_come_from_the_example_client():
    lesson = checked_lesson("nps")
    assert lesson.client == "bluebird-coffee" and len(lesson.module.EXERCISES) >= 3
    ten = lesson.module.practice_ten(lesson.context)
    assert len(ten) == 10 and lesson.answer(1) == int((ten["score"] >= 9).sum())
    o = lesson.context.result.overall
    assert lesson.answer(3) == pytest.approx(100 * (o.n_promoters - o.n_detractors - 20) / (o.n + 20), abs=0.05)
    assert lesson.check(3, round(o.nps, 1)).correct is False      # the score before the new answers
    assert lesson.check(6, "no").correct is True                   # +20 to +30 on 50 answers each is noise
    assert lesson.check(6, "yes").correct is False
    assert "Step 1" in lesson.worked_example()


def test_changes_describe_what_moved():
    before = nps.Inputs(peers=[nps.Peer(name="A", nps=10, revenue_growth_pct=1)])
    after = nps.Inputs(peers=[nps.Peer(name="A", nps=15, revenue_growth_pct=1),
                              nps.Peer(name="B", nps=30, revenue_growth_pct=4)], confidence=0.9)
    notes = nps.changes(before, after)
    assert any(n.startswith("Competitor added: B") for n in notes)
    assert any(n.startswith("A: NPS +10 -> +15") for n in notes)
    assert "Confidence level: 0.95 -> 0.9." in notes
