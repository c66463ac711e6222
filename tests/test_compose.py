"""Outgoing messages: safe headers, threading, loop protection and the CSM mail's MIME shape."""

from __future__ import annotations

import email
import email.policy
import importlib.util
import re
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from mailflows.inbound.mail import Address as ParsedAddress
from mailflows.outbound.calendar import build_invite
from mailflows.outbound.compose import (
    HeaderValueError,
    compose_draft,
    compose_final,
    compose_notice,
    handoff_subject,
    safe_filename,
    to_address,
)

INBOX = "handoff@northwind.example"
TOKEN = "handoff+k3J9xQ@northwind.example"
REP = "sam.okafor@northwind.example"
CSM = "priya.nair@northwind.example"
WHEN = datetime(2026, 3, 27, 15, 0, tzinfo=UTC)
EVAL_TOOL = Path(__file__).resolve().parents[2] / "shared" / "tools" / "eval_deals.py"


def reparse(msg: EmailMessage) -> EmailMessage:
    return email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)  # type: ignore[return-value]


def draft(**overrides: object) -> EmailMessage:
    values: dict[str, object] = {
        "from_addr": ("Handoff", INBOX),
        "reply_to": TOKEN,
        "to": ("Sam Okafor", REP),
        "subject": handoff_subject("Harbor Logistics"),
        "text": "plain body",
        "html": "<p>html body</p>",
        "in_reply_to": "<fwd-1@northwind.example>",
        "references": ["<root@harbor.example>", "<fwd-1@northwind.example>"],
        "domain": "northwind.example",
        "date": WHEN,
    }
    values.update(overrides)
    return reparse(compose_draft(**values))  # type: ignore[arg-type]


def final(**overrides: object) -> EmailMessage:
    ics = build_invite(
        "handoff-1@northwind.example",
        0,
        datetime(2026, 3, 30, 7, 0, tzinfo=UTC),
        15,
        ZoneInfo("Europe/Berlin"),
        INBOX,
        [("Sam Okafor", REP), ("Priya Nair", CSM)],
        "Handoff call: Harbor Logistics",
        "Agenda",
        WHEN,
    )
    values: dict[str, object] = {
        "from_addr": ("Handoff", INBOX),
        "reply_to": TOKEN,
        "to": ("Priya Nair", CSM),
        "cc": [("Sam Okafor", REP)],
        "subject": handoff_subject("Harbor Logistics", "final"),
        "text": "Hi Priya, é",
        "html": "<p>Hi Priya</p>",
        "markdown": "# Handoff: Harbor Logistics\n",
        "markdown_filename": "handoff-Harbor Logistics/../x.md",
        "ics": ics,
        "domain": "northwind.example",
    }
    values.update(overrides)
    return reparse(compose_final(**values))  # type: ignore[arg-type]


def test_draft_threads_into_the_reps_conversation_with_the_token_reply_to() -> None:
    msg = draft()
    assert msg["From"] == f"Handoff <{INBOX}>"
    assert msg["To"] == f"Sam Okafor <{REP}>"
    assert msg["Reply-To"] == TOKEN
    assert msg["In-Reply-To"] == "<fwd-1@northwind.example>"
    assert msg["References"] == "<root@harbor.example> <fwd-1@northwind.example>"
    assert msg["Subject"] == "Handoff draft: Harbor Logistics"
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]


def test_every_message_has_message_id_in_the_inbox_domain_date_and_auto_submitted() -> None:
    msgs = {
        "auto-replied": draft(),
        "auto-generated": final(),
    }
    notice = reparse(
        compose_notice(from_addr=INBOX, to=REP, subject="Not approved", text="x", domain="northwind.example")
    )
    reminder = reparse(
        compose_notice(
            from_addr=INBOX, to=REP, subject="due", text="x", auto_submitted="auto-generated", kind="reminder"
        )
    )
    for expected, msg in [*msgs.items(), ("auto-replied", notice), ("auto-generated", reminder)]:
        assert re.fullmatch(r"<[^<>@\s]+@northwind\.example>", msg["Message-ID"])
        assert msg["Date"] is not None
        assert msg["Auto-Submitted"] == expected
        assert msg["X-Auto-Response-Suppress"] == "All"


def test_line_breaks_in_the_subject_cannot_add_headers() -> None:
    msg = draft(subject="Harbor\r\nBcc: attacker@evil.example\nX-Evil: 1")
    assert msg["Bcc"] is None and msg["X-Evil"] is None
    assert msg["Subject"] == "Harbor Bcc: attacker@evil.example X-Evil: 1"


@pytest.mark.parametrize(
    "bad",
    [
        "sam@northwind.example\r\nBcc: attacker@evil.example",
        "sam@northwind.example, attacker@evil.example",
        "Sam <sam@northwind.example> <attacker@evil.example>",
        "not-an-address",
        "sam@",
        ("Sam", "sam@northwind.example>evil"),
    ],
)
def test_bad_addresses_are_refused(bad: object) -> None:
    with pytest.raises(HeaderValueError):
        to_address(bad)  # type: ignore[arg-type]


def test_display_names_with_line_breaks_are_folded_and_quoted() -> None:
    msg = draft(to=("Sam\r\nBcc: attacker@evil.example", REP))
    assert msg["Bcc"] is None
    assert msg["To"].addresses[0].addr_spec == REP  # type: ignore[attr-defined]
    assert to_address(ParsedAddress(name="Okafor, Sam", email=REP)).display_name == "Okafor, Sam"


def test_invalid_message_ids_are_dropped_and_long_references_trimmed() -> None:
    refs = [f"<r{i}@x.example>" for i in range(30)] + ["<bad id@x>", "no-brackets@x"]
    msg = draft(in_reply_to="<bad\r\nid>", references=refs)
    assert msg["In-Reply-To"] is None
    kept = str(msg["References"]).split()
    assert len(kept) == 20 and kept[0] == "<r0@x.example>" and kept[-1] == "<r29@x.example>"


def test_final_mail_has_the_structure_calendar_clients_expect() -> None:
    msg = final()
    assert msg.get_content_type() == "multipart/mixed"
    alternative, markdown, ics = list(msg.iter_parts())
    assert alternative.get_content_type() == "multipart/alternative"
    kinds = [p.get_content_type() for p in alternative.iter_parts()]
    assert kinds == ["text/plain", "text/html", "text/calendar"]
    calendar_part = list(alternative.iter_parts())[-1]
    assert calendar_part.get_param("method") == "REQUEST"
    assert calendar_part.get_content_charset() == "utf-8"
    assert markdown.get_content_type() == "text/markdown"
    assert markdown.get_filename() == "handoff-Harbor-Logistics-x.md"
    assert markdown.get_content() == "# Handoff: Harbor Logistics\n"
    assert ics.get_content_type() == "application/ics"
    assert ics.get_filename() == "invite.ics"
    assert icalendar.Calendar.from_ical(ics.get_content())["METHOD"] == "REQUEST"
    assert icalendar.Calendar.from_ical(calendar_part.get_content()).events[0]["UID"] == "handoff-1@northwind.example"


def test_final_mail_goes_to_the_csm_copies_the_rep_and_replies_to_the_token() -> None:
    msg = final()
    assert msg["To"] == f"Priya Nair <{CSM}>"
    assert msg["Cc"] == f"Sam Okafor <{REP}>"
    assert msg["Reply-To"] == TOKEN
    assert msg["Subject"] == "Handoff: Harbor Logistics"
    assert msg.get_body(preferencelist=("plain",)).get_content().strip() == "Hi Priya, é"  # type: ignore[union-attr]


def test_cc_that_repeats_a_recipient_is_dropped() -> None:
    assert final(cc=[CSM])["Cc"] is None


def test_subject_is_stable_per_account_and_never_looks_like_an_account_tag() -> None:
    assert handoff_subject("Harbor Logistics") == handoff_subject("Harbor  Logistics")
    assert "[" not in handoff_subject("Harbor Logistics") and "[" not in handoff_subject("Harbor Logistics", "final")


def test_safe_filename_keeps_only_harmless_characters() -> None:
    assert safe_filename("../../etc/passwd", ".md") == "etc-passwd.md"
    assert safe_filename("", ".md") == "handoff.md"


@pytest.mark.corpus
def test_final_mail_passes_the_shared_invite_check() -> None:
    if not EVAL_TOOL.exists():
        pytest.skip("../shared/tools/eval_deals.py is not here")
    spec = importlib.util.spec_from_file_location("eval_deals", EVAL_TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    import sys

    sys.path.insert(0, str(EVAL_TOOL.parent))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(EVAL_TOOL.parent))
    assert module.check_invite(final(), REP, CSM) == []
