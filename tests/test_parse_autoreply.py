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


@pytest.mark.parametrize(
    "body",
    [
        "Thanks for your message. I'm at our annual audit and will not be reading email until 3 March.",
        "Gracias por escribir. Estoy en un congreso y no reviso el correo hasta el 12 de mayo.",
        "Merci pour votre message. Je ne consulte pas mes courriels avant le 4 juin.",
        "Danke für Ihre Nachricht. Ich antworte nach meiner Rückkehr am 9. Juli.",
        "I'm travelling this week and will reply when I'm back on the 14th.",
    ],
)
def test_out_of_office_bodies_that_name_no_office_are_recognised(body: str) -> None:
    assert is_auto_reply_text("Re: Angebot", body)


@pytest.mark.parametrize(
    "body",
    [
        "We will not be reading the old reports until the new warehouse is live.",
        "Finance won't answer the audit questions before the board approves the budget.",
        "Bis Ende Mai ist das Team nicht erreichbar für neue Projekte, danach gerne.",
    ],
)
def test_plans_that_merely_mention_a_date_are_not_auto_replies(body: str) -> None:
    assert not is_auto_reply_text("Re: Rollout", body)


def test_an_auto_reply_attached_to_a_forward_is_flagged_without_its_headers() -> None:
    raw = (
        "From: rep@seller.example\nTo: handoff@seller.example\nSubject: Fwd: budget thread\n"
        "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\n"
        "FYI, their CFO's answer below.\n--b\nContent-Type: message/rfc822\n\n"
        "From: Ines Duarte <ines@buyer.example>\nTo: rep@seller.example\nSubject: RE: propuesta\n"
        "Date: Tue, 3 Mar 2026 09:00:00 +0100\n\n"
        "Estaré fuera de la oficina hasta el lunes 9 de marzo con acceso limitado al correo.\n--b--\n"
    ).encode()
    attached = [m for m in parse_message(raw).messages if m.kind == "attached"]
    assert attached and all(m.auto_generated for m in attached)


@pytest.mark.parametrize(
    ("body", "auto"),
    [
        ("District offices are closed for summer break until Monday, August 17.", True),
        ("I am on parental leave until 30 March 2027 and will not be checking email.", True),
        ("Your request #4411 has been received. Reply above this line to add comments.", True),
        ("Due to the volume of year-end requests, responses may take up to 7 business days.", True),
        ("Nos services sont fermés du jeudi 12 novembre au vendredi 13 novembre 2026 inclus.", True),
        # a person warning of leave ahead, or a customer's wish, is mail a person wrote
        (
            "I'm the whole IT department. And I'm on paternity leave from July 6 for six weeks, so plan around it.",
            False,
        ),
        ("Our offices close for two weeks in August, so go-live must be before July 31.", False),
        ("Out of office alerts for our field staff are what we need.", False),
    ],
)
def test_an_auto_reply_is_known_by_what_it_says_not_only_by_out_of_office(body: str, auto: bool) -> None:
    assert is_auto_reply_text("Re: pilot", body) is auto
