"""The CSM a rep names in a sentence of a reply, and where that name's address comes from.

What it is for: ``csm_in_prose`` finds "Tasha Greene will be the CSM (tasha.greene@…)",
"Can you loop in Sam Ortiz (sam.ortiz@…) as CSM?", "our CSM is Ana Pérez", "el CSM será
Ana Pérez", "der CSM ist …", "la CSM sera …" in the rep's own words (never in quoted
history), and ``resolve_colleague`` turns a name alone into an address: the roster first,
then the people seen in the account's mail, then the company's own address pattern as
its colleagues' addresses show it, and says which it assumed. Not for: the explicit
``CSM: Name <address>`` command line (agent/conversation.py parses that).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from agent.document import Stakeholder, fold
from agent.extract.people import role_unknown
from mailflows.inbound.mail import Address
from mailflows.inbound.signatures import TITLE_WORDS

_NAME = r"(?P<name>[A-ZÀ-Ý][\w'’\-]+(?:\s+(?:de\s+la\s+|de\s+|van\s+|von\s+|del\s+)?[A-ZÀ-Ý][\w'’\-]+){1,2})"
_ONE = r"(?P<name>[A-ZÀ-Ý][\w'’\-]+(?:\s+[A-ZÀ-Ý][\w'’\-]+){0,2})"  # "hand it to Ana": a first name may be all
_EMAIL = r"(?P<email>[\w.+'-]+@[\w-]+(?:\.[\w-]+)+)"
# The role spelled out in the four languages ("gerente de éxito de clientes", "votre gestionnaire du succès client")
_ROLE_WORDS = (
    r"customer success manager(?:in)?|customer success lead|kundenerfolgs?manager(?:in)?|"
    r"ansprechpartner(?:in)? (?:im|für|in) customer success|gestionnaire (?:du |de )?succès client(?:s|èle)?|"
    r"responsable (?:du |de )?succès client(?:s|èle)?|gerente de éxito (?:de(?:l)? )?client(?:e|es)|"
    r"responsable de éxito (?:de(?:l)? )?client(?:e|es)|kundenbetreuer(?:in)?|(?:customer )?success manager|"
    # "conseiller en succès client", "chargée de la réussite client", "asesora de éxito del cliente"
    r"(?:conseill(?:er|ère)|charg[ée]e?|responsable|gestionnaire) (?:en |du |de (?:la )?)?(?:succès|réussite) client(?:s|èle)?|"
    r"(?:asesor[a]?|ejecutiv[oa]|gerente|responsable) de éxito (?:de(?:l)? )?client(?:e|es)"
)
_ROLE = (
    r"(?i:(?:(?:the|our|your|their|new|dedicated|a|der|die|unser\w*|ihr\w*|neue\w*|le|la|notre|votre|nouveau|"
    rf"nouvelle|el|su|tu|nuestr[oa]|nuev[oa])\s+){{0,2}}(?:CSM|{_ROLE_WORDS}))"
)
# "Ihren", "your", "votre", "su": the role word belongs to the reader, as in "X, your CSM".
_YOUR = r"(?i:your|our|ihre[nmr]?|unsere[nmr]?|votre|notre|su|nuestr[oa])"
# A verb of arriving or taking over, before "as"/"als"/"comme"/"como" and the role.
_TAKES = (
    r"(?i:takes over|is taking over|steps in|comes on(?: board)?|joins(?: us)?|übernimmt|kommt|reprend|"
    r"prend le relais|arrive|rejoint|asume|se incorpora|entra|se encarga)"
)
_AS = r"(?i:as|als|comme|en tant que|como)"
# Capitalised words that stand before a name without being part of it: German pronouns, courtesy titles.
_NOT_NAME = re.compile(
    r"^(?:(?:Ihnen|Sie|Ihr|Euch|Dir|Herr|Herrn|Frau|Mr|Ms|Mrs|Dr|Monsieur|Madame|Mme|Señor|Señora|Sr|Sra|Don|Doña|"
    r"Hi|Hello|Hallo|Bonjour|Hola|Please|Bitte|Welcome|Meet|Introducing|Présentation|Presentación|Vorstellung)\.?"
    r"(?:\s+(?:de|of|von))?\s+)+"
)
# Words that name a service or a team, not a person: "Deutschsprachige Kundenbetreuung (CSM) ab Vertragsbeginn" in
# an offer's list of what is included is a promise of a German-speaking CSM, not a colleague of that name.
_SERVICE_WORDS = re.compile(
    r"(?i)\b(?:\w*(?:betreuung|service|support|kundendienst|abteilung|sprachig\w*)|team|équipe|equipo|soporte|"
    r"atención|servicio|assistance|success|customer|kunden\w*|client(?:e|es|èle)?|dedicated|dédiée?|dedicad[oa]|board|"
    r"committee|meeting|review|process|program(?:me)?|portal|handbook|plan|report|call|kick-?off)\b"
)
_ADDR = rf"(?:\s*[(<\[]\s*{_EMAIL}\s*[)>\]])?"
# one of our teams after a name ("from our team", "aus unserem Customer-Success-Team", "de notre équipe succès client")
_OUR_TEAM = (
    r"(?i:from|of|aus|de|du|del)\s+(?i:our|unserem|unserer|notre|nuestro|la|l')\s*(?:[\w-]+\s+){0,3}?"
    r"(?i:[\w-]*team|équipe(?:\s+[\w-]+){0,2}|equipo(?:\s+[\w-]+){0,3}|side|group)"
)
_CS = r"(?:customer[-\s]success|CS|CSM|succès client|réussite client|éxito (?:de(?:l)? )?client(?:e|es))"
_OUR_CS_TEAM = (
    rf"(?i:from|of|aus|de|du|del)\s+(?:(?i:our|unserem|unserer|notre|nuestro|la|l')\s*)?"
    rf"(?i:{_CS}[-\s]?(?:team|équipe|equipo)?|(?:équipe|equipo)\s+(?:de\s+|del\s+)?{_CS})"
)
_WILL_BE = r"(?i:will be|is going to be|is|wird|sera|será|va a ser|est|es|ist)"
# the one the customer calls: a contact named as theirs ("Ihre Ansprechpartnerin", "votre interlocutrice")
_CONTACT = r"ansprechpartner(?:in)?|interlocut(?:eur|rice)|contact|contacto|referente"
# Each pattern puts the name and, optionally, an address next to the role word in one sentence.
CSM_PROSE: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE if flags else 0)
    for p, flags in (
        (rf"\b{_NAME}{_ADDR},?\s+(?:is|will be|'ll be|becomes|is going to be)\s+{_ROLE}\b", False),
        (rf"\b(?:loop in|bring in|add|cc|introduce|assign|looping in)\s+{_NAME}{_ADDR},?\s+(?:as|to be)\s+{_ROLE}\b",
         False),
        (rf"\b{_NAME}{_ADDR},?\s+who(?:'ll| will| is going to)\s+be\s+{_ROLE}\b", False),
        (rf"\b{_ROLE}(?:\s+(?i:going forward|from now on|from here on|moving forward|for you|from signature onwards|"
         rf"after (?:signature|kickoff|go-live)))?"
         # "The CSM on this one is …", "the CSM for Cedarsound will be …"
         rf"(?:\s+(?i:on|for)\s+(?:(?i:this|the)\s+(?i:one|account|deal|customer|project)|[A-Z][\w'’-]+))?\s+(?:is|will be|"
         rf"for (?:this|them|the account) (?:is|will be)|here is)\s*:?\s+{_NAME}{_ADDR}", False),
        (rf"\b{_NAME}{_ADDR},?\s+(?:is|'s)\s+(?:taking|picking up|getting)\s+(?:over\s+)?(?:the|this)\s+account\s+as\s+{_ROLE}\b",
         False),
        (rf"\b{_NAME}{_ADDR},?\s+(?:will|is going to)\s+(?:take over|pick up|run|own)\s+(?:the|this)\s+account\s+as\s+{_ROLE}\b",
         False),
        (rf"\b(?:CSM|customer success)\s*(?:sera|será|wird|ist|est|es|va a ser|va être|will be|is going to be)\s*:?\s+"
         rf"{_NAME}{_ADDR}", False),
        # the rep writing to the CSM: "Aisha - looping you in, you'll be the CSM on Ridgeline (aisha.t@…)"
        (rf"^\W*{_ONE}\s*[-–—,:]\s+[^.?!]{{0,60}}?\b(?i:you(?:'ll| will) be|you are|you're)\s+(?i:the|our|their)\s+"
         r"(?i:CSM|customer success manager)\b(?!['’])", False),
        (rf"\b(?i:for|as|für|pour|para)\s+(?i:the |den |die |le |la |el )?(?:CSM|(?i:customer success)(?: manager)?)\s*[:\-–—]\s*{_NAME}{_ADDR}",
         False),
        (rf"\b{_NAME}{_ADDR}\s+(?:sera|será|wird|ist|est|es)\s+(?:(?:le|la|el|die|der|unser|unsere|notre|votre|su|tu|"
         rf"nuestr[oa]|vuestr[oa]|ihr|ihre|nouveau|nouvelle|nuev[oa])\s+)*(?i:CSM|{_ROLE_WORDS})\b", False),
        # a note's or a CRM row's "CSM = Hannah Okafor (…)", "CSM: Hannah Okafor", "CS: Hannah Okafor", "…; CSM: X;"
        (rf"(?:^|[-•*;,|]\s*|\n|[.!?]\s+)\s*(?:(?i:CSM)|CS|(?i:customer success(?: manager)?))\s*[:=]\s*{_NAME}{_ADDR}",
         False),
        # a list of our team with each one's role in brackets: "Wen Zhao (SE), Deepa Raman (CSM)"
        (rf"\b{_NAME}{_ADDR}\s*\((?i:our |their |the )?(?:CSM|CS|(?i:customer success)(?: manager)?)(?:\s*[,/]\s*[^()]{{0,30}})?\)",
         False),
        # "asked Greta Holm to own Halvard as their CSM": the one asked is the CSM, not the account after the verb
        (rf"\b{_NAME}{_ADDR}\s+(?i:to)\s+(?i:own|run|take over|look after|lead|manage|handle)\b[^.;:!?]{{0,40}}?\s{_AS}\s+"
         rf"(?:(?i:the|our|their|your)\s+)?(?i:CSM|{_ROLE_WORDS})\b", False),
        # the role spelled out in apposition, "your" or not: "Martina Ocampo, gerente de éxito de clientes, que …"
        (rf"\b{_NAME}{_ADDR},\s+(?:{_YOUR}\s+)?(?i:{_ROLE_WORDS})\b", False),
        # "Lucas Weber from our team will be your CSM", "Sabine Kranz aus unserem Customer-Success-Team wird Ihre CSM"
        (rf"\b{_NAME}{_ADDR},?\s+{_OUR_TEAM},?\s+{_WILL_BE}\s+(?:{_YOUR}\s+)?(?i:CSM|{_ROLE_WORDS})\b", False),
        # ... or their contact, from our customer success team: "… aus unserem Customer-Success-Team, Ihre
        # Ansprechpartnerin", and the verb before the name, as German puts it: "Ab sofort wird Sabine Kranz aus
        # unserem Customer-Success-Team Ihre Ansprechpartnerin sein"
        (rf"\b{_NAME}{_ADDR},?\s+{_OUR_CS_TEAM},?\s+{_WILL_BE}\s+(?:{_YOUR}\s+)?(?i:{_CONTACT})\b", False),
        (rf"\b(?i:wird|sera|será)\s+{_NAME}{_ADDR}\s+{_OUR_CS_TEAM}\s+(?:{_YOUR}\s+)?(?i:CSM|{_ROLE_WORDS}|{_CONTACT})\b",
         False),
        # "X from our Customer Success team will take over", "handing over to X (Customer Success)"
        (rf"\b{_NAME}{_ADDR},?\s+(?i:from|of)\s+(?i:our)\s+(?i:customer success)(?:\s+team)?,?\s+(?i:will|is going to|"
         r"is)\s+(?i:take over|own|lead|run|be your|pick up|taking over)", False),
        (rf"\b(?i:hand(?:ing)?|pass(?:ing)?)\s+(?i:it |this |the account )?(?i:over\s+)?(?i:to)\s+{_NAME}{_ADDR}\s*"
         r"\((?i:customer success|CSM)[^)]{0,40}\)", False),
        # German puts the verb second: "Ab Juli übernimmt Henrike Vogt als CSM" (before "Ab Juli" reads as a name)
        (rf"\b{_TAKES}\s+{_NAME}{_ADDR}\s+{_AS}\s+{_ROLE}\b", False),
        (rf"\b{_NAME}{_ADDR},?\s+{_TAKES}\b[^.;:!?]{{0,40}}?\s{_AS}\s+{_ROLE}\b", False),
        # "introduce Ana Ruiz (ana.ruiz@…), your CSM", "Ihnen Wiebke Janssen vorstellen, Ihre CSM": a name in apposition
        (rf"\b{_NAME}{_ADDR}(?:\s+\w+)?,\s+{_YOUR}\s+{_ROLE}\b", False),
        (rf"\b(?i:introduc\w*|meet|welcome)\s+(?i:you\s+to\s+)?{_NAME}{_ADDR},?\s+(?i:from|of)\s+(?i:our)\s+"
         r"(?i:customer success)\b", False),
        (rf"\b(?:hand|pass|give)\s+(?:it|this|the account|the handoff|them)\s+(?:over\s+)?to\s+{_ONE}{_ADDR}(?=\s*(?:[.,;!]|$|as\b))",
         False),
        # "I'm handing to Oluwaseun Adeyemi after signature", "handing over to X once it's signed"
        (rf"\b(?:handing|passing)\s+(?:it\s+|this\s+|the account\s+)?(?:over\s+)?to\s+{_NAME}{_ADDR}\s+(?i:after|once|"
         r"post|from|when|at)\s+(?i:signature|signing|kickoff|kick-off|close|go-live|it'?s signed|the contract)", False),
        # the role and its name in apposition: "a dedicated CSM, Nadia Benali, from launch", "une CSM francophone
        # dédiée, Nadia Benali, présente dès le lancement"
        (rf"\b{_ROLE}(?:\s+(?!(?i:team|équipe|equipo|abteilung)\b)[\w'’-]+){{0,2}},\s+{_NAME}{_ADDR}(?=\s*[,(.;]|\s*$)",
         False),
        # the role with "our"/"your" right before the name: "Our CSM Wei Ling Koh is cc'd", "unsere CSM Nora Weiß ist
        # dabei", "votre CSM Claire Dubois vous écrira", "nuestra CSM Ana Pérez"
        (rf"\b(?i:our|your|unser\w*|ihr\w*|notre|votre|nuestr[oa]|su)\s+(?i:CSM|{_ROLE_WORDS})\s+{_NAME}{_ADDR}"
         r"(?=\s*[,(.;:!]|\s*$|\s+[a-zà-ÿ'’])", False),
        # a name, a verb of being and a short clause before "as CSM": "Lerato is on the thread as CSM", "Ana is
        # joining the kickoff as their CSM", "Jonas ist ab Montag als CSM dabei"
        (rf"\b{_ONE}{_ADDR}\s+(?i:is|'s|was|has been|ist|est|es|está)\b"
         r"(?:(?!(?i:hired|worked|former|previous|old|used|elsewhere|vendor|tool))[^.;:!?,]){0,40}?"
         rf"\s{_AS}\s+"
         rf"(?:(?i:the|our|their|your|ihr\w*|unser\w*|leur|notre|votre|su|nuestr[oa])\s+)?(?i:CSM|{_ROLE_WORDS})\b",
         False),
        # last, as it is the loosest: "introduced Declan as their CSM", "le presenté a X (…) como su CSM"
        (rf"\b{_ONE}{_ADDR},?\s+{_AS}\s+(?:(?i:their|leur|leurs|ihre[nm]?)\s+|{_YOUR}\s+)?(?i:CSM|{_ROLE_WORDS})"
         r"(?=\s*(?:[.,;:!)]|$|(?i:and|und|et|y|vorgestellt|presented|introduced|in|on|for|from|with|starting|"
         r"effective|going|once|after|when|who|to|im|ab|dans|dès|en|desde|a partir)\b))", False),
    )
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Mention:
    name: str
    email: str | None  # written next to the name; None when only the name was given


def csm_in_prose(text: str, own_domains: Iterable[str]) -> Mention | None:
    """The CSM named in ``text`` (the rep's visible reply), or None. An address must be ours to count."""
    own = {d.lower() for d in own_domains}
    visible = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(">"))
    for paragraph in re.split(r"\n\s*\n", visible):
        line = re.sub(r"\s+", " ", paragraph)
        for pattern in CSM_PROSE:
            match = pattern.search(line)
            if match is None:
                continue
            said = re.sub(r"\s+", " ", match.group("name")).strip()
            name = _NOT_NAME.sub("", said)
            if not name or (name != said and " " not in name):
                continue  # "Ihnen Wiebke" was a pronoun and a first name, not a full name
            if _SERVICE_WORDS.search(name):
                continue
            email = match.groupdict().get("email")
            if email is None:
                nearby = re.search(_EMAIL, line[match.end() : match.end() + 80])
                email = nearby.group("email") if nearby else None
            if email and not _is_own(email, own):
                continue  # "… (tasha@customer.example)" is not one of our CSMs
            return Mention(name=name, email=email.lower() if email else None)
    return None


# The role word anywhere in a sentence of our side's mail, when no pattern above reads the sentence: "Kickoff with
# Mira Novak, CSM, on 12 Jan", "Amélie Dubois (customer success) takes it from here", "als CSM ist Mira Novak
# vorgesehen". The role named as a team, a lead or a vacancy is not a person's role.
# A code such as "CS-15" (a site, a ticket) is not the role.
_ROLE_ANYWHERE = re.compile(rf"\b(?:CSM|CS|(?i:customer success|{_ROLE_WORDS}))\b(?![-/_]?\d)")
_ROLE_NOT_PERSON = re.compile(
    r"(?i:\b(?:head|vp|director|directora?|leiter(?:in)?|responsable|chef|jefe|jefa) (?:of |de |du |des |für )?"
    r"(?:global )?(?:customer success|CSM)|\b(?:CSM|customer success) (?:lead|team|manager of|director|leiter|"
    # a question word or a remark on someone's part elsewhere ("Ravi Menon, who is CSM on the Harbor account"), not a
    # clause after a name that makes them yours ("Léa Fontaine, qui sera votre CSM", "Ana, who will be your CSM")
    r"équipe|equipo|abteilung)|(?<!, )\b(?:who|which|wer|welche[rn]?|qui|quel(?:le)?|quién|cuál)\b|"
    r", (?:who|die|der|qui|que|quien)\b(?!\s+(?:will be|is going to be|sera|será|va a ser|wird)\s+"
    r"(?:your|votre|su|tu|vuestr[oa]|ihr\w*|euer|eure)\b)|"
    # someone's CSM elsewhere or before: "our former CSM at Quarrystack", "ihr früherer CSM"
    r"\b(?:former|previous|old|ex|used to|ehemalig\w*|früher\w*|ancien(?:ne)?|anterior|antigu[oa])\b|\b(?:no|kein\w*|pas de|"
    r"sin|ningún)\s+(?:CSM|customer success)|\b(?:tbd|tbc|to be (?:assigned|confirmed|decided|named)|noch offen|"
    r"à confirmer|por confirmar|por definir)\b)"
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý])|\n")
_CAPITALISED = re.compile(
    r"(?<![\w@.-])[A-ZÀ-Ý][\w'’-]+(?:\s+(?:de\s+la\s+|de\s+|van\s+|von\s+|del\s+)?[A-ZÀ-Ý][\w'’-]+){1,2}"
)


def csm_by_role(
    text: str, own_domains: Iterable[str], colleagues: Iterable[tuple[str, str]], not_ours: Iterable[str]
) -> Mention | None:
    """The one colleague named in a sentence that names the CSM role, when no pattern of ``CSM_PROSE`` reads it.

    ``colleagues`` are (name, address) of our side as the mail shows them; ``not_ours`` the names of everyone else
    (the customer's people, the rep). A colleague counts by full name or, when one alone has it, by first name; a
    name the mail never shows counts when it is the sentence's only full name. Two candidates, a question, a vacancy
    ("no CSM yet", "CSM TBD") or the role named as a team or its head name no one.
    """
    own = {d.lower() for d in own_domains}
    # each colleague once, however many headers show them: "Yassine" is alone in his first name with Yassine Alaoui
    # on the Cc of two messages
    ours = list(dict.fromkeys((n, e.lower()) for n, e in colleagues if n and _is_own(e, own)))
    others = {fold(n) for n in not_ours if n}
    visible = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(">"))
    for sentence in _SENTENCE_END.split(visible):
        if not _ROLE_ANYWHERE.search(sentence) or _ROLE_NOT_PERSON.search(sentence) or sentence.rstrip().endswith("?"):
            continue
        words = set(re.findall(r"[\w'’-]+", fold(sentence)))
        found: dict[str, str | None] = {}
        for name, email in ours:
            key = fold(name)
            first = key.split()[0]
            alone = sum(fold(n).split()[0] == first for n, _ in ours) == 1
            if key in fold(sentence) or (alone and first in words):
                found[key] = email
        for match in _CAPITALISED.finditer(sentence):
            said = _NOT_NAME.sub("", match.group(0)).strip()
            key = fold(said)
            if (
                len(key.split()) < 2
                or key in others
                or key in found
                or _ROLE_ANYWHERE.search(said)
                or _SERVICE_WORDS.search(said)
            ):
                continue
            if any(fold(n).split()[0] == key.split()[0] for n, _ in ours):
                continue  # "Mira Novak" when the mail shows Mira: counted above
            if not all(_NAME_WORD.fullmatch(w) for w in said.split()):
                continue
            found[key] = None
        if len(found) == 1:
            key, address = found.popitem()
            name = next((n for n, _ in ours if fold(n) == key), None) or _as_written(sentence, key)
            nearby = re.search(_EMAIL, sentence)
            if address is None and nearby and _is_own(nearby.group("email"), own):
                address = nearby.group("email").lower()
            return Mention(name=name, email=address)
    return None


# A word of a person's name: not a day, a month, a greeting, a product or a word that opens a sentence
_NAME_WORD = re.compile(
    r"(?!(?i:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|"
    r"august|september|october|november|december|montag|dienstag|mittwoch|donnerstag|freitag|lundi|mardi|mercredi|"
    r"jeudi|vendredi|lunes|martes|miércoles|jueves|viernes|kickoff|kick-off|the|our|their|your|this|next|team|"
    r"customer|success|manager|data|lumen|hi|hello|thanks|regards|cheers|best|dear|note|notes|call|meeting|"
    r"und|und|les|los|las|el|la|le|der|die|das)\b)[A-ZÀ-Ý](?=[\w'’-]*[a-zß-ÿ])[\w'’-]+"
)  # and has a lower-case letter: "Czech UI", "SAP BW" are a product, not a person


def _as_written(sentence: str, key: str) -> str:
    for match in _CAPITALISED.finditer(sentence):
        said = _NOT_NAME.sub("", match.group(0)).strip()
        if fold(said) == key:
            return said
    return key.title()


def _is_own(email: str, own: set[str]) -> bool:
    domain = email.rsplit("@", 1)[-1].lower()
    return any(domain == d or domain.endswith("." + d) for d in own)


def address_pattern(colleagues: Iterable[tuple[str, str]], own_domains: Iterable[str]) -> str | None:
    """How our addresses are built, from colleagues whose name and address we saw: ``first.last``,
    ``first_last``, ``flast`` or ``first``; None when no colleague shows it."""
    own = {d.lower() for d in own_domains}
    for name, email in colleagues:
        if _is_own(email, own) and (shape := address_shape(name, email)):
            return shape
    return None


def address_shape(name: str, email: str) -> str | None:
    """How ``email`` is built from ``name`` (``first.last``, ``first_last``, ``flast``, ``firstlast``, ``first``), or
    None when it is not built from it or the name is not a full name."""
    parts = [p for p in (re.sub(r"[^a-z]", "", w) for w in fold(_ascii(name)).split()) if p]
    if len(parts) < 2:
        return None
    local = email.split("@", 1)[0].lower()
    first, last = parts[0], parts[-1]
    for shape, built in (("first.last", f"{first}.{last}"), ("first_last", f"{first}_{last}"),
                         ("flast", f"{first[0]}{last}"), ("firstlast", f"{first}{last}"), ("first", first)):  # fmt: skip
        if local == built:
            return shape
    return None


def build_address(name: str, shape: str, domain: str) -> str:
    parts = [p for p in (re.sub(r"[^a-z]", "", w) for w in fold(_ascii(name)).split()) if p]
    first, last = parts[0], parts[-1]
    local = {"first.last": f"{first}.{last}", "first_last": f"{first}_{last}", "flast": f"{first[0]}{last}",
             "firstlast": f"{first}{last}", "first": first}[shape]  # fmt: skip
    return f"{local}@{domain}"


def resolve_colleague(
    name: str,
    roster: Iterable[tuple[str, str]],
    seen: Iterable[tuple[str, str]],
    own_domains: Iterable[str],
    model_email: str,
) -> tuple[str, str]:
    """(address, how it was found) for a colleague named without an address."""
    wanted = fold(name)
    for roster_name, email in roster:
        if fold(roster_name) == wanted:
            return email.lower(), "the CSM roster"
    seen = list(seen)
    own = {d.lower() for d in own_domains}
    for seen_name, email in seen:
        if seen_name and fold(seen_name) == wanted and _is_own(email, own):
            return email.lower(), "the account's mail"
    if len(wanted.split()) == 1:
        # "Lerato is on the thread as CSM": the one colleague of that first name the mail shows with an address
        same = {e.lower() for n, e in seen if n and _is_own(e, own) and fold(n).split()[0] == wanted}
        if len(same) == 1:
            return same.pop(), "the account's mail"
    local, _, domain = model_email.lower().partition("@")
    # no colleague shows the pattern: the model address's separator ("dana_reyes@" -> first_last)
    shape = address_pattern(seen, own) or ("first_last" if "_" in local and "." not in local else "first.last")
    if len(wanted.split()) < 2:
        shape = "first"
    return build_address(name, shape, domain), f"our address pattern ({shape}@{domain})"


def with_guessed_addresses(out: list[Stakeholder]) -> list[Stakeholder]:
    """The customer's people ``out`` with an address for each one named in full without one but with a title or a
    role, built the way the addresses written in their mail are ("Marta Gil" -> marta.gil@…) when at least two
    show one pattern and none another; marked ``email_guessed``, so the address their own mail writes replaces it."""
    written = [(s.name, s.email) for s in out if s.email and not s.email_guessed]
    shapes: dict[str, int] = {}
    domains: dict[str, int] = {}
    for name, email in written:
        if shape := address_shape(name, email):
            shapes[shape] = shapes.get(shape, 0) + 1
            domain = email.rsplit("@", 1)[-1].lower()
            domains[domain] = domains.get(domain, 0) + 1
    if len(shapes) != 1 or len(domains) != 1 or next(iter(shapes.values())) < GUESS_MIN_ADDRESSES:
        return out
    shape, domain = next(iter(shapes)), next(iter(domains))
    taken = {(s.email or "").lower() for s in out}
    for person in out:
        words = person.name.split()
        if person.email or not 2 <= len(words) <= 4 or TITLE_WORDS.search(person.name):
            continue
        if not person.title and role_unknown(person):
            continue  # named, but nothing says what part they play: maybe not even the customer's
        email = build_address(person.name, shape, domain)
        if email not in taken:
            person.email, person.email_guessed = email, True
            taken.add(email)
    return out


GUESS_MIN_ADDRESSES = 2  # one address may be a one-off ("jsmith@"), two agreeing are the company's pattern


class _CSMLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def email(self) -> str: ...


class _RosterLike(Protocol):
    @property
    def csms(self) -> Sequence[_CSMLike]: ...  # noqa: E704


class _SenderLike(Protocol):
    @property
    def from_name(self) -> str | None: ...
    @property
    def from_email(self) -> str | None: ...


class _RepLike(Protocol):
    rep_name: str | None
    rep_email: str


def csm_from_reply(
    text: str, own_domains: Iterable[str], roster: _RosterLike | None, sources: Iterable[_SenderLike], rep: _RepLike
) -> tuple[Address, str] | None:
    """The CSM a reply names in a sentence, with the note the next draft carries about it."""
    people = [(c.name, c.email) for c in (roster.csms if roster is not None else ())]
    seen = [(s.from_name or "", s.from_email or "") for s in sources] + [(rep.rep_name or "", rep.rep_email)]
    found = csm_in_prose(text, own_domains)
    if found is None:
        # no sentence shaped like an introduction ("Please route this to Selin Aydın (selin.aydin@…) as CSM - she
        # ran …"): the role beside one colleague, counted only with an address of ours, as written or as the roster
        # or our mail gives it (a customer named in a sentence about the CSM is not the CSM)
        own = {d.lower() for d in own_domains}
        others = [n for n, e in seen if n and (not _is_own(e, own) or e.lower() == rep.rep_email.lower())]
        found = csm_by_role(text, own_domains, [*people, *seen], others)
        if found is None or found.email is None:
            return None
    if found.email:
        return Address(
            name=found.name, email=found.email
        ), f"CSM set to {found.name} <{found.email}>, as your reply says."
    if " " not in found.name.strip():
        # "hand it to Ana": a first name alone is a colleague only when the roster or our mail knows one
        own = {d.lower() for d in own_domains}
        match = [
            (n, e) for n, e in [*people, *seen] if n and fold(n).split()[0] == fold(found.name) and _is_own(e, own)
        ]
        if not match:
            return None
        found = Mention(name=match[0][0], email=None)
    email, how = resolve_colleague(found.name, people, seen, own_domains, rep.rep_email)
    note = (
        f"CSM set to {found.name} <{email}>: your reply named no address, so I took it from {how}. "
        "If that is wrong, reply with a line 'CSM: Name <address>'."
    )
    return Address(name=found.name, email=email), note


def _ascii(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


__all__ = [
    "Mention",
    "address_pattern",
    "address_shape",
    "build_address",
    "csm_from_reply",
    "csm_by_role",
    "csm_in_prose",
    "resolve_colleague",
    "with_guessed_addresses",
]
