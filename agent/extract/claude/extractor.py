"""``ClaudeExtractor``: the Extractor protocol on Claude, batch by batch, with the offline reader behind it.

What it is for: reading an account's new sources (and only those, with a bounded summary
of what the document holds) in token-sized batches; each batch is asked on its own, an
unusable answer once more, a cut-off answer again in smaller batches; a batch Claude cannot
answer is read by the fallback (the offline extractor) while the batches Claude answered
are kept; once Claude is unreachable, refuses the request or the key, the rest of the
call goes to the fallback at once. Every extraction carries its provenance: the model,
how many sources each extractor read, and each fallback with its reason.
Not for: choosing the extractor (agent/extract/__init__.py), merging into the stored
document (agent/extract/runner.py) or bulk re-extraction (bulk.py).
"""

from __future__ import annotations

import json
import logging
from collections import deque
from datetime import UTC, datetime
from typing import Any

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
)

from agent.document import Extraction, Fallback, HandoffDocument, Provenance
from agent.errors import ConfigError, ExtractorAnswerInvalid, ExtractorUnavailable, HandoffError
from agent.extract.base import ExtractionContext, Extractor, Question, verify_quotes
from agent.extract.claude.answer import (
    AnswerCutOff,
    Reader,
    answer_data,
    combine,
    extraction_from_answer,
    settle_feelings,
)
from agent.extract.claude.batching import Piece, halve, plan_batches
from agent.extract.claude.calls import USAGE_KEYS, Caller
from agent.extract.claude.prompt import (
    answers_prompt,
    environment,
    estimate_tokens,
    extract_prompt,
    held_texts,
    system_prompt,
)
from agent.extract.claude.request import build_request
from agent.extract.claude.schema import output_schema
from agent.extract.delivered import mark_kept
from agent.extract.speakers import read_units
from agent.merge import merge_extraction
from agent.settings import Settings
from mailflows.inbound.mail import ThreadMessage

log = logging.getLogger(__name__)

ANSWER_TRIES = 2  # an unusable answer is asked for once more, then the batch falls back


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _reason(exc: HandoffError) -> str:
    return str(exc).split("\n")[0][:200]


class _Unusable(Exception):
    """An answer that could not be read into an extraction: the only thing ``_ask`` asks again for."""

    def __init__(self, answer_error: ExtractorAnswerInvalid) -> None:
        super().__init__(str(answer_error))
        self.answer_error = answer_error


def _log_unusable(state: RetryCallState) -> None:
    exc = state.outcome.exception() if state.outcome else None
    log.warning("claude answer %d/%d unusable: %s", state.attempt_number, ANSWER_TRIES, exc)


class ClaudeExtractor:
    """The Extractor protocol on Claude; ``fallback`` (the offline extractor) reads what Claude cannot."""

    name = "claude"

    def __init__(
        self,
        settings: Settings,
        fallback: Extractor,
        *,
        backoff_base_s: float = 1.0,
        call_timeout_s: float | None = None,
        input_tokens_per_call: int | None = None,
    ) -> None:
        self.settings = settings
        self.fallback = fallback
        self.caller = Caller(settings, backoff_base_s=backoff_base_s, call_timeout_s=call_timeout_s)
        self.budget_tokens = input_tokens_per_call or settings.llm_input_tokens_per_call
        self.env = environment()
        self.system = system_prompt(settings, self.env)
        self.schema = output_schema()

    @property
    def usage(self) -> list[dict[str, Any]]:
        return self.caller.usage

    @property
    def backoff_base_s(self) -> float:
        return self.caller.backoff_base_s

    @backoff_base_s.setter
    def backoff_base_s(self, value: float) -> None:
        self.caller.backoff_base_s = value

    def request(self, user: str) -> dict[str, Any]:
        s = self.settings
        return build_request(
            model=s.anthropic_model,
            max_tokens=s.llm_max_tokens,
            effort=s.anthropic_effort,
            system=self.system,
            schema=self.schema,
            user=user,
        )

    # -- the protocol -------------------------------------------------------------------

    async def extract(
        self, sources: list[ThreadMessage], ctx: ExtractionContext, document: HandoffDocument
    ) -> Extraction:
        if not sources:
            return Extraction()
        prov = Provenance(extractor=self.name, model=self.settings.anthropic_model)
        result = Extraction()
        held = document
        read_by: dict[str, set[str]] = {self.name: set(), self.fallback.name: set()}
        queue: deque[list[Piece]] = deque(await self._plan(sources, ctx, held))
        closed: str | None = None  # once Claude cannot be used, the rest goes to the fallback
        while queue:
            batch = queue.popleft()
            ids = list(dict.fromkeys(m.id for m, _ in batch))
            reason = closed
            if reason is None:
                try:
                    part = await self._ask_batch(batch, sources, ctx, held)
                except AnswerCutOff as exc:
                    smaller = halve(batch)
                    if smaller is not None:
                        log.warning("claude answer cut off for %d source part(s); asking again in two", len(batch))
                        queue.extendleft(reversed(smaller))
                        continue
                    reason = _reason(exc)
                except (ExtractorUnavailable, ConfigError) as exc:
                    reason = closed = _reason(exc)
                except ExtractorAnswerInvalid as exc:
                    reason = _reason(exc)
                    if reason.startswith("request refused"):
                        closed = reason  # the same request shape is refused for every batch
                else:
                    read_by[self.name].update(ids)
                    held = merge_extraction(held, part)
                    result = combine(result, part)
                    continue
            log.error("claude could not read %d source(s) (%s); using %s", len(ids), reason, self.fallback.name)
            part = await self.fallback.extract([m for m, _ in batch], ctx, held)
            part.provenance = None
            read_by[self.fallback.name].update(ids)
            prov.fallbacks.append(
                Fallback(step="extract", reason=reason, sources=ids, extractor=self.fallback.name, at=now_iso())
            )
            held = merge_extraction(held, part)
            result = combine(result, part)
        claude_only = read_by[self.name] - read_by[self.fallback.name]
        prov.sources_read = {
            name: n
            for name, n in ((self.name, len(claude_only)), (self.fallback.name, len(read_by[self.fallback.name])))
            if n
        }
        result.provenance = prov
        result.sections.rep_perspective = []  # only the rep's reply supplies it
        # whether a promise was kept is read from the mail the same way whoever wrote the promise
        units = read_units(sources, ctx, document)
        result.sections.commitments += mark_kept(units, result.sections.commitments, document, result.contract_signed)
        return result

    async def read_answers(
        self,
        reply: ThreadMessage,
        ctx: ExtractionContext,
        document: HandoffDocument,
        questions: list[Question],
    ) -> Extraction:
        prompt = answers_prompt(self.env, reply, ctx, document, questions, self.settings.llm_summary_tokens)
        try:
            return await self._ask(prompt, [reply], [reply], ctx, document, "answers")
        except (ExtractorUnavailable, ExtractorAnswerInvalid, ConfigError) as exc:
            reason = _reason(exc)
            log.error("claude could not read the rep's answers (%s); using %s", reason, self.fallback.name)
            extraction = await self.fallback.read_answers(reply, ctx, document, questions)
            extraction.provenance = Provenance(
                extractor=self.name,
                model=self.settings.anthropic_model,
                fallbacks=[
                    Fallback(
                        step="answers", reason=reason, sources=[reply.id], extractor=self.fallback.name, at=now_iso()
                    )
                ],
            )
            return extraction

    # -- usage ----------------------------------------------------------------------------

    def usage_totals(self, account: str | None = None) -> dict[str, int]:
        """Summed token counts (all accounts, or one) and the number of calls."""
        totals = dict.fromkeys(("calls", *USAGE_KEYS), 0)
        for record in self.usage:
            if account is None or record["account"] == account:
                totals["calls"] += 1
                for key in USAGE_KEYS:
                    totals[key] += record[key]
        return totals

    async def aclose(self) -> None:
        await self.caller.aclose()

    # -- internals ------------------------------------------------------------------------

    def fixed_tokens(self, ctx: ExtractionContext, held: HandoffDocument) -> int:
        """The estimated input tokens of a call before any source: system prompt, schema, held summary."""
        empty = extract_prompt(self.env, [], ctx, held, self.settings.llm_summary_tokens)
        return estimate_tokens(self.system) + estimate_tokens(json.dumps(self.schema)) + estimate_tokens(empty)

    async def _plan(
        self, sources: list[ThreadMessage], ctx: ExtractionContext, held: HandoffDocument
    ) -> list[list[Piece]]:
        summary = self.settings.llm_summary_tokens

        def prompt(pieces: list[Piece]) -> str:
            return extract_prompt(self.env, pieces, ctx, held, summary)

        fixed = self.fixed_tokens(ctx, held)

        async def measure(pieces: list[Piece]) -> int:
            counted = await self.caller.count_tokens(self.request(prompt(pieces)))
            return counted if counted is not None else fixed + estimate_tokens(prompt(pieces))

        return await plan_batches(sources, ctx, self.budget_tokens, fixed, measure)

    async def _ask_batch(
        self, batch: list[Piece], sources: list[ThreadMessage], ctx: ExtractionContext, held: HandoffDocument
    ) -> Extraction:
        prompt = extract_prompt(self.env, batch, ctx, held, self.settings.llm_summary_tokens)
        ids = {m.id for m, _ in batch}
        whole = [m for m in sources if m.id in ids]  # quotes are checked against the whole source
        return await self._ask(prompt, [m for m, _ in batch], whole, ctx, held, "extract")

    async def _ask(
        self,
        prompt: str,
        batch: list[ThreadMessage],
        whole: list[ThreadMessage],
        ctx: ExtractionContext,
        held: HandoffDocument,
        purpose: str,
    ) -> Extraction:
        """One question to Claude; an unusable answer is asked again once, then raised."""
        ids = list(dict.fromkeys(m.id for m in batch))
        request = self.request(prompt)
        try:
            async for attempt in AsyncRetrying(
                stop=stop_after_attempt(ANSWER_TRIES),
                retry=retry_if_exception_type(_Unusable),
                after=_log_unusable,
                reraise=True,
            ):
                with attempt:
                    return await self._ask_once(request, ids, whole, ctx, held, purpose)
        except _Unusable as exc:
            raise ExtractorAnswerInvalid(f"answered unusably twice: {exc.answer_error}") from None
        raise AssertionError("unreachable")  # pragma: no cover

    async def _ask_once(
        self,
        request: dict[str, Any],
        ids: list[str],
        whole: list[ThreadMessage],
        ctx: ExtractionContext,
        held: HandoffDocument,
        purpose: str,
    ) -> Extraction:
        message = await self.caller.create(request, ctx.account.domain or ctx.account.name, purpose)
        reader = Reader(
            ctx,
            ids,
            sources=whole,
            held=held_texts(held),
            held_addresses={p.email for p in held.sections.stakeholders if p.email},
        )
        try:
            extraction, problems = extraction_from_answer(answer_data(message), ctx, ids, reader)
        except AnswerCutOff:
            raise
        except ExtractorAnswerInvalid as exc:
            raise _Unusable(exc) from exc
        for line in problems:
            log.warning("claude answer: %s", line)
        verify_quotes(extraction, whole, ctx)
        settle_feelings(extraction, whole)
        return extraction
