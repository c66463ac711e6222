"""Attachments reps forward: transcripts, CRM exports, notes, invites, PDF and Word text.

What it is for: ``read_attachment`` turns one attachment's bytes into a
``ThreadMessage`` (kind "transcript", "crm", "note" or "calendar") when it is a kind
the handoff can use, or says why not (an ``AttachmentInfo`` with ``read=False`` and a
reason the rep's draft shows). Text kinds are read in a bounded window of
``max_text_chars`` bytes in whole lines (``text_window``), from memory or from the
spool file a large attachment was decoded to; what lies beyond is recorded (a defect
and ``AttachmentInfo.reason``: the rep's draft says it), never dropped silently.
Not for: message/rfc822 attachments (``parse.py`` parses those as messages) or
choosing which MIME parts are attachments.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import Message
from typing import BinaryIO

from mailflows.inbound.mail import Address, AttachmentInfo, ThreadMessage, Turn
from mailflows.inbound.spool import Payload
from mailflows.inbound.transcripts import as_transcript, looks_like_transcript, parse_transcript, participants_lines

CHARSET_ALIASES = {
    "iso-8859-1": "windows-1252",
    "latin1": "windows-1252",
    "latin-1": "windows-1252",
    "us-ascii": "windows-1252",
    "ascii": "windows-1252",
    "ks_c_5601-1987": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "big5": "big5hkscs",
    "unicode-1-1-utf-7": "utf-7",
    "x-unknown": "windows-1252",
}
TEXT_EXTENSIONS = (".txt", ".md", ".markdown", ".text", ".log")
MAX_CSV_ROWS = 5000


@dataclass(slots=True)
class ReadResult:
    message: ThreadMessage | None
    info: AttachmentInfo
    defects: list[str] = field(default_factory=list)


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Decode with the declared charset, trusting valid UTF-8 over a wrong label; never raises."""
    data = data.replace(b"\x00", b"")
    charset = (charset or "").strip().lower()
    if charset not in ("utf-8", "utf8") and not data.isascii():
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    codec = CHARSET_ALIASES.get(charset, charset) or "utf-8"
    try:
        return data.decode(codec, errors="replace")
    except LookupError:
        return data.decode("windows-1252", errors="replace")


def _ext(filename: str) -> str:
    return ("." + filename.rsplit(".", 1)[-1].lower()) if "." in filename else ""


def _csv_text(text: str, limit: int) -> str:
    text = text.lstrip("\ufeff")
    header = text.split("\n", 1)[0]
    # Excel in German, French or Spanish writes ";" between columns (the comma is their decimal mark)
    delimiter = max((",", ";", "\t"), key=header.count)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows:
        return ""
    head, body = rows[0], rows[1 : MAX_CSV_ROWS + 1]
    lines = []
    for row in body:
        pairs = [f"{h.strip()}: {v.strip()}" for h, v in zip(head, row, strict=False) if v.strip()]
        if pairs:
            lines.append("; ".join(pairs))
    return "\n".join(lines)[:limit]


def _calendar(data: bytes, message: ThreadMessage) -> list[str]:
    from icalendar import Calendar

    cal = Calendar.from_ical(data)
    lines: list[str] = []
    for event in cal.walk("VEVENT"):
        summary = str(event.get("SUMMARY", ""))
        start = event.decoded("DTSTART") if event.get("DTSTART") else None
        if isinstance(start, datetime):
            message.date = message.date or start
        elif isinstance(start, date):
            message.date = message.date or datetime(start.year, start.month, start.day)
        organizer = event.get("ORGANIZER")
        if organizer is not None and message.sender is None:
            message.sender = _cal_address(organizer)
        attendees = event.get("ATTENDEE") or []
        if not isinstance(attendees, list):
            attendees = [attendees]
        message.attendees.extend(_cal_address(a) for a in attendees)
        message.subject = message.subject or summary
        lines.append(f"Event: {summary}")
        if start is not None:
            lines.append(f"When: {start.isoformat() if hasattr(start, 'isoformat') else start}")
        if event.get("LOCATION"):
            lines.append(f"Where: {event.get('LOCATION')}")
        if message.attendees:
            lines.append("Attendees: " + ", ".join(str(a) for a in message.attendees))
        if event.get("DESCRIPTION"):
            lines.append(str(event.get("DESCRIPTION")).strip())
    return lines


def _cal_address(prop: object) -> Address:
    email = re.sub(r"^mailto:", "", str(prop), flags=re.IGNORECASE)
    params = getattr(prop, "params", {}) or {}
    return Address(name=str(params.get("CN", "")).strip('"'), email=email.lower())


def _pdf_text(data: BinaryIO) -> str:
    from pypdf import PdfReader

    # pypdf logs a warning per repair it makes on a damaged file; the defect list says it once.
    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.ERROR)
    try:
        reader = PdfReader(data)
        return "\n\n".join((page.extract_text() or "").strip() for page in reader.pages)
    finally:
        pypdf_log.setLevel(level)


def _docx_text(data: BinaryIO) -> str:
    import docx

    document = docx.Document(data)
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text.strip() for cell in row.cells))
    return "\n".join(parts)


def text_window(payload: Payload, charset: str | None, max_chars: int) -> tuple[str, str]:
    """The text of the first ``max_chars`` bytes of ``payload`` in whole lines, and what was left out ("" if nothing).

    The cap bounds what a reader holds (the text, its lines, its turns and sentences are each
    a copy of it) whatever the size of the attachment; the rest stays in the stored message.
    """
    data, cut = payload.head(max_chars)
    text = decode_bytes(data, charset)
    if not cut:
        return text, ""
    return text, f"is {payload.size:,} bytes of text: only the first {len(data):,} bytes were read"


def read_attachment(
    msg_id: str,
    filename: str,
    content_type: str,
    data: bytes | Payload,
    charset: str | None,
    max_text_chars: int,
    size: int | None = None,
) -> ReadResult:
    """Read one attachment (``size`` when ``data`` was left undecoded); never raises.

    Text kinds are read in a window of ``max_text_chars`` (``text_window``): what is beyond it
    is said in the defects and in ``info.reason``, so the rep's draft tells it.
    """
    payload = data if isinstance(data, Payload) else Payload.of(data)
    info = AttachmentInfo(
        filename=filename, content_type=content_type, size=payload.size if size is None else size, read=True
    )
    message = ThreadMessage(id=msg_id, kind="note", filename=filename, subject=filename)
    ext = _ext(filename)
    defects: list[str] = []

    def window() -> str:
        text, left_out = text_window(payload, charset, max_text_chars)
        if left_out:
            info.reason = f"{left_out}; the rest is kept in the stored message"
            defects.append(f"attachment {filename!r} {left_out}; the rest is kept in the stored message")
        return text

    try:
        if ext in (".vtt", ".srt") or content_type == "text/vtt":
            text = window()
            return _transcript(message, info, parse_transcript(text), defects, text)
        if ext == ".csv" or content_type == "text/csv":
            message.kind = "crm"
            message.body = _csv_text(window(), max_text_chars)
            return ReadResult(message, info, defects)
        if ext == ".ics" or content_type == "text/calendar":
            message.kind = "calendar"
            message.body = "\n".join(_calendar(payload.read(), message))
            return ReadResult(message, info)
        if ext == ".pdf" or content_type == "application/pdf":
            with payload.open() as stream:
                message.body = _pdf_text(stream)[:max_text_chars]
            return ReadResult(message, info)
        if ext == ".docx" or content_type.endswith("wordprocessingml.document"):
            with payload.open() as stream:
                message.body = _docx_text(stream)[:max_text_chars]
            return ReadResult(message, info)
        if content_type == "application/ms-tnef" or filename.lower() == "winmail.dat":
            return _tnef(message, info, payload.read(), max_text_chars)
        if ext in TEXT_EXTENSIONS or (content_type.startswith("text/") and content_type != "text/html" and not ext):
            text = window().replace("\r\n", "\n")
            if ext != ".md" and looks_like_transcript(text):
                return _transcript(message, info, parse_transcript(text), defects, text)
            message.body = text.strip()
            return ReadResult(message, info, defects)
    except Exception as exc:  # third-party readers raise anything on broken files
        info.read = False
        info.reason = f"could not be read ({type(exc).__name__})"
        return ReadResult(None, info, [f"attachment {filename!r} could not be read: {type(exc).__name__}"])
    info.read = False
    info.reason = f"{content_type or 'this type'} attachments are not read"
    return ReadResult(None, info)


def _tnef(message: ThreadMessage, info: AttachmentInfo, data: bytes, max_text_chars: int) -> ReadResult:
    """Outlook's winmail.dat: its body and the attachments inside it, read like any other."""
    from tnefparse import TNEF

    tnef = TNEF(data)
    parts: list[str] = []
    body = tnef.body.decode("utf-8", "replace") if isinstance(tnef.body, bytes) else (tnef.body or "")
    if body.strip("\x00 \r\n"):
        parts.append(body.replace("\x00", "").strip())
    unread: list[str] = []
    for n, inner in enumerate(tnef.attachments, 1):
        name = (inner.long_filename() or inner.name or f"attachment-{n}").strip("\x00")
        kind = "text/plain" if _ext(name) in TEXT_EXTENSIONS else "application/octet-stream"
        result = read_attachment(f"{message.id}.{n}", name, kind, inner.data, None, max_text_chars)
        if result.message is None:
            unread.append(name)
            continue
        message.turns.extend(result.message.turns)
        parts.append(f"[{name}]\n{result.message.body}")
    if not parts and not unread:
        raise ValueError("winmail.dat holds no body and no attachments")
    message.body = "\n\n".join(parts)[:max_text_chars]
    if message.turns:
        message.kind = "transcript"
    defects = [f"winmail.dat: {name} not read" for name in unread]
    return ReadResult(message, info, defects)


def _transcript(
    message: ThreadMessage, info: AttachmentInfo, turns: list[Turn], defects: list[str], text: str = ""
) -> ReadResult:
    as_transcript(message, turns)
    message.header = participants_lines(text)
    last = next((t.at for t in reversed(turns) if t.at), None) if defects else None
    if last:  # where the reading stopped, in the call's own time
        defects = [*defects[:-1], f"{defects[-1]} (read up to {last} of the call)"]
        info.reason = f"{info.reason} (read up to {last} of the call)"
    return ReadResult(message, info, defects)


def is_readable(filename: str, content_type: str) -> bool:
    """Whether ``read_attachment`` would read this kind of attachment at all."""
    ext = _ext(filename)
    return (
        ext in (".vtt", ".srt", ".csv", ".ics", ".pdf", ".docx", *TEXT_EXTENSIONS)
        or content_type in ("text/vtt", "text/csv", "text/calendar", "application/pdf", "application/ms-tnef")
        or filename.lower() == "winmail.dat"
        or content_type.endswith("wordprocessingml.document")
        or (content_type.startswith("text/") and content_type != "text/html" and not ext)
    )


def encoded_size(part: Message) -> int:
    """The decoded size of an attachment that is not read, without decoding it when base64."""
    payload = part.get_payload()
    if not isinstance(payload, str):
        return 0
    if str(part.get("Content-Transfer-Encoding", "")).strip().lower() == "base64":
        chars = len(payload) - payload.count("\n") - payload.count("\r") - payload.count(" ")
        return max(0, chars * 3 // 4 - payload[-4:].count("="))
    try:
        data = part.get_payload(decode=True)
    except Exception:
        return len(payload)
    return len(data) if isinstance(data, bytes) else len(payload)
