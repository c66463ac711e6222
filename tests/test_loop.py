"""The whole loop over SMTP, on both backends: forwards -> draft -> reply -> approve -> CSM mail + invite."""

from __future__ import annotations

import json
from email.message import EmailMessage

import pytest
from icalendar import Calendar

from agent.demo_deal import demo_expected, demo_files, demo_rep_reply
from agent.errors import AccountNotFound
from agent.lookups import document_for
from tests.conftest import INBOX, REP, Harness, make_settings, reply_to_draft, start_harness, stop_harness

CSM = "jordan.lee@northwind.example"


def invite_of(mail) -> Calendar:  # type: ignore[no-untyped-def]
    parts = [p for p in mail.walk() if p.get_content_type() == "text/calendar"]
    assert parts, "the final mail has no text/calendar part"
    assert parts[0].get_param("method").upper() == "REQUEST"
    raw = parts[0].get_content()
    return Calendar.from_ical(raw if isinstance(raw, bytes) else raw.encode())


@pytest.mark.backends
async def test_forwards_reply_and_approve_deliver_the_document_and_invite(backend: Harness) -> None:
    for path in demo_files():
        assert await backend.send(path.read_bytes()) == {}
    await backend.drain()

    drafts = backend.outbox_to(REP)
    assert drafts, "no draft reached the rep"
    draft = drafts[-1]
    token_address = str(draft["Reply-To"])
    assert token_address.startswith("handoff+") and token_address.endswith("@northwind.example")
    assert draft["Auto-Submitted"].startswith("auto-")
    text = draft.get_body(preferencelist=("plain",)).get_content()
    assert "grow with us" in text, "the draft should ask about the missing expansion section"

    doc = document_for(backend.settings, "alderfinch.example")
    assert doc.account.domain == "alderfinch.example"
    assert "expansion" in doc.export()["missing"]
    assert len(doc.sources) >= len(demo_files())

    await backend.send(reply_to_draft(draft, demo_rep_reply()), rcpt_to=token_address)
    await backend.drain()
    doc = document_for(backend.settings, "alderfinch.example")
    assert doc.csm is not None and doc.csm.email == CSM
    assert doc.sections.rep_perspective, "the rep's read on the people should land in rep_perspective"
    assert doc.sections.expansion

    latest = backend.outbox_to(REP)[-1]
    await backend.send(reply_to_draft(latest, "Approve"), rcpt_to=str(latest["Reply-To"]))
    await backend.drain()

    finals = backend.outbox_to(CSM)
    assert len(finals) == 1
    final = finals[0]
    assert REP in str(final["Cc"]).lower()
    cal = invite_of(final)
    assert str(cal["METHOD"]) == "REQUEST"
    event = next(iter(cal.walk("VEVENT")))
    assert event.duration.total_seconds() == 15 * 60
    attendees = {str(a).lower() for a in event.get("ATTENDEE")}
    assert {f"mailto:{REP}", f"mailto:{CSM}"} <= attendees
    assert str(event["ORGANIZER"]).lower() == f"mailto:{INBOX}"
    assert document_for(backend.settings, "alderfinch.example").status == "delivered"


@pytest.mark.backends
async def test_a_replayed_approve_sends_nothing_twice(backend: Harness) -> None:
    for path in demo_files():
        await backend.send(path.read_bytes())
    await backend.drain()
    draft = backend.outbox_to(REP)[-1]
    approve = reply_to_draft(draft, "CSM: Jordan Lee <jordan.lee@northwind.example>\napprove")
    await backend.send(approve, rcpt_to=str(draft["Reply-To"]))
    await backend.drain()
    await backend.send(approve, rcpt_to=str(draft["Reply-To"]))  # the same message again
    await backend.drain()
    assert len(backend.outbox_to(CSM)) == 1


@pytest.mark.backends
async def test_a_duplicate_message_id_is_stored_and_processed_once(backend: Harness) -> None:
    first = demo_files()[0].read_bytes()
    await backend.send(first)
    await backend.send(first)
    await backend.drain()
    doc = document_for(backend.settings, "alderfinch.example")
    assert len({s.id for s in doc.sources}) == len(doc.sources)
    from sqlmodel import select

    from db.models import Inbound
    from db.session import session_scope

    with session_scope(backend.app.engine) as session:
        assert len(list(session.exec(select(Inbound)))) == 1


async def test_a_burst_of_forwards_gets_one_draft(tmp_path) -> None:  # type: ignore[no-untyped-def]
    harness = await start_harness(make_settings(tmp_path, debounce_s=1.0), "sqlite")
    try:
        for path in demo_files()[:4]:
            await harness.send(path.read_bytes())
        await harness.drain()
        assert len(harness.outbox_to(REP)) == 1
    finally:
        await stop_harness(harness)


async def test_approve_without_a_csm_is_refused_with_the_reason(service: Harness) -> None:
    for path in demo_files()[:3]:
        await service.send(path.read_bytes())
    await service.drain()
    draft = service.outbox_to(REP)[-1]
    await service.send(reply_to_draft(draft, "approve"), rcpt_to=str(draft["Reply-To"]))
    await service.drain()
    latest = service.outbox_to(REP)[-1]
    assert "no CSM" in latest.get_body(preferencelist=("plain",)).get_content()
    assert document_for(service.settings, "alderfinch.example").status != "delivered"


def test_the_demo_deal_expectations_name_the_csm() -> None:
    expected = demo_expected()
    assert expected["account"]["domain"] == "alderfinch.example"
    assert json.dumps(expected)


def _forward(subject: str, note: str, sender: str, text: str) -> bytes:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = f"Sam Okafor <{REP}>", INBOX, f"Fwd: {subject}"
    mail["Date"], mail["Message-ID"] = (
        "Tue, 25 Aug 2026 17:40:00 +0000",
        f"<{abs(hash(subject + sender))}@northwind.example>",
    )
    mail.set_content(
        f"{note}\n\n---------- Forwarded message ---------\nFrom: {sender}\nDate: Tue, Aug 25, 2026 at 3:02 PM\n"
        f"Subject: {subject}\nTo: Sam Okafor <{REP}>\n\n{text}\n"
    )
    return bytes(mail)


async def test_a_thread_with_the_customers_outsourced_it_joins_the_account_our_words_name(service: Harness) -> None:
    await service.send(demo_files()[0].read_bytes())
    await service.drain()
    it = _forward(
        "Re: Architecture - Alder & Finch", "Technical thread with Jonathan, their outsourced IT.",
        "Jonathan Vera <jvera@ridgeline-it.example>",
        "Sam, as Alderfinch's IT provider: the ERP is SAP Business One on HANA, hosted by us in Tacoma.",
    )  # fmt: skip
    await service.send(it)
    await service.drain()
    doc = document_for(service.settings, "alderfinch.example")
    assert any("jvera@ridgeline-it.example" in (s.from_ or "") for s in doc.sources)
    with pytest.raises(AccountNotFound):
        document_for(service.settings, "ridgeline-it.example")
    # only our words move mail: a new customer's own mail naming Alderfinch is its own account
    other = _forward(
        "Reporting", "New inbound from Kestrel.", "Mia Holt <mia.holt@kestrel-freight.example>",
        "Hi Sam, Alderfinch told us about you; we run 40 trucks and need better reporting.",
    )  # fmt: skip
    await service.send(other)
    await service.drain()
    assert document_for(service.settings, "kestrel-freight.example").account.domain == "kestrel-freight.example"
