"""The kernel warm-up: only in a Jupyter server's notebook kernels, and installed with the kernel spec."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _run(code: str, **env: str) -> str:
    clean = {k: v for k, v in __import__("os").environ.items() if k != "JPY_SESSION_NAME"}
    return subprocess.run([sys.executable, "-c", code], env={**clean, "PYTHONPATH": str(REPO), **env},
                          capture_output=True, text=True, check=True, timeout=120).stdout.strip()


def test_a_batch_kernel_does_not_warm_up():
    code = ("import sys, workbook.warm as w; print(w.start() is None, 'pandas' in sys.modules, "
            "'ipywidgets' in sys.modules)")
    assert _run(code) == "True False False"


def test_a_notebook_kernel_imports_its_room_and_freezes_the_heap_in_the_background():
    code = ("import gc, sys, workbook.warm as w; t = w.start(); t.join(120); "
            "print(all(m in sys.modules for m in w.MODULES), 'workbook.ui.clv' in sys.modules "
            "and 'workbook.ui.nps' not in sys.modules, "
            "'workbook.lessons.clv' in sys.modules, w.seconds is not None and w.seconds > 0, gc.get_freeze_count() > 1000, "
            "w.start() is t)")
    assert _run(code, JPY_SESSION_NAME="notebooks/customer_value.ipynb") == "True True True True True True"


def test_the_kernel_spec_switches_the_warm_up_on(tmp_path):
    code = f"import workbook.warm as w; print(w.install_kernelspec({str(tmp_path)!r}))"
    folder = Path(_run(code).splitlines()[-1])
    spec = json.loads((folder / "kernel.json").read_text())
    assert spec["argv"][-1] == "--ext=workbook.warm" and spec["display_name"] == "Python 3 (workbook)"
    _run(code)   # installing again keeps one switch
    assert json.loads((folder / "kernel.json").read_text())["argv"].count("--ext=workbook.warm") == 1


def test_the_first_cell_waits_for_the_warm_up_and_later_cells_do_not():
    code = ("import threading, workbook.warm as w\n"
            "from IPython.core.interactiveshell import InteractiveShell\n"
            "shell = InteractiveShell.instance()\n"
            "w.load_ipython_extension(shell)\n"
            "shell.run_cell('import sys; done = \"workbook.ui.clv\" in sys.modules')\n"
            "print(shell.user_ns['done'], w.seconds is not None, len(shell.events.callbacks['pre_run_cell']))")
    assert _run(code, JPY_SESSION_NAME="notebooks/customer_value.ipynb") == "True True 0"


def test_a_waiting_kernel_prepares_every_lesson_and_the_notebook_gets_them_for_nothing():
    code = ("import workbook.warm as w, workbook.notebook as nb\n"
            "from workbook import registry\n"
            "t = w.start(); t.join(300)\n"
            "kept = {k[0] for k in nb._LESSONS}\n"
            "lesson = nb.lesson('clv', '')\n"
            "same = lesson is nb._LESSONS[('clv', str(nb.resolve_data_dir('').resolve()))][1]\n"
            "print(kept == {fw.name for fw in registry.REGISTRY}, same, lesson._worked is not None)")
    assert _run(code, WORKBOOK_WARM_POOL="1") == "True True True"


def test_a_cell_stops_the_lesson_preparation_before_the_next_lesson():
    code = ("import workbook.warm as w, workbook.notebook as nb\n"
            "from IPython.core.interactiveshell import InteractiveShell\n"
            "shell = InteractiveShell.instance()\n"
            "w.load_ipython_extension(shell)\n"
            "shell.run_cell('x = 1')\n"
            "w._started.join(120)\n"
            "print(w._started.is_alive(), len(nb._LESSONS) < 9)")
    assert _run(code, WORKBOOK_WARM_POOL="1") == "False True"


def test_the_first_cell_does_not_wait_for_a_lesson_being_prepared():
    """A waiting kernel handed to a notebook half-way through a (here: slow) lesson runs the notebook's
    cells at once; the lesson is finished in the background, and the notebook's own lesson cell gets that
    very lesson instead of working it out a second time."""
    code = ("import threading, time, workbook.warm as w, workbook.notebook as nb, workbook.teaching as t\n"
            "from IPython.core.interactiveshell import InteractiveShell\n"
            "slow, started = t.Lesson.__init__, threading.Event()\n"
            "def init(self, *a, **k):\n"
            "    started.set(); time.sleep(3); slow(self, *a, **k)\n"
            "t.Lesson.__init__ = init\n"
            "shell = InteractiveShell.instance()\n"
            "w.load_ipython_extension(shell)\n"
            "started.wait(120)\n"
            "t0 = time.perf_counter(); shell.run_cell('x = 1'); cell = time.perf_counter() - t0\n"
            "busy = w._started.is_alive()\n"
            "lesson = nb.lesson('clv', '')\n"
            "w._started.join(120)\n"
            "print(cell < 1.5, busy, lesson is nb._LESSONS[('clv', str(nb.resolve_data_dir('').resolve()))][1], "
            "len(nb._LESSONS))")
    assert _run(code, WORKBOOK_WARM_POOL="1") == "True True True 1"
