"""Write the fictional example data of every room (this file: the Net Promoter and customer-value rooms).

Every customer, answer, competitor and figure written here is invented for
teaching and demonstrations. The generator is deterministic (fixed seeds):
running it twice writes identical files. It writes only framework files, never
a client profile.

Written, under ``data/clients/<slug>/``:

* ``clv/transactions.csv`` and ``clv.json`` for ``bluebird-coffee`` (about 5,400
  retail customers over two years, small frequent purchases, plus a
  subscription line) and ``northwind-tools`` (a few hundred trade accounts,
  fewer and much larger orders);
* ``nps/responses.csv`` and ``nps.json`` for ``bluebird-coffee`` (rising score)
  and ``meridian-bank`` (flat, much lower score), four quarters and three
  segments each, with a few blank answers.

It also runs the other example scripts' ``write`` (``examples_core.py``:
Sales-Marketing inputs; ``examples_brand_value.py``; ``examples_growth_deals.py``),
so one call reproduces every room's committed example inputs and tables (the
conformance test checks it for every registered framework).

Usage::

    .venv/bin/python scripts/make_example_data.py [--data-dir data]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbook.frameworks import clv, nps  # noqa: E402

START, END = pd.Timestamp("2023-01-01"), pd.Timestamp("2024-12-31")

# -- transactions ------------------------------------------------------------------


def _purchase_days(rng: np.random.Generator, n: int, r: float, alpha: float, a: float, b: float,
                   first_day: np.ndarray, last_day: int, max_events: int = 400) -> list[np.ndarray]:
    """Purchase days per customer: BG/NBD-style buying (rates per week) from each first purchase."""
    lam = rng.gamma(r, 1 / alpha, n) / 7.0  # per day
    p = rng.beta(a, b, n)
    t = first_day.astype(float)
    alive = np.ones(n, dtype=bool)
    events = [[int(d)] for d in first_day]
    for _ in range(max_events):
        t = t + rng.exponential(1 / lam)
        alive &= t <= last_day
        if not alive.any():
            break
        for i in np.flatnonzero(alive):
            events[i].append(int(t[i]))
        alive &= rng.random(n) >= p        # may drop out right after a repeat purchase
    return [np.unique(e) for e in events]


def _products(rng: np.random.Generator, n_purchases: int, names: list[str], start: np.ndarray,
              moves: np.ndarray, repeat: float) -> list[str]:
    """Products of one customer's purchases: a first product, then repeats or a step to a new one."""
    owned: list[int] = []
    out = []
    current = int(rng.choice(len(names), p=start))
    for k in range(n_purchases):
        if k > 0 and (rng.random() < repeat or len(owned) == len(names)):
            current = owned[-1] if rng.random() < 0.7 else int(rng.choice(owned))
        elif k > 0:
            w = moves[owned[-1]].copy()
            w[owned] = 0
            if w.sum() == 0:
                w = np.ones(len(names))
                w[owned] = 0
            current = int(rng.choice(len(names), p=w / w.sum()))
        if current not in owned:
            owned.append(current)
        out.append(names[current])
    return out


def make_transactions(seed: int, n: int, prefix: str, buying: tuple, spend: tuple, products: dict,
                      id_width: int) -> pd.DataFrame:
    """Fictional transactions for one client (see the module notes)."""
    rng = np.random.default_rng(seed)
    last = int((END - START).days)
    # a third were already customers at the start, the rest arrive over the two years
    first = np.where(rng.random(n) < 0.33, rng.integers(0, 60, n), rng.integers(0, last - 20, n))
    days = _purchase_days(rng, n, *buying, first_day=first, last_day=last)
    p, q, gamma = spend
    nu = rng.gamma(q, 1 / gamma, n)
    names = list(products["names"])
    price = np.asarray(products["price_factor"], dtype=float)
    rows = []
    for i in range(n):
        d = days[i]
        prods = _products(rng, len(d), names, np.asarray(products["start"]), np.asarray(products["moves"]),
                          products["repeat"])
        amount = rng.gamma(p, 1 / nu[i], len(d)) * price[[names.index(x) for x in prods]]
        cid = f"{prefix}-{i + 1:0{id_width}d}"
        for day, prod, amt in zip(d, prods, amount):
            rows.append((cid, day, round(max(float(amt), 1.0), 2), prod))
    frame = pd.DataFrame(rows, columns=["customer_id", "day", "amount", "product"])
    frame["date"] = (START + pd.to_timedelta(frame["day"], unit="D")).dt.strftime("%Y-%m-%d")
    frame = frame.sort_values(["date", "customer_id"], kind="stable")
    return frame[["customer_id", "date", "amount", "product"]].reset_index(drop=True)


BLUEBIRD_PRODUCTS = {
    "names": ["House blend 250g", "Espresso roast 250g", "Single origin 250g", "Decaf 250g",
              "Cold brew pack", "Pour-over kit", "Hand grinder", "Gift box"],
    "price_factor": [1.0, 1.05, 1.3, 1.0, 0.9, 1.6, 2.6, 1.8],
    "start": [0.34, 0.18, 0.10, 0.06, 0.07, 0.08, 0.05, 0.12],
    # row: last new product; column: the next new one (before removing what is owned)
    "moves": [
        [0, 30, 20, 8, 10, 22, 6, 4],
        [15, 0, 25, 5, 10, 5, 35, 5],
        [10, 25, 0, 5, 5, 30, 20, 5],
        [40, 10, 15, 0, 10, 10, 5, 10],
        [30, 20, 10, 5, 0, 15, 10, 10],
        [5, 10, 55, 5, 5, 0, 15, 5],
        [10, 30, 45, 5, 5, 5, 0, 0],
        [35, 15, 15, 10, 10, 10, 5, 0],
    ],
    "repeat": 0.72,
}
NORTHWIND_PRODUCTS = {
    "names": ["Cordless drill line", "Impact driver line", "Circular saw line", "Battery packs",
              "Job-site radio", "Service contract", "Safety gear"],
    "price_factor": [1.0, 0.9, 1.2, 0.6, 0.3, 0.8, 0.25],
    "start": [0.35, 0.20, 0.15, 0.10, 0.05, 0.05, 0.10],
    "moves": [
        [0, 35, 15, 30, 5, 10, 5],
        [30, 0, 15, 35, 5, 10, 5],
        [20, 15, 0, 35, 5, 15, 10],
        [25, 25, 20, 0, 5, 20, 5],
        [30, 20, 20, 20, 0, 5, 5],
        [25, 20, 20, 25, 5, 0, 5],
        [30, 25, 20, 15, 5, 5, 0],
    ],
    "repeat": 0.6,
}

# -- survey answers ----------------------------------------------------------------

QUARTERS = ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]


def _answers(rng: np.random.Generator, target_nps: float, n: int, passives: float = 0.25) -> np.ndarray:
    """Draw 0-10 answers whose promoter-minus-detractor share is about ``target_nps``."""
    pp = min(max((1 - passives + target_nps / 100) / 2, 0.01), 0.98)
    pd_ = max(1 - passives - pp, 0.01)
    pa = 1 - pp - pd_
    group = rng.choice(3, size=n, p=[pp, pa, pd_])
    return np.select([group == 0, group == 1],
                     [rng.choice([9, 10], n, p=[0.45, 0.55]), rng.choice([7, 8], n, p=[0.45, 0.55])],
                     rng.choice(np.arange(7), n, p=[0.08, 0.05, 0.07, 0.10, 0.15, 0.25, 0.30]))


def make_responses(seed: int, per_quarter: int, segments: dict[str, tuple[float, float]],
                   trend: list[float], blank_share: float, prefix: str) -> pd.DataFrame:
    """Survey answers: segment -> (share of respondents, score offset); trend per quarter."""
    rng = np.random.default_rng(seed)
    rows = []
    names = list(segments)
    shares = np.array([segments[s][0] for s in names])
    for qi, quarter in enumerate(QUARTERS):
        start = pd.Period(quarter, freq="Q").start_time
        n_days = pd.Period(quarter, freq="Q").end_time.dayofyear - start.dayofyear + 1
        seg = rng.choice(len(names), size=per_quarter, p=shares / shares.sum())
        for k, name in enumerate(names):
            count = int((seg == k).sum())
            scores = _answers(rng, trend[qi] + segments[name][1], count)
            days = rng.integers(0, n_days, count)
            for s, d in zip(scores, days):
                blank = rng.random() < blank_share
                rows.append(((start + pd.Timedelta(days=int(d))).strftime("%Y-%m-%d"), name,
                             "" if blank else str(int(s))))
    frame = pd.DataFrame(rows, columns=["date", "segment", "score"]).sort_values("date", kind="stable")
    frame.insert(0, "respondent_id", [f"{prefix}-{i + 1:05d}" for i in range(len(frame))])
    return frame.reset_index(drop=True)


# -- inputs documents ----------------------------------------------------------------

NPS_INPUTS = {
    "bluebird-coffee": nps.Inputs(
        peer_industry="Specialty coffee roasters in the region (fictional peers)",
        peers=[
            nps.Peer(name="Kestrel Roasting Co.", nps=52, revenue_growth_pct=12.5, fictional=True),
            nps.Peer(name="Harbor Bean", nps=35, revenue_growth_pct=9.8, fictional=True),
            nps.Peer(name="Copper Kettle Coffee", nps=18, revenue_growth_pct=2.1, fictional=True),
            nps.Peer(name="Daybreak Roasters", nps=44, revenue_growth_pct=8.9, fictional=True),
            nps.Peer(name="Grindhouse Supply", nps=5, revenue_growth_pct=-0.8, fictional=True),
            nps.Peer(name="Tallgrass Coffee", nps=27, revenue_growth_pct=6.9, fictional=True),
        ],
        own_revenue_growth_pct=9.0,
        notes="Fictional survey of café guests, subscribers and web-shop buyers, 2024; peers are invented.",
    ),
    "meridian-bank": nps.Inputs(
        peer_industry="Community and regional banks (fictional peers)",
        peers=[
            nps.Peer(name="Lakeshore Savings", nps=22, revenue_growth_pct=4.2, fictional=True),
            nps.Peer(name="Granite Federal", nps=-8, revenue_growth_pct=0.4, fictional=True),
            nps.Peer(name="Prairie Trust", nps=12, revenue_growth_pct=3.6, fictional=True),
            nps.Peer(name="Harborview Credit Union", nps=35, revenue_growth_pct=7.4, fictional=True),
            nps.Peer(name="Summit Community Bank", nps=3, revenue_growth_pct=-0.5, fictional=True),
            nps.Peer(name="Oakridge Bank", nps=-15, revenue_growth_pct=-3.0, fictional=True),
        ],
        own_revenue_growth_pct=2.0,
        notes="Fictional relationship survey of retail, small-business and wealth clients, 2024; peers are invented.",
    ),
}

CLV_INPUTS = {
    "bluebird-coffee": clv.Inputs(
        currency="USD", margin=0.42, annual_discount_rate=0.12, horizon_months=24,
        observation_end="2024-12-31",
        subscription=clv.Subscription(subscribers=640, monthly_margin=9.5, monthly_retention=0.93),
        audit={"metrics": 1, "next_product": 1, "customer_managers": 0, "cco": 0, "t_shaped": 1,
               "research": 2, "structure": 3, "product_development": 2, "service": 3},
        notes="Fictional web-shop and loyalty-card transactions, 2023-2024.",
    ),
    "northwind-tools": clv.Inputs(
        currency="USD", margin=0.28, annual_discount_rate=0.09, horizon_months=36,
        observation_end="2024-12-31",
        audit={"metrics": 2, "next_product": 3, "customer_managers": 3, "cco": 2, "t_shaped": 2,
               "research": 3, "structure": 2, "product_development": 3, "service": 2},
        notes="Fictional orders from trade accounts (dealers and contractors), 2023-2024.",
    ),
}


def write_json(path: Path, model) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(model.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_csv(path: Path, frame: pd.DataFrame) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n")
    size = path.stat().st_size
    if size > 3_000_000:
        raise SystemExit(f"{path} is {size / 1e6:.1f} MB; keep example CSVs under 3 MB")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(ROOT / "data"))
    args = parser.parse_args(argv)
    write(Path(args.data_dir), report=print)


def write(data_dir: Path, report=lambda line: None) -> None:
    """Write every example file under ``data_dir/clients`` (the tests compare them with the committed ones).

    Parameters
    ----------
    data_dir : Path
        The data folder (``clients/<slug>/...`` is created inside).
    report : callable, optional
        Called with one line per client (the script prints them).
    """
    clients = Path(data_dir) / "clients"

    bluebird = make_transactions(seed=20240101, n=5400, prefix="BB", buying=(1.1, 6.0, 0.8, 4.5),
                                 spend=(5.0, 4.5, 16.0), products=BLUEBIRD_PRODUCTS, id_width=5)
    northwind = make_transactions(seed=20240202, n=420, prefix="NW", buying=(2.5, 15.0, 0.3, 12.0),
                                  spend=(3.0, 6.0, 12000.0), products=NORTHWIND_PRODUCTS, id_width=4)
    for slug, frame in (("bluebird-coffee", bluebird), ("northwind-tools", northwind)):
        write_csv(clients / slug / "clv" / "transactions.csv", frame)
        write_json(clients / slug / "clv.json", CLV_INPUTS[slug])
        result = clv.evaluate(CLV_INPUTS[slug], {"transactions": frame})
        report(f"{slug}: {len(frame):,} transactions, {len(result.summary):,} customers; "
               f"{clv.headline(result)['summary']}")

    responses = {
        "bluebird-coffee": make_responses(seed=7, per_quarter=620, trend=[26, 33, 40, 47], blank_share=0.02,
                                          prefix="BBS", segments={"Subscribers": (0.40, 14),
                                                                  "Cafe guests": (0.35, 0),
                                                                  "Web shop": (0.25, -16)}),
        "meridian-bank": make_responses(seed=11, per_quarter=660, trend=[4, 3, 5, 4], blank_share=0.03,
                                        prefix="MCB", segments={"Retail": (0.60, -4),
                                                                "Small business": (0.25, 0),
                                                                "Wealth": (0.15, 22)}),
    }
    for slug, frame in responses.items():
        write_csv(clients / slug / "nps" / "responses.csv", frame)
        write_json(clients / slug / "nps.json", NPS_INPUTS[slug])
        result = nps.evaluate(NPS_INPUTS[slug], {"responses": frame})
        report(f"{slug}: {len(frame):,} responses; {nps.headline(result)['summary']}")

    sys.path.insert(0, str(ROOT / "scripts"))
    import examples_brand_value
    import examples_core
    import examples_growth_deals

    for script in (examples_core, examples_brand_value, examples_growth_deals):
        written = script.write(Path(data_dir))
        report(f"{script.__name__}: {len(written)} files")


if __name__ == "__main__":
    main()
