"""The executive summary's action-plan editor (widgets); the rest of the summary is widget-free.

:class:`ActionPlanView` edits the plan: every change is one edit of
:mod:`workbook.summary.plan`, saved with :meth:`SummaryState.edit` (the store's
locked update on the document as saved, never this editor's copy of it) and
shown as "Saved hh:mm:ss" or "Not saved: <reason>". Rows are tied to actions by
their id, so an editor whose view is out of date changes only the line the
user touched, and redraws with what other sessions saved.

The names the notebook and older callers import from here are re-exported from
:mod:`workbook.summary`.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Callable

import ipywidgets as widgets

from ..errors import WorkbookError
from ..frameworks import summary as logic
from ..html import esc
from ..store import Store
from ..summary import plan
from ..summary.layout import PageSplit, page_split
from ..summary.page import SummaryPage, open_summary
from ..summary.portfolio import portfolio_body, portfolio_page
from ..summary.state import FRAMEWORK, SummaryState, framework_titles, read_headlines

log = logging.getLogger(__name__)

__all__ = ["ActionPlanView", "SummaryPage", "SummaryState", "PageSplit", "page_split", "open_summary",
           "portfolio_body", "portfolio_page", "framework_titles", "read_headlines", "FRAMEWORK"]


class ActionPlanView:
    """Edit the prioritised action plan; every change autosaves through the store's locked update.

    Parameters
    ----------
    store : Store
    state : SummaryState
    """

    def __init__(self, store: Store, state: SummaryState) -> None:
        self._store = store
        self.state = state
        self._box: widgets.VBox | None = None
        self._rows: widgets.VBox | None = None
        self._drawn: tuple[str, ...] = ()
        self._status: widgets.HTML | None = None
        self._fit: widgets.HTML | None = None
        self._note: widgets.Textarea | None = None

    def widget(self) -> widgets.Widget:
        """The editor (built on first call)."""
        if self._box is None:
            self._rows = widgets.VBox()
            add = widgets.Button(description="Add action", icon="plus")
            reset = widgets.Button(description="Use proposed actions", icon="refresh",
                                   tooltip="Replace the plan with the actions proposed from the frameworks")
            self._note = widgets.Textarea(value=self.state.inputs.note, placeholder="Note for the client (optional)",
                                          continuous_update=False, layout=widgets.Layout(width="100%", height="60px"))
            add.on_click(lambda _: self.add())
            reset.on_click(lambda _: self._apply(plan.use_proposed, self.state.result.proposed))
            self._note.observe(lambda ch: self._note_changed(ch["new"]), names="value")
            self._status = widgets.HTML(self._status_html("Loaded", "#7b8794"))
            self._fit = widgets.HTML()
            self._box = widgets.VBox([self._rows, widgets.HBox([add, reset]), self._note, self._fit, self._status],
                                     layout=widgets.Layout(width="100%"))
            self._draw_rows()
            self._show_fit()
        return self._box

    # -- edits (each one saved through the locked update) ----------------------------
    def add(self, action: logic.Action | dict | None = None) -> bool:
        """Add an action at the end of the plan ("New action" unless given)."""
        return self._apply(plan.add_action, self.state.result.proposed, action)

    def edit(self, action_id: str, field: str, value: Any) -> bool:
        """Change one field of the action ``action_id``."""
        return self._apply(plan.set_field, self.state.result.proposed, action_id, field, value)

    def remove(self, action_id: str) -> bool:
        """Remove the action ``action_id``."""
        return self._apply(plan.remove_action, self.state.result.proposed, action_id)

    def page_note(self) -> str:
        """What of the plan and note the next report prints on the summary page and what on the next."""
        s = self.state
        listed = [(n, t) for n, t in s.frameworks if self._store.has(s.client, n)]  # as the batch lists them
        result = s.result if listed == s.frameworks else logic.evaluate(s.inputs, s.headlines, listed)
        split = page_split(result)
        n, total = len(split.actions), len(result.plan)
        text = ("The report\u2019s summary page shows " + (f"all {total} actions" if n == total and total > 1
                else "the action" if n == total == 1 else "no action" if not total
                else f"the top {n} of {total} actions (open ones, highest priority first); the rest print on "
                "the page after it"))
        if split.more_note:
            text += "; the note is too long for the summary page and prints on the next"
        return text + "."

    # -- internals -----------------------------------------------------------------
    def _apply(self, change: Callable[..., logic.Inputs], *args: Any) -> bool:
        try:
            self.state.edit(self._store, change, *args)
        except WorkbookError as exc:
            self._set_status(f"Not saved: {exc}", "#c0392b")
            self._draw_rows(keep_values=True)  # the rejected entry stays in its box, next to the reason
            return False
        self._set_status(f"Saved {datetime.now():%H:%M:%S}", "#2a9d8f")
        self._draw_rows()
        self._show_fit()
        return True

    def _draw_rows(self, keep_values: bool = False) -> None:
        """Redraw the rows when the saved plan has other lines than shown, else refresh their values."""
        if self._rows is None:
            return
        plan_now = self.state.result.plan
        ids = tuple(a.id for a in plan_now)
        if ids != self._drawn:
            self._rows.children = tuple(self._row(a) for a in plan_now)
            self._drawn = ids
        elif not keep_values:
            for row, a in zip(self._rows.children, plan_now):
                prio, text, owner, when, done, _ = row.children
                for w, value in ((prio, a.priority), (text, a.action), (owner, a.owner), (when, a.timeframe),
                                 (done, a.done)):
                    if w.value != value:
                        w.value = value  # an observer fires; the edit equals the saved value: a no-op save
        if not keep_values and self._note is not None and self._note.value != self.state.inputs.note:
            self._note.value = self.state.inputs.note

    def _row(self, action: logic.Action) -> widgets.Widget:
        text = widgets.Text(value=action.action, layout=widgets.Layout(width="46%"), continuous_update=False)
        owner = widgets.Text(value=action.owner, placeholder="owner", layout=widgets.Layout(width="18%"),
                             continuous_update=False)
        when = widgets.Dropdown(options=list(logic.TIMEFRAMES), value=action.timeframe,
                                layout=widgets.Layout(width="15%"))
        prio = widgets.Dropdown(options=[(v, k) for k, v in logic.PRIORITIES.items()], value=action.priority,
                                layout=widgets.Layout(width="10%"))
        done = widgets.Checkbox(value=action.done, description="done", indent=False,
                                layout=widgets.Layout(width="7%"))
        remove = widgets.Button(icon="trash", tooltip="Remove", layout=widgets.Layout(width="36px"))
        fields = {"action": text, "owner": owner, "timeframe": when, "priority": prio, "done": done}
        for key, w in fields.items():
            w.observe(lambda ch, key=key: self._changed(action.id, key, ch["new"]), names="value")
        remove.on_click(lambda _: self.remove(action.id))
        return widgets.HBox([prio, text, owner, when, done, remove])

    def _changed(self, action_id: str, key: str, value: Any) -> None:
        current = next((a for a in self.state.result.plan if a.id == action_id), None)
        if current is not None and getattr(current, key) == value:
            return  # the widget was set to what is saved (a redraw), not edited
        self.edit(action_id, key, value)

    def _note_changed(self, note: str) -> None:
        if note != self.state.inputs.note:
            self._apply(plan.set_note, note)

    def _show_fit(self) -> None:
        if self._fit is not None:
            self._fit.value = (f'<span class="wb-page-fit" style="color:#7b8794;font-size:90%">'
                               f"{esc(self.page_note())}</span>")

    def _set_status(self, text: str, colour: str) -> None:
        if self._status is not None:
            self._status.value = self._status_html(text, colour)

    @staticmethod
    def _status_html(text: str, colour: str) -> str:
        return f'<span class="wb-save-state" style="color:{colour};font-size:90%">{esc(text)}</span>'
