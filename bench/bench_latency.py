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


def start_serve(workdir: Path) -> tuple[subprocess.Popen[bytes], int]:
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


def run(reps: int, rounds: int) -> None:
    template = demo_messages()[0]
    with tempfile.TemporaryDirectory(prefix="handoff-bench-") as tmp:
        proc, port = start_serve(Path(tmp))
        try:
            one_round(port, Path(tmp) / "outbox", template, 10_000, 2)  # warm-up: lazy imports, first parse
            samples: list[float] = []
            for r in range(rounds):
                samples += one_round(port, Path(tmp) / "outbox", template, r * reps, reps)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
    ms = [s * 1000 for s in samples]
    print_table(
        f"DATA accepted -> draft in the outbox, {reps} concurrent reps x {rounds} rounds, offline, debounce 0",
        ["samples", "p50 ms", "p90 ms", "p99 ms", "max ms", "goal"],
        [[len(ms), percentile(ms, 50), percentile(ms, 90), percentile(ms, 99), max(ms), "p50 <= 300, p99 <= 1000"]],
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    run(args.reps, args.rounds)


if __name__ == "__main__":
    main()
