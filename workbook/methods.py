"""Methods and assumptions: what each framework takes from its source and what the workbook adds.

Every room declares two pieces of data next to its logic:

- ``FROM_SOURCE``: short phrases naming what the room takes from its source
  (cited through the registry);
- ``WORKBOOK_RULES``: a tuple of :class:`WorkbookRule` (name, value, reason)
  for every threshold, band or definition the workbook chose where the source
  is silent.

The live view and the report mark a rule where it shows with
:func:`marker`; the "Methods and assumptions" part that ends every client
report (:func:`methods_html`) reads the same data, so the three never differ.
"""
from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from typing import Iterable, Sequence

from .html import esc

log = logging.getLogger(__name__)

#: The label shown next to every rule of the workbook's own.
LABEL = "workbook rule"
TITLE = "Methods and assumptions"
INTRO = ("Each framework below lists first what it takes from its published source, then the rules the "
         "workbook adds where the source is silent. The workbook's rules are choices made so that a score can "
         "be read at a glance; they are marked \u201cworkbook rule\u201d wherever they show in this report.")
_STYLE = ("display:inline-block;font-size:75%;font-weight:600;letter-spacing:.02em;padding:0 .45em;"
          "border:1px solid #9aa5b1;border-radius:.7em;color:#52606d;background:#f5f7fa;margin-right:.35em")


@dataclass(frozen=True)
class WorkbookRule:
    """A rule of the workbook's own, where the source gives none.

    Attributes
    ----------
    key : str
        Short identifier, unique within its room (used to find the rule).
    name : str
        What the rule decides, in a few words.
    value : str
        The threshold, band or definition itself.
    reason : str
        One line on why the workbook uses it.
    """

    key: str
    name: str
    value: str
    reason: str


def rule(rules: Sequence[WorkbookRule], key: str) -> WorkbookRule:
    """The rule called ``key`` in a room's ``WORKBOOK_RULES``.

    Raises
    ------
    KeyError
        When the room declares no such rule (a programming error, not user input).
    """
    for r in rules:
        if r.key == key:
            return r
    raise KeyError(key)


def badge() -> str:
    """The small "workbook rule" label alone."""
    return f'<span class="wb-rule-badge" style="{_STYLE}">{LABEL}</span>'


def marker(rules: Sequence[WorkbookRule], *keys: str) -> str:
    """HTML marking one or more workbook rules where their result shows.

    Each rule gets one line: the label, what it decides, its value and its
    one-line reason, so the mark reads the same on screen, in HTML and in PDF.
    """
    lines = []
    for key in keys:
        r = rule(rules, key)
        lines.append(f'<div class="wb-rule" style="font-size:88%;color:#3e4c59;margin:.25em 0">{badge()}'
                     f'<b>{esc(r.name)}</b>: {esc(r.value)}. <i>{esc(r.reason)}</i></div>')
    return "".join(lines)


def marker_text(rules: Sequence[WorkbookRule], key: str) -> str:
    """The same mark as plain text (for tables and chart notes)."""
    r = rule(rules, key)
    return f"[{LABEL}] {r.name}: {r.value}. {r.reason}"


@dataclass(frozen=True)
class Methods:
    """One framework's part of the methods section."""

    framework: str
    title: str
    citation: str
    from_source: tuple[str, ...]
    rules: tuple[WorkbookRule, ...]


def collect(frameworks: Iterable[str] | None = None) -> list[Methods]:
    """Gather ``FROM_SOURCE`` and ``WORKBOOK_RULES`` of the named frameworks (all by default), in report order."""
    from . import registry

    wanted = set(frameworks) if frameworks is not None else None
    out = []
    for fw in registry.REGISTRY:
        if wanted is not None and fw.name not in wanted:
            continue
        module = importlib.import_module(f"workbook.frameworks.{fw.name}")
        out.append(Methods(fw.name, fw.title, fw.citation, tuple(getattr(module, "FROM_SOURCE", ())),
                           tuple(getattr(module, "WORKBOOK_RULES", ()))))
    return out


def framework_methods_html(m: Methods) -> str:
    """One framework's methods block: the source and what it gives, then the workbook's rules."""
    parts = [f"<h3>{esc(m.title)}</h3>", f"<p><b>Source:</b> {esc(m.citation)}.</p>"]
    if m.from_source:
        parts.append("<p><b>From the source:</b></p><ul>" + "".join(f"<li>{esc(s)}</li>" for s in m.from_source)
                     + "</ul>")
    if m.rules:
        parts.append(f"<p><b>The workbook's own rules</b> (marked {badge()} in the sections above):</p><ul>"
                     + "".join(f"<li><b>{esc(r.name)}</b>: {esc(r.value)}. <i>Why:</i> {esc(r.reason)}</li>"
                               for r in m.rules) + "</ul>")
    else:
        parts.append("<p>The workbook adds no rule of its own here.</p>")
    return "".join(parts)


def methods_html(frameworks: Iterable[str] | None = None) -> str:
    """The "Methods and assumptions" part of a client report, for the frameworks it covers."""
    found = collect(frameworks)
    if not found:
        return ""
    blocks = "".join(framework_methods_html(m) for m in found)
    return (f'<section class="wb-methods" style="break-before:page"><h2 id="methods">{TITLE}</h2><p>{esc(INTRO)}</p>{blocks}</section>')
