"""Dates as mail carries them: RFC 5322 headers, and what clients print in forward headers and quote lines.

What it is for: ``parse_mail_date`` is the parser's one date reader. A header date in RFC 5322
form goes to the standard library's ``email.utils``. Everything a client prints for people
("Montag, 3. März 2026 10:15", "lunes, 3 de marzo de 2026 10:15", "Mon, Mar 9, 2026 at 4:20 PM")
is read with one date library, ``dateparser``: its locale data (month, weekday, AM/PM and filler
words of the languages mail arrives in) puts the date into English words, which the standard
library's ``strptime`` reads in microseconds when the shape is one of the common ones; any
other shape goes to dateparser's own parser, which takes milliseconds. Only what no date
library can know is tidied first: the words an attribution wraps around a date ("Il giorno",
"In data", a name after the time), "GMT+01:00" (which POSIX reads backwards), and Outlook's
invisible marks. A date without a zone takes ``default_tz`` (the zone of the mail that carried
it); a date without a day, month and year is not a date (None). Results are cached, so a
thread quoted ten times costs one parse. Not for: dates in prose ("by May 1"), which are the
extractor's business (agent/extract/).
"""

from __future__ import annotations

import functools
import re
import unicodedata
import warnings
from datetime import datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from typing import Any

LANGUAGES = ["en", "de", "fr", "es", "it", "nl", "pt", "sv", "da", "nb", "pl", "fi", "ru", "uk", "hu", "ja", "zh"]
MAX_DATE_CHARS = 200
MONTH_KEYS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october"]
MONTH_KEYS += ["november", "december"]
WEEKDAY_KEYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

RFC5322_RE = re.compile(
    r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[+-]\d{4}|[A-Z]{1,5})?"
    r"(?:\s*\([^()]*\))?\s*$"
)
INVISIBLE = dict.fromkeys(map(ord, "\u200e\u200f\u200b\ufeff\u00ad\u2060\u202a\u202c"), None)
GMT_OFFSET_RE = re.compile(r"\b(?:GMT|UTC)\s*([+-])(\d{1,2})(?::?(\d{2}))?\b")
# zones as clients print them by name (dateparser knows more, but these are the ones mail shows)
ZONE_HOURS = {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "WEZ": 0, "BST": 1, "WEST": 1, "WESZ": 1, "CET": 1, "MEZ": 1,
    "CEST": 2, "MESZ": 2, "EET": 2, "OEZ": 2, "EEST": 3, "OESZ": 3, "IST": 5.5, "JST": 9, "AEST": 10,
    "AEDT": 11, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "AKST": -9, "AKDT": -8, "HST": -10,
}  # fmt: skip
ZONE_RE = re.compile(r"\s*\(?(?:(?P<sign>[+-])(?P<h>\d{2}):?(?P<m>\d{2})|(?P<name>[A-Z]{1,5}))\)?$")
CJK_DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
CJK_NOISE_RE = re.compile(r"[月火水木金土日]曜日|[（(][月火水木金土日][)）]|星期.|[，、]")
LEAD_RE = re.compile(
    r"^[\s\-–|>]*(?:on|le|am|el|il giorno|il|in data|giorno|op|em|den|w dniu|dnia|på|pe|v|dne|"
    r"el día|o|at|à|a las|às|um|the)\s+",
    re.IGNORECASE,
)
# a date in a quote line ends at its time (and the time's AM/PM and zone); what follows is a name
TIME_RE = re.compile(
    r"(?<![\d.:])\d{1,2}[:.]\d{2}(?::\d{2})?(?![\d.:])"
    r"(?:\s*(?:[ap]\.?\s?m\b\.?|nachm\.|vorm\.|uhr\b))?"
    r"(?:\s*\(?(?:[+-]\d{2}:?\d{2}|(?-i:[A-Z]{2,5})(?:[+-]\d{1,2}(?::?\d{2})?)?)\)?(?!\w))?",
    re.IGNORECASE,
)
TRAILING_WORDS_RE = re.compile(r"\s+(?:keltezéssel|schreef|schrieb|wrote|a écrit|escribió|ha scritto)\s*$")
DOTTED_RE = re.compile(r"\b\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}\b")
YEAR_FIRST_DOTTED_RE = re.compile(r"\b(\d{4})\.\s?(\d{1,2})\.\s?(\d{1,2})\.?")
WORD_RE = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*\.?")
DOTTED_TIME_RE = re.compile(r"(\b(?:19|20)\d{2}\s+\d{1,2})\.(\d{2})$")
# the shapes the big clients print, once their words are English (Gmail "Mon, Mar 9, 2026 at 4:20 PM",
# Outlook "Tuesday, March 24, 2026 3:30 PM", "Montag, 3. März 2026 10:15", Apple Mail, Thunderbird)
SHAPES = [
    f"{day} {time}".strip()
    for day in ("%b %d %Y", "%d %b %Y", "%Y-%m-%d", "%d.%m.%Y", "%Y/%m/%d")
    for time in ("%I:%M %p", "%I:%M:%S %p", "%H:%M", "%H:%M:%S", "")
] + ["%m/%d/%y %I:%M %p", "%m/%d/%Y %I:%M %p", "%m/%d/%y, %I:%M %p"]


def parse_mail_date(text: str, default_tz: tzinfo | None = None) -> datetime | None:
    """The moment ``text`` names, or None; aware when the text or ``default_tz`` gives a zone."""
    text = " ".join(text.translate(INVISIBLE).split()).strip(" ,")
    if not text or len(text) > MAX_DATE_CHARS:
        return None
    result = _parse(text)
    if result is not None and result.tzinfo is None and default_tz is not None:
        result = result.replace(tzinfo=default_tz)
    return result


def clear_cache() -> None:
    """Forget the dates read so far (benchmarks measure reading, not the cache)."""
    _parse.cache_clear()


@functools.lru_cache(maxsize=4096)
def _parse(text: str) -> datetime | None:
    if RFC5322_RE.match(text):
        try:
            return parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            pass
    cleaned = tidy(text)
    if not re.search(r"\d", cleaned):
        return None
    bare, zone = _split_zone(cleaned)
    found = _shape(english(bare)) or _dateparser(bare, day_first=bool(DOTTED_RE.search(bare)))
    if found is not None and zone is not None and found.tzinfo is None:
        found = found.replace(tzinfo=zone)
    return found


def tidy(text: str) -> str:
    """What a date library cannot know: wrappers, names after the time, GMT offsets, CJK weekdays."""
    text = CJK_DATE_RE.sub(lambda m: f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d} ", text)
    text = CJK_NOISE_RE.sub(" ", text)
    text = YEAR_FIRST_DOTTED_RE.sub(lambda m: f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}", text)
    # POSIX reads "GMT+01:00" as one hour *behind* UTC; mail clients mean ahead
    text = GMT_OFFSET_RE.sub(lambda m: f"{m.group(1)}{int(m.group(2)):02d}:{m.group(3) or '00'}", text)
    text = text.lstrip(" -–|>")
    for _ in range(2):
        text = LEAD_RE.sub("", text)
    times = list(TIME_RE.finditer(text))
    if times and not re.search(r"\d", text[times[-1].end() :]):
        text = text[: times[-1].end()]
    text = TRAILING_WORDS_RE.sub("", text)
    return " ".join(text.split()).strip(" ,-")


def _split_zone(text: str) -> tuple[str, tzinfo | None]:
    """A trailing numeric offset or known zone name, taken off the text."""
    match = ZONE_RE.search(text)
    if match is None or not (match.group("sign") or match.group("name") in ZONE_HOURS):
        return text, None
    if match.group("sign"):
        minutes = int(match.group("h")) * 60 + int(match.group("m"))
        return text[: match.start()], timezone(timedelta(minutes=minutes if match.group("sign") == "+" else -minutes))
    return text[: match.start()], timezone(timedelta(hours=ZONE_HOURS[match.group("name")]))


def _fold(word: str) -> str:
    return unicodedata.normalize("NFC", word.lower().rstrip("."))


@functools.cache
def _vocabulary() -> tuple[dict[str, str], frozenset[str]]:
    """Word -> English (months "Mar", AM/PM, weekday and filler words ""), from dateparser's locale data."""
    from dateparser.languages.loader import default_loader

    words: dict[str, str] = {}
    weekdays: set[str] = set()
    for language in LANGUAGES:  # English first: where words clash, the first language wins
        info = default_loader.get_locale(language).info
        for number, key in enumerate(MONTH_KEYS):
            for name in info.get(key, []):
                if len(name) > 1 and not name[:1].isdigit():
                    words.setdefault(_fold(name), datetime(2000, number + 1, 1).strftime("%b"))
        for key in WEEKDAY_KEYS:
            for name in info.get(key, []):
                if len(name) > 1:
                    weekdays.add(_fold(name))
                    words.setdefault(_fold(name), "")
        for key, english_word in (("am", "AM"), ("pm", "PM")):
            for name in info.get(key, []):
                if len(name) > 1:
                    words.setdefault(_fold(name), english_word)
        for name in [*info.get("skip", []), *(y for y in info.get("year", []) if len(y) <= 2)]:
            if name[:1].isalpha():  # filler ("um", "à", "kl.", "o") and year marks ("г.", "р.")
                words.setdefault(_fold(name), "")
    return words, frozenset(weekdays)


def english(text: str) -> str:
    """Month, weekday, AM/PM and filler words in any of LANGUAGES to English; punctuation folded."""
    words, weekdays = _vocabulary()
    found = WORD_RE.findall(text)
    months = [w for w in found if len(words.get(_fold(w), "")) == 3]
    # "mar., 3 mar. 2026": a word that is a weekday somewhere and a month elsewhere is the weekday
    # when another month follows
    drop = {_fold(w) for w in months[:-1] if _fold(w) in weekdays} if len(months) > 1 else set()

    def swap(match: re.Match[str]) -> str:
        key = _fold(match.group())
        return "" if key in drop else words.get(key, match.group())

    text = re.sub(r"\b([ap])\.\s?m\.", lambda m: f"{m.group(1)}m", text, flags=re.IGNORECASE)
    text = WORD_RE.sub(swap, text)
    text = re.sub(r"(?<=\d)\.(?=\s|$)|,", " ", text)
    text = re.sub(r"\b(\d{1,2})h(\d{2})\b", r"\1:\2", text)  # French "10h30"
    text = re.sub(r"(?<=\d)(?=[AP]M\b)", " ", text)
    text = " ".join(text.split())
    return DOTTED_TIME_RE.sub(r"\1:\2", text)


def _shape(text: str) -> datetime | None:
    if not text[:1].isdigit() and not text[:3].isalpha():
        return None
    for fmt in SHAPES:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


@functools.cache
def _parser(day_first: bool) -> Any:
    from dateparser.date import DateDataParser  # loading its locale data takes a while: only when needed

    settings: dict[str, Any] = {"REQUIRE_PARTS": ["day", "month", "year"], "PARSERS": ["absolute-time"]}
    if day_first:
        settings["DATE_ORDER"] = "DMY"
    # try_previous_locales would make one date's reading depend on the dates read before it
    return DateDataParser(languages=LANGUAGES, try_previous_locales=False, settings=settings)


def _dateparser(text: str, day_first: bool) -> datetime | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = _parser(day_first).get_date_data(text).date_obj
    except Exception:  # dateparser raises a variety of errors on odd input
        return None
    if not isinstance(found, datetime):
        return None
    offset = found.utcoffset() if found.tzinfo is not None else None
    if offset is not None:  # a fixed offset, not dateparser's pytz-style zone object
        return found.replace(tzinfo=timezone(timedelta(seconds=offset.total_seconds())))
    return found


__all__ = ["LANGUAGES", "clear_cache", "english", "parse_mail_date", "tidy"]
