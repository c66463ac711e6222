"""The running service's context: what every step of the flow is handed, and nothing more.

What it is for: ``App`` holds the settings, the database engine, the extractor, the
sender, the queue, the locks, the clock and the CPU pool; ``Queue`` and ``Locks`` are
the protocols the two job modes implement (agent/queues.py). It sits low so that every
step may take an ``App`` without importing what built it. Not for: creating any of
it (agent/app.py assembles an ``App``) or running jobs (agent/jobs.py).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import Engine

from agent.cpu import CpuPool
from agent.extract.base import Extractor
from agent.roster import Roster
from agent.settings import Settings
from mailflows.inbound.budget import ByteBudget
from mailflows.outbound.send import Sender


class Queue(Protocol):
    """Where jobs go: inline asyncio tasks, or arq over Redis."""

    shared: bool  # whether other processes see the same queue (arq): a job id then dedupes across them

    async def enqueue(self, job: str, *args: Any, defer_s: float = 0.0, job_id: str | None = None) -> None: ...

    async def drain(self) -> None:
        """Wait until every queued job (and the jobs they queued) has finished."""
        ...

    async def close(self) -> None: ...


class Locks(Protocol):
    def hold(self, key: str) -> contextlib.AbstractAsyncContextManager[None]: ...


class LocalLocks:
    """Per-key asyncio locks: serializes work on one account inside one process."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}

    @contextlib.asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            yield


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class App:
    settings: Settings
    engine: Engine
    extractor: Extractor
    sender: Sender
    locks: Locks = field(default_factory=LocalLocks)
    queue: Queue | None = None
    clock: Callable[[], datetime] = _utc_now
    hold_drafts: bool = False  # batch ingest: one draft per account at the end, not per message
    roster: Roster | None = None
    cpu: CpuPool = field(default_factory=CpuPool)  # parsing and offline extraction (in a thread unless started)
    budget: ByteBudget = field(init=False)  # message bytes read at once by this process's jobs

    def __post_init__(self) -> None:
        self.budget = ByteBudget(self.settings.inflight_budget_bytes)

    def now(self) -> datetime:
        """Aware UTC now (tests freeze it by passing ``clock``)."""
        return self.clock()

    async def enqueue(self, job: str, *args: Any, defer_s: float = 0.0, job_id: str | None = None) -> None:
        if self.queue is None:
            raise RuntimeError("App has no queue: open it with agent.app.open_app()")
        await self.queue.enqueue(job, *args, defer_s=defer_s, job_id=job_id)

    async def drain(self) -> None:
        """Wait for every queued job (a batch ingest, a replay, tests)."""
        if self.queue is not None:
            await self.queue.drain()

    async def close(self) -> None:
        if self.queue is not None:
            await self.queue.close()
        await asyncio.to_thread(self.cpu.close)
        self.engine.dispose()
