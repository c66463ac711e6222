"""Queries: every read and write the service makes, in one place.

What it is for: small functions over a ``Session`` so that jobs, the CLI and the
intake never write SQL themselves, and so that idempotency lives next to the data
(Message-ID dedupe on intake, source fingerprints, outbound keys).
Not for: transactions (the caller's ``session_scope``) or business rules.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from db.models import Account, Event, Inbound, Outbound, Source, utcnow


def message_id_of(raw: bytes) -> str:
    """The Message-ID header, or a stable id made from the bytes when there is none."""
    head = raw[:65536].split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    match = re.search(rb"(?im)^message-id:[ \t]*(<[^>\r\n]{1,900}>)", head)
    if match:
        return match.group(1).decode("ascii", "replace")
    return f"<sha256-{hashlib.sha256(raw).hexdigest()[:32]}@handoff.invalid>"


# -- inbound --------------------------------------------------------------------------


def store_inbound(
    session: Session, raw: bytes, *, mail_from: str, rcpt_to: Sequence[str], channel: str
) -> tuple[Inbound, bool]:
    """Store a raw message once per Message-ID; returns (row, created)."""
    message_id = message_id_of(raw)
    existing = session.exec(select(Inbound).where(Inbound.message_id == message_id)).first()
    if existing is not None:
        return existing, False
    row = Inbound(message_id=message_id, raw=raw, mail_from=mail_from, rcpt_to=list(rcpt_to), channel=channel)
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        existing = session.exec(select(Inbound).where(Inbound.message_id == message_id)).one()
        return existing, False
    return row, True


def pending_inbound_ids(session: Session) -> list[int]:
    rows = session.exec(select(Inbound.id).where(Inbound.status == "pending").order_by(Inbound.id))
    return [i for i in rows if i is not None]


def quarantined(session: Session) -> list[Inbound]:
    return list(session.exec(select(Inbound).where(Inbound.status == "quarantined").order_by(Inbound.id)))


# -- accounts -------------------------------------------------------------------------


def account_by_token(session: Session, token: str) -> Account | None:
    return session.exec(select(Account).where(Account.token == token)).first()


def account_by_domain(session: Session, domain: str) -> Account | None:
    return session.exec(select(Account).where(Account.domain == domain.lower())).first()


def find_account(session: Session, key: str) -> Account | None:
    """By domain, exact name, or a unique case-insensitive name prefix."""
    key = key.strip()
    found = account_by_domain(session, key)
    if found is not None:
        return found
    rows = list(
        session.exec(
            select(Account).where(or_(func.lower(Account.name) == key.lower(), Account.domain.startswith(key.lower())))  # type: ignore[union-attr]
        )
    )
    if len(rows) == 1:
        return rows[0]
    rows = list(session.exec(select(Account).where(func.lower(Account.name).startswith(key.lower()))))
    return rows[0] if len(rows) == 1 else None


def account_by_name(session: Session, name: str) -> Account | None:
    return session.exec(select(Account).where(func.lower(Account.name) == name.strip().lower())).first()


def list_accounts(session: Session) -> list[Account]:
    return list(session.exec(select(Account).order_by(Account.name)))


def accounts_due_for_draft(session: Session, now: datetime) -> list[Account]:
    return list(
        session.exec(select(Account).where(Account.draft_due_at.is_not(None), Account.draft_due_at <= now))  # type: ignore[union-attr]
    )


def lock_account(session: Session, account_id: int) -> Account:
    """Load an account for update (a row lock on PostgreSQL; SQLite serializes writers anyway)."""
    stmt = select(Account).where(Account.id == account_id)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return session.exec(stmt).one()


# -- sources --------------------------------------------------------------------------


def add_source(session: Session, account_id: int, inbound_id: int | None, **fields: Any) -> Source | None:
    """Add a source unless the account already has it (same id or same fingerprint)."""
    dup = session.exec(
        select(Source.id).where(
            Source.account_id == account_id,
            or_(Source.source_id == fields["source_id"], Source.fingerprint == fields.get("fingerprint", "")),
        )
    ).first()
    if dup is not None:
        return None
    row = Source(account_id=account_id, inbound_id=inbound_id, **fields)
    session.add(row)
    session.flush()
    return row


def sources_of(session: Session, account_id: int, *, unextracted: bool = False) -> list[Source]:
    stmt = select(Source).where(Source.account_id == account_id)
    if unextracted:
        stmt = stmt.where(Source.extracted == False)  # noqa: E712
    return list(session.exec(stmt.order_by(Source.date, Source.id)))  # type: ignore[arg-type]


# -- outbound -------------------------------------------------------------------------


def add_outbound(session: Session, row: Outbound) -> tuple[Outbound, bool]:
    """Insert an outgoing message once per key; returns (row, created)."""
    existing = session.exec(select(Outbound).where(Outbound.key == row.key)).first()
    if existing is not None:
        return existing, False
    session.add(row)
    session.flush()
    return row, True


def pending_outbound(session: Session) -> list[Outbound]:
    return list(session.exec(select(Outbound).where(Outbound.status == "pending").order_by(Outbound.id)))


def outbound_of(session: Session, account_id: int, kind: str | None = None) -> list[Outbound]:
    stmt = select(Outbound).where(Outbound.account_id == account_id)
    if kind:
        stmt = stmt.where(Outbound.kind == kind)
    return list(session.exec(stmt.order_by(Outbound.id)))


def count_auto_replies_since(session: Session, recipient: str, since: datetime) -> int:
    rows = session.exec(select(Outbound.recipients).where(Outbound.kind == "notice", Outbound.created_at >= since))
    return sum(1 for recipients in rows if recipient.lower() in (r.lower() for r in recipients))


# -- events ---------------------------------------------------------------------------


def log_event(session: Session, kind: str, account_id: int | None = None, **data: Any) -> None:
    session.add(Event(kind=kind, account_id=account_id, data=data, at=utcnow()))


def events_of(session: Session, account_id: int) -> list[Event]:
    return list(session.exec(select(Event).where(Event.account_id == account_id).order_by(Event.id)))
