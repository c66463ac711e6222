"""Metrics after the fact: ``handoff report`` and the weekly digest to sales ops.

What it is for: ``build_report`` derives every figure from the event log (plus the
signature date on the account): prep time (first forward -> first approval), the
48-hour rule (signature -> delivery, on time or late), completeness at approval (the
``snapshot`` event), questions asked in the first draft vs answered by approval,
drafts per handoff, CSM ratings and the sections CSMs most often call missing or
wrong — per rep and overall. ``format_report`` renders it as a table, JSON or CSV;
``send_weekly_digest`` (from ``tick``) mails the last week's report to
HANDOFF_SALES_OPS_ADDRESS once per ISO week. Not for: counting anything by hand —
a figure that is not in the events is not reported.
"""

from __future__ import annotations

import csv
import io
import json
import statistics
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from agent.context import App
from agent.document import SECTION_KEYS, SECTION_TITLES
from agent.outbox import record_notice, send_outbound
from agent.settings import Settings
from db import repo
from db.models import Account, Event, as_utc, id_of
from db.session import reading, session_scope

OVERALL = "(all reps)"


@dataclass
class Handoff:
    """One account's history, read from its events."""

    account: str
    rep: str
    first_forward: datetime | None = None
    approved: datetime | None = None
    signed: date | None = None
    due: datetime | None = None
    filled: int | None = None
    asked: int | None = None
    open_at_approval: int | None = None
    drafts: int = 0
    ratings: list[int] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def prep_h(self) -> float | None:
        if self.first_forward is None or self.approved is None:
            return None
        return (self.approved - self.first_forward).total_seconds() / 3600

    @property
    def on_time(self) -> bool | None:
        if self.due is None or self.approved is None:
            return None
        return self.approved <= self.due

    @property
    def answered(self) -> int | None:
        if self.asked is None or self.open_at_approval is None:
            return None
        return max(0, self.asked - self.open_at_approval)


@dataclass
class RepRow:
    rep: str
    handoffs: int = 0
    approved: int = 0
    prep_h_median: float | None = None
    prep_h_mean: float | None = None
    on_time: int = 0
    late: int = 0
    completeness_pct: float | None = None  # mean sections filled at approval, of 11
    questions_asked: int = 0
    questions_answered: int = 0
    drafts_per_handoff: float | None = None
    ratings: int = 0
    rating_mean: float | None = None
    top_missing: list[tuple[str, int]] = field(default_factory=list)
    top_wrong: list[tuple[str, int]] = field(default_factory=list)


def due_by(settings: Settings, signed: date) -> datetime:
    """The 48-hour rule, as the reminders apply it: HANDOFF_DUE_H after 17:00 on the signing day."""
    end_of_day = datetime.combine(signed, time(17), tzinfo=settings.tz)
    return end_of_day.astimezone(UTC) + timedelta(hours=settings.handoff_due_h)


def handoffs_from_events(
    accounts: list[Account], events: list[Event], settings: Settings, since: datetime | None = None
) -> list[Handoff]:
    by_account: dict[int, list[Event]] = defaultdict(list)
    for e in events:
        if e.account_id is not None:
            by_account[e.account_id].append(e)
    out = []
    for account in accounts:
        evs = sorted(by_account.get(id_of(account), []), key=lambda e: (as_utc(e.at), e.id or 0))
        if not evs or (since is not None and as_utc(evs[-1].at) < since):
            continue
        h = Handoff(account=account.name, rep=account.rep_email, signed=account.contract_signed)
        for e in evs:
            at = as_utc(e.at)
            if e.kind in ("material", "account_created") and h.first_forward is None:
                h.first_forward = at
            elif e.kind == "draft_sent":
                h.drafts += 1
                if h.asked is None:
                    h.asked = int(e.data.get("questions") or 0)
            elif e.kind == "delivered" and h.approved is None:
                h.approved = at
            elif e.kind == "snapshot" and h.filled is None:
                h.filled = int(e.data.get("filled") or 0)
                h.open_at_approval = int(e.data.get("open_questions") or 0)
            elif e.kind == "csm_feedback":
                if e.data.get("rating") is not None:
                    h.ratings.append(int(e.data["rating"]))
                h.missing += list(e.data.get("missing") or [])
                h.wrong += list(e.data.get("wrong") or [])
        if h.signed is not None:
            h.due = due_by(settings, h.signed)
        out.append(h)
    return out


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 1) if values else None


def summarize(rep: str, handoffs: list[Handoff]) -> RepRow:
    row = RepRow(rep=rep, handoffs=len(handoffs))
    approved = [h for h in handoffs if h.approved is not None]
    row.approved = len(approved)
    prep = [h.prep_h for h in approved if h.prep_h is not None]
    row.prep_h_median = round(statistics.median(prep), 1) if prep else None
    row.prep_h_mean = _mean(prep)
    row.on_time = sum(1 for h in approved if h.on_time is True)
    row.late = sum(1 for h in approved if h.on_time is False)
    filled = [100 * h.filled / len(SECTION_KEYS) for h in approved if h.filled is not None]
    row.completeness_pct = _mean(filled)
    row.questions_asked = sum(h.asked or 0 for h in approved)
    row.questions_answered = sum(h.answered or 0 for h in approved)
    row.drafts_per_handoff = _mean([float(h.drafts) for h in handoffs])
    ratings = [r for h in handoffs for r in h.ratings]
    row.ratings, row.rating_mean = len(ratings), _mean([float(r) for r in ratings])
    row.top_missing = Counter(s for h in handoffs for s in h.missing).most_common(3)
    row.top_wrong = Counter(s for h in handoffs for s in h.wrong).most_common(3)
    return row


def build_report(session: Any, settings: Settings, since: datetime | None = None) -> list[RepRow]:
    """One row per rep (by address), then the overall row."""
    handoffs = handoffs_from_events(repo.list_accounts(session), repo.events_since(session), settings, since)
    reps: dict[str, list[Handoff]] = defaultdict(list)
    for h in handoffs:
        reps[h.rep].append(h)
    return [*(summarize(rep, reps[rep]) for rep in sorted(reps)), summarize(OVERALL, handoffs)]


# -- output ------------------------------------------------------------------------------

COLUMNS = (
    "rep",
    "handoffs",
    "approved",
    "prep_h_median",
    "prep_h_mean",
    "on_time",
    "late",
    "completeness_pct",
    "questions_asked",
    "questions_answered",
    "drafts_per_handoff",
    "ratings",
    "rating_mean",
    "top_missing",
    "top_wrong",
)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        return ", ".join(f"{SECTION_TITLES.get(s, s)} ({n})" for s, n in value) or "-"
    return str(value)


def format_report(rows: list[RepRow], fmt: str = "table") -> str:
    if fmt == "json":
        return json.dumps(
            [{**asdict(r), "top_missing": dict(r.top_missing), "top_wrong": dict(r.top_wrong)} for r in rows], indent=2
        )
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(COLUMNS)
        for r in rows:
            d = asdict(r)
            writer.writerow([";".join(f"{s}={n}" for s, n in d[c]) if c.startswith("top_") else d[c] for c in COLUMNS])
        return buf.getvalue()
    lines = []
    for r in rows:
        lines.append(f"{r.rep}")
        lines.append(
            f"  handoffs {r.handoffs}, approved {r.approved}, drafts per handoff {_cell(r.drafts_per_handoff)}"
        )
        lines.append(
            f"  prep time (first forward -> approval): median {_cell(r.prep_h_median)} h, mean {_cell(r.prep_h_mean)} h"
        )
        lines.append(f"  48-hour rule (signature -> delivery): {r.on_time} on time, {r.late} late")
        lines.append(f"  completeness at approval: {_cell(r.completeness_pct)} % of sections")
        lines.append(f"  questions: {r.questions_asked} asked, {r.questions_answered} answered by approval")
        lines.append(f"  CSM ratings: {r.ratings} (mean {_cell(r.rating_mean)}/5)")
        lines.append(f"  most often missing: {_cell(r.top_missing)}; wrong: {_cell(r.top_wrong)}")
    return "\n".join(lines)


def report_text(settings: Settings, since: date | None = None, fmt: str = "table") -> str:
    """For the CLI: read the database and format the report."""
    start = datetime.combine(since, time.min, tzinfo=UTC) if since else None
    with reading(settings.database_url) as engine, session_scope(engine) as session:
        return format_report(build_report(session, settings, start), fmt)


def digest_key(now: datetime) -> str:
    year, week, _ = now.isocalendar()
    return f"digest:{year}-W{week:02d}"


def last_digest_time(local: datetime, weekday: int, hour: int) -> datetime:
    """The most recent HANDOFF_DIGEST_WEEKDAY at HANDOFF_DIGEST_HOUR, local time, not after ``local``."""
    back = (local.weekday() - weekday) % 7
    at = (local - timedelta(days=back)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return at - timedelta(days=7) if at > local else at


async def send_weekly_digest(app: App) -> bool:
    """Once per ISO week, at HANDOFF_DIGEST_WEEKDAY HANDOFF_DIGEST_HOUR local time (or within a day after)."""
    to = app.settings.sales_ops_address
    if not to:
        return False
    local = app.now().astimezone(app.settings.tz)
    scheduled = last_digest_time(local, app.settings.digest_weekday, app.settings.digest_hour)
    if local - scheduled >= timedelta(hours=24):  # a missed digest is caught up within a day, not later
        return False
    key = digest_key(scheduled)
    with session_scope(app.engine) as session:
        if repo.outbound_key_exists(session, key):
            return False
        since = app.now() - timedelta(days=7)
        week = format_report(build_report(session, app.settings, since))
        text = f"Handoffs with activity in the 7 days to {local:%a %d %b %Y}:\n\n{week}"
        row, created = record_notice(
            app,
            session,
            key=key,
            kind="digest",
            to=to,
            subject=f"Weekly handoff report, week {key.split(':')[1]}",
            text=text,
            title="Weekly handoff report",
        )
        if created:
            repo.log_event(session, "digest", None, at=app.now(), key=key)
        outbound_id = id_of(row)
    await send_outbound(app, outbound_id)
    return True
