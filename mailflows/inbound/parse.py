"""Raw mail bytes to a ``ParsedMail``: the outer message, every message it carries, its attachments.

What it is for: ``parse_message`` is the one entry point intake and the CLI call. It
reads MIME with the stdlib ``email`` package (``policy.compat32``: its headers are plain
strings, several times faster to read than ``policy.default``'s header objects) under fixed limits
(depth, parts, header and message size), picks the body (plain text, or HTML rendered
by ``html_text`` when there is no plain part or the plain part hides what HTML hides),
decodes charsets forgivingly, splits forwarded and quoted messages out of the body
(``forwards``), parses ``message/rfc822`` attachments as messages of their own, and
reads text attachments (``attachments``). Order of ``ParsedMail.messages``: the outer
message first, then for each body the messages split out of it newest to oldest, then
attached messages (each followed by what it carries), then attachments. It never
raises on bad input: what could not be read lands in ``defects``. ``parse_body`` does
the same for a bare body without headers. Not for: storing anything or deciding the
account.
"""

from __future__ import annotations

import binascii
import hashlib
import io
import quopri
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import tzinfo
from email import policy
from email.message import Message
from email.parser import BytesParser
from pathlib import Path
from typing import BinaryIO

from mailflows.inbound.attachments import decode_bytes, encoded_size, is_readable, read_attachment, text_window
from mailflows.inbound.autoreply import is_auto_generated, is_auto_reply_text
from mailflows.inbound.dates import parse_mail_date
from mailflows.inbound.forwards import FORWARD_KINDS, Chunk, split_thread
from mailflows.inbound.headers import addresses, decode_header_value, fill_addresses, header_text, msg_ids
from mailflows.inbound.html_text import html_to_text
from mailflows.inbound.mail import AttachmentInfo, ParsedMail, ThreadMessage
from mailflows.inbound.outlook_msg import msg_to_rfc822
from mailflows.inbound.quotes import clean, normalize_newlines, strip_disclaimers
from mailflows.inbound.signatures import is_mobile_footer, split_signature, split_trailing_note
from mailflows.inbound.spool import SPOOL_MIN_MESSAGE_BYTES, Payload, Window, payload_of, spool_message

HIDDEN_HINT_RE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0|mso-hide|opacity\s*:\s*0|"
    r"color\s*:\s*(?:#fff\b|#ffffff|white)|\shidden[\s>=]",
    re.IGNORECASE,
)
HTML_TAG_RE = re.compile(r"</?(?:html|body|div|p|br|table|tr|td|span|b|i|a|ul|li|font)\b[^<>]*>", re.IGNORECASE)
HTML_SNIFF_RE = re.compile(r"<(?:html|body|div|p|br|table|span|blockquote|!doctype)\b", re.IGNORECASE)


@dataclass(slots=True)
class ParseLimits:
    max_depth: int = 20
    max_parts: int = 1000
    max_header_bytes: int = 256 * 1024
    max_attachment_text_chars: int = 200_000  # bytes of a text attachment or body read (agent/settings.py)
    max_message_bytes: int = 50 * 1024 * 1024
    spool_dir: str | None = None  # where large bodies are decoded to while a message is parsed (None: the temp dir)


@dataclass(slots=True)
class _Context:
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


def _stable_id(raw: bytes) -> str:
    return f"<{hashlib.sha256(raw).hexdigest()[:32]}@handoff.invalid>"


def _payload(part: Message, ctx: _Context) -> Payload | None:
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


def _decode_part(part: Message, ctx: _Context) -> str:
    """A body part's text, at most ``max_attachment_text_chars`` of it (what is beyond is a defect the rep sees)."""
    payload = _payload(part, ctx)
    if payload is None:
        return ""
    text, note = text_window(payload, part.get_content_charset(), ctx.limits.max_attachment_text_chars)
    if note:
        ctx.defects.append(f"the message text {note}")
    return text


def _param(part: Message, name: str) -> str:
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
class _Body:
    text: str = ""
    defects: list[str] = field(default_factory=list)
    attachments: list[Message] = field(default_factory=list)
    attached: list[Message] = field(default_factory=list)


def _text_of(part: Message, ctx: _Context, body: _Body) -> str:
    ctype = part.get_content_type()
    raw = _decode_part(part, ctx)
    if ctype == "text/html":
        text, defects = html_to_text(raw)
        body.defects.extend(defects)
        return text
    raw = normalize_newlines(raw)
    if _param(part, "format") == "flowed":
        raw = _unflow(raw, _param(part, "delsp") == "yes")
    return raw


def _collect(part: Message, ctx: _Context, body: _Body, depth: int) -> str:
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
            texts = [_collect(children[0], ctx, body, depth + 1)]
            for child in children[1:]:
                if child.get_content_maintype() == "text" and not _is_attachment(child):
                    continue
                if not child.is_multipart():
                    body.attachments.append(child)
            return "\n\n".join(t for t in texts if t)
        if ctype == "multipart/report":
            texts = [_collect(children[0], ctx, body, depth + 1)] if children else []
            return "\n\n".join(texts)
        texts = [_collect(child, ctx, body, depth + 1) for child in children]
        return "\n\n".join(t.strip("\n") for t in texts if t.strip())
    if _is_attachment(part):
        body.attachments.append(part)
        return ""
    if part.get_content_maintype() == "text" and part.get_content_subtype() in ("plain", "html", "enriched"):
        return _text_of(part, ctx, body)
    body.attachments.append(part)
    return ""


def _decoded_message(part: Message, inner: Message, ctx: _Context) -> Message:
    """An attached message as sent; aerc (and others) base64-encode message/rfc822, which RFC 2046 forbids."""
    encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    if encoding not in ("base64", "quoted-printable"):
        return inner
    spooled = payload_of(inner, ctx.blobs)
    if spooled is not None and spooled.path is not None and ctx.directory is not None:
        with spooled.open() as src:  # its own large bodies stay on disk too
            return BytesParser(policy=policy.compat32).parsebytes(spool_message(src, ctx.directory, ctx.blobs))
    text = inner.get_payload()
    if spooled is None and not isinstance(text, str):
        return inner
    try:
        if spooled is not None:
            raw = spooled.read()
        elif encoding == "base64":
            raw = binascii.a2b_base64(text.encode("ascii", "ignore"))  # type: ignore[union-attr]
        else:
            raw = quopri.decodestring(text.encode("utf-8", "surrogateescape"))  # type: ignore[union-attr]
    except (binascii.Error, ValueError):
        ctx.defects.append(f"attached message in {encoding} could not be decoded")
        return inner
    return BytesParser(policy=policy.compat32).parsebytes(raw)


def _alternative(children: list[Message], ctx: _Context, body: _Body, depth: int) -> str:
    plain = next((c for c in children if c.get_content_type() == "text/plain"), None)
    html = next((c for c in children if c.get_content_type() == "text/html"), None)
    nested = [c for c in children if c.is_multipart()]
    if plain is None and html is None and nested:
        return _collect(nested[-1], ctx, body, depth + 1)
    if plain is None and nested:
        plain_text = _collect(nested[0], ctx, body, depth + 1)
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


def _finish(message: ThreadMessage, text: str) -> list[str]:
    """Fill ``body`` and ``signature`` of ``message`` from its own text; returns the dropped disclaimers."""
    text, disclaimers = strip_disclaimers(text.strip("\n"))
    body, signature = split_signature(text, message.sender)
    lines = body.rstrip().split("\n")
    while lines and (is_mobile_footer(lines[-1].strip()) or not lines[-1].strip()):
        signature = (lines.pop().strip() + "\n" + signature).strip()
    message.body = "\n".join(lines).strip()
    message.signature = signature
    return disclaimers


def _unmarked(text: str, ctx: _Context) -> str:
    """A forwarded message a client pasted as HTML source (mutt and aerc with an HTML-only mail), as text."""
    if len(HTML_TAG_RE.findall(text[:20000])) < 3 or not HTML_SNIFF_RE.search(text[:5000]):
        return text
    rendered, defects = html_to_text(text)
    ctx.defects.extend(defects)
    return rendered


def _thread_messages(top: ThreadMessage, text: str, tz: tzinfo | None, ctx: _Context) -> list[ThreadMessage]:
    chunks: list[Chunk] = split_thread(text, tz)
    first = chunks[0]
    _finish(top, first.text)
    top.quoted = first.quoted
    top.own_text = first.own
    out = [top]
    subject = top.subject
    for chunk in chunks[1:]:
        header = chunk.header
        if header is None:
            continue
        message = ThreadMessage(
            id=ctx.next_id(),
            kind="forwarded",
            sender=header.sender,
            to=header.to,
            cc=header.cc,
            date=header.date,
            subject=header.subject
            or re.sub(r"^\s*(?:(?:fwd?|fw|wg|tr|rv|vb|i|enc|pd)\s*:\s*)+", "", subject, flags=re.I),
        )
        subject = message.subject
        _finish(message, _unmarked(chunk.text, ctx))
        message.quoted = chunk.quoted
        message.auto_generated = is_auto_reply_text(
            header.subject, message.body, header.sender.email if header.sender else ""
        )
        if not message.body and not message.signature and not message.quoted:
            # neomutt forwards an HTML-only mail as its headers alone: the author still names the account,
            # and the rep is told the text is missing
            who = str(header.sender) if header.sender else "someone"
            ctx.defects.append(f"the message from {who} ({header.date_text or 'no date'}) was forwarded without "
                               "its text; forward it as an attachment")  # fmt: skip
        out.append(message)
    last = chunks[-1]
    if len(out) > 1 and not top.body and last.header is not None and last.via in FORWARD_KINDS:
        # A forward with nothing typed above it, and sentences under the forwarded signature at the
        # very end of the body: the forwarder typed them there (s-nail and aerc put the cursor there).
        out[-1].signature, note = split_trailing_note(out[-1].signature)
        if note:
            top.body = "\n\n".join(t for t in (top.body, split_signature(note, top.sender)[0]) if t)
    return out


def _read(msg: Message, ctx: _Context, kind: str, depth: int, msg_id: str) -> list[ThreadMessage]:
    top = ThreadMessage(
        id=msg_id,
        kind=kind,  # type: ignore[arg-type]
        subject=header_text(msg, "Subject"),
        date=parse_mail_date(header_text(msg, "Date")),
    )
    senders = addresses(msg, "From", ctx.defects)
    top.sender = senders[0] if senders else None
    top.to = addresses(msg, "To", ctx.defects)
    top.cc = addresses(msg, "Cc", ctx.defects)
    try:
        top.auto_generated = is_auto_generated(msg)
    except Exception:
        top.auto_generated = False
    body = _Body()
    text = _collect(msg, ctx, body, depth)
    ctx.defects.extend(body.defects)
    tz = top.date.tzinfo if top.date else None
    messages = _thread_messages(top, clean(text), tz, ctx)
    for inner in body.attached:
        messages.extend(_attached(inner, ctx, depth + 1))
    for part in body.attachments:
        for read in _attachment(part, ctx, depth):
            read.date = read.date or top.date  # an attachment is dated by the mail that carried it
            messages.append(read)
    return messages


def _attached(inner: Message, ctx: _Context, depth: int) -> list[ThreadMessage]:
    if depth > ctx.limits.max_depth:
        ctx.defects.append(f"attached messages nested deeper than {ctx.limits.max_depth}: not read")
        return []
    own = header_text(inner, "Message-ID")
    ids = msg_ids(own)
    msg_id = ids[0] if ids and ids[0] not in ctx.seen_ids else ctx.next_id()
    ctx.seen_ids.add(msg_id)
    return _read(inner, ctx, "attached", depth, msg_id)


def _attachment(part: Message, ctx: _Context, depth: int = 0) -> list[ThreadMessage]:
    try:
        filename = clean(decode_header_value(part.get_filename() or "")).strip()
    except Exception:
        filename = ""
    ctype = part.get_content_type()
    if not filename:
        filename = f"unnamed.{ctype.split('/')[-1]}"
    if filename.lower().endswith(".msg") or ctype == "application/vnd.ms-outlook":
        return _outlook_msg(part, filename, ctype, ctx, depth)
    spooled = payload_of(part, ctx.blobs)
    size: int | None = spooled.size if spooled is not None else None
    if not is_readable(filename, ctype):
        data, size = Payload(), size if size is not None else encoded_size(part)
    else:
        data = _payload(part, ctx) or Payload()
    result = read_attachment(
        ctx.next_id(), filename, ctype, data, part.get_content_charset(), ctx.limits.max_attachment_text_chars, size
    )
    ctx.attachments.append(result.info)
    ctx.defects.extend(result.defects)
    return [result.message] if result.message else []


def _outlook_msg(part: Message, filename: str, ctype: str, ctx: _Context, depth: int) -> list[ThreadMessage]:
    """An Outlook .msg attachment is read like an attached .eml (see mailflows/outlook_msg.py)."""
    try:
        payload = _payload(part, ctx)
        data = payload.read() if payload is not None else b""
        inner = BytesParser(policy=policy.compat32).parsebytes(msg_to_rfc822(data))
    except Exception as exc:  # olefile raises anything on a damaged file
        info = AttachmentInfo(filename, ctype, encoded_size(part), False, f"could not be read ({type(exc).__name__})")
        ctx.attachments.append(info)
        ctx.defects.append(f"attachment {filename!r} could not be read: {type(exc).__name__}")
        return []
    ctx.attachments.append(AttachmentInfo(filename, ctype, len(data), True))
    return _attached(inner, ctx, depth + 1)


def _prepare(raw: bytes, limits: ParseLimits, defects: list[str]) -> bytes:
    if len(raw) > limits.max_message_bytes:
        defects.append(f"message larger than {limits.max_message_bytes} bytes: truncated")
        raw = raw[: limits.max_message_bytes]
    if raw[:1] in (b"\n", b"\r", b" "):
        raw = raw.lstrip(b"\r\n ")
    if b"\x00" in raw:
        defects.append("NUL bytes removed")
        raw = raw.replace(b"\x00", b"")
    crlf = raw.find(b"\r\n\r\n")
    lf = raw.find(b"\n\n")
    ends = [e for e in (crlf, lf) if e >= 0]
    header_end = min(ends) if ends else len(raw)
    if header_end > limits.max_header_bytes:
        defects.append(f"header block larger than {limits.max_header_bytes} bytes: cut")
        cut = raw.rfind(b"\n", 0, limits.max_header_bytes)
        raw = raw[: max(cut, 0)] + b"\n\n" + raw[header_end:].lstrip(b"\r\n")
    return raw


def parse_message(raw: bytes, limits: ParseLimits | None = None) -> ParsedMail:
    """Parse raw RFC 5322 bytes; never raises on bad input."""
    limits = limits or ParseLimits()
    if len(raw) >= SPOOL_MIN_MESSAGE_BYTES:
        return _parse_large(io.BytesIO(raw), len(raw), limits)
    defects: list[str] = []
    fallback_id = _stable_id(raw if len(raw) <= limits.max_message_bytes else raw[: limits.max_message_bytes])
    try:
        msg = BytesParser(policy=policy.compat32).parsebytes(_prepare(raw, limits, defects))
        return _parse_parsed(msg, _Context(limits=limits, outer_id="", defects=defects), fallback_id)
    except RecursionError:
        defects.append("message structure too deep to read")
    except Exception as exc:  # the last line of defence: intake must store something
        defects.append(f"message could not be parsed: {type(exc).__name__}: {exc}"[:300])
    return _unparsed(raw[:400_000], fallback_id, defects)


def parse_file(path: Path, limits: ParseLimits | None = None) -> ParsedMail:
    """Parse the message in a file: a large one streams, its large bodies decoded once to spool files."""
    limits = limits or ParseLimits()
    size = path.stat().st_size
    if size < SPOOL_MIN_MESSAGE_BYTES:
        return parse_message(path.read_bytes(), limits)
    with path.open("rb") as src:
        return _parse_large(src, size, limits)


def _parse_large(src: BinaryIO, size: int, limits: ParseLimits) -> ParsedMail:
    """One streaming pass spools the large bodies; the MIME parser reads the small rest."""
    defects: list[str] = []
    digest = hashlib.sha256()
    left = limits.max_message_bytes
    while left > 0 and (chunk := src.read(min(1 << 20, left))):
        digest.update(chunk)
        left -= len(chunk)
    fallback_id = f"<{digest.hexdigest()[:32]}@handoff.invalid>"
    if size > limits.max_message_bytes:
        defects.append(f"message larger than {limits.max_message_bytes} bytes: truncated")
    directory = tempfile.mkdtemp(prefix="handoff-parse-", dir=limits.spool_dir)
    ctx = _Context(limits=limits, outer_id="", defects=defects, directory=directory)
    try:
        src.seek(0)
        window = io.BufferedReader(Window(src, limits.max_message_bytes), 1 << 16)
        skeleton = spool_message(window, directory, ctx.blobs)
        msg = BytesParser(policy=policy.compat32).parsebytes(_prepare(skeleton, limits, defects))
        return _parse_parsed(msg, ctx, fallback_id)
    except RecursionError:
        defects.append("message structure too deep to read")
    except Exception as exc:  # the last line of defence: intake must store something
        defects.append(f"message could not be parsed: {type(exc).__name__}: {exc}"[:300])
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    src.seek(0)
    return _unparsed(src.read(400_000), fallback_id, defects)


def _unparsed(head: bytes, fallback_id: str, defects: list[str]) -> ParsedMail:
    text = head.decode("utf-8", errors="replace")
    return ParsedMail(
        message_id=fallback_id, messages=[ThreadMessage(id=fallback_id, body=text[:100_000])], defects=defects
    )


def _parse_parsed(msg: Message, ctx: _Context, fallback_id: str) -> ParsedMail:
    for defect in getattr(msg, "defects", [])[:20]:
        ctx.defects.append(f"MIME: {type(defect).__name__}")
    ids = msg_ids(header_text(msg, "Message-ID"))
    ctx.outer_id = ids[0] if ids else fallback_id
    outer_id = ctx.outer_id
    ctx.seen_ids.add(outer_id)
    messages = _read(msg, ctx, "email", 0, outer_id)
    fill_addresses(messages)
    result = ParsedMail(message_id=outer_id, messages=messages, attachments=ctx.attachments, defects=ctx.defects)
    in_reply_to = msg_ids(header_text(msg, "In-Reply-To"))
    result.in_reply_to = in_reply_to[0] if in_reply_to else None
    result.references = msg_ids(header_text(msg, "References"))
    result.reply_to = addresses(msg, "Reply-To", ctx.defects)
    result.auto_generated = messages[0].auto_generated
    result.calendar_ics = _calendar_reply_part(msg, ctx)
    result.calendar_reply = result.calendar_ics is not None
    try:
        values = msg.get_all("Authentication-Results") or []
        result.authentication_results = [" ".join(decode_header_value(v).split()).strip() for v in values]
    except Exception:
        result.authentication_results = []
    if result.calendar_reply:
        messages[0].auto_generated = True
    return result


def _calendar_reply_part(msg: Message, ctx: _Context) -> bytes | None:
    """The text/calendar part of an iTIP REPLY (b"" when it has no readable payload), else None."""
    try:
        for part in msg.walk():
            if part.get_content_type() == "text/calendar":
                payload = _payload(part, ctx)
                data = payload.read() if payload is not None else None
                method = _param(part, "method").upper()
                if not method:
                    method = "REPLY" if isinstance(data, bytes) and b"METHOD:REPLY" in data.upper() else ""
                if method == "REPLY":
                    return data if isinstance(data, bytes) else b""
    except Exception:
        return None
    return None


def parse_body(text: str) -> ParsedMail:
    """Parse a bare body (plain text or HTML, detected) as the body of a message without headers."""
    msg_id = _stable_id(text.encode("utf-8", "surrogatepass"))
    defects: list[str] = []
    text = normalize_newlines(text.replace("\x00", ""))
    if HTML_SNIFF_RE.search(text[:5000]):
        text, html_defects = html_to_text(text)
        defects.extend(html_defects)
    ctx = _Context(limits=ParseLimits(), outer_id=msg_id, defects=defects)
    top = ThreadMessage(id=msg_id)
    try:
        messages = _thread_messages(top, clean(text), None, ctx)
    except RecursionError:
        defects.append("body structure too deep to read")
        top.body = text
        messages = [top]
    return ParsedMail(message_id=msg_id, messages=messages, defects=defects)


__all__ = ["ParseLimits", "decode_bytes", "parse_body", "parse_file", "parse_message"]
