"""What a Claude request may carry, per model generation, and the request itself.

What it is for: ``generation_of(model)`` says what a model accepts — the effort levels,
structured outputs, its output limit — and ``build_request`` makes a Messages API body
that every current model accepts: the output shape through structured outputs
(``output_config.format``, a JSON schema) instead of a forced tool; no sampling
parameters (temperature, top_p, top_k), no assistant prefill, no thinking budget and
no ``thinking: {"type": "disabled"}`` (the current generation answers those with a 400).
Thinking is left to the model's default (adaptive on the 5.x generation; the answer
then starts with thinking blocks, which the reader skips); ``output_config.effort``
comes from HANDOFF_ANTHROPIC_EFFORT, lowered to the nearest level the model has.
Not for: sending it (calls.py) or reading the answer (answer.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

CACHE = {"type": "ephemeral"}
EFFORTS = ("low", "medium", "high", "xhigh", "max")


@dataclass(frozen=True, slots=True)
class Generation:
    """What one model generation accepts."""

    name: str
    efforts: tuple[str, ...]  # output_config.effort levels it takes; () = send none
    structured_outputs: bool
    max_output_tokens: int


_FIVE = Generation("5.x", EFFORTS, True, 128_000)
_FOUR_SIX = Generation("4.6-4.8", ("low", "medium", "high", "max"), True, 64_000)
_FOUR_FIVE = Generation("4.5", (), True, 64_000)
_OPUS_FOUR_FIVE = Generation("opus-4.5", ("low", "medium", "high"), True, 64_000)

# Longest prefix first; an unknown (newer) model is taken to accept what the current generation does.
_BY_PREFIX = (
    ("claude-opus-4-5", _OPUS_FOUR_FIVE),
    ("claude-sonnet-4-5", _FOUR_FIVE),
    ("claude-haiku-4-5", _FOUR_FIVE),
    ("claude-opus-4-6", _FOUR_SIX),
    ("claude-sonnet-4-6", _FOUR_SIX),
    ("claude-opus-4-7", _FOUR_SIX),
    ("claude-opus-4-8", _FOUR_SIX),
)


def generation_of(model: str) -> Generation:
    for prefix, generation in _BY_PREFIX:
        if model.startswith(prefix):
            return generation
    return _FIVE


def effort_for(model: str, wanted: str) -> str | None:
    """The effort level to send: ``wanted``, or the nearest lower one the model has; None if it takes none."""
    levels = generation_of(model).efforts
    if not levels:
        return None
    for level in reversed(EFFORTS[: EFFORTS.index(wanted) + 1]):
        if level in levels:
            if level != wanted:
                log.info("%s has no effort level %r; sending %r", model, wanted, level)
            return level
    return levels[0]


def build_request(
    *,
    model: str,
    max_tokens: int,
    effort: str,
    system: str,
    schema: dict[str, Any],
    user: str,
) -> dict[str, Any]:
    """One Messages API request body: cached system prompt, the answer's JSON schema, one user turn.

    The schema and the system prompt are the same for every call, so the prefix up to the
    system prompt's cache marker is read from the cache after the first call.
    """
    generation = generation_of(model)
    output_config: dict[str, Any] = {"format": {"type": "json_schema", "schema": schema}}
    level = effort_for(model, effort)
    if level is not None:
        output_config["effort"] = level
    return {
        "model": model,
        "max_tokens": min(max_tokens, generation.max_output_tokens),
        "system": [{"type": "text", "text": system, "cache_control": CACHE}],
        "output_config": output_config,
        "messages": [{"role": "user", "content": user}],
    }


def count_request(request: dict[str, Any]) -> dict[str, Any]:
    """The same request as the count_tokens endpoint takes it (no max_tokens)."""
    return {k: v for k, v in request.items() if k in ("model", "system", "messages", "output_config")}
