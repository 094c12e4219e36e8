"""The warm worker process and its client, :class:`WarmWorker`.

A warm worker is a Python process that has imported the heavy modules and built
the shell of :mod:`workbook.engine.shell` once.  It answers requests over a Unix
socket pair: ``execute`` runs cells in a forked child (:func:`run_forked`),
``call`` runs a function inside the worker, ``clone`` forks a second worker
that needs no second round of imports.  Nothing listens on a network address.

Layer: imports :mod:`.fork` and :mod:`.shell`.  The papermill engines, one
layer up, are registered in each worker by name (:data:`WORKER_SETUP`), not
imported from here.
"""
from __future__ import annotations

import atexit
import importlib
import logging
import os
import pickle
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Callable

from .fork import NotebookRun, run_forked
from .shell import DEFAULT_PRELOAD, prepare

log = logging.getLogger(__name__)

#: Run in every warm worker after its imports: make ``engine_name="workbook"`` known to papermill there.
WORKER_SETUP: tuple[str, ...] = ("workbook.engine.papermill_engines:register_engines",)

_IN_WORKER = False  # True inside a warm worker process (set by _serve)


def in_worker() -> bool:
    """Say whether this process is a warm worker (notebooks fork from it directly)."""
    return _IN_WORKER


def resolve(target: str | Callable) -> Callable:
    """The callable named by ``"module:function"`` (or ``target`` itself when it is callable)."""
    if callable(target):
        return target
    module, _, name = target.partition(":")
    obj: Any = importlib.import_module(module)
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def _serve(fd: int, preload: list[str], warmups: list[str]) -> None:
    """Main loop of a warm worker: answer requests until the socket closes."""
    global _IN_WORKER
    _IN_WORKER = True
    conn = Connection(fd)
    t0 = time.perf_counter()
    prepare(preload)
    for target in (*WORKER_SETUP, *warmups):
        try:
            resolve(target)()
        except Exception:
            log.warning("warm-up %s failed", target, exc_info=True)
    # Everything imported so far is shared with the children copy-on-write.  A full
    # garbage collection in a child would touch (and so copy) every one of those
    # objects; frozen objects are left out of collections.
    import gc

    gc.collect()
    gc.freeze()
    conn.send(("ready", {"pid": os.getpid(), "startup": time.perf_counter() - t0}))
    _serve_loop(conn)


def _clone(conn: Connection) -> None:
    """Fork a copy of this warm worker that serves its own socket.

    The copy is made with a double fork, so it is adopted by init (nobody has
    to collect it) and is independent of this worker.  The client gets the
    copy's end of a new socket pair over ``conn`` (SCM_RIGHTS).
    """
    from multiprocessing.reduction import send_handle

    ours, theirs = socket.socketpair()
    pid = os.fork()
    if pid == 0:
        try:
            if os.fork() == 0:
                os.setpgid(0, 0)
                ours.close()
                try:
                    os.close(conn.fileno())
                except OSError:
                    pass
                clone = Connection(theirs.detach())
                clone.send(("ready", {"pid": os.getpid(), "startup": 0.0}))
                _serve_loop(clone)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    theirs.close()
    conn.send(("return", "handle follows"))
    send_handle(conn, ours.fileno(), 0)
    ours.close()


def _serve_loop(conn: Connection) -> None:
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            break
        kind = request[0]
        try:
            if kind == "clone":
                _clone(conn)
            elif kind == "execute":
                opts = request[1]
                run = run_forked(on_event=lambda ev: conn.send(("event", ev)), **opts)
                conn.send(("return", run))
            elif kind == "call":
                _, target, args, kwargs = request
                conn.send(("return", resolve(target)(*args, **kwargs)))
        except BaseException as exc:  # report, keep serving
            tb = traceback.format_exc()
            try:
                conn.send(("raise", _portable_exception(exc), tb))
            except (OSError, EOFError):
                break
    conn.close()


def _portable_exception(exc: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")


def serve_main() -> None:
    """Entry point of a warm worker process (``python -c`` started by :class:`WarmWorker`)."""
    args = sys.argv[1:]
    fd = int(args[0])
    preload = [m for m in args[1].split(",") if m]
    warmups = [w for w in args[2].split(",") if w] if len(args) > 2 else []
    logging.basicConfig(level=logging.WARNING, format="warm worker: %(message)s")
    _serve(fd, preload, warmups)


class WorkerDied(RuntimeError):
    """The warm worker process itself went away."""


class WarmWorker:
    """A warm worker process and the socket to it.

    Parameters
    ----------
    preload:
        Modules to import before the first notebook.
    warmups:
        ``"module:function"`` callables run once in the worker after the
        imports (for example to build and warm an HTML exporter).
    env:
        Extra environment variables for the worker.
    stderr:
        Where the worker's own messages go (a file object; default: inherited).
    """

    def __init__(self, preload=DEFAULT_PRELOAD, warmups=(), env: dict | None = None,
                 startup_timeout: float = 120.0, wait: bool = True, stderr=None) -> None:
        ours, theirs = socket.socketpair()
        package_root = str(Path(__file__).resolve().parents[2])
        child_env = dict(os.environ)
        child_env["PYTHONPATH"] = os.pathsep.join(
            p for p in (package_root, child_env.get("PYTHONPATH", "")) if p)
        child_env.setdefault("MPLBACKEND", "Agg")
        child_env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
        child_env.update(env or {})
        code = "from workbook.engine.worker import serve_main; serve_main()"
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code, str(theirs.fileno()), ",".join(preload), ",".join(warmups)],
            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr, env=child_env,
            start_new_session=True, close_fds=True)
        theirs.close()
        self.conn = Connection(ours.detach())
        self._lock = threading.Lock()
        self._startup_timeout = startup_timeout
        self.pid: int | None = None
        self.startup_seconds: float | None = None
        if wait:
            self.wait_ready()

    def wait_ready(self) -> "WarmWorker":
        """Block until the worker has imported its modules and warmed up."""
        if self.pid is not None:
            return self
        if not self.conn.poll(self._startup_timeout):
            self.close()
            raise WorkerDied("warm worker did not start in time")
        try:
            kind, info = self.conn.recv()
        except (EOFError, OSError) as exc:
            self.close()
            raise WorkerDied("warm worker failed to start") from exc
        self.pid = info["pid"]
        self.startup_seconds = info["startup"]
        return self

    @classmethod
    def _adopt(cls, conn: Connection) -> "WarmWorker":
        self = cls.__new__(cls)
        self.proc = None
        self.conn = conn
        self._lock = threading.Lock()
        self._startup_timeout = 30.0
        self.pid = None
        self.startup_seconds = None
        return self.wait_ready()

    def clone(self) -> "WarmWorker":
        """A second warm worker forked from this one: no second round of imports."""
        from multiprocessing.reduction import recv_handle

        self.wait_ready()
        with self._lock:
            try:
                self.conn.send(("clone",))
                answer = self.conn.recv()
                if answer[0] != "return":
                    raise WorkerDied(f"warm worker could not clone itself: {answer[1]!r}")
                fd = recv_handle(self.conn)
            except (OSError, EOFError) as exc:
                raise WorkerDied("warm worker died while cloning") from exc
        return WarmWorker._adopt(Connection(fd))

    # -- requests ---------------------------------------------------------
    def _request(self, request: tuple, on_event=None, timeout: float | None = None):
        self.wait_ready()
        with self._lock:
            try:
                self.conn.send(request)
            except (OSError, EOFError) as exc:
                raise WorkerDied("warm worker is gone") from exc
            deadline = None if timeout is None else time.monotonic() + timeout
            while True:
                wait = None if deadline is None else max(0.0, deadline - time.monotonic())
                if not self.conn.poll(wait):
                    self.close()
                    raise WorkerDied(f"warm worker did not answer within {timeout:g} s")
                try:
                    msg = self.conn.recv()
                except (EOFError, OSError) as exc:
                    self.close()
                    raise WorkerDied("warm worker died") from exc
                if msg[0] == "event":
                    if on_event is not None:
                        on_event(msg[1])
                elif msg[0] == "return":
                    return msg[1]
                elif msg[0] == "raise":
                    exc = msg[1]
                    exc.__notes__ = [*getattr(exc, "__notes__", []), "in warm worker:\n" + msg[2]]
                    raise exc

    def execute(self, cells, *, on_event=None, timeout: float | None = None, **opts) -> NotebookRun:
        """Run code cells ``(index, source, tags)`` in a fresh child; see :func:`run_forked`."""
        return self._request(("execute", dict(cells=cells, **opts)), on_event, timeout)

    def call(self, target: str | Callable, *args, timeout: float | None = None, **kwargs):
        """Call ``target`` (``"module:function"`` or a picklable function) inside the worker."""
        return self._request(("call", target, args, kwargs), None, timeout)

    def _pid_alive(self) -> bool:
        if self.proc is not None:
            return self.proc.poll() is None
        try:
            os.kill(self.pid, 0)
        except (ProcessLookupError, TypeError):
            return False
        except PermissionError:
            return True
        return True

    @property
    def alive(self) -> bool:
        return not self.conn.closed and self._pid_alive()

    def close(self) -> None:
        """Stop the worker (and any child it is running)."""
        if not self.conn.closed:
            try:
                self.conn.close()
            except OSError:
                pass
        if self.proc is None:  # a clone: not our child, so poll, then kill its group
            deadline = time.monotonic() + 2
            while self.pid and self._pid_alive() and time.monotonic() < deadline:
                time.sleep(0.02)
            if self.pid and self._pid_alive():
                try:
                    os.killpg(self.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            return
        if self.proc.poll() is None:
            try:
                self.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait()

    def __enter__(self) -> "WarmWorker":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


_local = threading.local()
_all_workers: list[WarmWorker] = []


def default_worker() -> WarmWorker:
    """The calling thread's warm worker, started on first use."""
    worker = getattr(_local, "worker", None)
    if worker is None or not worker.alive:
        worker = WarmWorker()
        _local.worker = worker
        _all_workers.append(worker)
    return worker


def shutdown_workers() -> None:
    """Stop every worker started by :func:`default_worker`."""
    while _all_workers:
        _all_workers.pop().close()


atexit.register(shutdown_workers)
