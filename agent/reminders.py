"""The 48-hour rule: remind the rep before the handoff is due, and when it is overdue.

What it is for: ``send_reminders`` (from the periodic ``tick``) mails the rep one
reminder per configured point before the deadline (HANDOFF_REMINDER_HOURS_BEFORE, and
the deadline itself), in the rep's thread, never right after a draft; ``due_at`` is the
deadline (HANDOFF_HANDOFF_DUE_H after the signing day). Not for: the draft or the
final mail (agent/delivery.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from agent.context import App
from agent.outbox import record_notice, send_outbound
from agent.schedule import handoff_due
from db import repo
from db.models import Account, as_utc, id_of
from db.session import session_scope
from mailflows.outbound.compose import handoff_subject

REMINDER_QUIET_H = 2.0  # no reminder within this long after a draft: the rep just heard from us


async def send_reminders(app: App) -> int:
    """The 48-hour rule: one reminder per configured point before the deadline, in the rep's thread."""
    now = app.now()
    points = sorted({0.0, *app.settings.reminder_hours_before})  # 0: the deadline itself (overdue)
    due_now: list[tuple[int, str]] = []
    with session_scope(app.engine) as session:
        waiting = repo.accounts_awaiting_handoff(session)
        drafted = repo.last_sent_at(session, [id_of(a) for a in waiting], "draft")
        for account in waiting:
            due = due_at(app, account)
            passed = [h for h in points if now >= due - timedelta(hours=h)]
            last_draft = as_utc(drafted.get(id_of(account)))
            if not passed or (last_draft and now - last_draft < timedelta(hours=REMINDER_QUIET_H)):
                continue
            # Several points passed at once (a late start) give one reminder, for the nearest one.
            due_now.append((id_of(account), f"reminder:{account.id}:{account.revision}:{passed[0]:g}"))
    sent = 0
    for account_id, key in due_now:
        sent += await _remind(app, account_id, key)
    return sent


def due_at(app: App, account: Account) -> datetime:
    """When the handoff is due: HANDOFF_DUE_H after the end of the signing day, in HANDOFF_TIMEZONE."""
    return handoff_due(account.contract_signed or app.now().date(), app.settings.tz, app.settings.handoff_due_h)


async def _remind(app: App, account_id: int, key: str) -> int:
    with session_scope(app.engine) as session:
        account = repo.lock_account(session, account_id)
        due = due_at(app, account)
        state = "overdue" if app.now() > due else "due"
        text = (
            f"The handoff for {account.name} is {state}: the contract was signed on "
            f"{account.contract_signed:%a %d %b %Y} and the CSM should have it by {due:%a %d %b %H:%M} UTC.\n\n"
            "Reply to this mail (or the newest draft) with your answers, then a line saying 'approve'."
        )
        row, created = record_notice(
            app,
            session,
            key=key,
            kind="reminder",
            to=account.rep_email,
            to_name=account.rep_name,
            subject=handoff_subject(account.name, "reminder"),
            text=text,
            title=f"Handoff reminder: {account.name}",
            account=account,
            in_thread=True,
        )
        if created:
            repo.log_event(session, "reminder", account_id, key=key, state=state, at=app.now())
        outbound_id = id_of(row)
    await send_outbound(app, outbound_id)
    return int(created)
