"""Reading the rep's reply: commands, one per line, forgiving; everything else is an answer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agent.commands import parse_commands
from agent.conversation import route
from agent.trust import token_in
from mailflows.inbound.mail import Address, ParsedMail, ThreadMessage
from tests.conftest import make_settings


def test_approve_alone_on_its_line_approves_whatever_the_case_and_punctuation() -> None:
    for text in ("approve", "Approve.", "  APPROVED!", "- approve"):
        assert parse_commands(text)[0].approve, text


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("Freigegeben.", "approve"),
        ("- genehmigt", "approve"),
        ("Validé !", "approve"),
        ("Aprobado", "approve"),
        ("Statut", "status"),
        ("¿Estado?", "status"),
        ("Abbrechen", "cancel"),
        ("Annuler", "cancel"),
    ],
)
def test_a_rep_answering_a_draft_in_their_language_is_understood(text: str, what: str) -> None:
    cmds, answers = parse_commands(f"Danke, sieht gut aus.\n{text}")
    assert getattr(cmds, what), text
    assert answers == "Danke, sieht gut aus."


@pytest.mark.parametrize("line", ["Entfernen: Excel-Export", "supprimer : Excel-Export", "Quitar: Excel-Export"])
def test_remove_in_another_language_removes(line: str) -> None:
    cmds, answers = parse_commands(line)
    assert cmds.remove == ["Excel-Export"] and answers == ""


def test_the_words_of_a_command_inside_a_sentence_in_another_language_are_an_answer() -> None:
    cmds, answers = parse_commands("Der Vorstand hat das Budget freigegeben, aber erst für Q3.")
    assert not cmds.given
    assert "Vorstand" in answers


def test_approve_inside_a_sentence_is_an_answer_not_a_command() -> None:
    cmds, answers = parse_commands("I will approve once Derek signs off")
    assert not cmds.approve
    assert "Derek" in answers


def test_csm_line_with_name_and_address() -> None:
    cmds, answers = parse_commands("CSM: Jordan Lee <jordan.lee@northwind.example>\nthanks")
    assert cmds.csm == Address(name="Jordan Lee", email="jordan.lee@northwind.example")
    assert answers == "thanks"


def test_csm_line_in_prose_with_the_address_in_parentheses() -> None:
    cmds, _ = parse_commands("CSM: let's give this one to Priya Nair (priya.nair@northwind.example). She's great.")
    assert cmds.csm == Address(name="Priya Nair", email="priya.nair@northwind.example")


def test_csm_line_with_only_a_name_is_kept_for_lookup() -> None:
    cmds, _ = parse_commands("CSM: can we put Tom Okafor on this one?")
    assert cmds.csm is None and cmds.csm_name_only == "Tom Okafor"


@pytest.mark.parametrize(
    ("line", "name", "email"),
    [
        ("CSM: Zoë Ångström <zoe.angstrom@northwind.example>", "Zoë Ångström", "zoe.angstrom@northwind.example"),
        ("csm - Łukasz Żółć <lukasz@northwind.example>", "Łukasz Żółć", "lukasz@northwind.example"),
        ("CSM: Anne-Marie O'Neil <am@northwind.example>", "Anne-Marie O'Neil", "am@northwind.example"),
        ("CSM: our new CSM Priya Nair <priya@northwind.example>", "Priya Nair", "priya@northwind.example"),
        ("CSM: ÉLODIE Durand <elodie@northwind.example>", "ÉLODIE Durand", "elodie@northwind.example"),
    ],
)
def test_csm_names_in_any_script_are_read_with_the_address(line: str, name: str, email: str) -> None:
    cmds, _ = parse_commands(line)
    assert cmds.csm == Address(name=name, email=email)


def test_a_non_ascii_name_alone_is_kept_for_lookup() -> None:
    cmds, _ = parse_commands("CSM: José Núñez, please")
    assert cmds.csm is None and cmds.csm_name_only == "José Núñez"


def test_other_commands_are_read_and_removed_from_the_answers() -> None:
    now = datetime(2026, 6, 1, 9, tzinfo=UTC)
    cmds, answers = parse_commands(
        "account: Alder and Finch\ncall: June 3 2026 10:00\nremove: duplicate SKUs\nsigned: 2026-05-29\nstatus\n"
        "Pain points: planners rebuild the workbook by hand",
        "UTC",
        now,
    )
    assert cmds.account_name == "Alder and Finch"
    assert cmds.call is not None and (cmds.call.month, cmds.call.day, cmds.call.hour) == (6, 3, 10)
    assert cmds.remove == ["duplicate SKUs"]
    assert cmds.signed is not None and cmds.signed.isoformat() == "2026-05-29"
    assert cmds.status
    assert answers == "Pain points: planners rebuild the workbook by hand"


def test_an_unreadable_call_time_is_reported_not_guessed() -> None:
    cmds, _ = parse_commands("call: whenever suits")
    assert cmds.call is None and cmds.errors


def test_tokens_are_read_only_from_the_inbox_plus_address(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = make_settings(tmp_path)
    token = "0123456789abcdef0123456789abcdef"
    assert token_in([f"handoff+{token}@northwind.example"], settings) == token
    assert token_in([f"other+{token}@northwind.example"], settings) is None
    assert token_in([f"handoff+{token}@evil.example"], settings) is None


def _parsed(sender: str, subject: str = "hi", auto: bool = False) -> ParsedMail:
    message = ThreadMessage(id="<m@x>", sender=Address("", sender), subject=subject, body="approve")
    return ParsedMail(message_id="<m@x>", messages=[message], auto_generated=auto)


def test_auto_generated_mail_is_never_a_command_even_from_the_rep(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = make_settings(tmp_path)
    token = "0123456789abcdef0123456789abcdef"
    parsed = _parsed("sam.okafor@northwind.example", auto=True)
    assert route(parsed, [f"handoff+{token}@northwind.example"], settings)[0] == "auto"


def test_company_mail_is_material_and_outside_mail_is_not(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = make_settings(tmp_path)
    assert route(_parsed("sam.okafor@northwind.example"), [], settings)[0] == "material"
    assert route(_parsed("x@elsewhere.example"), [], settings)[0] == "outside"


def _from(value: str) -> bytes:
    return f"From: {value}\r\nTo: handoff@northwind.example\r\nSubject: x\r\n\r\napprove\r\n".encode()


def test_from_with_one_plain_address_is_the_sender() -> None:
    from agent.trust import strict_sender

    assert strict_sender(_from("Sam Okafor <Sam.Okafor@northwind.example>")) == "sam.okafor@northwind.example"


def test_ambiguous_from_headers_have_no_sender() -> None:
    from agent.trust import strict_sender

    for value in (
        "sam.okafor@northwind.example, mallory@evil.example",
        "alice@example.org)<sam.okafor@northwind.example>",
        '"Sam" <sam.okafor@northwind.example@evil.example>',
        "mallory@evil.example <sam.okafor@northwind.example>",
    ):
        assert strict_sender(_from(value)) is None, value
    assert strict_sender(_from('"sam.okafor@northwind.example" <mallory@evil.example>')) == "mallory@evil.example"
    assert strict_sender(b"To: x@y\r\n\r\nno from\r\n") is None
