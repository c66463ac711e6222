"""Whether a message may act on a handoff: its reply address, its From, its authentication.

What it is for: each handoff's unguessable reply address (``new_token``,
``token_address``, ``token_in``), ``strict_sender`` (the one unambiguous address in
From, read by two parsers that must agree) and ``dmarc_pass`` (our trusted server's
Authentication-Results). Not for: what a reply says (agent/commands.py) or what is
done with it (agent/conversation.py).
"""

from __future__ import annotations

import email.policy
import email.utils
import re
import secrets
from email.parser import BytesHeaderParser
from typing import Any

from agent.settings import Settings
from mailflows.inbound.mail import ParsedMail


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
