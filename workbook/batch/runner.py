"""The batch as a chain of named steps: plan, pages, portfolio, PDFs.

:func:`run_batch` runs, in order:

1. :func:`plan_step`: each client's :class:`~workbook.batch.plan.ClientPlan`
   (which pages are current) and the jobs for the rest;
2. :func:`pages_step`: the jobs in warm workers; each client's executive
   summary as soon as its pages are done, then its manifest;
3. :func:`portfolio_step`: ``reports/portfolio.html`` when anything changed;
4. :func:`pdf_step`: each client's ``report.pdf`` when its report changed,
   recorded in the manifest as soon as it is printed.

Every read or write of one client's files is isolated: a failure becomes a
:class:`~workbook.batch.jobs.StepFailure` of that client and the others go
on.  Ctrl-C (SIGINT) stops the batch: the pages done so far are recorded (a
rerun does not redo them) and the result says what was finished
(:attr:`~workbook.batch.jobs.BatchResult.interrupted`, exit status 130).
While a batch runs, Ctrl-C only raises a flag that the steps look at between
pieces of work, so nothing is cut off half-way; a second Ctrl-C stops at once.
"""
from __future__ import annotations

import os
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .. import registry
from .jobs import DEFAULT_TIMEOUT, SUMMARY, BatchResult, Job, StepFailure, one_line, problems_text
from .manifest import MANIFEST, PDF, REPORT, report_digest
from .pages import PORTFOLIO, write_portfolio
from .pdf import PdfJob, print_pdfs
from .plan import ClientPlan, Settings, plan_client
from .pools import DaskPool, LocalPool

LOG_NAME = "batch.log"  # the warm workers' own messages


def default_workers() -> int:
    """The usable cores."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


class Progress:
    """The progress bar: notebooks done, clients finished, failures."""

    def __init__(self, total: int, clients: int, enabled: bool) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=total, unit="nb", desc="Notebooks", dynamic_ncols=True, disable=not enabled,
                        bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} "
                                   "[{elapsed}<{remaining}, {rate_fmt}]{postfix}")
        self.clients, self.finished, self.failed = clients, 0, 0

    def advance(self, n: int = 1, failed: bool = False, client_done: bool = False) -> None:
        self.bar.update(n)
        self.failed += failed
        self.finished += client_done
        self.bar.set_postfix_str(f"clients {self.finished}/{self.clients}, failed {self.failed}", refresh=True)

    def close(self) -> None:
        self.bar.close()


@dataclass
class BatchRun:
    """The state the steps share: what was asked, the store, each client's plan and the result."""

    settings: Settings
    store: object
    result: BatchResult
    plans: dict[str, ClientPlan] = field(default_factory=dict)
    stop: threading.Event = field(default_factory=threading.Event)  # set by Ctrl-C

    def check(self) -> None:
        """Stop here when Ctrl-C was pressed."""
        if self.stop.is_set():
            raise Interrupted

    def fail(self, client: str, step: str, error: BaseException | str) -> None:
        """Record a problem outside any notebook."""
        text = error if isinstance(error, str) else f"{type(error).__name__}: {one_line(str(error))}"
        self.result.step_failures.append(StepFailure(client, step, text))


class Interrupted(Exception):
    """Ctrl-C was pressed: the batch stops between two pieces of work."""


@contextmanager
def _ctrl_c_sets(flag: threading.Event):
    """While inside, the first SIGINT sets ``flag`` instead of raising (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_sigint(signum, frame):
        if flag.is_set():
            raise KeyboardInterrupt  # the second Ctrl-C: stop at once
        flag.set()

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def run_batch(data_dir: str | os.PathLike = "data", reports_dir: str | os.PathLike = "reports",
              clients: Iterable[str] | None = None, frameworks: Iterable[str] | None = None,
              workers: int | None = None, scheduler: str | None = None, force: bool = False,
              pdf: bool = True, timeout: float = DEFAULT_TIMEOUT, progress: bool | None = None,
              portfolio: bool = True, errors_file: str | os.PathLike | None = None) -> BatchResult:
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
    errors_file : path, optional
        Write every problem there (the printed table stops at the first 50).
    """
    from ..engine import block_slow_imports

    block_slow_imports()
    settings = Settings(Path(data_dir).resolve(), Path(reports_dir).resolve(),
                        tuple(frameworks) if frameworks else None, force, timeout, pdf, portfolio)
    for name in settings.frameworks or ():
        registry.get(name)
    log_file = early = None
    if not scheduler:
        # start warming the workers first, while this process loads the store and makes the
        # plan (they are closed unused when everything is up to date)
        settings.reports_dir.mkdir(parents=True, exist_ok=True)
        log_file = open(settings.reports_dir / LOG_NAME, "a", encoding="utf-8")
        early = LocalPool(workers or default_workers(), log_file)
    try:
        from ..store import Store

        store = Store(settings.data_dir)
        slugs = list(clients) if clients else store.list_clients()
        for slug in slugs:
            store.client_dir(slug)  # unknown clients fail here, naming the slug
        run = BatchRun(settings, store, BatchResult(clients=slugs))
        start_pool = (lambda: DaskPool(scheduler)) if scheduler else early.start
        _run_steps(run, start_pool, progress if progress is not None else _stderr_is_tty())
    finally:
        if early is not None and not early.started:
            early.close()
        if log_file is not None:
            log_file.close()
    if errors_file is not None:
        from ..store import atomic_write

        atomic_write(Path(errors_file), problems_text(run.result))
    return run.result


def _run_steps(run: BatchRun, start_pool: Callable, show_progress: bool) -> None:
    """plan -> pages -> portfolio -> PDFs; Ctrl-C keeps what is done and marks the result interrupted."""
    result, pool = run.result, None
    t0 = time.perf_counter()
    with _ctrl_c_sets(run.stop):
        try:
            try:
                jobs = plan_step(run)
                run.check()
                pool = pages_step(run, jobs, start_pool, show_progress)
                run.check()
                portfolio_step(run, pool)
            finally:
                if pool is not None:
                    pool.close()
                result.html_seconds = time.perf_counter() - t0
            if run.settings.pdf:
                t0 = time.perf_counter()
                try:
                    pdf_step(run)
                finally:
                    result.pdf_seconds = time.perf_counter() - t0
            run.check()
        except (Interrupted, KeyboardInterrupt):
            result.interrupted = True
            for plan in run.plans.values():
                if not plan.finished:
                    try:
                        plan.save_progress()
                    except Exception:  # noqa: BLE001 - that client's pages then run again; nothing else is lost
                        pass
    result.finished = [slug for slug, plan in run.plans.items() if plan.finished]


def plan_step(run: BatchRun) -> list[Job]:
    """Plan every client (a client whose files cannot be read is reported, not planned)."""
    jobs: list[Job] = []
    for slug in run.result.clients:
        try:
            plan, client_jobs = plan_client(run.store, slug, run.settings)
        except Exception as exc:  # noqa: BLE001 - one client's unreadable files never stop the others
            run.fail(slug, "plan", exc)
            continue
        run.plans[slug] = plan
        run.result.outcomes.extend(plan.outcomes.values())
        jobs += client_jobs
    return jobs


def pages_step(run: BatchRun, jobs: list[Job], start_pool: Callable, show_progress: bool):
    """Run the pages, each client's summary once its pages are done, and write its manifest.

    Returns the pool when one was started (the portfolio is written in it), else ``None``.
    """
    progress = Progress(len(jobs) + len(run.plans), len(run.plans), show_progress)
    progress.advance(len(run.result.outcomes))
    pool = None
    try:
        to_run = list(jobs)
        for plan in run.plans.values():
            if not plan.waiting:
                to_run += _summary_or_finish(run, plan, progress)
        if not to_run:
            return None
        pool = start_pool()
        run.result.worker_startup = pool.startup
        for job in to_run:
            pool.submit(job)
        outstanding = len(to_run)
        while outstanding:
            run.check()
            o = pool.results(timeout=0.25)
            if o is None:
                continue
            outstanding -= 1
            run.result.outcomes.append(o)
            plan = run.plans[o.client]
            plan.outcomes[o.framework] = o
            if o.framework == SUMMARY:
                _finish(run, plan)
                progress.advance(failed=not o.ok, client_done=True)
                continue
            progress.advance(failed=not o.ok)
            plan.waiting.discard(o.framework)
            if not plan.waiting:
                for job in _summary_or_finish(run, plan, progress):
                    pool.submit(job)
                    outstanding += 1
        return pool
    except BaseException:
        if pool is not None:
            pool.close()
        raise
    finally:
        progress.close()


def _summary_or_finish(run: BatchRun, plan: ClientPlan, progress: Progress) -> list[Job]:
    """The client's summary job, or (when it is current or cannot be planned) the finished client."""
    try:
        job, skipped = plan.summary_job(run.settings)
    except Exception as exc:  # noqa: BLE001
        run.fail(plan.slug, "plan", exc)
        job, skipped = None, None
    if job is not None:
        return [job]
    if skipped is not None:
        plan.outcomes[SUMMARY] = skipped
        run.result.outcomes.append(skipped)
    _finish(run, plan)
    progress.advance(client_done=True)
    return []


def _finish(run: BatchRun, plan: ClientPlan) -> None:
    try:
        plan.finish()
    except Exception as exc:  # noqa: BLE001 - this client resumes from its old manifest
        run.fail(plan.slug, "manifest", exc)
        plan.finished = True


def portfolio_step(run: BatchRun, pool) -> None:
    """Write ``reports/portfolio.html`` when a client's report changed (in the pool, when there is one)."""
    s = run.settings
    if not s.portfolio or not run.result.clients:
        return
    path = s.reports_dir / "portfolio.html"
    if not (s.force or any(p.fresh for p in run.plans.values()) or not path.is_file()):
        run.result.portfolio = path
        return
    try:
        listed = [c for c in run.store.list_clients() if (s.reports_dir / c / MANIFEST).is_file()]
        args = (str(s.reports_dir), str(s.data_dir), listed)
        run.result.portfolio = Path(pool.call(PORTFOLIO, *args) if pool is not None else write_portfolio(*args))
    except Exception as exc:  # noqa: BLE001 - the clients' reports stand without it
        run.fail("-", "portfolio", exc)


def _pdf_job(run: BatchRun, plan: ClientPlan) -> tuple[PdfJob, str] | None:
    """The client's PDF to print and its report's digest, or ``None`` when the PDF is current."""
    html = plan.out_dir / REPORT
    if not html.is_file():
        return None
    digest = report_digest(html)
    if not run.settings.force and plan.manifest.pdf == digest and (plan.out_dir / PDF).is_file():
        return None
    footer = run.store.load_profile(plan.slug).name
    return PdfJob(plan.slug, html, plan.out_dir / PDF, footer), digest


def pdf_step(run: BatchRun) -> None:
    """Print every changed report; each printed PDF is recorded at once, each failure is that client's only."""
    result = run.result
    items, digests = [], {}
    for slug, plan in run.plans.items():
        try:
            planned = _pdf_job(run, plan)
        except Exception as exc:  # noqa: BLE001 - a corrupt profile, an unreadable report
            run.fail(slug, "pdf", exc)
            continue
        if planned is not None:
            items.append(planned[0])
            digests[slug] = planned[1]
    result.pdf_planned = [item.client for item in items]
    reported: set[str] = set()

    def done(item: PdfJob, error: str | None) -> None:
        reported.add(item.client)
        if error is None:
            result.pdf_done.append(item.client)
        else:
            run.fail(item.client, "pdf", error)
        try:
            run.plans[item.client].record_pdf(digests[item.client] if error is None else None)
        except Exception as exc:  # noqa: BLE001 - printed, but printed again next time
            run.fail(item.client, "manifest", exc)

    try:
        print_pdfs(items, on_done=done, stop=run.stop.is_set)
    except Exception as exc:  # noqa: BLE001 - Chromium could not start or went away
        for item in items:
            if item.client not in reported:
                run.fail(item.client, "pdf", exc)
    result.pdfs = len(result.pdf_done)


def _stderr_is_tty() -> bool:
    try:
        return os.isatty(2)
    except OSError:
        return False

