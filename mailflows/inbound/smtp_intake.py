"""The SMTP intake: an aiosmtpd handler that answers 250 only once the message is stored.

What it is for: ``IntakeHandler`` refuses senders outside the company domains at
MAIL FROM (550, nothing stored), recipients other than the inbox and its
``+token`` addresses at RCPT (550), answers 451 when the database is down or when
who wrote the message cannot be decided yet (verify mode's DNS: ``451 4.7.5``,
nothing stored), 552 for oversized mail, and 250 only after ``Intake.receive``
decided the author from this session (peer address, HELO, MAIL FROM) and committed
the bytes with that verdict. ``start_smtp`` serves it on the running event loop, with
the ``Intake`` the service hands it. Not for: parsing or processing.
"""

from __future__ import annotations

import asyncio
import logging
import re
from functools import partial
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from agent.errors import SenderCheckDeferred, StorageUnavailable
from mailflows.inbound.authorship import Arrival
from mailflows.inbound.intake import Intake

log = logging.getLogger(__name__)


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
        raw = envelope.original_content or b""
        if len(raw) > self.settings.max_message_bytes:
            return "552 5.3.4 Message too big for this inbox"
        try:
            arrival = Arrival.from_smtp(session, envelope)
            inbound_id, created = await self.intake.receive(raw, arrival=arrival, rcpt_to=list(envelope.rcpt_tos))
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
        SMTP,
        IntakeHandler(intake),
        data_size_limit=intake.settings.max_message_bytes,
        enable_SMTPUTF8=True,
        hostname=intake.settings.inbox_domain,
        ident="handoff intake",
    )
    server = await loop.create_server(
        factory, host=host or intake.settings.smtp_host, port=intake.settings.smtp_port if port is None else port
    )
    return server
