"""Where a sentence lands when the classifier is unsure, and which telling of a fact told twice survives."""

from __future__ import annotations

from datetime import date

import pytest

from agent.document import Extraction, Item, Quote, Sections
from agent.extract.assemble import assemble
from agent.extract.classify import place
from agent.extract.units import Unit


def _unit(text: str) -> Unit:
    return Unit(text, text, "m1", "Lea", "lea@molkerei.example", "customer", None, None)


def test_a_weak_best_guess_is_filed_and_one_below_the_floor_or_behind_none_is_not() -> None:
    unit = _unit("Die Förderung des Landes deckt im ersten Jahr die Hälfte der Lizenzkosten.")
    assert place(unit, {"purchase_drivers": 0.34, "risks": 0.24, "none": 0.12}) == "purchase_drivers"
    assert place(unit, {"purchase_drivers": 0.16, "none": 0.05}) == "purchase_drivers"
    assert place(unit, {"purchase_drivers": 0.1, "none": 0.05}) is None  # below MIN_CONFIDENCE
    assert place(unit, {"none": 0.5, "purchase_drivers": 0.3}) is None


def test_a_short_lead_in_is_not_filed_on_a_weak_guess_but_a_short_fact_with_a_number_is() -> None:
    weak = {"implementation": 0.2, "none": 0.1}
    assert place(_unit("One more from Ilse, after the signing."), weak) is None
    assert place(_unit("Go-live for all 14 depots is set."), weak) == "implementation"
    sure = {"implementation": 0.6, "none": 0.1}
    assert place(_unit("Ilse wants the pilot after the signing."), sure) == "implementation"


@pytest.mark.parametrize(
    "line",
    [
        "One more from Ilse, after the signing.",
        "Here's Tomasz's answer on the rollout.",
        "Anbei noch die Antwort von Frau Keller.",
        "Voici le retour de Claire sur le déploiement.",
        "Te reenvío la respuesta de Iker.",
    ],
)
def test_a_note_announcing_a_forward_is_not_filed_however_sure_the_guess(line: str) -> None:
    assert place(_unit(line), {"implementation": 0.6, "none": 0.1}) is None


def test_a_forwarded_fact_keeps_its_place_when_it_is_long_or_holds_a_number() -> None:
    sure = {"implementation": 0.6, "none": 0.1}
    assert place(_unit("Here's the plan from Ilse: 14 depots live by May."), sure) == "implementation"
    long = "Here is what Ilse wrote about the rollout: every depot goes live in the same week after the pilot."
    assert place(_unit(long), sure) == "implementation"


def test_a_promise_told_again_keeps_its_owner_and_date_though_another_section_heard_it_first() -> None:
    said = "We will deliver the cheese-plant data model by 30 September."
    quote = [Quote(text=said, speaker="lea@molkerei.example", source_id="m1")]
    extraction = Extraction(
        sections=Sections(
            implementation=[Item(text=said, quotes=quote, source_ids=["m1"])],
            commitments=[Item(text=said, quotes=quote, source_ids=["m2"], owner="us", due=date(2026, 9, 30))],
        )
    )
    assemble(extraction, source_order=["m1", "m2"])
    assert extraction.sections.implementation == []
    (promise,) = extraction.sections.commitments
    assert promise.due == date(2026, 9, 30) and promise.source_ids == ["m2", "m1"]


def test_a_condition_and_its_cost_and_a_team_of_one_are_risks_in_each_language() -> None:
    from agent.extract.classify import classify

    for text in (
        "If the milk price stays under 40 cents through autumn, every project gets reviewed in November.",
        "Steigt der Strompreis weiter, verlieren wir das Budget für die zweite Ausbaustufe.",
        "Si nous perdons l'appel d'offres de la ville, nous réviserons le contrat.",
        "Si el dólar sube por arriba de 19 pesos, tendré que revisar el presupuesto.",
        "Years two and three depend on the cooperative's vote in March.",
        "À la paie, il n'y a que moi et une stagiaire le mardi.",
        "Mein Team ist klein: ich und ein Werkstudent.",
        "En sistemas somos yo y un practicante.",
    ):
        assert "risks" in classify(_unit(text)), text
    assert "risks" not in classify(_unit("If you have questions, call me on Friday."))


def test_another_part_of_the_customer_that_may_come_on_later_is_expansion_in_each_language() -> None:
    from agent.extract.classify import classify

    for text in (
        "Their cheese division might come on board once the milk plants are live.",
        "Die Tochtergesellschaft in Salzburg hat nachgefragt, ob sie die Dashboards mitnutzen kann.",
        "La filiale de Gatineau pourrait suivre au printemps.",
        "La cooperativa vecina está interesada en usar la misma plataforma.",
    ):
        assert "expansion" in classify(_unit(text)), text
    assert "expansion" not in classify(_unit("Our division heads meet every Monday to review the numbers."))


def test_what_was_bought_and_who_works_on_it_is_implementation_in_each_language() -> None:
    from agent.extract.classify import classify

    for text in (
        "Year one is $84,000 with 15 creator licenses and 60 hours of services.",
        "Erstes Jahr 71.000 Euro inklusive 40 Stunden Beratung.",
        "Première année : 65 000 $, 12 licences et 50 heures d'accompagnement.",
        "Asignamos 0,5 FTE de sistemas al proyecto.",
    ):
        assert "implementation" in classify(_unit(text)), text


def test_a_label_naming_a_system_area_files_its_sentence_under_implementation() -> None:
    from agent.extract.units import body_units

    for line in ("Nómina: Aspel NOI, en un servidor local.", "Buchhaltung: DATEV, gehostet beim Steuerberater."):
        (unit,) = body_units(line, "m1", "Ana", None, "customer", None)
        assert unit.heading == "implementation" and unit.labelled, line


def test_expansion_needs_a_later_or_a_maybe() -> None:
    probs = {"expansion": 0.5, "risks": 0.2, "none": 0.1}
    assert place(_unit("Honestly, the piece I refuse to own is one more hand-built pipeline."), probs) != "expansion"
    assert place(_unit("Their Graz plant might want the same dashboards next spring."), probs) == "expansion"
    assert place(_unit("La planta de Mexicali podría sumarse el próximo año."), probs) == "expansion"


def test_a_reason_to_buy_said_without_why_has_the_shape_of_a_driver_in_each_language() -> None:
    from agent.extract.shapes import shape_sections

    for text in (
        "We have to be running on the new reports before the spring planting rush starts.",
        "The quote of 41,000 a year sits well under the ceiling our owners approved.",
        "Hosting in Canada was a hard requirement for legal and your team showed it working in the trial.",
        "The route map sold the whole dispatch team in about five minutes.",
        "Our auditors flagged the manual stock counts and they expect a fix by the next visit.",
        "Their new controller used Lumen at her previous company and asked for it on day one.",
        "The clerk who wrote our billing macros retires in June and nobody else can change them.",
        "Die Zeit drängt: bis zur Ernte müssen die Auswertungen stehen.",
        "Unser Aufsichtsrat hat ausdrücklich verlangt, dass wir das Lager digitalisieren.",
        "Le devis reste sous notre budget de 30 000 euros.",
        "La directora ya usó la herramienta en su empresa anterior.",
    ):
        assert "purchase_drivers" in shape_sections(text), text
    for text in (
        "Our warehouse team is stretched and may not have time for the training.",
        "The old reports take two days every month to build by hand.",
        "We are under pressure from finance to trim the budget again.",
        "Der Einkauf ist vom Dashboard noch nicht überzeugt.",
        "If the board does not see savings by June, as they asked, we lose the budget for year two.",
    ):
        assert "purchase_drivers" not in shape_sections(text), text


def test_a_worry_an_open_question_and_a_full_team_are_risks_in_each_language() -> None:
    from agent.extract.classify import classify

    for text in (
        "What worries me is the scanner firmware: half the guns are six years old.",
        "We don't know yet whether the weighbridge export carries the lot numbers.",
        "Our two admins are fully booked with the ERP move until Easter.",
        "Sorgen macht mir die Schnittstelle zur Waage.",
        "Wir wissen noch nicht, ob die Waage die Chargennummer mitliefert.",
        "L'équipe informatique est débordée jusqu'en mars.",
        "No sabemos si el sistema viejo exporta los lotes.",
    ):
        assert "risks" in classify(_unit(text)), text
    assert "risks" not in classify(_unit("We know the weighbridge export carries the lot numbers."))


def test_a_driver_shape_outweighs_a_classifier_that_reads_it_as_the_worry_it_mentions() -> None:
    unit = _unit("The planner who maintains our Access scheduling file is retiring in March and nobody else knows it.")
    probs = {"risks": 0.55, "pain_points": 0.1, "purchase_drivers": 0.08, "none": 0.07}
    assert place(unit, probs) == "purchase_drivers"
    worry = _unit("The planner who maintains our Access scheduling file is overloaded until March.")
    assert place(worry, probs) == "risks"


def test_a_hard_condition_the_customer_set_has_the_shape_of_a_driver_in_each_language() -> None:
    from agent.extract.shapes import shape_sections

    for text in (
        # the amount someone may sign alone, or a ceiling not to pass
        "At 61,000 a year our COO can approve it without the investment board.",
        "Year one must not exceed 45,000 including services.",
        "Mit 88.000 Euro im Jahr unterschreibt der Geschäftsführer ohne Ausschreibung.",
        "Le montant annuel ne doit pas dépasser 70 000 euros.",
        "Con 90.000 dólares el director firma sin pasar por el consejo.",
        "We can order straight away as long as the first year stays under $95,000.",
        # where the data must live
        "Their privacy counsel says patient data must stay in Ireland.",
        "Die Kundendaten müssen in Österreich bleiben, das steht in unseren Verträgen.",
        "Nos données de paie ne doivent pas quitter la Belgique.",
        "Los datos de los socios no pueden salir de Chile.",
        # the language and the device its users need
        "Our depot crews need Portuguese screens, most of them read no English.",
        "Los supervisores necesitan verlo en el celular durante la ronda.",
        "Die Monteure müssen das auf dem Tablet im Lager nutzen.",
        # billing in their currency, a referral, a top priority, an accepted offer
        "Finance will only accept being invoiced in rand.",
        "Un collègue de la mutuelle voisine m'a dit que vous aviez réglé le même problème.",
        "Our new rector made retention the top priority for this year.",
        "Ihr Angebot über 52.000 Euro passt für uns.",
        "The live stock-ageing view won the buyers over in the first session.",
    ):
        assert "purchase_drivers" in shape_sections(text), text
    for text in (
        "The export runs nightly into the warehouse we host in Dublin.",
        "Spending on overtime went over 20,000 last quarter.",
        "We spent three weeks in Spain on the depot survey.",
        "The technicians carry old phones that drop signal in the basement.",
        "Wir haben das Budget für Schulungen gekürzt.",
    ):
        assert "purchase_drivers" not in shape_sections(text), text


def test_a_ceiling_or_a_residency_condition_outweighs_a_classifier_that_reads_it_as_the_company() -> None:
    probs = {"company_overview": 0.3, "implementation": 0.2, "purchase_drivers": 0.05, "none": 0.1}
    assert place(_unit("À 96 000 € par an, notre directrice signe sans passer devant le comité."), probs) == (
        "purchase_drivers"
    )
    assert place(_unit("We are a family-owned chain of 40 garden centres in the Midlands."), probs) != (
        "purchase_drivers"
    )


def test_a_warning_a_window_a_doubter_and_a_condition_on_money_are_risks_in_each_language() -> None:
    from agent.extract.shapes import shape_sections

    for text in (
        # a condition that ends the deal or holds money back
        "If the yard counts still drift by autumn, I'll be recommending we don't renew.",
        "The weighbridge import has to run cleanly before we pay the final instalment.",
        "Wenn die Auslastung bis März nicht steigt, verlängern wir nicht.",
        "Si le taux de casse ne baisse pas d'ici l'été, nous ne renouvellerons pas.",
        "Si en un año no baja la merma, ejercemos la cláusula de salida.",
        "Ohne die Zertifizierung kein Vertrag.",
        "Sin el informe final devolvemos la ayuda del ministerio.",
        # a warning said as one
        "Fair warning on our item master: half the codes were typed by interns.",
        "Un point d'attention : le fichier fournisseurs n'a jamais été nettoyé.",
        "Ojo con el ERP: lo mantiene un proveedor externo.",
        "Vorsicht beim Lagerbestand, der stimmt seit der Inventur nicht.",
        # data weaker than the plan needs
        "Roughly 9 % of the pallet records are duplicates from the old scanner app.",
        "Bei etwa 20 % der Messpunkte haben wir Lücken.",
        "Nos codes produit ne sont pas harmonisés entre les deux usines.",
        "Tenemos tres definiciones distintas de pedido entregado.",
        # a window in which nothing moves, or the team is away
        "Peak season lock from 1 December: nothing goes live until the stores reopen.",
        "Nothing moves in the plants during the summer shutdown.",
        "Im Dezember geht nichts live, alles Weitere wartet bis Januar.",
        "Si ce n'est pas prêt avant le salon, on attend septembre.",
        "Nuestro equipo no va a estar disponible entre marzo y abril.",
        # a person who doubts it, or the one person it hangs on
        "Our controller is the sceptic and keeps asking why we need it.",
        "Der Einkaufsleiter ist noch skeptisch.",
        "La directrice financière n'est pas encore vraiment convaincue.",
        "El gerente no está del todo convencido.",
        "Mara is the single point of failure for the whole feed.",
        "Elle est la seule à connaître les règles de tarification.",
        # an approval outside the project, or a promise weaker than it sounds
        "The shift-level view needs the works council's approval first.",
        "Sobald der Betriebsrat zustimmt, schalten wir die Fahrerauswertung frei.",
        'Sales calls it "real time", but the feed is really next-day.',
        "Wenn die Kunden Echtzeit erwarten, gibt es Enttäuschung.",
    ):
        assert "risks" in shape_sections(text), text
    for text in (
        "The freeze runs from 20 December to 3 January, so we go live on 15 December.",
        "7 % of our claims are rejected, mostly for missing paperwork.",
        "If you renew early, we'll add the mobile licences at no cost.",
        "We pay the first instalment on signature and the second at go-live.",
        "Notre équipe sera disponible tout le mois de mars pour la formation.",
        "El director de planta está convencido desde la demo.",
    ):
        assert "risks" not in shape_sections(text), text


def test_a_conditional_exit_outweighs_the_target_it_names() -> None:
    unit = _unit(
        "If shrinkage at the Tarragona stores hasn't dropped after twelve months, we'll exercise the exit clause."
    )
    assert place(unit, {"success_metrics": 0.62, "risks": 0.12, "none": 0.05}) == "risks"


def test_a_warning_lead_in_or_a_risk_word_is_a_risks_heading() -> None:
    from agent.extract.cues import heading_section

    for lead in ("Warning about the CRM", "Mein Risiko-Gefühl", "Point d'attention", "Riesgo principal"):
        assert heading_section(lead) == "risks", lead


def test_a_risk_under_a_plan_heading_is_still_a_risk_but_the_plan_stays_under_it() -> None:
    probs = {"implementation": 0.5, "risks": 0.25, "none": 0.05}
    frozen = Unit(
        "Store systems freeze from 10 December; whatever is not live by then waits until February.",
        "", "m1", "Lea", None, "note", None, heading="implementation",
    )  # fmt: skip
    assert place(frozen, probs) == "risks"
    plan = Unit(
        "Pilot in the Ghent depot from 3 March, the other depots live by the end of April.",
        "", "m1", "Lea", None, "note", None, heading="implementation",
    )  # fmt: skip
    assert place(plan, probs) == "implementation"


def test_a_team_away_in_named_months_is_a_risk_whichever_comes_first() -> None:
    from agent.extract.shapes import shape_sections

    for text in (
        "July and August: nobody in the branches will be available for training.",
        "Im August ist aus der Buchhaltung niemand erreichbar.",
        "En décembre, personne au siège ne sera disponible.",
        "En enero no vamos a estar disponibles por el inventario.",
    ):
        assert "risks" in shape_sections(text), text
    assert "risks" not in shape_sections("We may not need the extra seats until the pilot ends.")


def test_a_tool_bought_before_that_nobody_used_is_a_risk_in_each_language() -> None:
    from agent.extract.shapes import shape_sections

    for text in (
        "We bought a forecasting add-on in 2020 and nobody ever used it.",
        "Das alte BI-Modul haben wir 2019 gekauft, aber niemand hat es genutzt.",
        "L'outil de pilotage a été acheté en 2018 et personne ne l'a jamais utilisé.",
        "Compramos un módulo de reportes hace tres años y nadie lo usó.",
        "The last dashboard project never really took off.",
    ):
        assert "risks" in shape_sections(text), text
    for text in (
        "We have never used a BI tool before.",
        "We bought 40 licences and the planners used them from day one.",
        "Nunca se usó otra herramienta que Excel.",
    ):
        assert "risks" not in shape_sections(text), text


def test_one_persons_day_off_is_no_risk_but_a_team_away_is() -> None:
    from agent.extract.shapes import shape_sections

    assert "risks" not in shape_sections("Am 12. Juni bin ich auf einer Taufe und nicht erreichbar.")
    assert "risks" not in shape_sections("I'm not available on 3 March, can we do the 4th?")
    assert "risks" not in shape_sections("Il ne sera pas disponible le 2 avril.")
    assert "risks" in shape_sections("Our whole finance team is unavailable in January for the year-end close.")


def test_a_sentence_quoted_only_as_another_items_context_stays_its_own_fact_and_is_quoted_once() -> None:
    from agent.document import AccountInfo, Extraction, HandoffDocument, Item, Quote
    from agent.extract.assemble import assemble

    context = "To be clear about the risk on our side: about 40 of our districts list every subprocessor they use."
    own = "Those districts can't join the pilot until they have approved the subprocessor."
    src = "<m1@orbis.example>"
    extraction = Extraction()
    extraction.sections.risks = [Item(text=context, quotes=[Quote(text=context, speaker="Sam", source_id=src)])]
    extraction.sections.implementation = [
        Item(text=own, quotes=[Quote(text=context, speaker="Sam", source_id=src), Quote(text=own, speaker="Sam", source_id=src)])
    ]  # fmt: skip
    assemble(extraction, HandoffDocument(account=AccountInfo(name="Orbis")), source_order=[src])
    assert [item.text for item in extraction.sections.risks] == [context]
    assert [item.text for item in extraction.sections.implementation] == [own]
    assert [q.text for q in extraction.sections.implementation[0].quotes] == [own]
