"""Which account a forward belongs to, and who the CSM is when the mail says so."""

from __future__ import annotations

import pytest

from agent.accounts import (
    _named_in_full,
    _names_two_words,
    csm_mentioned,
    email_for_colleague,
    explicit_account_name,
    resolve_account,
)
from agent.document import fold
from db.models import Account
from mailflows.inbound.mail import Address, ParsedMail, ThreadMessage

OWN = {"northwind.example"}


def mail(*messages: ThreadMessage, subject: str = "Fwd: notes") -> ParsedMail:
    outer = ThreadMessage(id="<o@x>", sender=Address("Sam Okafor", "sam.okafor@northwind.example"), subject=subject)
    if messages and messages[0].id == "<o@x>":
        return ParsedMail(message_id="<o@x>", messages=list(messages))
    return ParsedMail(message_id="<o@x>", messages=[outer, *messages])


def msg(sender: str, *to: str, body: str = "") -> ThreadMessage:
    return ThreadMessage(id=f"<{sender}>", sender=Address("", sender), to=[Address("", t) for t in to], body=body)


def test_the_customer_is_the_most_common_external_domain() -> None:
    parsed = mail(
        msg("maren@alderfinch.example", "sam.okafor@northwind.example"),
        msg("walter@alderfinch.example", "sam.okafor@northwind.example", "x@partner.example"),
    )
    key = resolve_account(parsed, OWN)
    assert key is not None and key.domain == "alderfinch.example"


def test_our_own_and_free_mail_domains_are_never_the_customer() -> None:
    parsed = mail(msg("someone@gmail.com", "sam.okafor@northwind.example"), msg("mei@northwind.example"))
    assert resolve_account(parsed, OWN) is None


def test_a_subject_tag_or_account_line_from_the_rep_names_the_account() -> None:
    tagged = mail(subject="[Acme Rockets] call notes")
    assert explicit_account_name(tagged) == "Acme Rockets"
    outer = ThreadMessage(
        id="<o@x>", sender=Address("", "sam.okafor@northwind.example"), body="Account: Acme Rockets\n\nnotes..."
    )
    assert explicit_account_name(mail(outer)) == "Acme Rockets"
    assert explicit_account_name(mail(subject="[EXTERNAL] Re: pricing")) is None


def test_a_csm_introduced_by_our_side_is_found_with_their_address() -> None:
    intro = ThreadMessage(
        id="<i@x>",
        sender=Address("Sam Okafor", "sam.okafor@northwind.example"),
        cc=[Address("Jordan Lee", "jordan.lee@northwind.example")],
        body="Introducing Jordan Lee from our customer success team, who will be your CSM.",
    )
    found = csm_mentioned(mail(intro), OWN, "sam.okafor@northwind.example")
    assert found == Address("Jordan Lee", "jordan.lee@northwind.example")


def test_a_csm_our_side_hands_over_to_in_german_is_found_with_the_address_from_the_cc() -> None:
    intro = ThreadMessage(
        id="<g@x>",
        sender=Address("Sam Okafor", "sam.okafor@northwind.example"),
        cc=[Address("Wiebke Janssen", "wiebke.janssen@northwind.example")],
        body="Vertrag unterschrieben. Wiebke Janssen übernimmt ab Montag als CSM.",
    )
    found = csm_mentioned(mail(intro), OWN, "sam.okafor@northwind.example")
    assert found == Address("Wiebke Janssen", "wiebke.janssen@northwind.example")


def test_a_customer_saying_csm_does_not_name_ours() -> None:
    said = msg("maren@alderfinch.example", body="Pat Doe is the CSM we had with the last vendor.")
    assert csm_mentioned(mail(said), OWN, "sam.okafor@northwind.example") is None


def test_a_colleague_address_follows_the_reps_pattern() -> None:
    own = {"lumen.example"}
    assert email_for_colleague("Tom Okafor", None, own, "dana.reyes@lumen.example") == "tom.okafor@lumen.example"
    assert email_for_colleague("Tom Okafor", None, own, "dana_reyes@lumen.example") == "tom_okafor@lumen.example"


def test_a_signature_line_that_shares_no_word_with_the_domain_does_not_name_the_account() -> None:
    from agent.accounts import company_name_for
    from mailflows.inbound.mail import SignatureInfo

    def signed(company: str) -> ThreadMessage:
        return ThreadMessage(
            id="<s@x>",
            sender=Address("Valeria Sosa", "valeria.sosa@mutualdelsur.example"),
            body="Hola,\n\nGracias.\n\nValeria Sosa\n" + company + "\n",
            signature="Valeria Sosa\n" + company,
            card=SignatureInfo(company=company),
        )

    # a title the card reader took for the company is no name for the account; the domain's label is
    assert company_name_for("mutualdelsur.example", mail(signed("Gerenta de Siniestros"))) == "Mutualdelsur"
    assert company_name_for("mutualdelsur.example", mail(signed("Mutual del Sur"))) == "Mutual del Sur"


def test_the_rep_telling_a_colleague_they_are_the_csm_names_them_in_full_from_the_headers() -> None:
    note = ThreadMessage(
        id="<n@x>",
        sender=Address("Sam Okafor", "sam.okafor@northwind.example"),
        cc=[Address("Aisha Rahman", "aisha.rahman@northwind.example")],
        body="Aisha - looping you in, you'll be the CSM on Alderfinch (aisha.rahman@northwind.example).",
    )
    found = csm_mentioned(mail(note), OWN, "sam.okafor@northwind.example")
    assert found == Address("Aisha Rahman", "aisha.rahman@northwind.example")


def test_a_csm_named_with_an_address_wins_over_the_same_named_by_first_name_only() -> None:
    note = ThreadMessage(
        id="<n@x>",
        sender=Address("Sam Okafor", "sam.okafor@northwind.example"),
        body="Copy for the file. Note I introduced Declan as their CSM.",
    )
    sent = ThreadMessage(
        id="<n@x>#1",
        sender=Address("Sam Okafor", "sam.okafor@northwind.example"),
        body="- Your customer success manager from signature onwards will be Declan Moore (declan.m@northwind.example).",
    )
    found = csm_mentioned(mail(note, sent), OWN, "sam.okafor@northwind.example")
    assert found == Address("Declan Moore", "declan.m@northwind.example")  # never a guessed declan@northwind.example


@pytest.mark.parametrize(
    "said",
    [
        "Im Angebot enthalten:\n- Deutschsprachige Kundenbetreuung (CSM) ab Vertragsbeginn\n- Schulung vor Ort",
        "Included:\n- Dedicated Customer Success (CSM) from signature\n- Onboarding workshop",
        "Incluye:\n- Equipo de Soporte (CSM) en español desde la firma",
        "Our CSM Team will reach out next week.",
        "Our CSM Review Board meets Monday.",
    ],
)
def test_a_service_a_team_or_a_board_named_with_the_csm_role_is_no_colleague(said: str) -> None:
    sent = ThreadMessage(id="<a@x>", sender=Address("Sam Okafor", "sam.okafor@northwind.example"), body=said)
    assert csm_mentioned(mail(sent), OWN, "sam.okafor@northwind.example") is None


def test_a_csm_named_without_an_address_takes_the_one_the_thread_shows_for_that_name() -> None:
    offer = ThreadMessage(
        id="<a@x>",
        sender=Address("Sam Okafor", "sam.okafor@northwind.example"),
        body="Kurz zu Ihren Fragen:\n- Markus Brandt (CSM) für die Schulung, falls Nora ausfällt",
    )
    signed = ThreadMessage(
        id="<b@x>",
        sender=Address("Sam Okafor", "sam.okafor@northwind.example"),
        cc=[Address("Nora Weiß", "nora.weiss@northwind.example")],
        body="Signed! Nora Weiß is the CSM, she speaks German, which they asked for.",
    )
    found = csm_mentioned(mail(offer, signed), OWN, "sam.okafor@northwind.example")
    assert found == Address("Nora Weiß", "nora.weiss@northwind.example")  # not a guessed markus.brandt@…


@pytest.mark.parametrize(
    ("said", "name"),
    [
        ("Signed June 26. Our CSM Wei Ling Koh is cc'd on the note below.", "Wei Ling Koh"),
        ("Unsere CSM Nora Weiß ist ab Montag dabei.", "Nora Weiß"),
        ("Votre CSM Claire Dubois vous écrira demain.", "Claire Dubois"),
        ("Nuestra CSM Ana Pérez, que habla español, los llama el lunes.", "Ana Pérez"),
    ],
)
def test_the_role_with_our_or_your_right_before_a_name_names_the_csm(said: str, name: str) -> None:
    first, last = name.split()[0].lower(), name.split()[-1].lower().replace("ß", "ss").replace("é", "e")
    email = f"{first}.{last}@northwind.example"
    note = ThreadMessage(
        id="<n@x>",
        sender=Address("Sam Okafor", "sam.okafor@northwind.example"),
        cc=[Address(name, email)],
        body=said,
    )
    assert csm_mentioned(mail(note), OWN, "sam.okafor@northwind.example") == Address(name, email)


def test_a_colleague_named_beside_the_role_word_is_the_csm_when_no_introduction_reads_it() -> None:
    note = ThreadMessage(
        id="<n@x>",
        sender=Address("Sam Okafor", "sam.okafor@northwind.example"),
        cc=[Address("Mira Novak", "mira.novak@northwind.example")],
        body="Site visit done. Kickoff with Mira Novak, CSM, on 12 Jan; Karl Weber joins for IT.",
    )
    customer = msg("karl.weber@alderfinch.example", "sam.okafor@northwind.example", body="See you then.")
    customer.sender = Address("Karl Weber", "karl.weber@alderfinch.example")
    assert csm_mentioned(mail(note, customer), OWN, "sam.okafor@northwind.example") == Address(
        "Mira Novak", "mira.novak@northwind.example"
    )
    # a name the mail never shows with an address gets one built like ours, in French too
    french = msg(
        "sam.okafor@northwind.example", body="Amélie Dubois (customer success) prend le relais après la signature."
    )
    assert csm_mentioned(mail(french), OWN, "sam.okafor@northwind.example") == Address(
        "Amélie Dubois", "amelie.dubois@northwind.example"
    )


def test_a_first_name_beside_the_role_word_names_the_colleague_on_the_cc_of_several_messages() -> None:
    yassine = Address("Yassine Alaoui", "yassine.alaoui@northwind.example")
    note = ThreadMessage(
        id="<n@x>", sender=Address("Sam Okafor", "sam.okafor@northwind.example"), cc=[yassine],
        body="Signed! Yassine (CC) is the CSM. Yassine: kickoff in Tanger on July 20, invite attached.",
    )  # fmt: skip
    invite = ThreadMessage(id="<i@x>", sender=Address("Sam Okafor", "sam.okafor@northwind.example"), to=[yassine])
    assert csm_mentioned(mail(note, invite), OWN, "sam.okafor@northwind.example") == yassine


def test_the_role_in_other_words_of_each_language_names_the_csm() -> None:
    for body in (
        "Mathieu Gagnon sera votre conseiller en succès client (mathieu.gagnon@northwind.example).",
        "Mathieu Gagnon, votre chargé de la réussite client (mathieu.gagnon@northwind.example), sera au démarrage.",
        "Mathieu Gagnon será su asesor de éxito del cliente (mathieu.gagnon@northwind.example).",
        "Comme annoncé, je vous présente Mathieu Gagnon, qui sera votre CSM à partir de maintenant : il sera au "
        "lancement du 21 avril.\n\nAttendees: Mathieu Gagnon <mathieu.gagnon@northwind.example>",
    ):
        intro = msg("sam.okafor@northwind.example", body=body)
        assert csm_mentioned(mail(intro), OWN, "sam.okafor@northwind.example") == Address(
            "Mathieu Gagnon", "mathieu.gagnon@northwind.example"
        ), body


def test_the_role_word_beside_a_question_a_vacancy_a_team_head_or_the_customer_names_no_csm() -> None:
    for body in (
        "I'll ask Mira Novak who the CSM will be.",
        "No CSM assigned yet; Mira Novak may know.",
        "Our head of Customer Success, Mira Novak, will assign someone.",
        "CSM: TBD, Mira Novak and Jonah Whitaker are both options.",
    ):
        said = msg("sam.okafor@northwind.example", body=body)
        assert csm_mentioned(mail(said), OWN, "sam.okafor@northwind.example") is None, body
    theirs = msg("karl.weber@alderfinch.example", body="Karl Weber was the CSM at our last vendor.")
    assert csm_mentioned(mail(theirs), OWN, "sam.okafor@northwind.example") is None


def test_a_transcript_speaker_our_side_names_or_who_introduces_themself_as_us_is_ours() -> None:
    from agent.document import AccountInfo, HandoffDocument, Party
    from agent.extract.base import ExtractionContext
    from agent.extract.speakers import read_units
    from mailflows.inbound.mail import Turn

    ctx = ExtractionContext(
        account=AccountInfo(name="Alderfinch", domain="alderfinch.example"),
        rep=Party(name="Sam Okafor", email="sam.okafor@northwind.example"),
        company_domains=set(OWN),
    )
    note = msg("sam.okafor@northwind.example", body="Transcript attached. Marcus Lee is our sales engineer.")
    call = ThreadMessage(
        id="<t@x>",
        kind="transcript",
        turns=[
            Turn("Rahul Mehta", "Thanks for joining, I'm the sales engineer on the Northwind side."),
            Turn("Priya Anand", "We're planning to migrate our claims system in January."),
            Turn("Marcus Lee", "We'll enable the claims data model in your sandbox by November 13."),
            Turn("Rahul Mehta", "Then I'll have the connector configured for your staging account by October 2."),
        ],
        body="",
    )
    authors = {u.speaker: u.author for u in read_units([note, call], ctx, HandoffDocument(account=ctx.account))}
    assert authors["Marcus Lee"] == "ours" and authors["Rahul Mehta"] == "ours"
    assert authors["Priya Anand"] == "customer"


def test_two_words_of_an_accounts_name_in_their_order_name_it() -> None:
    assert _names_two_words("Exportadora Frutera del Jubones", fold("Fwd: Re: Arquitectura - Frutera del Jubones"))
    assert not _names_two_words("Exportadora Frutera del Jubones", fold("Jubones y Frutera"))  # not in their order
    assert not _names_two_words("Harbor Logistics", fold("logistics for the harbor"))


def test_a_first_word_alone_does_not_name_an_account_for_a_third_partys_thread() -> None:
    harbor = Account(name="Harbor Logistics", domain="harborlogistics.example", rep_email="r@x")
    assert not _named_in_full(harbor, fold("Fwd: Intro - Harbor Freight Partners"))
    assert _named_in_full(harbor, fold("Re: Architecture - Harbor Logistics"))
    assert _named_in_full(harbor, fold("Re: harborlogistics rollout"))
