"""Forking a notebook child off a warm process, with per-cell and per-notebook timeouts.

:func:`run_forked` forks a child of the calling (warm) process, which runs the
code cells in the shell of :mod:`workbook.engine.shell` and reports each cell
over a pipe.  A cell that runs past ``execution_timeout`` seconds is
interrupted (its outputs so far are kept) and, if it does not stop, killed; it
is reported as a ``CellTimeoutError`` on that cell.  A child that dies is
reported as a ``DeadKernelError`` on the cell that was running.

Layer: imports :mod:`.shell` only (its public functions).
"""
from __future__ import annotations

import logging
import os
import signal
import sys
import time
import traceback
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Callable

from . import shell

log = logging.getLogger(__name__)

#: Seconds a timed-out cell gets to stop after an interrupt before it is killed.
INTERRUPT_GRACE = 2.0


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
# The child: run the cells in the warm shell and report each one
# --------------------------------------------------------------------------


def _die_with_parent() -> None:
    """Ask Linux to kill this child when its warm worker dies (a stopped batch leaves no notebook running)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the worker's timeouts still stop the child
        pass


def _child(conn: Connection, cells: list[tuple[int, str, list[str]]], opts: dict) -> None:
    """Body of the forked child: run the cells and report each one."""
    os.setpgid(0, 0)
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    code = 0
    try:
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        shell.capture_child_output()
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
        allow_errors = bool(opts.get("allow_errors"))
        for index, source, tags in cells:
            count = shell.execution_count()
            conn.send(("start", index, count))
            t0 = time.perf_counter()
            cell = shell.run_cell(index, source)
            for update in cell.updates:
                conn.send(("update",) + update)
            conn.send(("done", index, cell.outputs, count, cell.failed, time.perf_counter() - t0))
            if cell.failed and not allow_errors and "raises-exception" not in tags:
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


# --------------------------------------------------------------------------
# The parent: wait for the child's reports, enforce the timeouts
# --------------------------------------------------------------------------


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
    if not shell.is_prepared():
        shell.prepare()
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

