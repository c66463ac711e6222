"""Take the README's screenshots of the web pages: docs/web-handoff.png and docs/web-metrics.png.

Runs the real loop over SMTP on a throwaway SQLite database with a clock that moves
(so the metrics have weeks to show): every deal of ../shared/corpus/deals when it is
there (else the bundled demo deal) is forwarded, answered, approved and rated by its
CSM, days apart. Then it serves the pages with that clock frozen after the last
handoff, signs in as an admin with an emailed link in headless Chromium (Debian's,
scripts/chromium.sh) and saves the two pictures. Run: .venv/bin/python scripts/web_screenshots.py
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import sys
import tempfile
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agent.demo_deal import demo_files, demo_rep_reply  # noqa: E402
from agent.settings import load_settings  # noqa: E402
from agent.web import WebServer  # noqa: E402
from tests.conftest import reply_to_draft, start_harness, stop_harness  # noqa: E402
from tests.web.browser import chromium  # noqa: E402
from tests.web.world import signin_link  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "deals"
ADMIN = "sales.ops@{domain}"
START = datetime(2026, 2, 23, 9, 0, tzinfo=UTC)


def deals() -> tuple[str, list[dict]]:
    """(company domain, deals): each deal its files, rep, CSM and the rep's reply."""
    if CORPUS.is_dir():
        found = []
        for folder in sorted(p for p in CORPUS.iterdir() if (p / "gold.json").is_file()):
            gold = json.loads((folder / "gold.json").read_text())
            reply = (folder / "rep-reply.txt").read_text()
            csm = gold.get("csm") or {"name": "Priya Nair", "email": "priya.nair@lumendata.example"}
            found.append(
                {
                    "files": sorted((folder / "inbox").glob("*.eml")),
                    "rep": gold["rep"],
                    "csm": csm,
                    "reply": reply,
                    "domain": gold["account"]["domain"],
                }
            )
        return "lumendata.example", found
    rep = {"name": "Sam Okafor", "email": "sam.okafor@northwind.example"}
    csm = {"name": "Jordan Lee", "email": "jordan.lee@northwind.example"}
    return "northwind.example", [
        {"files": demo_files(), "rep": rep, "csm": csm, "reply": demo_rep_reply(), "domain": "alderfinch.example"}
    ]


async def build(folder: Path, company: str, found: list[dict]) -> datetime:
    settings = load_settings(
        database_url=f"sqlite:///{folder / 'handoff.db'}",
        inbox_address=f"handoff@{company}",
        company_domains=company,
        outbox_dir=folder / "outbox",
        debounce_s=0,
        extractor="offline",
        smtp_port=0,
    )
    h = await start_harness(settings, "sqlite")
    now = START
    try:
        for n, deal in enumerate(found):
            now = START + timedelta(days=6 * n)
            h.app.clock = lambda at=now: at
            for path in deal["files"]:
                await h.send(path.read_bytes(), mail_from=deal["rep"]["email"], rcpt_to=settings.inbox_address)
            await h.drain()
            drafts = h.outbox_to(deal["rep"]["email"])
            if not drafts:
                continue
            reply = deal["reply"]
            if "csm:" not in reply.lower():
                reply = f"CSM: {deal['csm']['name']} <{deal['csm']['email']}>\n{reply}"
            prep = now + timedelta(hours=[3, 20, 7, 46, 12, 30, 5, 60, 9, 26][n % 10])
            h.app.clock = lambda at=prep: at
            answer = reply_to_draft(
                drafts[-1], f"{reply}\napprove", sender=deal["rep"]["email"], sender_name=deal["rep"]["name"]
            )
            await h.send(answer, mail_from=deal["rep"]["email"], rcpt_to=str(drafts[-1]["Reply-To"]))
            await h.drain()
            finals = [m for m in h.outbox() if str(m.get("X-Handoff-Kind", "")) == "final" and deal["domain"] in str(m)]
            csm_mail = h.outbox_to(deal["csm"]["email"])
            final = (finals or csm_mail or [None])[-1]
            if final is None:
                continue
            later = prep + timedelta(days=2)
            h.app.clock = lambda at=later: at
            rating = [4, 5, 3, 4, 5, 2, 4, 5, 4, 3][n % 10]
            name, csm = email.utils.getaddresses([str(final["To"])])[0]  # the CSM the handoff went to
            text = f"rating: {rating}/5"
            if n == 0:  # one handoff goes back to the rep and comes again as v2
                text += "\nneeds: timeline — when does the first site go live?"
            feedback = reply_to_draft(final, text, sender=csm, sender_name=name)
            await h.send(feedback, mail_from=csm, rcpt_to=str(final["Reply-To"]))
            await h.drain()
            if n == 0:
                again = later + timedelta(hours=5)
                h.app.clock = lambda at=again: at
                draft = h.outbox_to(deal["rep"]["email"])[-1]
                answer = "Implementation: the first two sites go live on 1 June, the rest by 1 September.\napprove"
                rep = deal["rep"]
                await h.send(
                    reply_to_draft(draft, answer, sender=rep["email"], sender_name=rep["name"]),
                    mail_from=rep["email"],
                    rcpt_to=str(draft["Reply-To"]),
                )
                await h.drain()
    finally:
        await stop_harness(h)
    return now + timedelta(days=7)


def serve_and_shoot(folder: Path, company: str, frozen: datetime, account: str, docs: Path) -> None:
    from agent.app import open_app

    settings = load_settings(
        database_url=f"sqlite:///{folder / 'handoff.db'}",
        inbox_address=f"handoff@{company}",
        company_domains=company,
        outbox_dir=folder / "outbox",
        sales_ops_address=ADMIN.format(domain=company),
        extractor="offline",
    )
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    holder: dict = {}

    async def run() -> None:
        app = await open_app(settings, inline=True, clock=lambda: frozen)
        holder["web"] = await WebServer.start(app, host="127.0.0.1", port=0)
        holder["app"] = app
        ready.set()

    thread = threading.Thread(target=lambda: (loop.run_until_complete(run()), loop.run_forever()), daemon=True)
    thread.start()
    ready.wait(60)
    base = holder["web"].base_url
    admin = ADMIN.format(domain=company)
    try:
        with chromium(width=1200, height=1500) as browser:
            page = browser.new_page()
            page.goto(base + "/login")
            page.fill("#email", admin)
            page.press("#email", "Enter")
            page.goto(signin_link(folder / "outbox", admin, wait_s=10) or "")
            page.goto(f"{base}/handoffs/{account}")
            page.screenshot(path=str(docs / "web-handoff.png"))
            page.goto(base + "/metrics")
            page.screenshot(path=str(docs / "web-metrics.png"), full_page=True)
    finally:
        asyncio.run_coroutine_threadsafe(holder["web"].stop(), loop).result(30)
        asyncio.run_coroutine_threadsafe(holder["app"].close(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)


def main() -> None:
    docs = ROOT / "docs"
    docs.mkdir(exist_ok=True)
    company, found = deals()
    with tempfile.TemporaryDirectory(prefix="handoff-shots-") as tmp:
        folder = Path(tmp)
        frozen = asyncio.run(build(folder, company, found))
        serve_and_shoot(folder, company, frozen, found[0]["domain"], docs)
    print(f"wrote {docs / 'web-handoff.png'} and {docs / 'web-metrics.png'} ({len(found)} deals)")


if __name__ == "__main__":
    main()
