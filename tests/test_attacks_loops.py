"""Issue 14, attacks 6 and 7, through real SMTP sessions to the running intake.

6. An auto-responder answering every draft (no auto-reply header, the same or a
   changing text) is answered at most once per text and at most ``LOOP_BUDGET`` times a
   day, never uses up the rep's daily cap, and the rep's own commands are always
   answered; auto-replies known by their headers or wording are never answered.
7. A reused Message-ID with other bytes is stored and read as a new message; the same
   bytes again add nothing.
"""

from __future__ import annotations

import asyncio
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlmodel import select

from agent.lookups import document_for
from agent.loops import LOOP_BUDGET
from db.models import Inbound
from db.session import session_scope
from tests.attack_deal import CUSTOMER, assert_untouched, latest_draft, mail, name_csm, open_deal, text_of
from tests.conftest import COMPANY, REP, Harness, make_settings, reply_to_draft, start_harness, stop_harness


def _auto_answer(draft: EmailMessage, text: str, **headers: str) -> bytes:
    msg = mail(text, subject="Re: " + str(draft["Subject"]), to=str(draft["Reply-To"]), extra=headers)
    msg["In-Reply-To"] = draft["Message-ID"]
    return msg.as_bytes()


async def _run_responder(h: Harness, text_for: object, rounds: int = 60) -> int:
    """Answer every message the rep gets, as a broken auto-responder would, until nothing new comes."""
    answered: set[str] = set()
    for n in range(rounds):
        fresh = [m for m in h.outbox_to(REP) if str(m["Message-ID"]) not in answered]
        if not fresh:
            return n
        for message in fresh:
            answered.add(str(message["Message-ID"]))
            reply_to = str(message["Reply-To"] or message["From"])
            await h.send(_auto_answer(message, text_for(n)), rcpt_to=reply_to)  # type: ignore[operator]
        await h.drain()
    return rounds


async def test_an_auto_responder_saying_the_same_thing_stops_at_once_and_commands_still_work(tmp_path: Path) -> None:
    h = await start_harness(make_settings(tmp_path, auto_replies_per_sender_per_day=5), "sqlite")
    try:
        await name_csm(h, await open_deal(h))
        before = len(h.outbox_to(REP))
        await _run_responder(h, lambda _n: "Thanks, got it.")
        assert len(h.outbox_to(REP)) - before <= 2, "a loop is answered at most once, and the rep told once"
        draft = latest_draft(h)
        await h.send(reply_to_draft(draft, "remove: Optym"), rcpt_to=str(draft["Reply-To"]))
        await h.drain()
        assert "'Optym'" in text_of(latest_draft(h)), "the rep's command is answered"
        assert_untouched(h)
    finally:
        await stop_harness(h)


async def test_an_auto_responder_with_a_changing_text_stops_within_the_budget(tmp_path: Path) -> None:
    h = await start_harness(make_settings(tmp_path), "sqlite")
    try:
        await name_csm(h, await open_deal(h))
        before = len(h.outbox_to(REP))
        await _run_responder(h, lambda n: f"Ticket {n * 7919} opened: our team will look at your request {n}.")
        sent = len(h.outbox_to(REP)) - before
        assert sent <= LOOP_BUDGET + 1 < h.settings.auto_replies_per_sender_per_day
        draft = latest_draft(h)
        await h.send(reply_to_draft(draft, "status"), rcpt_to=str(draft["Reply-To"]))
        await h.drain()
        assert len(h.outbox_to(REP)) - before == sent + 1, "the rep's command is answered"
    finally:
        await stop_harness(h)


async def test_ten_identical_plain_replies_give_at_most_one_outgoing_message(service: Harness) -> None:
    draft = await name_csm(service, await open_deal(service))
    before = len(service.outbox())
    raw = reply_to_draft(draft, "Thanks, got it.")
    for n in range(10):
        copy = raw.replace(b"Message-ID: <", f"Message-ID: <copy{n}.".encode(), 1)
        await service.send(copy, rcpt_to=str(draft["Reply-To"]))
    await service.drain()
    assert len(service.outbox()) - before <= 1


async def test_a_reply_that_changes_nothing_gets_no_new_draft(service: Harness) -> None:
    draft = await name_csm(service, await open_deal(service))
    answer = "Pain points: dispatchers plan routes by hand every morning."
    await service.send(reply_to_draft(draft, answer), rcpt_to=str(draft["Reply-To"]))
    await service.drain()
    count = len(service.outbox_to(REP))
    draft = latest_draft(service)
    await service.send(reply_to_draft(draft, answer + "!"), rcpt_to=str(draft["Reply-To"]))
    await service.drain()
    assert len(service.outbox_to(REP)) == count


AUTO_REPLIES = {
    "Auto-Submitted": ({"Auto-Submitted": "auto-replied"}, "Thanks, got it."),
    "X-Autoreply": ({"X-Autoreply": "yes"}, "Thanks, got it."),
    "Precedence": ({"Precedence": "auto_reply"}, "Thanks, got it."),
    "out-of-office wording": ({}, "I am out of the office until Monday with no access to email."),
}


@pytest.mark.parametrize(("headers", "text"), AUTO_REPLIES.values(), ids=AUTO_REPLIES.keys())
async def test_auto_replies_are_never_answered(service: Harness, headers: dict[str, str], text: str) -> None:
    draft = await name_csm(service, await open_deal(service))
    before = len(service.outbox())
    await service.send(_auto_answer(draft, text, **headers), rcpt_to=str(draft["Reply-To"]))
    subject = mail(text, subject="Automatic reply: " + str(draft["Subject"]), to=str(draft["Reply-To"]))
    await service.send(subject.as_bytes(), rcpt_to=str(draft["Reply-To"]))
    await service.drain()
    assert len(service.outbox()) == before


async def test_a_reused_message_id_with_new_content_is_stored_and_read(service: Harness) -> None:
    await open_deal(service)
    reused = mail(
        "Kestrel update: Dana says their Canadian depots in Calgary could come on next spring.",
        subject="[Kestrel Freight] Canada",
        message_id=f"<kestrel-note@{COMPANY}>",  # the call note's Message-ID, other content
    ).as_bytes()
    code, text = await asyncio.to_thread(service.smtp_transaction, reused)
    assert code == 250 and "queued" in text, text
    code, text = await asyncio.to_thread(service.smtp_transaction, reused)
    assert code == 250 and "already have it" in text, "the same bytes again add nothing"
    await service.drain()
    with session_scope(service.app.engine) as session:
        rows = list(session.exec(select(Inbound).where(Inbound.message_id == f"<kestrel-note@{COMPANY}>")))
    assert len(rows) == 2 and all(r.disposition == "material" for r in rows)
    doc = document_for(service.settings, CUSTOMER)
    assert any("Calgary" in (s.subject or "") or "Canad" in (s.subject or "") for s in doc.sources)


async def test_a_repeated_answer_that_got_a_draft_is_muted_quietly_and_the_next_draft_says_so(
    service: Harness,
) -> None:
    draft = await name_csm(service, await open_deal(service))
    before = len(service.outbox())
    raw = reply_to_draft(draft, "Expansion: their Calgary depots could come on next spring.")
    for n in range(10):
        copy = raw.replace(b"Message-ID: <", f"Message-ID: <again{n}.".encode(), 1)
        await service.send(copy, rcpt_to=str(draft["Reply-To"]))
    await service.drain()
    after = service.outbox_to(REP)
    assert len(service.outbox()) - before == 1, "the first copy changed the document: one draft, then silence"
    drafts_before = len(after)
    await service.send(reply_to_draft(latest_draft(service), "status"), rcpt_to=str(draft["Reply-To"]))
    await service.drain()
    assert len(service.outbox_to(REP)) == drafts_before + 1
    assert "kept arriving" in text_of(latest_draft(service))
    assert "kept arriving" not in text_of(after[-1])


async def test_a_retried_job_decides_a_repeat_as_its_first_try_did(service: Harness) -> None:
    from agent import loops
    from db.models import Account

    await open_deal(service)
    now = service.app.now()
    thanks = loops.text_print("Thanks, got it.")
    with session_scope(service.app.engine) as session:
        account_id = session.exec(select(Account)).one().id
        assert account_id is not None
        assert loops.quiet_reply(session, account_id, "<m1@x>", thanks, now) is None
        loops.record_reply(session, account_id, "<m1@x>", thanks, replied=False, at=now)
        first = loops.quiet_reply(session, account_id, "<m2@x>", thanks, now)
        again = loops.quiet_reply(session, account_id, "<m2@x>", thanks, now)  # the job ran again after a crash
        later = loops.quiet_reply(session, account_id, "<m3@x>", thanks, now)
    assert first == again == loops.Quiet("repeat", loops.MUTED_NOTE.format(what="the same text each time"))
    assert later == loops.Quiet("repeat", None)
