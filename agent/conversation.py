"""The conversation with the rep: what a reply says, who may say it, and what we ask.

What it is for: ``route`` (is an inbound message material, a reply to a draft, an
auto-reply...), ``parse_commands`` (``approve``, ``CSM: Name <email>``, ``account:``,
``call:``, ``remove:``, ``signed:``, ``status``, ``cancel``; everything else is an
answer), ``questions_for`` (the specific questions a draft asks) and ``handle_reply``
which checks the sender and token before anything is done. Not for: composing or
sending mail (agent/delivery.py).
"""

from __future__ import annotations

import email.policy
import email.utils
import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from email.parser import BytesHeaderParser
from typing import TYPE_CHECKING, Any

import dateparser

from agent.document import HandoffDocument, Stakeholder, fold, merge_extraction, remove_matching
from agent.extract.answers import read_by_rep
from agent.extract.base import Question
from agent.extract.runner import context_for, load_document, save_document
from db import repo
from db.models import Account, as_utc
from db.session import session_scope
from mailflows.parsed import Address, ParsedMail, ThreadMessage

if TYPE_CHECKING:
    from agent.app import App
    from agent.settings import Settings

log = logging.getLogger(__name__)

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
_NAME = re.compile(r"\b([A-Z][a-z'\-]+(?:\s+(?:van|de|von|da|del|le)?\s*[A-Z][a-z'\-]+){1,2})\b")
_LEAD = re.compile(r"^[\s>*\-•#\d.)]*")


@dataclass
class Commands:
    approve: bool = False
    csm: Address | None = None
    csm_name_only: str | None = None
    account_name: str | None = None
    call: datetime | None = None
    call_text: str | None = None
    remove: list[str] = field(default_factory=list)
    signed: date | None = None
    status: bool = False
    cancel: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def changes(self) -> bool:
        """Anything besides approve/status that changes the handoff."""
        return bool(
            self.csm
            or self.csm_name_only
            or self.account_name
            or self.call
            or self.remove
            or self.signed
            or self.cancel
        )


def _clean(line: str) -> str:
    return _LEAD.sub("", line).strip()


def parse_commands(text: str, tz_name: str = "UTC", now: datetime | None = None) -> tuple[Commands, str]:
    """Split a reply's visible text into commands and the remaining answer text."""
    cmds = Commands()
    answers: list[str] = []
    settings = {"TIMEZONE": tz_name, "RETURN_AS_TIMEZONE_AWARE": True, "PREFER_DATES_FROM": "future"}
    if now is not None:
        settings["RELATIVE_BASE"] = now.replace(tzinfo=None)
    for raw_line in text.splitlines():
        line = _clean(raw_line)
        low = line.lower().rstrip(" .!")
        if low in {"approve", "approved", "i approve", "approve it"}:
            cmds.approve = True
            continue
        if low in {"status", "status?"}:
            cmds.status = True
            continue
        if low in {"cancel", "cancel this handoff", "cancel handoff"}:
            cmds.cancel = True
            continue
        match = re.match(r"(?i)^(csm|account|call|remove|signed)\s*[:\-\u2013\u2014]\s*(.+)$", line)
        if not match:
            answers.append(raw_line)
            continue
        verb, rest = match.group(1).lower(), match.group(2).strip()
        if verb == "csm":
            email = _EMAIL.search(rest)
            names = _NAME.findall(rest[: email.start()] if email else rest) or _NAME.findall(rest)
            names = [n for n in names if fold(n) not in {"csm", "customer success"}]
            name = names[-1] if email and names else (names[0] if names else "")
            if email:
                cmds.csm = Address(name=name, email=email.group(0).lower())
            elif name:
                cmds.csm_name_only = name
            else:
                cmds.errors.append(f"I could not read a name or address in 'CSM: {rest}'.")
        elif verb == "account":
            cmds.account_name = rest.strip(" .")
        elif verb == "call":
            when = dateparser.parse(rest, settings=settings)  # type: ignore[arg-type]
            if when is None:
                cmds.errors.append(f"I could not read a date and time in 'call: {rest}'.")
            else:
                cmds.call, cmds.call_text = when, rest
        elif verb == "remove":
            cmds.remove.append(rest)
        elif verb == "signed":
            when = dateparser.parse(rest, settings=settings)  # type: ignore[arg-type]
            if when is None:
                cmds.errors.append(f"I could not read a date in 'signed: {rest}'.")
            else:
                cmds.signed = when.date()
    return cmds, "\n".join(answers).strip()


# -- routing --------------------------------------------------------------------------


def token_in(addresses: list[str], settings: Settings) -> str | None:
    local, domain = settings.inbox_address.split("@")
    pattern = re.compile(rf"^{re.escape(local)}\+([0-9a-f]{{16,64}})@{re.escape(domain)}$")
    for address in addresses:
        match = pattern.match(address.strip().lower())
        if match:
            return match.group(1)
    return None


def token_address(settings: Settings, token: str) -> str:
    local, domain = settings.inbox_address.split("@")
    return f"{local}+{token}@{domain}"


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


# -- questions ------------------------------------------------------------------------

_KNOWN_TECH = (
    "Salesforce",
    "HubSpot",
    "NetSuite",
    "SAP",
    "Oracle",
    "Workday",
    "Snowflake",
    "BigQuery",
    "Redshift",
    "Databricks",
    "Okta",
    "Azure AD",
    "Entra",
    "Shopify",
    "Zendesk",
    "Jira",
    "Slack",
    "Teams",
    "Epic",
    "Cerner",
    "McLeod",
    "Samsara",
    "Marketo",
    "Dynamics",
    "SharePoint",
    "Power BI",
    "Tableau",
    "Looker",
)

REP_QUESTIONS = [
    "Who really makes the decision, and how does that differ from the official buyer?",
    "What internal politics should the CSM know about (allies, skeptics, people to keep in the loop)?",
    "How strong is the champion, and is their position secure?",
    "Any personal details that help the relationship (interests, career goals, how they like to work)?",
    "How strategically important is this account to us, and why?",
    "Are there budget limits the CSM should know before talking expansion?",
]


def _mentioned_tech(doc: HandoffDocument) -> list[str]:
    text = " ".join(
        i.text for key in ("implementation", "purchase_drivers", "pain_points") for i in doc.sections.items(key)
    )
    return [t for t in _KNOWN_TECH if re.search(rf"\b{re.escape(t)}\b", text)]


def questions_for(doc: HandoffDocument, account: Account) -> list[Question]:
    """Specific questions for missing or thin sections, then the rep-perspective ones."""
    s = doc.sections
    asks: list[tuple[str, str]] = []
    company = doc.account.name
    if not s.company_overview:
        asks.append(
            ("company_overview", f"What does {company} do, and roughly how big is it (people, sites, revenue)?")
        )
    if not s.stakeholders:
        asks.append(
            ("stakeholders", f"Who are the people at {company} the CSM will work with, and what are their roles?")
        )
    else:
        no_title = [p.name for p in s.stakeholders if not p.title][:3]
        if no_title:
            asks.append(("stakeholders", f"What are the titles of {', '.join(no_title)}?"))
        unread_by_rep = [p for p in s.stakeholders if not read_by_rep(p)]  # reader hook: asked once, answered once
        if unread_by_rep:
            asks.append(("stakeholders", _sentiment_question(unread_by_rep)))
    if not s.pain_points:
        asks.append(("pain_points", f"What problem made {company} start looking — what was it costing them?"))
    if not s.success_metrics:
        asks.append(
            (
                "success_metrics",
                "How will the customer measure success at 90 days, 6 months and 1 year (numbers if you have them)?",
            )
        )
    else:
        have = {i.horizon for i in s.success_metrics}
        gaps = [h for h in ("90d", "6m", "1y") if h not in have]
        if gaps:
            label = {"90d": "90 days", "6m": "6 months", "1y": "1 year"}
            asks.append(("success_metrics", f"What does success look like at {' and '.join(label[g] for g in gaps)}?"))
    if not s.purchase_drivers:
        asks.append(("purchase_drivers", "Why did they buy now, and why us?"))
    tech = _mentioned_tech(doc)
    if not s.implementation:
        asks.append(
            (
                "implementation",
                "What is the implementation timeline, who on their side does the work, and which systems must we integrate with?",
            )
        )
    elif tech:
        asks.append(
            (
                "implementation",
                f"You mention {', '.join(tech[:-1]) + ' and ' + tech[-1] if len(tech) > 1 else tech[0]} — are there other integrations the CSM must plan for?",
            )
        )
    if not s.competitive_context:
        asks.append(
            (
                "competitive_context",
                "Which alternatives did they consider (including doing nothing or building it), and why did we win?",
            )
        )
    if not s.commitments:
        asks.append(("commitments", "Did we promise anything — dates, features, people, discounts — even in passing?"))
    if not s.expansion:
        asks.append(("expansion", f"Where could {company} grow with us (other teams, sites, products), and when?"))
    if not s.risks:
        asks.append(("risks", "What could make this account churn or stall (people, data, budget, timing)?"))
    if not account.csm_email:
        asks.append(("csm", "Who should be the CSM? Reply with a line such as  CSM: Name <name@company.com>"))
    if not s.rep_perspective:
        asks.extend(("rep_perspective", q) for q in REP_QUESTIONS)
    return [Question(n=i, section=section, text=text) for i, (section, text) in enumerate(asks, 1)]


def _sentiment_question(people: list[Stakeholder]) -> str:
    """Ask the rep to confirm or correct the read in "How they feel", naming what was read."""
    read = [f"{p.name.split(' ')[0]} {p.sentiment}" for p in people if p.sentiment != "unknown"][:5]
    unread = [p.name.split(" ")[0] for p in people if p.sentiment == "unknown"][:4]
    parts = []
    if read:
        parts.append(f"From the mail I read {', '.join(read)}: is that right, or how do they really feel?")
    if unread:
        parts.append(f"How do {', '.join(unread)} feel about the purchase (keen, on board, doubtful)?")
    return " ".join(parts)


def questions_from_account(account: Account) -> list[Question]:
    return [Question(**q) for q in account.questions]


# -- the rep's reply ------------------------------------------------------------------


def dmarc_pass(parsed: ParsedMail, authserv_id: str) -> bool:
    """The top Authentication-Results header from our trusted server says DMARC (or aligned DKIM) passed."""
    for header in parsed.authentication_results:
        server = header.split(";", 1)[0].strip().split()[0].lower() if header.strip() else ""
        if server != authserv_id.lower():
            continue
        low = header.lower()
        return bool(re.search(r"\bdmarc=pass\b", low) or re.search(r"\bdkim=pass\b[^;]*header\.d=", low))
    return False


def strict_sender(raw: bytes) -> str | None:
    """The one address in From, or None when From is ambiguous (CVE-2023-27043-style payloads).

    Two independent parsers must agree on exactly one address with no parse defects:
    the modern header registry and ``getaddresses(strict=True)`` where available.
    """
    headers = BytesHeaderParser(policy=email.policy.default).parsebytes(raw[:262144])
    values = headers.get_all("From") or []
    if len(values) != 1:
        return None
    header: Any = values[0]
    addresses = tuple(getattr(header, "addresses", None) or ())
    if len(addresses) != 1 or getattr(header, "defects", None):
        return None
    modern = addresses[0].addr_spec.lower()
    try:
        legacy = email.utils.getaddresses([str(header)], strict=True)  # type: ignore[call-arg]
    except TypeError:  # Python without the strict parser
        legacy = email.utils.getaddresses([str(header)])
    if len(legacy) != 1 or legacy[0][1].lower() != modern or modern.count("@") != 1:
        return None
    return modern


async def handle_reply(app: App, inbound_id: int, parsed: ParsedMail, token: str, raw: bytes = b"") -> str:
    """Apply a reply to a draft when every check passes; returns the disposition."""
    from agent import delivery

    outer = parsed.outer
    sender = outer.sender.email.lower() if outer.sender else ""
    if raw and strict_sender(raw) != sender:
        log.warning("reply %s refused: ambiguous From header", parsed.message_id)
        return "refused"
    with session_scope(app.engine) as session:
        account = repo.account_by_token(session, token)
        if account is None or account.token_expires_at < app.now():
            log.warning("reply %s to unknown or expired token from %s", parsed.message_id, sender)
            why = "expired" if account is not None else "unknown"
            account_id = None
        else:
            account_id, why = account.id, ""
            rep_email, csm_email = account.rep_email, (account.csm_email or "").lower()
    if account_id is None:
        await delivery.explain(
            app,
            sender,
            f"This reply went to a handoff address I do not know ({why}). Nothing was changed. "
            "Forward material to the inbox, or reply to the newest draft.",
            parsed,
        )
        return "unknown_token"
    if sender != rep_email:
        if sender and sender == csm_email:
            from agent.feedback import handle_csm_feedback  # issue 7: CSM feedback by reply

            return await handle_csm_feedback(app, account_id, parsed)
        log.warning("reply to %s's handoff from %s refused: not the owning rep", rep_email, sender)
        await delivery.explain(
            app, sender, "Only the rep who owns this handoff can change or approve it. Nothing was changed.", parsed
        )
        return "refused"
    if app.settings.trusted_authserv_id and not dmarc_pass(parsed, app.settings.trusted_authserv_id):
        log.warning(
            "reply %s from %s refused: no DMARC pass from %s",
            parsed.message_id,
            sender,
            app.settings.trusted_authserv_id,
        )
        await delivery.explain(
            app, sender, "This reply did not pass our mail authentication checks, so nothing was changed.", parsed
        )
        return "refused"
    await apply_reply(app, account_id, parsed)
    return "reply"


def merge_accounts(app: App, session, old: Account, into: Account, doc: HandoffDocument) -> HandoffDocument:  # type: ignore[no-untyped-def]
    """``account: Name`` naming another of the rep's accounts: fold that one into this one.

    Its sources move here (the ones this account already has are skipped), its document
    is merged in, this account takes its name (and domain when it has none), and the old
    one is kept, marked merged, with its reply address closed.
    """
    from agent.document import Extraction

    have = {(s.source_id, s.fingerprint) for s in repo.source_index(session, into.id)}  # type: ignore[arg-type]
    seen_ids = {sid for sid, _ in have}
    seen_prints = {fp for _, fp in have}
    for source in repo.sources_of(session, old.id):  # type: ignore[arg-type]
        if source.source_id in seen_ids or source.fingerprint in seen_prints:
            continue
        source.account_id = into.id  # type: ignore[assignment]
    repo.move_inbound(session, old.id, into.id)  # type: ignore[arg-type]
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


async def apply_reply(app: App, account_id: int, parsed: ParsedMail) -> None:
    from agent import delivery
    from agent.accounts import email_for_colleague
    from agent.extract.mentions import csm_from_reply

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
            if cmds.csm is None and not cmds.csm_name_only and not account.csm_email:  # a CSM named in a sentence
                sources = repo.source_index(session, account_id)
                named = csm_from_reply(answer_text, app.settings.own_domains, app.roster, sources, account)
                if named is not None:
                    cmds.csm = named[0]
                    notes.append(named[1])
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
            account.last_rep_message_id = parsed.message_id
            account.references = [*account.references, parsed.message_id][-20:]
            repo.log_event(
                session, "rep_reply", account_id, approve=cmds.approve, answered=bool(answer_text), at=app.now()
            )
            csm_known = bool(account.csm_email)
            status = account.status
    if cmds.cancel:
        await delivery.explain(app, account.rep_email, "\n".join(notes), parsed)
        return
    if cmds.approve:
        if not csm_known:
            notes.append("Not approved yet: no CSM is named. Reply with 'CSM: Name <address>' and 'approve'.")
        elif status == "delivered" and not answer_text and not cmds.changes:
            notes.append("This handoff was already delivered; nothing was sent again.")
        else:
            await delivery.deliver_final(app, account_id)
            return
    await delivery.send_draft(app, account_id, notes=notes, force=True)
