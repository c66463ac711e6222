"""German, French and Spanish mail: forward markers, header blocks, their dates, and out-of-office replies."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from mailflows.inbound.autoreply import is_auto_reply_text
from mailflows.inbound.dates import parse_mail_date
from mailflows.inbound.parse import parse_body

CET = timezone(timedelta(hours=1))
MARCH_3 = datetime(2026, 3, 3, 10, 15)

NOTE = {"de": "Zur Info, siehe unten.", "fr": "Pour info, voir plus bas.", "es": "Para tu información."}
BODY = {
    "de": "Hallo Sam,\nwir brauchen das Angebot bis Freitag.\n\nViele Grüße\nAnna",
    "fr": "Bonjour Sam,\nnous avons besoin du devis avant vendredi.\n\nCordialement,\nClaire",
    "es": "Hola Sam,\nnecesitamos el presupuesto antes del viernes.\n\nSaludos,\nLucía",
}
AUTHOR = {
    "de": ("Anna Keller", "anna.keller@kunde.example"),
    "fr": ("Claire Dubois", "claire.dubois@client.example"),
    "es": ("Lucía Romero", "lucia.romero@cliente.example"),
}
SUBJECT = {"de": "Angebot", "fr": "Devis", "es": "Presupuesto"}

# what Outlook, Gmail and Apple Mail print above a forwarded message, in each language
HEADERS = {
    ("outlook", "de"): "Von: {who}\nGesendet: Dienstag, 3. März 2026 10:15\nAn: Sam Okafor <sam@northwind.example>\n"
    "Betreff: {subject}",
    ("outlook", "fr"): "De : {who}\nEnvoyé : mardi 3 mars 2026 10:15\nÀ : Sam Okafor <sam@northwind.example>\n"
    "Objet : {subject}",
    (
        "outlook",
        "es",
    ): "De: {who}\nEnviado el: martes, 3 de marzo de 2026 10:15\nPara: Sam Okafor <sam@northwind.example>\n"
    "Asunto: {subject}",
    (
        "gmail",
        "de",
    ): "---------- Weitergeleitete Nachricht ---------\nVon: {who}\nDate: Di., 3. März 2026 um 10:15 Uhr\n"
    "Subject: {subject}\nTo: Sam Okafor <sam@northwind.example>\n",
    ("gmail", "fr"): "---------- Message transféré ---------\nDe : {who}\nDate: mar. 3 mars 2026 à 10:15\n"
    "Subject: {subject}\nTo: Sam Okafor <sam@northwind.example>\n",
    ("gmail", "es"): "---------- Mensaje reenviado ---------\nDe: {who}\nDate: mar, 3 mar 2026 a las 10:15\n"
    "Subject: {subject}\nTo: Sam Okafor <sam@northwind.example>\n",
    ("apple", "de"): "Anfang der weitergeleiteten Nachricht:\n\nVon: {who}\nBetreff: {subject}\n"
    "Datum: 3. März 2026 um 10:15:00 MEZ\nAn: Sam Okafor <sam@northwind.example>",
    ("apple", "fr"): "Début du message réexpédié :\n\nDe: {who}\nObjet: {subject}\nDate: 3 mars 2026 à 10:15:00 UTC+1\n"
    "À: Sam Okafor <sam@northwind.example>",
    (
        "apple",
        "es",
    ): "Inicio del mensaje reenviado:\n\nDe: {who}\nAsunto: {subject}\nFecha: 3 de marzo de 2026, 10:15:00 CET\n"
    "Para: Sam Okafor <sam@northwind.example>",
}


@pytest.mark.parametrize(("client", "language"), sorted(HEADERS))
def test_a_localized_forward_gives_the_author_the_date_and_the_note(client: str, language: str) -> None:
    name, email = AUTHOR[language]
    header = HEADERS[(client, language)].format(who=f"{name} <{email}>", subject=SUBJECT[language])
    parsed = parse_body(f"{NOTE[language]}\n\n{header}\n\n{BODY[language]}\n")
    outer, *forwarded = parsed.messages
    assert outer.body == NOTE[language]
    assert len(forwarded) == 1
    (message,) = forwarded
    assert (message.sender.name, message.sender.email) == (name, email)  # type: ignore[union-attr]
    assert message.subject == SUBJECT[language]
    assert message.body.startswith(BODY[language].split("\n")[0])
    assert message.date is not None
    assert message.date.replace(tzinfo=None) == MARCH_3
    if client == "apple":  # Apple Mail prints the zone
        assert message.date.utcoffset() == timedelta(hours=1)


@pytest.mark.parametrize(
    "text",
    [
        "Montag, 3. März 2026 10:15",
        "Mo., 3. März 2026 um 10:15 Uhr",
        "03.03.2026 10:15",
        "lundi 3 mars 2026 10:15",
        "lun. 3 mars 2026 à 10:15",
        "3 mars 2026 à 10h15",
        "lunes, 3 de marzo de 2026 10:15",
        "lun, 3 mar 2026 a las 10:15",
        "3 de marzo de 2026, 10:15",
    ],
)
def test_localized_forward_dates_are_read(text: str) -> None:
    assert parse_mail_date(text) == MARCH_3


def test_a_localized_date_takes_the_zone_of_the_mail_that_carried_it() -> None:
    assert parse_mail_date("Dienstag, 3. März 2026 10:15", CET) == MARCH_3.replace(tzinfo=CET)


@pytest.mark.parametrize(
    ("text", "hour"),
    [("Wed, Mar 16, 2016 at 12:49 AM", 0), ("Monday, January 1, 2026 12:00 PM", 12), ("8 May 2017 6:51 pm", 18)],
)
def test_twelve_and_pm_hours_are_read_right(text: str, hour: int) -> None:
    found = parse_mail_date(text)
    assert found is not None and found.hour == hour


def test_a_gmt_offset_means_ahead_of_utc_as_mail_clients_mean_it() -> None:
    found = parse_mail_date("Tuesday, November 2, 2021, 03:01:36 PM GMT+1")
    assert found == datetime(2021, 11, 2, 15, 1, 36, tzinfo=CET)


def test_a_name_after_the_time_is_not_part_of_the_date() -> None:
    assert parse_mail_date("Thu, 31 Mar 2016 at 10:05 Jeff") == datetime(2016, 3, 31, 10, 5)


def test_a_date_is_read_the_same_whatever_was_read_before() -> None:
    first = parse_mail_date("Tuesday, March 24, 2026 3:30 PM")
    for other in ("fre 28 feb. 2025 10:15", "26. Oktober 2021 um 14:25:08", "2016年12月12日 下午8:45"):
        parse_mail_date(other)
    assert parse_mail_date("Tuesday, March 24, 2026 3:30 PM") == first == datetime(2026, 3, 24, 15, 30)


@pytest.mark.parametrize("text", ["Wed, Dec 9", "at 10:18", "see you soon", ""])
def test_text_without_a_day_month_and_year_is_no_date(text: str) -> None:
    assert parse_mail_date(text) is None


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("Abwesend: Angebot", ""),
        ("Automatische Antwort: Angebot", ""),
        ("Re: Angebot", "Vielen Dank für Ihre Nachricht. Ich bin bis zum 14. März nicht im Büro."),
        ("Re: Angebot", "Ich befinde mich bis 14.03. im Urlaub. In dringenden Fällen wenden Sie sich an Herrn Roth."),
        ("Absent : Devis", ""),
        ("Réponse automatique : Devis", ""),
        ("Re: Devis", "Merci pour votre message. Je suis absente du bureau jusqu'au 14 mars."),
        ("Re: Devis", "Je serai absent du 3 au 14 mars. Pour toute urgence, contactez Marc."),
        ("Respuesta automática: Presupuesto", ""),
        ("Ausente: Presupuesto", ""),
        ("Re: Presupuesto", "Gracias por su mensaje. Estoy fuera de la oficina hasta el 14 de marzo."),
        ("Re: Presupuesto", "Estaré de vacaciones hasta el 14 de marzo. Para asuntos urgentes, contacte a Pablo."),
    ],
)
def test_german_french_and_spanish_out_of_office_replies_are_recognised(subject: str, body: str) -> None:
    assert is_auto_reply_text(subject, body)


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("Re: Devis", "Je serai absent la semaine prochaine, voyez avec Marc pour le devis."),
        ("Re: Presupuesto", "Estoy de vacaciones pero respondo: el presupuesto está bien."),
        ("Re: Angebot", "Wir sind im Urlaub gewesen und haben das Angebot jetzt gelesen. Passt."),
    ],
)
def test_a_person_mentioning_an_absence_is_not_an_auto_reply(subject: str, body: str) -> None:
    assert not is_auto_reply_text(subject, body)
