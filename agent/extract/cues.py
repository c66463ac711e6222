"""Cue phrases for what a sentence talks about, in English, German, French and Spanish.

What it is for: the headings that announce a section ("Risks", "Nächste Schritte",
"Objectifs"), the cue phrases per section, horizon and date words, promise verbs, and
``section_scores`` which counts them. The classifier (sectioner.py) reads these counts as
features next to the sentence's embedding, so a cue adds evidence but never decides alone.
General phrasing only, never text from one customer's mail. Not for: competitors, junk
and signature rules (lexicon.py), or the title-to-role cues (people.py).
"""

from __future__ import annotations

import re

from agent.extract.lexicon import rx

HEADINGS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("rep_perspective", rx(r"\bmy read\b", r"\bpolitic", r"\bperspective\b", r"\bpeople\b", r"\bdecision[- ]?maker",
                            r"\bchampion\b", r"\bpersonal\b", r"\bwho'?s who\b", r"\bmy take\b", r"\bgut\b")),
    ("success_metrics", rx(r"\bsuccess\b", r"\bmetric", r"\bkpi", r"\bgoals?\b", r"\boutcomes?\b", r"\bwin looks")),
    ("pain_points", rx(r"\bpain", r"\bproblems?\b", r"\bchallenges?\b", r"\bcurrent state\b", r"\btoday\b")),
    ("purchase_drivers", rx(r"\bdrivers?\b", r"\bwhy (?:they|we) (?:bought|won|buy)", r"\bwhy now\b", r"\breasons?\b",
                             r"^\W*why\b")),
    ("implementation", rx(r"\bimplementation\b", r"\btimeline\b", r"\brollout\b", r"\bintegrations?\b",
                           r"\bresources?\b", r"\bphas(?:e|ing)\b", r"\bplan\b", r"\bgo-?live\b", r"\btechnical\b")),
    ("competitive_context", rx(r"\bcompetit", r"\balternatives?\b", r"\bwhy we won\b", r"\bvs\.?\b")),
    ("commitments", rx(r"\bcommit", r"\bpromis", r"\bfollow-?ups?\b", r"\bnext steps\b", r"\baction items\b",
                        r"\bwe owe\b", r"\bopen items\b")),
    ("expansion", rx(r"\bexpansion\b", r"\bupsell\b", r"\bgrowth\b", r"\bwhite ?space\b", r"\bnext (?:year|phase)\b",
                      r"\bupside\b")),
    ("risks", rx(r"\brisks?\b", r"\bconcerns?\b", r"\bwatch[- ]?outs?\b", r"\bred flags?\b", r"\bworries\b",
                  r"\bcaveats?\b", r"\bwarnings?\b")),
    ("company_overview", rx(r"\bcompany\b", r"\boverview\b", r"\babout (?:them|the customer)\b", r"\bbackground\b")),
    ("stakeholders", rx(r"\bstakeholders?\b", r"\battendees\b")),
)  # fmt: skip

# A label that names a topic, not a section: it files the one sentence it opens ("On funding: a grant pays half"),
# while the sentences after it in the paragraph go where they fit (the next may be a risk to that money).
TOPIC_LABELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("purchase_drivers", rx(r"\bfunding\b", r"\bmoney\b", r"\bfinanc(?:e|es|ing)\b", r"\bprocurement\b",
                            r"\bpurchasing\b", r"\bfinanzierung\b", r"\bförderung\b", r"\bbeschaffung\b",
                            r"\bfinancement\b", r"\bsubventions?\b", r"\bachats?\b", r"\bfinanciaci[oó]n\b",
                            r"\bfinanciamiento\b", r"\bsubvenci[oó]n\b", r"\bcompras\b")),
    # a system or technical area named before what runs there ("ERP: …", "Payroll: …", "Contabilidad: …")
    ("implementation", rx(r"\berp\b", r"\bcrm\b", r"\bcore\b", r"\baccounting\b", r"\bpayroll\b", r"\bbilling\b",
                          r"\btelematics\b", r"\bidentity\b", r"\bsso\b", r"\bhosting\b", r"\bnetwork\b",
                          r"\bschedul\w*", r"\bdispatch\b", r"\bhistorian\b", r"\bgis\b", r"\bsystems?\b", r"\bstack\b",
                          r"\btechni(?:k|cal|que)\b", r"\btechnology\b", r"\babrechnung\b", r"\bbuchhaltung\b", r"\blohn\w*",
                          r"\btelematik\b", r"\bcomptabilité\b", r"\bpaie\b", r"\btélématique\b", r"\bplanification\b",
                          r"\bfacturation\b", r"\bhébergement\b", r"\bcontabilidad\b", r"\bnómina\b",
                          r"\bfacturación\b", r"\btelemática\b", r"\bsistemas?\b", r"\binfra\w*")),
)  # fmt: skip

_MORE_HEADINGS = {
    "rep_perspective": rx(r"\bpersonen\b", r"\bdie leute\b", r"\bmenschen\b", r"\bpolitik\b", r"\bmeine einschätzung\b",
                          r"\bpersonnes\b", r"\bles gens\b", r"\bpolitique\b", r"\bmon avis\b", r"\bmon regard\b",
                          r"\bpersonas\b", r"\bla gente\b", r"\bpol[íi]tica\b", r"\bmi opini[óo]n\b", r"\bmi lectura\b"),
    "success_metrics": rx(r"\bziele?\b", r"\berfolg", r"\bobjectifs?\b", r"\bobjetivos?\b", r"\bkennzahlen\b",
                          r"\bindicateurs\b", r"\bindicadores\b"),
    "pain_points": rx(r"\bprobleme\b", r"\bproblèmes\b", r"\bproblemas\b", r"\bherausforderungen\b",
                      r"\bdifficultés\b", r"\bdificultades\b"),
    "purchase_drivers": rx(r"\bgründe\b", r"\btreiber\b", r"\bkaufgr[üu]nde?\b", r"\braisons\b", r"\bmotivations?\b",
                           r"\bmoteurs?\b", r"\brazones\b", r"\bmotivos\b", r"\bmotivaciones\b", r"\bimpulsores\b", r"\bpourquoi maintenant\b",
                           r"\bwarum jetzt\b", r"\bpor qué ahora\b", r"^\W*(?:warum|wieso|weshalb|pourquoi|por ?qu[ée])\b"),
    "implementation": rx(r"\bzeitplan\b", r"\beinführung\b", r"\bcalendrier\b", r"\bmise en (?:œ|oe)uvre\b",
                         r"\bdéploiement\b", r"\bimplantación\b", r"\bcalendario\b", r"\bcronograma\b"),
    "competitive_context": rx(r"\bwettbewerb\b", r"\bconcurrence\b", r"\bcompetencia\b"),
    "commitments": rx(r"\bnächste schritte\b", r"\bzusagen\b", r"\bprochaines étapes\b", r"\bengagements\b",
                      r"\bpróximos pasos\b", r"\bcompromisos\b",
                      # a lead-in that announces our promises: "Lumen se compromete a:", "wir verpflichten uns zu:",
                      # "nous nous engageons à :", "what we agreed:", "ce que nous avons convenu :", "lo acordado:"
                      r"\bcomprome(?:te|temos|to)\b", r"\bverpflicht\w*", r"\bs?'?engage(?:ons|ns)?\b",
                      r"\bwhat we(?:'ve| have)? agreed\b", r"\bwas wir (?:vereinbart|zugesagt)\b",
                      r"\bce que nous avons convenu\b", r"\blo (?:que )?(?:acordado|acordamos)\b",
                      r"^\W*(?:como acordamos|wie vereinbart|comme convenu|as agreed)\W*$"),
    "expansion": rx(r"\bausbau\b", r"\bextension\b", r"\bexpansión\b", r"\bcrecimiento\b", r"\bpotenzial\b",
                    r"\bpotentiel\b", r"\bpotencial\b"),
    "risks": rx(r"\brisik(?:o|en)\b", r"\bbedenken\b", r"\brisques?\b", r"\bpoints? d'(?:attention|vigilance)\b",
                r"\binquiétudes\b", r"\briesgos?\b", r"\bpreocupaciones\b"),
    "company_overview": rx(r"\bunternehmen\b", r"\bentreprise\b", r"\bempresa\b"),
}  # fmt: skip
HEADINGS = tuple(
    (
        key,
        re.compile(f"{pattern.pattern}|{_MORE_HEADINGS[key].pattern}", re.IGNORECASE)
        if key in _MORE_HEADINGS
        else pattern,
    )
    for key, pattern in HEADINGS
)

SECTION_CUES: dict[str, re.Pattern[str]] = {
    "company_overview": rx(
        r"\b\d[\d,.]*\+?\s+(?:employees|staff|people|stores|hospitals|plants|terminals|locations|sites|branches|"
        r"districts|schools|students|beds|warehouses|facilities|offices|countries)\b",
        r"\b(?:two|three|four|five|six|seven|eight|nine|ten|twelve|fourteen)\s+(?:acute[- ]care\s+)?(?:hospitals|plants|"
        r"stores|terminals|sites|locations)\b", r"\bheadquartered\b", r"\bHQ\b", r"\bfounded in\b",
        r"\bsubsidiary\b",
        r"\bwe(?:'re| are) an?\b.{0,60}"
        r"\b(?:company|carrier|manufacturer|retailer|insurer|provider|system|platform|business|chain|group)\b",
        r"\bis an? (?:[\w-]+ ){0,5}(?:company|carrier|manufacturer|retailer|insurer|provider|system|network|chain|group|"
        r"business|firm|organization|nonprofit|publisher|distributor|bank|platform|maker|producer|operator)\b",
        r"\bour (?:customers|members|patients|shippers) are\b", r"\brevenue of\b",
        r"\bwe (?:make|manufacture|sell|"
        r"run|operate)\b.{0,40}\b(?:across|in|from)\b",
    ),
    "pain_points": rx(
        r"\bspreadsheets?\b", r"\bexcel\b", r"\bby hand\b", r"\bmanual(?:ly)?\b", r"\bstale\b", r"\bproblem\b",
        r"\bpain\b", r"\bfrustrat", r"\bno way to\b", r"\bcan'?t (?:tie|see|tell|get|trust)\b", r"\bstruggl",
        r"\btakes? (?:us|them|my team)?\s*(?:\d|a day|days|weeks|hours)",
        r"\b(?:lose|losing|lost) (?:a|\d|two|three)", r"\bwaste", r"\bchargebacks?\b", r"\bwr(?:ote|ite)[- ]off\b",
        r"\bpenalt", r"\bcost us\b", r"\bwe paid\b", r"\bcomplain", r"\bnever match", r"\bdon'?t match",
        r"\bbroke\b", r"\bbacklog\b", r"\bweeks old\b", r"\bclipboards?\b", r"\bpdfs?\b", r"\bfind out\b",
        r"\bby the time\b", r"\bcopy[- ]past", r"\bstitch", r"\bno (?:alerting|visibility|early warning|single)\b",
        r"\bblind\b", r"\bhurt", r"\bcancel(?:ed|led|lation)", r"\bfor an average of\b", r"\bwe average\b",
        r"\bon bad days\b", r"\bout of date\b",
        r"\$[\d.,]+\s?(?:m|k|million|thousand)?\b.{0,30}\b(?:last year|a year|per year|annually|each year)\b",
        r"\$[\d.,]+\s?(?:m|k|million|thousand)?\b.{0,40}\blast (?:winter|summer|spring|fall|season|quarter|month)\b",
        r"\bsold out\b", r"\bstock-?outs?\b", r"\bin the wrong (?:stores|places|sites|locations)\b",
    ),
    "purchase_drivers": rx(
        r"\breal reason\b", r"\bthe reason\b", r"\bwhy we(?:'re| are)\b", r"\bmust[- ]have\b", r"\bdeal[- ]?breaker",
        r"\bceiling\b", r"\bbudget\b", r"\bwhat got this done\b", r"\bi'?m sold\b", r"\bcare about\b",
        r"\bnot interested\b", r"\bif .{0,60} aren'?t\b", r"\bbig ask\b", r"\bdeadline\b", r"\bscorecard\b",
        r"\brebid\b", r"\bmatters\b", r"\bwe need\b", r"\bi need\b", r"\brequire",
        r"\bwithout (?:writing|any) code\b", r"\bnative\b", r"\bflat\b.{0,30}\bpric", r"\bpriced?\b", r"\bexpir",
        r"\bset aside\b", r"\bthat'?s what\b.{0,40}\bcare", r"\bwhat sold\b", r"\bclinched\b", r"\bdecid",
        r"\bnot another (?:login|tool|platform|portal)\b", r"\blanded well\b", r"\bresonated\b",
        r"\bstrong reaction\b", r"\bthe whole deal\b", r"\bfiscal year\b", r"\bbook it\b", r"\bwake-?up call\b",
        r"\bausl[äa]uft\b", r"\blizenz\b", r"\blimit\b", r"\ball-in\b",
    ),
    "implementation": rx(
        r"\bgo[- ]live\b", r"\bgo live\b", r"\blive (?:by|on|in)\b", r"\bkick-?off\b", r"\bpilot\b",
        r"\broll-?out\b", r"\bphase\b", r"\bintegrat", r"\bconnectors?\b", r"\bsso\b", r"\bokta\b", r"\bscim\b",
        r"\bentra\b", r"\bwarehouse\b", r"\breplicat", r"\bnightly\b", r"\bevery night\b", r"\bapi\b",
        r"\bservice account\b", r"\bhalf (?:my|his|her|their) time\b", r"\b\d+\s?%\s+(?:of|through)\b",
        r"\bhalf-?time\b", r"\bhours a week\b", r"\btimeline\b", r"\bsnowflake\b", r"\bbigquery\b", r"\bredshift\b",
        r"\bdatabricks\b", r"\bpostgres", r"\bsql server\b", r"\bsandbox\b", r"\bhosted in\b", r"\bregion\b",
        r"\btenant\b", r"\bdata residency\b", r"\bhl7\b", r"\binterface engine\b", r"\bfeeds?\b", r"\bhistorian\b",
        r"\bfirst,? then\b", r"\bthen\b.{0,40}\blive\b", r"\bauth0?\b", r"\bsaml\b", r"\boauth\b", r"\bjwt\b",
        r"\bembed tokens?\b",
    ),
    "expansion": rx(
        r"\bexpan", r"\bupsell\b", r"\badditional (?:seats|licenses|teams|divisions)\b",
        r"\bother (?:divisions|"
        r"business units|subsidiaries|regions)\b", r"\bonce .{0,40} ships\b",
        r"\bnext year\b.{0,60}\b(?:seats|team|"
        r"division|roll)", r"\bcould (?:also )?use (?:it|this|the (?:tool|platform|product)) for\b",
        r"\bday one\b.{0,60}\b(?:stores|sites)\b",
        r"\b(?:stores|sites|plants|offices) in (?:canada|europe|mexico|the uk)\b",
        r"\b(?:attribution|marketing team) (?:is|are) (?:next|interested)\b", r"\bnext in line\b",
        r"\b(?:want|like)\b.{0,60}\bfrom day one\b", r"\bonce .{0,40}\b(?:is stable|ships|is live)\b",
        r"\bopening \d+ (?:new )?(?:stores|sites|locations|plants|offices)\b",
        r"\b(?:team|division|group) (?:has )?(?:already )?asked whether they can use\b",
    ),
    "risks": rx(
        r"\brisk", r"\bworr", r"\bgarbage\b", r"\bwrong\b", r"\bwon'?t renew\b", r"\bnot convinced\b", r"\bskeptic",
        r"\bfreeze\b", r"\bparental leave\b", r"\bleaving\b", r"\bmoving to\b", r"\bnot going to move\b", r"\bblock",
        r"\bdata quality\b", r"\bunreliable\b", r"\binaccura",
        r"\b\d+\s?(?:%|percent) (?:accura|missing|wrong|incomplete|bad)", r"\bhonest warning\b", r"\bmissing\b",
        r"\bbandwidth\b", r"\bstretched\b", r"\bfair warning\b", r"\bcaveat\b", r"\bi won'?t\b",
        r"\bwill not sign off\b", r"\bnot signing off\b", r"\bif .{0,80}\bi won'?t\b", r"\bdouble[- ]count",
        r"\bnot the same\b", r"\brenamed\b", r"\bonly two\b", r"\btwo people\b", r"\bpages? (?:us|me|them)\b",
        r"\bno budget\b", r"\bdon'?t have (?:any )?budget\b", r"\bdelay", r"\bhold you to\b", r"\bconcern",
        r"\bkill (?:the|this) (?:deal|project|rollout)\b", r"\bon leave\b", r"\bnot happy\b", r"\bpushback\b",
        r"\bmoving (?:over|on)\b", r"\bthe most (?:i|we) can do\b", r"\bcan'?t (?:do|give) more\b",
        r"\bwill not renew\b", r"\bnot (?:going to )?renew\b", r"\bduplicat", r"\bgoing to be tight\b",
        r"\bcompet(?:es|ing) (?:for|with)\b",
    ),
}  # fmt: skip

# A success metric needs both a horizon or goal word and something measurable.
SUCCESS_GOAL = rx(
    r"^\W*(?:first\s+|within\s+|after\s+)?(?:\d+|one|three|six|nine|twelve)\s+(?:days?|months?|years?)\b[^:]{0,30}:",
    r"\bsuccess\b", r"\b(?:first|next|within|in)\s+(?:90|ninety|60|30)\s+days\b", r"\bsix months\b", r"\b6 months\b",
    r"\bwithin a year\b", r"\bin (?:a|one|the first) year\b", r"\bby (?:year[- ]end|the end of the year)\b",
    r"\ba win\b", r"\bkpis?\b", r"\bgoal\b", r"\bjudge us\b", r"\bmeasure us\b", r"\bwhat good looks like\b",
    r"\ba year from now\b", r"\b(?:six|6|three|3|twelve|12) months (?:in|from now|after)\b", r"\bziele?n?\b",
    r"\bbis ende\b", r"\bby (?:the )?(?:end of|next) (?:the )?(?:fall|spring|semester|quarter|year)\b",
)  # fmt: skip
SUCCESS_MEASURE = rx(
    r"\bdown \$?[\d.,]+", r"\b(?:goes|go|going) (?:from|to)\b", r"\bfrom [$\d.,]+\s*\S*\s+(?:\S+\s+)?to\b",
    r"\bdown (?:from|to|by)\b", r"\bunder [$\d]", r"\bbelow [$\d]", r"\bcut\b.{0,40}\bby\b", r"\bzero\b",
    r"\bsame[- ]day\b", r"\bgoes from\b", r"\bretired?\b", r"\bautomat", r"\bbuild itself\b",
    r"\b\d+\s?(?:%|percent)\b", r"\bup (?:from|to|by)\b", r"\breduc", r"\bno more\b", r"\blive for\b",
    r"\bevery (?:morning|day)\b", r"\binstead of\b", r"\ball \d+\b", r"\brefresh", r"\breduzieren\b",
)  # fmt: skip

# The same kinds of cue in German, French and Spanish: added to the English patterns above.
_MORE_CUES: dict[str, re.Pattern[str]] = {
    "company_overview": rx(
        r"\b\d[\d.,\s]*\s?(?:mitarbeiter\w*|beschäftigte|salariés|employés|collaborateurs|empleados|trabajadores|"
        r"conducteurs|conductores|fahrer|filialen|werke|standorte|usines|magasins|dépôts|plantas|tiendas|sucursales)\b",
        r"\bwir sind (?:ein|eine)\b",
        r"\bnous sommes (?:un|une)\b",
        r"\bsomos (?:un|una)\b",
        r"\bgegründet\b",
        r"\bfondée? en\b",
        r"\bfundad[ao] en\b",
        r"\bsitz in\b",
        r"\bsiège\b",
        r"\bchiffre d'affaires\b",
        r"\bumsatz\b",
        r"\bfacturamos\b",
        r"\bfacturación\b[^.;]{0,30}\d|\d[^.;]{0,30}\bfacturación\b",  # revenue with its figure, not billing
        r"\bfiliale\b",
        r"\btochter\w*\b",
        r"\bfilial de\b",
        r"\bexploit(?:e|ons)\b",
        r"\bbetreiben\b",
        r"\boperamos\b",
    ),
    "pain_points": rx(
        r"\bvon hand\b",
        # found out too late: "wissen wir es erst nach sechs Wochen", "on ne le voit qu'à la fin du mois"
        r"\b(?:wissen|sehen|merken|erfahren) wir\b[^.;]{0,30}\berst\b",
        r"\b(?:on ne|nous ne) (?:le |les )?(?:voit|voyons|sait|savons|découvre|découvrons)\b[^.;]{0,30}\bqu'",
        r"\b(?:sabemos|vemos|enteramos)\b[^.;]{0,40}\bhasta\b",
        r"\bmanuell\b",
        r"\bhändisch\b",
        r"\bà la main\b",
        r"\bmanuellement\b",
        r"\ba mano\b",
        r"\bmanualmente\b",
        r"\bvertragsstrafe",
        r"\bpénalités\b",
        r"\bpenalizaci",
        r"\bniemand\b",
        r"\bpersonne ne\b",
        r"\bnadie\b",
        r"\bcopier-coller\b",
        r"\bcopy-and-paste\b",
        r"\bcopiar y pegar\b",
        r"\bdauert\b",
        r"\bprend \w+ jours\b",
        r"\btarda\b",
        r"\bnos lleva\b",
        r"\bzu spät\b",
        r"\ben retard\b",
        r"\bcon retraso\b",
        r"\bon découvre\b",
        r"\bnos enteramos\b",
        r"\berfahren\b.{0,30}\berst\b",
    ),
    "purchase_drivers": rx(
        r"\bentscheidend\b",
        r"\büberzeugt hat\b",
        r"\bder (?:eigentliche )?grund\b",
        r"\bhintergrund ist\b",
        r"\bbudget\b",
        r"\bausläuft\b",
        r"\bconvaincus?\b",
        r"\bla (?:vraie )?raison\b",
        r"\bseuil\b",
        r"\bindispensable\b",
        r"\bconvenció\b",
        r"\bla (?:verdadera )?razón\b",
        r"\bpresupuesto\b",
        r"\bvence\b",
        r"\bimprescindible\b",
        r"\bdecisiv",
        r"\bmuss\b",
        r"\bwir brauchen\b",
        r"\bnous avons besoin\b",
        r"\bnecesitamos\b",
    ),
    "implementation": rx(
        # connecting their systems, in so many words
        r"\banbind\w*",
        r"\bangebunden\b",
        r"\bschnittstelle\w*",
        r"\bsingle sign-on\b",
        r"\bgehostet\b",
        r"\bbranch(?:er|és?|ement)\b",
        r"\bconnecteurs?\b",
        r"\bintégr(?:er|ation)\b",
        r"\bauthentification unique\b",
        r"\bconect(?:ar|ores?|ión)\b",
        r"\bintegraci[óo]n\b",
        r"\binicio de sesión único\b",
        # read-only access to their systems, and where the rollout starts
        r"\blesezugriff\w*",
        r"\baccès en lecture\b",
        r"\bacceso de (?:solo )?lectura\b",
        r"\bwir starten (?:im|am|in|mit)\b",
        r"\b(?:on démarre|nous démarrons|on commence) (?:par|en|le|à)\b",
        r"\b(?:arrancamos|empezamos) (?:con|en|el)\b",
        r"\beinführung\b",
        r"\bschulung\b",
        r"\bprojektleitung\b",
        r"\blancement\b",
        r"\bpilote\b",
        r"\bdéploiement\b",
        r"\ben service\b",
        r"\bformation\b",
        r"\bchef de projet\b",
        r"\barranque\b",
        r"\bpiloto\b",
        r"\bpuesta en marcha\b",
        r"\bdespliegue\b",
        r"\bformación\b",
        r"\bresponsable de\b",
        r"\bhébergé",
        r"\bazure ad\b",
        r"\breplik\b",
        r"\bréplica\b",
        r"\bréplique\b",
    ),
    "expansion": rx(
        r"\bnächstes jahr\b",
        r"\bausrollen\b",
        r"\bweitere[nr]? (?:standort|werk|gesellschaft)",
        r"\bl'année prochaine\b",
        r"\bétendr",
        r"\bnouveaux (?:magasins|sites|dépôts)\b",
        r"\bel año que viene\b",
        r"\bel próximo año\b",
        r"\bextender",
        r"\bnuevas (?:tiendas|plantas)\b",
    ),
    "risks": rx(
        r"\brisiko\b",
        r"\bsorge\b",
        r"\bnicht überzeugt\b",
        r"\bbetriebsrat\b",
        r"\belternzeit\b",
        r"\bverlängern (?:wir )?nicht\b",
        r"\brisque\b",
        r"\bpas convaincu",
        r"\bcse\b",
        r"\bsyndicat",
        r"\bcongé\b",
        r"\bne renouvel",
        r"\bmalus\b",
        r"\briesgo\b",
        r"\bno está convencid",
        r"\bde baja\b",
        r"\bno renova\w*",
        r"\bsin renovación\b",
        r"\bkeine verlängerung\b",
        r"\bpas de renouvellement\b",
        r"\bcomité de empresa\b",
        r"\bchaos\b",
        r"\bdesastre\b",
    ),
}
for _key, _pattern in _MORE_CUES.items():
    SECTION_CUES[_key] = re.compile(f"{SECTION_CUES[_key].pattern}|{_pattern.pattern}", re.IGNORECASE)

# Going live, in four languages: a rollout plan, which is implementation unless it comes with a measure.
ROLLOUT = rx(
    r"\b(?:go(?:es)?|going|be|are|is) live\b",
    r"\bgo-live\b",
    r"\blive (?:sein|gehen|geht|sind)\b",
    r"\bin betrieb\b",
    r"\ben production\b",
    r"\bmise en (?:service|production)\b",
    r"\ben (?:vivo|producción)\b",
    r"\bpuesta en marcha\b",
)

SUCCESS_GOAL = re.compile(
    SUCCESS_GOAL.pattern
    + "|"
    + rx(
        r"\b(?:in|nach|innerhalb von)\s+(?:\d+|drei|sechs|zwölf|einem|ein)\s+(?:tagen|monaten|jahr)",
        r"\b(?:innerhalb|binnen)\s+(?:eines|des ersten)\s+(?:halben\s+)?jahres\b",
        r"\bziel\b",
        r"\berfolg\b",
        r"\b(?:à|dans|d'ici|au bout de)\s+(?:\d+|trois|six|douze|un)\s+(?:jours|mois|an)",
        r"\bobjectif\b",
        r"\bsuccès\b",
        r"\b(?:a|en|dentro de|a los)\s+(?:\d+|tres|seis|doce|un)\s+(?:días|meses|año)",
        r"\bobjetivo\b",
        r"\béxito\b",
        r"\bbis ende\b",
        r"\bd'ici (?:la )?fin\b",
        r"\bantes de fin\b",
    ).pattern,
    re.IGNORECASE,
)
SUCCESS_MEASURE = re.compile(
    SUCCESS_MEASURE.pattern
    + "|"
    + rx(
        r"\bvon [\d.,]+\s*\S*\s+auf\b",
        r"\bde [\d.,]+\s*\S*\s+à\b",
        r"\bdel? [\d.,]+\s*\S*\s+al?\b",
        r"\bunter\b",
        r"\bsous\b",
        r"\bpor debajo\b",
        r"\bsenken\b",
        r"\bréduire\b",
        r"\breducir\b",
        r"\bbajar\b",
        r"\bhalbier(?:en|t)\b",
        r"\b(?:gesenkt|gesteigert|verdoppelt|reduziert)\b",
        r"\b(?:réduits?|divisés?|doublés?)\b",
        r"\b(?:reducid[oa]s?|duplicad[oa]s?|a la mitad)\b",
        r"\bdiviser\b",
        r"\bautomatisch\b",
        r"\bsans excel\b",
        r"\bohne excel\b",
        r"\bau lieu de\b",
        r"\ben vez de\b",
        r"\bstatt\b",
        r"\bchaque semaine\b",
        r"\bcada semana\b",
        r"\bjede woche\b",
        r"\bpor encima\b",
        r"\bau-dessus\b",
        r"\büber \d",
    ).pattern,
    re.IGNORECASE,
)

# An expansion is about later or about maybe: a time to come, a condition, or a wish not yet agreed.
LATER = rx(
    r"\bnext\b",
    r"\blater\b",
    r"\bfuture\b",
    r"\bdown the road\b",
    r"\bonce\b",
    r"\bafter\b",
    r"\bthen\b",
    r"\byears?\b",
    r"\b20\d\d\b",
    r"\bq[1-4]\b",
    r"\bfy ?\d{2,4}\b",
    r"\bcould\b",
    r"\bmight\b",
    r"\bmay\b",
    r"\bwould\b",
    r"\bmaybe\b",
    r"\beventually\b",
    r"\binterest",
    r"\bif\b",
    r"\bnächst\w*",
    r"\bspäter\b",
    r"\beventuell\b",
    r"\bkönnte\w*",
    r"\bwürde\w*",
    r"\bvielleicht\b",
    r"\binteress\w*",
    r"\bwenn\b",
    r"\bjahr\w*",
    r"\bprochain\w*",
    r"\bplus tard\b",
    r"\bpourrai\w*",
    r"\bpeut-être\b",
    r"\béventuellement\b",
    r"\bintéress\w*",
    r"\bsi\b",
    r"\bann[ée]e?s?\b",
    r"\bpróxim\w*",
    r"\bmás adelante\b",
    r"\bpodría\w*",
    r"\bquizá\w*",
    r"\btal vez\b",
    r"\binteresad\w*",
    r"\baños?\b",
    r"\bdespués\b",
    r"\bdanach\b",
    r"\bensuite\b",
    r"\bwants?\b.{0,60}\btoo\b",
    r"\bas well\b",
    r"\bauch\b",
    r"\baussi\b",
    r"\btambién\b",
)

CUE_SECTIONS = ("company_overview", "pain_points", "success_metrics", "purchase_drivers", "implementation", "expansion",
                "risks")  # fmt: skip
HORIZON_ANY = rx(
    r"\b(?:30|60|90|ninety|sixty|thirty)\s*(?:-\s*)?(?:days?|tage[n]?|jours|días)\b",
    r"\b(?:three|six|nine|twelve|3|6|9|12|drei|sechs|zwölf|trois|douze|tres|seis|doce)\s*(?:-\s*)?(?:months?|monate[n]?|mois|meses)\b",
    r"\b(?:a|one|1|first|within a|ein|un|una?)\s+(?:year|jahr|an|año)\b",
    r"\byear[- ]end\b",
    r"\bjahresende\b",
    r"\bfin d'année\b",
    r"\bfin de año\b",
    r"\bfirst quarter\b",
    r"\bq[1-4]\b",
)
_MONTHS = (
    r"jan(?:uary|uar|vier)?|feb(?:ruary|ruar)?|f[ée]vrier|febrero|enero|mar(?:ch|s|zo)?|märz|apr(?:il)?|avril|abril|may|mai|"
    r"mayo|june?|juni|juin|junio|july?|juli|juillet|julio|aug(?:ust)?|août|agosto|sep(?:t|tember|tembre|tiembre)?|"
    r"oct(?:ober|obre)?|okt(?:ober)?|octubre|nov(?:ember|embre|iembre)?|dec(?:ember)?|dez(?:ember)?|d[ée]cembre|diciembre"
)
DATE_WORDS = re.compile(
    rf"\b(?:{_MONTHS})\b\.?\s*\d|\b\d{{1,2}}\.?\s*(?:de\s+)?(?:{_MONTHS})\b|\b\d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}}\b|"
    r"\b\d{4}-\d{2}-\d{2}\b|\b(?:monday|tuesday|wednesday|thursday|friday|montag|dienstag|mittwoch|donnerstag|freitag|"
    r"lundi|mardi|mercredi|jeudi|vendredi|lunes|martes|miércoles|jueves|viernes)\b|\bend of (?:q[1-4]|the month|the week)\b|"
    r"\bende q[1-4]\b|\bfin (?:juin|juillet|du mois)\b",
    re.IGNORECASE,
)
PROMISE = rx(
    r"\bwe'll\b",
    r"\bwe will\b",
    r"\bi'll\b",
    r"\bi will\b",
    r"\bwe commit",
    r"\bpromised?\b",
    r"\bwe guarantee\b",
    r"\bwir liefern\b",
    r"\bwir werden\b",
    r"\bich (?:schicke|sende|werde)\b",
    r"\bwir stellen\b",
    r"\bzugesagt\b",
    r"\bversprochen\b",
    r"\bnous (?:livrerons|allons|enverrons|assurerons|fournirons)\b",
    r"\bje vous envoie\b",
    r"\bpromis\b",
    r"\blo tendremos\b",
    r"\bentregaremos\b",
    r"\bvamos a\b",
    r"\ble[s]? (?:enviamos|mando)\b",
    r"\bprometi(?:ó|eron|mos)\b",
    r"\bimpartirá\b",
    r"\bschreiben wir\b.{0,20}\bgut\b",
)


def section_scores(text: str) -> dict[str, int]:
    """How many cue phrases of each section ``text`` holds (success metrics need a goal and a measure)."""
    scores = {key: len(pattern.findall(text)) for key, pattern in SECTION_CUES.items()}
    goal, measure = SUCCESS_GOAL.findall(text), SUCCESS_MEASURE.findall(text)
    scores["success_metrics"] = len(goal) + len(measure) if goal and measure else 0
    return scores


def topic_section(label: str) -> str | None:
    """The section a topic label ("On funding", "Sur le financement") files its own sentence under."""
    return next((key for key, pattern in TOPIC_LABELS if pattern.search(label)), None)


def heading_section(text: str) -> str | None:
    """The section a heading or a lead-in ("Risks:", "Nächste Schritte") announces."""
    for key, pattern in HEADINGS:
        if pattern.search(text):
            return key
    return None
