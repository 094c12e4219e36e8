"""Self-check exercises for students.

A lesson module (``workbook/lessons/<name>.py``) defines:

- ``EXAMPLE_CLIENT``: the fictional client the lesson works on;
- ``worked_example(ctx)``: a list of displayables (HTML strings or figures)
  walking through the framework on that client;
- ``EXERCISES``: a tuple of :class:`Exercise`, whose right answers are
  *computed* from the example client's data through the pure module.

In the notebook a student writes ``answer_1 = ...`` and runs
``lesson.check(1, answer_1)``, which says right or wrong, with a hint.
"""
from __future__ import annotations

import base64
import math
import threading
from dataclasses import dataclass
from typing import Any, Callable

from . import registry
from .errors import InvalidInput
from .charts import png_bytes
from .html import Html, card, esc, para
from .room import RoomState
from .store import Store


def inline_html(part: Any) -> str:
    """HTML for a renderer's output: strings as they are, figures as embedded PNG."""
    from matplotlib.figure import Figure

    if part is None:
        return ""
    if isinstance(part, Figure):
        data = base64.b64encode(png_bytes(part)).decode("ascii")
        return f'<img alt="chart" style="max-width:100%" src="data:image/png;base64,{data}"/>'
    return str(part)


@dataclass(frozen=True)
class Exercise:
    """One self-check question.

    Attributes
    ----------
    number : int
    question : str
    solve : callable
        ``solve(ctx) -> answer``, computed from the example data.
    hint : str
        Shown after a wrong answer.
    kind : {"number", "text", "set"}
        How answers are compared: numbers within ``tolerance``, text ignoring
        case and spaces, sets ignoring order.
    tolerance : float
        For numbers, the largest accepted absolute difference.
    """

    number: int
    question: str
    solve: Callable[[Any], Any]
    hint: str
    kind: str = "text"
    tolerance: float = 0.0


def _same(kind: str, given: Any, right: Any, tolerance: float) -> bool:
    if kind == "number":
        try:
            return math.isclose(float(given), float(right), rel_tol=0, abs_tol=tolerance or 1e-9)
        except (TypeError, ValueError):
            return False
    if kind == "set":
        try:
            return {str(x).strip().lower() for x in given} == {str(x).strip().lower() for x in right}
        except TypeError:
            return False
    return " ".join(str(given).split()).lower() == " ".join(str(right).split()).lower()


class Verdict(Html):
    """A check's verdict: displays as HTML; ``correct`` is True, False or None (no answer)."""

    correct: bool | None = None


def _verdict(text: str, correct: bool | None) -> Verdict:
    out = Verdict(text)
    out.correct = correct
    return out


class Lesson:
    """A framework's teaching material on its example client.

    Parameters
    ----------
    framework : str
        Registered framework name.
    data_dir : str
        The data folder holding the example client.
    state : RoomState, optional
        The example client's state as already read from that folder (a room
        opened on it); read from the folder when not given.
    """

    def __init__(self, framework: str, data_dir: str = "../data", state: RoomState | None = None) -> None:
        self.framework = registry.get(framework)
        self.module = self.framework.lesson
        self.client = self.module.EXAMPLE_CLIENT
        self.state = state if state is not None else RoomState.load(framework, Store(data_dir), self.client)
        self._exercises = {e.number: e for e in self.module.EXERCISES}
        self._worked: Html | None = None
        self._working = threading.Lock()

    @property
    def context(self):
        """The example client's renderer context."""
        return self.state.context

    def worked_example(self) -> Html:
        """The worked example as one HTML block (figures embedded as PNG); worked out once per lesson."""
        with self._working:  # a waiting kernel's warm-up may be rendering it right now: rendered once
            if self._worked is None:
                self._worked = Html("".join(inline_html(part) for part in self.module.worked_example(self.context)))
        return self._worked

    def exercise(self, number: int) -> Html:
        """Show the question of exercise ``number``."""
        ex = self._get(number)
        return card(f"Exercise {ex.number}", para(ex.question), "wb-exercise")

    def answer(self, number: int) -> Any:
        """The right answer (for teachers and tests)."""
        return self._get(number).solve(self.context)

    def check(self, number: int, given: Any) -> Verdict:
        """Say whether ``given`` answers exercise ``number``; a hint when it does not."""
        ex = self._get(number)
        if given is None or given == "" or given is ...:
            return _verdict(f'<div class="wb-check wb-pending">&#9998; Exercise {ex.number}: not answered yet. '
                        f"Set <code>answer_{ex.number}</code> above and run this cell again. "
                        f"Hint: {esc(ex.hint)}</div>", None)
        if _same(ex.kind, given, ex.solve(self.context), ex.tolerance):
            return _verdict(f'<div class="wb-check wb-right" style="color:#1b6f65">&#10004; Exercise {ex.number}: '
                        f"right, {esc(given)} is correct.</div>", True)
        return _verdict(f'<div class="wb-check wb-wrong" style="color:#c0392b">&#10008; Exercise {ex.number}: '
                    f"{esc(given)} is not it yet. Hint: {esc(ex.hint)}</div>", False)

    def _get(self, number: int) -> Exercise:
        if number not in self._exercises:
            raise InvalidInput.one("exercise", number, ", ".join(map(str, sorted(self._exercises))))
        return self._exercises[number]
