"""Facts of the setup (their person on it and for how long, sign-in, hosting, data access, the kickoff) are kept
however short and filed under implementation, in English, German, French and Spanish; pains, reasons to buy and
shares of data are not pulled in."""

from __future__ import annotations

import pytest

from agent.document import AccountInfo, HandoffDocument, Party
from agent.extract.assemble import assemble
from agent.extract.base import ExtractionContext
from agent.extract.classify import place
from agent.extract.offline import OfflineExtractor
from agent.extract.shapes import setup_fact, shape_sections
from agent.extract.units import Unit
from mailflows.inbound.mail import ThreadMessage
from tests.read_mail import thread_mail

SETUP = (
    # their person on it, with a share of time and when
    "I can give you Kumar from my team at about 60% from August to November.",
    "Amélie sera sur le projet trois jours par semaine.",
    "Karla, de TI, estará al 50 % de julio a noviembre.",
    "Jonas aus der IT ist zu 40 % von Mai bis September dabei.",
    # sign-in
    "SSO: Google Workspace.",
    "Login con Microsoft Entra ID.",
    "Anmeldung über Okta.",
    "Connexion via Azure AD, comme nos autres outils.",
    # hosting and where the data lives
    "Sydney region, data stays in Australia.",
    "Die Daten bleiben in Deutschland.",
    "Les données sont hébergées en France.",
    "Los datos se quedan en la región de Madrid.",
    # how we reach their data
    "You get a read-only replica of the ERP database.",
    "Nächtlicher Export als CSV auf unseren SFTP-Server.",
    "Export nocturne de la base vers votre espace.",
    "Un usuario de solo lectura por túnel cifrado.",
    # the kickoff with its day or place
    "Kickoff Monday 9 Feb.",
    "Kick-off 1 September in Pune.",
    "Auftakt am Montag, 3. November, bei uns vor Ort.",
    "Réunion de lancement le lundi 5 octobre.",
    "Reunión de inicio el martes 12 de mayo en Querétaro.",
)

NOT_SETUP = (
    "My controller spends three days a week rebuilding the report.",  # a pain: time a chore eats
    "Drei Tage pro Woche gehen für die Abstimmung drauf, jede Woche.",
    "About 15% of orders go to the EU.",  # a share of orders, not of a person
    "Bei ca. 11 % der Lastgänge haben wir Lücken.",
    "Margins fell at 12% from 2024 to 2025.",
    "Vuestra cifra de 168.000 € no entra en el presupuesto.",  # "entra" is a verb here, not Entra ID
    "Your CSM will be your day-to-day contact from kick-off.",  # a kickoff with no day or place
    "We need the dashboards before the board meeting.",
    # where the data must stay as a condition of buying, and a list of what decided it: reasons to buy
    "Und bevor ich irgendetwas freigebe: Daten bleiben in der EU, und ich brauche einen AVV.",
    "Hosting in Deutschland, DSGVO-konform, mit Auftragsverarbeitungsvertrag.",
    "Data must stay in Singapore under the PDPA.",
    "Les données doivent être hébergées au Canada (Loi 25).",
    "Los datos tienen que quedarse en México, es requisito de legal.",
    "Was für uns am Ende zählt: deutsche Oberfläche, Hosting in Frankfurt und keine neue Pipeline.",
)


@pytest.mark.parametrize("text", SETUP)
def test_a_fact_of_the_setup_has_the_shape_of_implementation(text: str) -> None:
    assert setup_fact(text), text
    assert "implementation" in shape_sections(text), text


@pytest.mark.parametrize("text", NOT_SETUP)
def test_a_pain_a_share_of_data_or_a_bare_kickoff_is_no_setup_fact(text: str) -> None:
    assert not setup_fact(text), text


def _unit(text: str, author: str = "customer") -> Unit:
    return Unit(text, text, "m1", "Ana", "ana@cliente.example", author, None, None, list_item=True)


@pytest.mark.parametrize(
    "text",
    ["SSO: Google Workspace.", "Kickoff Monday 9 Feb.", "Anmeldung über Okta.", "Login con Microsoft Entra ID.",
     "Hébergement : données en France."],
)  # fmt: skip
def test_a_short_setup_line_is_filed_though_the_classifier_reads_it_as_nothing(text: str) -> None:
    # the sectioner's read of such lines: mostly "none", a little implementation
    assert place(_unit(text), {"none": 0.71, "implementation": 0.13, "company_overview": 0.05}) == "implementation"
    # a short line with no such fact stays out
    assert place(_unit("Thanks, sounds good."), {"none": 0.71, "implementation": 0.13}) is None


def test_a_reason_to_buy_read_surely_as_one_stays_a_reason() -> None:
    text = "Hosting must stay in Germany, or we cannot sign."
    assert place(_unit(text), {"purchase_drivers": 0.6, "implementation": 0.1, "none": 0.05}) != "implementation"


@pytest.fixture
def ctx() -> ExtractionContext:
    return ExtractionContext(
        account=AccountInfo(name="Viñedos Sur", domain="vinedossur.example"),
        rep=Party(name="Sam Rep", email="sam.rep@ourco.example"),
        company_domains={"ourco.example"},
    )


def _mail(mid: str, sender: str, name: str, body: str) -> ThreadMessage:
    return thread_mail(mid, sender, name, body, date="2026-01-20T10:00:00-03:00", subject="Re: puesta en marcha")


async def test_short_setup_lines_of_a_thread_land_in_implementation(ctx: ExtractionContext) -> None:
    customer = _mail(
        "<c1@vinedossur.example>", "catalina@vinedossur.example", "Catalina Rojas",
        "Hola Sam,\n\nLo que pediste:\n\n1. Karla, de TI, estará al 50 % de julio a noviembre.\n"
        "2. SSO: Google Workspace.\n3. Los datos de embarques los bajamos del portal del agente de carga en CSV.\n\n"
        "Además, perdemos dos días cada mes armando el informe a mano.\n\nCatalina",
    )  # fmt: skip
    ours = _mail(
        "<o1@ourco.example>", "sam.rep@ourco.example", "Sam Rep",
        "Catalina,\n\nGracias. Resumen de lo técnico:\n\n- Login con Microsoft Entra ID, como el resto de sus "
        "aplicaciones.\n- Un usuario de solo lectura sobre la base SQL, por túnel cifrado.\n\nKickoff Monday 9 Feb.\n\nSam",
    )  # fmt: skip
    doc = HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep)
    extraction = await OfflineExtractor().extract([customer, ours], ctx, doc)
    assemble(extraction, doc, source_order=[customer.id, ours.id])
    implementation = " | ".join(item.text for item in extraction.sections.implementation)
    for words in ("al 50 %", "Google Workspace", "CSV", "Entra ID", "solo lectura", "Kickoff Monday 9 Feb"):
        assert words in implementation, (words, implementation)
    # the pain stays a pain
    assert "perdemos dos días" not in implementation
    assert any("perdemos dos días" in item.text for item in extraction.sections.pain_points)
