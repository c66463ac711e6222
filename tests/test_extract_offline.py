"""The offline extractor on hand-written mail: sections, people, competitors, promises and gap answers."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from agent.document import AccountInfo, HandoffDocument, Party
from agent.extract.base import ExtractionContext, Question, normalize_for_quote
from agent.extract.dates import resolve_due
from agent.extract.offline import OfflineExtractor
from agent.merge import merge_extraction
from mailflows.inbound.mail import Address, ThreadMessage
from mailflows.inbound.signatures import stored_message

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "extract" / "thread.json").read_text())


@pytest.fixture
def ctx() -> ExtractionContext:
    return ExtractionContext(
        account=AccountInfo(name="Pinewood Bakeries", domain="pinewood.example"),
        rep=Party(name="Sam Rep", email="sam.rep@ourco.example"),
        company_domains={"ourco.example"},
    )


def _message(key: str) -> ThreadMessage:
    return stored_message(FIXTURE[key])


async def _document_of(ctx: ExtractionContext, sender: Address, body: str, day: date) -> HandoffDocument:
    """The document the offline reader makes of one message ``sender`` wrote on ``day``."""
    when = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
    mail = ThreadMessage(id="m1", sender=sender, date=when, subject="Re: rollout", body=body)
    doc = HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep)
    return merge_extraction(doc, await OfflineExtractor().extract([mail], ctx, doc))


async def _extract(ctx: ExtractionContext) -> HandoffDocument:
    doc = HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep)
    sources = [_message("customer_mail"), _message("our_mail")]
    extraction = await OfflineExtractor().extract(sources, ctx, doc)
    return merge_extraction(doc, extraction)


@pytest.mark.parametrize(
    ("phrase", "anchor", "expected"),
    [
        ("I'll send it by Friday.", date(2026, 2, 18), date(2026, 2, 20)),
        ("by end of next week", date(2026, 1, 29), date(2026, 2, 6)),
        ("the countersigned copy by Tuesday", date(2026, 3, 27), date(2026, 3, 31)),
        ("live by the end of Q3", date(2026, 5, 2), date(2026, 9, 30)),
        ("in two weeks", date(2026, 4, 1), date(2026, 4, 15)),
        ("production-ready by May 15, 2026", date(2026, 3, 9), date(2026, 5, 15)),
        ("a summary by Thursday the 21st", date(2026, 5, 12), date(2026, 5, 21)),
        ("the mock-up by 4/17", date(2026, 4, 2), date(2026, 4, 17)),
    ],
)
def test_due_dates_resolve_against_the_day_the_promise_was_made(phrase: str, anchor: date, expected: date) -> None:
    assert resolve_due(phrase, anchor) == expected


def test_business_days_count_from_the_signature_only_when_it_is_known() -> None:
    text = "A named engineer assigned within 5 business days of signature."
    assert resolve_due(text, date(2026, 3, 9)) is None
    assert resolve_due(text, date(2026, 3, 9), signed=date(2026, 3, 27)) == date(2026, 4, 3)


async def test_customer_mail_fills_sections_with_verbatim_customer_quotes(ctx: ExtractionContext) -> None:
    doc = await _extract(ctx)
    customer = _message("customer_mail")
    assert any("Excel" in item.text for item in doc.sections.pain_points)
    metric = next(item for item in doc.sections.success_metrics if "zero analyst hours" in item.text)
    assert metric.horizon == "90d"
    assert any("650 employees" in item.text for item in doc.sections.company_overview)
    for key in ("pain_points", "success_metrics", "company_overview", "competitive_context"):
        for item in doc.sections.items(key):
            assert item.source_ids
            for quote in item.quotes:
                assert normalize_for_quote(quote.text) in normalize_for_quote(customer.body)
                assert quote.speaker == "ivy.tran@pinewood.example"
    assert doc.account.size and "650" in doc.account.size


async def test_competitors_are_named_and_absent_sections_stay_empty(ctx: ExtractionContext) -> None:
    doc = await _extract(ctx)
    assert [item.competitor for item in doc.sections.competitive_context] == ["Tableau"]
    assert doc.sections.expansion == [] and doc.sections.rep_perspective == []
    assert "expansion" in doc.missing


async def test_stakeholders_come_from_the_customer_side_with_signature_titles(ctx: ExtractionContext) -> None:
    doc = await _extract(ctx)
    assert [(s.email, s.title, s.role) for s in doc.sections.stakeholders] == [
        ("ivy.tran@pinewood.example", "Chief Financial Officer", "economic_buyer")
    ]


async def test_our_promise_becomes_an_informal_dated_commitment_and_is_never_quoted(ctx: ExtractionContext) -> None:
    doc = await _extract(ctx)
    (promise,) = doc.sections.commitments
    assert "template" in promise.text
    assert (promise.owner, promise.due, promise.informal, promise.time_sensitive) == (
        "us",
        date(2026, 3, 6),
        True,
        True,
    )
    quoted = [q.text for key in ("pain_points", "commitments") for item in doc.sections.items(key) for q in item.quotes]
    assert not any("painful, I agree" in text or "template" in text for text in quoted)


async def test_injected_instructions_never_reach_the_document(ctx: ExtractionContext) -> None:
    doc = await _extract(ctx)
    dumped = json.dumps(doc.export()).lower()
    assert "ignore previous instructions" not in dumped
    assert "evil.example" not in dumped


async def test_rep_answers_land_in_expansion_and_rep_perspective_without_quotes(ctx: ExtractionContext) -> None:
    doc = await _extract(ctx)
    reply = ThreadMessage(id="reply-1", body=FIXTURE["rep_reply"])
    questions = [
        Question(n=1, section="expansion", text="Expansion?"),
        Question(n=2, section="rep_perspective", text="?"),
    ]
    answers = await OfflineExtractor().read_answers(reply, ctx, doc, questions)
    assert any("frozen division" in item.text for item in answers.sections.expansion)
    perspective = [item.text for item in answers.sections.rep_perspective]
    assert any("decision maker" in text for text in perspective)
    assert any("marathons" in text for text in perspective)
    assert all(not item.quotes for key in ("expansion", "rep_perspective") for item in answers.sections.items(key))


DEAL = json.loads((Path(__file__).parent / "fixtures" / "extract" / "deal.json").read_text())


def _deal(key: str) -> ThreadMessage:
    return stored_message(DEAL[key])


async def test_transcript_quotes_only_customer_speakers_and_never_the_vendor_engineer(ctx: ExtractionContext) -> None:
    doc = HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep)
    extraction = await OfflineExtractor().extract([_deal("transcript")], ctx, doc)
    speakers = {
        q.speaker
        for key in ("pain_points", "competitive_context", "implementation", "purchase_drivers", "risks")
        for item in extraction.sections.items(key)
        for q in item.quotes
    }
    assert speakers == {"Ivy Tran"}
    assert any("$40,000" in item.text for item in extraction.sections.pain_points)
    (domo,) = extraction.sections.competitive_context
    assert domo.competitor == "Domo"
    (promise,) = extraction.sections.commitments
    assert promise.due == date(2026, 2, 13) and promise.informal


async def test_proposal_promises_are_formal_and_get_their_due_date_once_the_signature_is_known(
    ctx: ExtractionContext,
) -> None:
    extractor = OfflineExtractor()
    doc = HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep)
    doc = merge_extraction(doc, await extractor.extract([_deal("proposal")], ctx, doc))
    engineer = next(item for item in doc.sections.commitments if "engineer" in item.text)
    live = next(item for item in doc.sections.commitments if "live by" in item.text)
    assert (engineer.due, engineer.informal, live.due, live.informal) == (None, False, date(2026, 4, 30), False)
    signed = await extractor.extract([_deal("signed")], ctx, doc)
    assert signed.contract_signed == date(2026, 3, 13)
    doc = merge_extraction(doc, signed)
    engineer = next(item for item in doc.sections.commitments if "engineer" in item.text)
    assert engineer.due == date(2026, 3, 20) and engineer.time_sensitive
    assert len(doc.sections.commitments) == 2


async def test_an_auto_reply_adds_its_sender_but_no_text_and_nobody_it_names(ctx: ExtractionContext) -> None:
    # a CFO known only by the out-of-office sent at signing is still a stakeholder
    doc = HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep)
    extraction = await OfflineExtractor().extract([_deal("ooo")], ctx, doc)
    ooo = _deal("ooo")
    assert [s.email for s in extraction.sections.stakeholders] == [ooo.sender.email if ooo.sender else None]
    assert "rob.stone" not in json.dumps(extraction.model_dump(mode="json"))
    items = [
        i for key in ("pain_points", "risks", "implementation", "commitments") for i in extraction.sections.items(key)
    ]
    assert items == []


async def test_a_tentative_signature_sets_no_contract_date(ctx: ExtractionContext) -> None:
    message = stored_message(
        {**DEAL["signed"], "body": "It stays tentative until the order form is signed, which we expect this week."}
    )
    doc = HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep)
    assert (await OfflineExtractor().extract([message], ctx, doc)).contract_signed is None


async def test_numbered_answers_go_to_the_section_their_question_asked_about(ctx: ExtractionContext) -> None:
    doc = await _extract(ctx)
    reply = ThreadMessage(id="reply-2", body=DEAL["numbered_reply"])
    questions = [Question(n=1, section="expansion", text="?"), Question(n=2, section="rep_perspective", text="?")]
    answers = await OfflineExtractor().read_answers(reply, ctx, doc, questions)
    assert [item.text for item in answers.sections.expansion] == [
        "They want to add the frozen division next year, about 40 seats."
    ]
    assert any("hockey" in item.text for item in answers.sections.rep_perspective)
    dumped = json.dumps(answers.model_dump(mode="json"))
    assert "dana.lee" not in dumped


async def test_a_numbered_list_under_a_heading_keeps_the_heading_whatever_the_draft_asked(
    ctx: ExtractionContext,
) -> None:
    doc = await _extract(ctx)
    body = (
        "Answers below.\n\nOn the people:\n"
        "1. Renata signs, nobody else.\n"
        "2. Ollie is a quiet champion, coaches his daughter's soccer team on Saturdays.\n\n"
        "Sam"
    )
    questions = [Question(n=1, section="expansion", text="?"), Question(n=2, section="success_metrics", text="?")]
    answers = await OfflineExtractor().read_answers(ThreadMessage(id="reply-3", body=body), ctx, doc, questions)
    assert answers.sections.expansion == [] and answers.sections.success_metrics == []
    assert [i.text for i in answers.sections.rep_perspective] == [
        "Renata signs, nobody else.",
        "Ollie is a quiet champion, coaches his daughter's soccer team on Saturdays.",
    ]


async def test_nothing_new_yields_an_empty_extraction(ctx: ExtractionContext) -> None:
    doc = HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep)
    extraction = await OfflineExtractor().extract([], ctx, doc)
    assert extraction.sections.filled() == [] and extraction.contract_signed is None


async def test_crm_rows_with_other_column_names_give_people_titles_and_dated_promises(ctx: ExtractionContext) -> None:
    doc = HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep)
    extraction = await OfflineExtractor().extract([_deal("crm")], ctx, doc)
    (rosa,) = extraction.sections.stakeholders
    assert (rosa.email, rosa.title, rosa.role) == ("rosa.diaz@pinewood.example", "Plant Manager, Tacoma", "user")
    (promise,) = extraction.sections.commitments
    assert promise.due == date(2026, 4, 2) and promise.owner == "us"


async def test_a_signature_card_left_in_the_body_still_gives_the_title_and_the_disclaimer_stays_out(
    ctx: ExtractionContext,
) -> None:
    doc = HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep)
    extraction = await OfflineExtractor().extract([_deal("card_in_body")], ctx, doc)
    (omar,) = extraction.sections.stakeholders
    assert (omar.title, omar.role) == ("Chief Financial Officer", "economic_buyer")
    assert any("ceiling" in item.text for item in extraction.sections.purchase_drivers)
    assert "intended only" not in json.dumps(extraction.model_dump(mode="json"))


async def test_a_company_profile_paragraph_stays_one_item(ctx: ExtractionContext) -> None:
    message = stored_message(
        {
            **FIXTURE["customer_mail"],
            "body": "Pinewood Bakeries is a regional wholesale bakery. We run 9 plants across three states "
            "and have about 650 employees.",
        }
    )
    doc = HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep)
    extraction = await OfflineExtractor().extract([message], ctx, doc)
    (profile,) = extraction.sections.company_overview
    assert "wholesale bakery" in profile.text and "650 employees" in profile.text
    assert len(profile.quotes) == 2
    assert extraction.account is not None and extraction.account.industry == "regional wholesale bakery"


async def test_the_reps_read_keeps_each_person_in_one_findable_item(ctx: ExtractionContext) -> None:
    doc = await _extract(ctx)
    reply = ThreadMessage(id="reply-3", body=DEAL["people_reply"])
    answers = await OfflineExtractor().read_answers(reply, ctx, doc, [])
    texts = [item.text for item in answers.sections.rep_perspective]
    assert any(text.startswith("Omar") and "ultramarathons" in text for text in texts)
    assert any(text.startswith("Rosa") for text in texts)


@pytest.mark.parametrize(
    ("said", "due"),
    [
        ("You promised the SAP connector would be ready by May 1, 2026.", date(2026, 5, 1)),
        ("Your team committed to having single sign-on ready by June 3.", date(2026, 6, 3)),
        ("Ihr hattet uns zugesagt, dass die DATEV-Schnittstelle bis zum 15. März läuft.", date(2026, 3, 15)),
        ("Vous nous aviez promis le connecteur Sage pour le 12 mai.", date(2026, 5, 12)),
        ("Ustedes se comprometieron a entregar el tablero antes de fin de junio.", date(2026, 6, 30)),
    ],
)
async def test_the_customer_reminding_us_of_our_word_is_our_commitment(
    ctx: ExtractionContext, said: str, due: date
) -> None:
    ines = Address(name="Ines Paredes", email="ines.paredes@pinewood.example")
    doc = await _document_of(ctx, ines, f"Hi Sam,\n\n{said}\n\nInes", date(2026, 3, 2))
    (promise,) = doc.sections.commitments
    assert (promise.owner, promise.due) == ("us", due)
    assert promise.quotes and promise.quotes[0].text == said


async def test_a_reason_the_classifier_is_sure_of_is_not_taken_for_a_rival_by_a_name_before_a_verb(
    ctx: ExtractionContext,
) -> None:
    from datetime import UTC, datetime

    from mailflows.inbound.mail import Address

    said = (
        "Marta was also relieved that the files stay in your Canadian data centre, "
        "which was a must-have for our privacy officer and you met it."
    )
    mail = ThreadMessage(
        id="m-pia",
        sender=Address("Pia Lund", "pia.lund@pinewood.example"),
        date=datetime(2026, 5, 4, 9, 0, tzinfo=UTC),
        subject="Trial results",
        body=f"Hi Sam,\n\nThe trial went well. {said}\n\nPia",
    )
    doc = HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep)
    extraction = await OfflineExtractor().extract([mail], ctx, doc)
    assert any("Canadian data centre" in item.text for item in extraction.sections.purchase_drivers)
    assert not any("Canadian data centre" in item.text for item in extraction.sections.competitive_context)


async def test_a_reason_the_rep_writes_without_why_is_a_purchase_driver_not_a_later_plan(
    ctx: ExtractionContext,
) -> None:
    doc = HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep)
    body = (
        "Looks right.\n\n"
        "The COO wants the dashboards live before the holiday season next year.\n\n"
        "What tipped it: the plant manager retires in May and he is the only one who can run the old scheduling "
        "macros.\n\nSam"
    )
    answers = await OfflineExtractor().read_answers(ThreadMessage(id="reply-9", body=body), ctx, doc, [])
    drivers = " ".join(item.text for item in answers.sections.purchase_drivers)
    assert "holiday season" in drivers and "retires in May" in drivers
    assert answers.sections.expansion == [] and answers.sections.risks == []


async def test_our_promise_in_a_grammar_no_rule_knows_is_read_by_what_it_does(ctx: ExtractionContext) -> None:
    # the rep's note lists two promises from a call; no "I'll"/"we will" in it, the classifier knows the function
    said = (
        "Two promises on the call: SecNumCloud attestation to their DPO within ten days, "
        "and a demo at their directors' seminar on July 2."
    )
    doc = await _document_of(
        ctx, Address(name="Sam Rep", email="sam.rep@ourco.example"), f"{said}\n\nSam", date(2026, 4, 21)
    )
    promises = {(p.owner, p.due) for p in doc.sections.commitments}
    assert ("us", date(2026, 7, 2)) in promises and all(owner == "us" for owner, _ in promises)
    assert not any("SecNumCloud" in item.text for item in doc.sections.implementation + doc.sections.risks)


@pytest.mark.parametrize(
    ("body", "measure"),
    [
        ("Targets from my side. On-time delivery is sitting at 86.5% across the bakeries. "
         "The board wants 95% and I want us there within six months.", "On-time delivery"),
        ("Le pongo el número sobre la mesa: hoy estamos en 68,4 % de merma en las panaderías. "
         "Si en seis meses llegamos a 60, son dos millones de pesos por año.", "merma"),
    ],
)  # fmt: skip
async def test_a_target_carries_the_figure_of_today_it_leans_on(
    ctx: ExtractionContext, body: str, measure: str
) -> None:
    """ "The board wants 95% within six months" says what it is a target of only with the sentence before it."""
    who = Address("Greta Holm", "greta.holm@pinewood.example")
    doc = await _document_of(ctx, who, f"Hi Sam,\n\n{body}\n\nGreta\n", date(2026, 3, 2))
    metrics = [i.text for i in doc.sections.success_metrics]
    assert any(measure in text and ("95%" in text or "60" in text) for text in metrics), metrics
