"""Content of the purpose-brands room: the path, its advice, the seed examples and the rules.

Pure data, no logic. :mod:`workbook.frameworks.purpose_brands` imports every
name back, so the room's names stay importable from there. What this module
holds:

* the four places on the article's purpose-brand path (:class:`Place`,
  ``PATH``, ``PATH_ORDER``) with their advice and examples;
* the seed examples for the teaching part;
* the workbook's threshold, ``FROM_SOURCE`` and ``WORKBOOK_RULES`` (what a
  report's methods part shows);
* the limits on the portfolio's size, names and product ids.
"""
from __future__ import annotations

from dataclasses import dataclass

from workbook.methods import WorkbookRule
from ..formatting import percent


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

WORKBOOK_RULES: tuple[WorkbookRule, ...] = (
    WorkbookRule("endorser_place", "Endorser brand as a place", "a brand with no products of its own that purpose "
                 "brands name as their endorser is placed as an endorser brand",
                 "The article shows the endorser as the remedy for a stretched brand; giving it a place lets the "
                 "map show a portfolio after the remedy."),
    WorkbookRule("same_job", "Two products share a job", "when their job is worded the same (ignoring case, "
                 "spaces and a final full stop)", "The consultant words each job from the customer's side; "
                 "matching the wording keeps the count checkable."),
    WorkbookRule("status", "Status colour", f"red when at least {percent(RED_STRETCHED_PRODUCT_SHARE)} of all products "
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
