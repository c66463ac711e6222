"""The offline extractor: deterministic reading that fills the handoff document without any network.

What it is for: ``OfflineExtractor`` (the default when no API key is set, and the demo's
engine) reads parsed sources into an ``Extraction``: each sentence (speakers.py says who
said it) goes to the one section a classifier of what sentences do puts it in
(sectioner.py, with cues and headings as evidence, classify.place), or nowhere when it
tells a CSM nothing (a short sentence that only points back, "They'd want it too.", is read with the
one before, and a bare topic, "Royalty statements.", stays with the cost said after it); promises become commitments with owner and due date
(commitments.py, milestones.py), kept or open by what later mail hands over (delivered.py); competitors by name or by what the sentence does;
stakeholders (stakeholders.py); sentiment and urgency. Every quote is the
customer's verbatim sentence, tagged with its language. Not for: merging
(agent/document.py), the rules every extractor's output goes through (assemble.py) or the
Claude extractor (claude.py).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from agent.document import (
    AccountInfo,
    Extraction,
    HandoffDocument,
    Item,
    Owner,
    Quote,
    Sections,
    fold,
)
from agent.extract import cues, lexicon
from agent.extract.answers import read_reply
from agent.extract.base import ExtractionContext, Question, verify_quotes
from agent.extract.classify import (
    SURE_CONFIDENCE,
    competitor_in,
    competitor_names,
    dedupe,
    horizon_of,
    place,
    rival_of,
    substantive,
)
from agent.extract.commitments import (
    ASKED_FOR,
    FIRST_PERSON,
    FOREIGN_WORD,
    FREE,
    GIFT,
    IN_WRITING,
    PROVIDED,
    REFERS_BACK,
    TERMS,
    binds_us,
    company_words,
    contract_term,
    first_names,
    label_owner,
    promise_owner,
    split_promises,
    table_owner,
)
from agent.extract.dates import resolve_due_precise
from agent.extract.delivered import hands_over, mark_kept
from agent.extract.milestones import date_the_undated, dues_after_signature, formal_ids, milestones, signed_date
from agent.extract.people import collect_people, works_for_rival
from agent.extract.rivals import POINTS_BACK, loss_reason
from agent.extract.sectioner import PRIVATE_SURE, section_probabilities
from agent.extract.sentiment import read_feelings, relationship_moments
from agent.extract.shapes import setup_fact, shape_sections
from agent.extract.speakers import our_names, quotes_of, read_units, self_description
from agent.extract.stakeholders import our_people, stakeholders_of
from agent.extract.units import Unit
from agent.extract.urgency import read_urgency
from mailflows.inbound.mail import ThreadMessage

if TYPE_CHECKING:
    from agent.cpu import CpuPool

ITEM_SECTIONS = frozenset({
    "company_overview", "pain_points", "success_metrics", "purchase_drivers", "implementation", "expansion", "risks",
    "competitive_context",
})  # fmt: skip  # where the classifier may file a sentence; promises and the rep's read have their own rules
UNNAMED_COMPETITION = 0.5  # how sure the classifier must be of competition when no vendor is named
FRAME_OVERRULED = 0.4  # a reason or worry the classifier is this sure of stays one, whatever a competitor frame guessed
OURS_IMPLEMENTATION = 0.65  # how sure the classifier must be before our side's sentence becomes an implementation fact
OURS_PROMISE = 0.5  # ... or a promise the rules of commitments.py did not read
OURS_TARGET = 0.6  # ... or a success metric, when no heading above it says "success"
# what other customers got is a sales claim, not this customer's target: "customers typically see", "im Schnitt"
CLAIM = re.compile(
    r"(?i)\b(?:(?:other|our|most|many|typical|similar) (?:customers|clients|teams)|customers typically|on average|"
    r"typically see|andere kunden|unsere kunden|im schnitt|durchschnittlich|nos clients|en moyenne|"
    r"nuestros clientes|otros clientes|en promedio)\b"
)
PARAGRAPH_CHARS = 360  # an item grows by the next sentence of the same paragraph and section up to this length
WHO_MATTERS = frozenset({"risks", "purchase_drivers"})  # the CSM needs to know whose worry or reason it is
SIZE = re.compile(
    r"\b(?:about |around |roughly |~|over |nearly )?\d[\d,.]*\+?\s*(?:k\s+)?(?:employees|staff|people)\b", re.I
)
INDUSTRY = re.compile(r"\bis an? ((?:[\w&-]+\s){0,6}?(?:carrier|manufacturer|retailer|insurer|provider|company|"
                      r"system|platform|network|chain|group|publisher|distributor|bank|insurance company))\b", re.I)  # fmt: skip
BUSINESS_MODEL = re.compile(
    r"\b(?:b2b|b2c|d2c|direct[- ]to[- ]consumer|subscriptions?|saas|wholesale|franchis\w*|marketplace|we sell (?:to|through)|"
    r"our (?:customers|clients) are|(?:\d+%|percent) of (?:our )?revenue)\b",
    re.IGNORECASE,
)


class OfflineExtractor:
    name = "offline"

    def __init__(self, competitors: list[str] | None = None, cpu: CpuPool | None = None) -> None:
        self.competitors = list(competitors or [])
        self.cpu = cpu  # agent/cpu.py: in a pool process when the service started one

    async def extract(
        self, sources: list[ThreadMessage], ctx: ExtractionContext, document: HandoffDocument
    ) -> Extraction:
        if self.cpu is not None:
            return await self.cpu.run(extract_sources, sources, ctx, document, self.competitors)
        return extract_sources(sources, ctx, document, self.competitors)

    async def read_answers(
        self, reply: ThreadMessage, ctx: ExtractionContext, document: HandoffDocument, questions: list[Question]
    ) -> Extraction:
        return read_reply(reply, ctx, document, questions)


def _item(unit: Unit, alone: bool = False, **extra: object) -> Item:
    """The unit as an item; "that"/"it" at its start takes the sentence before along, unless it stands ``alone``."""
    quotes = quotes_of(unit)
    if (
        not alone
        and unit.context
        and substantive(unit.context)
        and len(unit.text) < 160
        and (lexicon.ANAPHOR.match(unit.text) or ENDS_POINTING_BACK.search(unit.text))
    ):
        # two quotes, not one: the sentences may sit in different transcript cues
        quotes = quotes_of(replace(unit, quote=unit.context)) + quotes if unit.quote else quotes
        unit = replace(unit, text=f"{unit.context} {unit.text}")
    elif not alone and "horizon" in extra and unit.context and _baseline_then_target(unit.context, unit.text):
        # "Dispatch reliability is sitting at 98.6%. The board wants 99.2% within six months.": the target says
        # what it is a target of only with the figure of today before it
        quotes = quotes_of(replace(unit, quote=unit.context)) + quotes if unit.quote else quotes
        unit = replace(unit, text=f"{unit.context} {unit.text}")
    elif not alone and unit.context and names_topic(unit.context) and len(unit.text) < 220:
        # "Royalty statements. Twice a year my team disappears for three weeks …": the fragment says what costs them
        quotes = quotes_of(replace(unit, quote=unit.context)) + quotes if unit.quote else quotes
        unit = replace(unit, text=f"{unit.context} {unit.text}")
    return Item(text=unit.text, quotes=quotes, source_ids=[unit.source_id], **extra)


# Where a measure stands today, in the four languages: "is sitting at 98.6%", "hoy estamos en 68,4 %", "liegt derzeit
# bei 9 Tagen", "aujourd'hui on est à 71 %"
_TODAY = re.compile(
    r"\b(?:today|currently|at the moment|right now|(?:is|are|'s|'re) (?:sitting|running|hovering|stuck) at|stands? at|"
    r"hoy|actualmente|ahora mismo|estamos en|aujourd'hui|actuellement|(?:nous sommes|on est) à|heute|derzeit|aktuell|"
    r"(?:liegt|liegen|stehen|steht) (?:\w+ )?bei)\b",
    re.IGNORECASE,
)
_FIGURE = re.compile(r"\d")


def _baseline_then_target(before: str, text: str) -> bool:
    """Whether ``text``, a short target with a figure (18 words at most), follows ``before``, the same speaker's figure
    for where the measure stands today: the target leans on it for what it measures."""
    if not (_FIGURE.search(before) and _FIGURE.search(text) and _TODAY.search(before)) or len(text) > 200:
        return False
    return len(text.split()) <= 18


# A short sentence that only points back ("They'd want it too.", "Das kostet uns jede Woche."): it says what it
# says about the sentence before, so it is read, placed and kept with that one.
POINTS_BACK_ONLY = re.compile(
    r"^\W*(?:they|it|that|this|those|these|sie|die|das|dies|ils|elles|cela|ça|ellos|ellas|eso|esto)\b", re.IGNORECASE
)
SHORT_WORDS = 6
# "My controller spends three days a month formatting it.": the thing it costs them is named in the sentence before
ENDS_POINTING_BACK = re.compile(r"\b(?:(?-i:it)|them|that|this|es|sie|le|la|les|lo|los)\W*$", re.IGNORECASE)


def _with_antecedent(unit: Unit) -> Unit:
    """``unit`` with the sentence before it when it is short and only points back to it; else ``unit`` itself."""
    if not unit.context or len(unit.text.split()) > SHORT_WORDS or not POINTS_BACK_ONLY.match(unit.text):
        return unit
    return replace(unit, text=f"{unit.context} {unit.text}", context="")


# Words that make a short line an answer, a courtesy or a sentence of its own rather than a bare topic.
_NOT_A_TOPIC = re.compile(
    r"\b(?:yes|yeah|no|sure|right|ok|okay|thanks?|great|good|exactly|well|so|absolutely|definitely|totally|true|"
    r"i|we|you|it|they|he|she|that|this|is|are|was|were|be|has|have|had|do|does|did|will|can|ja|nein|genau|gut|danke|"
    r"oui|non|merci|bien|exactement|sí|si|no|gracias|claro|bueno|exacto|ist|sind|est|sont|es|son)\b",
    re.IGNORECASE,
)


def names_topic(line: str) -> bool:
    """A bare topic said before what it costs ("Royalty statements.", "Die Inventur."): two to four words, no verb,
    no courtesy, no number."""
    words = line.split()
    return (
        2 <= len(words) <= 4
        and line.rstrip().endswith((".", ":"))
        and not re.search(r"\d", line)
        and not _NOT_A_TOPIC.search(line)
    )


def _commitment(unit: Unit, formal: bool, signed: date | None, events: dict[str, date] | None = None) -> Item | None:
    text = unit.text
    promised = unit.heading == "commitments" and unit.list_item and unit.author == "ours"
    if lexicon.RIVAL_PROMISE.search(text):
        return None  # "Power BI nous avait promis une remise": another vendor's word, whoever reports it
    if GIFT.search(text) and not text.rstrip().endswith("?"):
        return _promise(unit, text, "us", formal, signed, events)  # "happy to throw in two seats": given, undated
    if binds_us(unit, formal):  # a dated line of our proposal, or a deadline we set ourselves in our mail
        item = _promise(unit, text, "us", formal, signed, events)
        if item.due is not None:
            return item
    if not promised:
        if lexicon.NOT_COMMITMENT.search(text) or lexicon.HOUSEKEEPING.search(text):
            return None
        foreign = unit.lang not in {None, "en"} and cues.PROMISE.search(text)  # "lo tendremos el 15 de abril"
        receive = lexicon.YOU_WILL_RECEIVE.search(text)
        yours = lexicon.YOURS.search(text)  # "you'll have it before go-live": theirs to get, dated or not
        ours = FIRST_PERSON.search(text)  # "wir schicken Ihnen … bis Freitag": with its date, below
        # a thing we provide, dated or free: "training for all 142 store managers before 30 September"
        foreign = foreign or (unit.lang not in {None, "en"} and FOREIGN_WORD.search(text))  # "les daremos …"
        termed = contract_term(text)  # "the order form says …", "laut Vertrag …": our word in writing
        said = bool(lexicon.COMMITMENT.search(text) or foreign or receive or ours or yours or termed)
        # a term we give ("99.9% uptime SLA with service credits", "droit d'audit annuel") is one without a date
        term = TERMS.search(text) and not ASKED_FOR.search(text) and not NOT_IN_PAPER.search(text)
        provided = (PROVIDED.search(text) or term) and not ASKED_FOR.search(text)
        if not (said or provided):
            return None
        item = _promise(unit, text, "us", formal, signed, events)
        if not said:  # provided: only dated, free, a term, or a line of our proposal
            if term and SIGNING.search(text):  # "firmó el contrato el 12 de junio: … cláusula de salida": no due
                return item.model_copy(update={"due": None, "due_precision": None, "time_sensitive": False})
            # a line listing what we give is a term of ours: "On-site training in Spanish at each plant" in a list,
            # or after a lead-in that cites the paper ("What the order form says:")
            listed = unit.list_item
            return item if item.due is not None or FREE.search(text) or term or formal or listed else None
        # With a date, "we will certify X by July 15" is a promise whatever the verb; without one, the action says so.
        acts = (
            lexicon.COMMIT_ACTION.search(text)
            or re.search(r"\bpromised\b", text, re.I)
            or FREE.search(text)
            or IN_WRITING.search(text)
            or termed
            or term
        )
        if not foreign and not yours and item.due is None and not acts:
            return None
        return item
    return _promise(unit, text, "us", formal, signed, events)


# a term said to be missing from the paper: "the SLA is not in the order form yet", "steht nicht im Vertrag"
NOT_IN_PAPER = re.compile(
    r"\b(?:not|isn't|aren't|nicht|pas|no)\b[^.;]{0,25}\b(?:in|im|dans|en)\b[^.;]{0,12}"
    r"(?:order form|contract|dpa|sow|proposal|vertrag|angebot|contrat|devis|contrato|propuesta)\b",
    re.I,
)
AROUND_THE_CLOCK = re.compile(r"\b24\s?/\s?7\b|\b24\s?x\s?7\b", re.I)
# The day the paper was signed, said with its terms, is no due date of theirs
SIGNING = re.compile(
    r"\b(?:signed|countersigned|executed|unterschrieben|unterzeichnet|signée?s?|firm(?:ó|aron|ado|ada))\b", re.I
)


def _promise(
    unit: Unit, text: str, owner: Owner, formal: bool, signed: date | None, events: dict[str, date] | None
) -> Item:
    back = REFERS_BACK.search(text) if text == unit.text and unit.context and substantive(unit.context) else None
    if back and not re.search(r"[;:]", text[: back.start()]):  # "X; I told her the first one …" names it itself
        text = f"{unit.context} {text}"  # "My team will have that done by the 3rd": what "that" is comes first
    said = AROUND_THE_CLOCK.sub(" ", text)  # "soporte 24/7" is no date
    due = (
        resolve_due_precise(said, unit.anchor, signed, events, day_first=_day_first(unit, said))
        if unit.anchor
        else None
    )
    return Item(
        text=text, source_ids=[unit.source_id], owner=owner, due=due.day if due else None,
        due_precision=due.precision if due else None, time_sensitive=due is not None, informal=not formal,
    )  # fmt: skip


# "by 5/1" is English whatever a short line's language was guessed to be: month first
ENGLISH_DUE = re.compile(r"\b(?:by|before|until|no later than|due)\s+\d{1,2}/\d{1,2}\b", re.I)


def _day_first(unit: Unit, text: str) -> bool:
    return unit.lang not in {None, "en"} and not ENGLISH_DUE.search(text)


def _promises(item: Item, unit: Unit, signed: date | None, events: dict[str, date] | None) -> list[Item]:
    """One item per promise: "A by April 17 and B by May 8" is two, each with its own date."""
    parts = split_promises(item.text)
    if len(parts) < 2:
        return [item]
    return [
        _promise(unit, part, item.owner or "us", not item.informal, signed, events).model_copy(
            update={"quotes": [_part_of(q, part) for q in item.quotes]}
        )
        for part in parts
    ]


def _part_of(quote: Quote, part: str) -> Quote:
    """The words of one promise out of a quote that holds two (still verbatim: a piece of the quote)."""
    words = part.rstrip(" .")
    return quote.model_copy(update={"text": words}) if len(words) > 20 and words in quote.text else quote


def extract_sources(
    sources: list[ThreadMessage], ctx: ExtractionContext, document: HandoffDocument, competitors: list[str]
) -> Extraction:
    """What ``sources`` add to ``document`` (sync: the async methods only call this)."""
    units = read_units(sources, ctx, document)
    probs = _read(units, sources, ctx)
    # what no handoff may carry (a password, someone's illness, a confidence) is read by no one: no item, no quote,
    # no evidence of a feeling or of urgency
    units = [u for u in units if probs.get(id(u), {}).get("private", 0.0) < PRIVATE_SURE]
    signed = signed_date(units)
    names = {p.name for p in collect_people(sources, ctx).values()} | {s.name for s in document.sections.stakeholders}
    sections = _sentence_items(
        units, sources, ctx, document.contract_signed or signed, [*competitors, *ctx.competitors], names, probs
    )
    sections.commitments.extend(dues_after_signature(document, document.contract_signed or signed))
    sections.commitments = date_the_undated(sections.commitments, document.sections.commitments)
    sections.commitments += mark_kept(units, sections.commitments, document, signed)
    champion = any(s.role == "champion" for s in document.sections.stakeholders)
    rivals = [*competitors, *ctx.competitors, *(i.competitor or "" for i in sections.competitive_context),
              *(i.competitor or "" for i in document.sections.competitive_context)]  # fmt: skip
    sections.stakeholders = stakeholders_of(sources, ctx, document, units, champion)
    read_feelings(
        units, sections.stakeholders, document, rep_notes(sources, ctx), frozenset(our_people(sources, ctx, units))
    )
    # a competitor's salesperson who wrote to the customer is no stakeholder, however warmly they wrote
    sections.stakeholders = [
        s for s in sections.stakeholders if not (s.email and works_for_rival(s.email, [r for r in rivals if r], ctx))
    ]
    extraction = Extraction(
        account=_account(units, ctx), contract_signed=signed, sections=sections,
        urgency=read_urgency(units, rep_notes(sources, ctx)), relationship=relationship_moments(units),
    )  # fmt: skip
    dedupe(extraction)
    verify_quotes(extraction, sources, ctx)
    return extraction


def _read(units: list[Unit], sources: list[ThreadMessage], ctx: ExtractionContext) -> dict[int, dict[str, float]]:
    """The classifier's read (sectioner.py) of each sentence an item may come from, by ``id`` of its unit: the
    customer's, the rep's notes and our side's answers in a mail thread (hosting, sign-on, what is read)."""
    notes = rep_notes(sources, ctx)
    emails = {m.id for m in sources if m.kind != "transcript" and not m.turns}
    readable = [u for u in units if u.author != "ours" or u.source_id in notes or u.source_id in emails]
    return dict(
        zip(map(id, readable), section_probabilities([_with_antecedent(u).text for u in readable]), strict=True)
    )


def _sentence_items(
    units: list[Unit],
    sources: list[ThreadMessage],
    ctx: ExtractionContext,
    signed: date | None,
    configured: list[str],
    customer_names: set[str],
    probs: dict[int, dict[str, float]],
) -> Sections:
    """Each sentence into the one section it fits best (or none): promises, vendors, then what the classifier says
    (``probs``, from ``_read``)."""
    sections = Sections()
    formal = formal_ids(sources)
    names = competitor_names(tuple(configured), frozenset(d.split(".")[0] for d in ctx.company_domains))
    wanted = {fold(n) for n in configured}
    events = milestones(units)
    our_first = first_names(our_names(sources, ctx))
    customer_first = first_names({u.speaker for u in units if u.author == "customer" and u.speaker} | customer_names)
    notes = rep_notes(sources, ctx)
    last: dict[str, tuple[Unit, Item]] = {}
    company = sorted(ctx.company_domains)[0].split(".")[0] if ctx.company_domains else ""
    people = _not_rivals(our_first, customer_first, customer_names, ctx)
    our_words = our_first | company_words(company)
    # the customer by its name or its domain's ("Pinecrest IT" for pinecrestcu.example), as we are by ours
    label = (ctx.account.domain or "").split(".")[0].lower()
    customer_words = (
        customer_first
        | {fold(w) for w in (ctx.account.name or "").split()[:1] if len(w) > 3}
        | {label[:k] for k in range(5, len(label) + 1)}
    )
    rival: tuple[Unit, Item] | None = None  # the last alternative filed: the next sentence may say why it lost
    for at, unit in enumerate(units):
        if rival and _goes_on_about(unit, units[at - 1], rival, names, wanted, people, probs.get(id(unit), {})):
            _extend(rival[1], unit)
            rival = (unit, rival[1])  # "It only connects to X. You can't define KPIs." both belong to it
            continue
        handed_over = hands_over(unit)
        if not handed_over and (unit.author == "ours" or (unit.author == "note" and unit.heading == "commitments")):
            item = _commitment(unit, unit.source_id in formal and unit.list_item, signed, events)
            if item is not None:
                sections.commitments.extend(_promises(item, unit, signed, events))
                continue
        row = None if handed_over else _plan_row(unit, our_words, customer_words, frozenset(our_first))
        if row is not None:  # a dated step of a plan with its owner: "Acme Data | sandbox | 3/14"
            item = _promise(unit, unit.text, row, unit.source_id in formal, signed, events)
            sections.commitments.append(item)
            continue
        # a promise by the rules of commitments.py, or ours in a grammar they do not know, read by what it does
        owner = (
            None
            if handed_over
            else promise_owner(unit, our_first, customer_first, company)
            or _ours_by_its_function(unit, probs.get(id(unit)))
        )
        if owner is not None:
            item = _promise(unit, unit.text, owner, unit.source_id in formal and unit.list_item, signed, events)
            item.quotes = quotes_of(unit) if unit.author == "customer" else []
            sections.commitments.extend(_promises(item, unit, signed, events))
            continue
        filed = len(sections.competitive_context)
        if unit.author == "ours" and not _read_ours(
            unit, sections, formal, notes, probs.get(id(unit)), names, wanted, people
        ):
            if len(sections.competitive_context) > filed:
                rival = (unit, sections.competitive_context[-1])
            continue
        if not handed_over and (noted := _note_promise(unit, signed, events)) is not None:
            sections.commitments.append(noted)
            continue
        if not handed_over and _reminds_us(unit, signed):
            item = _promise(unit, unit.text, "us", False, signed, events)  # "You promised X by May 1": ours to keep
            sections.commitments.extend(
                _promises(item.model_copy(update={"quotes": quotes_of(unit)}), unit, signed, events)
            )
            continue
        found = rival_of(unit.text, names, wanted, people)
        name = found.name if found else None
        read = _with_antecedent(unit)
        key = place(read, probs.get(id(unit), {}), ITEM_SECTIONS)
        # a sentence that weighs an alternative is competition; a known name alone may be a reason or a worry, and
        # so may a frame's guess the classifier gives no weight to ("our core banking vendor, X, is slow")
        if found and _is_competition(found.kind, key, probs.get(id(unit), {})):
            # one that names its alternative by a frame says all it needs ("our macro, das Jonas gebaut hat")
            sections.competitive_context.append(_item(unit, alone=found.kind != "named", competitor=name))
            rival = (unit, sections.competitive_context[-1])
            continue
        if (
            key == "competitive_context"
            and unit.heading != key
            and probs.get(id(unit), {}).get(key, 0.0) < UNNAMED_COMPETITION
        ):
            continue  # no vendor named: only a sentence plainly about alternatives ("build it in-house") counts
        if key is None or key not in ITEM_SECTIONS:
            continue
        previous = last.get(key)
        if (
            previous
            and previous[0].quote
            and unit.context == previous[0].quote
            and len(previous[1].text) < PARAGRAPH_CHARS
        ):
            _extend(previous[1], unit)  # one speaker's run of sentences on one subject reads best as one item
            last[key] = (unit, previous[1])
            continue
        item = _item(unit, horizon=horizon_of(unit.text)) if key == "success_metrics" else _item(unit)
        if read is not unit and item.text == unit.text:
            item = _item(read, alone=True)
            item.quotes = quotes_of(replace(unit, quote=unit.context)) + item.quotes if unit.quote else item.quotes
        if name:
            item.competitor = name
        last[key] = (unit, item)
        if key in WHO_MATTERS and unit.author == "customer" and unit.speaker and unit.speaker not in item.text:
            item.text = f"{unit.speaker}: {item.text}"
        sections.items(key).append(item)
    return sections


def _plan_row(unit: Unit, ours: set[str], customers: set[str], people: frozenset[str]) -> Owner | None:
    """Whose dated step of a plan a line is: a table row ("Acme Data | sandbox | 3/14") or a list line led by its
    owner ("Acme Data: staging workspace by 4/20")."""
    if "|" in unit.text:
        return table_owner(unit.text, ours, customers)
    return label_owner(unit.text, ours, customers, people) if unit.list_item else None


def _read_ours(
    unit: Unit,
    sections: Sections,
    formal: set[str],
    notes: frozenset[str],
    probs: dict[str, float] | None,
    names: tuple[re.Pattern[str], dict[str, str]],
    wanted: set[str],
    people: set[str],
) -> bool:
    """Our side's sentence: a vendor we were compared with, the plan in our proposal, or (True) read on as a fact."""
    found = rival_of(unit.text, names, wanted, people)
    if found and unit.source_id not in formal:
        # one named by a frame says all it needs ("He compared us with Optirate."), as a customer's does
        sections.competitive_context.append(_item(unit, alone=found.kind != "named", competitor=found.name))
        return False
    if unit.heading == "implementation" and unit.list_item and unit.source_id in formal:
        sections.implementation.append(_item(unit))  # the agreed plan in our proposal
        return False
    asked = unit.text.rstrip().endswith("?")
    if probs is None:
        # what we said on a call or in a forward about the setup ("Okta SSO, which I understand you're on.")
        if setup_fact(unit.text) and not asked and place(unit, {"none": 0.0}) == "implementation":
            sections.implementation.append(_item(unit))
        return False
    if unit.source_id in notes:
        return True  # the rep's own notes read like the customer's facts
    placed = place(unit, probs)
    if placed == "success_metrics":
        # the targets we wrote down with them ("First 90 days: all readers flowing …", "6 meses | reclamos a la
        # mitad"): a mutual plan the customer agreed to is their goal, a claim about other customers is not
        sure = (
            unit.heading == "success_metrics"
            or probs["success_metrics"] >= OURS_TARGET
            or "success_metrics" in shape_sections(unit.text)
        )
        return sure and not CLAIM.search(unit.text)
    if placed != "implementation":
        return False
    # our plan under its own label ("On rollout: pilot in May, then the rest") or a fact of the setup by its shape
    # ("Login con Microsoft Entra ID") needs no surer classifier
    labelled = unit.heading == "implementation" and not asked
    return probs["implementation"] >= OURS_IMPLEMENTATION or labelled or setup_fact(unit.text)


def _ours_by_its_function(unit: Unit, probs: dict[str, float] | None) -> Owner | None:
    """ "us" for our side's sentence (our mail, our voice on a call, the rep's note) that the classifier is sure is a
    promise, in whatever grammar: "ich lasse Ihnen bis Ende Oktober eine Vorlage bauen", "two promises on the call"."""
    if unit.author not in ("ours", "note") or probs is None or unit.text.rstrip().endswith("?"):
        return None
    if lexicon.RIVAL_PROMISE.search(unit.text) or lexicon.PRIVATE.search(unit.text):
        return None
    best = max(probs, key=lambda key: probs[key])
    # a lead-in that names promises ("Two promises on the call: …") is the writer filing it: the best guess will do
    sure = probs[best] >= OURS_PROMISE or unit.heading == "commitments"
    return "us" if best == "commitments" and sure else None


def _note_promise(unit: Unit, signed: date | None, events: dict[str, date] | None) -> Item | None:
    """The rep's note of a promise ("promised them the SSO guide", a seat thrown in for free) as our commitment."""
    if unit.author != "note" or not (re.match(r"(?i)^(?:i |we )?promised\b", unit.text) or GIFT.search(unit.text)):
        return None
    return _commitment(unit, False, signed, events)


def _reminds_us(unit: Unit, signed: date | None) -> bool:
    """The customer holding us to a promise: "You promised X by May 1", "you will have it ready by the 3rd"."""
    if unit.author != "customer" or unit.text.rstrip().endswith("?"):
        return False
    if YOU_PROMISED.search(unit.text):
        return True
    dated = unit.anchor is not None and resolve_due_precise(unit.text, unit.anchor, signed) is not None
    return bool(YOU_WILL.search(unit.text)) and dated


def _is_competition(kind: str, key: str | None, probs: dict[str, float]) -> bool:
    """A sentence that names or frames an alternative is competition, unless it was placed as a reason or a worry:
    then a named vendor is part of that reason, and a frame's guess (no name) stays competition only when the
    classifier is not sure of ``key`` or gives competition some weight."""
    if key not in {"purchase_drivers", "risks"} or probs.get(key, 0.0) < SURE_CONFIDENCE:
        return True  # a weak guess of a reason or a worry does not outweigh the alternative the sentence names
    weighs = probs.get(key, 0.0) < FRAME_OVERRULED or probs.get("competitive_context", 0.0) >= UNNAMED_COMPETITION / 4
    return kind != "named" and weighs


def _not_rivals(
    our_first: set[str], customer_first: set[str], customer_names: set[str], ctx: ExtractionContext
) -> set[str]:
    """Names a competitor frame must not take for a vendor: the people in the deal, us, the customer."""
    own = {d.split(".")[0] for d in ctx.company_domains} | {ctx.account.name or ""}
    return our_first | customer_first | {fold(n) for n in customer_names} | {fold(n) for n in own if n}


def _goes_on_about(
    unit: Unit,
    previous: Unit,
    rival: tuple[Unit, Item],
    names: tuple[re.Pattern[str], dict[str, str]],
    wanted: set[str],
    people: set[str],
    probs: dict[str, float],
) -> bool:
    """The sentence right after an alternative, by the same speaker, says why it lost or goes on about it
    ("It only connects to …") and is no fact of another section ("It takes us three days …"), and names no
    other one."""
    if previous is not rival[0] or unit.source_id != previous.source_id or unit.speaker != previous.speaker:
        return False
    if len(rival[1].text) >= PARAGRAPH_CHARS:
        return False
    if not loss_reason(unit.text) and not (
        POINTS_BACK.search(unit.text) and place(unit, probs, ITEM_SECTIONS) in {None, "competitive_context"}
    ):
        return False
    other = competitor_in(unit.text, names, wanted, people)
    return other is None or fold(other).split(" ")[0] == fold(rival[1].competitor or "").split(" ")[0]


# The customer reminding us of our word: "you promised …", "your team committed to …", "wie zugesagt".
YOU_PROMISED = re.compile(
    r"\b(?:you|your (?:team|side|people|company|engineers?))(?: had| have|'ve)? (?:promised|committed|agreed|"
    r"said you(?:'d| would)|offered|guaranteed)\b|"
    # the same in their words: "Sie haben uns … angeboten", "vous nous avez proposé …", "nos ofrecieron …"
    r"\b(?:sie|ihr) (?:haben|hatten|habt) (?:uns |mir )?(?:\S+ ){0,8}?(?:angeboten|garantiert)\b|"
    r"\bvous (?:nous |m')?(?:avez|aviez) (?:proposé|offert|accepté)\b|"
    r"\b(?:ustedes|usted) (?:nos|me) (?:ofrecieron|ofreció|garantizaron|garantizó)\b|"
    r"\byou (?:told|assured|promised) (?:\w+ ){0,2}(?:that )?you(?:'d| would| will|'ll)\b|"
    r"\bvous (?:nous |lui |leur )?(?:avez|aviez) dit que vous\b|\b(?:nos|le|les) (?:dijiste|dijeron|dijo) que\b|"
    # a bare "as promised" opens what the writer hands over ("Wie versprochen ein paar Eckdaten"): a reminder
    # of our word only with "you" after it
    r"\bas you promised\b|\bas promised,? (?=[^.;]{0,40}\byou\b)|"
    r"\b(?:sie|ihr|du) (?:haben|hatten|habt|hattet|hast|hattest) (?:uns |mir )?(?:\S+ ){0,8}?(?:zugesagt|versprochen|zugesichert)|"
    r"\bwie (?:zugesagt|versprochen)\b(?=[^.;]{0,40}\b(?:sie|ihr|du)\b)|"
    r"\bvous (?:nous |m')?(?:avez|aviez) (?:promis|assuré|garanti)\b|\bvous vous (?:êtes|étiez) engagés?\b|\bcomme promis\b(?=[^.;]{0,40}\bvous\b)|"
    r"\bnos (?:prometieron|prometiste|prometió|aseguraron)\b|\bme prometi|\bse comprometieron\b|\bcomo prometieron\b|"
    # what they agreed with us, confirmed in the customer's words: "quedan como las acordaste", "as you agreed",
    # "wie Sie es zugesagt haben" (above), "comme vous l'avez convenu"
    r"\bcomo (?:l[oa]s? )?(?:acordaste|acordó|acordaron|ofreciste|ofrecieron)\b|\bas you (?:agreed|offered)\b|"
    r"\bcomme vous l'(?:avez|aviez) (?:convenu|proposé|promis)\b|\bcomo prometido\b(?=[^.;]{0,40}\b(?:ustedes|usted)\b)|"
    # what we were promised, said without a "you": "we were promised training by April", "Zugesagt war ein Termin
    # bis Ende April", "il nous était promis …", "se nos prometió …"
    r"\bwe (?:were|had been) (?:promised|guaranteed)\b|^\W*(?:zugesagt|versprochen|zugesichert) (?:war|waren|wurde|wurden)\b|"
    r"\buns (?:wurde|wurden|war|waren) (?:\S+ ){0,6}?(?:zugesagt|versprochen|zugesichert)\b|"
    r"\bil (?:nous )?(?:était|avait été|a été) (?:promis|convenu)\b|\bon nous (?:avait|a) promis\b|"
    r"\bse nos (?:prometió|prometieron|había prometido|garantizó)\b",
    re.IGNORECASE,
)


# The customer stating, with a date, what we will do: "as agreed, you will train our 35 dispatchers by 29 May",
# "vous formerez nos répartiteurs au plus tard le 29 mai", "Sie liefern uns bis 15.10. die Nachweise", "quedaste de que …"
YOU_WILL = re.compile(
    r"\b(?:you|your (?:team|side|people|company))(?: will|'ll| are going to| need to| have to)\b|"
    r"\b(?:as agreed|as discussed),? you\b|"
    r"\bvous (?:nous |me |leur )?\w+(?:rez|ez à)\b|\bcomme convenu\b|"
    r"\b(?:sie|ihr) (?:werden|werdet|liefern|schicken|senden|schulen|richten)\b|\bwie (?:besprochen|vereinbart)\b|"
    r"\bquedaste (?:de|en) que\b|\bquedaron (?:de|en) que\b|\b(?:ustedes|usted) (?:nos )?\w+(?:rán|rá)\b|"
    r"\bcomo (?:acordamos|quedamos)\b|"
    # the present for what is agreed, with its date (checked by _reminds_us): "Nos preparáis una maqueta … a finales de
    # abril", "nos mandan el acceso el lunes", "vous nous préparez la maquette d'ici fin avril"
    r"\bnos (?:prepar|envi|mand|pas|entreg|hac|configur|instal|form|dej)\w*(?:áis|éis|ís|an|en)\b|\bnos van a \w+r\b|"
    r"\bvous nous \w+ez\b",
    re.IGNORECASE,
)


def rep_notes(sources: list[ThreadMessage], ctx: ExtractionContext) -> frozenset[str]:
    """Ids of the rep's own mail to the inbox (the notes above a forward), not the rep's mail to the customer."""
    return frozenset(
        m.id for m in sources if "#" not in m.id and m.kind == "email" and m.sender and _is_rep(m.sender.email, ctx)
    )


def _is_rep(email: str, ctx: ExtractionContext) -> bool:
    """The rep's own mail to the inbox: notes above a forward, read like a note (never quoted)."""
    return bool(ctx.rep.email) and email.lower() == ctx.rep.email.lower()


def _extend(item: Item, unit: Unit) -> None:
    item.text = f"{item.text} {unit.text}"
    item.quotes.extend(quotes_of(unit))
    if unit.source_id not in item.source_ids:
        item.source_ids.append(unit.source_id)


def _account(units: list[Unit], ctx: ExtractionContext) -> AccountInfo:
    info = ctx.account.model_copy()
    profile = self_description(ctx.account.name)
    for unit in units:
        if unit.author != "customer" and unit.author != "note":
            continue
        if not info.size and (m := SIZE.search(unit.text)) and cues.SECTION_CUES["company_overview"].search(unit.text):
            info.size = m.group(0).strip()
        overview = cues.SECTION_CUES["company_overview"].search(unit.text)
        if not info.business_model and overview and BUSINESS_MODEL.search(unit.text) and len(unit.text) < 220:
            info.business_model = unit.text
        if not info.industry and (m := profile.search(unit.text) or INDUSTRY.search(unit.text)):
            info.industry = (m.groupdict().get("what") or m.group(1)).strip()
    return info


__all__ = ["OfflineExtractor", "extract_sources"]
