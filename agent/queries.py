"""Read-side helpers for the CLI: documents, account lists, quarantine.

What it is for: short functions that open the database, read, and return plain
values, so the CLI stays thin. Not for: anything that changes an account.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from agent.document import HandoffDocument
from agent.errors import AccountNotFound
from agent.extract.runner import load_document
from agent.settings import Settings
from db import repo
from db.models import Inbound
from db.session import make_engine, session_scope, upgrade


def _engine(settings: Settings):  # type: ignore[no-untyped-def]
    engine = make_engine(settings.database_url)
    upgrade(engine)
    return engine


def document_for(settings: Settings, key: str) -> HandoffDocument:
    engine = _engine(settings)
    with session_scope(engine) as session:
        account = repo.find_account(session, key)
        if account is None:
            known = ", ".join(a.domain or a.name for a in repo.list_accounts(session)[:10]) or "none yet"
            raise AccountNotFound(f"no account matches {key!r}; known accounts: {known}")
        return load_document(account)


def account_rows(settings: Settings) -> list[dict[str, Any]]:
    engine = _engine(settings)
    rows = []
    with session_scope(engine) as session:
        for account in repo.list_accounts(session):
            due = None
            if account.contract_signed:
                due = f"{account.contract_signed + timedelta(hours=settings.handoff_due_h)}"
            rows.append(
                {
                    "name": account.name,
                    "domain": account.domain,
                    "status": account.status,
                    "rep": account.rep_email,
                    "csm": account.csm_email,
                    "sources": len(repo.sources_of(session, account.id)),  # type: ignore[arg-type]
                    "drafts": account.drafts_sent,
                    "due": due,
                }
            )
    return rows


def quarantined_rows(settings: Settings) -> list[dict[str, Any]]:
    engine = _engine(settings)
    with session_scope(engine) as session:
        return [{"id": r.id, "message_id": r.message_id, "error": r.error} for r in repo.quarantined(session)]


async def replay(settings: Settings, ids: list[int]) -> int:
    from agent import jobs
    from agent.app import open_app

    app = await open_app(settings, inline=True)
    done = 0
    try:
        for inbound_id in ids:
            with session_scope(app.engine) as session:
                row = session.get(Inbound, inbound_id)
                if row is None or row.status != "quarantined":
                    continue
                row.status, row.attempts, row.error = "pending", 0, None
            await jobs.process_inbound({"app": app, "job_try": 1}, inbound_id)
            done += 1
        await app.queue.drain()  # type: ignore[union-attr]
    finally:
        await app.close()
    return done
