"""Shared fixtures: clean settings, the two backends, a running intake and the outbox.

The ``backend`` fixture runs a test twice: on SQLite with inline jobs, and on
PostgreSQL + Redis with a real arq worker. When PostgreSQL or Redis cannot be
reached the test FAILS with the command that starts it (CI must not skip them).
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import smtplib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from agent.app import open_app
from agent.context import App
from agent.settings import Settings, load_settings

SHARED = Path(__file__).resolve().parents[2] / "shared"
PG_ADMIN_URL = os.environ.get("HANDOFF_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# Each test run gets its own database, so two runs on one machine never share tables.
PG_URL = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/handoff_test_{os.getpid()}"
REDIS_URL = os.environ.get("HANDOFF_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
START_PG = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
START_REDIS = 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no'

INBOX = "handoff@northwind.example"
COMPANY = "northwind.example"
REP = "sam.okafor@northwind.example"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No HANDOFF_* or ANTHROPIC_* from the developer's shell, and no stray .env."""
    for name in list(os.environ):
        if name.startswith(("HANDOFF_", "ANTHROPIC_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": f"sqlite:///{tmp_path / 'handoff.db'}",
        "inbox_address": INBOX,
        "company_domains": COMPANY,
        "outbox_dir": tmp_path / "outbox",
        "debounce_s": 0,
        "extractor": "offline",
        "smtp_port": 0,
    }
    values.update(overrides)
    return load_settings(**values)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


def _ensure_database(url: str) -> None:
    from sqlalchemy import create_engine, text

    name = url.rsplit("/", 1)[1]
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as conn:
            if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()


def drop_test_database() -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    name = PG_URL.rsplit("/", 1)[1]
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    except OperationalError:
        pass
    finally:
        admin.dispose()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        drop_test_database()


def reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    try:
        _ensure_database(url)
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    except OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable at {url} ({exc.orig}); start it with: {START_PG}")


async def reset_redis(url: str) -> None:
    from redis.asyncio import Redis
    from redis.exceptions import ConnectionError as RedisConnectionError

    client = Redis.from_url(url, socket_connect_timeout=3)
    try:
        await client.flushdb()
    except (RedisConnectionError, OSError) as exc:
        pytest.fail(f"Redis is not reachable at {url} ({exc}); start it with: {START_REDIS}")
    finally:
        await client.aclose()


@dataclass
class Harness:
    """A running service: app, SMTP intake on loopback, outbox folder, and a way to wait for jobs."""

    app: App
    settings: Settings
    port: int = 0
    name: str = "sqlite"
    _server: Any = None
    intake: Any = None
    _worker: Any = None
    _tasks: list[asyncio.Task[Any]] = field(default_factory=list)

    async def drain(self) -> None:
        assert self.app.queue is not None
        await self.app.queue.drain()

    def smtp_send(
        self, raw: bytes, *, mail_from: str = REP, rcpt_to: str | list[str] = INBOX, source: str | None = None
    ) -> dict[str, Any]:
        """Send as an MTA would (CRLF line ends), from ``source`` (a loopback address) if given;
        returns smtplib's refused-recipients dict."""
        data = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        with smtplib.SMTP("127.0.0.1", self.port, timeout=30, source_address=(source, 0) if source else None) as client:
            return client.sendmail(mail_from, rcpt_to, data)

    async def send(self, raw: bytes, **kwargs: Any) -> dict[str, Any]:
        return await asyncio.to_thread(self.smtp_send, raw, **kwargs)

    def smtp_transaction(self, raw: bytes, *, mail_from: str = REP, rcpt_to: str = INBOX) -> tuple[int, str]:
        """One SMTP transaction; returns the intake's answer to DATA (code, text) instead of raising on it."""
        data = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        with smtplib.SMTP("127.0.0.1", self.port, timeout=30) as client:
            client.ehlo("client.example")
            client.mail(mail_from)
            client.rcpt(rcpt_to)
            try:
                code, text = client.data(data)
            except smtplib.SMTPDataError as exc:
                code, text = exc.smtp_code, exc.smtp_error
            return code, text.decode()

    def outbox(self) -> list[EmailMessage]:
        folder = self.settings.outbox_dir
        if not folder.exists():
            return []
        paths = sorted(p for p in folder.iterdir() if p.suffix == ".eml")
        return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in paths]  # type: ignore[misc]

    def outbox_to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.outbox() if address.lower() in str(m.get("To", "")).lower()]


async def start_harness(settings: Settings, name: str) -> Harness:
    from agent.service import intake_for
    from mailflows.inbound.smtp_intake import start_smtp

    app = await open_app(settings)
    harness = Harness(app=app, settings=settings, name=name)
    if name == "postgres":
        from agent.app import arq_worker

        worker = arq_worker(settings, handle_signals=False)
        harness._worker = worker
        harness._tasks.append(asyncio.create_task(worker.async_run()))
    harness.intake = intake_for(app)
    server = await start_smtp(harness.intake, host="127.0.0.1", port=0)
    harness._server = server
    harness.port = server.sockets[0].getsockname()[1]
    return harness


async def stop_harness(harness: Harness) -> None:
    harness._server.close()
    await harness._server.wait_closed()
    if harness._worker is not None:
        await harness._worker.close()
    for task in harness._tasks:
        task.cancel()
    await asyncio.gather(*harness._tasks, return_exceptions=True)
    await harness.intake.close()
    await harness.app.close()


@pytest.fixture(params=["sqlite", "postgres"])
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Harness]:
    """The service on SQLite + inline jobs, then on PostgreSQL + Redis + an arq worker."""
    if request.param == "postgres":
        reset_postgres(PG_URL)
        await reset_redis(REDIS_URL)
        settings = make_settings(tmp_path, database_url=PG_URL, redis_url=REDIS_URL)
    else:
        settings = make_settings(tmp_path)
    harness = await start_harness(settings, request.param)
    try:
        yield harness
    finally:
        await stop_harness(harness)


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[Harness]:
    """The embedded default only (SQLite + inline jobs)."""
    harness = await start_harness(make_settings(tmp_path), "sqlite")
    try:
        yield harness
    finally:
        await stop_harness(harness)


def reply_to_draft(draft: EmailMessage, text: str, *, sender: str = REP, sender_name: str = "Sam Okafor") -> bytes:
    """A reply as a mail client writes it: our text above the quoted draft, to its Reply-To."""
    import email.utils

    msg = EmailMessage()
    msg["From"] = email.utils.formataddr((sender_name, sender))
    msg["To"] = str(draft["Reply-To"] or draft["From"])
    msg["Subject"] = "Re: " + str(draft["Subject"])
    msg["Date"] = email.utils.formatdate(localtime=False)
    msg["Message-ID"] = email.utils.make_msgid(domain=COMPANY)
    msg["In-Reply-To"] = draft["Message-ID"]
    msg["References"] = draft["Message-ID"]
    body = draft.get_body(preferencelist=("plain",))
    quoted = "\n".join("> " + line for line in (body.get_content() if body else "").splitlines())
    msg.set_content(f"{text}\n\nOn Mon, 1 Jun 2026 at 09:00, handoff <{INBOX}> wrote:\n{quoted}\n")
    return msg.as_bytes()
