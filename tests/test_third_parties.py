"""The customer's own clients never reach the document, read from whole mails: 30 mails written for this project,
in English, German, French and Spanish, where the customer tells a fact by an example of one of their clients,
patients, students or members, by name or by a record number (a customer, policy, patient, member or order number,
"Kundennummer", "Aktenzeichen", "n° de police", "matricule", "póliza", "expediente"), and six where the look-alikes
must stay: our contacts named in an example ("Frau Berger wird z. B. die Schulungen leiten"), counts and money
("1.200 Mitarbeiter", "2,5 M€", "3 200 mandats"), "our Customer Success Team". ``expected.json`` lists, per mail,
what must not appear and the facts that must (so a filter that drops everything fails)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.document import AccountInfo, Extraction, Item, Party, Quote
from agent.extract.base import ExtractionContext, verify_quotes
from agent.extract.privacy import NAME_MARK, NUMBER_MARK, find_third_parties
from mailflows.inbound.mail import Address, ThreadMessage
from tests.read_mail import document_text, expectations, normalized

CASES = Path(__file__).parent / "fixtures" / "mail" / "third_party"
EXPECTED = expectations(CASES)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_client_of_theirs_stays_out_and_the_fact_told_with_them_stays_in(name: str) -> None:
    text = document_text(CASES / name)
    assert [s for s in EXPECTED[name]["must_not_appear"] if normalized(s) in text] == []
    facts = EXPECTED[name]["must_appear"]
    assert sum(normalized(s)[:40] in text for s in facts) >= len(facts) - 1, facts


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if "contacts_stay" in EXPECTED[n]))
def test_their_own_people_named_in_an_example_are_contacts_and_stay(name: str) -> None:
    text = document_text(CASES / name)
    assert [s for s in EXPECTED[name]["contacts_stay"] if normalized(s) not in text] == []


@pytest.mark.parametrize(
    ("line", "hidden"),
    [
        ("Take Mrs Fenwick for example: policy number 88-412-9907, three queues.", {"Fenwick", "88-412-9907"}),
        ("For instance, patient Daniel Whitfield was booked twice.", {"Daniel Whitfield", "Whitfield"}),
        ("Ein Beispiel: Kundin Erika Mustermann hat zwei Verträge.", {"Erika Mustermann", "Mustermann"}),
        ("Die Kundennummer 4711-0815-22 taucht zweimal auf.", {"4711-0815-22"}),
        ("Patienten-ID 00912-4471 wurde doppelt vergeben.", {"00912-4471"}),
        ("Un exemple réel : client Hassan Al-Rashid, relation 0482-119377-01.", {"Hassan Al-Rashid", "0482-119377-01"}),
        ("le dossier de l'assurée, n° de police 88 123 456, est bloqué.", {"88 123 456"}),
        ("Par exemple, l'étudiant Thomas Garnier, matricule 2023A0457.", {"Thomas Garnier", "2023A0457"}),
        ("Por ejemplo, el paciente Juan Pérez García tiene dos historias.", {"Juan Pérez García", "García"}),
        ("la póliza 2024-118-337 está duplicada.", {"2024-118-337"}),
        ("el expediente 2022-0457 sigue abierto.", {"2022-0457"}),
        ("Take Mrs Patel: she has three accounts and two addresses.", {"Patel"}),
        ("Nehmen wir Frau Sommer: drei Verträge, zwei Adressen.", {"Sommer"}),
        ("Par exemple, Mme Roy, une de nos assurées, a deux contrats.", {"Roy"}),
        ("Pongamos a la Sra. Gil: tres pólizas y dos direcciones.", {"Gil"}),
        # someone in their care, by their room or what happened to them
        ("I know Mrs Edith Parry in Room 12 fell twice that week.", {"Edith Parry", "Parry"}),
        ("Herr Vogt aus Zimmer 4 ist letzte Woche gestürzt.", {"Vogt"}),
        ("Mme Lemaire, chambre 12, a été hospitalisée deux fois.", {"Lemaire"}),
        ("La Sra. Gil se cayó dos veces en marzo.", {"Gil"}),
    ],
)
def test_a_client_named_or_numbered_in_an_example_is_found_in_each_language(line: str, hidden: set[str]) -> None:
    found = find_third_parties([line], ["Anna Berger"])
    assert hidden <= found.names | found.numbers, (found, line)


@pytest.mark.parametrize(
    "line",
    [
        "We have 1,200 employees and 2.5M EUR set aside; our customer base is 3,400 accounts.",
        "Our Customer Success Team for example handles 3,200 tickets a month.",
        "The policy 2026 renewal season starts in September.",
        "Frau Berger wird z. B. die Schulungen leiten, und Herr Jansen übernimmt die IT.",
        "wir haben 1.200 Mitarbeiter und ein Budget von 2,5 Mio. €.",
        "Unsere Kunden erwarten z. B. Lieferzusagen innerhalb von 24 Stunden.",
        "le cabinet gère 3 200 mandats ; clients : 3 200 mandats, 2,5 M€.",
        "Par exemple, M. Perrin suivra le déploiement.",
        "Por ejemplo, el Sr. Prieto llevará la parte técnica; tenemos 3.400 clientes activos.",
        "Procesamos 45.000 pedidos al mes, por ejemplo en Salesforce Service Cloud.",
        "Mrs Moss in room 3 of our office will run the training.",  # a contact, wherever she sits
    ],
)
def test_contacts_counts_money_and_products_are_no_client_of_theirs(line: str) -> None:
    found = find_third_parties([line], ["Anna Berger", "Hannah Moss"])
    assert not found, (found, line)


def test_any_extractors_items_are_redacted_their_quotes_dropped_and_an_item_with_nothing_left_goes() -> None:
    """What a model returned goes through the same check as the offline reader's items (verify_quotes)."""
    said = (
        "Un exemple réel : client Hassan Al-Rashid, relation 0482-119377-01 dans Avaloq, deux fiches différentes "
        "dans Salesforce avec des profils de risque contradictoires.\nAl-Rashid a appelé trois fois."
    )
    mail = ThreadMessage(id="m1", sender=Address("Nicolas Favre", "nicolas.favre@banque-leman.example"), body=said)
    first = said.split("\n")[0]
    extraction = Extraction()
    extraction.sections.pain_points = [
        Item(text=first, quotes=[Quote(text=first, speaker="Nicolas Favre", source_id="m1")], source_ids=["m1"]),
        Item(text="Al-Rashid a appelé trois fois.", source_ids=["m1"]),
    ]
    ctx = ExtractionContext(
        account=AccountInfo(name="Banque Léman"),
        rep=Party(name="Claire Martin", email="claire.martin@lumendata.example"),
        company_domains={"lumendata.example"},
    )
    verify_quotes(extraction, [mail], ctx)
    [item] = extraction.sections.pain_points
    assert item.text == (
        f"Un exemple réel : client {NAME_MARK}, relation {NUMBER_MARK} dans Avaloq, deux fiches différentes "
        "dans Salesforce avec des profils de risque contradictoires."
    )
    assert item.quotes == []
