"""The phrases that say what was weighed against us, in English, German, French and Spanish: building it in-house,
staying as they are, why an option lost, a vendor in the news, a sentence that goes on about the one just named.

What it is for: patterns with no name in them, which rivals.py reads together with the name a frame points at.
Not for: reading the name (rivals.py) or filing the sentence (offline.py).
"""

from __future__ import annotations

from agent.extract.lexicon import rx

# Building it themselves: no vendor, the alternative is their own tool.
IN_HOUSE = rx(
    r"\b(?:build|built|building|develop|developed|developing|write|writing|code|coding|do)\s+(?:it|this|that|"
    r"something|one|the \w+|a \w+|our own|their own)?\s*(?:\w+\s+){0,3}?(?:ourselves|themselves|himself|herself|"
    r"in[- ]house|internally)\b",
    r"\b(?:'d|would) (?:rather|prefer to) build\b", r"\b(?:lieber|würde(?:n)?) (?:\S+ ){0,3}?selbst bauen\b",
    r"\bpréf(?:è|é)r\w* (?:le )?(?:construire|développer) (?:\S+ ){0,3}?(?:en interne|nous-mêmes|eux-mêmes)\b",
    r"\bprefer\w* (?:construirlo|desarrollarlo|hacerlo) (?:nosotros|ellos)\b",
    r"\bin[- ]house (?:build|tool|solution|option|alternative|app|system|version|approach|team)\b",
    r"\bhome[- ]?grown\b", r"\b(?:hacked|cobbled|threw|thrown|stitched|put) together (?:a |an |some |our |their )?"
    r"(?:\w+ ){0,2}(?:script|macro|tool|app|workbook|database|dashboard)s?\b", r"\bbuild (?:vs\.?|versus|or) buy\b",
    r"\b(?:IT|engineering|(?:our|the|their) (?:dev|data|it|bi|engineering) team|\w+ from IT) (?:\w+ )?(?:offered|wanted|"
    r"proposed|suggested|could|would rather|planned|plans|wants|want|is trying|tried) to build\b",
    r"\b(?:macro|script|tool|spreadsheet|app|workbook|database|dashboard)s? (?:that|which) [A-Z]\w+ "
    r"(?:\w+ )?(?:built|wrote|made|maintains|created|cobbled)\b",
    r"\b(?:selbst|selber|intern|inhouse|im haus)\s+(?:zu\s+)?(?:bauen|entwickeln|programmieren|gebaut|entwickelt)\b",
    r"\beigenentwicklung\b", r"\bin eigenregie\b",
    r"\bsich\s+(?:selbst|selber)\s+(?:\S+\s+){0,5}?(?:gebaut|gebastelt|entwickelt|programmiert|geschrieben)\b",
    r"\b(?:se sont|s'est|s’est) (?:fait|construit|bricolé|développé|monté)\b",
    r"\b(?:se armaron|se hicieron|se construyeron|se programaron)\b",
    r"\b(?:makro|tool|skript|lösung|datenbank), (?:das|die|den) [A-Z]\w+ (?:\w+ )?(?:gebaut|geschrieben|entwickelt)\b",
    r"\b(?:développer|construire|faire|coder|bâtir)\s+(?:\w+\s+){0,2}(?:en interne|nous-mêmes|eux-mêmes|maison)\b",
    r"\bdéveloppement (?:interne|maison)\b", r"\b(?:outil|solution|macro|application) (?:maison|interne)\b",
    r"\bmacro (?:que|qu')\s?[A-Z]\w+ a (?:faite|fait|créée|écrite|développée)\b",
    r"\b(?:desarrollar|construir|hacer|programar)(?:lo|la|los|las)?\s+(?:\w+\s+){0,2}(?:nosotros mismos|internamente|"
    r"en casa|ellos mismos|por nuestra cuenta)\b",
    r"\bdesarrollo (?:interno|propio|en casa)\b", r"\b(?:herramienta|solución|macro) (?:interna|casera|propia)\b",
    r"\bmacro que [A-Z]\w+ (?:hizo|creó|escribió|montó)\b",
)  # fmt: skip
# Staying as they are, said as an option: "we could just stay on spreadsheets".
STATUS_QUO = rx(
    r"\b(?:stay(?:ing|ed)?|stick(?:ing)?|stuck|remain(?:ing|ed)?|keep(?:ing)?|kept)\s+(?:on|with|using|doing)\s+(?:the |our |what |how )?"
    r"(?P<what>[\w/ -]{2,30}?)(?=[,.;!?)]|\s+(?:and|or|for|because|if|until|another|one more|forever)\b|$)",
    r"\bdo(?:ing)? nothing\b", r"\bstatus quo\b", r"\bstatu quo\b",
    r"\bbei (?:unseren |unserem |unserer |der |den |dem )?(?P<what_de>[\wÄÖÜäöüß/ -]{2,30}?) (?:zu )?bleiben\b",
    r"\balles (?:beim alten|so) (?:lassen|bleiben)\b",
    r"\bweiter(?:hin)? (?:mit|in|auf) (?:unseren |unserem |der |den |dem )?(?P<what_de2>[\wÄÖÜäöüß/-]{2,30}) (?:zu )?"
    r"(?:arbeiten|machen|leben)\b",
    r"\b(?:rester|continuer) (?:sur|avec|à|dans) (?:nos |notre |les |le |la |l')?(?P<what_fr>[\w/ -]{2,30}?)"
    r"(?=[,.;!?)]|\s+(?:et|ou|pour|parce|encore)\b|$)",
    r"\bne rien faire\b",
    r"\b(?:quedarnos|quedarse|seguir|continuar) (?:con|en|usando) (?:nuestr[oa]s? |la |las |los |el )?"
    r"(?P<what_es>[\w/ -]{2,30}?)(?=[,.;!?)]|\s+(?:y|o|para|porque|otro|otra)\b|$)",
    r"\bno hacer nada\b",
)  # fmt: skip
# ... only as one of the options, never "stay on track"
AN_OPTION = rx(
    r"\b(?:could|would|might|option|alternative|rather|just|simply|fallback|plan b|considered|debated|tempt|easier|"
    r"cheaper|instead|or|wants?|wanted|prefers?|preferred|pushed|pushing)\b",
    r"\b(?:könnten|würden|lieber|einfach|alternative|option|oder|will|wollte|wollen|möchte)\b",
    r"\b(?:pourrions|pourrait|plutôt|simplement|option|alternative|ou|veut|voulait|préfère|préférait)\b",
    r"\b(?:podríamos|podría|simplemente|opción|alternativa|o|quiere|quería|prefiere|prefería)\b",
)  # fmt: skip
NOT_TOOL = frozenset((
    "track", "schedule", "top", "budget", "plan", "course", "time", "point", "call", "line", "board", "us",
    "you", "it", "this", "that", "them", "the", "same", "page", "topic",
))  # fmt: skip
LOSS = rx(
    r"\btoo (?:expensive|pricey|costly|slow|complex|complicated|heavy|rigid|limited|basic|clunky|technical|"
    r"much|big|small|late|risky|generic|immature)\b",
    r"\b(?:no|lacked|lacks|lacking|without|didn'?t have|did not have|doesn'?t have|missing|had no|has no)\s+"
    r"(?:\w+\s+){0,2}(?:support|connector|integration|sso|api|feature|hosting|option|localization|certification|"
    r"sla|roadmap|presence|team|office|partner)s?\b",
    r"\b(?:demo|pilot|trial|poc|prototype|sandbox|instance|test)s?\s+(?:\w+\s+){0,2}(?:crashed|failed|stalled|broke|"
    r"froze|fell over|fell apart|died|went down|timed out|flopped)\b",
    r"\b(?:crashed|stalled|fell over) (?:during|in|on)\b",
    r"\bonly (?:connects|works|integrates|supports|handles|covers|runs|speaks)\b", r"\bcan'?t\b", r"\bcannot\b",
    r"\bkann (?:nicht|kein)", r"\bnur (?:auf|mit|für) \w+ (?:verfügbar|möglich)\b", r"\bne (?:peut|permet) pas\b",
    r"\bno (?:puede|permite)\b", r"\bsolo (?:funciona|se conecta|conecta)\b",
    r"\bcouldn'?t\b", r"\bcould not\b", r"\bwouldn'?t\b", r"\bpriced (?:us |themselves )?out\b",
    r"\bover (?:our |the )?budget\b", r"\b(?:twice|double|triple|\d+x) (?:the|our|what)\b",
    r"\b(?:ruled|knocked|crossed) (?:it |them |\w+ )?out\b", r"\bdeal[- ]?(?:breaker|killer)\b", r"\bkilled (?:it|the deal|them)\b", r"\bdropped (?:them|it|out)\b",
    r"\bmore expensive\b", r"\bnot (?:a (?:good )?fit|able to|ready|mature|compliant|an option)\b", r"\bwent nowhere\b",
    r"\bzu (?:teuer|langsam|komplex|kompliziert|starr|unflexibel|aufwendig|aufwändig|spät|klein|groß)\b",
    r"\bkein(?:en|e)? (?:\w+ ){0,2}(?:support|unterstützung|schnittstelle|konnektor|sso|hosting|integration|"
    r"ansprechpartner|niederlassung)\b",
    r"\b(?:abgestürzt|hängen geblieben|gescheitert|scheiterte|fehlte|teurer)\b", r"\bkonnte(?:n)? (?:nicht|kein)",
    r"\b(?:k\.o\.|ausschluss)-?kriterium\b",
    r"\btrop (?:cher|chère|chers|chères|lent|lente|complexe|compliqué|compliquée|rigide|limité|limitée|lourd|lourde)\b",
    r"\b(?:pas de|sans|aucun) (?:\w+ ){0,2}(?:support|connecteur|sso|hébergement|intégration|interlocuteur)\b",
    r"\ba planté\b", r"\bne (?:pouvait|pouvaient|savait|gérait|supportait|proposait) pas\b", r"\bplus cher\b",
    r"\béchoué\b", r"\brédhibitoire\b",
    r"\bdemasiado (?:caro|cara|caros|caras|lento|lenta|complejo|compleja|rígido|limitado|pesado)\b",
    r"\bsin (?:\w+ ){0,2}(?:soporte|conector|sso|alojamiento|integración)\b",
    r"\bno (?:tenía|tenían|tiene|ofrecía|ofrece|podía|podían|soportaba)\b", r"\bse (?:colgó|cayó|bloqueó)\b",
    r"\b(?:falló|fracasó|descartamos|descartado)\b", r"\bmás caro\b",
    # it only does a part: "su portal solo da mapas", "it only shows maps", "zeigt nur Karten"
    r"\bonly (?:shows|gives|does|has|displays)\b", r"\b(?:zeigt|liefert|kann) nur\b",
    r"\bne (?:montre|donne|fait|affiche) que\b", r"\bsolo (?:da|muestra|tiene|sirve para)\b",
    # never adopted: "nobody uses it", "hat sich nicht durchgesetzt", "personne ne l'utilise", "nadie lo usa"
    r"\b(?:nobody|no one|no-one) (?:really |actually )?(?:uses|used|opens|opened|looks at) (?:it|them)\b",
    r"\bnever (?:took off|caught on|got adopted|got used)\b",
    r"\bhat sich nicht durchgesetzt\b", r"\b(?:nutzt|benutzt|verwendet) (?:das |es |sie )?(?:keiner|niemand)\b",
    r"\bpersonne ne l[’'](?:utilise|ouvre)\b", r"\bn[’']a jamais (?:pris|décollé)\b",
    r"\bnadie (?:lo|la|los|las) (?:usa|usaba|abre)\b", r"\bnunca (?:despegó|se usó|arrancó)\b",
)  # fmt: skip
NEWS = rx(
    r"\b(?:got|was|were|has been|have been|just been|being|is being)\s+(?:\w+\s+)?(?:acquired|bought|taken over)\b",
    r"\bacquired by\b", r"\b(?:raised|raises|announced|announces|launched|launches|went public|ipo|laid off|layoffs|"
    r"rebranded|merged with|merging with)\b", r"\bin the news\b", r"\b(?:saw|read|heard|noticed) (?:that|about)\b",
    r"\b(?:übernommen|aufgekauft|gekauft worden|finanzierungsrunde|in den nachrichten|gelesen, dass)\b",
    r"\b(?:racheté|rachat|a levé|levée de fonds|dans la presse|lu que)\b",
    r"\b(?:fue (?:adquirida|comprada)|adquirió|ronda de financiación|en las noticias|leí que)\b",
)  # fmt: skip

# News about another company heard in passing ("saw that Corvana got acquired last week", "hab gelesen, dass X
# übernommen wurde"): gossip, filed nowhere
HEARD_NEWS = rx(
    r"\b(?:saw|read|heard|noticed)\b[^.;]{0,40}\b(?:acquired|bought|taken over|raised|laid off|layoffs|went public)\b",
    r"\b(?:gelesen|gehört|gesehen)\b[^.;]{0,40}\b(?:übernommen|aufgekauft|gekauft|entlassen)\b",
    r"\b(?:lu|vu|entendu)\b[^.;]{0,40}\b(?:racheté|rachetée|licenci\w*|levé)\b",
    r"\b(?:leí|vi|escuché|supe)\b[^.;]{0,40}\b(?:adquirid[oa]|comprad[oa]|despid\w*)\b",
)

# A sentence that goes on about the alternative just named ("It only connects to …", "Leur démo …").
POINTS_BACK = rx(
    r"^(?:\w+,?\s+){0,2}?(?:(?-i:[Ii]t)|its|it's|they|their|they're|them|that one|the tool|the product|the platform)\b",
    r"^(?:\w+,?\s+){0,2}?(?:es|sie|ihr|ihre|ihr\w+|das tool|die lösung)\b",
    r"^(?:\w+,?\s+){0,2}?(?:il|ils|elle|elles|leur|leurs|l'outil|la solution)\b",
    r"^(?:\w+,?\s+){0,2}?(?:su|sus|ellos|ellas|la herramienta|la solución)\b",
)

__all__ = ["HEARD_NEWS", "IN_HOUSE", "LOSS", "NEWS", "NOT_TOOL", "AN_OPTION", "POINTS_BACK", "STATUS_QUO"]
