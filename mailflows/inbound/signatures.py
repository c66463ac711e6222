"""Signature blocks: where they start in a body and what they say (name, title, company, phone).

What it is for: ``split_signature`` cuts the trailing block a mail client or a person
adds under every message ("-- ", "Sent from my iPhone", the "Name / Title / Company /
phone" card, "Name | Title | Company" one-liners) off a plain-text body, and
``parse_signature`` reads that block into a ``SignatureInfo``; ``read_card`` does it
once per message, in the parser, into ``ThreadMessage.card``, so the account resolver
and the extractor take the company and the titles exactly as written from there. Not for: quoted history
(``quotes.py``) or legal disclaimers inside a body (``html_text.py`` / ``quotes.py``).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from mailflows.inbound.mail import Address, SignatureInfo, ThreadMessage

MOBILE_RE = re.compile(
    r"^\s*(?:sent|envoy[ée]|enviado|gesendet|inviato|verzonden|skickat|sendt|wys[łl]ane)\s+(?:from|depuis|desde|de|"
    r"von|vom|da|van|met|från|fra|z)\s+(?:my|mon|ma|mi|meinem|meinem|mijn|min|mio|il mio|mój|moje)?\s*"
    r"[\w\s\-.'’]{1,40}$"
    r"|^\s*(?:sent from|sent with|sent via|sent using)\s+(?!my\s+\w+\s*[,;])[\w\s\-.'’()]{1,45}$"
    r"|^\s*get outlook for \w+\s*$|^\s*(?:gesendet von|envoy[ée] (?:à partir )?de|enviado de|inviato da|verzonden vanuit)"
    r"\s+(?:outlook|mail|yahoo|gmail|samsung|blackberry|aol|bluemail|spark)\b.{0,30}$"
    r"|^\s*(?:von meinem|envoy[ée] de mon|enviado desde mi|inviato dal mio|verzonden met mijn)\s.{1,40}$"
    r"|^.{0,40}\bvon meinem .{1,40} gesendet\.?$|^diese nachricht wurde von meinem .{1,60} gesendet\.?$"
    r"|^\s*(?:\w+\s+)?from (?:my )?(?:mobile|iphone|ipad|android|phone|blackberry|samsung|galaxy)\b.{0,20}$",
    re.IGNORECASE,
)
BOILERPLATE_RE = re.compile(
    r"environment|before printing|confidential|disclaimer|privilege|intended|recipient|unsubscribe|privacy|"
    # the printing banner in the other languages: "Antes de imprimir este correo, piense en el medio ambiente"
    r"medio ambiente|antes de imprimir|environnement|avant d'imprimer|an die umwelt|umwelt zuliebe|ausdrucken|"
    r"vertraulich|confidencial|destinatari|empfänger|adressat|privacidad|datenschutz|"
    r"linkedin|twitter|facebook|"
    r"instagram|we(?:'re| are) hiring|careers|sent from|this (?:e-?mail|message)",
    re.IGNORECASE,
)
# A company's legal particulars under a card: register court and number, VAT id, registered office.
REGISTRY_RE = re.compile(
    r"\b(?:firmenbuch\w*|handelsregister\w*|registergericht|amtsgericht|sitz|uid|ust-?id\w*|hrb|fn \d+|"
    r"siret|siren|rcs|tva|capital social|cif|nif|rfc|registered (?:office|in)|company (?:no|number)|vat)\b",
    re.IGNORECASE,
)
URL_TAIL_RE = re.compile(r"\s*[<(\[]?(?:https?://|www\.)[^\s>)\]]*[>)\]]?\s*$")
DELIMITER_RE = re.compile(r"^\s*(?:--|—|__+|-- ?)\s*$")
PHONE_RE = re.compile(r"(?:\+?\(?\d[\d\s().\-/]{6,}\d)(?:\s*(?:x|ext\.?)\s*\d+)?")
PHONE_LABEL_RE = re.compile(
    r"^\s*(?:[mtpfo]|tel|phone|mobile|mob|cell|office|direct|fax|ph)\.?\s*[:.]?\s*(?=\+?\(?\d)",
    re.IGNORECASE,
)
EMAIL_RE = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
URL_RE = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|org|net|io|example|co|de|fr)\b", re.IGNORECASE)
# Degrees and courtesy titles written before a name on a card ("Ing.", "Lic.", "Mag.", "DI", "Dr."): not the name.
NAME_PREFIX_RE = re.compile(
    r"^(?:(?:dr|prof|ing|lic|mag|dipl\.?-?\w*|di|mr|mrs|ms|mme|mlle|sr|sra|srta|herr|frau|arq|c\.?p)\.?\s+)+(?=\S+\s+\S)",
    re.IGNORECASE,
)
CREDENTIAL_RE = re.compile(r",\s*(?:[A-Z]{2,6}|Ph\.?D\.?|M\.?D\.?|Jr\.?|Sr\.?)(?:\s*,\s*[A-Z]{2,6})*\s*$")
TITLE_WORDS = re.compile(
    r"\b(?:chief|officer|director|vp|svp|evp|avp|vice\s+president|president|head|manager|lead|"
    r"engineer|architect|analyst|executive|ceo|cfo|cto|coo|cio|ciso|cmo|cro|gm|founder|owner|partner|"
    r"consultant|specialist|coordinator|administrator|admin|supervisor|superintendent|principal|"
    r"associate|counsel|attorney|controller|treasurer|scientist|developer|designer|strategist|"
    r"representative|rep|advisor|adviser|nurse|physician|leiter|leiterin|gesch[äa]ftsf[üu]hrer(?:in)?|inhaber(?:in)?|g[ée]rante?|"
    r"direktor(?:in)?|provost|"
    r"directeur|directrice|responsable|jefe|jefa|gerente|directora?|secretary|buyer|planner|"
    r"consejer[oa]|delegad[oa]|cheffe|pr[ée]sidente?|presidenta|pdg|vorsitzende[rn]?|ingénieure?|ingenier[oa]|coordinador[a]?|coordinatrice|leitung|referent(?:in)?|"
    r"coordonnat(?:eur|rice)|vorstand\w*|aufsichtsrat\w*|gründer(?:in)?|fondat(?:eur|rice)|fundador[a]?|prokurist(?:in)?|"
    r"officer|steward|assistant|intern|editor|producer|accountant|agent|owner|encargad[oa]|chef|foreman|"
    r"auditor|pharmacist|lawyer|paralegal|clerk|technician|operator|recruiter|"
    r"chemist|teacher|professor|dean|lecturer|mechanic|electrician|inspector|surveyor|dispatcher|scheduler|"
    r"estimator|merchandiser|underwriter|actuary|adjuster|therapist|dentist|hygienist|surgeon|librarian|registrar|"
    # French, Spanish and German job names ("Chargée de projet", "Analista de datos", "Sachbearbeiterin Einkauf")
    r"daf|dsi|rssi|drh|charg[ée]e?|analyste|comptable|acheteu(?:r|se)|juriste|avocate?|technicien(?:ne)?|"
    r"gestionnaire|assistante|conseill(?:er|ère)|consultante|audit(?:eur|rice)|pharmacien(?:ne)?|médecin|"
    r"infirmi(?:er|ère)|analista|contador[a]?|contable|abogad[oa]|jurista|t[ée]cnic[oa]|administrador[a]?|"
    r"consultor[a]?|asesor[a]?|ejecutiv[oa]|asistente|auditor[a]?|investigador[a]?|enfermer[oa]|m[ée]dic[oa]|"
    r"farmac[ée]utic[oa]|comprador[a]?|supervisor[a]|especialista|subdirector[a]?|sachbearbeiter(?:in)?|"
    r"eink[äa]ufer(?:in)?|buchhalter(?:in)?|berater(?:in)?|jurist(?:in)?|syndikus|disponent(?:in)?|"
    r"techniker(?:in)?|ingenieur(?:in)?|analyst(?:in)?|assistent(?:in)?|teamlead|apotheker(?:in)?|"
    r"pr[üu]fer(?:in)?|kaufmann|kauffrau|\w+[äa]rzt(?:in)?|superviseu(?:r|re|se)|contrema[îi]tre(?:sse)?|capataz|"
    r"vorarbeiter(?:in)?|vorst[äa]ndin|representante|architecte|contr[ôo]leu(?:r|se)|administrat(?:eur|rice)|"
    r"secr[ée]taire|secretari[oa]|publisher|(?:vice[- ])?chancellor|"
    # a university's heads: "Vicerrectora Académica", "Decano de Ingeniería", "Doyenne", "Dekanin"
    r"(?:vice-?r?)?(?:rector|rectora|recteur|rectrice)|(?:vize|pro)?rektor(?:in)?|decan[oa]|doyen(?:ne)?|dekan(?:in)?|"
    # German titles are compounds ("Niederlassungsleiter", "Pflegedienstleitung", "Datenschutzbeauftragte")
    r"\w+(?:leiter|leiterin|leitung|manager|managerin|direktor|direktorin|beauftragter?|vorstand|chef|chefin|"
    r"referent|referentin|koordinator|koordinatorin|verantwortliche[rn]?|management|disposition|vorsitzende[rn]?|"
    r"schreiber|schreiberin|pr[äa]sident|pr[äa]sidentin))\b",
    re.IGNORECASE,
)
COMPANY_SUFFIX_RE = re.compile(
    r"\b(?:inc|llc|ltd|gmbh|ag|sa|sas|bv|plc|corp|corporation|company|co|group|partners|holdings)\.?$|"
    r"\b(?:s\.a\.(?:s\.)?|s\.l\.|s\.r\.l\.|s\.p\.a\.|kg|sarl|nv|pty)$",
    re.IGNORECASE,
)
SIGN_OFF_RE = re.compile(
    r"^\s*(?:thanks|thank you|many thanks|thx|best|best regards|kind regards|regards|warm regards|"
    r"cheers|sincerely|all the best|talk soon|br|mit freundlichen gr[üu]ßen|freundliche gr[üu]sse|"
    r"viele gr[üu]ße|cordialement|bien à vous|saludos|un saludo|atentamente|cordiali saluti|"
    r"herzliche gr[üu]ße|beste gr[üu]ße|liebe gr[üu]ße|sch[öo]ne gr[üu]ße|au plaisir|bien cordialement|"
    r"salutations|meilleures salutations|merci|saludos cordiales|un abrazo|gracias|atte\.?)\s*[,.!]?\s*$",
    re.IGNORECASE,
)
NAME_RE = re.compile(r"^[A-ZÀ-Ý][\w'’.\-À-ÿ]*(?:\s+[A-ZÀ-Ý][\w'’.\-À-ÿ]*){1,3}$")
MAX_SIGNATURE_LINES = 12
DASH_NAME_RE = re.compile(r"^-[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}$")


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9à-ÿ]+", " ", text.lower()).strip()


def _name_tokens(sender: Address | None) -> list[str]:
    if sender is None:
        return []
    name = sender.name
    if not name and sender.email:
        name = re.sub(r"[._-]+", " ", sender.email.split("@", 1)[0])
    if "," in name:  # "Last, First"
        last, _, first = name.partition(",")
        name = f"{first} {last}"
    return [t for t in _norm(name).split() if len(t) > 1]


# What parts a name from a title on the name line: "Ana Ruiz – Head of Finance", "Ana Ruiz | CFO", "Ana Ruiz, CFO"
# A site or unit a card writes after the title, parted from it by "|" or "·": part of the title, not the company
UNIT_RE = re.compile(
    r"(?:standort|werk|niederlassung|filiale|abteilung|bereich|region|sede|sucursal|planta|delegaci[óo]n|"
    r"departamento|site|agence|usine|direction|d[ée]partement|campus|plant|office|branch|department|dept|division|"
    r"team)\b",
    re.IGNORECASE,
)
PS_RE = re.compile(r"^p\.?\s?s\.?(?:\s|:)", re.IGNORECASE)
LIST_ITEM_RE = re.compile(r"^\s*(?:[-*•+]\s|\|)")  # a list item or a Markdown table row
NAME_SEPARATOR = re.compile(r"\s[|•·–—-]\s|,")


def _is_name_line(line: str, tokens: list[str]) -> bool:
    head = NAME_SEPARATOR.split(line, maxsplit=1)[0].strip()
    if not head or len(head) > 60 or LIST_ITEM_RE.match(line):  # "- Ana Ruiz – CFO" lists attendees
        return False
    words = _norm(head).split()
    if tokens:
        return len(words) >= 2 and all(t in words for t in tokens[:1]) and tokens[-1] in words
    return bool(NAME_RE.match(head)) and not TITLE_WORDS.search(head) and not COMPANY_SUFFIX_RE.search(head)


def _is_contact_line(line: str) -> bool:
    stripped = line.strip()
    if PHONE_LABEL_RE.match(stripped) or EMAIL_RE.search(stripped) or URL_RE.search(stripped):
        return True
    digits = sum(c.isdigit() for c in stripped)
    return digits >= 7 and digits * 2 >= len(re.sub(r"\s", "", stripped))


# a company's footer with its offer: "Sent from Ridgeline Sports - Gear up at 25% off all touring bindings this week!"
PROMO_FOOTER_RE = re.compile(r"^\s*(?i:sent from)\s+[A-Z][\w&.'’ ]{1,40}?\s[-–—|:]\s.{0,140}$")


def is_mobile_footer(line: str) -> bool:
    if PROMO_FOOTER_RE.match(line):
        return True
    if len(line) > 120:
        return False
    line = URL_TAIL_RE.sub("", line).strip()
    return len(line) < 80 and bool(MOBILE_RE.match(line))


def split_signature(body: str, sender: Address | None) -> tuple[str, str]:
    """Split ``body`` into (text, signature); signature is "" when none is found."""
    lines = body.rstrip().split("\n")
    n = len(lines)
    if n == 0:
        return body, ""
    lowest = max(0, n - MAX_SIGNATURE_LINES - 3)
    tokens = _name_tokens(sender)
    start: int | None = None
    delimited = False
    for i in range(n - 1, lowest - 1, -1):
        line = lines[i].strip()
        if DELIMITER_RE.match(lines[i]):
            start = i
            delimited = True
        elif is_mobile_footer(line):
            start = i
        elif delimited:
            continue
        elif (
            DASH_NAME_RE.match(line)
            and i >= n - 2
            or (
                not SIGN_OFF_RE.match(line)
                and (_is_name_line(line, tokens) or (start is None and _signs_first_name(lines, i, tokens)))
                and _looks_like_card(lines[i + 1 : n], has_name=bool(tokens))
            )
        ):
            start = i
        elif _is_name_line(line, tokens) and tokens and _title_above(lines, i):
            start = i - 1  # "Head of Finance\nAna Ruiz\nKunde Inc.": the title written over the name
    if start is None or _in_table(lines, start):
        return body.rstrip(), ""
    if tokens and _is_name_line(lines[start].strip(), tokens) and _title_above(lines, start):
        start -= 1
    if not is_mobile_footer(lines[start].strip()):
        start = _with_sign_off(lines, start)
    text = "\n".join(lines[:start]).rstrip()
    return text, "\n".join(lines[start:]).strip()


def _signs_first_name(lines: list[str], at: int, tokens: list[str]) -> bool:
    """ "Best,\nAna\nHead of Finance": the sender's first name alone under a sign-off starts their card."""
    return (
        bool(tokens)
        and _norm(lines[at]) == tokens[0]
        and at > 0
        and bool(SIGN_OFF_RE.match(lines[at - 1]))
        and any(ln.strip() for ln in lines[at + 1 :])  # "Thanks,\nSam" alone closes the text, it is no card
        and not any(_is_sentence(ln) for ln in lines[at + 1 :])  # "Best,\nAna\nPS: our CFO will call you."
    )


def _is_sentence(line: str) -> bool:
    """A line someone wrote as a sentence (a "P.S.", a remark), which no card holds."""
    stripped = line.strip()
    words = stripped.split()
    # "… about the invoice." ends a sentence; "Head of Finance, Kunde Inc." ends a company's name
    return bool(PS_RE.match(stripped)) or (len(words) >= 5 and bool(re.match(r"[a-zà-ÿ0-9]\S*[.!?]$", words[-1])))


def _in_table(lines: list[str], at: int) -> bool:
    """ "Ana Ruiz | CFO | ana@…" under a row with as many cells ("Name | Title | Email"): a table, not a card."""
    cells = lines[at].count(" | ")
    return cells > 0 and at > 0 and lines[at - 1].count(" | ") == cells


def _title_above(lines: list[str], at: int) -> bool:
    """A short title line right over the name line, itself under a sign-off or a blank line."""
    above = lines[at - 1].strip() if at > 0 else ""
    over = lines[at - 2].strip() if at > 1 else ""
    return (
        bool(TITLE_WORDS.search(above))
        and len(above) < 60
        and not above.endswith((".", "!", "?", ":"))
        and (not over or bool(SIGN_OFF_RE.match(over)))
    )


def signed_by(signature: str, sender: Address | None) -> bool:
    """Whether ``signature`` carries the sender's own name (not a forwarder's card left under their message)."""
    tokens = _name_tokens(sender)
    return not tokens or any(_is_name_line(line.strip(" \t>*_"), tokens) for line in signature.split("\n"))


def split_own_signature(body: str, sender: Address | None) -> tuple[str, str]:
    """``split_signature``, but a trailing card of someone else (the rep who forwarded the message signs
    under it) is cut off first, so the sender's own card above it is the one read."""
    text, signature = split_signature(body, sender)
    if signature and sender is not None and not signed_by(signature, sender):
        above, own = split_signature(text, sender)
        if own and signed_by(own, sender):
            return above, own
    return text, signature


def split_trailing_note(signature: str) -> tuple[str, str]:
    """A signature card with someone's sentences under it: (the card, the sentences).

    s-nail and aerc put the text a rep types after a forward right under the forwarded
    message's signature; a card is names, titles and contact lines, never sentences.
    """
    lines = signature.split("\n")
    for j in range(1, len(lines)):
        line = lines[j].strip()
        words = line.split()
        if len(words) < 7 or not re.search(r"[a-zà-ÿ]{3}", line) or _is_contact_line(line):
            continue
        if (line.endswith((".", "!", "?")) or len(line) >= 70) and not BOILERPLATE_RE.search(line):
            return "\n".join(lines[:j]).strip(), "\n".join(lines[j:]).strip()
    return signature, ""


def _with_sign_off(lines: list[str], start: int) -> int:
    """Where a signature starts once a "Regards," just above it joins it (when text remains above)."""
    k = start - 1
    while k >= 0 and not lines[k].strip() and start - k < 3:
        k -= 1
    if k > 0 and SIGN_OFF_RE.match(lines[k]) and any(ln.strip() for ln in lines[:k]):
        return k
    return start


def _looks_like_card(rest: list[str], has_name: bool) -> bool:
    """Whether the lines after a name line look like a signature card (or nothing at all)."""
    content = [r.strip() for r in rest if r.strip()]
    if not content:
        return has_name
    if len(content) > MAX_SIGNATURE_LINES:
        return False
    content = [c for c in content if not (REGISTRY_RE.search(c) and "|" in c)] or content
    # a footer line under the card (a licence, a printing banner) is no line of the card
    content = [c for c in content if not (len(c) >= 90 and BOILERPLATE_RE.search(c))] or content
    return all(len(c) < 90 or _is_contact_line(c) or is_mobile_footer(c) for c in content[:4]) and (
        any(TITLE_WORDS.search(c) or _is_contact_line(c) or "|" in c for c in content[:4])
    )


def _company_from_domain(sender: Address | None) -> str:
    if sender is None or "@" not in sender.email:
        return ""
    return sender.domain.split(".")[0]


def _split_title_company(line: str, sender: Address | None) -> tuple[str, str]:
    """ "VP of Product, Orbis Learning", "Gerente de Operaciones – Acme S.A." -> title and company; "Terminal
    Manager, Savannah" stays whole."""
    parted = re.match(r"^(.+?)(?:,|\s[–—|@-]\s|\s+at\s+)\s*([^,–—|@]+)$", line)
    if not parted:
        return line, ""
    head, tail = parted.group(1), parted.group(2).strip()
    domain = _company_from_domain(sender)
    squashed = re.sub(r"[^a-z0-9]", "", tail.lower())
    if (domain and squashed and (squashed in domain or domain in squashed)) or COMPANY_SUFFIX_RE.search(tail):
        return head.strip(), tail
    return line, ""


def parse_signature(signature: str, sender: Address | None) -> SignatureInfo:
    """Read name, title, company and phone from a signature block (any field may be "")."""
    info = SignatureInfo()
    tokens = _name_tokens(sender)
    lines = [
        re.sub(r"\s+", " ", ln).strip(" \t>*_")
        for ln in signature.split("\n")
        if ln.strip(" \t>*_-—") and not is_mobile_footer(ln.strip())
    ]
    first = tokens[0] if tokens else None
    lines = [ln for ln in lines if ln and len(ln) < 160 and not SIGN_OFF_RE.match(ln) and _norm(ln) != first]
    name_at = next((i for i, ln in enumerate(lines) if tokens and _is_name_line(ln, tokens)), None)
    if name_at is None:
        name_at = next((i for i, ln in enumerate(lines) if _is_name_line(ln, [])), None)
    rest = lines
    if name_at is not None:
        name_line = CREDENTIAL_RE.sub("", lines[name_at]).strip()
        parts = [p.strip() for p in NAME_SEPARATOR.split(name_line, maxsplit=1) if p.strip()]
        info.name = NAME_PREFIX_RE.sub("", parts[0])
        rest = parts[1:] + lines[name_at + 1 :]
    elif sender is not None and sender.name:
        info.name = sender.name
    if name_at and TITLE_WORDS.search(lines[name_at - 1]) and not _is_contact_line(lines[name_at - 1]):
        rest = [*rest, lines[name_at - 1]]  # a title written over the name, when none is under it
    for line in rest:
        if _is_contact_line(line):
            if not info.phone:
                match = PHONE_RE.search(PHONE_LABEL_RE.sub("", line))
                if match and sum(c.isdigit() for c in match.group()) >= 7:
                    info.phone = match.group().strip()
            continue
        if info.title and info.company:
            continue
        parts = re.split(r"\s+([|•·])\s+", line)  # pieces, with the separator between each two
        titled_at = -1
        for at in range(0, len(parts), 2):
            piece = parts[at].strip()
            if not piece:
                continue
            if titled_at == at - 2 and UNIT_RE.match(piece):  # "Responsable de Compras · Sede Valencia"
                info.title = f"{info.title} {parts[at - 1]} {piece}"
                continue
            if not info.title and TITLE_WORDS.search(piece) and len(piece) < 80 and not _is_sentence(piece):
                info.title, company = _split_title_company(piece, sender)
                info.company = info.company or company
                titled_at = at
            elif not info.company and not re.match(r"^\d", piece) and len(piece) < 60:
                info.company = _without_address(piece)
    if not info.title and name_at is not None:
        _title_by_place(info, lines[name_at + 1 : name_at + 3], sender)
    return info


def _title_by_place(info: SignatureInfo, below: list[str], sender: Address | None) -> None:
    """A card's "Name / X / Company" where no title word names X: X is the title ("Gemeindeschreiber",
    "Contrôleuse", "Publisher") when the line under it is the sender's company and X is not."""
    if len(below) < 2:
        return
    line, company = below[0], below[1].split(" | ")[0].strip()
    if (
        _is_contact_line(line)
        or _is_sentence(line)
        or len(line) > 80
        or len(line.split()) > 10
        or re.match(r"^\d", line)
        or not _is_company(company, sender)
        or _is_company(line, sender)
    ):
        return
    info.title, info.company = line, _without_address(company)


def _is_company(line: str, sender: Address | None) -> bool:
    """A card's company line: a legal form ending it or a part of it ("Rigiblick AG, Zug", "S.A.") or the sender's
    domain in its words."""
    if any(COMPANY_SUFFIX_RE.search(part.strip(" ,")) for part in re.split(r"[,|–—]", line)):
        return True
    domain = _company_from_domain(sender)
    words = [w for w in re.findall(r"[a-z0-9]+", _ascii(line)) if len(w) >= 4]
    squashed = "".join(re.findall(r"[a-z0-9]+", _ascii(line)))
    return bool(domain) and (domain in squashed or any(w in domain for w in words))


def _ascii(text: str) -> str:
    """Lower case without accents: "Oleícola" is in the domain "oleicolamagina"."""
    return unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()


# "Hôtels Azurel – 12 quai de Rive-Neuve, 13007 Marseille": the company, a dash, and where it sits (a number in it)
_COMPANY_AND_ADDRESS = re.compile(r"^(?P<company>\D+?)\s+[–—-]\s+(?P<address>.*\d.*)$")


def _without_address(line: str) -> str:
    """A company line without the street address written after a dash."""
    match = _COMPANY_AND_ADDRESS.match(line)
    return match.group("company").strip() if match else line


def read_card(message: ThreadMessage) -> None:
    """Fill ``message.card`` from its signature block: the one place a message's card is read."""
    message.card = parse_signature(message.signature, message.sender) if message.signature else SignatureInfo()


def stored_message(data: dict[str, Any]) -> ThreadMessage:
    """A message as stored (``ThreadMessage.to_dict``); a row stored before cards were kept gets its card read here."""
    message = ThreadMessage.from_dict(data)
    if "card" not in data:
        read_card(message)
    return message
