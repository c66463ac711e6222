"""Our promises announced by a lead-in and listed after it, our first-person future in German, French and Spanish, an
order summary attached as text, and the customer confirming what we agreed: all commitments of ours. The customer's
own asks and what we already did are not."""

from __future__ import annotations

from datetime import date

from agent.extract.milestones import formal_ids
from agent.extract.offline import YOU_PROMISED, _commitment
from agent.extract.units import Unit, paragraphs
from mailflows.inbound.mail import ThreadMessage
from mailflows.inbound.transcripts import looks_like_transcript


def ours(text: str, lang: str, author: str = "ours") -> Unit:
    return Unit(text, text, "s1", "Rep", None, author, date(2026, 2, 10), None, lang=lang)


def test_a_lead_in_that_announces_our_promises_heads_the_list_after_it_in_four_languages() -> None:
    for lead in (
        "Thanks again for today. As agreed, here is what we commit to:",
        "Danke für das Gespräch. Wie besprochen verpflichten wir uns zu Folgendem:",
        "Merci pour l'échange. Pour rappel, ce que nous avons convenu :",
        "Gracias por la reunión. Como acordamos, Nordia se compromete a:",
    ):
        body = f"{lead}\n- Portal live before 20 May.\n- Support in the customer's language, Monday to Friday.\n"
        listed = [(text, heading) for text, heading, item in paragraphs(body) if item]
        assert [h for _, h in listed] == ["commitments", "commitments"], lead


def test_our_first_person_future_is_our_promise_with_its_own_date_in_each_language() -> None:
    for said, lang, due in (
        ("Voy personalmente a Talca en marzo a capacitar a los jefes de bodega.", "es", date(2026, 3, 31)),
        ("Con gusto los acompaño a la reunión del directorio en junio.", "es", date(2026, 6, 30)),
        ("Die Checkliste für die Abnahme schicke ich Ihnen bis Ende April.", "de", date(2026, 4, 30)),
        ("Ich komme im Mai zu Ihnen nach Passau und schule die Disponenten.", "de", date(2026, 5, 31)),
        ("Je viendrai voir l'entrepôt de Nantes en avril.", "fr", date(2026, 4, 30)),
        ("I'll walk your planners through the forecast screens by 6 March.", "en", date(2026, 3, 6)),
    ):
        item = _commitment(ours(said, lang), False, None)
        assert item is not None and item.owner == "us" and item.due == due, said


def test_what_we_already_did_or_what_the_customer_asks_is_no_promise_of_ours() -> None:
    for said, lang in (
        ("Les mandé la demo el viernes, como les había dicho.", "es"),
        ("Wir haben Ihnen die Vorlage letzte Woche geschickt.", "de"),
        ("Nous avons livré la maquette hier.", "fr"),
    ):
        assert _commitment(ours(said, lang), False, None) is None, said


def test_an_order_summary_of_fields_is_no_transcript_but_a_call_is() -> None:
    summary = "Firmado: 02/03/2026, Ana Ruiz\nPrecio: 48.000 anuales, fijo por 24 meses\nConectores: SAP, Teams\n"
    assert not looks_like_transcript(summary + "Compromisos de Nordia\n1. Dos capacitaciones antes del 30/06/2026.\n")
    call = "Ana: Hola a todos.\nTom: Hi Ana, thanks for joining.\nAna: Empezamos por los sistemas.\n"
    assert looks_like_transcript(call)


def test_an_attached_order_form_named_with_underscores_is_a_formal_document() -> None:
    form = ThreadMessage(
        id="m1#2", kind="note", subject="Fwd: signed", filename="Harbor_order_form_summary.txt",
        body="Commitments\n1. Loader certified by 30 June 2026.\n",
    )  # fmt: skip
    assert formal_ids([form]) == {"m1#2"}


def test_the_customer_confirming_what_we_agreed_holds_us_to_it() -> None:
    assert YOU_PROMISED.search("La capacitación (dos sesiones) y la visita a Talca quedan como las acordaste.")
    assert YOU_PROMISED.search("The two training days stay as you agreed.")
    assert YOU_PROMISED.search("La formation sur site reste comme vous l'avez proposé.")
    assert not YOU_PROMISED.search("Como acordamos internamente, pedimos precio fijo.")
