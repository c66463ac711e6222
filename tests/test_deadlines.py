"""A date a customer holds themselves to makes the account at least medium, with the sentence as its reason."""

from __future__ import annotations

from datetime import date

import pytest

from agent.extract.units import Unit
from agent.extract.urgency import read_urgency

ANCHOR = date(2026, 5, 4)


def _unit(text: str, author: str = "customer") -> Unit:
    return Unit(text=text, quote=text, source_id="m1", speaker="Jo Park", speaker_email="jo.park@brookfell-mills.example",
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
