"""Bulk re-extraction through the Message Batches API: many accounts read again at half the price of live calls.

What it is for: after a model upgrade or a prompt change, ``run_bulk`` reads every mail
source of the chosen accounts again, from scratch: one batch request per token-sized
part of each account, submitted as one Message Batch; it polls until the batch ends
(reporting progress), reads each result like a live answer (grounded quotes, screening,
provenance; a part that errored, expired or was cut off is read by the offline
extractor and says so), and replaces each account's document with the new reading,
keeping what the rep supplied by reply. The batch id and its parts are logged as an
event, so ``resume=BATCH_ID`` picks up a batch submitted by an interrupted run.
Not for: live extraction (extractor.py) or the command line (agent/cli.py stays thin).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agent.document import SECTION_KEYS, Extraction, Fallback, HandoffDocument, Party, Provenance
from agent.document_store import load_document, save_document
from agent.errors import AccountNotFound, ConfigError, ExtractorAnswerInvalid
from agent.extract.base import ExtractionContext, verify_quotes
from agent.extract.claude.answer import Reader, answer_data, combine, extraction_from_answer, settle_feelings
from agent.extract.claude.batching import Piece, plan_batches
from agent.extract.claude.extractor import ClaudeExtractor, now_iso
from agent.extract.claude.prompt import estimate_tokens, extract_prompt, held_texts
from agent.extract.offline import OfflineExtractor
from agent.merge import merge_extraction
from agent.settings import Settings
from db import repo
from db.models import Account
from db.session import open_existing, session_scope
from mailflows.inbound.mail import ThreadMessage
from mailflows.inbound.signatures import stored_message

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (what, done, total)


@dataclass(slots=True)
class Part:
    account_id: int
    source_ids: list[str]


@dataclass(slots=True)
class Outcome:
    batch_id: str = ""
    accounts: int = 0
    requests: int = 0
    succeeded: int = 0
    fell_back: int = 0
    usage: dict[str, int] = field(default_factory=dict)


def _context(settings: Settings, account: Account, doc: HandoffDocument) -> ExtractionContext:
    return ExtractionContext(
        account=doc.account,
        rep=Party(name=account.rep_name, email=account.rep_email),
        company_domains=settings.own_domains,
        tz=settings.tz,
        competitors=list(settings.competitors),
    )


def _mail_sources(session: Any, account_id: int) -> list[ThreadMessage]:
    """The account's material, without the rep's replies to our drafts (kept from the document instead)."""
    rows = repo.sources_of(session, account_id)
    return [stored_message(r.data) for r in rows if not r.fingerprint.startswith("reply:")]


async def _requests_for(
    extractor: ClaudeExtractor, settings: Settings, engine: Any, keys: list[str] | None
) -> tuple[list[dict[str, Any]], dict[str, Part]]:
    with session_scope(engine) as session:
        if keys:
            accounts = []
            for key in keys:
                found = repo.find_account(session, key)
                if found is None:
                    raise AccountNotFound(f"no account {key!r}; `handoff accounts` lists them")
                accounts.append(found)
        else:
            accounts = repo.list_accounts(session)
        loaded = [(a, load_document(a), _mail_sources(session, a.id)) for a in accounts if a.id is not None]
    requests: list[dict[str, Any]] = []
    parts: dict[str, Part] = {}
    for account, doc, sources in loaded:
        if not sources or account.id is None:
            continue
        ctx = _context(settings, account, doc)
        fresh = HandoffDocument(account=doc.account, contract_signed=doc.contract_signed)
        fixed = extractor.fixed_tokens(ctx, fresh)

        async def estimate(
            pieces: list[Piece], ctx: ExtractionContext = ctx, fresh: HandoffDocument = fresh, fixed: int = fixed
        ) -> int:
            return fixed + estimate_tokens(extract_prompt(extractor.env, pieces, ctx, fresh, 0))

        batches = await plan_batches(sources, ctx, extractor.budget_tokens, fixed, estimate)
        for n, batch in enumerate(batches):
            custom_id = f"a{account.id}-p{n}"
            prompt = extract_prompt(extractor.env, batch, ctx, fresh, settings.llm_summary_tokens)
            requests.append({"custom_id": custom_id, "params": extractor.request(prompt)})
            parts[custom_id] = Part(account.id, list(dict.fromkeys(m.id for m, _ in batch)))
    return requests, parts


def _read_result(
    extractor: ClaudeExtractor, result: Any, part: Part, sources: list[ThreadMessage], ctx: ExtractionContext
) -> Extraction:
    if result.type != "succeeded":
        detail = getattr(getattr(getattr(result, "error", None), "error", None), "message", "")
        raise ExtractorAnswerInvalid(f"batch request {result.type}{': ' + detail if detail else ''}")
    message = result.message
    extractor.caller.record(message, ctx.account.domain or ctx.account.name, "bulk")
    whole = [m for m in sources if m.id in part.source_ids]
    reader = Reader(ctx, part.source_ids, sources=whole, held=held_texts(HandoffDocument(account=ctx.account)))
    extraction, problems = extraction_from_answer(answer_data(message), ctx, part.source_ids, reader)
    for line in problems:
        log.warning("claude bulk answer: %s", line)
    verify_quotes(extraction, whole, ctx)
    settle_feelings(extraction, whole)
    return extraction


def _keep_rep_supplied(old: HandoffDocument, new: HandoffDocument, reply_ids: set[str]) -> None:
    """What the rep supplied by reply stays: items citing only the rep's replies, and the rep perspective."""
    for key in SECTION_KEYS:
        if key == "stakeholders":
            continue
        kept = [i for i in old.sections.items(key) if key == "rep_perspective" or set(i.source_ids) <= reply_ids]
        setattr(new.sections, key, [*new.sections.items(key), *(i for i in kept if i.source_ids)])


async def _apply(
    extractor: ClaudeExtractor,
    settings: Settings,
    engine: Any,
    results: dict[str, Any],
    parts: dict[str, Part],
    batch_id: str,
) -> Outcome:
    out = Outcome(batch_id=batch_id, requests=len(parts))
    by_account: dict[int, list[str]] = {}
    for custom_id, part in parts.items():
        by_account.setdefault(part.account_id, []).append(custom_id)
    for account_id, custom_ids in by_account.items():
        with session_scope(engine) as session:
            account = session.get(Account, account_id)
            if account is None:
                continue
            doc = load_document(account)
            sources = _mail_sources(session, account_id)
            reply_ids = {
                r.source_id for r in repo.sources_of(session, account_id) if r.fingerprint.startswith("reply:")
            }
            ctx = _context(settings, account, doc)
        combined = Extraction()
        prov = Provenance(extractor=extractor.name, model=settings.anthropic_model)
        read_by: dict[str, set[str]] = {extractor.name: set(), extractor.fallback.name: set()}
        for custom_id in custom_ids:
            part = parts[custom_id]
            try:
                extraction = _read_result(extractor, results.get(custom_id), part, sources, ctx)
                read_by[extractor.name].update(part.source_ids)
                out.succeeded += 1
            except (ExtractorAnswerInvalid, AttributeError) as exc:
                reason = str(exc) if isinstance(exc, ExtractorAnswerInvalid) else "no result for this request"
                whole = [m for m in sources if m.id in part.source_ids]
                extraction = await extractor.fallback.extract(whole, ctx, HandoffDocument(account=ctx.account))
                extraction.provenance = None
                read_by[extractor.fallback.name].update(part.source_ids)
                prov.fallbacks.append(
                    Fallback(
                        reason=reason[:200], sources=part.source_ids, extractor=extractor.fallback.name, at=now_iso()
                    )
                )
                out.fell_back += 1
            combined = combine(combined, extraction)
        only = read_by[extractor.name] - read_by[extractor.fallback.name]
        prov.sources_read = {k: n for k, n in ((extractor.name, len(only)), (extractor.fallback.name, len(read_by[extractor.fallback.name]))) if n}  # fmt: skip
        combined.provenance = prov
        combined.sections.rep_perspective = []
        with session_scope(engine) as session:
            account = repo.lock_account(session, account_id)
            old = load_document(account)
            new = HandoffDocument(account=old.account, contract_signed=old.contract_signed)
            new = merge_extraction(new, combined, in_place=True)
            _keep_rep_supplied(old, new, reply_ids)
            save_document(account, new, repo.source_dates(session, account_id))
            repo.log_event(session, "reextracted", account_id, batch=out.batch_id, parts=len(custom_ids))
        out.accounts += 1
    out.usage = extractor.usage_totals()
    return out


async def run_bulk(
    settings: Settings,
    accounts: list[str] | None,
    *,
    extractor: ClaudeExtractor,
    resume: str | None = None,
    poll_s: float = 30.0,
    progress: Progress | None = None,
) -> Outcome:
    """Re-extract ``accounts`` (None: every account) through one Message Batch; ``resume`` an earlier one."""
    engine = open_existing(settings.database_url)
    try:
        report = progress or (lambda what, done, total: None)
        client = extractor.caller.client()
        if resume:
            with session_scope(engine) as session:
                events = [
                    e
                    for e in repo.events_since(session, kinds=["reextract_submitted"])
                    if e.data.get("batch") == resume
                ]
            if not events:
                raise AccountNotFound(f"no re-extraction batch {resume!r} was submitted from this database")
            parts = {k: Part(v[0], v[1]) for k, v in events[-1].data["parts"].items()}
            batch_id = resume
        else:
            requests, parts = await _requests_for(extractor, settings, engine, accounts)
            if not requests:
                return Outcome()
            report("submitting", 0, len(requests))
            batch = await extractor.caller.retrying(lambda: client.messages.batches.create(requests=requests))  # type: ignore[arg-type]
            batch_id = batch.id
            with session_scope(engine) as session:
                data = {k: [p.account_id, p.source_ids] for k, p in parts.items()}
                repo.log_event(session, "reextract_submitted", None, batch=batch_id, parts=data)
        while True:
            batch = await client.messages.batches.retrieve(batch_id)
            counts = batch.request_counts
            done = counts.succeeded + counts.errored + counts.canceled + counts.expired
            report(f"batch {batch_id} {batch.processing_status}", done, len(parts))
            if batch.processing_status == "ended":
                break
            await asyncio.sleep(poll_s)
        results = {r.custom_id: r.result async for r in await client.messages.batches.results(batch_id)}
        report("applying", 0, len(parts))
        outcome = await _apply(extractor, settings, engine, results, parts, batch_id)
        report("done", len(parts), len(parts))
        return outcome
    finally:
        engine.dispose()


async def reextract(
    settings: Settings,
    accounts: list[str] | None,
    *,
    resume: str | None = None,
    poll_s: float = 30.0,
    progress: Progress | None = None,
) -> Outcome:
    """``run_bulk`` with the configured Claude extractor (the offline one reads what fails), closed after."""
    if settings.extractor_name != "claude" or not settings.anthropic_api_key:
        raise ConfigError("re-extraction reads with Claude: set ANTHROPIC_API_KEY (and not HANDOFF_EXTRACTOR=offline)")
    extractor = ClaudeExtractor(settings, OfflineExtractor(competitors=settings.competitors))
    try:
        return await run_bulk(settings, accounts, extractor=extractor, resume=resume, poll_s=poll_s, progress=progress)
    finally:
        await extractor.aclose()
