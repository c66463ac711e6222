"""The searchable repository, on SQLite (FTS5) and on PostgreSQL (tsvector + GIN)."""

from __future__ import annotations

import email.utils
from datetime import date
from email.message import EmailMessage

from sqlalchemy import text

from agent.after_handoff.search import parse_mail_query, search
from agent.demo_deal import demo_files
from db.session import session_scope
from tests.conftest import COMPANY, INBOX, REP, Harness, reply_to_draft

CSM = "jordan.lee@northwind.example"


async def delivered(h: Harness) -> None:
    for path in demo_files()[:4]:
        await h.send(path.read_bytes())
    await h.drain()
    draft = h.outbox_to(REP)[-1]
    await h.send(reply_to_draft(draft, f"CSM: Jordan Lee <{CSM}>\napprove"), rcpt_to=str(draft["Reply-To"]))
    await h.drain()


async def test_search_finds_sections_and_sources_with_snippets_on_both_databases(backend: Harness) -> None:
    await delivered(backend)
    with session_scope(backend.app.engine) as session:
        hits = search(session, "ThoughtSpot trial")
        assert hits, "a competitor named in the mail is found"
        assert {h.account for h in hits} == {"Alder & Finch Outfitters"}
        assert "competitive_context" in {h.section for h in hits}
        assert all("[" in h.snippet and "]" in h.snippet for h in hits)
        sources = search(session, "Monday workbook", section="source")
        assert sources and all(h.section == "source" and h.ref for h in sources)
        assert search(session, "Walter financial", section="Stakeholder map")[0].section == "stakeholders"
        assert search(session, "ThoughtSpot", csm="jordan") and search(session, "ThoughtSpot", rep="okafor")
        assert search(session, "ThoughtSpot", rep="someone.else") == []
        assert search(session, "ThoughtSpot", status="collecting") == []
        assert search(session, "ThoughtSpot", status="delivered")
        assert search(session, "ThoughtSpot", since=date(2099, 1, 1)) == []
        assert search(session, "xylophone") == []
        assert search(session, 'AND OR "NEAR(') == [], "query syntax in user text is taken as plain words"


async def test_the_index_follows_changes_to_the_document(backend: Harness) -> None:
    await delivered(backend)
    with session_scope(backend.app.engine) as session:
        assert search(session, "kiosk") == []
    draft = backend.outbox_to(REP)[-1]
    await backend.send(
        reply_to_draft(draft, "Expansion: a kiosk pilot in Boise next spring"), rcpt_to=str(draft["Reply-To"])
    )
    await backend.drain()
    with session_scope(backend.app.engine) as session:
        hits = search(session, "kiosk Boise")
    assert hits and hits[0].section in ("expansion", "source")


async def test_postgres_search_uses_the_gin_index_from_the_migration(backend: Harness) -> None:
    if backend.name != "postgres":
        with backend.app.engine.connect() as conn:
            assert conn.execute(text("SELECT name FROM sqlite_master WHERE name = 'search_fts'")).first()
        return
    with backend.app.engine.connect() as conn:
        indexdef = conn.execute(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_search_entry_fts'")
        ).scalar_one()
    assert "gin" in indexdef.lower() and "to_tsvector" in indexdef


def test_a_mail_subject_carries_the_query_and_its_filters() -> None:
    query, filters = parse_mail_query("RE: search: churn risk section:risks rep:sam since:2026-01-01 until:bad")
    assert query == "churn risk", "a filter that does not parse is dropped, not searched for"
    assert filters == {"section": "risks", "rep": "sam", "since": date(2026, 1, 1)}


async def test_search_by_mail_answers_a_company_sender_only(backend: Harness) -> None:
    await delivered(backend)
    colleague = "mei.tanaka@northwind.example"

    def mail(sender: str, subject: str) -> bytes:
        msg = EmailMessage()
        msg["From"] = sender
        msg["To"] = INBOX
        msg["Subject"] = subject
        msg["Date"] = email.utils.formatdate()
        msg["Message-ID"] = email.utils.make_msgid(domain=COMPANY)
        msg.set_content("")
        return msg.as_bytes()

    await backend.send(mail(colleague, "search: ThoughtSpot section:competitive"), mail_from=colleague)
    await backend.send(mail("eve@outside.example", "search: ThoughtSpot"), mail_from=REP)  # forged envelope
    await backend.drain()
    answers = backend.outbox_to(colleague)
    assert len(answers) == 1
    body = answers[0].get_body(preferencelist=("plain",)).get_content()
    assert "Alder & Finch Outfitters" in body and "Competitive context" in body and "[ThoughtSpot]" in body
    assert backend.outbox_to("eve@outside.example") == []


async def test_the_search_and_bulk_export_commands(service: Harness, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import csv
    import io
    import json

    from typer.testing import CliRunner

    from agent.cli import app

    await delivered(service)
    monkeypatch.setenv("HANDOFF_DATABASE_URL", service.settings.database_url)
    runner = CliRunner()
    found = runner.invoke(app, ["search", "ThoughtSpot", "--section", "competitive_context", "--json"])
    assert found.exit_code == 0, found.output
    hits = [json.loads(line) for line in found.output.splitlines()]
    assert hits and {h["section"] for h in hits} == {"competitive_context"}
    jsonl = runner.invoke(app, ["export", "--all", "--format", "jsonl"])
    assert [json.loads(line)["account"]["domain"] for line in jsonl.output.splitlines()] == ["alderfinch.example"]
    table = list(csv.DictReader(io.StringIO(runner.invoke(app, ["export", "--all", "--format", "csv"]).output)))
    assert table[0]["account_domain"] == "alderfinch.example" and table[0]["status"] == "delivered"
    assert runner.invoke(app, ["export", "--format", "jsonl"]).exit_code == 2
    off = runner.invoke(app, ["checkbacks", "off", "alderfinch.example"])
    assert off.exit_code == 0 and runner.invoke(app, ["checkbacks", "off", "nobody.example"]).exit_code == 1


def test_an_item_whose_quote_is_its_own_words_is_indexed_with_the_words_once() -> None:
    from agent.after_handoff.search import entries_for
    from agent.document import AccountInfo, HandoffDocument, Item, Quote
    from db.models import Account

    doc = HandoffDocument(account=AccountInfo(name="Alder & Finch", domain="alderfinch.example"))
    said = "And no customer personal data leaves Snowflake."
    doc.sections.implementation.append(
        Item(
            text=said,
            source_ids=["<m1@x>"],
            quotes=[
                Quote(text=said, speaker="Derek Vance", source_id="<m1@x>"),
                Quote(text="We run it nightly.", speaker="Anika Rao", source_id="<m1@x>"),
            ],
        )
    )
    account = Account(id=1, name="Alder & Finch", rep_email=REP, token="t" * 32, document=doc.export())
    [entry] = [e for e in entries_for(account, []) if e.section == "implementation"]
    assert entry.text.count("personal data") == 1
    assert entry.text == f'{said} — Derek Vance\n"We run it nightly." — Anika Rao'
