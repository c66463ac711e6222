"""The two job queues behind ``App.enqueue``: inline asyncio tasks, or arq over Redis.

What it is for: ``InlineQueue`` (jobs as tasks of this process, oldest work first
through ``Slots``, retried with ``retry.job_retry_wait``, then given up to
``jobs.on_job_failed``), ``ArqQueue`` (jobs on Redis for ``handoff worker``) and
``RedisLocks`` (one account worked on by one process at a time). Not for: what jobs
do (agent/jobs.py), the arq worker process (agent/worker.py) or choosing a queue
(agent/app.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from tenacity import AsyncRetrying, stop_after_attempt

from agent import jobs
from agent.context import App
from agent.errors import ConfigError, TemporaryError
from agent.retry import job_retry_wait
from agent.settings import Settings

if TYPE_CHECKING:  # arq (and redis) load only where a Redis queue is used: the inline service never pays for them
    from arq.connections import ArqRedis, RedisSettings

log = logging.getLogger(__name__)

QUEUE_NAME = "handoff:queue"


class Slots:
    """At most ``limit`` holders at once; waiters go in by priority (lower first), then arrival.

    The inline queue runs jobs through these so a burst is served oldest first instead of
    all at once: twenty forwards interleaved step by step would all finish at the end,
    while one after the other the first draft is out after one message's work.

    The intake comes first: ``arrival()`` (a message was just accepted) closes the gate
    for ``quiet_s``, and no waiter starts until the intake has been quiet that long, so a
    burst is acknowledged at the speed of the intake alone and processed right after it,
    in the same order. Jobs already running go on. So that a flood that never pauses
    still gets processed, once work has been held back for ``overdue_s`` it goes in one
    job at a time while the intake stays busy. ``clock`` (seconds, the loop's by default)
    is for tests.
    """

    def __init__(
        self,
        limit: int,
        *,
        quiet_s: float = 0.0,
        overdue_s: float = float("inf"),
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.limit = limit
        self.quiet_s = quiet_s
        self.overdue_s = overdue_s
        self._clock = clock
        self._busy = 0
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self._arrivals = itertools.count()
        self._last_arrival = float("-inf")
        self._held_since: float | None = None  # when the gate began holding work back
        self._timer: asyncio.TimerHandle | None = None

    def _now(self) -> float:
        return self._clock() if self._clock is not None else asyncio.get_running_loop().time()

    def arrival(self) -> None:
        """A message was just accepted: new work waits until the intake has been quiet ``quiet_s``."""
        if self.quiet_s > 0:
            self._last_arrival = self._now()

    @contextlib.asynccontextmanager
    async def take(self, priority: int) -> AsyncIterator[None]:
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (priority, next(self._arrivals), turn)
        heapq.heappush(self._waiting, entry)
        self.wake()
        try:
            await turn  # wake() counted this holder in _busy when it handed over the turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self._release()  # the slot was handed over just as we were cancelled
            else:
                self._waiting.remove(entry)
                heapq.heapify(self._waiting)
            raise
        try:
            yield
        finally:
            self._release()

    def _release(self) -> None:
        self._busy -= 1
        self.wake()

    def _allowed(self, now: float) -> int:
        """How many may hold a slot now: all when the intake is quiet, one when work is overdue, else none."""
        quiet_for = now - self._last_arrival
        if quiet_for >= self.quiet_s:
            self._held_since = None
            return self.limit
        if self._held_since is None:
            self._held_since = now
        return 1 if now - self._held_since >= self.overdue_s else 0

    def wake(self) -> None:
        """Hand free slots to the first waiters the gate lets in; else look again when it may open."""
        while self._waiting:
            now = self._now()
            if self._busy >= min(self.limit, self._allowed(now)):
                break
            _, _, turn = heapq.heappop(self._waiting)
            if not turn.done():
                self._busy += 1
                turn.set_result(None)
        if not self._waiting:
            self._held_since = None
            return
        now = self._now()
        allowed = self._allowed(now)
        if self._timer is not None or allowed >= self.limit:
            return  # a slot coming free wakes the next waiter
        opens = self._last_arrival + self.quiet_s  # the gate opens fully
        if allowed == 0 and self._held_since is not None:
            opens = min(opens, self._held_since + self.overdue_s)  # or lets one in
        self._timer = asyncio.get_running_loop().call_later(max(opens - now, 0.001), self._tick)

    def _tick(self) -> None:
        self._timer = None
        self.wake()


# Jobs that finish work already started (a draft, a flush) go before new messages.
FIRST = {"send_draft": 0, "flush_outbox": 0, "tick": 1, "resume_pending": 1}
NEW_WORK = 2
PRIORITY_LEAD = timedelta(minutes=1)


# The intake comes first (``Slots``): jobs wait for the intake to be quiet this long, and
# once work has been held back OVERDUE_S it goes in one job at a time regardless.
INTAKE_QUIET_S = 0.1
OVERDUE_S = 10.0


def concurrency_for(extractor_name: str) -> int:
    """Jobs run at once by one process: few when the work is CPU (offline), more when it waits on Claude."""
    return 4 if extractor_name == "offline" else 16


class InlineQueue:
    """Jobs as asyncio tasks of this process; ``job_id`` dedupes like arq's.

    ``concurrency`` jobs run at once (by default 4 with the offline extractor, whose work
    is CPU; 16 with Claude, whose calls wait on the network), the rest wait in ``Slots``.
    The intake shares this process's event loop (and SQLite's one writer), so a message
    being queued counts as the intake at work: jobs start once it has been quiet
    ``INTAKE_QUIET_S`` (or one at a time after ``OVERDUE_S``), and a burst is accepted
    at the intake's own speed, then processed oldest first.
    """

    shared = False  # a job id dedupes only while its job waits in this process

    def __init__(self, app: App, concurrency: int | None = None, clock: Callable[[], float] | None = None) -> None:
        self.app = app
        self._tasks: set[asyncio.Task[None]] = set()
        self._ids: set[str] = set()
        self.slots = Slots(
            concurrency or concurrency_for(getattr(app.extractor, "name", "")),
            quiet_s=INTAKE_QUIET_S,
            overdue_s=OVERDUE_S,
            clock=clock,
        )

    async def enqueue(self, job: str, *args: Any, defer_s: float = 0.0, job_id: str | None = None) -> None:
        if job not in jobs.JOBS:
            raise ValueError(f"unknown job {job!r}")
        if job_id is not None:
            if job_id in self._ids:
                return
            self._ids.add(job_id)
        if job == "process_inbound" and defer_s <= 0:
            self.slots.arrival()  # a message just came in: the intake is at work
        task = asyncio.create_task(self._run(job, args, defer_s, job_id), name=f"{job}{args}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, job: str, args: tuple[Any, ...], defer_s: float, job_id: str | None) -> None:
        if defer_s > 0:
            await asyncio.sleep(defer_s)
        if job_id is not None:
            self._ids.discard(job_id)
        # Temporary errors and bugs alike get the same few tries; then the job is given up
        # (a message is quarantined for `handoff quarantine replay`).
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.app.settings.job_max_attempts),
            wait=job_retry_wait,
            before_sleep=lambda state: log.warning(
                "job %s%s try %d failed (%s); retrying in %.0fs",
                job,
                args,
                state.attempt_number,
                state.outcome.exception() if state.outcome is not None else None,
                state.upcoming_sleep,
            ),
            reraise=True,
        )
        ctx: dict[str, Any] = {"app": self.app, "job_try": 1}
        try:
            async for attempt in retrying:
                with attempt:
                    ctx = {"app": self.app, "job_try": attempt.retry_state.attempt_number}
                    async with self.slots.take(FIRST.get(job, NEW_WORK)):
                        await jobs.JOBS[job](ctx, *args)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("job %s%s failed for good", job, args)
            await jobs.on_job_failed(ctx, job, args, exc)

    async def drain(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)


class ArqQueue:
    """Jobs on Redis for ``handoff worker`` processes."""

    shared = True  # every process sees the queue: a job id dedupes while its job is queued or running

    def __init__(self, redis: ArqRedis) -> None:
        self.redis = redis

    @classmethod
    async def connect(cls, settings: Settings) -> ArqQueue:
        from arq import create_pool

        return cls(await create_pool(redis_settings(settings), default_queue_name=QUEUE_NAME))

    async def enqueue(self, job: str, *args: Any, defer_s: float = 0.0, job_id: str | None = None) -> None:
        if defer_s <= 0 and FIRST.get(job, NEW_WORK) == 0:
            # arq runs jobs by due time: finishing work (a draft) is due a minute back, so it goes
            # before the messages that arrived in the meantime, as the inline Slots do.
            await self.redis.enqueue_job(
                job, *args, _job_id=job_id, _defer_until=datetime.now(UTC) - PRIORITY_LEAD, _queue_name=QUEUE_NAME
            )
            return
        await self.redis.enqueue_job(job, *args, _job_id=job_id, _defer_by=defer_s or None, _queue_name=QUEUE_NAME)

    async def drain(self, timeout_s: float = 120.0) -> None:
        """Wait until no job is queued or running (for tests and ``handoff ingest``)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while loop.time() < deadline:
            # The periodic tick is always scheduled; only real work counts.
            queued = [j for j in await self.redis.zrange(QUEUE_NAME, 0, -1) if not _is_cron(j)]
            running = [k async for k in self.redis.scan_iter(match="arq:in-progress:*") if not _is_cron(k)]
            if not queued and not running:
                return
            await asyncio.sleep(0.05)
        raise TimeoutError(f"jobs still queued after {timeout_s:.0f}s: is a `handoff worker` running?")

    async def close(self) -> None:
        await self.redis.aclose()


def _is_cron(key: bytes | str) -> bool:
    text = key.decode() if isinstance(key, bytes) else key
    return text.rsplit(":", 1)[-1].startswith("cron") or ":cron:" in text or text.startswith("cron:")


class RedisLocks:
    """Per-key locks in Redis: one account is worked on by one worker at a time.

    A holder keeps a short lease (``lease_s``) and renews it while it works, so a lock
    left by a worker that was killed frees its account within the lease, not after the
    longest job. A job waits up to ``wait_s`` for a busy account, then is retried (a worker
    sets it to half the job timeout: waiting longer would have arq cut the job and drop it).
    """

    def __init__(self, redis: ArqRedis, wait_s: float = 300.0, lease_s: float = 30.0) -> None:
        self.redis = redis
        self.wait_s = wait_s
        self.lease_s = lease_s

    @contextlib.asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock = self.redis.lock(f"handoff:lock:{key}", timeout=self.lease_s, blocking_timeout=self.wait_s)
        if not await lock.acquire():
            raise TemporaryError(f"account {key} is busy", retry_after_s=5)
        renewing = asyncio.create_task(self._renew(lock, key), name=f"renew {key}")
        try:
            yield
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing
            with contextlib.suppress(Exception):
                await lock.release()

    async def _renew(self, lock: Any, key: str) -> None:
        while True:
            await asyncio.sleep(self.lease_s / 3)
            try:
                await lock.reacquire()  # the lease starts again from now
            except Exception as exc:  # lost it (the loop stalled past the lease) or Redis is down
                log.error("lock on %s could not be renewed: %s", key, exc)
                return


def redis_settings(settings: Settings) -> RedisSettings:
    if not settings.redis_url:
        raise ConfigError("HANDOFF_REDIS_URL is not set: `handoff worker` needs Redis, e.g. redis://127.0.0.1:6379/0")
    from arq.connections import RedisSettings

    rs = RedisSettings.from_dsn(settings.redis_url)
    rs.conn_timeout = 5
    rs.conn_retries = 3
    return rs
