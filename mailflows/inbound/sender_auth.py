"""Who really wrote a received message: the one question every command and reply depends on.

What it is for: ``SenderAuthenticator`` answers, for one message and the connection it
came in on (``Arrival``), "is the author authenticated, and as whom?" with a
``Verdict``, in the mode ``HANDOFF_SENDER_AUTH`` names:

- ``envelope`` (default): the envelope sender (MAIL FROM) must equal the one address
  in From, read strictly. Sound only behind a mail server that stops users sending
  as someone else.
- ``relay``: believe the topmost Authentication-Results header carrying
  ``HANDOFF_TRUSTED_AUTHSERV_ID``, and only on a connection from
  ``HANDOFF_TRUSTED_RELAYS`` (or fetched by IMAP from the provider's mailbox).
- ``verify``: check DKIM, SPF and DMARC here, for an intake that faces the internet.

In every mode the null sender is never authenticated (only automatic mail uses it),
``handoff ingest`` files are the operator's own (method ``operator``), and the
authenticated address is the strict reading of From or nothing: no header, body or
result chooses any other address. Cheap except in ``verify`` mode, which does DNS and
so runs in a thread under ``HANDOFF_SENDER_AUTH_TIMEOUT_S``. Not for: deciding what
an authenticated author may do (agent/), or refusing mail at SMTP time (the intake).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace

import dns.resolver

from agent.settings import Settings
from mailflows.inbound.auth_results import relay_verdict
from mailflows.inbound.authorship import Arrival, Verdict, header_values, strict_from
from mailflows.inbound.mail_verify import MailVerifier

log = logging.getLogger(__name__)

__all__ = ["Arrival", "SenderAuthenticator", "Verdict", "operator_verdict", "recheck_stored", "strict_from"]


def operator_verdict(raw: bytes) -> Verdict:
    """``handoff ingest``: a file the operator gave is from its From address, read strictly."""
    header_from = strict_from(raw)
    if header_from is None:
        return Verdict(None, "operator", "handoff ingest: the From header is missing or ambiguous")
    return Verdict(header_from, "operator", "handoff ingest: a file the operator gave", header_from=header_from)


def _envelope_rule(raw: bytes, mail_from: str) -> Verdict:
    header_from = strict_from(raw)
    if not mail_from:
        return Verdict(
            None, "none", "null sender (MAIL FROM:<>): automatic mail, never a command", header_from=header_from
        )
    if header_from is None:
        return Verdict(None, "none", "the From header is missing or ambiguous", mail_from=mail_from)
    if mail_from == header_from:
        return Verdict(
            header_from, "envelope", "envelope sender equals From", header_from=header_from, mail_from=mail_from
        )
    return Verdict(
        None,
        "envelope",
        f"envelope sender {mail_from} differs from From {header_from}",
        suspicious=True,
        header_from=header_from,
        mail_from=mail_from,
    )


def recheck_stored(raw: bytes, mail_from: str, channel: str, mode: str) -> Verdict:
    """A message stored before sender authentication existed (no verdict on file).

    Only what the row still holds can be checked: in ``envelope`` mode the stored MAIL
    FROM against From (the same rule the intake applies); in ``relay`` and ``verify``
    mode the connection is gone, so nobody is authenticated. Files from ``handoff
    ingest`` stay the operator's own.
    """
    if channel == "ingest":
        return operator_verdict(raw)
    if mode == "envelope":
        verdict = _envelope_rule(raw, mail_from)
        return replace(verdict, reason=f"stored before sender authentication, re-checked: {verdict.reason}")
    return Verdict(
        None,
        "none",
        f"stored before sender authentication; {mode} mode cannot check it any more",
        header_from=strict_from(raw),
        mail_from=mail_from,
    )


class SenderAuthenticator:
    """Built once at start-up from the settings (a bad configuration raises ``ConfigError`` here)."""

    def __init__(self, settings: Settings, *, resolver: dns.resolver.Resolver | None = None) -> None:
        self.mode = settings.sender_auth_mode
        self.authserv_id = settings.trusted_authserv_id or ""
        self.relays = tuple(settings.trusted_relays)
        self.timeout_s = settings.sender_auth_timeout_s
        self._verifier = MailVerifier(settings, resolver) if self.mode == "verify" else None

    def describe(self) -> str:
        """One line for the start-up log."""
        if self.mode == "relay":
            relays = ", ".join(str(r) for r in self.relays) or "none (IMAP only)"
            return f"sender authentication: relay (Authentication-Results from {self.authserv_id}; relays {relays})"
        if self.mode == "verify":
            return "sender authentication: verify (DKIM, SPF and DMARC checked here)"
        return "sender authentication: envelope (MAIL FROM must equal From)"

    def check(self, raw: bytes, arrival: Arrival) -> Verdict:
        """The verdict for one message; blocks on DNS in verify mode (use ``authenticate`` from async code)."""
        if arrival.channel == "ingest":
            return operator_verdict(raw)
        header_from = strict_from(raw)
        mail_from = arrival.mail_from
        if arrival.null_sender:
            return Verdict(
                None, "none", "null sender (MAIL FROM:<>): automatic mail, never a command", header_from=header_from
            )
        if header_from is None:
            present = header_values(raw, "From")
            ambiguous = present is None or len(present) > 0
            why = "the From header is ambiguous" if ambiguous else "the message has no From header"
            return Verdict(None, "none", why, suspicious=ambiguous, mail_from=mail_from)
        if self.mode == "relay":
            verdict = relay_verdict(raw, arrival, header_from, self.authserv_id, self.relays)
        elif self.mode == "verify" and self._verifier is not None:
            verdict = self._verifier.verdict(raw, arrival, header_from)
        elif mail_from == header_from:
            return Verdict(
                header_from, "envelope", "envelope sender equals From", header_from=header_from, mail_from=mail_from
            )
        else:
            verdict = Verdict(None, "envelope", "", header_from=header_from, mail_from=mail_from)
        if not verdict.authenticated and not verdict.temporary and mail_from != header_from:
            mismatch = f"envelope sender {mail_from} differs from From {header_from}"
            verdict = replace(
                verdict, suspicious=True, reason=f"{verdict.reason}; {mismatch}" if verdict.reason else mismatch
            )
        return verdict

    async def authenticate(self, raw: bytes, arrival: Arrival) -> Verdict:
        """``check`` for async callers: in verify mode in a thread, bounded by the timeout; else inline."""
        if self.mode != "verify" or arrival.channel == "ingest" or arrival.null_sender:
            return self.check(raw, arrival)
        try:
            return await asyncio.wait_for(asyncio.to_thread(self.check, raw, arrival), timeout=self.timeout_s + 5)
        except TimeoutError:
            log.warning("sender verification for %s gave up after %.0fs", arrival.mail_from, self.timeout_s + 5)
            return Verdict(
                None,
                "verify",
                f"verification did not finish within {self.timeout_s + 5:.0f}s",
                temporary=True,
                header_from=strict_from(raw),
                mail_from=arrival.mail_from,
            )
