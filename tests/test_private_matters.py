"""What no handoff may hold, in English, German, French and Spanish: bank details and credentials in the shapes people
write them, a colleague's health or employment trouble and a confidence, and a person the customer serves or employs
named beside one of their identifiers. Each kind with look-alikes whose facts must stay. Sentences written for this
test."""

from __future__ import annotations

import pytest

from agent.document import SECTION_KEYS, AccountInfo, Extraction, HandoffDocument, Item, Party, Quote
from agent.extract import lexicon
from agent.extract.answers import read_reply
from agent.extract.base import ExtractionContext
from agent.extract.privacy import NAME_MARK, NUMBER_MARK, find_third_parties, keep_out_unsayable
from agent.extract.units import before_private, is_junk
from mailflows.inbound.mail import Address, ThreadMessage


@pytest.mark.parametrize(
    "line",
    [
        # bank details
        "Please wire the deposit to our current account, Northbank, number 40-221-889130-2.",
        "Unsere Bankverbindung: Girokonto Sparkasse Nordheide 1048 2207 9913.",
        "Le remboursement sur notre compte courant Crédit du Val 30004 00821 00012345678.",
        "Depositen en la cuenta corriente del Banco Andino N° 12-004-77120-3, por favor.",
        "El débito automático va a la CBU 0170099220000067890123.",
        # credentials named by what they open, as a setting, or alone
        "Supervisor PIN for the staging kiosk: 8812-KQ.",
        "Para devoluciones usamos nuestra cuenta monetaria USD Banco Agromercantil 30-4017729-5.",
        "Der Code für die Tür zum Serverraum: 7301#.",
        "Le code du portail de l'entrepôt : 5519.",
        "El PIN del administrador del entorno de pruebas: 3390-ZT.",
        "Sandbox access: erp_api_key=4be81d07c9aa5f12 until go-live.",
        "Voici la clé API de recette tst-9Hw2PkLx81Qm pour vos essais.",
        "hr_sync_Pq83kLmZ27xW4vRt (valid until Friday, keep it to yourself)",
        "TixPoint REST API, our key so your engineer can look at the payloads: tp_live_8f3K29xQa7LmZ0vR4c.",
        # a newsletter's unsubscribe line
        "To unsubscribe from Fleet Weekly, reply STOP.",
        "Sie möchten den Branchenbrief nicht mehr erhalten? Newsletter abbestellen.",
        "Pour vous désabonner de cette lettre, écrivez-nous.",
        "Para darte de baja de Lucentum Informa, escribe a comunicacion@ulucentum.example.",
    ],
)
def test_bank_details_credentials_and_unsubscribe_lines_are_junk_in_each_language(line: str) -> None:
    assert lexicon.JUNK.search(line), line


@pytest.mark.parametrize(
    "line",
    [
        "Marc -- approved at 32% off list for the first term given the logo.",
        "Approved for Envíos Cóndor: 31% off list in exchange for a 2-year price lock.",
        "Johan doesn't know we'd have gone to 22% on the second year.",
        "You can go to the 30% multi-year discount if she commits to three years, but don't put it in writing to the "
        "customer.",
    ],
)
def test_how_far_our_price_could_go_is_junk(line: str) -> None:
    assert lexicon.JUNK.search(line), line


@pytest.mark.parametrize(
    "line",
    [
        # a colleague's health or employment, and a confidence
        "Between us, Marcus in billing is on a final written warning.",
        "Our controller has been signed off sick for a month with burnout.",
        "Frau Keller ist seit Mai krankgeschrieben, das bremst die Buchhaltung.",
        "Unter uns gesagt: Herr Roth sucht einen neuen Job.",
        "Herr Albers hat eine Abmahnung bekommen.",
        "Entre nous, Julien est en arrêt maladie depuis février.",
        "Mme Caron cherche un autre emploi, ne lui dites rien.",
        "Luisa sigue de baja por ansiedad desde enero.",
        "Entre nosotros, el jefe de almacén anda buscando trabajo en otra empresa.",
        "Tengo a mi marido empezando la quimio, así que estaré poco disponible.",
        "Depuis son divorce, Marc ne répond plus à rien.",
        # what the writer marks as not to be passed on
        "Private, do not share: Rodrigo told me the plant in Talca is for sale.",
        "Internal context on price, for our side only: the group paid less last year.",
        "Vertraulich, bitte nicht weitergeben: der Standort Hof wird geschlossen.",
        "Ne le répétez pas, mais la direction change en mars.",
        "Que quede entre nosotros: la matriz quiere vender la planta.",
        # one's own operation as the reason to be away, a colleague's recovery or pregnancy, a birth on the way
        "I'm off next month for back surgery, so if it could be before then, even better.",
        "He is still recovering from his bypass surgery, so he is only in two days a week.",
        "Je serai absent une partie de novembre, ma femme doit accoucher début novembre.",
        "Sylvie est enceinte, elle ne l'a pas encore annoncé.",
        "Mon adjoint est en arrêt pour burn-out depuis février.",
        "Perdón si tardo: entre nos, estoy en entrevistas con otra empresa, no lo comentes con nadie.",
        "Internal, please keep it that way: the regional director signed off on it.",
        "I'm on reduced hours through April while my dad's in the hospice, so if I'm slow, that's why.",
        "Mauricio está incapacitado dos semanas por una operación de vesícula.",
        "L'ancien responsable a été licencié pour faute grave en mars.",
        "Al gerente de la clínica lo despedimos en enero.",
        "Entre vous et moi, le conseil a réservé 160 000 $ au PTI pour ce projet.",
        "Le pido discreción: el precio especial es solo para Costa Rica; no lo comente con nuestros colegas de Panamá.",
        "22% off list -- Kim approved it as a one-off, keep it out of anything the customer or CS sees.",
        # two colleagues' relationship, and being asked not to raise it
        "Arnaud et Léa sont en couple. Everyone knows, nobody says it.",
        "Marco and Julia are dating, which is why she backed his vendor.",
        "Jens und Mia sind ein Paar, das weiss jeder.",
        "Rocío y Tomás son pareja desde hace años.",
        "Her husband runs the competing agency. Don't bring it up.",
        "No lo menciones en la reunión con el directorio.",
        # not for what we write down, and a job applied for elsewhere
        "Not for the file: over coffee Anna mentioned she has applied for a job at a co-op in Paarl.",
        "Nicht für die Akte: der Kämmerer geht nächstes Jahr in Rente.",
        "Pas pour le dossier : la DAF quitte l'entreprise en juin.",
        "I hear he applied for a position at the regional bank.",
    ],
)
def test_a_colleagues_private_matter_or_a_confidence_is_private_in_each_language(line: str) -> None:
    assert lexicon.PRIVATE.search(line) and lexicon.JUNK.search(line), line


@pytest.mark.parametrize(
    "line",
    [
        "We log about 40 password-reset tickets a month and want self-service.",
        "The gap between us and the market leader is reporting.",
        "Our warehouse team is looking for a new job scheduler that does not crash at night.",
        "Sick leave and absence data comes from the HR system every morning.",
        "Die Krankmeldungen kommen per Fax und werden von Hand erfasst.",
        "Les arrêts de travail des chauffeurs sont saisis à la main dans Excel.",
        "Las bajas médicas del personal se registran a mano en el ERP.",
        "Account numbers in the old CRM are 6 digits, in SAP 10 digits.",
        "We have 12 stores and 340 staff in three regions.",
        "We do not share patient data with third parties.",
        "Confidentiality of the lab results is our first requirement.",
        "Surgery scheduling is our bottleneck: 40 operations a week are rescheduled.",
        "Our patients recover from knee surgery in three days on average.",
        "I'm off next week for the trade fair, Jan covers the pilot.",
        "The cow is pregnant for 283 days on average, so calving is planned a year ahead.",
        "Our budget was approved at board level in March.",
        "Returns went to 22% last quarter and we can go to 15% with better sizing data.",
        "We keep all patient data internal to the hospital network.",
        "Karuna Hospice Trust runs home care and a 20-bed hospice in Bengaluru.",
        "Our palliative care team sees 300 patients a month.",
        "Los operadores incapacitados por accidente laboral se registran en SAP.",
        "Les licenciements économiques et les départs sont suivis dans le SIRH.",
        "We need a couple of weeks for the SAP extract.",
        "Die Fahrer sind ein paar Tage im Monat auf Schulung.",
        "Please mention it to Ana before the steering meeting.",
        "Nuestros clientes se dan de alta en la app en dos minutos.",
        "We applied for a grant from the province to fund the sensors.",
        "I applied for a role-based access model in the tender.",
        "The file is not for the faint-hearted: 40 tabs of macros.",
    ],
)
def test_look_alikes_of_secrets_and_private_matters_are_content(line: str) -> None:
    assert not lexicon.JUNK.search(line), line


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        (
            "The pilot cannot start in July, we are short-staffed: two planners on holiday and Greg is off sick "
            "since May.",
            "The pilot cannot start in July, we are short-staffed: two planners on holiday",
        ),
        (
            "Die Monatsabschlüsse kommen immer zwei Tage zu spät, weil Frau Ulrich krankgeschrieben ist.",
            "Die Monatsabschlüsse kommen immer zwei Tage zu spät",
        ),
        (
            "Nous ne pourrons pas former les agents avant septembre ; Paul est en arrêt maladie.",
            "Nous ne pourrons pas former les agents avant septembre",
        ),
        (
            "La migración tiene que esperar a octubre, pero además Rocío está de baja por depresión.",
            "La migración tiene que esperar a octubre",
        ),
    ],
)
def test_the_business_before_a_private_clause_stays_and_the_clause_goes(line: str, kept: str) -> None:
    assert before_private(line) == kept
    assert not is_junk(kept)


def test_a_private_matter_from_the_start_or_told_in_confidence_is_dropped_whole() -> None:
    for line in (
        "Colin is on stress leave and the reports wait until he is back next month.",
        "Between us, the deal desk is fine but Sara is on a performance plan, so plan around her.",
    ):
        assert is_junk(before_private(line)), line


@pytest.mark.parametrize(
    ("line", "hidden"),
    [
        (
            "Case in point: Mr Owen Hartley, passport 553018827, was refused at the counter.",
            {"Owen Hartley", "553018827"},
        ),
        ("Last month driver Callum Reid, staff ID DRV-3381, logged 14 hours.", {"Callum Reid", "DRV-3381"}),
        ("Beispiel: Frau Helga Brandt, Tel. 089 443 12 90, wartet seit März.", {"Helga Brandt", "089 443 12 90"}),
        ("Der Wagen mit Kennzeichen HB-KL 4471 steht seit Wochen falsch gebucht.", {"HB-KL 4471"}),
        ("Exemple : le livreur Karim Benali, badge 48113, a eu deux accidents.", {"Karim Benali", "48113"}),
        ("Mme Odile Marchand, carte de fidélité n° 2201 9934 1178, a perdu ses points.", {"Odile Marchand"}),
        ("Por ejemplo, el operario Julián Restrepo, cédula 1.045.332.118, no aparece.", {"Julián Restrepo"}),
        ("socio n° 77120-4, Marta Ibarra, figura dos veces con distinto domicilio.", {"Marta Ibarra", "77120-4"}),
    ],
)
def test_a_person_named_beside_an_identifier_is_found_in_each_language(line: str, hidden: set[str]) -> None:
    found = find_third_parties([line], ["Anna Berger"])
    assert hidden <= found.names | found.numbers, (found, line)
    assert NAME_MARK in found.redact(line) or NUMBER_MARK in found.redact(line)


def test_a_contact_beside_their_own_phone_number_stays() -> None:
    found = find_third_parties(["Anna Berger, Tel. +49 40 1234567"], ["Anna Berger"])
    assert found.names == set()


def test_a_models_item_or_quote_with_a_secret_or_a_private_matter_is_dropped() -> None:
    extraction = Extraction()
    gossip = "Between us, Dale in finance is on a performance plan."
    extraction.sections.risks = [
        Item(text="Finance capacity is thin this quarter.", quotes=[Quote(text=gossip, speaker="X", source_id="m")]),
        Item(text="Sandbox: odoo_api_key=8a7f3c90d1e24b6f"),
    ]
    changes = keep_out_unsayable(extraction)
    [item] = extraction.sections.risks
    assert item.text == "Finance capacity is thin this quarter." and item.quotes == []
    assert len(changes) == 1


def test_a_reply_paragraph_read_as_private_is_filed_nowhere() -> None:
    """The rep's reply with a confidence that names no one and a closing line the classifier leans private on: no
    section takes them (the reply reader once filed such a paragraph under "private" and crashed on it)."""
    ctx = ExtractionContext(
        account=AccountInfo(name="Feldkirch Feinguss", domain="feinguss.example"),
        rep=Party(name="Jonas Rep", email="jonas.rep@ourco.example"),
        company_domains={"ourco.example"},
    )
    doc = HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep)
    body = (
        "Between us, her husband is seriously ill and she may be out for weeks after the launch.\n\n"
        "Why they bought: the scrap figures and the machine data in one dashboard, which no one else offered.\n\n"
        "Sonst passt alles, von mir aus freigegeben.\n"
    )
    reply = ThreadMessage(id="r1", sender=Address("Jonas Rep", "jonas.rep@ourco.example"), body=body)
    answers = read_reply(reply, ctx, doc, [])
    filed = [item.text for key in SECTION_KEYS if key != "stakeholders" for item in answers.sections.items(key)]
    assert filed == ["the scrap figures and the machine data in one dashboard, which no one else offered."]
