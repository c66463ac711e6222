"""CSM feedback by reply: what it says, where it is stored, and who hears about it."""

from __future__ import annotations

from sqlmodel import select

from agent.after_handoff.feedback import parse_feedback, section_key
from agent.demo_deal import demo_files
from db.models import Account, Feedback, Snapshot
from db.session import session_scope
from tests.conftest import REP, Harness, reply_to_draft

CSM = "jordan.lee@northwind.example"
CSM_LINE = f"CSM: Jordan Lee <{CSM}>"


def text_of(mail) -> str:  # type: ignore[no-untyped-def]
    return mail.get_body(preferencelist=("plain",)).get_content()


async def delivered(service: Harness):  # type: ignore[no-untyped-def]
    """Forward three messages, approve, and return the final mail the CSM got."""
    for path in demo_files()[:3]:
        await service.send(path.read_bytes())
    await service.drain()
    draft = service.outbox_to(REP)[-1]
    await service.send(reply_to_draft(draft, f"{CSM_LINE}\napprove"), rcpt_to=str(draft["Reply-To"]))
    await service.drain()
    finals = service.outbox_to(CSM)
    assert len(finals) == 1
    return finals[0]


async def csm_replies(service: Harness, final, text: str) -> None:  # type: ignore[no-untyped-def]
    reply = reply_to_draft(final, text, sender=CSM, sender_name="Jordan Lee")
    await service.send(reply, mail_from=CSM, rcpt_to=str(final["Reply-To"]))
    await service.drain()


def test_a_rating_is_read_as_n_of_5_or_a_bare_digit() -> None:
    assert parse_feedback("Thanks!\nrating: 4/5\n").rating == 4
    assert parse_feedback("Great handoff\n5\n").rating == 5
    assert parse_feedback("Score 2").rating == 2
    assert parse_feedback("We have 3 sites and 12 users.").rating is None
    assert parse_feedback("rating: 7/10").rating is None


def test_reason_codes_name_sections_by_key_title_or_common_word() -> None:
    note = parse_feedback(
        "missing: success_metrics, risks\nwrong: stakeholders — Maria left in May\nneeds: timeline\nOtherwise fine."
    )
    assert note.missing == ["success_metrics", "risks"]
    assert note.wrong == [{"section": "stakeholders", "note": "Maria left in May"}]
    assert [n["section"] for n in note.needs] == ["implementation"]
    assert note.comment == "Otherwise fine."
    assert section_key("Commitments we made") == "commitments"
    assert section_key("compet") == "competitive_context"
    assert section_key("weather") is None


def test_a_code_for_an_unknown_section_is_kept_as_not_understood() -> None:
    note = parse_feedback("missing: horoscope")
    assert note.missing == [] and note.unknown == ["missing: horoscope"]


async def test_feedback_is_stored_and_the_rep_gets_a_digest_and_nobody_else_mail(service: Harness) -> None:
    final = await delivered(service)
    before = {str(m["Message-ID"]) for m in service.outbox()}
    await csm_replies(service, final, "rating: 3/5\nmissing: success_metrics\nwrong: stakeholders — Maria left")
    new = [m for m in service.outbox() if str(m["Message-ID"]) not in before]
    assert len(new) == 1 and REP in str(new[0]["To"]) and CSM not in str(new[0]["To"]) + str(new[0]["Cc"] or "")
    digest = text_of(new[0])
    assert "Rating: 3/5" in digest and "Success metrics" in digest and "Maria left" in digest
    with session_scope(service.app.engine) as session:
        rows = list(session.exec(select(Feedback)))
        account = session.exec(select(Account)).one()
    assert len(rows) == 1 and rows[0].rating == 3 and rows[0].missing == ["success_metrics"]
    assert account.status == "delivered", "plain feedback does not reopen the handoff"


async def test_the_same_feedback_mail_twice_is_stored_and_digested_once(service: Harness) -> None:
    final = await delivered(service)
    reply = reply_to_draft(final, "4", sender=CSM, sender_name="Jordan Lee")
    for _ in range(2):
        await service.send(reply, mail_from=CSM, rcpt_to=str(final["Reply-To"]))
        await service.drain()
    with session_scope(service.app.engine) as session:
        assert len(list(session.exec(select(Feedback)))) == 1
    assert sum("CSM feedback" in str(m["Subject"]) for m in service.outbox_to(REP)) == 1


async def test_needs_reopens_the_handoff_with_the_csms_asks_as_the_first_questions(service: Harness) -> None:
    final = await delivered(service)
    await csm_replies(service, final, "needs: timeline — when does the ERP cutover happen?")
    draft = service.outbox_to(REP)[-1]
    body = text_of(draft)
    assert "Jordan Lee asks for more on Implementation: when does the ERP cutover happen?" in body
    assert "  1. Jordan Lee asks for more on Implementation: when does the ERP cutover happen?" in body
    with session_scope(service.app.engine) as session:
        account = session.exec(select(Account)).one()
        # revision names what the CSM has until the update is delivered
        assert account.status == "draft_sent" and account.revision == 0
        assert account.questions[0]["section"] == "implementation"
    assert len(service.outbox_to(CSM)) == 1, "the CSM is not mailed until the rep approves again"
    answer = "Implementation: the ERP cutover is on 1 August.\napprove"
    await service.send(reply_to_draft(draft, answer), rcpt_to=str(draft["Reply-To"]))
    await service.drain()
    assert len(service.outbox_to(CSM)) == 2
    with session_scope(service.app.engine) as session:
        versions = [(s.version, s.revision) for s in session.exec(select(Snapshot).order_by(Snapshot.version))]
    assert versions == [(1, 0), (2, 1)]


async def test_a_snapshot_keeps_what_the_csm_received_and_cannot_be_changed(service: Harness) -> None:
    import pytest

    final = await delivered(service)
    with session_scope(service.app.engine) as session:
        snap = session.exec(select(Snapshot)).one()
        assert snap.csm_email == CSM and snap.document["status"] == "delivered"
        attached = next(p for p in final.walk() if p.get_filename() and p.get_filename().endswith(".md"))
        assert " ".join(snap.markdown.split()) == " ".join(attached.get_content().split())
    with pytest.raises(ValueError, match="immutable"), session_scope(service.app.engine) as session:
        snap = session.exec(select(Snapshot)).one()
        snap.markdown = "rewritten"


async def test_a_delivery_that_lost_its_snapshot_in_a_crash_gets_one_on_the_next_tick(service: Harness) -> None:
    from agent import jobs

    await delivered(service)
    with session_scope(service.app.engine) as session:
        session.delete(session.exec(select(Snapshot)).one())
    await jobs.tick({"app": service.app, "job_try": 1})
    with session_scope(service.app.engine) as session:
        snap = session.exec(select(Snapshot)).one()
    assert (snap.version, snap.revision) == (1, 0) and snap.outbound_id is not None


async def test_handoff_snapshots_lists_and_prints_what_the_csm_received(service: Harness) -> None:
    import json

    from typer.testing import CliRunner

    from agent.cli import app

    final = await delivered(service)
    settings = service.app.settings
    env = {
        "HANDOFF_DATABASE_URL": settings.database_url,
        "HANDOFF_INBOX_ADDRESS": settings.inbox_address,
        "HANDOFF_COMPANY_DOMAINS": ",".join(settings.own_domains),
    }
    runner = CliRunner()
    listed = runner.invoke(app, ["snapshots", "alderfinch.example", "--format", "json"], env=env)
    assert listed.exit_code == 0, listed.output
    (row,) = json.loads(listed.stdout)
    assert (row["version"], row["revision"], row["csm"]) == (1, 0, CSM)
    doc = runner.invoke(app, ["snapshots", "alderfinch.example", "--version", "1"], env=env)
    assert doc.exit_code == 0 and json.loads(doc.stdout)["status"] == "delivered"
    markdown = runner.invoke(app, ["snapshots", "alderfinch.example", "--version", "1", "--format", "md"], env=env)
    attached = next(p for p in final.walk() if p.get_filename() and p.get_filename().endswith(".md"))
    assert " ".join(markdown.stdout.split()) == " ".join(attached.get_content().split())
    missing = runner.invoke(app, ["snapshots", "alderfinch.example", "--version", "7"], env=env)
    assert missing.exit_code == 1 and "versions: 1" in missing.output
