"""Who may act on a handoff, and what a reply changes. The embedded service, over SMTP."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import select

from agent.demo_deal import demo_files
from agent.lookups import document_for
from db.models import Account, Event
from db.session import session_scope
from tests.conftest import REP, Harness, make_settings, reply_to_draft, start_harness, stop_harness

CSM_LINE = "CSM: Jordan Lee <jordan.lee@northwind.example>"


async def forward_some(service: Harness, n: int = 3) -> None:
    for path in demo_files()[:n]:
        await service.send(path.read_bytes())
    await service.drain()


def latest_draft(service: Harness):  # type: ignore[no-untyped-def]
    return service.outbox_to(REP)[-1]


def text_of(mail) -> str:  # type: ignore[no-untyped-def]
    return mail.get_body(preferencelist=("plain",)).get_content()


async def test_approve_from_someone_else_in_the_company_does_nothing_and_is_explained(service: Harness) -> None:
    await forward_some(service)
    draft = latest_draft(service)
    intruder = "mei.tanaka@northwind.example"
    reply = reply_to_draft(draft, f"{CSM_LINE}\napprove", sender=intruder, sender_name="Mei Tanaka")
    await service.send(reply, mail_from=intruder, rcpt_to=str(draft["Reply-To"]))
    await service.drain()
    assert service.outbox_to("jordan.lee@northwind.example") == []
    assert document_for(service.settings, "alderfinch.example").csm is None
    notice = service.outbox_to(intruder)
    assert notice and "Only the rep who owns this handoff" in text_of(notice[-1])


async def test_a_reply_to_an_unknown_token_changes_nothing(service: Harness) -> None:
    await forward_some(service)
    draft = latest_draft(service)
    reply = reply_to_draft(draft, "approve")
    forged = reply.replace(
        str(draft["Reply-To"]).encode(), b"handoff+00000000000000000000000000000000@northwind.example"
    )
    await service.send(forged, rcpt_to="handoff+00000000000000000000000000000000@northwind.example")
    await service.drain()
    assert "do not know" in text_of(service.outbox_to(REP)[-1])
    assert document_for(service.settings, "alderfinch.example").status == "draft_sent"


async def test_approve_inside_quoted_text_is_ignored(service: Harness) -> None:
    await forward_some(service)
    draft = latest_draft(service)
    reply = reply_to_draft(draft, f"{CSM_LINE}\nThanks, more later.")
    reply = reply.replace(b"> ", b"> approve\n> ", 1)
    await service.send(reply, rcpt_to=str(draft["Reply-To"]))
    await service.drain()
    assert service.outbox_to("jordan.lee@northwind.example") == []
    assert document_for(service.settings, "alderfinch.example").csm is not None


async def test_a_reply_answers_questions_and_gets_an_updated_draft_in_the_same_thread(service: Harness) -> None:
    await forward_some(service)
    draft = latest_draft(service)
    before = len(service.outbox_to(REP))
    answer = "Expansion: their Canadian stores could come on next year.\nMy read: Walter decides everything."
    await service.send(reply_to_draft(draft, answer), rcpt_to=str(draft["Reply-To"]))
    await service.drain()
    drafts = service.outbox_to(REP)
    assert len(drafts) == before + 1
    assert drafts[-1]["Subject"] == draft["Subject"]
    assert drafts[-1]["In-Reply-To"] is not None
    doc = document_for(service.settings, "alderfinch.example")
    assert any("Canadian" in item.text for item in doc.sections.expansion)


async def test_remove_drops_an_item_and_account_renames(service: Harness) -> None:
    await forward_some(service)
    draft = latest_draft(service)
    await service.send(reply_to_draft(draft, "Expansion: a kiosk pilot in Boise\n"), rcpt_to=str(draft["Reply-To"]))
    await service.drain()
    draft = latest_draft(service)
    await service.send(
        reply_to_draft(draft, "remove: kiosk pilot\naccount: Alder and Finch"), rcpt_to=str(draft["Reply-To"])
    )
    await service.drain()
    doc = document_for(service.settings, "alderfinch.example")
    assert not any("kiosk" in item.text for item in doc.sections.expansion)
    assert doc.account.name == "Alder and Finch"


async def test_new_material_after_delivery_starts_a_revision_that_reuses_the_invite_uid(service: Harness) -> None:
    await forward_some(service)
    draft = latest_draft(service)
    await service.send(reply_to_draft(draft, f"{CSM_LINE}\napprove"), rcpt_to=str(draft["Reply-To"]))
    await service.drain()
    assert document_for(service.settings, "alderfinch.example").status == "delivered"
    await service.send(demo_files()[5].read_bytes())
    await service.drain()
    assert document_for(service.settings, "alderfinch.example").status == "draft_sent"
    draft = latest_draft(service)
    await service.send(reply_to_draft(draft, "approve"), rcpt_to=str(draft["Reply-To"]))
    await service.drain()
    finals = service.outbox_to("jordan.lee@northwind.example")
    assert len(finals) == 2
    from icalendar import Calendar

    events = []
    for mail in finals:
        part = next(p for p in mail.walk() if p.get_content_type() == "text/calendar")
        events.append(next(iter(Calendar.from_ical(part.get_content()).walk("VEVENT"))))
    assert str(events[0]["UID"]) == str(events[1]["UID"])
    assert int(events[1]["SEQUENCE"]) == int(events[0]["SEQUENCE"]) + 1


async def test_the_roster_assigns_a_csm_when_nobody_is_named(tmp_path: Path) -> None:
    roster = tmp_path / "roster.toml"
    roster.write_text(
        '[[csm]]\nname = "Robin Park"\nemail = "robin.park@northwind.example"\ntimezone = "America/Chicago"\n'
    )
    harness = await start_harness(make_settings(tmp_path, csm_roster=roster), "sqlite")
    try:
        await forward_some(harness)
        doc = document_for(harness.settings, "alderfinch.example")
        assert doc.csm is not None and doc.csm.email == "robin.park@northwind.example"
    finally:
        await stop_harness(harness)


async def test_a_signed_contract_brings_reminders_before_the_deadline(tmp_path: Path) -> None:
    from agent import jobs

    harness = await start_harness(make_settings(tmp_path), "sqlite")
    harness.app.clock = lambda: datetime(2026, 4, 24, 18, tzinfo=UTC)
    ctx = {"app": harness.app, "job_try": 1}

    def reminders() -> list:  # type: ignore[type-arg]
        return [m for m in harness.outbox_to(REP) if "reminder" in str(m["X-Handoff-Kind"] or "")]

    try:
        await forward_some(harness, n=2)
        draft = latest_draft(harness)
        await harness.send(reply_to_draft(draft, "signed: 2026-04-24"), rcpt_to=str(draft["Reply-To"]))
        await harness.drain()
        await jobs.tick(ctx)
        assert reminders() == [], "no reminder right after a draft"
        # Due 48 h after the end of the signing day: Sun 26 Apr 17:00 UTC; the 24 h and 4 h points have passed.
        harness.app.clock = lambda: datetime(2026, 4, 26, 14, tzinfo=UTC)
        await jobs.tick(ctx)
        await jobs.tick(ctx)
        assert len(reminders()) == 1, "one reminder for the points passed, not one per tick"
        assert "is due" in text_of(reminders()[0])
        assert reminders()[0]["Reply-To"] == draft["Reply-To"], "a reply to the reminder reaches the handoff"
        harness.app.clock = lambda: datetime(2026, 4, 28, 9, tzinfo=UTC)
        await jobs.tick(ctx)
        assert len(reminders()) == 2 and "overdue" in text_of(reminders()[-1])
    finally:
        await stop_harness(harness)


async def test_a_calendar_reply_is_recorded_never_taken_as_material(service: Harness) -> None:
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"] = "Jordan Lee <jordan.lee@northwind.example>"
    msg["To"] = "handoff@northwind.example"
    msg["Subject"] = "Accepted: Handoff call"
    msg["Message-ID"] = "<accept-1@northwind.example>"
    msg.set_content("approve")
    ics = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n"
        "UID:handoff-1-abc@northwind.example\r\nDTSTAMP:20260601T090000Z\r\n"
        "ATTENDEE;PARTSTAT=ACCEPTED:mailto:jordan.lee@northwind.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    msg.add_alternative(ics, subtype="calendar", params={"method": "REPLY"})
    await service.send(msg.as_bytes(), mail_from="jordan.lee@northwind.example")
    await service.drain()
    with session_scope(service.app.engine) as session:
        assert list(session.exec(select(Account))) == []
        kinds = [e.kind for e in session.exec(select(Event))]
    assert "calendar_reply" in kinds
    assert service.outbox() == []


async def test_account_naming_another_of_the_reps_accounts_merges_them(service: Harness) -> None:
    from email.message import EmailMessage

    from agent.lookups import account_rows

    await forward_some(service, n=2)
    note = EmailMessage()
    note["From"] = "Sam Okafor <sam.okafor@northwind.example>"
    note["To"] = "handoff@northwind.example"
    note["Subject"] = "[Alder Finch Retail] call notes"
    note["Message-ID"] = "<note-merge-1@northwind.example>"
    note["Date"] = "Mon, 02 Mar 2026 09:00:00 +0000"
    note.set_content("Account: Alder Finch Retail\n\nTheir board wants a pilot readout before the holiday freeze.\n")
    await service.send(note.as_bytes())
    await service.drain()
    names = {row["name"] for row in account_rows(service.settings)}
    assert {"Alder Finch Retail", "Alder & Finch Outfitters"} <= names
    draft = [m for m in service.outbox_to(REP) if "Alder Finch Retail" in str(m["Subject"])][-1]
    await service.send(reply_to_draft(draft, "account: Alder & Finch Outfitters"), rcpt_to=str(draft["Reply-To"]))
    await service.drain()
    rows = {row["name"]: row for row in account_rows(service.settings)}
    live = [r for r in rows.values() if r["status"] != "merged"]
    assert len(live) == 1 and live[0]["name"] == "Alder & Finch Outfitters"
    doc = document_for(service.settings, "alderfinch.example")
    assert any(s.id == "<note-merge-1@northwind.example>" for s in doc.sources)
    assert len([s for s in doc.sources if "alderfinch" in (s.from_ or "")]) >= 2


async def test_automatic_mail_to_one_address_stops_at_the_daily_cap(tmp_path: Path) -> None:
    harness = await start_harness(make_settings(tmp_path, auto_replies_per_sender_per_day=2), "sqlite")
    try:
        await forward_some(harness, n=1)
        draft = latest_draft(harness)
        for n in range(4):
            await harness.send(reply_to_draft(draft, f"Expansion: idea number {n}"), rcpt_to=str(draft["Reply-To"]))
        await harness.drain()
        assert len(harness.outbox_to(REP)) == 2
    finally:
        await stop_harness(harness)
