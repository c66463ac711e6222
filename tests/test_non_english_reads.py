"""What non-English customers write (and the English rep around them) lands where it means: a small or busy team and
a conditional refusal are risks in any language, the rep's "that's on us" and "our team builds it" are our promises,
and a customer's bare "as promised" hands something over rather than reminding us of our word."""

from __future__ import annotations

from datetime import date

import pytest

from agent.extract.commitments import promise_owner
from agent.extract.offline import YOU_PROMISED, _commitment
from agent.extract.shapes import shape_sections
from agent.extract.units import Unit


def _unit(text: str, author: str) -> Unit:
    return Unit(text, text, "m1", "x", None, author, date(2026, 3, 2), None)


@pytest.mark.parametrize(
    "text",
    [
        "Unser Team ist klein und steckt bis Juni mitten in der Umstellung auf das neue Lagersystem.",
        "Ehrlich gesagt haben wir im Herbst kaum Kapazität für ein weiteres Projekt.",
        "Nous sommes une petite équipe, donc peu de disponibilité avant la rentrée.",
        "Mi equipo es pequeño y no tenemos capacidad hasta después del cierre fiscal.",
        "Si el tablero no se actualiza antes de las ocho, los supervisores no lo van a usar.",
        "Si les alertes arrivent en anglais, personne ne va les lire sur le quai.",
        "Wenn die Zahlen erst mittags kommen, nutzt das in der Frühschicht keiner.",
        "Le chef d'atelier reste sceptique face à un autre logiciel en pleine saison.",
        "If the numbers are not refreshed before the morning stand-up, the planners won't use it.",
    ],
)
def test_a_thin_team_or_a_conditional_refusal_is_a_risk_in_any_language(text: str) -> None:
    assert "risks" in shape_sections(text)


@pytest.mark.parametrize(
    "text",
    [
        "My team is three people, so a standard connector was the deciding factor for me.",
        "Wir haben das Tool in drei Wochen eingeführt und nutzen es täglich.",
        "Si vous êtes d'accord, nous commençons lundi.",
    ],
)
def test_a_team_size_or_a_plain_condition_alone_is_no_risk(text: str) -> None:
    assert "risks" not in shape_sections(text)


def test_the_reps_that_is_on_us_with_a_date_is_our_promise() -> None:
    ours, theirs = {"nora"}, {"ines"}
    note = _unit("Ines needs the test tenant by 12 March, that's on us.", "note")
    assert promise_owner(note, ours, theirs, "lumendata") == "us"
    action = _unit("Action on us: the data-processing agreement by 20 March.", "note")
    assert promise_owner(action, ours, theirs, "lumendata") == "us"
    assert promise_owner(_unit("Ines needs the test tenant by 12 March.", "note"), ours, theirs, "lumendata") is None


def test_our_mail_confirming_the_terms_or_what_our_team_builds_is_a_commitment() -> None:
    confirmed = _commitment(
        _unit(
            "Ines, confirming what we agreed: the onboarding sessions run in Spanish in the week of 6 April.", "ours"
        ),
        False,
        None,
    )
    assert confirmed is not None and confirmed.due is not None
    built = _commitment(
        _unit("Our team configures the ERP extract ourselves before 30 April, no work on your side.", "ours"),
        False,
        None,
    )
    assert built is not None


@pytest.mark.parametrize(
    ("text", "reminds"),
    [
        ("Wie versprochen ein paar Zahlen zu unseren Standorten.", False),
        ("As promised, some background on our fleet before the workshop.", False),
        ("Comme promis, quelques chiffres sur nos entrepôts.", False),
        ("Wie versprochen schicken Sie uns bis Freitag das Angebot.", True),
        ("As promised, you'll send the updated quote by Friday.", True),
        ("Vous nous avez promis la traduction pour le 30 juin.", True),
    ],
)
def test_a_bare_as_promised_hands_over_and_only_a_you_reminds_us(text: str, reminds: bool) -> None:
    assert bool(YOU_PROMISED.search(text)) is reminds


def test_a_kind_of_tool_is_never_a_rival_but_a_named_one_still_is() -> None:
    from agent.extract.rivals import rival_in

    assert rival_in("Er ist skeptisch gegenüber noch einem Tool, seine Leute haben schon genug offen.") is None
    found = rival_in("Im Vergleich mit Qlik war das Angebot teurer.")
    assert found is not None and found.name == "Qlik"


async def test_a_sentence_opening_with_she_keeps_the_person_named_just_before() -> None:
    from agent.extract.offline import _item

    unit = Unit(
        "Sie ist skeptisch, ihr Team hat schon vier Programme offen.",
        "Sie ist skeptisch, ihr Team hat schon vier Programme offen.",
        "m1",
        "Ines",
        "ines@kunde.example",
        "customer",
        None,
        None,
        context="Greta Blum leitet den Versand und testet den Piloten.",
    )
    assert _item(unit).text.startswith("Greta Blum leitet den Versand")
    plain = Unit(
        "Sie können uns jederzeit anrufen.", "x", "m1", "Ines", None, "customer", None, None, context="Greta ist da."
    )
    assert _item(plain).text == "Sie können uns jederzeit anrufen."


@pytest.mark.parametrize(
    "text",
    [
        "Bis Ende Q2 sollen alle Filialen live sein, zuerst aber vier Wochen Test in Villach.",
        "Toutes les agences seront en production d'ici fin octobre, après un pilote à Nantes.",
        "Las demás plantas entran en vivo a finales de agosto, después del piloto en Toluca.",
    ],
)
def test_what_goes_live_and_when_is_the_rollout_not_a_success_metric(text: str) -> None:
    from agent.extract.classify import place
    from agent.extract.sectioner import section_probabilities

    unit = Unit(text, text, "m1", "Ines", "ines@kunde.example", "customer", None, None)
    assert place(unit, section_probabilities([text])[0]) != "success_metrics"


def test_connecting_their_systems_is_an_implementation_cue_in_four_languages() -> None:
    from agent.extract.cues import section_scores

    for text in (
        "Beide Systeme müssen angebunden werden.",
        "Il faudra brancher la paie et le MES.",
        "Hay que conectar el ERP y la nómina.",
    ):
        assert section_scores(text)["implementation"] >= 1, text


def test_a_turn_to_a_new_point_does_not_take_the_sentence_before_along() -> None:
    from agent.extract.offline import _item

    def unit(text: str) -> Unit:
        return Unit(
            text,
            text,
            "m1",
            "Ines",
            "ines@kunde.example",
            "customer",
            None,
            None,
            context="Las cifras llegan siempre tarde a la dirección.",
        )

    said = "Eso sí: los socios no quieren ver datos por profesional en los tableros."
    assert _item(unit(said)).text == said
    assert _item(unit("Cela dit, le comité doit encore valider les écrans.")).text.startswith("Cela dit")
    assert _item(unit("Eso no lo sabíamos hasta el cierre del mes.")).text.startswith("Las cifras llegan")


def test_billing_is_no_company_profile_but_revenue_with_its_figure_is() -> None:
    from agent.extract.cues import section_scores

    assert section_scores("Alguien copia las cifras a mano y nunca cuadra con facturación.")["company_overview"] == 0
    assert section_scores("Tuvimos una facturación de 42 millones el año pasado.")["company_overview"] >= 1


def test_a_team_tied_up_elsewhere_is_a_risk() -> None:
    assert "risks" in shape_sections("Somos tres en sistemas y tenemos encima el cambio de servidores hasta junio.")


def test_a_doubt_about_she_or_er_is_not_the_speakers_own_feeling() -> None:
    from agent.document import Stakeholder
    from agent.extract.sentiment import _about

    speaker = Stakeholder(name="Ines Roth", email="ines@kunde.example")
    for text in ("Sie ist skeptisch, ihr Team hat schon genug Programme.", "Elle reste sceptique sur les écrans."):
        unit = Unit(text, text, "m1", "Ines Roth", "ines@kunde.example", "customer", None, None)
        at = text.lower().index("scepti" if "scepti" in text else "skepti")
        assert _about(unit, at, "skeptisch", [speaker]) is None
    own = "Ich bin skeptisch, ehrlich gesagt."
    unit = Unit(own, own, "m1", "Ines Roth", "ines@kunde.example", "customer", None, None)
    assert _about(unit, own.index("skeptisch"), "skeptisch", [speaker]) == speaker


def test_an_amount_or_a_street_abbreviation_does_not_end_a_sentence() -> None:
    from agent.extract.units import split_sentences

    assert split_sentences("Wir setzen rund 45 Mio. Franken um und haben 3 Mrd. Datensätze. Danach kommt mehr.") == [
        "Wir setzen rund 45 Mio. Franken um und haben 3 Mrd. Datensätze.",
        "Danach kommt mehr.",
    ]
    assert split_sentences("Das Lager liegt in der Hafenstr. 12 in Kiel.") == [
        "Das Lager liegt in der Hafenstr. 12 in Kiel."
    ]


def test_a_sentence_may_open_with_an_accented_capital_or_spanish_marks() -> None:
    from agent.extract.units import split_sentences

    assert split_sentences(
        "Ça fait 390'000 francs. À un an, 30 jours. Él lo sabe. ¿Cuándo? ¡Ya! Über Nacht. « Oui », dit-elle."
    ) == [
        "Ça fait 390'000 francs.",
        "À un an, 30 jours.",
        "Él lo sabe.",
        "¿Cuándo?",
        "¡Ya!",
        "Über Nacht.",
        "« Oui », dit-elle.",
    ]


@pytest.mark.parametrize(
    ("text", "section"),
    [
        ("Auf das Labor-System bekommt ihr nur einen Lesezugriff.", "implementation"),
        ("Wir starten im Juni mit dem Werk in Thun.", "implementation"),
        ("On démarre par l'entrepôt de Laval en mai.", "implementation"),
        ("Wenn eine Lieferung fehlt, merken wir das erst am nächsten Morgen.", "pain_points"),
        ("Nos enteramos de los retrasos hasta que el cliente llama.", "pain_points"),
        ("Hintergrund ist die neue Meldepflicht ab Januar.", "purchase_drivers"),
    ],
)
def test_cue_phrases_in_german_french_and_spanish(text: str, section: str) -> None:
    from agent.extract.cues import section_scores

    assert section_scores(text)[section] >= 1


def test_a_crm_rows_competitor_notes_say_which_alternative_they_are_about() -> None:
    from agent.extract.units import crm_units

    body = (
        "Opportunity ID: OPP-7; Primary Competitor: LabCore Analytics; Competitor Notes: LIS vendor add-on; quoted EUR "
        "95,000 plus 12 months lead time; Next Step: AVV to Birgit\n"
        "Opportunity ID: OPP-7; Wettbewerber: MedConsult Nord; Notes: Beratung, einmalige TAT-Studie für 28.000 EUR."
    )
    units = crm_units(body, "crm1", None)
    assert [(u.text, u.quote, u.heading) for u in units] == [
        (
            "LabCore Analytics: LIS vendor add-on; quoted EUR 95,000 plus 12 months lead time",
            "LIS vendor add-on; quoted EUR 95,000 plus 12 months lead time",
            "competitive_context",
        ),
        # the row's general notes are about the deal, not the alternative: read as they are
        ("Beratung, einmalige TAT-Studie für 28.000 EUR.", "Beratung, einmalige TAT-Studie für 28.000 EUR.", None),
    ]
