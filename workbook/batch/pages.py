"""Inside a warm worker: execute one notebook, export it and write its report page.

The batch runner calls :func:`run_job` in a warm worker (see
:mod:`workbook.batch.pools`); :func:`warm_worker` runs once in each worker
first, to import every room and build and warm its one HTML exporter.
"""
from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path
from typing import Sequence

from .. import registry
from .jobs import PARTS, SUMMARY, SUMMARY_TITLE, Job, Outcome, one_line

log = logging.getLogger(__name__)

SKIP_TAGS = ("live", "teaching")
#: :func:`write_portfolio` as a warm worker calls it.
PORTFOLIO = "workbook.batch.pages:write_portfolio"

_EXPORTER = None


def warm_worker() -> None:
    """Run once in each warm worker: import every room, build and warm the exporter."""
    import nbformat
    import papermill

    logging.getLogger("traitlets").setLevel(logging.ERROR)  # nbconvert's missing-alt-text notices

    for fw in registry.REGISTRY:
        for attr in ("module", "ui"):
            try:
                getattr(fw, attr)
            except Exception:  # a room being written; its notebook will report the error
                log.debug("could not preload %s.%s", fw.name, attr, exc_info=True)
    exporter = _exporter()
    nb = nbformat.v4.new_notebook()
    nb.metadata.kernelspec = {"name": "python3", "language": "python", "display_name": "Python 3"}
    nb.cells = [nbformat.v4.new_markdown_cell("# Warm\n\nText with *emphasis*, a [link](#x) and a list:\n\n- one"),
                nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("from workbook.html import Html\nHtml('<p>warm</p>')")]
    nb = papermill.execute_notebook(nb, None, parameters={"x": 2}, engine_name="workbook", progress_bar=False,
                                    request_save_on_cell_execute=False)
    exporter.fragment(nb)


def _exporter():
    """This worker's one exporter (reused for every notebook it exports)."""
    global _EXPORTER
    if _EXPORTER is None:
        from .. import report

        _EXPORTER = report.FragmentExporter()
    return _EXPORTER


def _write(path: Path, text: str) -> None:
    """Write a report file: temporary file then rename (no fsync: reports can be rebuilt)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, "utf-8")
    os.replace(tmp, path)


def _execute(job: Job, parameters: dict, timings: dict) -> "object":
    import papermill as pm

    t0 = time.perf_counter()
    nb = pm.execute_notebook(
        job.notebook, None, parameters=parameters, engine_name="workbook", progress_bar=False,
        request_save_on_cell_execute=False, cwd=str(Path(job.notebook).parent),
        execution_timeout=job.timeout, notebook_timeout=job.timeout, skip_tags=SKIP_TAGS)
    timings["papermill"] = time.perf_counter() - t0
    engine = nb.metadata.get("papermill", {}).get("workbook_engine", {})
    timings["fork"] = engine.get("fork", 0.0)
    timings["execute"] = engine.get("execute", 0.0) - engine.get("fork", 0.0)
    timings["papermill"] -= engine.get("execute", 0.0)
    return nb


def _failure(job: Job, exc: BaseException, timings: dict) -> Outcome:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        cell = exc.exec_count if exc.exec_count is not None else exc.cell_index
        error = f"{exc.ename}: {one_line(exc.evalue)}" if exc.evalue else exc.ename
    else:
        cell, error = None, f"{type(exc).__name__}: {one_line(str(exc))}"
    return Outcome(job.client, job.framework, False, cell=cell, error=error, fingerprint=job.fingerprint,
                   timings=timings)


def _remove_outputs(out: Path, name: str) -> None:
    for path in (out / f"{name}.html", out / PARTS / f"{name}.html", out / f"{name}.headline.json"):
        path.unlink(missing_ok=True)


def run_job(job: Job) -> Outcome:
    """Execute, export and write one framework page (runs inside a warm worker)."""
    from .. import report
    from ..store import Store

    timings: dict[str, float] = {}
    out = Path(job.reports_dir) / job.client
    if job.framework == SUMMARY:
        return _run_summary(job, timings)
    try:
        params = {"client": job.client, "data_dir": str(Path(job.data_dir).resolve()), "mode": "report"}
        nb = _execute(job, params, timings)
        t0 = time.perf_counter()
        html = _exporter().fragment(nb)
        timings["export"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        headline = report.headline_of(nb)
        profile = Store(job.data_dir).load_profile(job.client)
        name, title = job.framework, job.title or job.framework
        page = report.render_page(profile, [report.Part(name, title, html)], title)
        (out / PARTS).mkdir(parents=True, exist_ok=True)
        _write(out / PARTS / f"{name}.html", html)
        _write(out / f"{name}.html", page)
        if headline is not None:
            _write(out / f"{name}.headline.json", json.dumps(headline, indent=1) + "\n")
        else:
            (out / f"{name}.headline.json").unlink(missing_ok=True)
        timings["write"] = time.perf_counter() - t0
        return Outcome(job.client, job.framework, True, headline=headline, fingerprint=job.fingerprint,
                       timings=timings, html_bytes=len(page.encode()))
    except BaseException as exc:  # noqa: BLE001 - one failure never stops the batch
        if not isinstance(exc, Exception):
            raise
        _remove_outputs(out, job.framework)
        return _failure(job, exc, timings)


def _run_summary(job: Job, timings: dict) -> Outcome:
    """Run the executive summary notebook, then assemble ``report.html``."""
    from .. import report
    from ..store import Store

    out = Path(job.reports_dir) / job.client
    try:
        params = {"client": job.client, "data_dir": str(Path(job.data_dir).resolve()), "mode": "report",
                  "reports_dir": str(Path(job.reports_dir).resolve()),
                  "frameworks": list(job.listed)}
        nb = _execute(job, params, timings)
        t0 = time.perf_counter()
        summary_html = _exporter().fragment(nb)
        timings["export"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        profile = Store(job.data_dir).load_profile(job.client)
        parts = [report.Part(SUMMARY, SUMMARY_TITLE, summary_html)]
        for name, title in job.include:
            part = out / PARTS / f"{name}.html"
            if part.is_file():
                parts.append(report.Part(name, title, part.read_text("utf-8")))
        out.mkdir(parents=True, exist_ok=True)
        _write(out / f"{SUMMARY}.html", report.render_page(profile, parts[:1], SUMMARY_TITLE))
        combined = report.render_page(profile, parts, "Marketing strategy review", cover=True)
        _write(out / "report.html", combined)
        timings["write"] = time.perf_counter() - t0
        return Outcome(job.client, SUMMARY, True, headline=report.headline_of(nb), fingerprint=job.fingerprint,
                       timings=timings, html_bytes=len(combined.encode()))
    except Exception as exc:  # noqa: BLE001
        return _failure(job, exc, timings)


def write_portfolio(reports_dir: str, data_dir: str, clients: Sequence[str]) -> str:
    """Write ``reports/portfolio.html`` from every client's headline files (runs in a worker)."""
    from ..store import Store, atomic_write
    from ..summary.portfolio import portfolio_page

    page = portfolio_page(Store(data_dir), Path(reports_dir), clients)
    path = Path(reports_dir) / "portfolio.html"
    atomic_write(path, page)
    return str(path)
