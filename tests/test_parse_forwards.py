"""Forwards from every client: each message split out with its own author, date and body."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from mailflows.inbound.mail import ParsedMail
from mailflows.inbound.parse import parse_body, parse_message

FIXTURES = Path(__file__).parent / "fixtures" / "mail"


def parse_fixture(name: str) -> ParsedMail:
    return parse_message((FIXTURES / name).read_bytes())


def authors(parsed: ParsedMail) -> list[str]:
    return [m.sender.email if m.sender else "" for m in parsed.messages]


def test_gmail_forward_splits_the_forward_and_every_reply_quoted_inside_it():
    parsed = parse_fixture("gmail_forward_with_replies.eml")
    assert authors(parsed) == [
        "sam.okafor@northwind.example",
        "ines.moreau@bluefin.example",
        "sam.okafor@northwind.example",
        "tariq.bell@bluefin.example",
    ]
    outer, ines, sam, tariq = parsed.messages
    assert outer.kind == "email" and outer.body == "Pilot scope thread with Bluefin. Ines is the champion."
    assert ines.kind == "forwarded"
    assert ines.date is not None and ines.date.replace(tzinfo=None) == datetime(2026, 3, 9, 16, 20)
    assert [a.email for a in ines.cc] == ["tariq.bell@bluefin.example"]
    assert "April board meeting" in ines.body and "three sites work" not in ines.body
    assert "three sites work" in ines.quoted
    assert ines.signature.startswith("Ines Moreau\nDirector of Fleet Operations")
    assert sam.body.startswith("Hi Ines,") and "freight costs" not in sam.body
    assert tariq.body == "Sam, our freight costs went up 18% this year and nobody can say why."
    assert tariq.date is not None and tariq.date.day == 5


def test_each_quoted_sentence_is_stored_once_across_the_thread():
    parsed = parse_fixture("gmail_forward_with_replies.eml")
    bodies = [m.body for m in parsed.messages]
    assert sum("freight costs went up 18%" in b for b in bodies) == 1
    assert sum("Would three sites work" in b for b in bodies) == 1


def test_outlook_desktop_html_forward_keeps_lists_tables_and_drops_the_disclaimer():
    parsed = parse_fixture("outlook_desktop_html_forward.eml")
    assert authors(parsed) == [
        "sam.okafor@northwind.example",
        "omar.haddad@bluefin.example",
        "sam.okafor@northwind.example",
    ]
    omar = parsed.messages[1]
    assert "1. Year one under $90K.\n2. No auto-renewal clause." in omar.body
    assert "Item | Cost\nLicences | $72K" in omar.body
    assert "CONFIDENTIALITY" not in omar.body
    assert [a.email for a in omar.cc] == ["ines.moreau@bluefin.example", "tariq.bell@bluefin.example"]
    assert omar.date is not None and (omar.date.hour, omar.date.minute) == (17, 2)
    assert parsed.outer.date is not None and omar.date.utcoffset() == parsed.outer.date.utcoffset()
    assert parsed.messages[2].body == "Omar, what budget range should we plan the rollout around?"


def test_outlook_web_divrplyfwdmsg_forward_is_split():
    parsed = parse_fixture("owa_divrplyfwdmsg.eml")
    assert parsed.outer.body == "Security answers from Lea."
    lea = parsed.messages[1]
    assert lea.sender is not None and lea.sender.name == "Lea Müller"
    assert lea.body == "We need SSO through Okta and data kept in the EU."
    assert "VP of Information Security" in lea.signature


def test_apple_mail_forward_with_quoted_headers_and_inner_reply():
    parsed = parse_fixture("apple_mail_forward.eml")
    assert parsed.outer.body == "Retention rules from their DPO."
    assert "Sent from my iPhone" in parsed.outer.signature
    priya, sam = parsed.messages[1:]
    assert priya.sender is not None and priya.sender.email == "priya.raman@bluefin.example"
    assert priya.date is not None and priya.date.isoformat() == "2026-03-12T17:26:51-04:00"
    assert priya.body == "Sam,\n\nRecords older than seven years must be purged automatically."
    assert sam.body == "Priya, what retention period do you need?"


def test_thunderbird_forward_with_tab_separated_headers_and_flowed_text():
    parsed = parse_fixture("thunderbird_forward.eml")
    ines = parsed.messages[1]
    assert ines.sender is not None and ines.sender.email == "ines.moreau@bluefin.example"
    assert ines.subject == "Intro from Bluefin"
    assert "Can we talk this week?" in ines.body  # format=flowed lines joined


def test_german_outlook_forward_and_am_schrieb_reply():
    parsed = parse_fixture("outlook_german_wg.eml")
    assert parsed.outer.body == "Anforderungen aus Zürich, bitte ablegen."
    jonas, sam = parsed.messages[1:]
    assert jonas.sender is not None and jonas.sender.email == "jonas.keller@bluefin-suisse.example"
    assert jonas.date is not None and (jonas.date.month, jonas.date.day, jonas.date.hour) == (3, 13, 17)
    assert "in der Schweiz bleiben" in jonas.body
    assert sam.date is not None and (sam.date.month, sam.date.day) == (3, 12)
    assert sam.body == "Hallo Jonas, wo müssen die Daten liegen?"


def test_french_and_spanish_outlook_headers_are_read():
    fr = parse_body(
        "Pour le dossier.\n\nDe : Ines Moreau <ines.moreau@bluefin.example>\nEnvoyé : lundi 9 mars 2026 16:20\n"
        "À : Sam Okafor <sam.okafor@northwind.example>\nObjet : TR: Budget\n\nLe budget est validé.\n"
    )
    es = parse_body(
        "Para el archivo.\n\nDe: Ines Moreau <ines.moreau@bluefin.example>\nEnviado: lunes, 9 de marzo de 2026 16:20\n"
        "Para: Sam Okafor <sam.okafor@northwind.example>\nAsunto: RV: Presupuesto\n\nEl presupuesto está aprobado.\n"
    )
    for parsed, body in ((fr, "Le budget est validé."), (es, "El presupuesto está aprobado.")):
        assert parsed.messages[1].sender is not None
        assert parsed.messages[1].sender.email == "ines.moreau@bluefin.example"
        assert parsed.messages[1].body == body
        assert parsed.messages[1].date is not None and parsed.messages[1].date.day == 9


def test_forward_of_a_forward_gives_every_level_its_author():
    parsed = parse_body(
        "FYI\n\n---------- Forwarded message ---------\nFrom: Tariq Bell <tariq.bell@bluefin.example>\n"
        "Date: Tue, Mar 10, 2026 at 9:00 AM\nSubject: Fwd: numbers\nTo: Sam <sam@northwind.example>\n\n"
        "See below.\n\n---------- Forwarded message ---------\nFrom: Omar Haddad <omar.haddad@bluefin.example>\n"
        "Date: Mon, Mar 9, 2026 at 8:00 AM\nSubject: numbers\nTo: Tariq <tariq.bell@bluefin.example>\n\n"
        "Freight spend was $4.2M.\n"
    )
    assert authors(parsed) == ["", "tariq.bell@bluefin.example", "omar.haddad@bluefin.example"]
    assert [m.body for m in parsed.messages] == ["FYI", "See below.", "Freight spend was $4.2M."]


def test_message_rfc822_attachments_are_messages_with_their_own_ids_nested_too():
    parsed = parse_fixture("nested_rfc822_attachments.eml")
    outer, tariq, omar = parsed.messages
    assert outer.body == "Forwarding Tariq's note as an attachment."
    assert (tariq.kind, tariq.id) == ("attached", "<tariq-pricing@bluefin.example>")
    assert tariq.body.startswith("Sam, pricing works")
    assert (omar.kind, omar.id) == ("attached", "<nested-007@northwind.example>#1")
    assert omar.body == "Tariq, ask them for quarterly payments."


def test_message_without_message_id_gets_a_stable_one():
    raw = b"From: a@b.example\nSubject: x\n\nhello\n"
    first, second = parse_message(raw), parse_message(raw)
    assert first.message_id == second.message_id and first.message_id.startswith("<")
    assert parse_message(raw + b"!").message_id != first.message_id


def test_reply_headers_are_read():
    raw = (
        b"From: a@b.example\nReply-To: Sam <handoff+tok@northwind.example>\nIn-Reply-To: <x@y>\n"
        b"References: <w@y> <x@y>\nAuthentication-Results: mx; spf=pass\nAuthentication-Results: mx2; dkim=pass\n"
        b"Subject: Re: x\n\nok\n"
    )
    parsed = parse_message(raw)
    assert parsed.in_reply_to == "<x@y>"
    assert parsed.references == ["<w@y>", "<x@y>"]
    assert [a.email for a in parsed.reply_to] == ["handoff+tok@northwind.example"]
    assert parsed.authentication_results == ["mx; spf=pass", "mx2; dkim=pass"]


def test_a_subject_wrapped_onto_a_second_line_stays_in_the_header_not_the_body():
    parsed = parse_body(
        "FYI\n\n---------- Forwarded message ----------\nFrom: Dana Ito <dana@customer.example>\n"
        "Date: Thu, Jan 28, 2016 at 4:00 PM\nSubject: Rollout plan for the 38 stores and\nthe two warehouses\n"
        "To: sam@northwind.example\n\n\nWe need the first store live by March.\n"
    )
    forwarded = parsed.messages[-1]
    assert forwarded.subject == "Rollout plan for the 38 stores and the two warehouses"
    assert forwarded.body.strip() == "We need the first store live by March."
    assert forwarded.to[0].email == "sam@northwind.example"


# A forwarded reply whose client quoted the attribution with the rest ("> On … wrote:") and put the sender's
# disclaimer under the quote: the quoted message is its author's, the disclaimer stays with the one who wrote above.
QUOTED_ATTRIBUTION = """\
Her go-ahead, from the top.

---------- Forwarded message ---------
From: Ilse Vermeulen <ilse.vermeulen@korenbloem.example>
Date: Tue, May 5, 2026 at 8:12 AM
Subject: Re: next steps
To: Joris Peeters <joris.peeters@lumendata.example>

Cher Joris,

Nous sommes d'accord sur le plan ; je signe dès que le juridique a rendu son avis.

Ilse Vermeulen

> Le lun. 4 mai 2026 à 18:40, Joris Peeters <joris.peeters@lumendata.example> a écrit :
>
> Chère Madame Vermeulen,
>
> Kick-off le 2 juin à Bruxelles ; votre CSM sera Lotte Smets.
>
> Bien cordialement,
> Joris

Ce message est confidentiel et destiné exclusivement à ses destinataires.
"""


def test_a_quoted_attribution_opens_the_quoted_message_with_its_author_and_date():
    parsed = parse_body(QUOTED_ATTRIBUTION)
    assert authors(parsed) == ["", "ilse.vermeulen@korenbloem.example", "joris.peeters@lumendata.example"]
    _, ilse, joris = parsed.messages
    assert "je signe" in ilse.body and ">" not in ilse.body and "Kick-off" not in ilse.body
    assert joris.body.startswith("Chère Madame Vermeulen,") and "votre CSM sera Lotte Smets." in joris.body
    assert ">" not in joris.body and "confidentiel" not in joris.body
    assert joris.date is not None and (joris.date.month, joris.date.day, joris.date.hour) == (5, 4, 18)


def test_an_inline_reply_that_quotes_the_attribution_is_not_split():
    text = (
        "> On Mon, May 4, 2026 at 6:40 PM Joris Peeters <joris.peeters@lumendata.example> wrote:\n"
        "> Can you send the SSO metadata?\n\nSent this morning.\n\n> And the list of sites?\n\nAttached.\n"
    )
    parsed = parse_body(text)
    assert len(parsed.messages) == 1 and "Sent this morning." in parsed.messages[0].body


def test_a_quoted_letter_with_its_own_header_block_is_its_own_message_and_the_footer_below_stays_outside() -> None:
    text = (
        "Mateo, esta es la carta del importador.\nJuliana\n\n"
        "> From: Erin Whitcombe, Bloomhaus Imports, Doral FL\n> Subject: Cold chain traceability requirement\n>\n"
        "> Dear supplier partners,\n>\n> Starting January 1, 2027, we will require box-level temperature traceability.\n"
        ">\n> Erin Whitcombe\n\nBoletín Semanal del Floricultor - Edición 27. Para dejar de recibirlo, responda BAJA.\n"
    )
    parsed = parse_body(text)
    letter = parsed.messages[-1]
    assert letter.sender is not None and letter.sender.name.startswith("Erin Whitcombe")
    assert letter.body.startswith("Dear supplier partners,") and ">" not in letter.body
    assert "Boletín" not in letter.body and "Boletín" in parsed.messages[0].body
    assert "box-level" not in parsed.messages[0].body
