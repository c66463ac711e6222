"""Sources cut into sentence units: who said it, when, under which heading, and the verbatim span.

What it is for: ``body_units`` / ``crm_units`` turn one ``ThreadMessage`` (an email body, a
transcript turn, a rep's note, a CRM export's rows) into ``Unit`` records the classifier in
offline.py reads, dropping greetings, header lines, boilerplate and injected
instructions on the way. Not for: deciding sections (offline.py) or people (people.py).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from agent.extract import cues, lexicon
from agent.extract.dates import find_dates
from agent.extract.injection import looks_like_instruction
from mailflows.inbound.dates import parse_mail_date

# a capital in the customers' languages: "À six mois", "Über", "Él", "Ça"; "¿"/"¡" open a Spanish sentence, "«" a quote
CAPITAL = "A-ZÀ-ÖØ-ÞŒŠŽČŁ"
SENTENCE_END = re.compile(rf"(?:(?<=[.!?])|(?<=[.!?][\"'”’»)\]]))\s+(?=[\"'“‘«(\[]?\s?[¿¡]?[{CAPITAL}0-9$€£])")
BULLET = re.compile(r"^\s*(?:[-*•+]|\d{1,2}[.)]|[a-z][.)])\s+")
MD_HEADING = re.compile(r"^\s*#{1,6}\s+(.+?)\s*#*\s*$")
BOLD_HEADING = re.compile(r"^\s*\*\*([^*]{2,80})\*\*:?\s*$")
LEAD_IN = re.compile(r"^\s*([^\W\d_][\w /&'’-]{1,50}?)\s*(?:--|—|–|:| - )\s*(\S.*)$")
LEAD_WORDS = 5  # a lead-in label longer than this is the start of a sentence, not a label
# A line that ends in a colon names what follows only in its last sentence, after any greeting:
# "Nice meeting today. Two things from our end:" announces no section.
SALUTATION = re.compile(
    r"^\s*(?:hi|hello|hey|dear|hallo|liebe[rs]?|bonjour|cher|chère|hola|estimad[oa]s?)\b[^,:]{0,40},\s*", re.I
)
SENT_LINE = re.compile(r"^\s*(?:sent|date)\s*:\s*(.+)$", re.IGNORECASE | re.MULTILINE)
CRM_KEY = re.compile(r"(?:^|;\s*)([^\W\d_][\w /-]{0,30}?)\s*:\s")
# What a CRM export names its columns, in the four languages (a German export's "Funktion", a French "Poste").
CRM_TITLE_KEYS = ("job title", "title", "position", "role", "cargo", "puesto", "funktion", "jobtitel", "rolle",
                  "stellung", "poste", "fonction", "titre")  # fmt: skip
CRM_NAME_KEYS = ("contact name", "full name", "name", "contact", "nombre completo", "nombre", "nom complet", "nom",
                 "kontakt", "ansprechpartner\\w*", "contacto")  # fmt: skip
CRM_FIRST_KEYS = ("first name", "given name", "first", "vorname", "prénom", "nombre")
CRM_LAST_KEYS = ("last name", "surname", "family name", "last", "nachname", "familienname", "nom", "apellidos?")
CRM_EMAIL_KEYS = ("email", "e-mail", "mail", "courriel", "correo")
CRM_OTHER_KEYS = ("telefon", "téléphone", "teléfono", "tel", "mobile?", "móvil", "handy", "firma", "société", "empresa",
                  "entreprise", "abteilung", "département", "departamento", "department", "ville", "stadt", "ciudad")  # fmt: skip
# the column that names the alternative a deal was weighed against, and whose notes are about that alternative
CRM_RIVAL_KEYS = ("primary competitor", "competitors?", "competition", "wettbewerber", "mitbewerber", "konkurrenz",
                  "concurrents?", "concurrence", "competidor(?:es)?", "competencia", "alternatives?")  # fmt: skip
CRM_RIVAL_KEY = re.compile(rf"\b(?:{'|'.join(CRM_RIVAL_KEYS)})\b", re.IGNORECASE)
CRM_ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
CRM_KEY_WORDS = re.compile(
    r"\b(?:date|type|subject|contact|name|title|email|e-mail|notes?|description|comments?|details|summary|owner|"
    r"assigned|outcome|next|status|account|company|phone|activity|role|stage|amount|due|created|by|"
    + "|".join(
        CRM_TITLE_KEYS
        + CRM_NAME_KEYS
        + CRM_FIRST_KEYS
        + CRM_LAST_KEYS
        + CRM_EMAIL_KEYS
        + CRM_OTHER_KEYS
        + CRM_RIVAL_KEYS
    )
    + r")\b",
    re.IGNORECASE,
)
NOTES_KEY = re.compile(r"\b(?:notes?|description|comments?|details|summary)\b", re.IGNORECASE)
TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}")


@dataclass(slots=True)
class Unit:
    text: str  # readable text (bullets and markdown removed)
    quote: str  # the verbatim span of the source it came from
    source_id: str
    speaker: str
    speaker_email: str | None
    author: str  # "customer" | "ours" | "note"
    anchor: date | None
    heading: str | None  # section a heading or lead-in points to
    list_item: bool = False
    labelled: bool = False  # its own line opens with a label naming ``heading`` ("Risk: ...", "Why us: ...")
    context: str = ""  # the sentence just before, for "that"/"it" that points back to it
    lang: str | None = None  # ISO 639-1 code of the sentence (language.py), set by the reader
    voices: tuple[tuple[str, str], ...] = ()  # (speaker, words) quoted inside a rep's note: Name: "..."


heading_section = cues.heading_section


# A sentence of the rep's note that says when the call was: "Transcript from Thursday's demo (Aug 6)"
CALL_WORDS = re.compile(
    r"\b(?:call|transcript|demo|meeting|session|workshop|llamada|reuni[oó]n|sesi[oó]n|appel|r[ée]union|anruf|"
    r"besprechung|termin|gespr[äa]ch)\b",
    re.IGNORECASE,
)
CALL_WEEKDAY = re.compile(
    r"\b(?:(yesterday|today)|(?:last |on )?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?:'s)?)\b", re.I
)


def call_day(transcript: str, note: str, written: date) -> date:
    """The day a call took place, for a transcript forwarded on ``written``: a date in its own first lines, else the
    one the note above it gives the call ("Thursday's demo (Aug 6)", "yesterday's call"), else ``written``."""
    recent = [d for _, d in find_dates(transcript[:300], written) if written - timedelta(days=45) <= d <= written]
    if recent:
        return recent[0]
    for sentence in re.split(r"(?<=[.!?])\s+|\n", note[:1500]):
        if not CALL_WORDS.search(sentence):
            continue
        dated = [d for _, d in find_dates(sentence, written) if written - timedelta(days=45) <= d <= written]
        if dated:
            return dated[0]
        if said := CALL_WEEKDAY.search(sentence):
            if said[1]:
                return written - timedelta(days=1 if said[1].lower() == "yesterday" else 0)
            back = (written.weekday() - list(calendar.day_name).index(said[2].capitalize())) % 7
            return written - timedelta(days=back)
    return written


def message_anchor(body: str, fallback: datetime | None) -> date | None:
    if fallback is not None:
        return fallback.date()
    match = SENT_LINE.search(body[:600])
    if match:
        sent = parse_mail_date(match.group(1))
        return sent.date() if sent is not None else None
    return None


# The names of a table's columns: a header row tells a CSM nothing ("Owner | Step | Target date")
COLUMN_NAME = re.compile(
    r"(?:who|what|when|owner|owners|step|steps|task|tasks|action|actions|item|items|milestone|milestones|target|due|"
    r"date|dates|deadline|status|responsible|notes?|phase|activity|deliverable|by|verantwortlich|aufgabe|termin|datum|"
    r"schritt|responsable|tâche|étape|échéance|fecha|tarea|paso|hito|dueño|plazo|estado)",
    re.IGNORECASE,
)


def header_row(text: str) -> bool:
    cells = [c.strip() for c in text.split("|") if c.strip()]
    return len(cells) >= 2 and all(COLUMN_NAME.fullmatch(w) for c in cells for w in c.split())


def is_junk(text: str) -> bool:
    return bool(
        header_row(text)
        or lexicon.JUNK.search(text)
        or lexicon.GREETING.match(text)
        or lexicon.HEADER_LINE.match(text)
        or looks_like_instruction(text)
    )


# where a sentence turns to another remark: a colon, semicolon, dash or comma, or "and", "but", "so" (with "on top of
# that": "y encima", "und noch", "et en plus")
CLAUSE_BREAK = re.compile(
    r"\s*(?:[;:–—,]|\s--)\s+|\s+(?:and|but|so|plus|y|pero|und|aber|et|mais|donc)\s+(?:(?:also|on top|encima|además|"
    r"auch|noch|dazu|en plus|aussi)\s+)?",
    re.IGNORECASE,
)
PRIVATE_HEAD_WORDS = 6  # what is left before a private clause keeps its sentence only with this many words


def before_private(sentence: str) -> str:
    """``sentence`` without the clause that tells someone's private matter, when business comes before it: "el piloto
    no en agosto: media plantilla de vacaciones y encima X está de baja por depresión" keeps its first part. The
    sentence as it is otherwise (a confidence, or a private matter from its start, is junk: ``is_junk`` drops it)."""
    told = lexicon.PRIVATE_TOLD.search(sentence)
    if told is None or lexicon.IN_CONFIDENCE.search(sentence):
        return sentence
    breaks = [m.start() for m in CLAUSE_BREAK.finditer(sentence, 0, told.start())]
    head = sentence[: breaks[-1]].rstrip(" ,;:–—-") if breaks else ""
    if len(head.split()) < PRIVATE_HEAD_WORDS or lexicon.PRIVATE.search(head):
        return sentence
    return head


def before_instruction(sentences: list[str]) -> list[str]:
    """The sentences before one planted for a model: what follows it in its paragraph is its payload."""
    for at, sentence in enumerate(sentences):
        if looks_like_instruction(sentence):
            return sentences[:at]
    return sentences


ORDINAL_END = re.compile(r"(?:^|\s)\d{1,2}\.$")  # "am 30." before "September": a German date, not a sentence end
ABBREVIATION_END = re.compile(
    r"(?:^|\s)(?:z|d|u|Dr|Mr|Mrs|Ms|Prof|Nr|St|Sr|Sra|Mme|Hr|Fr|bzw|ca|vs|etc|inkl|z\.\s?B|d\.\s?h|u\.\s?a|"
    # amounts and everyday abbreviations in German, French and Spanish: "2,5 Mio. €", "90 Mio. Liter", "3 Mrd. CHF"
    r"Mio|Mrd|Tsd|Mill|Std|Min|evtl|ggf|usw|vgl|resp|Abt|\w*[Ss]tr|Tel|Mag|Dipl|Ing|Lic|aprox|env|Sres|Dña|Mlle)\.$"
)
MONTH_START = re.compile(
    r"^(?:Jan|Feb|M[äa]r|Apr|Ma[iy]|Jun|Jul|Aug|Sep|O[ck]t|Nov|De[cz]|Jänner|Janvier|Février|Avril|Juin|Juillet|Août|"
    r"Septembre|Octobre|Novembre|Décembre|Enero|Febrero|Marzo|Abril|Mayo|Junio|Julio|Agosto|Septiembre|Octubre|"
    r"Noviembre|Diciembre|Quartal|Kalenderwoche|KW)",
    re.IGNORECASE,
)


def split_sentences(paragraph: str) -> list[str]:
    out: list[str] = []
    for piece in (s.strip() for s in SENTENCE_END.split(paragraph) if s and s.strip()):
        if out and (ABBREVIATION_END.search(out[-1]) or (ORDINAL_END.search(out[-1]) and MONTH_START.match(piece))):
            out[-1] = f"{out[-1]} {piece}"
            continue
        out.append(piece)
    return out


def _clean(text: str) -> str:
    text = BULLET.sub("", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = text.replace("**", "").replace("__", "")
    text = re.sub(r"\s*\|\s*", " | ", text).strip(" |")
    return re.sub(r"\s+", " ", text).strip()


def _marker(line: str) -> str:
    match = BULLET.match(line)
    return "" if match is None else ("1" if match.group(0).strip()[0].isdigit() else match.group(0).strip()[0])


def _bare_heading(line: str, following: list[str]) -> re.Match[str] | None:
    """A short title line with no sentence punctuation directly above a list ("What we commit to")."""
    nxt = next((ln for ln in following if ln.strip()), "")
    if "|" in line:
        return None  # a row of a table (its header row too), never the title above it
    if len(line) > 60 or re.search(r"[.!?,;:]\s*$", line) or not (BULLET.match(nxt) or "|" in nxt):
        return None
    if BULLET.match(line) and (_marker(line) == _marker(nxt) or not (following and following[0].strip())):
        return None  # one item of a list, not its title (a list's last item before a blank line and the next point too)
    return re.match(r"^\s*(?:\d{1,2}[.)]\s+)?(.+?)\s*$", line)


def paragraphs(body: str) -> list[tuple[str, str | None, bool]]:
    """(paragraph, section hinted by the heading above it, is a list item) in reading order."""
    out: list[tuple[str, str | None, bool]] = []
    heading: str | None = None
    sticky = False  # a markdown heading holds until the next heading; a "Label:" line until plain prose
    buffer: list[str] = []
    fresh_at = 0  # paragraphs already out when the current heading was seen

    def flush(hint: str | None) -> None:
        if buffer:
            out.append((" ".join(buffer), hint, False))
            buffer.clear()

    lines = [_as_row(raw) for raw in body.splitlines()]
    for at, raw in enumerate(lines):
        line = raw.rstrip()
        if not line.strip() or TABLE_RULE.match(line):
            flush(heading)
            continue
        md = MD_HEADING.match(line) or BOLD_HEADING.match(line) or _bare_heading(line, lines[at + 1 : at + 3])
        if md:
            flush(heading)
            heading, sticky = heading_section(md.group(1)), True
            fresh_at = len(out)
            continue
        if line.rstrip().endswith(":") and len(line) < 160 and not BULLET.match(line):
            flush(heading)
            hint = heading_section(title_of(line))
            if hint or not sticky:
                heading, sticky = hint, sticky and hint is None
                fresh_at = len(out)
            continue
        if BULLET.match(line) or "|" in line:
            flush(heading)
            out.append((line.strip(), heading, True))
            continue
        if _wraps_item(line, lines[at - 1] if at else "", out):
            # "1. The reliability report\n   live and validated by June 26": the item's wrapped line is the item
            out[-1] = (f"{out[-1][0]} {line.strip()}", out[-1][1], True)
            continue
        lead = None if lexicon.REASON_LABEL.match(line) else LEAD_IN.match(line)  # "Why us:" labels one sentence
        if lead and not buffer and heading_section(lead.group(1)) and len(lead.group(1).split()) <= LEAD_WORDS:
            flush(heading)
            heading, sticky = heading_section(lead.group(1)), False
            fresh_at = len(out)
            buffer.append(line.strip())  # the label stays: the sentence it opens is labelled by it (body_units)
            continue
        if not buffer and not sticky and heading is not None and len(out) > fresh_at and not out[-1][2]:
            heading = None
        buffer.append(line.strip())
    flush(heading)
    return out


def _wraps_item(line: str, before: str, out: list[tuple[str, str | None, bool]]) -> bool:
    """An indented line right under a list item (or its wrapped line) that goes on with it."""
    return (
        bool(out and out[-1][2] and line[:2].isspace() and before.strip())
        and not BULLET.match(line)
        and "|" not in out[-1][0]
        and out[-1][0].split(" ")[-1] in before
    )


# A plain-text table lines its columns up with runs of spaces or tabs: "Sandbox loaded    Lumen Data    3/6"
COLUMN_GAP = re.compile(r"(?<=\S)(?: {3,}|\t+)(?=\S)")


def _as_row(line: str) -> str:
    """A line of a space-aligned table as a "a | b | c" row (three columns or more), else the line as it is."""
    if "|" in line or len(COLUMN_GAP.findall(line.strip())) < 2:
        return line
    return " | ".join(COLUMN_GAP.split(line.strip()))


def title_of(line: str) -> str:
    """What a line ending in a colon would title: its last sentence, without a greeting."""
    return re.split(r"(?<=[.!?])\s+", SALUTATION.sub("", line.strip()))[-1]  # "…this morning. some notes:" too


def labelled_section(text: str) -> tuple[str | None, str | None] | None:
    """What a sentence's own label names: (a section for it and the rest of its paragraph, or a section for it
    alone), from "Risk: ..." or "Sur le financement : ..."; None when it has no such label."""
    lead = LEAD_IN.match(text)
    if lead is None or len(lead.group(1).split()) > LEAD_WORDS or not lead.group(2).strip():
        return None
    if section := heading_section(lead.group(1)):
        return section, None
    topic = cues.topic_section(lead.group(1))
    return None if topic is None else (None, topic)


def without_private(body: str) -> str:
    """The body without sections under a heading such as "INTERNAL - not for the handoff"."""
    out: list[str] = []
    hidden = False
    for line in body.splitlines():
        heading_like = line.lstrip().startswith(("#", "**")) or (
            len(line.strip()) <= 50 and not line.rstrip().endswith(".")
        )
        if heading_like and lexicon.PRIVATE_HEADING.match(line):
            hidden = True
            continue
        if hidden and lexicon.PRIVATE_END.match(line):
            hidden = False
            continue
        if hidden and (MD_HEADING.match(line) or BOLD_HEADING.match(line) or CAPS_HEADING.match(line)):
            hidden = False
        if not hidden:
            out.append(line)
    return "\n".join(out)


# A plain-text heading in capitals ("NEXT STEPS", "WHY THEY BOUGHT:"): it ends a private section as "## …" does
CAPS_HEADING = re.compile(r"^\s*[A-ZÄÖÜÀ-Ý][A-ZÄÖÜÀ-Ý0-9 &/'’-]{2,48}:?\s*$")


def before_keep_out(pieces: list[str]) -> tuple[list[str], bool]:
    """The pieces of a paragraph before the rep's "keep this out" marker, and whether the marker closed the
    paragraph (then the remark it keeps out is the next paragraph: "Off the record:" on a line of its own)."""
    for at, piece in enumerate(pieces):
        if marker := lexicon.KEEP_OUT.search(piece):
            # "Nur intern: Rabatt bis 15 %" carries its remark; "Keep this between us." or "Off the record:" points on
            alone = piece.rstrip().endswith(":") or len(re.findall(r"\w+", piece[marker.end() :])) <= 2
            return pieces[:at], at == len(pieces) - 1 and alone
    return pieces, False


def body_units(
    body: str, source_id: str, speaker: str, email: str | None, author: str, anchor: date | None
) -> list[Unit]:
    units: list[Unit] = []
    body = without_private(body)
    kept_out = False
    for para, hint, listed in paragraphs(body):
        if lexicon.HEADER_LINE.match(para):
            continue
        if kept_out:  # the remark under a "keep this out" marker that stood alone
            kept_out = False
            continue
        pieces = before_instruction([para] if listed and len(para) < 260 else split_sentences(para))
        if author != "customer":  # our side keeping a remark out; a customer's "not for the customer portal" is content
            pieces, kept_out = before_keep_out(pieces)
        local_hint = hint
        prev = ""
        for piece in map(before_private, pieces):
            quote = "" if "|" in piece else BULLET.sub("", piece).strip()
            text = _clean(piece)
            labelled = lexicon.WHY_LEAD.match(text) is not None
            own_hint = None  # a topic label, or "Why us:", files its own sentence only
            if labelled:
                local_hint = "purchase_drivers"
            elif lexicon.REASON_LABEL.match(text):
                own_hint, labelled = "purchase_drivers", True
                lead = LEAD_IN.match(text)
                text = _clean(lead.group(2)) if lead else text
            elif label := labelled_section(text):
                local_hint, own_hint, labelled = label[0] or local_hint, label[1], True
                text = _clean(LEAD_IN.match(text).group(2))  # type: ignore[union-attr]
            if len(text) < 12 or is_junk(text):
                prev = ""
                continue
            unit = Unit(
                text,
                quote,
                source_id,
                speaker,
                email,
                author,
                anchor,
                own_hint or local_hint,
                listed,
                labelled=labelled,
            )
            unit.context = prev
            units.append(unit)
            prev = "" if "|" in piece else piece.strip()
    return units


def crm_fields(row: str) -> dict[str, str]:
    """One exported CRM row ("Key: value; Key: value") as lower-case keys; a value may itself hold "; "."""
    keys = [m for m in CRM_KEY.finditer(row) if len(m.group(1).split()) <= 3 and CRM_KEY_WORDS.search(m.group(1))]
    fields: dict[str, str] = {}
    for at, match in enumerate(keys):
        end = keys[at + 1].start() if at + 1 < len(keys) else len(row)
        fields.setdefault(match.group(1).strip().lower(), row[match.end() : end].strip(" ;"))
    return fields


def crm_field(fields: dict[str, str], *words: str) -> str:
    """The first field whose key has one of ``words`` ("contact email", "email", ...)."""
    for word in words:
        for key, value in fields.items():
            if re.search(rf"\b{word}\b", key) and value:
                return value
    return ""


def crm_contact(fields: dict[str, str]) -> tuple[str, str, str]:
    """(name, email, title) of the contact one CRM row names, whatever the export calls its columns; "" when absent.
    A name split in two columns ("Vorname", "Nachname"; "Prénom", "Nom") is joined."""
    address = CRM_ADDRESS.search(crm_field(fields, *CRM_EMAIL_KEYS))
    email = address.group() if address else ""
    first = crm_field(fields, *CRM_FIRST_KEYS)
    last = crm_field(fields, *CRM_LAST_KEYS) if first else ""
    name = f"{first} {last}" if first and last else crm_field(fields, *CRM_NAME_KEYS)
    return name, email, crm_field(fields, *CRM_TITLE_KEYS)


def table_rows(text: str) -> list[dict[str, str]]:
    """The rows of each "a | b | c" table in ``text`` (an HTML table as html_text renders it, a Markdown
    table) whose first row names its columns the way a CRM export does, as lower-case column -> value."""
    rows: list[dict[str, str]] = []
    header: list[str] = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or "|" not in line:
            header = []
            continue
        if TABLE_RULE.match(line):
            continue
        if not header:
            named = [c for c in cells if CRM_KEY_WORDS.fullmatch(c.lower())]
            header = [c.lower() for c in cells] if len(named) >= 2 else []
            continue
        rows.append({h: v for h, v in zip(header, cells, strict=False) if v})
    return rows


def crm_units(body: str, source_id: str, fallback: date | None) -> list[Unit]:
    units: list[Unit] = []
    for row in body.splitlines():
        fields = crm_fields(row)
        anchor = fallback
        when = crm_field(fields, "date", "created")
        written = parse_mail_date(when) if when else None
        if written is not None:
            anchor = written.date()
        rival = next((v for k, v in fields.items() if CRM_RIVAL_KEY.search(k) and not NOTES_KEY.search(k)), "")
        for key, notes in fields.items():
            if not NOTES_KEY.search(key) or not notes:
                continue
            # "Primary Competitor: LabCore Analytics; Competitor Notes: quoted EUR 95,000 …": the notes say whom
            about = rival if rival and CRM_RIVAL_KEY.search(key) else ""
            for sentence in map(before_private, before_instruction(split_sentences(notes))):
                text = _clean(sentence)
                if len(text) >= 12 and not is_junk(text):
                    unit = Unit(text, sentence, source_id, "", None, "note", anchor, None)
                    if about:
                        unit.text, unit.heading = f"{about}: {text}", "competitive_context"
                    units.append(unit)
    return units
