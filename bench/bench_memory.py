"""Memory benchmark: peak RSS and time of ``handoff ingest`` and ``handoff serve`` on one large message and four at once.

Run: ``.venv/bin/python bench/bench_memory.py [--size-mb 38] [--variants txt,vtt,pdf] [--skip-serve]
[--database-url URL]``. Builds realistic forwards from the rep (a short note, the
customer's mail forwarded inline) that carry one large attachment as mail clients send
it: ``txt`` a long call transcript ("Name (hh:mm:ss): text" lines) in base64, ``vtt``
the same as WebVTT in quoted-printable, ``pdf`` a PDF (one page of text, a large
binary image stream) in base64. Each message is ``--size-mb`` on the wire.

``ingest``: one ``handoff ingest FILE`` in a subprocess; its peak RSS is the kernel's
``ru_maxrss`` of that child (``os.wait4``), the message built by yet another process (a child's
``ru_maxrss`` counts the image it was forked from). A row for a 50 kB forward gives the floor
(Python, the libraries, the language and embedding models) measured in the same run. ``serve``: ``handoff serve`` (inline jobs,
its CPU pool of parser processes) receives the message over SMTP on loopback, one and
then four at once (four distinct messages sent concurrently); its peak is the largest
sum of RSS over the serving process tree (the service, the fork server and the pool
processes), sampled every 20 ms from /proc, plus the largest single process. The
figures are printed against the bar of issue 18: peak <= 150 MB + 2x the message size
for one message; four at once within the byte budget (HANDOFF_INFLIGHT_BUDGET_BYTES, 96 MiB:
two 40 MB messages are read at a time, the others wait). The first row, a 50 kB forward, is the process's own floor (Python,
the libraries, the language detector and embedding table the offline reader loads): compare peaks with that, as well as with the bar. PostgreSQL database ``handoff_bench_mem`` (emptied first). Not for:
pass/fail — figures are printed, nothing is asserted.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import os
import quopri
import random
import smtplib
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import format_datetime, make_msgid
from pathlib import Path

from common import COMPANY, INBOX, PG_SERVER, REP, ROOT, free_port, print_table, reset_database

BIN = ROOT / ".venv" / "bin" / "handoff"
DEFAULT_DB = f"{PG_SERVER}/handoff_bench_mem"
MB = 1024 * 1024
CUSTOMER = "dana.whitfield@larkspur-freight.example"

_WORDS = [
    "rollout",
    "warehouse",
    "onboarding",
    "integration",
    "scanners",
    "pilot",
    "budget",
    "renewal",
    "carriers",
    "invoices",
    "dashboard",
    "timeline",
    "training",
    "routing",
    "latency",
    "support",
    "escalation",
    "contract",
    "seats",
    "reporting",
    "API",
    "export",
    "dock",
    "schedule",
    "pallets",
    "forecast",
    "migration",
    "sandbox",
    "approval",
    "security",
    "review",
    "legal",
    "procurement",
    "go-live",
]
_SPEAKERS = ["Dana Whitfield", "Sam Okafor", "Priya Nair", "Marco Ruiz"]


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(6, 16))]
    return (" ".join(words)).capitalize() + rng.choice([".", ".", "?", "!"])


def transcript_lines(rng: random.Random, vtt: bool) -> Iterator[str]:
    """A call transcript, line by line, without end: speakers take turns, each says one to three sentences."""
    second = 0
    n = 0
    if vtt:
        yield "WEBVTT\n\n"
    while True:
        speaker = _SPEAKERS[n % 2] if n % 7 else rng.choice(_SPEAKERS)
        said = " ".join(_sentence(rng) for _ in range(rng.randint(1, 3)))
        at = f"{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
        if vtt:
            end = second + 4
            yield f"{n + 1}\n{at}.000 --> {end // 3600:02d}:{end // 60 % 60:02d}:{end % 60:02d}.000\n<v {speaker}>{said}\n\n"
        else:
            yield f"{speaker} ({at}): {said}\n"
        second += rng.randint(2, 9)
        n += 1


def _pdf(size: int, rng: random.Random) -> bytes:
    """A valid PDF: one page of text and an uncompressed gray image stream of ``size`` bytes."""
    text = b"BT /F1 12 Tf 72 720 Td (Order form: 240 seats, go-live March 3, renewal in 12 months.) Tj ET"
    side = int(size**0.5)
    image = rng.randbytes(side * side)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> "
        b"/XObject << /Im1 6 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 "
        b"/Length %d >>\nstream\n" % (side, side, len(image)) + image + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def build_message(variant: str, size: int, n: int = 0) -> bytes:
    """A forward from the rep of about ``size`` bytes on the wire carrying one large attachment."""
    rng = random.Random(1000 * n + len(variant))
    if variant == "pdf":
        payload, ctype, name, encoding = _pdf(size * 3 // 4, rng), "application/pdf", "order-form.pdf", "base64"
    else:
        vtt = variant == "vtt"
        # base64 grows 4/3; quoted-printable of ASCII text with '=' rare grows by its soft breaks only
        target = size * 3 // 4 if not vtt else size * 95 // 100
        parts: list[str] = []
        total = 0
        for line in transcript_lines(rng, vtt):
            parts.append(line)
            total += len(line)
            if total >= target:
                break
        payload = "".join(parts).encode()
        ctype, name = ("text/vtt", "call-transcript.vtt") if vtt else ("text/plain", "call-transcript.txt")
        encoding = "quoted-printable" if vtt else "base64"
    if encoding == "base64":
        encoded = base64.encodebytes(payload).replace(b"\n", b"\r\n")
    else:
        encoded = quopri.encodestring(payload).replace(b"\n", b"\r\n")
    boundary = f"=_bench_{n}_{variant}"
    date = format_datetime(datetime(2026, 11, 20, 15, 4, tzinfo=UTC))
    head = (
        f"From: Sam Okafor <{REP}>\r\nTo: {INBOX}\r\nSubject: Fwd: Larkspur Freight - kickoff call and order "
        f"({variant} {n})\r\nDate: {date}\r\nMessage-ID: {make_msgid(f'bench-mem-{n}', COMPANY)}\r\n"
        f'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'
        f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "Closed today. The kickoff call transcript is attached; Priya Nair is the CSM on this one.\r\n\r\n"
        "---------- Forwarded message ---------\r\n"
        f"From: Dana Whitfield <{CUSTOMER}>\r\nDate: Thu, 19 Nov 2026 at 10:12\r\n"
        f"Subject: Re: Larkspur Freight order\r\nTo: Sam Okafor <{REP}>\r\n\r\n"
        "Hi Sam, we signed. Go-live must be before March 3; our warehouse team needs training first.\r\n"
        "Budget is approved for 240 seats.\r\n\r\nDana Whitfield\r\nVP Operations, Larkspur Freight\r\n\r\n"
        f'--{boundary}\r\nContent-Type: {ctype}; charset=utf-8; name="{name}"\r\n'
        f'Content-Disposition: attachment; filename="{name}"\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n'
    ).encode()
    return head + encoded + f"\r\n--{boundary}--\r\n".encode()


def _env(workdir: Path, database_url: str, port: int = 0) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HANDOFF_")}
    env.update(
        HANDOFF_DATABASE_URL=database_url,
        HANDOFF_INBOX_ADDRESS=INBOX,
        HANDOFF_COMPANY_DOMAINS=COMPANY,
        HANDOFF_OUTBOX_DIR=str(workdir / "outbox"),
        HANDOFF_EXTRACTOR="offline",
        HANDOFF_DEBOUNCE_S="0",
        HANDOFF_SMTP_HOST="127.0.0.1",
        HANDOFF_SMTP_PORT=str(port),
    )
    return env


def _rss_of_tree(root: int) -> tuple[int, int]:
    """(sum of RSS, largest single RSS) in bytes over ``root`` and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            stat = Path(f"/proc/{entry}/stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    total = largest = 0
    stack = [root]
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, []))
        with contextlib.suppress(OSError, ValueError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) * 1024
                    total += rss
                    largest = max(largest, rss)
    return total, largest


class Sampler:
    """Samples a process tree's RSS every 20 ms in a thread; ``peak()`` since the last ``reset()``."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.total = self.largest = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            total, largest = _rss_of_tree(self.root)
            self.total, self.largest = max(self.total, total), max(self.largest, largest)
            time.sleep(0.02)

    def reset(self) -> None:
        self.total = self.largest = 0

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def _bar(size: int) -> float:
    return 150 + 2 * size / MB


def ingest_row(variant: str, size: int, database_url: str, label: str = "") -> list[object]:
    reset_database(database_url)
    with tempfile.TemporaryDirectory(prefix="handoff-bench-mem-") as tmp:
        path = Path(tmp) / f"{variant}.eml"
        # Built by another process: a child's ru_maxrss also counts the image it was forked from
        # (this process), so holding the message here would add it to the figure.
        subprocess.run(
            [sys.executable, __file__, "--write", str(path), "--variants", variant, "--size-mb", str(size / MB)],
            check=True,
        )
        started = time.perf_counter()
        proc = subprocess.Popen([str(BIN), "ingest", str(path)], env=_env(Path(tmp), database_url))
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        if status != 0:
            raise RuntimeError(f"handoff ingest failed on {variant} ({status})")
        actual = path.stat().st_size
    peak = usage.ru_maxrss / 1024  # KiB -> MiB
    return [
        label or f"ingest {variant}",
        f"{actual / MB:.1f}",
        f"{peak:.0f}",
        f"{peak / (actual / MB):.1f}x",
        f"{_bar(actual):.0f}",
        "yes" if peak <= _bar(actual) else "NO",
        f"{seconds:.1f}",
    ]


def _wait_for(database_url: str, count: int, timeout_s: float) -> bool:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                done = conn.execute(text("SELECT count(*) FROM inbound WHERE status <> 'pending'")).scalar_one()
            if done >= count:
                return True
            time.sleep(0.2)
        return False
    finally:
        engine.dispose()


def _send(port: int, data: bytes, errors: list[str]) -> None:
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=600) as smtp:
            smtp.sendmail(REP, [INBOX], data)
    except Exception as exc:  # printed with the figures: a refused message is a result too
        errors.append(f"{type(exc).__name__}: {exc}")


def serve_rows(variant: str, size: int, database_url: str) -> list[list[object]]:
    reset_database(database_url)
    rows: list[list[object]] = []
    with tempfile.TemporaryDirectory(prefix="handoff-bench-mem-") as tmp:
        port = free_port()
        proc = subprocess.Popen(
            [str(BIN), "serve"],
            env=_env(Path(tmp), database_url, port),
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stderr is not None
        while "listening" not in (line := proc.stderr.readline()):
            if not line:
                raise RuntimeError("handoff serve did not start")
        threading.Thread(target=proc.stderr.read, daemon=True).start()  # keep draining its log
        time.sleep(1.0)
        sampler = Sampler(proc.pid)
        try:
            idle, _ = _rss_of_tree(proc.pid)
            sent = 0
            for count in (1, 4):
                messages = [build_message(variant, size, n=sent + i + 1) for i in range(count)]
                wire = sum(len(m) for m in messages) / count
                sampler.reset()
                errors: list[str] = []
                started = time.perf_counter()
                threads = [threading.Thread(target=_send, args=(port, m, errors)) for m in messages]
                del messages
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                sent += count
                finished = _wait_for(database_url, sent - len(errors), 900)
                seconds = time.perf_counter() - started
                time.sleep(0.1)
                total, largest = sampler.total / MB, sampler.largest / MB
                rows.append(
                    [
                        f"serve {variant} x{count}",
                        f"{wire / MB:.1f}",
                        f"{total:.0f} (largest process {largest:.0f}, idle tree {idle / MB:.0f})",
                        f"{total / (wire / MB):.1f}x",
                        f"{_bar(wire):.0f}" if count == 1 else "budget",
                        ("yes" if total <= _bar(wire) else "NO") if count == 1 else "-",
                        f"{seconds:.1f}" + ("" if finished else " (not all done)") + (f" {errors}" if errors else ""),
                    ]
                )
        finally:
            sampler.stop()
            proc.terminate()
            proc.wait(timeout=60)
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=38.0, help="size of each message on the wire")
    parser.add_argument("--variants", default="txt,vtt,pdf", help="comma-separated, from: txt, vtt, pdf")
    parser.add_argument("--serve-variants", default="txt", help="variants also sent to handoff serve")
    parser.add_argument("--skip-serve", action="store_true")
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--write", type=Path, help="only write the message of the first variant to this file")
    args = parser.parse_args(argv)
    size = int(args.size_mb * MB)
    variants = [v for v in args.variants.split(",") if v]
    if args.write:
        args.write.write_bytes(build_message(variants[0], size))
        return
    rows = [ingest_row("txt", 50 * 1024, args.database_url, label="ingest 50 kB (floor)")]
    rows += [ingest_row(v, size, args.database_url) for v in variants]
    if not args.skip_serve:
        for variant in [v for v in args.serve_variants.split(",") if v]:
            rows += serve_rows(variant, size, args.database_url)
    print_table(
        f"Peak RSS on large messages ({args.size_mb:g} MB requested), offline extractor, PostgreSQL, {os.cpu_count()} cores",
        ["run", "message MB", "peak RSS MB", "peak / message", "bar MB (150 + 2x)", "within bar", "seconds"],
        rows,
        note="ingest: ru_maxrss of the `handoff ingest` process; serve: largest sum of RSS over the serving "
        "process tree (service, fork server, pool processes), sampled every 20 ms.",
    )


if __name__ == "__main__":
    sys.exit(main())
