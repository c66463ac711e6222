"""The stakeholders section of the offline reader: who the customer's people are, their titles and roles.

What it is for: ``stakeholders_of`` puts together the people who took part (people.py:
senders, recipients, attendees, CRM rows), the people named with a title in prose or on a
call who never wrote (kept by name, ``email`` None, until their address shows up), their
titles (signature and CRM first, then prose, then their own introduction) and their
roles: a title's guess, what anyone's sentences show of them (roles.roles_shown) and,
winning over both, what the rep states (roles.roles_said). Not for: feelings
(sentiment.py), section sentences (offline.py) or merging into the document (merge.py).
"""

from __future__ import annotations

import re

from agent.document import HandoffDocument, Influence, Role, Stakeholder, fold, name_key
from agent.extract.base import ExtractionContext
from agent.extract.people import (
    DEFAULT_ROLE,
    HONORIFICS,
    Person,
    collect_people,
    referred_people,
    role_for,
    role_unknown,
    stakeholders_from,
)
from agent.extract.roles import key_of as _person_key
from agent.extract.roles import name_of, roles_said, roles_shown, stated_role
from agent.extract.speakers import our_names
from agent.extract.titles import named_titles, self_titled, title_for, title_of, titles_in_text
from agent.extract.units import Unit
from mailflows.inbound.mail import ThreadMessage


def stakeholders_of(
    sources: list[ThreadMessage], ctx: ExtractionContext, document: HandoffDocument, units: list[Unit], champion: bool
) -> list[Stakeholder]:
    people = collect_people(sources, ctx)
    # one mail's name ends there; a transcript's "Participants:" line gives titles its turns do not
    written = titles_in_text("\n\n".join(f"{m.header}\n\n{m.body}" for m in sources if not m.auto_generated))
    prose_titles = {key: without_account(title, ctx) for key, title in written.items()}
    ours = our_people(sources, ctx, units)
    everyone = [p.name for p in people.values()] + [
        s.name for s in document.sections.stakeholders if s.email not in people
    ]
    firsts: dict[str, int] = {}
    for name in {fold(n) for n in everyone if n}:
        firsts[name.split(" ")[0]] = firsts.get(name.split(" ")[0], 0) + 1
    for person in people.values():
        if not person.title and (title := title_for(person.name, prose_titles, everyone)):
            person.title, person.title_in_prose = title, True
    known_names = {name_key(p.name) for p in people.values()}
    for known in document.sections.stakeholders:
        key = (known.email or "").lower()
        known_names.add(name_key(known.name))
        if key and not known.title and key not in people and (title := title_for(known.name, prose_titles, everyone)):
            people[key] = Person(name=known.name, email=key, title=title, title_in_prose=True)
    # a person named with a title (a colleague's mail, the rep's note, a transcript's speaker label): kept by
    # name until their address shows up
    for name, title, source_id in _prose_people(sources, ctx, ours):
        if name_key(name) not in known_names:
            known_names.add(name_key(name))
            title = prose_titles.get(name_key(name), title)
            people[f"name:{fold(name)}"] = Person(name, "", title, [source_id], title_in_prose=True)
    for unit in units:  # a customer who only spoke on a call, named in full
        if (
            unit.author == "customer"
            and not unit.speaker_email
            and fold(unit.speaker) not in ours
            and _full_name(unit.speaker, known_names, firsts)
        ):
            known_names.add(name_key(unit.speaker))
            title = title_for(unit.speaker, prose_titles, [*everyone, unit.speaker])  # "Reto (CEO) decides"
            people[f"name:{fold(unit.speaker)}"] = Person(
                unit.speaker, "", title, [unit.source_id], title_in_prose=bool(title)
            )
    said: dict[str, str] = {}
    by_name = {name_key(p.name): k for k, p in people.items()} | {
        name_key(s.name): _person_key(s) for s in document.sections.stakeholders if _person_key(s) not in people
    }
    for unit in units:
        speaker = (unit.speaker_email or "").lower() or by_name.get(name_key(unit.speaker), "")
        if unit.author == "customer" and speaker:  # a transcript's speaker has a name, and may have no address
            said[speaker] = said.get(speaker, "") + " " + unit.text
    for key, person in people.items():
        if not person.title and (title := self_titled(said.get(key, ""))):
            person.title, person.title_in_prose = title, True
    about = {}
    firsts_here = {fold(p.name).split(" ")[0] for p in people.values() if p.name}
    for key, person in people.items():
        first = fold(person.name).split(" ")[0]
        # what is said of them alone: "Meera is the champion, Rajesh will sign" is nothing about Rajesh's part
        others = [re.compile(rf"\b{re.escape(f)}\b") for f in firsts_here - {first}]
        about[key] = " ".join(
            u.text for u in units if first and first in fold(u.text) and not any(o.search(fold(u.text)) for o in others)
        )
    stated = _rep_roles(
        units, ctx, [Stakeholder(name=p.name, email=p.email or None) for p in people.values()], document
    )
    champion = champion or any(role == "champion" for role, _, _ in stated.values())
    held = [s for s in document.sections.stakeholders if _person_key(s) not in people]
    everyone_here = [Stakeholder(name=p.name, email=p.email or None) for p in people.values()]
    sentences = [(_speaker_key(u, by_name) if u.author == "customer" else "", u.text) for u in units]
    shown = roles_shown(sentences, [*everyone_here, *held])
    by_key = {k: _person_key(e) for k, e in zip(people, everyone_here, strict=True)}
    out = stakeholders_from(people, said, about, champion, {k: shown[by_key[k]] for k in people if by_key[k] in shown})
    out = _with_shown_roles(out, shown, held, ours, ctx, sources[0].id if sources else "")
    out = _with_rep_roles(out, stated, said, document, {fold(n) for n in ours}, sources[0].id if sources else "")
    return out


def our_people(sources: list[ThreadMessage], ctx: ExtractionContext, units: list[Unit]) -> set[str]:
    """The folded names of our own people in these sources: our addresses, our speakers, and the colleague a
    rep brings along to a call ("Felix is with me"), even when the transcript cannot tell whose side he is on."""
    ours = our_names(sources, ctx) | {fold(u.speaker) for u in units if u.author == "ours" and u.speaker}
    brought = {fold(a or b) for u in units if u.author == "ours" for a, b in BROUGHT_ALONG.findall(u.text)}
    return ours | {fold(u.speaker) for u in units if u.speaker and fold(u.speaker).split(" ")[0] in brought}


# "Omar from our solutions team will drive the demo", "Felix is with me", "mein Kollege Jan": one of ours on the
# call, even when the transcript cannot tell whose side he speaks for
BROUGHT_ALONG = re.compile(
    r"\b([A-ZÀ-Ý][a-zà-ÿ]+)(?: [A-ZÀ-Ý][a-zà-ÿ]+)? (?:from our|from my|is with me|de notre|de nuestro|aus unserem)\b|"
    r"\b(?:my colleague|mein(?:e)? Kolleg(?:e|in)|mon collègue|ma collègue|mi compañer[oa]) ([A-ZÀ-Ý][a-zà-ÿ]+)"
)


def _full_name(speaker: str, known: set[str], firsts: dict[str, int]) -> bool:
    """A speaker label that names someone new in full ("Jorge Villarreal"): not one the mail knows, by full name
    or by first name (sentiment._speaker_of reads "Jorge Villarreal" as the one Jorge it knows)."""
    words = speaker.split()
    return (
        2 <= len(words) <= 4
        and "@" not in speaker
        and words[0][:1].isupper()
        and name_key(speaker) not in known
        and not firsts.get(fold(words[0]))
    )


def _speaker_key(unit: Unit, by_name: dict[str, str]) -> str:
    """The person key (``roles.key_of``) of who said ``unit``: their address, else their folded name."""
    return (unit.speaker_email or "").lower() or by_name.get(name_key(unit.speaker), "").removeprefix("name:")


def _prose_people(sources: list[ThreadMessage], ctx: ExtractionContext, ours: set[str]) -> list[tuple[str, str, str]]:
    """(name, title, source id) of the customer's people named with a title in the sources' text, never one of ours
    ("our solutions engineer Tom Hale" in our own mail is ours)."""
    found = []
    account = {fold(w) for w in ctx.account.name.split() if len(w) > 2}  # "Summit Hotels (CFO ...)" is no person
    text = "\n".join(m.body for m in sources if not m.auto_generated)
    for msg in sources:
        vendor = msg.sender is not None and ctx.is_ours(msg.sender.email) and not msg.turns
        if msg.auto_generated:  # an out-of-office names only the colleague it hands over to
            pairs = [(name, title) for name, title, _ in referred_people(msg.body) if title]
        else:
            pairs = named_titles(f"{msg.header}\n\n{msg.body}", vendor=vendor)
        for said, title in pairs:
            name = HONORIFICS.sub("", said).strip() or said  # "Don Patricio, el fundador" is Patricio
            if (
                fold(name) not in ours
                and not _names_us(title, ctx)
                and not _names_us(name, ctx)  # "die Geschäftsleitung hat sich für Lumen Data entschieden"
                and not set(fold(name).split()) & account
                and not is_place(name, text)
            ):
                found.append((name, without_account(title, ctx), msg.id))
    return found


def without_account(title: str, ctx: ExtractionContext) -> str:
    """ "head of finance at Kunde" -> "Head of Finance": the customer's own name is not part of a title."""
    names = [re.escape(n) for n in (ctx.account.name, (ctx.account.domain or "").split(".")[0]) if n and len(n) > 2]
    if not names:
        return title
    cut = re.sub(rf"\s+(?:at|@|bei|chez|de|en|of)\s+(?:the\s+)?(?i:{'|'.join(names)})\b.*$", "", title)
    return title if cut == title else (title_of(cut) or title)


# "at Wolf Lake", "in Ried", "bei Linz", "à Laval", "en Zamora": a name the mail puts after one of these is a place
_AT_PLACE = "at|in|near|bei|nach|à|au|en|cerca de"


# "looping in Ana Ruiz", "bringing in", "keep X in": "in" after one of these brings a person into the thread
_BRINGS_IN = re.compile(r"\b(?:loop|bring|brought|pull|rope|keep|kept|add|copy|copie|cc)\w*\s+$", re.IGNORECASE)


def is_place(name: str, text: str) -> bool:
    """The mail speaks of ``name`` as a place (a site, a town), so it is not a person."""
    return any(
        not _BRINGS_IN.search(text[max(0, m.start() - 20) : m.start()])
        for m in re.finditer(rf"\b(?i:{_AT_PLACE})\s+(?:the\s+)?{re.escape(name)}\b(?!['’]s)", text)
    )


def _names_us(title: str, ctx: ExtractionContext) -> bool:
    """ "solutions architect at Lumen": a title at our company (named by its domain, or the start of it)."""
    ours = [d.split(".")[0] for d in ctx.company_domains]
    words = [w for w in re.findall(r"[a-z0-9]+", fold(title)) if len(w) >= 4]
    squashed = "".join(words)
    return any(domain in squashed or any(domain.startswith(w) for w in words) for domain in ours)


def _with_shown_roles(
    out: list[Stakeholder],
    shown: dict[str, tuple[Role, Influence, str]],
    held: list[Stakeholder],
    ours: set[str],
    ctx: ExtractionContext,
    source_id: str,
) -> list[Stakeholder]:
    """``out`` with what these sources show of people held from earlier mail, and of people they name in full
    for the first time ("Marta Gil lo usará a diario"), kept by name until their address shows up."""
    keys = {_person_key(s) for s in out}
    ours_words = {d.split(".")[0] for d in ctx.company_domains} | {fold(w) for w in ctx.account.name.split()}
    for key, (role, influence, sentence) in shown.items():
        if key in keys or key in {fold(n) for n in ours}:
            continue
        before = next((s for s in held if _person_key(s) == key), None)
        if before is not None:
            title_role = role_for(before.title or "", "", "", role)
            if title_role[0] != role or before.role_said:
                continue
            entry = Stakeholder(name=before.name, email=before.email, source_ids=before.source_ids[:1])
        elif not any(w in key.split() for w in ours_words):
            entry = Stakeholder(name=name_of(key, sentence), source_ids=[source_id] if source_id else [])
        else:
            continue
        entry.role, entry.influence, entry.role_shown = role, influence, sentence
        out.append(entry)
        keys.add(key)
    return out


def _rep_roles(
    units: list[Unit], ctx: ExtractionContext, named: list[Stakeholder], document: HandoffDocument
) -> dict[str, tuple[Role, Influence, str]]:
    """The roles the rep's own words state (a note above a forward, a note attachment), by person key."""
    rep = (ctx.rep.email or "").lower()
    notes = [
        u.text for u in units if u.author == "note" or (u.author == "ours" and (u.speaker_email or "").lower() == rep)
    ]
    keys = {_person_key(n) for n in named}
    return roles_said(notes, [*named, *(s for s in document.sections.stakeholders if _person_key(s) not in keys)])


def _with_rep_roles(
    out: list[Stakeholder],
    stated: dict[str, tuple[Role, Influence, str]],
    said: dict[str, str],
    document: HandoffDocument,
    ours: set[str],
    source_id: str,
) -> list[Stakeholder]:
    """``out`` with the rep's stated roles winning, held people whose words here show their role, and people
    the rep named before their first mail (kept by name: their address merges in later)."""
    keys = {_person_key(s) for s in out}
    held = [s for s in document.sections.stakeholders if _person_key(s) not in keys]
    known = [*out]
    for before in held:
        entry = Stakeholder(name=before.name, email=before.email, source_ids=before.source_ids[:1])
        known.append(entry)
        # someone known from an earlier mail who talks technical matters here, with no title to go by
        if role_unknown(before) and not before.title:
            role, influence = role_for("", said.get(_person_key(before), ""), "")
            if role not in {"other", DEFAULT_ROLE}:
                entry.role, entry.influence = role, influence
                out.append(entry)
    for key in stated:
        if not any(_person_key(p) == key for p in known) and key not in ours:
            known.append(Stakeholder(name=name_of(key, stated[key][2]), source_ids=[source_id] if source_id else []))
    holders = {_person_key(p) for p in [*known, *held] if role_for(p.title or "", "", "")[0] == "economic_buyer"}
    for entry in known:
        if _person_key(entry) in stated:
            title = entry.title or next((p.title for p in held if _person_key(p) == _person_key(entry)), None)
            said_role = stated_role(stated[_person_key(entry)], title or "", bool(holders - {_person_key(entry)}))
            entry.role, entry.influence, entry.role_said = said_role
            if entry not in out:
                out.append(entry)
    return out


__all__ = ["our_people", "stakeholders_of"]
