"""CPU-bound steps (parsing a message, the offline extraction, rendering a draft) off the event loop.

What it is for: ``CpuPool.run(fn, *args)`` runs a pure module-level function whose
arguments and result pickle. With ``processes`` > 0 it runs in a pool of worker
processes, so the embedded ``handoff serve`` keeps every core busy while its event
loop does the database work (a burst of forwards from many reps is parsed and read in
parallel), and a message that crashes the parser kills a pool process, not the
service. Pool processes run niced (``POOL_NICENESS``): on a busy machine the serving
process, which accepts mail, is scheduled first. With 0 it runs in a thread of this process: one-off commands, tests and arq
workers (each worker is already a process of its own). Not for: I/O, or anything
that needs the database or the network.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import multiprocessing
import os
import select
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from agent.errors import TemporaryError

log = logging.getLogger(__name__)

T = TypeVar("T")

# Imported once by the fork server, so each pool process starts with them loaded.
PRELOAD = ["mailflows.inbound.parse", "agent.extract.offline", "agent.delivery"]


def default_processes(inline_jobs: bool) -> int:
    """One pool process per core beyond the first (at most 4) when jobs run in this process; else none."""
    if not inline_jobs:
        return 0
    return max(1, min(4, (os.cpu_count() or 1) - 1))


POOL_NICENESS = 5  # the serving process (the intake) goes first when the cores are busy


def _start_pool_process(parent: int) -> None:
    """In a pool process, at its start: a lower priority than the service's, and exit with it."""
    with contextlib.suppress(OSError):  # not allowed here: run at the service's priority
        os.nice(POOL_NICENESS)
    _exit_with(parent)


def _exit_with(parent: int) -> None:
    """In a pool process: exit when the service that started the pool is gone, even after a SIGKILL.

    The fork server hands every pool process both ends of its job pipe, so the pipe never
    closes on its own; without this a killed service would leave its pool processes behind.
    """

    def watch() -> None:
        try:
            fd = os.pidfd_open(parent)
        except (AttributeError, OSError):  # no pidfd (old kernel, not Linux): look once a second
            while _alive(parent):
                time.sleep(1.0)
        else:
            select.select([fd], [], [])  # readable when the process exits
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _warm() -> int:
    """In a pool process: the modules its jobs need, loaded before the first message (no-op when preloaded)."""
    for name in PRELOAD:
        importlib.import_module(name)
    return os.getpid()


class CpuPool:
    def __init__(self, processes: int = 0) -> None:
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None

    def start(self, *, wait: bool = True) -> None:
        """Start the pool processes now (not on the first message); ``wait`` for them to load the parser."""
        if self.processes <= 0 or self._pool is not None:
            return
        context = multiprocessing.get_context("forkserver")  # no fork of a process running threads and a loop
        context.set_forkserver_preload(PRELOAD)
        self._pool = ProcessPoolExecutor(
            max_workers=self.processes, mp_context=context, initializer=_start_pool_process, initargs=(os.getpid(),)
        )
        warming = [self._pool.submit(_warm) for _ in range(self.processes * 2)]
        if wait:
            log.info("CPU pool: %d process(es) %s", self.processes, sorted({f.result() for f in warming}))

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        if self._pool is None:
            return await asyncio.to_thread(fn, *args)
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)
        except BrokenProcessPool as exc:
            # A pool process died (killed, or out of memory on one message): a fresh pool for the
            # next job, and this one is retried like any temporary failure (then quarantined).
            log.error("CPU pool process died during %s; starting a new pool", getattr(fn, "__name__", fn))
            self._restart()
            raise TemporaryError(f"a worker process died while running {getattr(fn, '__name__', fn)}") from exc

    def _restart(self) -> None:
        broken, self._pool = self._pool, None
        if broken is not None:
            broken.shutdown(wait=False, cancel_futures=True)
        self.start(wait=False)

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
