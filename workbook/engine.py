"""Warm papermill engine: notebooks executed in forked children of a pre-imported worker.

Starting a Jupyter kernel costs seconds (a new interpreter, ZeroMQ sockets, and
then ``import pandas, matplotlib`` again in every notebook).  This engine keeps a
*warm worker* process that has already imported the heavy modules, built an
IPython shell with the inline matplotlib backend, and rendered one figure and one
table to warm the caches.  For each notebook the worker ``fork()``s a child that
runs the cells in that shell and reports each cell's outputs, in nbformat
shape, back over a pipe.  The child is a fresh copy of the untouched worker, so
no client's variables, module mutations or figures can reach the next notebook.

Two ways in:

- papermill: ``papermill.execute_notebook(..., engine_name="workbook")``.  The
  engine is registered here and through the ``papermill.engine`` entry point.
  In an ordinary process it talks to a lazily started :class:`WarmWorker`
  (one per thread); inside a warm worker it forks directly.
- :class:`WarmWorker`: ``call()`` runs a function inside the worker process,
  which is how the batch runner executes, exports and writes a whole report
  page per request without shipping notebooks back and forth.

Nothing listens on a network address: the worker talks over a Unix socket pair
and its children over pipes.  The standard path, a real kernel, stays available
as ``engine_name="workbook-ipc"``, which starts the kernel with ZeroMQ's ``ipc``
transport instead of TCP ports.

A cell that runs past ``execution_timeout`` seconds is interrupted (its outputs
so far are kept) and, if it does not stop, killed; it is reported as a
``CellTimeoutError`` on that cell.  A child that dies is reported as a
``DeadKernelError`` on the cell that was running.  Either way the worker lives
on for the next notebook.
"""
from __future__ import annotations

import base64
import importlib
import io
import json
import logging
import os
import pickle
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Callable

log = logging.getLogger(__name__)

#: Modules the warm worker imports before it forks any notebook.
DEFAULT_PRELOAD: tuple[str, ...] = (
    "numpy",
    "pandas",
    "matplotlib",
    "matplotlib.pyplot",
    "IPython",
    "ipywidgets",
    "workbook",
    "bdb",  # IPython imports these two lazily on the first cell
    "IPython.core.logger",
)

#: Optional modules that cost seconds to import and that notebooks here never need.
#: ``rfc3987_syntax`` (an IRI grammar jsonschema loads when present, for a format
#: check nbformat does not use) takes about 3.5 s; it is blocked in warm workers.
SLOW_OPTIONAL_IMPORTS: tuple[str, ...] = ("rfc3987_syntax",)

#: Seconds a timed-out cell gets to stop after an interrupt before it is killed.
INTERRUPT_GRACE = 2.0

_IN_WORKER = False  # True inside a warm worker process (set by _serve)


# --------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------


@dataclass
class CellRun:
    """One executed code cell as reported by the child."""

    index: int
    outputs: list[dict] = field(default_factory=list)
    execution_count: int | None = None
    failed: bool = False
    seconds: float = 0.0


@dataclass
class NotebookRun:
    """What a forked execution produced.

    ``error`` is ``None`` on success, else ``(cell_index, ename, evalue)`` for
    the first failing cell (``cell_index`` is ``None`` when the child died
    before running any cell).
    """

    cells: dict[int, CellRun] = field(default_factory=dict)
    error: tuple[int | None, str, str] | None = None
    timings: dict[str, float] = field(default_factory=dict)
    updates: list[tuple[int, int, dict, dict]] = field(default_factory=list)


# --------------------------------------------------------------------------
# The child side: an IPython shell whose outputs become nbformat dicts
# --------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    """Make display data JSON-safe (bytes images become base64 text)."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    return json.loads(json.dumps(value, default=str))


def _clean_bundle(data: dict | None) -> dict:
    out = {}
    for mime, value in (data or {}).items():
        if isinstance(value, (bytes, bytearray)) and not mime.startswith(("image/", "application/pdf")):
            value = bytes(value).decode("utf-8", "replace")
        out[mime] = _jsonable(value)
    return out


class _Capture:
    """Collects the outputs of the running cell, nbclient-style."""

    def __init__(self) -> None:
        self.cells: dict[int, list[dict]] = {}
        self.index = -1
        self.outputs: list[dict] = []
        self.clear_pending = False
        self.display_ids: dict[str, list[tuple[int, int]]] = {}
        self.updates: list[tuple[int, int, dict, dict]] = []

    def begin(self, index: int) -> None:
        self.index = index
        self.outputs = self.cells.setdefault(index, [])
        self.clear_pending = False

    def _append(self, out: dict) -> None:
        if self.clear_pending:
            self._clear_now()
        self.outputs.append(out)

    def _clear_now(self) -> None:
        self.outputs.clear()
        self.clear_pending = False
        for places in self.display_ids.values():
            places[:] = [p for p in places if p[0] != self.index]

    def stream(self, name: str, text: str) -> None:
        if not text:
            return
        if self.clear_pending:
            self._clear_now()
        last = self.outputs[-1] if self.outputs else None
        if last is not None and last["output_type"] == "stream" and last["name"] == name:
            last["text"] += text
        else:
            self.outputs.append({"output_type": "stream", "name": name, "text": text})

    def display(self, data, metadata=None, transient=None, update=False) -> None:
        data, metadata = _clean_bundle(data), _jsonable(metadata or {})
        display_id = (transient or {}).get("display_id")
        if display_id:
            for cell_index, pos in self.display_ids.get(display_id, []):
                target = self.cells[cell_index][pos]
                target["data"], target["metadata"] = data, metadata
                if cell_index != self.index:
                    self.updates.append((cell_index, pos, data, metadata))
        if update:
            return
        if self.clear_pending:
            self._clear_now()
        if display_id:
            self.display_ids.setdefault(display_id, []).append((self.index, len(self.outputs)))
        self._append({"output_type": "display_data", "data": data, "metadata": metadata})

    def result(self, count: int, data: dict, metadata: dict) -> None:
        self._append({"output_type": "execute_result", "execution_count": count,
                      "data": _clean_bundle(data), "metadata": _jsonable(metadata or {})})

    def error(self, ename: str, evalue: str, tb: list[str]) -> None:
        self._append({"output_type": "error", "ename": ename, "evalue": evalue,
                      "traceback": [str(line) for line in tb]})

    def clear(self, wait: bool) -> None:
        if wait:
            self.clear_pending = True
        else:
            self._clear_now()


_CAPTURE = _Capture()


class _StreamWriter(io.TextIOBase):
    """``sys.stdout``/``sys.stderr`` replacement feeding the capture."""

    def __init__(self, name: str, fd: int) -> None:
        self.name_ = name
        self._fd = fd

    @property
    def name(self) -> str:  # type: ignore[override]
        return f"<{self.name_}>"

    encoding = "utf-8"
    errors = "replace"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self._fd

    def write(self, text: str) -> int:
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        _CAPTURE.stream(self.name_, text)
        return len(text)

    def flush(self) -> None:
        pass


def _make_shell():
    """Build the IPython shell the children run in (called once per worker)."""
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets import Type
    from traitlets.config import Config

    class _Publisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kw):
            _CAPTURE.display(data, metadata, transient, update)

        def clear_output(self, wait=False):
            _CAPTURE.clear(wait)

    class _Hook(DisplayHook):
        _pending: dict | None = None

        def start_displayhook(self):
            self._pending = {"count": None, "data": {}, "metadata": {}}

        def write_output_prompt(self):
            self._pending["count"] = self.prompt_count

        def write_format_data(self, format_dict, md_dict=None):
            self._pending["data"] = format_dict
            self._pending["metadata"] = md_dict or {}

        def finish_displayhook(self):
            pending, self._pending = self._pending, None
            if pending and pending["data"]:
                _CAPTURE.result(pending["count"], pending["data"], pending["metadata"])

    class ZMQCompatibleShell(InteractiveShell):
        """An InteractiveShell that records outputs as a notebook kernel would.

        The name contains "zmq" on purpose: pandas decides whether it renders
        for a notebook front end by looking for that word in the shell's type,
        and reports must look like the live notebook.
        """

        display_pub_class = Type(_Publisher)
        displayhook_class = Type(_Hook)

        def _showtraceback(self, etype, evalue, stb):
            _CAPTURE.error(str(etype.__name__), str(evalue), stb)

        def enable_gui(self, gui=None):
            return None

        def ask_exit(self):
            self.exit_now = True

    config = Config()
    config.HistoryManager.enabled = False
    config.HistoryManager.hist_file = ":memory:"
    config.InteractiveShell.autocall = 0
    config.InteractiveShell.autoindent = False
    config.InteractiveShell.cache_size = 1000
    shell = ZMQCompatibleShell.instance(config=config)
    shell.enable_matplotlib("inline")
    return shell


def _warm_caches(shell) -> None:
    """Render a figure and a table once so children start with warm caches."""
    try:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(2, 1.5))
        ax = fig.add_subplot()
        ax.plot([0, 1], [1, 0], label="warm")
        ax.set_title("warm")
        ax.legend()
        ax.bar([0, 1], [1, 2])
        shell.display_formatter.format(fig)
    except Exception:  # pragma: no cover - warming is best effort
        log.debug("figure warm-up failed", exc_info=True)
    try:
        import pandas as pd

        frame = pd.DataFrame({"a": [1.5, 2.0], "b": ["x", "y"]})
        shell.display_formatter.format(frame)
        frame.style.format(precision=1).to_html()
    except Exception:  # pragma: no cover
        log.debug("table warm-up failed", exc_info=True)


_SHELL = None


def block_slow_imports() -> None:
    """Make :data:`SLOW_OPTIONAL_IMPORTS` unavailable (their importers fall back cleanly)."""
    for name in SLOW_OPTIONAL_IMPORTS:
        if os.environ.get("WORKBOOK_ALLOW_SLOW_IMPORTS") != "1":
            sys.modules.setdefault(name, None)  # type: ignore[arg-type]


def prepare(preload: tuple[str, ...] | list[str] = DEFAULT_PRELOAD) -> None:
    """Import ``preload`` and build the shell; idempotent.  Runs in a worker."""
    global _SHELL
    block_slow_imports()
    os.environ.setdefault("MPLBACKEND", "Agg")
    for name in preload:
        try:
            importlib.import_module(name)
        except Exception:
            log.warning("warm worker could not import %s", name, exc_info=True)
    if _SHELL is None:
        _SHELL = _make_shell()
        _warm_caches(_SHELL)
    if "WarmEngine" not in globals():
        try:
            _define_engines()
        except ImportError:  # pragma: no cover - papermill is a dependency
            log.warning("papermill is not importable; only WarmWorker.execute works")


class _FdCapture:
    """Redirect file descriptors 1 and 2 to unlinked temp files and read them back."""

    def __init__(self) -> None:
        self.files = {}
        self.read: dict[str, int] = {}
        for fd, name in ((1, "stdout"), (2, "stderr")):
            tmp = tempfile.TemporaryFile()
            os.dup2(tmp.fileno(), fd)
            self.files[name] = tmp

    def drain(self) -> None:
        for name, tmp in self.files.items():
            size = os.fstat(tmp.fileno()).st_size
            start = self.read.get(name, 0)
            if size > start:
                data = os.pread(tmp.fileno(), size - start, start)
                self.read[name] = size
                _CAPTURE.stream(name, data.decode("utf-8", "replace"))


def _child(conn: Connection, cells: list[tuple[int, str, list[str]]], opts: dict) -> None:
    """Body of the forked child: run the cells and report each one."""
    os.setpgid(0, 0)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    code = 0
    try:
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        fds = _FdCapture()
        sys.stdout = _StreamWriter("stdout", 1)
        sys.stderr = _StreamWriter("stderr", 2)
        env = opts.get("env")
        if env is not None:
            keep = {k: os.environ[k] for k in ("MPLBACKEND",) if k in os.environ}
            os.environ.clear()
            os.environ.update(env)
            os.environ.update(keep)
        if opts.get("cwd"):
            os.chdir(opts["cwd"])
        if "" not in sys.path:
            sys.path.insert(0, "")
        shell = _SHELL
        allow_errors = bool(opts.get("allow_errors"))
        for index, source, tags in cells:
            count = shell.execution_count
            conn.send(("start", index, count))
            _CAPTURE.begin(index)
            t0 = time.perf_counter()
            try:
                shell.run_cell(source, store_history=True, silent=False)
            finally:
                fds.drain()
            outputs = _CAPTURE.outputs
            failed = any(o["output_type"] == "error" for o in outputs)
            updates, _CAPTURE.updates = _CAPTURE.updates, []
            for update in updates:
                conn.send(("update",) + update)
            conn.send(("done", index, outputs, count, failed, time.perf_counter() - t0))
            if failed and not allow_errors and "raises-exception" not in tags:
                break
        conn.send(("end",))
    except BaseException:  # pragma: no cover - reported to the parent
        code = 70
        try:
            conn.send(("crash", traceback.format_exc()))
        except Exception:
            pass
    finally:
        try:
            conn.close()
        finally:
            os._exit(code)


def _describe_exit(status: int) -> str:
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        try:
            return f"killed by signal {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with code {code}"


def run_forked(
    cells: list[tuple[int, str, list[str]]],
    *,
    cwd: str | None = None,
    env: dict | None = None,
    execution_timeout: float | None = None,
    notebook_timeout: float | None = None,
    allow_errors: bool = False,
    on_event: Callable[[tuple], None] | None = None,
) -> NotebookRun:
    """Fork a child of this (warm) process and run ``cells`` in it.

    ``cells`` are ``(index, source, tags)`` of the code cells to run.
    ``on_event`` receives ``("start", index)``, ``("done", CellRun)`` and
    ``("update", cell_index, output_index, data, metadata)`` as they happen.
    """
    if _SHELL is None:
        prepare()
    run = NotebookRun()
    t_fork = time.perf_counter()
    read_end, write_end = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_end)
        _child(Connection(write_end, readable=False), cells,
               {"cwd": cwd, "env": env, "allow_errors": allow_errors})
    os.close(write_end)
    conn = Connection(read_end, writable=False)
    run.timings["fork"] = time.perf_counter() - t_fork
    started_at = time.monotonic()
    current: int | None = None
    counts: dict[int, int] = {}
    cell_started = started_at
    emit = on_event or (lambda event: None)
    end_reason: str | None = None
    try:
        while True:
            now = time.monotonic()
            limits = []
            if execution_timeout and current is not None:
                limits.append(cell_started + execution_timeout - now)
            if notebook_timeout:
                limits.append(started_at + notebook_timeout - now)
            wait = max(0.0, min(limits)) if limits else None
            if not conn.poll(wait):
                end_reason = "timeout"
                break
            try:
                msg = conn.recv()
            except (EOFError, OSError):
                end_reason = "dead"
                break
            kind = msg[0]
            if kind == "start":
                current = msg[1]
                counts[current] = msg[2]
                cell_started = time.monotonic()
                emit(("start", current))
            elif kind == "done":
                _, index, outputs, count, failed, seconds = msg
                cell = CellRun(index, outputs, count, failed, seconds)
                run.cells[index] = cell
                current = None
                if failed and run.error is None:
                    err = next(o for o in outputs if o["output_type"] == "error")
                    run.error = (index, err["ename"], err["evalue"])
                emit(("done", cell))
            elif kind == "update":
                _, ci, oi, data, metadata = msg
                if ci in run.cells and oi < len(run.cells[ci].outputs):
                    run.cells[ci].outputs[oi].update(data=data, metadata=metadata)
                run.updates.append(msg[1:])
                emit(msg)
            elif kind == "end":
                end_reason = "end"
                break
            elif kind == "crash":
                end_reason = "dead"
                log.error("notebook child crashed:\n%s", msg[1])
                break
        if end_reason == "timeout":
            limit = execution_timeout if current is not None and execution_timeout else notebook_timeout
            _stop_timed_out(pid, conn, run, current, limit, emit, counts.get(current))
        elif end_reason == "dead":
            _, status = os.waitpid(pid, 0)
            pid = 0
            _report_dead(run, current, cells, _describe_exit(status), emit, counts.get(current))
    finally:
        conn.close()
        if pid:
            _reap(pid)
    run.timings["execute"] = time.perf_counter() - t_fork
    return run


def _reap(pid: int) -> None:
    """Kill the child's process group and collect it."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def _stop_timed_out(pid, conn, run, current, limit, emit, count=None) -> None:
    """Interrupt the running cell, keep its outputs, and mark it timed out."""
    evalue = f"Cell execution timed out after {limit:g} seconds and was stopped."
    cell = None
    if current is not None:
        try:
            os.kill(pid, signal.SIGINT)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + INTERRUPT_GRACE
        while cell is None:
            left = deadline - time.monotonic()
            if left <= 0 or not conn.poll(left):
                break
            try:
                msg = conn.recv()
            except (EOFError, OSError):
                break
            if msg[0] == "done" and msg[1] == current:
                outputs = [o for o in msg[2] if o["output_type"] != "error"]
                cell = CellRun(current, outputs, msg[3], True, msg[5])
    if current is None:
        current = max(run.cells, default=None)
        cell = run.cells.get(current) if current is not None else None
    if current is None:
        run.error = (None, "CellTimeoutError", evalue)
        return
    if cell is None:
        cell = CellRun(current, [], count, True, limit or 0.0)
    cell.failed = True
    cell.outputs = [o for o in cell.outputs if o["output_type"] != "error"]
    cell.outputs.append({"output_type": "error", "ename": "CellTimeoutError", "evalue": evalue,
                         "traceback": [f"CellTimeoutError: {evalue}"]})
    run.cells[current] = cell
    run.error = (current, "CellTimeoutError", evalue)
    emit(("done", cell))


def _report_dead(run, current, cells, how, emit, count=None) -> None:
    evalue = f"The kernel died ({how}) while running this cell."
    if current is None:
        current = cells[len(run.cells)][0] if len(run.cells) < len(cells) else None
    if current is None:
        run.error = (None, "DeadKernelError", evalue)
        return
    cell = CellRun(current, [], count, True, 0.0)
    cell.outputs.append({"output_type": "error", "ename": "DeadKernelError", "evalue": evalue,
                         "traceback": [f"DeadKernelError: {evalue}"]})
    run.cells[current] = cell
    run.error = (current, "DeadKernelError", evalue)
    emit(("done", cell))


# --------------------------------------------------------------------------
# The warm worker process and its client
# --------------------------------------------------------------------------


def _resolve(target: str | Callable) -> Callable:
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
    for target in warmups:
        try:
            _resolve(target)()
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
                conn.send(("return", _resolve(target)(*args, **kwargs)))
            elif kind == "stop":
                conn.send(("return", None))
                break
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


def _serve_main() -> None:  # entry point of ``python -c`` in WarmWorker
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
        package_root = str(Path(__file__).resolve().parent.parent)
        child_env = dict(os.environ)
        child_env["PYTHONPATH"] = os.pathsep.join(
            p for p in (package_root, child_env.get("PYTHONPATH", "")) if p)
        child_env.setdefault("MPLBACKEND", "Agg")
        child_env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
        child_env.update(env or {})
        code = "from workbook.engine import _serve_main; _serve_main()"
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


import atexit  # noqa: E402

atexit.register(shutdown_workers)


# --------------------------------------------------------------------------
# papermill engines
# --------------------------------------------------------------------------


def code_cells(nb, skip_tags=()) -> list[tuple[int, str, list[str]]]:
    """The cells a kernel would run: code, not empty, not tagged ``skip-execution``.

    Cells carrying any of ``skip_tags`` are left out too (the batch runner
    skips ``live`` and ``teaching`` cells, which reports drop anyway).
    """
    out = []
    skip = {"skip-execution", *skip_tags}
    for index, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        tags = list(cell.get("metadata", {}).get("tags", []))
        if not cell.source.strip() or skip.intersection(tags):
            continue
        out.append((index, cell.source, tags))
    return out


def _to_node(obj):
    import nbformat

    return nbformat.from_dict(obj)


def _mirror(outputs, log_output, stdout_file, stderr_file) -> None:
    if not (log_output or stdout_file or stderr_file):
        return
    for out in outputs:
        if out["output_type"] != "stream":
            continue
        target = stdout_file if out["name"] == "stdout" else stderr_file
        if target is not None:
            target.write(out["text"])
            target.flush()
        if log_output:
            logging.getLogger("papermill").info(out["text"])


def _language_info() -> dict:
    return {
        "codemirror_mode": {"name": "ipython", "version": 3},
        "file_extension": ".py",
        "mimetype": "text/x-python",
        "name": "python",
        "nbconvert_exporter": "python",
        "pygments_lexer": "ipython3",
        "version": ".".join(map(str, sys.version_info[:3])),
    }


# -- the standard path: a real kernel over ZeroMQ ipc sockets --------------

def _ipc_kernel_manager_class():
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class IPCKernelManager(AsyncKernelManager):
        """A kernel manager whose kernel listens on Unix sockets, not TCP ports."""

        @default("transport")
        def _default_transport(self):
            return "ipc"

        @default("ip")
        def _default_ip(self):
            base = Path(tempfile.gettempdir()) / f"workbook-ipc-{os.getuid()}"
            base.mkdir(mode=0o700, exist_ok=True)
            return str(base / uuid.uuid4().hex[:12])

    return IPCKernelManager


# papermill loads this module through its entry point *while papermill itself is
# being imported*; the engine classes are therefore built on first access (PEP
# 562 ``__getattr__``) from the already-defined parts of ``papermill.engines``.

def _define_engines() -> None:
    from papermill.engines import Engine, NBClientEngine, papermill_engines

    class WarmEngine(Engine):
        """papermill engine running each notebook in a forked child of a warm worker.

        Accepts papermill's ``execution_timeout`` (seconds per cell) and
        ``start_timeout``, plus ``notebook_timeout`` (seconds for the whole
        notebook), ``allow_errors`` and ``skip_tags`` (cells with these tags
        are not executed).
        """

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None,
                                     notebook_timeout=None, allow_errors=False, skip_tags=(), **kwargs):
            nb = nb_man.nb
            language = (nb.metadata.get("kernelspec", {}).get("language")
                        or nb.metadata.get("language_info", {}).get("name") or "python")
            if language != "python":
                raise ValueError(f"the workbook engine runs Python notebooks only, not {language!r}")
            execution_timeout = execution_timeout or kwargs.get("timeout")
            cells = code_cells(nb, skip_tags)
            runnable = {index for index, _, _ in cells}
            state = {"next": 0}

            def finish_skipped(upto: int) -> None:
                # cells the kernel never sees still get papermill's start/complete bookkeeping
                while state["next"] < upto:
                    i = state["next"]
                    if i not in runnable:
                        nb_man.cell_start(nb.cells[i], i)
                        nb_man.cell_complete(nb.cells[i], i)
                    state["next"] = i + 1

            def on_event(event: tuple) -> None:
                kind = event[0]
                if kind == "start":
                    index = event[1]
                    finish_skipped(index)
                    nb_man.cell_start(nb.cells[index], index)
                elif kind == "done":
                    run: CellRun = event[1]
                    cell = nb.cells[run.index]
                    cell.outputs = [_to_node(o) for o in run.outputs]
                    cell.execution_count = run.execution_count
                    _mirror(run.outputs, log_output, stdout_file, stderr_file)
                    if run.failed:
                        nb_man.cell_exception(cell, cell_index=run.index)
                    nb_man.cell_complete(cell, cell_index=run.index)
                    state["next"] = run.index + 1
                elif kind == "update":
                    _, ci, oi, data, metadata = event
                    out = nb.cells[ci].outputs[oi]
                    out["data"], out["metadata"] = _to_node(data), _to_node(metadata)

            opts = dict(cwd=os.getcwd(), env=dict(os.environ), execution_timeout=execution_timeout,
                        notebook_timeout=notebook_timeout, allow_errors=allow_errors)
            if _IN_WORKER:
                run = run_forked(cells, on_event=on_event, **opts)
            else:
                run = default_worker().execute(cells, on_event=on_event, **opts)
            if run.error is None or allow_errors:
                finish_skipped(len(nb.cells))
            elif run.error[0] is None:
                # died before any cell: pin the failure on the first code cell
                first = cells[0][0] if cells else 0
                cell = nb.cells[first]
                cell.outputs = [_to_node({"output_type": "error", "ename": run.error[1],
                                          "evalue": run.error[2], "traceback": [run.error[2]]})]
                nb_man.cell_exception(cell, cell_index=first)
            nb.metadata["language_info"] = _language_info()
            nb_man.nb.metadata.setdefault("papermill", {})["workbook_engine"] = {
                k: round(v, 4) for k, v in run.timings.items()}
            return nb

    class IPCEngine(NBClientEngine):
        """papermill's standard nbclient engine, with the kernel on ipc transport."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            kwargs.setdefault("kernel_manager_class", __getattr__("IPCKernelManager"))
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)

    for klass in (WarmEngine, IPCEngine):
        klass.__qualname__ = klass.__name__
    globals().update(WarmEngine=WarmEngine, IPCEngine=IPCEngine)
    papermill_engines.register("workbook", WarmEngine)
    papermill_engines.register("workbook-ipc", IPCEngine)


def __getattr__(name: str):
    if name in ("WarmEngine", "IPCEngine"):
        _define_engines()
        return globals()[name]
    if name == "IPCKernelManager":
        globals()[name] = _ipc_kernel_manager_class()
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Register with papermill now if it is loaded; otherwise its entry point (or the
# first access to ``WarmEngine``) does it.  Importing papermill here would cost
# a process that only drives workers a second or more.
if "papermill.engines" in sys.modules and "WarmEngine" not in globals():
    _define_engines()
