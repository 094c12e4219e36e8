"""Report pieces: execute a framework notebook, export it without code, lay out pages, print options.

The batch runner (:mod:`workbook.batch`, used by ``workbook report``, ``workbook
batch`` and ``workbook demo``) puts these together with warm workers:
:func:`execute` (papermill with a real kernel, used by the notebook tests),
:class:`FragmentExporter` (one reused nbconvert exporter: code, live-only and
teaching cells removed), :func:`render_page` (the report's HTML page around the
fragments) and :func:`pdf_options` (how Chromium prints a page, offline).
"""
from __future__ import annotations

import json
import logging
import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Sequence

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor

from . import __version__, registry
from .errors import ReportError
from .html import esc
from .notebook import HEADLINE_MIME
from .store import Profile

log = logging.getLogger(__name__)

REMOVE_TAGS = ("live", "teaching")
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-quic"]


def chromium_path() -> str:
    """The Chromium binary: ``$WORKBOOK_CHROMIUM``, else ``chromium`` on the PATH."""
    found = os.environ.get("WORKBOOK_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(found).exists():
        raise ReportError(f"Chromium not found at {found}: install Debian's 'chromium' (make setup does) "
                          "or set WORKBOOK_CHROMIUM")
    return found


# -- execution --------------------------------------------------------------------

def execute(framework: str, client: str, data_dir: str | os.PathLike, output_path: str | os.PathLike | None = None,
            engine_name: str | None = None, kernel_name: str = "python3", timeout: float = 600) -> nbformat.NotebookNode:
    """Run a framework notebook for a client in report mode with papermill.

    Raises
    ------
    ReportError
        Naming the framework, the cell that failed and the error in one line.
    """
    import papermill as pm

    fw = registry.get(framework)
    params = {"client": client, "data_dir": str(Path(data_dir).resolve()), "mode": "report"}
    try:
        return pm.execute_notebook(str(fw.notebook_path), str(output_path) if output_path else None,
                                   parameters=params, kernel_name=kernel_name, engine_name=engine_name,
                                   cwd=str(fw.notebook_path.parent), progress_bar=False, execution_timeout=timeout)
    except pm.PapermillExecutionError as exc:
        raise ReportError(f"{framework} for {client}: cell {exc.exec_count} failed: "
                          f"{exc.ename}: {str(exc.evalue).splitlines()[0] if exc.evalue else ''}") from None


def headline_of(nb: nbformat.NotebookNode) -> dict | None:
    """The headline a notebook recorded with ``room.record()``, if any."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if HEADLINE_MIME in data:
                value = data[HEADLINE_MIME]
                return json.loads(value) if isinstance(value, str) else dict(value)
    return None


def failed_cell(nb: nbformat.NotebookNode) -> tuple[int, str] | None:
    """(execution count, one-line error) of the first failed cell, if any."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                first = (str(out.get("evalue", "")).splitlines() or [""])[0]
                return cell.get("execution_count") or 0, f"{out.get('ename')}: {first}"
    return None


# -- export -----------------------------------------------------------------------

class CleanOutputs(Preprocessor):
    """Drop what a client must never see: stderr, widgets, bare reprs, machine-readable headlines."""

    def preprocess_cell(self, cell, resources, index):  # noqa: D102 - nbconvert API
        if cell.cell_type == "code":
            kept = []
            for out in cell.get("outputs", []):
                kind = out.get("output_type")
                data = out.get("data", {})
                if kind == "error":
                    raise ReportError(f"cell {cell.get('execution_count')} failed: {out.get('ename')}")
                if kind == "stream" and out.get("name") == "stderr":
                    continue
                if WIDGET_MIME in data or HEADLINE_MIME in data:
                    continue
                if kind in ("execute_result", "display_data") and set(data) <= {"text/plain"}:
                    continue
                kept.append(out)
            cell.outputs = kept
        return cell, resources


class FragmentExporter:
    """A reusable nbconvert exporter that returns a notebook's outputs as an HTML fragment."""

    def __init__(self) -> None:
        self._exporter = HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                                      exclude_output_prompt=True)
        self._exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=set(REMOVE_TAGS),
                                                                   remove_input_tags={"parameters", "injected-parameters"},
                                                                   enabled=True), enabled=True)
        self._exporter.register_preprocessor(CleanOutputs(), enabled=True)
        # nbconvert validates the whole notebook after each of its preprocessors, which is most
        # of the export time once charts are embedded; validate once, after the last one.
        if hasattr(self._exporter, "optimistic_validation"):
            self._exporter.optimistic_validation = True

    def fragment(self, nb: nbformat.NotebookNode) -> str:
        """The notebook's report content (markdown and outputs, no code)."""
        body, _ = self._exporter.from_notebook_node(nb)
        return body


# -- pages ------------------------------------------------------------------------

@dataclass(frozen=True)
class Part:
    """One framework's content inside a report page."""

    framework: str
    title: str
    html: str


def _css() -> str:
    return resources.files("workbook").joinpath("templates/report.css").read_text("utf-8")


def render_page(profile: Profile, parts: Sequence[Part], title: str, generated: datetime | None = None,
                cover: bool = False) -> str:
    """A complete, self-contained HTML report page.

    Parameters
    ----------
    profile : Profile
        The client (every field escaped).
    parts : sequence of Part
    title : str
    generated : datetime, optional
    cover : bool
        Add a cover block and a table of contents (combined reports).
    """
    when = (generated or datetime.now()).strftime("%d %B %Y")
    head = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{esc(profile.name)} \u2013 {esc(title)}'
            f'</title><meta name="generator" content="workbook {esc(__version__)}"><style>{_css()}</style></head><body>')
    blocks = []
    if cover:
        toc = "".join(f'<li><a href="#{esc(p.framework)}">{esc(p.title)}</a></li>' for p in parts)
        fictional = "<p><i>Fictional example client.</i></p>" if profile.fictional else ""
        blocks.append(f'<section class="wb-cover"><div class="wb-kicker">Marketing strategy review</div>'
                      f'<h1>{esc(profile.name)}</h1><p class="wb-meta">{esc(profile.industry)}</p>{fictional}'
                      f'<p class="wb-meta">{esc(when)}</p><h2>Contents</h2><ol class="wb-toc">{toc}</ol></section>')
    for p in parts:
        blocks.append(f'<article class="wb-part" id="{esc(p.framework)}">{p.html}</article>')
    blocks.append(methods_part([p.framework for p in parts]))  # every client report ends with its methods
    foot = (f'<footer class="wb-footer">Prepared for {esc(profile.name)} on {esc(when)} with the marketing strategy '
            f'workbook {esc(__version__)}.</footer></body></html>')
    return head + "".join(blocks) + foot


def methods_part(frameworks: Sequence[str]) -> str:
    """The "Methods and assumptions" part for the frameworks of a page (empty when none has one)."""
    from . import methods

    return methods.methods_html(frameworks)


def pdf_options(footer: str) -> dict:
    """Chromium print options for a report page: A4, backgrounds, page numbers in the footer."""
    return dict(format="A4", print_background=True, display_header_footer=True,
                header_template="<span></span>",
                footer_template=('<div style="font-size:8px;width:100%;text-align:center;color:#7b8794">'
                                 f'{esc(footer)} \u00b7 page <span class="pageNumber"></span> of '
                                 '<span class="totalPages"></span></div>'),
                margin={"top": "16mm", "bottom": "18mm", "left": "15mm", "right": "15mm"})
