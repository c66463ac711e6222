"""A call transcript pasted into a mail body: its turns become a transcript source, the prose around it stays prose.

The fixtures in tests/fixtures/mail/pasted/ were built by scripts/pasted_fixtures.py with the stdlib
email package (and one sent by s-nail in batch mode); every test reads them through parse_message.
"""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest

from agent.document import AccountInfo, HandoffDocument, Party
from agent.extract.base import ExtractionContext
from agent.extract.speakers import quotes_of, read_units
from mailflows.inbound.mail import ParsedMail, ThreadMessage
from mailflows.inbound.parse import parse_body, parse_message
from mailflows.inbound.pasted import split_pasted_transcript

FIXTURES = Path(__file__).parent / "fixtures" / "mail" / "pasted"


def parsed(name: str) -> ParsedMail:
    return parse_message((FIXTURES / f"{name}.eml").read_bytes())


def transcripts(mail: ParsedMail) -> list[ThreadMessage]:
    return [m for m in mail.messages if m.kind == "transcript"]


@pytest.mark.parametrize(
    ("name", "carrier", "speakers", "first_at"),
    [
        ("en_zoom_after_note", 0, ["Sam Okafor", "Ines Moreau", "Sam Okafor", "Ines Moreau", "Tariq Bell",
                                   "Sam Okafor", "Tariq Bell"], "00:00:04"),
        ("de_otter_in_forward", 1, ["Jürgen Weiß", "Sam Okafor"] * 2 + ["Jürgen Weiß"], "00:03"),
        ("es_teams_html", 0, ["Ana de la Vega", "Sam Okafor", "Rodrigo Peña", "Sam Okafor", "Ana de la Vega",
                              "Rodrigo Peña"], "4:12 PM"),
        ("fr_plain_names", 0, ["Hélène Lefèvre", "Sam Okafor", "Hélène Lefèvre", "François Méndez", "Sam Okafor",
                               "François Méndez"], None),
        ("en_gong_in_outlook_forward", 1, ["Tariq Bell", "Sam Okafor"] * 2 + ["Tariq Bell"], "00:12:40"),
        ("snail_zoom_copy", 0, ["Lucía Fernández", "Sam Okafor"] * 2 + ["Lucía Fernández"], "00:02"),
    ],
)  # fmt: skip
def test_a_pasted_transcript_becomes_one_transcript_source_right_after_the_message_it_was_pasted_in(
    name: str, carrier: int, speakers: list[str], first_at: str | None
) -> None:
    mail = parsed(name)
    (call,) = transcripts(mail)
    assert mail.messages.index(call) == carrier + 1
    assert [t.speaker for t in call.turns] == speakers
    assert call.turns[0].at == first_at
    assert call.sender is None and call.date == mail.messages[carrier].date
    assert call.body.splitlines()[0] == f"{call.turns[0].speaker}: {call.turns[0].text}"
    prose = mail.messages[carrier].body
    assert prose and not any(t.text[:30] in prose for t in call.turns), "no turn is left in the prose"


def test_the_reps_note_labels_and_closing_line_stay_prose_and_the_title_goes_with_the_transcript() -> None:
    mail = parsed("en_zoom_after_note")
    note = mail.outer
    assert note.kind == "email" and note.body.startswith("Hi team,\n\nBluefin Freight signed on Friday.")
    assert "Budget: $48k per year, approved by Omar\nTimeline: go-live before the end of Q3" in note.body
    assert note.body.endswith("Let me know if anything is unclear before the handoff call.\n\nSam")
    assert "Transcript" not in note.body and "[00:" not in note.body
    assert note.signature.endswith("Tel: +1 555 0100")


def test_a_turn_wrapped_over_two_lines_is_one_turn() -> None:
    (call,) = transcripts(parsed("en_zoom_after_note"))
    assert call.turns[1].text == (
        "Freight invoices. We check every carrier invoice by hand against the rate cards, "
        "and it takes my team four days each month."
    )


def test_a_transcript_in_a_forwarded_mail_leaves_that_mails_greeting_and_signature_to_its_author() -> None:
    mail = parsed("de_otter_in_forward")
    note, forwarded, call = mail.messages
    assert note.body == "Kurz zur Info: das Gespräch mit Jürgen, er ist unser Champion."
    assert forwarded.sender is not None and forwarded.sender.email == "juergen.weiss@kranich-logistik.example"
    assert forwarded.body.endswith("das Transkript unseres Gesprächs vom Dienstag (aus Otter kopiert).")
    assert "Transkript –" not in forwarded.body and "Teilnehmer" not in forwarded.body
    assert forwarded.card.title == "Leiter Buchhaltung"
    assert call.turns[-1].text == "Frau Özdemir, unsere Finanzchefin. Sie will vorher eine Referenz sprechen."


def test_teams_names_written_last_name_first_are_read_first_name_first() -> None:
    (call,) = transcripts(parsed("es_teams_html"))
    assert {t.speaker for t in call.turns} == {"Ana de la Vega", "Rodrigo Peña", "Sam Okafor"}
    assert call.turns[0].text.endswith("¿Ustedes lo automatizan?")


def test_the_mail_s_nail_sent_is_read_like_the_others() -> None:
    raw = (FIXTURES / "snail_zoom_copy.eml").read_bytes()
    assert b"User-Agent: s-nail" in raw
    mail = parse_message(raw)
    assert mail.outer.body.endswith("pasted straight from the transcript panel.\n\nThanks,\nSam")
    assert transcripts(mail)[0].turns[2].text == "Most of Monday morning. I want it in my inbox at eight."


@pytest.mark.parametrize("name", ["neg_rep_notes", "neg_outlook_chain"])
def test_a_reps_labelled_notes_and_an_outlook_header_chain_are_no_transcript(name: str) -> None:
    mail = parsed(name)
    assert transcripts(mail) == []
    text = "\n".join(m.body for m in mail.messages)
    if name == "neg_rep_notes":
        for line in ("Budget: $48k", "Risks: IT is stretched", "Ines: owns the invoice process",
                     "Tariq: on leave in April", "Note: the contract says net 45.", "P.S.: Omar is"):  # fmt: skip
            assert line in text
        assert "Mobile: +1 555 0199" in mail.outer.signature
    else:
        assert [m.kind for m in mail.messages] == ["email", "forwarded", "forwarded"]
        assert "Agenda: access, data load, first report" in mail.messages[2].body


def test_pasted_and_attached_copies_of_one_call_give_the_same_turns() -> None:
    call = (
        "Lucía Fernández  00:02\nWe build the margin report by hand.\n\nSam Okafor  00:15\nHow long does it take?\n\n"
    )
    call += "Lucía Fernández  00:19\nMost of Monday. I want it at eight.\n\nSam Okafor  00:31\nWe can schedule that.\n"
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = (
        "Sam Okafor <sam.okafor@northwind.example>",
        "handoff@northwind.example",
        "x",
    )
    msg.set_content(f"Pasted below and attached.\n\n{call}\nSam\n")
    msg.add_attachment(call.encode(), maintype="text", subtype="plain", filename="call.txt")
    pasted, attached = transcripts(parse_message(bytes(msg)))
    assert attached.filename == "call.txt" and pasted.filename is None
    assert pasted.turns == attached.turns and pasted.body == attached.body
    assert len(pasted.turns) == 4


async def test_the_customers_turns_of_a_pasted_call_are_theirs_and_quoted_as_theirs_and_ours_are_ours() -> None:
    mail = parsed("en_zoom_after_note")
    ctx = ExtractionContext(
        account=AccountInfo(name="Bluefin Freight", domain="bluefin.example"),
        rep=Party(name="Sam Okafor", email="sam.okafor@northwind.example"),
        company_domains={"northwind.example"},
    )
    units = read_units(mail.messages, ctx, HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep))
    said = {u.text: u for u in units}
    ines = said[
        "We check every carrier invoice by hand against the rate cards, and it takes my team four days each month."
    ]
    assert (ines.author, ines.speaker) == ("customer", "Ines Moreau")
    assert [(q.speaker, q.source_id) for q in quotes_of(ines)] == [("Ines Moreau", transcripts(mail)[0].id)]
    sam = said["What would good look like for you?"]
    assert (sam.author, quotes_of(sam)) == ("ours", [])
    tariq = said["From the IT side we won't go live without single sign-on through Okta."]
    assert (tariq.author, tariq.speaker) == ("customer", "Tariq Bell")
    note = [u for u in units if u.source_id == mail.outer.id]
    assert note and all("Okta" not in u.text and u.author == "ours" for u in note)


@pytest.mark.parametrize(
    "text",
    [
        "Ines Moreau: We need it by May.\nSam Okafor: Can do.\nInes Moreau: Our CFO signs.\nSam Okafor: Do you agree?",
        "[00:04:12] Ines Moreau: We need it.\n[00:04:20] Sam Okafor: Sure?\n[00:04:31] Ines Moreau: Yes, we do.\n"
        "[00:04:40] Sam Okafor: Noted.",
        "Ines Moreau (00:04:12): We need it.\nSam Okafor (00:04:20): Sure?\nInes Moreau (00:04:31): Yes, we do.\n"
        "Sam Okafor (00:04:40): Noted.",
        "00:04:12 Ines Moreau: We need it.\n00:04:20 Sam Okafor: Sure?\n00:04:31 Ines Moreau: Yes, we do.\n"
        "00:04:40 Sam Okafor: Noted.",
        "Ines Moreau  04:12\nWe need it.\nSam Okafor  04:20\nSure?\nInes Moreau  04:31\nYes, we do.\nSam Okafor  04:40\nNoted.",
        "Moreau, Ines   4:12 PM\nWe need it.\nOkafor, Sam   4:13 PM\nSure?\nMoreau, Ines   4:14 PM\nYes, we do.\n"
        "Okafor, Sam   4:15 PM\nNoted.",
        "Ines Moreau\n00:04:12\nWe need it.\n\nSam Okafor\n00:04:20\nSure?\n\nInes Moreau\n\n00:04:31\n\nYes, we do.\n\n"
        "Sam Okafor\n00:04:40\nNoted.",
        "Transkript\nJörg Brückner: Wir brauchen das bis Mai.\nSam Okafor: Geht das?\nJörg Brückner: Ja, ich denke schon.\n"
        "Sam Okafor: Gut.",
        "王伟：我们每个月要手工核对发票。\nSam Okafor: How many people?\n王伟：三个人，我希望减少到一个。\nSam Okafor: We can do that.",
    ],
    ids=["plain", "bracketed", "gong", "time-first", "otter", "teams", "name-over-time", "german", "chinese"],
)
def test_each_shape_of_a_pasted_call_is_read_into_alternating_turns(text: str) -> None:
    found = split_pasted_transcript(f"Call from today:\n\n{text}\n\nThanks,\nSam")
    assert found is not None
    prose, turns = found
    assert prose == "Call from today:\n\nThanks,\nSam"
    assert len(turns) == 4 and turns[0].speaker != turns[1].speaker == turns[3].speaker


@pytest.mark.parametrize(
    "text",
    [
        "From: Ines Moreau <ines@bluefin.example>\nTo: Sam <sam@northwind.example>\nFrom: Sam <sam@northwind.example>\n"
        "To: Ines <ines@bluefin.example>\nVon: Ines\nAn: Sam\nDe: Ines\nPara: Sam",
        "Q: What is your budget?\nA: We have 40k.\nQ: Who signs?\nA: Our CFO.",
        "Monday  9:00\nWe review the pipeline.\nTuesday  9:00\nWe plan the week.\nMonday  14:00\nOur demo.\n"
        "Tuesday  14:00\nWe close.",
        "Ines Moreau: We need it by May.\nSam Okafor: Can do.\nInes Moreau: Our CFO signs.",
        "Budget: we have $40k\nTimeline: we go live in Q3\nBudget: our CFO may add 10k\nTimeline: you said May?",
        "Tel: +1 555 0100\nMobile: +1 555 0199\nTel: +1 555 0101\nMobile: +1 555 0198",
    ],
    ids=["forward-headers", "q-and-a-notes", "schedule", "one-speaker-recurs", "labels", "signatures"],
)
def test_lines_that_only_look_like_speakers_stay_prose(text: str) -> None:
    assert split_pasted_transcript(text) is None
    assert transcripts(parse_body(f"Hi,\n\n{text}\n\nSam")) == []


def test_me_in_a_reps_write_up_of_a_call_is_the_rep() -> None:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = (
        "Sam Okafor <sam.okafor@northwind.example>",
        "handoff@northwind.example",
        "x",
    )
    msg.set_content(
        "From memory, the pricing call:\n\nMe: Can you live with annual billing?\nInes Moreau: We need quarterly.\n"
        "Me: Quarterly costs 4% more, is that fine?\nInes Moreau: Yes, our CFO agreed.\n\nSam\n"
    )
    (call,) = transcripts(parse_message(bytes(msg)))
    assert [t.speaker for t in call.turns] == ["Sam Okafor", "Ines Moreau", "Sam Okafor", "Ines Moreau"]


def test_a_chat_export_pasted_with_its_messages_run_together_is_one_turn_per_message() -> None:
    body = (
        "Te paso el chat con Marta de ayer:\n\n"
        "[14/04/26, 09:02] Marta Solís: Buenos días, ¿pudiste ver lo de los turnos? "
        "[14/04/26, 09:05] Iván Gil: Sí, te mando el resumen hoy. "
        "[14/04/26, 09:07] Marta Solís: Genial, lo que más me urge es el tablero de mermas. "
        "[14/04/26, 09:10] Iván Gil: Lo tienes antes del viernes.\n"
        "[14/04/26, 09:11] Iván Gil: Y el de turnos la semana que viene.\n\n"
        "Iván"
    )
    found = split_pasted_transcript(body, "Iván Gil")
    assert found is not None
    rest, turns = found
    assert [t.speaker for t in turns] == ["Marta Solís", "Iván Gil", "Marta Solís", "Iván Gil", "Iván Gil"]
    assert turns[2].text == "Genial, lo que más me urge es el tablero de mermas."
    assert turns[4].text == "Y el de turnos la semana que viene."  # a message of its own, never glued to the last
    assert "Te paso el chat" in rest and "[14/04/26" not in rest
