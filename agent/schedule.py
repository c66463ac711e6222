"""When the handoff call happens: the first quarter-hour slot everyone is at work.

What it is for: ``next_call_slot`` walks forward from now in 15-minute steps and
returns the first slot that lies inside business hours on a business day
(Mon-Fri) in *every* participant's own time zone, clear of known busy times.
Local times are always derived from aware UTC instants, so DST changes (a 23- or
25-hour day, a skipped 02:00) need no special cases. Not for: parsing the rep's
``call:`` command (the conversation does that) or building the invite
(mailflows/outbound/calendar.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo

STEP = timedelta(minutes=15)
SEARCH_DAYS = 14

Hours = tuple[time, time]


def parse_hours(value: str) -> Hours:
    """``"09:00-17:00"`` -> ``(time(9), time(17))``; ``"24:00"`` is accepted as an end."""
    try:
        start, end = (part.strip() for part in value.split("-"))
        return _clock(start), _clock(end)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a range such as 09:00-17:00") from exc


def _clock(text: str) -> time:
    hours, minutes = (int(x) for x in text.split(":"))
    if (hours, minutes) == (24, 0):
        return time.max
    return time(hours, minutes)


def ceil_quarter(moment: datetime) -> datetime:
    """The next quarter hour at or after ``moment`` (seconds dropped upwards), in UTC."""
    moment = as_utc(moment)
    floor = moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)
    return floor if floor == moment else floor + STEP


def as_utc(moment: datetime) -> datetime:
    """Aware UTC; a naive value is taken to be UTC already (that is how the database stores it)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def fits_hours(start: datetime, minutes: int, zone: tzinfo, hours: Hours) -> bool:
    """The call ``[start, start+minutes)`` lies in ``hours`` of one business day in ``zone``."""
    local_start = start.astimezone(zone)
    local_end = (start + timedelta(minutes=minutes)).astimezone(zone)
    if local_start.weekday() >= 5:
        return False
    if local_end.date() != local_start.date():
        return hours[1] == time.max and local_end.time() == time(0) and local_end.date() > local_start.date()
    return hours[0] <= local_start.time() and local_end.time() <= hours[1]


def _overlaps(start: datetime, end: datetime, busy: Sequence[tuple[datetime, datetime]]) -> bool:
    return any(as_utc(b_start) < end and start < as_utc(b_end) for b_start, b_end in busy)


def next_call_slot(
    now: datetime,
    tzs: list[tzinfo],
    business_hours: Hours = (time(9), time(17)),
    minutes: int = 15,
    within_h: float = 48,
    busy: Sequence[tuple[datetime, datetime]] = (),
    *,
    hours: Sequence[Hours | None] | None = None,
) -> datetime:
    """The first slot, in aware UTC, that suits every person in ``tzs``.

    ``hours[i]`` (when given and not None) replaces ``business_hours`` for person i,
    e.g. a CSM's own working hours from the roster. The slot starts on a quarter hour.
    The answer normally lies within ``within_h`` hours of ``now``; when it cannot
    (a weekend, zones that share no working hours that soon) the search goes on to
    the first such slot after that, up to 14 days. If the zones never overlap at all,
    the first person's hours win (pass the CSM first): a call in one person's day
    beats no call.
    """
    if not tzs:
        raise ValueError("next_call_slot needs at least one time zone")
    if minutes <= 0:
        raise ValueError(f"minutes must be positive, not {minutes}")
    own = list(hours or [])
    per_person: list[tuple[tzinfo, Hours]] = [
        (zone, (own[i] if i < len(own) else None) or business_hours) for i, zone in enumerate(tzs)
    ]
    start = ceil_quarter(now)
    horizon = start + timedelta(days=max(SEARCH_DAYS, within_h / 24 + 1))
    for people in (per_person, per_person[:1]):
        slot = start
        while slot < horizon:
            end = slot + timedelta(minutes=minutes)
            if all(fits_hours(slot, minutes, zone, h) for zone, h in people) and not _overlaps(slot, end, busy):
                return slot
            slot += STEP
    raise ValueError(f"no {minutes}-minute slot inside {business_hours} in the next {SEARCH_DAYS} days")


def is_within(slot: datetime, now: datetime, within_h: float = 48) -> bool:
    """Whether ``slot`` keeps the promise of a call within ``within_h`` hours."""
    return as_utc(slot) - as_utc(now) <= timedelta(hours=within_h)


def handoff_due(signed: date, zone: tzinfo, due_h: float) -> datetime:
    """The 48-hour rule: ``due_h`` after the end of the signing day (17:00 in ``zone``), in UTC."""
    end_of_day = datetime(signed.year, signed.month, signed.day, 17, tzinfo=zone)
    return end_of_day.astimezone(UTC) + timedelta(hours=due_h)
