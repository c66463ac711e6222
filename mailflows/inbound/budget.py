"""A budget of message bytes in flight: large messages processed at once share a bounded amount of memory.

What it is for: ``ByteBudget.hold(n)`` is a semaphore counted in bytes, not in
messages. Two places hold one: the intake while it reads a received message into memory
to authenticate and store it (intake.py, ``HANDOFF_INTAKE_BUDGET_BYTES``), and the job
that reads a stored message while it parses and reads it (``HANDOFF_INFLIGHT_BUDGET_BYTES``),
so four 40 MB forwards arriving together go through as far as each budget
allows (the others wait their turn), while a burst of small ones is not held back.
Waiters are served in arrival order, so a large message is not starved by small
ones behind it. A message larger than the whole budget is counted as the whole
budget: it goes through alone, once nothing else is in flight, and never waits
forever. Per process (each arq worker has its own). Not for: receiving the bytes off
the wire (smtp_intake.py spools them to a file), or limiting how many jobs run (agent/queues.py).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class ByteBudget:
    def __init__(self, capacity: int) -> None:
        if capacity <= 0:
            raise ValueError("a byte budget needs a positive capacity")
        self.capacity = capacity
        self.in_flight = 0
        self._waiters: deque[tuple[int, asyncio.Future[None]]] = deque()

    @asynccontextmanager
    async def hold(self, size: int) -> AsyncIterator[int]:
        """Wait until ``size`` bytes fit (at most the whole budget), hold them for the block; yields what is held."""
        wanted = min(max(size, 0), self.capacity)
        await self._acquire(wanted)
        try:
            yield wanted
        finally:
            self.in_flight -= wanted
            self._wake()

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    async def _acquire(self, wanted: int) -> None:
        if not self._waiters and self.in_flight + wanted <= self.capacity:
            self.in_flight += wanted
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (wanted, future)
        self._waiters.append(entry)
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():  # granted just as it was cancelled: give it back
                self.in_flight -= wanted
            else:
                self._waiters.remove(entry)
            self._wake()
            raise

    def _wake(self) -> None:
        """Grant the waiters at the head of the line, in order, while they fit."""
        while self._waiters:
            wanted, future = self._waiters[0]
            if self.in_flight + wanted > self.capacity:
                return
            self._waiters.popleft()
            self.in_flight += wanted
            future.set_result(None)
