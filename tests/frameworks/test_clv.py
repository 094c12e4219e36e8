"""Customer value: summaries, BG/NBD and Gamma-Gamma fits, CLV, equity, next best product, audit.

Sources: Rust, Moorman and Bhalla, "Rethinking Marketing" (HBR 2010); Fader,
Hardie and Lee (2005) for the BG/NBD; Fader and Hardie (2013) for the
Gamma-Gamma spend model.
"""
from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy.special import betaln, gammaln

from workbook.errors import InvalidInput
from workbook.frameworks import clv

from ..conftest import DATA
from .rooms import (assert_paraphrased, assert_script_reproduces, assert_sections_render,
                    checked_lesson, example_result, live_view)

TRUE_BG = {"r": 0.8, "alpha": 4.0, "a": 0.7, "b": 3.0}
TRUE_GG = {"p": 6.0, "q": 4.0, "gamma": 15.0}


def simulate_bgnbd(n, T, horizon, rng, r, alpha, a, b, max_events=500):
    """Event by event: buy at Poisson rate lambda, drop out after each repeat purchase with probability p.

    Returns frequency and recency in (0, T] and the purchase count in (T, T + horizon].
    """
    lam, p = rng.gamma(r, 1 / alpha, n), rng.beta(a, b, n)
    t, alive = np.zeros(n), np.ones(n, dtype=bool)
    x, tx, later = np.zeros(n, dtype=int), np.zeros(n), np.zeros(n, dtype=int)
    for _ in range(max_events):
        t = t + rng.exponential(1 / lam)
        alive &= t <= T + horizon
        if not alive.any():
            break
        inside = alive & (t <= T)
        x += inside
        tx = np.where(inside, t, tx)
        later += alive & (t > T)
        alive &= rng.random(n) >= p
    return x, tx, later


def simulate_spend(x, rng, p, q, gamma):
    """Mean of x purchase amounts, each Gamma(p, nu), with nu ~ Gamma(q, gamma) per customer."""
    nu = rng.gamma(q, 1 / gamma, len(x))
    total = rng.gamma(np.maximum(p * x, 1e-12), 1 / nu)
    return np.where(x > 0, total / np.maximum(x, 1), 0.0)


def simulate_futures(n, T, months, rng, margin, annual_rate, max_events=600):
    """Customers with known parameters: their history up to T and the discounted margin they then bring.

    Each customer buys at rate lambda ~ Gamma(r, alpha) and stops after each repeat purchase with
    probability p ~ Beta(a, b) (TRUE_BG); each purchase costs Gamma(p, nu) with nu ~ Gamma(q, gamma)
    (TRUE_GG). Month k after T is discounted by (1 + annual_rate) ** (-k / 12).

    Returns
    -------
    summary : DataFrame with frequency, recency, T, monetary_value
    actual : array of the discounted margin each customer brings in the ``months`` after T
    """
    bgp, ggp = TRUE_BG, TRUE_GG
    lam, drop = rng.gamma(bgp["r"], 1 / bgp["alpha"], n), rng.beta(bgp["a"], bgp["b"], n)
    nu = rng.gamma(ggp["q"], 1 / ggp["gamma"], n)
    end = T + months * clv.WEEKS_PER_MONTH
    v = (1 + annual_rate) ** (-1 / 12)
    t, alive = np.zeros(n), np.ones(n, dtype=bool)
    x, tx, spent, actual = np.zeros(n, dtype=int), np.zeros(n), np.zeros(n), np.zeros(n)
    for _ in range(max_events):
        t = t + rng.exponential(1 / lam)
        alive &= t <= end
        if not alive.any():
            break
        amount = rng.gamma(ggp["p"], 1 / nu)
        before = alive & (t <= T)
        x += before
        tx = np.where(before, t, tx)
        spent += np.where(before, amount, 0.0)
        after = alive & (t > T)
        month = np.ceil((t - T) / clv.WEEKS_PER_MONTH)
        actual += np.where(after, margin * amount * v ** month, 0.0)
        alive &= rng.random(n) >= drop
    summary = pd.DataFrame({"frequency": x, "recency": tx, "T": T,
                            "monetary_value": np.where(x > 0, spent / np.maximum(x, 1), 0.0)},
                           index=pd.Index([f"C{i:05d}" for i in range(n)], name="customer_id"))
    return summary, actual


@pytest.fixture(scope="module")
def simulated():
    rng = np.random.default_rng(2005)
    n = 20_000
    T = rng.integers(26 * 7, 104 * 7, n) / 7.0
    x, tx, later = simulate_bgnbd(n, T, 0.0, rng, **TRUE_BG)
    m = simulate_spend(x, rng, **TRUE_GG)
    return pd.DataFrame({"frequency": x, "recency": tx, "T": T, "monetary_value": m})


@pytest.fixture(scope="module")
def fitted(simulated):
    return clv.fit_models(simulated)


# -- summaries and validation ---------------------------------------------------------------------


def test_summary_by_hand():
    tx = pd.DataFrame({
        "customer_id": ["A", "A", "A", "A", "B", "C"],
        "date": ["2024-01-01", "2024-01-15", "2024-01-15", "2024-01-29", "2024-02-05", "2024-03-01"],
        "amount": ["10", "6", "4", "20", "15", "99"],
    })
    s = clv.summarize(tx, observation_end="2024-02-12")
    a = s.loc["A"]
    assert a["frequency"] == 2                      # two later purchase days (two rows on 15 Jan are one purchase)
    assert a["recency"] == pytest.approx(4.0)        # 28 days
    assert a["T"] == pytest.approx(6.0)              # 42 days
    assert a["monetary_value"] == pytest.approx(15.0)  # (10 + 20) / 2; the first purchase is left out
    assert a["total_spend"] == pytest.approx(40.0)
    b = s.loc["B"]
    assert (b["frequency"], b["recency"], b["T"], b["monetary_value"]) == (0, 0.0, 1.0, 0.0)
    assert "C" not in s.index  # after the observation end


def test_bad_transactions_are_listed_with_spreadsheet_rows():
    frame = pd.DataFrame({"customer_id": ["A", "", "C", "D", "E"],
                          "date": ["2024-01-01", "2024-01-02", "someday", "2024-01-04", "2024-01-05"],
                          "amount": ["10", "5", "7", "-3", "abc"]})
    with pytest.raises(InvalidInput) as info:
        clv.validate_transactions(frame)
    got = {(p.field, p.value) for p in info.value.problems}
    assert got == {("row 3, customer_id", ""), ("row 4, date", "someday"), ("row 5, amount", "-3"),
                   ("row 6, amount", "abc")}


def test_blank_cells_are_named_as_blank_and_problems_come_row_by_row():
    frame = pd.DataFrame({"customer_id": ["A", None, "C"], "date": ["2024-01-01", "2024-13-45", None],
                          "amount": [None, "-4", "5"]})
    with pytest.raises(InvalidInput) as info:
        clv.validate_transactions(frame)
    got = [(p.field, p.value) for p in info.value.problems]
    assert got == [("row 2, amount", ""), ("row 3, customer_id", ""), ("row 3, date", "2024-13-45"),
                   ("row 3, amount", "-4"), ("row 4, date", "")]
    assert "got ''" in str(info.value) and "nan" not in str(info.value)


def test_a_missing_column_names_the_columns_the_file_has():
    with pytest.raises(InvalidInput) as info:
        clv.validate_transactions(pd.DataFrame({"customer_id": ["A"], "when": ["2024-01-05"], "amount": ["3"]}))
    assert info.value.field == "columns.date" and info.value.value == "date"
    assert "date column" in info.value.allowed and "customer_id, when, amount" in info.value.allowed


def test_column_mapping_for_exports():
    frame = pd.DataFrame({"Client": ["A", "A"], "Order date": ["2024-01-01", "2024-02-01"], "Net": ["$1,200.50", "80"]})
    cols = clv.TransactionColumns(customer_id="Client", date="Order date", amount="Net", product=None)
    clean = clv.validate_transactions(frame, cols)
    assert list(clean["amount"]) == [1200.5, 80.0] and list(clean.columns) == ["customer_id", "date", "amount", "product"]
    assert cols.renames() == {"Client": "customer_id", "Order date": "date", "Net": "amount"}


# -- BG/NBD ------------------------------------------------------------------------------------------


def test_log_likelihood_matches_the_paper_formula():
    bg = clv.BetaGeo()
    bg.params_ = dict(TRUE_BG)
    x = np.array([0, 1, 3, 10])
    tx = np.array([0.0, 5.0, 20.0, 30.0])
    T = np.array([10.0, 40.0, 40.0, 31.0])
    r, al, a, b = TRUE_BG.values()
    # L = B(a, b+x)/B(a,b) G(r+x) al^r / (G(r) (al+T)^(r+x)) + [x>0] B(a+1, b+x-1)/B(a,b) G(r+x) al^r / (G(r) (al+tx)^(r+x))
    direct = []
    for xi, ti, Ti in zip(x, tx, T):
        common = gammaln(r + xi) - gammaln(r) + r * math.log(al) - betaln(a, b)
        first = math.exp(common + betaln(a, b + xi) - (r + xi) * math.log(al + Ti))
        second = math.exp(common + betaln(a + 1, b + xi - 1) - (r + xi) * math.log(al + ti)) if xi > 0 else 0.0
        direct.append(math.log(first + second))
    assert bg.log_likelihood(x, tx, T) == pytest.approx(direct, rel=1e-10)
    # the weighted fast path gives the same total
    data = bg._prepared(x, tx, T)
    assert bg._ll_grad(np.log(list(TRUE_BG.values())), data)[0] == pytest.approx(sum(direct), rel=1e-10)


def test_gradient_matches_finite_differences(simulated):
    bg = clv.BetaGeo()
    data = bg._prepared(simulated["frequency"], simulated["recency"], simulated["T"])
    theta = np.log([1.1, 3.0, 0.5, 2.0])
    _, grad = bg._ll_grad(theta, data)
    h = 1e-6
    numeric = [(bg._ll_grad(theta + h * e, data, False)[0] - bg._ll_grad(theta - h * e, data, False)[0]) / (2 * h)
               for e in np.eye(4)]
    assert grad == pytest.approx(numeric, rel=1e-5)


def test_betageo_recovers_known_parameters(fitted):
    """20,000 simulated customers: every estimate within 4 standard errors (from the inverse Hessian).

    At this sample size the standard errors are 1-5% of r and alpha and 3-5% of a and b,
    so this also pins each estimate to within about 20% of the truth.
    """
    bg, _ = fitted
    se = bg.standard_errors_
    for name, true in TRUE_BG.items():
        assert abs(bg.params_[name] - true) < 4 * se[name], (name, bg.params_[name], se[name])
        assert se[name] < 0.06 * true
    assert bg.converged_ and bg.n_customers_ == 20_000 and bg.n_unique_ <= 20_000


def test_gammagamma_recovers_known_parameters(fitted, simulated):
    _, gg = fitted
    se = gg.standard_errors_
    for name, true in TRUE_GG.items():
        assert abs(gg.params_[name] - true) < 4 * se[name], (name, gg.params_[name], se[name])
        assert se[name] < 0.1 * true
    assert gg.n_customers_ == int((simulated["frequency"] > 0).sum())


def test_probability_alive_edges():
    bg = clv.BetaGeo()
    bg.params_ = dict(TRUE_BG)
    # no repeat purchase: alive for sure under the BG/NBD, whatever the age
    assert bg.probability_alive([0, 0], [0.0, 0.0], [1.0, 500.0]) == pytest.approx([1.0, 1.0])
    recent, lapsed = bg.probability_alive([8, 8], [50.0, 10.0], [52.0, 52.0])
    assert recent > 0.9 and lapsed < 0.05
    # the longer since the last purchase, the less likely still active
    p = bg.probability_alive(np.full(5, 3), np.array([10.0, 20, 30, 40, 50]), np.full(5, 52.0))
    assert np.all(np.diff(p) > 0)
    with pytest.raises(InvalidInput):
        bg.probability_alive([1], [10.0], [5.0])  # recency after the end of the window


def test_expected_purchases_match_a_simulated_holdout():
    rng = np.random.default_rng(11)
    n = 60_000
    T = np.full(n, 52.0)
    x, tx, later = simulate_bgnbd(n, T, 26.0, rng, **TRUE_BG)
    bg = clv.BetaGeo()
    bg.params_ = dict(TRUE_BG)
    expected = bg.expected_purchases(26.0, x, tx, T)
    # total over 60,000 customers: sampling error of the simulated total is about 1%
    assert expected.sum() == pytest.approx(later.sum(), rel=0.03)
    for k in (0, 1, 3):
        assert expected[x == k].mean() == pytest.approx(later[x == k].mean(), rel=0.08)
    assert x.mean() == pytest.approx(bg.expected_purchases_new(52.0), rel=0.03)


# -- lifetime value -----------------------------------------------------------------------------------


def test_retention_clv_by_hand():
    assert clv.retention_clv(100, 0.8, 0.1) == pytest.approx(100 * 0.8 / 0.3)      # 266.67
    k = 0.8 / 1.1
    assert clv.retention_clv(100, 0.8, 0.1, periods=3) == pytest.approx(100 * (k + k ** 2 + k ** 3))  # 164.09
    assert clv.retention_clv(100, 0.8, 0.1, periods=3) == pytest.approx(164.087, abs=1e-3)
    with pytest.raises(InvalidInput) as info:
        clv.retention_clv(100, 1.2, 0.1)
    assert info.value.field == "retention"


def test_clv_formula_by_hand(fitted, simulated):
    bg, gg = fitted
    row = simulated.iloc[[7]]
    out = clv.customer_value(row, bg, gg, margin=0.4, annual_discount_rate=0.12, horizon_months=3)
    x, tx, T, m = (row[c].to_numpy() for c in ("frequency", "recency", "T", "monetary_value"))
    v = 1.12 ** (-1 / 12)
    cum = [0.0] + [bg.expected_purchases(k * clv.WEEKS_PER_MONTH, x, tx, T)[0] for k in (1, 2, 3)]
    disc = sum(v ** k * (cum[k] - cum[k - 1]) for k in (1, 2, 3))
    p, q, g = gg.params_.values()
    spend = p * (g + x[0] * m[0]) / (p * x[0] + q - 1) if x[0] > 0 else p * g / (q - 1)
    assert out["clv"].iloc[0] == pytest.approx(0.4 * spend * disc, rel=1e-9)
    assert out["expected_purchases"].iloc[0] == pytest.approx(cum[3], rel=1e-9)
    assert out["clv_low"].iloc[0] < out["clv"].iloc[0] < out["clv_high"].iloc[0]


def test_discount_and_horizon_move_value_the_right_way(fitted, simulated):
    bg, gg = fitted
    base = simulated.iloc[:500]
    value = lambda rate, months: clv.value_base(base, bg, gg, 0.3, rate, months).equity  # noqa: E731
    assert value(0.0, 24) > value(0.10, 24) > value(0.30, 24)
    assert value(0.10, 36) > value(0.10, 24) > value(0.10, 12)
    assert clv.value_base(base, bg, gg, 0.6, 0.1, 24).equity == pytest.approx(2 * value(0.10, 24))


def test_delta_interval_agrees_with_parametric_bootstrap(fitted, simulated):
    bg, gg = fitted
    base = simulated.iloc[:300]
    delta = clv.value_base(base, bg, gg, 0.3, 0.1, 12)
    boot = clv.value_base(base, bg, gg, 0.3, 0.1, 12, interval="bootstrap", draws=400, seed=1)
    w_delta = (delta.customers["clv_high"] - delta.customers["clv_low"]).median()
    w_boot = (boot.customers["clv_high"] - boot.customers["clv_low"]).median()
    assert w_delta == pytest.approx(w_boot, rel=0.25)
    assert (delta.equity_high - delta.equity_low) == pytest.approx(boot.equity_high - boot.equity_low, rel=0.25)


def truth_models():
    """BetaGeo and GammaGamma set to the true parameters (with a tiny covariance: no parameter uncertainty)."""
    bg, gg = clv.BetaGeo(), clv.GammaGamma()
    bg.params_, gg.params_ = dict(TRUE_BG), dict(TRUE_GG)
    bg.cov_, gg.cov_ = np.eye(4) * 1e-12, np.eye(3) * 1e-12
    return bg, gg


def test_simulated_futures_average_to_the_closed_form_value():
    """The simulation of each customer's future and eq. 10 of FHL (2005) are two routes to one number."""
    bg, gg = truth_models()
    hist = pd.DataFrame({"frequency": [0, 2, 9, 25], "recency": [0.0, 30.0, 50.0, 100.0],
                         "T": [40.0, 60.0, 52.0, 104.0], "monetary_value": [0.0, 12.0, 25.0, 18.0]}, index=pd.Index(list("ABCD"), name="customer_id"))
    closed = clv.customer_value(hist, bg, gg, margin=0.4, annual_discount_rate=0.1, horizon_months=36)["clv"]
    draws = 60_000
    v = 1.1 ** (-np.arange(1, 37) / 12)
    for i, cid in enumerate(hist.index):
        rows = np.full(draws, i)
        spend = clv.simulate_monthly_spend(np.array(list(TRUE_BG.values())), np.array(list(TRUE_GG.values())),
                                           hist["frequency"].to_numpy(float)[rows], hist["recency"].to_numpy()[rows],
                                           hist["T"].to_numpy()[rows], hist["monetary_value"].to_numpy()[rows], 36,
                                           np.random.default_rng(i))
        values = 0.4 * spend @ v
        se = values.std() / math.sqrt(draws)
        assert abs(values.mean() - closed[cid]) < 4 * se, (cid, values.mean(), closed[cid], se)


def test_likely_actual_range_covers_real_futures_where_the_model_range_does_not():
    """Fit on simulated histories, then check both ranges against what the customers really went on to bring."""
    rng = np.random.default_rng(77)
    n = 6000
    T = rng.integers(26 * 7, 104 * 7, n) / 7.0
    summary, actual = simulate_futures(n, T, 24, rng, margin=0.3, annual_rate=0.1)
    bg, gg = clv.fit_models(summary)
    model = clv.ValueModel(summary, bg, gg)
    out, _, _ = model.value(0.3, 0.1, 24)
    checked = summary.index[rng.choice(n, 300, replace=False)]
    pred = model.predictive(checked, 0.3, 0.1, 24)
    real = pd.Series(actual, index=summary.index)[checked]
    inside = (real >= pred["value_low"] - 1e-9) & (real <= pred["value_high"] + 1e-9)
    model_inside = (real >= out.loc[checked, "clv_low"]) & (real <= out.loc[checked, "clv_high"])
    # a 95% range: about 2.5% of customers above it; below it is rarer, since many ranges start at zero
    # and a customer who buys nothing more is then inside (300 customers: one share's sd is about 0.013)
    assert 0.93 <= inside.mean() < 1.0, inside.mean()
    assert (real > pred["value_high"] + 1e-9).mean() <= 0.05
    assert inside[real > 0].mean() >= 0.9  # also for the customers who did buy
    assert model_inside.mean() < 0.1, model_inside.mean()
    assert (pred["value_high"] - pred["value_low"]).median() > 5 * (out.loc[checked, "clv_high"] -
                                                                   out.loc[checked, "clv_low"]).median()
    # the same customer always gets the same range (seeded by id), whatever it is asked with
    again = model.predictive([checked[3], checked[0]], 0.3, 0.1, 24)
    assert again.loc[checked[0]].to_dict() == pred.loc[checked[0]].to_dict(), (again, pred.loc[checked[0]])


def test_equity_spread_matches_a_full_simulation_of_the_base():
    bg, gg = truth_models()
    rng = np.random.default_rng(5)
    T = rng.integers(26 * 7, 104 * 7, 300) / 7.0
    summary, _ = simulate_futures(300, T, 24, rng, margin=0.3, annual_rate=0.1)
    model = clv.ValueModel(summary, bg, gg)
    spread = model.equity_spread(0.3, 0.1, 24)
    rows = np.tile(np.arange(300), 400)
    spend = clv.simulate_monthly_spend(np.array(list(TRUE_BG.values())), np.array(list(TRUE_GG.values())),
                                       summary["frequency"].to_numpy(float)[rows], summary["recency"].to_numpy()[rows],
                                       summary["T"].to_numpy()[rows], summary["monetary_value"].to_numpy()[rows], 24,
                                       np.random.default_rng(6))
    totals = (0.3 * spend @ (1.1 ** (-np.arange(1, 25) / 12))).reshape(400, 300).sum(1)
    assert spread == pytest.approx(totals.std(ddof=1), rel=0.2)


def test_expected_purchases_of_heavy_buyers_over_long_horizons():
    """Eq. 10 against a direct integral over the dropout probability, where the textbook 2F1 overflows.

    Given alive, E[Y(t)] = integral of (1 - ((alpha+T)/(alpha+T+p t))^(r+x)) / p over p ~ Beta(a, b+x).
    """
    from scipy import integrate
    from scipy.special import betaln, hyp2f1

    def by_integral(r, alpha, a, b, x, T, t):
        f = lambda p: -math.expm1(-(r + x) * math.log1p(p * t / (alpha + T))) / p * math.exp(  # noqa: E731
            (a - 1) * math.log(p) + (b + x - 1) * math.log1p(-p) - betaln(a, b + x))
        mean = a / (a + b + x)  # the Beta's mass sits near its mean: split the range there
        return sum(integrate.quad(f, lo, hi, limit=400, epsabs=0, epsrel=1e-10)[0]
                   for lo, hi in ((0, mean / 10), (mean / 10, mean), (mean, min(1, 10 * mean)), (min(1, 10 * mean), 1))
                   if hi > lo)

    cases = [((1.087, 6.223, 0.873, 5.082), 728, 104.0, 120), ((2.5, 15.0, 0.3, 12.0), 3640, 520.0, 240),
             ((1.1, 6.0, 1.6, 0.5), 364, 52.0, 120), ((0.243, 4.414, 0.793, 2.426), 2, 30.0, 24),
             ((0.8, 4.0, 0.7, 3.0), 0, 10.0, 12)]
    for params, x, T, months in cases:
        t = months * clv.WEEKS_PER_MONTH
        r, alpha, a, b = params
        got = clv.BetaGeo._cum_expected(params, t, np.array([float(x)]), np.array([T]))[0]
        assert got == pytest.approx(by_integral(r, alpha, a, b, x, T, t), rel=1e-7), (params, x, T, months)
    # the textbook form gives up on the first case; the workbook does not
    r, alpha, a, b = cases[0][0]
    assert not np.isfinite(hyp2f1(r + 728, b + 728, a + b + 727, 522 / (alpha + 104 + 522)))


def test_daily_buyers_get_a_value_not_a_zero():
    rows = [(f"D{k}", (pd.Timestamp("2023-01-01") + pd.Timedelta(days=d)).strftime("%Y-%m-%d"), 4.5)
            for k in range(5) for d in range(0, 730, 1 + k % 2)]
    rng = np.random.default_rng(3)
    rows += [(f"R{k}", (pd.Timestamp("2023-01-01") + pd.Timedelta(days=int(d))).strftime("%Y-%m-%d"), 20.0 + k % 7)
             for k in range(400) for d in np.unique(rng.integers(0, 730, 1 + k % 9))]
    frame = pd.DataFrame(rows, columns=["customer_id", "date", "amount"])
    result = clv.evaluate({"horizon_months": 120}, {"transactions": frame})
    daily = result.value.customers.loc[[f"D{k}" for k in range(5)]]
    assert (daily["clv"] > 100).all() and np.isfinite(daily[["clv", "clv_low", "clv_high"]].to_numpy()).all()
    assert not any("no usable forecast" in w for w in result.warnings)


def test_equity_tiers_and_concentration(fitted, simulated):
    bg, gg = fitted
    bv = clv.value_base(simulated.iloc[:1000], bg, gg, 0.3, 0.1, 24)
    c = bv.customers
    assert bv.equity == pytest.approx(c["clv"].sum())
    assert bv.equity_low < bv.equity < bv.equity_high
    assert list(bv.tiers["customers"]) == [100, 100, 300, 500]
    assert bv.tiers["share_of_equity"].sum() == pytest.approx(1.0)
    top = c.nlargest(100, "clv")
    assert bv.top_10_share == pytest.approx(top["clv"].sum() / bv.equity)
    assert set(top["tier"]) == {"Top 10%"}
    assert bv.top_20_share > bv.top_10_share


def test_bad_settings_name_the_field(fitted, simulated):
    bg, gg = fitted
    with pytest.raises(InvalidInput) as info:
        clv.value_base(simulated.iloc[:10], bg, gg, margin=1.5, annual_discount_rate=0.1, horizon_months=12)
    assert info.value.field == "margin"
    with pytest.raises(InvalidInput) as info:
        clv.Inputs.parse({"annual_discount_rate": 2})
    assert info.value.field == "annual_discount_rate"


# -- next best product -------------------------------------------------------------------------------


def test_next_best_product_from_sequences():
    rows = []
    for i in range(10):  # ten customers went from card to travel insurance
        rows += [(f"s{i}", "2024-01-01", 1, "Gold card"), (f"s{i}", "2024-02-01", 1, "Travel insurance")]
    for i in range(3):   # three went from card to platinum upgrade
        rows += [(f"u{i}", "2024-01-01", 1, "Gold card"), (f"u{i}", "2024-03-01", 1, "Platinum upgrade")]
    rows += [("new", "2024-04-01", 1, "Gold card")]
    rows += [("done", "2024-04-01", 1, "Gold card"), ("done", "2024-04-02", 1, "Travel insurance")]
    tx = clv.validate_transactions(pd.DataFrame(rows, columns=["customer_id", "date", "amount", "product"]))
    trans = clv.product_transitions(tx)
    first = trans.iloc[0]
    assert (first["from_product"], first["to_product"], first["customers"]) == ("Gold card", "Travel insurance", 11)
    assert first["share"] == pytest.approx(11 / 14)
    best = clv.next_best_product(tx, "new")
    assert list(best["product"]) == ["Travel insurance", "Platinum upgrade"]
    everyone = clv.next_best_products(tx)
    assert everyone.loc["new", "next_product"] == "Travel insurance"
    assert everyone.loc["done", "next_product"] == "Platinum upgrade"  # never suggests what they own
    with pytest.raises(InvalidInput):
        clv.next_best_product(tx, "nobody")


# -- audit ----------------------------------------------------------------------------------------------


def answers_totalling(total: int) -> dict[str, int]:
    base, extra = divmod(total, len(clv.AUDIT_IDS))
    return {q: base + (1 if i < extra else 0) for i, q in enumerate(clv.AUDIT_IDS)}


@pytest.mark.parametrize("total, stage", [(0, "Pushing products"), (8, "Pushing products"), (9, "First steps"),
                                          (17, "First steps"), (18, "Building the customer view"),
                                          (26, "Building the customer view"), (27, "Cultivating customers"),
                                          (36, "Cultivating customers")])
def test_audit_stage_boundaries(total, stage):
    # nine questions scored 0-4: 36 points; stages start at 25%, 50% and 75% (9, 18 and 27 points)
    result = clv.audit(answers_totalling(total))
    assert result.total == total and result.stage == stage
    assert result.advice[0] == dict((name, text) for _, name, text in clv.STAGES)[stage]


def test_audit_needs_enough_answers_and_rejects_bad_ones():
    few = clv.audit({"metrics": 4, "cco": 4})
    assert few.stage is None and "at least" in few.advice[0]
    with pytest.raises(InvalidInput) as info:
        clv.audit({"metrics": 5})
    assert info.value.field == "audit.metrics" and "0" in info.value.allowed
    with pytest.raises(InvalidInput) as info:
        clv.Inputs.parse({"audit": {"ceo_mood": 3}})
    assert "ceo_mood" in str(info.value)


def test_audit_points_to_the_weak_spots_and_the_source_figures():
    answers = {q: 3 for q in clv.AUDIT_IDS} | {"cco": 0}
    result = clv.audit(answers)
    assert result.weakest == ("cco",)
    assert any("30" in a and "300" in a for a in result.advice)


# -- example clients --------------------------------------------------------------------------------------


def test_example_script_reproduces_the_committed_files(tmp_path):
    """scripts/make_example_data.py is deterministic and the committed example data are its output."""
    assert_script_reproduces("make_example_data.py", "clv", tmp_path, clients=("bluebird-coffee", "northwind-tools"))
    for slug in ("bluebird-coffee", "northwind-tools"):
        rel = f"clients/{slug}/clv/transactions.csv"
        assert (tmp_path / rel).read_bytes() == (DATA / rel).read_bytes()


def test_source_text_is_paraphrased():
    """No sentence of the study cards (seed 003) or of the exhibits stands in our text."""
    from workbook.ui import clv as ui

    seed = [
        "companies must shift to focus from driving transaction to maximizing customers lifetime value",
        "brands are subservient to long-term customer relationship",
        "one is organized to push products and Brands whereas the other is designed to serve customers",
        "product manager driven it's an old fashioned customer manager driven is a new fashion",
        "algorithms to determine customers next best product",
        "the first purchase of an upper class airline ticket on a gold card May get an invitation to upgrade",
        "by offering services to customers trusted circle of family members or partners",
        "based on life events like moving to a new home offering special membership Rewards",
        "organizational structures that block information full must be torn down",
        "deep knowledge of particular customer segments and knowledge of the firm and its products",
        "they use analytics and a statistics to get insight on the customer Behavior",
        "first extends beyond the marketing department to all areas including Finance",
        "the scope goes from aggregate to individual View",
        "market research Focus shifts to acquiring customer input that will drive Improvement",
        "the ability to translate customers input about feature and value into hit product offering is legendary",
        "the negative impact on the quality of customer relationship wasn't worth the cost saving of Outsourcing",
        "identifies the customer segments and routes her to a specialist",
        "The shift from marketing products to cultivating customers demands a shift in metrics as well",
    ]
    notebook = json.loads((DATA.parent / "notebooks" / "customer_value.ipynb").read_text())
    room = example_result("clv", "bluebird-coffee")
    ours = " ".join(["".join(c["source"]) for c in notebook["cells"]]
                    + [f"{q.text} {q.advice}" for q in clv.AUDIT] + [t for _, _, t in clv.STAGES]
                    + list(room.recommendations) + list(room.warnings) + [clv.__doc__, ui.__doc__])
    assert_paraphrased(seed, ours)
    assert "30" in ours and "300" in ours and "American Express" in ours  # the facts do carry over


def test_example_clients():
    coffee, tools = example_result("clv", "bluebird-coffee"), example_result("clv", "northwind-tools")
    assert len(coffee.summary) >= 5000
    span = coffee.summary["first_purchase"].min(), pd.Timestamp(coffee.observation_end)
    assert (span[1] - pd.Timestamp(span[0])).days >= 700
    # different shapes: the trade accounts buy larger amounts
    assert tools.value.customers["expected_spend"].median() > 50 * coffee.value.customers["expected_spend"].median()
    assert coffee.subscription is not None and coffee.subscription.clv_horizon > 0
    assert not coffee.transitions.empty and (coffee.value.customers["next_product"] != "").mean() > 0.9
    for r in (coffee, tools):
        head = clv.headline(r)
        assert head["status"] in ("green", "amber", "red") and json.dumps(head)
        assert head["metrics"]["customer_equity"] > 0


# -- the room: sections, live form, lesson ------------------------------------------------------------


@pytest.mark.parametrize("slug", ["bluebird-coffee", "northwind-tools"])
def test_every_section_renders_for_every_example_client(slug, data_dir):
    assert_sections_render("clv", slug, data_dir)


def test_sliders_audit_and_subscription_autosave(data_dir, tmp_path):
    store, view = live_view("clv", "northwind-tools", data_dir, sections=True)
    before = view.state.result.value.equity
    prep = clv.prepare(view.state.tables["transactions"], view.state.inputs.columns, view.state.inputs.observation_end)
    view._margin.value = 0.56  # from 0.28: value doubles, nothing is refitted
    view.wait_for_charts()
    assert store.load("northwind-tools", "clv", clv.Inputs).margin == 0.56
    assert view.state.result.value.equity == pytest.approx(2 * before)
    assert clv.prepare(view.state.tables["transactions"], view.state.inputs.columns,
                       view.state.inputs.observation_end) is prep
    assert "wb-equity-live" in view._value_line.value and "Saved" in view._status.value
    view._rate.value = 0.2
    assert view.state.result.value.equity < 2 * before
    view._audit["cco"].value = 4
    assert store.load("northwind-tools", "clv", clv.Inputs).audit["cco"] == 4
    view._has_sub.value = True
    saved = store.load("northwind-tools", "clv", clv.Inputs)
    assert saved.subscription is not None and view.state.result.subscription is not None
    view._who.value = "NW-0001"
    view._suggest()
    assert "<table" in view._suggestion.value or "Nothing to suggest" in view._suggestion.value
    view._who.value = "NOBODY"
    view._suggest()
    assert "NOBODY" in view._suggestion.value
    # an export with other column names is imported and its mapping remembered
    path = tmp_path / "orders.csv"
    rows = [(f"K{i % 40}", f"2024-{1 + i % 12:02d}-{1 + i % 27:02d}", f"{50 + i % 17}.00") for i in range(400)]
    pd.DataFrame(rows, columns=["Account", "Order date", "Net"]).to_csv(path, index=False)
    for key, name in (("customer_id", "Account"), ("date", "Order date"), ("amount", "Net"), ("product", "")):
        view._cols[key].value = name
    view._import(str(path))
    assert "Imported 400" in view._status.value
    assert len(view.state.result.summary) == 40
    assert store.load("northwind-tools", "clv", clv.Inputs).columns.customer_id == "Account"


def test_report_sections_show_both_ranges_and_exact_small_amounts(data_dir):
    from workbook.ui import clv as ui

    room = assert_sections_render("clv", "bluebird-coffee", data_dir)
    ctx = room.state.context
    head, customers = ui.headline_section(ctx), ui.customers_section(ctx)
    v = ctx.result.value
    assert v.outcome_low < v.equity_low < v.equity < v.equity_high < v.outcome_high
    assert f"${v.outcome_low:,.0f}" in head and f"${v.equity_low:,.0f}" in head
    assert "Likely actual" in customers and "Model range" in customers and "(owns all)" in customers
    assert "$9.50 of margin a month" in ui.subscription_section(ctx)  # not rounded to $10
    sub_rec = next(r for r in ctx.result.recommendations if r.startswith("A subscriber"))
    d = 1.12 ** (1 / 12) - 1
    assert f"${clv.retention_clv(9.5, 0.94, d):,.0f}" in sub_rec and "$111" in sub_rec  # the one money style
    head_metrics = clv.headline(ctx.result)["metrics"]
    assert head_metrics["equity_outcome_low"] < head_metrics["equity_low"]


def test_a_bad_transactions_file_is_refused_and_nothing_changes(data_dir, tmp_path):
    store, view = live_view("clv", "bluebird-coffee", data_dir, sections=True)
    saved = data_dir / "clients" / "bluebird-coffee" / "clv" / "transactions.csv"
    before, equity = saved.read_bytes(), view.state.result.value.equity
    bad = tmp_path / "bad.csv"
    bad.write_text("customer_id,date,amount\nA1,2024-01-05,12.50\nA1,2024-13-45,10\nA2,2024-02-01,-4\n")
    view._import(str(bad))
    status = view._status.value
    assert "Not imported" in status and "Row 3, date" in status and "2024-13-45" in status
    listed = view._import_panel.children[0].value
    assert "<td>3</td><td>date</td><td>2024-13-45</td>" in listed
    assert "<td>4</td><td>amount</td><td>-4</td>" in listed and "positive amount" in listed
    assert saved.read_bytes() == before and view.state.result.value.equity == equity


def test_correlated_spend_and_frequency_is_flagged():
    rng = np.random.default_rng(4)
    rows = []
    for k in range(300):  # the more often a customer buys, the more each purchase costs
        days = np.unique(rng.integers(0, 700, 1 + k % 12))
        rows += [(f"K{k}", (pd.Timestamp("2023-01-01") + pd.Timedelta(days=int(d))).strftime("%Y-%m-%d"),
                  round(10 + 8 * len(days) + rng.normal(0, 2), 2)) for d in days]
    result = clv.evaluate({}, {"transactions": pd.DataFrame(rows, columns=["customer_id", "date", "amount"])})
    assert clv.spend_frequency_correlation(result.summary) > 0.8
    assert any("move together" in w and "understated" in w for w in result.warnings)
    assert not any("move together" in w for w in example_result("clv", "bluebird-coffee").warnings)


def test_a_new_client_opens_the_room_answers_the_audit_and_imports_transactions(empty_data, tmp_path):
    from workbook.store import Store

    Store(empty_data).create_client("acme", {"name": "Acme"})
    store, view = live_view("clv", "acme", empty_data, sections=True)
    assert view.state.result.value is None
    assert any("No transactions yet" in w for w in view.state.result.warnings)
    for qid in clv.AUDIT_IDS[:5]:
        view._audit[qid].value = 2
    assert store.load("acme", "clv", clv.Inputs).audit[clv.AUDIT_IDS[0]] == 2
    assert view.state.result.audit.stage == "Building the customer view"
    path = tmp_path / "orders.csv"
    rows = [(f"K{i % 60}", f"2024-{1 + i % 12:02d}-{1 + i % 27:02d}", f"{40 + i % 23}.00") for i in range(900)]
    pd.DataFrame(rows, columns=["customer_id", "date", "amount"]).to_csv(path, index=False)
    view._import(str(path))
    assert "Imported 900 transactions" in view._status.value
    assert view.state.result.value is not None and len(view.state.result.summary) == 60


def test_lesson_answers_come_from_the_example_client():
    lesson = checked_lesson("clv")
    assert lesson.client == "bluebird-coffee" and len(lesson.module.EXERCISES) >= 3
    assert lesson.answer(1) == 3
    assert lesson.answer(2) == round(lesson.context.result.value.equity * 0.52 / 0.42)
    sub = lesson.context.inputs.subscription
    d = 1.12 ** (1 / 12) - 1
    r = sub.monthly_retention + 0.02
    assert lesson.answer(3) == round(sub.monthly_margin * r / (1 + d - r))
    assert lesson.check(5, "building the customer view").correct is True
    text = lesson.worked_example()
    assert "Step 1" in text and "possible futures" in text  # the lesson shows both ranges of one customer's value


def test_changes_describe_what_moved():
    before = clv.Inputs(margin=0.3, audit={"cco": 0})
    after = clv.Inputs(margin=0.4, audit={"cco": 3}, horizon_months=36)
    notes = clv.changes(before, after)
    assert "Margin: 30% -> 40%." in notes and "Horizon: 24 -> 36 months." in notes
    assert "Audit, Chief customer officer: Not at all -> Mostly." in notes


def test_data_that_cannot_pin_the_model_down_still_give_finite_values():
    # forty accounts buying like clockwork and nobody dropping out: the dropout parameters are not identified
    rows = [(f"K{i % 40}", f"2024-{1 + i % 12:02d}-{1 + i % 27:02d}", 50 + i % 17) for i in range(400)]
    result = clv.evaluate({}, {"transactions": pd.DataFrame(rows, columns=["customer_id", "date", "amount"])})
    assert result.bg.penalized_
    assert np.isfinite(result.value.customers[["clv", "clv_low", "clv_high"]].to_numpy()).all()
    assert any("do not pin the models down" in w for w in result.warnings)
    assert all(np.isfinite(list(result.bg.standard_errors_.values())))
