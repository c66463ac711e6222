"""The intake comes first: a burst over SMTP is acknowledged while processing waits, then all of it is processed.

The embedded service (SQLite, inline jobs) with its real SMTP intake; the queue's gate
runs on a clock the test moves, so "the intake is still busy" is a fact of the test,
not a race: speed is measured in bench/bench_serve.py, never asserted here.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import col, select

from agent.demo_deal import demo_files
from agent.queues import INTAKE_QUIET_S, OVERDUE_S, InlineQueue, Slots
from db.models import Account, Inbound
from db.session import session_scope
from tests.conftest import REP, Harness, make_settings, start_harness, stop_harness
from tests.test_inline_queue import Clock


def inbound_rows(engine: Engine) -> list[tuple[int, str, str]]:
    """(id, status, when processed) of every stored message, by id."""
    with session_scope(engine) as session:
        rows = session.exec(select(Inbound.id, Inbound.status, Inbound.processed_at).order_by(col(Inbound.id)))
        return [(int(i or 0), s, str(at or "")) for i, s, at in rows]


async def test_a_burst_is_acknowledged_while_a_job_runs_then_processed_oldest_first(tmp_path: Path) -> None:
    harness = await start_harness(make_settings(tmp_path), "sqlite")
    try:
        queue = harness.app.queue
        assert isinstance(queue, InlineQueue)
        clock = Clock()
        # One job at a time, so "oldest first" shows as the order messages were finished in.
        queue.slots = Slots(1, quiet_s=INTAKE_QUIET_S, overdue_s=OVERDUE_S, clock=clock)
        messages = [p.read_bytes() for p in demo_files()]
        slow_job = asyncio.Event()

        async def a_slow_job() -> None:
            async with queue.slots.take(2):  # holds the only slot, as a long job would
                await slow_job.wait()

        holder = asyncio.create_task(a_slow_job())
        await asyncio.sleep(0)
        # Four clients at once, each with its share of the deal; every message is answered 250.
        refused = await asyncio.gather(*(asyncio.to_thread(_send_all, harness, messages[c::4]) for c in range(4)))
        assert refused == [[{}] * len(messages[c::4]) for c in range(4)]
        rows = inbound_rows(harness.app.engine)
        assert len(rows) == len(messages)
        assert {status for _, status, _ in rows} == {"pending"}  # stored and acknowledged; nothing processed yet

        slow_job.set()
        await holder
        clock.now = 1.0  # the intake has been quiet: processing catches up
        queue.slots.wake()
        await harness.drain()
        rows = inbound_rows(harness.app.engine)
        assert {status for _, status, _ in rows} <= {"done", "ignored"}
        assert [i for i, _, _ in sorted(rows, key=lambda r: r[2])] == [i for i, _, _ in rows]  # oldest first
        with session_scope(harness.app.engine) as session:
            account = session.exec(select(Account)).one()
            assert account.draft_due_at is None
            assert account.drafts_sent >= 1
        assert harness.outbox_to(REP)
    finally:
        await stop_harness(harness)


def _send_all(harness: Harness, messages: list[bytes]) -> list[dict[str, object]]:
    return [harness.smtp_send(raw) for raw in messages]
