"""The targets our side wrote down with the customer (a mutual plan: "First 90 days: …", "6 meses | …") are success
metrics, in English, German, French and Spanish; a claim about what other customers got is not."""

from __future__ import annotations

import pytest

from agent.document import AccountInfo, HandoffDocument, Party
from agent.extract.assemble import assemble
from agent.extract.base import ExtractionContext
from agent.extract.offline import OfflineExtractor
from mailflows.inbound.mail import ThreadMessage
from tests.read_mail import thread_mail


@pytest.fixture
def ctx() -> ExtractionContext:
    return ExtractionContext(
        account=AccountInfo(name="Halden Bio", domain="haldenbio.example"),
        rep=Party(name="Sam Rep", email="sam.rep@ourco.example"),
        company_domains={"ourco.example"},
    )


def _mail(mid: str, sender: str, name: str, body: str) -> ThreadMessage:
    return thread_mail(mid, sender, name, body, date="2026-04-13T18:20:00+00:00", subject="Re: mutual plan")


PLANS = {
    "en": ("Ruth, Naomi - thanks for the time today. Here's how we wrote down success:\n\n"
           "First 90 days: all four plate readers flowing into the platform automatically; no plate data copied "
           "into Excel by hand.\n\nSix months: assay cycle time down from about 9 days to 4.\n\n"
           "Our customers typically see review time halve within 90 days.\n\nMarcus",
           ("plate readers flowing", "cycle time down"), "typically see"),
    "de": ("Hallo Frau Brandt,\n\nwie besprochen die Ziele:\n\n90 Tage | Filialberichte automatisch am ersten "
           "Arbeitstag statt am fünften.\n\n6 Monate | Reklamationen um 30 % gesenkt.\n\n"
           "Im Schnitt sparen andere Kunden 40 % der Zeit im ersten Jahr.\n\nMarcus",
           ("ersten Arbeitstag", "Reklamationen um 30"), "andere Kunden"),
    "fr": ("Bonjour,\n\nvoici les objectifs convenus :\n\n90 jours | tableau de bord quotidien sur les 3 200 "
           "mandats.\n\n6 mois | remarque de l'auditeur levée avant le 31 mars 2027.\n\n"
           "En moyenne, nos clients divisent par deux le temps de revue en 90 jours.\n\nMarcus",
           ("3 200 mandats", "remarque de l'auditeur"), "nos clients"),
    "es": ("Hola Valentina:\n\nTe paso cómo quedaron las metas:\n\n90 días | Liquidación por calidad automática: "
           "cierre en 1 día en lugar de 5.\n\n6 meses | Reclamos de productores a la mitad (de unos 70 a 35 por mes)."
           "\n\nEn promedio nuestros clientes reducen el cierre a la mitad en 90 días.\n\nMarcus",
           ("cierre en 1 día", "Reclamos de productores"), "nuestros clientes"),
}  # fmt: skip


@pytest.mark.parametrize("lang", sorted(PLANS))
async def test_the_targets_we_wrote_down_with_them_are_success_metrics(lang: str, ctx: ExtractionContext) -> None:
    body, wanted, claim = PLANS[lang]
    ours = _mail("<o1@ourco.example>", "marcus.oye@ourco.example", "Marcus Oye", body)
    doc = HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep)
    extraction = await OfflineExtractor().extract([ours], ctx, doc)
    assemble(extraction, doc, source_order=[ours.id])
    metrics = " | ".join(item.text for item in extraction.sections.success_metrics)
    for words in wanted:
        assert words in metrics, (words, metrics)
    everything = " | ".join(item.text for key in ("success_metrics", "pain_points", "purchase_drivers",
                                                   "implementation", "commitments") for item in extraction.sections.items(key))  # fmt: skip
    assert claim not in everything


@pytest.mark.parametrize(
    ("line", "target"),
    [
        ("First 90 days: all four readers flowing automatically.", True),
        ("At one year: company OEE at 68% and $1.5M a year in scrap savings.", True),
        ("Nach 6 Monaten: Reklamationen halbiert.", True),
        ("90 Tage | Filialberichte am ersten Arbeitstag.", True),
        ("Au bout d'un an : la marge par client chaque semaine.", True),
        ("À 90 jours : tableau de bord quotidien.", True),
        ("A 90 días: que el informe semanal salga solo.", True),
        ("6 meses | reclamos a la mitad.", True),
        ("In a year we moved offices twice.", False),
        ("We have 90 days: the board wants it before summer.", False),
        ("Call at 3 pm: works for me.", False),
    ],
)
def test_a_line_led_by_its_horizon_has_the_shape_of_a_target(line: str, target: bool) -> None:
    from agent.extract.shapes import shape_sections

    assert ("success_metrics" in shape_sections(line)) is target
