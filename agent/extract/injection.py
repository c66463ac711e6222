"""Screening text that came from mail for instructions aimed at a model, in English, German, French and Spanish.

What it is for: ``looks_like_instruction(text)`` says whether a field an extractor
returns (an item, a quote, a name, a title, a concern, a reason, an industry...) repeats
an instruction planted in a source ("ignore previous instructions", "ignoriere alle
vorherigen Anweisungen", "oublie les instructions précédentes", "ignora las
instrucciones anteriores", a role marker such as "SYSTEM:", a fence tag such as
"</sources>"). Such a field is dropped: a handoff never needs those words.
Not for: deciding who receives mail (no content can do that) or judging the mail itself.
"""

from __future__ import annotations

import re

_EN = (
    r"\b(?:ignore|disregard|forget|override|skip)\b[^.\n]{0,40}\b(?:previous|prior|above|earlier|all|any|your|the)\b"
    r"[^.\n]{0,30}\b(?:instructions?|prompts?|rules|directions|guidelines)\b",
    r"\byou are now\b",
    r"\bfrom now on,? you\b",
    r"\bsystem prompt\b",
    r"\bnew instructions?\s*:",
    r"\b(?:act|behave) as (?:an?|the) (?:ai|assistant|model|system)\b",
    r"\b(?:add|set|make)\b[^.\n]{0,40}\bas (?:the )?(?:csm|recipient|cc|bcc)\b",
    r"\b(?:send|forward|mail|email)\b[^.\n]{0,30}\b(?:handoff|document|draft|this)\b[^.\n]{0,20}\bto\b[^.\n]{0,40}@",
)
_DE = (
    r"\b(?:ignorier\w*|vergiss|vergessen sie|missacht\w*|übergeh\w*)\b[^.\n]{0,40}"
    r"\b(?:anweisung\w*|instruktion\w*|regeln|vorgaben|befehle)\b",
    r"\bdu bist (?:jetzt|nun|ab sofort)\b",
    r"\bsie sind (?:jetzt|nun|ab sofort)\b",
    r"\bsystem-?prompt\b",
    r"\bneue anweisung\w*\s*:",
    r"\b(?:sende|schicke|leite)\b[^.\n]{0,40}\b(?:übergabe|dokument|entwurf)\b[^.\n]{0,30}\ban\b[^.\n]{0,40}@",
)
_FR = (
    r"\b(?:ignore[rsz]?|oublie[rsz]?|néglige[rsz]?|outrepasse[rsz]?)\b[^.\n]{0,40}"
    r"\b(?:instructions?|consignes?|règles|directives)\b",
    r"\b(?:tu es|vous êtes) (?:maintenant|désormais|dorénavant)\b",
    r"\b(?:prompt|invite|message) (?:du )?système\b",
    r"\bnouvelles? (?:instructions?|consignes?)\s*:",
    r"\b(?:envoie[rsz]?|transfère[rsz]?)\b[^.\n]{0,40}\b(?:document|passation|brouillon)\b[^.\n]{0,30}\bà\b[^.\n]{0,40}@",
)
_ES = (
    r"\b(?:ignora\w*|olvida\w*|omite|omitir|descarta\w*)\b[^.\n]{0,40}"
    r"\b(?:instrucciones|indicaciones|reglas|directrices|órdenes)\b",
    r"\b(?:ahora eres|ahora usted es|a partir de ahora eres)\b",
    r"\b(?:prompt|mensaje|instrucciones) del sistema\b",
    r"\bnuevas instrucciones\s*:",
    r"\b(?:envía|envia|enviar|reenvía|reenvia)\b[^.\n]{0,40}\b(?:documento|traspaso|borrador)\b[^.\n]{0,30}\ba\b"
    r"[^.\n]{0,40}@",
)
_MARKERS = (
    r"(?:^|\n)\s*(?:system|assistant|human|user|developer)\s*:",
    r"</?\s*(?:sources?|data|system|instructions?|reply|document|fence)[\w-]*\s*>",
    r"\[/?(?:inst|system)\]",
)
_PATTERN = re.compile("|".join(f"(?:{p})" for p in (*_EN, *_DE, *_FR, *_ES, *_MARKERS)), re.IGNORECASE)


def looks_like_instruction(text: str | None) -> bool:
    """True when ``text`` carries an instruction aimed at a model rather than a fact about the deal."""
    return bool(text) and _PATTERN.search(text or "") is not None
