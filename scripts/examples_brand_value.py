"""Write the example clients' inputs for the value-proposition, purpose-brand and
brand-community rooms.

Every client here is fictional; no statement is made about a real company.
Run from the repository root; the output is deterministic:

    .venv/bin/python scripts/examples_brand_value.py [--data-dir data]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a plain script without installing the package
    sys.path.insert(0, str(ROOT))

from workbook.frameworks import brand_communities, purpose_brands, value_proposition

VP = value_proposition.Inputs
PB = purpose_brands.Inputs
BC = brand_communities.Inputs


def _el(name, supplier, customer, quantity=None, unit="", unit_value=None, assumption="", essential=False,
        improvement=None):
    return {"name": name, "supplier_view": supplier, "customer_view": customer, "essential": essential,
            "quantity": quantity, "unit": unit, "unit_value_usd": unit_value, "assumption": assumption,
            "improvement_value_usd": improvement}


def _answers(pool, web, hub):
    out = {}
    for form, vals in (("pool", pool), ("web", web), ("hub", hub)):
        for i, v in enumerate(vals, start=1):
            out[f"{form}_{i}"] = v
    return out


VALUE_PROPOSITION = {
    # All-benefits pitch, two favorable differences valued, one unvalued: amber.
    "aurora-software": VP(
        offering="Aurora Rota shift-scheduling platform",
        customer="Regional hospitals with 200-500 beds",
        next_best_alternative="Spreadsheets plus the HR system's scheduling add-on",
        current_pitch="all_benefits",
        elements=[
            # Worth most today, but agency use is already falling: further gains are worth less to the hospital.
            _el("Agency nurse shifts avoided", "favorable", "favorable", 150, "agency shifts avoided a year", 900,
                "Open shifts filled from the hospital's own pool first; pilot ward figures scaled to four wards. "
                "Improving it further: about $50,000 a year, as agency use is already being cut.",
                improvement=50_000),
            # Worth less today, but overtime keeps rising with vacancies: the hospital would gain most here.
            _el("Overtime hours avoided", "favorable", "favorable", 3000, "overtime hours avoided a year", 42,
                "6% of 50,000 overtime hours a year at a loaded $42 an hour, from the pilot ward. Improving it "
                "further: about $180,000 a year, as the finance team expects overtime to grow with vacancies.",
                improvement=180_000),
            _el("Scheduler time saved", "favorable", "unknown",
                assumption="Schedulers say rosters take less time; not yet measured."),
            _el("Payroll integration", "favorable", "parity", 400, "hours of payroll corrections avoided a year", 35,
                "Supplier's estimate; the customer says the add-on already feeds payroll."),
            _el("Subscription price", "unfavorable", "unfavorable", 1, "year of subscription above the add-on", 60000,
                "List price difference for 1,200 staff."),
            _el("Data security certification", "parity", "parity", essential=True,
                assumption="Procurement will not shortlist without it."),
            _el("Mobile app for staff", "parity", "parity"),
        ],
    ),
    # Favorable-points pitch, a contention and an unconfirmed difference: amber.
    "northwind-tools": VP(
        offering="Northwind 18V cordless drill-driver kit",
        customer="Commercial electrical contractors with 10-50 electricians",
        next_best_alternative="The contractor's current cordless platform",
        current_pitch="favorable_points_of_difference",
        elements=[
            _el("Battery runtime", "favorable", "favorable", 1100, "crew-hours a year no longer lost to battery swaps",
                65, "Site log at one customer: 20 minutes a day per electrician, 40 electricians."),
            _el("48-hour repair swap", "favorable", "favorable", 90, "tool-days of downtime avoided a year", 180,
                "Rental cost of a stand-in tool plus lost time, per the customer's service records."),
            _el("Grip and belt-hook ergonomics", "favorable", "parity",
                assumption="Supplier's field test; electricians rated both platforms alike."),
            _el("Dust extraction attachment", "favorable", "unknown"),
            _el("Kit price", "unfavorable", "unfavorable", 40, "kits bought a year", 120,
                "Northwind kit costs $120 more than the incumbent's."),
            _el("New batteries needed", "unfavorable", "unfavorable", 40, "extra battery packs in the switch year", 150,
                "Existing batteries do not fit; one extra pack per kit."),
            _el("Dealer availability", "parity", "parity", essential=True,
                assumption="Contractors buy where they already buy wire and fittings."),
        ],
    ),
    # Resonating-focus pitch, every difference valued and confirmed, and what improving each is worth: green.
    "bluebird-coffee": VP(
        offering="Bluebird office coffee subscription",
        customer="Offices of 20-80 staff",
        next_best_alternative="Supermarket beans bought by the office manager",
        current_pitch="resonating_focus",
        elements=[
            _el("Staff time not spent on café runs", "favorable", "favorable", 600,
                "staff hours a year kept in the office", 40,
                "Office survey: 12 staff, one 20-minute run a week each; $40 an hour loaded. Improving it "
                "(a second delivery slot) would keep about $9,000 a year more in staff time.", improvement=9_000),
            _el("Never running out", "favorable", "favorable", 48, "emergency coffee purchases avoided a year", 30,
                "Office manager's receipts for the last year. Improving it further is worth little, about $400 "
                "a year: stock-outs are already rare.", improvement=400),
            _el("Fair-trade sourcing", "parity", "parity", essential=True,
                assumption="The office's purchasing policy requires it."),
            _el("Price per kilo", "unfavorable", "unfavorable", 120, "kilos a year", 9,
                "Bluebird's price is $9 a kilo above the supermarket's."),
            _el("Pay by invoice", "parity", "parity"),
        ],
    ),
    # Net value negative against the national bank: red.
    "meridian-bank": VP(
        offering="Meridian small-business credit line",
        customer="Local firms with $1-10M in annual sales",
        next_best_alternative="A credit line from a national bank",
        current_pitch="all_benefits",
        elements=[
            _el("Local credit decisions", "favorable", "favorable", 10, "days sooner to funds a year", 250,
                "Two draws a year arrive five days sooner; a day's wait costs about $250 in late fees and lost discounts."),
            _el("Named relationship manager", "favorable", "unknown"),
            _el("Online banking tools", "favorable", "unfavorable",
                assumption="Customers rate the national bank's app higher."),
            _el("Interest rate", "unfavorable", "unfavorable", 0.75, "percentage points above the national bank's rate",
                5000, "A $500,000 average balance: each point costs $5,000 a year."),
            _el("Branch access", "parity", "parity"),
        ],
    ),
}


def _p(name, job):
    return {"name": name, "job": job}


PURPOSE_BRANDS = {
    # Every brand on one job: green.
    "aurora-software": PB(company="Aurora Software", brands=[
        {"name": "Aurora Rota", "products": [
            _p("Rota web planner", "publish fair shift schedules that staff accept"),
            _p("Rota mobile app", "publish fair shift schedules that staff accept"),
        ]},
        {"name": "Aurora Pulse", "products": [
            _p("Pulse staff survey", "spot burnout on a ward before staff quit"),
        ]},
    ]),
    # The master brand stretched over many jobs; one purpose brand already: red.
    "northwind-tools": PB(company="Northwind Tools", brands=[
        {"name": "Northwind", "products": [
            _p("18V drill-driver", "drill and drive all day on a site without a cord"),
            _p("18V impact driver", "drill and drive all day on a site without a cord"),
            _p("Circular saw", "make straight cuts in sheet goods on site"),
            _p("Wet/dry vacuum", "leave a site clean at the end of the day"),
            _p("Cordless work light", "see clearly in an unlit building"),
        ]},
        {"name": "Riptide", "endorsed_by": "Northwind", "products": [
            _p("Breaker hammer", "break up concrete quickly"),
            _p("Rotary hammer", "break up concrete quickly"),
        ]},
        {"name": "Truline", "products": [
            _p("Cross-line laser level", "set out level lines fast"),
        ]},
    ]),
    # A purpose brand with many products, and an endorsed office brand: green.
    "bluebird-coffee": PB(company="Bluebird Coffee Roasters", brands=[
        {"name": "Bluebird", "products": [
            _p("Monthly bean subscription", "have fresh coffee at home every morning without shopping"),
            _p("Fortnightly bean subscription", "have fresh coffee at home every morning without shopping"),
        ]},
        {"name": "Bluebird Office", "endorsed_by": "Bluebird", "products": [
            _p("Office coffee subscription", "keep the office stocked with good coffee without anyone ordering"),
        ]},
    ]),
    # Master brand stretched over two jobs, purpose brands under it: amber.
    "meridian-bank": PB(company="Meridian Community Bank", brands=[
        {"name": "Meridian", "products": [
            _p("Everyday checking", "get paid and pay bills without fees"),
            _p("Debit card", "get paid and pay bills without fees"),
            _p("Savings account", "set money aside for emergencies"),
        ]},
        {"name": "HomeKey", "endorsed_by": "Meridian", "products": [
            _p("30-year first-home mortgage", "buy a first home"),
            _p("15-year first-home mortgage", "buy a first home"),
        ]},
        {"name": "Main Street Credit", "endorsed_by": "Meridian", "products": [
            _p("Seasonal credit line", "keep cash flowing through slow months"),
            _p("Overdraft line", "keep cash flowing through slow months"),
        ]},
    ]),
}

BRAND_COMMUNITIES = {
    # A strong web, as the client wants: green.
    "aurora-software": BC(brand="Aurora Rota", community="User group of hospital schedulers (forum and regional meetups)",
                          target_form="web", answers=_answers([3, 3, 2, 3], [5, 4, 5, 4], [2, 1, 2, 2])),
    # A strong pool around pride in the trade: green.
    "northwind-tools": BC(brand="Northwind", community="Northwind Pro Crew: contractors' forum and jobsite meetups",
                          answers=_answers([5, 4, 4, 5], [3, 3, 4, 2], [2, 2, 1, 2])),
    # A hub around the head roaster, but the client wants a pool: amber.
    "bluebird-coffee": BC(brand="Bluebird", community="Subscribers who follow the head roaster's weekly tasting videos",
                          target_form="pool", answers=_answers([3, 4, 3, 3], [2, 1, 2, 2], [5, 4, 4, 3])),
    # Weak ties, pool and web tied: red.
    "meridian-bank": BC(brand="Meridian", community="Meridian Main Street business network",
                        target_form="web", answers=_answers([2, 3, 2, 2], [3, 2, 2, 2], [1, 2, 1, 1])),
}

EXAMPLES = {
    value_proposition.NAME: VALUE_PROPOSITION,
    purpose_brands.NAME: PURPOSE_BRANDS,
    brand_communities.NAME: BRAND_COMMUNITIES,
}


def write(data_dir: Path) -> list[Path]:
    """Write every example file under ``data_dir/clients``; return the paths."""
    written = []
    for framework, by_client in EXAMPLES.items():
        for slug, inputs in sorted(by_client.items()):
            path = data_dir / "clients" / slug / f"{framework}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            text = json.dumps(inputs.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data")
    args = parser.parse_args()
    for path in write(args.data_dir):
        print(path)


if __name__ == "__main__":
    main()
