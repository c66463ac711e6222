"""The handoff document: the model both extractors fill and every renderer reads.

What it is for: the pydantic model of ``handoff-document/v1`` (the JSON export
contract), and the merge rules that make extraction incremental: the same fact
from two messages becomes one item citing both, and nothing the rep added is lost.
Not for: rendering (templates/) or storage (db/).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA = "handoff-document/v1"

SECTION_KEYS: tuple[str, ...] = (
    "company_overview",
    "stakeholders",
    "pain_points",
    "success_metrics",
    "purchase_drivers",
    "implementation",
    "competitive_context",
    "commitments",
    "expansion",
    "risks",
    "rep_perspective",
)

SECTION_TITLES: dict[str, str] = {
    "company_overview": "Company overview",
    "stakeholders": "Stakeholder map",
    "pain_points": "Pain points",
    "success_metrics": "Success metrics",
    "purchase_drivers": "Purchase drivers",
    "implementation": "Implementation",
    "competitive_context": "Competitive context",
    "commitments": "Commitments we made",
    "expansion": "Expansion",
    "risks": "Risks",
    "rep_perspective": "Rep perspective",
}

Role = Literal[
    "champion", "economic_buyer", "decision_maker", "technical_evaluator", "user", "blocker", "influencer", "other"
]
Influence = Literal["high", "medium", "low"]
Horizon = Literal["90d", "6m", "1y"]
Status = Literal["collecting", "draft_sent", "approved", "delivered"]
SourceKind = Literal["email", "note", "transcript", "crm", "attachment"]
Sentiment = Literal["enthusiastic", "positive", "neutral", "skeptical", "negative", "unknown"]
UrgencyLevel = Literal["high", "medium", "low", "unknown"]
_URGENCY_RANK = {"unknown": 0, "low": 1, "medium": 2, "high": 3}
Day = date  # for fields named ``date``, whose name hides the type inside the class body


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore")


class Quote(_Model):
    text: str
    speaker: str
    source_id: str
    lang: str | None = None  # ISO 639-1 code of the words as written ("de"); the quote itself is never translated


class Item(_Model):
    text: str
    quotes: list[Quote] = Field(default_factory=list)
    source_ids: list[str] = Field(default_factory=list)
    time_sensitive: bool = False
    due: date | None = None
    horizon: Horizon | None = None
    competitor: str | None = None
    owner: Literal["us", "customer"] | None = None
    informal: bool = False


class Evidence(_Model):
    """A verbatim passage that shows a feeling or a deadline, and the phrase in it that triggered the read."""

    text: str
    source_id: str
    phrase: str = ""
    speaker: str = ""
    leaning: Sentiment = "unknown"  # what this one passage shows on its own
    date: Day | None = None


class SentimentPoint(_Model):
    date: Day | None = None
    sentiment: Sentiment
    source_id: str


class Stakeholder(_Model):
    name: str
    email: str | None = None
    title: str | None = None
    role: Role = "other"
    influence: Influence | None = None
    concerns: list[str] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    source_ids: list[str] = Field(default_factory=list)
    sentiment: Sentiment = "unknown"
    sentiment_evidence: list[Evidence] = Field(default_factory=list)
    sentiment_history: list[SentimentPoint] = Field(default_factory=list)
    role_said: str | None = None  # the rep's sentence that states the role: it wins over a guess from the title


class Urgency(_Model):
    level: UrgencyLevel = "unknown"
    reasons: list[str] = Field(default_factory=list)
    dates: list[date] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)


class Party(_Model):
    name: str | None = None
    email: str


class AccountInfo(_Model):
    name: str
    domain: str | None = None
    industry: str | None = None
    size: str | None = None
    business_model: str | None = None


class SourceRef(_Model):
    id: str
    kind: SourceKind = "email"
    date: str | None = None
    from_: str | None = Field(default=None, alias="from")
    subject: str | None = None


class Fallback(_Model):
    """Sources another extractor read because the configured one failed, and why (the export's provenance)."""

    step: Literal["extract", "answers"] = "extract"
    reason: str
    sources: list[str] = Field(default_factory=list)
    extractor: str = "offline"  # who read them instead
    at: str | None = None  # ISO-8601 time of the fallback


class Provenance(_Model):
    """Which extractor produced the document: the configured one, its model, who read how many sources."""

    extractor: str | None = None
    model: str | None = None
    sources_read: dict[str, int] = Field(default_factory=dict)  # extractor name -> sources it read
    fallbacks: list[Fallback] = Field(default_factory=list)  # the latest 50


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


class Sections(_Model):
    company_overview: list[Item] = Field(default_factory=list)
    stakeholders: list[Stakeholder] = Field(default_factory=list)
    pain_points: list[Item] = Field(default_factory=list)
    success_metrics: list[Item] = Field(default_factory=list)
    purchase_drivers: list[Item] = Field(default_factory=list)
    implementation: list[Item] = Field(default_factory=list)
    competitive_context: list[Item] = Field(default_factory=list)
    commitments: list[Item] = Field(default_factory=list)
    expansion: list[Item] = Field(default_factory=list)
    risks: list[Item] = Field(default_factory=list)
    rep_perspective: list[Item] = Field(default_factory=list)

    def items(self, key: str) -> list[Item]:
        if key == "stakeholders" or key not in SECTION_KEYS:
            raise KeyError(key)
        return getattr(self, key)  # type: ignore[no-any-return]

    def filled(self) -> list[str]:
        return [key for key in SECTION_KEYS if getattr(self, key)]


class Extraction(_Model):
    """What one extractor call returns: new content to merge into the document."""

    account: AccountInfo | None = None
    contract_signed: date | None = None
    sections: Sections = Field(default_factory=Sections)
    urgency: Urgency | None = None
    relationship: list[Item] = Field(default_factory=list)  # what built trust: a visit, a fast fix, a reference
    notes: list[str] = Field(default_factory=list)  # e.g. "Claude unavailable: offline extractor used"
    provenance: Provenance | None = None  # who read these sources; set by the extractor or the runner


class HandoffDocument(_Model):
    schema_: str = Field(default=SCHEMA, alias="schema")
    account: AccountInfo
    status: Status = "collecting"
    rep: Party | None = None
    csm: Party | None = None
    contract_signed: date | None = None
    sections: Sections = Field(default_factory=Sections)
    missing: list[str] = Field(default_factory=list)
    sources: list[SourceRef] = Field(default_factory=list)
    urgency: Urgency = Field(default_factory=Urgency)
    relationship: list[Item] = Field(default_factory=list)
    provenance: Provenance = Field(default_factory=Provenance)

    def export(self) -> dict[str, object]:
        """The JSON export contract, with ``missing`` recomputed."""
        self.missing = missing_sections(self.sections)
        return self.model_dump(mode="json", by_alias=True)

    def completeness(self) -> tuple[int, int]:
        return len(self.sections.filled()), len(SECTION_KEYS)


def missing_sections(sections: Sections) -> list[str]:
    return [key for key in SECTION_KEYS if not getattr(sections, key)]


# -- merging -------------------------------------------------------------------------

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


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Case-, accent- and whitespace-folded text, for comparing facts (cached: merging compares pairs)."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip()


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


def merge_items(existing: list[Item], new: list[Item]) -> list[Item]:
    """Existing items keep their order and content; new facts are appended or folded in."""
    merged = [item.model_copy(deep=True) for item in existing]
    for item in new:
        twin = next((m for m in merged if same_fact(m.text, item.text)), None)
        if twin is None:
            merged.append(item.model_copy(deep=True))
            continue
        _merge_quotes(twin.quotes, item.quotes)
        _merge_ids(twin.source_ids, item.source_ids)
        twin.time_sensitive = twin.time_sensitive or item.time_sensitive
        twin.due = twin.due or item.due
        twin.horizon = twin.horizon or item.horizon
        twin.competitor = twin.competitor or item.competitor
        twin.owner = twin.owner or item.owner
        twin.informal = twin.informal and item.informal if twin.owner else item.informal
    return merged


def _person_key(s: Stakeholder) -> str:
    return (s.email or "").lower() or fold(s.name)


def merge_stakeholders(existing: list[Stakeholder], new: list[Stakeholder]) -> list[Stakeholder]:
    merged = [s.model_copy(deep=True) for s in existing]
    for person in new:
        twin = next(
            (
                m
                for m in merged
                if _person_key(m) == _person_key(person)
                or (person.email and not m.email and fold(m.name) == fold(person.name))
                or (m.email and not person.email and fold(m.name) == fold(person.name))
            ),
            None,
        )
        if twin is None:
            merged.append(person.model_copy(deep=True))
            continue
        twin.email = twin.email or person.email
        twin.title = twin.title or person.title
        if person.role_said:
            twin.role, twin.influence, twin.role_said = person.role, person.influence, person.role_said
        elif twin.role == "other" and person.role != "other" and not twin.role_said:
            twin.role = person.role
        twin.influence = twin.influence or person.influence
        for concern in person.concerns:
            if not any(same_fact(concern, c) for c in twin.concerns):
                twin.concerns.append(concern)
        _merge_quotes(twin.quotes, person.quotes)
        _merge_ids(twin.source_ids, person.source_ids)
        _merge_feeling(twin, person)
    return merged


def _merge_evidence(into: list[Evidence], new: list[Evidence]) -> None:
    seen = {fold(e.text) for e in into}  # one passage forwarded twice is still one signal
    for piece in new:
        if fold(piece.text) not in seen:
            into.append(piece.model_copy())
            seen.add(fold(piece.text))


REP_READ = "the rep's read"  # the phrase on evidence that came from the rep's own reply
NOTHING_SHOWN = "nothing in their own words shows a feeling"  # the phrase on a neutral read's evidence


def neutral_evidence_kept(pieces: list[Evidence]) -> list[Evidence]:
    """At most one passage for a neutral read, the same whatever order the mail came in: none when another
    passage shows a feeling, else the longest of them."""
    neutral = [e for e in pieces if e.phrase == NOTHING_SHOWN]
    rest = [e for e in pieces if e.phrase != NOTHING_SHOWN]
    if not neutral or any(e.leaning not in {"unknown", "neutral"} for e in rest):
        return rest
    return [*rest, max(neutral, key=lambda e: (len(e.text), e.text))]


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
    for key in SECTION_KEYS:
        if key == "stakeholders":
            out.sections.stakeholders = merge_stakeholders(out.sections.stakeholders, extraction.sections.stakeholders)
        else:
            setattr(out.sections, key, merge_items(out.sections.items(key), extraction.sections.items(key)))
    out.urgency = merge_urgency(out.urgency, extraction.urgency)
    out.relationship = merge_items(out.relationship, extraction.relationship)
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
