"""The visible reply above quoted history, in the clients and languages reps use."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from mailflows.inbound.parse import parse_message
from mailflows.inbound.quotes import strip_disclaimers, visible_reply

FIXTURES = Path(__file__).parent / "fixtures" / "mail"

REPLY = "Sounds good, let's do Tuesday."


@pytest.mark.parametrize(
    "history",
    [
        "On Mon, Mar 9, 2026 at 4:20 PM Ines Moreau <ines.moreau@bluefin.example> wrote:\n> Tuesday?",
        "On Mon, Mar 9, 2026 at 4:20 PM Ines Moreau <\nines.moreau@bluefin.example> wrote:\n> Tuesday?",
        "Am Mo., 9. März 2026 um 16:20 Uhr schrieb Ines Moreau <ines.moreau@bluefin.example>:\n> Dienstag?",
        "Le lun. 9 mars 2026 à 16:20, Ines Moreau <ines.moreau@bluefin.example> a écrit :\n> Mardi ?",
        "El lun, 9 mar 2026 a las 16:20, Ines Moreau (<ines.moreau@bluefin.example>) escribió:\n> ¿Martes?",
        "Op 9 mrt. 2026 om 16:20 heeft Ines Moreau <ines.moreau@bluefin.example> het volgende geschreven:\n> Dinsdag?",
        "-----Original Message-----\nFrom: Ines Moreau\nSent: Monday, March 9, 2026 4:20 PM\nTo: Sam\nSubject: Tuesday",
        "________________________________\nFrom: Ines Moreau <ines.moreau@bluefin.example>\nSent: Monday, March 9, 2026 4:20 PM\nTo: Sam Okafor\nSubject: Tuesday",
        "From: Ines Moreau <ines.moreau@bluefin.example>\nSent: Monday, March 9, 2026 4:20 PM\nTo: Sam Okafor\nSubject: Tuesday\n\nTuesday?",
        "De : Ines Moreau <ines.moreau@bluefin.example>\nEnvoyé : lundi 9 mars 2026 16:20\nÀ : Sam Okafor\nObjet : Mardi",
        "De: Ines Moreau <ines.moreau@bluefin.example>\nEnviado: lunes, 9 de marzo de 2026 16:20\nPara: Sam Okafor\nAsunto: Martes",
        "Von: Ines Moreau <ines.moreau@bluefin.example>\nGesendet: Montag, 9. März 2026 16:20\nAn: Sam Okafor\nBetreff: Dienstag",
        "---------- Forwarded message ---------\nFrom: Ines Moreau <ines.moreau@bluefin.example>\nDate: Mon, Mar 9, 2026",
        "> Tuesday?\n> Or Wednesday?",
    ],
)
def test_the_reply_above_any_quote_header_is_all_that_is_visible(history):
    assert visible_reply(f"{REPLY}\n\n{history}\n") == REPLY


def test_mobile_footer_and_dash_signature_are_not_visible():
    assert (
        visible_reply(f"{REPLY}\n\nSent from my iPhone\n\nOn Mon, Mar 9, 2026, Ines <i@b.example> wrote:\n> x") == REPLY
    )
    assert visible_reply(f"{REPLY}\n\n-- \nSam Okafor\nAccount Executive") == REPLY


def test_bottom_posted_reply_below_the_quote_is_visible():
    text = f"On Mon, Mar 9, 2026 at 4:20 PM, Ines <ines@bluefin.example> wrote:\n> Tuesday?\n\n{REPLY}\n"
    assert visible_reply(text) == REPLY


def test_inline_quote_with_own_text_after_it_is_kept():
    text = "> This is a quote.\n\nAnd this is my answer."
    assert visible_reply(text) == text


def test_crlf_line_ends_are_handled():
    assert visible_reply(f"{REPLY}\r\n\r\nOn Mon, Mar 9, 2026, Ines <i@b.example> wrote:\r\n> x\r\n") == REPLY


def test_legal_disclaimer_paragraph_is_dropped():
    text, dropped = strip_disclaimers(
        f"{REPLY}\n\nCONFIDENTIALITY: This e-mail may be privileged. If you are not the intended recipient, "
        "please notify the sender immediately."
    )
    assert text == REPLY
    assert dropped and dropped[0].startswith("CONFIDENTIALITY")


def test_a_sentence_mentioning_wrote_is_not_a_quote_header():
    text = "I wrote the summary yesterday.\nHe wrote back:\nall good."
    assert visible_reply(text) == text


def test_gmail_iso_date_attribution_without_an_address_opens_the_quoted_message():
    parsed = parse_message((FIXTURES / "gmail_iso_attribution_without_address.eml").read_bytes())
    assert parsed.outer.body == "Ines confirmed the pilot covers two depots, not three."
    quoted = parsed.messages[1]
    assert quoted.sender is not None and quoted.sender.name == "Ines Moreau"
    assert quoted.date is not None and quoted.date.utcoffset() == timedelta(hours=1)
    assert quoted.body.startswith("Hi Sam, let's keep the pilot")


def test_an_iso_date_line_inside_a_paragraph_is_not_an_attribution():
    text = "Agenda for the kickoff:\n2026-03-16 10:00 GMT+01:00 Dana Reyes\nthen the demo."
    assert visible_reply(text) == text


def test_attribution_with_an_address_broken_over_lines_is_one_header():
    parsed = parse_message((FIXTURES / "broken_mailto_attribution.eml").read_bytes())
    assert parsed.outer.body == "Security review is booked for Friday."
    quoted = parsed.messages[1]
    assert quoted.sender is not None
    assert (quoted.sender.name, quoted.sender.email) == ("Ines Moreau", "ines.moreau@bluefin.example")
    assert quoted.date is not None and (quoted.date.day, quoted.date.hour) == (10, 16)
    assert quoted.body == "Can your team send the SOC 2 report before Friday?"


def test_attribution_on_top_of_partly_indented_text_quotes_nothing():
    parsed = parse_message((FIXTURES / "stray_attribution_over_code.eml").read_bytes())
    body = parsed.outer.body
    assert body.startswith("SELECT depot, count(*) FROM shipments")
    assert body.endswith("must keep the\ndepot column.")
    assert "wrote:" not in body
    assert len(parsed.messages) == 1


def test_attribution_on_top_of_a_wholly_indented_message_is_still_a_quote():
    text = "On 12 Mar 2026 13:02, Ines <ines@bluefin.example> wrote:\n\n    Two depots.\n\n    Ines"
    assert visible_reply(text) == ""


def test_sign_off_right_above_a_signature_card_goes_with_the_signature():
    parsed = parse_message((FIXTURES / "sign_off_above_signature.eml").read_bytes())
    assert parsed.outer.body == "Legal accepted the liability cap; the order form can go out Monday."
    signature = parsed.outer.signature
    assert signature.startswith("Regards,") and "Alan Brooks\nProcurement Manager" in signature


def test_a_reply_that_is_only_a_sign_off_keeps_it():
    assert visible_reply("Thanks!\n\nAlan Brooks\nProcurement Manager\n(704) 555-0128") == "Thanks!"


FOOTERS = [
    "CONFIDENTIAL: This message and any attachments are intended only for the named recipient. If you received it "
    "in error, please delete it and let the sender know. Alder & Finch does not accept liability for omissions.",
    "Diese E-Mail enthält vertrauliche Informationen und ist ausschließlich für den Empfänger bestimmt. Wenn Sie "
    "diese E-Mail irrtümlich erhalten haben, informieren Sie bitte den Absender.",
    "Ce message est confidentiel et destiné exclusivement à ses destinataires. Si vous l'avez reçu par erreur, "
    "merci de le supprimer.",
    "Este mensaje es confidencial y está dirigido únicamente a sus destinatarios. Si lo ha recibido por error, bórrelo.",
    "PUBLIC RECORDS NOTICE: This email is subject to the Washington Public Records Act and may be disclosed to "
    "third parties.",
    # no "received in error": whom it is for and two words of the law, or the mail calling itself confidential
    "Orrin Freight LLC. This e-mail is intended only for its addressee; any unauthorised copying is prohibited.",
    "Dieses Schreiben ist ausschließlich für den genannten Empfänger bestimmt, jede Weitergabe ist untersagt "
    "und vertraulich zu behandeln.",
    "Ce message est confidentiel. Si vous n'en êtes pas le destinataire, merci de le détruire.",
    "La información contenida en este correo es confidencial y para uso de su destinatario.",
    "Aviso de privacidad: Transportes Ocre S.A. es responsable del tratamiento de sus datos personales.",
    "Cette transmission est destinée exclusivement à son destinataire; toute erreur de transmission ne saurait "
    "engager notre responsabilité.",
]
NOT_FOOTERS = [
    "The dashboard is confidential to the four regional managers and prohibited for store staff.",
    "Only the intended users in finance get the margin view; sharing it is not allowed.",
    "Este informe es para los destinatarios del comité, que lo reciben cada lunes.",
    "Please keep the pricing confidential, the board is the intended audience.",
    "We had a disclosure issue last year: an unauthorized export. Liability was ours.",
    "Sorry, I sent the deck to you in error, please delete it.",
    "Our maintenance records are public, so we publish the outage log every month.",
]


@pytest.mark.parametrize("footer", FOOTERS)
def test_a_legal_footer_is_dropped_however_it_is_phrased(footer: str) -> None:
    from mailflows.inbound.quotes import strip_disclaimers

    body = "We go live on 3 March.\n\n" + footer
    assert strip_disclaimers(body) == ("We go live on 3 March.", [footer])


@pytest.mark.parametrize("text", NOT_FOOTERS)
def test_a_sentence_about_confidentiality_or_a_mistake_is_kept(text: str) -> None:
    from mailflows.inbound.quotes import strip_disclaimers

    assert strip_disclaimers("Hi Sam,\n\n" + text)[0].endswith(text)
