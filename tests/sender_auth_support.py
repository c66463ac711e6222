"""Test support for sender authentication: a real SMTP intake that records verdicts, and DKIM keys.

``verdict_intake(authenticator)`` runs an aiosmtpd ``Controller`` on loopback whose
``handle_DATA`` asks the authenticator for the message it got, with the session's real
peer address, HELO and MAIL FROM, as the service's intake will; it answers 451 for a
temporary verdict (the sender's server tries again later) and 250 otherwise.
``send`` drives it with smtplib, optionally from another loopback source address.
"""

from __future__ import annotations

import base64
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import dkim
from aiosmtpd.controller import Controller
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from mailflows.inbound.sender_auth import Arrival, SenderAuthenticator, Verdict
from tests.dovecot import free_port

INBOX = "handoff@lumendata.example"
REP = "rep@lumendata.example"


@dataclass
class Recorder:
    authenticator: SenderAuthenticator
    verdicts: list[Verdict] = field(default_factory=list)
    arrivals: list[Arrival] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        arrival = Arrival.from_smtp(session, envelope)
        verdict = await self.authenticator.authenticate(envelope.original_content or b"", arrival)
        self.arrivals.append(arrival)
        self.verdicts.append(verdict)
        if verdict.temporary:
            return "451 4.7.5 Sender authentication could not finish; try again later"
        return "250 2.0.0 OK"


@contextmanager
def verdict_intake(authenticator: SenderAuthenticator, host: str = "127.0.0.1") -> Iterator[tuple[int, Recorder]]:
    recorder = Recorder(authenticator)
    port = free_port()
    controller = Controller(recorder, hostname=host, port=port)
    controller.start()
    try:
        yield port, recorder
    finally:
        controller.stop()


def send(port: int, raw: bytes, mail_from: str, *, host: str = "127.0.0.1", source: str | None = None) -> None:
    """One SMTP session: EHLO, MAIL FROM, RCPT TO the inbox, DATA. Raises on a 4xx/5xx answer."""
    with smtplib.SMTP(
        host, port, local_hostname="client.example", source_address=(source, 0) if source else None
    ) as client:
        client.sendmail(mail_from, [INBOX], raw)


def message(from_header: str = REP, *, body: str = "approve\r\n", extra: tuple[str, ...] = ()) -> bytes:
    lines = [
        *extra,
        f"From: {from_header}",
        f"To: {INBOX}",
        "Subject: Re: handoff",
        "Date: Tue, 03 Mar 2026 10:00:00 +0000",
        "Message-ID: <m1@lumendata.example>",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


@dataclass(frozen=True)
class DkimKey:
    private_pem: bytes  # PKCS#1, as dkimpy signs with it
    public_b64: str  # SubjectPublicKeyInfo, the p= of the DNS record

    @property
    def record(self) -> str:
        return f"v=DKIM1; k=rsa; p={self.public_b64}"


def new_key() -> DkimKey:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return DkimKey(private, base64.b64encode(public).decode())


def sign(raw: bytes, domain: str, key: DkimKey, selector: str = "sel") -> bytes:
    """``raw`` with a DKIM-Signature by ``domain`` prepended, as the sender's server would add it."""
    header = dkim.sign(
        raw,
        selector.encode(),
        domain.encode(),
        key.private_pem,
        include_headers=[b"from", b"to", b"subject", b"date", b"message-id"],
    )
    return bytes(header) + raw
