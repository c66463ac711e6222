"""The conversation with the rep: where a message goes, who may command, and what a reply changes.

What it is for: ``route`` (is an inbound message material, a reply to a draft, a
search, automatic mail...; the null sender is only ever automatic mail), ``check_reply``
(the token, then the authenticated author: the owning rep or the handoff's CSM — before
anything is done) and ``apply_reply`` (the commands and answers of the rep's own text,
applied to the account and its document; it returns what should go out next: a draft,
the final mail, a notice, or nothing). Only the rep's own text counts: a reply whose
text is all quoted runs nothing and says so; a CSM outside the company is refused,
naming the rule, and holds back an ``approve`` in the same reply; a reply without a
command that changes nothing gets no draft, and the same text again is not answered
again (agent/loops.py). Not for: who wrote a message (decided at receipt:
agent/trust.py ``author_of``), composing or sending mail (agent/delivery.py,
agent/outbox.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Literal

from sqlmodel import Session

from agent import loops
from agent.commands import Commands, own_lines, parse_commands
from agent.context import App
from agent.document import Extraction, HandoffDocument
from agent.document_store import load_document, save_document
from agent.extract.mentions import csm_from_reply, resolve_colleague
from agent.extract.runner import context_for
from agent.merge import merge_extraction, remove_matching
from agent.outbox import explain
from agent.questions import questions_from_account
from agent.revisions import csm_of_record, reopen
from agent.settings import Settings
from agent.trust import may_receive, outside_rule, token_in
from agent.wording import note_rep_words
from db import repo
from db.models import Account, as_utc, id_of
from db.session import session_scope
from mailflows.inbound.autoreply import is_auto_reply_text
from mailflows.inbound.mail import ParsedMail, ThreadMessage

log = logging.getLogger(__name__)


def route(
    parsed: ParsedMail, rcpt_to: list[str], settings: Settings, *, null_sender: bool = False
) -> tuple[str, str | None]:
    """(disposition, token): auto | calendar_reply | reply | search | material | outside."""
    if null_sender:  # MAIL FROM:<>: bounces and other automatic mail, whatever the headers say
        return "auto", None
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


async def check_reply(app: App, parsed: ParsedMail, token: str, author: str) -> ReplyCheck:
    """The owning rep (``reply``), the handoff's CSM (``csm_feedback``), or refused with a notice.

    ``author`` is the sender as authenticated at receipt. Nothing is changed here; a
    refused sender from our company is told why.
    """
    sender = author.lower()
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
    """What should go out after a reply: the final mail to the CSM, a draft to the rep, a notice, or nothing.

    ``commanded``: the reply held a command, so its answer goes out past the daily cap.
    ``in_thread``: the notice goes in the handoff's thread (its Reply-To is the handoff's
    address); not once the handoff is cancelled and that address closed.
    """

    deliver: bool = False
    draft: bool = False
    cancel: bool = False  # the rep cancelled: the CSM who has a version gets the CANCEL, the rep the notes
    notes: list[str] = field(default_factory=list)
    notice: str | None = None
    commanded: bool = False
    disposition: str = "reply"
    in_thread: bool = True

    @property
    def answers(self) -> bool:
        return self.deliver or self.draft or self.cancel or self.notice is not None


def refuse_outside_csm(app: App, cmds: Commands) -> None:
    """``CSM: Name <address>`` outside the company and the roster is refused, with the rule named."""
    if cmds.csm is not None and not may_receive(app.settings, app.roster, cmds.csm.email):
        log.warning("CSM %s refused: outside the company", cmds.csm.email)
        cmds.errors.append(f"The CSM was not changed: {outside_rule(app.settings, cmds.csm.email)}")
        cmds.csm = None


def _name_csm(app: App, session: Session, account: Account, cmds: Commands, answer_text: str) -> list[str]:
    """Set the CSM the reply names: ``CSM: Name <address>``, ``CSM: Name``, or a sentence ("Tasha will be
    the CSM"); a name without an address is looked up in the roster, the account's mail, then our address
    pattern, and the note says which. Returns the notes for the next draft."""
    account_id = id_of(account)
    if cmds.csm is None and not cmds.csm_name_only and not account.csm_email:
        named = csm_from_reply(
            answer_text, app.settings.own_domains, app.roster, repo.source_index(session, account_id), account
        )
        if named is not None and not may_receive(app.settings, app.roster, named[0].email):
            return [f"The CSM was not set: {outside_rule(app.settings, named[0].email)}"]
        if named is not None:
            cmds.csm = named[0]
            account.csm_name, account.csm_email = cmds.csm.name or None, cmds.csm.email
            repo.log_event(session, "csm_named", account_id, email=cmds.csm.email, by="rep", at=app.now())
            return [named[1]]
    if cmds.csm is not None:
        account.csm_name, account.csm_email = cmds.csm.name or None, cmds.csm.email
        repo.log_event(session, "csm_named", account_id, email=cmds.csm.email, by="rep", at=app.now())
        return []
    if not cmds.csm_name_only:
        return []
    roster = [(c.name, c.email) for c in (app.roster.csms if app.roster is not None else ())]
    seen = [(s.from_name or "", s.from_email or "") for s in repo.source_index(session, account_id)]
    seen.append((account.rep_name or "", account.rep_email))
    email, how = resolve_colleague(cmds.csm_name_only, roster, seen, app.settings.own_domains, account.rep_email)
    account.csm_name, account.csm_email = cmds.csm_name_only, email
    repo.log_event(session, "csm_named", account_id, email=email, by="rep", inferred=True, at=app.now())
    return [
        f"CSM set to {cmds.csm_name_only} <{email}>: your reply named no address, so I took it from {how}. "
        "If that is wrong, reply with a line 'CSM: Name <address>'."
    ]


def _content(doc: HandoffDocument) -> str:
    """What a reply can change in the document (its sources list aside)."""
    return doc.model_dump_json(include={"account", "contract_signed", "sections", "urgency", "relationship"})


async def apply_reply(app: App, account_id: int, parsed: ParsedMail) -> FollowUp:
    """Apply the commands and answers of the rep's own text; returns what the caller should send next."""
    outer = parsed.outer
    own = outer.body if outer.own_text else ""
    cmds, answer_text = parse_commands(own, app.settings.timezone, app.now())
    typed = own_lines(own)
    if not cmds.given and typed and is_auto_reply_text(outer.subject, typed):
        log.info("reply %s to account %s reads as an auto-reply: not answered", parsed.message_id, account_id)
        return FollowUp(disposition="auto")
    refuse_outside_csm(app, cmds)
    print_ = loops.text_print(typed)
    notes: list[str] = list(cmds.errors)
    async with app.locks.hold(f"account:{account_id}"):
        if not cmds.given:
            with session_scope(app.engine) as session:
                quiet = loops.quiet_reply(session, account_id, parsed.message_id, print_, app.now())
            if quiet is not None:
                log.info("reply %s to account %s not read: %s", parsed.message_id, account_id, quiet.reason)
                return FollowUp(notice=quiet.notice, disposition=quiet.reason)
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
            notes.extend(_name_csm(app, session, account, cmds, answer_text))
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
        before = _content(doc)
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
            note_rep_words(doc, [answer_text], app.settings.document_language)
        changed = _content(doc) != before
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
            save_document(account, doc, repo.source_dates(session, account_id))
            if (answer_text or cmds.changes) and not cmds.cancel:
                reopen(session, account, app.now(), why="reply", status="draft_sent")
            account.last_rep_message_id = parsed.message_id
            account.references = [*account.references, parsed.message_id][-20:]
            follow_up = _follow_up(cmds, notes, changed, csm_known=bool(account.csm_email))
            loops.record_reply(
                session,
                account_id,
                parsed.message_id,
                print_,
                approve=cmds.approve,
                commands=cmds.given,
                had_answer=bool(answer_text),
                replied=follow_up.answers,
                at=app.now(),
            )
    return follow_up


def _follow_up(cmds: Commands, notes: list[str], changed: bool, *, csm_known: bool) -> FollowUp:
    """What the reply calls for once applied: the rep's commands are always answered."""
    if cmds.cancel:
        return FollowUp(cancel=True, notes=notes, commanded=True, in_thread=False)
    if cmds.approve:
        if cmds.errors:
            notes.append("Not approved yet: fix the line above, then reply 'approve' again.")
        elif not csm_known:
            notes.append("Not approved yet: no CSM is named. Reply with 'CSM: Name <address>' and 'approve'.")
        else:
            return FollowUp(deliver=True, commanded=True)  # nothing changed since the CSM's version: delivery says so
    if cmds.given:
        return FollowUp(draft=True, notes=notes, commanded=True)
    return FollowUp(draft=changed, notes=notes, disposition="reply" if changed else "unchanged")
