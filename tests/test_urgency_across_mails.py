"""The account's urgency across mails: a calm word holds for the account, and the rep's own stated level of
urgency is taken as said. Fixture sentences written for these tests."""

from __future__ import annotations

from datetime import date

import pytest

from agent.document import AccountInfo, Extraction, HandoffDocument, Party, Urgency
from agent.extract.base import ExtractionContext
from agent.extract.units import Unit
from agent.extract.urgency import read_urgency
from agent.merge import merge_extraction
from mailflows.inbound.mail import Address

REP = Party(name="Sam Rep", email="sam.rep@ourco.example")
SAM = Address("Sam Rep", "sam.rep@ourco.example")
ALMA = Address("Alma Fenn", "alma.fenn@harrowgate.example")
ANCHOR = date(2026, 3, 2)


def _unit(text: str, author: str = "customer") -> Unit:
    return Unit(text=text, quote=text, source_id="m1", speaker="Alma Fenn", speaker_email=ALMA.email,
                author=author, anchor=ANCHOR, heading=None, context="")  # fmt: skip


@pytest.fixture
def ctx() -> ExtractionContext:
    return ExtractionContext(
        account=AccountInfo(name="Harrowgate Tiles", domain="harrowgate.example"), rep=REP,
        company_domains={"ourco.example"},
    )  # fmt: skip


@pytest.mark.parametrize(
    "calm",
    [
        "No rush from our side, we would rather get it right.",
        "Keine Eile, lieber gründlich als schnell.",
        "Rien ne presse, nous préférons bien faire.",
        "No hay apuro, queremos hacerlo bien.",
    ],
)
def test_no_rush_in_one_mail_holds_against_a_plan_dated_in_another(calm: str) -> None:
    doc = HandoffDocument(account=AccountInfo(name="Harrowgate Tiles"))
    plan = read_urgency([_unit("We want the first warehouse on the dashboards by 15 May 2026.")])
    assert plan is not None and plan.level == "medium"
    doc = merge_extraction(doc, Extraction(urgency=plan))
    doc = merge_extraction(doc, Extraction(urgency=read_urgency([_unit(calm)])))
    assert doc.urgency.level == "low"
    assert len(doc.urgency.reasons) == 2  # both reasons stay for the CSM to see


def test_a_renewal_at_stake_still_presses_across_mails_when_they_say_there_is_no_rush() -> None:
    doc = HandoffDocument(account=AccountInfo(name="Harrowgate Tiles"))
    doc = merge_extraction(doc, Extraction(urgency=Urgency(level="high", reasons=["a renewal at stake: no renewal"])))
    doc = merge_extraction(doc, Extraction(urgency=read_urgency([_unit("No rush on the rollout.")])))
    assert doc.urgency.level == "high"


@pytest.mark.parametrize(
    ("note", "level"),
    [
        ("Medium urgency: they want it before the spring trade fair.", "medium"),
        ("Low urgency, but the pain is real.", "low"),
        ("Dringlichkeit: hoch, der Wirtschaftsprüfer kommt im April.", "high"),
        ("Urgence moyenne : ils aimeraient démarrer avant l'été.", "medium"),
        ("Urgencia baja; nadie tiene una fecha.", "low"),
    ],
)
def test_the_reps_stated_level_of_urgency_is_taken_as_said(note: str, level: str) -> None:
    doc = HandoffDocument(account=AccountInfo(name="Harrowgate Tiles"))
    dated = read_urgency([_unit("Our licence with the old vendor ends on 31 March 2026.")])
    assert dated is not None and dated.level == "high"
    doc = merge_extraction(doc, Extraction(urgency=dated))
    doc = merge_extraction(doc, Extraction(urgency=read_urgency([_unit(note, author="note")])))
    assert doc.urgency.level == level


def test_an_emergency_phone_line_is_no_stated_level() -> None:
    urgency = read_urgency([_unit("En cas d'urgence : appelez le standard.", author="note")])
    assert urgency is None or urgency.level != "high"
