"""The extractor interface and the checks every extractor's output goes through.

What it is for: ``Extractor`` (the protocol the offline and Claude extractors
implement), ``ExtractionContext`` (who is who: our domains, the rep, the account),
and ``verify_quotes`` which drops any quote that is not verbatim in its source,
whichever extractor produced it. Not for: choosing an extractor (agent/extract/__init__.py).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Protocol
from zoneinfo import ZoneInfo

from agent.document import SECTION_KEYS, AccountInfo, Evidence, Extraction, HandoffDocument, Party
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


def normalize_for_quote(text: str) -> str:
    """The comparison the export contract promises: whitespace folded, typographic marks plain."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\xa0", " ")
    text = re.sub(r"(?m)^[ \t]*(>[ \t]?)+", "", text)
    return re.sub(r"\s+", " ", text).strip().lower()


def source_text(message: ThreadMessage) -> str:
    """All the text of a source a quote may be taken from (never its quoted history)."""
    parts = [message.body]
    parts.extend(turn.text for turn in message.turns)
    return "\n".join(parts)


def verify_quotes(extraction: Extraction, sources: list[ThreadMessage], ctx: ExtractionContext) -> list[str]:
    """Drop quotes that are not verbatim in their source or were said by our side.

    Returns a description of each dropped quote, for the log and the draft's notes.
    """
    by_id = {m.id: m for m in sources}
    texts = {m.id: normalize_for_quote(source_text(m)) for m in sources}
    dropped: list[str] = []

    def keep(quote_text: str, speaker: str, source_id: str) -> bool:
        src = by_id.get(source_id)
        if src is None:
            dropped.append(f"quote cites unknown source {source_id!r}: {quote_text[:60]!r}")
            return False
        needle = normalize_for_quote(quote_text)
        if len(needle) < 3 or needle not in texts[source_id]:
            dropped.append(f"quote not verbatim in {source_id}: {quote_text[:60]!r}")
            return False
        if ctx.is_ours(speaker) or (src.sender and ctx.is_ours(src.sender.email) and not src.turns):
            dropped.append(f"quote from our own side dropped: {quote_text[:60]!r}")
            return False
        return True

    for key in SECTION_KEYS:
        items = extraction.sections.stakeholders if key == "stakeholders" else extraction.sections.items(key)
        for item in items:
            item.quotes = [q for q in item.quotes if keep(q.text, q.speaker, q.source_id)]
    for item in extraction.relationship:
        item.quotes = [q for q in item.quotes if keep(q.text, q.speaker, q.source_id)]

    def verbatim(piece: Evidence) -> bool:
        # Evidence may be a passage of the rep's own notes ("Janet was not convinced"), so only verbatim counts.
        needle = normalize_for_quote(piece.text)
        if piece.source_id in texts and len(needle) >= 3 and needle in texts[piece.source_id]:
            return True
        dropped.append(f"evidence not verbatim in {piece.source_id}: {piece.text[:60]!r}")
        return False

    for person in extraction.sections.stakeholders:
        person.sentiment_evidence = [e for e in person.sentiment_evidence if verbatim(e)]
    if extraction.urgency is not None:
        extraction.urgency.evidence = [e for e in extraction.urgency.evidence if verbatim(e)]
    for line in dropped:
        log.warning("extraction: %s", line)
    return dropped
