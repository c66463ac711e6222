"""Commitments as a CSM needs them: kept or open, as exact as they were said, one item per promise.

Each test writes fresh mail (English, German, French, Spanish), parses the raw bytes and reads them
message by message the way the extract step does (offline extractor, quote check, assembly, merge),
then looks at the export and at what the CSM reads.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from email.utils import format_datetime

import pytest

from agent.document import AccountInfo, HandoffDocument, Item, Party
from agent.extract.assemble import assemble
from agent.extract.base import ExtractionContext, verify_quotes
from agent.extract.dates import resolve_due_precise
from agent.extract.offline import OfflineExtractor
from agent.merge import merge_extraction
from agent.render import render_document
from mailflows.inbound.parse import parse_message

REP = ("Dana Reyes", "dana.reyes@lumendata.example")
CUSTOMER = ("Greta Holm", "greta.holm@kestrelbau.example")


@pytest.fixture
def ctx() -> ExtractionContext:
    return ExtractionContext(
        account=AccountInfo(name="Kestrel Bau", domain="kestrelbau.example"),
        rep=Party(name=REP[0], email=REP[1]),
        company_domains={"lumendata.example"},
    )


def mail(sender: tuple[str, str], when: datetime, body: str, subject: str = "Re: next steps") -> bytes:
    to = CUSTOMER if sender == REP else REP
    head = (
        f"From: {sender[0]} <{sender[1]}>\nTo: {to[0]} <{to[1]}>\nSubject: {subject}\n"
        f"Date: {format_datetime(when)}\nMessage-ID: <{when.timestamp():.0f}.{sender[1]}>\n"
        "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
    )
    return (head + body + "\n").encode()


async def read(ctx: ExtractionContext, *raws: bytes, together: bool = False) -> HandoffDocument:
    """The mails read one at a time, in order, as the extract step reads each arrival (or all in one read)."""
    doc = HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep)
    batches = (
        [[m for raw in raws for m in parse_message(raw).messages]]
        if together
        else [parse_message(raw).messages for raw in raws]
    )
    for messages in batches:
        extraction = await OfflineExtractor().extract(messages, ctx, doc)
        verify_quotes(extraction, messages, ctx)
        assemble(extraction, doc, source_order=[m.id for m in messages])
        doc = merge_extraction(doc, extraction)
    return doc


def day(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 9, 30, tzinfo=UTC)


def promise_about(doc: HandoffDocument, *words: str) -> Item:
    (item,) = [i for i in doc.sections.commitments if all(w.lower() in i.text.lower() for w in words)]
    return item


@pytest.mark.parametrize(
    ("promise", "delivery", "words"),
    [
        (
            "Thanks for the walkthrough today. We'll send you the completed security questionnaire by Friday.",
            "As promised, attached is the completed security questionnaire, signed off by our CISO.",
            ("security questionnaire",),
        ),
        (
            "Danke für das offene Gespräch. Wir schicken Ihnen den ausgefüllten Sicherheitsfragebogen bis Freitag.",
            "Hier wie versprochen der Sicherheitsfragebogen, vollständig ausgefüllt von unserem CISO.",
            ("Sicherheitsfragebogen",),
        ),
        (
            "Merci pour la visite du dépôt. Nous vous enverrons le rapport SOC 2 d'ici vendredi.",
            "Comme convenu, ci-joint le rapport SOC 2 de cette année.",
            ("rapport SOC 2",),
        ),
        (
            "Gracias por la reunión de ayer. Les enviaremos el informe SOC 2 antes del viernes.",
            "Como les prometimos, adjunto el informe SOC 2 firmado.",
            ("informe SOC 2",),
        ),
    ],
)
async def test_a_promise_later_mail_delivers_is_kept_and_shown_done(
    ctx: ExtractionContext, promise: str, delivery: str, words: tuple[str, ...]
) -> None:
    first = mail(REP, day(2027, 2, 1), f"Hallo,\n\n{promise}\n\nDana")
    second = mail(REP, day(2027, 2, 4), f"Hallo,\n\n{delivery}\n\nDana")
    doc = await read(ctx, first, second)
    item = promise_about(doc, *words)
    assert item.status == "kept" and item.owner == "us"
    assert item.kept_source_ids == [parse_message(second).messages[0].id]
    assert len(doc.sections.commitments) == 1  # the delivery is no second promise
    exported = doc.export()["sections"]["commitments"][0]  # type: ignore[index]
    assert exported["status"] == "kept"
    text, md, html = (render_document(doc, f) for f in ("txt", "md", "html"))
    assert "DONE: " in text and "DUE " not in text
    assert "(was due " in text
    assert "✓ Done:" in md and "✓ Done:" not in text
    assert "Done:" in html


async def test_a_promise_whose_delivery_is_of_something_else_stays_open(ctx: ExtractionContext) -> None:
    first = mail(
        REP, day(2027, 2, 1), "Hi Greta,\n\nWe'll send the pricing for the extra field seats by Friday.\n\nDana"
    )
    other = mail(REP, day(2027, 2, 4), "Hi Greta,\n\nAs promised, attached is our SOC 2 report.\n\nDana")
    doc = await read(ctx, first, other)
    item = promise_about(doc, "pricing")
    assert item.status == "open" and item.kept_source_ids == []
    text = render_document(doc, "txt")
    assert "DONE" not in text and "DUE Fri 05 Feb 2027" in text


async def test_a_promise_not_yet_due_is_not_kept_by_a_mention(ctx: ExtractionContext) -> None:
    first = mail(REP, day(2027, 2, 1), "Hi Greta,\n\nWe'll have the SAP connector live by 1 September 2027.\n\nDana")
    later = mail(REP, day(2027, 2, 9), "Hi Greta,\n\nHere is the SAP connector roadmap you asked about.\n\nDana")
    doc = await read(ctx, first, later)
    assert promise_about(doc, "SAP connector live").status == "open"


@pytest.mark.parametrize(
    ("sentence", "due", "precision", "shown"),
    [
        ("We'll have the Snowflake connector certified by March.", date(2027, 3, 31), "month", "March 2027"),
        ("Wir liefern die Schnittstelle zu DATEV bis Ende März.", date(2027, 3, 31), "month", "March 2027"),
        ("Nous livrerons le module de planification d'ici fin juin.", date(2027, 6, 30), "month", "June 2027"),
        ("Lo tendremos listo para abril, con el conector de SAP incluido.", date(2027, 4, 30), "month", "April 2027"),
        ("We will ship the forecasting module in Q3.", date(2027, 9, 30), "quarter", "Q3 2027"),
        ("We'll send the load-test results by December.", date(2026, 12, 31), "month", "December 2026"),
    ],
)
async def test_a_month_or_a_quarter_stays_as_exact_as_it_was_said(
    ctx: ExtractionContext, sentence: str, due: date, precision: str, shown: str
) -> None:
    doc = await read(ctx, mail(REP, day(2026, 11, 20), f"Hi Greta,\n\n{sentence}\n\nDana"))
    (item,) = doc.sections.commitments
    assert (item.due, item.due_precision) == (due, precision)
    exported = doc.export()["sections"]["commitments"][0]  # type: ignore[index]
    assert (exported["due"], exported["due_precision"]) == (due.isoformat(), precision)
    for form in ("txt", "md", "html"):
        rendered = render_document(doc, form)
        assert shown in rendered and due.strftime("%d %b") not in rendered


@pytest.mark.parametrize(
    ("sentence", "first", "second"),
    [
        (
            "We'll send the SSO guide by Friday and have the Salesforce connector live by 1 May.",
            ("SSO", date(2027, 2, 5)),
            ("Salesforce", date(2027, 5, 1)),
        ),
        (
            "Wir schicken Ihnen die SSO-Anleitung bis Freitag und haben den Salesforce-Konnektor bis 1. Mai live.",
            ("SSO", date(2027, 2, 5)),
            ("Salesforce", date(2027, 5, 1)),
        ),
        (
            "Nous vous enverrons le guide SSO d'ici vendredi et le connecteur Salesforce sera en production le 1er mai.",
            ("SSO", date(2027, 2, 5)),
            ("Salesforce", date(2027, 5, 1)),
        ),
        (
            "Les enviaremos la guía de SSO el viernes y tendremos el conector de Salesforce activo el 1 de mayo.",
            ("SSO", date(2027, 2, 5)),
            ("Salesforce", date(2027, 5, 1)),
        ),
        (
            "On the rollout, to confirm what I told Greta: we'll have the depot map loaded by March 3 and the "
            "driver app translated by April 9.",
            ("depot map", date(2027, 3, 3)),
            ("driver app", date(2027, 4, 9)),
        ),
    ],
)
async def test_two_promises_in_one_sentence_are_two_items_each_with_its_date(
    ctx: ExtractionContext, sentence: str, first: tuple[str, date], second: tuple[str, date]
) -> None:
    doc = await read(ctx, mail(REP, day(2027, 2, 1), f"Hi Greta,\n\n{sentence}\n\nDana"))
    assert len(doc.sections.commitments) == 2
    for words, due in (first, second):
        assert promise_about(doc, words).due == due


async def test_the_same_promise_restated_and_recalled_by_the_customer_is_one_item_citing_every_source(
    ctx: ExtractionContext,
) -> None:
    ours = mail(REP, day(2027, 1, 12), "Hi Greta,\n\nWe'll have the SAP connector ready by May 1, 2027.\n\nDana")
    again = mail(
        REP, day(2027, 1, 26), "Hi Greta,\n\nTo recap: the SAP connector will be ready for you by 1 May 2027.\n\nDana"
    )
    theirs = mail(
        CUSTOMER,
        day(2027, 2, 2),
        "Hi Dana,\n\nYou promised the SAP connector would be ready by May 1, 2027. Our board plans around it.\n\nGreta",
    )
    doc = await read(ctx, ours, again, theirs)
    (item,) = [i for i in doc.sections.commitments if "SAP" in i.text]
    assert item.due == date(2027, 5, 1) and item.owner == "us"
    ids = [parse_message(raw).messages[0].id for raw in (ours, again, theirs)]
    assert sorted(item.source_ids) == sorted(ids)
    assert any(q.text.startswith("You promised the SAP connector") for q in item.quotes)


async def test_the_customer_saying_it_arrived_keeps_our_promise_in_their_language(ctx: ExtractionContext) -> None:
    ours = mail(REP, day(2027, 3, 1), "Hallo Greta,\n\nWir schicken Ihnen den Schulungsplan bis Mittwoch.\n\nDana")
    thanks = mail(CUSTOMER, day(2027, 3, 3), "Hallo Dana,\n\nvielen Dank für den Schulungsplan, passt so.\n\nGreta")
    doc = await read(ctx, ours, thanks)
    assert promise_about(doc, "Schulungsplan").status == "kept"


@pytest.mark.parametrize(
    ("promise", "delivery", "kept"),
    [
        # the same thing named in another language, or with other words around it
        ("We'll send you the security questionnaire by Friday.", "Anbei wie zugesagt der Sicherheitsfragebogen.", True),
        ("Wir schicken Ihnen den SOC-2-Bericht bis Freitag.", "Here's the SOC 2 report, as promised.", True),
        (
            "Nous vous enverrons le questionnaire de sécurité d'ici vendredi.",
            "Vous trouverez ci-joint le questionnaire.",
            True,
        ),
        (
            "Les enviaremos la propuesta revisada antes del viernes.",
            "Aquí está la propuesta final, como acordamos.",
            True,
        ),
        # the promise again, not the thing; and a thing nobody promised
        ("We'll send you the SOC 2 report by Friday.", "As promised, we'll send the SOC 2 report on Friday.", False),
        ("We'll send you the SOC 2 report by Friday.", "Here is the onboarding checklist for your team.", False),
    ],
)
async def test_what_was_handed_over_is_matched_to_what_was_promised_by_meaning(
    ctx: ExtractionContext, promise: str, delivery: str, kept: bool
) -> None:
    doc = await read(
        ctx,
        mail(REP, day(2027, 2, 1), f"Hi Greta,\n\n{promise}\n\nDana"),
        mail(REP, day(2027, 2, 3), f"Hi Greta,\n\n{delivery}\n\nDana"),
    )
    statuses = [i.status for i in doc.sections.commitments]
    assert statuses == (["kept"] if kept else ["open"]), [i.text for i in doc.sections.commitments]


async def test_the_customers_you_promised_by_a_month_is_ours_and_stays_a_month(ctx: ExtractionContext) -> None:
    said = "Sie haben uns die DATEV-Schnittstelle bis Ende März zugesagt, darauf verlassen wir uns."
    doc = await read(ctx, mail(CUSTOMER, day(2026, 12, 2), f"Hallo Dana,\n\n{said}\n\nGreta"))
    (item,) = doc.sections.commitments
    assert (item.owner, item.due, item.due_precision) == ("us", date(2027, 3, 31), "month")
    assert item.quotes and item.quotes[0].text == said
    assert "(due March 2027)" in render_document(doc, "txt")


async def test_the_csm_reads_what_is_still_to_do_before_what_was_kept(ctx: ExtractionContext) -> None:
    first = mail(
        REP,
        day(2027, 2, 1),
        "Hi Greta,\n\nWe'll send you the load-test results by Friday. We'll have the Snowflake connector "
        "certified by March.\n\nDana",
    )
    second = mail(REP, day(2027, 2, 3), "Hi Greta,\n\nAs promised, here are the load-test results.\n\nDana")
    doc = await read(ctx, first, second)
    assert [i.status for i in doc.sections.commitments] == ["kept", "open"]  # in the order they were made
    text, md = render_document(doc, "txt"), render_document(doc, "md")
    assert text.index("DUE March 2027: We'll have the Snowflake") < text.index("DONE: We'll send you the load-test")
    assert md.index("Snowflake") < md.index("✓ Done: We'll send you the load-test results")
    assert "**We'll send you the load-test" not in md  # a kept promise is not bold like a to-do


@pytest.mark.parametrize(
    ("phrase", "anchor", "due", "precision"),
    [
        ("wir liefern im dritten Quartal", date(2026, 11, 20), date(2027, 9, 30), "quarter"),
        ("livraison au troisième trimestre 2027", date(2026, 11, 20), date(2027, 9, 30), "quarter"),
        ("en el primer trimestre", date(2026, 11, 20), date(2027, 3, 31), "quarter"),
        ("in Q4", date(2026, 11, 20), date(2026, 12, 31), "quarter"),  # the quarter we are in
        ("by end of March 2028", date(2026, 11, 20), date(2028, 3, 31), "month"),  # a year said wins
        ("hasta mayo", date(2026, 5, 12), date(2026, 5, 31), "month"),  # the month we are in
        ("by March 15", date(2026, 11, 20), date(2027, 3, 15), "day"),  # a day named is a day
        ("bis 15. März", date(2026, 11, 20), date(2027, 3, 15), "day"),
        ("d'ici jeudi", date(2026, 11, 20), date(2026, 11, 26), "day"),
        ("el próximo lunes", date(2026, 11, 20), date(2026, 11, 23), "day"),
    ],
)
def test_a_due_phrase_resolves_with_its_precision_against_the_message_date(
    phrase: str, anchor: date, due: date, precision: str
) -> None:
    assert resolve_due_precise(phrase, anchor) == (due, precision)


@pytest.mark.parametrize("together", [False, True])
async def test_a_promise_first_told_without_a_date_and_then_with_one_is_one_dated_item(
    ctx: ExtractionContext, together: bool
) -> None:
    first = mail(REP, day(2027, 2, 1), "Hi Greta,\n\nWe'll send you our SOC 2 report.\n\nDana")
    second = mail(REP, day(2027, 2, 8), "Hi Greta,\n\nWe'll send the SOC 2 report by March 3.\n\nDana")
    doc = await read(ctx, first, second, together=together)
    (item,) = doc.sections.commitments
    assert item.due == date(2027, 3, 3)
    assert sorted(item.source_ids) == sorted(parse_message(raw).messages[0].id for raw in (first, second))


async def test_a_promise_and_its_delivery_read_in_one_go_is_kept(ctx: ExtractionContext) -> None:
    first = mail(REP, day(2027, 2, 1), "Hola Greta,\n\nLes enviaremos el cuestionario de seguridad el viernes.\n\nDana")
    second = mail(REP, day(2027, 2, 4), "Hola Greta,\n\nComo les prometimos, adjunto el cuestionario.\n\nDana")
    doc = await read(ctx, first, second, together=True)
    (item,) = doc.sections.commitments
    assert item.status == "kept" and item.due == date(2027, 2, 5)


async def test_a_check_back_asks_only_about_open_promises_shown_as_exactly_as_they_were_said(
    ctx: ExtractionContext,
) -> None:
    from agent.after_handoff.checkbacks import checkback_for, checkback_text
    from db.models import Account

    first = mail(
        REP,
        day(2026, 11, 2),
        "Hi Greta,\n\nWe'll send you the completed security questionnaire by Friday. We'll have the Snowflake "
        "connector certified by December.\n\nDana",
    )
    second = mail(REP, day(2026, 11, 5), "Hi Greta,\n\nAs promised, attached is the security questionnaire.\n\nDana")
    doc = await read(ctx, first, second)
    doc.sections.success_metrics = [Item(text="Weekly report builds itself", horizon="90d", source_ids=["m0"])]
    check = checkback_for(doc, 1, "90d", datetime(2027, 2, 1, tzinfo=UTC))
    assert check is not None and [c.text for c in check.commitments] == [
        "We'll have the Snowflake connector certified by December."
    ]
    assert "(due December 2026; promised by us)" in checkback_text(Account(name="Kestrel Bau"), check)


@pytest.mark.parametrize(
    "reply",
    [
        "Thanks for sending the pricing, but we still need the SOC 2 report before the board meets.",
        "Den SOC-2-Bericht haben wir noch nicht erhalten.",
        "Nous n'avons pas encore reçu le rapport SOC 2.",
        "Todavía no hemos recibido el informe SOC 2.",
    ],
)
async def test_the_customer_still_waiting_for_it_keeps_the_promise_open(ctx: ExtractionContext, reply: str) -> None:
    ours = mail(REP, day(2027, 3, 1), "Hi Greta,\n\nWe'll send you the SOC 2 report by Wednesday.\n\nDana")
    theirs = mail(CUSTOMER, day(2027, 3, 4), f"Hi Dana,\n\n{reply}\n\nGreta")
    doc = await read(ctx, ours, theirs)
    assert promise_about(doc, "SOC 2 report").status == "open"


@pytest.mark.parametrize(
    "said",
    [
        "You promised the SAP connector by May 3 and the SSO setup by June 7, so we planned around both.",
        "Vous nous avez promis le connecteur SAP pour le 3 mai et le SSO pour le 7 juin.",
    ],
)
async def test_the_customer_recalling_two_promises_in_one_sentence_gives_two_of_ours(
    ctx: ExtractionContext, said: str
) -> None:
    doc = await read(ctx, mail(CUSTOMER, day(2027, 2, 1), f"Hi Dana,\n\n{said}\n\nGreta"))
    assert sorted((i.owner, i.due) for i in doc.sections.commitments) == [
        ("us", date(2027, 5, 3)),
        ("us", date(2027, 6, 7)),
    ]
    assert all(i.quotes and i.quotes[0].text in said for i in doc.sections.commitments)


@pytest.mark.parametrize(
    ("said", "due"),
    [
        ("As agreed with Ines, you will train our 20 planners on site by 12 March.", date(2027, 3, 12)),
        ("Comme convenu avec Ines, vous formerez nos 20 planificateurs au plus tard le 12 mars.", date(2027, 3, 12)),
        ("Wie besprochen liefern Sie uns die Schulungsunterlagen bis 12.03.2027.", date(2027, 3, 12)),
        (
            "Dana, quedaste de que la capacitación de los 20 planificadores se hace antes del 12 de marzo.",
            date(2027, 3, 12),
        ),
    ],
)
async def test_the_customer_stating_what_we_will_do_by_a_date_is_our_commitment(
    ctx: ExtractionContext, said: str, due: date | None
) -> None:
    doc = await read(ctx, mail(CUSTOMER, day(2027, 2, 2), f"Hallo Dana,\n\n{said}\n\nGreta"))
    (item,) = doc.sections.commitments
    assert item.owner == "us" and item.quotes and item.quotes[0].text == said
    if due is not None:
        assert item.due == due


async def test_the_customer_telling_us_what_we_will_see_without_a_date_is_no_commitment(
    ctx: ExtractionContext,
) -> None:
    doc = await read(ctx, mail(CUSTOMER, day(2027, 2, 2), "Hi Dana,\n\nYou will see that our data is messy.\n\nGreta"))
    assert doc.sections.commitments == []


async def test_our_sides_note_that_something_is_owed_by_a_date_is_our_commitment(ctx: ExtractionContext) -> None:
    note = "Quick notes:\n\n- we still owe them the SKU mapping by 14 March (it's in the SOW)\n"
    doc = await read(ctx, mail(REP, day(2027, 2, 2), note, subject="notes"))
    (item,) = doc.sections.commitments
    assert item.owner == "us" and item.due == date(2027, 3, 14)


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("Wir liefern bis Ende nächster Woche.", date(2026, 9, 25)),
        ("Ende dieser Woche schicken wir es.", date(2026, 9, 18)),
        ("Lo tenemos para fin de la semana que viene.", date(2026, 9, 25)),
        ("Nous livrerons d'ici la fin du mois.", date(2026, 9, 30)),
        ("Lo tenemos para fin de mes.", date(2026, 9, 30)),
        ("Die Schulung erfolgt innerhalb von 10 Arbeitstagen.", date(2026, 9, 28)),
        ("Le enviaremos el informe en 15 días.", date(2026, 9, 29)),
        ("Nous livrons dans deux semaines.", date(2026, 9, 28)),
        ("Wir liefern am Freitag, den 25.9.", date(2026, 9, 25)),
        ("bis zum 3.10. liefern wir", date(2026, 10, 3)),
        ("bis Mitte Oktober", date(2026, 10, 15)),
        ("a mediados de octubre", date(2026, 10, 15)),
        ("by mid-October", date(2026, 10, 15)),
        ("Version 2.1. ist live.", None),
    ],
)
def test_relative_and_partial_dates_in_four_languages(text: str, due: date | None) -> None:
    found = resolve_due_precise(text, date(2026, 9, 14), None, day_first=True)  # a Monday
    assert (found.day if found else None) == due
