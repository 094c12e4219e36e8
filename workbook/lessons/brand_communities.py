"""Teaching brand communities (pools, webs and hubs) on the fictional Bluebird Coffee."""
from __future__ import annotations

import pandas as pd

from ..frameworks import brand_communities as bc
from ..html import card, para, table
from ..room import Context, render
from ..teaching import Exercise

EXAMPLE_CLIENT = "bluebird-coffee"


def worked_example(ctx: Context) -> list:
    """Score each form, pick the dominant one, read what it implies."""
    res = ctx.result
    rows = []
    for form in bc.FORMS:
        answers = [ctx.inputs.answers.get(s.id) for s in bc.STATEMENTS if s.form == form]
        rows.append({"Form": bc.FORM_INFO[form].label, "Answers": ", ".join(map(str, answers)),
                     "Mean": float(res.scores.set_index("form").loc[form, "score"])})
    top = bc.FORM_INFO[res.dominant]
    examples = " ".join(f"{bc.FORM_INFO[f].label}s: {', '.join(names)}."
                        for f, names in bc.SEED_EXAMPLES.items())
    return [
        card("The three forms in the article", para(
            "Fournier and Lee illustrate each form with well-known communities. " + examples + " Ask of each "
            "what keeps members coming back: the shared pursuit (Ironman triathletes share the goal of finishing one), "
            "the people they have come to know (runners of the Hash House Harriers), or the person at the centre "
            "(the audience of Oprah).")),
        render("brand_communities", "forms", ctx),
        card("Step 1: answer four statements per form", para(
            "Bluebird's founder answered twelve statements about the subscribers who follow the head roaster's "
            "weekly tasting videos, each from 1 (strongly disagree) to 5 (strongly agree). Four statements probe "
            "each kind of tie: to a shared activity or values (pool), between members (web), and to a central "
            "figure (hub).")),
        card("Step 2: average each form", table(pd.DataFrame(rows)) + para(
            f"The highest mean is the dominant form: here the {top.label.lower()}. When two forms share the top "
            "score the workbook takes the first in the order pool, web, hub and reports the tie.")),
        render("brand_communities", "scores", ctx),
        card("Step 3: compare with what the client wants", para(
            "Bluebird would like a pool, built around a love of well-made coffee, but today the community hangs "
            "on one person. The risk of a hub is exactly that dependence.")),
        render("brand_communities", "guidance", ctx),
    ]


def _after_change(ctx: Context):
    doc = ctx.inputs.model_copy(deep=True)
    doc.answers["hub_1"] = 2
    return bc.evaluate(doc)


EXERCISES = (
    Exercise(1, "Suppose Bluebird's founder lowered the first hub answer from 5 to 2. What would the hub score be?",
             lambda ctx: float(_after_change(ctx).scores.set_index("form").loc["hub", "score"]),
             "Only one answer changes: add the four hub answers again and divide by four, not by twelve.",
             kind="number", tolerance=0.005),
    Exercise(2, "After that change, which form would the workbook call dominant: pool, web or hub?",
             lambda ctx: _after_change(ctx).dominant,
             "It is not simply the form that led before: check whether two forms now share the top mean; a tie "
             "goes to the first in the order pool, web, hub (a workbook rule).", kind="text"),
    Exercise(3, "A brand builds its community around a celebrity chef whom members follow closely but who seldom "
                "brings members together. Which form is that: pool, web or hub?",
             lambda ctx: next(f for f in bc.FORMS if "central figure" in bc.FORM_INFO[f].tie),
             "Ask what members are tied to: not a shared pursuit (pool), not each other (web), but one person.",
             kind="text"),
    Exercise(4, "After the change of exercise 1, what would Bluebird's status colour be: red, amber or green?",
             lambda ctx: bc.headline(_after_change(ctx))["status"],
             "A tie at a moderate level is not red, which is only for weak ties or an unanswered questionnaire, "
             "nor green, which needs one strong, untied form matching the target (workbook rule).", kind="text"),
)
