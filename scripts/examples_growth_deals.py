"""Write the example-client inputs for three frameworks.

Frameworks: ``female_economy``, ``growth_stages`` and ``deal_qualification``.
The clients are the fictional examples that ship with the workbook (see
CONTRIBUTING.md); this script writes only the framework files, never a
profile. Every value is fixed here, so running it twice gives identical files.

The deal-qualification settings take the statement-1 mean from each client's
Sales and Marketing diagnostic as committed in ``data/``, so the two rooms of
one report never disagree about it.

Usage::

    .venv/bin/python scripts/examples_growth_deals.py [--data-dir data]
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a plain script without installing the package
    sys.path.insert(0, str(ROOT))

from workbook.frameworks import deal_qualification, female_economy, growth_stages  # noqa: E402

FEMALE_ECONOMY = {
    # A community bank: widowed and divorced women hold wealth the bank's
    # offers do not speak to (the article's financial-services exhibit).
    "meridian-bank": female_economy.Inputs(
        market_name="Personal banking and wealth services bought by women in Meridian's three counties",
        market_size_usd=180_000_000,
        allocation_basis="income",
        positions=[
            {"segment": "fast_tracker", "current_share": 0.06, "target_share": 0.09},
            {"segment": "pressure_cooker", "current_share": 0.10, "target_share": 0.13},
            {"segment": "relationship_focused", "current_share": 0.08, "target_share": 0.08},
            {"segment": "managing_on_her_own", "current_share": 0.04, "target_share": 0.16},
            {"segment": "fulfilled_empty_nester", "current_share": 0.09, "target_share": 0.11},
            {"segment": "making_ends_meet", "current_share": 0.12, "target_share": 0.12},
        ],
        offers=[
            {"name": "Everyday checking", "needs": {"value_credit": 2, "time_saving": 1}},
            {"name": "Mobile banking app", "needs": {"time_saving": 3, "autonomy": 2}},
            {"name": "Private wealth advice", "needs": {"achievement": 1, "autonomy": 1, "quality": 2}},
            {"name": "Retirement evenings", "needs": {"health_ageing": 1, "leisure": 1, "connection": 1}},
        ],
    ),
    # A small coffee roaster with a subscription, split by population share
    # (so the 1% left by the article's rounding shows in the result).
    "bluebird-coffee": female_economy.Inputs(
        market_name="Specialty coffee subscriptions bought by women in the Pacific Northwest",
        market_size_usd=30_000_000,
        allocation_basis="population",
        positions=[
            {"segment": "fast_tracker", "current_share": 0.010, "target_share": 0.015},
            {"segment": "pressure_cooker", "current_share": 0.020, "target_share": 0.040},
            {"segment": "relationship_focused", "current_share": 0.030, "target_share": 0.050},
            {"segment": "managing_on_her_own", "current_share": 0.010, "target_share": 0.010},
            {"segment": "fulfilled_empty_nester", "current_share": 0.020, "target_share": 0.030},
            {"segment": "making_ends_meet", "current_share": 0.005, "target_share": 0.005},
        ],
        offers=[
            {"name": "Monthly subscription box",
             "needs": {"time_saving": 3, "stability": 2, "small_luxuries": 2, "quality": 2}},
            {"name": "Tasting workshops", "needs": {"experiences": 3, "adventure_learning": 2, "connection": 2}},
            {"name": "Single-origin reserve", "needs": {"quality": 3, "adventure_learning": 1}},
        ],
    ),
}


def _history(pairs: list[tuple[int, float]]) -> list[dict]:
    return [{"year": y, "revenue_usd": r} for y, r in pairs]


GROWTH_STAGES = {
    "bluebird-coffee": growth_stages.Inputs(
        revenue_usd=850_000,
        position=[2, 3, 1], product=[4, 3, 3], people=[3, 2, 3],
        history=_history([(2021, 120_000), (2022, 310_000), (2023, 520_000), (2024, 850_000)]),
    ),
    "aurora-software": growth_stages.Inputs(
        revenue_usd=7_500_000,
        position=[3, 3, 2], product=[2, 2, 3], people=[4, 3, 3],
        history=_history([(2020, 900_000), (2021, 2_100_000), (2022, 3_800_000), (2023, 5_600_000),
                          (2024, 7_500_000)]),
    ),
    "meridian-bank": growth_stages.Inputs(
        revenue_usd=24_000_000,
        position=[3, 3, 3], product=[4, 4, 3], people=[4, 3, 4],
        history=_history([(2020, 19_500_000), (2021, 20_800_000), (2022, 21_900_000), (2023, 23_000_000),
                          (2024, 24_000_000)]),
    ),
    "northwind-tools": growth_stages.Inputs(
        revenue_usd=62_000_000,
        position=[5, 4, 4], product=[4, 4, 5], people=[4, 4, 4],
        history=_history([(2020, 41_000_000), (2021, 46_000_000), (2022, 50_000_000), (2023, 55_500_000),
                          (2024, 62_000_000)]),
    ),
}

def _statement1(slug: str) -> float | None:
    """Statement-1 mean of the client's committed Sales and Marketing diagnostic."""
    diagnostic = json.loads((ROOT / "data" / "clients" / slug / "sales_marketing.json").read_text("utf-8"))
    diagnostic.pop("_meta", None)
    return deal_qualification.statement_one_from_diagnostic(diagnostic)


def _deal_settings(slug: str) -> deal_qualification.Inputs:
    return deal_qualification.Inputs(as_of_month="2025-07", statement1_mean=_statement1(slug),
                                     statement1_source="diagnostic", priority_count=5)


DEAL_SETTINGS = {
    # Views on the forecast are divided, and three quarters of the pipeline is unqualified.
    "aurora-software": _deal_settings("aurora-software"),
    # The team trusts its forecast and the pipeline bears it out.
    "northwind-tools": _deal_settings("northwind-tools"),
}

PIPELINE_COLUMNS = ["deal", "account", "owner", "amount", "close_month", "probability",
                    "ready", "willing", "able", "ready_evidence", "willing_evidence", "able_evidence"]

# deal, account, owner, amount, month, probability, ready, willing, able, evidence x3
PIPELINES = {
    "aurora-software": [
        ("AUR-101", "Halcyon Plastics", "Priya", 120_000, "2025-06", 0.8, "yes", "yes", "no",
         "Go-live tied to new moulding line", "CIO chose us over two rivals", ""),
        ("AUR-102", "Pinecrest Castings", "Priya", 85_000, "2025-07", 0.6, "yes", "yes", "yes",
         "Quality audit in August", "Signed pilot extension", "Budget line approved"),
        ("AUR-103", "Quarry & Vale Machining", "Tom", 240_000, "2025-08", 0.5, "no", "yes", "yes",
         "", "Champion in operations", "FY budget set aside"),
        ("AUR-104", "Oakline Packaging", "Tom", 60_000, "2025-08", 0.7, "yes", "no", "yes",
         "Old reporting tool retired in Q3", "", "Pre-approved spend"),
        ("AUR-105", "Brightwater Pumps", "Priya", 180_000, "2025-09", 0.4, "no", "no", "yes",
         "", "", "Capital plan includes it"),
        ("AUR-106", "Ferris Components", "Lena", 45_000, "2025-09", 0.9, "yes", "yes", "yes",
         "Plant opening in October", "Verbal yes from COO", "PO being raised"),
        ("AUR-107", "Marlow Textiles", "Lena", 150_000, "2025-10", 0.3, "yes", "no", "no",
         "Customer compliance deadline next spring", "", ""),
        ("AUR-108", "Tidewell Foods", "Tom", 95_000, "2025-10", 0.6, "yes", "yes", "yes",
         "Seasonal peak planning", "Preferred vendor letter", "CFO sign-off"),
        ("AUR-109", "Copperleaf Cabinets", "Lena", 70_000, "2025-11", 0.5, "no", "yes", "no",
         "", "Plant managers asked for it", ""),
        ("AUR-110", "Northgate Fabrication", "Priya", 210_000, "2025-12", 0.2, "no", "no", "no",
         "", "", ""),
    ],
    "northwind-tools": [
        ("NW-201", "Harbor Hardware Group", "Dana", 1_400_000, "2025-07", 0.9, "yes", "yes", "yes",
         "Spring range reset locked", "Line review won", "Open-to-buy confirmed"),
        ("NW-202", "Summit Builders Supply", "Dana", 650_000, "2025-08", 0.75, "yes", "yes", "yes",
         "Branch expansion under way", "Named us sole cordless vendor", "Credit terms agreed"),
        ("NW-203", "ProSite Rentals", "Marco", 900_000, "2025-08", 0.6, "yes", "yes", "yes",
         "Fleet renewal cycle", "Trial fleet rated best", "Lease financing approved"),
        ("NW-204", "Redline Industrial", "Marco", 420_000, "2025-09", 0.5, "yes", "yes", "no",
         "Safety recall replacement", "Buyer prefers our warranty", ""),
        ("NW-205", "Cascade Home Centers", "Ines", 1_100_000, "2025-09", 0.8, "yes", "yes", "yes",
         "Holiday promotion slot", "Promo calendar agreed", "Budget signed by VP"),
        ("NW-206", "Granite Trade Depot", "Ines", 300_000, "2025-10", 0.4, "no", "yes", "yes",
         "", "Long-time account", "Annual budget in place"),
        ("NW-207", "Keystone Contractors Co-op", "Dana", 780_000, "2025-11", 0.7, "yes", "yes", "yes",
         "Member demand for new platform", "Board vote passed", "Co-op fund allocated"),
        ("NW-208", "Bayside Marine Supply", "Marco", 260_000, "2025-12", 0.5, "yes", "yes", "yes",
         "Boatyard season prep", "Switched from rival after demo", "PO template sent"),
    ],
}


def write_json(path: Path, model) -> None:
    """Write a pydantic model as indented JSON with a final newline."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(model.model_dump(mode="json"), indent=2) + "\n", encoding="utf-8")


def write_pipeline(path: Path, rows: list[tuple]) -> None:
    """Write a pipeline CSV after checking it against the framework's validator."""
    import pandas as pd

    deal_qualification.validate_pipeline(pd.DataFrame(rows, columns=PIPELINE_COLUMNS))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(PIPELINE_COLUMNS)
        writer.writerows(rows)


def write(data_dir: Path) -> list[Path]:
    """Write every example file under ``data_dir/clients``; return the paths."""
    root = Path(data_dir) / "clients"
    written = []
    for name, examples in (("female_economy", FEMALE_ECONOMY), ("growth_stages", GROWTH_STAGES),
                           ("deal_qualification", DEAL_SETTINGS)):
        for slug, model in examples.items():
            write_json(root / slug / f"{name}.json", model)
            written.append(root / slug / f"{name}.json")
    for slug, rows in PIPELINES.items():
        write_pipeline(root / slug / "deal_qualification" / "pipeline.csv", rows)
        written.append(root / slug / "deal_qualification" / "pipeline.csv")
    return written


def main(argv: list[str] | None = None) -> None:
    """Write every example file under ``--data-dir``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data")
    written = write(parser.parse_args(argv).data_dir)
    print(f"wrote {len(written)} example files")


if __name__ == "__main__":
    main()
