"""The people model's shipped training rows are what the code makes of training/deals (harvest.model_rows)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from agent.extract import harvest

DEALS = Path(__file__).resolve().parents[1] / "training" / "deals"


def _shipped(name: str) -> list[str]:
    text = (resources.files("agent.extract") / "data" / name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def test_the_shipped_people_rows_are_what_the_code_makes_of_the_training_deals() -> None:
    """The whole set takes ~50 s, so one deal here (a few seconds): its rows, in order, are a run of the shipped
    file, which `make models` rebuilds from every deal."""
    deal = sorted(p for p in DEALS.iterdir() if (p / "gold.json").is_file())[0]
    readings = harvest.model_rows(deal)
    rows, shipped = harvest.feelings_rows(readings), _shipped("feelings_people.tsv")
    assert rows and any(shipped[i : i + len(rows)] == rows for i in range(len(shipped)))
