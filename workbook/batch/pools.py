"""Back ends for the batch: local warm workers, or a Dask cluster.

Both take :class:`~workbook.batch.jobs.Job` objects with ``submit`` and hand
back one :class:`~workbook.batch.jobs.Outcome` per job from ``results``; the
executive summaries go first.  Each job runs :func:`workbook.batch.pages.run_job`
in a warm worker of :mod:`workbook.engine`.
"""
from __future__ import annotations

import atexit
import logging
import queue
import threading
import time

from .jobs import SUMMARY, Job, Outcome, one_line

log = logging.getLogger(__name__)

WORKER_GRACE = 120.0  # seconds a worker may take beyond the notebook timeout (export, writing)

#: Modules every batch worker imports before its first notebook.
BATCH_PRELOAD = (
    "numpy", "pandas", "matplotlib", "matplotlib.pyplot", "IPython", "ipywidgets", "pydantic",
    "workbook", "workbook.notebook", "workbook.report", "workbook.charts", "workbook.html",
    "workbook.frameworks.summary", "workbook.summary.page", "workbook.summary.portfolio", "papermill", "nbconvert", "nbformat",
    "bdb", "IPython.core.logger", "pandas.core.methods.to_dict",
)


def _worker_timeout(job: Job) -> float:
    return job.timeout + WORKER_GRACE


def _call(worker, job: Job) -> Outcome:
    from ..engine import WorkerDied

    try:
        return worker.call("workbook.batch.pages:run_job", job, timeout=_worker_timeout(job))
    except WorkerDied as exc:
        return Outcome(job.client, job.framework, False, error=f"WorkerDied: {exc}", fingerprint=job.fingerprint)
    except Exception as exc:  # noqa: BLE001
        return Outcome(job.client, job.framework, False, error=f"{type(exc).__name__}: {one_line(str(exc))}",
                       fingerprint=job.fingerprint)


def _new_worker(wait: bool = True, log_file=None):
    from ..engine import WarmWorker

    env = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    return WarmWorker(preload=BATCH_PRELOAD, warmups=("workbook.batch.pages:warm_worker",), env=env, wait=wait,
                      stderr=log_file)


class LocalPool:
    """``n`` warm workers fed from one priority queue by one thread each."""

    def __init__(self, n: int, log_file=None) -> None:
        # The first worker starts importing at once; :meth:`start` clones it for the
        # others, so the imports and warm-up are paid once, not ``n`` times.
        self._closing = False
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

    @property
    def started(self) -> bool:
        """Say whether :meth:`start` has run (the workers are being fed)."""
        return bool(self._threads)

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
            if self._closing:
                return
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

    def results(self, timeout: float | None = None) -> Outcome | None:
        """The next outcome; ``None`` when none came within ``timeout`` seconds."""
        try:
            return self._results.get(timeout=timeout)
        except queue.Empty:
            return None

    def call(self, target: str, *args):
        return self.workers[0].call(target, *args, timeout=600)

    def close(self) -> None:
        """Stop the workers, also in the middle of jobs (an interrupted batch); no worker is restarted."""
        self._closing = True
        for _ in self._threads:
            self._jobs.put((-1, -1, None))
        for w in self.workers:
            w.close()
        for t in self._threads:
            t.join(timeout=5)


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


atexit.register(close_dask_workers)


def _dask_call(target: str, *args):
    from ..engine import resolve

    return resolve(target)(*args)


class DaskPool:
    """The same jobs on an existing Dask distributed cluster."""

    def __init__(self, address: str) -> None:
        from distributed import Client

        self.client = Client(address, set_as_default=False)
        self._ac = None
        self._jobs: dict[str, Job] = {}  # future key -> its job, to name a job whose future failed
        self.startup = 0.0

    def submit(self, job: Job) -> None:
        from distributed import as_completed

        key = f"workbook-{job.client}-{job.framework}-{time.monotonic_ns()}"
        future = self.client.submit(_dask_job, job, pure=False, priority=1 if job.framework == SUMMARY else 0, key=key)
        self._jobs[key] = job
        if self._ac is None:
            self._ac = as_completed([future], loop=self.client.loop)
        else:
            self._ac.add(future)

    def results(self, timeout: float | None = None) -> Outcome | None:
        """The next outcome; ``None`` when none came within ``timeout`` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while deadline is not None and not self._ac.has_ready():
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.05)
        future = next(self._ac)
        job = self._jobs.pop(future.key)
        try:
            return future.result()
        except Exception as exc:  # noqa: BLE001 - a lost Dask worker, for instance
            return Outcome(job.client, job.framework, False, error=f"{type(exc).__name__}: {one_line(str(exc))}",
                           fingerprint=job.fingerprint)

    def call(self, target: str, *args):
        return self.client.submit(_dask_call, target, *args, pure=False).result()

    def close(self) -> None:
        self.client.close()

