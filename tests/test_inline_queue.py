"""The inline queue's slots: a burst is served oldest first, finishing work before new work."""

from __future__ import annotations

import asyncio

import pytest

from agent.queues import Slots


async def test_no_more_than_the_limit_run_at_once_and_waiters_go_by_priority_then_arrival() -> None:
    slots = Slots(2)
    running: set[str] = set()
    peak = 0
    order: list[str] = []
    gate = asyncio.Event()

    async def job(name: str, priority: int) -> None:
        nonlocal peak
        async with slots.take(priority):
            running.add(name)
            peak = max(peak, len(running))
            order.append(name)
            await gate.wait()
            running.discard(name)

    first = [asyncio.create_task(job(n, 2)) for n in ("a", "b")]
    await asyncio.sleep(0)
    later = [asyncio.create_task(job(n, p)) for n, p in (("new1", 2), ("new2", 2), ("draft", 0), ("tick", 1))]
    await asyncio.sleep(0.01)
    assert order == ["a", "b"]  # the others wait for a slot
    gate.set()
    await asyncio.gather(*first, *later)
    assert order == ["a", "b", "draft", "tick", "new1", "new2"]
    assert peak == 2


async def test_a_cancelled_waiter_gives_up_its_place_and_no_slot_is_lost() -> None:
    slots = Slots(1)
    release = asyncio.Event()

    async def hold() -> None:
        async with slots.take(0):
            await release.wait()

    holder = asyncio.create_task(hold())
    await asyncio.sleep(0)
    waiter = asyncio.create_task(hold())
    await asyncio.sleep(0)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    release.set()
    await holder
    async with asyncio.timeout(1):  # the slot is free again
        async with slots.take(5):
            pass


async def test_a_waiter_cancelled_as_its_turn_comes_passes_the_slot_on() -> None:
    slots = Slots(1)
    done: list[str] = []

    async def use(name: str) -> None:
        async with slots.take(0):
            done.append(name)
            await asyncio.sleep(0)

    async with slots.take(0):
        second = asyncio.create_task(use("second"))
        third = asyncio.create_task(use("third"))
        await asyncio.sleep(0)
    second.cancel()  # its turn was handed over on release, before it ran
    await asyncio.gather(second, third, return_exceptions=True)
    assert done == ["third"]
    async with asyncio.timeout(1):
        async with slots.take(0):
            pass


class Clock:
    """The gate's time, moved by the test: what is asserted is order, never how long something took."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_jobs_wait_while_the_intake_is_busy_then_go_oldest_first() -> None:
    clock = Clock()
    slots = Slots(2, quiet_s=0.1, overdue_s=10.0, clock=clock)
    started: list[str] = []

    async def job(name: str, priority: int) -> None:
        async with slots.take(priority):
            started.append(name)
            await asyncio.sleep(0)

    slots.arrival()
    tasks = [asyncio.create_task(job(f"message{i}", 2)) for i in range(3)]
    tasks.append(asyncio.create_task(job("draft", 0)))
    for t in (0.05, 0.09):  # messages keep arriving: nothing starts
        clock.now = t
        slots.arrival()
        slots.wake()
        await asyncio.sleep(0.01)
        assert started == []
    clock.now = 0.2  # the intake has been quiet for longer than quiet_s
    slots.wake()
    await asyncio.gather(*tasks)
    assert started == ["draft", "message0", "message1", "message2"]


async def test_a_flood_that_never_pauses_is_still_processed_one_job_at_a_time() -> None:
    clock = Clock()
    slots = Slots(3, quiet_s=0.1, overdue_s=10.0, clock=clock)
    started: list[str] = []
    running = 0
    peak = 0
    release = asyncio.Event()

    async def job(name: str) -> None:
        nonlocal running, peak
        async with slots.take(2):
            started.append(name)
            running += 1
            peak = max(peak, running)
            await release.wait()
            running -= 1

    slots.arrival()
    tasks = [asyncio.create_task(job(n)) for n in ("a", "b", "c")]
    await asyncio.sleep(0.01)
    clock.now = 5.0
    slots.arrival()
    slots.wake()
    await asyncio.sleep(0.01)
    assert started == []  # held back, not overdue yet
    clock.now = 10.05
    slots.arrival()  # still arriving, but work has waited overdue_s
    slots.wake()
    await asyncio.sleep(0.01)
    assert started == ["a"]
    release.set()
    for _ in range(5):
        clock.now += 0.05
        slots.arrival()
        slots.wake()
        await asyncio.sleep(0.01)
    await asyncio.gather(*tasks)
    assert started == ["a", "b", "c"]
    assert peak == 1  # one at a time while the intake is busy


async def test_without_arrivals_the_gate_is_open() -> None:
    slots = Slots(1, quiet_s=0.1, overdue_s=10.0)
    async with asyncio.timeout(1), slots.take(2):
        pass
