"""Small HTML builders for result cards; every piece of text is escaped.

Client-typed text (names, notes, respondents) goes through :func:`esc`, so a
client called ``<script>alert(1)</script>`` shows as that text in every view
and report.
"""
from __future__ import annotations

import html
from typing import Iterable

import pandas as pd

from .formatting import STATUS_COLOURS  # noqa: F401  (the one status vocabulary lives there)


def esc(value: object) -> str:
    """Escape any value for HTML text or attributes."""
    return html.escape("" if value is None else str(value), quote=True)


#: Classes that tell JupyterLab's MathJax to leave an element alone ("$5 and $7" is money, not maths).
NO_MATH = "mathjax_ignore tex2jax_ignore"


def no_math(body: str) -> str:
    """Wrap HTML so that JupyterLab does not typeset dollar amounts as formulas."""
    return f'<div class="{NO_MATH}">{body}</div>'


class Html(str):
    """A string that notebooks display as HTML (already escaped where needed)."""

    def _repr_html_(self) -> str:
        return no_math(str(self))


def card(title: str, body: str, kind: str = "") -> Html:
    """A titled block; ``body`` is trusted HTML built with these helpers."""
    return Html(f'<section class="wb-card {NO_MATH} {esc(kind)}"><h3>{esc(title)}</h3>{body}</section>')


def bullets(items: Iterable[str]) -> str:
    """An escaped bullet list."""
    return "<ul>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>"


def para(text: str) -> str:
    """An escaped paragraph."""
    return f"<p>{esc(text)}</p>"


def badge(text: str, status: str = "grey") -> str:
    """A coloured pill, e.g. for a type or a traffic light."""
    colour = STATUS_COLOURS.get(status, status)
    return (f'<span class="wb-badge" style="background:{esc(colour)};color:#fff;padding:2px 10px;'
            f'border-radius:10px;font-weight:600">{esc(text)}</span>')


def progress(done: int, total: int, label: str = "") -> str:
    """A horizontal progress bar with ``done/total``."""
    share = 0 if not total else done / total
    return (f'<div class="wb-progress" style="margin:4px 0"><div style="font-size:90%">{esc(label)} '
            f'<b>{done}/{total}</b></div><div style="background:#e4e7eb;border-radius:4px;height:8px;width:100%">'
            f'<div style="background:#2a9d8f;height:8px;border-radius:4px;width:{share * 100:.0f}%"></div></div></div>')


def table(frame: pd.DataFrame, float_format: str = "{:.2f}", index: bool = False) -> str:
    """A readable, escaped HTML table."""
    text = frame.to_html(index=index, escape=True, border=0, classes="wb-table", na_rep="\u2013",
                         float_format=float_format.format)
    # JupyterLab right-aligns header cells; the cells below are left-aligned text
    return text.replace("<th>", '<th style="text-align: left;">')
