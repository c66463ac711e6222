"""Parse benchmark: messages per second over the real-mail corpus, peak memory for a 30 MB attachment.

Run: ``.venv/bin/python bench/bench_parse.py [--rounds N] [--corpus DIR]``. The corpus
defaults to ``../shared/corpus/real-mail`` next to the repository. Prints the figures;
it asserts nothing (timing belongs in a benchmark, not in the test suite).
"""

from __future__ import annotations

import argparse
import base64
import gc
import time
import tracemalloc
from pathlib import Path

from mailflows.inbound import dates
from mailflows.inbound.parse import parse_body, parse_message

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real-mail"


def load_corpus(root: Path) -> list[tuple[str, bytes]]:
    files = [p for p in sorted(root.rglob("*")) if p.is_file() and not p.name.startswith("expected")]
    return [(p.suffix, p.read_bytes()) for p in files if p.suffix != ".md"]


def parse_one(suffix: str, raw: bytes) -> None:
    if suffix == ".eml":
        parse_message(raw)
    else:
        parse_body(raw.decode("utf-8", errors="replace"))


def bench_corpus(items: list[tuple[str, bytes]], rounds: int) -> float:
    for suffix, raw in items:  # warm-up: imports, regex compilation, lazy dateparser data
        parse_one(suffix, raw)
    started = time.perf_counter()
    for _ in range(rounds):
        dates.clear_cache()  # every round reads its dates afresh, as new mail would
        for suffix, raw in items:
            parse_one(suffix, raw)
    elapsed = time.perf_counter() - started
    return len(items) * rounds / elapsed


def big_attachment_message(size_bytes: int, readable: bool) -> bytes:
    """A message with one base64 attachment of ``size_bytes``: a video (listed only) or text notes (read)."""
    if readable:
        line = b"Notes from the onsite: the Monday report takes two analysts a day and a half.\n"
        content, ctype, name = line * (size_bytes // len(line)), b"text/plain", b"notes.txt"
    else:
        content, ctype, name = bytes(range(256)) * (size_bytes // 256), b"video/mp4", b"call.mp4"
    payload = base64.encodebytes(content)
    return (
        b"From: Sam <sam@northwind.example>\r\nTo: handoff@northwind.example\r\nSubject: big\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nThe file is attached.\r\n"
        b"--b\r\nContent-Type: " + ctype + b'\r\nContent-Disposition: attachment; filename="' + name + b'"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n" + payload.replace(b"\n", b"\r\n") + b"--b--\r\n"
    )


def bench_memory(size_bytes: int, readable: bool) -> tuple[int, int, float]:
    """Peak memory the parser allocates (tracemalloc) on top of the raw message it is handed."""
    raw = big_attachment_message(size_bytes, readable)
    gc.collect()
    tracemalloc.start()
    started = time.perf_counter()
    parsed = parse_message(raw)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    if not parsed.attachments or parsed.attachments[0].read is not readable:
        raise SystemExit(f"unexpected parse of the large attachment: {parsed.attachments}")
    return len(raw), peak, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--attachment-mb", type=int, default=30)
    args = parser.parse_args()
    if args.corpus.is_dir():
        items = load_corpus(args.corpus)
        rate = bench_corpus(items, args.rounds)
        print(f"corpus: {len(items)} messages x {args.rounds} rounds: {rate:,.0f} messages/s (one core)")
    else:
        print(f"corpus: {args.corpus} not found, skipped")
    for readable, label in ((False, "listed, not read (video)"), (True, "read (text notes)")):
        size, peak, elapsed = bench_memory(args.attachment_mb * 1024 * 1024, readable)
        print(
            f"{args.attachment_mb} MB base64 attachment, {label}: message {size / 2**20:.1f} MiB, parser peak "
            f"{peak / 2**20:.1f} MiB ({(size + peak) / size:.2f}x the message with the raw bytes), {elapsed:.2f} s"
        )


if __name__ == "__main__":
    main()
