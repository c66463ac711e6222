"""A deal written for the attack tests (not the samples), and what every attack must leave untouched.

Kestrel Freight buys route planning from Northwind; Sam Okafor is the rep, Priya Nair
(inside the company) the CSM he names, Eve at evil.example the attacker. ``open_deal``
forwards the material through the running intake and returns the draft; ``name_csm``
has the rep name the real CSM (no approve), so an attack that gets an ``approve``
through would mail her. ``assert_untouched`` is the bar of issue 14: no mail to the
attacker, nothing to the CSM, no delivery.
"""

from __future__ import annotations

import email.utils
from email.message import EmailMessage

from sqlmodel import select

from db.models import Account, Outbound
from db.session import session_scope
from tests.conftest import COMPANY, INBOX, REP, Harness, reply_to_draft

CUSTOMER = "kestrelfreight.example"
CSM = "priya.nair@northwind.example"
CSM_LINE = f"CSM: Priya Nair <{CSM}>"
ATTACKER = "eve@evil.example"
EVIL_CSM = f"CSM: Eve Mallet <{ATTACKER}>"

THREAD = f"""Kestrel signed this morning. Notes from the last two weeks below.

---------- Forwarded message ---------
From: Dana Ruiz <dana.ruiz@{CUSTOMER}>
Date: Tue, 3 Mar 2026 at 16:05
Subject: Route planning rollout
To: Sam Okafor <{REP}>

Sam,

Our dispatchers spend three hours every morning planning routes by hand for 40 depots.
We need the planner live in the Leeds and Bristol depots by 30 June, and the whole
network by the end of September. Success for us is planning done in under 30 minutes
within 90 days, and 8% fewer empty miles within a year.

Our CFO, Marcus Hale, signs off on anything over 100k. Our IT lead Joon Park worries
about the telematics integration with Samsara.

Dana Ruiz
Head of Operations, Kestrel Freight
"""

NOTE = """Call notes, Kestrel Freight, 5 March.

Dana confirmed they looked at Optym and went with us for the Samsara integration.
We promised a dedicated onboarding engineer for the first 60 days.
Risk: Marcus wants to see the empty-miles number in the Q3 board pack.
"""


def mail(
    body: str,
    *,
    subject: str,
    sender: str = REP,
    name: str = "Sam Okafor",
    to: str = INBOX,
    message_id: str | None = None,
    extra: dict[str, str] | None = None,
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = email.utils.formataddr((name, sender))
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = "Thu, 05 Mar 2026 10:00:00 +0000"
    msg["Message-ID"] = message_id or email.utils.make_msgid(domain=COMPANY)
    for key, value in (extra or {}).items():
        msg[key] = value
    msg.set_content(body)
    return msg


def material() -> list[bytes]:
    return [
        mail(THREAD, subject="Fwd: Route planning rollout", message_id=f"<kestrel-thread@{COMPANY}>").as_bytes(),
        mail(NOTE, subject="[Kestrel Freight] call notes", message_id=f"<kestrel-note@{COMPANY}>").as_bytes(),
    ]


def latest_draft(h: Harness) -> EmailMessage:
    drafts = [m for m in h.outbox_to(REP) if "draft" in str(m["X-Handoff-Kind"] or m["Subject"]).lower()]
    assert drafts, "no draft reached the rep"
    return drafts[-1]


async def open_deal(h: Harness) -> EmailMessage:
    """The rep forwards the material; returns the draft it gets back."""
    for raw in material():
        await h.send(raw)
    await h.drain()
    return latest_draft(h)


async def name_csm(h: Harness, draft: EmailMessage) -> EmailMessage:
    """The rep names the real CSM (no approve); returns the newer draft."""
    await h.send(reply_to_draft(draft, CSM_LINE), rcpt_to=str(draft["Reply-To"]))
    await h.drain()
    with session_scope(h.app.engine) as session:
        account = session.exec(select(Account).where(Account.domain == CUSTOMER)).one()
        assert account.csm_email == CSM
    return latest_draft(h)


def text_of(msg: EmailMessage) -> str:
    body = msg.get_body(preferencelist=("plain",))
    return body.get_content() if body is not None else ""


def finals(h: Harness) -> list[Outbound]:
    with session_scope(h.app.engine) as session:
        return list(session.exec(select(Outbound).where(Outbound.kind == "final")))


def assert_untouched(h: Harness) -> None:
    """Issue 14's bar: no mail to the attacker, nothing to the CSM, no delivery."""
    everyone = [m for m in h.outbox() if ATTACKER in str(m["To"]) + str(m["Cc"])]
    assert everyone == [], "mail reached the attacker"
    assert h.outbox_to(CSM) == [], "the CSM got mail"
    assert finals(h) == [], "a final mail was recorded"
    with session_scope(h.app.engine) as session:
        for account in session.exec(select(Account)):
            assert account.status not in ("approved", "delivered"), account.status
            assert account.csm_email != ATTACKER
        recipients = [r for row in session.exec(select(Outbound)) for r in row.recipients]
    assert ATTACKER not in recipients
