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
from agent.extract.lexicon import rx
from agent.extract.units import Unit

_ACTION = (
    r"(?:have|send|set up|deliver|provide|get|give|share|run|be in touch|book|confirm|schedule|finish|complete|"
    r"hand over|bring|host|introduce|go out|goes out|ready|liefern|schicken|senden|bereitstellen|livrer|envoyer|"
    r"fournir|enviar|entregar|tener)"
)
OUR_PRONOUN = re.compile(rf"\b(?:she|he|they)(?:'ll| will| is going to)\s+(?:\w+\s+){{0,2}}{_ACTION}\b", re.I)
TOLD = re.compile(r"\b(?:i|we) (?:told|promised|assured) (?:[A-Z]\w+|them|her|him)\b", re.I)
FIRST_PERSON = rx(r"\b(?:i|we)(?:'ll| will| can have| can get| will have| am going to| are going to)\b",
                  r"\b(?:ich|wir) (?:werde|werden|kann|können|liefern|schicke|stellen)\b",
                  r"\b(?:je|nous) (?:vais|allons|pourrai|pourrons|livrerons|enverrons)\b",
                  r"\b(?:lo |la |los )?(?:tendré|tendremos|enviaré|enviaremos|entregaremos|podré|podremos)\b")  # fmt: skip
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
        if TOLD.search(text) and dated:
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
    """ "We'll map the feed by April 17 and record the videos by May 8" -> two promises, each with its date."""
    parts = SPLIT.split(text)
    if len(parts) < 2:
        return [text]
    out: list[str] = []
    for part in parts:
        if out and not DATE_WORDS.search(part) and not re.search(r"\b(?:by|bis|avant|antes|before)\b", part, re.I):
            out[-1] = f"{out[-1]} and {part}"
            continue
        out.append(part)
    dated = [p for p in out if DATE_WORDS.search(p)]
    return out if len(out) > 1 and len(dated) == len(out) else [text]


def first_names(names: set[str]) -> set[str]:
    return {fold(n).split(" ")[0] for n in names if n and len(fold(n).split(" ")[0]) > 1}


__all__ = ["first_names", "promise_owner", "split_promises"]
