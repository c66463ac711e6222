"""Check-backs: 90 days, 6 months and 1 year after delivery, remind the CSM what was promised.

What it is for: ``due_checkbacks`` works out, for each delivered account, which
horizon has come (counted from the first delivery) and has success metrics with that
horizon in the newest version the CSM received (an update the rep has not approved is
not theirs yet; a handoff withdrawn by ``cancel`` gets none); ``send_due_checkbacks`` (called from the periodic ``tick``) mails the CSM one
short check-back per account and horizon — the metrics with that horizon and the
commitments due by then — under a unique outbound key, so it goes once. A horizon
missed by more than HANDOFF_CHECKBACK_GRACE_DAYS is skipped rather than sent late.
``set_enabled`` is ``handoff checkbacks off|on ACCOUNT``. Not for: the document
(agent/document.py) or the weekly digest (agent/after_handoff/report.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from agent.context import App
from agent.document import HandoffDocument, Item
from agent.document_store import full_document
from agent.errors import AccountNotFound
from agent.outbox import record_notice, send_outbound
from agent.render import due_label
from agent.settings import Settings
from db import repo
from db.models import Account, as_utc, id_of
from db.session import reading, session_scope

log = logging.getLogger(__name__)

HORIZONS: dict[str, timedelta] = {"90d": timedelta(days=90), "6m": timedelta(days=182), "1y": timedelta(days=365)}
LABELS = {"90d": "90 days", "6m": "6 months", "1y": "1 year"}


@dataclass
class Checkback:
    account_id: int
    horizon: str
    due: datetime
    metrics: list[Item] = field(default_factory=list)
    commitments: list[Item] = field(default_factory=list)
    csm_email: str = ""
    csm_name: str | None = None

    @property
    def key(self) -> str:
        return f"checkback:{self.account_id}:{self.horizon}"


def first_delivery(session: Any, account: Account) -> datetime | None:
    snaps = repo.snapshots_of(session, id_of(account))
    return as_utc(snaps[0].delivered_at) if snaps else as_utc(account.delivered_at)


def checkback_for(doc: HandoffDocument, account_id: int, horizon: str, due: datetime) -> Checkback | None:
    """The check-back at one horizon, or None when no success metric has that horizon."""
    metrics = [i for i in doc.sections.success_metrics if i.horizon == horizon]
    if not metrics:
        return None
    # a promise later mail showed kept is not one to ask about
    commitments = [
        i for i in doc.sections.commitments if i.due is not None and i.due <= due.date() and i.status != "kept"
    ]
    return Checkback(account_id, horizon, due, metrics, commitments)


def due_checkbacks(session: Any, now: datetime, grace: timedelta) -> list[Checkback]:
    """What is due, read from the newest version the CSM received, to the CSM who received it.

    An update in progress is not theirs yet; a handoff withdrawn by ``cancel`` has none.
    """
    out: list[Checkback] = []
    for account in repo.delivered_accounts(session):
        if account.withdrawn_at is not None or not repo.checkbacks_enabled(session, id_of(account)):
            continue
        start = first_delivery(session, account)
        last = repo.last_snapshot(session, id_of(account))
        csm_email = (last.csm_email if last is not None else account.csm_email) or ""
        if start is None or not csm_email:
            continue
        doc = HandoffDocument.model_validate(last.document) if last is not None else full_document(session, account)
        for horizon, delta in HORIZONS.items():
            due = start + delta
            if due <= now < due + grace:
                found = checkback_for(doc, id_of(account), horizon, due)
                if found is not None:
                    found.csm_email = csm_email
                    found.csm_name = doc.csm.name if doc.csm is not None and doc.csm.email == csm_email else None
                    out.append(found)
    return out


def checkback_text(account: Account, cb: Checkback) -> str:
    delivered = cb.due - HORIZONS[cb.horizon]
    lines = [
        f"It is {LABELS[cb.horizon]} since the handoff of {account.name} ({delivered:%d %b %Y}).",
        f"Success metrics the customer set for {LABELS[cb.horizon]}:",
        *(f"  - {m.text}" for m in cb.metrics),
    ]
    if cb.commitments:
        lines += ["", "Commitments due by now:"]
        who = {"us": "; promised by us", "customer": "; the customer's"}
        lines += [f"  - {c.text} (due {due_label(c)}{who.get(c.owner or '', '')})" for c in cb.commitments]
    lines += ["", "Are they on track? A reply to this mail reaches the handoff (and the rep) as feedback."]
    return "\n".join(lines)


async def send_due_checkbacks(app: App) -> int:
    """Mail each due check-back to the CSM once; returns how many were new."""
    grace = timedelta(days=app.settings.checkback_grace_days)
    sent: list[int] = []
    with session_scope(app.engine) as session:
        for cb in due_checkbacks(session, app.now(), grace):
            if repo.outbound_key_exists(session, cb.key):
                continue
            account = session.get(Account, cb.account_id)
            if account is None:
                continue
            row, created = record_notice(
                app,
                session,
                key=cb.key,
                kind="checkback",
                to=cb.csm_email,
                to_name=cb.csm_name,
                subject=f"Check-back at {LABELS[cb.horizon]}: {account.name}",
                text=checkback_text(account, cb),
                title=f"Check-back: {account.name}",
                account=account,
            )
            if created:
                if as_utc(account.token_expires_at) < app.now():
                    account.token_expires_at = app.now() + timedelta(days=app.settings.token_ttl_days)
                repo.log_event(
                    session, "checkback", cb.account_id, at=app.now(), horizon=cb.horizon, metrics=len(cb.metrics)
                )
                sent.append(id_of(row))
    for outbound_id in sent:
        await send_outbound(app, outbound_id)
    return len(sent)


def set_enabled(settings: Settings, key: str, enabled: bool) -> str:
    """``handoff checkbacks off|on ACCOUNT`` (on an existing, current database); returns the account's name."""
    with reading(settings.database_url) as engine, session_scope(engine) as session:
        account = repo.find_account(session, key)
        if account is None:
            raise AccountNotFound(f"no account matches {key!r}; `handoff accounts` lists them")
        repo.set_checkbacks(session, id_of(account), enabled, datetime.now(UTC))
        repo.log_event(session, "checkbacks", account.id, enabled=enabled)
        return account.name
