"""Purpose brands: map a portfolio of brands, products and jobs to be done.

Source: Clayton M. Christensen, Scott Cook and Taddy Hall, "Marketing
Malpractice: The Cause and the Cure", Harvard Business Review, December 2005.

Customers hire products to do jobs. A brand that stands for one job (a purpose
brand) tells customers which product to hire. The article draws a path: strong
brands start with one product for one job; a brand may then carry many products
for that same job (the Sony Walkman); a brand stretched over many jobs should
become an endorser brand with new purpose brands under it, as Marriott did with
Courtyard and Residence Inn, and Milwaukee with Sawzall and Hole Hawg.

This module places each of the client's brands on that path, gives the advice
for that place and builds the brand-by-job matrix for the chart.

Pure module: no widgets, no files, no printing.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from workbook.errors import InvalidInput, not_allowed_at, validated
from ..spec import BrowserEdit, FrameworkSpec, PlanAction
from .purpose_brands_content import (  # noqa: F401 - the room's content, importable from here too
    ENDORSER, FROM_SOURCE, MANY_JOBS_ONE_BRAND, MANY_PRODUCTS_ONE_JOB, MAX_BRANDS, MAX_JOB_CHARS, MAX_NAME_CHARS,
    MAX_PRODUCTS_PER_BRAND, ONE_PRODUCT_ONE_JOB, PATH, PATH_ORDER, PRODUCT_ID_ALLOWED, PRODUCT_ID_PATTERN,
    RED_STRETCHED_PRODUCT_SHARE, SEED_ENDORSED, SEED_EXAMPLES, WORKBOOK_RULES, Place,
)
from .purpose_brands_portfolio import (  # noqa: F401 - the portfolio pieces, importable from here too
    Brand, Product, _new_id, _product, job_key, job_label, new_product,
)

log = logging.getLogger(__name__)

NAME = "purpose_brands"
TITLE = "Purpose brands and jobs to be done"
#: The source, as printed under every page (the room's one citation; also ``SPEC.citation``).
SOURCE = ('Clayton M. Christensen, Scott Cook and Taddy Hall, "Marketing Malpractice: The Cause and '
          'the Cure", Harvard Business Review, December 2005')
SCHEMA_VERSION = 1


class Inputs(BaseModel):
    """Form inputs of the purpose-brands room.

    Parameters
    ----------
    company : str
        The client's name as it appears on the map.
    brands : list of Brand
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    schema_version: int = SCHEMA_VERSION
    company: str = Field(default="", max_length=120)
    brands: list[Brand] = Field(default_factory=list, max_length=MAX_BRANDS)

    @field_validator("brands")
    @classmethod
    def _portfolio_rules(cls, brands: list[Brand]) -> list[Brand]:
        index: dict[str, int] = {}
        for i, b in enumerate(brands):
            key = b.name.casefold()
            if key in index:
                raise not_allowed_at((i, "name"), b.name, "brand name used twice",
                            f"a name not already used by brands[{index[key]}]")
            index[key] = i
        endorsers = {b.endorsed_by.casefold() for b in brands if b.endorsed_by}
        for i, b in enumerate(brands):
            if b.endorsed_by:
                parent = b.endorsed_by.casefold()
                if parent not in index:
                    raise not_allowed_at((i, "endorsed_by"), b.endorsed_by, "no such brand in the portfolio",
                                "empty, or the name of another brand: " + ", ".join(x.name for x in brands))
                if parent == b.name.casefold():
                    raise not_allowed_at((i, "endorsed_by"), b.endorsed_by, "a brand cannot endorse itself",
                                "empty, or the name of another brand")
                if brands[index[parent]].endorsed_by:
                    raise not_allowed_at((i, "endorsed_by"), b.endorsed_by, "endorser is itself endorsed",
                                "a top-level brand (one level of endorsement only)")
            if not b.products and b.name.casefold() not in endorsers:
                raise not_allowed_at((i, "products"), [], "a brand with no products",
                            "at least one product, or purpose brands that name this brand as endorser")
        return brands

    def brand(self, name: str) -> Brand:
        """Return the brand called ``name`` (raises :class:`InvalidInput` naming the brands)."""
        for b in self.brands:
            if b.name == name:
                return b
        raise InvalidInput.one("brand", name, "one of " + (", ".join(b.name for b in self.brands) or "(none yet)"))

    def add_brand(self, name: str, product: str, job: str) -> Brand:
        """Add a brand with its first product, refusing blank or repeated names."""
        clean = (name or "").strip()
        taken = [b.name for b in self.brands]
        if not clean or len(clean) > MAX_NAME_CHARS or clean.casefold() in {t.casefold() for t in taken}:
            raise InvalidInput.one("brand name", name, f"1 to {MAX_NAME_CHARS} characters, not already used"
                                   + (f" (taken: {', '.join(taken)})" if taken else ""))
        new = Brand(name=clean, products=[_product(product, job)])
        self.brands.append(new)
        return new

    def endorses(self, name: str) -> bool:
        """Say whether some brand names ``name`` as its endorser."""
        return any(b.endorsed_by and b.endorsed_by.casefold() == name.casefold() for b in self.brands)

    def rename_brand(self, old: str, new: str) -> None:
        """Rename a brand and every reference to it as an endorser."""
        target = self.brand(old)
        clean = (new or "").strip()
        taken = [b.name for b in self.brands if b is not target]
        if not clean or len(clean) > MAX_NAME_CHARS or clean.casefold() in {t.casefold() for t in taken}:
            raise InvalidInput.one("brand name", new, f"1 to {MAX_NAME_CHARS} characters, not already used"
                                   + (f" (taken: {', '.join(taken)})" if taken else ""))
        for b in self.brands:
            if b.endorsed_by and b.endorsed_by.casefold() == old.casefold():
                b.endorsed_by = clean
        target.name = clean

    def remove_brand(self, name: str) -> None:
        """Remove a brand; purpose brands it endorsed become stand-alone brands."""
        target = self.brand(name)
        for b in self.brands:
            if b.endorsed_by and b.endorsed_by.casefold() == name.casefold():
                b.endorsed_by = None
        self.brands.remove(target)


TABLES: dict[str, Any] = {}


@dataclass(frozen=True, eq=False)
class Result:
    """Everything the room shows for one client.

    Attributes
    ----------
    brands : pandas.DataFrame
        One row per brand: brand, endorsed_by, products, jobs, place, label,
        advice, purpose_brands (names of brands it endorses), stretched.
    matrix : pandas.DataFrame
        Brand-by-job counts of products (rows: brands with products; columns:
        jobs in first-seen order). A row with more than one non-zero cell is a
        brand stretched across jobs.
    jobs : pandas.DataFrame
        One row per job: job, brands, products; a job served by several
        brands is noted.
    stretched : tuple of str
        Brands placed at "many jobs, one brand".
    recommendations : tuple of str
    """

    inputs: Inputs
    brands: pd.DataFrame
    matrix: pd.DataFrame
    jobs: pd.DataFrame
    stretched: tuple[str, ...]
    recommendations: tuple[str, ...]
    stretched_product_share: float


def place_of(n_products: int, n_jobs: int, endorses: int = 0) -> str:
    """Place on the path for a brand with these counts.

    Parameters
    ----------
    n_products : int
        Products sold under the brand's own name.
    n_jobs : int
        Distinct jobs those products are hired for.
    endorses : int
        Purpose brands that name this brand as their endorser.

    Returns
    -------
    str
        One of :data:`PATH_ORDER`.
    """
    if n_products < 0 or n_jobs < 0 or endorses < 0 or n_jobs > n_products:
        raise ValueError(f"impossible counts: {n_products} products, {n_jobs} jobs, {endorses} endorsed")
    if n_products == 0:
        if endorses == 0:
            raise ValueError("a brand needs products or purpose brands under it")
        return ENDORSER
    if n_jobs > 1:
        return MANY_JOBS_ONE_BRAND
    return ONE_PRODUCT_ONE_JOB if n_products == 1 else MANY_PRODUCTS_ONE_JOB


def evaluate(inputs: Inputs | dict, tables: dict[str, pd.DataFrame] | None = None) -> Result:
    """Place every brand on the purpose-brand path.

    Parameters
    ----------
    inputs : Inputs or dict
    tables : dict, optional
        Unused: this framework has no tables.

    Returns
    -------
    Result
    """
    inputs = validated(Inputs, inputs, "purpose_brands inputs")
    labels: dict[str, str] = {}  # job key -> first wording seen
    for b in inputs.brands:
        for p in b.products:
            labels.setdefault(job_key(p.job), job_label(p.job))
    canonical = {b.name.casefold(): b.name for b in inputs.brands}
    endorsed: dict[str, list[str]] = {}
    for b in inputs.brands:
        if b.endorsed_by:
            endorsed.setdefault(canonical[b.endorsed_by.casefold()], []).append(b.name)

    rows = []
    for b in inputs.brands:
        keys = list(dict.fromkeys(job_key(p.job) for p in b.products))
        place = place_of(len(b.products), len(keys), len(endorsed.get(b.name, [])))
        rows.append({
            "brand": b.name,
            "endorsed_by": canonical[b.endorsed_by.casefold()] if b.endorsed_by else "",
            "products": len(b.products),
            "jobs": len(keys),
            "place": place,
            "label": PATH[place].label,
            "advice": _advice(b, place, endorsed.get(b.name, []), [labels[k] for k in keys]),
            "purpose_brands": ", ".join(endorsed.get(b.name, [])),
            "stretched": place == MANY_JOBS_ONE_BRAND,
        })
    brands = pd.DataFrame(rows, columns=["brand", "endorsed_by", "products", "jobs", "place",
                                         "label", "advice", "purpose_brands", "stretched"])

    matrix = pd.DataFrame(0, index=[b.name for b in inputs.brands if b.products],
                          columns=list(labels.values()), dtype="int64")
    matrix.index.name, matrix.columns.name = "brand", "job"
    for b in inputs.brands:
        for p in b.products:
            matrix.loc[b.name, labels[job_key(p.job)]] += 1

    job_rows = []
    for key, label in labels.items():
        served = [b.name for b in inputs.brands if any(job_key(p.job) == key for p in b.products)]
        n = sum(1 for b in inputs.brands for p in b.products if job_key(p.job) == key)
        job_rows.append({"job": label, "brands": ", ".join(served), "products": n})
    jobs = pd.DataFrame(job_rows, columns=["job", "brands", "products"])

    stretched = tuple(brands.loc[brands["stretched"], "brand"])
    total = int(brands["products"].sum())
    in_stretched = int(brands.loc[brands["stretched"], "products"].sum())
    share = in_stretched / total if total else 0.0
    recs = _recommendations(inputs, brands, jobs)
    log.debug("purpose_brands: %d brands, %d stretched", len(brands), len(stretched))
    return Result(inputs=inputs, brands=brands, matrix=matrix, jobs=jobs, stretched=stretched,
                  recommendations=tuple(recs), stretched_product_share=share)


def _advice(brand: Brand, place: str, purpose: list[str], jobs: list[str]) -> str:
    text = PATH[place].advice
    if place == MANY_JOBS_ONE_BRAND:
        text += " Candidate jobs for new purpose brands: " + "; ".join(jobs) + "."
    if purpose and place != ENDORSER:
        text += " It already endorses " + ", ".join(purpose) + "."
    return text


def _recommendations(inputs: Inputs, brands: pd.DataFrame, jobs: pd.DataFrame) -> list[str]:
    recs = []
    for row in brands.itertuples():
        if row.stretched:
            recs.append(
                f"{row.brand} is stretched over {row.jobs} jobs: make it an endorser and give "
                f"each job its own purpose brand."
            )
    shared = jobs[jobs["brands"].str.contains(", ", regex=False)]
    for row in shared.itertuples():
        recs.append(
            f"Several brands ({row.brands}) are hired for the same job ({row.job}): "
            "make sure customers can tell which to pick, or bring the products under one purpose brand."
        )
    if not recs and len(brands):
        recs.append("Every brand stands for one job: keep new products inside each brand's job.")
    return recs


def changes(previous: Inputs, current: Inputs) -> list[str]:
    """Describe in plain words what moved between two saved versions."""
    notes: list[str] = []
    before = {b.name: b for b in previous.brands}
    now = {b.name: b for b in current.brands}
    for name in now.keys() - before.keys():
        notes.append(f"New brand: {name}.")
    for name in before.keys() - now.keys():
        notes.append(f"Brand removed: {name}.")
    old_place = dict(zip(*[evaluate(previous).brands[c] for c in ("brand", "place")]))
    for row in evaluate(current).brands.itertuples():
        if row.brand in old_place and old_place[row.brand] != row.place:
            notes.append(f"{row.brand} moved from {PATH[old_place[row.brand]].label.lower()} "
                         f"to {PATH[row.place].label.lower()}.")
    for name in now.keys() & before.keys():
        added = len(now[name].products) - len(before[name].products)
        if added:
            notes.append(f"{name}: {added:+d} product(s).")
    return sorted(notes)


def headline(result: Result) -> dict:
    """Short JSON-safe summary for the executive summary.

    Green when no brand is stretched over several jobs; red when at least
    :data:`RED_STRETCHED_PRODUCT_SHARE` of the products sit under stretched
    brands; amber otherwise (and when the portfolio is empty).
    """
    n = len(result.brands)
    k = len(result.stretched)
    if n == 0:
        status, summary = "amber", "No brands have been mapped yet."
    elif k == 0:
        status = "green"
        summary = ("The brand stands for a single job." if n == 1
                   else f"Each of the {n} brands stands for a single job.")
    else:
        status = "red" if result.stretched_product_share >= RED_STRETCHED_PRODUCT_SHARE else "amber"
        names = ", ".join(result.stretched)
        if k == 1:
            summary = (f"{names} is stretched over several jobs ({k} of {n} brands) and should become "
                       "an endorser brand over new purpose brands.")
        else:
            summary = (f"{k} of {n} brands are stretched over several jobs ({names}) and should become "
                       "endorser brands over new purpose brands.")
    return {
        "status": status,
        "summary": summary,
        "metrics": {
            "brands": n,
            "jobs": len(result.jobs),
            "stretched_brands": k,
            "stretched_product_share": round(result.stretched_product_share, 3),
        },
    }


# -- the room contract (workbook.spec; the registry reads it) ---------------------

SPEC = FrameworkSpec(
    name="purpose_brands",
    title="Purpose brands and jobs to be done",
    citation=SOURCE,
    notebook="purpose_brands.ipynb",
    Inputs=Inputs,
    evaluate=evaluate,
    headline=headline,
    tables=TABLES,
    related=(),
    changes=changes,
    plan_action=PlanAction(("Map each brand to the job customers hire it for; plan purpose brands "
                            "under an endorser for stretched brands"),
                           "Brand manager", "Next 6 months"),
    headline_metrics=("brands", "jobs", "stretched_brands", "stretched_product_share"),
    browser_edit=BrowserEdit("select", "endorsed by", option="(none)"),  # an endorsed brand stands alone
)
