"""Where an account's handoff document is kept: read it, bring it up to date, store it back.

What it is for: ``load_document`` (the stored JSON as a ``HandoffDocument``),
``refresh_document`` (the account's own facts — names, parties, status — into the
document, in an order that does not depend on the order sources were read) and
``save_document`` (that, stored on the account). Every step that changes a document
goes through these. The export's ``sources`` list is not stored with the document: the
account's source rows are that list, and a long deal would otherwise rewrite (and read,
and validate) every source on every message. ``with_sources`` and ``full_document``
attach it where a whole document leaves the service (the final mail, a snapshot, an
export, the web page). Not for: reading sources (agent/extract/runner.py) or SQL (db/).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from agent.document import (
    SECTION_KEYS,
    STATUSES,
    Evidence,
    HandoffDocument,
    Party,
    Quote,
    SourceKind,
    SourceRef,
    fold,
    neutral_evidence_kept,
)
from db import repo
from db.models import Account, as_utc, id_of
from db.repo import SourceEntry

_KIND_FOR_EXPORT: dict[str, SourceKind] = {
    "email": "email",
    "forwarded": "email",
    "attached": "email",
    "transcript": "transcript",
    "note": "note",
    "crm": "crm",
    "calendar": "attachment",
}


def export_kind(kind: str) -> SourceKind:
    """The export contract's source kind for a stored message kind."""
    return _KIND_FOR_EXPORT.get(kind, "attachment")


def source_refs(sources: Sequence[SourceEntry]) -> list[SourceRef]:
    """The export's ``sources``, from the indexed columns (the stored message is not re-read)."""
    refs = []
    for row in sources:
        sender = f"{row.from_name} <{row.from_email}>" if row.from_name and row.from_email else row.from_email
        # model_construct: the values come from our own columns (validated when stored), and an
        # account's sources are rebuilt on every message, so validation would grow with the account.
        refs.append(
            SourceRef.model_construct(
                id=row.source_id,
                kind=export_kind(row.kind),
                date=as_utc(row.date).isoformat() if row.date else None,
                from_=sender,
                subject=row.subject,
            )
        )
    return refs


def load_document(account: Account) -> HandoffDocument:
    """The stored document, without its ``sources`` (a document stored before they moved out keeps them unread)."""
    return HandoffDocument.model_validate({k: v for k, v in account.document.items() if k != "sources"})


def with_sources(doc: HandoffDocument, sources: Sequence[SourceEntry]) -> HandoffDocument:
    """``doc`` with its export's ``sources``: every source the account has read, oldest first."""
    doc.sources = source_refs(sources)
    return doc


def full_document(session: Session, account: Account) -> HandoffDocument:
    """The account's whole document as it is exported: the stored one and its sources."""
    return with_sources(load_document(account), repo.source_index(session, id_of(account)))


def stored_form(doc: HandoffDocument) -> dict[str, Any]:
    """What ``account.document`` holds: the export without ``sources`` (those are the account's source rows)."""
    sources, doc.sources = doc.sources, []
    try:
        out = doc.export()
    finally:
        doc.sources = sources
    del out["sources"]
    return out


def canonicalize(doc: HandoffDocument, source_dates: Mapping[str, datetime]) -> None:
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
        for piece in person.sentiment_evidence:  # a transcript read before their mail names them; their address wins
            if person.email and fold(piece.speaker or "") == fold(person.name):
                piece.speaker = person.email
        person.sentiment_evidence = evidence_order(neutral_evidence_kept(person.sentiment_evidence))
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


def save_document(account: Account, doc: HandoffDocument, source_dates: Mapping[str, datetime]) -> None:
    """Bring ``doc`` up to date with the account (``refresh_document``) and store it on the account.

    ``source_dates``: ``repo.source_dates`` (or ``dates_of`` a source index already loaded).
    """
    refresh_document(account, doc, source_dates)
    account.document = stored_form(doc)


def dates_of(sources: Sequence[SourceEntry]) -> dict[str, datetime]:
    return {row.source_id: row.date for row in sources if row.date is not None}


def refresh_document(account: Account, doc: HandoffDocument, source_dates: Mapping[str, datetime]) -> None:
    """The account's own facts (names, parties, status) into ``doc``, in canonical order."""
    canonicalize(doc, source_dates)
    doc.account.name = account.name
    doc.account.domain = account.domain
    doc.rep = Party(name=account.rep_name, email=account.rep_email)
    doc.csm = Party(name=account.csm_name, email=account.csm_email) if account.csm_email else None
    doc.contract_signed = account.contract_signed or doc.contract_signed
    doc.status = STATUSES[account.status]
