"""A database with handoffs worth looking at, for the web tests (HTTP and browser).

What it is for: ``build_world(folder)`` runs the real loop once over SMTP on SQLite:
the demo deal forwarded by Sam, approved for the CSM Jordan (v1), Jordan's feedback
asking for more on the timeline, Sam's answer and a second approval (v2); and a second
deal forwarded by another rep, Bob, still a draft. ``copy_world`` gives each test its
own copy of that database. ``signin_link`` reads the newest sign-in link out of the
outbox folder, as a person reads their mail. Not for: the web code (agent/web).
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import email.utils
import re
import sqlite3
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from agent.demo_deal import demo_files
from tests.conftest import COMPANY, INBOX, REP, make_settings, reply_to_draft, start_harness, stop_harness

CSM = "jordan.lee@northwind.example"
OTHER_REP = "bob.rivera@northwind.example"
OUTSIDER = "maren.lindqvist@alderfinch.example"
ACCOUNT = "alderfinch.example"
OTHER_ACCOUNT = "quillmark.example"
COMPETITOR = "ThoughtSpot"  # named in the demo deal's competitive context


def _bob_forward() -> bytes:
    msg = EmailMessage()
    msg["From"] = email.utils.formataddr(("Bob Rivera", OTHER_REP))
    msg["To"] = INBOX
    msg["Subject"] = "Fwd: Quillmark renewal and the Looker question"
    msg["Date"] = "Mon, 02 Mar 2026 10:15:00 +0000"
    msg["Message-ID"] = "<bob-quillmark-1@northwind.example>"
    msg.set_content(
        "Starting the handoff for Quillmark Press.\n\nBob\n\n"
        "---------- Forwarded message ---------\n"
        "From: Ines Okoro <ines.okoro@quillmark.example>\n"
        "Date: Fri, Feb 27, 2026 at 4:02 PM\n"
        "Subject: Quillmark renewal and the Looker question\n"
        f"To: Bob Rivera <{OTHER_REP}>\n\n"
        "Hi Bob,\n\nWe are also trialling Looker this quarter, so I need the pricing by Friday.\n"
        "Our 14 editors spend every Monday rebuilding the royalty report by hand.\n\n"
        "Ines Okoro\nHead of Operations, Quillmark Press\n"
    )
    return msg.as_bytes()


async def _build(folder: Path) -> dict[str, Any]:
    settings = make_settings(folder)
    h = await start_harness(settings, "sqlite")
    try:
        for path in demo_files()[:4]:
            await h.send(path.read_bytes())
        await h.drain()
        draft = h.outbox_to(REP)[-1]
        await h.send(reply_to_draft(draft, f"CSM: Jordan Lee <{CSM}>\napprove"), rcpt_to=str(draft["Reply-To"]))
        await h.drain()
        final = h.outbox_to(CSM)[-1]
        feedback = reply_to_draft(
            final,
            "rating: 4/5\nmissing: expansion\nneeds: timeline — when does the first store go live?\nGood read overall.",
            sender=CSM,
            sender_name="Jordan Lee",
        )
        await h.send(feedback, mail_from=CSM, rcpt_to=str(final["Reply-To"]))
        await h.drain()
        draft = h.outbox_to(REP)[-1]
        answer = "Implementation: the Boise store goes live first, on 1 June 2026.\napprove"
        await h.send(reply_to_draft(draft, answer), rcpt_to=str(draft["Reply-To"]))
        await h.drain()
        await h.send(_bob_forward(), mail_from=OTHER_REP)
        await h.drain()
    finally:
        await stop_harness(h)
    return {"finals": len([m for m in h.outbox() if CSM in str(m.get("To", ""))])}


def build_world(folder: Path) -> Path:
    """Run the loop once; returns the SQLite file."""
    folder.mkdir(parents=True, exist_ok=True)
    asyncio.run(_build(folder))
    return folder / "handoff.db"


def copy_world(source: Path, folder: Path) -> Path:
    """A private copy (WAL included, through SQLite's backup API)."""
    target = folder / "handoff.db"
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def world_settings(folder: Path, **overrides: Any) -> Any:
    values: dict[str, Any] = {"database_url": f"sqlite:///{folder / 'handoff.db'}", "company_domains": COMPANY}
    values.update(overrides)
    return make_settings(folder, **values)


_LINK = re.compile(r"https?://\S+/login/[A-Za-z0-9_-]{32,}")


def mails_to(outbox: Path, address: str) -> list[EmailMessage]:
    if not outbox.exists():
        return []
    found = []
    for path in sorted(outbox.glob("*.eml")):
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if address.lower() in str(msg.get("To", "")).lower():
            found.append(msg)
    return found  # type: ignore[return-value]


def signin_link(outbox: Path, address: str, wait_s: float = 0.0) -> str | None:
    """The link in the newest sign-in mail to ``address``, read from its plain-text part.

    ``wait_s``: the page answers before the mail is handed to the sender, so a browser may be quicker than the outbox.
    """
    deadline = time.monotonic() + wait_s
    while True:
        found = _newest_link(outbox, address)
        if found is not None or time.monotonic() >= deadline:
            return found
        time.sleep(0.05)


def _newest_link(outbox: Path, address: str) -> str | None:
    for msg in reversed(mails_to(outbox, address)):
        if msg.get("X-Handoff-Kind") != "signin":
            continue
        body = msg.get_body(preferencelist=("plain",))
        found = _LINK.search(body.get_content() if body is not None else "")
        if found:
            return found.group(0)
    return None
