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
import re
import uuid
from dataclasses import dataclass
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from workbook.errors import InvalidInput, not_allowed_at, validated
from ..spec import BrowserEdit, FrameworkSpec, PlanAction

log = logging.getLogger(__name__)

NAME = "purpose_brands"
TITLE = "Purpose brands and jobs to be done"
#: The source, as printed under every page (the room's one citation; also ``SPEC.citation``).
SOURCE = ('Clayton M. Christensen, Scott Cook and Taddy Hall, "Marketing Malpractice: The Cause and '
          'the Cure", Harvard Business Review, December 2005')
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Place:
    """One place on the article's purpose-brand path (our wording)."""

    key: str
    label: str
    shape: str
    advice: str
    examples: tuple[str, ...]


# Christensen, Cook and Hall (2005), exhibit on the path of a purpose brand; the
# examples are the exhibit's, the wording is ours.
ONE_PRODUCT_ONE_JOB = "one_product_one_job"
MANY_PRODUCTS_ONE_JOB = "many_products_one_job"
MANY_JOBS_ONE_BRAND = "many_jobs_one_brand"
ENDORSER = "endorser"

PATH: dict[str, Place] = {
    ONE_PRODUCT_ONE_JOB: Place(
        key=ONE_PRODUCT_ONE_JOB,
        label="One product, one job",
        shape="one product, hired for one job",
        advice=(
            "Apply a purpose brand: let the name stand for the job so customers know "
            "what to hire it for. This is where strong brands begin."
        ),
        examples=(),
    ),
    MANY_PRODUCTS_ONE_JOB: Place(
        key=MANY_PRODUCTS_ONE_JOB,
        label="Many products, one job",
        shape="several products, all hired for the same job",
        advice=(
            "Keep every product under the brand aimed at the same job; add products "
            "only when they do that job better for some customers."
        ),
        examples=("Sony Walkman",),
    ),
    MANY_JOBS_ONE_BRAND: Place(
        key=MANY_JOBS_ONE_BRAND,
        label="Many jobs, one brand",
        shape="one brand stretched over products hired for different jobs",
        advice=(
            "Turn the brand into an endorser brand and create a new purpose brand "
            "for each job, so the name no longer has to mean everything (the remedy "
            "Marriott and Milwaukee applied)."
        ),
        examples=(),
    ),
    ENDORSER: Place(
        key=ENDORSER,
        label="Endorser brand",
        shape="no products of its own; vouches for purpose brands that each own a job",
        advice=(
            "Keep the endorser in the background as a mark of quality and keep each "
            "purpose brand under it tied to its own job."
        ),
        examples=("Marriott: Courtyard; Residence Inn", "Milwaukee: Sawzall; Hole Hawg"),
    ),
}
PATH_ORDER = (ONE_PRODUCT_ONE_JOB, MANY_PRODUCTS_ONE_JOB, MANY_JOBS_ONE_BRAND, ENDORSER)

# The seed figures, as named data for the teaching part. Marriott and Milwaukee are the
# article's remedy for a stretched brand (an endorser over new purpose brands), not
# examples of the stretched brand itself.
SEED_EXAMPLES: dict[str, tuple[str, ...]] = {
    MANY_PRODUCTS_ONE_JOB: ("Sony Walkman",),
    ENDORSER: ("Marriott", "Milwaukee"),
}
SEED_ENDORSED: dict[str, tuple[str, ...]] = {
    "Marriott": ("Courtyard", "Residence Inn"),
    "Milwaukee": ("Sawzall", "Hole Hawg"),
}

# Workbook thresholds (ours, not the article's).
# Red when at least this share of all products sits under brands stretched over jobs.
RED_STRETCHED_PRODUCT_SHARE = 0.5

#: What the room takes from the article (shown in a report's methods part).
FROM_SOURCE: tuple[str, ...] = (
    "customers hire products to get jobs done; a purpose brand stands for one job",
    "the path: one product for one job (where strong brands start), many products for one job (Sony Walkman), "
    "and for one brand stretched over many jobs the remedy of an endorser brand with new purpose brands under "
    "it (Courtyard and Residence Inn under Marriott; Sawzall and Hole Hawg under Milwaukee)",
)

from workbook.methods import WorkbookRule  # noqa: E402 - kept beside the rules it serves

WORKBOOK_RULES: tuple[WorkbookRule, ...] = (
    WorkbookRule("endorser_place", "Endorser brand as a place", "a brand with no products of its own that purpose "
                 "brands name as their endorser is placed as an endorser brand",
                 "The article shows the endorser as the remedy for a stretched brand; giving it a place lets the "
                 "map show a portfolio after the remedy."),
    WorkbookRule("same_job", "Two products share a job", "when their job is worded the same (ignoring case, "
                 "spaces and a final full stop)", "The consultant words each job from the customer's side; "
                 "matching the wording keeps the count checkable."),
    WorkbookRule("status", "Status colour", f"red when at least {RED_STRETCHED_PRODUCT_SHARE:.0%} of all products "
                 "sit under stretched brands, amber when any brand is stretched, green when none is",
                 "Half the portfolio under brands that mean several things is where the confusion for customers "
                 "is widespread enough to act first."),
)
MAX_BRANDS = 30
MAX_PRODUCTS_PER_BRAND = 40
MAX_NAME_CHARS = 80
MAX_JOB_CHARS = 160
# A product's id: short letters, digits and hyphens, unique within its brand.
PRODUCT_ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9-]{0,39}"
PRODUCT_ID_ALLOWED = "1 to 40 letters, digits or hyphens, not used by another product of the same brand"


def job_key(job: str) -> str:
    """Normalise a job's wording for comparison (case, spaces, final full stop)."""
    return job_label(job).casefold()


def job_label(job: str) -> str:
    """A job's wording as displayed: single spaces, no final full stop."""
    return re.sub(r"\s+", " ", job).strip().rstrip(".").strip()


class Product(BaseModel):
    """A product and the job customers hire it to do.

    Parameters
    ----------
    id : str
        A stable id, unique within the brand. Edits name a product by id, not by
        its position in the list, so an edit made in one session cannot land on
        another row when a second session has added or removed products in the
        meantime. Files saved without ids get ``p1``, ``p2`` ... by position
        when read; new products get a random id.
    name : str
        The product, e.g. "18V compact drill".
    job : str
        The job, said from the customer's side, e.g. "drill holes in studs fast
        on a remodel". Two products share a job when the wording matches
        (ignoring case and spacing).
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(default="", max_length=40)
    name: str = Field(min_length=1, max_length=MAX_NAME_CHARS)
    job: str = Field(min_length=1, max_length=MAX_JOB_CHARS)


class Brand(BaseModel):
    """A brand and the products sold under its own name.

    Parameters
    ----------
    name : str
    endorsed_by : str, optional
        The endorser brand this one sits under (e.g. a purpose brand sold as
        "X by Y"); must name another brand of the portfolio.
    products : list of Product
        May be empty only for an endorser brand whose products are all sold
        under purpose brands.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=MAX_NAME_CHARS)
    endorsed_by: str | None = Field(default=None, max_length=MAX_NAME_CHARS)
    products: list[Product] = Field(default_factory=list, max_length=MAX_PRODUCTS_PER_BRAND)

    @field_validator("endorsed_by")
    @classmethod
    def _blank_is_none(cls, v: str | None) -> str | None:
        return v or None

    @field_validator("products")
    @classmethod
    def _ids(cls, products: list[Product]) -> list[Product]:
        # Repeated product names are refused by the form (add_product, set_product) but
        # accepted when read, so a file saved before that rule still opens.
        ids: dict[str, int] = {}
        for i, p in enumerate(products):
            if p.id:
                if not re.fullmatch(PRODUCT_ID_PATTERN, p.id) or p.id in ids:
                    raise not_allowed_at((i, "id"), p.id, "bad or repeated product id", PRODUCT_ID_ALLOWED)
                ids[p.id] = i
        n = 0
        for p in products:  # files saved without ids: p1, p2 ... by position, skipping ids in use
            if not p.id:
                n += 1
                while f"p{n}" in ids:
                    n += 1
                p.id = f"p{n}"
                ids[p.id] = -1
        return products

    def product(self, product_id: str) -> Product:
        """Return the product with ``product_id``.

        Raises
        ------
        InvalidInput
            Naming the brand's products and their ids, e.g. when another session
            removed the product meanwhile.
        """
        for p in self.products:
            if p.id == product_id:
                return p
        there = ", ".join(f"{p.id} ({p.name})" for p in self.products) or "(none)"
        raise InvalidInput.one(f"product of {self.name}", product_id, "the id of one of its products: " + there)

    def set_product(self, product_id: str, name: str | None = None, job: str | None = None) -> Product:
        """Change a product's name or job, refusing blank, too long or repeated names."""
        current = self.product(product_id)
        new_name = current.name if name is None else name
        new_job = current.job if job is None else job
        checked = _product(new_name, new_job)
        taken = [p.name for p in self.products if p is not current]
        if checked.name.casefold() in {t.casefold() for t in taken}:
            raise InvalidInput.one("product name", name, f"a name not already used in {self.name} (taken: "
                                   + ", ".join(taken) + ")")
        current.name, current.job = checked.name, checked.job
        return current

    def add_product(self, name: str, job: str) -> Product:
        """Add a product with a new random id, refusing blank, too long or repeated names."""
        new = _product(name, job)
        taken = [p.name for p in self.products]
        if new.name.casefold() in {t.casefold() for t in taken}:
            raise InvalidInput.one("product name", name, f"a name not already used in {self.name} (taken: "
                                   + ", ".join(taken) + ")")
        if len(self.products) >= MAX_PRODUCTS_PER_BRAND:
            raise InvalidInput.one(f"products of {self.name}", len(self.products),
                                   f"at most {MAX_PRODUCTS_PER_BRAND} products per brand")
        self.products.append(new)
        return new

    def remove_product(self, product_id: str, endorses: bool = False) -> None:
        """Remove a product; the last one only when the brand endorses purpose brands."""
        target = self.product(product_id)
        if len(self.products) == 1 and not endorses:
            raise InvalidInput.one(f"products of {self.name}", target.name,
                                   "at least one product left under the brand (remove the brand instead)")
        self.products.remove(target)


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


def _new_id() -> str:
    return "p-" + uuid.uuid4().hex[:10]


def _product(name: str, job: str) -> Product:
    """A product with a new random id, or :class:`InvalidInput` naming the blank or too long field."""
    for field, value, limit in (("product name", name, MAX_NAME_CHARS), ("job", job, MAX_JOB_CHARS)):
        if not (value or "").strip() or len(value.strip()) > limit:
            raise InvalidInput.one(field, value, f"1 to {limit} characters")
    return Product(id=_new_id(), name=name.strip(), job=job.strip())


def new_product(name: str, job: str) -> Product:
    """Build a product from form text; :class:`InvalidInput` when a field is blank or too long."""
    return _product(name, job)


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
