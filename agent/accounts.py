"""Which customer account a forward belongs to, and accumulating material per account.

What it is for: ``resolve_account`` reads a parsed forward and names the customer
(an explicit ``[Account Name]`` subject tag or ``Account: X`` line from the rep, else
the external participants' most common domain, never our own or free-mail domains);
``take_material`` stores the forward's messages as the account's sources (the same
message forwarded twice is stored once) and marks the account for a new draft.
Not for: reading the content (agent/extract/) or talking to the rep (agent/conversation.py).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from itertools import pairwise

from sqlmodel import Session

from agent.context import App
from agent.document import AccountInfo, HandoffDocument, Party, fold
from agent.extract.mentions import csm_by_role, csm_in_prose, resolve_colleague
from agent.revisions import reopen
from agent.settings import FREE_MAIL_DOMAINS
from agent.trust import new_token
from db import repo
from db.models import Account, as_utc, id_of
from db.session import session_scope
from mailflows.inbound.mail import Address, ParsedMail, ThreadMessage

log = logging.getLogger(__name__)

_GENERIC_TAGS = {"external", "ext", "spam", "fwd", "fw", "secure", "encrypt", "confidential", "internal", "ticket"}
_TAG = re.compile(r"\[([^\[\]]{2,80})\]")
_ACCOUNT_LINE = re.compile(r"(?im)^\s*(?:account|customer)\s*:\s*(?P<name>[^\n]{2,80}?)\s*$")


@dataclass(slots=True)
class AccountKey:
    name: str
    domain: str | None


def _is_external(address: Address, own: set[str]) -> bool:
    domain = address.domain
    if not domain or domain in FREE_MAIL_DOMAINS or domain.endswith(".invalid"):
        return False
    return not any(domain == d or domain.endswith("." + d) for d in own)


def explicit_account_name(parsed: ParsedMail) -> str | None:
    """An account the rep named: ``[Name]`` in the subject or an ``Account: Name`` line."""
    outer = parsed.outer
    for tag in _TAG.findall(outer.subject or ""):
        # "[sender@domain: subject]" is mutt's and neomutt's default forward subject, not a name
        if fold(tag) not in _GENERIC_TAGS and not tag.lower().startswith(("fwd", "fw:", "ext")) and "@" not in tag:
            return tag.strip()
    match = _ACCOUNT_LINE.search(outer.body or "")
    return match.group("name").strip(" .") if match else None


def external_domains(parsed: ParsedMail, own: set[str]) -> Counter[str]:
    """Customer domains by weight: a sender counts three times, a recipient once."""
    counts: Counter[str] = Counter()
    for message in parsed.messages:
        if message.sender and _is_external(message.sender, own):
            counts[message.sender.domain] += 3
        for address in [*message.to, *message.cc, *message.attendees]:
            if _is_external(address, own):
                counts[address.domain] += 1
    return counts


def company_name_for(domain: str, parsed: ParsedMail) -> str:
    """A display name: the company named in the customer's signatures, else the domain's label."""
    names: Counter[str] = Counter()
    for message in parsed.messages:
        if message.sender and message.sender.domain == domain and message.signature:
            company = message.card.company
            if company:
                names[re.sub(r",?\s+(Inc|LLC|Ltd|GmbH|AG|S\.A\.|plc)\.?$", "", company.strip())] += 1
    related = [name for name, _ in names.most_common() if _names_domain(name, domain)]
    if related:  # a signature line that shares no word with the domain is more likely a title ("Gerenta de Siniestros")
        return related[0]
    return domain_label(domain)


def _names_domain(name: str, domain: str) -> bool:
    """The company name and the domain share a word of four letters or more ("Keystone Valley CU", keystonevalleycu)."""
    label = fold(domain.split(".")[0]).replace("-", "")
    words = [w for w in re.findall(r"\w+", fold(name)) if len(w) >= 4]
    return any(w in label for w in words) or fold(name).replace(" ", "") in label


def domain_label(domain: str) -> str:
    """The name an account gets when no signature names the company: its domain's first label."""
    return domain.split(".")[0].replace("-", " ").title()


_EMAIL_IN_TEXT = re.compile(r"[A-Za-z0-9._%+\-]+@([A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)")


def domains_in_text(parsed: ParsedMail, own: set[str]) -> Counter[str]:
    """Customer domains named in the text itself (a CRM export's contact column, a note's attendees)."""
    counts: Counter[str] = Counter()
    for message in parsed.messages:
        for domain in _EMAIL_IN_TEXT.findall(message.body[:200_000]):
            if _is_external(Address("", f"x@{domain}"), own):
                counts[domain.lower()] += 1
    return counts


def resolve_account(parsed: ParsedMail, own_domains: set[str]) -> AccountKey | None:
    named = explicit_account_name(parsed)
    domains = external_domains(parsed, own_domains) or domains_in_text(parsed, own_domains)
    domain = domains.most_common(1)[0][0] if domains else None
    if named:
        return AccountKey(name=named, domain=domain)
    if domain:
        return AccountKey(name=company_name_for(domain, parsed), domain=domain)
    return None


def _labels(account: Account, first_word: bool = True) -> set[str]:
    labels = {fold(account.name)}
    if account.domain:
        labels.add(account.domain.split(".")[0])
    first = fold(account.name).split(" ")[0] if account.name and first_word else ""
    if len(first) >= 4:
        labels.add(first)
    return {label for label in labels if label}


def _mention_text(parsed: ParsedMail) -> str:
    return fold(" ".join([parsed.outer.subject, *(m.body[:5000] for m in parsed.messages)]))


SQUASHED_MIN = 6  # a shorter name, run together with its neighbours, is found inside too many other words


def _hits(account: Account, text: str, first_word: bool = True) -> int:
    """How many of the account's names (its name, its domain's label, a distinctive first word unless ``first_word``
    is False) the folded text has."""
    squashed = re.sub(r"[\s.&'’-]+", "", text)  # "Corvid Marine" names the account its domain calls "corvidmarine"
    return sum(
        1
        for label in _labels(account, first_word)
        if re.search(rf"(?<!\w){re.escape(label)}(?!\w)", text)
        or (len(label) >= SQUASHED_MIN and re.sub(r"\W+", "", label) in squashed)
    )


def names_account(parsed: ParsedMail, account: Account) -> bool:
    """The mail names this account (a rep's note from before the account existed, say)."""
    return _hits(account, _mention_text(parsed)) > 0


def known_account_mentioned(session: Session, parsed: ParsedMail, rep_email: str) -> Account | None:
    """Material with no customer address (a transcript, notes): the rep's account it names, else the rep's only open one."""
    text = _mention_text(parsed)
    mine = repo.accounts_of_rep(session, rep_email)
    scored = []
    for account in mine:
        hits = _hits(account, text)
        if hits:
            scored.append((hits, account.updated_at, account))
    if scored:
        scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
        if len(scored) == 1 or scored[0][0] > scored[1][0]:
            return scored[0][2]
    open_ones = [a for a in mine if a.status != "delivered"]
    return open_ones[0] if len(open_ones) == 1 and not scored else None


def fingerprint(message: ThreadMessage) -> str:
    """Same words: the same message, however often and with whatever client it was forwarded.

    A client may print the author without an address (aerc) or rewrap the lines (alpine), so
    a paragraph or more of the same words is the same message; shorter text ("Thanks!") is the
    same message only from the same author.
    """
    words = fold(message.body)[:4000]
    who = "" if len(words) >= 200 else (message.sender.email.lower() if message.sender else "")
    if not words and not message.turns:
        return hashlib.sha1(message.id.encode()).hexdigest()
    turns = "".join(t.text for t in message.turns)[:4000]
    return hashlib.sha1(f"{who}\n{words}\n{turns}".encode()).hexdigest()


def _domain_tokens(domain: str) -> set[str]:
    return {t for t in re.split(r"[-_.]", domain.split(".")[0]) if len(t) >= 4}


def affiliate_of(session: Session, domain: str, rep_email: str) -> Account | None:
    """``quantia-suisse.example`` joins the rep's open ``quantia.example`` account: one customer, two domains."""
    tokens = _domain_tokens(domain)
    if not tokens:
        return None
    for account_id, their_domain, name in repo.account_names_of_rep(session, rep_email, open_only=True):
        if not their_domain:
            continue
        theirs = _domain_tokens(their_domain) | {fold(name).split(" ")[0]}
        if tokens & theirs:
            return session.get(Account, account_id)
    return None


def named_by_us(session: Session, parsed: ParsedMail, rep_email: str, own: set[str]) -> Account | None:
    """The rep's one open account our side's own words in this mail name (the subject, our messages): a thread with
    the customer's outsourced IT ("Re: Arquitectura - Frutera del Jubones") is that customer's material, not a new
    customer called TecnoSur. What the other side writes names nothing here: only our words move mail."""
    ours = [m.body[:5000] for m in parsed.messages if m.sender and not _is_external(m.sender, own)]
    text = fold(" ".join([parsed.outer.subject, *ours]))
    scored = sorted(
        ((hits, account.id, account) for account in repo.accounts_of_rep(session, rep_email)
         if account.status != "delivered" and (hits := _named_in_full(account, text))),
        key=lambda s: s[0], reverse=True,
    )  # fmt: skip
    if scored and (len(scored) == 1 or scored[0][0] > scored[1][0]):
        return scored[0][2]
    return None


def _named_in_full(account: Account, text: str) -> int:
    """How firmly ``text`` names the account: its whole name, its domain's label, two of its name's words in their
    order (a first word alone, "Harbor", may be another company's: "Harbor Freight Partners" is not Harbor Logistics)."""
    return _hits(account, text, first_word=False) + _names_two_words(account.name or "", text)


def _names_two_words(name: str, text: str) -> int:
    """1 when ``text`` has two words of the account's name in their order, a short word or two between
    ("Frutera del Jubones" of "Exportadora Frutera del Jubones S.A."), else 0."""
    words = [w for w in re.findall(r"[\w']+", fold(name)) if len(w) >= 4]
    short = r"(?:\s+\S{1,3}){0,2}\s+"
    return int(any(re.search(rf"(?<!\w){re.escape(a)}{short}{re.escape(b)}(?!\w)", text) for a, b in pairwise(words)))


def get_or_create(
    app: App, session: Session, key: AccountKey, rep: Address, parsed: ParsedMail | None = None
) -> Account:
    account = repo.account_by_domain(session, key.domain) if key.domain else None
    if account is None and key.domain:
        account = affiliate_of(session, key.domain, rep.email)
        if account is not None:
            return account
    if account is None:
        account = repo.account_by_name(session, key.name)
    # a third party's thread our words file under an open account: kept as it is (its domain and name stay)
    if (
        account is None
        and key.domain
        and parsed is not None
        and not explicit_account_name(parsed)
        and (named := named_by_us(session, parsed, rep.email, app.settings.own_domains)) is not None
    ):
        return named
    if account is not None:
        if not account.domain and key.domain:
            account.domain = key.domain
        if account.domain and account.name == domain_label(account.domain) and key.name != account.name:
            # named after its domain by mail that came first; a signature (or the rep's line) names the company
            account.name = key.name
            repo.log_event(session, "account_named", account.id, name=key.name, at=app.now())
        return account
    now = app.now()
    doc = HandoffDocument(
        account=AccountInfo(name=key.name, domain=key.domain), rep=Party(name=rep.name or None, email=rep.email)
    )
    account = Account(
        domain=key.domain,
        name=key.name,
        rep_email=rep.email.lower(),
        rep_name=rep.name or None,
        token=new_token(),
        token_expires_at=now + timedelta(days=app.settings.token_ttl_days),
        document=doc.export(),
        created_at=now,
        updated_at=now,
    )
    session.add(account)
    session.flush()
    repo.log_event(session, "account_created", account.id, rep=rep.email, domain=key.domain, at=app.now())
    return account


def renew_reply_address(app: App, session: Session, account: Account) -> None:
    """New material on a handoff whose reply address is closed (cancelled, or past its lifetime) opens a new one.

    The old address stays closed: a reply to a draft sent before the cancel is still refused.
    """
    if as_utc(account.token_expires_at) >= app.now():
        return
    account.token = new_token()
    account.token_expires_at = app.now() + timedelta(days=app.settings.token_ttl_days)
    repo.log_event(session, "reply_address_renewed", account.id, at=app.now())


# What the rep attached that has no sender of its own: a notes file, a CRM export, an invite
ATTACHED_KINDS = frozenset({"note", "crm", "calendar"})


def csm_mentioned(parsed: ParsedMail, own_domains: set[str], rep_email: str) -> Address | None:
    """A CSM our side introduced in the mail ("Priya Nair is the CSM on this one")."""
    # our side's mail, and what the rep attached without a sender of its own (notes, a CRM export, an invite)
    ours = [
        m
        for m in parsed.messages
        if (m.sender and not _is_external(m.sender, own_domains)) or (m.sender is None and m.kind in ATTACHED_KINDS)
    ]
    # "CSM is Ana Pérez (ana.perez@…)", "ab Montag übernimmt X als CSM": a mention that gives the address wins over
    # one that names the person only ("I introduced Declan as their CSM" above the mail that says who Declan is)
    found = [named for message in ours if (named := csm_in_prose(message.body, own_domains)) is not None]
    if not found:
        # no sentence shaped like an introduction: a sentence that names the role and one colleague
        people = [a for m in parsed.messages for a in m.participants() if a.name]
        rep = rep_email.lower()
        colleagues = [(a.name, a.email) for a in people if not _is_external(a, own_domains) and a.email.lower() != rep]
        others = [a.name for a in people if _is_external(a, own_domains) or a.email.lower() == rep]
        found = [
            named
            for message in ours
            if (named := csm_by_role(message.body, own_domains, colleagues, others)) is not None
        ]
    if not found:
        return None
    # the first with an address, else the first the mail's headers give an address for ("Nora Weiß is the CSM"
    # with Nora on the Cc of the thread below), else the first
    addressed = {fold(a.name) for m in parsed.messages for a in m.participants() if a.name and a.email}
    named = min(found, key=lambda mention: (mention.email is None, fold(mention.name) not in addressed))
    email = named.email or email_for_colleague(named.name, parsed, own_domains, rep_email)
    # "Aisha - you'll be the CSM": her full name as the mail's headers give it for that address
    seen = (a.name for m in parsed.messages for a in m.participants() if a.email.lower() == email and a.name)
    return Address(name=next(seen, named.name) if " " not in named.name else named.name, email=email)


def email_for_colleague(name: str, parsed: ParsedMail | None, own_domains: set[str], rep_email: str) -> str:
    """A colleague's address at one of our domains: as seen in the mail, else built like our addresses are."""
    seen = [(a.name, a.email) for m in parsed.messages for a in m.participants()] if parsed is not None else []
    return resolve_colleague(name, (), seen, own_domains, rep_email)[0]


async def take_material(app: App, inbound_id: int, parsed: ParsedMail) -> int | None:
    """Store a forward's messages on its account; returns the account id, or None if unknown."""
    own = app.settings.own_domains
    key = resolve_account(parsed, own)
    rep = parsed.outer.sender
    if rep is None:
        return None
    if key is None:
        with session_scope(app.engine) as session:
            known = known_account_mentioned(session, parsed, rep.email)
            if known is None:
                return None
            key = AccountKey(name=known.name, domain=known.domain)
    async with app.locks.hold(f"account-key:{(key.domain or fold(key.name))}"):
        with session_scope(app.engine) as session:
            account = get_or_create(app, session, key, rep, parsed)
            candidates = [
                {
                    "source_id": message.id,
                    "kind": message.kind,
                    "date": as_utc(message.date),
                    "from_email": message.sender.email.lower() if message.sender else None,
                    "from_name": message.sender.name or None if message.sender else None,
                    "subject": (message.subject or message.filename or "")[:500] or None,
                    "data": message.to_dict(),
                    "fingerprint": fingerprint(message),
                    "from_rep": bool(message.sender and app.settings.is_company_address(message.sender.email)),
                }
                for message in parsed.messages
                # a forwarded out-of-office is kept: the reader takes its sender (a CFO away at signing), never its text
                if (not message.auto_generated or "#" in message.id) and (message.body.strip() or message.turns)
            ]
            added = len(repo.add_sources(session, id_of(account), inbound_id, candidates))
            if added:  # new material after delivery: an update the rep approves again
                reopen(session, account, app.now(), why="material", status="collecting")
                renew_reply_address(app, session, account)
            csm = csm_mentioned(parsed, own, account.rep_email)
            if csm is not None and not account.csm_email:
                account.csm_name, account.csm_email = csm.name, csm.email
                repo.log_event(session, "csm_named", account.id, email=csm.email, by="mail", at=app.now())
            unread = [
                f"{a.filename} ({a.content_type}, {a.size} bytes): {a.reason or 'not read'}"
                for a in parsed.attachments
                if not a.read
            ]
            if unread or parsed.defects:
                account.unread = [*account.unread, *unread, *[f"{parsed.message_id}: {d}" for d in parsed.defects]]
            account.last_rep_message_id = parsed.message_id
            account.references = [*account.references, parsed.message_id][-20:]
            account.thread_root = account.thread_root or parsed.message_id
            repo.set_inbound_account(session, inbound_id, id_of(account))
            repo.log_event(session, "material", account.id, message_id=parsed.message_id, sources=added, at=app.now())
            return account.id
