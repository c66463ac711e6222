"""Labelled sentences from a labelled deal (harvest.py): the writers' sections, read the way the reader reads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.evaluate import EvalError
from agent.extract.harvest import harvest, main, score_sectioner
from agent.extract.scoring import holds, normalize
from tests.test_eval import labelled_demo


def test_every_harvested_sentence_states_a_fact_of_its_section(tmp_path: Path) -> None:
    deal = labelled_demo(tmp_path) / "alderfinch"
    gold = json.loads((deal / "gold.json").read_text(encoding="utf-8"))
    facts = gold["facts"] + gold.get("rep_reply_facts", [])
    rows = harvest(deal)
    assert len(rows) >= len(gold["facts"]) // 2  # most facts sit in one sentence of the mail
    for label, text in rows:
        if label == "private":  # what must not appear, whatever facts it holds
            assert any(normalize(t) in normalize(text) for t in gold["must_not_appear"]), text
            continue
        held = {f["section"] for f in facts if holds(f, normalize(text))}
        assert held == {label}, (label, text)


def test_a_sentence_holding_what_must_not_appear_is_private_whatever_facts_it_also_holds(tmp_path: Path) -> None:
    deal = labelled_demo(tmp_path) / "alderfinch"
    gold = json.loads((deal / "gold.json").read_text(encoding="utf-8"))
    label, text = harvest(deal)[0]  # a sentence that states a fact
    gold["must_not_appear"] = [*gold.get("must_not_appear", []), " ".join(text.split()[1:4]).upper()]
    (deal / "gold.json").write_text(json.dumps(gold), encoding="utf-8")
    assert ("private", text) in harvest(deal) and (label, text) not in harvest(deal)
    assert ("private", text) in harvest(deal, none=True)


def test_a_sentence_holding_facts_of_two_sections_is_left_out(tmp_path: Path) -> None:
    deal = labelled_demo(tmp_path) / "alderfinch"
    gold = json.loads((deal / "gold.json").read_text(encoding="utf-8"))
    label, text = harvest(deal)[0]
    other = next(key for key in ("risks", "expansion") if key != label)
    word = text.split()[0]
    gold["facts"].append({"id": "x1", "section": other, "keywords": [[word]]})
    (deal / "gold.json").write_text(json.dumps(gold), encoding="utf-8")
    assert text not in [t for _, t in harvest(deal)]


def test_with_none_a_sentence_holding_no_word_of_any_fact_is_labelled_none(tmp_path: Path) -> None:
    deal = labelled_demo(tmp_path) / "alderfinch"
    gold = json.loads((deal / "gold.json").read_text(encoding="utf-8"))
    rows = harvest(deal, none=True)
    nones = [text for label, text in rows if label == "none"]
    assert nones and [r for r in rows if r[0] != "none"] == harvest(deal)
    for text in nones:  # not a word of any fact: a greeting, a lead-in, a signature line
        assert not any(normalize(k) in normalize(text) for f in gold["facts"] for g in f["keywords"] for k in g), text


def test_the_shipped_sentences_of_real_mail_are_what_the_code_makes_of_the_training_deals() -> None:
    """`make models` harvests every training deal into data/sentences_deals.tsv; one deal's rows, in order, are a
    run of that file (the sectioner is trained on what the reader cuts today, not on an older cut)."""
    from importlib import resources

    deals = Path(__file__).resolve().parents[1] / "training" / "deals"
    deal = sorted(p for p in deals.iterdir() if (p / "gold.json").is_file())[1]
    rows = [f"{label}\t{text}" for label, text in harvest(deal, none=True)]
    text = (resources.files("agent.extract") / "data" / "sentences_deals.tsv").read_text(encoding="utf-8")
    shipped = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert rows and any(shipped[i : i + len(rows)] == rows for i in range(len(shipped)))


def test_the_score_counts_the_sectioners_guesses_per_label() -> None:
    report = score_sectioner([("pain_points", "Closing the books takes us nine days of copying spreadsheets."),
                              ("company_overview", "We run 40 bakeries across Ohio with 900 staff.")])  # fmt: skip
    assert report.splitlines()[0] == "2 labelled sentences"
    assert report.splitlines()[-1].startswith("best guess is the writers' section: ")
    assert "/2 = " in report.splitlines()[-1]


def test_the_command_writes_a_sectioner_data_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = labelled_demo(tmp_path)
    out = tmp_path / "rows.tsv"
    assert main([str(corpus), "-o", str(out)]) == 0
    lines = [line for line in out.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert lines and all(line.count("\t") == 1 for line in lines)
    assert "sentences" not in capsys.readouterr().out  # the counts go to stderr, the rows to the file


def test_a_folder_without_labels_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "deal" / "inbox").mkdir(parents=True)
    (tmp_path / "deal" / "gold.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(EvalError, match="cannot read the labels"):
        harvest(tmp_path / "deal")


def test_the_reps_words_about_one_person_are_labelled_with_that_persons_leaning(tmp_path: Path) -> None:
    from agent.extract.harvest import stance_rows

    deal = labelled_demo(tmp_path) / "alderfinch"
    gold = json.loads((deal / "gold.json").read_text(encoding="utf-8"))
    leanings = {"Walter Brandt": "neutral", "Maren Lindqvist": "enthusiastic", "Derek Vance": "skeptical"}
    for person in gold["stakeholders"]:
        person["sentiment"] = leanings.get(person["name"])
    (deal / "gold.json").write_text(json.dumps(gold), encoding="utf-8")
    rows = stance_rows(deal)
    assert any(label == "neutral" and text.endswith("Walter is the real decision maker.") for label, text in rows)
    assert ("cold", "Derek is not won over.") in rows
    assert any(label == "warm" and text.startswith("Maren also wants") for label, text in rows)
    # a sentence naming two people ("… still earning Walter's trust"), or someone with no label, is no one's
    assert not any("Walter's trust" in text or "without Walter" in text or "Anika" in text for _, text in rows)


def test_the_shipped_stance_sentences_are_what_the_code_makes_of_the_training_deals() -> None:
    from importlib import resources

    from agent.extract.harvest import stance_rows

    deals = Path(__file__).resolve().parents[1] / "training" / "deals"
    deal = sorted(p for p in deals.iterdir() if (p / "gold.json").is_file())[1]
    rows = [f"{label}\t{text}" for label, text in stance_rows(deal)]
    text = (resources.files("agent.extract") / "data" / "stance_deals.tsv").read_text(encoding="utf-8")
    shipped = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert rows and any(shipped[i : i + len(rows)] == rows for i in range(len(shipped)))
