"""The people side of the offline reader: titles to roles in four languages, the rep's word on a role,
a read with evidence for everyone who wrote or spoke, the rep's read winning, and the CSM a reply names."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agent.commands import parse_commands
from agent.document import NOTHING_SHOWN, AccountInfo, Evidence, HandoffDocument, Party, Stakeholder
from agent.extract.answers import read_by_rep
from agent.extract.base import ExtractionContext
from agent.extract.mentions import csm_from_reply, csm_in_prose
from agent.extract.offline import OfflineExtractor
from agent.extract.people import named_addresses, role_for
from agent.extract.roles import roles_said, roles_shown, stated_role
from agent.extract.titles import named_titles, self_described, self_titled, titles_in_text
from agent.merge import merge_extraction
from mailflows.inbound.mail import Address, ThreadMessage, Turn
from mailflows.inbound.signatures import read_card
from mailflows.inbound.transcripts import turns_as_text

OURS = "ferrocorp.example"
THEM = "nordwind-faehren.example"


@pytest.fixture
def ctx() -> ExtractionContext:
    return ExtractionContext(
        account=AccountInfo(name="Nordwind Fähren", domain=THEM),
        rep=Party(name="Lena Brandt", email=f"lena.brandt@{OURS}"),
        company_domains={OURS},
    )


def _who(name: str) -> Address:
    return Address(name=name, email=name.lower().replace(" ", ".") + f"@{THEM}")


def _mail(n: int, sender: Address, body: str, signature: str = "", day: int = 1, to: list[Address] | None = None):
    return ThreadMessage(
        id=f"m{n}", sender=sender, to=to or [Address(name="Lena Brandt", email=f"lena.brandt@{OURS}")],
        date=datetime(2026, 9, day, 10, tzinfo=UTC), subject="Fähren", body=body, signature=signature,
    )  # fmt: skip


async def _read(ctx: ExtractionContext, sources: list[ThreadMessage], doc: HandoffDocument | None = None):
    doc = doc or HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep)
    return merge_extraction(doc, await OfflineExtractor().extract(sources, ctx, doc))


def _person(doc: HandoffDocument, name: str) -> Stakeholder:
    return next(s for s in doc.sections.stakeholders if s.name == name)


@pytest.mark.parametrize(
    ("title", "role"),
    [
        ("Chief Financial Officer", "economic_buyer"),
        ("Head of Network Infrastructure", "technical_evaluator"),
        ("Leiter IT", "technical_evaluator"),
        ("Kaufmännische Leiterin", "economic_buyer"),
        ("Leiter Controlling", "influencer"),  # heads management accounting; the finance chief holds the budget
        ("Geschäftsführer", "decision_maker"),
        ("Directrice financière", "economic_buyer"),
        ("Directeur des Systèmes d'Information", "technical_evaluator"),
        ("Directeur Général Délégué", "decision_maker"),
        ("Responsable de Sistemas", "technical_evaluator"),
        ("Directora de Tecnología", "technical_evaluator"),
        ("Consejera Delegada", "decision_maker"),
        ("Director Financiero", "economic_buyer"),
        ("Jefe de Tráfico", "user"),
        ("Présidente", "decision_maker"),
        ("Vice President, Fleet", "other"),
        ("Responsable des technologies de l'information", "technical_evaluator"),
        ("Superviseure de production", "user"),
        ("Contremaître, atelier de découpe", "user"),
        ("Teamleiterin Wareneingang", "user"),
        ("Supervisora de Turno Nocturno", "user"),
        ("Gerente General", "decision_maker"),
    ],
)
def test_titles_in_four_languages_map_to_roles(title: str, role: str) -> None:
    assert role_for(title, "", "")[0] == role


@pytest.mark.parametrize(
    ("said", "what", "role"),
    [
        ("Morning all. I run procurement here, so the paperwork comes to me.", "procurement", "other"),
        ("Ich leite die IT am Standort Kiel.", "IT am Standort Kiel", "technical_evaluator"),
        ("Je dirige le contrôle de gestion et la trésorerie.", "contrôle de gestion", "other"),
        ("Llevo la informática de las dos terminales.", "informática de las dos terminales", "technical_evaluator"),
    ],
)
def test_what_someone_says_they_run_stands_in_for_a_missing_title(said: str, what: str, role: str) -> None:
    assert self_described(said) == what
    assert role_for("", said, "")[0] == role


def test_a_title_next_to_a_first_name_in_the_reps_note_is_read() -> None:
    found = titles_in_text("Quick context: Ingrid (Head of Fleet Operations) is our champion; Piet (our CFO) pays.")
    assert found == {"first:ingrid": "Head of Fleet Operations", "first:piet": "CFO"}
    assert titles_in_text("We meet Ingrid (ingrid@x.example) on Monday (10:00).") == {}


@pytest.mark.parametrize(
    ("sentence", "role"),
    [
        ("Ingrid is our champion, she sold it internally.", "champion"),
        ("Ingrid holds the budget for the whole fleet.", "economic_buyer"),
        ("In the end Ingrid has the final say.", "economic_buyer"),
        ("Ingrid ran the technical review of the booking API.", "technical_evaluator"),
        ("Ingrid and her deck crew are the daily users.", "user"),
        ("Ingrid tried to block it twice.", "blocker"),
        ("Ingrid treibt das Projekt intern voran und ist unsere Fürsprecherin.", "champion"),
        ("C'est Ingrid qui décide, elle a le dernier mot.", "economic_buyer"),
        ("Honestly, Ingrid is the real risk here: her planners love their old macros.", "blocker"),
        ("Ingrid es el mayor riesgo del proyecto, no la parte técnica.", "blocker"),
        ("Ingrid tiene el presupuesto de las terminales.", "economic_buyer"),
    ],
)
def test_the_reps_sentence_states_a_role(sentence: str, role: str) -> None:
    ingrid = Stakeholder(name="Ingrid Olsen", email=f"ingrid.olsen@{THEM}")
    said = roles_said([sentence], [ingrid, Stakeholder(name="Piet Janssen", email=f"piet.janssen@{THEM}")])
    assert stated_role(said[f"ingrid.olsen@{THEM}"], "")[0] == role  # no title, no finance chief on the deal


def test_among_several_people_the_one_named_just_before_the_phrase_is_meant() -> None:
    people = [Stakeholder(name="Ingrid Olsen", email="i@x"), Stakeholder(name="Piet Janssen", email="p@x")]
    said = roles_said(["If the crews skip training, Piet could sink the rollout and Ingrid won't stop him."], people)
    assert {key: role for key, (role, _, _) in said.items()} == {"p@x": "blocker"}
    assert roles_said(["Ingrid is the one to watch; she never liked the pilot."], people)["i@x"][0] == "blocker"


def test_titles_written_next_to_a_name_in_prose() -> None:
    found = titles_in_text(
        "Contacts: Rosa Lind, jefa de tráfico (rosa.lind@x.example). Then Emil Sand (GM of the Kiel terminal, "
        "our pilot site) joins."
    )
    assert found["rosa lind"] == "Jefa de Tráfico" and found["emil sand"] == "GM of the Kiel terminal"
    assert role_for(found["emil sand"], "", "")[0] == "user"
    assert role_for("Executive Assistant to the CFO", "", "") == ("other", "low")


def test_a_role_sentence_about_two_people_or_a_negated_one_decides_nothing() -> None:
    people = [Stakeholder(name="Ingrid Olsen", email="i@x"), Stakeholder(name="Piet Janssen", email="p@x")]
    assert roles_said(["Ingrid and Piet both want the final say."], people) == {}
    assert roles_said(["Piet is not the decision maker."], people) == {}
    said = roles_said(["Piet signs, but the one who really decides is Ingrid."], people)
    sentence = "Piet signs, but the one who really decides is Ingrid."
    assert said == {"i@x": ("decision_maker", "high", sentence), "p@x": ("economic_buyer", "high", sentence)}
    assert roles_said(["Nadia leaves in May, so Piet is the champion going forward."], people) == {}


def test_the_final_say_of_someone_who_runs_the_company_stays_a_decision_makers() -> None:
    stated = ("decision_maker", "high", "Ingrid has the final say.")
    assert stated_role(stated, "Geschäftsführerin")[0] == "decision_maker"
    assert stated_role(stated, "Finance Director")[0] == "economic_buyer"
    # with no title to go by, the one who decides holds the budget, unless a finance chief on the deal does
    assert stated_role(stated, "")[0] == "economic_buyer"
    assert stated_role(stated, "", budget_elsewhere=True)[0] == "decision_maker"
    assert stated_role(stated, "Finance Director", budget_elsewhere=True)[0] == "economic_buyer"


def test_a_finance_chief_the_rep_calls_against_the_deal_is_still_the_economic_buyer() -> None:
    people = [Stakeholder(name="Brendan Tierney", email="b@x"), Stakeholder(name="Aoife Brennan", email="a@x")]
    said = roles_said(["Brendan is against it."], people)["b@x"]
    assert said[0] == "blocker"
    assert stated_role(said, "Chief Financial Officer")[0] == "economic_buyer"
    assert stated_role(said, "IT Manager")[0] == "blocker"


async def test_the_reps_note_sets_the_role_over_the_title_even_before_the_persons_first_mail(
    ctx: ExtractionContext,
) -> None:
    rep = Address(name="Lena Brandt", email=f"lena.brandt@{OURS}")
    note = _mail(
        1, rep, "New account. Henrik (Director of Port Services) is our champion. "
        "Marit Dahl, their general manager, has the final say on anything this size.\n",
        to=[Address(name="Handoff", email=f"handoff@{OURS}")],
    )  # fmt: skip
    henrik = _mail(2, _who("Henrik Berg"), "We need the berth schedule in one place before the winter timetable.")
    doc = await _read(ctx, [note, henrik])
    assert _person(doc, "Henrik Berg").role == "champion"
    assert _person(doc, "Henrik Berg").title == "Director of Port Services"
    marit = _mail(3, _who("Marit Dahl"), "The order is approved.", "Marit Dahl\nGeneral Manager\nNordwind Fähren")
    doc = await _read(ctx, [marit], doc)
    person = next(s for s in doc.sections.stakeholders if s.email == f"marit.dahl@{THEM}")
    assert (person.role, person.title) == ("economic_buyer", "General Manager")  # the final say on the purchase
    assert person.role_said and "final say" in person.role_said


async def test_a_champion_named_beside_a_colleague_makes_only_the_one_named_the_champion(
    ctx: ExtractionContext,
) -> None:
    rep = Address(name="Lena Brandt", email=f"lena.brandt@{OURS}")
    meera = Address(name="Dr. Meera Deshpande", email=f"meera.deshpande@{THEM}")
    note = _mail(
        1, rep, "Short version: Meera is the champion, Rajesh will sign if he sees the expiry money.\n",
        to=[Address(name="Handoff", email=f"handoff@{OURS}")], signature="",
    )  # fmt: skip
    note.cc = [meera, _who("Rajesh Iyer")]
    doc = await _read(ctx, [note])
    assert _person(doc, "Meera Deshpande").role == "champion"  # "Dr." is no part of the name she is called by
    assert _person(doc, "Rajesh Iyer").role != "champion"


async def test_everyone_who_wrote_gets_a_read_with_evidence_in_any_language(ctx: ExtractionContext) -> None:
    sources = [
        _mail(
            1,
            _who("Sofía Marín"),
            "Nos gestionan las reservas en tres hojas distintas. La demo nos encantó, "
            "es justo lo que necesitamos para el verano.",
            day=2,
        ),  # fmt: skip
        _mail(
            2,
            _who("Jules Perrin"),
            "J'ai des doutes sur le coût des licences, c'est trop cher pour une saison aussi courte.",
            day=3,
        ),  # fmt: skip
        _mail(
            3,
            _who("Ole Vik"),
            "Die Buchungsdaten liegen in einer Oracle-Datenbank am Hafen. "
            "Wir brauchen eine Schnittstelle per API und einen VPN-Zugang.",
            day=4,
        ),  # fmt: skip
    ]
    doc = await _read(ctx, sources)
    assert _person(doc, "Sofía Marín").sentiment == "enthusiastic"
    assert _person(doc, "Jules Perrin").sentiment == "skeptical"
    ole = _person(doc, "Ole Vik")
    assert ole.sentiment == "neutral"
    assert [e.phrase for e in ole.sentiment_evidence] == [NOTHING_SHOWN]
    assert ole.role == "technical_evaluator"  # no title, but three technical matters in his own words
    assert all(p.sentiment_evidence for p in doc.sections.stakeholders)


@pytest.mark.parametrize(
    ("text", "leaning"),
    [
        ("Je reste réservé sur le montant des licences.", "skeptical"),
        ("Ich sehe noch nicht, wie sich das im ersten Jahr rechnet.", "skeptical"),
        ("No veo todavía cómo se amortiza el proyecto.", "skeptical"),
        ("Honestly, I don't see how this pays back in year one.", "skeptical"),
    ],
)
def test_reserve_in_four_languages_reads_as_doubt(text: str, leaning: str) -> None:
    from agent.extract.sentiment import sentiment_signals

    assert [x for x, _ in sentiment_signals(text)] == [leaning]


async def test_a_transcript_speaker_known_from_mail_is_read_too(ctx: ExtractionContext) -> None:
    doc = await _read(ctx, [_mail(1, _who("Sofía Marín"), "Adjunto el horario.", to=[_who("Ole Vik")])])
    call = ThreadMessage(
        id="t1", kind="transcript", date=datetime(2026, 9, 5, tzinfo=UTC), subject="call",
        turns=[Turn(speaker="Ole Vik", text="The terminals export a nightly CSV file with every booking."),
               Turn(speaker="Ole Vik", text="We would need the SSO setup documented before the pilot starts.")],
    )  # fmt: skip
    doc = await _read(ctx, [call], doc)
    ole = _person(doc, "Ole Vik")
    assert ole.sentiment != "unknown" and ole.sentiment_evidence  # read from what he said, citing it


async def test_the_reps_read_wins_says_so_and_the_question_is_not_asked_again(ctx: ExtractionContext) -> None:
    from agent.questions import questions_for

    sofia = _who("Sofía Marín")
    doc = await _read(ctx, [_mail(1, sofia, "La demo nos encantó, es justo lo que necesitamos.", day=2)])
    assert any("feel" in q.text for q in questions_for(doc, _Account()))
    reply = ThreadMessage(id="r1", sender=Address(name="Lena", email=f"lena.brandt@{OURS}"),
                          date=datetime(2026, 9, 10, tzinfo=UTC), body="Sofía remains skeptical about the summer timeline.")  # fmt: skip
    doc = merge_extraction(doc, await OfflineExtractor().read_answers(reply, ctx, doc, []))
    person = _person(doc, "Sofía Marín")
    assert person.sentiment == "skeptical" and read_by_rep(person)
    doc = await _read(ctx, [_mail(2, sofia, "Fantástico, estamos encantados con el equipo.", day=12)], doc)
    assert _person(doc, "Sofía Marín").sentiment == "skeptical"  # a later warm mail does not overrule the rep
    assert not any("feel" in q.text for q in questions_for(doc, _Account()))


@pytest.mark.parametrize(
    ("sentence", "leaning"),
    [
        ("Ray is all in, he pitched it to the board himself.", "enthusiastic"),
        ("Ray is lukewarm: fine with it, but it is not his project.", "neutral"),
        ("Ray is hesitant, he has seen two rollouts fail here.", "skeptical"),
        ("Ray is not sold yet on the forecasting module.", "skeptical"),
        # a denied opposition is no doubt: the rep says they are not against us
        ("Ray isn't against us, he just has no time this quarter.", "neutral"),
        ("Ray ist nicht dagegen, er hat nur gerade keine Zeit.", "neutral"),
        ("Ray n'est pas contre nous, il est simplement débordé.", "neutral"),
        ("Ray no está en contra, solo está muy ocupado.", "neutral"),
        # ... unless it is held back on a condition
        ("Ray agreed not to block it, but if the go-live slips he will fight it again.", "skeptical"),
        # warmth behind a condition is not there yet
        ("If the pilot goes well, Ray becomes our champion.", "skeptical"),
        ("Wenn der Pilottest klappt, wird Ray unser Fürsprecher.", "skeptical"),
        ("Si le pilote réussit, Ray deviendra un allié.", "skeptical"),
        ("Si el piloto sale bien, Ray será nuestro aliado.", "skeptical"),
        # still to be won over, wants proof first; a word on his skill is no warmth
        ("Ray is the one to win over, technically excellent and he wants hard numbers first.", "skeptical"),
        ("Ray ist noch zu überzeugen, er will erst Zahlen aus dem Pilot.", "skeptical"),
        ("Ray reste à convaincre : il veut voir des chiffres avant de s'engager.", "skeptical"),
        ("A Ray todavía hay que convencerlo, quiere ver resultados primero.", "skeptical"),
        # the deal exists because of him
        ("Ray is the whole reason this happened.", "enthusiastic"),
        ("C'est grâce à lui que le projet existe, Ray pousse partout.", "enthusiastic"),
    ],
)
async def test_the_reps_everyday_words_for_how_someone_feels(
    ctx: ExtractionContext, sentence: str, leaning: str
) -> None:
    ray = _who("Ray Donnelly")
    doc = await _read(ctx, [_mail(1, ray, "Thanks for the overview, see you Tuesday.", day=2)])
    reply = ThreadMessage(id="r2", sender=Address(name="Lena", email=f"lena.brandt@{OURS}"),
                          date=datetime(2026, 9, 10, tzinfo=UTC), body=sentence)  # fmt: skip
    doc = merge_extraction(doc, await OfflineExtractor().read_answers(reply, ctx, doc, []))
    person = _person(doc, "Ray Donnelly")
    assert person.sentiment == leaning and read_by_rep(person)
    assert person.sentiment_evidence[-1].text == sentence  # the read shows the rep's own sentence


class _Account:
    csm_email = "x@y"


@pytest.mark.parametrize(
    ("text", "name", "email"),
    [
        (
            "Henrike Vogt will be the CSM (henrike.vogt@ferrocorp.example).",
            "Henrike Vogt",
            "henrike.vogt@ferrocorp.example",
        ),
        (
            "Good news: Dmitri Kova is taking the account as CSM (dmitri.kova@ferrocorp.example).",
            "Dmitri Kova",
            "dmitri.kova@ferrocorp.example",
        ),
        ("our CSM is Yara Haddad, she starts Monday.", "Yara Haddad", None),
        ("Unsere CSM ist Henrike Vogt.", "Henrike Vogt", None),
        ("La CSM sera Maëlle Caron.", "Maëlle Caron", None),
        ("La CSM será Noelia Prieto, que habla gallego.", "Noelia Prieto", None),
        ("Noelia Prieto será nuestra CSM.", "Noelia Prieto", None),
        ("Dmitri Kova will take over the account as CSM next week.", "Dmitri Kova", None),
        (
            "For the CSM: Yara Haddad, she speaks Arabic, yara.haddad@ferrocorp.example.",
            "Yara Haddad",
            "yara.haddad@ferrocorp.example",
        ),
        ("Vertrag ist da! Ab Juli übernimmt Henrike Vogt als CSM.", "Henrike Vogt", None),
        ("Your CSM going forward is Dmitri Kova.", "Dmitri Kova", None),
        ("Dmitri Kova from our Customer Success team will take over after kickoff.", "Dmitri Kova", None),
        ("Handing over to Dmitri Kova (Customer Success) for onboarding.", "Dmitri Kova", None),
        ("Les presento a Noelia Prieto, gerente de éxito de clientes, que los acompaña.", "Noelia Prieto", None),
        (
            "Noelia Prieto (noelia.prieto@ferrocorp.example) será su Customer Success Manager.",
            "Noelia Prieto",
            "noelia.prieto@ferrocorp.example",
        ),
        ("Henrike Vogt übernimmt ab sofort als Ihre Ansprechpartnerin im Customer Success.", "Henrike Vogt", None),
        ("Je vous présente Maëlle Caron, votre gestionnaire du succès client.", "Maëlle Caron", None),
        ("La CSM va a ser Noelia Prieto, habla gallego.", "Noelia Prieto", None),
        (
            "Le presenté a Carolina a Noelia Prieto (noelia.prieto@ferrocorp.example) como su CSM, ya se conocieron.",
            "Noelia Prieto",
            "noelia.prieto@ferrocorp.example",
        ),
        ("Copy for the file. Note I introduced Yara as their CSM.", "Yara", None),
        (
            "- Your customer success manager from signature onwards will be Dmitri Kova (dmitri.kova@ferrocorp.example).",
            "Dmitri Kova",
            "dmitri.kova@ferrocorp.example",
        ),
        (
            "- CSM = Yara Haddad (yara.haddad@ferrocorp.example), she knows resorts",
            "Yara Haddad",
            "yara.haddad@ferrocorp.example",
        ),
        (
            "Yara - looping you in, you'll be the CSM on this one (yara.haddad@ferrocorp.example).",
            "Yara",
            "yara.haddad@ferrocorp.example",
        ),
        (
            "Gern stelle ich Ihnen Henrike Vogt (henrike.vogt@ferrocorp.example) vor, Ihre neue Customer Success Managerin.",
            "Henrike Vogt",
            "henrike.vogt@ferrocorp.example",
        ),
        ("Je vous présente Maëlle Caron, votre CSM dès la semaine prochaine.", "Maëlle Caron", None),
        ("Maëlle Caron prend le relais comme CSM après le lancement.", "Maëlle Caron", None),
        ("Les presento a Noelia Prieto, su nueva CSM.", "Noelia Prieto", None),
        ("Dmitri Kova steps in as your CSM from Monday.", "Dmitri Kova", None),
        # a note's label after a sentence of its own, and a name in a clause before "as CSM"
        (
            "Signed on Friday. Jun's note is below. CSM: Ravi Menon (ravi.menon@ferrocorp.example) runs the kickoff.",
            "Ravi Menon",
            "ravi.menon@ferrocorp.example",
        ),
        ("Signed today. Oskar is on the thread as CSM.", "Oskar", None),
        ("Wiebke ist ab Montag als CSM dabei.", "Wiebke", None),
        ("4. A dedicated CSM, Tomás Ibarra, from the first day of the pilot.", "Tomás Ibarra", None),
        ("3. Une CSM dédiée, Inès Marchal, présente dès le lancement.", "Inès Marchal", None),
        ("So you know who to call after signature: Lucas Weber from our team will be your CSM.", "Lucas Weber", None),
        (
            "Ab sofort wird Sabine Kranz aus unserem Customer-Success-Team Ihre Ansprechpartnerin sein.",
            "Sabine Kranz",
            None,
        ),
        ("Léa Martin, de notre équipe succès client, sera votre interlocutrice.", "Léa Martin", None),
        ("Ana Gil, del equipo de éxito del cliente, será su contacto.", "Ana Gil", None),
        # the role with the account it is for before the verb
        (
            "The CSM on this one is Marc-Antoine Roy (marc-antoine.roy@ferrocorp.example), based in Vancouver.",
            "Marc-Antoine Roy",
            "marc-antoine.roy@ferrocorp.example",
        ),
        ("The CSM for Nordwind will be Oskar Lind.", "Oskar Lind", None),
    ],
)
def test_the_csm_named_in_a_sentence_in_four_languages(text: str, name: str, email: str | None) -> None:
    found = csm_in_prose(text, [OURS])
    assert found is not None and (found.name, found.email) == (name, email)


def test_the_csm_introduced_as_theirs_with_more_said_after_it() -> None:
    found = csm_in_prose(
        f"I've introduced Mira Holt (mira.holt@{OURS}) as their CSM in my reply to Dana and Raj; she runs kickoff.",
        [OURS],
    )
    assert found is not None and (found.name, found.email) == ("Mira Holt", f"mira.holt@{OURS}")
    assert csm_in_prose("We see Ana as CSM material one day.", [OURS]) is None


def test_a_colleague_named_with_another_title_is_not_the_csm() -> None:
    assert csm_in_prose("Ich stelle Ihnen Henrike Vogt vor, unsere Projektleiterin.", [OURS]) is None
    assert csm_in_prose("Hola Noelia, su CSM llega el lunes.", [OURS]) is None


def test_a_contact_from_another_team_or_a_product_beside_the_role_is_not_the_csm() -> None:
    from agent.extract.mentions import csm_by_role

    assert csm_in_prose("Ana Ruiz from our finance team will be your contact for invoices.", [OURS]) is None
    # a note for the CSM about a product: "Czech UI" is no person
    note = "Heads-up for the CSM: I said Czech UI by Q4, but product has it on the roadmap for Q1 2027."
    assert csm_by_role(note, [OURS], [], []) is None


def test_a_tool_or_someone_elses_csm_is_never_ours() -> None:
    assert csm_in_prose("We used Tableau as their CSM tool.", [OURS]) is None
    assert csm_in_prose("They hired Anna as CSM at their old vendor.", [OURS]) is None
    assert csm_in_prose("Anna was hired as CSM by their previous vendor.", [OURS]) is None
    assert csm_in_prose("Priya is great as a speaker, and the CSM team loves her.", [OURS]) is None
    assert csm_in_prose("Our CSM team, Dana Reyes, runs the quarterly reviews.", [OURS]) is None


def test_quoted_or_foreign_text_never_names_a_csm() -> None:
    assert csm_in_prose("> Henrike Vogt will be the CSM (henrike.vogt@ferrocorp.example)", [OURS]) is None
    assert csm_in_prose("Henrike Vogt will be the CSM (henrike@nordwind-faehren.example)", [OURS]) is None


class _Rep:
    rep_name = "Lena Brandt"
    rep_email = f"lena.brandt@{OURS}"


class _Seen:
    def __init__(self, name: str, email: str) -> None:
        self.from_name, self.from_email = name, email


def test_hand_it_to_a_first_name_needs_a_colleague_we_know() -> None:
    seen = [_Seen("Yara Haddad", f"yara.haddad@{OURS}")]
    found = csm_from_reply("Signed. Please hand it to Yara.", [OURS], None, seen, _Rep())
    assert found is not None and found[0].email == f"yara.haddad@{OURS}"
    assert csm_from_reply("Please hand it to Finance.", [OURS], None, seen, _Rep()) is None


def test_a_reply_naming_the_role_beside_an_address_of_ours_names_the_csm() -> None:
    """No introduction's shape, but the role and one colleague with an address of ours: that is the CSM; a customer
    named in a sentence about the CSM is not."""
    text = (
        f"Please route this to Selin Aydın (selin.aydin@{OURS}) as CSM - she ran the rollouts at two food "
        "distributors last year."
    )
    found = csm_from_reply(text, [OURS], None, [], _Rep())
    assert found is not None and (found[0].name, found[0].email) == ("Selin Aydın", f"selin.aydin@{OURS}")
    seen = [_Seen("Hartmut Beck", f"hartmut.beck@{THEM}")]
    assert csm_from_reply("The CSM should know that Hartmut Beck hates control.", [OURS], None, seen, _Rep()) is None
    assert csm_from_reply("The CSM should know that Greta Lind hates control.", [OURS], None, [], _Rep()) is None


def test_a_code_that_starts_with_cs_names_no_csm() -> None:
    from agent.extract.mentions import csm_by_role

    row = "CS-19,Okisollo,Discovery Islands,AQFF-1620,10,2180,Fibre (shore base),yes,R. Nakamura"
    assert csm_by_role(row, [OURS], [], []) is None


def test_a_csm_command_with_a_first_name_alone_is_read() -> None:
    cmds, _rest = parse_commands("CSM: Yara\n")
    assert cmds.csm_name_only == "Yara"


def test_evidence_of_a_neutral_read_does_not_water_down_a_later_read() -> None:
    from agent.extract.sentiment import current_read

    neutral = Evidence(text="a", source_id="1", phrase=NOTHING_SHOWN, leaning="neutral")
    warm = [Evidence(text=t, source_id=t, phrase="x", leaning="enthusiastic") for t in ("b", "c")]
    assert current_read([neutral, *warm]) == "enthusiastic"


@pytest.mark.parametrize(
    "text",
    [
        "Die neue Meldepflicht tritt am 1. Januar 2027 in Kraft, bis dahin muss alles laufen.",
        "La nouvelle réglementation entre en vigueur le 1er février 2027.",
        "Nuestro contrato con el proveedor actual vence el 31 de diciembre de 2026.",
        "Unser Vertrag mit dem alten Anbieter endet am 31. Dezember 2026.",
        "To be clear, we are not renewing the old scheduling tool.",
        "Le port exige le nouveau rapport avant le 15 janvier 2027, sans quoi nous perdons la concession.",
        "Der Zuschuss des Landes verfällt, wenn die Abrechnung nicht bis 30.11.2026 vorliegt.",
        "Si no presentamos el informe antes del 15 de octubre de 2026, la subvención se pierde.",
        "Everything has to run before the winter season opens on 12 December 2026.",
        "Die Dashboards müssen vor dem Saisonstart am 1. Dezember 2026 stehen.",
        "El tablero debe estar listo antes de la temporada alta, que empieza el 1 de noviembre de 2026.",
        "The CFO review on 30 September 2026 will cut any project without a visible result.",
        "Der Aufsichtsrat entscheidet am 20. November 2026 über das zweite und dritte Jahr.",
    ],
)
def test_a_hard_regulatory_or_renewal_date_in_any_language_is_high_urgency(text: str) -> None:
    from datetime import date

    from agent.extract.units import Unit
    from agent.extract.urgency import read_urgency

    unit = Unit(text=text, quote=text, source_id="m1", speaker="Ole Vik", speaker_email=f"ole.vik@{THEM}",
                author="customer", anchor=date(2026, 9, 1), heading=None)  # fmt: skip
    urgency = read_urgency([unit])
    assert urgency is not None and urgency.level == "high" and urgency.evidence[0].text == text


# -- people who never wrote: named with a title in prose, or speaking on a call ---------------------------------


@pytest.mark.parametrize(
    ("text", "name", "title"),
    [
        ("Yesterday our quality manager Odile Banerjee said she will own the rollout.", "Odile Banerjee",
         "Quality Manager"),
        ("Teodor Lind (Nurse Manager, 3 North, Halden) wants the pilot on his ward.", "Teodor Lind",
         "Nurse Manager, 3 North, Halden"),
        ("Teodor Lind, Nurse Manager, 3 North, Halden, asked for the rota export.", "Teodor Lind",
         "Nurse Manager, 3 North, Halden"),
        ("Gestern hat Henrike Brandl (Filialleiterin Kassel-Mitte) den Piloten zugesagt.", "Henrike Brandl",
         "Filialleiterin Kassel-Mitte"),
        ("Unser Werkleiter Gunnar Pohl ist noch nicht überzeugt.", "Gunnar Pohl", "Werkleiter"),
        ("Maëlys Fournier, directrice du site de Vesoul, reste sceptique.", "Maëlys Fournier",
         "directrice du site de Vesoul"),
        ("Inés Calvo, nuestra Directora Comercial, firmará el contrato.", "Inés Calvo", "Directora Comercial"),
        ("Rubén Ortiz, jefe de tienda, Zaragoza Delicias, lo usará a diario.", "Rubén Ortiz",
         "jefe de tienda, Zaragoza Delicias"),
        ("Rubén Ortiz (Gerente, Tienda Zaragoza Delicias): Necesitamos ver el stock por la mañana.", "Rubén Ortiz",
         "Gerente, Tienda Zaragoza Delicias"),
    ],
)  # fmt: skip
def test_a_title_named_in_prose_is_kept_whole_with_its_place_in_four_languages(
    text: str, name: str, title: str
) -> None:
    assert named_titles(text) == [(name, title)]


@pytest.mark.parametrize(
    "text",
    [
        "Hi Teodor Lind, thanks for the call on Tuesday.",
        "Maëlys Fournier, who runs the site, agreed to the pilot.",
        "We meet Inés Calvo (10:30 CET) at the Zaragoza store.",
        "Inés Calvo (ines.calvo@nordwind-faehren.example) sent the list.",
    ],
)
def test_a_name_next_to_no_title_gives_none(text: str) -> None:
    assert named_titles(text) == []


def test_a_list_of_people_with_titles_is_not_read_as_one_long_title() -> None:
    found = named_titles("On the call: Kaja Brun, Plant Manager, Oskar Wendt, IT Lead, and me.")
    assert found == [("Kaja Brun", "Plant Manager"), ("Oskar Wendt", "IT Lead")]


def test_our_own_colleague_named_with_a_title_in_our_mail_is_ours() -> None:
    text = "Our solutions engineer Tobias Rehm will join; their CFO Ilse Maurer asked for the price."
    assert named_titles(text, vendor=True) == [("Ilse Maurer", "CFO")]


def test_a_lower_case_title_is_written_as_a_signature_would() -> None:
    found = named_titles("Héloïse Garnier, directrice de l'exploitation, détient le budget.")
    assert found == [("Héloïse Garnier", "Directrice de l'Exploitation")]


@pytest.mark.parametrize(
    ("speaker", "sentence", "role"),
    [
        ("", "Gunnar Pohl ist noch skeptisch, was die Schichtplanung angeht.", "blocker"),
        ("", "Maëlys Fournier, directrice du site de Vesoul, reste sceptique.", "blocker"),
        ("", "Inés Calvo tiene el presupuesto de las tiendas.", "economic_buyer"),
        ("", "Odile owns the budget for the quality programme.", "economic_buyer"),
        ("", "Teodor will evaluate the integration with the rota system next week.", "technical_evaluator"),
        ("odile@x", "My team will use it daily on the packing line.", "user"),
        ("", "Son équipe l'utilisera tous les jours au guichet.", None),  # nobody named, nobody speaking
        ("", "Gunnar was skeptical at first, but the pilot won him over.", None),
        ("", "Gunnar is not skeptical any more.", None),
        ("", "Odile signs off on anything above 50k.", "economic_buyer"),
        ("", "Odile signs off early on Fridays, so call before noon.", None),
        ("", "Odile will sign off on the security review.", None),
        ("", "Odile signed off on the budget last night.", "economic_buyer"),
        ("", "Gunnar Pohl leitet den Wareneingang und wird das Dashboard im Alltag testen.", "user"),
    ],
)
def test_what_is_said_of_a_person_shows_their_role(speaker: str, sentence: str, role: str | None) -> None:
    people = [Stakeholder(name="Gunnar Pohl"), Stakeholder(name="Odile Banerjee", email="odile@x"),
              Stakeholder(name="Teodor Lind", email="teodor@x")]  # fmt: skip
    shown = roles_shown([(speaker, sentence)], people)
    assert [r for r, _, _ in shown.values()] == ([role] if role else [])


def test_one_doubt_in_their_own_words_is_a_question_not_resistance() -> None:
    people = [Stakeholder(name="Odile Banerjee", email="odile@x")]
    assert roles_shown([("odile@x", "I'm not convinced the scanners are fast enough.")], people) == {}
    two = [("odile@x", "I'm not convinced the scanners are fast enough."), ("odile@x", "I remain skeptical on cost.")]
    assert roles_shown(two, people)["odile@x"][0] == "blocker"


def _call(n: int, turns: list[Turn], day: int = 5) -> ThreadMessage:
    return ThreadMessage(
        id=f"t{n}", kind="transcript", date=datetime(2026, 9, day, tzinfo=UTC), subject="call", turns=turns,
        body=turns_as_text(turns),
    )  # fmt: skip


async def test_a_call_speaker_and_a_person_named_in_a_note_become_stakeholders_and_merge_with_their_mail(
    ctx: ExtractionContext,
) -> None:
    rep = Address(name="Lena Brandt", email=f"lena.brandt@{OURS}")
    note = _mail(
        1, rep, "Notes from Kiel. Ihr Werkleiter Gunnar Pohl ist noch skeptisch, er sieht den Nutzen nicht. "
        "Maëlys Fournier, directrice du site de Vesoul, reste sceptique elle aussi.",
        to=[Address(name="Handoff", email=f"handoff@{OURS}")],
    )  # fmt: skip
    call = _call(2, [
        Turn(speaker="Lena Brandt", text="Thanks for joining, let me share the booking screen."),
        Turn(speaker="Ansgar Thiel (Schichtleiter, Terminal Nord)",
             text="Mein Team wird das täglich nutzen, an jeder Rampe."),
        Turn(speaker="Lena Brandt", text="Great, we can set up the ramps first."),
    ])  # fmt: skip
    doc = await _read(ctx, [note, call])
    gunnar, ansgar = _person(doc, "Gunnar Pohl"), _person(doc, "Ansgar Thiel")
    assert (gunnar.email, gunnar.title, gunnar.role) == (None, "Werkleiter", "blocker")
    assert gunnar.role_shown and "skeptisch" in gunnar.role_shown
    assert (ansgar.title, ansgar.role) == ("Schichtleiter, Terminal Nord", "user")
    assert _person(doc, "Maëlys Fournier").role == "blocker"
    later = _mail(3, _who("Gunnar Pohl"), "Anbei die Schichtpläne.", "Gunnar Pohl\nWerkleiter\nNordwind Fähren", 8)
    read_card(later)
    ansgar_mail = _mail(4, Address(name="Ansgar Thiel", email=f"ansgar.thiel@{THEM}"), "Die Rampenliste.", day=9)
    doc = await _read(ctx, [later, ansgar_mail], doc)
    named = [s for s in doc.sections.stakeholders if s.name in {"Gunnar Pohl", "Ansgar Thiel"}]
    assert len(named) == 2, "one person each, not a name-only twin beside the address"
    assert _person(doc, "Gunnar Pohl").email == f"gunnar.pohl@{THEM}" and _person(doc, "Gunnar Pohl").role == "blocker"
    assert _person(doc, "Ansgar Thiel").email == f"ansgar.thiel@{THEM}"


async def test_a_first_name_on_the_call_and_an_accentless_address_are_one_person(ctx: ExtractionContext) -> None:
    mail = _mail(1, Address(name="Ines Calvo", email=f"ines.calvo@{THEM}"), "Adjunto la lista de tiendas.")
    call = _call(2, [
        Turn(speaker="Inés", text="Yo tengo el presupuesto de las tiendas, así que firmo yo el contrato."),
        Turn(speaker="Lena Brandt", text="Perfecto, let me share the pricing screen."),
        Turn(speaker="Inés Calvo", text="Mi equipo lo usará a diario en las tiendas."),
    ])  # fmt: skip
    doc = await _read(ctx, [mail, call])
    ines = [s for s in doc.sections.stakeholders if s.name.startswith(("Ines", "Inés"))]
    assert len(ines) == 1 and ines[0].email == f"ines.calvo@{THEM}"


async def test_the_reps_word_beats_what_the_mail_shows_and_a_cfo_doubting_the_price_still_pays(
    ctx: ExtractionContext,
) -> None:
    rep = Address(name="Lena Brandt", email=f"lena.brandt@{OURS}")
    note = _mail(
        1, rep, "Maëlys Fournier, directrice du site de Vesoul, reste sceptique sur le planning. "
        "Still, Maëlys is our champion: she sold it internally.",
        to=[Address(name="Handoff", email=f"handoff@{OURS}")],
    )  # fmt: skip
    cfo = _mail(2, _who("Ilse Maurer"), "I'm not convinced on the price yet. I remain skeptical about year two.",
                "Ilse Maurer\nChief Financial Officer\nNordwind Fähren")  # fmt: skip
    read_card(cfo)
    doc = await _read(ctx, [note, cfo])
    assert _person(doc, "Maëlys Fournier").role == "champion"
    assert _person(doc, "Ilse Maurer").role == "economic_buyer"


async def test_a_doubt_shown_in_a_later_mail_makes_a_known_user_a_blocker_in_either_order(
    ctx: ExtractionContext,
) -> None:
    first = _mail(1, _who("Teodor Lind"), "Here is the ward list.", "Teodor Lind\nNurse Manager, 3 North\nNordwind")
    read_card(first)
    second = _mail(2, _who("Odile Banerjee"), "Teodor Lind is still skeptical and keeps pushing back on the night shift.",
                   day=3)  # fmt: skip
    one_by_one = await _read(ctx, [second], await _read(ctx, [first]))
    reversed_order = await _read(ctx, [first], await _read(ctx, [second]))
    together = await _read(ctx, [first, second])
    for doc in (one_by_one, reversed_order, together):
        teodor = next(s for s in doc.sections.stakeholders if s.email == f"teodor.lind@{THEM}")
        assert (teodor.title, teodor.role) == ("Nurse Manager, 3 North", "blocker")


@pytest.mark.parametrize(
    ("said", "title"),
    [
        ("Edda Kvist, I'm the Chief Nursing Officer. I look after the wards.", "Chief Nursing Officer"),
        ("Ich bin Werkleiter in Zwickau und seit 2019 dabei.", "Werkleiter in Zwickau"),
        ("Bonjour, je suis directrice du site de Vesoul.", "directrice du site de Vesoul"),
        ("Hola, soy el jefe de tienda en Delicias.", "jefe de tienda en Delicias"),
        ("I'm the one who will actually use this.", ""),
        ("I'm a bit worried about the timeline.", ""),
        ("I'm not overruling my CISO on patient data.", ""),
        ("Hi all, I'm the IT Manager here. We run SAP.", "IT Manager"),
    ],
)
def test_a_speaker_introducing_themselves_gives_their_title(said: str, title: str) -> None:
    assert self_titled(said) == title


def test_an_address_in_the_parentheses_after_a_name_is_that_persons() -> None:
    text = "Attendees: Edda Kvist (Chief Nursing Officer, edda.kvist@nordwind-faehren.example, dialed in), Bo Lund."
    assert named_addresses(text) == [("Edda Kvist", "edda.kvist@nordwind-faehren.example")]
    assert named_titles(text) == [("Edda Kvist", "Chief Nursing Officer")]


async def test_someone_who_only_spoke_on_a_call_gets_their_own_title_and_role(ctx: ExtractionContext) -> None:
    call = _call(1, [
        Turn(speaker="Lena Brandt", text="Welcome, let me share the booking screen."),
        Turn(speaker="Edda Kvist", text="Edda Kvist, I'm the Chief Nursing Officer. My nurses will use it every day."),
        Turn(speaker="Bo Lund", text="Ich bin Leiter der Haustechnik. Wir prüfen die Schnittstelle zum Dienstplan."),
    ])  # fmt: skip
    doc = await _read(ctx, [call])
    edda, bo = _person(doc, "Edda Kvist"), _person(doc, "Bo Lund")
    assert (edda.email, edda.title) == (None, "Chief Nursing Officer")
    assert bo.title == "Leiter der Haustechnik"
    assert [s.name for s in doc.sections.stakeholders].count("Edda Kvist") == 1
    assert "Lena Brandt" not in [s.name for s in doc.sections.stakeholders]


def test_a_spelled_out_title_beats_its_acronym_in_either_order() -> None:
    assert titles_in_text("Edda Kvist (CNO) joined. Later: Edda Kvist (Chief Nursing Officer).") == {
        "edda kvist": "Chief Nursing Officer"
    }
    assert titles_in_text("Edda Kvist (Chief Nursing Officer) joined. Later: Edda Kvist (CNO).") == {
        "edda kvist": "Chief Nursing Officer"
    }


async def test_a_better_title_later_brings_its_role_when_nothing_said_or_shown_one(ctx: ExtractionContext) -> None:
    rep = Address(name="Lena Brandt", email=f"lena.brandt@{OURS}")
    note = _mail(
        1, rep, "Met Edda Kvist (CNO) and Bo Lund today.", to=[Address(name="Handoff", email=f"handoff@{OURS}")]
    )
    card = _mail(2, _who("Edda Kvist"), "Agreed.", "Edda Kvist\nChief Financial Officer\nNordwind Fähren", day=4)
    read_card(card)
    one_by_one = await _read(ctx, [card], await _read(ctx, [note]))
    together = await _read(ctx, [note, card])
    for doc in (one_by_one, together):
        edda = _person(doc, "Edda Kvist")
        assert (edda.title, edda.role) == ("Chief Financial Officer", "economic_buyer")


async def test_a_call_pasted_into_the_reps_mail_gives_its_speakers_titles_and_roles(ctx: ExtractionContext) -> None:
    rep = Address(name="Lena Brandt", email=f"lena.brandt@{OURS}")
    body = (
        "Pasting the key bits of Tuesday's call.\n\nLena Brandt: Thanks for the time today.\n"
        "Joaquín Ferrer (Jefe de Planta, Valencia): Mi equipo lo usará a diario, en los tres turnos.\n"
        "Sigrid Aalto (Head of Finance): I own the budget for this, so pricing comes to me.\n"
    )
    doc = await _read(ctx, [_mail(1, rep, body, to=[Address(name="Handoff", email=f"handoff@{OURS}")])])
    joaquin, sigrid = _person(doc, "Joaquín Ferrer"), _person(doc, "Sigrid Aalto")
    assert (joaquin.email, joaquin.title, joaquin.role) == (None, "Jefe de Planta, Valencia", "user")
    assert (sigrid.title, sigrid.role) == ("Head of Finance", "economic_buyer")
    his = _mail(2, Address(name="Joaquin Ferrer", email=f"joaquin.ferrer@{THEM}"), "Os paso el cuadrante.", day=4)
    doc = await _read(ctx, [his], doc)
    ferrers = [s for s in doc.sections.stakeholders if "Ferrer" in s.name]
    assert len(ferrers) == 1 and ferrers[0].email == f"joaquin.ferrer@{THEM}" and ferrers[0].role == "user"


async def test_a_colleague_we_bring_to_the_call_is_not_made_a_customer_stakeholder(ctx: ExtractionContext) -> None:
    call = _call(1, [
        Turn(speaker="Lena Brandt", text="Welcome all. Jonas from our solutions team will drive the demo."),
        Turn(speaker="Jonas Weber", text="Hi everyone, Jonas Weber, solutions engineer. We will evaluate the API."),
        Turn(speaker="Edda Kvist", text="Edda Kvist, I'm the Chief Nursing Officer. Sounds good."),
    ])  # fmt: skip
    doc = await _read(ctx, [call])
    jonas = [s for s in doc.sections.stakeholders if s.name == "Jonas Weber"]
    assert all(s.title is None and s.role == "other" for s in jonas)  # never dressed up as the customer's evaluator
    assert _person(doc, "Edda Kvist").title == "Chief Nursing Officer"


@pytest.mark.parametrize(
    ("sentence", "leaning"),
    [
        ("Ray ist Feuer und Flamme und hat das Projekt selbst dem Vorstand vorgestellt.", "enthusiastic"),
        ("Ray glaubt nicht an das Projekt und wird es bremsen, wo er kann.", "skeptical"),
        ("Ray est ravi, il en parle déjà à ses collègues.", "enthusiastic"),
        ("Ray no confía en nosotros después del último proveedor.", "skeptical"),
        # named, but the sentence is about a task, not about him: no read from it
        ("Mi propuesta: que Lena prepare con Ray una presentación para el consejo.", None),
    ],
)
async def test_the_reps_read_in_other_languages(ctx: ExtractionContext, sentence: str, leaning: str | None) -> None:
    ray = _who("Ray Donnelly")
    doc = await _read(ctx, [_mail(1, ray, "Thanks for the overview, see you Tuesday.", day=2)])
    reply = ThreadMessage(id="r3", sender=Address(name="Lena", email=f"lena.brandt@{OURS}"),
                          date=datetime(2026, 9, 10, tzinfo=UTC), body=sentence)  # fmt: skip
    doc = merge_extraction(doc, await OfflineExtractor().read_answers(reply, ctx, doc, []))
    person = _person(doc, "Ray Donnelly")
    if leaning is None:
        assert not read_by_rep(person)
    else:
        assert person.sentiment == leaning and read_by_rep(person)


def test_a_name_the_mail_puts_after_at_or_in_is_a_place_not_a_person() -> None:
    from agent.extract.stakeholders import is_place

    text = (
        "We have 40 shift supervisors at Wolf Lake. Die Schulung findet in Ried statt. "
        "Budget sits in Jasmine Redsky's team; Jasmine Redsky (Maintenance Planning) owns it."
    )
    assert is_place("Wolf Lake", text) and is_place("Ried", text)
    assert not is_place("Jasmine Redsky", text)  # "in Jasmine Redsky's team" is her team, not a town


async def test_the_one_chief_executive_holds_the_budget_only_when_no_one_else_does(ctx: ExtractionContext) -> None:
    rep = Address(name="Lena Brandt", email=f"lena.brandt@{OURS}")
    chief = _mail(1, _who("Harald Quist"), "Passt, wir machen das.", "Harald Quist\nGeschäftsführer\nNordwind Fähren")
    read_card(chief)
    alone = _person(await _read(ctx, [chief]), "Harald Quist")
    assert alone.role == "economic_buyer"
    cfo = _mail(2, _who("Edda Kvist"), "Einverstanden.", "Edda Kvist\nLeiterin Finanzen\nNordwind Fähren")
    read_card(cfo)
    with_cfo = await _read(ctx, [chief, cfo])
    assert (_person(with_cfo, "Harald Quist").role, _person(with_cfo, "Edda Kvist").role) == (
        "decision_maker",
        "economic_buyer",
    )
    said = _mail(3, rep, "Harald is our champion.", to=[Address(name="Handoff", email=f"handoff@{OURS}")])
    assert _person(await _read(ctx, [chief, said]), "Harald Quist").role == "champion"


async def test_a_rep_typing_in_lower_case_gives_each_person_their_own_read(ctx: ExtractionContext) -> None:
    ray, ola = _who("Ray Donnelly"), _who("Ola Berg")
    doc = await _read(ctx, [_mail(1, ray, "Thanks for the overview.", day=2), _mail(2, ola, "See you Tuesday.", day=3)])
    body = "ray is our real champion day to day. ola doesn't care either way, just keep her in the loop."
    reply = ThreadMessage(id="r5", sender=Address(name="Lena", email=f"lena.brandt@{OURS}"),
                          date=datetime(2026, 9, 10, tzinfo=UTC), body=body)  # fmt: skip
    doc = merge_extraction(doc, await OfflineExtractor().read_answers(reply, ctx, doc, []))
    assert _person(doc, "Ray Donnelly").sentiment == "enthusiastic"
    assert _person(doc, "Ola Berg").sentiment == "neutral"
    assert _person(doc, "Ola Berg").sentiment_evidence[-1].text.startswith("ola doesn't care")


@pytest.mark.parametrize(
    "sentence",
    [
        "Ray runs the night shift in Leeds.",
        "Ray leitet die Nachtschicht in Bremen.",
        "Ray dirige l'équipe de nuit à Lyon.",
        "Ray dirige el turno de noche en Sevilla.",
    ],
)
async def test_a_person_the_mail_gave_no_read_of_described_by_the_rep_without_a_leaning_reads_neutral(
    ctx: ExtractionContext, sentence: str
) -> None:
    ray, ola = _who("Ray Donnelly"), _who("Ola Berg")
    # Ray is only copied on the mail: nothing of his shows how he stands; Ola's own words are warm
    mail = _mail(1, ola, "We love the forecasting demo, it is exactly what we need.", day=2, to=[ray])
    doc = await _read(ctx, [mail])
    assert _person(doc, "Ray Donnelly").sentiment == "unknown"
    body = f"{sentence}\nOla leitet das Lager in Kiel."
    reply = ThreadMessage(id="r6", sender=Address(name="Lena", email=f"lena.brandt@{OURS}"),
                          date=datetime(2026, 9, 10, tzinfo=UTC), body=body)  # fmt: skip
    doc = merge_extraction(doc, await OfflineExtractor().read_answers(reply, ctx, doc, []))
    ray_read = _person(doc, "Ray Donnelly")
    assert ray_read.sentiment == "neutral" and read_by_rep(ray_read)
    assert ray_read.sentiment_evidence[-1].text == sentence
    assert _person(doc, "Ola Berg").sentiment in {"enthusiastic", "positive"}  # a read the mail gave stands


async def test_a_competitors_salesperson_and_a_newsletter_are_no_stakeholders(ctx: ExtractionContext) -> None:
    """A rival's pitch the customer forwarded and a trade newsletter in the thread: their senders wrote to the
    customer, but neither is one of the customer's people; a partner at another domain stays one."""
    pitch = _mail(1, Address("Trent Halvorsen", "thalvorsen@carrowlane.example"),
                  "We'd love to show you what Carrow & Lane can do with your ferry data. I'm thrilled about this!",
                  signature="Trent Halvorsen\nPrincipal, Carrow & Lane")  # fmt: skip
    news = _mail(2, Address("Branchenbrief Fähren", "redaktion@branchenbrief-faehren.example"),
                 "Great news for every ferry operator this autumn: new subsidies are coming!")  # fmt: skip
    partner = _mail(3, Address("Frank Lehmann", "frank.lehmann@lehmann-it.example"),
                    "I host the Nordwind servers and will set up the VPN for the connector.")  # fmt: skip
    note = _mail(4, Address("Jana Kraus", f"jana.kraus@{THEM}"),
                 "We also looked at Carrow & Lane, but their proposal was 30% more expensive than yours.")  # fmt: skip
    doc = await _read(ctx, [pitch, news, partner, note])
    names = {s.name for s in doc.sections.stakeholders}
    assert {"Frank Lehmann", "Jana Kraus"} <= names
    assert not names & {"Trent Halvorsen", "Branchenbrief Fähren"}, names


def test_works_for_rival_reads_the_domain_against_the_competitors_names(ctx: ExtractionContext) -> None:
    from agent.extract.people import works_for_rival

    assert works_for_rival("thalvorsen@carrowlane.example", ["Carrow & Lane"], ctx)
    assert works_for_rival("hugh.tierney@merrionsystems.example", ["Merrion Insight"], ctx)
    assert not works_for_rival("frank.lehmann@lehmann-it.example", ["Carrow & Lane", "Power BI"], ctx)
    assert not works_for_rival(f"jana.kraus@{THEM}", ["Nordwind"], ctx)  # the account's own domain never


def test_a_sentence_about_he_or_she_is_no_read_on_someone_named_in_passing() -> None:
    """ "If that lands, he becomes an ally, because he hates the manual check as much as Jess does": about Gus."""
    from agent.extract.answers import rep_reads

    doc = HandoffDocument(account=AccountInfo(name="Nordwind Fähren", domain=THEM))
    doc.sections.stakeholders = [Stakeholder(name="Jess Tran", email=f"jess.tran@{THEM}"),
                                 Stakeholder(name="Gus Hale", email=f"gus.hale@{THEM}")]  # fmt: skip
    body = (
        "Gus needs to see the repeat-defect report first. If that lands, he becomes an ally, because he hates "
        "the manual check as much as Jess does.\n\nJess is thrilled with it and tells everyone.\n"
    )
    reply = ThreadMessage(id="r1", sender=Address("Lena Brandt", f"lena.brandt@{OURS}"), body=body)
    reads = {s.name: s.sentiment for s in rep_reads(reply, doc)}
    assert reads.get("Jess Tran") in {"positive", "enthusiastic"}, reads
