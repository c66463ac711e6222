"""Our promises written into what we signed, in four languages: a term the order form, contract, DPA or proposal
states ("the order form says …", "laut Vertrag …", "le contrat prévoit …", "incluido en el contrato"), the terms
only a seller gives (an uptime SLA, where data is hosted, breach notice, audit and exit rights), one of ours with a
task in a note, a note's deliverable to their person, and our word in the future tense of German, French and
Spanish; never a term the customer asks for, their own contracts, their tasks or the plan's dates."""

from __future__ import annotations

from datetime import date

import pytest

from agent.document import Item
from agent.extract.commitments import contract_term, label_owner, promise_owner
from agent.extract.offline import _commitment, _reminds_us
from agent.extract.units import Unit

ANCHOR = date(2026, 9, 1)
OURS = {"julia", "hannah", "lume", "lumen", "lumendata"}
THEIRS = {"troy", "sandra"}


def unit(text: str, author: str = "ours", lang: str = "en", listed: bool = False) -> Unit:
    return Unit(text, text, "s1", "", None, author, ANCHOR, None, list_item=listed, lang=lang)


def ours(text: str, lang: str = "en", listed: bool = False) -> Item | None:
    return _commitment(unit(text, lang=lang, listed=listed), False, None, {})


@pytest.mark.parametrize(
    ("text", "lang", "due", "precision"),
    [
        (
            "The order form says 35 priority dashboards migrated and signed off by Oct 16.",
            "en",
            date(2026, 10, 16),
            "day",
        ),
        ("Breach notification within 24 hours is in the DPA.", "en", None, None),
        ("Laut Vertrag migrieren wir 40 Berichte bis 30.11.", "de", date(2026, 11, 30), "day"),
        ("Le contrat prévoit une formation sur site pour chaque entrepôt.", "fr", None, None),
        ("Incluido en el contrato: soporte en español 24/7.", "es", None, None),  # 24/7 is no date
        ("La fecha del conector (31 de julio) también quedó en la propuesta.", "es", date(2026, 7, 31), "day"),
    ],
)
def test_a_term_of_what_we_signed_is_our_promise_with_its_own_date(
    text: str, lang: str, due: date | None, precision: str | None
) -> None:
    item = ours(text, lang)
    assert item is not None and item.owner == "us"
    assert (item.due, item.due_precision) == (due, precision)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("99.9% uptime SLA with service credits.", "en"),
        ("Data hosted only in Canada, backups included.", "en"),
        ("Annual on-site audit right.", "en"),
        ("Special termination right at the end of year one.", "en"),
        ("Jährliches Prüfrecht vor Ort, Sonderkündigungsrecht nach zwölf Monaten.", "de"),
        ("Données hébergées uniquement au Canada, droit d'audit annuel.", "fr"),
        ("Cláusula de salida a los 12 meses y datos alojados solo en México.", "es"),
    ],
)
def test_a_term_only_a_seller_gives_is_ours_without_a_date(text: str, lang: str) -> None:
    item = ours(text, lang)
    assert item is not None and item.due is None


def test_a_signed_contract_with_its_terms_keeps_the_signing_day_out_of_the_due_date() -> None:
    item = ours("Héctor firmó el contrato el viernes 12 de junio: 3 años, cláusula de salida a 12 meses.", "es")
    assert item is not None and item.due is None


def test_a_listed_line_of_what_we_provide_is_ours_undated_and_an_unlisted_mention_is_not() -> None:
    listed = ours("On-site training in Spanish for shift leaders at each plant.", listed=True)
    assert listed is not None and listed.due is None
    assert ours("Dedicated solutions engineer for the first 60 days.", listed=True) is not None
    assert ours("Training came up twice on the call.") is None


@pytest.mark.parametrize(
    "text",
    [
        "They want 99.9% uptime in the contract.",
        "Please put the break clause in the contract, not in an email.",
        "The SLA is not in the order form yet.",
        "Lukas is on board as long as Frankfurt hosting is written into the contract.",
    ],
)
def test_a_term_asked_for_denied_or_still_a_condition_is_no_promise(text: str) -> None:
    assert not contract_term(text)
    assert ours(text) is None


def test_the_customer_citing_our_paper_holds_us_to_it_but_their_own_contracts_do_not() -> None:
    said = unit("The order form says you'll migrate 35 dashboards by Oct 16.", "customer")
    assert promise_owner(said, OURS, THEIRS, "lumendata") == "us"
    dpa = unit("As agreed, breach notification within 24 hours is in your DPA.", "customer")
    assert promise_owner(dpa, OURS, THEIRS, "lumendata") == "us"
    own = unit("Le contrat prévoit un bonus-malus sur la ponctualité des bus.", "customer", "fr")
    assert promise_owner(own, OURS, THEIRS, "lumendata") is None


def test_one_of_ours_with_a_task_in_a_note_is_ours_dated_or_not_and_a_report_of_the_past_is_none() -> None:
    people = frozenset({"julia", "hannah"})
    assert label_owner("Hannah: one-page ROI summary for the board packet", OURS, THEIRS, people) == "us"
    assert label_owner("Julia: organise a reference visit in June", OURS, THEIRS, people) == "us"
    assert label_owner("Julia: walked them through the demo", OURS, THEIRS, people) is None
    assert label_owner("Lumen Data: usage dashboard for the board.", OURS, THEIRS, people) is None  # a plan step


@pytest.mark.parametrize(
    "text",
    [
        "countersigned copy to Troy by Monday",
        "told Troy countersigned copy by Mon",
        "Angebot an Frau Sandra bis Freitag",
    ],
)
def test_a_notes_deliverable_to_their_person_is_ours(text: str) -> None:
    assert promise_owner(unit(text, "note"), OURS, THEIRS, "lumendata") == "us"


def test_their_persons_task_stays_theirs() -> None:
    assert promise_owner(unit("Troy will sign the order form by Friday.", "note"), OURS, THEIRS, "lumendata") != "us"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Wir stellen Ihnen einen festen Ansprechpartner bereit.", "de"),
        ("Die Aggregation setzen wir als feste Regel im Datenmodell um, bis zum Go-live.", "de"),
        ("Nous fournirons un guide d'administration en français.", "fr"),
        ("Les daremos acceso al entorno de pruebas.", "es"),
    ],
)
def test_our_word_in_the_future_tense_of_german_french_and_spanish_is_a_promise(text: str, lang: str) -> None:
    assert ours(text, lang) is not None


@pytest.mark.parametrize(
    ("text", "lang"),
    [("Veremos el alcance en la próxima reunión.", "es"), ("Nous verrons le périmètre la semaine prochaine.", "fr")],
)
def test_we_will_see_is_no_promise(text: str, lang: str) -> None:
    assert ours(text, lang) is None


@pytest.mark.parametrize(
    "text",
    [
        "You offered on-site training in Spanish for our shift leaders.",
        "Sie haben uns zwei Schulungstage angeboten.",
        "Vous nous avez proposé une formation sur site.",
        "Ustedes nos ofrecieron capacitación presencial.",
    ],
)
def test_the_customer_telling_us_what_we_offered_holds_us_to_it(text: str) -> None:
    assert _reminds_us(unit(text, "customer"), None)


def test_a_rival_offering_something_is_not_our_word() -> None:
    assert not _reminds_us(unit("Grupo Datum nos ofreció un desarrollo a la medida en ocho meses.", "customer"), None)


def test_a_notes_short_weekday_after_a_deadline_word_is_a_day_and_a_bare_one_is_not() -> None:
    from agent.extract.dates import resolve_due_precise

    wednesday = date(2026, 5, 27)
    due = resolve_due_precise("countersigned copy by Mon", wednesday)
    assert due is not None and (due.day, due.precision) == (date(2026, 6, 1), "day")
    assert resolve_due_precise("Mon team meeting with the analysts", wednesday) is None


def test_a_list_item_wrapped_onto_indented_lines_is_one_item_and_indented_prose_is_not_joined_to_a_list() -> None:
    from agent.extract.units import paragraphs

    body = (
        "Lumen Data commits to:\n1. The automated monthly reliability report and repeat-defect flagging\n"
        "   live and validated by June 26, ahead of the\n   CAP deadline.\n2. A dedicated implementation engineer.\n\n"
        "Notes from the call\n   indented prose."
    )
    got = paragraphs(body)
    assert got[0] == (
        "1. The automated monthly reliability report and repeat-defect flagging live and validated by June 26, ahead "
        "of the CAP deadline.",
        "commitments",
        True,
    )
    assert got[1][0] == "2. A dedicated implementation engineer."
    assert not got[-1][2]
