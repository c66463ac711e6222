"""After the handoff: CSM feedback, snapshots, webhook deliveries and check-back settings.

What it is for: the rows the after-handoff features keep. Not for: the features
themselves (agent/after_handoff/).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from db.models import (
    CheckbackSetting,
    Feedback,
    Snapshot,
    WebhookDelivery,
)
from db.repo._rows import insert_once


def add_feedback(session: Session, row: Feedback) -> tuple[Feedback, bool]:
    """Store a CSM's feedback once per Message-ID; returns (row, created)."""
    return insert_once(session, row, "message_id")


def feedback_of(session: Session, account_id: int | None = None) -> list[Feedback]:
    stmt = select(Feedback)
    if account_id is not None:
        stmt = stmt.where(Feedback.account_id == account_id)
    return list(session.exec(stmt.order_by(col(Feedback.id))))


def snapshots_of(session: Session, account_id: int) -> list[Snapshot]:
    stmt = select(Snapshot).where(Snapshot.account_id == account_id).order_by(col(Snapshot.version))
    return list(session.exec(stmt))


def last_snapshot(session: Session, account_id: int) -> Snapshot | None:
    """The newest version the CSM received, or None when the handoff was never delivered."""
    stmt = select(Snapshot).where(Snapshot.account_id == account_id).order_by(col(Snapshot.version).desc())
    return session.exec(stmt).first()


def add_snapshot(session: Session, row: Snapshot) -> tuple[Snapshot, bool]:
    """Keep a delivered revision once; returns (row, created)."""
    existing = snapshot_for(session, row.account_id, row.revision)
    if existing is not None:
        return existing, False
    session.add(row)
    session.flush()
    return row, True


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
            .order_by(col(WebhookDelivery.id))
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
