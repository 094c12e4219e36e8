"""Errors raised by the workbook.

Every error the workbook raises on purpose derives from :class:`WorkbookError`.
Errors about bad input carry one or more :class:`Problem` records, each naming
the field, the value that was given and what is allowed, so that a notebook, the
CLI and a report can all say exactly what to fix.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

M = TypeVar("M", bound=BaseModel)


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


class InvalidSlug(InvalidInput):
    """A client slug is not lowercase letters, digits and single hyphens."""


class UnknownClient(WorkbookError, LookupError):
    """No client folder exists for the slug."""


class ClientExists(WorkbookError):
    """A client folder already exists where a new one was asked for."""


class UnknownFramework(WorkbookError, LookupError):
    """No framework of that name is registered."""


class SchemaVersionError(WorkbookError):
    """A saved file has a schema version this release cannot read."""


class ReportError(WorkbookError):
    """A report could not be produced (execution, export or PDF)."""


class ConflictError(WorkbookError):
    """A save would overwrite changes another session made since this one read the file."""


def from_pydantic(exc: Any, context: str = "", prefix: str = "") -> InvalidInput:
    """Turn a :class:`pydantic.ValidationError` into :class:`InvalidInput`.

    Parameters
    ----------
    exc : pydantic.ValidationError
        The error to convert.
    context : str, optional
        What was being validated.
    prefix : str, optional
        Prepended to every field path.

    Returns
    -------
    InvalidInput
        With one problem per pydantic error; the allowed text is pydantic's
        message, or the ``allowed`` entry a validator put in its context.
    """
    problems = []
    for err in exc.errors():
        loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err.get("loc", ()))
        field = (prefix + loc).lstrip(".") or "(document)"
        ctx = err.get("ctx") or {}
        allowed = ctx.get("allowed") or err.get("msg", "a valid value")
        problems.append(Problem(field, err.get("input"), str(allowed)))
    return InvalidInput(problems, context)


def validated(model: type[M], data: M | Mapping[str, Any], context: str = "") -> M:
    """Return ``data`` as a ``model``, raising :class:`InvalidInput` when it is not one.

    The one way a pure module turns ``Inputs | dict`` into its ``Inputs``.

    Parameters
    ----------
    model : type of pydantic.BaseModel
        The model to validate against, usually the framework's ``Inputs``.
    data : model instance or mapping
        An instance of ``model`` is returned as it is; anything else is validated.
    context : str, optional
        What was being validated, e.g. ``"nps inputs"``.

    Returns
    -------
    model instance

    Raises
    ------
    InvalidInput
        With one problem per pydantic error (see :func:`from_pydantic`).
    """
    if isinstance(data, model):
        return data
    try:
        doc = model.model_validate(data)
    except ValidationError as exc:
        raise from_pydantic(exc, context) from None
    from .checks import document_problems  # the checks every input gets (finite numbers, dates, blank names)

    problems = document_problems(doc)
    if problems:
        raise InvalidInput(problems, context)
    return doc


def not_allowed(message: str, allowed: str) -> PydanticCustomError:
    """Build a pydantic error whose ``allowed`` text :func:`from_pydantic` reports.

    Raise it from a pydantic validator for the field being validated.

    Parameters
    ----------
    message : str
        What is wrong, e.g. ``"unknown schema version"``.
    allowed : str
        What would have been accepted, in plain words.

    Returns
    -------
    pydantic_core.PydanticCustomError
    """
    return PydanticCustomError("workbook_value", message + " (allowed: {allowed})", {"allowed": allowed})


def not_allowed_at(loc: tuple, value: Any, message: str, allowed: str) -> ValidationError:
    """Build a pydantic validation error at ``loc`` inside the field being validated.

    For validators that check a whole list and must name the item at fault,
    e.g. ``(3, "name")`` for the name of the fourth item.

    Parameters
    ----------
    loc : tuple
        Where the problem is, relative to the field being validated.
    value : Any
        The value that was given.
    message, allowed : str
        As for :func:`not_allowed`.

    Returns
    -------
    pydantic.ValidationError
    """
    details = InitErrorDetails(type=not_allowed(message, allowed), loc=loc, input=value)
    return ValidationError.from_exception_data("Inputs", [details])
