"""Run the extractor over an account's new sources and fold the result into its document.

What it is for: the extract step of the flow — load the sources not yet read, call
the configured extractor with only those (incremental: nothing is re-read), check
its quotes, merge into the stored document, and mark the sources read.
Not for: the extraction rules themselves (offline.py, claude.py).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from agent.document import SECTION_KEYS, Evidence, HandoffDocument, Party, Quote, SourceRef, fold, merge_extraction
from agent.extract.assemble import assemble
from agent.extract.base import ExtractionContext, verify_quotes
from db import repo
from db.models import Account, as_utc
from db.repo import SourceEntry
from db.session import session_scope
from mailflows.parsed import ThreadMessage

if TYPE_CHECKING:
    from agent.app import App

log = logging.getLogger(__name__)


def context_for(app: App, account: Account, doc: HandoffDocument) -> ExtractionContext:
    return ExtractionContext(
        account=doc.account,
        rep=Party(name=account.rep_name, email=account.rep_email),
        company_domains=app.settings.own_domains,
        tz=app.settings.tz,
        competitors=list(app.settings.competitors),
    )


def source_refs(sources: Sequence[SourceEntry]) -> list[SourceRef]:
    """The export's ``sources``, from the indexed columns (the stored message is not re-read)."""
    from agent.accounts import export_kind

    refs = []
    for row in sources:
        sender = f"{row.from_name} <{row.from_email}>" if row.from_name and row.from_email else row.from_email
        # model_construct: the values come from our own columns (validated when stored), and an
        # account's sources are rebuilt on every message, so validation would grow with the account.
        refs.append(
            SourceRef.model_construct(
                id=row.source_id,
                kind=export_kind(row.kind),
                date=as_utc(row.date).isoformat() if row.date else None,  # type: ignore[union-attr]
                from_=sender,
                subject=row.subject,
            )
        )
    return refs


def load_document(account: Account) -> HandoffDocument:
    return HandoffDocument.model_validate(account.document)


def canonicalize(doc: HandoffDocument, source_dates: dict[str, datetime]) -> None:
    """Make the document independent of the order its sources were read in.

    A quote's speaker is the stakeholder's name whenever the name is known (the address
    otherwise), and items are listed by their earliest source, then by text, so a crash,
    a retry or a second worker reading messages in another order gives the same handoff.
    """
    names = {p.email.lower(): p.name for p in doc.sections.stakeholders if p.email and p.name}
    never = datetime.max.replace(tzinfo=UTC)

    def first_seen(ids: list[str]) -> datetime:
        return min((as_utc(source_dates[i]) or never for i in ids if i in source_dates), default=never)

    def speak(quotes: list[Quote]) -> None:
        for quote in quotes:
            quote.speaker = names.get(quote.speaker.lower(), quote.speaker)

    def by_date(ids: list[str]) -> list[str]:
        return sorted(ids, key=lambda i: (as_utc(source_dates.get(i)) or never, i))

    def evidence_order(pieces: list[Evidence]) -> list[Evidence]:
        return sorted(pieces, key=lambda e: (first_seen([e.source_id]), fold(e.text)))

    for person in doc.sections.stakeholders:
        speak(person.quotes)
        person.source_ids = by_date(person.source_ids)
        person.sentiment_evidence = evidence_order(person.sentiment_evidence)
        person.sentiment_history.sort(key=lambda point: (str(point.date or ""), point.source_id))
    doc.urgency.reasons.sort(key=fold)
    doc.urgency.dates.sort()
    doc.urgency.evidence = evidence_order(doc.urgency.evidence)
    doc.sections.stakeholders.sort(key=lambda p: (first_seen(p.source_ids), fold(p.name)))
    for key in SECTION_KEYS:
        if key == "stakeholders":
            continue
        items = doc.sections.items(key)
        for item in items:
            speak(item.quotes)
            item.source_ids = by_date(item.source_ids)
        items.sort(key=lambda i: (first_seen(i.source_ids), fold(i.text)))
    for item in doc.relationship:
        speak(item.quotes)
        item.source_ids = by_date(item.source_ids)
    doc.relationship.sort(key=lambda i: (first_seen(i.source_ids), fold(i.text)))


def save_document(account: Account, doc: HandoffDocument, sources: Sequence[SourceEntry]) -> None:
    """Bring ``doc`` up to date with the account (``refresh_document``) and store it on the account."""
    refresh_document(account, doc, sources)
    account.document = doc.export()


def refresh_document(account: Account, doc: HandoffDocument, sources: Sequence[SourceEntry]) -> None:
    """The account's own facts (names, parties, status, sources) into ``doc``, in canonical order."""
    canonicalize(doc, {row.source_id: row.date for row in sources if row.date is not None})
    doc.account.name = account.name
    doc.account.domain = account.domain
    doc.rep = Party(name=account.rep_name, email=account.rep_email)
    doc.csm = Party(name=account.csm_name, email=account.csm_email) if account.csm_email else None
    doc.contract_signed = account.contract_signed or doc.contract_signed
    doc.status = account.status  # type: ignore[assignment]
    doc.sources = source_refs(sources)


async def extract_new_sources(app: App, account_id: int) -> int:
    """Read the account's unread sources into its document; returns how many were read."""
    # One reader per account at a time: two workers must not read (and pay for) the same sources twice.
    async with app.locks.hold(f"account:{account_id}"):
        return await _extract_locked(app, account_id)


async def _extract_locked(app: App, account_id: int) -> int:
    with session_scope(app.engine) as session:
        account = session.get(Account, account_id)
        if account is None:
            return 0
        new_rows = repo.sources_of(session, account_id, unextracted=True)
        doc = load_document(account)
        ctx = context_for(app, account, doc)
    if not new_rows:
        return 0
    messages = [ThreadMessage.from_dict(row.data) for row in new_rows]
    ledger = getattr(app.extractor, "usage", None)
    seen = len(ledger) if isinstance(ledger, list) else 0
    extraction = await app.extractor.extract(messages, ctx, doc)
    spent = _usage_since(ledger, seen, ctx.account.domain or ctx.account.name)
    verify_quotes(extraction, messages, ctx)
    order = [m.id for m in sorted(messages, key=lambda m: m.date.timestamp() if m.date else float("inf"))]
    for change in assemble(extraction, doc, refile=app.extractor.name != "offline", source_order=order):
        log.info("assembly: %s", change)
    with session_scope(app.engine) as session:
        account = repo.lock_account(session, account_id)
        doc = merge_extraction(load_document(account), extraction, in_place=True)
        if extraction.contract_signed and not account.contract_signed:
            account.contract_signed = extraction.contract_signed
        for note in extraction.notes:
            if note not in account.notes:
                account.notes = [*account.notes, note]
        repo.mark_extracted(session, [row.id for row in new_rows if row.id is not None])
        save_document(account, doc, repo.source_index(session, account_id))
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
