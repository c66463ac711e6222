"""Who promised what by when: promises in either side's words, in the first person or the third.

What it is for: ``promise_owner`` says whether a sentence is a promise and whose — ours
("I'll send", "She'll be in touch by Wednesday" in our mail, "Lumen runs the training",
"I told Danielle the invite goes out Monday", a customer's "you promised X by May 1") or the
customer's ("I can have the replica ready by 1 June", "Ezra says his team will have the
crosswalk to you by July 10") — and ``split_promises`` cuts "A by April 17 and B by May 8"
into two promises, each with its own date. The customer's promises count only with a date:
without one they are plans, and the implementation section has them. Not for: resolving
the dates (dates.py) or deciding the item's section otherwise (offline.py).
"""

from __future__ import annotations

import re

from agent.document import Owner, fold
from agent.extract import lexicon
from agent.extract.cues import DATE_WORDS
from agent.extract.dates import names_due
from agent.extract.lexicon import rx
from agent.extract.units import Unit

_ACTION = (
    r"(?:have|send|set up|deliver|provide|get|give|share|run|be in touch|book|confirm|schedule|finish|complete|"
    r"hand over|bring|host|introduce|go out|goes out|ready|liefern|schicken|senden|bereitstellen|livrer|envoyer|"
    r"fournir|enviar|entregar|tener)"
)
OUR_PRONOUN = re.compile(rf"\b(?:she|he|they)(?:'ll| will| is going to)\s+(?:\w+\s+){{0,2}}{_ACTION}\b", re.I)
TOLD = re.compile(r"\b(?:i|we) (?:told|promised|assured) (?:[A-Z]\w+|them|her|him)\b", re.I)
# We (or I) will do it, by the grammar of each language: "wir schicken Ihnen … bis Freitag", "bis Freitag
# liefern wir", "nous vous enverrons", "je vais", "les enviaremos", "lo tendré"; a date makes it a promise.
FIRST_PERSON = rx(r"\b(?:i|we)(?:'ll| will| can have| can get| will have| am going to| are going to)\b",
                  r"\b(?:ich|wir) (?:\w+ )?(?:werde|werden|kann|können|liefern|liefere|schicke|schicken|sende|senden|"
                  r"stellen|stelle|richten|richte|bringen|bereiten|erledigen|kümmern)\b",
                  r"\b(?:liefern|schicken|senden|stellen|richten|bringen) (?:wir|ich)\b",
                  r"\b(?:je|nous) (?:vous |te |les? |la |l')?(?:\w+(?:rai|rons)|vais|allons|envoie|envoyons|livrons)\b",
                  r"\b(?:(?:lo|la|los|las|les|le|te|os) )?\w+(?:aré|eré|iré|dré|(?<!que)remos)\b|\bvamos a\b|"
                  r"\b(?:les|te|os) (?:enviamos|mandamos|mando|envío)\b")  # fmt: skip
SPLIT = re.compile(r",?\s+(?:and|und|et|y)\s+(?=(?:the |our |a |an |die |den |das |le |la |les |el |los )?\S)", re.I)


def _named_promise(text: str, first_names: set[str]) -> bool:
    for name in first_names:
        if re.search(
            rf"\b{re.escape(name)}(?:'s team| and (?:his|her) team)?(?:\s+(?:says|said|confirmed)\s+(?:his|her|their)\s+team)?"
            rf"(?:\s+(?:will|'ll|can|is going to|owes|to)\s+(?:\w+\s+){{0,3}}{_ACTION}|\s+(?:runs|sends|hosts|delivers|owes))\b",
            text,
            re.I,
        ):
            return True
        if re.search(rf"\b{re.escape(name)}\s+says\s+(?:his|her|their)\s+team\s+will\b", text, re.I):
            return True
    return False


# Our side's note that something is ours to deliver: "we still owe them the mapping by May 15", "it's in the SOW",
# "laut Angebot liefern wir … bis", "on leur doit … d'ici", "les debemos … para"
OWED = re.compile(
    r"\b(?:we|I) (?:still |also )?owe\b|\b(?:it'?s|that'?s) (?:in|part of) (?:the|our) (?:sow|contract|order form)\b|"
    r"\bper (?:the )?(?:sow|contract)\b|\bwir schulden\b|\blaut (?:angebot|vertrag|sow|auftrag) (?:liefern|schulden|"
    r"machen|schulen) wir\b|\bon (?:leur|lui) doit\b|\bnous (?:leur|lui) devons\b|\bselon le contrat,? nous\b|"
    r"\b(?:les|le) debemos\b|\bsegún el contrato,? (?:les )?(?:entregamos|debemos)\b|"
    # the next move is ours: "that's on us", "action on us: …", "das liegt bei uns", "c'est à nous", "nos toca"
    r"\b(?:that|this|it)(?:'s| is) on us\b|\b(?:action|next step|ball)(?: is)? on us\b|\b(?:das|es) liegt bei uns\b|"
    r"\bc'est (?:à|pour) nous\b|\b(?:eso )?nos toca\b|\bcorre por nuestra cuenta\b",
    re.IGNORECASE,
)


def promise_owner(unit: Unit, ours: set[str], customers: set[str], company: str) -> Owner | None:
    """ "us", "customer" or None for a sentence; ``ours``/``customers`` are first names, ``company`` our name."""
    text = unit.text
    if lexicon.NOT_COMMITMENT.search(text) or text.rstrip().endswith("?"):
        return None
    dated = bool(DATE_WORDS.search(text)) or bool(re.search(r"\b(?:tomorrow|today|next week|monday|tuesday|"
                                                           r"wednesday|thursday|friday|end of \w+)\b", text, re.I))  # fmt: skip
    # "Lumen runs the training" when our domain is lumendata.example: the company by its short name too
    our_words = set(ours) | ({company[:k] for k in range(4, len(company) + 1)} if company else set())
    if unit.author in {"ours", "note"}:
        if _named_promise(text, our_words) or (unit.author == "ours" and OUR_PRONOUN.search(text)):
            return "us"
        if (TOLD.search(text) or OWED.search(text)) and dated:
            return "us"
        if _named_promise(text, customers) and dated:
            return "customer"
        return None
    if unit.author == "customer" and dated:
        if FIRST_PERSON.search(text) and re.search(rf"\b{_ACTION}\b", text, re.I):
            return "customer"
        if _named_promise(text, customers - our_words):
            return "customer"
        if _named_promise(text, our_words):
            return "us"
    return None


def split_promises(text: str) -> list[str]:
    """ "We'll map the feed by April 17 and record the videos by May 8" -> two promises, each with its date.

    The sentence is cut at "and"/"und"/"et"/"y"; a piece without a date of its own belongs with the next dated
    one (or, at the end, with the one before), and it is two promises only when two pieces are dated.
    """
    cuts = list(SPLIT.finditer(text))
    if not cuts:
        return [text]
    starts = [0, *(m.end() for m in cuts)]
    ends = [*(m.start() for m in cuts), len(text)]
    out: list[tuple[int, int]] = []
    begin: int | None = None
    for start, end in zip(starts, ends, strict=True):
        begin = start if begin is None else begin
        if names_due(text[start:end]):
            out.append((begin, end))
            begin = None
    if begin is not None and out:
        out[-1] = (out[-1][0], len(text))
    return [text[a:b].strip(" ,") for a, b in out] if len(out) > 1 else [text]


def first_names(names: set[str]) -> set[str]:
    return {fold(n).split(" ")[0] for n in names if n and len(fold(n).split(" ")[0]) > 1}


__all__ = ["first_names", "promise_owner", "split_promises"]
