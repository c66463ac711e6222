"""The extractor interface and the checks every extractor's output goes through.

What it is for: ``Extractor`` (the protocol the offline and Claude extractors
implement), ``ExtractionContext`` (who is who: our domains, the rep, the account),
``verify_quotes`` which grounds every quote in its source (the stored text is the
source's own span, found by the verifier; a quote that is not there, or that our own
side said, is dropped) and keeps secrets, private matters and the customer's own clients out (privacy.py), whichever
extractor produced it, and the provenance helpers
(who read the sources, the draft's line about it). Not for: choosing an extractor
(agent/extract/__init__.py).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from array import array
from dataclasses import dataclass, field
from typing import Protocol
from zoneinfo import ZoneInfo

from agent.document import SECTION_KEYS, AccountInfo, Evidence, Extraction, HandoffDocument, Party, Provenance, Quote
from agent.extract.privacy import keep_out_third_parties, keep_out_unsayable
from mailflows.inbound.mail import ThreadMessage

log = logging.getLogger(__name__)


@dataclass(slots=True)
class ExtractionContext:
    account: AccountInfo
    rep: Party
    company_domains: set[str]
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    competitors: list[str] = field(default_factory=list)  # configured names, on top of the built-in list

    def is_ours(self, email: str | None) -> bool:
        if not email:
            return False
        domain = email.rsplit("@", 1)[-1].lower()
        return any(domain == d or domain.endswith("." + d) for d in self.company_domains)


@dataclass(slots=True)
class Question:
    """A question the draft asks the rep; numbered answers map back through ``section``."""

    n: int
    section: str
    text: str


class Extractor(Protocol):
    name: str

    async def extract(
        self, sources: list[ThreadMessage], ctx: ExtractionContext, document: HandoffDocument
    ) -> Extraction:
        """Read new sources (only the new ones) and return what they add to ``document``."""
        ...

    async def read_answers(
        self,
        reply: ThreadMessage,
        ctx: ExtractionContext,
        document: HandoffDocument,
        questions: list[Question],
    ) -> Extraction:
        """Map the rep's free-form answers (commands already removed) to sections."""
        ...


_PLAIN = {
    "\u2019": "'", "\u2018": "'", "\u201a": "'", "\u2032": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"',
    "\u00ab": '"', "\u00bb": '"', "\u2013": "-", "\u2014": "-", "\u2212": "-", "\xa0": " ", "\u202f": " ",
}  # fmt: skip
_QUOTE_MARKERS = re.compile(r"(?m)^[ \t]*(?:>[ \t]?)+")
_WRAPPING = " \t\r\n\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e"


def _fold_with_map(text: str) -> tuple[str, array[int]]:
    """``text`` folded for comparison (case, width, typographic marks, whitespace runs, ``>`` quote
    markers) and, for each folded character, the index of the source character it came from."""
    skip: set[int] = set()
    for marker in _QUOTE_MARKERS.finditer(text):
        skip.update(range(marker.start(), marker.end()))
    out: list[str] = []
    where = array("q")
    space = True  # no leading space
    for i, ch in enumerate(text):
        if i in skip:
            continue
        for c in unicodedata.normalize("NFKC", _PLAIN.get(ch, ch)).casefold():
            c = _PLAIN.get(c, c)
            if c.isspace():
                if space:
                    continue
                c, space = " ", True
            else:
                space = False
            out.append(c)
            where.append(i)
    if out and out[-1] == " ":
        out.pop()
        where.pop()
    return "".join(out), where


def normalize_for_quote(text: str) -> str:
    """The comparison the export contract promises: whitespace folded, typographic marks plain, case folded."""
    return _fold_with_map(text)[0]


_Folds = dict[str, tuple[str, "array[int]"]]


def find_span(needle: str, text: str, folds: _Folds | None = None) -> str | None:
    """The span of ``text`` that ``needle`` is, compared folded: the source's own characters, or None.

    ``folds``: texts already folded, by text (``verify_quotes`` looks each quote up in many turns:
    every quote and every turn is folded once, not once per pair).
    """
    folds = {} if folds is None else folds

    def folded(value: str) -> tuple[str, array[int]]:
        if value not in folds:
            folds[value] = _fold_with_map(value)
        return folds[value]

    wanted = needle.strip(_WRAPPING)
    folded_needle = folded(wanted)[0]
    if len(folded_needle) < 3:
        return None
    exact = wanted.strip()
    if len(exact) >= 3 and exact in text:
        return exact  # the source's own characters already: no need to fold a long transcript for it
    hay, where = folded(text)
    at = hay.find(folded_needle)
    if at < 0:
        return None
    return text[where[at] : where[at + len(folded_needle) - 1] + 1]


def source_text(message: ThreadMessage) -> str:
    """All the text of a source a quote may be taken from (never its quoted history)."""
    parts = [message.body]
    parts.extend(turn.text for turn in message.turns)
    return "\n".join(parts)


def _name_tokens(name: str) -> frozenset[str]:
    return frozenset(t for t in re.split(r"[^\w]+", normalize_for_quote(name)) if t)


class _OurSide:
    """Who speaks for our company in these sources: our addresses, and our people's names for transcripts."""

    def __init__(self, ctx: ExtractionContext, sources: list[ThreadMessage]) -> None:
        self.ctx = ctx
        names = [ctx.rep.name or ""]
        for message in sources:
            for address in [message.sender, *message.to, *message.cc]:
                if address is not None and ctx.is_ours(address.email):
                    names.append(address.name or "")
        self.names = [tokens for tokens in map(_name_tokens, names) if tokens]

    def says(self, speaker: str) -> bool:
        """A speaker label ("Sam", "Sam Okafor", "sam.okafor@northwind.example") that is one of us."""
        if "@" in speaker and self.ctx.is_ours(speaker.strip(" <>")):
            return True
        label = _name_tokens(speaker.split("<")[0])
        return bool(label) and any(label <= name for name in self.names)


def _ground_quote(
    quote: Quote, by_id: dict[str, ThreadMessage], ours: _OurSide, dropped: list[str], folds: _Folds
) -> Quote | None:
    src = by_id.get(quote.source_id)
    if src is None:
        dropped.append(f"quote cites unknown source {quote.source_id!r}: {quote.text[:60]!r}")
        return None
    if src.turns:
        # A transcript: the quote is one speaker's turn, and that turn says who spoke.
        for turn in src.turns:
            span = find_span(quote.text, turn.text, folds)
            if span is not None:
                if ours.says(turn.speaker):
                    dropped.append(f"quote from our own side ({turn.speaker}) dropped: {quote.text[:60]!r}")
                    return None
                return Quote(text=span, speaker=turn.speaker, source_id=quote.source_id)
        dropped.append(f"quote not verbatim in one turn of {quote.source_id}: {quote.text[:60]!r}")
        return None
    span = find_span(quote.text, src.body, folds)
    if span is None:
        dropped.append(f"quote not verbatim in {quote.source_id}: {quote.text[:60]!r}")
        return None
    sender = src.sender
    if ours.says(quote.speaker) or (sender is not None and ours.ctx.is_ours(sender.email)):
        dropped.append(f"quote from our own side dropped: {quote.text[:60]!r}")
        return None
    speaker = quote.speaker
    if sender is not None and normalize_for_quote(speaker) not in {
        normalize_for_quote(sender.name or ""),
        normalize_for_quote(sender.email),
    }:
        speaker = sender.email  # the mail says who wrote it, whoever the extractor named
    return Quote(text=span, speaker=speaker, source_id=quote.source_id)


def verify_quotes(extraction: Extraction, sources: list[ThreadMessage], ctx: ExtractionContext) -> list[str]:
    """Ground every quote and evidence passage in its source; drop what is not there or what our side said.

    A kept quote's text becomes the source's own span (its case and punctuation, never a retyping) and
    its speaker the source's: the sender of a mail, the speaker of a transcript turn.
    Returns a description of each dropped quote, for the log.
    """
    by_id = {m.id: m for m in sources}
    ours = _OurSide(ctx, sources)
    dropped: list[str] = []
    folds: _Folds = {}

    def ground(quotes: list[Quote]) -> list[Quote]:
        kept = [q for q in (_ground_quote(q, by_id, ours, dropped, folds) for q in quotes) if q is not None]
        return list({normalize_for_quote(q.text): q for q in kept}.values())

    for key in SECTION_KEYS:
        items = extraction.sections.stakeholders if key == "stakeholders" else extraction.sections.items(key)
        for item in items:
            item.quotes = ground(item.quotes)
    for item in extraction.relationship:
        item.quotes = ground(item.quotes)

    def verbatim(pieces: list[Evidence]) -> list[Evidence]:
        # Evidence may be a passage of the rep's own notes ("Janet was not convinced"), so only verbatim counts.
        kept = []
        for piece in pieces:
            src = by_id.get(piece.source_id)
            span = find_span(piece.text, source_text(src), folds) if src is not None else None
            if span is None:
                dropped.append(f"evidence not verbatim in {piece.source_id}: {piece.text[:60]!r}")
                continue
            piece.text = span
            kept.append(piece)
        return kept

    for person in extraction.sections.stakeholders:
        person.sentiment_evidence = verbatim(person.sentiment_evidence)
    if extraction.urgency is not None:
        extraction.urgency.evidence = verbatim(extraction.urgency.evidence)
    for line in dropped:
        log.warning("extraction: %s", line)
    for line in keep_out_unsayable(extraction):
        log.info("extraction: %s", line)
    for line in keep_out_third_parties(extraction, map(source_text, sources), _contacts(ctx, sources, extraction)):
        log.info("extraction: %s", line)
    return dropped


def _contacts(ctx: ExtractionContext, sources: list[ThreadMessage], extraction: Extraction) -> list[str]:
    """Everyone who writes, is written to or speaks in ``sources``, and the stakeholders: never a client of theirs."""
    names = [ctx.rep.name or ""]
    for message in sources:
        people = [message.sender, *message.to, *message.cc, *message.attendees]
        names.extend(a.name or "" for a in people if a is not None)
        names.append(message.card.name)
        names.extend(turn.speaker.split("<")[0] for turn in message.turns)
    names.extend(p.name for p in extraction.sections.stakeholders)
    return [name for name in names if name.strip()]


# -- provenance ---------------------------------------------------------------------------

_READERS = {"claude": "Claude", "offline": "the offline extractor"}


def stamp_provenance(extraction: Extraction, extractor: str, sources: list[ThreadMessage]) -> None:
    """An extraction that does not say who read its sources was read, all of it, by ``extractor``."""
    if extraction.provenance is None:
        extraction.provenance = Provenance(extractor=extractor, sources_read={extractor: len(sources)})


def provenance_lines(doc: HandoffDocument) -> list[str]:
    """The draft's line on who read the sources, and what fell back and why (the latest reason)."""
    prov = doc.provenance
    if not prov.extractor or not prov.sources_read:
        return []
    total = sum(prov.sources_read.values())
    mine = prov.sources_read.get(prov.extractor, 0)
    who = _READERS.get(prov.extractor, prov.extractor) + (f" ({prov.model})" if prov.model else "")
    line = f"Read by {who}: {mine} of {total} source(s)."
    others = [(name, n) for name, n in prov.sources_read.items() if name != prov.extractor and n]
    if others:
        why = prov.fallbacks[-1].reason if prov.fallbacks else "it failed"
        read = ", ".join(f"{_READERS.get(name, name)} read {n}" for name, n in others)
        line += f" {read[0].upper()}{read[1:]}, because {_READERS.get(prov.extractor, prov.extractor)} failed: {why}."
    return [line]
