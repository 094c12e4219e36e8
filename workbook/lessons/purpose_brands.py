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
            "Marriott and Milwaukee faced the same choice: Marriott put Courtyard and Residence Inn under its "
            "name, and Milwaukee did the same with Sawzall and Hole Hawg.")),
    ]


EXERCISES = (
    Exercise(1, "How many different jobs are Northwind-branded products hired for?",
             lambda ctx: int(ctx.result.brands.set_index("brand").loc["Northwind", "jobs"]),
             "Count the distinct jobs in the Northwind rows of the Step 1 table; the drill-driver and the impact "
             "driver share one.", kind="number"),
    Exercise(2, "Which of Northwind Tools' brands carries many products for one job, like the Sony Walkman?",
             lambda ctx: _at(ctx, pb.MANY_PRODUCTS_ONE_JOB)[0],
             "Look for the brand with two products and one job.", kind="text"),
    Exercise(3, "Which Northwind Tools brand should become an endorser brand with new purpose brands under it?",
             lambda ctx: ctx.result.stretched[0],
             "A brand stretched over several jobs is the one to evolve.", kind="text"),
    Exercise(4, "Name the two purpose brands Milwaukee developed under its name, as the article tells it.",
             lambda ctx: list(pb.SEED_ENDORSED["Milwaukee"]),
             "One is a reciprocating saw, the other a heavy-duty drill.", kind="set"),
)
