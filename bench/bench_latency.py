"""Latency benchmark: from DATA accepted (the client's 250) to the rep's draft in the outbox folder.

Run: ``.venv/bin/python bench/bench_latency.py [--reps 20] [--rounds 5] [--workers 0,2]``.
Starts ``handoff serve`` (offline extractor, debounce 0) in a subprocess: with 0 workers
the embedded mode (SQLite, inline jobs, the parser pool), with N the scaled one
(PostgreSQL + Redis, serve as the intake and N ``handoff worker`` processes; the
database ``handoff_bench_latency`` and Redis db 13 are emptied first; ``BENCH_DATABASE_URL`` and
``BENCH_REDIS_URL`` name others). In each round
``--reps`` reps, each for a distinct customer account, forward a message at the same
moment. The draft's time is the UTC stamp the outbox writer puts in the file name when
it writes it. Goal: p50 <= 300 ms, p99 <= 1 s. Not for: intake throughput.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import smtplib
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from common import (
    COMPANY,
    HANDOFF,
    INBOX,
    PG_SERVER,
    Outbox,
    as_account,
    cpu_of,
    demo_messages,
    percentile,
    print_table,
    reset_database,
    reset_redis,
    start_serve,
)

SCALED_DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", f"{PG_SERVER}/handoff_bench_latency")
SCALED_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")


def service_env(workdir: Path, workers: int, cpu_processes: int | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HANDOFF_", "ANTHROPIC_"))}
    env.update(
        HANDOFF_DATABASE_URL=f"sqlite:///{workdir / 'handoff.db'}",
        HANDOFF_INBOX_ADDRESS=INBOX,
        HANDOFF_COMPANY_DOMAINS=COMPANY,
        HANDOFF_OUTBOX_DIR=str(workdir / "outbox"),
        HANDOFF_DEBOUNCE_S="0",
        HANDOFF_EXTRACTOR="offline",
    )
    if workers:
        env.update(HANDOFF_DATABASE_URL=SCALED_DATABASE_URL, HANDOFF_REDIS_URL=SCALED_REDIS_URL)
    if cpu_processes is not None:
        env["HANDOFF_CPU_PROCESSES"] = str(cpu_processes)
    return env


def one_round(port: int, outbox: Outbox, template: bytes, first: int, reps: int) -> list[float]:
    accepted: dict[str, float] = {}
    barrier = threading.Barrier(reps)

    def rep(n: int) -> None:
        address = f"rep{n}@{COMPANY}"
        data = as_account(template, n, rep=address).replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
            barrier.wait()
            smtp.sendmail(address, [INBOX], data)
            accepted[address] = time.time()

    threads = [threading.Thread(target=rep, args=(first + i,)) for i in range(reps)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    until = time.monotonic() + 60
    while time.monotonic() < until:
        drafts = outbox.drafts()
        if all(a in drafts for a in accepted):
            return [drafts[a] - accepted[a] for a in accepted]
        time.sleep(0.05)
    raise RuntimeError(f"only {len(drafts)} of {reps} drafts within 60 s")


def run(reps: int, rounds: int, workers: int, cpu_processes: int | None) -> list[object]:
    template = demo_messages()[0]
    with tempfile.TemporaryDirectory(prefix="handoff-bench-") as tmp:
        env = service_env(Path(tmp), workers, cpu_processes)
        if workers:
            reset_database(SCALED_DATABASE_URL)
            asyncio.run(reset_redis(SCALED_REDIS_URL))
        proc, port = start_serve(Path(tmp), env)
        helpers = [
            subprocess.Popen([str(HANDOFF), "worker"], env=env, cwd=tmp, stderr=subprocess.DEVNULL)
            for _ in range(workers)
        ]
        outbox = Outbox(Path(tmp) / "outbox")
        try:
            time.sleep(3.0 if workers else 0.0)  # workers connected and idle
            one_round(port, outbox, template, 10_000, 2)  # warm-up: lazy imports, first parse
            samples: list[float] = []
            before = [cpu_of(p.pid) for p in (proc, *helpers)]
            for r in range(rounds):
                samples += one_round(port, outbox, template, r * reps, reps)
            after = [cpu_of(p.pid) for p in (proc, *helpers)]
        finally:
            for p in (proc, *helpers):
                p.send_signal(signal.SIGTERM)
            for p in (proc, *helpers):
                p.wait(timeout=30)
    ms = [s * 1000 for s in samples]
    per_message = 1000 / len(samples)
    serve_ms = (after[0][0] - before[0][0]) * per_message
    pool_ms = (after[0][1] - before[0][1]) * per_message
    workers_ms = sum(a[0] + a[1] - b[0] - b[1] for a, b in zip(after[1:], before[1:], strict=True)) * per_message
    mode = f"PostgreSQL + Redis, serve + {workers} worker(s)" if workers else "embedded (SQLite, inline jobs)"
    return [
        mode, len(ms), percentile(ms, 50), percentile(ms, 90), percentile(ms, 99), max(ms),
        serve_ms, pool_ms if not workers else workers_ms,
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", default="0,2", help="0: embedded mode; N: PostgreSQL + Redis with N workers")
    parser.add_argument("--cpu-processes", type=int, default=None, help="HANDOFF_CPU_PROCESSES (default: its default)")
    args = parser.parse_args(argv)
    rows = [run(args.reps, args.rounds, int(w), args.cpu_processes) for w in args.workers.split(",")]
    print_table(
        f"DATA accepted -> draft in the outbox, {args.reps} concurrent reps x {args.rounds} rounds, offline, "
        f"debounce 0, {os.cpu_count()} cores; CPU ms per message of the serving process and of the rest "
        "(its parser pool, or the workers). Goal: p50 <= 300, p99 <= 1000",
        ["mode", "samples", "p50 ms", "p90 ms", "p99 ms", "max ms", "serve CPU ms", "pool/workers CPU ms"],
        rows,
    )


if __name__ == "__main__":
    main()
