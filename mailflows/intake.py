"""Taking a message in: store it durably, then queue it. Shared by SMTP, IMAP and ``handoff ingest``.

What it is for: ``receive`` commits the raw bytes (deduplicated by Message-ID) before
anything else happens, so a message that was acknowledged is never lost, then
queues ``process_inbound``. A queue that is down (Redis) does not lose the message
either: it stays ``pending`` and ``resume_pending`` picks it up. Not for: parsing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from db import repo

if TYPE_CHECKING:
    from agent.app import App

log = logging.getLogger(__name__)


def store(app: App, raw: bytes, mail_from: str, rcpt_to: Sequence[str], channel: str) -> tuple[int, bool]:
    return repo.insert_inbound(app.engine, raw, mail_from=mail_from, rcpt_to=rcpt_to, channel=channel)


async def receive(app: App, raw: bytes, *, mail_from: str, rcpt_to: Sequence[str], channel: str) -> tuple[int, bool]:
    """Store a message (raises ``StorageUnavailable`` if the database is down) and queue it once."""
    inbound_id, created = await asyncio.to_thread(store, app, raw, mail_from, rcpt_to, channel)
    if created:
        try:
            await app.enqueue("process_inbound", inbound_id, job_id=f"inbound:{inbound_id}")
        except Exception:  # stored is what counts: resume_pending queues it again
            log.exception("inbound %s stored but not queued; it will be resumed", inbound_id)
    return inbound_id, created
