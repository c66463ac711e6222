"""The outbox: every message we send is recorded under a unique key before it is handed over.

What it is for: ``record_notice`` (render, compose and record a short mail: a reminder,
a digest, a check-back, search results), ``explain`` (a short notice to a company
sender, never to outsiders, never past the daily cap), ``send_outbound`` and
``hand_over`` (claim a recorded message and give it to the sender: a retried job finds
the row and never sends twice; a relay that is down leaves it pending) and
``flush_outbound`` (the periodic retry). Conversation, delivery, reminders and the
after-handoff features all send through here. Not for: deciding what to send or when.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from sqlmodel import Session

from agent.context import App
from agent.errors import RelayRejected, RelayUnavailable
from agent.render import render_notice
from agent.trust import token_address
from db import repo
from db.models import Account, Outbound, id_of, utcnow
from db.session import session_scope
from mailflows.inbound.mail import ParsedMail
from mailflows.outbound.compose import AutoSubmitted, compose_notice

log = logging.getLogger(__name__)


def record_notice(
    app: App,
    session: Session,
    *,
    key: str,
    kind: str,
    to: str,
    subject: str,
    text: str,
    title: str = "",
    to_name: str | None = None,
    account: Account | None = None,
    in_thread: bool = False,
    in_reply_to: str | None = None,
    auto_submitted: AutoSubmitted = "auto-generated",
) -> tuple[Outbound, bool]:
    """Render, compose and record one short mail under its unique key; ``send_outbound`` sends it.

    With an ``account`` a reply goes to the handoff's token address; ``in_thread`` also
    threads it under the newest draft; ``in_reply_to`` threads it under another message.
    """
    plain, html = render_notice(text, title=title)
    msg = compose_notice(
        from_addr=app.settings.inbox_address,
        to=(to_name or "", to),
        subject=subject,
        text=plain,
        html=html,
        reply_to=token_address(app.settings, account.token) if account is not None else None,
        in_reply_to=account.last_draft_message_id if account is not None and in_thread else in_reply_to,
        references=list(account.references) if account is not None and in_thread else (),
        domain=app.settings.inbox_domain,
        auto_submitted=auto_submitted,
        kind=kind,
    )
    return repo.add_outbound(
        session,
        Outbound(
            created_at=app.now(),
            key=key,
            account_id=account.id if account is not None else None,
            kind=kind,
            message_id=str(msg["Message-ID"]),
            recipients=[to],
            raw=msg.as_bytes(),
        ),
    )


async def explain(app: App, to: str, text: str, parsed: ParsedMail | None = None) -> None:
    """A short plain notice to a company sender; never to outsiders, never past the daily cap."""
    if not to or not app.settings.is_company_address(to):
        return
    since = app.now() - timedelta(days=1)
    with session_scope(app.engine) as session:
        if repo.count_auto_replies_since(session, to, since) >= app.settings.auto_replies_per_sender_per_day:
            log.warning(
                "not explaining to %s: daily cap of %d notices reached",
                to,
                app.settings.auto_replies_per_sender_per_day,
            )
            return
        plain, html = render_notice(text)
        subject = f"Re: {parsed.outer.subject}" if parsed is not None and parsed.outer.subject else "handoff"
        msg = compose_notice(
            from_addr=app.settings.inbox_address,
            to=to,
            subject=subject,
            text=plain,
            html=html,
            in_reply_to=parsed.message_id if parsed is not None else None,
            domain=app.settings.inbox_domain,
        )
        key = f"notice:{parsed.message_id if parsed is not None else msg['Message-ID']}"
        row, created = repo.add_outbound(
            session,
            Outbound(
                created_at=app.now(),
                key=key,
                kind="notice",
                message_id=str(msg["Message-ID"]),
                recipients=[to],
                raw=msg.as_bytes(),
            ),
        )
        outbound_id = id_of(row)
    await send_outbound(app, outbound_id)


async def send_outbound(app: App, outbound_id: int) -> None:
    """Hand one recorded message to the sender; a claimed or sent row is never handed over again."""
    with session_scope(app.engine) as session:
        if not repo.claim_outbound(session, outbound_id, app.now()):
            return
        row = session.get(Outbound, outbound_id)
        if row is None:
            return
        raw, recipients = row.raw, list(row.recipients)
    await hand_over(app, outbound_id, raw, recipients)


async def hand_over(app: App, outbound_id: int, raw: bytes, recipients: list[str]) -> None:
    """Give a claimed message to the sender and record the outcome (sent, delayed, refused)."""
    try:
        refused = await app.sender.send(raw, recipients)
    except (RelayUnavailable, asyncio.CancelledError) as exc:
        with session_scope(app.engine) as session:
            row = session.get(Outbound, outbound_id)
            if row is not None:
                row.status = "pending"
                row.attempts += 1
                row.last_error = str(exc)[:1000] or type(exc).__name__
        if isinstance(exc, asyncio.CancelledError):
            raise
        log.warning("outbound %s delayed: %s", outbound_id, exc)
        return
    except RelayRejected as exc:
        refused = dict.fromkeys(recipients, str(exc))
    if refused:
        await _report_refused(app, outbound_id, refused)
        if {a.lower() for a in refused} >= {r.lower() for r in recipients}:
            return
    with session_scope(app.engine) as session:
        repo.mark_outbound_sent(session, outbound_id, utcnow())


async def _report_refused(app: App, outbound_id: int, refused: dict[str, str]) -> None:
    """A permanent refusal is visible: logged, recorded, and told to the rep when the CSM's copy bounced."""
    refused = {addr.lower(): reason for addr, reason in refused.items()}
    why = "; ".join(f"{addr}: {reason}" for addr, reason in refused.items())
    rep_to_tell = None
    with session_scope(app.engine) as session:
        row = session.get(Outbound, outbound_id)
        if row is None:
            return
        if set(refused) >= {r.lower() for r in row.recipients}:
            row.status = "failed"
        row.last_error = why[:1000]
        repo.log_event(
            session, "send_refused", row.account_id, outbound=outbound_id, refused=sorted(refused), at=app.now()
        )
        account = session.get(Account, row.account_id) if row.account_id else None
        if row.kind == "final" and account is not None and account.rep_email not in refused:
            rep_to_tell = account.rep_email
    log.error("outbound %s refused by the relay for %s", outbound_id, why)
    if rep_to_tell:
        await explain(
            app,
            rep_to_tell,
            f"The handoff could not be delivered to {', '.join(sorted(refused))}: the mail server refused it "
            f"({why}). Check the CSM's address, then reply 'CSM: Name <address>' and 'approve' again.",
        )


async def flush_outbound(app: App) -> int:
    """Retry every pending outgoing message (relay was down); returns how many were tried."""
    with session_scope(app.engine) as session:
        # A claim older than HANDOFF_CLAIM_STALE_S belongs to a sender that died.
        repo.release_stale_claims(session, app.now() - timedelta(seconds=app.settings.claim_stale_s))
        ids = [id_of(row) for row in repo.pending_outbound(session)]
    for outbound_id in ids:
        await send_outbound(app, outbound_id)
    return len(ids)
