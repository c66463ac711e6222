"""Assembling the running service's ``App``: the one place that creates its clients.

What it is for: ``open_app`` creates the engine (migrating it), the extractor, the
sender, the CPU pool and the queue — inline unless a Redis URL is set — at start-up,
never at import; ``arq_worker`` is ``handoff worker``'s arq worker, handed an
``open_app`` for its own process. It sits above the queues and the worker because it
chooses between them. Not for: what the App is (agent/context.py) or what jobs do.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from agent.context import App
from agent.cpu import CpuPool
from agent.extract import make_extractor
from agent.queues import ArqQueue, InlineQueue, RedisLocks
from agent.roster import load_roster
from agent.settings import Settings
from db.session import make_engine, upgrade
from mailflows.outbound.send import make_sender

if TYPE_CHECKING:  # the arq worker loads only in `handoff worker` and its tests
    from arq.worker import Worker


async def open_app(
    settings: Settings,
    *,
    inline: bool | None = None,
    migrate: bool = True,
    clock: Callable[[], datetime] | None = None,
    cpu_processes: int = 0,
    lock_wait_s: float | None = None,
) -> App:
    """Create the engine, extractor, sender and queue; inline unless a Redis URL is set.

    ``cpu_processes`` > 0 starts that many processes for parsing and offline extraction;
    ``lock_wait_s`` is how long a job waits for a busy account on Redis before it is retried.
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
        app.queue = InlineQueue(app)
    else:
        queue = await ArqQueue.connect(settings)
        app.queue = queue
        app.locks = RedisLocks(queue.redis) if lock_wait_s is None else RedisLocks(queue.redis, wait_s=lock_wait_s)
    return app


async def open_worker_app(settings: Settings) -> App:
    """A worker's App: jobs on Redis; a busy account is waited for up to half the job timeout.

    Waiting longer would have arq cut the job and drop it.
    """
    from agent.worker import job_timeout_s

    return await open_app(settings, inline=False, lock_wait_s=job_timeout_s(settings) / 2)


def arq_worker(settings: Settings, *, burst: bool = False, **overrides: Any) -> Worker:
    """``handoff worker``: an arq worker that opens its App at start-up."""
    from agent.worker import make_worker

    return make_worker(settings, open_app=open_worker_app, burst=burst, **overrides)
