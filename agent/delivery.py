"""Everything we send: drafts to the rep, the final handoff to the CSM, short notices.

What it is for: turn an account's state into mail (render -> compose), record each
outgoing message in the outbound table under a unique key *before* sending it (a
retried job finds the row and does not send twice), then hand it to the sender; a
relay that is down leaves the row pending for the periodic flush. Also picks the
handoff call's slot and builds the invite. Not for: deciding *when* to send (jobs,
conversation).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from agent.conversation import questions_for, token_address
from agent.document import HandoffDocument
from agent.errors import RelayRejected, RelayUnavailable
from agent.extract.base import Question, provenance_lines
from agent.extract.runner import load_document, refresh_document, save_document
from agent.render import render_document, render_draft, render_final, render_notice
from agent.schedule import handoff_due, next_call_slot, parse_hours
from db import repo
from db.models import Account, Outbound, as_utc, utcnow
from db.session import session_scope
from mailflows.calendar import build_invite
from mailflows.compose import compose_draft, compose_final, compose_notice, handoff_subject
from mailflows.parsed import ParsedMail

if TYPE_CHECKING:
    from agent.app import App

log = logging.getLogger(__name__)


def draft_subject(account: Account) -> str:
    return handoff_subject(account.name, "draft")


def final_subject(account: Account) -> str:
    return handoff_subject(account.name, "final")


async def send_draft(
    app: App,
    account_id: int,
    *,
    notes: list[str] | None = None,
    force: bool = False,
    asks_first: list[tuple[str, str]] | None = None,
) -> bool:
    """Send the account's draft if one is due (or ``force``); returns whether one was sent.

    ``asks_first`` (section, question) come before the usual questions, e.g. a CSM's asks.
    """
    async with app.locks.hold(f"account:{account_id}"):
        with session_scope(app.engine) as session:
            account = repo.lock_account(session, account_id)
            due = account.draft_due_at
            if not force and (due is None or due > app.now()):
                return False
            since = app.now() - timedelta(days=1)
            if (
                repo.count_auto_replies_since(session, account.rep_email, since)
                >= app.settings.auto_replies_per_sender_per_day
            ):
                log.warning(
                    "draft for account %s not sent: daily cap of automatic mail to %s", account_id, account.rep_email
                )
                account.draft_due_at = None
                repo.log_event(session, "draft_suppressed", account_id, reason="daily cap", at=app.now())
                return False
            assign_csm_from_roster(app, session, account)
            doc = load_document(account)
            sources = repo.source_index(session, account_id)
            refresh_document(account, doc, sources)
            asks = [*(asks_first or []), *((q.section, q.text) for q in questions_for(doc, account))]
            questions = [Question(n=i, section=section, text=text) for i, (section, text) in enumerate(asks, 1)]
            account.questions = [{"n": q.n, "section": q.section, "text": q.text} for q in questions]
            draft = DraftMail(
                doc=doc,
                questions=questions,
                unread=list(account.unread),
                notes=[*account.notes, *provenance_lines(doc), *(notes or [])],
                inbox_address=app.settings.inbox_address,
                reply_to=token_address(app.settings, account.token),
                to=(account.rep_name or "", account.rep_email),
                subject=draft_subject(account),
                in_reply_to=account.last_rep_message_id,
                references=list(account.references),
                domain=app.settings.inbox_domain,
            )
        # Rendering and composing are pure work: a pool process does it while this one serves others.
        raw, message_id = await app.cpu.run(build_draft, draft)
        with session_scope(app.engine) as session:
            account = repo.lock_account(session, account_id)
            number = account.drafts_sent + 1
            row, created = repo.add_outbound(
                session,
                Outbound(
                    created_at=app.now(),
                    key=f"draft:{account_id}:{number}",
                    account_id=account_id,
                    kind="draft",
                    message_id=message_id,
                    recipients=[account.rep_email],
                    raw=raw,
                    status="sending",  # claimed as it is written: sent right below (a crash leaves a stale claim)
                    claimed_at=app.now(),
                ),
            )
            account.drafts_sent = number
            account.draft_due_at = None
            if account.status in ("collecting", "draft_sent"):
                account.status = "draft_sent"
            account.last_draft_message_id = row.message_id
            save_document(account, doc, sources)
            repo.log_event(session, "draft_sent", account_id, number=number, questions=len(questions), at=app.now())
            outbound_id, recipients = row.id, list(row.recipients)
    if created:
        await hand_over(app, outbound_id, raw, recipients)  # type: ignore[arg-type]
    else:  # written by an earlier try: send it only if nobody has
        await send_outbound(app, outbound_id)  # type: ignore[arg-type]
    return True


@dataclass(frozen=True, slots=True)
class DraftMail:
    """What a draft is made of, taken from the account: ``build_draft`` renders and composes it."""

    doc: HandoffDocument
    questions: list[Question]
    unread: list[str]
    notes: list[str]
    inbox_address: str
    reply_to: str
    to: tuple[str, str]
    subject: str
    in_reply_to: str | None
    references: list[str]
    domain: str | None


def build_draft(draft: DraftMail) -> tuple[bytes, str]:
    """The draft as bytes to store and send, and its Message-ID (pure: runs in a CPU pool process)."""
    text, html = render_draft(
        draft.doc,
        questions=draft.questions,
        sources=[ref.model_dump(by_alias=True) for ref in draft.doc.sources],
        unread=draft.unread,
        notes=draft.notes,
        inbox_address=draft.inbox_address,
    )
    msg = compose_draft(
        from_addr=draft.inbox_address,
        reply_to=draft.reply_to,
        to=draft.to,
        subject=draft.subject,
        text=text,
        html=html,
        in_reply_to=draft.in_reply_to,
        references=draft.references,
        domain=draft.domain,
    )
    return msg.as_bytes(), str(msg["Message-ID"])


def assign_csm_from_roster(app: App, session, account: Account) -> None:  # type: ignore[no-untyped-def]
    """No CSM named by the rep or the mail: the roster's rule, then its least-loaded CSM."""
    if account.csm_email or app.roster is None:
        return
    csm = app.roster.assign(account.domain, load=repo.open_accounts_per_csm(session))
    if csm is not None:
        account.csm_name, account.csm_email = csm.name, csm.email
        repo.log_event(session, "csm_named", account.id, email=csm.email, by="roster", at=app.now())


def _call_start(app: App, account: Account) -> datetime:
    pinned = as_utc(account.call_pinned_at)
    if pinned is not None:
        return pinned
    zones: list = [app.settings.tz]  # type: ignore[type-arg]
    hours: list = [parse_hours(app.settings.business_hours)]  # type: ignore[type-arg]
    csm = app.roster.get(account.csm_email) if app.roster and account.csm_email else None
    if csm is not None:
        zones.append(csm.tz)
        hours.append(csm.working_hours)
    return next_call_slot(app.now(), zones, minutes=app.settings.call_minutes, within_h=48, hours=hours)


REMINDER_QUIET_H = 2.0  # no reminder within this long after a draft: the rep just heard from us


async def send_reminders(app: App) -> int:
    """The 48-hour rule: one reminder per configured point before the deadline, in the rep's thread."""
    now = app.now()
    points = sorted({0.0, *app.settings.reminder_hours_before})  # 0: the deadline itself (overdue)
    due_now: list[tuple[int, str]] = []
    with session_scope(app.engine) as session:
        waiting = repo.accounts_awaiting_handoff(session)
        drafted = repo.last_sent_at(session, [a.id for a in waiting], "draft")  # type: ignore[misc]
        for account in waiting:
            due = due_at(app, account)
            passed = [h for h in points if now >= due - timedelta(hours=h)]
            last_draft = as_utc(drafted.get(account.id))  # type: ignore[arg-type]
            if not passed or (last_draft and now - last_draft < timedelta(hours=REMINDER_QUIET_H)):
                continue
            # Several points passed at once (a late start) give one reminder, for the nearest one.
            due_now.append((account.id, f"reminder:{account.id}:{account.revision}:{passed[0]:g}"))  # type: ignore[arg-type]
    sent = 0
    for account_id, key in due_now:
        sent += await _remind(app, account_id, key)
    return sent


def due_at(app: App, account: Account) -> datetime:
    """When the handoff is due: HANDOFF_DUE_H after the end of the signing day, in HANDOFF_TIMEZONE."""
    return handoff_due(account.contract_signed or app.now().date(), app.settings.tz, app.settings.handoff_due_h)


def record_notice(
    app: App,
    session,  # type: ignore[no-untyped-def]
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
) -> tuple[Outbound, bool]:
    """Render, compose and record one automatic mail under its unique key; ``send_outbound`` sends it.

    With an ``account`` a reply goes to the handoff's token address; ``in_thread`` also
    threads it under the newest draft.
    """
    plain, html = render_notice(text, title=title)
    msg = compose_notice(
        from_addr=app.settings.inbox_address,
        to=(to_name or "", to),
        subject=subject,
        text=plain,
        html=html,
        reply_to=token_address(app.settings, account.token) if account is not None else None,
        in_reply_to=account.last_draft_message_id if account is not None and in_thread else None,
        references=list(account.references) if account is not None and in_thread else (),
        domain=app.settings.inbox_domain,
        auto_submitted="auto-generated",
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


async def _remind(app: App, account_id: int, key: str) -> int:
    with session_scope(app.engine) as session:
        account = repo.lock_account(session, account_id)
        due = due_at(app, account)
        state = "overdue" if app.now() > due else "due"
        text = (
            f"The handoff for {account.name} is {state}: the contract was signed on "
            f"{account.contract_signed:%a %d %b %Y} and the CSM should have it by {due:%a %d %b %H:%M} UTC.\n\n"
            "Reply to this mail (or the newest draft) with your answers, then a line saying 'approve'."
        )
        row, created = record_notice(
            app,
            session,
            key=key,
            kind="reminder",
            to=account.rep_email,
            to_name=account.rep_name,
            subject=handoff_subject(account.name, "reminder"),
            text=text,
            title=f"Handoff reminder: {account.name}",
            account=account,
            in_thread=True,
        )
        if created:
            repo.log_event(session, "reminder", account_id, key=key, state=state, at=app.now())
        outbound_id = row.id
    await send_outbound(app, outbound_id)  # type: ignore[arg-type]
    return int(created)


async def deliver_final(app: App, account_id: int) -> None:
    """Approve: mail the CSM (cc the rep) the document and the invite; once per revision."""
    async with app.locks.hold(f"account:{account_id}"):
        with session_scope(app.engine) as session:
            account = repo.lock_account(session, account_id)
            assign_csm_from_roster(app, session, account)
            if not account.csm_email:
                return
            doc = load_document(account)
            account.status = "approved"
            account.approved_at = app.now()
            sources = repo.source_index(session, account_id)
            save_document(account, doc, sources)
            start = _call_start(app, account)
            sequence = account.invite_sequence + (1 if account.invite_uid else 0)
            uid = account.invite_uid or f"handoff-{account_id}-{account.token[:12]}@{app.settings.inbox_domain}"
            tz = app.settings.tz
            rep_name = account.rep_name or account.rep_email
            csm_name = account.csm_name or account.csm_email
            ics = build_invite(
                uid=uid,
                sequence=sequence,
                start=start,
                minutes=app.settings.call_minutes,
                tz=tz,
                organizer=app.settings.inbox_address,
                attendees=[(csm_name, account.csm_email), (rep_name, account.rep_email)],
                summary=f"Handoff call: {account.name} ({rep_name} -> {csm_name})",
                description=_agenda(doc),
                now=app.now(),
            )
            text, html = render_final(doc, call_start=start, tz=tz, minutes=app.settings.call_minutes)
            markdown = render_document(doc, "md")
            msg = compose_final(
                from_addr=app.settings.inbox_address,
                reply_to=token_address(app.settings, account.token),
                to=(account.csm_name or "", account.csm_email),
                cc=[(account.rep_name or "", account.rep_email)],
                subject=final_subject(account),
                text=text,
                html=html,
                markdown=markdown,
                markdown_filename=f"handoff-{(account.domain or account.name).replace(' ', '-').lower()}.md",
                ics=ics,
                domain=app.settings.inbox_domain,
            )
            row, created = repo.add_outbound(
                session,
                Outbound(
                    created_at=app.now(),
                    key=f"final:{account_id}:{account.revision}:{account.csm_email}",
                    account_id=account_id,
                    kind="final",
                    message_id=str(msg["Message-ID"]),
                    recipients=[account.csm_email, account.rep_email],
                    raw=msg.as_bytes(),
                ),
            )
            if created:
                account.invite_uid, account.invite_sequence = uid, sequence
                account.call_start = start.astimezone(UTC)
            account.status = "delivered"
            account.delivered_at = app.now()
            account.draft_due_at = None
            save_document(account, doc, sources)
            repo.log_event(
                session,
                "delivered",
                account_id,
                revision=account.revision,
                csm=account.csm_email,
                new=created,
                at=app.now(),
            )
            outbound_id = row.id
    await send_outbound(app, outbound_id)  # type: ignore[arg-type]
    # After the handoff (issue 7): keep what the CSM received, and tell the webhook.
    from agent.snapshots import record_delivery

    await record_delivery(app, account_id, outbound_id)


def _agenda(doc) -> str:  # type: ignore[no-untyped-def]
    lines = [f"15-minute handoff of {doc.account.name} from sales to customer success.", "", "Agenda:"]
    lines += ["1. Who is who (stakeholder map)", "2. What they bought it for (pains, success metrics)"]
    lines += [
        "3. What we promised (commitments and dates)",
        "4. Risks and the rep's read",
        "",
        "The document is attached to the mail.",
    ]
    return "\n".join(lines)


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
        outbound_id = row.id
    await send_outbound(app, outbound_id)  # type: ignore[arg-type]


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
        ids = [row.id for row in repo.pending_outbound(session)]
    for outbound_id in ids:
        await send_outbound(app, outbound_id)  # type: ignore[arg-type]
    return len(ids)
