"""Promises by their shape: plan rows with an owner, the other side's team, gifts, to-dos, and their dates."""

from __future__ import annotations

from datetime import date

from agent.extract import lexicon
from agent.extract.commitments import GIFT, promise_owner, table_owner
from agent.extract.dates import resolve_due_precise
from agent.extract.delivered import delivery_in
from agent.extract.units import Unit, paragraphs

OURS = {"nora", "acme", "acmed", "acmeda", "acmedat", "acmedata"}
THEIRS = {"vik", "tern"}


def unit(text: str, author: str, anchor: date = date(2026, 4, 6)) -> Unit:
    return Unit(text, text, "s1", "", None, author, anchor, None)


def test_a_dated_plan_row_belongs_to_the_side_its_owner_cell_names() -> None:
    assert table_owner("Acme Data | Staging workspace with sample files | 4/20", OURS, THEIRS) == "us"
    assert table_owner("Tern IT | Register the SAML app | 4/24", OURS, THEIRS) == "customer"
    assert table_owner("Joint | First region live | 5/15", OURS, THEIRS) is None
    assert table_owner("Tern IT | Change freeze begins | 6/1", OURS, THEIRS) is None  # a date that comes, no deed
    assert table_owner("Acme Data | Staging workspace", OURS, THEIRS) is None  # no date: no promise


def test_rows_of_a_table_are_never_titles_and_space_aligned_columns_are_rows() -> None:
    body = (
        "Plan we agreed:\n\n| Who | What | When |\n|---|---|---|\n| Tern IT | Register the SAML app | 4/24 |\n"
        "| Acme Data | Load sample files | 4/20 |\n\nStep                 Who            When\n"
        "Load sample files    Acme Data      4/20\n"
    )
    rows = [p for p, _, listed in paragraphs(body) if listed]
    assert "| Tern IT | Register the SAML app | 4/24 |" in rows
    assert "Load sample files | Acme Data | 4/20" in rows


def test_the_customers_team_promising_a_dated_deed_is_their_commitment() -> None:
    said = unit("Our network people will open port 443 for your collectors by the 22nd.", "customer")
    assert promise_owner(said, OURS, THEIRS, "acmedata") == "customer"
    wish = unit("We will need to open a ticket with our provider by the 22nd.", "customer")
    assert promise_owner(wish, OURS, THEIRS, "acmedata") is None
    spanish = unit("Nosotros habilitaremos el acceso VPN antes del 30 de abril.", "customer")
    assert promise_owner(spanish, OURS, THEIRS, "acmedata") == "customer"


def test_a_notes_to_do_is_ours_unless_its_subject_is_the_customer() -> None:
    assert promise_owner(unit("Usage report to be shared with finance by 5/2.", "note"), OURS, THEIRS, "acme") == "us"
    theirs = unit("Vik to confirm the list of plants by 5/2.", "note")
    assert promise_owner(theirs, OURS, THEIRS, "acme") == "customer"
    wish = unit("Vik wants to go live by 5/2.", "note")
    assert promise_owner(wish, OURS, THEIRS, "acme") is None


def test_what_we_give_on_top_is_a_promise_and_a_courtesy_is_not() -> None:
    assert GIFT.search("Glad to throw in a second sandbox for the analysts.")
    assert GIFT.search("The archive connector is included at no extra cost.")
    assert GIFT.search("Incluimos dos licencias más sin costo durante el primer año.")
    assert not GIFT.search("Happy to walk your team through the pricing next week.")
    assert lexicon.YOURS.search("The audit letter is yours within five business days.")
    assert lexicon.NOT_COMMITMENT.search("Let me know if Tuesday works for the demo.")


def test_a_month_with_mid_or_late_is_a_date_and_a_date_after_from_is_when_it_began() -> None:
    anchor = date(2026, 4, 6)
    mid = resolve_due_precise("She said the first review would be mid-June.", anchor)
    assert mid is not None and mid.day == date(2026, 6, 15)
    assert resolve_due_precise("We still owe them the runbook from March 30.", anchor) is None


def test_a_thing_that_went_out_is_named_by_its_subject() -> None:
    found = delivery_in(unit("The onboarding runbook went out on April 2 as promised.", "ours"))
    assert found is not None and found.keeps == "us" and "runboo" in found.what
    assert delivery_in(unit("Nora already sent Vik the field mapping on Monday.", "ours")) is not None


def test_a_proposal_whose_plan_is_a_table_is_a_formal_document() -> None:
    from email.message import EmailMessage

    from agent.extract.milestones import formal_ids
    from mailflows.inbound.parse import parse_message

    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "nora@acmedata.example", "handoff@acmedata.example", "Proposal for Tern"
    msg["Date"] = "Mon, 06 Apr 2026 10:00:00 +0000"
    msg.set_content("Our plan:\n\n| Who | What | When |\n|---|---|---|\n| Tern IT | Register the SAML app | 4/24 |\n")
    mail = parse_message(bytes(msg))
    assert {m.id for m in mail.messages} & formal_ids(mail.messages)
