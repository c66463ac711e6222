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
