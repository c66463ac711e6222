"""Who promised what by when: promises in either side's words, in the first person or the third.

What it is for: ``promise_owner`` says whether a sentence is a promise and whose — ours
("I'll send", "She'll be in touch by Wednesday" in our mail, "Lumen runs the training",
"I told Danielle the invite goes out Monday", a customer's "you promised X by May 1") or the
customer's ("I can have the replica ready by 1 June", "Ezra says his team will have the
crosswalk to you by July 10") — and ``split_promises`` cuts "A by April 17 and B by May 8"
into two promises, each with its own date. The customer's promises count only with a date:
without one they are plans, and the implementation section has them. Our word as we report it ("I told
Sameer we'd run a session", "ich habe … zugesagt", "les prometí"), a note's line labelled as a promise, a price held
for a term and a dated line of our proposal (``binds_us``) are ours, dated or not. Not for: resolving
the dates (dates.py) or deciding the item's section otherwise (offline.py).
"""

from __future__ import annotations

import re

from agent.document import Owner, fold
from agent.extract import lexicon
from agent.extract.cues import DATE_WORDS
from agent.extract.dates import names_due
from agent.extract.lexicon import rx
from agent.extract.units import Unit

_ACTION = (
    # a phrasal verb may take its object inside: "set both up", "hand the keys over"
    r"(?:have|send|set(?:\s+\w+){0,2}?\s+up|deliver|provide|get|give|share|run|be in touch|book|confirm|schedule|finish|"
    r"complete|hand(?:\s+\w+){0,2}?\s+over|bring|host|introduce|go out|goes out|ready|liefern|schicken|senden|bereitstellen|livrer|envoyer|"
    r"fournir|enviar|entregar|tener)"
)
OUR_PRONOUN = re.compile(rf"\b(?:she|he|they)(?:'ll| will| is going to)\s+(?:\w+\s+){{0,2}}{_ACTION}\b", re.I)
# In our own words, someone named doing a deed: "Kenji will have the mapping to Dario by Thursday" (not the customer's)
NAMED_DEED = re.compile(rf"\b((?-i:[A-Z])[a-z]+)(?:'ll| will| is going to)\s+(?:\w+\s+){{0,2}}{_ACTION}\b", re.I)
# "I told Danielle …", or a note's shorthand with no subject: "told Troy countersigned copy by Mon"
TOLD = re.compile(r"(?:\b(?:i|we) |^\W*)(?:told|promised|assured) (?:[A-Z]\w+|them|her|him)\b", re.I)
# We (or I) will do it, by the grammar of each language: "wir schicken Ihnen … bis Freitag", "bis Freitag
# liefern wir", "nous vous enverrons", "je vais", "les enviaremos", "lo tendré"; a date makes it a promise.
# The people of one side as the subject of a sentence: "my team", "our security folks", "our IT", "nuestro equipo"
TEAM = (
    r"(?:team|it|engineers?|people|side|folks|group|department|dba|admins?|lawyers|legal|security|counsel|staff|"
    r"architects?|consultants?|specialists?)"
)
FIRST_PERSON = rx(r"\b(?:i|we)(?:'ll| will| can (?:have|get|give|provide|send|deliver|set|share)| will have| am going to|"
                  r" are going to)\b",
                  # a side's own label: "On my side: replica account ready by June 1", "De notre côté, je …",
                  # "Por nuestra parte …", "Von unserer Seite …"
                  r"^\W*(?:on|from) (?:my|our) (?:side|end)\b|^\W*(?:de|du) (?:mon|notre) côté\b|"
                  r"^\W*por (?:mi|nuestra) parte\b|^\W*(?:von (?:meiner|unserer) seite|meinerseits|unsererseits)\b",

                  rf"\b(?:my|our) (?:[\w-]+ ){{0,2}}{TEAM}(?:'ll| will| can| is going to| are going to| owes?)\b",
                  r"^\W*(?:procurement|purchasing|legal|finance|security|(?-i:IT)|compliance|facilities|infosec)(?: team)?"
                  r"(?:'ll| will| can| is going to)\b",
                  r"\b(?:ich|wir) (?:\w+ )?(?:werde|werden|kann|können|liefern|liefere|schicke|schicken|sende|senden|"
                  r"stellen|stelle|richten|richte|bringen|bereiten|erledigen|kümmern|komme|kommen|besuche|besuchen)\b",
                  r"\b(?:liefern|liefere|schicken|schicke|senden|sende|stellen|stelle|richten|richte|bringen|bringe|"
                  r"setzen|übernehmen|bauen|schulen|erstellen|machen|nehmen|sorgen|garantieren|sichern|komme|kommen|"
                  r"besuche|besuchen) (?:wir|ich)\b",
                  r"\b(?:je|nous) (?:vous |te |les? |la |l')?(?:\w+(?:rai|rons)|vais|allons|envoie|envoyons|livrons)\b",
                  r"\b(?:(?:lo|la|los|las|les|le|te|os) )?\w+(?:aré|eré|iré|dré|(?<!que)remos)\b|"
                  r"\b(?:les|te|os|le) (?:enviamos|mandamos|mando|envío|devolvemos|entregamos|compartimos|habilitamos)\b",
                  # the present for what the rep will do with them: "los acompaño en junio", "les armo una demo"
                  r"\b(?:les|te|os|le|los|las|lo|la) (?:acompaño|acompañamos|visito|visitamos|armo|preparo)\b",
                  # "voy personalmente a Rengo en marzo", "voy a capacitar …": the rep going or about to do it
                  r"\b(?:voy|vamos) (?:personalmente |yo |nosotros )?a\b")  # fmt: skip
# a commitment recorded in the impersonal: "Queda comprometido el usuario de HANA para el 4 de mayo"
RECORDED = rx(r"\bqueda(?:n)? comprometid[oa]s?\b", r"\bfest zugesagt\b", r"\best (?:bien )?acté\b")
SPLIT = re.compile(r",?\s+(?:and|und|et|y)\s+(?=(?:the |our |a |an |die |den |das |le |la |les |el |los )?\S)", re.I)


def _named_promise(text: str, first_names: set[str]) -> bool:
    for name in first_names:
        if re.search(
            rf"\b{re.escape(name)}(?:\s+(?-i:[A-Z])[\w-]+)?(?:'s team| and (?:his|her) team)?"
            rf"(?:\s+(?:says|said|confirmed)\s+(?:his|her|their)\s+team)?"
            rf"(?:\s+(?:will|'ll|can|is going to|owes|to)\s+(?:\w+\s+){{0,3}}{_ACTION}|\s+(?:runs|sends|hosts|delivers|owes)"
            rf"|\s+(?:\w+(?:rá|rán|era|eront)))\b",
            text,
            re.I,
        ):
            return True
        if re.search(rf"\b{re.escape(name)}\s+says\s+(?:his|her|their)\s+team\s+will\b", text, re.I):
            return True
    return False


# Our side's note that something is ours to deliver: "we still owe them the mapping by May 15", "it's in the SOW",
# "laut Angebot liefern wir … bis", "on leur doit … d'ici", "les debemos … para"
OWED = re.compile(
    rf"\b(?:we|I|(?:our|my) (?:[\w-]+ ){{0,2}}{TEAM}) (?:still |also )?owes?\b|\b(?:it'?s|that'?s) (?:in|part of) (?:the|our) (?:sow|contract|order form)\b|"
    r"\bper (?:the )?(?:sow|contract)\b|\bwir schulden\b|\blaut (?:angebot|vertrag|sow|auftrag) (?:liefern|schulden|"
    r"machen|schulen) wir\b|\bon (?:leur|lui) doit\b|\bnous (?:leur|lui) devons\b|\bselon le contrat,? nous\b|"
    r"\b(?:les|le) debemos\b|\bsegún el contrato,? (?:les )?(?:entregamos|debemos)\b|"
    # the next move is ours: "that's on us", "action on us: …", "das liegt bei uns", "c'est à nous", "nos toca"
    r"\b(?:that|this|it)(?:'s| is) on us\b|\b(?:action|next step|ball)(?: is)? on us\b|\b(?:das|es) liegt bei uns\b|"
    r"\bc'est (?:à|pour) nous\b|\b(?:eso )?nos toca\b|\bcorre por nuestra cuenta\b",
    re.IGNORECASE,
)


# Our word given, as we report it: "on the call I told Sameer we'd run a session", "I offered a free workshop in
# May", "told him yes on the template", "ich biete an, dass wir …", "Les prometí la demo", "le propuse a Luisa que …",
# "je leur ai promis …". Said to the customer, so a promise dated or not; a denial ("I never promised") is none.
GAVE_WORD = rx(
    r"^(?![^.;]*\b(?:not|never|didn'?t|nicht|nie|jamais|pas|nunca|no)\b)(?:[^.;]{0,60}?\b(?:i|we)\s+|\W*)"
    r"(?:(?:also|already|just|then|personally)\s+)?(?:offered|promised|made (?:\w+ )?promises?|"
    r"told (?:\w+ ){1,2}(?:yes|we'd|we would|we'll|we will|that we|i'd|i would|i'll)\b)",
    r"\b(?:ich|wir) (?:habe|haben|hab) [^.;]{0,80}\b(?:zugesagt|versprochen|angeboten|zugesichert)\b",
    r"\b(?:ich biete|wir bieten|biete ich|bieten wir)\b",
    r"\b(?:j'ai|nous avons|on a) (?:\w+ )?(?:leur |lui |vous )?(?:promis|proposé|offert|garanti)\b",
    r"\bje (?:leur|lui|vous) ai (?:promis|proposé|offert|garanti)\b",
    r"\b(?:(?:les?|te|se|la|lo|las|los) )+(?:prometí|prometimos|ofrecí|ofrecimos|propuse|propusimos|garanticé)\b",
    # our word in the verb itself: "we commit to", "wir verpflichten uns", "on s'engage à", "nos comprometemos a"
    r"^(?![^.;]*\b(?:not|never|nicht|nie|jamais|pas|nunca|no)\b)[^.;]{0,60}?\b(?:(?:we|i) (?:commit|pledge)|"
    r"(?:we're|we are|i'm|i am) committed) to\b",
    r"\b(?:wir verpflichten uns|ich verpflichte mich|wir sichern (?:ihnen |euch |dir )?zu)\b",
    r"\b(?:on s'engage|on s’engage|nous nous engageons|je m'engage|je m’engage) à\b",
    r"\b(?:nos comprometemos|me comprometo) a\b",
    # the pledge given to them: "os lo comprometo para enero", "I promise you", "je vous le garantis", "versprochen"
    r"\b(?:(?:te|os|se|le|les) (?:lo |la |los |las )?(?:comprometo|comprometemos|prometo|prometemos|garantizo|garantizamos))\b",
    r"\b(?:je|nous) (?:vous|te|leur|lui) (?:le |la |les )?(?:promets|promettons|garantis|garantissons)\b",
    r"^(?![^.;]*\b(?:not|never)\b)[^.;]{0,60}?\b(?:i|we) (?:promise|guarantee) (?:you|that)\b",
    r"\b(?:ich|wir) (?:verspreche|versprechen|garantiere|garantieren) (?:ihnen|euch|dir)\b",
)
# A deadline we hold ourselves to, said of a deliverable in our mail: "at the latest", "no later than", "a más tardar",
# "au plus tard", "spätestens"; or what we hand over "will be with you by …", "estará en producción el …"
FIRM_DUE = rx(
    r"\b(?:at the latest|no later than|a más tardar|au plus tard|spätestens)\b",
    r"\bwill be (?:with you|done|ready|delivered|certified|signed|available|in production|generally available)\b",
    r"\bestar[áa]n? (?:en producción|listos?|listas?|disponibles?|certificad[oa]s?)\b",
    r"\bseront? (?:livrés?|prêts?|prêtes?|disponibles?|en production|certifiés?)\b",
    r"\bwird\b[^.;]{0,60}\b(?:produktiv|verfügbar|fertig|geliefert|zertifiziert)\b",
)
# A date the plan sets rather than a deliverable we owe: "kickoff 19 October", "change freeze 20 Nov – 5 Jan"
DATES_OF_PLAN = re.compile(
    r"(?<![\w-])(?:kick-?off|freeze|starts?|begins?|ends?|beginnt|startet|commence|empieza|comienza)\b", re.I
)


def binds_us(unit: Unit, formal: bool) -> bool:
    """Whether our line, once it has a due date, is our promise by where it stands: a line of our proposal or order
    form ("Interface in Dutch by 1 September", ``formal``) or a deadline we set in our mail ("the DPA goes to him by
    22 May at the latest"). A line under the plan's own heading is the plan, whatever its date."""
    if unit.heading == "implementation" or unit.text.rstrip().endswith("?"):
        return False
    if formal and not DATES_OF_PLAN.search(unit.text):
        return True
    return unit.author == "ours" and bool(FIRM_DUE.search(unit.text))


# A note's line labelled as a promise: "Commit: connector certified by 30.06.", "Zusage im Angebot: …", "Promis : …"
PROMISE_LABEL = re.compile(
    r"^\W*(?:commit(?:ment)?s?|promised?|(?:our|my) promises?|we owe|zusagen?|zugesagt|versprochen|promis|"
    r"engagements?|compromisos?|prometido)\b[^:.;]{0,25}:\s",
    re.IGNORECASE,
)
# A price held for a term, which only the seller can give: "€38,000 fixed for two years", "year-2 increase capped
# at 4%", "Preisbindung über drei Jahre", "prix bloqué pour deux ans", "precio fijo por tres años"
PRICE_HELD = rx(
    r"\b(?:price|pricing|fee|rate)s?\b[^.;]{0,40}?\b(?:fixed|locked|frozen|capped|held|guaranteed)\b",
    r"\b(?:fixed|locked|frozen|held)\b[^.;]{0,12}\b(?:for|through) (?:the )?(?:\w+ )?(?:years?|months?|yrs|term)\b",
    r"\bprice[- ]lock|\b(?:increase|uplift|escalator)s?\b[^.;]{0,20}\bcapped\b",
    r"\bpreisbindung\b|\bpreis\w*\b[^.;]{0,30}\b(?:festgeschrieben|eingefroren|gedeckelt|garantiert|fix)\b",
    r"\bprix\b[^.;]{0,30}\b(?:bloqués?|gelés?|fixes?|garantis?|plafonnés?)\b",
    r"\bprecios?\b[^.;]{0,30}\b(?:fijos?|congelados?|bloqueados?|garantizados?)\b",
)
# The customer asking for it is a reason to buy, not our word: "I want the price locked", "necesito que el precio …"
_ASKS = re.compile(
    r"\b(?:wants?|wanted|need|needs|asks?|asked|insists?|require[sd]?|demand\w*|want\w*|möchte|"
    r"brauche\w*|verlang\w*|besteh\w*|veu[xt]|voudr\w*|exig\w*|demand\w*|quier\w*|necesit\w*|pid\w*)\b",
    re.IGNORECASE,
)
_GRANTED = re.compile(r"\b(?:agreed|ok|okay|yes|accepted|granted|akzeptiert|zugesagt|d'accord|accepté|possible|aceptado)\b",
                      re.IGNORECASE)  # fmt: skip


def price_held(text: str, author: str) -> bool:
    """A price held for a term in our words, or in the customer's as something settled ("the price is locked")."""
    if not PRICE_HELD.search(text) or text.rstrip().endswith("?"):
        return False
    asked = _ASKS.search(text) and not _GRANTED.search(text)
    if author in {"ours", "note"}:
        return not asked
    settled = re.search(r"\b(?:is|are|was|ist|sind|est|sont|está|están|queda|quedó)\b", text, re.I)
    return author == "customer" and bool(settled) and not asked


def promise_owner(unit: Unit, ours: set[str], customers: set[str], company: str) -> Owner | None:
    """ "us", "customer" or None for a sentence; ``ours``/``customers`` are first names, ``company`` our name."""
    owner = _said_promise(unit, ours, customers, company)
    if owner is not None:
        return owner
    our_words = set(ours) | company_words(company)
    return deed_owner(unit, our_words, customers - our_words)


# A contract's or an order form's line, quoted by anyone: our company as the subject of a clause in the present or
# the future, with a date ("Lumen builds and maintains the parser, in production by 30 November 2026", "Lumen entrega
# la plantilla antes del 1 de marzo", "Lumen migre les tableaux d'ici le 22 janvier"). Only the company's name counts:
# "Priya builds dashboards" describes a person's job, "Lumen is a data platform" describes us.
_NOT_DEED = (
    r"(?:is|was|has|had|are|were|does|did|can|could|would|might|may|ist|war|hat|est|était|a|es|era|fue|tiene|ha)"
)


def company_words(company: str) -> set[str]:
    """Our company's name as a sentence spells it, from our domain's label: "lumendata" gives "lume" … "lumendata",
    so "Lumen" and "LumenData" both count (its first four letters or more)."""
    return {company[:k] for k in range(4, len(company) + 1)} if company else set()


def _company_deed(text: str, company_words: set[str]) -> bool:
    if not company_words:
        return False
    names = "|".join(sorted((re.escape(w) for w in company_words), key=len, reverse=True))
    return bool(
        re.search(
            rf"(?:^|[:;•–—-]\s*|\band\s+|\by\s+|\bet\s+|\bund\s+)(?i:{names})(?:\s+Data)?\s+(?!{_NOT_DEED}\b)"
            r"(?:will\s+|shall\s+|wird\s+|va\s+|se\s+)?[a-zà-ÿ]{3,}",
            text,
        )
    )


def _said_promise(unit: Unit, ours: set[str], customers: set[str], company: str) -> Owner | None:
    text = unit.text
    if lexicon.NOT_COMMITMENT.search(text) or lexicon.RIVAL_PROMISE.search(text) or text.rstrip().endswith("?"):
        return None
    dated = bool(DATE_WORDS.search(text)) or names_due(text)
    # "Lumen runs the training" when our domain is lumendata.example: the company by its short name too
    our_words = set(ours) | company_words(company)
    if unit.author in {"ours", "note"}:
        if GAVE_WORD.search(text) or PROMISE_LABEL.match(text) or price_held(text, unit.author):
            return "us"
        if _named_promise(text, our_words) or (unit.author == "ours" and OUR_PRONOUN.search(text)):
            return "us"
        if (dated or TERMS.search(text)) and _company_deed(text, company_words(company)):
            return "us"
        named = NAMED_DEED.search(text)
        if unit.author == "ours" and named and dated and fold(named[1]) not in customers:
            return "us"
        if (TOLD.search(text) or OWED.search(text)) and dated:
            return "us"
        handed = HANDED_TO.match(text)
        if handed and dated and not TO_DO.match(text) and _names(handed[1], customers - our_words):
            return "us"  # a note's "countersigned copy to Troy by Monday": ours to hand to their person
        if _named_promise(text, customers) and dated:
            return "customer"
        if unit.author == "note" and dated and (subject := TO_DO.match(text)):
            return "customer" if _names(subject.group(1), customers - our_words) else "us"
        return None
    if unit.author == "customer" and contract_term(text, customer=True) and not CONDITION.match(text):
        return "us"  # "the order form says 35 dashboards migrated by Oct 16": the term we signed
    if unit.author == "customer" and price_held(text, unit.author):
        return "us"  # "please note: the price is locked for three years" is the term we gave
    if unit.author == "customer" and dated and not CONDITION.match(text):
        said = FIRST_PERSON.search(text)
        if (
            said
            and not WANTS.match(text, said.end())
            and (re.search(rf"\b{_ACTION}\b", text, re.I) or OPENS.search(text))
        ):
            return "customer"
        if _named_promise(text, customers - our_words) or RECORDED.search(text):
            return "customer"
        if _named_promise(text, our_words) or _company_deed(text, company_words(company)):
            return "us"
    return None


# Who does a deed, by the sentence's subject and verb, in any of the four languages: a group of one side ("our network
# admin", "unsere IT", "nuestro equipo de TI", "notre équipe informatique"), optionally with the person's name ("our
# engineer Omar"), or a person by name ("Priya from my team", "Frau Keller"), then a deed in the future or the present
# ("will hand you", "is sending over", "liefert Ihnen", "te enviará", "vous enverra"). Whose deed it is comes from
# the subject: the writer's group is the writer's side; a name is whoever the name belongs to.
_GROUP = r"(?:our|my|unser(?:e|em|er)?|nuestr[oa]s?|mis?|notre|nos|mon|ma)"
_TITLE = r"(?:(?-i:Herr|Frau|Mr|Ms|Mrs|Dr|Mme|M|Sr|Sra)\.? )"
# the head of a group of people: "our network admin", "unsere IT-Abteilung", "nuestro equipo de TI", "notre DSI"
_PEOPLE = (
    r"(?:[\w-]*(?:team|abteilung|department|departamento|département|équipe|equipo|service|staff|people|folks|leute|"
    r"kolleg|colleg|compañer|engineer|ingeni|ingénieu|admin|manager|lead|leiter|jefe|jefa|gerente|responsable|"
    r"direct|chef|architect|architekt|arquitect|analyst|analista|consultant|berater|consultor|specialist|spezialist|"
    r"especialista|dba|sistemas|informati|security|sicherheit|seguridad|sécurité|legal|counsel|finance|finanz|"
    r"procurement|einkauf|compras|achats|contact|ansprechpartner)[\w-]*|(?-i:IT|TI|DSI|DBA|IT-\w+))"
)
_NAME = rf"{_TITLE}?(?-i:[A-ZÁÉÍÓÚÄÖÜ][a-záéíóúäöüñç]+)(?: (?-i:[A-Z][a-záéíóúäöüñç]+))?"
_DEED_EN = (
    r"(?:will|'ll|is going to|are going to|is|are)\s+(?:also\s+|personally\s+)?"
    r"(?:send|sending|hand|handing|deliver|delivering|provide|providing|share|sharing|return|returning|open|opening|"
    r"whitelist|whitelisting|allowlist|allowlisting|set(?:ting)? up|create|creating|grant|granting|enable|enabling|"
    r"run|running|host|hosting|schedule|scheduling|give|giving|finish|finishing|complete|completing|load|loading|"
    r"install|installing|configure|configuring|build|building|write|writing|draft|drafting|prepare|preparing|book|"
    r"booking|sign|signing|get|getting|have|walk|walking|join|joining|lead|leading|train|training|attend|attending)\b"
    r"|(?:(?<=\bwe )|(?<=\bwir )|(?<=\bnous ))(?:send|hand over|deliver|provide|share|return|run|host|give|set up|schedule|book)\b"
    r"|(?:joins|leads|trains|attends|sends|hands|delivers|provides|shares|returns|opens|whitelists|allowlists|sets up|creates|grants|enables|"
    r"runs|hosts|schedules|gives|installs|configures|builds|writes|drafts|prepares|books|signs|gets|owes)\b"
)
_DEED_DE = (
    r"(?:(?:wird|werden)\b[^.;]{0,80}\b(?:liefern|schicken|senden|einrichten|bereitstellen|freischalten|öffnen|"
    r"erstellen|übermitteln|zurücksenden|zurückschicken|geben|übernehmen|durchführen|vorbereiten)|liefert|leitet|leiten|schult|schulen|führt|führen|moderiert|liefern|schickt|schicken|sendet|senden|richtet|richten|stellt|stellen|übernimmt|"
    r"übernehmen|gibt|geben|erstellt|erstellen|öffnet|öffnen|bereitet|bereiten|schaltet|schalten|legt|legen|"
    r"übermittelt|übermitteln|reicht|reichen|bringt|bringen)\b"
)
_DEED_ES = (
    r"(?:(?:te|les|le|nos|os|lo|la|los|las|se) )*(?:(?!(?:est|ser|podr|habr|deber|querr|sabr|expir|venc|termin|"
    r"acab|empez|comenz|decid|evalu|revis)\w)\w+(?:ará|erá|irá|rán|drá|dremos|aremos|eremos|iremos)|"
    r"envía|entrega|dirige|imparte|capacita|devuelve|manda|comparte|habilita|abre|enviamos|entregamos|devolvemos|mandamos|habilitamos|"
    r"abrimos)\b"
)
_DEED_FR = (
    r"(?:(?:vous|te|nous|leur|lui|les|le|la|l') ?)*(?:(?!(?:ser|aur|pourr|devr|voudr|saur|expir|termin|commenc|"
    r"décid|évalu|gèl)\w)\w+r(?:a|ont|ons|ai)|envoie|livre|retourne|ouvre|anime|forme|dirige|"
    r"envoyons|livrons|retournons|ouvrons|fournit|fournissons)\b"
)
DEED = re.compile(
    rf"^\W*(?:[^\W\d][\w ]{{0,24}}:\s+)?(?:(?P<self>we|wir|nous|nosotros) |(?P<group>{_GROUP} (?:[\w-]+ ){{0,2}}?{_PEOPLE}"
    rf"(?: (?:de|of|für|du|des|del|de la) [\w-]+| (?-i:[a-zéèáíóú])[\w-]+)? )(?P<named>{_NAME} )?|(?P<name>{_NAME})"
    rf"(?: (?:from|of|aus|de|del|von) (?:my|our|the|unserem|unserer|mi|nuestro|nuestra|mon|notre) [\w-]+(?: [\w-]+)?)? )"
    rf"(?:{_DEED_EN}|{_DEED_DE}|{_DEED_ES}|{_DEED_FR})",
    re.IGNORECASE,
)


def deed_owner(unit: Unit, ours: set[str], customers: set[str]) -> Owner | None:
    """Whose dated deed a sentence states by its subject: "Omar will hand you the runbook by May 14" in our mail is
    ours, "Carla te enviará los catálogos el 15 de mayo" in the customer's is theirs; a name either side knows decides
    over the writer. Undated, or a question or a condition, it is no promise."""
    text = unit.text
    if unit.author not in {"ours", "customer", "note"} or text.rstrip().endswith("?") or CONDITION.match(text):
        return None
    if (
        lexicon.NOT_COMMITMENT.search(text)
        or lexicon.RIVAL_PROMISE.search(text)
        or not (DATE_WORDS.search(text) or names_due(text))
    ):
        return None
    found = DEED.match(text)
    if found is None or WANTS.match(text, found.end()):
        return None
    writer: Owner = "customer" if unit.author == "customer" else "us"
    name = found["named"] or found["name"]
    if name:
        first = fold(re.sub(_TITLE, "", name.strip(), flags=re.I)).split(" ")[0]
        if first in ours:
            return "us"
        if first in customers:
            return "customer"
        if found["name"] and first in _NOT_PEOPLE:
            return None
    return writer


# Capitalised words that open a sentence but name no one: "Today", "Hoy", "Heute", "Aujourd'hui", "This", "The"
_NOT_PEOPLE = {
    "the", "this", "that", "these", "those", "it", "there", "today", "tomorrow", "next", "then", "also", "and", "but",
    "we", "they", "he", "she", "you", "i", "our", "your", "their", "der", "die", "das", "den", "dem", "wir", "sie",
    "heute", "morgen", "dann", "el", "la", "los", "las", "hoy", "manana", "luego", "le", "les", "nous", "vous", "ils",
    "elles", "aujourd", "demain", "puis", "ce", "cette", "pilot", "piloto", "pilote", "phase", "wave",
}  # fmt: skip


# A note's to-do, its subject then "to" and the deed: "Sandbox to be enabled by 6/5", "Acme Data to provide the
# mapping by 3/14" (no verb of its own before "to": "Ana wants to go live by May" is a wish)
TO_DO = re.compile(r"^\W*((?:(?![\w'-]+(?:s|ed|ing)\b)[\w'-]+\s+){1,4}?)to (?:be \w+|(?-i:[a-z])\w+)\b", re.IGNORECASE)
# A note's deliverable and whom it goes to, with no subject: "countersigned copy to Troy by Monday", "Angebot an
# Frau Keller bis Freitag", "devis à Julien avant lundi", "propuesta a Marta antes del viernes"
HANDED_TO = re.compile(
    r"^\W*(?!(?:i|we|they|he|she|you|it|ich|wir|sie|je|nous|ils|elle|yo|ellos)\b)(?:[\w/+-]+ ){1,6}?"
    r"(?:to|an|à|a) (?:(?:Herr|Frau|Mr|Ms|Mme|M|Sr|Sra)\.? )?((?-i:[A-ZÁÉÍÓÚÄÖÜ])[\w-]+)(?: (?-i:[A-Z])[\w-]+)? "
    r"(?:by|before|on|until|no later than|bis|vor|am|avant|d'ici|le|antes|para|el)\b",
    re.IGNORECASE,
)
# A condition and what follows from it is a worry, not a promise: "If we can't show it by May, I'll be paying …"
CONDITION = re.compile(r"^\W*(?:if|unless|should|wenn|falls|si|sauf si|a menos que)\b", re.IGNORECASE)
# The customer's "we will" that is no deed of theirs: "we'll need to", "we will want", "we'll have to wait"
WANTS = re.compile(r"\s*(?:\w+\s+)?(?:need|want|have to|hope|try|see|be able|be happy|be glad|like|wait)\b", re.I)
# What a customer does for the project: open a port, create an account, grant access ("abriremos el puerto")
OPENS = re.compile(
    r"\b(?:open|allowlist|whitelist|creat|provision|grant|enabl|regist|approv|return|sign|countersign|assign|"
    r"stand\w* up|install|"
    r"deploy|load|build|configur|connect|migrat|"
    r"abri|abrir|crea|habilit|otorg|asign|öffn|freischalt|einricht|ouvr|activ|autoris|"
    # a filing the customer makes for the project: "je déposerai la déclaration", "we'll submit the notification"
    r"submit|file|notif|dépos|soum|présent|present|einreich|anmeld|"
    r"devolv|retourn|renvo|zurücksend|zurückschick)\w*",
    re.IGNORECASE,
)
# What we give on top of the price: "happy to throw in two extra seats", "the connector is included at no charge",
# "offered a training track free for year one", "sin costo", "kostenlos", "sans frais"
_FREE = (
    r"(?:\bat no (?:extra |additional )?(?:charge|cost)|\bfree of charge|\bfor free|\bfree (?:for|in|during) (?:the )?"
    r"(?:first )?(?:year|\d+|one|two|three|six)|\bon the house|\bon us\b|\bno (?:extra )?charge|\bsin (?:costo|cargo)|"
    r"\bgratis\b|\bkostenlos|\bohne aufpreis|\bsans frais|\bgratuit)"
)
FREE = re.compile(_FREE, re.IGNORECASE)  # the price of a thing we give: none
# What we provide, named as a line of our terms or notes: training, a dedicated person, an uptime promise, a thing
# included ("training on site at each plant", "zwei Schulungstage", "un CSM dédié", "99,9 % de disponibilité").
PROVIDED = rx(
    r"\b(?:training|trainings|workshops?|schulung\w*|formation|formations|formación|formaciones|capacitaci\w+)\b",
    r"\b(?:dedicated|named|assigned) (?:[\w-]+ ){0,2}(?:engineer|csm|consultant|architect|manager|analyst|team)\b",
    r"\b(?:dedizierte\w*|feste\w*) (?:[\w-]+ ){0,2}(?:ingenieur\w*|berater\w*|ansprechpartner\w*|csm)\b",
    r"\b(?:ingénieur|consultant|architecte|csm|chef de projet)\w* (?:[\w-]+ ){0,2}dédiée?s?\b",
    r"\b(?:ingenier[oa]|consultor[a]?|arquitect[oa]|csm|gerente)\w* (?:[\w-]+ ){0,2}dedicad[oa]s?\b",
    r"\b\d{2}(?:[.,]\d+)?\s?% (?:uptime|availability|verfügbarkeit|disponibilité|disponibilidad)\b|\bsla\b",
    r"\bincluded\b|\binklusive\b|\binbegriffen\b|\binclus(?:e|es)?\b|\bincluid[oa]s?\b",
)
# ... unless the line asks for it: "they want training for every shift lead" is their wish, not our word
ASKED_FOR = rx(
    r"\b(?:wants?|asks?|asked|requests?|requested|needs?|would like|expects?|wünsch\w*|möchte\w*|braucht|brauchen|"
    r"verlang\w*|fordert|veut|veulent|voudrai\w*|demand\w*|souhait\w*|quier\w*|pid\w*|pide\w*|necesit\w*|exig\w*)\b",
    r"\b(?:please|bitte|s'il vous plaît|por favor)\b",  # a request: "please put the break clause in the contract"
)
# A term of what we signed, cited as such by either side: "the order form says 35 dashboards migrated by Oct 16",
# "breach notification within 24 hours is in the DPA", "laut Vertrag …", "le contrat prévoit …", "incluido en el
# contrato". Our word in writing, dated or not.
_PAPER = r"(?:order form|contract|dpa|sow|statement of work|msa|proposal|agreement|addendum|annex|final terms|quote)"
_PAPER_DE = r"(?:vertrag|rahmenvertrag|angebot|auftrag|bestellformular|bestellschein|avv|sow|anhang|dpa)"
_PAPER_FR = r"(?:contrat|bon de commande|devis|dpa|avenant|annexe|proposition)"
_PAPER_ES = r"(?:contrato|pedido|anexo|propuesta|orden de compra|cotizaci[óo]n)"
CONTRACT_TERM = rx(
    rf"\b(?:the|our|your|this|signed|final)\s+(?:[\w-]+\s+)?{_PAPER}\s+(?:now\s+|also\s+)?(?:says|states|specifies|"
    r"includes|guarantees|commits us|lists|provides|gives (?:them|you)|grants|promises|spells out|covers|has (?!been\b))",
    rf"\b(?:per|under|according to|as per)\s+(?:the|our|your)\s+(?:signed\s+)?{_PAPER}\b",
    rf"\b(?:written|put|baked|locked|spelled out|captured|included|guaranteed|agreed)\s+(?:\w+\s+)?(?:in|into)\s+"
    rf"(?:the|our|your)\s+(?:signed\s+)?{_PAPER}\b",
    rf"\b(?:is|are|it's|that's)\s+(?:now\s+|also\s+)?(?:in|part of)\s+(?:the|our|your)\s+(?:signed\s+)?{_PAPER}\b",
    r"\bcontractually\b",
    rf"\blaut\s+(?:\w+\s+)?{_PAPER_DE}\b",
    rf"\b(?:im|ins)\s+(?:\w+\s+)?{_PAPER_DE}\s+(?:\w+\s+){{0,3}}(?:steht|stehen|festgeschrieben|vereinbart|verankert|"
    r"zugesichert|geregelt|enthalten|aufgenommen)\b",
    rf"\b(?:der|unser|das|die)\s+{_PAPER_DE}\s+(?:sieht|enthält|garantiert|regelt|sichert|nennt)\b",
    r"\bvertraglich\s+(?:\w+\s+)?(?:zugesichert|vereinbart|festgeschrieben|garantiert|geregelt)\b",
    rf"\b(?:le|notre|la|l')\s*{_PAPER_FR}\s+(?:signée?\s+)?(?:prévoit|inclut|comprend|garantit|stipule|précise|"
    r"mentionne|couvre)\b",
    rf"\bselon (?:le|notre|la) {_PAPER_FR}\b|\bcontractuellement\b",
    rf"\b(?:inscrite?s?|prévue?s?|écrite?s?|figurent|figure|incluse?s?)\s+(?:au|à la|dans le|dans la|dans notre)\s+{_PAPER_FR}\b",
    rf"\b(?:incluid[oa]s?|establecid[oa]s?|previst[oa]s?|garantizad[oa]s?|escrit[oa]s?|est[áa]n?|queda|quedó|"
    rf"figura)\s+(?:\w+\s+)?en (?:el|la|nuestr[oa]) {_PAPER_ES}\b",
    rf"\b(?:el|la|nuestr[oa])\s+{_PAPER_ES}\s+(?:firmad[oa]\s+)?(?:incluye|establece|prevé|garantiza|estipula|dice|"
    r"contempla|cubre)\b",
    rf"\bseg[úu]n (?:el|la) {_PAPER_ES}\b|\bpor contrato\b|\bcontractualmente\b",
)
# ... but not a term asked for, denied or laid on the customer: "please put that in the contract", "it's not in the
# order form", "the contract says the customer pays quarterly"
_NOT_TERM = rx(
    r"\b(?:please|must|should|need|needs|want|wants|bitte|muss|müssen|sollte|doit|doivent|devrait|debe|deben|"
    r"necesit\w*|quier\w*|veu[xt]|voudr\w*|wünsch\w*|möchte\w*)\b",
    r"\b(?:not|isn't|aren't|never|nicht|kein\w*|pas|jamais|no está|no están|nunca)\b",
    r"\b(?:the customer|the client|der kunde|le client|el cliente)\b",
    # a term still to come is a condition of theirs: "as long as hosting is written into the contract"
    r"\b(?:if|unless|as long as|provided that|depends? on|once|wenn|falls|sofern|solange|sobald|hängt\w* von|si|"
    r"à condition|pourvu|dépend\w*|dès que|siempre que|con tal de que|depende\w*|cuando)\b",
)


# The paper is ours when the customer cites it: their own contracts ("the AML contract says", "le contrat prévoit un
# bonus-malus") are their business. Ours: the order form, the DPA, the SOW, the proposal, or a contract of "yours"
YOUR_PAPER = rx(
    r"\b(?:order form|dpa|sow|statement of work|proposal)\b",
    r"\byour (?:[\w-]+ )?(?:contract|agreement|terms|addendum|annex)\b|\bwith you\b",
    r"\b(?:bestellformular|bestellschein|avv|angebot)\b|\bihr\w* (?:vertrag|anhang)\b|\bmit ihnen\b",
    r"\b(?:bon de commande|devis|dpa)\b|\bvotre (?:contrat|proposition|annexe|avenant)\b|\bavec vous\b",
    r"\b(?:pedido|propuesta|cotizaci[óo]n)\b|\bsu (?:contrato|anexo)\b|\bcon ustedes\b",
)


def contract_term(text: str, customer: bool = False) -> bool:
    """Whether ``text`` states a term of what we signed (see CONTRACT_TERM), not asked for, denied or the customer's;
    said by the ``customer``, only of a paper that is ours (``YOUR_PAPER``)."""
    if not CONTRACT_TERM.search(text) or _NOT_TERM.search(text) or text.rstrip().endswith("?"):
        return False
    return not customer or bool(YOUR_PAPER.search(text))


# The terms a seller gives in writing, whoever words them: an uptime promise with credits, where the data is hosted,
# breach notification, an audit right, a right to leave, staying out of a compliance scope ("99.9% uptime SLA with
# service credits", "Daten nur in Deutschland gehostet", "droit d'audit annuel", "cláusula de salida a 12 meses")
TERMS = rx(
    r"\b\d{2}(?:[.,]\d+)?\s?%\s?(?:uptime|availability|verfügbarkeit|disponibilité|disponibilidad)\b|\bsla\b",
    r"\bservice credits?\b|\bservicegutschrift\w*|\bcrédits? de service\b|\bcréditos? de servicio\b",
    r"\b(?:hosted|stored|kept)\s+(?:only\s+|exclusively\s+|entirely\s+)?in\s+(?:the\s+)?(?-i:[A-Z])\w+|"
    r"\bdata residency\b|\b(?:gehostet|gespeichert)\b|\b(?:hébergée?s?|stockée?s?)\s+(?:uniquement\s+|"
    r"exclusivement\s+)?(?:en|au)\b|\b(?:alojad|almacenad|hospedad)[oa]s?\s+(?:solo\s+|solamente\s+|"
    r"únicamente\s+|exclusivamente\s+)?en\b|\bdatenresidenz\b|\brésidence des données\b|\bresidencia de (?:los )?datos\b",
    r"\bbreach notification\b|\bnotif\w+ (?:\w+ )?(?:of |about )?(?:any )?(?:breach|incident)e?s?\b|\bmeldepflicht\b|"
    r"\b(?:sicherheitsvorf\w+|datenpann\w+|vorf[äa]ll\w*)\b[^.;]{0,40}\binnerhalb\b|\bnotification (?:des? |d')?"
    r"(?:violations?|incidents?|failles?)\b|\bnotificaci[oó]n de (?:brechas?|incidentes?|violaci\w+)\b",
    r"\baudit[- ]rights?\b|\bright to audit\b|\b(?:prüf|audit)rechte?\b|\baudit vor ort\b|\bvor-ort-audit\w*|"
    r"\bdroit d'audit\b|\bderecho (?:de|a) auditor\w*",
    r"\b(?:termination|exit|break|opt-?out|cancellation|early[- ]termination) (?:right|clause|option)s?\b|"
    r"\bright to (?:terminate|exit|cancel)\b|\b(?:sonder)?kündigungsrecht\w*|\bausstiegsklausel\b|"
    r"\bdroit de (?:résiliation|sortie)\b|\bclause de (?:sortie|résiliation)\b|"
    r"\bcl[áa]usula de (?:salida|rescisi[óo]n|terminaci[óo]n)\b|\bderecho de (?:rescisi[óo]n|terminaci[óo]n|salida)\b",
    r"\bout of (?:the )?(?-i:[A-Z]{2,6}) scope\b|\baußerhalb (?:des|vom) (?-i:[A-Z]{2,6})[- ]?(?:scope|umfang)\b|"
    r"\bhors (?:du )?(?:périmètre|scope) (?-i:[A-Z]{2,6})\b|\bfuera del alcance (?:de )?(?-i:[A-Z]{2,6})\b",
)
# Our word in the future tense of German, French or Spanish, dated or not: "les daremos acceso", "nous fournirons
# un guide", "wir stellen Ihnen … bereit"; a tense of seeing, being able or needing is no deed ("veremos", "nous
# pourrons", "tendremos que")
FOREIGN_WORD = rx(
    r"\b(?:(?:les?|te|os|se|lo|la|los|las) )*(?!(?:veremos|podremos|tendremos|habremos|deberemos|necesitaremos|"
    r"querremos|sabremos|evaluaremos|revisaremos|decidiremos|esperaremos|estaremos|seremos|veremos)\b)"
    r"\w+(?:aremos|eremos|iremos|dremos)\b(?! que)",
    r"\bnous (?:vous |leur |lui |les? |la |l')?(?!(?:verrons|pourrons|devrons|aurons|serons|voudrons|saurons|"
    r"attendrons|verrons)\b)\w{2,}rons\b",
    r"\b(?:wir|ich) (?:\w+ )?(?:stellen|stelle|liefern|liefere|übernehmen|richten|schulen|bauen|garantieren|"
    r"sichern)\b",
    r"\b(?:stellen|liefern|übernehmen|richten|schulen|bauen|setzen|garantieren|sichern) wir\b",
)
# Our word put in writing: "I'll put that in writing too", "das bestätigen wir schriftlich", "par écrit", "por escrito"
IN_WRITING = rx(r"\bin writing\b|\bschriftlich\b|\bpar écrit\b|\bpor escrito\b")
GIFT = rx(
    r"\bthrow(?:ing)? in\b",
    # what we take on at no cost ("covers the training at no cost", "übernimmt … kostenlos"); "that's on us" here
    # says whose task it is, not its price
    r"\b(?:cover|übernimm|cubr|couvr|prend\w* en charge)\w*\b[^.;]{0,80}?(?:\bat no (?:extra |additional )?"
    r"(?:charge|cost)|\bfree of charge|\bfor free|\bsin (?:costo|cargo)|\bgratis\b|\bkostenlos|\bohne aufpreis|"
    r"\bsans frais|\bgratuit)",
    # a price cut we grant: "a 20% discount on the add-on seats", "15 % Rabatt", "une remise de 10 %"
    r"^(?![^.;]*\b(?:ask|want|request|push|demand|verlang|fordert|pide|pidi|exig|demand)\w*)[^.;]*(?:\d+\s?%[^.;]{0,40}"
    r"\b(?:discount|off|rabatt|nachlass|descuento|remise)\b|\b(?:discount|rabatt|nachlass|descuento|remise)\b"
    r"[^.;]{0,20}\d+\s?%)",
    rf"\b(?:offer|inclu|add|giv|extend|waiv|comp|regal|schenk|offr|loan|lend)\w*\b[^.;]{{0,80}}?{_FREE}",
)
# A promise whose object points back to the sentence before: "My team will have that done by the 3rd",
# "I told her the first one would be mid-October"
REFERS_BACK = re.compile(
    r"\b(?:that|it|this|them|those) (?:done|sorted|finished|ready|over|out|set up|back|sent)\b|"
    r"\b(?:the first one|that one|the next one|the last one)\b",
    re.IGNORECASE,
)


EVENT = re.compile(r"\b(?:starts?|begins?|freeze|kick-?off|go-?live|signed|ends?)\b", re.IGNORECASE)


def _names(words: str, names: set[str]) -> bool:
    folded = fold(words)
    return any(re.search(rf"\b{re.escape(n)}\b", folded) for n in names if n)


def table_owner(text: str, ours: set[str], customers: set[str]) -> Owner | None:
    """Whose step a dated row of a plan is: "Lumen Data | Sandbox loaded | 3/14" is ours, "Acme IT | SSO app | 3/20"
    the customer's; a shared row ("Both", "Joint") or one with no owner cell or date is nobody's promise."""
    cells = [c.strip() for c in text.split("|") if c.strip()]
    if len(cells) < 3 or not any(names_due(c) for c in cells):
        return None
    for cell in cells:
        if len(cell.split()) > 4 or names_due(cell):
            continue
        if _names(cell, ours):
            return "us"
        if _names(cell, customers):
            # theirs to do, not a date that comes ("Pilot starts", "Code freeze begins", "Order form signed")
            return None if EVENT.search(text) else "customer"  # a date that comes ("Pilot starts") is no deed
    return None


# a line that says something of its own (a second sentence, a verb of being) rather than naming a deliverable
_SAYS = re.compile(
    r"[.!?]\s+\S|\b(?:is|are|was|were|isn't|aren't|has|had|ist|sind|war|es|son|era|est|sont|était)\b|\w+s (?:his|her|their|our|the)\b",
    re.IGNORECASE,
)


def label_owner(text: str, ours: set[str], customers: set[str], people: frozenset[str] = frozenset()) -> Owner | None:
    """Whose step a plan line led by its owner is, "Acme Data: staging workspace by 4/20" or "Vik: sign-off on the
    list by 5/2": the owner's label then a dated deliverable, read as a row of a plan. One of our ``people`` (first
    names) with a task is ours dated or not: "Hannah: one-page ROI summary for the board packet"."""
    found = re.match(r"^\W*([^:|]{2,30}?):\s+(\S.*)$", text)
    if found is None or len(found[1].split()) > 4 or _SAYS.search(found[2]):
        return None  # "Tobias: the rollout eats his team. Gabe is the only one" is a remark about them, no step
    if fold(found[1]).strip() in _ME and names_due(found[2]):
        return "us"  # the rep's own to-do: "me: demo with their data by 31 Mar"
    person = fold(found[1]).split(" ")[0] in people and len(found[1].split()) <= 2
    if person and not PAST_DEED.match(found[2]) and not names_due(found[2]):
        return "us"  # one of ours with a task, dated or not: "Hannah: one-page ROI summary for the board packet"
    return table_owner(f"{found[1]} | {found[2]} | {found[2]}", ours, customers) if names_due(found[2]) else None


# a line that reports what was done, not a task: "Julia: walked them through the demo", "Hannah: sent the deck"
PAST_DEED = re.compile(r"\W*(?:[\w-]+ed|sent|met|ran|gave|took|did|said|told|built|shown|showed|was|were|had)\b", re.I)
_ME = {"me", "i", "myself", "us", "we", "ich", "wir", "moi", "nous", "yo", "nosotros", "mí", "mi"}


def split_promises(text: str) -> list[str]:
    """ "We'll map the feed by April 17 and record the videos by May 8" -> two promises, each with its date.

    The sentence is cut at "and"/"und"/"et"/"y"; a piece without a date of its own belongs with the next dated
    one (or, at the end, with the one before), and it is two promises only when two pieces are dated.
    """
    cuts = list(SPLIT.finditer(text))
    if not cuts:
        return [text]
    starts = [0, *(m.end() for m in cuts)]
    ends = [*(m.start() for m in cuts), len(text)]
    out: list[tuple[int, int]] = []
    begin: int | None = None
    for start, end in zip(starts, ends, strict=True):
        begin = start if begin is None else begin
        if names_due(text[start:end]):
            out.append((begin, end))
            begin = None
    if begin is not None and out:
        out[-1] = (out[-1][0], len(text))
    return [text[a:b].strip(" ,") for a, b in out] if len(out) > 1 else [text]


def first_names(names: set[str]) -> set[str]:
    return {fold(n).split(" ")[0] for n in names if n and len(fold(n).split(" ")[0]) > 1}


__all__ = [
    "FREE",
    "GIFT",
    "PRICE_HELD",
    "REFERS_BACK",
    "CONTRACT_TERM",
    "FOREIGN_WORD",
    "IN_WRITING",
    "TERMS",
    "binds_us",
    "contract_term",
    "deed_owner",
    "first_names",
    "label_owner",
    "price_held",
    "promise_owner",
    "split_promises",
    "table_owner",
]
