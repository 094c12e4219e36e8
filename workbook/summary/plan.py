"""Edits to the executive summary's action plan, as pure functions of the saved document.

Each function takes the plan document *as saved* (``Inputs``) and applies one
user edit, returning the new document. The plan editor hands them to
:meth:`workbook.store.Store.update`, which runs them under the client's lock on
whatever is on disk at that moment, so two editors open on the same client
never undo each other: an action one of them added stays when the other edits,
and an edit made from a stale view changes only the line and field the user
touched (found by the action's ``id``, not by its position).

The first edit of a plan that was never edited starts from the proposed
actions (the ones the summary shows until then).
"""
from __future__ import annotations

from typing import Any, Sequence

from ..errors import InvalidInput, validated
from ..frameworks.summary import Action, Inputs, with_ids, new_id, validate_action

__all__ = ["add_action", "set_field", "remove_action", "use_proposed", "set_note"]


def _started(inputs: Inputs, proposed: Sequence[Action]) -> list[Action]:
    """The plan to edit: the saved one, or the proposed one on the first edit."""
    return [a.model_copy() for a in (inputs.actions if inputs.edited else with_ids(list(proposed)))]


def _saved(inputs: Inputs, actions: list[Action], **changes: Any) -> Inputs:
    doc = {**inputs.model_dump(), "edited": True, "actions": [a.model_dump() for a in actions], **changes}
    return validated(Inputs, doc, "summary")


def _index(actions: Sequence[Action], action_id: str) -> int:
    for i, a in enumerate(actions):
        if a.id == action_id:
            return i
    raise InvalidInput.one("action", action_id, "an action still in the plan (another session removed this one; "
                           "the plan now shows the saved lines)")


def add_action(inputs: Inputs, proposed: Sequence[Action], action: Action | dict | None = None) -> Inputs:
    """``inputs`` with one new action at the end (a fresh id unless it brings an unused one)."""
    new = validate_action(action if action is not None else {"action": "New action"})
    actions = _started(inputs, proposed)
    if not new.id or any(a.id == new.id for a in actions):
        new = new.model_copy(update={"id": new_id()})
    return _saved(inputs, actions + [new])


def set_field(inputs: Inputs, proposed: Sequence[Action], action_id: str, field: str, value: Any) -> Inputs:
    """``inputs`` with one field of one action changed (the action found by its id).

    Raises
    ------
    InvalidInput
        When the value is not allowed, or another session removed the action.
    """
    editable = [f for f in Action.model_fields if f != "id"]
    if field not in editable:
        raise InvalidInput.one("field", field, ", ".join(editable))
    actions = _started(inputs, proposed)
    i = _index(actions, action_id)
    actions[i] = validate_action({**actions[i].model_dump(), field: value})
    return _saved(inputs, actions)


def remove_action(inputs: Inputs, proposed: Sequence[Action], action_id: str) -> Inputs:
    """``inputs`` without the action ``action_id`` (the same plan when it is already gone)."""
    actions = _started(inputs, proposed)
    return _saved(inputs, [a for a in actions if a.id != action_id])


def use_proposed(inputs: Inputs, proposed: Sequence[Action]) -> Inputs:
    """``inputs`` with the plan replaced by the proposed actions (what the user asked for)."""
    return _saved(inputs, with_ids(list(proposed)))


def set_note(inputs: Inputs, note: str) -> Inputs:
    """``inputs`` with the consultant's note replaced (the plan untouched)."""
    return validated(Inputs, {**inputs.model_dump(), "note": note}, "summary")
