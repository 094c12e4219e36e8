"""A warm kernel waits for the next notebook (``workbook.kernelpool``), out of the consultant's sight.

Driven through the Jupyter server's own REST API, as JupyterLab does when a
notebook opens: the session gets the waiting kernel, already in the notebooks'
folder with every room imported, and a new one starts waiting for the next
notebook. The *Running* panel (``api/kernels``) lists only kernels of open
notebooks.
"""
from __future__ import annotations

import time
import urllib.error
from pathlib import Path

from jupyter_client import BlockingKernelClient

from .conftest import LabServer

POOL_WAIT_S = 180.0


def _connection_files(server: LabServer) -> dict[str, Path]:
    runtime = server.root.parent / "jupyter-home" / "runtime"
    return {p.stem.removeprefix("kernel-"): p for p in runtime.glob("kernel-*.json")}


def _waiting(server: LabServer, count: int) -> dict[str, Path]:
    """Kernels running but not listed by the server (the pool), once there are ``count`` of them."""
    deadline = time.monotonic() + POOL_WAIT_S
    while time.monotonic() < deadline:
        listed = {k["id"] for k in server.api("api/kernels")}
        waiting = {k: p for k, p in _connection_files(server).items() if k not in listed}
        if len(waiting) >= count:
            return waiting
        time.sleep(0.2)
    raise AssertionError(f"no waiting kernel after {POOL_WAIT_S:.0f} s; server log:\n{server.log_tail()}")


def _ask(connection_file: Path, code: str) -> str:
    client = BlockingKernelClient(connection_file=str(connection_file))
    client.load_connection_file()
    client.start_channels(hb=False)  # a heartbeat missed on a loaded machine is not a dead kernel
    try:
        client.wait_for_ready(timeout=180)
        out: list[str] = []
        client.execute_interactive(code, timeout=180, output_hook=lambda m: out.append(
            m["content"].get("text", "")) if m["msg_type"] == "stream" else None)
        return "".join(out).strip()
    finally:
        client.stop_channels()


def _open(server: LabServer, rel: str) -> str:
    try:
        session = server.api("api/sessions", method="POST", timeout=60, body={
            "path": rel, "name": Path(rel).name, "type": "notebook", "kernel": {"name": "python3"}})
    except urllib.error.HTTPError as exc:
        raise AssertionError(f"opening {rel}: {exc}; server log:\n{server.log_tail(8000)}") from None
    return session["kernel"]["id"]


def test_a_notebook_gets_the_waiting_warm_kernel_and_another_starts_waiting(lab_server: LabServer):
    assert lab_server.api("api/kernels") == [], "a waiting kernel must not show in the Running panel"
    first_waiting = _waiting(lab_server, 2)

    kernel = _open(lab_server, "notebooks/customer_value.ipynb")
    assert kernel in first_waiting, "the notebook did not get the kernel that was waiting"
    assert [k["id"] for k in lab_server.api("api/kernels")] == [kernel]
    code = ("import os, sys, workbook.warm as w; w.imported.wait(120); "
            "print(os.getcwd(), all(f'workbook.ui.{n}' in sys.modules for n in ('clv', 'nps', 'sales_marketing')))")
    assert _ask(first_waiting[kernel], code) == f"{lab_server.root / 'notebooks'} True"

    second_waiting = _waiting(lab_server, 1)
    assert kernel not in second_waiting
    other = _open(lab_server, "notebooks/net_promoter.ipynb")
    assert other in second_waiting and other != kernel
    assert sorted(k["id"] for k in lab_server.api("api/kernels")) == sorted([kernel, other])


def test_a_notebook_outside_the_notebooks_folder_gets_a_kernel_of_its_own(lab_server: LabServer):
    waiting = _waiting(lab_server, 2)
    (lab_server.root / "scratch").mkdir()
    kernel = _open(lab_server, "scratch/mine.ipynb")
    assert kernel not in waiting
    assert _ask(_connection_files(lab_server)[kernel], "import os; print(os.getcwd())") == str(
        lab_server.root / "scratch")
    time.sleep(6)  # longer than the pool's refill delay
    listed = {k["id"] for k in lab_server.api("api/kernels")}
    assert listed == {kernel}
    assert set(waiting) == set(_connection_files(lab_server)) - listed, "the waiting kernel must keep waiting"
