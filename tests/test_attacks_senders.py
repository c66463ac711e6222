"""Issue 14, attacks 2 and 3, and the intake's own answers, through real SMTP sessions to the running intake.

2. The null sender (``MAIL FROM:<>``) with From the rep: accepted (bounces exist) and
   read only as automatic mail: no account, no draft, no command, no answer.
3. In relay mode an Authentication-Results header is believed only on a connection
   from HANDOFF_TRUSTED_RELAYS (the client bound to 127.0.0.2); the same header written
   by a sender connecting from 127.0.0.3 is forged and ignored.
And: verify mode's DNS timing out gives ``451 4.7.5`` with nothing stored; rows stored
before sender authentication are read as the envelope rule allows; the start-up log
names the mode.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlmodel import select

from agent.trust import stored_verdict
from db.models import Account, Inbound
from db.session import session_scope
from tests.attack_deal import (
    CSM,
    CSM_LINE,
    EVIL_CSM,
    assert_untouched,
    finals,
    mail,
    material,
    name_csm,
    open_deal,
)
from tests.conftest import REP, Harness, make_settings, reply_to_draft, start_harness, stop_harness
from tests.fakes.dns_server import dns_server

OURS = "mx.northwind.example"
RELAY = "127.0.0.2"
OUTSIDER = "127.0.0.3"
PASS = f"{OURS}; dkim=pass header.d=northwind.example; dmarc=pass (p=reject) header.from=northwind.example"


async def test_the_null_sender_never_brings_material(service: Harness) -> None:
    for raw in material():
        assert await service.send(raw, mail_from="") == {}  # accepted: bounces must be
    await service.drain()
    with session_scope(service.app.engine) as session:
        assert list(session.exec(select(Account))) == []
        assert {r.disposition for r in session.exec(select(Inbound))} == {"auto"}
    assert service.outbox() == []


async def test_the_null_sender_never_commands_and_is_never_answered(service: Harness) -> None:
    draft = await name_csm(service, await open_deal(service))
    before = len(service.outbox())
    await service.send(reply_to_draft(draft, "approve"), mail_from="", rcpt_to=str(draft["Reply-To"]))
    await service.send(reply_to_draft(draft, f"{EVIL_CSM}\napprove"), mail_from="", rcpt_to=str(draft["Reply-To"]))
    await service.drain()
    assert_untouched(service)
    assert len(service.outbox()) == before, "the null sender is never answered"


@pytest.fixture
async def relayed(tmp_path: Path) -> AsyncIterator[Harness]:
    settings = make_settings(tmp_path, trusted_authserv_id=OURS, trusted_relays=RELAY)
    harness = await start_harness(settings, "sqlite")
    try:
        yield harness
    finally:
        await stop_harness(harness)


def _with_results(raw: bytes, results: str = PASS) -> bytes:
    return f"Authentication-Results: {results}\r\n".encode() + raw


async def _relayed_deal(h: Harness) -> object:
    for raw in material():
        await h.send(_with_results(raw), source=RELAY)
    await h.drain()
    drafts = h.outbox_to(REP)
    assert drafts, "material through the trusted relay with a DMARC pass makes a draft"
    draft = drafts[-1]
    await h.send(_with_results(reply_to_draft(draft, CSM_LINE)), source=RELAY, rcpt_to=str(draft["Reply-To"]))
    await h.drain()
    return h.outbox_to(REP)[-1]


async def test_an_authentication_results_header_written_by_the_sender_is_not_believed(relayed: Harness) -> None:
    draft = await _relayed_deal(relayed)
    reply = _with_results(reply_to_draft(draft, f"{EVIL_CSM}\napprove"))  # type: ignore[arg-type]
    approve = _with_results(reply_to_draft(draft, "approve"))  # type: ignore[arg-type]
    for raw in (reply, approve):
        await relayed.send(raw, source=OUTSIDER, rcpt_to=str(draft["Reply-To"]))  # type: ignore[index]
    await relayed.drain()
    assert_untouched(relayed)
    with session_scope(relayed.app.engine) as session:
        forged = list(session.exec(select(Inbound).where(Inbound.peer_ip == OUTSIDER)))
    assert len(forged) == 2 and all(r.auth_suspicious and "forged" in (r.auth_reason or "") for r in forged)


async def test_a_header_from_the_trusted_relay_that_does_not_pass_is_not_believed(relayed: Harness) -> None:
    draft = await _relayed_deal(relayed)
    failed = f"{OURS}; dmarc=fail (p=reject) header.from=northwind.example"
    raw = _with_results(_with_results(reply_to_draft(draft, "approve"), PASS), failed)  # type: ignore[arg-type]
    await relayed.send(raw, source=RELAY, rcpt_to=str(draft["Reply-To"]))  # type: ignore[index]
    await relayed.drain()
    assert_untouched(relayed)


async def test_an_approve_through_the_trusted_relay_with_a_pass_delivers(relayed: Harness) -> None:
    draft = await _relayed_deal(relayed)
    await relayed.send(
        _with_results(reply_to_draft(draft, "approve")),  # type: ignore[arg-type]
        source=RELAY,
        rcpt_to=str(draft["Reply-To"]),  # type: ignore[index]
    )
    await relayed.drain()
    assert len(relayed.outbox_to(CSM)) == 1 and len(finals(relayed)) == 1


async def test_verify_mode_answers_451_and_stores_nothing_while_dns_does_not_answer(tmp_path: Path) -> None:
    with dns_server() as dns:
        dns.silence("northwind.example")
        dns.silence("_dmarc.northwind.example")
        dns.silence("sel._domainkey.northwind.example")
        settings = make_settings(
            tmp_path,
            sender_auth="verify",
            dns_nameservers="127.0.0.1",
            dns_port=dns.port,
            dns_timeout_s=0.5,
            sender_auth_timeout_s=1.0,
        )
        harness = await start_harness(settings, "sqlite")
        try:
            raw = mail("Notes", subject="[Kestrel Freight] notes", extra={"DKIM-Signature": "v=1; d=x"}).as_bytes()
            code, text = await _transaction(harness, raw)
            assert code == 451 and text.startswith("4.7.5"), (code, text)
            with session_scope(harness.app.engine) as session:
                assert list(session.exec(select(Inbound))) == []
        finally:
            await stop_harness(harness)


async def _transaction(h: Harness, raw: bytes) -> tuple[int, str]:
    import asyncio

    return await asyncio.to_thread(h.smtp_transaction, raw)


def test_mail_stored_before_sender_authentication_is_read_by_the_envelope_rule(tmp_path: Path) -> None:
    raw = mail("approve", subject="Re: draft").as_bytes()
    settings = make_settings(tmp_path)
    same = stored_verdict(Inbound(message_id="<a@x>", raw=raw, mail_from=REP, channel="smtp"), settings)
    other = stored_verdict(Inbound(message_id="<b@x>", raw=raw, mail_from="m@northwind.example"), settings)
    null = stored_verdict(Inbound(message_id="<c@x>", raw=raw, mail_from="", channel="smtp"), settings)
    ingest = stored_verdict(Inbound(message_id="<d@x>", raw=raw, mail_from="", channel="ingest"), settings)
    assert (same.address, other.address, null.address, ingest.address) == (REP, None, None, REP)
    assert other.suspicious and "stored before sender authentication" in other.reason
    relay = make_settings(tmp_path, trusted_authserv_id=OURS, trusted_relays=RELAY)
    assert stored_verdict(Inbound(message_id="<a@x>", raw=raw, mail_from=REP, channel="smtp"), relay).address is None


async def test_the_start_up_log_names_the_sender_authentication_mode(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import asyncio

    from agent.service import serve

    settings = make_settings(tmp_path, trusted_authserv_id=OURS, trusted_relays=RELAY)
    ready = asyncio.Event()
    caplog.set_level(logging.INFO, logger="agent.service")
    task = asyncio.create_task(serve(settings, ready=lambda _port: ready.set(), shutdown_s=1))
    try:
        await asyncio.wait_for(ready.wait(), timeout=30)
        assert any("sender authentication: relay" in r.getMessage() for r in caplog.records)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
