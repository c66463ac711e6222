"""LLM cost benchmark: input tokens per account as it grows from 1 to 50 messages, and the cache share.

Run: ``.venv/bin/python bench/bench_llm_cost.py [--messages 50]``. The Claude extractor
talks through the real SDK to ``FakeAnthropic`` (tests/fakes/anthropic_server.py) on
loopback, which counts tokens as ~4 characters each and reports the prefix up to the
last ``cache_control`` marker as a cache write the first time and a cache read after.
Messages arrive one per call (as forwards do); each has distinct text built from the
demo deal's thread messages. The model is the default (claude-sonnet-5-5): the request
carries the structured-output schema, which is part of the cached prefix. Goal: input grows linearly, uncached input <= 1.2x the
new content plus a fixed amount per call. Not for: answer quality (the answers are canned).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
from zoneinfo import ZoneInfo

from common import COMPANY, REP, demo_messages, print_table

from agent.document import AccountInfo, HandoffDocument, Party
from agent.extract.base import ExtractionContext
from agent.extract.claude import ClaudeExtractor
from agent.extract.offline import OfflineExtractor
from agent.merge import merge_extraction
from agent.settings import load_settings
from mailflows.inbound.mail import ThreadMessage
from mailflows.inbound.parse import parse_message
from tests.fakes.anthropic_server import CHARS_PER_TOKEN, FakeAnthropic

CHECKPOINTS = (1, 2, 5, 10, 20, 30, 40, 50)


def growing_account(n: int) -> list[ThreadMessage]:
    """``n`` distinct messages: the demo deal's thread messages, cycled, each with its own id and line."""
    base = [m for raw in demo_messages() for m in parse_message(raw).messages if m.body.strip()]
    out = []
    for i in range(n):
        m = base[i % len(base)]
        out.append(dataclasses.replace(m, id=f"<bench-{i}@llm.example>", body=f"{m.body}\n\n(update {i}: see above)"))
    return out


async def run(n: int) -> None:
    fake = FakeAnthropic().start()
    os.environ["ANTHROPIC_BASE_URL"] = fake.base_url
    settings = load_settings(
        anthropic_api_key="bench-key",
        extractor="claude",
        company_domains=COMPANY,
        inbox_address=f"handoff@{COMPANY}",
        llm_timeout_s=10,
    )
    extractor = ClaudeExtractor(settings, fallback=OfflineExtractor())
    ctx = ExtractionContext(
        account=AccountInfo(name="Alder & Finch Outfitters", domain="alderfinch.example"),
        rep=Party(name="Sam Okafor", email=REP),
        company_domains={COMPANY},
        tz=ZoneInfo("UTC"),
    )
    doc = HandoffDocument(account=ctx.account)
    rows = []
    content = 0
    per_call: list[tuple[int, int]] = []  # (new content tokens, uncached input tokens) of each call
    try:
        for i, message in enumerate(growing_account(n), 1):
            fake.enqueue({"sections": {}})
            before = extractor.usage_totals()["input_tokens"]
            doc = merge_extraction(doc, await extractor.extract([message], ctx, doc))
            content += len(message.body) // CHARS_PER_TOKEN
            per_call.append((len(message.body) // CHARS_PER_TOKEN, extractor.usage_totals()["input_tokens"] - before))
            if i in CHECKPOINTS or i == n:
                t = extractor.usage_totals()
                total_in = t["input_tokens"] + t["cache_creation_input_tokens"] + t["cache_read_input_tokens"]
                fixed = (t["cache_creation_input_tokens"] + t["cache_read_input_tokens"]) / t["calls"]
                rows.append(
                    [
                        i,
                        t["calls"],
                        total_in,
                        t["input_tokens"],
                        content,
                        t["input_tokens"] / content,
                        fixed,
                        t["cache_read_input_tokens"] / total_in,
                    ]
                )
    finally:
        await extractor.aclose()
        fake.stop()
    print_table(
        f"Claude extractor on the fake Messages API, one account growing to {n} messages (tokens ~ chars/4)",
        [
            "messages",
            "calls",
            "input tokens (all)",
            "uncached input",
            "new content tokens",
            "uncached / content (goal <= 1.2 + fixed)",
            "cached prefix per call",
            "cache-hit share",
        ],
        rows,
        note="uncached input includes the per-call document summary and instructions; "
        "a linear series (constant ratio as messages grow) means no history is re-sent.",
    )
    slope, fixed = fit(per_call)
    print(f"per call, fitted: uncached input = {slope:.2f} x new content + {fixed:,.0f} tokens (goal: slope <= 1.2)")


def fit(points: list[tuple[int, int]]) -> tuple[float, float]:
    """Least-squares line through (content, uncached input) of each call."""
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    var = sum((x - mx) ** 2 for x, _ in points)
    slope = sum((x - mx) * (y - my) for x, y in points) / var if var else float("nan")
    return slope, my - slope * mx


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=50)
    args = parser.parse_args(argv)
    asyncio.run(run(args.messages))


if __name__ == "__main__":
    main()
