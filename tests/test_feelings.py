"""The overall read of a person (feelings.py): when it decides, what it cites, and that its weights ship trained."""

from __future__ import annotations

from datetime import date
from importlib import resources

import numpy as np
import pytest

from agent.document import MODEL_READ, NOTHING_SHOWN, REP_READ, Evidence, HandoffDocument, Sections, Stakeholder
from agent.extract import feelings
from agent.extract.sectioner import fit

MARTA = Stakeholder(name="Marta Holm", email="marta.holm@quarryfield.example", role="champion", source_ids=["m1"])
SAID = [
    "We moved the weighbridge tickets to the new depot last spring.",
    "Our drivers log each load by hand and the office retypes it on Fridays.",
]


def shown(phrase: str, leaning: str = "neutral") -> Evidence:
    return Evidence(
        text=SAID[1], source_id="m1", phrase=phrase, speaker=MARTA.email or "", leaning=leaning,  # type: ignore[arg-type]
        date=date(2026, 4, 2),
    )  # fmt: skip


def test_a_person_whose_words_show_nothing_on_their_own_gets_an_overall_read() -> None:
    read = feelings.person_read(MARTA, [shown(NOTHING_SHOWN)], "neutral", SAID)
    assert read in {"positive", "neutral", "skeptical"}
    assert read == feelings.person_read(MARTA, [shown(NOTHING_SHOWN)], "neutral", SAID)  # the same every time


def test_a_cue_read_stands_the_model_does_not_overrule_a_phrase() -> None:
    doubt = shown("not convinced", "skeptical")
    assert feelings.person_read(MARTA, [doubt, shown(NOTHING_SHOWN)], "skeptical", SAID) == "skeptical"
    warm = shown("the tone of their own words", "enthusiastic")
    assert feelings.person_read(MARTA, [warm], "enthusiastic", SAID) == "enthusiastic"


def test_nobody_the_mail_never_shows_stays_unknown() -> None:
    assert feelings.person_read(MARTA, [], "unknown", []) == "unknown"
    by_rep = shown(REP_READ, "positive")
    assert feelings.person_read(MARTA, [by_rep], "positive", []) == "positive"  # the rep's read is not re-read


def test_the_features_are_numbers_of_a_fixed_length_for_any_person() -> None:
    quiet = Stakeholder(name="Ivo Sand")
    a = feelings.person_features(MARTA, [shown(NOTHING_SHOWN)], SAID)
    b = feelings.person_features(quiet, [], [])
    assert len(a) == len(b) and all(isinstance(x, float) and np.isfinite(x) for x in a + b)


def test_the_shipped_rows_hold_numbers_only_and_the_weights_match_them() -> None:
    x, labels = feelings.training_rows()
    assert x.shape[1] == len(feelings.person_features(MARTA, [], [])) and set(labels) <= {0, 1, 2}
    text = (resources.files("agent.extract") / "data" / feelings.DATA_FILE).read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    assert all(row[0] in feelings.LABELS for row in rows)  # a label, then numbers: no sentence from any deal
    with (resources.files("agent.extract") / "data" / feelings.WEIGHTS_FILE).open("rb") as handle:
        assert str(np.load(handle)["digest"]) == feelings.training_digest()  # no training at start


def test_an_unbalanced_fit_keeps_how_often_each_label_is_seen() -> None:
    bias = np.ones((10, 1))
    weights = fit(bias, [0] * 7 + [1] * 2 + [2], 3, l2=1e-3, balanced=False, epochs=300)
    assert int((bias[:1] @ weights).argmax()) == 0


def test_a_row_counted_twice_trains_the_same_model_as_two_copies_of_it() -> None:
    rng = np.random.default_rng(7)
    x = rng.normal(size=(6, 4))
    labels = [0, 1, 2, 0, 1, 2]
    copies = np.vstack([x, x[:2]])  # rows 0 and 1 twice, as a file DATA_REPEATS counts twice gives them
    for balanced in (True, False):
        twice = fit(copies, [*labels, *labels[:2]], 3, l2=1e-3, balanced=balanced, epochs=200)
        counted = fit(x, labels, 3, l2=1e-3, balanced=balanced, epochs=200, multiplicity=np.array([2, 2, 1, 1, 1, 1]))
        assert np.allclose(twice, counted, atol=1e-10)
        assert not np.allclose(counted, fit(x, labels, 3, l2=1e-3, balanced=balanced, epochs=200), atol=1e-6)


def _quiet(sentiment: str) -> Stakeholder:
    return Stakeholder(
        name="Oda Lind", email="oda.lind@fjordbake.example", sentiment=sentiment,  # type: ignore[arg-type]
        sentiment_evidence=[Evidence(text="We bake for eleven shops before six.", source_id="m1", phrase=NOTHING_SHOWN,
                                     leaning="neutral", speaker="oda.lind@fjordbake.example", date=date(2026, 3, 9))],
    )  # fmt: skip


def test_a_warm_read_from_quiet_words_is_exported_with_the_models_phrase_not_nothing_shown() -> None:
    doc = HandoffDocument.model_validate({"account": {"name": "Fjordbake"}})
    doc.sections = Sections(stakeholders=[_quiet("positive"), _quiet("neutral")])
    warm, neutral = doc.export()["sections"]["stakeholders"]  # type: ignore[index]
    assert warm["sentiment_evidence"][0]["phrase"] == MODEL_READ
    assert neutral["sentiment_evidence"][0]["phrase"] == NOTHING_SHOWN
    assert doc.sections.stakeholders[0].sentiment_evidence[0].phrase == NOTHING_SHOWN  # stored as it was


def test_a_stored_model_read_comes_back_as_the_quiet_passage_the_next_read_looks_for() -> None:
    doc = HandoffDocument.model_validate({"account": {"name": "Fjordbake"}})
    doc.sections = Sections(stakeholders=[_quiet("positive")])
    again = HandoffDocument.model_validate(doc.export())
    assert again.sections.stakeholders[0].sentiment_evidence[0].phrase == NOTHING_SHOWN
    assert again.export() == doc.export()


def test_a_lean_without_a_majority_is_no_read_and_one_with_it_stands(monkeypatch: pytest.MonkeyPatch) -> None:
    quiet = [shown(NOTHING_SHOWN)]
    for probs, read in (
        ({"warm": 0.45, "neutral": 0.12, "cold": 0.43}, "neutral"),  # a coin toss between warm and cold
        ({"warm": 0.49, "neutral": 0.46, "cold": 0.05}, "neutral"),
        ({"warm": 0.62, "neutral": 0.33, "cold": 0.05}, "positive"),
        ({"warm": 0.10, "neutral": 0.30, "cold": 0.60}, "skeptical"),
    ):
        monkeypatch.setattr(feelings, "lean_probabilities", lambda _features, _p=probs: _p)
        assert feelings.person_read(MARTA, quiet, "neutral", SAID) == read
