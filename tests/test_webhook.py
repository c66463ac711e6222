"""The webhook, against a real HTTP receiver on loopback that checks the signature and can fail."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from agent import jobs
from agent.after_handoff.webhook import SIGNATURE_HEADER, body_of, crm_record, sign, verify
from agent.demo_deal import demo_files
from db.models import WebhookDelivery
from db.session import session_scope
from tests.conftest import REP, Harness, make_settings, reply_to_draft, start_harness, stop_harness

SECRET = "s3cret-for-tests"
CSM = "jordan.lee@northwind.example"


class Receiver:
    """Answers with the queued status codes (then 200), after checking the HMAC like a CRM would."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.statuses: list[int] = []
        self.received: list[dict[str, Any]] = []
        self.bad_signatures = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if not verify(receiver.secret, body, self.headers.get(SIGNATURE_HEADER, "")):
                    receiver.bad_signatures += 1
                    status = 401
                else:
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    if status == 200:
                        receiver.received.append(json.loads(body))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver(SECRET)
    yield r
    r.close()


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 6, 1, 9, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


async def running(tmp_path: Path, url: str, clock: Clock, secret: str = SECRET) -> Harness:
    harness = await start_harness(make_settings(tmp_path, webhook_url=url, webhook_secret=secret), "sqlite")
    harness.app.clock = clock
    return harness


async def approve(h: Harness):  # type: ignore[no-untyped-def]
    for path in demo_files()[:3]:
        await h.send(path.read_bytes())
    await h.drain()
    draft = h.outbox_to(REP)[-1]
    await h.send(reply_to_draft(draft, f"CSM: Jordan Lee <{CSM}>\napprove"), rcpt_to=str(draft["Reply-To"]))
    await h.drain()
    return h.outbox_to(CSM)[-1]


def rows(h: Harness) -> list[WebhookDelivery]:
    with session_scope(h.app.engine) as session:
        return list(session.exec(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def test_the_signature_is_hmac_sha256_over_the_exact_body() -> None:
    body = body_of({"b": 1, "a": "é"})
    assert body == '{"a":"é","b":1}'.encode()
    assert sign("k", body) == "sha256=" + __import__("hmac").new(b"k", body, "sha256").hexdigest()
    assert verify("k", body, sign("k", body)) and not verify("other", body, sign("k", body))


async def test_approval_posts_the_signed_document_once(tmp_path: Path, receiver: Receiver) -> None:
    h = await running(tmp_path, receiver.url, Clock())
    try:
        await approve(h)
        await jobs.tick({"app": h.app, "job_try": 1})
        assert receiver.bad_signatures == 0
        assert [r["event"] for r in receiver.received] == ["handoff.delivered"]
        doc = receiver.received[0]["document"]
        assert doc["schema"] == "handoff-document/v1" and doc["csm"]["email"] == CSM
        assert receiver.received[0]["version"] == 1
    finally:
        await stop_harness(h)


async def test_failures_are_retried_with_doubling_backoff_until_they_succeed(
    tmp_path: Path, receiver: Receiver
) -> None:
    clock = Clock()
    receiver.statuses = [503, 500]
    h = await running(tmp_path, receiver.url, clock)
    ctx = {"app": h.app, "job_try": 1}
    try:
        await approve(h)
        (row,) = rows(h)
        assert (row.status, row.attempts, row.last_error) == ("pending", 1, "HTTP 503: ")
        first_retry = row.next_attempt_at
        assert first_retry.replace(tzinfo=UTC) == clock.now + timedelta(seconds=30)
        await jobs.tick(ctx)
        assert rows(h)[0].attempts == 1, "not retried before its time"
        clock.now += timedelta(seconds=31)
        await jobs.tick(ctx)
        row = rows(h)[0]
        assert (row.status, row.attempts) == ("pending", 2)
        assert row.next_attempt_at.replace(tzinfo=UTC) == clock.now + timedelta(seconds=60)
        clock.now += timedelta(seconds=61)
        await jobs.tick(ctx)
        assert (rows(h)[0].status, rows(h)[0].attempts) == ("sent", 3)
        assert len(receiver.received) == 1
    finally:
        await stop_harness(h)


async def test_a_receiver_that_rejects_the_signature_is_not_retried(tmp_path: Path, receiver: Receiver) -> None:
    h = await running(tmp_path, receiver.url, Clock(), secret="a-different-secret")
    try:
        await approve(h)
        (row,) = rows(h)
        assert (row.status, row.attempts) == ("failed", 1)
        assert receiver.bad_signatures == 1 and receiver.received == []
    finally:
        await stop_harness(h)


async def test_an_unreachable_receiver_gives_up_after_the_configured_attempts(tmp_path: Path) -> None:
    clock = Clock()
    h = await start_harness(
        make_settings(tmp_path, webhook_url="http://127.0.0.1:9/hook", webhook_secret=SECRET, webhook_max_attempts=3),
        "sqlite",
    )
    h.app.clock = clock
    try:
        await approve(h)
        for _ in range(4):
            clock.now += timedelta(hours=1)
            await jobs.tick({"app": h.app, "job_try": 1})
        (row,) = rows(h)
        assert (row.status, row.attempts) == ("failed", 3) and "Connect" in (row.last_error or "")
    finally:
        await stop_harness(h)


async def test_csm_feedback_posts_its_rating_with_the_document(tmp_path: Path, receiver: Receiver) -> None:
    h = await running(tmp_path, receiver.url, Clock())
    try:
        final = await approve(h)
        reply = reply_to_draft(final, "rating: 5/5\nmissing: expansion", sender=CSM, sender_name="Jordan Lee")
        await h.send(reply, mail_from=CSM, rcpt_to=str(final["Reply-To"]))
        await h.drain()
        events = [r["event"] for r in receiver.received]
        assert events == ["handoff.delivered", "handoff.feedback"]
        fb = receiver.received[1]
        assert fb["feedback"]["rating"] == 5 and fb["feedback"]["missing"] == ["expansion"]
        assert fb["document"]["account"]["domain"] == "alderfinch.example"
    finally:
        await stop_harness(h)


async def test_without_a_webhook_url_nothing_is_queued(service: Harness) -> None:
    await approve(service)
    assert rows(service) == []


async def test_the_crm_record_flattens_the_delivered_document(service: Harness) -> None:
    from agent.lookups import document_for

    await approve(service)
    doc = document_for(service.settings, "alderfinch.example")
    record = crm_record(doc)
    assert record["account_domain"] == "alderfinch.example" and record["csm_email"] == CSM
    champion = next(p for p in doc.sections.stakeholders if p.role == "champion")
    assert record["champion"].startswith(champion.name)
    assert record["success_metrics_90d"] == " | ".join(
        i.text for i in doc.sections.success_metrics if i.horizon == "90d"
    )
    dues = sorted(i.due for i in doc.sections.commitments if i.due)
    assert dues and record["next_commitment_due"] == dues[0].isoformat()
    assert record["sections_filled"] == f"{len(doc.sections.filled())}/11"
