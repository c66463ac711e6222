"""Taking a message in: decide who wrote it, store it durably, then queue it. Shared by SMTP, IMAP and ingest.

What it is for: ``Intake.receive`` asks the ``SenderAuthenticator`` who wrote the
message (where the connection is known: the peer address, HELO and MAIL FROM are
gone once it is stored), then commits the raw bytes with that verdict (the same bytes
again add nothing) before anything else happens, so a message that was acknowledged
is never lost, then queues ``process_inbound``. A verdict that could not be decided
yet (DNS did not answer) raises ``SenderCheckDeferred`` and stores nothing: the
sender's server tries again. A queue that is down (Redis) does not lose the message
either: it stays ``pending`` and the service's resume picks it up. The code that
starts an intake hands it what it needs (settings, a database engine, a job queue,
the authenticator): nothing here knows what a job does. ``Intake.admit(size)`` is
the intake's byte budget (``intake_budget_bytes``): a receiver holds it while the
message's bytes are in memory, so large messages arriving together take turns instead
of each adding its size to the process. Not for: parsing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Engine

from agent.errors import SenderCheckDeferred
from agent.settings import Settings
from db import repo
from mailflows.inbound.authorship import Arrival, Verdict
from mailflows.inbound.budget import ByteBudget
from mailflows.inbound.sender_auth import SenderAuthenticator, operator_verdict

log = logging.getLogger(__name__)


class JobQueue(Protocol):
    """Where a stored message's job goes (the service's queue, inline or arq)."""

    async def enqueue(self, job: str, *args: Any, defer_s: float = 0.0, job_id: str | None = None) -> None: ...


def raw_mail(raw: bytes, arrival: Arrival, rcpt_to: Sequence[str], verdict: Verdict) -> repo.RawMail:
    """The row to store: the bytes, the connection they came in on, and who wrote them."""
    return repo.RawMail(
        raw,
        arrival.mail_from,
        list(rcpt_to),
        arrival.channel,
        peer_ip=arrival.peer_ip,
        helo=arrival.helo,
        auth_method=verdict.method,
        auth_address=verdict.address,
        auth_reason=verdict.reason[:1000],
        auth_suspicious=verdict.suspicious,
    )


def store_file(engine: Engine, raw: bytes) -> tuple[int, bool]:
    """``handoff ingest``: store one file, committed, as the operator's own, without queueing it."""
    arrival = Arrival("ingest")
    return repo.insert_inbound_batch(engine, [raw_mail(raw, arrival, [], operator_verdict(raw))])[0]


class InboundWriter:
    """Group commit: messages arriving together are stored in one transaction.

    Each caller still gets its own answer only after the commit that holds its message,
    so "250 only once stored" holds; a failed commit fails every message in it (451).
    """

    def __init__(self, engine: Engine, max_batch: int = 64) -> None:
        self.engine = engine
        self.max_batch = max_batch
        self._queue: asyncio.Queue[tuple[repo.RawMail, asyncio.Future[tuple[int, bool]]]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    async def store(self, mail: repo.RawMail) -> tuple[int, bool]:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="inbound-writer")
        future: asyncio.Future[tuple[int, bool]] = asyncio.get_running_loop().create_future()
        await self._queue.put((mail, future))
        return await future

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self.max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                results = await asyncio.to_thread(repo.insert_inbound_batch, self.engine, [m for m, _ in batch])
            except asyncio.CancelledError:
                for _, future in batch:
                    future.cancel()
                raise
            except Exception as exc:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)


@dataclass
class Intake:
    """What the SMTP and IMAP intakes are handed by the code that starts them."""

    settings: Settings
    engine: Engine
    queue: JobQueue
    authenticator: SenderAuthenticator
    writer: InboundWriter = field(init=False)
    budget: ByteBudget = field(init=False)

    def __post_init__(self) -> None:
        self.writer = InboundWriter(self.engine)
        self.budget = ByteBudget(self.settings.intake_budget_bytes)

    @asynccontextmanager
    async def admit(self, size: int) -> AsyncIterator[None]:
        """Hold ``size`` bytes of the intake's budget while a message of that size is in memory."""
        async with self.budget.hold(size):
            yield

    async def receive(self, raw: bytes, *, arrival: Arrival, rcpt_to: Sequence[str]) -> tuple[int, bool]:
        """Decide the author, store the message and queue it once.

        Raises ``SenderCheckDeferred`` (nothing stored; answer 451 / leave it for the next
        round) when the author cannot be decided yet, ``StorageUnavailable`` when the
        database is down.
        """
        verdict = await self.authenticator.authenticate(raw, arrival)
        if verdict.temporary:
            raise SenderCheckDeferred(verdict.reason)
        if verdict.suspicious:
            log.warning(
                "suspicious message from %s (%s): %s", arrival.mail_from or "<>", arrival.channel, verdict.reason
            )
        inbound_id, created = await self.writer.store(raw_mail(raw, arrival, rcpt_to, verdict))
        if created:
            try:
                await self.queue.enqueue("process_inbound", inbound_id, job_id=f"inbound:{inbound_id}")
            except Exception:  # stored is what counts: the service's resume queues it again
                log.exception("inbound %s stored but not queued; it will be resumed", inbound_id)
        return inbound_id, created

    async def close(self) -> None:
        await self.writer.close()
