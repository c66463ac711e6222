"""Secrets and legal particulars never reach the document, read from whole mails: 36 mails written for this project —
24 with a password, PIN, gate or one-time code, API key or bank details written out or read aloud in a call (plain
forwards, HTML-only Outlook forwards, pasted chats, .vtt and .txt transcripts, signatures) or a company's register
footer (Handelsregister, RCS / SIRET, Registro Mercantil, Companies House), six in each of English, German, French and
Spanish, and 12 that only look like them ("40 password-reset tickets a month", "we'll send the SFTP credentials by
Friday", a registry whose business is SIRET look-ups, PIN pads at 200 stores) whose facts must stay. ``expected.json``
lists, per mail, what must not appear and what must (so a filter that drops everything fails)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.extract import lexicon
from tests.read_mail import document_text, expectations, normalized

CASES = Path(__file__).parent / "fixtures" / "mail" / "secrets"
EXPECTED = expectations(CASES)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_secret_or_a_register_footer_stays_out_and_the_facts_beside_it_stay_in(name: str) -> None:
    text = document_text(CASES / name)
    assert [s for s in EXPECTED[name]["must_not_appear"] if normalized(s) in text] == []
    facts = EXPECTED[name]["must_appear"]
    assert sum(normalized(s)[:40] in text for s in facts) >= len(facts) - 1, facts


@pytest.mark.parametrize(
    "line",
    [
        "okay, the code is 582 913.",
        "Der Zugang für den Test: Benutzer lumen / pw Rt5!kk02",
        "Für die Freigabe brauch ich den Einmalcode... der ist 739 041.",
        "Le compte de recette c'est lumen_rec, mot de passe Brest#2027, à changer.",
        "la contraseña provisoria del portal de proveedores es Sierra2026!x – cambiala al entrar.",
        "Pay it back to account number 40112233, sort code 11-22-33.",
        "Überweisung bitte auf DE44 5001 0517 5407 3249 31.",
        "Sitz: Köln | Registergericht: Amtsgericht Köln HRB 99812",
        "SAS au capital de 120 000 € – RCS Nantes B 812 345 678",
        "Inscrita en el Registro Mercantil de Valencia, Tomo 1020, Folio 3",
    ],
)
def test_a_written_out_secret_or_register_line_is_junk_in_each_language(line: str) -> None:
    assert lexicon.JUNK.search(line), line


@pytest.mark.parametrize(
    "line",
    [
        "We log 40 password-reset tickets a month and want that under ten.",
        "We'll send the SFTP credentials by Friday 12 June.",
        "PIN pads at 200 stores report every night.",
        "Die Code-Freeze beginnt am 1. November 2026.",
        "Notre API de recherche par SIRET reçoit 3 millions d'appels par mois.",
        "El código de la tienda 1042 pierde un 4 % de stock al mes.",
        "The key is SAP S/4HANA: everything else reads from it.",
        "Our FY26 PLAN WILL GROW the fleet by 40 trucks.",
    ],
)
def test_a_sentence_that_only_names_a_password_a_code_or_a_register_is_not_junk(line: str) -> None:
    assert not lexicon.JUNK.search(line), line
