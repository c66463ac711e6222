"""The invite is a correct iTIP REQUEST, read back with the icalendar library; replies are read."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from mailflows.outbound.calendar import build_invite, read_calendar_reply

ORGANIZER = "handoff@northwind.example"
REP = ("Sam Okafor", "sam.okafor@northwind.example")
CSM = ("Priya Nair", "priya.nair@northwind.example")
NOW = datetime(2026, 3, 27, 15, 3, 7, tzinfo=ZoneInfo("Europe/Berlin"))


def invite(start: datetime, tz: str = "Europe/Berlin", sequence: int = 0, **kwargs: object) -> bytes:
    values: dict[str, object] = {
        "uid": "handoff-42@northwind.example",
        "sequence": sequence,
        "start": start,
        "minutes": 15,
        "tz": ZoneInfo(tz),
        "organizer": ORGANIZER,
        "attendees": [REP, CSM],
        "summary": "Handoff call: Harbor Logistics",
        "description": "Agenda:\n1. Stakeholders\n2. Commitments due soon\n3. Risks",
        "now": NOW,
    }
    values.update(kwargs)
    return build_invite(**values)  # type: ignore[arg-type]


def unfolded(ics: bytes) -> str:
    return re.sub(r"\r\n[ \t]", "", ics.decode("utf-8"))


def test_invite_carries_method_prodid_version_uid_and_sequence() -> None:
    cal = icalendar.Calendar.from_ical(invite(datetime(2026, 3, 30, 7, 0, tzinfo=UTC), sequence=3))
    assert cal["METHOD"] == "REQUEST"
    assert cal["VERSION"] == "2.0"
    assert "handoff" in cal["PRODID"]
    (event,) = cal.events
    assert event["UID"] == "handoff-42@northwind.example"
    assert event["SEQUENCE"] == 3
    assert event["SUMMARY"] == "Handoff call: Harbor Logistics"
    assert "2. Commitments due soon" in event["DESCRIPTION"]


def test_organizer_is_a_bare_mailto_of_the_service_and_not_an_attendee() -> None:
    ics = invite(datetime(2026, 3, 30, 7, 0, tzinfo=UTC), attendees=[REP, CSM, ("Handoff", ORGANIZER)])
    text = unfolded(ics)
    assert f"\r\nORGANIZER:mailto:{ORGANIZER}\r\n" in text
    event = icalendar.Calendar.from_ical(ics).events[0]
    emails = [str(a).removeprefix("mailto:") for a in event["ATTENDEE"]]
    assert emails == [REP[1], CSM[1]]


def test_each_attendee_is_asked_to_rsvp_as_a_required_participant() -> None:
    event = icalendar.Calendar.from_ical(invite(datetime(2026, 3, 30, 7, 0, tzinfo=UTC))).events[0]
    for attendee, (name, _) in zip(event["ATTENDEE"], [REP, CSM], strict=True):
        assert attendee.params["RSVP"] == "TRUE"
        assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
        assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
        assert attendee.params["CN"] == name


def test_dtstamp_is_utc_and_the_call_lasts_fifteen_minutes() -> None:
    ics = invite(datetime(2026, 3, 30, 7, 0, tzinfo=UTC))
    assert "\r\nDTSTAMP:20260327T140307Z\r\n" in unfolded(ics)
    event = icalendar.Calendar.from_ical(ics).events[0]
    assert event.end - event.start == timedelta(minutes=15)


def test_start_after_the_dst_change_is_written_in_local_summer_time_with_a_vtimezone() -> None:
    start = datetime(2026, 3, 30, 7, 0, tzinfo=UTC)  # Monday 09:00 CEST
    ics = invite(start)
    assert "\r\nDTSTART;TZID=Europe/Berlin:20260330T090000\r\n" in unfolded(ics)
    cal = icalendar.Calendar.from_ical(ics)
    (zone,) = cal.timezones
    assert zone["TZID"] == "Europe/Berlin"
    assert {c.name for c in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}
    event = cal.events[0]
    assert event.start.utcoffset() == timedelta(hours=2)
    assert event.start == start


def test_start_before_the_dst_change_keeps_winter_offset() -> None:
    start = datetime(2026, 3, 27, 8, 0, tzinfo=UTC)  # Friday 09:00 CET
    cal = icalendar.Calendar.from_ical(invite(start))
    assert cal.events[0].start.utcoffset() == timedelta(hours=1)
    assert cal.events[0].start == start


def test_new_york_invite_across_its_march_change_resolves_to_the_same_instant() -> None:
    start = datetime(2026, 3, 9, 13, 0, tzinfo=UTC)  # Monday 09:00 EDT, the day after the change
    ics = invite(start, tz="America/New_York")
    assert "DTSTART;TZID=America/New_York:20260309T090000" in unfolded(ics)
    assert icalendar.Calendar.from_ical(ics).events[0].start == start


def test_utc_zone_writes_z_times_and_no_vtimezone() -> None:
    start = datetime(2026, 3, 30, 9, 0, tzinfo=UTC)
    ics = invite(start, tz="UTC")
    text = unfolded(ics)
    assert "\r\nDTSTART:20260330T090000Z\r\n" in text
    assert "VTIMEZONE" not in text and "TZID" not in text
    assert icalendar.Calendar.from_ical(ics).events[0].start == start


def test_reschedule_keeps_the_uid_and_raises_the_sequence() -> None:
    first = icalendar.Calendar.from_ical(invite(datetime(2026, 3, 30, 7, 0, tzinfo=UTC), sequence=0)).events[0]
    second = icalendar.Calendar.from_ical(invite(datetime(2026, 3, 31, 7, 0, tzinfo=UTC), sequence=1)).events[0]
    assert first["UID"] == second["UID"]
    assert (first["SEQUENCE"], second["SEQUENCE"]) == (0, 1)


def test_line_breaks_cannot_inject_properties() -> None:
    ics = invite(datetime(2026, 3, 30, 7, 0, tzinfo=UTC), summary="Call\r\nATTENDEE:mailto:evil@x.example")
    text = unfolded(ics)
    assert "evil@x.example" not in re.findall(r"(?m)^ATTENDEE.*$", text)[-1]
    assert len(icalendar.Calendar.from_ical(ics).events[0]["ATTENDEE"]) == 2


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        invite(datetime(2026, 3, 30, 9, 0))
    with pytest.raises(ValueError, match="bare email"):
        invite(datetime(2026, 3, 30, 9, 0, tzinfo=UTC), attendees=[("X", "x@y.example>\r\nATTENDEE:z@q")])


def reply_ics(method: str = "REPLY", partstat: str = "ACCEPTED") -> bytes:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nMETHOD:" + method + "\r\n"
        "BEGIN:VEVENT\r\nUID:handoff-42@northwind.example\r\nSEQUENCE:1\r\nDTSTAMP:20260328T100000Z\r\n"
        "DTSTART:20260330T070000Z\r\n"
        "ATTENDEE;PARTSTAT=" + partstat + ";CN=Priya Nair:mailto:Priya.Nair@northwind.example\r\n"
        "ORGANIZER:mailto:handoff@northwind.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def test_calendar_reply_gives_uid_attendee_and_partstat() -> None:
    reply = read_calendar_reply(reply_ics(partstat="DECLINED"))
    assert reply is not None
    assert (reply.uid, reply.attendee, reply.partstat, reply.sequence) == (
        "handoff-42@northwind.example",
        "priya.nair@northwind.example",
        "DECLINED",
        1,
    )


def test_a_request_or_garbage_is_not_a_reply() -> None:
    assert read_calendar_reply(reply_ics(method="REQUEST")) is None
    assert read_calendar_reply(invite(datetime(2026, 3, 30, 7, 0, tzinfo=UTC))) is None
    assert read_calendar_reply(b"not a calendar at all") is None


def test_a_non_ascii_name_is_the_attendees_cn_quoted_per_rfc_5545() -> None:
    ics = invite(
        datetime(2026, 3, 30, 7, 0, tzinfo=UTC),
        attendees=[("Zoë Ångström", "zoe.angstrom@northwind.example"), ("Okafor, Sam", REP[1])],
    )
    text = unfolded(ics)
    assert 'CN="Zoë Ångström"' in text
    assert 'CN="Okafor, Sam"' in text  # a comma would end the value unquoted
    (event,) = icalendar.Calendar.from_ical(ics).events
    names = {str(a).lower(): a.params["CN"] for a in event["ATTENDEE"]}
    assert names["mailto:zoe.angstrom@northwind.example"] == "Zoë Ångström"


def test_an_address_given_as_the_name_is_no_cn() -> None:
    ics = invite(datetime(2026, 3, 30, 7, 0, tzinfo=UTC), attendees=[(CSM[1], CSM[1])])
    assert "CN=" not in unfolded(ics)


def test_an_update_keeps_the_uid_and_a_cancel_withdraws_it_with_a_higher_sequence() -> None:
    first = icalendar.Calendar.from_ical(invite(datetime(2026, 3, 30, 7, 0, tzinfo=UTC)))
    moved = icalendar.Calendar.from_ical(invite(datetime(2026, 3, 31, 8, 0, tzinfo=UTC), sequence=1))
    cancel = icalendar.Calendar.from_ical(
        invite(datetime(2026, 3, 31, 8, 0, tzinfo=UTC), sequence=2, attendees=[CSM], method="CANCEL")
    )
    (a,), (b,), (c,) = first.events, moved.events, cancel.events
    assert a["UID"] == b["UID"] == c["UID"]
    assert (a["SEQUENCE"], b["SEQUENCE"], c["SEQUENCE"]) == (0, 1, 2)
    assert cancel["METHOD"] == "CANCEL" and c["STATUS"] == "CANCELLED"
    attendee = c["ATTENDEE"]
    assert str(attendee).lower() == f"mailto:{CSM[1]}" and "RSVP" not in attendee.params


def test_a_cancel_must_follow_a_request() -> None:
    with pytest.raises(ValueError, match="sequence"):
        invite(datetime(2026, 3, 30, 7, 0, tzinfo=UTC), sequence=0, method="CANCEL")
