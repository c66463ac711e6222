"""Dates that promises count from, and promises dated by another telling.

What it is for: ``signed_date`` (the day the contract was signed, from "signed it in
DocuSign today"), ``milestones`` (the kickoff date "within 30 days of kickoff" counts
from), ``formal_ids`` (sources that are a proposal or an order form: their promises are
formal), ``date_the_undated`` (one promise told twice, once with a date) and
``dues_after_signature`` (promises counted from a signature that arrived later). Not for:
whose promise a sentence is (commitments.py) or parsing date phrases (dates.py).
"""

from __future__ import annotations

import re
from datetime import date

from agent.document import HandoffDocument, Item, fold
from agent.extract import lexicon
from agent.extract.dates import find_dates, resolve_due, resolve_due_precise
from agent.extract.units import Unit, paragraphs
from mailflows.inbound.mail import ThreadMessage


def signed_date(units: list[Unit]) -> date | None:
    found: list[date] = []
    for unit in units:
        text = unit.text
        if unit.anchor is None or lexicon.NOT_SIGNED.search(text):
            continue
        if lexicon.SIGNED.search(text) and lexicon.SIGNED_NOW.search(text):
            explicit = resolve_due(unit.text, unit.anchor) if re.search(r"\d", unit.text) else None
            found.append(explicit if explicit and explicit <= unit.anchor else unit.anchor)
    return max(found) if found else None


KICKOFF = re.compile(r"\bkick-?off\b", re.IGNORECASE)


def milestones(units: list[Unit]) -> dict[str, date]:
    """Dates of milestones other promises count from ("within 30 days of kickoff")."""
    for unit in units:
        if unit.anchor and KICKOFF.search(unit.text) and not re.search(r"\bwithin\b", unit.text, re.I):
            found = find_dates(unit.text, unit.anchor)
            if found:
                return {"kickoff": found[0][1]}
    return {}


def formal_ids(sources: list[ThreadMessage]) -> set[str]:
    out = set()
    for msg in sources:
        label = f"{msg.subject} {msg.filename or ''}".replace("_", " ")  # "Greenleaf_order_form_summary.txt" too
        # a list, or a table of the plan (its rows as "a | b | c" or lined up in columns)
        listed = re.search(r"(?im)^\s*(?:[-*]|\d[.)])\s", msg.body) or any(
            row and "|" in para for para, _, row in paragraphs(msg.body)
        )
        if lexicon.FORMAL_DOC.search(label) and listed:
            out.add(msg.id)
    return out


def _topic(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", fold(text)) if len(w) > 3 or w.isdigit()} - _TOPIC_STOP


_TOPIC_STOP = frozenset(
    [
        "will",
        "have",
        "send",
        "with",
        "your",
        "that",
        "this",
        "from",
        "they",
        "them",
        "before",
        "after",
        "within",
        "week",
        "weeks",
    ]
)


def _same_topic(a: str, b: str) -> bool:
    ta, tb = _topic(a), _topic(b)
    shared = len(ta & tb)
    return shared >= 2 and shared / max(1, min(len(ta), len(tb))) >= 0.5


def date_the_undated(new: list[Item], existing: list[Item]) -> list[Item]:
    """One promise told twice, once with a date: keep the dated telling (citing the undated one's sources too),
    and date an earlier undated one."""
    dated = [item for item in new if item.due]
    held = [item for item in existing if item.due]
    out = []
    for item in new:
        twin = None if item.due else next((d for d in dated if _same_topic(item.text, d.text)), None)
        earlier = None if item.due or twin else next((d for d in held if _same_topic(item.text, d.text)), None)
        if earlier is not None and (earlier.owner or "us") == (item.owner or "us"):
            # "we still owe them the summary" after "the summary is yours within 10 days": the dated promise again,
            # as a copy of it citing this source too (the merge folds a copy into the item it repeats)
            sources = [*earlier.source_ids, *(s for s in item.source_ids if s not in earlier.source_ids)]
            out.append(earlier.model_copy(update={"source_ids": sources}))
            continue
        if twin is None:
            out.append(item)
            continue
        # the undated telling is folded into the dated one: one item citing both
        twin.source_ids.extend(s for s in item.source_ids if s not in twin.source_ids)
        twin.quotes.extend(q for q in item.quotes if q not in twin.quotes)
    for old in existing:
        if old.due is None:
            twin = next((d for d in dated if _same_topic(old.text, d.text)), None)
            if twin is not None:
                update = {"due": twin.due, "due_precision": twin.due_precision, "time_sensitive": True}
                out.append(old.model_copy(update=update))
    return out


def dues_after_signature(document: HandoffDocument, signed: date | None) -> list[Item]:
    """Promises counted from the signature that arrived before the signed order form did."""
    out = []
    for item in document.sections.commitments:
        if item.due is None and signed and re.search(r"\b(?:signature|signing)\b", item.text, re.I):
            due = resolve_due_precise(item.text, signed, signed)
            if due:
                out.append(
                    item.model_copy(update={"due": due.day, "due_precision": due.precision, "time_sensitive": True})
                )
    return out


__all__ = ["date_the_undated", "dues_after_signature", "formal_ids", "milestones", "signed_date"]
