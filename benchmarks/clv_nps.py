"""Speed of the customer-value and Net Promoter cores, with lifetimes as a yardstick.

Prints, in one run:

* BG/NBD fit on 1,000,000 customers (goal: under 2 s);
* lifetimes' ``BetaGeoFitter`` on the same customers and the ratio (goal: ours
  at least 5x faster);
* per-customer CLV with its interval for the 1,000,000 customers (goal: under 5 s);
* Net Promoter Score with margin of error on 10,000,000 answers (goal: under 0.2 s);
* live-slider latency in the customer-value room (margin, discount rate and
  horizon sliders on bluebird-coffee) and the Net Promoter segment picker:
  from the change to the saved inputs and redrawn text, and to the redrawn
  charts (goal: under 100 ms).

The million customers are built by scaling the ``bluebird-coffee`` example
transactions: each copy of a customer starts a random 0-120 days later (its
history is cut at the observation end; never so late that it has no purchase),
so the copies are not identical. Because copies of 5,400 customers may make
the data easier than a real million (the fit works on distinct rows), the
fits are also timed on a second million of *independent* customers, simulated
from the BG/NBD with the example's parameters at day resolution (first
purchases spread over two years, same-day purchases merged), and the fitted
parameters are checked against the true ones.

lifetimes is only a yardstick, never a dependency of the workbook: this script
builds its own virtual environment in ``benchmarks/.venv-lifetimes`` (ignored
by git) with ``pip install lifetimes`` and the older numpy/pandas/scipy it
needs, and times it there in a subprocess. When that environment cannot be
built, the script says so and reports the rest.

Usage::

    .venv/bin/python benchmarks/clv_nps.py [--customers 1000000] [--answers 10000000] [--skip-lifetimes]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbook.frameworks import clv, nps  # noqa: E402

LIFETIMES_VENV = ROOT / "benchmarks" / ".venv-lifetimes"
LIFETIMES_PINS = ["lifetimes==0.11.3", "numpy<2", "pandas<2", "scipy<1.12"]

LIFETIMES_RUNNER = r"""
import json, sys, time, warnings
import numpy as np
warnings.filterwarnings("ignore")
from lifetimes import BetaGeoFitter
d = np.load(sys.argv[1])
out = {}
t = time.perf_counter()
f = BetaGeoFitter().fit(d["frequency"], d["recency"], d["T"])
out["full"] = {"seconds": time.perf_counter() - t, "params": {k: float(v) for k, v in f.params_.items()}}
if len(sys.argv) > 2:
    u = np.load(sys.argv[2])
    t = time.perf_counter()
    g = BetaGeoFitter().fit(u["frequency"], u["recency"], u["T"], weights=u["weights"])
    out["weighted"] = {"seconds": time.perf_counter() - t, "rows": int(len(u["weights"])),
                       "params": {k: float(v) for k, v in g.params_.items()}}
print("RESULT " + json.dumps(out))
"""


def scaled_summary(n_customers: int, seed: int = 7) -> tuple[pd.DataFrame, float]:
    """A customer summary of ``n_customers`` built from the bluebird-coffee transactions."""
    start = time.perf_counter()
    raw = pd.read_csv(ROOT / "data" / "clients" / "bluebird-coffee" / "clv" / "transactions.csv",
                      dtype=str, keep_default_na=False, na_values=[""])
    tx = clv.validate_transactions(raw)
    end = tx["date"].max()
    codes, ids = pd.factorize(tx["customer_id"])
    base_days = (tx["date"] - end).dt.days.to_numpy()  # <= 0
    amount = tx["amount"].to_numpy()
    copies = -(-n_customers // len(ids))
    rng = np.random.default_rng(seed)
    # a later start, but never so late that the first purchase falls after the observation end
    room = -np.minimum.reduceat(base_days[np.argsort(codes, kind="stable")],
                                np.r_[0, np.cumsum(np.bincount(codes))[:-1]])
    shift = rng.integers(0, np.minimum(np.tile(room, copies), 120) + 1)
    cust = (np.arange(copies)[:, None] * len(ids) + codes[None, :]).ravel()
    days = np.tile(base_days, copies) + shift[cust]
    keep = (days <= 0) & (cust < n_customers)
    frame = pd.DataFrame({"customer_id": cust[keep], "date": end + pd.to_timedelta(days[keep], unit="D"),
                          "amount": np.tile(amount, copies)[keep]})
    summary = clv.summarize(frame, end)
    return summary, time.perf_counter() - start


#: BG/NBD parameters (per week) of the independent million: those bluebird-coffee is generated with.
INDEPENDENT_TRUTH = {"r": 1.1, "alpha": 6.0, "a": 0.8, "b": 4.5}


def independent_summary(n_customers: int, seed: int = 11, days: int = 730) -> tuple[pd.DataFrame, float]:
    """``n_customers`` independent customers simulated from the BG/NBD (``INDEPENDENT_TRUTH``), day resolution.

    Each customer's first purchase falls at the start of a random day of the two years; they then buy
    at rate lambda ~ Gamma(r, alpha) per week and stop after each repeat purchase with probability
    p ~ Beta(a, b). Recency and age are rounded to whole days, as in real exports (so distinct rows
    stay few), but purchases on one day are not merged, so the true parameters stay the right answer.
    """
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    first = rng.integers(0, days, n_customers).astype(float)
    lam = rng.gamma(INDEPENDENT_TRUTH["r"], 1 / INDEPENDENT_TRUTH["alpha"], n_customers) / 7.0  # per day
    drop = rng.beta(INDEPENDENT_TRUTH["a"], INDEPENDENT_TRUTH["b"], n_customers)
    last = first.copy()
    freq = np.zeros(n_customers, dtype=np.int64)
    idx = np.arange(n_customers)
    t = first.copy()
    while idx.size:
        t[idx] += rng.exponential(1 / lam[idx])
        idx = idx[t[idx] < days]
        freq[idx] += 1
        last[idx] = t[idx]
        idx = idx[rng.random(idx.size) >= drop[idx]]
    summary = pd.DataFrame({"frequency": freq, "recency": (np.round(last) - first) / 7.0, "T": (days - first) / 7.0})
    return summary, time.perf_counter() - start


def lifetimes_python(log) -> Path | None:
    """Python of the lifetimes yardstick environment, built on first use; None when it cannot be built."""
    py = LIFETIMES_VENV / "bin" / "python"
    check = [str(py), "-c", "import lifetimes, numpy; print(lifetimes.__version__, numpy.__version__)"]
    if py.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return py
    log(f"building the lifetimes yardstick environment in {LIFETIMES_VENV.relative_to(ROOT)} ...")
    base = getattr(sys, "_base_executable", sys.executable)
    steps = [[base, "-m", "venv", "--clear", str(LIFETIMES_VENV)],
             [str(py), "-m", "pip", "install", "-q", *LIFETIMES_PINS]]
    for cmd in steps:
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            log("could not build the lifetimes environment; lifetimes timings are left out.\n"
                f"  command: {' '.join(cmd)}\n  {proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ''}")
            return None
    if subprocess.run(check, capture_output=True).returncode != 0:
        log("lifetimes installed but does not import; lifetimes timings are left out.")
        return None
    return py


def time_lifetimes(summary: pd.DataFrame, log, weighted: bool = True, timeout: int = 3600) -> dict | None:
    py = lifetimes_python(log)
    if py is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        full = Path(tmp) / "full.npz"
        np.savez(full, frequency=summary["frequency"].to_numpy(float), recency=summary["recency"].to_numpy(),
                 T=summary["T"].to_numpy())
        args = [str(py), "-c", LIFETIMES_RUNNER, str(full)]
        if weighted:
            (x, tx, T), w, _ = clv._compress(summary["frequency"].to_numpy(float), summary["recency"].to_numpy(),
                                             summary["T"].to_numpy())
            uniq = Path(tmp) / "unique.npz"
            np.savez(uniq, frequency=x, recency=tx, T=T, weights=w)
            args.append(str(uniq))
        try:
            proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout,
                                  env={**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1")})
        except subprocess.TimeoutExpired:
            log(f"lifetimes did not finish within {timeout} s")
            return None
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode != 0 or not line:
        log("lifetimes run failed: " + (proc.stderr.strip().splitlines() or ["no output"])[-1])
        return None
    return json.loads(line[0][len("RESULT "):])


def slider_latency(changes: int = 24) -> dict:
    """Median and 95th-percentile milliseconds from a slider or picker change to the redrawn result."""
    from workbook import notebook as wb

    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(ROOT / "data", Path(tmp) / "data")
        data = str(Path(tmp) / "data")
        room = wb.open_room("clv", "bluebird-coffee", data, "live")
        room.form()
        for name in room.framework.ui.SECTIONS:
            room.section(name)
        view = room.view
        sliders = [(view._margin, [0.30, 0.45]), (view._rate, [0.08, 0.15]), (view._horizon, [18, 30])]
        out["clv"] = _drive(view, [(w, vals[k % 2]) for k in range(changes) for w, vals in sliders][:changes])
        room = wb.open_room("nps", "bluebird-coffee", data, "live")
        room.form()
        for name in room.framework.ui.SECTIONS:
            room.section(name)
        view = room.view
        picks = [(view._segment, "Web shop"), (view._period, "2024Q3"), (view._segment, "Subscribers"),
                 (view._period, "(all)")]
        out["nps"] = _drive(view, [picks[k % len(picks)] for k in range(changes)])
    return out


def _drive(view, steps) -> dict:
    form_ms, chart_ms = [], []
    for widget, value in steps:
        start = time.perf_counter()
        widget.value = value
        form_ms.append((time.perf_counter() - start) * 1000)
        view.wait_for_charts()
        chart_ms.append(max(view.last_chart_s * 1000, form_ms[-1]))
    p95 = lambda xs: sorted(xs)[int(0.95 * (len(xs) - 1))]  # noqa: E731
    return {"form_median_ms": statistics.median(form_ms), "form_p95_ms": p95(form_ms),
            "chart_median_ms": statistics.median(chart_ms), "chart_p95_ms": p95(chart_ms)}


def best_of(fn, repeats: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--answers", type=int, default=10_000_000)
    ap.add_argument("--skip-lifetimes", action="store_true")
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args(argv)
    log = lambda msg: print(msg, flush=True)  # noqa: E731
    results: dict = {}

    summary, build = scaled_summary(args.customers)
    log(f"data: {len(summary):,} customers scaled from bluebird-coffee (built and summarized in {build:.1f} s)")

    fit_s, bg = best_of(lambda: clv.BetaGeo().fit(summary["frequency"], summary["recency"], summary["T"]), 3)
    log(f"BG/NBD fit (ours):            {fit_s:7.3f} s  [{bg.n_unique_:,} distinct rows; goal < 2 s]  "
        + ", ".join(f"{k}={v:.4g}" for k, v in bg.params_.items()))
    results.update(bg_fit_seconds=fit_s, bg_unique_rows=bg.n_unique_, bg_params=bg.params_)
    gg_s, gg = best_of(lambda: clv.GammaGamma().fit(summary["frequency"], summary["monetary_value"]), 1)
    log(f"Gamma-Gamma fit (ours):       {gg_s:7.3f} s  " + ", ".join(f"{k}={v:.4g}" for k, v in gg.params_.items()))
    results["gg_fit_seconds"] = gg_s

    if args.skip_lifetimes:
        log("lifetimes: skipped (--skip-lifetimes)")
    else:
        lt = time_lifetimes(summary, log)
        if lt is not None:
            full = lt["full"]
            ratio = full["seconds"] / fit_s
            log(f"BG/NBD fit (lifetimes 0.11):  {full['seconds']:7.3f} s  -> ours is {ratio:.1f}x faster "
                f"[goal >= 5x]  " + ", ".join(f"{k}={v:.4g}" for k, v in full["params"].items()))
            results.update(lifetimes_fit_seconds=full["seconds"], ratio=ratio, lifetimes_params=full["params"])
            if "weighted" in lt:
                w = lt["weighted"]
                log(f"  (lifetimes given our {w['rows']:,} distinct rows as weights: {w['seconds']:.3f} s, "
                    f"ours {w['seconds'] / fit_s:.1f}x faster)")
                results.update(lifetimes_weighted_seconds=w["seconds"])
        else:
            log("lifetimes: no timing (see above); the ratio is not available in this run")

    indep, build = independent_summary(args.customers)
    log(f"data: {len(indep):,} independent simulated customers (built in {build:.1f} s)")
    ind_s, ind_bg = best_of(lambda: clv.BetaGeo().fit(indep["frequency"], indep["recency"], indep["T"]), 3)
    se = ind_bg.standard_errors_
    log(f"BG/NBD fit (ours), independent: {ind_s:5.3f} s  [{ind_bg.n_unique_:,} distinct rows; goal < 2 s]  "
        + ", ".join(f"{k}={v:.4g} (true {INDEPENDENT_TRUTH[k]:g}, {abs(v - INDEPENDENT_TRUTH[k]) / se[k]:.1f} se)"
                    for k, v in ind_bg.params_.items()))
    results.update(independent_fit_seconds=ind_s, independent_unique_rows=ind_bg.n_unique_,
                   independent_params=ind_bg.params_)
    if not args.skip_lifetimes:
        lt = time_lifetimes(indep, log, weighted=False)
        if lt is not None:
            full = lt["full"]
            log(f"BG/NBD fit (lifetimes 0.11), independent: {full['seconds']:7.3f} s  -> ours is "
                f"{full['seconds'] / ind_s:.1f}x faster [goal >= 5x]  "
                + ", ".join(f"{k}={v:.4g}" for k, v in full["params"].items()))
            results.update(independent_lifetimes_seconds=full["seconds"], independent_ratio=full["seconds"] / ind_s)

    value_s, bv = best_of(lambda: clv.value_base(summary, bg, gg, margin=0.42, annual_discount_rate=0.12,
                                                 horizon_months=24), 2)
    log(f"CLV + 95% interval, {len(summary):,} customers, 24 months: {value_s:6.3f} s  [goal < 5 s]  "
        f"equity {bv.equity:,.0f} ({bv.equity_low:,.0f} to {bv.equity_high:,.0f})")
    results["clv_seconds"] = value_s
    model = clv.ValueModel(summary, bg, gg)
    model.value(0.42, 0.12, 24)
    top = bv.customers.nlargest(clv.TOP_SHOWN, "clv").index
    pred_s, _ = best_of(lambda: model.predictive(top, 0.42, 0.12, 24), 1)
    spread_s, spread = best_of(lambda: model.equity_spread(0.42, 0.12, 24), 1)
    again_s, _ = best_of(lambda: (model.predictive(top, 0.42, 0.10, 36), model.equity_spread(0.42, 0.10, 36)), 3)
    log(f"range of actual value: {clv.TOP_SHOWN} customers x {clv.PREDICTIVE_DRAWS:,} simulated futures "
        f"{pred_s:.3f} s; equity's own randomness ({clv.EQUITY_SAMPLE} customers sampled) {spread_s:.3f} s "
        f"(sd {spread:,.0f}); both again at another rate and horizon (kept simulations) {again_s * 1000:.0f} ms")
    results.update(predictive_seconds=pred_s, equity_spread_seconds=spread_s, ranges_again_seconds=again_s)

    answers = np.random.default_rng(0).choice(11, size=args.answers,
                                              p=[.03, .02, .02, .03, .04, .06, .08, .12, .18, .2, .22]).astype(np.int8)
    nps_s, s = best_of(lambda: nps.score(answers), 5)
    log(f"NPS + margin of error + score interval, {args.answers:,} answers: {nps_s:6.3f} s  [goal < 0.2 s]  "
        f"NPS {s.nps:+.2f} +- {s.margin_of_error:.2f}")
    results["nps_seconds"] = nps_s

    lat = slider_latency()
    for room, label in (("clv", "CLV sliders (margin, discount rate, horizon)"), ("nps", "NPS segment/quarter picker")):
        r = lat[room]
        log(f"{label}: change -> saved + text redrawn median {r['form_median_ms']:.0f} ms (p95 "
            f"{r['form_p95_ms']:.0f}); -> charts redrawn median {r['chart_median_ms']:.0f} ms (p95 "
            f"{r['chart_p95_ms']:.0f})  [goal < 100 ms]")
    results["latency"] = lat

    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=float) + "\n")
    return results


if __name__ == "__main__":
    main()
