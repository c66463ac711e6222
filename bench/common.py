"""Shared pieces of the benchmarks: temp settings, the demo deal's messages, timing and tables.

What it is for: every ``bench_*.py`` builds its service the same way (a temp dir for
the database and the outbox, offline extractor, debounce 0) and prints its figures
as one table. Not for: asserting anything — benchmarks print, tests assert.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import os
import smtplib
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as `python bench/bench_x.py` from anywhere
    sys.path.insert(0, str(ROOT))

from agent.settings import Settings, load_settings  # noqa: E402

INBOX = "handoff@northwind.example"
COMPANY = "northwind.example"
REP = "sam.okafor@northwind.example"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/15"
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
HANDOFF = Path(sys.executable).with_name("handoff")


def bench_settings(workdir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": f"sqlite:///{workdir / 'handoff.db'}",
        "inbox_address": INBOX,
        "company_domains": COMPANY,
        "outbox_dir": workdir / "outbox",
        "debounce_s": 0,
        "extractor": "offline",
        "smtp_port": 0,
        "auto_replies_per_sender_per_day": 10**6,  # every message pays for its draft: the cap is not measured
    }
    values.update(overrides)
    return load_settings(**values)


def demo_messages() -> list[bytes]:
    from agent.demo_deal import demo_files

    return [p.read_bytes() for p in demo_files()]


def as_account(raw: bytes, n: int, *, rep: str = REP) -> bytes:
    """The same forward made into account ``n``: a distinct customer name, domain, Message-ID and rep.

    Only text that is not base64 is rewritten, so use it on the demo's plain forwards (not the
    transcript or CSV ones); that is enough for the message to resolve to its own account
    (``customer{n}.example``) and for the Message-ID dedupe to see a new message.
    """
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    for header in ("Message-ID",):
        if msg[header]:
            msg.replace_header(header, f"<bench-{n}-{str(msg[header]).strip('<>')}>")
    data = msg.as_bytes()
    for name, new in (
        (b"Alder & Finch", f"Cust{n} & Co"),
        (b"Alder &amp; Finch", f"Cust{n} &amp; Co"),
        (b"alderfinch", f"customer{n}"),
        (REP.encode(), rep),
    ):
        data = data.replace(name, new.encode())
    return data


def reset_database(url: str) -> None:
    """An empty PostgreSQL database ``url`` (created if missing): the benchmarks never share test data."""
    from sqlalchemy import create_engine, text

    server, name = url.rsplit("/", 1)
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    with admin.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


async def reset_redis(url: str) -> None:
    """Empty the Redis database of ``url`` (the benchmarks use their own db numbers)."""
    from redis.asyncio import Redis

    client = Redis.from_url(url)
    await client.flushdb()
    await client.aclose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_serve(workdir: Path, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    """``handoff serve`` with ``env`` on a free port, once it answers SMTP."""
    port = free_port()
    proc = subprocess.Popen(
        [str(HANDOFF), "serve"], env={**env, "HANDOFF_SMTP_PORT": str(port)}, cwd=workdir, stderr=subprocess.DEVNULL
    )
    until = time.monotonic() + 120  # a loaded machine takes a while to load the models and migrate
    while time.monotonic() < until:
        try:
            smtplib.SMTP("127.0.0.1", port, timeout=1).quit()
            return proc, port
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("handoff serve did not start within 120 s")


Envelope = tuple[str, bytes]  # (MAIL FROM, the message with CRLF line ends)


def blast(
    port: int, per_client: Sequence[Sequence[Envelope]], inbox: str = INBOX
) -> tuple[float, int, list[list[float]]]:
    """One thread and connection per client, all starting at once; (seconds, sent, each client's 250 times).

    The clock runs from the start until the last 250; the times are ``time.time()``.
    """
    sent = [0] * len(per_client)
    acked: list[list[float]] = [[] for _ in per_client]
    barrier = threading.Barrier(len(per_client) + 1)

    def client(c: int) -> None:
        with smtplib.SMTP("127.0.0.1", port, timeout=120) as smtp:
            barrier.wait()
            for sender, data in per_client[c]:
                smtp.sendmail(sender, [inbox], data)
                acked[c].append(time.time())
                sent[c] += 1

    threads = [threading.Thread(target=client, args=(c,)) for c in range(len(per_client))]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    return time.perf_counter() - started, sum(sent), acked


class Outbox:
    """Who got a draft when: each new file of the outbox folder is read once."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.seen: set[str] = set()
        self.first_draft: dict[str, float] = {}  # rep address -> epoch seconds (from the file name)

    def drafts(self) -> dict[str, float]:
        if not self.folder.exists():
            return self.first_draft
        for path in sorted(self.folder.glob("*.eml")):
            if path.name in self.seen:
                continue
            self.seen.add(path.name)
            stamp = datetime.strptime(path.name.split("-", 1)[0], "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
            msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            to = str(msg["To"]).lower()
            rep = to[to.find("<") + 1 : to.rfind(">")] if "<" in to else to
            self.first_draft.setdefault(rep, stamp.timestamp())
        return self.first_draft


def proc_stats() -> dict[int, tuple[int, str, float]]:
    """pid -> (parent pid, command name, CPU seconds used), for every process (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    out: dict[int, tuple[int, str, float]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name = text[text.find("(") + 1 : text.rfind(")")]
        fields = text.rsplit(")", 1)[1].split()
        out[int(stat.parent.name)] = (int(fields[1]), name, (int(fields[11]) + int(fields[12])) / tick)
    return out


def cpu_of(pid: int) -> tuple[float, float]:
    """CPU seconds of ``pid`` itself and of all its descendants (the parser pool)."""
    stats = proc_stats()
    family, frontier = set(), {pid}
    while frontier:
        family |= frontier
        frontier = {p for p, (parent, _, _) in stats.items() if parent in frontier} - family
    own = stats.get(pid, (0, "", 0.0))[2]
    return own, sum(stats[p][2] for p in family - {pid} if p in stats)


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def print_table(title: str, header: Sequence[str], rows: Sequence[Sequence[Any]], note: str = "") -> None:
    cells = [[_fmt(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(header)]
    print(f"\n## {title}")
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in cells:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
    if note:
        print(note)
    sys.stdout.flush()


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 100 else f"{value:.3g}"
    return str(value)
