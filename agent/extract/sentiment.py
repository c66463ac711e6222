"""How people feel and what built trust: a transparent rule-based read.

What it is for: ``read_feelings`` gives each customer stakeholder a sentiment from
their own sentences (praise, enthusiasm, hedges, doubts, complaints, escalation
words) with the passages and the phrases that triggered it, and how it moved from
source to source (how urgent the account is: urgency.py); and ``relationship_moments`` finds what built trust (an on-site visit, a fast fix, a
reference call) in either side's sentences. It says "unknown" when the mail holds
fewer than ``MIN_SIGNALS`` signals: a read is never more certain than its evidence. A person
who wrote or spoke but whose words show nothing on their own is read from everything taken
together (feelings.py).
Not for: personal details (only the rep's reply supplies those, into
``rep_perspective``), or the Claude extractor's read (claude.py).
"""

from __future__ import annotations

import re
from datetime import date

from agent.document import (
    NOTHING_SHOWN,
    Evidence,
    HandoffDocument,
    Item,
    Quote,
    Sentiment,
    SentimentPoint,
    Stakeholder,
    fold,
)
from agent.extract.feelings import person_read
from agent.extract.lexicon import COURTESY, REP_COLD, REP_HOSTILE, REP_WARM, denied_before, opposition_denied, rx
from agent.extract.people import is_group
from agent.extract.tone import PLEASANTRY, tone_read
from agent.extract.units import Unit
from mailflows.inbound.mail import Address

MIN_SIGNALS = 2  # one warm or cold sentence is politeness or a bad day, not a read
RECENT_SIGNALS = 3  # the current read weighs the latest few signals, so a change of heart shows

# Cues by what they show, strongest first; a span counted once is not counted again.
CUES: tuple[tuple[str, int, re.Pattern[str]], ...] = (
    ("negative", -2, rx(
        r"\bdisappoint\w*", r"\bunacceptable\b", r"\bnot happy\b", r"\bunhappy\b", r"\bfed up\b",
        r"\b(?:i'?ll|i will|we'?ll|we will|have to|going to) escalate\b", r"\bescalat\w* (?:this|it) to\b",
        r"\bwaste of (?:our |my )?(?:time|money)\b", r"\bnot going to move\b", r"\bpull the plug\b",
        r"\b(?:i'?m|i am|we'?re|we are) (?:firmly |strongly |flatly |completely )?(?:against|opposed to)\b", r"\bi object to\b",
        r"\b(?:close to|ready to|about to|will|might|going to) walk(?:ing)? away\b",
        r"\bnot (?:going ahead|moving forward|proceeding) with (?:this|you|the (?:project|deal|purchase))\b",
        r"\bveto\b", r"\bfurious\b",
    )),
    ("enthusiastic", 2, rx(
        r"\b(?:i|we) (?:really |absolutely )?love\b", r"\bi'?d love\b", r"\bexcited\b", r"\bthrilled\b",
        r"\bfantastic\b", r"\bamazing\b", r"\bcan'?t wait\b(?! for (?:\w+ ){1,3}?to\b)", r"\bgame[- ]changer\b", r"\bblown away\b",
        r"\bexactly what we (?:need|want)\w*\b", r"\bdelighted\b", r"\bawesome\b", r"\bthis is great\b",
        r"\b(?:very|highly|super|really) (?:motivated|driven|keen)\b", r"\beager\b",
    )),
    ("skeptical", -1, rx(
        r"\bnot (?:yet |fully |really )?(?:convinced|sold)\b", r"\bskeptic\w*", r"\bsceptic\w*",
        r"\bi (?:still )?don'?t (?:think|see why) we (?:would|need|should|must)\b",
        r"\b(?:want|like|need) to see\b[^.;]{0,80}\bbefore (?:we|i) (?:commit|sign|believe|agree|buy|decide|go ahead)\b", r"\bi'?m not sure\b",
        r"\bwhy wouldn'?t we just\b", r"\bwhy (?:we )?don'?t (?:we )?just\b",
        r"\bwhy (?:we |i )?(?:shouldn'?t|couldn'?t|can'?t|wouldn'?t) (?:we |i )?(?:just|simply)\b",
        r"\b(?:happy|glad) to be proven wrong\b", r"\bprove me wrong\b", r"\bunconvinced\b",
        r"\b(?:remain|yet|still) to be convinced\b", r"\bdevil'?s advocate\b",
        r"\b(?:how|why) (?:is )?(?:this|it|yours|your \w+) (?:is |would be )?(?:any |really )?(?:different|better) (?:from|than)\b",
        r"\b(?:i'?m|i am|we'?re|we are|i remain|we remain) (?:still )?(?:cautious|guarded)\b",
        r"\bmy (?:only |one |main |biggest |real )?(?:worry|concern|hesitation|reservation) (?:is|remains)\b",
        r"(?<!n't )(?<!not )\bhesitat\w*", r"\bnot (?:obvious|clear) to me (?:that|why|how|whether)\b",
        r"\bi question (?:whether|if|why|the)\b", r"\bhelp me understand why\b",
        r"\bi don'?t want (?:this|your|another) (?:tool|platform|product|system|vendor|solution)\b", r"\bhesitan\w*", r"\bdoubt\w*",
        r"(?<!\bwhat )\bwe'?ll see\b(?!\s+(?:by|in|on|at|the|a|an|how much|results?|savings|it|them|this)\b)",
        r"\bhold you to\b", r"\breservations\b", r"\bon the fence\b", r"\bbefore i believe\b",
        r"\bwary\b", r"\bnervous\b", r"\bworr(?:ied|ies me)\b", r"\bconcern (?:is|about)\b",
        r"\bwon'?t sign off\b", r"\bwill not (?:sign off|approve)\b", r"\bnot signing off\b", r"\bpush(?:ing)? back\b",
        r"\bcan'?t justify\b", r"\bi (?:still )?don'?t see how\b", r"\bdoesn'?t (?:work|clear)\b", r"\bdon'?t have any (?:budget )?for this\b",
        r"\bsitting right there\b", r"\bi'?m not interested\b", r"\bcan'?t take on another\b", r"\boverkill\b", r"\btoo expensive\b", r"\bplay the skeptic\b",
        # gave way without being won: "he's made it clear he hasn't fully come round", "signed off because she had to"
        r"\b(?:hasn'?t|has not|haven'?t|have not|not) (?:yet |fully |quite |really |entirely )?come (?:a)?round\b",
        r"\bbecause (?:he|she|they) had to\b", r"\bsigned off (?:grudgingly|reluctantly)\b",
        r"\bweil (?:er|sie) (?:es )?musste\b", r"\bparce qu'(?:il|elle) (?:le )?devait\b", r"\bporque no le quedaba otra\b",
    )),
    ("positive", 1, rx(
        r"\blooks? (?:great|good|solid|promising|right)\b", r"\bimpress(?:ed|ive)\b", r"\bmakes sense\b",
        r"\b(?:really|very) (?:helpful|useful|good|nice|happy)\b", r"\bwill help a lot\b", r"\bglad\b",
        r"\bpleased\b", r"\bappreciate\w*", r"\bgood news\b", r"\bhappy with\b", r"\b(?:is|are|we'?re) (?:fine|good) with\b",
        r"\b(?:is|are) fine now\b", r"\bnice (?:work|tool)\b", r"\bgreat (?:work|job|demo|call|session|to meet|to see)\b",
        r"\bworks for (?:us|me)\b", r"\bthis works\b", r"\bconfident\b", r"\bhas my support\b", r"\bi'?ll support\b",
        r"\bi'?m sold\b", r"\bsold me\b", r"\bwhat i was hoping\b", r"\bwon (?:me|us) over\b", r"\bexcellent\b",
        r"\bthank(?:s| you) for (?:the )?(?:quick|fast|speedy|thorough|great|detailed|clear|taking|turning)\b",
        r"\bno (?:further )?concerns\b", r"\bsigned off\b", r"\blooking forward\b", r"\bmy recommendation is\b",
        r"\bofficially a\b", r"\bmade this work\b", r"\bmotivated\b", r"\bkeen\b", r"\bbought in\b", r"\bsupportive\b",
        r"\b(?:we|i|the board|the committee) (?:have |has )?(?:approved|signed)\b", r"\bgreen light\b", r"\bgo[- ]ahead\b",
        r"\b(?:decided|chose|picked) (?:to go with )?(?:you|your)\b",
        # a champion selling us inside: our demo shown to colleagues, leadership told about it
        r"\b(?:i|we)(?:'ve| have)? (?:already )?(?:showed|shown|demoed|presented|shared|pitched) (?:your|the|this) "
        r"(?:\w+ ){0,2}?(?:demo|deck|proposal|dashboards?|prototype|tool|platform|product)\b[^.;]{0,12}\b(?:to|with)\b",
        r"\bi(?:'ve| have)? (?:been )?(?:telling|told|briefed|pitched) (?:the |our |my )?(?:\w+ )?(?:board|leadership|management|"
        r"ceo|cfo|coo|boss|colleagues|directors?|executives?)\b",
        r"\b(?:they|leadership|management|the board)(?:'re| are| is) (?:all )?on board\b",
        r"\b(?:i'?ll|i will|i'?m going to|let me) (?:push (?:hard )?(?:internally|for)|make the case|champion|advocate for|lobby|go to bat)\b",
        r"\b(?:count on|you have) my (?:support|vote|backing)\b", r"\bfully behind\b",
        r"\b(?:i'?m|i am|we'?re|we are) (?:all |firmly )?behind (?:this|it|you|the project)\b",
        r"\b(?:i'?ve|i have|we'?ve|we have) recommended (?:you|your)\b",
        r"\bmake (?:my|our) (?:team'?s? )?(?:life|lives|job|jobs|work) (?:so much |a lot |far )?easier\b", r"\bi(?:'ve| have)? (?:already )?walked (?:our|the|my) \w+ through\b",
        r"\bthe best (?:demo|tool|platform|product|solution|option|vendor)\b",
    )),
)  # fmt: skip
# The same leanings in German, French and Spanish: a German champion's "genau das, was wir brauchen" counts too.
_MORE_CUES = {
    "negative": rx(r"\binakzeptabel\b", r"\bnicht akzeptabel\b", r"\benttäuscht\b", r"\bverärgert\b", r"\bunzufrieden\b",
                   r"\bzeitverschwendung\b", r"\beskalier\w*", r"\binacceptable\b", r"\binadmissible\b", r"\bdéçue?s?\b",
                   r"\bmécontente?s?\b", r"\bfurieu(?:x|se)\b", r"\bperte de temps\b", r"\binaceptable\b",
                   r"\bdecepcionad[oa]s?\b", r"\bhart[oa]s? de\b", r"\bmolest[oa]s?\b", r"\bpérdida de tiempo\b",
                   r"\b(?:ich bin|wir sind) (?:klar |entschieden )?dagegen\b", r"\b(?:je suis|nous sommes) contre\b",
                   r"\bje m'oppose\b", r"\b(?:estoy|estamos) en contra\b", r"\bme opongo\b"),
    "enthusiastic": rx(r"\bgenau das,? was wir brauchen\b", r"\bbegeistert\b", r"\bgroßartig\b", r"\bfantastisch\b",
                       r"\bhervorragend\b", r"\bkönnen es kaum erwarten\b", r"\bfreue(?:n)? (?:mich|uns) (?:sehr|riesig)\b",
                       r"\bexactement ce qu'il nous (?:faut|manque)\b", r"\bgénial\b", r"\bravie?s?\b", r"\benthousias\w*",
                       r"\bj'adore\b", r"\bformidable\b", r"\bbluffée?s?\b", r"\bimpatiente?s? de\b",
                       r"\bjusto lo que necesitamos\b", r"\bme encanta\b", r"\bfantástic[oa]\b", r"\bestupend[oa]\b",
                       r"\bencantad[oa]s?\b", r"\bilusionad[oa]s?\b", r"\bentusiasmad[oa]s?\b", r"\bcon muchas ganas\b"),
    "skeptical": rx(r"\bskeptisch\b", r"\bbezweifle\b", r"\bzweifel\w*", r"\bnicht überzeugt\b", r"\bbin mir nicht sicher\b",
                    r"\bbedenken\b", r"\bzu teuer\b", r"\bnicht rechtfertigen\b", r"\bsorgen? (?:mich|uns)\b", r"\babwarten\b",
                    r"\bsceptique\b", r"\bpas convaincue?s?\b", r"\bje doute\b", r"\bdes doutes\b", r"\bpas sûre?\b",
                    r"\bréserves\b", r"\b(?:reste|suis) (?:très |encore )?réservée?s?\b", r"\bje ne vois pas (?:encore )?(?:comment|pourquoi|l'intérêt)\b",
                    r"\bich sehe (?:noch )?nicht,? (?:wie|warum|wozu)\b", r"\bwarum (?:wir )?nicht einfach\b", r"\bno (?:lo )?tengo (?:nada )?claro\b",
                    r"\b(?:reste|suis|restons|sommes) (?:très |encore )?(?:prudente?s?|dubitati\w*)\b",
                    r"\bpourquoi (?:ne pas|nous ne) (?:tout )?simplement\b", r"\bpor qué no (?:simplemente|seguir)\b", r"\bno veo (?:todavía |aún )?(?:cómo|por qué)\b", r"\binquiète?s?\b", r"\btrop cher\b", r"\bréticen\w*", r"\bméfian\w*",
                    r"\bescéptic[oa]s?\b", r"\bno estoy convencid[oa]\b", r"\bdudo\b", r"\bdudas\b", r"\bno lo veo claro\b",
                    r"\bno me convence\b", r"\bme preocupa\b", r"\bdemasiado caro\b", r"\brecel\w*"),
    "positive": rx(r"\bgefällt (?:mir|uns)\b", r"\bsieht gut aus\b", r"\bpasst (?:gut|für uns)\b", r"\büberzeugt (?:mich|uns)\b",
                   r"\bhat (?:mich|uns) überzeugt\b", r"\bich (?:setze|werde) mich (?:dafür )?ein\w*\b",
                   r"\bse lo (?:enseñé|mostré|presenté)\b", r"\b(?:les|le|nos|me) encantó\b", r"\bje (?:vais )?(?:défendre|défendrai)\b", r"\bnous a convaincue?s?\b", r"\b(?:me|nos) (?:ha )?convenci(?:ó|do)\b",
                   r"\bich habe (?:ihre|die|eure|unsere) (?:\w+ )?(?:demo|präsentation|lösung|dashboards?)\b[^.;]{0,60}\b(?:gezeigt|vorgestellt)\b",
                   r"\bj'ai (?:montré|présenté) (?:votre|la|vos)\b", r"\b(?:le |les )?(?:mostré|presenté|enseñé) (?:su|la|vuestra|sus)\b",
                   r"\bdanke für die schnelle\b", r"\bsehr hilfreich\b", r"\bzufrieden\b", r"\bklingt gut\b",
                   r"\bunterstütze (?:das|es)\b", r"\bça nous convient\b", r"\btrès bien\b", r"\bça me plaît\b",
                   r"\bmerci pour la réactivité\b", r"\btrès (?:utile|intéressant)\b", r"\bsatisfaite?s?\b",
                   r"\bbonne impression\b", r"\bje soutiens\b", r"\bnos convence\b", r"\bme gusta\b", r"\bmuy bien\b",
                   r"\bgracias por la rapidez\b", r"\bmuy (?:útil|interesante)\b", r"\bsatisfech[oa]s?\b",
                   r"\bbuena impresión\b", r"\bcuenta con mi apoyo\b",
                   r"\bgrünes licht\b",
                   # a decision taken, not one still wanted ("muss freigegeben werden", "doit être validé") nor a
                   # participle naming a thing ("el presupuesto aprobado")
                   r"\b(?:beschlossen|freigegeben|genehmigt|zugestimmt)\b(?! werden)",
                   r"\b(?:avons|avez|ai|a|ont|est|sont|été)\s+(?:\w+\s+)?(?:approuvée?s?|validée?s?)\b",
                   r"\bfeu vert\b", r"\bavons (?:retenu|choisi)\b", r"\baprobamos\b",
                   r"\b(?:hemos|he|ha|han|está|están|fue|sido|quedó)\s+(?:\w+\s+)?(?:aprobad|autorizad)[oa]s?\b",
                   r"\bluz verde\b", r"\b(?:elegimos|decidimos ir con)\b",
                   # a doubt conceded: "hard to argue with", in four languages
                   r"\b(?:hard|difficult) to argue (?:with|against)\b", r"\bschwer (?:zu )?(?:bestreiten|widerlegen|widersprechen)\b",
                   r"\bdifficiles? (?:à|de) (?:contester|réfuter|dire non)\b", r"\bdifícil(?:es)? (?:de )?(?:discutir|rebatir|decir que no)\b"),
}  # fmt: skip
CUES = tuple(
    (leaning, weight, re.compile(f"{pattern.pattern}|{_MORE_CUES[leaning].pattern}", re.IGNORECASE))
    for leaning, weight, pattern in CUES
)
# "not", "nicht begeistert", "pas ravi", "nunca contento": a praise denied just before
NEGATED = re.compile(
    r"\b(?:not|no|never|n't|hardly|nicht|kein\w*|pas|jamais|nunca|jamás)\s+(?:\w+\s+){0,2}$|"
    # "I'm not going to pretend I'm excited", "je ne vais pas prétendre que je suis ravi": a feeling disowned
    r"(?:\bnot|n't|\bnicht|\bpas|\bno)\s+(?:\w+\s+){0,3}?(?:pretend|claim|say|behaupten|sagen|prétendre|dire|decir|fingir)\w*,?\s+"
    r"(?:(?:that|dass|que)\s+)?(?:[\w']+\s+){0,3}$",
    re.IGNORECASE,
)
FIRST_PERSON = re.compile(r"\b(?:i|i'm|i'd|i'll|my|me)\b", re.IGNORECASE)
THIRD_PARTY = re.compile(
    r"\b(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|June|July|August|"
    r"September|October|November|December)\b)[A-Z][a-z]+(?:'s)? (?:is|was|has|will|wants|thinks|said|says|asked|asks|feels|keeps)\b|"
    # someone else by pronoun, in four languages: "Sie ist skeptisch", "Elle reste", "Ella está", "He is" (a
    # German capitalised word before "ist" is any noun, so names there are left to _about's known people)
    r"\b(?:[Ee]r|[Ss]ie) (?:ist|war|bleibt|findet|hält)\b|\b(?:[Ii]l|[Ee]lle) (?:est|reste|était|trouve)\b|"
    r"\b(?:[ÉéEe]l|[Ee]lla) (?:es|está|sigue|era|estaba)\b|\b(?:[Hh]e|[Ss]he) (?:is|was|has|keeps|feels|thinks)\b"
)
CONDITIONAL = re.compile(
    r"^\s*(?:if|unless|as long as|wenn|falls|sofern|si|à condition que|siempre que)\b", re.IGNORECASE
)
# support promised once we prove something ("If you can show me it working, I'll support it"): proof still wanted
ON_PROOF = rx(
    r"\b(?:show|prove|demonstrate|zeig\w*|beweis\w*|nachweis\w*|montr\w*|prouv\w*|démontr\w*|mostr\w*|demostr\w*|prueb\w*)\b"
)
# a refusal followed by what would lift it is a requirement: "won't sign off without", "nicht freigeben, bevor"
REQUIREMENT = re.compile(
    r"[\s,]*(?:\w+[\s,]+){0,3}?(?:without|unless|until|before|ohne|bevor|solange|sans|tant que|avant|sin|hasta que|antes de)\b",
    re.IGNORECASE,
)
WEIGHT = {name: weight for name, weight, _ in CUES} | {"neutral": 0}

MOMENT_CUES = rx(
    r"\bon-?site\b(?! (?:deploy|install|server|hosting))",
    r"\bvisit(?:ed|ing)? (?:the |our |your |their )?(?:site|office|plant|store|warehouse|hospital|campus|terminal|hq)",
    r"\bflew (?:out|in|down|up)\b",
    r"\b(?:quick|fast|speedy|same-day) (?:fix|turnaround|response|answer)\b",
    r"\bthank(?:s| you) for (?:the )?(?:quick|fast|speedy)\b",
    r"\bturning (?:the paper|it|this) around quickly\b",
    r"\bschnelle antwort\b",
    r"\bthank you for taking\b",
    r"\bturned (?:it|that|this) around\b",
    r"\bfixed (?:it|that|this) (?:in|within|the same)\b",
    r"\breference (?:call|customer|check)s?\b",
    r"\b(?:talked|spoke|spoken) (?:to|with) (?:one of )?(?:your|a|two|three) (?:references?|customers?)\b",
    r"\bwent (?:above and beyond|the extra mile)\b",
    r"\bover (?:dinner|lunch|coffee)\b",
    r"\b(?:dinner|lunch) (?:with|at)\b",
    r"\bbuilt (?:a lot of |real )?trust\b",
)
NOT_MOMENT = rx(r"\b(?:will|we'll|I'll|can|could|would|should|shall|plan to|going to)\b", r"\btraining\b",
                r"\bcompleted by\b", r"\?$")  # a promise is a commitment, not yet a moment  # fmt: skip


# -- sentiment ------------------------------------------------------------------------------------------------


def sentiment_signals(text: str) -> list[tuple[str, str]]:
    """(leaning, phrase) for every cue in ``text``; a negated praise counts as doubt, a negated doubt not at all."""
    taken: list[tuple[int, int]] = []
    found: list[tuple[str, str]] = []
    for leaning, _weight, pattern in CUES:
        for match in pattern.finditer(text):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            taken.append(match.span())
            negated = NEGATED.search(text[max(0, match.start() - 60) : match.start()])
            if negated and leaning in {"positive", "enthusiastic"}:
                found.append(("skeptical", text[negated.start() + max(0, match.start() - 60) : match.end()]))
            elif leaning == "skeptical" and REQUIREMENT.match(text, match.end()):
                continue  # "I won't sign off without the report" states a requirement, not a doubt about us
            elif not negated:
                # "If X, I'm against it" is a condition, not a verdict: count it as doubt
                conditional = CONDITIONAL.search(text) and (
                    leaning == "negative" or (leaning in {"positive", "enthusiastic"} and ON_PROOF.search(text))
                )
                found.append(("skeptical" if conditional else leaning, match.group(0)))
    return found


def label_for(leanings: list[str]) -> Sentiment:
    """One word for a run of signals: their mean weight, cut into the five leanings."""
    if not leanings:
        return "unknown"
    return _label_of_mean(sum(WEIGHT[x] for x in leanings) / len(leanings))


def _label_of_mean(mean: float) -> Sentiment:
    if mean >= 1.5:
        return "enthusiastic"
    if mean >= 0.5:
        return "positive"
    if mean > -0.5:
        return "neutral"
    return "skeptical" if mean > -1.5 else "negative"


def current_read(evidence: list[Evidence]) -> Sentiment:
    """The read the evidence supports now: unknown below ``MIN_SIGNALS``, else the latest few signals."""
    known = [e for e in evidence if e.leaning != "unknown" and e.phrase != NOTHING_SHOWN]
    if len(known) < MIN_SIGNALS:
        return "unknown"
    ordered = sorted(known, key=lambda e: e.date or date.min)[-RECENT_SIGNALS:]
    weights = range(1, len(ordered) + 1)  # the newer the passage, the more it counts
    mean = sum(w * WEIGHT[e.leaning] for w, e in zip(weights, ordered, strict=True)) / sum(weights)
    return _label_of_mean(mean)


def history_of(evidence: list[Evidence]) -> list[SentimentPoint]:
    """One point per day that showed anything, in date order."""
    by_day: dict[date | None, list[Evidence]] = {}
    for piece in evidence:
        if piece.leaning != "unknown" and piece.phrase != NOTHING_SHOWN:
            by_day.setdefault(piece.date, []).append(piece)
    points = [
        SentimentPoint(date=day, sentiment=label_for([p.leaning for p in pieces]), source_id=pieces[0].source_id)
        for day, pieces in by_day.items()
    ]
    return sorted(points, key=lambda p: p.date or date.min)


def _first(person: Stakeholder) -> str:
    return fold(person.name).split(" ")[0]


def _speaker_of(unit: Unit, people: list[Stakeholder]) -> Stakeholder | None:
    if unit.author != "customer":
        return None
    # "Dr. Simone Laurier" speaking in a transcript is the stakeholder Simone Laurier
    email, speaker = (unit.speaker_email or "").lower(), fold(re.sub(rf"^{COURTESY}", "", unit.speaker))
    for person in people:
        if (email and (person.email or "").lower() == email) or (speaker and fold(person.name) == speaker):
            return person
    firsts = [p for p in people if speaker and _first(p) == speaker.split(" ")[0]]
    return firsts[0] if len(firsts) == 1 else None


def _about(unit: Unit, at: int, phrase: str, people: list[Stakeholder]) -> Stakeholder | None:
    """Whose feeling a cue shows: the person last named before it ("Kevin's remaining concern is"),
    unless the cue is in the first person ("Rachel has my support" is the speaker's); else the speaker."""
    if not FIRST_PERSON.search(phrase):
        before = fold(unit.text[:at])
        named = [(m.start(), p) for p in people for m in re.finditer(rf"\b{re.escape(_first(p))}\b", before)]
        if named:
            at_name, nearest = max(named, key=lambda pair: pair[0])
            unique = sum(1 for p in people if _first(p) == _first(nearest)) == 1
            if unique and not FIRST_PERSON.search(before[at_name:]):
                return nearest
        third = list(THIRD_PARTY.finditer(unit.text[:at]))
        if third and not FIRST_PERSON.search(unit.text[third[-1].start() : at]):
            return None  # about someone we do not know yet ("Anand is going to ask why ...")
    return _speaker_of(unit, people)


def sentence_evidence(
    unit: Unit, people: list[Stakeholder], notes: frozenset[str] = frozenset()
) -> list[tuple[Stakeholder, Evidence]]:
    """One piece of evidence per person a sentence shows a feeling of, with every phrase that triggered it.

    ``notes``: ids of the rep's own notes to the inbox, read like a CRM note (about the people they name)."""
    note = unit.author == "note" or (unit.author == "ours" and unit.source_id in notes)
    if not (unit.author == "customer" or note) or not unit.quote:
        return []
    grouped: dict[int, tuple[Stakeholder, list[tuple[str, str]]]] = {}
    for leaning, phrase in sentiment_signals(unit.text):
        at = unit.text.lower().find(phrase.lower())
        person = _about(unit, max(at, 0), phrase, people)
        if person is not None:
            grouped.setdefault(id(person), (person, []))[1].append((leaning, phrase))
    if not grouped and note and (read := _notes_read(unit.text, people)) is not None:
        grouped[id(read[0])] = (read[0], [read[1]])
    out = []
    for person, signals in grouped.values():
        speaker = "the rep's note" if note else unit.speaker_email or unit.speaker or "the rep's note"
        piece = Evidence(
            text=unit.quote, source_id=unit.source_id, phrase="; ".join(p for _, p in signals), speaker=speaker,
            leaning=label_for([x for x, _ in signals]), date=unit.anchor,
        )  # fmt: skip
        out.append((person, piece))
    return out


# "Sabine meint, der Betriebsrat ist misstrauisch": the note reports what they say of someone else, not how they stand
REPORTED = rx(
    r"^\W*[\w'’-]+(?:['’]s)?,?\s+(?:says|said|thinks|told us|mentioned|reports|meint|sagt|sagte|erzählt|berichtet|"
    r"dit|a dit|pense|raconte|dice|dijo|comenta|cree|cuenta)\b"
)


def _notes_read(text: str, people: list[Stakeholder]) -> tuple[Stakeholder, tuple[str, str]] | None:
    """The rep's note on one person, in the rep's everyday words, when the sentence opens with their name:
    "Hollis is driving it", "Grant pushed back on the overlap", "Dev still doesn't want us there"."""
    head = fold(text).split()[:1]
    first = re.sub(r"['’]s$", "", head[0].strip(".,;:()*-")) if head else ""
    named = [p for p in people if first and _first(p) == first]
    if len(named) != 1 or REPORTED.match(text):
        return None

    def said(pattern: re.Pattern[str]) -> re.Match[str] | None:  # "isn't against us, just busy" is no opposition
        return next((m for m in pattern.finditer(text) if not opposition_denied(text, m)), None)

    warm, cold = said(REP_WARM), said(REP_COLD)
    hostile = next((m for m in REP_HOSTILE.finditer(text) if not denied_before(text, m.start())), None)
    if hostile and not warm:
        return named[0], ("negative", hostile.group(0))
    if cold and not warm:
        return named[0], ("skeptical", cold.group(0))
    if warm and not cold:
        return named[0], ("positive", warm.group(0))
    return None


def read_feelings(
    units: list[Unit],
    people: list[Stakeholder],
    document: HandoffDocument,
    notes: frozenset[str] = frozenset(),
    ours: frozenset[str] = frozenset(),
) -> None:
    """Fill sentiment, evidence and history on ``people`` (this extraction's stakeholders), in place.

    The read counts the evidence the document already holds for each person, so a second
    signal in a later mail can turn an earlier "unknown" into a read. A held person, or a
    customer speaker known by full name only (a transcript), who shows a feeling in these
    sources is added to ``people`` so the merge carries the evidence to them; never one of
    ``ours`` (folded names of our own people a transcript could not place).
    """
    keys = {_key(p) for p in people}
    held = {_key(p): p for p in document.sections.stakeholders}
    known = [*people, *(p for k, p in held.items() if k not in keys)]
    new: dict[str, list[Evidence]] = {}
    for unit in units:
        named_only = unit.author == "customer" and len(unit.speaker.split()) >= 2 and "@" not in unit.speaker
        named_only = named_only and fold(unit.speaker) not in ours
        # a newsletter's or a sales desk's mailbox is not someone who spoke
        named_only = named_only and not (unit.speaker_email and is_group(Address(unit.speaker, unit.speaker_email)))
        if named_only and _speaker_of(unit, known) is None:  # they spoke: read, whatever order the mail came in
            known.append(Stakeholder(name=unit.speaker, email=unit.speaker_email or None, source_ids=[unit.source_id]))
        for person, piece in sentence_evidence(unit, known, notes):
            pieces = new.setdefault(_key(person), [])
            if not any(fold(p.text) == fold(piece.text) for p in pieces):
                pieces.append(piece)
    spoke = _tone_evidence(units, known, new)
    words: dict[str, list[str]] = {}  # everything each person wrote or said in these sources, for the overall read
    for unit in units:
        if unit.quote and (speaker := _speaker_of(unit, known)) is not None:
            words.setdefault(_key(speaker), []).append(unit.text)
    for person in known:
        if _key(person) not in keys and (_key(person) in new or _key(person) in spoke):
            people.append(
                Stakeholder(
                    name=person.name,
                    email=person.email,
                    source_ids=[_first_source(_key(person), new, spoke)],
                )
            )
            keys.add(_key(person))
    for person in people:
        before = held.get(_key(person))
        seen = {fold(e.text) for e in (before.sentiment_evidence if before else [])}
        mine = [e for e in new.get(_key(person), []) if fold(e.text) not in seen]
        everything = [*(before.sentiment_evidence if before else []), *mine]
        person.sentiment_evidence = mine  # kept even when thin: a later mail may add the second signal
        read = current_read(everything)
        held_read = before.sentiment if before else "unknown"
        if before and not any(_shows_feeling(e) for e in before.sentiment_evidence):
            held_read = "unknown"  # a read of everything taken together, no passage of which showed a feeling, is a
            # guess: the first passage that shows one decides (a champion's factual first mail had read cold)
        if read != "unknown":
            person.sentiment = read
            person.sentiment_history = history_of(everything)
        elif held_read in {"unknown", "neutral"} and (single := [e for e in everything if _shows_feeling(e)]):
            # one passage is a thin read, but a read: the CSM sees the passage and how many signals it rests on
            person.sentiment = single[-1].leaning
            person.sentiment_history = history_of(everything)
        elif held_read == "unknown" and _key(person) in spoke:
            person.sentiment = "neutral"  # they wrote or spoke, and none of it showed a feeling
        if _key(person) in spoke:
            # the passage a neutral read rests on; the store keeps one, whatever order the mail came in
            said = spoke[_key(person)]
            person.sentiment_evidence.append(
                Evidence(text=said.quote, source_id=said.source_id, phrase=NOTHING_SHOWN, leaning="neutral",
                         speaker=said.speaker_email or said.speaker, date=said.anchor)
            )  # fmt: skip
        shown = [*(before.sentiment_evidence if before else []), *person.sentiment_evidence]
        person.sentiment = person_read(person, shown, person.sentiment, words.get(_key(person), []))


def _shows_feeling(piece: Evidence) -> bool:
    """A passage that can stand alone as a read: a leaning, and more than courtesy ("thanks for the quick demo")."""
    return piece.leaning not in {"unknown", "neutral"} and not PLEASANTRY.search(piece.phrase)


def _first_source(key: str, new: dict[str, list[Evidence]], spoke: dict[str, Unit]) -> str:
    return new[key][0].source_id if new.get(key) else spoke[key].source_id


def _tone_evidence(units: list[Unit], known: list[Stakeholder], new: dict[str, list[Evidence]]) -> dict[str, Unit]:
    """Per message and person, the tone of their own words as one piece of evidence when it shows a feeling.

    Read per message, never per batch, so the same mail read in one go or one by one gives the
    same evidence. Returns, for everyone who wrote or spoke a readable sentence, the longest one
    (the evidence of a neutral read when nothing they said shows a feeling).
    """
    by_message: dict[tuple[str, str], list[Unit]] = {}
    for unit in units:
        speaker = _speaker_of(unit, known)
        others = {_first(p) for p in known if p is not speaker}
        if speaker is not None and unit.quote and not others & set(fold(unit.text).replace("'s", "").split()):
            by_message.setdefault((_key(speaker), unit.source_id), []).append(unit)
    spoke: dict[str, Unit] = {}
    for (key, source), said in sorted(by_message.items()):
        leaning, shown, scored = tone_read([u.text for u in said])
        if scored:
            longest = max((u for u in said if u.quote), key=lambda u: (len(u.quote), u.quote))
            if key not in spoke or len(longest.quote) > len(spoke[key].quote):
                spoke[key] = longest
        shown_unit = next((u for u in said if u.text == shown), None)
        if leaning in {"unknown", "neutral"} or shown_unit is None:
            continue
        pieces = new.setdefault(key, [])
        if any(p.source_id == source for p in pieces):
            continue  # a cue in this message already shows how they stand: tone is for when no cue decides
        if not any(fold(p.text) == fold(shown_unit.quote) for p in pieces):
            pieces.append(
                Evidence(text=shown_unit.quote, source_id=shown_unit.source_id, phrase="the tone of their own words",
                         speaker=shown_unit.speaker_email or shown_unit.speaker, leaning=leaning, date=shown_unit.anchor)
            )  # fmt: skip
    return spoke


def _key(person: Stakeholder) -> str:
    return (person.email or "").lower() or fold(person.name)


# -- relationship moments -------------------------------------------------------------------------------------


def relationship_moments(units: list[Unit]) -> list[Item]:
    """Sentences from either side about what built trust; customer sentences keep their verbatim quote."""
    out: list[Item] = []
    for unit in units:
        if not MOMENT_CUES.search(unit.text) or NOT_MOMENT.search(unit.text) or len(unit.text.split()) < 5:
            continue
        quotes = []
        if unit.author == "customer" and unit.quote:
            quotes = [Quote(text=unit.quote, speaker=unit.speaker_email or unit.speaker, source_id=unit.source_id)]
        out.append(Item(text=unit.text, quotes=quotes, source_ids=[unit.source_id]))
    return out


__all__ = [
    "MIN_SIGNALS", "NOTHING_SHOWN", "current_read", "history_of", "label_for", "read_feelings",
    "relationship_moments", "sentiment_signals",
]  # fmt: skip
