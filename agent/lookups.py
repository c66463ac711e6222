"""What the CLI shows: an account's document, its snapshots, the account list, quarantined mail.

What it is for: short functions that open the database for reading (``db.session.reading``:
never created, never migrated), read, and return plain values, so the CLI stays thin.
Not for: anything that changes an account.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from agent.document import HandoffDocument
from agent.document_store import full_document
from agent.errors import AccountNotFound
from agent.schedule import handoff_due
from agent.settings import Settings
from db import repo
from db.models import Account, Snapshot, id_of
from db.session import reading, session_scope


def document_for(settings: Settings, key: str) -> HandoffDocument:
    with reading(settings.database_url) as engine, session_scope(engine) as session:
        return full_document(session, _account(session, key))


def _account(session: Session, key: str) -> Account:
    account = repo.find_account(session, key)
    if account is None:
        known = ", ".join(a.domain or a.name for a in repo.list_accounts(session)[:10]) or "none yet"
        raise AccountNotFound(f"no account matches {key!r}; known accounts: {known}")
    return account


def snapshots_for(settings: Settings, key: str, version: int | None = None) -> list[Snapshot]:
    """What the CSM received, per delivered revision (``version``: only that one, or AccountNotFound)."""
    with reading(settings.database_url) as engine, session_scope(engine) as session:
        account = _account(session, key)
        snaps = repo.snapshots_of(session, id_of(account))
        if version is None:
            return snaps
        found = [s for s in snaps if s.version == version]
        if not found:
            have = ", ".join(str(s.version) for s in snaps) or "none: it was never delivered"
            raise AccountNotFound(f"{account.name} has no snapshot version {version}; versions: {have}")
        return found


def account_rows(settings: Settings) -> list[dict[str, Any]]:
    rows = []
    with reading(settings.database_url) as engine, session_scope(engine) as session:
        for account in repo.list_accounts(session):
            due = None
            if account.contract_signed:
                when = handoff_due(account.contract_signed, settings.tz, settings.handoff_due_h)
                late = account.delivered_at is None and when < datetime.now(UTC)
                due = f"{when:%Y-%m-%d %H:%M} UTC" + (" OVERDUE" if late else "")
            rows.append(
                {
                    "name": account.name,
                    "domain": account.domain,
                    "status": account.status,
                    "rep": account.rep_email,
                    "csm": account.csm_email,
                    "sources": len(repo.source_index(session, id_of(account))),
                    "drafts": account.drafts_sent,
                    "due": due,
                }
            )
    return rows


def quarantined_rows(settings: Settings) -> list[dict[str, Any]]:
    with reading(settings.database_url) as engine, session_scope(engine) as session:
        return [{"id": r.id, "message_id": r.message_id, "error": r.error} for r in repo.quarantined(session)]
