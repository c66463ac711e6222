"""How urgent and how they stand, read from the shape of a sentence rather than one phrase.

Urgency: a key person leaving, an inspector's visit, a consequence whose date is the sentence
before, a licence running until a far date, a plan with a date, "nothing presses" in four
languages, a denied cue. Sentiment: open opposition, proof demanded before committing, a
champion showing us around inside, tone not overruling a cue of the same message, the rep's
hostile or cautious read, and a colleague only the rep's reply names.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from agent.document import AccountInfo, HandoffDocument, Party, Stakeholder
from agent.extract.answers import PERSONAL, read_by_rep
from agent.extract.base import ExtractionContext
from agent.extract.offline import OfflineExtractor
from agent.extract.sentiment import read_feelings, sentiment_signals
from agent.extract.units import Unit
from agent.extract.urgency import read_urgency
from agent.merge import merge_extraction
from mailflows.inbound.mail import Address, ThreadMessage

OURS = "ourco.example"
THEM = "saltvik-ferries.example"
ANCHOR = date(2026, 9, 1)


def _unit(text: str, context: str = "", author: str = "customer") -> Unit:
    return Unit(text=text, quote=text, source_id="m1", speaker="Ola Berg", speaker_email=f"ola.berg@{THEM}",
                author=author, anchor=ANCHOR, heading=None, context=context)  # fmt: skip


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Our only planner who knows the routing rules retires on 30 October 2026.", "a key person leaving"),
        ("Ingrid, who built every report we have, goes on parental leave on 2 November 2026.", "a key person leaving"),
        ("Unser Disponent geht Ende Oktober in den Ruhestand, danach kann niemand die Listen pflegen.",
         "a key person leaving"),
        ("The state inspectors return on 14 October 2026 to check the maintenance logs.",
         "a regulatory or mandated date"),
        ("La inspección de trabajo vuelve el 20 de octubre de 2026.", "a regulatory or mandated date"),
        ("Die Bankenaufsicht hat ihren Besuch für den 3. November 2026 angekündigt.", "a regulatory or mandated date"),
    ],
)  # fmt: skip
def test_a_person_leaving_or_an_inspection_on_a_near_date_is_high(text: str, reason: str) -> None:
    urgency = read_urgency([_unit(text)])
    assert urgency is not None and urgency.level == "high"
    assert urgency.reasons[0].startswith(reason)


@pytest.mark.parametrize(
    ("context", "text"),
    [
        ("The insurer's review of our fleet is on 12 October 2026.",
         "By then every vessel needs its fuel figures, otherwise we pay the higher premium."),
        ("Der Prüfbericht muss am 15. Oktober 2026 beim Amt liegen.",
         "Bis dahin brauchen wir die Zahlen je Schiff, sonst drohen Nachzahlungen."),
    ],
)  # fmt: skip
def test_a_consequence_takes_its_date_from_the_sentence_it_points_back_to(context: str, text: str) -> None:
    urgency = read_urgency([_unit(text, context=context)])
    assert urgency is not None and urgency.level == "high" and urgency.dates


def test_the_sentence_before_lends_its_date_only_to_a_sentence_that_points_back() -> None:
    late = "Every late fuel report carries penalties from the port."
    urgency = read_urgency([_unit(late, context="Kickoff is 12 October 2026.")])
    assert urgency is not None and urgency.level == "medium" and not urgency.dates  # a consequence, no date of its own


@pytest.mark.parametrize(
    "text",
    [
        "We would like the crew dashboards running by the end of November 2026.",
        "Wir möchten im Januar mit den ersten beiden Häfen starten.",
        "Queremos tener los informes de carga listos para marzo de 2027.",
        "Our Qlik subscription runs through March 2028, so we have a comfortable runway.",
    ],
)
def test_a_plan_with_a_date_or_a_far_licence_end_is_medium(text: str) -> None:
    urgency = read_urgency([_unit(text)])
    assert urgency is not None and urgency.level == "medium" and urgency.dates


@pytest.mark.parametrize(
    "text",
    [
        "This is not urgent for us; pick whatever week suits your team.",
        "Es eilt nicht, einen festen Termin gibt es nicht.",
        "Rien ne presse de notre côté.",
        "Sin prisa: cuando su equipo pueda, empezamos.",
        "There's no deadline on this one.",
        "We spent three years cleaning up our audit trail.",  # a word for an event, no event: nothing presses
    ],
)
def test_nothing_pressing_in_any_language_is_low(text: str) -> None:
    urgency = read_urgency([_unit(text)])
    assert urgency is not None and urgency.level == "low"


@pytest.mark.parametrize(
    ("calm", "inferred"),
    [
        ("No hard deadline from my side.", "If we had a clean board pack for the February board meeting, great."),
        ("No urgency on dates: nobody has a hard deadline, the October pilot is a target.",
         "The quarterly review in January is where the CFO will judge us."),
        ("Kein Druck von unserer Seite, lieber gründlich als schnell.", "Der Beirat tagt im März 2027."),
        ("Rien d'urgent, le comité de direction de février est un nice-to-have.",
         "Le comité de direction se réunit le 12 février."),
        ("Nada urgente: mejor bien que rápido.", "El directorio se reúne el 20 de febrero."),
    ],
)  # fmt: skip
def test_saying_there_is_no_rush_is_believed_over_a_date_a_cue_infers(calm: str, inferred: str) -> None:
    urgency = read_urgency([_unit(inferred), _unit(calm)])
    assert urgency is not None and urgency.level == "low", urgency


def test_a_renewal_at_stake_still_presses_when_they_say_there_is_no_rush() -> None:
    units = [
        _unit("No rush on the rollout itself."),
        _unit("We will not renew the other contract if this fails."),
    ]
    urgency = read_urgency(units)
    assert urgency is not None and urgency.level == "high"


def test_only_the_reps_notes_give_no_level_at_all() -> None:
    assert read_urgency([_unit("Intro call went fine.", author="note")]) is None


@pytest.mark.parametrize(
    ("text", "leaning"),
    [
        ("I am flatly opposed to moving our crew records into a hosted tool.", "negative"),
        ("Ich bin dagegen, die Dienstpläne in eine Cloud zu geben.", "negative"),
        ("I'd need to see the overtime report actually retired before we sign for three years.", "skeptical"),
        ("Honestly, I don't see why we would pay for this when the ERP has reports.", "skeptical"),
        ("I've already shown your fuel dashboard to both of our fleet managers.", "positive"),
        ("I have been telling our leadership team about it since the first demo.", "positive"),
        ("Das Angebot hat mich überzeugt.", "positive"),
    ],
)
def test_a_stance_shown_by_the_shape_of_the_sentence(text: str, leaning: str) -> None:
    assert leaning in [found for found, _phrase in sentiment_signals(text)]


@pytest.fixture
def ctx() -> ExtractionContext:
    return ExtractionContext(
        account=AccountInfo(name="Saltvik Ferries", domain=THEM),
        rep=Party(name="Sam Rep", email=f"sam.rep@{OURS}"),
        company_domains={OURS},
    )


def _mail(n: int, sender: Address, body: str) -> ThreadMessage:
    return ThreadMessage(id=f"m{n}", sender=sender, to=[Address(name="Sam Rep", email=f"sam.rep@{OURS}")],
                         date=datetime(2026, 9, n, 10, tzinfo=UTC), subject="Fleet reporting", body=body)  # fmt: skip


async def _read(ctx: ExtractionContext, sources: list[ThreadMessage]) -> HandoffDocument:
    doc = HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep)
    return merge_extraction(doc, await OfflineExtractor().extract(sources, ctx, doc))


def _person(doc: HandoffDocument, name: str) -> Stakeholder:
    return next(s for s in doc.sections.stakeholders if s.name == name)


async def test_a_warm_tone_does_not_outvote_a_doubt_in_the_same_message(ctx: ExtractionContext) -> None:
    tor = Address(name="Tor Lund", email=f"tor.lund@{THEM}")
    body = (
        "Sam,\n\nI'm not sure we need this on top of the reports our ERP already gives us.\n"
        "Your people were lovely and patient with all our questions.\n"
        "Everyone here enjoyed the workshop, it was a wonderful day.\n\nTor"
    )
    doc = await _read(ctx, [_mail(1, tor, body)])
    tor_read = _person(doc, "Tor Lund")
    assert tor_read.sentiment == "skeptical"
    assert not any(e.phrase == "the tone of their own words" for e in tor_read.sentiment_evidence)


@pytest.mark.parametrize(
    ("sentence", "leaning"),
    [
        ("Tor still doesn't want us anywhere near the crew data; the COO overruled him.", "negative"),
        ("Tor is cautious and wants to see the first month's numbers before he calls it a win.", "skeptical"),
    ],
)
async def test_the_reps_cautious_or_hostile_read(ctx: ExtractionContext, sentence: str, leaning: str) -> None:
    tor = Address(name="Tor Lund", email=f"tor.lund@{THEM}")
    doc = await _read(ctx, [_mail(1, tor, "Sam,\n\nHere are the six vessel names for the pilot.\n\nTor")])
    reply = ThreadMessage(id="r9", sender=Address(name="Sam Rep", email=f"sam.rep@{OURS}"),
                          date=datetime(2026, 9, 20, tzinfo=UTC), body=sentence)  # fmt: skip
    doc = merge_extraction(doc, await OfflineExtractor().read_answers(reply, ctx, doc, []))
    tor_read = _person(doc, "Tor Lund")
    assert tor_read.sentiment == leaning and read_by_rep(tor_read)


async def test_a_colleague_only_the_reps_reply_names_becomes_a_stakeholder_with_the_reps_read(
    ctx: ExtractionContext,
) -> None:
    tor = Address(name="Tor Lund", email=f"tor.lund@{THEM}")
    doc = await _read(ctx, [_mail(1, tor, "Sam,\n\nHere are the six vessel names for the pilot.\n\nTor")])
    body = (
        "CSM: Kim Dahl <kim.dahl@ourco.example>\n\n"
        "One more: Wilma Ostrander in legal fought every clause of the DPA and she is still wary of us.\n\n"
        "Excel is what the crews use today and it is great for them.\n\nSam"
    )
    reply = ThreadMessage(id="r9", sender=Address(name="Sam Rep", email=f"sam.rep@{OURS}"),
                          date=datetime(2026, 9, 20, tzinfo=UTC), body=body)  # fmt: skip
    doc = merge_extraction(doc, await OfflineExtractor().read_answers(reply, ctx, doc, []))
    names = {s.name for s in doc.sections.stakeholders}
    assert names == {"Tor Lund", "Wilma Ostrander"}  # not the CSM, not a tool
    wilma = _person(doc, "Wilma Ostrander")
    assert wilma.sentiment == "skeptical" and wilma.email is None and read_by_rep(wilma)


@pytest.mark.parametrize(
    ("note", "leaning"),
    [
        ("Quick context: Tor pushed back hard on the three-year term.", None),  # not led by the name: no read
        ("Tor pushed back hard on the three-year term.", "skeptical"),
        ("Tor is driving the evaluation and talked it up to his CFO.", "positive"),
        ("Tor still doesn't want us near the crew data.", "negative"),
    ],
)
async def test_the_reps_note_above_a_forward_reads_the_person_it_opens_with(
    ctx: ExtractionContext, note: str, leaning: str | None
) -> None:
    tor = Address(name="Tor Lund", email=f"tor.lund@{THEM}")
    rep = Address(name="Sam Rep", email=f"sam.rep@{OURS}")
    first = _mail(1, tor, "Sam,\n\nHere are the six vessel names for the pilot.\n\nTor")
    above = ThreadMessage(id="m2", sender=rep, to=[Address(name="Handoff", email=f"handoff@{OURS}")],
                          date=datetime(2026, 9, 3, 10, tzinfo=UTC), subject="notes", body=note)  # fmt: skip
    doc = await _read(ctx, [first, above])
    tor_read = _person(doc, "Tor Lund")
    shown = [e for e in tor_read.sentiment_evidence if e.source_id == "m2"]
    assert [e.leaning for e in shown] == ([leaning] if leaning else [])
    # without the note's read, the people model decides (feelings.py) from his plain words and the role the note
    # shows ("pushed back" reads as a blocker, and the 78 training deals' blockers lean cold): never a strong read
    assert tor_read.sentiment == leaning if leaning else tor_read.sentiment in {"positive", "neutral", "skeptical"}


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("The board votes on the budget on 3 December 2026; without a pilot to show, the project is dead.", "high"),
        ("La campaña de cítricos arranca el 15 de noviembre y para entonces el stock tiene que verse en vivo.", "high"),
        ("Our current vendor is sunsetting the product in January, after which we have no support.", "high"),
        ("The new reporting rules apply from 1 January 2027 and non-compliance means fines.", "high"),
        ("Die Zertifizierung steht im Januar an, und ohne saubere Nachweise verlieren wir das Zertifikat.", "high"),
        ("Paula, our only BI developer, leaves at the end of November.", "high"),
        ("We're targeting a Q2 launch for the first region.", "medium"),
        ("Ideally we'd be up and running sometime in the spring.", "medium"),
        ("Wir wollen bis Mitte 2027 alle Standorte angebunden haben.", "medium"),
        ("Timing is flexible on our end.", "low"),
    ],
)  # fmt: skip
def test_an_event_a_consequence_or_a_plan_is_read_by_its_shape_with_any_date(text: str, level: str) -> None:
    urgency = read_urgency([_unit(text)])
    assert urgency is not None and urgency.level == level


@pytest.mark.parametrize(
    "text",
    [
        "Each month we lose four days to reconciling spreadsheets.",  # a pain, not a deadline
        "We were fined twice in 2025 for late filings.",  # the past presses on nothing
        "Maria leaves for a conference next week, so please send the deck to me.",
        "Our ISO certification was renewed last year.",
        "The truck fleet is serviced every spring.",
    ],
)
def test_a_loss_a_fine_or_an_event_without_a_coming_date_is_not_urgent(text: str) -> None:
    urgency = read_urgency([_unit(text)])
    assert urgency is not None and urgency.level == "low"


@pytest.mark.parametrize(
    "text",
    [
        "Our corrective action plan is due to the FAA by 30 November 2026.",
        "Der Emissionsbericht muss bis zum 31. Januar 2027 abgegeben werden.",
        "Le rapport annuel doit être remis au canton avant le 31 janvier 2027.",
        "Toda la flota antes del 30 de noviembre, porque en diciembre viene el informe anual de la concesión.",
        "Six of our hospitals have their re-accreditation assessment in March 2027.",
        "Die BaFin-Prüfung ist im Mai 2027.",  # eight months out: a regulator's date presses months ahead
        "Dashboards live before our Early Action deadline on November 1.",
        "Y en marzo y abril estamos en vendimia; mi equipo apoya bodega.",
        "Pendant les vendanges, en octobre, personne n'est disponible chez nous.",
        "Necesito el conector antes del 31 de octubre, o no llegamos a la terminal.",
    ],
)  # fmt: skip
def test_a_report_owed_an_authority_a_calendar_or_a_consequence_is_high(text: str) -> None:
    urgency = read_urgency([_unit(text)])
    assert urgency is not None and urgency.level == "high", urgency


@pytest.mark.parametrize(
    "text",
    [
        "Grain position report live by 14 August 2027, ahead of the harvest freeze.",
        "Das Dashboard muss vor dem 1. Oktober live sein, danach IT-Freeze bis 31.10., sonst verlieren wir den Herbst.",
        "Der Konnektor ist spätestens bis 31.10.2026 allgemein verfügbar.",  # "at the latest" is a date, not a cause
        "Above $250K it goes to the board, and the board meets in November.",  # a step of the sale
    ],
)  # fmt: skip
def test_their_own_freeze_a_latest_date_or_a_board_approval_is_not_high(text: str) -> None:
    urgency = read_urgency([_unit(text)])
    assert urgency is not None and urgency.level in {"low", "medium"}, urgency


def test_the_reps_note_above_a_forward_is_read_for_what_presses() -> None:
    note = Unit(text="Treiber: BaFin-Prüfung im Herbst, Dr. Wiese will dort transparente Zahlen zeigen.",
                quote="", source_id="note1", speaker="", speaker_email=None, author="ours", anchor=ANCHOR, heading=None)  # fmt: skip
    urgency = read_urgency([note], notes=frozenset({"note1"}))
    assert urgency is not None and urgency.level == "high" and urgency.dates
    assert read_urgency([note]) is None  # the rep's mail to the customer is not a note


@pytest.mark.parametrize(
    ("text", "leaning"),
    [
        ("Before we go further, I'd want to understand how this is different from what our BI tool does.", "skeptical"),
        ("I remain to be convinced that the adoption numbers are realistic.", "skeptical"),
        ("Let me play devil's advocate: what happens if your company is acquired?", "skeptical"),
        ("No tengo claro que el ahorro compense el coste de implantación.", "skeptical"),
        ("Je reste prudent sur les délais annoncés.", "skeptical"),
        ("This has been a long process and I'm close to walking away.", "negative"),
        ("We are not going ahead with the project this year.", "negative"),
        ("I'm going to push hard internally to get this approved.", "positive"),
        ("You can count on my support with the board.", "positive"),
        ("Ya se lo enseñé al comité de dirección y les encantó.", "positive"),
        ("Honestly this is the best demo we've seen all year.", "positive"),
        ("My only hesitation is the cost compared with what we pay today.", "skeptical"),
        ("It's not obvious to me that we need this.", "skeptical"),
        ("I question whether our data is clean enough for this.", "skeptical"),
        ("Frankly I think this is a waste of money.", "negative"),
        ("I've recommended you to our COO.", "positive"),
        ("This would make my team's life so much easier.", "positive"),
    ],
)  # fmt: skip
def test_polite_doubt_walking_away_and_advocacy_in_other_words(text: str, leaning: str) -> None:
    assert leaning in [found for found, _phrase in sentiment_signals(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Attached is the export with the columns you asked for.",
        "We're not going ahead with the old vendor's upgrade.",
        "Our planners want to understand how the forecast is better than last year's.",
        "Please don't hesitate to call me if anything is unclear.",
        "I don't want it to slip past March.",
    ],
)
def test_a_plain_sentence_shows_no_stance(text: str) -> None:
    assert sentiment_signals(text) == []


@pytest.mark.parametrize(
    ("sentence", "leaning"),
    [
        ("Tor is positive and steady, he'll champion the rollout.", "positive"),  # the rep's label beats "champion"
        ("Tor: negative, whatever he says in meetings.", "negative"),
        ("Tor ist noch skeptisch.", "skeptical"),
        ("Tor sigue escéptico con los plazos.", "skeptical"),
    ],
)
async def test_the_reps_own_label_for_a_person_is_taken_as_said(
    ctx: ExtractionContext, sentence: str, leaning: str
) -> None:
    tor = Address(name="Tor Lund", email=f"tor.lund@{THEM}")
    doc = await _read(ctx, [_mail(1, tor, "Sam,\n\nHere are the six vessel names for the pilot.\n\nTor")])
    reply = ThreadMessage(id="r9", sender=Address(name="Sam Rep", email=f"sam.rep@{OURS}"),
                          date=datetime(2026, 9, 20, tzinfo=UTC), body=sentence)  # fmt: skip
    doc = merge_extraction(doc, await OfflineExtractor().read_answers(reply, ctx, doc, []))
    assert _person(doc, "Tor Lund").sentiment == leaning


async def test_what_presses_in_the_reps_reply_raises_the_urgency(ctx: ExtractionContext) -> None:
    tor = Address(name="Tor Lund", email=f"tor.lund@{THEM}")
    doc = await _read(ctx, [_mail(1, tor, "Sam,\n\nHere are the six vessel names for the pilot.\n\nTor")])
    assert doc.urgency.level == "low"
    body = (
        "CSM: Kim Dahl <kim.dahl@ourco.example>\n\n"
        "Why it matters: the maritime inspectors come on 20 October 2026 and they must show fuel logs per vessel.\n"
    )
    reply = ThreadMessage(id="r9", sender=Address(name="Sam Rep", email=f"sam.rep@{OURS}"),
                          date=datetime(2026, 9, 20, tzinfo=UTC), body=body)  # fmt: skip
    doc = merge_extraction(doc, await OfflineExtractor().read_answers(reply, ctx, doc, []))
    assert doc.urgency.level == "high" and date(2026, 10, 20) in doc.urgency.dates


@pytest.mark.parametrize(
    ("text", "leaning"),
    [
        ("If you can show me the grain position working, I'll support it.", "skeptical"),
        ("Wenn Sie uns zeigen, dass es mit unseren Daten läuft, gefällt uns das.", "skeptical"),
        ("Si vous nous montrez les chiffres du pilote, nous a convaincus.", "skeptical"),
        ("Tech Ops can't wait for us to build a connector before June.", None),  # impatience with us, not eagerness
        ("I can't wait to see the first dashboards.", "enthusiastic"),
        ("If the pilot goes well, I'll support it.", "positive"),  # a condition with no proof asked of us
        ("Ich bin nicht begeistert, dass wir noch ein Tool einführen.", "skeptical"),  # a praise denied
        ("Je ne suis pas ravie du calendrier proposé.", "skeptical"),
    ],
)  # fmt: skip
def test_support_on_proof_is_doubt_and_impatience_is_not_eagerness(text: str, leaning: str | None) -> None:
    leanings = [found for found, _phrase in sentiment_signals(text)]
    assert leanings == ([leaning] if leaning else [])


async def test_a_paragraph_of_personal_details_gives_no_read_on_the_person(ctx: ExtractionContext) -> None:
    tor = Address(name="Tor Lund", email=f"tor.lund@{THEM}")
    doc = await _read(ctx, [_mail(1, tor, "Sam,\n\nHere are the six vessel names for the pilot.\n\nTor")])
    for body, read in (
        ("Personal: Tor loves sailing and has a great boat.", False),
        ("Tor loves the dashboards.", True),
    ):
        reply = ThreadMessage(id="r9", sender=Address(name="Sam Rep", email=f"sam.rep@{OURS}"),
                              date=datetime(2026, 9, 20, tzinfo=UTC), body=body)  # fmt: skip
        after = merge_extraction(doc, await OfflineExtractor().read_answers(reply, ctx, doc, []))
        assert read_by_rep(_person(after, "Tor Lund")) is read


@pytest.mark.parametrize(
    "paragraph",
    ["Personal: Tor sails.", "Persönlich: Tor segelt.", "Perso : Tor joue au hockey.", "5. Personal - Tor corre trail.",
     "4) Vie privée : Tor court des marathons."],
)  # fmt: skip
def test_a_personal_label_opens_a_paragraph_in_four_languages(paragraph: str) -> None:
    assert PERSONAL.match(paragraph) and not PERSONAL.match("Tor is personal friends with our CEO.")


@pytest.mark.parametrize("said_as", ["Dr. Tor Lund", "Herr Tor Lund", "Sr. Tor Lund", "Tor Lund"])
def test_a_transcript_speaker_with_a_courtesy_title_is_the_stakeholder(said_as: str) -> None:
    tor = Stakeholder(name="Tor Lund", email=f"tor.lund@{THEM}")
    turns = ["I'm not convinced the crews will use it.", "Honestly I doubt the savings are real."]
    units = [Unit(text=t, quote=t, source_id="m1#1", speaker=said_as, speaker_email=None, author="customer",
                  anchor=ANCHOR, heading=None) for t in turns]  # fmt: skip
    read_feelings(units, [tor], HandoffDocument(account=AccountInfo(name="Saltvik Ferries", domain=THEM)))
    assert tor.sentiment == "skeptical"


def test_a_read_no_passage_showed_gives_way_to_the_first_passage_that_shows_a_feeling() -> None:
    """The model's read of someone's factual first mail (all their words taken together, no passage showing a
    feeling) is a guess: a later "that is what sold me" decides, rather than the guess standing against it."""
    from agent.document import NOTHING_SHOWN, Evidence

    held = Stakeholder(name="Tor Lund", email=f"tor.lund@{THEM}", role="champion", sentiment="skeptical")
    held.sentiment_evidence = [
        Evidence(text="We farm salmon at 19 sites on the coast.", source_id="m1#1", phrase=NOTHING_SHOWN,
                 speaker=f"tor.lund@{THEM}", leaning="neutral", date=ANCHOR)
    ]  # fmt: skip
    doc = HandoffDocument(account=AccountInfo(name="Saltvik Ferries", domain=THEM))
    doc.sections.stakeholders = [held]
    said = "That dashboard is what sold me, honestly."
    unit = Unit(text=said, quote=said, source_id="m2#1", speaker="Tor Lund", speaker_email=f"tor.lund@{THEM}",
                author="customer", anchor=ANCHOR, heading=None)  # fmt: skip
    tor = Stakeholder(name="Tor Lund", email=f"tor.lund@{THEM}", role="champion")
    read_feelings([unit], [tor], doc)
    assert tor.sentiment == "positive"
