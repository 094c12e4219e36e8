"""Warm kernels waiting for the next notebook the consultant opens.

Opening a framework notebook used to cost about two seconds before the form
could run: a second to start the kernel process and another for the first
cell to import pandas, matplotlib, ipywidgets and the workbook. The Jupyter
server run by ``workbook lab`` (and the browser tests) uses
:class:`PooledKernelManager` instead of Jupyter's default kernel manager: it
keeps two kernels of the workbook's kernel spec started and warmed up (every
room imported and every lesson worked out, see :mod:`workbook.warm`) in the
folder of the framework notebooks, and hands one to the next notebook opened
there. A new one is
started in the background a few seconds later, once no kernel has been busy
for a moment (``refill_delay_s``, ``quiet_s``: not while the notebook just
opened runs its first cells or answers the consultant's clicks), and after
``empty_max_wait_s`` (20 s) at the latest when no other kernel is left
waiting. Its warm-up runs at a low
CPU priority, so it gives way to the notebooks in use.

A pooled kernel is an ordinary kernel of the same kernel spec and the same
working folder; what it lacks is only the notebook's name in its
environment (``JPY_SESSION_NAME``), which the workbook does not read.
Notebooks opened elsewhere, other kernel specs and restarts get a kernel
started as usual. Waiting kernels are not listed by the server's kernel API
(the consultant's *Running* panel shows only kernels of open notebooks), are
never culled, and are shut down with the server.

The pool is switched on by the project's Jupyter configuration
(:func:`workbook.labserver.configure`); ``--PooledKernelManager.pool_size=0``
switches it off.
"""
from __future__ import annotations

import asyncio
import os
import uuid
from datetime import datetime, timezone
from typing import Any

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Float, Integer, TraitError, Unicode

from .warm import KERNEL_NAME, POOL_ENV

#: The folder holding the framework notebooks, relative to the server's root, when the root is the project.
NOTEBOOK_FOLDER = "notebooks"
START_NOTEBOOK = "00_start_here.ipynb"


class PooledKernelManager(AsyncMappingKernelManager):
    """Jupyter's kernel manager with ``pool_size`` warm kernels waiting in the notebooks' folder."""

    pool_size = Integer(2, config=True, help=(
        "Warm kernels kept waiting for the next notebook (0: none). Two, because the start page takes "
        "one the moment the server opens and the framework the consultant opens next needs another."))
    refill_delay_s = Float(4.0, config=True, help=(
        "Seconds between handing a waiting kernel to a notebook and starting the next one, so that the "
        "next kernel's start and warm-up do not compete with the notebook's first Run All for the CPU."))
    quiet_s = Float(3.0, config=True, help=(
        "After that delay, the next waiting kernel starts once no kernel has been active for this long "
        "(between a consultant's clicks, not during them)."))
    max_wait_s = Float(120.0, config=True, help="Start the next waiting kernel after this long in any case.")
    empty_max_wait_s = Float(20.0, config=True, help=(
        "The same when no kernel is left waiting: the next notebook opened would start cold, so the quiet "
        "moment is waited for a shorter while."))
    pool_kernel_name = Unicode(KERNEL_NAME, config=True, help="Kernel spec of the waiting kernels.")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._pool: dict[str, str] = {}  # waiting kernel -> its working folder
        self._pool_cwd: str | None = None
        self._starting: set[str] = set()  # waiting kernels still starting
        self._filling: asyncio.Task | None = None
        self._polite = False  # the fill under way still waits for a quiet moment

    # -- what a notebook gets -------------------------------------------------------------------------------
    async def _async_start_kernel(self, *, kernel_id: str | None = None, path: str | None = None,
                                  **kwargs: Any) -> str:
        name = kwargs.get("kernel_name") or self.default_kernel_name
        cwd = self.cwd_for_path(path) if path is not None else None
        if kernel_id is None and name == self.pool_kernel_name and cwd is not None and self.pool_size > 0:
            if self._pool_cwd is None:  # the server extension did not run: the first notebook's folder
                self._pool_cwd = cwd
            for waiting, folder in list(self._pool.items()):
                if folder == cwd and waiting in self:
                    del self._pool[waiting]
                    self.log.info("Kernel %s handed over warm from the pool", waiting)
                    self._fill_soon(self.refill_delay_s)
                    return waiting
        kernel = await super()._async_start_kernel(kernel_id=kernel_id, path=path, **kwargs)
        if name == self.pool_kernel_name and cwd is not None and cwd == self._pool_cwd:
            self._fill_soon(self.refill_delay_s)
        return kernel

    start_kernel = _async_start_kernel  # as Jupyter's own manager does

    # -- the pool ---------------------------------------------------------------------------------------------
    def start_pool(self) -> None:
        """Start filling the pool for the notebooks' folder (called once the server's loop runs)."""
        if self._pool_cwd is None:
            root = self.root_dir
            project = os.path.join(root, NOTEBOOK_FOLDER)
            here = os.path.isfile(os.path.join(project, START_NOTEBOOK))
            self._pool_cwd = project if here else root
        self._fill_soon()

    def _fill_soon(self, delay_s: float = 0.0) -> None:
        if self.pool_size <= 0:
            return
        if self._filling is not None and not self._filling.done():
            if delay_s > 0 or not self._polite:
                return  # already on its way, as soon or sooner
            self._filling.cancel()  # a polite fill still waiting for a quiet moment: start now instead
        self._polite = delay_s > 0
        self._filling = asyncio.ensure_future(self._fill(delay_s))

    async def _fill(self, delay_s: float = 0.0) -> None:
        if delay_s > 0:  # the notebook just handed a kernel runs first; the next one warms up after it
            await asyncio.sleep(delay_s)
            await self._until_quiet()
        self._polite = False  # starting now: cancelling it would leave a half-started kernel
        while True:
            cwd = self._pool_cwd
            for kernel, folder in list(self._pool.items()):  # gone, or waiting in a folder no longer used
                if kernel not in self:
                    del self._pool[kernel]
                elif folder != cwd:
                    del self._pool[kernel]
                    await self.shutdown_kernel(kernel, now=True)
            if cwd is None or len(self._pool) >= self.pool_size:
                return
            env = {**os.environ, POOL_ENV: "1"}
            env.pop("JPY_SESSION_NAME", None)
            relative = os.path.relpath(cwd, self.root_dir)
            kernel = str(uuid.uuid4())
            self._starting.add(kernel)  # out of sight from its first moment
            try:
                await super()._async_start_kernel(kernel_id=kernel, kernel_name=self.pool_kernel_name, env=env,
                                                  path="" if relative == "." else relative)
            except Exception:  # noqa: BLE001 - no warm kernel only means the next notebook starts its own
                self.log.warning("Could not start a waiting kernel", exc_info=True)
                return
            finally:
                self._starting.discard(kernel)
            self._pool[kernel] = cwd
            self.log.info("Kernel %s waiting warm in %s", kernel, cwd)

    async def _until_quiet(self) -> None:
        """Wait until no kernel has said anything for ``quiet_s`` (a consultant at work).

        At most ``max_wait_s``, or ``empty_max_wait_s`` while no kernel is left waiting.
        """
        loop = asyncio.get_running_loop()
        start = loop.time()
        while True:
            empty = not any(k in self for k in self._pool)
            give_up = start + (min(self.max_wait_s, self.empty_max_wait_s) if empty else self.max_wait_s)
            if loop.time() >= give_up:
                return
            quiet = (datetime.now(timezone.utc) - self.last_kernel_activity).total_seconds()
            if quiet >= self.quiet_s:
                return
            await asyncio.sleep(min(self.quiet_s - quiet, give_up - loop.time()) + 0.05)

    # -- waiting kernels stay out of sight ---------------------------------------------------------------------
    def list_kernels(self) -> list[dict]:
        """The kernels of open notebooks (waiting kernels left out)."""
        models = []
        for kernel in self.list_kernel_ids():
            if kernel in self._pool or kernel in self._starting:
                continue
            try:
                models.append(self.kernel_model(kernel))
            except (web.HTTPError, KeyError, TraitError):  # gone, or so new it has no activity time yet
                continue
        return models

    async def cull_kernel_if_idle(self, kernel_id: str) -> None:
        """Never cull a waiting kernel; others as Jupyter does."""
        if kernel_id not in self._pool and kernel_id not in self._starting:
            await super().cull_kernel_if_idle(kernel_id)


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": "workbook.kernelpool"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Start filling the pool once the server's event loop runs."""
    manager = serverapp.kernel_manager
    if isinstance(manager, PooledKernelManager):
        serverapp.io_loop.add_callback(manager.start_pool)
