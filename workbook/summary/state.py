"""One client's executive summary with no widgets: what it reads, what it saves.

:class:`SummaryState` holds the headlines the framework notebooks recorded
next to the client's report (``<framework>.headline.json``, read with
:func:`workbook.store.read_report_json`), the consultant's saved plan
(``summary.json`` in the client's folder, read with :meth:`Store.load`) and the
result of :func:`workbook.frameworks.summary.evaluate`.

:meth:`SummaryState.edit` is the only way the plan is saved: it hands one user
edit (a function of :mod:`workbook.summary.plan`) to :meth:`Store.update`,
which applies it under the client's lock to the document as saved, so an
editor's out-of-date copy of the plan is never written back over another
session's changes.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Callable, Sequence

from .. import registry
from ..errors import WorkbookError
from ..frameworks import summary as logic
from ..store import Profile, Store, read_report_json

log = logging.getLogger(__name__)

FRAMEWORK = "summary"
HEADLINE = ".headline"

__all__ = ["FRAMEWORK", "SummaryState", "framework_titles", "read_headlines"]


def framework_titles(names: Sequence[str] | None = None) -> list[tuple[str, str]]:
    """``(name, title)`` of the registered frameworks (all, or ``names``), in report order."""
    return [(fw.name, fw.title) for fw in registry.REGISTRY if names is None or fw.name in names]


def read_headlines(reports_dir: str | Path, client: str, names: Sequence[str] | None = None) -> dict[str, dict]:
    """The headlines recorded next to a client's report.

    Missing ones are left out; an unreadable one is left out with a warning in
    the log (the summary then lists that framework as having no result).
    """
    found = {}
    for name, _ in framework_titles(names):
        try:
            data = logic.clean_headline(read_report_json(reports_dir, client, name + HEADLINE))
        except WorkbookError as exc:
            log.warning("%s: unreadable headline of %s: %s", client, name, exc)
            continue
        if data is not None:
            found[name] = data
    return found


class SummaryState:
    """One client's summary inputs and result, with no widgets.

    Parameters
    ----------
    client : str
    profile : Profile
    inputs : Inputs
        The saved plan and note.
    headlines : dict
        ``{framework: headline}`` as recorded.
    frameworks : list of (name, title)
        The frameworks the summary lists, in report order.
    """

    def __init__(self, client: str, profile: Profile, inputs: logic.Inputs, headlines: dict[str, dict],
                 frameworks: list[tuple[str, str]]) -> None:
        self.client = client
        self.profile = profile
        self.inputs = inputs
        self.headlines = headlines
        self.frameworks = frameworks
        self.result = logic.evaluate(inputs, headlines, frameworks)

    @classmethod
    def load(cls, store: Store, client: str, reports_dir: str | Path,
             frameworks: Sequence[str] | None = None) -> "SummaryState":
        """Read the saved plan and the recorded headlines through the store."""
        inputs = store.load(client, FRAMEWORK, logic.Inputs) or logic.Inputs()
        return cls(client, store.load_profile(client), inputs, read_headlines(reports_dir, client, frameworks),
                   framework_titles(frameworks))

    def replace(self, inputs: logic.Inputs) -> None:
        """Swap in new inputs and recompute."""
        self.inputs = inputs
        self.result = logic.evaluate(inputs, self.headlines, self.frameworks)

    def edit(self, store: Store, change: Callable[..., logic.Inputs], *args: Any) -> logic.Inputs:
        """Save one user edit through the store's locked update and take in the plan as saved.

        Parameters
        ----------
        store : Store
        change : callable
            A function of :mod:`workbook.summary.plan`; it is called as
            ``change(saved, *args)`` (``args`` start with the proposed actions
            where the function needs them) on the document as it is on disk.

        Returns
        -------
        Inputs
            The plan as saved, including other sessions' changes.

        Raises
        ------
        InvalidInput
            When the edit is not allowed (nothing is saved; the state is
            refreshed from disk either way when it can be read).
        """
        try:
            saved = store.update(self.client, FRAMEWORK, logic.Inputs, lambda doc: change(doc, *args))
        except WorkbookError:
            self.reload(store)
            raise
        self.replace(saved)
        return saved

    def reload(self, store: Store) -> None:
        """Take in the plan as saved now (other sessions' edits included)."""
        try:
            self.replace(store.load(self.client, FRAMEWORK, logic.Inputs) or logic.Inputs())
        except WorkbookError:
            log.warning("%s: the saved plan could not be read again", self.client, exc_info=True)
