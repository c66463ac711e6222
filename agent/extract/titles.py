"""Titles said next to a name in prose, and the ones people give themselves.

What it is for: ``named_titles`` finds people named with a title in prose or a transcript's speaker label
("our quality manager Sunita Rao", "Uwe Schäfer (Niederlassungsleiter Göttingen)", "Ana Gil, jefa de tienda,
Alicante Centro, ...", "Martín Sosa from their IT"), the title kept whole with its place or unit (``title_of``);
``titles_in_text`` keys them by name for a mail, ``title_for`` picks a person's among them; ``self_titled`` and
``self_described`` read the title or the job a person gives themselves ("I'm the Chief Medical Officer", "ich leite
die IT"). Patterns in English, German, French and Spanish. Not for: who took part or their roles (people.py), nor
what is said of a person (roles.py).
"""

from __future__ import annotations

import re

from agent.document import name_key, spells_out
from agent.extract.lexicon import COURTESY
from mailflows.inbound.signatures import TITLE_WORDS

_PART = r"(?:[A-ZÀ-Ý]['’])?[A-ZÀ-Ý][a-zà-ÿ]+(?:[A-Z][a-zà-ÿ]+)?(?:-[A-ZÀ-Ý][a-zà-ÿ]+)?"  # O'Brien, McKay, not I'm
_GREETING = (
    r"(?:Hi|Hello|Hey|Dear|Thanks|Hallo|Liebe[r]?|Danke|Bonjour|Cher|Chère|Merci|Hola|Estimad[oa]|Gracias|The|Our)\b"
)
_GAP = r"(?:[ \t]*\n[ \t]*|[ \t]+)"  # a plain-text mail wraps its lines, a name too; a blank line parts two names
# "Ana de Luna", "Ruan van der Merwe", "Inés de los Ríos"
_PARTICLE = r"(?:de la|de las|de los|van der|van den|van de|von der|von dem|de|del|van|von|da|di|le|du|dos|das)"
PERSON = rf"(?!{_GREETING}){_PART}{_GAP}(?:{_PARTICLE}{_GAP})?{_PART}"
_OWNER = (
    r"(?i:our|their|his|her|the|nuestr[oa]|su|notre|leur|son|sa|unser(?:e[mnr]?)?|ihr(?:e[mnr]?)?|sein(?:e[mnr]?)?)"
)
# "Uwe Schäfer (Niederlassungsleiter Göttingen)", a transcript's "Jorge Villarreal (Plant Manager, Saltillo):"
PAREN_TITLE = re.compile(rf"(?<![\w-])(?P<name>{PERSON})\s*\((?P<title>[^()\n]{{2,120}})\)")
# "Ramón Escrivá, nuestro Director Comercial, ...", "Jean-Claude Perrin, directeur du site de Pontarlier, reste ..."
APPOSITIVE = re.compile(rf"(?<![\w-])(?P<name>{PERSON}),\s+(?=(?P<title>[^.;:()\n]{{2,120}}))")
# A line of its own, in a list of attendees or under a sign-off: "- Ana Ruiz – Head of Finance", "Tom Reyes | CFO | Acme"
LISTED_TITLE = re.compile(
    rf"(?m)(?:^|[:;][ \t]*)[ \t]*(?:[-*•][ \t]+)?(?P<name>{PERSON})[ \t]+[–—|-][ \t]+(?P<title>[^\n;]{{2,120}}?)"
    r"[ \t]*(?=;|$)"
)  # also one line of them: "Teilnehmer: Ana Ruiz – Leiterin Einkauf; Tom Reyes – CFO"
# A note's "CFO: Ana Gil", "- Leiter IT: Thomas Raab (thomas.raab@…)", "Jefe de Sistemas: Luis Soto": a title, a colon,
# the person; never a buying role ("Economic buyer: Ana Gil" is her part in the deal, not her job)
TITLE_COLON = re.compile(
    rf"(?m)^[ \t]*(?:[-*•][ \t]+)?(?P<title>[^\n:;,()]{{2,60}}?)[ \t]*:[ \t]*(?P<name>{PERSON})(?=[ \t]*(?:[,(<;.]|$))"
)
BUYING_ROLE_WORDS = re.compile(
    r"\b(?:economic buyer|decision[- ]maker|champion|technical (?:buyer|evaluator)|influencer|blocker|end user|"
    r"entscheider\w*|décideu\w*|acheteur économique|comprador económico|decisor\w*)\b",
    re.IGNORECASE,
)
# "our quality manager Sunita Rao", "unser Werkleiter Jens Kohl", "notre directrice financière, Claire Roux"
# also "the CFO (Kim Park)", "la directrice des achats, Claire Roux", "nuestra jefa de compras es Ana Gil"
TITLE_BEFORE = re.compile(
    rf"\b(?P<owner>{_OWNER}|(?i:el|la|le|der|die))\s+(?P<title>(?:[\w&'’-]+\s+){{0,5}}[\w&'’-]+)(?:,?\s+|\s*\(\s*)"
    rf"{COURTESY}?(?P<name>{PERSON})\b"
)
# "… compras es Ana Gil", "our CFO is Kim Park": the verb between a title and the name it gives
_COPULA_END = re.compile(r"\s+(?:is|es|est|ist|was|war|era|était|sera|será|wird)$", re.IGNORECASE)
# A department someone belongs to, said where a title would be: "Martín Sosa from their IT", "Kevin Marsh from the
# finance team", "Jens Ohlsen aus der IT-Abteilung", "Sophie Martin, du service informatique", "Laura Gómez, de su
# área de sistemas": the department is what we know of their job. Never "our" IT (ours) nor another company.
_DEPARTMENT = (
    r"(?:IT|EDV|ICT|TI|DSI|data|analytics|BI|finance|procurement|purchasing|legal|security|operations|ops|HR|"
    r"engineering|controlling|compliance|accounting|informatique|achats|finances|juridique|comptabilit[ée]|sistemas|"
    r"inform[áa]tica|tecnolog[íi]a|compras|finanzas|contabilidad|operaciones|Einkauf|Finanzen|Buchhaltung|"
    r"Informatik|Rechtsabteilung|Betrieb)"
)
DEPARTMENT_MEMBER = re.compile(
    rf"(?<![\w-])(?P<name>{PERSON})(?:,)?\s+(?:"
    rf"(?i:from|of|in) (?i:their|the customer's|the client's|the) (?P<en>{_DEPARTMENT})(?: (?i:team|department|side|group))?"
    rf"|(?i:aus|von) (?i:der|dem|ihrer|ihrem) (?P<de>{_DEPARTMENT})(?:-?(?i:abteilung|team))?"
    rf"|(?i:du service|de l'équipe|de la direction) (?P<fr>{_DEPARTMENT})"
    rf"|(?i:de su|del|de la) (?i:área|equipo|departamento|gerencia) de (?P<es>{_DEPARTMENT})"
    r")\b",
)

# "Ana Ruiz is our Head of Finance", "…, who is the IT lead", "Marta Gil es la jefa de compras": a title said of
# them now (never "was": a past title is not theirs)
COPULA_TITLE = re.compile(
    rf"(?<![\w-])(?P<name>{PERSON})(?:,\s*(?:who|quien|qui|die|der)\s+|\s+)(?:is|es|est|ist)\s+"
    rf"(?P<owner>{_OWNER}|the|el|la|le|l'|der|die|das)\s+(?P<title>[^.;:,()\n]{{2,80}}?)"
    r"(?=\s*[.;:,()\n]|\s+(?:and|y|et|und|who|que|qui|der|die|since|seit|depuis|desde)\b|$)"
)
ARTICLE = re.compile(
    r"^(?:our|their|his|her|the|a|an|nuestr[oa]|su|el|la|notre|leur|son|sa|le|l'|unser(?:e[mnr]?)?|ihr(?:e[mnr]?)?|"
    r"sein(?:e[mnr]?)?|der|die|den)\s+",
    re.IGNORECASE,
)
# "our new Director of Nursing": new or current is when, not part of the title ("Acting CFO" is a title)
NOW = re.compile(r"^(?:new|current|newly appointed|neue[rn]?|nouvel(?:le)?|nouveau|nuev[oa]|actual)\s+", re.IGNORECASE)
NOT_TITLE_START = re.compile(
    r"^(?:who|which|that|is|was|will|has|and|or|but|thanks|thank|hi|hello|que|qui|quien|quién|der|die|das|i|i'm|"
    r"i've|i'll|we|we're|ich|wir|je|j'ai|nous|yo|soy|likely|probably|maybe|"
    r"welche[rs]?|est|es|ist|y|et|und|o|ou|oder|merci|gracias|danke)\b",
    re.IGNORECASE,
)
# "am"/"pm" only after a number: German "am Standort Graz" is a place in a title
TIME_OR_DATE = re.compile(
    r"\d{1,2}[:.h]\d{2}|\d{1,2}/\d{1,2}|\d\s*(?:am|pm)\b|\b(?:utc|cet)\b|\d+\s*(?:min|mins|minutes|minuten|minutos|h|hrs|hours)\b",
    re.IGNORECASE,
)
# Words that make a title only with a function in front ("claims agent"): a capitalised "Cornerstone agent" after a
# comma is more likely a product than a person's title.
WEAK_TITLE = re.compile(
    r"^(?:agent|owner|partner|rep|associate|intern|editor|producer|buyer|planner|steward|admin|"
    r"principal|executive|representative|assistant)$",
    re.IGNORECASE,
)
MAX_TITLE_WORDS = 8


def _place(segment: str) -> bool:
    """A place or unit that belongs to the title before it: "Saltillo", "4 West", "Alicante Centro"."""
    words = segment.split()
    return (
        0 < len(words) <= 4
        and (segment[0].isupper() or segment[0].isdigit())
        and not ARTICLE.match(segment)
        and not NOT_TITLE_START.match(segment)
        and not TIME_OR_DATE.search(segment)
    )


def title_of(text: str, closed: bool = True) -> str:
    """The title at the start of ``text`` (what follows a name), kept whole with its place or unit, or "".

    ``closed``: ``text`` is the title's whole span (inside parentheses); else an appositive runs to the
    comma after it, and the segments after that comma are kept only while they read as a place
    ("Nurse Manager, 4 West, Rockland, told us": the title stops before "told us").
    """
    segments = [seg.strip() for seg in re.split(r"[,;]", text) if "@" not in seg]
    if not segments:
        return ""
    head = NOW.sub("", ARTICLE.sub("", segments[0]))
    if (
        not head
        or NOT_TITLE_START.match(head)
        or not TITLE_WORDS.search(head)
        or len(head.split()) > MAX_TITLE_WORDS
        or TIME_OR_DATE.search(head)
    ):
        return ""
    kept = [head]
    for at, segment in enumerate(segments[1:], start=1):
        following = segments[at + 1] if at + 1 < len(segments) else ""
        if not _place(segment) or (re.fullmatch(PERSON, segment) and TITLE_WORDS.search(following)):
            break  # "Kai Berg, Plant Manager, Hugo Lenz, IT Lead": a list of people, not a place
        if not closed and at == len(segments) - 1:
            break  # the last piece of an open appositive is the sentence going on
        kept.append(segment)
    title = ", ".join(kept)
    return _title_case(title) if title.islower() else title


PARTICLES = frozenset({
    "of", "the", "and", "for", "at", "in", "on", "de", "du", "des", "la", "le", "les", "et", "à", "del", "el", "los",
    "las", "y", "en", "für", "der", "die", "das", "und", "von", "zu", "im", "am",
})  # fmt: skip


def _title_case(title: str) -> str:
    """ "directrice de l'exploitation" -> "Directrice de l'Exploitation", as a signature would write it."""
    words = []
    for at, word in enumerate(title.split(" ")):
        head, quote, rest = word.rpartition("'") if word[:2] in {"l'", "d'"} else ("", "", word)
        if at and rest in PARTICLES:
            words.append(word)
        else:
            words.append(f"{head}{quote}{rest[:1].upper()}{rest[1:]}")
    return " ".join(words)


WE = re.compile(r"^(?:our|nuestr[oa]|notre|unser\w*)$", re.IGNORECASE)


def named_titles(text: str, vendor: bool = False) -> list[tuple[str, str]]:
    """(name as written, title) for each person ``text`` names next to a title, in four languages:
    "Mei Tanaka (Data Engineering Lead)", "X, our supply chain analyst", "our quality manager Sunita Rao".
    ``vendor``: our own side wrote ``text``, so "our engineer Tom Hale" is one of ours, not the customer's."""
    found: list[tuple[str, str]] = []
    for match in PAREN_TITLE.finditer(text):
        found.append((match.group("name"), title_of(match.group("title"))))
    for match in APPOSITIVE.finditer(text):
        found.append((match.group("name"), title_of(match.group("title"), closed=False)))
    for match in COPULA_TITLE.finditer(text):
        if not (vendor and WE.match(match.group("owner"))) and not NOT_A_TITLE.search(match.group("title")):
            found.append((match.group("name"), title_of(match.group("title"))))  # not "is the lead on this"
    for match in DEPARTMENT_MEMBER.finditer(text):
        department = next(v for v in match.group("en", "de", "fr", "es") if v)
        found.append((match.group("name"), department if department.isupper() else department.capitalize()))
    for match in TITLE_COLON.finditer(text):
        if not BUYING_ROLE_WORDS.search(match.group("title")) and len(match.group("title").split()) <= MAX_TITLE_WORDS:
            found.append((match.group("name"), title_of(match.group("title"))))
    for match in LISTED_TITLE.finditer(text):  # "Ana Ruiz – Head of Finance – joined late": the title is the first part
        found.append((match.group("name"), title_of(re.split(r"\s[–—|-]\s", match.group("title"))[0])))
    for match in TITLE_BEFORE.finditer(text):
        title = _COPULA_END.sub("", match.group("title"))
        if vendor and WE.match(match.group("owner")):
            continue
        words = title.split()
        # a capitalised title is one when it starts or ends in a title word ("Head of Finance", "Leiterin Controlling")
        if not re.search(r"[A-ZÀ-Ý]", title[:1]) or title.islower() or TITLE_WORDS.search(f"{words[0]} {words[-1]}"):
            found.append((match.group("name"), title_of(title)))
    return [
        (re.sub(r"\s+", " ", name), re.sub(r"\s+", " ", title))
        for name, title in found
        if title and not TITLE_WORDS.search(name) and not (_weak(title) and title in text)  # as written, capitalised
    ]


def _weak(title: str) -> bool:
    """ "Cornerstone agent": capitalised, and its only title words are ones a product name carries too."""
    heads = [w for w in re.findall(r"[\w'’-]+", title.split(",")[0]) if TITLE_WORDS.fullmatch(w)]
    return title[0].isupper() and bool(heads) and all(WEAK_TITLE.match(w) for w in heads)


FIRST_NAME_TITLE = re.compile(r"(?<![\w-])([A-ZÀ-Ý][a-zà-ÿ'’-]+)\s*\(([^()\n]{2,60})\)(?!\s*[<\[]?[\w.+-]+@)")
# "Herr Okafor, Teamleiter IT-Architektur, beantwortet …", "Mme Roux, directrice financière": a surname after a courtesy
COURTESY_TITLE = re.compile(rf"(?<!\w){COURTESY}(?P<name>{_PART}),\s+(?P<title>[^.;:()\n]{{2,120}})")


def titles_in_text(text: str) -> dict[str, str]:
    """Titles written next to a name in prose, by folded name ("first:<name>" for a first name alone)."""
    found: dict[str, str] = {}
    for name, title in named_titles(text):
        if courtesy := re.match(rf"{COURTESY}(?P<last>{_PART})$", name):
            # "unser Geschäftsführer, Herr Brenner": "Herr" is no first name, Brenner is the surname
            found.setdefault(f"first:{name_key(courtesy.group('last'))}", title)
            continue
        if name_key(name) not in found or spells_out(found[name_key(name)], title):
            found[name_key(name)] = title
    for match in FIRST_NAME_TITLE.finditer(text):
        before = text[max(0, match.start() - 30) : match.start()]
        if re.search(r"[A-ZÀ-Ý][\w'’-]*[ \t]+$", before) and not re.search(rf"(?<!\w){COURTESY}$", before):
            continue  # "Mei Tanaka (…)": a last name, the full-name pattern has it; "Dr. Wiese (…)" is one name
        title = title_of(match.group(2))  # "Reto (CEO, owner family)": the title, not what follows it
        if title and not TIME_OR_DATE.search(title) and len(title.split()) <= 6:
            found.setdefault(f"first:{name_key(match.group(1))}", title)
    for match in COURTESY_TITLE.finditer(text):
        if title := title_of(match.group("title"), closed=False):
            found.setdefault(f"first:{name_key(match.group('name'))}", title)
    return found


def title_for(name: str, titles: dict[str, str], names: list[str]) -> str:
    """The prose title of ``name`` among everyone's ``names``: written next to the full name, next to its last
    two words ("Fernanda Ospina (Vicerrectora)" for Luisa Fernanda Ospina), or next to one word of it, first or
    last, that no one else's name holds ("Aisha (CFO)", "Dr. Wiese (Vorständin)", "Pfaff (store manager)")."""
    words = name_key(name).split(" ") if name else []
    if not words:
        return ""
    found = titles.get(name_key(name)) or (titles.get(" ".join(words[-2:]), "") if len(words) > 2 else "")
    if found:
        return found
    held = [w for other in {name_key(n) for n in names if n} for w in {other.split(" ")[0], other.split(" ")[-1]}]
    for word in dict.fromkeys((words[0], words[-1])):
        if held.count(word) == 1 and (title := titles.get(f"first:{word}")):
            return title
    return ""


# "I run procurement", "ich leite die IT", "je dirige les achats", "llevo la parte de sistemas": what they do,
# read like a title when the mail gives none.
SELF_DESCRIBED = re.compile(
    r"\b(?:I (?:run|lead|head|manage|own|look after|am responsible for|'m responsible for)|ich (?:leite|verantworte|bin "
    r"verantwortlich für)|je (?:dirige|pilote|gère|suis responsable d[eu]s?)|(?:dirijo|llevo|gestiono|soy responsable de))"
    r"\s+(?:one of |eine[rsn]? der |l'une des |l'un des |uno de |una de )?"  # "I lead one of the leakage teams"
    r"(?:the |our |die |den |das |unsere? |la |le |les |l'|el |los |las |nuestr[oa]s? |la parte de )?"
    r"([\w&/'’ -]{2,40}?)(?=[.,;:!?]|\s+(?:at|for|here|and|out|in|on|with|across|bei|und|im|chez|et|en|y)\b|\s+--|$)",
    re.IGNORECASE,
)


# "As head of information security, I …", "als Leiterin der Lagerlogistik verantworte ich …", "en tant que directrice
# financière, je …", "como director de sistemas, necesito …": the writer's own title, said in passing
AS_TITLE = re.compile(
    r"(?:^|[.!?;]\s+|\n)(?:speaking |writing |and )?(?:as|als|en tant que|como|en calidad de|in my role as|in meiner "
    r"(?:rolle|funktion) als|dans mon rôle de|en mi papel de)\s+(?:the |our |a |an |der |die |le |la |l'|el |la )?"
    r"(?P<title>[^.,;:!?()\n]{2,60}?)(?=\s*,|\s+(?:I|we)\b|\s+\w+\s+(?:ich|wir)\b|\s+(?:je|j'|nous)\b)",
    re.IGNORECASE,
)
# "Renata Salas, I'm the Chief Medical Officer", "ich bin Werkleiter in Zwickau", "je suis directrice du site":
# a speaker introducing themselves on a call
SELF_TITLE = re.compile(
    r"(?:\b(?:I(?:'m|’m| am)|ich bin|je suis|soy|my (?:role|title|job) is|meine (?:rolle|funktion) ist|mon (?:rôle|poste)"
    r" est|mi (?:cargo|puesto) es)\s+|\b(?-i:[A-ZÀ-Ý])[\w'’-]+\s+(?:here|hier|ici|aquí)\s*,\s*)"  # "Tom Reyes here, warehouse manager for …"
    r"(?:the |a |an |our |der |die |hier |le |la |l'|el |)"
    r"(?P<title>[^.,;!?()\n]{2,60}?)(?=\s*[.,;!?()]|\s+(?:and|so|und|et|y)\b|$)",
    re.IGNORECASE,
)
NOT_A_TITLE = re.compile(  # lower case only: "the IT Manager" is a title, "it" is not
    r"\b(?:this|that|it|who|which|one|not|no|my|das|es|nicht|kein\w*|mein\w*|ça|cela|pas|mon|ma|mes|esto|eso|mi|mis)\b"
)


def self_titled(said: str) -> str:
    """The title a person gives themselves in their own words, or ""."""
    for match in SELF_TITLE.finditer(said):
        title = re.sub(r"\s+(?:here|hier|ici|aquí|aqui)$", "", match.group("title").strip(), flags=re.IGNORECASE)
        leads = " ".join(title.split()[:2])  # "Chief Medical Officer", "practice manager at …", not "sure the CISO"
        if len(title.split()) <= MAX_TITLE_WORDS and not NOT_A_TITLE.search(title) and TITLE_WORDS.search(leads):
            return title_of(title)
    for match in AS_TITLE.finditer(said):
        title = match.group("title").strip()
        if len(title.split()) <= MAX_TITLE_WORDS and not NOT_A_TITLE.search(title) and TITLE_WORDS.search(title):
            return title_of(title)
    return ""


def self_described(said: str) -> str:
    """What a person says they run, in their own words ("procurement", "die IT"), or ""."""
    match = SELF_DESCRIBED.search(said)
    return match.group(1).strip() if match else ""
