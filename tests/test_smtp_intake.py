"""The SMTP intake as a real aiosmtpd server on loopback, driven by smtplib."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import pytest
from sqlmodel import select

from agent.demo_deal import demo_files
from db.models import Inbound
from db.session import session_scope
from tests.conftest import INBOX, REP, Harness


def small_forward(sender: str = REP, message_id: str = "<fwd-1@northwind.example>") -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Sam Okafor <{sender}>"
    msg["To"] = INBOX
    msg["Subject"] = "Fwd: hello"
    msg["Date"] = "Mon, 02 Mar 2026 09:00:00 +0000"
    msg["Message-ID"] = message_id
    msg.set_content(
        "FYI\n\n---------- Forwarded message ---------\nFrom: Ana Ruiz <ana.ruiz@customer.example>\n"
        "Date: Fri, 27 Feb 2026 at 10:00\nSubject: hello\nTo: Sam Okafor <sam.okafor@northwind.example>\n\n"
        "We spend two days a month reconciling invoices by hand.\n\nAna\n"
    )
    return msg.as_bytes()


def stored(harness: Harness) -> list[Inbound]:
    with session_scope(harness.app.engine) as session:
        return list(session.exec(select(Inbound)))


async def test_a_sender_outside_the_company_domains_is_refused_and_nothing_is_stored(service: Harness) -> None:
    with pytest.raises(smtplib.SMTPSenderRefused) as refused:
        await service.send(small_forward(), mail_from="someone@elsewhere.example")
    assert refused.value.smtp_code == 550
    assert stored(service) == []


async def test_an_unknown_recipient_is_refused(service: Harness) -> None:
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        await service.send(small_forward(), rcpt_to="sales@northwind.example")
    assert stored(service) == []


async def test_a_company_sender_gets_250_only_with_the_message_stored(service: Harness) -> None:
    assert await service.send(small_forward()) == {}
    rows = stored(service)
    assert len(rows) == 1 and rows[0].message_id == "<fwd-1@northwind.example>"
    assert b"reconciling invoices" in rows[0].raw


async def test_the_same_message_id_twice_is_stored_once(service: Harness) -> None:
    await service.send(small_forward())
    await service.send(small_forward())
    await service.drain()
    assert len(stored(service)) == 1


async def test_a_database_that_is_down_gives_451_and_the_client_may_retry(service: Harness) -> None:
    from sqlalchemy import create_engine

    writer = service.intake.writer
    healthy = writer.engine
    writer.engine = create_engine("sqlite:////nonexistent-dir/handoff.db")
    try:
        with pytest.raises(smtplib.SMTPDataError) as failed:
            await service.send(small_forward())
        assert failed.value.smtp_code == 451
    finally:
        writer.engine = healthy
    assert await service.send(small_forward()) == {}
    assert len(stored(service)) == 1


async def test_the_null_sender_of_a_bounce_is_accepted_and_never_answered(service: Harness) -> None:
    bounce = EmailMessage()
    bounce["From"] = "Mail Delivery System <mailer-daemon@mx.northwind.example>"
    bounce["To"] = INBOX
    bounce["Subject"] = "Undelivered Mail Returned to Sender"
    bounce["Message-ID"] = "<bounce-1@mx.northwind.example>"
    bounce["Auto-Submitted"] = "auto-replied"
    bounce.set_content("approve\n")
    assert await service.send(bounce.as_bytes(), mail_from="") == {}
    await service.drain()
    assert service.outbox() == []
    assert stored(service)[0].disposition == "auto"


async def test_all_demo_forwards_are_accepted(service: Harness) -> None:
    for path in demo_files():
        assert await service.send(path.read_bytes()) == {}
    assert len(stored(service)) == len(demo_files())
