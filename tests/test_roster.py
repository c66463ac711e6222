"""The CSM roster: read from TOML, rules first, then the least-loaded CSM with room."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from agent.errors import ConfigError
from agent.roster import load_roster

ROSTER = """
[[csm]]
name = "Priya Nair"
email = "Priya.Nair@northwind.example"
timezone = "Europe/Berlin"
working_hours = "08:30-16:30"
regions = ["EMEA"]
domains = ["*.de"]
capacity = 2

[[csm]]
name = "Tom Reed"
email = "tom.reed@northwind.example"
timezone = "America/New_York"
segments = ["enterprise"]
capacity = 5

[[csm]]
name = "Ana Silva"
email = "ana.silva@northwind.example"
timezone = "America/Sao_Paulo"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "roster.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_roster_reads_every_field_with_defaults(tmp_path: Path) -> None:
    roster = load_roster(write(tmp_path, ROSTER))
    priya, tom, ana = roster.csms
    assert priya.email == "priya.nair@northwind.example"
    assert priya.working_hours == (time(8, 30), time(16, 30))
    assert priya.regions == ("emea",) and priya.domains == ("*.de",) and priya.capacity == 2
    assert tom.working_hours == (time(9), time(17)) and tom.segments == ("enterprise",)
    assert ana.capacity == 10 and ana.tz.key == "America/Sao_Paulo"
    assert roster.get("TOM.REED@northwind.example") is tom


def test_domain_rule_wins_over_load(tmp_path: Path) -> None:
    roster = load_roster(write(tmp_path, ROSTER))
    csm = roster.assign("kunde.de", load={"priya.nair@northwind.example": 1})
    assert csm is not None and csm.name == "Priya Nair"


def test_segment_and_region_rules_match_case_insensitively(tmp_path: Path) -> None:
    roster = load_roster(write(tmp_path, ROSTER))
    assert roster.assign("acme.example", segment="Enterprise").name == "Tom Reed"  # type: ignore[union-attr]
    assert roster.assign("acme.example", region="emea").name == "Priya Nair"  # type: ignore[union-attr]


def test_without_a_rule_the_least_loaded_csm_is_chosen(tmp_path: Path) -> None:
    roster = load_roster(write(tmp_path, ROSTER))
    load = {
        "priya.nair@northwind.example": 1,
        "tom.reed@northwind.example": 0,
        "ana.silva@northwind.example": 3,
    }
    assert roster.assign("acme.example", load=load).name == "Tom Reed"  # type: ignore[union-attr]
    assert roster.assign("acme.example", load={}).name == "Priya Nair"  # tie: listed first  # type: ignore[union-attr]


def test_a_full_rule_match_falls_through_to_someone_with_room(tmp_path: Path) -> None:
    roster = load_roster(write(tmp_path, ROSTER))
    load = {
        "priya.nair@northwind.example": 2,
        "tom.reed@northwind.example": 4,
        "ana.silva@northwind.example": 1,
    }
    assert roster.assign("kunde.de", load=load).name == "Ana Silva"  # type: ignore[union-attr]


def test_nobody_with_room_gives_none(tmp_path: Path) -> None:
    roster = load_roster(write(tmp_path, ROSTER))
    load = {
        "priya.nair@northwind.example": 2,
        "tom.reed@northwind.example": 5,
        "ana.silva@northwind.example": 10,
    }
    assert roster.assign("kunde.de", load=load) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[[csm]]\nname = "A"\nemail = "a@x.example"\ntimezone = "Europe/Berln"\n',
            r"csm\[0\]\.timezone 'Europe/Berln'",
        ),
        ('[[csm]]\nname = "A"\ntimezone = "UTC"\n', r"csm\[0\]\.email is missing"),
        (
            '[[csm]]\nname = "A"\nemail = "a@x.example, b@y.example"\n',
            r"csm\[0\]\.email .* not a bare address",
        ),
        (
            '[[csm]]\nname = "A"\nemail = "a@x.example"\nworking_hours = "17:00-09:00"\n',
            r"csm\[0\]\.working_hours",
        ),
        ('[[csm]]\nname = "A"\nemail = "a@x.example"\ncapacity = "ten"\n', r"csm\[0\]\.capacity"),
        ('[[csm]]\nname = "A"\nemail = "a@x.example"\ncapasity = 3\n', r"unknown field\(s\) capasity"),
        (
            '[[csm]]\nname = "A"\nemail = "a@x.example"\nregions = [1]\n',
            r"csm\[0\]\.regions must be a list of strings",
        ),
        (
            '[[csm]]\nname = "A"\nemail = "a@x.example"\n[[csm]]\nname = "B"\nemail = "A@x.example"\n',
            "listed twice",
        ),
        ("title = 'no csms'\n", r"no CSMs; add at least one \[\[csm\]\]"),
        ("[[csm]\nname=", "not valid TOML"),
    ],
)
def test_bad_roster_names_the_file_and_the_field(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=expected) as info:
        load_roster(path)
    assert str(path) in str(info.value)


def test_missing_roster_file_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="HANDOFF_CSM_ROSTER=.*file not found"):
        load_roster(tmp_path / "nope.toml")
