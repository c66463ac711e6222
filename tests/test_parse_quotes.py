"""The visible reply above quoted history, in the clients and languages reps use."""

from __future__ import annotations

import pytest

from mailflows.quotes import strip_disclaimers, visible_reply

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
