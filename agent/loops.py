"""Mail loops: a reply that says the same thing again, or that never ends, is not answered again.

What it is for: deciding, for a rep's reply *without a command*, whether it is answered
at all (``quiet_reply``). Not answered: the same text again (``text_print``: case,
spacing and punctuation aside) — the first repeat mutes that text in this thread and
the rep is told once, by a notice, or, when an earlier copy already got a draft, by a
line in the next draft (``take_untold_mutes``), so ten identical replies give at most
one message; and any reply past ``LOOP_BUDGET`` answered ones in a day (an auto-responder
whose text changes every time), told once a day. A reply with no text of its own gets
one notice that says so. ``record_reply`` is the event every rep reply leaves, which
these rules read. ``replies_to_our_notice``: mail answering one of our notices is never
answered with another. Commands are never held back here: a reply with a command is
always answered. Not for: auto-replies known by their headers or wording
(mailflows/inbound/autoreply.py) or the daily cap per address (agent/outbox.py).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session

from db import repo
from db.models import Event, as_utc
from mailflows.inbound.mail import ParsedMail

_NOT_WORD = re.compile(r"[\W_]+")
NO_OWN_TEXT = "no-own-text"
ANY_TEXT = "*"  # the print a day's mute of every non-command reply is recorded under
# Replies without a command answered (a draft or a notice) per handoff per day: far below
# HANDOFF_AUTO_REPLIES_PER_SENDER_PER_DAY (50), so a loop never uses up the rep's cap.
LOOP_BUDGET = 10

NO_OWN_TEXT_NOTE = (
    "Your reply had no text of its own: everything in it was quoted, so nothing was changed. "
    "Write your answers or commands (approve, CSM: Name <address>, remove: ...) above the quoted draft."
)
MUTED_NOTE = (
    "The same reply kept arriving in this thread ({what}), which looks like an automatic answer, "
    "so I stopped answering it. Replies with a command (approve, CSM:, remove:, status ...) are always answered."
)
BUDGET_NOTE = (
    f"This thread got more than {LOOP_BUDGET} replies without a command today, which looks like a mail loop "
    "(an auto-responder?), so I stopped answering them until tomorrow. Replies with a command "
    "(approve, CSM:, remove:, status ...) are always answered."
)


def text_print(text: str) -> str:
    """A short digest of a reply's own text that ignores case, spacing and punctuation."""
    folded = _NOT_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()
    if not folded:
        return NO_OWN_TEXT
    return hashlib.sha256(folded.encode()).hexdigest()[:24]


def muted_text(print_: str) -> str:
    return "a reply with no text of its own" if print_ == NO_OWN_TEXT else "the same text each time"


@dataclass(frozen=True, slots=True)
class Quiet:
    """A reply that is not read: why, and the one notice the rep gets about it (if any)."""

    reason: str  # repeat | loop | no_own_text
    notice: str | None = None


def _reply_events(session: Session, account_id: int, but: str | None = None) -> list[Event]:
    """The thread's reply events, without those a message ``but`` left (a retried job decides as the first try)."""
    return [
        e
        for e in repo.events_of(session, account_id, kinds=("rep_reply", "replies_muted"))
        if but is None or e.data.get("message_id") != but
    ]


def quiet_reply(session: Session, account_id: int, message_id: str, print_: str, now: datetime) -> Quiet | None:
    """Whether a reply without a command goes unanswered (and what the rep is told), recorded; else None."""
    events = _reply_events(session, account_id, but=message_id)
    same = {e.data.get("message_id"): e for e in events if e.kind == "rep_reply" and e.data.get("print") == print_}
    if same:
        muted = any(e.kind == "replies_muted" and e.data.get("print") == print_ for e in events)
        answered = any(e.data.get("replied") for e in same.values())
        notice = None
        if not muted:
            mute(session, account_id, message_id, print_, tell_in_next_draft=answered, at=now)
            notice = None if answered else MUTED_NOTE.format(what=muted_text(print_))
        record_reply(session, account_id, message_id, print_, replied=notice is not None, repeat=True, at=now)
        return Quiet("repeat", notice)
    today = [e for e in events if (as_utc(e.at) or now) >= now - timedelta(days=1)]
    answered_today = {
        e.data.get("message_id")
        for e in today
        if e.kind == "rep_reply" and e.data.get("replied") and not e.data.get("commands")
    }
    if len(answered_today) >= LOOP_BUDGET:
        told = any(e.kind == "replies_muted" and e.data.get("print") == ANY_TEXT for e in today)
        if not told:
            mute(session, account_id, message_id, ANY_TEXT, tell_in_next_draft=False, at=now)
        record_reply(session, account_id, message_id, print_, replied=not told, at=now)
        return Quiet("loop", None if told else BUDGET_NOTE)
    if print_ == NO_OWN_TEXT:
        record_reply(session, account_id, message_id, print_, replied=True, at=now)
        return Quiet("no_own_text", NO_OWN_TEXT_NOTE)
    return None


def record_reply(
    session: Session,
    account_id: int,
    message_id: str,
    print_: str,
    *,
    replied: bool,
    at: datetime,
    approve: bool = False,
    commands: bool = False,
    had_answer: bool = False,
    repeat: bool = False,
) -> None:
    """The event every rep reply leaves: its text's print, and whether anything went out in answer."""
    repo.log_event(
        session,
        "rep_reply",
        account_id,
        at=at,
        message_id=message_id,
        print=print_,
        approve=approve,
        commands=commands,
        answered=had_answer,
        replied=replied,
        repeat=repeat,
    )


def mute(
    session: Session, account_id: int, message_id: str, print_: str, *, tell_in_next_draft: bool, at: datetime
) -> None:
    """From now on this text is not answered in this thread; the note waits for the next draft when asked."""
    repo.log_event(
        session, "replies_muted", account_id, at=at, message_id=message_id, print=print_, told=not tell_in_next_draft
    )


def take_untold_mutes(session: Session, account_id: int) -> list[str]:
    """Notes for the next draft about texts muted after their first copy got a draft; marked told here."""
    notes: list[str] = []
    for event in _reply_events(session, account_id):
        if event.kind == "replies_muted" and not event.data.get("told"):
            notes.append(MUTED_NOTE.format(what=muted_text(str(event.data.get("print")))))
            event.data = {**event.data, "told": True}
            flag_modified(event, "data")
    return notes


def replies_to_our_notice(session: Session, parsed: ParsedMail) -> bool:
    """The message answers one of our notices: answering it again could only feed a loop."""
    ids = {i for i in (parsed.in_reply_to, *parsed.references) if i}
    return bool(ids) and repo.any_outbound_with_message_id(session, ids, kinds=("notice",))
