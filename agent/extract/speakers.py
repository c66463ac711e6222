"""Sources read into sentence units, each with who said it: the customer, our side, or the rep's note.

What it is for: ``read_units`` turns an account's new sources into ``Unit`` records (units.py
cuts the sentences) with the author decided by who speaks to whom — our domains and our
people's names (``our_names``), transcript speakers who talk like a vendor, the rep's notes
— each sentence's language, customer words a rep quoted in a note, and on a call the section our
question asked about as the heading of the customer's answer (``asked_about``); ``quotes_of`` gives
the verbatim quotes an item may carry (the customer's own words only). Not for: deciding
sections (offline.py, classify.py) or promises (commitments.py).
"""

from __future__ import annotations

import re
from datetime import date

from agent.document import HandoffDocument, Quote, fold, name_key
from agent.extract import lexicon
from agent.extract.base import ExtractionContext
from agent.extract.commitments import company_words
from agent.extract.language import language_of, message_language
from agent.extract.people import collect_people, is_customer, speaker_name
from agent.extract.units import Unit, body_units, call_day, crm_units, heading_section, message_anchor, split_sentences
from mailflows.inbound.mail import ThreadMessage

QUOTED_SPEECH = re.compile(r"\b([A-Z][a-z]+)(?: [A-Z][a-z]+)?(?: \([^)]{1,40}\))?:\s*[\"“]([^\"”]{12,400})[\"”]")


def our_names(sources: list[ThreadMessage], ctx: ExtractionContext) -> set[str]:
    names = {fold(ctx.rep.name)} if ctx.rep.name else set()
    label = re.sub(r"[^a-z]", "", sorted(ctx.company_domains)[0].split(".")[0].lower()) if ctx.company_domains else ""
    # a speaker who introduces themself as one of us: "I'm the sales engineer on the Lumen Data side"
    ours = "|".join(sorted(company_words(label), key=len, reverse=True))
    one_of_us = (
        re.compile(rf"\b(?:i'?m|i am|this is|ich bin|je suis|soy)\b[^.]{{0,60}}\b(?:{ours})", re.I) if ours else None
    )
    for msg in sources:
        for addr in msg.participants():
            if addr.name and ctx.is_ours(addr.email):
                names.add(fold(addr.name))
        for match in re.finditer(r"([A-Z][\w'-]+ [A-Z][\w'-]+)\s*<([^>]+)>", msg.body + "\n" + msg.quoted):
            if ctx.is_ours(match.group(2)):
                names.add(fold(match.group(1)))
        for match in re.finditer(r"\bour [\w ]{0,40}?,\s*([A-Z][\w'-]+ [A-Z][\w'-]+)", msg.body + "\n" + msg.quoted):
            names.add(fold(match.group(1)))
        for match in re.finditer(r"(?im)^\s*us:\s*(.+)$", msg.body):
            names.update(fold(n.split("(")[0]) for n in match.group(1).split(","))
        if msg.sender is not None and ctx.is_ours(msg.sender.email):
            # our side naming a colleague: "Marcus Lee is our sales engineer", "Nils (our SE)", "our SE Nils Berg"
            for match in OUR_COLLEAGUE.finditer(msg.body):
                names.add(fold(next(g for g in match.groups() if g)))
        if one_of_us is not None:
            names.update(fold(speaker_name(t.speaker)) for t in msg.turns if one_of_us.search(t.text))
    return {n for n in names if n}


_FULL_NAME = r"([A-Z][\w'-]+ [A-Z][\w'-]+)"
OUR_COLLEAGUE = re.compile(
    rf"{_FULL_NAME} (?:is|was|will be) our\b|{_FULL_NAME} \((?:our|from our)\b|"
    rf"\bour (?:sales engineer|SE|solutions? (?:engineer|architect|consultant)|engineer|architect|consultant|colleague)\s+"
    rf"{_FULL_NAME}"
)


def _speaker_is_ours(speaker: str, ours: set[str], customers: dict[str, str]) -> bool:
    key = fold(speaker)
    if key in customers:
        return False
    first = key.split(" ")[0]
    return key in ours or any(n.split(" ")[0] == first for n in ours if " " not in key)


RAN_THE_CALL = re.compile(
    r"\b([A-Z][a-z]+)(?: [A-Z][a-z]+)? (?:ran|presented|demoed|showed|led|drove) the (?:demo|call|session)"
)


def _vendor_speakers(msg: ThreadMessage, sources: list[ThreadMessage], customers: dict[str, str]) -> set[str]:
    """Transcript speakers we cannot place who talk like a vendor, or whom the rep says ran the demo."""
    talk: dict[str, int] = {}
    for turn in msg.turns:
        name = fold(speaker_name(turn.speaker))
        talk[name] = talk.get(name, 0) + len(lexicon.VENDOR_TALK.findall(turn.text))
    presenters = {fold(m.group(1)) for src in sources if not src.turns for m in RAN_THE_CALL.finditer(src.body)}
    out = set()
    for speaker, score in talk.items():
        if speaker in customers:
            continue
        if score >= 1 or speaker.split(" ")[0] in presenters:
            out.add(speaker)
    return out


def self_description(account_name: str) -> re.Pattern[str]:
    """ "<Account> is a ..." / "We are a ...": how a customer describes its own company, whatever the industry."""
    words = [re.escape(w) for w in re.findall(r"[\w&'-]+", account_name)[:2]]
    name = words[0] + "".join(rf"(?:\s+{w})?" for w in words[1:]) if words else r"(?!x)x"
    return re.compile(
        rf"(?:^|[,;:]\s+|^as \w+ \w+,?\s+)(?:(?:{name}(?:\s+[\w&'.-]+){{0,3}}\s+is|we(?:'re|\s+are))\s+an?|we\s+(?:make|build|"
        rf"sell|produce|manufacture|provide|operate|run)(?:\s+an?)?)\s+(?P<what>[^.,:;()]{{3,70}}?)(?=\s+(?:with|that|which|across|"
        rf"about|and we|where)\b|[.,:;()]|$)",
        re.IGNORECASE,
    )


def read_units(sources: list[ThreadMessage], ctx: ExtractionContext, document: HandoffDocument) -> list[Unit]:
    people = collect_people(sources, ctx)
    customers = {fold(p.name): p.email for p in people.values()}
    customers.update({fold(s.name): s.email or "" for s in document.sections.stakeholders})
    # "Ramón Escrivá" on a call is the "Ramon Escriva" of the mail
    customers.update({name_key(n): e for n, e in list(customers.items()) if e and name_key(n) not in customers})
    ours = our_names(sources, ctx)
    parent_dates: dict[str, date | None] = {}
    bodies: dict[str, str] = {}
    units: list[Unit] = []
    for msg in sources:
        root = msg.id.split("#", 1)[0]
        anchor = message_anchor(msg.body, msg.date) if msg.kind != "calendar" else None
        anchor = anchor or parent_dates.get(root)
        parent_dates.setdefault(root, anchor)
        bodies.setdefault(root, msg.body)
        if msg.turns and anchor is not None:  # "tomorrow" on a call is the day after the call, not after the forward
            anchor = call_day(msg.body, bodies.get(root, ""), anchor)
        if msg.auto_generated:
            continue
        if msg.turns:
            vendor = _vendor_speakers(msg, sources, customers)
            asked: str | None = None  # what our last question on the call asked about
            for turn in msg.turns:
                name = speaker_name(turn.speaker)
                ours_turn = _speaker_is_ours(name, ours, customers) or fold(name) in vendor
                author = "ours" if ours_turn else "customer"
                email = customers.get(fold(name)) or customers.get(name_key(name))
                said = body_units(turn.text, msg.id, name, email, author, anchor)
                if ours_turn:
                    asked = asked_about(turn.text)
                elif asked:
                    for unit in said:
                        unit.heading = unit.heading or asked  # the answer to "What hurts most today?"
                units.extend(said)
            continue
        if msg.kind == "crm":
            units.extend(crm_units(msg.body, msg.id, anchor))
            continue
        sender = msg.sender
        if sender is None:
            author, speaker, email = "note", "", None
        elif ctx.is_ours(sender.email):
            author, speaker, email = "ours", sender.name or sender.email, sender.email
        elif is_customer(sender.email, ctx):
            author, speaker, email = "customer", sender.name or sender.email, sender.email
        else:
            continue
        found = body_units(msg.body, msg.id, speaker, email, author, anchor)
        if msg.kind == "calendar":
            for unit in found:
                unit.quote = ""
        units.extend(found)
    _note_voices(units, customers, ours)
    _tag_languages(units)
    profile = self_description(ctx.account.name)
    for unit in units:
        if unit.heading is None and unit.author in {"customer", "note"} and profile.search(unit.text):
            unit.heading = "company_overview"
    return units


ASKABLE = frozenset({
    "pain_points", "success_metrics", "purchase_drivers", "implementation", "competitive_context", "expansion", "risks",
})  # fmt: skip


PAIN_ASKED = lexicon.rx(
    r"\bpain",
    r"\bproblems?\b",
    r"\bchallenges?\b",
    r"\bhurts?\b",
    r"\bbroken\b",
    r"\bfrustrat",
    r"\bstruggl",
    r"\bherausforderung",
    r"\bprobleme?\b",
    r"\bschuh\b",
    r"\bproblèmes?\b",
    r"\bdifficult",
    r"\bcoince\b",
    r"\bproblemas?\b",
    r"\bduele\b",
    r"\bdificultades\b",
)


def asked_about(turn: str) -> str | None:
    """The section our call turn's closing question asks about ("What's the biggest problem today?"), like a heading
    over the customer's answer; None when the turn ends on no question or on one about nothing we file."""
    sentences = split_sentences(turn.strip())
    if not sentences or not sentences[-1].rstrip().endswith("?"):
        return None
    key = heading_section(sentences[-1])
    if key == "pain_points" and not PAIN_ASKED.search(sentences[-1]):
        return None  # "how does the data land today?" asks how things work, not what hurts
    return key if key in ASKABLE else None


def _tag_languages(units: list[Unit]) -> None:
    """Each sentence's language, the message's own as the fallback for short or unclear ones."""
    by_source: dict[str, list[Unit]] = {}
    for unit in units:
        by_source.setdefault(unit.source_id, []).append(unit)
    for group in by_source.values():
        main = message_language([u.text for u in group])
        for unit in group:
            unit.lang = language_of(unit.text, main)


def quotes_of(unit: Unit) -> list[Quote]:
    if unit.author == "customer" and unit.quote:
        return [
            Quote(text=unit.quote, speaker=unit.speaker_email or unit.speaker, source_id=unit.source_id, lang=unit.lang)
        ]
    return [
        Quote(text=words, speaker=speaker, source_id=unit.source_id, lang=language_of(words, unit.lang))
        for speaker, words in unit.voices
    ]


def _note_voices(units: list[Unit], customers: dict[str, str], ours: set[str]) -> None:
    """Customer words a rep wrote down in quotation marks, credited to the one customer with that first name."""
    by_first: dict[str, set[str]] = {}
    for name, email in customers.items():
        by_first.setdefault(name.split(" ")[0], set()).add(email or name)
    our_first = {n.split(" ")[0] for n in ours}
    for unit in units:
        if unit.author != "note" or not unit.quote:
            continue
        voices = []
        for match in QUOTED_SPEECH.finditer(unit.quote):
            first = fold(match.group(1))
            who = by_first.get(first, set())
            if len(who) == 1 and first not in our_first:
                voices.append((next(iter(who)), match.group(2)))
        unit.voices = tuple(voices)


__all__ = ["our_names", "quotes_of", "read_units", "self_description"]
