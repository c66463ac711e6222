"""The service running on the Claude extractor: the real SDK against the fake Messages API on loopback."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.lookups import document_for
from db import repo
from db.session import session_scope
from tests.conftest import REP, make_settings, start_harness, stop_harness
from tests.fakes.anthropic_server import serving
from tests.test_smtp_intake import small_forward

PAIN = "We spend two days a month reconciling invoices by hand."


def answer(quote: str) -> dict:  # type: ignore[type-arg]
    return {
        "sections": {
            "pain_points": [
                {
                    "text": "Invoice reconciliation is manual: two days a month",
                    "quotes": [{"text": quote, "speaker": "ana.ruiz@customer.example", "source_id": "SOURCE"}],
                    "source_ids": ["SOURCE"],
                }
            ]
        }
    }


def with_source(data: dict, source_id: str) -> dict:  # type: ignore[type-arg]
    import json

    return json.loads(json.dumps(data).replace("SOURCE", source_id))


def claude_settings(tmp_path: Path, attempts: int = 1):  # type: ignore[no-untyped-def]
    return make_settings(tmp_path, extractor="claude", anthropic_api_key="sk-test", llm_max_attempts=attempts)


async def forward_answered_by(harness, fake, quote: str) -> None:  # type: ignore[no-untyped-def]
    """Send the small forward, with Claude's canned answer quoting ``quote`` from its forwarded message."""
    from mailflows.inbound.parse import parse_message

    raw = small_forward()
    fake.enqueue(with_source(answer(quote), parse_message(raw).messages[1].id))
    await harness.send(raw)
    await harness.drain()


async def test_the_claude_extractor_fills_the_document_and_usage_is_recorded_per_account(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serving(monkeypatch) as fake:
        settings = claude_settings(tmp_path)
        harness = await start_harness(settings, "sqlite")
        try:
            await forward_answered_by(harness, fake, PAIN)
            doc = document_for(settings, "customer.example")
            assert [q.text for i in doc.sections.pain_points for q in i.quotes] == [PAIN]
            with session_scope(harness.app.engine) as session:
                account = repo.account_by_domain(session, "customer.example")
                assert account is not None
                assert account.extractor_usage["calls"] == 1
                assert account.extractor_usage["input_tokens"] > 0
            assert harness.outbox_to(REP), "a draft went out"
        finally:
            await stop_harness(harness)


async def test_an_invented_quote_from_claude_never_reaches_the_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serving(monkeypatch) as fake:
        settings = claude_settings(tmp_path)
        harness = await start_harness(settings, "sqlite")
        try:
            await forward_answered_by(harness, fake, "We would happily pay double for this.")
            doc = document_for(settings, "customer.example")
            assert all(not i.quotes for i in doc.sections.pain_points)
        finally:
            await stop_harness(harness)


async def test_when_claude_is_down_the_offline_extractor_runs_and_the_draft_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serving(monkeypatch) as fake:
        settings = claude_settings(tmp_path, attempts=2)
        harness = await start_harness(settings, "sqlite")
        harness.app.extractor.backoff_base_s = 0.01  # type: ignore[attr-defined]
        try:
            for _ in range(2):
                fake.enqueue_error(529, "overloaded_error")
            await harness.send(small_forward())
            await harness.drain()
            draft = harness.outbox_to(REP)[-1].get_body(preferencelist=("plain",)).get_content()
            assert "offline extractor" in draft
            doc = document_for(settings, "customer.example")
            assert any("invoices" in i.text for i in doc.sections.pain_points)
        finally:
            await stop_harness(harness)
