"""Due dates from the way people promise things: "by Friday", "end of Q3", "within 5 business days of signature".

What it is for: ``resolve_due`` turns the date phrase of one sentence into an ISO
date, resolved against the date the sentence was written (and the contract
signature date for "... of signature"); ``resolve_due_precise`` says as well how exact
the sentence was ("by March", "bis Ende März", "para abril" are a month, "in Q3" a
quarter: the date is the period's last day and the precision says not to read more
into it), and ``find_dates`` lists explicit calendar dates. Deterministic and offline. Not for: deciding whether a sentence is a promise
(offline.py) or parsing message headers (mailflows).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from typing import NamedTuple

from agent.document import Precision

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
FOREIGN_MONTHS = {
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "mai": 5, "juni": 6, "juli": 7, "oktober": 10, "okt": 10,
    "dezember": 12, "dez": 12, "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12,
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7, "agosto": 8,
    "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
}  # fmt: skip
MONTHS.update(FOREIGN_MONTHS)
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
FOREIGN_WEEKDAYS = {
    "montag": 0, "dienstag": 1, "mittwoch": 2, "donnerstag": 3, "freitag": 4, "samstag": 5, "sonntag": 6,
    "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6,
    "lunes": 0, "martes": 1, "miércoles": 2, "miercoles": 2, "jueves": 3, "viernes": 4, "sábado": 5, "sabado": 5,
    "domingo": 6,
}  # fmt: skip
WEEKDAYS.update(FOREIGN_WEEKDAYS)
NUMBERS = {
    "zwei": 2, "drei": 3, "vier": 4, "zehn": 10, "deux": 2, "trois": 3, "quatre": 4, "dix": 10, "quinze": 15,
    "dos": 2, "tres": 3, "cuatro": 4, "diez": 10, "quince": 15,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "fourteen": 14, "fifteen": 15, "thirty": 30, "a": 1, "an": 1,
}  # fmt: skip

_MON = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_FOREIGN = "|".join(sorted(FOREIGN_MONTHS, key=len, reverse=True))
# "am 30. September", "le 15 mars", "el 1 de abril", "15. Oktober 2026": day first, in any of the four languages
DAY_MONTH_FOREIGN = re.compile(
    rf"\b(\d{{1,2}})(?:\.|er)?\s+(?:de\s+)?({_FOREIGN}|{_MON})\b(?:\s+(?:de\s+)?(\d{{4}}))?", re.I
)
# "den 25.9.", "bis zum 3.10.": a German day and month with no year, after a word that makes it a date
DOTTED_NO_YEAR = re.compile(
    r"\b(?:den|am|bis(?:\s+zum)?|zum|vom|ab|spätestens(?:\s+am)?|vor\s+dem|le|el|au)\s+(\d{1,2})\.(\d{1,2})\.(?!\d)",
    re.IGNORECASE,
)
DOTTED = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{2,4})(?!\d|\.\d)")  # 15.10.2026, also ending a sentence
MONTH_DAY = re.compile(rf"\b{_MON}\s+{_DAY}\b(?:,?\s+(\d{{4}}))?", re.IGNORECASE)
DAY_MONTH = re.compile(rf"\b{_DAY}\.?\s+{_MON}\b(?:,?\s+(\d{{4}}))?", re.IGNORECASE)
ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
SLASH = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?(?![\d/])")
WEEKDAY = re.compile(
    r"\b(?:(next|this|coming|nächsten|kommenden|próximo|proximo)\s+)?"
    rf"(monday|tuesday|wednesday|thursday|friday|saturday|sunday|{'|'.join(FOREIGN_WEEKDAYS)})\b",
    re.I,
)
# A note's short weekday after a word of a deadline: "countersigned copy by Mon", "deck before Thurs"
SHORT_WEEKDAY = re.compile(
    r"\b(?:by|before|until|till|due|on)\s+(?:(next|this)\s+)?(mon|tues?|wed|thu(?:rs?)?|fri)\b\.?(?!\w)", re.I
)
_SHORT_DAYS = {"mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3, "fri": 4}
END_OF_MONTH = re.compile(rf"\b(?:end|close)\s+of\s+{_MON}(?:\s+(\d{{4}}))?(?!\s*\d)", re.IGNORECASE)
END_OF_QUARTER = re.compile(
    r"\b(?:end\s+of\s+|by\s+|before\s+)(?:the\s+)?(?:q([1-4])|(first|second|third|fourth) quarter)(?:\s+(\d{4}))?\b",
    re.I,
)
END_OF_WEEK = re.compile(
    r"\b(?:end of|by the end of|later)\s+(?:(this|next|the)\s+)?week\b|\b(next|this) week\b|"
    r"\bende\s+(?:der\s+)?(dieser|nächster|der|kommender)\s+woche\b|\bfin\s+de\s+(?:la\s+)?(esta|próxima|proxima|"
    r"semana)(?:\s+semana)?(?:\s+que\s+viene)?\b|\bfin\s+de\s+(?:la\s+)?(cette|semaine)(?:\s+semaine)?(?:\s+prochaine)?\b",
    re.I,
)
END_OF_THIS_MONTH = re.compile(
    r"\b(?:end of|by the end of)\s+(?:the|this|next)\s+month\b|\bende\s+(?:des|dieses|nächsten)\s+monats\b|"
    r"\bfin\s+(?:de|del)\s+(?:este\s+|próximo\s+)?mes\b|\bfin\s+(?:du|de\s+ce)\s+mois(?:\s+prochain)?\b",
    re.IGNORECASE,
)
SPAN = re.compile(
    r"\b(?:in|within|innerhalb\s+von|binnen|dans|sous|d'ici|en|dentro\s+de)\s+(\d+|one|two|three|four|five|six|seven|"
    r"eight|nine|ten|fourteen|fifteen|thirty|a|an|zwei|drei|vier|zehn|deux|trois|quatre|dix|quinze|dos|tres|cuatro|"
    r"diez|quince)"
    r"\s+(business\s+days?|working\s+days?|days?|weeks?|months?|arbeitstage?n?|werktage?n?|tage?n?|wochen?|monate?n?|"
    r"jours?\s+ouvr(?:és|ables)|jours?|semaines?|mois|días?\s+hábiles|días?|semanas?|meses)"
    r"(\s+(?:of|after|from)\s+(?:contract\s+)?"
    r"(?:signature|signing|contract signature|execution|the order form|kick-?off|go-?live))?",
    re.IGNORECASE,
)
DAY_OF_MONTH = re.compile(
    r"\b(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\s+)?the (\d{1,2})(?:st|nd|rd|th)\b", re.I
)
TOMORROW = re.compile(r"\b(tomorrow|today|tonight|eod|end of day)\b", re.IGNORECASE)
# "the summary from Feb 19", "seit dem 3. Mai", "depuis le 2 mars", "desde el 5 de mayo": when it began, not a due
SINCE = re.compile(r"\b(?:from|since|seit(?: dem)?|depuis(?: le)?|desde(?: el)?)\s+(?:the\s+|on\s+)?$", re.I)
# "promised in the meeting of June 4", "en la reunión del 4 de junio", "lors de l'appel du 2 mars", "im Gespräch am
# 3. Mai": a past call or meeting is when the word was given, not by when it is kept
SAID_AT = re.compile(
    r"\b(?:call|meeting|reuni[oó]n|llamada|r[ée]union|appel|gespr[äa]ch|besprechung|anruf|telefonat)\s+"
    r"(?:of|on|from|del?|du|vom|am)\s+(?:the\s+)?$",
    re.I,
)
QUARTER_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4}


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _infer_year(month: int, day: int, anchor: date) -> date | None:
    """A date without a year is the next one on or after ~2 months before the anchor."""
    candidate = _safe(anchor.year, month, day)
    if candidate and candidate < anchor - timedelta(days=60):
        candidate = _safe(anchor.year + 1, month, day)
    return candidate


def _next_month(anchor: date, day: int) -> date | None:
    month = anchor.month % 12 + 1
    return _safe(anchor.year + (anchor.month == 12), month, day)


def add_business_days(start: date, days: int) -> date:
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def find_dates(text: str, anchor: date, day_first: bool = False) -> list[tuple[int, date]]:
    """Explicit calendar dates in ``text`` with their offsets (May 15, 2026 / 15 May / 2026-05-15 / 4/17).

    ``day_first`` reads 30/09/2026 as the 30th of September (the sentence is not US English);
    German, French and Spanish month names and 15.10.2026 are read whatever the language.
    """
    found: list[tuple[int, date]] = []
    for m in DAY_MONTH_FOREIGN.finditer(text):
        month = MONTHS.get(m[2].lower().rstrip("."))
        if month is None or int(m[1]) > 31 or m[2].lower() in MONTHS and m[2].lower() not in FOREIGN_MONTHS:
            continue
        # the year is the fourth group: the English month names in the alternation carry a group of their own
        d = _safe(int(m[4]), month, int(m[1])) if m[4] else _infer_year(month, int(m[1]), anchor)
        if d:
            found.append((m.start(), d))
    found += _numeric_dates(text, anchor)
    for m in MONTH_DAY.finditer(text):
        month = MONTHS.get(m[1].lower().rstrip("."))
        if month is None or int(m[2]) > 31:
            continue
        d = _safe(int(m[3]), month, int(m[2])) if m[3] else _infer_year(month, int(m[2]), anchor)
        if d:
            found.append((m.start(), d))
    for m in DAY_MONTH.finditer(text):
        if any(abs(pos - m.start()) <= 3 for pos, _ in found):
            continue
        month = MONTHS.get(m[2].lower().rstrip("."))
        if month is None or int(m[1]) > 31:
            continue
        d = _safe(int(m[3]), month, int(m[1])) if m[3] else _infer_year(month, int(m[1]), anchor)
        if d and all(abs(pos - m.start()) > 3 for pos, _ in found):
            found.append((m.start(), d))
    for m in SLASH.finditer(text):
        d = _slash_date(m, anchor, day_first)
        if d:
            found.append((m.start(), d))
    return sorted(found, key=lambda pair: pair[0])


def _numeric_dates(text: str, anchor: date) -> list[tuple[int, date]]:
    """15.10.2026, "den 25.9." and 2026-10-15."""
    found: list[tuple[int, date]] = []
    for m in DOTTED.finditer(text):
        year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
        d = _safe(year, int(m[2]), int(m[1]))
        if d:
            found.append((m.start(), d))
    for m in DOTTED_NO_YEAR.finditer(text):  # "am Freitag, den 25.9."
        d = _infer_year(int(m[2]), int(m[1]), anchor) if 1 <= int(m[2]) <= 12 and 1 <= int(m[1]) <= 31 else None
        if d:
            found.append((m.start(), d))
    for m in ISO.finditer(text):
        d = _safe(int(m[1]), int(m[2]), int(m[3]))
        if d:
            found.append((m.start(), d))
    return found


def _slash_date(m: re.Match[str], anchor: date, day_first: bool) -> date | None:
    """4/17, 17/4/2026 or 30/09/2026 (which can only be day first, whoever wrote it)."""
    month, day = (int(m[2]), int(m[1])) if day_first else (int(m[1]), int(m[2]))
    if month > 12 >= day:
        month, day = day, month
    if m[3]:
        return _safe(int(m[3]) + (2000 if len(m[3]) == 2 else 0), month, day)
    return _infer_year(month, day, anchor) if 1 <= month <= 12 and 1 <= day <= 31 else None


def _weekday(match: re.Match[str], anchor: date) -> date:
    target = WEEKDAYS[match[2].lower()]
    ahead = (target - anchor.weekday()) % 7 or 7
    if (match[1] or "").lower() in {"next", "nächsten", "próximo", "proximo"} and ahead < 3:
        ahead += 7
    return anchor + timedelta(days=ahead)


def _span(
    match: re.Match[str], anchor: date, signed: date | None, events: dict[str, date] | None = None
) -> date | None:
    raw = match[1].lower()
    n = int(raw) if raw.isdigit() else NUMBERS.get(raw, 1)
    unit = match[2].lower()
    start = anchor
    if match[3]:
        event = re.sub(r"[^a-z]", "", match[3].lower().split()[-1])
        known = (events or {}).get(
            "kickoff" if event.startswith("kick") else "golive" if event == "golive" else "signed"
        )
        known = known or (signed if event not in {"kickoff", "golive"} else None)
        if known is None:
            return None
        start = known
    if unit.startswith(("business", "working", "arbeitstag", "werktag")) or "ouvr" in unit or "hábil" in unit:
        return add_business_days(start, n)
    if unit.startswith(("week", "woche", "semaine", "semana")):
        return start + timedelta(weeks=n)
    if unit.startswith(("month", "monat", "mois", "mes")):
        month = start.month - 1 + n
        year = start.year + month // 12
        return _safe(year, month % 12 + 1, min(start.day, 28))
    return start + timedelta(days=n)


def _end_of_week(match: re.Match[str], anchor: date) -> date:
    which = next((g for g in match.groups() if g), "this").lower()
    friday = anchor + timedelta(days=(4 - anchor.weekday()) % 7)
    said = match[0].lower()
    later = (
        which in {"next", "nächster", "kommender", "próxima", "proxima"} or "prochaine" in said or "que viene" in said
    )
    return friday + timedelta(days=7) if later else friday


class Due(NamedTuple):
    """A due date and how exact its sentence was: "by March" is ``(March 31, "month")``."""

    day: date
    precision: Precision


def resolve_due(
    text: str, anchor: date, signed: date | None = None, events: dict[str, date] | None = None, day_first: bool = False
) -> date | None:
    """The due date a sentence names, resolved against ``anchor`` (the day it was written).

    ``events`` holds known dates ("kickoff", "golive") for "within 30 days of kickoff".
    """
    due = resolve_due_precise(text, anchor, signed, events, day_first)
    return due.day if due else None


def resolve_due_precise(
    text: str, anchor: date, signed: date | None = None, events: dict[str, date] | None = None, day_first: bool = False
) -> Due | None:
    """``resolve_due`` with how exact the phrase was: a month or a quarter stays one (its last day, marked so)."""
    candidates: list[tuple[int, date, Precision]] = [(pos, d, "day") for pos, d in find_dates(text, anchor, day_first)]
    candidates += _foreign_spans(text, anchor)
    for m in DAY_OF_MONTH.finditer(text):
        day = int(m[1])
        d = next(
            (c for c in (_safe(anchor.year, anchor.month, day), _next_month(anchor, day)) if c and c >= anchor), None
        )
        if d:
            candidates.append((m.start(), d, "day"))
    for m in SPAN.finditer(text):
        d = _span(m, anchor, signed, events)
        if d:
            candidates.append((m.start(), d, "day"))
        elif m[3]:
            return None  # relative to a signature we do not know yet
    for m in END_OF_WEEK.finditer(text):
        candidates.append((m.start(), _end_of_week(m, anchor), "day"))
    for m in END_OF_THIS_MONTH.finditer(text):
        month = anchor.month + (1 if re.search(r"next|nächsten|próximo|prochain", m[0], re.I) else 0)
        year = anchor.year + (month - 1) // 12
        month = (month - 1) % 12 + 1
        candidates.append((m.start(), date(year, month, calendar.monthrange(year, month)[1]), "month"))
    for m in END_OF_MONTH.finditer(text):
        named = MONTHS.get(m[1].lower().rstrip("."))
        if named:
            candidates.append((m.start(), month_end(named, anchor, m[2]), "month"))
    for m in END_OF_QUARTER.finditer(text):
        q = int(m[1]) if m[1] else QUARTER_WORDS[m[2].lower()]
        candidates.append((m.start(), month_end(q * 3, anchor, m[3]), "quarter"))
    candidates += _months_and_quarters(text, anchor, candidates)
    for m in WEEKDAY.finditer(text):
        if not any(-4 <= pos - m.start() <= 22 for pos, _, _ in candidates):  # "Freitag, den 25.9.": the date
            candidates.append((m.start(), _weekday(m, anchor), "day"))
    for m in SHORT_WEEKDAY.finditer(text):
        ahead = (_SHORT_DAYS[m[2].lower()] - anchor.weekday()) % 7 or 7
        candidates.append(
            (
                m.start(),
                anchor + timedelta(days=ahead + (7 if m[1] and m[1].lower() == "next" and ahead < 3 else 0)),
                "day",
            )
        )
    for m in TOMORROW.finditer(text):
        candidates.append((m.start(), anchor + timedelta(days=1 if m[1].lower() == "tomorrow" else 0), "day"))
    # "the summary from Feb 19" written in March: when it was promised; "from June 1 through launch": when it starts
    candidates = [
        c
        for c in candidates
        if not (c[1] < anchor and (SINCE.search(text[max(0, c[0] - 12) : c[0]]) or SAID_AT.search(text[: c[0]])))
    ]
    if not candidates:
        return None
    _, when, precision = min(candidates, key=lambda triple: triple[0])
    return Due(when, precision)


def names_due(text: str) -> bool:
    """Whether ``text`` names a due date at all (whatever it resolves to)."""
    anchor = date(2000, 1, 3)
    return resolve_due_precise(text, anchor, signed=anchor, events={"kickoff": anchor, "golive": anchor}) is not None


def month_end(month: int, anchor: date, year: str | None = None) -> date:
    """The last day of ``month``: of ``year`` when the sentence says it, else the next one from ``anchor`` on
    (a month earlier than the message's is next year's)."""
    at = int(year) if year else anchor.year + (1 if month < anchor.month else 0)
    return date(at, month, calendar.monthrange(at, month)[1])


# "by March", "in March 2027", "bis März", "im Mai", "en mars", "d'ici avril", "para abril", "antes de mayo":
# a month named without a day (the day-first and month-first patterns take those)
MID = frozenset(("mid", "mitte", "mi", "mediados de"))
MONTH_ONLY = re.compile(
    rf"(?:\b(?:by|in|before|until|till|for|during|bis|im|vor|ab|en|d'ici|avant|pour|para|antes\s+de|hasta|durante|a)"
    rf"\s+|(?=\b(?:early|mid|late)-))(?:(early|mid|late|anfang|mitte|début|mi|principios\s+de|mediados\s+de)[\s-]+)?"
    rf"(?:(?:de\s+)?(?:the\s+)?(?:month\s+of\s+)?)({_FOREIGN}|{_MON})(?:\s+(?:de\s+)?(\d{{4}}))?\b(?![\s.]*\d{{1,2}}\b(?!\d))",
    re.IGNORECASE,
)
# "in Q3", "Q3 2026", "im dritten Quartal", "au T3", "au troisième trimestre", "en el tercer trimestre"
QUARTER = re.compile(
    r"\b(?:q([1-4])|([1-4])\.\s*quartal|t([1-4])|([1-4])(?:er|e|º|o)?\s+trimestre)(?:\s+(?:de\s+)?(\d{4}))?\b|"
    r"\b(first|second|third|fourth|ersten|zweiten|dritten|vierten|premier|deuxième|second|troisième|quatrième|"
    r"primer|segundo|tercer|cuarto)\s+(?:quarter|quartal|trimestre)(?:\s+(?:of\s+|de\s+)?(\d{4}))?\b",
    re.IGNORECASE,
)
QUARTER_WORDS.update({
    "ersten": 1, "zweiten": 2, "dritten": 3, "vierten": 4, "premier": 1, "deuxième": 2, "troisième": 3,
    "quatrième": 4, "primer": 1, "segundo": 2, "tercer": 3, "cuarto": 4,
})  # fmt: skip


def _months_and_quarters(
    text: str, anchor: date, taken: list[tuple[int, date, Precision]]
) -> list[tuple[int, date, Precision]]:
    """A month or a quarter named alone: its last day, kept as a month or a quarter (not where another
    pattern already read a date, such as "end of March" or "bis Ende Q3")."""
    out: list[tuple[int, date, Precision]] = []

    def free(start: int, stop: int) -> bool:
        return not any(start - 12 <= pos <= stop for pos, _, _ in taken)

    for m in MONTH_ONLY.finditer(text):
        month = MONTHS.get(m[2].lower().rstrip("."))
        if month is None:
            continue
        if free(m.start(), m.end()):
            end = month_end(month, anchor, m[4])  # m[3] is the English name's own group
            if m[1] and m[1].lower() in MID:  # "mid-October", "Mitte Oktober", "a mediados de octubre": the 15th
                out.append((m.start(), end.replace(day=15), "day"))
            else:
                out.append((m.start(), end, "month"))
    for m in QUARTER.finditer(text):
        number = m[1] or m[2] or m[3] or m[4]
        q = int(number) if number else QUARTER_WORDS[m[6].lower()]
        if free(m.start(), m.end()):
            out.append((m.start(), month_end(q * 3, anchor, m[5] or m[7]), "quarter"))
    return out


FOREIGN_END = re.compile(
    r"\b(?:bis\s+)?ende\s+(?:q([1-4])|(\w+))|\b(?:d'ici\s+)?(?:la\s+)?fin\s+(?:(?:du\s+)?t([1-4])|(?:de\s+|d')?(\w+))|"
    r"\b(?:a\s+|para\s+)?finales\s+de\s+(\w+)|\bantes\s+de\s+fin\s+de\s+(\w+)",
    re.IGNORECASE,
)
YEAR_AFTER = re.compile(r"\s+(?:de\s+)?(\d{4})\b")


def _foreign_spans(text: str, anchor: date) -> list[tuple[int, date, Precision]]:
    """ "bis Ende Q3", "Ende September", "d'ici fin juin", "fin T2", "a finales de marzo": the last day of it."""
    out: list[tuple[int, date, Precision]] = []
    for m in FOREIGN_END.finditer(text):
        quarter = m[1] or m[3]
        name = (m[2] or m[4] or m[5] or m[6] or "").lower()
        if quarter:
            month = int(quarter) * 3
        elif name in MONTHS:
            month = MONTHS[name]
        else:
            continue
        year = YEAR_AFTER.match(text, m.end())
        out.append((m.start(), month_end(month, anchor, year[1] if year else None), "quarter" if quarter else "month"))
    return out
