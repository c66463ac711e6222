"""Titles in the shapes real mail writes them, end to end: a real .eml through the parser and the offline reader.

HTML signatures laid out in a table beside a logo, the title on the name's line or over it, a first-name
sign-off with the card under it, CRM exports whose title column is called "Cargo", "Funktion" or "Poste"
(and Excel's ";" between columns), an attendee list of "Name – Title" lines, and a title before a name.
"""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from agent.document import AccountInfo, HandoffDocument, Party
from agent.extract.base import ExtractionContext
from agent.extract.offline import OfflineExtractor
from agent.extract.titles import named_titles
from agent.merge import merge_extraction
from mailflows.inbound.html_text import html_to_text
from mailflows.inbound.mail import Address
from mailflows.inbound.parse import parse_message
from mailflows.inbound.signatures import parse_signature

OURS = "ourco.example"
THEM = "kunde.example"
ANA = f"Ana Ruiz <ana.ruiz@{THEM}>"


@pytest.fixture
def ctx() -> ExtractionContext:
    return ExtractionContext(
        account=AccountInfo(name="Kunde", domain=THEM),
        rep=Party(name="Nico Ramos", email=f"nico.ramos@{OURS}"),
        company_domains={OURS},
    )


def _direct(sender: str, text: str | None = None, html: str | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = f"Nico Ramos <nico.ramos@{OURS}>"
    msg["Subject"] = "contract"
    msg["Date"] = "Mon, 13 Apr 2026 09:12:00 -0500"
    msg["Message-ID"] = f"<d1@{THEM}>"
    if text is not None:
        msg.set_content(text)
    else:
        msg.set_content(html or "", subtype="html")
    return msg.as_bytes()


def _forward(inner_from: str, inner_body: str, attachment: tuple[str, str, str] | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Nico Ramos <nico.ramos@{OURS}>"
    msg["To"] = f"handoff@{OURS}"
    msg["Subject"] = "Fwd: contract"
    msg["Date"] = "Tue, 14 Apr 2026 10:00:00 -0500"
    msg["Message-ID"] = f"<f1@{OURS}>"
    msg.set_content(
        "Closed, for the file.\n\n---------- Forwarded message ---------\n"
        f"From: {inner_from}\nDate: Mon, 13 Apr 2026 at 09:12\nSubject: contract\n"
        f"To: Nico Ramos <nico.ramos@{OURS}>\n\n{inner_body}\n"
    )
    if attachment:
        name, ctype, data = attachment
        main, sub = ctype.split("/")
        msg.add_attachment(data.encode(), maintype=main, subtype=sub, filename=name)
    return msg.as_bytes()


async def _titles(ctx: ExtractionContext, raw: bytes) -> dict[str, str | None]:
    sources = parse_message(raw).messages
    doc = HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep)
    doc = merge_extraction(doc, await OfflineExtractor().extract(sources, ctx, doc))
    return {s.name: s.title for s in doc.sections.stakeholders}


SIGNED = "Hi Nico,\n\nWe signed today and start the rollout next week.\n\n"


@pytest.mark.parametrize(
    "card",
    [
        "Best,\nAna Ruiz – Head of Finance\nKunde Inc.\n+1 555 010 0101",
        "Best,\nHead of Finance\nAna Ruiz\nKunde Inc.",
        "Best,\nAna\nHead of Finance, Kunde Inc.",
        "Best,\nAna\n\nHead of Finance\nKunde Inc. | +1 555 010 0101",
    ],
    ids=["title-on-name-line", "title-over-name", "first-name-sign-off", "first-name-then-blank"],
)
async def test_a_card_gives_the_title_however_it_is_laid_out(ctx: ExtractionContext, card: str) -> None:
    assert (await _titles(ctx, _direct(ANA, SIGNED + card)))["Ana Ruiz"] == "Head of Finance"


async def test_an_html_only_signature_beside_a_logo_gives_the_title(ctx: ExtractionContext) -> None:
    html = (
        "<html><body><p>Hi Nico,</p><p>We signed today and start the rollout next week.</p>"
        '<table><tr><td><img src="cid:logo"></td><td><p><b>Ana Ruiz</b></p><p>Head of Finance | Kunde Inc.</p>'
        "<p>m: +1 555 010 0101</p></td></tr></table></body></html>"
    )
    assert (await _titles(ctx, _direct(ANA, html=html)))["Ana Ruiz"] == "Head of Finance"


def test_a_table_of_values_still_reads_as_one_row_a_line() -> None:
    html = "<table><tr><td>Plan</td><td>Seats</td></tr><tr><td>Growth</td><td>40</td></tr></table>"
    assert html_to_text(html)[0] == "Plan | Seats\nGrowth | 40"


@pytest.mark.parametrize(
    ("header", "row"),
    [
        ("Job Title,Full Name,Email Address", "Jefe de Almacén,Tom Reyes,tom.reyes@{d}"),
        ("Nombre,Cargo,Correo electrónico", "Tom Reyes,Jefe de Almacén,tom.reyes@{d}"),
        ("Vorname,Nachname,Funktion,E-Mail", "Tom,Reyes,Jefe de Almacén,tom.reyes@{d}"),
        ("Prénom;Nom;Poste;Courriel;Téléphone", "Tom;Reyes;Jefe de Almacén;tom.reyes@{d};+33 1 23 45 67 89"),
        ("Contact,Position,Email", "Tom Reyes,Jefe de Almacén,tom.reyes@{d}"),
    ],
    ids=["job-title-first", "cargo", "funktion-split-name", "poste-semicolons", "position"],
)
async def test_a_crm_exports_title_column_is_read_whatever_its_name_and_place(
    ctx: ExtractionContext, header: str, row: str
) -> None:
    csv = f"{header}\n{row.format(d=THEM)}\n"
    raw = _forward(ANA, "Contacts attached.\n\nAna", ("contacts.csv", "text/csv", csv))
    assert (await _titles(ctx, raw))["Tom Reyes"] == "Jefe de Almacén"


async def test_an_attendee_list_of_name_and_title_lines_gives_each_title(ctx: ExtractionContext) -> None:
    body = (
        "Meeting recap\n\nAttendees:\n- Ana Ruiz – Head of Finance\n- Tom Reyes – Warehouse Manager\n\n"
        "We agreed to go live on 4 May.\n\nAna"
    )
    titles = await _titles(ctx, _forward(ANA, body))
    assert (titles["Ana Ruiz"], titles["Tom Reyes"]) == ("Head of Finance", "Warehouse Manager")


@pytest.mark.parametrize(
    ("sentence", "name", "title"),
    [
        ("Our Head of Finance Ana Ruiz signed this morning.", "Ana Ruiz", "Head of Finance"),
        ("Unsere Leiterin Controlling Gerda Huber hat heute unterschrieben.", "Gerda Huber", "Leiterin Controlling"),
    ],
)
async def test_a_capitalised_title_before_a_name_is_read(
    ctx: ExtractionContext, sentence: str, name: str, title: str
) -> None:
    assert (await _titles(ctx, _forward(f"Tom Reyes <tom.reyes@{THEM}>", f"{sentence}\n\nTom")))[name] == title


async def test_who_someone_is_in_a_relative_clause_is_not_made_a_title(ctx: ExtractionContext) -> None:
    body = "I'm copying Tom Reyes, who runs our warehouse team, so he can plan the go-live.\n\nAna"
    assert (await _titles(ctx, _forward(ANA, body))).get("Tom Reyes") is None


@pytest.mark.parametrize(
    ("sender", "card", "title"),
    [
        ("Claire Roux", "Cordialement,\nClaire Roux\nChargée de projet SI\nKunde SAS", "Chargée de projet SI"),
        ("Marta Gil", "Un saludo,\nMarta Gil\nAnalista de Datos\nKunde S.L.", "Analista de Datos"),
        (
            "Gerda Huber",
            "Beste Grüße\ni.A. Gerda Huber\nSachbearbeiterin Einkauf\nKunde GmbH",
            "Sachbearbeiterin Einkauf",
        ),
        ("Jan Vogt", "Viele Grüße\nJan Vogt\nProjektmanager IT\nKunde GmbH", "Projektmanager IT"),
    ],
)
async def test_job_names_in_french_spanish_and_german_are_titles(
    ctx: ExtractionContext, sender: str, card: str, title: str
) -> None:
    address = f"{sender} <{sender.lower().replace(' ', '.')}@{THEM}>"
    assert (await _titles(ctx, _direct(address, SIGNED + card)))[sender] == title


@pytest.mark.parametrize("display", ['"Ruiz, Ana"', '"RUIZ Ana"'])
async def test_a_from_name_written_last_name_first_still_takes_the_cards_title(
    ctx: ExtractionContext, display: str
) -> None:
    titles = await _titles(ctx, _direct(f"{display} <ana.ruiz@{THEM}>", SIGNED + "Best,\nAna Ruiz\nHead of Finance"))
    assert list(titles.values()) == ["Head of Finance"]


@pytest.mark.parametrize(
    ("sentence", "name", "title"),
    [
        ("I'm looping in Ana Ruiz, who is our Head of Finance.", "Ana Ruiz", "Head of Finance"),
        ("Ana Ruiz is our Head of Finance and she signed.", "Ana Ruiz", "Head of Finance"),
        ("Marta Gil es la jefa de compras y firmó ayer.", "Marta Gil", "Jefa de Compras"),
        ("Unser Geschäftsführer, Herr Jan Vogt, hat unterschrieben.", "Jan Vogt", "Geschäftsführer"),
        (
            "Gerda Huber, unsere Leiterin Controlling am Standort Graz, hat unterschrieben.",
            "Gerda Huber",
            "Leiterin Controlling am Standort Graz",
        ),
        ("Ana Ruiz, head of finance at Kunde, signed this morning.", "Ana Ruiz", "Head of Finance"),
    ],
    ids=["who-is", "is-our", "es-la", "courtesy-title", "german-am-is-no-time", "account-name-cut"],
)
async def test_a_title_said_of_someone_in_a_sentence_is_read(
    ctx: ExtractionContext, sentence: str, name: str, title: str
) -> None:
    assert (await _titles(ctx, _forward(f"Tom Reyes <tom.reyes@{THEM}>", f"{sentence}\n\nTom")))[name] == title


async def test_a_past_title_is_not_taken_as_theirs(ctx: ExtractionContext) -> None:
    body = "Ana Ruiz was the CFO at her last company, she knows the drill.\n\nTom"
    assert (await _titles(ctx, _forward(f"Tom Reyes <tom.reyes@{THEM}>", body))).get("Ana Ruiz") is None


async def test_a_table_of_contacts_in_an_html_mail_gives_each_title(ctx: ExtractionContext) -> None:
    html = (
        "<html><body><p>Hi Nico, attendees for the kickoff:</p><table><tr><th>Name</th><th>Title</th><th>Email</th>"
        f"</tr><tr><td>Ana Ruiz</td><td>Head of Finance</td><td>ana.ruiz@{THEM}</td></tr><tr><td>Tom Reyes</td>"
        f"<td>Warehouse Manager</td><td>tom.reyes@{THEM}</td></tr></table><p>Ana</p></body></html>"
    )
    titles = await _titles(ctx, _direct(ANA, html=html))
    assert (titles["Ana Ruiz"], titles["Tom Reyes"]) == ("Head of Finance", "Warehouse Manager")


async def test_a_markdown_table_of_contacts_is_not_cut_off_as_a_signature(ctx: ExtractionContext) -> None:
    body = (
        "Attendees:\n\n| Nombre | Cargo | Correo |\n|---|---|---|\n"
        f"| Ana Ruiz | Directora Financiera | ana.ruiz@{THEM} |\n| Tom Reyes | Jefe de Almacén | tom.reyes@{THEM} |\n\nAna"
    )
    titles = await _titles(ctx, _forward(ANA, body))
    assert (titles["Ana Ruiz"], titles["Tom Reyes"]) == ("Directora Financiera", "Jefe de Almacén")


@pytest.mark.parametrize(
    ("turns", "name", "title"),
    [
        ("Tom Reyes: Hi all, I'm the warehouse manager in Reno.", "Tom Reyes", "warehouse manager in Reno"),
        (
            "Tom Reyes: Tom Reyes here, warehouse manager for the Reno site.",
            "Tom Reyes",
            "warehouse manager for the Reno site",
        ),
        ("Tom Reyes: Hi, my role is warehouse manager.", "Tom Reyes", "Warehouse Manager"),
        (
            "Marta Gil: Hola, soy la jefa de compras de la sede de Valencia.",
            "Marta Gil",
            "jefa de compras de la sede de Valencia",
        ),
    ],
    ids=["im-the", "name-here", "my-role-is", "spanish-long"],
)
async def test_a_speaker_introducing_themselves_gives_their_title(
    ctx: ExtractionContext, turns: str, name: str, title: str
) -> None:
    call = f"{turns}\nNico Ramos: Great to meet you.\n{name}: We need reports per site.\n"
    raw = _forward(ANA, "Transcript attached.\n\nAna", ("call.txt", "text/plain", call))
    assert (await _titles(ctx, raw))[name] == title


@pytest.mark.parametrize(
    ("labels", "name", "title"),
    [
        (("Ruiz, Ana (Kunde)", "Reyes, Tom (Kunde)", "Ramos, Nico (OurCo)"), "Tom Reyes", "Warehouse Manager"),
        (("Ana Ruiz (Head of Finance)", "Tom Reyes (Warehouse Manager)", "Nico Ramos"), "Ana Ruiz", "Head of Finance"),
    ],
    ids=["teams-last-first-with-company", "zoom-label-with-title"],
)
async def test_a_call_copied_with_a_note_in_each_speaker_label_is_read(
    ctx: ExtractionContext, labels: tuple[str, str, str], name: str, title: str
) -> None:
    said = [
        "Thanks for joining, we want invoices split by site.",
        "Hi, I'm the warehouse manager, scanners must work offline.",
        "Understood, we will confirm by Friday.",
        "Also the Reno site goes first.",
    ]
    order = [labels[0], labels[1], labels[2], labels[1]]
    call = "".join(
        f"{label}   0:{at * 7:02d}\n{text}\n\n" for at, (label, text) in enumerate(zip(order, said, strict=True))
    )
    raw = _forward(ANA, "Transcript attached.\n\nAna", ("transcript.txt", "text/plain", call))
    assert (await _titles(ctx, raw))[name] == title


@pytest.mark.parametrize(
    "tail",
    [
        "Best,\nAna\nPS: our CFO will call you on Monday about the invoice.",
        "Best,\nAna\n\nP.S. The IT manager needs the SSO details.",
    ],
)
async def test_a_postscript_under_a_first_name_stays_in_the_text_and_is_no_title(
    ctx: ExtractionContext, tail: str
) -> None:
    (mail,) = parse_message(_direct(ANA, SIGNED + tail)).messages
    assert mail.body.endswith(tail.split("\n")[-1]) and not mail.card.title
    assert (await _titles(ctx, _direct(ANA, SIGNED + tail)))["Ana Ruiz"] is None


@pytest.mark.parametrize(
    ("card", "title", "company"),
    [
        (
            "Ana Ruiz\nResponsable de Compras · Sede Valencia\nKunde S.L.",
            "Responsable de Compras · Sede Valencia",
            "Kunde S.L.",
        ),
        (
            "Ana Ruiz | Leiterin Controlling | Standort Graz | Kunde GmbH",
            "Leiterin Controlling | Standort Graz",
            "Kunde GmbH",
        ),
        ("Ana Ruiz | Head of Finance | Kunde Inc.", "Head of Finance", "Kunde Inc."),
    ],
)
def test_a_site_or_unit_after_the_title_on_a_card_stays_with_the_title(card: str, title: str, company: str) -> None:
    info = parse_signature(card, Address("Ana Ruiz", f"ana.ruiz@{THEM}"))
    assert (info.title, info.company) == (title, company)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ana Ruiz - Head of Finance - joined late", [("Ana Ruiz", "Head of Finance")]),
        ("- Ana Ruiz – will send the PO by Friday", []),
        ("Ana Ruiz is the lead on this.", []),
        ("Ana Ruiz is a manager I trust.", []),
        ("Ana Ruiz is our biggest fan.", []),
    ],
)
def test_what_is_said_next_to_a_name_is_no_title_unless_it_names_a_job(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert named_titles(text) == expected
