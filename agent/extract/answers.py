"""The rep's reply to a draft: gap answers mapped to sections, the rep's read on people kept as their own.

What it is for: ``read_reply`` turns the rep's reply (quoted history and commands
already removed) into an ``Extraction``: text under a heading or lead-in
("Expansion -- ...", "Pain points: ...", "My read on the people ...") or a numbered
answer matching ``questions[n-1]`` lands in that section; loose paragraphs go through
the same sentence classifier as the sources; sentences about the customer's people
go to ``rep_perspective``, one item per sentence. Never quotes: the rep is not the
customer. Not for: the customer's sources (offline.py).
"""

from __future__ import annotations

import re
from datetime import date

from agent.document import (
    REP_READ,
    SECTION_KEYS,
    Evidence,
    Extraction,
    HandoffDocument,
    Influence,
    Item,
    Role,
    Sections,
    Sentiment,
    Stakeholder,
    Urgency,
    fold,
    name_key,
)
from agent.extract import lexicon
from agent.extract.base import ExtractionContext, Question
from agent.extract.classify import (
    CUE_WEIGHT,
    MIN_CONFIDENCE,
    competitor_in,
    competitor_names,
    dedupe,
    horizon_of,
    section_scores,
    shape_weights,
)
from agent.extract.cues import LATER, heading_section
from agent.extract.dates import resolve_due_precise
from agent.extract.injection import looks_like_instruction
from agent.extract.lexicon import (
    REP_COLD,
    REP_HOSTILE,
    REP_NEUTRAL,
    REP_WARM,
    STANDING,
    denied_before,
    opposition_denied,
)
from agent.extract.mentions import csm_in_prose
from agent.extract.people import role_for
from agent.extract.roles import key_of as role_key
from agent.extract.roles import name_of, roles_said, stated_role
from agent.extract.sectioner import section_probabilities
from agent.extract.shapes import shape_sections
from agent.extract.stance import stance_of
from agent.extract.titles import PERSON, named_titles
from agent.extract.tone import COLD, WARM
from agent.extract.units import Unit, paragraphs, split_sentences
from agent.extract.urgency import read_urgency
from mailflows.inbound.mail import ThreadMessage

FACT_SECTIONS = frozenset({"expansion", "success_metrics", "commitments", "competitive_context", "implementation"})
PRONOUN_START = re.compile(r"^(?:she|he|they|his|her|their|him|them)\b", re.IGNORECASE)
NUMBERED = re.compile(r"^\s*(\d{1,2})[.)]\s+(.*)$")
PEOPLE_CUES = re.compile(
    r"\b(?:decision[- ]maker|decides|champion|politic|won over|sign-?off|final say|trust|blocker|slow-?walk|"
    r"informal leader|quiet|fan\b|loves?\b|kids?\b|twins?\b|toddler|hobby|marathon|fishing|sail|soccer|golf|"
    r"interview|leaving|credibility|scar tissue|pull the plug|kill|negotiat|listens|nitpick|in the loop|"
    r"real work|told you so|came around|family|married|ask (?:him|her) about|coach|daughter|son\b|bless)",
    re.IGNORECASE,
)


def read_reply(
    reply: ThreadMessage, ctx: ExtractionContext, document: HandoffDocument, questions: list[Question]
) -> Extraction:
    by_number = {q.n: q.section for q in questions}
    names = {fold(s.name).split(" ")[0] for s in document.sections.stakeholders if s.name}
    sections = Sections()
    current: str | None = None
    anchor = reply.date.date() if reply.date else None
    for para, hint, listed in paragraphs(reply.body):
        numbered = NUMBERED.match(para)
        if numbered and hint and listed:
            current, para = hint, numbered.group(2)  # a list under "People:" numbers its own points, not our questions
        elif numbered and int(numbered.group(1)) in by_number:
            current = by_number[int(numbered.group(1))]
            current = current if current in SECTION_KEYS else None  # "who is the CSM?" is a command's job
            para = numbered.group(2)
        elif hint:
            current = hint
        elif not listed:
            current = None
        text = re.sub(r"^\s*(?:[-*•]\s+)", "", para).strip()
        lead = LEAD.match(text)
        if lead and lead.group(2) and text[lead.end(1) :].lstrip().startswith(".") and len(lead.group(1).split()) > 3:
            lead = None  # "Ivy is the real decision maker. She ..." is a sentence, not a "People." lead-in
        if lead and heading_section(lead.group(1)):
            # "1) Why they bought: Skylark ..." files by its own lead-in, whatever question 1 was
            current = heading_section(lead.group(1))
            text = lead.group(2).strip()
        elif BARE_HEADING.match(text) and heading_section(text):
            # "3) People:" or "3. Metrics we agreed with Robert:" over a list: the rep's own heading, not question 3
            current = heading_section(text)
            continue
        if re.match(r"(?i)^\s*(?:csm|approve)\b", text) or len(text) < 12 or lexicon.GREETING.match(text):
            continue
        sentences = split_sentences(text)
        while sentences and (lexicon.NOTHING_YET.search(sentences[0]) or EMPTY_NOTE.search(sentences[0])):
            sentences.pop(0)  # "fair that it's empty, it never came up in email." tells the CSM nothing
        text = " ".join(sentences)
        if (
            not text
            or lexicon.REPLY_JUNK.search(text)
            or looks_like_instruction(text)
            or csm_in_prose(text, ctx.company_domains)
        ):
            continue
        key = _reply_section(text, current, names)
        if key is None:
            continue
        # The rep's paragraph stays whole and in its place: "those stores" and "she" keep what they point to;
        # a read on the people starts a new item where a sentence starts with the next person's name.
        chunks = _by_person(text, names) if key == "rep_perspective" else [text]
        for chunk in chunks[:-1]:
            sections.items(key).append(Item(text=chunk, source_ids=[reply.id]))
        item = Item(text=chunks[-1], source_ids=[reply.id])
        if key == "success_metrics":
            item.horizon = horizon_of(text)
        if key == "commitments":
            item.owner = "us"
            due = resolve_due_precise(text, anchor, document.contract_signed) if anchor else None
            item.due, item.due_precision = due if due else (None, None)
            item.time_sensitive = item.due is not None
            item.informal = True
        if key == "competitive_context":
            item.competitor = competitor_in(text, competitor_names(tuple(ctx.competitors), frozenset()), set())
        sections.items(key).append(item)
    sections.stakeholders = rep_reads(reply, document)
    extraction = Extraction(sections=sections, urgency=_reply_urgency(reply, anchor))
    dedupe(extraction)
    return extraction


# A line that only names what follows: a few words ending in a colon or a dash ("People:", "Metrics we agreed:")
BARE_HEADING = re.compile(r"^[^\W\d][^.!?:]{0,60}\s*(?::|--|—|–|-)\s*$")
EMPTY_NOTE = re.compile(r"\b(?:it'?s|is|was) empty\b|\bnever (?:made it|came up)\b|\bnot in (?:the )?e-?mails?\b", re.I)
NEW_SUBJECT = re.compile(
    r"^(?!(?:He|She|They|It|This|That|The|There|But|And|So|If|We|I)\b)[A-Z][a-z]+\s+(?:is|was|has|will|runs|signs|decides|wants|needs|can|should|sees|loves)\b"
)


def _reply_urgency(reply: ThreadMessage, anchor: date | None) -> Urgency | None:
    """What presses, in the rep's own words ("they must show it at the audit on May 3, or …"), read like a note:
    merged like any source's, it can raise the level the mail gave; a reply that names nothing adds nothing."""
    units = [
        Unit(sentence, sentence, reply.id, "", None, "note", anchor, None)
        for para, _hint, _listed in paragraphs(reply.body)
        for sentence in split_sentences(para)
        if not re.match(r"(?i)^\s*(?:csm|approve)\b", sentence) and not looks_like_instruction(sentence)
    ]
    return read_urgency(units)


def _words(text: str) -> set[str]:
    """The words of ``text``, folded, without punctuation or a possessive "'s" ("Sam's" is "sam", "Sofía" stays)."""
    return {re.sub(r"['’]s$", "", w.strip(".,;:()")).strip("'’") for w in fold(text).split()}


def _by_person(text: str, names: set[str]) -> list[str]:
    chunks: list[list[str]] = []
    for sentence in split_sentences(text):
        first = next(iter(_words(sentence.split(" ")[0])), "") if sentence else ""
        if not chunks or ((first in names or NEW_SUBJECT.match(sentence)) and chunks[-1]):
            chunks.append([])
        chunks[-1].append(sentence)
    return [" ".join(c) for c in chunks if c] or [text]


# "She is worried / nervous that the date slips" is the person's own worry, not a stand against us: no read
# ("Graham is the one I worry about" is the rep's worry about him, and stays cold).


# the document's own words for a read, said by the rep of someone, in four languages ("Katrin: positive")
LABEL_SAID = re.compile(
    r"(?:\b(?:is|was|seems|feels|stays|remains|looks|sounds|ist|wirkt|bleibt|est|reste|semble|es|está|sigue|parece)\s+"
    r"(?:(?:still|very|quite|rather|more|noch|sehr|eher|encore|très|plutôt|muy|bastante|más)\s+)?|:\s*|\s[-–—]\s*)"
    r"(enthusiastic|begeistert|enthousiaste|entusiasta|positive?|positiv[oa]?|positif|neutral|neutre|neutr[oa]|skeptical|"
    r"sceptical|skeptisch|sceptique|escéptic[oa]|negative?|negativ[oa]?|négati(?:f|ve))\b",
    re.IGNORECASE,
)
LABEL_MOOD = (("enth", "warm"), ("entu", "warm"), ("begeist", "warm"), ("posit", "mild"), ("neutr", "neutral"),
              ("skep", "cold"), ("scep", "cold"), ("escép", "cold"), ("negat", "hostile"), ("négat", "hostile"))  # fmt: skip
PRONOUN_LEAD = re.compile(r"^\W*(?:she|he|sie|er|elle|il|ella|él)\b", re.IGNORECASE)


def _leads_with(sentence: str, first: str) -> bool:
    """The sentence is about this person: their name opens it ("Ana: …", "- Ana Ruiz is …", "Ana's team …")."""
    head = [re.sub(r"['’]s$", "", w.strip(".,;:()*•–—-")) for w in fold(sentence).split()[:2]]
    return first in [w for w in head if w][:1]


# "technically excellent", "fachlich stark": a word on their skill, not on how they stand toward us
SKILL = re.compile(r"\b(?:technically|technisch|fachlich|techniquement|técnicamente)\s+\w+", re.IGNORECASE)


def _sentences_by_name(para: str, firsts: set[str]) -> list[str]:
    """The paragraph's sentences, also split where a rep typing in lower case starts one with a person's name
    ("ruan is our champion. jaco doesn't care either way"): each is a read on its own person."""
    out = []
    for sentence in split_sentences(para):
        starts = [0] + [
            m.start(1) for m in re.finditer(r"[.!?]\s+([a-zà-ÿ][\w'’-]*)", sentence) if _words(m.group(1)) & firsts
        ]
        out += [sentence[a:b].strip() for a, b in zip(starts, [*starts[1:], len(sentence)], strict=True)]
    return [s for s in out if s]


def _rep_cues(sentence: str) -> tuple[int, int, int]:
    """(warm, cold, denied) cue counts in a sentence of the rep's about one person. A denied cold word ("Niamh isn't
    against us") is no doubt but a neutral word; a denied warm word ("not on board") and warmth behind a condition
    ("if we pass his test he becomes an ally", "wenn …, wird er ein Verbündeter") are doubt: not won yet; so is a cold word taken back only so far ("agreed not to block, but if …")."""
    text = SKILL.sub(" ", sentence)
    condition = lexicon.PENDING.search(text)
    warm = cold = denied = 0
    for pattern in (REP_WARM, WARM):
        for match in pattern.finditer(text):
            if denied_before(text, match.start()) or (condition and match.start() > condition.start()):
                cold += 1
            else:
                warm += 1
    for pattern in (REP_COLD, COLD):
        for match in pattern.finditer(text):
            if opposition_denied(text, match):
                denied += 1
            else:
                cold += 1
    return warm, cold, denied


def read_by_rep(person: Stakeholder) -> bool:
    """The rep has already said how this person feels: the draft does not ask again."""
    return any(e.phrase == REP_READ for e in person.sentiment_evidence)


# a paragraph of personal details ("Personal:", "Persönlich:", "Perso :", "Personal -"), in four languages
PERSONAL = re.compile(
    r"^\W*(?:\d+[.)]\s*)?(?:personal(?: notes?| details?)?|persönlich(?:es)?|privat(?:es)?|perso(?:nnel)?|vie privée|"
    r"lo personal|en lo personal)\s*[:\-–—]",
    re.IGNORECASE,
)


_HE_OR_SHE = re.compile(r"\b(?:he|she|he's|she's|er|il|elle|él|ella)\b", re.IGNORECASE)


def _someone_else_first(sentence: str, person: Stakeholder) -> bool:
    """Whether a he or she is the sentence's subject before ``person`` is named in it: the sentence is about
    someone the paragraph named before, and ``person`` only comes up in passing."""
    first = fold(person.name).split(" ")[0]
    at = re.search(rf"\b{re.escape(first)}\b", fold(sentence))
    if at is None:
        return False
    return bool(_HE_OR_SHE.search(fold(sentence)[: at.start()]))


def rep_reads(reply: ThreadMessage, document: HandoffDocument) -> list[Stakeholder]:
    """The rep's read on each person the reply names in a sentence about them: it wins over the mail's, and says so."""
    people = [s for s in document.sections.stakeholders if s.name]
    held = list(people)
    firsts: dict[str, list[Stakeholder]] = {}
    for person in people:
        firsts.setdefault(fold(person.name).split(" ")[0], []).append(person)
    reads: dict[str, tuple[Stakeholder, list[str], str]] = {}
    for para, _hint, _listed in paragraphs(reply.body):
        if PERSONAL.match(para):
            continue  # "Personal: Ramón sails, regattas most weekends": a hobby says nothing of how they stand toward us
        last: Stakeholder | None = None  # the person the paragraph's previous sentence was about
        for sentence in _sentences_by_name(para, set(firsts)):
            words = _words(sentence)
            # "If that lands, he becomes an ally, because he hates it as much as Jess does" is about him, not Jess
            named = [
                group[0]
                for first, group in firsts.items()
                if first in words and len(group) == 1 and not _someone_else_first(sentence, group[0])
            ]
            if PRONOUN_LEAD.match(sentence):  # "She is worried that … Gloria's promise": about the one named before
                named = [last] if last is not None else []
            elif not named and (newcomer := _newcomer(sentence, document, reply)) is not None:
                # a colleague of theirs the mail never showed: the rep's words are all we know of them
                people.append(newcomer)
                firsts.setdefault(fold(newcomer.name).split(" ")[0], []).append(newcomer)
                named = [newcomer]
            if len(named) != 1:
                continue
            last = named[0]
            if STANDING.search(sentence):
                continue  # "Nathan is solid but doesn't have much pull": their standing, not how they feel about us
            warm, cold, denied = _rep_cues(sentence)
            said_neutral = denied or REP_NEUTRAL.search(sentence)
            mood = "warm" if warm > cold else "cold" if cold > warm else "neutral" if said_neutral else ""
            if mood == "cold" and any(not denied_before(sentence, m.start()) for m in REP_HOSTILE.finditer(sentence)):
                mood = "hostile"
            if said := LABEL_SAID.search(sentence):  # "Katrin: positive", "Dev is negative": the rep's own label
                mood = next((m for prefix, m in LABEL_MOOD if said.group(1).lower().startswith(prefix)), mood)
            if not mood and _leads_with(sentence, fold(named[0].name).split(" ")[0]):
                # a sentence about the person in the rep's words, in any language: the stance model reads it
                stance, _p = stance_of([sentence])[0]
                mood = {"warm": "mild", "cold": "cold"}.get(stance, "")  # a model's warm is positive, not enthusiastic
                if not mood and named[0].sentiment == "unknown":
                    # "Roberto signs whatever the DG backs": the rep describes someone the mail gave no read of,
                    # and leans neither way; that is a read, and the sentence is its evidence
                    mood = "neutral"
            if not mood:
                continue
            key = role_key(named[0])
            _, leanings, _first = reads.setdefault(key, (named[0], [], sentence))
            leanings.append(f"{mood}:{sentence}")
    stated = roles_said((para for para, _hint, _listed in paragraphs(reply.body)), people)
    out: dict[str, Stakeholder] = {}
    for key, (person, leanings, _) in reads.items():
        by_mood = {
            m: [s.split(":", 1)[1] for s in leanings if s.startswith(f"{m}:")]
            for m in ("warm", "mild", "cold", "hostile", "neutral")
        }
        warmer, colder = by_mood["warm"] + by_mood["mild"], by_mood["cold"] + by_mood["hostile"]
        leaning: Sentiment
        if warmer or colder:
            strong = by_mood["warm"] and not colder
            cold_read: Sentiment = "negative" if by_mood["hostile"] and not warmer else "skeptical"
            leaning = ("enthusiastic" if strong else "positive") if len(warmer) > len(colder) else cold_read
            shown = (warmer if len(warmer) > len(colder) else colder)[-1]
        else:
            leaning, shown = "neutral", by_mood["neutral"][-1]
        out[key] = Stakeholder(
            name=person.name, email=person.email, source_ids=[reply.id], sentiment=leaning,
            title=None if person in held else person.title, title_in_prose=person not in held and bool(person.title),
            sentiment_evidence=[Evidence(text=shown, source_id=reply.id, phrase=REP_READ, leaning=leaning,
                                         speaker=reply.sender.email if reply.sender else "the rep",
                                         date=reply.date.date() if reply.date else None)],
        )  # fmt: skip
    holders = {role_key(p) for p in people if role_for(p.title or "", "", "")[0] == "economic_buyer"}
    for person in people:
        key = role_key(person)
        if key not in stated:
            continue
        new = person not in held  # a person only the reply names: their title is the reply's
        entry = out.setdefault(
            key,
            Stakeholder(
                name=person.name, email=person.email, source_ids=[reply.id],
                title=person.title if new else None, title_in_prose=new and bool(person.title),
            ),
        )  # fmt: skip
        said_role = stated_role(stated[key], person.title or "", bool(holders - {key}))
        entry.role, entry.influence, entry.role_said = said_role
    return [*out.values(), *_introduced(reply, stated, {role_key(p) for p in people} | set(out))]


def _introduced(
    reply: ThreadMessage, stated: dict[str, tuple[Role, Influence, str]], known: set[str]
) -> list[Stakeholder]:
    """People the reply is the first to name, with a title and a role ("Also loop in Tomas Reyna, their control
    room supervisor, who will use it daily"); never "our engineer …" (the rep's own colleague)."""
    titled = {
        name_key(name): title
        for para, _hint, _listed in paragraphs(reply.body)
        for name, title in named_titles(para, vendor=True)
    }
    found = []
    for key, (role, influence, sentence) in stated.items():
        name = name_of(key, sentence)
        if key in known or "@" in key or name_key(name) not in titled:
            continue
        found.append(Stakeholder(name=name, title=titled[name_key(name)], title_in_prose=True, role=role,
                                 influence=influence, role_said=sentence, source_ids=[reply.id]))  # fmt: skip
    return found


FULL_NAME = re.compile(rf"(?<![\w-])(?P<name>{PERSON})(?![\w-])")
# the sentence speaks of the named one as a person: a pronoun, "who", or a title next to the name
PERSON_REFERENCE = re.compile(r"\b(?:he|she|him|her|his|who|er|sie|ihm|ihr|il|elle|lui|él|ella|quien)\b", re.IGNORECASE)


def _newcomer(sentence: str, document: HandoffDocument, reply: ThreadMessage) -> Stakeholder | None:
    """One full name in a sentence of the rep's about a person of theirs the document does not hold yet
    ("There's also Pam Sutter in procurement, who …", "Heiko Brandl (Pflegedienstleitung Verden) barely spoke …").

    Not the rep, the CSM or anyone at our domain, and never a name the account or a competitor carries."""
    names = {m.group("name") for m in FULL_NAME.finditer(sentence)}
    ours = {fold(p.name or "") for p in (document.csm, reply.sender) if p is not None}
    rivals = [i.competitor or "" for i in document.sections.competitive_context]
    blocked = fold(" ".join([document.account.name or "", *rivals]))
    titled = dict(named_titles(sentence, vendor=True))
    names = {
        n for n in names
        if fold(n) not in ours and not any(w in blocked.split() for w in fold(n).split())
        and not any(n in title for title in titled.values())  # "(Pflegedienstleitung Verden)" is a title, not a name
    }  # fmt: skip
    if len(names) != 1:
        return None
    name = " ".join(next(iter(names)).split())
    if name not in titled and not PERSON_REFERENCE.search(sentence):
        return None
    return Stakeholder(name=name, title=titled.get(name), source_ids=[reply.id])


LEAD = re.compile(r"^([A-Za-z][\w ,/&'’-]{1,50}?)\s*(?::|--|—|–| - |\.(?=\s))\s*(\S.*)$", re.DOTALL)


def _reply_section(text: str, current: str | None, names: set[str]) -> str | None:
    """A heading or a numbered question decides; else a paragraph about the people is the rep's read; else its function."""
    if current == "stakeholders":
        return "rep_perspective"
    if current:
        return current
    probs = section_probabilities([text])[0]
    cued = {key for key, score in section_scores(text).items() if score}
    for key in cued | shape_sections(text):
        probs[key] = probs.get(key, 0.0) + CUE_WEIGHT  # a shape counts as a cue, as in classify.place
    for key, extra in shape_weights(text).items():
        probs[key] = probs.get(key, 0.0) + extra
    best = max(probs, key=lambda k: probs[k])
    if names & _words(text):
        # a paragraph naming the customer's people is the rep's read on them, unless it reports where they said
        # the account will grow ("Ola said the Porto plant is next if this works"): that is an expansion fact
        grows = best == "expansion" and LATER.search(text) and not PEOPLE_CUES.search(text)
        return "expansion" if grows else "rep_perspective"
    if best in {"none", "private"} or probs[best] < MIN_CONFIDENCE:
        # a closing line or a confidence is no section's: a private paragraph naming no one is read by no one
        return "rep_perspective" if best != "private" and PEOPLE_CUES.search(text) else None
    return best
