"""The handoff call lands in everyone's working day, whatever the weekday, zone or DST change."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from agent.schedule import ceil_quarter, is_within, next_call_slot, parse_hours

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
UTC_ZONE = ZoneInfo("UTC")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_slot_is_rounded_up_to_the_next_quarter_hour() -> None:
    assert next_call_slot(utc(2026, 1, 13, 10, 1), [UTC_ZONE]) == utc(2026, 1, 13, 10, 15)
    assert next_call_slot(utc(2026, 1, 13, 10, 15), [UTC_ZONE]) == utc(2026, 1, 13, 10, 15)
    assert ceil_quarter(utc(2026, 1, 13, 10, 15, 1)) == utc(2026, 1, 13, 10, 30)


def test_slot_is_aware_utc() -> None:
    slot = next_call_slot(datetime(2026, 1, 13, 10, 0, tzinfo=BERLIN), [BERLIN])
    assert slot.tzinfo is UTC
    assert slot == utc(2026, 1, 13, 9, 0)


def test_call_must_end_by_close_of_business() -> None:
    assert next_call_slot(utc(2026, 1, 13, 16, 40), [UTC_ZONE]) == utc(2026, 1, 13, 16, 45)
    assert next_call_slot(utc(2026, 1, 13, 16, 50), [UTC_ZONE]) == utc(2026, 1, 14, 9, 0)


def test_weekend_moves_to_monday_morning() -> None:
    assert next_call_slot(utc(2026, 1, 17, 11, 0), [UTC_ZONE]) == utc(2026, 1, 19, 9, 0)


def test_berlin_and_new_york_meet_in_their_shared_afternoon_in_winter() -> None:
    # Berlin 09-17 CET = 08-16 UTC, New York 09-17 EST = 14-22 UTC.
    assert next_call_slot(utc(2026, 1, 12, 8, 5), [BERLIN, NEW_YORK]) == utc(2026, 1, 12, 14, 0)


def test_new_york_on_summer_time_before_berlin_moves_the_overlap_an_hour_earlier() -> None:
    # 8 March 2026 New York switched to EDT; Berlin stays on CET until 29 March.
    assert next_call_slot(utc(2026, 3, 9, 10, 0), [BERLIN, NEW_YORK]) == utc(2026, 3, 9, 13, 0)
    assert next_call_slot(utc(2026, 3, 2, 10, 0), [BERLIN, NEW_YORK]) == utc(2026, 3, 2, 14, 0)


def test_berlin_after_its_spring_change_opens_at_seven_utc() -> None:
    # Friday 27 March 17:50 CET is after hours; the clocks change on Sunday 29 March.
    slot = next_call_slot(utc(2026, 3, 27, 16, 50), [BERLIN])
    assert slot == utc(2026, 3, 30, 7, 0)
    assert slot.astimezone(BERLIN).hour == 9


def test_autumn_change_in_berlin_opens_at_eight_utc() -> None:
    # Berlin returns to CET on Sunday 25 October 2026.
    assert next_call_slot(utc(2026, 10, 24, 12, 0), [BERLIN]) == utc(2026, 10, 26, 8, 0)


def test_each_person_needs_a_weekday_in_their_own_zone() -> None:
    # Tokyo 09-17 JST = 00-08 UTC; Los Angeles 09-17 PST = 17-01 UTC. Monday 00:00 UTC is Sunday in LA.
    la, tokyo = ZoneInfo("America/Los_Angeles"), ZoneInfo("Asia/Tokyo")
    assert next_call_slot(utc(2026, 1, 11, 20, 0), [la, tokyo]) == utc(2026, 1, 13, 0, 0)


def test_busy_times_are_skipped() -> None:
    busy = [(utc(2026, 1, 13, 10, 0), utc(2026, 1, 13, 11, 0))]
    assert next_call_slot(utc(2026, 1, 13, 9, 50), [UTC_ZONE], busy=busy) == utc(2026, 1, 13, 11, 0)


def test_per_person_hours_replace_the_default() -> None:
    slot = next_call_slot(utc(2026, 1, 13, 8, 0), [UTC_ZONE, BERLIN], hours=[(time(13), time(15)), None])
    assert slot == utc(2026, 1, 13, 13, 0)


def test_friday_evening_gives_monday_even_though_that_is_beyond_48_hours() -> None:
    now = utc(2026, 1, 16, 17, 0)
    slot = next_call_slot(now, [UTC_ZONE])
    assert slot == utc(2026, 1, 19, 9, 0)
    assert not is_within(slot, now, 48)
    assert is_within(next_call_slot(utc(2026, 1, 13, 17, 0), [UTC_ZONE]), utc(2026, 1, 13, 17, 0), 48)


def test_zones_without_shared_hours_fall_back_to_the_first_persons_day() -> None:
    # Sydney 09-17 AEDT = 22-06 UTC and London 09-17 GMT never overlap.
    sydney, london = ZoneInfo("Australia/Sydney"), ZoneInfo("Europe/London")
    assert next_call_slot(utc(2026, 1, 13, 12, 0), [london, sydney]) == utc(2026, 1, 13, 12, 0)
    assert next_call_slot(utc(2026, 1, 13, 12, 0), [sydney, london]) == utc(2026, 1, 13, 22, 0)


def test_naive_now_is_taken_as_utc() -> None:
    assert next_call_slot(datetime(2026, 1, 13, 10, 1), [UTC_ZONE]) == utc(2026, 1, 13, 10, 15)


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        next_call_slot(utc(2026, 1, 13), [])
    with pytest.raises(ValueError):
        parse_hours("nine to five")
    assert parse_hours("08:30-24:00") == (time(8, 30), time.max)
