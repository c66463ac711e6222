"""What no handoff may carry, learned: the sentence model's "private" label (sectioner.py) keeps out the kinds no
list of words covers — a relative in hospital, a colleague's parental leave, a client's ID given as an example — in
the offline reader and in the assembly every extractor's output goes through. Sentences written for this test (not in
the model's data files), each with a business look-alike that must stay."""

from __future__ import annotations

import json

import pytest

from agent.document import AccountInfo, Extraction, HandoffDocument, Item, Party, Quote
from agent.extract.assemble import assemble
from agent.extract.base import ExtractionContext
from agent.extract.offline import OfflineExtractor
from agent.extract.sectioner import PRIVATE_SURE, section_probabilities
from tests.read_mail import thread_mail

PRIVATE = [
    "Sorry for the radio silence, my mum had a fall on Sunday and I've been at the hospital most of the week.",
    "Quick heads-up that Priya starts maternity leave in March, though she hasn't told her team yet.",
    "Mein Mann hatte letzte Woche eine Herz-OP, deshalb antworte ich erst jetzt.",
    "Unter uns: Herr Kolb bekommt nächste Woche seine Abmahnung, bitte nichts erwähnen.",
    "Perdón la demora, a mi hijo lo operaron de las amígdalas y estuve toda la semana en la clínica.",
    "Te cuento en confianza que a Julián lo van a despedir en cuanto cierre el trimestre.",
    "Désolée pour le retard, ma fille a été hospitalisée pour une appendicite mardi soir.",
    "Entre nous, Sylvie cherche un autre poste et devrait partir avant l'été.",
]
BUSINESS = [
    "Our nurses lose about six hours a week re-keying patient charts between the two systems.",
    "Priya will lead the rollout in March with two analysts from finance.",
    "Die Auswertung muss die Patientendaten pseudonymisiert zeigen, sonst stimmt der Datenschutz nicht zu.",
    "Herr Kolb verantwortet die Integration mit SAP und braucht dafür zwei Tage pro Woche.",
    "Hoy perdemos dos días al mes armando el informe de ocupación de la clínica a mano.",
    "Julián dejará la gerencia en junio y todavía no hay reemplazo nombrado, lo que frena las decisiones.",
    "Nos délais d'admission aux urgences ont augmenté de 20 % depuis janvier.",
    "Sylvie pilotera le déploiement sur les trois sites avant l'été.",
]


def test_the_model_reads_what_no_handoff_may_carry_as_private_and_business_on_the_same_topics_as_business() -> None:
    private = [p["private"] for p in section_probabilities(PRIVATE)]
    business = [p["private"] for p in section_probabilities(BUSINESS)]
    # the model alone catches three in four of these fresh sentences (the rules of privacy.py catch more of the rest)
    assert sum(p >= PRIVATE_SURE for p in private) >= 6, list(zip(PRIVATE, private, strict=True))
    assert all(p < PRIVATE_SURE for p in business), list(zip(BUSINESS, business, strict=True))


@pytest.fixture
def ctx() -> ExtractionContext:
    return ExtractionContext(
        account=AccountInfo(name="Kestrel Clinics", domain="kestrelclinics.example"),
        rep=Party(name="Sam Rep", email="sam.rep@ourco.example"),
        company_domains={"ourco.example"},
    )


async def test_a_private_sentence_reaches_no_item_quote_or_evidence_of_the_document(ctx: ExtractionContext) -> None:
    body = (
        "Hi Sam,\n\n" + PRIVATE[0] + "\n\nOur nurses lose about six hours a week re-keying patient charts between "
        "the two systems, and we need that gone by the end of Q3 or the board will ask why we bought this.\n\n"
        + PRIVATE[2]
        + "\n\n"
        "Thanks,\nDana Whitfield\nHead of Nursing Operations"
    )
    mail = thread_mail("<d1@kestrelclinics.example>", "dana.whitfield@kestrelclinics.example", "Dana Whitfield", body,
                       date="2026-03-02T09:00:00+00:00", subject="Re: next steps")  # fmt: skip
    doc = HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep)
    extraction = await OfflineExtractor().extract([mail], ctx, doc)
    assemble(extraction, doc, source_order=[mail.id])
    text = json.dumps(extraction.model_dump(mode="json"), ensure_ascii=False)
    assert "re-keying patient charts" in text  # the business sentence stays
    for words in ("hospital", "Herz-OP"):
        assert words not in text, words


def test_the_assembly_drops_a_private_item_whichever_extractor_returned_it() -> None:
    extraction = Extraction()
    extraction.sections.risks = [
        Item(text=PRIVATE[4], quotes=[Quote(text=PRIVATE[4], speaker="Ana Ruiz", source_id="<m1@x.example>")]),
        Item(text=BUSINESS[5], quotes=[Quote(text=BUSINESS[5], speaker="Ana Ruiz", source_id="<m1@x.example>")]),
    ]
    changes = assemble(extraction, HandoffDocument(account=AccountInfo(name="X")), source_order=["<m1@x.example>"])
    assert [item.text for item in extraction.sections.risks] == [BUSINESS[5]]
    assert any("no handoff may carry" in line for line in changes)
