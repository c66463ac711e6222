"""Outlook's winmail.dat (TNEF): the body and the attachments inside it are read, not just listed."""

from __future__ import annotations

import struct
from email.message import EmailMessage

from mailflows.inbound.parse import parse_message


def _attr(level: int, type_: int, id_: int, data: bytes) -> bytes:
    return struct.pack("<BIL", level, (type_ << 16) | id_, len(data)) + data + struct.pack("<H", sum(data) & 0xFFFF)


def tnef(body: bytes, files: dict[str, bytes]) -> bytes:
    """A minimal TNEF stream, as Outlook writes one (signature, version, body, attachments)."""
    out = struct.pack("<IH", 0x223E9F78, 0x0001)
    out += _attr(1, 0x0008, 0x9006, struct.pack("<I", 0x00010000))
    out += _attr(1, 0x0002, 0x800C, body + b"\x00")
    for name, data in files.items():
        out += _attr(2, 0x0006, 0x9002, b"\x01\x00" + b"\xff" * 12)
        out += _attr(2, 0x0001, 0x8010, name.encode() + b"\x00")
        out += _attr(2, 0x0006, 0x800F, data)
    return out


def mail_with_winmail(payload: bytes) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Sam Okafor <sam.okafor@northwind.example>"
    msg["To"] = "handoff@northwind.example"
    msg["Subject"] = "Fwd: notes from Outlook"
    msg["Message-ID"] = "<tnef-1@northwind.example>"
    msg.set_content("Notes attached.")
    msg.add_attachment(payload, maintype="application", subtype="ms-tnef", filename="winmail.dat")
    return msg.as_bytes()


def test_winmail_dat_body_and_inner_notes_are_read() -> None:
    payload = tnef(b"Call recap from Outlook.", {"notes.txt": b"Ana: we need SSO before the June pilot."})
    parsed = parse_message(mail_with_winmail(payload))
    read = [m for m in parsed.messages if m.filename == "winmail.dat"]
    assert read, parsed.defects
    assert "Call recap from Outlook." in read[0].body
    assert "we need SSO before the June pilot" in read[0].body
    assert [a.read for a in parsed.attachments if a.filename == "winmail.dat"] == [True]


def test_a_broken_winmail_dat_is_listed_not_fatal() -> None:
    parsed = parse_message(mail_with_winmail(b"\x78\x9f\x3e\x22 not really tnef"))
    info = [a for a in parsed.attachments if a.filename == "winmail.dat"]
    assert info and info[0].read is False and "could not be read" in info[0].reason
