"""Getting composed messages out: to an SMTP relay, or as .eml files into the outbox folder.

What it is for: the ``Sender`` protocol the jobs call, ``RelaySender`` (aiosmtplib,
configured by ``HANDOFF_RELAY_URL``; relay failures translated here into
``RelayUnavailable`` — retry later — or ``RelayRejected`` — give up), and
``OutboxDirSender`` (the offline default: each message as one complete .eml,
written atomically so a reader never sees half a file). ``make_sender`` picks one
from the settings. Not for: building messages (mailflows/outbound/compose.py) or remembering
what was sent (the Outbound table makes a retried send a no-op).
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import logging
import os
import re
import ssl
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser
from email.policy import SMTP, compat32
from email.utils import getaddresses
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast
from urllib.parse import parse_qsl, unquote, urlsplit

import aiosmtplib

from agent.errors import ConfigError, RelayRejected, RelayUnavailable

if TYPE_CHECKING:
    from agent.settings import Settings

log = logging.getLogger(__name__)

_URL_HELP = "write it as smtp://user:pass@host:587?starttls=1 or smtps://user:pass@host:465"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


Mail = EmailMessage | bytes  # a composed message, or its stored bytes (the outbound table keeps those)


class Sender(Protocol):
    async def send(self, msg: Mail, recipients: list[str]) -> dict[str, str]:
        """Hand ``msg`` over for delivery to ``recipients`` (the envelope), or raise.

        Returns the recipients refused while others were accepted (address -> reason);
        empty when every recipient was taken.
        """
        ...


def headers_of(msg: Mail) -> Message:
    """The headers to route by; stored bytes get a header-only read, not a full parse."""
    if isinstance(msg, bytes):
        return BytesHeaderParser(policy=compat32).parsebytes(msg)
    return msg


def envelope_from(msg: Message) -> str:
    """The bare address of the Sender, else the From header: the SMTP MAIL FROM."""
    for header in ("Sender", "From"):
        found = [addr for _, addr in getaddresses([str(v) for v in msg.get_all(header, [])]) if addr]
        if found:
            return found[0]
    raise ValueError("the message has no From address")


# -- the outbox folder ----------------------------------------------------------------


class OutboxDirSender:
    """Writes each message as ``<UTC timestamp>-<Message-ID>.eml``; the folder is made on first use."""

    def __init__(self, dir: Path) -> None:
        self.dir = Path(dir)

    async def send(self, msg: Mail, recipients: list[str]) -> dict[str, str]:
        await asyncio.to_thread(self.write, msg)
        return {}

    def write(self, msg: Mail) -> Path:
        self.dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        message_id = str(headers_of(msg).get("Message-ID", ""))
        msgid = re.sub(r"[^A-Za-z0-9._@-]+", "_", message_id.strip("<> \t"))[:120] or "no-id"
        # A send retried after a crash finds the copy it already wrote: one file per Message-ID.
        written = next(iter(self.dir.glob(f"*-{glob.escape(msgid)}.eml")), None)
        if written is not None:
            return written
        final = self.dir / f"{stamp}-{msgid}.eml"
        # Dot-prefixed temp name in the same folder: readers skip it, and the rename is atomic.
        fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=self.dir)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(msg if isinstance(msg, bytes) else msg.as_bytes())
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, final)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        log.info("outbox: wrote %s", final)
        return final


# -- the SMTP relay -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RelayConfig:
    host: str
    port: int
    use_tls: bool  # implicit TLS (smtps)
    start_tls: bool | None  # None: STARTTLS when the server offers it
    username: str | None
    password: str | None
    validate_certs: bool


def parse_relay_url(url: str) -> RelayConfig:
    """``smtp://user:pass@host:587?starttls=1`` / ``smtps://...`` -> RelayConfig, or ConfigError."""
    shown = _redact(url)
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"HANDOFF_RELAY_URL={shown!r}: {exc}; {_URL_HELP}") from exc
    if parts.scheme not in {"smtp", "smtps"}:
        raise ConfigError(f"HANDOFF_RELAY_URL={shown!r}: scheme must be smtp or smtps; {_URL_HELP}")
    if not parts.hostname:
        raise ConfigError(f"HANDOFF_RELAY_URL={shown!r}: no host; {_URL_HELP}")
    options = dict(parse_qsl(parts.query, keep_blank_values=True))
    unknown = set(options) - {"starttls", "verify"}
    if unknown:
        raise ConfigError(
            f"HANDOFF_RELAY_URL={shown!r}: unknown option(s) {', '.join(sorted(unknown))}; "
            "known: starttls=0|1, verify=0|1"
        )
    start_tls = _flag(options, "starttls", shown)
    verify = _flag(options, "verify", shown)
    use_tls = parts.scheme == "smtps"
    if use_tls and start_tls:
        raise ConfigError(f"HANDOFF_RELAY_URL={shown!r}: smtps is TLS already; drop starttls=1 or use smtp://")
    if port is None:
        port = 465 if use_tls else (587 if start_tls else 25)
    return RelayConfig(
        host=parts.hostname,
        port=port,
        use_tls=use_tls,
        start_tls=False if use_tls else start_tls,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        validate_certs=verify is not False,
    )


def _flag(options: dict[str, str], key: str, shown: str) -> bool | None:
    if key not in options:
        return None
    value = options[key].lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"HANDOFF_RELAY_URL={shown!r}: {key}={options[key]!r} must be 0 or 1")


def _redact(url: str) -> str:
    return re.sub(r"(//[^:/@]*:)[^@/]*@", r"\1***@", url)


class RelaySender:
    """Sends through an SMTP relay, one connection per message (sends are rare)."""

    def __init__(self, relay_url: str, timeout_s: float = 30.0, *, tls_context: ssl.SSLContext | None = None) -> None:
        self.config = parse_relay_url(relay_url)
        self.timeout_s = timeout_s
        self.tls_context = tls_context

    async def send(self, msg: Mail, recipients: list[str]) -> dict[str, str]:
        if not recipients:
            raise ValueError("no recipients")
        if isinstance(msg, bytes):  # aiosmtplib decides SMTPUTF8 and line endings from the message object
            msg = cast(EmailMessage, message_from_bytes(msg, policy=SMTP))
        cfg = self.config
        where = f"relay {cfg.host}:{cfg.port}"
        try:
            errors, _ = await aiosmtplib.send(
                msg,
                sender=envelope_from(msg),
                recipients=recipients,
                hostname=cfg.host,
                port=cfg.port,
                username=cfg.username,
                password=cfg.password,
                use_tls=cfg.use_tls,
                start_tls=cfg.start_tls,
                validate_certs=cfg.validate_certs,
                tls_context=self.tls_context,
                timeout=self.timeout_s,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [r.code for r in exc.recipients]
            detail = "; ".join(f"{r.recipient}: {r.code} {r.message}" for r in exc.recipients)
            if any(400 <= c < 500 for c in codes):
                raise RelayUnavailable(f"{where} deferred every recipient: {detail}") from exc
            raise RelayRejected(f"{where} refused every recipient: {detail}") from exc
        except aiosmtplib.SMTPResponseException as exc:
            hint = (
                "; check the user and password in HANDOFF_RELAY_URL"
                if isinstance(exc, aiosmtplib.SMTPAuthenticationError)
                else ""
            )
            raise _by_code(exc.code, f"{where} answered {exc.code} {exc.message}{hint}") from exc
        except aiosmtplib.SMTPNotSupported as exc:
            raise RelayRejected(f"{where}: {exc}; check starttls/smtps in HANDOFF_RELAY_URL") from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise RelayUnavailable(f"{where} unreachable: {exc}") from exc
        refused = {addr: f"{resp.code} {resp.message}" for addr, resp in errors.items()}
        if refused:
            # Some recipients accepted, some refused: a retry would duplicate the delivered copies,
            # so the caller is told who was refused instead.
            log.warning("%s refused some recipients of %s: %s", where, msg.get("Message-ID"), refused)
        return refused


def _by_code(code: int, message: str) -> RelayUnavailable | RelayRejected:
    if 500 <= code < 600:
        return RelayRejected(message)
    return RelayUnavailable(message)


def make_sender(settings: Settings) -> Sender:
    """The relay when ``HANDOFF_RELAY_URL`` is set, else the outbox folder."""
    if settings.relay_url:
        return RelaySender(settings.relay_url, settings.relay_timeout_s)
    return OutboxDirSender(settings.outbox_dir)
