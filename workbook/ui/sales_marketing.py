"""The Sales and Marketing room: result sections and the live widget form."""
from __future__ import annotations

import numpy as np
import ipywidgets as widgets

from matplotlib.lines import Line2D

from ..charts import BAND_FILLS, PALETTE, hbars, label_margin, layered, new_figure, short_label, style_axes
from ..frameworks import sales_marketing as sm
from ..html import badge, bullets, card, esc, para, progress, table
from ..methods import marker
from .base import Context, RoomView

ROLE_COLOURS = {"Sales": PALETTE["sales"], "Marketing": PALETTE["marketing"], "Other": PALETTE["other"]}
TYPE_STATUS = sm.STATUS_BY_TYPE  # the pure module's statuses, in the one vocabulary (workbook.formatting)


# -- sections (shared by the live view and the report) ---------------------------

def headline_section(ctx: Context) -> str:
    """The team's type, average and who has answered."""
    res = ctx.result
    rows = []
    if res.assessment is None:
        rows.append(para("No respondent has answered all 20 statements yet."))
    else:
        a = res.assessment
        rows.append(f'<p style="font-size:120%">Relationship type: {badge(a.relationship_type, TYPE_STATUS[a.relationship_type])} '
                    f'&nbsp; team average <b>{a.team_total:.1f}</b> of 100 from {len(a.respondents)} respondent(s)</p>')
        by_role = ", ".join(f"{esc(role)} {total:.1f}" for role, total in a.role_totals.items())
        rows.append(para(f"Average total by side: {by_role}."))
        if res.conditions is not None:
            rows.append(para(res.conditions.advice))
        rows.append(marker(sm.WORKBOOK_RULES, "team_type", "status"))
    if res.incomplete:
        rows.append(para("Still answering (not in the totals): " +
                         ", ".join(f"{name} ({n}/20)" for name, n in res.incomplete) + "."))
    return card("Summary", "".join(rows))


def _totals_key(ctx: Context):
    a = ctx.result.assessment
    return None if a is None else (tuple(a.respondents), a.team_total)


def _comparison_key(ctx: Context):
    a = ctx.result.assessment
    return None if a is None else tuple(map(tuple, a.by_statement[["Sales", "Marketing"]].round(6).to_numpy().tolist()))


def _people_key(ctx: Context):
    a = ctx.result.assessment
    return None if a is None else tuple((p.name, p.role) for p in a.respondents)


def _totals_data(ax, ctx: Context) -> list:
    a = ctx.result.assessment
    people = a.respondents
    y = np.arange(len(people))
    artists = hbars(ax, y, [p.total for p in people], [ROLE_COLOURS[p.role] for p in people])
    for yi, p in zip(y, people):
        artists.append(ax.text(p.total + 0.8, yi, str(p.total), va="center", fontsize=8, color=PALETTE["ink"]))
    artists.append(ax.axvline(a.team_total, color=PALETTE["accent"], linestyle="--", linewidth=1.2, zorder=3))
    artists.append(ax.text(a.team_total, len(people) - 0.45, f"team average {a.team_total:.1f}", ha="center",
                           va="top", fontsize=7.5, color=PALETTE["accent"],
                           bbox={"facecolor": "white", "edgecolor": "none", "pad": 1}))
    return artists


@layered(_people_key, _totals_data, _totals_key)
def totals_section(ctx: Context):
    """Each respondent's total against the four bands."""
    people = ctx.result.assessment.respondents
    labels = [short_label(f"{p.name} ({p.role})") for p in people]
    fig = new_figure(7.0, 1.4 + 0.32 * max(len(people), 3), left=label_margin(labels), top=0.35, bottom=0.55)
    ax = fig.add_subplot()
    for (low, high, name), fill in zip(sm.BANDS, BAND_FILLS):
        ax.axvspan(low - 0.5, high + 0.5, color=fill, zorder=0)
        ax.text((low + high) / 2, -0.75, name, ha="center", va="center", fontsize=8.5, color=PALETTE["ink"])
    ax.set_yticks(np.arange(len(people)), labels)
    ax.set_xlim(sm.TOTAL_MIN - 0.5, sm.TOTAL_MAX + 0.5)
    ax.set_ylim(len(people) - 0.2, -1.1)
    ax.set_xlabel("Total score (dashed line: the team's average)", fontsize=8.5)
    ax.set_title("Totals by respondent against the four relationship types", loc="left")
    style_axes(ax)
    return fig, ax


def _sides_present(ctx: Context):
    a = ctx.result.assessment
    if a is None or a.by_statement[["Sales", "Marketing"]].isna().all(axis=None):
        return None
    return True


def _comparison_data(ax, ctx: Context) -> list:
    a = ctx.result.assessment
    t = a.by_statement
    y = t["statement"].to_numpy()
    artists = [ax.hlines(y, t[["Sales", "Marketing"]].min(axis=1), t[["Sales", "Marketing"]].max(axis=1),
                         color=PALETTE["grid"], linewidth=3, zorder=1)]
    for role in ("Sales", "Marketing"):
        artists.append(ax.scatter(t[role], y, color=ROLE_COLOURS[role], zorder=2, s=28))
    for _, row in a.disagreements.iterrows():
        artists.append(ax.text(5.15, row["statement"], f"gap {row['gap']:+.1f}", va="center", fontsize=7.5,
                               color=PALETTE["bad"]))
    return artists


@layered(_sides_present, _comparison_data, _comparison_key)
def comparison_section(ctx: Context):
    """Sales against Marketing, statement by statement."""
    fig = new_figure(7.0, 5.0, left=0.5, top=0.75, bottom=0.6)
    ax = fig.add_subplot()
    y = np.arange(1, sm.N_STATEMENTS + 1)
    ax.set_yticks(y, [f"S{i}" for i in y])
    ax.set_xlim(0.8, 5.7)
    ax.set_ylim(sm.N_STATEMENTS + 0.6, 0.4)
    ax.set_xticks(range(1, 6), ["1 strongly\ndisagree", "2", "3", "4", "5 strongly\nagree"])
    handles = [Line2D([], [], marker="o", linestyle="", color=ROLE_COLOURS[role], label=role)
               for role in ("Sales", "Marketing")]
    ax.legend(handles=handles, loc="lower left", fontsize=8, frameon=False, ncols=2, bbox_to_anchor=(0, 1.0))
    ax.set_title("Average answer by side, statement by statement", loc="left", pad=22)
    style_axes(ax)
    return fig, ax


def disagreements_section(ctx: Context) -> str:
    """Where Sales and Marketing see the relationship differently."""
    a = ctx.result.assessment
    if a is None:
        return ""
    t = a.by_statement
    if t[["Sales", "Marketing"]].isna().any(axis=None):
        return card("Where the two sides differ", para(
            "Comparing the sides needs complete answers from at least one person in Sales and one in Marketing."))
    if a.disagreements.empty:
        return card("Where the two sides differ", para(
            f"Sales and Marketing answer every statement within {sm.DISAGREEMENT_MIN_GAP:.0f} point of each other."))
    top = a.disagreements.head(5)[["statement", "text", "Sales", "Marketing", "gap"]].rename(
        columns={"statement": "#", "text": "Statement", "gap": "Gap (Sales \u2212 Marketing)"})
    return card("Where the two sides differ most",
                para(f"{len(a.disagreements)} statement(s) differ by a point or more; the largest gaps are "
                     "where a joint conversation pays off first.") + table(top, "{:.1f}")
                + marker(sm.WORKBOOK_RULES, "disagreement"))


def advice_section(ctx: Context) -> str:
    """What the current type means and what to do about it."""
    g = ctx.result.guidance
    if g is None:
        return ""
    c = ctx.result.conditions
    parts = [f"<h4>What {esc(sm._a(g.relationship_type))} relationship looks like</h4>", bullets(g.description)]
    if c is not None:
        parts.append(f'<p class="wb-advice-verdict"><b>{esc(c.advice)}</b></p>')
    recorded = ctx.inputs
    for kind, title, items in (("stay", "Leave it as it is if", g.stay_if),
                               ("tighten", "Bring the two functions closer if", g.tighten_if)):
        if not items:
            continue
        ids = [cid for cid, (rel, k, _) in sm.CONDITIONS.items() if rel == g.relationship_type and k == kind]
        marks = {"holds": "&#9745; holds", "does not hold": "&#9744; does not hold", "not recorded": "? not recorded"}
        parts += [f"<h4>{title}</h4>", "<ul>" + "".join(
            f"<li>{esc(text)} <i>({marks[recorded.condition_choice(cid)]})</i></li>" for cid, text in zip(ids, items))
            + "</ul>"]
    if c is not None and c.stay_held and c.tighten_held:
        parts.append(marker(sm.WORKBOOK_RULES, "both_hold"))
    if g.step_up and (c is None or c.verdict != "keep"):
        parts += [f"<h4>Moving up to {esc(g.step_up.target)}: signs it is time</h4>", bullets(g.step_up.signs),
                  "<h4>How</h4>", bullets(g.step_up.actions)]
    elif g.step_up:
        parts.append(para(f"How to move up to {g.step_up.target} is left out while the article's conditions say to "
                          "keep the relationship as it is."))
    else:
        parts.append(para("Integrated is the closest relationship in the framework: keep the shared systems, "
                          "metrics and rewards working, and watch that the integration still pays for its cost."))
    return card(f"Advice for {sm._a(g.relationship_type)} relationship", "".join(parts))


def checklist_section(ctx: Context) -> str:
    """Integration checklist progress, group by group."""
    prog, ticks = ctx.result.checklist, ctx.inputs.checklist
    parts = [progress(prog.done, prog.total, "All tasks")]
    for group, items in sm.CHECKLIST.items():
        done, total = prog.groups[group]
        parts.append(progress(done, total, group))
        parts.append("<ul class='wb-checklist'>" + "".join(
            f"<li>{'&#9745;' if ticks.get(i) else '&#9744;'} {esc(text)}</li>" for i, text in items) + "</ul>")
    return card("Integration checklist", "".join(parts))


def team_roles_section(ctx: Context) -> str:
    """The product-team view: what each function contributes."""
    rows = "".join(f"<li><b>{esc(role)}</b>: {esc(text)}</li>" for role, text in sm.PRODUCT_TEAM_ROLES.items())
    return card("A product team that works across the line", f"<ul>{rows}</ul>" + para(sm.PRODUCT_TEAM_NOTE))


SECTIONS = {
    "headline": headline_section,
    "totals": totals_section,
    "comparison": comparison_section,
    "disagreements": disagreements_section,
    "advice": advice_section,
    "checklist": checklist_section,
    "team_roles": team_roles_section,
}


# -- the live form --------------------------------------------------------------

class View(RoomView):
    """Answer the diagnostic for each respondent and tick the checklist."""

    framework = "sales_marketing"
    sections = SECTIONS
    empty_chart = "No chart yet: add a respondent and answer all 20 statements (both sides for the comparison)."

    def _build_inputs(self) -> widgets.Widget:
        names = [r.name for r in self.state.inputs.respondents]
        self._who = widgets.Dropdown(options=names, value=names[0] if names else None, description="Respondent")
        self._who.observe(lambda _: self._show_respondent(), names="value")
        self._bind(self._who, lambda state: [r.name for r in state.inputs.respondents], "options")
        self._bind(self._who, self._respondent_to_show)
        self._new_name = widgets.Text(placeholder="Name of new respondent", layout=widgets.Layout(width="220px"))
        self._new_role = widgets.Dropdown(options=sm.ROLES, value="Sales", layout=widgets.Layout(width="120px"))
        add = widgets.Button(description="Add respondent", icon="plus")
        add.on_click(lambda _: self._add_respondent())
        self._progress = widgets.HTML()
        self._answers: list[widgets.ToggleButtons] = []
        rows = []
        for i, text in enumerate(sm.STATEMENTS):
            buttons = widgets.ToggleButtons(options=[("1", 1), ("2", 2), ("3", 3), ("4", 4), ("5", 5)], value=None,
                                            tooltips=[sm.ANSWER_LABELS[k] for k in range(1, 6)],
                                            style={"button_width": "34px"})
            buttons.add_class(f"wb-statement-{i + 1}")
            buttons.observe(lambda change, idx=i: self._answer(idx, change["new"]), names="value")
            self._answers.append(self._bind(buttons, lambda state, idx=i: self._answer_shown(state, idx)))
            rows.append(widgets.HBox([widgets.HTML(f"<b>{i + 1}.</b> {esc(text)}",
                                                   layout=widgets.Layout(width="62%")), buttons]))
        diagnostic = widgets.VBox([widgets.HBox([self._who, self._progress]),
                                   widgets.HBox([self._new_name, self._new_role, add, self._note("respondent")]),
                                   self._note("answers"),
                                   widgets.HTML("<i>1 = strongly disagree \u2026 5 = strongly agree</i>"), *rows])
        self._ticks: dict[str, widgets.Checkbox] = {}
        groups = []
        for group, items in sm.CHECKLIST.items():
            boxes = []
            for item_id, text in items:
                box = widgets.Checkbox(value=bool(self.state.inputs.checklist.get(item_id)), description=text,
                                       indent=False, layout=widgets.Layout(width="100%"))
                box.observe(lambda change, iid=item_id: self._tick(iid, change["new"]), names="value")
                self._ticks[item_id] = self._bind(box, lambda state, iid=item_id: bool(state.inputs.checklist.get(iid)))
                boxes.append(box)
            groups.append(widgets.VBox([widgets.HTML(f"<b>{esc(group)}</b>"), *boxes]))
        self._conditions: dict[str, widgets.Dropdown] = {}
        cond_rows = [widgets.HTML("<i>Record which of the article's conditions hold for this company; the "
                                  "advice and the status follow them.</i>")]
        for rel in sm.RELATIONSHIP_TYPES[:-1]:
            cond_rows.append(widgets.HTML(f"<b>If the relationship is {esc(rel)}</b>"))
            for cid, (crel, kind, text) in sm.CONDITIONS.items():
                if crel != rel:
                    continue
                pick = widgets.Dropdown(options=sm.CONDITION_CHOICES, value=self.state.inputs.condition_choice(cid),
                                        layout=widgets.Layout(width="150px"))
                pick.add_class(f"wb-condition-{cid}")
                pick.observe(lambda change, c=cid: self._condition(c, change["new"]), names="value")
                self._conditions[cid] = self._bind(pick, lambda state, c=cid: state.inputs.condition_choice(c))
                word = "stay" if kind == "stay" else "tighten"
                cond_rows.append(widgets.HBox([widgets.HTML(f"{word}: {esc(text)}", layout=widgets.Layout(width="62%")),
                                               pick]))
        tabs = widgets.Tab([diagnostic, widgets.VBox(groups), widgets.VBox(cond_rows)])
        tabs.set_title(0, "Diagnostic")
        tabs.set_title(1, "Checklist")
        tabs.set_title(2, "Conditions")
        self._show_respondent()
        return tabs

    # -- events ------------------------------------------------------------------
    def _answer(self, idx: int, value: int | None) -> None:
        if self._syncing or value is None:
            return
        if self._who.value is None:  # nobody to save the answer for: say so and clear the button
            self._say("answers", "No respondent yet: add one above (name and role), then click the answers.")
            self._noted.add("answers")
            self._set_status("Not saved: add a respondent first", "bad")
            with self._quiet():
                self._answers[idx].value = None
            return
        name = self._who.value

        def change(doc: sm.Inputs) -> None:
            doc.respondent(name).answers[idx] = value
        self._apply(change)

    def _tick(self, item_id: str, done: bool) -> None:
        if self._syncing:
            return

        def change(doc: sm.Inputs) -> None:
            doc.checklist[item_id] = bool(done)
        self._apply(change)

    def _condition(self, condition_id: str, choice: str) -> None:
        if self._syncing:
            return

        def change(doc: sm.Inputs) -> None:
            doc.set_condition(condition_id, choice)
        self._apply(change)

    def _add_respondent(self) -> None:
        name, role = self._new_name.value.strip(), self._new_role.value

        def change(doc: sm.Inputs) -> None:
            doc.add_respondent(name, role)
        if self._apply(change, field="respondent"):
            self._new_name.value = ""
            self._who.options = [r.name for r in self.state.inputs.respondents]
            self._who.value = name

    # -- keeping widgets in step with the state ----------------------------------
    def _respondent_to_show(self, state) -> str | None:
        """The respondent picked on screen while still saved, else the first one."""
        names = [r.name for r in state.inputs.respondents]
        return self._who.value if self._who.value in names else (names[0] if names else None)

    def _answer_shown(self, state, idx: int) -> int | None:
        """The saved answer to statement ``idx`` of the respondent picked on screen."""
        current = next((r for r in state.inputs.respondents if r.name == self._who.value), None)
        return current.answers[idx] if current else None

    def _show_respondent(self) -> None:
        with self._quiet():
            for idx, buttons in enumerate(self._answers):
                buttons.value = self._answer_shown(self.state, idx)
            for cid, pick in getattr(self, "_conditions", {}).items():
                pick.value = self.state.inputs.condition_choice(cid)
        self._after_change()

    def _current(self) -> sm.Respondent | None:
        name = self._who.value
        return next((r for r in self.state.inputs.respondents if r.name == name), None)

    def _after_change(self) -> None:
        current = self._current()
        if current is None:
            self._progress.value = "<i>Add a respondent to start.</i>"
            return
        if current.complete:
            s = sm.score(current.answers)
            text = (f"total <b class='wb-total'>{s.total}</b> \u2192 "
                    f"<b class='wb-type'>{esc(s.relationship_type)}</b>")
        else:
            text = f"answered <b>{current.answered}</b> of 20"
        self._progress.value = f"&nbsp; {esc(current.role)} \u00b7 {text}"
