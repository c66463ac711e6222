"""The running service's context: settings, database, extractor, sender, queue and locks.

What it is for: everything a job needs, created once at start-up by ``open_app`` and
closed by ``App.close`` (no clients at import time). The same ``App`` serves the
inline mode (one process, jobs as asyncio tasks) and the arq mode (jobs on Redis,
run by ``handoff worker``). Not for: what the jobs do (agent/jobs.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import Engine

from agent.cpu import CpuPool
from agent.extract import Extractor, make_extractor
from agent.roster import Roster, load_roster
from agent.settings import Settings
from db.session import make_engine, upgrade
from mailflows.outbound.send import Sender, make_sender

log = logging.getLogger(__name__)


class Queue(Protocol):
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


@dataclass
class App:
    settings: Settings
    engine: Engine
    extractor: Extractor
    sender: Sender
    locks: Locks = field(default_factory=LocalLocks)
    queue: Queue | None = None
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    hold_drafts: bool = False  # batch ingest: one draft per account at the end, not per message
    roster: Roster | None = None
    inbound_writer: Any = None  # mailflows.intake.InboundWriter, made on first use (it needs the running loop)
    cpu: CpuPool = field(default_factory=CpuPool)  # parsing and offline extraction (in a thread unless started)

    def now(self) -> datetime:
        """Aware UTC now (tests freeze it by passing ``clock``)."""
        return self.clock()

    async def enqueue(self, job: str, *args: Any, defer_s: float = 0.0, job_id: str | None = None) -> None:
        if self.queue is None:
            raise RuntimeError("App has no queue: open it with open_app()")
        await self.queue.enqueue(job, *args, defer_s=defer_s, job_id=job_id)

    async def close(self) -> None:
        if self.inbound_writer is not None:
            await self.inbound_writer.close()
        if self.queue is not None:
            await self.queue.close()
        await asyncio.to_thread(self.cpu.close)
        self.engine.dispose()


async def open_app(
    settings: Settings,
    *,
    inline: bool | None = None,
    migrate: bool = True,
    clock: Callable[[], datetime] | None = None,
    cpu_processes: int = 0,
) -> App:
    """Create the engine, extractor, sender and queue; inline unless a Redis URL is set.

    ``cpu_processes`` > 0 starts that many processes for parsing and offline extraction.
    """
    engine = make_engine(settings.database_url)
    if migrate:
        await asyncio.to_thread(upgrade, engine)
    cpu = CpuPool(cpu_processes)
    await asyncio.to_thread(cpu.start)
    app = App(
        settings=settings,
        engine=engine,
        extractor=make_extractor(settings, cpu=cpu),
        sender=make_sender(settings),
        cpu=cpu,
    )
    if settings.csm_roster is not None:
        app.roster = load_roster(settings.csm_roster)
    if clock is not None:
        app.clock = clock
    use_inline = inline if inline is not None else not settings.redis_url
    if use_inline:
        from agent.worker import InlineQueue

        app.queue = InlineQueue(app)
    else:
        from agent.worker import ArqQueue, RedisLocks

        queue = await ArqQueue.connect(settings)
        app.queue = queue
        app.locks = RedisLocks(queue.redis)
    return app
