"""The role the rep's own words give a customer's person ("Maria (VP Ops) is our champion"), and the role
what anyone says of or by them shows ("Jean-Claude reste sceptique").

What it is for: ``roles_said`` reads sentences the rep wrote (notes typed above a forward,
the reply to a draft) for a role stated about one named person ("Gloria has the final
say", "Raymond holds the budget", "Ana evaluó la parte técnica", "Jens entscheidet",
"c'est Claire qui décide"), in English, German, French and Spanish, and returns the role,
its influence and the sentence that says so. The rep knows the account: a role they state
wins over one guessed from a job title. ``roles_shown`` reads everyone's sentences for
what they show of a person (a doubt or resistance, "my team will use it daily", "Inés
tiene el presupuesto", a technical evaluation): weaker than the rep's word, stronger than
a title's guess (people.SHOWN_OVER says over which). A customer calling a colleague "the
decision maker" is not the rep's read: ROLE_SAID reads the rep only. Not for: titles
(titles.py, signatures) or feelings (sentiment.py, answers.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from agent.document import SHOWN_ROLE_ORDER, Influence, Role, Stakeholder, fold
from agent.extract.lexicon import rx
from agent.extract.people import FINANCE_TITLE, role_for
from agent.extract.units import split_sentences
from mailflows.inbound.signatures import TITLE_WORDS

# Most specific first: "the champion, but not the decision maker" is read clause by clause anyway.
ROLE_SAID: tuple[tuple[Role, Influence, re.Pattern[str]], ...] = (
    ("blocker", "medium", rx(
        r"\bblocker\b", r"\btried to (?:block|kill|stop)\b", r"\b(?:is|was|stays?) against (?:it|this|us|the (?:deal|project|purchase))\b",
        r"\bslow-?walk", r"(?:\b(?:will|would|could|might)|'ll) (?:happily )?(?:kill|sink|torpedo|derail) (?:it|this|the (?:deal|project|rollout|pilot|launch))\b",
        # "C'est elle le vrai frein", "Gräf ist der Bremser", "es el freno", "the real gatekeeper"
        r"\b(?:le|un|the|a|der|ein|el|un) (?:vrai |real |eigentliche |verdadero )?(?:frein|bremser(?:in)?|freno|gatekeeper)\b",
        r"\bthe one (?:to|you(?:'ll)? (?:have|need) to) (?:manage|watch|worry about)\b",
        # a person the rep calls the deal's real risk: "X is the real risk", "X ist das größte Risiko"
        r"\b(?:is|'s) (?:the|our) (?:real|biggest|main|big) risk\b", r"\bist (?:das|unser) (?:eigentliche|größte|wahre) risiko\b",
        r"\best (?:le|notre) (?:vrai|plus gros|principal|grand) risque\b", r"\bes (?:el|nuestro) (?:verdadero|mayor|principal|gran) riesgo\b",
        r"\bblockiert\b", r"\bbremst\b", r"\bist dagegen\b", r"\bbloque\b", r"\bfreine\b", r"\best contre\b",
        r"\bbloquea\b", r"\bfrena\b", r"\bestá en contra\b",
        r"\b(?:could|might|may|will|would|can) (?:still )?(?:stall|slow down|hold up|stand in the way of|derail) (?:it|this|us|the \w+)\b",
        r"\b(?:main|biggest|real|only) (?:obstacle|hurdle|roadblock|risk among (?:them|the people))\b", r"\bnot a fan\b",
        r"\b(?:könnte|kann|wird) (?:das (?:projekt|ganze) )?(?:bremsen|aufhalten|ausbremsen)\b", r"\b(?:größtes|einziges) hindernis\b",
        r"\b(?:pourrait|peut) (?:tout )?(?:ralentir|freiner|bloquer)\b", r"\b(?:principal|seul) obstacle\b",
        # one who gave way but waits to undo it: "she'll be looking for an excuse", "he's the one person pushing back"
        r"\b(?:look(?:ing|s)?|watch(?:ing|es)?|wait(?:ing|s)?) for (?:any|an|the first|the slightest) excuse\b",
        r"\bsucht? (?:nur )?(?:einen|jeden) (?:vorwand|anlass)\b", r"\bcherche(?:ra)? (?:un|le moindre) prétexte\b",
        r"\bbusca(?:rá)? (?:cualquier|una|la menor) excusa\b",
        r"\bthe one (?:person )?(?:here |there )?(?:pushing back|resisting)\b",
        r"\bwill never (?:like|accept|support|back|love) (?:this|it|us|the \w+)\b",
        r"\b(?:podría|puede) (?:frenar|retrasar|bloquear)\b", r"\b(?:principal|único) obstáculo\b",
    )),
    ("champion", "high", rx(
        r"\bchampion(?:in)?\b", r"\bour (?:internal )?(?:advocate|sponsor|ally|coach)\b", r"\bruns point\b",
        r"\btreibt (?:das projekt|es|den deal|das thema) (?:intern )?(?:voran\b)?", r"\b(?:intern )?vorangetrieben\b",
        r"\b(?:pushed|pushes|sold|drove|drives|driving) (?:this|it|us|the (?:deal|project)) internally\b",
        r"\bhas been driving (?:this|it|the (?:deal|project))\b", r"\binternal sell",
        r"\bfürsprecher(?:in)?\b", r"\btreibt (?:das|es) (?:projekt )?(?:intern )?voran\b", r"\bunser(?:e)? champion\b",
        r"\bchampionne\b", r"\bporte (?:le projet|le dossier) en interne\b", r"\bnotre (?:alliée?|sponsor)\b",
        r"\bcampe(?:ón|ona)\b", r"\bimpuls(?:a|ó) (?:el proyecto|esto) (?:en casa|internamente)\b",
        r"\bnuestr[oa] (?:alid[oa]|sponsor|valedor[a]?)\b",
        r"\b(?:drove|pushed|sold|fought for|carried) (?:this|it|us|the (?:deal|project|purchase))(?: (?:internally|inside|to (?:her|his|their) (?:leadership|board|boss|team)))?\b",
        r"\bthe one who (?:drove|pushed|sold|championed)\b", r"\bchampioned\b",
        r"\b(?:a |hat )?(?:porté|getragen|vorangetrieben) (?:le projet|le dossier|das projekt)\b",
        r"\b(?:impulsó|defendió|empujó) (?:el proyecto|la compra|esto)\b",
    )),
    ("economic_buyer", "high", rx(
        r"\beconomic buyer\b", r"\b(?:holds?|controls?|owns?) the (?:budget|purse(?: strings)?|money)\b",
        r"\bbudget (?:holder|owner)\b", r"\b(?:is|'s) the one who pays\b", r"\bsigns? the (?:cheque|check|po|purchase order)\b",
        r"\bbudgetverantwortlich\w*\b", r"\bhat das budget\b", r"\bgibt das (?:geld|budget) frei\b",
        r"\b(?:tient|détient|contrôle) (?:le|les cordons du) budget\b", r"\bacheteu(?:r|se) économique\b",
        r"\b(?:tiene|controla|maneja) el presupuesto\b", r"\bcomprador(?:a)? económic[oa]\b", r"\b(?:es )?(?:el|la) que paga\b",
        r"\bapproved the (?:spend|budget|purchase|deal)\b", r"\bsigned (?:off on )?(?:the )?(?:contract|order form|po|deal)\b",
        r"\bhat (?:das budget|den vertrag) (?:freigegeben|unterschrieben)\b", r"\ba (?:validé le budget|signé le (?:contrat|bon de commande))\b",
        r"\b(?:aprobó el presupuesto|firmó el contrato)\b",
        # the one who signs the purchase: "Dale, the CEO, signs but defers to Karen", "Carlos Mario firma"
        r"\bsigns\b(?! (?:up|in|out|off)\b)", r"(?<!\bla )(?<!\buna )(?<!\bdie )(?<!\bder )(?<!\beine )(?<!\bihre )\bfirma\b(?! \w+ (?:gmbh|ag|kg)\b)",
        r"(?<!\bun )(?<!\ble )(?<!\bbon )\bsigne\b(?! d)", r"\bunterschreibt\b",
    )),
    ("decision_maker", "high", rx(  # the final say on the purchase (stated_role says whose budget it is)
        r"\bdecision[- ]?maker\b", r"\bfinal (?:say|word|call|decision)\b", r"\b(?:really|ultimately|actually) decides\b",
        r"\bwho (?:really |actually )?decides\b", r"\bmakes the (?:final )?(?:call|decision)\b",
        r"\bentscheide(?:r|rin)\b", r"\b(?:letzte|finale) wort\b", r"\bentscheidet (?:am ende|letztlich|allein)\b",
        r"\bdécideu(?:r|se)\b", r"\bdernier mot\b", r"\bqui décide\b",
        r"\b(?:quien|quién) decide\b", r"\bdecide (?:al final|en última instancia)\b", r"\búltima palabra\b",
        # "Reto decides alone in the end", "Dr. Kessler entscheidet wirklich alles", "Ignacio decide todo"
        r"\bdecides\b(?! (?:to|whether|if|on|about|between)\b)", r"\bentscheidet\b(?! (?:über|ob|sich|darüber)\b)",
        r"\bdécide\b(?! (?:de|si|d')\b)", r"\bdecide (?:de verdad|todo|sol[oa])\b", r"\b(?:él|ella) decide\b",
    )),
    ("technical_evaluator", "medium", rx(
        r"\btechnical (?:evaluator|evaluation|lead|review(?:er)?|sign-?off)\b",
        r"\b(?:evaluated|evaluates|evaluating|vetted|vets|reviewed|reviews|tested|tests) the (?:tech|technical|integration|security|architecture|api|sap|erp)",
        r"\bruns? the (?:security|technical|it) review\b",
        r"\btechnische (?:prüfung|bewertung)\b", r"\bprüft(?:e)? die technik\b", r"\bévaluation technique\b",
        r"\b(?:a )?évalué la (?:partie )?technique\b", r"\bevaluación técnica\b", r"\bevalu(?:ó|a) la parte técnica\b",
        r"\btechnical (?:contact|point of contact|owner)\b", r"\btechnische[rn]? ansprechpartner(?:in)?\b",
        r"\bréférente? technique\b", r"\bresponsable técnic[oa]\b",
        r"\b(?:a )?(?:validé|vérifié|testé|audité) (?:la sécurité|l'intégration|la partie technique|l'architecture|le sso|l'api)",
        r"\b(?:revisó|validó|evaluó|probó|auditó) (?:la seguridad|la integración|la parte técnica|la arquitectura|el sso|la api)",
        r"\b(?:checked|checks|vetted|reviewed|tested|owns|handles|handled) (?:the |our )?(?:security|integration|sso|api|technical|(?-i:IT)|architecture)\w*\b",
        r"\b(?:kümmert sich um|verantwortet) die (?:technik|integration|schnittstellen|it-sicherheit)\b",
        r"\bs'occupe de (?:la partie technique|l'intégration|la sécurité)\b", r"\bse encarga de (?:la parte técnica|la integración|la seguridad)\b",
    )),
    ("user", "low", rx(
        r"\b(?:daily|end|power|main|day-to-day) users?\b", r"\bwill use (?:it|this|the \w+) (?:every ?day|daily)\b",
        r"\b(?:will|'ll) (?:be )?(?:use|using|live in|work in) (?:it|this|them|the \w+)(?: \w+)? (?:every ?day|daily|day[- ]to[- ]day|each (?:day|morning|shift))\b",
        r"\b(?:nutz|verwend|arbeit)\w* (?:es |das \w+ |die \w+ |damit )?(?:täglich|jeden tag)\b",
        r"\b(?:täglich|jeden tag) (?:nutzen|verwenden|damit arbeiten|arbeiten)\b",
        r"\butiliser(?:a|ont) (?:l'outil |la plateforme |les tableaux de bord )?(?:au quotidien|tous les jours|chaque jour)\b",
        r"\b(?:usar|utilizar)(?:á|án) (?:la herramienta |la plataforma |el producto |los paneles |lo |la )?(?:a diario|todos los días|cada día)\b",
        r"\buses? it every ?day\b", r"\b(?:haupt|end)(?:anwender|nutzer)(?:in(?:nen)?)?\b",
        r"\butilisat(?:eur|rice)s? (?:final|finale|principal|principale|quotidien)", r"\busuari[oa]s? (?:final|principal|diari[oa])",
    )),
    ("influencer", "medium", rx(r"\binfluencer\b", r"\bhas (?:his|her|their|the \w+'s) ear\b", r"\bwhispers? in\b")),
)  # fmt: skip
# Parts one person plays: a clause that gives one to several people gives it to no one
SINGLE_HOLDER: frozenset[Role] = frozenset({"champion", "economic_buyer", "decision_maker"})
# "Sofia is the champion going forward": a role to come is not the role the CSM meets.
FUTURE = rx(
    r"\bgoing forward\b",
    r"\bfrom (?:then|now) on\b",
    r"\bwill (?:be|become)\b(?! (?:using|working|living)\b)",
    r"(?<!\beven )(?<!\bat )\bonce\b",  # not "if she is surprised even once"
    r"\bwhen \w+ leaves\b",
    r"\bkünftig\b",
    r"\bab (?:dann|jetzt)\b",
    r"\bà l'avenir\b",
    r"\bdésormais\b",
    r"\ba partir de\b",
    r"\ben adelante\b",
)
FUTURE_AFTER = 16
NEGATION = re.compile(
    r"\b(?:not|isn'?t|wasn'?t|no longer|never|nicht|kein\w*|pas|ne|n'|no|nunca)\b[^.]{0,25}$", re.IGNORECASE
)
# a clause that goes on about someone by pronoun: "she'll …", "er wird …", "elle …", "ella …"
PRONOUN_FIRST = re.compile(r"\s*(?:-\s*)?(?:she|he|sie|er|elle|il|ella|él)\b", re.IGNORECASE)
FULL_NAME = re.compile(r"\b[A-ZÀ-Ý][a-zà-ÿ'’-]+ (?:(?:de|del|van|von|da) )?[A-ZÀ-Ý][a-zà-ÿ'’-]+\b")
CLAUSE = re.compile(
    r"\s*(?:;|,?\s+(?:but|while|whereas|though|aber|während|mais|tandis que|pero|mientras)\s+|,\s+(?=\w+\s+(?:is|was)\b))"
)


def _named(
    clause: str, firsts: dict[str, list[Stakeholder]], people: list[Stakeholder]
) -> list[tuple[int, int, Stakeholder]]:
    """(start, end, person) for each person ``clause`` names, by full name or by a first name only they have."""
    text = fold(clause)
    found: list[tuple[int, int, Stakeholder]] = []
    for person in people:
        full = fold(person.name)
        words = dict.fromkeys((full.split(" ")[0], full.split(" ")[-1]))
        singles = [w for w in words if len(w) > 2 and len(firsts.get(w, [])) == 1]
        match = (full and re.search(rf"\b{re.escape(full)}\b", text)) or next(
            (m for w in singles if w and (m := re.search(rf"\b{re.escape(w)}\b", text))), None
        )
        if match:
            found.append((match.start(), match.end(), person))
    return sorted(found, key=lambda hit: hit[0])


def _by_single_name(people: list[Stakeholder]) -> dict[str, list[Stakeholder]]:
    """The people each single word of a name may mean: their first name ("Jens entscheidet") or their last name
    ("Lüders ist skeptisch", "la profesora Mejía está en contra"); a word two people share names no one."""
    found: dict[str, list[Stakeholder]] = {}
    for person in people:
        words = fold(person.name).split(" ")
        for word in dict.fromkeys((words[0], words[-1])):
            found.setdefault(word, []).append(person)
    return found


def _subject(named: list[tuple[int, int, Stakeholder]], clause: str, at: int) -> list[Stakeholder]:
    """Whom a role phrase at ``at`` is about: the one person named, or, among several, the one named just before
    it ("If X slips, Curtis will kill it and Harold won't fight him") unless joined to another ("A and B want")."""
    if len(named) <= 1:
        return [person for _, _, person in named]
    before = [hit for hit in named if hit[1] <= at]
    if not before:
        return []
    start, end, person = before[-1]
    gap = clause[end:at]
    joined = re.search(r"\b(?:and|und|et|y|or|oder|ou|o)\s+$", clause[:start]) or re.match(
        r"\s*(?:and|und|et|y|&)\b", gap
    )
    return [] if joined or len(gap.split()) > 4 else [person]


def _joined(named: list[tuple[int, int, Stakeholder]], clause: str, at: int) -> list[Stakeholder]:
    """The people a clause lists as the subject of the phrase at ``at`` ("Marta and Nuria will use it",
    "Ana, Tom und Uwe nutzen es täglich"): named one after another with only commas and "and" between them."""
    before = [hit for hit in named if hit[1] <= at]
    if len(before) < 2 or len(clause[before[-1][1] : at].split()) > 4:
        return []
    group = [before[-1]]
    for hit in reversed(before[:-1]):
        if not re.fullmatch(r"\s*(?:,\s*)?(?:(?:and|und|et|y|e|&)\s+)?", clause[hit[1] : group[0][0]], re.IGNORECASE):
            break
        group.insert(0, hit)
    return [person for _, _, person in group] if len(group) > 1 else []


def roles_said(texts: Iterable[str], people: list[Stakeholder]) -> dict[str, tuple[Role, Influence, str]]:
    """person key -> (role, influence, the sentence that says so), from the rep's ``texts``; the last statement wins."""
    named = [p for p in people if p.name]
    firsts = _by_single_name(named)
    out: dict[str, tuple[Role, Influence, str]] = {}
    before: list[Stakeholder] = []  # who the sentence before named (``texts`` in order: a note's sentences)
    for text in texts:
        for sentence in split_sentences(text):
            named_here = _named(re.sub(r"\s+", " ", sentence), firsts, named)
            # "Le fil avec Nathalie. C'est elle le vrai frein.", "… la profesora Mejía. Está en contra.": a sentence
            # naming no one goes on about the one person the sentence before named
            carried = before[0] if len(before) == 1 and not named_here else None
            before = list({key_of(p): p for _, _, p in named_here}.values())
            for clause in CLAUSE.split(re.sub(r"\s+", " ", sentence)):
                hits = _named(clause, firsts, named)
                for role, influence, pattern in ROLE_SAID:
                    match = pattern.search(clause)
                    # a role to come is said before the phrase or right after it ("the champion going forward"),
                    # not in what the clause goes on to say ("the daily user, German-speaking, will be the first …")
                    if (
                        not match
                        or NEGATION.search(clause[: match.start()])
                        or FUTURE.search(clause[: match.end() + FUTURE_AFTER])
                    ):
                        continue
                    who = _subject(hits, clause, match.start())
                    if not who and role not in SINGLE_HOLDER:
                        who = _joined(hits, clause, match.start())  # "Marta y Nuria usarán la herramienta a diario"
                    if not who and not hits and carried and PRONOUN_FIRST.match(clause):
                        who = [carried]  # "She'll watch for any excuse to pull Tech Ops in": she, not "Tech Ops"
                    elif not who and not hits:
                        # a person the mail has not shown yet, named in full: kept by name until their address shows up
                        names = [n for n in _names_apart(clause, match) if not TITLE_WORDS.search(n)]
                        who = [Stakeholder(name=names[0])] if len(names) == 1 else [carried] if carried else []
                    if len(who) == 1 or (len(who) > 1 and role not in SINGLE_HOLDER):
                        # "Bertrand signs, but Patrick decides": one person per clause or nothing, unless the clause
                        # gives the same part to all it lists ("Ana and Tom will use it daily")
                        for person in who:
                            out[key_of(person)] = (role, influence, sentence.strip())
                    break
    return out


# What is said about a person (by anyone) that shows the part they play, whoever's sentence it is. Weaker than the
# rep's statement (ROLE_SAID wins), stronger than a guess from a title for the roles they name.
ROLE_SHOWN: tuple[tuple[Role, Influence, re.Pattern[str]], ...] = (
    ("blocker", "medium", rx(
        r"\bskeptic\w*", r"\bsceptic\w*", r"\b(?:not|isn'?t|wasn'?t) (?:yet |at all |really )?(?:convinced|sold)\b",
        r"\bunconvinced\b", r"\bresist\w*", r"\bpush(?:es|ed|ing)? back\b", r"\bopposes?\b", r"\bopposed to\b",
        r"\b(?:is|remains?|stays?) (?:still )?(?:against|wary)\b", r"\bhas (?:serious |real )?(?:doubts|reservations)\b",
        r"\bskeptisch\b", r"\bnicht überzeugt\b", r"\bsträubt sich\b", r"\bwehrt sich\b", r"\bhat (?:große |erhebliche )?bedenken\b",
        r"\bsceptique\b", r"\bpas (?:encore |du tout )?convaincue?\b", r"\brésiste\b", r"\bréticente?\b", r"\bs'oppose\b",
        r"\b(?:reste|est) (?:très )?réservée?\b",
        r"\bescéptic[oa]\b", r"\bno (?:está|esta) (?:nada |muy )?convencid[oa]\b", r"\bse resiste\b", r"\breticente\b",
        r"\bse opone\b", r"\breaci[oa]\b",
        r"\b(?:don'?t|do not|can'?t|cannot) see (?:why(?! not\b)|the (?:need|point|value))\b",
        r"\bdr[ae]w (?:a|the) (?:hard |firm |red )?line\b", r"\b(?:will|would|'ll|going to) fight (?:it|this|that|us)\b",
        r"\b(?:zieht|zog) eine (?:klare |rote )?grenze\b", r"\bwerde (?:ich )?(?:mich )?dagegen wehren\b",
        r"\b(?:je (?:m'y opposerai|vais me battre contre))\b", r"\bme opondré\b",
    )),
    ("economic_buyer", "high", rx(
        r"\b(?:owns?|holds?|controls?|has) the budget\b", r"\bsign(?:s|ed)? off(?: on (?:it|this|that|the (?:deal|purchase|contract|budget|spend|order|po)|anything|everything|all)\b|\s*(?:[.,;]|$))",
        r"\bsigns? (?:the )?(?:contract|po|purchase order|order)\b", r"\bapproves? the (?:budget|purchase|spend)\b",
        r"\bbudget (?:holder|owner|sign-?off)\b",
        r"\bgibt (?:das )?budget frei\b", r"\b(?:verantwortet|hat|hält) das budget\b", r"\bunterschreibt\b",
        r"\b(?:détient|tient|gère|valide(?:ra)?) le budget\b", r"\bsigne(?:ra)? (?:le contrat|le bon de commande|la commande)\b",
        r"\bvalide(?:ra)? (?:l'achat|la dépense)\b",
        r"\b(?:tiene|controla|aprueba|maneja|gestiona) el presupuesto\b", r"\bfirma(?:rá)? (?:el contrato|la orden de compra|el pedido)\b",
        r"\baprueba (?:la compra|el gasto)\b",
        r"\bbudget (?:sits|lies|is) with (?:me|him|her)\b", r"\bapproves? (?:all |any |the )?(?:\w+ )?spend\b",
        r"\b(?:ich )?(?:habe|halte|verantworte) das budget\b", r"\bunterschreibe\b", r"\bgebe (?:das )?budget frei\b",
        r"\bsignerai\b", r"\b(?:je )?(?:valide|détiens|tiens) le budget\b",
        r"\b(?:apruebo|controlo|manejo|tengo) el presupuesto\b", r"\bfirmaré\b",
    )),
    ("technical_evaluator", "medium", rx(
        r"\b(?:evaluat|assess|test|review|vet|validat|check|audit)\w* (?:the |our |your |their )?(?:[\w-]+ )?(?:integrations?|api|security|architecture|connector|sso|data model|technical)",
        r"\b(?:revis|comprueb|examin|valid|prueb|audit)\w* (?:la |el |los |las |nuestr[oa] )?(?:integraci|seguridad|api|arquitectura|conector|sso|parte técnica)",
        r"\b(?:vérifi|contrôl|valid|test|audit)\w* (?:l'|la |le |les |notre )?(?:intégration|sécurité|api|architecture|connecteur|sso|partie technique)",
        r"\btechnical (?:evaluation|review|validation|lead)\b",
        r"\bprüf\w* (?:die |den )?(?:schnittstelle|integration|sicherheit|api|technik|architektur)", r"\btechnische (?:prüfung|bewertung|evaluierung)\b",
        r"\bévalu\w* (?:l'intégration|l'api|la sécurité|la partie technique|l'architecture)", r"\b(?:validation|évaluation) technique\b",
        r"\bevalu\w* (?:la integración|la api|la seguridad|la parte técnica|la arquitectura)", r"\b(?:evaluación|validación) técnica\b",
    )),
    ("user", "low", rx(
        r"\b(?:his|her|their|my) (?:\w+ )?(?:team|crew|staff|nurses|agents|planners|shift|people|dispatchers|technicians)\b[^.]{0,30}?"
        r"\b(?:will|would|are going to|'ll|to) (?:use|be using|work (?:in|with)|live in)\b",
        r"\b(?:uses?|will use|using) (?:it|this|the \w+) (?:daily|every ?day|all day|each shift)\b",
        r"\b(?:sein|ihr|mein)(?:e)? (?:team|mannschaft|leute|schicht|mitarbeiter)\b[^.]{0,40}?\b(?:nutz|arbeit|verwend)\w*",
        r"\btäglich (?:damit )?(?:nutz|arbeit)\w*", r"\b(?:im alltag|jeden tag)\b[^.]{0,20}?\b(?:nutz|arbeit|verwend|test)\w*",
        r"\b(?:test|use|try)s? (?:it|this|the \w+) (?:day to day|day-to-day|on the floor)\b",
        r"\b(?:son|leur|mon) équipe\b[^.]{0,30}?\b(?:l'utilisera|utilisera|va l'utiliser|l'utilise|travaillera)\b",
        r"\b(?:l'utilisera|utilisera) (?:au quotidien|tous les jours)\b",
        r"\b(?:su|mi) equipo\b[^.]{0,30}?\b(?:lo usará|usará|va a usar|lo utilizará|utilizará|trabajará con)\b",
        r"\b(?:lo usará|usará|lo utilizará) (?:a diario|todos los días|cada día)\b",
        # the people they run on the ground need it: "Mis técnicos necesitan ver el historial", "my fitters need …"
        r"\b(?:my|mis|mes|meine?) (?:\w+ )?(?:team|crew|staff|technicians|mechanics|fitters|planners|dispatchers|agents|"
        r"drivers|técnicos|conseillers|techniciens|techniker|monteure|disponenten|vendedores|verkäufer|choferes|"
        r"operadores|chauffeurs)\b[^.]{0,30}?\b(?:need|needs|necesitan|brauchen|ont besoin|must|müssen|deben|doivent)\b",
        # they plan the day's work themselves: "Ich plane jeden Morgen 140 Techniker", "I schedule the crews"
        r"\b(?:I|ich|je|yo) (?:plan|schedule|dispatch|plane|disponiere|planifie|planifico|programo)\b",
    )),
)  # fmt: skip
FIRST_PERSON = re.compile(r"\b(?:i|i'm|i'll|my|me|ich|mein\w*|je|j'|moi|mon|ma|yo|mi|mis|me)\b", re.IGNORECASE)
OWN_DOUBTS_MIN = 2
NOT_A_NAME = re.compile(
    r"^(?:the|our|their|this|that|my|his|her|its|der|die|das|unser\w*|mein\w*|sein\w*|ihr\w*|dein\w*|le|la|les|notre|"
    r"mon|ma|mes|son|sa|ses|leur|el|los|las|nuestr\w*|mi|mis|su|sus|tu|mr|mrs|ms|dr|herr|frau|monsieur|madame|"
    r"señor|señora|don|doña)\b",
    re.IGNORECASE,
)
# "skeptical at first, but the pilot won him over": a doubt that is over shows no blocker
DOUBT_OVER = rx(
    r"\bat first\b",
    r"\binitially\b",
    r"\bwon (?:him|her|them) over\b",
    r"\bno longer\b",
    r"\banfangs\b",
    r"\bzunächst\b",
    r"\bau début\b",
    r"\bau départ\b",
    r"\bal principio\b",
    r"\ben un principio\b",
    r"\bya no\b",
)


def roles_shown(
    sentences: Iterable[tuple[str, str]], people: list[Stakeholder]
) -> dict[str, tuple[Role, Influence, str]]:
    """person key -> (role, influence, the sentence that shows it), from (speaker key, sentence) pairs by anyone:
    a sentence about a named person ("Uwe ist skeptisch") shows theirs, one in the first person without a name
    ("my team will use it daily") the speaker's. A full name the people do not hold yet is kept by name."""
    named = [p for p in people if p.name]
    firsts = _by_single_name(named)
    out: dict[str, tuple[Role, Influence, str]] = {}
    own_doubts: dict[str, int] = {}
    for speaker, text in sentences:
        for sentence in split_sentences(text):
            if DOUBT_OVER.search(sentence) or FUTURE.search(sentence):
                continue
            for clause in CLAUSE.split(re.sub(r"\s+", " ", sentence)):
                if PRONOUN_FIRST.match(clause):
                    continue  # "She's the skeptic Meredith warned us about": about someone named before, not Meredith
                hits = _named(clause, firsts, named)
                for role, influence, pattern in ROLE_SHOWN:
                    match = pattern.search(clause)
                    if not match or NEGATION.search(clause[: match.start()]):
                        continue
                    keys = [key_of(p) for p in _subject(hits, clause, match.start())]
                    if not hits:
                        names = [n for n in _names_apart(clause, match) if _a_name(n)]
                        if len(names) == 1:
                            keys = [fold(names[0])]
                        elif not names and speaker and FIRST_PERSON.search(clause[: match.end()]):
                            keys = [speaker]
                            own_doubts[speaker] = own_doubts.get(speaker, 0) + (role == "blocker")
                            if role == "blocker" and own_doubts[speaker] < OWN_DOUBTS_MIN:
                                keys = []  # one doubt in their own words is a question, not resistance
                    if len(keys) == 1:
                        held = out.get(keys[0])
                        if held is None or SHOWN_ROLE_ORDER.index(role) < SHOWN_ROLE_ORDER.index(held[0]):
                            out[keys[0]] = (role, influence, sentence.strip())
                    break
    return out


def _names_apart(clause: str, role: re.Match[str]) -> list[str]:
    """The full names ``clause`` writes outside the role phrase ``role`` matched: in German a capitalised
    "Technische Prüfung" is the phrase itself, not a person; nor is a name after an article."""
    return [
        m.group()
        for m in FULL_NAME.finditer(clause)
        if (m.end() <= role.start() or m.start() >= role.end()) and not ARTICLE_BEFORE.search(clause[: m.start()])
    ]


# "en el Consejo Académico", "the Steering Committee": an article says a body or a place, not a person
ARTICLE_BEFORE = re.compile(r"\b(?:the|el|la|los|las|del|al|le|les|du|des|au|aux|der|die|das|dem|den)\s+$", re.I)


def _a_name(text: str) -> bool:
    """ "Jorge Villarreal", not "The Saltillo" or "Vice President"."""
    return not TITLE_WORDS.search(text) and not NOT_A_NAME.match(text)


def name_of(key: str, sentence: str) -> str:
    """The name as the rep's ``sentence`` writes it, for a person ``roles_said`` keyed by name alone."""
    return next((n for n in FULL_NAME.findall(sentence) if fold(n) == key), key.title())


def stated_role(
    stated: tuple[Role, Influence, str], title: str, budget_elsewhere: bool = False
) -> tuple[Role, Influence, str]:
    """The role to keep from a rep's statement about someone whose title is ``title``. "Gloria has the final say"
    makes her the decision maker, unless she is a finance chief (who decides the spend as the economic buyer) or no
    one else on the deal holds the budget (``budget_elsewhere`` False: the one who decides also approves the spend).
    "Antoine signs" makes a chief executive the economic buyer only when no one else holds the budget: with a CFO on
    the deal the chief who signs is still the one who decides. A finance chief the rep calls against the deal
    ("Brendan is against it") is still the economic buyer: holding back the money is that role's way of saying no
    (people.FINANCE_TITLE's reading of a doubt, for the rep's word)."""
    role, influence, sentence = stated
    title_role = role_for(title, "", "")[0]
    finance = bool(FINANCE_TITLE.search(title))
    if role == "decision_maker" and (finance or (title_role != "decision_maker" and not budget_elsewhere)):
        return "economic_buyer", "high", sentence
    if role == "economic_buyer" and title_role == "decision_maker" and not finance and budget_elsewhere:
        return "decision_maker", "high", sentence
    if role == "blocker" and title_role == "economic_buyer":
        return "economic_buyer", "high", sentence
    return stated


def key_of(person: Stakeholder) -> str:
    return (person.email or "").lower() or fold(person.name)


__all__ = ["ROLE_SAID", "ROLE_SHOWN", "key_of", "name_of", "roles_said", "roles_shown", "stated_role"]
