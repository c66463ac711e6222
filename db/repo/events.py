"""The event log: what happened to each account, when (the report reads it).

What it is for: ``log_event`` and reading events back. Not for: the figures derived
from them (agent/after_handoff/report.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from db.models import (
    Event,
    utcnow,
)


def log_event(
    session: Session, kind: str, account_id: int | None = None, *, at: datetime | None = None, **data: Any
) -> None:
    """Record what happened; ``at`` is the service's clock (frozen in tests), else the wall clock."""
    session.add(Event(kind=kind, account_id=account_id, data=data, at=at or utcnow()))


def events_of(session: Session, account_id: int, kinds: Sequence[str] | None = None) -> list[Event]:
    """An account's events, oldest first; only ``kinds`` when given (an account's log grows with every message)."""
    stmt = select(Event).where(Event.account_id == account_id)
    if kinds:
        stmt = stmt.where(col(Event.kind).in_(list(kinds)))
    return list(session.exec(stmt.order_by(col(Event.id))))


def events_since(session: Session, since: datetime | None = None, kinds: Sequence[str] | None = None) -> list[Event]:
    stmt = select(Event)
    if since is not None:
        stmt = stmt.where(Event.at >= since)
    if kinds:
        stmt = stmt.where(col(Event.kind).in_(list(kinds)))
    return list(session.exec(stmt.order_by(col(Event.at), col(Event.id))))
