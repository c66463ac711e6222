"""Which language a message or a sentence is written in, with the model inside the lingua wheel.

What it is for: ``language_of(text, fallback)`` returns an ISO 639-1 code ("en", "de", "fr",
"es": the languages the reader reads) for a sentence, falling back to the message's language when the
sentence is too short or too close to call (a product name, "OK", a number), so a German
champion's sentence is tagged "de" inside an English thread. The detector is built once per
process from the models the ``lingua-language-detector`` wheel ships; nothing is downloaded.
Not for: reading the languages (the cue modules do that).
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

# The languages the reader reads; a fresh process loads their models on first use. Low-accuracy mode
# loads the trigram models only: 13 MB instead of 150 MB resident, and on the 555 labelled sentences
# of data/sentences_*.tsv it errs once more than the full models (2 errors against 1).
LANGUAGES = {Language.ENGLISH: "en", Language.GERMAN: "de", Language.FRENCH: "fr", Language.SPANISH: "es"}
MIN_LETTERS = 12  # below this a sentence's language is a guess: take the message's
MIN_MARGIN = 0.2  # the best language must lead the second by this much confidence
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*LANGUAGES).with_low_accuracy_mode().build()


def letter_count(text: str) -> int:
    """How many letters ``text`` has (digits, punctuation and spaces left out): what a language can be read from."""
    return len(re.sub(r"[^\w]|[\d_]", "", text))


@lru_cache(maxsize=8192)
def language_of(text: str, fallback: str | None = None) -> str | None:
    """The language ``text`` is written in, or ``fallback`` when it is too short or unclear."""
    if letter_count(text) < MIN_LETTERS:
        return fallback
    with _lock:
        values = _detector().compute_language_confidence_values(text)
    if not values:
        return fallback
    best = values[0]
    second = values[1].value if len(values) > 1 else 0.0
    if fallback and best.value - second < MIN_MARGIN:
        return fallback
    return LANGUAGES.get(best.language, fallback)


def message_language(sentences: list[str], fallback: str = "en") -> str:
    """The language most of a message's letters are in (a long sentence counts more than "Danke!")."""
    weight: dict[str, int] = {}
    for sentence in sentences:
        code = language_of(sentence)
        if code:
            weight[code] = weight.get(code, 0) + len(sentence)
    return max(sorted(weight), key=lambda c: weight[c]) if weight else fallback


__all__ = ["LANGUAGES", "language_of", "message_language"]
