"""What the CSM received: one immutable, versioned snapshot per delivered revision.

What it is for: ``record_delivery`` runs after ``deliver_final`` has sent the final
mail; it keeps the exact document JSON and Markdown of that revision (version 1, 2...
alongside each other, never updated), logs a ``snapshot`` event carrying the
completeness at approval (the report reads it), and queues the ``handoff.delivered``
webhook. ``snapshot_row`` lists them for ``handoff snapshots``. Not for: composing or sending the
final mail (agent/delivery.py).
"""

from __future__ import annotations

import logging
from typing import Any

from agent.after_handoff.webhook import flush_webhooks, queue_webhook
from agent.context import App
from agent.document import HandoffDocument
from agent.render import render_document
from db import repo
from db.models import Account, Snapshot
from db.session import session_scope

log = logging.getLogger(__name__)


async def record_delivery(app: App, account_id: int, outbound_id: int | None = None) -> Snapshot | None:
    """Snapshot the delivered revision once (idempotent) and post the webhook; returns the snapshot."""
    with session_scope(app.engine) as session:
        account = session.get(Account, account_id)
        if account is None or account.status != "delivered":
            return None
        existing = repo.snapshot_for(session, account_id, account.revision)
        if existing is not None:
            return existing
        if outbound_id is None:
            outbound_id = repo.final_outbound_id(session, account_id, account.revision)
        doc = HandoffDocument.model_validate(account.document)
        version = len(repo.snapshots_of(session, account_id)) + 1
        filled = len(doc.sections.filled())
        snap = Snapshot(
            account_id=account_id,
            version=version,
            revision=account.revision,
            delivered_at=account.delivered_at or app.now(),
            csm_email=account.csm_email,
            outbound_id=outbound_id,
            filled=filled,
            document=doc.export(),
            markdown=render_document(doc, "md"),
        )
        session.add(snap)
        session.flush()
        repo.log_event(
            session,
            "snapshot",
            account_id,
            at=app.now(),
            version=version,
            revision=account.revision,
            filled=filled,
            missing=list(doc.missing),
            open_questions=len(account.questions),
        )
        queue_webhook(
            session,
            app,
            key=f"delivered:{account_id}:{account.revision}",
            event="handoff.delivered",
            account_id=account_id,
            data={"version": version, "revision": account.revision, "document": snap.document},
        )
    await flush_webhooks(app)
    return snap


def snapshot_row(snap: Snapshot) -> dict[str, Any]:
    """One line of ``handoff snapshots``: which version, when, to whom, how complete."""
    return {
        "version": snap.version,
        "revision": snap.revision,
        "delivered_at": snap.delivered_at.isoformat(),
        "csm": snap.csm_email,
        "filled": snap.filled,
    }


async def record_missing(app: App) -> int:
    """From ``tick``: snapshot any delivered revision a crash left without one; returns how many."""
    with session_scope(app.engine) as session:
        missing = repo.account_ids_missing_snapshot(session)
    for account_id in missing:
        await record_delivery(app, account_id)
    return len(missing)
