"""The consultancy's portfolio: every client's headlines in one table and chart.

Never part of a client's report: the summary notebook shows it live, and the
batch writes ``reports/portfolio.html`` for the consultancy. Headlines are
read through the store like the summary's (:func:`workbook.summary.state.read_headlines`).
Money and shares in the table use the one money and percentage style: metric
keys ending in ``_usd`` are US dollars, keys ending in ``_share`` are shares
(the naming rule the rooms' headline metrics follow).
"""
from __future__ import annotations

import base64
import logging
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Mapping, Sequence

import pandas as pd

from .. import __version__, registry
from ..errors import WorkbookError
from ..frameworks.summary import STATUS_RANK, STATUSES, clean_headline
from ..html import STATUS_COLOURS, card, esc, para
from ..store import Store
from .layout import visible
from .numbers import money, percent
from .state import read_headlines

log = logging.getLogger(__name__)

__all__ = ["portfolio_frame", "portfolio_grid", "portfolio_inputs", "portfolio_chart", "portfolio_body",
           "portfolio_page", "metric_text"]

MISSING = "\u2013"


def portfolio_frame(clients: Sequence[tuple[str, str]], headlines: Mapping[str, Mapping[str, Any]],
                    frameworks: Sequence[tuple[str, str, Sequence[str]]]) -> pd.DataFrame:
    """One row per client: overall status, each framework's status and key metrics (raw values).

    Parameters
    ----------
    clients : sequence of (slug, name)
    headlines : mapping
        ``{slug: {framework: headline}}``.
    frameworks : sequence of (name, title, metric keys)
    """
    rows = []
    for slug, name in clients:
        hs = headlines.get(slug, {})
        row: dict[str, Any] = {"client": name}
        statuses = []
        for fw, title, metrics in frameworks:
            h = clean_headline(hs.get(fw))
            status = h["status"] if h else "\u2013"
            row[title] = status
            if h and status != "grey":
                statuses.append(status)
            for key in metrics:
                row[f"{title}: {key.replace('_', ' ')}"] = (h or {}).get("metrics", {}).get(key, "\u2013")
        row["overall"] = min(statuses, key=STATUS_RANK.__getitem__) if statuses else "grey"
        row["red"] = statuses.count("red")
        rows.append(row)
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame = frame.sort_values(["red", "client"], ascending=[False, True], kind="stable")
    return frame.reset_index(drop=True)


def portfolio_grid(frame: pd.DataFrame, titles: Sequence[str]) -> list[list[str]]:
    """Statuses as a clients x frameworks grid (for the portfolio chart)."""
    return [[str(row.get(t, "\u2013")) for t in titles] for _, row in frame.iterrows()]




def metric_text(key: str, value: Any) -> str:
    """A headline metric as the portfolio table shows it: money and shares in the one style,
    other numbers rounded (whole numbers from 100 up, one decimal below), text as it is."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        if value != value:  # NaN
            return MISSING
        if key.endswith("_usd"):
            return money(value, "USD")
        if key.endswith("_share"):
            return percent(value)
        if isinstance(value, int) or float(value).is_integer() or abs(value) >= 100:
            return f"{value:,.0f}"
        return f"{value:,.1f}"
    return visible(value)


def portfolio_inputs(store: Store, reports_dir: Path, clients: Sequence[str]):
    """(clients as (slug, name), their headlines, the frameworks as (name, title, metric keys))."""
    names = []
    for slug in clients:
        try:
            names.append((slug, store.load_profile(slug).name))
        except WorkbookError:
            log.warning("portfolio: skipping %s (no readable profile)", slug)
    headlines = {slug: read_headlines(reports_dir, slug) for slug, _ in names}
    frameworks = [(fw.name, fw.title, tuple(fw.headline_metrics[:2])) for fw in registry.REGISTRY]
    return names, headlines, frameworks


def portfolio_chart(frame: pd.DataFrame, titles: Sequence[str]):
    """Traffic lights of every client (rows) for every framework (columns)."""
    from matplotlib.colors import to_rgb

    from ..charts import new_figure, style_axes

    n = max(len(frame), 1)
    short = [t if len(t) <= 22 else t[:21] + "\u2026" for t in titles]
    labels = [visible(c) for c in frame["client"]] if len(frame) else []
    left = 0.3 + max((len(s) for s in labels), default=6) * 0.075
    fig = new_figure(7.0, 1.6 + 0.2 * n, left=min(left, 2.6), top=1.35, bottom=0.2)
    ax = fig.add_subplot()
    grid = portfolio_grid(frame, titles)
    colours = [[to_rgb(STATUS_COLOURS.get(s, "#f0f2f5")) for s in row] for row in grid] or [[(1, 1, 1)] * len(titles)]
    ax.imshow(colours, aspect="auto", interpolation="nearest")
    ax.set_xticks(range(len(titles)), short, rotation=40, ha="left", fontsize=7.5)
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(labels)), labels, fontsize=7.5 if n <= 40 else 5.5)
    ax.set_xticks([x - 0.5 for x in range(1, len(titles))], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, n)], minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="both", length=0)
    style_axes(ax)
    for side in ax.spines.values():
        side.set_visible(False)
    return fig


def _dot(status: str) -> str:
    colour = STATUS_COLOURS.get(status, STATUS_COLOURS["grey"])
    return (f'<span style="display:inline-block;width:12px;height:12px;border-radius:6px;'
            f'background:{esc(colour)};vertical-align:middle"></span>')


def portfolio_body(store: Store, reports_dir: Path, clients: Sequence[str]) -> str:
    """The portfolio table and chart as an HTML fragment."""
    from ..charts import png_bytes

    names, headlines, frameworks = portfolio_inputs(store, reports_dir, clients)
    frame = portfolio_frame(names, headlines, frameworks)
    if frame.empty:
        return card("Portfolio", para("No client has recorded results yet."))
    titles = [t for _, t, _ in frameworks]
    keys = {f"{t}: {k.replace('_', ' ')}": k for _, t, ks in frameworks for k in ks}
    png = base64.b64encode(png_bytes(portfolio_chart(frame, titles))).decode()
    cols = ["client", "overall", *[c for c in frame.columns if c not in ("client", "overall", "red")]]
    html_rows = []
    for _, row in frame[cols].iterrows():
        cells = []
        for c in cols:
            v = row[c]
            if c == "client":
                cells.append(f"<td><b>{esc(visible(v))}</b></td>")
            elif c in keys:
                cells.append(f'<td style="text-align:right">{esc(metric_text(keys[c], v))}</td>')
            elif v in STATUS_RANK:
                cells.append(f'<td style="white-space:nowrap">{_dot(v)} {esc(v)}</td>')
            else:
                cells.append(f"<td>{esc(visible(v))}</td>")
        html_rows.append("<tr>" + "".join(cells) + "</tr>")
    head = "".join(f"<th>{esc(visible(c))}</th>" for c in cols)
    counts = frame["overall"].value_counts()
    intro = para(f"{len(frame)} client(s): " + ", ".join(f"{int(counts.get(s, 0))} {s}" for s in STATUSES)
                 + " overall (the worst status of each client's frameworks).")
    return (card("Portfolio: every client's headlines", intro + '<img alt="Status of every client and framework" '
                 f'src="data:image/png;base64,{png}">')
            + '<div style="overflow-x:auto"><table class="wb-table" style="font-size:8pt">'
              f"<tr>{head}</tr>{''.join(html_rows)}</table></div>")


def portfolio_page(store: Store, reports_dir: Path, clients: Sequence[str]) -> str:
    """A self-contained HTML page of the portfolio (for ``reports/portfolio.html``)."""
    css = resources.files("workbook").joinpath("templates/report.css").read_text("utf-8")
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Portfolio</title>'
            f'<meta name="generator" content="workbook {esc(__version__)}"><style>{css}'
            "body{max-width:none}</style></head><body>"
            '<div class="wb-kicker">Consultancy portfolio \u00b7 internal, not for clients</div>'
            f"<h1>Client portfolio</h1><p class=\"wb-meta\">{date.today():%d %B %Y}</p>"
            + portfolio_body(store, reports_dir, clients) + "</body></html>")
