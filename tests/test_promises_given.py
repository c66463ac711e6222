"""Our word as we report it, the terms we put in writing, and the prices we hold: all commitments of ours."""

from __future__ import annotations

from datetime import date

from agent.extract.commitments import GAVE_WORD, label_owner, price_held, promise_owner
from agent.extract.milestones import formal_ids
from agent.extract.offline import YOU_PROMISED, _commitment
from agent.extract.units import Unit
from mailflows.inbound.mail import ThreadMessage

OURS = {"nora", "acme", "acmed", "acmeda", "acmedat", "acmedata"}
THEIRS = {"vik", "tern"}


def unit(text: str, author: str, heading: str | None = None, list_item: bool = False) -> Unit:
    return Unit(text, text, "s1", "", None, author, date(2026, 3, 9), heading, list_item=list_item)


def test_our_word_reported_in_our_notes_is_our_promise_dated_or_not() -> None:
    for said in (
        "After the demo I told Vik we'd host a half-day dashboard clinic for his planners.",
        "Also offered a second sandbox for the finance analysts.",
        "Told him yes on the cost model by the 20th.",
        "Ich habe Herrn Brandt die Schnittstellenbeschreibung bis Ende April zugesagt.",
        "Je leur ai promis une session de formation pour les chefs d'équipe.",
        "Le prometí a Marta el informe de calidad de datos antes del 12 de mayo.",
        # the pledge given to them in so many words, on a call or in mail
        "ClinicGest lo construimos nosotros; os lo comprometo para antes de finales de enero.",
        "Je vous le garantis : le connecteur sera prêt avant la fin juin.",
        "I promise you the Ekos connector will be nightly from day one.",
        "Wir versprechen Ihnen die Schulung vor Saisonbeginn.",
    ):
        assert promise_owner(unit(said, "ours"), OURS, THEIRS, "acmedata") == "us", said


def test_a_denied_or_someone_elses_word_is_no_promise_of_ours() -> None:
    assert not GAVE_WORD.search("I never promised them a custom connector.")
    assert not GAVE_WORD.search("They offered us a reference call with their parent company.")
    assert not GAVE_WORD.search("We can't promise you a date before the audit.")


def test_a_notes_line_labelled_as_a_promise_is_ours() -> None:
    line = unit("Commit: warehouse export certified for their Oracle 19c by 15.09.2026", "note")
    assert promise_owner(line, OURS, THEIRS, "acmedata") == "us"
    german = unit("Zusage im Angebot: Lieferantenportal-Anbindung bis 30.11.2026 produktiv.", "note")
    assert promise_owner(german, OURS, THEIRS, "acmedata") == "us"


def test_a_price_we_hold_for_a_term_is_ours_and_the_customers_ask_for_one_is_not() -> None:
    assert price_held("On price: we keep the licence fee fixed for three years.", "ours")
    assert price_held("Prix gelé pendant deux ans, c'est acceptable pour nous.", "ours")
    assert price_held("Renewal uplift capped at 3% in year two.", "note")
    assert price_held("Tern wants a price lock for two years; agreed.", "note")
    assert not price_held("I need the price locked for three years, or this goes to tender.", "customer")
    assert not price_held("Necesito que el precio quede fijo por tres años.", "customer")
    assert price_held("For the record, the price is locked for three years as discussed.", "customer")


def test_the_reps_own_label_on_a_dated_to_do_makes_it_ours() -> None:
    assert label_owner("me: pricing one-pager by 14 Apr", OURS, THEIRS) == "us"
    assert label_owner("Vik: plant list by 14 Apr", OURS, THEIRS) == "customer"


def test_a_dated_line_of_our_proposal_is_a_promise_but_a_date_of_the_plan_is_not() -> None:
    line = unit("Interface en portugais au plus tard le 1er octobre 2026.", "ours", list_item=True)
    item = _commitment(line, True, None)
    assert item is not None and item.due == date(2026, 10, 1) and item.owner == "us"
    freeze = unit("Change freeze at the plant 20 July – 10 August 2026", "ours", list_item=True)
    assert _commitment(freeze, True, None) is None
    plan = unit("Phase 1: pilot site live on 15 June 2026", "ours", heading="implementation", list_item=True)
    assert _commitment(plan, True, None) is None


def test_a_deadline_we_set_ourselves_in_our_mail_is_a_promise() -> None:
    line = unit("Marta, te confirmo: el módulo de mermas en producción a más tardar el 30 de junio de 2026.", "ours")
    item = _commitment(line, False, None)
    assert item is not None and item.due == date(2026, 6, 30)
    english = unit("The audit log export will be with you by Friday 13 March.", "ours")
    assert _commitment(english, False, None) is not None


def test_a_proposal_in_any_of_the_four_languages_is_a_formal_document() -> None:
    body = "Bonjour,\n\n- Licence annuelle 40 000 €\n- Connecteur SFTP au plus tard le 1er mai 2026\n"
    for subject in ("Proposition finale", "Unser Angebot", "Propuesta final", "Final proposal"):
        assert formal_ids([ThreadMessage(id="<p@x>", subject=subject, body=body)]) == {"<p@x>"}, subject


def test_a_foreign_date_keeps_the_year_it_names() -> None:
    from agent.extract.dates import find_dates

    anchor = date(2026, 5, 19)
    assert find_dates("avant le 28 février 2028", anchor)[0][1] == date(2028, 2, 28)
    assert find_dates("antes del 3 de marzo de 2027", anchor)[0][1] == date(2027, 3, 3)
    assert find_dates("bis 12. März 2027", anchor)[0][1] == date(2027, 3, 12)


def test_the_day_of_the_meeting_a_promise_was_given_is_not_its_due_date() -> None:
    from agent.extract.dates import resolve_due_precise

    anchor = date(2026, 6, 20)
    told = "La visita a la planta la prometí en la reunión del 2 de junio, para antes del 10 de julio."
    due = resolve_due_precise(told, anchor, None, None, day_first=True)
    assert due is not None and due.day == date(2026, 7, 10)
    assert resolve_due_precise("Promised on the call of June 2 to send the runbook.", anchor, None, None) is None


def test_a_line_naming_what_we_provide_is_ours_when_dated_or_free_but_not_when_asked_for() -> None:
    given = (
        "Onsite training for the 12 shift leads at each plant before 15 June 2026.",
        "Zwei Schulungstage für die Disponenten im Mai, kostenlos.",
        "Formation sur site pour les chefs d'agence avant le 30 septembre 2026.",
        "Capacitación presencial para los 20 supervisores antes del 31 de agosto de 2026.",
    )
    for text in given:
        item = _commitment(unit(text, "ours"), False, date(2026, 3, 1))
        assert item is not None and item.owner == "us", text
    for text in (
        "They want training for every shift lead before 15 June 2026.",
        "Le client demande une formation sur site avant le 30 septembre 2026.",
        "We got to the price by trimming the training days.",
    ):
        assert _commitment(unit(text, "ours"), False, date(2026, 3, 1)) is None, text


def test_our_word_in_the_verb_itself_is_our_promise_in_each_language() -> None:
    for said in (
        "We commit to having the churn model in production by 30 June.",
        "Wir verpflichten uns, die Schnittstelle bis 15.10.2026 abzunehmen.",
        "On s'engage à brancher le LIMS et à vous montrer les premières courbes le 7 avril.",
        "Nos comprometemos a entregarles el modelo de predicción el 30 de abril.",
    ):
        assert promise_owner(unit(said, "ours"), OURS, THEIRS, "acmedata") == "us", said
    assert not GAVE_WORD.search("We never committed to a custom connector.")
    assert not GAVE_WORD.search("Their board is committed to the merger in 2027.")


def test_what_the_customer_was_promised_said_without_a_you_is_ours() -> None:
    for said in (
        "We were promised a training session for the shift leads by end of April.",
        "Zugesagt war ein Schulungstermin für die Heimleitungen bis Ende April.",
        "Uns wurde die Anbindung an SAP bis Juni zugesagt.",
        "Il nous était promis un atelier pour les directeurs avant le 15 mai.",
        "Se nos prometió la plantilla antes del 1 de marzo.",
    ):
        assert YOU_PROMISED.search(said), said
    assert not YOU_PROMISED.search("We promised the board a 10 % cut in waste.")


def test_the_customers_own_dated_deed_is_their_promise_in_its_many_shapes() -> None:
    """Customers' to-dos as fresh deals write them: a phrasal verb around its object, "I can give you", a side's own
    label, the impersonal of a record, a filing with an authority; things that are no deed stay none."""
    for said in (
        "You read from a read replica with a service principal; I'll set both up by June 26.",
        "I can give you the Kafka topics and a read-only ClickHouse account by April 15, not much more before June.",
        "- On my side: Oracle replica account and API keys ready by June 1.",
        "De notre côté, je déposerai la déclaration auprès de la CNIL d'ici le 31 mai.",
        "Queda comprometido el usuario de HANA para el 4 de mayo.",
        "We'll submit the outsourcing notification to the regulator by 15 July.",
    ):
        assert promise_owner(unit(said, "customer"), OURS, THEIRS, "acmedata") == "customer", said
    for said in (
        "We file our taxes in March.",
        "I can give you some context: we grew 20% in 2025.",
        "Our profile has been on file since 2019.",
    ):
        assert promise_owner(unit(said, "customer"), OURS, THEIRS, "acmedata") is None, said
