"""Offline extraction benchmark: milliseconds per message for a 10-message account.

Run: ``.venv/bin/python bench/bench_extract.py [--rounds N]``. The account is the demo
deal's first ten thread messages (forwards split into their messages). Three figures:
the whole account read in one call, read incrementally (one message per call, through
the assembly rules and merged into the document, as mail arrives), and a fresh process's
first account (the models load once). Goal: < 50 ms per message on one core.
Not for: extraction quality (``../shared/tools/eval_deals.py`` measures that).
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import time
from zoneinfo import ZoneInfo

from common import COMPANY, REP, demo_messages, median, print_table

from agent.document import AccountInfo, HandoffDocument, Party
from agent.extract.assemble import assemble
from agent.extract.base import ExtractionContext
from agent.extract.offline import OfflineExtractor
from agent.merge import merge_extraction
from mailflows.inbound.mail import ThreadMessage
from mailflows.inbound.parse import parse_message

ACCOUNT_MESSAGES = 10


def account_messages(n: int = ACCOUNT_MESSAGES) -> list[ThreadMessage]:
    messages: list[ThreadMessage] = []
    for raw in demo_messages():
        messages.extend(parse_message(raw).messages)
    return messages[:n]


def context() -> ExtractionContext:
    return ExtractionContext(
        account=AccountInfo(name="Alder & Finch Outfitters", domain="alderfinch.example"),
        rep=Party(name="Sam Okafor", email=REP),
        company_domains={COMPANY},
        tz=ZoneInfo("UTC"),
    )


async def read(extractor: OfflineExtractor, messages: list[ThreadMessage], doc: HandoffDocument) -> HandoffDocument:
    """What the runner does per call: extract, the assembly rules, merge."""
    ctx = context()
    extraction = await extractor.extract(messages, ctx, doc)
    assemble(extraction, doc, source_order=[m.id for m in messages])
    return merge_extraction(doc, extraction)


async def one_call(extractor: OfflineExtractor, messages: list[ThreadMessage]) -> float:
    doc = HandoffDocument(account=context().account)
    started = time.perf_counter()
    await read(extractor, messages, doc)
    return time.perf_counter() - started


async def incremental(extractor: OfflineExtractor, messages: list[ThreadMessage]) -> float:
    doc = HandoffDocument(account=context().account)
    started = time.perf_counter()
    for message in messages:
        doc = await read(extractor, [message], doc)
    return time.perf_counter() - started


def cold_start_s() -> float:
    """A fresh process's first account: the language, embedding and classifier models load once."""
    code = (
        "import asyncio, time, sys; sys.path.insert(0, 'bench'); import bench_extract as b; "
        "m = b.account_messages(); t = time.perf_counter(); "
        "asyncio.run(b.one_call(b.OfflineExtractor(), m)); print(time.perf_counter() - t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


async def run(rounds: int) -> None:
    messages = account_messages()
    extractor = OfflineExtractor()
    cold = cold_start_s()
    await one_call(extractor, messages)  # warm-up: lexicons, dateparser's lazy data, the models
    batch = [await one_call(extractor, messages) for _ in range(rounds)]
    step = [await incremental(extractor, messages) for _ in range(rounds)]
    n = len(messages)
    chars = sum(len(m.body) for m in messages)
    print_table(
        f"Offline extraction, {n}-message account ({chars:,} characters of body), {rounds} rounds",
        ["mode", "ms/account (median)", "ms/message", "goal"],
        [
            ["all at once", median(batch) * 1000, median(batch) * 1000 / n, "< 50 ms/message"],
            ["one message per call", median(step) * 1000, median(step) * 1000 / n, "< 50 ms/message"],
            ["cold start (fresh process, first account)", cold * 1000, cold * 1000 / n, "once per process"],
        ],
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args(argv)
    asyncio.run(run(args.rounds))


if __name__ == "__main__":
    main()
