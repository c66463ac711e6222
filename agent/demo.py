"""``handoff demo``: the whole loop on the bundled sample deal, offline, in one process.

What it is for: a newcomer's first run. It starts the SMTP intake on a free loopback
port with SQLite, inline jobs, the offline extractor and an outbox folder; sends the
sample deal as the rep would (over SMTP, with smtplib); prints the draft it gets
back; answers with the rep's reply and then "approve"; and prints where the final
document (.html/.md) and the invite (.ics) are; last, the web address and a sign-in
link for the demo rep (``--web``: it serves the pages until Ctrl-C). Not for: anything
in production.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import email.utils
import shutil
import smtplib
import sys
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING

from agent.demo_deal import demo_files, demo_rep_reply
from agent.settings import Settings, load_settings

if TYPE_CHECKING:
    from agent.app import App

INBOX = "handoff@northwind.example"
REP = ("Sam Okafor", "sam.okafor@northwind.example")
ACCOUNT = "alderfinch.example"


def _send(port: int, raw: bytes, rcpt: str) -> None:
    data = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        client.sendmail(REP[1], [rcpt], data)


def _reply(draft: EmailMessage, text: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = email.utils.formataddr(REP)
    msg["To"] = str(draft["Reply-To"])
    msg["Subject"] = f"Re: {draft['Subject']}"
    msg["Date"] = email.utils.formatdate()
    msg["Message-ID"] = email.utils.make_msgid(domain="northwind.example")
    msg["In-Reply-To"] = str(draft["Message-ID"])
    msg["References"] = str(draft["Message-ID"])
    body = draft.get_body(preferencelist=("plain",))
    quoted = "\n".join("> " + line for line in (body.get_content() if body else "").splitlines())
    msg.set_content(f"{text.strip()}\n\nOn {draft['Date']}, {draft['From']} wrote:\n{quoted}\n")
    return msg.as_bytes()


def _mails(outbox: Path) -> list[tuple[Path, EmailMessage]]:
    found = []
    for path in sorted(outbox.glob("*.eml")):
        found.append((path, email.message_from_bytes(path.read_bytes(), policy=email.policy.default)))
    return found


def _plain(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


async def run_demo(workdir: Path, print_: Callable[[str], None] = print, *, web: bool = False) -> dict[str, Path]:
    from agent.app import open_app
    from agent.lookups import document_for
    from agent.render import render_document
    from agent.service import intake_for
    from mailflows.inbound.smtp_intake import start_smtp

    if workdir.exists():
        shutil.rmtree(workdir)
    outbox = workdir / "outbox"
    outbox.mkdir(parents=True)
    settings = load_settings(
        database_url=f"sqlite:///{workdir / 'handoff.db'}",
        redis_url=None,
        inbox_address=INBOX,
        company_domains="northwind.example",
        outbox_dir=outbox,
        debounce_s=3.0,
        extractor="offline",
        smtp_host="127.0.0.1",
        smtp_port=0,
    )
    app = await open_app(settings, inline=True)
    intake = intake_for(app)
    server = await start_smtp(intake, host="127.0.0.1", port=0)
    port = server.sockets[0].getsockname()[1]
    try:
        print_(f"handoff demo: SMTP intake on 127.0.0.1:{port}, database {workdir / 'handoff.db'}, offline extractor\n")
        files = demo_files()
        for path in files:
            await asyncio.to_thread(_send, port, path.read_bytes(), INBOX)
            print_(f"  rep -> {INBOX}: {path.name}")
        await app.drain()
        drafts = [m for _, m in _mails(outbox) if REP[1] in str(m["To"])]
        draft = drafts[-1]
        print_(f"\n=== {len(drafts)} draft for {len(files)} forwards; the rep receives: {draft['Subject']} ===\n")
        print_(_plain(draft))

        await asyncio.to_thread(_send, port, _reply(draft, demo_rep_reply()), str(draft["Reply-To"]))
        await app.drain()
        draft = [m for _, m in _mails(outbox) if REP[1] in str(m["To"])][-1]
        print_("\n=== the rep answered the questions (and named the CSM); the updated draft says: ===\n")
        print_(_plain(draft).split("\n\n", 2)[0] + "\n...")

        await asyncio.to_thread(_send, port, _reply(draft, "approve"), str(draft["Reply-To"]))
        await app.drain()
        web_lines = await _web_invitation(app, outbox, workdir, serve=web)
    finally:
        server.close()
        await server.wait_closed()
        await intake.close()
        await app.close()

    doc = document_for(settings, ACCOUNT)
    finals = [(p, m) for p, m in _mails(outbox) if doc.csm and doc.csm.email in str(m["To"])]
    if not finals:
        raise RuntimeError("the demo did not deliver a final handoff; run with -v to see the log")
    final_path, final = finals[-1]
    out = {
        "html": workdir / "handoff.html",
        "md": workdir / "handoff.md",
        "ics": workdir / "invite.ics",
        "mail": final_path,
    }
    out["html"].write_text(render_document(doc, "html"), encoding="utf-8")
    out["md"].write_text(render_document(doc, "md"), encoding="utf-8")
    ics = next(p for p in final.walk() if p.get_content_type() == "text/calendar").get_content()
    out["ics"].write_bytes(ics if isinstance(ics, bytes) else ics.encode())
    filled, total = doc.completeness()
    print_(
        f"\n=== approved: the CSM {doc.csm.name if doc.csm else ''} got the handoff ({filled} of {total} sections) ==="
    )
    print_(f"  final mail:      {out['mail']}")
    print_(f"  document (html): {out['html']}")
    print_(f"  document (md):   {out['md']}")
    print_(f"  invite (ics):    {out['ics']}")
    for line in web_lines:
        print_(line)
    if web:
        await _serve_web(settings, print_)
    return out


async def _web_invitation(app: App, outbox: Path, workdir: Path, *, serve: bool) -> list[str]:
    """A sign-in link for the demo rep, asked for and mailed the way the sign-in page does it."""
    from agent.web.auth import request_link
    from agent.web.backend import send_mail
    from agent.web.server import DEFAULT_PORT, base_url_for

    settings = app.settings
    base = base_url_for(settings, settings.web_host, settings.web_port or DEFAULT_PORT)
    asked = await asyncio.to_thread(request_link, app, REP[1], "demo", base)
    if asked.outbound_id is not None:
        await send_mail(app, asked.outbound_id)
    mails = [m for _, m in _mails(outbox) if m.get("X-Handoff-Kind") == "signin"]
    link = next((w for w in _plain(mails[-1]).split() if "/login/" in w), "") if mails else ""
    command = sys.argv[0] if Path(sys.argv[0]).name == "handoff" else "handoff"
    env = (
        f"HANDOFF_DATABASE_URL=sqlite:///{workdir / 'handoff.db'} HANDOFF_INBOX_ADDRESS={INBOX} "
        f"HANDOFF_COMPANY_DOMAINS=northwind.example HANDOFF_OUTBOX_DIR={outbox}"
    )
    lines = [f"\n=== on the web: {base}/ ==="]
    if not serve:
        lines.append(f"  start the pages: {env} {command} web   (or: make demo-web)")
    lines.append(f"  sign in as {REP[0]}, the demo rep: {link}")
    lines.append(f"  (the link works once, within 15 minutes; a new one: {base}/login, then look in {outbox})")
    return lines


async def _serve_web(settings: Settings, print_: Callable[[str], None]) -> None:
    from agent.web import run_web

    await run_web(settings, ready=lambda url: print_(f"handoff demo: web pages on {url}"))
