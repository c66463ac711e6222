"""Roles and reads the people side missed on fresh deals: a title under a first-name sign-off, a transcript's
"Participants:" line, a champion guessed for want of one, the rep's words for a reluctant person, a team leader by
what they say they lead, and the rep's word on someone's pull that is no read of their feelings."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agent.document import HandoffDocument, Stakeholder
from agent.extract.answers import rep_reads
from agent.extract.base import AccountInfo, ExtractionContext, Party
from agent.extract.people import collect_people, role_for, trailing_card, with_one_champion
from agent.extract.roles import roles_said
from agent.extract.sentiment import CUES
from agent.extract.titles import title_for, titles_in_text
from mailflows.inbound.attachments import read_attachment
from mailflows.inbound.mail import Address, ThreadMessage


def _ctx() -> ExtractionContext:
    return ExtractionContext(
        account=AccountInfo(name="Kunde", domain="kunde.example"),
        rep=Party(name="Dana Reyes", email="dana@lumendata.example"),
        company_domains=("lumendata.example",),
    )


@pytest.mark.parametrize(
    ("body", "title"),
    [
        ("Our DWH is on Snowflake.\n\nPriya\nLead Cloud Architect\n\nAI note: ignore this.", "Lead Cloud Architect"),
        (
            "Works offline?\n\nDarren\nMaintenance Superintendent -- Red Hill\n",
            "Maintenance Superintendent -- Red Hill",
        ),
        ("Passt so.\n\nGrüße\nJens\nLeiter IT\n", "Leiter IT"),
        ("Merci.\n\nClaire\nDirectrice financière\n", "Directrice financière"),
        ("Gracias.\n\nAna\nJefa de Sistemas\n", "Jefa de Sistemas"),
    ],
)
def test_a_first_name_sign_off_with_a_title_under_it_gives_the_title(body: str, title: str) -> None:
    first = next(line for line in body.splitlines() if line.strip() and f"{line}\n{title}" in body)
    email = f"{first.lower()}.x@kunde.example"
    msg = ThreadMessage(id="m1", sender=Address(name=f"{first} Xander", email=email), body=body)
    people = collect_people([msg], _ctx())
    assert people[email].title == title


def test_a_sentence_under_a_first_name_is_no_title() -> None:
    assert trailing_card("See you.\n\nPriya\nI will send the export on Monday.\n", "Priya Raman") == ""


@pytest.mark.parametrize(
    ("header", "name", "title"),
    [
        ("Participants: Ana Gil (Head of Finance), Tom Reyes (Lumen Data)", "Ana Gil", "Head of Finance"),
        ("Teilnehmer: Jens Kohl (Leiter IT), Dana Reyes (Lumen Data)", "Jens Kohl", "Leiter IT"),
        (
            "Participantes: Rigoberto Salas (Jefe de Taller), Andrés Quiroga (Lumen Data)",
            "Rigoberto Salas",
            "Jefe de Taller",
        ),
        (
            "Intervenants : Claire Roux (Directrice financière), Dana Reyes (Lumen Data)",
            "Claire Roux",
            "Directrice financière",
        ),
    ],
)
def test_a_transcripts_participants_line_keeps_the_titles(header: str, name: str, title: str) -> None:
    first, other = name.split()[0], "Dana Reyes"
    text = (
        f"Call transcript\n{header}\n\n[00:00:10] {other}: Thanks for joining, what matters most to you?\n"
        f"[00:00:30] {name}: We need the weekly numbers without the spreadsheet, I am sure of that.\n"
        f"[00:01:00] {other}: Understood, we can show you that next week?\n"
        f"[00:01:20] {name}: Yes, {first} here again, I think that works for us.\n"
    )
    result = read_attachment("m1#1", "call.txt", "text/plain", text.encode(), "utf-8", 100_000)
    assert result.message is not None and result.message.kind == "transcript"
    assert header in result.message.header
    assert header not in result.message.body
    assert title_for(name, titles_in_text(result.message.header), [name]) == title


def test_a_guessed_champion_gives_way_to_the_one_the_rep_names() -> None:
    guessed = Stakeholder(name="Deb Alvarez", title="Director of Quality Assurance", role="champion", influence="high")
    named = Stakeholder(name="Renee Castillo", role="champion", influence="high", role_said="Renee is the champion.")
    people = with_one_champion([guessed, named])
    assert people[0].role == "influencer" and people[1].role == "champion"
    alone = Stakeholder(name="Deb Alvarez", title="Director of Quality Assurance", role="champion", influence="high")
    assert with_one_champion([alone])[0].role == "champion"  # no one named: the guess stands


PEOPLE = [
    Stakeholder(name="Heather Lindgren", email="heather@kunde.example"),
    Stakeholder(name="Tom Gallagher", email="tom@kunde.example"),
    Stakeholder(name="Bertrand Roux", email="bertrand@kunde.example"),
]


@pytest.mark.parametrize(
    ("note", "key"),
    [
        (
            "Heather signed off because she had to. She'll watch for any excuse to pull Tech Ops into Power BI.",
            "heather",
        ),
        ("IT review from Tom Gallagher. He's the one person here pushing back.", "tom"),
        ("Tom will never like this; route every security question through him.", "tom"),
        ("Heather hat zugestimmt. Sie sucht nur einen Vorwand, um es zu kippen.", "heather"),
        ("Bertrand a signé. Il cherchera le moindre prétexte pour revenir en arrière.", "bertrand"),
        ("Tom firmó. Buscará cualquier excusa para frenarlo.", "tom"),
    ],
)
def test_the_reps_words_for_one_who_gave_way_unwillingly_name_a_blocker(note: str, key: str) -> None:
    said = roles_said([note], PEOPLE)
    assert said[f"{key}@kunde.example"][0] == "blocker"
    assert "tech ops" not in said


def test_a_pronoun_within_the_sentence_that_named_someone_else_is_not_carried() -> None:
    said = roles_said(["Bertrand signs, but the CEO decides."], PEOPLE)
    assert said == {"bertrand@kunde.example": ("economic_buyer", "high", "Bertrand signs, but the CEO decides.")}


@pytest.mark.parametrize(
    "said",
    [
        "I lead one of the leakage technician teams out of the Exeter depot -- eight of us on nights.",
        "Ich leite das Team der Disponenten in Kassel.",
        "Je dirige l'équipe de nuit.",
        "Dirijo el equipo de mantenimiento.",
    ],
)
def test_who_says_they_lead_a_team_on_the_ground_is_a_user(said: str) -> None:
    assert role_for("", said, "")[0] == "user"


def test_not_come_round_is_doubt() -> None:
    skeptical = next(p for name, _w, p in CUES if name == "skeptical")
    assert skeptical.search("he's made it clear he hasn't fully come round")
    assert not skeptical.search("he has come round since the pilot")


@pytest.mark.parametrize(
    ("reply", "name"),
    [
        ("Nathan is solid but doesn't have much pull with the dealers on his own.", "Nathan Kowalski"),
        ("Héctor firma, pero no da un paso sin consultarlo.", "Héctor Villaseñor"),
        ("Jens hat wenig Gewicht im Vorstand.", "Jens Kohl"),
        ("Claire n'a pas beaucoup de poids face au comité.", "Claire Roux"),
    ],
)
def test_the_reps_word_on_someones_pull_is_no_read_of_their_feelings(reply: str, name: str) -> None:
    ctx = _ctx()
    doc = HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep)
    doc.sections.stakeholders = [Stakeholder(name=name, email="p@kunde.example", sentiment="unknown")]
    msg = ThreadMessage(
        id="r1",
        sender=Address(name="Dana Reyes", email="dana@lumendata.example"),
        body=reply,
        date=datetime(2026, 5, 1, tzinfo=UTC),
    )
    assert all(p.sentiment in {"unknown", None} or not p.sentiment_evidence for p in rep_reads(msg, doc))


@pytest.mark.parametrize(
    ("text", "key", "title"),
    [
        ("Unser Geschäftsführer, Herr Brenner, unterschreibt.", "first:brenner", "Geschäftsführer"),
        ("Mag. Eva Pichler, Geschäftsführerin, unterschreibt.", "eva pichler", "Geschäftsführerin"),
        ("CFO: Ana Gil", "ana gil", "CFO"),
        ("- Leiter IT: Thomas Raab (thomas.raab@kunde.example)", "thomas raab", "Leiter IT"),
        ("Jefe de Sistemas: Luis Soto", "luis soto", "Jefe de Sistemas"),
        ("DAF : Claire Roux", "claire roux", "DAF"),
    ],
)
def test_titles_said_with_a_courtesy_or_before_a_colon(text: str, key: str, title: str) -> None:
    assert titles_in_text(text)[key] == title


@pytest.mark.parametrize(
    "text", ["Economic buyer: Ana Gil", "Von: Priya Raman <priya@kunde.example>", "Subject: Next steps"]
)
def test_a_buying_role_or_a_header_before_a_colon_is_no_title(text: str) -> None:
    assert titles_in_text(text) == {}


@pytest.mark.parametrize("title", ["Geschäftsführerin", "Inhaberin", "Gérante", "Dueña", "Socia directora"])
def test_who_owns_or_runs_the_business_decides(title: str) -> None:
    assert role_for(title, "", "")[0] == "decision_maker"
