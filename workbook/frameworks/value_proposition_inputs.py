"""The value-proposition room's saved inputs (pydantic models, pure).

Holds :class:`Element` (one element of the offering against the next best
alternative) and :class:`Inputs` (the room's form); both are re-exported by
:mod:`workbook.frameworks.value_proposition`.
"""
from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from workbook.errors import InvalidInput, not_allowed, not_allowed_at
from .value_proposition_content import (
    MAX_ELEMENTS, MAX_NAME_CHARS, NUMBER_ALLOWED, SCHEMA_VERSION, PitchKind,
)


class Element(BaseModel):
    """One element of the offering compared with the next best alternative.

    Parameters
    ----------
    name : str
        What the element is, e.g. "Delivery lead time".
    supplier_view, customer_view : str
        How the supplier and the customer each see the element against the next
        best alternative: ``parity``, ``favorable`` or ``unfavorable``; the
        customer's view may also be ``unknown``.
    essential : bool
        For a point of parity: the customer will not buy without it.
    quantity, unit_value_usd : float, optional
        The value word equation: how many units (e.g. 1,200 hours of downtime
        avoided a year) times the money value of one unit.
    unit : str
        What the quantity counts, e.g. "hours of downtime avoided a year".
    assumption : str
        Where the figures come from and what they take for granted.
    improvement_value_usd : float, optional
        For a favorable difference: what improving it further would be worth to
        the customer over the foreseeable future (the article's test for the
        resonating focus), in money for the same period as the equations.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=MAX_NAME_CHARS)
    supplier_view: Literal["parity", "favorable", "unfavorable"] = "parity"
    customer_view: Literal["parity", "favorable", "unfavorable", "unknown"] = "unknown"
    essential: bool = False
    quantity: float | None = None
    unit: str = Field(default="", max_length=MAX_NAME_CHARS)
    unit_value_usd: float | None = None
    assumption: str = Field(default="", max_length=400)
    improvement_value_usd: float | None = None

    @field_validator("quantity", "unit_value_usd", "improvement_value_usd", mode="before")
    @classmethod
    def _number(cls, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            raise not_allowed("not a usable number", NUMBER_ALLOWED)
        return value


class Inputs(BaseModel):
    """Form inputs of the value-proposition room.

    Parameters
    ----------
    offering : str
        The client's offering being pitched.
    customer : str
        The target customer or segment.
    next_best_alternative : str
        What the customer would do or buy instead.
    current_pitch : str
        Which of the three kinds the client's current pitch is.
    value_period : str
        The period every value equation covers, e.g. "a year".
    elements : list of Element
        The elements compared with the next best alternative.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    schema_version: int = SCHEMA_VERSION
    offering: str = Field(default="", max_length=120)
    customer: str = Field(default="", max_length=120)
    next_best_alternative: str = Field(default="", max_length=120)
    current_pitch: PitchKind = "all_benefits"
    value_period: str = Field(default="a year", max_length=40)
    elements: list[Element] = Field(default_factory=list, max_length=MAX_ELEMENTS)

    @field_validator("elements")
    @classmethod
    def _unique_names(cls, elements: list[Element]) -> list[Element]:
        seen: dict[str, int] = {}
        for i, el in enumerate(elements):
            key = el.name.casefold()
            if key in seen:
                raise not_allowed_at(
                    (i, "name"), el.name, "element name used twice",
                    f"a name not already used by elements[{seen[key]}] (names are compared ignoring case)",
                )
            seen[key] = i
        return elements

    def element(self, name: str) -> Element:
        """Return the element called ``name``.

        Raises
        ------
        InvalidInput
            Naming the elements there are.
        """
        for el in self.elements:
            if el.name == name:
                return el
        raise InvalidInput.one("element", name, "one of " + (", ".join(e.name for e in self.elements) or "(none yet)"))

    def add_element(self, name: str) -> Element:
        """Add an element (a point of parity until its views are set), refusing blank or repeated names."""
        clean = (name or "").strip()
        taken = [e.name for e in self.elements]
        if not clean or len(clean) > MAX_NAME_CHARS or clean.casefold() in {t.casefold() for t in taken}:
            raise InvalidInput.one("element name", name, f"1 to {MAX_NAME_CHARS} characters, not already used"
                                   + (f" (taken: {', '.join(taken)})" if taken else ""))
        if len(self.elements) >= MAX_ELEMENTS:
            raise InvalidInput.one("elements", len(self.elements), f"at most {MAX_ELEMENTS} elements")
        el = Element(name=clean)
        self.elements.append(el)
        return el

    def remove_element(self, name: str) -> None:
        """Remove the element called ``name``."""
        self.elements.remove(self.element(name))
