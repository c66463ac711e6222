"""A message's own headers, read without ever raising: RFC 2047 words, addresses, Message-IDs.

What it is for: ``header_text`` (one header, decoded, unfolded, without NULs),
``addresses`` (From/To/Cc as ``Address`` values, with a defect noted instead of an
exception), ``msg_ids`` (the ``<...>`` tokens of Message-ID, In-Reply-To, References),
and ``fill_addresses``: an author a forward names without an address gets the one that
name has elsewhere in the same mail. Not for: the headers a client prints inside a body
(``markers.py`` and ``forwards.py``) or dates (``dates.py``).
"""

from __future__ import annotations

import re
from email.header import Header, decode_header
from email.message import Message
from email.utils import getaddresses

from mailflows.inbound.attachments import decode_bytes
from mailflows.inbound.mail import Address, ThreadMessage
from mailflows.inbound.quotes import clean

UNFOLD_RE = re.compile(r"\r?\n[ \t]+")


def decode_header_value(value: object) -> str:
    """RFC 2047 encoded words and raw 8-bit bytes to text; never raises."""
    if isinstance(value, str):
        value = UNFOLD_RE.sub(" ", value)
        if "=?" not in value:
            return value
    elif not isinstance(value, Header):
        return str(value)
    try:
        parts = decode_header(value)
    except Exception:
        return str(value)
    out = []
    for chunk, charset in parts:
        if isinstance(chunk, bytes):
            out.append(decode_bytes(chunk, None if charset in (None, "unknown-8bit") else charset))
        else:
            out.append(chunk)
    return "".join(out)


def _raw_header(msg: Message, name: str) -> object:
    try:
        return msg.get(name)
    except Exception:
        return None


def header_text(msg: Message, name: str) -> str:
    value = _raw_header(msg, name)
    if value is None:
        return ""
    return clean(decode_header_value(value).replace("\x00", "")).strip()


def addresses(msg: Message, name: str, defects: list[str]) -> list[Address]:
    value = _raw_header(msg, name)
    if value is None:
        return []
    text = value if isinstance(value, str) else decode_header_value(value)
    try:
        pairs = getaddresses([UNFOLD_RE.sub(" ", text)])
    except Exception:
        defects.append(f"header {name} could not be read")
        return []
    return [Address(name=clean(decode_header_value(n)).strip(), email=a.strip().lower()) for n, a in pairs if a or n]


def msg_ids(value: str) -> list[str]:
    return re.findall(r"<[^<>\s]+>", value)


def fill_addresses(messages: list[ThreadMessage]) -> None:
    """An author named without an address ("On 3/17/26 4:10 PM, Dana Reyes wrote:") gets the address
    that name has elsewhere in the same mail, when it has exactly one."""
    known: dict[str, set[str]] = {}
    for message in messages:
        for address in message.participants():
            if address.name and address.email:
                known.setdefault(" ".join(address.name.casefold().split()), set()).add(address.email)
    for message in messages:
        sender = message.sender
        if sender is not None and sender.name and not sender.email:
            found = known.get(" ".join(sender.name.casefold().split()), set())
            if len(found) == 1:
                message.sender = Address(name=sender.name, email=next(iter(found)))
