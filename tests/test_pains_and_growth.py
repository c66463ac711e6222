"""Pain points and expansion by what a sentence does: the cost of today, another unit that may come on later."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agent.document import AccountInfo, HandoffDocument, Party, Stakeholder
from agent.extract.answers import read_reply
from agent.extract.base import ExtractionContext
from agent.extract.classify import place
from agent.extract.offline import OfflineExtractor, names_topic
from agent.extract.shapes import shape_sections
from agent.extract.speakers import asked_about, read_units
from agent.extract.units import Unit
from mailflows.inbound.mail import Address, ThreadMessage, Turn


@pytest.fixture
def ctx() -> ExtractionContext:
    return ExtractionContext(
        account=AccountInfo(name="Marlow Foundry", domain="marlowfoundry.example"),
        rep=Party(name="Ines Rep", email="ines.rep@ourco.example"),
        company_domains={"ourco.example"},
    )


def _unit(text: str) -> Unit:
    return Unit(text, text, "m1", "Ola Brandt", "ola@marlowfoundry.example", "customer", None, None, False)


@pytest.mark.parametrize(
    "text",
    [
        "Our three schedulers lose a full day every week rebuilding the casting plan.",
        "We usually find out about a cracked mould from the customer, not from inspection.",
        "The quality figures from the two plants never agree, so every review starts with an argument.",
        "The export macro crashes every time the ERP gets patched.",
        "We have 60 open change requests sitting with the one engineer who knows the tool.",
        "Two of our melt supervisors quit this spring, worn down by the paperwork.",
        "Die Meister verbringen jeden Freitag zwei Stunden mit der Schichtübergabe auf Papier.",
        "Les chefs d'atelier passent trois heures par semaine à ressaisir les rebuts.",
        "Los supervisores pasan dos horas cada lunes copiando las paradas a mano.",
        "La revisión del año pasado nos costó cinco semanas de trabajo solo para rehacer los datos.",
        "Our first-pass yield slipped to 81% this winter and nobody can say which line caused it.",
        "The sales figures reach the plants three weeks late, so the schedule is always behind.",
        "Les relevés des capteurs arrivent avec deux semaines de retard.",
        "Three senior welders have left this year, tired of the double shifts.",
        "Which alloys to stock is a coin toss, and honestly we're guessing every quarter.",
    ],
)
def test_the_cost_of_today_has_the_shape_of_a_pain_point(text: str) -> None:
    assert "pain_points" in shape_sections(text)


@pytest.mark.parametrize(
    "text",
    [
        "Next quarter we want the dashboard to show scrap by shift.",
        "The integration is live in both plants since March.",
    ],
)
def test_a_goal_or_a_plan_is_not_a_pain_point(text: str) -> None:
    assert "pain_points" not in shape_sections(text)


def test_only_to_in_spanish_is_no_team_of_one() -> None:
    assert "risks" not in shape_sections("Nos costó tres semanas solo para reconstruir los informes.")
    assert "risks" in shape_sections("En sistemas estoy sola desde marzo.")


@pytest.mark.parametrize(
    "text",
    [
        "Our sister company in Leeds has exactly the same scheduling mess.",
        "We are merging with a smaller foundry, which adds four more plants.",
        "Die Schwesterfirma in Linz hat genau die gleichen Probleme.",
        "I've set aside money for a second phase that would bring in the machining side.",
        "The tooling team keeps asking for the same dashboards.",
        "There is budget in FY28 for adding the quality engineers, about 20 seats.",
    ],
)
def test_another_unit_with_the_same_trouble_or_a_funded_later_phase_is_expansion(text: str) -> None:
    assert "expansion" in shape_sections(text)


def test_an_expansion_shape_files_a_sentence_that_names_no_time_to_come() -> None:
    unit = _unit("Our sister company in Leeds has exactly the same scheduling mess.")
    probs = {"expansion": 0.25, "company_overview": 0.3, "pain_points": 0.2, "none": 0.25}
    assert place(unit, probs) == "expansion"


def _mail(body: str) -> ThreadMessage:
    return ThreadMessage(
        id="m1",
        sender=Address("Ola Brandt", "ola@marlowfoundry.example"),
        date=datetime(2026, 4, 2, 9, 0, tzinfo=UTC),
        subject="Where we are",
        body=body,
    )


async def test_a_short_sentence_pointing_back_is_read_with_the_one_before(ctx: ExtractionContext) -> None:
    body = (
        "If the casting plan works out, our machining business in Porto has twelve cells with the same problem. "
        "They'd want it too."
    )
    doc = HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep)
    extraction = await OfflineExtractor().extract([_mail(body)], ctx, doc)
    (item,) = [i for i in extraction.sections.expansion if "want it too" in i.text]
    assert "Porto" in item.text
    assert {q.text for q in item.quotes} >= {"They'd want it too."}


async def test_a_cost_that_ends_on_it_keeps_the_thing_it_costs(ctx: ExtractionContext) -> None:
    body = (
        "The weekly yield review is the worst part. Our plant controller spends two full days every week building it."
    )
    doc = HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep)
    extraction = await OfflineExtractor().extract([_mail(body)], ctx, doc)
    assert any("yield review" in i.text and "two full days" in i.text for i in extraction.sections.pain_points), (
        extraction.sections.pain_points
    )


async def test_the_it_department_is_no_pronoun_and_an_upside_label_files_expansion(ctx: ExtractionContext) -> None:
    body = (
        "Notes after the signing call.\n"
        "Risk: the plant historian sits on-prem and their IT has a single admin.\n"
        "Upside: they are bidding for two foundries in Brno; if they win, both would join the platform."
    )
    mail = ThreadMessage(
        id="n1", sender=Address("Ines Rep", "ines.rep@ourco.example"),
        date=datetime(2026, 4, 2, 9, 0, tzinfo=UTC), subject="Marlow Foundry - notes", body=body,
    )  # fmt: skip
    doc = HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep)
    extraction = await OfflineExtractor().extract([mail], ctx, doc)
    assert [i.text for i in extraction.sections.risks if "historian" in i.text] == [
        "the plant historian sits on-prem and their IT has a single admin."
    ]
    assert any("Brno" in i.text for i in extraction.sections.expansion)


async def test_our_question_on_a_call_heads_the_customers_answer(ctx: ExtractionContext) -> None:
    call = ThreadMessage(
        id="t1",
        kind="transcript",
        date=datetime(2026, 4, 2, 9, 0, tzinfo=UTC),
        body="",
        turns=[
            Turn(speaker="Ines Rep", text="Thanks for the time. What is the biggest problem today?"),
            Turn(speaker="Ola Brandt", text="Honestly the casting plan. It lives in one planner's head."),
            Turn(speaker="Ines Rep", text="Got it. Who else joins next week?"),
            Turn(speaker="Ola Brandt", text="Our plant controller and the melt shop lead."),
        ],
    )
    doc = HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep)
    units = read_units([call], ctx, doc)
    heads = {unit.text: unit.heading for unit in units if unit.author == "customer"}
    assert heads["It lives in one planner's head."] == "pain_points"
    assert heads["Our plant controller and the melt shop lead."] is None


@pytest.mark.parametrize(
    ("turn", "section"),
    [
        ("Thanks. What does success look like at six months?", "success_metrics"),
        ("Danke. Was wäre nach einem Jahr ein Erfolg?", "success_metrics"),
        ("Where are the biggest problems right now?", "pain_points"),
        ("Can you walk us through how the orders flow today?", None),
        ("Who else should be on the next call?", None),
        ("That is the part we would automate.", None),
    ],
)
def test_only_a_question_about_a_section_heads_the_answer(turn: str, section: str | None) -> None:
    assert asked_about(turn) == section


def test_growth_a_customer_named_in_the_reply_spoke_of_is_expansion_not_the_reps_read(ctx: ExtractionContext) -> None:
    doc = HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep)
    doc.sections.stakeholders = [
        Stakeholder(name="Ola Brandt", email="ola@marlowfoundry.example"),
        Stakeholder(name="Kai Moreno", email="kai@marlowfoundry.example"),
    ]
    body = (
        "Thanks, looks good.\n\n"
        "On the signing call Ola said that if the casting plan works, the machining plant in Porto is next, "
        "probably early next year.\n\n"
        "Kai also wants roughly 30 more seats for the shift leads once the pilot is over.\n\n"
        "Ola is the real decision maker and Kai is a quiet supporter.\n"
    )
    reply = ThreadMessage(id="r1", sender=Address("Ines Rep", "ines.rep@ourco.example"), body=body)
    answers = read_reply(reply, ctx, doc, [])
    assert [i.text[:30] for i in answers.sections.expansion] == [
        "On the signing call Ola said t",
        "Kai also wants roughly 30 more",
    ]
    assert [i.text for i in answers.sections.rep_perspective] == [
        "Ola is the real decision maker and Kai is a quiet supporter."
    ]


@pytest.mark.parametrize(
    ("line", "topic"),
    [("Scrap reporting.", True), ("Die Schichtübergabe.", True), ("Good question.", False), ("Sure, thanks.", False),
     ("Scrap is the worst.", False), ("12 plants.", False)],
)  # fmt: skip
def test_a_bare_topic_is_two_to_four_words_without_a_verb_or_a_courtesy(line: str, topic: bool) -> None:
    assert names_topic(line) is topic


async def test_a_bare_topic_before_a_cost_stays_with_it(ctx: ExtractionContext) -> None:
    body = "Scrap reporting. Every month two engineers lose four days matching the scale tickets against the ERP."
    doc = HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep)
    extraction = await OfflineExtractor().extract([_mail(body)], ctx, doc)
    assert any(i.text.startswith("Scrap reporting. Every month") for i in extraction.sections.pain_points)


@pytest.mark.parametrize("people", ["People:", "Die Leute:", "Les gens :", "Personas:"])
def test_the_reps_own_numbered_headings_file_their_lists_whatever_our_question_numbers_were(
    ctx: ExtractionContext, people: str
) -> None:
    from agent.extract.base import Question

    doc = HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep)
    doc.sections.stakeholders = [Stakeholder(name="Ola Brandt"), Stakeholder(name="Kai Moreau")]
    body = (
        "1) Metrics we settled with Ola:\n"
        "   - in 90 days: the scrap report out by the 2nd working day\n"
        "   - within a year: scrap down from 4.1% to 2.5%\n\n"
        f"2) {people}\n"
        "   - Ola decides, Kai follows her lead on anything above the plant budget.\n"
        "   - Kai is a keen sailor, ask him about the regatta.\n"
    )
    questions = [Question(1, "implementation", "Which systems?"), Question(2, "expansion", "Where could they grow?")]
    reply = ThreadMessage(id="r1", sender=Address("Ines Rep", "ines.rep@ourco.example"), body=body)
    answers = read_reply(reply, ctx, doc, questions)
    assert [i.horizon for i in answers.sections.success_metrics] == ["90d", "1y"]
    assert len(answers.sections.rep_perspective) == 2 and not answers.sections.expansion
    assert not answers.sections.implementation


def test_a_named_vendor_in_a_sentence_only_weakly_read_as_a_reason_is_competition() -> None:
    from agent.extract.offline import _is_competition

    weak = {"purchase_drivers": 0.2, "competitive_context": 0.18, "commitments": 0.24}
    sure = {"purchase_drivers": 0.6, "competitive_context": 0.1}
    assert _is_competition("named", "purchase_drivers", weak)  # "Qlik dropped after the first call, 2x our price"
    assert not _is_competition("named", "purchase_drivers", sure)  # the vendor is part of a reason to buy
    assert _is_competition("named", "implementation", sure)
