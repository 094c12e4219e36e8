"""The papermill engines: ``workbook`` (warm, forked) and ``workbook-ipc`` (a real kernel).

``papermill.execute_notebook(..., engine_name="workbook")`` runs the notebook in
a forked child of a warm worker (:class:`WarmEngine`); ``engine_name=
"workbook-ipc"`` is papermill's standard nbclient engine with the kernel on
ZeroMQ's ``ipc`` transport (:class:`IPCEngine`).  Both are registered with
papermill here and through the ``papermill.engine`` entry point.

Layer: the top of :mod:`workbook.engine`; imports :mod:`.worker` and :mod:`.fork`.
"""
from __future__ import annotations

import logging
import os
import sys
import tempfile
import uuid
from pathlib import Path

from .fork import CellRun, run_forked
from .worker import default_worker, in_worker


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


class CellBookkeeping:
    """papermill's per-cell bookkeeping for a notebook whose cells run in a forked child.

    :meth:`on_event` takes the child's reports (see :func:`~workbook.engine.fork.run_forked`)
    and writes outputs and papermill's start/complete/exception marks into the notebook;
    cells the child never runs (markdown, empty, skipped) get their marks in order too.
    """

    def __init__(self, nb_man, runnable: set[int], log_output=False, stdout_file=None, stderr_file=None) -> None:
        self.nb_man = nb_man
        self.runnable = runnable
        self.mirror = (log_output, stdout_file, stderr_file)
        self.next = 0  # the first cell not yet marked complete

    def finish_skipped(self, upto: int) -> None:
        """Mark the cells before ``upto`` that the child does not run as started and complete."""
        cells = self.nb_man.nb.cells
        while self.next < upto:
            i = self.next
            if i not in self.runnable:
                self.nb_man.cell_start(cells[i], i)
                self.nb_man.cell_complete(cells[i], i)
            self.next = i + 1

    def on_event(self, event: tuple) -> None:
        """Record one report of the child: a cell started, a cell done, or a display updated."""
        cells = self.nb_man.nb.cells
        kind = event[0]
        if kind == "start":
            index = event[1]
            self.finish_skipped(index)
            self.nb_man.cell_start(cells[index], index)
        elif kind == "done":
            run: CellRun = event[1]
            cell = cells[run.index]
            cell.outputs = [_to_node(o) for o in run.outputs]
            cell.execution_count = run.execution_count
            _mirror(run.outputs, *self.mirror)
            if run.failed:
                self.nb_man.cell_exception(cell, cell_index=run.index)
            self.nb_man.cell_complete(cell, cell_index=run.index)
            self.next = run.index + 1
        elif kind == "update":
            _, ci, oi, data, metadata = event
            out = cells[ci].outputs[oi]
            out["data"], out["metadata"] = _to_node(data), _to_node(metadata)


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
            book = CellBookkeeping(nb_man, {index for index, _, _ in cells}, log_output, stdout_file, stderr_file)
            on_event, finish_skipped = book.on_event, book.finish_skipped

            opts = dict(cwd=os.getcwd(), env=dict(os.environ), execution_timeout=execution_timeout,
                        notebook_timeout=notebook_timeout, allow_errors=allow_errors)
            if in_worker():
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


def register_engines() -> None:
    """Register ``workbook`` and ``workbook-ipc`` with papermill (imports papermill); idempotent."""
    if "WarmEngine" not in globals():
        try:
            _define_engines()
        except ImportError:  # pragma: no cover - papermill is a dependency
            logging.getLogger(__name__).warning("papermill is not importable; only WarmWorker.execute works")


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
