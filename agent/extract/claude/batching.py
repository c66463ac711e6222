"""Sources cut into calls that fit: batches sized in tokens, long sources in parts, smaller on a cut-off.

What it is for: ``plan_batches`` packs an account's new sources into batches whose whole
request stays within HANDOFF_LLM_INPUT_TOKENS_PER_CALL, measured by the token-counting
endpoint when the estimate comes near the budget (an estimate of ~3.5 characters per
token otherwise); a source too long for one call goes in parts cut at paragraph or turn
boundaries. ``halve`` cuts a batch whose answer stopped at max_tokens into two smaller
ones (a single source into two parts), so nothing a cut-off answer missed is lost.
Not for: asking (extractor.py) or what the model sees of a source (prompt.py).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Awaitable, Callable

from agent.extract.base import ExtractionContext
from agent.extract.claude.prompt import estimate_tokens, source_payload
from mailflows.inbound.mail import ThreadMessage

Piece = tuple[ThreadMessage, str]  # a source, or a part of one, and its part label ("" for a whole source)
Measure = Callable[[list[Piece]], Awaitable[int]]  # the input tokens of a call carrying these pieces

MIN_PART_CHARS = 2000


def piece_tokens(piece: Piece, ctx: ExtractionContext) -> int:
    return estimate_tokens(json.dumps(source_payload(piece[0], ctx, piece[1]), ensure_ascii=False))


def _cut(chunks: list[str], parts: int) -> list[list[str]]:
    """``chunks`` in ``parts`` consecutive runs of about equal length."""
    total = sum(len(c) for c in chunks) or 1
    out: list[list[str]] = [[]]
    size = 0
    for chunk in chunks:
        if out[-1] and size + len(chunk) > total / parts * len(out) and len(out) < parts:
            out.append([])
        out[-1].append(chunk)
        size += len(chunk)
    return out


def split_source(piece: Piece, parts: int) -> list[Piece]:
    """A source (or a part of one) in ``parts`` parts, cut between turns or paragraphs, else between lines."""
    message, label = piece
    if message.turns and len(message.turns) >= parts:
        runs = _cut([f"{t.speaker}: {t.text}" for t in message.turns], parts)
        out, start = [], 0
        for n, run in enumerate(runs, 1):
            turns = message.turns[start : start + len(run)]
            start += len(run)
            out.append((dataclasses.replace(message, turns=turns, body=""), f"{label}{'.' if label else ''}{n}"))
        return out
    body = message.body
    chunks = body.split("\n\n") if body.count("\n\n") >= parts else body.split("\n")
    if len(chunks) < parts:
        step = max(1, len(body) // parts)
        chunks = [body[i : i + step] for i in range(0, len(body), step)]
    runs = _cut([c + "\n\n" for c in chunks], parts)
    labels = [f"{label}{'.' if label else ''}{n}" for n in range(1, len(runs) + 1)]
    return [
        (dataclasses.replace(message, body="".join(run).strip(), turns=[]), name)
        for run, name in zip(runs, labels, strict=True)
        if "".join(run).strip()
    ]


def _size(piece: Piece) -> int:
    return len(piece[0].body) + sum(len(t.text) for t in piece[0].turns)


def halve(batch: list[Piece]) -> list[list[Piece]] | None:
    """A batch in two smaller ones; a single piece in two parts; None when it cannot get smaller."""
    if len(batch) > 1:
        middle = len(batch) // 2
        return [batch[:middle], batch[middle:]]
    if _size(batch[0]) < MIN_PART_CHARS:
        return None
    parts = split_source(batch[0], 2)
    return [[p] for p in parts] if len(parts) == 2 else None


async def plan_batches(
    sources: list[ThreadMessage],
    ctx: ExtractionContext,
    budget_tokens: int,
    fixed_tokens: int,
    measure: Measure,
) -> list[list[Piece]]:
    """The sources in batches whose requests fit ``budget_tokens`` (``fixed_tokens``: the request without sources).

    Packing uses the estimate; a batch whose estimate comes within half of the budget is
    counted for real and split again while it does not fit.
    """
    room = max(budget_tokens - fixed_tokens, 256)  # the settings keep the budget well above the fixed part
    pieces: list[Piece] = []
    for message in sources:
        piece: Piece = (message, "")
        size = piece_tokens(piece, ctx)
        pieces.extend(split_source(piece, -(-size // int(room * 0.8))) if size > room else [piece])
    batches: list[list[Piece]] = [[]]
    used = 0
    for piece in pieces:
        size = piece_tokens(piece, ctx)
        if batches[-1] and used + size > room:
            batches.append([])
            used = 0
        batches[-1].append(piece)
        used += size
    out: list[list[Piece]] = []
    for batch in batches:
        out.extend(await _fitting(batch, ctx, budget_tokens, fixed_tokens, measure))
    return out


async def _fitting(
    batch: list[Piece], ctx: ExtractionContext, budget: int, fixed: int, measure: Measure
) -> list[list[Piece]]:
    estimate = fixed + sum(piece_tokens(p, ctx) for p in batch)
    if estimate <= budget // 2:
        return [batch]
    if await measure(batch) <= budget:
        return [batch]
    smaller = halve(batch)
    if smaller is None:
        return [batch]  # as small as it gets: the call says whether it fits
    out: list[list[Piece]] = []
    for half in smaller:
        out.extend(await _fitting(half, ctx, budget, fixed, measure))
    return out
