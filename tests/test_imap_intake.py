"""The IMAP intake against a real Dovecot on loopback, driven through real imapclient connections.

Each test starts its own Dovecot (tests/dovecot.py); when Dovecot is not installed
the tests FAIL and say to run ``bash scripts/dovecot.sh``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from imapclient import SEEN, IMAPClient
from sqlalchemy import create_engine
from sqlmodel import col, select

from agent.app import open_app
from agent.context import App
from agent.errors import ConfigError
from agent.service import intake_for
from db.models import Inbound
from db.session import session_scope
from mailflows.inbound.imap_intake import ImapIntake, envelope_of
from mailflows.inbound.imap_login import imap_target
from tests.conftest import INBOX, REP, make_settings
from tests.dovecot import Dovecot

WAIT_S = 20.0


def forward(n: int, *, message_id: str | None = None, delivered_to: str | None = INBOX) -> bytes:
    msg = EmailMessage()
    if delivered_to:
        msg["Delivered-To"] = delivered_to
    msg["Return-Path"] = f"<{REP}>"
    msg["From"] = f"Sam Okafor <{REP}>"
    msg["To"] = INBOX
    msg["Subject"] = f"Fwd: note {n}"
    msg["Date"] = "Mon, 02 Mar 2026 09:00:00 +0000"
    msg["Message-ID"] = message_id or f"<imap-{n}@northwind.example>"
    msg.set_content(f"FYI, note {n}: Ana Ruiz <ana.ruiz@customer.example> wants a pilot in April.\n")
    return msg.as_bytes().replace(b"\n", b"\r\n")


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    server = Dovecot()
    server.start()
    try:
        yield server
    finally:
        server.cleanup()


class Mailbox:
    """The test's own IMAP connection, to put mail in and look at folders (blocking calls in a thread)."""

    def __init__(self, server: Dovecot) -> None:
        self.server = server

    def _client(self) -> IMAPClient:
        client = IMAPClient("127.0.0.1", port=self.server.port, ssl=False, timeout=10)
        client.login(self.server.user, self.server.password)
        return client

    def _call(self, fn: Callable[[IMAPClient], Any]) -> Any:
        client = self._client()
        try:
            return fn(client)
        finally:
            client.logout()

    async def append(self, raw: bytes, folder: str = "INBOX", flags: tuple[bytes, ...] = ()) -> None:
        await asyncio.to_thread(self._call, lambda c: c.append(folder, raw, flags=flags))

    async def flags(self, folder: str) -> dict[str, tuple[bytes, ...]]:
        """Message-ID -> flags of every message in the folder."""

        def look(client: IMAPClient) -> dict[str, tuple[bytes, ...]]:
            if not client.folder_exists(folder):
                return {}
            client.select_folder(folder, readonly=True)
            uids = client.search(["ALL"])
            found = client.fetch(uids, ["FLAGS", "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"]) if uids else {}
            return {
                data[b"BODY[HEADER.FIELDS (MESSAGE-ID)]"].decode().split(":", 1)[1].strip(): data[b"FLAGS"]
                for data in found.values()
            }

        result: dict[str, tuple[bytes, ...]] = await asyncio.to_thread(self._call, look)
        return result

    async def run(self, fn: Callable[[IMAPClient], Any]) -> Any:
        return await asyncio.to_thread(self._call, fn)


def imap_settings(
    tmp_path: Path, server: Dovecot, *, with_password: bool = True, folder: str = "INBOX", **overrides: Any
) -> Any:
    user = quote(server.user, safe="")
    secret = f":{quote(server.password, safe='')}" if with_password else ""
    values: dict[str, Any] = {
        "imap_url": f"imap://{user}{secret}@127.0.0.1:{server.port}/{folder}",
        "imap_starttls": False,
        "imap_timeout_s": 5,
        "imap_idle_s": 30,
        "imap_poll_s": 30,
        "imap_backoff_max_s": 2,
    }
    values.update(overrides)
    return make_settings(tmp_path, **values)


class Running:
    """An app plus an ``ImapIntake`` task; ``stop()`` ends it the way ``handoff serve`` does."""

    def __init__(self, app: App, intake: ImapIntake) -> None:
        self.app, self.intake = app, intake
        self.stop_event = asyncio.Event()
        self.task = asyncio.create_task(intake.run(self.stop_event))

    async def until(self, predicate: Callable[[], bool], what: str, timeout_s: float = WAIT_S) -> float:
        """Wait until ``predicate()`` holds; returns the seconds it took."""
        started = time.monotonic()
        while not predicate():
            if self.task.done():
                self.task.result()
                pytest.fail(f"the intake ended before {what}")
            if time.monotonic() - started > timeout_s:
                pytest.fail(f"timed out after {timeout_s}s waiting for {what}; stats: {self.intake.stats}")
            await asyncio.sleep(0.02)
        return time.monotonic() - started

    def stored(self) -> list[Inbound]:
        with session_scope(self.app.engine) as session:
            return list(session.exec(select(Inbound).order_by(col(Inbound.id))))

    async def stop(self) -> None:
        self.stop_event.set()
        await asyncio.wait_for(self.task, timeout=10)


@pytest.fixture
async def start(tmp_path: Path) -> AsyncIterator[Callable[..., Any]]:
    running: list[Running] = []

    async def _start(server: Dovecot, **overrides: Any) -> Running:
        app = await open_app(imap_settings(tmp_path, server, **overrides), inline=True)
        run = Running(app, ImapIntake(intake_for(app), first_retry_s=0.1))
        running.append(run)
        return run

    yield _start
    for run in running:
        if not run.task.done():
            await run.stop()
        assert run.app.queue is not None
        await run.app.queue.drain()
        await run.intake.intake.close()
        await run.app.close()


async def test_unseen_messages_are_stored_then_marked_seen_and_moved_to_the_processed_folder(
    dovecot: Dovecot, start: Callable[..., Any]
) -> None:
    box = Mailbox(dovecot)
    await box.append(forward(1))
    await box.append(forward(2))
    await box.append(forward(3), flags=(SEEN,))  # read by a human already: not ours to take
    run = await start(dovecot)
    await run.until(lambda: run.intake.stats.moved == 2, "two messages moved")

    rows = run.stored()
    assert [r.message_id for r in rows] == ["<imap-1@northwind.example>", "<imap-2@northwind.example>"]
    assert {r.channel for r in rows} == {"imap"}
    assert rows[0].mail_from == REP and rows[0].rcpt_to == [INBOX]
    assert b"pilot in April" in rows[0].raw
    assert await box.flags("INBOX") == {"<imap-3@northwind.example>": (SEEN,)}
    processed = await box.flags("Processed")
    assert sorted(processed) == ["<imap-1@northwind.example>", "<imap-2@northwind.example>"]
    assert all(SEEN in flags for flags in processed.values())
    await run.stop()


async def test_a_message_that_cannot_be_stored_stays_unseen_in_the_inbox_and_is_taken_next_round(
    dovecot: Dovecot, start: Callable[..., Any]
) -> None:
    box = Mailbox(dovecot)
    run = await start(dovecot)
    await run.until(lambda: run.intake.stats.idles >= 1, "the intake to wait in IDLE")
    writer = run.intake.intake.writer
    healthy = writer.engine
    writer.engine = create_engine("sqlite:////nonexistent-dir/handoff.db")
    try:
        await box.append(forward(1))
        await run.until(lambda: run.intake.stats.storage_failures >= 1, "a failed store")
        assert await box.flags("INBOX") == {"<imap-1@northwind.example>": ()}
        assert await box.flags("Processed") == {}
    finally:
        writer.engine = healthy
    await run.until(lambda: run.intake.stats.moved == 1, "the retry to store and move it")
    assert [r.message_id for r in run.stored()] == ["<imap-1@northwind.example>"]
    assert await box.flags("INBOX") == {}
    await run.stop()


async def test_the_intake_reconnects_after_the_server_drops_the_connection(
    dovecot: Dovecot, start: Callable[..., Any]
) -> None:
    box = Mailbox(dovecot)
    run = await start(dovecot)
    await run.until(lambda: run.intake.stats.idles >= 1, "the intake to wait in IDLE")
    await asyncio.to_thread(dovecot.kick)
    await run.until(lambda: run.intake.stats.connects >= 2, "a new connection")
    await box.append(forward(1))
    await run.until(lambda: run.intake.stats.moved == 1, "the message after the reconnect")
    assert "EOF" in run.intake.stats.last_error or "BYE" in run.intake.stats.last_error
    await run.stop()


async def test_the_intake_retries_while_the_server_is_down_and_carries_on_after_its_restart(
    dovecot: Dovecot, start: Callable[..., Any]
) -> None:
    run = await start(dovecot)
    await run.until(lambda: run.intake.stats.idles >= 1, "the intake to wait in IDLE")
    await asyncio.to_thread(dovecot.stop)
    await asyncio.sleep(1.0)  # connection refused a few times, with growing delays
    await asyncio.to_thread(dovecot.start)
    await Mailbox(dovecot).append(forward(1))
    await run.until(lambda: run.intake.stats.moved == 1, "the message after the restart")
    assert run.intake.stats.connects >= 2
    await run.stop()


async def test_the_password_comes_from_a_command_that_runs_again_at_every_connect(
    dovecot: Dovecot, start: Callable[..., Any], tmp_path: Path
) -> None:
    calls = tmp_path / "calls"
    command = f"echo call >> {calls} && printf '%s\\n' {dovecot.password}"
    run = await start(dovecot, with_password=False, imap_password_command=command)
    await Mailbox(dovecot).append(forward(1))
    await run.until(lambda: run.intake.stats.moved == 1, "the message read with the command's password")
    await asyncio.to_thread(dovecot.kick)
    await run.until(lambda: run.intake.stats.connects >= 2, "a new connection")
    assert calls.read_text().count("call") == 2
    await run.stop()


async def test_a_refused_login_is_retried_until_the_token_file_holds_a_valid_one(
    dovecot: Dovecot, start: Callable[..., Any], tmp_path: Path
) -> None:
    token = tmp_path / "token"
    token.write_text("expired-token\n")
    run = await start(dovecot, with_password=False, imap_password_file=token)
    await Mailbox(dovecot).append(forward(1))
    # Dovecot delays every login from an address after a failure by seconds (its auth penalty), so one will do.
    await run.until(lambda: run.intake.stats.login_failures >= 1, "a refused login")
    assert run.intake.stats.moved == 0
    token.write_text(dovecot.password + "\n")
    await run.until(lambda: run.intake.stats.moved == 1, "the message once the token is valid")
    await run.stop()


async def test_an_xoauth2_token_that_expires_is_read_again_from_the_command_after_a_refused_login(
    dovecot: Dovecot, start: Callable[..., Any], tmp_path: Path
) -> None:
    token = tmp_path / "token"
    token.write_text(dovecot.password)
    run = await start(dovecot, with_password=False, imap_auth="xoauth2", imap_password_command=f"cat {token}")
    await run.until(lambda: run.intake.stats.idles >= 1, "the intake to wait in IDLE")
    assert "method=XOAUTH2" in dovecot.log_text()

    await asyncio.to_thread(dovecot.set_password, "ya29.fresh-token")  # the old token expired
    await asyncio.to_thread(dovecot.kick)
    await run.until(lambda: run.intake.stats.login_failures >= 1, "the expired token to be refused")
    token.write_text("ya29.fresh-token\n")  # the token helper refreshed it
    await run.until(lambda: run.intake.stats.connects >= 2, "a login with the fresh token")
    await Mailbox(dovecot).append(forward(1))
    await run.until(lambda: run.intake.stats.moved == 1, "the message read with the fresh token")
    await run.stop()


async def test_idle_wakes_up_on_new_mail_much_sooner_than_the_poll_interval(
    dovecot: Dovecot, start: Callable[..., Any]
) -> None:
    box = Mailbox(dovecot)
    run = await start(dovecot, imap_poll_s=60, imap_idle_s=60)
    await run.until(lambda: run.intake.stats.idles >= 1, "the intake to wait in IDLE")
    await asyncio.sleep(0.2)
    started = time.monotonic()
    await box.append(forward(1))
    await run.until(lambda: run.intake.stats.moved == 1, "the new message")
    assert time.monotonic() - started < 3.0
    await run.stop()


async def test_idle_is_reissued_after_imap_idle_s(dovecot: Dovecot, start: Callable[..., Any]) -> None:
    run = await start(dovecot, imap_idle_s=0.5)
    await run.until(lambda: run.intake.stats.idles >= 3, "IDLE issued three times")
    assert run.intake.stats.connects == 1
    await run.stop()


async def test_without_idle_or_move_the_intake_polls_and_moves_with_copy_and_expunge(
    tmp_path: Path, start: Callable[..., Any]
) -> None:
    server = Dovecot(capabilities="IMAP4rev1 LITERAL+ UIDPLUS")
    server.start()
    try:
        box = Mailbox(server)
        await box.append(forward(1))
        run = await start(server, imap_poll_s=0.2)
        await run.until(lambda: run.intake.stats.moved == 1, "the first message")
        await box.append(forward(2))
        await run.until(lambda: run.intake.stats.moved == 2, "the second message, found by polling")
        assert run.intake.stats.idles == 0
        assert await box.flags("INBOX") == {}
        assert sorted(await box.flags("Processed")) == ["<imap-1@northwind.example>", "<imap-2@northwind.example>"]
        await run.stop()
    finally:
        server.cleanup()


async def test_a_new_uidvalidity_is_rescanned_and_message_id_dedupe_stores_each_message_once(
    dovecot: Dovecot, start: Callable[..., Any]
) -> None:
    box = Mailbox(dovecot)
    await box.run(lambda c: c.create_folder("Handoff"))
    await box.append(forward(1), folder="Handoff")
    run = await start(dovecot, folder="Handoff")
    await run.until(lambda: run.intake.stats.moved == 1, "the first message")

    def recreate(client: IMAPClient) -> None:
        client.delete_folder("Handoff")
        client.create_folder("Handoff")

    await box.run(recreate)
    await box.append(forward(1), folder="Handoff")  # the same message again, under a new UIDVALIDITY
    await box.append(forward(2), folder="Handoff")
    await asyncio.to_thread(dovecot.kick)
    await run.until(lambda: run.intake.stats.moved == 3, "both messages of the new folder")
    assert run.intake.stats.uidvalidity_changes == 1
    assert run.intake.stats.duplicates == 1
    assert [r.message_id for r in run.stored()] == ["<imap-1@northwind.example>", "<imap-2@northwind.example>"]
    assert await box.flags("Handoff") == {}
    await run.stop()


async def test_a_message_over_the_size_limit_is_flagged_and_left_in_the_folder(
    dovecot: Dovecot, start: Callable[..., Any]
) -> None:
    box = Mailbox(dovecot)
    await box.append(forward(1) + b"x" * 4000)
    await box.append(forward(2))
    run = await start(dovecot, max_message_bytes=2000)
    await run.until(lambda: run.intake.stats.moved == 1, "the small message")
    assert run.intake.stats.too_large == 1
    assert [r.message_id for r in run.stored()] == ["<imap-2@northwind.example>"]
    assert set((await box.flags("INBOX"))["<imap-1@northwind.example>"]) == {SEEN, b"\\Flagged"}
    await run.stop()


async def test_stop_ends_the_intake_within_seconds_and_cancel_is_not_swallowed(
    dovecot: Dovecot, start: Callable[..., Any]
) -> None:
    run = await start(dovecot)
    await run.until(lambda: run.intake.stats.idles >= 1, "the intake to wait in IDLE")
    started = time.monotonic()
    await run.stop()
    assert time.monotonic() - started < 3.0

    other = await start(dovecot)
    await other.until(lambda: other.intake.stats.idles >= 1, "the second intake to wait in IDLE")
    other.task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(other.task, timeout=5)


async def test_an_unreachable_server_is_retried_with_growing_delays(tmp_path: Path) -> None:
    from tests.dovecot import free_port

    port = free_port()
    settings = make_settings(
        tmp_path, imap_url=f"imap://u:p@127.0.0.1:{port}/INBOX", imap_starttls=False, imap_backoff_max_s=0.4
    )
    app = await open_app(settings, inline=True)
    intake = ImapIntake(intake_for(app), first_retry_s=0.05)
    stop = asyncio.Event()
    task = asyncio.create_task(intake.run(stop))
    await asyncio.sleep(1.5)
    stop.set()
    await asyncio.wait_for(task, timeout=5)
    await app.close()
    assert intake.stats.connects == 0
    assert "ConnectionRefusedError" in intake.stats.last_error
    assert intake.stats.reconnect_waits >= 4  # 0.05, 0.1, 0.2, 0.4, 0.4 ...: not a tight loop, not stuck


async def test_a_server_that_never_greets_times_out_and_cancel_while_connecting_is_prompt(tmp_path: Path) -> None:
    import socket

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        settings = make_settings(
            tmp_path, imap_url=f"imap://u:p@127.0.0.1:{port}/INBOX", imap_starttls=False, imap_timeout_s=0.5
        )
        app = await open_app(settings, inline=True)
        intake = ImapIntake(intake_for(app), first_retry_s=0.05)
        task = asyncio.create_task(intake.run(asyncio.Event()))
        deadline = time.monotonic() + 10
        while "timed out" not in intake.stats.last_error and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert intake.stats.last_error == "TimeoutError: timed out"
        await asyncio.sleep(0.1)  # now inside the next connect
        started = time.monotonic()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert time.monotonic() - started < 0.2
        await app.close()


def test_the_url_gives_host_port_tls_user_password_and_folder(tmp_path: Path) -> None:
    target = imap_target(
        make_settings(tmp_path, imap_url="imaps://rep%40northwind.example:p%40ss@imap.example:993/Sales")
    )
    assert (target.host, target.port, target.tls) == ("imap.example", 993, "tls")
    assert (target.username, target.url_password, target.folder) == ("rep@northwind.example", "p@ss", "Sales")
    assert "p@ss" not in str(target)
    plain = imap_target(make_settings(tmp_path, imap_url="imap://u@imap.example"))
    assert (plain.port, plain.tls, plain.folder, plain.url_password) == (143, "starttls", "INBOX", None)


@pytest.mark.parametrize("url", [None, "http://imap.example/", "imaps://imap.example/INBOX"])
def test_a_missing_or_bad_imap_url_names_the_setting(tmp_path: Path, url: str | None) -> None:
    with pytest.raises(ConfigError, match="HANDOFF_IMAP_"):
        imap_target(make_settings(tmp_path, imap_url=url))


async def test_an_imap_url_without_any_password_source_is_refused_at_start(tmp_path: Path) -> None:
    app = await open_app(make_settings(tmp_path, imap_url="imaps://rep@imap.example/INBOX"), inline=True)
    try:
        with pytest.raises(ConfigError, match="HANDOFF_IMAP_PASSWORD_COMMAND"):
            ImapIntake(intake_for(app))
    finally:
        await app.close()


def test_the_envelope_comes_from_return_path_and_delivered_to() -> None:
    assert envelope_of(forward(1, delivered_to="Handoff+ab12@northwind.example")) == (
        REP,
        ["handoff+ab12@northwind.example"],
    )
    # From is never the envelope: without a Return-Path no server delivered it, so it has the null sender.
    assert envelope_of(b"From: Ana <ana@customer.example>\r\n\r\nhi\r\n") == ("", [])
    top_null = b"Return-Path: <>\r\nReturn-Path: <sam.okafor@northwind.example>\r\nFrom: x@y\r\n\r\nhi\r\n"
    assert envelope_of(top_null) == ("", [])
    assert envelope_of(b"Return-Path: <Sam.Okafor@Northwind.example>\r\nFrom: x@y\r\n\r\nhi\r\n")[0] == REP
