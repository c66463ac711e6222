"""How they feel, how urgent, what built trust: the offline read, its merge, the Claude schema and the rendering."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from agent.document import (
    NOTHING_SHOWN,
    AccountInfo,
    Evidence,
    Extraction,
    HandoffDocument,
    Item,
    Party,
    Sections,
    SentimentPoint,
    Stakeholder,
    Urgency,
)
from agent.extract.base import ExtractionContext, normalize_for_quote, source_text
from agent.extract.claude import extraction_from_answer, output_schema, settle_feelings
from agent.extract.offline import OfflineExtractor
from agent.extract.sentiment import current_read, sentiment_signals
from agent.merge import merge_extraction
from agent.render import render_document, render_draft
from mailflows.inbound.mail import Address, ThreadMessage

REP = Party(name="Sam Rep", email="sam.rep@ourco.example")
IRIS = Address("Iris Vale", "iris.vale@pinewood.example")
OTTO = Address("Otto Brandt", "otto.brandt@pinewood.example")
NELL = Address("Nell Quist", "nell.quist@pinewood.example")
SAM = Address("Sam Rep", "sam.rep@ourco.example")


@pytest.fixture
def ctx() -> ExtractionContext:
    return ExtractionContext(
        account=AccountInfo(name="Pinewood Bakeries", domain="pinewood.example"),
        rep=REP,
        company_domains={"ourco.example"},
    )


def mail(n: int, sender: Address, body: str, when: date, to: list[Address] | None = None) -> ThreadMessage:
    sent = datetime(when.year, when.month, when.day, 10, 0, tzinfo=UTC)
    return ThreadMessage(id=f"m{n}", sender=sender, to=to or [SAM], date=sent, subject="Re: ovens", body=body)


async def read(ctx: ExtractionContext, *batches: list[ThreadMessage]) -> HandoffDocument:
    doc = HandoffDocument(account=ctx.account.model_copy(), rep=REP)
    for batch in batches:
        doc = merge_extraction(doc, await OfflineExtractor().extract(batch, ctx, doc))
    return doc


def person(doc: HandoffDocument, email: str) -> Stakeholder:
    return next(p for p in doc.sections.stakeholders if p.email == email)


SKEPTIC_MAIL = (
    "Sam,\n\nI'm not convinced we need another platform when the ERP has reports.\n"
    "I will not sign off on this until the oven data is mapped.\n\nOtto"
)
WON_OVER_MAIL = "Sam,\n\nThe mapping looks great. I'm sold, and the pilot has my support.\n\nOtto"


async def test_a_skeptic_is_read_as_skeptical_with_the_phrases_that_showed_it(ctx: ExtractionContext) -> None:
    doc = await read(ctx, [mail(1, OTTO, SKEPTIC_MAIL, date(2026, 2, 3))])
    otto = person(doc, OTTO.email)
    assert otto.sentiment == "skeptical"
    phrases = " | ".join(e.phrase for e in otto.sentiment_evidence)
    assert "not convinced" in phrases
    assert "will not sign off" not in phrases  # "… until the oven data is mapped" states a requirement, not a doubt
    source = normalize_for_quote(source_text(mail(1, OTTO, SKEPTIC_MAIL, date(2026, 2, 3))))
    assert all(normalize_for_quote(e.text) in source for e in otto.sentiment_evidence)


async def test_courtesy_alone_is_a_neutral_read_not_a_warm_one(ctx: ExtractionContext) -> None:
    body = "Hi Sam,\n\nThanks for the quick demo yesterday. We run nine bakeries and one central kitchen.\n\nIris"
    doc = await read(ctx, [mail(1, IRIS, body, date(2026, 2, 3))])
    iris = person(doc, IRIS.email)
    assert iris.sentiment == "neutral"  # she wrote, and nothing but courtesy showed
    assert iris.sentiment_history == []
    assert len([e for e in iris.sentiment_evidence if e.leaning == "positive"]) == 1  # kept for a later read


async def test_one_passage_that_shows_a_feeling_is_a_thin_read(ctx: ExtractionContext) -> None:
    body = "Hi Sam,\n\nI'm not convinced the oven sensors will report reliably.\n\nIris"
    doc = await read(ctx, [mail(1, IRIS, body, date(2026, 2, 3))])
    iris = person(doc, IRIS.email)
    assert iris.sentiment == "skeptical" and [e.leaning for e in iris.sentiment_evidence if e.leaning != "neutral"] == [
        "skeptical"
    ]


async def test_a_second_signal_in_a_later_mail_completes_the_read(ctx: ExtractionContext) -> None:
    first = "Hi Sam,\n\nThanks for the quick demo yesterday.\n\nIris"
    second = "Hi Sam,\n\nI'm excited about the oven alerts, this is exactly what we need.\n\nIris"
    doc = await read(ctx, [mail(1, IRIS, first, date(2026, 2, 3))], [mail(2, IRIS, second, date(2026, 2, 10))])
    iris = person(doc, IRIS.email)
    assert iris.sentiment in {"enthusiastic", "positive"}
    assert {e.source_id for e in iris.sentiment_evidence} == {"m1", "m2"}


async def test_a_skeptic_won_over_later_reads_warmer_and_the_history_shows_the_move(ctx: ExtractionContext) -> None:
    doc = await read(
        ctx, [mail(1, OTTO, SKEPTIC_MAIL, date(2026, 2, 3))], [mail(2, OTTO, WON_OVER_MAIL, date(2026, 3, 10))]
    )
    otto = person(doc, OTTO.email)
    assert otto.sentiment == "positive"
    assert [(p.date, p.sentiment) for p in otto.sentiment_history] == [
        (date(2026, 2, 3), "skeptical"),
        (date(2026, 3, 10), "positive"),
    ]


async def test_a_problem_they_describe_is_not_a_feeling_about_us(ctx: ExtractionContext) -> None:
    body = (
        "Sam,\n\nOur managers find out a batch burned when the customer calls to complain.\n"
        "We are in a hiring freeze, so the team is stretched.\n\nNell"
    )
    doc = await read(ctx, [mail(1, NELL, body, date(2026, 2, 3))])
    nell = person(doc, NELL.email)
    # a described problem is no doubt about us: whatever the overall read (feelings.py), it is not a cold one
    assert nell.sentiment in {"positive", "neutral"}
    assert [e.phrase for e in nell.sentiment_evidence] == [NOTHING_SHOWN]


async def test_a_colleague_named_before_the_cue_gets_the_evidence_not_the_writer(ctx: ExtractionContext) -> None:
    body = "Sam,\n\nOtto's remaining concern is support load on his team.\nLet us talk Tuesday.\n\nIris"
    doc = await read(ctx, [mail(1, IRIS, body, date(2026, 2, 3), to=[SAM, OTTO])])
    assert [e.phrase for e in person(doc, IRIS.email).sentiment_evidence] == [NOTHING_SHOWN]
    assert [e.phrase for e in person(doc, OTTO.email).sentiment_evidence] == ["concern is"]


def test_a_negated_praise_counts_as_doubt_and_a_condition_is_not_a_verdict() -> None:
    assert sentiment_signals("Honestly this does not look great to me.")[0][0] == "skeptical"
    assert sentiment_signals("If the connector is not native, I'm not interested.") == [
        ("skeptical", "I'm not interested")
    ]


def test_the_current_read_weighs_newer_evidence_more() -> None:
    def piece(leaning: str, day: int) -> Evidence:
        return Evidence(text=f"passage {day}", source_id=f"m{day}", leaning=leaning, date=date(2026, 3, day))  # type: ignore[arg-type]

    assert current_read([piece("skeptical", 1)]) == "unknown"
    assert current_read([piece("skeptical", 1), piece("positive", 2), piece("positive", 3)]) == "positive"
    assert current_read([piece("positive", 1), piece("skeptical", 2), piece("negative", 3)]) == "skeptical"


async def test_a_deadline_with_a_consequence_makes_the_account_urgent_with_its_dates(ctx: ExtractionContext) -> None:
    body = (
        "Sam,\n\nOur biggest grocer moves every supplier to a new scorecard on May 1, 2026, and the penalties "
        "get steeper.\nWe need the plant live by April 15, 2026.\n\nIris"
    )
    doc = await read(ctx, [mail(1, IRIS, body, date(2026, 2, 3))])
    assert doc.urgency.level == "high"
    assert doc.urgency.dates == [date(2026, 4, 15), date(2026, 5, 1)]
    assert any(r.startswith("a deadline with a consequence") for r in doc.urgency.reasons)
    assert any("penalt" in e.phrase for e in doc.urgency.evidence)


async def test_a_far_renewal_presses_only_a_little_and_no_rush_is_low(ctx: ExtractionContext) -> None:
    far = "Sam,\n\nOur current BI contract renews Feb 2027, so plan around that.\n\nIris"
    doc = await read(ctx, [mail(1, IRIS, far, date(2026, 3, 2))])
    assert doc.urgency.level == "medium"
    assert doc.urgency.dates == [date(2027, 2, 1)]
    calm = "Sam,\n\nThere is no rush on our side; whenever your team is ready works.\n\nNell"
    assert (await read(ctx, [mail(2, NELL, calm, date(2026, 3, 2))])).urgency.level == "low"


async def test_customer_mail_without_deadline_language_is_low_and_no_mail_leaves_it_unknown(
    ctx: ExtractionContext,
) -> None:
    body = "Sam,\n\nWe run nine bakeries and one central kitchen in Oregon.\n\nIris"
    doc = await read(ctx, [mail(1, IRIS, body, date(2026, 3, 2))])
    assert doc.urgency == Urgency(level="low")  # nothing presses: a careful reader says low, with no reason to cite
    assert HandoffDocument(account=ctx.account.model_copy(), rep=REP).urgency == Urgency()


async def test_trust_moments_come_from_either_side_and_quote_only_the_customer(ctx: ExtractionContext) -> None:
    ours = "Iris,\n\nGreat to see everyone at the on-site visit in Salem last week.\n\nSam"
    theirs = "Sam,\n\nThanks for the quick fix on the oven feed, that saved our Monday.\n\nIris"
    plan = "Iris,\n\nWe will run an on-site training day in May.\n\nSam"
    doc = await read(
        ctx,
        [
            mail(1, SAM, ours, date(2026, 3, 2), to=[IRIS]),
            mail(2, IRIS, theirs, date(2026, 3, 3)),
            mail(3, SAM, plan, date(2026, 3, 4), to=[IRIS]),
        ],
    )
    texts = [i.text for i in doc.relationship]
    assert any("on-site visit" in t for t in texts) and any("quick fix" in t for t in texts)
    assert not any("training day" in t for t in texts)  # a promise is a commitment, not a moment yet
    visit = next(i for i in doc.relationship if "on-site visit" in i.text)
    fix = next(i for i in doc.relationship if "quick fix" in i.text)
    assert visit.quotes == [] and fix.quotes[0].speaker == IRIS.email


async def test_personal_details_in_customer_mail_never_reach_the_document(ctx: ExtractionContext) -> None:
    body = "Sam,\n\nI'll be on parental leave from August. I coach my daughter's soccer team on weekends.\n\nIris"
    doc = await read(ctx, [mail(1, IRIS, body, date(2026, 3, 2))])
    assert doc.sections.rep_perspective == []
    assert doc.relationship == []


def test_merge_keeps_a_known_read_when_a_newer_extraction_has_none_and_accumulates_history() -> None:
    doc = HandoffDocument(account=AccountInfo(name="Pinewood"))
    day1 = SentimentPoint(date=date(2026, 2, 3), sentiment="skeptical", source_id="m1")
    first = Stakeholder(name="Otto Brandt", email="otto@p.example", sentiment="skeptical", sentiment_history=[day1])
    doc = merge_extraction(doc, Extraction(sections=Sections(stakeholders=[first])))
    doc = merge_extraction(
        doc, Extraction(sections=Sections(stakeholders=[Stakeholder(name="Otto Brandt", email="otto@p.example")]))
    )
    assert doc.sections.stakeholders[0].sentiment == "skeptical"
    day2 = SentimentPoint(date=date(2026, 3, 1), sentiment="positive", source_id="m2")
    later = Stakeholder(name="Otto Brandt", email="otto@p.example", sentiment="positive", sentiment_history=[day2])
    doc = merge_extraction(doc, Extraction(sections=Sections(stakeholders=[later])))
    otto = doc.sections.stakeholders[0]
    assert otto.sentiment == "positive" and [p.sentiment for p in otto.sentiment_history] == ["skeptical", "positive"]


def test_merge_takes_the_highest_urgency_and_keeps_every_reason_and_date() -> None:
    doc = HandoffDocument(account=AccountInfo(name="Pinewood"))
    high = Urgency(level="high", reasons=["a board deadline: the board meets June 1"], dates=[date(2026, 6, 1)])
    low = Urgency(level="medium", reasons=["a budget cycle: fiscal year ends"], dates=[date(2026, 6, 30)])
    doc = merge_extraction(doc, Extraction(urgency=high))
    doc = merge_extraction(doc, Extraction(urgency=low))
    assert doc.urgency.level == "high"
    assert doc.urgency.dates == [date(2026, 6, 1), date(2026, 6, 30)]
    assert len(doc.urgency.reasons) == 2
    exported = doc.export()
    assert exported["urgency"]["dates"] == ["2026-06-01", "2026-06-30"]  # type: ignore[index]
    assert exported["sections"]["stakeholders"] == []  # type: ignore[index]


def test_claude_schema_asks_for_the_new_fields_and_a_read_without_evidence_is_withdrawn(
    ctx: ExtractionContext,
) -> None:
    schema = output_schema()
    person_props = schema["properties"]["sections"]["properties"]["stakeholders"]["items"]["properties"]
    assert "sentiment" in person_props and "sentiment_evidence" in person_props
    assert "sentiment_history" not in person_props
    assert set(schema["properties"]["urgency"]["properties"]) >= {"level", "reasons", "dates"}
    answer = {
        "sections": {
            "stakeholders": [
                {"name": "Otto Brandt", "source_ids": ["m1"], "sentiment": "skeptical",
                 "sentiment_evidence": [{"text": "I'm not convinced we need another platform", "source_id": "m1",
                                         "phrase": "not convinced", "leaning": "skeptical"},
                                        {"text": "not a passage of any mail", "source_id": "m9",
                                         "phrase": "x", "leaning": "negative"}]},
                {"name": "Iris Vale", "source_ids": ["m1"], "sentiment": "enthusiastic"},
            ]
        },
        "urgency": {"level": "high", "reasons": ["a go-live before the grocer's scorecard"], "dates": ["2026-05-01"]},
        "relationship": [{"text": "On-site visit in Salem built trust.", "source_ids": ["m1"]}],
    }  # fmt: skip
    extraction, problems = extraction_from_answer(answer, ctx, ["m1"])
    settle_feelings(extraction, [mail(1, OTTO, SKEPTIC_MAIL, date(2026, 2, 3))])
    otto, iris = extraction.sections.stakeholders
    assert otto.sentiment == "skeptical" and len(otto.sentiment_evidence) == 1
    assert otto.sentiment_evidence[0].date == date(2026, 2, 3)
    assert [p.sentiment for p in otto.sentiment_history] == ["skeptical"]
    assert iris.sentiment == "unknown"  # no passage shows it
    assert any("evidence[1] dropped" in p for p in problems)
    assert extraction.urgency is not None and extraction.urgency.dates == [date(2026, 5, 1)]
    assert [i.text for i in extraction.relationship] == ["On-site visit in Salem built trust."]


def feeling_doc() -> HandoffDocument:
    otto = Stakeholder(
        name="Otto Brandt",
        email="otto.brandt@pinewood.example",
        sentiment="positive",
        sentiment_evidence=[
            Evidence(text="I'm not convinced <yet>", source_id="m1", phrase="not convinced", leaning="skeptical",
                     date=date(2026, 2, 3)),
            Evidence(text="The pilot has my support.", source_id="m2", phrase="has my support", leaning="positive",
                     date=date(2026, 3, 10)),
        ],
        sentiment_history=[
            SentimentPoint(date=date(2026, 2, 3), sentiment="skeptical", source_id="m1"),
            SentimentPoint(date=date(2026, 3, 10), sentiment="positive", source_id="m2"),
        ],
    )  # fmt: skip
    return HandoffDocument(
        account=AccountInfo(name="Pinewood Bakeries"),
        rep=REP,
        sections=Sections(stakeholders=[otto, Stakeholder(name="Iris Vale")]),
        urgency=Urgency(
            level="high", reasons=["a go-live before the scorecard: live by May 1"], dates=[date(2026, 5, 1)]
        ),
        relationship=[Item(text="On-site visit in Salem", source_ids=["m3"])],
    )


def test_every_format_shows_how_each_person_feels_with_them_and_urgency_before_the_other_sections() -> None:
    doc = feeling_doc()
    doc.sections.pain_points = [Item(text="Scorecards by hand", source_ids=["m1"])]
    for fmt in ("txt", "md", "html"):
        out = render_document(doc, fmt)  # type: ignore[arg-type]
        low = out.lower()
        assert low.index("stakeholder map") < low.index("how urgent") < low.index("pain points")
        people = out[low.index("stakeholder map") : low.index("how urgent")]
        assert "Otto Brandt" in people and "has my support" in people and "positive" in people
        assert "skeptical (2026-02-03) → positive (2026-03-10)" in people
        not_known = out[low.index("not known yet") :]
        assert "Iris Vale" in not_known and "no read yet" in not_known  # named as "no read yet", not guessed
        assert "Fri 01 May 2026" in out and "On-site visit in Salem" in out
    assert "&lt;yet&gt;" not in render_document(doc, "html")  # only the latest agreeing passage is shown


def test_the_draft_asks_the_rep_to_confirm_the_sentiment_read() -> None:
    from types import SimpleNamespace

    from agent.questions import questions_for

    questions = questions_for(feeling_doc(), SimpleNamespace(csm_email=None))  # type: ignore[arg-type]
    asked = [q for q in questions if q.section == "stakeholders" and "Otto positive" in q.text]
    assert len(asked) == 1 and "Iris" in asked[0].text
    text, html = render_draft(feeling_doc(), [], [], [], [])
    assert text.index("STAKEHOLDER MAP") < text.index("HOW URGENT") < text.index("NOT KNOWN YET")
    assert "How urgent" in html


@pytest.mark.parametrize(
    ("text", "leaning"),
    [
        ("I will not sign off without the accessibility report.", None),
        ("Ich gebe nichts frei, bevor die Datenschutzprüfung durch ist.", None),
        ("I won't sign off on this, it's too risky for us.", "skeptical"),
        ("We have approved the three-year term this morning.", "positive"),
        ("Der Vorstand hat die Beauftragung heute beschlossen.", "positive"),
        ("Hemos aprobado la propuesta en el comité.", "positive"),
    ],
)
def test_a_refusal_until_something_is_done_is_a_requirement_and_an_approval_is_support(
    text: str, leaning: str | None
) -> None:
    from agent.extract.sentiment import sentiment_signals

    assert [found for found, _phrase in sentiment_signals(text)][:1] == ([leaning] if leaning else [])


@pytest.mark.parametrize(
    ("text", "leanings"),
    [
        # a decision still wanted, or a participle naming a thing, is no approval
        ("Jede Änderung am Berechtigungskonzept muss vom Datenschutz freigegeben werden.", []),
        ("Le rapport d'audit doit être validé par notre qualité avant tout déploiement.", []),
        ("El monto aprobado para la fase uno es de 80 mil dólares.", []),
        ("The approval has to come from the audit committee.", []),
        ("Le comité a validé le budget ce matin.", ["positive"]),
        ("La dirección ha aprobado el piloto en Monterrey.", ["positive"]),
        # a feeling disowned, then a point conceded: no warmth, some of each
        ("I won't pretend we're thrilled about yet another portal, but the numbers are hard to argue with.",
         ["skeptical", "positive"]),
        ("Je ne vais pas prétendre que nous sommes ravis, mais les gains sont difficiles à contester.",
         ["skeptical", "positive"]),
        ("Ich will nicht behaupten, dass wir begeistert sind, aber die Zahlen sind schwer zu widerlegen.",
         ["skeptical", "positive"]),
        ("No voy a fingir que estamos encantados, pero el ahorro es difícil de rebatir.", ["skeptical", "positive"]),
    ],
)  # fmt: skip
def test_a_decision_still_wanted_is_no_approval_and_a_disowned_feeling_is_no_warmth(
    text: str, leanings: list[str]
) -> None:
    assert sorted(found for found, _phrase in sentiment_signals(text)) == sorted(leanings)


@pytest.mark.parametrize(
    ("note", "name", "leaning"),
    [
        ("Otto isn't against us, he is just swamped with the audit.", "Otto Brandt", None),
        ("Otto ist nicht dagegen, aber er will erst den Betriebsrat hören.", "Otto Brandt", "skeptical"),
        ("Otto n'est pas contre nous, mais il veut attendre la clôture annuelle.", "Otto Brandt", "skeptical"),
        ("Otto is against the rollout this year.", "Otto Brandt", "skeptical"),
        # what they report of someone else is not the rep's read of them
        ("Iris meint, der Einkauf ist skeptisch wegen der Lizenzkosten.", "Iris Vale", None),
        ("Iris dice que el comité está en contra de otra herramienta.", "Iris Vale", None),
    ],
)
def test_the_reps_note_on_a_person_weighs_denials_and_leaves_out_what_they_report(
    note: str, name: str, leaning: str | None
) -> None:
    from agent.extract.sentiment import _notes_read

    people = [Stakeholder(name="Otto Brandt"), Stakeholder(name="Iris Vale")]
    read = _notes_read(note, people)
    assert (read[1][0] if read else None) == leaning
    assert read is None or read[0].name == name


def test_a_day_or_month_is_not_someone_else_the_feeling_belongs_to() -> None:
    from agent.extract.sentiment import THIRD_PARTY

    assert THIRD_PARTY.search("the saving from last Black Friday is hard to argue with") is None
    assert THIRD_PARTY.search("Anand is going to ask why") is not None


@pytest.mark.parametrize(
    ("text", "doubt"),
    [
        ("It looks nice, but we'll see.", True),
        ("Well, we'll see if the stores actually use it.", True),
        ("I'd like you to present to our board: twenty minutes on what we'll see by the autumn.", False),
        ("We'll see the first results in May, after the pilot.", False),
    ],
)
def test_we_will_see_is_a_doubt_only_as_a_wait_and_see(text: str, doubt: bool) -> None:
    assert (("skeptical", "we'll see") in [(x, p.lower()) for x, p in sentiment_signals(text)]) is doubt
