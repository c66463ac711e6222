"""The customer's own clients stay out of the document: a name or a record number the customer gives as an example.

What it is for: a bank's IT lead writes "un exemple réel : client Hassan Al-Rashid, relation 0482-119377-01 dans
Avaloq, deux fiches différentes dans Salesforce". The fact (one client, two contradicting records) is worth handing
over; the client's name and number are personal data of someone who never wrote to us. ``keep_out_third_parties``
finds, in the sources, a record number with its label (a customer, policy, patient, member, student, case or order
number, "Kundennummer", "n° de police", "póliza", "MRN", "matricule", "expediente") and a person named right after
"client / Kunde / patient / cliente …" or after a courtesy title in an example ("for example", "z. B.", "par
exemple", "por ejemplo", "take Mrs …"); then, in whatever any extractor returned, it writes "[name]" and "[number]"
over them in item text, drops the quotes and evidence that hold them (a quote stays verbatim or goes) and drops an
item with nothing left to say. Our contacts (whoever writes, is written to or speaks in the sources, and the
stakeholders) are never such a third party. ``keep_out_unsayable`` drops, from whatever an extractor returned (a
model's too), what the unit cutter keeps from the offline reader: a secret or bank details (lexicon.SECRET), someone's
private matter or a confidence (lexicon.PRIVATE). Not for: legal footers (lexicon.JUNK drops those sentences whole),
checking quotes (base.verify_quotes, which calls this last).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from agent.document import SECTION_KEYS, Evidence, Extraction, Item, Quote, name_key
from agent.extract import lexicon

NAME_MARK = "[name]"
NUMBER_MARK = "[number]"

# the people a customer serves, in the four languages
_CLIENT = (
    r"(?:clients?|customers?|patients?|students?|pupils?|members?|policy ?holders?|account ?holders?|insured|"
    r"kunden?|kundin|patientin|patienten|mandant(?:in|en)?|versicherte[rn]?|versicherungsnehmer(?:in)?|mitglied|"
    r"sch[üu]ler(?:in)?|student(?:in)?|studierende[rn]?|bewohner(?:in)?|"
    r"cliente?s?|clientas?|patiente|assur[ée]e?s?|adh[ée]rente?s?|soci[ée]taire|[ée]l[èe]ve|[ée]tudiante?|b[ée]n[ée]ficiaire|"
    r"pacientes?|alumn[oa]s?|soci[oa]s?|asegurad[oa]s?|afiliad[oa]s?|estudiantes?|titular)"
)
CLIENT_WORD = re.compile(rf"\b{_CLIENT}\b", re.IGNORECASE)
_HONORIFIC = (
    r"(?-i:Mr|Mrs|Ms|Miss|Dr|Prof|Herr|Herrn|Frau|M|Mme|Mlle|Madame|Monsieur|Sr|Sra|Srta|Señor|Señora|Don|Doña|Dña)"
    r"\.?\s+"
)
# a capitalised word of a name ("Al-Rashid", "O'Brien", "Müller") or an initial ("J.")
_WORD = r"(?-i:[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+(?:['’-][A-Za-zÀ-ÖØ-öø-ÿ]+)*|[A-Z]\.)"
_PARTICLE = r"(?-i:(?:van|von|der|de|del|della|da|di|du|le|la|al|el|bin|ibn|ten|ter|zu|y|dos|das)\s+)"
_NAMED = r"(?:(?:named|called|namens|nommée?|appelée?|llamad[oa])\s+)?"
PERSON = re.compile(
    rf"\b{_CLIENT}\b[\s,:(«\"“]*{_NAMED}(?:(?P<hon>{_HONORIFIC})(?P<short>{_WORD}(?:\s+{_PARTICLE}*{_WORD}){{0,2}})"
    rf"|(?P<long>{_WORD}(?:\s+{_PARTICLE}*{_WORD}){{1,2}}))",
    re.IGNORECASE,
)
# a courtesy title and a name in an example, with no word for a client: "take Mrs Patel", "nehmen wir Frau Berger"
TITLED = re.compile(rf"(?<![\w.])(?P<hon>{_HONORIFIC})(?P<short>{_WORD}(?:\s+{_PARTICLE}*{_WORD}){{0,2}})")
EXAMPLE = re.compile(
    r"\b(?:for (?:example|instance)|e\.\s?g\.|a (?:real|concrete|recent|typical) (?:example|case)|case in point|"
    r"take|imagine|zum beispiel|z\.\s?b\.|beispiel(?:sweise)?|nehmen wir|stell(?:en sie)? (?:dir|sich) vor|"
    r"par exemple|p\.\s?ex\.|exemple|prenons|imaginons|cas (?:réel|concret)|por ejemplo|p\.\s?ej\.|ejemplo|"
    r"pongamos|tomemos|imagina|caso (?:real|concreto))",
    re.IGNORECASE,
)
EXAMPLE_BEFORE = 200  # an example's cue comes this many characters before the name at most ...
CLIENT_BEFORE = 60  # "l'assurée Mme …", "the patient, Mrs …": a client's word just before a titled name ...
CLIENT_AFTER = 80  # ... or after it in its sentence: "Mrs Patel, one of our policyholders"
SENTENCE_END = re.compile(r"[.!?;](?:\s|$)")
# an example that takes a person: "take Mrs Patel", "nehmen wir Frau Berg", "prenons Mme Roy", "pongamos a la Sra. Gil"
TAKE = re.compile(
    r"\b(?:take|let's say|imagine|nehmen wir(?: mal)?|nimm|prenons|imaginons|pongamos|tomemos|imagina)"
    r"(?:\s+(?:a|al|an|la|le|el|die|den|der|l'))*\s*$",
    re.IGNORECASE,
)
# a titled name with a room or bed of theirs, or what happened to them, is someone in the customer's care: "Mrs Edith
# Parry in Room 12 fell twice", "Herr Vogt aus Zimmer 4 ist gestürzt", "Mme Roy, chambre 12", "la Sra. Gil se cayó"
CARED_FOR = re.compile(
    r"^[^.!?;]{0,30}?\b(?:room|bed|ward|flat|apartment|zimmer|bett|wohnung|chambre|lit|appartement|habitaci[óo]n|cama|"
    r"departamento)\s*(?:no\.?\s*|nr\.?\s*|n[°º]\s*)?\d+|^[^.!?;]{0,40}?\b(?:fell|fallen|died|passed away|was admitted|"
    r"gestürzt|verstorben|eingeliefert|tomb[ée]e?|d[ée]c[ée]d[ée]e?|hospitalis[ée]e?|se cay[óo]|falleci[óo]|fue ingresad[oa])\b",
    re.IGNORECASE,
)
EXAMPLE_AFTER = 40  # ... or just after it ("Mrs Patel, for example, ...")
# words that follow "customer" in a name of a team, a tool or a title, not of a person
_NOT_A_NAME = frozenset([
    "success", "service", "services", "support", "care", "experience", "journey", "portal", "data", "team", "teams",
    "manager", "management", "insights", "center", "centre", "hub", "cloud", "relationship", "relations",
    "onboarding", "account", "accounts", "advisory", "base", "the", "our", "your", "their", "this", "that", "a",
    "an", "and", "or", "of", "for", "und", "oder", "der", "die", "das", "den", "dem", "des", "ein", "eine", "le",
    "la", "les", "un", "une", "et", "ou", "el", "los", "las", "y", "gmbh", "ag", "sa", "sas", "sarl", "inc", "ltd",
    "llc", "plc", "bank", "group", "gruppe", "holding", "kg", "se", "nv", "bv", "sl",
])  # fmt: skip

# A record number with its label: "Kundennummer 4711-0815-22", "n° de police 88 123 456", "póliza 2024-118-337"
_NUMBER_WORD = r"(?:numbers?|no\.?|nr\.?|#|id|ids|ref\.?|reference)"
# what identifies one person, in the four languages: "passport TG482201", "rider ID MMC-R-20931", "PPSN 7734129TA",
# "plate FKR-4471", "Kennzeichen HH-AB 123", "carte fidélité n° 4402 1187 3390", "cédula 8-765-4321", "placa PCX-118"
_ID_WORD = (
    r"passport|(?:licen[cs]e |number |registration )?plate|(?:driver'?s? )?licen[cs]e (?:no\.?|number)|PPSN|PPS|"
    r"national (?:id|insurance)|id card|(?:employee|staff|rider|driver|worker|badge|personnel|payroll|loyalty|"
    r"membership|card|user|tax|passenger|visitor|courier|agent|picker)\s*(?:id|number|no\.?|#)|"
    r"reisepass|pass|ausweis|personalausweis|kennzeichen|personal|kundenkarte|steuer-?id|führerschein|mitarbeiter|"
    r"passeport|carte (?:de )?fid[ée]lit[ée]|carte d'identit[ée]|plaque(?: d'immatriculation)?|immatriculation|"
    r"permis(?: de conduire)?|badge|"
    r"pasaporte|c[ée]dula(?: de identidad)?|CURP|placa|patente|tarjeta (?:de )?(?:socio|fidelidad|cliente)|legajo|"
    r"licencia(?: de conducir)?|(?:soci[oa]|adh[ée]rente?|mitglied)\s*(?:n[°º]|nro?\.|nr\.|#)"
)
# a telephone number with its label: "Tel. 040 555 81 22", "tél. 06 12 34 56 78", "móvil +34 612 345 678"
_PHONE_WORD = r"(?:tel\.?|t[ée]l\.?|phone|telephone|mobile|cell|handy|telefon|mobil|t[ée]l[ée]phone|portable|tel[ée]fono|celular|m[óo]vil)"
_LABEL = (
    r"(?:(?:customer|client|account|relationship|policy|patient|member(?:ship)?|student|case|order|claim|file|record|"
    rf"booking|loan|mortgage|portfolio|insurance|social security|national insurance)\s*{_NUMBER_WORD}|MRN|NHS number|"
    r"SSN|NIN|"
    r"kunden(?:nummer|-?nr\.?|-?id)|kd\.?-?nr\.?|vertrags(?:nummer|-?nr\.?)|versicherungs(?:schein)?(?:nummer|-?nr\.?)|"
    r"polic(?:e|en)(?:nummer|-?nr\.?)|patienten(?:nummer|-?nr\.?|-?id)|fall(?:nummer|-?nr\.?)|"
    r"mitglieds(?:nummer|-?nr\.?)|matrikel(?:nummer|-?nr\.?)?|auftrags(?:nummer|-?nr\.?)|bestell(?:nummer|-?nr\.?)|"
    r"aktenzeichen|mandanten(?:nummer|-?nr\.?)|versicherten(?:nummer|-?nr\.?)|depot(?:nummer|-?nr\.?)|stammnummer|"
    r"sozialversicherungsnummer|"
    r"(?:num[ée]ro|n°|nº|no\.?)\s*(?:de\s+|d')?(?:client|police|contrat|dossier|adh[ée]rent|patient|"
    r"s[ée]curit[ée] sociale|[ée]tudiant|commande|sinistre|soci[ée]taire|assur[ée]|relation|mandat)|matricule|IPP|NIR|"
    r"(?:n[úu]mero|n[º°]|num\.)\s*(?:de\s+)?(?:cliente|p[óo]liza|expediente|socio|afiliaci[óo]n|afiliado|paciente|"
    r"historia(?: cl[íi]nica)?|alumno|matr[íi]cula|pedido|siniestro|contrato|caso|asegurado)|p[óo]liza|expediente|"
    r"historia cl[íi]nica|matr[íi]cula|DNI|NIE|NSS|"
    # a person's own identifiers: an identity document, a staff or card number, a car's plate
    rf"(?:{_ID_WORD})(?:\s*(?:{_NUMBER_WORD}|n[°º]|nr\.?|nummer|n[úu]mero))?)"
)
# labels that are also everyday words: their number must look like a record's (six digits or more)
_BARE = (
    r"(?:relationship|relation|relaci[óo]n|policy|police|dossier|case|file|account|konto|depot|mandat|client|"
    r"customer|patient|kunde|cliente|paciente|caso|ticket)"
)
_VALUE = r"(?P<value>(?:(?-i:[A-Z]{1,4})[-/ ]?){0,2}\d[\dA-Z]*(?:(?:[./-]|\s(?=\d{3,4}\b))[\dA-Z]+)*)"
_PHONE = r"(?P<phone>\+?\d[\d ()./-]{5,}\d)"
_JOIN = r"\s*(?:[:=#]|\b(?:is|was|ist|lautet|war|est|es|era)\b)?\s*"
RECORD = re.compile(
    rf"\b(?:(?:(?P<label>{_LABEL})|(?P<bare>{_BARE})){_JOIN}{_VALUE}|{_PHONE_WORD}{_JOIN}{_PHONE})", re.IGNORECASE
)
# a person named right beside a record of theirs: "Gloria Pennington, plate FKR-4471", "member #88213, Eleanor Kay"
_NAME = rf"(?:(?P<hon>{_HONORIFIC}))?(?P<name>{_WORD}(?:\s+{_PARTICLE}*{_WORD}){{0,2}})"
NAME_BEFORE = re.compile(rf"(?<!\w){_NAME}\s*[,(]\s*$")
NAME_AFTER = re.compile(rf"\s*[,)]\s*{_NAME}")
# after a number, a unit says it is an amount or a count, not a record: "clients: 3 200 mandats"
_UNIT_AFTER = re.compile(r"\s?(?:%|€|\$|£|chf|eur|usd|k\b|m\b|mio|mrd|million|billion|mill|users?|mitarbeiter)",
                         re.IGNORECASE)  # fmt: skip
_YEAR = re.compile(r"(?:19|20)\d\d")


@dataclass(slots=True)
class ThirdParties:
    """What was found: names (with their last word, which a mail repeats alone) and record numbers."""

    names: set[str] = field(default_factory=set)
    numbers: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.names or self.numbers)

    def pattern(self) -> re.Pattern[str] | None:
        spans = sorted(self.names | self.numbers, key=len, reverse=True)
        if not spans:
            return None
        return re.compile("|".join(rf"(?<!\w){re.escape(s)}(?!\w)" for s in spans))

    def redact(self, text: str) -> str:
        pattern = self.pattern()
        if pattern is None:
            return text
        return pattern.sub(lambda m: NUMBER_MARK if m.group(0) in self.numbers else NAME_MARK, text)

    def holds(self, text: str) -> bool:
        pattern = self.pattern()
        return pattern is not None and pattern.search(text) is not None


def _records(text: str) -> Iterable[tuple[re.Match[str], str]]:
    """Each record number in ``text`` with its label: (the match, the number)."""
    for match in RECORD.finditer(text):
        group = "phone" if match.group("phone") else "value"
        value = match.group(group).rstrip("./-( ")
        digits = sum(ch.isdigit() for ch in value)
        least = 7 if group == "phone" else 4 if match.group("label") else 6
        if digits < least or _YEAR.fullmatch(value) or _UNIT_AFTER.match(text, match.end(group)):
            continue
        yield match, value


def _record_numbers(text: str) -> Iterable[str]:
    return (value for _, value in _records(text))


def _named_beside(text: str, match: re.Match[str]) -> Iterable[tuple[str, bool]]:
    """The person named just before a record's label or just after its number: (name, titled)."""
    for named in (
        NAME_BEFORE.search(text, max(0, match.start() - 60), match.start()),
        NAME_AFTER.match(text, match.end()),
    ):
        if named is not None:
            yield named.group("name"), named.group("hon") is not None


def _in_example(text: str, start: int, end: int) -> bool:
    return bool(EXAMPLE.search(text[max(0, start - EXAMPLE_BEFORE) : end + EXAMPLE_AFTER]))


def _person(words: str) -> str | None:
    """The name in ``words`` without trailing words that are no name's ("Customer Success Team" is none)."""
    parts = words.split()
    while parts and parts[-1].lower().strip(".") in _NOT_A_NAME:
        parts.pop()
    if not parts or any(p.lower().strip(".") in _NOT_A_NAME for p in parts):
        return None
    return " ".join(parts)


def find_third_parties(texts: Iterable[str], contacts: Iterable[str]) -> ThirdParties:
    """The customer's own clients named or numbered in ``texts`` as an example; never one of ``contacts``."""
    ours = [[name_key(p) for p in re.split(r"[\s,]+", c) if len(p) > 1] for c in contacts]
    ours = [parts for parts in ours if parts]
    found = ThirdParties()
    for text in texts:
        people: list[tuple[str, bool]] = []
        for record, value in _records(text):
            found.numbers.add(value)
            people.extend(_named_beside(text, record))
        for match in PERSON.finditer(text):
            titled = match.group("hon") is not None
            words = match.group("short") if titled else match.group("long")
            numbered = any(True for _ in _record_numbers(text[match.start() : match.end() + 120]))
            if titled or numbered or _in_example(text, match.start(), match.end()):
                people.append((words, titled))
        for match in TITLED.finditer(text):
            # a titled name in an example is one of their clients when the example takes them ("take Mrs Patel"), or
            # beside a record number or a client's word in its sentence: "Frau Berger wird z. B. die Schulungen
            # leiten" names a colleague
            before = text[max(0, match.start() - CLIENT_BEFORE) : match.start()]
            after = SENTENCE_END.split(text[match.end() : match.end() + CLIENT_AFTER], maxsplit=1)[0]
            numbered = any(True for _ in _record_numbers(text[match.start() : match.end() + 120]))
            taken = TAKE.search(before) is not None or CARED_FOR.search(after) is not None
            if taken or (
                _in_example(text, match.start(), match.end()) and (numbered or CLIENT_WORD.search(before + after))
            ):
                people.append((match.group("short"), True))
        for words, titled in people:
            name = _person(words)
            if name is None or (not titled and len(name.split()) < 2):
                continue
            parts = [p for p in name.split() if len(p) > 2 and not p.endswith(".")]
            keys = [name_key(p) for p in parts]
            if any(set(keys) <= set(c) or (keys and keys[-1] == c[-1]) for c in ours):
                continue  # one of our contacts ("Frau Berger" is Anna Berger, who wrote): not a third party
            found.names.add(name)
            if parts and len(parts[-1]) > 3:
                found.names.add(parts[-1])  # "Al-Rashid's two records": the family name alone, later on
    return found


def _little_left(text: str) -> bool:
    """After redaction, too few words of its own for the item to tell a CSM anything."""
    rest = text.replace(NAME_MARK, " ").replace(NUMBER_MARK, " ")
    return len(re.findall(r"[^\W\d_]{3,}", rest)) < 4


def _clean_quotes(quotes: list[Quote], found: ThirdParties) -> list[Quote]:
    return [q for q in quotes if not found.holds(q.text)]


def _clean_evidence(pieces: list[Evidence], found: ThirdParties) -> list[Evidence]:
    return [p for p in pieces if not found.holds(p.text) and not found.holds(p.phrase)]


def _clean_items(items: list[Item], found: ThirdParties, changes: list[str]) -> list[Item]:
    kept = []
    for item in items:
        item.quotes = _clean_quotes(item.quotes, found)
        if not found.holds(item.text):
            kept.append(item)
            continue
        text = found.redact(item.text)
        if _little_left(text):
            changes.append(f"dropped an item about a client of theirs: {text[:60]!r}")
            continue
        changes.append(f"redacted a client of theirs: {text[:60]!r}")
        item.text = text
        kept.append(item)
    return kept


def keep_out_third_parties(extraction: Extraction, texts: Iterable[str], contacts: Iterable[str]) -> list[str]:
    """Redact the customer's own clients (found in the sources' ``texts``) from ``extraction``, in place.

    ``contacts``: the names of everyone who writes, is written to or speaks in the sources, and our rep.
    Returns one line per change, for the log.
    """
    found = find_third_parties(texts, contacts)
    changes: list[str] = []
    if not found:
        return changes
    sections = extraction.sections
    for key in SECTION_KEYS:
        if key == "stakeholders":
            continue
        setattr(sections, key, _clean_items(sections.items(key), found, changes))
    extraction.relationship = _clean_items(extraction.relationship, found, changes)
    for person in sections.stakeholders:  # our contacts, never a client of theirs (``contacts`` holds them)
        person.quotes = _clean_quotes(person.quotes, found)
        person.concerns = [found.redact(c) for c in person.concerns]
        person.sentiment_evidence = _clean_evidence(person.sentiment_evidence, found)
        for attr in ("title", "role_said", "role_shown"):
            value = getattr(person, attr)
            if value is not None and found.holds(value):
                setattr(person, attr, None)
    if extraction.urgency is not None:
        extraction.urgency.evidence = _clean_evidence(extraction.urgency.evidence, found)
        extraction.urgency.reasons = [found.redact(r) for r in extraction.urgency.reasons]
    return changes


UNSAYABLE = re.compile(f"{lexicon.SECRET}|{lexicon.PRIVATE.pattern}", re.IGNORECASE)
# an item's own words may be the rep's answer to our questions, written for the CSM ("I've heard he's interviewing
# elsewhere"): a colleague's trouble stays there; a secret, family news or a confidence never does
UNSAYABLE_ITEM = re.compile(f"{lexicon.SECRET}|{lexicon.PRIVATE_LIFE}|{lexicon.ASIDE}", re.IGNORECASE)


def keep_out_unsayable(extraction: Extraction) -> list[str]:
    """Drop, in place, every item, quote and piece of evidence that tells a secret, bank details, someone's private
    matter or a confidence (an item loses its quotes that do, and goes when its own text does). One line per change."""
    changes: list[str] = []

    def said(text: str) -> bool:
        return UNSAYABLE.search(text) is not None

    def clean(items: list[Item]) -> list[Item]:
        kept = []
        for item in items:
            item.quotes = [q for q in item.quotes if not said(q.text)]
            if UNSAYABLE_ITEM.search(item.text):
                changes.append(f"dropped an item no handoff may hold: {item.text[:40]!r}")
                continue
            kept.append(item)
        return kept

    sections = extraction.sections
    for key in SECTION_KEYS:
        if key != "stakeholders":
            setattr(sections, key, clean(sections.items(key)))
    extraction.relationship = clean(extraction.relationship)
    for person in sections.stakeholders:
        person.quotes = [q for q in person.quotes if not said(q.text)]
        person.concerns = [c for c in person.concerns if not said(c)]
        person.sentiment_evidence = [p for p in person.sentiment_evidence if not said(p.text)]
    if extraction.urgency is not None:
        extraction.urgency.evidence = [p for p in extraction.urgency.evidence if not said(p.text)]
        extraction.urgency.reasons = [r for r in extraction.urgency.reasons if not said(r)]
    return changes
