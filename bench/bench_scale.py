"""Scale benchmark: throughput and draft latency with 1, 2, 4 ``handoff worker`` processes, and cost as data grows.

Run: ``.venv/bin/python bench/bench_scale.py [--workers 1,2,4] [--messages 200] [--runs 1]
[--accounts 1000] [--per-account 10,100] [--tables throughput,accounts,growth]`` (add
``--accounts 1000,10000`` and ``--per-account 10,100,1000`` for the full figures). Needs
the PostgreSQL of tests/conftest.py and ``redis-server``: the database is ``--database-url``
(or ``BENCH_DATABASE_URL``; default ``handoff_bench``, emptied first) and the throughput
runs start a Redis of their own on a free port (db 0), so its CPU is this benchmark's
alone; ``--redis-url`` (or ``BENCH_REDIS_URL``) uses a running one instead (its CPU
then includes everyone else's). Three tables:

- throughput: ``handoff serve`` (the SMTP intake, jobs on Redis) and N workers; 8 SMTP
  clients send ``--messages`` forwards at once (each its own account and rep). msg/s is
  messages / (first DATA → last draft written); draft latency is DATA accepted (the
  client's 250) → that rep's draft in the outbox, under that burst and then at half the
  measured rate (``--paced`` messages, evenly spaced); CPU seconds per message of each
  resource during the burst: the workers (with their children), the serving process,
  the PostgreSQL backends of this database, redis-server. From these the README
  extrapolates to more cores.
- per-message cost and the periodic tick with 1k/10k accounts in the database;
- per-message cost as one account grows.

Not for: the embedded mode's intake (bench_serve.py, bench_intake.py).
"""

from __future__ import annotations

import argparse
import asyncio
import email
import email.policy
import os
import secrets
import signal
import subprocess
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import (
    COMPANY,
    HANDOFF,
    INBOX,
    PG_SERVER,
    Envelope,
    Outbox,
    as_account,
    bench_settings,
    blast,
    cpu_of,
    demo_messages,
    free_port,
    median,
    percentile,
    print_table,
    proc_stats,
    reset_database,
    reset_redis,
    start_serve,
)
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy import create_engine, func, insert, text
from sqlmodel import select

from agent import jobs
from agent.app import open_app
from agent.context import App
from db.models import Account, Inbound
from db.session import session_scope
from mailflows.inbound.intake import store_file

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", f"{PG_SERVER}/handoff_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "")  # empty: a redis-server of its own
CLIENTS = 8


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


def envelopes(count: int, first: int) -> list[Envelope]:
    """The forwards as SMTP sends them: from their rep, CRLF line ends."""
    return [
        (f"rep{n}@{COMPANY}", raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
        for n, raw in enumerate(forwards(count, first), start=first)
    ]


def done_count(app: App) -> int:
    with session_scope(app.engine) as session:
        return int(
            session.exec(
                select(func.count()).select_from(Inbound).where(Inbound.status.in_(("done", "ignored")))  # type: ignore[attr-defined]
            ).one()
        )


class Resources:
    """CPU seconds used so far by each resource the scaled mode runs on (Linux /proc)."""

    def __init__(self, serve: int, workers: list[int], redis: int | None, database_url: str) -> None:
        self.serve, self.workers, self.redis = serve, workers, redis
        self.database = database_url.rsplit("/", 1)[1]
        self.admin = create_engine(f"{database_url.rsplit('/', 1)[0]}/postgres")
        self.backends: set[int] = set()

    def _backends(self) -> set[int]:
        with self.admin.connect() as conn:
            rows = conn.execute(
                text("SELECT pid FROM pg_stat_activity WHERE datname = :d AND application_name <> 'bench'"),
                {"d": self.database},
            )
            return {int(r[0]) for r in rows}

    def sample(self) -> dict[str, float]:
        self.backends |= self._backends()  # a backend keeps its CPU count until it exits: pools keep them open
        stats = proc_stats()
        return {
            "workers": sum(sum(cpu_of(pid)) for pid in self.workers),
            "serve": sum(cpu_of(self.serve)),
            "postgres": sum(stats[p][2] for p in self.backends if p in stats),
            "redis": stats[self.redis][2] if self.redis in stats else float("nan"),
        }

    def close(self) -> None:
        self.admin.dispose()


def private_redis() -> tuple[subprocess.Popen[bytes], str]:
    """A redis-server of this benchmark's own (no persistence), and its URL (db 0)."""
    port = free_port()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    until = time.monotonic() + 30
    while time.monotonic() < until:
        try:
            asyncio.run(reset_redis(url))
            return proc, url
        except (OSError, RedisConnectionError):
            time.sleep(0.1)
    proc.kill()
    proc.wait()
    raise RuntimeError("redis-server did not start")


def wait_drafts(outbox: Outbox, accepted: dict[str, float], timeout_s: float = 600) -> dict[str, float]:
    until = time.monotonic() + timeout_s
    while time.monotonic() < until:
        drafts = outbox.drafts()
        if all(rep in drafts for rep in accepted):
            return drafts
        time.sleep(0.05)
    missing = [r for r in accepted if r not in outbox.drafts()]
    raise RuntimeError(f"{len(missing)} of {len(accepted)} drafts missing after {timeout_s:.0f} s")


def paced(port: int, load: list[Envelope], rate: float) -> dict[str, float]:
    """Send ``load`` at ``rate`` messages/s (four connections take turns); rep -> time of its 250."""
    accepted: dict[str, float] = {}
    start = time.time() + 0.5

    def client(c: int) -> None:
        import smtplib

        with smtplib.SMTP("127.0.0.1", port, timeout=120) as smtp:
            for i in range(c, len(load), 4):
                time.sleep(max(0.0, start + i / rate - time.time()))
                sender, data = load[i]
                smtp.sendmail(sender, [INBOX], data)
                accepted[sender] = time.time()

    threads = [threading.Thread(target=client, args=(c,)) for c in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return accepted


def throughput(workers: int, messages: int, paced_n: int, database_url: str, redis_url: str) -> dict[str, float]:
    reset_database(database_url)
    redis_proc = None
    if not redis_url:
        redis_proc, redis_url = private_redis()
    else:
        asyncio.run(reset_redis(redis_url))
    with tempfile.TemporaryDirectory(prefix="handoff-bench-") as tmp:
        workdir = Path(tmp)
        env = worker_env(workdir, database_url, redis_url)
        serve, port = start_serve(workdir, env)  # migrates; a Redis URL: the intake only, jobs on Redis
        procs = [
            subprocess.Popen([str(HANDOFF), "worker"], env=env, cwd=tmp, stderr=subprocess.DEVNULL)
            for _ in range(workers)
        ]
        outbox = Outbox(workdir / "outbox")
        resources = Resources(serve.pid, [p.pid for p in procs], redis_proc.pid if redis_proc else None, database_url)
        try:
            time.sleep(3.0)  # workers connected and idle
            warm = envelopes(CLIENTS, 10**6)
            _, _, acks = blast(port, [[m] for m in warm])
            wait_drafts(outbox, {s: a[0] for (s, _), a in zip(warm, acks, strict=True)})
            load = envelopes(messages, 0)
            per_client = [load[c::CLIENTS] for c in range(CLIENTS)]
            before = resources.sample()
            started = time.time()
            _, _, acks = blast(port, per_client)
            accepted = {
                s: t
                for share, times in zip(per_client, acks, strict=True)
                for (s, _), t in zip(share, times, strict=True)
            }
            drafts = wait_drafts(outbox, accepted)
            after = resources.sample()
            elapsed = max(drafts[r] for r in accepted) - started
            rate = messages / elapsed
            burst = [(drafts[r] - t) * 1000 for r, t in accepted.items()]
            calm_accepted = paced(port, envelopes(paced_n, 2 * 10**6), rate / 2)
            calm_drafts = wait_drafts(outbox, calm_accepted)
            calm = [(calm_drafts[r] - t) * 1000 for r, t in calm_accepted.items()]
        finally:
            for p in (serve, *procs):
                p.send_signal(signal.SIGTERM)
            for p in (serve, *procs):
                p.wait(timeout=60)
            resources.close()
            if redis_proc is not None:
                redis_proc.terminate()
                redis_proc.wait(timeout=30)
    cpu = {k: (after[k] - before[k]) * 1000 / messages for k in before}
    return {
        "rate": rate,
        "burst_p50": percentile(burst, 50),
        "burst_p99": percentile(burst, 99),
        "calm_rate": rate / 2,
        "calm_p50": percentile(calm, 50),
        "calm_p99": percentile(calm, 99),
        **{f"cpu_{k}": v for k, v in cpu.items()},
    }


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
        inbound_id, _ = await asyncio.to_thread(store_file, app.engine, raw)
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


def throughput_table(args: argparse.Namespace) -> None:
    rows = []
    for run in range(1, args.runs + 1):
        for w in [int(x) for x in args.workers.split(",")]:
            r = throughput(w, args.messages, args.paced, args.database_url, args.redis_url)
            total = r["cpu_workers"] + r["cpu_serve"] + r["cpu_postgres"] + r["cpu_redis"]
            rows.append(
                [
                    run, w, r["rate"], r["burst_p50"], r["burst_p99"], r["calm_rate"], r["calm_p50"], r["calm_p99"],
                    r["cpu_workers"], r["cpu_serve"], r["cpu_postgres"], r["cpu_redis"], total,
                ]
            )  # fmt: skip
    load = os.getloadavg()
    print_table(
        f"PostgreSQL + Redis: `handoff serve` (intake) + N workers, {args.messages} forwards from {CLIENTS} SMTP "
        f"clients at once (each its own account), then {args.paced} at half that rate; {os.cpu_count()} cores shared "
        f"by everything, load average {load[0]:.1f} at the end. Latency: DATA accepted -> draft written. CPU: ms per "
        "message during the burst",
        [
            "run", "workers", "msg/s", "burst p50 ms", "burst p99 ms", "half-rate msg/s", "half-rate p50 ms",
            "half-rate p99 ms", "workers CPU", "intake CPU", "PostgreSQL CPU", "redis CPU", "total CPU",
        ],
        rows,
        note="Capacity of C cores if CPU is what runs out: C x 1000 / total CPU ms; redis-server and the intake "
        "are one process each: at most 1000 / their CPU ms messages/s whatever the cores.",
    )  # fmt: skip


async def run(args: argparse.Namespace) -> None:
    tables = args.tables.split(",")
    if "throughput" in tables:
        await asyncio.to_thread(throughput_table, args)
    if "accounts" in tables:
        rows = []
        for accounts in [int(x) for x in args.accounts.split(",")]:
            ms, tick_ms = await with_accounts(accounts, args.database_url, args.sample)
            rows.append([accounts, ms, tick_ms])
        print_table(
            f"Cost with many accounts in the database (PostgreSQL, inline, median of {args.sample} new forwards)",
            ["accounts in DB", "ms per message", "periodic tick ms"],
            rows,
        )
    if "growth" in tables:
        sizes = [int(x) for x in args.per_account.split(",")]
        print_table(
            "Cost as one account grows (PostgreSQL, inline): the last 10 messages at each size",
            ["messages in account", "median ms per message", "max ms (in turns: the 10-message account's median)"],
            await growing(sizes, args.database_url, args.side_by_side),
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--messages", type=int, default=200, help="messages per throughput run")
    parser.add_argument("--paced", type=int, default=60, help="messages sent at half the measured rate")
    parser.add_argument("--runs", type=int, default=1, help="throughput runs (each: every worker count)")
    parser.add_argument("--tables", default="throughput,accounts,growth")
    parser.add_argument("--accounts", default="1000", help="e.g. 1000,10000")
    parser.add_argument("--sample", type=int, default=20, help="forwards timed per accounts size")
    parser.add_argument("--per-account", default="10,100", help="e.g. 10,100,1000")
    parser.add_argument(
        "--side-by-side", type=int, default=20, help="messages to the grown and a 10-message account, in turns"
    )
    parser.add_argument("--database-url", default=DATABASE_URL)
    parser.add_argument("--redis-url", default=REDIS_URL, help="default: a redis-server of its own")
    args = parser.parse_args(argv)
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
