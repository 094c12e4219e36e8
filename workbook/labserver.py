"""The project's Jupyter server settings: clean saves, the session record, a local-only server.

``workbook/templates/jupyter_server_config.py`` calls :func:`configure`; it is
the configuration ``make lab``, ``workbook lab`` and the browser tests start
JupyterLab with. Its pre-save hook (:func:`pre_save_hook`) makes every saved
notebook clean (:func:`clean_notebook`): no outputs, execution counts, widget
state or kernel details, papermill's injected cell gone, and the parameters
cell back to its literal defaults. A session's client data therefore never
reaches the repository, and a reopened notebook has no widget outputs whose
models are gone ("Error displaying widget: model not found"). The teaching
part is saved folded under its heading (:data:`HEADING_FOLDED`), so a session
opens with the exercises out of the way.

:func:`configure` also gives the server a workspace folder of its own, seeded
with a layout whose left sidebar is closed (:func:`seed_workspace`): JupyterLab
opens on the start page at full width, and the file browser is one click on
its icon away.
"""
from __future__ import annotations

import atexit
import json
import logging
import os
import re
import shutil
from pathlib import Path
from typing import Any

from .clients import CHOICE_ENV, DATA_DIR_ENV
from .files import atomic_write, read_bytes

log = logging.getLogger(__name__)

#: The configuration file handed to ``jupyter lab --config``.
CONFIG_FILE = Path(__file__).resolve().parent / "templates" / "jupyter_server_config.py"
#: The layout a new JupyterLab window starts from: left and right sidebars closed, nothing open yet.
WORKSPACE_TEMPLATE = CONFIG_FILE.parent / "lab_workspace.json"
#: JupyterLab's cell metadata key for a markdown heading whose section is folded.
HEADING_FOLDED = "jp-MarkdownHeadingCollapsed"
#: The literal defaults of the parameters cell, line by line (the text committed in the notebooks).
PARAMETER_DEFAULTS = {
    "client": 'client = "@start-page"  # the client picked on the start page, or a client folder name',
    "data_dir": 'data_dir = ""  # blank: $WORKBOOK_DATA_DIR, else the data/ folder, as the workbook command',
    "mode": 'mode = "live"',
}
KERNELSPEC = {"display_name": "Python 3 (workbook)", "language": "python", "name": "python3"}
#: Cell metadata worth keeping in the repository; the rest (timing, scroll state, widgets) is per session.
CELL_METADATA_KEPT = ("tags", "editable", "deletable", "jupyter", "slideshow")
_HEADING = re.compile(r"^#{1,6}\s")
_ASSIGN = re.compile(r"^(\w+)\s*=")


def reset_parameters(source: str) -> str:
    """The parameters cell with ``client``, ``data_dir`` and ``mode`` back to their literal defaults."""
    lines = []
    for line in source.splitlines():
        found = _ASSIGN.match(line)
        lines.append(PARAMETER_DEFAULTS.get(found.group(1), line) if found else line)
    return "\n".join(lines)


def clean_notebook(nb: Any) -> Any:
    """Strip a notebook (nbformat 4 dict or NotebookNode) in place to what the repository holds; returns it.

    Outputs and execution counts go, papermill's ``injected-parameters`` cell
    goes, cell metadata keeps only ``CELL_METADATA_KEPT``, the notebook's
    metadata keeps its kernel spec (the workbook's) and language name only,
    and the ``parameters`` cell gets its literal defaults back. The first
    ``teaching`` markdown cell, when it is a heading, is saved folded
    (``HEADING_FOLDED``): the worked example and exercises under it stay out of
    the way during a session, and the button JupyterLab shows under a folded
    heading ("N cells hidden") opens them.
    """
    cells = []
    fold_next_teaching = True
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {})
        tags = meta.get("tags", [])
        if "injected-parameters" in tags:
            continue
        cell["metadata"] = type(meta)((k, v) for k, v in meta.items() if k in CELL_METADATA_KEPT)
        if fold_next_teaching and "teaching" in tags and cell.get("cell_type") == "markdown":
            fold_next_teaching = False
            source = cell.get("source", "")
            if _HEADING.match("".join(source) if isinstance(source, list) else source):
                cell["metadata"][HEADING_FOLDED] = True
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
            if "parameters" in tags:
                source = cell.get("source", "")
                text = "".join(source) if isinstance(source, list) else source
                cell["source"] = reset_parameters(text)
        cells.append(cell)
    nb["cells"] = cells
    meta = nb.get("metadata", {})
    kept = type(meta)()
    spec = meta.get("kernelspec")
    if spec is not None:
        kept["kernelspec"] = dict(KERNELSPEC) if spec.get("name") == KERNELSPEC["name"] else spec
    if "language_info" in meta:
        kept["language_info"] = {"name": meta["language_info"].get("name", "python")}
    nb["metadata"] = kept
    return nb


def pre_save_hook(model: dict, path: str = "", contents_manager: Any = None, **_: Any) -> None:
    """Jupyter server pre-save hook: notebooks are saved clean (see :func:`clean_notebook`)."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    clean_notebook(model["content"])
    log.debug("saved %s clean", path)


def prepare_environment(runtime_dir: str | os.PathLike | None = None) -> dict[str, str]:
    """Set what the server's kernels inherit: an absolute data folder and this server's choice record.

    Parameters
    ----------
    runtime_dir : str or Path, optional
        Where the record goes (Jupyter's runtime folder by default).

    Returns
    -------
    dict
        The variables set.
    """
    env = {}
    data = os.environ.get(DATA_DIR_ENV, "").strip()
    if data:  # kernels run in notebooks/: a relative folder would mean something else there
        env[DATA_DIR_ENV] = str(Path(data).expanduser().resolve())
    if not os.environ.get(CHOICE_ENV, "").strip():
        if runtime_dir is None:
            from jupyter_core.paths import jupyter_runtime_dir

            runtime_dir = jupyter_runtime_dir()
        env[CHOICE_ENV] = str(Path(runtime_dir) / f"workbook-choice-{os.getpid()}.json")
    os.environ.update(env)
    return env


def seed_workspace(folder: str | os.PathLike) -> Path:
    """Write JupyterLab's default workspace into ``folder`` from :data:`WORKSPACE_TEMPLATE`; return its path.

    A window opened without a saved layout of its own starts from it: both
    sidebars closed, so the notebook gets the full width (the file browser
    opens with a click on the folder icon at the left edge).
    """
    from jupyterlab_server.workspaces_handler import WORKSPACE_EXTENSION, slugify

    layout = json.loads(read_bytes(WORKSPACE_TEMPLATE) or b"")
    path = Path(folder) / (slugify(layout["metadata"]["id"]) + WORKSPACE_EXTENSION)
    atomic_write(path, json.dumps(layout, indent=1) + "\n")
    return path


def configure(c: Any, runtime_dir: str | os.PathLike | None = None) -> None:
    """Apply the workbook's settings to a Jupyter configuration object ``c``.

    Besides the clean saves, the local-only server and a warm kernel waiting
    for the next notebook (:mod:`workbook.kernelpool`), the server gets a
    workspace folder of its own under Jupyter's runtime folder (removed when
    the server exits), seeded by :func:`seed_workspace`: every ``workbook lab``
    opens on the start page with the sidebars closed and no tabs left over
    from an earlier client. ``--LabApp.workspaces_dir`` on the command line
    still wins.
    """
    c.ContentsManager.pre_save_hook = "workbook.labserver.pre_save_hook"
    c.ServerApp.kernel_manager_class = "workbook.kernelpool.PooledKernelManager"
    c.ServerApp.jpserver_extensions.update({"workbook.kernelpool": True})
    c.ServerApp.ip = "127.0.0.1"
    c.ServerApp.allow_remote_access = False
    c.LabApp.news_url = None
    c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
    if runtime_dir is None:
        from jupyter_core.paths import jupyter_runtime_dir

        runtime_dir = jupyter_runtime_dir()
    workspaces = Path(runtime_dir) / f"workbook-workspaces-{os.getpid()}"
    seed_workspace(workspaces)
    atexit.register(shutil.rmtree, workspaces, ignore_errors=True)
    c.LabApp.workspaces_dir = str(workspaces)
    prepare_environment(runtime_dir)
