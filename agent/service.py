"""The long-running service and the one-shot ingest, as the CLI starts them.

What it is for: ``serve`` (SMTP intake on the event loop; inline jobs and the
periodic tick when no Redis is configured; graceful shutdown on SIGTERM: stop
intake, drain jobs until a deadline, close clients) and ``ingest`` (feed .eml and
mbox files as if they had arrived by mail, processed to completion, one draft per
account at the end), ``replay`` (quarantined messages processed again) and ``rebuild``
(accounts' documents read again from their sources, after the extraction rules change). Each intake is handed its ``Intake`` (settings, engine, queue)
by ``intake_for``: mail in never reaches into the App. Not for: what a job does
(agent/jobs.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import mailbox
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

from agent import jobs
from agent.app import open_app
from agent.context import App
from agent.cpu import default_processes
from agent.errors import ConfigError, InboundNotFound
from agent.settings import Settings
from db import repo
from db.session import reading, session_scope
from mailflows.inbound.imap_intake import ImapIntake
from mailflows.inbound.intake import Intake, store_file
from mailflows.inbound.sender_auth import SenderAuthenticator
from mailflows.inbound.smtp_intake import start_smtp

log = logging.getLogger(__name__)


def messages_in(path: Path) -> Iterator[bytes]:
    """The raw messages in an .eml file or an mbox file (one at a time: none is kept once the next is read)."""
    with path.open("rb") as f:
        head = f.read(6)
    if head.startswith(b"From ") and not head.startswith(b"From: "):
        for message in mailbox.mbox(str(path), create=False):
            yield message.as_bytes()
        return
    yield path.read_bytes()


async def ingest(
    settings: Settings, paths: list[Path], progress: Callable[[int], None] | None = None
) -> dict[str, int]:
    """Store and process every message, in order; drafts go out once, at the end."""
    app = await open_app(settings, inline=True)
    app.hold_drafts = True
    counts = {"stored": 0, "duplicates": 0}
    try:
        ctx = {"app": app, "job_try": 1}
        for path in paths:
            for raw in messages_in(path):
                inbound_id, created = await _store_only(app, raw)
                del raw  # stored: the job reads it back in slices, never this copy
                counts["stored" if created else "duplicates"] += 1
                if created:
                    await jobs.process_inbound(ctx, inbound_id)
            if progress:
                progress(1)
        await app.drain()
        await jobs.send_waiting_drafts(app)
        await jobs.tick(ctx)
    finally:
        await app.close()
    return counts


async def rebuild(settings: Settings, keys: list[str] | None) -> dict[str, int]:
    """Read the named accounts (None: every one) again into new documents; sources read per account."""
    from agent.errors import AccountNotFound
    from agent.extract.runner import rebuild_document

    app = await open_app(settings, inline=True)
    try:
        with session_scope(app.engine) as session:
            if keys:
                found = {key: repo.find_account(session, key) for key in keys}
                missing = [key for key, account in found.items() if account is None]
                if missing:
                    raise AccountNotFound(f"no account {missing[0]!r}; `handoff accounts` lists them")
                accounts = [(a.id, a.name) for a in found.values() if a is not None]
            else:
                accounts = [(a.id, a.name) for a in repo.list_accounts(session)]
        return {
            name: await rebuild_document(app, account_id) for account_id, name in accounts if account_id is not None
        }
    finally:
        await app.close()


async def _store_only(app: App, raw: bytes) -> tuple[int, bool]:
    return await asyncio.to_thread(store_file, app.engine, raw)


def intake_for(app: App) -> Intake:
    """What the SMTP and IMAP intakes need from the service: its settings, database, queue and authenticator.

    The authenticator is built here, once (a bad sender-authentication setting raises
    ``ConfigError`` before anything listens).
    """
    if app.queue is None:
        raise RuntimeError("App has no queue: open it with agent.app.open_app()")
    authenticator = SenderAuthenticator(app.settings)
    return Intake(settings=app.settings, engine=app.engine, queue=app.queue, authenticator=authenticator)


async def replay(settings: Settings, ids: list[int]) -> int:
    """Process quarantined messages again; an id that is not quarantined is an error and nothing is replayed."""
    with reading(settings.database_url) as engine, session_scope(engine) as session:
        quarantined = {row.id for row in repo.quarantined(session)}
    unknown = [str(i) for i in ids if i not in quarantined]
    if unknown:
        known = ", ".join(str(i) for i in sorted(i for i in quarantined if i is not None)) or "none"
        raise InboundNotFound(
            f"no quarantined message with id {', '.join(unknown)}; quarantined now: {known} (`handoff quarantine list`)"
        )
    app = await open_app(settings, inline=True, migrate=False)
    try:
        for inbound_id in ids:
            with session_scope(app.engine) as session:
                if not repo.requeue_quarantined(session, inbound_id):
                    continue  # replayed meanwhile by someone else
            await jobs.process_inbound({"app": app, "job_try": 1}, inbound_id)
        await app.drain()
    finally:
        await app.close()
    return len(ids)


async def tick_forever(app: App) -> None:
    ctx = {"app": app, "job_try": 1}
    while True:
        try:
            await jobs.tick(ctx)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("periodic tick failed; trying again in %.0fs", jobs.TICK_S)
        await asyncio.sleep(jobs.TICK_S)


async def serve(
    settings: Settings,
    *,
    ready: Callable[[int], None] | None = None,
    shutdown_s: float = 30.0,
    web_ready: Callable[[str], None] | None = None,
) -> None:
    inline = not settings.redis_url
    processes = settings.cpu_processes if settings.cpu_processes is not None else default_processes(inline)
    app = await open_app(settings, cpu_processes=processes)
    try:
        intake = intake_for(app)
        imap = ImapIntake(intake) if settings.imap_url else None  # a bad IMAP setting fails the start, not a task
    except ConfigError:
        await app.close()
        raise
    log.info("%s", intake.authenticator.describe())
    server = await start_smtp(intake)
    port = server.sockets[0].getsockname()[1]
    web = None
    if settings.web_port is not None:  # the pages in this process too: the embedded default stays one process
        from agent.web import WebServer

        try:
            web = await WebServer.start(app)
        except BaseException:
            server.close()
            await app.close()
            raise
    log.info(
        "SMTP intake on %s:%s (%s jobs, %d parser process(es))",
        settings.smtp_host,
        port,
        "inline" if inline else "arq",
        processes,
    )
    ticker: asyncio.Task[None] | None = None
    if inline:
        await jobs.resume_pending({"app": app, "job_try": 1}, sole_process=True)
        ticker = asyncio.create_task(tick_forever(app))
    stop = asyncio.Event()
    imap_task = asyncio.create_task(imap.run(stop)) if imap is not None else None
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    if ready:
        ready(port)
    if web is not None and web_ready:
        web_ready(web.base_url)
    try:
        await stop.wait()
    finally:
        log.info("shutting down: intake closed, draining jobs for up to %.0fs", shutdown_s)
        server.close()
        await server.wait_closed()
        if web is not None:
            await web.stop()
        if imap_task is not None:
            stop.set()
            try:
                await asyncio.wait_for(imap_task, timeout=settings.imap_timeout_s)
            except TimeoutError:
                log.warning("IMAP intake cancelled at the deadline; its unfinished messages stay unseen")
        if ticker:
            ticker.cancel()
        if inline and app.queue is not None:
            try:
                await asyncio.wait_for(app.queue.drain(), timeout=shutdown_s)
            except TimeoutError:
                log.warning("jobs still running at the deadline were cancelled; they resume at next start")
        await intake.close()
        await app.close()
