"""A label on a sentence's own line files it; a line that only ends in a colon is not a heading unless its last
sentence is one; a topic label (funding, procurement) files its own sentence and leaves the next where it fits."""

from __future__ import annotations

from agent.extract.classify import place
from agent.extract.sectioner import section_probabilities
from agent.extract.units import Unit, body_units


def _units(body: str) -> list[Unit]:
    return body_units(body, "m1", "Ines", "ines@brauhaus.example", "customer", None)


def _placed(body: str) -> dict[str, str | None]:
    units = _units(body)
    probs = section_probabilities([u.text for u in units])
    return {u.text: place(u, p) for u, p in zip(units, probs, strict=True)}


def test_a_why_label_naming_the_chosen_vendor_files_its_sentence_as_a_reason_to_buy() -> None:
    for body in (
        "Why Brewlytics: hosting in Ireland, the SCADA connector and one price for all breweries.",
        "Warum Brewlytics: Hosting in Irland, der SCADA-Anschluss und ein Festpreis für alle Brauereien.",
        "Pourquoi Brewlytics : l'hébergement en Irlande, le connecteur SCADA et un prix unique.",
        "- why us according to Ines: the SCADA connector, and a single price for all six breweries",
    ):
        assert list(_placed(body).values()) == ["purchase_drivers"], body


def test_a_funding_label_files_its_sentence_but_not_the_risk_after_it() -> None:
    body = (
        "Sur le financement : un programme provincial paie la moitié de la première année. "
        "If the brewery sale closes before spring, the new owners will review every contract, this one included."
    )
    units = _units(body)
    assert units[0].heading == "purchase_drivers" and units[0].labelled
    assert units[0].text.startswith("un programme provincial") and units[0].quote.startswith("Sur le financement")
    assert units[1].heading is None and not units[1].labelled


def test_a_risk_label_on_a_bullet_beats_the_heading_above_the_list() -> None:
    body = (
        "Timeline:\n"
        "- Kickoff at the Passau brewery on March 3\n"
        "- risk: the bottling line upgrade in April takes both of their engineers for three weeks\n"
    )
    units = _units(body)
    assert [u.heading for u in units] == ["implementation", "risks"]
    assert units[1].labelled and units[1].text.startswith("the bottling line")


def test_a_word_in_an_earlier_sentence_of_a_colon_line_is_no_heading() -> None:
    body = (
        "Great chat today. A few things from the brewing side:\n- The Passau plant wants a dashboard next year too.\n"
    )
    assert [u.heading for u in _units(body)] == [None]
    assert [u.heading for u in _units("Hi Ines, technical side:\n- Historian is on-prem at each brewery.\n")] == [
        "implementation"
    ]


def test_a_lowercase_sentence_after_the_first_still_decides_the_title_of_a_colon_line() -> None:
    body = (
        "walked the floor with the plant team today. some notes:\n- The Passau plant wants a dashboard next year too.\n"
    )
    assert [u.heading for u in _units(body)] == [None]


def test_a_why_us_label_files_only_its_own_sentence_and_the_losers_after_it_go_where_they_fit() -> None:
    body = "Warum Brewlytics: der SCADA-Anschluss und ein Festpreis. Hopfwerk war doppelt so teuer."
    units = _units(body)
    assert [(u.heading, u.labelled) for u in units] == [("purchase_drivers", True), (None, False)]
