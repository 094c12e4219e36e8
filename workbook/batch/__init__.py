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

The package: :mod:`.jobs` (jobs, outcomes, the failure table), :mod:`.manifest`
(fingerprints and manifests, for resume), :mod:`.pages` (what runs inside a warm
worker: execute, export, write a page), :mod:`.pools` (local warm workers or
Dask), :mod:`.pdf` (printing) and :mod:`.runner` (:func:`run_batch`).  Every
name is importable from here.
"""
from __future__ import annotations

from .jobs import (DEFAULT_TIMEOUT, PARTS, SUMMARY, SUMMARY_NOTEBOOK, SUMMARY_TITLE, BatchResult, Job, Outcome,
                   describe, failure_table, one_line)
from .manifest import MANIFEST, fingerprint, load_manifest, package_digest
from .pages import SKIP_TAGS, run_job, warm_worker, write_portfolio
from .pdf import PDF_PAGES, print_pdfs
from .pools import BATCH_PRELOAD, WORKER_GRACE, DaskPool, LocalPool, close_dask_workers
from .runner import LOG_NAME, default_workers, run_batch

__all__ = [
    "DEFAULT_TIMEOUT", "PARTS", "SUMMARY", "SUMMARY_NOTEBOOK", "SUMMARY_TITLE", "BatchResult", "Job", "Outcome",
    "describe", "failure_table", "one_line", "MANIFEST", "fingerprint", "load_manifest", "package_digest",
    "SKIP_TAGS", "run_job", "warm_worker", "write_portfolio", "PDF_PAGES", "print_pdfs", "BATCH_PRELOAD",
    "WORKER_GRACE", "DaskPool", "LocalPool", "close_dask_workers", "LOG_NAME", "default_workers", "run_batch",
]
