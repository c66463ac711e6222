"""Stakeholder titles read where the mail writes them, and the roles those titles and the rep's words give."""

from __future__ import annotations

import pytest

from agent.document import Stakeholder
from agent.extract.base import AccountInfo, ExtractionContext, Party
from agent.extract.people import _crm_rows, collect_people, role_for, with_budget_holder
from agent.extract.roles import roles_said, roles_shown, stated_role
from agent.extract.titles import title_for, titles_in_text
from agent.merge import merge_stakeholders, with_short_names_folded
from mailflows.inbound.mail import Address, ThreadMessage
from mailflows.inbound.signatures import parse_signature, read_card


@pytest.mark.parametrize(
    ("title", "role"),
    [
        # who uses it day to day: operations, sites, branches, maintenance, dispatch, a faculty
        ("Directora de Operaciones", "user"),
        ("Head of Rider Ops", "user"),
        ("Director, Maintenance Control", "user"),
        ("Directeur régional, succursales Mauricie", "user"),
        ("Chef d'entrepôt – Liège", "user"),
        ("Warehouse Manager", "user"),
        ("Hausleiter München", "user"),
        ("Abteilungsleiter Netzbetrieb", "user"),
        ("Service-Disposition", "user"),
        ("Decano de Ingeniería", "user"),
        ("Leakage Technician Team Leader", "user"),
        ("Financial Analyst", "user"),
        # IT, data, architecture, applications, platforms
        ("Responsable de Sistemas", "technical_evaluator"),
        ("Leiter IT", "technical_evaluator"),
        ("Lead Cloud Architect", "technical_evaluator"),
        ("Director, Enterprise Applications", "technical_evaluator"),
        ("Head of Digital Platforms", "technical_evaluator"),
        ("Responsable SI", "technical_evaluator"),
        ("Applikationsverantwortlicher", "technical_evaluator"),
        ("Data Warehouse / Business Intelligence", "technical_evaluator"),
        # the money, and the chiefs
        ("Kaufmännischer Geschäftsführer", "economic_buyer"),
        ("Vorstand Finanzen", "economic_buyer"),
        ("Vicerrector Administrativo y Financiero", "economic_buyer"),
        ("Gerente Financiera", "economic_buyer"),
        ("Head of Finance", "economic_buyer"),
        ("Leiterin Finanzen", "economic_buyer"),
        ("Vorständin Schaden/Betrieb", "decision_maker"),
        ("Board Chair", "decision_maker"),
        ("Founder & CEO", "decision_maker"),
        # who vets or shapes it without using it or paying: compliance, risk, labour relations, safety
        ("Cheffe de la conformité", "influencer"),
        ("IT-Risikomanagement / DORA", "influencer"),
        ("Gerente de Relaciones Laborales", "influencer"),
        ("HSE Manager", "influencer"),
        ("Representante profesoral ante el Consejo Académico", "influencer"),
        ("Betriebsratsvorsitzender", "influencer"),
        ("RSSI", "blocker"),
    ],
)
def test_job_titles_in_four_languages_give_the_part_their_holder_plays(title: str, role: str) -> None:
    assert role_for(title, "", "")[0] == role


def test_a_title_next_to_one_name_a_courtesy_and_a_surname_or_the_tail_of_a_long_name_is_read() -> None:
    found = titles_in_text(
        "Aisha (CFO) is the tough one. Reto (CEO, owner family) decides. Technische Fragen beantwortet Herr "
        "Okafor, Teamleiter IT-Architektur. Discovery mit Dr. Wiese (Vorständin Schaden/Betrieb). Asistentes: "
        "Luisa Fernanda Ospina (Vicerrectora Académica), Hernán Zuluaga (Decano de Ingeniería, h@u.example)."
    )
    names = ["Aisha Patel", "Reto Brändli", "Daniel Okafor", "Anke Wiese", "Luisa Fernanda Ospina", "Hernán Zuluaga"]
    titles = {name: title_for(name, found, names) for name in names}
    assert titles == {
        "Aisha Patel": "CFO",
        "Reto Brändli": "CEO",
        "Daniel Okafor": "Teamleiter IT-Architektur",
        "Anke Wiese": "Vorständin Schaden/Betrieb",
        "Luisa Fernanda Ospina": "Vicerrectora Académica",
        "Hernán Zuluaga": "Decano de Ingeniería",
    }
    # a single name two people share names neither
    assert title_for("Aisha Patel", found, [*names, "Aisha Rahman"]) == ""


def test_a_university_title_in_a_signature_is_the_title_not_the_company() -> None:
    card = parse_signature("Carlos Mario Restrepo\nVicerrector Administrativo y Financiero", Address(name="Carlos "
                           "Mario Restrepo", email="cm@u.example"))  # fmt: skip
    assert card.title == "Vicerrector Administrativo y Financiero"


def test_a_crm_contacts_table_under_another_tables_columns_is_read_by_the_shape_of_its_values() -> None:
    body = (
        "Opportunity ID: OPP-1; Account: Ridgeline; Stage: Evaluation; Amount (USD): 118000\n"
        "Opportunity ID: Contact; Account: Title; Stage: Email; Amount (USD): Role\n"
        "Opportunity ID: Ray Okonkwo; Account: IT Manager; Stage: ray.okonkwo@r.example; Amount (USD): Technical "
        "Evaluator; Close Date: 2026-03-19 sandbox walkthrough\n"
        "Opportunity ID: Dwayne Pruitt; Account: Branch Manager, Aurora; Stage: dwayne.pruitt@r.example; Amount "
        "(USD): User"
    )
    rows = _crm_rows(ThreadMessage(id="crm1", kind="crm", body=body))
    assert [(a.name, a.email, title, role) for a, title, role in rows] == [
        ("Ray Okonkwo", "ray.okonkwo@r.example", "IT Manager", "Technical Evaluator"),
        ("Dwayne Pruitt", "dwayne.pruitt@r.example", "Branch Manager, Aurora", "User"),
    ]


def test_a_crm_row_for_a_shared_mailbox_names_no_one_and_stops_nothing() -> None:
    # "info@" in a CRM export is the brewery's front desk, not a person: the row is skipped, the next one is read
    body = (
        "Contact: Front desk; Title: Reception; Email: info@brew.example; Role: Other\n"
        "Contact: Dana Pike; Title: Head Brewer; Email: dana.pike@brew.example; Role: Champion"
    )
    ctx = ExtractionContext(account=AccountInfo(name="Brew", domain="brew.example"), rep=Party(name="R", email="r@us.example"),
                            company_domains={"us.example"})  # fmt: skip
    people = collect_people([ThreadMessage(id="crm1", kind="crm", body=body)], ctx)
    assert list(people) == ["dana.pike@brew.example"] and people["dana.pike@brew.example"].crm_role == "Champion"


def test_the_chief_holds_the_budget_only_until_a_finance_chief_shows_up() -> None:
    chief = Stakeholder(name="Ignacio Montalva", email="i@v", title="Gerente General", role="decision_maker")
    people = with_budget_holder([chief])
    assert people[0].role == "economic_buyer"  # no finance chief: the one who runs it approves the spend
    cfo = Stakeholder(
        name="Rodrigo Pizarro", email="r@v", title="Gerente de Administración y Finanzas", role="economic_buyer"
    )
    people = with_budget_holder([*people, cfo])
    assert people[0].role == "decision_maker"  # the finance chief holds the budget: the chief decides
    said = Stakeholder(name="Ana Ruiz", email="a@v", title="CEO", role="economic_buyer", role_said="Ana pays.")
    assert with_budget_holder([said, cfo])[0].role == "economic_buyer"  # the rep's word stands


def test_the_one_who_decides_holds_the_budget_when_the_finance_lead_plays_another_part() -> None:
    # "Beat decides" (the rep), and the finance lead who built the business case is the champion: the labelled
    # deals call the chief the economic buyer, as no one else approves the spend
    chief = Stakeholder(name="Beat Schürch", email="b@v", title="CEO", role="decision_maker", role_said="Beat decides.")
    finance = Stakeholder(name="Daniela Zürcher", email="d@v", title="Leiterin Finanzen & Controlling",
                          role="champion", role_said="Daniela is the champion.")  # fmt: skip
    people = with_budget_holder([chief, finance])
    assert [p.role for p in people] == ["economic_buyer", "champion"]
    # two who decide: which one pays is not for us to guess
    other = Stakeholder(name="Eva Frey", email="e@v", title="COO", role="decision_maker", role_said="Eva decides too.")
    chief.role = "decision_maker"
    assert [p.role for p in with_budget_holder([chief, other, finance])] == ["decision_maker"] * 2 + ["champion"]


def test_a_surname_alone_names_the_one_person_who_bears_it() -> None:
    people = [Stakeholder(name="Frank Lüders", email="f@x"), Stakeholder(name="Henrik Jansen", email="h@x")]
    shown = roles_shown([("", "Lüders ist skeptisch: wir werden als IKT-Drittdienstleister eingestuft.")], people)
    assert shown["f@x"][0] == "blocker"
    said = roles_said(["Adjunto el correo de la profesora Lüders. Lüders está en contra."], people)
    assert said["f@x"][0] == "blocker"
    twins = [*people, Stakeholder(name="Karin Lüders", email="k@x")]
    assert roles_shown([("", "Lüders ist skeptisch.")], twins) == {}


def test_handled_it_well_is_no_technical_evaluation() -> None:
    people = [Stakeholder(name="Claire Vasseur", email="c@x")]
    assert roles_said(["Claire handled it well."], people) == {}
    assert roles_said(["Claire reviewed the IT architecture."], people)["c@x"][0] == "technical_evaluator"


@pytest.mark.parametrize(
    "sentence",
    ["Reto decides alone in the end.", "Dr. Brändli entscheidet wirklich alles.", "Ignacio decide todo."],
)
def test_who_decides_is_read_in_any_language(sentence: str) -> None:
    people = [Stakeholder(name="Reto Brändli", email="r@x"), Stakeholder(name="Ignacio Montalva", email="i@x")]
    assert [role for role, _, _ in roles_said([sentence], people).values()] == ["decision_maker"]


def test_deciding_to_do_something_is_no_decision_on_the_purchase() -> None:
    people = [Stakeholder(name="Reto Brändli", email="r@x")]
    assert roles_said(["Reto decides to move the kickoff to May."], people) == {}


def test_a_note_sentence_naming_no_one_goes_on_about_the_one_person_named_just_before() -> None:
    people = [Stakeholder(name="Nathalie Côté", email="n@x"), Stakeholder(name="Adriana Mejía", email="a@x")]
    said = roles_said(["Le fil avec Nathalie (conformité).", "C'est elle le vrai frein."], people)
    assert said == {"n@x": ("blocker", "medium", "C'est elle le vrai frein.")}
    said = roles_said(
        [
            "Adjunto el correo de la profesora Mejía. Es la voz de los profesores en el Consejo Académico y está en contra."
        ],
        people,
    )
    assert [key for key in said] == ["a@x"]  # not "Consejo Académico", a body after an article
    # two people named before: whom "she" means is not known
    assert roles_said(["Nathalie met Adriana.", "She is the real gatekeeper."], people) == {}


def test_a_threat_said_once_is_a_blocker_even_when_it_says_once() -> None:
    people = [Stakeholder(name="Elisabeth Wallner", email="e@x")]
    said = roles_said(["Wallner will come around. If she gets surprised even once, she'll kill it."], people)
    assert said["e@x"][0] == "blocker"


def test_a_degree_or_courtesy_in_a_display_name_is_not_part_of_the_name() -> None:
    msg = ThreadMessage(
        id="m1",
        sender=Address(name="Prim. Dr. Elisabeth Wallner", email="e.wallner@k.example"),
        to=[
            Address(name="Mag. Claudia Pichler", email="c.pichler@k.example"),
            Address(name="Dr. Who", email="w@k.example"),
        ],
        body="Liebe Claudia, danke.",
    )
    ctx = ExtractionContext(account=AccountInfo(name="K", domain="k.example"), rep=Party(name="R", email="r@us.example"),
                            company_domains={"us.example"})  # fmt: skip
    names = {p.name for p in collect_people([msg], ctx).values()}
    assert names == {"Elisabeth Wallner", "Claudia Pichler", "Dr. Who"}  # a name of one word keeps its "Dr."


def test_what_a_clause_goes_on_to_say_about_the_future_does_not_unsay_a_role() -> None:
    people = [Stakeholder(name="Reto Imboden", email="r@x"), Stakeholder(name="Sofia Marin", email="s@x")]
    said = roles_said(["Reto is the quiet daily user, German-speaking, will be the first to complain."], people)
    assert said["r@x"][0] == "user"
    assert roles_said(["Sofia is the champion going forward."], people) == {}


@pytest.mark.parametrize(
    "sentence",
    [
        "Mis técnicos necesitan ver el historial del cliente en el celular.",
        "Ich plane jeden Morgen 140 Techniker mit drei Excel-Listen.",
        "My fitters need the shift-start view offline.",
    ],
)
def test_someone_who_runs_the_work_on_the_ground_in_their_own_words_is_a_user(sentence: str) -> None:
    shown = roles_shown([("m@x", sentence)], [Stakeholder(name="Mariana Leal", email="m@x")])
    assert shown["m@x"][0] == "user"


def test_a_doubt_shown_before_the_title_came_does_not_outlast_a_technical_title() -> None:
    shown = Stakeholder(name="Jorge Cavazos", email="j@x", role="blocker", role_shown="Jorge is the skeptic.")
    titled = Stakeholder(name="Jorge Cavazos", email="j@x", title="Gerente de Arquitectura de Datos",
                         role=role_for("Gerente de Arquitectura de Datos", "", "")[0])  # fmt: skip
    assert merge_stakeholders([shown], [titled])[0].role == "technical_evaluator"
    user = Stakeholder(name="Jorge Cavazos", email="j@x", title="Store Manager", role="user")
    assert merge_stakeholders([shown], [user])[0].role == "blocker"  # a doubt may replace a user's guess


def test_a_name_with_two_particles_is_one_person_and_a_blank_line_parts_two_names() -> None:
    found = titles_in_text("Who: Naledi Dlamini (COO), Ruan van der Merwe (Head of Data), Inés de los Ríos (CFO)")
    assert (found["ruan van der merwe"], found["ines de los rios"]) == ("Head of Data", "CFO")
    # one mail signed "Aisha", the next opens "Aisha (CFO) is the tough one": no "Aisha Aisha"
    found = titles_in_text("Thanks,\nAisha\n\nAisha (CFO) is the tough one.")
    assert found == {"first:aisha": "CFO"}


@pytest.mark.parametrize(
    "sentence",
    ["Dale, the CEO, signs but defers to Karen.", "Dale firma, pero no da un paso sin consultarlo.",
     "Dale signe le bon de commande.", "Dale unterschreibt, entscheidet aber nicht allein."],
)  # fmt: skip
def test_the_one_who_signs_the_purchase_is_the_economic_buyer(sentence: str) -> None:
    people = [Stakeholder(name="Dale Hoffmann", email="d@x"), Stakeholder(name="Karen Vos", email="k@x")]
    assert roles_said([sentence], people)["d@x"][0] == "economic_buyer"


def test_signing_up_a_signature_or_a_company_is_no_purchase() -> None:
    people = [Stakeholder(name="Dale Hoffmann", email="d@x")]
    assert roles_said(["Dale signs up for the webinar."], people) == {}
    assert roles_said(["Dale envió la firma del acuerdo de confidencialidad."], people) == {}


def test_a_name_ending_like_an_article_still_signs() -> None:
    people = [Stakeholder(name="Carla Ruiz", email="c@x")]
    assert roles_said(["Carla firma el pedido."], people)["c@x"][0] == "economic_buyer"


def test_the_reps_decision_maker_stays_one_unless_a_finance_chief_or_alone_with_the_budget() -> None:
    decides, signs = ("decision_maker", "high", "Declan decides."), ("economic_buyer", "high", "Antoine signs.")
    assert stated_role(decides, "Chief Operating Officer", budget_elsewhere=True)[0] == "decision_maker"
    assert (
        stated_role(decides, "CFO", budget_elsewhere=True)[0] == "economic_buyer"
    )  # a finance chief decides the spend
    assert stated_role(decides, "Head of Logistics", budget_elsewhere=False)[0] == "economic_buyer"  # no one else pays
    # the chief executive who signs beside a finance chief still decides; alone, they pay too
    assert stated_role(signs, "CEO & co-fondateur", budget_elsewhere=True)[0] == "decision_maker"
    assert stated_role(signs, "CEO & co-fondateur", budget_elsewhere=False)[0] == "economic_buyer"


def test_a_person_named_by_the_start_of_a_name_is_the_one_whose_mail_writes_it_in_full() -> None:
    full = Stakeholder(name="Juan Carlos Bisonó", email="jcbisono@coralia.example", role="user")
    short = Stakeholder(name="Juan Carlos", title="VP Finance", role="economic_buyer", influence="high")
    people = with_short_names_folded([full, short])
    assert [(p.name, p.email, p.title, p.role) for p in people] == [
        ("Juan Carlos Bisonó", "jcbisono@coralia.example", "VP Finance", "economic_buyer")
    ]
    other = Stakeholder(name="Juan Carlos Peña", email="jcpena@coralia.example")
    assert len(with_short_names_folded([full, other, short.model_copy()])) == 3  # which Juan Carlos? both stay apart


def test_a_quoted_sender_with_a_name_alone_takes_the_address_and_title_of_their_own_card() -> None:
    quoted = ThreadMessage(
        id="m1#2", sender=Address(name="Dr. Petra Wolf", email=""), body="Ohne diese Punkte keine Empfehlung.",
        signature="Mit freundlichen Grüßen\nDr. Petra Wolf\nDatenschutzbeauftragte\nPflegeteam Mainauen GmbH\n"
                  "petra.wolf@mainauen.example",
    )  # fmt: skip
    read_card(quoted)
    ctx = ExtractionContext(account=AccountInfo(name="Pflegeteam Mainauen", domain="mainauen.example"),
                            rep=Party(name="R", email="r@us.example"), company_domains={"us.example"})  # fmt: skip
    people = collect_people([quoted], ctx)
    assert [(p.email, p.title) for p in people.values()] == [("petra.wolf@mainauen.example", "Datenschutzbeauftragte")]


def test_a_first_name_alone_after_a_courtesy_folds_into_the_one_full_name_it_starts() -> None:
    from agent.extract.people import HONORIFICS, is_customer

    # "Don Patricio, el fundador" in a note; Patricio Cañedo Ruiz spoke on the call (no address)
    short = Stakeholder(name=HONORIFICS.sub("", "Don Patricio"), title="Fundador", role="economic_buyer")
    full = Stakeholder(name="Patricio Cañedo Ruiz", title="Fundador y Director General", role="decision_maker")
    sofia = Stakeholder(name="Sofía Arámburo", email="s@b.example", role="champion")
    people = with_short_names_folded([short, full, sofia])
    assert [p.name for p in people] == ["Patricio Cañedo Ruiz", "Sofía Arámburo"]
    # a report's sender is a service, not a person of the account
    ctx = ExtractionContext(account=AccountInfo(name="B", domain="b.example"), rep=Party(name="R", email="r@us.example"),
                            company_domains={"us.example"})  # fmt: skip
    assert not is_customer("newsletter@kfz-benchmark.example", ctx)
    assert is_customer("newsroom.lead@b.example", ctx)
