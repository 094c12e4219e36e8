"""Next best product from purchase sequences (pure logic).

Source: Roland T. Rust, Christine Moorman and Gaurav Bhalla, "Rethinking
Marketing", Harvard Business Review, 2010: a customer-centric company offers
each customer the next best product (American Express). The workbook counts,
for each product, which new product its buyers took next.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ...errors import InvalidInput


def product_transitions(transactions: pd.DataFrame) -> pd.DataFrame:
    """How often customers who bought one product went on to buy another next.

    Each customer's products are put in the order of their first purchase;
    each step from one product to the next new one is a transition.

    Returns
    -------
    pandas.DataFrame
        ``from_product``, ``to_product``, ``customers`` (how many made that
        step) and ``share`` (of the customers who bought ``from_product`` and
        then some other new product, the share whose next one was
        ``to_product``), sorted by ``from_product`` then ``share``.
    """
    cols = ["from_product", "to_product", "customers", "share"]
    if "product" not in transactions.columns:
        return pd.DataFrame(columns=cols)
    tx = transactions[transactions["product"].astype(str).str.len() > 0]
    if tx.empty:
        return pd.DataFrame(columns=cols)
    order = tx.sort_values(["customer_id", "date"], kind="stable")
    firsts = order.drop_duplicates(["customer_id", "product"], keep="first")
    cid = firsts["customer_id"].to_numpy()
    prod = firsts["product"].to_numpy()
    same = cid[1:] == cid[:-1]
    pairs = pd.DataFrame({"from_product": prod[:-1][same], "to_product": prod[1:][same]})
    if pairs.empty:
        return pd.DataFrame(columns=cols)
    counts = pairs.value_counts().rename("customers").reset_index()
    counts["share"] = counts["customers"] / counts.groupby("from_product")["customers"].transform("sum")
    return counts.sort_values(["from_product", "share"], ascending=[True, False], kind="stable")[cols] \
        .reset_index(drop=True)


def next_best_products(transactions: pd.DataFrame, transitions: pd.DataFrame | None = None) -> pd.DataFrame:
    """For every customer, the product similar customers most often bought next.

    The score of a product a customer does not have yet is the mean, over the
    products the customer has, of the share of their buyers whose next new
    product it was (American Express-style "next best product" from simple
    sequence counts).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``customer_id``: ``next_product`` (empty when nothing is
        suggested) and ``score``.
    """
    trans = product_transitions(transactions) if transitions is None else transitions
    ids = pd.Index(pd.unique(transactions["customer_id"]), name="customer_id")
    if trans.empty or "product" not in transactions.columns:
        return pd.DataFrame({"next_product": "", "score": 0.0}, index=ids)
    products = sorted(set(trans["from_product"]) | set(trans["to_product"]) |
                      set(transactions["product"][transactions["product"].astype(str) != ""]))
    pindex = {p: i for i, p in enumerate(products)}
    k = len(products)
    share = np.zeros((k, k))
    share[trans["from_product"].map(pindex).to_numpy(), trans["to_product"].map(pindex).to_numpy()] = trans["share"]
    owned_pairs = transactions.loc[transactions["product"].astype(str) != "", ["customer_id", "product"]] \
        .drop_duplicates()
    ci = ids.get_indexer(owned_pairs["customer_id"])
    pi = owned_pairs["product"].map(pindex).to_numpy()
    owned = np.zeros((len(ids), k), dtype=bool)
    owned[ci, pi] = True
    n_owned = owned.sum(1)
    scores = np.einsum("ij,jk->ik", owned.astype(float), share) / np.maximum(n_owned, 1)[:, None]
    scores[owned] = -1.0
    best = scores.argmax(1)
    best_score = scores[np.arange(len(ids)), best]
    name = np.where(best_score > 0, np.array(products, dtype=object)[best], "")
    return pd.DataFrame({"next_product": name, "score": np.maximum(best_score, 0.0)}, index=ids)


def next_best_product(transactions: pd.DataFrame, customer_id: str, top: int = 3,
                      transitions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Ranked suggestions for one customer (see :func:`next_best_products`).

    Returns
    -------
    pandas.DataFrame
        ``product``, ``score`` and ``because`` (the owned products that led there).
    """
    mine = transactions[transactions["customer_id"].astype(str) == str(customer_id)]
    if mine.empty:
        known = transactions["customer_id"].astype(str).unique()[:5]
        raise InvalidInput.one("customer_id", customer_id, f"a customer in the data, e.g. {', '.join(known)}")
    trans = product_transitions(transactions) if transitions is None else transitions
    owned = [p for p in pd.unique(mine.sort_values("date", kind="stable")["product"]) if str(p)]
    cand = trans[trans["from_product"].isin(owned) & ~trans["to_product"].isin(owned)]
    if cand.empty or not owned:
        return pd.DataFrame(columns=["product", "score", "because"])
    agg = cand.groupby("to_product").agg(score=("share", "sum"),
                                         because=("from_product", lambda s: ", ".join(sorted(s))))
    agg["score"] = agg["score"] / len(owned)
    agg = agg.sort_values("score", ascending=False).head(top).reset_index().rename(columns={"to_product": "product"})
    return agg[["product", "score", "because"]]
