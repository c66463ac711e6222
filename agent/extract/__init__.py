"""Extractors: read an account's sources into the handoff document.

``make_extractor(settings)`` picks the Claude extractor when an API key is set (or
``HANDOFF_EXTRACTOR=claude``), else the offline one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agent.extract.base import ExtractionContext, Extractor, Question, verify_quotes
from agent.settings import Settings

if TYPE_CHECKING:
    from agent.cpu import CpuPool

__all__ = ["ExtractionContext", "Extractor", "Question", "make_extractor", "verify_quotes"]


def make_extractor(settings: Settings, *, cpu: CpuPool | None = None) -> Extractor:
    from agent.extract.offline import OfflineExtractor

    offline = OfflineExtractor(competitors=settings.competitors, cpu=cpu)
    if settings.extractor_name == "claude":
        from agent.extract.claude import ClaudeExtractor

        return ClaudeExtractor(settings, fallback=offline)
    return offline
