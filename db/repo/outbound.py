"""The outbox table: every outgoing message, recorded once per key, claimed, sent.

What it is for: recording, claiming (one sender per row), marking sent, releasing
stale claims, and the counts the daily cap and the reminders read. Not for: composing
or sending mail (agent/outbox.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.models import (
    Outbound,
)
from db.repo._rows import insert_once


def add_outbound(session: Session, row: Outbound) -> tuple[Outbound, bool]:
    """Insert an outgoing message once per key; returns (row, created)."""
    row.to_address = row.recipients[0].lower() if row.recipients else None
    return insert_once(session, row, "key")


def claim_outbound(session: Session, outbound_id: int, now: datetime) -> bool:
    """Take a pending message for sending; only one caller ever gets True for a row."""
    result = session.exec(
        update(Outbound)
        .where(col(Outbound.id) == outbound_id, col(Outbound.status) == "pending")
        .values(status="sending", claimed_at=now)
    )
    return result.rowcount == 1


def mark_outbound_sent(session: Session, outbound_id: int, at: datetime) -> None:
    session.execute(
        update(Outbound)
        .where(col(Outbound.id) == outbound_id)
        .values(status="sent", sent_at=at, attempts=col(Outbound.attempts) + 1)
    )


def release_stale_claims(session: Session, older_than: datetime) -> int:
    """Messages claimed by a sender that died: back to pending (at-least-once after a crash)."""
    result = session.exec(
        update(Outbound)
        .where(col(Outbound.status) == "sending", col(Outbound.claimed_at) < older_than)
        .values(status="pending")
    )
    return int(result.rowcount)


def pending_outbound(session: Session) -> list[Outbound]:
    return list(session.exec(select(Outbound).where(Outbound.status == "pending").order_by(col(Outbound.id))))


def any_outbound_with_message_id(
    session: Session, message_ids: set[str], *, kinds: tuple[str, ...] | None = None
) -> bool:
    """Whether we sent a message (of one of ``kinds``) with one of these Message-IDs (a reply to our own mail)."""
    stmt = sa_select(col(Outbound.id)).where(col(Outbound.message_id).in_(message_ids))
    if kinds:
        stmt = stmt.where(col(Outbound.kind).in_(kinds))
    return session.execute(stmt.limit(1)).first() is not None


def count_keyed_since(session: Session, recipient: str, key_prefix: str, since: datetime) -> int:
    """Messages recorded under keys starting with ``key_prefix`` to ``recipient`` since ``since``."""
    stmt = sa_select(func.count()).where(
        col(Outbound.to_address) == recipient.lower(),
        col(Outbound.created_at) >= since,
        col(Outbound.key).startswith(key_prefix),
    )
    return int(session.execute(stmt).scalar_one())


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


def last_sent_at(session: Session, account_ids: list[int], kind: str) -> dict[int, datetime]:
    """When each account last got a message of ``kind``, in one query."""
    if not account_ids:
        return {}
    rows = session.exec(
        select(Outbound.account_id, func.max(Outbound.created_at))
        .where(col(Outbound.kind) == kind, col(Outbound.account_id).in_(account_ids))
        .group_by(col(Outbound.account_id))
    )
    return {account_id: when for account_id, when in rows if account_id is not None}


def outbound_key_exists(session: Session, key: str) -> bool:
    """Whether a message was recorded under ``key`` (something sent once per key was sent)."""
    return session.execute(sa_select(col(Outbound.id)).where(col(Outbound.key) == key).limit(1)).first() is not None


def final_outbound_id(session: Session, account_id: int, revision: int) -> int | None:
    """The newest final mail of an account's revision (its key is ``final:<id>:<revision>[:<csm>]``)."""
    key = f"final:{account_id}:{revision}"
    stmt = (
        sa_select(col(Outbound.id))
        .where(or_(col(Outbound.key) == key, col(Outbound.key).startswith(key + ":")))
        .order_by(col(Outbound.id).desc())
        .limit(1)
    )
    found = session.execute(stmt).scalar()
    return int(found) if found is not None else None


def outbound_counts(session: Session) -> dict[str, int]:
    """Outgoing messages waiting for the relay, and refused for good (``handoff health``)."""
    stmt = sa_select(col(Outbound.status), func.count()).group_by(col(Outbound.status))
    by_status = {status: int(n) for status, n in session.execute(stmt)}
    return {"outbound_pending": by_status.get("pending", 0), "outbound_failed": by_status.get("failed", 0)}
