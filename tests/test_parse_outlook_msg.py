"""Outlook .msg attachments are read like attached .eml files, not just listed."""

from __future__ import annotations

from email.message import EmailMessage

from mailflows.inbound.outlook_msg import msg_to_rfc822
from mailflows.inbound.parse import parse_message
from tests.fakes.cfb import outlook_msg

HEADERS = (
    "Date: Tue, 03 Mar 2026 09:15:00 -0500\r\n"
    "Message-ID: <BL0PR-msg-1@customer.example>\r\n"
    "To: Sam Okafor <sam.okafor@northwind.example>\r\n"
)


def forward_with(msg_bytes: bytes, filename: str = "Budget approval.msg") -> bytes:
    outer = EmailMessage()
    outer["From"] = "Sam Okafor <sam.okafor@northwind.example>"
    outer["To"] = "handoff@northwind.example"
    outer["Subject"] = "Fwd: Budget approval"
    outer["Message-ID"] = "<fwd-msg-1@northwind.example>"
    outer["Date"] = "Tue, 03 Mar 2026 10:00:00 -0500"
    outer.set_content("Ana's approval, dragged out of Outlook.")
    outer.add_attachment(msg_bytes, maintype="application", subtype="vnd.ms-outlook", filename=filename)
    return outer.as_bytes()


def test_an_attached_msg_becomes_a_message_with_its_author_date_and_body() -> None:
    data = outlook_msg(
        subject="Budget approval",
        body="Sam,\n\nThe $85K is approved for year one. We need SSO before the June pilot.\n\nAna\n",
        sender_name="Ana Ruiz",
        sender_email="ana.ruiz@customer.example",
        headers=HEADERS,
        recipients=[("Sam Okafor", "sam.okafor@northwind.example")],
        attachments={"pilot-notes.txt": b"Pilot stores: Boise, Bend."},
    )
    parsed = parse_message(forward_with(data))
    inner = [m for m in parsed.messages if m.sender and m.sender.email == "ana.ruiz@customer.example"]
    assert inner, [str(m.sender) for m in parsed.messages]
    assert "SSO before the June pilot" in inner[0].body
    assert inner[0].id == "<BL0PR-msg-1@customer.example>"
    assert inner[0].date is not None and inner[0].date.isoformat().startswith("2026-03-03T09:15")
    assert any("Boise" in m.body for m in parsed.messages), "the .msg's own attachment is read too"
    assert [a.read for a in parsed.attachments if a.filename.endswith(".msg")] == [True]


def test_a_msg_without_transport_headers_still_names_its_sender() -> None:
    data = outlook_msg(
        subject="Hi", body="Short note.", sender_name="Ana Ruiz", sender_email="ana.ruiz@customer.example"
    )
    assert b"From: Ana Ruiz <ana.ruiz@customer.example>" in msg_to_rfc822(data)


def test_a_damaged_msg_is_listed_as_unread_and_parsing_goes_on() -> None:
    parsed = parse_message(forward_with(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 truncated"))
    info = [a for a in parsed.attachments if a.filename.endswith(".msg")]
    assert info and not info[0].read and "could not be read" in info[0].reason
    assert parsed.outer.body.startswith("Ana's approval")
