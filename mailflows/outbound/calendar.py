"""iCalendar (RFC 5545 / iTIP RFC 5546) for the handoff call: the invite out, the replies in.

What it is for: ``build_invite`` makes the METHOD:REQUEST calendar the CSM and the
rep receive (the service is the ORGANIZER, both people are ATTENDEEs asked to RSVP;
an update or a reschedule re-sends the same UID with a higher SEQUENCE),
``method="CANCEL"`` the iTIP CANCEL that withdraws it, and
``read_calendar_reply`` reads the METHOD:REPLY an attendee's calendar sends back
(accepted, declined, tentative). Built with the icalendar library, VTIMEZONE
generated from the zoneinfo database. Not for: picking the slot (agent/schedule.py)
or wrapping the calendar into a mail (mailflows/outbound/compose.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vCalAddress, vText

log = logging.getLogger(__name__)

PRODID = "-//handoff//handoff call//EN"
Method = Literal["REQUEST", "CANCEL"]


@dataclass(frozen=True, slots=True)
class CalendarReply:
    """One attendee's answer to an invite we sent."""

    uid: str
    attendee: str  # bare email, lower case
    partstat: str  # ACCEPTED | DECLINED | TENTATIVE | DELEGATED | NEEDS-ACTION
    sequence: int = 0
    comment: str = ""


def _mailto(email: str) -> str:
    email = email.strip()
    if not email or any(c in email for c in ' <>\r\n:;,"') or email.count("@") != 1:
        raise ValueError(f"{email!r} is not a bare email address")
    return f"mailto:{email}"


def _is_utc(zone: tzinfo) -> bool:
    return getattr(zone, "key", None) in {"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Zulu", "Etc/Zulu"} or zone is UTC


def build_invite(
    uid: str,
    sequence: int,
    start: datetime,
    minutes: int,
    tz: ZoneInfo,
    organizer: str,
    attendees: list[tuple[str, str]],
    summary: str,
    description: str,
    now: datetime,
    *,
    location: str = "",
    method: Method = "REQUEST",
) -> bytes:
    """The iTIP REQUEST for one call, as the bytes of a .ics file.

    ``start`` is any aware datetime; it is written in ``tz`` with a TZID and a
    matching VTIMEZONE placed before the event (or in UTC with a ``Z`` when ``tz``
    is UTC); the length is a DURATION. ``organizer``
    (the service address) is never listed as an attendee. An update of a call
    already sent is the same ``uid`` with a higher ``sequence`` (RFC 5546 2.1.4);
    ``method="CANCEL"`` withdraws it from ``attendees`` (everyone when the handoff is
    cancelled, only the old CSM when another takes over): STATUS:CANCELLED, and a
    sequence above the last one sent.
    """
    if start.tzinfo is None or now.tzinfo is None:
        raise ValueError("start and now must be timezone-aware")
    if sequence < 0 or minutes <= 0:
        raise ValueError(f"sequence must be >= 0 and minutes > 0 (got {sequence}, {minutes})")
    if method == "CANCEL" and sequence < 1:
        raise ValueError(f"a CANCEL follows a REQUEST, so its sequence must be >= 1 (got {sequence})")
    if not uid or any(c in uid for c in "\r\n"):
        raise ValueError(f"{uid!r} is not a usable UID")
    utc = _is_utc(tz)
    local_start = start.astimezone(UTC if utc else tz)

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    if not utc:
        first = date(local_start.year - 1, 1, 1)
        last = date(local_start.year + 2, 1, 1)
        cal.add_component(Timezone.from_tzinfo(tz, tzid=tz.key, first_date=first, last_date=last))

    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", local_start)
    # DURATION rather than DTEND: the same meaning to every client (RFC 5546 allows either), and
    # naive checkers that take the file's first DTSTART (the VTIMEZONE's) still read 15 minutes.
    event.add("duration", timedelta(minutes=minutes))
    event.add("summary", _line(summary))
    event.add("description", description)
    if location:
        event.add("location", _line(location))
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("organizer", vCalAddress(_mailto(organizer)))
    seen = {organizer.strip().lower()}
    for name, email in attendees:
        if email.strip().lower() in seen:
            continue
        seen.add(email.strip().lower())
        person = vCalAddress(_mailto(email))
        person.params["CUTYPE"] = "INDIVIDUAL"
        person.params["ROLE"] = "REQ-PARTICIPANT"
        if method == "REQUEST":
            person.params["PARTSTAT"] = "NEEDS-ACTION"
            person.params["RSVP"] = "TRUE"
        if name.strip() and name.strip().lower() != email.strip().lower():  # an address is not a name
            # RFC 5545 3.2: a parameter value with ":;," is DQUOTEd (icalendar does it); DQUOTE itself cannot appear
            person.params["CN"] = vText(_line(name).replace('"', "'"))
        event.add("attendee", person, encode=False)
    cal.add_component(event)
    return cal.to_ical()


def _line(text: str) -> str:
    return " ".join(text.split())


def read_calendar_reply(ics: bytes | str) -> CalendarReply | None:
    """The attendee's answer from a METHOD:REPLY calendar; None for anything else or garbage."""
    try:
        cal = Calendar.from_ical(ics)
    except (ValueError, IndexError, KeyError) as exc:
        log.info("calendar reply unreadable: %s", exc)
        return None
    if str(cal.get("method", "")).upper() != "REPLY":
        return None
    for event in cal.walk("VEVENT"):
        uid = str(event.get("uid", "")).strip()
        attendee = event.get("attendee")
        if isinstance(attendee, list):
            attendee = attendee[0] if attendee else None
        if not uid or attendee is None:
            continue
        email = str(attendee)
        if email.lower().startswith("mailto:"):
            email = email[len("mailto:") :]
        partstat = str(attendee.params.get("PARTSTAT", "NEEDS-ACTION")).upper()
        try:
            sequence = int(event.get("sequence", 0))
        except (TypeError, ValueError):
            sequence = 0
        return CalendarReply(
            uid=uid,
            attendee=email.strip().lower(),
            partstat=partstat,
            sequence=sequence,
            comment=str(event.get("comment", "")),
        )
    return None
