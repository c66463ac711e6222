"""What a promise is about, which two tellings are one promise, and which promises later mail shows kept.

What it is for: ``promised_object`` reduces a promise to what was promised (the security
questionnaire, the SOC 2 report), in words that compare across English, German, French and
Spanish ("Sicherheitsfragebogen" and "security questionnaire" name the same thing);
``same_promise`` says two commitments are one promise told twice (our mail, then the
customer's "you promised X by DATE"); ``delivery_in`` reads a sentence that hands over
what was promised ("as promised, attached is …", "anbei wie versprochen …", "ci-joint …",
"como les prometimos, adjunto …", or the other side's "thanks for the …"); and ``kept_by``
says which of those deliveries keep a promise. Not for: whose promise a sentence is
(commitments.py) or resolving its date (dates.py).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from agent.document import HandoffDocument, Item, Owner, fold
from agent.extract.dates import MONTHS, WEEKDAYS
from agent.extract.units import Unit

# How far along a thing is, and counts: "the revised proposal" is the proposal that was promised.
# fmt: off
_NUMBERS_AND_STATES = [
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eins", "zwei", "drei",
    "vier", "funf", "un", "deux", "trois", "quatre", "cinq", "uno", "dos", "tres", "cuatro", "cinco", "final",
    "revised", "updated", "completed", "complete", "filled", "signed", "countersigned", "new", "latest",
    "requested", "full", "first", "draft", "remaining", "ausgefullt", "ausgefullte", "ausgefullten", "fertig",
    "fertige", "uberarbeitet", "uberarbeitete", "aktualisiert", "aktualisierte", "unterschrieben",
    "unterschriebene", "neue", "neuen", "komplett", "vollstandig", "completee", "rempli", "remplie", "revise",
    "revisee", "signe", "signee", "nouveau", "nouvelle", "mis", "jour", "completado", "completada", "rellenado",
    "rellenada", "revisado", "revisada", "actualizado", "actualizada", "firmado", "firmada", "nuevo", "nueva",
]
# Words that say how something is promised or handed over, not what: pronouns, articles, verbs of
# sending and promising, in the four languages (folded, without accents); dates are added below.
_HOW_WORDS = [
    "a", "an", "the", "and", "or", "of", "to", "for", "in", "on", "at", "by", "with", "from", "into", "your",
    "our", "you", "we", "i", "it", "its", "this", "that", "these", "those", "there", "be", "is", "are", "was",
    "were", "been", "being", "will", "would", "shall", "should", "can", "could", "may", "might", "have", "has",
    "had", "get", "got", "getting", "send", "sent", "sending", "share", "shared", "sharing", "provide",
    "provided", "deliver", "delivered", "delivering", "give", "given", "hand", "over", "attached", "attach",
    "enclosed", "here", "please", "find", "promised", "promise", "agreed", "committed", "discussed",
    "mentioned", "as", "per", "ready", "live", "done", "finished", "complete", "completed", "now", "just",
    "also", "still", "then", "soon", "latest", "end", "week", "weeks", "month", "months", "day", "days",
    "today", "tomorrow", "next", "last", "before", "after", "until", "till", "within", "early", "mid", "late",
    "all", "some", "thanks", "thank", "received", "ve", "ll", "re", "d", "s", "m", "t", "me", "us", "them",
    "him", "her", "they", "he", "she", "who", "what", "which", "when", "where", "der", "die", "das", "den",
    "dem", "des", "ein", "eine", "einen", "einem", "einer", "und", "oder", "fur", "bis", "zum", "zur", "von",
    "vom", "mit", "ihr", "ihnen", "ihre", "ihren", "wir", "ich", "sie", "es", "ist", "sind", "wird", "werden",
    "haben", "habe", "hat", "hier", "wie", "versprochen", "zugesagt", "vereinbart", "besprochen", "anbei", "im",
    "anhang", "schicken", "senden", "liefern", "geschickt", "gesendet", "geliefert", "bereitstellen", "noch",
    "ende", "anfang", "mitte", "woche", "wochen", "heute", "morgen", "danke", "vielen", "dank", "erhalten",
    "jetzt", "nun", "schon", "auch", "dann", "le", "la", "les", "un", "une", "et", "ou", "pour", "de", "du",
    "au", "aux", "avec", "vous", "nous", "je", "il", "elle", "est", "sont", "sera", "seront", "comme", "promis",
    "convenu", "prevu", "ci", "joint", "jointe", "piece", "voici", "envoyer", "envoye", "envoyee", "livrer",
    "livre", "fin", "debut", "semaine", "aujourd", "hui", "demain", "merci", "bien", "recu", "avons", "ai",
    "trouverez", "ici", "avant", "apres", "plus", "tard", "antes", "hasta", "durante", "despues", "luego",
    "nach", "vor", "ab", "spatestens", "el", "los", "las", "unos", "unas", "y", "o", "para", "del", "al", "con",
    "usted", "ustedes", "nosotros", "os", "te", "como", "prometimos", "prometido", "acordamos", "acordado",
    "adjunto", "adjuntamos", "aqui", "esta", "tienes", "tienen", "enviar", "enviamos", "enviado", "hemos",
    "entregar", "entregado", "tendremos", "finales", "principios", "semana", "hoy", "manana", "gracias", "por",
    "recibido", "recibimos", "ya",
]
# fmt: on
_PERIOD_WORDS = ["q1", "q2", "q3", "q4", "quartal", "trimestre", "quarter", "eod"]
_POSSESSIVES = [
    "my", "mine", "their", "his", "mein", "meine", "meinen", "unser", "unsere", "unseren", "unserem", "euer", "eure",
    "notre", "nos", "votre", "vos", "mon", "ma", "mes", "leur", "leurs", "mi", "mis", "tu", "tus", "su", "sus",
    "nuestro", "nuestra", "nuestros", "nuestras", "vuestro", "vuestra",
]  # fmt: skip

# The same thing in each language: a stem found in a word (German compounds included) stands for the concept.
_CONCEPTS: dict[str, tuple[str, ...]] = {
    "questionnaire": ("questionnaire", "fragebogen", "cuestionario"),
    "security": ("security", "sicherheit", "securite", "seguridad", "infosec"),
    "report": ("report", "bericht", "rapport", "informe"),
    "guide": ("guide", "leitfaden", "anleitung", "handbuch", "guia", "manual", "handbook", "playbook"),
    "connector": ("connector", "konnektor", "connecteur", "conector"),
    "integration": ("integration", "integracion", "schnittstelle", "interface"),
    "contract": ("contract", "vertrag", "contrat", "contrato"),
    "proposal": ("proposal", "proposition", "angebot", "offre", "propuesta", "oferta", "devis"),
    "price": ("pricing", "price", "preis", "tarif", "precio", "cotizacion"),
    "training": ("training", "schulung", "formation", "formacion", "capacitacion"),
    "recording": ("recording", "aufzeichnung", "enregistrement", "grabacion"),
    "slides": (
        "slides",
        "deck",
        "folien",
        "praesentation",
        "prasentation",
        "presentation",
        "diapositiv",
        "presentacion",
    ),
    "summary": ("summary", "zusammenfassung", "resume", "resumen", "recap"),
    "timeline": ("timeline", "zeitplan", "calendrier", "cronograma", "calendario", "schedule"),
    "certificate": ("certific", "zertifikat", "certificat"),
    "documentation": ("documentation", "dokumentation", "documentacion", "docs"),
    "access": ("access", "zugang", "zugriff", "acces", "acceso", "login", "credentials"),
    "environment": ("environment", "umgebung", "environnement", "entorno", "sandbox"),
    "agreement": ("agreement", "vereinbarung", "accord", "acuerdo"),
    "reference": ("reference", "referenz", "referencia"),
    "invoice": ("invoice", "rechnung", "facture", "factura"),
    "estimate": ("estimate", "schatzung", "estimation", "estimacion"),
    "template": ("template", "vorlage", "modele", "plantilla"),
    "architecture": ("architect", "architektur", "arquitectura"),
    "diagram": ("diagram", "diagrama"),
    "data": ("data", "daten", "donnees", "datos"),
    "workshop": ("workshop", "atelier", "taller"),
    "license": ("license", "licence", "lizenz", "licencia"),
    "plan": ("plan",),
    "list": ("list", "liste", "lista"),
    "test": ("test", "prueba"),
    "export": ("export",),
    "demo": ("demo",),
    "video": ("video",),
}
_STEMS = sorted(((stem, concept) for concept, stems in _CONCEPTS.items() for stem in stems), key=lambda p: -len(p[0]))
_WORD = re.compile(r"[a-z0-9]+")


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", fold(text)) if not unicodedata.combining(c))


_FUNCTION_WORDS = frozenset(
    _plain(w) for w in [*_HOW_WORDS, *_NUMBERS_AND_STATES, *MONTHS, *WEEKDAYS, *_PERIOD_WORDS, *_POSSESSIVES]
)


def _keys(word: str) -> set[str]:
    found = set()
    rest = word
    for stem, concept in _STEMS:
        # a short stem must start the word ("plan", "plans"), a long one may sit inside a compound
        if (len(stem) >= 5 and stem in rest) or (rest.startswith(stem) and len(rest) <= len(stem) + 2):
            found.add(concept)
            rest = rest.replace(stem, " ")
    return found or {word[:6]}


EARLY = timedelta(days=14)  # how long before its due date a delivery still keeps the promise
LONGER = 3  # words a delivery may name beyond the promised thing ("… signed off by our CISO")

# The verb a promise's object follows: "send the SOC 2 report", "schicke Ihnen den Fragebogen", "enviaremos el informe"
ACTION = re.compile(
    r"\b(?:share|get|gets|give|provide|deliver|have|set up|finish|complete|prepare|book|schedule|"
    r"arrange|run|host|introduce|bring|hand over|answer|fill|update|enable|connect|configure|build|record|translate|"
    r"promised|committed|schick\w*|send\w*|liefer\w*|bereitstell\w*|vorbereit\w*|einricht\w*|zukommen|"
    r"envo\w*|envi\w*|enverr\w*|livr\w*|fourni\w*|pr[ée]par\w*|transmet\w*|partag\w*|entreg\w*|tendr\w*|compart\w*|mand\w*)\b",
    re.IGNORECASE,
)
# Where what is handed over ends: "thanks for the pricing, but we still need the SOC 2 report" thanks for one thing
CLAUSE_END = re.compile(
    r"[;:.!?()]|\s[-–—]\s|,?\s+(?:but|however|although|though|aber|jedoch|mais|cependant|pero|sin embargo|aunque)\b",
    re.IGNORECASE,
)
# "we have not received the report", "noch nicht erhalten", "pas encore reçu", "todavía no hemos recibido"
NOT_YET = re.compile(
    r"n't\b|\b(?:not|never|nicht|keine?n?|pas|jamais|todav[ií]a no|a[uú]n no|no (?:hemos|he|han|tenemos|nos))\b",
    re.IGNORECASE,
)


def _keys_of(text: str) -> frozenset[str]:
    words = [w for w in _WORD.findall(_plain(text)) if w not in _FUNCTION_WORDS and not w[0].isdigit() and len(w) > 1]
    return frozenset(key for word in words for key in _keys(word))


def _clause_after(text: str, at: int) -> str:
    end = CLAUSE_END.search(text, at)
    return text[at : end.start() if end else len(text)]


@functools.lru_cache(maxsize=8192)
def promised_object(text: str) -> frozenset[str]:
    """What a promise is about, as concept keys: the words after its verb ("We'll send the SOC 2 report by
    Friday" -> {"soc", "report"}), or the whole sentence's when no verb says it."""
    verb = ACTION.search(text)
    keys = _keys_of(text[verb.end() :]) if verb else frozenset()
    return keys or _keys_of(text)


def same_object(a: frozenset[str], b: frozenset[str]) -> bool:
    """Two objects are the same thing: at least two keys shared (or the one key a short one has), and half of
    the shorter one."""
    shared = len(a & b)
    smaller = min(len(a), len(b))
    return shared >= min(2, smaller) and shared > 0 and shared * 2 >= smaller


def _dues_agree(a: Item, b: Item) -> bool:
    """Both undated, or dated alike (a month holds its days); one dated telling of an undated one is
    milestones.date_the_undated's to fold, keeping the dated words."""
    if a.due == b.due:
        return True
    if a.due is None or b.due is None:
        return False
    coarse, other = (a, b) if (a.due_precision or "day") != "day" else (b, a)
    if (coarse.due_precision or "day") == "day" or other.due is None or coarse.due is None:
        return False
    return _period_start(coarse) <= other.due <= coarse.due


def same_promise(a: Item, b: Item) -> bool:
    """One promise told twice: the same thing promised, by the same side, and no two different due dates."""
    if a.owner and b.owner and a.owner != b.owner:
        return False
    return _dues_agree(a, b) and same_object(promised_object(a.text), promised_object(b.text))


def _period_start(item: Item) -> date:
    due = item.due or date.min
    if item.due_precision == "month":
        return due.replace(day=1)
    if item.due_precision == "quarter":
        return date(due.year, due.month - 2, 1)
    return due


# A sentence that hands over what was promised (present or done), in the four languages.
HANDED_OVER = re.compile(
    r"\b(?:attached (?:is|are|you(?:'ll| will) find)|i(?:'ve| have) attached|please find|enclosed (?:is|are)|"
    r"here(?:'s| is| are)\b|(?:i|we)(?:'ve| have) (?:just |now )?(?:sent|shared|uploaded|delivered|completed|finished|"
    r"set up|enabled|turned on|added)|(?:is|are) now (?:live|ready|available|enabled|in your)|went (?:out|live|over|across|to)\b|\balready (?:\w+ )?(?:sent|shared|delivered|booked|scheduled|set up|enabled|ran|held|done)|(?:is|are|has been|have been) (?:now )?(?:booked|scheduled|lined up) (?:for|on)|"
    r"(?:has|have) (?:now )?been (?:sent|shared|delivered|completed|set up|enabled)|"
    r"anbei|im anhang|hier (?:wie|ist|sind|kommt|kommen|finden sie|die|der|das|den)\b|"
    r"(?:habe|haben) (?:ich |wir )?(?:\S+ ){0,5}?(?:geschickt|gesendet|verschickt|hochgeladen|geteilt|eingerichtet|"
    r"freigeschaltet|geliefert)|ist (?:jetzt |nun )?(?:live|aktiv|freigeschaltet|eingerichtet)|"
    r"ci-?\s?joint|en pi[eè]ce jointe|vous trouverez|voici|(?:j'ai|nous avons) (?:\S+ ){0,4}?(?:envoy|partag|transmis|"
    r"livr|mis en place|activ)\w*|est (?:maintenant |d[ée]sormais )?(?:en ligne|actif|active|disponible)|"
    r"adjunt[oa]s?|adjuntamos|aqu[ií] (?:est[aá]n?|tienes|tienen|ten[eé]is|les dejo|te dejo|va|van)|"
    r"(?:hemos|he) (?:\S+ ){0,3}?(?:enviado|compartido|entregado|activado|configurado)|"
    r"ya est[aá] (?:activ[oa]|list[oa]|en marcha|disponible))",
    re.IGNORECASE,
)
STILL_TO_COME = re.compile(
    r"\b(?:will|'ll|going to|werde|werden|wird|allons|vais|enverrons|livrerons|vamos a|enviaremos|tendremos|"
    r"enviar[eé])\b",
    re.IGNORECASE,
)
# The other side saying it arrived: "thanks for the SOC 2 report", "danke für den Fragebogen", "bien reçu le …"
RECEIVED = re.compile(
    r"\b(?:thanks|thank you) for (?:sending|sharing|the|your)\b|\b(?:we|i) (?:have |'ve )?received (?:the|your)\b|"
    r"\b(?:danke|vielen dank) f[üu]r (?:die|den|das|ihre|ihren|euren|eure)\b|\b(?:haben|habe) (?:\S+ ){0,3}?erhalten\b|"
    r"\bmerci pour (?:le|la|les|l'|votre|vos)\b|\bbien re[çc]u\b|\bgracias por (?:el|la|los|las|enviar|compartir|su|tu)\b|"
    r"\b(?:hemos|he) recibido\b|\brecibimos\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Delivery:
    """A sentence that shows something promised handed over: whose promise it keeps, what, where and when."""

    keeps: Owner
    what: frozenset[str]
    source_id: str
    day: date | None


def delivery_in(unit: Unit) -> Delivery | None:
    """The handing over ``unit`` shows, or None: our side (or the customer) sending it, or the other side
    saying it arrived. What was handed over is the clause after the words that hand it over ("Here is the
    revised proposal; the order form will follow" hands over the proposal)."""
    text = unit.text
    if text.rstrip().endswith("?") or NOT_YET.search(text):
        return None
    side: Owner | None = None
    found = HANDED_OVER.search(text)  # "as promised" alone may only recall the promise
    if found:
        side = "customer" if unit.author == "customer" else "us"
    elif found := RECEIVED.search(text):
        side = "us" if unit.author == "customer" else "customer"
    if side is None or found is None:
        return None
    clause = _clause_after(text, found.end())
    before = text[: found.start()]
    if STILL_TO_COME.search(clause) or STILL_TO_COME.search(
        before[before.rfind(",") + 1 :] if "," in before else before
    ):
        return None  # "as promised, we'll send it Friday" is the promise again, not the thing
    what = _keys_of(clause)
    passive = re.match(r"(?i)(?:is|are|was|were|has|have|went)\b", found.group(0))
    if (passive or not what) and before.strip():  # "The guide went out on May 15", "The call is booked for Tuesday":
        what = what | _keys_of(before[before.rfind(",") + 1 :])  # the thing handed over is the subject
    return Delivery(side, what, unit.source_id, unit.anchor) if what else None


def hands_over(unit: Unit) -> bool:
    """``unit`` is its own side handing something over (no new promise, whatever words of promising it has)."""
    found = delivery_in(unit)
    return found is not None and found.keeps == ("customer" if unit.author == "customer" else "us")


def kept_by(item: Item, deliveries: list[Delivery], written: dict[str, date], reference: date | None) -> list[str]:
    """The sources that show ``item`` kept: a later delivery of the same thing, of a promise that was due by
    ``reference`` (the signature or the latest mail) or soon after it (a thing handed over early is kept; one
    due months later is not kept by a mention of it); an undated promise counts."""
    if item.due is not None and reference is not None and _period_start(item) > reference + EARLY:
        return []
    promised_on = min((written[s] for s in item.source_ids if s in written), default=None)
    what = promised_object(item.text)
    out: list[str] = []
    for delivery in deliveries:
        if delivery.source_id in item.source_ids or delivery.keeps != (item.owner or "us"):
            continue
        if promised_on and delivery.day and delivery.day < promised_on:
            continue
        # the promised thing inside what was handed over (a clause not much longer), or the other way round
        inside = what <= delivery.what and len(delivery.what - what) <= LONGER
        covered = inside or delivery.what <= what or same_object(what, delivery.what)
        if covered and what & delivery.what and delivery.source_id not in out:
            out.append(delivery.source_id)
    return out


def mark_kept(units: list[Unit], new: list[Item], document: HandoffDocument, signed: date | None) -> list[Item]:
    """Promises later mail shows delivered are kept, the rest open: this read's own (``new``) in place, and
    copies of the document's held ones are returned (the merge folds a copy into the item it repeats).
    Whichever extractor wrote the promises, the mail it read says whether they were kept."""
    deliveries: list[Delivery] = [d for d in map(delivery_in, units) if d is not None]
    written = {u.source_id: u.anchor for u in units if u.anchor}
    for source in document.sources:
        if source.id not in written and source.date:
            try:
                written[source.id] = date.fromisoformat(source.date[:10])
            except ValueError:
                continue
    days = [d for d in (document.contract_signed or signed, *written.values()) if d]
    reference = max(days) if days else None
    for item in new:
        item.status = item.status or "open"
        proof = kept_by(item, deliveries, written, reference) if item.status == "open" else []
        if proof:
            item.status, item.kept_source_ids = "kept", proof
    held = []
    for item in document.sections.commitments:
        proof = [s for s in kept_by(item, deliveries, written, reference) if s not in item.kept_source_ids]
        if proof:
            held.append(item.model_copy(update={"status": "kept", "kept_source_ids": [*item.kept_source_ids, *proof]}))
    return held


__all__ = [
    "Delivery",
    "delivery_in",
    "hands_over",
    "kept_by",
    "mark_kept",
    "promised_object",
    "same_object",
    "same_promise",
]
