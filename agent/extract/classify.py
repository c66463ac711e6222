"""Sentence-level rules shared by the source reader and the reply reader: section scores, horizons, vendors.

What it is for: ``section_scores`` / ``classify`` (which sections a sentence speaks
to, from the cue phrases in lexicon.py), ``horizon_of`` (90d / 6m / 1y),
``competitor_in`` (a vendor named in a sentence) and ``dedupe``. Pure functions of
text. Not for: deciding who said what (offline.py) or reading the rep's reply (answers.py).
"""

from __future__ import annotations

import re
from functools import lru_cache

from agent.document import Extraction, fold, merge_items
from agent.extract import lexicon
from agent.extract.units import Unit

HORIZONS = (
    ("90d", re.compile(r"\b(?:90|ninety|60|30)\s+days\b|\bthree months\b|\b3 months\b|\bfirst quarter\b|\bq1\b", re.I)),
    ("6m", re.compile(r"\bsix months\b|\b6 months\b|\bsix-month\b|\b6-month\b|\bend of (?:the )?(?:year|semester)\b|"
                      r"\bfall semester\b", re.I)),
    ("1y", re.compile(r"\b(?:a|one|1|first|within a) year\b|\b12 months\b|\bannual\b|\bnext (?:spring|year)\b|"
                      r"\byear one\b|\bfirst year\b|\brenewals?\b", re.I)),
)  # fmt: skip


def section_scores(text: str) -> dict[str, int]:
    scores = {key: len(pattern.findall(text)) for key, pattern in lexicon.SECTION_CUES.items()}
    goal, measure = lexicon.SUCCESS_GOAL.findall(text), lexicon.SUCCESS_MEASURE.findall(text)
    scores["success_metrics"] = len(goal) + len(measure) if goal and measure else 0
    return scores


def substantive(text: str) -> bool:
    """Enough words (or a number) to tell the CSM something on its own."""
    return len(text.split()) >= 5 or bool(re.search(r"\d", text))


def classify(unit: Unit) -> list[str]:
    """The sections a unit belongs to: the best-scoring ones, with its heading as a strong hint."""
    if not substantive(unit.text):
        return []
    scores = section_scores(unit.text)
    if unit.heading in scores and (unit.heading != "success_metrics" or lexicon.SUCCESS_MEASURE.search(unit.text)):
        scores[unit.heading] += 2
    best = max(scores.values())
    if best < 1 or (unit.text.rstrip().endswith("?") and unit.heading is None):
        return []
    return [key for key, score in scores.items() if score == best or (score >= 2 and score >= best - 1)]


def horizon_of(text: str) -> str | None:
    for key, pattern in HORIZONS:
        if pattern.search(text):
            return key
    return None


@lru_cache(maxsize=64)
def competitor_names(extra: tuple[str, ...], ours: frozenset[str]) -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern for every known vendor name (longest first) and the canonical spelling of each."""
    names = [n for n in dict.fromkeys([*extra, *lexicon.COMPETITORS]) if fold(n).replace(" ", "") not in ours]
    names.sort(key=len, reverse=True)
    alternation = "|".join(re.escape(n) for n in names) or r"(?!x)x"
    return re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])", re.IGNORECASE), {fold(n): n for n in names}


def competitor_in(text: str, names: tuple[re.Pattern[str], dict[str, str]], configured: set[str]) -> str | None:
    pattern, canonical = names
    for match in pattern.finditer(text):
        key = fold(match.group(0))
        name = canonical.get(key, match.group(0))
        # a name that is also a word counts only capitalised as a name and next to a comparison
        weak = key in lexicon.WEAK_COMPETITORS and key not in configured
        if weak and not (match.group(0)[0].isupper() and lexicon.COMPARISON.search(text)):
            continue
        return name
    for rule in lexicon.COMPETITOR_PATTERNS:
        found = rule.search(text)
        if found and not set(fold(found.group(1)).split(" ")) & lexicon.NOT_COMPANY:
            return found.group(1)
    return None


def dedupe(extraction: Extraction) -> None:
    for key in ("company_overview", "pain_points", "success_metrics", "purchase_drivers", "implementation",
                "competitive_context", "commitments", "expansion", "risks", "rep_perspective"):  # fmt: skip
        setattr(extraction.sections, key, merge_items([], extraction.sections.items(key)))
