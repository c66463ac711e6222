"""Large MIME bodies out of memory: one streaming pass decodes each to a spool file, once.

What it is for: ``spool_message`` reads a raw message from a file line by line and
returns its skeleton (the message with every large leaf body replaced by a short token
line) and the ``Payload`` of each token: the body decoded once (base64,
quoted-printable, or as it was) into a file of its own, streamed, never held whole.
The MIME parser then reads only the skeleton (kilobytes), and whoever reads a body
reads the bounded window it needs (``Payload.head``) or streams it (``Payload.open``).
``Payload`` is also the in-memory form of a small body, so readers take either. The
structure is followed as far as spooling needs: header blocks (Content-Type,
boundary, Content-Transfer-Encoding), boundary lines, message/rfc822 parts read as
nested messages. Not for: deciding what a part is or reading it (parse.py,
attachments.py).
"""

from __future__ import annotations

import binascii
import io
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any, BinaryIO

BLOB_TOKEN = "HANDOFFBLOB"
SPOOL_MIN_BODY_BYTES = 256 * 1024  # a body this large (encoded) goes to a file; smaller ones stay in the skeleton
SPOOL_MIN_MESSAGE_BYTES = 1024 * 1024  # a smaller message is parsed in memory as it is
MAX_LINE = 1 << 20  # a longer line is read in pieces (a pathological message stays bounded)
MAX_HEADER_BLOCK = 256 * 1024
_CHUNK = 1 << 20
_NOT_BASE64 = bytes(
    c for c in range(256) if chr(c) not in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
)
_BOUNDARY_RE = re.compile(rb'(?i)\bboundary\s*=\s*(?:"([^"\r\n]+)"|([^\s;"]+))')
_CTYPE_RE = re.compile(rb"(?im)^content-type\s*:\s*([\w!#$&.+^-]+/[\w!#$&.+^-]+)")
_CTE_RE = re.compile(rb"(?im)^content-transfer-encoding\s*:\s*([\w-]+)")


@dataclass(slots=True)
class Payload:
    """The decoded bytes of one body: ``data`` in memory, or the spool file at ``path``."""

    data: bytes | None = None
    path: Path | None = None
    size: int = 0

    @classmethod
    def of(cls, data: bytes) -> Payload:
        return cls(data=data, size=len(data))

    def open(self) -> BinaryIO:
        return io.BytesIO(self.data or b"") if self.path is None else self.path.open("rb")

    def read(self) -> bytes:
        """All of it (for the readers that need the whole file: an attached message, a TNEF or calendar file)."""
        if self.path is None:
            return self.data or b""
        return self.path.read_bytes()

    def head(self, limit: int) -> tuple[bytes, bool]:
        """At most ``limit`` bytes from the start, cut after the last whole line; True when that left some out."""
        if self.size <= limit:
            return self.read(), False
        with self.open() as f:
            window = f.read(limit)
        cut = window.rfind(b"\n") + 1
        return (window[:cut] if cut > 0 else window), True


@dataclass(slots=True)
class _Decoder:
    """Decodes one body into its spool file as the lines come (base64 and quoted-printable in whole lines)."""

    out: BinaryIO
    path: Path
    encoding: str
    pending: bytearray = field(default_factory=bytearray)
    size: int = 0

    def feed(self, line: bytes) -> None:
        self.pending += line
        if len(self.pending) >= _CHUNK:
            self._flush(final=False)

    def close(self, *, at_boundary: bool) -> int:
        """Decode the rest; ``at_boundary``: the last line end belongs to the boundary line that follows (RFC 2046)."""
        self._flush(final=True, at_boundary=at_boundary)
        self.out.close()
        return self.size

    def _flush(self, final: bool, at_boundary: bool = False) -> None:
        data = bytes(self.pending)
        self.pending.clear()
        if self.encoding == "base64":
            chars = data.translate(None, _NOT_BASE64)  # whitespace and "=" padding out: groups of four decode
            whole = len(chars) - len(chars) % 4
            decoded = binascii.a2b_base64(chars[:whole]) if whole else b""
            rest = chars[whole:]
            if not final:
                self.pending += rest
            elif len(rest) >= 2:  # the last group: 2 characters carry 1 byte, 3 carry 2
                decoded += binascii.a2b_base64(rest + b"=" * (4 - len(rest)))[: len(rest) - 1]
        else:
            if not final:  # the last line waits: its line end may turn out to be the boundary's
                cut = data.rfind(b"\n", 0, len(data) - 1) + 1
                data, rest = data[:cut], data[cut:]
                self.pending += rest
            elif at_boundary:
                data = data[:-2] if data.endswith(b"\r\n") else data[:-1] if data.endswith(b"\n") else data
            # quoted-printable: chunks end on a line end, where a soft break decodes alone
            decoded = binascii.a2b_qp(data) if self.encoding == "quoted-printable" else data
        self.out.write(decoded)
        self.size += len(decoded)


@dataclass(slots=True)
class _Part:
    """What the spooler knows of the part whose body it is reading."""

    ctype: bytes = b"text/plain"
    encoding: str = ""


def _lines(src: BinaryIO) -> Iterator[bytes]:
    while line := src.readline(MAX_LINE):
        yield line


def _header_block(lines: list[bytes]) -> tuple[_Part, bytes | None]:
    """The part a header block describes, and the boundary marker of its parts when it is a multipart."""
    block = b"".join(lines)
    ctype = _CTYPE_RE.search(block)
    cte = _CTE_RE.search(block)
    part = _Part(
        ctype=ctype.group(1).lower() if ctype else b"text/plain",
        encoding=cte.group(1).decode("ascii", "replace").lower() if cte else "",
    )
    boundary = _BOUNDARY_RE.search(block) if part.ctype.startswith(b"multipart/") else None
    return part, (b"--" + (boundary.group(1) or boundary.group(2)) if boundary else None)


def spool_message(src: BinaryIO, directory: str, payloads: dict[str, Payload]) -> bytes:
    """The skeleton of the message in ``src``; the bodies its tokens name are added to ``payloads`` (files in ``directory``)."""
    skeleton = bytearray()
    markers: set[bytes] = set()
    in_headers = True
    headers: list[bytes] = []
    header_bytes = 0
    part = _Part()
    body: list[bytes] = []
    body_bytes = 0
    decoder: _Decoder | None = None

    def end_body(at_boundary: bool) -> None:
        nonlocal decoder, body_bytes
        if decoder is not None:
            token = f"{BLOB_TOKEN}{len(payloads)}"
            payloads[token] = Payload(path=decoder.path, size=decoder.close(at_boundary=at_boundary))
            skeleton.extend(token.encode() + b"\n")
            decoder = None
        else:
            skeleton.extend(b"".join(body))
        body.clear()
        body_bytes = 0

    for line in _lines(src):
        if in_headers:
            if not skeleton and not line.strip():
                continue  # blank lines before the headers (a client's or a file's)
            skeleton.extend(line)
            if line.strip(b"\r\n"):
                if header_bytes < MAX_HEADER_BLOCK:
                    headers.append(line)
                    header_bytes += len(line)
                continue
            part, marker = _header_block(headers)
            headers.clear()
            header_bytes = 0
            if marker:
                markers.add(marker)
            # an attached message not itself encoded starts with headers of its own
            in_headers = part.ctype == b"message/rfc822" and part.encoding not in ("base64", "quoted-printable")
            continue
        if markers and line.startswith(b"--"):
            mark = line.rstrip(b"\r\n \t")
            closing = mark not in markers and mark.endswith(b"--") and mark[:-2] in markers
            if closing or mark in markers:
                end_body(at_boundary=True)
                skeleton.extend(line)
                in_headers = not closing
                part = _Part(ctype=b"multipart/epilogue")
                continue
        if decoder is not None:
            decoder.feed(line)
            continue
        body.append(line)
        body_bytes += len(line)
        if body_bytes >= SPOOL_MIN_BODY_BYTES and not part.ctype.startswith(b"multipart/"):
            fd, name = tempfile.mkstemp(dir=directory, prefix="body-")
            encoding = part.encoding if part.encoding in ("base64", "quoted-printable") else ""
            decoder = _Decoder(os.fdopen(fd, "wb"), Path(name), encoding)
            for held in body:
                decoder.feed(held)
            body.clear()
    end_body(at_boundary=False)
    return bytes(skeleton)


def payload_of(part: Message, payloads: dict[str, Payload]) -> Payload | None:
    """The spooled body of ``part``, when ``spool_message`` took it out."""
    if not payloads:
        return None
    body = part.get_payload()
    if isinstance(body, str) and body.lstrip().startswith(BLOB_TOKEN):
        return payloads.get(body.strip())
    return None


class Window(io.RawIOBase):
    """The first ``limit`` bytes of ``src``, as a file (a message larger than the parse limit is read that far)."""

    def __init__(self, src: BinaryIO, limit: int) -> None:
        self.src, self.left = src, limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any, /) -> int:
        if self.left <= 0:
            return 0
        data = self.src.read(min(len(buffer), self.left))
        buffer[: len(data)] = data
        self.left -= len(data)
        return len(data)
