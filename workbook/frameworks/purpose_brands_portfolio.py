"""The purpose-brands room's portfolio pieces: jobs, products and brands.

Split from :mod:`workbook.frameworks.purpose_brands`, which imports these
names back. Pure module: no widgets, no files, no printing.
"""
from __future__ import annotations

import re
import uuid

from pydantic import BaseModel, ConfigDict, Field, field_validator

from workbook.errors import InvalidInput, not_allowed_at
from .purpose_brands_content import (
    MAX_JOB_CHARS, MAX_NAME_CHARS, MAX_PRODUCTS_PER_BRAND, PRODUCT_ID_ALLOWED, PRODUCT_ID_PATTERN,
)


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
