"""The assembly rules every extractor's output goes through before it is merged into the document.

What it is for: ``assemble(extraction, document, refile=...)`` makes what any extractor
returned (offline rules or Claude) read like one careful author wrote it: items that tell a
CSM nothing (greetings, meta-talk, transitions) are dropped; near-duplicates in a section
become one item citing every source; one sentence lives in one place — an item that
repeats another section's (or the document's) is folded into the one where it fits best;
and with ``refile`` an item filed where it plainly does not belong (a 90-day goal under
pain points) moves to the section the sentence classifier is sure of. Not for: checking
quotes (base.verify_quotes runs before this) or merging into the stored document
(merge.merge_extraction runs after).
"""

from __future__ import annotations

import numpy as np

from agent.document import Extraction, HandoffDocument, Item, fold
from agent.extract.delivered import same_promise
from agent.extract.embed import embed
from agent.extract.sectioner import PRIVATE_SURE, section_probabilities
from agent.extract.shapes import setup_fact
from agent.extract.tone import PLEASANTRY
from agent.merge import fold_promise, same_fact

ITEM_KEYS = (
    "company_overview", "pain_points", "success_metrics", "purchase_drivers", "implementation", "competitive_context",
    "commitments", "expansion", "risks",
)  # fmt: skip  # rep_perspective is the rep's own words: kept whole, never refiled
FILLER_PROBABILITY = 0.55  # "none" at least this sure, and no number in it: the item tells a CSM nothing
REFILE_SURE = 0.6  # move an item only when the classifier is this sure of another section ...
REFILE_RATIO = 4.0  # ... and gives it this many times the probability of the current one
NEAR_DUPLICATE = 0.92  # cosine of two items' embeddings above which they say the same thing


def _quote_keys(item: Item) -> set[str]:
    """The quotes that say an item's fact. An item that quotes its own words also quotes, before them, the sentence
    they point back to ("To be clear about the risk: …" before "Those districts can't join until then."): that
    context is not its fact, so two items that share only it are two facts. An item in other words than its quotes
    (the Claude extractor's) is said by all of them."""
    quotes = [fold(q.text) for q in item.quotes if len(q.text) > 25]
    said = fold(item.text)
    return set([q for q in quotes if q in said] or quotes)


def _drop_context(item: Item, other: Item) -> None:
    """Drop from ``item`` the quotes it holds only as context (not in its own words) that ``other`` says as its fact,
    so one sentence is quoted in one place."""
    theirs = _quote_keys(other)
    said = fold(item.text)
    if len(item.quotes) > 1 and any(fold(q.text) in said for q in item.quotes):
        item.quotes = [q for q in item.quotes if fold(q.text) in said or fold(q.text) not in theirs]


def _absorb(into: Item, item: Item) -> None:
    seen = {fold(q.text) for q in into.quotes}
    into.quotes.extend(q for q in item.quotes if fold(q.text) not in seen)
    into.source_ids.extend(s for s in item.source_ids if s not in into.source_ids)
    if into.due is None and item.due is not None:
        into.due, into.due_precision = item.due, item.due_precision
    into.horizon = into.horizon or item.horizon
    into.competitor = into.competitor or item.competitor
    into.time_sensitive = into.time_sensitive or item.time_sensitive
    fold_promise(into, item)


def _names_rival(key: str, item: Item) -> bool:
    return key == "competitive_context" and item.competitor is not None


def _same(a: Item, b: Item, promises: bool = False) -> bool:
    """The same fact; of two commitments (``promises``), also the same promise told in other words."""
    return same_fact(a.text, b.text) or bool(_quote_keys(a) & _quote_keys(b)) or (promises and same_promise(a, b))


def assemble(
    extraction: Extraction,
    document: HandoffDocument | None = None,
    *,
    refile: bool = False,
    source_order: list[str] | None = None,
) -> list[str]:
    """Apply the assembly rules to ``extraction`` in place; returns one line per change, for the log.

    ``source_order`` lists the sources oldest first: of two tellings of one fact, the first is kept.
    """
    changes: list[str] = []
    placed = [(key, item) for key in ITEM_KEYS for item in extraction.sections.items(key)]
    if not placed:
        return changes
    probs = section_probabilities([item.text for _, item in placed])
    kept: dict[str, list[Item]] = {key: [] for key in ITEM_KEYS}
    sure: dict[int, float] = {}  # how likely the classifier finds each kept item's section
    for (key, item), p in zip(placed, probs, strict=True):
        has_number = any(ch.isdigit() for ch in item.text)
        courtesy = PLEASANTRY.search(item.text) is not None and len(item.text.split()) <= 10
        # a short fact of the setup ("Okta SSO, which I understand you're on.") reads to the classifier as nothing
        setup = key == "implementation" and setup_fact(item.text)
        filler = (p["none"] >= FILLER_PROBABILITY and not setup) or courtesy
        if p.get("private", 0.0) >= PRIVATE_SURE:  # a secret or someone's private life, whoever extracted it
            changes.append(f"dropped what no handoff may carry from {key}: {item.text[:40]!r}")
            continue
        if key != "commitments" and filler and not has_number and not item.competitor:
            changes.append(f"dropped filler from {key}: {item.text[:60]!r}")
            continue
        target = key
        if refile and key not in {"commitments", "competitive_context"}:
            best = max((k for k in ITEM_KEYS if k != "commitments"), key=lambda k: p.get(k, 0.0))
            if best != key and p.get(best, 0.0) >= REFILE_SURE and p.get(key, 0.0) * REFILE_RATIO <= p.get(best, 0.0):
                changes.append(f"moved from {key} to {best}: {item.text[:60]!r}")
                target = best
        kept[target].append(item)
        sure[id(item)] = p.get(target, 0.0)
    # One sentence, one place: a repeat folds into the first telling (the earliest source), wherever that
    # was filed, so reading the mail in one go or message by message gives the same document.
    rank = {source: at for at, source in enumerate(source_order or [])}
    order = [(key, item) for key in ITEM_KEYS for item in kept[key]]
    order.sort(key=lambda pair: min((rank.get(s, len(rank)) for s in pair[1].source_ids), default=len(rank)))
    survivors: list[tuple[str, Item]] = []
    for key, item in order:
        twin = next(((k, other) for k, other in survivors if _same(other, item, k == key == "commitments")), None)
        if twin is None:
            for _, other in survivors:  # a sentence filed as its own fact is no longer another's context
                _drop_context(other, item)
                _drop_context(item, other)
            survivors.append((key, item))
            continue
        promise = key == "commitments" and twin[0] != "commitments"
        # an alternative named in competition stays there: the classifier reads competition weakly, and a
        # rival folded into a worry or a fact of the plan is one the CSM never sees as a rival
        rival = _names_rival(key, item) and not _names_rival(*twin) and twin[0] != "commitments"
        kept_rival = _names_rival(*twin) and not _names_rival(key, item)
        surer = twin[0] != key and twin[0] != "commitments" and sure[id(item)] > sure[id(twin[1])]
        if promise or rival or (surer and not kept_rival):
            # a promise told again keeps its owner and date, and a fact told twice lives where it fits best:
            # the earlier telling joins this one
            survivors[survivors.index(twin)] = (key, item)
            _absorb(item, twin[1])
            changes.append(f"merged a repeat of {key} in {twin[0]}: {twin[1].text[:60]!r}")
            continue
        _absorb(twin[1], item)
        changes.append(f"merged a repeat of {twin[0]} in {key}: {item.text[:60]!r}")
    survivors = _fold_merged(survivors, changes)
    for key in ITEM_KEYS:
        items = [item for k, item in survivors if k == key]
        setattr(extraction.sections, key, _merge_near(items, changes, key))
    if document is not None:
        _drop_repeats_of(extraction, document, changes)
    return changes


def _fold_merged(survivors: list[tuple[str, Item]], changes: list[str]) -> list[tuple[str, Item]]:
    """A merge can make an item repeat another survivor it was never compared with (a sentence that joined it
    from a third item): fold such pairs too, the one that names a rival keeping its words."""
    out: list[tuple[str, Item]] = []
    for key, item in survivors:
        at = next((i for i, (k, other) in enumerate(out) if _same(other, item, k == key == "commitments")), None)
        if at is None:
            out.append((key, item))
            continue
        kept_key, kept = out[at]
        if _names_rival(key, item) and not _names_rival(kept_key, kept):
            out[at] = (key, item)
            kept_key, kept, item = key, item, kept
        _absorb(kept, item)
        changes.append(f"merged a repeat of {kept_key} found after a merge: {item.text[:60]!r}")
    return out


def _merge_near(items: list[Item], changes: list[str], key: str) -> list[Item]:
    """Items of one section whose meaning is nearly the same become one citing every source."""
    if len(items) < 2:
        return items
    vectors = embed([item.text for item in items])
    out: list[tuple[Item, np.ndarray]] = []
    for item, vector in zip(items, vectors, strict=True):
        twin = next((o for o, v in out if float(v @ vector) >= NEAR_DUPLICATE), None)
        if twin is None:
            out.append((item, vector))
            continue
        _absorb(twin, item)
        changes.append(f"merged a near-duplicate in {key}: {item.text[:60]!r}")
    return [item for item, _ in out]


def _drop_repeats_of(extraction: Extraction, document: HandoffDocument, changes: list[str]) -> None:
    """A new item that repeats one the document already holds in another section adds its sources there instead."""
    held = [(key, item) for key in ITEM_KEYS for item in document.sections.items(key)]
    moved: list[tuple[str, Item]] = []
    for key in ITEM_KEYS:
        new = extraction.sections.items(key)
        if not new:
            continue
        # the section's held items embedded once (the vectors are cached by text), not once per new item
        mine = [at for at, (k, _) in enumerate(held) if k == key]
        vectors = dict(zip(mine, embed([held[at][1].text for at in mine]), strict=True))
        fresh = []
        for item, vector in zip(new, embed([item.text for item in new]), strict=True):
            twin = next(
                (
                    (k, old)
                    for at, (k, old) in enumerate(held)
                    if _same(old, item, k == key == "commitments")
                    or (at in vectors and float(vectors[at] @ vector) >= NEAR_DUPLICATE)
                ),
                None,
            )
            if twin is None:
                fresh.append(item)
                continue
            # filed with the held twin, under its words, so the merge folds the two into one item
            moved.append((twin[0], item.model_copy(update={"text": twin[1].text})))
            changes.append(f"{key} repeats the document's {twin[0]}: {item.text[:60]!r}")
        setattr(extraction.sections, key, fresh)
    for key, item in moved:
        extraction.sections.items(key).append(item)
