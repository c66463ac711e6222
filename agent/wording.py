"""The document's own words in its reader's language: English, German, French or Spanish.

What it is for: the headings, labels, questions and mails that frame a handoff (not what
the customer said: quotes stay verbatim in their language) are written in English in the
code and templates and translated through gettext catalogs, ``agent/locale/<lang>/LC_MESSAGES/
handoff.po``, which Babel compiles in memory on first use (``translations``). Which language a
document speaks is a deployment setting, ``HANDOFF_DOCUMENT_LANGUAGE``: a language code, or
``auto`` for the language the rep writes in — the rep's own words (notes above forwards,
replies to drafts) are tallied per language as they are read (``note_rep_words``), English
until a language leads. Dates and months are named by Babel's locale data (``day``,
``month_year``). ``make catalogs`` re-extracts the messages and updates the catalogs;
tests/test_wording.py fails when a message has no translation. Not for: detecting a
sentence's language (agent/extract/language.py) or reading other languages (the cue modules).
"""

from __future__ import annotations

import functools
import gettext
import io
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from babel.dates import format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from agent.document import HandoffDocument
from agent.extract.language import language_of, letter_count

LANGUAGES = ("en", "de", "fr", "es")  # the languages the document can be written in (English is the source)
DOMAIN = "handoff"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
MIN_LETTERS = 40  # a rep's "FYI" or "see below" says nothing about the language they write in
LEAD = 1.5  # a language other than English must have this many times English's letters to win


@functools.lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> gettext.NullTranslations:
    """The catalog for ``language``, compiled from its .po file; English (and an unknown code) translates nothing."""
    po = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language == "en" or not po.is_file():
        return gettext.NullTranslations()
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def day(value: date | None, language: str) -> str:
    """ "Fri 13 Mar 2026", "Fr., 13. März 2026", "ven. 13 mars 2026"; "" for no date."""
    if value is None:
        return ""
    if language == "en":
        return value.strftime("%a %d %b %Y")  # the form the English documents have always had
    return format_skeleton("yMMMEd", value, locale=language)


def month_year(value: date, language: str) -> str:
    """ "March 2027", "März 2027", "mars 2027", "marzo de 2027"."""
    return value.strftime("%B %Y") if language == "en" else format_skeleton("yMMMM", value, locale=language)


def note_rep_words(doc: HandoffDocument, texts: Iterable[str], setting: str) -> None:
    """Tally the languages of the rep's own words in ``texts`` and set ``doc.language`` from ``setting``."""
    tally = doc.provenance.rep_letters
    for text in texts:
        count = letter_count(text)
        if count < MIN_LETTERS:
            continue
        found = language_of(text)
        if found in LANGUAGES:
            tally[found] = tally.get(found, 0) + count
    doc.language = document_language(doc, setting)


def document_language(doc: HandoffDocument, setting: str) -> str:
    """The setting's language, or with ``auto`` the one the rep writes in (English until another clearly leads)."""
    if setting != "auto":
        return setting
    tally = doc.provenance.rep_letters
    english = tally.get("en", 0)
    best = max((lang for lang in LANGUAGES if lang != "en"), key=lambda lang: tally.get(lang, 0))
    count = tally.get(best, 0)
    return best if count >= MIN_LETTERS and count > LEAD * english else "en"
