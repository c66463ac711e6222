"""The document, the draft, the CSM's mail and notices as people read them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from jinja2 import UndefinedError

from agent.document import AccountInfo, HandoffDocument, Item, Party, Quote, SourceRef, Stakeholder
from agent.extract.base import Question
from agent.render import environment, render_document, render_draft, render_final, render_notice

EVIL = "<script>alert('x')</script>"


def make_doc() -> HandoffDocument:
    doc = HandoffDocument(
        account=AccountInfo(name=f"Harbor {EVIL}", domain="harbor.example", industry="freight logistics"),
        rep=Party(name="Dana Reyes", email="dana@lumen.example"),
        csm=Party(name="Priya Nair", email="priya@lumen.example"),
        contract_signed=date(2026, 3, 2),
    )
    doc.sections.pain_points = [
        Item(
            text=f"Invoices reconciled by hand {EVIL}",
            quotes=[Quote(text=f"we burn 3 FTEs {EVIL}", speaker="Maria Chen", source_id="m1")],
            source_ids=["m1"],
        )
    ]
    doc.sections.commitments = [
        Item(
            text="SSO live before go-live",
            time_sensitive=True,
            due=date(2026, 3, 15),
            owner="us",
            source_ids=["m1"],
        ),
        Item(text="Quarterly review", owner="us", informal=True, source_ids=["m1"]),
    ]
    doc.sections.stakeholders = [
        Stakeholder(name="Maria Chen", title="VP Operations", role="champion", influence="high", concerns=["cost"])
    ]
    doc.sources = [
        SourceRef.model_validate(
            {
                "id": "m1",
                "date": "2026-03-01T10:30:00+00:00",
                "from": "Maria Chen <maria@harbor.example>",
                "subject": "Pricing",
            }
        )
    ]
    return doc


def test_html_document_escapes_script_from_the_sources() -> None:
    html = render_document(make_doc(), "html")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert html.count("&lt;script&gt;") >= 3  # account name, item text, quote


def test_markdown_document_escapes_angle_brackets_so_no_html_survives() -> None:
    md = render_document(make_doc(), "md")
    assert "<script>" not in md
    assert r"\<script\>" in md
    assert "## Pain points" in md


def test_every_format_has_the_completeness_line_and_all_section_titles() -> None:
    for fmt in ("md", "html", "txt"):
        out = render_document(make_doc(), fmt)  # type: ignore[arg-type]
        assert "3 of 11 sections filled" in out
        for title in ("Company overview", "Stakeholder map", "Commitments we made", "Rep perspective"):
            assert title.lower() in out.lower()


def test_time_sensitive_commitment_is_bold_in_html_and_markdown_and_leads_with_its_date_in_text() -> None:
    doc = make_doc()
    html = render_document(doc, "html")
    assert "<strong>SSO live before go-live</strong> <strong>(due Sun 15 Mar 2026)</strong>" in html
    assert "<strong>Quarterly review</strong>" not in html
    assert "DUE Sun 15 Mar 2026: SSO live before go-live [we promised]" in render_document(doc, "txt")
    assert "**SSO live before go-live** **(due Sun 15 Mar 2026)**" in render_document(doc, "md")


def test_quotes_are_styled_as_quotes_with_their_speaker() -> None:
    html = render_document(make_doc(), "html")
    assert "<blockquote" in html and "&mdash; Maria Chen</cite></blockquote>" in html
    assert "border-left:3px solid" in html and "font-style:italic" in html
    assert "> “we burn 3 FTEs" in render_document(make_doc(), "md")
    assert "“we burn 3 FTEs \\<script\\>" not in render_document(make_doc(), "txt")
    assert "“we burn 3 FTEs <script>alert('x')</script>” — Maria Chen" in render_document(make_doc(), "txt")


def test_an_item_that_is_only_what_a_customer_said_is_shown_once_as_their_quote() -> None:
    doc = make_doc()
    said = "We need the weekly scorecard by July 1."
    doc.sections.pain_points = [
        Item(text=f"Maria Chen: {said}", quotes=[Quote(text=said, speaker="Maria Chen", source_id="m1")])
    ]
    html = render_document(doc, "html")
    assert html.count(said) == 1
    assert f"&ldquo;{said}&rdquo; <cite" in html
    assert f"  - “{said}” — Maria Chen" in render_document(doc, "txt")


def test_addresses_are_mailto_links_in_html_and_markdown() -> None:
    html = render_document(make_doc(), "html")
    assert '<a href="mailto:dana@lumen.example"' in html and '<a href="mailto:priya@lumen.example"' in html
    assert '<a href="mailto:maria@harbor.example"' in html  # the source's sender
    assert "&lt;dana@lumen.example&gt;" not in html
    assert "[dana@lumen.example](mailto:dana@lumen.example)" in render_document(make_doc(), "md")


def test_an_address_that_is_not_one_is_never_a_link() -> None:
    doc = make_doc()
    doc.sections.stakeholders[0].email = 'x@y.example" onclick="alert(1)'
    html = render_document(doc, "html")
    assert "onclick" not in html.split("Maria Chen</strong>", 1)[1].split("</li>", 1)[0]


def test_people_and_commitments_come_first_and_what_is_not_known_comes_last() -> None:
    for fmt in ("txt", "md", "html"):
        out = render_document(make_doc(), fmt).lower()  # type: ignore[arg-type]
        order = [out.index(t) for t in ("stakeholder map", "commitments we made", "pain points", "not known yet")]
        assert order == sorted(order), fmt
        unknown = out[out.index("not known yet") :]
        assert "how they feel" in unknown and "how urgent" in unknown and "expansion" in unknown
        assert out.index("how they feel") > out.index("pain points")


def test_sources_list_the_customers_mail_and_count_our_own() -> None:
    doc = make_doc()
    doc.sources += [
        SourceRef.model_validate({"id": "r1", "from": "Dana Reyes <dana@lumen.example>", "subject": "Fwd: Pricing"}),
        SourceRef.model_validate({"id": "r2", "from": "dana@lumen.example", "subject": "Re: Handoff draft"}),
        SourceRef.model_validate({"id": "t1", "kind": "transcript", "from": "dana@lumen.example", "subject": "call"}),
    ]
    for fmt in ("txt", "md", "html"):
        out = render_document(doc, fmt)  # type: ignore[arg-type]
        assert "Pricing" in out and "call" in out  # the customer's mail and the transcript
        assert "Fwd: Pricing" not in out and "Re: Handoff draft" not in out
        assert "2 of our own mails" in out


def test_stakeholders_show_title_role_and_influence() -> None:
    txt = render_document(make_doc(), "txt")
    assert "Maria Chen, VP Operations, champion, high influence" in txt


def test_draft_numbers_questions_and_lists_sources_unread_and_notes() -> None:
    questions = [
        Question(n=1, section="expansion", text="Is there expansion beyond the EU warehouses?"),
        Question(n=2, section="rep_perspective", text=f"Who really decides? {EVIL}"),
    ]
    text, html = render_draft(
        make_doc(), questions, make_doc().sources, ["deck.pdf: PDF could not be read"], ["offline extractor"]
    )
    assert "  1. Is there expansion beyond the EU warehouses?" in text
    assert "  2. Who really decides?" in text
    assert "2026-03-01 10:30" in text and "Pricing" in text
    assert "deck.pdf: PDF could not be read" in text
    assert "offline extractor" in text
    assert '<li value="2">Who really decides? &lt;script&gt;' in html
    assert "<script>" not in html
    assert "3 of 11 sections filled" in text and "3 of 11 sections filled" in html


def test_draft_accepts_plain_dict_sources_and_sorts_them_by_date() -> None:
    rows = [
        {
            "kind": "note",
            "date": datetime(2026, 3, 3, 9, 0),
            "from_email": "dana@lumen.example",
            "subject": "My notes",
        },
        {"kind": "email", "date": "2026-02-27", "from": "maria@harbor.example", "subject": None},
    ]
    text, _ = render_draft(make_doc(), [], rows, [], [])
    first, second = text.index("2026-02-27"), text.index("2026-03-03 09:00")
    assert first < second
    assert "(no subject)" in text and "note from dana@lumen.example: My notes" in text


def test_draft_without_a_csm_says_how_to_name_one() -> None:
    doc = make_doc()
    doc.csm = None
    text, html = render_draft(doc, [], [], [], [])
    assert 'name one with a line "CSM: Name <email>"' in text
    assert "CSM: Name &lt;email&gt;" in html


def test_draft_has_no_bare_command_lines_that_a_reply_parser_could_take_for_the_rep() -> None:
    text, _ = render_draft(make_doc(), [], [], [], [])
    lines = {line.strip().lower() for line in text.splitlines()}
    assert not lines & {"approve", "status", "cancel"}
    assert not any(line.startswith(("csm:", "account:", "call:", "remove:")) for line in lines)


def test_final_mail_states_the_call_time_in_the_given_zone_across_dst() -> None:
    start = datetime(2026, 3, 30, 7, 0, tzinfo=UTC)  # the Monday after Berlin moved to CEST
    text, html = render_final(make_doc(), start, ZoneInfo("Europe/Berlin"))
    assert "Mon 30 Mar 2026, 09:00-09:15 CEST (Europe/Berlin)" in text
    assert "Dana Reyes <dana@lumen.example> has handed" in text
    assert (
        'Dana Reyes (<a href="mailto:dana@lumen.example" style="color:#1a56a8">dana@lumen.example</a>) has handed'
        in html
    )
    assert "Hi Priya," in text


def test_final_mail_shows_both_zones_when_the_csm_lives_elsewhere() -> None:
    start = datetime(2026, 1, 12, 14, 0, tzinfo=UTC)
    text, _ = render_final(make_doc(), start, ZoneInfo("Europe/Berlin"), csm_tz=ZoneInfo("America/New_York"))
    assert "09:00-09:15 EST (America/New_York) / Mon 12 Jan 2026, 15:00-15:15 CET (Europe/Berlin)" in text


def test_a_utc_call_names_its_zone_once() -> None:
    text, _ = render_final(make_doc(), datetime(2026, 3, 30, 9, 0, tzinfo=UTC), ZoneInfo("UTC"))
    assert "Mon 30 Mar 2026, 09:00-09:15 UTC\n" in text
    assert "UTC (UTC)" not in text


def test_final_refuses_a_naive_call_time() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        render_final(make_doc(), datetime(2026, 3, 30, 9, 0), ZoneInfo("UTC"))


def test_notice_escapes_html_and_keeps_paragraphs() -> None:
    text, html = render_notice("Approve refused.\n\nNo CSM <b>known</b>.", title="Not sent")
    assert text.startswith("Not sent\n\nApprove refused.\n\nNo CSM <b>known</b>.")
    assert "<p>No CSM &lt;b&gt;known&lt;/b&gt;.</p>" in html


def test_environment_is_built_once_escapes_html_names_only_and_rejects_undefined_names() -> None:
    env = environment()
    assert env is environment()
    assert env.autoescape("draft.html.j2") is True  # type: ignore[operator]
    assert env.autoescape("draft.txt.j2") is False  # type: ignore[operator]
    with pytest.raises(UndefinedError):
        env.get_template("notice.txt.j2").render()


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="md, html, txt"):
        render_document(make_doc(), "pdf")  # type: ignore[arg-type]


def test_a_role_decided_by_a_sentence_shows_that_sentence_in_every_format() -> None:
    doc = make_doc()
    doc.sections.stakeholders = [
        Stakeholder(name="Uwe Brandl", title="IT-Leiter", role="blocker", role_shown="Uwe hält das für Spielerei."),
        Stakeholder(name="Ana Ruiz", title="COO", role="champion", role_said="Ana is the one who pushed this through."),
        Stakeholder(name="Maria Chen", title="VP Operations", role="economic_buyer"),
    ]
    for fmt in ("txt", "md", "html"):
        out = render_document(doc, fmt)
        assert "as the mail shows: “Uwe hält das für Spielerei.”" in out, fmt
        assert "the rep: “Ana is the one who pushed this through.”" in out, fmt
        assert out.count("Role, per") + out.count("role, per") == 2, fmt  # a role from the title says nothing more
