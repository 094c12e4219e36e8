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


EXERCISES = (
    Exercise(1, "What is Bluebird's hub score (the mean of the four hub answers)?",
             lambda ctx: float(ctx.result.scores.set_index("form").loc["hub", "score"]),
             "Add the four answers under 'Ties to a central figure' and divide by four.", kind="number",
             tolerance=0.005),
    Exercise(2, "Which form does Bluebird's community take today: pool, web or hub?",
             lambda ctx: ctx.result.dominant,
             "Pick the form with the highest mean score.", kind="text"),
    Exercise(3, "The article gives the Hash House Harriers as an example of which form?",
             lambda ctx: next(f for f, names in bc.SEED_EXAMPLES.items() if "Hash House Harriers" in names),
             "The running club's members are held together by personal friendships.", kind="text"),
    Exercise(4, "If a community scored 4.0 as a web and 4.0 as a hub, which form would the workbook call dominant?",
             lambda ctx: bc.dominant_form({"pool": 2.0, "web": 4.0, "hub": 4.0})[0],
             "Ties go to the form that comes first in the order pool, web, hub.", kind="text"),
)
