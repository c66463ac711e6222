"""The tone of a person's own sentences, for a sentiment read when no cue phrase decides it.

What it is for: ``sentence_tone`` scores one sentence from -1 (cold) to +1 (warm): VADER's
compound score (its lexicon ships inside the ``vaderSentiment`` wheel) for English, and for
German, French and Spanish, where VADER knows nothing, a short list of warm and cold words
and, when none is there, the stance model's warmth (stance.py). ``tone_read`` turns a person's sentences into one of the document's leanings.
Pleasantries ("thanks", "sounds good") are left out: politeness is not a read. Not for:
the cue-based read with its evidence (sentiment.py calls this only when cues say nothing).
"""

from __future__ import annotations

import re
from functools import lru_cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from agent.document import Sentiment
from agent.extract.language import language_of
from agent.extract.lexicon import GREETING, rx
from agent.extract.stance import warmth

WARM = rx(
    r"\bsuper\b", r"\btoll\b", r"\bgenau das\b", r"\bbegeistert\b", r"\büberzeugt\b", r"\bausgezeichnet\b", r"\bfreue mich\b",
    r"\bgénial\b", r"\bparfait\b", r"\bexcellent\b", r"\bravie?\b", r"\bconvaincue?s?\b", r"\bexactement\b", r"\benthousias",
    r"\bgenial\b", r"\bperfecto\b", r"\bexcelente\b", r"\bencantad[oa]\b", r"\bconvencid[oa]s?\b", r"\bexactamente\b",
    r"\bme encanta\b", r"\bj'adore\b", r"\bgern(?:e)?\b", r"\bchampionne\b", r"\balliée?s?\b", r"\baliad[oa]s?\b",
    r"\bverbündete?\b", r"\bfürsprecher(?:in)?\b", r"\bbefürworter(?:in)?\b", r"\bdéfenseur\b", r"\bimpulsor(?:a)?\b", r"\bfeuer und flamme\b",
)  # fmt: skip
COLD = rx(
    r"\bskeptisch\b", r"\bbezweifle\b", r"\bnicht überzeugt\b", r"\benttäuscht\b", r"\bsorge\b", r"\bsceptique\b",
    r"\bpas convaincu", r"\bdéçue?\b", r"\binquiet", r"\bescéptic[oa]\b", r"\bno estoy convencid", r"\bdecepcionad",
    r"\bpreocupad", r"\binaceptable\b", r"\binacceptable\b", r"\binakzeptabel\b", r"\bdudo\b", r"\bdoute\b",
)  # fmt: skip
ABOUT_US = re.compile(
    r"\b(?:you|your|yours|this (?:tool|platform|product|project)|another (?:tool|platform|screen|login))\b", re.I
)
PLEASANTRY = re.compile(r"\b(?:thanks?|thank you|cheers|sounds good|great to|nice to meet|looking forward)\b", re.I)


@lru_cache(maxsize=1)
def _vader() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def sentence_tone(text: str, language: str | None = None) -> float | None:
    """Warmth of one sentence in [-1, 1]; None for a pleasantry or a fragment that shows nothing."""
    if len(text.split()) < 4 or GREETING.match(text) or PLEASANTRY.search(text):
        return None
    language = language or language_of(text, "en")
    if language == "en":
        return float(_vader().polarity_scores(text)["compound"])
    warm, cold = len(WARM.findall(text)), len(COLD.findall(text))
    if warm or cold:
        return max(-1.0, min(1.0, 0.5 * (warm - cold)))
    return warmth(text)  # no listed word: the stance model (stance.py) reads the sentence


def tone_read(sentences: list[str]) -> tuple[Sentiment, str | None, int]:
    """(leaning, the sentence that shows it best, how many sentences counted) from one message of a person's.

    "unknown" when nothing they wrote can be read (pleasantries, fragments)."""
    scored = [(tone, s) for s in sentences if (tone := sentence_tone(s)) is not None]
    # a cold sentence counts only when it is about us or our product: a problem they describe is not a feeling
    scored = [(t if t > 0 or ABOUT_US.search(s) else 0.0, s) for t, s in scored]
    if not scored:
        return "unknown", None, 0
    mean = sum(t for t, _ in scored) / len(scored)
    warm = sum(1 for t, _ in scored if t >= 0.6)
    cold = sum(1 for t, _ in scored if t <= -0.3)
    strongest = max(scored, key=lambda pair: (abs(pair[0]), pair[1]))[1]
    if cold >= 2 and cold > warm:
        return ("negative" if cold >= 4 and mean <= -0.3 else "skeptical"), strongest, len(scored)
    if mean >= 0.25 and warm >= 2:
        return "enthusiastic", strongest, len(scored)
    if mean >= 0.15 and warm >= 1:  # a warm sentence, not "security" or "agreement" scoring a little above zero
        return "positive", strongest, len(scored)
    if mean <= -0.15:
        return "skeptical", strongest, len(scored)
    return "neutral", strongest, len(scored)


__all__ = ["sentence_tone", "tone_read"]
