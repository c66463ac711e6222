"""Crash-safety run at benchmark size: the fault-injection scenario of tests/test_crash_safety.py with 200 kills.

Run: ``.venv/bin/python bench/bench_crash.py [--mode embedded|scaled|both] [--kills 200] [--seed 1]``.
The service is SIGKILLed at random moments while an MTA-like client sends the demo deal,
the rep's reply and the approve: in the embedded mode ``handoff serve`` alone (SQLite,
inline jobs), in the scaled mode ``handoff serve`` or ``handoff worker``, picked at random
(PostgreSQL + Redis, as in tests/conftest.py; Redis database 12). Each round is checked
(every acknowledged message stored and processed, nothing in the outbox twice, the
document equal to an uninterrupted run's). Prints one table per mode, a row per round,
and every problem found. Not for: CI (the tests run 50 kills per mode).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from common import ROOT, print_table

assert ROOT  # the repository is on sys.path: tests/ is importable

from tests.test_crash_safety import run_with_kills  # noqa: E402


def run_mode(mode: str, kills: int, seed: int) -> list[str]:
    """One mode's rounds as a table; returns the problems found."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"handoff-crash-{mode}-") as tmp:
        results, problems = run_with_kills(Path(tmp), kills, seed=seed, mode=mode)
    processes = sorted({name for r in results for name in r.kills_by})
    rows = [
        [n, r.kills, *(r.kills_by.get(p, 0) for p in processes), r.retries, len(r.acked), r.seconds]
        for n, r in enumerate(results, 1)
    ]
    totals = [sum(r.kills_by.get(p, 0) for r in results) for p in processes]
    rows.append(
        ["all", sum(r.kills for r in results), *totals, sum(r.retries for r in results), "", time.monotonic() - started]
    )
    print_table(
        f"SIGKILL fault injection, {mode} mode, {kills} kills (seed {seed})",
        ["round", "kills", *(f"of {p}" for p in processes), "client retries", "messages acknowledged", "seconds"],
        rows,
        note="\n".join(["problems:", *problems]) if problems else "problems: none",
    )
    return problems


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["embedded", "scaled", "both"], default="both")
    parser.add_argument("--kills", type=int, default=200, help="per mode")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    modes = ["embedded", "scaled"] if args.mode == "both" else [args.mode]
    for mode in modes:
        run_mode(mode, args.kills, args.seed)


if __name__ == "__main__":
    main()
