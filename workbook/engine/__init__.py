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

The package, in layers; each module imports only the ones below it, and only
their public names::

    papermill_engines   the two papermill engines (WarmEngine, IPCEngine)
          |
        worker          the warm worker process and its client, WarmWorker
          |
         fork           forking a child per notebook; timeouts, dead children
          |
        shell           the IPython shell and the output capture (imports nothing here)

A worker registers the engines by name (``worker.WORKER_SETUP``) rather than
importing the layer above it.  Every public name is importable from here.
"""
from __future__ import annotations

from . import papermill_engines
from .fork import INTERRUPT_GRACE, CellRun, NotebookRun, run_forked
from .papermill_engines import code_cells, register_engines
from .shell import DEFAULT_PRELOAD, SLOW_OPTIONAL_IMPORTS, CellOutput, block_slow_imports, prepare
from .worker import WORKER_SETUP, WarmWorker, WorkerDied, default_worker, in_worker, resolve, shutdown_workers

__all__ = [
    "DEFAULT_PRELOAD", "SLOW_OPTIONAL_IMPORTS", "INTERRUPT_GRACE", "CellOutput", "CellRun", "NotebookRun",
    "block_slow_imports", "prepare", "run_forked", "WORKER_SETUP", "WorkerDied", "WarmWorker", "default_worker",
    "in_worker", "resolve", "shutdown_workers", "code_cells", "register_engines",
]  # and, built on first access, WarmEngine, IPCEngine and IPCKernelManager


def __getattr__(name: str):
    # The engine classes are built on first access (see :mod:`.papermill_engines`):
    # papermill loads ``workbook.engine:WarmEngine`` while it is itself being imported.
    if name in ("WarmEngine", "IPCEngine", "IPCKernelManager"):
        return getattr(papermill_engines, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
