"""Sending: .eml files in the outbox, or a real SMTP relay on loopback with its failures mapped."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from agent.errors import ConfigError, RelayRejected, RelayUnavailable
from agent.settings import load_settings
from mailflows.outbound.compose import compose_notice
from mailflows.outbound.send import OutboxDirSender, RelaySender, make_sender, parse_relay_url

INBOX = "handoff@northwind.example"
REP = "sam.okafor@northwind.example"


def message(subject: str = "Status") -> email.message.EmailMessage:
    return compose_notice(from_addr=("Handoff", INBOX), to=REP, subject=subject, text="All good.\n", html="<p>ok</p>")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Recorder:
    """Accepts everything and keeps (envelope sender, recipients, raw bytes)."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"


class Answers:
    """Answers RCPT or DATA with a fixed reply."""

    def __init__(self, rcpt: str | None = None, data: str = "250 OK") -> None:
        self.rcpt, self.data = rcpt, data

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if self.rcpt:
            return self.rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return self.data


@pytest.fixture
def relay() -> Iterator[tuple[Controller, Any]]:
    def start(handler: Any, **kwargs: Any) -> Controller:
        controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **kwargs)
        controller.start()
        started.append(controller)
        return controller

    started: list[Controller] = []
    yield start  # type: ignore[misc]
    for controller in started:
        controller.stop()


async def test_outbox_writes_one_complete_eml_named_by_time_and_message_id(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    sender = OutboxDirSender(outbox)
    msg = message()
    await sender.send(msg, [REP])
    (path,) = outbox.iterdir()
    assert path.suffix == ".eml"
    assert str(msg["Message-ID"]).strip("<>").replace("/", "_") in path.name
    assert path.name[:8].isdigit()
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert parsed["Message-ID"] == msg["Message-ID"]
    assert parsed.get_body(preferencelist=("plain",)).get_content() == "All good.\n"  # type: ignore[union-attr]


async def test_outbox_leaves_no_temporary_files_and_keeps_every_message(tmp_path: Path) -> None:
    sender = OutboxDirSender(tmp_path)
    for i in range(5):
        await sender.send(message(f"n{i}"), [REP])
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 5
    assert not any(name.startswith(".") for name in names)
    subjects = [
        email.message_from_bytes((tmp_path / n).read_bytes(), policy=email.policy.default)["Subject"] for n in names
    ]
    assert subjects == [f"n{i}" for i in range(5)]


async def test_relay_delivers_to_the_envelope_recipients(relay: Any) -> None:
    recorder = Recorder()
    controller = relay(recorder)
    sender = RelaySender(f"smtp://{controller.hostname}:{controller.port}", timeout_s=5)
    msg = message()
    await sender.send(msg, [REP, "priya.nair@northwind.example"])
    ((mail_from, rcpts, raw),) = recorder.received
    assert mail_from == INBOX
    assert rcpts == [REP, "priya.nair@northwind.example"]
    received = email.message_from_bytes(raw, policy=email.policy.default)
    assert received["Message-ID"] == msg["Message-ID"]
    assert received["Auto-Submitted"] == "auto-replied"


async def test_relay_logs_in_with_the_credentials_from_the_url(relay: Any) -> None:
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        if isinstance(data, LoginPassword):
            logins.append((data.login, data.password))
            return AuthResult(success=data.password == b"p@ss:word")
        return AuthResult(success=False)

    recorder = Recorder()
    controller = relay(recorder, authenticator=authenticator, auth_require_tls=False)
    await RelaySender(f"smtp://han%40doff:p%40ss%3Aword@127.0.0.1:{controller.port}", 5).send(message(), [REP])
    assert logins == [(b"han@doff", b"p@ss:word")]
    assert len(recorder.received) == 1


async def test_relay_4xx_on_every_recipient_is_temporary(relay: Any) -> None:
    controller = relay(Answers(rcpt="451 4.3.0 try again later"))
    with pytest.raises(RelayUnavailable, match="451"):
        await RelaySender(f"smtp://127.0.0.1:{controller.port}", 5).send(message(), [REP])


async def test_relay_5xx_on_data_is_permanent(relay: Any) -> None:
    controller = relay(Answers(data="554 5.7.1 message refused"))
    with pytest.raises(RelayRejected, match="554"):
        await RelaySender(f"smtp://127.0.0.1:{controller.port}", 5).send(message(), [REP])


async def test_relay_5xx_on_every_recipient_is_permanent(relay: Any) -> None:
    controller = relay(Answers(rcpt="550 5.1.1 no such user"))
    with pytest.raises(RelayRejected, match="550"):
        await RelaySender(f"smtp://127.0.0.1:{controller.port}", 5).send(message(), [REP])


async def test_relay_4xx_on_data_is_temporary(relay: Any) -> None:
    controller = relay(Answers(data="452 4.3.1 insufficient storage"))
    with pytest.raises(RelayUnavailable, match="452"):
        await RelaySender(f"smtp://127.0.0.1:{controller.port}", 5).send(message(), [REP])


async def test_relay_that_is_not_listening_is_temporary() -> None:
    with pytest.raises(RelayUnavailable, match="unreachable"):
        await RelaySender(f"smtp://127.0.0.1:{free_port()}", 5).send(message(), [REP])


def test_relay_url_forms() -> None:
    cfg = parse_relay_url("smtp://user:pa%2Fss@mail.example:2525?starttls=1")
    assert (cfg.host, cfg.port, cfg.start_tls, cfg.use_tls, cfg.username, cfg.password) == (
        "mail.example",
        2525,
        True,
        False,
        "user",
        "pa/ss",
    )
    assert parse_relay_url("smtp://mail.example?starttls=1").port == 587
    assert parse_relay_url("smtp://mail.example").port == 25
    assert parse_relay_url("smtp://mail.example").start_tls is None
    smtps = parse_relay_url("smtps://mail.example?verify=0")
    assert (smtps.port, smtps.use_tls, smtps.start_tls, smtps.validate_certs) == (465, True, False, False)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://mail.example", "scheme must be smtp or smtps"),
        ("smtp://", "no host"),
        ("smtp://mail.example?starttls=maybe", "starttls='maybe' must be 0 or 1"),
        ("smtp://mail.example?tls=1", "unknown option"),
        ("smtp://mail.example:99999", "HANDOFF_RELAY_URL"),
        ("smtps://mail.example?starttls=1", "smtps is TLS already"),
    ],
)
def test_bad_relay_url_is_a_config_error_naming_the_setting(url: str, expected: str) -> None:
    with pytest.raises(ConfigError, match="HANDOFF_RELAY_URL") as info:
        parse_relay_url(url)
    assert expected in str(info.value)


def test_relay_url_errors_do_not_show_the_password() -> None:
    with pytest.raises(ConfigError) as info:
        parse_relay_url("ftp://user:hunter2@mail.example")
    assert "hunter2" not in str(info.value)


def test_make_sender_uses_the_relay_only_when_configured(tmp_path: Path) -> None:
    outbox = make_sender(load_settings(outbox_dir=tmp_path / "out"))
    assert isinstance(outbox, OutboxDirSender) and outbox.dir == tmp_path / "out"
    assert not (tmp_path / "out").exists()  # nothing happens until the first send
    relay = make_sender(load_settings(relay_url="smtp://mail.example:2525", relay_timeout_s=7))
    assert isinstance(relay, RelaySender) and relay.timeout_s == 7 and relay.config.port == 2525
