"""An account's sources: the messages read into its document, each stored once.

What it is for: adding sources (deduplicated by id and fingerprint), the cheap index
of them (no stored message), and marking them read. Not for: reading them
(agent/extract/).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.models import (
    Source,
)


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


def _index_columns() -> list[Any]:
    """The columns of a ``SourceEntry``, in its order."""
    return [
        col(Source.id), col(Source.source_id), col(Source.kind), col(Source.date), col(Source.from_email),
        col(Source.from_name), col(Source.subject), col(Source.fingerprint),
    ]  # fmt: skip


def source_index(session: Session, account_id: int) -> list[SourceEntry]:
    """An account's sources without their stored message (cheap: for listing and ordering)."""
    stmt = (
        sa_select(*_index_columns())
        .where(col(Source.account_id) == account_id)
        .order_by(col(Source.date), col(Source.id))
    )
    return [SourceEntry(*row) for row in session.execute(stmt)]


def mark_unextracted(session: Session, account_id: int, *, but: Collection[str] = ()) -> None:
    """Every source of the account to be read again, except the source ids in ``but``."""
    stmt = update(Source).where(col(Source.account_id) == account_id)
    if but:
        stmt = stmt.where(col(Source.source_id).not_in(list(but)))
    session.execute(stmt.values(extracted=False))


def source_dates(session: Session, account_id: int) -> dict[str, datetime]:
    """When each of an account's sources was written (the document's items are ordered by it)."""
    stmt = sa_select(col(Source.source_id), col(Source.date)).where(
        col(Source.account_id) == account_id, col(Source.date).is_not(None)
    )
    return {source_id: date for source_id, date in session.execute(stmt)}


def newest_sources(session: Session, account_id: int, limit: int) -> tuple[list[SourceEntry], int]:
    """The last ``limit`` sources of ``source_index`` (oldest first) and how many the account has in all."""
    stmt = (
        sa_select(*_index_columns())
        .where(col(Source.account_id) == account_id)
        .order_by(col(Source.date).desc(), col(Source.id).desc())
        .limit(limit)
    )
    newest = [SourceEntry(*row) for row in session.execute(stmt)][::-1]
    total = session.execute(sa_select(func.count()).where(col(Source.account_id) == account_id)).scalar_one()
    return newest, int(total)


def mark_extracted(session: Session, source_row_ids: Sequence[int]) -> None:
    if source_row_ids:
        session.execute(update(Source).where(col(Source.id).in_(list(source_row_ids))).values(extracted=True))


def sources_of(
    session: Session, account_id: int, *, unextracted: bool = False, inbound_id: int | None = None
) -> list[Source]:
    """An account's sources, oldest first; only those not read yet, or only those of one inbound message."""
    stmt = select(Source).where(Source.account_id == account_id)
    if unextracted:
        stmt = stmt.where(Source.extracted == False)  # noqa: E712
    if inbound_id is not None:
        stmt = stmt.where(Source.inbound_id == inbound_id)
    return list(session.exec(stmt.order_by(col(Source.date), col(Source.id))))
