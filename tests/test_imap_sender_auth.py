"""Who wrote a message fetched over IMAP, against a real Dovecot: the envelope is the topmost Return-Path only.

A topmost ``Return-Path: <>`` (and a message with none) is the null sender: stored,
read as automatic mail, never material. In verify mode a DNS that does not answer
leaves the message unseen in the mailbox for the next round, and it is stored once DNS
answers again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import select

from db.models import Account
from db.session import session_scope
from tests.dovecot import Dovecot
from tests.fakes.dns_server import dns_server
from tests.test_imap_intake import Mailbox, dovecot, forward, start  # noqa: F401  (fixtures)

__all__ = ["dovecot", "start"]


async def test_a_topmost_null_return_path_is_automatic_mail_whatever_lies_below(
    dovecot: Dovecot,  # noqa: F811
    start: Callable[..., Any],  # noqa: F811
) -> None:
    box = Mailbox(dovecot)
    await box.append(b"Return-Path: <>\r\n" + forward(1))  # the real Return-Path of the rep sits below
    await box.append(forward(2).replace(b"Return-Path: <sam.okafor@northwind.example>\r\n", b""))
    run = await start(dovecot)
    await run.until(lambda: len(run.stored()) == 2, "both messages stored")
    await run.stop()
    await run.app.drain()
    rows = run.stored()
    assert [(r.mail_from, r.auth_method, r.auth_address) for r in rows] == [("", "none", None)] * 2
    assert {r.disposition for r in run.stored()} == {"auto"}
    with session_scope(run.app.engine) as session:
        assert list(session.exec(select(Account))) == []


async def test_a_message_fetched_with_the_reps_return_path_is_the_reps(
    dovecot: Dovecot,  # noqa: F811
    start: Callable[..., Any],  # noqa: F811
) -> None:
    await Mailbox(dovecot).append(forward(1))
    run = await start(dovecot)
    await run.until(lambda: len(run.stored()) == 1, "the message stored")
    row = run.stored()[0]
    assert (row.channel, row.mail_from, row.auth_method, row.auth_address) == (
        "imap",
        "sam.okafor@northwind.example",
        "envelope",
        "sam.okafor@northwind.example",
    )


async def test_a_verdict_that_cannot_be_decided_yet_leaves_the_message_for_the_next_round(
    dovecot: Dovecot,  # noqa: F811
    start: Callable[..., Any],  # noqa: F811
) -> None:
    with dns_server() as dns:
        dns.silence("_dmarc.northwind.example")
        dns.silence("northwind.example")
        await Mailbox(dovecot).append(forward(1))
        run = await start(
            dovecot,
            sender_auth="verify",
            dns_nameservers="127.0.0.1",
            dns_port=dns.port,
            dns_timeout_s=0.3,
            sender_auth_timeout_s=0.6,
            imap_idle_s=1,
        )
        await run.until(lambda: run.intake.stats.deferred >= 1, "the verdict deferred")
        assert run.stored() == []
        flags = await Mailbox(dovecot).flags("INBOX")
        assert list(flags.values()) == [()], "left unseen in the inbox"
        dns.silent.clear()
        dns.add("_dmarc.northwind.example", "TXT", "v=DMARC1; p=reject")
        await run.until(lambda: len(run.stored()) == 1, "stored once DNS answers")
