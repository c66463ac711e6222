"""Scale benchmark: throughput with 1, 2, 4 ``handoff worker`` processes, and cost as data grows.

Run: ``.venv/bin/python bench/bench_scale.py [--workers 1,2,4] [--messages 200]
[--accounts 1000] [--per-account 10,100]`` (add ``--accounts 1000,10000`` and
``--per-account 10,100,1000`` for the full figures; the default run stays within a few
minutes; an empty option, e.g. ``--workers ''``, skips its table). Needs the PostgreSQL and Redis of tests/conftest.py; it uses its own database
(``handoff_bench``, created if missing) and Redis db 14, so it never touches test data;
``--database-url``/``--redis-url`` (or ``HANDOFF_BENCH_DATABASE_URL``/``HANDOFF_BENCH_REDIS_URL``)
choose others, e.g. for two benchmarks at once.
Three tables: messages/s fully processed (parse, account, extraction, draft written) by
N workers; per-message cost and the periodic tick with 1k/10k accounts in the database;
per-message cost as one account grows. Not for: intake (bench_intake.py).
"""

from __future__ import annotations

import argparse
import asyncio
import email
import email.policy
import os
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import (
    COMPANY,
    INBOX,
    PG_SERVER,
    as_account,
    bench_settings,
    demo_messages,
    median,
    print_table,
    reset_database,
    reset_redis,
)
from sqlalchemy import func, insert
from sqlmodel import select

from agent import jobs
from agent.app import open_app
from agent.context import App
from db import repo
from db.models import Account, Inbound
from db.session import session_scope
from mailflows.inbound.authorship import Arrival
from mailflows.inbound.intake import raw_mail
from mailflows.inbound.sender_auth import operator_verdict

# Options or environment choose the database and Redis db, so two benchmarks can run at once.
DATABASE_URL = os.environ.get("HANDOFF_BENCH_DATABASE_URL", f"{PG_SERVER}/handoff_bench")
REDIS_URL = os.environ.get("HANDOFF_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
HANDOFF = Path(sys.executable).with_name("handoff")


def store(app: App, raw: bytes) -> int:
    """Store one message as the intake does, committed, from the rep it names (the author is not measured)."""
    mail = raw_mail(raw, Arrival("smtp", mail_from=f"rep@{COMPANY}"), [INBOX], operator_verdict(raw))
    return repo.insert_inbound_batch(app.engine, [mail])[0][0]


def worker_env(workdir: Path, database_url: str, redis_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HANDOFF_", "ANTHROPIC_"))}
    env.update(
        HANDOFF_DATABASE_URL=database_url,
        HANDOFF_REDIS_URL=redis_url,
        HANDOFF_INBOX_ADDRESS=INBOX,
        HANDOFF_COMPANY_DOMAINS=COMPANY,
        HANDOFF_OUTBOX_DIR=str(workdir / "outbox"),
        HANDOFF_DEBOUNCE_S="0",
        HANDOFF_EXTRACTOR="offline",
        HANDOFF_AUTO_REPLIES_PER_SENDER_PER_DAY=str(10**6),
    )
    return env


def forwards(count: int, first: int = 0) -> list[bytes]:
    """``count`` plain forwards, each for its own account and rep."""
    plain = [demo_messages()[i] for i in (0, 1, 3, 5, 6, 7)]
    return [as_account(plain[n % len(plain)], n, rep=f"rep{n}@{COMPANY}") for n in range(first, first + count)]


def done_count(app: App) -> int:
    with session_scope(app.engine) as session:
        return int(
            session.exec(
                select(func.count()).select_from(Inbound).where(Inbound.status.in_(("done", "ignored")))  # type: ignore[attr-defined]
            ).one()
        )


async def throughput(workers: int, messages: int, database_url: str, redis_url: str) -> float:
    reset_database(database_url)
    await reset_redis(redis_url)
    with tempfile.TemporaryDirectory(prefix="handoff-bench-") as tmp:
        settings = bench_settings(Path(tmp), database_url=database_url, redis_url=redis_url)
        app = await open_app(settings)  # migrates, and queues on Redis
        env = worker_env(Path(tmp), database_url, redis_url)
        procs = [
            subprocess.Popen([str(HANDOFF), "worker"], env=env, cwd=tmp, stderr=subprocess.DEVNULL)
            for _ in range(workers)
        ]
        try:
            await asyncio.sleep(3.0)  # workers connected and idle
            payloads = forwards(messages)
            started = time.perf_counter()
            for raw in payloads:
                inbound_id = await asyncio.to_thread(store, app, raw)
                await app.enqueue("process_inbound", inbound_id, job_id=f"inbound:{inbound_id}")
            while done_count(app) < messages:
                if time.perf_counter() - started > 600:
                    raise RuntimeError(f"only {done_count(app)} of {messages} processed in 600 s")
                await asyncio.sleep(0.05)
            elapsed = time.perf_counter() - started
        finally:
            for p in procs:
                p.terminate()
            for p in procs:
                p.wait(timeout=60)
            await app.close()
    return messages / elapsed


def add_accounts(app: App, count: int) -> None:
    """``count`` accounts with a small document, inserted in bulk (the load, not the subject)."""
    now = datetime.now(UTC)
    rows = [
        {
            "domain": f"filler{n}.example",
            "name": f"Filler {n}",
            "status": "draft_sent",
            "rep_email": f"rep{n % 50}@{COMPANY}",
            "token": secrets.token_hex(16),
            "token_expires_at": now + timedelta(days=30),
            "document": {"schema": "handoff-document/v1", "account": {"name": f"Filler {n}"}},
            "revision": 0,
            "drafts_sent": 1,
            "invite_sequence": 0,
            "references": [],
            "notes": [],
            "questions": [],
            "unread": [],
            "extractor_usage": {},
            "created_at": now,
            "updated_at": now,
        }
        for n in range(count)
    ]
    with app.engine.begin() as conn:
        for i in range(0, len(rows), 2000):
            conn.execute(insert(Account), rows[i : i + 2000])


async def process_all(app: App, payloads: list[bytes]) -> list[float]:
    """Store and process each message inline, one after the other; seconds per message."""
    ctx = {"app": app, "job_try": 1}
    times = []
    for raw in payloads:
        started = time.perf_counter()
        inbound_id = await asyncio.to_thread(store, app, raw)
        await jobs.process_inbound(ctx, inbound_id)
        await app.queue.drain()  # type: ignore[union-attr]
        times.append(time.perf_counter() - started)
    return times


async def with_accounts(accounts: int, database_url: str, sample: int) -> tuple[float, float]:
    reset_database(database_url)
    with tempfile.TemporaryDirectory(prefix="handoff-bench-") as tmp:
        app = await open_app(bench_settings(Path(tmp), database_url=database_url), inline=True)
        try:
            add_accounts(app, accounts)
            per_message = await process_all(app, forwards(sample, first=10**6))
            started = time.perf_counter()
            await jobs.tick({"app": app, "job_try": 1})
            tick_s = time.perf_counter() - started
        finally:
            await app.close()
    return median(per_message) * 1000, tick_s * 1000


def one_account(count: int) -> list[bytes]:
    """``count`` distinct forwards about the same account (own Message-ID and a line of their own)."""
    base = demo_messages()[0]
    out = []
    for n in range(count):
        msg = email.message_from_bytes(base, policy=email.policy.default)
        msg.replace_header("Message-ID", f"<grow-{n}@northwind.example>")
        msg.replace_header("Subject", f"Fwd: update {n} from the customer")
        body = msg.get_body(preferencelist=("plain",))
        if body is not None:
            body.set_content(f"Update {n}: the customer asked about store {n} of 38.\n\n" + body.get_content())
        out.append(msg.as_bytes())
    return out


async def growing(sizes: list[int], database_url: str, side_by_side: int) -> list[list[object]]:
    """Per-message cost as one account grows; then ``side_by_side`` messages to the grown account and
    as many to a 10-message one, taken in turns, so the two costs meet the same load of the machine."""
    rows: list[list[object]] = []
    reset_database(database_url)
    with tempfile.TemporaryDirectory(prefix="handoff-bench-") as tmp:
        app = await open_app(bench_settings(Path(tmp), database_url=database_url), inline=True)
        try:
            payloads = one_account(max(sizes) + side_by_side)
            done = 0
            for size in sorted(sizes):
                times = await process_all(app, payloads[done:size])
                done = size
                rows.append([size, median(times[-10:]) * 1000, max(times[-10:]) * 1000])
            if side_by_side:
                small = [as_account(raw, 10**7) for raw in one_account(10 + side_by_side)]
                await process_all(app, small[:10])
                grown, fresh = [], []
                for n in range(side_by_side):
                    grown += await process_all(app, payloads[done + n : done + n + 1])
                    fresh += await process_all(app, small[10 + n : 11 + n])
                rows.append(
                    [
                        f"{done} and 10, in turns",
                        median(grown) * 1000,
                        f"{median(fresh) * 1000:,.1f} (ratio {median(grown) / median(fresh):.2f})",
                    ]
                )
        finally:
            await app.close()
    return rows


def sizes_of(option: str) -> list[int]:
    """``"1,2,4"`` as numbers; an empty option skips its table."""
    return [int(x) for x in option.split(",") if x.strip()]


async def run(args: argparse.Namespace) -> None:
    if sizes_of(args.workers):
        await throughput_table(args)
    if sizes_of(args.accounts):
        await accounts_table(args)
    if sizes_of(args.per_account):
        print_table(
            "Cost as one account grows (PostgreSQL, inline): the last 10 messages at each size",
            ["messages in account", "median ms per message", "max ms (in turns: the 10-message account's median)"],
            await growing(sizes_of(args.per_account), args.database_url, args.side_by_side),
        )


async def throughput_table(args: argparse.Namespace) -> None:
    rows = []
    base = None
    for w in sizes_of(args.workers):
        rate = await throughput(w, args.messages, args.database_url, args.redis_url)
        base = base or rate
        rows.append([w, rate, rate / base])
    print_table(
        f"Fully processed messages/s (each its own account), PostgreSQL + Redis, {args.messages} messages, "
        f"{os.cpu_count()} CPU cores shared by workers, database and Redis",
        ["workers", "messages/s", "speed-up"],
        rows,
    )


async def accounts_table(args: argparse.Namespace) -> None:
    rows = []
    for accounts in sizes_of(args.accounts):
        ms, tick_ms = await with_accounts(accounts, args.database_url, args.sample)
        rows.append([accounts, ms, tick_ms])
    print_table(
        f"Cost with many accounts in the database (PostgreSQL, inline, median of {args.sample} new forwards)",
        ["accounts in DB", "ms per message", "periodic tick ms"],
        rows,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--messages", type=int, default=200, help="messages per throughput run")
    parser.add_argument("--accounts", default="1000", help="e.g. 1000,10000")
    parser.add_argument("--sample", type=int, default=20, help="forwards timed per accounts size")
    parser.add_argument("--per-account", default="10,100", help="e.g. 10,100,1000")
    parser.add_argument(
        "--side-by-side", type=int, default=20, help="messages to the grown and a 10-message account, in turns"
    )
    parser.add_argument("--database-url", default=DATABASE_URL)
    parser.add_argument("--redis-url", default=REDIS_URL)
    args = parser.parse_args(argv)
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
