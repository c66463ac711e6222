"""The service running on the Claude extractor: the real SDK against the fake Messages API on loopback."""

from __future__ import annotations

import asyncio
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
            # No model configured: the current Sonnet was asked, and nothing it refuses was sent.
            assert {r.json["model"] for r in fake.messages_requests()} == {"claude-sonnet-5-5"}
            provenance = doc.export()["provenance"]
            provenance.pop("rep_letters")  # what language the rep writes in: agent/wording.py's concern
            assert provenance == {
                "extractor": "claude",
                "model": "claude-sonnet-5-5",
                "sources_read": {"claude": 2},
                "fallbacks": [],
            }
            draft = harness.outbox_to(REP)[-1].get_body(preferencelist=("plain",)).get_content()
            assert "Read by Claude (claude-sonnet-5-5): 2 of 2 source(s)." in draft
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
            draft = " ".join(harness.outbox_to(REP)[-1].get_body(preferencelist=("plain",)).get_content().split())
            assert "Read by Claude (claude-sonnet-5-5): 0 of 2 source(s). The offline extractor read 2" in draft
            assert "overloaded (529) after 2 attempts" in draft
            doc = document_for(settings, "customer.example")
            assert any("invoices" in i.text for i in doc.sections.pain_points)
            (fell,) = doc.provenance.fallbacks  # what an evaluation counts
            assert (fell.extractor, fell.reason, len(fell.sources)) == (
                "offline",
                "overloaded (529) after 2 attempts",
                2,
            )
        finally:
            await stop_harness(harness)


async def test_reextract_reads_accounts_again_through_a_message_batch_and_keeps_the_reps_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from agent.cli import app as cli
    from agent.document import Item

    with serving(monkeypatch) as fake:
        settings = claude_settings(tmp_path)
        harness = await start_harness(settings, "sqlite")
        try:
            await forward_answered_by(harness, fake, PAIN)
            doc = document_for(settings, "customer.example")  # plus an answer the rep gave by reply
            doc.sections.rep_perspective = [Item(text="The CFO decides", source_ids=["<reply1@northwind.example>"])]
            with session_scope(harness.app.engine) as session:
                account = repo.account_by_domain(session, "customer.example")
                assert account is not None
                repo.add_source(session, account.id, None, source_id="<reply1@northwind.example>", kind="email",
                                date=None, from_email=REP, from_name="Sam", subject="Re: draft", data={},
                                fingerprint="reply:<reply1@northwind.example>", extracted=True, from_rep=True)  # fmt: skip
                account.document = doc.export()
        finally:
            await stop_harness(harness)

        def answer(custom_id: str, params: dict) -> dict:  # type: ignore[type-arg]
            source_id = params["messages"][0]["content"].split('"id":"')[1].split('"')[0]
            source_id = source_id.replace("\\u003c", "<").replace("\\u003e", ">")
            return {"sections": {"pain_points": [{"text": "Reconciliation takes two days a month",
                                                  "source_ids": [source_id], "quotes": []}]}}  # fmt: skip

        fake.batch_answer = answer
        fake.batch_polls = 2
        env = {"HANDOFF_DATABASE_URL": settings.database_url, "ANTHROPIC_API_KEY": "sk-test",
               "HANDOFF_EXTRACTOR": "claude", "HANDOFF_COMPANY_DOMAINS": "northwind.example",
               "HANDOFF_INBOX_ADDRESS": settings.inbox_address}  # fmt: skip
        result = await asyncio.to_thread(
            CliRunner().invoke, cli, ["reextract", "customer.example", "--poll-s", "0"], env=env
        )

    assert result.exit_code == 0, result.output
    assert "1 account(s) re-extracted from 1 request(s); 0 read offline instead" in " ".join(result.output.split())
    (batch,) = fake.batches.values()
    params = batch["requests"][0]["params"]
    assert params["model"] == "claude-sonnet-5-5" and "output_config" in params and "tool_choice" not in params
    doc = document_for(settings, "customer.example")
    assert [i.text for i in doc.sections.pain_points] == ["Reconciliation takes two days a month"]
    assert [i.text for i in doc.sections.rep_perspective] == ["The CFO decides"]
    assert doc.provenance.sources_read == {"claude": 2}
