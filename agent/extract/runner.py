"""The extract step: read an account's new sources and fold what they say into its document.

What it is for: load the sources not yet read, call the configured extractor with only
those (incremental: nothing is re-read), check its quotes, merge into the stored
document, mark the sources read and count the tokens spent; ``rebuild_document`` reads them all
again into a new document. Not for: the extraction
rules themselves (offline.py, claude.py) or how a document is stored
(agent/document_store.py).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from agent.context import App
from agent.document import SECTION_KEYS, AccountInfo, HandoffDocument, Party
from agent.document_store import load_document, save_document
from agent.extract.assemble import assemble
from agent.extract.base import ExtractionContext, stamp_provenance, verify_quotes
from agent.merge import merge_extraction
from agent.wording import note_rep_words
from db import repo
from db.models import Account
from db.session import session_scope
from mailflows.inbound.mail import ThreadMessage
from mailflows.inbound.signatures import stored_message

log = logging.getLogger(__name__)


def context_for(app: App, account: Account, doc: HandoffDocument) -> ExtractionContext:
    return ExtractionContext(
        account=doc.account,
        rep=Party(name=account.rep_name, email=account.rep_email),
        company_domains=app.settings.own_domains,
        tz=app.settings.tz,
        competitors=list(app.settings.competitors),
    )


async def extract_new_sources(app: App, account_id: int) -> int:
    """Read the account's unread sources into its document; returns how many were read."""
    # One reader per account at a time: two workers must not read (and pay for) the same sources twice.
    async with app.locks.hold(f"account:{account_id}"):
        return await _extract_locked(app, account_id)


async def rebuild_document(app: App, account_id: int) -> int:
    """Read all of the account's material again into a new document; returns how many sources were read.

    The path for when the extraction rules change: the sources are read again message by
    message, in the order they came, into an empty document, and the document each message
    folded into as it came is what that gives (tests/test_incremental.py holds the two equal).
    The rep's replies are not read again (their answers were applied when they came): items
    citing only replies are kept.
    """
    async with app.locks.hold(f"account:{account_id}"):
        with session_scope(app.engine) as session:
            account = repo.lock_account(session, account_id)
            old = load_document(account)
            replies = {
                row.source_id for row in repo.source_index(session, account_id) if row.fingerprint.startswith("reply:")
            }
            fresh = HandoffDocument(account=AccountInfo(name=account.name, domain=account.domain))
            for key in SECTION_KEYS:
                if key != "stakeholders":
                    kept = [i for i in old.sections.items(key) if i.source_ids and set(i.source_ids) <= replies]
                    setattr(fresh.sections, key, kept)
            save_document(account, fresh, repo.source_dates(session, account_id))
            repo.mark_unextracted(session, account_id, but=replies)
            due = account.draft_due_at
            arrivals = sorted(
                {row.inbound_id for row in repo.sources_of(session, account_id, unextracted=True)},
                key=lambda i: (i is None, i or 0),
            )
        # message by message, in the order they came: what each read added is what it adds again
        read = 0
        for arrival in arrivals:
            read += await _extract_locked(app, account_id, arrival=arrival, by_arrival=True)
        with session_scope(app.engine) as session:
            repo.lock_account(session, account_id).draft_due_at = due  # the same content: no new draft for it
        return read


async def _extract_locked(app: App, account_id: int, *, arrival: int | None = None, by_arrival: bool = False) -> int:
    """Read the unread sources (``by_arrival``: only those that came with inbound message ``arrival``)."""
    with session_scope(app.engine) as session:
        account = session.get(Account, account_id)
        if account is None:
            return 0
        new_rows = repo.sources_of(session, account_id, unextracted=True, inbound_id=arrival)
        if by_arrival:
            new_rows = [row for row in new_rows if row.inbound_id == arrival]
        doc = load_document(account)
        ctx = context_for(app, account, doc)
    if not new_rows:
        return 0
    messages = [stored_message(row.data) for row in new_rows]
    ledger = getattr(app.extractor, "usage", None)
    seen = len(ledger) if isinstance(ledger, list) else 0
    extraction = await app.extractor.extract(messages, ctx, doc)
    spent = _usage_since(ledger, seen, ctx.account.domain or ctx.account.name)
    stamp_provenance(extraction, app.extractor.name, messages)
    verify_quotes(extraction, messages, ctx)
    order = [m.id for m in sorted(messages, key=lambda m: m.date.timestamp() if m.date else float("inf"))]
    for change in assemble(extraction, doc, refile=app.extractor.name != "offline", source_order=order):
        log.info("assembly: %s", change)
    with session_scope(app.engine) as session:
        account = repo.lock_account(session, account_id)
        doc = merge_extraction(load_document(account), extraction, in_place=True)
        note_rep_words(doc, [m.body for m in messages if _rep_wrote(m, ctx)], app.settings.document_language)
        if extraction.contract_signed and not account.contract_signed:
            account.contract_signed = extraction.contract_signed
        for note in extraction.notes:
            if note not in account.notes:
                account.notes = [*account.notes, note]
        repo.mark_extracted(session, [row.id for row in new_rows if row.id is not None])
        save_document(account, doc, repo.source_dates(session, account_id))
        account.updated_at = app.now()
        # The debounce counts from when the material was read, so a burst of forwards gives one draft.
        account.draft_due_at = app.now() + timedelta(seconds=app.settings.debounce_s)
        if spent:
            totals = dict(account.extractor_usage)
            for key, value in spent.items():
                totals[key] = totals.get(key, 0) + value
            account.extractor_usage = totals
        repo.log_event(
            session,
            "extracted",
            account_id,
            sources=len(new_rows),
            extractor=app.extractor.name,
            usage=spent,
            at=app.now(),
        )
    return len(new_rows)


def _rep_wrote(message: ThreadMessage, ctx: ExtractionContext) -> bool:
    """The rep's own words: a note or mail the rep typed (not a quote, a forward or an attachment)."""
    sender = message.sender.email.lower() if message.sender else ""
    return message.own_text and message.kind in ("email", "note") and sender == ctx.rep.email.lower()


_USAGE_KEYS = ("input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")


def _usage_since(ledger: object, start: int, account_key: str | None) -> dict[str, int]:
    """Token usage the extractor recorded for this account since ``start`` (LLM extractors keep a ledger)."""
    if not isinstance(ledger, list):
        return {}
    spent: dict[str, int] = {}
    for record in ledger[start:]:
        if record.get("account") != account_key:
            continue
        spent["calls"] = spent.get("calls", 0) + 1
        for key in _USAGE_KEYS:
            spent[key] = spent.get(key, 0) + int(record.get(key) or 0)
    return spent
