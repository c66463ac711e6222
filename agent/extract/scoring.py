"""Score an exported handoff document against a labelled deal (the corpus ``gold.json`` format).

What it is for: ``score_document`` compares one export (``HandoffDocument.export()``) with
a deal's gold labels and returns recall per section, stakeholders (found, titles, roles),
competitors, commitments' due dates, quotes that are not verbatim in the deal's own
text, leaked traps, repeated items (the same sentence within or across sections), bloat
(items per labelled fact) and, where the gold carries them, sentiment per stakeholder
and the account's urgency. Pure functions of the document, the gold and the deal's text.
Not for: running the loop that produces the document (agent/evaluate.py).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

SECTIONS = (
    "company_overview", "stakeholders", "pain_points", "success_metrics", "purchase_drivers", "implementation",
    "competitive_context", "commitments", "expansion", "risks", "rep_perspective",
)  # fmt: skip
# Neighbouring reads count as agreeing: a check asks "did we read the person right", not the exact word.
SENTIMENT_NEIGHBOURS = {
    "enthusiastic": {"enthusiastic", "positive"},
    "positive": {"positive", "enthusiastic"},
    "neutral": {"neutral"},
    "skeptical": {"skeptical", "negative"},
    "negative": {"negative", "skeptical"},
}

T = TypeVar("T")


def normalize(text: str) -> str:
    """The comparison the corpus scorer uses: NFKC, plain quotes and dashes, no quote markers, folded space."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\xa0", " ")
    text = re.sub(r"(?m)^[ \t]*(>[ \t]?)+", "", text)
    return re.sub(r"\s+", " ", text).strip().lower()


def item_text(item: dict[str, Any]) -> str:
    parts = [str(item.get("text") or "")]
    parts.extend(str(q.get("text") or "") for q in item.get("quotes") or [])
    for key in ("title", "name", "concerns", "competitor"):
        value = item.get(key)
        if isinstance(value, list):
            parts.extend(map(str, value))
        elif value:
            parts.append(str(value))
    return normalize(" ".join(parts))


def holds(fact: dict[str, Any], folded: str) -> bool:
    """Whether ``folded`` (a normalized text) states ``fact``: one keyword of every group."""
    return all(any(normalize(k) in folded for k in group) for group in fact["keywords"])


def fact_found(fact: dict[str, Any], items: list[dict[str, Any]]) -> dict[str, Any] | None:
    return next((item for item in items if holds(fact, item_text(item))), None)


@dataclass
class DealScore:
    deal: str
    facts: int = 0
    found: int = 0
    per_section: dict[str, list[int]] = field(default_factory=dict)  # key -> [found, total]
    lost: list[str] = field(default_factory=list)
    stakeholders: list[int] = field(default_factory=lambda: [0, 0])
    titles: list[int] = field(default_factory=lambda: [0, 0])
    roles: list[int] = field(default_factory=lambda: [0, 0])
    competitors: list[int] = field(default_factory=lambda: [0, 0])
    dues: list[int] = field(default_factory=lambda: [0, 0])
    sentiment: list[int] = field(default_factory=lambda: [0, 0])
    urgency: list[int] = field(default_factory=lambda: [0, 0])
    absent: list[int] = field(default_factory=lambda: [0, 0])  # sections the mail says nothing about, left missing
    checks_failed: list[str] = field(default_factory=list)
    items: int = 0
    items_per_section: dict[str, int] = field(default_factory=dict)
    repeats: list[str] = field(default_factory=list)
    bad_quotes: list[str] = field(default_factory=list)
    traps: list[str] = field(default_factory=list)
    loop: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.facts if self.facts else 1.0

    @property
    def bloat(self) -> float:
        return self.items / self.facts if self.facts else 0.0


def _items(doc: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return list((doc.get("sections") or {}).get(key) or [])


def repeated_items(doc: dict[str, Any]) -> list[str]:
    """Items that say the same thing as an earlier one, in the same section or another."""
    seen: list[tuple[str, str, set[str]]] = []
    out = []
    for key in SECTIONS:
        if key == "stakeholders":
            continue
        for item in _items(doc, key):
            text = normalize(str(item.get("text") or ""))
            quotes = {normalize(str(q.get("text") or "")) for q in item.get("quotes") or []}
            quotes = {q for q in quotes if len(q) > 25}
            for other_key, other, other_quotes in seen:
                same = text == other or (len(text) > 30 and len(other) > 30 and (text in other or other in text))
                if same or quotes & other_quotes:
                    out.append(f"{key} repeats {other_key}: {text[:80]!r}")
                    break
            seen.append((key, text, quotes))
    return out


def score_document(
    deal: str, gold: dict[str, Any], doc: dict[str, Any], source_text: str, *, phase: str = "reply"
) -> DealScore:
    """How ``doc`` measures against ``gold``; ``source_text`` is the deal's own text, normalized."""
    result = DealScore(deal=deal)
    facts = list(gold.get("facts", []))
    if phase == "reply":
        facts += gold.get("rep_reply_facts", [])
    for fact in facts:
        counts = result.per_section.setdefault(fact["section"], [0, 0])
        counts[1] += 1
        hit = fact_found(fact, _items(doc, fact["section"]))
        if hit is None:
            elsewhere = [
                k for k in SECTIONS if k not in ("stakeholders", fact["section"]) and fact_found(fact, _items(doc, k))
            ]
            where = f" [under {', '.join(elsewhere)}]" if elsewhere else ""
            result.lost.append(f"{fact['id']} ({fact['section']}): {fact.get('note', '')}{where}")
            continue
        counts[0] += 1
        if fact.get("due"):
            result.dues[1] += 1
            if hit.get("due") == fact["due"]:
                result.dues[0] += 1
            else:
                result.checks_failed.append(f"{fact['id']}: due {hit.get('due')} != {fact['due']}")
    result.facts = len(facts)
    result.found = sum(found for found, _ in result.per_section.values())
    _score_people(result, gold, doc)
    comp_text = " ".join(item_text(i) for i in _items(doc, "competitive_context"))
    names = gold.get("competitors", [])
    result.competitors = [sum(1 for c in names if normalize(c) in comp_text), len(names)]
    result.competitors[1] = len(names)
    for name in names:
        if normalize(name) not in comp_text:
            result.lost.append(f"competitor {name}")
    _score_urgency(result, gold, doc)
    absent = set(gold.get("absent_sections", []))
    if phase == "reply":
        absent -= {f["section"] for f in gold.get("rep_reply_facts", [])}
    result.absent = [len(absent & set(doc.get("missing") or [])), len(absent)]
    result.items_per_section = {k: len(_items(doc, k)) for k in SECTIONS if k != "stakeholders"}
    result.items = sum(result.items_per_section.values())
    result.repeats = repeated_items(doc)
    for key in SECTIONS:
        for item in _items(doc, key):
            for quote in item.get("quotes") or []:
                if normalize(str(quote.get("text") or "")) not in source_text:
                    result.bad_quotes.append(f"{key}: {str(quote.get('text'))[:80]!r}")
    import json

    whole = normalize(json.dumps(doc, ensure_ascii=False))
    result.traps = [t for t in gold.get("must_not_appear", []) if normalize(t) in whole]
    return result


def gold_match(person: dict[str, Any], found: list[T], keys: Callable[[T], tuple[str | None, str | None]]) -> T | None:
    """The entry of ``found`` that is the labelled ``person``: by address when the label has one, else by name
    (someone who only spoke on a call or was named has no address in the mail); the last such entry, as a lookup
    table would keep. ``keys``: an entry's (email, name)."""
    if person.get("email"):
        wanted, at = normalize(person["email"]), 0
    else:
        wanted, at = normalize(person.get("name") or "?"), 1
    return next((f for f in reversed(found) if keys(f)[at] and normalize(str(keys(f)[at])) == wanted), None)


def _score_people(result: DealScore, gold: dict[str, Any], doc: dict[str, Any]) -> None:
    found = _items(doc, "stakeholders")
    for person in gold.get("stakeholders", []):
        for counter in (result.stakeholders, result.titles, result.roles):
            counter[1] += 1
        who = person.get("email") or person.get("name") or "?"
        got = gold_match(person, found, lambda s: (s.get("email"), s.get("name")))
        if got is None:
            result.lost.append(f"stakeholder {who}")
            continue
        result.stakeholders[0] += 1
        if person.get("title") and normalize(str(got.get("title") or "")) == normalize(person["title"]):
            result.titles[0] += 1
        if person.get("role") and got.get("role") == person["role"]:
            result.roles[0] += 1
        else:
            result.checks_failed.append(f"role of {who}: {got.get('role')} != {person.get('role')}")
        wanted = person.get("sentiment")
        if wanted:
            result.sentiment[1] += 1
            allowed = set(wanted) if isinstance(wanted, list) else SENTIMENT_NEIGHBOURS.get(wanted, {wanted})
            if got.get("sentiment") in allowed:
                result.sentiment[0] += 1
            else:
                result.checks_failed.append(f"sentiment of {who}: {got.get('sentiment')} != {wanted}")


def _score_urgency(result: DealScore, gold: dict[str, Any], doc: dict[str, Any]) -> None:
    wanted = gold.get("urgency")
    if not wanted:
        return
    level = wanted.get("level") if isinstance(wanted, dict) else wanted
    got = (doc.get("urgency") or {}).get("level")
    result.urgency = [int(got == level), 1]
    if got != level:
        result.checks_failed.append(f"urgency: {got} != {level}")


__all__ = ["DealScore", "fact_found", "normalize", "repeated_items", "score_document"]
