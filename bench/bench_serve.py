"""Intake under load: ``handoff serve`` as users run it (processing on) vs a bare aiosmtpd sink, same run.

Run: ``.venv/bin/python bench/bench_serve.py [--messages 400] [--clients 8] [--runs 3]``.
Each run starts a bare aiosmtpd sink (answers 250 to DATA, keeps nothing) and then the
real ``handoff serve`` in a subprocess with the embedded default: SQLite, inline jobs,
the CPU pool, processing on, offline extractor, debounce 0 (``--debounce``). The same
``--messages`` messages — the sample deals' forwards (../shared/corpus/deals/*/inbox),
copied so each copy is its own customer and rep, CRLF — go to each from the same
``--clients`` concurrent SMTP clients. Printed per run: acknowledged msg/s of each and
the ratio serve/bare (goal >= 0.5: accepting a message is never queued behind
processing), then how long processing took to catch up after the burst, and the check
that nothing was lost (every message stored and processed, every account with a
draft). Before the burst one copy of a deal is sent and processed, so the service is
warm (as a running one is). Not for: the intake's own cost without processing
(bench_intake.py) or draft latency (bench_latency.py).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, Envelope, blast, cpu_of, free_port, median, print_table, start_serve

from mailflows.inbound.authorship import strict_from

CORPUS = ROOT.parent / "shared" / "corpus" / "deals"
COMPANY = "lumendata.example"
INBOX = f"handoff@{COMPANY}"
WARM_COPY = 999


def copy_of(raw: bytes, gold: dict[str, object], k: int) -> Envelope:
    """Deal message ``raw`` made into copy ``k``: its own customer domain, rep and Message-ID; CRLF."""
    account = gold["account"]
    rep = gold["rep"]
    assert isinstance(account, dict) and isinstance(rep, dict)
    domain, rep_email = str(account["domain"]), str(rep["email"])
    local = rep_email.split("@", 1)[0]
    data = raw.replace(domain.encode(), f"c{k}-{domain}".encode())
    data = data.replace(rep_email.encode(), f"{local}.c{k}@{COMPANY}".encode())
    data = re.sub(rb"(?im)^(message-id:\s*<)", rf"\g<1>c{k}.".encode(), data, count=1)
    data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    sender = strict_from(data) or ""
    if not sender.endswith("@" + COMPANY):  # a customer's own mail: sent by the rep, read as not the rep's
        sender = f"{local}.c{k}@{COMPANY}"
    return sender, data


def deals(corpus: Path) -> list[tuple[dict[str, object], list[bytes]]]:
    if not corpus.is_dir():
        raise SystemExit(f"the sample deals are not at {corpus} (--corpus)")
    out = []
    for deal in sorted(p for p in corpus.iterdir() if (p / "gold.json").exists()):
        gold = json.loads((deal / "gold.json").read_text())
        out.append((gold, [p.read_bytes() for p in sorted((deal / "inbox").glob("*.eml"))]))
    return out


def corpus_messages(corpus: Path, count: int) -> list[Envelope]:
    """``count`` messages: copy 0 of every deal in order, then copy 1, ... (each copy its own account)."""
    source = deals(corpus)
    out: list[Envelope] = []
    k = 0
    while len(out) < count:
        for gold, raws in source:
            out += [copy_of(raw, gold, k) for raw in raws]
        k += 1
    return out[:count]


def warm_messages(corpus: Path) -> list[Envelope]:
    gold, raws = deals(corpus)[0]
    return [copy_of(raw, gold, WARM_COPY) for raw in raws]


def per_client(messages: list[Envelope], clients: int) -> list[list[Envelope]]:
    """Client ``c`` sends messages c, c + clients, ...: each account's messages arrive roughly in order."""
    return [messages[c::clients] for c in range(clients)]


class Store:
    """What the service has done so far, read from its SQLite file (WAL: readers never block it)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _rows(self, sql: str) -> list[tuple[object, ...]]:
        with sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30) as conn:
            return conn.execute(sql).fetchall()

    def statuses(self) -> dict[str, int]:
        return {str(s): int(str(n)) for s, n in self._rows("SELECT status, count(*) FROM inbound GROUP BY status")}

    def settled(self) -> bool:
        """No message pending, no draft waiting for its debounce, nothing left to send."""
        (pending, waiting, unsent) = self._rows(
            "SELECT (SELECT count(*) FROM inbound WHERE status = 'pending'),"
            " (SELECT count(*) FROM account WHERE draft_due_at IS NOT NULL),"
            " (SELECT count(*) FROM outbound WHERE status IN ('pending', 'sending'))"
        )[0]
        return pending == waiting == unsent == 0

    def accounts(self) -> tuple[int, int]:
        """Accounts of the burst (customer domain ``c<k>-...``, not the warm-up's), and how many had a draft."""
        rows = self._rows(f"SELECT drafts_sent FROM account WHERE domain IS NULL OR domain NOT LIKE 'c{WARM_COPY}-%'")
        return len(rows), sum(1 for (d,) in rows if int(str(d)) > 0)

    def dispositions(self) -> dict[str, int]:
        rows = self._rows("SELECT coalesce(disposition, status), count(*) FROM inbound GROUP BY 1")
        return {str(d): int(str(n)) for d, n in rows}


def service_env(workdir: Path, debounce_s: float) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HANDOFF_", "ANTHROPIC_"))}
    env.update(
        HANDOFF_DATABASE_URL=f"sqlite:///{workdir / 'handoff.db'}",
        HANDOFF_INBOX_ADDRESS=INBOX,
        HANDOFF_COMPANY_DOMAINS=COMPANY,
        HANDOFF_OUTBOX_DIR=str(workdir / "outbox"),
        HANDOFF_DEBOUNCE_S=str(debounce_s),
        HANDOFF_EXTRACTOR="offline",
        HANDOFF_AUTO_REPLIES_PER_SENDER_PER_DAY=str(10**6),  # every message pays for its draft
    )
    return env


def wait_settled(store: Store, timeout_s: float) -> float:
    """Seconds until the service has nothing left to do (raises after ``timeout_s``)."""
    started = time.monotonic()
    while not store.settled():
        if time.monotonic() - started > timeout_s:
            raise RuntimeError(f"not caught up after {timeout_s:.0f} s: {store.statuses()}")
        time.sleep(0.2)
    return time.monotonic() - started


def bare_rate(loads: list[list[Envelope]]) -> float:
    port = free_port()
    intake_bench = Path(__file__).with_name("bench_intake.py")
    with tempfile.TemporaryDirectory(prefix="handoff-bench-") as tmp:
        cmd = [sys.executable, str(intake_bench), "--serve", "bare", "--port", str(port), "--workdir", tmp]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        try:
            assert proc.stdout is not None
            if proc.stdout.readline().strip() != "ready":
                raise RuntimeError("the bare sink did not start")
            seconds, sent, _ = blast(port, loads, INBOX)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
    return sent / seconds


def serve_run(
    loads: list[list[Envelope]], warm: list[Envelope], debounce_s: float, timeout_s: float
) -> dict[str, object]:
    total = sum(len(x) for x in loads)
    with tempfile.TemporaryDirectory(prefix="handoff-bench-") as tmp:
        workdir = Path(tmp)
        proc, port = start_serve(workdir, service_env(workdir, debounce_s))
        store = Store(workdir / "handoff.db")
        try:
            blast(port, per_client(warm, len(loads)), INBOX)
            wait_settled(store, timeout_s)
            warmed = sum(store.statuses().values())
            cpu_before = cpu_of(proc.pid)
            seconds, sent, acked = blast(port, loads, INBOX)
            done_at_ack = sum(n for s, n in store.statuses().items() if s != "pending") - warmed
            catch_up_s = wait_settled(store, timeout_s)
            cpu_after = cpu_of(proc.pid)
            statuses = store.statuses()
            accounts, drafted = store.accounts()
            dispositions = store.dispositions()
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
    stored = sum(statuses.values()) - warmed
    processed = stored - statuses.get("pending", 0) - statuses.get("quarantined", 0)
    return {
        "rate": sent / seconds,
        "sent": sent,
        "stored": stored,
        "processed": processed,
        "done_during_burst": done_at_ack,
        "catch_up_s": catch_up_s,
        "burst_s": seconds,
        "accounts": accounts,
        "drafted": drafted,
        "dispositions": dispositions,
        "serve_cpu_ms": (cpu_after[0] - cpu_before[0]) * 1000 / total,
        "pool_cpu_ms": (cpu_after[1] - cpu_before[1]) * 1000 / total,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=400)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--debounce", type=float, default=0.0, help="HANDOFF_DEBOUNCE_S of the service")
    parser.add_argument(
        "--corpus", type=Path, default=CORPUS, help="the sample deals (deal/gold.json, deal/inbox/*.eml)"
    )
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds allowed for processing to catch up")
    args = parser.parse_args(argv)
    messages = corpus_messages(args.corpus, args.messages)
    warm = warm_messages(args.corpus)
    loads = per_client(messages, args.clients)
    rows, lost = [], []
    for run in range(1, args.runs + 1):
        bare = bare_rate(loads)
        served = serve_run(loads, warm, args.debounce, args.timeout)
        rate = float(str(served["rate"]))
        rows.append(
            [
                run, bare, rate, rate / bare, served["done_during_burst"], served["catch_up_s"],
                f"{served['processed']}/{served['sent']}", f"{served['drafted']}/{served['accounts']}",
                served["serve_cpu_ms"], served["pool_cpu_ms"],
            ]
        )  # fmt: skip
        if served["processed"] != served["sent"] or served["drafted"] != served["accounts"]:
            lost.append(f"run {run}: {served['dispositions']}")
        print(f"run {run}: dispositions {served['dispositions']}", flush=True)
    ratios = [float(str(r[3])) for r in rows]
    load = os.getloadavg()
    print_table(
        f"{args.messages} sample-deal messages from {args.clients} SMTP clients: bare aiosmtpd sink vs `handoff serve` "
        f"(SQLite, inline jobs, CPU pool, offline, debounce {args.debounce:g}), {os.cpu_count()} cores, "
        f"load average {load[0]:.1f} at the end",
        [
            "run", "bare msg/s", "serve msg/s", "ratio (goal >= 0.5)", "processed by last 250",
            "catch-up s after burst", "processed", "accounts drafted", "serve CPU ms/msg", "pool CPU ms/msg",
        ],
        rows,
        note=(
            f"ratio: min {min(ratios):.2f}, median {median(ratios):.2f}, max {max(ratios):.2f}. "
            + ("Nothing lost: every message stored and processed, every account drafted." if not lost else "")
            + ("LOST: " + "; ".join(lost) if lost else "")
        ),
    )  # fmt: skip
    if lost:
        sys.exit(1)


if __name__ == "__main__":
    main()
