"""Attachments: transcripts as turns, CRM exports, notes, invites, PDF and Word text, the rest listed."""

from __future__ import annotations

import io
from email.message import EmailMessage
from pathlib import Path

from mailflows.inbound.attachments import read_attachment
from mailflows.inbound.parse import parse_message
from mailflows.inbound.transcripts import parse_transcript

FIXTURES = Path(__file__).parent / "fixtures" / "mail"


def by_filename(name: str):
    parsed = parse_message((FIXTURES / "attachments_mixed.eml").read_bytes())
    return parsed, {m.filename: m for m in parsed.messages if m.filename}


def test_vtt_srt_and_speaker_txt_transcripts_become_turns():
    _, found = by_filename("attachments_mixed.eml")
    vtt, srt, txt = found["call.vtt"], found["call.srt"], found["demo_transcript.txt"]
    assert vtt.kind == srt.kind == txt.kind == "transcript"
    assert [(t.speaker, t.at) for t in vtt.turns] == [("Sam Okafor", "00:00:01"), ("Ines Moreau", "00:00:05")]
    assert vtt.turns[1].text == "Happy to. Our pain is freight invoices. We reconcile them by hand."
    assert [t.speaker for t in srt.turns] == ["Tariq Bell", "Sam Okafor"]
    assert [(t.speaker, t.at) for t in txt.turns][0] == ("Omar Haddad", "00:00:04")
    assert txt.body.splitlines()[0] == "Omar Haddad: We need payback inside a year."


def test_csv_md_and_ics_attachments_are_read_by_kind():
    _, found = by_filename("attachments_mixed.eml")
    crm, note, invite = found["crm_export.csv"], found["notes.md"], found["invite.ics"]
    assert crm.kind == "crm"
    assert crm.body.splitlines()[0] == "Date: 2026-03-02; Type: Call; Contact: Ines Moreau; Notes: Discovery, went well"
    assert note.kind == "note" and "Ines wants a Monday report" in note.body
    assert invite.kind == "calendar"
    assert invite.date is not None and invite.date.isoformat() == "2026-04-07T14:00:00+00:00"
    assert [a.email for a in invite.attendees] == ["sam.okafor@northwind.example", "tariq.bell@bluefin.example"]
    assert invite.sender is not None and invite.sender.name == "Ines Moreau"


def test_other_attachments_are_listed_as_not_read_with_a_reason():
    parsed, found = by_filename("attachments_mixed.eml")
    logo = next(a for a in parsed.attachments if a.filename == "logo.png")
    assert (logo.read, logo.content_type) == (False, "image/png")
    assert "not read" in logo.reason and logo.size == 72
    assert "logo.png" not in found


def test_long_transcript_is_never_truncated():
    lines = "\n".join(f"Speaker {'AB'[i % 2]}: line {i}" for i in range(5000))
    turns = parse_transcript(lines)
    assert len(turns) == 5000 and turns[-1].text == "line 4999"


def test_a_time_alone_on_its_line_stamps_the_next_turn_and_is_never_words() -> None:
    # a Meet export: each turn under its time; the same speaker twice in a row is one turn without the time inside
    text = (
        "Participants : Awa Ndiaye, Karim Benali\n\n00:01:05\nKarim Benali: Comment mesurerez-vous le succès ?\n\n"
        "00:01:20\nAwa Ndiaye: Dans trois mois, moins de 8 %.\n\n00:01:48\nAwa Ndiaye: À six mois, la réconciliation.\n"
    )
    turns = parse_transcript(text)
    assert [(t.speaker, t.at) for t in turns] == [("Karim Benali", "00:01:05"), ("Awa Ndiaye", "00:01:20")]
    assert turns[1].text == "Dans trois mois, moins de 8 %. À six mois, la réconciliation."


def test_a_stage_direction_is_no_ones_words() -> None:
    vtt = (
        "WEBVTT\n\n00:03:13.100 --> 00:03:19.800\n<v Romain Pichon>Je vous montre une vue conseiller.\n\n"
        "00:03:20.000 --> 00:03:20.500\n[démonstration, environ 15 minutes, non transcrite]\n\n"
        "00:18:41.300 --> 00:18:55.600\n<v Lucas Perrin>Ça, c'est exactement ce qu'il nous faut.\n"
    )
    assert [(t.speaker, t.text) for t in parse_transcript(vtt)] == [
        ("Romain Pichon", "Je vous montre une vue conseiller."),
        ("Lucas Perrin", "Ça, c'est exactement ce qu'il nous faut."),
    ]
    lines = "Ana Ruiz: We start in May.\n(inaudible)\nTom Hale: Good.\n[crosstalk]\nTom Hale: Then June."
    assert [t.text for t in parse_transcript(lines)] == ["We start in May.", "Good. Then June."]


def _pdf_with_text(text: str) -> bytes:
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % off for off in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def test_pdf_and_docx_text_is_read_as_notes():
    import docx

    document = docx.Document()
    document.add_paragraph("Success means the Monday report builds itself.")
    buffer = io.BytesIO()
    document.save(buffer)
    msg = EmailMessage()
    msg["From"] = "sam@northwind.example"
    msg.set_content("Docs attached.")
    msg.add_attachment(
        _pdf_with_text("Pilot at three sites"), maintype="application", subtype="pdf", filename="plan.pdf"
    )
    msg.add_attachment(
        buffer.getvalue(),
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
        filename="criteria.docx",
    )
    parsed = parse_message(bytes(msg))
    found = {m.filename: m for m in parsed.messages if m.filename}
    assert found["plan.pdf"].kind == "note" and "Pilot at three sites" in found["plan.pdf"].body
    assert found["criteria.docx"].body == "Success means the Monday report builds itself."


def test_a_broken_pdf_is_listed_as_unreadable_not_raised():
    result = read_attachment("id#1", "broken.pdf", "application/pdf", b"%PDF-1.4 garbage", None, 1000)
    assert result.message is None
    assert result.info.read is False and "could not be read" in result.info.reason


def test_a_teams_copy_attached_as_text_names_its_speakers_first_name_first() -> None:
    teams = "Moreau, Ines   4:12 PM\nWe reconcile by hand.\nOkafor, Sam   4:13 PM\nHow often?\nMoreau, Ines   4:14 PM\nDaily.\n"
    read = read_attachment("m#1", "teams.txt", "text/plain", teams.encode(), "utf-8", 10_000)
    assert read.message is not None and read.message.kind == "transcript"
    turns = read.message.turns
    assert [(t.speaker, t.at, t.text) for t in turns][:2] == [
        ("Ines Moreau", "4:12 PM", "We reconcile by hand."),
        ("Sam Okafor", "4:13 PM", "How often?"),
    ]
