"""``handoff report`` figures on a seeded event history, and the weekly digest to sales ops."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from agent.after_handoff.report import OVERALL, build_report, format_report
from db.models import Account, Event
from db.session import make_engine, session_scope, upgrade
from tests.conftest import make_settings, start_harness, stop_harness

D0 = datetime(2026, 3, 2, 9, tzinfo=UTC)  # a Monday
SAM = "sam.okafor@northwind.example"
LEA = "lea.park@northwind.example"


def seed(tmp_path: Path):  # type: ignore[no-untyped-def]
    settings = make_settings(tmp_path)
    engine = make_engine(settings.database_url)
    upgrade(engine)

    def account(name: str, rep: str, signed: date | None) -> Account:
        return Account(
            name=name,
            domain=f"{name.lower()}.example",
            rep_email=rep,
            token=name.lower() * 4,
            token_expires_at=D0 + timedelta(days=30),
            contract_signed=signed,
        )

    with session_scope(engine) as session:
        x, y, z = account("Xeno", SAM, D0.date()), account("Yarrow", SAM, D0.date()), account("Zephyr", LEA, None)
        session.add_all([x, y, z])
        session.flush()

        def ev(acc: Account, kind: str, at: datetime, **data: object) -> None:
            session.add(Event(account_id=acc.id, kind=kind, at=at, data=data))

        # Xeno: approved after 24 h, before the 48-hour deadline (Wed 4 Mar 17:00).
        ev(x, "material", D0)
        ev(x, "draft_sent", D0 + timedelta(minutes=5), number=1, questions=10)
        ev(x, "draft_sent", D0 + timedelta(hours=6), number=2, questions=4)
        ev(x, "delivered", D0 + timedelta(hours=24), revision=0)
        ev(x, "snapshot", D0 + timedelta(hours=24), filled=9, open_questions=4)
        ev(x, "csm_feedback", D0 + timedelta(days=2), rating=4, missing=["success_metrics"], wrong=[])
        # Yarrow: approved after 4 days, late.
        ev(y, "material", D0)
        ev(y, "draft_sent", D0 + timedelta(minutes=5), number=1, questions=8)
        ev(y, "delivered", D0 + timedelta(days=4), revision=0)
        ev(y, "snapshot", D0 + timedelta(days=4), filled=11, open_questions=0)
        ev(
            y,
            "csm_feedback",
            D0 + timedelta(days=5),
            rating=2,
            missing=["success_metrics", "risks"],
            wrong=["stakeholders"],
        )
        # Zephyr: still collecting.
        ev(z, "material", D0)
        ev(z, "draft_sent", D0 + timedelta(minutes=5), number=1, questions=6)
    return settings, engine


def test_report_figures_per_rep_and_overall_come_from_the_events(tmp_path: Path) -> None:
    settings, engine = seed(tmp_path)
    with session_scope(engine) as session:
        rows = {r.rep: r for r in build_report(session, settings)}
    sam, lea, overall = rows[SAM], rows[LEA], rows[OVERALL]
    assert (sam.handoffs, sam.approved) == (2, 2)
    assert (sam.prep_h_median, sam.prep_h_mean) == (60.0, 60.0)
    assert (sam.on_time, sam.late) == (1, 1)
    assert sam.completeness_pct == 90.9  # (9/11 + 11/11) / 2
    assert (sam.questions_asked, sam.questions_answered) == (18, 14)
    assert sam.drafts_per_handoff == 1.5
    assert (sam.ratings, sam.rating_mean) == (2, 3.0)
    assert sam.top_missing == [("success_metrics", 2), ("risks", 1)]
    assert sam.top_wrong == [("stakeholders", 1)]
    assert (lea.handoffs, lea.approved, lea.prep_h_median) == (1, 0, None)
    assert (overall.handoffs, overall.approved, overall.drafts_per_handoff) == (3, 2, 1.3)
    engine.dispose()


def test_since_keeps_only_handoffs_with_activity_after_the_date(tmp_path: Path) -> None:
    settings, engine = seed(tmp_path)
    with session_scope(engine) as session:
        rows = build_report(session, settings, since=D0 + timedelta(days=3))
    assert [(r.rep, r.handoffs) for r in rows] == [(SAM, 1), (OVERALL, 1)]
    assert rows[0].late == 1 and rows[0].on_time == 0
    engine.dispose()


def test_the_report_prints_as_table_json_and_csv(tmp_path: Path) -> None:
    settings, engine = seed(tmp_path)
    with session_scope(engine) as session:
        rows = build_report(session, settings)
    table = format_report(rows, "table")
    assert "48-hour rule (signature -> delivery): 1 on time, 1 late" in table
    assert "most often missing: Success metrics (2), Risks (1)" in table
    data = json.loads(format_report(rows, "json"))
    assert data[-1]["rep"] == OVERALL and data[1]["top_missing"] == {"success_metrics": 2, "risks": 1}
    parsed = list(csv.DictReader(io.StringIO(format_report(rows, "csv"))))
    assert [r["rep"] for r in parsed] == [LEA, SAM, OVERALL]
    assert parsed[1]["top_missing"] == "success_metrics=2;risks=1" and parsed[1]["prep_h_median"] == "60.0"
    engine.dispose()


async def test_the_weekly_digest_goes_to_sales_ops_once_per_week(tmp_path: Path) -> None:
    from agent import jobs

    ops = "sales-ops@northwind.example"
    harness = await start_harness(
        make_settings(tmp_path, sales_ops_address=ops, digest_weekday=0, digest_hour=8), "sqlite"
    )
    ctx = {"app": harness.app, "job_try": 1}
    try:
        harness.app.clock = lambda: datetime(2026, 3, 8, 12, tzinfo=UTC)  # Sunday: not yet
        await jobs.tick(ctx)
        assert harness.outbox_to(ops) == []
        harness.app.clock = lambda: datetime(2026, 3, 9, 7, tzinfo=UTC)  # Monday before 08:00
        await jobs.tick(ctx)
        assert harness.outbox_to(ops) == []
        harness.app.clock = lambda: datetime(2026, 3, 9, 8, 30, tzinfo=UTC)
        await jobs.tick(ctx)
        harness.app.clock = lambda: datetime(2026, 3, 9, 18, tzinfo=UTC)  # same day, later tick
        await jobs.tick(ctx)
        assert len(harness.outbox_to(ops)) == 1
        assert "week 2026-W11" in str(harness.outbox_to(ops)[0]["Subject"])
        digest = harness.outbox_to(ops)[0].get_body(preferencelist=("plain",)).get_content()
        assert "48-hour rule" in digest and OVERALL in digest
        harness.app.clock = lambda: datetime(2026, 3, 17, 7, tzinfo=UTC)  # ticks missed Monday: caught up
        await jobs.tick(ctx)
        assert len(harness.outbox_to(ops)) == 2
        assert "week 2026-W12" in str(harness.outbox_to(ops)[1]["Subject"])
    finally:
        await stop_harness(harness)


def test_handoff_report_command_prints_csv_and_refuses_a_bad_date(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from agent.cli import app

    settings, engine = seed(tmp_path)
    engine.dispose()
    monkeypatch.setenv("HANDOFF_DATABASE_URL", settings.database_url)
    result = CliRunner().invoke(app, ["report", "--format", "csv", "--since", "2026-03-05"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].startswith(f"{SAM},1,1,")
    bad = CliRunner().invoke(app, ["report", "--since", "last tuesday"])
    assert bad.exit_code == 2
