"""What the CSM received: one immutable, versioned snapshot per delivered revision.

What it is for: ``keep`` is handed to ``deliver_final`` and runs inside its
transaction, beside the outbox row of the CSM's mail: it keeps the exact document JSON
and Markdown of that version (version 1, 2... alongside each other, never updated),
the call it carried, logs a ``snapshot`` event carrying the completeness at approval
(the report reads it), and queues the ``handoff.delivered`` webhook (with what changed
since the version before), so a crash can never leave a sent version without its
snapshot or its webhook. ``record_missing`` (from ``tick``) snapshots a delivered
revision that has none (a database from before snapshots were kept this way).
``snapshot_rows`` and ``snapshots_text`` list them for ``handoff snapshots``. Not for: composing or sending
the final mail (agent/delivery.py) or comparing versions (agent/revisions.py).
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import UTC
from typing import Any

from sqlmodel import Session

from agent.after_handoff.webhook import flush_webhooks, queue_webhook
from agent.context import App
from agent.delivery import Delivered
from agent.document import HandoffDocument
from agent.document_store import full_document
from agent.render import render_document
from agent.revisions import Change, Edition, changes, changes_view, edition_of, total
from db import repo
from db.models import Account, Snapshot, as_utc
from db.session import session_scope

log = logging.getLogger(__name__)


def keep(app: App, session: Session, delivered: Delivered) -> Snapshot:
    """Keep the delivered version once (idempotent per revision), log it, queue its webhook."""
    doc = HandoffDocument.model_validate(delivered.document)
    filled = len(doc.sections.filled())
    snap, created = repo.add_snapshot(
        session,
        Snapshot(
            account_id=delivered.account_id,
            version=delivered.version,
            revision=delivered.revision,
            delivered_at=delivered.delivered_at,
            csm_email=delivered.csm_email,
            outbound_id=delivered.outbound_id,
            call_start=delivered.call_start,
            filled=filled,
            document=delivered.document,
            markdown=delivered.markdown,
        ),
    )
    if not created:
        return snap
    added, removed, changed = total(delivered.changes)
    repo.log_event(
        session,
        "snapshot",
        delivered.account_id,
        at=app.now(),
        version=delivered.version,
        revision=delivered.revision,
        filled=filled,
        missing=list(doc.missing),
        open_questions=delivered.open_questions,
        changes={"added": added, "removed": removed, "changed": changed},
    )
    queue_webhook(
        session,
        app,
        key=f"delivered:{delivered.account_id}:{delivered.revision}",
        event="handoff.delivered",
        account_id=delivered.account_id,
        data={
            "version": delivered.version,
            "revision": delivered.revision,
            "call_start": delivered.call_start.isoformat() if delivered.call_start else None,
            "changes": [asdict(c) for c in delivered.changes],
            "document": snap.document,
        },
    )
    return snap


async def announce(app: App) -> None:
    """Post the webhooks a delivery queued (retried by ``tick`` when the receiver is down)."""
    await flush_webhooks(app)


def snapshot_row(snap: Snapshot, before: Snapshot | None = None) -> dict[str, Any]:
    """One line of ``handoff snapshots``: which version, when, to whom, how complete, what changed since ``before``."""
    row: dict[str, Any] = {
        "version": snap.version,
        "revision": snap.revision,
        "delivered_at": snap.delivered_at.isoformat(),
        "csm": snap.csm_email,
        "filled": snap.filled,
        "call": as_utc(snap.call_start).isoformat() if snap.call_start else None,
    }
    if before is not None:
        found = changes(edition_of(before), edition_of(snap), UTC)  # counts only: the zone does not matter
        row["changes"] = dict(zip(("added", "removed", "changed"), total(found), strict=True))
    return row


def snapshot_rows(found: list[Snapshot]) -> list[dict[str, Any]]:
    """Every row of ``handoff snapshots``, each version compared with the one before it."""
    return [snapshot_row(s, found[n - 1] if n else None) for n, s in enumerate(found)]


def snapshots_text(rows: list[dict[str, Any]]) -> str:
    """The ``handoff snapshots`` table: one tab-separated line per version."""
    if not rows:
        return "no snapshots: the handoff was never delivered"
    lines = []
    for row in rows:
        changed = row.get("changes")
        since = (
            f"+{changed['added']} -{changed['removed']} ~{changed['changed']} since v{row['version'] - 1}"
            if changed
            else "first version"
        )
        lines.append(
            f"v{row['version']}\trevision {row['revision']}\t{row['delivered_at']}\t{row['csm']}\t{row['filled']} filled\t{since}"
        )
    return "\n".join(lines)


async def record_missing(app: App) -> int:
    """From ``tick``: snapshot any delivered revision that has none; returns how many."""
    with session_scope(app.engine) as session:
        missing = repo.account_ids_missing_snapshot(session)
        for account_id in missing:
            account = session.get(Account, account_id)
            if account is not None and account.status == "delivered":
                _keep_from_account(app, session, account)
    if missing:
        await flush_webhooks(app)
    return len(missing)


def _keep_from_account(app: App, session: Session, account: Account) -> None:
    account_id = account.id or 0
    doc = full_document(session, account)
    last = repo.last_snapshot(session, account_id)
    found: list[Change] = []
    view = None
    if last is not None:
        found = changes(edition_of(last), Edition(doc, as_utc(account.call_start)), app.settings.tz)
        view = changes_view(found, since=last.version)
    keep(
        app,
        session,
        Delivered(
            account_id=account_id,
            version=last.version + 1 if last is not None else 1,
            revision=account.revision,
            outbound_id=repo.final_outbound_id(session, account_id, account.revision),
            csm_email=account.csm_email or "",
            delivered_at=as_utc(account.delivered_at) or app.now(),
            document=doc.export(),
            markdown=render_document(doc, "md", changes=view),
            call_start=as_utc(account.call_start),
            changes=found,
            open_questions=len(account.questions),
        ),
    )
