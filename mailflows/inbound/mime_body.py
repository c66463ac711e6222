"""Which text of a MIME tree is the body: the walk over its parts, under fixed limits.

What it is for: ``body_text`` walks a message's parts (depth, part count), decodes
each text part's charset and transfer encoding forgivingly, undoes format=flowed, and
picks the body — the plain part, or the HTML part rendered by ``html_text`` when there
is no plain part or the plain part hides what the HTML hides; everything else it sets
aside in ``BodyParts`` (attachments, attached messages). ``ParseContext`` carries the
limits, the defects found and the ids handed out, for one parse. Not for: splitting
the body into the messages it quotes or forwards, or building ``ThreadMessage``s
(``parse.py``), nor reading attachments (``attachments.py``).
"""

from __future__ import annotations

import binascii
import quopri
import re
from dataclasses import dataclass, field
from email import policy
from email.message import Message
from email.parser import BytesParser

from mailflows.inbound.attachments import text_window
from mailflows.inbound.html_text import html_to_text
from mailflows.inbound.mail import AttachmentInfo
from mailflows.inbound.quotes import normalize_newlines
from mailflows.inbound.spool import Payload, payload_of, spool_message

HIDDEN_HINT_RE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0|mso-hide|opacity\s*:\s*0|"
    r"color\s*:\s*(?:#fff\b|#ffffff|white)|\shidden[\s>=]",
    re.IGNORECASE,
)


@dataclass(slots=True)
class ParseLimits:
    max_depth: int = 20
    max_parts: int = 1000
    max_header_bytes: int = 256 * 1024
    max_attachment_text_chars: int = 200_000  # bytes of a text attachment or body read (agent/settings.py)
    max_message_bytes: int = 50 * 1024 * 1024
    spool_dir: str | None = None  # where large bodies are decoded to while a message is parsed (None: the temp dir)


@dataclass(slots=True)
class ParseContext:
    limits: ParseLimits
    outer_id: str
    defects: list[str] = field(default_factory=list)
    attachments: list[AttachmentInfo] = field(default_factory=list)
    parts_seen: int = 0
    counter: int = 0
    seen_ids: set[str] = field(default_factory=set)
    blobs: dict[str, Payload] = field(default_factory=dict)
    directory: str | None = None  # this parse's spool directory, when large bodies were spooled

    def next_id(self) -> str:
        self.counter += 1
        return f"{self.outer_id}#{self.counter}"


def part_payload(part: Message, ctx: ParseContext) -> Payload | None:
    """The decoded body of ``part``: its spool file, else decoded in memory; None when it cannot be decoded."""
    spooled = payload_of(part, ctx.blobs)
    if spooled is not None:
        return spooled
    try:
        data = part.get_payload(decode=True)
    except Exception as exc:
        ctx.defects.append(f"part {part.get_content_type()} could not be decoded: {type(exc).__name__}")
        return None
    return Payload.of(data) if isinstance(data, bytes) else None


def _decode_part(part: Message, ctx: ParseContext) -> str:
    """A body part's text, at most ``max_attachment_text_chars`` of it (what is beyond is a defect the rep sees)."""
    payload = part_payload(part, ctx)
    if payload is None:
        return ""
    text, note = text_window(payload, part.get_content_charset(), ctx.limits.max_attachment_text_chars)
    if note:
        ctx.defects.append(f"the message text {note}")
    return text


def param(part: Message, name: str) -> str:
    value = part.get_param(name)
    return value.strip().lower() if isinstance(value, str) else ""


def _unflow(text: str, delsp: bool) -> str:
    out: list[str] = []
    for line in text.split("\n"):
        if out and out[-1].endswith(" ") and out[-1] != "-- " and not out[-1].startswith(">"):
            out[-1] = (out[-1][:-1] if delsp else out[-1]) + line
        else:
            out.append(line)
    return "\n".join(out)


def _is_attachment(part: Message) -> bool:
    try:
        disposition = (part.get_content_disposition() or "").lower()
        filename = part.get_filename()
    except Exception:
        return True
    if disposition == "attachment" or filename:
        return True
    return part.get_content_maintype() not in ("text", "multipart", "message")


@dataclass(slots=True)
class BodyParts:
    text: str = ""
    defects: list[str] = field(default_factory=list)
    attachments: list[Message] = field(default_factory=list)
    attached: list[Message] = field(default_factory=list)


def _text_of(part: Message, ctx: ParseContext, body: BodyParts) -> str:
    ctype = part.get_content_type()
    raw = _decode_part(part, ctx)
    if ctype == "text/html":
        text, defects = html_to_text(raw)
        body.defects.extend(defects)
        return text
    raw = normalize_newlines(raw)
    if param(part, "format") == "flowed":
        raw = _unflow(raw, param(part, "delsp") == "yes")
    return raw


def body_text(part: Message, ctx: ParseContext, body: BodyParts, depth: int) -> str:
    """The body text under ``part``; attachments and attached messages go to ``body``."""
    ctx.parts_seen += 1
    if ctx.parts_seen > ctx.limits.max_parts:
        if ctx.parts_seen == ctx.limits.max_parts + 1:
            ctx.defects.append(f"more than {ctx.limits.max_parts} MIME parts: the rest were not read")
        return ""
    if depth > ctx.limits.max_depth:
        ctx.defects.append(f"MIME nesting deeper than {ctx.limits.max_depth}: inner parts not read")
        return ""
    ctype = part.get_content_type()
    if ctype == "message/rfc822":
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        if isinstance(inner, Message):
            body.attached.append(_decoded_message(part, inner, ctx))
        return ""
    if part.get_content_maintype() == "multipart" and not part.is_multipart():
        ctx.defects.append(f"{ctype} without parts: read as plain text")
        return normalize_newlines(_decode_part(part, ctx) or str(part.get_payload() or ""))
    if part.is_multipart():
        payload = part.get_payload()
        if not isinstance(payload, list):
            return ""
        children = [c for c in payload if isinstance(c, Message)]
        if ctype == "multipart/alternative":
            return _alternative(children, ctx, body, depth)
        if ctype == "multipart/related" and children:
            texts = [body_text(children[0], ctx, body, depth + 1)]
            for child in children[1:]:
                if child.get_content_maintype() == "text" and not _is_attachment(child):
                    continue
                if not child.is_multipart():
                    body.attachments.append(child)
            return "\n\n".join(t for t in texts if t)
        if ctype == "multipart/report":
            texts = [body_text(children[0], ctx, body, depth + 1)] if children else []
            return "\n\n".join(texts)
        texts = [body_text(child, ctx, body, depth + 1) for child in children]
        return "\n\n".join(t.strip("\n") for t in texts if t.strip())
    if _is_attachment(part):
        body.attachments.append(part)
        return ""
    if part.get_content_maintype() == "text" and part.get_content_subtype() in ("plain", "html", "enriched"):
        return _text_of(part, ctx, body)
    body.attachments.append(part)
    return ""


def _decoded_message(part: Message, inner: Message, ctx: ParseContext) -> Message:
    """An attached message as sent; aerc (and others) base64-encode message/rfc822, which RFC 2046 forbids."""
    encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    if encoding not in ("base64", "quoted-printable"):
        return inner
    spooled = payload_of(inner, ctx.blobs)
    if spooled is not None and spooled.path is not None and ctx.directory is not None:
        with spooled.open() as src:  # its own large bodies stay on disk too
            return BytesParser(policy=policy.compat32).parsebytes(spool_message(src, ctx.directory, ctx.blobs))
    text = inner.get_payload()
    try:
        if spooled is not None:
            raw = spooled.read()
        elif not isinstance(text, str):
            return inner
        elif encoding == "base64":
            raw = binascii.a2b_base64(text.encode("ascii", "ignore"))
        else:
            raw = quopri.decodestring(text.encode("utf-8", "surrogateescape"))
    except (binascii.Error, ValueError):
        ctx.defects.append(f"attached message in {encoding} could not be decoded")
        return inner
    return BytesParser(policy=policy.compat32).parsebytes(raw)


def _alternative(children: list[Message], ctx: ParseContext, body: BodyParts, depth: int) -> str:
    plain = next((c for c in children if c.get_content_type() == "text/plain"), None)
    html = next((c for c in children if c.get_content_type() == "text/html"), None)
    nested = [c for c in children if c.is_multipart()]
    if plain is None and html is None and nested:
        return body_text(nested[-1], ctx, body, depth + 1)
    if plain is None and nested:
        plain_text = body_text(nested[0], ctx, body, depth + 1)
    else:
        plain_text = _text_of(plain, ctx, body) if plain is not None else ""
    ctx.parts_seen += len(children)
    for child in children:
        if child is plain or child is html or child.is_multipart():
            continue
        if child.get_content_type() == "text/calendar" or _is_attachment(child):
            body.attachments.append(child)
    if html is not None:
        raw_html = _decode_part(html, ctx)
        if not plain_text.strip() or HIDDEN_HINT_RE.search(raw_html):
            html_text, defects = html_to_text(raw_html)
            if defects or not plain_text.strip():
                body.defects.extend(defects)
                return html_text
    return plain_text


__all__ = ["BodyParts", "ParseContext", "ParseLimits", "body_text", "param"]
