"""The IMAP intake: read a mailbox (Google Workspace, Microsoft 365, any IMAP server) into ``intake.receive``.

What it is for: ``ImapIntake(intake).run(stop)`` logs in to ``HANDOFF_IMAP_URL`` with a
password or an XOAUTH2 token (read from ``HANDOFF_IMAP_PASSWORD_COMMAND`` or
``HANDOFF_IMAP_PASSWORD_FILE`` at every connect, so tokens can refresh), takes
every unseen message of the folder, and only once ``Intake.receive`` has committed it marks
it ``\\Seen`` and moves it to the processed folder (MOVE, else COPY + ``\\Deleted`` +
EXPUNGE). Between rounds it waits in IDLE, re-issued every ``imap_idle_s`` (well
within the 29 minutes of RFC 2177), or polls every ``imap_poll_s`` when the server
has no IDLE. Every network call runs in a thread with socket timeouts of
``imap_timeout_s``; drops, BYE, timeouts and refused logins reconnect with capped
exponential backoff (tenacity, from ``imap_backoff_max_s``); a database that is down
leaves the message unseen for the next round; a new UIDVALIDITY needs nothing but a
re-scan because the intake keeps no UID state and ``receive`` dedupes by Message-ID.
Not for: where and how to log in (imap_login.py), parsing or processing, nor sending
(mailflows/outbound/send.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import email.parser
import email.policy
import email.utils
import imaplib
import logging
import random
import re
import ssl
import time
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal

from imapclient import DELETED, FLAGGED, SEEN, IMAPClient, SocketTimeout
from imapclient.exceptions import LoginError
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, retry_if_exception_type, wait_exponential

from agent.errors import ConfigError, SenderCheckDeferred, StorageUnavailable
from mailflows.inbound.authorship import Arrival, envelope_address, header_values
from mailflows.inbound.imap_login import checked_target, read_secret
from mailflows.inbound.intake import Intake

log = logging.getLogger(__name__)

IDLE_CHECK_S = 0.5  # how often a waiting IDLE looks at ``stop``; bounds the shutdown delay
FIRST_RETRY_S = 1.0
ENVELOPE_TO_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To")
_ADDR_SPEC = re.compile(r"^[^\s<>@\"(),;:]+@[^\s<>@\"(),;:]+$")


def envelope_of(raw: bytes) -> tuple[str, list[str]]:
    """(sender, recipients) as the delivering server recorded them.

    The sender is the topmost Return-Path only, the one the final delivering server
    wrote (RFC 5321 4.4): ``Return-Path: <>`` stays the null sender, and so does a
    message with none (it was not delivered by a mail server); From is never read here,
    since the envelope is what From is checked against.
    """
    headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)
    paths = header_values(raw, "Return-Path")
    mail_from = envelope_address(paths[0]) if paths else ""
    if mail_from and not _ADDR_SPEC.match(mail_from):
        mail_from = ""  # not an address a server would write: nobody
    recipients: list[str] = []
    for name in ENVELOPE_TO_HEADERS:
        for _, addr in email.utils.getaddresses([str(h) for h in headers.get_all(name) or []]):
            if addr and addr.lower() not in recipients:
                recipients.append(addr.lower())
    return mail_from, recipients


def backoff(first_s: float, max_s: float) -> Any:
    """Capped exponential delays with a little jitter: ``first_s``, twice that ... ``max_s`` seconds."""
    exponential = wait_exponential(multiplier=first_s, max=max_s)

    def wait(state: RetryCallState) -> float:
        return float(exponential(state)) * random.uniform(0.8, 1.0)

    return wait


class _StorageDown(Exception):
    """A round stopped because the database did not answer; the message stays unseen."""


@dataclass
class ImapStats:
    """Counters for logs, health checks and tests."""

    connects: int = 0
    login_failures: int = 0
    rounds: int = 0
    stored: int = 0
    duplicates: int = 0
    moved: int = 0
    storage_failures: int = 0
    failures: int = 0
    reconnect_waits: int = 0
    too_large: int = 0
    deferred: int = 0  # who wrote it could not be decided yet (DNS): left unseen for the next round
    idles: int = 0
    uidvalidity_changes: int = 0
    last_error: str = ""


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    """Sleep, but wake at once when ``stop`` is set."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


class ImapIntake:
    """One mailbox read by one loop; ``run(stop)`` returns when ``stop`` is set.

    Creating it checks the configuration (``ConfigError``), so ``serve`` fails at start
    rather than in a background task.
    """

    def __init__(self, intake: Intake, *, first_retry_s: float = FIRST_RETRY_S) -> None:
        self.intake = intake
        self.settings = intake.settings
        self.target = checked_target(intake.settings)
        self.stats = ImapStats()
        self.first_retry_s = first_retry_s
        self._progress = False  # the current connection has finished a round: the backoff starts again
        self._uidvalidity: int | None = None

    async def run(self, stop: asyncio.Event) -> None:
        log.info("IMAP intake reading %s", self.target)
        dropped = False
        while not stop.is_set():
            self._progress = False
            try:
                async for attempt in self._reconnecting(stop, after_drop=dropped):
                    with attempt:
                        await self._attempt(stop)
            except ConfigError:
                raise
            except Exception:  # a connection that had done a round failed: back off from the start again
                if stop.is_set():
                    break
                delay = backoff(self.first_retry_s, self.settings.imap_backoff_max_s)(_first_failure())
                self._log_reconnect(delay)
                await _wait(stop, delay)
            dropped = True
        log.info("IMAP intake stopped")

    def _reconnecting(self, stop: asyncio.Event, *, after_drop: bool) -> AsyncRetrying:
        """Every network, server and token failure before a round is done: back off and reconnect.

        After a dropped connection the first wait was already taken, so the next ones start doubled.
        """
        first_s = self.first_retry_s * (2 if after_drop else 1)
        return AsyncRetrying(
            retry=retry_if_exception(self._worth_reconnecting),
            wait=backoff(first_s, self.settings.imap_backoff_max_s),
            stop=lambda _state: stop.is_set(),
            sleep=partial(_wait, stop),
            before_sleep=lambda state: self._log_reconnect(state.upcoming_sleep),
            reraise=True,
        )

    def _worth_reconnecting(self, exc: BaseException) -> bool:
        """A failure before this connection did a round; never a bad setting or a cancellation."""
        return isinstance(exc, Exception) and not isinstance(exc, ConfigError) and not self._progress

    def _log_reconnect(self, delay_s: float) -> None:
        self.stats.reconnect_waits += 1
        log.warning("IMAP %s failed (%s); reconnecting in %.1fs", self.target, self.stats.last_error, delay_s)

    async def _attempt(self, stop: asyncio.Event) -> None:
        try:
            await self._session(stop)
        except Exception as exc:
            self.stats.last_error = f"{type(exc).__name__}: {exc}"
            raise

    # -- one connection ------------------------------------------------------------

    async def _session(self, stop: asyncio.Event) -> None:
        secret = await asyncio.to_thread(read_secret, self.settings, self.target)
        connecting = asyncio.ensure_future(asyncio.to_thread(self._connect, secret))
        try:
            client = await asyncio.shield(connecting)
        except asyncio.CancelledError:
            # The thread still finishes its login; close what it opens instead of leaking the socket.
            connecting.add_done_callback(_close_when_connected)
            raise
        try:
            capabilities = await asyncio.to_thread(self._select, client)
            while not stop.is_set():
                try:
                    async for attempt in self._storing(stop):
                        with attempt:
                            await self._rounds(client, capabilities, stop)
                except _StorageDown:
                    break  # stopped while the database was down: the messages stay unseen
                if stop.is_set():
                    break
                if b"IDLE" in capabilities:
                    await self._idle(client, stop)
                else:
                    await _wait(stop, self.settings.imap_poll_s)
        except BaseException:
            _close_quietly(client)  # wakes a thread still blocked on the socket; CancelledError propagates
            raise
        await asyncio.to_thread(_logout_quietly, client)

    def _connect(self, secret: str) -> IMAPClient:
        timeout = self.settings.imap_timeout_s
        context = ssl.create_default_context()
        client = IMAPClient(
            self.target.host,
            port=self.target.port,
            ssl=self.target.tls == "tls",
            ssl_context=context if self.target.tls == "tls" else None,
            timeout=SocketTimeout(connect=timeout, read=timeout),
        )
        try:
            if self.target.tls == "starttls":
                client.starttls(context)
            if self.settings.imap_auth == "xoauth2":
                client.oauth2_login(self.target.username, secret)
            else:
                client.login(self.target.username, secret)
        except BaseException as exc:
            if isinstance(exc, LoginError):
                self.stats.login_failures += 1
            _close_quietly(client)
            raise
        self.stats.connects += 1
        return client

    def _select(self, client: IMAPClient) -> frozenset[bytes]:
        """Select the folder (creating the processed folder first); returns the server's capabilities."""
        folder = self.settings.imap_processed_folder
        if folder and not client.folder_exists(folder):
            try:
                client.create_folder(folder)
            except imaplib.IMAP4.error:
                if not client.folder_exists(folder):  # another reader may have created it meanwhile
                    raise
        selected = client.select_folder(self.target.folder)
        uidvalidity = int(selected[b"UIDVALIDITY"])
        if self._uidvalidity is not None and uidvalidity != self._uidvalidity:
            self.stats.uidvalidity_changes += 1
            log.warning(
                "UIDVALIDITY of %s changed (%s -> %s): re-scanning; Message-ID dedupe keeps it exactly-once",
                self.target,
                self._uidvalidity,
                uidvalidity,
            )
        self._uidvalidity = uidvalidity
        return frozenset(client.capabilities())

    def _storing(self, stop: asyncio.Event) -> AsyncRetrying:
        """Rounds while the database is down: the same backoff, until a round is done."""
        return AsyncRetrying(
            retry=retry_if_exception_type(_StorageDown),
            wait=backoff(self.first_retry_s, self.settings.imap_backoff_max_s),
            stop=lambda _state: stop.is_set(),
            sleep=partial(_wait, stop),
            reraise=True,
        )

    async def _rounds(self, client: IMAPClient, capabilities: frozenset[bytes], stop: asyncio.Event) -> None:
        """Rounds until one finds nothing new; raises ``_StorageDown`` when the database did not answer."""
        while not stop.is_set():
            outcome = await self._round(client, capabilities, stop)
            self._progress = True  # only now: a server that drops us right after login still backs off
            if outcome == "storage_down":
                raise _StorageDown
            if outcome == "done":
                return

    # -- one round: every unseen message --------------------------------------------

    async def _round(
        self, client: IMAPClient, capabilities: frozenset[bytes], stop: asyncio.Event
    ) -> Literal["again", "storage_down", "done"]:
        self.stats.rounds += 1
        unseen = await asyncio.to_thread(self._unseen, client)
        finished = 0
        for uid, size in unseen:
            if stop.is_set():
                return "done"  # the rest stay unseen for the next start
            if size > self.settings.max_message_bytes:
                await asyncio.to_thread(self._set_aside, client, uid, size)
                continue
            async with self.intake.admit(size):  # its bytes are in memory from the fetch to the commit
                raw = await asyncio.to_thread(self._fetch, client, uid)
                if raw is None:
                    continue  # expunged by someone else meanwhile
                mail_from, rcpt_to = envelope_of(raw)
                try:
                    inbound_id, created = await self.intake.receive(
                        raw, arrival=Arrival("imap", mail_from=mail_from), rcpt_to=rcpt_to
                    )
                except SenderCheckDeferred as exc:
                    self.stats.deferred += 1
                    log.warning("IMAP message uid %s left unseen for the next round: %s", uid, exc)
                    continue
                except StorageUnavailable as exc:
                    self.stats.storage_failures += 1
                    log.error("IMAP message uid %s left unseen, the database is down: %s", uid, exc)
                    return "storage_down"
                except Exception:
                    self.stats.failures += 1
                    log.exception("IMAP message uid %s left unseen: unexpected error while storing", uid)
                    continue
                del raw  # out of memory before the budget lets the next one in
            self.stats.stored += created
            self.stats.duplicates += not created
            await asyncio.to_thread(self._finish, client, uid, capabilities)
            finished += 1
            log.info("IMAP uid %s stored as inbound %s%s", uid, inbound_id, "" if created else " (already had it)")
        arrived = await asyncio.to_thread(_pop_arrivals, client)
        return "again" if finished or arrived else "done"

    def _unseen(self, client: IMAPClient) -> list[tuple[int, int]]:
        _pop_arrivals(client)
        uids = client.search(["UNSEEN", "NOT", "DELETED"])
        if not uids:
            return []
        sizes = client.fetch(uids, ["RFC822.SIZE"])
        return sorted((uid, int(data.get(b"RFC822.SIZE", 0))) for uid, data in sizes.items())

    def _fetch(self, client: IMAPClient, uid: int) -> bytes | None:
        # BODY.PEEK keeps \Seen unset: it is set only once the message is committed.
        data = client.fetch([uid], ["BODY.PEEK[]"]).get(uid)
        if not data or data.get(b"BODY[]") is None:
            return None
        return bytes(data[b"BODY[]"])

    def _finish(self, client: IMAPClient, uid: int, capabilities: frozenset[bytes]) -> None:
        client.add_flags([uid], [SEEN])
        folder = self.settings.imap_processed_folder
        if not folder:
            return
        if b"MOVE" in capabilities:
            client.move([uid], folder)
        else:
            client.copy([uid], folder)
            client.add_flags([uid], [DELETED])
            if b"UIDPLUS" in capabilities:
                client.uid_expunge([uid])
            else:
                client.expunge()
        self.stats.moved += 1

    def _set_aside(self, client: IMAPClient, uid: int, size: int) -> None:
        # Never storable, so it is flagged for a human instead of being fetched again every round.
        self.stats.too_large += 1
        log.error(
            "IMAP message uid %s is %s bytes, over HANDOFF_MAX_MESSAGE_BYTES=%s: flagged and left in %s",
            uid,
            size,
            self.settings.max_message_bytes,
            self.target.folder,
        )
        client.add_flags([uid], [SEEN, FLAGGED])

    # -- waiting for new mail --------------------------------------------------------

    async def _idle(self, client: IMAPClient, stop: asyncio.Event) -> None:
        await asyncio.to_thread(client.idle)
        self.stats.idles += 1
        deadline = time.monotonic() + self.settings.imap_idle_s
        # mail that arrived after the last SEARCH may be announced as IDLE starts, before its "+ idling": imaplib
        # files that EXISTS with the command's replies, where idle_check never looks
        arrived = await asyncio.to_thread(_pop_arrivals, client)
        while not stop.is_set() and not arrived:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            chunk = min(IDLE_CHECK_S, left)
            started = time.monotonic()
            responses = await asyncio.to_thread(client.idle_check, chunk)
            if any(not _is_keepalive(r) for r in responses):
                break
            if not responses and time.monotonic() - started < chunk / 2:
                break  # readable but nothing to read: EOF, which idle_done below turns into an error
        await asyncio.to_thread(client.idle_done)


def _is_keepalive(response: Any) -> bool:
    return isinstance(response, tuple) and bool(response) and response[0] == b"OK"


def _pop_arrivals(client: IMAPClient) -> bool:
    """Whether the server announced new mail in a reply to some other command (IDLE would not repeat it).

    imapclient leaves such untagged replies in imaplib's ``untagged_responses``; reading
    them is the only way to close the gap between the last SEARCH and the next IDLE.
    """
    untagged = client._imap.untagged_responses
    return bool(untagged.pop("EXISTS", None))


def _close_when_connected(connecting: asyncio.Future[IMAPClient]) -> None:
    if not connecting.cancelled() and connecting.exception() is None:
        _close_quietly(connecting.result())


def _close_quietly(client: IMAPClient) -> None:
    try:
        client.shutdown()
    except Exception:  # already closed or never fully open
        log.debug("closing the IMAP socket failed", exc_info=True)


def _logout_quietly(client: IMAPClient) -> None:
    try:
        client.logout()
    except Exception:
        _close_quietly(client)


def _first_failure() -> RetryCallState:
    """The state of a first failed try, to ask a wait strategy for its first delay."""
    state = RetryCallState(AsyncRetrying(), None, (), {})
    state.attempt_number = 1
    return state
