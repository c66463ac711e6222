"""Competitors found by what a sentence does with them, in English, German, French and Spanish.

What it is for: ``rival_in(text)`` reads the frames a buyer uses when another option was
on the table — evaluating, comparing, trialling ("we also looked at Ferrovia Cloud", "wir
haben auch X angeschaut", "nous avons aussi évalué X", "también evaluamos X"), being
quoted ("Deloitte quoted us 180k", "la propuesta de X"), building it in-house ("IT offered
to build it themselves on Power Apps", "our Excel/VBA macro that Tom built"), staying with
the status quo ("we could just stay on spreadsheets"), replacing an incumbent ("we're
moving off Sage"), an offer or a price ("Grupo Datum nos ofreció hacerlo a la medida", "X nous
demandait 220 000 €"), a demo ("X demoed the week before"), cheaper than, the option still on the
table or still up against us ("vous les avez toujours en face ?"), the group's standard tool, a
vendor's own module that falls short ("su portal solo da mapas") and a tool kept for a job of
analysis alongside us ("still using X for attribution") — and returns the alternative's name: the
proper-noun span next to the frame, or what the in-house tool or the status quo is. The
customer's kinds of system (ERP, TMS) are never a name. ``loss_reason(text)`` says why an
option lost ("too expensive", "no German support", "their demo crashed", "zu teuer",
"trop chère", "demasiado caro"); ``news_only(text)`` tells a mention as news ("saw that
Tallis got acquired") from competition. Rules about meaning, never a list of brands
(lexicon.COMPETITORS is that list; classify.competitor_in weighs both); the phrases with no name in
them live in rival_cues.py. Not for: filing the sentence (offline.py) or known vendor names (classify.py).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

from agent.document import fold
from agent.extract.lexicon import NOT_COMPANY, rx
from agent.extract.rival_cues import AN_OPTION, IN_HOUSE, LOSS, NEWS, NOT_TOOL, POINTS_BACK, STATUS_QUO

Kind = Literal["named", "vendor", "consultancy", "in_house", "status_quo", "incumbent"]

# A name: capitalised words (inner capitals, digits, dots and slashes allowed), "&" may join them.
_WORD = r"[A-ZÀ-Ý][\w./+-]*[\w+]|[A-ZÀ-Ý]"
_SPAN = re.compile(rf"(?:{_WORD})(?:\s+(?:&\s+)?(?:{_WORD}|\d[\w.]*))" + "{0,3}")
# Small words that may stand between a frame and the name ("looked at the Ferrovia suite", "l'offre de X").
_LEAD = re.compile(
    r"^(?:\s*(?:the|a|an|their|its|also|too|with|to|at|against|from|by|of|on|into|des|du|de|del|di|la|le|les|el|los|"
    r"las|un|une|una|uno|die|der|das|den|dem|des|ein|eine|einen|einem|auch|ebenfalls|noch|von|mit|bei|à|chez|con|"
    r"a|aussi|également|también|y|und|et|al|au|aux)\b|\s*[dl][’'])*\s*",
    re.IGNORECASE,
)
_ARTICLE = frozenset((
    "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "unser", "unsere",
    "unseren", "ihr", "ihre",
))  # fmt: skip
_POSSESSIVE = frozenset(
    ("our", "their", "my", "your", "notre", "nos", "leur", "leurs", "nuestro", "nuestra", "su", "sus")
)
_PLACE_WORDS = frozenset(("in", "im", "nach", "aus", "am", "um", "bis", "seit", "ab", "zum", "zur"))  # "in Hamburg"
# Words that open sentences or name a department or a plain thing: never an alternative's name.
_GENERIC = frozenset((
    "price", "pricing", "cost", "costs", "quote", "offer", "proposal", "demo", "pilot", "trial", "setup",
    "support", "licensing", "license", "licence", "everything", "nothing", "everyone", "nobody", "someone",
    "something", "finance", "legal", "procurement", "security", "marketing", "sales", "management",
    "leadership", "engineering", "data", "reporting", "board", "team", "it's", "that's", "there", "they",
    "them", "what", "which", "who", "but", "and", "or", "so", "then", "if", "when", "because", "however",
    "honestly", "frankly", "still", "only", "even", "both", "either", "neither", "each", "all", "some", "most",
    "many", "several", "other", "another", "any", "no", "not", "yes", "ok", "okay", "thanks", "hi", "hello",
    "dear", "again", "now", "today", "implementation", "onboarding", "training", "hosting",
    "your", "my", "his", "her", "our",
    # a sentence's opening word in the other languages: "Et PisteMetrics, vous les avez …", "Und Axomet war …"
    "et", "und", "y", "mais", "aber", "pero", "alors", "dann", "entonces", "donc", "also", "puis",
    "la", "le", "les", "el", "los", "las", "un", "une", "una", "des", "du", "del", "leur", "leurs", "notre", "nos",
    "nuestro", "nuestra", "su", "sus", "ce", "cette", "este", "esta", "ese", "esa",
    # a kind of thing, never a vendor's name: "skeptisch gegenüber noch einem Tool", "frente a otro programa"
    "tool", "tools", "software", "system", "systems", "app", "apps", "platform", "programm", "programme", "werkzeug",
    "plattform", "logiciel", "outil", "plateforme", "herramienta", "programa", "plataforma", "sistema",
))  # fmt: skip

# (kind, where the name stands, frame). "after": the name follows the frame; "before": it precedes it.
_FRAMES: tuple[tuple[Kind, str, re.Pattern[str]], ...] = (
    ("vendor", "after", rx(
        r"\b(?:looked|look|looking|glanced) at\b", r"\b(?:evaluat|consider|shortlist|benchmark)(?:ed|ing)\b",
        r"\b(?:trial(?:l)?|pilot|demo|test)(?:ed|ing)\b", r"\bdemo'd\b",
        r"\b(?:compar|benchmark)(?:e|ed|ing)? (?:you |us |it |them |that )?(?:to|with|against)\b",
        r"\b(?:got|had|saw|sat through|did|ran) (?:a|an|the) (?:\w+ )?(?:demo|pitch|proposal|presentation|quote|trial|"
        r"pilot|poc|proof of concept|bake-?off|bid|offer) (?:from|of|by|with|against)\b",
        r"\bquotes? from\b", r"\bup against\b", r"\binstead of\b", r"\brather than\b", r"\bversus\b", r"\bvs\.?",
        r"\b(?:went|go|going) with\b", r"\blost (?:out )?to\b",
        r"\b(?:chose|picked|preferred|selected) (?:you|us|\w+) over\b", r"\b(?:also|were|are) talking to\b",
        # German: the name before the participle ("wir haben auch X angeschaut") is read by _BETWEEN
        r"\b(?:im )?vergleich (?:mit|zu)\b", r"\bverglichen mit\b", r"\bgegenüber\b", r"\banstelle von\b",
        r"\b(?:angebot|demo|prototyp|vorschlag) (?:von|mit)\b", r"\b(?:pilot|test) mit\b",
        # French
        r"\b(?:avons|avions|avait|a|ont|on a) (?:aussi |également |déjà |d'abord )?(?:évalué|regardé|testé|comparé|"
        r"considéré|étudié|essayé|rencontré|consulté|vu)(?: avec| à)?\b",
        r"\b(?:évaluer|regarder|tester|comparer (?:avec|à))\b", r"\bpar rapport à\b", r"\bplutôt que\b",
        r"\bau lieu de\b", r"\b(?:l'|la |le |une |un )(?:offre|proposition|devis|démo|prototype|solution|prix) (?:de|d')", r"\b(?:un pilote|un essai|un test) avec\b",
        # Spanish
        r"\b(?:evaluamos|probamos|miramos|consideramos|comparamos|analizamos|vimos|estudiamos|hablamos con)\b",
        r"\b(?:hemos|habíamos) (?:evaluado|probado|mirado|visto|considerado|comparado|analizado)\b",
        r"\bcomparad[oa]s? con\b", r"\bfrente a\b", r"\ben (?:lugar|vez) de\b",
        r"\b(?:la|el|una|un) (?:propuesta|oferta|presupuesto|cotización|demo|prototipo|precio) (?:de|con)\b",
        r"\b(?:un piloto|una prueba) con\b",
        r"\b(?:pedimos|solicitamos|pidieron) (?:un |una )?(?:presupuesto|cotización|oferta|propuesta) a\b",
        # a quote taken with another: "también cotizamos con X", "we also got pricing from X", "nous avons consulté X"
        r"\b(?:cotizamos|cotizaron|cotizábamos) (?:también )?con\b", r"\b(?:got|had) (?:\w+ )?(?:pricing|a price) from\b",
        # the field came down to two: "you and X", "X was the other finalist"
        r"\b(?:came down to|between|zwischen|entre) (?:you|us|yourselves|euch|ihnen|uns|vous|nous|ustedes|vosotros) "
        r"(?:and|und|et|y)\b",
        r"\bthe other (?:finalist|option|vendor|candidate|bidder|contender|shortlisted \w+) (?:was|is|being)\b",
        # priced against another: "cheaper than X", "billiger als X", "moins cher que X", "más barato que X"
        r"\b(?:cheaper|less expensive|more expensive|pricier) than\b", r"\b(?:billiger|günstiger|preiswerter|teurer) als\b",
        r"\b(?:moins|plus) ch(?:er|ère|ers|ères) que\b", r"\bmás (?:barat|car)[oa]s? que\b",
        # the group's standard tool: "our group standard is X", "Konzernstandard ist X", "le standard du groupe est X"
        r"\b(?:group|corporate|company|global|hq|house|our) standard (?:(?:bi|analytics|reporting|dashboard) )?"
        r"(?:tool |platform |solution )?(?:is|was|remains)\b", r"\bstandardi[sz]ed on\b",
        r"\b(?:konzern|gruppen|unternehmens|bi-)standard (?:\w+ ){0,2}?(?:ist|war|bleibt)\b", r"\bstandardisiert auf\b",
        r"\ble standard (?:du groupe |groupe |de l'entreprise |maison )?(?:est|reste|c'est)\b", r"\bstandardisé sur\b",
        r"\b(?:el|nuestro) estándar (?:del grupo |corporativo |de la empresa )?(?:es|sigue siendo)\b",
        r"\bestandarizad[oa]s? en\b",
        # the alternative someone asks about: "the board asks why not X"
        r"\bwhy not (?:just )?(?:go with |use )?", r"\bwarum (?:denn )?nicht (?:einfach )?", r"\bpourquoi pas\b",
        r"\bpor qué no (?:usar |ir con )?",
        # building it ourselves on a tool: "I could also put Grafana on top of PI myself"
        r"\b(?:could|can|would|might) (?:also |just |easily )?(?:put|build|throw|stand up|set up|run)\b"
        r"(?=[^.;]{0,80}\b(?:myself|ourselves|in-house|selbst|nous-mêmes|moi-même|nosotros mismos|yo mismo)\b)",
    )),
    ("vendor", "before", rx(
        r"(?:'s|’s)?\s+(?:quoted|offered|proposed|pitched|bid|came in|charges?|charged|would charge|wanted \$|"
        r"was|were|is|seemed|felt|looked|came|war|wäre|ist|était|est|fue|era|es|resultó|salía)\s+"
        r"(?:\w+ )?(?:too|zu|trop|demasiado|cheaper|less expensive|more expensive|günstiger|billiger|preiswerter|teurer|"
        r"moins ch(?:er|ère)|plus ch(?:er|ère)|más barat[oa]|más car[oa]|(?:at )?[$€£]\s?\d|\d[\d,.]*\s?(?:k|K|€|EUR|USD|CHF|GBP)\b)",
        r"(?:'s|’s)?\s+(?:already |also |even |just )?(?:quoted|offered|proposed|pitched|bid)\b",
        # preferred by someone: "SAP Analytics Cloud would be the cleaner choice", "Grafana would have been good enough"
        r"\s+(?:would (?:be|have been)|wäre|wären|serait|aurait été|sería|habría sido)\s+(?:the |a |die |eine |la |le |"
        r"el |una? )?(?:\w+ )?[\"“']?(?:better|cleaner|safer|cheaper|simpler|easier|good enough|bessere|einfachere|"
        r"günstigere|gut genug|meilleure?|plus simple|suffisante?|mejor|más sencill[oa]|suficiente)\b",
        # what it would cost us: "X nos sale más barata", "X nous revient moins cher", "X kommt uns billiger"
        r"\s+(?:nos |nous |uns )?(?:sale|salía|saldría|revient|reviendrait|kommt|käme)\s+(?:uns )?(?:\w+ )?(?:más barat[oa]|"
        r"más car[oa]|moins ch(?:er|ère)|plus ch(?:er|ère)|billiger|günstiger|teurer)\b",
        r"(?:'s|’s)\s+(?:quote|bid|proposal|offer|demo|pilot|trial|prototype|pricing|price|poc)\b",
        r"\s+(?:quote|bid|proposal|prototype)\b",
        r",?\s+(?:hat|hatte) (?:uns )?(?:\S+ ){0,4}(?:angeboten|vorgeschlagen|verlangt)\b",
        r"\s+(?:nous )?(?:a|avait) (?:proposé|offert|chiffré|soumis|présenté|soumissionné)\b",
        # what the alternative would have meant: "X hätte uns an die Migration gekoppelt", "X would have locked us in"
        r"\s+(?:would have|would've|hätte|hätten|aurait|auraient|habría|hubiera)\s+(?:\S+\s+){0,5}?(?:cost|charged|"
        r"locked|tied|coupled|forced|gekostet|gekoppelt|gebunden|coûté|liée?s?|obligée?s?|costado|atad[oa]s?|"
        r"obligad[oa]s?)\b",
        # a price asked, not a person asking a question: "X nous demandait 220 000 €", "X verlangte 80.000 €"
        r"\s+(?:nous |leur |lui )?(?:(?:a|avait|ont|avaient) demandé|demandait|demandaient|facturait|facturaient)\s+"
        r"(?:\S+\s+){0,2}?\d",
        r"\s+(?:wanted|asked for|was asking|were asking|charged us|verlangte|verlangten|wollte|wollten)\s+(?:\S+\s+){0,2}?"
        r"[$€£]?\s?\d",
        r",?\s+(?:nos|les|me|le) pid(?:ió|ieron|ía|ían)\s+(?:\S+\s+){0,2}?\d",
        # an offer made to us: "X nous proposait un module", "X, nos ofreció hacerlo a medida", "X les cotizó su módulo"
        r",?\s+(?:nous|leur|lui) (?:proposait|proposaient|offrait|offraient|a offert|ont offert|ont proposé)\b",
        r",?\s+(?:nos|les|me|le) (?:cotiz(?:ó|aron|aba|aban)|ofrec(?:ió|ieron|ía|ían)|propus(?:o|ieron)|propon(?:ía|ían)|"
        r"cobr(?:aba|aban|ó|aron))\b",
        # a demo or pitch given: "X demoed the week before", "X hat uns ihr Modul vorgeführt", "X nous a fait une démo"
        # "we had X, the Toronto agency, pitch us a custom platform", "we let X quote"
        r"\s+(?:pitch|quote)\s+(?:us|for us)\b",
        r"\s+(?:came in (?:and|to) )?(?:demoed|demo'd|pitched (?:us|their|a|an|the)|(?:did|gave (?:us )?|ran) (?:a|an|their|its) "
        r"(?:\w+ )?(?:demo|pitch|presentation|walkthrough))\b",
        r"\s+(?:hat|hatte|haben|hatten) (?:uns )?(?:\S+ ){0,4}(?:vorgeführt|demonstriert|gepitcht)\b",
        r"\s+(?:nous )?(?:a|avait|ont|avaient) (?:fait|donné|présenté) (?:une|sa|leur|son) (?:démo|démonstration|pitch)\b",
        r"\s+(?:nos )?(?:hizo|hicieron|dio|dieron|presentó|presentaron) (?:una|su) (?:demo|demostración)\b",
        # the alternative on the table: "X (an IIoT start-up) as the cheap alternative", "X als Billig-Alternative"
        r"\s+(?:als|as|comme|como)\s+(?:the |an? |die |eine |l'|une |la |el |una? )?(?:\w+[\s-])?(?:alternative|"
        r"alternativa|fallback|plan b|option|opción)\b",
        r"\s+(?:is|was|are|were|remains|ist|war|sind|bleibt|est|était|sont|reste|es|era|está|sigue)\s+(?:still |also |auch |noch |toujours |"
        r"aussi |todavía |también )?(?:on the table|in the running|in the race|im raum|im rennen|im spiel|sur la table|"
        r"dans la course|en lice|sobre la mesa|en carrera|en la carrera)\b",
        # still up against us: "Et X, vous les avez toujours en face ?"
        r",?\s+(?:vous|on|nous|tu)\s+(?:les|l')\s*(?:avez|a|avons|as|aviez|avait)\s+(?:toujours |encore )?en face\b",
        r"\s+came (?:back )?(?:with|in) (?:a |an )?(?:lower|higher|cheaper|better|bigger|smaller)\b",
        r"\s+(?:undercut|underbid|beat) (?:you|us|your)\b",
        r"\s+(?:was|were|is|are) (?:the other|also|our other|on (?:the|our) shortlist|a finalist|the runner-up)"
        r"(?: \w+)?\b",
    )),
    ("incumbent", "after", rx(
        r"\b(?:moving|move|moved|getting|coming) (?:off(?: of)?|away from|out of)\b",
        r"\b(?:migrating|migrate|switching|switch|transitioning) (?:off(?: of)?|away from|out of|from)\b",
        r"\breplac(?:e|es|ed|ing)\b", r"\bsunset(?:ting)?\b", r"\bretir(?:e|ing)\b", r"\bphas(?:e|ing) out\b",
        r"\brip(?:ping)? out\b", r"\bdecommission(?:ing)?\b", r"\b(?:dropping|ditching)\b",
        r"\b(?:weg|wechsel|umstieg|abschied|migration) (?:von|aus)\b", r"\braus aus\b",
        r"\b(?:remplacer|remplace|remplaçons|quitter|quittons|abandonner|abandonnons|sortir de|en finir avec)\b",
        r"\bmigr\w* (?:depuis|de|hors de)\b",
        r"\b(?:reemplazar|reemplazamos|sustituir|sustituimos|dejar de usar|dejamos|abandonar|abandonamos|salir de)\b",
        r"\bmigr\w* desde\b",
    )),
    ("incumbent", "before", rx(r"\s+(?:\w+\s+){0,3}(?:ablösen|abgelöst|ersetzen|ersetzt|abschalten|abgeschaltet)\b")),
)  # fmt: skip
# German puts the verb last: the name sits between the auxiliary and the participle.
_BETWEEN = rx(
    r"\b(?:haben|hatten|habe|hat|wurde|wurden)\s+(?P<mid>.{2,80}?)\s+(?:angeschaut|angesehen|evaluiert|getestet|"
    r"geprüft|verglichen|pilotiert|ausprobiert|angefragt|eingeholt)\b",
    r"\b(?:had|brought|invited|got)\s+(?P<mid_en>\S+(?:\s+\S+){0,3}?)\s+in (?:for|to (?:do|give|run))\s+(?:a |an |two |"
    r"three |\w+ )?(?:demos?|pitch(?:es)?|presentations?|workshops?|bake-?offs?|pilots?)\b",
)
_CONSULTANCY = (
    re.compile(r"\b((?:[A-Z][\w.]*\s+(?:&\s+)?){1,3}(?:Consulting|Consultancy|Consultants|Advisors|Partners|Conseil|"
               r"Conseils|Beratung|Berater|Consultores|Consultoría))\b"),
    # the kind, where it is from, then the name: "un integrador de aquí, Grupo Datum", "la consultora (Datanauta)"
    re.compile(rf"\b(?i:consultancy|consulting firm|consultants|agency|integrator|vendor|beratung|beratungsfirma|"
               rf"systemhaus|cabinet|intégrateur|consultora|consultoría|integrador|integradora)"
               rf"(?:\s+(?i:de|from|aus|d')\s*\w+)?\s*[,(]?\s*({_SPAN.pattern})"),
    re.compile(rf"\b({_SPAN.pattern}),\s+an?\s+(?:[\w-]+\s+){{0,4}}(?:consultancy|vendor|shop|firm|tool|platform|"
               r"provider|start-?up)\b"),
    re.compile(rf"\b({_SPAN.pattern}),\s+(?i:une?|una?|eine?)\s+(?:[\w-]+\s+){{0,3}}(?i:firme-conseil|firme|cabinet|"
               r"société de conseil|boîte|consultora|consultoría|firma|beratung\w*|beratungsfirma|agentur|"
               r"dienstleister|softwarehaus|éditeur|proveedor)\b"),
)  # fmt: skip
_SYSTEM_PART = rx(
    r"\s+(?:connector|integration|export|import|feed|sync|api|extract|fields?|tables?|data|instance|tenant|login|"
    r"sso|laptops?|machines?|servers?|licen[cs]es?|seats?|users?|accounts?|tickets?|ids?)s?\b",
    r"\s+(?:-?(?:anbindung|schnittstelle|export|daten|lizenzen?))\b",
)
_ON_PLATFORM = re.compile(
    rf"\b(?i:on|in|with|using|auf|mit|sur|avec|sous|con|en)\s+(?i:their |our |the |unser\w* |leur |nuestr\w+ )?"
    rf"({_SPAN.pattern})"
)
_OWN_TOOL = re.compile(
    r"\b(?i:our|their|unser\w*|notre|leur|nuestr[oa]|su|together an?)\s+((?:[\w/+-]+[\s-]+){0,3}?(?i:macro|script|tool|spreadsheet|"
    r"app|workbook|database|makro|skript|outil|herramienta|tabla|tableur|hoja))\b"
)
# German names a tool by compounding: "ein paar Kibana-Dashboards", "das Access-Makro".
_COMPOUND_TOOL = re.compile(
    r"\b([A-ZÀ-Ý][\w.+]+)-(?:Dashboards?|Makros?|Tools?|Datenbank(?:en)?|Skripte?|Lösung(?:en)?|Tabellen?|Berichte?|App)\b"
)


@dataclass(frozen=True, slots=True)
class Rival:
    name: str  # "Ferrovia Cloud", "Power Apps (in-house build)", "status quo (spreadsheets)"
    kind: Kind  # "named": a vendor the built-in or configured list knows, in whatever sentence


def rival_in(text: str, not_names: Collection[str] = ()) -> Rival | None:
    """The alternative a sentence weighs us against, by what it does with it; None for news or no frame.

    ``not_names`` are folded words that are never a rival here: people's names, our own company.
    """
    excluded = {fold(n) for n in not_names}
    for finder in (_framed, _consultancy, _own_module, _kept_alongside, _in_house, _status_quo):
        found = finder(text, excluded)
        if found is not None:
            return _with_module(found, text)
    return None


def news_only(text: str, not_names: Collection[str] = ()) -> bool:
    """A vendor mentioned as news ("saw that Tallis got acquired"), with nothing weighing it against us."""
    return bool(NEWS.search(text)) and rival_in(NEWS.sub(" ", text), not_names) is None


def loss_reason(text: str) -> str | None:
    """The words that say why an option lost, or None."""
    found = LOSS.search(text)
    return found.group(0) if found else None


def _framed(text: str, excluded: set[str]) -> Rival | None:
    for kind, side, frame in _FRAMES:
        for match in frame.finditer(text):
            name = _name_after(text, match.end()) if side == "after" else _name_ending_at(text, match.start())
            if name and _is_name(name, excluded):
                return Rival(name, kind)
    for match in _BETWEEN.finditer(text):
        name = _german_name(match.group("mid") or match.group("mid_en"))
        if name and _is_name(name, excluded):
            return Rival(name, "vendor")
    return None


def _name_after(text: str, at: int) -> str | None:
    rest = text[at:]
    lead = _LEAD.match(rest)
    rest = rest[lead.end() :] if lead else rest
    span = _SPAN.match(rest)
    if span is None or _SYSTEM_PART.match(rest, span.end()):
        return None  # "tested the SAP connector": a part of a system they keep, not an alternative
    return _clean(span.group(0))


# A name, then a comma and what it is, then the frame: "Acme Advisory, a shop in Leeds, quoted us 90k".
_APPOSITIVE = re.compile(r",\s+[a-zà-ÿ][^,;.]{2,60},\s*$")
# ... or in brackets: "Axomet (IIoT-Startup) als Billig-Alternative"
_BRACKETED = re.compile(r"\s*\([^()]{1,40}\)\s*$")


def _name_ending_at(text: str, end: int) -> str | None:
    """The name that ends where a frame read after it begins ("Deloitte| quoted us"), or before what it is
    ("Acme Advisory|, a shop in Leeds, quoted us")."""
    head = text[:end]
    # a frame may take the comma after the name along ("Datamar, una consultora de Valencia, nos cotizó")
    appositive = _APPOSITIVE.search(head + text[end : end + 1]) or _BRACKETED.search(head)
    if appositive is not None:
        head = head[: appositive.start()]
        end = len(head)
    spans = [s for s in _SPAN.finditer(head) if s.end() == end]
    if not spans:
        return None
    before = head[: spans[-1].start()].split() + spans[-1].group(0).split()[:1]
    if fold(before[-1]) in _ARTICLE or (len(before) > 1 and fold(before[-2]) in _ARTICLE):
        return None  # "Das Angebot war zu teuer": a German noun, not a name
    return _clean(spans[-1].group(0))


def _german_name(mid: str) -> str | None:
    """Between "haben … angeschaut": after "von/mit" if there, else a capitalised span no article precedes."""
    after = re.search(rf"\b(?:von|mit|bei)\s+({_SPAN.pattern})", mid)
    if after:
        return _clean(after.group(1))
    for span in _SPAN.finditer(mid):
        before = mid[: span.start()].split()
        if not before or fold(before[-1]) not in _ARTICLE | _PLACE_WORDS:
            return _clean(span.group(0))
    return None


def _clean(name: str) -> str:
    """The span without a possessive, a full stop or the sentence's opening words ("Then Deloitte")."""
    words = re.sub(r"(?:’s|'s)$", "", name.strip()).rstrip(".").split()
    while len(words) > 1 and fold(words[0]) in _GENERIC | NOT_COMPANY | _ARTICLE:
        words.pop(0)
    return " ".join(words)


def _is_name(name: str, excluded: set[str]) -> bool:
    words = fold(name).split(" ")
    if (
        not name[:1].isupper()
        or set(words) & (NOT_COMPANY | _ARTICLE)
        or fold(name) in excluded
        or words[0] in excluded
    ):
        return False
    if any(" " in w and w in fold(name) for w in excluded):
        return False  # "Officer Cedar Health Partners": the customer itself
    squashed = "".join(words)
    if len(squashed) >= 4 and any(w.replace(" ", "").startswith(squashed) for w in excluded):
        return False  # "Lumen quoted us 40k" when we are lumendata
    if len(words) == 1 and words[0] in _GENERIC:
        return False
    if re.split(r"[-/]", words[0])[0] in _SYSTEM_KIND:
        return False  # "ERP-Anbieter", "TMS": the kind of system the customer runs, not a vendor's name
    return not (len(words) == 1 and len(name) < 2)


# A vendor's own module, the one they offered or the one the customer has: "their own BI module", "ihr eigenes
# BI-Modul", "leur propre module de prévision", "su (propio) portal". With "own" it is an option set against ours.
_OWN_MODULE = rx(
    r"(?:(?:'s|’s)|\btheir|\bits)\s+(?P<own>own)\s+(?P<what>(?:[\w-]+\s+){0,2}(?:module|add-on|addon|portal|suite|"
    r"app|tool|dashboards?))\b",
    r"\b(?:ihr|ihre|ihren|ihrem|sein|seine|seinen|seinem)\s+(?P<own_de>eigene[snmr]?\s+)?(?P<what_de>(?:\w+-)?"
    r"(?:modul|add-on|portal|tool|dashboard)(?:-\w+)?)\b",
    r"\b(?:leur|son|sa)\s+(?P<own_fr>propre\s+)?(?P<what_fr>(?:module|portail|outil|brique|tableau de bord)"
    r"(?: (?:de |d')\w+)?)\b",
    r"\bsu\s+(?P<own_es>propi[oa]\s+)?(?P<what_es>(?:módulo|portal|herramienta|complemento)(?: de \w+)?)\b",
)


def _module(text: str) -> tuple[re.Match[str], str, bool] | None:
    """The module phrase, what it is ("BI-Modul", "portal") and whether the sentence calls it the vendor's own."""
    found = _OWN_MODULE.search(text)
    if found is None:
        return None
    groups = found.groupdict()
    what = next(v for k, v in groups.items() if k.startswith("what") and v)
    return found, what, any(v for k, v in groups.items() if k.startswith("own") and v)


def _own_module(text: str, excluded: set[str]) -> Rival | None:
    """The vendor whose own module fell short ("Agris's own reporting add-on … nobody uses it", "TelemaTrack …, pero
    su portal solo da mapas"): named by the last name before the phrase."""
    module = _module(text)
    if module is None or not LOSS.search(text, module[0].start()):
        return None
    owner = _last_name_before(text, module[0].start(), excluded)
    return Rival(f"{owner} {module[1]}", "vendor") if owner else None


def _last_name_before(text: str, end: int, excluded: set[str]) -> str | None:
    """The last name before ``end`` that no article or possessive precedes (German capitalises its nouns)."""
    head = re.sub(r"(?:'s|’s)$", "", text[:end])
    for span in reversed(list(_SPAN.finditer(head))):
        before = head[: span.start()].split()
        name = _clean(span.group(0))
        if _is_name(name, excluded) and not (before and fold(before[-1]) in _ARTICLE | _POSSESSIVE):
            return name
    return None


def _with_module(found: Rival, text: str) -> Rival:
    """A vendor's own module, named by both: "LogiSuite BI-Modul" for "LogiSuite hat uns ihr eigenes BI-Modul
    angeboten"."""
    module = _module(text) if found.kind in {"vendor", "named"} else None
    if module is None or not module[2] or fold(module[1]) in fold(found.name):
        return found
    return Rival(f"{found.name} {module[1]}", found.kind)


# Kept for one job alongside us: "still using Triple Whale for attribution", "on garde Tableau pour les opérations".
_KEPT = rx(
    r"\b(?:still|also still|keep|keeping|kept|continue|continuing|will keep) (?:using |to use |running |to run )?",
    r"\b(?:nutzen|verwenden|behalten) (?:wir )?(?:weiterhin|weiter|noch|parallel) ",
    r"\b(?:on garde|nous gardons|on conserve|nous conservons|garder|conserver|on utilise toujours|nous utilisons "
    r"toujours|on continue (?:à|d')utiliser) ",
    r"\b(?:seguimos usando|seguimos con|seguiremos usando|mantenemos|mantener|conservamos|nos quedamos con) ",
)
# ... a job of analysis, the one we would do too; kept for the books or the invoices it is no alternative
_FOR_A_JOB = re.compile(
    r"\s+(?:alongside|next to|neben|à côté de|junto a|(?:for|für|pour|para)\s+(?:\S+\s+){0,3}?(?:report\w*|dashboards?|"
    r"analy\w+|attribution|kpis?|bi|insights?|forecast\w*|metrics|\w*auswertung\w*|\w*bericht\w*|\w*kennzahl\w*|controlling|"
    r"tableaux de bord|pilotage|contrôle de gestion|indicateurs|informes?|reportes?|tableros?|análisis|indicadores))\b",
    re.IGNORECASE,
)
# A system of record named before the name is the customer's own system, not an alternative: "our ERP, SAP, for …".
_SYSTEM_KIND = frozenset(("erp", "crm", "tms", "wms", "hris", "lms", "sis", "pms", "ehr", "emr", "mes", "scada", "dms"))


def _kept_alongside(text: str, excluded: set[str]) -> Rival | None:
    for match in _KEPT.finditer(text):
        name = _name_after(text, match.end())
        if not name or not _is_name(name, excluded) or fold(name).split(" ")[0] in _SYSTEM_KIND:
            continue
        after = text.find(name, match.end()) + len(name)
        if _FOR_A_JOB.match(text, after):
            return Rival(name, "incumbent")
    return None


def _consultancy(text: str, excluded: set[str]) -> Rival | None:
    for rule in _CONSULTANCY:
        found = rule.search(text)
        if found and _is_name(_clean(found.group(1)), excluded):
            return Rival(_clean(found.group(1)), "consultancy")
    return None


def _in_house(text: str, excluded: set[str]) -> Rival | None:
    if not IN_HOUSE.search(text):
        return None
    own = _OWN_TOOL.search(text)
    platform = next(
        (_clean(m.group(1)) for m in _ON_PLATFORM.finditer(text) if _is_name(_clean(m.group(1)), set())), None
    )
    compound = _COMPOUND_TOOL.search(text)
    what = own.group(1) if own else platform or (compound.group(1) if compound else None)
    return Rival(f"{what} (in-house build)" if what else "in-house build", "in_house")


def _status_quo(text: str, excluded: set[str]) -> Rival | None:
    for match in STATUS_QUO.finditer(text):
        what = next((v for k, v in match.groupdict().items() if k.startswith("what") and v), None)
        if what is not None:
            what = what.strip()
            if fold(what).split(" ")[0] in NOT_TOOL or not AN_OPTION.search(text[: match.start()] + " "):
                continue
            if _SPAN.fullmatch(what) and _is_name(what, excluded) and fold(what) not in NOT_COMPANY:
                return Rival(what, "incumbent")  # "stick with Qlik": the vendor they have
        return Rival(f"status quo ({what})" if what else "status quo", "status_quo")
    return None


__all__ = ["IN_HOUSE", "LOSS", "NEWS", "POINTS_BACK", "STATUS_QUO", "Rival", "loss_reason", "news_only", "rival_in"]
