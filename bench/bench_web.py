"""The web pages: what matplotlib costs, and how long each page takes with many accounts.

Builds ``--accounts`` accounts (the demo's first forward, made into a distinct customer
each, through ``handoff ingest``'s path) on SQLite, then times each page in-process with
Starlette's TestClient signed in as an admin (every account visible): the list, a
search, one handoff, the metrics drawn fresh and from the cache, and one plot. Also the
cost of loading the plotting stack in a fresh interpreter. Prints; asserts nothing.
Run: ``.venv/bin/python bench/bench_web.py [--accounts 200] [--rounds 20]``.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import as_account, bench_settings, demo_messages, median, percentile, print_table

from agent.app import open_app
from agent.service import ingest
from agent.web import create_app

IMPORT = "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"


def import_ms(module: str, rounds: int = 3) -> float:
    runs = []
    for _ in range(rounds):
        out = subprocess.run([sys.executable, "-c", IMPORT.format(module=module)], capture_output=True, text=True)
        runs.append(float(out.stdout.strip()) * 1000)
    return median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    from starlette.testclient import TestClient

    first = demo_messages()[0]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = []
        for n in range(args.accounts):
            path = folder / f"m{n}.eml"
            path.write_bytes(as_account(first, n))
            files.append(path)
        settings = bench_settings(folder, web_admins="ops@northwind.example")
        started = time.perf_counter()
        asyncio.run(ingest(settings, files))
        built_s = time.perf_counter() - started
        app = asyncio.run(open_app(settings, inline=True))
        client = TestClient(create_app(app, base_url="http://testserver"), follow_redirects=False)
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)  # type: ignore[union-attr]
        client.post("/login", data={"email": "ops@northwind.example", "csrf_token": token, "next": "/"})
        mail = next(m for p in (folder / "outbox").glob("*.eml") if "X-Handoff-Kind: signin" in (m := p.read_text()))
        client.get(re.search(r"http://testserver(/login/\S+)", mail).group(1))  # type: ignore[union-attr]

        def timed(path: str, rounds: int) -> list[float]:
            out = []
            for _ in range(rounds):
                t = time.perf_counter()
                response = client.get(path)
                out.append((time.perf_counter() - t) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{path}: HTTP {response.status_code}")
            return out

        t = time.perf_counter()
        client.get("/metrics")
        first_metrics = (time.perf_counter() - t) * 1000
        rows = []
        for label, path in (
            ("list (first 100 of all)", "/"),
            ("search 'Snowflake'", "/search?q=Snowflake"),
            ("one handoff", "/handoffs/customer7.example"),
            ("metrics, cached plots", "/metrics"),
            ("metrics, plots drawn (new 'since')", None),
            ("one plot as SVG (cached)", "/metrics/prep.svg"),
        ):
            if path is None:
                runs = [sum(timed(f"/metrics?since=2020-01-{1 + i % 28:02d}", 1)) for i in range(min(args.rounds, 28))]
            else:
                runs = timed(path, args.rounds)
            rows.append((label, median(runs), percentile(runs, 95)))
        client.close()
        asyncio.run(app.close())
    print_table(
        f"web pages, {args.accounts} accounts on SQLite, admin view, in-process (TestClient), {args.rounds} rounds",
        ("page", "p50 ms", "p95 ms"),
        rows,
        note=f"(first /metrics after start, matplotlib loaded then: {first_metrics:.0f} ms; accounts built in {built_s:.0f} s)",
    )
    print_table(
        "loading the stack in a fresh interpreter (median of 3)",
        ("import", "ms"),
        [(m, import_ms(m)) for m in ("agent.web", "agent.web.plots", "matplotlib.figure")],
        note="agent.web is what `handoff serve` loads when HANDOFF_WEB_PORT is set; plots load on the first /metrics.",
    )


if __name__ == "__main__":
    main()
