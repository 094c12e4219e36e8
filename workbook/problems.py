"""Problems with an input and the error that carries them (:class:`InvalidInput`).

These live below :mod:`workbook.errors`, which re-exports them: the input checks
(:mod:`workbook.checks`) build problems and raise :class:`InvalidInput`, and the
one validation path in :mod:`workbook.errors` runs those checks, so neither
module imports the other in a circle.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable


def _short(value: Any, limit: int = 60) -> str:
    """Return ``repr(value)`` cut to ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input.

    Parameters
    ----------
    field : str
        Where the problem is, e.g. ``"respondents[0].answers[6]"`` or ``"row 14, score"``.
    value : Any
        The value that was given.
    allowed : str
        What would have been accepted, in plain words.
    """

    field: str
    value: Any
    allowed: str

    def __str__(self) -> str:
        return f"{self.field}: got {_short(self.value)}; allowed: {self.allowed}"


class WorkbookError(Exception):
    """Base class of every error the workbook raises on purpose."""


class InvalidInput(WorkbookError, ValueError):
    """One or more inputs are not acceptable.

    Parameters
    ----------
    problems : Problem or iterable of Problem
        What is wrong; at least one.
    context : str, optional
        What was being read, e.g. ``"sales_marketing inputs for client acme"``.

    Attributes
    ----------
    problems : list of Problem
    field, value, allowed
        Those of the first problem, for the common one-problem case.
    """

    def __init__(self, problems: Problem | Iterable[Problem], context: str = "") -> None:
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        if not self.problems:
            raise ValueError("InvalidInput needs at least one Problem")
        self.context = context
        first = self.problems[0]
        self.field, self.value, self.allowed = first.field, first.value, first.allowed
        super().__init__(self._message())

    def _message(self) -> str:
        head = f"{self.context}: " if self.context else ""
        if len(self.problems) == 1:
            return head + str(self.problems[0])
        lines = "\n".join(f"  - {p}" for p in self.problems)
        return f"{head}{len(self.problems)} problems\n{lines}"

    @classmethod
    def one(cls, field: str, value: Any, allowed: str, context: str = "") -> "InvalidInput":
        """Build the error for a single problem."""
        return cls(Problem(field, value, allowed), context)
