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
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import queue
import shutil
import threading
import time
import traceback
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Sequence

from . import __version__, registry

log = logging.getLogger(__name__)

SUMMARY = "summary"
SUMMARY_TITLE = "Executive summary"
SUMMARY_NOTEBOOK = registry.NOTEBOOK_DIR / "executive_summary.ipynb"
SKIP_TAGS = ("live", "teaching")
MANIFEST = "manifest.json"
LOG_NAME = "batch.log"  # the warm workers' own messages
PARTS = ".parts"
DEFAULT_TIMEOUT = 300.0
WORKER_GRACE = 120.0  # seconds a worker may take beyond the notebook timeout (export, writing)
PDF_PAGES = 2  # Chromium pages printing at once (more only adds contention)

#: Modules every batch worker imports before its first notebook.
BATCH_PRELOAD = (
    "numpy", "pandas", "matplotlib", "matplotlib.pyplot", "IPython", "ipywidgets", "pydantic",
    "workbook", "workbook.notebook", "workbook.report", "workbook.charts", "workbook.html",
    "workbook.frameworks.summary", "workbook.ui.summary", "papermill", "nbconvert", "nbformat",
    "bdb", "IPython.core.logger", "pandas.core.methods.to_dict",
)


# ----------------------------------------------------------------------------
# Jobs and outcomes
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """One notebook to run for one client (a framework, or the summary)."""

    client: str
    framework: str
    notebook: str
    data_dir: str
    reports_dir: str
    fingerprint: str
    timeout: float = DEFAULT_TIMEOUT
    title: str = ""
    include: tuple[tuple[str, str], ...] = ()  # summary only: (name, title) in the combined report
    listed: tuple[str, ...] = ()  # summary only: every framework the client has inputs for


@dataclass
class Outcome:
    """What happened to one job."""

    client: str
    framework: str
    ok: bool
    skipped: bool = False
    cell: int | None = None
    error: str = ""
    headline: dict | None = None
    fingerprint: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    html_bytes: int = 0


@dataclass
class BatchResult:
    """Everything a batch did; ``failures`` drive the exit code."""

    outcomes: list[Outcome] = field(default_factory=list)
    clients: list[str] = field(default_factory=list)
    html_seconds: float = 0.0
    pdf_seconds: float = 0.0
    pdfs: int = 0
    pdf_failures: list[tuple[str, str]] = field(default_factory=list)
    worker_startup: float = 0.0
    portfolio: Path | None = None

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def ok(self) -> bool:
        return not self.failures and not self.pdf_failures

    def executed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.ok and not o.skipped]

    def breakdown(self) -> dict[str, float]:
        """Mean seconds per executed notebook, by step."""
        done = self.executed()
        keys = sorted({k for o in done for k in o.timings})
        return {k: sum(o.timings.get(k, 0.0) for o in done) / len(done) for k in keys} if done else {}


def one_line(text: str, limit: int = 160) -> str:
    """The first line of ``text``, shortened."""
    line = (str(text).strip().splitlines() or [""])[0]
    return line if len(line) <= limit else line[: limit - 1] + "\u2026"


# ----------------------------------------------------------------------------
# Fingerprints and manifests (resume)
# ----------------------------------------------------------------------------

_PACKAGE_DIGEST: str | None = None


def package_digest() -> str:
    """Version plus a hash of the package's code and templates."""
    global _PACKAGE_DIGEST
    if _PACKAGE_DIGEST is None:
        root = Path(__file__).resolve().parent
        h = hashlib.sha256(__version__.encode())
        for path in sorted(root.rglob("*")):
            if path.suffix in (".py", ".css", ".html", ".j2") and "__pycache__" not in path.parts:
                h.update(str(path.relative_to(root)).encode())
                h.update(path.read_bytes())
        _PACKAGE_DIGEST = h.hexdigest()
    return _PACKAGE_DIGEST


def _hash_tree(h, path: Path) -> None:
    if path.is_file():
        h.update(path.name.encode())
        h.update(path.read_bytes())
    elif path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.is_file():
                h.update(str(child.relative_to(path)).encode())
                h.update(child.read_bytes())


def fingerprint(client_dir: Path, framework: str, notebook: Path, extra: str = "") -> str:
    """Hash of everything a framework page depends on.

    The client's profile, the framework's inputs, tables and history (the
    report says what changed since the previous session), the notebook, and
    the package's version and code.
    """
    h = hashlib.sha256()
    for part in (client_dir / "profile.json", client_dir / f"{framework}.json", client_dir / framework,
                 client_dir / ".history" / framework, notebook):
        h.update(b"\0" + str(part.name).encode())
        _hash_tree(h, part)
    h.update(package_digest().encode())
    h.update(extra.encode())
    return h.hexdigest()[:32]


def load_manifest(out_dir: Path) -> dict:
    try:
        data = json.loads((out_dir / MANIFEST).read_text("utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_manifest(out_dir: Path, manifest: dict) -> None:
    from .store import atomic_write

    out_dir.mkdir(parents=True, exist_ok=True)
    atomic_write(out_dir / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True) + "\n")


def _entry(o: Outcome) -> dict:
    """A manifest line: fingerprint, success and where the seconds went."""
    entry = {"fingerprint": o.fingerprint, "ok": o.ok,
             "seconds": {k: round(v, 4) for k, v in o.timings.items()}}
    if not o.ok:
        entry["error"] = o.error
        entry["cell"] = o.cell
    return entry


def _outputs_exist(out_dir: Path, framework: str) -> bool:
    return all((out_dir / name).is_file() for name in
               (f"{framework}.html", f"{PARTS}/{framework}.html", f"{framework}.headline.json"))


# ----------------------------------------------------------------------------
# Inside a warm worker
# ----------------------------------------------------------------------------

_EXPORTER = None


def warm_worker() -> None:
    """Run once in each warm worker: import every room, build and warm the exporter."""
    global _EXPORTER
    import nbformat
    import papermill

    from . import report

    logging.getLogger("traitlets").setLevel(logging.ERROR)  # nbconvert's missing-alt-text notices

    for fw in registry.REGISTRY:
        for attr in ("module", "ui"):
            try:
                getattr(fw, attr)
            except Exception:  # a room being written; its notebook will report the error
                log.debug("could not preload %s.%s", fw.name, attr, exc_info=True)
    _EXPORTER = _exporter()
    nb = nbformat.v4.new_notebook()
    nb.metadata.kernelspec = {"name": "python3", "language": "python", "display_name": "Python 3"}
    nb.cells = [nbformat.v4.new_markdown_cell("# Warm\n\nText with *emphasis*, a [link](#x) and a list:\n\n- one"),
                nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("from workbook.html import Html\nHtml('<p>warm</p>')")]
    nb = papermill.execute_notebook(nb, None, parameters={"x": 2}, engine_name="workbook", progress_bar=False,
                                    request_save_on_cell_execute=False)
    _EXPORTER.fragment(nb)


def _exporter():
    """This worker's one exporter (reused for every notebook it exports)."""
    global _EXPORTER
    if _EXPORTER is None:
        from . import report

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
    from . import report
    from .store import Store

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
    from . import report
    from .store import Store

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
    from .store import Store, atomic_write
    from .ui.summary import portfolio_page

    page = portfolio_page(Store(data_dir), Path(reports_dir), clients)
    path = Path(reports_dir) / "portfolio.html"
    atomic_write(path, page)
    return str(path)


# ----------------------------------------------------------------------------
# Back ends: local warm workers, or a Dask cluster
# ----------------------------------------------------------------------------


def _worker_timeout(job: Job) -> float:
    return job.timeout + WORKER_GRACE


def _call(worker, job: Job) -> Outcome:
    from .engine import WorkerDied

    try:
        return worker.call("workbook.batch:run_job", job, timeout=_worker_timeout(job))
    except WorkerDied as exc:
        return Outcome(job.client, job.framework, False, error=f"WorkerDied: {exc}", fingerprint=job.fingerprint)
    except Exception as exc:  # noqa: BLE001
        return Outcome(job.client, job.framework, False, error=f"{type(exc).__name__}: {one_line(str(exc))}",
                       fingerprint=job.fingerprint)


def _new_worker(wait: bool = True, log_file=None):
    from .engine import WarmWorker

    env = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    return WarmWorker(preload=BATCH_PRELOAD, warmups=("workbook.batch:warm_worker",), env=env, wait=wait,
                      stderr=log_file)


class LocalPool:
    """``n`` warm workers fed from one priority queue by one thread each."""

    def __init__(self, n: int, log_file=None) -> None:
        # The first worker starts importing at once; :meth:`start` clones it for the
        # others, so the imports and warm-up are paid once, not ``n`` times.
        self._t0 = time.perf_counter()
        self._log_file = log_file
        self._n = n
        self.workers = [_new_worker(wait=False, log_file=log_file)]
        self.startup = 0.0
        self._jobs: queue.PriorityQueue = queue.PriorityQueue()
        self._results: queue.Queue = queue.Queue()
        self._seq = 0
        self._threads: list[threading.Thread] = []

    def start(self) -> "LocalPool":
        """Clone the first worker once it is warm and start feeding them all."""
        first = self.workers[0]
        try:
            first.wait_ready()
            while len(self.workers) < self._n:
                self.workers.append(first.clone())
        except Exception:  # noqa: BLE001 - fall back to separate workers
            log.warning("cloning the warm worker failed; starting separate workers", exc_info=True)
            while len(self.workers) < self._n:
                self.workers.append(_new_worker(wait=False, log_file=self._log_file))
        self.startup = time.perf_counter() - self._t0
        self._threads = [threading.Thread(target=self._loop, args=(i,), daemon=True)
                         for i in range(len(self.workers))]
        for t in self._threads:
            t.start()
        return self

    def _loop(self, i: int) -> None:
        try:
            self.workers[i].wait_ready()
        except Exception:  # noqa: BLE001 - replaced on the first job below
            log.warning("warm worker %d failed to start", i, exc_info=True)
        while True:
            _, _, job = self._jobs.get()
            if job is None:
                return
            worker = self.workers[i]
            if not worker.alive:
                try:
                    worker = self.workers[i] = _new_worker(log_file=self._log_file)
                except Exception as exc:  # noqa: BLE001
                    self._results.put(Outcome(job.client, job.framework, False, error=f"WorkerDied: {exc}"))
                    continue
            self._results.put(_call(worker, job))

    def submit(self, job: Job) -> None:
        self._seq += 1
        self._jobs.put((0 if job.framework == SUMMARY else 1, self._seq, job))

    def results(self) -> Outcome:
        return self._results.get()

    def call(self, target: str, *args):
        return self.workers[0].call(target, *args, timeout=600)

    def close(self) -> None:
        for _ in self._threads:
            self._jobs.put((9, 1 << 60, None))
        for t in self._threads:
            t.join(timeout=5)
        for w in self.workers:
            w.close()


_DASK_WORKERS = threading.local()
_DASK_STARTED: list = []


def _dask_job(job: Job) -> Outcome:
    """Run ``job`` in this Dask worker's own warm worker (one per worker thread)."""
    worker = getattr(_DASK_WORKERS, "worker", None)
    if worker is None or not worker.alive:
        worker = _DASK_WORKERS.worker = _new_worker()
        _DASK_STARTED.append(worker)
    return _call(worker, job)


def close_dask_workers() -> None:
    """Stop the warm workers this process started for Dask jobs."""
    while _DASK_STARTED:
        _DASK_STARTED.pop().close()


import atexit  # noqa: E402

atexit.register(close_dask_workers)


def _dask_call(target: str, *args):
    from .engine import _resolve

    return _resolve(target)(*args)


class DaskPool:
    """The same jobs on an existing Dask distributed cluster."""

    def __init__(self, address: str) -> None:
        from distributed import Client

        self.client = Client(address, set_as_default=False)
        self._ac = None
        self.startup = 0.0

    def submit(self, job: Job) -> None:
        from distributed import as_completed

        future = self.client.submit(_dask_job, job, pure=False, priority=1 if job.framework == SUMMARY else 0,
                                    key=f"workbook-{job.client}-{job.framework}-{time.monotonic_ns()}")
        future._workbook_job = job  # type: ignore[attr-defined]
        if self._ac is None:
            self._ac = as_completed([future], loop=self.client.loop)
        else:
            self._ac.add(future)

    def results(self) -> Outcome:
        future = next(self._ac)
        job: Job = future._workbook_job  # type: ignore[attr-defined]
        try:
            return future.result()
        except Exception as exc:  # noqa: BLE001 - a lost Dask worker, for instance
            return Outcome(job.client, job.framework, False, error=f"{type(exc).__name__}: {one_line(str(exc))}",
                           fingerprint=job.fingerprint)

    def call(self, target: str, *args):
        return self.client.submit(_dask_call, target, *args, pure=False).result()

    def close(self) -> None:
        self.client.close()


# ----------------------------------------------------------------------------
# PDFs: one Chromium, a few pages at a time
# ----------------------------------------------------------------------------


def print_pdfs(items: Sequence[tuple[Path, Path, str]], pages: int = PDF_PAGES) -> list[tuple[Path, str]]:
    """Print ``(html, pdf, footer)`` items with one headless Chromium; return failures."""
    import asyncio

    if not items:
        return []

    async def main() -> list[tuple[Path, str]]:
        from playwright.async_api import async_playwright

        from . import report

        failures: list[tuple[Path, str]] = []
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=report.chromium_path(), args=report.CHROMIUM_FLAGS)
            todo: asyncio.Queue = asyncio.Queue()
            for item in items:
                todo.put_nowait(item)

            async def block_network(route):
                if route.request.url.startswith(("file:", "data:")):
                    await route.continue_()
                else:
                    await route.abort()

            async def printer() -> None:
                page = await browser.new_page()
                await page.route("**/*", block_network)
                while not todo.empty():
                    html, pdf, footer = todo.get_nowait()
                    try:
                        await page.goto(Path(html).resolve().as_uri(), wait_until="load")
                        tmp = Path(pdf).with_suffix(".pdf.part")
                        await page.pdf(path=str(tmp), **report.pdf_options(footer))
                        os.replace(tmp, pdf)
                    except Exception as exc:  # noqa: BLE001
                        failures.append((Path(pdf), f"{type(exc).__name__}: {one_line(str(exc))}"))
                await page.close()

            await asyncio.gather(*(printer() for _ in range(max(1, min(pages, len(items))))))
            await browser.close()
        return failures

    return asyncio.run(main())


# ----------------------------------------------------------------------------
# The batch
# ----------------------------------------------------------------------------


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def _progress(total: int, n_clients: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="nb", desc="Notebooks", dynamic_ncols=True, disable=not enabled,
                bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} "
                           "[{elapsed}<{remaining}, {rate_fmt}]{postfix}")


def run_batch(data_dir: str | os.PathLike = "data", reports_dir: str | os.PathLike = "reports",
              clients: Iterable[str] | None = None, frameworks: Iterable[str] | None = None,
              workers: int | None = None, scheduler: str | None = None, force: bool = False,
              pdf: bool = True, timeout: float = DEFAULT_TIMEOUT, progress: bool | None = None,
              portfolio: bool = True) -> BatchResult:
    """Build the reports of ``clients`` (default: all) for ``frameworks`` (default: all registered).

    Parameters
    ----------
    workers : int, optional
        Local warm workers (default: the usable cores).
    scheduler : str, optional
        Address of a Dask distributed scheduler; jobs run there instead.
    force : bool
        Rerun notebooks whose inputs have not changed.
    timeout : float
        Seconds one notebook may run before it is stopped and reported.
    progress : bool, optional
        Show the progress bar (default: when stderr is a terminal).
    """
    from .engine import block_slow_imports

    block_slow_imports()
    data_dir, reports_dir = Path(data_dir).resolve(), Path(reports_dir).resolve()
    chosen = list(frameworks) if frameworks else None
    for name in chosen or ():
        registry.get(name)
    log_file = early = None
    if not scheduler:
        # start warming the workers first, while this process loads the store and makes the
        # plan (they are closed unused when everything is up to date)
        reports_dir.mkdir(parents=True, exist_ok=True)
        log_file = open(reports_dir / LOG_NAME, "a", encoding="utf-8")
        early = LocalPool(workers or default_workers(), log_file)
    try:
        from .store import Store

        store = Store(data_dir)
        slugs = list(clients) if clients else store.list_clients()
        for slug in slugs:
            store.client_dir(slug)  # unknown clients fail here, naming the slug
        return _run(store, data_dir, reports_dir, slugs, chosen, scheduler, force, pdf, timeout, progress,
                    portfolio, early, log_file)
    finally:
        if early is not None and not early._threads:
            early.close()
        if log_file is not None:
            log_file.close()


def _run(store, data_dir: Path, reports_dir: Path, slugs: list[str], chosen: list[str] | None,
         scheduler: str | None, force: bool, pdf: bool, timeout: float, progress: bool | None,
         portfolio: bool, early: "LocalPool | None", log_file) -> BatchResult:
    result = BatchResult(clients=slugs)
    t_start = time.perf_counter()

    # plan: which pages are current, which must run
    plans: dict[str, dict] = {}
    jobs: list[Job] = []
    for slug in slugs:
        out = reports_dir / slug
        manifest = load_manifest(out)
        pages = manifest.get("pages", {})
        have = [n for n in registry.names() if store.has(slug, n)]
        plan = {"manifest": manifest, "have": have, "waiting": set(), "outcomes": {}, "fresh": False}
        for name in have:
            fw = registry.get(name)
            fp = fingerprint(store.client_dir(slug), name, fw.notebook_path)
            entry = pages.get(name, {})
            current = entry.get("fingerprint") == fp and entry.get("ok") and _outputs_exist(out, name)
            if chosen is not None and name not in chosen:
                continue
            if current and not force:
                plan["outcomes"][name] = Outcome(slug, name, True, skipped=True, fingerprint=fp)
                result.outcomes.append(plan["outcomes"][name])
            else:
                job = Job(slug, name, str(fw.notebook_path), str(data_dir), str(reports_dir), fp, timeout,
                          fw.title)
                jobs.append(job)
                plan["waiting"].add(name)
        plans[slug] = plan

    def summary_job(slug: str) -> Job | None:
        plan = plans[slug]
        out = reports_dir / slug
        pages = dict(plan["manifest"].get("pages", {}))
        for name, o in plan["outcomes"].items():
            if not o.skipped:
                pages[name] = _entry(o)
        include = tuple((n, registry.get(n).title) for n in plan["have"]
                        if pages.get(n, {}).get("ok") and _outputs_exist(out, n))
        plan["pages"] = pages
        h = hashlib.sha256()
        for name, _ in include:
            h.update(f"{name}:{pages[name]['fingerprint']}".encode())
        fp = fingerprint(store.client_dir(slug), SUMMARY, SUMMARY_NOTEBOOK, extra=h.hexdigest())
        previous = plan["manifest"].get(SUMMARY, {})
        if (not force and previous.get("fingerprint") == fp and previous.get("ok")
                and (out / "report.html").is_file()):
            o = Outcome(slug, SUMMARY, True, skipped=True, fingerprint=fp)
            plan["outcomes"][SUMMARY] = o
            result.outcomes.append(o)
            return None
        return Job(slug, SUMMARY, str(SUMMARY_NOTEBOOK), str(data_dir), str(reports_dir), fp, timeout,
                   SUMMARY_TITLE, include, tuple(plan["have"]))

    def finish_client(slug: str) -> None:
        plan = plans[slug]
        manifest = dict(plan["manifest"])
        manifest["pages"] = plan["pages"]
        s = plan["outcomes"].get(SUMMARY)
        if s is not None:
            manifest[SUMMARY] = _entry(s) if not s.skipped else manifest.get(SUMMARY, _entry(s))
        manifest["package"] = __version__
        if not s or not s.skipped or any(not o.skipped for o in plan["outcomes"].values()):
            manifest["updated"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
            plan["fresh"] = True
        plan["manifest"] = manifest
        _write_manifest(reports_dir / slug, manifest)

    pending_summaries = [s for s in slugs if not plans[s]["waiting"]]
    total = len(jobs) + len(slugs)
    bar = _progress(total, len(slugs), progress if progress is not None else _stderr_is_tty())
    bar.update(sum(1 for o in result.outcomes if o.skipped))
    clients_done = 0
    failures = 0

    def show() -> None:
        bar.set_postfix_str(f"clients {clients_done}/{len(slugs)}, failed {failures}", refresh=True)

    pool = None
    try:
        to_run = list(jobs)
        for slug in pending_summaries:
            job = summary_job(slug)
            if job is None:
                finish_client(slug)
                clients_done += 1
                bar.update(1)
            else:
                to_run.append(job)
        show()
        if to_run:
            pool = DaskPool(scheduler) if scheduler else early.start()
            early = None
            result.worker_startup = pool.startup
            for job in to_run:
                pool.submit(job)
            outstanding = len(to_run)
            while outstanding:
                o = pool.results()
                outstanding -= 1
                result.outcomes.append(o)
                failures += not o.ok
                bar.update(1)
                plan = plans[o.client]
                plan["outcomes"][o.framework] = o
                if o.framework == SUMMARY:
                    finish_client(o.client)
                    clients_done += 1
                else:
                    plan["waiting"].discard(o.framework)
                    if not plan["waiting"]:
                        job = summary_job(o.client)
                        if job is None:
                            finish_client(o.client)
                            clients_done += 1
                            bar.update(1)
                        else:
                            pool.submit(job)
                            outstanding += 1
                show()
        if portfolio and slugs:
            if any(plans[s]["fresh"] for s in slugs) or not (reports_dir / "portfolio.html").is_file() or force:
                all_clients = [s for s in store.list_clients() if (reports_dir / s / MANIFEST).is_file()]
                if pool is None:
                    result.portfolio = Path(write_portfolio(str(reports_dir), str(data_dir), all_clients))
                else:
                    result.portfolio = Path(pool.call("workbook.batch:write_portfolio", str(reports_dir),
                                                      str(data_dir), all_clients))
            else:
                result.portfolio = reports_dir / "portfolio.html"
    finally:
        bar.close()
        if pool is not None:
            pool.close()
    result.html_seconds = time.perf_counter() - t_start

    if pdf:
        t0 = time.perf_counter()
        items = []
        for slug in slugs:
            out = reports_dir / slug
            html = out / "report.html"
            if not html.is_file():
                continue
            digest = hashlib.sha256(html.read_bytes()).hexdigest()[:32]
            manifest = plans[slug]["manifest"]
            if not force and manifest.get("pdf") == digest and (out / "report.pdf").is_file():
                continue
            items.append((html, out / "report.pdf", store.load_profile(slug).name))
            manifest["pdf"] = digest
        failed = dict(print_pdfs(items))
        for html, pdf_path, _ in items:
            slug = html.parent.name
            if pdf_path in failed:
                result.pdf_failures.append((slug, failed[pdf_path]))
                plans[slug]["manifest"].pop("pdf", None)
            _write_manifest(reports_dir / slug, plans[slug]["manifest"])
        result.pdfs = len(items) - len(failed)
        result.pdf_seconds = time.perf_counter() - t0
    return result


def _stderr_is_tty() -> bool:
    try:
        return os.isatty(2)
    except OSError:
        return False


def failure_table(result: BatchResult) -> str:
    """The failures as a plain-text table: client, framework, cell, error."""
    rows = [(o.client, o.framework, "" if o.cell is None else str(o.cell), o.error) for o in result.failures]
    rows += [(slug, "pdf", "", err) for slug, err in result.pdf_failures]
    if not rows:
        return ""
    head = ("client", "framework", "cell", "error")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(3)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head[:3], widths)) + "  error"]
    lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 5)
    for r in rows:
        lines.append("  ".join(v.ljust(w) for v, w in zip(r[:3], widths)) + "  " + r[3])
    return "\n".join(lines)


def describe(result: BatchResult) -> str:
    """A short account of what the batch did."""
    ran = len(result.executed())
    skipped = sum(1 for o in result.outcomes if o.skipped)
    text = (f"{len(result.clients)} client(s): {ran} notebook(s) run, {skipped} up to date, "
            f"{len(result.failures)} failed; HTML in {result.html_seconds:.1f} s")
    if result.pdfs or result.pdf_seconds:
        text += f", {result.pdfs} PDF(s) in {result.pdf_seconds:.1f} s"
    return text + "."
