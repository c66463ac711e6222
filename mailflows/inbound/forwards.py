"""Splitting one body into the messages of the thread it carries.

What it is for: ``split_thread`` walks a plain-text body (HTML already rendered by
``html_text``) from the top: the text above the first quoted or forwarded block
belongs to the message itself; the block's header (a forward's From/Date/To/Cc/Subject
lines in any client and language, or an "On <date>, <name> wrote:" line) starts the
next, older message, whose own text ends where its quoted history begins, and so on.
Messages therefore come newest first, each with its own author, date and body, and a
quoted sentence is stored once: with the message that wrote it. Not for: MIME
(``parse.py``), signatures (``signatures.py``) or deciding what a quote header is
(``quotes.py``).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime

from dateutil import parser as du_parser

from mailflows.inbound.mail import Address
from mailflows.inbound.quotes import (
    LABELS,
    WROTE_WORDS,
    Boundary,
    clean,
    find_boundary,
    unquote,
)

MAX_SPLIT_DEPTH = 50
LABEL_MAP = {word: key for key, words in LABELS.items() for word in words.split("|")}
LABEL_LINE_RE = re.compile(r"^\s*\*{0,2}\s*([^\W\d][^:：]{0,24}?)\s*\*{0,2}\s*[:：]\s*\*{0,2}\s*(.*?)\s*\*{0,2}\s*$")
INLINE_LABEL_RE = re.compile(r"(?<![A-Za-z])(?=(?:From|To|Cc|Sent|Date|Subject):)")
MAILTO_RE = re.compile(r"\s*[\[<(]mailto:([^\]>)]*)[\]>)]", re.IGNORECASE)
MAILTO_DUP_RE = re.compile(r"([\w.+'=-]+@[\w-]+(?:\.[\w-]+)+)\s*[\[<(]mailto:[^\]>)]*[\]>)]", re.IGNORECASE)
ADDRESS_RE = re.compile(
    r"(?P<name>[^<>@,;]*(?:,[^<>@,;]*)?)\s*<(?P<addr>[^<>\s]+@[^<>\s]+)>|(?P<bare>[\w.+'=-]+@[\w-]+(?:\.[\w-]+)+)"
)
EMAIL_RE = re.compile(r"[\w.+'=-]+@[\w-]+(?:\.[\w-]+)+")
WEEKDAYS_RE = re.compile(
    r"\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|urday|sday)?\b\.?,?", re.IGNORECASE
)
RFC2822_DATE_RE = re.compile(
    r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[+-]\d{4}|[A-Z]{1,5})?"
)
TZ_ABBREVIATIONS = {
    name: hours * 3600
    for name, hours in {
        "UTC": 0,
        "GMT": 0,
        "Z": 0,
        "EST": -5,
        "EDT": -4,
        "CST": -6,
        "CDT": -5,
        "MST": -7,
        "MDT": -6,
        "PST": -8,
        "PDT": -7,
        "AKST": -9,
        "AKDT": -8,
        "HST": -10,
        "BST": 1,
        "CET": 1,
        "CEST": 2,
        "MEZ": 1,
        "MESZ": 2,
        "EET": 2,
        "EEST": 3,
        "IST": 5.5,
        "JST": 9,
        "AEST": 10,
        "AEDT": 11,
    }.items()
}
_MONTHS = {
    "jan": "января январь янв січня sty stycznia januar janvier enero gennaio januari janeiro stycznia styczeń tammikuuta janv ene gen jän jänner",
    "feb": "февраля февраль фев лютого lut februar février fevrier febrero febbraio februari fevereiro lutego luty helmikuuta févr fév fevr",
    "mar": "марта март березня märz maerz mars marzo maart março marca marzec maaliskuuta mrt mär mrz",
    "apr": "апреля апрель апр квітня kwi april avril abril aprile kwietnia kwiecień huhtikuuta avr abr",
    "may": "мая май травня mai mayo maggio mei maio maja maj toukokuuta mag",
    "jun": "июня июнь июн червня cze juni juin junio giugno junho czerwca czerwiec kesäkuuta giu",
    "jul": "июля июль июл липня lip juli juillet julio luglio julho lipca lipiec heinäkuuta juil lug",
    "aug": "августа август авг серпня серп sie august août aout agosto augustus sierpnia sierpień elokuuta ago",
    "sep": "сентября сентябрь сен сент вересня wrz september septembre septiembre settembre setembro września wrzesień syyskuuta sept set",
    "oct": "октября октябрь окт жовтня paź oktober octobre octubre ottobre outubro października październik lokakuuta okt ott out",
    "nov": "ноября ноябрь ноя листопада lis november novembre noviembre novembro listopada listopad marraskuuta",
    "dec": "декабря декабрь дек грудня gru des dezember décembre decembre diciembre dicembre december dezembro grudnia grudzień joulukuuta dez déc dic",
}
_WEEKDAYS = (
    "montag dienstag mittwoch donnerstag freitag samstag sonntag lundi mardi mercredi jeudi vendredi samedi "
    "dimanche lunes martes miércoles jueves viernes sábado domingo lunedì martedì mercoledì giovedì venerdì "
    "sabato domenica maandag dinsdag woensdag donderdag vrijdag zaterdag zondag segunda terça quarta quinta "
    "sexta mo di mi do fr sa so lun mar mer jeu ven sam dim mié jue vie sáb dom ma wo vr za zo "
    "понедельник вторник среда четверг пятница суббота воскресенье пн вт ср чт пт сб вс poniedziałek wtorek "
    "środa czwartek piątek sobota niedziela mån tis ons tor fre lör sön man tir lør søn feira qua qui sex seg ter "
    "don mit"
)
LOCAL_WORDS = {word: month for month, words in _MONTHS.items() for word in [month, *words.split()]}
LOCAL_WORDS.update({word: " " for word in _WEEKDAYS.split() if word not in LOCAL_WORDS})
LOCAL_WORDS.update(
    {
        w: " "
        for w in (
            "de",
            "del",
            "um",
            "uhr",
            "à",
            "kl",
            "alle",
            "om",
            "giorno",
            "le",
            "am",
            "el",
            "il",
            "op",
            "den",
            "г",
            "р",
            "в",
            "о",
            "o",
            "godz",
            "klo",
            "ore",
            "às",
            "keltezéssel",
            "in",
            "data",
            "schreef",
        )
    }
)
LOCAL_WORDS.update({"nachm": "PM", "vorm": "AM", "下午": "PM", "上午": "AM"})
GMT_OFFSET_RE = re.compile(r"\b(?:GMT|UTC)\s*([+-])(\d{1,2})(?::?(\d{2}))?\b")
MAILTO_WRAP_RE = re.compile(r"<\s*\[?mailto:[^<>]*<([^<>\s]+@[^<>\s]+)>\s*\]?\s*>", re.IGNORECASE)
CJK_DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
LOCAL_WORD_RE = re.compile(r"(?<![\w])[^\W\d_]+\.?(?![\w])")
DATEPARSER_LANGUAGES = ["en", "de", "fr", "es", "it", "nl", "pt", "sv", "da", "nb", "pl", "fi", "ru", "ja", "zh"]
MONTH_NUMBERS = {
    m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)
}
FAST_DATE_RE = re.compile(
    r"^(?:(?P<mon1>[A-Za-z]{3,9})\.? (?P<d1>\d{1,2}),?|(?P<d2>\d{1,2})\.? (?P<mon2>[A-Za-z]{3,9})\.?) (?P<y>\d{4}),? "
    r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))? ?(?P<ampm>[AaPp][Mm])?(?: (?P<tz>[A-Z]{1,5}))?$"
)
NAME_STOP = frozenset(
    [
        "am",
        "pm",
        "at",
        "um",
        "uhr",
        "à",
        "las",
        "às",
        "the",
        "on",
        "le",
        "el",
        "il",
        "op",
        "em",
        "den",
        "dnia",
        "w",
        "dniu",
        "gmt",
        "utc",
        "schrieb",
        "wrote",
        "wrote:",
        "heeft",
        "giorno",
        "пользователь",
        "a",
        "écrit",
        "escribió",
        "ha",
        "scritto",
        "schreef",
        "escreveu",
        "skrev",
    ]
)


@dataclass(slots=True)
class Header:
    sender: Address | None = None
    to: list[Address] = field(default_factory=list)
    cc: list[Address] = field(default_factory=list)
    date: datetime | None = None
    date_text: str = ""
    subject: str = ""


@dataclass(slots=True)
class Chunk:
    """One message found in a body: its header (None for the top one), own text and quoted history."""

    header: Header | None
    text: str
    quoted: str = ""
    via: str = ""  # the boundary kind that opened it: forward, header, wrote, rule, quote
    own: bool = True  # False: ``text`` is quoted lines kept because nothing else was there, not the author's


def parse_addresses(value: str) -> list[Address]:
    """Recipients as clients print them: "A <a@x>; B <b@x>", "Doe, John <j@x>", "A [mailto:a@x]", bare names."""
    value = clean(value).strip().strip(",;")
    value = MAILTO_DUP_RE.sub(r"\1", value)
    value = MAILTO_RE.sub(lambda m: f" <{m.group(1)}>", value)
    if not value:
        return []
    out: list[Address] = []
    for match in ADDRESS_RE.finditer(value):
        name = (match.group("name") or "").strip(" ,;\"'«»“”")
        email = (match.group("addr") or match.group("bare") or "").strip().lower()
        if name.lower() == email:
            name = ""
        if out and not name and out[-1].email == email:
            continue
        if out and not out[-1].name and out[-1].email == email:
            out[-1].name = name
            continue
        out.append(Address(name=name, email=email))
    if not out:
        out = [Address(name=p.strip(" \"'"), email="") for p in re.split(r"[;,]", value) if p.strip(" \"'")]
    return out


def parse_loose_date(text: str, default_tz: tzinfo | None = None) -> datetime | None:
    """A date as mail clients print it in headers and quote lines, in many languages."""
    text = clean(text).strip().strip(",")
    if not text or len(text) > 200:
        return None
    if "GMT" in text or "UTC" in text:
        # dateutil reads "GMT+01:00" the POSIX way, as one hour *behind* UTC
        text = GMT_OFFSET_RE.sub(lambda m: f"{m.group(1)}{int(m.group(2)):02d}{m.group(3) or '00'}", text)
    result: datetime | None = None
    if RFC2822_DATE_RE.match(text):
        try:
            result = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            result = None
    if result is None:
        simplified = WEEKDAYS_RE.sub(" ", _translate_months(text))
        simplified = re.sub(r"\b(?:at|um|à|a las|às|kl\.?|o)\b", " ", simplified, flags=re.IGNORECASE)
        simplified = re.sub(r"\s+", " ", simplified).strip(" ,")
        result = _fast_date(simplified)
    if result is None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                dayfirst = bool(re.search(r"\b\d{1,2}\.\d{1,2}\.\d{2,4}\b", simplified))
                result = du_parser.parse(simplified, dayfirst=dayfirst, tzinfos=TZ_ABBREVIATIONS)
        except (ValueError, OverflowError, TypeError):
            result = _fuzzy(simplified) or _dateparser(text)
    if result is not None and result.tzinfo is None and default_tz is not None:
        result = result.replace(tzinfo=default_tz)
    return result


def _fast_date(text: str) -> datetime | None:
    """The common "Mar 9, 2026 4:20 PM" and "9 mar 2026 16:20" shapes without dateutil's general parser."""
    match = FAST_DATE_RE.match(text)
    month = MONTH_NUMBERS.get((match.group("mon1") or match.group("mon2") or "")[:3].lower()) if match else None
    if match is None or month is None:
        return None
    hour, minute, second = int(match.group("h")), int(match.group("mi")), int(match.group("s") or 0)
    ampm = (match.group("ampm") or "").lower()
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    tz_name = match.group("tz")
    if tz_name and tz_name not in TZ_ABBREVIATIONS:
        return None
    try:
        value = datetime(
            int(match.group("y")), month, int(match.group("d1") or match.group("d2")), hour, minute, second
        )
    except ValueError:
        return None
    return value.replace(tzinfo=timezone(timedelta(seconds=TZ_ABBREVIATIONS[tz_name]))) if tz_name else value


def _translate_months(text: str) -> str:
    """Localized month and weekday names to English, so dateutil can read the date."""
    text = CJK_DATE_RE.sub(lambda m: f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d} ", text)
    text = re.sub(r"[月火水木金土日]曜日|（[月火水木金土日]）|\([月火水木金土日]\)|星期.", " ", text)
    if text.isascii() and not LOCAL_WORD_RE.search(text):
        return text
    return LOCAL_WORD_RE.sub(lambda m: LOCAL_WORDS.get(m.group().lower().rstrip("."), m.group()), text)


def _fuzzy(text: str) -> datetime | None:
    """dateutil's fuzzy mode, only for text that clearly holds a full date and a time."""
    if not (re.search(r"\b(?:19|20)\d{2}\b", text) and re.search(r"\d{1,2}[:.]\d{2}", text)):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return du_parser.parse(text, fuzzy=True, tzinfos=TZ_ABBREVIATIONS)
    except (ValueError, OverflowError, TypeError):
        return None


def _dateparser(text: str) -> datetime | None:
    if not re.search(r"\d", text):
        return None
    try:
        import dateparser

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return dateparser.parse(text, languages=DATEPARSER_LANGUAGES, settings={"RETURN_AS_TIMEZONE_AWARE": False})
    except Exception:  # dateparser raises a variety of errors on odd input
        return None


def parse_header_block(lines: list[str], default_tz: tzinfo | None) -> Header:
    header = Header()
    current: str | None = None
    values: dict[str, str] = {}
    for raw in lines:
        line = clean(raw)
        match = LABEL_LINE_RE.match(line)
        key = LABEL_MAP.get(match.group(1).strip().lower()) if match else None
        if match and key and key not in values:
            current = key
            values[key] = match.group(2)
        elif current and line.strip() and current in ("to", "cc", "subject"):
            values[current] += " " + line.strip()
    if "from" in values:
        found = parse_addresses(values["from"])
        header.sender = found[0] if found else None
    header.to = parse_addresses(values.get("to", ""))
    header.cc = parse_addresses(values.get("cc", ""))
    header.subject = values.get("subject", "").strip()
    header.date_text = values.get("date", "").strip()
    header.date = parse_loose_date(header.date_text, default_tz)
    return header


def parse_wrote_line(line: str, default_tz: tzinfo | None) -> Header:
    """Author and date from "On Mon, Mar 16, 2026 at 4:20 PM Dana Reyes <dana@x> wrote:" and its kin."""
    line = clean(re.sub(r"\s+", " ", line)).strip()
    if "mailto:" in line:  # "Some One < mailto:Some One <a@b> > wrote:" from a client that broke the address
        line = MAILTO_WRAP_RE.sub(r"<\1>", line)
    header = Header()
    body = re.sub(r"^\s*(?:on|le|am|el|il|op|em|den|w dniu|dnia|på|pe|v|dne|在|às)\s+", "", line, flags=re.IGNORECASE)
    body = re.sub(r"\s*[:：]\s*$", "", body)
    body = re.sub(rf"\s*(?:{WROTE_WORDS})\s*$", "", body, flags=re.IGNORECASE)
    match = re.search(r"[(<\[\"]*(?:mailto:)?([\w.+'=-]+@[\w-]+(?:\.[\w-]+)+)[)>\]\"]*", body)
    before = body[: match.start()] if match else body
    for word in ("schrieb", "wrote", "a écrit", "escribió", "ha scritto", "schreef", "escreveu", "skrev"):
        idx = before.lower().find(word)
        if idx >= 0 and match and idx < len(before) - len(word) - 1:
            # German and Dutch put the name after the verb: "... um 10:15 schrieb Dana Reyes <..>"
            date_part, name_part = before[:idx], before[idx + len(word) :]
            break
    else:
        tokens = before.rstrip(" ,(<\"'").split(" ")
        name_tokens: list[str] = []
        while tokens:
            tok = tokens[-1]
            bare = tok.strip(",\"'()«»“”")
            if not bare and tok:
                tokens.pop()
                continue
            if (
                not bare
                or bare.lower() in NAME_STOP
                or re.search(r"\d", bare)
                or tok.endswith(",")
                and name_tokens
                or len(name_tokens) >= 4
            ):
                break
            name_tokens.insert(0, tokens.pop())
        name_part = " ".join(name_tokens)
        date_part = " ".join(tokens)
    name = name_part.strip(" ,\"'()<«»“”")
    date_part = re.sub(r"(?:\s+(?:heeft|пользователь|giorno|użytkownik))+\s*$", "", date_part.strip(), flags=re.I)
    name = re.sub(r"\s*\b(?:wrote|schrieb|a écrit|escribió|ha scritto)\b.*$", "", name, flags=re.IGNORECASE)
    email = match.group(1).lower() if match else ""
    if name or email:
        header.sender = Address(name=name.strip(), email=email)
    header.date_text = date_part.strip(" ,")
    header.date = parse_loose_date(header.date_text, default_tz)
    return header


def split_thread(text: str, default_tz: tzinfo | None = None) -> list[Chunk]:
    """The messages in ``text``, newest (the top one, header None) first."""
    lines = text.split("\n")
    chunks: list[Chunk] = []
    header: Header | None = None
    via = ""
    for _ in range(MAX_SPLIT_DEPTH):
        boundary = find_boundary(lines)
        if boundary is None:
            chunks.append(Chunk(header, "\n".join(lines).strip("\n"), "", via))
            return chunks
        if boundary.resume is not None and boundary.resume == boundary.body_line:
            lines = lines[: boundary.line] + lines[boundary.body_line :]  # an attribution quoting nothing
            continue
        if boundary.resume is not None:
            own = "\n".join(lines[: boundary.line] + lines[boundary.resume : boundary.resume_end]).strip("\n")
            quoted = "\n".join(lines[boundary.line : boundary.resume] + lines[boundary.resume_end :]).strip("\n")
            chunks.append(Chunk(header, own, quoted, via))
            header, lines = _open(boundary, lines[: boundary.resume], default_tz)
        else:
            own = "\n".join(lines[: boundary.line]).strip("\n")
            quoted = "\n".join(lines[boundary.line :]).strip("\n")
            chunks.append(Chunk(header, own, quoted, via))
            header, lines = _open(boundary, lines, default_tz)
        via = boundary.kind
        if header is None:
            # plain ">" quoting without an attribution: history of unknown authorship, unless
            # it quotes a forward or reply header (Apple Mail quotes whole forwards) or is all there is
            quoted_block = lines[boundary.line].lstrip().startswith(">")
            inner = unquote(lines[boundary.line :]) if quoted_block else []
            nested = find_boundary(inner) if quoted_block else None
            if nested is not None and not any(ln.strip() for ln in inner[: nested.line]):
                lines = inner
                continue
            if not chunks[-1].text.strip() and len(chunks) == 1 and nested is None:
                chunks[-1].text, chunks[-1].quoted, chunks[-1].own = chunks[-1].quoted, "", False
            return chunks
    chunks.append(Chunk(header, "\n".join(lines).strip("\n"), "", via))
    return chunks


def _open(boundary: Boundary, lines: list[str], default_tz: tzinfo | None) -> tuple[Header | None, list[str]]:
    """Read the header at ``boundary`` and return it with the lines of the message it opens."""
    from mailflows.inbound.quotes import _header_end  # noqa: PLC0415 - shared helper, kept private there

    if boundary.kind == "quote":
        return None, lines
    if boundary.kind == "wrote":
        header = parse_wrote_line(" ".join(lines[boundary.line : boundary.body_line]), default_tz)
        rest = lines[boundary.body_line :]
        return header, unquote(rest)
    start = boundary.body_line
    if (
        boundary.kind == "forward" and start == boundary.line
    ):  # Yahoo: "----- Forwarded Message ----- From: a To: b Subject: c" on one line
        fields = INLINE_LABEL_RE.split(lines[start].split("-----", 2)[-1].lstrip("- "))
        header = parse_header_block([f for f in fields if f.strip()], default_tz)
        return header, lines[start + 1 :]
    while start < len(lines) and not lines[start].strip():
        start += 1
    if boundary.kind == "forward" and any(ln.lstrip().startswith(">") for ln in lines[start : start + 3]):
        lines = lines[:start] + unquote(lines[start:])
    end = _header_end(lines, start) if start < len(lines) else start
    header = parse_header_block(lines[start:end], default_tz)
    rest = lines[end:]
    first = next((ln for ln in rest if ln.strip()), "")
    if first.lstrip().startswith(">") and boundary.kind in ("forward", "rule"):
        rest = unquote(rest)
    return header, rest
