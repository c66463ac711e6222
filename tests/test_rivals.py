"""Competitors found by what the sentence does with them, in four languages: evaluated, quoted, built in-house,
the status quo, an incumbent being replaced; why each lost; and a vendor in the news is not competition."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agent.document import AccountInfo, HandoffDocument, Party
from agent.extract.assemble import ITEM_KEYS
from agent.extract.base import ExtractionContext
from agent.extract.classify import competitor_in, competitor_names, rival_of
from agent.extract.offline import OfflineExtractor
from agent.extract.rivals import Rival, loss_reason, news_only, rival_in
from mailflows.inbound.mail import Address, ThreadMessage


@pytest.mark.parametrize(
    ("sentence", "name", "kind"),
    [
        ("Before you, we spent a month evaluating Quillon Data with the ops leads.", "Quillon Data", "vendor"),
        ("We ran a pilot with Skellig Metrics in the Cork depot.", "Skellig Metrics", "vendor"),
        ("Marrowgate Advisory quoted 240k and nine months for a bespoke portal.", "Marrowgate Advisory", "vendor"),
        ("Vantori's proposal came in at half your price.", "Vantori", "vendor"),
        ("Zenbridge nous a demandé 90 000 € pour la même chose.", "Zenbridge", "vendor"),
        ("Our finance team is migrating away from Ledgerline this autumn.", "Ledgerline", "incumbent"),
        ("The warehouse app that Priya built in Access still does the picking lists.", "Access (in-house build)", "in_house"),
        ("Engineering wanted to build the dashboards themselves on Retool.", "Retool (in-house build)", "in_house"),
        ("Frankly the cheapest option was to keep using the shared workbook.", "status quo (shared workbook)",
         "status_quo"),
        ("Parallel dazu haben wir uns auch Korrin Insights angesehen.", "Korrin Insights", "vendor"),
        ("Wir lösen im Herbst unser altes System ab, Umstieg von Faktura Plus ist für Oktober geplant.", "Faktura Plus",
         "incumbent"),
        ("Die IT wollte das Reporting lieber selbst entwickeln.", "in-house build", "in_house"),
        ("Le devis de Belvane Conseil dépassait notre budget.", "Belvane Conseil", "vendor"),
        ("Nous avons également testé Orvalis pendant deux semaines.", "Orvalis", "vendor"),
        ("Le contrôleur préférait rester sur ses fichiers Excel.", "status quo (", "status_quo"),
        ("Antes de decidir, probamos Tamarisco durante un mes.", "Tamarisco", "vendor"),
        ("Queremos dejar de usar Contasol antes de julio.", "Contasol", "incumbent"),
        ("Sistemas propuso desarrollarlo internamente con su equipo.", "in-house build", "in_house"),
        ("Our shortlist came down to you and Orinoco BI.", "Orinoco BI", "vendor"),
        ("Nordlys Reporting was the other finalist.", "Nordlys Reporting", "vendor"),
        ("We had Castellan Data in for two demos.", "Castellan Data", "vendor"),
        ("My analyst hacked together a Python script that emails the numbers.", "Python script (in-house build)", "in_house"),
        ("Die Alternative wäre gewesen, weiter mit Excel zu arbeiten.", "status quo (Excel)", "status_quo"),
        ("On a aussi reçu une proposition de Lumio.", "Lumio", "vendor"),
        ("Pedimos presupuesto a Arbolado Consultores en enero.", "Arbolado Consultores", "vendor"),
        ("Estamos migrando desde Holded este trimestre.", "Holded", "incumbent"),
        ("Les cuento que también cotizamos con Quanta Analytics, la consultora de Bogotá.", "Quanta Analytics", "vendor"),
        ("We also had Blueline Digital, the Toronto agency, pitch us a custom platform.", "Blueline Digital", "vendor"),
        ("We got pricing from Datawise last spring.", "Datawise", "vendor"),
    ],
)  # fmt: skip
def test_an_alternative_is_named_by_what_the_sentence_does_with_it(sentence: str, name: str, kind: str) -> None:
    found = rival_in(sentence, {"priya"})
    assert found is not None, sentence
    assert found.name.startswith(name) and found.kind == kind, found


@pytest.mark.parametrize(
    "sentence",
    [
        "We need to stay on track for the store openings in May.",
        "We're replacing the weekly stock report with a live view.",
        "Priya wants the review on Tuesday instead of Thursday.",
        "Pricing was too high for the board last year, so we waited.",
        "Das Angebot war zu teuer, deshalb haben wir gewartet.",
        "Wir haben die Zahlen mit dem Controlling abgestimmt.",
        "La migration de l'entrepôt prendra trois semaines.",
        "El precio era demasiado alto para el comité.",
        "Our team tested the Workday connector last week and it worked.",
        "We're moving from Bristol to Cardiff in the autumn.",
        "Wir haben die Ergebnisse mit dem Team in Hannover angeschaut.",
        "Hemos evaluado el piloto de Zaragoza con buenos resultados.",
        "Our drivers pitch us ideas every week.",
        "Cotizamos con el banco la línea de crédito.",
    ],
)
def test_a_sentence_without_an_alternative_names_none(sentence: str) -> None:
    assert rival_in(sentence, {"priya"}) is None


@pytest.mark.parametrize(
    "sentence",
    [
        "Funny enough, I read that Corvana got acquired by a private equity fund.",
        "Hab gelesen, dass Korrin Insights übernommen wurde.",
        "J'ai lu que Orvalis a levé 20 millions.",
        "Leí que Tamarisco fue adquirida el mes pasado.",
        "Heard that Domo announced layoffs again.",
        "Mathilde a demandé si on avait vu que Brisquet a été racheté.",  # a person asking is no vendor's offer
        "Rodrigo nos pidió que leyéramos que Tamarisco fue adquirida.",
    ],
)
def test_a_vendor_in_the_news_is_not_competition_even_a_known_one(sentence: str) -> None:
    assert news_only(sentence)
    assert competitor_in(sentence, competitor_names((), frozenset()), set()) is None


def test_a_listed_vendor_is_weighed_when_the_sentence_compares_it_or_says_why_it_lost() -> None:
    names = competitor_names((), frozenset())
    weighed = rival_of("Qlik came in cheaper, but it had no alerting at all.", names, set())
    assert weighed is not None and weighed.name == "Qlik" and weighed.kind != "named"
    assert rival_of("Zu teuer war am Ende auch Tableau.", names, set()) == Rival("Tableau", "vendor")
    passing = rival_of("Our controller used Qlik at her previous company.", names, set())
    assert passing == Rival("Qlik", "named")  # a known name in passing: the classifier still decides


@pytest.mark.parametrize(
    "sentence",
    [
        "90 jours | tableau de bord quotidien sur les 3 200 mandats.",
        "Tableau de bord des ventes chaque lundi matin.",
        "Le tableau des écarts arrive le 5 du mois.",
        "On remplit un tableau Excel à la main.",
    ],
)
def test_the_french_word_tableau_is_no_vendor(sentence: str) -> None:
    assert rival_of(sentence, competitor_names((), frozenset()), set()) is None


def test_tableau_written_as_a_name_is_still_the_vendor_in_french() -> None:
    names = competitor_names((), frozenset())
    assert rival_of("On a testé Tableau en 2025, trop cher pour nous.", names, set()) == Rival("Tableau", "vendor")


def test_news_that_made_them_drop_a_vendor_is_competition() -> None:
    sentence = "After Corvana got acquired we dropped them from the shortlist and evaluated Brightmoor instead."
    assert rival_in(sentence) is not None and not news_only(sentence)


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("Their pilot stalled on the SAP export.", "pilot stalled"),
        ("They had no Dutch support at all.", "no Dutch support"),
        ("Die Lösung war deutlich zu langsam.", "zu langsam"),
        ("Leur outil ne gérait pas le multi-devises.", "ne gérait pas"),
        ("La versión de prueba se colgó dos veces.", "se colgó"),
    ],
)
def test_why_an_option_lost_is_read_in_each_language(sentence: str, reason: str) -> None:
    found = loss_reason(sentence)
    assert found is not None and reason in found


@pytest.fixture
def ctx() -> ExtractionContext:
    return ExtractionContext(
        account=AccountInfo(name="Halvard Marine", domain="halvard.example"),
        rep=Party(name="Noor Haddad", email="noor.haddad@ourco.example"),
        company_domains={"ourco.example"},
    )


def _mail(key: str, body: str) -> ThreadMessage:
    return ThreadMessage(
        id=key,
        sender=Address(name="Ines Gallo", email="ines.gallo@halvard.example"),
        date=datetime(2026, 5, 4, 9, 0, tzinfo=UTC),
        subject="Where we are",
        body=body,
    )


async def test_each_alternative_is_filed_with_its_name_and_why_it_lost_and_the_news_item_nowhere(
    ctx: ExtractionContext,
) -> None:
    sources = [
        _mail(
            "m1",
            "Hi Noor,\n\nA bit of history for the team. We spent March evaluating Quillon Data. "
            "Their sandbox kept timing out and they had no Italian support. "
            "Marrowgate Advisory pitched a bespoke portal for 240k. "
            "Our ops lead also offered to build the whole thing himself in Airtable. "
            "I saw that Corvana got acquired last week, which surprised everyone.\n\nBest,\nInes",
        ),
        _mail(
            "m2",
            "Hola Noor,\n\nTambién miramos Tamarisco en abril. Era demasiado cara para tres almacenes.\n\n"
            "Wir haben auch Korrin Insights angeschaut. Korrin war zu teuer.\n\n"
            "Nous avons aussi regardé Orvalis, mais leur démo a planté.\n\nInes",
        ),
    ]
    doc = HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep)
    extraction = await OfflineExtractor().extract(sources, ctx, doc)
    items = {item.competitor: item.text for item in extraction.sections.competitive_context}
    assert set(items) >= {"Quillon Data", "Marrowgate Advisory", "Airtable (in-house build)", "Tamarisco", "Korrin Insights",
                          "Orvalis"}  # fmt: skip
    assert "no Italian support" in items["Quillon Data"]
    assert "demasiado cara" in items["Tamarisco"] and "zu teuer" in items["Korrin Insights"]
    everything = " ".join(item.text for key in ITEM_KEYS for item in extraction.sections.items(key))
    assert "Corvana" not in everything and "Ines" not in items


async def test_a_fact_of_another_section_right_after_an_alternative_stays_in_its_section(
    ctx: ExtractionContext,
) -> None:
    body = (
        "Hi Noor,\n\nWe also trialled Skellig Metrics in May. It takes our planners three days to rebuild the "
        "berth schedule every week, and that is the real problem.\n\nBest,\nInes"
    )
    doc = HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep)
    extraction = await OfflineExtractor().extract([_mail("m1", body)], ctx, doc)
    (skellig,) = extraction.sections.competitive_context
    assert skellig.competitor == "Skellig Metrics" and "three days" not in skellig.text
    assert any("three days" in item.text for item in extraction.sections.pain_points)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Der Beirat fragt natürlich, warum nicht Quellwerk BI, wo wir doch deren ERP haben.", "Quellwerk BI"),
        ("Quellwerk BI hätte uns an deren Release-Zyklus gebunden.", "Quellwerk BI"),
        ("Kestrel Analytics would have cost us twice as much in year one.", "Kestrel Analytics"),
        ("Atelier Nordique, une firme-conseil de Québec, nous a soumis 180 000 $ pour le projet.", "Atelier Nordique"),
        ("Datamar, una consultora de Valencia, nos cotizó 90 mil euros.", "Datamar"),
        ("Maria would have liked a demo on Monday.", None),
        ("Tom would have taken the call himself.", None),
    ],
)
def test_an_alternative_asked_about_priced_or_imagined_in_four_languages(text: str, name: str | None) -> None:
    found = rival_in(text)
    assert (found.name if found else None) == name


def test_a_vendor_named_before_what_it_is_and_then_its_quote_is_a_rival() -> None:
    found = rival_in("Harwick Data, a two-person shop in Leeds, quoted us 90k for the same reports.")
    assert found is not None and (found.name, found.kind) == ("Harwick Data", "vendor")
    found = rival_in("Maison Lacoste, un petit cabinet de Rimouski, nous a soumis 85 000 $ pour le même travail.")
    assert found is not None and found.name == "Maison Lacoste"
    assert rival_in("Thanks, and the board, as usual, was happy.") is None


def test_a_tool_a_team_built_for_itself_in_german_is_in_house_with_its_name() -> None:
    found = rival_in("Die Leitstelle hat sich selbst zwei Kibana-Dashboards gebastelt.")
    assert found is not None and (found.name, found.kind) == ("Kibana (in-house build)", "in_house")


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        # offered to build it / an offer made to us
        ("A local integrator, Brightwave Systems, offered to build us something custom in six months.",
         "Brightwave Systems"),
        ("Ein Systemhaus aus Ulm, Kornfeld Data, hat uns angeboten, das individuell zu bauen.", "Kornfeld Data"),
        ("Un intégrateur de Lyon, Solvance, nous a proposé un développement sur mesure.", "Solvance"),
        ("Un integrador de Puebla, Grupo Arkos, nos ofreció hacerlo a la medida en un año.", "Grupo Arkos"),
        ("La consultora (Andina Datos) nos ofrecía un desarrollo propio por 90.000 dólares.", "Andina Datos"),
        ("Lo hospeda Velarde Consultores, y ellos mismos nos ofrecieron hacer los informes.", "Velarde Consultores"),
        # a price asked
        ("Merravia wanted 140k a year for the full suite.", "Merravia"),
        ("Vektorin verlangte 95.000 € im Jahr für die Vollversion.", "Vektorin"),
        ("Pour rappel, Calvera nous demandait 60 000 € par an pour moins que ça.", "Calvera"),
        ("Tessaro les cotizó 4.000 dólares al mes por el mismo tablero.", "Tessaro"),
        # demoed
        ("Norvik came in and demoed their forecasting module in March.", "Norvik"),
        ("Brenntal Analytics hat uns im Frühjahr ihr Planungsmodul vorgeführt.", "Brenntal Analytics"),
        ("Altimea nous a fait une démo la semaine dernière.", "Altimea"),
        ("Pampa Metrics nos hizo una demo en febrero.", "Pampa Metrics"),
        # cheaper than / cheaper
        ("Honestly you're pricier than Gridwell for what we need.", "Gridwell"),
        ("Kestrel ist billiger, kann aber kein Mehrmandanten-Reporting.", "Kestrel"),
        ("Opaline est moins chère mais ne gère pas le multi-sites.", "Opaline"),
        ("Son más caros que Cobalto para lo mismo.", "Cobalto"),
        # the alternative on the table, still up against us
        ("Halcyon (a two-person start-up) as the cheap alternative, for now.", "Halcyon"),
        ("Ravenna BI ist noch im Rennen.", "Ravenna BI"),
        ("Et Orcelle, vous les avez toujours en face ?", "Orcelle"),
        ("Tierra Analytics sigue en la carrera.", "Tierra Analytics"),
        # the group's standard tool
        ("From the holding's side, our group standard is Qlik Sense.", "Qlik Sense"),
        ("Der Konzernstandard ist MicroStrategy, das ist gesetzt.", "MicroStrategy"),
        ("Le standard du groupe est Spotfire, il faudra justifier l'exception.", "Spotfire"),
        ("El estándar corporativo es Yellowfin y cualquier excepción la aprueba México.", "Yellowfin"),
        # kept for a job of analysis alongside us
        ("We're still using Mixpanel for product analytics and I don't want two sources of truth.", "Mixpanel"),
        ("Wir nutzen weiterhin Datev für die Vertriebsberichte.", "Datev"),
        ("On garde Metabase pour les tableaux de bord produit.", "Metabase"),
        ("Seguimos usando Klipfolio para los informes de ventas.", "Klipfolio"),
        # a vendor's own module, offered or falling short
        ("Corvina hat uns übrigens ihr eigenes Planungs-Modul angeboten.", "Corvina Planungs-Modul"),
        ("Tramex les cotizó su propio módulo de analítica, pero caro.", "Tramex módulo de analítica"),
        ("Los camiones ya traen GPS (Rutafix desde 2023), pero su portal solo da mapas.", "Rutafix portal"),
        ("Dynamis has its own dashboard add-on but nobody uses it.", "Dynamis dashboard add-on"),
        # building it in-house on a platform they have
        ("Honestly, my team could build the churn model in Snowflake ourselves.", "Snowflake (in-house build)"),
        ("Marta is the sceptic - she'd rather build in Fabric.", "Fabric (in-house build)"),
    ],
)  # fmt: skip
def test_more_of_what_a_sentence_does_with_an_alternative_names_it_in_four_languages(sentence: str, name: str) -> None:
    found = rival_in(sentence, {"marta"})
    assert found is not None and found.name == name, found


@pytest.mark.parametrize(
    "sentence",
    [
        "Our ERP is Navision and it exports nightly to the warehouse.",
        "We still use SAP for invoicing and the data comes from there.",
        "On garde Sage pour la compta.",
        "Seguimos usando Contpaq para la facturación.",
        "Wir behalten Abacus für die Finanzbuchhaltung.",
        "Unser ERP-Anbieter hat uns sein eigenes Reporting-Modul angeboten.",
        "Leur éditeur de TMS nous a proposé son propre module de reporting.",
        "Samsara has its own app, the drivers use it daily.",
        "Our Swiss subsidiary has its own small analytics team under Lukas.",
        "The standard is ISO 27001 for all vendors.",
        "Marta demoed the new dashboard to the board.",
        "Laura nos ofreció una llamada el martes.",
    ],
)
def test_the_customers_own_systems_people_and_standards_are_no_alternative(sentence: str) -> None:
    assert rival_in(sentence, {"marta", "laura", "lukas"}) is None


async def test_a_rival_in_our_notes_stands_alone_and_stays_in_competition(ctx: ExtractionContext) -> None:
    note = ThreadMessage(
        id="n1",
        sender=Address(name="Noor Haddad", email="noor.haddad@ourco.example"),
        date=datetime(2026, 5, 4, 9, 0, tzinfo=UTC),
        subject="Notes",
        body="Olivier came back. We're at 148k a year, under his 150k line, so no committee. "
        "He compared us with Ostravia (the tool they looked at).",
    )
    doc = HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep)
    extraction = await OfflineExtractor().extract([note], ctx, doc)
    (rival,) = [i for i in extraction.sections.competitive_context if i.competitor == "Ostravia"]
    assert rival.text.startswith("He compared us with Ostravia") and "148k" not in rival.text


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("I still think Domiq Cloud would be the cleaner choice since it comes with our ERP contract.", "Domiq Cloud"),
        ("He came round, but he still thinks Kibble would have been 'good enough'.", "Kibble"),
        (
            "Für mich wäre Vantara die bessere Lösung gewesen, ehrlich gesagt.",
            None,
        ),  # the name after the verb: no frame
        ("Norvik already offered us their dashboards at a discount with the renewal.", "Norvik"),
        ("Honestly, I could also put Grafana on top of the historian myself.", "Grafana"),
        ("Ferrolux con Analitika nos sale más barata el primer año.", "Analitika"),
        ("Bei Quadrant käme uns das Ganze billiger, aber ohne Zollmodul.", None),
        ("We could set up SSO ourselves next week.", None),
        ("The new process would be the better choice for the planners.", None),
    ],
)
def test_an_alternative_someone_prefers_was_offered_or_would_build_on_is_named(sentence: str, name: str | None) -> None:
    found = rival_in(sentence)
    assert (found.name if found else None) == name


def test_an_alternative_told_in_two_overlapping_items_is_one_item_after_the_merges() -> None:
    # "Last year I tried Zoho Analytics. Tally connector was good … Before that, a pro-bono team …": the rival's item
    # took the sentence after it, the next item took it as the antecedent of "Before that", and a pain point held
    # "Before that …" alone; the pain point folds into the second, which then repeats the first
    from agent.document import Extraction, Item, Quote
    from agent.extract.assemble import assemble

    said = {
        "b": "Last year I tried Zoho Analytics.",
        "c": "Tally connector was good, cheap also, but it could not read SevaEMR properly.",
        "d": "Before that, a pro-bono team from an IT company made a dashboard for us.",
    }

    def item(*keys: str, **extra: object) -> Item:
        quotes = [Quote(text=said[k], speaker="farhan@karuna.example", source_id="m1") for k in keys]
        return Item(text=" ".join(said[k] for k in keys), quotes=quotes, source_ids=["m1"], **extra)

    extraction = Extraction()
    extraction.sections.pain_points = [item("d")]
    extraction.sections.competitive_context = [item("b", "c", competitor="Zoho Analytics"), item("c", "d")]
    assemble(extraction, source_order=["m1"])
    placed = [(key, i) for key in ITEM_KEYS for i in extraction.sections.items(key)]
    assert len(placed) == 1
    key, merged = placed[0]
    assert key == "competitive_context" and merged.competitor == "Zoho Analytics"
    assert {q.text for q in merged.quotes} == set(said.values())
