"""Crash-safety run at benchmark size: the fault-injection scenario of tests/test_crash_safety.py with 200 kills.

Run: ``.venv/bin/python bench/bench_crash.py [--kills 200] [--seed 1]``. ``handoff serve``
is SIGKILLed at random moments while an MTA-like client sends the demo deal, the rep's
reply and the approve; each round is checked (every acknowledged message stored and
processed, nothing in the outbox twice, the document equal to an uninterrupted run's).
Prints one row per round and every problem found. Not for: CI (the test runs 50 kills).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from common import ROOT, print_table

assert ROOT  # the repository is on sys.path: tests/ is importable

from tests.test_crash_safety import run_with_kills  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="handoff-crash-") as tmp:
        results, problems = run_with_kills(Path(tmp), args.kills, seed=args.seed)
    rows = [[n, r.kills, r.retries, len(r.acked), r.seconds] for n, r in enumerate(results, 1)]
    rows.append(["all", sum(r.kills for r in results), sum(r.retries for r in results), "", time.monotonic() - started])
    print_table(
        f"SIGKILL fault injection, {args.kills} kills (seed {args.seed})",
        ["round", "kills", "client retries", "messages acknowledged", "seconds"],
        rows,
        note="\n".join(["problems:", *problems]) if problems else "problems: none",
    )


if __name__ == "__main__":
    main()
