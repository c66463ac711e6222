"""Dates as clients print them in forward headers and quote lines, in several languages."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from mailflows.inbound.dates import parse_mail_date as parse_loose_date
from mailflows.inbound.forwards import parse_addresses, parse_wrote_line

EST = timezone(timedelta(hours=-5))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tue, 10 Mar 2026 09:15:00 -0500", datetime(2026, 3, 10, 9, 15, tzinfo=EST)),
        ("Thursday, January 29, 2026 5:02 PM", datetime(2026, 1, 29, 17, 2)),
        ("Mon, Mar 9, 2026 at 4:20 PM", datetime(2026, 3, 9, 16, 20)),
        ("April 17, 2026 at 5:26:51 PM EDT", datetime(2026, 4, 17, 17, 26, 51, tzinfo=timezone(timedelta(hours=-4)))),
        ("Freitag, 13. März 2026 17:40", datetime(2026, 3, 13, 17, 40)),
        ("02.03.2026 um 17:40", datetime(2026, 3, 2, 17, 40)),
        ("lundi 9 mars 2026 16:20", datetime(2026, 3, 9, 16, 20)),
        ("lunes, 9 de marzo de 2026 16:20", datetime(2026, 3, 9, 16, 20)),
        ("9 mrt. 2026 om 16:20", datetime(2026, 3, 9, 16, 20)),
        ("четверг, 26 июня 2014 г. 15:05", datetime(2014, 6, 26, 15, 5)),
        ("2026年3月9日 16:20", datetime(2026, 3, 9, 16, 20)),
    ],
)
def test_dates_in_many_languages_are_read(text, expected):
    got = parse_loose_date(text)
    assert got is not None
    assert got == expected if expected.tzinfo else got.replace(tzinfo=None) == expected


def test_a_date_without_zone_takes_the_forwarders_zone():
    got = parse_loose_date("Monday, March 9, 2026 9:30 AM", EST)
    assert got == datetime(2026, 3, 9, 9, 30, tzinfo=EST)


def test_text_that_is_not_a_date_gives_none():
    assert parse_loose_date("see you soon") is None


@pytest.mark.parametrize(
    ("line", "name", "email"),
    [
        (
            "On Mon, Mar 9, 2026 at 4:20 PM Ines Moreau <ines@bluefin.example> wrote:",
            "Ines Moreau",
            "ines@bluefin.example",
        ),
        ("Am 12.03.2026 um 09:15 schrieb Sam Okafor <sam@northwind.example>:", "Sam Okafor", "sam@northwind.example"),
        ("Le 28/10/2021 12:46, « John Doe » <john.doe@acme.example> a écrit :", "John Doe", "john.doe@acme.example"),
        (
            "On Mar 12, 2026, at 10:02 AM, Priya Raman <priya@bluefin.example> wrote:",
            "Priya Raman",
            "priya@bluefin.example",
        ),
    ],
)
def test_author_is_read_from_quote_lines(line, name, email):
    header = parse_wrote_line(line, None)
    assert header.sender is not None and (header.sender.name, header.sender.email) == (name, email)
    assert header.date is not None


def test_recipient_lists_in_client_formats():
    got = parse_addresses(
        '"Doe, John" <j@x.example>; Jane Roe [mailto:jane@x.example], k@x.example<mailto:k@x.example>'
    )
    assert [(a.name, a.email) for a in got] == [
        ("Doe, John", "j@x.example"),
        ("Jane Roe", "jane@x.example"),
        ("", "k@x.example"),
    ]
