"""A kernel that gets ready while the consultant looks at the notebook.

Opening a framework notebook starts a kernel; the first cell then spends about
a second importing pandas, matplotlib, ipywidgets and the workbook. Loaded as
an IPython extension (the workbook's kernel spec passes ``--ext=workbook.warm``),
this module starts those imports in a background thread as soon as the kernel
is up, so they overlap with the seconds in which the page renders and the
consultant reaches for *Run All*; the first cell waits for the thread's
imports to finish (never importing alongside it) and finds the modules loaded. Once
everything is imported the thread moves the long-lived objects out of the
garbage collector's way (``gc.freeze``), which the live form otherwise does on
the click path.

Only kernels started by a Jupyter server for a notebook (JupyterLab, Voila)
warm up: they have ``JPY_SESSION_NAME`` set; so do the kernels that
:mod:`workbook.kernelpool` keeps waiting for the next notebook (``POOL_ENV``),
which import every room. Batch runs (papermill) import
what they need in their first cell, as before.

``python -m workbook.warm --install`` installs the workbook's kernel spec
(``python3`` in this environment, display name "Python 3 (workbook)") with the
extension switched on; ``make`` runs it.
"""
from __future__ import annotations

import argparse
import gc
import importlib
import json
import logging
import os
import sys
import threading
import time

log = logging.getLogger(__name__)

#: What the first cells of a framework notebook import, in the order they import it.
MODULES = ("workbook.notebook", "ipywidgets", "workbook.ui.start", "workbook.ui.base")
KERNEL_NAME = "python3"
#: Set in the environment of a kernel started ahead of any notebook (:mod:`workbook.kernelpool`): it warms
#: up every room, since the notebook it will serve is not known yet.
POOL_ENV = "WORKBOOK_WARM_POOL"
DISPLAY_NAME = "Python 3 (workbook)"
_started: threading.Thread | None = None
#: Seconds the warm-up's imports took (None while they run or when they did not run).
seconds: float | None = None
#: Set once the warm-up's imports are done (a waiting kernel then goes on preparing lessons).
imported = threading.Event()


#: Set by the first cell: a waiting kernel's lessons stop being prepared (see :func:`_prepare_lessons`).
_stop = threading.Event()
#: Set once the warm-up's imports are over, done or failed: the first cell waits for this, not for the
#: lessons a waiting kernel goes on to prepare.
_imports_over = threading.Event()


def _warm() -> None:
    global seconds
    start = time.perf_counter()
    pooled = bool(os.environ.get(POOL_ENV))
    if pooled:  # nobody waits on a waiting kernel yet: the notebooks in use go first
        _lower_priority()
    try:
        for name in MODULES:
            importlib.import_module(name)
        from . import registry

        notebook = os.path.basename(os.environ.get("JPY_SESSION_NAME", ""))
        every = bool(os.environ.get(POOL_ENV)) or not notebook
        for fw in registry.REGISTRY:   # this notebook's room (every room in a waiting kernel): widgets, lesson
            if every or os.path.basename(fw.notebook) == notebook:
                fw.ui, fw.lesson  # noqa: B018 - imported on first access
        gc.collect()
        gc.freeze()
    except Exception:  # noqa: BLE001 - a failed warm-up only means the first cell imports as usual
        log.debug("kernel warm-up stopped early", exc_info=True)
        return
    finally:
        _imports_over.set()
    seconds = time.perf_counter() - start
    imported.set()
    if pooled:
        _prepare_lessons()


def _lower_priority() -> None:
    """Lower this thread's CPU priority (Linux schedules threads on their own; elsewhere nothing happens)."""
    _set_priority(threading.get_native_id(), 10)


def _set_priority(thread_id: int | None, niceness: int) -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, thread_id, niceness)
    except (AttributeError, OSError, TypeError):  # not Linux, or (raising it back) not allowed
        pass


#: A lesson is prepared only while the machine's processors are at least this idle (the workbook's rule: a
#: consultant clicking in another notebook keeps them busier than that), or after IDLE_WAIT_S in any case.
IDLE_SHARE = 0.5
IDLE_WAIT_S = 60.0
#: Lessons prepared before the others: customer value's model fits take most of a second, the rest a tenth.
PREPARE_FIRST = ("clv",)


def _cpu_times() -> tuple[int, int] | None:
    """(idle, total) jiffies of all processors from ``/proc/stat``; None where there is no such file."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return fields[3] + (fields[4] if len(fields) > 4 else 0), sum(fields)


def _until_idle(sample_s: float = 0.3) -> None:
    """Wait until the processors were at least :data:`IDLE_SHARE` idle over ``sample_s`` (or a cell starts)."""
    give_up = time.monotonic() + IDLE_WAIT_S
    while time.monotonic() < give_up and not _stop.is_set():
        first = _cpu_times()
        if first is None:
            return
        _stop.wait(sample_s)
        second = _cpu_times()
        if second is None or second[1] == first[1] or (second[0] - first[0]) / (second[1] - first[1]) >= IDLE_SHARE:
            return


def _prepare_lessons() -> None:
    """Work out every room's lesson (example client, worked example) in a kernel still waiting for a notebook.

    Each lesson is kept by :func:`workbook.notebook.lesson`, so the lesson cells of whichever notebook the
    kernel is handed to cost nothing. Runs at a low priority, one lesson at a time and only while the
    machine is mostly idle (not while the consultant clicks in another notebook); stops before the next
    lesson as soon as a cell is about to run.
    """
    from . import notebook, registry

    rooms = sorted(registry.REGISTRY, key=lambda fw: fw.name not in PREPARE_FIRST)
    for fw in rooms:
        _until_idle()
        if _stop.is_set():
            return
        try:
            notebook.lesson(fw.name).worked_example()
        except Exception:  # noqa: BLE001 - the notebook's own lesson cell will say what is wrong
            log.debug("lesson of %s not prepared", fw.name, exc_info=True)
    gc.collect()
    gc.freeze()


def start(force: bool = False) -> threading.Thread | None:
    """Start the warm-up once per process (only in a Jupyter server's notebook kernel unless ``force``)."""
    global _started
    if _started is None and (force or os.environ.get("JPY_SESSION_NAME") or os.environ.get(POOL_ENV)):
        _started = threading.Thread(target=_warm, name="workbook-warm-up", daemon=True)
        _started.start()
    return _started


def wait_for_imports(timeout: float = 60.0) -> None:
    """Block until the warm-up's imports are over (at once when it never started).

    A waiting kernel may be half-way through a lesson when a notebook gets it:
    that lesson is finished in the background, at the notebook's own priority
    where the system allows it, while the notebook's cells run; no other
    lesson is started (:func:`_prepare_lessons`).
    """
    if _started is None:
        return
    _imports_over.wait(timeout)
    if _started.is_alive():
        _set_priority(_started.native_id, 0)


def load_ipython_extension(ipython) -> None:
    """IPython's hook: called once when the kernel starts with ``--ext=workbook.warm``.

    The first cell waits for the warm-up's imports to finish before it runs, so
    no cell ever imports at the same time as the warm-up thread (two threads
    importing the same modules at once could wait on each other); it does not
    wait for a lesson a waiting kernel is preparing (:func:`wait_for_imports`).
    """
    if start() is None:
        return

    def before_first_cell(*_args) -> None:
        _stop.set()
        wait_for_imports()
        ipython.events.unregister("pre_run_cell", before_first_cell)

    ipython.events.register("pre_run_cell", before_first_cell)


def install_kernelspec(prefix: str = sys.prefix) -> str:
    """Install the workbook's kernel spec into ``prefix`` with the warm-up switched on; returns its folder."""
    from ipykernel.kernelspec import install

    folder = install(kernel_name=KERNEL_NAME, display_name=DISPLAY_NAME, prefix=prefix)
    path = os.path.join(folder, "kernel.json")
    with open(path, encoding="utf-8") as f:
        spec = json.load(f)
    if "--ext=workbook.warm" not in spec["argv"]:
        spec["argv"].append("--ext=workbook.warm")
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(spec, f, indent=1)
    os.replace(path + ".tmp", path)
    return folder


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Install the workbook's kernel spec (with the warm-up).")
    parser.add_argument("--install", action="store_true", help="install into this environment (sys.prefix)")
    if parser.parse_args().install:
        logging.basicConfig(level=logging.INFO, format="%(message)s")
        log.info("kernel spec installed in %s", install_kernelspec())
