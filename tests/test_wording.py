"""The document's own words in the rep's language: catalogs complete, the setting, the whole loop in German."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from icalendar import Calendar

import agent
from agent.document import SECTION_TITLES, AccountInfo, HandoffDocument, Item, Quote, Stakeholder
from agent.lookups import document_for
from agent.questions import questions_for
from agent.render import render_document, render_draft, render_final
from agent.settings import Settings
from agent.wording import LANGUAGES, LOCALE_DIR, day, document_language, month_year, note_rep_words, translations
from db.models import Account
from tests.conftest import COMPANY, INBOX, REP, make_settings, reply_to_draft, start_harness, stop_harness

ROOT = Path(agent.__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
TAG = re.compile(r"</?(?:strong|code|em|del|br)>|&\w+;")  # markup; "<name>" in a command's help is a word


def _extracted() -> set[str | tuple[str, ...]]:
    """What `make catalogs` extracts from the code and the templates, read with Babel as the Makefile does."""
    method_map = [("agent/**.py", "python"), ("templates/*.j2", "jinja2.ext:babel_extract")]
    options = {"templates/*.j2": {"extensions": "jinja2.ext.i18n", "trim_blocks": "True", "lstrip_blocks": "True"}}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    found: set[str | tuple[str, ...]] = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options, keywords=keywords
    ):
        found.add(message)
    return found


def _catalog(language: str):  # type: ignore[no-untyped-def]
    with (LOCALE_DIR / language / "LC_MESSAGES" / "handoff.po").open("rb") as fh:
        return read_po(fh, locale=language)


def _ids(catalog) -> set[str | tuple[str, ...]]:  # type: ignore[no-untyped-def]
    return {m.id for m in catalog if m.id}


def test_the_template_catalog_holds_every_message_the_code_and_templates_use() -> None:
    with (LOCALE_DIR / "handoff.pot").open("rb") as fh:
        template = read_po(fh)
    extracted = _extracted()
    assert len(extracted) > 150
    missing = extracted - _ids(template)
    assert not missing, f"run `make catalogs`: {sorted(map(str, missing))[:5]}"


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_every_message_is_translated_with_its_placeholders_and_markup(language: str) -> None:
    catalog = _catalog(language)
    assert _ids(catalog) >= _extracted(), "run `make catalogs` and translate what it adds"
    for message in catalog:
        if not message.id:
            continue
        assert "fuzzy" not in message.flags, message.id
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{language}: no translation for {ids[0]!r}"
        for text in strings:
            assert sorted(PLACEHOLDER.findall(text)) == sorted(set(PLACEHOLDER.findall(ids[-1]))) or (
                len(ids) == 2 and set(PLACEHOLDER.findall(text)) <= set(PLACEHOLDER.findall(ids[1]))
            ), f"{language}: placeholders differ in {ids[0]!r}: {text!r}"
            assert sorted(TAG.findall(text)) == sorted(TAG.findall(ids[0])), f"{language}: markup differs: {text!r}"
        # the commands the rep types are read in English: a translation must keep them as they are
        for command in ("approve", "CSM:", "call:", "remove:", "account:", "status", "cancel"):
            if re.search(rf"[\"“>]{re.escape(command)}", ids[0]):
                assert command in strings[0], f"{language}: the command {command!r} was translated in {strings[0]!r}"


def _document(language: str) -> HandoffDocument:
    quote = Quote(text="Die Monatsabschlüsse dauern zwölf Tage.", speaker="jana.vogt@kessler.example", source_id="m1")
    doc = HandoffDocument(account=AccountInfo(name="Kessler Logistik", domain="kessler.example"))
    doc.language = language
    doc.contract_signed = date(2026, 3, 13)
    doc.sections.pain_points = [Item(text="Month-end close takes twelve days", quotes=[quote], source_ids=["m1"])]
    doc.sections.commitments = [
        Item(text="SAP connector", source_ids=["m1"], due=date(2026, 9, 30), time_sensitive=True, owner="us"),
        Item(text="Training plan", source_ids=["m1"], due=date(2026, 10, 1), due_precision="month", owner="us"),
    ]
    doc.sections.stakeholders = [
        Stakeholder(name="Jana Vogt", email="jana.vogt@kessler.example", title="Leiterin Controlling", role="champion")
    ]
    return doc


@pytest.mark.parametrize("language", ["de", "fr", "es"])
def test_a_document_in_another_language_has_its_headings_labels_and_dates_and_keeps_quotes_verbatim(
    language: str,
) -> None:
    doc = _document(language)
    _ = translations(language).gettext
    for fmt in ("md", "txt", "html"):
        out = render_document(doc, fmt)
        out = html.unescape(out) if fmt == "html" else out
        for key in ("pain_points", "commitments", "company_overview"):
            title = _(SECTION_TITLES[key])
            assert title != SECTION_TITLES[key]
            assert title.upper() in out.upper(), (fmt, title)
            assert SECTION_TITLES[key] not in out
        assert "Die Monatsabschlüsse dauern zwölf Tage." in out  # the customer's words, untouched
        assert day(date(2026, 9, 30), language) in out and month_year(date(2026, 10, 1), language) in out
        assert _("champion") in out and _("we promised") in out
        assert "Sources read" not in out and "Not known yet" not in out.replace("NOT KNOWN YET", "")
    assert f'<html lang="{language}">' in render_document(doc, "html")


def test_dates_are_named_in_the_document_language() -> None:
    assert day(date(2026, 3, 13), "en") == "Fri 13 Mar 2026"
    assert day(date(2026, 3, 13), "de") == "Fr., 13. März 2026"
    assert month_year(date(2026, 3, 1), "es") == "marzo de 2026"
    assert "mars" in day(date(2026, 3, 13), "fr")


def test_the_draft_asks_its_questions_and_explains_the_reply_in_the_rep_language() -> None:
    doc = _document("de")
    account = Account(name="Kessler Logistik", rep_email=REP)
    questions = questions_for(doc, account)
    english = questions_for(_document("en"), account)
    assert len(questions) == len(english) > 5
    _ = translations("de").gettext
    for asked, source in zip(questions, english, strict=True):
        assert asked.text != source.text  # each one translated, none left in English
    text, html = render_draft(doc, questions, [], [], [])
    assert _("How to reply").upper() in text and _("How to reply") in html
    assert "approve" in text and "CSM: Name <email>" in text  # the commands stay the words the reader reads
    assert "here is the handoff draft" not in text


def test_the_csm_mail_is_in_the_document_language_with_the_call_time_localized() -> None:
    doc = _document("fr")
    text, html = render_final(doc, datetime(2026, 3, 30, 7, 0, tzinfo=UTC), ZoneInfo("Europe/Paris"))
    assert "lun. 30 mars 2026, 09:00-09:15" in text
    assert "has handed" not in text and "has handed" not in html
    assert "Kessler Logistik" in text


def _rep_doc() -> HandoffDocument:
    return HandoffDocument(account=AccountInfo(name="X"))


def test_auto_follows_the_language_the_rep_writes_in_and_english_until_another_leads() -> None:
    doc = _rep_doc()
    note_rep_words(doc, ["FYI", "s.u."], "auto")  # too short to say anything
    assert doc.language == "en"
    note_rep_words(doc, ["Hallo zusammen, anbei die Mail von Frau Vogt zum Monatsabschluss, bitte aufnehmen."], "auto")
    assert doc.language == "de"
    # the rep's next, longer notes are in English: English leads again
    note_rep_words(
        doc, ["Forwarding the security thread; their CISO wants the pen test report before kickoff."] * 3, "auto"
    )
    assert doc.language == "en"
    assert document_language(doc, "es") == "es"  # a deployment's fixed language wins over what the rep writes


def test_an_unknown_document_language_is_a_clear_settings_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="document_language"):
        Settings(document_language="klingon", database_url=f"sqlite:///{tmp_path}/x.db")  # type: ignore[arg-type]


def _rep_note(body: str, subject: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Sam Okafor <{REP}>"
    msg["To"] = INBOX
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    msg["Message-ID"] = make_msgid(domain=COMPANY)
    msg.set_content(body)
    return bytes(msg)


async def test_a_rep_who_writes_german_gets_a_german_draft_and_the_csm_a_german_handoff(tmp_path: Path) -> None:
    harness = await start_harness(make_settings(tmp_path), "sqlite")
    try:
        body = (
            "Hallo, hier meine Notizen zu Kessler Logistik, unterschrieben am 27. Februar.\n\n"
            "Jana Vogt (Leiterin Controlling) ist unsere Fürsprecherin. Der Monatsabschluss dauert heute zwölf Tage, "
            "weil alles in Excel zusammengeführt wird. Ziel nach 90 Tagen: Abschluss in fünf Tagen.\n\n"
            "---------- Weitergeleitete Nachricht ---------\n"
            "Von: Jana Vogt <jana.vogt@kessler.example>\n"
            "Datum: Mo., 23. Feb. 2026 um 10:12 Uhr\n"
            "Betreff: Monatsabschluss\n"
            f"An: Sam Okafor <{REP}>\n\n"
            "Hallo Herr Okafor,\n\nunser Monatsabschluss dauert zwölf Tage, das muss deutlich schneller werden.\n\n"
            "Viele Grüße\nJana Vogt\nLeiterin Controlling\nKessler Logistik GmbH\n"
        )
        assert await harness.send(_rep_note(body, "Fwd: Monatsabschluss")) == {}
        await harness.drain()
        draft = harness.outbox_to(REP)[-1]
        de = translations("de").gettext
        text = draft.get_body(preferencelist=("plain",)).get_content()
        assert de("How to reply").upper() in text and de("Pain points").upper() in text
        assert "What problem made" not in text and "HOW TO REPLY" not in text
        assert document_for(harness.settings, "kessler.example").language == "de"

        reply = reply_to_draft(draft, "CSM: Lena Brandt <lena.brandt@northwind.example>\napprove")
        await harness.send(reply, rcpt_to=str(draft["Reply-To"]))
        await harness.drain()
        final = harness.outbox_to("lena.brandt@northwind.example")[-1]
        text = final.get_body(preferencelist=("plain",)).get_content()
        assert de("Pain points").upper() in text and "has handed" not in text
        assert "zwölf Tage" in text  # the customer's words as written
        markdown = next(p for p in final.walk() if p.get_filename() and p.get_filename().endswith(".md"))
        assert f"## {de('Pain points')}" in markdown.get_content()
        invite = next(p for p in final.walk() if p.get_content_type() == "text/calendar")
        raw = invite.get_content()
        event = next(iter(Calendar.from_ical(raw if isinstance(raw, bytes) else raw.encode()).walk("VEVENT")))
        assert str(event["SUMMARY"]).startswith(de("Handoff call: %(account)s (%(rep)s -> %(csm)s)").split("%")[0])
    finally:
        await stop_harness(harness)


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_guessed_address_says_so_in_every_format(language: str) -> None:
    doc = _document(language)
    doc.sections.stakeholders.append(
        Stakeholder(name="Ivo Brandt", email="ivo.brandt@kessler.example", email_guessed=True, role="user")
    )
    note = translations(language).gettext("address guessed from their colleagues' addresses")
    for fmt in ("md", "txt", "html"):
        out = html.unescape(render_document(doc, fmt))
        assert out.count(note) == 1, fmt  # Ivo's, not Jana's: hers was written in the mail
