"""Extractors: read an account's sources into the handoff document.

``make_extractor(settings)`` picks the Claude extractor when an API key is set (or
``HANDOFF_EXTRACTOR=claude``), else the offline one.
"""

from __future__ import annotations

from agent.extract.base import ExtractionContext, Extractor, Question, verify_quotes
from agent.settings import Settings

__all__ = ["ExtractionContext", "Extractor", "Question", "make_extractor", "verify_quotes"]


def make_extractor(settings: Settings) -> Extractor:
    from agent.extract.offline import OfflineExtractor

    offline = OfflineExtractor(competitors=settings.competitors)
    if settings.extractor_name == "claude":
        from agent.extract.claude import ClaudeExtractor

        return ClaudeExtractor(settings, fallback=offline)
    return offline
