"""The SMTP intake as a real aiosmtpd server on loopback, driven by smtplib."""

from __future__ import annotations

import asyncio
import smtplib
import socket
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from agent.demo_deal import demo_files
from db.models import Inbound
from db.session import session_scope
from mailflows.inbound.smtp_intake import SPOOL_IN_MEMORY_BYTES
from tests.conftest import INBOX, REP, Harness, make_settings, start_harness, stop_harness


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


def large_forward(n: int, size: int) -> bytes:
    """A forward of about ``size`` bytes whose lines include SMTP's special ones: a lone dot, leading dots."""
    lines = [f"Line {i} of the call notes: the pilot covers the Leeds and Derby depots." for i in range(size // 72)]
    lines[len(lines) // 3] = "."
    lines[len(lines) // 2] = "..leading dots stay as written"
    msg = EmailMessage()
    msg["From"] = f"Sam Okafor <{REP}>"
    msg["To"] = INBOX
    msg["Subject"] = f"Fwd: call notes {n}"
    msg["Date"] = "Mon, 02 Mar 2026 09:00:00 +0000"
    msg["Message-ID"] = f"<large-{n}@northwind.example>"
    msg.set_content("\n".join(lines) + "\n", cte="7bit")
    return msg.as_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


async def test_a_large_message_is_spooled_and_stored_byte_for_byte(service: Harness) -> None:
    raw = large_forward(1, 3 * SPOOL_IN_MEMORY_BYTES)
    assert await service.send(raw) == {}
    (row,) = stored(service)
    assert row.raw == raw  # transparency undone: the lone dot and the leading dots are as the rep's client wrote them


async def test_a_message_over_the_limit_gets_552_and_the_connection_goes_on(tmp_path: Path) -> None:
    harness = await start_harness(make_settings(tmp_path, max_message_bytes=200_000), "sqlite")
    try:
        too_big, small = large_forward(1, 300_000), small_forward()

        def one_connection() -> tuple[tuple[int, bytes], dict[str, Any]]:
            with smtplib.SMTP("127.0.0.1", harness.port, timeout=30) as client:
                client.ehlo("client.example")
                client.mail(REP)
                client.rcpt(INBOX)
                refused = client.data(too_big)
                return refused, client.sendmail(REP, [INBOX], small)

        refused, accepted = await asyncio.to_thread(one_connection)
        assert refused[0] == 552 and accepted == {}
        assert [row.message_id for row in stored(harness)] == ["<fwd-1@northwind.example>"]
    finally:
        await stop_harness(harness)


async def test_a_line_longer_than_smtp_allows_gets_500_and_nothing_is_stored(service: Harness) -> None:
    raw = small_forward().replace(b"We spend two days", b"x" * 5000 + b" We spend two days")
    code, _ = await asyncio.to_thread(service.smtp_transaction, raw)
    assert code == 500
    assert stored(service) == []


async def test_a_connection_cut_during_data_stores_nothing(service: Harness) -> None:
    raw = large_forward(1, 200_000).replace(b"\r\n.", b"\r\n..")  # dot-stuffed, as a client sends it

    def cut_off() -> None:
        with socket.create_connection(("127.0.0.1", service.port), timeout=30) as sock:
            reader = sock.makefile("rb")
            assert reader.readline().startswith(b"220")
            for command in (b"EHLO client.example", f"MAIL FROM:<{REP}>".encode(), f"RCPT TO:<{INBOX}>".encode()):
                sock.sendall(command + b"\r\n")
                while (reply := reader.readline())[3:4] == b"-":  # a multi-line reply goes on
                    pass
                assert reply.startswith(b"250"), reply
            sock.sendall(b"DATA\r\n")
            assert reader.readline().startswith(b"354")
            sock.sendall(raw[: len(raw) // 2])  # and the client goes away without the final dot

    await asyncio.to_thread(cut_off)
    assert await service.send(small_forward()) == {}  # the server is still there, and took only this one
    assert [row.message_id for row in stored(service)] == ["<fwd-1@northwind.example>"]


async def test_large_messages_arriving_together_are_stored_in_turn_within_the_intake_budget(tmp_path: Path) -> None:
    size = 2 * SPOOL_IN_MEMORY_BYTES
    budget = size * 3 // 2  # room for one at a time
    harness = await start_harness(make_settings(tmp_path, intake_budget_bytes=budget), "sqlite")
    held: list[int] = []

    async def watch() -> None:
        while True:
            held.append(harness.intake.budget.in_flight)
            await asyncio.sleep(0.001)

    watcher = asyncio.create_task(watch())
    try:
        messages = [large_forward(n, size) for n in range(4)]
        answers = await asyncio.gather(*(harness.send(m) for m in messages))
        assert answers == [{}] * 4
        assert sorted(row.raw for row in stored(harness)) == sorted(messages)
        assert size <= max(held) <= budget  # each was read in within the budget, one at a time
    finally:
        watcher.cancel()
        await stop_harness(harness)
