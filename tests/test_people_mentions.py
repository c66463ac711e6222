"""People the customer's mail only names: an address built from the customer's own pattern, the colleague an
out-of-office hands over to, titles said in passing ("as head of …", "Name | Title | Company", German compounds),
roles given to several people at once, and role phrases that are no person."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage

import pytest

from agent.document import AccountInfo, HandoffDocument, Party, Stakeholder
from agent.extract.answers import rep_reads
from agent.extract.base import ExtractionContext
from agent.extract.mentions import with_guessed_addresses
from agent.extract.offline import OfflineExtractor
from agent.extract.people import referred_people, role_for
from agent.extract.roles import roles_said, roles_shown
from agent.extract.titles import named_titles, self_titled
from agent.merge import merge_extraction, merge_stakeholders
from mailflows.inbound.mail import Address, ThreadMessage, Turn
from mailflows.inbound.parse import parse_message
from mailflows.inbound.signatures import parse_signature
from mailflows.inbound.transcripts import parse_transcript

OURS = "brightsail.example"
THEM = "quarzwerk.example"


@pytest.fixture
def ctx() -> ExtractionContext:
    return ExtractionContext(
        account=AccountInfo(name="Quarzwerk", domain=THEM),
        rep=Party(name="Omar Haddad", email=f"omar.haddad@{OURS}"),
        company_domains={OURS},
    )


def _mail(n: int, sender: Address, body: str, auto: bool = False) -> ThreadMessage:
    return ThreadMessage(
        id=f"m{n}", sender=sender, to=[Address(name="Omar Haddad", email=f"omar.haddad@{OURS}")],
        date=datetime(2026, 5, n, 9, tzinfo=UTC), subject="Sensoren", body=body, auto_generated=auto,
    )  # fmt: skip


async def _read(ctx: ExtractionContext, sources: list[ThreadMessage], doc: HandoffDocument | None = None):
    doc = doc or HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep)
    return merge_extraction(doc, await OfflineExtractor().extract(sources, ctx, doc))


def _by_name(doc: HandoffDocument) -> dict[str, Stakeholder]:
    return {s.name: s for s in doc.sections.stakeholders}


async def test_a_person_only_named_gets_the_address_the_customers_pattern_builds_until_their_own_mail(
    ctx: ExtractionContext,
) -> None:
    wiebke = Address(name="Wiebke Sander", email=f"wiebke.sander@{THEM}")
    piet = Address(name="Piet Albers", email=f"piet.albers@{THEM}")
    doc = await _read(ctx, [
        _mail(1, wiebke, "We grind quartz for solar glass at two sites."),
        _mail(2, piet, "Happy to help with the sensor rollout.\n\nOur plant chemist, Rosalind Okafor, will check the lab feed."),
    ])  # fmt: skip
    rosalind = _by_name(doc)["Rosalind Okafor"]
    assert (rosalind.email, rosalind.email_guessed) == (f"rosalind.okafor@{THEM}", True)
    # her own mail writes another address: it replaces the guess, and she stays one person
    real = Address(name="Rosalind Okafor", email=f"r.okafor@{THEM}")
    doc = await _read(ctx, [_mail(3, real, "Lab feed looks fine from my side.")], doc)
    rosalinds = [s for s in doc.sections.stakeholders if s.name == "Rosalind Okafor"]
    assert [(s.email, s.email_guessed) for s in rosalinds] == [(f"r.okafor@{THEM}", False)]


def test_no_address_is_built_when_the_customers_addresses_disagree_or_are_too_few() -> None:
    mixed = [
        Stakeholder(name="Wiebke Sander", email=f"wiebke.sander@{THEM}"),
        Stakeholder(name="Piet Albers", email=f"palbers@{THEM}"),
        Stakeholder(name="Rosalind Okafor"),
    ]
    assert with_guessed_addresses(mixed)[2].email is None
    one = [Stakeholder(name="Wiebke Sander", email=f"wiebke.sander@{THEM}"), Stakeholder(name="Rosalind Okafor")]
    assert with_guessed_addresses(one)[1].email is None
    two = [
        Stakeholder(name="Wiebke Sander", email=f"wiebke.sander@{THEM}"),
        Stakeholder(name="Piet Albers", email=f"piet.albers@{THEM}"),
        Stakeholder(name="Rosalind Okafor"),  # named, no title, no role: perhaps one of ours on the call
        Stakeholder(
            name="Ivo Brandt", role="user", role_shown="uses the weekly report"
        ),  # "user" shown, not the default
    ]
    assert [s.email for s in with_guessed_addresses(two)[2:]] == [None, f"ivo.brandt@{THEM}"]


def test_a_guessed_address_gives_way_to_a_written_one_in_either_order() -> None:
    guessed = Stakeholder(name="Ivo Brandt", email=f"ivo.brandt@{THEM}", email_guessed=True, title="Werkleiter")
    written = Stakeholder(name="Ivo Brandt", email=f"ibrandt@{THEM}")
    for first, second in ((guessed, written), (written, guessed)):
        merged = merge_stakeholders([first], [second])
        assert [(s.email, s.email_guessed) for s in merged] == [(f"ibrandt@{THEM}", False)]


async def test_the_colleague_an_out_of_office_hands_over_to_is_a_stakeholder_with_title(ctx: ExtractionContext) -> None:
    wiebke = Address(name="Wiebke Sander", email=f"wiebke.sander@{THEM}")
    away = (
        "I am travelling until 14 May. Our auditor Petra Lind reviewed the last order.\n\n"
        f"For anything urgent please contact my deputy Bastian Roth, Head of Process Control (bastian.roth@{THEM})."
    )
    bare = f"Back on Monday. Urgent orders: please contact Gero Funk (gero.funk@{THEM})."
    sources = [_mail(1, wiebke, "Quartz, two sites."), _mail(2, wiebke, away, auto=True), _mail(3, wiebke, bare, True)]
    doc = await _read(ctx, sources)
    people = _by_name(doc)
    assert "Gero Funk" not in people  # a mailbox to try, named with no part to play
    assert people["Bastian Roth"].email == f"bastian.roth@{THEM}"
    assert people["Bastian Roth"].title == "Head of Process Control"
    assert "Petra Lind" not in people  # named in the auto-reply, but not as the one to turn to


@pytest.mark.parametrize(
    ("text", "who"),
    [
        (
            "Bei dringenden Fragen wenden Sie sich bitte an meine Vertretung Jana Ost (Leiterin Disposition).",
            "Jana Ost",
        ),
        (
            "En mon absence, vous pouvez joindre Marc Aubry, responsable maintenance (marc.aubry@x.example).",
            "Marc Aubry",
        ),
        ("Para temas urgentes, contacte con Inés Robles, jefa de compras.", "Inés Robles"),
    ],
)
def test_the_handover_in_an_out_of_office_is_read_in_four_languages(text: str, who: str) -> None:
    assert [name for name, title, _ in referred_people(text) if title] == [who]


def test_an_out_of_office_without_a_handover_names_nobody() -> None:
    assert referred_people("I am out until Monday. Kai Moll (Plant Manager) knows about the order.") == []


@pytest.mark.parametrize(
    ("said", "title"),
    [
        ("As head of process safety I need your pen test report.", "Head of Process Safety"),
        ("Als Leiter der Instandhaltung brauche ich die Daten stündlich.", "Leiter der Instandhaltung"),
        ("En tant que responsable qualité, je dois valider le format.", "Responsable Qualité"),
        ("Como jefa de planta, quiero ver los turnos.", "Jefa de Planta"),
        ("As soon as the pilot ends, I will send numbers.", ""),
        ("As discussed, I attach the list.", ""),
    ],
)
def test_a_title_said_in_passing_with_as_is_the_writers(said: str, title: str) -> None:
    assert self_titled(said) == title


def test_a_pipe_separated_line_and_a_german_compound_title_name_a_person() -> None:
    assert named_titles("Tilde Varga | Shift Supervisor | Quarzwerk") == [("Tilde Varga", "Shift Supervisor")]
    assert named_titles("Unser Technikvorstand, Dr. Ruben Falk, prüft das.") == [("Ruben Falk", "Technikvorstand")]
    assert named_titles("Mining | Glass | Solar") == []


@pytest.mark.parametrize(
    ("title", "role"),
    [("Data Analyst", "user"), ("Analista de datos", "user"), ("Systems Analyst", "technical_evaluator")],
)
def test_an_analyst_uses_the_dashboards_unless_the_systems_are_the_subject(title: str, role: str) -> None:
    assert role_for(title, "", "")[0] == role


def test_one_statement_gives_a_users_role_to_everyone_it_lists_but_never_shares_a_champion() -> None:
    people = [Stakeholder(name=n) for n in ("Jana Ost", "Kai Moll", "Tilde Varga")]
    said = roles_said(["Jana, Kai und Tilde arbeiten täglich damit."], people)
    assert {k: v[0] for k, v in said.items()} == {"jana ost": "user", "kai moll": "user", "tilde varga": "user"}
    assert roles_said(["Jana and Kai are our champion."], people) == {}


def test_a_capitalised_role_phrase_is_no_person_and_a_spanish_review_shows_an_evaluator() -> None:
    assert roles_shown([("", "Technische Prüfung läuft noch.")], []) == {}
    shown = roles_shown([("", "Inés Robles revisa la integración con el ERP.")], [])
    assert shown["inés robles"][0] == "technical_evaluator"


@pytest.mark.parametrize(
    ("said", "role"),
    [
        ("Nadia vetted the SSO setup and the API limits.", "technical_evaluator"),
        ("Nadia handles the integration with their MES.", "technical_evaluator"),
        ("Nadia is not a fan and could stall the rollout.", "blocker"),
        ("Nadia is the biggest obstacle left.", "blocker"),
        ("Nadia könnte das Projekt ausbremsen.", "blocker"),
        ("Nadia a porté le projet auprès de la direction.", "champion"),
        ("Nadia sold it to her board.", "champion"),
        ("Nadia approved the spend in March.", "economic_buyer"),
        ("Nadia firmó el contrato ayer.", "economic_buyer"),
        ("Nadia will be using it every day with her dispatchers.", "user"),
        ("Nadia ist unsere Championin und treibt das Projekt intern.", "champion"),
        ("Nadia hat den Kauf intern vorangetrieben.", "champion"),
        ("Nadia wird die Auswertung täglich nutzen.", "user"),
        ("Nadia ist die technische Ansprechpartnerin.", "technical_evaluator"),
        ("Nadia a vérifié la sécurité du connecteur.", "technical_evaluator"),
        ("Nadia validó la integración con el ERP.", "technical_evaluator"),
        ("Nadia treibt die Kosten nach oben.", None),
        ("Nadia will be the champion once Bo leaves.", None),  # a role to come
    ],
)
def test_the_reps_word_on_a_role_is_read_in_its_many_phrasings(said: str, role: str | None) -> None:
    got = roles_said([said], [Stakeholder(name="Nadia Kovac"), Stakeholder(name="Bo Lind")])
    assert got.get("nadia kovac", (None,))[0] == role


def test_drawing_a_hard_line_shows_resistance_over_a_chief_title() -> None:
    shown = roles_shown([("", "Dr. Ilse Moreau drew a hard line on per-doctor rankings.")], [])
    assert shown["ilse moreau"][0] == "blocker"
    assert role_for("Chief Medical Officer", "", "", shown["ilse moreau"][0])[0] == "blocker"


@pytest.mark.parametrize(
    ("card", "title", "company"),
    [
        ("Rubén Soto\nGerente de Planta – Cerámicas Ebro S.A.", "Gerente de Planta", "Cerámicas Ebro S.A."),
        ("Rubén Soto\nHead of Maintenance at Quarzwerk", "Head of Maintenance", "Quarzwerk"),
        ("Rubén Soto\nResponsable Architecture - DSI", "Responsable Architecture - DSI", ""),
    ],
)
def test_a_company_after_the_title_on_a_card_is_parted_from_it(card: str, title: str, company: str) -> None:
    info = parse_signature(card, Address(name="Rubén Soto", email=f"ruben.soto@{THEM}"))
    assert (info.title, info.company) == (title, company)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("We met their head of maintenance (Ivo Brandt) on site.", [("Ivo Brandt", "Head of Maintenance")]),
        ("Ivo Brandt is their new Plant Manager.", [("Ivo Brandt", "Plant Manager")]),
        ("Su jefa de mantenimiento es Lola Vidal.", [("Lola Vidal", "Jefa de Mantenimiento")]),
        ("La responsable des achats, Lise Caron, valide.", [("Lise Caron", "Responsable des Achats")]),
        ("La semaine prochaine, Lise Caron valide.", []),
        ("the pilot (Ivo Brandt and Lise Caron) went well", []),
    ],
)
def test_a_title_before_a_name_in_parentheses_after_an_article_or_a_verb(text: str, found: list) -> None:
    assert named_titles(text) == found


def test_a_transcript_shouting_its_speaker_labels_names_people_as_they_are_written() -> None:
    turns = parse_transcript(
        "OMAR HADDAD: Welcome.\nLOLA VIDAL (Jefa de Planta): Gracias.\nOMAR HADDAD: Let us start.\n"
        "LOLA VIDAL (Jefa de Planta): Mi equipo lo usará a diario.\n"
    )
    assert [t.speaker for t in turns][:2] == ["Omar Haddad", "Lola Vidal (Jefa de Planta)"]


def test_one_line_of_attendees_with_titles_and_a_french_finance_acronym() -> None:
    found = named_titles("Teilnehmer: Lola Vidal – Leiterin Disposition; Ivo Brandt – Technikvorstand")
    assert found == [("Lola Vidal", "Leiterin Disposition"), ("Ivo Brandt", "Technikvorstand")]
    assert role_for("DAF", "", "")[0] == "economic_buyer"


async def test_a_person_written_with_an_address_in_angle_brackets_in_a_note_is_a_stakeholder(
    ctx: ExtractionContext,
) -> None:
    rep = Address(name="Omar Haddad", email=f"omar.haddad@{OURS}")
    note = f"Contacts for Quarzwerk: Lola Vidal <lola.vidal@{THEM}> runs the lab; my colleague Ari Stone <ari.stone@{OURS}>."
    people = _by_name(await _read(ctx, [_mail(1, rep, note)]))
    assert people["Lola Vidal"].email == f"lola.vidal@{THEM}"
    assert "Ari Stone" not in people


@pytest.mark.parametrize(
    ("said", "role"),
    [
        ("The budget sits with me, so the paperwork comes to me.", "economic_buyer"),
        ("I approve all tooling spend above 20k.", "economic_buyer"),
        ("Ich habe das Budget und unterschreibe am Freitag.", "economic_buyer"),
        ("Je signerai le bon de commande lundi.", "economic_buyer"),
        ("Yo apruebo el presupuesto del área.", "economic_buyer"),
        ("I don't see the point of a second dashboard tool. I'm not convinced at all.", "blocker"),
        ("I don't see why not. Not convinced we need the add-on, though.", None),
    ],
)
def test_what_someone_says_of_their_own_budget_or_doubts_shows_their_role(said: str, role: str | None) -> None:
    shown = roles_shown([(f"lola.vidal@{THEM}", said)], [Stakeholder(name="Lola Vidal", email=f"lola.vidal@{THEM}")])
    assert shown.get(f"lola.vidal@{THEM}", (None,))[0] == role


async def test_a_colleague_the_rep_brings_to_a_call_is_never_a_stakeholder_even_when_he_sounds_pleased(
    ctx: ExtractionContext,
) -> None:
    rep = Address(name="Omar Haddad", email=f"omar.haddad@{OURS}")
    call = ThreadMessage(
        id="m1", sender=rep, to=[Address(name="handoff", email=f"handoff@{OURS}")], date=datetime(2026, 5, 2, tzinfo=UTC),
        subject="call", body="Call notes below.",
        turns=[
            Turn(speaker="Omar Haddad", text="Thanks all. Ansel is with me today."),
            Turn(speaker="Ansel Roy", text="Great to meet you, I love how clean your sensor data is, this is exciting."),
            Turn(speaker="Lola Vidal", text="We are really happy with the pilot so far, it is excellent."),
        ],
    )  # fmt: skip
    people = _by_name(await _read(ctx, [call]))
    assert "Ansel Roy" not in people
    assert "Lola Vidal" in people


async def test_a_shared_mailbox_or_a_list_on_the_thread_is_no_stakeholder(ctx: ExtractionContext) -> None:
    lola = Address(name="Lola Vidal", email=f"lola.vidal@{THEM}")
    msg = _mail(1, lola, "Copying the plant leads so they see the plan.")
    msg.cc = [
        Address(name="Plant Leads", email=f"plantleads@{THEM}"),
        Address(name="", email=f"it-support@{THEM}"),
        Address(name="Ivo Brandt", email=f"ivo.brandt@{THEM}"),
    ]
    assert sorted(_by_name(await _read(ctx, [msg]))) == ["Ivo Brandt", "Lola Vidal"]


async def test_a_crm_exports_buying_role_column_gives_the_role_and_never_the_title(ctx: ExtractionContext) -> None:
    rows = (
        "Full Name,Email,Job Title,Contact Role\n"
        f"Lola Vidal,lola.vidal@{THEM},Head of Planning,Business User\n"
        f"Ivo Brandt,ivo.brandt@{THEM},Plant Director,Economic Buyer\n"
        f"Piet Albers,piet.albers@{THEM},,Technical Buyer\n"
    )
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = f"Omar Haddad <omar.haddad@{OURS}>", f"handoff@{OURS}", "contacts"
    mail["Date"] = "Tue, 05 May 2026 09:00:00 +0000"
    mail.set_content("CRM contacts attached.")
    mail.add_attachment(rows.encode(), maintype="text", subtype="csv", filename="contacts.csv")
    people = _by_name(await _read(ctx, parse_message(mail.as_bytes()).messages))
    got = {n: (p.title, p.role) for n, p in people.items()}
    assert got == {
        "Lola Vidal": ("Head of Planning", "user"),
        "Ivo Brandt": ("Plant Director", "economic_buyer"),
        "Piet Albers": (None, "technical_evaluator"),
    }


async def test_an_attendee_label_with_a_title_in_parentheses_gives_name_and_title(ctx: ExtractionContext) -> None:
    lola = Address(name="Lola Vidal", email=f"lola.vidal@{THEM}")
    msg = _mail(1, lola, "See you Tuesday.")
    msg.cc = [Address(name="Brandt, Ivo (Plant Director)", email=f"ivo.brandt@{THEM}")]
    ivo = _by_name(await _read(ctx, [msg]))["Ivo Brandt"]
    assert ivo.title == "Plant Director"


def test_a_customer_person_the_reply_first_names_with_a_title_and_role_joins_but_never_our_colleague() -> None:
    doc = HandoffDocument(
        account=AccountInfo(name="Quarzwerk", domain=THEM), rep=Party(name="Omar Haddad", email=f"omar.haddad@{OURS}")
    )
    doc.sections.stakeholders = [Stakeholder(name="Lola Vidal", email=f"lola.vidal@{THEM}", title="Head of Planning")]
    reply = _mail(
        9,
        Address(name="Omar Haddad", email=f"omar.haddad@{OURS}"),
        "Lola is our champion. Please add Ivo Brandt, their kiln shift supervisor, who will use the dashboards "
        "every day. Our engineer Ari Stone vetted the SSO setup with them.",
    )
    got = {s.name: (s.title, s.role) for s in rep_reads(reply, doc)}
    assert got["Ivo Brandt"] == ("Kiln Shift Supervisor", "user")
    assert got["Lola Vidal"][1] == "champion"
    assert "Ari Stone" not in got


def test_a_lower_case_title_with_a_word_a_product_name_also_carries_is_still_a_title() -> None:
    # "planner" alone could end a product's name ("Cornerstone Planner"); written in lower case it is a job
    assert named_titles("Please add Ivo Brandt, their maintenance planner, to the list.") == [
        ("Ivo Brandt", "Maintenance Planner")
    ]
    assert named_titles("Ana Gil, the Cornerstone Planner, is open.") == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Also Martín Sosa from their IT sent a note in English.", [("Martín Sosa", "IT")]),
        ("Kevin Marsh from the finance team joined the call late.", [("Kevin Marsh", "Finance")]),
        ("Jens Ohlsen aus der IT-Abteilung hat die Schnittstelle freigegeben.", [("Jens Ohlsen", "IT")]),
        ("Sophie Martin, du service informatique, a validé le SSO.", [("Sophie Martin", "Informatique")]),
        ("Laura Gómez, de su área de sistemas, pidió acceso de solo lectura.", [("Laura Gómez", "Sistemas")]),
        ("Tom Hale from our IT will help with the tenant.", []),  # ours
        ("Ana Ruiz from Sistemas Bética called about the feed.", []),  # another company, not a department
    ],
)
def test_a_department_someone_belongs_to_is_what_we_know_of_their_job(text: str, found: list) -> None:
    assert named_titles(text) == found


def test_a_sentence_about_she_or_he_shows_nothing_of_the_person_it_names_later() -> None:
    """ "She's the skeptic Meredith warned us about": the skeptic is someone named before, not Meredith."""
    meredith = Stakeholder(name="Meredith Caldwell", email=f"meredith.caldwell@{THEM}")
    said = "She's the skeptic Meredith warned us about, and she's putting the pilot on hold."
    assert roles_shown([("", said)], [meredith]) == {}
    shown = roles_shown([("", "Meredith is the skeptic here and wants proof first.")], [meredith])
    assert shown[f"meredith.caldwell@{THEM}"][0] == "blocker"


def test_an_assistant_director_is_a_rank_and_an_assistant_to_a_chief_is_an_aide() -> None:
    from agent.extract.people import role_for

    assert role_for("Assistant to the CFO", "", "")[0] == "other"
    assert role_for("Executive Assistant to the CEO", "", "")[0] == "other"
    assert role_for("Assistant Vice President, Finance", "", "")[0] == "economic_buyer"
