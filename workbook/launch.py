"""Starting the servers a session uses: JupyterLab (``workbook lab``) and the client's screen (``workbook present``).

Both listen on 127.0.0.1 only, run in a process group of their own, stop on
Ctrl+C, and can stop by themselves after ``stop_after`` seconds (tests use
that). JupyterLab runs with the project's configuration
(:mod:`workbook.labserver`) and ``--allow-root`` when started as root, which
many containers are. Present mode serves copies of the framework notebooks
with Voila: parameters filled in for the client, the teaching part left out,
code hidden, a random token in the address.
"""
from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Sequence

import nbformat

from . import registry
from .clients import CHOICE_ENV, DATA_DIR_ENV, PRESENT_ENV, START_NOTEBOOK, find_client, record_choice
from .errors import UnknownClient
from .labserver import CONFIG_FILE, clean_notebook
from .registry import NOTEBOOK_DIR
from .store import atomic_write
from .store_helpers import read_text

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
#: Cells with these tags are left out of the client's screen.
PRESENT_DROPS = ("teaching", "injected-parameters")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def lab_command(notebooks: Path, port: int, browser: bool = True) -> list[str]:
    """The JupyterLab command line for ``notebooks`` with the project's configuration."""
    cmd = [sys.executable, "-m", "jupyterlab", f"--config={CONFIG_FILE}",
           f"--ServerApp.root_dir={notebooks}", f"--ServerApp.ip={HOST}", f"--ServerApp.port={port}",
           "--ServerApp.port_retries=0", f"--LabApp.default_url=/lab/tree/{START_NOTEBOOK}"]
    if not browser:
        cmd.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers often run as root
        cmd.append("--allow-root")
    return cmd


def lab(data_dir: Path, client: str | None = None, port: int = 8888, browser: bool = True,
        notebooks: Path = NOTEBOOK_DIR, stop_after: float | None = None,
        echo: Callable[[str], None] = log.info) -> int:
    """Run JupyterLab on the start page until it exits, Ctrl+C or ``stop_after`` seconds.

    Parameters
    ----------
    data_dir : Path
        The resolved data folder (handed to the kernels as ``$WORKBOOK_DATA_DIR``).
    client : str, optional
        A client to have chosen already on the start page.

    Raises
    ------
    UnknownClient
        When ``client`` is not in ``data_dir`` (one line, no other names).
    """
    env = dict(os.environ)
    env[DATA_DIR_ENV] = str(Path(data_dir).resolve())
    record = Path(tempfile.gettempdir()) / f"workbook-choice-{secrets.token_hex(6)}.json"
    env[CHOICE_ENV] = str(record)
    if client:
        found = find_client(client, data_dir)
        if found.slug is None:
            raise UnknownClient(found.problem)
        record_choice(found.slug, data_dir, record)
    echo(f"Client data: {env[DATA_DIR_ENV]}")
    try:
        return serve(lab_command(Path(notebooks).resolve(), port, browser), env, stop_after)
    finally:
        record.unlink(missing_ok=True)


def present_folder(client: str, data_dir: Path, frameworks: Sequence[str], folder: Path) -> list[Path]:
    """Write the notebooks the client's screen shows into ``folder``; return their paths.

    Each is the framework notebook with its parameters set to ``client`` in
    ``data_dir``, the teaching cells and the consultant's instructions (the
    "to start" line, how to work the form) left out, and the session screen
    first: the client header and the form open the page, the notebook's
    title and "the framework in brief" follow it.
    """
    params = f'client = "{client}"\ndata_dir = {str(Path(data_dir).resolve())!r}\nmode = "live"'
    written = []
    for name in frameworks:
        fw = registry.get(name)
        nb = nbformat.reads(read_text(fw.notebook_path) or "", as_version=4)
        nb.cells = [c for c in nb.cells if not set(c.metadata.get("tags", [])) & set(PRESENT_DROPS)
                    and not (c.cell_type == "markdown" and "live" in c.metadata.get("tags", []))]
        nb.cells = _screen_first(nb.cells)
        clean_notebook(nb)
        for cell in nb.cells:
            if "parameters" in cell.metadata.get("tags", []):
                cell.source = params
            elif cell.cell_type == "markdown":
                cell.source = re.sub(r"\n*\*\*To start:\*\*[^\n]*", "", cell.source)
        path = folder / fw.notebook
        atomic_write(path, nbformat.writes(nb) + "\n")
        written.append(path)
    return written


def _screen_first(cells: list) -> list:
    """The cells with the text above the form cell (tagged ``live``) moved just below it."""
    form = next((i for i, c in enumerate(cells) if c.cell_type == "code" and "live" in c.metadata.get("tags", [])),
                None)
    if form is None:
        return cells
    before = cells[:form]
    return ([c for c in before if c.cell_type == "code"] + [cells[form]]
            + [c for c in before if c.cell_type != "code"] + cells[form + 1:])


def present(client: str, data_dir: Path, framework: str | None = None, port: int | None = None,
            browser: bool = True, stop_after: float | None = None, token: str | None = None,
            echo: Callable[[str], None] = log.info) -> int:
    """Serve the code-free session screen of ``client`` with Voila until Ctrl+C or ``stop_after``.

    Raises
    ------
    UnknownClient
        When ``client`` is not in ``data_dir`` (one line, no other names).
    """
    found = find_client(client, data_dir)
    if found.slug is None:
        raise UnknownClient(found.problem)
    names = [registry.get(framework).name] if framework else list(registry.names())
    folder = Path(tempfile.mkdtemp(prefix="workbook-present-"))
    try:
        written = present_folder(found.slug, data_dir, names, folder)
        port = port or free_port()
        token = token or secrets.token_urlsafe(24)
        target = written[0] if framework else folder
        env = {k: v for k, v in os.environ.items() if k != CHOICE_ENV}
        env.update({PRESENT_ENV: "1", DATA_DIR_ENV: str(Path(data_dir).resolve())})
        cmd = [sys.executable, "-m", "voila", str(target), f"--port={port}", f"--Voila.ip={HOST}",
               f"--token={token}", "--Voila.port_retries=0", "--VoilaConfiguration.show_tracebacks=False"]
        if not browser:
            cmd.append("--no-browser")
        echo(f"Client's screen for {found.slug}: http://{HOST}:{port}/?token={token}")
        return serve(cmd, env, stop_after, cwd=folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def serve(cmd: list[str], env: dict[str, str], stop_after: float | None = None, cwd: Path | None = None) -> int:
    """Run a server in its own process group; stop it on Ctrl+C or after ``stop_after`` seconds.

    Returns
    -------
    int
        The server's exit code (0 when it was stopped on purpose).
    """
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, start_new_session=True)
    previous = _interrupt_on_sigterm()
    deadline = None if stop_after is None else time.monotonic() + stop_after
    try:
        while proc.poll() is None:
            if deadline is not None and time.monotonic() >= deadline:
                log.info("stopping the server after %.0f s as asked", stop_after)
                _stop(proc)
                return 0
            time.sleep(0.2)
        return proc.returncode
    except KeyboardInterrupt:
        _stop(proc)
        return 0
    finally:
        if proc.poll() is None:
            _stop(proc)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _interrupt_on_sigterm():
    """Make SIGTERM stop the server like Ctrl+C (its own process group would outlive us otherwise)."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None

    def interrupt(_signum, _frame):
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, interrupt)


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM the server's process group (the server shuts its kernels down), then SIGKILL what is left."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        if proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(wait)
        except subprocess.TimeoutExpired:
            continue
