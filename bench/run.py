"""Run every benchmark with one command: ``.venv/bin/python bench/run.py``.

Each benchmark runs in its own process, one after the other (they would distort each
other's timings if run together), and prints its own table; a benchmark that fails is
reported and the rest still run. ``--only intake,latency`` or ``--skip scale,crash``
choose; ``--quick`` passes smaller sizes for a smoke run. Needs PostgreSQL and Redis
(as in tests/conftest.py) for ``scale``, ``latency`` (its scaled row) and ``crash``; ``BENCH_DATABASE_URL``
and ``BENCH_REDIS_URL`` choose the database and Redis they empty and use. Benchmarks write only to temp dirs. Not for:
pass/fail — goals are printed next to the figures, nothing is asserted.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

BENCHMARKS: dict[str, tuple[list[str], list[str]]] = {
    # name: (arguments for the full run, arguments for --quick)
    "parse": ([], ["--rounds", "1"]),
    "intake": ([], ["--clients", "1,8", "--messages", "300"]),
    "serve": ([], ["--messages", "82", "--runs", "1"]),
    "latency": ([], ["--rounds", "1", "--workers", "0"]),
    "extract": ([], ["--rounds", "3"]),
    "llm_cost": ([], ["--messages", "20"]),
    "scale": ([], ["--workers", "1,2", "--messages", "40", "--paced", "10", "--per-account", "10", "--sample", "5"]),
    "crash": (["--kills", "200"], ["--kills", "10", "--mode", "both"]),
    "web": ([], ["--accounts", "30", "--rounds", "3"]),
    "sender_auth": ([], ["--rounds", "3"]),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help=f"comma-separated, from: {', '.join(BENCHMARKS)}")
    parser.add_argument("--skip", default="", help="comma-separated names to leave out")
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run of the harness")
    args = parser.parse_args(argv)
    chosen = [n for n in BENCHMARKS if not args.only or n in args.only.split(",")]
    chosen = [n for n in chosen if n not in args.skip.split(",")]
    failed = []
    for name in chosen:
        script = HERE / f"bench_{name}.py"
        if not script.exists():
            print(f"\n## {name}: {script.name} is not there yet; skipped")
            continue
        full, quick = BENCHMARKS[name]
        started = time.monotonic()
        result = subprocess.run([sys.executable, str(script), *(quick if args.quick else full)], cwd=HERE)
        print(f"({name}: {time.monotonic() - started:.0f} s)", flush=True)
        if result.returncode != 0:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
