"""How urgent the account is: deadline language in the customer's sentences and the rep's notes.

What it is for: ``read_urgency`` finds what presses (a renewal they will not make, a
regulation taking effect, a contract elsewhere ending, a board or budget date, a go-live)
in English, German, French and Spanish, with the reason, the dates and the verbatim
passages. A "high" cue counts as high only with a date within ``FAR_DAYS`` of its message
("we will not renew" is high on its own). Any date the customer holds themselves to ("must be
live by", "muss bis", "doit … avant", "tiene que … antes de") counts as medium with that sentence
as the reason, so an account whose mail names a deadline no cue knows is not called low. What presses
from outside (a report owed to an authority, an accreditation, a season or an admissions calendar, a consequence
of missing the date) is high; the customer's own change freeze, a date "at the latest" and a board that approves
the purchase are not. The rep's own mail to the inbox is read like a note. ``account_level`` weighs the reasons of
every mail together: a "no rush" said in one holds against a plan dated in another, and a level the rep states ("Medium
urgency", "Dringlichkeit: hoch") is taken as said. Not for: how people feel (sentiment.py).
"""

from __future__ import annotations

import re
from datetime import date

from agent.document import Evidence, Urgency, UrgencyLevel, fold
from agent.extract.dates import MONTHS, QUARTER, QUARTER_WORDS, find_dates, month_end
from agent.extract.lexicon import rx
from agent.extract.units import Unit

FAR_DAYS = 270  # a deadline further out than nine months presses, but not yet hard
# a season comes back every year: one more than half a year away is next year's plan, not yet hard
SEASON_FAR_DAYS = 183
SEASONAL = frozenset({"a season or shutdown that will not move"})
# the reasons that stay high with no near date of their own: what is at stake says it presses
HIGH_WITHOUT_DATE = frozenset({"a renewal at stake"})

# (level, reason, cue): a "high" cue counts as high only with a date within FAR_DAYS of its message.
URGENCY_CUES: tuple[tuple[UrgencyLevel, str, re.Pattern[str]], ...] = (
    ("high", "a renewal at stake", rx(r"\b(?:won'?t|will not|would not|not going to|don'?t|do not) renew\b", r"\bno renewal\b",
                                      r"\bdoesn'?t renew\b", r"\bnot (?:be )?renewing\b", r"\bverlängern (?:wir )?nicht\b", r"\bkeine verlängerung\b",
                                      r"\bne renouvel\w* pas\b", r"\bpas de renouvellement\b", r"\bno renovar\w*\b",
                                      r"\bno habrá renovación\b")),
    ("high", "a deadline with a consequence", rx(r"\b(?:by|before) [\w ,.]{3,30}? or (?:we|they|the|it|our)\b",
                                                 r"\bhard deadline\b", r"\bdrop[- ]dead\b", r"\bpenalt\w*",
                                                 r"\brebid\b", r"\bslips? into\b", r"\b(?:otherwise|or else) (?:we|they|the|it|our)\b",
                                                 r"\bsans quoi\b", r"\bfaute de quoi\b", r"\bsinon (?:nous|on|la|le|les)\b",
                                                 r"\bsonst (?:verlieren|droht|drohen|müssen|zahlen)\b", r"\bde lo contrario\b",
                                                 r"\bsi no,? (?:perdemos|pagamos|nos)\b",
                                                 r"\b(?:antes de\w*|para el|hasta el)\b[^.;]{3,40}?, o (?:no|perdemos|nos)\b",
                                                 r"\b(?:bis|vor)\b[^.;]{3,40}?,? (?:andernfalls|oder wir)\b",
                                                 r"\b(?:avant|d'ici)\b[^.;]{3,40}?,? ou (?:nous|on) (?:perd|rate|ne)\w*")),
    ("high", "a regulatory or mandated date", rx(r"\b(?:rule|regulation|law|mandate|requirement)s? (?:starts?|takes? effect|"
                                                 r"goes? into effect|kicks? in|begins?)\b", r"\bmandated by\b",
                                                 r"\b(?:state|regulatory|compliance) deadline\b", r"\bentra(?:rá)? en vigor\b",
                                                 r"\bentre(?:ra)? en vigueur\b", r"\btritt [\w .]{0,40}in kraft\b",
                                                 r"\binkrafttreten\b", r"\b(?:gesetzlich|regulatorisch)\w* (?:frist|pflicht)\b",
                                                 r"\b(?:regulators?|inspectors?|inspections?|supervisory authority)\b",
                                                 r"\w*aufsicht\b", r"\bautorité de (?:contrôle|tutelle)\b",
                                                 r"\b(?:regulador|inspección|inspectores?|superintendencia)\b",
                                                 r"\bobligation réglementaire\b", r"\bobligación (?:legal|normativa)\b")),
    ("high", "a report owed to an authority", rx(
        r"\b(?:report|plan|filing|submission|return|disclosure)s?\b[^.;]{0,30}?\bdue (?:to|with|at|before)\b",
        r"\bcorrective action\b", r"\b(?:annual|statutory|regulatory|verified|compliance) (?:report|filing|return|submission)\b",
        r"\b(?:jahres|pflicht|prüf|emissions)bericht\w*", r"\bbericht\w*\b[^.;]{0,40}\b(?:einreichen|abgeben|vorlegen)\b",
        r"\brapport (?:annuel|réglementaire|obligatoire)\b", r"\b(?:rapport|déclaration)\b[^.;]{0,30}\bà (?:remettre|déposer|rendre)\b",
        r"\binforme (?:anual|verificado|regulatorio|obligatorio)\b", r"\binforme\b[^.;]{0,25}\bverificado\b",
        r"\b(?:informe|declaración)\b[^.;]{0,30}\b(?:ante|presentar)\b")),
    ("high", "a contract or licence elsewhere ending", rx(r"\brenew(?:al|s)\b",
                                                          r"\b(?:contract|licen[cs]e|subscription|lease|support agreement)s?\b[^.;]{0,40}?"
                                                          r"\b(?:ends|expires?|runs? (?:out|until|till|through)|is up|lapses?|valid until)\b",
                                                          r"\b(?:vertrag|lizenz|wartungsvertrag)\w*\b[^.]{0,40}\b(?:endet|läuft|gilt bis)\b", r"\bkündigungsfrist\b",
                                                          r"\b(?:contrat|licence|abonnement)\b[^.]{0,40}\b(?:expire|prend fin|arrive à échéance|court jusqu|se termine)\b",
                                                          r"\b(?:contrato|licencia|suscripción)\b[^.]{0,40}\b(?:vence|termina|expira|caduca|finaliza)\b")),
    ("high", "a key person leaving", rx(r"\b(?:retires|retiring|will retire|is leaving|are leaving|leaves (?:us|the company))\b",
                                        r"(?:^[A-ZÀ-Ý][a-zà-ÿ]+\b|\bour (?:only|sole|one|lead|senior|main|head)\b)[^.;]{0,60}?"
                                        r"\b(?:leaves|will leave|quits|departs|moves on)\b",
                                        r"\b(?:her|his|their) last day\b", r"\bgoes on (?:parental|maternity|long|extended) leave\b",
                                        r"\bin den ruhestand\b", r"\bverlässt (?:uns|das unternehmen|die firma)\b",
                                        r"\bpart à la retraite\b", r"\bprend sa retraite\b", r"\bquitte (?:l'entreprise|la société|nous)\b",
                                        r"\bse jubila\b", r"\b(?:deja|dejará) la empresa\b", r"\bnos deja\b")),
    ("high", "a board or executive deadline", rx(r"\bboard (?:meeting|deadline|review|wants|expects|has asked)\b",
                                                 r"\bshow the board\b", r"\b(?:budget|quarterly|annual|cfo'?s?) review\b",
                                                 r"\b(?:aufsichtsrat|gemeinderat|stadtrat|verwaltungsrat)(?:s?sitzung)?\b",
                                                 r"\bconseil d'administration\b", r"\bcomité de direction\b",
                                                 r"\bjunta directiva\b", r"\bconsejo (?:de administración|directivo)\b",
                                                 r"\bcomité (?:de dirección|ejecutivo)\b")),
    ("high", "money that is lost after a date", rx(r"\b(?:grant|subsid\w*|funding|rebate)\b[^.]{0,60}\b(?:lost|lose|forfeit\w*|expires?|lapses?)\b",
                                                   r"\b(?:förder\w*|zuschuss\w*)\b[^.]{0,60}\b(?:verfällt|verfallen|verlieren|weg|zurückzahlen)\b",
                                                   r"\b(?:subvention\w*|financement)\b[^.]{0,60}\b(?:perd\w*|perdu\w*|rembourser)\b",
                                                   r"\b(?:subvenci\w*|financiación|ayuda)\b[^.]{0,60}\b(?:perde\w*|pierde\w*|devolver)\b",
                                                   r"\b(?:verfällt|verfallen)\b", r"\bse pierde\b", r"\bperdemos\b", r"\bwe lose\b",
                                                   r"\bwe(?:'d| would) lose\b", r"\bnous perdons\b", r"\bon perd\b", r"\bverlieren wir\b")),
    ("high", "a season or shutdown that will not move", rx(
        r"\b(?:before|ahead of|in time for|vor|bevor|rechtzeitig zu[mr]?|avant|à temps pour|antes|a tiempo para)\b[^.;]{0,30}?"
        r"\b(?:season|shutdown|turnaround|harvest|peak|saison\w*|stillstand|revision|ernte|récolte|rentrée|arrêt|"
        r"temporada|cosecha|zafra|parada|campaña|admissions?|early (?:action|decision)|enrol+ment|semesterbeginn|"
        r"einschreibung|inscriptions|matrícula|admisiones)\b",
        r"\b(?:in|during|en|durante|pendant|während|im|in der)\s+(?:the |la |el |der |die |les? )?"
        r"(?:harvest|vendimia|cosecha|vendanges|weinlese|ernte|peak season|high season|temporada alta|haute saison|hochsaison)\b")),
    ("high", "an outside event that will not move", rx(
        r"\b(?:board|shareholders?'?|council|committee|trustees?)\b[^.;]{0,20}\b(?:votes?|decides?|meets|meeting|approves?)\b",
        r"\b(?:re)?certification\b", r"\b(?:re)?zertifizierung\b", r"\b(?:re)?certificación\b",
        r"\b(?:re-?)?accreditation\b", r"\b(?:re)?akkreditierung\b", r"\b(?:ré)?accréditation\b", r"\b(?:re)?acreditación\b",
        r"\b(?:rules?|regulations?|law|directive|standard)s? (?:appl(?:y|ies)|(?:is|are|becomes?) (?:mandatory|binding|effective))\b",
        r"\bin force\b", r"\bsunset\w*", r"\bend[- ]of[- ](?:life|support)\b", r"\bdiscontinu\w*", r"\babgekündigt\b",
        r"\bfin de (?:vie|support)\b", r"\bfin del soporte\b", r"\bdescontinua\w*",
        r"\b(?:campaign|season|campaña|temporada|zafra|saison|kampagne)\b[^.;]{0,20}\b(?:starts?|opens?|begins?|arranca|empieza|"
        r"comienza|commence|débute|beginnt|startet)\b")),
    ("high", "a date with a consequence", rx(
        r"\b(?:we|they|you|i)(?:'ll| will| would)? (?:lose|forfeit)\b", r"\bfine[sd]?\b", r"\bnon-compliance\b", r"\bsanction\w*",
        r"\b(?:is|are|would be|will be) dead\b", r"\bpull (?:the )?(?:funding|budget|plug)\b", r"\b(?:no|without|lose) support\b",
        r"\bunsupported\b", r"\bmiss(?:es)? the (?:window|season|slot)\b", r"\bwait (?:until|another|a full) (?:next )?year\b",
        r"\bverlier\w*", r"\bbußgeld\w*", r"\bstrafe\w*", r"\bsanktion\w*", r"\bohne (?:support|wartung)\b",
        r"\bperd(?:re|ons|rions|rons)\b", r"\bamendes?\b", r"\bpénalit\w*", r"\bperder\w*", r"\bpierde\w*", r"\bmultas?\b",
        r"\bsancion\w*", r"\bsin soporte\b")),
    ("high", "a dated event", rx(r"\bläuft (?:\w+ )?aus\b", r"\babgeschaltet\b",
                                                 r"\bexamin(?:ers?|ation)\b", r"\baudit(?:s|or|ors|oría)?\b", r"\w*prüfung\b", r"\bsurety\b")),
    ("medium", "an urgent request", rx(r"\burgent\w*\b", r"\basap\b", r"\bas soon as possible\b")),
    ("medium", "a budget cycle", rx(r"\bbudget (?:cycle|year|locks|closes|freeze|is set)\b", r"\block\w* on\b",
                                    r"\bfiscal year\b", r"\bend of (?:the )?(?:quarter|fiscal)\b", r"\buse it or lose it\b",
                                    r"\b(?:finance|budget|investment) committee (?:meets|meeting)\b")),
    ("medium", "a change freeze", rx(r"\bchange freeze\b", r"\bcode freeze\b")),
    ("medium", "a go-live or launch date", rx(r"\bgo[- ]live\b", r"\bbe live\b", r"\blive (?:for [\w ]{1,30} )?by\b",
                                              r"\blaunch(?:es|ing)? (?:on|by|in)\b", r"\bin place (?:by|before)\b",
                                              r"\bbefore (?:the )?(?:peak|holiday|season|semester|term|back-to-school)\b",
                                              r"\bdeadline\b")),
    # their own plan, not what they need from us ("I need your SOC 2 report")
    ("medium", "a dated plan", rx(r"\b(?:we|i)(?:'d| would) (?:like|love|want)\b(?! (?:you|your)\b)",
                                  r"\b(?:we|i) (?:want|need|aim|plan|hope|expect|intend)\b(?! (?:you|your)\b)",
                                  r"\bour (?:goal|target|aim|plan) is\b", r"\b(?:we'?re|we are|i'?m) (?:targeting|aiming|planning|hoping)\b",
                                  r"\bideally\b", r"\bup and running\b", r"\bstreben\b", r"\bidealerweise\b",
                                  r"\b(?:la|nuestra) idea es\b", r"\bidealmente\b", r"\bidéalement\b", r"\b(?:wir|ich) (?:möchten|möchte|wollen|will|planen|brauchen|hoffen)\b",
                                  r"\bunser ziel\b", r"\bnous (?:voulons|souhaitons|visons|prévoyons|aimerions|comptons)\b",
                                  r"\bnotre objectif\b", r"\b(?:queremos|quisiéramos|nos gustaría|buscamos|planeamos|esperamos|necesitamos)\b",
                                  r"\bnuestro objetivo\b")),
    # any date they hold themselves to ("muss bis 1. September laufen", "tiene que estar antes del 31 de marzo"): it
    # presses, even in words no cue above knows; a question to us ("can you send it by Friday?") is not theirs
    ("medium", "a date they must meet", rx(
        r"\bmust\b", r"\b(?:has|have|need|needs) to\b", r"\bby\b", r"\bbefore\b", r"\bno later than\b",
        r"\bmuss\b", r"\bmüssen\b", r"\bbis (?:zum |spätestens |ende |anfang |mitte )?\d", r"\bbis zum\b", r"\bspätestens\b",
        r"\bdoi(?:t|vent)\b", r"\bil faut\b", r"\bavant\b", r"\bd'ici\b", r"\bau plus tard\b",
        r"\btienen? que\b", r"\bdeben?\b", r"\bantes de\w*\b", r"\ba más tardar\b",
        r"\bstichtag\b", r"\bfrist\b", r"\béchéance\b", r"\bimpérativement\b", r"\bdate butoir\b", r"\bfecha límite\b",
        r"\bplazo\b", r"\bsin falta\b",
    )),
    ("low", "no rush", rx(r"\bno (?:particular |real |great )?(?:rush|hurry|time pressure)\b", r"\bnot (?:in a )?(?:rush|hurry)\b", r"\bnot urgent\b",
                          r"\b(?:timing|the timeline|the schedule|the date|dates) (?:is|are) flexible\b", r"\bflexible on (?:timing|dates|the timeline)\b",
                          r"\bno (?:hard |real |particular |set )?deadline\b", r"\bno fixed date\b", r"\bwhenever (?:you|your team|it suits)\b",
                          r"\btake (?:our|your) time\b", r"\bkeine eile\b", r"\b(?:kein|ohne) (?:zeitdruck|festen? termin)\b",
                          r"\bes eilt nicht\b", r"\bnicht dringend\b", r"\bpas d'urgence\b", r"\brien ne presse\b", r"\bpas urgent\b",
                          r"\bsans urgence\b", r"\b(?:sin|no hay|no corre) prisa\b", r"\bsin urgencia\b", r"\bno es urgente\b",
                          # a date that is a wish, not a must: "a nice-to-have February board meeting", "I'd rather do
                          # it properly than quickly", "nothing urgent", "no urgency on dates"
                          r"\bnice[- ]to[- ]have\b", r"\brather (?:do it |get it )?(?:properly|right|well) than (?:quickly|fast)\b",
                          r"\bnothing (?:urgent|pressing)\b", r"\bno urgency\b", r"\bnobody has a (?:hard )?deadline\b",
                          r"\b(?:kein|ohne) (?:druck|stress)\b", r"\blieber (?:gründlich|richtig|sauber) als schnell\b",
                          r"\bnichts (?:dringendes|eiliges)\b", r"\bplutôt bien que vite\b", r"\brien d'urgent\b",
                          r"\bmejor bien que rápido\b", r"\bnada urgente\b", r"\bno hay apuro\b", r"\bsin apuro\b")),
)  # fmt: skip


def read_urgency(units: list[Unit], notes: frozenset[str] = frozenset()) -> Urgency | None:
    """The account's urgency from deadline language in customer sentences and the rep's notes.

    ``notes`` are the ids of the rep's own mail to the inbox: its sentences ("Treiber: BaFin-Prüfung im Herbst",
    "live by 30.09.") are read like a note, not like the rep's mail to the customer.
    "low" when the customer wrote and nothing they or the notes say presses; None when no customer spoke."""
    rank = {"low": 1, "medium": 2, "high": 3}
    level: UrgencyLevel | None = None
    reasons: list[str] = []
    dates: set[date] = set()
    evidence: list[Evidence] = []
    customer_spoke = False
    read = [
        unit
        for unit in units
        if (unit.author in {"note", "customer"} or (unit.author == "ours" and unit.source_id in notes))
        and unit.text.count("|") < 2
    ]
    # the customer or the rep saying there is no rush ("No hard deadline from my side", "No urgency on dates") is
    # believed over a date a cue infers: then only what presses from outside, or a renewal at stake, counts
    said_calm = {id(unit) for unit in read if CALM.search(unit.text)}
    calm = bool(said_calm)
    for unit in read:
        customer_spoke = customer_spoke or unit.author == "customer"
        cues = URGENCY_CUES[-1:] if id(unit) in said_calm else URGENCY_CUES
        for cue_level, reason, pattern in cues:
            if calm and cue_level != "low" and reason not in HARD:
                continue
            match = next((m for m in pattern.finditer(unit.text) if not _negated(unit.text, m.start())), None)
            if cue_level == "low":
                match = pattern.search(unit.text)
            if not match or (reason in BOARD and APPROVAL.search(unit.text)):
                continue
            if cue_level == "high" and reason not in HIGH_WITHOUT_DATE and FREEZE.search(unit.text):
                continue
            found = _dates_in(unit.text, unit.anchor)
            if not found and unit.context and POINTS_BACK.search(unit.text):
                found = _dates_in(unit.context, unit.anchor)  # "Bis dahin …, sonst …": the date is the sentence before
            if cue_level != "low" and reason in DATE_NEEDED and not found:
                continue  # "go-live", "renewal" or "an audit" alone is a plan or a word, not a date that presses
            far_days = SEASON_FAR_DAYS if reason in SEASONAL else FAR_DAYS
            near = any(unit.anchor and (d - unit.anchor).days <= far_days for d in found)
            if reason == "a date they must meet" and (
                unit.text.rstrip().endswith("?") or not _ahead(found, unit.anchor)
            ):
                continue
            if cue_level == "high" and not near and reason not in HIGH_WITHOUT_DATE:
                cue_level = "medium"
            line = f"{reason}: {unit.text}"
            if not any(fold(unit.text) in fold(r) for r in reasons):
                reasons.append(line)
            dates.update(found)
            if unit.author == "customer" and unit.quote:
                evidence.append(
                    Evidence(text=unit.quote, source_id=unit.source_id, phrase=match.group(0),
                             speaker=unit.speaker_email or unit.speaker, date=unit.anchor)
                )  # fmt: skip
            if level is None or rank[cue_level] > rank[level]:
                level = cue_level
            break
    for unit in read:
        if unit.author != "customer" and (stated := STATED.search(unit.text)):
            reasons.append(f"{STATED_REASON}: {unit.text}")
            level = level or _stated_level(stated)
    if level is None:
        # the customer wrote and nothing presses: a careful reader calls that low, not unknown
        return Urgency(level="low") if customer_spoke else None
    return Urgency(level=account_level(level, reasons), reasons=reasons, dates=sorted(dates), evidence=evidence)


def account_level(level: UrgencyLevel, reasons: list[str]) -> UrgencyLevel:
    """The level all the reasons together support, whichever message each came from: the rep's own stated read
    ("Medium urgency: they want it before flu season") wins; a "no rush" said anywhere leaves only what presses
    from outside (a renewal at stake, a regulator, a report owed to an authority) above low."""
    stated = [m for r in reasons if r.startswith(f"{STATED_REASON}:") and (m := STATED.search(r))]
    if stated:
        return _stated_level(stated[-1])
    if not any(r.startswith(f"{CALM_REASON}:") for r in reasons):
        return level
    return level if any(r.split(":", 1)[0] in HARD for r in reasons) else "low"


def _stated_level(match: re.Match[str]) -> UrgencyLevel:
    word = fold(next(g for g in match.groups() if g))
    for level, words in STATED_WORDS.items():
        if word.startswith(words):
            return level
    return "medium"


CALM = URGENCY_CUES[-1][2]
CALM_REASON = URGENCY_CUES[-1][1]
STATED_REASON = "the rep's own read of the urgency"
# the rep naming the level in their notes: "Low urgency, but real pain", "Dringlichkeit: hoch", "urgence moyenne"
_LEVEL_WORDS = r"(low|medium|high|niedrig\w*|gering\w*|mittel\w*|mittler\w*|hoh\w*|hoch|faible|basse|moyenne|haute|élevée|baja|media|alta)"
STATED = rx(
    rf"\b{_LEVEL_WORDS}\s+(?:urgency|dringlichkeit)\b",
    rf"\b(?:urgency|dringlichkeit|urgence|urgencia)\s*(?::|is|ist|est|es)?\s*{_LEVEL_WORDS}\b",
)
STATED_WORDS: dict[UrgencyLevel, tuple[str, ...]] = {  # word beginnings: "mittlere", "hohe", "élevée"
    "low": ("low", "niedrig", "gering", "faible", "basse", "baja"),
    "medium": ("medium", "mittel", "mittler", "moyenne", "media"),
    "high": ("high", "hoch", "hoh", "haute", "élevée", "alta"),
}
# what still presses when they say there is no rush: a renewal at stake, a regulator, a report owed to an authority
HARD = frozenset({"a renewal at stake", "a regulatory or mandated date", "a report owed to an authority"})

# a board that approves the purchase ("above that it goes to the board", "muss in den Aufsichtsrat"): a step of the
# sale, not a date the project must meet
APPROVAL = rx(r"\bapprov\w*", r"\bsign[- ]off\b", r"\bgoes? (?:to|before) the board\b", r"\bgenehmig\w*", r"\bfreigabe\b",
              r"\bmuss in den\b", r"\bapprobation\b", r"\bl'accord du\b", r"\bvalidation du\b", r"\baprobaci[óo]n\b",
              r"\baprueb\w*", r"\bva al (?:directorio|consejo|comité)\b")  # fmt: skip
# the customer's own change freeze ("ahead of the harvest freeze", "danach IT-Freeze"): a date of their own calendar,
# which presses like a go-live (medium), whatever season or loss the same sentence names
FREEZE = rx(r"\b(?:change|code|it|harvest|release|deployment)[- ]freeze\b", r"\b(?:änderungs|release|code)(?:stopp|sperre)\b",
            r"\bgel des (?:changements|mises en production|déploiements)\b", r"\bcongelaci[óo]n de (?:cambios|código|despliegues)\b")  # fmt: skip
BOARD = frozenset({"a board or executive deadline", "an outside event that will not move"})

# cues that say nothing without a date of their own: a word for an event, or a plan
DATE_NEEDED = frozenset({
    "a go-live or launch date", "a contract or licence elsewhere ending", "a dated event", "a dated plan",
    "an outside event that will not move", "a date with a consequence", "a key person leaving",
    "money that is lost after a date", "a date they must meet", "a report owed to an authority",
})  # fmt: skip


def _ahead(found: list[date], anchor: date | None) -> bool:
    """A date after the message's own day: a date already reached binds no one any more."""
    return anchor is not None and any(d > anchor for d in found)


# a sentence whose time is the one just named: "by then", "bis dahin", "d'ici là", "para entonces", "otherwise …"
POINTS_BACK = rx(r"\b(?:by|until|till|before) then\b", r"\bby that (?:date|time|point|day)\b", r"\bthat (?:date|deadline|day)\b",
                 r"\botherwise\b", r"\bor else\b", r"\bbis dahin\b", r"\bbis zu diesem (?:zeitpunkt|termin|tag)\b",
                 r"\bandernfalls\b", r"\bsonst\b", r"\bd'ici là\b", r"\bà cette date\b", r"\bsinon\b",
                 r"\b(?:para|hasta) entonces\b", r"\bpara esa fecha\b", r"\bde lo contrario\b")  # fmt: skip
# "not urgent", "no hard deadline", "kein Stichtag", "pas d'échéance", "sin plazo": the cue is denied
DENIED = re.compile(
    r"\b(?:no|not|isn'?t|aren'?t|without|nothing|nobody|never|kein\w*|nicht|niemand|nie|ohne|pas d[e']|aucune?|personne|"
    r"jamais|sans|sin|ningún|ninguna|nadie|nunca)\s+(?:\w+\s+){0,2}$",
    re.I,
)


def _negated(text: str, at: int) -> bool:
    return bool(DENIED.search(text[max(0, at - 30) : at]))


def _dates_in(text: str, anchor: date | None) -> list[date]:
    """The dates a sentence names that are not already past (a month counts from its first day);
    failing those, a quarter, a season or a year ("a Q2 launch", "in the spring", "bis Mitte 2027")."""
    found = [d for _, d in find_dates(text, anchor)] if anchor else []
    found += [] if found else _month_years(text, anchor)
    found += [] if found or anchor is None else _vague_dates(text, anchor)
    return [d for d in found if anchor is None or d >= anchor.replace(day=1)]


SEASONS = {"spring": 4, "summer": 7, "autumn": 10, "fall": 10, "winter": 1, "frühjahr": 4, "frühling": 4, "sommer": 7,
           "herbst": 10, "printemps": 4, "été": 7, "automne": 10, "hiver": 1, "primavera": 4, "verano": 7, "otoño": 10,
           "invierno": 1}  # fmt: skip
SEASON = re.compile(
    r"\b(?:in|by|before|until|for|this|next|im|bis|vor|diesen?|nächsten?|au|d'ici|en|para|antes de|la|el)\s+(?:the\s+)?"
    rf"({'|'.join(SEASONS)})\b(?:\s+(?:de\s+)?(20\d\d))?",
    re.IGNORECASE,
)
MID_YEAR = re.compile(
    r"\b(?:mid|mitte|mediados de|mi)[\s-]+(20\d\d)\b|\b(?:in|by|until|bis|für|en|para|hasta|d'ici)\s+(20\d\d)\b", re.I
)


def _vague_dates(text: str, anchor: date) -> list[date]:
    found = [month_end(int(m[1] or m[2] or m[3] or m[4]) * 3, anchor, m[5] or m[7]) if (m[1] or m[2] or m[3] or m[4])
             else month_end(QUARTER_WORDS[m[6].lower()] * 3, anchor, m[7]) for m in QUARTER.finditer(text)]  # fmt: skip
    for m in SEASON.finditer(text):
        month = SEASONS[m[1].lower()]
        year = int(m[2]) if m[2] else anchor.year + (month < anchor.month)
        found.append(date(year, month, 1))
    for m in MID_YEAR.finditer(text):
        found.append(date(int(m[1]), 7, 1) if m[1] else date(int(m[2]), 1, 1))
    return found


_MONTH_NAMES = "|".join(sorted((m for m in MONTHS if len(m) >= 3), key=len, reverse=True))
MONTH_YEAR = re.compile(rf"\b({_MONTH_NAMES})\.?\s+(20\d\d)\b", re.I)
# a month named without a year after a word that makes it a time ("in September", "im November", "en noviembre")
MONTH_ALONE = re.compile(
    r"\b(?:in|by|until|before|end of|early|mid|late|im|bis|vor|ende|anfang|mitte|en|para|antes de|hasta|a finales de|"
    rf"a principios de|d'ici|avant|fin|début|mi|en|au mois de)[\s-]+(?:(?:early|late|mid)[\s-]+)?({_MONTH_NAMES})\b(?!\s+20\d\d)",
    re.I,
)


def _month_years(text: str, anchor: date | None = None) -> list[date]:
    """ "Feb 2027", "im November": the first of that month, for deadlines that name no day.

    A month without a year is the next one from the message's date (its own month counts)."""
    found = [date(int(m[2]), MONTHS[m[1].lower()], 1) for m in MONTH_YEAR.finditer(text)]
    if anchor is not None:
        for m in MONTH_ALONE.finditer(text):
            month = MONTHS[m[1].lower()]
            found.append(date(anchor.year + (month < anchor.month), month, 1))
    return found


__all__ = ["FAR_DAYS", "URGENCY_CUES", "read_urgency"]
