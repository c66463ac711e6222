"""What people do in their own words places those no title or rep's word places, with the sentence shown; a date
a customer holds themselves to makes the account at least medium, with the sentence as its reason."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pytest

from agent.document import AccountInfo, HandoffDocument, Party, Stakeholder
from agent.extract import role_model
from agent.extract.base import ExtractionContext
from agent.extract.offline import OfflineExtractor
from agent.extract.people import Person, stakeholders_from
from agent.extract.role_model import role_read
from agent.extract.units import Unit
from agent.extract.urgency import read_urgency
from agent.merge import merge_extraction
from mailflows.inbound.mail import Address, ThreadMessage

OURS = "tidewater-analytics.example"
THEM = "brookfell-mills.example"
ANCHOR = date(2026, 5, 4)


@pytest.mark.parametrize(
    ("said", "role"),
    [
        ("We ran the pilot on the early shift last week. My crew of twelve pickers checks the board every morning.",
         "user"),
        ("Our warehouse sits in Snowflake on AWS Ireland. Login has to go through Okta with SAML, and we need the API "
         "limits in writing.", "technical_evaluator"),
        ("Ich werde nicht zulassen, dass Patientendaten das Haus verlassen. Meine Bedenken habe ich dem Vorstand "
         "geschrieben.", "blocker"),
        ("El presupuesto aprobado es de 90.000 euros. Si el precio queda fijo dos años, firmo el lunes.",
         "economic_buyer"),
    ],
)  # fmt: skip
def test_what_a_person_does_in_their_own_words_gives_a_role_and_the_sentence(said: str, role: str) -> None:
    read = role_read(said)
    assert read is not None and read[0] == role
    assert read[1] in said  # the reason the CSM sees is their own sentence, verbatim


@pytest.mark.parametrize("said", ["", "Thanks, see you Thursday.", "Merci pour la présentation, à bientôt."])
def test_silence_or_small_talk_gives_no_role(said: str) -> None:
    assert role_read(said) is None


def _person(name: str, title: str = "") -> Person:
    return Person(name=name, email=name.lower().replace(" ", ".") + f"@{THEM}", title=title)


CREW = "My crew on the night shift will be in the dashboards every day."


def test_a_person_without_a_title_is_placed_by_their_words_and_shows_them() -> None:
    people = {"a": _person("Tove Lind")}
    (out,) = stakeholders_from(people, {"a": CREW}, {}, champion_known=True)
    assert (out.role, out.role_shown) == ("user", CREW)


def test_a_title_that_says_other_and_a_person_placed_before_stay_as_they_are() -> None:
    people = {"a": _person("Ines Kaur", "Procurement Lead"), "b": _person("Ole Berg")}
    talk = {"a": "The price has to come down and I want a discount on year two.", "b": CREW}
    out = stakeholders_from(people, talk, {}, champion_known=True, placed=frozenset({"b"}))
    assert [s.role for s in out] == ["other", "other"]
    assert all(s.role_shown is None for s in out)


def test_the_champion_guess_is_made_before_what_the_others_do_places_them() -> None:
    ada, ben = _person("Ada Moss", "Office Lead"), _person("Ben Ross")
    ada.authored = 3
    people = {ada.email: ada, ben.email: ben}  # keyed by address, as collect_people keys them
    talk = {ada.email: CREW, ben.email: "We need SSO through Azure and an export of the schema before we connect."}
    out = stakeholders_from(people, talk, {}, champion_known=False)
    assert [s.role for s in out] == ["champion", "technical_evaluator"]


def _mail(n: int, sender: Address, body: str) -> ThreadMessage:
    return ThreadMessage(
        id=f"m{n}", sender=sender, to=[Address(name="Rhea Stone", email=f"rhea.stone@{OURS}")],
        date=datetime(2026, 5, n, 9, tzinfo=UTC), subject="Rollout", body=body,
    )  # fmt: skip


async def test_the_reps_word_wins_over_what_a_person_does() -> None:
    ctx = ExtractionContext(
        account=AccountInfo(name="Brookfell Mills", domain=THEM),
        rep=Party(name="Rhea Stone", email=f"rhea.stone@{OURS}"),
        company_domains={OURS},
    )
    doc = HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep)
    kit = Address(name="Kit Marlow", email=f"kit.marlow@{THEM}")
    note = Address(name="Rhea Stone", email=f"rhea.stone@{OURS}")
    sources = [
        _mail(1, kit, "My team on the late shift tried the sandbox and will use it every day.\n\nKit"),
        _mail(2, note, "Note for the file: Kit Marlow is our champion, she sold it to her board."),
    ]
    doc = merge_extraction(doc, await OfflineExtractor().extract(sources, ctx, doc))
    kit_read: Stakeholder = next(s for s in doc.sections.stakeholders if s.email == kit.email)
    assert kit_read.role == "champion" and kit_read.role_said


def test_the_shipped_weights_are_what_the_rows_train() -> None:
    folder = Path(role_model.__file__).with_name("data")
    rows, labels = role_model.read_rows((folder / role_model.ROWS_FILE).read_text(encoding="utf-8"))
    shipped = json.loads((folder / role_model.WEIGHTS_FILE).read_text(encoding="utf-8"))
    assert shipped["roles"] == list(role_model.ROLES)
    assert np.allclose(np.round(role_model.fit(rows, labels), 4), shipped["weights"], atol=1e-4)


def _unit(text: str, author: str = "customer") -> Unit:
    return Unit(text=text, quote=text, source_id="m1", speaker="Jo Park", speaker_email=f"jo.park@{THEM}",
                author=author, anchor=ANCHOR, heading=None)  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        "The new cold store in Tarn must be on the dashboards by 14 September.",
        "Die Filialen in Pirna müssen zum 1. Oktober angebunden sein.",
        "Les trois entrepôts doivent remonter leurs stocks avant le 30 septembre.",
        "La planta de Soria tiene que estar conectada antes del 15 de octubre.",
    ],
)
def test_a_date_the_customer_must_meet_is_medium_with_its_sentence(text: str) -> None:
    urgency = read_urgency([_unit(text)])
    assert urgency is not None and urgency.level == "medium" and urgency.dates
    assert urgency.reasons == [f"a date they must meet: {text}"]
    assert [e.text for e in urgency.evidence] == [text]


@pytest.mark.parametrize(
    "text",
    [
        "Could you send the signed order form by 12 June?",  # a request to us, not their deadline
        "We had to close the old site before 3 March 2026.",  # already past
        "Lunch was great, thanks again.",
    ],
)
def test_a_question_a_past_date_or_nothing_dated_stays_low(text: str) -> None:
    urgency = read_urgency([_unit(text)])
    assert urgency is not None and urgency.level == "low"
