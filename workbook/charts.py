"""Chart helpers shared by every room.

Figures are built with :class:`matplotlib.figure.Figure` directly (no pyplot),
so no global state is touched, nothing is shown by accident, and the same PNG
bytes appear live in a widget and in a batch report.
"""
from __future__ import annotations

import io
from typing import Any, Callable, Hashable

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

# Every text drawn in a chart is literal: client text such as "Spend $1k-$5k" or "Basic $10/mo - Pro $30/mo"
# keeps its dollar signs instead of being typeset (or refused) as a formula. Set before any figure exists,
# since matplotlib reads it when a text is created.
matplotlib.rcParams["text.parse_math"] = False

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


#: Longest axis label shown in full; longer ones end in an ellipsis (the workbook's rule: about 40 characters
#: fit left of a 7-inch chart and still leave it more than half the width).
LABEL_MAX_CHARS = 40
#: The plotting area keeps at least this share of the figure, whatever the margins asked for.
MIN_PLOT_SHARE = 0.3


def new_figure(width: float = 7.0, height: float = 3.2, left: float = 0.9, right: float = 0.25,
               top: float = 0.45, bottom: float = 0.55) -> Figure:
    """Return a figure sized in inches (7 in fits an A4 or Letter page with margins).

    Margins are fixed, in inches, rather than computed by a layout engine:
    constrained layout doubles the drawing time, which a live form cannot afford.
    Margins that would leave the plot less than :data:`MIN_PLOT_SHARE` of the
    figure are scaled down, so long labels never stop a chart from drawing.
    """
    matplotlib.rcParams["text.parse_math"] = False  # in case a notebook turned it back on
    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    left, right = _fit(left, right, width)
    top, bottom = _fit(top, bottom, height)
    fig.subplots_adjust(left=left / width, right=1 - right / width, top=1 - top / height, bottom=bottom / height)
    return fig


def _fit(a: float, b: float, size: float) -> tuple[float, float]:
    room = size * (1 - MIN_PLOT_SHARE)
    total = max(a, 0.0) + max(b, 0.0)
    if total <= room:
        return max(a, 0.0), max(b, 0.0)
    return max(a, 0.0) * room / total, max(b, 0.0) * room / total


def short_label(text: object, limit: int = LABEL_MAX_CHARS) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis (for axis labels)."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "\u2026"


def label_margin(labels, fontsize: float = 8.5) -> float:
    """Inches needed left of the axes for the longest of ``labels`` (counted up to :data:`LABEL_MAX_CHARS`)."""
    longest = max((min(len(str(x)), LABEL_MAX_CHARS) for x in labels), default=4)
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


class LayeredChart:
    """A chart split into a static layer and a data layer.

    The static layer (axes, ticks, labels, bands) depends only on
    ``static_key(ctx)``; the data layer (bars, dots, value labels) on the rest.
    Calling the chart returns the whole figure, as any section renderer does,
    so reports are drawn as usual. A live view calls :meth:`live_png`, which
    keeps the rendered static layer and draws only the data layer over it on
    each change: the same picture, for a fraction of the drawing time.

    Parameters
    ----------
    static_key : callable
        ``static_key(ctx) -> hashable``; None means "nothing to draw".
    build : callable
        ``build(ctx) -> (Figure, Axes)``: the static layer.
    data : callable
        ``data(ax, ctx) -> list of Artist``: adds the data layer to ``ax``.
    key : callable
        ``key(ctx) -> hashable`` of everything drawn (see :func:`chart`).
    """

    is_chart = True

    def __init__(self, static_key: Callable[[Any], Hashable], build: Callable, data: Callable,
                 key: Callable[[Any], Hashable]) -> None:
        self.static_key, self.build, self.data, self.chart_key = static_key, build, data, key
        self.__doc__ = build.__doc__

    def __call__(self, ctx: Any) -> Figure | None:
        if self.static_key(ctx) is None:
            return None
        fig, ax = self.build(ctx)
        self.data(ax, ctx)
        return fig

    #: Static layers kept per chart: a few recent ones, so that going back and forth between two layouts
    #: (a value and its undo, a job added and taken away) redraws only the data layer both ways.
    KEEP = 3

    def live_png(self, ctx: Any, cache: dict) -> bytes | None:
        """PNG of the chart for ``ctx``, reusing a static layer kept in ``cache``."""
        from PIL import Image

        skey = self.static_key(ctx)
        if skey is None:
            return None
        layers = cache.setdefault("layers", {})
        if skey in layers:
            layers[skey] = layers.pop(skey)  # most recently used last
        else:
            fig, ax = self.build(ctx)
            fig.canvas.draw()
            layers[skey] = (fig, ax, fig.canvas.copy_from_bbox(fig.bbox))
            while len(layers) > self.KEEP:
                layers.pop(next(iter(layers)))
        fig, ax, background = layers[skey]
        canvas = fig.canvas
        canvas.restore_region(background)
        artists = self.data(ax, ctx)
        try:
            for artist in sorted([*artists, *_static_above(ax, artists)], key=lambda a: a.get_zorder()):
                ax.draw_artist(artist)
            width, height = canvas.get_width_height()
            image = Image.frombuffer("RGBA", (width, height), bytes(canvas.buffer_rgba()), "raw", "RGBA", 0, 1)
            buf = io.BytesIO()
            image.convert("RGB").save(buf, format="png", compress_level=3, dpi=(fig.dpi, fig.dpi))
            return buf.getvalue()
        finally:
            for artist in artists:
                artist.remove()


def _static_above(ax, artists: list) -> list:
    """The static layer's lines and shapes that a full draw puts over the data (in z-order).

    A full draw paints the data under, e.g., the spine a bar starts on or a zero line at a higher
    z-order; these are painted again over the data layer. Static texts, legends and the axes' ticks
    are not: they must stay clear of the data (``tests/frameworks/test_layered_charts.py`` checks).
    """
    from matplotlib.collections import Collection
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    low = min((a.get_zorder() for a in artists), default=0)
    mine = {id(a) for a in artists}
    return [c for c in ax.get_children()  # the spines included
            if isinstance(c, (Line2D, Patch, Collection)) and c is not ax.patch and id(c) not in mine
            and c.get_visible() and c.get_zorder() > low]


def row_labels(ax, rows, labels, fontsize: float = 8.5) -> list:
    """Draw ``labels`` left of ``ax`` at data heights ``rows``, as y tick labels look; returns the texts.

    For a data layer whose rows change order: the tick marks stay in the static
    layer (with empty labels), the names are drawn with the data.
    """
    size = matplotlib.rcParams["ytick.major.size"]
    pad = matplotlib.rcParams["ytick.major.pad"]
    transform = ax.get_yaxis_text1_transform(size + pad)[0]
    return [ax.text(0, y, label, transform=transform, ha="right", va="center_baseline", fontsize=fontsize,
                    color=PALETTE["ink"], clip_on=False) for y, label in zip(rows, labels)]


def hbars(ax, rows, widths, colours, height: float = 0.6, left=0.0, zorder: float = 2) -> list:
    """Horizontal bars, as ``ax.barh`` draws them, without touching the axis limits (set by the static layer).

    Cheaper than ``barh`` for a data layer drawn on every change, and leaves
    nothing behind when its bars are removed.
    """
    from matplotlib.patches import Rectangle

    lefts = np.broadcast_to(np.asarray(left, dtype=float), (len(rows),))
    bars = []
    for y, width, start, colour in zip(rows, widths, lefts, colours):
        bar = Rectangle((start, y - height / 2), width, height, facecolor=colour, zorder=zorder)
        ax.add_artist(bar)
        bars.append(bar)
    return bars


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten that is >= ``value`` (> 0).

    Axis limits rounded this way stay put while the data moves a little, so a chart's static layer
    (axes, ticks, labels) is kept across most edits.
    """
    if value <= 0:
        return 0.0
    scale = 10.0 ** np.floor(np.log10(value))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * scale >= value * (1 - 1e-12):
            return float(step * scale)
    return float(10 * scale)


def layered(static_key: Callable[[Any], Hashable], data: Callable, key: Callable[[Any], Hashable]) -> Callable:
    """Decorator: ``build`` below becomes a :class:`LayeredChart` with this data layer."""
    def make(build: Callable) -> LayeredChart:
        return LayeredChart(static_key, build, data, key)
    return make
