"""Out-of-office replies, bounces, list mail and calendar answers are recognised."""

from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

import pytest

from mailflows.inbound.autoreply import is_auto_generated, is_auto_reply_text
from mailflows.inbound.parse import parse_message

FIXTURES = Path(__file__).parent / "fixtures" / "mail"


def headers(text: str):
    return message_from_bytes(f"From: a@b.example\n{text}\n\nbody\n".encode(), policy=policy.default)


@pytest.mark.parametrize(
    "extra",
    [
        "Auto-Submitted: auto-replied",
        "Auto-Submitted: auto-generated",
        "Precedence: bulk",
        "Precedence: list",
        "X-Autoreply: yes",
        "X-Autorespond: on",
        "List-Id: <sales.lists.example>",
        "Subject: Abwesenheitsnotiz: Budget",
        "Subject: Réponse automatique : Budget",
        "Subject: Out of Office: Budget",
        "Content-Type: multipart/report; report-type=delivery-status; boundary=x",
    ],
)
def test_machine_generated_mail_is_recognised(extra):
    assert is_auto_generated(headers(extra))


def test_mail_from_mailer_daemon_is_auto_generated():
    msg = message_from_bytes(b"From: MAILER-DAEMON@mx.example\nSubject: hi\n\nx\n", policy=policy.default)
    assert is_auto_generated(msg)


def test_ordinary_mail_and_auto_submitted_no_are_not_auto_generated():
    assert not is_auto_generated(headers("Subject: Re: Budget\nAuto-Submitted: no"))


def test_fixtures_for_out_of_office_bounce_and_calendar_reply():
    ooo = parse_message((FIXTURES / "out_of_office.eml").read_bytes())
    dsn = parse_message((FIXTURES / "dsn_bounce.eml").read_bytes())
    accept = parse_message((FIXTURES / "calendar_accept.eml").read_bytes())
    assert ooo.auto_generated and dsn.auto_generated
    assert accept.calendar_reply and not ooo.calendar_reply


def test_out_of_office_inside_a_forward_is_flagged_by_subject_and_body():
    assert is_auto_reply_text("Automatic reply: Budget")
    assert is_auto_reply_text("Re: Budget", "I am out of the office until Monday with no access to email.")
    assert not is_auto_reply_text("Re: Budget", "Year one must stay under $90K.")
