"""The warm papermill engine: same outputs as a kernel, no leaks, timeouts, crashes."""
from __future__ import annotations

import json
import os

import nbformat
import papermill as pm
import pytest
from papermill.engines import papermill_engines
from papermill.exceptions import PapermillExecutionError

from workbook import engine
from workbook.engine import WarmWorker

KERNELSPEC = {"name": "python3", "language": "python", "display_name": "Python 3"}


def write_nb(path, *sources, parameters="client = 'nobody'"):
    nb = nbformat.v4.new_notebook()
    nb.metadata.kernelspec = KERNELSPEC
    nb.cells.append(nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}))
    for src in sources:
        if src.startswith("# md "):
            nb.cells.append(nbformat.v4.new_markdown_cell(src[5:]))
        else:
            nb.cells.append(nbformat.v4.new_code_cell(src))
    nbformat.write(nb, str(path))
    return path


def run(path, out, engine_name="workbook", **kw):
    kw.setdefault("progress_bar", False)
    return pm.execute_notebook(str(path), str(out), engine_name=engine_name, **kw)


def comparable(nb):
    """Outputs reduced to what must agree between the warm engine and a kernel."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outs = []
        for o in cell.outputs:
            if o.output_type == "stream":
                outs.append(("stream", o.name, o.text))
            elif o.output_type in ("display_data", "execute_result"):
                data = {k: v for k, v in o.data.items()}
                outs.append((o.output_type, o.get("execution_count"), json.dumps(data, sort_keys=True)))
            elif o.output_type == "error":
                outs.append(("error", o.ename, o.evalue))
        cells.append((cell.execution_count, outs))
    return cells


SHOWCASE = (
    "import pandas as pd\nimport matplotlib.pyplot as plt\nprint('hello')\nprint('world')",
    "# md Some narrative.",
    "df = pd.DataFrame({'a': [1, 2, 3], 'b': [4.5, 5, 6]})\ndf",
    "from IPython.display import display, Markdown, HTML\n"
    "display(Markdown('**bold** ' + client))\n"
    "display({'application/vnd.workbook.headline+json': {'status': 'green', 'n': 3},"
    " 'text/plain': 'headline'}, raw=True)\n"
    "import sys\nprint('to stderr', file=sys.stderr)\n"
    "HTML('<b>last</b>')",
    "fig, ax = plt.subplots(figsize=(4, 3))\nax.plot([1, 3, 2])\nax.set_title(client)\nprint('drawn')",
    "fig2 = plt.figure(figsize=(2, 2))\nplt.close(fig2)\nx = 41\nx + 1;",
    "",
    "raise ValueError(f'bad input for {client}')",
    "print('never runs')",
)


def test_registered_with_papermill():
    assert papermill_engines.get_engine("workbook") is engine.WarmEngine
    assert papermill_engines.get_engine("workbook-ipc") is engine.IPCEngine


def test_outputs_match_a_real_kernel(tmp_path):
    src = write_nb(tmp_path / "show.ipynb", *SHOWCASE)
    results = {}
    for name in ("workbook", "workbook-ipc"):
        out = tmp_path / f"out-{name}.ipynb"
        with pytest.raises(PapermillExecutionError) as err:
            run(src, out, engine_name=name, parameters={"client": "acme"})
        assert err.value.ename == "ValueError"
        assert err.value.evalue == "bad input for acme"
        nb = nbformat.read(str(out), as_version=4)
        nbformat.validate(nb)
        results[name] = nb
    warm, kernel = (comparable(results[n]) for n in ("workbook", "workbook-ipc"))
    assert warm == kernel
    # the figure left open became an inline PNG; the closed one did not
    fig_cell = next(c for c in results["workbook"].cells if "drawn" in c.source)
    kinds = [o.output_type for o in fig_cell.outputs]
    assert kinds == ["stream", "display_data"]
    assert fig_cell.outputs[1].data["image/png"].startswith("iVBOR")
    # papermill's bookkeeping: the failing cell is marked, the rest never ran
    cells = results["workbook"].cells
    failed = [c for c in cells if c.metadata.get("papermill", {}).get("exception")]
    assert len(failed) == 1 and "raise ValueError" in failed[0].source
    assert cells[-1].execution_count is None


def test_no_state_leaks_between_notebooks(tmp_path):
    first = write_nb(
        tmp_path / "first.ipynb",
        "import os, json, workbook, matplotlib, pandas as pd\n"
        "secret = 'client A figures'\n"
        "json.LEAKED = True\nworkbook.LEAKED = True\n"
        "matplotlib.rcParams['lines.linewidth'] = 9\n"
        "pd.set_option('display.max_rows', 3)\n"
        "import matplotlib.pyplot as plt\nplt.figure()\n"
        "print(os.getppid())",
    )
    second = write_nb(
        tmp_path / "second.ipynb",
        "import os, json, workbook, matplotlib, pandas as pd\n"
        "print(os.getppid())\n"
        "print('secret' in globals(), hasattr(json, 'LEAKED'), hasattr(workbook, 'LEAKED'))\n"
        "print(matplotlib.rcParams['lines.linewidth'], pd.get_option('display.max_rows'))",
        "import matplotlib.pyplot as plt\nprint(len(plt.get_fignums()))",
        "secret",
    )
    nb1 = run(first, tmp_path / "o1.ipynb")
    with pytest.raises(PapermillExecutionError) as err:
        run(second, tmp_path / "o2.ipynb")
    assert err.value.ename == "NameError"
    nb2 = nbformat.read(str(tmp_path / "o2.ipynb"), as_version=4)
    code = [c for c in nb2.cells if c.cell_type == "code"]
    worker_a = nb1.cells[1].outputs[0].text.split()[-1]
    lines = code[1].outputs[0].text.split("\n")
    assert lines[0] == worker_a, "both notebooks ran in children of the same warm worker"
    assert lines[1] == "False False False"
    assert lines[2] == "1.5 60"
    assert code[2].outputs[0].text.strip() == "0"


def test_timeout_is_reported_and_worker_survives(tmp_path):
    hang = write_nb(tmp_path / "hang.ipynb", "import os\nprint('started', os.getppid())",
                    "print('looping')\nwhile True:\n    pass", "print('after')")
    with pytest.raises(PapermillExecutionError) as err:
        run(hang, tmp_path / "o.ipynb", execution_timeout=1)
    assert err.value.ename == "CellTimeoutError"
    nb = nbformat.read(str(tmp_path / "o.ipynb"), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "while True" in code[2].source
    assert code[2].outputs[0].text == "looping\n"  # outputs before the hang are kept
    assert code[2].outputs[-1].ename == "CellTimeoutError"
    assert code[3].execution_count is None
    ppid = code[1].outputs[0].text.split()[-1]
    ok = write_nb(tmp_path / "ok.ipynb", "import os\nprint(os.getppid())")
    nb = run(ok, tmp_path / "o2.ipynb")
    assert nb.cells[1].outputs[0].text.strip() == ppid


def test_uninterruptible_hang_is_killed(tmp_path):
    with WarmWorker() as worker:
        run_ = worker.execute(
            [(0, "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                 "while True:\n    time.sleep(0.05)", [])],
            execution_timeout=0.5)
        assert run_.error[:2] == (0, "CellTimeoutError")
        assert worker.execute([(0, "print('alive')", [])]).cells[0].outputs[0]["text"] == "alive\n"


def test_crashed_child_is_reported_with_its_cell(tmp_path):
    crash = write_nb(tmp_path / "crash.ipynb", "x = 1", "import os\nos._exit(3)", "print('after')")
    with pytest.raises(PapermillExecutionError) as err:
        run(crash, tmp_path / "o.ipynb")
    assert err.value.ename == "DeadKernelError"
    assert "exited with code 3" in err.value.evalue
    assert "os._exit" in err.value.source
    with WarmWorker() as worker:
        run_ = worker.execute([(0, "x = 1", []), (1, "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", [])])
        assert run_.error == (1, "DeadKernelError",
                              "The kernel died (killed by signal SIGKILL) while running this cell.")
        assert worker.alive


def test_display_updates_and_clear_output():
    with WarmWorker() as worker:
        run_ = worker.execute([
            (0, "from IPython.display import display, clear_output\n"
                "h = display('first', display_id='d')\nprint('x')", []),
            (1, "h.update('second')\nclear_output(wait=True)\nprint('y')", []),
        ])
    assert run_.cells[0].outputs[0]["data"] == {"text/plain": "'second'"}
    assert run_.updates == [(0, 0, {"text/plain": "'second'"}, {})]
    assert run_.cells[1].outputs == [{"output_type": "stream", "name": "stdout", "text": "y\n"}]


def test_ipc_kernel_opens_no_tcp_port(tmp_path):
    nb = write_nb(tmp_path / "k.ipynb",
                  "from ipykernel.connect import get_connection_info\n"
                  "info = get_connection_info(unpack=True)\nprint(info['transport'])")
    out = run(nb, tmp_path / "o.ipynb", engine_name="workbook-ipc")
    assert out.cells[1].outputs[0].text.strip() == "ipc"


def test_warm_notebook_is_fast(tmp_path):
    nb = write_nb(tmp_path / "fast.ipynb",
                  "import pandas as pd, matplotlib.pyplot as plt\n"
                  "pd.DataFrame({'a': range(5)}).describe()")
    run(nb, tmp_path / "o.ipynb")  # make sure the worker is up
    import time

    t0 = time.perf_counter()
    for _ in range(3):
        run(nb, tmp_path / "o.ipynb")
    assert (time.perf_counter() - t0) / 3 < 1.0


def test_clone_is_an_independent_warm_worker():
    with WarmWorker() as first:
        second = first.clone()
        try:
            a = first.execute([(0, "import os\nprint(os.getppid())", [])]).cells[0].outputs[0]["text"]
            b = second.execute([(0, "import os\nprint(os.getppid())", [])]).cells[0].outputs[0]["text"]
            assert a != b and int(b) == second.pid
        finally:
            second.close()
        assert not second.alive
        assert first.execute([(0, "print('still here')", [])]).cells[0].outputs[0]["text"] == "still here\n"
