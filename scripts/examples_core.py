"""Write the fictional example clients' profiles and Sales-Marketing diagnostics.

Deterministic: run it again and the same answers come out. Every client here
is invented for teaching and demonstrations. Usage::

    python scripts/examples_core.py [data_dir]
"""
from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workbook.frameworks import sales_marketing as sm  # noqa: E402
from workbook.store import Profile, Store  # noqa: E402

FICTIONAL = "Fictional example client, invented for teaching and demonstrations."

PROFILES = {
    "aurora-software": Profile(name="Aurora Software", industry="B2B software (analytics platform)",
                               revenue_usd=7_500_000, fictional=True,
                               notes=f"{FICTIONAL} Sells a subscription analytics platform to mid-sized manufacturers."),
    "northwind-tools": Profile(name="Northwind Power Tools", industry="Power tools manufacturing",
                               revenue_usd=62_000_000, fictional=True,
                               notes=f"{FICTIONAL} Makes cordless tools for trades and serious DIY users."),
    "bluebird-coffee": Profile(name="Bluebird Coffee Roasters", industry="Specialty coffee (cafes and subscription)",
                               revenue_usd=850_000, fictional=True,
                               notes=f"{FICTIONAL} Two cafes plus a beans-by-post subscription."),
    "meridian-bank": Profile(name="Meridian Community Bank", industry="Retail banking and wealth advice",
                             revenue_usd=24_000_000, fictional=True,
                             notes=f"{FICTIONAL} A regional bank with 14 branches."),
}

# (client, target mean answer, respondents as (name, role, bias), statements where Sales and Marketing split)
DIAGNOSTICS = {
    "aurora-software": (2.55, [("Dana Ortiz", "Sales", -0.4), ("Sam Keller", "Sales", -0.3),
                               ("Priya Nair", "Marketing", 0.4), ("Leo Brandt", "Marketing", 0.3),
                               ("Ines Duarte", "Other", 0.0)], {2: 2, 5: 2, 6: -2, 15: 1.5}),
    "northwind-tools": (4.15, [("Harriet Cole", "Sales", 0.0), ("Tom Reyes", "Sales", 0.1),
                               ("Mei Lin", "Marketing", 0.0), ("Oskar Berg", "Marketing", -0.1)], {1: 1}),
    "bluebird-coffee": (1.65, [("Jo Park", "Sales", 0.0), ("Ana Silva", "Marketing", 0.1)], {3: 1}),
    "meridian-bank": (3.45, [("Ruth Adeyemi", "Sales", -0.2), ("Carl Jensen", "Sales", 0.0),
                             ("Nora Quinn", "Marketing", 0.2), ("Raj Patel", "Marketing", 0.1),
                             ("Eva Stone", "Other", 0.0)], {4: -2, 12: 1.5}),
}
CHECKLIST_DONE = {"aurora-software": 4, "northwind-tools": 14, "bluebird-coffee": 1, "meridian-bank": 9}
# The article's conditions as each consultant recorded them (true: holds; false: does not hold).
# Bluebird is small, its two people get on well informally and nothing is in conflict; Aurora
# still duplicates work after defining roles and customises its platform during the sale.
CONDITIONS = {
    "bluebird-coffee": {"undefined-stay-1": True, "undefined-stay-2": True, "undefined-tighten-1": False,
                        "undefined-tighten-2": False, "undefined-tighten-3": False},
    "aurora-software": {"defined-stay-1": False, "defined-stay-3": False, "defined-tighten-1": True,
                        "defined-tighten-3": True},
}


def answers(rng: random.Random, mean: float, bias: float, role: str, splits: dict[int, float]) -> list[int]:
    out = []
    for i in range(1, sm.N_STATEMENTS + 1):
        value = mean + bias + rng.uniform(-0.9, 0.9)
        if i in splits:
            value += splits[i] / 2 if role == "Marketing" else -splits[i] / 2 if role == "Sales" else 0
        out.append(min(5, max(1, round(value))))
    return out


def inputs_for(slug: str, shift: float = 0.0) -> sm.Inputs:
    mean, people, splits = DIAGNOSTICS[slug]
    rng = random.Random(f"{slug}-{shift}")
    respondents = [sm.Respondent(name=n, role=r, answers=answers(rng, mean + shift, b, r, splits)) for n, r, b in people]
    ticks = {item: k < CHECKLIST_DONE[slug] + (2 * shift) for k, item in enumerate(sm.CHECKLIST_IDS)}
    return sm.Inputs(respondents=respondents, checklist=ticks, conditions=dict(CONDITIONS.get(slug, {})))


def write(data_dir: Path) -> list[Path]:
    """Write each example client's Sales-Marketing inputs under ``data_dir/clients`` (no profile, no history).

    The same answers :func:`main` saves through the store; ``make_example_data.py``
    calls this so that one script reproduces every room's example inputs.
    """
    written = []
    for slug in PROFILES:
        path = Path(data_dir) / "clients" / slug / "sales_marketing.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(inputs_for(slug).model_dump_json(indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written


def main(data_dir: str = "data") -> None:
    for slug, profile in PROFILES.items():
        store = Store(data_dir, session="example-setup")
        folder = store.client_dir(slug, must_exist=False)
        if not (folder / "profile.json").exists():
            store.create_client(slug, profile)
        else:
            store.save_profile(slug, profile)
        shutil.rmtree(folder / ".history" / "sales_marketing", ignore_errors=True)
        (folder / "sales_marketing.json").unlink(missing_ok=True)
        # Aurora has an earlier session, so reports show what moved since then.
        if slug == "aurora-software":
            Store(data_dir, session="example-earlier-session").save(slug, "sales_marketing", sm.Inputs,
                                                                    inputs_for(slug, shift=-0.8))
        store.save(slug, "sales_marketing", sm.Inputs, inputs_for(slug))
        result = sm.evaluate(store.load(slug, "sales_marketing", sm.Inputs))
        print(f"{slug}: {result.assessment.relationship_type} ({result.assessment.team_total:.1f})")


if __name__ == "__main__":
    main(*sys.argv[1:])
