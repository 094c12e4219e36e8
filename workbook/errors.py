"""Errors raised by the workbook.

Every error the workbook raises on purpose derives from :class:`WorkbookError`.
Errors about bad input carry one or more :class:`Problem` records, each naming
the field, the value that was given and what is allowed, so that a notebook, the
CLI and a report can all say exactly what to fix.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, TypeVar, get_args

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


class SchemaVersionError(InvalidInput):
    """A document has a schema version newer than this release reads.

    An :class:`InvalidInput` whose first problem is ``schema_version``; its
    message says which version was found and that the package needs upgrading.
    """

    def _message(self) -> str:
        head = f"{self.context}: " if self.context else ""
        rest = "".join(f"\n  - {p}" for p in self.problems[1:])
        return (f"{head}the document has schema_version {self.value}, this release reads schema version "
                f"{self.allowed}; upgrade the workbook package{rest}")


class ReportError(WorkbookError):
    """A report could not be produced (execution, export or PDF)."""


class ConflictError(WorkbookError):
    """A save would overwrite changes another session made since this one read the file."""


def from_pydantic(exc: Any, context: str = "", prefix: str = "", model: type[BaseModel] | None = None) -> InvalidInput:
    """Turn a :class:`pydantic.ValidationError` into :class:`InvalidInput`.

    Parameters
    ----------
    exc : pydantic.ValidationError
        The error to convert.
    context : str, optional
        What was being validated.
    prefix : str, optional
        Prepended to every field path.
    model : type of pydantic.BaseModel, optional
        The model validated; lets an unknown key's problem list the known fields.

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
        if err.get("type") == "extra_forbidden":
            problems.append(_unknown_key_problem(model, err, field) if model is not None
                            else Problem(field, err.get("input"), f"Extra inputs are not permitted: "
                                                                  f"{field!r} is not a field here"))
            continue
        allowed = ctx.get("allowed") or err.get("msg", "a valid value")
        problems.append(Problem(field, err.get("input"), str(allowed)))
    return InvalidInput(problems, context)


def _known_fields(model: type[BaseModel], loc: tuple) -> list[str]:
    """The field names of the (nested) model that holds ``loc``; empty when it cannot be told."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        field = current.model_fields.get(part) if isinstance(current, type) and issubclass(current, BaseModel) else None
        if field is None:
            return []
        current = _inner_model(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside an annotation such as ``list[Item] | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _unknown_key_problem(model: type[BaseModel], err: Mapping[str, Any], field: str) -> Problem:
    """A plain problem for a key the model does not have (``extra="forbid"``)."""
    loc = tuple(err.get("loc", ()))
    known = _known_fields(model, loc[:-1])
    key = loc[-1] if loc else field
    where = f"the fields are {', '.join(known)}" if known else "check the spelling"
    return Problem(field, err.get("input"),
                   f"Extra inputs are not permitted: {key!r} is not a field here; {where}")


def _version_problem(model: type[BaseModel], data: Mapping[str, Any]) -> tuple[Problem | None, bool]:
    """Check a document's ``schema_version`` against the model's; returns (problem, newer)."""
    field = model.model_fields.get("schema_version")
    if field is None or "schema_version" not in data:
        return None, False
    supported = field.default if isinstance(field.default, int) else 1
    version = data["schema_version"]
    if isinstance(version, int) and not isinstance(version, bool) and 1 <= version <= supported:
        return None, False
    newer = isinstance(version, int) and not isinstance(version, bool) and version > supported
    allowed = str(supported) if supported == 1 else f"1 to {supported}"
    return Problem("schema_version", version, allowed), newer


def validated(model: type[M], data: M | Mapping[str, Any], context: str = "") -> M:
    """Return ``data`` as a ``model``, raising :class:`InvalidInput` when it is not one.

    The one validation path: pure modules (``evaluate`` takes a dict or a
    model), the store (every saved document) and the views all go through it.

    - An instance of ``model`` is returned as it is.
    - A mapping is validated; every problem is named at once, each with the
      field, the value and what is allowed.
    - ``schema_version`` is checked here and nowhere else: a version this
      release does not know is a problem, and a newer one raises
      :class:`SchemaVersionError` (an :class:`InvalidInput`) saying to upgrade.
    - A key the model does not have (a misspelt ``respondnets``) is refused
      with a plain problem naming the key and the known fields, for models
      that forbid unknown keys (every ``Inputs`` and the profile do).

    Parameters
    ----------
    model : type of pydantic.BaseModel
        The model to validate against, usually the framework's ``Inputs``.
    data : model instance or mapping
        What to validate.
    context : str, optional
        What was being validated, e.g. ``"nps inputs"``.

    Returns
    -------
    model instance

    Raises
    ------
    InvalidInput
        With one problem per thing wrong (see :func:`from_pydantic`).
    SchemaVersionError
        When the document is from a newer release.
    """
    if isinstance(data, model):
        return data
    if not isinstance(data, Mapping):
        raise InvalidInput.one("(document)", type(data).__name__,
                               "a dict of field names and values", context)
    version_problem, newer = _version_problem(model, data)
    problems = [version_problem] if version_problem else []
    try:
        value = model.model_validate(dict(data))
    except ValidationError as exc:
        found = from_pydantic(exc, model=model).problems
        problems += [p for p in found if not (version_problem and p.field == "schema_version")]
    if problems:
        raise (SchemaVersionError if newer else InvalidInput)(problems, context)
    from .checks import document_problems  # the checks every input gets (finite numbers, dates, blank names)

    problems = document_problems(value)
    if problems:
        raise InvalidInput(problems, context)
    return value


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
