"""Batch reports: every registered framework for every client, in parallel and resumable.

``workbook batch`` runs each chosen framework notebook for each chosen client
with papermill (the warm engine of :mod:`workbook.engine`), then the executive
summary, and writes ``reports/<client>/``:

- ``<framework>.html`` one page per framework, ``<framework>.headline.json``
  its machine-readable headline, ``.parts/<framework>.html`` the fragment the
  combined report is assembled from;
- ``summary.html`` and ``report.html`` (summary first, cover, contents), then
  ``report.pdf`` printed by one reused headless Chromium;
- ``manifest.json``: the input fingerprint of every page, for resume.

and ``reports/portfolio.html``, every client's headlines for the consultancy.

Where the time goes, and what is done about it
----------------------------------------------
A naive loop pays for a new Python process, a new kernel and ``import pandas,
matplotlib, workbook`` for every notebook, plus a new nbconvert process and
exporter for every export.  Here each of ``workers`` warm worker processes
imports all of that once, and runs every notebook in a forked child of itself
(a fresh copy, so nothing of one client can reach another's report).  The
worker keeps one HTML exporter.  Cells tagged ``live`` or ``teaching`` are not
executed: reports leave them out anyway.  PDFs are printed by one Chromium with
a few pages at a time.  With ``scheduler`` the same jobs go to a Dask cluster,
each Dask worker process holding its own warm worker.

Nothing listens on a network address in a local batch: workers talk over Unix
socket pairs and pipes (a Dask scheduler, when used, is the user's own).

Faults stay with their client: a notebook that fails, hangs or kills its
kernel, or one client's unreadable files (a corrupt profile, say), is one row
of the failure table, and every other client's pages and PDF are still
built.  The table printed stops at the first 50 problems and counts the rest;
``errors_file`` gets them all.  Ctrl-C keeps what is done (a rerun neither
reruns those pages nor prints those PDFs again) and exits 130.

The package, in layers (each imports only those below it, and only public names)::

    runner      run_batch: plan -> pages -> portfolio -> pdfs, each a named step
    plan        ClientPlan: one client's current pages, jobs, summary and manifest
    pools  pdf  warm workers (local or Dask) running pages; Chromium printing PDFs
    pages       inside a warm worker: execute, export and write one page
    manifest    fingerprints and typed manifests (PageEntry, Manifest), for resume
    jobs        Job, Outcome, StepFailure, BatchResult; the failure table

Every public name is importable from here.
"""
from __future__ import annotations

from .jobs import (DEFAULT_TIMEOUT, INTERRUPTED_EXIT, PARTS, SHOWN_PROBLEMS, SUMMARY, SUMMARY_NOTEBOOK, SUMMARY_TITLE,
                   BatchResult, Job, Outcome, StepFailure, describe, describe_interruption, failure_table, one_line,
                   problem_rows, problems_text)
from .manifest import (MANIFEST, Manifest, PageEntry, fingerprint, load_manifest, outputs_exist, package_digest,
                       report_digest, write_manifest)
from .pages import PORTFOLIO, SKIP_TAGS, run_job, warm_worker, write_portfolio
from .pdf import PDF_PAGES, PdfJob, print_pdfs
from .plan import ClientPlan, Settings, plan_client
from .pools import BATCH_PRELOAD, WORKER_GRACE, DaskPool, LocalPool, close_dask_workers
from .runner import LOG_NAME, BatchRun, default_workers, pages_step, pdf_step, plan_step, portfolio_step, run_batch

__all__ = [
    "DEFAULT_TIMEOUT", "INTERRUPTED_EXIT", "PARTS", "SHOWN_PROBLEMS", "SUMMARY", "SUMMARY_NOTEBOOK", "SUMMARY_TITLE",
    "BatchResult", "Job", "Outcome", "StepFailure", "describe", "describe_interruption", "failure_table", "one_line",
    "problem_rows", "problems_text", "MANIFEST", "Manifest", "PageEntry", "fingerprint", "load_manifest",
    "outputs_exist", "package_digest", "report_digest", "write_manifest", "PORTFOLIO", "SKIP_TAGS", "run_job",
    "warm_worker", "write_portfolio", "PDF_PAGES", "PdfJob", "print_pdfs", "ClientPlan", "Settings", "plan_client",
    "BATCH_PRELOAD", "WORKER_GRACE", "DaskPool", "LocalPool", "close_dask_workers", "LOG_NAME", "BatchRun",
    "default_workers", "pages_step", "pdf_step", "plan_step", "portfolio_step", "run_batch",
]
