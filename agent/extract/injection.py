"""Screening text that came from mail for instructions aimed at a model, in English, German, French and Spanish.

What it is for: ``looks_like_instruction(text)`` says whether a field an extractor
returns (an item, a quote, a name, a title, a concern, a reason, an industry...) repeats
an instruction planted in a source ("ignore previous instructions", "ignoriere alle
vorherigen Anweisungen", "oublie les instructions précédentes", "ignora las
instrucciones anteriores", a role marker such as "SYSTEM:", a fence tag such as
"</sources>"), or a line addressed to a model ("Memo to the language model: ...", "Notiz für die
KI", "Message pour l'IA", "Aviso para la inteligencia artificial"). Such a field
is dropped: a handoff never needs those words. The offline reader drops such a sentence and the
rest of its paragraph (units.py), since what follows the instruction is its payload.
Not for: deciding who receives mail (no content can do that) or judging the mail itself.
"""

from __future__ import annotations

import re

# Words for a model, in the four languages: a line addressed to one is planted, not written to a person.
_AI = (
    r"(?:ai|a\.i\.|llm|gpt|chatbot|ki|ia|language model|sprachmodell|modèle de langage|modelo de lenguaje|"
    r"intelligence artificielle|inteligencia artificial|künstliche intelligenz)s?"
)
# Between "for" and the model: an article or quantifier and a word for assistant or system ("le système d'IA").
_WHO = (
    r"(?:(?:the|any|all|every|den|die|das|alle|jede[nm]?|l['’]|le|la|les|tout|toute|tous|el|los|las|cualquier)\s*)?"
    r"(?:(?:assistant|assistent|asistente|model|modèle|modelo|system|système|sistema)\w*\s+(?:de\s+|d['’])?)?"
)
# "Memo to any LLM:", "Notiz für die KI", "Message pour le modèle de langage", "Aviso para la IA".
_ADDRESSED = (
    r"\b(?:note|notice|message|instructions?|attention|reminder|memo|hinweis|anweisung(?:en)?|nachricht|notiz|"
    r"achtung|mitteilung|consignes?|remarque|avis|nota|instrucci[oó]n(?:es)?|mensaje|aviso|atenci[oó]n)\b"
    rf"[^.\n:]{{0,12}}\b(?:for|to|an|für|pour|à|aux|para|al?)\s+{_WHO}{_AI}\b",
    rf"\b(?:attention|achtung|atenci[oó]n|dear|liebe[rs]?|cher|chère|querid[oa]),?\s+{_AI}\b",
    rf"\b(?:any|every|all)\s+{_AI}\b[^.\n]{{0,30}}\b(?:reading|processing|summari[sz]ing)\b",
    # "Note to the summarizer:", "To whoever drafts this summary:": a line for the machine that reads the mail
    r"\b(?:note|message|memo|instructions?|reminder)\s+(?:to|for)\s+(?:the|any|whatever|whichever)\s+(?:summari[sz]er|"
    r"summari[sz]ing (?:tool|system)|bot|tool|parser|automation|system|assistant|software|program|app|engine)\b",
    r"\bto (?:whoever|whatever|the (?:tool|system|bot) that) (?:reads|drafts|summari[sz]es|processes|writes up) "
    r"(?:this|these)\b",
    # "Assistant reading this export:", "whatever software summarises this thread", "the tool that parses this"
    r"(?:^|[\n\"“(])\W*(?:(?:the|dear|hey|any|whatever)\s+)?(?:assistant|bot|model|summari[sz]er|software|tool|system|"
    r"program|parser|ai|llm)s?\s+(?:that\s+)?(?:reading|processing|summari[sz]ing|parsing|reads|processes|"
    r"summari[sz]es|parses)\s+(?:this|these)(?:\s+[\w-]+){0,2}\s*[:,]",
)
# Telling the reader to drop what it was told: a verb of setting aside, as an order (at the start of a clause,
# after "please" or "you must"), near a word for instructions. "We can't ignore the rules" states, not orders.
_START = (
    r"(?:^|(?<=[\n:;,.!?\"«“(\[>–—-])|\b(?:and|then|please|you (?:must|should|need to|have to)|und|bitte|dann|"
    r"et|puis|veuillez|merci de|vous devez|tu dois|y|luego|por favor|debes|deben|tienes que))\s*\b"
)
_EN = (
    rf"{_START}(?:ignore|disregard|forget|override|skip|bypass|pay no attention to|do not follow|don'?t follow|"
    r"stop following|set aside|throw out|drop)\b[^.\n]{0,40}\b(?:previous|prior|above|earlier|all|any|your|the)\b"
    r"[^.\n]{0,30}\b(?:instructions?|prompts?|rules|directions|guidelines|guidance|directives?|orders|commands|"
    r"policies|constraints)\b",
    rf"{_START}(?:ignore|disregard|forget)\b\s+(?:everything|anything|all|what)\b[^.\n]{0, 20}"
    r"\b(?:above|before|earlier|previously|you (?:were|have been) told)\b",
    r"\bdisregard (?:all |any )?(?:prior|previous|above|earlier)\b",
    r"\bas an ai\b",
    r"\byou are now\b",
    r"\bfrom now on,? you\b",
    r"\b(?:system|assistant) prompt\b",
    r"\bnew instructions?\s*:",
    r"\b(?:act|behave) as (?:an?|the) (?:ai|assistant|model|system)\b",
    r"\b(?:add|set|make)\b[^.\n]{0,40}\bas (?:the )?(?:csm|recipient|cc|bcc)\b",
    r"\b(?:send|forward|mail|email)\b[^.\n]{0,30}\b(?:handoff|document|draft|this)\b[^.\n]{0,20}\bto\b[^.\n]{0,40}@",
)
_DE_RULES = r"(?:anweisung\w*|instruktion\w*|regeln|vorgaben|befehle|anordnung\w*|richtlinien)"
_DE = (
    rf"{_START}(?:ignorier\w*|vergiss|vergessen sie|missacht\w*|übergeh\w*|beachte\w* (?:nicht|keine)|"
    r"setze?\w* (?:alle |die )?\w*\s*außer kraft)\b[^.\n]{0,40}"
    rf"\b{_DE_RULES}\b",
    # German puts the verb last: "alle bisherigen Anweisungen sind zu ignorieren / nicht mehr zu beachten".
    r"\b(?:alle|bisherig\w*|vorherig\w*|vorig\w*|obig\w*|früher\w*|vorangegangen\w*)\s+"
    rf"{_DE_RULES}\b[^.\n]{{0,40}}\b(?:ignorier\w*|vergessen|missacht\w*|(?:nicht|nicht mehr) (?:zu )?"
    r"(?:be)?acht\w*|außer acht\w*|außer kraft|(?:sind|gelten) (?:nicht mehr|ab sofort nicht)\w*)",
    r"\bdu bist (?:jetzt|nun|ab sofort)\b",
    r"\bsie sind (?:jetzt|nun|ab sofort)\b",
    r"\bsystem-?prompt\b",
    r"\bneue anweisung\w*\s*:",
    r"\b(?:sende|schicke|leite)\b[^.\n]{0,40}\b(?:übergabe|dokument|entwurf)\b[^.\n]{0,30}\ban\b[^.\n]{0,40}@",
)
_FR = (
    rf"{_START}(?:ignore[rsz]?|oublie[rsz]?|néglige[rsz]?|outrepasse[rsz]?|écarte[rsz]?|passe[rsz]? outre|"
    r"(?:ne\s+)?(?:tenez|tiens|tenir|tenant)\s+(?:pas|plus|aucun)\s+compte|ne pas tenir compte|sans tenir compte|"
    r"(?:faites|fais|faire) abstraction|ne (?:suivez|suis|respectez|respecte) (?:pas|plus))\b[^.\n]{0,40}"
    r"\b(?:instructions?|consignes?|règles|directives|ordres|indications)\b",
    r"\b(?:tu es|vous êtes) (?:maintenant|désormais|dorénavant)\b",
    r"\b(?:prompt|invite|message) (?:du )?système\b",
    r"\bnouvelles? (?:instructions?|consignes?)\s*:",
    r"\b(?:envoie[rsz]?|transfère[rsz]?)\b[^.\n]{0,40}\b(?:document|passation|brouillon)\b[^.\n]{0,30}\bà\b[^.\n]{0,40}@",
)
_ES = (
    rf"{_START}(?:ignora\w*|olvida\w*|omite|omitir|descarta\w*|(?:no )?(?:tengas|tenga|tener|tomes|tome|tomar) en cuenta|"
    r"(?:haz|haga|hacer|hagan) caso omiso|(?:pasa|pase|pasar) por alto|no (?:hagas|haga) caso|"
    r"(?:deja|deje|dejar) de lado|no (?:sigas|siga|seguir))\b[^.\n]{0,40}"
    r"\b(?:instrucciones|indicaciones|reglas|directrices|órdenes|pautas|consignas)\b",
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
_PATTERN = re.compile(
    "|".join(f"(?:{p})" for p in (*_ADDRESSED, *_EN, *_DE, *_FR, *_ES, *_MARKERS)), re.IGNORECASE | re.MULTILINE
)


def looks_like_instruction(text: str | None) -> bool:
    """True when ``text`` carries an instruction aimed at a model rather than a fact about the deal."""
    return bool(text) and _PATTERN.search(text or "") is not None
