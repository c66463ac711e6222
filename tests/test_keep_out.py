"""What must never reach the document, read from whole mails: 40 mails written for this project — auto-replies
that never say "out of office" (a district closed for the summer, a university's winter closure, parental leave, a
ticket desk's receipt, a shared inbox's delay notice, in four languages), the rep's remarks kept out in fourteen
ways ("Keep this between us", "Not for the CSM doc", "(private)", "Nur intern", "Solo para nosotros", a marked
section of a notes file), unusual legal footers, and six mails that only sound like them ("our offices close for
two weeks in August, so go-live must be before July 31"). ``expected.json`` lists what must not appear and what
must (so a filter that drops everything fails)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.read_mail import document_text, expectations, normalized

CASES = Path(__file__).parent / "fixtures" / "mail" / "keep-out"
EXPECTED = expectations(CASES)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_what_is_kept_out_stays_out_and_the_facts_beside_it_stay_in(name: str) -> None:
    text = document_text(CASES / name)
    assert [s for s in EXPECTED[name]["must_not_appear"] if normalized(s) in text] == []
    # each mail's facts are read: all of them but for a sentence the reader files in other words
    facts = EXPECTED[name]["must_appear"]
    assert sum(normalized(s)[:40] in text for s in facts) >= len(facts) - 1, facts


@pytest.mark.parametrize(
    ("line", "private"),
    [
        ("Freitag bin ich übrigens im Homeoffice, meine Tochter hat Windpocken.", True),
        ("I'm off next Friday for my daughter's wedding in Tulsa.", True),
        ("Je serai absent lundi, mon fils est malade.", True),
        ("Mi mujer sale de cuentas en mayo, así que estaré fuera dos semanas.", True),
        ("Sorry for the slow reply, my son's hockey tournament in Brandon ate my whole weekend.", True),
        ("Am Samstag bin ich nicht erreichbar, mein Sohn spielt ein Turnier in Linz.", True),
        ("Our tournament bookings are the busiest week of the season.", False),
        ("My team is sick of rebuilding the same spreadsheet every Monday.", False),
        ("Our founders, husband and wife, started the firm in 1990.", False),
        ("Mon fils fait un stage chez nous cet été au service qualité.", False),
        ("Unsere Kinder-Kliniken in Linz und Wels kommen im zweiten Jahr dazu.", False),
    ],
)
def test_family_news_beside_the_business_is_kept_out_in_each_language(line: str, private: bool) -> None:
    from agent.extract.lexicon import JUNK

    assert bool(JUNK.search(line)) is private


@pytest.mark.parametrize(
    ("line", "promo"),
    [
        ("AKI Weekly: Register now for the East Africa Insurance Summit -- early bird pricing ends Friday!", True),
        ("Save 20% off all licences this week only!", True),
        ("Jetzt anmelden zum Praxistag im Mai, Frühbucherpreis bis Freitag.", True),
        ("Inscrivez-vous à notre webinaire du 12 mars.", True),
        ("Boletín CAPECO: suscríbase gratis para recibir las cotizaciones diarias de soja.", True),
        ("¡Este mes, trae a un amigo y llévate un mes gratis!", True),
        ("Members get 10% off on Tuesdays, which drives our footfall.", False),  # their own business, said of it
        ("We need to register the new devices before go-live.", False),
        ("Our members sign up online and we lose track of them.", False),
        ("Los socios se inscriben en recepción y nadie cruza los datos.", False),
    ],
)
def test_a_call_to_action_addressed_to_the_public_is_kept_out_in_each_language(line: str, promo: bool) -> None:
    from agent.extract.lexicon import JUNK

    assert bool(JUNK.search(line)) is promo


@pytest.mark.parametrize(
    ("line", "kept_out"),
    [
        ("Für euren Techniker: VPN-Testzugang lumen-test / Grench3n!2026 (gilt bis Ende Juni).", True),
        ("The sandbox login is lumen_eval / Kp4#tomato-88 -- please don't pass it around.", True),
        ("Logistics for your visit: the guest wifi is KVD-Guest / Milk$hed2026.", True),
        ("Para la demo os dejo la API key de pruebas de FusionSolar: fs-live-7Hq2LmX9pR.", True),
        ("Voici le code d'accès VPN temporaire : 7741-2290-VD.", True),
        ("Le comparto el grupo de los frentes: https://chat.whatsapp.com/Ktz8QpL2mVx7Hn", True),
        ("Join on Microsoft Teams. Dial in by phone: +27 10 555 0190 Phone conference ID: 845 221 907#", True),
        ("Protea Crest Hospitals (Pty) Ltd. Registration number 2009/014522/07.", True),
        ("This e-mail may contain technical data whose export is restricted by the Arms Export Control Act.", True),
        ("I'm out October 19 to 30 for my knee replacement, so Tina signs while I'm gone.", True),
        ("Estuve en Zarcero con mi nieta que cumplía quince años y no vi correos.", True),
        ("Jetzt neu in allen Filialen: unser Vorverkauf – jetzt vorbestellen und 10 % sparen!", True),
        ("Access to the ERP is read-only via VPN / SFTP for 2 users.", False),
        ("Our API key rotation policy is 90 days.", False),
        ("The operation of 12 sites costs us 2 FTE.", False),
        ("Sales grew 12% / year since 2021.", False),
    ],
)
def test_credentials_dial_ins_registration_numbers_and_own_health_are_kept_out(line: str, kept_out: bool) -> None:
    from agent.extract.lexicon import JUNK

    assert bool(JUNK.search(line)) is kept_out


@pytest.mark.parametrize(
    ("line", "auto_reply"),
    [
        ("Ich bin bis einschließlich 14.04.2026 nicht im Büro und habe keinen Zugriff auf meine E-Mails.", True),
        ("Je suis absente du bureau jusqu'au 14 avril, sans accès à ma messagerie.", True),
        ("Estaré fuera de la oficina hasta el 14 de abril, sin acceso al correo.", True),
        ("Unsere Filialleiter haben keinen Zugriff auf das Lagersystem.", False),
        ("Les agents n'ont pas accès aux données de stock.", False),
    ],
)
def test_an_auto_replys_own_words_are_kept_out_in_german_french_and_spanish(line: str, auto_reply: bool) -> None:
    from agent.extract.lexicon import JUNK

    assert bool(JUNK.search(line)) is auto_reply
