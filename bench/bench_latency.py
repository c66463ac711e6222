"""Latency benchmark: from DATA accepted (the client's 250) to the rep's draft in the outbox folder.

Run: ``.venv/bin/python bench/bench_latency.py [--reps 20] [--rounds 5]``. Starts
``handoff serve`` (SQLite, inline jobs, offline extractor, debounce 0) in a subprocess;
in each round ``--reps`` reps, each for a distinct customer account, forward a message
at the same moment. The draft's time is the UTC stamp the outbox writer puts in the file
name when it writes it. Goal: p50 <= 300 ms, p99 <= 1 s. Not for: intake throughput.
"""

from __future__ import annotations

import argparse
import os
import signal
import smtplib
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from common import COMPANY, INBOX, as_account, demo_messages, free_port, percentile, print_table

HANDOFF = Path(sys.executable).with_name("handoff")


def start_serve(workdir: Path, cpu_processes: int | None = None) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HANDOFF_", "ANTHROPIC_"))}
    env.update(
        HANDOFF_DATABASE_URL=f"sqlite:///{workdir / 'handoff.db'}",
        HANDOFF_INBOX_ADDRESS=INBOX,
        HANDOFF_COMPANY_DOMAINS=COMPANY,
        HANDOFF_OUTBOX_DIR=str(workdir / "outbox"),
        HANDOFF_SMTP_PORT=str(port),
        HANDOFF_DEBOUNCE_S="0",
        HANDOFF_EXTRACTOR="offline",
    )
    if cpu_processes is not None:
        env["HANDOFF_CPU_PROCESSES"] = str(cpu_processes)
    proc = subprocess.Popen([str(HANDOFF), "serve"], env=env, cwd=workdir, stderr=subprocess.DEVNULL)
    until = time.monotonic() + 30
    while time.monotonic() < until:
        try:
            smtplib.SMTP("127.0.0.1", port, timeout=1).quit()
            return proc, port
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("handoff serve did not start within 30 s")


def drafts_by_rep(outbox: Path) -> dict[str, float]:
    """rep address -> when their first draft was written (epoch seconds, from the file name)."""
    import email
    import email.policy

    found: dict[str, float] = {}
    if not outbox.exists():
        return found
    for path in sorted(outbox.glob("*.eml")):
        stamp = datetime.strptime(path.name.split("-", 1)[0], "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        to = str(msg["To"]).lower()
        rep = to[to.find("<") + 1 : to.rfind(">")] if "<" in to else to
        found.setdefault(rep, stamp.timestamp())
    return found


def _proc_stats() -> dict[int, tuple[int, float]]:
    """pid -> (parent pid, CPU seconds used), for every process (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    out: dict[int, tuple[int, float]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[int(stat.parent.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    return out


def cpu_of(pid: int) -> tuple[float, float]:
    """CPU seconds of ``pid`` itself and of all its descendants (the parser pool)."""
    stats = _proc_stats()
    family, frontier = set(), {pid}
    while frontier:
        family |= frontier
        frontier = {p for p, (parent, _) in stats.items() if parent in frontier} - family
    own = stats.get(pid, (0, 0.0))[1]
    return own, sum(stats[p][1] for p in family - {pid} if p in stats)


def one_round(port: int, outbox: Path, template: bytes, first: int, reps: int) -> list[float]:
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
        drafts = drafts_by_rep(outbox)
        if all(a in drafts for a in accepted):
            return [drafts[a] - accepted[a] for a in accepted]
        time.sleep(0.05)
    raise RuntimeError(f"only {len(drafts)} of {reps} drafts within 60 s")


def run(reps: int, rounds: int, cpu_processes: int | None) -> None:
    template = demo_messages()[0]
    with tempfile.TemporaryDirectory(prefix="handoff-bench-") as tmp:
        proc, port = start_serve(Path(tmp), cpu_processes)
        try:
            one_round(port, Path(tmp) / "outbox", template, 10_000, 2)  # warm-up: lazy imports, first parse
            samples: list[float] = []
            serve_before, pool_before = cpu_of(proc.pid)
            for r in range(rounds):
                samples += one_round(port, Path(tmp) / "outbox", template, r * reps, reps)
            serve_after, pool_after = cpu_of(proc.pid)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
    ms = [s * 1000 for s in samples]
    per_message = 1000 / len(samples)
    print_table(
        f"DATA accepted -> draft in the outbox, {reps} concurrent reps x {rounds} rounds, offline, debounce 0, "
        f"{os.cpu_count()} cores (CPU ms per message: the serving process / its parser pool)",
        ["samples", "p50 ms", "p90 ms", "p99 ms", "max ms", "serve CPU ms", "pool CPU ms", "goal"],
        [
            [
                len(ms),
                percentile(ms, 50),
                percentile(ms, 90),
                percentile(ms, 99),
                max(ms),
                (serve_after - serve_before) * per_message,
                (pool_after - pool_before) * per_message,
                "p50 <= 300, p99 <= 1000",
            ]
        ],  # fmt: skip
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cpu-processes", type=int, default=None, help="HANDOFF_CPU_PROCESSES (default: its default)")
    args = parser.parse_args(argv)
    run(args.reps, args.rounds, args.cpu_processes)


if __name__ == "__main__":
    main()
