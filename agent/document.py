"""The handoff document: the model both extractors fill and every renderer reads.

What it is for: the pydantic model of ``handoff-document/v1`` (the JSON export
contract), its section keys and titles, and ``fold`` (the text key facts and names
are compared by). Not for: merging an extraction into it (merge.py), rendering
(templates/) or storage (db/).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import date
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

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


def N_(text: str) -> str:
    """Mark a label for the translation catalogs (agent/wording.py); it is translated where it is shown."""
    return text


SECTION_TITLES: dict[str, str] = {
    "company_overview": N_("Company overview"),
    "stakeholders": N_("Stakeholder map"),
    "pain_points": N_("Pain points"),
    "success_metrics": N_("Success metrics"),
    "purchase_drivers": N_("Purchase drivers"),
    "implementation": N_("Implementation"),
    "competitive_context": N_("Competitive context"),
    "commitments": N_("Commitments we made"),
    "expansion": N_("Expansion"),
    "risks": N_("Risks"),
    "rep_perspective": N_("Rep perspective"),
}

HORIZON_LABELS = {"90d": N_("90 days"), "6m": N_("6 months"), "1y": N_("1 year")}
SENTIMENT_LABELS = {
    "enthusiastic": N_("enthusiastic"),
    "positive": N_("positive"),
    "neutral": N_("neutral"),
    "skeptical": N_("skeptical"),
    "negative": N_("negative"),
}

Role = Literal[
    "champion", "economic_buyer", "decision_maker", "technical_evaluator", "user", "blocker", "influencer", "other"
]
Influence = Literal["high", "medium", "low"]
Horizon = Literal["90d", "6m", "1y"]
Status = Literal["collecting", "draft_sent", "approved", "delivered"]
STATUSES: dict[str, Status] = {s: s for s in get_args(Status)}  # an account row's status, as the type
SourceKind = Literal["email", "note", "transcript", "crm", "attachment"]
Sentiment = Literal["enthusiastic", "positive", "neutral", "skeptical", "negative", "unknown"]
UrgencyLevel = Literal["high", "medium", "low", "unknown"]
Owner = Literal["us", "customer"]  # whose promise a commitment is
Precision = Literal["day", "month", "quarter"]  # how exact a due date is: "by March" names a month, not its last day
PromiseStatus = Literal["open", "kept"]  # a commitment later mail shows delivered is kept
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
    owner: Owner | None = None
    informal: bool = False
    # Added to v1 (additive): ``due_precision`` says how much of ``due`` the source said ("month": "by March",
    # due is the month's last day); ``status`` and ``kept_source_ids`` are for commitments only.
    due_precision: Precision | None = None
    status: PromiseStatus | None = None
    kept_source_ids: list[str] = Field(default_factory=list)  # the sources that show the promise delivered


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
    title_in_prose: bool = False  # the title comes from someone's sentence: a signature's or CRM row's replaces it
    role_shown: str | None = None  # the sentence that shows the role ("Uwe ist skeptisch"): over a title, under the rep
    email_guessed: bool = False  # built from the name and the customer's address pattern: a written address replaces it

    @model_validator(mode="after")
    def _quiet_passages(self) -> Stakeholder:
        """A stored document's MODEL_READ passage is read back as the NOTHING_SHOWN it is (export() shows it)."""
        for piece in self.sentiment_evidence:
            if piece.phrase == MODEL_READ:
                piece.phrase = NOTHING_SHOWN
        return self


# Which shown role stands when the mail shows two (roles.ROLE_SHOWN): a doubt matters most to a CSM.
SHOWN_ROLE_ORDER: tuple[Role, ...] = ("blocker", "economic_buyer", "technical_evaluator", "user")
REP_READ = "the rep's read"  # the phrase on evidence that came from the rep's own reply
NOTHING_SHOWN = "nothing in their own words shows a feeling"  # the phrase on a neutral read's evidence
# What a NOTHING_SHOWN passage is shown as (export(), the rendered handoff) when feelings.py read the person warm or
# cold from all of it together; in memory it stays NOTHING_SHOWN, which the next mail's read and
# neutral_evidence_kept look for (a stored document's MODEL_READ is read back as NOTHING_SHOWN).
MODEL_READ = "no single passage shows a feeling; read from all their words together"


def shown_phrase(person: Stakeholder, piece: Evidence) -> str:
    """The phrase a reader sees on ``piece``: a "nothing shown" passage under a read that is not neutral says
    the read came from everything together, not that nothing showed."""
    if piece.phrase == NOTHING_SHOWN and person.sentiment not in {"neutral", "unknown"}:
        return MODEL_READ
    return piece.phrase


def neutral_evidence_kept(pieces: list[Evidence]) -> list[Evidence]:
    """At most one passage for a neutral read, the same whatever order the mail came in: none when another
    passage shows a feeling, else the longest of them."""
    neutral = [e for e in pieces if e.phrase == NOTHING_SHOWN]
    rest = [e for e in pieces if e.phrase != NOTHING_SHOWN]
    if not neutral or any(e.leaning not in {"unknown", "neutral"} for e in rest):
        return rest
    return [*rest, max(neutral, key=lambda e: (len(e.text), e.text))]


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
    rep_letters: dict[str, int] = Field(default_factory=dict)  # language -> letters of the rep's own words read


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
        items: list[Item] = getattr(self, key)
        return items

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
    language: str = "en"  # the language of the document's own words (agent/wording.py); quotes keep theirs

    def export(self) -> dict[str, object]:
        """The JSON export contract, with ``missing`` recomputed; every commitment says open or kept, every due
        date how exact it is."""
        self.missing = missing_sections(self.sections)
        for key in SECTION_KEYS:
            for item in [] if key == "stakeholders" else self.sections.items(key):
                if item.due is not None and item.due_precision is None:
                    item.due_precision = "day"
                if key == "commitments" and item.status is None:
                    item.status = "open"
        out = self.model_dump(mode="json", by_alias=True)
        for person, shown in zip(self.sections.stakeholders, out["sections"]["stakeholders"], strict=True):
            for piece, exported in zip(person.sentiment_evidence, shown["sentiment_evidence"], strict=True):
                exported["phrase"] = shown_phrase(person, piece)
        return out

    def completeness(self) -> tuple[int, int]:
        return len(self.sections.filled()), len(SECTION_KEYS)


def missing_sections(sections: Sections) -> list[str]:
    return [key for key in SECTION_KEYS if not getattr(sections, key)]


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Case-, accent- and whitespace-folded text, for comparing facts (cached: merging compares pairs)."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip()


def name_key(name: str) -> str:
    """A person's name compared without case or accents: "Ramón Escrivá" signs as "Ramon Escriva"."""
    text = unicodedata.normalize("NFKD", fold(name))
    return "".join(c for c in text if not unicodedata.combining(c))


def spells_out(short: str, title: str) -> bool:
    """Whether ``title`` is ``short`` written in full: "CMO" and "Chief Medical Officer" (the full one says more)."""
    initials = "".join(w[0] for w in re.findall(r"[A-Za-zÀ-ÿ]+", title) if w[0].isupper())
    return short.isupper() and 2 <= len(short) <= 5 and initials.upper() == short
