"""Sentence shapes that say what a sentence does for a CSM, in English, German, French and Spanish.

What it is for: ``shape_sections(text)`` names the sections a sentence's structure points to — a condition
and its cost (no renewal, the exit, money held back), a team of one, a worry, an outcome nobody knows yet, a team
with no room left, a warning, data weaker than the plan needs, a freeze or a team away, a doubter, the one person
it hangs on, an outside approval, a tool nobody used, a promise weaker than it sounds (risks), another
part of the customer that may come on later, a unit it is buying or merging with, or a later phase with money or a
condition on it (expansion), what was bought with its licences and hours or a share of someone's time, and a
fact of the setup (``setup_fact``: their person on it and for how long, sign-in, hosting, data access, a dated
kickoff; kept however short) (implementation), what today costs them: people or hours spent on a chore, a problem learnt of late or from their
own customer, staff worn out by it (pain points), and a reason to buy that never says "why" (purchase drivers: a
date the customer must beat, a price inside their limit, a must-have that was met, a feature that won people over,
a board or regulator asking, use of us at a former employer, the one person who knows the old way retiring), and
a target under its horizon as a plan writes it ("First 90 days: …", "6 meses | …": success metrics).
classify.place weighs
them like cue phrases. Not for: the cue phrases the sentence classifier reads as features (cues.py; these
shapes stay out of them so the shipped weights keep meaning what they were trained on), or headings.
"""

from __future__ import annotations

from functools import lru_cache

from agent.extract.lexicon import rx

# What puts the deal or its money at risk, by the shape of the sentence rather than a word: a condition and what
# follows from it ("if X, we lose / review / pay another year"), later years not yet committed, and a team of one.
DEAL_THREAT = rx(
    r"\bif\b[^.;]{3,140}?\b(?:los[et]|losing|review(?:ed|s)?|revisit\w*|reconsider\w*|cut|cancel\w*|pull (?:the plug|out)|"
    r"walk away|freeze|on hold|looked at|pay\b[^.;]{0,25}\banother|(?:do not|don'?t|not|won'?t|never) (?:be )?renew\w*|"
    r"(?:questions?|ask\w*) at renewal|exit\w*|terminat\w*|withh[oe]ld\w*|repay\w*|pay (?:it |\w+ )?back)\b",
    # the renewal refused unless something holds: "it won't be renewed unless", "before I renew anything"
    r"\b(?:won'?t|will not|do not|don'?t|not) (?:be |going to )?renew\w*\b[^.;]{0,60}\b(?:if|unless)\b",
    # money held back until something works: "has to be working before we pay the second instalment"
    r"\bbefore (?:we|i) (?:pay|release|sign off|renew)\b|\b(?:i'?m|we'?re|i am|we are) not paying\b|\bwon'?t pay\b",
    r"\bbevor wir\b[^.;]{0,40}\b(?:zahlen|bezahlen|überweisen)\b|\bzahlen wir (?:erst|nicht)\b",
    r"\bavant (?:de|que nous) (?:payer|payions|verser|régler)\b|\bne (?:paierons|paierai|payerons|verserons) (?:pas|rien)\b",
    r"\bantes de (?:pagar|liberar el pago)\b|\bno (?:pagaremos|pagamos|vamos a pagar)\b",
    # without it, no contract or the money goes back: "Ohne das kein Vertrag", "sans rapport, on rembourse"
    r"\b(?:without|sans|ohne|sin)\b[^.;]{1,60}\b(?:no (?:contract|deal|signature)|pas de (?:contrat|signature)|"
    r"kein(?:en)? (?:vertrag|unterschrift|vertragsabschluss)|(?:ningún|no hay) contrato|we (?:repay|lose|pay back)|"
    r"on (?:rembourse|perd)|zahlen wir \w* ?zurück|devolvemos|perdemos)",
    r"\b(?:years? (?:two|2|three|3)|renewal|the (?:second|third) year)\b[^.;]{0,50}\b(?:depend|contingent|subject to|"
    r"go(?:es)? to the board|(?:be |is )?decided (?:on|by)|hinges? on|rides? on)",
    r"\b(?:will not|won'?t|not|never) (?:recommend|support|approve|sign off on) (?:a |the |any )?renewal\b",
    # the renewal that hangs on a result, in German, French and Spanish: "notre décision de renouvellement dépendra
    # d'un seul critère", "la renovación depende de", "die Verlängerung hängt davon ab"
    r"\brenouvellement\b[^.;]{0,60}\bdépend\w*|\brenovaci[óo]n\b[^.;]{0,60}\bdepend\w*|"
    r"\bverlängerung\b[^.;]{0,60}\b(?:häng\w*|abhängig)",
    r"(?:\b(?:wenn|falls|sollten?)\b|^\W*\w+(?:en|t) (?:wir|sie|die|der|das|es)\b)[^.;]{3,140}?\b(?:verlier\w*|verloren|"
    r"überprüf\w*|überdenk\w*|streich\w*|gestrichen|kündig\w*|auf eis|zurückzieh\w*|neu (?:bewert|verhandel)\w*|"
    r"nicht verlänger\w*|verlänger\w* (?:wir|ich) nicht|ausstieg\w*|aussteig\w*|zurückzahl\w*|zurückzuzahl\w*)",
    r"\b(?:jahre?|jahr) (?:zwei|2|drei|3)\b[^.;]{0,60}\b(?:häng\w*|abhängig|bestätig\w*|genehmig\w*)",
    r"\bsi\b[^.;]{3,140}?\b(?:perd\w*|revoir|révis\w*|annul\w*|coup\w*|remett\w* en (?:question|cause)|"
    r"reconsid[ée]r\w*|arrêt\w*|revisar\w*|revisaremos|cancel\w*|recort\w*|suspend\w*|ne renouvel\w*|"
    r"pas (?:de )?renouvel\w*|ne (?:le |la |les )?renouvel\w*|sortie|sortir|rembours\w*|résili\w*|salida|salimos|no (?:lo |la |los |las )?renova\w*|devolver\w*|reembols\w*|"
    r"rescind\w*)",
    r"\bann[ée]es? (?:2|deux|3|trois)\b[^.;]{0,50}\bdépend",
    r"\b(?:(?:segundo|tercer) año|años? (?:2|dos|3|tres))\b[^.;]{0,60}\b(?:depend\w*|revis\w*|aprob\w*)",
)
THIN_TEAM = rx(
    r"\b(?:i'?m|i am) (?:the only|alone)\b",
    r"\bteam is (?:just )?(?:me|one|two)\b",
    r"\bme and (?:one|a|two)\b",
    r"\bonly (?:one|two) (?:people|person|engineers?|analysts?|developers?|admins?)\b",
    r"\bseule? (?:à|au|en|dans|pour)\b",
    r"\bmoi et (?:un|une|deux)\b",
    r"\ballein (?:in|für|im|mit)\b",
    r"\bich und (?:ein|eine|zwei)\b",
    r"\bnur (?:ein|eine|zwei) (?:person|leute|kolleg\w*|mitarbeiter\w*)\b",
    r"\b(?:estoy|está|estás|quedo|queda|trabaja|trabajo) sol[oa]\b|\bsolit[oa]\b",  # "solo para" is "only to"
    r"\byo y (?:un|una|dos)\b",
    r"\bsolo (?:una|dos) personas?\b",
    # a small team or no room for the work, in so many words: "my team is three people", "peu de disponibilité"
    r"\b(?:small|tiny|thin) team\b",
    r"\bteam (?:is|of) (?:only |just )?(?:two|2) (?:people|persons)\b",
    r"\b(?:no|little|limited|not much) (?:bandwidth|capacity)\b",
    r"\bteam besteht (?:nur )?aus (?:zwei|2) (?:leuten|personen|mitarbeiter\w*)\b",
    r"\bkleine[ns]? team\b",
    # the same people tied up in another project: "mitten in der ERP-Umstellung", "en pleine migration"
    r"\b(?:tenemos|tienen) encima\b",
    r"\bnous avons (?:déjà )?sur les bras\b",
    r"\bhaben (?:gerade|noch) \w+ am hals\b",
    r"\b(?:mitten in|in the middle of|en pleine|en plena|en medio de)\b[^.;]{0,30}(?:migration|umstellung|migración|"
    r"einführung|implantation|implementación|déménagement|umzug|mudanza)",
    r"\b(?:keine|wenig|kaum) (?:kapazität|kapazitäten|zeit)\b",
    r"\bkapazität\w* haben wir\b[^.;]{0,20}\bnicht\b",
    r"\béquipe (?:est )?(?:petite|réduite|restreinte)\b",
    r"\bpetite équipe\b",
    r"\bpeu de (?:disponibilité|capacité|bande passante|temps)\b",
    r"\bpas (?:de|le) temps (?:d'|de )",
    r"\bequipo (?:es )?(?:pequeño|reducido|chico)\b",
    r"\b(?:poca|sin|no tenemos) (?:capacidad|disponibilidad)\b",
    r"\bno (?:tienen|tenemos|hay) tiempo (?:de|para)\b",
)
# Who will not use it unless a condition holds: "if it doesn't show X daily, we won't use it", "sinon personne ne
# le regardera", "si no …, no la vamos a usar", "sonst nutzt es keiner"; and doubt about one more tool to learn.
NON_ADOPTION = rx(
    r"\b(?:if|unless)\b[^.;]{3,140}?\b(?:won'?t|will not|nobody will|no one will|not going to) (?:use|adopt|open|look at)\b",
    r"\b(?:wenn|falls|sonst)\b[^.;]{3,140}?\b(?:nutzt|nutzen|verwendet|öffnet|anschauen|schaut)\b[^.;]{0,25}\b(?:keiner|niemand|nicht)\b",
    r"\b(?:wenn|falls)\b[^.;]{3,140}?\b(?:keiner|niemand)\b[^.;]{0,25}\b(?:nutz|verwend|schau)\w*",
    r"\b(?:si|sinon)\b[^.;]{3,140}?\b(?:personne ne|ne (?:va|vont|vais|allons) pas|n'(?:utiliser|utilisera)\w*)",
    r"\bsi\b[^.;]{3,140}?\b(?:no (?:la|lo|las|los) (?:vamos a|van a) (?:usar|utilizar)|nadie (?:la|lo) (?:va a )?(?:usar|utilizar|usará)|"
    r"no (?:la|lo) (?:usaremos|usarán|utilizaremos))\b",
    r"\b(?:skeptic\w*|sceptic\w*|skeptisch\w*|sceptique\w*|escéptic\w*|reluctant|réticent\w*|reticente\w*|"
    r"keine lust|pas envie|no quieren)\b[^.;]{0,40}\b(?:another|one more|yet another|noch (?:ein|eine|einem|einen)|"
    r"un autre|une autre|encore un|otr[oa])\b",
    r"\b(?:another|one more|noch (?:ein|eine|einem|einen)|un autre|une autre|otr[oa])\s+(?:\w+\s+)?(?:tool|app|system|software|"
    r"programm|werkzeug|logiciel|outil|herramienta|programa|aplicación)\b[^.;]{0,40}\b(?:skeptic\w*|skeptisch|sceptique|"
    r"escéptic\w*|no time|keine zeit|pas le temps|sin tiempo)",
)

# The people who must use it resisting: seen as surveillance, refusing to enter data, one more screen nobody reads
ADOPTION_FEAR = rx(
    r"\b(?:big brother|gran hermano|surveillance|überwachung\w*|leistungskontrolle|verhaltenskontrolle|flicage|fliqu\w+|"
    r"vigilancia|vigilad\w*|spying on|performance monitoring)\b",
    r"\b(?:track\w*|monitor\w*) (?:individual |the )?(?:officers|staff|employees|workers|drivers|fitters|people|"
    r"salespeople)\b",
    r"\b(?:resist\w*|se resisten|se niegan|sträub\w*|wehren sich|weigern sich|rechign\w*|résist\w*|refus\w*)\b[^.;]{0,30}"
    r"\b(?:enter\w*|typ\w*|log\w*|using|use|cargar|registrar|usar|eingeb\w*|erfass\w*|tipp\w*|nutz\w*|saisir|utiliser)\b",
    r"\b(?:another|one more|yet another|noch ein|un autre|une autre|encore un|otro|otra)\s+(?:\w+\s+)?(?:dashboard|report|"
    r"tool|screen|cockpit|tableau de bord|rapport|outil|écran|tablero|informe|herramienta|pantalla)\b[^.;]{0,20}"
    r"\b(?:nobody|no one|personne|niemand|keiner|nadie)\b",
)
# ... or refusing outright ("Meine Leute tippen sicher nix ins iPad"); under a condition ("if the app doesn't work
# offline, they won't enter anything") the refusal says what they must have, a reason to buy
REFUSAL = rx(
    r"\b(?:won'?t|will not|never) (?:type|enter|log|fill in)\b|\b(?:tipp\w*|geben)\b[^.;]{0,20}\b(?:sicher )?(?:nix|nichts)"
    r"\b[^.;]{0,20}\bein\b|\btipp\w* (?:sicher )?(?:nix|nichts)\b|\bne (?:saisiront|vont rien saisir)\b|"
    r"\bno (?:van a|vamos a) (?:cargar|escribir|registrar) nada\b",
)
_CONDITION_FIRST = rx(r"^\W*(?:if|unless|wenn|falls|sofern|si|sauf si|a menos que)\b")
# A limit of the source system the data comes from: an API capped or poor, an export or link that keeps breaking.
SOURCE_LIMIT = rx(
    r"\bapi\b[^.;]{0,40}\b(?:limit\w*|rate[- ]limit\w*|capped|throttl\w*|poor|bad|weak|schlecht\w*|mauvaise|"
    r"limitée?s?|limitad[oa]s?|mala|pobre)\b",
    r"\blimit\w* (?:us |uns |nous |nos )?(?:to|auf|à|a) \d[\d,.]* (?:calls|requests|aufrufe|appels|requêtes|llamadas|"
    r"peticiones)\b|\b\d[\d,.]* (?:calls|requests|aufrufe|appels|requêtes|llamadas|peticiones)\b[^.;]{0,30}\blimit",
    r"\b(?:export\w*|feed|sync|job|link|interface|schnittstelle|connection|verbindung|liaison|enlace|conexión|"
    r"exportación)\b[^.;]{0,40}\b(?:breaks?|fails?|drops?|goes down|bricht ab|fällt aus|fällt \w+ aus|plante|tombe|"
    r"se cae|falla)\b[^.;]{0,40}\b(?:every|once a|about once|each time|regularly|often|jede|regelmäßig|oft|chaque|"
    r"souvent|cada|seguido|a menudo)\b",
)

# A worry said as one, an outcome nobody knows yet, or a team with no room left: what to watch, in any wording.
WATCH = rx(
    r"\b(?:worries|worried|concerns? me|keeps me up|nervous about|what scares me|sorgen? mach\w*|bedenken|"
    r"beunruhig\w*|m'inquièt\w*|inquiète|me preocupa\w*|nos preocupa\w*)\b",
    r"\b(?:(?:i|we) fear|(?:i'?m|we'?re|i am|we are) afraid (?:that|it|this|of)|fears? (?:that|another|it)|"
    r"(?:ich )?(?:be)?fürchte,? dass|angst,? dass|j'ai peur (?:que|de)|je crains|crain(?:s|t) que|"
    r"(?:tengo|tenemos) miedo (?:de|que)|me temo que|temo que)\b",
    r"\b(?:don'?t|do not|nobody|no one) (?:yet )?(?:know|knows|can say) (?:yet )?(?:whether|if)\b|"
    r"\bnot (?:yet )?sure (?:whether|if)\b|"
    r"\bwissen (?:wir |noch )*nicht,? ob\b|\bunklar,? ob\b|\bne sa(?:it|vons) pas (?:encore )?si\b|"
    r"\bno (?:sabemos|sé) si\b",
    r"\b(?:fully booked|at (?:full )?capacity|stretched(?: thin)?|maxed out|swamped|no (?:spare )?(?:hours|time) (?:for|left)|"
    r"voll (?:ausgelastet|beschäftigt|eingespannt)|keine kapazität\w*|débordée?s?|saturée?s?|sin capacidad|"
    r"desbordad[oa]s?)\b",
)

_MONTH = (
    r"(?:jan(?:uary|uar)?|feb(?:ruary|ruar)?|f[ée]v(?:rier)?|enero|febrero|mar(?:ch|s|zo)?|märz|apr(?:il)?|avril|abril|"
    r"mai|mayo|june?|juni|juin|junio|july?|juli|juillet|julio|aug(?:ust)?|août|agosto|sept?(?:ember|embre|iembre)?|"
    r"oct(?:ober|obre|ubre)?|okt(?:ober)?|nov(?:ember|embre|iembre)?|dec(?:ember)?|dez(?:ember)?|d[ée]cembre|diciembre)"
)
# Nobody there to do the work, or a whole team away: "no one will be available", "personne ne sera disponible",
# "no voy a tener a nadie", "our team is unavailable"; one person's day off ("am 9. Mai nicht erreichbar") is not
_AWAY = (
    r"(?:(?:we|they|team|staff|crew|people|everyone)\b[^.;]{0,30}\b(?:unavailable|not (?:be )?available|won'?t be "
    r"available)|won'?t have anyone|(?:no one|nobody)\b[^.;]{0,40}\b(?:available|free)|(?:wir|team|leute|"
    r"mitarbeiter\w*|kollegen)\b[^.;]{0,30}\bnicht (?:verfügbar|erreichbar)|niemand\b[^.;]{0,40}\b(?:frei|verfügbar|"
    r"erreichbar|zeit)|(?:ne|n') (?:seront|serons|sont) (?:pas )?disponibles|personne\b[^.;]{0,40}\bne (?:sera|seront) "
    r"(?:pas )?disponibles?|personne (?:de disponible|pour vous)|no (?:voy|vamos) a tener a nadie|nadie (?:disponible|"
    r"para ustedes)|(?:equipo|personal|gente)\b[^.;]{0,30}\bno (?:va|van) a estar disponibles?|no (?:estaremos|estarán|"
    r"estamos|están|vamos a estar|van a estar) disponibles)"
)
# A window in which nothing can move: a freeze or shutdown, the team away or busy between two dates, or work that
# misses a date and waits months ("anything not live by then waits until January", "si no, esperamos a septiembre").
BLOCKED_WINDOW = rx(
    # a freeze or shutdown told with what it stops ("Nothing moves in stores then"); a bare freeze window is a date
    # of the plan
    r"\bnothing (?:new )?(?:moves|goes live|changes|gets (?:deployed|changed|released))\b",
    r"\bnichts (?:neues )?(?:geht live|bewegt sich|wird (?:deployed|ausgerollt|geändert))\b",
    r"\brien ne (?:bouge|passe en production|sera déployé)\b|\baucune mise en production\b",
    r"\bno se (?:mueve|toca|despliega|cambia) nada\b|\bnada (?:se mueve|sale a producción|se despliega)\b",
    # no changes in a window: "no changes to production systems in the 4 weeks before the audit", "ab 1. November
    # keine Änderungen mehr an Systemen", "no tocamos nada en las sucursales", "aucun changement en production"
    r"\bno (?:\w+ ){0,2}changes\b[^.;]{0,60}\b(?:from|after|before|until|during|between|over)\b",
    r"\b(?:ab|vor|nach|während|zwischen|bis)\b[^.;]{0,40}\bkeine (?:\w+ )?änderungen\b|\bkeine (?:\w+ )?änderungen\b"
    r"[^.;]{0,60}\b(?:ab|vor|bis|während|zwischen)\b",
    r"\b(?:aucun changement|aucune modification|on ne touche (?:à )?rien|nous ne touchons (?:à )?rien)\b",
    r"\bno (?:tocamos|tocaremos|cambiamos|se hacen cambios)\b|\b(?:ningún cambio|sin cambios)\b[^.;]{0,60}\b(?:desde|hasta|"
    r"antes|durante|entre|a partir)\b",
    # a team away or unavailable in a window named by its months, before or after it
    rf"\b{_AWAY}\b[^.;]{{0,60}}\b{_MONTH}\b",
    rf"\b{_MONTH}\b[^.;]{{0,60}}\b{_AWAY}\b",
    # a date missed costs months: "waits until January", "on attend septembre", "rutscht in den Herbst"
    rf"\b(?:waits?|wait|slips?|pushed|rolls?) (?:until|to|into) (?:the )?(?:{_MONTH}|next year|the new year|autumn|fall)\b",
    rf"\b(?:wartet|warten|rutscht|verschiebt sich) (?:\w+ )?(?:bis|auf|in den|ins)\b[^.;]{{0,12}}\b(?:{_MONTH}|"
    r"herbst|nächste jahr)",
    rf"\b(?:on attend|attendra|reporté (?:à|en)|glisse (?:à|en)|c'est) (?:la rentrée|l'automne|{_MONTH})\b",
    rf"\b(?:esperamos|esperará|se va (?:a|hasta)|pasa a|se pasa a) (?:hasta )?(?:el otoño|{_MONTH})\b",
)
# A warning said as one: "Warning about our CRM:", "fair warning", "un point d'attention", "ojo con", "Vorsicht".
WARNING = rx(
    r"\b(?:warning|heads[- ]up|word of caution|caveat|watch out|be aware that|beware)\b",
    r"\bone thing to (?:watch|flag|be aware of)\b|\bto be transparent\b",
    r"\b(?:achtung|vorsicht|warnung|vorwarnung)\b|\bich (?:muss|möchte|will) (?:sie|euch) (?:warnen|vorwarnen)\b",
    r"\bpoint d'(?:attention|alerte|vigilance)\b|\bmise en garde\b|\b(?:être|soyons|pour être) transparents?\b|"
    r"^\W*attention\b",
    r"\b(?:ojo con|cuidado con|advertencia|les (?:advierto|aviso) que|para ser transparentes?)\b",
)
# Their data weaker than the plan needs: a share of records with gaps, duplicates or no device behind them, codes
# never harmonised, several definitions of one thing.
_DEFECT = (
    r"(?:duplicates?|duplicated|doublons?|dubletten|duplicad\w*|gaps?|lücken|lacunes?|huecos|ersatzwerte?|"
    r"substitute values?|valeurs? de "
    r"substitution|valores? sustitut\w*|no (?:device|gps|sensor|telematics|data)|kein(?:en)? (?:gerät|sensor|gps)|"
    r"sans (?:boîtier|capteur|gps)|sin (?:dispositivo|sensor|gps)|blank|empty|leer|vides?|vací[oa]s)"
)
DATA_DEFECT = rx(
    # a count of records or units with the defect: "around 4,000 duplicate member records", "30 trailers without
    # telemetry", "fuel sensors on only 310 of 540 vehicles"
    r"\b\d[\d,.]*\s+(?:[\w-]+\s+){0,2}(?:duplicates?|duplicated|doublons?|dubletten|duplicad\w*|doppelte\w*)\b",
    r"\b\d[\d,.]*\s+(?:[\w-]+\s+){0,3}(?:without|ohne|sans|sin)\s+(?:[\w-]+\s+){0,2}(?:telemetry|telematics|sensors?|gps|"
    r"devices?|tracker|telemetrie|telematik|sensoren|télémétrie|capteurs?|boîtiers?|telemetría|sensores|dispositivos?)\b",
    r"\b(?:only|nur|seulement|solo|sólo)\s+(?:on |in |auf |in |sur |en )?\d[\d,.]*\s+(?:of|von|sur|de)\s+\d[\d,.]*\b",
    rf"\b\d+(?:[.,]\d+)?\s?(?:%|percent|prozent|pour cent|por ciento)[^.;]{{0,80}}\b{_DEFECT}",
    rf"\b{_DEFECT}\b[^.;]{{0,20}}\b\d+(?:[.,]\d+)?\s?(?:%|percent|prozent|pour cent|por ciento)",
    r"\b(?:not|aren'?t|isn'?t|never (?:been)?) (?:harmoni[sz]ed|standardi[sz]ed|consistent(?:ly)?|cleaned(?: up)?)\b",
    r"\bnicht (?:einheitlich|harmonisiert|standardisiert|bereinigt)\b",
    r"\b(?:pas|ni|jamais) (?:été )?(?:harmonisé|standardisé|homogène|uniformisé|nettoyé)e?s?\b",
    r"\bno (?:están |está |son |es )?(?:homologad|estandarizad|armonizad|unificad|normalizad|homogéne)\w*",
    r"\b(?:two|three|four|several|multiple|different|zwei|drei|mehrere|verschiedene|deux|trois|plusieurs|"
    r"différentes|dos|tres|varias|distintas) (?:different |verschiedene |différentes |distintas )?(?:definitions?|"
    r"definitionen|définitions|definiciones)\b",
)
# Someone who doubts it, in so many words: "Ellie is the sceptic", "no está del todo convencido"
DOUBTER = rx(
    r"\b(?:is|are|ist|sind|est|sont|es|son) (?:the|our|der|die|unser\w*|le|la|notre|el|nuestr[oa]) (?:main |biggest |"
    r"real |größte |grand |gran )?(?:sceptic|skeptic|skeptiker\w*|sceptique|escéptic[oa])s?\b",
    r"\b(?:sceptical|skeptical|skeptisch\w*|sceptiques?|escéptic[oa]s?)\b",
    r"\b(?:hasn'?t|has not|haven'?t|have not) (?:fully |quite |yet )?(?:come round|come around|bought in)\b",
)
# One person the project cannot lose: "the single point of failure", "la seule à connaître", "wenn sie ausfällt".
ONE_PERSON = rx(
    r"\bsingle point of failure\b|\bbus factor\b|\bthe only (?:one|person) who (?:really |truly |still )?(?:knows|understands|can)\b",
    r"\bif (?:he|she|they) (?:leaves?|quits?|gets? sick|goes on leave|is (?:out|off|sick|ill))\b",
    r"\b(?:der|die) einzige,? (?:der|die) (?:das|die|es|den) \w+\b|\bwenn (?:er|sie) ausfällt\b|\bkopfmonopol\b",
    r"\bseule? à (?:savoir|connaître|maîtriser|pouvoir)\b|\bsi (?:il|elle) (?:part|tombe malade|s'absente)\b|"
    r"\bpoint (?:de défaillance )?unique\b",
    r"\b(?:el|la) únic[oa] (?:persona )?que (?:sabe|conoce|entiende|maneja|puede)\b|"
    r"\bsi (?:él|ella|se) (?:va|enferma|ausenta)\b|\bpunto único de fall[ao]\b",
)
# A body outside the project whose yes gates part of it: a works council, a data-protection officer, a regulator.
_GATEKEEPER = (
    r"(?:works council|betriebsrat\w*|personalrat\w*|cse|comité social et économique|comité d'entreprise|comité de "
    r"empresa|data protection officer|dpo|datenschutzbeauftragte\w*|délégué à la protection des données|dpd|delegad[oa] "
    r"de protección de datos|regulator|regulador|régulateur|aufsicht\w*|gewerkschaft|syndicats?|sindicato)"
)
_YES = (
    r"(?:approv\w*|sign(?:s|ed)? off|sign-off|consent\w*|zustimm\w*|freigabe|freigeben|grünes licht|mitbestimm\w*|"
    r"avis|accord|valid\w*|feu vert|aprob\w*|apruebe\w*|visto bueno|luz verde|autoriz\w*)"
)
GATED = rx(
    rf"\b{_GATEKEEPER}\b[^.;]{{0,80}}\b{_YES}",
    rf"\b{_YES}\b[^.;]{{0,80}}\b{_GATEKEEPER}\b",
)
# A tool bought before that nobody used: "we bought a BI add-on in 2019 and nobody opens it", "nunca se usó".
SHELFWARE = rx(
    r"\b(?:bought|tried|licen[cs]ed|rolled out|implemented|paid for|spent (?:good )?money on)\b[^.;]{0,100}\b(?:nobody|no one)"
    r" (?:ever )?(?:used?|uses|opened|opens|logged in|looked at)\b",
    r"\b(?:never (?:really )?(?:took off|got adopted|caught on)|shelfware|gathering dust)\b",
    r"\b(?:gekauft|eingeführt|angeschafft|bezahlt)\b[^.;]{0,100}\b(?:niemand|keiner) (?:hat (?:es|sie|ihn) )?"
    r"(?:genutzt|benutzt|nutzt|verwendet|geöffnet)\b|\bnie (?:richtig )?angenommen\b|\bliegt brach\b",
    r"\b(?:acheté|déployé|installé|payé)\b[^.;]{0,100}\b(?:personne ne l'a (?:jamais )?(?:utilisé|ouvert)|personne ne "
    r"s'en sert)|\bn'a jamais (?:vraiment )?(?:décollé|pris)\b",
    r"\b(?:compramos|implementamos|pagamos|instalamos)\b[^.;]{0,100}\bnadie (?:la|lo) (?:usó|usa|abrió|abre|utilizó)\b|"
    r"\bnunca (?:despegó|se adoptó|arrancó)\b",
)
# What they were promised is weaker than it sounds: "'real time' alerts are really next-morning alerts".
EXPECTATION_GAP = rx(
    r"[\"“„«]\s?(?:real[- ]time|live|instant|echtzeit|temps réel|en direct|tiempo real|en vivo)\s?[\"”“»]",
    r"\b(?:not|isn'?t|aren'?t|won'?t be|nicht|kein\w*|pas|ne sont pas|no (?:es|son|será))\s+(?:really |truly |wirklich |"
    r"vraiment |realmente |en )?(?:real[- ]time|echtzeit|temps réel|tiempo real)\b",
    r"\breally (?:next[- ](?:day|morning)|overnight|a day (?:late|behind))\b",
    r"\b(?:over-?promis\w*|over-?sell\w*|zu viel versprech\w*|survend\w*|promettre trop|prometer de más)\b",
    r"\b(?:will|would|there'?ll)\b[^.;]{0,20}\bdisappoint\w*|\b(?:gibt es|wird|würde)\b[^.;]{0,20}\benttäusch\w*|"
    r"\b(?:sera|seront|serait)\b[^.;]{0,20}\bdéçu\w*|\b(?:habrá|va a haber)\b[^.;]{0,20}\bdecepci\w*",
)

# Another part of the customer, or a neighbour, that may come on later: the shape of an expansion.
_OTHER_UNIT = (
    r"(?:division|business unit|sister (?:company|firm|brand)|subsidiar(?:y|ies)|affiliate|neighbou?ring|"
    r"other (?:site|plant|region|team|office|brand|compan(?:y|ie))s?|another (?:site|plant|region|team|office|brand|company)|"
    r"(?:our|their) (?:[\w-]+ ){1,2}(?:group|arm|brand|subsidiary|imprint|label|business line|product line)|"
    r"sparte|tochter\w*|nachbar\w*|schwester\w*|geschäftsbereich|filiale|voisin\w*|division|filial|vecin\w*|"
    r"hermana|unidad de negocio|(?:autres?|otr[oa]s?) (?:sites?|usines?|équipes?|sedes?|plantas?|equipos?))"
)
_NUMBER_WORD = (
    r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few|several|more|another|zwei|drei|vier|"
    r"fünf|sechs|weitere|deux|trois|quatre|cinq|six|plusieurs|dos|tres|cuatro|cinco|seis|varias|otr[oa]s)"
)
_SITES = (
    r"(?:branch|site|store|plant|office|clinic|practice|hospital|location|warehouse|depot|school|hotel|terminal|"
    r"filiale|standort|lager|werk|markt|klinik|magasin|agence|usine|entrepôt|dépôt|clinique|hôtel|sucursal|tienda|"
    r"planta|oficina|almacén|clínica|hotel|sede)"
)
GROWTH = rx(
    rf"\b{_OTHER_UNIT}\b[^.;]{{0,80}}\b(?:could|might|may|would|wants?|will|interested|asked|join\w*|come in|follow|"
    r"einsteigen|einsteig\w*|nachziehen|folgen|interess\w*|gemeinsam nutzen|mitnutzen|nachgefragt|mitmachen|pourrai\w*|"
    r"suivre|rejoindre|intéress\w*|podría\w*|sumar\w*|unir\w*|interesad\w*|quier\w*)\b",
    r"\b(?:join\w*|come in|einsteigen|suivre|sumarse)\b[^.;]{0,60}\b(?:next year|20\d\d|nächstes jahr|l'an prochain|"
    r"el año que viene|el próximo año)\b",
    # another unit with the same trouble is the next customer inside the customer
    rf"\b{_OTHER_UNIT}\b[^.;]{{0,80}}\b(?:same|similar|identical|gleiche\w*|ähnliche\w*|selbe\w*|même\w*|"
    r"similaires?|mism[oa]s?|parecid[oa]s?|iguales)\b",
    # a unit being bought or merged in, or sites being added: more of the customer to come
    r"\b(?:(?:are|is|we'?re|they'?re) (?:acquiring|buying|merging|taking over|in talks to)|(?:will|to|plan to|going to) "
    r"(?:acquire|buy|merge|take over)|(?:pending|planned|upcoming) (?:acquisition|merger)|"
    r"(?:übernehmen|kaufen|fusionieren) (?:\w+ ){0,4}(?:im|nächst|dieses|zum)|übernahme|"
    r"(?:allons|va|vont|en train de) (?:racheter|acquérir|fusionner)|rachat|"
    r"(?:vamos a|van a|estamos) (?:adquirir|comprar|fusionar)\w*|adquisición|fusión)\b",
    rf"\b(?:adds?|adding|bring(?:s|ing)? (?:in|on)|would add|brings?)\b[^.;]{{0,20}}\b{_NUMBER_WORD}\s+(?:more\s+|new\s+)?"
    rf"{_SITES}",
    # another team already asking for the same, or money set aside for adding people or units
    r"\b(?:team|department|group|office|unit|division|side|imprint|brand|business)s? (?:keeps? asking|(?:has |have )?"
    r"(?:already )?asked|(?:is|are) asking)\b[^.;]{0,40}\b(?:the same|it too|this too|access|for it|in\b)",
    r"\bbudget\w*\b[^.;]{0,40}\b(?:for|to) (?:add|adding|bring(?:ing)? in|roll(?:ing)? (?:it )?out to|extend\w*)\b",
)
# A later phase, module or wave with money set aside or a condition on it is growth, not the agreed rollout.
LATER_STAGE = rx(
    r"\b(?:second|2nd|third|next|later|another) (?:phase|module|stage|wave|product|line of business)\b",
    r"\bphase (?:two|2|three|3|ii)\b",
    r"\b(?:zweite|dritte|nächste)n? (?:phase|ausbaustufe|stufe|modul|welle)\b",
    r"\b(?:deuxième|seconde|troisième|prochaine) (?:phase|étape|vague|tranche)\b|\bsecond module\b",
    r"\b(?:segunda|tercera|próxima) (?:fase|etapa|ola)\b|\bsegundo módulo\b",
)
STAGE_CONDITION = rx(
    r"\bbudget",
    r"\bif\b",
    r"\bwould\b",
    r"\bcould\b",
    r"\bnext (?:year|fiscal)",
    r"\b20\d\d\b",
    r"\bonce\b",
    r"\bhaushalt",
    r"\bbudget",
    r"\bwenn\b",
    r"\bfalls\b",
    r"\bwürde",
    r"\bsi\b",
    r"\bpresupuesto\b",
)

# What was bought and the people put on it: an amount with licences, seats or service hours ("year one 96,000,
# 30 creators and 80 hours of services"), or a share of someone's time ("0.3 FTE", "eine halbe Stelle").
_AMOUNT = r"(?:[$€£]\s?\d|\d[\d.,\s]*\s?(?:k\b|\$|€|£|eur\b|euro|usd\b|cad\b|chf\b|dollars?|pesos?))"
SCOPE = rx(
    rf"{_AMOUNT}[^.;]{{0,120}}\b(?:licen[cs]es?|licencias?|lizenzen|seats|creators?|créateurs|creadores|users|usuarios|"
    r"utilisateurs|nutzer|hours|heures|horas|stunden|ps hours)\b",
    r"\b(?:licen[cs]es?|licencias?|lizenzen|seats|creators?|hours|heures|horas|stunden)\b[^.;]{0,120}" + _AMOUNT,
    r"\b\d+(?:[.,]\d+)?\s?fte\b",
    r"\b(?:halbe[n]? (?:stelle|mann)|mi-temps|media jornada|medio tiempo)\b",
)

# How the project gets set up, said as a fact of the plan: the customer's person on it and their share of time, the
# way users sign in, where it is hosted and the data lives, how we reach their data, the kickoff's date or place.
# Short lines carry these whole ("SSO: Google Workspace.", "Kickoff Monday 9 Feb."), so they are kept at any length.
_WEEKDAY = (
    r"(?:mon|tue|wed|thu|fri|sat|sun)(?:day|\.)?|montag|dienstag|mittwoch|donnerstag|freitag|lundi|mardi|mercredi|"
    r"jeudi|vendredi|lunes|martes|miércoles|jueves|viernes"
)
_SHARE = r"\d{1,3}\s?(?:%|percent|prozent|pour cent|por ciento)"
# one of their people given to the project for a share of the time ("Kumar from my team at about 60% from August",
# "Amélie trois jours par semaine", "Karla de TI al 50 %"); hours a chore eats are a pain (TIME_COST), not this
STAFFED = rx(
    # a share of a person with the time it runs or whose person it is: "at 50 % from May to September", "al 50 % de
    # julio a noviembre"; a share of records or revenue ("about 15% of orders") is not a person's time
    rf"\b(?:at|al|à|zu)\s+(?:about |around |roughly |environ |etwa |unos |ca\. )?{_SHARE}(?=[^.;]{{0,40}}\b{_MONTH}\b)",
    rf"\b(?:team|equipo|équipe|ti|it|informatique|abteilung)\b[^.;]{{0,40}}\b(?:at|al|à|zu)\s+"
    rf"(?:about |around |environ |etwa |unos |ca\. )?{_SHARE}(?![^.;]{{0,3}}\b(?:of|der|des|del|de la|de los)\b)",
    rf"\b{_SHARE} (?:of (?:his|her|their|my) time|(?:seiner|ihrer) (?:zeit|arbeitszeit)|de (?:son|leur) temps|"
    r"de su tiempo)\b",
)
# ... or days of the week: "Amélie trois jours par semaine", "Jonas ist zwei Tage pro Woche dabei"; days a chore eats
# each week ("Drei Tage pro Woche gehen für die Abstimmung drauf") are a pain
STAFFED_DAYS = rx(
    r"\b(?:one|two|three|four|1|2|3|4|un|une|deux|trois|quatre|einen?|zwei|drei|vier|uno|dos|tres|cuatro)\s+"
    r"(?:days?|jours?|tage?n?|días?)\s+(?:a|per|par|por|pro|la|in der|à la|a la)\s+(?:week|semaine|woche|semana)\b"
)
CHORE = rx(
    r"\b(?:spend\w*|spent|los[et]|losing|wast\w*|eats?|eating|burn\w*|costs?|drauf|kostet|kosten|verlier\w*|"
    r"verbring\w*|perd\w*|pass(?:e|ons|ent)|coûte\w*|pierd\w*|perdemos|gast\w*|cuesta\w*|se (?:nos )?va)\b"
)


# how their users sign in: an identity provider or single sign-on
IDENTITY = rx(
    r"\b(?:sso|single sign[- ]on|saml|oidc|openid connect|scim)\b",
    r"\b(?:okta|(?:microsoft )?entra id|microsoft entra|azure (?:ad|active directory)|active directory|google workspace|adfs|onelogin|"
    r"jumpcloud|ping ?identity|keycloak)\b",
)
# where it runs and where the data lives: "Sydney region", "data stays in Australia", "hébergé en France"
HOSTING = rx(
    r"\b(?-i:US|EU|UK|[A-Z][a-zé]+) (?:region|rechenzentrum|datacenter|data cent(?:er|re))\b",
    r"\b(?:región|région|region) (?:de |du |d')?(?-i:[A-Z])\w+",
    r"\bdata (?:stays?|resides?|lives?|remains?|is (?:stored|hosted|kept)|(?:stored|hosted|kept)) (?:in|on|within)\b",
    r"\b(?:hosted|hosting) (?:in|by|on|at) (?:the |a |an )?(?-i:[A-Z0-9])",
    r"\b(?:daten|die daten) (?:bleiben|liegen|werden \w* ?(?:gespeichert|gehostet))\b|\bgehostet (?:in|bei|im)\b",
    r"\b(?:données|les données) (?:restent|sont (?:stockées|hébergées))\b|\bhébergée?s? (?:en|au|chez|à|dans)\b",
    r"\b(?:hosting|hébergement|alojamiento|hospedaje|rechenzentrum)\s*[:–-]\s*\S",
    r"\b(?:data|daten|données|datos) (?:in|en|au|im) (?-i:[A-Z])",
    r"\b(?:datos|los datos) (?:se quedan|permanecen|residen|quedan|alojados|hospedados)\b|"
    r"\b(?:alojad[oa]s?|hospedad[oa]s?) (?:en|por)\b|\blo hospeda\b",
)
# how we get to their data: a read-only replica or user, a nightly export, a tunnel, SFTP, an API, a CSV download
DATA_ACCESS = rx(
    r"\bread[- ]only\b(?:\s+[\w-]+){0,2}\s+(?:replica|user|access|account|copy|connection|login|database)\b",
    r"\b(?:solo|sólo) lectura\b|\blecture seule\b|\bnur[- ]?les\w*|\blesezugriff\b|\blese-?replik\w*",
    r"\b(?:nightly|daily|weekly|nächtlich\w*|tägliche[rn]?|nocturnes?|quotidien\w*|nocturn[oa]s?|diari[oa]s?)\s+"
    r"(?:\w+\s+){0,2}(?:exports?|dumps?|extracts?|feeds?|sync|upload|abzug|exporte?|extrakte?|exportaci\w+|"
    r"volcados?|extracci\w+)\b",
    r"\b(?:exports?|dumps?|export|abzug|exportación|volcado)\s+(?:\w+\s+){0,4}(?:every night|each night|nightly|"
    r"jede nacht|nächtlich|chaque nuit|cada noche|nocturn\w*)\b",
    r"\b(?:vpn|ipsec|site-to-site|sftp|odbc|jdbc|túnel|tunnel)\b",
    r"\bcsv\b[^.;]{0,60}\b(?:portal|portail|download|descarga|herunterlad\w*)\b|"
    r"\b(?:portal|portail)\b[^.;]{0,60}\bcsv\b",
)
# the kickoff with its day or place: "Kickoff Monday 9 Feb.", "kick-off 1 September in Pune", "Auftakt am 3.11."
KICKOFF = rx(
    rf"\b(?:kick[- ]?off|auftakt\w*|lancement|réunion de lancement|arranque|reunión de (?:inicio|arranque|lanzamiento)|"
    rf"inicio del proyecto)\b[^.;?]{{0,40}}(?:\b(?:{_WEEKDAY}|{_MONTH})\b|\b\d{{1,2}}[./]\d{{1,2}}\b|"
    r"\b(?:in|at|en|à|in der|im|bei|on site|vor ort|sur site|presencial)\s+(?-i:[A-Z]))",
)
_SETUP_SHAPES = (IDENTITY, HOSTING, DATA_ACCESS, KICKOFF)


# Where the data must stay as a condition of buying, not a fact of the setup: a law named, or a must
# ("Daten bleiben in der EU …, und ich brauche einen AVV", "Hosting in Deutschland, DSGVO-konform", "data must stay
# in Singapore (PDPA)")
RESIDENCY_CONDITION = rx(
    r"\b(?:gdpr|dsgvo|rgpd|n?lpd|dsg|pdpa|dpdp|hipaa|ferpa|loi ?25|ley \d+|lgpd|avv|dpa)\b",
    r"\b(?:must|has to|have to|needs? to|non-negotiable|required|requirement|condition)\b",
    r"\b(?:muss|müssen|zwingend|bedingung|voraussetzung|bevor ich)\b",
    r"\b(?:doit|doivent|obligatoire|impérati\w*|exigence|condition)\b",
    r"\b(?:debe|deben|tiene que|tienen que|obligatori[oa]|requisito|condición)\b",
)
# What counts in the end ("Was für uns am Ende zählt: …", "what tipped it: …") says why they bought, whatever it lists
DECIDED_ON = rx(
    r"\bwhat (?:counts|matters|mattered|tipped it|won (?:it|us|them))\b",
    r"\bwas (?:für uns )?(?:am ende )?zählt\b",
    r"\bce qui (?:compte|a fait la différence|nous a décidés?)\b",
    r"\blo que (?:cuenta|importa|nos decidió|inclinó)\b",
)


@lru_cache(maxsize=4096)
def setup_fact(text: str) -> bool:
    """The sentence states how the project is set up (who of theirs works on it, sign-in, hosting, data access,
    kickoff): a fact to keep and file under implementation, however short. Where the data must stay as a condition,
    and a list of what decided the purchase, are reasons to buy. Asked several times per sentence (shape_sections,
    classify.place, assembly), so the answer is kept, as shape_sections' is."""
    if DRIVER.search(text) or DECIDED_ON.search(text) or SOURCE_LIMIT.search(text):
        return False  # a limit of the source system is a risk to the plan, not a fact of it
    if (STAFFED.search(text) or STAFFED_DAYS.search(text)) and not (TIME_COST.search(text) or CHORE.search(text)):
        return True
    if HOSTING.search(text) and RESIDENCY_CONDITION.search(text):
        return any(shape.search(text) for shape in (IDENTITY, DATA_ACCESS, KICKOFF))
    return any(shape.search(text) for shape in _SETUP_SHAPES)


# What today costs them, by shape: people or hours spent on a chore ("three of us spend four days reconciling",
# "it eats half a day of each manager's week"), a problem learnt of late or from their own customer, staff worn out.
_SPAN = (
    r"(?:\d+(?:[.,]\d+)?|one|two|three|four|five|six|seven|eight|ten|half|a|an|full|whole|einen?|zwei|drei|vier|fünf|"
    r"halben?|ganzen?|une?|deux|trois|quatre|cinq|demi|una?|dos|tres|cuatro|cinco|medio|media)"
)
_TIME = (
    r"(?:full |whole )?(?:hours?|days?|weeks?|afternoons?|mornings?|evenings?|weekends?|stunden?|tage?n?|wochen?|"
    r"nachmittage?|vormittage?|abende?|heures?|jours?|journées?|semaines?|après-midi|matinées?|soirées?|horas?|días?|"
    r"semanas?|tardes?|mañanas?|jornadas?)"
)
TIME_COST = rx(
    rf"\b(?:spends?|spending|spent|eats?|eating|ate|burns?|burning|costs?|loses?|losing|lose|takes?|sinks?|wastes?)\b"
    rf"[^.;]{{0,40}}\b{_SPAN}[\s-]+{_TIME}\b",
    rf"\b(?:kostet|kosten|kostete|verbring\w*|verlier\w*|brauch\w*|frisst|fressen|geh(?:t|en) \w+ drauf)\b[^.;]{{0,50}}"
    rf"\b{_SPAN}[\s-]+{_TIME}\b",
    rf"\b(?:pass(?:e|ent|ons)|perd(?:s|ons|ent)?|pren(?:d|nent|ons)|coût(?:e|ent)|mobilis\w*|y laiss\w*)\b[^.;]{{0,50}}"
    rf"\b{_SPAN}[\s-]+{_TIME}\b",
    rf"\b(?:pas(?:a|an|amos)|pierd\w*|perdemos|tard(?:a|an|amos)|lleva(?:n|mos)?|cuesta(?:n)?|cost(?:ó|aron)|dedica(?:n|mos)?|"
    rf"invert\w*|se (?:nos )?va(?:n)?)\b[^.;]{{0,50}}\b{_SPAN}[\s-]+{_TIME}\b",
)
LEARNT_LATE = rx(
    r"\b(?:find|found|finds|learn|learns|learned|learnt|hear|heard|discover\w*) (?:out )?"
    r"(?:about (?:[\w-]+ ){1,4})?(?:only )?(?:from (?:the|a|our) (?:customer|client|patient|member|guest|shipper)|when (?:the|a) (?:customer|client|patient|"
    r"member|guest) (?:calls|complains|tells)|weeks later|days later|too late|after the fact|at (?:check-?in|the counter|the door))",
    r"\b(?:surfaces?|shows? up|turns? up|comes? to light)\b[^.;]{0,30}\b(?:weeks?|months?|days?) (?:after|later)\b",
    r"\berfahren (?:wir |sie )?(?:\w+ ){0,3}erst\b|\berst (?:wenn|als) (?:der|die|ein) (?:kunde|kundin|patient\w*)\b",
    r"\b(?:on|nous) (?:l'|le |les )?(?:apprend|apprenons|découvr\w*) (?:\w+ ){0,3}(?:par le client|trop tard|après coup|"
    r"quand le client)\b",
    r"\bnos enteramos (?:\w+ ){0,3}(?:por el cliente|cuando el cliente|tarde|después)\b|\bcuando (?:el|un) cliente (?:llama|se queja)\b",
    # what they steer by arrives late ("six weeks late", "avec six semaines de retard")
    rf"\b{_SPAN}[\s-]+(?:weeks?|days?|months?) (?:late|behind|out of date)\b",
    rf"\b(?:avec|mit|con) {_SPAN} (?:semaines?|jours?|mois|wochen|tagen?|monaten?|semanas|días|meses) "
    r"(?:de retard|verspätung|verzögerung|de retraso)\b",
    # a figure they answer for that has slipped ("on-time delivery slipped to 86%")
    r"\b(?:slipped|dropped|fell|sank|declined|has gone down|went down) (?:to|below|under)\s+\d",
    r"\b(?:gesunken|gefallen|abgerutscht) (?:auf|unter)\s+\d|\b(?:tombée?s?|chutée?s?|baissée?s?) (?:à|sous)\s+\d|"
    r"\b(?:cayó|bajó|cayeron|bajaron) (?:a|al|por debajo de(?:l)?)\s+\d",
)
# Figures that never agree, a chore that breaks with every change, a queue of requests, work no one is there to do.
FRICTION = rx(
    r"\b(?:don'?t|didn'?t|doesn'?t|do not|did not|never|rarely) (?:match|tie out|tie|agree|add up|line up|reconcile)\b",
    r"\b(?:stimm\w* (?:\w+ ){0,3}nicht|selten) (?:\w+ ){0,6}überein\b|\bpass\w* nie zusammen\b",
    r"\bne (?:correspond\w*|concord\w*) (?:jamais|pas)\b|\bno (?:cuadra\w*|coincide\w*)\b",
    r"\b(?:breaks?|crash(?:es)?|falls? over|stops? working|fails?)\b[^.;]{0,40}\b(?:every|each|whenever|any time)\b",
    r"\b(?:every time|whenever)\b[^.;]{0,60}\b(?:breaks?|crash(?:es)?|falls? over|stops? working)\b",
    r"\b(?:bricht|fällt \w*\s?aus|stürzt \w*\s?ab)\b[^.;]{0,40}\b(?:jede[mnrs]?|immer wenn)\b|"
    r"\b(?:jede[mnrs]?|immer wenn)\b[^.;]{0,60}\b(?:bricht|ausfällt|abstürzt)\b",
    r"\b(?:plante|casse|tombe en panne)\b[^.;]{0,40}\b(?:chaque|à chaque)\b|\bà chaque\b[^.;]{0,60}\b(?:plante|casse)\b",
    r"\b(?:se (?:rompe|cae)|falla)\b[^.;]{0,40}\bcada\b|\bcada vez que\b[^.;]{0,60}\b(?:se rompe|se cae|falla)\b",
    r"\b(?:\d+|dozens of|hundreds of) (?:open|unanswered|pending|outstanding) (?:[\w-]+ ){0,2}(?:requests|tickets|cases|claims)\b",
    r"\b(?:queue|backlog|waiting list)\b[^.;]{0,30}\b(?:\d+|two|three|four|five|six|several) (?:weeks?|months?|days?)\b",
    r"\b(?:offene[n]? (?:\w+ )?(?:tickets|anfragen)|warteschlange|rückstau)\b",
    r"\b(?:file d'attente|demandes en attente|tickets ouverts)\b|\b(?:cola|solicitudes pendientes|tickets abiertos)\b",
    r"\b(?:don'?t|do not) have (?:anyone|anybody|the people|the staff|the time)\b|\b(?:no one|nobody) (?:to|who can)\b",
    r"\bwithout knowing\b|\bno idea (?:which|whether|how|what|where)\b",
    r"\b(?:flying blind|à l'aveugle|a ciegas|im blindflug|blind (?:fliegen|steuern))\b",
    r"\b(?:i'?m|we'?re|i am|we are) (?:just |basically |honestly |mostly )?guessing\b|\bguesswork\b|\bgut feel\b",
    r"\bnach bauchgefühl\b|\bau (?:doigt mouillé|pifomètre)\b|\b(?:a ojo|al tanteo)\b",
)
WORN_OUT = rx(
    r"\b(?:quit|quits|resigned|burn(?:ed|t)?[- ]?out|burnout|walked out)\b",
    r"\b(?:\d+|two|three|four|five|several|some) (?:[\w-]+ ){0,2}(?:[\w-]+s|staff|people) (?:have |had )?(?:left|quit|"
    r"resigned)\b",
    r"\b(?:nearly |almost )?lost (?:a|an|one|two|three|\d+|one of our|some of our|our best) (?:[\w-]+ ){0,2}"
    r"(?:managers?|analysts?|planners?|nurses?|drivers?|staff|engineers?|employees?|dispatchers?|agents?)\b",
    r"\b(?:ausgebrannt|burn-?out)\b",
    r"\b(?:démissionn\w*|épuis\w*|claqu\w* la porte)\b",
    r"\b(?:renunció|renunciaron|quemad[oa]s|agotad[oa]s)\b",
)

# A reason to buy said without "why": what the customer must beat, what they were asked for, what won them over.
_EVENT = (
    r"(?:season|surge|peak|rush|holidays?|christmas|summer|winter|spring|fall|autumn|fair|trade show|expo|audit|exam|"
    r"inspection|launch|campaign|anniversary|deadline|renewal|year[- ]end|release|board meeting|harvest|"
    r"(?:fiscal|financial) year|saison|salon|messe|weihnacht\w*|sommer|winter|prüfung|audit|ernte|geschäftsjahr|"
    r"temporada|feria|auditoría|campaña|navidad|verano|cosecha|vendimia|récolte|vendanges|exercice)"
)
_LIMIT = (
    r"(?:budget|cap|ceiling|limit|threshold|envelope|set aside|plafond|seuil|limite|enveloppe|presupuesto|tope|umbral|"
    r"límite|obergrenze|grenze|schwelle|deckel)"
)
_FIGURE_SPAN = r"(?:[^.;]|(?<=\d)[.](?=\d)){0,40}"  # "52.000 Euro" keeps its point inside the span
_LANGUAGE = (
    r"(?:english|german|french|spanish|dutch|italian|portuguese|inglés|alemán|francés|español|castellano|neerlandés|"
    r"anglais|allemand|français|espagnol|néerlandais|italien|englisch|deutsch|französisch|spanisch|niederländisch)"
)
_SCREEN = (
    r"(?:ui|interface|screens?|dashboards?|reports?|alerts?|app|menus?|oberfläche|benutzeroberfläche|berichte|"
    r"interfaz|pantallas?|tableros?|informes|alertas|écrans?|tableaux de bord|rapports|alertes)"
)
_DEVICE = (
    r"(?:phones?|smartphones?|tablets?|ipads?|mobiles?|handys?|telefon|téléphones?|portables?|tablettes?|móvil(?:es)?|"
    r"celular(?:es)?|teléfonos?|tabletas?)"
)
DRIVER = rx(
    # a date to beat: "we have to be running on something better before the holiday surge"
    rf"\b(?:needs?|have to|has to|must|wants?|got to)\b[^.;]{{0,80}}\bbefore (?:the |our |their |next )?(?:\w+ ){{0,3}}{_EVENT}",
    rf"\bbefore (?:the |our |their |next )?(?:\w+ ){{0,2}}{_EVENT}\b[^.;]{{0,60}}\b(?:need|have to|has to|must)\b",
    r"\btiming (?:matters|is (?:everything|key|critical))\b|\bthe clock is ticking\b|\bzeit drängt\b|"
    r"\bil y a urgence\b|\bel tiempo apremia\b",
    r"\b(?:bis (?:zur|zum)|vor (?:der|dem|den)) [^.;]{0,40}\b(?:müssen|muss|brauchen|braucht)\b",
    rf"\b(?:avant|d'ici) (?:la|le|l'|les) ?[^.;]{{0,30}}{_EVENT}[^.;]{{0,50}}\b(?:faut|devons|doit)\b",
    rf"\b(?:tenemos|hay) que\b[^.;]{{0,60}}\bantes de (?:la|el|las|los) [^.;]{{0,20}}{_EVENT}",
    # a price inside the customer's limit: "lands under the ceiling our board set", "liegt unter dem Budget"
    rf"\b(?:under|below|inside|within|fits(?: in| into| inside| within)?|stays? (?:in|inside|within)|unter|innerhalb|"
    rf"im rahmen|sous|dans|en dessous de|dentro de|por debajo de)\s+(?!pressure\b|review\b|fire\b|threat\b)"
    rf"(?:[\w$€£.,']+\s+){{0,4}}?{_LIMIT}\b",
    r"\broom to spare\b",
    r"\b(?:debajo|en dessous|au-dessous) del? (?:\w+ ){0,2}" + _LIMIT + r"\b",
    # the amount someone may sign alone: "I can sign it without the board", "ohne Aufsichtsrat", "sin licitación"
    r"\b(?:sign|approve|buy|order|decide)\w*\b[^.;]{0,40}\bwithout (?:a |an |the |any |going to (?:the )?)?(?:[\w-]+ )?"
    r"(?:board|committee|rfp|tender|procurement|approval|sign-?off)\b",
    r"\b(?:unterschreib\w*|unterzeichn\w*|freigeb\w*|bestell\w*|entscheid\w*|kauf\w*)\b[^.;]{0,40}\bohne (?:den |die |das |eine? )?(?:\w+ )?"
    r"(?:aufsichtsrat|vorstand|gremium|ausschuss|ausschreibung|beirat|freigabe)\b",
    r"\b(?:sign\w*|approuv\w*|command\w*|achet\w*|décid\w*)\b[^.;]{0,40}\bsans (?:passer (?:par|devant) )?(?:le |la |l'|un |une )?(?:\w+ )?"
    r"(?:comité|conseil|appel d'offres|board|direction générale)\b",
    r"\b(?:firm\w*|aprob\w*|compr\w*|decid\w*)\b[^.;]{0,40}\bsin (?:pasar por )?(?:el |la |un |una )?(?:\w+ )?(?:consejo|comité|"
    r"licitación|junta|directorio)\b",
    # a price ceiling in so many words: "year one can't exceed 68,000", "darf 150.000 nicht überschreiten"
    r"\b(?:can(?:not|'t)|must not|may not|won'?t|mustn'?t) (?:exceed|go (?:over|above)|be more than)\b",
    r"\bnicht (?:über(?:schreiten|steigen)|mehr als)\b|\b(?:über(?:schreiten|steigen)) (?:darf|dürfen)\b",
    r"\bne (?:doit|doivent|peut|peuvent|pourra) pas dépasser\b",
    r"\bno (?:puede|pueden|debe|deben|podrá) (?:pasar de|superar|exceder|rebasar)\b",
    r"\b(?:as long as|provided|so long as|solange|sofern|tant que|pourvu que|siempre que|mientras)\b[^.;]{0,60}"
    r"\b(?:under|below|unter|sous|moins de|por debajo de|menos de)\s+(?:[$€£]\s?)?\d",
    # where the data must live, as a condition: "data must stay in the UK", "legal wants the data hosted in Mexico"
    r"\bdata\b[^.;]{0,40}\b(?:must|has to|have to|needs? to|can(?:not|'t)|may not|never|is not allowed to)\s+"
    r"(?:stay|remain|leave|be (?:hosted|stored|kept))\b",
    r"\b(?:wants?|insists? on|requires?|demands?|non-negotiable|must be)\b[^.;]{0,30}\b(?:hosted|hosting|stored|residency)"
    r" (?:in|within|inside)\b",
    r"daten\b[^.;]{0,50}\b(?:müssen|muss|dürfen|darf|sollen)\b[^.;]{0,40}\b(?:bleiben|verlassen|gehostet|liegen)\b",
    r"\bdonnées\b[^.;]{0,40}\b(?:ne (?:sortent|quittent|doivent pas (?:sortir|quitter))|(?:doivent|doit) (?:rester|être hébergée))",
    r"\bdatos\b[^.;]{0,40}\b(?:deben|debe|tienen que|tiene que|no pueden|no puede|no salen|no deben)\b[^.;]{0,20}"
    r"\b(?:quedar\w*|permanecer|estar|salir|alojad\w*|de)\b",
    r"\b(?:quiere|exige|pide|requiere)n?\b[^.;]{0,30}\b(?:datos|alojamiento)\b[^.;]{0,20}\b(?:alojad\w*|hospedad\w*|en)\b",
    # the language the people who use it need: "wants German UI", "everything in Spanish: UI, alerts, support"
    rf"\b{_LANGUAGE}\s+{_SCREEN}\b",
    rf"\b(?:everything|all|fully|entirely|completely|only|tout|entièrement|todo|completamente|alles|komplett|vollständig)"
    rf"\b[^.;]{{0,12}}\b(?:in|en|auf) {_LANGUAGE}\b",
    rf"\b{_SCREEN}\b[^.;]{{0,25}}\b(?:in|en|auf) {_LANGUAGE}\b[^.;]{{0,30}}\b(?:must|need|has to|have to|only|muss|müssen|"
    r"doit|doivent|faut|debe|deben|tiene que|tienen que)\b",
    rf"\b(?:don'?t|do not|doesn'?t|can'?t|cannot|never) (?:read|speak|understand)\s+{_LANGUAGE}\b",
    rf"\b(?:ne (?:lisent|parlent|comprennent) pas (?:l')?|no (?:leen|hablan|entienden) ){_LANGUAGE}\b",
    rf"\b(?:sprechen|lesen|verstehen) (?:kein|nicht) {_LANGUAGE}\b",
    # the staff who must use it on a phone or tablet: "the mechanics need to use this on the hangar tablets"
    rf"\b(?:need|needs|must|has to|have to|want|wants|will only|won'?t|müssen|muss|wollen|doivent|doit|veulent|faut|"
    rf"necesitan|tienen que|deben|quieren)\b[^.;]{{0,40}}\b(?:on|from|auf|am|sur|depuis|en|desde)\s+(?:the |their |his |her |a |"
    rf"dem |ihrem |ihren |leur |leurs |la |le |su |sus |el |la )?(?:[\w-]+ )?{_DEVICE}\b",
    # billing that fits the buyer: "invoiced in pesos", "facturé en euros", "pagar en dólares"
    r"\b(?:invoice[ds]?|invoicing|billed|billing|priced|pay|paid|quoted?|factur\w*|pag\w*|cotiz\w*|rechnung\w*|"
    r"abgerechnet|bezahl\w*|payer|payé\w*|tarif\w*)\b[^.;]{0,20}\b(?:in|en) (?:local )?(?:pesos|dollars?|dólares|euros?|"
    r"rands?|rupees|pounds|libras|francs?|francos|chf|mxn|usd|eur|gbp|cad|aud|inr|zar|local currency|moneda local|"
    r"devise locale|landeswährung)\b",
    # a referral: "your name came from Jeff at Alpine", "hat Sie uns empfohlen", "nous a recommandé", "nos recomendó"
    r"\b(?:your name came from|recommended (?:you|your|lumen|us to)|referred (?:us|me) to you|came to you through|"
    r"(?:via|through|by|on) (?:a |the )?(?:referral|recommendation) (?:from|of|by)|referral from)\b",
    r"\b(?:(?:hat|haben) (?:uns |mir )?(?:euch|sie|ihre firma) (?:\w+ )?empfohlen|auf empfehlung (?:von|des|der))\b",
    r"\b(?:(?:nous|m') (?:a|ont) recommandé|sur (?:la )?recommandation (?:de|d'))\b",
    r"\b(?:(?:nos|me) (?:recomendó|recomendaron|refirió|refirieron)|por recomendación de)\b",
    r"\b(?:a|my|our|one of (?:my|our)) (?:friend|colleague|peer|contact|counterpart)s?\b[^.;]{0,60}\b(?:said|told|mentioned|"
    r"recommended|swears? by|raved)\b",
    r"\b(?:eine?r?|mein\w*) (?:freund|kolleg|bekannt)\w*\b[^.;]{0,60}\b(?:sagte|meinte|erzählte|empfahl|hat (?:\w+ )?"
    r"(?:erzählt|gesagt|empfohlen))\b",
    r"\b(?:une?|mon|ma) (?:ami|amie|collègue|confrère|consœur|contact)\b[^.;]{0,60}\b(?:m'a dit|nous a dit|a dit|m'a parlé|"
    r"a recommandé|recommande)\b",
    r"\b(?:una?|mi) (?:amig[oa]|colega|conocid[oa]|contacto)\b[^.;]{0,60}\b(?:dijo|me contó|nos contó|comentó|recomendó)\b",
    # the offer accepted or its amount approved: "your proposal at 412,000 works for me", "ya autorizó el monto"
    r"\b(?:proposal|offer|quote|price|pricing)\b"
    + _FIGURE_SPAN
    + r"\b(?:works for (?:me|us)|is fine|fits|we can live with)\b",
    r"\b(?:angebot|preis)\b"
    + _FIGURE_SPAN
    + r"\b(?:passt|ist in ordnung|geht (?:für uns )?in ordnung|können wir mitgehen)\b",
    r"\b(?:proposition|offre|prix|tarif)\b"
    + _FIGURE_SPAN
    + r"\b(?:me convient|nous convient|(?:nous|me) va|est acceptable)\b",
    r"\b(?:propuesta|oferta|precio)\b"
    + _FIGURE_SPAN
    + r"\b(?:me sirve|nos sirve|está bien|está ok|nos conviene|me conviene|"
    r"nos cuadra)\b",
    r"\b(?:approved|authori[sz]ed|signed off(?: on)?|autoriz\w+|aprob\w+|genehmigt|freigegeben|bewilligt|approuvé|validé)"
    r"\b[^.;]{0,15}\b(?:amount|budget|spend|price|monto|importe|presupuesto|betrag|budget|montant|enveloppe)\b",
    # an amount set aside and not a cent more: "I have budgeted 250,000 this year, no more"
    r"\b\d[\d.,\s]*(?:k\b|m\b|\s?[$€£]|\s?(?:euros?|dollars?|pesos|francs?))[^.;]{0,60}[,;:–-]\s*(?:and )?(?:not|no|nicht|pas|"
    r"ni) (?:a (?:cent|penny|dollar|euro) |un (?:centime|euro|peso) )?(?:more|mehr|plus|más)\b",
    r"\b(?:budgeted|earmarked|eingeplant|budgetiert|veranschlagt|budgété|prévu au budget|presupuestad[oa]s?)"
    r"\b",
    # what tipped it or won someone over: "the sample dashboard won Travis over", "a fait pencher la balance"
    r"\bwon (?:\w+ ){1,3}over\b|\btip(?:s|ped)? (?:it|the (?:balance|scales))\b|\bden ausschlag\b|"
    r"\bfait pencher\b|\binclin\w+ la balanza\b",
    # the top of someone's list: "the president made enrollment the top priority", "oberste Priorität"
    r"\b(?:top|first|number[- ]one|highest|main|no\. ?1|#1) priority\b",
    r"\b(?:oberste|höchste|erste) priorität\b|\bchefsache\b",
    r"\bpriorité (?:absolue|numéro un|n° ?1|première)\b|\b(?:première|grande) priorité\b",
    r"\b(?:máxima|primera|principal) prioridad\b|\bprioridad (?:número uno|absoluta)\b",
    # a must-have that was met: "a hard requirement for us and your team showed it working"
    r"\b(?:must[- ]have|hard requirement|requirement|deal[- ]?breaker|non[- ]negotiable|prerequisite|voraussetzung|"
    r"anforderung|pflicht|exigence|condition sine qua non|requisito)\b[^.;]{0,90}\b(?:met|ticked|checked|covered|"
    r"satisfied|showed|shown|proved|handled|erfüllt|abgedeckt|remplie?s?|satisfaite?s?|cumpl\w+)\b",
    r"\b(?:box|häkchen) (?:is )?(?:ticked|checked)\b",
    # a feature that won people over: "the drill-down sold the whole room", "hat die Werksleiter überzeugt"
    r"\b(?:sold|won over|hooked|blew away|convinced|impressed|wowed)\b (?:the |our |my |his |her )?(?:whole |entire )?"
    r"(?:room|team|board|us|them|everyone|people|managers?|staff|\w+ (?:team|leads?|managers?))\b",
    r"\b(?:loved|fell for|raved about|excited about|can't stop talking about)\b",
    r"\b(?:überzeugt|begeistert|angetan)\b",
    r"\b(?:séduit|convaincu|emballés?|conquis)\b",
    r"\b(?:encant[óa]|convenci[óe]|entusiasm\w+|nos conquist\w+)\b",
    # a board, regulator, auditor or insurer asking for it
    r"\b(?:board|regulators?|examiners?|auditors?|insurers?|reinsurers?|supervisors?|inspectors?|beirat|aufsichtsrat|"
    r"vorstand|prüfer|aufsicht|behörde|versicherer|conseil d'administration|régulateur|autorité|auditeurs?|assureurs?|"
    r"consejo|junta directiva|regulador|auditores?|asegurador\w*)\b[^.;]{0,60}\b(?:asked|asks|demand\w*|requires?|"
    r"required|expects?|expecting|flagged|mandated?|told us|insist\w*|pushed|verlangt|fordert|gefordert|erwartet|"
    r"bemängelt|exig\w+|demandé|attend|pid\w+|requier\w+|esper\w+)\b",
    # us at a former employer: "he used Lumen at Gulfstar before he joined us", "kennt uns von ihrem früheren Arbeitgeber"
    r"\b(?:at|from|in) (?:his|her|my|their|our) (?:previous|last|former|old) (?:\w+ )?(?:company|job|employer|role|"
    r"firm|shop|place|hospital|clinic|school|plant|bank|agency|store|group)\b",
    r"\bbefore (?:he|she|i|they) (?:joined|came (?:here|over|to us))\b",
    r"\b(?:seine[mr]?|ihre[mr]?|meine[mr]?|unsere[mr]?|de[mrn]) (?:früheren|vorherigen|letzten|alten) [A-ZÄÖÜ]?\w+",
    r"\b(?:son|sa|mon|ma) (?:ancien(?:ne)?|précédente?) (?:employeur|poste|entreprise|société|clinique|hôpital|\w+)\b",
    r"\b(?:empresa|trabajo|empleo|empleador) anterior\b",
    # the one person who knows the old way retiring
    r"\b(?:retir(?:es|ing|ement)|in (?:rente|pension)|ruhestand|retraite|jubila\w*)\b[^.;]{0,100}\b(?:only|nobody else|"
    r"no one else|einzige|niemand|le seul|la seule|personne d'autre|el único|la única|nadie)\b",
    r"\b(?:only (?:one|person)|nobody else|no one else|einzige|le seul|la seule|el único|la única)\b[^.;]{0,100}"
    r"\b(?:retir(?:es|ing|ement)|in rente|ruhestand|retraite|jubila\w*)\b",
)
# ... not when the enthusiasm is denied ("not convinced", "nicht überzeugt", "pas encore séduit"): that is a worry
UNCONVINCED = rx(
    r"\b(?:not|never|nicht|kein\w*|pas|jamais|no)\b(?:\s+\w+){0,3}\s+(?:sold|convinced|impressed|loved|won over|"
    r"überzeugt|begeistert|angetan|séduite?s?|convaincue?s?|emballée?s?|conquise?s?|convencid\w*|entusiasm\w*)\b"
)


# A target under its horizon, as a plan writes it: "First 90 days: …", "6 meses | …", "Nach 6 Monaten: …",
# "À 90 jours : …", "Year one – …", "A 90 días: que el informe semanal salga solo"
_COUNT = (
    r"(?:\d{1,3}|thirty|sixty|ninety|three|six|nine|twelve|eighteen|dreißig|neunzig|drei|sechs|neun|zwölf|"
    r"trente|quatre-vingt-dix|trois|six|neuf|douze|treinta|noventa|tres|seis|nueve|doce)"
)
_PERIOD = r"(?:days?|months?|weeks?|tage[n]?|monate[n]?|wochen|jours|mois|semaines|días|dias|meses|semanas)"
TARGET_LABEL = rx(
    rf"^\W{{0,3}}(?:(?:first|the first|after|within|by|in|at|erste[nr]?|nach|in den ersten|innerhalb von|premiers?|"
    rf"les premiers|après|à|a|au bout de|dans|d'ici|primeros?|los primeros|tras|en|a los|dentro de)\s+)?{_COUNT}"
    rf"[\s-]*{_PERIOD}\s*(?:\([^)]{{0,30}}\)\s*)?[:|–—]",
    r"^\W{0,3}(?:year|jahr|année|año)\s*(?:one|1|eins|un|uno)\s*[:|–—]",
    r"^\W{0,3}(?:(?:by |at |bis |à |al? )?(?:month|monat|mois|mes)\s+\d{1,2})\s*[:|–—]",
    r"^\W{0,3}(?:(?:at|in|within|by|after|nach|innerhalb|après|dans|tras|al cabo de|dentro de|en|à|a)\s+)?"
    r"(?:one|a|1|the first|einem|un|une|uno|el primer|la première)\s+(?:year|jahr|an|année|año)\s*[:|–—]",
    r"^\W{0,3}au bout d'(?:un an|une année)\s*[:|–—]",
)

_RISK_SHAPES = (THIN_TEAM, WATCH, NON_ADOPTION, BLOCKED_WINDOW, WARNING, DATA_DEFECT, DOUBTER, GATED, SHELFWARE,
                EXPECTATION_GAP, UNCONVINCED, ADOPTION_FEAR, SOURCE_LIMIT)  # fmt: skip


@lru_cache(maxsize=4096)
def shape_sections(text: str) -> frozenset[str]:
    """The sections the shape of ``text`` points to (empty when it has none of these shapes); a sentence is asked
    more than once (classify and place), so the answer is kept."""
    found = set()
    threat = DEAL_THREAT.search(text)
    # a condition and its cost is a threat, whatever it was asked for
    driver = bool(DRIVER.search(text)) and not threat and not UNCONVINCED.search(text)
    if (
        threat
        or any(shape.search(text) for shape in _RISK_SHAPES)
        or (REFUSAL.search(text) and not _CONDITION_FIRST.search(text))
        or (ONE_PERSON.search(text) and not driver)  # the one who knows the old way retiring is why they buy
    ):
        found.add("risks")
    if GROWTH.search(text) or (LATER_STAGE.search(text) and STAGE_CONDITION.search(text)):
        found.add("expansion")
    if any(shape.search(text) for shape in (TIME_COST, LEARNT_LATE, FRICTION, WORN_OUT)):
        found.add("pain_points")
    if SCOPE.search(text) or setup_fact(text):
        found.add("implementation")
    if TARGET_LABEL.search(text):
        found.add("success_metrics")
    if driver:
        found.add("purchase_drivers")
    return frozenset(found)
