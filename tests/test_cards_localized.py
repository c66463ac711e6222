"""Signature cards in Spanish, French and German mail: a legal footer glued under the card, a company register
line, a degree before the name, and the forwarding rep's own card under the forwarded message."""

from __future__ import annotations

from email.message import EmailMessage

from agent.extract.people import role_for
from mailflows.inbound.parse import parse_message
from mailflows.inbound.quotes import strip_disclaimers
from mailflows.inbound.signatures import parse_signature, split_own_signature

PILAR = "Pilar Fuentes <pilar.fuentes@lacteosdelvalle.example>"


def _forward(inner_body: str, rep_card: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Nico Ramos <nico.ramos@ourco.example>"
    msg["To"] = "handoff@ourco.example"
    msg["Subject"] = "Fwd: propuesta"
    msg["Date"] = "Tue, 14 Apr 2026 10:00:00 -0500"
    msg["Message-ID"] = "<fwd-1@ourco.example>"
    msg.set_content(
        "Para el expediente.\n\n"
        "---------- Forwarded message ---------\n"
        f"From: {PILAR}\n"
        "Date: Mon, 13 Apr 2026 at 09:12\n"
        "Subject: propuesta\n"
        "To: Nico Ramos <nico.ramos@ourco.example>\n\n"
        f"{inner_body}\n\n{rep_card}\n"
    )
    return msg.as_bytes()


def test_a_footer_glued_under_a_card_is_dropped_and_the_card_kept() -> None:
    text = (
        "Gracias por la demo.\n\nSaludos cordiales,\nLic. Pilar Fuentes\nDirectora de Planta\nLácteos del Valle, S.A.\n"
        "AVISO LEGAL: Este mensaje es confidencial y está dirigido solo a su destinatario. Si lo recibió por error, "
        "avise a quien lo envió y bórrelo."
    )
    kept, dropped = strip_disclaimers(text)
    assert kept.endswith("Directora de Planta\nLácteos del Valle, S.A.") and dropped[0].startswith("AVISO LEGAL")


def test_a_german_footer_that_asks_to_inform_the_sender_is_recognised() -> None:
    text = (
        "Danke für das Angebot.\n\nDiese Nachricht ist vertraulich. Wenn Sie nicht der richtige Empfänger sind, "
        "verständigen Sie bitte umgehend den Absender und vernichten Sie die Nachricht."
    )
    assert strip_disclaimers(text) == ("Danke für das Angebot.", [text.split("\n\n")[1]])


def test_a_register_line_under_a_card_does_not_hide_the_title() -> None:
    body = (
        "Bis Donnerstag.\n\nBeste Grüße\nDI Theresa Gruber\nBereichsleiterin Netzbetrieb\nStadtwerke Traunstein GmbH"
        "\n\nStadtwerke Traunstein GmbH | Sitz: Traunstein | Registergericht Traunstein HRB 4711 | USt-IdNr. DE000000000"
    )
    from mailflows.inbound.mail import Address

    sender = Address("Theresa Gruber", "theresa.gruber@stadtwerke-ts.example")
    _, card = split_own_signature(body, sender)
    info = parse_signature(card, sender)
    assert (info.name, info.title) == ("Theresa Gruber", "Bereichsleiterin Netzbetrieb")


def test_the_forwarded_senders_card_is_read_not_the_reps_card_under_it() -> None:
    raw = _forward(
        "Nos interesa empezar en mayo.\n\nSaludos,\nIng. Pilar Fuentes\nDirectora de Planta\nLácteos del Valle, S.A.",
        "--\nNico Ramos\nAccount Executive | Our Co\n+52 55 5555 0000",
    )
    inner = next(m for m in parse_message(raw).messages if m.sender and m.sender.email.startswith("pilar"))
    assert (inner.card.name, inner.card.title) == ("Pilar Fuentes", "Directora de Planta")
    assert "Nico Ramos" not in inner.body and inner.body.startswith("Nos interesa")


def test_titles_in_four_languages_give_their_roles() -> None:
    assert role_for("Directora de Finanzas", "", "")[0] == "economic_buyer"
    assert role_for("Directeur des finances", "", "")[0] == "economic_buyer"
    # a board member runs the company with the others (as a "Geschäftsführer Vertrieb" does); the finance one pays
    assert role_for("Vorstand Vertrieb", "", "")[0] == "decision_maker"
    assert role_for("Vorstand Finanzen", "", "")[0] == "economic_buyer"
    assert role_for("Gerente de TI", "", "")[0] == "technical_evaluator"
    assert role_for("Coordonnatrice des horaires", "", "")[0] == "user"
