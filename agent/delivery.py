"""The two mails the flow ends in: the draft to the rep, and the final handoff to the CSM.

What it is for: ``send_draft`` turns an account's state into the draft (the document,
the question bank's questions, what was not read, and once delivered what changed since
the version the CSM has; rendered and composed in a CPU pool process) and
``deliver_final`` into the CSM's mail with the Markdown document and the calendar
invite for the handoff call: version 1, then each later version with what changed on
top and an update of the same event (agent/invites.py), a CANCEL to a CSM who lost the
handoff to another, and nothing at all when nothing changed. Each mail is recorded in
the outbox under a unique key (per revision and recipient) before it is handed over
(agent/outbox.py), in the same transaction as what the CSM received (``keep``: the
snapshot). Not for: deciding *when* to send (agent/jobs.py, agent/conversation.py,
agent/reminders.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session

from agent import invites
from agent.context import App
from agent.document import HandoffDocument
from agent.document_store import dates_of, load_document, refresh_document, save_document, source_refs, with_sources
from agent.extract.base import Question, provenance_lines
from agent.loops import take_untold_mutes
from agent.outbox import explain, hand_over, send_outbound
from agent.questions import questions_for
from agent.render import render_document, render_draft, render_final
from agent.revisions import Change, Edition, changes, changes_view, edition_of
from agent.trust import token_address
from db import repo
from db.models import Account, Outbound, Snapshot, as_utc, id_of
from db.repo import SourceEntry
from db.session import session_scope
from mailflows.inbound.mail import ParsedMail
from mailflows.outbound.compose import compose_draft, compose_final, handoff_subject

log = logging.getLogger(__name__)
DRAFT_SOURCES = 25  # the draft lists the newest sources; the rest are counted (the final mail lists every one)


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
            dates = repo.source_dates(session, account_id)
            refresh_document(account, doc, dates)
            # the newest sources and a count of the rest: a long deal's draft does not list (or cost) them all
            newest, total = repo.newest_sources(session, account_id, DRAFT_SOURCES)
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
                changes=_changes_for_draft(app, session, account, doc),
                sources=[ref.model_dump(by_alias=True) for ref in source_refs(newest)],
                earlier_sources=total - len(newest),
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
            save_document(account, doc, dates)
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
    changes: dict[str, Any] | None = None  # once delivered: what changed since the version the CSM has
    sources: list[dict[str, Any]] = field(default_factory=list)  # the newest DRAFT_SOURCES, as exported
    earlier_sources: int = 0  # the account's older sources, only counted in the draft


def _changes_for_draft(app: App, session: Session, account: Account, doc: HandoffDocument) -> dict[str, Any] | None:
    """What approving would send the CSM beyond the version they have (None: never delivered)."""
    last = repo.last_snapshot(session, id_of(account))
    if last is None:
        return None
    with_sources(doc, repo.source_index(session, id_of(account)))  # "Sources read" is compared too
    withdrawn = account.withdrawn_at is not None
    previous = edition_of(last, as_utc(account.call_start))
    new_csm = bool(last.csm_email) and (last.csm_email or "").lower() != (account.csm_email or "").lower()
    start = invites.planned_call(app, account, previous.call_start, first=withdrawn, new_csm=new_csm)
    found = changes(previous, Edition(doc, start), app.settings.tz, minutes=app.settings.call_minutes)
    old = previous.document.csm
    return changes_view(found, since=last.version, csm=(old.name or old.email) if old else "", withdrawn=withdrawn)


def build_draft(draft: DraftMail) -> tuple[bytes, str]:
    """The draft as bytes to store and send, and its Message-ID (pure: runs in a CPU pool process)."""
    text, html = render_draft(
        draft.doc,
        questions=draft.questions,
        sources=draft.sources,
        unread=draft.unread,
        notes=draft.notes,
        inbox_address=draft.inbox_address,
        changes=draft.changes,
        earlier_sources=draft.earlier_sources,
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


@dataclass(frozen=True, slots=True)
class Delivered:
    """One version as the CSM got it, for the snapshot kept in the same transaction as its mail."""

    account_id: int
    version: int
    revision: int
    outbound_id: int | None
    csm_email: str
    delivered_at: datetime
    document: dict[str, Any]
    markdown: str
    call_start: datetime | None
    changes: list[Change]
    open_questions: int


@dataclass(frozen=True, slots=True)
class Delivery:
    """What ``deliver_final`` did: the outbox rows sent (the CSM's mail first), or why nothing was sent."""

    outbound_ids: list[int] = field(default_factory=list)
    version: int | None = None
    unchanged: bool = False  # nothing changed since ``version``: nothing was sent

    @property
    def sent(self) -> bool:
        return bool(self.outbound_ids)


Keep = Callable[[Session, Delivered], object]


async def deliver_final(
    app: App, account_id: int, *, keep: Keep | None = None, parsed: ParsedMail | None = None
) -> Delivery:
    """Approve: mail the CSM (cc the rep) the next version and its invite, once per revision.

    A later version carries what changed since the one before on top and updates the same
    event; a CSM who lost the handoff gets the CANCEL. Nothing changed since the version
    the CSM has: nothing is sent, and the rep is told (in reply to ``parsed``). No CSM known:
    nothing is sent.
    """
    unchanged_text = rep_email = ""
    async with app.locks.hold(f"account:{account_id}"):
        with session_scope(app.engine) as session:
            account = repo.lock_account(session, account_id)
            assign_csm_from_roster(app, session, account)
            if not account.csm_email:
                return Delivery()
            rep_email = account.rep_email
            last = repo.last_snapshot(session, account_id)
            previous = edition_of(last, as_utc(account.call_start)) if last is not None else None
            withdrawn = account.withdrawn_at is not None
            old_csm = (last.csm_email or "") if last is not None and not withdrawn else ""
            new_csm = bool(old_csm) and old_csm.lower() != account.csm_email.lower()
            standing = previous.call_start if previous is not None else None
            start = invites.planned_call(app, account, standing, first=previous is None or withdrawn, new_csm=new_csm)
            sources = repo.source_index(session, account_id)
            doc = with_sources(load_document(account), sources)
            account.status = "delivered"
            refresh_document(account, doc, dates_of(sources))
            tz, minutes = app.settings.tz, app.settings.call_minutes
            found = changes(previous, Edition(doc, start), tz, minutes=minutes)
            if last is not None and not withdrawn and not found:
                account.revision = (
                    last.revision
                )  # the CSM's version (data from before may have counted the update early)
                account.draft_due_at = None
                save_document(account, doc, dates_of(sources))
                repo.log_event(session, "approve_unchanged", account_id, version=last.version, at=app.now())
                who = _party(doc.csm.name if doc.csm else None, last.csm_email or "")
                unchanged_text = (
                    f"Nothing changed since version {last.version}, which {who} has, so nothing was sent. "
                    "Forward new material, or reply with answers or commands, and approve again."
                )
                result = Delivery(version=last.version, unchanged=True)
            else:
                result = _record_version(
                    app, session, account, doc, sources, last, found, start, old_csm, new_csm, keep
                )
    if unchanged_text:
        if parsed is not None:
            await explain(app, rep_email, unchanged_text, parsed)
        return result
    for outbound_id in result.outbound_ids:
        await send_outbound(app, outbound_id)
    return result


def _record_version(
    app: App,
    session: Session,
    account: Account,
    doc: HandoffDocument,
    sources: list[SourceEntry],
    last: Snapshot | None,
    found: list[Change],
    start: datetime | None,
    old_csm: str,
    new_csm: bool,
    keep: Keep | None,
) -> Delivery:
    """Compose and record the next version (and a CANCEL to a CSM who lost it), inside the caller's transaction."""
    account_id = id_of(account)
    csm_email = account.csm_email or ""
    if last is not None and last.revision >= account.revision:
        account.revision = last.revision + 1  # the revision number is taken when a version is delivered
    version = last.version + 1 if last is not None else 1
    tz, minutes = app.settings.tz, app.settings.call_minutes
    uid, sequence = invites.invite_uid(app, account), invites.next_sequence(account)
    ics = invites.request(app, account, doc, uid=uid, sequence=sequence, start=start) if start else None
    view = changes_view(found, since=version - 1) if last is not None else None
    old_name = ""
    if last is not None and new_csm:
        old_doc = HandoffDocument.model_validate(last.document)
        old_name = (old_doc.csm.name if old_doc.csm else None) or ""
    update = {
        "version": version,
        "changes": view,
        "moved_from": (old_name or old_csm) if new_csm else "",
        "past_call": invites.call_words(app, as_utc(account.call_start)) if start is None else "",
    }
    text, html = render_final(doc, call_start=start, tz=tz, minutes=minutes, update=update)
    markdown = render_document(doc, "md", changes=view)
    earlier = session.get(Outbound, last.outbound_id) if last is not None and last.outbound_id and not new_csm else None
    msg = compose_final(
        from_addr=app.settings.inbox_address,
        reply_to=token_address(app.settings, account.token),
        to=(account.csm_name or "", csm_email),
        cc=[(account.rep_name or "", account.rep_email)],
        subject=final_subject(account) + (f" (version {version})" if version > 1 else ""),
        text=text,
        html=html,
        markdown=markdown,
        markdown_filename=f"handoff-{(account.domain or account.name).replace(' ', '-').lower()}.md",
        ics=ics,
        domain=app.settings.inbox_domain,
        in_reply_to=earlier.message_id if earlier is not None else None,
    )
    row, created = repo.add_outbound(
        session,
        Outbound(
            created_at=app.now(),
            key=f"final:{account_id}:{account.revision}:{csm_email}",
            account_id=account_id,
            kind="final",
            message_id=str(msg["Message-ID"]),
            recipients=[csm_email, account.rep_email],
            raw=msg.as_bytes(),
        ),
    )
    outbound_ids = [id_of(row)]
    if created:
        if new_csm and account.invite_uid:
            outbound_ids.append(invites.record_moved(app, session, account, (old_name, old_csm), sequence))
        if ics is not None or (new_csm and account.invite_uid):
            account.invite_uid, account.invite_sequence = uid, sequence
        if start is not None:
            account.call_start = start.astimezone(UTC)
        account.withdrawn_at = None
    account.approved_at = account.delivered_at = app.now()
    account.draft_due_at = None
    save_document(account, doc, dates_of(sources))
    repo.log_event(
        session,
        "delivered",
        account_id,
        revision=account.revision,
        version=version,
        csm=csm_email,
        new=created,
        at=app.now(),
    )
    if created and keep is not None:
        keep(
            session,
            Delivered(
                account_id=account_id,
                version=version,
                revision=account.revision,
                outbound_id=outbound_ids[0],
                csm_email=csm_email,
                delivered_at=app.now(),
                document=doc.export(),  # the whole document, its sources too (the account keeps them as rows)
                markdown=markdown,
                call_start=start.astimezone(UTC) if start else None,
                changes=found,
                open_questions=len(account.questions),
            ),
        )
    return Delivery(outbound_ids=outbound_ids, version=version)


def _party(name: str | None, email: str) -> str:
    return f"{name} <{email}>" if name and email else (name or email)
