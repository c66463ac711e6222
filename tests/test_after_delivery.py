"""A handoff lives after approve: changes reach the CSM as version 2 and an update of the same event.

Everything goes through real SMTP sessions to the running service; the invites are read back
with the icalendar library. The deal is written for these tests (Marlow & Crane Opticians);
the CSM hand-over uses the replies real clients sent (tests/fixtures/clients).
"""

from __future__ import annotations

import email.utils
import json
import re
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar, Event
from sqlmodel import select
from typer.testing import CliRunner

from agent import jobs
from agent.cli import app as cli
from agent.document_store import full_document
from agent.lookups import document_for
from agent.web import history
from db import repo
from db.models import Account
from db.session import session_scope
from tests.conftest import COMPANY, INBOX, REP, Harness, make_settings, reply_to_draft, start_harness, stop_harness
from tests.test_real_clients import CLIENTS, FIXTURES, FORWARDS, MANIFEST_VERSIONS, as_reply_to

CSM = "jordan.lee@northwind.example"
CSM_LINE = f"CSM: Jordan Lee <{CSM}>"
DOMAIN = "marlowcrane.example"
CUSTOMER = [
    (
        "Tomasz Wierzbicki",
        "tomasz.wierzbicki",
        "Thu, 05 Mar 2026 16:20:00 +0000",
        "Re: scheduling pilot",
        "Hi Sam,\n\nOur 41 branches still book eye tests in paper diaries, and we lose about 300 appointments "
        "a month to double bookings. I need every branch on the new calendar by the end of September.\n\n"
        "You promised the Optix connector would be live by 1 July; I am holding you to that.\n\n"
        "Tomasz Wierzbicki\nHead of Retail Operations, Marlow & Crane Opticians",
    ),
    (
        "Aoife Brennan",
        "aoife.brennan",
        "Fri, 06 Mar 2026 09:05:00 +0000",
        "Re: budget for the scheduling pilot",
        "Sam,\n\nThe budget for year one is 60,000 GBP, signed off by the board. We also looked at Lumen "
        "Scheduling, but it could not read our patient records.\n\nSuccess for me in 90 days is no-shows "
        "down by a quarter.\n\nAoife Brennan\nChief Financial Officer, Marlow & Crane Opticians",
    ),
]


def forward(n: int) -> bytes:
    """The rep forwards one customer mail with a note, as a desktop client does."""
    name, local, date, subject, body = CUSTOMER[n]
    msg = EmailMessage()
    msg["From"] = email.utils.formataddr(("Sam Okafor", REP))
    msg["To"] = INBOX
    msg["Subject"] = f"Fwd: {subject}"
    msg["Date"] = email.utils.formatdate(localtime=False)
    msg["Message-ID"] = email.utils.make_msgid(domain=COMPANY)
    msg.set_content(
        "For the Marlow & Crane handoff.\n\nSam\n\n---------- Forwarded message ---------\n"
        f"From: {name} <{local}@{DOMAIN}>\nDate: {date}\nSubject: {subject}\nTo: Sam Okafor <{REP}>\n\n{body}\n"
    )
    return msg.as_bytes()


def later_forward() -> bytes:
    """New customer mail after delivery."""
    msg = EmailMessage()
    msg["From"] = email.utils.formataddr(("Sam Okafor", REP))
    msg["To"] = INBOX
    msg["Subject"] = "Fwd: Re: the Glasgow branches"
    msg["Date"] = email.utils.formatdate(localtime=False)
    msg["Message-ID"] = email.utils.make_msgid(domain=COMPANY)
    msg.set_content(
        "One more from Tomasz, after the contract.\n\n---------- Forwarded message ---------\n"
        f"From: Tomasz Wierzbicki <tomasz.wierzbicki@{DOMAIN}>\nDate: Mon, 16 Mar 2026 11:40:00 +0000\n"
        f"Subject: Re: the Glasgow branches\nTo: Sam Okafor <{REP}>\n\nSam,\n\nThe six Glasgow branches "
        "will need Gaelic appointment reminders before they can switch, and the risk is that their "
        "union blocks the rota change.\n\nTomasz Wierzbicki\nHead of Retail Operations, Marlow & Crane Opticians\n"
    )
    return msg.as_bytes()


def text_of(mail: EmailMessage) -> str:
    return mail.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]


def html_of(mail: EmailMessage) -> str:
    return mail.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]


def markdown_of(mail: EmailMessage) -> str:
    return next(p for p in mail.walk() if (p.get_filename() or "").endswith(".md")).get_content()  # type: ignore[no-any-return]


def invite_of(mail: EmailMessage) -> tuple[str, Event, str]:
    """(METHOD, the VEVENT, the raw calendar) of the inline text/calendar part; its MIME method must agree."""
    part = next(p for p in mail.walk() if p.get_content_type() == "text/calendar")
    raw = part.get_content()
    cal = Calendar.from_ical(raw)
    method = str(cal["METHOD"])
    assert part.get_param("method") == method
    return method, next(iter(cal.walk("VEVENT"))), raw


def attendees(event: Event) -> dict[str, str]:
    found = event["ATTENDEE"] if isinstance(event["ATTENDEE"], list) else [event["ATTENDEE"]]
    return {str(a).lower().removeprefix("mailto:"): str(a.params.get("CN", "")) for a in found}


async def reply(h: Harness, text: str, to: EmailMessage | None = None) -> EmailMessage:
    """The rep replies to the newest draft (or ``to``); returns the mail replied to."""
    draft = to or h.outbox_to(REP)[-1]
    await h.send(reply_to_draft(draft, text), rcpt_to=str(draft["Reply-To"]))
    await h.drain()
    return draft


async def delivered_v1(h: Harness) -> EmailMessage:
    for n in range(len(CUSTOMER)):
        await h.send(forward(n))
    await h.drain()
    await reply(h, f"{CSM_LINE}\napprove")
    (final,) = h.outbox_to(CSM)
    return final


def snapshots(h: Harness, account: str = DOMAIN) -> list[dict[str, Any]]:
    settings = h.app.settings
    env = {
        "HANDOFF_DATABASE_URL": settings.database_url,
        "HANDOFF_INBOX_ADDRESS": settings.inbox_address,
        "HANDOFF_COMPANY_DOMAINS": ",".join(settings.own_domains),
    }
    listed = CliRunner().invoke(cli, ["snapshots", account, "--format", "json"], env=env)
    assert listed.exit_code == 0, listed.output
    return json.loads(listed.stdout)  # type: ignore[no-any-return]


def plain_is_plain(text: str) -> None:
    assert "**" not in text and "__" not in text and "~~" not in text
    assert not re.search(r"^#{1,6} ", text, re.M)
    assert not re.search(r"\[[^\]]+\]\([^)]+\)", text)


# -- a moved call, on both backends -------------------------------------------------------


async def test_a_moved_call_after_delivery_reaches_the_csm_as_version_2_and_an_update_of_the_same_event(
    backend: Harness,
) -> None:
    h = backend
    first = await delivered_v1(h)
    method, v1, _ = invite_of(first)
    assert (method, int(v1["SEQUENCE"])) == ("REQUEST", 0)

    when = (datetime.now(UTC) + timedelta(days=9)).replace(hour=14, minute=30, second=0, microsecond=0)
    await reply(h, f"call: {when:%Y-%m-%d %H:%M}")
    draft = h.outbox_to(REP)[-1]
    body = text_of(draft)
    assert "WHAT CHANGED SINCE VERSION 1 (what Jordan Lee has)" in body
    assert "changed: Handoff call:" in body and f"{when:%a %d %b %Y, %H:%M}" in body
    assert len(h.outbox_to(CSM)) == 1, "nothing reaches the CSM before the rep approves"
    assert document_for(h.settings, DOMAIN).status == "draft_sent"

    await reply(h, "approve")
    finals = h.outbox_to(CSM)
    assert len(finals) == 2
    second = finals[1]
    assert str(second["Subject"]).endswith("(version 2)")
    assert second["In-Reply-To"] == first["Message-ID"], "version 2 is in the CSM's thread of version 1"
    text, html, markdown = text_of(second), html_of(second), markdown_of(second)
    assert "WHAT CHANGED SINCE VERSION 1" in text and text.index("WHAT CHANGED") < text.index("--- HANDOFF")
    assert "What changed since version 1" in html and html.index("What changed") < html.index("<h1")
    assert "## What changed since version 1" in markdown
    plain_is_plain(text)
    method, v2, _ = invite_of(second)
    assert method == "REQUEST" and str(v2["UID"]) == str(v1["UID"])
    assert int(v2["SEQUENCE"]) == int(v1["SEQUENCE"]) + 1
    assert v2.decoded("DTSTART").astimezone(UTC) == when
    assert set(attendees(v2)) == {CSM, REP}
    assert [(r["version"], r["csm"]) for r in snapshots(h)] == [(1, CSM), (2, CSM)]
    assert snapshots(h)[1]["changes"]["changed"] == 1

    await reply(h, "approve")
    assert len(h.outbox_to(CSM)) == 2, "nothing changed: nothing is sent"
    notice = text_of(h.outbox_to(REP)[-1])
    assert "Nothing changed since version 2" in notice and "nothing was sent" in notice


# -- answers, material, the draft that says what changed ----------------------------------


async def test_answers_and_new_material_after_delivery_give_a_draft_that_says_what_changed(service: Harness) -> None:
    h = service
    await delivered_v1(h)
    await h.send(later_forward())
    await h.drain()
    draft = h.outbox_to(REP)[-1]
    body = text_of(draft)
    assert "Jordan Lee has version 1" in body and "WHAT CHANGED SINCE VERSION 1" in body
    assert "Re: the Glasgow branches" in body.split("QUESTIONS")[0], "the new customer mail is listed as a change"
    await reply(h, "Expansion: their eight Irish branches once Glasgow is live.\nremove: 60,000 GBP")
    body = text_of(h.outbox_to(REP)[-1])
    changes = body[body.index("WHAT CHANGED") : body.index("--- DRAFT")]
    assert "added: their eight Irish branches once Glasgow is live." in changes
    assert re.search(r"removed: .*60,000 GBP", changes), "what version 1 said and the update drops"
    await reply(h, "approve")
    second = h.outbox_to(CSM)[-1]
    assert "has updated the handoff" in text_of(second) and "had it before" not in text_of(second)
    markdown = markdown_of(second)
    on_top = markdown[: markdown.index("sections filled")]
    assert "eight Irish branches" in on_top and "Glasgow branches" in on_top
    assert re.search(r"Removed: ~~.*60,000 GBP", on_top), "a removed item is struck through in the Markdown"
    with session_scope(h.app.engine) as session:
        account = session.exec(select(Account)).one()
        shown = history.versions(
            account, repo.snapshots_of(session, account.id or 0), h.settings.tz, full_document(session, account)
        )
    assert [v.label for v in shown] == ["v1", "v2"], "the web page lists both versions"
    mail = " ".join(text_of(second).split())
    assert [c.title for c in shown[1].changes] == ["Purchase drivers", "Expansion", "Risks", "Sources read"]
    assert all(f"added: {x}" in mail for c in shown[1].changes for x in c.added), "the same changes as the mail"


async def test_check_backs_and_the_webhook_follow_the_newest_delivered_version(tmp_path: Path) -> None:
    from tests.test_webhook import SECRET, Receiver

    receiver = Receiver(SECRET)
    h = await start_harness(make_settings(tmp_path, webhook_url=receiver.url, webhook_secret=SECRET), "sqlite")
    try:
        await delivered_v1(h)
        zoe = "zoe.angstrom@northwind.example"
        metric = "Success metrics: in 90 days every branch books its eye tests online."
        await reply(h, f"CSM: Zoë Ångström <{zoe}>\n{metric}\napprove")
        delivered = [r for r in receiver.received if r["event"] == "handoff.delivered"]
        assert [r["version"] for r in delivered] == [1, 2]
        assert delivered[1]["document"]["csm"]["email"] == zoe
        titles = [c["title"] for c in delivered[1]["changes"]]
        assert titles[0] == "Details" and "Success metrics" in titles
        await reply(h, "Success metrics: in 90 days the phone line closes for bookings.")  # not approved
        h.app.clock = lambda: datetime.now(UTC) + timedelta(days=91)
        await jobs.tick({"app": h.app, "job_try": 1})
        (checkback,) = [m for m in h.outbox() if str(m["X-Handoff-Kind"]) == "checkback"]
        assert getaddresses([str(checkback["To"])]) == [("Zoë Ångström", zoe)], "to the CSM who has it"
        body = " ".join(text_of(checkback).split())
        assert "books its eye tests online" in body and "phone line" not in body, "what the CSM received"
    finally:
        await stop_harness(h)
        receiver.close()


# -- a new CSM: the REQUEST to them, the CANCEL to the one who had it --------------------


@pytest.fixture
async def tidewater(tmp_path: Path) -> Any:
    harness = await start_harness(
        make_settings(tmp_path, inbox_address="handoff@tidewater.example", company_domains="tidewater.example"),
        "sqlite",
    )
    try:
        yield harness
    finally:
        await stop_harness(harness)


OLD_CSM = ("Ørjan Bjørnstad", "orjan.bjornstad@tidewater.example")
NEW_CSM = ("Zoë Ångström", "zoe.angstrom@tidewater.example")
NOOR = "noor.haddad@tidewater.example"


@pytest.mark.parametrize("client", CLIENTS)
async def test_a_new_csm_after_delivery_gets_version_2_and_the_invite_and_the_old_one_a_cancel(
    tidewater: Harness, client: str
) -> None:
    h = tidewater
    for entry in FORWARDS:
        if entry["client"] == client:
            await h.send((FIXTURES / entry["file"]).read_bytes(), mail_from=NOOR, rcpt_to="handoff@tidewater.example")
    await h.drain()
    draft = h.outbox_to(NOOR)[-1]
    token = re.search(r"\+([0-9a-f]+)@", str(draft["Reply-To"])).group(1)  # type: ignore[union-attr]
    await h.send(
        reply_to_draft(draft, f"CSM: {OLD_CSM[0]} <{OLD_CSM[1]}>\napprove", sender=NOOR, sender_name="Noor Haddad"),
        mail_from=NOOR,
        rcpt_to=str(draft["Reply-To"]),
    )
    await h.drain()
    (first,) = h.outbox_to(OLD_CSM[1])
    _, v1, _ = invite_of(first)

    # The client's own replies: "CSM: Zoë Ångström <…>" with answers, then "approve" below the quote.
    for scenario in ("reply-top-csm", "reply-bottom-approve"):
        raw = (FIXTURES / f"{client}-{MANIFEST_VERSIONS[client]}/{scenario}.eml").read_bytes()
        await h.send(as_reply_to(raw, token), mail_from=NOOR, rcpt_to=f"handoff+{token}@tidewater.example")
        await h.drain()
        if scenario == "reply-top-csm":
            body = text_of(h.outbox_to(NOOR)[-1])
            assert f"changed: CSM: {OLD_CSM[0]} <{OLD_CSM[1]}> → {NEW_CSM[0]} <{NEW_CSM[1]}>" in body
            assert "freight vessels" in body[body.index("WHAT CHANGED") : body.index("--- DRAFT")]

    (second,) = h.outbox_to(NEW_CSM[1])
    assert getaddresses([str(second["To"])]) == [NEW_CSM], "the name intact in To"
    assert text_of(second).startswith("Hi Zoë,")
    assert f"{OLD_CSM[0]} had it before" in text_of(second)
    assert "WHAT CHANGED SINCE VERSION 1" in text_of(second)
    method, v2, raw = invite_of(second)
    assert method == "REQUEST" and str(v2["UID"]) == str(v1["UID"]) and int(v2["SEQUENCE"]) >= 1
    assert attendees(v2) == {NEW_CSM[1]: NEW_CSM[0], NOOR: "Noor Haddad"}
    assert f'CN="{NEW_CSM[0]}"' in re.sub(r"\r?\n[ \t]", "", raw)

    (note,) = h.outbox_to(OLD_CSM[1])[1:]
    assert str(note["Subject"]) == "Handoff moved: Skerry Line Ferries"
    assert getaddresses([str(note["To"])]) == [OLD_CSM] and note["Cc"] is None
    method, cancel, raw = invite_of(note)
    assert method == "CANCEL" and str(cancel["STATUS"]) == "CANCELLED"
    assert str(cancel["UID"]) == str(v1["UID"]) and int(cancel["SEQUENCE"]) == int(v2["SEQUENCE"])
    assert attendees(cancel) == {OLD_CSM[1]: OLD_CSM[0]}
    words = text_of(note)
    assert NEW_CSM[0] in words and "Skerry Line" in words
    for content in ("freight vessels", "José", "Kongsberg", "STAKEHOLDER", "Hvaler"):
        assert content not in words, f"the old CSM's note carries no document content ({content})"
    assert not [p for p in note.walk() if (p.get_filename() or "").endswith(".md")]
    assert [r["csm"] for r in snapshots(h, "skerryline.example")] == [OLD_CSM[1], NEW_CSM[1]]


# -- cancel after delivery --------------------------------------------------------------


async def test_cancel_after_delivery_sends_the_csm_a_cancel_of_the_same_event_and_tells_the_rep(
    service: Harness,
) -> None:
    h = service
    first = await delivered_v1(h)
    _, v1, _ = invite_of(first)
    await reply(h, "cancel")
    finals = h.outbox_to(CSM)
    assert len(finals) == 2
    method, cancel, _ = invite_of(finals[1])
    assert method == "CANCEL" and str(cancel["UID"]) == str(v1["UID"])
    assert int(cancel["SEQUENCE"]) > int(v1["SEQUENCE"]) and str(cancel["STATUS"]) == "CANCELLED"
    assert set(attendees(cancel)) == {CSM, REP}
    assert str(finals[1]["Subject"]) == "Handoff cancelled: Marlow & Crane Opticians"
    told = text_of(h.outbox_to(REP)[-1])
    assert "Handoff cancelled" in told and "Jordan Lee <jordan.lee@northwind.example> had version 1" in told
    h.app.clock = lambda: datetime.now(UTC) + timedelta(days=91)
    await jobs.tick({"app": h.app, "job_try": 1})
    assert not [m for m in h.outbox() if str(m["X-Handoff-Kind"]) == "checkback"], "a withdrawn handoff has none"


async def test_after_a_cancel_new_material_opens_a_new_reply_address_and_the_old_one_stays_closed(
    service: Harness,
) -> None:
    h = service
    for n in range(len(CUSTOMER)):
        await h.send(forward(n))
    await h.drain()
    cancelled = await reply(h, "cancel")
    assert "Forward new material to start again" in text_of(h.outbox_to(REP)[-1])

    await h.send(later_forward())
    await h.drain()
    draft = h.outbox_to(REP)[-1]
    assert str(draft["X-Handoff-Kind"]) == "draft" and "Gaelic" in text_of(draft)
    assert str(draft["Reply-To"]) != str(cancelled["Reply-To"]), "a new reply address, not the closed one"

    await reply(h, f"{CSM_LINE}\napprove", to=cancelled)
    assert not h.outbox_to(CSM), "the address closed by the cancel stays closed"
    assert "reply to the newest draft" in text_of(h.outbox_to(REP)[-1])

    await reply(h, f"{CSM_LINE}\napprove", to=draft)
    (final,) = h.outbox_to(CSM)
    assert "Gaelic" in markdown_of(final) and invite_of(final)[0] == "REQUEST"


async def test_an_update_after_the_call_has_passed_carries_no_invite_until_a_new_call_is_pinned(
    service: Harness,
) -> None:
    h = service
    first = await delivered_v1(h)
    _, v1, _ = invite_of(first)
    h.app.clock = lambda: datetime.now(UTC) + timedelta(days=5)  # the call was within 48 hours
    await reply(h, "account: Marlow and Crane Opticians\napprove")
    second = h.outbox_to(CSM)[-1]
    assert str(second["Subject"]) == "Handoff: Marlow and Crane Opticians (version 2)"
    assert not [p for p in second.walk() if p.get_content_type() in ("text/calendar", "application/ics")]
    text = text_of(second)
    assert "No new handoff call: the one on" in text and "has passed" in text
    assert "changed: Account: Marlow & Crane Opticians → Marlow and Crane Opticians" in text
    when = (datetime.now(UTC) + timedelta(days=12)).replace(hour=10, minute=0, second=0, microsecond=0)
    await reply(h, f"call: {when:%Y-%m-%d %H:%M}\napprove")
    third = h.outbox_to(CSM)[-1]
    method, v3, _ = invite_of(third)
    assert (method, str(v3["UID"]), int(v3["SEQUENCE"])) == ("REQUEST", str(v1["UID"]), 1)
    assert v3.decoded("DTSTART").astimezone(UTC) == when
    assert "WHAT CHANGED SINCE VERSION 2" in text_of(third)
    assert [r["version"] for r in snapshots(h)] == [1, 2, 3]
