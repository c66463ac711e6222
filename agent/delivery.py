"""The two mails the flow ends in: the draft to the rep, and the final handoff to the CSM.

What it is for: ``send_draft`` turns an account's state into the draft (the document,
the question bank's questions, what was not read; rendered and composed in a CPU pool
process) and ``deliver_final`` into the CSM's mail with the Markdown document and the
calendar invite for the handoff call (its slot picked here). Each is recorded in the
outbox under a unique key before it is handed over (agent/outbox.py). Not for:
deciding *when* to send (agent/jobs.py, agent/conversation.py, agent/reminders.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from sqlmodel import Session

from agent.context import App
from agent.document import HandoffDocument
from agent.document_store import load_document, refresh_document, save_document
from agent.extract.base import Question, provenance_lines
from agent.loops import take_untold_mutes
from agent.outbox import hand_over, send_outbound
from agent.questions import questions_for
from agent.render import render_document, render_draft, render_final
from agent.schedule import Hours, next_call_slot, parse_hours
from agent.trust import token_address
from db import repo
from db.models import Account, Outbound, as_utc, id_of
from db.session import session_scope
from mailflows.outbound.calendar import build_invite
from mailflows.outbound.compose import compose_draft, compose_final, handoff_subject

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
    capped: bool = True,
) -> bool:
    """Send the account's draft if one is due (or ``force``); returns whether one was sent.

    ``asks_first`` (section, question) come before the usual questions, e.g. a CSM's asks.
    ``capped=False``: the draft answers the rep's command, which is always answered, so
    the daily cap on automatic mail does not hold it back.
    """
    async with app.locks.hold(f"account:{account_id}"):
        with session_scope(app.engine) as session:
            account = repo.lock_account(session, account_id)
            due = account.draft_due_at
            if not force and (due is None or due > app.now()):
                return False
            since = app.now() - timedelta(days=1)
            if (
                capped
                and repo.count_auto_replies_since(session, account.rep_email, since)
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
                notes=[*account.notes, *provenance_lines(doc), *(notes or []), *take_untold_mutes(session, account_id)],
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
            outbound_id, recipients = id_of(row), list(row.recipients)
    if created:
        await hand_over(app, outbound_id, raw, recipients)
    else:  # written by an earlier try: send it only if nobody has
        await send_outbound(app, outbound_id)
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


def assign_csm_from_roster(app: App, session: Session, account: Account) -> None:
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
    zones: list[tzinfo] = [app.settings.tz]
    hours: list[Hours] = [parse_hours(app.settings.business_hours)]
    csm = app.roster.get(account.csm_email) if app.roster and account.csm_email else None
    if csm is not None:
        zones.append(csm.tz)
        hours.append(csm.working_hours)
    return next_call_slot(app.now(), zones, minutes=app.settings.call_minutes, within_h=48, hours=hours)


async def deliver_final(app: App, account_id: int) -> int | None:
    """Approve: mail the CSM (cc the rep) the document and the invite, once per revision.

    Returns the final mail's outbox id, or None when no CSM is known (nothing was sent).
    """
    async with app.locks.hold(f"account:{account_id}"):
        with session_scope(app.engine) as session:
            account = repo.lock_account(session, account_id)
            assign_csm_from_roster(app, session, account)
            if not account.csm_email:
                return None
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
            outbound_id = id_of(row)
    await send_outbound(app, outbound_id)
    return outbound_id


def _agenda(doc: HandoffDocument) -> str:
    lines = [f"15-minute handoff of {doc.account.name} from sales to customer success.", "", "Agenda:"]
    lines += ["1. Who is who (stakeholder map)", "2. What they bought it for (pains, success metrics)"]
    lines += [
        "3. What we promised (commitments and dates)",
        "4. Risks and the rep's read",
        "",
        "The document is attached to the mail.",
    ]
    return "\n".join(lines)
