"""Raw mail bytes to a ``ParsedMail``: the outer message, every message it carries, its attachments.

What it is for: ``parse_message`` is the one entry point intake and the CLI call. It
reads MIME with the stdlib ``email`` package (``policy.compat32``: its headers are plain
strings, several times faster to read than ``policy.default``'s header objects), takes
the body ``mime_body`` picks under fixed limits, splits forwarded and quoted messages
out of it (``forwards``), cuts each message's signature and reads its card once
(``signatures``), parses ``message/rfc822`` attachments as messages of their own, and
reads text attachments (``attachments``). A call transcript pasted into a message's own
text (``pasted``) becomes a transcript source of its own, right after that message, and the
prose around it stays the message's body. Order of ``ParsedMail.messages``: the outer
message first, then for each body the messages split out of it newest to oldest, then
attached messages (each followed by what it carries), then attachments. It never
raises on bad input: what could not be read lands in ``defects``. ``parse_body`` does
the same for a bare body without headers. Not for: walking the MIME tree
(``mime_body``), storing anything or deciding the account.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import tempfile
from datetime import tzinfo
from email import policy
from email.message import Message
from email.parser import BytesHeaderParser, BytesParser
from pathlib import Path
from typing import BinaryIO

from mailflows.inbound.attachments import decode_bytes, encoded_size, is_readable, read_attachment
from mailflows.inbound.autoreply import is_auto_generated, is_auto_reply_text
from mailflows.inbound.dates import parse_mail_date
from mailflows.inbound.forwards import FORWARD_KINDS, Chunk, split_thread
from mailflows.inbound.headers import addresses, decode_header_value, fill_addresses, header_text, msg_ids
from mailflows.inbound.html_text import html_to_text
from mailflows.inbound.mail import AttachmentInfo, MessageKind, ParsedMail, ThreadMessage
from mailflows.inbound.mime_body import BodyParts, ParseContext, ParseLimits, body_text, param, part_payload
from mailflows.inbound.outlook_msg import msg_to_rfc822
from mailflows.inbound.pasted import split_pasted_transcript
from mailflows.inbound.quotes import clean, normalize_newlines, strip_disclaimers
from mailflows.inbound.signatures import (
    is_mobile_footer,
    read_card,
    split_own_signature,
    split_signature,
    split_trailing_note,
)
from mailflows.inbound.spool import SPOOL_MIN_MESSAGE_BYTES, Payload, Window, payload_of, spool_message
from mailflows.inbound.transcripts import as_transcript

HTML_TAG_RE = re.compile(r"</?(?:html|body|div|p|br|table|tr|td|span|b|i|a|ul|li|font)\b[^<>]*>", re.IGNORECASE)
HTML_SNIFF_RE = re.compile(r"<(?:html|body|div|p|br|table|span|blockquote|!doctype)\b", re.IGNORECASE)


def _stable_id(raw: bytes) -> str:
    return f"<{hashlib.sha256(raw).hexdigest()[:32]}@handoff.invalid>"


def _finish(message: ThreadMessage, text: str) -> list[str]:
    """Fill ``body`` and ``signature`` of ``message`` from its own text; returns the dropped disclaimers."""
    text, disclaimers = strip_disclaimers(text.strip("\n"))
    body, signature = split_own_signature(text, message.sender)
    lines = body.rstrip().split("\n")
    while lines and (is_mobile_footer(lines[-1].strip()) or not lines[-1].strip()):
        signature = (lines.pop().strip() + "\n" + signature).strip()
    message.body = "\n".join(lines).strip()
    message.signature = signature
    return disclaimers


def _unmarked(text: str, ctx: ParseContext) -> str:
    """A forwarded message a client pasted as HTML source (mutt and aerc with an HTML-only mail), as text."""
    if len(HTML_TAG_RE.findall(text[:20000])) < 3 or not HTML_SNIFF_RE.search(text[:5000]):
        return text
    rendered, defects = html_to_text(text)
    ctx.defects.extend(defects)
    return rendered


def _pasted(message: ThreadMessage, text: str, ctx: ParseContext, pasted: dict[int, ThreadMessage]) -> str:
    """``text`` without the call transcript pasted in it; the transcript, a source of its own, goes into ``pasted``."""
    found = split_pasted_transcript(text, message.sender.name if message.sender else "")
    if found is None:
        return text
    prose, turns = found
    transcript = ThreadMessage(id=ctx.next_id(), date=message.date, subject=message.subject)
    pasted[id(message)] = as_transcript(transcript, turns)
    return prose


def _thread_messages(top: ThreadMessage, text: str, tz: tzinfo | None, ctx: ParseContext) -> list[ThreadMessage]:
    chunks: list[Chunk] = split_thread(text, tz)
    first = chunks[0]
    pasted: dict[int, ThreadMessage] = {}
    _finish(top, _pasted(top, first.text, ctx, pasted) if first.own else first.text)
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
        _finish(message, _pasted(message, _unmarked(chunk.text, ctx), ctx, pasted))
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
    if pasted:  # each pasted transcript follows the message it was pasted in
        out = [m for message in out for m in (message, pasted.get(id(message))) if m is not None]
    return out


def _read(msg: Message, ctx: ParseContext, kind: MessageKind, depth: int, msg_id: str) -> list[ThreadMessage]:
    top = ThreadMessage(
        id=msg_id,
        kind=kind,
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
    body = BodyParts()
    text = body_text(msg, ctx, body, depth)
    ctx.defects.extend(body.defects)
    tz = top.date.tzinfo if top.date else None
    messages = _thread_messages(top, clean(text), tz, ctx)
    if kind == "attached" and not top.auto_generated:
        # a copy of an auto-reply attached to a forward keeps its words but rarely its headers
        top.auto_generated = is_auto_reply_text(top.subject, top.body, top.sender.email if top.sender else "")
    for inner in body.attached:
        messages.extend(_attached(inner, ctx, depth + 1))
    for part in body.attachments:
        for read in _attachment(part, ctx, depth):
            read.date = read.date or top.date  # an attachment is dated by the mail that carried it
            messages.append(read)
    return messages


def _attached(inner: Message, ctx: ParseContext, depth: int) -> list[ThreadMessage]:
    if depth > ctx.limits.max_depth:
        ctx.defects.append(f"attached messages nested deeper than {ctx.limits.max_depth}: not read")
        return []
    own = header_text(inner, "Message-ID")
    ids = msg_ids(own)
    msg_id = ids[0] if ids and ids[0] not in ctx.seen_ids else ctx.next_id()
    ctx.seen_ids.add(msg_id)
    return _read(inner, ctx, "attached", depth, msg_id)


def _attachment(part: Message, ctx: ParseContext, depth: int = 0) -> list[ThreadMessage]:
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
        data = part_payload(part, ctx) or Payload()
    result = read_attachment(
        ctx.next_id(), filename, ctype, data, part.get_content_charset(), ctx.limits.max_attachment_text_chars, size
    )
    ctx.attachments.append(result.info)
    ctx.defects.extend(result.defects)
    return [result.message] if result.message else []


def _outlook_msg(part: Message, filename: str, ctype: str, ctx: ParseContext, depth: int) -> list[ThreadMessage]:
    """An Outlook .msg attachment is read like an attached .eml (see outlook_msg.py)."""
    try:
        payload = part_payload(part, ctx)
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
        return _parse_parsed(msg, ParseContext(limits=limits, outer_id="", defects=defects), fallback_id)
    except RecursionError:
        defects.append("message structure too deep to read")
    except Exception as exc:  # the last line of defence: intake must store something
        defects.append(f"message could not be parsed: {type(exc).__name__}: {exc}"[:300])
    return _unparsed(raw[:400_000], fallback_id, defects)


def parse_path(path: Path, limits: ParseLimits | None = None) -> ParsedMail:
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
    ctx = ParseContext(limits=limits, outer_id="", defects=defects, directory=directory)
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


def _parse_parsed(msg: Message, ctx: ParseContext, fallback_id: str) -> ParsedMail:
    for defect in getattr(msg, "defects", [])[:20]:
        ctx.defects.append(f"MIME: {type(defect).__name__}")
    ids = msg_ids(header_text(msg, "Message-ID"))
    ctx.outer_id = outer_id = ids[0] if ids else fallback_id
    ctx.seen_ids.add(outer_id)
    messages = _read(msg, ctx, "email", 0, outer_id)
    fill_addresses(messages)
    for message in messages:
        read_card(message)
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


def _calendar_reply_part(msg: Message, ctx: ParseContext) -> bytes | None:
    """The text/calendar part of an iTIP REPLY (b"" when it has no readable payload), else None."""
    try:
        for part in msg.walk():
            if part.get_content_type() == "text/calendar":
                payload = part_payload(part, ctx)
                data = payload.read() if payload is not None else None
                method = param(part, "method").upper()
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
    ctx = ParseContext(limits=ParseLimits(), outer_id=msg_id, defects=defects)
    top = ThreadMessage(id=msg_id)
    try:
        messages = _thread_messages(top, clean(text), None, ctx)
    except RecursionError:
        defects.append("body structure too deep to read")
        top.body = text
        messages = [top]
    for message in messages:
        read_card(message)
    return ParsedMail(message_id=msg_id, messages=messages, defects=defects)


# RFC 5322: a header field's name is printable ASCII but the colon; an mbox file starts with "From ".
_FIELD = re.compile(rb"^(?:From |[!-9;-~]+:)")
_MESSAGE_HEADERS = {"from", "to", "subject", "date", "message-id", "received", "return-path", "mime-version"}


def has_headers(raw: bytes) -> bool:
    """Whether ``raw`` starts with a header block (``Return-Path:`` first counts too), not a bare body."""
    if not _FIELD.match(raw.lstrip(b"\r\n")[:1000]):
        return False
    headers = BytesHeaderParser(policy=policy.compat32).parsebytes(raw[:65536])
    return any(name.lower() in _MESSAGE_HEADERS for name in headers)


def parse_file(raw: bytes, *, body: bool = False) -> ParsedMail:
    """A file as ``handoff parse`` reads it: a message when it starts with headers, else a bare body."""
    if not body and has_headers(raw):
        return parse_message(raw)
    return parse_body(raw.decode("utf-8", "replace"))


__all__ = ["ParseLimits", "decode_bytes", "has_headers", "parse_body", "parse_file", "parse_message", "parse_path"]
