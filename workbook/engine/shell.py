"""The child side of the warm engine: an IPython shell whose outputs become nbformat dicts.

A warm worker builds one ``ZMQCompatibleShell`` (inside :func:`prepare`)
after importing the heavy modules; every forked child runs its cells in that
shell.  Everything the cells print or display is collected by the module's
capture, in the shape nbclient would have written into the notebook.

This is the bottom layer of :mod:`workbook.engine`: it imports no other
module of the package.  A forked child calls :func:`capture_child_output`
once, then :func:`run_cell` per cell; each returns plain data
(:class:`CellOutput`).
"""
from __future__ import annotations

import base64
import importlib
import io
import json
import logging
import os
import sys
import tempfile
from dataclasses import dataclass, field
from typing import Any

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


def is_prepared() -> bool:
    """Say whether :func:`prepare` has built the shell in this process."""
    return _SHELL is not None


def execution_count() -> int:
    """The execution count the next cell will get."""
    return _SHELL.execution_count


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



_FDS: _FdCapture | None = None


def capture_child_output() -> None:
    """Send this (forked child) process's output to the capture: fds 1 and 2 and ``sys`` streams.

    Called once in a child, before its first :func:`run_cell`.
    """
    global _FDS
    _FDS = _FdCapture()
    sys.stdout = _StreamWriter("stdout", 1)
    sys.stderr = _StreamWriter("stderr", 2)


@dataclass
class CellOutput:
    """What one cell produced: its outputs (nbformat dicts), whether it failed, and display updates.

    ``updates`` are ``(cell_index, output_index, data, metadata)`` of outputs of
    *earlier* cells changed through a display id.
    """

    outputs: list[dict]
    failed: bool
    updates: list[tuple[int, int, dict, dict]] = field(default_factory=list)


def run_cell(index: int, source: str) -> CellOutput:
    """Run one cell (notebook position ``index``) in the prepared shell and collect its outputs."""
    _CAPTURE.begin(index)
    try:
        _SHELL.run_cell(source, store_history=True, silent=False)
    finally:
        if _FDS is not None:
            _FDS.drain()
    outputs = _CAPTURE.outputs
    updates, _CAPTURE.updates = _CAPTURE.updates, []
    return CellOutput(outputs, any(o["output_type"] == "error" for o in outputs), updates)
