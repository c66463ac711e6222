"""Whether a message may act on a handoff: its reply address, its From, its authentication.

What it is for: each handoff's unguessable reply address (``new_token``,
``token_address``, ``token_in``), ``strict_sender`` (the one unambiguous address in
From: mailflows/inbound/authorship.py ``strict_from``) and ``dmarc_pass`` (our trusted server's
Authentication-Results). Not for: what a reply says (agent/commands.py) or what is
done with it (agent/conversation.py).
"""

from __future__ import annotations

import re
import secrets

from agent.settings import Settings
from mailflows.inbound.authorship import strict_from as strict_sender
from mailflows.inbound.mail import ParsedMail

__all__ = ["dmarc_pass", "new_token", "strict_sender", "token_address", "token_in"]


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


def dmarc_pass(parsed: ParsedMail, authserv_id: str) -> bool:
    """The top Authentication-Results header from our trusted server says DMARC (or aligned DKIM) passed."""
    for header in parsed.authentication_results:
        server = header.split(";", 1)[0].strip().split()[0].lower() if header.strip() else ""
        if server != authserv_id.lower():
            continue
        low = header.lower()
        return bool(re.search(r"\bdmarc=pass\b", low) or re.search(r"\bdkim=pass\b[^;]*header\.d=", low))
    return False
