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
    # a small team or no room for the work, in so many words: "my team is three people", "peu de disponibilité"
    r"\b(?:small|tiny|thin) team\b",
    r"\bteam (?:is|of) (?:only |just )?(?:two|2) (?:people|persons)\b",
    r"\b(?:no|little|limited|not much) (?:bandwidth|capacity)\b",
    r"\bteam besteht (?:nur )?aus (?:zwei|2) (?:leuten|personen|mitarbeiter\w*)\b",
    r"\bkleine[ns]? team\b",
    # the same people tied up in another project: "mitten in der ERP-Umstellung", "en pleine migration"
    r"\b(?:tenemos|tienen) encima\b",
    r"\bnous avons (?:déjà )?sur les bras\b",
    r"\bhaben (?:gerade|noch) \w+ am hals\b",
    r"\b(?:mitten in|in the middle of|en pleine|en plena|en medio de)\b[^.;]{0,30}(?:migration|umstellung|migración|"
    r"einführung|implantation|implementación|déménagement|umzug|mudanza)",
    r"\b(?:keine|wenig|kaum) (?:kapazität|kapazitäten|zeit)\b",
    r"\bkapazität\w* haben wir\b[^.;]{0,20}\bnicht\b",
    r"\béquipe (?:est )?(?:petite|réduite|restreinte)\b",
    r"\bpetite équipe\b",
    r"\bpeu de (?:disponibilité|capacité|bande passante|temps)\b",
    r"\bpas (?:de|le) temps (?:d'|de )",
    r"\bequipo (?:es )?(?:pequeño|reducido|chico)\b",
    r"\b(?:poca|sin|no tenemos) (?:capacidad|disponibilidad)\b",
    r"\bno (?:tienen|tenemos|hay) tiempo (?:de|para)\b",
)
# Who will not use it unless a condition holds: "if it doesn't show X daily, we won't use it", "sinon personne ne
# le regardera", "si no …, no la vamos a usar", "sonst nutzt es keiner"; and doubt about one more tool to learn.
NON_ADOPTION = rx(
    r"\b(?:if|unless)\b[^.;]{3,140}?\b(?:won'?t|will not|nobody will|no one will|not going to) (?:use|adopt|open|look at)\b",
    r"\b(?:wenn|falls|sonst)\b[^.;]{3,140}?\b(?:nutzt|nutzen|verwendet|öffnet|anschauen|schaut)\b[^.;]{0,25}\b(?:keiner|niemand|nicht)\b",
    r"\b(?:wenn|falls)\b[^.;]{3,140}?\b(?:keiner|niemand)\b[^.;]{0,25}\b(?:nutz|verwend|schau)\w*",
    r"\b(?:si|sinon)\b[^.;]{3,140}?\b(?:personne ne|ne (?:va|vont|vais|allons) pas|n'(?:utiliser|utilisera)\w*)",
    r"\bsi\b[^.;]{3,140}?\b(?:no (?:la|lo|las|los) (?:vamos a|van a) (?:usar|utilizar)|nadie (?:la|lo) (?:va a )?(?:usar|utilizar|usará)|"
    r"no (?:la|lo) (?:usaremos|usarán|utilizaremos))\b",
    r"\b(?:skeptic\w*|sceptic\w*|skeptisch\w*|sceptique\w*|escéptic\w*|reluctant|réticent\w*|reticente\w*|"
    r"keine lust|pas envie|no quieren)\b[^.;]{0,40}\b(?:another|one more|yet another|noch (?:ein|eine|einem|einen)|"
    r"un autre|une autre|encore un|otr[oa])\b",
    r"\b(?:another|one more|noch (?:ein|eine|einem|einen)|un autre|une autre|otr[oa])\s+(?:\w+\s+)?(?:tool|app|system|software|"
    r"programm|werkzeug|logiciel|outil|herramienta|programa|aplicación)\b[^.;]{0,40}\b(?:skeptic\w*|skeptisch|sceptique|"
    r"escéptic\w*|no time|keine zeit|pas le temps|sin tiempo)",
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
    if DEAL_THREAT.search(text) or THIN_TEAM.search(text) or NON_ADOPTION.search(text):
        found.add("risks")
    if GROWTH.search(text):
        found.add("expansion")
    if SCOPE.search(text):
        found.add("implementation")
    return found
