"""Splitting one body into the messages of the thread it carries.

What it is for: ``split_thread`` walks a plain-text body (HTML already rendered by
``html_text``) from the top: the text above the first quoted or forwarded block
belongs to the message itself; the block's header (a forward's From/Date/To/Cc/Subject
lines in any client and language, or an "On <date>, <name> wrote:" line) starts the
next, older message, whose own text ends where its quoted history begins, and so on.
Messages therefore come newest first, each with its own author, date and body, and a
quoted sentence is stored once: with the message that wrote it. Not for: MIME
(``parse.py``), signatures (``signatures.py``) or deciding what a quote header is
(``quotes.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from mailflows.inbound.dates import parse_mail_date
from mailflows.inbound.mail import Address
from mailflows.inbound.markers import FIELD_LINE_RE, LABELS, MARKER_FROM_RE, header_end
from mailflows.inbound.quotes import (
    WROTE_WORDS,
    Boundary,
    clean,
    find_boundary,
    unquote,
)

MAX_SPLIT_DEPTH = 50
FORWARD_KINDS = ("forward", "header", "rule")
LABEL_MAP = {word: key for key, words in LABELS.items() for word in words.split("|")}
LABEL_LINE_RE = re.compile(r"^\s*\*{0,2}\s*([^\W\d][^:：]{0,24}?)\s*\*{0,2}\s*[:：]\s*\*{0,2}\s*(.*?)\s*\*{0,2}\s*$")
INLINE_LABEL_RE = re.compile(r"(?<![A-Za-z])(?=(?:From|To|Cc|Sent|Date|Subject):)")
MAILTO_RE = re.compile(r"\s*[\[<(]mailto:([^\]>)]*)[\]>)]", re.IGNORECASE)
MAILTO_DUP_RE = re.compile(r"([\w.+'=-]+@[\w-]+(?:\.[\w-]+)+)\s*[\[<(]mailto:[^\]>)]*[\]>)]", re.IGNORECASE)
ADDRESS_RE = re.compile(
    r"(?P<name>[^<>@,;]*(?:,[^<>@,;]*)?)\s*<(?P<addr>[^<>\s]+@[^<>\s]+)>|(?P<bare>[\w.+'=-]+@[\w-]+(?:\.[\w-]+)+)"
)
EMAIL_RE = re.compile(r"[\w.+'=-]+@[\w-]+(?:\.[\w-]+)+")
MAILTO_WRAP_RE = re.compile(r"<\s*\[?mailto:[^<>]*<([^<>\s]+@[^<>\s]+)>\s*\]?\s*>", re.IGNORECASE)
NAME_STOP = frozenset(
    [
        "am",
        "pm",
        "at",
        "um",
        "uhr",
        "à",
        "las",
        "às",
        "the",
        "on",
        "le",
        "el",
        "il",
        "op",
        "em",
        "den",
        "dnia",
        "w",
        "dniu",
        "gmt",
        "utc",
        "schrieb",
        "wrote",
        "wrote:",
        "heeft",
        "giorno",
        "пользователь",
        "a",
        "écrit",
        "escribió",
        "ha",
        "scritto",
        "schreef",
        "escreveu",
        "skrev",
    ]
)


@dataclass(slots=True)
class Header:
    sender: Address | None = None
    to: list[Address] = field(default_factory=list)
    cc: list[Address] = field(default_factory=list)
    date: datetime | None = None
    date_text: str = ""
    subject: str = ""


@dataclass(slots=True)
class Chunk:
    """One message found in a body: its header (None for the top one), own text and quoted history."""

    header: Header | None
    text: str
    quoted: str = ""
    via: str = ""  # the boundary kind that opened it: forward, header, wrote, rule, quote
    own: bool = True  # False: ``text`` is quoted lines kept because nothing else was there, not the author's


def parse_addresses(value: str) -> list[Address]:
    """Recipients as clients print them: "A <a@x>; B <b@x>", "Doe, John <j@x>", "A [mailto:a@x]", bare names."""
    value = clean(value).strip().strip(",;")
    value = MAILTO_DUP_RE.sub(r"\1", value)
    value = MAILTO_RE.sub(lambda m: f" <{m.group(1)}>", value)
    if not value:
        return []
    out: list[Address] = []
    for match in ADDRESS_RE.finditer(value):
        name = (match.group("name") or "").strip(" ,;\"'«»“”")
        email = (match.group("addr") or match.group("bare") or "").strip().lower()
        if name.lower() == email:
            name = ""
        if out and not name and out[-1].email == email:
            continue
        if out and not out[-1].name and out[-1].email == email:
            out[-1].name = name
            continue
        out.append(Address(name=name, email=email))
    if not out:
        out = [Address(name=p.strip(" \"'"), email="") for p in re.split(r"[;,]", value) if p.strip(" \"'")]
    return out


def parse_header_block(lines: list[str], default_tz: tzinfo | None) -> Header:
    header = Header()
    current: str | None = None
    values: dict[str, str] = {}
    for raw in lines:
        line = clean(raw)
        match = LABEL_LINE_RE.match(line)
        key = LABEL_MAP.get(match.group(1).strip().lower()) if match else None
        if match and key and key not in values:
            current = key
            values[key] = match.group(2)
        elif FIELD_LINE_RE.match(line):
            current = None  # Message-ID, Content-Type...: printed, not read
        elif current and line.strip() and current in ("to", "cc", "subject"):
            values[current] += " " + line.strip()
    if "from" in values:
        found = parse_addresses(values["from"])
        header.sender = found[0] if found else None
    header.to = parse_addresses(values.get("to", ""))
    header.cc = parse_addresses(values.get("cc", ""))
    header.subject = values.get("subject", "").strip()
    header.date_text = values.get("date", "").strip()
    header.date = parse_mail_date(header.date_text, default_tz)
    return header


def parse_wrote_line(line: str, default_tz: tzinfo | None) -> Header:
    """Author and date from "On Mon, Mar 16, 2026 at 4:20 PM Dana Reyes <dana@x> wrote:" and its kin."""
    line = clean(re.sub(r"\s+", " ", line)).strip()
    if "mailto:" in line:  # "Some One < mailto:Some One <a@b> > wrote:" from a client that broke the address
        line = MAILTO_WRAP_RE.sub(r"<\1>", line)
    header = Header()
    body = re.sub(r"^\s*(?:on|le|am|el|il|op|em|den|w dniu|dnia|på|pe|v|dne|在|às)\s+", "", line, flags=re.IGNORECASE)
    body = re.sub(r"\s*[:：]\s*$", "", body)
    body = re.sub(rf"\s*(?:{WROTE_WORDS})\s*$", "", body, flags=re.IGNORECASE)
    match = re.search(r"[(<\[\"]*(?:mailto:)?([\w.+'=-]+@[\w-]+(?:\.[\w-]+)+)[)>\]\"]*", body)
    before = body[: match.start()] if match else body
    for word in ("schrieb", "wrote", "a écrit", "escribió", "ha scritto", "schreef", "escreveu", "skrev"):
        idx = before.lower().find(word)
        if idx >= 0 and match and idx < len(before) - len(word) - 1:
            # German and Dutch put the name after the verb: "... um 10:15 schrieb Dana Reyes <..>"
            date_part, name_part = before[:idx], before[idx + len(word) :]
            break
    else:
        tokens = before.rstrip(" ,(<\"'").split(" ")
        name_tokens: list[str] = []
        while tokens:
            tok = tokens[-1]
            bare = tok.strip(",\"'()«»“”")
            if not bare and tok:
                tokens.pop()
                continue
            if (
                not bare
                or bare.lower() in NAME_STOP
                or re.search(r"\d", bare)
                or tok.endswith(",")
                and name_tokens
                or len(name_tokens) >= 4
            ):
                break
            name_tokens.insert(0, tokens.pop())
        name_part = " ".join(name_tokens)
        date_part = " ".join(tokens)
    name = name_part.strip(" ,\"'()<«»“”")
    date_part = re.sub(r"(?:\s+(?:heeft|пользователь|giorno|użytkownik))+\s*$", "", date_part.strip(), flags=re.I)
    name = re.sub(r"\s*\b(?:wrote|schrieb|a écrit|escribió|ha scritto)\b.*$", "", name, flags=re.IGNORECASE)
    email = match.group(1).lower() if match else ""
    if name or email:
        header.sender = Address(name=name.strip(), email=email)
    header.date_text = date_part.strip(" ,")
    header.date = parse_mail_date(header.date_text, default_tz)
    return header


def split_thread(text: str, default_tz: tzinfo | None = None) -> list[Chunk]:
    """The messages in ``text``, newest (the top one, header None) first."""
    lines = text.split("\n")
    chunks: list[Chunk] = []
    header: Header | None = None
    via = ""
    for _ in range(MAX_SPLIT_DEPTH):
        boundary = find_boundary(lines)
        if boundary is None:
            chunks.append(Chunk(header, "\n".join(lines).strip("\n"), "", via))
            return chunks
        if boundary.resume is not None and boundary.resume == boundary.body_line and boundary.block_end is None:
            lines = lines[: boundary.line] + lines[boundary.body_line :]  # an attribution quoting nothing
            continue
        if boundary.resume is not None:
            below = lines[boundary.resume : boundary.resume_end]
            if chunks and via in FORWARD_KINDS and _signed_off(lines[: boundary.line]):
                # A forwarded message that signed off above its quoted history wrote nothing below
                # it: text there was typed by whoever forwarded it (s-nail and aerc mark no end).
                chunks[-1].text = "\n\n".join(t for t in (chunks[-1].text, "\n".join(below).strip("\n")) if t)
                below = []
            own = "\n".join(lines[: boundary.line] + below).strip("\n")
            quoted = "\n".join(lines[boundary.line : boundary.resume] + lines[boundary.resume_end :]).strip("\n")
            chunks.append(Chunk(header, own, quoted, via))
            block_end = boundary.block_end if boundary.block_end is not None else boundary.resume
            header, lines = _open(boundary, lines[:block_end], default_tz)
        else:
            own = "\n".join(lines[: boundary.line]).strip("\n")
            quoted = "\n".join(lines[boundary.line :]).strip("\n")
            chunks.append(Chunk(header, own, quoted, via))
            header, lines = _open(boundary, lines, default_tz)
        via = boundary.kind
        if header is None:
            # plain ">" quoting without an attribution: history of unknown authorship, unless
            # it quotes a forward or reply header (Apple Mail quotes whole forwards) or is all there is
            quoted_block = lines[boundary.line].lstrip().startswith(">")
            inner = unquote(lines[boundary.line :]) if quoted_block else []
            nested = find_boundary(inner) if quoted_block else None
            if nested is not None and not any(ln.strip() for ln in inner[: nested.line]):
                lines = inner
                continue
            if not chunks[-1].text.strip() and len(chunks) == 1 and nested is None:
                chunks[-1].text, chunks[-1].quoted, chunks[-1].own = chunks[-1].quoted, "", False
            return chunks
    chunks.append(Chunk(header, "\n".join(lines).strip("\n"), "", via))
    return chunks


def _signed_off(lines: list[str]) -> bool:
    """Whether text ends with a signature block ("-- " and a few lines) before what follows."""
    seen_text = False
    for line in lines:
        if line.strip() in ("--", "-- ", "—") and seen_text:
            return True
        seen_text = seen_text or bool(line.strip())
    return False


def _marker_header(line: str, default_tz: tzinfo | None) -> Header | None:
    """The author (and date) a forward's marker line names, as mutt and aerc write them."""
    match = MARKER_FROM_RE.match(line)
    if match is None:
        return None
    found = parse_addresses(match.group("who"))
    header = Header(sender=found[0] if found else None)
    if match.group("when"):
        header.date_text = match.group("when").strip()
        header.date = parse_mail_date(header.date_text, default_tz)
    return header


def _open(boundary: Boundary, lines: list[str], default_tz: tzinfo | None) -> tuple[Header | None, list[str]]:
    """Read the header at ``boundary`` and return it with the lines of the message it opens."""
    if boundary.kind == "quote":
        return None, lines
    if boundary.kind == "wrote":
        attribution = lines[boundary.line : boundary.body_line]
        if attribution[0].lstrip().startswith(">"):  # quoted with the rest ("> On … wrote:"): read it without the marks
            attribution = unquote(attribution)
        header = parse_wrote_line(" ".join(attribution), default_tz)
        rest = lines[boundary.body_line :]
        return header, unquote(rest)
    start = boundary.body_line
    if (
        boundary.kind == "forward" and start == boundary.line
    ):  # Yahoo: "----- Forwarded Message ----- From: a To: b Subject: c" on one line
        fields = INLINE_LABEL_RE.split(lines[start].split("-----", 2)[-1].lstrip("- "))
        header = parse_header_block([f for f in fields if f.strip()], default_tz)
        return header, lines[start + 1 :]
    while start < len(lines) and not lines[start].strip():
        start += 1
    if boundary.kind == "forward" and any(ln.lstrip().startswith(">") for ln in lines[start : start + 3]):
        lines = lines[:start] + unquote(lines[start:])
    end = header_end(lines, start)
    header = parse_header_block(lines[start:end], default_tz)
    marker = _marker_header(lines[boundary.line], default_tz) if boundary.kind == "forward" else None
    if marker is not None:
        header.sender = header.sender or marker.sender
        header.date, header.date_text = header.date or marker.date, header.date_text or marker.date_text
    rest = lines[end:]
    first = next((ln for ln in rest if ln.strip()), "")
    if first.lstrip().startswith(">") and boundary.kind in ("forward", "rule"):
        rest = unquote(rest)
    return header, rest
