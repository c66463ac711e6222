"""Offline extraction benchmark: milliseconds per message for a 10-message account.

Run: ``.venv/bin/python bench/bench_extract.py [--rounds N]``. The account is the demo
deal's first ten thread messages (forwards split into their messages). Two figures:
the whole account read in one call, and read incrementally (one message per call,
merged into the document, as mail arrives). Goal: < 50 ms per message on one core.
Not for: extraction quality (``../shared/tools/eval_deals.py`` measures that).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from zoneinfo import ZoneInfo

from common import COMPANY, REP, demo_messages, median, print_table

from agent.document import AccountInfo, HandoffDocument, Party, merge_extraction
from agent.extract.base import ExtractionContext
from agent.extract.offline import OfflineExtractor
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


async def one_call(extractor: OfflineExtractor, messages: list[ThreadMessage]) -> float:
    ctx = context()
    doc = HandoffDocument(account=ctx.account)
    started = time.perf_counter()
    merge_extraction(doc, await extractor.extract(messages, ctx, doc))
    return time.perf_counter() - started


async def incremental(extractor: OfflineExtractor, messages: list[ThreadMessage]) -> float:
    ctx = context()
    doc = HandoffDocument(account=ctx.account)
    started = time.perf_counter()
    for message in messages:
        doc = merge_extraction(doc, await extractor.extract([message], ctx, doc))
    return time.perf_counter() - started


async def run(rounds: int) -> None:
    messages = account_messages()
    extractor = OfflineExtractor()
    await one_call(extractor, messages)  # warm-up: lexicons, dateparser's lazy data
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
        ],
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args(argv)
    asyncio.run(run(args.rounds))


if __name__ == "__main__":
    main()
