"""The handoff call in the CSM's and the rep's calendars, from the first delivery to the last.

What it is for: ``planned_call`` (when the call of a delivery is: a newly pinned time,
the standing one while it is ahead, a free slot for a first delivery or a new CSM; None
when a later version needs no call), ``request`` (the iTIP REQUEST of a delivery: one
UID for the handoff, SEQUENCE one higher than the last one sent), ``record_cancel`` (a
short note carrying the iTIP CANCEL, recorded in the outbox under its unique key),
``record_moved`` (that, to a CSM who lost the handoff to another: where it went, no
document content) and ``withdraw`` (``cancel`` after delivery: the CANCEL to the CSM,
then the rep is told). Not for: the slot rules (agent/schedule.py), the .ics format
(mailflows/outbound/calendar.py) or the final mail (agent/delivery.py).
"""

from __future__ import annotations

import logging
from datetime import datetime, tzinfo

from sqlmodel import Session

from agent.context import App
from agent.document import HandoffDocument
from agent.outbox import explain, send_outbound
from agent.render import call_time, render_notice
from agent.schedule import Hours, next_call_slot, parse_hours
from agent.trust import token_address
from agent.wording import translations
from db import repo
from db.models import Account, Outbound, as_utc, id_of
from db.session import session_scope
from mailflows.inbound.mail import ParsedMail
from mailflows.outbound.calendar import build_invite
from mailflows.outbound.compose import compose_cancel, one_line

log = logging.getLogger(__name__)


def free_slot(app: App, account: Account) -> datetime:
    """The first slot within 48 hours in the rep's business hours and, when the roster knows them, the CSM's."""
    zones: list[tzinfo] = [app.settings.tz]
    hours: list[Hours] = [parse_hours(app.settings.business_hours)]
    csm = app.roster.get(account.csm_email) if app.roster and account.csm_email else None
    if csm is not None:
        zones.append(csm.tz)
        hours.append(csm.working_hours)
    return next_call_slot(app.now(), zones, minutes=app.settings.call_minutes, within_h=48, hours=hours)


def planned_call(
    app: App, account: Account, standing: datetime | None, *, first: bool, new_csm: bool
) -> datetime | None:
    """The call a delivery carries.

    A first delivery (or the first after a ``cancel``): the pinned time, else a free slot.
    A later one: a newly pinned time ahead, else the standing call while it is ahead, else
    a free slot when a new CSM takes over; otherwise None (the call has passed, and the
    same CSM needs no second one).
    """
    pinned = as_utc(account.call_pinned_at)
    if first:
        return pinned or free_slot(app, account)
    now = app.now()
    if pinned is not None and pinned > now:
        return pinned
    if standing is not None and standing > now:
        return standing
    return free_slot(app, account) if new_csm else None


def invite_uid(app: App, account: Account) -> str:
    """The handoff's event: the UID it was given, or a new one (a new one after a ``cancel`` withdrew the last)."""
    if account.invite_uid:
        return account.invite_uid
    suffix = f"-{account.revision}" if account.revision else ""
    return f"handoff-{account.id}-{account.token[:12]}{suffix}@{app.settings.inbox_domain}"


def next_sequence(account: Account) -> int:
    """RFC 5546 2.1.4: every update of a sent event carries a higher SEQUENCE; a new event starts at 0."""
    return account.invite_sequence + 1 if account.invite_uid else 0


def request(
    app: App,
    account: Account,
    doc: HandoffDocument,
    *,
    uid: str,
    sequence: int,
    start: datetime,
) -> bytes:
    """The REQUEST for the CSM and the rep (the service organises; both are asked to answer)."""
    rep_name = account.rep_name or account.rep_email
    csm_name = account.csm_name or account.csm_email or ""
    return build_invite(
        uid=uid,
        sequence=sequence,
        start=start,
        minutes=app.settings.call_minutes,
        tz=app.settings.tz,
        organizer=app.settings.inbox_address,
        attendees=[(csm_name, account.csm_email or ""), (rep_name, account.rep_email)],
        summary=_summary(account, rep_name, csm_name, doc.language),
        description=_agenda(doc),
        now=app.now(),
    )


def _summary(account: Account, rep_name: str, csm_name: str, language: str = "en") -> str:
    _ = translations(language).gettext
    return _("Handoff call: %(account)s (%(rep)s -> %(csm)s)") % {
        "account": account.name,
        "rep": rep_name,
        "csm": csm_name,
    }


def record_cancel(
    app: App,
    session: Session,
    account: Account,
    *,
    key: str,
    csm: tuple[str, str],
    copy_rep: bool,
    sequence: int,
    start: datetime | None,
    subject: str,
    text: str,
) -> tuple[Outbound, bool]:
    """The CANCEL of the handoff's event for ``csm`` (and the rep, ``copy_rep``), with a short note; once per key."""
    name, email = csm
    attendees = [(name, email), *([(account.rep_name or account.rep_email, account.rep_email)] if copy_rep else [])]
    ics = build_invite(
        uid=invite_uid(app, account),
        sequence=sequence,
        start=start or app.now(),
        minutes=app.settings.call_minutes,
        tz=app.settings.tz,
        organizer=app.settings.inbox_address,
        attendees=attendees,
        summary=_summary(account, account.rep_name or account.rep_email, name or email),
        description=text,
        now=app.now(),
        method="CANCEL",
    )
    plain, html = render_notice(text, title=subject)
    msg = compose_cancel(
        from_addr=app.settings.inbox_address,
        reply_to=token_address(app.settings, account.token),
        to=(name, email),
        cc=[(account.rep_name or "", account.rep_email)] if copy_rep else [],
        subject=subject,
        text=plain,
        html=html,
        ics=ics,
        domain=app.settings.inbox_domain,
    )
    return repo.add_outbound(
        session,
        Outbound(
            created_at=app.now(),
            key=key,
            account_id=account.id,
            kind="cancel",
            message_id=str(msg["Message-ID"]),
            recipients=[email, *([account.rep_email] if copy_rep else [])],
            raw=msg.as_bytes(),
        ),
    )


def call_words(app: App, start: datetime | None) -> str:
    return call_time(start, app.settings.tz, app.settings.call_minutes) if start is not None else ""


def record_moved(app: App, session: Session, account: Account, old_csm: tuple[str, str], sequence: int) -> int:
    """A CSM who lost the handoff to another: the CANCEL of the call and where it went, no document content.

    Recorded under a key per revision and CSM (the caller's transaction); returns its outbox id.
    """
    name, email = old_csm
    start = as_utc(account.call_start)
    new_csm = f"{account.csm_name} <{account.csm_email}>" if account.csm_name else account.csm_email or ""
    lines = [f"The handoff of {one_line(account.name)} has moved to {new_csm}; nothing more is needed from you."]
    if start is not None:
        lines.append(
            f"The handoff call on {call_words(app, start)} is cancelled: the attached update removes it from your calendar."
        )
    row, _ = record_cancel(
        app,
        session,
        account,
        key=f"moved:{account.id}:{account.revision}:{email}",
        csm=(name, email),
        copy_rep=False,
        sequence=sequence,
        start=start,
        subject=f"Handoff moved: {account.name}",
        text="\n\n".join(lines),
    )
    return id_of(row)


async def withdraw(app: App, account_id: int, parsed: ParsedMail, notes: list[str]) -> None:
    """``cancel`` after delivery: the CSM who has it gets the CANCEL (the rep in copy), then the rep is told.

    Once per delivered version: the CANCEL is recorded under a key of its own, and a
    replay finds the handoff withdrawn already.
    """
    outbound_id: int | None = None
    async with app.locks.hold(f"account:{account_id}"):
        with session_scope(app.engine) as session:
            account = repo.lock_account(session, account_id)
            rep_email = account.rep_email
            last = repo.last_snapshot(session, account_id)
            if last is not None and last.csm_email and account.withdrawn_at is None and account.invite_uid:
                doc = HandoffDocument.model_validate(last.document)
                name = (doc.csm.name if doc.csm else None) or ""
                start = as_utc(account.call_start)
                call = call_words(app, start)
                sequence = next_sequence(account)
                rep = account.rep_name or account.rep_email
                text = (
                    f"{rep} cancelled the handoff of {one_line(account.name)}: "
                    f"version {last.version}, which you have, no longer stands."
                )
                if start is not None:
                    text += f"\n\nThe handoff call on {call} is cancelled: the attached update removes it from your calendar."
                row, created = record_cancel(
                    app,
                    session,
                    account,
                    key=f"withdraw:{account_id}:{last.revision}",
                    csm=(name, last.csm_email),
                    copy_rep=True,
                    sequence=sequence,
                    start=start,
                    subject=f"Handoff cancelled: {account.name}",
                    text=text,
                )
                outbound_id = id_of(row)
                if created:
                    account.invite_sequence = sequence
                    account.invite_uid = None  # a later delivery is a new event
                    account.withdrawn_at = app.now()
                    repo.log_event(
                        session, "withdrawn", account_id, version=last.version, csm=last.csm_email, at=app.now()
                    )
                who = f"{name} <{last.csm_email}>" if name else last.csm_email
                notes.append(
                    f"{who} had version {last.version}: they were told it is cancelled"
                    + (f", and the handoff call on {call} is cancelled in their calendar." if start else ".")
                )
    if outbound_id is not None:
        await send_outbound(app, outbound_id)
    await explain(app, rep_email, "\n".join(notes), parsed)


def _agenda(doc: HandoffDocument) -> str:
    _ = translations(doc.language).gettext
    lines = [_("15-minute handoff of %(account)s from sales to customer success.") % {"account": doc.account.name}]
    lines += [
        "",
        _("Agenda:"),
        _("1. Who is who (stakeholder map)"),
        _("2. What they bought it for (pains, success metrics)"),
    ]
    lines += [
        _("3. What we promised (commitments and dates)"),
        _("4. Risks and the rep's read"),
        "",
        _("The document is attached to the mail."),
    ]
    return "\n".join(lines)
