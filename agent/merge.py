"""Merging: how what an extractor read folds into the document, so extraction is incremental.

What it is for: ``merge_extraction`` and the rules under it — the same fact from two
messages becomes one item citing both (``same_fact``), a person seen twice is one
stakeholder, urgency keeps the highest level any evidence supports (unless a "no rush" or the rep's stated level
says otherwise: urgency.account_level), and nothing the
rep added is lost; ``remove_matching`` drops what the rep asked to remove. Not for:
the document's shape (document.py) or deciding what goes in which section
(extract/assemble.py).
"""

from __future__ import annotations

import functools
import re
from datetime import date

from agent.document import (
    REP_READ,
    SECTION_KEYS,
    SHOWN_ROLE_ORDER,
    Evidence,
    Extraction,
    HandoffDocument,
    Item,
    Provenance,
    Quote,
    Stakeholder,
    Urgency,
    fold,
    missing_sections,
    name_key,
    spells_out,
)
from agent.extract.mentions import with_guessed_addresses
from agent.extract.people import SHOWN_OVER, role_for, role_unknown, with_budget_holder, with_one_champion
from agent.extract.urgency import account_level

_URGENCY_RANK = {"unknown": 0, "low": 1, "medium": 2, "high": 3}
_WORD = re.compile(r"[a-z0-9$%.,]+")
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "by",
        "at",
        "is",
        "are",
        "was",
        "be",
        "we",
        "our",
        "their",
        "it",
        "this",
        "that",
        "from",
    ]
)


def merge_provenance(existing: Provenance, new: Provenance | None) -> Provenance:
    out = existing.model_copy(deep=True)
    if new is None:
        return out
    out.extractor = new.extractor or out.extractor
    out.model = new.model or out.model
    for name, count in new.sources_read.items():
        out.sources_read[name] = out.sources_read.get(name, 0) + count
    out.fallbacks = [*out.fallbacks, *(f.model_copy() for f in new.fallbacks)][-50:]
    return out


@functools.lru_cache(maxsize=65536)
def _tokens(text: str) -> frozenset[str]:
    return frozenset({w.strip(".,") for w in _WORD.findall(fold(text))} - _STOP - {""})


def same_fact(a: str, b: str, threshold: float = 0.8) -> bool:
    """Two item texts state the same fact: equal when folded, or nearly the same words."""
    fa, fb = fold(a), fold(b)
    if fa == fb or (len(fa) > 20 and (fa in fb or fb in fa)):
        return True
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return False
    return len(ta & tb) / min(len(ta), len(tb)) >= threshold and len(ta & tb) / max(len(ta), len(tb)) >= 0.6


def _merge_quotes(into: list[Quote], new: list[Quote]) -> None:
    seen = {fold(q.text) for q in into}
    for quote in new:
        key = fold(quote.text)
        if key not in seen:
            into.append(quote)
            seen.add(key)


def _merge_ids(into: list[str], new: list[str]) -> None:
    for source_id in new:
        if source_id not in into:
            into.append(source_id)


def merge_items(existing: list[Item], new: list[Item], *, copy: bool = True) -> list[Item]:
    """Existing items keep their order and content; new facts are appended or folded in.

    ``copy=False`` folds into ``existing``'s own items (the caller's document is changed in place).
    """
    merged = [item.model_copy(deep=True) for item in existing] if copy else list(existing)
    for item in new:
        twin = next((m for m in merged if same_fact(m.text, item.text)), None)
        if twin is None:
            merged.append(item.model_copy(deep=True))
            continue
        _merge_quotes(twin.quotes, item.quotes)
        _merge_ids(twin.source_ids, item.source_ids)
        twin.time_sensitive = twin.time_sensitive or item.time_sensitive
        if twin.due is None and item.due is not None:
            twin.due, twin.due_precision = item.due, item.due_precision
        twin.horizon = twin.horizon or item.horizon
        twin.competitor = twin.competitor or item.competitor
        twin.owner = twin.owner or item.owner
        twin.informal = twin.informal and item.informal if twin.owner else item.informal
        fold_promise(twin, item)
    return merged


def fold_promise(into: Item, item: Item) -> None:
    """One promise told twice: kept when either telling is, with every source that shows it delivered."""
    if item.status == "kept" or into.status == "kept":
        into.status = "kept"
    else:
        into.status = into.status or item.status
    _merge_ids(into.kept_source_ids, item.kept_source_ids)
    if into.due_precision is None and into.due == item.due:
        into.due_precision = item.due_precision


def _person_key(s: Stakeholder) -> str:
    return (s.email or "").lower() or fold(s.name)


def _shown_first(person: Stakeholder, twin: Stakeholder) -> bool:
    """Whether ``person``'s shown role replaces ``twin``'s: always over a title's guess, else by SHOWN_ROLE_ORDER
    (so the same mail read in any order gives the same role)."""
    if not twin.role_shown or twin.role not in SHOWN_ROLE_ORDER or person.role not in SHOWN_ROLE_ORDER:
        return True
    return SHOWN_ROLE_ORDER.index(person.role) <= SHOWN_ROLE_ORDER.index(twin.role)


def merge_stakeholders(existing: list[Stakeholder], new: list[Stakeholder], *, copy: bool = True) -> list[Stakeholder]:
    merged = [s.model_copy(deep=True) for s in existing] if copy else list(existing)
    for person in new:
        twin = next(
            (
                m
                for m in merged
                if _person_key(m) == _person_key(person)
                or (person.email and not m.email and name_key(m.name) == name_key(person.name))
                or (m.email and not person.email and name_key(m.name) == name_key(person.name))
                or ((m.email_guessed or person.email_guessed) and name_key(m.name) == name_key(person.name))
            ),
            None,
        )
        if twin is None:
            merged.append(person.model_copy(deep=True))
            continue
        if person.email and (not twin.email or (twin.email_guessed and not person.email_guessed)):
            twin.email, twin.email_guessed = person.email, person.email_guessed  # an address written in mail wins
        weaker = not twin.title or (twin.title_in_prose and not person.title_in_prose)
        if person.title and (weaker or spells_out(twin.title or "", person.title)):
            twin.title, twin.title_in_prose = person.title, person.title_in_prose  # a signature's title over a mention
            # a shown role stays over the better title only where it may replace that title's guess
            # (people.SHOWN_OVER: "Jorge is the skeptic" makes no data architect a blocker)
            by_title = role_for(person.title, "", "")[0]
            shown_stays = bool(twin.role_shown) and by_title in SHOWN_OVER.get(twin.role, frozenset())
            settled = twin.role_said or shown_stays or person.role_shown or twin.role == "champion"
            if not twin.title_in_prose and not settled:
                twin.role, twin.influence = person.role, person.influence  # the guess follows the better title
        if person.role_said:
            twin.role, twin.influence, twin.role_said = person.role, person.influence, person.role_said
        elif person.role_shown and not twin.role_said and _shown_first(person, twin):
            # what a later mail shows of them beats a title's guess; a shown doubt stays until the rep says otherwise
            twin.role, twin.influence, twin.role_shown = person.role, person.influence, person.role_shown
        elif role_unknown(twin) and not role_unknown(person):
            twin.role = person.role
        twin.influence = twin.influence or person.influence
        for concern in person.concerns:
            if not any(same_fact(concern, c) for c in twin.concerns):
                twin.concerns.append(concern)
        _merge_quotes(twin.quotes, person.quotes)
        _merge_ids(twin.source_ids, person.source_ids)
        _merge_feeling(twin, person)
    return merged


def with_short_names_folded(people: list[Stakeholder]) -> list[Stakeholder]:
    """``people`` with a person known only by the start of a name ("Juan Carlos (VP Finance)" in the rep's note)
    folded into the one person whose own mail writes that name in full ("Juan Carlos Bisonó <jcbisono@…>"): one
    stakeholder, with what each side knew. Two people whose names both begin so stay apart (which one is meant?)."""
    written = [p for p in people if p.email and not p.email_guessed]
    kept: list[Stakeholder] = []
    for person in people:
        words = name_key(person.name).split()
        # a first name alone ("Don Patricio, el fundador") is the one person of the account whose full name starts so,
        # whether or not they wrote; a longer start of a name must be one that wrote it in full
        pool = people if len(words) == 1 else written
        fuller = [
            p
            for p in pool
            if p is not person
            and len(name_key(p.name).split()) > len(words)
            and name_key(p.name).split()[: len(words)] == words
        ]
        if (person.email and not person.email_guessed) or len(fuller) != 1:
            kept.append(person)
            continue
        named = person.model_copy(update={"name": fuller[0].name, "email": None, "email_guessed": False})
        merge_stakeholders([fuller[0]], [named], copy=False)
    return kept


def _merge_evidence(into: list[Evidence], new: list[Evidence]) -> None:
    seen = {fold(e.text) for e in into}  # one passage forwarded twice is still one signal
    for piece in new:
        if fold(piece.text) not in seen:
            into.append(piece.model_copy())
            seen.add(fold(piece.text))


def _merge_feeling(twin: Stakeholder, person: Stakeholder) -> None:
    """The newer read replaces the older one when it says anything, except that the rep's read is only
    replaced by the rep's next read; evidence and history accumulate."""
    by_rep = any(e.phrase == REP_READ for e in person.sentiment_evidence)
    held_by_rep = any(e.phrase == REP_READ for e in twin.sentiment_evidence)
    if person.sentiment != "unknown" and (by_rep or not held_by_rep):
        twin.sentiment = person.sentiment
    _merge_evidence(twin.sentiment_evidence, person.sentiment_evidence)
    days = {p.date for p in twin.sentiment_history}
    for point in person.sentiment_history:
        if point.date in days and point.date is not None:
            # a day read again with more evidence: the newer reading of that day stands
            twin.sentiment_history = [p for p in twin.sentiment_history if p.date != point.date]
        twin.sentiment_history.append(point.model_copy())
        days.add(point.date)
    twin.sentiment_history.sort(key=lambda p: p.date or date.min)


def merge_urgency(existing: Urgency, new: Urgency | None) -> Urgency:
    """Reasons, dates and evidence accumulate; the level is the highest any evidence supports."""
    out = existing.model_copy(deep=True)
    if new is None:
        return out
    if _URGENCY_RANK[new.level] > _URGENCY_RANK[out.level]:
        out.level = new.level
    for reason in new.reasons:
        if not any(same_fact(reason, r) for r in out.reasons):
            out.reasons.append(reason)
    out.dates = sorted(set(out.dates) | set(new.dates))
    _merge_evidence(out.evidence, new.evidence)
    if out.level != "unknown":  # a "no rush" or the rep's stated level in one source holds for the account
        out.level = account_level(out.level, out.reasons)
    return out


def merge_extraction(doc: HandoffDocument, extraction: Extraction, *, in_place: bool = False) -> HandoffDocument:
    """Fold an extraction into a document; returns a new document, the old is untouched unless ``in_place``.

    ``in_place`` is for a caller that just loaded ``doc`` and will not look at it again:
    the deep copy grows with the account (every source is in the document).
    """
    out = doc if in_place else doc.model_copy(deep=True)
    if extraction.account is not None:
        info = extraction.account
        out.account.industry = out.account.industry or info.industry
        out.account.size = out.account.size or info.size
        out.account.business_model = out.account.business_model or info.business_model
        if not out.account.domain and info.domain:
            out.account.domain = info.domain
    out.contract_signed = out.contract_signed or extraction.contract_signed
    # ``out`` is a copy already (or the caller's to change): its items are merged into, not copied again
    for key in SECTION_KEYS:
        if key == "stakeholders":
            people = merge_stakeholders(out.sections.stakeholders, extraction.sections.stakeholders, copy=False)
            people = with_guessed_addresses(with_short_names_folded(people))
            out.sections.stakeholders = with_budget_holder(with_one_champion(people))
        else:
            items = merge_items(out.sections.items(key), extraction.sections.items(key), copy=False)
            setattr(out.sections, key, items)
    out.urgency = merge_urgency(out.urgency, extraction.urgency)
    out.relationship = merge_items(out.relationship, extraction.relationship, copy=False)
    out.provenance = merge_provenance(out.provenance, extraction.provenance)
    out.missing = missing_sections(out.sections)
    return out


def remove_matching(doc: HandoffDocument, needle: str) -> int:
    """Drop every item (and stakeholder) whose text contains ``needle``; returns how many."""
    target = fold(needle)
    if not target:
        return 0
    removed = 0
    for key in SECTION_KEYS:
        if key == "stakeholders":
            keep_people = [s for s in doc.sections.stakeholders if target not in fold(f"{s.name} {s.email or ''}")]
            removed += len(doc.sections.stakeholders) - len(keep_people)
            doc.sections.stakeholders = keep_people
            continue
        items = doc.sections.items(key)
        keep = [i for i in items if target not in fold(i.text)]
        removed += len(items) - len(keep)
        setattr(doc.sections, key, keep)
    kept_moments = [i for i in doc.relationship if target not in fold(i.text)]
    removed += len(doc.relationship) - len(kept_moments)
    doc.relationship = kept_moments
    doc.missing = missing_sections(doc.sections)
    return removed
