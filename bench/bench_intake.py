"""Intake benchmark: durable messages/s through the SMTP intake vs a bare aiosmtpd that only says 250.

Run: ``.venv/bin/python bench/bench_intake.py [--clients 1,8,32] [--messages 2000] [--database-url URL]``.
Each server runs in its own process (so the clients' threads do not share its GIL) on
loopback: ``bare`` answers 250 to DATA and keeps nothing; ``intake`` is handoff's
``IntakeHandler``, which answers 250 only after the message is committed to the database
(SQLite in a temp dir by default, WAL). The intake's queue is a no-op here — as when arq
workers in other processes do the processing — so the figure is the intake's own cost.
Every message has its own Message-ID (otherwise the dedupe makes it free). The ratio
intake/bare is the figure to watch (goal >= 0.5). Not for: processing throughput
(bench_scale.py) or latency (bench_latency.py).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

from common import REP, bench_settings, blast, demo_messages, free_port, print_table


class BareHandler:
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return "250 OK"


class NullQueue:
    """Stored is what the intake promises; processing is someone else's job in this benchmark."""

    shared = False

    async def enqueue(self, job: str, *args: Any, defer_s: float = 0.0, job_id: str | None = None) -> None:
        return None

    async def drain(self) -> None:
        return None

    async def close(self) -> None:
        return None


async def serve(kind: str, port: int, workdir: Path, database_url: str | None) -> None:
    from aiosmtpd.smtp import SMTP

    loop = asyncio.get_running_loop()
    app = None
    if kind == "bare":
        server = await loop.create_server(partial(SMTP, BareHandler()), host="127.0.0.1", port=port)
    else:
        from agent.app import open_app
        from mailflows.inbound.intake import Intake
        from mailflows.inbound.sender_auth import SenderAuthenticator
        from mailflows.inbound.smtp_intake import start_smtp

        overrides = {"database_url": database_url} if database_url else {}
        app = await open_app(bench_settings(workdir, **overrides), inline=True)
        app.queue = NullQueue()
        intake = Intake(app.settings, app.engine, app.queue, SenderAuthenticator(app.settings))
        server = await start_smtp(intake, host="127.0.0.1", port=port)
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    print("ready", flush=True)
    await stop.wait()
    server.close()
    await server.wait_closed()
    if app is not None:
        await app.close()


def message(n: int, template: bytes) -> bytes:
    head, sep, body = template.partition(b"\n\n")
    lines = [ln for ln in head.split(b"\n") if not ln.lower().startswith(b"message-id:")]
    lines.append(f"Message-ID: <bench-intake-{n}-{os.getpid()}-{time.time_ns()}@northwind.example>".encode())
    return (b"\n".join(lines) + sep + body).replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def blast_copies(port: int, clients: int, total: int, template: bytes) -> tuple[float, int]:
    """``clients`` connections, ``total`` messages in all (each its own Message-ID); returns (seconds, sent)."""
    per_client = total // clients
    payloads = [[(REP, message(c * per_client + i, template)) for i in range(per_client)] for c in range(clients)]
    seconds, sent, _ = blast(port, payloads)
    return seconds, sent


def start_server(kind: str, workdir: Path, database_url: str | None) -> tuple[subprocess.Popen[str], int]:
    port = free_port()
    cmd = [sys.executable, __file__, "--serve", kind, "--port", str(port), "--workdir", str(workdir)]
    if database_url:
        cmd += ["--database-url", database_url]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    if proc.stdout.readline().strip() != "ready":
        raise RuntimeError(f"the {kind} server did not start")
    return proc, port


def stored_count(workdir: Path, database_url: str | None) -> int:
    from sqlalchemy import func
    from sqlmodel import select

    from db.models import Inbound
    from db.session import make_engine, session_scope

    engine = make_engine(database_url or f"sqlite:///{workdir / 'handoff.db'}")
    with session_scope(engine) as session:
        count = session.exec(select(func.count()).select_from(Inbound)).one()
    engine.dispose()
    return int(count)


def run(client_counts: list[int], total: int, database_url: str | None) -> None:
    template = demo_messages()[0]
    rows = []
    for clients in client_counts:
        rates = {}
        for kind in ("bare", "intake"):
            with tempfile.TemporaryDirectory(prefix="handoff-bench-") as tmp:
                if database_url:
                    from tests.conftest import reset_postgres

                    reset_postgres(database_url)
                proc, port = start_server(kind, Path(tmp), database_url)
                try:
                    blast_copies(port, clients, min(total, 50 * clients), template)  # warm-up
                    seconds, sent = blast_copies(port, clients, total, template)
                finally:
                    proc.send_signal(signal.SIGTERM)
                    proc.wait(timeout=30)
                if kind == "intake":
                    stored = stored_count(Path(tmp), database_url)
                    if stored < sent:
                        raise AssertionError(f"only {stored} of {sent} acknowledged messages are stored")
                rates[kind] = sent / seconds
        rows.append([clients, rates["bare"], rates["intake"], rates["intake"] / rates["bare"]])
    backend = "PostgreSQL" if database_url else "SQLite (WAL)"
    print_table(
        f"SMTP intake on loopback, {total} messages of {len(template):,} bytes per run, {backend}",
        ["clients", "bare aiosmtpd msg/s", "handoff intake msg/s (durable)", "ratio (goal >= 0.5)"],
        rows,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="1,8,32", help="comma-separated concurrent client counts")
    parser.add_argument("--messages", type=int, default=2000, help="messages per run")
    parser.add_argument("--database-url", default=None, help="e.g. the PostgreSQL of tests/conftest.py")
    parser.add_argument("--serve", choices=["bare", "intake"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        asyncio.run(serve(args.serve, args.port, args.workdir, args.database_url))
        return
    run([int(c) for c in args.clients.split(",")], args.messages, args.database_url)


if __name__ == "__main__":
    main()
