"""Whether a message may act, and whom we may write to.

What it is for: each handoff's unguessable reply address (``new_token``,
``token_address``, ``token_in``); ``stored_verdict`` (who wrote a stored message: the
verdict the intake decided from the connection, or for a row stored before sender
authentication existed, what can still be checked); ``author_of`` (that verdict's
authenticated address, when the parser reads the same From: the one address allowed
to command, send material or search); and the recipient rule (``may_receive``,
``outside_rule``): every address the service writes to is inside
``HANDOFF_COMPANY_DOMAINS`` or in the CSM roster. Not for: deciding who wrote a message
(mailflows/inbound/sender_auth.py), what a reply says (agent/commands.py) or what is
done with it (agent/conversation.py).
"""

from __future__ import annotations

import re
import secrets

from agent.roster import Roster
from agent.settings import Settings
from db.models import Inbound
from mailflows.inbound.authorship import METHODS, Verdict, strict_from
from mailflows.inbound.authorship import strict_from as strict_sender
from mailflows.inbound.mail import ParsedMail
from mailflows.inbound.sender_auth import recheck_stored

__all__ = [
    "author_of",
    "may_receive",
    "new_token",
    "outside_rule",
    "stored_verdict",
    "strict_sender",
    "token_address",
    "token_in",
]


def new_token() -> str:
    return secrets.token_hex(16)


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


def null_sender(row: Inbound) -> bool:
    """Came with ``MAIL FROM:<>`` (or, over IMAP, no Return-Path address): only automatic mail does."""
    return row.channel != "ingest" and not row.mail_from


def stored_verdict(row: Inbound, settings: Settings, head: bytes | None = None) -> Verdict:
    """Who wrote a stored message, as decided when it arrived (``auth_method`` NULL: stored before that).

    ``head``: the message's first bytes (its header block) when the row was loaded without them.
    """
    raw = row.raw if head is None else head
    if row.auth_method is None:
        return recheck_stored(raw, row.mail_from, row.channel, settings.sender_auth_mode)
    return Verdict(
        row.auth_address,
        METHODS[row.auth_method],
        row.auth_reason or "",
        suspicious=row.auth_suspicious,
        header_from=row.auth_address or strict_from(raw),
        mail_from=row.mail_from,
    )


def author_of(parsed: ParsedMail, verdict: Verdict) -> str | None:
    """The authenticated author, when the parser reads From as that same address; else None."""
    if verdict.address is None:
        return None
    sender = parsed.outer.sender.email.lower() if parsed.outer.sender else ""
    return verdict.address if sender == verdict.address else None


def may_receive(settings: Settings, roster: Roster | None, address: str) -> bool:
    """Inside the company's domains, or a CSM of the roster: the only places mail from us goes."""
    address = address.strip().lower()
    if address.count("@") != 1 or not address.split("@")[0] or any(c in address for c in " <>,;\r\n\t"):
        return False
    if settings.is_company_address(address):
        return True
    return roster is not None and roster.get(address) is not None


def outside_rule(settings: Settings, address: str) -> str:
    """The rule, named, for a rep whose CSM line (or anything else) points outside the company."""
    domains = ", ".join(sorted(settings.own_domains))
    return (
        f"{address} is outside our company: handoff only ever writes to addresses at {domains} "
        "(or to a CSM in the roster), so a handoff document never leaves the company."
    )
