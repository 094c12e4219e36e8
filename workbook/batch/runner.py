"""The batch: plan which pages must run, feed the pool, write manifests, print the PDFs."""
from __future__ import annotations

import hashlib
import os
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

from .. import __version__, registry
from .jobs import DEFAULT_TIMEOUT, SUMMARY, SUMMARY_NOTEBOOK, SUMMARY_TITLE, BatchResult, Job, Outcome
from .manifest import MANIFEST, _entry, _outputs_exist, _write_manifest, fingerprint, load_manifest
from .pages import write_portfolio
from .pdf import print_pdfs
from .pools import DaskPool, LocalPool

LOG_NAME = "batch.log"  # the warm workers' own messages


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def _progress(total: int, enabled: bool):
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
    from ..engine import block_slow_imports

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
        from ..store import Store

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
    bar = _progress(total, progress if progress is not None else _stderr_is_tty())
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
                    result.portfolio = Path(pool.call("workbook.batch.pages:write_portfolio", str(reports_dir),
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
