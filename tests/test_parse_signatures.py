"""Signature blocks: where they start and the name, title, company and phone they carry."""

from __future__ import annotations

import pytest

from mailflows.inbound.mail import Address, SignatureInfo, ThreadMessage
from mailflows.inbound.parse import parse_message
from mailflows.inbound.signatures import parse_signature, split_signature, split_trailing_note, stored_message

OMAR = Address("Omar Haddad", "omar.haddad@bluefin.example")


@pytest.mark.parametrize(
    ("signature", "sender", "name", "title", "company", "phone"),
    [
        (
            "Omar Haddad\nChief Financial Officer\nBluefin Shipping\n(555) 010-2200",
            OMAR,
            "Omar Haddad",
            "Chief Financial Officer",
            "Bluefin Shipping",
            "(555) 010-2200",
        ),
        (
            "Tariq Bell | Dock Manager, Savannah | Bluefin Shipping",
            Address("Tariq Bell", "tariq.bell@bluefin.example"),
            "Tariq Bell",
            "Dock Manager, Savannah",
            "Bluefin Shipping",
            "",
        ),
        (
            "Ines Moreau, MBA\nDirector, Fleet & Yard Operations\nBluefin Shipping | Le Havre\nm: +33 6 55 01 02 03",
            Address("Ines Moreau", "ines.moreau@bluefin.example"),
            "Ines Moreau",
            "Director, Fleet & Yard Operations",
            "Bluefin Shipping",
            "+33 6 55 01 02 03",
        ),
        (
            "Priya Raman\nData Protection Officer, Bluefin Shipping\n555-010-9000 | bluefin.example",
            Address("Priya Raman", "priya.raman@bluefin.example"),
            "Priya Raman",
            "Data Protection Officer",
            "Bluefin Shipping",
            "555-010-9000",
        ),
        (
            "Lea Müller\nVP of Information Security\nBluefin Shipping",
            None,
            "Lea Müller",
            "VP of Information Security",
            "Bluefin Shipping",
            "",
        ),
        (
            "Jonas Keller\nLeiter Datenplattform\nBluefin Schweiz AG\nBahnhofstrasse 1, 8001 Zürich\nTel. +41 44 555 01 02",
            None,
            "Jonas Keller",
            "Leiter Datenplattform",
            "Bluefin Schweiz AG",
            "+41 44 555 01 02",
        ),
        (
            "Inès Marchal\nDirectrice des Achats\nMaisons Corail – 8 rue Paradis, 13001 Marseille\nTél. : 04 91 00 11 22",
            None,
            "Inès Marchal",
            "Directrice des Achats",
            "Maisons Corail",
            "04 91 00 11 22",
        ),
        (
            "Dev Patel\nLead Data Engineer | Bluefin Shipping",
            Address("", "dev.patel@bluefin.example"),
            "Dev Patel",
            "Lead Data Engineer",
            "Bluefin Shipping",
            "",
        ),
    ],
)
def test_signature_fields_come_out_exactly_as_written(signature, sender, name, title, company, phone):
    info = parse_signature(signature, sender)
    assert (info.name, info.title, info.company, info.phone) == (name, title, company, phone)


def test_name_card_below_the_sign_off_is_the_signature():
    body = "Sam,\n\nYear one under $90K.\n\nThanks,\nOmar\n\nOmar Haddad\nChief Financial Officer\nBluefin Shipping"
    text, signature = split_signature(body, OMAR)
    assert text == "Sam,\n\nYear one under $90K.\n\nThanks,\nOmar"
    assert signature.startswith("Omar Haddad\nChief Financial Officer")


def test_dash_dash_delimiter_starts_the_signature():
    text, signature = split_signature("See you Monday.\n\n-- \nSam\nnorthwind.example", None)
    assert text == "See you Monday."
    assert signature.startswith("--")


def test_sent_from_my_iphone_is_not_part_of_the_text():
    assert split_signature("Works for me.\n\nSent from my iPhone", None) == ("Works for me.", "Sent from my iPhone")


def test_a_companys_sent_from_footer_with_its_offer_is_not_part_of_the_text():
    body = "Works for me.\n\nSent from Ridgeline Sports - Gear up at 25% off all touring bindings this week only!"
    assert split_signature(body, None)[0] == "Works for me."


def test_a_sentence_starting_with_sent_from_is_kept():
    body = "Here it is.\n\nSent from my desk, which is much easier than my phone."
    assert split_signature(body, None) == (body, "")


def test_a_lone_name_without_a_known_sender_is_kept_as_text():
    assert split_signature("This is the reply.\n\nThanks,\nSome One", None)[1] == ""


def test_sentences_typed_under_a_signature_card_are_split_off() -> None:
    card = "Kind regards,\nIngrid Solberg\nChief Financial Officer\nSkerry Line Ferries"
    note = "Ingrid holds the budget and the cap is firm; she said it twice.\n\nNoor"
    assert split_trailing_note(f"{card}\n\n{note}") == (card, note)
    assert split_trailing_note(f"{card}\n{note}") == (card, note)  # s-nail adds no blank line


@pytest.mark.parametrize(
    "tail",
    [
        "Please consider the environment before printing this email.",
        "This message and any attachments are confidential and intended only for the addressee.",
        "1200 Harbor Boulevard, Suite 400, Seattle, WA 98101",
        "Director of Fleet Operations and Sustainability Programs",
    ],
)
def test_a_card_with_boilerplate_an_address_or_a_long_title_stays_whole(tail: str) -> None:
    card = f"Ingrid Solberg\nSkerry Line Ferries\n{tail}"
    assert split_trailing_note(card) == (card, "")


CARD_MAIL = (
    b"From: Omar Haddad <omar.haddad@bluefin.example>\r\nTo: sam@northwind.example\r\n"
    b"Subject: budget\r\nMessage-ID: <card-1@bluefin.example>\r\nDate: Mon, 2 Mar 2026 10:00:00 +0000\r\n\r\n"
    b"Sam,\r\n\r\nYear one under $90K.\r\n\r\nThanks,\r\nOmar\r\n\r\n"
    b"Omar Haddad\r\nChief Financial Officer\r\nBluefin Shipping\r\n(555) 010-2200\r\n"
)


def test_the_parser_reads_each_card_once_and_the_stored_message_keeps_it():
    (message,) = parse_message(CARD_MAIL).messages
    card = (message.card.name, message.card.title, message.card.company, message.card.phone)
    assert card == ("Omar Haddad", "Chief Financial Officer", "Bluefin Shipping", "(555) 010-2200")
    assert stored_message(message.to_dict()).card == message.card


def test_a_message_stored_before_cards_were_kept_gets_its_card_read_when_loaded():
    (message,) = parse_message(CARD_MAIL).messages
    row = message.to_dict()
    del row["card"]
    assert stored_message(row).card.title == "Chief Financial Officer"
    assert ThreadMessage.from_dict(row).card == SignatureInfo()


@pytest.mark.parametrize(
    ("signature", "email", "title", "company"),
    [
        # a title no word list holds, placed between the name and the sender's company
        ("Reto Baumann\nGemeindeschreiber\nGemeinde Seewilen", "reto.baumann@seewilen.example", "Gemeindeschreiber",
         "Gemeinde Seewilen"),
        ("Nathalie Bérubé\nContrôleuse\nÉrablières Unies\n418 555 0101", "n.berube@erablieres-unies.example",
         "Contrôleuse", "Érablières Unies"),
        ("Rupert Vane\nPublisher\nHalcyon & Pike Books Ltd", "rupert.vane@halcyonpike.example", "Publisher",
         "Halcyon & Pike Books Ltd"),
        # the company under the name is no title, nor the street under the company
        ("Reto Baumann\nGemeinde Seewilen\n+41 62 555 01 01", "reto.baumann@seewilen.example", "", "Gemeinde Seewilen"),
        ("Ana Ruiz\nSeewilen Holdings\nBahnhofstrasse 3", "ana.ruiz@seewilen.example", "", "Seewilen Holdings"),
    ],
)  # fmt: skip
def test_the_line_between_the_name_and_the_company_is_the_title(
    signature: str, email: str, title: str, company: str
) -> None:
    info = parse_signature(signature, Address(signature.split("\n")[0], email))
    assert (info.title, info.company) == (title, company)


def test_a_card_with_a_degree_and_a_printing_banner_under_it_is_still_a_card() -> None:
    sender = Address(name="Jorge Luis Paredes", email="jparedes@uarimac.example")
    body = (
        "Estimado Martín:\n\nLe escribo por el tablero.\n\nAtentamente,\n\nMg. Jorge Luis Paredes\n"
        "Director de Planeamiento y Calidad Académica\nUniversidad Alturas del Rímac\nCentral: (01) 555-3300\n\n"
        "Universidad Alturas del Rímac - Licenciada por SUNEDU. Antes de imprimir este correo, piense en el medio "
        "ambiente."
    )
    text, signature = split_signature(body, sender)
    assert text == "Estimado Martín:\n\nLe escribo por el tablero."
    info = parse_signature(signature, sender)
    assert (info.title, info.company) == (
        "Director de Planeamiento y Calidad Académica",
        "Universidad Alturas del Rímac",
    )
