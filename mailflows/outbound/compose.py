"""Build the messages handoff sends: the draft to the rep, the final mail to the CSM, notices.

What it is for: ``EmailMessage`` objects whose headers come only from validated
values: addresses go through ``email.headerregistry.Address`` (CR/LF, stray angle
brackets and multiple addresses refused), subjects and display names are folded to
one line, Message-IDs in In-Reply-To/References are checked. Every message carries
a Message-ID in the inbox's domain, a Date, ``Auto-Submitted`` (RFC 3834) and
``X-Auto-Response-Suppress`` so auto-responders leave us alone. Not for: rendering
the bodies (agent/render.py) or sending (mailflows/outbound/send.py).

``compose_cancel`` is a notice carrying the iTIP CANCEL the same way (a CSM who lost
the handoff, or a handoff cancelled after delivery). The final mail's structure, which
calendar clients need to show the invite inline (a later version whose call has passed
carries no calendar parts)::

    multipart/mixed
    ├── multipart/alternative
    │   ├── text/plain
    │   ├── text/html
    │   └── text/calendar; method=REQUEST; charset=utf-8   (last alternative)
    ├── text/markdown     handoff-<account>.md   (attachment)
    └── application/ics   invite.ics             (attachment)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any, Literal

AutoSubmitted = Literal["auto-replied", "auto-generated"]
AddressLike = str | tuple[str, str] | Address | Any  # Any: objects with .name/.email (mailflows.inbound.mail.Address)

_MSGID = re.compile(r"^<[^<>\s\x00-\x1f\x7f]{1,250}>$")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_DOMAIN = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*$")
_NAMED = re.compile(r'^\s*(?:"(?P<q>[^"]*)"|(?P<n>[^<>"]*?))\s*<(?P<a>[^<>\s]+)>\s*$')
_BARE = re.compile(r"^[^\s<>@,;]+@[^\s<>@,;]+$")
_MAX_REFERENCES = 20
_MAX_SUBJECT = 200


class HeaderValueError(ValueError):
    """A value refused for a header: it names the header and the bad value."""


def one_line(text: str, limit: int = _MAX_SUBJECT) -> str:
    """CR, LF and other control characters become spaces; whitespace folded; cut at ``limit``."""
    text = re.sub(r"[\x00-\x1f\x7f\u2028\u2029\u0085]", " ", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def to_address(value: AddressLike, header: str = "address") -> Address:
    """A validated ``Address`` from ``"a@b"``, ``"Name <a@b>"``, ``(name, email)`` or an object with .name/.email."""
    if isinstance(value, Address):
        name, email = value.display_name, value.addr_spec
    elif isinstance(value, tuple):
        name, email = value
    elif isinstance(value, str):
        if any(c in value for c in "\r\n"):
            raise HeaderValueError(f"{header}: {value!r} contains a line break")
        match = _NAMED.match(value)
        if match:
            name, email = (match.group("q") or match.group("n") or ""), match.group("a")
        else:
            name, email = "", value.strip()
    elif hasattr(value, "email"):
        name, email = getattr(value, "name", "") or "", value.email
    else:
        raise HeaderValueError(f"{header}: cannot use {value!r} as an address")
    email = (email or "").strip()
    if any(c in email for c in '\r\n\t <>,;"()\\') or email.count("@") != 1:
        raise HeaderValueError(f"{header}: {email!r} is not a single bare address")
    local, _, domain = email.partition("@")
    if not local or not _DOMAIN.match(domain) or "." not in domain.strip(".") and domain != "localhost":
        raise HeaderValueError(f"{header}: {email!r} has no usable domain")
    try:
        return Address(display_name=one_line(name or "", 100), addr_spec=email)
    except (ValueError, IndexError) as exc:
        raise HeaderValueError(f"{header}: {email!r} is not a valid address ({exc})") from exc


def _addresses(values: Iterable[AddressLike], header: str) -> list[Address]:
    out: list[Address] = []
    seen: set[str] = set()
    for value in values:
        addr = to_address(value, header)
        if addr.addr_spec.lower() not in seen:
            seen.add(addr.addr_spec.lower())
            out.append(addr)
    return out


def valid_msgid(value: str | None) -> str | None:
    """The Message-ID if it is one ``<...>`` token with no whitespace or control characters."""
    if not value:
        return None
    value = value.strip()
    return value if _MSGID.match(value) else None


def _references(references: Sequence[str], in_reply_to: str | None) -> list[str]:
    refs: list[str] = []
    for ref in [*references, *([in_reply_to] if in_reply_to else [])]:
        good = valid_msgid(ref)
        if good and good not in refs:
            refs.append(good)
    if len(refs) > _MAX_REFERENCES:  # RFC 5322 3.6.4: keep the first and the most recent
        refs = [refs[0], *refs[-(_MAX_REFERENCES - 1) :]]
    return refs


def handoff_subject(account_name: str, kind: Literal["draft", "final", "reminder"] = "draft") -> str:
    """The subject for one account's mails: the same every time, so the thread stays together."""
    name = one_line(account_name, 120)
    return {
        "draft": f"Handoff draft: {name}",
        "final": f"Handoff: {name}",
        "reminder": f"Handoff draft: {name}",
    }[kind]


def _base(
    *,
    from_addr: AddressLike,
    to: Sequence[AddressLike],
    subject: str,
    domain: str | None,
    auto_submitted: AutoSubmitted,
    kind: str,
    reply_to: AddressLike | None = None,
    cc: Sequence[AddressLike] = (),
    date: datetime | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    sender = to_address(from_addr, "From")
    recipients = _addresses(to, "To")
    if not recipients:
        raise HeaderValueError("To: at least one recipient is needed")
    domain = domain or sender.domain
    if not _DOMAIN.match(domain):
        raise HeaderValueError(f"Message-ID: {domain!r} is not a domain name")
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = recipients
    copies = [a for a in _addresses(cc, "Cc") if a.addr_spec.lower() not in {r.addr_spec.lower() for r in recipients}]
    if copies:
        msg["Cc"] = copies
    if reply_to is not None:
        msg["Reply-To"] = to_address(reply_to, "Reply-To")
    msg["Subject"] = one_line(subject)
    msg["Date"] = format_datetime((date or datetime.now(UTC)).astimezone(UTC))
    if message_id is not None and not valid_msgid(message_id):
        raise HeaderValueError(f"Message-ID: {message_id!r} is not <id@domain>")
    msg["Message-ID"] = message_id or make_msgid(domain=domain)
    msg["Auto-Submitted"] = auto_submitted
    msg["X-Auto-Response-Suppress"] = "All"
    msg["X-Handoff-Kind"] = kind
    return msg


def _thread(msg: EmailMessage, in_reply_to: str | None, references: Sequence[str]) -> None:
    parent = valid_msgid(in_reply_to)
    refs = _references(references, parent)
    if parent:
        msg["In-Reply-To"] = parent
    if refs:
        msg["References"] = " ".join(refs)


def compose_draft(
    *,
    from_addr: AddressLike,
    reply_to: AddressLike,
    to: AddressLike | Sequence[AddressLike],
    subject: str,
    text: str,
    html: str,
    in_reply_to: str | None,
    references: Sequence[str],
    domain: str | None = None,
    date: datetime | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    """The draft to the rep, in the rep's thread, Reply-To the handoff's token address."""
    msg = _base(
        from_addr=from_addr,
        to=_as_list(to),
        subject=subject,
        domain=domain,
        auto_submitted="auto-replied",
        kind="draft",
        reply_to=reply_to,
        date=date,
        message_id=message_id,
    )
    _thread(msg, in_reply_to, references)
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg


def compose_final(
    *,
    from_addr: AddressLike,
    reply_to: AddressLike,
    to: AddressLike | Sequence[AddressLike],
    cc: Sequence[AddressLike],
    subject: str,
    text: str,
    html: str,
    markdown: str,
    markdown_filename: str,
    ics: bytes | None,
    domain: str | None = None,
    date: datetime | None = None,
    message_id: str | None = None,
    in_reply_to: str | None = None,
    references: Sequence[str] = (),
) -> EmailMessage:
    """The CSM's mail: document as text+HTML, the invite inline and attached, the Markdown attached.

    ``ics`` None: no invite (a later version whose call has passed); ``in_reply_to``
    threads a later version under the one the same CSM got before.
    """
    msg = _base(
        from_addr=from_addr,
        to=_as_list(to),
        subject=subject,
        domain=domain,
        auto_submitted="auto-generated",
        kind="final",
        reply_to=reply_to,
        cc=cc,
        date=date,
        message_id=message_id,
    )
    _thread(msg, in_reply_to, references)
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    if ics is not None:
        _add_calendar(msg, ics, "REQUEST")
    msg.add_attachment(markdown, subtype="markdown", charset="utf-8", filename=safe_filename(markdown_filename, ".md"))
    if ics is not None:
        msg.add_attachment(
            ics, maintype="application", subtype="ics", filename="invite.ics", params={"name": "invite.ics"}
        )
    return msg


def compose_cancel(
    *,
    from_addr: AddressLike,
    reply_to: AddressLike | None,
    to: AddressLike | Sequence[AddressLike],
    cc: Sequence[AddressLike] = (),
    subject: str,
    text: str,
    html: str,
    ics: bytes,
    domain: str | None = None,
) -> EmailMessage:
    """A short note with the iTIP CANCEL of the handoff call, inline (so calendars act on it) and attached::

    multipart/mixed
    ├── multipart/alternative: text/plain, text/html, text/calendar; method=CANCEL
    └── application/ics   cancel.ics
    """
    msg = compose_notice(
        from_addr=from_addr,
        to=to,
        cc=cc,
        subject=subject,
        text=text,
        html=html,
        reply_to=reply_to,
        domain=domain,
        auto_submitted="auto-generated",
        kind="cancel",
    )
    _add_calendar(msg, ics, "CANCEL")
    msg.add_attachment(ics, maintype="application", subtype="ics", filename="cancel.ics", params={"name": "cancel.ics"})
    return msg


def _add_calendar(msg: EmailMessage, ics: bytes, method: Literal["REQUEST", "CANCEL"]) -> None:
    """The calendar as the last alternative, with the METHOD the file itself says (RFC 6047 2.4)."""
    msg.add_alternative(ics.decode("utf-8"), subtype="calendar", charset="utf-8", params={"method": method})


def compose_notice(
    *,
    from_addr: AddressLike,
    to: AddressLike | Sequence[AddressLike],
    subject: str,
    text: str,
    html: str | None = None,
    reply_to: AddressLike | None = None,
    cc: Sequence[AddressLike] = (),
    in_reply_to: str | None = None,
    references: Sequence[str] = (),
    domain: str | None = None,
    auto_submitted: AutoSubmitted = "auto-replied",
    kind: str = "notice",
    date: datetime | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    """A short explanation (refused command, status) or, with ``auto-generated``, a reminder."""
    msg = _base(
        from_addr=from_addr,
        to=_as_list(to),
        subject=subject,
        domain=domain,
        auto_submitted=auto_submitted,
        kind=one_line(kind, 20),
        reply_to=reply_to,
        cc=cc,
        date=date,
        message_id=message_id,
    )
    _thread(msg, in_reply_to, references)
    msg.set_content(text)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    return msg


def _as_list(value: AddressLike | Sequence[AddressLike]) -> list[AddressLike]:
    """One address or several; a 2-tuple is one (name, email) unless its first element is an address."""
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, str) for v in value):
        return list(value) if _BARE.match(value[0]) else [value]
    if isinstance(value, str | Address) or hasattr(value, "email"):
        return [value]
    return list(value)


def safe_filename(name: str, suffix: str) -> str:
    """A file name with only letters, digits, dot, dash and underscore, ending in ``suffix``."""
    stem = re.sub(r"[^A-Za-z0-9._-]+|\.{2,}", "-", name.removesuffix(suffix))
    stem = re.sub(r"-{2,}", "-", stem).strip(".-_")[:80] or "handoff"
    return stem + suffix
