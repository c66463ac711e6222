"""The outbox: every message we send is recorded under a unique key before it is handed over.

What it is for: ``record_notice`` (render, compose and record a short mail: a reminder,
a digest, a check-back, search results), ``explain`` (a short notice to a company
sender, never to outsiders, never past the daily cap unless it answers a command, never
in answer to a reply to one of our notices), ``send_outbound`` and ``hand_over`` (claim
a recorded message and give it to the sender: a retried job finds the row and never
sends twice; a relay that is down leaves it pending) and ``flush_outbound`` (the
periodic retry). ``hand_over`` is the one place mail leaves: a message with any
recipient (envelope, To, Cc or Bcc) outside the company's domains and the CSM roster
is refused there, whoever recorded it (agent/trust.py ``may_receive``).
Conversation, delivery, reminders and the after-handoff features all send through
here. Not for: deciding what to send or when.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses

from sqlmodel import Session

from agent.context import App
from agent.errors import RelayRejected, RelayUnavailable
from agent.loops import replies_to_our_notice
from agent.render import render_notice
from agent.trust import may_receive, outside_rule, token_address
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


async def explain(
    app: App, to: str, text: str, parsed: ParsedMail | None = None, *, capped: bool = True, key: str | None = None
) -> bool:
    """A short plain notice to a company sender; returns whether one was recorded and handed over.

    Never to outsiders, never in answer to a reply to one of our notices (a loop), and,
    unless it answers the rep's command (``capped=False``), never past the daily cap.
    """
    if not to or not app.settings.is_company_address(to):
        return False
    since = app.now() - timedelta(days=1)
    with session_scope(app.engine) as session:
        if parsed is not None and replies_to_our_notice(session, parsed):
            log.info("not explaining to %s: %s answers one of our notices", to, parsed.message_id)
            return False
        if capped and repo.count_auto_replies_since(session, to, since) >= app.settings.auto_replies_per_sender_per_day:
            log.warning(
                "not explaining to %s: daily cap of %d notices reached",
                to,
                app.settings.auto_replies_per_sender_per_day,
            )
            return False
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
        key = key or f"notice:{parsed.message_id if parsed is not None else msg['Message-ID']}"
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
    return created


async def tell_rep(app: App, account_id: int, text: str, parsed: ParsedMail, *, capped: bool = True) -> bool:
    """A short notice to the rep in the handoff's thread (its Reply-To is the handoff's address).

    Unless it answers the rep's command (``capped=False``), never past the daily cap.
    """
    with session_scope(app.engine) as session:
        account = session.get(Account, account_id)
        if account is None:
            return False
        since = app.now() - timedelta(days=1)
        limit = app.settings.auto_replies_per_sender_per_day
        if capped and repo.count_auto_replies_since(session, account.rep_email, since) >= limit:
            log.warning("not telling %s: daily cap of %d notices reached", account.rep_email, limit)
            return False
        row, created = record_notice(
            app,
            session,
            key=f"notice:{parsed.message_id}",
            kind="notice",
            to=account.rep_email,
            to_name=account.rep_name,
            subject=f"Re: {parsed.outer.subject}" if parsed.outer.subject else f"handoff: {account.name}",
            text=text,
            account=account,
            in_reply_to=parsed.message_id,
        )
        outbound_id = id_of(row)
    await send_outbound(app, outbound_id)
    return created


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


def outside_recipients(app: App, raw: bytes, recipients: list[str]) -> list[str]:
    """Every address this message would reach (envelope, To, Cc, Bcc) that ``may_receive`` refuses."""
    headers = BytesHeaderParser(policy=compat32).parsebytes(raw[:262_144], headersonly=True)
    named = [str(v) for name in ("To", "Cc", "Bcc") for v in headers.get_all(name) or []]
    everyone = [*recipients, *(address for _, address in getaddresses(named) if address)]
    if not everyone:
        return ["(no recipient)"]
    return sorted({a.lower() for a in everyone if not may_receive(app.settings, app.roster, a)})


async def hand_over(app: App, outbound_id: int, raw: bytes, recipients: list[str]) -> None:
    """Give a claimed message to the sender and record the outcome (sent, delayed, refused).

    Refused here, whatever recorded it, when any recipient is outside the company.
    """
    outside = outside_recipients(app, raw, recipients)
    if outside:
        await _block(app, outbound_id, outside)
        return
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


def _record_failure(
    app: App, outbound_id: int, event: str, addresses: list[str], why: str, *, whole: bool
) -> str | None:
    """A refusal on the row (failed when ``whole`` or every recipient is refused) and in the event log.

    Returns the rep to tell: a final that did not reach its CSM.
    """
    with session_scope(app.engine) as session:
        row = session.get(Outbound, outbound_id)
        if row is None:
            return None
        if whole or set(addresses) >= {r.lower() for r in row.recipients}:
            row.status = "failed"
        row.last_error = why[:1000]
        repo.log_event(session, event, row.account_id, outbound=outbound_id, addresses=addresses, at=app.now())
        account = session.get(Account, row.account_id) if row.account_id else None
        if row.kind == "final" and account is not None and account.rep_email not in addresses:
            return account.rep_email
    return None


async def _block(app: App, outbound_id: int, outside: list[str]) -> None:
    """A message for someone outside the company: never sent, recorded as failed, the rep told for a final."""
    why = outside_rule(app.settings, ", ".join(outside))
    rep_to_tell = _record_failure(app, outbound_id, "send_blocked", outside, f"not sent: {why}", whole=True)
    log.error("outbound %s not sent: %s", outbound_id, why)
    if rep_to_tell:
        text = (
            f"The handoff was not sent. {why} Reply 'CSM: Name <address>' with a colleague's address, then 'approve'."
        )
        await explain(app, rep_to_tell, text, capped=False, key=f"blocked:{outbound_id}")


async def _report_refused(app: App, outbound_id: int, refused: dict[str, str]) -> None:
    """A permanent refusal is visible: logged, recorded, and told to the rep when the CSM's copy bounced."""
    refused = {addr.lower(): reason for addr, reason in refused.items()}
    why = "; ".join(f"{addr}: {reason}" for addr, reason in refused.items())
    rep_to_tell = _record_failure(app, outbound_id, "send_refused", sorted(refused), why, whole=False)
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
