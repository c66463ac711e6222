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
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Engine, func, or_, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, SQLModel, col, select

from agent.errors import StorageUnavailable
from db.models import (
    Account,
    CheckbackSetting,
    Event,
    Feedback,
    Inbound,
    Outbound,
    Snapshot,
    Source,
    WebhookDelivery,
    utcnow,
)

_Row = TypeVar("_Row", bound=SQLModel)


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


@dataclass(frozen=True, slots=True)
class RawMail:
    raw: bytes
    mail_from: str
    rcpt_to: Sequence[str]
    channel: str


def insert_inbound(
    engine: Engine, raw: bytes, *, mail_from: str, rcpt_to: Sequence[str], channel: str
) -> tuple[int, bool]:
    """Store one raw message, committed; returns (id, created)."""
    return insert_inbound_batch(engine, [RawMail(raw, mail_from, rcpt_to, channel)])[0]


def insert_inbound_batch(engine: Engine, mails: Sequence[RawMail]) -> list[tuple[int, bool]]:
    """The intake's hot path: INSERT ... ON CONFLICT DO NOTHING per message, one commit for all.

    Core rather than the ORM (the ORM round trip was the biggest cost), the Message-ID's
    unique index does the dedupe in the same statement, and one commit for a batch of
    messages that arrived together (group commit) is what lets concurrent clients scale.
    """
    insert = sqlite_insert if engine.dialect.name == "sqlite" else pg_insert
    results: list[tuple[int, bool]] = []
    try:
        with engine.begin() as conn:
            for mail in mails:
                message_id = message_id_of(mail.raw)
                values = {
                    "message_id": message_id,
                    "raw": mail.raw,
                    "mail_from": mail.mail_from,
                    "rcpt_to": list(mail.rcpt_to),
                    "channel": mail.channel,
                    "received_at": utcnow(),
                    "status": "pending",
                    "attempts": 0,
                }
                stmt = (
                    insert(Inbound)
                    .values(**values)
                    .on_conflict_do_nothing(index_elements=["message_id"])
                    .returning(col(Inbound.id))
                )  # type: ignore[attr-defined]
                new_id = conn.execute(stmt).scalar()
                if new_id is not None:
                    results.append((int(new_id), True))
                    continue
                existing = conn.execute(select(Inbound.id).where(Inbound.message_id == message_id)).scalar_one()
                results.append((int(existing), False))
    except OperationalError as exc:
        raise StorageUnavailable(f"database did not answer: {exc.orig}") from exc
    return results


def pending_inbound_ids(session: Session) -> list[int]:
    rows = session.exec(select(Inbound.id).where(Inbound.status == "pending").order_by(col(Inbound.id)))
    return [i for i in rows if i is not None]


def set_inbound_account(session: Session, inbound_id: int, account_id: int) -> None:
    session.execute(update(Inbound).where(col(Inbound.id) == inbound_id).values(account_id=account_id))


def finish_inbound(
    session: Session, inbound_id: int, *, status: str, disposition: str, at: datetime, account_id: int | None
) -> None:
    """Record how a message was handled (without loading its stored bytes again)."""
    values: dict[str, Any] = {"status": status, "disposition": disposition, "processed_at": at}
    if account_id is not None:
        values["account_id"] = func.coalesce(col(Inbound.account_id), account_id)
    session.execute(update(Inbound).where(col(Inbound.id) == inbound_id).values(**values))


def move_inbound(session: Session, from_account: int, to_account: int) -> None:
    session.execute(
        update(Inbound).where(Inbound.account_id == from_account).values(account_id=to_account)  # type: ignore[arg-type]
    )


def quarantined(session: Session) -> list[Inbound]:
    return list(session.exec(select(Inbound).where(Inbound.status == "quarantined").order_by(col(Inbound.id))))


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
            select(Account).where(
                or_(func.lower(Account.name) == key.lower(), col(Account.domain).startswith(key.lower()))
            )
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


def accounts_of_rep(session: Session, rep_email: str, *, open_only: bool = False) -> list[Account]:
    stmt = select(Account).where(Account.rep_email == rep_email.lower())
    if open_only:
        stmt = stmt.where(Account.status != "delivered")
    return list(session.exec(stmt.order_by(Account.id)))  # type: ignore[arg-type]


def account_names_of_rep(
    session: Session, rep_email: str, *, open_only: bool = False
) -> list[tuple[int, str | None, str]]:
    """(id, domain, name) of the rep's accounts, oldest first: without loading their documents."""
    stmt = sa_select(col(Account.id), col(Account.domain), col(Account.name)).where(
        col(Account.rep_email) == rep_email.lower()
    )
    if open_only:
        stmt = stmt.where(col(Account.status) != "delivered")
    return [(int(i), d, n) for i, d, n in session.execute(stmt.order_by(col(Account.id)))]


def open_accounts_per_csm(session: Session) -> dict[str, int]:
    """How many accounts not yet delivered each CSM holds (the roster's load), counted in the database."""
    stmt = (
        sa_select(col(Account.csm_email), func.count())
        .where(col(Account.csm_email).is_not(None), col(Account.status) != "delivered")
        .group_by(col(Account.csm_email))
    )
    return {email: int(n) for email, n in session.execute(stmt)}


def accounts_awaiting_handoff(session: Session) -> list[Account]:
    """Signed but not yet handed over: the ones the 48-hour rule watches."""
    stmt = select(Account).where(
        Account.contract_signed.is_not(None),  # type: ignore[union-attr]
        Account.status.not_in(("approved", "delivered")),  # type: ignore[attr-defined]
    )
    return list(session.exec(stmt))


def last_sent_at(session: Session, account_ids: list[int], kind: str) -> dict[int, datetime]:
    """When each account last got a message of ``kind``, in one query."""
    if not account_ids:
        return {}
    rows = session.exec(
        select(Outbound.account_id, func.max(Outbound.created_at))
        .where(Outbound.kind == kind, Outbound.account_id.in_(account_ids))  # type: ignore[union-attr]
        .group_by(col(Outbound.account_id))
    )
    return {account_id: when for account_id, when in rows if account_id is not None}


def accounts_due_for_draft(session: Session, now: datetime) -> list[Account]:
    return list(
        session.exec(select(Account).where(col(Account.draft_due_at).is_not(None), col(Account.draft_due_at) <= now))
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
    added = add_sources(session, account_id, inbound_id, [fields])
    return added[0] if added else None


def add_sources(
    session: Session, account_id: int, inbound_id: int | None, candidates: Sequence[dict[str, Any]]
) -> list[Source]:
    """Add the sources the account does not have yet (by id or fingerprint), with one lookup and one flush."""
    if not candidates:
        return []
    ids = {c["source_id"] for c in candidates}
    prints = {c.get("fingerprint", "") for c in candidates} - {""}
    seen_ids: set[str] = set()
    seen_prints: dict[str, Source | None] = {}
    stmt = select(Source).where(
        col(Source.account_id) == account_id,
        or_(col(Source.source_id).in_(ids), col(Source.fingerprint).in_(prints)),
    )
    for stored in session.exec(stmt):
        seen_ids.add(stored.source_id)
        seen_prints[stored.fingerprint] = stored
    rows: list[Source] = []
    for fields in candidates:
        fingerprint = fields.get("fingerprint", "")
        if fields["source_id"] in seen_ids:
            continue
        if fingerprint and fingerprint in seen_prints:
            _complete_sender(seen_prints[fingerprint], fields)
            continue
        seen_ids.add(fields["source_id"])
        seen_prints[fingerprint] = None
        rows.append(Source(account_id=account_id, inbound_id=inbound_id, **fields))
    if rows:
        session.add_all(rows)
        session.flush()
    return rows


def _complete_sender(stored: Source | None, fields: dict[str, Any]) -> None:
    """A copy of a stored message that names its author's address where the stored one did not
    (aerc forwards print only the name) completes the stored sender."""
    if stored is None or stored.from_email or not fields.get("from_email"):
        return
    stored.from_email, stored.from_name = fields["from_email"], fields.get("from_name") or stored.from_name
    sender = (fields.get("data") or {}).get("sender")
    if sender:
        stored.data = {**stored.data, "sender": sender}


@dataclass(frozen=True, slots=True)
class SourceEntry:
    """One row of an account's source list: the indexed columns, not the stored message."""

    id: int
    source_id: str
    kind: str
    date: datetime | None
    from_email: str | None
    from_name: str | None
    subject: str | None
    fingerprint: str


def source_index(session: Session, account_id: int) -> list[SourceEntry]:
    """An account's sources without their stored message (cheap: for listing and ordering)."""
    columns = [
        col(Source.id), col(Source.source_id), col(Source.kind), col(Source.date), col(Source.from_email),
        col(Source.from_name), col(Source.subject), col(Source.fingerprint),
    ]  # fmt: skip
    stmt = sa_select(*columns).where(col(Source.account_id) == account_id).order_by(col(Source.date), col(Source.id))
    return [SourceEntry(*row) for row in session.execute(stmt)]


def mark_extracted(session: Session, source_row_ids: Sequence[int]) -> None:
    if source_row_ids:
        session.execute(update(Source).where(col(Source.id).in_(list(source_row_ids))).values(extracted=True))


def sources_of(session: Session, account_id: int, *, unextracted: bool = False) -> list[Source]:
    stmt = select(Source).where(Source.account_id == account_id)
    if unextracted:
        stmt = stmt.where(Source.extracted == False)  # noqa: E712
    return list(session.exec(stmt.order_by(Source.date, Source.id)))  # type: ignore[arg-type]


# -- outbound -------------------------------------------------------------------------


def _insert_once(session: Session, row: _Row, unique: str) -> tuple[_Row, bool]:
    """Insert ``row`` unless one with the same ``unique`` column exists; returns (row, created)."""
    model = type(row)
    existing = session.exec(select(model).where(getattr(model, unique) == getattr(row, unique))).first()
    if existing is not None:
        return existing, False
    session.add(row)
    session.flush()
    return row, True


def add_outbound(session: Session, row: Outbound) -> tuple[Outbound, bool]:
    """Insert an outgoing message once per key; returns (row, created)."""
    row.to_address = row.recipients[0].lower() if row.recipients else None
    return _insert_once(session, row, "key")


def claim_outbound(session: Session, outbound_id: int, now: datetime) -> bool:
    """Take a pending message for sending; only one caller ever gets True for a row."""
    result = session.execute(
        update(Outbound)
        .where(Outbound.id == outbound_id, Outbound.status == "pending")  # type: ignore[arg-type]
        .values(status="sending", claimed_at=now)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def mark_outbound_sent(session: Session, outbound_id: int, at: datetime) -> None:
    session.execute(
        update(Outbound)
        .where(col(Outbound.id) == outbound_id)
        .values(status="sent", sent_at=at, attempts=col(Outbound.attempts) + 1)
    )


def release_stale_claims(session: Session, older_than: datetime) -> int:
    """Messages claimed by a sender that died: back to pending (at-least-once after a crash)."""
    result = session.execute(
        update(Outbound)
        .where(Outbound.status == "sending", Outbound.claimed_at < older_than)  # type: ignore[arg-type,operator]
        .values(status="pending")
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def pending_outbound(session: Session) -> list[Outbound]:
    return list(session.exec(select(Outbound).where(Outbound.status == "pending").order_by(col(Outbound.id))))


def outbound_of(session: Session, account_id: int, kind: str | None = None) -> list[Outbound]:
    stmt = select(Outbound).where(Outbound.account_id == account_id)
    if kind:
        stmt = stmt.where(Outbound.kind == kind)
    return list(session.exec(stmt.order_by(col(Outbound.id))))


AUTOMATIC_KINDS = ("notice", "draft", "reminder")


def count_auto_replies_since(session: Session, recipient: str, since: datetime) -> int:
    """Automatic mail (drafts, notices, reminders: one recipient each) sent to ``recipient`` since ``since``."""
    stmt = sa_select(func.count()).where(
        col(Outbound.to_address) == recipient.lower(),
        col(Outbound.created_at) >= since,
        col(Outbound.kind).in_(AUTOMATIC_KINDS),
    )
    return int(session.execute(stmt).scalar_one())


# -- events ---------------------------------------------------------------------------


def log_event(
    session: Session, kind: str, account_id: int | None = None, *, at: datetime | None = None, **data: Any
) -> None:
    """Record what happened; ``at`` is the service's clock (frozen in tests), else the wall clock."""
    session.add(Event(kind=kind, account_id=account_id, data=data, at=at or utcnow()))


def events_of(session: Session, account_id: int) -> list[Event]:
    return list(session.exec(select(Event).where(Event.account_id == account_id).order_by(col(Event.id))))


def events_since(session: Session, since: datetime | None = None, kinds: Sequence[str] | None = None) -> list[Event]:
    stmt = select(Event)
    if since is not None:
        stmt = stmt.where(Event.at >= since)
    if kinds:
        stmt = stmt.where(Event.kind.in_(list(kinds)))  # type: ignore[attr-defined]
    return list(session.exec(stmt.order_by(Event.at, Event.id)))  # type: ignore[arg-type]


# -- after the handoff ----------------------------------------------------------------


def add_feedback(session: Session, row: Feedback) -> tuple[Feedback, bool]:
    """Store a CSM's feedback once per Message-ID; returns (row, created)."""
    return _insert_once(session, row, "message_id")


def feedback_of(session: Session, account_id: int | None = None) -> list[Feedback]:
    stmt = select(Feedback)
    if account_id is not None:
        stmt = stmt.where(Feedback.account_id == account_id)
    return list(session.exec(stmt.order_by(Feedback.id)))  # type: ignore[arg-type]


def snapshots_of(session: Session, account_id: int) -> list[Snapshot]:
    return list(session.exec(select(Snapshot).where(Snapshot.account_id == account_id).order_by(Snapshot.version)))  # type: ignore[arg-type]


def snapshot_for(session: Session, account_id: int, revision: int) -> Snapshot | None:
    return session.exec(
        select(Snapshot).where(Snapshot.account_id == account_id, Snapshot.revision == revision)
    ).first()


def add_webhook(session: Session, row: WebhookDelivery) -> tuple[WebhookDelivery, bool]:
    existing = session.exec(select(WebhookDelivery).where(WebhookDelivery.key == row.key)).first()
    if existing is not None:
        return existing, False
    session.add(row)
    session.flush()
    return row, True


def webhooks_due(session: Session, now: datetime) -> list[WebhookDelivery]:
    return list(
        session.exec(
            select(WebhookDelivery)
            .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
            .order_by(WebhookDelivery.id)  # type: ignore[arg-type]
        )
    )


def checkbacks_enabled(session: Session, account_id: int) -> bool:
    row = session.get(CheckbackSetting, account_id)
    return row is None or row.enabled


def set_checkbacks(session: Session, account_id: int, enabled: bool, at: datetime) -> None:
    row = session.get(CheckbackSetting, account_id)
    if row is None:
        session.add(CheckbackSetting(account_id=account_id, enabled=enabled, changed_at=at))
    else:
        row.enabled, row.changed_at = enabled, at
