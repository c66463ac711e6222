"""The SMTP intake: an aiosmtpd server that spools DATA to a file and answers 250 only once the message is stored.

What it is for: ``IntakeHandler`` refuses senders outside the company domains at
MAIL FROM (550, nothing stored), recipients other than the inbox and its
``+token`` addresses at RCPT (550), answers 451 when the database is down or when
who wrote the message cannot be decided yet (verify mode's DNS: ``451 4.7.5``,
nothing stored), 552 for oversized mail, and 250 only after ``Intake.receive``
decided the author from this session (peer address, HELO, MAIL FROM) and committed
the bytes with that verdict. ``SpoolingSMTP`` is aiosmtpd's server with one change:
DATA is written to a spool file line by line as it arrives (kept in memory up to
``SPOOL_IN_MEMORY_BYTES``, on disk beyond), where aiosmtpd keeps every line as an object
in a list and then joins them (three times a large message's size, per connection, before
any limit applies). The handler reads the spool into memory only within the intake's byte
budget (``Intake.admit``), so four large messages arriving at once are received side by
side and stored in turn. ``start_smtp`` serves it on the running event loop, with the
``Intake`` the service hands it. Not for: parsing or processing.
"""

from __future__ import annotations

import asyncio
import logging
import re
from functools import partial
from tempfile import SpooledTemporaryFile
from typing import Any

from aiosmtpd.smtp import MISSING, SMTP, Envelope, Session

from agent.errors import SenderCheckDeferred, StorageUnavailable
from mailflows.inbound.authorship import Arrival
from mailflows.inbound.intake import Intake

log = logging.getLogger(__name__)

SPOOL_IN_MEMORY_BYTES = 1024 * 1024  # a message up to this size is spooled in memory; a larger one goes to disk
SPOOL_WRITE_BYTES = 64 * 1024  # lines reach the spool in pieces of about this size


class SpooledEnvelope(Envelope):
    """An envelope whose message is in ``spool`` (``size`` bytes, transparency undone), not in ``content``."""

    def __init__(self) -> None:
        super().__init__()
        self.spool: SpooledTemporaryFile[bytes] | None = None
        self.size = 0


class SpoolingSMTP(SMTP):
    """aiosmtpd's SMTP server, with DATA written to a spool file as it arrives instead of a list of lines.

    The replies are aiosmtpd's own: 552 past ``data_size_limit`` and 500 for a line longer than
    ``line_length_limit`` (both only after the final dot, RFC 5321 4.2.5), and the data is
    discarded at once when either happens. A connection lost before the final dot delivers
    nothing.
    """

    def __init__(self, *args: Any, spool_dir: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.spool_dir = spool_dir

    def _create_envelope(self) -> SpooledEnvelope:
        return SpooledEnvelope()

    async def smtp_DATA(self, arg: str) -> None:
        if await self.check_helo_needed() or await self.check_auth_needed("DATA"):
            return
        envelope = self.envelope
        assert isinstance(envelope, SpooledEnvelope)
        if not envelope.rcpt_tos:
            await self.push("503 Error: need RCPT command")
            return
        if arg:
            await self.push("501 Syntax: DATA")
            return
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        with SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY_BYTES, prefix="handoff-smtp-", dir=self.spool_dir) as spool:
            refusal = await self._receive_data(spool)
            if refusal is None:
                return  # the connection went away before the final dot
            if refusal:
                self._set_post_data_state()
                await self.push(refusal)
                return
            envelope.size = spool.tell()
            spool.seek(0)
            envelope.spool = spool
            status = await self._call_handler_hook("DATA")
        self._set_post_data_state()
        await self.push("250 OK" if status is MISSING else status)

    async def _receive_data(self, spool: SpooledTemporaryFile[bytes]) -> str | None:
        """Lines up to the final dot into ``spool``: "" when they were all taken, the refusal, or None if cut off.

        Lines are written ``SPOOL_WRITE_BYTES`` at a time (a write per line costs more than reading it).
        """
        limit = self.data_size_limit
        received = written = 0
        lines: list[bytes] = []
        refusal = ""
        in_long_line = False  # the rest of a line longer than the reader's limit is still to come
        while self.transport is not None:
            try:
                line = await self._reader.readuntil(b"\r\n")
            except asyncio.CancelledError:
                log.info("connection lost during DATA")
                self._writer.close()
                raise
            except asyncio.LimitOverrunError as exc:
                refusal = refusal or "500 Line too long (see RFC5321 4.5.3.1.6)"
                received += len(await self._reader.read(exc.consumed))
                in_long_line = True
                lines.clear()
                spool.seek(0)
                spool.truncate()
                continue
            if in_long_line:
                in_long_line = False
                received += len(line)
                continue
            if line == b".\r\n":
                if not refusal:
                    spool.write(b"".join(lines))
                return refusal
            received += len(line)
            if refusal:
                continue
            if limit and received > limit:
                refusal = "552 Error: Too much mail data"
                lines.clear()
                spool.seek(0)
                spool.truncate()
                continue
            lines.append(line[1:] if line[:1] == b"." else line)  # RFC 5321 4.5.2 transparency
            if received - written >= SPOOL_WRITE_BYTES:
                spool.write(b"".join(lines))
                lines.clear()
                written = received
        return None


class IntakeHandler:
    def __init__(self, intake: Intake) -> None:
        self.intake = intake
        self.settings = intake.settings
        local, domain = intake.settings.inbox_address.split("@")
        self._rcpt = re.compile(rf"^{re.escape(local)}(\+[0-9a-f]{{16,64}})?@{re.escape(domain)}$")

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, mail_options: list[str]
    ) -> str:
        # The null sender (bounces, DSNs) must be accepted (RFC 5321 4.5.5); they are recorded, never answered.
        if address not in ("", "<>") and not self.settings.is_company_address(address):
            log.info("refused MAIL FROM %s: outside %s", address, sorted(self.settings.own_domains))
            return "550 5.7.1 Only senders from our company's domains may use this inbox"
        envelope.mail_from = address  # "<>" for the null sender: aiosmtpd needs it truthy for RCPT
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if not self._rcpt.match(address.lower()):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if not isinstance(envelope, SpooledEnvelope) or envelope.spool is None:
            raise TypeError("IntakeHandler is served by SpoolingSMTP (start_smtp), which spools DATA")
        spool, size = envelope.spool, envelope.size
        if size > self.settings.max_message_bytes:
            return "552 5.3.4 Message too big for this inbox"
        try:
            arrival = Arrival.from_smtp(session, envelope)
            async with self.intake.admit(size):
                raw = spool.read()
                inbound_id, created = await self.intake.receive(raw, arrival=arrival, rcpt_to=list(envelope.rcpt_tos))
                del raw
        except SenderCheckDeferred as exc:
            log.warning("451 for a message from %s: sender authentication deferred (%s)", envelope.mail_from, exc)
            return "451 4.7.5 Sender authentication could not finish; please try again later"
        except StorageUnavailable as exc:
            log.error("451 for a message from %s: %s", envelope.mail_from, exc)
            return "451 4.3.0 Temporary storage failure; please try again later"
        except asyncio.CancelledError:
            raise
        except Exception:
            # Never 250 for something not stored, and never leak internals in the reply.
            log.exception("451 for a message from %s: unexpected error while storing", envelope.mail_from)
            return "451 4.3.0 Temporary failure; please try again later"
        return f"250 2.0.0 OK: {'queued' if created else 'already have it'} as {inbound_id}"


async def start_smtp(intake: Intake, host: str | None = None, port: int | None = None) -> asyncio.Server:
    """Serve the intake on the running loop; port 0 picks a free one (see ``server.sockets``)."""
    loop = asyncio.get_running_loop()
    factory: Any = partial(
        SpoolingSMTP,
        IntakeHandler(intake),
        spool_dir=str(intake.settings.spool_dir) if intake.settings.spool_dir else None,
        data_size_limit=intake.settings.max_message_bytes,
        enable_SMTPUTF8=True,
        hostname=intake.settings.inbox_domain,
        ident="handoff intake",
    )
    server = await loop.create_server(
        factory, host=host or intake.settings.smtp_host, port=intake.settings.smtp_port if port is None else port
    )
    return server
