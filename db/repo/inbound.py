"""Inbound messages: stored once per content, then processed, finished or quarantined.

What it is for: the intake's hot path (``insert_inbound_batch``: one INSERT ... ON
CONFLICT DO NOTHING per message on its content digest, one commit per batch; on PostgreSQL
a message over ``LARGE_MESSAGE_BYTES`` goes in by ``COPY`` a slice at a time, so the driver
never holds a copy of it) and the rows the jobs and the CLI read and update. The same bytes again add nothing; a
different message that reuses a Message-ID on file is stored as a new one
(``earlier_with_message_id`` lets the job tell it apart). Not for: parsing
(mailflows/inbound/).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

from sqlalchemy import Connection, Engine, func, text, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, select

from agent.errors import StorageUnavailable
from db.models import (
    Inbound,
    utcnow,
)


def message_id_of(raw: bytes) -> str:
    """The Message-ID header, or a stable id made from the bytes when there is none."""
    head = raw[:65536].split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    match = re.search(rb"(?im)^message-id:[ \t]*(<[^>\r\n]{1,900}>)", head)
    if match:
        return match.group(1).decode("ascii", "replace")
    return f"<sha256-{hashlib.sha256(raw).hexdigest()[:32]}@handoff.invalid>"


def content_digest(raw: bytes) -> str:
    """What "the same message" means for the intake: the same bytes, whatever the line ends.

    Hashed a slice at a time, so a large message is not copied whole to drop its CRs.
    """
    digest = hashlib.sha256()
    view = memoryview(raw)
    start = 0
    while start < len(raw):
        end = min(len(raw), start + (1 << 20))
        while end < len(raw) and raw[end - 1] == 13:  # keep a CR with the LF that may follow it
            end += 1
        digest.update(bytes(view[start:end]).replace(b"\r\n", b"\n"))
        start = end
    return digest.hexdigest()


RAW_CHUNK = 4 * 1024 * 1024
LARGE_MESSAGE_BYTES = 4 * 1024 * 1024  # PostgreSQL: larger messages are streamed in with COPY (_stage_raw)
COPY_SLICE = 1024 * 1024
STAGING = "handoff_inbound_staging"


def raw_size(session: Session, inbound_id: int) -> int:
    """The stored message's size in bytes, without loading it."""
    size = session.scalar(sa_select(func.length(Inbound.raw)).where(col(Inbound.id) == inbound_id))
    return int(size or 0)


def copy_raw(session: Session, inbound_id: int, out: BinaryIO, *, limit: int | None = None) -> int:
    """Write the stored message (its first ``limit`` bytes) to ``out`` a slice at a time; returns the bytes written.

    The job spools the message to a file this way, so the whole of it is never in memory.
    """
    size = raw_size(session, inbound_id) if limit is None else min(limit, raw_size(session, inbound_id))
    written = 0
    while written < size:
        query = sa_select(func.substr(Inbound.raw, written + 1, min(RAW_CHUNK, size - written)))
        chunk = session.scalar(query.where(col(Inbound.id) == inbound_id))
        if not chunk:
            break
        out.write(chunk)
        written += len(chunk)
    return written


def store_inbound(
    session: Session, raw: bytes, *, mail_from: str, rcpt_to: Sequence[str], channel: str
) -> tuple[Inbound, bool]:
    """Store a raw message once per content; returns (row, created)."""
    digest = content_digest(raw)
    existing = session.exec(select(Inbound).where(Inbound.content_sha256 == digest)).first()
    if existing is not None:
        return existing, False
    row = Inbound(
        message_id=message_id_of(raw),
        raw=raw,
        content_sha256=digest,
        mail_from=mail_from,
        rcpt_to=list(rcpt_to),
        channel=channel,
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        existing = session.exec(select(Inbound).where(Inbound.content_sha256 == digest)).one()
        return existing, False
    return row, True


def earlier_with_message_id(session: Session, inbound_id: int, message_id: str) -> int | None:
    """An older stored message with the same Message-ID (other bytes: a reuse), or None."""
    stmt = (
        sa_select(col(Inbound.id))
        .where(col(Inbound.message_id) == message_id, col(Inbound.id) < inbound_id)
        .order_by(col(Inbound.id))
        .limit(1)
    )
    found = session.execute(stmt).scalar()
    return int(found) if found is not None else None


@dataclass(frozen=True, slots=True)
class RawMail:
    raw: bytes
    mail_from: str
    rcpt_to: Sequence[str]
    channel: str
    # The connection and the sender verdict (mailflows/inbound/sender_auth.py ``Verdict``), when the intake decided one.
    peer_ip: str | None = None
    helo: str | None = None
    auth_method: str | None = None
    auth_address: str | None = None
    auth_reason: str | None = None
    auth_suspicious: bool = False


def insert_inbound(
    engine: Engine, raw: bytes, *, mail_from: str, rcpt_to: Sequence[str], channel: str
) -> tuple[int, bool]:
    """Store one raw message, committed; returns (id, created)."""
    return insert_inbound_batch(engine, [RawMail(raw, mail_from, rcpt_to, channel)])[0]


def insert_inbound_batch(engine: Engine, mails: Sequence[RawMail]) -> list[tuple[int, bool]]:
    """The intake's hot path: INSERT ... ON CONFLICT DO NOTHING per message, one commit for all.

    Core rather than the ORM (the ORM round trip was the biggest cost), the content
    digest's unique index does the dedupe in the same statement, and one commit for a
    batch of messages that arrived together (group commit) is what lets concurrent
    clients scale.
    """
    insert = sqlite_insert if engine.dialect.name == "sqlite" else pg_insert
    results: list[tuple[int, bool]] = []
    # Values go with the execution, not into the statement: SQLAlchemy's compiled cache keeps the
    # first statement it compiles, and with .values() that held the first message's bytes for good.
    stmt = insert(Inbound).on_conflict_do_nothing(index_elements=["content_sha256"]).returning(col(Inbound.id))
    try:
        with engine.begin() as conn:
            for mail in mails:
                digest = content_digest(mail.raw)
                values = {
                    "message_id": message_id_of(mail.raw),
                    "raw": mail.raw,
                    "content_sha256": digest,
                    "mail_from": mail.mail_from,
                    "rcpt_to": list(mail.rcpt_to),
                    "channel": mail.channel,
                    "peer_ip": mail.peer_ip,
                    "helo": mail.helo,
                    "auth_method": mail.auth_method,
                    "auth_address": mail.auth_address,
                    "auth_reason": mail.auth_reason,
                    "auth_suspicious": mail.auth_suspicious,
                    "received_at": utcnow(),
                    "status": "pending",
                    "attempts": 0,
                }
                if engine.dialect.name == "postgresql" and len(mail.raw) > LARGE_MESSAGE_BYTES:
                    del values["raw"]
                    _stage_raw(conn, mail.raw)
                    staged = text(f"(SELECT raw FROM {STAGING})")  # noqa: S608 - a constant, no input
                    new_id = conn.execute(stmt.values(raw=staged), values).scalar()
                    conn.exec_driver_sql(f"DELETE FROM {STAGING}")
                else:
                    new_id = conn.execute(stmt, values).scalar()
                if new_id is not None:
                    results.append((int(new_id), True))
                    continue
                existing = conn.execute(select(Inbound.id).where(Inbound.content_sha256 == digest)).scalar_one()
                results.append((int(existing), False))
    except OperationalError as exc:
        raise StorageUnavailable(f"database did not answer: {exc.orig}") from exc
    return results


def _stage_raw(conn: Connection, raw: bytes) -> None:
    """Put a large message in this session's staging row with COPY, a slice at a time.

    As one bound parameter, libpq would build the whole message in its send buffer (growing it by
    doubling, and keeping it at that size afterwards): about three times the message in memory.
    """
    conn.exec_driver_sql(f"CREATE TEMP TABLE IF NOT EXISTS {STAGING} (raw bytea) ON COMMIT DELETE ROWS")
    driver = conn.connection.driver_connection  # psycopg's own connection, for COPY
    if driver is None:
        raise StorageUnavailable("the database connection was closed while storing a message")
    cursor = driver.cursor()
    with cursor, cursor.copy(f"COPY {STAGING} (raw) FROM STDIN") as copy:
        copy.write(b"\\\\x")  # bytea's hex form, its backslash escaped for COPY's text format
        view = memoryview(raw)
        for start in range(0, len(raw), COPY_SLICE):
            copy.write(view[start : start + COPY_SLICE].hex().encode("ascii"))
        copy.write(b"\n")


def pending_inbound_ids(session: Session, *, received_before: datetime | None = None) -> list[int]:
    """Messages not processed yet, oldest first (``received_before``: only those that arrived before then)."""
    stmt = select(Inbound.id).where(Inbound.status == "pending")
    if received_before is not None:
        stmt = stmt.where(col(Inbound.received_at) < received_before)
    return [i for i in session.exec(stmt.order_by(col(Inbound.id))) if i is not None]


def unresolved_from(session: Session, author: str, *, since: datetime) -> list[int]:
    """Messages of ``author`` (the authenticated address) that named no customer we knew, oldest first."""
    stmt = select(Inbound.id).where(
        # written out, so the partial index ix_inbound_unresolved serves it (an unresolved message has no account)
        text("inbound.disposition = 'unresolved'"),
        func.lower(col(Inbound.auth_address)) == author.lower(),
        col(Inbound.received_at) >= since,
    )
    return sorted(i for i in session.exec(stmt) if i is not None)  # sorted here: an ORDER BY id would walk the table


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
    session.execute(update(Inbound).where(col(Inbound.account_id) == from_account).values(account_id=to_account))


def quarantined(session: Session) -> list[Inbound]:
    return list(session.exec(select(Inbound).where(Inbound.status == "quarantined").order_by(col(Inbound.id))))


def requeue_quarantined(session: Session, inbound_id: int) -> bool:
    """A quarantined message back to pending with its tries reset; False when it is not quarantined."""
    result = session.exec(
        update(Inbound)
        .where(col(Inbound.id) == inbound_id, col(Inbound.status) == "quarantined")
        .values(status="pending", attempts=0, error=None)
    )
    return int(result.rowcount) == 1


def inbound_counts(session: Session) -> dict[str, int]:
    """Messages waiting to be processed, and quarantined (``handoff health``)."""
    stmt = sa_select(col(Inbound.status), func.count()).group_by(col(Inbound.status))
    by_status = {status: int(n) for status, n in session.execute(stmt)}
    return {"inbound_pending": by_status.get("pending", 0), "inbound_quarantined": by_status.get("quarantined", 0)}
