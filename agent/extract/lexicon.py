"""Cue phrases the offline extractor classifies sentences with: sections, promises, competitors, junk.

What it is for: the regular expressions and word lists that say "this sentence is a
pain point", "this is our promise", "this is a competitor", "this is a
disclaimer" (an injected instruction: injection.py), and the rep's everyday words for how a
person stands (``REP_WARM`` … ``REP_HOSTILE``: the reply and the notes above a forward). General phrasing only, never text from one
customer's mail. Not for: the logic that applies them (classify.py, offline.py), or
the title-to-role cues (people.py).
"""

from __future__ import annotations

import re


def rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(parts), re.IGNORECASE)


# BI / analytics / data vendors a prospect may compare us with; settings add more.
COMPETITORS: tuple[str, ...] = (
    "Power BI", "Tableau", "Looker Studio", "Looker", "Qlik Sense", "Qlik", "Domo", "Sigma Computing", "Sigma",
    "ThoughtSpot", "Metabase", "Mode Analytics", "Sisense", "MicroStrategy", "Strategy One", "Cognos",
    "SAP BusinessObjects", "BusinessObjects", "Oracle Analytics", "Spotfire", "Hex", "Superset", "Preset",
    "Redash", "Periscope", "Chartio", "Yellowfin", "GoodData", "Pyramid Analytics", "Zoho Analytics",
    "Amazon QuickSight", "QuickSight", "Alteryx", "SAS Visual Analytics", "SAS", "Holistics", "Lightdash",
    "Omni Analytics", "Klipfolio", "Databox", "Geckoboard",
)  # fmt: skip
# Names that are also ordinary words or tools people simply use: only counted next to a comparison cue.
WEAK_COMPETITORS = frozenset({"hex", "mode analytics", "sigma", "sas", "preset", "omni analytics"})
# A vendor's name that is an everyday word in one of our languages counts only written as a name, and never in the
# word's own phrases: French "un tableau de bord", "le tableau des ventes" are dashboards and tables, not Tableau
WORD_NAMES = frozenset({"tableau"})
NOT_THE_NAME = re.compile(r"\s+(?:de\s+bord|d[eu]s?\b|d'|croisé|comparatif|récapitulatif|excel\b)", re.IGNORECASE)
COMPARISON = rx(
    r"\b(?:also|we)\s+(?:looked at|evaluated|considered|trialed|talked to|demoed)\b",
    r"\bcompared? (?:to|with)\b",
    r"\bversus\b|\bvs\.?\b",
    r"\bshortlist",
    r"\bincumbent\b",
    r"\bcheaper\b",
    r"\bpric(?:e|ed|ing)\b",
    r"\bdropped\b",
    r"\binstead of\b",
    r"\balready (?:own|pay|have|use|license)",
    r"\bwhy wouldn't we\b",
    r"\brenew",
    r"\bcompetit",
    r"\balternative",
    r"\bbake-?off\b",
    r"\bper[- ](?:seat|user)\b",
    r"\blost\b",
    r"\bbeat\b",
    r"\bwent with\b",
    r"\bpartner\b",
    r"\bmigrat",
)
NOT_COMPANY = frozenset(
    [
        "we",
        "i",
        "they",
        "it",
        "the",
        "our",
        "this",
        "that",
        "you",
        "he",
        "she",
        "their",
        "its",
        "a",
        "an",
        "last",
        "next",
        "in-house",
        "inhouse",
        "building",
        "options",
        "vendors",
        "tools",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "q1",
        "q2",
        "q3",
        "q4",
        "year",
        "quarter",
        "month",
        "week",
        "final",
        "revised",
        "updated",
        "draft",
        "new",
        "signed",
        "full",
        "short",
        "quick",
        "first",
        "second",
        "our",
        "my",
        "his",
        "her",
        "ceo",
        "cfo",
        "cio",
        "cto",
        "it",
        "ops",
        "sso",
        "api",
        "sql",
        "excel",
        "we've",
        "they've",
        "also",
        "one",
        "two",
        "three",
    ]
)

COMMITMENT = rx(
    r"\bi'll\b",
    r"\bi will\b",
    r"\bwe'll\b",
    r"\bwe will\b",
    r"\bwe commit",
    r"\bcommits? to\b",
    r"\bpromised?\b",
    r"\bwe guarantee\b",
    r"\bwill be (?:assigned|delivered|ready|configured|live|provided|sent)\b",
    r"\bwe owe\b",
    r"\bwe can have\b",
    r"\b(?:i|we) (?:am|are) going to\b",
    r"\blet me\b",
    r"\b(?:i|we) (?:also |already )?(?:committed|agreed|signed up) to\b",
    r"^\s*(?:[A-Z][a-z]+ )?to (?:send|deliver|provide|share|"
    r"schedule|set up|run|draft|get)\b",
    # our mail confirming the deal's terms, and what our own people do for them
    r"\b(?:confirming|to confirm|just confirming) (?:what we agreed|our agreement|the plan)\b",
    r"\bour (?:team|engineers|consultants|people|services team) (?:will )?(?:build|configure|connect|run|handle|set up|"
    r"deliver|take care of|migrate|install)s?\b[^.;]{0,80}\b(?:ourselves|for (?:you|them))\b",
)
COMMIT_ACTION = rx(
    r"\bsend",
    r"\bdeliver",
    r"\bprovide",
    r"\bshare",
    r"\bschedule",
    r"\bset (?:that )?up\b",
    r"\bget\b",
    r"\bhave\b",
    r"\bdo\b",
    r"\brun\b",
    r"\bassign",
    r"\bmake sure\b",
    r"\bconfigur",
    r"\bwrite",
    r"\bdraft",
    r"\bbuild",
    r"\bbring",
    r"\bhost",
    r"\btrain",
    r"\bcredit",
    r"\bmove",
    r"\bstand up\b",
    r"\bproduction",
    r"\blive\b",
    r"\bpurged?\b",
    r"\bintroduc",
    r"\bfollow up\b",
    r"\bwalk\b",
    r"\bjoin\b",
    r"\bcover\b",
    r"\binclude",
    r"\bready\b",
    r"\bfinish",
    r"\bcomplete",
)
# Our side telling the customer what they will receive from us: "You'll have our redlines back by Wednesday".
YOU_WILL_RECEIVE = rx(r"\byou(?:'ll| will) (?:have|get|receive|see) (?:our|the|a|an|your)\b")
# ... and what becomes theirs: "you'll have it before go-live", "the summary is yours within 10 days", "tendrás"
YOURS = rx(
    r"\byou(?:'ll| will) (?:have|get|receive) (?:it|them|that|those|this)\b",
    r"\b(?:is|are) yours\b",
    r"^\W*expect\b[^.;]{1,80}\bfrom (?:me|us|our)\b",
    r"^\W*count on\b",
    r"\b(?:tendr|recibir)(?:ás|án|á usted)\b",
    r"\bvous (?:aurez|recevrez)\b",
    r"\b(?:sie|du) (?:bekommen|erhalten|bekommst|erhältst)\b",
    r"\b(?:bekommen|erhalten) sie\b[^.;]{0,60}\bvon (?:mir|uns)\b",
)
# Meeting housekeeping is not a commitment a CSM inherits: sending the recording, the deck or a recap,
# introducing the CSM, following up. (The substance promised inside a recap is read where it is written.)
HOUSEKEEPING = rx(
    r"\b(?:send|share|circulate|forward|pass)\b(?:\s+\w+){0,2}?\s+(?:the |a |our |my )?(?:call |meeting )?"
    r"(?:recording|recap|summary|notes|slides|deck|invite|minutes)"
    r"(?:\s+(?:around|over|out|today|tonight|tomorrow|later|shortly|after\b.*|to (?:everyone|all|you)))*\s*[.!]?\s*$",
    r"\bintroduce (?:you to )?(?:your|the|our) (?:new )?(?:customer success|csm)\b",
    r"\b(?:follow up|get back to you|be in touch|circle back)\s*(?:soon|shortly|next week|later)?\s*[.!]?\s*$",
)
NOT_COMMITMENT = rx(
    r"\bi'll (?:be honest|admit|say|let you know if)\b",
    r"\bwe'll see\b",
    r"\bif you\b.{0,20}\bwe'll\b",
    r"\bwe'll show it live\b",
    r"^\s*(?:happy|glad) to\b",
    r"\blet (?:me|us) know\b",
    r"\bwould you\b",
    r"\?\s*$",
)
# Another vendor's word, not ours: "Tableau promised us a free migration", "Qlik hatte uns … versprochen", "Power BI
# nous avait promis une remise", "Tableau nos prometió la migración"
RIVAL_PROMISE = re.compile(
    r"\b(?:" + "|".join(re.escape(n) for n in sorted(COMPETITORS, key=len, reverse=True)) + r")\b(?:'s (?:team|rep))?"
    r"[^.;]{0,20}?\b(?:promised|offered|said (?:they|it) would|committed|versprochen|zugesagt|angeboten|versprach|"
    r"(?:avait|a|ont|avaient) promis|promettait|nos prometi[óo]|prometi[óo]|ofreci[óo]|hatte[n]? uns)",
    re.IGNORECASE,
)
# What we put in writing, in the four languages: a proposal, an order form, the contract and its final terms
FORMAL_DOC = rx(r"\bproposal\b", r"\border form\b", r"\bmutual action plan\b", r"\bMAP\b", r"\bstatement of work\b",
                 r"\bSOW\b", r"\bmsa\b", r"\bcontract\b", r"\bquote\b", r"\bfinal terms\b", r"\bterm sheet\b",
                 r"\bangebot\b", r"\bvertrag\b", r"\bauftrag\b", r"\bbestellformular\b", r"\bproposition\b",
                 r"\boffre\b", r"\bcontrat\b", r"\bbon de commande\b", r"\bdevis\b", r"\bpropuesta\b",
                 r"\bcontrato\b", r"\bcotizaci[oó]n\b", r"\borden de (?:compra|pedido)\b")  # fmt: skip

SIGNED = rx(
    r"\b(?:signed|executed|countersigned)\b(?:\s+(?:the|our|in|it|via|on|today|this|a few))",
    r"\b(?:has|have|was|were|is|got|it's|it is)\s+(?:been\s+)?(?:fully\s+)?(?:signed|executed|countersigned)\b",
    r"\bsigned (?:in|via|through) docusign\b",
    r"^\s*signed\b",
    r"\bclosed!",
)
SIGNED_NOW = rx(
    r"\btoday\b",
    r"\bthis (?:morning|afternoon|evening)\b",
    r"\bminutes ago\b",
    r"\bjust now\b",
    r"\bjust\b",
    r"\border form\b",
    r"\bdocusign\b",
    r"\bcontract\b",
    r"\bcountersigned copy\b",
    r"\battached\b",
    r"^\s*signed\b",
    r"\bclosed\b",
    r"\byesterday\b",
)
NOT_SIGNED = rx(r"\bmany times\b", r"\bin the past\b", r"\bpreviously\b", r"\buntil\b", r"\bonce\b", r"\bbefore\b.{0,20}\bsign", r"\bwill\b", r"\bexpects?\b", r"\bif\b",
                 r"\bwhen\b", r"\bready to\b", r"\bcan sign\b", r"\bto be signed\b", r"\bnot (?:yet )?signed\b",
                 r"\bsigning off\b", r"\bsign off\b")  # fmt: skip

# A secret written out, in the four languages: a password, PIN, access code or key with its value ("mot de passe
# Iroise#2026", "la contraseña provisoria del portal es Ente2026!prov", "PIN 4471", "user lumen / pw Kx7!aa92", an
# API key's own shape, an IBAN). Not the word alone: "40 password-reset tickets a month" is a pain point and "we send
# the SFTP credentials by Friday" a promise.
_SECRET_WORD = (
    r"(?:passwor[dt]s?|passcodes?|pw|pwd|kennwort|mot de passe|mdp|contrase[ñn]as?|clave|(?:api|write|read|access|"
    r"secret|private|licen[cs]e)[- ]?keys?|api-schl[üu]ssel|schl[üu]ssel|cl[ée] d'api|cl[ée] api|jeton|llave|tokens?|"
    r"secret)"
)
# a code of digits: a PIN, a door or gate code, a one-time or verification code, bank details
_CODE_WORD = (
    r"(?:pin|pin-code|codes?|code d'acc[eè]s|zugangscode|einmalcode|c[oó]digos?|one-time code|otp|sort code|"
    r"account (?:number|no)|kontonummer|num[ée]ro de compte|n[uú]mero de cuenta|routing number)"
)
# a token with a digit and a letter or a sign and no spaces; digits, grouped or not, after a code's name
_SECRET_VALUE = r"(?=[^\s,;]*\d)(?=[^\s,;]*[^\W\d_]|[^\s,;]*[!#$%&*@^~+=?])[^\s,;]{5,}"
_DIGITS = r"\d{2,4}(?:[ -]\d{2,4}){1,3}\b|(?!20[2-3]\d\b)\d{4,8}\b"
# the words between the secret's name and its value: "the code for the gate is", "un jeton, c'est", "der lautet"
_LINK = (
    r"(?:[\s,:.…]+[\w'-]+){0,8}?[\s,:.…]+(?:is|are|es|est|ist|lautet|c'est|sería|será|wäre|was|war|era)"
    # ... or a few words naming what it opens, then a colon: "Admin-PIN für die Testumgebung: 4471-GX", "code de la
    # porte du local serveur : 4482#"
    r"|(?:[\s-]+[\w'-]+){1,6}?(?=\s*[:=])"
)
# bank details: an account's name (its bank's name may stand between) and a number of eight digits or more, grouped
# or not: "cuenta corriente Banco del Sur N° 00-418-22937-06", "CBU 2850590940090418135201", "compte courant 30004 …"
_BANK_WORD = (
    r"(?:bank account|current account|checking account|account (?:number|no)|bankverbindung|girokonto|bankkonto|"
    r"konto(?:nummer|-?nr\.?)?|compte (?:courant|bancaire|de d[ée]p[ôo]t)|rib|cuenta (?:corriente|bancaria|de ahorros?|"
    r"vista|monetaria)|caja de ahorros?|cbu|cvu|clabe|n[uú]mero de cuenta|num[ée]ro de compte|routing number|bsb)"
)
_ACCOUNT_NUMBER = r"(?=(?:[ .-]?\d){8})\d[\d .-]*\d"
# a key's own shape with no name before it: a long token mixing lower case, capitals and digits, not in an address
# ("mmc_ro_poc_K7xq29LpTz4W81vN")
_BARE_KEY = (
    r"(?<![\w/.@=-])(?-i:(?=[\w-]{16,}(?![\w/@-]|\.\w))(?=(?:[\w-]*?[a-z]){3})(?=(?:[\w-]*?[A-Z]){3})"
    r"(?=(?:[\w-]*?\d){3})[\w-]+)(?![\w/@-]|\.\w)"
)  # a full stop after it ends the sentence ("… the payloads: tp_live_8f3K29xQa7LmZ0vR4c."); one inside, an address
SECRET = (
    rf"\b{_SECRET_WORD}\b(?:{_LINK})?\s*[:=]?\s*[«\"'“]?{_SECRET_VALUE}"
    rf"|\b{_CODE_WORD}\b(?:{_LINK})?\s*[:=]?\s*[«\"'“]?(?:{_SECRET_VALUE}|{_DIGITS})"
    r"|\b(?:user(?:name)?|login|benutzer(?:name)?|utilisateur|identifiant|usuario|user id)\s*[:=]?\s*\S+\s*/\s*"
    r"(?:pw|pwd|pass(?:word)?|passwort|kennwort|mdp|mot de passe|contrase[ñn]a|clave)\b"
    r"|\b(?:sk|pk|rk)_(?:live|test)_\w{6,}|\bgh[pousr]_\w{20,}|\bAKIA[0-9A-Z]{16}\b|\bbearer\s+[\w.~+/-]{20,}"
    r"|(?-i:\b[A-Z]{2}\d{2}\s?[A-Z0-9]{4}(?:\s?\d{4}){2,6}(?:\s?[A-Z0-9]{1,4})?\b)"  # an IBAN
    # an access and its "user / password" pair: "VPN-Testzugang lumen-test / Grench3n!2026", "the guest wifi is
    # KVD-Guest / Milk$hed2026", "the sandbox login is lumen_eval / Kp4#tomato-88"
    r"|\b(?:login|zugang|testzugang|zugangsdaten|wi-?fi|wlan|vpn|access|acceso|accès|sandbox|credentials?|identifiants?)"
    r"\b[^.\n]{0,50}?\s[\w.@-]+\s*/\s*(?=\S*\d)\S{6,}"
    # a key or a code with its value: "la API key de pruebas de FusionSolar: fs-live-7Hq2LmX9pR", "code d'accès VPN
    # temporaire : 7741-2290-VD"
    r"|\b(?:api[- ]?key|api[- ]?token|clé api|clave api|api-schlüssel)\b[^.\n]{0,40}?[:=]\s*[«\"'“]?(?=[\w-]*\d)[\w-]{10,}"
    r"|\b(?:code d'accès|zugangscode|c[óo]digo de acceso|access code)\b[^.\n]{0,30}?[:=]\s*[\w-]*\d[\w-]*"
    # an invitation into a group chat: whoever holds the link is in
    r"|\b(?:chat\.whatsapp\.com|t\.me|join\.slack\.com|discord\.gg)/\S+"
    rf"|\b{_BANK_WORD}\b(?:[\s,:.…]+[\w'°º.-]+){{0,6}}?[\s,:=#]*(?:n[°º]|nr\.?|no\.?|es|is|ist|est)?[\s:.#]*"
    rf"{_ACCOUNT_NUMBER}"
    # a key or a secret named as a setting ("odoo_api_key=8f3a9c71e2d04b6f", "DB_PASSWORD: …"), a key named with a few
    # words before it ("clé API de test ibr-test-7f3K9qLm22Xa"), or alone
    r"|\b\w*(?:api_?key|token|secret|passw(?:or)?d|pwd)\w*\s*[:=]\s*[«\"'“]?\S{6,}"
    rf"|\b(?:{_SECRET_WORD}|(?:sandbox|test|dev|admin|master) keys?|cl[ée]s?)\b(?:[\s:]+[\w'-]+){{0,4}}?[\s:]+{_BARE_KEY}"
    rf"|{_BARE_KEY}"
)

# Private life beside the business, whoever it is told to: family news ("meine Tochter hat Windpocken", "my
# daughter's wedding in Tulsa", "mi mujer sale de cuentas"), a family event one is away for ("auf einer Hochzeit"),
# one's own health ("out October 19 to 30 for my knee replacement"). Part of JUNK; classify.place checks it alone
# as well, for sentences that did not come through the unit cutter (JUNK is costly to run twice).
PRIVATE_LIFE = "|".join((
    r"\b(?:my|meine?[mnrs]?|ma|mon|mes|mi|mis)\s+(?:daughter|son|kids?|children|wife|husband|partner|grand(?:daughter|son|kids?"
    r"|children)|mother|father|mum|mom|dad|tochter|sohn|kinder?|frau|mann|enkel\w*|mutter|vater|fille|fils|enfants?|femme|"
    r"mari|petite?-(?:fille|fils)|mère|père|hij[oa]s?|mujer|marido|espos[oa]|niet[oa]s?|madre|padre)(?:'s)?\b[^.!?]{0,60}?\b"
    r"(?:sick|ill|flu|covid|chicken ?pox|wedding|birthday|born|due|surgery|hospital|funeral|graduation|krank|windpocken|"
    r"grippe|hochzeit|geburtstag|geboren|operation|krankenhaus|beerdigung|malade|varicelle|mariage|anniversaire|naissance|"
    r"opération|hôpital|enterrement|enferm[oa]|varicela|boda|cumpleaños|cirugía|hospital|sale de cuentas|nac(?:e|ió)|"
    r"operaci[óo]n|funeral|cumpl\w* [\w\s]{0,15}años|tournament|turnier|tournoi|torneo|recital|play-?offs?|school play|"
    # the end of a life: "my dad's in the hospice", "mein Vater ist im Hospiz", "mi padre está en cuidados paliativos"
    r"hospice|hospiz|soins palliatifs|cuidados paliativos|palliativ\w*|"
    # a birth on the way: "ma femme doit accoucher début novembre", "my wife is pregnant", "meine Frau ist schwanger"
    r"accouch\w*|give birth|giving birth|pregnan\w*|enceinte|schwanger\w*|entbind\w*|embarazada|dar a luz|da a luz)",
    r"\b(?:at|auf|à|en)\s+(?:a|my|einer|meiner|un|mon|una|mi)\s+(?:wedding|hochzeit|mariage|boda|funeral|beerdigung|"
    r"enterrement|bautizo|baptême|taufe)\b",
    r"\b(?:my|meine[rn]?|mon|ma|mi)\s+(?:\w+\s+)?(?:surgery|replacement|operation|chemo\w*|treatment|op|opération|"
    r"operación|cirugía)\b",
    # ... a family member's treatment: "my wife starts chemo on Tuesday", "ma mère commence sa chimio"
    # one's own operation as the reason for an absence, or someone recovering from theirs: "I'm off next month for back
    # surgery", "he is still recovering from his bypass surgery", "je serai absent pour une opération du genou"
    r"\b(?:i'?m|i am|i'?ll be|i will be)\s+(?:off|out|away|absent)\b[^.!?]{0,40}?\b(?:for|because of|due to)\s+(?:a |an |my )?"
    r"(?:\w+\s+){0,2}(?:surgery|operation|op)\b",
    r"\brecover(?:ing|s)? from (?:his|her|their|my|a|an) (?:\w+\s+){0,2}(?:surgery|operation|op|heart attack|stroke)\b",
    r"(?:\b(?-i:[A-ZÀ-Ý][a-zà-ÿ]+)|\bshe|\belle|\bsie|\bella)(?:\s+(?:is|est|ist|está)|'s)\s+(?:\w+\s+)?(?:pregnant|enceinte|"
    r"schwanger|embarazada)\b",
    r"\b(?:je serai|je suis|serai)\s+absente?\b[^.!?]{0,40}?\bpour (?:une|mon|ma) (?:\w+\s+){0,2}(?:opération|intervention|chirurgie)\b",
    r"\b(?:bin|bin ich|werde ich)\b[^.!?]{0,40}?\bwegen (?:einer|meiner) (?:\w+\s+){0,2}(?:op|operation)\b",
    r"\b(?:estaré|estoy)\s+(?:fuera|ausente|de baja)\b[^.!?]{0,40}?\bpor (?:una|mi) (?:\w+\s+){0,2}(?:operación|cirugía)\b",
    # someone away for an operation, in Latin American Spanish: "está incapacitado dos semanas por una operación"
    r"\bincapacitad[oa]s?\b[^.!?]{0,40}?\bpor (?:una|su) (?:\w+\s+){0,2}(?:operación|cirugía)\b",
    r"\b(?:my|meine?[mnrs]?|ma|mon|mi)\s+(?:wife|husband|partner|mother|father|mum|mom|dad|son|daughter|frau|mann|mutter|"
    r"vater|sohn|tochter|femme|mari|mère|père|fils|fille|mujer|marido|espos[oa]|madre|padre|hij[oa])\b[^.!?]{0,40}?"
    r"\b(?:chemo\w*|chimio\w*|quimio\w*|radiation|bestrahlung|radioth[ée]rapie|radioterapia|dialys\w*|diálisis)",
))  # fmt: skip
# A colleague's health and employment troubles, told about someone else: sick leave and what it is for ("está de
# baja por depresión", "krankgeschrieben", "en arrêt maladie", "on stress leave"), a warning or a performance plan,
# looking for another job, a divorce, a quarrel with the writer. Never a CSM's business, even when true.
PRIVATE_MATTERS = "|".join((
    r"\b(?:on|off on|signed off on) (?:sick|medical|stress|mental health) leave\b|\bsigned off sick\b|\boff sick\b",
    r"\bkrankgeschrieben\b|\b(?:im|in) krankenstand\b|\bin (?:der )?reha\b",
    r"\ben (?:arr[êe]t|cong[ée]) (?:maladie|de travail|longue maladie|pour (?:burn-?out|d[ée]pression|[ée]puisement))\b|"
    r"\ben burn-?out\b|\b(?:un|d'un|son|en) burn-?out\b|\b(?:is|was) (?:off|out) with burn-?out\b",
    r"\b(?:est[áa]n?|estoy|sigue|siguen|lleva|anda) (?:\w+ )?de baja\b|\bbaja (?:m[ée]dica|por (?:depresi[óo]n|enfermedad|"
    r"ansiedad|estr[ée]s))\b|\b(?:con|en) descanso m[ée]dico\b|\b(?:con|de) licencia m[ée]dica\b|\bincapacidad (?:m[ée]dica|laboral)\b",
    r"\bdepress(?:ion|ed)\b|\bdepressionen?\b|\bdepressiv\w*\b|\bd[ée]pression\b|\bd[ée]prim[ée]e?\b|\bdepresi[óo]n\b|"
    r"\bdeprimid[oa]\b|\bnervous breakdown\b|\bnervenzusammenbruch\b",
    r"\b(?:final|first|second|last) written warning\b|\b(?:on|put on) (?:a |his |her )?(?:performance (?:improvement )?plan|"
    r"PIP)\b|\babmahnung\b|\bavertissement (?:écrit|disciplinaire)\b|\bmise à pied\b|\bamonestaci[óo]n\b|"
    r"\bdisciplinary (?:action|hearing|procedure)\b|\bdisziplinar\w*\b|\bprocédure disciplinaire\b|\bexpediente disciplinario\b|"
    # someone dismissed, told as what happened to them: "licencié pour faute grave", "lo despedimos", "fired for"
    r"\blicenci[ée]e?s? pour (?:faute|insuffisance)\b|\b(?:fired|dismissed|sacked|let go) for\b|"
    r"\bfristlos (?:entlassen|gekündigt)\b|\b(?:lo|la|los|las) despedimos\b|\bdespedid[oa]s? por\b",
    r"\b(?:looking|interviewing|applying) for (?:a |another |a new )?(?:job|position)s?\b(?![\s-]*(?:sched|queue|runs?))|"
    r"\b(?:has|have|had|just|she|he|i) applied for (?:a |another |a new )?(?:job|position|role)(?![\w-])|"
    r"\binterviewing (?:elsewhere|with (?:a |another )?(?:competitor|rival))\b|\bbuscando (?:otro )?(?:trabajo|empleo|curro)\b|"
    r"\b(?:estoy|está|ando) en (?:entrevistas|procesos de selecci[óo]n) (?:con|en) otra\b|"
    r"\b(?:en|passe des) entretiens (?:d'embauche )?(?:avec|chez) (?:une )?autre\b|\bbewerbungsgespr[äa]ch\w*\b|"
    r"\bcherche (?:un autre |un nouveau |du )?(?:emploi|travail|boulot|poste)\b|\bsucht (?:einen |eine )?(?:neuen? |andere )?"
    r"(?:job|stelle|arbeit)\b|\bbewirbt sich (?:woanders|bei der konkurrenz)\b",
    r"\b(?:his|her|seine[rm]?|ihre[rm]?|son|sa|su) (?:divorce|scheidung|divorcio|séparation|separaci[óo]n)\b",
    # two people's relationship: "Arnaud et Léa sont en couple", "they're dating", "sind ein Paar", "son pareja"
    r"\b(?:are|'re) (?:a couple|dating|seeing each other)\b(?! of)|\bsont en couple\b|\bsind (?:seit \w+ )?ein (?-i:Paar)(?=\s*(?:[.,;!]|$|und\b|seit\b))|"
    r"\bson pareja\b|\bandan juntos\b|\bsalen juntos\b",
    r"\b(?:in conflict|at odds|feuding) with me\b|\bim streit mit mir\b|\ben conflit avec moi\b|\ben conflicto conmigo\b|"
    r"\bpeleado conmigo\b",
))  # fmt: skip
# A confidence about someone, marked as one: "Between us, …", "entre nous : …", "unter uns gesagt", "entre nosotros,
# …", "no le digas nada", "not for anything written". An aside with its punctuation: "the gap between us and X" is none.
ASIDE = "|".join((
    r"\bbetween (?:us|you and me|ourselves)\s*[,:;–-]|\bnot for anything (?:written|in writing)\b|\bdon'?t tell (?:him|her|them|anyone)\b",
    r"\bunter uns(?: gesagt)?\s*[,:;–-]|\bunter uns gesagt\b|\bsag(?:en sie)? (?:ihm|ihr|es) (?:bloß |bitte )?nicht\b",
    r"\bentre nous\s*[,:;–-]|\bentre vous et moi\b|\bne (?:lui|leur) (?:dites|dis) rien\b",
    r"\bentre nosotros\s*[,:;–-]|\baqu[íi] entre nos\b|\bentre nos\s*[,:;–-]|\bno (?:le|les) (?:digas|diga|digan) nada\b|"
    r"\bno lo (?:comentes|comente|comenten|cuentes|cuente|cuenten) con\b",
    # discretion asked for: "le pido discreción", "I'd ask for discretion", "ich bitte um Diskretion"
    r"\b(?:le|les|te|os) pido (?:discreci[óo]n|reserva)\b|\bask (?:you )?for (?:your )?discretion\b|"
    r"\bbitte um diskretion\b|\bdemande (?:de la |votre )?discr[ée]tion\b",
    # our own side's word that a thing stays in the house: "Internal, please keep it that way", "keep that internal"
    r"\bkeep (?:this|it|that)(?: strictly)? internal\b|^internal\s*[,:;–-]|"
    r"\bkeep (?:it|this|that) out of (?:anything|everything|the handoff|the document|what)\b",
    # the writer marks it as not to be passed on: "Private, do not share:", "for our side only", "off the record",
    # "vertraulich, bitte nicht weitergeben", "à ne pas diffuser", "que quede entre nosotros"
    r"^(?:private|confidential|vertraulich|privat|confidentiel|priv[ée]|confidencial|privado)\s*[,:;–-]",
    r"\b(?:do not|don'?t|not to be) (?:share|shared|repeat|repeated|forward|pass(?:ed)? on|spread)(?: (?:this|it|that))?"
    r"(?=\s*(?:[.,:;!)–-]|$|with anyone|outside (?:this|the|our) (?:team|room|group)))",
    r"\bfor (?:our|your) (?:side|eyes) only\b|\boff the record\b|\bdon'?t let (?:it|this|that) leak\b",
    # not for what we write down: "Not for the file:", "not for the CSM doc", "nicht für die Akte", "pas pour le dossier"
    r"\bnot for the (?:file|record|doc|document|handoff|notes|csm(?: doc)?)\b|\bnicht (?:für|in) die (?:akte|doku|übergabe)\b|"
    r"\bpas pour le (?:dossier|document|compte rendu)\b|\bno (?:es )?para el (?:expediente|documento|informe)\b",
    r"\bfor us internally\b|\bkeep (?:this|it|that) (?:to yourself|between us|quiet|under wraps)\b",
    r"\bnicht weiter(?:geben|sagen|erzählen|leiten)\b|\bnur für (?:dich|sie|euch|uns)\b",
    # asked not to raise it: "Don't bring it up", "n'en parlez pas", "no lo menciones", "bitte nicht ansprechen"
    r"\b(?:do not|don'?t|never) (?:bring (?:it|this|that) up|mention (?:it|this|that))\b|\bn'en (?:parlez|parle) pas\b|"
    r"\bne (?:le |la )?mentionnez pas\b|\bno (?:lo |la )?(?:menciones|mencione|mencionen|saques|saque)\b|"
    r"\b(?:bitte )?nicht ansprechen\b|\bsprich (?:es|das) nicht an\b",
    r"\b(?:ne (?:le |la |les )?(?:répétez|répète|diffusez|diffuse) pas|à ne pas (?:diffuser|partager|répéter))\b",
    r"\b(?:que (?:quede|esto quede) entre nosotros|no lo (?:compartas|comparta|difundas|difunda|repitas))\b",
))  # fmt: skip
PRIVATE = rx(PRIVATE_LIFE, PRIVATE_MATTERS, ASIDE)
# the private matter alone (the unit cutter cuts its clause off a sentence that goes on with business) and the aside
# (which keeps the whole remark out)
PRIVATE_TOLD = rx(PRIVATE_LIFE, PRIVATE_MATTERS)
IN_CONFIDENCE = rx(ASIDE)
# A call to action addressed to the public, from a newsletter, a signature banner or an event mail forwarded along:
# "Register now for the … Summit -- early bird pricing ends Friday!", "suscríbase gratis para recibir …", "trae a un
# amigo y llévate un mes gratis", "Jetzt anmelden", "Inscrivez-vous". Imperatives only: "members get 10 % off" said
# of their own business is a fact about it.
PROMO = (
    r"\b(?:register|sign up|subscribe|enrol|book your (?:seat|place|spot|tickets?))(?: now| today| here| free| for free)\b|"
    r"\bearly[- ]bird (?:pricing|price|rate|tickets?|discount)\b|\b(?:this|one) week only\b|\blimited[- ]time offer\b|"
    r"\bdon'?t miss (?:out|our|the|this)\b|(?:^|[!:.–-]\s*)(?:get|save|enjoy) (?:up to )?\d+ ?% off\b|\b(?:refer|bring) a friend\b|"
    r"\bclick here\b|\bfollow us on\b|"
    r"\bjetzt (?:anmelden|registrieren|abonnieren|buchen|sichern|vorbestellen|bestellen|kaufen|entdecken)\b|\b\d+ ?% sparen\b|\bkostenlos (?:abonnieren|anmelden|registrieren)\b|"
    r"\bfrühbucher\w*\b|\bnur (?:diese|noch diese) woche\b|\bverpassen sie nicht\b|\bfreunde werben\b|\bhier klicken\b|"
    r"\binscrivez-vous\b|\babonnez-vous\b|\bne manquez pas\b|\bparrainez\b|\bcliquez ici\b|\boffre (?:spéciale|limitée)\b|"
    r"\bsuscr[íi]b(?:ase|ete|anse)\b|\binscr[íi]b(?:ase|ete|anse)\b|\breg[íi]str(?:ese|ate|ense)\b|\btrae a un amigo\b|"
    r"\bll[ée]vate\b|\bno te (?:lo )?pierdas\b|\bno se (?:lo )?pierda\b|\bhaz clic\b|\bhaga clic\b|\boferta (?:especial|limitada)\b"
)
# Lines that must never reach the document: legal boilerplate, auto-replies, secrets (injected instructions:
# injection.py).
_JUNK = (
    r"\bforward (?:this|the document|it) to\b",
    r"\bsend (?:this|the document|a copy|it) to\b",
    r"\bconfidential(?:ity)? notice\b",
    r"\bintended (?:solely |only )?"
    r"for\b",
    r"\bsole use\b",
    r"\bnotify the sender\b",
    r"\bdissemination\b",
    r"\bno liability\b",
    r"\bvirus",
    r"\bunsubscribe\b",
    # ... in German, French and Spanish: "Newsletter abbestellen", "pour vous désabonner", "para darte de baja de …"
    r"\babbestellen\b|\bnewsletter\b[^.!?]{0,40}\babmelden\b|\babmelden\b[^.!?]{0,40}\bnewsletter\b|\bd[ée]sabonn\w*\b|"
    r"\bd[ée]sinscri(?:re|vez|ption)\b|\bdar(?:te|se|le) de baja\b|\bd[ée]se de baja\b|\bdate de baja\b|\bcancelar (?:la|su|tu) suscripci[óo]n\b",
    # an auto-reply's own words, not a customer asking for "out of office alerts for our field staff"
    r"\b(?:i am|i'm|i will be|currently|will be) out of (?:the )?office\b|\bout of (?:the )?office (?:until|from|through|"
    r"till|reply|message|notice|auto)",
    r"\blimited access to email\b",
    r"\bno access to email\b",
    # ... and in German, French and Spanish: "nicht im Büro und habe keinen Zugriff auf meine E-Mails"
    r"\bkeinen? zugriff auf (?:meine |die )?e-?mails?\b|\bnicht im büro\b|\bpas (?:d')?accès à (?:mes |ma )?(?:e-?mails?|messagerie)\b|"
    r"\babsente? du bureau\b|\bsin acceso al? (?:correo|e-?mail)\b|\bfuera de la oficina\b",
    # a secret written out ("password: …", "the credentials are …"), not a promise to send the sandbox credentials
    r"\b(?:password|passcode|credentials?|passwort|kennwort|mot de passe|contraseña)s?\b\s*(?:[:=]|is\b|are\b|ist\b|"
    r"lautet\b|est\b|es\b)",
    r"\b(?:your|temporary|initial|one-time) (?:password|passcode)\b",
    r"\blogin:\s",
    SECRET,
    # a company's legal particulars in a footer: register court and number, trade register, registered office
    r"\b(?:registergericht|handelsregister\w*|amtsgericht \w+,? hrb|firmenbuch(?:gericht|nummer)?)\b|\bhrb\s?\d",
    r"\b(?:rcs|r\.c\.s\.) [a-zé-]+(?: [ab])? ?\d|\b(?:siret|siren)\b\s*(?:n°|no\.?)?\s*:?\s*\d|"
    r"\bcapital (?:social )?de [\d\s.,]+\s?(?:€|euros?)\b",
    r"\bregistro mercantil\b|\binscrit[ao] en el registro\b",
    r"\bregistered (?:in england|in scotland|in ireland|office|number|no\b)|\bcompany (?:registration )?(?:no|number)\b",
    r"\bnote to self\b",
    PRIVATE_LIFE,
    PROMO,
    # a meeting's dial-in, a company's registration number, an export-control notice under a signature
    r"\bdial[- ]in by phone\b|\b(?:phone )?(?:conference|meeting) id\s*:?\s*\d[\d ]{5,}",
    r"\bregistration (?:number|no\.?)\s*:?\s*\d",
    r"\b(?:arms export control act|export administration act|itar)\b|\bexport (?:is )?(?:restricted|controlled) by\b",
    r"\binternal only\b",
    r"\bdeal desk\b",
    r"\bspif\b",
    # the rep's pay, not an insurer's "commission statements"
    r"\b(?:my|our|your|his|her|the rep'?s|sales) commission\b|\bcommission (?:check|cheque|payout|plan|split|rate on)\b",
    r"\bquota\b",
    r"\bfloor (?:price|on this)\b",
    # how far our price could go, which the customer must never read: "approved at 32% off list", "we'd have gone to
    # 22%", "you can go to the 30% multi-year discount"
    r"\bapproved\b[^.!?]{0,40}?\b\d+\s?% (?:off|discount)\b|"
    r"\b(?:we|i)(?:'d| would| could) have gone (?:to|down to|up to|as far as) \d+\s?%|"
    r"\bcan go (?:to|down to|up to|as far as) (?:the )?\d+\s?%(?:\s+[\w-]+){0,2}?\s+(?:off|discount)\b",
    r"\bdiscount approval\b",
    r"\brefund \d+\s?%",
    r"\bprivileged\b",
    r"\bdial-in\b",
    r"\baccess code\b",
    r"\bmeeting id\b",
    r"\bzoom\.us\b",
    r"\bteams link\b",
    r"\boff the record\b",
    r"\bdo not repeat\b",
    r"\bnot for the handoff\b",
    # the rep's own "keep this out": internal only, in the languages we read, and "don't put it in the handoff"
    r"\b(?:solo|uso|usage|note|notiz|nota) intern[aoe]?\b",
    r"^\s*(?:internal|interne?|interna) (?:notes?|notiz|nota)\b",
    r"\bnur intern\b",
    r"\b(?:do not|don't|never) (?:put|include|mention|repeat|share)\b.{0,60}\b(?:handoff|hand-off|csm|customer)\b",
    r"\bno (?:lo |la |los |las )?(?:pongas|pongan|incluyas|incluyan|menciones|compartas)\b.{0,30}\b(?:handoff|traspaso|cliente)\b",
    r"\bne (?:pas|jamais) (?:reprendre|mettre|inclure|mentionner|partager)\b.{0,30}\b(?:passation|handoff|client)\b",
    r"\bnicht (?:in|für) (?:die|den|das) (?:übergabe|handoff|kunden)\b",
    r"\bintention exclusive\b",
    r"\bdestinataires? (?:désignés?|exclusifs?)\b",
    r"\bconfidentiel(?:le)?s?\b",
    r"\bausschließlich für den\b",
    r"\bvertraulich\w*\b",
    r"\bnicht weiter(?:geben|leiten)\b",
    r"\bdestinatario\b",
    r"\bconfidencial\w*\b",
)
# The rep's note announcing what is forwarded below ("One more from Tomasz, after the contract.", "Here's Ana's
# answer", "Anbei die Antwort von Frau Keller", "Voici le retour de Claire", "Te reenvío lo de Iker"): it says where
# the facts are, not one of them (classify.place files such a line only when it is long or holds a number)
FORWARD_LEAD = rx(
    r"^\W*(?:one more|another one|and another|here(?:'s| is| are)|forwarding|forwarded|see below|below(?: is| are)?|"
    r"latest|next up)\b.{0,60}?\b(?:from|by|below|attached|thread|mail|e-?mail|note|reply|answer|exchange)\b",
    r"^\W*(?:noch (?:eine|einer|eins|was)|anbei|hier (?:ist|die|der|das|noch)|unten|weitergeleitet)\b.{0,60}?"
    r"\b(?:von|mit|antwort|mail|e-?mail|nachricht|thread|verlauf)\b",
    r"^\W*(?:encore (?:un|une)|voici|voilà|ci-dessous|ci-joint|je (?:te|vous) transf[eè]re)\b.{0,60}?"
    r"\b(?:de|du|d'|avec|réponse|retour|mail|e-?mail|message|échange)",
    r"^\W*(?:uno más|otro más|otra más|aquí (?:va|está|tienes|te paso)|abajo|te reenv[ií]o|les reenv[ií]o|reenv[ií]o)\b"
    r".{0,60}?\b(?:de|del|con|respuesta|correo|mail|e-?mail|mensaje|hilo)\b",
)
# The rep's reply to our questions is written for the CSM: their read of a person ("between us I've heard he's
# interviewing elsewhere") is what they hand over, not a colleague's gossip passed on
REPLY_JUNK = rx(*_JUNK)
JUNK = rx(*_JUNK, PRIVATE_MATTERS, ASIDE)
# The rep keeping a remark out of the handoff, in the languages we read: the remark is the rest of the paragraph,
# or the next one when the marker stands alone ("Off the record:", "Keep this between us.", "Nur intern:").
# "between us" and "entre nous" count at a sentence's start or after "keep": "the gap between us and X" is content.
KEEP_OUT = rx(
    r"\b(?:keep|kept) (?:this|it|that|these)(?: \w+)? between us\b|^\W*between (?:us|you and me|ourselves)\b",
    r"\bnot for (?:the )?(?:csm|cs\b|handoff|hand-off|customer|client|doc\w*|cs team|success team)",
    r"\boff the record\b|\binternal only\b|\bfor internal use only\b|\b(?:rep|lumen|our|my|sales) eyes only\b|"
    r"\beyes only\b",
    r"^\W*\(?private\)?\W*(?:$|:|-|–)|\(private\)",
    r"\b(?:don'?t|do not|please don'?t|never) (?:share|write|put|mention|include|forward|pass)\b.{0,40}\b(?:customer|client|"
    r"\bcs\b|csm|handoff|hand-off|anywhere|doc\w*)\b",
    r"\bnur intern\b|^\W*unter uns\b|\bbleibt unter uns\b|\bnicht für (?:die|den|das) (?:übergabe|handoff|kunden|csm)\b",
    r"^\W*entre nous\b|\breste entre nous\b|\b(?:à )?ne pas (?:mettre|inclure|reprendre|partager|transmettre)\b.{0,30}"
    r"\b(?:passation|handoff|client|csm|doc\w*)\b|\bpas pour la passation\b|\busage interne\b",
    r"^\W*entre nosotros\b|\bsolo para nosotros\b|\bsolo interno\b|\buso interno\b|\bno (?:es )?para el (?:traspaso|handoff|"
    r"cliente|csm)\b",
)
GREETING = re.compile(
    r"^\s*(?:hi|hello|hey|dear|thanks|thank you|many thanks|best|regards|cheers|all|team|morning|good morning|"
    r"perfect|great|sounds good|okay|ok|got it|noted|yes|yeah|sure|works for me)\b[\w\s,.!-]{0,25}$",
    re.IGNORECASE,
)
# A heading that keeps what follows out of the document ("## INTERNAL - not for the handoff").
PRIVATE_HEADING = re.compile(
    r"^\s*(?:#+\s*|\*\*|[=\-\[(_*]+\s*)?(?:internal\b|not for the handoff|off the record|private\b|do not share|intern\b|"
    r"nur intern|interne?\b|usage interne|solo interno|uso interno)",
    re.IGNORECASE,
)
# The end of such a section when the writer marks it: "[END INTERNAL]", "==== end internal ====", "--- /internal ---"
PRIVATE_END = re.compile(r"^\s*[=\-\[(_*#]*\s*(?:end(?: of)? (?:internal|private)|/\s*internal)\b", re.IGNORECASE)
HEADER_LINE = re.compile(r"^\s*(?:from|sent|to|cc|bcc|date|subject|reply-to|attendees|when|where|event)\s*:", re.I)

WHY_LEAD = re.compile(
    r"^(?:\w+,\s*)?(?:so\s+)?(?:why (?:this year|now|we're doing this)|here'?s why|the (?:real )?reason|timing (?:matters|is everything))\b",
    re.I,
)
# A label naming the vendor they chose, in any of the four languages ("Why Acme and not Beta:", "why us in Dana's words:",
# "Warum wir:", "Pourquoi X :"): its own sentence gives the reasons; the next often weighs the losers.
REASON_LABEL = re.compile(
    r"^\W*(?:why|warum|wieso|weshalb|pourquoi|por ?qu[ée])\s+(?:[^\W\d_][\w'’-]*\s*){1,6}[:—–]\s*\S", re.I
)
ANAPHOR = re.compile(
    # "Eso sí:", "That said,", "Cela dit", "Das heißt" turn to a new point: they point back at nothing
    r"^(?!\W*(?:eso sí|esto es|that said|this said|cela dit|ceci dit|das heißt|dies gesagt)\b)"
    r"(?:\S+\s+){0,7}?(?:that|this|(?-i:it|It)|those|these|esa|ese|eso|esto|esta|este|esas|esos|cela|ça|cette|ces|ce chiffre|"
    r"das|diese[rsnm]?|dieses)\b"
    # a person named in the sentence before: "Sie ist skeptisch …", "Elle reste …", "Ella no quiere …", "He …"
    r"|^(?:he|she|er|il|elle|él|ella)\b|^sie (?:ist|war|hat|hatte|wird|will|möchte|leitet|findet|sieht)\b",
    re.IGNORECASE,
)
NOTHING_YET = re.compile(
    r"^\s*(?:none|nothing|nope|no|n/a)\b[\s.,!-]*(?:yet|so far|really|that i know of|to add|here)?[\s.!]*$|"
    r"\bnothing (?:yet|to add|there|to report)\b|\bnot that i know of\b|\bit was just us\b|"
    r"\b(?:nothing (?:yet|to add|there)|leave (?:it|this) (?:open|empty|blank)|n/a|never came up|"
    r"not applicable|no idea yet|don'?t know yet)\b",
    re.IGNORECASE,
)
# Words a vendor's people say on a call; an unknown speaker who says them is on our side.
VENDOR_TALK = rx(
    r"\bour (?:connector|catalog|platform|product|alerting|solutions?|implementation|security team|soc ?2|roadmap|"
    r"customers|pricing|engineers?|support)\b",
    r"\bwe maintain\b",
    r"\bthat'?s on us\b",
    r"\blet me (?:show|share|walk)\b",
    r"\bunder our\b",
    r"\bwe'?d use\b",
    r"\bwe hear (?:it|that) a lot\b",
    r"\bin our connector\b",
    r"\bour sandbox\b",
)


# A courtesy title before a name: "unser Geschäftsführer, Herr Jan Vogt", "Dr. Simone Laurier" speaking in a transcript
COURTESY = r"(?:(?:Herr|Frau|Mr|Mrs|Ms|Dr|M|Mme|Sr|Sra)\.?\s+)"

# The rep's words for how one of the customer's people stands toward us (answers.py, sentiment.py).
REP_WARM = rx(r"\bchampion\b", r"\bbiggest fan\b", r"\bgreat\b", r"\bloves?\b", r"\bexcited\b", r"(?<!not )\bsold\b",
              r"\bon our side\b", r"\bally\b", r"\bbacks? us\b", r"\bsupports? (?:us|the project|this)\b",
              r"\b(?:is|are|was|went|going|'s) all[- ]in\b", r"\bon board\b", r"\bbought in\b", r"\benthusiastic\b", r"\bpushing for (?:us|it|this)\b",
              r"\bfully behind\b", r"\b(?:is|was) (?:a |our )?(?:big|huge) (?:supporter|advocate)\b",
              r"(?<!not )(?<!n't )\bkeen\b", r"\bhappy with\b", r"\btalk(?:s|ed|ing)? (?:it |us |the project )?up\b",
              r"\bsells? (?:it|us|this|the project)\b", r"\badvocate\b", r"\bdriv(?:es|ing) (?:it|this|the (?:deal|project|evaluation))\b", r"\bsponsor\b",
              # the deal exists because of them; they never considered anyone else
              r"\b(?:is|was|'s) the (?:whole |only |main |real )?reason (?:this|we|it|the (?:deal|project))\b", r"\bthanks to (?:him|her)\b",
              r"\bist der (?:ganze |einzige |eigentliche )?grund,? (?:dass|warum|weshalb)\b", r"\bdank (?:ihm|ihr)\b",
              r"\best la (?:seule |vraie )?raison (?:pour laquelle|de)\b", r"\bgrâce à (?:lui|elle)\b",
              r"\bes (?:la|el) (?:única |verdadera )?(?:razón|motivo) (?:de que|por (?:la|el) que)\b", r"\bgracias a (?:él|ella)\b",
              r"\bnever (?:looked|shopped) (?:at |around )?(?:any(?:one|body|thing) else|elsewhere|another vendor)\b",
              r"\bhat sich nie (?:\w+ ){0,2}?(?:anderes|andere anbieter|woanders) (?:angesehen|umgesehen)\b",
              r"\bn'a jamais (?:regardé|considéré) (?:ailleurs|personne d'autre|un autre)\b",
              r"\bnunca (?:miró|consideró|buscó) (?:a )?(?:nadie más|otr[oa]s?|otra opción|a otro proveedor)\b")  # fmt: skip
REP_NEUTRAL = rx(r"\bneutral\b", r"\blukewarm\b", r"\bon the fence\b", r"\bwait(?:s|ing)? and see\b", r"\bno strong (?:view|opinion|feelings?)\b", r"\bindifferent\b", r"\bneither for nor against\b",
                 r"\bdoesn'?t (?:much )?care either way\b", r"\bneutr[ae]l?\b", r"\bsin opinión\b")  # fmt: skip
REP_COLD = rx(r"\bworry about\b", r"\bs[ck]eptic", r"\bwary\b", r"\bagainst\b", r"\bto manage\b", r"\bnot (?:yet )?convinced\b",
              r"\bwon'?t move\b", r"\bkill\b", r"\bblock", r"\bcount me out\b", r"\bresist", r"\bpush(?:es|ed)? back\b",
              r"\bnot (?:really )?sold\b", r"\bhesitant\b", r"\breluctant\b", r"\bunconvinced\b",
              r"\bdoubts?\b", r"\bgrumbl", r"\bfought (?:us|it|this)\b", r"\bcautious\b", r"\bguarded\b",
              r"\bnot (?:a fan|keen|thrilled)\b", r"\bn't (?:a fan|keen|thrilled)\b", r"\bdrag(?:s|ged|ging)? (?:his|her|their) feet\b",
              r"\bgrudging\w*", r"\boverruled\b", r"\bopposed\b", r"\bhostile\b", r"\b(?:does|did)(?:n't| not) want (?:us|this|it|the (?:tool|project|platform))\b",
              # not won yet: the one to win over, who will come round, who wants proof first
              r"\bdagegen\b", r"\bcontre (?:nous|le projet|l'outil|la solution)\b", r"\ben contra\b",
              r"\b(?:one|him|her|them|person) to win over\b", r"\bstill (?:has |needs )?to (?:be )?w[io]n over\b", r"\bnot (?:yet )?won over\b",
              r"\b(?:will|'ll|could|might|may) come (?:a)?round\b", r"\b(?:could|might|may|will|would) sour\b",
              r"\b(?:hasn'?t|has not|haven'?t|have not|not) (?:yet |fully |quite |really |entirely )?come (?:a)?round\b",
              r"\bwants? (?:to see )?(?:the |some |hard )?(?:[\w-]+ )?(?:results?|proof|numbers|evidence|references?)\b[^.;]{0,40}?\b(?:first|before)\b",
              r"\b(?:noch|erst) (?:zu )?überzeugen\b", r"\bmuss (?:erst |noch )+überzeugt werden\b",
              r"\bwill (?:erst(?:mal)?|zuerst) (?:\w+ ){0,4}?(?:ergebnisse|zahlen|beweise|resultate|referenzen)\b",
              r"\b(?:reste|encore|est) à convaincre\b",
              r"\bveut (?:d'abord |voir d'abord |voir )?(?:les |des )?(?:\w+ )?(?:résultats|preuves|chiffres|références)\b[^.;]{0,40}?\b(?:d'abord|avant)\b",
              r"\b(?:hay que|falta|queda por|todavía hay que) convencer\w*\b", r"\bpor convencer\b",
              r"\bquiere (?:ver )?(?:los |las |unos |unas )?(?:\w+ )?(?:resultados|pruebas|números|cifras|referencias)\b[^.;]{0,40}?\b(?:primero|antes)\b")  # fmt: skip
# what the rep says of a person's pull or standing, not of how they feel about us: "Nathan doesn't have much pull with
# the DPs on his own", "Héctor no da un paso sin consultarlo", "he won't push back on IT", "hat wenig Gewicht"
STANDING = rx(r"\b(?:(?:doesn'?t|does not|don'?t|do not) have|has (?:little|no|limited)|without) (?:much |any |real )?"
              r"(?:pull|clout|sway|weight|influence|authority)\b", r"\bwon'?t (?:push back|stand up) (?:on|to|against)\b",
              r"\b(?:hat|ohne) (?:wenig|kein\w*|nicht viel) (?:gewicht|einfluss|macht)\b", r"\bmacht keinen schritt ohne\b",
              r"\b(?:n'a (?:pas|guère) (?:beaucoup )?d[e'] ?|a peu d[e'] ?|sans )(?:poids|influence)\b",
              r"\bne fait (?:rien|pas un pas) sans\b", r"\bno da (?:un )?paso sin\b",
              r"\b(?:no tiene|tiene poco|sin) (?:mucho |mucha )?(?:peso|poder|influencia)\b")  # fmt: skip
# the rep's cold read that is open opposition, not doubt: "negative"
REP_HOSTILE = rx(r"\bopposed\b", r"\bhostile\b", r"\bagainst (?:us|it|this|the (?:project|deal|tool|platform))\b",
                 r"\b(?:does|did)(?:n't| not) want (?:us|this|it|the (?:tool|project|platform))\b", r"\bwants? us (?:out|gone)\b",
                 r"\b(?:ist|war) dagegen\b", r"\bcontre (?:nous|le projet)\b", r"\ben contra\b")  # fmt: skip
# a word the sentence denies just before it: "isn't against us", "nicht grundsätzlich dagegen", "pas contre", "no está en contra"
DENIED = rx(r"(?:\bnot|n't|\bnever|\bnicht|\bkein\w*|\bpas|\bjamais|\bno|\bnunca)\s+(?:[\w-]+\s+){0,2}$")


# a condition: warmth or calm behind one is not there yet ("if we pass his pen test he becomes an ally")
PENDING = rx(
    r"\b(?:if|once|unless|as soon as|wenn|falls|sobald|sofern|si|une fois que|dès que|cuando|en cuanto|una vez que)\b"
)
# "not against it, but …" concedes and then limits: the doubt stands
CONTRAST = rx(r"\b(?:but|however|yet|aber|jedoch|doch|mais|cependant|pero|sin embargo)\b")


def denied_before(text: str, at: int) -> bool:
    """Whether the word at ``at`` in ``text`` is denied by the few words before it."""
    return bool(DENIED.search(text[max(0, at - 30) : at]))


def opposition_denied(text: str, match: re.Match[str]) -> bool:
    """A cold word the sentence takes back outright ("Niamh isn't against us, she's just overloaded"); not one
    taken back only so far ("no está en contra, pero quiere …") or on a condition ("agreed not to block, but if …")."""
    if not denied_before(text, match.start()):
        return False
    return not CONTRAST.search(text, match.end()) and not PENDING.search(text)
