"""Delivery through a real SMTP relay on loopback: a relay that refuses the CSM is reported to the rep."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

from aiosmtpd.controller import Controller

from agent.demo_deal import demo_files
from agent.lookups import document_for
from tests.conftest import REP, make_settings, start_harness, stop_harness
from tests.test_conversation import CSM_LINE


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Relay:
    """Accepts everything except one refused recipient; keeps what it accepted."""

    def __init__(self, refuse: str) -> None:
        self.refuse = refuse
        self.accepted: list[tuple[list[str], bytes]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if address.lower() == self.refuse:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.accepted.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [
            email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[misc]
            for rcpts, raw in self.accepted
            if address in [r.lower() for r in rcpts]
        ]


async def test_a_refused_csm_address_is_reported_to_the_rep_and_a_corrected_one_gets_the_handoff(
    tmp_path: Path,
) -> None:
    relay = Relay(refuse="typo.csm@northwind.example")
    port = free_port()
    controller = Controller(relay, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings = make_settings(tmp_path, relay_url=f"smtp://127.0.0.1:{port}?starttls=0")
        harness = await start_harness(settings, "sqlite")
        try:
            for path in demo_files()[:3]:
                await harness.send(path.read_bytes())
            await harness.drain()
            draft = relay.to(REP)[-1]
            from tests.conftest import reply_to_draft

            bad = "CSM: Typo Csm <typo.csm@northwind.example>\napprove"
            await harness.send(reply_to_draft(draft, bad), rcpt_to=str(draft["Reply-To"]))
            await harness.drain()
            notice = relay.to(REP)[-1].get_body(preferencelist=("plain",)).get_content()
            assert "could not be delivered" in notice and "typo.csm@northwind.example" in notice
            await harness.send(reply_to_draft(draft, f"{CSM_LINE}\napprove"), rcpt_to=str(draft["Reply-To"]))
            await harness.drain()
            assert len(relay.to("jordan.lee@northwind.example")) == 1
            assert document_for(settings, "alderfinch.example").status == "delivered"
        finally:
            await stop_harness(harness)
    finally:
        controller.stop()
