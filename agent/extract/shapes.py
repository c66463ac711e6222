"""Sentence shapes that say what a sentence does for a CSM, in English, German, French and Spanish.

What it is for: ``shape_sections(text)`` names the sections a sentence's structure points to — a condition
and its cost or a team of one (risks), another part of the customer that may come on later (expansion), what
was bought with its licences and hours or a share of someone's time (implementation). classify.place weighs
them like cue phrases. Not for: the cue phrases the sentence classifier reads as features (cues.py; these
shapes stay out of them so the shipped weights keep meaning what they were trained on), or headings.
"""

from __future__ import annotations

from agent.extract.lexicon import rx

# What puts the deal or its money at risk, by the shape of the sentence rather than a word: a condition and what
# follows from it ("if X, we lose / review / pay another year"), later years not yet committed, and a team of one.
DEAL_THREAT = rx(
    r"\bif\b[^.;]{3,140}?\b(?:los[et]|losing|review(?:ed|s)?|revisit\w*|reconsider\w*|cut|cancel\w*|pull (?:the plug|out)|"
    r"walk away|freeze|on hold|looked at|pay\b[^.;]{0,25}\banother)\b",
    r"\b(?:years? (?:two|2|three|3)|renewal|the (?:second|third) year)\b[^.;]{0,50}\b(?:depend|contingent|subject to|"
    r"go(?:es)? to the board)",
    r"(?:\b(?:wenn|falls|sollten?)\b|^\W*\w+(?:en|t) (?:wir|sie|die|der|das|es)\b)[^.;]{3,140}?\b(?:verlier\w*|verloren|"
    r"überprüf\w*|überdenk\w*|streich\w*|gestrichen|kündig\w*|auf eis|zurückzieh\w*|neu (?:bewert|verhandel)\w*)",
    r"\b(?:jahre?|jahr) (?:zwei|2|drei|3)\b[^.;]{0,60}\b(?:häng\w*|abhängig|bestätig\w*|genehmig\w*)",
    r"\bsi\b[^.;]{3,140}?\b(?:perd\w*|revoir|révis\w*|annul\w*|coup\w*|remett\w* en (?:question|cause)|"
    r"reconsid[ée]r\w*|arrêt\w*|revisar\w*|revisaremos|cancel\w*|recort\w*|suspend\w*)",
    r"\bann[ée]es? (?:2|deux|3|trois)\b[^.;]{0,50}\bdépend",
    r"\b(?:(?:segundo|tercer) año|años? (?:2|dos|3|tres))\b[^.;]{0,60}\b(?:depend\w*|revis\w*|aprob\w*)",
)
THIN_TEAM = rx(
    r"\b(?:i'?m|i am) (?:the only|alone)\b",
    r"\bteam is (?:just )?(?:me|one|two)\b",
    r"\bme and (?:one|a|two)\b",
    r"\bonly (?:one|two) (?:people|person|engineers?|analysts?|developers?|admins?)\b",
    r"\bseule? (?:à|au|en|dans|pour)\b",
    r"\bmoi et (?:un|une|deux)\b",
    r"\ballein (?:in|für|im|mit)\b",
    r"\bich und (?:ein|eine|zwei)\b",
    r"\bnur (?:ein|eine|zwei) (?:person|leute|kolleg\w*|mitarbeiter\w*)\b",
    r"\b(?:solo|sola|solito) (?:en|con|para)\b",
    r"\byo y (?:un|una|dos)\b",
    r"\bsolo (?:una|dos) personas?\b",
)

# Another part of the customer, or a neighbour, that may come on later: the shape of an expansion.
_OTHER_UNIT = (
    r"(?:division|business unit|sister company|subsidiary|affiliate|neighbou?ring|other (?:site|plant|region|team)s?|"
    r"sparte|tochter\w*|nachbar\w*|schwester\w*|geschäftsbereich|filiale|voisin\w*|división|filial|vecin\w*|"
    r"hermana|unidad de negocio)"
)
GROWTH = rx(
    rf"\b{_OTHER_UNIT}\b[^.;]{{0,80}}\b(?:could|might|may|would|wants?|will|interested|asked|join\w*|come in|follow|"
    r"einsteigen|einsteig\w*|nachziehen|folgen|interess\w*|gemeinsam nutzen|mitnutzen|nachgefragt|pourrai\w*|suivre|"
    r"rejoindre|intéress\w*|podría\w*|sumar\w*|unir\w*|interesad\w*|quier\w*)\b",
    r"\b(?:join\w*|come in|einsteigen|suivre|sumarse)\b[^.;]{0,60}\b(?:next year|20\d\d|nächstes jahr|l'an prochain|"
    r"el año que viene|el próximo año)\b",
)

# What was bought and the people put on it: an amount with licences, seats or service hours ("year one 96,000,
# 30 creators and 80 hours of services"), or a share of someone's time ("0.3 FTE", "eine halbe Stelle").
_AMOUNT = r"(?:[$€£]\s?\d|\d[\d.,\s]*\s?(?:k\b|\$|€|£|eur\b|euro|usd\b|cad\b|chf\b|dollars?|pesos?))"
SCOPE = rx(
    rf"{_AMOUNT}[^.;]{{0,120}}\b(?:licen[cs]es?|licencias?|lizenzen|seats|creators?|créateurs|creadores|users|usuarios|"
    r"utilisateurs|nutzer|hours|heures|horas|stunden|ps hours)\b",
    r"\b(?:licen[cs]es?|licencias?|lizenzen|seats|creators?|hours|heures|horas|stunden)\b[^.;]{0,120}" + _AMOUNT,
    r"\b\d+(?:[.,]\d+)?\s?fte\b",
    r"\b(?:halbe[n]? (?:stelle|mann)|mi-temps|media jornada|medio tiempo)\b",
)


def shape_sections(text: str) -> set[str]:
    """The sections the shape of ``text`` points to (empty when it has none of these shapes)."""
    found = set()
    if DEAL_THREAT.search(text) or THIN_TEAM.search(text):
        found.add("risks")
    if GROWTH.search(text):
        found.add("expansion")
    if SCOPE.search(text):
        found.add("implementation")
    return found
