"""Teaching purpose brands and jobs to be done on the fictional Northwind Tools."""
from __future__ import annotations

import pandas as pd

from ..frameworks import purpose_brands as pb
from ..html import bullets, card, para, table
from ..room import Context, render
from ..teaching import Exercise

EXAMPLE_CLIENT = "northwind-tools"


def _at(ctx: Context, place: str) -> list[str]:
    b = ctx.result.brands
    return list(b.loc[b["place"] == place, "brand"])


def worked_example(ctx: Context) -> list:
    """List the jobs, count them per brand, place each brand, read the advice."""
    res = ctx.result
    products = [{"Brand": b.name, "Product": p.name, "Job it is hired to do": p.job}
                for b in ctx.inputs.brands for p in b.products]
    placed = res.brands[["brand", "products", "jobs", "label"]].rename(columns={
        "brand": "Brand", "products": "Products", "jobs": "Distinct jobs", "label": "Place on the path"})
    return [
        card("Step 1: say what job each product is hired to do", para(
            "Start from the customer, not the product category: what is the contractor trying to get done when "
            "they reach for this tool? Two products share a job only when the customer would hire either one "
            "for the same thing.") + table(pd.DataFrame(products))),
        card("Step 2: count products and jobs per brand", para(
            "One product for one job is where strong brands start. Several products for one job is still a "
            "purpose brand, like the Sony Walkman. A brand whose products do different jobs is stretched.")
             + table(placed)),
        render("purpose_brands", "matrix", ctx),
        card("Step 3: read the advice", bullets(res.recommendations) + para(
            "The article's remedy for a stretched brand is the one Marriott and Milwaukee applied: keep the old "
            "name as an endorser and give each job a new purpose brand under it (Courtyard and Residence Inn "
            "under Marriott, Sawzall and Hole Hawg under Milwaukee).")),
    ]


def _after_move(ctx: Context) -> pb.Result:
    """Northwind keeps its two drivers; every other Northwind product gets its own purpose brand under it."""
    doc = ctx.inputs.model_copy(deep=True)
    home = next(b for b in doc.brands if b.name == "Northwind")
    keep = [p for p in home.products if pb.job_key(p.job) == pb.job_key(home.products[0].job)]
    for p in home.products:
        if p not in keep:
            doc.brands.append(pb.Brand(name=f"New brand for {p.name}", endorsed_by="Northwind", products=[p]))
    home.products = keep
    return pb.evaluate(doc)


EXERCISES = (
    Exercise(1, "Northwind keeps its two drivers under its own name and moves each of its other products to a new "
                "purpose brand that it endorses. Where on the path would the Northwind brand sit then? Give the "
                "place's label.",
             lambda ctx: pb.PATH[_after_move(ctx).brands.set_index("brand").loc["Northwind", "place"]].label,
             "Not an endorser brand: a brand is placed there only when it keeps no products of its own. Count "
             "the products still sold under the Northwind name and the jobs they are hired for.", kind="text"),
    Exercise(2, "What percentage of Northwind Tools' products sit under brands stretched over several jobs today?",
             lambda ctx: 100 * ctx.result.stretched_product_share,
             "Count products, not brands: divide the products under stretched brands by all of the company's "
             "products, those of its purpose brands included.", kind="number", tolerance=0.5),
    Exercise(3, "After the move of exercise 1, what would the portfolio's status colour be: red, amber or green?",
             lambda ctx: pb.headline(_after_move(ctx))["status"],
             "An endorser with several purpose brands under it is the article's remedy, not a stretched brand; "
             "the colour looks only at brands still stretched over several jobs.", kind="text"),
    Exercise(4, "Which place on the purpose-brand path do the article's Marriott (Courtyard, Residence Inn) and "
                "Milwaukee (Sawzall, Hole Hawg) illustrate? Give the place's label.",
             lambda ctx: pb.PATH[next(k for k, names in pb.SEED_EXAMPLES.items() if "Marriott" in names)].label,
             "They are the remedy for a stretched brand, not examples of the stretched brand itself.", kind="text"),
)
