"""The conversation with the rep: where a message goes, who may command, and what a reply changes.

What it is for: ``route`` (is an inbound message material, a reply to a draft, a
search, an auto-reply...), ``check_reply`` (the token, the owning rep or the CSM, an
unambiguous From, DMARC when configured — before anything is done) and ``apply_reply``
(the commands and answers of the rep's reply, applied to the account and its
document; it returns what should go out next, a draft or the final mail). Not for:
composing or sending the draft and the final mail (agent/delivery.py): the job that
read the reply sends what ``apply_reply`` asks for.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Literal

from sqlmodel import Session

from agent.accounts import email_for_colleague
from agent.commands import parse_commands
from agent.context import App
from agent.document import Extraction, HandoffDocument, merge_extraction, remove_matching
from agent.document_store import load_document, save_document
from agent.extract.runner import context_for
from agent.outbox import explain
from agent.questions import questions_from_account
from agent.revisions import csm_of_record, reopen
from agent.settings import Settings
from agent.trust import dmarc_pass, strict_sender, token_in
from db import repo
from db.models import Account, as_utc, id_of
from db.session import session_scope
from mailflows.inbound.mail import ParsedMail, ThreadMessage

log = logging.getLogger(__name__)


def route(parsed: ParsedMail, rcpt_to: list[str], settings: Settings) -> tuple[str, str | None]:
    """(disposition, token): calendar_reply | auto | reply | material | outside."""
    if parsed.calendar_reply:
        return "calendar_reply", None
    if parsed.auto_generated or parsed.outer.auto_generated:
        return "auto", None
    outer = parsed.outer
    token = token_in([*rcpt_to, *(a.email for a in [*outer.to, *outer.cc])], settings)
    if token:
        return "reply", token
    sender = outer.sender.email if outer.sender else ""
    if sender and settings.is_company_address(sender):
        if outer.subject.lower().startswith("search:"):
            return "search", None
        return "material", None
    return "outside", None


@dataclass(frozen=True, slots=True)
class ReplyCheck:
    """Who a reply to a handoff's address is from, once checked."""

    disposition: Literal["reply", "csm_feedback", "refused", "unknown_token"]
    account_id: int | None = None


async def check_reply(app: App, parsed: ParsedMail, token: str, raw: bytes = b"") -> ReplyCheck:
    """The owning rep (``reply``), the handoff's CSM (``csm_feedback``), or refused with a notice.

    Nothing is changed here; a refused sender from our company is told why.
    """
    outer = parsed.outer
    sender = outer.sender.email.lower() if outer.sender else ""
    if raw and strict_sender(raw) != sender:
        log.warning("reply %s refused: ambiguous From header", parsed.message_id)
        return ReplyCheck("refused")
    with session_scope(app.engine) as session:
        account = repo.account_by_token(session, token)
        if account is None or account.token_expires_at < app.now():
            log.warning("reply %s to unknown or expired token from %s", parsed.message_id, sender)
            why = "expired" if account is not None else "unknown"
            account_id = None
        else:
            account_id, why = account.id, ""
            rep_email, csm_email = account.rep_email, csm_of_record(session, account).lower()
    if account_id is None:
        await explain(
            app,
            sender,
            f"This reply went to a handoff address I do not know ({why}). Nothing was changed. "
            "Forward material to the inbox, or reply to the newest draft.",
            parsed,
        )
        return ReplyCheck("unknown_token")
    if sender != rep_email:
        if sender and sender == csm_email:
            return ReplyCheck("csm_feedback", account_id)
        log.warning("reply to %s's handoff from %s refused: not the owning rep", rep_email, sender)
        await explain(
            app, sender, "Only the rep who owns this handoff can change or approve it. Nothing was changed.", parsed
        )
        return ReplyCheck("refused")
    if app.settings.trusted_authserv_id and not dmarc_pass(parsed, app.settings.trusted_authserv_id):
        log.warning(
            "reply %s from %s refused: no DMARC pass from %s",
            parsed.message_id,
            sender,
            app.settings.trusted_authserv_id,
        )
        await explain(
            app, sender, "This reply did not pass our mail authentication checks, so nothing was changed.", parsed
        )
        return ReplyCheck("refused")
    return ReplyCheck("reply", account_id)


def merge_accounts(app: App, session: Session, old: Account, into: Account, doc: HandoffDocument) -> HandoffDocument:
    """``account: Name`` naming another of the rep's accounts: fold that one into this one.

    Its sources move here (the ones this account already has are skipped), its document
    is merged in, this account takes its name (and domain when it has none), and the old
    one is kept, marked merged, with its reply address closed.
    """
    have = {(s.source_id, s.fingerprint) for s in repo.source_index(session, id_of(into))}
    seen_ids = {sid for sid, _ in have}
    seen_prints = {fp for _, fp in have}
    for source in repo.sources_of(session, id_of(old)):
        if source.source_id in seen_ids or source.fingerprint in seen_prints:
            continue
        source.account_id = id_of(into)
    repo.move_inbound(session, id_of(old), id_of(into))
    theirs = load_document(old)
    doc = merge_extraction(
        doc, Extraction(account=theirs.account, contract_signed=theirs.contract_signed, sections=theirs.sections)
    )
    name, domain = old.name, old.domain
    old.name, old.domain, old.status = f"{old.name} (merged into #{into.id})", None, "merged"
    old.token_expires_at = app.now()
    old.draft_due_at = None
    session.flush()
    into.name = name
    into.domain = into.domain or domain
    into.csm_email, into.csm_name = into.csm_email or old.csm_email, into.csm_name or old.csm_name
    into.contract_signed = into.contract_signed or old.contract_signed
    repo.log_event(session, "merged", into.id, merged=old.id, at=app.now())
    return doc


@dataclass
class FollowUp:
    """What should go out after a reply: the final mail to the CSM, or a draft to the rep with notes."""

    deliver: bool = False
    draft: bool = False
    cancel: bool = False  # the rep cancelled: the CSM who has a version gets the CANCEL, the rep the notes
    notes: list[str] = field(default_factory=list)


async def apply_reply(app: App, account_id: int, parsed: ParsedMail) -> FollowUp:
    """Apply the rep's commands and answers; returns what the caller should send next."""
    outer = parsed.outer
    cmds, answer_text = parse_commands(outer.body, app.settings.timezone, app.now())
    notes: list[str] = list(cmds.errors)
    async with app.locks.hold(f"account:{account_id}"):
        with session_scope(app.engine) as session:
            account = repo.lock_account(session, account_id)
            doc = load_document(account)
            ctx = context_for(app, account, doc)
            questions = questions_from_account(account)
            if cmds.cancel:
                account.status, account.draft_due_at = "collecting", None
                account.token_expires_at = app.now()
                repo.log_event(session, "cancelled", account_id, at=app.now())
                notes.append("Handoff cancelled: the reply address is closed. Forward new material to start again.")
            if cmds.csm is not None:
                account.csm_name, account.csm_email = cmds.csm.name or None, cmds.csm.email
                repo.log_event(session, "csm_named", account_id, email=cmds.csm.email, by="rep", at=app.now())
            elif cmds.csm_name_only:
                email = email_for_colleague(cmds.csm_name_only, None, app.settings.own_domains, account.rep_email)
                account.csm_name, account.csm_email = cmds.csm_name_only, email
                notes.append(
                    f"CSM set to {cmds.csm_name_only} <{email}> — reply 'CSM: Name <address>' if that address is wrong."
                )
                repo.log_event(session, "csm_named", account_id, email=email, by="rep", inferred=True, at=app.now())
            if cmds.account_name:
                other = repo.find_account(session, cmds.account_name)
                if other is None or other.id == account.id:
                    account.name = cmds.account_name
                    notes.append(f"Account renamed to {cmds.account_name}.")
                elif other.rep_email != account.rep_email:
                    notes.append(f"{other.name} is another rep's handoff, so nothing was merged.")
                else:
                    doc = merge_accounts(app, session, other, account, doc)
                    notes.append(f"Merged {other.name} into this handoff: one account, one document.")
            if cmds.call is not None:
                account.call_pinned_at = as_utc(cmds.call)
                notes.append(f"Handoff call pinned to {cmds.call_text}.")
            if cmds.signed is not None:
                account.contract_signed = cmds.signed
            for needle in cmds.remove:
                n = remove_matching(doc, needle)
                notes.append(f"Removed {n} item(s) matching '{needle}'." if n else f"Nothing matched '{needle}'.")
        if answer_text and not cmds.cancel:
            reply = ThreadMessage(
                id=parsed.message_id,
                kind="email",
                sender=outer.sender,
                date=outer.date,
                subject=outer.subject,
                body=answer_text,
            )
            extraction = await app.extractor.read_answers(reply, ctx, doc, questions)
            doc = merge_extraction(doc, extraction)
        with session_scope(app.engine) as session:
            account = repo.lock_account(session, account_id)
            if answer_text and not cmds.cancel:
                repo.add_source(
                    session,
                    account_id,
                    None,
                    source_id=parsed.message_id,
                    kind="email",
                    date=as_utc(outer.date),
                    from_email=account.rep_email,
                    from_name=account.rep_name,
                    subject=outer.subject[:500],
                    data=ThreadMessage(
                        id=parsed.message_id,
                        sender=outer.sender,
                        date=outer.date,
                        subject=outer.subject,
                        body=answer_text,
                    ).to_dict(),
                    fingerprint=f"reply:{parsed.message_id}",
                    extracted=True,
                    from_rep=True,
                )
            save_document(account, doc, repo.source_index(session, account_id))
            if (answer_text or cmds.changes) and not cmds.cancel:
                reopen(session, account, app.now(), why="reply", status="draft_sent")
            account.last_rep_message_id = parsed.message_id
            account.references = [*account.references, parsed.message_id][-20:]
            repo.log_event(
                session, "rep_reply", account_id, approve=cmds.approve, answered=bool(answer_text), at=app.now()
            )
            csm_known = bool(account.csm_email)
    if cmds.cancel:
        return FollowUp(cancel=True, notes=notes)
    if cmds.approve:
        if not csm_known:
            notes.append("Not approved yet: no CSM is named. Reply with 'CSM: Name <address>' and 'approve'.")
        else:
            return FollowUp(deliver=True)  # nothing changed since the version the CSM has: delivery says so
    return FollowUp(draft=True, notes=notes)
