"""Client reports: execute a framework notebook, export it without code, print a PDF.

The pieces are separate so that the batch runner can reuse them with warm
workers: :func:`execute` (papermill), :class:`FragmentExporter` (one reused
nbconvert exporter: code, live-only and teaching cells removed),
:func:`render_page` (the report's HTML page around the fragments) and
:class:`PdfPrinter` (one reused headless Chromium, offline).
"""
from __future__ import annotations

import json
import logging
import os
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Sequence

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor

from . import __version__, registry
from .errors import ReportError
from .html import esc
from .notebook import HEADLINE_MIME
from .store import Profile, Store, atomic_write

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
    foot = (f'<footer class="wb-footer">Prepared for {esc(profile.name)} on {esc(when)} with the marketing strategy '
            f'workbook {esc(__version__)}.</footer></body></html>')
    return head + "".join(blocks) + foot


class PdfPrinter:
    """One headless Chromium (through Playwright) that prints many HTML files to PDF, offline.

    Use as a context manager; :meth:`print` may be called many times.
    """

    def __init__(self) -> None:
        self._pw = None
        self._browser = None

    def __enter__(self) -> "PdfPrinter":
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        try:
            self._browser = self._pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        except Exception:
            self._pw.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if self._browser is not None:
            self._browser.close()
        if self._pw is not None:
            self._pw.stop()

    def print(self, html_path: Path, pdf_path: Path, footer: str = "") -> Path:
        """Print ``html_path`` to ``pdf_path`` (A4, page numbers in the footer)."""
        page = self._browser.new_page()
        try:
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                       else route.abort())
            page.goto(Path(html_path).resolve().as_uri(), wait_until="load")
            tmp = Path(pdf_path).with_suffix(".pdf.part")
            page.pdf(path=str(tmp), format="A4", print_background=True, display_header_footer=True,
                     header_template="<span></span>",
                     footer_template=('<div style="font-size:8px;width:100%;text-align:center;color:#7b8794">'
                                      f'{esc(footer)} \u00b7 page <span class="pageNumber"></span> of '
                                      '<span class="totalPages"></span></div>'),
                     margin={"top": "16mm", "bottom": "18mm", "left": "15mm", "right": "15mm"})
            os.replace(tmp, pdf_path)
        finally:
            page.close()
        return Path(pdf_path)


# -- one client -------------------------------------------------------------------

@dataclass
class ClientReport:
    """What :func:`build_client_report` wrote."""

    client: str
    html: Path
    pdf: Path | None
    pages: dict[str, Path] = field(default_factory=dict)
    headlines: dict[str, dict] = field(default_factory=dict)


def frameworks_for(store: Store, client: str, chosen: Iterable[str] | None = None) -> list[str]:
    """Registered frameworks (in report order) for which the client has saved inputs."""
    wanted = list(chosen) if chosen else registry.names()
    for name in wanted:
        registry.get(name)
    return [n for n in registry.names() if n in wanted and store.has(client, n)]


def build_client_report(client: str, data_dir: str | os.PathLike, reports_dir: str | os.PathLike,
                        frameworks: Iterable[str] | None = None, pdf: bool = True) -> ClientReport:
    """Execute each framework notebook for one client and write its report.

    Writes ``reports/<client>/<framework>.html``, ``<framework>.headline.json``,
    ``report.html`` (all frameworks) and ``report.pdf``.
    """
    store = Store(data_dir)
    profile = store.load_profile(client)
    names = frameworks_for(store, client, frameworks)
    if not names:
        raise ReportError(f"client '{client}' has no saved inputs for {', '.join(frameworks or registry.names())}")
    out = Path(reports_dir) / client
    exporter = FragmentExporter()
    parts, result = [], ClientReport(client, out / "report.html", None)
    for name in names:
        fw = registry.get(name)
        nb = execute(name, client, data_dir)
        part = Part(name, fw.title, exporter.fragment(nb))
        parts.append(part)
        page = out / f"{name}.html"
        atomic_write(page, render_page(profile, [part], fw.title))
        result.pages[name] = page
        headline = headline_of(nb)
        if headline is not None:
            atomic_write(out / f"{name}.headline.json", json.dumps(headline, indent=2) + "\n")
            result.headlines[name] = headline
    atomic_write(result.html, render_page(profile, parts, "Marketing strategy review", cover=len(parts) > 1))
    if pdf:
        with PdfPrinter() as printer:
            result.pdf = printer.print(result.html, out / "report.pdf", footer=profile.name)
    log.info("report for %s written to %s", client, out)
    return result
