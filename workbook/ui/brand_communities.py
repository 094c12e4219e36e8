"""The brand-communities room: result sections and the live questionnaire."""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pandas as pd

from ..charts import BAND_FILLS, PALETTE, layered, new_figure, style_axes
from ..frameworks import brand_communities as bc
from ..html import badge, bullets, card, esc, para, table
from ..methods import marker
from .base import Context, RoomView

FORM_COLOURS = {"pool": PALETTE["sales"], "web": PALETTE["good"], "hub": PALETTE["marketing"]}
GROUP_TITLES = {"pool": "Ties to a shared activity, goal or values",
                "web": "Ties between members, one to one",
                "hub": "Ties to a central figure"}
TARGET_OPTIONS = [("not decided", None)] + [(bc.FORM_INFO[f].label, f) for f in bc.FORMS]
#: The answer buttons: "\u2013" (not answered) clears an answer given by mistake.
NOT_ANSWERED = 0
ANSWER_OPTIONS = [("\u2013", NOT_ANSWERED)] + [(str(k), k) for k in range(bc.SCALE_MIN, bc.SCALE_MAX + 1)]
ANSWER_TOOLTIPS = ["not answered (clears the answer)"] + [bc.SCALE_LABELS[k] for k in range(bc.SCALE_MIN,
                                                                                             bc.SCALE_MAX + 1)]


# -- sections (shared by the live view and the report) ---------------------------

def headline_section(ctx: Context) -> str:
    """The dominant form and how strong its ties are."""
    res = ctx.result
    h = bc.headline(res)
    inp = ctx.inputs
    about = ", ".join(x for x in (inp.brand, inp.community) if x)
    parts = [para(f"Community: {about}.") if about else ""]
    if res.dominant:
        parts.append(f'<p style="font-size:115%">{badge(bc.FORM_INFO[res.dominant].label, h["status"])} '
                     f'&nbsp; {esc(h["summary"])}</p>')
    else:
        parts.append(para(h["summary"]))
    parts.append(para(f"{res.answered} of {res.total} statements answered."))
    parts.append(marker(bc.WORKBOOK_RULES, "bands", *(("ties",) if len(res.tied) > 1 else ()), "status"))
    return card("Summary", "".join(parts))


def _scores_key(ctx: Context):
    s = ctx.result.scores
    return (tuple(np.round(s["score"].to_numpy(dtype=float), 4).tolist()), ctx.result.dominant, ctx.inputs.target_form)


def _scores_static(ctx: Context):
    """The static layer (bands, axes, labels) is the same whatever the answers, once anything is answered."""
    return None if ctx.result.dominant is None else tuple(ctx.result.scores["label"])


def _scores_data(ax, ctx: Context) -> list:
    """The data layer: one bar per form and its score, the dominant form and the client's target marked."""
    res = ctx.result
    s = res.scores
    y = np.arange(len(s))
    scores = s["score"].fillna(bc.SCALE_MIN).to_numpy()
    colours = [FORM_COLOURS[f] for f in s["form"]]
    alphas = [1.0 if f == res.dominant else 0.55 for f in s["form"]]
    artists = []
    for yi, v, c, a in zip(y, scores, colours, alphas):
        artists += ax.barh(yi, v - bc.SCALE_MIN, left=bc.SCALE_MIN, color=c, alpha=a, height=0.55, zorder=2).patches
    for yi, (f, v) in enumerate(zip(s["form"], s["score"])):
        text = "not answered" if pd.isna(v) else f"{v:.2f}"
        if f == res.dominant:
            text += "  \u2190 dominant" + (" (tie)" if len(res.tied) > 1 else "")
        if f == ctx.inputs.target_form:
            text += "\n[client's target]" if f == res.dominant else "  [client's target]"
        artists.append(ax.text(bc.SCALE_MAX + 0.08, yi, text, va="center", fontsize=8, color=PALETTE["ink"],
                               clip_on=False))
    return artists


@layered(_scores_static, _scores_data, _scores_key)
def scores_section(ctx: Context):
    """The three forms' scores on the 1-5 scale, with the dominant form marked."""
    s = ctx.result.scores
    fig = new_figure(7.0, 2.6, left=0.9, top=0.55, bottom=0.55, right=1.6)
    ax = fig.add_subplot()
    edges = [(bc.SCALE_MIN, bc.MODERATE_AT, "weak"), (bc.MODERATE_AT, bc.STRONG_AT, "moderate"),
             (bc.STRONG_AT, bc.SCALE_MAX, "strong")]
    for (low, high, name), fill in zip(edges, BAND_FILLS[:1] + BAND_FILLS[1:2] + BAND_FILLS[3:4]):
        ax.axvspan(low, high, color=fill, zorder=0)
        ax.text((low + high) / 2, 2.75, name, ha="center", va="center", fontsize=8, color=PALETTE["muted"])
    y = np.arange(len(s))
    ax.set_yticks(y, list(s["label"]))
    ax.set_xlim(bc.SCALE_MIN, bc.SCALE_MAX)
    ax.set_ylim(2.45 + 0.5, -0.5)
    ax.set_xticks(range(bc.SCALE_MIN, bc.SCALE_MAX + 1),
                  [f"{k}\n{bc.SCALE_LABELS[k]}" if k in (1, 5) else str(k) for k in range(1, 6)])
    ax.set_title("Strength of the ties behind each form (mean answer, 1 to 5)", loc="left")
    style_axes(ax)
    return fig, ax


def guidance_section(ctx: Context) -> str:
    """What the dominant form implies for building and running the community."""
    res = ctx.result
    if res.guidance is None:
        return card("What it implies", para(res.recommendations[0]))
    g = res.guidance
    parts = [para(f"In a {g.label.lower()}, {g.tie}; what holds it together is {g.key_to_affiliation}."),
             "<h4>Build</h4>", para(g.build), "<h4>Run</h4>", para(g.run), "<h4>Risk</h4>", para(g.risk),
             marker(bc.WORKBOOK_RULES, "guidance")]
    extra = [r for r in res.recommendations if not r.startswith(("Build:", "Run:", "Watch:"))]
    if extra:
        parts += ["<h4>Also</h4>", bullets(extra)]
    return card(f"What a {g.label.lower()} implies", "".join(parts))


def forms_section(ctx: Context) -> str:
    """The three forms side by side, with the article's examples."""
    rows = [{"Form": f.label, "Members are tied": f.tie, "Held together by": f.key_to_affiliation,
             "Examples from the article": ", ".join(f.examples), "Main risk (workbook's reading)": f.risk}
            for f in bc.FORM_INFO.values()]
    return card("Pools, webs and hubs", table(pd.DataFrame(rows)))


def answers_section(ctx: Context) -> str:
    """The questionnaire as answered."""
    rows = [{"Form": bc.FORM_INFO[s.form].label, "Statement": s.text,
             "Answer": ctx.inputs.answers.get(s.id, "\u2013")} for s in bc.STATEMENTS]
    return card("Questionnaire answers (1 strongly disagree \u2026 5 strongly agree)", table(pd.DataFrame(rows))
                + marker(bc.WORKBOOK_RULES, "questionnaire"))


SECTIONS = {
    "headline": headline_section,
    "scores": scores_section,
    "guidance": guidance_section,
    "forms": forms_section,
    "answers": answers_section,
}


# -- the live form --------------------------------------------------------------

class View(RoomView):
    """Answer the twelve statements and name the form the client wants."""

    framework = "brand_communities"
    sections = SECTIONS
    empty_chart = "No chart yet: answer the questionnaire statements on the left."

    def _build_inputs(self) -> widgets.Widget:
        inp = self.state.inputs
        half = widgets.Layout(width="48%")
        self._brand = widgets.Text(inp.brand, description="Brand", continuous_update=False, layout=half)
        self._community = widgets.Text(inp.community, description="Community", continuous_update=False, layout=half)
        self._target = widgets.Dropdown(options=TARGET_OPTIONS, value=inp.target_form,
                                        description="Client wants", layout=widgets.Layout(width="300px"))
        for w, field in ((self._brand, "brand"), (self._community, "community"), (self._target, "target_form")):
            w.style.description_width = "90px"
            w.observe(lambda c, f=field: self._set(f, c["new"]), names="value")
            self._bind(w, lambda state, f=field: getattr(state.inputs, f))
        self._progress = widgets.HTML()
        self._answers: dict[str, widgets.ToggleButtons] = {}
        groups = []
        for form in bc.FORMS:
            rows = [widgets.HTML(f"<b>{esc(GROUP_TITLES[form])}</b>")]
            for s in (x for x in bc.STATEMENTS if x.form == form):
                buttons = widgets.ToggleButtons(options=ANSWER_OPTIONS, value=inp.answers.get(s.id) or NOT_ANSWERED,
                                                style={"button_width": "34px"}, tooltips=ANSWER_TOOLTIPS)
                buttons.add_class(f"wb-statement-{s.id}")
                buttons.observe(lambda c, sid=s.id: self._answer(sid, c["new"]), names="value")
                self._answers[s.id] = self._bind(buttons, lambda state, sid=s.id: state.inputs.answers.get(sid)
                                                 or NOT_ANSWERED)
                rows.append(widgets.HBox([widgets.HTML(esc(s.text), layout=widgets.Layout(width="62%")), buttons]))
            groups.append(widgets.VBox(rows))
        self._after_change()
        return widgets.VBox([
            widgets.HBox([self._brand, self._community]), widgets.HBox([self._target, self._progress]),
            widgets.HTML("<i>1 = strongly disagree \u2026 5 = strongly agree; \u2013 = not answered "
                         "(click it to clear an answer)</i>"), *groups,
        ])

    def _answer(self, statement: str, value: int | None) -> None:
        def change(doc: bc.Inputs) -> None:
            if value in (None, NOT_ANSWERED):
                doc.answers.pop(statement, None)
            else:
                doc.answers[statement] = value
        self._apply(change)

    def _after_change(self) -> None:
        res = self.state.result
        text = f"answered <b>{res.answered}</b> of {res.total}"
        if res.dominant:
            text += f" \u00b7 dominant form <b class='wb-form'>{esc(bc.FORM_INFO[res.dominant].label)}</b>"
        self._progress.value = "&nbsp; " + text
