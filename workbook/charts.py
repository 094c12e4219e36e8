"""Chart helpers shared by every room.

Figures are built with :class:`matplotlib.figure.Figure` directly (no pyplot),
so no global state is touched, nothing is shown by accident, and the same PNG
bytes appear live in a widget and in a batch report.
"""
from __future__ import annotations

import io
from typing import Any, Callable, Hashable

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

#: One palette for the whole workbook (colour-blind friendly, prints in grey).
PALETTE = {
    "ink": "#1f2933",
    "muted": "#7b8794",
    "grid": "#e4e7eb",
    "sales": "#1f77b4",
    "marketing": "#e8871e",
    "other": "#6c757d",
    "good": "#2a9d8f",
    "warn": "#e9c46a",
    "bad": "#e76f51",
    "accent": "#264653",
}
#: Soft fills for ordered bands (worst to best).
BAND_FILLS = ("#fde2e0", "#fdf0d5", "#e0f2ef", "#cfe8e4")
DPI = 100


def new_figure(width: float = 7.0, height: float = 3.2, left: float = 0.9, right: float = 0.25,
               top: float = 0.45, bottom: float = 0.55) -> Figure:
    """Return a figure sized in inches (7 in fits an A4 or Letter page with margins).

    Margins are fixed, in inches, rather than computed by a layout engine:
    constrained layout doubles the drawing time, which a live form cannot afford.
    """
    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    fig.subplots_adjust(left=left / width, right=1 - right / width, top=1 - top / height, bottom=bottom / height)
    return fig


def label_margin(labels, fontsize: float = 8.5) -> float:
    """Inches needed left of the axes for the longest of ``labels``."""
    longest = max((len(str(x)) for x in labels), default=4)
    return 0.25 + longest * fontsize * 0.55 / 72


def chart(key: Callable[[Any], Hashable]) -> Callable:
    """Mark a section renderer as a chart whose picture depends only on ``key(ctx)``.

    Live views redraw a chart only when its key changes, and draw charts off
    the click path so the form stays responsive.
    """
    def mark(renderer: Callable) -> Callable:
        renderer.is_chart = True
        renderer.chart_key = key
        return renderer
    return mark


def style_axes(ax) -> None:
    """Apply the workbook's quiet axis style."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(PALETTE["muted"])
    ax.tick_params(colors=PALETTE["ink"], labelsize=8.5)
    ax.title.set_fontsize(10.5)
    ax.title.set_color(PALETTE["ink"])


def png_bytes(fig: Figure, dpi: int = DPI) -> bytes:
    """Render ``fig`` to PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white", pil_kwargs={"compress_level": 3})
    return buf.getvalue()
