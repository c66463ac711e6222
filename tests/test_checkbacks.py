"""Check-backs to the CSM at 90 days, 6 months and 1 year, on a frozen clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from agent import jobs
from agent.after_handoff.checkbacks import set_enabled
from agent.demo_deal import demo_files
from agent.lookups import document_for
from tests.conftest import REP, Harness, make_settings, reply_to_draft, start_harness, stop_harness

CSM = "jordan.lee@northwind.example"
DELIVERED = datetime(2026, 6, 1, 9, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = DELIVERED

    def __call__(self) -> datetime:
        return self.now


async def delivered(tmp_path: Path) -> tuple[Harness, Clock]:
    clock = Clock()
    h = await start_harness(make_settings(tmp_path), "sqlite")
    h.app.clock = clock
    for path in demo_files()[:3]:
        await h.send(path.read_bytes())
    await h.drain()
    draft = h.outbox_to(REP)[-1]
    await h.send(reply_to_draft(draft, f"CSM: Jordan Lee <{CSM}>\napprove"), rcpt_to=str(draft["Reply-To"]))
    await h.drain()
    assert len(h.outbox_to(CSM)) == 1
    return h, clock


def checkbacks(h: Harness) -> list:  # type: ignore[type-arg]
    return [m for m in h.outbox() if str(m["X-Handoff-Kind"] or "") == "checkback" or "Check-back" in str(m["Subject"])]


def text_of(mail) -> str:  # type: ignore[no-untyped-def]
    return mail.get_body(preferencelist=("plain",)).get_content()


async def tick_at(h: Harness, clock: Clock, when: datetime) -> None:
    clock.now = when
    await jobs.tick({"app": h.app, "job_try": 1})


async def test_each_horizon_mails_the_csm_once_with_its_metrics_and_commitments_due(tmp_path: Path) -> None:
    h, clock = await delivered(tmp_path)
    try:
        doc = document_for(h.settings, "alderfinch.example")
        await tick_at(h, clock, DELIVERED + timedelta(days=89))
        assert checkbacks(h) == []
        await tick_at(h, clock, DELIVERED + timedelta(days=90, hours=1))
        await tick_at(h, clock, DELIVERED + timedelta(days=91))
        (first,) = checkbacks(h)
        assert str(first["To"]).endswith(f"<{CSM}>") and first["Cc"] is None
        assert "Check-back at 90 days" in str(first["Subject"])
        body = " ".join(text_of(first).split())
        for metric in (m for m in doc.sections.success_metrics if m.horizon == "90d"):
            assert " ".join(metric.text.split()) in body
        for metric in (m for m in doc.sections.success_metrics if m.horizon == "6m"):
            assert " ".join(metric.text.split()) not in body, "only the metrics with this horizon"
        due = [c for c in doc.sections.commitments if c.due is not None]
        assert due and all(" ".join(c.text.split()) in body for c in due)
        await tick_at(h, clock, DELIVERED + timedelta(days=182, hours=1))
        await tick_at(h, clock, DELIVERED + timedelta(days=365, hours=1))
        subjects = [str(m["Subject"]) for m in checkbacks(h)]
        assert [s.split(":")[0] for s in subjects] == [
            "Check-back at 90 days",
            "Check-back at 6 months",
            "Check-back at 1 year",
        ]
    finally:
        await stop_harness(h)


async def test_a_horizon_missed_by_more_than_the_grace_period_is_skipped(tmp_path: Path) -> None:
    h, clock = await delivered(tmp_path)
    try:
        await tick_at(h, clock, DELIVERED + timedelta(days=190))  # 90 days was 100 days ago; 6 months 8 days ago
        assert [str(m["Subject"]).split(":")[0] for m in checkbacks(h)] == ["Check-back at 6 months"]
    finally:
        await stop_harness(h)


async def test_checkbacks_off_stops_them_for_that_account(tmp_path: Path) -> None:
    h, clock = await delivered(tmp_path)
    try:
        assert set_enabled(h.settings, "alderfinch", False) == "Alder & Finch Outfitters"
        await tick_at(h, clock, DELIVERED + timedelta(days=90, hours=1))
        assert checkbacks(h) == []
        set_enabled(h.settings, "alderfinch.example", True)
        await tick_at(h, clock, DELIVERED + timedelta(days=91))
        assert len(checkbacks(h)) == 1
    finally:
        await stop_harness(h)


async def test_a_revision_does_not_move_the_checkback_dates(tmp_path: Path) -> None:
    h, clock = await delivered(tmp_path)
    try:
        clock.now = DELIVERED + timedelta(days=30)
        await h.send(demo_files()[5].read_bytes())
        await h.drain()
        draft = h.outbox_to(REP)[-1]
        await h.send(reply_to_draft(draft, "approve"), rcpt_to=str(draft["Reply-To"]))
        await h.drain()
        assert len(h.outbox_to(CSM)) == 2
        await tick_at(h, clock, DELIVERED + timedelta(days=90, hours=1))
        assert len(checkbacks(h)) == 1, "counted from the first delivery, not the revision"
    finally:
        await stop_harness(h)
