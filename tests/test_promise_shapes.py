"""Promises by their shape: plan rows with an owner, the other side's team, gifts, to-dos, and their dates."""

from __future__ import annotations

from datetime import date

from agent.extract import lexicon
from agent.extract.commitments import GIFT, label_owner, promise_owner, table_owner
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


def test_a_tables_header_row_is_no_sentence() -> None:
    from agent.extract.units import body_units

    body = "| Who | What | Target date |\n|---|---|---|\n| Tern IT | Register the SAML app | 4/24 |\n"
    texts = [u.text for u in body_units(body, "s1", "", None, "ours", date(2026, 4, 6))]
    assert texts == ["Tern IT | Register the SAML app | 4/24"]


def test_a_call_is_dated_by_its_own_first_lines_else_by_the_note_that_forwards_it() -> None:
    from agent.extract.units import call_day

    friday = date(2026, 9, 11)
    assert call_day("Kickoff prep - Sep 9, 2026\n\nAna: hello", "", friday) == date(2026, 9, 9)
    assert call_day("Ana: hello", "Recording of Tuesday's workshop with their data team.", friday) == date(2026, 9, 8)
    assert call_day("Ana: hello", "Transcript of yesterday's call.", friday) == date(2026, 9, 10)
    assert call_day("Ana: hello", "Notes below.", friday) == friday


async def test_tomorrow_on_a_forwarded_call_is_the_day_after_the_call() -> None:
    from email.message import EmailMessage

    from agent.document import AccountInfo, HandoffDocument, Party
    from agent.extract.base import ExtractionContext
    from agent.extract.offline import extract_sources
    from mailflows.inbound.parse import parse_message

    msg = EmailMessage()
    msg["From"], msg["To"] = "Nora Vale <nora.vale@acmedata.example>", "handoff@acmedata.example"
    msg["Subject"], msg["Date"] = "Tern - call transcript", "Fri, 11 Sep 2026 09:00:00 +0000"
    msg.set_content("Transcript from Wednesday's scoping call (Sep 9).")
    call = (
        "Nora Vale: Thanks for joining.\nVik Rao: We need the field mapping before we can plan.\n"
        "Nora Vale: I'll send you the field mapping workbook tomorrow.\n"
    )
    msg.add_attachment(call.encode(), maintype="text", subtype="plain", filename="scoping-call.txt")
    ctx = ExtractionContext(
        account=AccountInfo(name="Tern Foods", domain="ternfoods.example"),
        rep=Party(name="Nora Vale", email="nora.vale@acmedata.example"),
        company_domains={"acmedata.example"},
    )
    mail = parse_message(bytes(msg))
    extraction = extract_sources(mail.messages, ctx, HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep), [])
    dues = {item.due for item in extraction.sections.commitments if "mapping" in item.text}
    assert dues == {date(2026, 9, 10)}


def test_our_plan_under_its_own_label_in_a_thread_is_an_implementation_fact() -> None:
    from email.message import EmailMessage

    from agent.document import AccountInfo, HandoffDocument, Party
    from agent.extract.base import ExtractionContext
    from agent.extract.offline import extract_sources
    from mailflows.inbound.parse import parse_message

    msg = EmailMessage()
    msg["From"], msg["To"] = "Nora Vale <nora.vale@acmedata.example>", "handoff@acmedata.example"
    msg["Subject"], msg["Date"] = "Fwd: Re: next steps", "Fri, 11 Sep 2026 09:00:00 +0000"
    msg.set_content(
        "For the file.\n\n---------- Forwarded message ---------\n"
        "From: Nora Vale <nora.vale@acmedata.example>\nDate: Thu, Sep 10, 2026 at 4:00 PM\nSubject: Re: next steps\n"
        "To: Vik Rao <vik.rao@ternfoods.example>\n\nVik, thanks for the time today.\n\n"
        "On rollout: the two Fresno depots go first in October, then the other five depots by mid-December.\n\n"
        "Nora\n"
    )
    ctx = ExtractionContext(
        account=AccountInfo(name="Tern Foods", domain="ternfoods.example"),
        rep=Party(name="Nora Vale", email="nora.vale@acmedata.example"),
        company_domains={"acmedata.example"},
    )
    mail = parse_message(bytes(msg))
    extraction = extract_sources(mail.messages, ctx, HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep), [])
    assert any("Fresno depots" in item.text for item in extraction.sections.implementation)


def test_someone_of_ours_named_in_our_words_with_a_deed_and_a_date_is_our_promise() -> None:
    said = unit("Mara will have the load test results to Vik by Tuesday.", "ours")
    assert promise_owner(said, OURS, THEIRS, "acmedata") == "us"
    theirs = unit("Vik will have the load test results to us by Tuesday.", "ours")
    assert promise_owner(theirs, OURS, THEIRS, "acmedata") == "customer"


def test_the_customers_group_that_can_stand_something_up_by_a_date_promises_it() -> None:
    said = unit("My group can install the gateway on the plant network within ten days.", "customer")
    assert promise_owner(said, OURS, THEIRS, "acmedata") == "customer"


def test_a_free_loan_and_a_commitment_in_the_past_tense_are_promises() -> None:
    from agent.extract.commitments import FREE

    assert GIFT.search("We'll lend you our migration engineer for the first six weeks, no charge.")
    assert FREE.search("Two extra admin seats at no additional cost.")
    assert lexicon.COMMITMENT.search("I committed to a data quality review with their controller in May.")
    assert delivery_in(unit("The calibration guide went over to Vik on the 4th.", "ours")) is not None


async def test_a_plan_row_owned_by_the_customer_under_its_domain_name_is_theirs() -> None:
    from email.message import EmailMessage

    from agent.document import AccountInfo, HandoffDocument, Party
    from agent.extract.base import ExtractionContext
    from agent.extract.offline import extract_sources
    from mailflows.inbound.parse import parse_message

    msg = EmailMessage()
    msg["From"], msg["To"] = "Nora Vale <nora.vale@acmedata.example>", "handoff@acmedata.example"
    msg["Subject"], msg["Date"] = "Tern proposal and plan", "Fri, 11 Sep 2026 09:00:00 +0000"
    msg.set_content(
        "Plan as agreed:\n\nStep                          Owner          Date\n"
        "Register the SAML app         Ternfoods IT   9/21\n"
        "Load the sample extracts      Acme Data      9/18\n"
    )
    ctx = ExtractionContext(
        account=AccountInfo(name="Tern Foods Co", domain="ternfoods.example"),
        rep=Party(name="Nora Vale", email="nora.vale@acmedata.example"),
        company_domains={"acmedata.example"},
    )
    mail = parse_message(bytes(msg))
    extraction = extract_sources(mail.messages, ctx, HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep), [])
    owners = {item.text.split(" | ")[0]: (item.owner, item.due) for item in extraction.sections.commitments}
    assert owners == {
        "Register the SAML app": ("customer", date(2026, 9, 21)),
        "Load the sample extracts": ("us", date(2026, 9, 18)),
    }


def test_a_future_date_after_from_is_when_it_starts_and_a_condition_is_no_promise() -> None:
    start = resolve_due_precise("An analyst two days a week from May 4 through the launch.", date(2026, 4, 6))
    assert start is not None and start.day == date(2026, 5, 4)
    worry = unit("If the data isn't there by June, I'll be hiring a contractor to rebuild it.", "customer")
    assert promise_owner(worry, OURS, THEIRS, "acmedata") is None
    assert promise_owner(unit("Sent to Vik, a day ahead of the 5/2 due date.", "note"), OURS, THEIRS, "acme") is None


def test_an_undated_reminder_of_a_held_dated_promise_is_that_promise_again() -> None:
    from agent.document import Item
    from agent.extract.milestones import date_the_undated

    held = Item(text="The audit summary is yours within 10 business days.", source_ids=["m1"], owner="us")
    held.due = date(2026, 3, 5)
    again = Item(text="Reminder that we still owe Vik the audit summary.", source_ids=["m4"], owner="us")
    out = date_the_undated([again], [held])
    assert [(i.text, i.due, i.source_ids) for i in out] == [(held.text, date(2026, 3, 5), ["m1", "m4"])]


def test_a_thing_booked_or_sent_in_the_passive_is_named_by_its_subject_too() -> None:
    found = delivery_in(unit("Vik, the architecture review is booked for Tuesday, invite to follow.", "ours"))
    assert found is not None and {"architecture", "review"} <= found.what


def test_telling_the_customer_what_to_expect_from_us_is_a_promise() -> None:
    assert lexicon.YOURS.search("Expect the revised order form from me early next week.")
    assert lexicon.YOURS.search("Count on a named support engineer for the first 60 days.")
    assert not lexicon.YOURS.search("Expect some delays on their side around the holidays.")


def test_a_department_of_the_customer_promising_a_dated_deed_is_their_commitment() -> None:
    said = unit("Procurement will countersign the order form by the 30th.", "customer")
    assert promise_owner(said, OURS, THEIRS, "acmedata") == "customer"
    busy = unit("Legal will be slammed until the 30th.", "customer")
    assert promise_owner(busy, OURS, THEIRS, "acmedata") is None


def test_it_the_pronoun_is_no_it_department() -> None:
    from agent.extract.commitments import FIRST_PERSON

    assert FIRST_PERSON.search("IT will open the port for your collectors by Friday.")
    assert not FIRST_PERSON.search("It will cover the dashboards and the phone alerts.")


def test_the_subject_of_a_dated_deed_says_whose_promise_it_is_in_four_languages() -> None:
    cases = [
        ("Our platform engineer Rafa will hand over the export script by April 30.", "ours", "us"),
        ("Lena from my team is sending the store list on the 28th.", "customer", "customer"),
        ("Unsere Netzwerkabteilung richtet den Tunnel bis zum 29. April ein.", "customer", "customer"),
        ("Frau Brück schickt Ihnen die Lieferantenliste bis zum 24. April.", "customer", "customer"),
        ("Nuestra área de sistemas abrirá el puerto 5432 antes del 27 de abril.", "customer", "customer"),
        ("Inés te mandará los formatos de factura el 23 de abril.", "customer", "customer"),
        ("Notre service réseau autorisera vos adresses IP d'ici le 25 avril.", "customer", "customer"),
        ("Mathis vous enverra le modèle de données le 29 avril.", "customer", "customer"),
        ("Vik will send the plant list by April 24.", "ours", "customer"),  # a name the customer side knows
        ("Reminder: Rafa sends the sizing sheet by 4/24.", "note", "us"),
    ]
    for text, author, owner in cases:
        assert promise_owner(unit(text, author), OURS, THEIRS, "acmedata") == owner, text


def test_a_deed_without_a_date_or_asked_or_wished_is_no_promise() -> None:
    for text in [
        "Our platform engineer Rafa will hand over the export script.",  # no date: a plan, not a promise
        "Will Lena send the store list by the 28th?",
        "Our finance team will want to see the invoice by April 30.",
        "If our security team opens the port by the 27th, we can start.",
        "Today we build the store report by hand every Monday.",
    ]:
        assert promise_owner(unit(text, "customer"), OURS, THEIRS, "acmedata") is None, text


def test_a_customer_plan_row_with_a_date_is_theirs_even_when_its_step_names_no_verb() -> None:
    assert table_owner("Tern IT | Reporting replica of the ERP | 4/27", OURS, THEIRS) == "customer"


def test_what_we_cover_free_and_what_they_get_from_us_in_german_are_promises() -> None:
    assert GIFT.search("Acme Data covers the onboarding workshop for six analysts at no cost.")
    assert GIFT.search("Den Workshop für sechs Analysten übernimmt Acme Data kostenlos.")
    assert lexicon.YOURS.search("Das Konzept erhalten Sie von uns bis zum 30. April.")


def test_a_plan_line_led_by_its_owner_and_a_granted_discount_are_promises() -> None:
    assert label_owner("Acme Data: usage dashboard for the board by 4/30.", OURS, THEIRS) == "us"
    assert label_owner("Tern IT: service account for our consultants by 4/27.", OURS, THEIRS) == "customer"
    assert label_owner("Rollout plan: depots in the west first, then the east by June.", OURS, THEIRS) is None
    assert label_owner("Acme Data: usage dashboard for the board.", OURS, THEIRS) is None  # undated: a plan step
    assert GIFT.search("We also knocked 12% off the renewal of the analyst seats.")
    assert GIFT.search("Dafür gewähren wir einen Nachlass von 8 % auf die Zusatzmodule.")
    assert not GIFT.search("They asked for a 30% discount on year two.")
    owner = promise_owner(unit("Unsere Beraterin Jana leitet den Workshop am 20. April.", "ours"), OURS, THEIRS, "acme")
    assert owner == "us"


def test_a_remark_about_a_person_after_their_name_is_no_plan_line() -> None:
    assert label_owner("Vik: the audit in Q3 eats his whole team. Ola is the only analyst left.", OURS, THEIRS) is None


def test_the_reps_note_of_what_we_send_by_a_date_is_our_promise_not_a_plan_step() -> None:
    note = unit("We send the tariff mapping within five business days of kickoff.", "note")
    assert promise_owner(note, OURS, THEIRS, "acme") == "us"
    assert promise_owner(unit("We send the tariff mapping.", "note"), OURS, THEIRS, "acme") is None


def test_a_contract_line_with_our_company_as_subject_and_a_date_is_ours_whoever_quotes_it() -> None:
    # an order form's terms, quoted by the customer or pasted by the rep, in four languages
    for text, author in (
        ("- Acme builds and maintains the load-message parser, in production by 30 November 2026.", "customer"),
        ("Acme Data hosts every record in the EU region from 1 March 2027.", "note"),
        ("Acme entrega la plantilla para agencias antes del 1 de marzo de 2027.", "customer"),
        ("Acme migre les douze tableaux du comité de direction d'ici le 22 janvier 2027.", "customer"),
        ("Acme liefert die Schnittstelle bis zum 15. Oktober 2026.", "customer"),
    ):
        assert promise_owner(unit(text, author), OURS, THEIRS, "acmedata") == "us", text
    # a description of us, or a company line without a date, promises nothing
    assert (
        promise_owner(unit("Acme is the vendor we picked in March 2026.", "customer"), OURS, THEIRS, "acmedata") is None
    )
    assert promise_owner(unit("Acme builds good dashboards.", "customer"), OURS, THEIRS, "acmedata") is None
    assert promise_owner(unit("We compared Acme and Qlik in May 2026.", "customer"), OURS, THEIRS, "acmedata") is None


def test_another_vendors_promise_is_not_ours_in_four_languages() -> None:
    for text in (
        "Tableau promised us a free migration by December.",
        "Qlik hatte uns eine kostenlose Migration bis Jahresende versprochen.",
        "Power BI nous avait promis une remise de 30 %, mais nous restons avec vous.",
        "Tableau nos prometió la migración gratis hasta diciembre.",
    ):
        assert lexicon.RIVAL_PROMISE.search(text), text
    assert lexicon.RIVAL_PROMISE.search("We promised them the Tableau migration by December.") is None
