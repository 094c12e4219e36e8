"""Keeping a room's input widgets in step with the saved data, without building them again.

When another session saves a change, the live form must show it without
taking the widgets away from under the consultant: a Text box with
``continuous_update=False`` holds half-typed text only in the browser, and a
new widget would lose it (and the focus). So a room, while it builds its form,
says how each widget shows the saved state:

- :meth:`BindingMixin._bind` ties a widget trait (``value`` by default) to a
  function of the :class:`~workbook.room.RoomState`; after another session's
  change only the traits whose shown value differs are set, so an untouched
  field sends nothing to the browser.
- :meth:`BindingMixin._part` declares a box whose children depend on the
  *structure* of the data (the rows of a table, the brands of a portfolio),
  with a key that names that structure; only a part whose key changed is
  built again, and the rest of the form (and its open tab) stays. Inside a
  part, :meth:`BindingMixin._keep` keeps the rows that did not change.

The same refresh follows the consultant's own saves, so a box shows what
was saved (``7.5M`` becomes ``7,500,000``; a value refused earlier goes back to
the saved one once a later change is saved). Boxes whose text is saved only
with another action (the column names of an import) are not bound: what is
typed there waits for that action. A room that binds nothing is built again
as a whole, keeping the open tab.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, Hashable, Iterable, Iterator, TypeVar

import ipywidgets as widgets

W = TypeVar("W", bound=widgets.Widget)
#: The bindings made outside any part: the form itself.
FORM = ""


class BindingMixin:
    """Bound widgets and rebuildable parts of a room's form (mixed into :class:`~workbook.ui.base.RoomView`)."""

    _syncing: bool = False

    def _init_bindings(self) -> None:
        """Start with no bindings and no parts (before the form is built)."""
        self._bindings: dict[str, list[tuple[widgets.Widget, str, Callable]]] = {}
        self._parts: dict[str, tuple[widgets.Box, Callable[[], Iterable[widgets.Widget]], Callable]] = {}
        self._part_keys: dict[str, Hashable] = {}
        self._kept: dict[str, dict[Hashable, tuple[widgets.Widget, list]]] = {}  # part -> row key -> row
        self._kept_before: dict[Hashable, tuple[widgets.Widget, list]] = {}
        self._kept_now: dict[Hashable, tuple[widgets.Widget, list]] = {}
        self._building = FORM

    @contextmanager
    def _quiet(self) -> Iterator[None]:
        """Set widgets without saving: every observer sees ``self._syncing`` and does nothing."""
        previous, self._syncing = self._syncing, True
        try:
            yield
        finally:
            self._syncing = previous

    def _bind(self, widget: W, show: Callable[[Any], Any], trait: str = "value") -> W:
        """Tie ``widget.<trait>`` to ``show(state)``, what the form shows for the saved state.

        Parameters
        ----------
        widget : ipywidgets.Widget
        show : callable
            Takes the view's :class:`~workbook.room.RoomState` and returns the
            value the widget shows for it (as the form's builder sets it).
        trait : str, optional
            The trait to keep in step (``value``, ``options``, ``button_style`` ...).

        Returns
        -------
        The widget, so a builder can bind where it creates.
        """
        self._bindings.setdefault(self._building, []).append((widget, trait, show))
        return widget

    def _part(self, name: str, box: widgets.Box, build: Callable[[], Iterable[widgets.Widget]],
              key: Callable[[Any], Hashable]) -> widgets.Box:
        """Fill ``box`` with ``build()`` now, and again whenever ``key(state)`` changes.

        Parameters
        ----------
        name : str
            The part's name (for :meth:`_rebuild_part`).
        box : ipywidgets.Box
            The container whose children the part owns.
        build : callable
            Returns the children; the bindings it makes belong to the part and
            are dropped when it is built again. Parts do not nest.
        key : callable
            The structure of the saved state that the children depend on,
            e.g. the tuple of row names.

        Returns
        -------
        ipywidgets.Box
            ``box``.
        """
        self._parts[name] = (box, build, key)
        self._rebuild_part(name)
        return box

    def _rebuild_part(self, name: str) -> None:
        """Build part ``name`` again from the current state (after a change of its structure)."""
        box, build, key = self._parts[name]
        outer, self._building = self._building, name
        self._bindings[name] = []
        kept = self._kept
        self._kept_before, self._kept_now = kept.get(name, {}), {}
        try:
            children = tuple(build())
        finally:
            self._building = outer
            kept[name], self._kept_before, self._kept_now = self._kept_now, {}, {}
        self._part_keys[name] = key(self.state)
        box.children = children

    def _keep(self, key: Hashable, make: Callable[[], W]) -> W:
        """Inside a part's build: the widget made for ``key`` in the part's last build, else ``make()``.

        A row whose ``key`` names everything its widgets were built from (the
        element's name, a brand's name, products and endorser choices) is kept
        with its bindings when the part is built again for another row's sake:
        another session adding an element does not take away the text being
        typed in this one (a Text box with ``continuous_update=False`` holds it
        only in the browser). Its bound values are then set as usual.
        """
        part = self._building
        before = self._kept_before.get(key)
        if before is not None:
            widget, bindings = before
            self._bindings[part].extend(bindings)
        else:
            start = len(self._bindings[part])
            widget = make()
            bindings = self._bindings[part][start:]
        self._kept_now[key] = (widget, list(bindings))
        return widget

    def _shown_saved(self) -> dict[tuple[int, str], Any]:
        """What every bound trait shows for the current saved state (taken before another session's change)."""
        return {(id(widget), trait): _plain(show(self.state))
                for bound in self._bindings.values() for widget, trait, show in bound}

    def _show_saved(self, before: dict[tuple[int, str], Any] | None = None) -> None:
        """Show ``self.state`` in the form: changed parts built again, then every bound trait that differs set.

        With ``before`` (:meth:`_shown_saved` from before another session's
        change), a widget whose saved value did not move keeps what it shows:
        an entry refused a moment ago stays there, beside its message, for the
        consultant to correct, while the other session's changes arrive.
        """
        with self._quiet():
            for name, (_, _, key) in list(self._parts.items()):
                if key(self.state) != self._part_keys.get(name):
                    self._rebuild_part(name)
            for bound in list(self._bindings.values()):
                for widget, trait, show in bound:
                    value = _plain(show(self.state))
                    if getattr(widget, trait) != value:
                        if before is not None and before.get((id(widget), trait), _NEW) == value:
                            continue  # unsaved (refused) entry over an unchanged saved value: left as it is
                        _set_trait(widget, trait, value)
                        self._forget_refusal(widget)

    def _forget_refusal(self, widget: widgets.Widget) -> None:
        """Clear the message beside ``widget`` once it shows a saved value again (hook; see RoomView)."""

    @property
    def _bound(self) -> bool:
        """Whether the room bound its widgets (else the form is built again to show a change)."""
        return bool(self._parts) or any(self._bindings.values())

    def _reload_inputs(self, before: dict[tuple[int, str], Any] | None = None) -> None:
        """Show ``self.state`` in the input widgets after another session's change.

        Bound widgets are set in place (see :meth:`_show_saved`, which ``before``
        is passed to); a room that bound nothing is built again as a whole,
        keeping the open tab.
        """
        if self._inputs_box is None:
            return
        if self._bound:
            self._show_saved(before)
            return
        old = self._inputs_box.children[0] if self._inputs_box.children else None
        tab = getattr(old, "selected_index", None) if isinstance(old, widgets.Tab) else None
        self._init_bindings()
        new = self._build_inputs()
        if tab is not None and isinstance(new, widgets.Tab) and tab < len(new.children):
            new.selected_index = tab
        self._inputs_box.children = (new,)


#: Marks a trait that was not bound before (a row built for the change): always set.
_NEW = object()


def _plain(value: Any) -> Any:
    """A bound value as a widget trait holds it (lists become tuples)."""
    return tuple(value) if isinstance(value, list) else value


def _set_trait(widget: widgets.Widget, trait: str, value: Any) -> None:
    """Set one trait; new ``options`` keep the pick while it is still among them.

    A selection widget jumps to its first option whenever its options are
    set; the pick on screen (a respondent, an offer) is put back.
    """
    kept = getattr(widget, "value", None) if trait == "options" else None
    setattr(widget, trait, value)
    if kept is not None and widget.value != kept and kept in (
            o[1] if isinstance(o, tuple) and len(o) == 2 else o for o in value):
        widget.value = kept
