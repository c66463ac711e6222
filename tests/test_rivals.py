"""Competitors found by what the sentence does with them, in four languages: evaluated, quoted, built in-house,
the status quo, an incumbent being replaced; why each lost; and a vendor in the news is not competition."""

from __future__ import annotations

import pytest

from agent.extract.classify import competitor_in, competitor_names
from agent.extract.rivals import loss_reason, news_only, rival_in


@pytest.mark.parametrize(
    ("sentence", "name", "kind"),
    [
        ("Before you, we spent a month evaluating Quillon Data with the ops leads.", "Quillon Data", "vendor"),
        ("We ran a pilot with Skellig Metrics in the Cork depot.", "Skellig Metrics", "vendor"),
        ("Marrowgate Advisory quoted 240k and nine months for a bespoke portal.", "Marrowgate Advisory", "vendor"),
        ("Vantori's proposal came in at half your price.", "Vantori", "vendor"),
        ("Our finance team is migrating away from Ledgerline this autumn.", "Ledgerline", "incumbent"),
        ("The warehouse app that Priya built in Access still does the picking lists.", "in-house (", "in_house"),
        ("Engineering wanted to build the dashboards themselves on Retool.", "in-house (Retool)", "in_house"),
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
    ],
)
def test_a_vendor_in_the_news_is_not_competition_even_a_known_one(sentence: str) -> None:
    assert news_only(sentence)
    assert competitor_in(sentence, competitor_names((), frozenset()), set()) is None


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
