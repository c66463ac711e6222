"""The job functions: the same coroutines run inline or on arq workers, and the flow's order.

What it is for: ``process_inbound`` (parse a stored message and route it: material
to its account and the extractor, a reply to the conversation and then to delivery or
the CSM's feedback, auto-replies recorded and dropped), ``send_draft`` (debounced: one
draft per burst of forwards), ``flush_outbox``, ``tick`` (periodic: due drafts, pending
outbound, stuck inbound, reminders and the after-handoff work) and ``resume_pending``
(after a restart). This is the one module that strings the steps together, so the
steps need not import each other. Every job is idempotent: running it twice has the
effect of running it once. Not for: the rules each step applies, or running jobs
(agent/queues.py, agent/worker.py).
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import tempfile
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import defer

from agent import delivery, invites, outbox, reminders
from agent.accounts import names_account, take_material
from agent.after_handoff import checkbacks, feedback, report, search, snapshots, webhook
from agent.context import App
from agent.conversation import apply_reply, check_reply, route
from agent.extract.runner import extract_new_sources
from agent.settings import Settings
from agent.trust import author_of, null_sender, stored_verdict
from db import repo
from db.models import Account, Inbound
from db.session import session_scope
from mailflows.inbound.authorship import Verdict
from mailflows.inbound.mail import ParsedMail
from mailflows.inbound.parse import ParseLimits, parse_path
from mailflows.outbound.calendar import read_calendar_reply

log = logging.getLogger(__name__)

STUCK_AFTER = timedelta(minutes=1)  # a message still pending this long after it arrived lost its job
TICK_S = 10.0  # how often ``tick`` runs (inline: a task of ``handoff serve``; arq: a cron job)
UNCONFIRMED_NOTICES_PER_DAY = 3  # "someone sent this in your name" notices to one address: never a flood


def limits_of(settings: Settings) -> ParseLimits:
    return ParseLimits(
        max_depth=settings.max_depth,
        max_parts=settings.max_parts,
        max_header_bytes=settings.max_header_bytes,
        max_attachment_text_chars=settings.max_attachment_text_chars,
        max_message_bytes=settings.max_message_bytes,
        spool_dir=str(settings.spool_dir) if settings.spool_dir else None,
    )


def spool_raw(app: App, inbound_id: int) -> Path:
    """The stored message copied to a file of its own a slice at a time: the parser reads it from there."""
    fd, name = tempfile.mkstemp(prefix=f"inbound-{inbound_id}-", suffix=".eml", dir=app.settings.spool_dir)
    with os.fdopen(fd, "wb") as out, session_scope(app.engine) as session:
        repo.copy_raw(session, inbound_id, out)
    return Path(name)


async def process_inbound(ctx: dict[str, Any], inbound_id: int) -> str:
    """Parse and route one stored message; returns its disposition.

    Material, a reply and a search act only for the author authenticated at receipt
    (agent/trust.py ``author_of``); anything else is refused, and the address in From
    is told when it is ours (``tell_unconfirmed``).
    """
    app: App = ctx["app"]
    with session_scope(app.engine) as session:
        row = session.get(Inbound, inbound_id, options=[defer(Inbound.raw)])  # type: ignore[arg-type]  # SQLModel types the column as bytes
        if row is None or row.status != "pending":
            return (row.disposition or row.status) if row is not None else "missing"
        if row.attempts >= app.settings.job_max_attempts:
            # Tried that often already: whatever it does (even killing the process), it waits for a person.
            row.status = "quarantined"
            row.error = row.error or f"gave up after {row.attempts} attempts (the process may have died on it)"
            log.error("inbound %s quarantined after %d attempts", inbound_id, row.attempts)
            return "quarantined"
        row.attempts += 1
        head = io.BytesIO()
        repo.copy_raw(session, inbound_id, head, limit=app.settings.max_header_bytes)
        rcpt_to, digest = list(row.rcpt_to), row.content_sha256
        verdict, null = stored_verdict(row, app.settings, head.getvalue()), null_sender(row)
        reused = repo.earlier_with_message_id(session, inbound_id, row.message_id)
        size = repo.raw_size(session, inbound_id)
    # Large messages arriving together take turns within the byte budget (mailflows/inbound/budget.py).
    async with app.budget.hold(size):
        # a row stored before digests were kept has none: hashed here
        parsed, hashed = await _parse_stored(app, inbound_id, digest_too=reused is not None and not digest)
        if reused is not None:
            _tell_apart(parsed, digest or hashed, inbound_id, reused)
        return await _route(app, inbound_id, parsed, rcpt_to, verdict, null)


async def _parse_stored(app: App, inbound_id: int, *, digest_too: bool = False) -> tuple[ParsedMail, str]:
    """The stored message parsed from a spool file of its own in the CPU pool (and its content digest if asked)."""
    path = await asyncio.to_thread(spool_raw, app, inbound_id)
    try:
        parsed = await app.cpu.run(parse_path, path, limits_of(app.settings))
        return parsed, repo.content_digest(path.read_bytes()) if digest_too else ""
    finally:
        path.unlink(missing_ok=True)


EARLIER_NOTES_DAYS = 60  # a rep's note that named no known customer is adopted by an account opened this soon after


async def _adopt_earlier_notes(app: App, account_id: int, author: str) -> int:
    """The author's earlier mail that named no customer we knew (a first note before any forward), taken by this
    account now that it exists, when it names it ("Keystone Valley CU - discovery notes"); how many were taken."""
    with session_scope(app.engine) as session:
        waiting = repo.unresolved_from(session, author, since=app.now() - timedelta(days=EARLIER_NOTES_DAYS))
        account = session.get(Account, account_id)
    if not waiting or account is None:
        return 0
    adopted = 0
    for inbound_id in waiting:
        with session_scope(app.engine) as session:
            size = repo.raw_size(session, inbound_id)
        async with app.budget.hold(size):
            parsed, _ = await _parse_stored(app, inbound_id)
        if not names_account(parsed, account) or await take_material(app, inbound_id, parsed) != account_id:
            continue
        with session_scope(app.engine) as session:
            repo.finish_inbound(
                session, inbound_id, status="done", disposition="material", at=app.now(), account_id=account_id
            )
            repo.log_event(session, "adopted", account_id, message_id=parsed.message_id, at=app.now())
        log.info("inbound %s adopted by account %s: it names it", inbound_id, account_id)
        adopted += 1
    return adopted


OLDER_MAIL_WAIT_S = 30.0


async def _after_older_mail(app: App, inbound_id: int) -> bool:
    """Wait (bounded) while mail that arrived before this one is still being read; whether there was any.

    Jobs run side by side, so a forward that only names the rep's open account ("more on
    this one") can be read before the forward that opens it, though it came after it.
    """
    waited = False
    deadline = asyncio.get_running_loop().time() + OLDER_MAIL_WAIT_S
    while asyncio.get_running_loop().time() < deadline:
        with session_scope(app.engine) as session:
            older = [i for i in repo.pending_inbound_ids(session) if i < inbound_id]
        if not older:
            return waited
        waited = True
        await asyncio.sleep(0.2)
    return waited


async def _route(
    app: App, inbound_id: int, parsed: ParsedMail, rcpt_to: list[str], verdict: Verdict, null: bool
) -> str:
    """What the parsed message is (material, a reply, a search, ...) and the work it calls for, done."""
    disposition, token = route(parsed, rcpt_to, app.settings, null_sender=null)
    author = author_of(parsed, verdict)
    if disposition in ("material", "reply", "search") and author is None:
        log.warning("inbound %s %s refused: author not confirmed (%s)", inbound_id, disposition, verdict.reason)
        disposition = "unauthenticated"
        await tell_unconfirmed(app, parsed, verdict)
    account_id: int | None = None
    if disposition == "material":
        if _replies_to_our_mail(app, parsed):
            disposition = "reply_without_token"
            await outbox.explain(
                app,
                parsed.outer.sender.email if parsed.outer.sender else "",
                "Your reply reached the general inbox, not the handoff's reply address, so no command in it was "
                "applied. Please reply to the newest draft (its Reply-To address).",
                parsed,
            )
        else:
            account_id = await take_material(app, inbound_id, parsed)
            if account_id is None and await _after_older_mail(app, inbound_id):
                account_id = await take_material(app, inbound_id, parsed)  # the account it names may exist now
            if account_id is None:
                disposition = "unresolved"
                await outbox.explain(
                    app,
                    parsed.outer.sender.email if parsed.outer.sender else "",
                    "I could not tell which customer this is about: nobody outside our company is on it. "
                    "Forward it again with a line 'Account: Customer Name' at the top.",
                    parsed,
                )
            else:
                await _adopt_earlier_notes(app, account_id, author or "")
                await extract_new_sources(app, account_id)
                if not app.hold_drafts:
                    await app.enqueue(
                        "send_draft",
                        account_id,
                        defer_s=app.settings.debounce_s,
                        job_id=f"draft:{account_id}:{inbound_id}",
                    )
    elif disposition == "reply" and token is not None and author is not None:
        disposition = await handle_reply(app, parsed, token, author)
    elif disposition == "calendar_reply":
        account_id = record_calendar_reply(app, parsed)
    elif disposition == "search" and author is not None:  # "search: ..." from an authenticated company sender
        disposition = await search.answer_by_mail(app, parsed, author)
    with session_scope(app.engine) as session:
        repo.finish_inbound(
            session,
            inbound_id,
            status="done" if disposition in ("material", "reply", "search", "unchanged") else "ignored",
            disposition=disposition,
            at=app.now(),
            account_id=account_id,
        )
    log.info("inbound %s %s: %s", inbound_id, parsed.message_id, disposition)
    return disposition


async def handle_reply(app: App, parsed: ParsedMail, token: str, author: str) -> str:
    """A reply to a handoff's address: the rep's changes then the mail they call for, or the CSM's feedback."""
    checked = await check_reply(app, parsed, token, author)
    if checked.account_id is None:
        return checked.disposition
    if checked.disposition == "csm_feedback":
        return await feedback.handle_csm_feedback(app, checked.account_id, parsed)
    follow_up = await apply_reply(app, checked.account_id, parsed)
    capped = not follow_up.commanded  # the rep's commands are always answered
    if follow_up.deliver:
        await deliver(app, checked.account_id, parsed)
    elif follow_up.cancel:
        await invites.withdraw(app, checked.account_id, parsed, follow_up.notes)
    elif follow_up.draft:
        await delivery.send_draft(app, checked.account_id, notes=follow_up.notes, force=True, capped=capped)
    elif follow_up.notice and follow_up.in_thread:
        await outbox.tell_rep(app, checked.account_id, follow_up.notice, parsed, capped=capped)
    elif follow_up.notice:
        await outbox.explain(app, author, follow_up.notice, parsed, capped=capped)
    return follow_up.disposition


def _tell_apart(parsed: ParsedMail, digest: str, inbound_id: int, earlier: int) -> None:
    """A Message-ID already on file with other bytes: read this one under an id of its own, so nothing is dropped."""
    original = parsed.message_id
    own = f"<{digest[:32]}.reused@handoff.invalid>"
    log.warning(
        "suspicious: inbound %s reuses Message-ID %s of inbound %s with other content; read as %s",
        inbound_id,
        original,
        earlier,
        own,
    )
    parsed.message_id = own
    for message in parsed.messages:
        if message.id == original or message.id.startswith(original + "#"):
            message.id = own + message.id[len(original) :]


async def tell_unconfirmed(app: App, parsed: ParsedMail, verdict: Verdict) -> None:
    """Tell the address in From, when it is ours, that a message in its name was not acted on (no content)."""
    to = verdict.header_from or ""
    if not to or not app.settings.is_company_address(to):
        return
    with session_scope(app.engine) as session:
        since = app.now() - timedelta(days=1)
        if repo.count_keyed_since(session, to, "unconfirmed:", since) >= UNCONFIRMED_NOTICES_PER_DAY:
            log.warning("not telling %s about another unconfirmed message today", to)
            return
    if verdict.suspicious:
        text = (
            "A message that names you as its sender reached the handoff inbox, but it did not come from your "
            f"mail account ({verdict.reason}). Nothing was done with it. If you did not send it, someone tried "
            "to act in your name: please tell your IT or security team."
        )
    else:
        text = (
            "A message from you reached the handoff inbox, but I could not confirm it came from your mail account "
            f"({verdict.reason}), so nothing was done with it. Send it again from your usual company mail account."
        )
    await outbox.explain(app, to, text, parsed, key=f"unconfirmed:{parsed.message_id}")


async def deliver(app: App, account_id: int, parsed: ParsedMail | None = None) -> None:
    """The next version to the CSM, kept as a snapshot in the same transaction; then the webhook is posted."""
    done = await delivery.deliver_final(
        app, account_id, parsed=parsed, keep=lambda session, version: snapshots.keep(app, session, version)
    )
    if done.sent:
        await snapshots.announce(app)


def record_calendar_reply(app: App, parsed: ParsedMail) -> int | None:
    """An accept/decline of our invite: recorded on its account, never a command or material."""
    reply = read_calendar_reply(parsed.calendar_ics) if parsed.calendar_ics else None
    with session_scope(app.engine) as session:
        account = repo.account_by_invite_uid(session, reply.uid) if reply is not None else None
        account_id = account.id if account is not None else None
        repo.log_event(
            session,
            "calendar_reply",
            account_id,
            message_id=parsed.message_id,
            attendee=reply.attendee if reply else None,
            partstat=reply.partstat if reply else None,
        )
    return account_id


def _replies_to_our_mail(app: App, parsed: ParsedMail) -> bool:
    ids = {i for i in (parsed.in_reply_to, *parsed.references) if i}
    if not ids:
        return False
    with session_scope(app.engine) as session:
        return repo.any_outbound_with_message_id(session, ids)


async def send_draft(ctx: dict[str, Any], account_id: int) -> bool:
    """Send the draft once its debounce has run out; a burst of forwards pushes that time on."""
    app: App = ctx["app"]
    if await delivery.send_draft(app, account_id):
        return True
    with session_scope(app.engine) as session:
        account = session.get(Account, account_id)
        due = account.draft_due_at if account is not None else None
    if due is not None:
        wait_s = max(0.0, (due - app.now()).total_seconds())
        await app.enqueue("send_draft", account_id, defer_s=wait_s, job_id=f"draft:{account_id}:{due.isoformat()}")
    return False


async def flush_outbox(ctx: dict[str, Any]) -> int:
    return await outbox.flush_outbound(ctx["app"])


async def tick(ctx: dict[str, Any]) -> None:
    """Periodic work: drafts whose debounce ran out, mail the relay did not take, stuck messages."""
    app: App = ctx["app"]
    with session_scope(app.engine) as session:
        due = repo.account_ids_due_for_draft(session, app.now())
    for account_id in due:
        await delivery.send_draft(app, account_id)
    await outbox.flush_outbound(app)
    await _requeue_stuck_inbound(app)
    await reminders.send_reminders(app)
    # After the handoff: snapshots a crash left out, webhook retries, check-backs, the weekly digest.
    await snapshots.record_missing(app)
    await webhook.flush_webhooks(app)
    await checkbacks.send_due_checkbacks(app)
    await report.send_weekly_digest(app)


async def resume_pending(ctx: dict[str, Any], *, sole_process: bool = False) -> None:
    """After a restart: queue every stored message that was not processed, and due drafts.

    ``sole_process`` (the embedded mode: nobody else can be sending) also takes back the
    outgoing messages a killed process had claimed, so they go out now rather than later.
    """
    app: App = ctx["app"]
    with session_scope(app.engine) as session:
        if sole_process:
            repo.release_stale_claims(session, app.now())
        ids = repo.pending_inbound_ids(session)
        waiting = repo.account_ids_with_draft_waiting(session)
    await _queue_inbound(app, ids)
    for account_id in waiting:
        await app.enqueue("send_draft", account_id, job_id=f"draft:{account_id}:resume")


async def _queue_inbound(app: App, ids: list[int]) -> None:
    """Queue each message's job under the intake's job id: arq adds none while that job is queued or running."""
    for inbound_id in ids:
        await app.enqueue("process_inbound", inbound_id, job_id=f"inbound:{inbound_id}")


async def _requeue_stuck_inbound(app: App) -> None:
    """On arq, queue again the messages whose job was lost (Redis data lost, enqueue failed, the job cut).

    Only where jobs are deduplicated across processes: the inline queue forgets a job id once
    the job starts, and a message there is pending only while its job runs or after a restart
    (which ``resume_pending`` covers). A job id arq still holds a result for (``keep_result``,
    60 s) is not queued again until that expires; the tick keeps asking.
    """
    if app.queue is None or not app.queue.shared:
        return
    with session_scope(app.engine) as session:
        ids = repo.pending_inbound_ids(session, received_before=app.now() - STUCK_AFTER)
    if ids:
        log.info("queueing again %d message(s) pending for over %s", len(ids), STUCK_AFTER)
    await _queue_inbound(app, ids)


async def send_waiting_drafts(app: App) -> None:
    """Send every draft that is waiting for its debounce, now (end of a batch ingest)."""
    with session_scope(app.engine) as session:
        waiting = repo.account_ids_with_draft_waiting(session)
    for account_id in waiting:
        await delivery.send_draft(app, account_id, force=True)


async def on_job_failed(ctx: dict[str, Any], job: str, args: tuple[Any, ...], exc: BaseException) -> None:
    """The last try failed: a message is quarantined (``handoff quarantine replay`` brings it back)."""
    app: App = ctx["app"]
    log.error("job %s%s gave up: %s", job, args, exc)
    if job == "process_inbound" and args:
        try:
            with session_scope(app.engine) as session:
                row = session.get(Inbound, args[0])
                if row is not None:
                    row.status, row.error = "quarantined", f"{type(exc).__name__}: {exc}"[:2000]
        except Exception:  # the database itself may be what failed
            log.exception("could not quarantine inbound %s", args[0])


JOBS: dict[str, Callable[..., Awaitable[Any]]] = {
    "process_inbound": process_inbound,
    "send_draft": send_draft,
    "flush_outbox": flush_outbox,
}
